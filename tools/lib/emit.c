// SPDX-License-Identifier: GPL-2.0
/*
 * emit: the emitter of the hunk locator, building res->out: the file's
 * lines up to each hunk that landed, then its new side, with the '+'
 * lines of a damaged hunk rebuilt. See emit.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/emit.h"
#include "lib/locate-internal.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

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

void emit_file(struct locator *lc, long from, long to)
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
			      pattern_search(lc, &lc->ref, hc, &post, &rl,
					     guess, 0, -1) :
			      (struct hit){ false, 0, 0, 0 };
		if (hit.found) {
			long end;

			map = xcalloc(post.n + 1, sizeof(*map));
			pattern_match_at(&lc->ref, hc, &post, &rl, hit.pos, map,
					 &end);
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
void emit_hunk(struct locator *lc, struct locate_hunk_result *hr,
	       const struct hunkctx *hc, const struct level *lv,
	       const struct pattern *pre, const long *map, long start, long end)
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
