/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_UTIL_STRSET_H
#define BACKPORT_UTIL_STRSET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * strset: a set of strings (open addressing, FNV-1a), for membership
 * tests that a strvec would make quadratic.
 *
 *	struct strset s = STRSET_INIT;
 *	strset_add(&s, "foo");
 *	if (strset_has(&s, "foo")) ...
 *	strset_clear(&s);
 */
struct strset {
	char **slot;
	size_t size, nr; /* size: 0 or a power of two */
};

#define STRSET_INIT        \
	{                  \
		NULL, 0, 0 \
	}

/* Add a copy of `s` (or of its first `n` bytes); false if already there. */
bool strset_add(struct strset *set, const char *s);
bool strset_addn(struct strset *set, const char *s, size_t n);
bool strset_has(const struct strset *set, const char *s);
void strset_clear(struct strset *set);

#endif
