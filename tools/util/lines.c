// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "xalloc.h"

size_t ws_normalize_add(struct strbuf *sb, const char *p, size_t len)
{
	size_t n;

	/* The result is never longer than the input: write it in place. */
	strbuf_grow(sb, len + 1);
	n = ws_normalize_into(sb->buf + sb->len, p, len);
	sb->len += n;
	return n;
}

size_t ws_normalize_into(char *out, const char *p, size_t len)
{
	char *o = out;
	bool space = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ' ' || c == '\t' || isspace(c)) {
			space = o > out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = false;
		*o++ = (char)c;
	}
	*o = '\0';
	return (size_t)(o - out);
}

char *ws_normalize(const char *p, size_t len, size_t *out_len)
{
	struct strbuf sb = STRBUF_INIT;

	ws_normalize_add(&sb, p, len);
	return strbuf_detach(&sb, out_len);
}

void lines_split(struct lines *t, const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - buf) : len;
		struct line *l;

		ALLOC_GROW(t->v, t->nr + 1, t->alloc);
		l = &t->v[t->nr++];
		l->p = buf + i;
		l->len = e - i;
		l->norm = ws_normalize(l->p, l->len, &l->nlen);
		i = nl ? e + 1 : len;
	}
}

void lines_release(struct lines *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->v[i].norm);
	free(t->v);
	t->v = NULL;
	t->nr = t->alloc = 0;
}

static bool word_at(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n >= wl && !memcmp(s, w, wl) &&
	       (n == wl || !(isalnum((unsigned char)s[wl]) || s[wl] == '_'));
}

bool line_is_trivial(const char *s, size_t n)
{
	size_t ident = 0;

	for (size_t i = 0; i < n && ident < 5; i++)
		if (isalnum((unsigned char)s[i]) || s[i] == '_')
			ident++;
	if (ident < 5)
		return true;
	if (n <= 16 && (word_at(s, n, "return") || word_at(s, n, "break") ||
			word_at(s, n, "continue") || word_at(s, n, "goto")))
		return true;
	if (s[n - 1] == ':' && !memchr(s, ' ', n))
		return true;
	if (word_at(s, n, "#endif") || word_at(s, n, "#else"))
		return true;
	return false;
}
