/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_WORDINDEX_H
#define BACKPORT_WORDINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <git2.h>

/*
 * wordindex: every identifier of a tree's C sources (.c, .h, .S, .dts,
 * .dtsi) and the files holding it. The evidence behind "not-applicable"
 * (the code a patch fixes exists nowhere on the branch), "where the code
 * lives now" (a file moved or split) and "needs a helper this branch
 * lacks", answered without reading a gigabyte of sources per question.
 *
 * Built once per tree (about a second per 10k files here) and kept in
 * the cache as <cache>/words/<tree id>, since a tree never changes;
 * `backport trees` builds it for each release it provisions, `apply`
 * for a tree it meets without one.
 *
 *	struct wordindex wi = WORDINDEX_INIT;
 *	if (wordindex_get(&wi, repo, tree, cache_dir) < 0)
 *		return -1;
 *	uint32_t files[8];
 *	size_t n = wordindex_lookup(&wi, "btintel_pcie_isr", files, 8, &count);
 *	wordindex_file(&wi, files[0]);	// "drivers/bluetooth/btintel_pcie.c"
 *	wordindex_release(&wi);
 *
 * An identifier is a maximal run of [A-Za-z0-9_] not starting with a
 * digit, of at least 3 characters, in files of at most 1 MiB (larger
 * ones are generated register maps and tables: a third of the bytes of a
 * kernel tree and most of its distinct words, and never what a stable
 * patch fixes); comments and strings are not skipped
 * (a name in a comment still says the code is known there). For each
 * identifier the index keeps how many files hold it and the first
 * WORDINDEX_MAX_FILES of them in tree order.
 */

#define WORDINDEX_MAX_FILES 8

struct wordindex {
	void *map; /* the mapped file */
	size_t size;
	uint32_t files_nr, words_nr;
	const uint64_t *file_off; /* offsets of the paths */
	const uint64_t *word_off; /* offsets of the entries, sorted */
};

#define WORDINDEX_INIT                    \
	{                                 \
		NULL, 0, 0, 0, NULL, NULL \
	}

void wordindex_release(struct wordindex *wi);

/*
 * The index of `tree`: mapped from <cache>/words/<tree id> when there,
 * else built from the tree, written there (atomically) and mapped.
 * `cache` NULL: cache_dir().
 */
int wordindex_get(struct wordindex *wi, git_repository *repo, git_tree *tree,
		  const char *cache);

/* Whether <cache>/words/<tree id> exists (no work). */
bool wordindex_exists(const git_oid *tree, const char *cache);

/*
 * The files holding `word`: fills up to `max` file numbers (tree order)
 * into `files` and returns how many; `*count` (may be NULL) gets how
 * many files hold it in all. 0: no file holds it.
 */
size_t wordindex_lookup(const struct wordindex *wi, const char *word,
			uint32_t *files, size_t max, size_t *count);

/* The path of file number `file`. */
const char *wordindex_file(const struct wordindex *wi, uint32_t file);

#endif
