// SPDX-License-Identifier: GPL-2.0
/*
 * locate: the hunk locator and file patcher of `backport apply`. Finds
 * where each hunk of one patch_file lands in a file (exact, offset, fuzz,
 * ignoring whitespace), tells already-applied hunks apart, refuses fuzzy
 * matches that would apply a change a second time, and builds the new
 * content. See locate.h for the rules.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/locate.h"
#include "lib/patch.h"
#include "lib/scope.h"
#include "util/error.h"
#include "util/lines.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define RUN_WINDOW 200 /* "near the landing spot" for runs of lines */
#define LINE_WINDOW 3 /* ... and for a single added line */
#define QUOTE_MAX 60 /* longest line quoted in a reason */

/* A line of the file or the reference, and its normalised form. */
struct fline {
	const char *p;
	size_t len;
	bool nl;
	char *norm;
	size_t nlen;
	bool trivial;
};

struct ftext {
	struct fline *v;
	size_t nr, alloc;
};

#define FTEXT_INIT         \
	{                  \
		NULL, 0, 0 \
	}

/* A line of the hunk, normalised. */
struct pline {
	const struct patch_line *l;
	char kind;
	char *norm;
	size_t nlen;
	bool blank;
	bool trivial;
};

/* A pattern: indices into the hunk's lines, one side, maybe filtered. */
struct pattern {
	size_t *idx;
	size_t n;
	bool nontrivial; /* holds at least one non-trivial line */
};

#define PATTERN_INIT           \
	{                      \
		NULL, 0, false \
	}

/* One try: which lines, compared how, anchored where. */
struct level {
	unsigned fuzz;
	bool ws;
	size_t a, b; /* hunk lines [a, b) */
	bool astart, aend;
};

/* Where a pattern matched. */
struct hit {
	bool found;
	long pos, end; /* file lines [pos, end) */
	long dist; /* from the guess */
};

/* Everything about the file being patched. */
struct locator {
	const struct patch_file *pf;
	const struct locate_opts *opts;
	struct ftext file;
	/* The same lines as scope.h reads them (borrowed from `file`). */
	struct lines view;
	/* C source whose hunk headers name functions: check landings. */
	bool scoped;
	struct ftext ref;
	bool have_ref;
	bool *removed; /* file lines removed by hunks that landed */
	struct locate_result *res;
	/* The emitter: lines of `file` before `fpos` are in res->out. */
	long fpos;
	long out_lines;
	bool need_nl;
	/* Where the next hunk may land, and the offset of the last one. */
	long min_pos;
	long last_offset;
};

/* Per hunk. */
struct hunkctx {
	size_t hi;
	const struct patch_hunk *h;
	struct pline *pl;
	bool damaged;
	bool ws_only;
	long base; /* 0-based line the header points at */
};

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

static bool word_at(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n >= wl && !memcmp(s, w, wl) && (n == wl || !is_ident(s[wl]));
}

static void ftext_split(struct ftext *t, const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - buf) : len;
		struct fline *l;

		ALLOC_GROW(t->v, t->nr + 1, t->alloc);
		l = &t->v[t->nr++];
		l->p = buf + i;
		l->len = e - i;
		l->nl = nl != NULL;
		l->norm = ws_normalize(l->p, l->len, &l->nlen);
		l->trivial = line_is_trivial(l->norm, l->nlen);
		i = nl ? e + 1 : len;
	}
}

static void ftext_release(struct ftext *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->v[i].norm);
	free(t->v);
	t->v = NULL;
	t->nr = t->alloc = 0;
}

static void pattern_release(struct pattern *p)
{
	free(p->idx);
	p->idx = NULL;
	p->n = 0;
}

static bool line_eq(const struct fline *f, const struct pline *x, bool ws)
{
	if (ws)
		return f->nlen == x->nlen && !memcmp(f->norm, x->norm, f->nlen);
	return f->len == x->l->len && !memcmp(f->p, x->l->text, f->len) &&
	       f->nl == !x->l->no_newline;
}

static bool fline_eq(const struct fline *a, const char *norm, size_t nlen)
{
	return a->nlen == nlen && !memcmp(a->norm, norm, nlen);
}

static bool is_old_side(char kind)
{
	return kind != PATCH_LINE_ADD;
}

static bool is_new_side(char kind)
{
	return kind != PATCH_LINE_DEL;
}

/*
 * The lines of one side within [lv->a, lv->b). In whitespace mode, blank
 * context lines (and blank '+' lines) are left out: the file's blank
 * lines are skipped between matched lines instead.
 */
static void pattern_build(struct pattern *pat, const struct hunkctx *hc,
			  const struct level *lv, bool old_side)
{
	pat->idx = xcalloc(hc->h->nr + 1, sizeof(*pat->idx));
	pat->n = 0;
	pat->nontrivial = false;
	for (size_t i = lv->a; i < lv->b; i++) {
		const struct pline *x = &hc->pl[i];

		if (old_side ? !is_old_side(x->kind) : !is_new_side(x->kind))
			continue;
		if (lv->ws && x->blank &&
		    (x->kind == PATCH_LINE_CONTEXT ||
		     x->kind == PATCH_LINE_ADD))
			continue;
		pat->idx[pat->n++] = i;
		if (!x->trivial)
			pat->nontrivial = true;
	}
}

static bool rest_blank(const struct ftext *f, long from, long to)
{
	for (long k = from; k < to; k++)
		if (f->v[k].nlen)
			return false;
	return true;
}

