// SPDX-License-Identifier: GPL-2.0
/*
 * hunkmem: resolutions remembered per conflict hunk. See hunkmem.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "hunkmem.h"
#include "util/lines.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

#define HEADER "# backport hunk resolution v1:"

void hunkmem_release(struct hunkmem *hm)
{
	for (size_t i = 0; i < hm->nr; i++) {
		free(hm->v[i].text);
		free(hm->v[i].where);
	}
	free(hm->v);
	memset(hm, 0, sizeof(*hm));
}

/* Line `n` (1-based) of buf: start and length with its newline. */
struct span {
	const char *p;
	size_t len;
};

static size_t split(struct span **out, const char *buf, size_t len)
{
	size_t nr = 0, alloc = 0;
	const char *p = buf, *end = buf + len;

	*out = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		ALLOC_GROW(*out, nr + 1, alloc);
		(*out)[nr].p = p;
		(*out)[nr++].len = n;
		p += n;
	}
	return nr;
}

/* Whitespace collapsed and trimmed; empty lines add nothing. */
static void add_norm(struct strbuf *sb, const char *s, size_t n)
{
	if (ws_normalize_add(sb, s, n))
		strbuf_addch(sb, '\n');
}

static size_t old_len(const struct patch_hunk *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nr; i++)
		n += h->lines[i].kind != PATCH_LINE_ADD;
	return n;
}

void hunkmem_key(char out[41], const struct patch_hunk *h, const char *buf,
		 size_t len, long pos)
{
	struct strbuf sb = STRBUF_INIT;
	struct span *l;
	size_t nr = split(&l, buf, len), n = old_len(h);
	git_oid oid;

	strbuf_addstr(&sb, "old\n");
	for (size_t i = 0; i < h->nr; i++)
		if (h->lines[i].kind != PATCH_LINE_ADD)
			add_norm(&sb, h->lines[i].text, h->lines[i].len);
	strbuf_addstr(&sb, "new\n");
	for (size_t i = 0; i < h->nr; i++)
		if (h->lines[i].kind != PATCH_LINE_DEL)
			add_norm(&sb, h->lines[i].text, h->lines[i].len);
	strbuf_addstr(&sb, "ours\n");
	for (size_t i = 0; i < n && pos > 0 && (size_t)pos - 1 + i < nr; i++)
		add_norm(&sb, l[pos - 1 + i].p, l[pos - 1 + i].len);
	git_odb_hash(&oid, sb.buf, sb.len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, 41, &oid);
	strbuf_release(&sb);
	free(l);
}

const struct hunkmem_entry *hunkmem_find(const struct hunkmem *hm,
					 const char *key)
{
	for (size_t i = 0; i < hm->nr; i++)
		if (!strcmp(hm->v[i].key, key))
			return &hm->v[i];
	return NULL;
}

static int load_file(struct hunkmem *hm, const char *path, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	struct hunkmem_entry *e;
	const char *nl, *rest;
	unsigned before, after;
	int used = 0;

	if (strbuf_read_file(&sb, path) < 0)
		return -1;
	nl = strchr(sb.buf, '\n');
	if (!skip_prefix(sb.buf, HEADER, &rest) || !nl ||
	    sscanf(rest, " before=%u after=%u:%n", &before, &after, &used) < 2 ||
	    !used) {
		strbuf_release(&sb);
		return error_set("'%s': not a remembered hunk (bad header)",
				 path);
	}
	ALLOC_GROW(hm->v, hm->nr + 1, hm->alloc);
	e = &hm->v[hm->nr++];
	/* The caller read a 40-character file name. */
	memcpy(e->key, key, sizeof(e->key) - 1);
	e->key[sizeof(e->key) - 1] = '\0';
	e->before = before;
	e->after = after;
	while (rest[used] == ' ')
		used++;
	e->where = xstrndup(rest + used, nl - rest - used);
	e->len = sb.len - (nl + 1 - sb.buf);
	e->text = xstrndup(nl + 1, e->len);
	strbuf_release(&sb);
	return 0;
}

