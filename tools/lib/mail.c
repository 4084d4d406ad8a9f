// SPDX-License-Identifier: GPL-2.0
/*
 * mail: read patch mails (RFC 822 mail, mbox, maildir file, web-archive
 * text), decode them with GMime and take them apart. See mail.h.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "lib/mail.h"
#include "lib/mailtext.h"
#include "lib/trailer.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Lines longer than this are refused, in the file and in decoded text. */
#define MAIL_MAX_LINE (1024 * 1024)

/* Where errors point: the file, the mail in it. */
struct mail_ctx {
	const char *path;
	unsigned nr;
};

/* ---- small text helpers ---------------------------------------------- */

static unsigned count_lines(const char *p, const char *end)
{
	unsigned n = 0;

	while ((p = memchr(p, '\n', end - p))) {
		n++;
		p++;
	}
	return n;
}

/* "---" alone on its line (trailing blanks allowed), as git am wants. */
static bool is_separator(const char *p, const char *e)
{
	return e - p >= 3 && !memcmp(p, "---", 3) && is_blank(p + 3, e);
}

/*
 * Refuse NUL bytes and overlong lines in [buf, end), whose first line is
 * line `line` of the file.
 */
static int check_text(const struct mail_ctx *ctx, const char *buf,
		      const char *end, unsigned line, const char *what)
{
	const char *p = buf;

	while (p < end) {
		const char *e = eol(p, end);
		const char *nul = memchr(p, '\0', e - p);

		if (nul)
			return error_set(
				"'%s': mail %u: line %u: NUL byte in %s",
				ctx->path, ctx->nr, line, what);
		if (e - p > MAIL_MAX_LINE)
			return error_set(
				"'%s': mail %u: line %u: line longer than 1 MiB in %s",
				ctx->path, ctx->nr, line, what);
		p = next_line(p, end);
		line++;
	}
	return 0;
}

/* CRLF (and a lone CR at the end) to LF, in place. */
static void crlf_to_lf(struct strbuf *sb)
{
	size_t i, j = 0;

	for (i = 0; i < sb->len; i++) {
		if (sb->buf[i] == '\r' &&
		    (i + 1 == sb->len || sb->buf[i + 1] == '\n'))
			continue;
		sb->buf[j++] = sb->buf[i];
	}
	strbuf_setlen(sb, j);
}

/*
 * Undo format=flowed (RFC 3676): drop the space-stuffing, join a line
 * that ends in a blank (a soft break) with the next, deleting that blank
 * when DelSp=yes. The signature separator "-- " is not flowed.
 */
static void unflow(struct strbuf *sb, bool delsp)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = sb->buf, *end = sb->buf + sb->len;

	while (p < end) {
		const char *e = eol(p, end);
		bool has_nl = e < end;

		if (p < e && *p == ' ')
			p++;
		if (e > p && e[-1] == ' ' &&
		    !(e - p == 3 && !memcmp(p, "-- ", 3))) {
			strbuf_add(&out, p, e - p - (delsp ? 1 : 0));
		} else {
			strbuf_add(&out, p, e - p);
			if (has_nl)
				strbuf_addch(&out, '\n');
		}
		p = has_nl ? e + 1 : end;
	}
	strbuf_release(sb);
	*sb = out;
}

/*
 * Convert [sb] from `charset` to UTF-8. Text without a charset, or
 * labelled ASCII or UTF-8 but not valid UTF-8, is taken as ISO-8859-1.
 */
static int to_utf8(struct strbuf *sb, const char *charset,
		   const struct mail_ctx *ctx, unsigned line)
{
	const char *from = "ISO-8859-1";
	GError *err = NULL;
	gsize written = 0;
	gchar *res;

	if (charset) {
		const char *cs = g_mime_charset_iconv_name(charset);
		GIConv cd = g_iconv_open("UTF-8", cs);

		if (cd == (GIConv)-1)
			return error_set(
				"'%s': mail %u: line %u: unknown charset '%s'",
				ctx->path, ctx->nr, line, charset);
		g_iconv_close(cd);
		if (strcasecmp(cs, "UTF-8") && strcasecmp(cs, "US-ASCII") &&
		    strcasecmp(cs, "ASCII"))
			from = cs;
		else if (g_utf8_validate(sb->buf, sb->len, NULL))
			return 0;
	} else if (g_utf8_validate(sb->buf, sb->len, NULL)) {
		return 0;
	}
	res = g_convert(sb->buf, sb->len, "UTF-8", from, NULL, &written, &err);
	if (!res) {
		error_set(
			"'%s': mail %u: line %u: cannot convert from charset '%s': %s",
			ctx->path, ctx->nr, line, charset ? charset : from,
			err ? err->message : "unknown error");
		if (err)
			g_error_free(err);
		return -1;
	}
	strbuf_reset(sb);
	strbuf_add(sb, res, written);
	g_free(res);
	return 0;
}

