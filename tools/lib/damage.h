/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_DAMAGE_H
#define BACKPORT_DAMAGE_H

#include <stddef.h>

#include "lib/patch.h"

/*
 * damage: the entries of a patch's damage report (struct patch_damage,
 * patch.h) and the heuristics that find damage in a parsed hunk: lines
 * that lost their ' ' marker, and C hunks whose indentation was lost or
 * whose blanks were collapsed. Only the patch parser (patch.c) calls it;
 * the rules are documented with patch_parse(). Nothing is repaired.
 *
 *	char hdr[80];
 *	damage_hunk_name(hdr, sizeof(hdr), h);	// "@@ -1,3 +1,4 @@"
 *	damage_add(p, h->line, DAMAGE_HUNK_SHORT, "hunk %s has ...", hdr);
 *	damage_add_marker_lost(p, h);	// after the hunk's lines are in
 *	damage_check_indent(p, f, h);
 *	...
 *	damage_sort(p);			// by line, then kind
 *
 * The per-line bits (patch_line.damage) are set by the caller for lost
 * markers and by damage_check_indent() for the indentation; each
 * function adds at most one entry per kind and run of lines.
 */

/* Append one entry to p->damage: `kind` is one bit, the detail a line. */
void damage_add(struct patch *p, unsigned line, unsigned kind, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

/* Order p->damage by line, then by kind. */
void damage_sort(struct patch *p);

/* "@@ -a,b +c,d @@" as h's header says, for the details of entries. */
void damage_hunk_name(char *out, size_t size, const struct patch_hunk *h);

/*
 * One entry per run of consecutive lines of `h` that carry
 * DAMAGE_CONTEXT_MARKER_LOST.
 */
void damage_add_marker_lost(struct patch *p, const struct patch_hunk *h);

/*
 * Hunk-level damage of a C file (.c, .h, .S): no tab anywhere and
 * statements at column 0 (indent-lost); no run of blanks anywhere and
 * lines indented by one blank (blanks-collapsed). Sets the bits on the
 * lines and on `h`, and adds the entries.
 */
void damage_check_indent(struct patch *p, const struct patch_file *f,
			 struct patch_hunk *h);

#endif
