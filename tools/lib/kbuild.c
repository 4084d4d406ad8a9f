// SPDX-License-Identifier: GPL-2.0
/*
 * kbuild: worktrees kept in step with commits by writing only what
 * changed, kernel configuration from a base and a fragment, make under
 * one shared jobserver, KVM selftests, first error and warnings of a
 * log, and artefacts kept by a hash of their inputs. See kbuild.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/kbuild.h"
#include "lib/matrix.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/xalloc.h"

/* Bump when what a build produces changes: old artefacts are not used. */
#define KBUILD_FORMAT "kbuild 1"

static const char *const verdict_names[] = {
	[KBUILD_NOT_BUILT] = "not-built",
	[KBUILD_BUILT] = "built",
	[KBUILD_BUILD_FAILED] = "build-failed",
};

static const char *const step_names[] = {
	[KBUILD_STEP_NONE] = "none",
	[KBUILD_STEP_SYNC] = "sync",
	[KBUILD_STEP_CONFIG] = "config",
	[KBUILD_STEP_KERNEL] = "kernel",
	[KBUILD_STEP_HEADERS] = "headers",
	[KBUILD_STEP_SELFTESTS] = "selftests",
	[KBUILD_STEP_DONE] = "done",
};

const char *kbuild_verdict_name(enum kbuild_verdict v)
{
	return verdict_names[v];
}

const char *kbuild_step_name(enum kbuild_step s)
{
	return step_names[s];
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- configuration ---- */

void kbuild_config_init(struct kbuild_config *c)
{
	struct kbuild_config blank = KBUILD_CONFIG_INIT;

	*c = blank;
}

void kbuild_config_release(struct kbuild_config *c)
{
	free(c->name);
	free(c->base);
	free(c->fragment);
	strbuf_release(&c->fragment_text);
	for (size_t i = 0; i < c->optional_nr; i++)
		free(c->optional[i].option);
	free(c->optional);
	kbuild_config_init(c);
}

static unsigned parse_version(const char *s)
{
	unsigned major, minor;

	if (*s == 'v')
		s++;
	if (sscanf(s, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 1000 + minor;
}

/* "X", or "X <op> 7.3". */
static int parse_optional(struct kbuild_optional *o, const char *value)
{
	char name[128], op[8], ver[32];
	int n = sscanf(value, "%127s %7s %31s", name, op, ver);

	memset(o, 0, sizeof(*o));
	if (n != 1 && n != 3)
		return -1;
	if (n == 3) {
		if (strcmp(op, "<") && strcmp(op, "<=") && strcmp(op, ">") &&
		    strcmp(op, ">=") && strcmp(op, "="))
			return -1;
		o->version = parse_version(ver);
		if (!o->version)
			return -1;
		strcpy(o->op, op);
	}
	o->option = xstrdup(starts_with(name, "CONFIG_") ? name + 7 : name);
	return 0;
}

/* The fragment's path: as given, or beside the matrix file. */
static int read_fragment(struct kbuild_config *c, const char *matrix_path,
			 const char *v)
{
	const char *slash = strrchr(matrix_path, '/');
	char *abs;

	if (*v == '/' || !slash)
		c->fragment = xstrdup(v);
	else
		c->fragment = xstrfmt("%.*s/%s", (int)(slash - matrix_path),
				      matrix_path, v);
	if (strbuf_read_file(&c->fragment_text, c->fragment) < 0)
		return error_prefix("config '%s': ", c->name);
	if (c->fragment[0] != '/' && (abs = realpath(c->fragment, NULL))) {
		free(c->fragment);
		c->fragment = abs;
	}
	return 0;
}

int kbuild_config_from_matrix(struct kbuild_config *c, const struct matrix *m,
			      const char *name)
{
	const char *v;

	v = name ? name : matrix_get(m, "matrix", "", "config");
	c->name = xstrdup(v ? v : "kvm-tiny");
	v = matrix_get(m, "config", c->name, "base");
	if (!v)
		return error_set("%s: no [config \"%s\"] with a base", m->path,
				 c->name);
	c->base = xstrdup(v);
	v = matrix_get(m, "config", c->name, "fragment");
	if (v && *v && read_fragment(c, m->path, v) < 0)
		return -1;
	v = matrix_get(m, "config", c->name, "selftests");
	c->selftests = !v || strcmp(v, "none");
	for (size_t i = 0; i < m->entries_nr; i++) {
		const struct matrix_entry *e = &m->entries[i];

		if (strcmp(e->section, "config") || strcmp(e->sub, c->name) ||
		    strcmp(e->key, "optional"))
			continue;
		ALLOC_GROW(c->optional, c->optional_nr + 1, c->optional_alloc);
		if (parse_optional(&c->optional[c->optional_nr], e->value) < 0)
			return error_set("%s: config '%s': bad optional '%s' "
					 "(want OPTION or OPTION <op> X.Y)",
					 m->path, c->name, e->value);
		c->optional_nr++;
	}
	return 0;
}

bool kbuild_option_is_optional(const struct kbuild_config *c,
			       const char *option, unsigned version)
{
	for (size_t i = 0; i < c->optional_nr; i++) {
		const struct kbuild_optional *o = &c->optional[i];
		const char *op = o->op;

		if (strcmp(o->option, option))
			continue;
		if (!*op ||
		    (version && ((!strcmp(op, "<") && version < o->version) ||
				 (!strcmp(op, "<=") && version <= o->version) ||
				 (!strcmp(op, ">") && version > o->version) ||
				 (!strcmp(op, ">=") && version >= o->version) ||
				 (!strcmp(op, "=") && version == o->version))))
			return true;
	}
	return false;
}

/*
 * One line of a config file: the option (without CONFIG_) into `name`
 * and its value ("n" for "is not set"); false for other lines.
 */
static bool parse_config_line(const char *line, size_t len, char *name,
			      size_t name_size, char *value, size_t value_size)
{
	const char *p = line, *end = line + len, *eq;
	size_t n;

	if (skip_prefix(p, "# CONFIG_", &p)) {
		const char *sp = memchr(p, ' ', end - p);

		if (!sp || (size_t)(end - sp) < 11 ||
		    strncmp(sp, " is not set", 11))
			return false;
		n = sp - p;
		if (n >= name_size)
			return false;
		memcpy(name, p, n);
		name[n] = '\0';
		snprintf(value, value_size, "n");
		return true;
	}
	if (!skip_prefix(p, "CONFIG_", &p))
		return false;
	eq = memchr(p, '=', end - p);
	if (!eq || (size_t)(eq - p) >= name_size)
		return false;
	memcpy(name, p, eq - p);
	name[eq - p] = '\0';
	n = end - eq - 1;
	if (n >= value_size)
		n = value_size - 1;
	memcpy(value, eq + 1, n);
	value[n] = '\0';
	return true;
}

/* The value of CONFIG_<name> in `text`, "n" when absent or not set. */
static void config_value(char *out, size_t size, const char *text,
			 const char *want)
{
	const char *line = text;

	snprintf(out, size, "n");
	while (*line) {
		const char *nl = strchrnul(line, '\n');
		char name[256], value[256];

		if (parse_config_line(line, nl - line, name, sizeof(name),
				      value, sizeof(value)) &&
		    !strcmp(name, want)) {
			snprintf(out, size, "%s", value);
			return;
		}
		line = *nl ? nl + 1 : nl;
	}
}

void kbuild_check_config(struct strvec *missing, const char *dotconfig,
			 const struct kbuild_config *c, unsigned version)
{
	const char *line = c->fragment_text.buf;

	while (*line) {
		const char *nl = strchrnul(line, '\n');
		char name[256], want[256], have[256];

		if (parse_config_line(line, nl - line, name, sizeof(name), want,
				      sizeof(want))) {
			config_value(have, sizeof(have), dotconfig, name);
			if (strcmp(want, have) &&
			    !kbuild_option_is_optional(c, name, version))
				strvec_pushf(missing, "CONFIG_%s", name);
		}
		line = *nl ? nl + 1 : nl;
	}
}

/* The line of the fragment that names `option` (CONFIG_X), or 0. */
static unsigned fragment_line(const struct kbuild_config *c, const char *option)
{
	const char *line = c->fragment_text.buf;
	unsigned nr = 1;
	size_t len = strlen(option);

	while (*line) {
		const char *nl = strchrnul(line, '\n');
		const char *p = line;

		skip_prefix(p, "# ", &p);
		if (!strncmp(p, option, len) &&
		    (p[len] == '=' || p[len] == ' '))
			return nr;
		nr++;
		line = *nl ? nl + 1 : nl;
	}
	return 0;
}

/* ---- messages ---- */

void kbuild_msg_release(struct kbuild_msg *m)
{
	free(m->file);
	free(m->message);
	free(m->text);
	memset(m, 0, sizeof(*m));
}

void kbuild_msgs_release(struct kbuild_msgs *m)
{
	for (size_t i = 0; i < m->nr; i++)
		kbuild_msg_release(&m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static bool msgs_has(const struct kbuild_msgs *m, const char *file,
		     const char *message)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].file ? m->v[i].file : "",
			    file ? file : "") &&
		    !strcmp(m->v[i].message, message))
			return true;
	return false;
}

void kbuild_msgs_add(struct kbuild_msgs *m, const char *file, unsigned line,
		     const char *message, const char *text)
{
	struct kbuild_msg *x;

	ALLOC_GROW(m->v, m->nr + 1, m->alloc);
	x = &m->v[m->nr++];
	x->file = file ? xstrdup(file) : NULL;
	x->line = line;
	x->message = xstrdup(message);
	x->text = xstrdup(text ? text : message);
}

/* `path` relative to `srcdir` when under it; "./" and "../"s dropped. */
static char *relative_path(const char *path, size_t len, const char *srcdir)
{
	const char *p = path, *end = path + len;
	size_t sl = srcdir ? strlen(srcdir) : 0;

	while (sl && srcdir[sl - 1] == '/')
		sl--;
	if (sl && (size_t)(end - p) > sl && !strncmp(p, srcdir, sl) &&
	    p[sl] == '/')
		p += sl + 1;
	for (;;) {
		if (end - p > 2 && !strncmp(p, "./", 2))
			p += 2;
		else if (end - p > 3 && !strncmp(p, "../", 3))
			p += 3;
		else
			break;
	}
	return xstrndup(p, end - p);
}

/*
 * "file:line[:col]: <kind>: message" at the start of `line`: fill the
 * parts and return the message (after "kind: "), or NULL.
 */
static const char *parse_located(const char *line, size_t len, const char *kind,
				 const char **file_end, unsigned *lineno)
{
	const char *end = line + len, *p = line, *q;

	while (p < end) {
		const char *colon = memchr(p, ':', end - p);

		if (!colon || colon == line)
			return NULL;
		q = colon + 1;
		if (q < end && isdigit((unsigned char)*q)) {
			*lineno = strtoul(q, (char **)&q, 10);
			if (q < end && *q == ':' && q + 1 < end &&
			    isdigit((unsigned char)q[1]))
				strtoul(q + 1, (char **)&q, 10);
			if (q < end && *q == ':' && q + 1 < end &&
			    q[1] == ' ') {
				size_t kl = strlen(kind);

				q += 2;
				*file_end = colon;
				if (!*kind)
					return q;
				if ((size_t)(end - q) > kl + 1 &&
				    !strncmp(q, kind, kl) && q[kl] == ':' &&
				    q[kl + 1] == ' ')
					return q + kl + 2;
				return NULL;
			}
		}
		/* A space before a colon: not a path. */
		if (memchr(p, ' ', colon - p))
			return NULL;
		p = colon + 1;
	}
	return NULL;
}

static void set_msg(struct kbuild_msg *out, const char *file, size_t flen,
		    unsigned lineno, const char *msg, size_t mlen,
		    const char *line, size_t len, const char *srcdir)
{
	out->file = file ? relative_path(file, flen, srcdir) : NULL;
	out->line = lineno;
	out->message = xstrndup(msg, mlen);
	out->text = xstrndup(line, len);
}

/* Try the compiler's and the linker's forms on one line. */
static bool line_error(struct kbuild_msg *out, const char *line, size_t len,
		       const char *srcdir)
{
	static const char *const kinds[] = { "error", "fatal error" };
	const char *end = line + len, *fe, *msg, *p;
	unsigned lineno = 0;

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		msg = parse_located(line, len, kinds[k], &fe, &lineno);
		if (msg) {
			set_msg(out, line, fe - line, lineno, msg, end - msg,
				line, len, srcdir);
			return true;
		}
	}
	p = memmem(line, len, "undefined reference to", 22);
	if (p) {
		const char *s = line;

		skip_prefix(s, "ld: ", &s);
		msg = parse_located(s, end - s, "", &fe, &lineno);
		if (msg) {
			set_msg(out, s, fe - s, lineno, msg, end - msg, line,
				len, srcdir);
			return true;
		}
		set_msg(out, NULL, 0, 0, line, len, line, len, srcdir);
		return true;
	}
	if ((starts_with(line, "ld: ") || starts_with(line, "ld.bfd: ")) &&
	    memmem(line, len, "error", 5)) {
		set_msg(out, NULL, 0, 0, line, len, line, len, srcdir);
		return true;
	}
	return false;
}