/* Split "Name <addr>" (or "addr", or "Name") into fresh strings. */
static void split_address(const char *v, char **name, char **email)
{
	const char *lt = strchr(v, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	char *n;

	*name = *email = NULL;
	if (lt && gt) {
		*email = xstrndup_trim(lt + 1, gt);
		n = xstrndup_trim(v, lt);
	} else if (strchr(v, '@') && !strpbrk(v, " \t")) {
		*email = xstrndup_trim(v, v + strlen(v));
		n = xstrdup("");
	} else {
		n = xstrndup_trim(v, v + strlen(v));
	}
	if (n[0] == '"' && strlen(n) >= 2 && n[strlen(n) - 1] == '"') {
		char *t = xstrndup(n + 1, strlen(n) - 2);

		free(n);
		n = t;
	}
	if (strstr(n, "=?")) {
		char *d = g_mime_utils_header_decode_phrase(NULL, n);

		free(n);
		n = xstrdup(d);
		g_free(d);
	}
	if (!*n && *email) {
		free(n);
		n = xstrdup(*email);
	}
	*name = n;
}

/* Collapse runs of whitespace (folding) to one blank, trim the ends. */
static char *clean_header(const char *v)
{
	struct strbuf sb = STRBUF_INIT;
	bool blank = false;

	for (; *v; v++) {
		if (isspace((unsigned char)*v)) {
			blank = sb.len > 0;
			continue;
		}
		if (blank)
			strbuf_addch(&sb, ' ');
		blank = false;
		strbuf_addch(&sb, *v);
	}
	return strbuf_detach(&sb, NULL);
}

/* An address a web archive hid: "@" followed by three or more 'x' only. */
static bool has_obfuscated_address(const char *p, const char *end)
{
	while ((p = memchr(p, '@', end - p))) {
		const char *q = ++p;

		while (q < end && *q == 'x')
			q++;
		if (q - p >= 3 && (q == end || !isalnum((unsigned char)*q)))
			return true;
	}
	return false;
}

/* ---- the body --------------------------------------------------------- */

/* Where the diff starts in [p, end): "diff --git " or a "---"/"+++" pair. */
static const char *find_diff(const char *p, const char *end)
{
	for (; p < end; p = next_line(p, end)) {
		const char *e = eol(p, end), *n;

		if (e - p >= 11 && !memcmp(p, "diff --git ", 11))
			return p;
		if (e - p > 4 && !memcmp(p, "--- ", 4) && !is_blank(p + 4, e)) {
			n = next_line(p, end);
			if (end - n > 4 && !memcmp(n, "+++ ", 4))
				return p;
		}
	}
	return NULL;
}

/* "Fri Jun 26 2026 - 19:17:35 EST" -> epoch, through GMime's parser. */
static time_t web_date(const char *d)
{
	char wday[8], mon[8], zone[16];
	int day, year, hh, mm, ss;
	char *rfc;
	GDateTime *dt;
	time_t t = 0;

	if (sscanf(d, "%7s %7s %d %d - %d:%d:%d %15s", wday, mon, &day, &year,
		   &hh, &mm, &ss, zone) != 8)
		return 0;
	rfc = xstrfmt("%s, %d %s %d %02d:%02d:%02d %s", wday, day, mon, year,
		      hh, mm, ss, zone);
	dt = g_mime_utils_header_decode_date(rfc);
	if (dt) {
		t = (time_t)g_date_time_to_unix(dt);
		g_date_time_unref(dt);
	}
	free(rfc);
	return t;
}

/* A Date: value, RFC 822 or the web archive's form -> epoch (0: none). */
static time_t parse_date(const char *d)
{
	GDateTime *dt = g_mime_utils_header_decode_date(d);
	time_t t;

	if (!dt)
		return web_date(d);
	t = (time_t)g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}

/*
 * In-body headers at the top of the body, as git am takes them. Returns
 * the start of what follows; may replace subject, author and date.
 */
static const char *inbody_headers(struct mail *m, const char *p,
				  const char *end)
{
	const char *start = p, *q = p;
	bool any = false;

	while (q < end && is_blank(q, eol(q, end)))
		q = next_line(q, end);
	while (q < end) {
		const char *e = eol(q, end), *v;
		char *val;

		if (line_has_key(q, e, "From:", &v)) {
			val = xstrndup_trim(v, e);
			free(m->author_name);
			free(m->author_email);
			split_address(val, &m->author_name, &m->author_email);
			free(val);
		} else if (line_has_key(q, e, "Subject:", &v)) {
			struct mail_subject s = MAIL_SUBJECT_INIT;

			free(m->subject);
			m->subject = xstrndup_trim(v, e);
			if (strstr(m->subject, "=?")) {
				char *d = g_mime_utils_header_decode_text(
					NULL, m->subject);

				free(m->subject);
				m->subject = xstrdup(d);
				g_free(d);
			}
			mail_subject_parse(&s, m->subject);
			if (s.is_patch) {
				mail_subject_release(&m->subj);
				m->subj = s;
			} else {
				free(m->subj.title);
				m->subj.title = s.title;
				s.title = NULL;
				mail_subject_release(&s);
			}
		} else if (line_has_key(q, e, "Date:", &v)) {
			free(m->date);
			m->date = xstrndup_trim(v, e);
			m->date_epoch = parse_date(m->date);
		} else {
			break;
		}
		any = true;
		q = next_line(q, end);
	}
	if (!any)
		return start;
	if (q < end && is_blank(q, eol(q, end)))
		q = next_line(q, end);
	return q;
}

/*
 * A stable review mail opens with "X.Y-stable review patch. ..." and a
 * line of dashes; what follows is the patch. Returns where it starts.
 */
static const char *skip_review_preamble(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && is_blank(q, eol(q, end)))
		q = next_line(q, end);
	if (q == end || !memmem(q, eol(q, end) - q, "-stable review patch", 20))
		return p;
	for (; q < end; q = next_line(q, end)) {
		const char *e = eol(q, end);

		if (e - q >= 10 && strspn(q, "-") == (size_t)(e - q))
			return next_line(q, end);
	}
	return p;
}

