// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of mail.c: the fixtures in tests/fixtures/mail (format-patch
 * mails, an mbox series, MIME encodings, the two seed mails) and the
 * error cases. Expected line numbers are looked up in the fixture files
 * themselves, never written down here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "lib/mail.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* ---- helpers ---------------------------------------------------------- */

static char *fixture(const char *name)
{
	const char *top = getenv("BACKPORT_TOP");

	return xstrfmt("%s/tests/fixtures/mail/%s", top ? top : ".", name);
}

/* Line `n` (1-based) of `path`, without its newline; NULL past the end. */
static char *file_line(const char *path, unsigned n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p, *end;
	char *ret = NULL;

	assert_int_equal(strbuf_read_file(&sb, path), 0);
	p = sb.buf;
	end = sb.buf + sb.len;
	while (p < end && --n) {
		const char *nl = memchr(p, '\n', end - p);

		p = nl ? nl + 1 : end;
	}
	if (p < end && !n) {
		const char *nl = memchr(p, '\n', end - p);

		ret = xstrndup(p, (nl ? nl : end) - p);
		if (*ret && ret[strlen(ret) - 1] == '\r')
			ret[strlen(ret) - 1] = '\0';
	}
	strbuf_release(&sb);
	return ret;
}

/* The first line at or after `from` that starts with `prefix`; 0: none. */
static unsigned line_of(const char *path, unsigned from, const char *prefix)
{
	for (unsigned n = from;; n++) {
		char *l = file_line(path, n);
		bool hit;

		if (!l)
			return 0;
		hit = !strncmp(l, prefix, strlen(prefix));
		free(l);
		if (hit)
			return n;
	}
}

/* The first empty line of `path`. */
static unsigned first_blank(const char *path)
{
	for (unsigned n = 1;; n++) {
		char *l = file_line(path, n);
		bool blank;

		assert_non_null(l);
		blank = !*l;
		free(l);
		if (blank)
			return n;
	}
}

static void read_ok(struct mail_list *ml, const char *name)
{
	char *path = fixture(name);
	int r = mail_read_file(ml, path);

	if (r < 0)
		fail_msg("%s: %s", name, error_last());
	free(path);
}

static const struct trailer *trailer(const struct mail *m, const char *key,
				     unsigned nth)
{
	for (size_t i = 0; i < m->trailers_nr; i++)
		if (!strcmp(m->trailers[i].key, key) && !nth--)
			return &m->trailers[i];
	return NULL;
}

/* Every trailer's line in the file starts with its key. */
static void check_trailer_lines(const struct mail *m)
{
	assert_true(m->trailers_nr > 0);
	for (size_t i = 0; i < m->trailers_nr; i++) {
		char *l = file_line(m->path, m->trailers[i].line);

		assert_non_null(l);
		assert_true(!strncmp(l, m->trailers[i].key,
				     strlen(m->trailers[i].key)));
		free(l);
	}
}

/* The diff starts where the file says, and the patch agrees. */
static void check_diff_line(const struct mail *m)
{
	unsigned want = line_of(m->path, m->line, "diff --git ");

	assert_true(m->has_patch);
	assert_int_not_equal(want, 0);
	assert_int_equal(m->diff_line, want);
	assert_true(m->patch.nr >= 1);
	assert_int_equal(m->patch.files[0].line, want);
}

/* The first '+' line of the first hunk. */
static const char *first_added(const struct mail *m)
{
	const struct patch_hunk *h;

	assert_true(m->patch.nr >= 1 && m->patch.files[0].nr >= 1);
	h = &m->patch.files[0].hunks[0];
	for (size_t i = 0; i < h->nr; i++)
		if (h->lines[i].kind == PATCH_LINE_ADD)
			return h->lines[i].text;
	fail_msg("no added line");
	return NULL;
}

