// SPDX-License-Identifier: GPL-2.0
/*
 * guard: the checks against a false clean that a hunk matched anywhere
 * but exactly at its header position must pass (locate.h's "No false
 * clean"). See guard.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/guard.h"
#include "lib/locate-internal.h"
#include "lib/scope.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define RUN_WINDOW 200 /* "near the landing spot" for runs of lines */
#define LINE_WINDOW 3 /* ... and for a single added line */

/* Is file line k still there once the patch is applied elsewhere? */
struct avail {
	const struct locator *lc;
	const struct hunkctx *hc;
	long lo, hi; /* the landing region, unavailable ... */
	const long *map; /* ... or only its '-' lines, when map is set */
	const struct pattern *pre;
};

static bool removed_later(const struct avail *av, const struct fline *f)
{
	const struct patch_file *pf = av->lc->pf;

	for (size_t j = av->hc->hi + 1; j < pf->nr; j++) {
		const struct patch_hunk *h = &pf->hunks[j];

		for (size_t i = 0; i < h->nr; i++) {
			const struct patch_line *l = &h->lines[i];
			size_t n;
			char *norm;
			bool eq;

			if (l->kind != PATCH_LINE_DEL)
				continue;
			norm = ws_normalize(l->text, l->len, &n);
			eq = fline_eq(f, norm, n);
			free(norm);
			if (eq)
				return true;
		}
	}
	return false;
}

static bool is_avail(const struct avail *av, long k)
{
	const struct fline *f = &av->lc->file.v[k];

	if (av->lc->removed[k])
		return false;
	if (k >= av->lo && k < av->hi) {
		if (!av->map)
			return false;
		for (size_t i = 0; i < av->pre->n; i++)
			if (av->map[i] == k)
				return av->hc->pl[av->pre->idx[i]].kind !=
				       PATCH_LINE_DEL;
		return true;
	}
	return !removed_later(av, f);
}

/*
 * Do the non-trivial lines run[0..k) stand in this order in the file,
 * with only trivial or blank lines between, in [lo, hi)? Returns the
 * 0-based line where they begin, or -1.
 */
static long find_run(const struct avail *av, const struct pline **run, size_t k,
		     long lo, long hi)
{
	const struct ftext *f = &av->lc->file;

	if (lo < 0)
		lo = 0;
	if (hi > (long)f->nr)
		hi = f->nr;
	for (long q = lo; q < hi; q++) {
		size_t j = 0;
		long r = q;

		if (!fline_eq(&f->v[q], run[0]->norm, run[0]->nlen))
			continue;
		while (j < k && r < hi) {
			const struct fline *x = &f->v[r];

			if (fline_eq(x, run[j]->norm, run[j]->nlen)) {
				if (!is_avail(av, r))
					break;
				j++;
			} else if (!x->trivial) {
				break;
			}
			r++;
		}
		if (j == k)
			return q;
	}
	return -1;
}

/*
 * The name of the function a line defines, if it looks like a definition
 * head: "type name(" with no '=' or ';' and not a keyword.
 */
static bool def_name(const char *s, size_t n, const char **name, size_t *nlen)
{
	static const char *const kw[] = { "if",	    "for",    "while", "switch",
					  "return", "else",   "do",    "sizeof",
					  "case",   "typeof", "goto" };
	const char *paren = memchr(s, '(', n);
	const char *e, *b;

	if (!n || !paren || s[n - 1] == ';' || *s == '#' || *s == '}' ||
	    memchr(s, '=', paren - s) || memchr(s, '"', n))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (word_at(s, n, kw[i]))
			return false;
	e = paren;
	while (e > s && e[-1] == ' ')
		e--;
	b = e;
	while (b > s && is_ident((unsigned char)b[-1]))
		b--;
	if (b == e || b == s || isdigit((unsigned char)*b))
		return false;
	if (b[-1] != ' ' && b[-1] != '*')
		return false;
	*name = b;
	*nlen = e - b;
	return true;
}

/* Line after a definition head (and its continuation lines) is "{". */
static bool file_def_at(const struct ftext *f, long k, const char *name,
			size_t nlen)
{
	const char *nm;
	size_t nl;
	int depth = 0;

	if (!f->v[k].len || isspace((unsigned char)f->v[k].p[0]))
		return false;
	if (!def_name(f->v[k].norm, f->v[k].nlen, &nm, &nl) || nl != nlen ||
	    memcmp(nm, name, nlen))
		return false;
	for (long j = k; j < (long)f->nr && j < k + 8; j++) {
		const struct fline *x = &f->v[j];

		if (j > k && !depth)
			return x->nlen == 1 && x->norm[0] == '{';
		for (size_t c = 0; c < x->nlen; c++)
			depth += (x->norm[c] == '(') - (x->norm[c] == ')');
		if (x->nlen && x->norm[x->nlen - 1] == '{' && !depth)
			return true;
	}
	return false;
}

/* Does hunk line i head a definition in the new side? */
static bool hunk_def_at(const struct hunkctx *hc, size_t i, const char **name,
			size_t *nlen)
{
	int depth = 0;

	if (!def_name(hc->pl[i].norm, hc->pl[i].nlen, name, nlen))
		return false;
	for (size_t j = i; j < hc->h->nr && j < i + 8; j++) {
		const struct pline *x = &hc->pl[j];

		if (!is_new_side(x->kind) || (j > i && x->blank))
			continue;
		if (j > i && !depth)
			return x->nlen == 1 && x->norm[0] == '{';
		for (size_t c = 0; c < x->nlen; c++)
			depth += (x->norm[c] == '(') - (x->norm[c] == ')');
		if (x->nlen && x->norm[x->nlen - 1] == '{' && !depth)
			return true;
	}
	return false;
}