/*
 * Does `pat` match `f` at line `p`? Fills map[i] with the file line of
 * pattern line i (when map is not NULL) and *end with the line after.
 */
static bool match_at(const struct ftext *f, const struct hunkctx *hc,
		     const struct pattern *pat, const struct level *lv, long p,
		     long *map, long *end)
{
	long k = p;

	if (lv->astart && !(p == 0 || (lv->ws && rest_blank(f, 0, p))))
		return false;
	for (size_t i = 0; i < pat->n; i++) {
		const struct pline *x = &hc->pl[pat->idx[i]];

		if (lv->ws && i > 0 && !x->blank)
			while (k < (long)f->nr && !f->v[k].nlen)
				k++;
		if (k >= (long)f->nr || !line_eq(&f->v[k], x, lv->ws))
			return false;
		if (map)
			map[i] = k;
		k++;
	}
	if (lv->aend &&
	    !(k == (long)f->nr || (lv->ws && rest_blank(f, k, f->nr))))
		return false;
	*end = k;
	return true;
}

/*
 * Look for `pat` nearest to `guess` first (+d before -d), at positions
 * [lo, f->nr], never farther than opts->max_offset; skip position `not`.
 */
static struct hit search(const struct locator *lc, const struct ftext *f,
			 const struct hunkctx *hc, const struct pattern *pat,
			 const struct level *lv, long guess, long lo, long not )
{
	struct hit hit = { false, 0, 0, 0 };
	long hi = f->nr;
	long maxd, end;

	if (!lv->ws && hi - (long)pat->n >= lo)
		hi -= pat->n;
	if (guess < lo)
		guess = lo;
	if (guess > hi)
		guess = hi;
	if (lo > hi)
		return hit;
	maxd = guess - lo > hi - guess ? guess - lo : hi - guess;
	if (lc->opts->max_offset > 0 && maxd > lc->opts->max_offset)
		maxd = lc->opts->max_offset;
	for (long d = 0; d <= maxd; d++) {
		long cand[2] = { guess + d, guess - d };

		for (int s = 0; s < (d ? 2 : 1); s++) {
			long p = cand[s];

			if (p < lo || p > hi || p == not )
				continue;
			if (!match_at(f, hc, pat, lv, p, NULL, &end))
				continue;
			hit.found = true;
			hit.pos = p;
			hit.end = end;
			hit.dist = d;
			return hit;
		}
	}
	return hit;
}

/*
 * The hunk lines [a, b) left at `fuzz` in one mode, after GNU patch: fuzz
 * comes off the longer context first, and a shorter context (not due to
 * lost lines) anchors the hunk at that end of the file.
 */
static void level_make(struct level *lv, const struct hunkctx *hc,
		       unsigned fuzz, bool ws)
{
	const struct patch_hunk *h = hc->h;
	size_t first = h->nr, last = 0, pc = 0, sc = 0, rpc = 0, rsc = 0;
	long context, pf, sf;
	bool changes = false;

	for (size_t i = 0; i < h->nr; i++) {
		if (hc->pl[i].kind != PATCH_LINE_CONTEXT) {
			if (!changes)
				first = i;
			last = i;
			changes = true;
		}
	}
	for (size_t i = 0; i < first; i++) {
		rpc++;
		pc += !(ws && hc->pl[i].blank);
	}
	for (size_t i = changes ? last + 1 : h->nr; i < h->nr; i++) {
		rsc++;
		sc += !(ws && hc->pl[i].blank);
	}
	lv->fuzz = fuzz;
	lv->ws = ws;
	lv->astart = lv->aend = false;
	if (!(h->damage & DAMAGE_HUNK_SHORT)) {
		long rctx = rpc > rsc ? rpc : rsc;

		lv->astart = (long)(fuzz + rpc) - rctx < 0 && h->old_start <= 1;
		lv->aend = (long)(fuzz + rsc) - rctx < 0;
	}
	context = pc > sc ? pc : sc;
	pf = (long)fuzz + (long)pc - context;
	sf = (long)fuzz + (long)sc - context;
	pf = pf < 0 ? 0 : pf > (long)pc ? (long)pc : pf;
	sf = sf < 0 ? 0 : sf > (long)sc ? (long)sc : sf;
	if (!changes)
		pf = sf = 0;
	lv->a = 0;
	for (size_t i = 0, seen = 0; pf && i < first; i++) {
		if (ws && hc->pl[i].blank)
			continue;
		if (seen++ == (size_t)pf) {
			lv->a = i;
			break;
		}
		lv->a = i + 1;
	}
	lv->b = h->nr;
	for (size_t i = h->nr, seen = 0; sf && changes && i > last + 1; i--) {
		if (ws && hc->pl[i - 1].blank)
			continue;
		if (seen++ == (size_t)sf) {
			lv->b = i;
			break;
		}
		lv->b = i - 1;
	}
}

/* Old-side lines of the hunk before hunk line `a`: the header's count. */
static long old_before(const struct hunkctx *hc, size_t a)
{
	long n = 0;

	for (size_t i = 0; i < a; i++)
		n += is_old_side(hc->pl[i].kind);
	return n;
}

static long new_before(const struct hunkctx *hc, size_t a)
{
	long n = 0;

	for (size_t i = 0; i < a; i++)
		n += is_new_side(hc->pl[i].kind);
	return n;
}

