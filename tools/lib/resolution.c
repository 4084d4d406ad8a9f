// SPDX-License-Identifier: GPL-2.0
/*
 * resolution: recorded conflict resolutions and known renames, kept under
 * backports/<branch>/. See resolution.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resolution.h"
#include "util/cfgtext.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

void resolution_store_init(struct resolution_store *st)
{
	memset(st, 0, sizeof(*st));
}

static void resolution_free(struct resolution *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr; i++)
		free(r->files[i].path);
	free(r->files);
	free(r->dir);
	free(r->file);
	free(r->title);
	free(r->patch_id);
	free(r->target);
	mail_free(r->mail);
	free(r);
}

void resolution_store_release(struct resolution_store *st)
{
	for (size_t i = 0; i < st->nr; i++)
		resolution_free(st->items[i]);
	free(st->items);
	free(st->root);
	resolution_store_init(st);
}

static struct resolution *find_or_add(struct resolution_store *st,
				      const char *dir, const char *file)
{
	struct resolution *r;

	for (size_t i = 0; i < st->nr; i++)
		if (!strcmp(st->items[i]->dir, dir) &&
		    !strcmp(st->items[i]->file, file))
			return st->items[i];
	r = xcalloc(1, sizeof(*r));
	r->dir = xstrdup(dir);
	r->file = xstrdup(file);
	ALLOC_GROW(st->items, st->nr + 1, st->alloc);
	st->items[st->nr++] = r;
	return r;
}

struct index_state {
	struct resolution_store *st;
	const char *dir;
	const char *path;
	int ret;
};

static int parse_file_value(struct resolution *r, const char *v,
			    const char *path)
{
	char path_buf[4096], before[GIT_OID_SHA1_HEXSIZE + 1],
		after[GIT_OID_SHA1_HEXSIZE + 1];
	struct resolution_file *f;

	if (sscanf(v, "%4095s %40s %40s", path_buf, before, after) != 3)
		return error_set("'%s': resolution '%s': bad file entry '%s' "
				 "(want: path before-blob after-blob)", path,
				 r->file, v);
	ALLOC_GROW(r->files, r->nr + 1, r->alloc);
	f = &r->files[r->nr++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path_buf);
	if (git_oid_fromstr(&f->before, before) < 0 ||
	    git_oid_fromstr(&f->after, after) < 0)
		return error_set("'%s': resolution '%s': bad blob id in '%s'",
				 path, r->file, v);
	return 0;
}

static int index_entry(const git_config_entry *e, void *data)
{
	struct index_state *is = data;
	const char *sub, *dot;
	struct resolution *r;
	char *file;

	if (!skip_prefix(e->name, "resolution.", &sub) ||
	    !(dot = strrchr(sub, '.')) || dot == sub)
		return 0;
	file = xstrndup(sub, dot - sub);
	if (strchr(file, '/') || file[0] == '.') {
		is->ret = error_set("'%s': bad resolution name '%s'", is->path,
				    file);
		free(file);
		return -1;
	}
	r = find_or_add(is->st, is->dir, file);
	free(file);
	dot++;
	if (!e->value) {
		/* "key" alone on its line: git config's boolean true. */
		if (strcmp(dot, "title") && strcmp(dot, "patch-id") &&
		    strcmp(dot, "target") && strcmp(dot, "base") &&
		    strcmp(dot, "file"))
			return 0;
		is->ret = error_set("'%s': resolution '%s': '%s' has no value",
				    is->path, r->file, dot);
		return -1;
	}
	if (!strcmp(dot, "title")) {
		free(r->title);
		r->title = xstrdup(e->value);
	} else if (!strcmp(dot, "patch-id")) {
		free(r->patch_id);
		r->patch_id = xstrdup(e->value);
	} else if (!strcmp(dot, "target")) {
		free(r->target);
		r->target = xstrdup(e->value);
	} else if (!strcmp(dot, "base")) {
		if (git_oid_fromstr(&r->base, e->value) < 0) {
			is->ret = error_set("'%s': bad base '%s'", is->path,
					    e->value);
			return -1;
		}
	} else if (!strcmp(dot, "file")) {
		if (parse_file_value(r, e->value, is->path) < 0) {
			is->ret = -1;
			return -1;
		}
	}
	return 0;
}

