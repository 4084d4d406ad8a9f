/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_MAILTEXT_H
#define BACKPORT_MAILTEXT_H

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

/*
 * mailtext: the line helpers the mail modules share (mail.c, subject.c,
 * trailer.c), over text that is not NUL-terminated: [p, end).
 *
 *	for (p = buf; p < end; p = next_line(p, end)) {
 *		const char *e = eol(p, end), *v;
 *		if (line_has_key(p, e, "Cc:", &v)) ...
 *	}
 */

/* End of the line at `p` (its '\n' or `end`). */
static inline const char *eol(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', end - p);

	return nl ? nl : end;
}

/* Start of the line after the one at `p`. */
static inline const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', end - p);

	return nl ? nl + 1 : end;
}

static inline bool is_blank(const char *p, const char *e)
{
	for (; p < e; p++)
		if (!isspace((unsigned char)*p))
			return false;
	return true;
}

/* Copy [p, e) without blanks at either end. */
static inline char *xstrndup_trim(const char *p, const char *e)
{
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(p, e - p);
}

/* Does the line [p, e) start with `key` (case-insensitive)? */
static inline bool line_has_key(const char *p, const char *e, const char *key,
				const char **val)
{
	size_t n = strlen(key);

	if ((size_t)(e - p) < n || strncasecmp(p, key, n))
		return false;
	*val = p + n;
	return true;
}

#endif