static void add_quoted(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_addch(sb, '\'');
	if (n > QUOTE_MAX) {
		strbuf_add(sb, s, QUOTE_MAX - 3);
		strbuf_addstr(sb, "...");
	} else {
		strbuf_add(sb, s, n);
	}
	strbuf_addch(sb, '\'');
}

/* ---- guards against a false clean ---- */

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
static char *guard(const struct locator *lc, const struct hunkctx *hc,
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
static char *guard_ambiguous(const struct locator *lc, const struct hunkctx *hc,
			     const struct level *lv, const struct pattern *pre,
			     long guess, const struct hit *hit)
{
	struct hit other;

	if (!lv->fuzz)
		return NULL;
	other = search(lc, &lc->file, hc, pre, lv, guess, lc->min_pos,
		       hit->pos);
	if (!other.found)
		return NULL;
	return xstrfmt("ambiguous fuzzy match at %ld and %ld; refusing fuzzy "
		       "apply",
		       hit->pos + 1, other.pos + 1);
}

/* ---- the emitter: building res->out ---- */

static void emit(struct locator *lc, const char *p, size_t len, bool nl)
{
	struct strbuf *out = &lc->res->out;

	if (lc->need_nl)
		strbuf_addch(out, '\n');
	strbuf_add(out, p, len);
	lc->need_nl = !nl;
	if (nl)
		strbuf_addch(out, '\n');
	lc->out_lines++;
}

static void emit_file(struct locator *lc, long from, long to)
{
	for (long k = from; k < to; k++)
		emit(lc, lc->file.v[k].p, lc->file.v[k].len, lc->file.v[k].nl);
}

/* The k-th non-blank line before the end of `sb` (0: the last). */
static bool out_prev(const struct strbuf *sb, unsigned k, const char **p,
		     size_t *len)
{
	size_t e = sb->len;

	while (e > 0) {
		size_t le = e, s;

		if (sb->buf[le - 1] == '\n')
			le--;
		s = le;
		while (s > 0 && sb->buf[s - 1] != '\n')
			s--;
		for (size_t c = s; c < le; c++) {
			if (isspace((unsigned char)sb->buf[c]))
				continue;
			if (!k--) {
				*p = sb->buf + s;
				*len = le - s;
				return true;
			}
			break;
		}
		e = s;
	}
	return false;
}

static size_t lead_ws(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

static size_t rtrim_len(const char *p, size_t n)
{
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	return n;
}

static bool has_prefix(const char *p, size_t n, const char *pre)
{
	size_t l = strlen(pre);

	return n >= l && !memcmp(p, pre, l);
}

static bool has_suffix(const char *p, size_t n, const char *suf)
{
	size_t l = strlen(suf);

	return n >= l && !memcmp(p + n - l, suf, l);
}

/* Net '(' minus ')' outside string and character literals. */
static int paren_depth(const char *p, size_t n, long *last_open)
{
	int depth = 0;
	char q = 0;
	long stack[64];

	*last_open = -1;
	for (size_t i = 0; i < n; i++) {
		if (q) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == q)
				q = 0;
			continue;
		}
		if (p[i] == '"' || p[i] == '\'') {
			q = p[i];
		} else if (p[i] == '(') {
			if (depth >= 0 && depth < 64)
				stack[depth] = i;
			depth++;
		} else if (p[i] == ')') {
			depth--;
		}
	}
	if (depth > 0 && depth <= 64)
		*last_open = stack[depth - 1];
	return depth;
}

static bool is_braceless_control(const char *b, size_t n)
{
	if (has_prefix(b, n, "} "))
		b += 2, n -= 2;
	if (n == 4 && !memcmp(b, "else", 4))
		return true;
	if (!n || b[n - 1] != ')')
		return false;
	return word_at(b, n, "if") || word_at(b, n, "for") ||
	       word_at(b, n, "while") || has_prefix(b, n, "else if");
}

static void drop_one_level(struct strbuf *ind)
{
	if (ind->len && ind->buf[ind->len - 1] == '\t') {
		strbuf_setlen(ind, ind->len - 1);
		return;
	}
	for (int i = 0; i < 8 && ind->len && ind->buf[ind->len - 1] == ' '; i++)
		strbuf_setlen(ind, ind->len - 1);
}

/*
 * Guess the indentation of the stripped '+' line `t` from the lines
 * already written: the previous non-blank line, one tab more after '{'
 * or a braceless if/for/while/else, one less for '}', aligned after an
 * open parenthesis, back to the statement's start after a continuation,
 * comment bodies one space in, labels and preprocessor lines at column 0.
 */
