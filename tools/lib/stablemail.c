// SPDX-License-Identifier: GPL-2.0
/*
 * stablemail: queued patches and FAILED mails (see stablemail.h).
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <jansson.h>

#include "series.h"
#include "stablemail.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

enum stablemail_kind stablemail_kind(enum verdict v)
{
	if (verdict_is_applied(v))
		return STABLEMAIL_QUEUED;
	switch (v) {
	case VERDICT_CONFLICT:
	case VERDICT_DEPENDS:
	case VERDICT_STALE_RESOLUTION:
	case VERDICT_NOT_APPLICABLE:
	case VERDICT_PARTIALLY_PRESENT:
		return STABLEMAIL_FAILED;
	default:
		return STABLEMAIL_NONE;
	}
}

static const char *title_of(const struct mail *m)
{
	return m->subj.title ? m->subj.title : m->subject;
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Header text: as is when ASCII, else RFC 2047 encoded words. */
static void add_header_text(struct strbuf *sb, const char *text)
{
	char *enc;

	if (is_ascii(text)) {
		strbuf_addstr(sb, text);
		return;
	}
	g_mime_init();
	enc = g_mime_utils_header_encode_text(NULL, text, "utf-8");
	strbuf_addstr(sb, enc ? enc : text);
	g_free(enc);
}

/* "Name <email>" as an RFC 822 address. */
static void add_address(struct strbuf *sb, const char *name, const char *email)
{
	if (name && *name && strcmp(name, email)) {
		if (!is_ascii(name)) {
			add_header_text(sb, name);
		} else if (strpbrk(name, "()<>@,;:\\\".[]")) {
			strbuf_addch(sb, '"');
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					strbuf_addch(sb, '\\');
				strbuf_addch(sb, *p);
			}
			strbuf_addch(sb, '"');
		} else {
			strbuf_addstr(sb, name);
		}
		strbuf_addch(sb, ' ');
	}
	strbuf_addf(sb, "<%s>", email);
}

/* "Name <email>" split; a bare address keeps name NULL. */
static void split_ident(char **name, char **email, const char *ident)
{
	const char *lt = strchr(ident, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	if (!gt) {
		*name = NULL;
		*email = xstrdup(ident);
		return;
	}
	*email = xstrndup(lt + 1, gt - lt - 1);
	while (lt > ident && lt[-1] == ' ')
		lt--;
	*name = lt > ident ? xstrndup(ident, lt - ident) : NULL;
}

static void add_date(struct strbuf *sb, time_t when)
{
	char date[64];
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	strbuf_addf(sb, "Date: %s\n", date);
}

static void add_mime(struct strbuf *sb)
{
	strbuf_addstr(sb, "MIME-Version: 1.0\n"
			  "Content-Type: text/plain; charset=UTF-8\n"
			  "Content-Transfer-Encoding: 8bit\n\n");
}

/* Body text: "From " at a line start quoted (mbox), one newline at end. */
static void add_body(struct strbuf *sb, const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchrnul(p, '\n');

		if (!strncmp(p, "From ", 5))
			strbuf_addch(sb, '>');
		strbuf_add(sb, p, nl - p);
		strbuf_addch(sb, '\n');
		p = *nl ? nl + 1 : nl;
	}
}

/* "6.12.y" from "linux-6.12.y". */
static const char *short_branch(const char *branch)
{
	return starts_with(branch, "linux-") ? branch + 6 : branch;
}

/* The message without its own "commit <sha> upstream." line. */
static const char *message_body(const struct mail *m)
{
	const char *msg = m->message ? m->message : "";

	while (*msg == '\n')
		msg++;
	if (m->upstream_commit && starts_with(msg, "commit ")) {
		const char *nl = strchr(msg, '\n');

		msg = nl ? nl + 1 : "";
		while (*msg == '\n')
			msg++;
	}
	return msg;
}

