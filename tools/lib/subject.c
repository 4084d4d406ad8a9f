// SPDX-License-Identifier: GPL-2.0
/*
 * subject: a patch mail's subject taken apart ("[PATCH v3 03/15] x: y"):
 * prefixes, version, index and total, the title. Declared in mail.h,
 * whose struct mail_subject it fills.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mail.h"
#include "lib/mailtext.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void mail_subject_init(struct mail_subject *s)
{
	struct mail_subject blank = MAIL_SUBJECT_INIT;

	*s = blank;
}

void mail_subject_release(struct mail_subject *s)
{
	free(s->prefix);
	free(s->title);
	mail_subject_init(s);
}

static bool all_digits(const char *p, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* One token of a "[...]" group. */
static void subject_token(struct mail_subject *s, const char *t, size_t n)
{
	const char *slash = memchr(t, '/', n);

	if (n >= 5 && !strncasecmp(t, "PATCH", 5)) {
		s->is_patch = true;
		t += 5;
		n -= 5;
		if (!n)
			return;
	}
	if (n == 3 && !strncasecmp(t, "RFC", 3)) {
		s->is_patch = s->rfc = true;
	} else if (n == 6 && !strncasecmp(t, "RESEND", 6)) {
		s->resend = true;
	} else if (n >= 2 && (*t == 'v' || *t == 'V') &&
		   all_digits(t + 1, n - 1)) {
		s->version = (unsigned)strtoul(t + 1, NULL, 10);
	} else if (slash && all_digits(t, slash - t) &&
		   all_digits(slash + 1, t + n - slash - 1)) {
		s->index = (unsigned)strtoul(t, NULL, 10);
		s->total = (unsigned)strtoul(slash + 1, NULL, 10);
	}
}

static void subject_group(struct mail_subject *s, const char *p, const char *e)
{
	while (p < e) {
		const char *t;

		while (p < e && (isspace((unsigned char)*p) || *p == ','))
			p++;
		t = p;
		while (p < e && !isspace((unsigned char)*p) && *p != ',')
			p++;
		if (p > t)
			subject_token(s, t, p - t);
	}
}

void mail_subject_parse(struct mail_subject *out, const char *subject)
{
	struct strbuf prefix = STRBUF_INIT;
	const char *p = subject ? subject : "";

	mail_subject_release(out);
	for (;;) {
		const char *close;

		while (isspace((unsigned char)*p))
			p++;
		if (!strncasecmp(p, "re:", 3)) {
			out->reply = true;
			p += 3;
			continue;
		}
		if (*p != '[' || !(close = strchr(p, ']')))
			break;
		if (prefix.len)
			strbuf_addch(&prefix, ' ');
		strbuf_add(&prefix, p + 1, close - p - 1);
		subject_group(out, p + 1, close);
		p = close + 1;
	}
	strbuf_trim(&prefix);
	out->prefix = prefix.len ? strbuf_detach(&prefix, NULL) : NULL;
	strbuf_release(&prefix);
	out->title = xstrndup_trim(p, p + strlen(p));
}
