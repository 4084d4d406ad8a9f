// SPDX-License-Identifier: GPL-2.0
/*
 * backport import: read a patch series from mails (mbox, single mails,
 * maildirs, directories of them, web-archive renderings, quilt queues in
 * their series file's order) and store it under series/<name>/. Threads
 * with replies go through b4, which picks the newest revision and
 * collects the reviewers' trailers.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "options.h"
#include "lib/quilt.h"
#include "lib/series.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/strbuf.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char import_usage[] =
	"usage: backport import [<options>] <mbox|mail|maildir|dir|queue>...\n"
	"   or: backport import [<options>] --msgid <message-id>\n"
	"\n"
	"  -n, --name <name>      name of the series (default: a quilt queue's\n"
	"                         directory, else from the cover letter or\n"
	"                         the first patch)\n"
	"  --series-dir <dir>     where series are kept (default: series/,\n"
	"                         or $BACKPORT_SERIES_DIR)\n"
	"  --replace              replace an existing series of that name\n"
	"  --b4 / --no-b4         pass the input through `b4 am` (default:\n"
	"                         when the input holds replies)\n"
	"  --msgid <id>           fetch the thread with `b4 am <id>` (network)\n"
	"  --format=<text|json>   output format\n"
	"  -q, --quiet            no progress\n";

enum b4_mode { B4_AUTO, B4_ALWAYS, B4_NEVER };

struct import_opts {
	struct common_opts co;
	const char *name;
	const char *root;
	const char *msgid;
	bool replace;
	enum b4_mode b4;
	enum output_format format;
};

/* The regular files of `dir`, sorted, skipping hidden ones. */
static int list_dir(struct strvec *out, const char *dir)
{
	struct strvec names = STRVEC_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return error_errno("cannot read directory '%s'", dir);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strvec_push(&names, de->d_name);
	closedir(d);
	strvec_sort(&names);
	for (size_t i = 0; i < names.nr; i++) {
		char *p = xstrfmt("%s/%s", dir, names.v[i]);

		if (!is_directory(p))
			strvec_push(out, p);
		free(p);
	}
	strvec_clear(&names);
	return 0;
}

/* A quilt queue: its patches in the series file's order. */
static int add_queue(struct strvec *files, char **name, const char *dir)
{
	struct quilt_queue q = QUILT_QUEUE_INIT;

	if (quilt_read(&q, dir) < 0)
		return -1;
	for (size_t i = 0; i < q.files.nr; i++)
		strvec_push(files, q.files.v[i]);
	for (size_t i = 0; i < q.unlisted.nr; i++)
		fprintf(stderr,
			"warning: '%s' is not listed in %s/series: "
			"not imported\n",
			q.unlisted.v[i], dir);
	progress("quilt queue %s: %zu patch%s in series order", dir, q.files.nr,
		 q.files.nr == 1 ? "" : "es");
	if (!*name) {
		*name = q.name;
		q.name = NULL;
	}
	quilt_queue_release(&q);
	return 0;
}

/*
 * Expand the arguments: files as they are, maildirs, quilt queues,
 * directories. *queue_name gets the first queue's name.
 */
static int expand_inputs(struct strvec *files, char **queue_name, int argc,
			 char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		char *cur, *new_;
		int ret = 0;

		if (!path_exists(a))
			return error_set("'%s' does not exist", a);
		if (!is_directory(a)) {
			strvec_push(files, a);
			continue;
		}
		if (quilt_is_queue(a)) {
			if (add_queue(files, queue_name, a) < 0)
				return -1;
			continue;
		}
		cur = xstrfmt("%s/cur", a);
		new_ = xstrfmt("%s/new", a);
		if (is_directory(cur) && is_directory(new_)) {
			ret = list_dir(files, cur);
			if (!ret)
				ret = list_dir(files, new_);
		} else {
			size_t before = files->nr;

			ret = list_dir(files, a);
			if (!ret && files->nr == before)
				ret = error_set("directory '%s' holds no "
						"mails",
						a);
		}
		free(cur);
		free(new_);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int read_mails(struct mail_list *ml, const struct strvec *files)
{
	for (size_t i = 0; i < files->nr; i++)
		if (mail_read_file(ml, files->v[i]) < 0)
			return -1;
	return 0;
}

static bool has_replies(const struct mail_list *ml)
{
	for (size_t i = 0; i < ml->nr; i++) {
		const struct mail *m = ml->mails[i];

		if (!m->has_patch && !mail_is_cover(m) && m->in_reply_to)
			return true;
	}
	return false;
}

static bool have_b4(void)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT;
	bool ok;

	strvec_pushl(&cp.args, "b4", "--version", NULL);
	cp.out = &out;
	ok = run_command(&cp) == 0 && cp.exit_code == 0;
	error_clear();
	child_process_release(&cp);
	strbuf_release(&out);
	return ok;
}

