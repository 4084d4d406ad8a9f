/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_STRVEC_H
#define BACKPORT_STRVEC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A NULL-terminated vector of owned strings, for argv and environments.
 * `v` is never NULL.
 */
struct strvec {
	char **v;
	size_t nr;
	size_t alloc;
};

extern char *strvec_empty[];
#define STRVEC_INIT                \
	{                          \
		strvec_empty, 0, 0 \
	}

void strvec_init(struct strvec *sv);
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Push each argument up to a NULL. */
void strvec_pushl(struct strvec *sv, ...) __attribute__((sentinel));
void strvec_pushv(struct strvec *sv, const char *const *v);
void strvec_clear(struct strvec *sv);
/* Sort the strings (strcmp order). */
void strvec_sort(struct strvec *sv);
/* Whether `s` is one of the strings. */
bool strvec_has(const struct strvec *sv, const char *s);

#endif
