// SPDX-License-Identifier: GPL-2.0
/*
 * presence: a hunk's change found by content in its function. See
 * presence.h.
 */
#include <stdlib.h>
#include <string.h>

#include "patch.h"
#include "presence.h"
#include "scope.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* The lines of one side of a hunk that count, normalised. */
struct wanted {
	struct line *v;
	size_t nr, alloc;
};

bool presence_line_counts(const char *norm, size_t nlen)
{
	return nlen && !line_is_trivial(norm, nlen);
}

void presence_release(struct presence *r)
{
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

static void wanted_release(struct wanted *w)
{
	for (size_t i = 0; i < w->nr; i++)
		free(w->v[i].norm);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

static bool holds(const struct wanted *w, const struct line *l)
{
	for (size_t i = 0; i < w->nr; i++)
		if (w->v[i].nlen == l->nlen &&
		    !memcmp(w->v[i].norm, l->norm, l->nlen))
			return true;
	return false;
}

/* The counting lines of `h` of `kind`, in order. */
static void collect(struct wanted *w, const struct patch_hunk *h, char kind)
{
	for (size_t i = 0; i < h->nr; i++) {
		struct line l;

		if (h->lines[i].kind != kind)
			continue;
		l.p = h->lines[i].text;
		l.len = h->lines[i].len;
		l.norm = ws_normalize(l.p, l.len, &l.nlen);
		if (!presence_line_counts(l.norm, l.nlen)) {
			free(l.norm);
			continue;
		}
		ALLOC_GROW(w->v, w->nr + 1, w->alloc);
		w->v[w->nr++] = l;
	}
}

/* Keep in `w` only the lines `other` does not hold. */
static void keep_unshared(struct wanted *w, const struct wanted *other)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nr; i++) {
		if (holds(other, &w->v[i]))
			free(w->v[i].norm);
		else
			w->v[n++] = w->v[i];
	}
	w->nr = n;
}

/* The counting lines of `kind` of every hunk of `p` but `h`. */
static void collect_others(struct wanted *w, const struct patch *p,
			   const struct patch_hunk *h, char kind)
{
	for (size_t f = 0; p && f < p->nr; f++)
		for (size_t i = 0; i < p->files[f].nr; i++)
			if (&p->files[f].hunks[i] != h)
				collect(w, &p->files[f].hunks[i], kind);
}

/* Drop from `a` and `b` the lines both hold: moved, not changed. */
static void drop_common(struct wanted *a, struct wanted *b)
{
	struct wanted orig_b = { 0 };

	for (size_t i = 0; i < b->nr; i++) {
		struct line l = b->v[i];

		l.norm = xstrdup(b->v[i].norm);
		ALLOC_GROW(orig_b.v, orig_b.nr + 1, orig_b.alloc);
		orig_b.v[orig_b.nr++] = l;
	}
	keep_unshared(b, a);
	keep_unshared(a, &orig_b);
	wanted_release(&orig_b);
}

static bool same(const struct line *x, const struct line *y)
{
	return x->nlen == y->nlen && !memcmp(x->norm, y->norm, x->nlen);
}

/*
 * Find `w`'s lines in order in f [from, to]; pos[i] gets each line's
 * place or -1. Returns how many were found.
 */
static size_t in_order(long *pos, const struct wanted *w, const struct lines *f,
		       long from, long to)
{
	size_t found = 0;
	long k = from;

	for (size_t i = 0; i < w->nr; i++) {
		long at = -1;

		for (long j = k; j <= to; j++)
			if (same(&f->v[j], &w->v[i])) {
				at = j;
				break;
			}
		pos[i] = at;
		if (at >= 0) {
			found++;
			k = at + 1;
		}
	}
	return found;
}

/* The first of `w`'s lines standing in f [from, to], or -1. */
static long any_in(const struct wanted *w, const struct lines *f, long from,
		   long to)
{
	for (long j = from; j <= to; j++)
		for (size_t i = 0; i < w->nr; i++)
			if (same(&f->v[j], &w->v[i]))
				return j;
	return -1;
}

struct region {
	long from, to; /* 0-based, inclusive */
};

struct regions {
	struct region *v;
	size_t nr, alloc;
};

static void add_region(struct regions *rs, long from, long to)
{
	for (size_t i = 0; i < rs->nr; i++)
		if (rs->v[i].from == from && rs->v[i].to == to)
			return;
	ALLOC_GROW(rs->v, rs->nr + 1, rs->alloc);
	rs->v[rs->nr].from = from;
	rs->v[rs->nr].to = to;
	rs->nr++;
}

/* Definitions the hunk's new side starts (a hunk can span several). */
static unsigned heads_in(const struct patch_hunk *h)
{
	unsigned n = 0;

	for (size_t i = 0; i < h->nr; i++)
		if (h->lines[i].kind != PATCH_LINE_DEL &&
		    scope_is_head(h->lines[i].text, h->lines[i].len))
			n++;
	return n;
}