bool kbuild_first_error(struct kbuild_msg *out, const char *log,
			const char *srcdir)
{
	const char *line = log, *make_line = NULL;
	size_t make_len = 0;

	memset(out, 0, sizeof(*out));
	while (*line) {
		const char *nl = strchrnul(line, '\n');
		size_t len = nl - line;

		if (line_error(out, line, len, srcdir))
			return true;
		if (!make_line && memmem(line, len, "*** ", 4)) {
			make_line = line;
			make_len = len;
		}
		line = *nl ? nl + 1 : nl;
	}
	if (!make_line)
		return false;
	set_msg(out, NULL, 0, 0, make_line, make_len, make_line, make_len,
		srcdir);
	return true;
}

void kbuild_parse_warnings(struct kbuild_msgs *out, const char *log,
			   const char *srcdir)
{
	const char *line = log;

	while (*line) {
		const char *nl = strchrnul(line, '\n'), *fe, *msg;
		unsigned lineno = 0;

		msg = parse_located(line, nl - line, "warning", &fe, &lineno);
		if (msg) {
			char *file = relative_path(line, fe - line, srcdir);
			char *m = xstrndup(msg, nl - msg);
			char *text = xstrndup(line, nl - line);

			if (!msgs_has(out, file, m))
				kbuild_msgs_add(out, file, lineno, m, text);
			free(file);
			free(m);
			free(text);
		}
		line = *nl ? nl + 1 : nl;
	}
}

/* "  CC      path.o" or "  CC [M]  path.o": the object, else NULL. */
static const char *compile_line(const char *line, size_t len, size_t *olen)
{
	const char *p = line, *end = line + len;

	if (!skip_prefix(p, "  CC ", &p) && !skip_prefix(p, "  AS ", &p))
		return NULL;
	while (p < end && *p == ' ')
		p++;
	if (end - p > 4 && !strncmp(p, "[M]", 3)) {
		p += 3;
		while (p < end && *p == ' ')
			p++;
	}
	*olen = end - p;
	if (*olen < 3 || strncmp(end - 2, ".o", 2))
		return NULL;
	return p;
}

void kbuild_parse_compiled(struct strvec *out, const char *log)
{
	const char *line = log;

	while (*line) {
		const char *nl = strchrnul(line, '\n'), *obj;
		size_t olen;

		obj = compile_line(line, nl - line, &olen);
		if (obj && !strncmp(line, "  CC", 4))
			strvec_pushf(out, "%.*s.c", (int)(olen - 2), obj);
		line = *nl ? nl + 1 : nl;
	}
}

static size_t count_objects(const char *buf, size_t len)
{
	const char *line = buf, *end = buf + len;
	size_t n = 0;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);
		size_t olen;

		if (!nl)
			break;
		if (compile_line(line, nl - line, &olen))
			n++;
		line = nl + 1;
	}
	return n;
}

void kbuild_new_warnings(struct kbuild_msgs *out,
			 const struct kbuild_msgs *series,
			 const struct kbuild_msgs *baseline,
			 const struct strvec *touched)
{
	for (size_t i = 0; i < series->nr; i++) {
		const struct kbuild_msg *w = &series->v[i];

		if (!w->file || !strvec_has(touched, w->file))
			continue;
		if (msgs_has(baseline, w->file, w->message) ||
		    msgs_has(out, w->file, w->message))
			continue;
		kbuild_msgs_add(out, w->file, w->line, w->message, w->text);
	}
}

/* ---- jobs ---- */

void kbuild_job_init(struct kbuild_job *j)
{
	memset(j, 0, sizeof(*j));
	strvec_init(&j->missing);
	strvec_init(&j->touched);
	strvec_init(&j->selftests_failed);
}

void kbuild_job_release(struct kbuild_job *j)
{
	free(j->target);
	free(j->branch);
	free(j->variant);
	free(j->series);
	kbuild_msg_release(&j->first_error);
	strvec_clear(&j->missing);
	kbuild_msgs_release(&j->warnings);
	kbuild_msgs_release(&j->new_warnings);
	strvec_clear(&j->touched);
	free(j->artefacts);
	free(j->bzimage);
	free(j->selftests_dir);
	free(j->gen_init_cpio);
	strvec_clear(&j->selftests_failed);
	free(j->results);
	free(j->error);
	free(j->config);
	free(j->toolchain);
	kbuild_job_init(j);
}

void kbuild_job_set(struct kbuild_job *j, const char *target,
		    const char *branch, const char *series,
		    const git_oid *commit)
{
	j->target = xstrdup(target);
	j->branch = xstrdup(branch);
	j->series = series ? xstrdup(series) : NULL;
	j->variant = xstrdup(series ? "series" : "baseline");
	skip_prefix(branch, "linux-", &branch);
	j->version = parse_version(branch);
	git_oid_cpy(&j->commit, commit);
}

/* ---- worktrees ---- */