/* Trim blank lines at both ends of [*p, *e); counts lines dropped at the start. */
static unsigned trim_lines(const char **p, const char **e)
{
	unsigned dropped = 0;

	while (*p < *e && is_blank(*p, eol(*p, *e))) {
		const char *n = next_line(*p, *e);

		if (n == *e && eol(*p, *e) == *e) {
			*p = *e;
			break;
		}
		*p = n;
		dropped++;
	}
	while (*e > *p && isspace((unsigned char)(*e)[-1]))
		(*e)--;
	return dropped;
}

/* A decoded text part: the bytes and the file line of its first line. */
struct text_part {
	struct strbuf text;
	unsigned line;
	char *charset;
	bool found;
};

/* clang-format off */
#define TEXT_PART_INIT { .text = STRBUF_INIT }
/* clang-format on */

static void text_part_release(struct text_part *tp)
{
	strbuf_release(&tp->text);
	free(tp->charset);
	tp->charset = NULL;
}

/*
 * Take the decoded body apart: in-body headers, message, notes, diff,
 * trailers, stable tag, upstream line; then parse the diff (from `att`,
 * an attachment, when the body holds none).
 */
static int parse_body(struct mail *m, const struct mail_ctx *ctx,
		      struct text_part *body, struct text_part *att)
{
	const char *buf = body->text.buf, *end = buf + body->text.len;
	const char *p, *diff = NULL, *sep = NULL, *msg_end;
	const char *dtext = NULL;
	size_t dlen = 0;
	unsigned dline = 0;
	struct strbuf sb = STRBUF_INIT;
	char *name = NULL;
	bool want_diff = !mail_is_cover(m) && !m->subj.reply;
	int ret = -1;

	if (check_text(ctx, buf, end, body->line, "the decoded body") < 0)
		return -1;
	if (att->found &&
	    check_text(ctx, att->text.buf, att->text.buf + att->text.len,
		       att->line, "the attachment") < 0)
		return -1;

	p = skip_review_preamble(buf, end);
	p = inbody_headers(m, p, end);
	if (want_diff)
		diff = find_diff(p, end);
	for (const char *q = p; q < (diff ? diff : end);
	     q = next_line(q, end)) {
		if (is_separator(q, eol(q, end))) {
			sep = q;
			break;
		}
	}
	msg_end = sep ? sep : diff ? diff : end;
	if (!sep && !diff) {
		/* No diff: leave a "-- " signature out of the message. */
		for (const char *q = p; q < end; q = next_line(q, end))
			if (eol(q, end) - q == 3 && !memcmp(q, "-- ", 3))
				msg_end = q;
	}

	{
		const char *mp = p, *me = msg_end;
		unsigned skip = trim_lines(&mp, &me);

		m->message_line = body->line + count_lines(buf, p) + skip;
		strbuf_add(&sb, mp, me - mp);
		if (sb.len)
			strbuf_addch(&sb, '\n');
		if (to_utf8(&sb, body->charset, ctx, body->line) < 0)
			goto out;
		m->message = strbuf_detach(&sb, NULL);
	}
	if (sep) {
		const char *np = next_line(sep, end), *ne = diff ? diff : end;

		trim_lines(&np, &ne);
		if (ne > np) {
			strbuf_add(&sb, np, ne - np);
			strbuf_addch(&sb, '\n');
			if (to_utf8(&sb, body->charset, ctx, body->line) < 0)
				goto out;
			m->notes = strbuf_detach(&sb, NULL);
		}
	}

	trailer_parse_message(m);