static bool has_link(const struct mail *m)
{
	for (size_t i = 0; i < m->trailers_nr; i++)
		if (m->trailers[i].kind == TRAILER_LINK && m->message_id &&
		    strstr(m->trailers[i].value, m->message_id))
			return true;
	return false;
}

/* The last non-empty line of `sb` equals `line`. */
static bool ends_with_line(const struct strbuf *sb, const char *line)
{
	size_t n = strlen(line), end = sb->len;

	while (end && sb->buf[end - 1] == '\n')
		end--;
	return end >= n && !memcmp(sb->buf + end - n, line, n) &&
	       (end == n || sb->buf[end - n - 1] == '\n');
}

/* The "[ ... ]" note of what was not exact. */
static void add_note(struct strbuf *sb, const struct stablemail *sm)
{
	const char *d = sm->detail && *sm->detail ? sm->detail : NULL;
	const char *more;

	switch (sm->verdict) {
	case VERDICT_APPLIED:
		return;
	case VERDICT_RESOLVED_RECORDED:
		/* The recorded note is in the message; only what moved. */
		more = d ? strstr(d, "; ") : NULL;
		if (more)
			strbuf_addf(sb, "[ Resolution replayed on %s: %s ]\n",
				    sm->target, more + 2);
		return;
	default:
		strbuf_addf(sb, "[ Backported to %s: %s%s%s ]\n", sm->target,
			    verdict_name(sm->verdict), d ? ": " : "",
			    d ? d : "");
	}
}

static void format_queued(struct strbuf *sb, const struct stablemail *sm)
{
	const struct mail *m = sm->upstream;
	const struct mail *msg = sm->resolution ? sm->resolution : m;
	char *email = mail_author_address(m);
	char *sob = sm->signoff ? xstrfmt("Signed-off-by: %s", sm->signoff) :
				  NULL;
	struct strbuf body = STRBUF_INIT;

	strbuf_addf(sb, "From %s Mon Sep 17 00:00:00 2001\n",
		    sm->commit ? sm->commit :
				 "0000000000000000000000000000000000000000");
	strbuf_addstr(sb, "From: ");
	add_address(sb, m->author_name, email);
	strbuf_addch(sb, '\n');
	if (m->date_epoch)
		add_date(sb, m->date_epoch);
	else if (sm->now)
		add_date(sb, sm->now);
	strbuf_addf(sb, "Subject: [PATCH %s] ", short_branch(sm->branch));
	add_header_text(sb, title_of(m));
	strbuf_addch(sb, '\n');
	add_mime(sb);

	if (m->upstream_commit)
		strbuf_addf(&body, "commit %s upstream.\n\n",
			    m->upstream_commit);
	strbuf_addstr(&body, message_body(msg));
	strbuf_rtrim(&body);
	strbuf_addch(&body, '\n');
	if (!m->upstream_commit && m->message_id && !has_link(m) &&
	    !has_link(msg))
		strbuf_addf(&body, "Link: https://lore.kernel.org/r/%s\n",
			    m->message_id);
	add_note(&body, sm);
	if (sob && !ends_with_line(&body, sob))
		strbuf_addf(&body, "%s\n", sob);
	strbuf_addstr(&body, "---\n");
	if (sm->tests)
		strbuf_addf(&body, "%s\n\n", sm->tests);
	if (sm->diffstat && *sm->diffstat)
		strbuf_addf(&body, "%s\n", sm->diffstat);
	if (sm->diff)
		strbuf_addstr(&body, sm->diff);
	if (body.len && body.buf[body.len - 1] != '\n')
		strbuf_addch(&body, '\n');
	strbuf_addstr(&body, "-- \nbackport\n");
	add_body(sb, body.buf);
	strbuf_release(&body);
	free(email);
	free(sob);
}

