/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_MAIL_H
#define BACKPORT_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "patch.h"

/*
 * mail: one patch mail, decoded (GMime: MIME, quoted-printable, base64,
 * charsets, CRLF, format=flowed, multipart with the patch attached) and
 * taken apart: headers, subject prefix, message, trailers, stable tag,
 * upstream commit line, and the diff (patch.h).
 *
 * Two input formats: RFC 822 mail (single mail, mbox, maildir file, as
 * from git format-patch, b4 am or a mail client), and a web-archive
 * rendering saved as text (a "[PATCH ...] subject" first line, which
 * may wrap onto up to three more lines, then "From: Name" and "Date: ..."
 * lines in either order, then the body), which is how the seed mails
 * came; a file whose head has no such "From:" line is not a mail. The
 * second kind carries no Message-ID, and its From line carries no
 * address (from_email is NULL).
 *
 * Line numbers (`line`, `diff_line`, trailer and stable lines) are
 * 1-based lines of the FILE: for an mbox they count from the start of the
 * file, not of the mail, so an error or a damage report points into what
 * the user has on disk. Where a part is transfer-encoded (base64,
 * quoted-printable) or format=flowed, its lines are counted in the
 * decoded text, starting at the line where the part's content starts in
 * the file; they are then only close to the encoded lines.
 *
 * Decoding follows git am (mailinfo): in-body "From:", "Subject:" and
 * "Date:" lines at the top of the body override the header's; the
 * message and notes are converted to UTF-8 from the part's charset, the
 * diff is kept as bytes (only transfer-decoded, CRLF made LF); a stable
 * review preamble ("6.12-stable review patch. ..." up to a line of
 * dashes) is dropped.
 *
 *	struct mail_list ml = MAIL_LIST_INIT;
 *	if (mail_read_file(&ml, "series.mbox") < 0)
 *		die("%s", error_last());	// names file and mail
 *	for (size_t i = 0; i < ml.nr; i++) use(ml.mails[i]);
 *	mail_list_release(&ml);
 *
 * NEEDSWORK: mboxrd ">From " lines are not unquoted; message/rfc822
 * parts (a forwarded patch) and text/html-only mails give no message; a
 * single-part mail cut inside its base64 or quoted-printable body is not
 * detected as truncated (a multipart without its closing boundary is);
 * the body is split into message, notes and diff before the charset
 * conversion, so charsets that are not ASCII-compatible (UTF-16) are not
 * handled; trailer continuation lines are recognised by their leading
 * blank, which web archives strip.
 */

struct mail_subject {
	bool is_patch;		/* a [PATCH ...] or [RFC ...] prefix was there */
	bool rfc, resend;
	bool reply;		/* "Re:" before the prefix */
	unsigned version;	/* 1 when not given */
	unsigned index, total;	/* 0/0 when not given ([PATCH]) */
	char *prefix;		/* the bracketed text, e.g. "PATCH v3 03/15" */
	char *title;		/* the subject without prefixes and "Re:" */
};

#define MAIL_SUBJECT_INIT { .version = 1 }

enum trailer_kind {
	TRAILER_OTHER,
	TRAILER_SIGNED_OFF_BY,
	TRAILER_REVIEWED_BY,
	TRAILER_ACKED_BY,
	TRAILER_TESTED_BY,
	TRAILER_REPORTED_BY,
	TRAILER_SUGGESTED_BY,
	TRAILER_CO_DEVELOPED_BY,
	TRAILER_FIXES,
	TRAILER_LINK,
	TRAILER_CLOSES,
	TRAILER_CC,
};

struct trailer {
	enum trailer_kind kind;
	char *key;		/* as written, e.g. "Reviewed-by" */
	char *value;		/* as written, without a "# comment" */
	char *comment;		/* text after '#', trimmed, or NULL */
	unsigned line;		/* line in the mail file */
	/* TRAILER_FIXES: the sha and the quoted subject, else NULL. */
	char *fixes_sha, *fixes_subject;
};

/*
 * The stable tag: "Cc: stable@vger.kernel.org" with an optional version
 * qualifier: "# 6.12.x" (that branch and newer), "# v6.1+" (that one and
 * newer), "# 5.15.y-6.6.y" / "# 5.15-6.6" (a range), "# 6.1" ... Versions
 * are kept as major * 1000 + minor (6.12 -> 6012); 0 means unbounded.
 */
struct stable_tag {
	bool present;
	char *qualifier;	/* the text after '#', or NULL */
	unsigned min, max;	/* 0 = no bound */
	unsigned line;
};

#define STABLE_TAG_INIT { 0 }

struct mail {
	char *path;		/* the file it came from */
	unsigned number;	/* 1-based position in that file (mbox) */
	unsigned line;		/* line in that file where it starts */
	char *raw;		/* the mail as received (bytes) */
	size_t raw_len;
	bool web_archive;	/* the web-archive rendering, not RFC 822 */