	if (diff) {
		dtext = diff;
		dlen = end - diff;
		dline = body->line + count_lines(buf, diff);
	} else if (want_diff && att->found &&
		   (dtext = find_diff(att->text.buf,
				      att->text.buf + att->text.len))) {
		dlen = att->text.buf + att->text.len - dtext;
		dline = att->line + count_lines(att->text.buf, dtext);
	}
	if (dtext) {
		name = xstrfmt("%s: mail %u", ctx->path, ctx->nr);
		m->diff_line = dline;
		if (patch_parse(&m->patch, dtext, dlen, dline, name) < 0)
			goto out;
		m->has_patch = true;
	}
	ret = 0;
out:
	free(name);
	strbuf_release(&sb);
	return ret;
}

/* ---- RFC 822 ---------------------------------------------------------- */

/*
 * Find the empty line that ends the header block at `start`; *body is
 * the offset after it (`end` when there is none: returns false).
 */
static bool find_body(const char *buf, size_t start, size_t end, size_t *body)
{
	const char *p = buf + start, *e = buf + end;

	for (; p < e; p = next_line(p, e)) {
		const char *le = eol(p, e);

		if (le < e && (le == p || (le - p == 1 && *p == '\r'))) {
			*body = next_line(p, e) - buf;
			return true;
		}
	}
	*body = end;
	return false;
}

/* Is there a delimiter line "--boundary" (closing: "--boundary--") at p? */
static bool is_delimiter(const char *p, const char *e, const char *b,
			 bool closing)
{
	size_t n = strlen(b);

	if (e - p < (ptrdiff_t)(n + 2) || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, b, n))
		return false;
	p += n + 2;
	if (closing) {
		if (e - p < 2 || p[0] != '-' || p[1] != '-')
			return false;
		p += 2;
	}
	return is_blank(p, e);
}

/*
 * Offset in buf[start, end) where the content of `target` begins, found
 * by walking the multipart delimiters as GMime did; -1 when not found.
 */
static long part_offset(const char *buf, size_t start, size_t end,
			GMimeObject *obj, GMimeObject *target)
{
	size_t body;
	const char *b, *p, *e = buf + end, *child_start = NULL;
	int i = 0, n;

	find_body(buf, start, end, &body);
	if (obj == target)
		return (long)body;
	if (!GMIME_IS_MULTIPART(obj))
		return -1;
	b = g_mime_multipart_get_boundary(GMIME_MULTIPART(obj));
	n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
	if (!b)
		return -1;
	for (p = buf + body; p < e && i <= n; p = next_line(p, e)) {
		const char *le = eol(p, e);
		bool closing = is_delimiter(p, le, b, true);

		if (!closing && !is_delimiter(p, le, b, false))
			continue;
		if (child_start && i > 0 && i <= n) {
			long r = part_offset(
				buf, child_start - buf, p - buf,
				g_mime_multipart_get_part(GMIME_MULTIPART(obj),
							  i - 1),
				target);
			if (r >= 0)
				return r;
		}
		if (closing)
			break;
		child_start = next_line(p, e);
		i++;
	}
	return -1;
}

/*
 * Every multipart must end with its closing delimiter. `obj` is the part
 * whose text (headers, content) is buf[start, end); each multipart looks
 * for its delimiters in its own content only and hands each child the
 * text between two of them, as part_offset() does, so the whole mail is
 * read once per level of nesting, not once per part. Returns the
 * boundary of the first multipart without its closing delimiter ("" when
 * it has no boundary), or NULL.
 */
static const char *missing_boundary(const char *buf, size_t start, size_t end,
				    GMimeObject *obj)
{
	const char *b, *p, *e = buf + end, *child_start = NULL;
	size_t body;
	int i = 0, n;

	if (!GMIME_IS_MULTIPART(obj))
		return NULL;
	b = g_mime_multipart_get_boundary(GMIME_MULTIPART(obj));
	if (!b)
		return "";
	n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
	find_body(buf, start, end, &body);
	for (p = buf + body; p < e; p = next_line(p, e)) {
		const char *le = eol(p, e), *r;
		bool closing = is_delimiter(p, le, b, true);

		if (!closing && !is_delimiter(p, le, b, false))
			continue;
		if (child_start && i > 0 && i <= n) {
			r = missing_boundary(
				buf, child_start - buf, p - buf,
				g_mime_multipart_get_part(GMIME_MULTIPART(obj),
							  i - 1));
			if (r)
				return r;
		}
		if (closing)
			return NULL;
		child_start = next_line(p, e);
		i++;
	}
	return b;
}

static bool is_diff_type(GMimeContentType *ct)
{
	return g_mime_content_type_is_type(ct, "text", "x-patch") ||
	       g_mime_content_type_is_type(ct, "text", "x-diff") ||
	       g_mime_content_type_is_type(ct, "text", "diff") ||
	       g_mime_content_type_is_type(ct, "application", "x-patch");
}

