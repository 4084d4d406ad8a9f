/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_FUZZ_H
#define BACKPORT_FUZZ_H

/*
 * fuzz: what the harnesses of tests/fuzz share. Each fuzz-<parser>.c
 * defines one target with FUZZ_TARGET(<parser>): a function
 *
 *	int fuzz_<parser>(const uint8_t *data, size_t size);
 *
 * that runs `data` through the parser's normal entry points, frees
 * everything, and returns 0, or 1 when a property the parser promises
 * does not hold (a crash, a leak or undefined behaviour the sanitizers
 * catch themselves). Built alone by `make fuzz`, the file is a libFuzzer
 * program whose entry point aborts on 1. tests/unit/test-fuzz-regress.c
 * includes every harness with FUZZ_ALL defined (no entry point) and runs
 * each input of tests/fuzz/regress/<parser>/ through its target.
 *
 * Files a parser must read from disk go to one temporary directory per
 * process (fuzz_tmpdir()), removed at exit; nothing is written anywhere
 * else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/xalloc.h"

#ifdef FUZZ_ALL
#define FUZZ_ENTRY(name)
#else
#define FUZZ_ENTRY(name)                                                  \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);     \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)      \
	{                                                                 \
		if (fuzz_##name(data, size)) {                            \
			fprintf(stderr, "fuzz-" #name                     \
					": a promised property broke\n"); \
			abort();                                          \
		}                                                         \
		return 0;                                                 \
	}
#endif

#define FUZZ_TARGET(name)                                  \
	int fuzz_##name(const uint8_t *data, size_t size); \
	FUZZ_ENTRY(name)                                   \
	int fuzz_##name(const uint8_t *data, size_t size)

static char *fuzz_dir;

static inline void fuzz_tmpdir_remove(void)
{
	if (fuzz_dir)
		remove_tree(fuzz_dir);
	free(fuzz_dir);
	fuzz_dir = NULL;
}

/* This process's temporary directory (created at first use). */
static inline const char *fuzz_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_dir)
		return fuzz_dir;
	fuzz_dir =
		xstrfmt("%s/backport-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir)) {
		perror(fuzz_dir);
		abort();
	}
	atexit(fuzz_tmpdir_remove);
	return fuzz_dir;
}

/*
 * Write `size` bytes to `rel` (a path under the temporary directory,
 * whose directories are made); returns the whole path (caller frees).
 */
static inline char *fuzz_write(const char *rel, const void *data, size_t size)
{
	char *path = xstrfmt("%s/%s", fuzz_tmpdir(), rel);
	char *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	if (mkdir_p(path, 0755) < 0)
		abort();
	*slash = '/';
	f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
		perror(path);
		abort();
	}
	return path;
}

/* The same for a string. */
static inline char *fuzz_write_str(const char *rel, const char *text)
{
	return fuzz_write(rel, text, strlen(text));
}

/* A patch mail as git format-patch writes it, for series and resolutions. */
static inline const char *fuzz_patch_mail(void)
{
	return "From 3f9d0d52f16c75f8047f59d207c9dffc38b1e334 Mon Sep 17 00:00:00 2001\n"
	       "From: Ada Lovelace <ada@example.org>\n"
	       "Date: Thu, 28 May 2026 05:00:59 +0200\n"
	       "Subject: [PATCH 1/2] mm: return ten from a()\n"
	       "\n"
	       "a() returned 1. Return 10 instead.\n"
	       "\n"
	       "Cc: stable@vger.kernel.org # v6.1+\n"
	       "Signed-off-by: Ada Lovelace <ada@example.org>\n"
	       "---\n"
	       "diff --git a/mm/mmu.c b/mm/mmu.c\n"
	       "--- a/mm/mmu.c\n"
	       "+++ b/mm/mmu.c\n"
	       "@@ -1,4 +1,4 @@\n"
	       " int a(void)\n"
	       " {\n"
	       "-\treturn 1;\n"
	       "+\treturn 10;\n"
	       " }\n"
	       "-- \n"
	       "2.39.5\n";
}

#endif