/* The original patch, quoted below a FAILED mail. */
static void add_original(struct strbuf *body, const struct mail *m)
{
	char *email = mail_author_address(m);

	if (m->upstream_commit)
		strbuf_addstr(body, "------------------ original commit in "
				    "Linus's tree ------------------\n\n");
	else
		strbuf_addstr(body, "------------------ original patch "
				    "------------------\n\n");
	strbuf_addf(body, "From: %s <%s>\n",
		    m->author_name ? m->author_name : "unknown", email);
	if (m->date)
		strbuf_addf(body, "Date: %s\n", m->date);
	strbuf_addf(body, "Subject: [PATCH] %s\n\n", title_of(m));
	strbuf_addstr(body, m->message ? m->message : "");
	strbuf_rtrim(body);
	strbuf_addstr(body, "\n---\n");
	if (m->has_patch)
		patch_to_text(body, &m->patch);
	free(email);
}

static void format_failed(struct strbuf *sb, const struct stablemail *sm)
{
	const struct mail *m = sm->upstream;
	const char *title = title_of(m);
	const char *checkout = sm->rev ? sm->rev : sm->branch;
	char *ver = xstrdup(short_branch(sm->branch));
	char *email = mail_author_address(m), *me_name = NULL, *me_email = NULL;
	struct strbuf body = STRBUF_INIT;
	size_t vl = strlen(ver);

	if (vl > 2 && !strcmp(ver + vl - 2, ".y"))
		ver[vl - 2] = '\0';
	split_ident(&me_name, &me_email,
		    sm->signoff && *sm->signoff ?
			    sm->signoff :
			    "backport <backport@localhost>");
	strbuf_addstr(sb, "From backport Mon Sep 17 00:00:00 2001\n");
	strbuf_addstr(sb, "From: ");
	add_address(sb, me_name, me_email);
	strbuf_addstr(sb, "\nTo: ");
	add_address(sb, m->author_name, email);
	strbuf_addstr(sb, "\nCc: <stable@vger.kernel.org>\n");
	add_date(sb, sm->now ? sm->now : time(NULL));
	strbuf_addstr(sb, "Subject: FAILED: patch \"");
	add_header_text(sb, title);
	strbuf_addf(sb, "\" failed to apply to %s-stable tree\n", ver);
	if (m->message_id)
		strbuf_addf(sb, "In-Reply-To: <%s>\n", m->message_id);
	add_mime(sb);

	strbuf_addf(&body,
		    "The patch below does not apply to the %s-stable tree "
		    "(%s%s%s).\n"
		    "If someone wants it applied there, or to any other stable "
		    "or longterm\ntree, then please email the backport, "
		    "including the original git commit\nid to "
		    "<stable@vger.kernel.org>.\n\n",
		    ver, sm->branch, sm->rev ? " at " : "",
		    sm->rev ? sm->rev : "");
	strbuf_addf(&body, "It is patch %zu of %zu of the series '%s': %s",
		    sm->index, sm->total, sm->series,
		    verdict_name(sm->verdict));
	if (sm->detail && *sm->detail)
		strbuf_addf(&body, ":\n  %s", sm->detail);
	strbuf_addstr(&body, "\n\nTo reproduce the conflict and resubmit, you "
			     "may use the following commands:\n\n");
	strbuf_addf(&body, "git checkout %s\n", checkout);
	for (size_t i = 0; sm->before && i < sm->before->nr; i++)
		strbuf_addf(&body, "%s\n", sm->before->v[i]);
	if (m->upstream_commit)
		strbuf_addf(&body, "git cherry-pick -x %s\n",
			    m->upstream_commit);
	else
		strbuf_addf(&body, "git am -3 %s\n",
			    sm->series_file ? sm->series_file : "<the mail>");
	strbuf_addf(&body,
		    "# <resolve conflicts, build, test, etc.>\n"
		    "git commit -s\n"
		    "git send-email --to '<stable@vger.kernel.org>' "
		    "--subject-prefix 'PATCH %s' HEAD^..\n\n",
		    short_branch(sm->branch));
	strbuf_addf(&body,
		    "or, with backport:\n\n"
		    "backport resolve %s %s --patch %zu\n"
		    "# <edit the worktree until the patch is right for %s>\n"
		    "backport record %s %s -m \"<what you changed>\"\n"
		    "backport mail %s %s --patch %zu\n\n",
		    sm->series, sm->target, sm->index, sm->target, sm->series,
		    sm->target, sm->series, sm->target, sm->index);
	strbuf_addf(&body, "thanks,\n\n%s\n\n", me_name ? me_name : me_email);
	add_original(&body, m);
	add_body(sb, body.buf);
	strbuf_release(&body);
	free(ver);
	free(email);
	free(me_name);
	free(me_email);
}