/* Write `data` to `path` through a temporary (no fsync: see the state). */
static int write_path(const char *path, const void *data, size_t len,
		      git_filemode_t mode)
{
	char *tmp = xstrfmt("%s.bp-tmp", path);
	const char *p = data;
	struct stat st;
	int fd, ret = -1;

	if (!lstat(path, &st) && S_ISDIR(st.st_mode) && remove_tree(path) < 0)
		goto out;
	unlink(tmp);
	if (mode == GIT_FILEMODE_LINK) {
		char *target = xstrndup(data, len);

		if (symlink(target, tmp) < 0) {
			free(target);
			error_errno("cannot create symlink '%s'", path);
			goto out;
		}
		free(target);
	} else {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
		if (fd < 0) {
			error_errno("cannot create '%s'", tmp);
			goto out;
		}
		while (len) {
			ssize_t n = write(fd, p, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				error_errno("cannot write '%s'", path);
				close(fd);
				unlink(tmp);
				goto out;
			}
			p += n;
			len -= n;
		}
		if (close(fd) < 0) {
			error_errno("cannot write '%s'", path);
			unlink(tmp);
			goto out;
		}
	}
	if (rename(tmp, path) < 0) {
		error_errno("cannot rename '%s'", tmp);
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}

static int write_blob(git_repository *repo, const char *dir, const char *rel,
		      const git_oid *id, git_filemode_t mode)
{
	char *path = xstrfmt("%s/%s", dir, rel);
	char *slash = strrchr(path, '/');
	git_blob *blob = NULL;
	int ret = -1;

	if (mode == GIT_FILEMODE_COMMIT) {
		ret = mkdir_p(path, 0755);
		goto out;
	}
	if (git_blob_lookup(&blob, repo, id) < 0) {
		error_git("cannot read '%s'", rel);
		goto out;
	}
	*slash = '\0';
	if (mkdir_p(path, 0755) < 0)
		goto out;
	*slash = '/';
	ret = write_path(path, git_blob_rawcontent(blob),
			 git_blob_rawsize(blob), mode);
out:
	git_blob_free(blob);
	free(path);
	return ret;
}

static int remove_path(const char *dir, const char *rel)
{
	char *path = xstrfmt("%s/%s", dir, rel);
	char *slash;
	int ret = 0;

	if (unlink(path) < 0 && errno != ENOENT)
		ret = error_errno("cannot remove '%s'", path);
	/* Empty directories go with their last file. */
	while (!ret && (slash = strrchr(path, '/')) &&
	       (size_t)(slash - path) > strlen(dir)) {
		*slash = '\0';
		if (rmdir(path) < 0)
			break;
	}
	free(path);
	return ret;
}

struct populate_ctx {
	git_repository *repo;
	const char *dir;
	size_t written;
	int ret;
};

static int populate_one(const char *root, const git_tree_entry *e, void *data)
{
	struct populate_ctx *ctx = data;
	git_filemode_t mode = git_tree_entry_filemode(e);
	char *rel;

	if (mode == GIT_FILEMODE_TREE)
		return 0;
	rel = xstrfmt("%s%s", root, git_tree_entry_name(e));
	ctx->ret = write_blob(ctx->repo, ctx->dir, rel, git_tree_entry_id(e),
			      mode);
	free(rel);
	ctx->written++;
	return ctx->ret < 0 ? -1 : 0;
}

/* Write what differs between `from` and `to`, as in `to`. */
static int apply_diff(git_repository *repo, const char *dir,
		      const git_oid *from, const git_oid *to, size_t *written)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	int ret = -1;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_tree_lookup(&a, repo, from) < 0 ||
	    git_tree_lookup(&b, repo, to) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, a, b, &o) < 0) {
		error_git("cannot diff the worktree's trees");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED) {
			if (remove_path(dir, d->old_file.path) < 0)
				goto out;
			continue;
		}
		if (d->status == GIT_DELTA_TYPECHANGE &&
		    remove_path(dir, d->old_file.path) < 0)
			goto out;
		if (write_blob(repo, dir, d->new_file.path, &d->new_file.id,
			       d->new_file.mode) < 0)
			goto out;
		(*written)++;
	}
	ret = 0;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	return ret;
}

/*
 * The state file: "tree <id>" (the worktree holds it) and any number of
 * "pending <id>" (a move towards it was started).
 */
static void read_state(const char *state, git_oid *tree, bool *has_tree,
		       struct strvec *pending)
{
	struct strbuf sb = STRBUF_INIT;
	const char *line, *p;

	*has_tree = false;
	if (strbuf_read_file(&sb, state) < 0) {
		error_clear();
		return;
	}
	line = sb.buf;
	while (*line) {
		char *nl = strchrnul(line, '\n');
		char c = *nl;

		*nl = '\0';
		if (skip_prefix(line, "tree ", &p) && !git_oid_fromstr(tree, p))
			*has_tree = true;
		else if (skip_prefix(line, "pending ", &p))
			strvec_push(pending, p);
		*nl = c;
		line = c ? nl + 1 : nl;
	}
	strbuf_release(&sb);
}

int kbuild_sync_worktree(git_repository *repo, const char *dir,
			 const char *state, const git_oid *tree,
			 size_t *written)
{
	struct strvec pending = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	char hex[GIT_OID_SHA1_HEXSIZE + 1];
	git_oid old;
	bool has_old;
	int ret = -1;

	*written = 0;
	git_oid_tostr(hex, sizeof(hex), tree);
	read_state(state, &old, &has_old, &pending);
	if (!is_directory(dir))
		has_old = false;
	if (has_old && !pending.nr && git_oid_equal(&old, tree)) {
		ret = 0;
		goto out;
	}
	if (has_old)
		strbuf_addf(&sb, "tree %s\n", git_oid_tostr_s(&old));
	for (size_t i = 0; i < pending.nr; i++)
		strbuf_addf(&sb, "pending %s\n", pending.v[i]);
	strbuf_addf(&sb, "pending %s\n", hex);
	if (write_file_atomic(state, sb.buf, sb.len) < 0)
		goto out;
	if (!has_old) {
		struct populate_ctx ctx = { repo, dir, 0, 0 };
		git_tree *t = NULL;

		if (remove_tree(dir) < 0 || mkdir_p(dir, 0755) < 0)
			goto out;
		if (git_tree_lookup(&t, repo, tree) < 0) {
			error_git("cannot read tree %s", hex);
			goto out;
		}
		git_tree_walk(t, GIT_TREEWALK_PRE, populate_one, &ctx);
		git_tree_free(t);
		*written = ctx.written;
		if (ctx.ret < 0)
			goto out;
	} else {
		if (apply_diff(repo, dir, &old, tree, written) < 0)
			goto out;
		for (size_t i = 0; i < pending.nr; i++) {
			git_oid p;

			if (git_oid_fromstr(&p, pending.v[i]) < 0 ||
			    !git_oid_cmp(&p, tree))
				continue;
			if (apply_diff(repo, dir, &p, tree, written) < 0)
				goto out;
		}
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "tree %s\n", hex);
	ret = write_file_atomic(state, sb.buf, sb.len);
out:
	strbuf_release(&sb);
	strvec_clear(&pending);
	return ret;
}

/* The paths that differ between two trees (both names of a rename). */
static int touched_paths(struct strvec *out, git_repository *repo,
			 const git_oid *from, const git_oid *to)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	int ret = -1;

	if (git_tree_lookup(&a, repo, from) < 0 ||
	    git_tree_lookup(&b, repo, to) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0) {
		error_git("cannot diff baseline and series");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (!strvec_has(out, d->new_file.path))
			strvec_push(out, d->new_file.path);
		if (!strvec_has(out, d->old_file.path))
			strvec_push(out, d->old_file.path);
	}
	ret = 0;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	return ret;
}

/* ---- JSON ---- */

static json_t *msg_to_json(const struct kbuild_msg *m)
{
	return json_pack("{s:o, s:i, s:s, s:s}", "file",
			 m->file ? json_string(m->file) : json_null(), "line",
			 (int)m->line, "message", m->message, "text",
			 m->text ? m->text : m->message);
}

static json_t *msgs_to_json(const struct kbuild_msgs *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < m->nr; i++)
		json_array_append_new(a, msg_to_json(&m->v[i]));
	return a;
}

static json_t *strvec_to_json(const struct strvec *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->nr; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *kbuild_job_to_json(const struct kbuild_job *j, bool for_results)
{
	json_t *o = json_object(), *sec = json_object();
	char hex[GIT_OID_SHA1_HEXSIZE + 1];

	json_object_set_new(o, "target", json_string(j->target));
	json_object_set_new(o, "branch", json_string(j->branch));
	json_object_set_new(o, "variant", json_string(j->variant));
	json_object_set_new(o, "series", string_or_null(j->series));
	json_object_set_new(
		o, "commit",
		json_string(git_oid_tostr(hex, sizeof(hex), &j->commit)));
	json_object_set_new(
		o, "tree",
		json_string(git_oid_tostr(hex, sizeof(hex), &j->tree)));
	json_object_set_new(o, "config", string_or_null(j->config));
	json_object_set_new(o, "key", json_string(j->key));
	json_object_set_new(o, "toolchain", string_or_null(j->toolchain));
	json_object_set_new(o, "verdict",
			    json_string(kbuild_verdict_name(j->verdict)));
	json_object_set_new(o, "step",
			    j->verdict == KBUILD_BUILD_FAILED ?
				    json_string(kbuild_step_name(j->step)) :
				    json_null());
	json_object_set_new(o, "first_error",
			    j->first_error.message ?
				    msg_to_json(&j->first_error) :
				    json_null());
	json_object_set_new(o, "missing_options", strvec_to_json(&j->missing));
	json_object_set_new(o, "warnings", msgs_to_json(&j->warnings));
	json_object_set_new(o, "new_warnings", msgs_to_json(&j->new_warnings));
	json_object_set_new(o, "touched", strvec_to_json(&j->touched));
	json_object_set_new(o, "artefacts", string_or_null(j->artefacts));
	json_object_set_new(o, "bzImage", string_or_null(j->bzimage));
	if (j->selftests_dir)
		json_object_set_new(
			o, "selftests",
			json_pack("{s:s, s:i, s:o}", "dir", j->selftests_dir,
				  "built", (int)j->selftests_built, "failed",
				  strvec_to_json(&j->selftests_failed)));
	else
		json_object_set_new(o, "selftests", json_null());
	json_object_set_new(o, "gen_init_cpio",
			    string_or_null(j->gen_init_cpio));
	for (int s = KBUILD_STEP_CONFIG; s < KBUILD_STEP_DONE; s++)
		if (j->seconds[s] > 0)
			json_object_set_new(
				sec, kbuild_step_name(s),
				json_real((long)(j->seconds[s] * 10) / 10.0));
	json_object_set_new(o, "seconds", sec);
	json_object_set_new(o, "objects", json_integer(j->objects));
	if (for_results && j->results) {
		json_object_set_new(o, "cached", json_boolean(j->cached));
		json_object_set_new(o, "results", json_string(j->results));
		json_object_set_new(
			o, "logs",
			json_pack("{s:s++, s:s++, s:s++}", "config", j->results,
				  "/", "config.log", "kernel", j->results, "/",
				  "kernel.log", "selftests", j->results, "/",
				  "selftests.log"));
	}
	return o;
}

static void msgs_from_json(struct kbuild_msgs *m, json_t *a)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
	{
		json_t *file = json_object_get(v, "file");

		kbuild_msgs_add(
			m, json_string_value(file),
			json_integer_value(json_object_get(v, "line")),
			json_string_value(json_object_get(v, "message")) ?: "",
			json_string_value(json_object_get(v, "text")));
	}
}