static void guess_indent(struct strbuf *ind, const struct strbuf *out,
			 const char *t, size_t tn)
{
	const char *p, *b;
	size_t pn, iw, bn;
	unsigned stmt = 0;
	long open;
	int depth;

	strbuf_reset(ind);
	if (!tn || *t == '#' ||
	    (t[tn - 1] == ':' && !memchr(t, ' ', tn) &&
	     !has_prefix(t, tn, "default")))
		return;
	if (!out_prev(out, 0, &p, &pn))
		return;
	iw = lead_ws(p, pn);
	b = p + iw;
	bn = rtrim_len(b, pn - iw);
	strbuf_add(ind, p, iw);
	if (*b == '#')
		strbuf_reset(ind);
	if (has_prefix(b, bn, "/*") && !has_suffix(b, bn, "*/")) {
		if (*t == '*')
			strbuf_addch(ind, ' ');
		return;
	}
	if (*b == '*' && !has_prefix(b, bn, "*/") && !has_suffix(b, bn, "*/")) {
		return; /* inside a comment: same column */
	}
	if (*b == '*') {
		/* The comment closed: back to its opener's column. */
		if (ind->len && ind->buf[ind->len - 1] == ' ')
			strbuf_setlen(ind, ind->len - 1);
		goto close_brace;
	}
	depth = paren_depth(p, pn, &open);
	if (depth > 0 && open >= 0) {
		size_t col = 0;

		for (long c = 0; c <= open; c++)
			col = p[c] == '\t' ? (col + 8) & ~7UL : col + 1;
		strbuf_reset(ind);
		for (size_t c = 0; c < col / 8; c++)
			strbuf_addch(ind, '\t');
		for (size_t c = 0; c < col % 8; c++)
			strbuf_addch(ind, ' ');
		return;
	}
	if (bn && b[bn - 1] == '{') {
		if (*t != '}')
			strbuf_addch(ind, '\t');
		return;
	}
	if (is_braceless_control(b, bn)) {
		if (*t != '{')
			strbuf_addch(ind, '\t');
		return;
	}
	if (depth < 0) {
		/* End of a continuation: the statement's first line. */
		for (unsigned k = 1; k < 10 && depth < 0; k++) {
			const char *q;
			size_t qn;

			if (!out_prev(out, k, &q, &qn))
				break;
			depth += paren_depth(q, qn, &open);
			if (depth >= 0) {
				strbuf_reset(ind);
				strbuf_add(ind, q, lead_ws(q, qn));
				stmt = k;
			}
		}
	}
	if (bn && (b[bn - 1] == ';' || b[bn - 1] == '}')) {
		/* After the body of a braceless if/for/while/else. */
		const char *q;
		size_t qn;

		if (out_prev(out, stmt + 1, &q, &qn)) {
			size_t qw = lead_ws(q, qn);

			if (is_braceless_control(q + qw,
						 rtrim_len(q + qw, qn - qw)) &&
			    qw < ind->len) {
				strbuf_reset(ind);
				strbuf_add(ind, q, qw);
			}
		}
	}
close_brace:
	if (*t == '}')
		drop_one_level(ind);
}

static void add_repair(struct locate_hunk_result *hr, size_t line,
		       long out_line, enum locate_repair_how how,
		       const char *text, size_t len)
{
	struct locate_repair *r;

	ALLOC_GROW(hr->repairs, hr->repairs_nr + 1, hr->repairs_alloc);
	r = &hr->repairs[hr->repairs_nr++];
	r->line = line;
	r->out_line = out_line;
	r->how = how;
	r->text = xstrndup(text, len);
}

/*
 * The reference's lines for the new side of hunk lines [a, b): map
 * ref_map[hunk line] (or -1). Tries the level's context, then more fuzz.
 */
static bool ref_match(const struct locator *lc, const struct hunkctx *hc,
		      const struct level *lv, long *ref_map)
{
	for (unsigned fuzz = lv->fuzz; fuzz <= lc->opts->max_fuzz; fuzz++) {
		struct pattern post = PATTERN_INIT;
		struct level rl;
		struct hit hit;
		long *map;
		long guess;

		level_make(&rl, hc, fuzz, true);
		if (rl.a < lv->a)
			rl.a = lv->a;
		if (rl.b > lv->b)
			rl.b = lv->b;
		rl.astart = rl.aend = false;
		pattern_build(&post, hc, &rl, false);
		guess = (long)hc->h->new_start - 1 + new_before(hc, rl.a);
		hit = post.n && post.nontrivial ?
			      search(lc, &lc->ref, hc, &post, &rl, guess, 0,
				     -1) :
			      (struct hit){ false, 0, 0, 0 };
		if (hit.found) {
			long end;

			map = xcalloc(post.n + 1, sizeof(*map));
			match_at(&lc->ref, hc, &post, &rl, hit.pos, map, &end);
			for (size_t i = 0; i < post.n; i++)
				ref_map[post.idx[i]] = map[i];
			free(map);
		}
		pattern_release(&post);
		if (hit.found)
			return true;
	}
	return false;
}

/*
 * A '+' line of a damaged hunk whose only exact copy in the reference is
 * unambiguous (every line equal to it ignoring whitespace has the same
 * bytes): its index there, or -1.
 */
static long ref_unique(const struct locator *lc, const struct pline *x)
{
	long found = -1;

	for (long k = 0; k < (long)lc->ref.nr; k++) {
		const struct fline *r = &lc->ref.v[k];

		if (!fline_eq(r, x->norm, x->nlen))
			continue;
		if (found >= 0 && (lc->ref.v[found].len != r->len ||
				   memcmp(lc->ref.v[found].p, r->p, r->len)))
			return -1;
		found = k;
	}
	return found;
}

static void emit_added(struct locator *lc, struct locate_hunk_result *hr,
		       const struct hunkctx *hc, size_t i, long ref_line)
{
	const struct patch_line *l = hc->pl[i].l;
	struct strbuf line = STRBUF_INIT;
	struct strbuf ind = STRBUF_INIT;
	size_t iw, n;

	if (!hc->damaged) {
		emit(lc, l->text, l->len, !l->no_newline);
		return;
	}
	if (ref_line < 0 && lc->have_ref && !hc->pl[i].blank)
		ref_line = ref_unique(lc, &hc->pl[i]);
	if (ref_line >= 0) {
		const struct fline *r = &lc->ref.v[ref_line];

		emit(lc, r->p, r->len, !l->no_newline);
		add_repair(hr, i, lc->out_lines, REPAIR_FROM_REFERENCE, r->p,
			   r->len);
		return;
	}
	iw = lead_ws(l->text, l->len);
	n = rtrim_len(l->text + iw, l->len - iw);
	if (n) {
		guess_indent(&ind, &lc->res->out, l->text + iw, n);
		strbuf_addbuf(&line, &ind);
	}
	strbuf_add(&line, l->text + iw, n);
	emit(lc, line.buf, line.len, !l->no_newline);
	if (n)
		add_repair(hr, i, lc->out_lines, REPAIR_FROM_NEIGHBOURS,
			   line.buf, line.len);
	strbuf_release(&line);
	strbuf_release(&ind);
}

