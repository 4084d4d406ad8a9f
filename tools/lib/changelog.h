/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_CHANGELOG_H
#define BACKPORT_CHANGELOG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * changelog: the upstream stable patches a Debian kernel package says it
 * holds. Its usr/share/doc/linux-source-X/changelog.Debian.gz has, in
 * each upload's entry, items
 *
 *	  * New upstream stable update:
 *	    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.108
 *	    - RDMA/rxe: Fix OOB in free_rd_atomic_resources()
 *	    - [amd64] KVM: x86/mmu: Check write tracking in all address spaces
 *	    - jfs: add check read-only before truncation in jfs_truncate_nolock()
 *	      (CVE-2024-58094)
 *
 * listing the title of each stable patch of that upstream release (an
 * arch in brackets before it, CVE ids after it, long titles wrapped onto
 * lines indented two more). A pure module: text in, list out.
 *
 *	struct changelog cl = CHANGELOG_INIT;
 *	changelog_parse(&cl, text, len);
 *	for (size_t i = 0; i < cl.nr; i++)
 *		cl.v[i].release, cl.v[i].title	// oldest upload first
 *	changelog_release(&cl);
 *
 * The entries of the file run newest first; the list runs oldest first
 * (the order the patches went in), so that a `Revert "T"` comes after
 * the `T` it reverts and a later re-application after the revert.
 * Titles are stored as listed, wrapped lines joined with one space and
 * the trailing CVE list dropped; the arch tag is kept, since Debian
 * sometimes writes it instead of the subsystem prefix ("[armhf]
 * 9484/1: ..." for "ARM: 9484/1: ...").
 * Debian's own changes (other items) are not listed.
 */

struct changelog_entry {
	char *release; /* "6.12.108" */
	char *title; /* "RDMA/rxe: Fix OOB in free_rd_atomic_resources()" */
};

struct changelog {
	struct changelog_entry *v;
	size_t nr, alloc;
};

#define CHANGELOG_INIT     \
	{                  \
		NULL, 0, 0 \
	}

void changelog_release(struct changelog *cl);

/* Append the stable titles of `text` (a whole changelog) to `cl`. */
void changelog_parse(struct changelog *cl, const char *text, size_t len);

/*
 * The list in the form kept in a note beside a release commit: one line
 * "<release>\t<title>" per entry, oldest first; and back.
 */
char *changelog_format(const struct changelog *cl);
void changelog_parse_note(struct changelog *cl, const char *text);

/*
 * Does the changelog's `listed` title name the patch titled `title`
 * (both as changelog_title_key() gives them)? Equal once the arch tag
 * is dropped, or the tag stands for the title's "arch: " prefix
 * ("[arm64] fixmap: x" names "arm64: fixmap: x" but not "arm: fixmap:
 * x": a subject alone can be shared by two arches' patches).
 */
bool changelog_title_matches(const char *listed, const char *title);

/*
 * A title as compared: inner runs of whitespace collapsed, ends trimmed.
 * Caller frees.
 */
char *changelog_title_key(const char *title);

#endif
