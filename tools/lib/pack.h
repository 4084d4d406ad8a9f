/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_PACK_H
#define BACKPORT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gio/gio.h>
#include <git2.h>

/*
 * pack: new objects of a repository written into one pack file as they
 * come, for an import of tens of thousands of files (tarball.h). It owns
 * the pack file, its .idx and the set of object ids already in it; the
 * caller computes each id (pack_hash_object()) and decides, per object,
 * whether to deflate it.
 *
 *	struct pack pk = PACK_INIT;
 *	git_oid oid;
 *	if (pack_init(&pk, repo, odb) < 0)
 *		goto out;
 *	pk.compress = true;		// else stored: zlib level 0
 *	pack_hash_object(&oid, GIT_OBJECT_BLOB, data, len);
 *	if (pack_add(&pk, &oid, GIT_OBJECT_BLOB, data, len, path) < 0 ||
 *	    pack_finish(&pk) < 0)	// now the odb sees the objects
 *		goto out;
 *	out:
 *	pack_release(&pk);		// removes an unfinished pack
 *
 * Errors name the pack file or the object (`what` of pack_add()).
 */

/*
 * Each new object goes into one pack, written as we go: no delta, zlib
 * level 1 (GIO's compressor: zlib itself is not among our libraries), and
 * its .idx (version 2) written at the end. One file instead of 90,000
 * loose ones is most of the speed. The pack is named and moved into
 * objects/pack only when complete, .idx last, so a reader never sees half
 * of it.
 */
struct pack_obj {
	git_oid oid;
	uint64_t offset;
	uint32_t crc;
};

struct pack {
	git_odb *odb;
	char *dir; /* objects/pack */
	char *tmp; /* the pack being written */
	int fd;
	char *buf;
	size_t len;
	uint64_t offset;
	GConverter *z, *store;
	/* Set by the caller: compress now (the reader is ahead) or store. */
	bool compress;
	struct pack_obj *objs;
	size_t nr, alloc;
	uint32_t *set; /* open addressing: index + 1, or 0 */
	size_t set_size;
};

/* No file yet: pack_release() of it does nothing. */
#define PACK_INIT        \
	{                \
		.fd = -1 \
	}

/*
 * Start a pack in `repo`'s objects/pack (a temporary name until
 * pack_finish()); `odb` is `repo`'s object database, borrowed.
 */
int pack_init(struct pack *pk, git_repository *repo, git_odb *odb);

/*
 * Add an object whose id `oid` is known, unless the pack or the
 * repository has it already; `what` names it in errors.
 */
int pack_add(struct pack *pk, const git_oid *oid, git_object_t type,
	     const void *data, size_t len, const char *what);

/*
 * Complete the pack: its object count, trailer and .idx, then move both
 * into objects/pack (the .idx last) and refresh the odb. Nothing is
 * written when no object was added.
 */
int pack_finish(struct pack *pk);

/* Close and remove what pack_finish() did not complete; free all. */
void pack_release(struct pack *pk);

/*
 * The id git gives the object: git_odb_hash() with GLib's SHA1, half
 * again as fast as libgit2's collision-detecting one.
 */
void pack_hash_object(git_oid *out, git_object_t type, const void *data,
		      size_t len);

#endif