/* The next head after line `k`, or -1. */
static long next_head(const struct lines *f, long k)
{
	for (long j = k + 1; j < (long)f->nr; j++)
		if (scope_is_head(f->v[j].p, f->v[j].len))
			return j;
	return -1;
}

/* From the definition at `head` on, through `extra` more definitions. */
static long extend(const struct lines *f, long head, unsigned extra)
{
	long end = head >= 0 ? scope_end(f, head) : -1;

	if (head < 0) {
		long first = next_head(f, -1);

		end = first < 0 ? (long)f->nr - 1 : first - 1;
	}
	while (extra--) {
		long n = next_head(f, end);

		if (n < 0)
			break;
		end = scope_end(f, n);
	}
	return end;
}

/* Where the hunk's function can be: by its header, else by context. */
static void find_regions(struct regions *rs, const struct patch_hunk *h,
			 const struct lines *f, const struct wanted *ctx,
			 unsigned flags)
{
	unsigned extra = heads_in(h);
	const char *sec = h->section;
	long best = -1;
	size_t best_count = 0;

	if (!f->nr)
		return;
	if (sec && *sec) {
		for (long k = scope_find(f, sec, 0); k >= 0;
		     k = scope_find(f, sec, k + 1))
			add_region(rs, k, extend(f, k, extra));
	} else {
		add_region(rs, 0, extend(f, -1, extra));
	}
	/*
	 * A definition whose head the hunk itself shows before its change,
	 * or changes first (its header names the one before): that one
	 * too, wherever the file has it now.
	 */
	for (size_t i = 0, seen = 0, changed = 0; i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];
		char *head;

		if (l->kind != PATCH_LINE_CONTEXT)
			changed = 1;
		else if (changed)
			break;
		if (!scope_is_head(l->text, l->len))
			continue;
		seen += l->kind != PATCH_LINE_DEL;
		head = xstrndup(l->text, l->len);
		for (long k = scope_find(f, head, 0); k >= 0;
		     k = scope_find(f, head, k + 1))
			add_region(rs, k, extend(f, k, extra - seen));
		free(head);
	}
	/*
	 * A header names the function: when the file has none of that
	 * name, context lines (initialisers, error paths) would only find
	 * some other one.
	 */
	if (rs->nr || (flags & PRESENCE_BY_NAME) || (sec && *sec))
		return;
	/* The rarest context line the file holds anchors the function. */
	for (size_t i = 0; i < ctx->nr; i++) {
		size_t count = 0;

		for (long j = 0; j < (long)f->nr; j++)
			count += same(&f->v[j], &ctx->v[i]);
		if (count && (!best_count || count < best_count)) {
			best = i;
			best_count = count;
		}
	}
	if (best < 0 || best_count > 4)
		return;
	for (long j = 0; j < (long)f->nr; j++) {
		long git, gnu;

		if (!same(&f->v[j], &ctx->v[best]))
			continue;
		scope_before(f, j, &git, &gnu);
		add_region(rs, git < 0 ? 0 : git, extend(f, git, extra));
	}
}

/*
 * The most of `w`'s lines standing in order in f [from, to] with at most
 * `gap` other lines between two of them; *first and *last where.
 */
static size_t close_run(const struct wanted *w, const struct lines *f,
			long from, long to, long gap, long *first, long *last)
{
	size_t best = 0;

	for (size_t start = 0; start < w->nr; start++) {
		for (long s = from; s <= to; s++) {
			size_t n = 1;
			long prev = s;

			if (!same(&f->v[s], &w->v[start]))
				continue;
			for (size_t i = start + 1; i < w->nr; i++)
				for (long j = prev + 1;
				     j <= to && j - prev <= gap; j++)
					if (same(&f->v[j], &w->v[i])) {
						prev = j;
						n++;
						break;
					}
			if (n > best) {
				best = n;
				*first = s;
				*last = prev;
			}
		}
	}
	return best;
}

/*
 * Judge one region. Returns the state; *at / *still / *found as
 * presence.h says.
 */