/*
 * The checks of locate.h's "No false clean" on a match of the old side
 * at [pos, end) with map. Returns NULL, or the reason to refuse (owned).
 */
char *guard_duplicate(const struct locator *lc, const struct hunkctx *hc,
		      const struct level *lv, const struct pattern *pre,
		      const long *map, long pos, long end)
{
	const struct pline **run = xcalloc(hc->h->nr + 1, sizeof(*run));
	struct avail av = { lc, hc, pos, end, NULL, pre };
	struct strbuf why = STRBUF_INIT;
	long dropped = lv->a + (hc->h->nr - lv->b);
	size_t i = lv->a;

	/* Runs of '+' lines already present. */
	while (i < lv->b && !why.len) {
		size_t k = 0;
		long at;

		if (hc->pl[i].kind != PATCH_LINE_ADD) {
			i++;
			continue;
		}
		for (; i < lv->b && hc->pl[i].kind == PATCH_LINE_ADD; i++)
			if (!hc->pl[i].trivial)
				run[k++] = &hc->pl[i];
		if (!k)
			continue;
		if (k >= 2)
			at = find_run(&av, run, k, pos - RUN_WINDOW,
				      end + RUN_WINDOW);
		else if (lv->fuzz || lv->ws)
			at = find_run(&av, run, k, pos - LINE_WINDOW - dropped,
				      end + LINE_WINDOW + dropped);
		else
			at = -1;
		if (at >= 0)
			strbuf_addf(&why,
				    "added lines already present at %ld; "
				    "refusing %s apply",
				    at + 1, lv->fuzz ? "fuzzy" : "inexact");
	}
	/* A definition the file already has. */
	av.map = map;
	for (i = lv->a; i < lv->b && !why.len; i++) {
		const char *name;
		size_t nlen;

		if (hc->pl[i].kind != PATCH_LINE_ADD ||
		    !hunk_def_at(hc, i, &name, &nlen))
			continue;
		for (long k = 0; k < (long)lc->file.nr; k++) {
			if (!file_def_at(&lc->file, k, name, nlen) ||
			    !is_avail(&av, k))
				continue;
			strbuf_addf(&why,
				    "would duplicate definition of '%.*s()' "
				    "at %ld; refusing %s apply",
				    (int)nlen, name, k + 1,
				    lv->fuzz ? "fuzzy" : "inexact");
			break;
		}
	}
	free(run);
	return why.len ? strbuf_detach(&why, NULL) :
			 (strbuf_release(&why), NULL);
}

/* A second place where a fuzzy pattern matches makes it ambiguous. */
char *guard_ambiguous(const struct locator *lc, const struct hunkctx *hc,
		      const struct level *lv, const struct pattern *pre,
		      long guess, const struct hit *hit)
{
	struct hit other;

	if (!lv->fuzz)
		return NULL;
	other = pattern_search(lc, &lc->file, hc, pre, lv, guess, lc->min_pos,
			       hit->pos);
	if (!other.found)
		return NULL;
	return xstrfmt("ambiguous fuzzy match at %ld and %ld; refusing fuzzy "
		       "apply",
		       hit->pos + 1, other.pos + 1);
}

/* Is line k of the file a definition head that a '+' line of the patch adds? */
static bool head_added(const struct locator *lc, long k)
{
	const struct line *l = &lc->view.v[k];

	for (size_t i = 0; i < lc->pf->nr; i++) {
		const struct patch_hunk *h = &lc->pf->hunks[i];

		for (size_t j = 0; j < h->nr; j++)
			if (h->lines[j].kind == PATCH_LINE_ADD &&
			    h->lines[j].len == l->len &&
			    !memcmp(h->lines[j].text, l->p, l->len) &&
			    scope_is_head(l->p, l->len))
				return true;
	}
	return false;
}

/*
 * A hunk that lands anywhere but where its header says must land in the
 * definition its header names (scope.h), the one the upstream diff
 * changed, or in one the patch itself starts (a patch that splits or
 * renames a function moves its later hunks into the new one): a fuzzy
 * match in the function next door is the worst thing this tool could
 * commit. `start` is where the hunk's first line would stand. Returns
 * NULL, or the reason to refuse (owned).
 */
char *guard_scope(const struct locator *lc, const struct hunkctx *hc,
		  long start, const char *how)
{
	const char *sec = hc->h->section;
	long git, gnu;

	if (!lc->scoped || !sec || !*sec || scope_same(&lc->view, start, sec))
		return NULL;
	scope_before(&lc->view, start, &git, &gnu);
	if (git >= 0 && head_added(lc, git))
		return NULL;
	if (git < 0)
		return xstrfmt("would land before any definition, not in "
			       "'%s'; refusing %s apply",
			       sec, how);
	return xstrfmt("would land in '%.*s' (line %ld), not in '%s'; "
		       "refusing %s apply",
		       (int)(lc->view.v[git].len > 60 ? 60 :
							lc->view.v[git].len),
		       lc->view.v[git].p, git + 1, sec, how);
}

/* Whether a post-image found away from its place is out of scope. */
bool guard_out_of_scope(const struct locator *lc, const struct hunkctx *hc,
			long start)
{
	char *why = guard_scope(lc, hc, start, "");
	bool out = why != NULL;

	free(why);
	return out;
}