/* Transfer-decode one part, CRLF to LF, undo format=flowed. */
static void decode_part(struct strbuf *out, GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeObject *obj = GMIME_OBJECT(part);
	const char *fmt, *delsp;

	strbuf_reset(out);
	if (dw) {
		GMimeStream *mem = g_mime_stream_mem_new();
		GByteArray *ba;

		g_mime_data_wrapper_write_to_stream(dw, mem);
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		strbuf_add(out, ba->data, ba->len);
		g_object_unref(mem);
	}
	crlf_to_lf(out);
	fmt = g_mime_object_get_content_type_parameter(obj, "format");
	delsp = g_mime_object_get_content_type_parameter(obj, "delsp");
	if (fmt && !strcasecmp(fmt, "flowed"))
		unflow(out, delsp && !strcasecmp(delsp, "yes"));
}

struct part_walk {
	GMimeObject *body_part, *att_part;
	struct text_part *body, *att;
};

/*
 * Find the message text (the first text/plain part that is no
 * attachment) and the patch attachment (text/x-patch, text/x-diff, or
 * any other part whose content holds "diff --git").
 */
static void walk_parts(struct part_walk *w, GMimeObject *obj)
{
	GMimeContentType *ct;
	GMimePart *part;
	bool attachment;

	if (GMIME_IS_MULTIPART(obj)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));

		for (int i = 0; i < n; i++)
			walk_parts(w, g_mime_multipart_get_part(
					      GMIME_MULTIPART(obj), i));
		return;
	}
	if (!GMIME_IS_PART(obj))
		return; /* NEEDSWORK: message/rfc822 parts */
	part = GMIME_PART(obj);
	ct = g_mime_object_get_content_type(obj);
	attachment = g_mime_part_is_attachment(part);
	if (!w->body_part && !attachment &&
	    (!ct || g_mime_content_type_is_type(ct, "text", "plain"))) {
		const char *cs = g_mime_object_get_content_type_parameter(
			obj, "charset");

		w->body_part = obj;
		decode_part(&w->body->text, part);
		w->body->charset = cs ? xstrdup(cs) : NULL;
		w->body->found = true;
		return;
	}
	if (w->att_part)
		return;
	decode_part(&w->att->text, part);
	if ((ct && is_diff_type(ct)) ||
	    memmem(w->att->text.buf, w->att->text.len, "diff --git ", 11)) {
		w->att_part = obj;
		w->att->found = true;
	} else {
		strbuf_reset(&w->att->text);
	}
}

static void set_dates(struct mail *m, GDateTime *dt)
{
	m->date_epoch = dt ? (time_t)g_date_time_to_unix(dt) : 0;
}

/* The headers GMime decoded. */
static void take_headers(struct mail *m, GMimeMessage *msg)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	GMimeObject *obj = GMIME_OBJECT(msg);
	const char *v;

	if (from && internet_address_list_length(from) > 0) {
		InternetAddress *ia =
			internet_address_list_get_address(from, 0);
		const char *name = internet_address_get_name(ia);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *addr = internet_address_mailbox_get_addr(
				INTERNET_ADDRESS_MAILBOX(ia));
			m->from_email = xstrdup(addr ? addr : "");
		}
		if (name && *name)
			m->from_name = xstrdup(name);
		else
			m->from_name =
				xstrdup(m->from_email ? m->from_email : "");
	}
	if ((v = g_mime_object_get_header(obj, "Date")))
		m->date = clean_header(v);
	set_dates(m, g_mime_message_get_date(msg));
	v = g_mime_message_get_subject(msg);
	m->subject = clean_header(v ? v : "");
	if ((v = g_mime_message_get_message_id(msg)) && *v)
		m->message_id = xstrdup(v);
	if ((v = g_mime_object_get_header(obj, "In-Reply-To"))) {
		char *id = g_mime_utils_decode_message_id(v);

		if (id && *id)
			m->in_reply_to = xstrdup(id);
		g_free(id);
	}
}

/* What GMime's parser complained about, by stream offset. */
struct parser_warning {
	gint64 offset;
	GMimeParserWarning code;
	bool set;
};

static void on_warning(gint64 offset, GMimeParserWarning code,
		       const gchar *item, gpointer data)
{
	struct parser_warning *w = data;

	(void)item;
	if (w->set)
		return;
	if (code == GMIME_WARN_TRUNCATED_MESSAGE ||
	    code == GMIME_CRIT_NESTING_OVERFLOW ||
	    code == GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY) {
		w->offset = offset;
		w->code = code;
		w->set = true;
	}
}

/*
 * One mail of an RFC 822 file: buf[0, len), which starts at line `line`
 * of the file (the caller counts lines as it goes, so that an mbox is
 * read once, not once per mail).
 */
