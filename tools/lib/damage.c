// SPDX-License-Identifier: GPL-2.0
/*
 * damage: what a web archive or a mail client did to a diff, found by
 * the patch parser and listed, never repaired (see damage.h); moved from
 * patch.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/damage.h"
#include "lib/patch.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void damage_add(struct patch *p, unsigned line, unsigned kind, const char *fmt,
		...)
{
	struct strbuf sb = STRBUF_INIT;
	struct patch_damage *d;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(p->damage, p->damage_nr + 1, p->damage_alloc);
	d = &p->damage[p->damage_nr++];
	d->line = line;
	d->kind = kind;
	d->detail = strbuf_detach(&sb, NULL);
}

static int damage_cmp(const void *a, const void *b)
{
	const struct patch_damage *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	/* Stable enough: at most one entry per kind and line. */
	return x->kind < y->kind ? -1 : x->kind > y->kind;
}

void damage_sort(struct patch *p)
{
	if (p->damage_nr > 1)
		qsort(p->damage, p->damage_nr, sizeof(*p->damage), damage_cmp);
}

const char *patch_damage_name(unsigned kind)
{
	switch (kind) {
	case DAMAGE_CONTEXT_MARKER_LOST:
		return "context-marker-lost";
	case DAMAGE_HUNK_SHORT:
		return "hunk-short";
	case DAMAGE_INDENT_LOST:
		return "indent-lost";
	case DAMAGE_BLANKS_COLLAPSED:
		return "blanks-collapsed";
	case DAMAGE_HUNK_LONG:
		return "hunk-long";
	case DAMAGE_LINE_ENDINGS:
		return "line-endings";
	case DAMAGE_ADDRESS_OBFUSCATED:
		return "address-obfuscated";
	}
	return "unknown";
}

static bool is_c_like(const struct patch_file *f)
{
	const char *path = f->new_path ? f->new_path : f->old_path;

	return path && (ends_with(path, ".c") || ends_with(path, ".h") ||
			ends_with(path, ".S"));
}

static bool starts_with_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(s, word, n) && !isalnum((unsigned char)s[n]) &&
	       s[n] != '_';
}

/* Calls that stand at top level in kernel C although they end in ';'. */
static bool is_toplevel_call(const char *s)
{
	static const char *const prefixes[] = {
		"module_",
		"early_param",
		"__setup",
		"core_param",
		"device_initcall",
		"late_initcall",
		"subsys_initcall",
		"arch_initcall",
		"fs_initcall",
		"core_initcall",
		"postcore_initcall",
		"pure_initcall",
		"rootfs_initcall",
		"EXPORT_",
		"DEFINE_",
		"DECLARE_",
		"MODULE_",
		"LIST_HEAD",
		"ALLOW_ERROR_INJECTION",
		"TRACE_EVENT",
		"static_assert",
		"_Static_assert",
		"__diag",
	};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * Does this C line (leading blanks dropped) sit inside a function, so
 * that it must be indented? Statements: control keywords, calls and
 * plain assignments ending in ';'. Declarations are left out: they may
 * stand at top level.
 */
static bool expects_indent(const char *s)
{
	static const char *const keywords[] = {
		"return", "if",	  "else",  "for",      "while", "do",
		"switch", "case", "break", "continue", "goto",	"default",
	};
	size_t len = strlen(s), n;

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (starts_with_word(s, keywords[i]))
			return true;
	if (!len || s[len - 1] != ';')
		return false;
	n = 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	if (!n)
		return s[0] == '*' && strstr(s, " = ");
	if (s[n] == '(')
		return !is_toplevel_call(s);
	/* "x = ...;", "iter->old_spte = ...;", "a[i] += ...;" */
	while (s[n] && !isspace((unsigned char)s[n]) && s[n] != '=')
		n++;
	while (s[n] == ' ')
		n++;
	return s[n] == '=' ||
	       (s[n] && strchr("+-*/|&^", s[n]) && s[n + 1] == '=');
}

void damage_hunk_name(char *out, size_t size, const struct patch_hunk *h)
{
	snprintf(out, size, "@@ -%u,%u +%u,%u @@", h->old_start, h->old_count,
		 h->new_start, h->new_count);
}

/*
 * Hunk-level damage of a C file: no tab anywhere and statements at
 * column 0 (indentation lost); no run of blanks anywhere and lines
 * indented by one blank (a tab collapsed to one space).
 */
void damage_check_indent(struct patch *p, const struct patch_file *f,
			 struct patch_hunk *h)
{
	unsigned flat = 0, single = 0, first_flat = 0, first_single = 0;
	char hdr[80];

	if (!is_c_like(f))
		return;
	for (size_t i = 0; i < h->nr; i++)
		if (memchr(h->lines[i].text, '\t', h->lines[i].len))
			return;
	for (size_t i = 0; i < h->nr; i++) {
		struct patch_line *l = &h->lines[i];
		const char *t = l->text;

		if (t[0] != ' ' && expects_indent(t)) {
			l->damage |= DAMAGE_INDENT_LOST;
			if (!flat++)
				first_flat = l->line;
		}
		if (t[0] == ' ' && t[1] && !isspace((unsigned char)t[1]) &&
		    t[1] != '*') {
			l->damage |= DAMAGE_BLANKS_COLLAPSED;
			if (!single++)
				first_single = l->line;
		}
		if (strstr(t, "  ")) {
			/* Blanks in runs: not collapsed after all. */
			for (size_t j = 0; j <= i; j++)
				h->lines[j].damage &= ~DAMAGE_BLANKS_COLLAPSED;
			single = 0;
			break;
		}
	}
	/* A run seen late: clear the bit on every line. */
	if (!single)
		for (size_t i = 0; i < h->nr; i++)
			h->lines[i].damage &= ~DAMAGE_BLANKS_COLLAPSED;
	damage_hunk_name(hdr, sizeof(hdr), h);
	if (flat) {
		h->damage |= DAMAGE_INDENT_LOST;
		damage_add(
			p, first_flat, DAMAGE_INDENT_LOST,
			"hunk %s: no line is indented, %u statement line%s at column 0 (first at line %u)",
			hdr, flat, flat == 1 ? "" : "s", first_flat);
	}
	if (single) {
		h->damage |= DAMAGE_BLANKS_COLLAPSED;
		damage_add(
			p, first_single, DAMAGE_BLANKS_COLLAPSED,
			"hunk %s: %u line%s indented by a single blank, blanks collapsed (first at line %u)",
			hdr, single, single == 1 ? "" : "s", first_single);
	}
}

/* One entry per run of consecutive lines that lost their ' ' marker. */
void damage_add_marker_lost(struct patch *p, const struct patch_hunk *h)
{
	size_t i = 0;

	while (i < h->nr) {
		size_t j = i;

		if (!(h->lines[i].damage & DAMAGE_CONTEXT_MARKER_LOST)) {
			i++;
			continue;
		}
		while (j + 1 < h->nr &&
		       h->lines[j + 1].damage & DAMAGE_CONTEXT_MARKER_LOST &&
		       h->lines[j + 1].line == h->lines[j].line + 1)
			j++;
		if (i == j)
			damage_add(
				p, h->lines[i].line, DAMAGE_CONTEXT_MARKER_LOST,
				"line %u: context line lost its leading space",
				h->lines[i].line);
		else
			damage_add(
				p, h->lines[i].line, DAMAGE_CONTEXT_MARKER_LOST,
				"lines %u-%u: %zu context lines lost their leading space",
				h->lines[i].line, h->lines[j].line, j - i + 1);
		i = j + 1;
	}
}