	/*
	 * The sender: name (decoded; the address when the mail shows no
	 * name) and address (NULL in a web archive, which shows none).
	 */
	char *from_name, *from_email;
	char *author_name, *author_email; /* in-body From:, else the sender */
	char *date;		/* as written */
	time_t date_epoch;	/* 0 when it does not parse */
	char *subject;		/* decoded, whole */
	struct mail_subject subj;
	char *message_id;	/* without <>, NULL when absent */
	char *in_reply_to;	/* without <>, NULL when absent */

	char *message;		/* commit message: body up to "---" */
	unsigned message_line;	/* line of the message's first line */
	char *notes;		/* between "---" and the diff, or NULL */
	struct trailer *trailers;
	size_t trailers_nr, trailers_alloc;
	struct stable_tag stable;
	/*
	 * "commit <sha> upstream.", "[ Upstream commit <sha> ]" or
	 * "(cherry picked from commit <sha>)", or NULL
	 */
	char *upstream_commit;

	/*
	 * Addresses were obfuscated by a web archive ("seanjc@xxxxxxxxxx");
	 * they are kept as they are.
	 */
	bool addresses_obfuscated;

	/*
	 * A diff was found and parsed into `patch`. False for a cover letter
	 * ([PATCH 0/N]: its interdiff is not parsed) and a reply ("Re:"),
	 * and for any other mail without a diff: mail_read_file() does not
	 * refuse those, the importer decides (and refuses a patch mail that
	 * lost its diff).
	 */
	bool has_patch;
	struct patch patch;
	unsigned diff_line;	/* line of the diff start in the file */
};

#define MAIL_INIT { .subj = MAIL_SUBJECT_INIT, .patch = PATCH_INIT }

struct mail_list {
	struct mail **mails;
	size_t nr, alloc;
};

#define MAIL_LIST_INIT { NULL, 0, 0 }

void mail_init(struct mail *m);
/* Release what a mail owns and make it MAIL_INIT again. */
void mail_release(struct mail *m);
/* Free one heap-allocated mail and everything it owns. */
void mail_free(struct mail *m);

/*
 * The author's address, allocated: the mail's, else the address of the
 * author's own Signed-off-by (a web archive shows none), else
 * "unknown@unknown".
 */
char *mail_author_address(const struct mail *m);

void mail_list_init(struct mail_list *ml);
void mail_list_release(struct mail_list *ml);

/*
 * Read every mail in `path`: a single mail, an mbox of several, or a
 * web-archive rendering. Mails are appended to `ml`. A mail that is a
 * cover letter or a reply carries has_patch = false; that is not an
 * error. Errors (returns -1, nothing appended): not a mail, a truncated
 * mbox (a mail whose headers end without an empty line, a multipart
 * without its closing boundary), NUL bytes, lines over 1 MiB (in the file
 * or in the decoded text), an unknown charset, a patch that patch_parse()
 * refuses (named "<path>: mail N" to it). Messages name the file, the
 * mail number and the line: "'x.mbox': mail 4: line 102: ...".
 */
int mail_read_file(struct mail_list *ml, const char *path);

/*
 * Parse a subject line ("[PATCH v3 03/15] x: y") into `out`, which is
 * released first. As git am does, every leading "[...]" group and "Re:"
 * is taken off the title; the groups' texts, joined by a space, make
 * `prefix`. Tokens understood in the groups: PATCH (also "PATCHv2"), RFC,
 * RESEND, vN, N/M; others ("net-next", "6.12.y", "AUTOSEL") are ignored.
 */
void mail_subject_parse(struct mail_subject *out, const char *subject);
void mail_subject_init(struct mail_subject *s);
void mail_subject_release(struct mail_subject *s);

void trailer_release(struct trailer *t);

void stable_tag_init(struct stable_tag *tag);
void stable_tag_release(struct stable_tag *tag);

/*
 * Parse a stable qualifier ("6.12.x", "v6.1+", "5.15.y-6.6.y") into
 * min/max. Returns 0, or -1 (error recorded) when it does not parse.
 * Accepted: an optional "v", MAJOR.MINOR, an optional ".x", ".y" or
 * ".N", an optional "+"; or two of those joined by "-" (a range). A
 * single version means that branch and newer, as stable uses it ("# 6.1"
 * is "# 6.1+"). Text after the version, past a blank or ':' ("# 5.10.x:
 * 1234abcd: prep"), is ignored. `qualifier` is left alone: the caller
 * keeps the text. On -1, min and max are 0 (no bounds), which is how a
 * comment that is no version ("# needs 1234abcd") is kept.
 */
int stable_tag_parse_qualifier(struct stable_tag *tag, const char *q);

/*
 * Whether a stable tag asks for the branch of version `v` (major * 1000
 * + minor). Where a mail has several stable lines, mail.stable holds the
 * widest: the lowest minimum and highest maximum, unbounded when any
 * line is. A patch with no stable tag at all: true (it was sent to be
 * applied; not-requested is only for an explicit range that excludes).
 */
bool stable_tag_wants(const struct stable_tag *tag, unsigned v);

/* The cover letter: [PATCH 0/N]. */
static inline bool mail_is_cover(const struct mail *m)
{
	return m->subj.is_patch && m->subj.index == 0 && m->subj.total > 0;
}

#endif
