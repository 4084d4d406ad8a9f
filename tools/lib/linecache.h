/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_LINECACHE_H
#define BACKPORT_LINECACHE_H

#include <git2.h>

#include "util/lines.h"
#include "util/strbuf.h"

/*
 * linecache: the lines of a branch's files, split and normalised once.
 * Judging a series reads the same files again and again (where a
 * function moved to, for every hunk of every patch that needs it); a
 * file is kept by its blob id, so a file a patch changed is a new entry
 * and never a stale one. Bounded: past LINECACHE_MAX_BYTES of text the
 * cache starts over.
 *
 *	struct linecache c = LINECACHE_INIT;
 *	const struct lines *f;
 *	int r = linecache_get(&f, &c, repo, tree, "mm/x.c");
 *	if (r > 0) ... f->v[i].norm ...	// valid until the next get
 *	linecache_release(&c);
 */

#define LINECACHE_MAX_BYTES (256u << 20)

struct linecache_entry {
	git_oid blob;
	struct strbuf text;
	struct lines lines;
};

struct linecache {
	struct linecache_entry *v;
	size_t nr, alloc;
	size_t bytes;
};

#define LINECACHE_INIT      \
	{                   \
		NULL, 0, 0, 0 \
	}

void linecache_release(struct linecache *c);

/*
 * The lines of `path` in `tree` into *out (owned by the cache, valid
 * until the next linecache_get or release): 1, or 0 when `path` is not
 * a regular file of the tree, -1 on a repository error.
 */
int linecache_get(const struct lines **out, struct linecache *c,
		  git_repository *repo, git_tree *tree, const char *path);

#endif
