/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_UTIL_LINES_H
#define BACKPORT_UTIL_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * lines: a buffer seen as lines, each also in the whitespace-normalised
 * form that code comparisons use (ws_normalize()). The lines point into
 * the buffer, which must outlive them.
 *
 *	struct lines t = LINES_INIT;
 *	lines_split(&t, buf, len);
 *	for (size_t i = 0; i < t.nr; i++) t.v[i].p, .len, .norm, .nlen
 *	lines_release(&t);
 */
struct line {
	const char *p; /* in the buffer, without its newline */
	size_t len;
	char *norm; /* ws_normalize() of it; owned */
	size_t nlen;
};

struct lines {
	struct line *v;
	size_t nr, alloc;
};

#define LINES_INIT         \
	{                  \
		NULL, 0, 0 \
	}

void lines_split(struct lines *t, const char *buf, size_t len);
void lines_release(struct lines *t);

/*
 * `p` with leading and trailing whitespace stripped and inner runs of
 * whitespace collapsed to one space: what survives a web archive's
 * damage, and what tells two lines of code apart when only their
 * indentation or alignment moved. Caller frees; *out_len gets its length.
 */
char *ws_normalize(const char *p, size_t len, size_t *out_len);
/* The same, added to `sb`; returns how many bytes it added. */
/*
 * The same into `out`, which holds at least len + 1 bytes (the result is
 * never longer than the input), NUL-terminated; returns its length.
 */
size_t ws_normalize_into(char *out, const char *p, size_t len);
size_t ws_normalize_add(struct strbuf *sb, const char *p, size_t len);

/*
 * A line of code that proves nothing when found elsewhere (`s` is
 * ws_normalize()d and not empty): braces, comment delimiters, bare
 * returns, labels, #else/#endif: fewer than five identifier characters,
 * or a short return/break/continue/goto.
 */
bool line_is_trivial(const char *s, size_t n);

#endif
