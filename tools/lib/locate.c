// SPDX-License-Identifier: GPL-2.0
/*
 * locate: the hunk locator and file patcher of `backport apply`. Finds
 * where each hunk of one patch_file lands in a file (exact, offset, fuzz,
 * ignoring whitespace), tells already-applied hunks apart, refuses fuzzy
 * matches that would apply a change a second time, and builds the new
 * content. See locate.h for the rules.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/emit.h"
#include "lib/guard.h"
#include "lib/locate.h"
#include "lib/locate-internal.h"
#include "lib/patch.h"
#include "util/error.h"
#include "util/lines.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define QUOTE_MAX 60 /* longest line quoted in a reason */

static void ftext_split(struct ftext *t, const char *buf, size_t len)
{
	size_t i = 0, lines = 1, off = 0;

	for (const char *q = buf; (q = memchr(q, '\n', buf + len - q)); q++)
		lines++;
	/* A norm is never longer than its line: one block for them all. */
	t->norms = xmalloc(len + lines + 1);
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - buf) : len;
		struct fline *l;

		ALLOC_GROW(t->v, t->nr + 1, t->alloc);
		l = &t->v[t->nr++];
		l->p = buf + i;
		l->len = e - i;
		l->nl = nl != NULL;
		l->norm = t->norms + off;
		l->nlen = ws_normalize_into(l->norm, l->p, l->len);
		off += l->nlen + 1;
		l->trivial = line_is_trivial(l->norm, l->nlen);
		i = nl ? e + 1 : len;
	}
}

static void ftext_release(struct ftext *t)
{
	free(t->norms);
	free(t->v);
	t->v = NULL;
	t->norms = NULL;
	t->nr = t->alloc = 0;
}

void pattern_release(struct pattern *p)
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

/*
 * The lines of one side within [lv->a, lv->b). In whitespace mode, blank
 * context lines (and blank '+' lines) are left out: the file's blank
 * lines are skipped between matched lines instead.
 */
void pattern_build(struct pattern *pat, const struct hunkctx *hc,
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
bool pattern_match_at(const struct ftext *f, const struct hunkctx *hc,
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
struct hit pattern_search(const struct locator *lc, const struct ftext *f,
			  const struct hunkctx *hc, const struct pattern *pat,
			  const struct level *lv, long guess, long lo,
			  long not )
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
			if (!pattern_match_at(f, hc, pat, lv, p, NULL, &end))
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
void level_make(struct level *lv, const struct hunkctx *hc, unsigned fuzz,
		bool ws)
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
		hr->differs_at = bad_k + 1;
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

/* Apply the match of the old side, or refuse it. */
static void take_pre(struct locator *lc, struct locate_hunk_result *hr,
		     const struct hunkctx *hc, const struct level *lv,
		     const struct pattern *pre, const struct hit *hit,
		     long expected, long guess)
{
	long *map = xcalloc(pre->n + 1, sizeof(*map));
	char *why = NULL;
	long end;

	pattern_match_at(&lc->file, hc, pre, lv, hit->pos, map, &end);
	hr->pos = hit->pos + 1;
	hr->offset = hit->pos - expected;
	hr->fuzz = lv->fuzz;
	hr->whitespace = lv->ws;
	if (lv->fuzz || lv->ws || hr->offset || hc->damaged)
		why = guard_ambiguous(lc, hc, lv, pre, guess, hit);
	if (!why && (lv->fuzz || lv->ws || hr->offset || hc->damaged))
		why = guard_duplicate(lc, hc, lv, pre, map, hit->pos, end);
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
				ph = pattern_search(lc, &lc->file, hc, &pre,
						    &lv, guess, lc->min_pos,
						    -1);
			if (post.n && (!fuzz || post.nontrivial))
				qh = pattern_search(lc, &lc->file, hc, &post,
						    &lv, guess, lc->min_pos,
						    -1);
			/*
			 * For a hunk that only adds code, its pre-image is
			 * bare context (a table's entries look alike): its
			 * post-image, with the lines it adds, says more.
			 */
			post_first =
				ph.found && qh.found && !removes_lines(hc) &&
				adds_code(hc) &&
				qh.dist <= ph.dist + (long)hc->h->new_count &&
				!guard_out_of_scope(
					lc, hc, qh.pos - new_before(hc, lv.a));
			if (!post_first && ph.found &&
			    (!qh.found || (pre.n && !ph.dist))) {
				take_pre(lc, hr, hc, &lv, &pre, &ph, expected,
					 guess);
			} else if (qh.found &&
				   (post_first || !ph.found || !pre.n ||
				    !qh.dist ||
				    (ph.pos >= qh.pos && ph.pos < qh.end)) &&
				   (!qh.dist ||
				    !guard_out_of_scope(
					    lc, hc,
					    qh.pos - new_before(hc, lv.a)))) {
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
