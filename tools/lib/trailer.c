// SPDX-License-Identifier: GPL-2.0
/*
 * trailer: what a patch mail's message says about the patch: its
 * trailers (Signed-off-by, Fixes, Link, ...), the stable tag of its Cc
 * lines and the upstream commit it names. See trailer.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mail.h"
#include "lib/mailtext.h"
#include "lib/trailer.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* ---- stable tag ------------------------------------------------------- */

void stable_tag_init(struct stable_tag *tag)
{
	struct stable_tag blank = STABLE_TAG_INIT;

	*tag = blank;
}

void stable_tag_release(struct stable_tag *tag)
{
	free(tag->qualifier);
	stable_tag_init(tag);
}

/* "v6.12.x", "6.1", "6.1.123": returns the end, or NULL. */
static const char *parse_version(const char *p, unsigned *v)
{
	unsigned long major, minor;
	char *end;

	if (*p == 'v' || *p == 'V')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	major = strtoul(p, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return NULL;
	minor = strtoul(end + 1, &end, 10);
	if (!major || major > 999 || minor > 999)
		return NULL;
	p = end;
	if (*p == '.' && strchr("xXyY", p[1]) && p[1])
		p += 2;
	else if (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			;
	*v = (unsigned)(major * 1000 + minor);
	return p;
}

/* stable_tag_parse_qualifier() without recording an error. */
static bool parse_qualifier(struct stable_tag *tag, const char *q)
{
	unsigned lo, hi = 0;
	const char *p = q;

	tag->min = tag->max = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (!(p = parse_version(p, &lo)))
		return false;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+') {
		p++;
	} else if (*p == '-') {
		const char *r = p + 1;

		while (isspace((unsigned char)*r))
			r++;
		r = parse_version(r, &hi);
		if (!r || hi < lo)
			return false;
		p = r;
	}
	if (*p && !isspace((unsigned char)*p) && !strchr(":,;(", *p))
		return false;
	tag->min = lo;
	tag->max = hi;
	return true;
}

int stable_tag_parse_qualifier(struct stable_tag *tag, const char *q)
{
	if (!parse_qualifier(tag, q ? q : ""))
		return error_set(
			"stable qualifier '%s' is not a version or a range of versions",
			q ? q : "");
	return 0;
}

bool stable_tag_wants(const struct stable_tag *tag, unsigned v)
{
	if (!tag->present)
		return true;
	if (tag->min && v < tag->min)
		return false;
	if (tag->max && v > tag->max)
		return false;
	return true;
}

/*
 * Is `v` (a Cc value without its comment) the stable list? Also in a
 * web archive's obfuscated form ("stable@xxxxxxxxxxxxxxx").
 */
static bool is_stable_address(const char *v)
{
	const char *p = v;

	while ((p = strcasestr(p, "stable@"))) {
		const char *d = p + 7, *q = d;
		bool start = p == v || strchr(" \t<\",", p[-1]);

		p = d;
		if (!start)
			continue;
		if (!strncasecmp(d, "vger.kernel.org", 15))
			q = d + 15;
		else if (!strncasecmp(d, "kernel.org", 10))
			q = d + 10;
		else
			while (*q == 'x')
				q++;
		if (q - d >= 3 && (!*q || strchr(" \t>,\"", *q)))
			return true;
	}
	return false;
}

/* ---- trailers --------------------------------------------------------- */

void trailer_release(struct trailer *t)
{
	free(t->key);
	free(t->value);
	free(t->comment);
	free(t->fixes_sha);
	free(t->fixes_subject);
	memset(t, 0, sizeof(*t));
}

static const struct {
	const char *key;
	enum trailer_kind kind;
} trailer_kinds[] = {
	{ "Signed-off-by", TRAILER_SIGNED_OFF_BY },
	{ "Reviewed-by", TRAILER_REVIEWED_BY },
	{ "Acked-by", TRAILER_ACKED_BY },
	{ "Tested-by", TRAILER_TESTED_BY },
	{ "Reported-by", TRAILER_REPORTED_BY },
	{ "Suggested-by", TRAILER_SUGGESTED_BY },
	{ "Co-developed-by", TRAILER_CO_DEVELOPED_BY },
	{ "Fixes", TRAILER_FIXES },
	{ "Link", TRAILER_LINK },
	{ "Closes", TRAILER_CLOSES },
	{ "Cc", TRAILER_CC },
};

/*
 * Is the line [p, e) a trailer ("Key: value", the key a known one or one
 * with a dash)? Sets the key's length and the kind.
 */
static bool trailer_line(const char *p, const char *e, size_t *keylen,
			 enum trailer_kind *kind)
{
	const char *k = p;
	bool dash = false;

	if (p == e || !isalpha((unsigned char)*p))
		return false;
	while (k < e && (isalnum((unsigned char)*k) || *k == '-'))
		dash |= *k++ == '-';
	if (k == e || *k != ':' || is_blank(k + 1, e))
		return false;
	if (k + 1 < e && !isspace((unsigned char)k[1]))
		return false;
	*keylen = k - p;
	*kind = TRAILER_OTHER;
	for (size_t i = 0; i < ARRAY_SIZE(trailer_kinds); i++) {
		if (strlen(trailer_kinds[i].key) == *keylen &&
		    !strncasecmp(p, trailer_kinds[i].key, *keylen)) {
			*kind = trailer_kinds[i].kind;
			return true;
		}
	}
	return dash;
}

/* Lines that may sit inside a trailer block without being trailers. */
static bool trailer_block_line(const char *p, const char *e)
{
	size_t n;
	enum trailer_kind k;

	return trailer_line(p, e, &n, &k) || *p == '[' ||
	       !strncmp(p, "(cherry picked from commit ", 27) ||
	       (p < e && (*p == ' ' || *p == '\t'));
}

/* Split "value # comment" at the first '#' after a blank (or at 0). */
static void split_comment(const char *v, char **value, char **comment)
{
	const char *h = v;

	while ((h = strchr(h, '#')) && h != v && !isspace((unsigned char)h[-1]))
		h++;
	if (!h) {
		*value = xstrndup_trim(v, v + strlen(v));
		*comment = NULL;
		return;
	}
	*value = xstrndup_trim(v, h);
	*comment = xstrndup_trim(h + 1, h + strlen(h));
	if (!**comment) {
		free(*comment);
		*comment = NULL;
	}
}

/* Fixes: <sha> ("subject") */
static void parse_fixes(struct trailer *t)
{
	const char *v = t->value, *q, *close;
	size_t n = strspn(v, "0123456789abcdefABCDEF");

	if (n >= 7 && n <= 40 && (!v[n] || isspace((unsigned char)v[n])))
		t->fixes_sha = xstrndup(v, n);
	q = strstr(v + n, "(\"");
	if (!q)
		return;
	q += 2;
	close = strstr(q, "\")");
	if (close)
		while (strstr(close + 1, "\")"))
			close = strstr(close + 1, "\")");
	t->fixes_subject = close ? xstrndup(q, close - q) :
				   xstrndup_trim(q, q + strlen(q));
}

static void add_trailer(struct mail *m, const char *p, const char *e,
			size_t keylen, enum trailer_kind kind, unsigned line)
{
	struct trailer *t;
	char *v = xstrndup(p + keylen + 1, e - p - keylen - 1);

	ALLOC_GROW(m->trailers, m->trailers_nr + 1, m->trailers_alloc);
	t = &m->trailers[m->trailers_nr++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->key = xstrndup(p, keylen);
	t->line = line;
	if (kind == TRAILER_LINK || kind == TRAILER_CLOSES)
		t->value = xstrndup_trim(v, v + strlen(v));
	else
		split_comment(v, &t->value, &t->comment);
	if (kind == TRAILER_FIXES)
		parse_fixes(t);
	free(v);
}

/*
 * The trailers: the last paragraph of the message where it is made of
 * trailer lines only (then the paragraphs before it that are, too), or,
 * where a web archive dropped the empty lines, the trailer lines that
 * end the last paragraph.
 */
static void parse_trailers(struct mail *m)
{
	const char *buf = m->message, *end = buf + strlen(buf);
	const char **lines = NULL;
	size_t nr = 0, alloc = 0, first, i;

	for (const char *p = buf; p < end; p = next_line(p, end)) {
		ALLOC_GROW(lines, nr + 1, alloc);
		lines[nr++] = p;
	}
	first = nr;
	for (;;) {
		size_t j = first;

		while (j > 0 && is_blank(lines[j - 1], eol(lines[j - 1], end)))
			j--;
		i = j;
		while (i > 0 &&
		       !is_blank(lines[i - 1], eol(lines[i - 1], end)) &&
		       trailer_block_line(lines[i - 1], eol(lines[i - 1], end)))
			i--;
		if (i == j)
			break;
		if (i > 0 && !is_blank(lines[i - 1], eol(lines[i - 1], end))) {
			if (first == nr) /* the last paragraph: partial */
				first = i;
			break;
		}
		first = i;
	}
	for (i = first; i < nr; i++) {
		const char *p = lines[i], *e = eol(p, end);
		enum trailer_kind kind;
		size_t keylen;

		if (trailer_line(p, e, &keylen, &kind)) {
			add_trailer(m, p, e, keylen, kind, m->message_line + i);
		} else if ((*p == ' ' || *p == '\t') && m->trailers_nr &&
			   !is_blank(p, e)) {
			struct trailer *t = &m->trailers[m->trailers_nr - 1];
			char *more = xstrndup_trim(p, e);
			char *v = xstrfmt("%s %s", t->value, more);

			free(t->value);
			t->value = v;
			free(more);
		}
	}
	free(lines);
}

/*
 * Merge `tag` into `acc`, keeping the widest: an unbounded line (no
 * qualifier, or one that is no version) wins; else the lowest minimum
 * and the highest maximum. Takes `tag`'s strings.
 */
static void widen_stable(struct stable_tag *acc, struct stable_tag *tag)
{
	unsigned min, max;

	if (!acc->present || (!tag->min && !tag->max)) {
		stable_tag_release(acc);
		*acc = *tag;
		return;
	}
	if (!acc->min && !acc->max) {
		stable_tag_release(tag);
		return;
	}
	min = tag->min < acc->min ? tag->min : acc->min;
	max = tag->max > acc->max ? tag->max : acc->max;
	if (!acc->max || !tag->max)
		max = 0;
	if (tag->min < acc->min) {
		stable_tag_release(acc);
		*acc = *tag;
	} else {
		stable_tag_release(tag);
	}
	acc->min = min;
	acc->max = max;
}

/* Cc lines for stable, anywhere in the message: keep the widest. */
static void parse_stable(struct mail *m)
{
	const char *buf = m->message, *end = buf + strlen(buf), *p;
	unsigned line = m->message_line;

	for (p = buf; p < end; p = next_line(p, end), line++) {
		const char *e = eol(p, end), *v;
		struct stable_tag tag = STABLE_TAG_INIT;
		char *line_text, *value, *comment;

		if (!line_has_key(p, e, "Cc:", &v))
			continue;
		line_text = xstrndup(v, e - v);
		split_comment(line_text, &value, &comment);
		free(line_text);
		if (!is_stable_address(value)) {
			free(value);
			free(comment);
			continue;
		}
		if (!comment) {
			/* The older form: "<stable@vger.kernel.org> [4.4+]" */
			const char *b = strrchr(value, '[');

			if (b && strchr(b, ']'))
				comment = xstrndup_trim(b + 1, strchr(b, ']'));
		}
		tag.present = true;
		tag.line = line;
		tag.qualifier = comment;
		if (!comment || !parse_qualifier(&tag, comment))
			tag.min = tag.max = 0;
		free(value);

		widen_stable(&m->stable, &tag);
	}
}

/* ---- upstream id ----------------------------------------------------- */

static bool is_hex40(const char *p)
{
	return strspn(p, "0123456789abcdef") >= 40 &&
	       !isxdigit((unsigned char)p[40]);
}

/*
 * "commit <sha> upstream." first; else "[ Upstream commit <sha> ]";
 * else "(cherry picked from commit <sha>)".
 */
static void parse_upstream(struct mail *m)
{
	const char *buf = m->message, *end = buf + strlen(buf), *p, *v;

	for (p = buf; p < end && is_blank(p, eol(p, end));
	     p = next_line(p, end))
		;
	if (p < end && line_has_key(p, eol(p, end), "commit ", &v) &&
	    is_hex40(v) && !strncasecmp(v + 40, " upstream", 9)) {
		m->upstream_commit = xstrndup(v, 40);
		return;
	}
	for (p = buf; p < end; p = next_line(p, end)) {
		const char *e = eol(p, end);

		if (*p != '[')
			continue;
		for (v = p + 1; v < e && *v == ' '; v++)
			;
		if (line_has_key(v, e, "upstream commit ", &v) && is_hex40(v)) {
			m->upstream_commit = xstrndup(v, 40);
			return;
		}
	}
	/* git cherry-pick -x: "(cherry picked from commit <sha>)". */
	for (p = buf; p < end; p = next_line(p, end)) {
		if (line_has_key(p, eol(p, end), "(cherry picked from commit ",
				 &v) &&
		    is_hex40(v)) {
			m->upstream_commit = xstrndup(v, 40);
			return;
		}
	}
}

void trailer_parse_message(struct mail *m)
{
	parse_trailers(m);
	parse_stable(m);
	parse_upstream(m);
}