static enum presence_state judge(const struct patch_hunk *h,
				 const struct lines *f, const struct region *rg,
				 const struct wanted *add,
				 const struct wanted *del,
				 const struct wanted *ctx, long *at,
				 long *still, size_t *found)
{
	long *pos = xcalloc(add->nr + ctx->nr + 1, sizeof(*pos));
	long lo = rg->from, hi = rg->to, margin = h->old_count;
	long gap = h->new_count + 10, first = -1, last = -1;
	size_t anchored =
		close_run(ctx, f, rg->from, rg->to, gap, &first, &last);
	enum presence_state st;

	*at = *still = -1;
	*found = in_order(pos, add, f, rg->from, rg->to);
	if (add->nr && *found == add->nr) {
		lo = pos[0] - margin;
		hi = pos[add->nr - 1] + margin;
		*at = pos[0];
	} else if (anchored) {
		lo = first - margin;
		hi = last + margin;
	}
	if (lo < rg->from)
		lo = rg->from;
	if (hi > rg->to)
		hi = rg->to;
	*still = any_in(del, f, lo, hi);
	if (*still >= 0)
		st = PRESENCE_MISSING;
	else if (add->nr && *found == add->nr)
		st = PRESENCE_PRESENT;
	else if (!add->nr)
		st = anchored >= 2 || (anchored && anchored == ctx->nr) ?
			     PRESENCE_PRESENT :
			     PRESENCE_REWORKED;
	else if (!del->nr && !*found && anchored && anchored * 2 >= ctx->nr)
		st = PRESENCE_MISSING;
	else
		st = PRESENCE_REWORKED;
	free(pos);
	return st;
}

/* Better evidence first: present, missing, reworked. */
static int rank(enum presence_state st)
{
	return st == PRESENCE_PRESENT  ? 3 :
	       st == PRESENCE_MISSING  ? 2 :
	       st == PRESENCE_REWORKED ? 1 :
					 0;
}

void presence_check(struct presence *r, const struct patch_hunk *h,
		    const struct patch *pf, const struct lines *f,
		    unsigned flags)
{
	struct wanted add = { 0 }, del = { 0 }, ctx = { 0 };
	struct wanted moved_in = { 0 }, moved_out = { 0 };
	struct regions rs = { 0 };
	struct strbuf why = STRBUF_INIT;
	size_t best_found = 0;
	long best = -1;

	memset(r, 0, sizeof(*r));
	collect(&add, h, PATCH_LINE_ADD);
	collect(&del, h, PATCH_LINE_DEL);
	collect(&ctx, h, PATCH_LINE_CONTEXT);
	drop_common(&add, &del);
	/* Code the patch moves between its hunks proves nothing either. */
	collect_others(&moved_in, pf, h, PATCH_LINE_ADD);
	collect_others(&moved_out, pf, h, PATCH_LINE_DEL);
	keep_unshared(&del, &moved_in);
	keep_unshared(&add, &moved_out);
	if (!add.nr && !del.nr) {
		r->state = PRESENCE_UNKNOWN;
		r->reason = xstrdup("no line of the change tells (only blank, "
				    "trivial or moved lines)");
		goto out;
	}
	find_regions(&rs, h, f, &ctx, flags);
	if (!rs.nr) {
		r->state = PRESENCE_UNKNOWN;
		r->reason =
			h->section && *h->section ?
				xstrfmt("no '%s' in the file", h->section) :
				xstrdup("none of its context is in the file");
		goto out;
	}
	for (size_t i = 0; i < rs.nr; i++) {
		long at, still;
		size_t found;
		enum presence_state st = judge(h, f, &rs.v[i], &add, &del, &ctx,
					       &at, &still, &found);

		/*
		 * Present over missing over reworked; but for a hunk that
		 * only removes, the lines it removes standing anywhere it
		 * could be outweigh their absence elsewhere.
		 */
		if (best >= 0 && !add.nr && r->still)
			continue;
		if (best >= 0 && rank(st) <= rank(r->state) &&
		    !(!add.nr && still >= 0))
			continue;
		best = i;
		best_found = found;
		r->state = st;
		r->from = rs.v[i].from + 1;
		r->to = rs.v[i].to + 1;
		r->at = at >= 0 ? at + 1 : 0;
		r->still = still >= 0 ? still + 1 : 0;
	}
	r->added = add.nr;
	r->added_found = best_found;
	if (r->state == PRESENCE_PRESENT && add.nr) {
		strbuf_addf(&why, "its change stands at %ld, in lines %ld-%ld",
			    r->at, r->from, r->to);
	} else if (r->state == PRESENCE_PRESENT) {
		r->removal = true;
		strbuf_addf(&why,
			    "its removed lines are gone from lines %ld-%ld, "
			    "its context stands",
			    r->from, r->to);
	} else {
		strbuf_addf(&why, "%zu of %zu added lines in lines %ld-%ld",
			    best_found, add.nr, r->from, r->to);
		if (r->still)
			strbuf_addf(&why, ", a removed line still at %ld",
				    r->still);
		else if (r->state == PRESENCE_REWORKED && add.nr)
			strbuf_addstr(&why, ", its removed lines gone: "
					    "reworked since");
		else if (r->state == PRESENCE_REWORKED)
			strbuf_addstr(&why, "; its context is not there to "
					    "show the removal");
	}
	r->reason = strbuf_detach(&why, NULL);
out:
	free(rs.v);
	wanted_release(&add);
	wanted_release(&del);
	wanted_release(&ctx);
	wanted_release(&moved_in);
	wanted_release(&moved_out);
}