/*
 * Write the hunk matched at [start, end) (old-side map `map` for the
 * pattern `pre`): the file before it, then its new side. Old lines come
 * from the file; in whitespace mode, blank lines the hunk did not list
 * stay, before the next old line. With a reference match, the blank
 * lines of changed stretches come from the reference.
 */
static void emit_hunk(struct locator *lc, struct locate_hunk_result *hr,
		      const struct hunkctx *hc, const struct level *lv,
		      const struct pattern *pre, const long *map, long start,
		      long end)
{
	long *fmap = xcalloc(hc->h->nr + 1, sizeof(*fmap));
	long *rmap = xcalloc(hc->h->nr + 1, sizeof(*rmap));
	bool use_ref = false, changed = false;
	long fcur = start, rcur = -1;

	for (size_t i = 0; i < hc->h->nr; i++)
		fmap[i] = rmap[i] = -1;
	for (size_t i = 0; i < pre->n; i++)
		fmap[pre->idx[i]] = map[i];
	if (hc->damaged && lc->have_ref)
		use_ref = ref_match(lc, hc, lv, rmap);

	emit_file(lc, lc->fpos, start);
	hr->out_pos = lc->out_lines + 1;
	for (size_t i = lv->a; i < lv->b; i++) {
		const struct pline *x = &hc->pl[i];
		long k = fmap[i], r = rmap[i];

		if (x->kind == PATCH_LINE_ADD) {
			if (use_ref && x->blank)
				continue;
			if (use_ref && r >= 0) {
				if (rcur < 0)
					rcur = r;
				for (; rcur < r; rcur++)
					if (!lc->ref.v[rcur].nlen)
						emit(lc, lc->ref.v[rcur].p,
						     lc->ref.v[rcur].len, true);
				rcur = r + 1;
			}
			emit_added(lc, hr, hc, i, use_ref ? r : -1);
			changed = true;
			continue;
		}
		if (k < 0)
			continue;
		if (x->kind == PATCH_LINE_DEL) {
			if (!use_ref)
				emit_file(lc, fcur, k);
			fcur = k + 1;
			changed = true;
			continue;
		}
		if (use_ref && changed && r >= 0 && rcur >= 0) {
			for (; rcur < r; rcur++)
				if (!lc->ref.v[rcur].nlen)
					emit(lc, lc->ref.v[rcur].p,
					     lc->ref.v[rcur].len, true);
		} else {
			emit_file(lc, fcur, k);
		}
		emit_file(lc, k, k + 1);
		fcur = k + 1;
		if (r >= 0)
			rcur = r + 1;
		changed = false;
	}
	if (fcur < end)
		emit_file(lc, fcur, end);
	lc->fpos = end;
	for (size_t i = 0; i < pre->n; i++)
		if (hc->pl[pre->idx[i]].kind == PATCH_LINE_DEL)
			lc->removed[map[i]] = true;
	free(fmap);
	free(rmap);
}

/* ---- why a hunk failed ---- */

/*
 * Find the best partial match of the whole old side (most matching
 * lines, non-trivial ones counting double, nearest first) and say where
 * and what differs, or that the context is nowhere.
 */
static void explain_failure(struct locator *lc, struct locate_hunk_result *hr,
			    const struct hunkctx *hc, bool ws, long guess)
{
	struct level lv = { 0, ws, 0, hc->h->nr, false, false };
	struct pattern pre = PATTERN_INIT;
	const struct ftext *f = &lc->file;
	long best = -1, best_score = 0, best_dist = 0;
	long bad_i = -1, bad_k = -1;
	bool best_real = false;

	pattern_build(&pre, hc, &lv, true);
	for (long p = lc->min_pos; p < (long)f->nr; p++) {
		long k = p, score = 0, mi = -1, mk = -1;
		bool real = false;
		long dist = labs(p - guess);

		for (size_t i = 0; i < pre.n; i++) {
			const struct pline *x = &hc->pl[pre.idx[i]];

			if (ws && i > 0 && !x->blank)
				while (k < (long)f->nr && !f->v[k].nlen)
					k++;
			if (k >= (long)f->nr)
				break;
			if (line_eq(&f->v[k], x, ws)) {
				score += x->trivial ? 1 : 2;
				real |= !x->trivial;
			} else if (mi < 0) {
				mi = i;
				mk = k;
			}
			k++;
		}
		if (score > best_score ||
		    (score == best_score && best >= 0 && dist < best_dist)) {
			best = p;
			best_score = score;
			best_dist = dist;
			bad_i = mi;
			bad_k = mk;
			best_real = real;
		}
	}
	if (best < 0 || !best_real || bad_i < 0) {
		hr->reason = xstrdup(
			hc->ws_only ? "context not found; the change is "
				      "whitespace only and cannot be matched "
				      "ignoring whitespace" :
				      "context not found");
		hr->pos = guess + 1;
	} else {
		const struct pline *x = &hc->pl[pre.idx[bad_i]];
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "lines differ at %ld: expected ", bad_k + 1);
		add_quoted(&sb, x->norm, x->nlen);
		strbuf_addstr(&sb, " found ");
		add_quoted(&sb, f->v[bad_k].norm, f->v[bad_k].nlen);
		hr->reason = strbuf_detach(&sb, NULL);
		hr->pos = best + 1;
	}
	pattern_release(&pre);
}

