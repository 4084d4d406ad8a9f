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
 * rendering saved as text (a "[PATCH ...] subject" first line, then
 * "From: Name" and "Date: ..." lines, then the body), which is how the
 * seed mails came. The second kind carries no Message-ID.
 *
 *	struct mail_list ml = MAIL_LIST_INIT;
 *	if (mail_read_file(&ml, "series.mbox") < 0)
 *		die("%s", error_last());	// names file and mail
 *	for (size_t i = 0; i < ml.nr; i++) use(ml.mails[i]);
 *	mail_list_release(&ml);
 */

struct mail_subject {
	bool is_patch;		/* a [PATCH ...] prefix was there */
	bool rfc, resend;
	unsigned version;	/* 1 when not given */
	unsigned index, total;	/* 0/0 when not given ([PATCH]) */
	char *prefix;		/* the bracketed text, e.g. "PATCH v3 03/15" */
	char *title;		/* the subject without prefixes and "Re:" */
};

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

struct mail {
	char *path;		/* the file it came from */
	unsigned number;	/* 1-based position in that file (mbox) */
	unsigned line;		/* line in that file where it starts */
	char *raw;		/* the mail as received (bytes) */
	size_t raw_len;
	bool web_archive;	/* the web-archive rendering, not RFC 822 */

	char *from_name, *from_email;	/* the sender */
	char *author_name, *author_email; /* in-body From:, else the sender */
	char *date;		/* as written */
	time_t date_epoch;	/* 0 when it does not parse */
	char *subject;		/* decoded, whole */
	struct mail_subject subj;
	char *message_id;	/* without <>, NULL when absent */
	char *in_reply_to;	/* without <>, NULL when absent */

	char *message;		/* commit message: body up to "---" */
	char *notes;		/* between "---" and the diff, or NULL */
	struct trailer *trailers;
	size_t trailers_nr, trailers_alloc;
	struct stable_tag stable;
	/* "commit <sha> upstream." or "[ Upstream commit <sha> ]", or NULL */
	char *upstream_commit;

	bool has_patch;
	struct patch patch;
	unsigned diff_line;	/* line of the diff start in the file */
};

struct mail_list {
	struct mail **mails;
	size_t nr, alloc;
};

#define MAIL_LIST_INIT { NULL, 0, 0 }

/* Free one mail and everything it owns. */
void mail_free(struct mail *m);
void mail_list_release(struct mail_list *ml);

/*
 * Read every mail in `path`: a single mail, an mbox of several, or a
 * web-archive rendering. Mails are appended to `ml`. A mail that is a
 * cover letter or a reply carries has_patch = false; that is not an
 * error. Errors (returns -1, nothing appended): not a mail, a truncated
 * mbox, NUL bytes, lines over 1 MiB, an unknown charset, a patch that
 * patch_parse() refuses. Messages name the file and the mail number.
 */
int mail_read_file(struct mail_list *ml, const char *path);

/* Parse a subject line ("[PATCH v3 03/15] x: y") into `out`. */
void mail_subject_parse(struct mail_subject *out, const char *subject);
void mail_subject_release(struct mail_subject *s);

/*
 * Parse a stable qualifier ("6.12.x", "v6.1+", "5.15.y-6.6.y") into
 * min/max. Returns 0, or -1 (error recorded) when it does not parse.
 */
int stable_tag_parse_qualifier(struct stable_tag *tag, const char *q);

/*
 * Whether a stable tag asks for the branch of version `v` (major * 1000
 * + minor). A patch with no stable tag at all: true (it was sent to be
 * applied; not-requested is only for an explicit range that excludes).
 */
bool stable_tag_wants(const struct stable_tag *tag, unsigned v);

/* The cover letter: [PATCH 0/N]. */
static inline bool mail_is_cover(const struct mail *m)
{
	return m->subj.is_patch && m->subj.index == 0 && m->subj.total > 0;
}

#endif
