/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_PATCH_H
#define BACKPORT_PATCH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * patch: the diff part of a mail, parsed into files, hunks and lines, with
 * the damage a mail can suffer on its way (web archives that strip
 * leading whitespace, collapse blanks, drop empty lines) detected and
 * listed, never silently repaired.
 *
 *	struct patch p = PATCH_INIT;
 *	if (patch_parse(&p, text, len, first_line, "0003-foo.eml") < 0)
 *		die("%s", error_last());	// not a diff, unsafe path, ...
 *	for (size_t i = 0; i < p.nr; i++) ... p.files[i].hunks ...
 *	if (p.damage_nr) ... p.damage[k].line, .kind, .detail
 *	patch_release(&p);
 *
 * Line numbers (`line` fields) are 1-based and count in the text handed
 * to patch_parse(), offset by `first_line - 1`, so a caller passing the
 * line of the diff inside the mail gets line numbers of the mail.
 */

enum patch_line_kind {
	PATCH_LINE_CONTEXT = ' ',
	PATCH_LINE_ADD = '+',
	PATCH_LINE_DEL = '-',
};

/* Damage found in one line or hunk (bit flags, see patch_damage). */
enum patch_damage_kind {
	/* A context line lost its leading ' ' (web archive). */
	DAMAGE_CONTEXT_MARKER_LOST = 1 << 0,
	/* Hunk body holds fewer lines than its @@ header counts. */
	DAMAGE_HUNK_SHORT = 1 << 1,
	/* Indentation lost: code lines carry no tab or leading blank. */
	DAMAGE_INDENT_LOST = 1 << 2,
	/* Runs of blanks inside a line collapsed to one. */
	DAMAGE_BLANKS_COLLAPSED = 1 << 3,
	/* Hunk body holds more lines than its header counts. */
	DAMAGE_HUNK_LONG = 1 << 4,
	/* Trailing whitespace or CR added/removed (mail client). */
	DAMAGE_LINE_ENDINGS = 1 << 5,
	/* Obfuscated addresses ("foo@xxxxxxxx") in the mail. */
	DAMAGE_ADDRESS_OBFUSCATED = 1 << 6,
};

struct patch_line {
	char kind;		/* enum patch_line_kind */
	char *text;		/* without marker and newline; owned */
	size_t len;
	bool no_newline;	/* followed by "\ No newline at end of file" */
	unsigned line;		/* where it stood in the input */
	unsigned damage;	/* enum patch_damage_kind bits */
};

struct patch_hunk {
	unsigned old_start, old_count;	/* as the @@ header says */
	unsigned new_start, new_count;
	char *section;		/* text after the second "@@", or NULL */
	struct patch_line *lines;
	size_t nr, alloc;
	unsigned line;		/* line of the "@@" header */
	unsigned damage;	/* union of the lines' bits + hunk-level bits */
};

enum patch_file_status {
	PATCH_FILE_MODIFIED,
	PATCH_FILE_ADDED,
	PATCH_FILE_DELETED,
	PATCH_FILE_RENAMED,
	PATCH_FILE_COPIED,
};

struct patch_file {
	char *old_path;		/* without "a/"; NULL for an added file */
	char *new_path;		/* without "b/"; NULL for a deleted file */
	enum patch_file_status status;
	unsigned old_mode, new_mode;	/* 0 when not given */
	unsigned similarity;		/* rename/copy similarity, percent */
	char *old_oid, *new_oid;	/* abbreviated ids of the index line */
	struct patch_hunk *hunks;
	size_t nr, alloc;
	unsigned line;			/* line of "diff --git" */
	unsigned dissimilarity;		/* "dissimilarity index", percent */
};

/* One entry of the damage report. */
struct patch_damage {
	unsigned line;		/* line in the input */
	unsigned kind;		/* enum patch_damage_kind (one bit) */
	char *detail;		/* human-readable, one line; owned */
};

struct patch {
	struct patch_file *files;
	size_t nr, alloc;
	struct patch_damage *damage;
	size_t damage_nr, damage_alloc;
	/* `git patch-id --stable` of this patch, 40 hex digits. */
	char patch_id[41];
	/* Lines added/removed over all files (diffstat). */
	unsigned added, removed;
};

#define PATCH_INIT { 0 }

void patch_init(struct patch *p);
void patch_release(struct patch *p);

/*
 * Parse the unified diff in `text` (from the first "diff --git" or "---"
 * line to the end of the diff; a trailing "-- \n2.43.0" signature and
 * anything after the diff are ignored). Detects damage, computes the
 * stable patch-id and the diffstat.
 *
 * Returns 0, or -1 with an error naming `name` and the line for: no diff
 * at all, a binary diff, a path that is absolute, contains "..", or
 * touches ".git/", NUL bytes, lines over 1 MiB, a hunk header that does
 * not parse.
 */
int patch_parse(struct patch *p, const char *text, size_t len,
		unsigned first_line, const char *name);

/*
 * How damage is found (patch_parse()):
 *  - context-marker-lost: a hunk line not starting with ' ', '+', '-' or
 *    "\\ " (an empty line is an ordinary empty context line, as in git);
 *    one entry per run of consecutive such lines.
 *  - hunk-short: a "@@ ", "diff --git" or the signature comes before the
 *    counts of the hunk header are met; hunk-long: after they are met,
 *    lines that read as hunk body (or, in a mail already damaged, any
 *    line) go on up to the next "@@ " or "diff --git".
 *  - indent-lost (.c/.h/.S hunks without a tab): statements (keywords,
 *    calls, assignments ending in ';') at column 0; blanks-collapsed
 *    (same hunks, no run of blanks anywhere): lines indented by a single
 *    blank that are not comment continuations (" * ").
 *
 * NEEDSWORK: line-endings is not detected yet, and address-obfuscated is
 * the mail module's. The indentation heuristics know C only; a context
 * line whose code began with '-' or '+' before it lost its indentation
 * is taken for a removed or added line, which no parser can tell.
 */

/* True when any damage was found. */
static inline bool patch_is_damaged(const struct patch *p)
{
	return p->damage_nr > 0;
}

/* Short name of one damage bit ("context-marker-lost", ...). */
const char *patch_damage_name(unsigned kind);

/*
 * Write the patch back as a canonical unified diff (git's format, hunk
 * counts recomputed from the lines) into `out` (appending).
 */
struct strbuf;
void patch_to_text(struct strbuf *out, const struct patch *p);

/*
 * Find the first "diff --git " line in `text`: its byte offset and its
 * 1-based line number. False when there is none.
 */
bool patch_find_diff(const char *text, size_t len, size_t *offset,
		     unsigned *line);

/*
 * `git patch-id --stable` of one diff as text (40 hex digits and a NUL
 * into `out`), by git's own rules: whitespace, "index" lines, hunk
 * headers and "\ No newline" lines do not count, and the files' hashes
 * are summed so that their order does not matter. All zeros when the
 * text holds no diff.
 */
void patch_id_of_text(char out[41], const char *text, size_t len);

/*
 * (Re)compute p->patch_id from the model: patch_to_text() then
 * patch_id_of_text(). patch_parse() calls it; call it again after
 * changing the lines. Hunk counts are recomputed, so a damaged patch
 * whose lines lost only whitespace gets the id of the intact one.
 */
void patch_compute_id(struct patch *p);

#endif