static int parse_rfc822_mail(struct mail *m, const struct mail_ctx *ctx,
			     const char *buf, size_t len, unsigned line,
			     GMimeMessage *msg)
{
	size_t hend;
	struct text_part body = TEXT_PART_INIT, att = TEXT_PART_INIT;
	struct part_walk w = { .body = &body, .att = &att };
	GMimeObject *root = g_mime_message_get_mime_part(msg);
	const char *missing;
	unsigned last_line;
	int ret = -1;

	m->line = line;
	m->raw = xstrndup(buf, len);
	m->raw_len = len;
	last_line = m->line + count_lines(buf, buf + len) -
		    (len && buf[len - 1] == '\n');
	if (check_text(ctx, buf, buf + len, m->line, "the mail") < 0)
		goto out;
	if (!find_body(buf, 0, len, &hend)) {
		error_set(
			"'%s': mail %u: line %u: truncated in the headers (no empty line ends them)",
			ctx->path, ctx->nr, last_line);
		goto out;
	}
	if (root && (missing = missing_boundary(buf, 0, len, root))) {
		error_set(
			"'%s': mail %u: line %u: truncated: a multipart ends without its closing boundary '--%s--'",
			ctx->path, ctx->nr, last_line, missing);
		goto out;
	}

	take_headers(m, msg);
	m->author_name = xstrdup(m->from_name ? m->from_name : "");
	m->author_email = m->from_email ? xstrdup(m->from_email) : NULL;
	mail_subject_parse(&m->subj, m->subject);
	m->addresses_obfuscated = has_obfuscated_address(buf, buf + len);

	if (root)
		walk_parts(&w, root);
	if (body.found) {
		long off = part_offset(buf, 0, len, root, w.body_part);

		body.line =
			m->line + (off >= 0 ? count_lines(buf, buf + off) : 0);
	} else {
		body.line = m->line + count_lines(buf, buf + hend);
	}
	if (att.found) {
		long off = part_offset(buf, 0, len, root, w.att_part);

		att.line =
			m->line + (off >= 0 ? count_lines(buf, buf + off) : 0);
	}
	ret = parse_body(m, ctx, &body, &att);
out:
	text_part_release(&body);
	text_part_release(&att);
	return ret;
}

static void mail_list_append(struct mail_list *ml, struct mail *m)
{
	ALLOC_GROW(ml->mails, ml->nr + 1, ml->alloc);
	ml->mails[ml->nr++] = m;
}

static struct mail *mail_new(const char *path, unsigned nr)
{
	struct mail *m = xmalloc(sizeof(*m));

	mail_init(m);
	m->path = xstrdup(path);
	m->number = nr;
	return m;
}

static int read_rfc822(struct mail_list *out, const char *path, const char *buf,
		       size_t len, bool mbox)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(buf, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeParserOptions *opts = g_mime_parser_options_new();
	struct parser_warning warn = { 0 };
	GMimeMessage **msgs = NULL;
	size_t *starts = NULL;
	size_t nr = 0, alloc = 0, salloc = 0, i, counted = 0;
	unsigned line = 1;
	int ret = -1;

	g_mime_parser_options_set_warning_callback(opts, on_warning, &warn);
	g_mime_parser_set_format(parser, mbox ? GMIME_FORMAT_MBOX :
						GMIME_FORMAT_MESSAGE);
	while (!g_mime_parser_eos(parser)) {
		GMimeMessage *msg =
			g_mime_parser_construct_message(parser, opts);

		if (!msg)
			break;
		ALLOC_GROW(msgs, nr + 1, alloc);
		ALLOC_GROW(starts, nr + 1, salloc);
		msgs[nr] = msg;
		starts[nr] = 0;
		if (mbox) {
			gint64 off =
				g_mime_parser_get_mbox_marker_offset(parser);

			if (off < (gint64)(nr ? starts[nr - 1] : 0) ||
			    off > (gint64)len) {
				nr++;
				error_set(
					"'%s': mail %zu: cannot tell where it starts",
					path, nr);
				goto out;
			}
			starts[nr] = (size_t)off;
		}
		nr++;
		if (!mbox)
			break;
	}
	if (!nr) {
		error_set("'%s' is not a mail: GMime found no message in it",
			  path);
		goto out;
	}
	for (i = 0; i < nr; i++) {
		size_t end = i + 1 < nr ? starts[i + 1] : len;
		struct mail_ctx ctx = { path, (unsigned)i + 1 };
		struct mail *m = mail_new(path, ctx.nr);

		/* Lines before this mail: counted on from the last one. */
		line += count_lines(buf + counted, buf + starts[i]);
		counted = starts[i];
		mail_list_append(out, m);
		if (parse_rfc822_mail(m, &ctx, buf + starts[i], end - starts[i],
				      line, msgs[i]) < 0)
			goto out;
		if (warn.set && (gint64)starts[i] <= warn.offset &&
		    warn.offset <= (gint64)end) {
			error_set("'%s': mail %u: line %u: %s", path, ctx.nr,
				  count_lines(buf, buf + (size_t)warn.offset) +
					  1,
				  warn.code == GMIME_WARN_TRUNCATED_MESSAGE ?
					  "the mail is truncated" :
					  "the MIME structure is broken");
			goto out;
		}
	}
	ret = 0;
out:
	for (i = 0; i < nr; i++)
		g_object_unref(msgs[i]);
	free(msgs);
	free(starts);
	g_mime_parser_options_free(opts);
	g_object_unref(parser);
	g_object_unref(stream);
	return ret;
}