/* ---- one hunk ---- */

static void hunkctx_init(struct hunkctx *hc, const struct patch_hunk *h,
			 size_t hi)
{
	hc->hi = hi;
	hc->h = h;
	hc->pl = xcalloc(h->nr + 1, sizeof(*hc->pl));
	hc->damaged = h->damage &
		      (DAMAGE_INDENT_LOST | DAMAGE_BLANKS_COLLAPSED |
		       DAMAGE_CONTEXT_MARKER_LOST);
	hc->base = h->old_count ? (long)h->old_start - 1 : (long)h->old_start;
	for (size_t i = 0; i < h->nr; i++) {
		struct pline *x = &hc->pl[i];

		x->l = &h->lines[i];
		x->kind = h->lines[i].kind;
		x->norm = ws_normalize(x->l->text, x->l->len, &x->nlen);
		x->blank = !x->nlen;
		x->trivial = x->blank || line_is_trivial(x->norm, x->nlen);
	}
	/* Whitespace-only change: both sides equal once normalised. */
	{
		struct level lv = { 0, true, 0, h->nr, false, false };
		struct pattern a = PATTERN_INIT, b = PATTERN_INIT;

		pattern_build(&a, hc, &lv, true);
		pattern_build(&b, hc, &lv, false);
		hc->ws_only = a.n == b.n;
		for (size_t i = 0; hc->ws_only && i < a.n; i++) {
			const struct pline *x = &hc->pl[a.idx[i]];
			const struct pline *y = &hc->pl[b.idx[i]];

			hc->ws_only = x->nlen == y->nlen &&
				      !memcmp(x->norm, y->norm, x->nlen);
		}
		pattern_release(&a);
		pattern_release(&b);
	}
}

static void hunkctx_release(struct hunkctx *hc)
{
	for (size_t i = 0; i < hc->h->nr; i++)
		free(hc->pl[i].norm);
	free(hc->pl);
}