static char *json_strdup(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? xstrdup(s) : NULL;
}

/* Fill the results of `j` from an artefact's build.json. */
static int job_from_record(struct kbuild_job *j, const char *path)
{
	json_error_t err;
	json_t *o = json_load_file(path, 0, &err), *v, *st, *x;
	const char *verdict, *step;
	size_t i;

	if (!o)
		return error_set("cannot read '%s': %s", path, err.text);
	verdict = json_string_value(json_object_get(o, "verdict"));
	j->verdict = verdict && !strcmp(verdict, "built") ? KBUILD_BUILT :
							    KBUILD_BUILD_FAILED;
	step = json_string_value(json_object_get(o, "step"));
	for (int s = 0; step && s <= KBUILD_STEP_DONE; s++)
		if (!strcmp(step, step_names[s]))
			j->step = s;
	v = json_object_get(o, "first_error");
	if (json_is_object(v)) {
		j->first_error.file = json_strdup(v, "file");
		j->first_error.line =
			json_integer_value(json_object_get(v, "line"));
		j->first_error.message = json_strdup(v, "message");
		j->first_error.text = json_strdup(v, "text");
	}
	json_array_foreach(json_object_get(o, "missing_options"), i, v)
		strvec_push(&j->missing, json_string_value(v));
	msgs_from_json(&j->warnings, json_object_get(o, "warnings"));
	j->bzimage = json_strdup(o, "bzImage");
	j->gen_init_cpio = json_strdup(o, "gen_init_cpio");
	st = json_object_get(o, "selftests");
	if (json_is_object(st)) {
		j->selftests_dir = json_strdup(st, "dir");
		j->selftests_built =
			json_integer_value(json_object_get(st, "built"));
		json_array_foreach(json_object_get(st, "failed"), i, x)
			strvec_push(&j->selftests_failed, json_string_value(x));
	}
	j->objects = json_integer_value(json_object_get(o, "objects"));
	v = json_object_get(o, "seconds");
	for (int s = KBUILD_STEP_CONFIG; s < KBUILD_STEP_DONE; s++)
		j->seconds[s] =
			json_number_value(json_object_get(v, step_names[s]));
	json_decref(o);
	return 0;
}

/* ---- running ---- */

struct kbuild_run {
	const struct kbuild_config *c;
	const struct kbuild_opts *opts;
	const char *repo_path;
	char *cache;
	char *toolchain;
	struct kbuild_job *jobs;
	size_t nr;
	/* Groups of jobs by branch: [start, end) of each. */
	size_t *group_start;
	size_t groups;
	size_t next_group;
	/* The jobserver: a pipe of jobs-1 tokens and our implicit slot. */
	int js[2];
	bool implicit_free;
	pthread_mutex_t lock;
	size_t running; /* workers still going */
	bool failed;
	bool interrupted;
};

/*
 * A slot of the jobserver for one make: ours (true), or a token read
 * from the pipe (false). The read end is non-blocking (make 4.3 makes it
 * so anyway), so we wait for whichever comes first.
 */
static bool acquire_slot(struct kbuild_run *r)
{
	char c;

	for (;;) {
		struct pollfd pfd = { .fd = r->js[0], .events = POLLIN };

		pthread_mutex_lock(&r->lock);
		if (r->implicit_free) {
			r->implicit_free = false;
			pthread_mutex_unlock(&r->lock);
			return true;
		}
		pthread_mutex_unlock(&r->lock);
		if (read(r->js[0], &c, 1) == 1)
			return false;
		poll(&pfd, 1, 100);
	}
}

static void release_slot(struct kbuild_run *r, bool implicit)
{
	pthread_mutex_lock(&r->lock);
	if (implicit)
		r->implicit_free = true;
	else if (write(r->js[1], "+", 1) < 0)
		r->failed = true; /* cannot happen: the pipe has room */
	pthread_mutex_unlock(&r->lock);
}

