/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_NAMES_H
#define BACKPORT_NAMES_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/strset.h"
#include "util/strvec.h"

struct judge;
struct patch;
struct patch_hunk;
struct wordindex;

/*
 * names: the identifiers of a patch seen against the branch's word index
 * (wordindex.h): the names its lines use, the function a hunk changes,
 * how many files of the tree name a word, and the helpers the patch
 * calls that the branch has nowhere (a fix that needs adapting, however
 * cleanly it applies). An identifier here is [A-Za-z_][A-Za-z0-9_]*;
 * the words looked up have at least three characters.
 *
 *	const struct wordindex *wi = judge_words(j);
 *	struct strvec helpers = STRVEC_INIT, later = STRVEC_INIT;
 *	char *fn = names_hunk(h);
 *
 *	if (fn && !names_files(wi, fn, NULL, 0))
 *		... the function it changes is named nowhere ...
 *	free(fn);
 *	if (names_missing_helpers(j, &helpers, &later) < 0)
 *		return -1;
 *	... helpers: "foo" (no file names it); later: "bar() from 0003-x.patch"
 *	strvec_clear(&helpers);
 *	strvec_clear(&later);
 */

/* Identifiers: [A-Za-z_][A-Za-z0-9_]*. */
static inline bool ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static inline bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Add every identifier of the `kind` lines (PATCH_LINE_*) of `p` to `set`. */
void names_of(struct strset *set, const struct patch *p, char kind);

/*
 * The function a hunk changes: a definition head among its own old
 * lines up to its first change, else its header's. Caller frees; NULL
 * when none.
 */
char *names_hunk(const struct patch_hunk *h);

/*
 * Files holding `word` in the base tree (at most `max`, into `out` when
 * not NULL); returns how many hold it.
 */
size_t names_files(const struct wordindex *wi, const char *word,
		   struct strvec *out, size_t max);

/*
 * The rarest identifier of line `norm` in the tree: its count (0: some
 * identifier of the line is nowhere) and, when at most `max` files hold
 * it, those files in `out`.
 */
size_t names_rarest(const struct wordindex *wi, const char *norm,
		    struct strvec *out, size_t max);

/* Does some identifier of line `norm` stand in no file of the branch? */
bool names_unknown_word(const struct wordindex *wi, const char *norm);

/*
 * Does line `norm` name something the branch has nowhere, among `only`
 * (the names the patched code still uses)?
 */
bool names_unknown_used(const struct wordindex *wi, const char *norm,
			const struct strset *only);

/*
 * The functions the added lines of j->patch call that the branch has
 * nowhere, into `out`; those a later patch of the series adds, into
 * `later` as "<name>() from <file>". 0, or -1 on error.
 */
int names_missing_helpers(struct judge *j, struct strvec *out,
			  struct strvec *later);

/*
 * Identifiers of the old side of `h` that no file of the branch names,
 * into `out` once each ("f()" when called).
 */
void names_unknown(struct strvec *out, const struct wordindex *wi,
		   const struct patch_hunk *h);

#endif