static void set_applied_status(struct locate_hunk_result *hr,
			       const struct hunkctx *hc)
{
	if (hr->whitespace || hc->damaged)
		hr->status = HUNK_WHITESPACE;
	else if (hr->fuzz)
		hr->status = HUNK_FUZZ;
	else if (hr->offset)
		hr->status = HUNK_OFFSET;
	else
		hr->status = HUNK_APPLIED;
	hr->whitespace = hr->whitespace || hc->damaged;
	if (hr->status == HUNK_FUZZ)
		hr->reason = xstrfmt("%u context line(s) ignored at each end",
				     hr->fuzz);
	else if (hr->status == HUNK_WHITESPACE)
		hr->reason = xstrdup(
			hc->damaged ?
				"matched ignoring whitespace; indentation "
				"of added lines rebuilt" :
				"matched ignoring whitespace");
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
static char *guard_scope(const struct locator *lc, const struct hunkctx *hc,
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
static bool out_of_scope(const struct locator *lc, const struct hunkctx *hc,
			 long start)
{
	char *why = guard_scope(lc, hc, start, "");
	bool out = why != NULL;

	free(why);
	return out;
}

/* Apply the match of the old side, or refuse it. */
static void take_pre(struct locator *lc, struct locate_hunk_result *hr,
		     const struct hunkctx *hc, const struct level *lv,
		     const struct pattern *pre, const struct hit *hit,
		     long expected, long guess)
{
	long *map = xcalloc(pre->n + 1, sizeof(*map));
	char *why = NULL;
	long end;

	match_at(&lc->file, hc, pre, lv, hit->pos, map, &end);
	hr->pos = hit->pos + 1;
	hr->offset = hit->pos - expected;
	hr->fuzz = lv->fuzz;
	hr->whitespace = lv->ws;
	if (lv->fuzz || lv->ws || hr->offset || hc->damaged)
		why = guard_ambiguous(lc, hc, lv, pre, guess, hit);
	if (!why && (lv->fuzz || lv->ws || hr->offset || hc->damaged))
		why = guard(lc, hc, lv, pre, map, hit->pos, end);
	if (!why && (lv->fuzz || lv->ws || hr->offset || hc->damaged))
		why = guard_scope(lc, hc, hit->pos - old_before(hc, lv->a),
				  lv->fuzz ? "fuzzy" : "inexact");
	if (why) {
		hr->status = HUNK_FAILED;
		hr->reason = why;
		hr->out_pos = lc->out_lines + (hit->pos - lc->fpos) + 1;
		free(map);
		return;
	}
	set_applied_status(hr, hc);
	emit_hunk(lc, hr, hc, lv, pre, map, hit->pos, end);
	lc->min_pos = end;
	lc->last_offset = hr->offset;
	free(map);
}

/* Does the hunk remove any line? */
static bool removes_lines(const struct hunkctx *hc)
{
	for (size_t i = 0; i < hc->h->nr; i++)
		if (hc->pl[i].kind == PATCH_LINE_DEL)
			return true;
	return false;
}

/* Does the hunk add a line that is not trivial? */
static bool adds_code(const struct hunkctx *hc)
{
	for (size_t i = 0; i < hc->h->nr; i++)
		if (hc->pl[i].kind == PATCH_LINE_ADD && !hc->pl[i].trivial)
			return true;
	return false;
}

static void locate_hunk(struct locator *lc, struct locate_hunk_result *hr,
			const struct hunkctx *hc)
{
	bool modes[2] = { !hc->damaged,
			  (hc->damaged || lc->opts->ignore_whitespace) &&
				  !hc->ws_only };
	unsigned max_fuzz = lc->opts->max_fuzz;
	struct level prev[2];
	bool have_prev[2] = { false, false };
	long guess0 = hc->base + lc->last_offset;

	for (unsigned fuzz = 0; fuzz <= max_fuzz; fuzz++) {
		for (int m = 0; m < 2; m++) {
			struct pattern pre = PATTERN_INIT, post = PATTERN_INIT;
			struct hit ph = { false, 0, 0, 0 }, qh = ph;
			struct level lv;
			long expected, guess;
			bool decided = true, post_first;

			if (!modes[m])
				continue;
			level_make(&lv, hc, fuzz, m == 1);
			if (have_prev[m] && prev[m].a == lv.a &&
			    prev[m].b == lv.b && prev[m].astart == lv.astart &&
			    prev[m].aend == lv.aend)
				continue;
			prev[m] = lv;
			have_prev[m] = true;
			pattern_build(&pre, hc, &lv, true);
			pattern_build(&post, hc, &lv, false);
			expected = hc->base + old_before(hc, lv.a);
			guess = guess0 + old_before(hc, lv.a);
			if (!fuzz || pre.nontrivial)
				ph = search(lc, &lc->file, hc, &pre, &lv, guess,
					    lc->min_pos, -1);
			if (post.n && (!fuzz || post.nontrivial))
				qh = search(lc, &lc->file, hc, &post, &lv,
					    guess, lc->min_pos, -1);
			/*
			 * For a hunk that only adds code, its pre-image is
			 * bare context (a table's entries look alike): its
			 * post-image, with the lines it adds, says more.
			 */
			post_first =
				ph.found && qh.found && !removes_lines(hc) &&
				adds_code(hc) &&
				qh.dist <= ph.dist + (long)hc->h->new_count &&
				!out_of_scope(lc, hc,
					      qh.pos - new_before(hc, lv.a));
			if (!post_first && ph.found &&
			    (!qh.found || (pre.n && !ph.dist))) {
				take_pre(lc, hr, hc, &lv, &pre, &ph, expected,
					 guess);
			} else if (qh.found &&
				   (post_first || !ph.found || !pre.n ||
				    !qh.dist ||
				    (ph.pos >= qh.pos && ph.pos < qh.end)) &&
				   (!qh.dist ||
				    !out_of_scope(lc, hc,
						  qh.pos - new_before(hc,
								      lv.a)))) {
				/*
				 * The post-image is there; a pre-image found
				 * inside it is only its own context (a hunk
				 * that adds lines, matched with fuzz).
				 */
				hr->status = HUNK_ALREADY_APPLIED;
				hr->pos = qh.pos + 1;
				hr->offset = qh.pos - expected;
				hr->fuzz = fuzz;
				hr->whitespace = lv.ws || hc->damaged;
				hr->out_pos =
					lc->out_lines + (qh.pos - lc->fpos) + 1;
				hr->reason = xstrfmt(
					"post-image found at %ld%s%s",
					qh.pos + 1, fuzz ? " with fuzz" : "",
					lv.ws ? ", ignoring whitespace" : "");
				lc->min_pos = qh.end;
				/*
				 * The file is in the patch's new numbering
				 * from here on: the next hunk is that much
				 * further.
				 */
				lc->last_offset = hr->offset +
						  (long)hc->h->new_count -
						  (long)hc->h->old_count;
			} else if (ph.found && !adds_code(hc) &&
				   ph.dist < qh.dist) {
				/*
				 * A hunk that only removes: its post-image is
				 * bare context, which proves little, and the
				 * code it removes is here, nearer its place.
				 */
				take_pre(lc, hr, hc, &lv, &pre, &ph, expected,
					 guess);
			} else if (ph.found) {
				hr->status = HUNK_FAILED;
				hr->pos = ph.pos + 1;
				hr->offset = ph.pos - expected;
				hr->out_pos =
					lc->out_lines + (ph.pos - lc->fpos) + 1;
				hr->reason = xstrfmt(
					"ambiguous: pre-image at %ld, post-image "
					"at %ld",
					ph.pos + 1, qh.pos + 1);
			} else {
				decided = false;
			}
			pattern_release(&pre);
			pattern_release(&post);
			if (decided)
				return;
		}
	}
	hr->status = HUNK_FAILED;
	explain_failure(lc, hr, hc, modes[1],
			guess0 < lc->min_pos ? lc->min_pos : guess0);
	hr->offset = hr->pos - 1 - hc->base;
	{
		long p = hr->pos - 1 < lc->fpos ? lc->fpos : hr->pos - 1;

		hr->out_pos = lc->out_lines + (p - lc->fpos) + 1;
	}
}

/* ---- the API ---- */

void locate_opts_init(struct locate_opts *o)
{
	struct locate_opts blank = LOCATE_OPTS_INIT;

	*o = blank;
}

void locate_result_init(struct locate_result *res)
{
	struct locate_result blank = LOCATE_RESULT_INIT;

	*res = blank;
}

void locate_result_release(struct locate_result *res)
{
	for (size_t i = 0; i < res->nr; i++) {
		struct locate_hunk_result *hr = &res->hunks[i];

		for (size_t j = 0; j < hr->repairs_nr; j++)
			free(hr->repairs[j].text);
		free(hr->repairs);
		free(hr->reason);
	}
	free(res->hunks);
	strbuf_release(&res->out);
	locate_result_init(res);
}

int locate_apply(struct locate_result *res, const struct patch_file *pf,
		 const char *buf, size_t len, const struct locate_opts *opts)
{
	struct locate_opts defaults = LOCATE_OPTS_INIT;
	struct locator lc = { 0 };
	const char *path = pf->new_path ? pf->new_path : pf->old_path;
	int ret = 0;

	locate_result_release(res);
	if (!path)
		path = "(unnamed)";
	if (memchr(buf, '\0', len))
		return error_set("cannot patch '%s': binary content", path);
	for (size_t i = 0; i < pf->nr; i++)
		if (!pf->hunks[i].nr)
			return error_set("cannot patch '%s': hunk %zu has no "
					 "lines",
					 path, i + 1);

	lc.pf = pf;
	lc.opts = opts ? opts : &defaults;
	lc.res = res;
	ftext_split(&lc.file, buf, len);
	lc.view.v = xcalloc(lc.file.nr + 1, sizeof(*lc.view.v));
	lc.view.nr = lc.view.alloc = lc.file.nr;
	for (size_t i = 0; i < lc.file.nr; i++) {
		lc.view.v[i].p = lc.file.v[i].p;
		lc.view.v[i].len = lc.file.v[i].len;
		lc.view.v[i].norm = lc.file.v[i].norm;
		lc.view.v[i].nlen = lc.file.v[i].nlen;
	}
	lc.scoped = ends_with(path, ".c") || ends_with(path, ".h");
	if (lc.opts->reference) {
		ftext_split(&lc.ref, lc.opts->reference,
			    lc.opts->reference_len);
		lc.have_ref = true;
	}
	lc.removed = xcalloc(lc.file.nr + 1, sizeof(*lc.removed));
	res->hunks = xcalloc(pf->nr + 1, sizeof(*res->hunks));
	res->nr = pf->nr;

	for (size_t i = 0; i < pf->nr; i++) {
		struct hunkctx hc;

		hunkctx_init(&hc, &pf->hunks[i], i);
		locate_hunk(&lc, &res->hunks[i], &hc);
		hunkctx_release(&hc);
		switch (res->hunks[i].status) {
		case HUNK_FAILED:
			res->failed_nr++;
			break;
		case HUNK_ALREADY_APPLIED:
			res->already_nr++;
			break;
		default:
			res->applied_nr++;
		}
	}
	emit_file(&lc, lc.fpos, lc.file.nr);
	if (res->already_nr == res->nr && res->nr)
		res->presence = LOCATE_PRESENT_ALL;
	else if (res->already_nr)
		res->presence = LOCATE_PRESENT_SOME;

	free(lc.removed);
	free(lc.view.v);
	ftext_release(&lc.file);
	ftext_release(&lc.ref);
	return ret;
}

bool locate_is_clean(const struct locate_result *res)
{
	for (size_t i = 0; i < res->nr; i++)
		if (res->hunks[i].status != HUNK_APPLIED)
			return false;
	return true;
}

const char *locate_status_name(enum locate_hunk_status status)
{
	switch (status) {
	case HUNK_APPLIED:
		return "applied";
	case HUNK_OFFSET:
		return "offset";
	case HUNK_FUZZ:
		return "fuzz";
	case HUNK_WHITESPACE:
		return "whitespace";
	case HUNK_ALREADY_APPLIED:
		return "already-applied";
	case HUNK_FAILED:
		return "failed";
	}
	return "unknown";
}

void locate_rej_hunk(struct strbuf *out, const struct patch_hunk *h)
{
	unsigned old_n = 0, new_n = 0;
	unsigned old_s = h->old_start, new_s = h->new_start;

	for (size_t i = 0; i < h->nr; i++) {
		old_n += is_old_side(h->lines[i].kind);
		new_n += is_new_side(h->lines[i].kind);
	}
	if (!old_n && old_s)
		old_s = h->old_count ? old_s - 1 : old_s;
	if (!new_n && new_s)
		new_s = h->new_count ? new_s - 1 : new_s;
	strbuf_addf(out, "@@ -%u,%u +%u,%u @@", old_s, old_n, new_s, new_n);
	if (h->section)
		strbuf_addf(out, " %s", h->section);
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];

		strbuf_addch(out, l->kind);
		strbuf_add(out, l->text, l->len);
		strbuf_addch(out, '\n');
		if (l->no_newline)
			strbuf_addstr(out, "\\ No newline at end of file\n");
	}
}

void locate_rej_file(struct strbuf *out, const struct patch_file *pf,
		     const struct locate_result *res)
{
	bool header = false;

	for (size_t i = 0; i < pf->nr && i < res->nr; i++) {
		if (res->hunks[i].status != HUNK_FAILED)
			continue;
		if (!header) {
			strbuf_addf(out, "--- a/%s\n+++ b/%s\n",
				    pf->old_path ? pf->old_path : pf->new_path,
				    pf->new_path ? pf->new_path : pf->old_path);
			header = true;
		}
		locate_rej_hunk(out, &pf->hunks[i]);
	}
}