/* Record an error for the job (the global error state is not ours). */
static int job_error(struct kbuild_job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The error state (error.h) is global: a worker holds this lock whenever
 * it runs, and lets go only while it waits for a make (run_command()).
 */
static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;

static int job_error(struct kbuild_job *j, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(j->error);
	j->error = strbuf_detach(&sb, NULL);
	return -1;
}

/* The last recorded error, as this job's, with context. */
static int job_error_last(struct kbuild_job *j, const char *what)
{
	job_error(j, "%s: %s: %s", j->target, what, error_last());
	return -1;
}

struct worker {
	struct kbuild_run *r;
	git_repository *repo;
	char *src; /* the branch's worktree */
	char *odir;
	char *log; /* the log being written */
	/*
	 * The branch's lock, kept open by every make it runs: held while
	 * any writer of its build directories lives, even one we lost.
	 */
	int lock_fd;
	size_t job; /* index of the job running */
	/* Progress, kept by the main thread. */
	char *seen_log;
	off_t log_off;
	size_t objects;
};

static void make_env(struct kbuild_run *r, struct child_process *cp)
{
	strvec_pushf(&cp->env, "MAKEFLAGS= -j%u --jobserver-auth=%d,%d",
		     r->opts->jobs, r->js[0], r->js[1]);
	strvec_push(&cp->env, "MAKELEVEL");
	strvec_push(&cp->env, "MFLAGS");
	strvec_push(&cp->env, "MAKEOVERRIDES");
	strvec_pushf(&cp->env, "CCACHE_DIR=%s/ccache", r->cache);
	strvec_push(&cp->env, "CCACHE_NOHASHDIR=1");
	strvec_push(&cp->env, "KBUILD_BUILD_TIMESTAMP=@0");
	strvec_push(&cp->env, "KBUILD_BUILD_USER=backport");
	strvec_push(&cp->env, "KBUILD_BUILD_HOST=backport");
	strvec_push(&cp->env, "LC_ALL=C");
	strvec_push(&cp->env, "ARCH");
	strvec_push(&cp->env, "CROSS_COMPILE");
	strvec_push(&cp->env, "KBUILD_OUTPUT");
}

static void append_log(const char *log, const struct strvec *args)
{
	FILE *f = fopen(log, "a");

	if (!f)
		return;
	fputs("$", f);
	for (size_t i = 0; i < args->nr; i++)
		fprintf(f, " %s", args->v[i]);
	fputc('\n', f);
	fclose(f);
}

/* The logs and the record of a build in its results directory. */
static const char *const step_logs[] = { "config.log", "kernel.log",
					 "selftests.log", "build.json" };

/*
 * Why a failed make says nothing about the sources, from its log: the
 * machine failed it (a full disk, the OOM killer or a signal taking a
 * compiler, a compiler crash, make itself terminated). NULL when the
 * failure is the sources'.
 */
static const char *machine_failure(const char *log, size_t len)
{
	static const struct {
		const char *needle, *why;
	} known[] = {
		{ "No space left on device", "no space left on device" },
		{ "Killed signal terminated program", "a compiler was killed" },
		{ "virtual memory exhausted", "out of memory" },
		{ "Cannot allocate memory", "out of memory" },
		{ "internal compiler error", "the compiler crashed" },
		{ "] Terminated", "make was terminated" },
		{ "] Killed", "make was killed" },
		{ "] Interrupt", "make was interrupted" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (memmem(log, len, known[i].needle, strlen(known[i].needle)))
			return known[i].why;
	return NULL;
}

/*
 * Run one command of a step, its output appended to the step's log.
 * *ok: it exited 0. -1 when it could not run, was killed or timed out,
 * or the disk is full: errors, not verdicts.
 */
static int run_step(struct worker *w, struct kbuild_job *j,
		    struct child_process *cp, const char *what, bool *ok)
{
	struct kbuild_run *r = w->r;
	bool implicit;
	int ret;

	*ok = false;
	cp->log_path = w->log;
	cp->keep_fd = w->lock_fd;
	cp->timeout_ms = r->opts->timeout_ms;
	make_env(r, cp);
	append_log(w->log, &cp->args);
	pthread_mutex_unlock(&error_lock);
	implicit = acquire_slot(r);
	ret = run_command(cp);
	release_slot(r, implicit);
	pthread_mutex_lock(&error_lock);
	if (ret < 0)
		return job_error_last(j, what);
	pthread_mutex_lock(&r->lock);
	ret = r->interrupted;
	pthread_mutex_unlock(&r->lock);
	if (ret)
		return job_error(j, "%s: %s: interrupted", j->target, what);
	if (cp->timed_out)
		return job_error(j, "%s: %s: timed out after %lu s", j->target,
				 what, cp->timeout_ms / 1000);
	if (cp->signal)
		return job_error(j, "%s: %s: killed by signal %d", j->target,
				 what, cp->signal);
	if (cp->exit_code) {
		struct strbuf sb = STRBUF_INIT;

		const char *machine = NULL;

		if (strbuf_read_file(&sb, w->log) == 0)
			machine = machine_failure(sb.buf, sb.len);
		strbuf_release(&sb);
		if (machine)
			return job_error(j,
					 "%s: %s: %s (see '%s'): not a "
					 "verdict on the sources",
					 j->target, what, machine, w->log);
		return 0;
	}
	*ok = true;
	return 0;
}

static void make_args(struct worker *w, struct child_process *cp)
{
	strvec_pushl(&cp->args, "make", "-C", w->src, NULL);
	strvec_pushf(&cp->args, "O=%s", w->odir);
	strvec_pushl(&cp->args, "CC=ccache gcc", "HOSTCC=ccache gcc", NULL);
}

static void set_log(struct worker *w, struct kbuild_job *j, const char *name)
{
	char *log = xstrfmt("%s/%s", j->results, name);

	pthread_mutex_lock(&w->r->lock);
	free(w->log);
	w->log = log;
	pthread_mutex_unlock(&w->r->lock);
}

/* A verdict from the log of the failed step. */
static void step_failed(struct worker *w, struct kbuild_job *j)
{
	struct strbuf sb = STRBUF_INIT;

	j->verdict = KBUILD_BUILD_FAILED;
	kbuild_msg_release(&j->first_error);
	if (strbuf_read_file(&sb, w->log) < 0)
		error_clear();
	if (!kbuild_first_error(&j->first_error, sb.buf, w->src))
		set_msg(&j->first_error, NULL, 0, 0, "failed with no message",
			22, "failed with no message", 22, NULL);
	strbuf_release(&sb);
}

static bool has_config(const char *odir);

/* Whether a change to `path` may change what Kconfig makes of a config. */
static bool config_relevant(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return starts_with(base, "Kconfig") || starts_with(path, "scripts/") ||
	       ends_with(path, ".config") || !strcmp(path, "Makefile");
}

/*
 * The build directory's .config was made from the same inputs, on a
 * tree whose Kconfig files are the same as this one's: the stamp
 * (.backport-config: "inputs <hash>\ntree <id>") says so.
 */
static bool config_is_current(struct worker *w, struct kbuild_job *j,
			      const char *stamp, const char *inputs)
{
	struct strbuf sb = STRBUF_INIT;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_oid tree;
	const char *p;
	bool ret = false;

	if (!has_config(w->odir) || strbuf_read_file(&sb, stamp) < 0)
		goto out;
	p = strstr(sb.buf, "inputs ");
	if (!p || strncmp(p + 7, inputs, strlen(inputs)))
		goto out;
	p = strstr(sb.buf, "tree ");
	if (!p || git_oid_fromstrn(&tree, p + 5, GIT_OID_SHA1_HEXSIZE) < 0)
		goto out;
	if (git_tree_lookup(&a, w->repo, &tree) < 0 ||
	    git_tree_lookup(&b, w->repo, &j->tree) < 0 ||
	    git_diff_tree_to_tree(&diff, w->repo, a, b, NULL) < 0)
		goto out;
	ret = true;
	for (size_t i = 0; ret && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (config_relevant(d->old_file.path) ||
		    config_relevant(d->new_file.path))
			ret = false;
	}
out:
	error_clear();
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	strbuf_release(&sb);
	return ret;
}

/* The hash of what makes a .config: base, fragment, optional options. */
static void config_inputs(char *hex, const struct kbuild_config *c,
			  unsigned version)
{
	struct strbuf sb = STRBUF_INIT;
	git_oid id;

	strbuf_addf(&sb, "base %s\nfragment %zu\n", c->base,
		    c->fragment_text.len);
	strbuf_addbuf(&sb, &c->fragment_text);
	for (size_t i = 0; i < c->optional_nr; i++)
		if (kbuild_option_is_optional(c, c->optional[i].option,
					      version))
			strbuf_addf(&sb, "optional %s\n",
				    c->optional[i].option);
	git_odb_hash(&id, sb.buf, sb.len, GIT_OBJECT_BLOB);
	git_oid_tostr(hex, GIT_OID_SHA1_HEXSIZE + 1, &id);
	strbuf_release(&sb);
}

/* The fragment's options that Kconfig dropped: a verdict. */
static int check_dotconfig(struct kbuild_job *j, const struct kbuild_config *c,
			   const char *path)
{
	struct strbuf dotconfig = STRBUF_INIT;
	const char *opt, *base;
	char *msg;

	if (!c->fragment)
		return 0;
	if (strbuf_read_file(&dotconfig, path) < 0)
		return job_error_last(j, "config");
	kbuild_check_config(&j->missing, dotconfig.buf, c, j->version);
	strbuf_release(&dotconfig);
	if (!j->missing.nr)
		return 0;
	opt = j->missing.v[0];
	msg = xstrfmt("%s requested by the fragment is not in .config "
		      "(dropped by Kconfig)",
		      opt);
	base = strrchr(c->fragment, '/');
	j->verdict = KBUILD_BUILD_FAILED;
	j->first_error.file = xstrdup(base ? base + 1 : c->fragment);
	j->first_error.line = fragment_line(c, opt);
	j->first_error.message = msg;
	j->first_error.text = xstrfmt("%s:%u: %s", j->first_error.file,
				      j->first_error.line, msg);
	return 0;
}

/*
 * make <base>, merge_config.sh -m <fragment>, make olddefconfig; skipped
 * when the stamp says the .config there is current.
 */
static int step_config(struct worker *w, struct kbuild_job *j)
{
	const struct kbuild_config *c = w->r->c;
	struct child_process cp = CHILD_PROCESS_INIT;
	char *path = xstrfmt("%s/.config", w->odir);
	char *stamp = xstrfmt("%s/.backport-config", w->odir);
	char inputs[GIT_OID_SHA1_HEXSIZE + 1];
	struct strbuf sb = STRBUF_INIT;
	bool ok;
	int ret = -1;

	j->step = KBUILD_STEP_CONFIG;
	set_log(w, j, "config.log");
	config_inputs(inputs, c, j->version);
	if (config_is_current(w, j, stamp, inputs)) {
		struct strvec note = STRVEC_INIT;

		strvec_pushf(&note,
			     "(.config is current: same inputs, no "
			     "Kconfig change since the tree in %s)",
			     stamp);
		append_log(w->log, &note);
		strvec_clear(&note);
		goto check;
	}
	unlink(stamp);
	make_args(w, &cp);
	strvec_push(&cp.args, c->base);
	if (run_step(w, j, &cp, "config", &ok) < 0)
		goto out;
	if (!ok)
		goto failed;
	child_process_release(&cp);
	if (c->fragment) {
		strvec_pushf(&cp.args, "%s/scripts/kconfig/merge_config.sh",
			     w->src);
		strvec_pushl(&cp.args, "-m", "-O", w->odir, path, c->fragment,
			     NULL);
		cp.dir = w->odir;
		if (run_step(w, j, &cp, "config", &ok) < 0)
			goto out;
		if (!ok)
			goto failed;
		child_process_release(&cp);
		make_args(w, &cp);
		strvec_push(&cp.args, "olddefconfig");
		if (run_step(w, j, &cp, "config", &ok) < 0)
			goto out;
		if (!ok)
			goto failed;
	}
check:
	if (check_dotconfig(j, c, path) < 0)
		goto out;
	if (!j->missing.nr) {
		strbuf_addf(&sb, "inputs %s\ntree %s\n", inputs,
			    git_oid_tostr_s(&j->tree));
		if (write_file_atomic(stamp, sb.buf, sb.len) < 0) {
			job_error_last(j, "config");
			goto out;
		}
	}
	ret = 0;
	goto out;
failed:
	step_failed(w, j);
	ret = 0;
out:
	strbuf_release(&sb);
	free(path);
	free(stamp);
	child_process_release(&cp);
	return ret;
}

/*
 * The warnings database of a build directory: every warning seen, by
 * file; a file compiled again replaces its own.
 */
static void update_warnings(struct worker *w, struct kbuild_job *j,
			    const char *log)
{
	char *db = xstrfmt("%s/.backport-warnings.json", w->odir);
	struct kbuild_msgs old = KBUILD_MSGS_INIT, now = KBUILD_MSGS_INIT;
	struct strvec compiled = STRVEC_INIT;
	json_t *a = json_load_file(db, 0, NULL), *out;

	if (a)
		msgs_from_json(&old, a);
	json_decref(a);
	kbuild_parse_warnings(&now, log, w->src);
	kbuild_parse_compiled(&compiled, log);
	for (size_t i = 0; i < old.nr; i++) {
		const struct kbuild_msg *m = &old.v[i];

		if ((m->file && strvec_has(&compiled, m->file)) ||
		    msgs_has(&j->warnings, m->file, m->message))
			continue;
		kbuild_msgs_add(&j->warnings, m->file, m->line, m->message,
				m->text);
	}
	for (size_t i = 0; i < now.nr; i++) {
		const struct kbuild_msg *m = &now.v[i];

		if (!msgs_has(&j->warnings, m->file, m->message))
			kbuild_msgs_add(&j->warnings, m->file, m->line,
					m->message, m->text);
	}
	out = msgs_to_json(&j->warnings);
	json_dump_file(out, db, JSON_COMPACT);
	json_decref(out);
	kbuild_msgs_release(&old);
	kbuild_msgs_release(&now);
	strvec_clear(&compiled);
	free(db);
}

static int step_kernel(struct worker *w, struct kbuild_job *j)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf log = STRBUF_INIT;
	char *bz = xstrfmt("%s/arch/x86/boot/bzImage", w->odir);
	bool ok;
	int ret = -1;

	j->step = KBUILD_STEP_KERNEL;
	set_log(w, j, "kernel.log");
	make_args(w, &cp);
	strvec_push(&cp.args, "bzImage");
	if (run_step(w, j, &cp, "kernel", &ok) < 0)
		goto out;
	if (strbuf_read_file(&log, w->log) < 0)
		error_clear();
	j->objects = count_objects(log.buf, log.len);
	update_warnings(w, j, log.buf);
	if (!ok || !path_exists(bz))
		step_failed(w, j);
	ret = 0;
out:
	strbuf_release(&log);
	child_process_release(&cp);
	free(bz);
	return ret;
}

/* Executables (ELF) under `dir`, as paths relative to `top`. */
static void list_executables(struct strvec *out, const char *top,
			     const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *path;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		path = xstrfmt("%s/%s", dir, e->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode)) {
			list_executables(out, top, path);
		} else if (S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			char magic[4] = { 0 };
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			if (fd >= 0 && read(fd, magic, 4) == 4 &&
			    !memcmp(magic, "\177ELF", 4))
				strvec_push(out, path + strlen(top) + 1);
			if (fd >= 0)
				close(fd);
		}
		free(path);
	}
	closedir(d);
}