/* Write every mail of `ml` into one mbox for b4. */
static int write_mbox(const char *path, const struct mail_list *ml)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	for (size_t i = 0; i < ml->nr; i++) {
		const struct mail *m = ml->mails[i];

		if (m->web_archive) {
			strbuf_release(&sb);
			return error_set("'%s' is a web-archive rendering, "
					 "which b4 cannot read",
					 m->path);
		}
		if (m->raw_len < 5 || memcmp(m->raw, "From ", 5))
			strbuf_addstr(&sb, "From mboxrd@z Thu Jan  1 00:00:00 "
					   "1970\n");
		strbuf_add(&sb, m->raw, m->raw_len);
		if (sb.len && sb.buf[sb.len - 1] != '\n')
			strbuf_addch(&sb, '\n');
		strbuf_addch(&sb, '\n');
	}
	ret = write_file_atomic(path, sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

/*
 * Run `b4 am` on a local mbox (offline) or a Message-ID (network), and
 * replace `ml` by what it produced: the newest revision with the
 * trailers of the replies applied, and its cover letter.
 */
static int run_b4(struct mail_list *ml, const char *msgid)
{
	char tmpl[] = "/tmp/backport-b4.XXXXXX";
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT;
	struct mail_list got = MAIL_LIST_INIT;
	char *mbox = NULL, *mbx = NULL, *cover = NULL, *log = NULL;
	int ret = -1;

	if (!have_b4())
		return error_set("b4 is not installed: it is needed for %s "
				 "(apt-get install b4)",
				 msgid ? "--msgid" : "a thread with replies");
	if (!mkdtemp(tmpl))
		return error_errno("cannot create a temporary directory");
	mbx = xstrfmt("%s/thread.mbx", tmpl);
	cover = xstrfmt("%s/thread.cover", tmpl);
	log = xstrfmt("%s/b4.log", tmpl);
	strvec_pushl(&cp.args, "b4", "--no-interactive", "--no-stdin", NULL);
	if (msgid) {
		strvec_pushl(&cp.args, "am", "-o", tmpl, "-n", "thread", msgid,
			     NULL);
	} else {
		mbox = xstrfmt("%s/input.mbox", tmpl);
		if (write_mbox(mbox, ml) < 0)
			goto out;
		strvec_pushl(&cp.args, "--offline-mode", "am", "-o", tmpl, "-n",
			     "thread", "-m", mbox, NULL);
	}
	cp.log_path = log;
	cp.timeout_ms = 300 * 1000;
	strvec_pushf(&cp.env, "XDG_CACHE_HOME=%s/cache", tmpl);
	if (run_command(&cp) < 0)
		goto out;
	if (cp.exit_code != 0 || !path_exists(mbx)) {
		strbuf_read_file(&out, log);
		strbuf_trim(&out);
		if (msgid)
			error_set("b4 could not fetch '%s' (no network? save "
				  "the thread as an mbox and import that "
				  "file): %s",
				  msgid, out.buf);
		else
			error_set("b4 am failed on the input: %s", out.buf);
		goto out;
	}
	if (mail_read_file(&got, mbx) < 0 ||
	    (path_exists(cover) && mail_read_file(&got, cover) < 0))
		goto out;
	mail_list_release(ml);
	*ml = got;
	got.mails = NULL;
	got.nr = got.alloc = 0;
	ret = 0;
out:
	mail_list_release(&got);
	remove_tree(tmpl);
	child_process_release(&cp);
	strbuf_release(&out);
	free(mbox);
	free(mbx);
	free(cover);
	free(log);
	return ret;
}

static void print_text(const struct series *s, const char *dir)
{
	printf("imported series '%s' into %s: %zu patch%s%s\n", s->name, dir,
	       s->nr, s->nr == 1 ? "" : "es",
	       s->cover ? " and a cover letter" : "");
	for (size_t i = 0; i < s->nr; i++) {
		const struct mail *m = s->patches[i].mail;

		printf("  %s  %s\n", s->patches[i].file, m->subject);
		if (m->patch.damage_nr)
			printf("      damaged: %zu problem%s (see 'backport "
			       "show %s')\n",
			       m->patch.damage_nr,
			       m->patch.damage_nr == 1 ? "" : "s", s->name);
	}
}

/*
 * A series name: letters, digits, '_', '-' and '.' ("queue-6.12"), as
 * a ref component and a directory name take them.
 */
static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	if (!len || *name == '.' || *name == '-' || strstr(name, "..") ||
	    name[len - 1] == '.' ||
	    (len >= 5 && !strcmp(name + len - 5, ".lock")))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
			return false;
	return true;
}

