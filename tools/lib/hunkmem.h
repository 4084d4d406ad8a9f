/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_HUNKMEM_H
#define BACKPORT_HUNKMEM_H

#include <stdbool.h>
#include <stddef.h>

#include "patch.h"
#include "util/strbuf.h"

/*
 * hunkmem: conflict resolutions remembered per hunk (rerere done for
 * patches). When `backport record` stores a resolution, each hunk of the
 * patch that had failed is also kept as
 *
 *	backports/<branch>/<series>/hunks/<key>
 *
 * where <key> is the SHA-1 of the conflict in normalised form: the hunk's
 * old and new sides and the branch's lines where the hunk should have
 * gone, with whitespace collapsed, empty lines dropped, and no labels,
 * line numbers or base (so the same conflict hashes the same on another
 * branch, in another version of the series, or from a damaged mail). The
 * file holds one header line and then the lines that replaced that region
 * in the maintainer's result (the region widened by the changes that
 * touched it: "before"/"after" lines).
 *
 * `apply` looks up every failing hunk of a patch that has no recorded
 * resolution of its own; when each one is remembered, the patch is
 * resolved from them and the verdict says so.
 */

struct hunkmem_entry {
	char key[41];
	unsigned before, after;	/* lines the region was widened by */
	char *text;		/* the resolved lines; owned */
	size_t len;
	char *where;		/* "recorded on <target>: <path> hunk <n>" */
};

struct hunkmem {
	struct hunkmem_entry *v;
	size_t nr, alloc;
};

#define HUNKMEM_INIT { NULL, 0, 0 }

void hunkmem_release(struct hunkmem *hm);

/* Load every remembered hunk under `root` (backports/): all branches. */
int hunkmem_load(struct hunkmem *hm, const char *root);

/*
 * The key of hunk `h` failing at line `pos` (1-based; its old side long
 * from there) of `buf`.
 */
void hunkmem_key(char out[41], const struct patch_hunk *h, const char *buf,
		 size_t len, long pos);

const struct hunkmem_entry *hunkmem_find(const struct hunkmem *hm,
					 const char *key);

/*
 * Remember how hunk `h`, failing at `pos` of `base`, was resolved in
 * `resolved`: into <dir>/<key>. *saved is false when the resolution did
 * not touch that region (nothing to remember).
 */
int hunkmem_save(bool *saved, const char *dir, const struct patch_hunk *h,
		 const char *base, size_t blen, long pos, const char *resolved,
		 size_t rlen, const char *where);

/*
 * Replace, in `content` (where the failed hunk's region starts at line
 * `pos`, the same lines as the branch's file there), the region of `e`
 * with its resolved lines, into `out`. -1 (no error recorded) when the
 * region does not fit.
 */
int hunkmem_replace(struct strbuf *out, const char *content, size_t len,
		    long pos, const struct patch_hunk *h,
		    const struct hunkmem_entry *e);

#endif