/* "make[4]: *** [../lib.mk:181: /o/kselftest/kvm/x86_64/foo] Error 1" */
static void failed_selftests(struct strvec *out, const char *log,
			     const char *kdir)
{
	const char *line = log;
	size_t kl = strlen(kdir);

	while (*line) {
		const char *nl = strchrnul(line, '\n');
		const char *p = memmem(line, nl - line, "*** [", 5), *end, *s;

		if (p && (end = memchr(p, ']', nl - p))) {
			p += 5;
			for (s = end; s > p && s[-1] != ' '; s--)
				;
			if ((size_t)(end - s) > kl && !strncmp(s, kdir, kl) &&
			    s[kl] == '/') {
				char *name =
					xstrndup(s + kl + 1, end - s - kl - 1);
				size_t n = strlen(name);

				if (n > 2 && !strcmp(name + n - 2, ".o"))
					name[n - 2] = '\0';
				if (!strvec_has(out, name))
					strvec_push(out, name);
				free(name);
			}
		}
		line = *nl ? nl + 1 : nl;
	}
}

static bool selftests_makefile(struct worker *w)
{
	char *path = xstrfmt("%s/tools/testing/selftests/kvm/Makefile", w->src);
	bool ret = path_exists(path);

	free(path);
	return ret;
}

static int step_selftests(struct worker *w, struct kbuild_job *j,
			  struct strvec *tests)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strvec failed = STRVEC_INIT, stale = STRVEC_INIT;
	struct strbuf log = STRBUF_INIT;
	char *kdir = xstrfmt("%s/kselftest/kvm", w->odir);
	bool ok;
	int ret = -1;

	j->step = KBUILD_STEP_HEADERS;
	set_log(w, j, "selftests.log");
	/*
	 * The build directory is shared by every build of the branch: a
	 * test the tree no longer has must not stay behind from an
	 * earlier build. Only the programs go; make relinks them from
	 * their objects.
	 */
	list_executables(&stale, kdir, kdir);
	for (size_t i = 0; i < stale.nr; i++) {
		char *p = xstrfmt("%s/%s", kdir, stale.v[i]);
		int bad = unlink(p) < 0 && errno != ENOENT;

		if (bad)
			job_error(j, "%s: selftests: cannot remove '%s': %s",
				  j->target, p, strerror(errno));
		free(p);
		if (bad)
			goto out;
	}
	make_args(w, &cp);
	strvec_push(&cp.args, "headers");
	if (run_step(w, j, &cp, "headers", &ok) < 0)
		goto out;
	if (!ok) {
		step_failed(w, j);
		ret = 0;
		goto out;
	}
	child_process_release(&cp);
	j->step = KBUILD_STEP_SELFTESTS;
	make_args(w, &cp);
	strvec_pushl(&cp.args, "-k", "TARGETS=kvm", "EXTRA_CFLAGS=-static",
		     "kselftest-all", NULL);
	if (run_step(w, j, &cp, "selftests", &ok) < 0)
		goto out;
	if (!ok && selftests_makefile(w)) {
		/*
		 * tools/testing/selftests/Makefile clears MAKEFLAGS when
		 * run from the kernel's (make -rR): -k does not reach the
		 * kvm directory, and the tests after the first that fails
		 * are not built. Build the rest there directly, as that
		 * Makefile would, with -k.
		 */
		child_process_release(&cp);
		strvec_pushl(&cp.args, "make", "-k", "-C", NULL);
		strvec_pushf(&cp.args, "%s/tools/testing/selftests/kvm",
			     w->src);
		strvec_pushf(&cp.args, "OUTPUT=%s", kdir);
		strvec_pushf(&cp.args, "O=%s", w->odir);
		strvec_pushf(&cp.args, "KHDR_INCLUDES=-isystem %s/usr/include",
			     w->odir);
		strvec_pushl(&cp.args, "EXTRA_CFLAGS=-static", "CC=ccache gcc",
			     NULL);
		if (run_step(w, j, &cp, "selftests", &ok) < 0)
			goto out;
	}
	list_executables(tests, kdir, kdir);
	if (strbuf_read_file(&log, w->log) < 0)
		error_clear();
	failed_selftests(&failed, log.buf, kdir);
	/* A test that failed in one pass may have been built by another. */
	for (size_t i = 0; i < failed.nr; i++)
		if (!strvec_has(tests, failed.v[i]))
			strvec_push(&j->selftests_failed, failed.v[i]);
	if (!tests->nr)
		step_failed(w, j);
	ret = 0;
out:
	strvec_clear(&failed);
	strvec_clear(&stale);
	strbuf_release(&log);
	child_process_release(&cp);
	free(kdir);
	return ret;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, ret = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return error_errno("cannot open '%s'", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		error_errno("cannot create '%s'", to);
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			error_errno("cannot write '%s'", to);
			goto out;
		}
	}
	if (n < 0) {
		error_errno("cannot read '%s'", from);
		goto out;
	}
	ret = 0;
out:
	close(in);
	if (out >= 0 && close(out) < 0 && !ret)
		ret = error_errno("cannot write '%s'", to);
	return ret;
}