/* ---- web archive ------------------------------------------------------ */

/* Lines a web archive may have wrapped a long subject onto. */
#define WEB_SUBJECT_MORE 3

/*
 * The head of a web-archive rendering: "[PATCH ...] subject" (the first
 * line that is not blank, and up to WEB_SUBJECT_MORE lines it wrapped
 * onto), then "From: Name" and "Date: ..." in either order, blank lines
 * between allowed, then the body. detect() and read_web() both go by it,
 * so that what is taken for a web archive always has its From: line.
 */
struct web_head {
	const char *subject, *subject_end;
	const char *from, *from_end, *date, *date_end; /* values, or NULL */
	const char *body;
};

static bool is_web_head_line(const char *p, const char *e)
{
	const char *v;

	return is_blank(p, e) || line_has_key(p, e, "From:", &v) ||
	       line_has_key(p, e, "Date:", &v);
}

/* Fill `h` from buf[0, end); false when this is no web-archive head. */
static bool web_head(struct web_head *h, const char *buf, const char *end)
{
	const char *p = buf, *v;
	int more = 0;

	memset(h, 0, sizeof(*h));
	while (p < end && is_blank(p, eol(p, end)))
		p = next_line(p, end);
	if (p == end ||
	    (*p != '[' && !(end - p >= 5 && !strncasecmp(p, "re: [", 5))))
		return false;
	h->subject = p;
	for (p = next_line(p, end);
	     p < end && !is_web_head_line(p, eol(p, end));
	     p = next_line(p, end))
		if (more++ == WEB_SUBJECT_MORE)
			return false;
	h->subject_end = p;
	for (; p < end; p = next_line(p, end)) {
		const char *e = eol(p, end);

		if (is_blank(p, e))
			continue;
		if (!h->from && line_has_key(p, e, "From:", &v)) {
			h->from = v;
			h->from_end = e;
		} else if (!h->date && line_has_key(p, e, "Date:", &v)) {
			h->date = v;
			h->date_end = e;
		} else {
			break;
		}
		if (h->from && h->date) {
			p = next_line(p, end);
			break;
		}
	}
	h->body = p;
	return h->from;
}

/* The subject's lines, each trimmed, joined by a blank. */
static char *web_subject(const struct web_head *h, const char *end)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = h->subject; p < h->subject_end;
	     p = next_line(p, end)) {
		char *t = xstrndup_trim(p, eol(p, end));

		if (sb.len)
			strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, t);
		free(t);
	}
	return strbuf_detach(&sb, NULL);
}

/* The web-archive rendering (see web_head()). */
static int read_web(struct mail_list *out, const char *path, const char *buf,
		    size_t len)
{
	const char *end = buf + len;
	struct mail_ctx ctx = { path, 1 };
	struct mail *m = mail_new(path, 1);
	struct text_part body = TEXT_PART_INIT, att = TEXT_PART_INIT;
	struct web_head h;
	char *val;
	int ret = -1;

	mail_list_append(out, m);
	m->web_archive = true;
	m->line = 1;
	m->raw = xstrndup(buf, len);
	m->raw_len = len;
	if (check_text(&ctx, buf, end, 1, "the mail") < 0)
		goto out;
	if (!web_head(&h, buf, end)) {
		error_set(
			"'%s' is not a mail: no \"From:\" line after the subject",
			path);
		goto out;
	}
	m->subject = web_subject(&h, end);
	mail_subject_parse(&m->subj, m->subject);
	val = xstrndup_trim(h.from, h.from_end);
	split_address(val, &m->from_name, &m->from_email);
	free(val);
	if (h.date) {
		m->date = xstrndup_trim(h.date, h.date_end);
		m->date_epoch = parse_date(m->date);
	}
	m->author_name = xstrdup(m->from_name);
	m->author_email = m->from_email ? xstrdup(m->from_email) : NULL;
	m->addresses_obfuscated = has_obfuscated_address(buf, end);
	body.line = 1 + count_lines(buf, h.body);
	strbuf_add(&body.text, h.body, end - h.body);
	crlf_to_lf(&body.text);
	ret = parse_body(m, &ctx, &body, &att);
out:
	text_part_release(&body);
	text_part_release(&att);
	return ret;
}

