/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_XALLOC_H
#define BACKPORT_XALLOC_H

#include <stddef.h>

/*
 * Allocation that never fails: out-of-memory is fatal (exit 128 with a
 * message), so callers need not check. Everything returned is freed with
 * free().
 */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow `array` (of `nr` used, `alloc` allocated elements) to hold `want`. */
#define ALLOC_GROW(array, want, alloc)                                       \
	do {                                                                 \
		if ((size_t)(want) > (size_t)(alloc)) {                      \
			size_t alloc_grow_n_ = (alloc) ? (alloc) * 2 : 8;     \
			if (alloc_grow_n_ < (size_t)(want))                  \
				alloc_grow_n_ = (want);                      \
			(array) = xrealloc((array), alloc_grow_n_ *          \
							    sizeof(*(array)));       \
			(alloc) = alloc_grow_n_;                              \
		}                                                            \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