/* Copy the logs from `from` to `to` (missing ones are skipped). */
static int copy_logs(const char *from, const char *to)
{
	static const char *const logs[] = { "config.log", "kernel.log",
					    "selftests.log" };

	for (size_t i = 0; i < ARRAY_SIZE(logs); i++) {
		char *a = xstrfmt("%s/%s", from, logs[i]);
		char *b = xstrfmt("%s/%s", to, logs[i]);
		int ret = 0;

		unlink(b);
		if (path_exists(a))
			ret = copy_file(a, b, 0644);
		free(a);
		free(b);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* Save bzImage, the selftests and the logs, then the record, last. */
static int save_artefacts(struct worker *w, struct kbuild_job *j,
			  const struct strvec *tests)
{
	char *path = NULL, *from = NULL;
	char *logs = xstrfmt("%s/logs", j->artefacts);
	json_t *rec = NULL;
	int ret = -1;

	if (remove_tree(j->artefacts) < 0 || mkdir_p(logs, 0755) < 0)
		goto out;
	if (j->verdict == KBUILD_BUILT) {
		from = xstrfmt("%s/arch/x86/boot/bzImage", w->odir);
		j->bzimage = xstrfmt("%s/bzImage", j->artefacts);
		if (copy_file(from, j->bzimage, 0644) < 0)
			goto out;
		free(from);
		from = xstrfmt("%s/usr/gen_init_cpio", w->odir);
		if (path_exists(from)) {
			j->gen_init_cpio =
				xstrfmt("%s/gen_init_cpio", j->artefacts);
			if (copy_file(from, j->gen_init_cpio, 0755) < 0)
				goto out;
		}
	}
	if (tests->nr) {
		j->selftests_dir = xstrfmt("%s/kselftest/kvm", j->artefacts);
		j->selftests_built = tests->nr;
	}
	for (size_t i = 0; i < tests->nr; i++) {
		char *slash;

		free(from);
		free(path);
		from = xstrfmt("%s/kselftest/kvm/%s", w->odir, tests->v[i]);
		path = xstrfmt("%s/%s", j->selftests_dir, tests->v[i]);
		slash = strrchr(path, '/');
		*slash = '\0';
		if (mkdir_p(path, 0755) < 0)
			goto out;
		*slash = '/';
		if (copy_file(from, path, 0755) < 0)
			goto out;
	}
	if (copy_logs(j->results, logs) < 0)
		goto out;
	free(path);
	path = xstrfmt("%s/build.json", j->artefacts);
	rec = kbuild_job_to_json(j, false);
	free(from);
	from = json_dumps(rec, JSON_INDENT(2));
	ret = write_file_atomic(path, from, strlen(from));
out:
	json_decref(rec);
	free(path);
	free(from);
	free(logs);
	return ret < 0 ? job_error_last(j, "saving artefacts") : 0;
}

static int write_result(struct kbuild_job *j)
{
	json_t *o = kbuild_job_to_json(j, true);
	char *text = json_dumps(o, JSON_INDENT(2));
	char *path = xstrfmt("%s/build.json", j->results);
	int ret = write_file_atomic(path, text, strlen(text));

	json_decref(o);
	free(text);
	free(path);
	return ret < 0 ? job_error_last(j, "writing results") : 0;
}

static void compute_key(struct kbuild_run *r, struct kbuild_job *j)
{
	const struct kbuild_config *c = r->c;
	struct strbuf sb = STRBUF_INIT;
	git_oid id;

	strbuf_addf(&sb, "%s\ntree %s\nbase %s\nselftests %d\ntoolchain %s\n",
		    KBUILD_FORMAT, git_oid_tostr_s(&j->tree), c->base,
		    c->selftests, r->toolchain);
	strbuf_addf(&sb, "fragment %zu\n", c->fragment_text.len);
	strbuf_addbuf(&sb, &c->fragment_text);
	for (size_t i = 0; i < c->optional_nr; i++)
		if (kbuild_option_is_optional(c, c->optional[i].option,
					      j->version))
			strbuf_addf(&sb, "optional %s\n",
				    c->optional[i].option);
	git_odb_hash(&id, sb.buf, sb.len, GIT_OBJECT_BLOB);
	git_oid_tostr(j->key, sizeof(j->key), &id);
	strbuf_release(&sb);
}

static bool has_config(const char *odir)
{
	char *path = xstrfmt("%s/.config", odir);
	bool ret = path_exists(path);

	free(path);
	return ret;
}

/*
 * How many objects a cold build of this branch and configuration
 * compiled last time: the total shown in progress. 0 when unknown.
 */
static size_t read_count(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;

	if (strbuf_read_file(&sb, path) < 0)
		error_clear();
	else
		n = strtoul(sb.buf, NULL, 10);
	strbuf_release(&sb);
	return n;
}

static void write_count(const char *path, size_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%zu\n", n);
	if (write_file_atomic(path, buf, strlen(buf)) < 0)
		error_clear(); /* only a progress hint */
}

/* The build directory of the series starts as a copy of the baseline's. */
static int clone_build_dir(struct worker *w, struct kbuild_job *j,
			   const char *from)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	int ret = 0;

	if (!is_directory(from))
		return 0;
	strvec_pushl(&cp.args, "rsync", "-a", "--delete", NULL);
	strvec_pushf(&cp.args, "%s/", from);
	strvec_pushf(&cp.args, "%s/", w->odir);
	cp.log_path = w->log;
	pthread_mutex_unlock(&error_lock);
	ret = run_command(&cp);
	pthread_mutex_lock(&error_lock);
	if (ret < 0)
		ret = job_error_last(j, "copying the baseline build");
	else if (cp.exit_code)
		ret = job_error(j,
				"%s: copying the baseline build '%s' "
				"failed (see '%s')",
				j->target, from, w->log);
	child_process_release(&cp);
	return ret;
}

static int run_job(struct worker *w, struct kbuild_job *j)
{
	struct kbuild_run *r = w->r;
	const char *name = r->c->name;
	struct strvec tests = STRVEC_INIT;
	char *record = NULL, *base_dir = NULL, *hint = NULL;
	bool cold;
	git_commit *commit = NULL;
	double t;
	int ret = -1;

	j->started = now_seconds();
	j->step = KBUILD_STEP_SYNC;
	j->results = xstrfmt("%s/build/%s/%s", r->opts->results, j->target,
			     j->variant);
	if (mkdir_p(j->results, 0755) < 0) {
		job_error_last(j, "results");
		goto out;
	}
	if (j->results[0] != '/') {
		char *abs = realpath(j->results, NULL);

		if (abs) {
			free(j->results);
			j->results = abs;
		}
	}
	/* This build's logs only: an earlier one's say nothing of it. */
	for (size_t k = 0; k < ARRAY_SIZE(step_logs); k++) {
		char *old = xstrfmt("%s/%s", j->results, step_logs[k]);

		unlink(old);
		free(old);
	}
	if (git_commit_lookup(&commit, w->repo, &j->commit) < 0) {
		error_git("cannot read commit %s", git_oid_tostr_s(&j->commit));
		job_error_last(j, "sync");
		goto out;
	}
	git_oid_cpy(&j->tree, git_commit_tree_id(commit));
	if (j->baseline && touched_paths(&j->touched, w->repo,
					 &j->baseline->tree, &j->tree) < 0) {
		job_error_last(j, "sync");
		goto out;
	}
	free(j->config);
	free(j->toolchain);
	j->config = xstrdup(r->c->name);
	j->toolchain = xstrdup(r->toolchain);
	compute_key(r, j);
	j->artefacts = xstrfmt("%s/artefacts/%s", r->cache, j->key);
	record = xstrfmt("%s/build.json", j->artefacts);
	if (!r->opts->force && path_exists(record)) {
		char *logs = xstrfmt("%s/logs", j->artefacts);

		j->cached = true;
		ret = job_from_record(j, record);
		if (!ret)
			ret = copy_logs(logs, j->results);
		free(logs);
		if (ret < 0) {
			job_error_last(j, "reading artefacts");
			goto out;
		}
		goto done;
	}
	for (size_t i = 0; i < 3; i++) {
		static const char *const l[] = { "config.log", "kernel.log",
						 "selftests.log" };
		char *p = xstrfmt("%s/%s", j->results, l[i]);

		unlink(p);
		free(p);
	}
	t = now_seconds();
	free(w->odir);
	w->odir = xstrfmt("%s/builds/%s/%s/%s", r->cache, j->branch, name,
			  j->variant);
	base_dir =
		xstrfmt("%s/builds/%s/%s/baseline", r->cache, j->branch, name);
	set_log(w, j, "config.log");
	if (j->baseline && clone_build_dir(w, j, base_dir) < 0)
		goto out;
	if (mkdir_p(w->odir, 0755) < 0) {
		job_error_last(j, "build directory");
		goto out;
	}
	hint = xstrfmt("%s/builds/%s/%s/cold-objects", r->cache, j->branch,
		       name);
	cold = !path_exists(w->odir) || !has_config(w->odir);
	if (cold)
		j->objects_total = read_count(hint);
	j->seconds[KBUILD_STEP_SYNC] = now_seconds() - t;
	t = now_seconds();
	if (step_config(w, j) < 0)
		goto out;
	j->seconds[KBUILD_STEP_CONFIG] = now_seconds() - t;
	if (j->verdict == KBUILD_BUILD_FAILED)
		goto save;
	t = now_seconds();
	if (step_kernel(w, j) < 0)
		goto out;
	if (cold && j->verdict != KBUILD_BUILD_FAILED)
		write_count(hint, j->objects);
	j->seconds[KBUILD_STEP_KERNEL] = now_seconds() - t;
	if (j->verdict == KBUILD_BUILD_FAILED || !r->c->selftests)
		goto save;
	t = now_seconds();
	if (step_selftests(w, j, &tests) < 0)
		goto out;
	j->seconds[KBUILD_STEP_SELFTESTS] = now_seconds() - t;
save:
	if (j->verdict != KBUILD_BUILD_FAILED)
		j->verdict = KBUILD_BUILT;
	if (save_artefacts(w, j, &tests) < 0)
		goto out;
done:
	if (j->verdict == KBUILD_BUILT)
		j->step = KBUILD_STEP_DONE;
	if (j->baseline && j->baseline->verdict != KBUILD_NOT_BUILT)
		kbuild_new_warnings(&j->new_warnings, &j->warnings,
				    &j->baseline->warnings, &j->touched);
	ret = write_result(j);
out:
	git_commit_free(commit);
	strvec_clear(&tests);
	free(record);
	free(base_dir);
	free(hint);
	return ret;
}

/*
 * Another backport build using the branch's worktree holds the lock:
 * wait for it (the job shows as updating the worktree), unless we are
 * interrupted.
 */
static int lock_worktree(struct kbuild_run *r, struct kbuild_job *j,
			 const char *path, int *fd)
{
	bool interrupted = false;

	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0) {
		error_errno("cannot open '%s'", path);
		return job_error_last(j, "sync");
	}
	j->step = KBUILD_STEP_SYNC;
	while (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		pthread_mutex_lock(&r->lock);
		interrupted = r->interrupted;
		pthread_mutex_unlock(&r->lock);
		if (interrupted)
			return job_error(j,
					 "%s: sync: interrupted while waiting "
					 "for another backport build using "
					 "the worktree of '%s'",
					 j->target, j->branch);
		pthread_mutex_unlock(&error_lock);
		sleep(1);
		pthread_mutex_lock(&error_lock);
	}
	return 0;
}

