/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_LOCATE_H
#define BACKPORT_LOCATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct patch_file;
struct patch_hunk;

/*
 * locate: find where the hunks of one file of a patch land in the content
 * of that file on a branch, say exactly how each one landed, and build
 * the patched content. A pure module: it reads two buffers and a parsed
 * diff (patch.h), and fills a result; it never prints, never exits.
 *
 *	struct locate_opts opts = LOCATE_OPTS_INIT;
 *	struct locate_result res = LOCATE_RESULT_INIT;
 *
 *	opts.ignore_whitespace = patch_is_damaged(&p);
 *	if (locate_apply(&res, &p.files[0], blob, blob_len, &opts) < 0)
 *		die("%s", error_last());	// bad input, not a conflict
 *	for (size_t i = 0; i < res.nr; i++)
 *		... res.hunks[i].status, .pos, .offset, .fuzz, .reason ...
 *	if (!res.failed_nr)
 *		write(res.out.buf, res.out.len);
 *	locate_result_release(&res);
 *
 * This header is the whole API. Behind it, locate.c matches lines and
 * decides where each hunk lands, guard.h holds the checks of "No false
 * clean" below, emit.h writes `out` (and rebuilds damaged lines); they
 * share locate-internal.h, which no caller includes.
 *
 * How a hunk is looked for, in this order of "levels" (the first level
 * where the hunk's pre-image or post-image is found decides):
 *
 *   fuzz 0 exact, fuzz 0 ignoring whitespace, fuzz 1 exact, fuzz 1
 *   ignoring whitespace, ... up to opts.max_fuzz.
 *
 * At each level the header position (adjusted by the offset of the hunk
 * before, as GNU patch does) is tried first, then offsets nearest first,
 * +d before -d. A hunk never lands before the end of the previous one.
 * Fuzz N drops up to N context lines from the outer ends of the hunk,
 * never a changed line; as in GNU patch, a hunk with less leading than
 * trailing context (and a header at line 1) is anchored at the start of
 * the file, one with less trailing context at its end.
 *
 * Whitespace mode compares lines with leading and trailing whitespace
 * stripped and inner runs of blanks collapsed to one space. This is
 * exactly what the web-archive damage preserves (it strips indentation
 * and collapses runs, but never joins two tokens), and it is stricter
 * than removing all whitespace, which would equate "int x" with "intx".
 * Blank context lines are left out of the pattern and blank lines of the
 * file are skipped between matched lines, because damaged mails lose
 * their empty lines. The old lines are then taken verbatim from the file.
 *
 * Damaged hunks (patch.h: DAMAGE_INDENT_LOST, DAMAGE_BLANKS_COLLAPSED or
 * DAMAGE_CONTEXT_MARKER_LOST) are always looked for in whitespace mode,
 * whatever opts.ignore_whitespace says, since their bytes cannot match,
 * and the indentation of their '+' lines is rebuilt: from opts.reference
 * (the file in a tree where the change is present) when it holds the
 * hunk's post-image, else guessed from the neighbouring lines. Each
 * rebuilt line is listed in the hunk's `repairs`.
 *
 * Already applied: when the post-image (context and '+' lines) is found
 * at a lower level than the pre-image (context and '-' lines), or the
 * pre-image is not found at all, the hunk is HUNK_ALREADY_APPLIED. This
 * is the reverse-apply check of `patch -R --dry-run`, made per hunk.
 *
 * No false clean. A hunk that matched anywhere but exactly at its header
 * position is checked before it is accepted, and refused (HUNK_FAILED,
 * `reason` says why) when:
 *  - a run of two or more non-trivial '+' lines already stands, in that
 *    order, within 200 lines of the landing spot, or a single non-trivial
 *    '+' line stands right next to it ("added lines already present at
 *    N; refusing fuzzy apply");
 *  - a '+' line defines a function that the file already defines outside
 *    the lines the patch removes ("would duplicate definition of 'f()'
 *    at N; refusing fuzzy apply": GNU patch's two kvm_mmu_zap_all_fast());
 *  - with fuzz, the pattern left after dropping context holds no
 *    non-trivial line, or it matches at a second place in the range;
 *  - in whitespace mode, the change itself is whitespace only;
 *  - pre-image and post-image are both found at the same level, neither
 *    at the header position ("ambiguous").
 * Lines the patch removes elsewhere (earlier hunks that landed, '-' lines
 * of later hunks) do not count as present, so moving code is fine.
 * "Non-trivial" means at least four identifier characters and not a bare
 * return/break/goto/label.
 */

struct locate_opts {
	/* Most context lines dropped at either end (GNU patch -F). */
	unsigned max_fuzz;
	/* Also try every level comparing lines ignoring whitespace. */
	bool ignore_whitespace;
	/* Farthest offset tried, in lines; 0 searches the whole file. */
	long max_offset;
	/*
	 * Optional: the content of the same file in a tree where the change
	 * is already present, used to rebuild damaged '+' lines byte-exact.
	 * Borrowed; NULL when there is none.
	 */
	const char *reference;
	size_t reference_len;
};

#define LOCATE_OPTS_INIT             \
	{                            \
		2, false, 0, NULL, 0 \
	}

/* Set `o` to the defaults of LOCATE_OPTS_INIT. Owns nothing. */
void locate_opts_init(struct locate_opts *o);