/* ---- detection, the list ---------------------------------------------- */

enum mail_format { FORMAT_NONE, FORMAT_MBOX, FORMAT_MESSAGE, FORMAT_WEB };

static bool is_header_line(const char *p, const char *e)
{
	const char *k = p;

	while (k<e && * k> ' ' && *k < 127 && *k != ':')
		k++;
	return k > p && k < e && *k == ':';
}

/* Which kind of file is this? */
static enum mail_format detect(const char *buf, size_t len)
{
	const char *end = buf + len, *p = buf;
	struct web_head h;

	if (len >= 5 && !memcmp(buf, "From ", 5)) {
		/* "From <sender or sha> <date>", then a header. */
		p = next_line(buf, end);
		if (p < end && is_header_line(p, eol(p, end)))
			return FORMAT_MBOX;
		return FORMAT_NONE;
	}
	if (p < end && is_header_line(p, eol(p, end))) {
		/* A header block that names a sender or a subject. */
		for (; p < end && !is_blank(p, eol(p, end));
		     p = next_line(p, end)) {
			const char *v;

			if (line_has_key(p, eol(p, end), "From:", &v) ||
			    line_has_key(p, eol(p, end), "Subject:", &v))
				return FORMAT_MESSAGE;
		}
		return FORMAT_NONE;
	}
	if (web_head(&h, buf, end))
		return FORMAT_WEB;
	return FORMAT_NONE;
}

void mail_init(struct mail *m)
{
	struct mail blank = MAIL_INIT;

	*m = blank;
}

void mail_release(struct mail *m)
{
	free(m->path);
	free(m->raw);
	free(m->from_name);
	free(m->from_email);
	free(m->author_name);
	free(m->author_email);
	free(m->date);
	free(m->subject);
	mail_subject_release(&m->subj);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->message);
	free(m->notes);
	for (size_t i = 0; i < m->trailers_nr; i++)
		trailer_release(&m->trailers[i]);
	free(m->trailers);
	stable_tag_release(&m->stable);
	free(m->upstream_commit);
	patch_release(&m->patch);
	mail_init(m);
}

void mail_free(struct mail *m)
{
	if (!m)
		return;
	mail_release(m);
	free(m);
}

/* The author's address: the mail's, else the author's Signed-off-by. */
char *mail_author_address(const struct mail *m)
{
	size_t n = m->author_name ? strlen(m->author_name) : 0;

	if (m->author_email)
		return xstrdup(m->author_email);
	for (size_t i = 0; n && i < m->trailers_nr; i++) {
		const struct trailer *t = &m->trailers[i];
		const char *lt, *gt;

		if (t->kind != TRAILER_SIGNED_OFF_BY ||
		    strncmp(t->value, m->author_name, n))
			continue;
		lt = strchr(t->value, '<');
		gt = lt ? strchr(lt, '>') : NULL;
		if (gt)
			return xstrndup(lt + 1, gt - lt - 1);
	}
	return xstrdup("unknown@unknown");
}

void mail_list_init(struct mail_list *ml)
{
	struct mail_list blank = MAIL_LIST_INIT;

	*ml = blank;
}

void mail_list_release(struct mail_list *ml)
{
	for (size_t i = 0; i < ml->nr; i++)
		mail_free(ml->mails[i]);
	free(ml->mails);
	mail_list_init(ml);
}

/* The first line of a file, for "is not a mail" messages. */
static char *first_line_excerpt(const char *buf, size_t len)
{
	const char *e = eol(buf, buf + len);
	size_t n = e - buf > 40 ? 40 : e - buf;
	char *s = xstrndup(buf, n);

	for (char *c = s; *c; c++)
		if (!isprint((unsigned char)*c))
			*c = '?';
	return s;
}

int mail_read_file(struct mail_list *ml, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct mail_list tmp = MAIL_LIST_INIT;
	enum mail_format fmt;
	int ret = -1;

	g_mime_init();
	if (strbuf_read_file(&sb, path) < 0)
		goto out;
	fmt = detect(sb.buf, sb.len);
	if (fmt == FORMAT_NONE) {
		char *first = first_line_excerpt(sb.buf, sb.len);

		error_set(
			"'%s' is not a mail: line 1 ('%s') is neither a header, an mbox \"From \" line nor a web-archive \"[PATCH ...]\" subject followed by \"From:\"",
			path, first);
		free(first);
		goto out;
	}
	if (fmt == FORMAT_WEB)
		ret = read_web(&tmp, path, sb.buf, sb.len);
	else
		ret = read_rfc822(&tmp, path, sb.buf, sb.len,
				  fmt == FORMAT_MBOX);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < tmp.nr; i++)
		mail_list_append(ml, tmp.mails[i]);
	tmp.nr = 0;
out:
	mail_list_release(&tmp);
	strbuf_release(&sb);
	return ret;
}
