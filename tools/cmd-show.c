// SPDX-License-Identifier: GPL-2.0
/*
 * backport show: what an imported series holds: its patches in order,
 * their metadata (author, version, stable tag, patch-id, files) and the
 * damage found in mails that lost their whitespace on the way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "options.h"
#include "lib/series.h"
#include "util/error.h"
#include "util/usage.h"

static const char show_usage[] =
	"usage: backport show [<options>] [<series>]\n"
	"\n"
	"Without <series>, list the imported series.\n"
	"\n"
	"  --series-dir <dir>     where series are kept (default: series/,\n"
	"                         or $BACKPORT_SERIES_DIR)\n"
	"  --format=<text|json>   output format\n";

static void print_person(const char *label, const char *name,
			 const char *email)
{
	if (!name && !email)
		return;
	printf("    %-11s %s", label, name ? name : "");
	if (email)
		printf("%s<%s>", name ? " " : "", email);
	putchar('\n');
}

static void print_stable(const struct mail *m)
{
	if (!m->stable.present)
		printf("    %-11s no\n", "stable:");
	else if (m->stable.qualifier)
		printf("    %-11s yes, # %s\n", "stable:", m->stable.qualifier);
	else
		printf("    %-11s yes\n", "stable:");
}

static void print_files(const struct patch *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		const struct patch_file *f = &p->files[i];
		unsigned add = 0, del = 0;

		for (size_t h = 0; h < f->nr; h++)
			for (size_t l = 0; l < f->hunks[h].nr; l++) {
				add += f->hunks[h].lines[l].kind == '+';
				del += f->hunks[h].lines[l].kind == '-';
			}
		printf("    %-11s %s (+%u -%u, %zu hunk%s)\n",
		       i ? "" : "files:",
		       f->new_path ? f->new_path : f->old_path, add, del, f->nr,
		       f->nr == 1 ? "" : "s");
	}
}

static void print_mail(const struct mail *m, const char *file, size_t n)
{
	const struct patch *p = &m->patch;

	if (n)
		printf("%zu. %s\n", n, m->subject);
	else
		printf("cover: %s\n", m->subject);
	printf("    %-11s %s\n", "mail:", file);
	print_person("author:", m->author_name, m->author_email);
	if (m->from_name && (!m->author_name ||
			     strcmp(m->from_name, m->author_name)))
		print_person("from:", m->from_name, m->from_email);
	if (m->date)
		printf("    %-11s %s\n", "date:", m->date);
	printf("    %-11s %s\n", "message-id:",
	       m->message_id ? m->message_id : "(none in the mail)");
	if (!m->has_patch)
		return;
	if (m->subj.total)
		printf("    %-11s v%u, %u/%u%s%s\n", "version:", m->subj.version,
		       m->subj.index, m->subj.total, m->subj.rfc ? ", RFC" : "",
		       m->subj.resend ? ", RESEND" : "");
	print_stable(m);
	if (m->upstream_commit)
		printf("    %-11s %s\n", "upstream:", m->upstream_commit);
	for (size_t i = 0; i < m->trailers_nr; i++)
		if (m->trailers[i].kind == TRAILER_FIXES)
			printf("    %-11s %s\n", "fixes:", m->trailers[i].value);
	printf("    %-11s %s\n", "patch-id:", p->patch_id);
	print_files(p);
	if (!p->damage_nr) {
		printf("    %-11s no\n", "damaged:");
		return;
	}
	printf("    %-11s yes, %zu problem%s (apply repairs it against a "
	       "tree, or refuses)\n", "damaged:", p->damage_nr,
	       p->damage_nr == 1 ? "" : "s");
	for (size_t i = 0; i < p->damage_nr; i++)
		printf("      line %u: %s: %s\n", p->damage[i].line,
		       patch_damage_name(p->damage[i].kind),
		       p->damage[i].detail);
}

static int list_series(const char *root, enum output_format format)
{
	struct strvec names = STRVEC_INIT;

	if (series_list(&names, root) < 0)
		die("%s", error_last());
	if (format == FORMAT_JSON) {
		json_t *a = json_array();

		for (size_t i = 0; i < names.nr; i++)
			json_array_append_new(a, json_string(names.v[i]));
		json_dumpf(a, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(a);
	} else {
		for (size_t i = 0; i < names.nr; i++)
			printf("%s\n", names.v[i]);
	}
	strvec_clear(&names);
	return EXIT_OK;
}

int cmd_show(int argc, char **argv)
{
	struct common_opts co = COMMON_OPTS_INIT;
	struct series s = SERIES_INIT;
	enum output_format format;
	const char *root;
	int first = options_parse(&co, OPT_SERIES_DIR | OPT_FORMAT | OPT_ARGS,
				  argc, argv, show_usage, NULL, "", NULL, NULL);

	root = co.series_dir;
	format = co.format;
	if (first == argc)
		return list_series(root, format);
	if (first + 1 != argc)
		usage_msg(show_usage, "one series at a time");
	if (series_load(&s, root, argv[first]) < 0)
		die("%s", error_last());
	if (format == FORMAT_JSON) {
		json_t *j = series_to_json(&s);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		printf("series %s: %zu patch%s\n\n", s.name, s.nr,
		       s.nr == 1 ? "" : "es");
		if (s.cover) {
			print_mail(s.cover, s.cover_file, 0);
			putchar('\n');
		}
		for (size_t i = 0; i < s.nr; i++) {
			print_mail(s.patches[i].mail, s.patches[i].file, i + 1);
			if (i + 1 < s.nr)
				putchar('\n');
		}
	}
	series_release(&s);
	return EXIT_OK;
}