void stablemail_format(struct strbuf *out, const struct stablemail *sm)
{
	switch (stablemail_kind(sm->verdict)) {
	case STABLEMAIL_QUEUED:
		format_queued(out, sm);
		break;
	case STABLEMAIL_FAILED:
		format_failed(out, sm);
		break;
	default:
		break;
	}
}

char *stablemail_file_name(const struct stablemail *sm)
{
	char *slug = series_slug(title_of(sm->upstream));
	char *name = xstrfmt("%04zu-%s%s.mbox", sm->index,
			     stablemail_kind(sm->verdict) == STABLEMAIL_FAILED ?
				     "FAILED-" :
				     "",
			     slug);

	free(slug);
	return name;
}

/* "12 passed, 0 regressions" and the other non-zero numbers of `o`. */
static void summary_of(struct strbuf *sb, json_t *o, bool counts)
{
	const char *key;
	json_t *v;
	json_int_t passed = 0, regressions = 0;

	if (counts) {
		passed = json_integer_value(json_object_get(o, "pass")) +
			 json_integer_value(json_object_get(o, "fixed"));
		regressions =
			json_integer_value(json_object_get(o, "regression"));
		strbuf_addf(sb, "%lld passed, %lld regression%s",
			    (long long)passed, (long long)regressions,
			    regressions == 1 ? "" : "s");
	}
	json_object_foreach(o, key, v)
	{
		if (!json_is_integer(v))
			continue;
		if (counts &&
		    (!json_integer_value(v) || !strcmp(key, "pass") ||
		     !strcmp(key, "fixed") || !strcmp(key, "regression")))
			continue;
		strbuf_addf(sb, "%s%lld %s", sb->len ? ", " : "",
			    (long long)json_integer_value(v), key);
	}
}

int stablemail_test_summary(char **out, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	json_error_t err;
	json_t *root, *s;

	*out = NULL;
	if (!path_exists(path))
		return 0;
	root = json_load_file(path, 0, &err);
	if (!root)
		return error_set("'%s': line %d: %s", path, err.line, err.text);
	s = json_object_get(root, "summary");
	if (json_is_string(s)) {
		strbuf_addstr(&sb, json_string_value(s));
	} else if (json_is_object(s)) {
		summary_of(&sb, s, false);
	} else {
		s = json_object_get(root, "counts");
		if (json_is_object(s))
			summary_of(&sb, s, true);
	}
	if (sb.len) {
		const char *set =
			json_string_value(json_object_get(root, "set"));
		json_t *series = json_object_get(root, "series");
		const char *verdict =
			json_string_value(json_object_get(series, "verdict"));

		*out = xstrfmt("Tests: %s%s%s%s%s%s", sb.buf,
			       set || verdict ? " (" : "",
			       set ? "selftest set " : "", set ? set : "",
			       set && verdict ? ", " : "",
			       verdict ? verdict : "");
		if (set || verdict) {
			char *t = xstrfmt("%s)", *out);

			free(*out);
			*out = t;
		}
	}
	strbuf_release(&sb);
	json_decref(root);
	return 0;
}