enum locate_hunk_status {
	HUNK_APPLIED, /* exact, at the header position */
	HUNK_OFFSET, /* exact, at `offset` lines from it */
	HUNK_FUZZ, /* `fuzz` context lines ignored at each end */
	HUNK_WHITESPACE, /* matched ignoring whitespace, or rebuilt */
	HUNK_ALREADY_APPLIED, /* the post-image is there, the pre-image not */
	HUNK_FAILED, /* see `reason` */
};

enum locate_repair_how {
	REPAIR_FROM_REFERENCE, /* bytes of the line in opts.reference */
	REPAIR_FROM_NEIGHBOURS, /* indentation guessed */
};

/* One '+' line of a damaged hunk whose whitespace was rebuilt. */
struct locate_repair {
	size_t line; /* index in hunk->lines */
	long out_line; /* 1-based line in the result */
	enum locate_repair_how how;
	char *text; /* as written, no newline; owned */
};

/*
 * How one hunk landed. Line numbers are 1-based.
 *
 * `pos` is the line of the original file where the matched old side
 * begins (after fuzz dropped context); for a hunk with an empty old side,
 * the line before which its lines go (nr + 1 at the end). For
 * HUNK_ALREADY_APPLIED it is where the post-image begins, for
 * HUNK_FAILED where the best partial match begins (or the expected line).
 * `offset` is `pos` minus where the header says that line is.
 * `out_pos` is the line of `out` where the hunk's new side begins (for
 * HUNK_FAILED: where it would go, for conflict markers).
 *
 * The status is the worst that applies: WHITESPACE over FUZZ over OFFSET;
 * `fuzz`, `offset` and `whitespace` always tell the whole story.
 * `reason` says why a hunk failed, and for FUZZ, WHITESPACE and
 * ALREADY_APPLIED what was not exact; NULL for APPLIED and OFFSET.
 */
struct locate_hunk_result {
	enum locate_hunk_status status;
	long pos;
	long offset;
	unsigned fuzz;
	bool whitespace;
	long out_pos;
	/*
	 * FAILED with the best window found: the first line of the file
	 * (1-based) that differs from the hunk's; 0 when there is none.
	 */
	long differs_at;
	char *reason;
	struct locate_repair *repairs;
	size_t repairs_nr, repairs_alloc;
};

/* Whether the change of the whole file is already there. */
enum locate_presence {
	LOCATE_PRESENT_NONE, /* no hunk already applied */
	LOCATE_PRESENT_SOME, /* some hunks, not all: partially present */
	LOCATE_PRESENT_ALL, /* every hunk already applied */
};

struct locate_result {
	/* One per hunk of the patch_file, in order. */
	struct locate_hunk_result *hunks;
	size_t nr;
	/*
	 * The file with every hunk that applied (all but FAILED and
	 * ALREADY_APPLIED). When failed_nr is 0 this is the new content;
	 * otherwise it is the base for conflict markers or .rej files.
	 */
	struct strbuf out;
	size_t applied_nr, already_nr, failed_nr;
	enum locate_presence presence;
};

#define LOCATE_RESULT_INIT                                         \
	{                                                          \
		NULL, 0, STRBUF_INIT, 0, 0, 0, LOCATE_PRESENT_NONE \
	}

void locate_result_init(struct locate_result *res);
void locate_result_release(struct locate_result *res);

/*
 * Apply the hunks of `pf` to `buf` (`len` bytes, the file's content; any
 * last line may lack its newline). `opts` may be NULL for the defaults.
 * `res` is released first, then filled.
 *
 * A hunk that does not apply is a result, not an error: returns 0. Returns
 * -1 with an error naming the file for: a hunk without lines, content
 * holding NUL bytes (binary).
 */
int locate_apply(struct locate_result *res, const struct patch_file *pf,
		 const char *buf, size_t len, const struct locate_opts *opts);

/* True when every hunk applied exactly at its header position. */
bool locate_is_clean(const struct locate_result *res);

/* "applied", "offset", "fuzz", "whitespace", "already-applied", "failed". */
const char *locate_status_name(enum locate_hunk_status status);

/*
 * Append one hunk in the unified format of a .rej file: a "@@" header
 * with counts recomputed from the lines, then the lines with markers and
 * "\ No newline at end of file" where due.
 */
void locate_rej_hunk(struct strbuf *out, const struct patch_hunk *h);

/*
 * Append a whole .rej file for `pf`: "--- a/path", "+++ b/path" and each
 * hunk that `res` says FAILED. Appends nothing when none failed.
 */
void locate_rej_file(struct strbuf *out, const struct patch_file *pf,
		     const struct locate_result *res);

/*
 * NEEDSWORK: the indentation guess knows braces, braceless if/for/while,
 * comments, open parentheses and labels, not switch/case nor macros
 * continued with '\'; blank lines a damaged hunk lost are put back only
 * from a reference. NEEDSWORK: a function defined twice under #ifdef and
 * #else is taken for a duplicate definition (fuzzy matches only).
 * NEEDSWORK: the guards do not run for an exact match at the header
 * position (git apply's semantics), so an added block that also stands
 * elsewhere is applied there. NEEDSWORK: `offset` of a damaged hunk counts
 * the lines its header promises, so lost empty lines show as an offset.
 * NEEDSWORK: searching is O(lines x pattern) per level: fine for files of
 * ten thousand lines, not for generated megabyte files.
 */

#endif