static int load_index(struct resolution_store *st, const char *dir)
{
	struct index_state is = { .st = st, .dir = dir };
	char *path = xstrfmt("%s/resolutions", dir);
	git_config *cfg = NULL;
	int ret = 0;

	is.path = path;
	if (!path_exists(path))
		goto out;
	if (git_config_open_ondisk(&cfg, path) < 0) {
		ret = error_git("cannot read '%s'", path);
		goto out;
	}
	if (git_config_foreach(cfg, index_entry, &is) < 0)
		ret = is.ret ? is.ret : error_git("cannot read '%s'", path);
out:
	git_config_free(cfg);
	free(path);
	return ret;
}

static int load_patch(struct resolution *r)
{
	struct mail_list ml = MAIL_LIST_INIT;
	char *path = xstrfmt("%s/%s", r->dir, r->file);
	int ret = -1;

	if (mail_read_file(&ml, path) < 0)
		goto out;
	if (ml.nr != 1 || !ml.mails[0]->has_patch) {
		error_set("'%s' is not one patch mail", path);
		goto out;
	}
	r->mail = ml.mails[0];
	ml.nr = 0;
	ret = 0;
out:
	mail_list_release(&ml);
	free(path);
	return ret;
}

/* Load the index of each series directory under `branch_dir`. */
static int load_branch(struct resolution_store *st, const char *branch_dir)
{
	DIR *d = opendir(branch_dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 :
			error_errno("cannot read '%s'", branch_dir);
	while ((de = readdir(d)) && !ret) {
		char *dir;

		if (de->d_name[0] == '.')
			continue;
		dir = xstrfmt("%s/%s", branch_dir, de->d_name);
		if (is_directory(dir))
			ret = load_index(st, dir);
		free(dir);
	}
	closedir(d);
	return ret;
}

static int load_patches(struct resolution_store *st)
{
	int ret = 0;

	for (size_t i = 0; i < st->nr && !ret; i++) {
		struct resolution *r = st->items[i];

		if (!r->patch_id || !r->title || !r->target) {
			ret = error_set("'%s/resolutions': '%s' lacks "
					"patch-id, title or target", r->dir,
					r->file);
			break;
		}
		ret = load_patch(r);
	}
	return ret;
}

int resolution_store_load(struct resolution_store *st, const char *root,
			  const char *branch)
{
	st->root = xstrfmt("%s/%s", root, branch);
	if (load_branch(st, st->root) < 0)
		return -1;
	return load_patches(st);
}

int resolution_store_load_others(struct resolution_store *st,
				 const char *root, const char *but)
{
	DIR *d = opendir(root);
	struct dirent *de;
	int ret = 0;

	st->root = xstrdup(root);
	if (!d)
		return errno == ENOENT ? 0 :
			error_errno("cannot read '%s'", root);
	while ((de = readdir(d)) && !ret) {
		char *dir;

		if (de->d_name[0] == '.' || (but && !strcmp(de->d_name, but)))
			continue;
		dir = xstrfmt("%s/%s", root, de->d_name);
		if (is_directory(dir))
			ret = load_branch(st, dir);
		free(dir);
	}
	closedir(d);
	return ret ? ret : load_patches(st);
}

const struct resolution *resolution_find(const struct resolution_store *st,
					 const char *patch_id,
					 const char *title)
{
	for (size_t i = 0; i < st->nr; i++)
		if (patch_id && !strcmp(st->items[i]->patch_id, patch_id))
			return st->items[i];
	for (size_t i = 0; i < st->nr; i++)
		if (title && !strcmp(st->items[i]->title, title))
			return st->items[i];
	return NULL;
}

/* "6.12.y" from "linux-6.12.y", for the subject prefix. */
static const char *short_branch(const char *branch)
{
	const char *p;

	return skip_prefix(branch, "linux-", &p) ? p : branch;
}

static void format_patch(struct strbuf *sb, const struct resolution_record *rc)
{
	const struct mail *m = rc->upstream;
	const char *title = m->subj.title ? m->subj.title : m->subject;
	char *email = mail_author_address(m);
	bool link = false;

	strbuf_addstr(sb, "From 0000000000000000000000000000000000000000 "
			  "Mon Sep 17 00:00:00 2001\n");
	strbuf_addf(sb, "From: %s <%s>\n",
		    m->author_name ? m->author_name : "unknown", email);
	if (m->date_epoch) {
		char date[64];
		struct tm tm;

		gmtime_r(&m->date_epoch, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000",
			 &tm);
		strbuf_addf(sb, "Date: %s\n", date);
	}
	strbuf_addf(sb, "Subject: [PATCH %s] %s\n\n", short_branch(rc->branch),
		    title);
	if (m->upstream_commit)
		strbuf_addf(sb, "commit %s upstream.\n\n", m->upstream_commit);
	if (m->message) {
		const char *msg = m->message;

		if (m->upstream_commit && starts_with(msg, "commit ")) {
			msg = strchr(msg, '\n');
			msg = msg ? msg + 1 : "";
			while (*msg == '\n')
				msg++;
		}
		strbuf_addstr(sb, msg);
		strbuf_rtrim(sb);
		strbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < m->trailers_nr; i++)
		link |= m->trailers[i].kind == TRAILER_LINK && m->message_id &&
			strstr(m->trailers[i].value, m->message_id);
	if (!m->upstream_commit && m->message_id && !link)
		strbuf_addf(sb, "Link: https://lore.kernel.org/r/%s\n",
			    m->message_id);
	if (rc->note && *rc->note)
		strbuf_addf(sb, "[ %s ]\n", rc->note);
	if (rc->signoff && *rc->signoff)
		strbuf_addf(sb, "Signed-off-by: %s\n", rc->signoff);
	strbuf_addstr(sb, "---\n");
	strbuf_addstr(sb, rc->diff);
	if (sb->len && sb->buf[sb->len - 1] != '\n')
		strbuf_addch(sb, '\n');
	strbuf_addstr(sb, "-- \nbackport\n");
	free(email);
}

static void format_entry(struct strbuf *sb, const char *file,
			 const char *title, const char *patch_id,
			 const char *target, const git_oid *base,
			 const struct resolution_file *files, size_t nr)
{
	char b[GIT_OID_SHA1_HEXSIZE + 1], a[GIT_OID_SHA1_HEXSIZE + 1];

	strbuf_addf(sb, "[resolution \"%s\"]\n", file);
	cfgtext_value(sb, "title", title);
	cfgtext_value(sb, "patch-id", patch_id);
	cfgtext_value(sb, "target", target);
	git_oid_tostr(b, sizeof(b), base);
	cfgtext_value(sb, "base", b);
	for (size_t i = 0; i < nr; i++) {
		struct strbuf v = STRBUF_INIT;

		git_oid_tostr(b, sizeof(b), &files[i].before);
		git_oid_tostr(a, sizeof(a), &files[i].after);
		strbuf_addf(&v, "%s %s %s", files[i].path, b, a);
		cfgtext_value(sb, "file", v.buf);
		strbuf_release(&v);
	}
}

int resolution_record(char **path, const struct resolution_record *rc)
{
	struct resolution_store old = RESOLUTION_STORE_INIT;
	struct strbuf text = STRBUF_INIT, index = STRBUF_INIT;
	char *dir = xstrfmt("%s/%s/%s", rc->root, rc->branch, rc->series);
	char *index_path = xstrfmt("%s/resolutions", dir);
	const char *pid = rc->upstream->patch.patch_id;
	const char *title = rc->upstream->subj.title ?
		rc->upstream->subj.title : rc->upstream->subject;
	int ret = -1;

	*path = NULL;
	if (mkdir_p(dir, 0755) < 0)
		goto out;
	old.root = xstrdup(dir);
	if (load_index(&old, dir) < 0)
		goto out;
	strbuf_addstr(&index,
		"# Conflict resolutions recorded by `backport record`: which\n"
		"# upstream patch each .patch file here resolves, where it was\n"
		"# recorded, and the blobs of the files before and after.\n");
	for (size_t i = 0; i < old.nr; i++) {
		struct resolution *r = old.items[i];

		if (!strcmp(r->file, rc->file) ||
		    (r->patch_id && !strcmp(r->patch_id, pid)))
			continue;
		format_entry(&index, r->file, r->title ? r->title : "",
			     r->patch_id ? r->patch_id : "",
			     r->target ? r->target : "", &r->base, r->files,
			     r->nr);
	}
	format_entry(&index, rc->file, title, pid, rc->target, rc->base,
		     rc->files, rc->nr);
	format_patch(&text, rc);
	*path = xstrfmt("%s/%s", dir, rc->file);
	if (write_file_atomic(*path, text.buf, text.len) < 0 ||
	    write_file_atomic(index_path, index.buf, index.len) < 0)
		goto out;
	ret = 0;
out:
	resolution_store_release(&old);
	strbuf_release(&text);
	strbuf_release(&index);
	free(dir);
	free(index_path);
	return ret;
}

void renames_release(struct renames *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->v[i].from);
		free(r->v[i].to);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int renames_load(struct renames *r, const char *root, const char *branch)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt("%s/%s/renames", root, branch);
	unsigned lineno = 0;
	char *line, *save = NULL;
	int ret = 0;

	if (!path_exists(path))
		goto out;
	if (strbuf_read_file(&sb, path) < 0) {
		ret = -1;
		goto out;
	}
	for (line = strtok_r(sb.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char from[512] = "", to[512] = "", extra;
		int n;

		lineno++;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		if (strstr(line, " -> ")) {
			/* "<upstream> -> <branch>": patterns with blanks. */
			char *arrow = strstr(line, " -> "), *end;

			*arrow = '\0';
			end = arrow + 4;
			while (isspace((unsigned char)*end))
				end++;
			n = snprintf(from, sizeof(from), "%s", line) <
				    (int)sizeof(from) &&
			    snprintf(to, sizeof(to), "%s", end) <
				    (int)sizeof(to) ? 2 : 0;
			for (char *t = to + strlen(to);
			     t > to && isspace((unsigned char)t[-1]); t--)
				t[-1] = '\0';
			for (char *t = from + strlen(from);
			     t > from && isspace((unsigned char)t[-1]); t--)
				t[-1] = '\0';
			*arrow = ' ';
		} else {
			n = sscanf(line, "%511s %511s %c", from, to, &extra);
		}
		if (!*from || !*to || (n != 2 && !(n == 3 && extra == '#'))) {
			ret = error_set("%s:%u: want '<upstream> <branch>', "
					"found '%s'", path, lineno, line);
			break;
		}
		ALLOC_GROW(r->v, r->nr + 1, r->alloc);
		r->v[r->nr].from = xstrdup(from);
		r->v[r->nr].to = xstrdup(to);
		r->v[r->nr++].line = lineno;
	}
out:
	strbuf_release(&sb);
	free(path);
	return ret;
}

static bool ident(int c)
{
	return isalnum(c) || c == '_';
}

/*
 * Does `pat` (with at most one %1) match at `s`? On a match, *len is the
 * matched length and the %1 capture is in cap/cap_len.
 */
static bool match_at(const char *s, const char *end, const char *pat,
		     size_t *len, const char **cap, size_t *cap_len)
{
	const char *p = s, *q = pat;

	*cap = NULL;
	*cap_len = 0;
	while (*q) {
		if (q[0] == '%' && q[1] == '1') {
			const char *c = p;

			while (p < end && ident((unsigned char)*p))
				p++;
			if (p == c)
				return false;
			*cap = c;
			*cap_len = p - c;
			q += 2;
			continue;
		}
		if (p >= end || *p != *q)
			return false;
		p++;
		q++;
	}
	/* Whole identifiers only. */
	if (q > pat && ident((unsigned char)q[-1]) && p < end &&
	    ident((unsigned char)*p))
		return false;
	*len = p - s;
	return true;
}

static void rename_one(struct strbuf *out, const char *text, size_t len,
		       const struct rename *rn, bool *changed)
{
	const char *s = text, *end = text + len;
	bool first_ident = ident((unsigned char)rn->from[0]) ||
			   rn->from[0] == '%';

	while (s < end) {
		const char *cap;
		size_t n, cap_len;

		if ((!first_ident || s == text ||
		     !ident((unsigned char)s[-1])) &&
		    match_at(s, end, rn->from, &n, &cap, &cap_len)) {
			for (const char *t = rn->to; *t; t++) {
				if (t[0] == '%' && t[1] == '1') {
					strbuf_add(out, cap, cap_len);
					t++;
				} else {
					strbuf_addch(out, *t);
				}
			}
			s += n;
			*changed = true;
			continue;
		}
		strbuf_addch(out, *s++);
	}
}

void renames_apply(struct strbuf *out, const char *text, size_t len,
		   const struct renames *r, struct strvec *used)
{
	struct strbuf cur = STRBUF_INIT, next = STRBUF_INIT;

	strbuf_add(&cur, text, len);
	for (size_t i = 0; i < r->nr; i++) {
		bool changed = false;

		strbuf_reset(&next);
		rename_one(&next, cur.buf, cur.len, &r->v[i], &changed);
		if (changed) {
			strvec_pushf(used, "%s -> %s", r->v[i].from,
				     r->v[i].to);
			strbuf_swap(&cur, &next);
		}
	}
	strbuf_addbuf(out, &cur);
	strbuf_release(&cur);
	strbuf_release(&next);
}
