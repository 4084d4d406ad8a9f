// SPDX-License-Identifier: GPL-2.0
/*
 * changelog: the stable titles of a Debian kernel changelog. See
 * changelog.h.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "changelog.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void changelog_release(struct changelog *cl)
{
	for (size_t i = 0; i < cl->nr; i++) {
		free(cl->v[i].release);
		free(cl->v[i].title);
	}
	free(cl->v);
	cl->v = NULL;
	cl->nr = cl->alloc = 0;
}

char *changelog_title_key(const char *title)
{
	struct strbuf sb = STRBUF_INIT;
	bool space = false;

	for (const char *p = title; *p; p++) {
		if (isspace((unsigned char)*p)) {
			space = sb.len > 0;
			continue;
		}
		if (space)
			strbuf_addch(&sb, ' ');
		space = false;
		strbuf_addch(&sb, *p);
	}
	return strbuf_detach(&sb, NULL);
}

static void push(struct changelog *cl, const char *release, const char *title)
{
	ALLOC_GROW(cl->v, cl->nr + 1, cl->alloc);
	cl->v[cl->nr].release = xstrdup(release);
	cl->v[cl->nr].title = xstrdup(title);
	cl->nr++;
}

/* Drop " (CVE-...[, CVE-...])" at the end. */
static char *clean_title(const char *raw)
{
	char *key = changelog_title_key(raw);
	char *t = key, *open;
	size_t n;

	n = strlen(t);
	if (n && t[n - 1] == ')' && (open = strrchr(t, '(')) &&
	    !strncmp(open, "(CVE-", 5) && open > t && open[-1] == ' ')
		n = open - 1 - t;
	t = xstrndup(t, n);
	free(key);
	return t;
}

/* One line of `text`, without its newline. */
struct cline {
	const char *p;
	size_t len;
};

static size_t indent_of(const struct cline *l)
{
	size_t i = 0;

	while (i < l->len && l->p[i] == ' ')
		i++;
	return i;
}

/* "ChangeLog-6.12.108" at the end of a line: the release, else NULL. */
static char *release_of(const struct cline *l)
{
	static const char key[] = "ChangeLog-";
	const char *end = l->p + l->len, *p;

	while (end > l->p && isspace((unsigned char)end[-1]))
		end--;
	p = end;
	while (p > l->p && (isdigit((unsigned char)p[-1]) || p[-1] == '.'))
		p--;
	if (p == end || p - l->p < (long)sizeof(key) - 1 ||
	    memcmp(p - (sizeof(key) - 1), key, sizeof(key) - 1))
		return NULL;
	return xstrndup(p, end - p);
}

/*
 * The titles of one upload's entry, lines [from, to), appended in the
 * order they stand.
 */
static void parse_entry(struct changelog *cl, const struct cline *v,
			size_t from, size_t to)
{
	char *release = NULL;
	struct strbuf title = STRBUF_INIT;
	size_t item_indent = 0;

	for (size_t i = from; i <= to; i++) {
		const struct cline *l = i < to ? &v[i] : NULL;
		size_t ind = l ? indent_of(l) : 0;
		bool blank = l && ind == l->len;
		bool cont = l && !blank && title.len && ind > item_indent &&
			    l->p[ind] != '-';
		char *r;

		if (cont) {
			strbuf_addch(&title, ' ');
			strbuf_add(&title, l->p + ind, l->len - ind);
			continue;
		}
		if (title.len) {
			char *t = clean_title(title.buf);

			if (*t)
				push(cl, release, t);
			free(t);
			strbuf_reset(&title);
		}
		if (!l || blank)
			continue;
		if (l->p[ind] == '*' && ind < 4) {
			/* A new item: only stable updates carry titles. */
			free(release);
			release = NULL;
			continue;
		}
		r = release_of(l);
		if (r) {
			free(release);
			release = r;
			continue;
		}
		if (release && l->p[ind] == '-' && ind + 2 <= l->len &&
		    l->p[ind + 1] == ' ') {
			item_indent = ind;
			strbuf_add(&title, l->p + ind + 2, l->len - ind - 2);
		}
	}
	free(release);
	strbuf_release(&title);
}

void changelog_parse(struct changelog *cl, const char *text, size_t len)
{
	struct cline *v = NULL;
	size_t nr = 0, alloc = 0, *starts = NULL, starts_nr = 0,
	       starts_alloc = 0;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *e = nl ? nl : end;

		ALLOC_GROW(v, nr + 1, alloc);
		v[nr].p = p;
		v[nr].len = e - p;
		if (e > p && e[-1] == '\r')
			v[nr].len--;
		/* An upload's entry starts with "source (version) ..." */
		if (v[nr].len && !isspace((unsigned char)*p)) {
			ALLOC_GROW(starts, starts_nr + 1, starts_alloc);
			starts[starts_nr++] = nr;
		}
		nr++;
		p = nl ? nl + 1 : end;
	}
	/* Newest entry first in the file: walk them oldest first. */
	for (size_t k = starts_nr; k-- > 0;)
		parse_entry(cl, v, starts[k],
			    k + 1 < starts_nr ? starts[k + 1] : nr);
	free(starts);
	free(v);
}

char *changelog_format(const struct changelog *cl)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < cl->nr; i++)
		strbuf_addf(&sb, "%s\t%s\n", cl->v[i].release, cl->v[i].title);
	return strbuf_detach(&sb, NULL);
}

void changelog_parse_note(struct changelog *cl, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchrnul(p, '\n');
		const char *tab = memchr(p, '\t', nl - p);

		if (tab && tab > p && nl > tab + 1) {
			char *r = xstrndup(p, tab - p);
			char *t = xstrndup(tab + 1, nl - tab - 1);

			push(cl, r, t);
			free(r);
			free(t);
		}
		p = *nl ? nl + 1 : nl;
	}
}

/* The kernel's name of a Debian architecture tag ("armhf" -> "arm"). */
static const char *arch_of_tag(const char *tag, size_t n)
{
	static const struct {
		const char *tag, *arch;
	} map[] = {
		{ "armhf", "arm" },	   { "armel", "arm" },
		{ "arm64", "arm64" },	   { "amd64", "x86" },
		{ "i386", "x86" },	   { "x86", "x86" },
		{ "powerpc*", "powerpc" }, { "ppc64el", "powerpc" },
		{ "ppc64", "powerpc" },	   { "powerpc", "powerpc" },
		{ "s390x", "s390" },	   { "riscv64", "riscv" },
		{ "mips*", "mips" },	   { "mipsel", "mips" },
		{ "mips64el", "mips" },	   { "loong64", "loongarch" },
		{ "sparc64", "sparc" },	   { "hppa", "parisc" },
		{ "alpha", "alpha" },	   { "m68k", "m68k" },
		{ "sh4", "sh" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strlen(map[i].tag) == n && !strncmp(map[i].tag, tag, n))
			return map[i].arch;
	return NULL;
}

bool changelog_title_matches(const char *listed, const char *title)
{
	const char *rest = listed, *close, *colon, *arch = NULL;

	if (*listed == '[' && (close = strchr(listed, ']')) &&
	    close[1] == ' ') {
		arch = arch_of_tag(listed + 1, close - listed - 1);
		rest = close + 2;
	}
	if (!strcmp(rest, title))
		return true;
	/* "[armhf] 9484/1: x" for "ARM: 9484/1: x": the prefix names the arch. */
	colon = strstr(title, ": ");
	return arch && colon && (size_t)(colon - title) == strlen(arch) &&
	       !strncasecmp(title, arch, colon - title) &&
	       !strcmp(colon + 2, rest);
}
