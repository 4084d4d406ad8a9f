/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_RESOLUTION_H
#define BACKPORT_RESOLUTION_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

#include "mail.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * resolution: the store of conflict resolutions a maintainer recorded,
 * kept in the repository under backports/<branch>/:
 *
 *	backports/<branch>/<series>/<NNNN-title>.patch
 *		the patch as it goes onto the branch, in stable form: the
 *		original author and message, "commit <sha> upstream." or a
 *		Link:, a "[ ... ]" note of what was changed, the recorder's
 *		Signed-off-by, and the diff against the backport state;
 *	backports/<branch>/<series>/resolutions
 *		the index (git-config syntax): per patch file the upstream
 *		patch-id and title it resolves, the target and base commit it
 *		was recorded on, and per file the blob ids before and after;
 *	backports/<branch>/renames
 *		identifier renames between upstream and the branch, one per
 *		line: "<upstream> <branch>" ("FROZEN_SPTE REMOVED_SPTE"), or
 *		"<upstream> -> <branch>" when a side holds blanks; `%1` stands
 *		for an identifier ("kvm_x86_call(%1) static_call(kvm_x86_%1)").
 *
 * A resolution is found by the upstream patch-id, else by the title, so
 * it serves a rerun, a new version of the series and another series that
 * carries the same patch.
 */

struct resolution_file {
	char *path;
	git_oid before, after;	/* zero when the file was added/deleted */
};

struct resolution {
	char *dir;		/* backports/<branch>/<series> */
	char *file;		/* the .patch file's name in `dir` */
	char *title;
	char *patch_id;		/* of the upstream patch */
	char *target;		/* where it was recorded */
	git_oid base;		/* the backport state it was recorded on */
	struct resolution_file *files;
	size_t nr, alloc;
	struct mail *mail;	/* the .patch, parsed; owned */
};

struct resolution_store {
	char *root;		/* backports/<branch> */
	struct resolution **items;
	size_t nr, alloc;
};

#define RESOLUTION_STORE_INIT { NULL, NULL, 0, 0 }

void resolution_store_init(struct resolution_store *st);
void resolution_store_release(struct resolution_store *st);

/*
 * Load every resolution of `branch` under `root` (backports/). A branch
 * without any is not an error. Errors name the file.
 */
int resolution_store_load(struct resolution_store *st, const char *root,
			  const char *branch);

/*
 * Load the resolutions of every branch under `root` except `but` (NULL:
 * all): the ones a branch may reuse when it has none of its own.
 */
int resolution_store_load_others(struct resolution_store *st,
				 const char *root, const char *but);

/* The resolution of the patch with this patch-id (else title); borrowed. */
const struct resolution *resolution_find(const struct resolution_store *st,
					 const char *patch_id,
					 const char *title);

/*
 * Record a resolution: write <root>/<branch>/<series>/<file> (the stable
 * form of `upstream`, with `note` and `signoff`, and `diff`) and its entry
 * in the index, atomically. Replaces an earlier one of the same patch.
 * `path` gets the written .patch path (caller frees).
 */
struct resolution_record {
	const char *root, *branch, *series, *file;
	const struct mail *upstream;
	const char *target;
	const git_oid *base;
	const char *diff;
	const struct resolution_file *files;
	size_t nr;
	const char *note;	/* "[ ... ]" text, may be NULL */
	const char *signoff;	/* "Name <email>", may be NULL */
};

int resolution_record(char **path, const struct resolution_record *rec);

/* One rename: `from` upstream, `to` on the branch; %1 = an identifier. */
struct rename {
	char *from, *to;
	unsigned line;
};

struct renames {
	struct rename *v;
	size_t nr, alloc;
};

#define RENAMES_INIT { NULL, 0, 0 }

void renames_release(struct renames *r);
/* Read <root>/<branch>/renames; a missing file gives none. */
int renames_load(struct renames *r, const char *root, const char *branch);

/*
 * Rewrite `text` with every rename (whole identifiers; `%1` matches one
 * identifier and is put back in the replacement) into `out`. Each rename
 * that changed something is appended to `used` as "from -> to".
 */
void renames_apply(struct strbuf *out, const char *text, size_t len,
		   const struct renames *r, struct strvec *used);

#endif