/* Each hunks/ directory at <root>/<branch>/<series>/hunks. */
int hunkmem_load(struct hunkmem *hm, const char *root)
{
	DIR *b = opendir(root);
	struct dirent *bd;
	int ret = 0;

	if (!b)
		return errno == ENOENT ? 0 : error_errno("cannot read '%s'", root);
	while (!ret && (bd = readdir(b))) {
		char *bdir = xstrfmt("%s/%s", root, bd->d_name);
		DIR *s = bd->d_name[0] == '.' ? NULL : opendir(bdir);
		struct dirent *sd;

		while (s && !ret && (sd = readdir(s))) {
			char *hdir = xstrfmt("%s/%s/hunks", bdir, sd->d_name);
			DIR *h = sd->d_name[0] == '.' ? NULL : opendir(hdir);
			struct dirent *hd;

			while (h && !ret && (hd = readdir(h))) {
				char *p;

				if (strlen(hd->d_name) != 40)
					continue;
				p = xstrfmt("%s/%s", hdir, hd->d_name);
				ret = load_file(hm, p, hd->d_name);
				free(p);
			}
			if (h)
				closedir(h);
			free(hdir);
		}
		if (s)
			closedir(s);
		free(bdir);
	}
	closedir(b);
	return ret;
}

struct hunk_range {
	long a, b;	/* [a, b), 1-based lines of the base */
	long delta;	/* lines added by the diff before a */
	long inside;	/* lines added by the diff in [a, b) */
};

static int widen(const git_diff_delta *d, const git_diff_hunk *h, void *data)
{
	struct hunk_range *r = data;
	long hs = h->old_start, he = h->old_start + h->old_lines;

	(void)d;
	if (!h->old_lines)
		hs = he = h->old_start + 1;
	if (he < r->a) {
		r->delta += (long)h->new_lines - h->old_lines;
	} else if (hs <= r->b) {
		if (hs < r->a)
			r->a = hs;
		if (he > r->b)
			r->b = he;
		r->inside += (long)h->new_lines - h->old_lines;
	}
	return 0;
}

int hunkmem_save(bool *saved, const char *dir, const struct patch_hunk *h,
		 const char *base, size_t blen, long pos, const char *resolved,
		 size_t rlen, const char *where)
{
	struct hunk_range r = { pos, pos + (long)old_len(h), 0, 0 };
	git_diff_options o;
	struct span *bl = NULL, *rl = NULL;
	size_t bn = split(&bl, base, blen), rn = split(&rl, resolved, rlen);
	struct strbuf text = STRBUF_INIT, was = STRBUF_INIT;
	char key[41], *path = NULL;
	long a2, b2;
	int ret = -1;

	*saved = false;
	if (pos < 1 || (size_t)r.b - 1 > bn)
		goto done;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	if (git_diff_buffers(base, blen, NULL, resolved, rlen, NULL, &o, NULL,
			     NULL, widen, NULL, &r) < 0) {
		error_git("cannot diff the resolution");
		goto out;
	}
	a2 = r.a + r.delta;
	b2 = r.b + r.delta + r.inside;
	if (r.a < 1 || a2 < 1 || b2 < a2 || (size_t)b2 - 1 > rn ||
	    (size_t)r.b - 1 > bn)
		goto done;
	for (long i = a2; i < b2; i++)
		strbuf_add(&text, rl[i - 1].p, rl[i - 1].len);
	for (long i = r.a; i < r.b; i++)
		strbuf_add(&was, bl[i - 1].p, bl[i - 1].len);
	if (!strcmp(text.buf, was.buf))
		goto done;	/* the maintainer did not touch it */
	hunkmem_key(key, h, base, blen, pos);
	if (mkdir_p(dir, 0755) < 0)
		goto out;
	path = xstrfmt("%s/%s", dir, key);
	{
		struct strbuf file = STRBUF_INIT;

		strbuf_addf(&file, HEADER " before=%ld after=%ld: %s\n",
			    pos - r.a, r.b - (pos + (long)old_len(h)), where);
		strbuf_addbuf(&file, &text);
		ret = write_file_atomic(path, file.buf, file.len);
		strbuf_release(&file);
		if (ret < 0)
			goto out;
	}
	*saved = true;
done:
	ret = 0;
out:
	free(path);
	free(bl);
	free(rl);
	strbuf_release(&text);
	strbuf_release(&was);
	return ret;
}

int hunkmem_replace(struct strbuf *out, const char *content, size_t len,
		    long pos, const struct patch_hunk *h,
		    const struct hunkmem_entry *e)
{
	struct span *l = NULL;
	size_t nr = split(&l, content, len);
	long a = pos - (long)e->before;
	long b = pos + (long)old_len(h) + (long)e->after;

	if (pos < 1 || a < 1 || b - 1 > (long)nr) {
		free(l);
		return -1;
	}
	for (long i = 1; i < a; i++)
		strbuf_add(out, l[i - 1].p, l[i - 1].len);
	strbuf_add(out, e->text, e->len);
	for (long i = b; i <= (long)nr; i++)
		strbuf_add(out, l[i - 1].p, l[i - 1].len);
	free(l);
	return 0;
}
