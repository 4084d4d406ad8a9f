/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_SCOPE_H
#define BACKPORT_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/lines.h"

/*
 * scope: which function (or other top-level definition) a line of C
 * source sits in, the way a hunk header names it, and how far a
 * definition reaches. A pure module over lines (util/lines.h).
 *
 * A hunk header's text after "@@ ... @@" (patch.h: `section`) is the
 * nearest line before the hunk that starts a definition:
 *  - git, with the kernel's .gitattributes (diff=cpp): a line starting
 *    with a letter or '_' that is not a label ("out:");
 *  - GNU diff -p (quilt patches): a line starting with a letter, '_' or
 *    '$', labels included, cut at 40 characters.
 * git cuts the line at 80 bytes. scope_is_named() accepts a file line
 * for a header when the header is a prefix of it (whitespace runs
 * collapsed), or when both define the same name ("static int foo(" and
 * "int foo(": a signature that changed keeps its function).
 *
 *	struct lines f = LINES_INIT;
 *	lines_split(&f, buf, len);
 *	long s = scope_find(&f, hunk->section, 0);	// its first head
 *	long e = scope_end(&f, s);			// its last line
 *	bool same = scope_same(&f, landing, hunk->section);
 *
 * Kernel style makes this simple and sound: definitions start at column
 * 0 and end with a '}' at column 0. NEEDSWORK: a definition inside
 * #if/#else twice is two heads of one name; callers take either.
 */

/* Does the line start a definition under git's cpp rule? */
bool scope_is_head(const char *p, size_t len);

/*
 * The name a definition head defines: the identifier before its first
 * '(' ("foo" of "static int foo(int x)"); for an upper-case macro, with
 * its first argument ("SYSCALL_DEFINE3(open"). Without '(' none: false.
 */
bool scope_name(const char *p, size_t len, const char **name, size_t *n);

/* Does file line `p` fit the hunk header text `section`? */
bool scope_is_named(const char *section, const char *p, size_t len);

/*
 * The first line at or after `from` (0-based) that fits `section` and
 * starts a definition, or -1.
 */
long scope_find(const struct lines *f, const char *section, long from);

/*
 * The last line (0-based) of the definition whose head is line `head`:
 * the first line starting with '}' after it, else the line before the
 * next head, else the last line of the file.
 */
long scope_end(const struct lines *f, long head);

/*
 * The head git or GNU diff would name for a hunk starting at line `k`
 * (0-based): the nearest head before `k` by git's rule in *git, by
 * GNU's (labels count) in *gnu; -1 when none.
 */
void scope_before(const struct lines *f, long k, long *git, long *gnu);

/*
 * Is a hunk landing at line `k` in the definition its header `section`
 * names? True when the header is empty (the hunk starts before any
 * definition) and no head precedes `k`, or when the head before `k`
 * fits it by either rule.
 */
bool scope_same(const struct lines *f, long k, const char *section);

#endif
