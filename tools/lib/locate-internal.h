/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_LOCATE_INTERNAL_H
#define BACKPORT_LOCATE_INTERNAL_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "lib/locate.h"
#include "lib/patch.h"
#include "util/lines.h"
#include "util/strbuf.h"

/*
 * locate-internal: what the modules of the hunk locator share, and no
 * caller sees (locate.h is the API): the file and the hunk as lines
 * normalised once, the patterns a hunk is looked for with and where
 * they match. locate.c owns all of it and decides where each hunk
 * lands; guard.c refuses a landing that would be a false clean, emit.c
 * writes the patched content.
 *
 *	struct pattern pre = PATTERN_INIT;
 *	struct level lv;
 *	struct hit hit;
 *	long end;
 *
 *	level_make(&lv, hc, fuzz, ws);		// which lines, compared how
 *	pattern_build(&pre, hc, &lv, true);	// the old side
 *	hit = pattern_search(lc, &lc->file, hc, &pre, &lv, guess,
 *			     lc->min_pos, -1);
 *	if (hit.found)
 *		pattern_match_at(&lc->file, hc, &pre, &lv, hit.pos, NULL, &end);
 *	pattern_release(&pre);
 */

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
	char *norms; /* every line's norm, one after the other */
};

#define FTEXT_INIT               \
	{                        \
		NULL, 0, 0, NULL \
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

/* Predicates on identifiers and lines, shared by the three modules. */
static inline bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

static inline bool word_at(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n >= wl && !memcmp(s, w, wl) && (n == wl || !is_ident(s[wl]));
}

static inline bool fline_eq(const struct fline *a, const char *norm,
			    size_t nlen)
{
	return a->nlen == nlen && !memcmp(a->norm, norm, nlen);
}

static inline bool is_old_side(char kind)
{
	return kind != PATCH_LINE_ADD;
}

static inline bool is_new_side(char kind)
{
	return kind != PATCH_LINE_DEL;
}

/* Old-side lines of the hunk before hunk line `a`: the header's count. */
static inline long old_before(const struct hunkctx *hc, size_t a)
{
	long n = 0;

	for (size_t i = 0; i < a; i++)
		n += is_old_side(hc->pl[i].kind);
	return n;
}

static inline long new_before(const struct hunkctx *hc, size_t a)
{
	long n = 0;

	for (size_t i = 0; i < a; i++)
		n += is_new_side(hc->pl[i].kind);
	return n;
}

/* The lines of one side of the hunk at level `lv` (old side or new). */
void pattern_build(struct pattern *pat, const struct hunkctx *hc,
		   const struct level *lv, bool old_side);
void pattern_release(struct pattern *p);

/*
 * Does `pat` match `f` at line `p`? Fills map[i] with the file line of
 * pattern line i (when map is not NULL) and *end with the line after.
 */
bool pattern_match_at(const struct ftext *f, const struct hunkctx *hc,
		      const struct pattern *pat, const struct level *lv, long p,
		      long *map, long *end);

/*
 * Look for `pat` nearest to `guess` first (+d before -d), at positions
 * [lo, f->nr], never farther than opts->max_offset; skip position `not`.
 */
struct hit pattern_search(const struct locator *lc, const struct ftext *f,
			  const struct hunkctx *hc, const struct pattern *pat,
			  const struct level *lv, long guess, long lo,
			  long not );

/* The hunk lines left at `fuzz`, compared ignoring whitespace or not. */
void level_make(struct level *lv, const struct hunkctx *hc, unsigned fuzz,
		bool ws);

#endif