static int import_option(void *data, int ch, const char *arg)
{
	struct import_opts *o = data;

	switch (ch) {
	case 'n':
		o->name = arg;
		return 0;
	case 'r':
		o->replace = true;
		return 0;
	case 'b':
		o->b4 = B4_ALWAYS;
		return 0;
	case 'B':
		o->b4 = B4_NEVER;
		return 0;
	case 'm':
		o->msgid = arg;
		return 0;
	}
	return -1;
}

static int parse_options(struct import_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "replace", no_argument, NULL, 'r' },
		{ "b4", no_argument, NULL, 'b' },
		{ "no-b4", no_argument, NULL, 'B' },
		{ "msgid", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int first = options_parse(&o->co,
				  OPT_SERIES_DIR | OPT_FORMAT | OPT_ARGS, argc,
				  argv, import_usage, longopts,
				  "n:", import_option, o);

	o->root = o->co.series_dir;
	o->format = o->co.format;
	return first;
}

int cmd_import(int argc, char **argv)
{
	struct import_opts o = { .co = COMMON_OPTS_INIT };
	struct mail_list ml = MAIL_LIST_INIT;
	struct strvec files = STRVEC_INIT, notes = STRVEC_INIT;
	struct series s = SERIES_INIT;
	char *dir = NULL, *slug = NULL, *queue_name = NULL;
	int first;

	first = parse_options(&o, argc, argv);
	if (o.msgid && first < argc)
		usage_msg(import_usage, "--msgid takes no files");
	if (!o.msgid && first == argc)
		usage_msg(import_usage, "no mails to import");
	if (o.name && !name_ok(o.name)) {
		slug = series_slug(o.name);
		usage_msg(import_usage, "bad series name '%s' (try '%s')",
			  o.name, slug);
	}

	if (o.msgid) {
		if (run_b4(&ml, o.msgid) < 0)
			die("%s", error_last());
	} else {
		if (expand_inputs(&files, &queue_name, argc - first,
				  argv + first) < 0 ||
		    read_mails(&ml, &files) < 0)
			die("%s", error_last());
		if (!o.name && queue_name && !name_ok(queue_name))
			die("cannot name the series after '%s' (give --name)",
			    queue_name);
		progress("read %zu mail%s from %zu file%s", ml.nr,
			 ml.nr == 1 ? "" : "s", files.nr,
			 files.nr == 1 ? "" : "s");
		if (o.b4 == B4_ALWAYS ||
		    (o.b4 == B4_AUTO && has_replies(&ml))) {
			progress("passing the thread through b4 am");
			if (run_b4(&ml, NULL) < 0)
				die("%s", error_last());
		}
	}
	if (series_from_mails(&s, &ml, o.name ? o.name : queue_name, &notes) <
	    0)
		die("%s", error_last());
	for (size_t i = 0; i < notes.nr; i++)
		fprintf(stderr, "note: %s\n", notes.v[i]);
	if (series_write(&s, o.root, o.replace) < 0)
		die("%s", error_last());
	dir = series_dir(o.root, s.name);
	if (o.format == FORMAT_JSON) {
		json_t *j = series_to_json(&s);

		json_object_set_new(j, "dir", json_string(dir));
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		print_text(&s, dir);
	}
	free(dir);
	free(slug);
	free(queue_name);
	series_release(&s);
	strvec_clear(&files);
	strvec_clear(&notes);
	common_opts_release(&o.co);
	return EXIT_OK;
}