/* Write `len` bytes to a fresh temporary file; caller unlinks and frees. */
static char *write_temp(const char *data, size_t len)
{
	char *path = xstrdup("/tmp/test-mail-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* ---- RFC 822 mails ---------------------------------------------------- */

static void test_plain_format_patch(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	struct strbuf file = STRBUF_INIT;
	const struct mail *m;
	const struct trailer *t;

	(void)state;
	read_ok(&ml, "0001-mm-return-ten-from-a.patch");
	assert_int_equal(ml.nr, 1);
	m = ml.mails[0];
	assert_int_equal(strbuf_read_file(&file, m->path), 0);
	assert_int_equal(m->raw_len, file.len);
	assert_memory_equal(m->raw, file.buf, file.len);
	assert_int_equal(m->number, 1);
	assert_int_equal(m->line, 1);
	assert_false(m->web_archive);
	assert_false(m->addresses_obfuscated);
	assert_string_equal(m->from_name, "Ada Lovelace");
	assert_string_equal(m->from_email, "ada@example.org");
	assert_string_equal(m->author_name, "Ada Lovelace");
	assert_string_equal(m->date, "Thu, 28 May 2026 05:00:59 +0200");
	assert_int_equal(m->date_epoch, 1779937259);
	assert_string_equal(m->subject, "[PATCH] mm: return ten from a()");
	assert_true(m->subj.is_patch);
	assert_string_equal(m->subj.title, "mm: return ten from a()");
	assert_null(m->message_id);
	assert_null(m->in_reply_to);
	assert_true(starts_with(m->message, "a() returned 1, which"));
	assert_true(ends_with(
		m->message,
		"Reviewed-by: Carol Reviewer <carol@example.org> # for the mm part\n"));
	assert_int_equal(m->message_line, line_of(m->path, 1, "a() returned"));
	assert_non_null(m->notes);
	assert_true(starts_with(m->notes, " mm/mmu.c | 2 +-\n"));
	assert_null(strstr(m->notes, "diff --git"));
	check_diff_line(m);
	assert_string_equal(m->patch.files[0].new_path, "mm/mmu.c");

	assert_int_equal(m->trailers_nr, 6);
	check_trailer_lines(m);
	t = trailer(m, "Fixes", 0);
	assert_non_null(t);
	assert_int_equal(t->kind, TRAILER_FIXES);
	assert_string_equal(t->fixes_sha, "0123456789ab");
	assert_string_equal(t->fixes_subject, "mm: add a() and b()");
	t = trailer(m, "Link", 0);
	assert_int_equal(t->kind, TRAILER_LINK);
	assert_string_equal(
		t->value,
		"https://lore.kernel.org/r/20260528-a@example.org/#t");
	assert_null(t->comment);
	t = trailer(m, "Reviewed-by", 0);
	assert_int_equal(t->kind, TRAILER_REVIEWED_BY);
	assert_string_equal(t->value, "Carol Reviewer <carol@example.org>");
	assert_string_equal(t->comment, "for the mm part");
	assert_int_equal(trailer(m, "Reported-by", 0)->kind,
			 TRAILER_REPORTED_BY);
	assert_int_equal(trailer(m, "Signed-off-by", 0)->kind,
			 TRAILER_SIGNED_OFF_BY);

	assert_true(m->stable.present);
	assert_string_equal(m->stable.qualifier, "v6.1+");
	assert_int_equal(m->stable.min, 6001);
	assert_int_equal(m->stable.max, 0);
	assert_int_equal(m->stable.line, line_of(m->path, 1, "Cc: stable@"));
	assert_null(m->upstream_commit);
	strbuf_release(&file);
	mail_list_release(&ml);
}

static void test_mbox_series(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	struct strbuf file = STRBUF_INIT, joined = STRBUF_INIT;
	unsigned from_line = 1;

	(void)state;
	read_ok(&ml, "series.mbox");
	assert_int_equal(ml.nr, 4);
	assert_int_equal(strbuf_read_file(&file, ml.mails[0]->path), 0);
	for (size_t i = 0; i < ml.nr; i++) {
		const struct mail *m = ml.mails[i];

		from_line = line_of(m->path, from_line, "From ");
		assert_int_equal(m->number, i + 1);
		assert_int_equal(m->line, from_line);
		assert_true(starts_with(m->raw, "From "));
		strbuf_add(&joined, m->raw, m->raw_len);
		assert_int_equal(m->subj.index, i);
		assert_int_equal(m->subj.total, 3);
		assert_non_null(m->message_id);
		assert_null(strchr(m->message_id, '<'));
		from_line++;
		if (!i)
			continue;
		assert_string_equal(m->in_reply_to, ml.mails[0]->message_id);
		check_diff_line(m);
		check_trailer_lines(m);
	}
	/* The slices cover the file. */
	assert_int_equal(joined.len, file.len);
	assert_memory_equal(joined.buf, file.buf, file.len);

	/* The cover letter: its interdiff is not a patch. */
	assert_true(mail_is_cover(ml.mails[0]));
	assert_false(ml.mails[0]->has_patch);
	assert_non_null(strstr(ml.mails[0]->message, "Interdiff against v1:"));
	assert_string_equal(ml.mails[0]->subj.title,
			    "mm: make a(), b() and c() return more");
	assert_false(mail_is_cover(ml.mails[1]));
	assert_string_equal(ml.mails[3]->subj.title, "mm: add c()");
	assert_true(ml.mails[1]->stable.present);
	assert_false(ml.mails[2]->stable.present);
	strbuf_release(&file);
	strbuf_release(&joined);
	mail_list_release(&ml);
}

/* Mails are appended; a failed read appends nothing. */
static void test_append(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	char *bad = fixture("truncated.mbox");

	(void)state;
	read_ok(&ml, "0001-mm-return-ten-from-a.patch");
	read_ok(&ml, "series.mbox");
	assert_int_equal(ml.nr, 5);
	assert_int_equal(mail_read_file(&ml, bad), -1);
	assert_int_equal(ml.nr, 5);
	assert_int_equal(ml.mails[4]->number, 4);
	free(bad);
	mail_list_release(&ml);
	assert_int_equal(ml.nr, 0);
}

/* The same text, quoted-printable and base64, decodes to the same. */
static void test_qp_and_base64(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *qp, *b64;

	(void)state;
	read_ok(&ml, "qp.eml");
	read_ok(&ml, "base64.eml");
	assert_int_equal(ml.nr, 2);
	qp = ml.mails[0];
	b64 = ml.mails[1];
	assert_null(strstr(qp->message, "=3D"));
	assert_null(strstr(qp->message, "=\n"));
	assert_true(starts_with(
		qp->message,
		"Set limit = n * 1000 so that zapping a large memslot terminates instead of looping forever"));
	assert_string_equal(qp->message, b64->message);
	assert_string_equal(qp->notes, b64->notes);
	assert_true(qp->has_patch && b64->has_patch);
	assert_string_equal(
		first_added(qp),
		"\tint limit = n * 1000; /* scale the limit with n, so that large memslots terminate */");
	assert_string_equal(first_added(qp), first_added(b64));
	assert_string_equal(qp->patch.patch_id, b64->patch.patch_id);
	assert_int_equal(qp->subj.index, 1);
	assert_int_equal(b64->subj.index, 2);
	/* Decoded lines: the soft break joined two lines of the file. */
	assert_int_equal(qp->diff_line, line_of(qp->path, 1, "diff --git") - 1);
	assert_int_equal(b64->message_line, first_blank(b64->path) + 1);
	mail_list_release(&ml);
}

static void test_latin1_and_rfc2047(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;

	(void)state;
	read_ok(&ml, "latin1.eml");
	m = ml.mails[0];
	assert_string_equal(m->from_name, "J\xc3\xb6rg M\xc3\xbcller");
	assert_string_equal(m->from_email, "joerg@example.org");
	assert_string_equal(m->subj.title, "mm: caf\xc3\xa9 limit");
	assert_true(starts_with(
		m->message,
		"The caf\xc3\xa9 limit was too low, J\xc3\xb6rg says.\n"));
	assert_string_equal(trailer(m, "Signed-off-by", 0)->value,
			    "J\xc3\xb6rg M\xc3\xbcller <joerg@example.org>");
	check_diff_line(m);
	check_trailer_lines(m);
	mail_list_release(&ml);
}

/* CRLF: the same mail as the LF one, no CR left anywhere. */
static void test_crlf(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *lf, *crlf;

	(void)state;
	read_ok(&ml, "0001-mm-return-ten-from-a.patch");
	read_ok(&ml, "crlf.eml");
	lf = ml.mails[0];
	crlf = ml.mails[1];
	assert_null(strchr(crlf->message, '\r'));
	assert_null(strchr(crlf->notes, '\r'));
	assert_null(strchr(crlf->subject, '\r'));
	assert_string_equal(crlf->message, lf->message);
	assert_string_equal(crlf->notes, lf->notes);
	assert_string_equal(crlf->subject, lf->subject);
	assert_int_equal(crlf->trailers_nr, lf->trailers_nr);
	assert_int_equal(crlf->stable.min, lf->stable.min);
	assert_int_equal(crlf->diff_line, lf->diff_line);
	assert_true(crlf->has_patch);
	assert_string_equal(crlf->patch.patch_id, lf->patch.patch_id);
	assert_string_equal(first_added(crlf), first_added(lf));
	mail_list_release(&ml);
}

static void test_format_flowed(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;
	const struct patch_hunk *h;

	(void)state;
	read_ok(&ml, "flowed.eml");
	m = ml.mails[0];
	assert_true(starts_with(
		m->message,
		"Set limit = n * 1000 so that zapping a large memslot terminates instead of looping forever.\n"));
	assert_string_equal(
		trailer(m, "Link", 0)->value,
		"https://lore.kernel.org/r/20260528-zap-limit-for-large-memslots@example.org");
	assert_true(m->has_patch);
	h = &m->patch.files[0].hunks[0];
	assert_int_equal(h->lines[0].kind, PATCH_LINE_CONTEXT);
	assert_string_equal(h->lines[0].text, "int zap(int n)");
	assert_false(patch_is_damaged(&m->patch));
	mail_list_release(&ml);
}

static void test_multipart(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;

	(void)state;
	read_ok(&ml, "multipart.eml");
	read_ok(&ml, "multipart-octet.eml");
	m = ml.mails[0];
	assert_true(starts_with(
		m->message,
		"Set limit = n * 1000 so that zapping a large memslot terminates.\n"));
	assert_null(strstr(m->message, "This is a multi-part message"));
	assert_null(strstr(m->message, "b0undary"));
	check_diff_line(m);
	check_trailer_lines(m);
	assert_string_equal(m->patch.files[0].new_path, "mm/zap.c");
	assert_true(m->stable.present);
	assert_int_equal(m->stable.min, 5015);
	assert_int_equal(m->stable.max, 6006);

	m = ml.mails[1];
	assert_true(m->has_patch);
	assert_string_equal(
		m->message,
		"Set limit = n * 1000.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\n");
	assert_string_equal(m->patch.files[0].new_path, "mm/zap.c");
	assert_string_equal(m->patch.patch_id, ml.mails[0]->patch.patch_id);

	/* multipart/alternative inside multipart/mixed, a text/plain patch */
	read_ok(&ml, "nested.eml");
	m = ml.mails[2];
	assert_string_equal(m->message,
			    "The message.\n\nSigned-off-by: Ada <ada@example.org>\n");
	assert_int_equal(m->message_line, line_of(m->path, 1, "The message."));
	check_trailer_lines(m);
	check_diff_line(m);
	mail_list_release(&ml);
}

static void test_maildir_file(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;

	(void)state;
	read_ok(&ml, "maildir-1780000000.M1P2.host:2,S");
	assert_int_equal(ml.nr, 1);
	m = ml.mails[0];
	assert_string_equal(m->from_email, "ada@example.org");
	assert_string_equal(m->subj.prefix, "PATCH 6.12.y");
	assert_string_equal(m->upstream_commit,
			    "0123456789abcdef0123456789abcdef01234567");
	check_diff_line(m);
	mail_list_release(&ml);
}

/* In-body From:, Subject:, Date: override the header's (git am). */
static void test_inbody_headers(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;

	(void)state;
	read_ok(&ml, "inbody.eml");
	m = ml.mails[0];
	assert_string_equal(m->from_name, "Ada Lovelace");
	assert_string_equal(m->author_name, "J\xc3\xb6rg M\xc3\xbcller");
	assert_string_equal(m->author_email, "joerg@example.org");
	assert_string_equal(m->subj.title, "mm: the real title");
	assert_int_equal(m->subj.version, 5);
	assert_int_equal(m->subj.index, 3);
	assert_string_equal(m->date, "Mon, 1 Jun 2026 12:00:00 +0000");
	assert_int_equal(m->date_epoch, 1780315200);
	assert_true(starts_with(m->message, "The body.\n"));
	assert_int_equal(m->message_line, line_of(m->path, 1, "The body."));
	check_trailer_lines(m);
	mail_list_release(&ml);
}

static void test_reply_and_no_diff(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;

	(void)state;
	read_ok(&ml, "reply.eml");
	read_ok(&ml, "nodiff.eml");
	m = ml.mails[0];
	assert_true(m->subj.reply);
	assert_false(m->has_patch);
	assert_string_equal(m->in_reply_to, "20260626-split-6@google.com");
	assert_string_equal(m->subj.title,
			    "KVM: x86/mmu: Split kvm_mmu_zap_all_fast()");
	assert_int_equal(m->trailers_nr, 1);
	assert_int_equal(m->trailers[0].kind, TRAILER_REVIEWED_BY);
	m = ml.mails[1];
	assert_false(m->subj.reply);
	assert_false(m->has_patch);
	assert_false(mail_is_cover(m));
	assert_true(starts_with(m->message, "This patch lost its diff"));
	mail_list_release(&ml);
}

/* ---- the seeds -------------------------------------------------------- */

/* "Thu May 28 2026 - 05:00:59 EST" */
static time_t est(int y, int mon, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900,
			 .tm_mon = mon - 1,
			 .tm_mday = d,
			 .tm_hour = h,
			 .tm_min = mi,
			 .tm_sec = s };

	return timegm(&tm) + 5 * 3600;
}

/* The address: the mail's, else the author's own Signed-off-by's. */
static void test_author_address(void **state)
{
	struct trailer t[2] = {
		{ .kind = TRAILER_SIGNED_OFF_BY,
		  .value = "Someone Else <else@example.org>" },
		{ .kind = TRAILER_SIGNED_OFF_BY,
		  .value = "Ann Author <ann@example.org>" },
	};
	struct mail m = MAIL_INIT;
	char *a;

	(void)state;
	m.author_name = "Ann Author";
	m.trailers = t;
	m.trailers_nr = 2;
	a = mail_author_address(&m);
	assert_string_equal(a, "ann@example.org");
	free(a);
	m.author_email = "ann@kernel.org";
	a = mail_author_address(&m);
	assert_string_equal(a, "ann@kernel.org");
	free(a);
	m.author_email = NULL;
	m.trailers_nr = 1;
	a = mail_author_address(&m);
	assert_string_equal(a, "unknown@unknown");
	free(a);
}

static void test_seed_fold(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;

	(void)state;
	read_ok(&ml, "kvm-mmu-fold-set_external_spte_present-v3-03of15.txt");
	assert_int_equal(ml.nr, 1);
	m = ml.mails[0];
	assert_true(m->web_archive);
	assert_true(m->addresses_obfuscated);
	assert_string_equal(m->from_name, "Yan Zhao");
	assert_null(m->from_email);
	assert_string_equal(m->author_name, "Sean Christopherson");
	assert_string_equal(m->author_email, "seanjc@xxxxxxxxxx");
	assert_string_equal(m->date, "Thu May 28 2026 - 05:00:59 EST");
	assert_int_equal(m->date_epoch, est(2026, 5, 28, 5, 0, 59));
	assert_true(m->subj.is_patch);
	assert_int_equal(m->subj.version, 3);
	assert_int_equal(m->subj.index, 3);
	assert_int_equal(m->subj.total, 15);
	assert_string_equal(m->subj.prefix, "PATCH v3 03/15");
	assert_string_equal(
		m->subj.title,
		"KVM: x86/mmu: Fold set_external_spte_present() into its sole caller");
	assert_null(m->message_id);
	assert_false(m->stable.present);
	assert_true(stable_tag_wants(&m->stable, 6001));
	assert_true(starts_with(m->message,
				"Fold set_external_spte_present() into"));
	assert_null(strstr(m->message, "From:"));
	assert_int_equal(m->message_line,
			 line_of(m->path, 1,
				 "Fold set_external_spte_present()"));
	assert_true(starts_with(m->notes, "MMU_refactors v3:\n"));
	assert_int_equal(m->trailers_nr, 2);
	assert_string_equal(m->trailers[1].value,
			    "Yan Zhao <yan.y.zhao@xxxxxxxxx>");
	check_trailer_lines(m);
	check_diff_line(m);
	assert_string_equal(m->patch.files[0].new_path,
			    "arch/x86/kvm/mmu/tdp_mmu.c");
	assert_true(patch_is_damaged(&m->patch));
	mail_list_release(&ml);
}

static void test_seed_split(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;

	(void)state;
	read_ok(&ml, "kvm-mmu-split-zap_all_fast-v2-6of9.txt");
	m = ml.mails[0];
	assert_true(m->web_archive);
	assert_string_equal(m->from_name, "Sean Christopherson");
	assert_string_equal(m->author_name, "Sean Christopherson");
	assert_null(m->author_email);
	assert_int_equal(m->date_epoch, est(2026, 6, 26, 19, 17, 35));
	assert_int_equal(m->subj.version, 2);
	assert_int_equal(m->subj.index, 6);
	assert_int_equal(m->subj.total, 9);
	assert_string_equal(m->subj.prefix, "PATCH v2 6/9");
	assert_null(m->message_id);
	/* The empty lines are lost: trailers end the only paragraph. */
	assert_int_equal(m->trailers_nr, 2);
	assert_int_equal(m->trailers[0].kind, TRAILER_CC);
	check_trailer_lines(m);
	assert_true(m->stable.present);
	assert_string_equal(m->stable.qualifier, "6.12.x");
	assert_int_equal(m->stable.min, 6012);
	assert_int_equal(m->stable.max, 0);
	assert_int_equal(m->stable.line, line_of(m->path, 1, "Cc: stable@"));
	assert_false(stable_tag_wants(&m->stable, 6001));
	assert_true(stable_tag_wants(&m->stable, 6012));
	assert_true(stable_tag_wants(&m->stable, 7003));
	assert_true(starts_with(m->notes, "arch/x86/kvm/mmu/mmu.c | 48"));
	check_diff_line(m);
	assert_true(patch_is_damaged(&m->patch));
	mail_list_release(&ml);
}

/* ---- subjects, trailers, stable, upstream ----------------------------- */

static void test_subject_table(void **state)
{
	static const struct {
		const char *subject;
		bool is_patch, rfc, resend, reply;
		unsigned version, index, total;
		const char *prefix, *title;
	} t[] = {
		{ "[PATCH v3 03/15] KVM: x86/mmu: Fold", 1, 0, 0, 0, 3, 3, 15,
		  "PATCH v3 03/15", "KVM: x86/mmu: Fold" },
		{ "[PATCH 6/9] mm: x", 1, 0, 0, 0, 1, 6, 9, "PATCH 6/9",
		  "mm: x" },
		{ "[RFC PATCH v2 1/3] a: b", 1, 1, 0, 0, 2, 1, 3,
		  "RFC PATCH v2 1/3", "a: b" },
		{ "[PATCH RESEND v2 0/2] cover", 1, 0, 1, 0, 2, 0, 2,
		  "PATCH RESEND v2 0/2", "cover" },
		{ "[PATCH net-next v4 2/7] net: y", 1, 0, 0, 0, 4, 2, 7,
		  "PATCH net-next v4 2/7", "net: y" },
		{ "[PATCH 6.12.y 1/2] mm: z", 1, 0, 0, 0, 1, 1, 2,
		  "PATCH 6.12.y 1/2", "mm: z" },
		{ "Re: [PATCH v2 6/9] KVM: split", 1, 0, 0, 1, 2, 6, 9,
		  "PATCH v2 6/9", "KVM: split" },
		{ "RE: Re: [PATCH] x", 1, 0, 0, 1, 1, 0, 0, "PATCH", "x" },
		{ "[PATCH] x: y", 1, 0, 0, 0, 1, 0, 0, "PATCH", "x: y" },
		{ "[PATCH] [stable] x: y", 1, 0, 0, 0, 1, 0, 0, "PATCH stable",
		  "x: y" },
		{ "[PATCHv2 3/4] x", 1, 0, 0, 0, 2, 3, 4, "PATCHv2 3/4", "x" },
		{ "[PATCH AUTOSEL 6.1 3/5] x", 1, 0, 0, 0, 1, 3, 5,
		  "PATCH AUTOSEL 6.1 3/5", "x" },
		{ "  [ PATCH  v10  10/12 ]   spaced  ", 1, 0, 0, 0, 10, 10, 12,
		  "PATCH  v10  10/12", "spaced" },
		{ "mm: no prefix", 0, 0, 0, 0, 1, 0, 0, NULL, "mm: no prefix" },
		{ "Re: question", 0, 0, 0, 1, 1, 0, 0, NULL, "question" },
		{ "[GIT PULL] kvm", 0, 0, 0, 0, 1, 0, 0, "GIT PULL", "kvm" },
		{ "", 0, 0, 0, 0, 1, 0, 0, NULL, "" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct mail_subject s = MAIL_SUBJECT_INIT;

		mail_subject_parse(&s, t[i].subject);
		print_message("# subject '%s'\n", t[i].subject);
		assert_int_equal(s.is_patch, t[i].is_patch);
		assert_int_equal(s.rfc, t[i].rfc);
		assert_int_equal(s.resend, t[i].resend);
		assert_int_equal(s.reply, t[i].reply);
		assert_int_equal(s.version, t[i].version);
		assert_int_equal(s.index, t[i].index);
		assert_int_equal(s.total, t[i].total);
		if (t[i].prefix)
			assert_string_equal(s.prefix, t[i].prefix);
		else
			assert_null(s.prefix);
		assert_string_equal(s.title, t[i].title);
		/* Parsing again releases what was there. */
		mail_subject_parse(&s, t[i].subject);
		assert_string_equal(s.title, t[i].title);
		mail_subject_release(&s);
	}
}

static void test_trailers(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;
	const struct trailer *t;

	(void)state;
	read_ok(&ml, "trailers.eml");
	m = ml.mails[0];
	/* "Note:" is prose; both trailer paragraphs count. */
	assert_null(trailer(m, "Note", 0));
	assert_int_equal(m->trailers_nr, 11);
	check_trailer_lines(m);
	for (size_t i = 1; i < m->trailers_nr; i++)
		assert_true(m->trailers[i].line > m->trailers[i - 1].line);
	t = trailer(m, "Reported-and-tested-by", 0);
	assert_int_equal(t->kind, TRAILER_OTHER);
	assert_string_equal(t->value, "Dave Tester <dave@example.org>");
	t = trailer(m, "Closes", 0);
	assert_int_equal(t->kind, TRAILER_CLOSES);
	assert_string_equal(
		t->value,
		"https://bugzilla.example.org/show_bug.cgi?id=1234#c5");
	t = trailer(m, "Fixes", 0);
	assert_string_equal(t->fixes_sha, "abcdef1");
	assert_string_equal(t->fixes_subject, "mm: (re)add the \"zap\" limit");
	t = trailer(m, "Fixes", 1);
	assert_string_equal(t->fixes_sha,
			    "0123456789abcdef0123456789abcdef01234567");
	assert_null(t->fixes_subject);
	assert_int_equal(trailer(m, "Co-developed-by", 0)->kind,
			 TRAILER_CO_DEVELOPED_BY);
	assert_int_equal(trailer(m, "Suggested-by", 0)->kind,
			 TRAILER_SUGGESTED_BY);
	t = trailer(m, "Acked-by", 0);
	assert_int_equal(t->kind, TRAILER_ACKED_BY);
	assert_string_equal(t->value, "Grace Acker <grace@example.org>");
	assert_string_equal(t->comment, "mm");
	assert_int_equal(trailer(m, "Tested-by", 0)->kind, TRAILER_TESTED_BY);
	assert_int_equal(trailer(m, "Cc", 0)->kind, TRAILER_CC);
	assert_string_equal(trailer(m, "Signed-off-by", 1)->value,
			    "Ada Lovelace <ada@example.org>");
	assert_false(m->stable.present);
	mail_list_release(&ml);
}

static void test_stable_qualifiers(void **state)
{
	static const struct {
		const char *q;
		int ret;
		unsigned min, max;
		bool w61, w612, w73; /* wants 6.1, 6.12, 7.3 */
	} t[] = {
		{ "6.12.x", 0, 6012, 0, 0, 1, 1 },
		{ "6.12.y", 0, 6012, 0, 0, 1, 1 },
		{ "v6.1+", 0, 6001, 0, 1, 1, 1 },
		{ "6.1+", 0, 6001, 0, 1, 1, 1 },
		{ "6.1", 0, 6001, 0, 1, 1, 1 },
		{ "v6.1", 0, 6001, 0, 1, 1, 1 },
		{ " 6.1.x ", 0, 6001, 0, 1, 1, 1 },
		{ "5.15.y-6.6.y", 0, 5015, 6006, 1, 0, 0 },
		{ "5.15-6.6", 0, 5015, 6006, 1, 0, 0 },
		{ "v5.15 - v6.12", 0, 5015, 6012, 1, 1, 0 },
		{ "6.1.123", 0, 6001, 0, 1, 1, 1 },
		{ "7.3", 0, 7003, 0, 0, 0, 1 },
		{ "5.10.x: 1234abcd: mm: prep", 0, 5010, 0, 1, 1, 1 },
		{ "needs 1234abcd", -1, 0, 0, 1, 1, 1 },
		{ "", -1, 0, 0, 1, 1, 1 },
		{ "6", -1, 0, 0, 1, 1, 1 },
		{ "6.6-5.15", -1, 0, 0, 1, 1, 1 },
		{ "6.12x", -1, 0, 0, 1, 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct stable_tag tag = STABLE_TAG_INIT;

		print_message("# qualifier '%s'\n", t[i].q);
		tag.present = true;
		tag.min = tag.max = 99;
		error_clear();
		assert_int_equal(stable_tag_parse_qualifier(&tag, t[i].q),
				 t[i].ret);
		if (t[i].ret < 0)
			assert_non_null(strstr(error_last(), t[i].q));
		assert_int_equal(tag.min, t[i].min);
		assert_int_equal(tag.max, t[i].max);
		assert_int_equal(stable_tag_wants(&tag, 6001), t[i].w61);
		assert_int_equal(stable_tag_wants(&tag, 6012), t[i].w612);
		assert_int_equal(stable_tag_wants(&tag, 7003), t[i].w73);
		stable_tag_release(&tag);
	}
}

static void test_stable_lines(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;
	struct stable_tag none = STABLE_TAG_INIT;

	(void)state;
	assert_true(stable_tag_wants(&none, 3016));
	read_ok(&ml, "stable.mbox");
	assert_int_equal(ml.nr, 4);
	/* "# 6.6.x", "# 5.15-6.1", "#v6.1": the widest is 5.15 and newer. */
	m = ml.mails[0];
	assert_true(m->stable.present);
	assert_int_equal(m->stable.min, 5015);
	assert_int_equal(m->stable.max, 0);
	assert_string_equal(m->stable.qualifier, "5.15-6.1");
	assert_int_equal(m->stable.line,
			 line_of(m->path, m->line, "Cc: Stable Team"));
	assert_true(stable_tag_wants(&m->stable, 7003));
	assert_false(stable_tag_wants(&m->stable, 5010));
	/* A comment that is no version: kept, no bounds. */
	m = ml.mails[1];
	assert_true(m->stable.present);
	assert_string_equal(m->stable.qualifier, "needs 1234abcd");
	assert_int_equal(m->stable.min, 0);
	assert_int_equal(m->stable.max, 0);
	assert_true(stable_tag_wants(&m->stable, 4019));
	/* Neither linux-stable@ nor stable@vger.kernel.org.example.com. */
	m = ml.mails[2];
	assert_false(m->stable.present);
	assert_int_equal(m->trailers_nr, 3);
	/* A web archive's "stable@xxxxxxxxxxxxxxx", the older "[4.4+]". */
	m = ml.mails[3];
	assert_true(m->stable.present);
	assert_true(m->addresses_obfuscated);
	assert_string_equal(m->stable.qualifier, "4.4+");
	assert_int_equal(m->stable.min, 4004);
	assert_int_equal(m->stable.max, 0);
	mail_list_release(&ml);
}

static void test_upstream_commit(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	const struct mail *m;

	(void)state;
	read_ok(&ml, "greg.eml");
	read_ok(&ml, "sasha.eml");
	read_ok(&ml, "0001-mm-return-ten-from-a.patch");
	m = ml.mails[0];
	/* The stable review preamble is dropped, the in-body From taken. */
	assert_string_equal(m->upstream_commit,
			    "0123456789abcdef0123456789abcdef01234567");
	assert_true(starts_with(m->message, "commit 0123456789abcdef"));
	assert_null(strstr(m->message, "review patch"));
	assert_int_equal(m->subj.index, 12);
	assert_int_equal(m->subj.total, 345);
	check_diff_line(m);
	m = ml.mails[1];
	assert_string_equal(m->upstream_commit,
			    "fedcba9876543210fedcba9876543210fedcba98");
	assert_string_equal(m->author_email, "ada@example.org");
	/* "[ Fixed conflict ... ]" sits inside the trailer block. */
	assert_int_equal(m->trailers_nr, 2);
	assert_string_equal(m->trailers[1].value,
			    "Sasha Levin <sashal@kernel.org>");
	check_trailer_lines(m);
	assert_null(ml.mails[2]->upstream_commit);
	mail_list_release(&ml);
}

/* ---- errors ----------------------------------------------------------- */

static void expect_error(const char *path, const char *what)
{
	struct mail_list ml = MAIL_LIST_INIT;

	error_clear();
	assert_int_equal(mail_read_file(&ml, path), -1);
	assert_int_equal(ml.nr, 0);
	print_message("# %s\n", error_last());
	assert_non_null(strstr(error_last(), path));
	if (what)
		assert_non_null(strstr(error_last(), what));
}

static void test_errors(void **state)
{
	static const struct {
		const char *name, *what;
	} t[] = {
		{ "not-a-mail.txt", "is not a mail: line 1" },
		{ "truncated.mbox", "mail 4: line" },
		{ "truncated-mime.mbox", "mail 2: line" },
		{ "nul.eml", "mail 1: line 8: NUL byte" },
		{ "unknown-charset.eml", "unknown charset 'x-klingon-42'" },
		{ "does-not-exist.eml", NULL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *path = fixture(t[i].name);

		expect_error(path, t[i].what);
		free(path);
	}
}

/* A 2 MiB line, and a NUL that only base64 decoding reveals. */
static void test_errors_generated(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	static const char body[] = "A message\0with a NUL.\n";
	gchar *b64 = g_base64_encode((const guchar *)body, sizeof(body) - 1);
	char *path;

	(void)state;
	strbuf_addstr(&sb, "From: A <a@example.org>\nSubject: [PATCH] x\n\n");
	for (size_t i = 0; i < 2 * 1024 * 1024; i++)
		strbuf_addch(&sb, 'x');
	strbuf_addstr(&sb, "\n");
	path = write_temp(sb.buf, sb.len);
	expect_error(path, "mail 1: line 4: line longer than 1 MiB");
	unlink(path);
	free(path);

	strbuf_reset(&sb);
	strbuf_addf(&sb,
		    "From: A <a@example.org>\nSubject: [PATCH] x\n"
		    "Content-Transfer-Encoding: base64\n\n%s\n",
		    b64);
	path = write_temp(sb.buf, sb.len);
	expect_error(path, "NUL byte in the decoded body");
	unlink(path);
	free(path);
	g_free(b64);
	strbuf_release(&sb);
}

/* ---- hostile input (tests/fuzz/regress/mail) -------------------------- */

static char *regress(const char *name)
{
	const char *top = getenv("BACKPORT_TOP");

	return xstrfmt("%s/tests/fuzz/regress/mail/%s", top ? top : ".", name);
}

/*
 * A web-archive head whose "From:" comes after another line: the
 * detector and the reader agree (that line wrapped the subject), so the
 * sender is never missing (was a NULL strdup, SIGSEGV in import).
 */
static void test_web_head(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	char *path = regress("web-from-after-subject-line");
	const struct mail *m;

	(void)state;
	assert_int_equal(mail_read_file(&ml, path), 0);
	assert_int_equal(ml.nr, 1);
	m = ml.mails[0];
	assert_true(m->web_archive);
	assert_string_equal(m->subject, "[ m");
	assert_string_equal(m->from_name, "");
	assert_string_equal(m->author_name, "");
	assert_false(m->has_patch);
	mail_list_release(&ml);
	free(path);

	path = regress("web-wrapped-subject.txt");
	assert_int_equal(mail_read_file(&ml, path), 0);
	m = ml.mails[0];
	assert_string_equal(m->subject, "[PATCH] a subject that a web archive "
					"wrapped onto a second line");
	assert_string_equal(m->from_name, "Ada Lovelace");
	assert_non_null(m->date);
	assert_int_equal(m->message_line, 6);
	mail_list_release(&ml);
	free(path);

	/* A Date: line, then another line, then From: is no head at all. */
	path = regress("web-date-other-from.txt");
	expect_error(path, "is not a mail");
	free(path);
}

/* Line numbers of each mail in an mbox, counted on from the last mail. */
static void test_mbox_lines(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	char *path = regress("mbox-64-mails.mbox");
	unsigned from_line = 1;

	(void)state;
	assert_int_equal(mail_read_file(&ml, path), 0);
	assert_int_equal(ml.nr, 64);
	for (size_t i = 0; i < ml.nr; i++) {
		const struct mail *m = ml.mails[i];

		from_line = line_of(path, from_line, "From ");
		assert_int_equal(m->line, from_line);
		assert_int_equal(m->subj.index, i + 1);
		check_diff_line(m);
		from_line++;
	}
	mail_list_release(&ml);
	free(path);
}

/*
 * Sibling multiparts, each closed inside its parent; an inner multipart
 * whose closing delimiter only comes after its parent's next delimiter
 * is truncated.
 */
static void test_multipart_siblings(void **state)
{
	struct mail_list ml = MAIL_LIST_INIT;
	char *path = regress("multipart-siblings.eml");
	const struct mail *m;

	(void)state;
	assert_int_equal(mail_read_file(&ml, path), 0);
	m = ml.mails[0];
	assert_true(m->has_patch);
	assert_string_equal(m->message, "The message.\n");
	check_diff_line(m);
	mail_list_release(&ml);
	free(path);

	path = regress("multipart-inner-closed-outside.eml");
	expect_error(path, "without its closing boundary '--inner--'");
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_format_patch),
		cmocka_unit_test(test_mbox_series),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_qp_and_base64),
		cmocka_unit_test(test_latin1_and_rfc2047),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_format_flowed),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_maildir_file),
		cmocka_unit_test(test_inbody_headers),
		cmocka_unit_test(test_reply_and_no_diff),
		cmocka_unit_test(test_author_address),
		cmocka_unit_test(test_seed_fold),
		cmocka_unit_test(test_seed_split),
		cmocka_unit_test(test_subject_table),
		cmocka_unit_test(test_trailers),
		cmocka_unit_test(test_stable_qualifiers),
		cmocka_unit_test(test_stable_lines),
		cmocka_unit_test(test_upstream_commit),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_generated),
		cmocka_unit_test(test_web_head),
		cmocka_unit_test(test_mbox_lines),
		cmocka_unit_test(test_multipart_siblings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