/* Sync the worktree, then build; the state file is the branch's. */
static int run_group(struct worker *w, size_t start, size_t end)
{
	struct kbuild_run *r = w->r;
	struct kbuild_job *first = &r->jobs[start];
	char *wt = xstrfmt("%s/worktrees/%s", r->cache, first->branch);
	char *state = xstrfmt("%s/state", wt);
	char *lock = xstrfmt("%s/lock", wt);
	int fd = -1, ret = -1;

	w->src = xstrfmt("%s/src", wt);
	if (mkdir_p(wt, 0755) < 0) {
		job_error_last(first, "sync");
		goto out;
	}
	if (git_repository_open_ext(&w->repo, r->repo_path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		error_git("cannot open repository '%s'", r->repo_path);
		job_error_last(first, "sync");
		goto out;
	}
	pthread_mutex_lock(&r->lock);
	w->job = start;
	pthread_mutex_unlock(&r->lock);
	if (lock_worktree(r, first, lock, &fd) < 0)
		goto out;
	w->lock_fd = fd;
	for (size_t i = start; i < end; i++) {
		struct kbuild_job *j = &r->jobs[i];
		git_commit *c = NULL;
		size_t written;
		int err;

		pthread_mutex_lock(&r->lock);
		w->job = i;
		if (r->interrupted) {
			pthread_mutex_unlock(&r->lock);
			job_error(j, "%s: interrupted", j->target);
			goto out;
		}
		pthread_mutex_unlock(&r->lock);
		if (git_commit_lookup(&c, w->repo, &j->commit) < 0) {
			error_git("cannot read commit %s",
				  git_oid_tostr_s(&j->commit));
			job_error_last(j, "sync");
			goto out;
		}
		err = kbuild_sync_worktree(w->repo, w->src, state,
					   git_commit_tree_id(c), &written);
		git_commit_free(c);
		if (err < 0) {
			job_error_last(j, "sync");
			goto out;
		}
		if (run_job(w, j) < 0)
			goto out;
	}
	ret = 0;
out:
	w->lock_fd = -1;
	if (fd >= 0)
		close(fd);
	git_repository_free(w->repo);
	w->repo = NULL;
	free(w->src);
	w->src = NULL;
	free(wt);
	free(state);
	free(lock);
	return ret;
}

static void *worker_main(void *data)
{
	struct worker *w = data;
	struct kbuild_run *r = w->r;

	pthread_mutex_lock(&error_lock);
	for (;;) {
		size_t g;

		pthread_mutex_lock(&r->lock);
		g = r->next_group++;
		pthread_mutex_unlock(&r->lock);
		if (g >= r->groups)
			break;
		if (run_group(w, r->group_start[g], r->group_start[g + 1]) <
		    0) {
			pthread_mutex_lock(&r->lock);
			r->failed = true;
			pthread_mutex_unlock(&r->lock);
		}
	}
	pthread_mutex_unlock(&error_lock);
	pthread_mutex_lock(&r->lock);
	r->running--;
	w->job = SIZE_MAX;
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static char *first_line(const char *prog)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT;
	char *nl, *s;

	strvec_pushl(&cp.args, prog, "--version", NULL);
	cp.out = &out;
	cp.timeout_ms = 30000;
	if (run_command(&cp) < 0 || cp.exit_code) {
		error_clear();
		strbuf_addstr(&out, "unknown");
	}
	nl = strchr(out.buf, '\n');
	s = nl ? xstrndup(out.buf, nl - out.buf) : xstrdup(out.buf);
	strbuf_release(&out);
	child_process_release(&cp);
	return s;
}

/* Count the compile lines the log gained since last time. */
static void poll_progress(struct worker *w, const char *log)
{
	char buf[65536];
	int fd;

	if (!w->seen_log || strcmp(w->seen_log, log)) {
		free(w->seen_log);
		w->seen_log = xstrdup(log);
		w->log_off = 0;
		w->objects = 0;
	}
	fd = open(log, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), w->log_off);
		char *last;

		if (n <= 0)
			break;
		last = memrchr(buf, '\n', n);
		if (!last)
			break;
		w->objects += count_objects(buf, last + 1 - buf);
		w->log_off += last + 1 - buf;
	}
	close(fd);
}

static void report_progress(struct kbuild_run *r, struct worker *workers,
			    size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		struct worker *w = &workers[i];
		struct kbuild_progress p = { 0 };
		char *log;

		pthread_mutex_lock(&r->lock);
		if (w->job >= r->nr) {
			pthread_mutex_unlock(&r->lock);
			continue;
		}
		p.nr = w->job + 1;
		p.job = &r->jobs[w->job];
		p.step = p.job->step;
		log = w->log ? xstrdup(w->log) : NULL;
		pthread_mutex_unlock(&r->lock);
		if (log && (p.step == KBUILD_STEP_KERNEL ||
			    p.step == KBUILD_STEP_SELFTESTS))
			poll_progress(w, log);
		else
			w->objects = 0;
		free(log);
		p.total = r->nr;
		p.objects = w->objects;
		p.objects_total = p.job->objects_total;
		p.elapsed = p.job->started ? now_seconds() - p.job->started : 0;
		r->opts->progress(&p, r->opts->progress_data);
	}
}

static void group_jobs(struct kbuild_run *r)
{
	r->group_start = xcalloc(r->nr + 1, sizeof(*r->group_start));
	for (size_t i = 0; i < r->nr; i++)
		if (!i || strcmp(r->jobs[i].branch, r->jobs[i - 1].branch))
			r->group_start[r->groups++] = i;
	r->group_start[r->groups] = r->nr;
}

int kbuild_run(struct kbuild_job *jobs, size_t nr, const char *repo_path,
	       const struct kbuild_config *c, const struct kbuild_opts *opts)
{
	struct kbuild_run r = { .c = c,
				.opts = opts,
				.repo_path = repo_path,
				.jobs = jobs,
				.nr = nr,
				.implicit_free = true,
				.js = { -1, -1 } };
	struct worker *workers = NULL;
	pthread_t *threads = NULL;
	size_t nw;
	unsigned jobs_nr = opts->jobs ? opts->jobs : 1;
	char *gcc, *make;
	int ret = -1;

	r.cache = opts->cache ? xstrdup(opts->cache) : cache_dir();
	if (strpbrk(r.cache, " :")) {
		error_set("cache directory '%s' has a space or a colon: the "
			  "kernel cannot be built there (set "
			  "BACKPORT_CACHE_DIR)",
			  r.cache);
		goto out;
	}
	gcc = first_line("gcc");
	make = first_line("make");
	r.toolchain = xstrfmt("%s; %s", gcc, make);
	free(gcc);
	free(make);
	pthread_mutex_init(&r.lock, NULL);
	if (pipe(r.js) < 0) {
		error_errno("cannot create the jobserver pipe");
		goto out;
	}
	if (fcntl(r.js[0], F_SETFL, O_NONBLOCK) < 0) {
		error_errno("cannot set up the jobserver pipe");
		goto out;
	}
	for (unsigned i = 1; i < jobs_nr; i++)
		if (write(r.js[1], "+", 1) != 1) {
			error_errno("cannot fill the jobserver pipe");
			goto out;
		}
	group_jobs(&r);
	nw = opts->parallel ? opts->parallel : 1;
	if (nw > r.groups)
		nw = r.groups;
	workers = xcalloc(nw, sizeof(*workers));
	threads = xcalloc(nw, sizeof(*threads));
	r.running = nw;
	for (size_t i = 0; i < nw; i++) {
		workers[i].r = &r;
		workers[i].job = SIZE_MAX;
		workers[i].lock_fd = -1;
		if (pthread_create(&threads[i], NULL, worker_main,
				   &workers[i])) {
			error_set("cannot start a build thread");
			/* Let the started ones finish: no new groups. */
			pthread_mutex_lock(&r.lock);
			r.next_group = r.groups;
			r.running -= nw - i;
			pthread_mutex_unlock(&r.lock);
			nw = i;
			r.failed = true;
			break;
		}
	}
	for (;;) {
		size_t running;

		pthread_mutex_lock(&r.lock);
		running = r.running;
		pthread_mutex_unlock(&r.lock);
		if (!running)
			break;
		if (opts->interrupted && *opts->interrupted) {
			pthread_mutex_lock(&r.lock);
			r.next_group = r.groups;
			r.interrupted = true;
			pthread_mutex_unlock(&r.lock);
			kill_all_commands();
		}
		if (opts->progress)
			report_progress(&r, workers, nw);
		usleep(running ? 500 * 1000 : 0);
	}
	for (size_t i = 0; i < nw; i++)
		pthread_join(threads[i], NULL);
	ret = 0;
	if (r.interrupted) {
		ret = error_set("interrupted: the next run goes on from here");
		goto out;
	}
	for (size_t i = 0; i < nr; i++)
		if (jobs[i].error) {
			ret = error_set("%s", jobs[i].error);
			break;
		}
	if (!ret && r.failed)
		ret = -1;
out:
	for (size_t i = 0; workers && i < nw; i++) {
		free(workers[i].odir);
		free(workers[i].log);
		free(workers[i].seen_log);
	}
	free(workers);
	free(threads);
	free(r.group_start);
	if (r.js[0] >= 0)
		close(r.js[0]);
	if (r.js[1] >= 0)
		close(r.js[1]);
	pthread_mutex_destroy(&r.lock);
	free(r.toolchain);
	free(r.cache);
	return ret;
}
