// SPDX-License-Identifier: GPL-2.0
/*
 * scope: definitions of C source as hunk headers name them. See scope.h.
 */
#include <ctype.h>
#include <string.h>

#include "scope.h"

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* "label:" alone on its line (maybe a comment after it). */
static bool is_label(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= len || !(isalpha((unsigned char)p[i]) || p[i] == '_'))
		return false;
	while (i < len && is_ident((unsigned char)p[i]))
		i++;
	if (i >= len || p[i] != ':' || (i + 1 < len && p[i + 1] == ':'))
		return false;
	for (i++; i < len && isspace((unsigned char)p[i]); i++)
		;
	return i == len || (i + 1 < len && p[i] == '/' &&
			    (p[i + 1] == '/' || p[i + 1] == '*'));
}

bool scope_is_head(const char *p, size_t len)
{
	return len && (isalpha((unsigned char)*p) || *p == '_') &&
	       !is_label(p, len);
}

/* GNU diff -p: labels and '$' count too. */
static bool is_gnu_head(const char *p, size_t len)
{
	return len && (isalpha((unsigned char)*p) || *p == '_' || *p == '$');
}

bool scope_name(const char *p, size_t len, const char **name, size_t *n)
{
	const char *paren = memchr(p, '(', len), *b, *e;
	bool macro = true;

	if (!paren)
		return false;
	e = paren;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	b = e;
	while (b > p && is_ident((unsigned char)b[-1]))
		b--;
	if (b == e || isdigit((unsigned char)*b))
		return false;
	for (const char *c = b; c < e; c++)
		if (islower((unsigned char)*c))
			macro = false;
	*name = b;
	*n = e - b;
	if (macro) {
		/* SYSCALL_DEFINE3(open, ...): the first argument names it. */
		const char *a = paren + 1, *end = p + len;

		while (a < end && (*a == ' ' || *a == '\t'))
			a++;
		while (a < end && is_ident((unsigned char)*a))
			a++;
		*n = a - b;
	}
	return true;
}

/* Compare `a` (len an) with `b` (len bn), runs of whitespace as one. */
static bool ws_prefix(const char *pre, size_t pn, const char *s, size_t sn)
{
	size_t i = 0, k = 0;

	while (i < pn && isspace((unsigned char)pre[i]))
		i++;
	while (k < sn && isspace((unsigned char)s[k]))
		k++;
	while (pn && isspace((unsigned char)pre[pn - 1]))
		pn--;
	while (i < pn) {
		if (isspace((unsigned char)pre[i])) {
			if (k >= sn || !isspace((unsigned char)s[k]))
				return false;
			while (i < pn && isspace((unsigned char)pre[i]))
				i++;
			while (k < sn && isspace((unsigned char)s[k]))
				k++;
			continue;
		}
		if (k >= sn || pre[i] != s[k])
			return false;
		i++;
		k++;
	}
	return true;
}

bool scope_is_named(const char *section, const char *p, size_t len)
{
	size_t sn = section ? strlen(section) : 0;
	const char *a, *b;
	size_t an, bn;

	while (sn && isspace((unsigned char)*section)) {
		section++;
		sn--;
	}
	if (!sn)
		return false;
	if (ws_prefix(section, sn, p, len))
		return true;
	return scope_name(section, sn, &a, &an) &&
	       scope_name(p, len, &b, &bn) && an == bn && !memcmp(a, b, an);
}

long scope_find(const struct lines *f, const char *section, long from)
{
	for (long k = from < 0 ? 0 : from; k < (long)f->nr; k++)
		if (is_gnu_head(f->v[k].p, f->v[k].len) &&
		    scope_is_named(section, f->v[k].p, f->v[k].len))
			return k;
	return -1;
}

long scope_end(const struct lines *f, long head)
{
	for (long k = head + 1; k < (long)f->nr; k++) {
		const struct line *l = &f->v[k];

		if (l->len && l->p[0] == '}')
			return k;
		/* The next definition: a declaration without a body. */
		if (scope_is_head(l->p, l->len) && k > head + 1 &&
		    (!f->v[k - 1].len || f->v[k - 1].p[0] == '}' ||
		     f->v[k - 1].p[f->v[k - 1].len - 1] == ';'))
			return k - 1;
	}
	return (long)f->nr - 1;
}

void scope_before(const struct lines *f, long k, long *git, long *gnu)
{
	*git = *gnu = -1;
	if (k > (long)f->nr)
		k = f->nr;
	for (long i = k - 1; i >= 0 && (*git < 0 || *gnu < 0); i--) {
		const struct line *l = &f->v[i];

		if (*gnu < 0 && is_gnu_head(l->p, l->len))
			*gnu = i;
		if (*git < 0 && scope_is_head(l->p, l->len))
			*git = i;
	}
}

bool scope_same(const struct lines *f, long k, const char *section)
{
	long git, gnu;
	bool named = section && *section;

	scope_before(f, k, &git, &gnu);
	if (!named)
		return git < 0;
	return (git >= 0 &&
		scope_is_named(section, f->v[git].p, f->v[git].len)) ||
	       (gnu >= 0 &&
		scope_is_named(section, f->v[gnu].p, f->v[gnu].len));
}
