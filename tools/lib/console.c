// SPDX-License-Identifier: GPL-2.0
/*
 * console: find kernel reports (panic, oops, BUG, WARNING, lockdep, RCU
 * stall, hung task, lockup, KASAN, UBSAN, KFENCE, GPF) in serial console
 * output; see console.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/console.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

enum trace_state {
	TRACE_NONE, /* no "Call Trace:" yet */
	TRACE_IN, /* reading its entries */
	TRACE_DONE,
};

static const char *const kind_names[CONSOLE_KIND_NR] = {
	[CONSOLE_PANIC] = "panic",
	[CONSOLE_OOPS] = "oops",
	[CONSOLE_BUG] = "bug",
	[CONSOLE_WARNING] = "warning",
	[CONSOLE_LOCKDEP] = "lockdep",
	[CONSOLE_RCU_STALL] = "rcu-stall",
	[CONSOLE_HUNG_TASK] = "hung-task",
	[CONSOLE_LOCKUP] = "lockup",
	[CONSOLE_KASAN] = "kasan",
	[CONSOLE_UBSAN] = "ubsan",
	[CONSOLE_KFENCE] = "kfence",
	[CONSOLE_GPF] = "gpf",
};

/* What lockdep (and RCU-lockdep) put after "WARNING: " in a header. */
static const char *const lockdep_words[] = {
	"locking dependency",  "recursive locking", "inconsistent lock state",
	"lock order detected", "lock inversion",    "suspicious RCU usage",
	"unlock balance",      "held lock freed",   "lock held when returning",
	"lock was not taken",  "bad contention",    "chain_key collision",
};

const char *console_kind_name(enum console_kind kind)
{
	if ((unsigned)kind >= CONSOLE_KIND_NR)
		return "unknown";
	return kind_names[kind];
}

void console_event_init(struct console_event *ev)
{
	struct console_event blank = CONSOLE_EVENT_INIT;

	*ev = blank;
}

void console_event_release(struct console_event *ev)
{
	free(ev->first_line);
	free(ev->file);
	free(ev->function);
	for (size_t i = 0; i < ev->trace_nr; i++)
		free(ev->trace[i]);
	free(ev->trace);
	free(ev->test);
	console_event_init(ev);
}

void console_scanner_init(struct console_scanner *s)
{
	struct console_scanner blank = CONSOLE_SCANNER_INIT;

	*s = blank;
}

void console_scanner_release(struct console_scanner *s)
{
	for (size_t i = 0; i < s->events_nr; i++)
		console_event_release(&s->events[i]);
	free(s->events);
	free(s->test);
	strbuf_release(&s->partial);
	console_scanner_init(s);
}

void console_scanner_set_test(struct console_scanner *s, unsigned number,
			      const char *name)
{
	if (name && s->test && !strcmp(name, s->test)) {
		s->test_number = number;
		return;
	}
	free(s->test);
	s->test = name ? xstrdup(name) : NULL;
	s->test_number = number;
}

bool console_scanner_has(const struct console_scanner *s,
			 enum console_kind kind)
{
	for (size_t i = 0; i < s->events_nr; i++)
		if (s->events[i].kind == kind)
			return true;
	return false;
}

/* One "[...]" group of the printk prefix: a timestamp or a caller id. */
static size_t bracket_len(const char *line, size_t len, double *ts)
{
	size_t i = 1;

	if (!len || line[0] != '[')
		return 0;
	while (i < len && line[i] == ' ')
		i++;
	if (i < len && (line[i] == 'T' || line[i] == 'C')) {
		size_t d = ++i;

		while (i < len && isdigit((unsigned char)line[i]))
			i++;
		return i > d && i < len && line[i] == ']' ? i + 1 : 0;
	} else {
		size_t d = i, frac;

		while (i < len && isdigit((unsigned char)line[i]))
			i++;
		if (i == d || i >= len || line[i] != '.')
			return 0;
		frac = ++i;
		while (i < len && isdigit((unsigned char)line[i]))
			i++;
		if (i == frac || i >= len || line[i] != ']')
			return 0;
		if (ts)
			*ts = strtod(line + d, NULL);
		return i + 1;
	}
}

size_t console_prefix_len(const char *line, size_t len, double *ts)
{
	size_t n = 0, b;

	if (ts)
		*ts = -1;
	for (int group = 0; group < 2; group++) {
		b = bracket_len(line + n, len - n, ts);
		if (!b)
			break;
		n += b;
	}
	if (n && n < len && line[n] == ' ')
		n++;
	return n;
}

/* A symbol name followed by "+0x": copy it to *func. */
static bool parse_function(const char *s, char **func)
{
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.' ||
	       s[n] == '$')
		n++;
	if (!n || strncmp(s + n, "+0x", 3))
		return false;
	free(*func);
	*func = xstrndup(s, n);
	return true;
}

/*
 * "path/to/file.c:123" at `s`: set *file and *line, return the end.
 * NULL (nothing set) if `s` does not start with one.
 */
static const char *parse_location(const char *s, char **file, unsigned *line)
{
	size_t n = 0;
	char *end;
	unsigned long l;

	while (s[n] && s[n] != ':' && !isspace((unsigned char)s[n]))
		n++;
	if (!n || s[n] != ':' || !isdigit((unsigned char)s[n + 1]) ||
	    !memchr(s, '.', n))
		return NULL;
	l = strtoul(s + n + 1, &end, 10);
	free(*file);
	*file = xstrndup(s, n);
	*line = (unsigned)l;
	return end;
}

/* Find " at FILE:LINE" anywhere in `s`. */
static void find_location(const char *s, struct console_event *ev)
{
	const char *at = s;

	while ((at = strstr(at, " at "))) {
		at += 4;
		if (parse_location(at, &ev->file, &ev->file_line))
			return;
	}
}

/* Find " in FUNC+0x" or " in FILE:LINE" in `s`. */
static void find_in(const char *s, struct console_event *ev)
{
	const char *in = s;

	while ((in = strstr(in, " in "))) {
		in += 4;
		if (parse_location(in, &ev->file, &ev->file_line) ||
		    parse_function(in, &ev->function))
			return;
	}
}

static bool has_lockdep_words(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(lockdep_words); i++)
		if (strstr(s, lockdep_words[i]))
			return true;
	return false;
}

/*
 * "WARNING: ..." (`rest` after it). The form of __warn(): "CPU: 1 PID:
 * 123 at FILE:LINE FUNC+0x..", or since 6.18 "FILE:LINE at FUNC+0x..,
 * CPU#1: comm/123". Other text is somebody's message, not a report.
 */
static int match_warning(const char *rest, struct console_event *ev)
{
	const char *at, *end;

	if (has_lockdep_words(rest))
		return CONSOLE_LOCKDEP;
	if (starts_with(rest, "CPU: ") && strstr(rest, " PID: ") &&
	    (at = strstr(rest, " at "))) {
		at += 4;
		end = parse_location(at, &ev->file, &ev->file_line);
		if (end && *end == ' ')
			parse_function(end + 1, &ev->function);
		else if (!end)
			parse_function(at, &ev->function); /* or "at 0x0" */
		return CONSOLE_WARNING;
	}
	end = parse_location(rest, &ev->file, &ev->file_line);
	if (end && skip_prefix(end, " at ", &at) && strstr(at, "CPU#")) {
		parse_function(at, &ev->function);
		return CONSOLE_WARNING;
	}
	free(ev->file);
	ev->file = NULL;
	ev->file_line = 0;
	return -1;
}

/* "BUG: ..." (`rest` after it). */
static int match_bug(const char *rest, struct console_event *ev)
{
	if (starts_with(rest, "KASAN: ")) {
		find_in(rest, ev);
		return CONSOLE_KASAN;
	}
	if (starts_with(rest, "KFENCE: ")) {
		find_in(rest, ev);
		return CONSOLE_KFENCE;
	}
	if (starts_with(rest, "soft lockup"))
		return CONSOLE_LOCKUP;
	if (starts_with(rest, "unable to handle") ||
	    starts_with(rest, "kernel NULL pointer dereference"))
		return CONSOLE_OOPS;
	find_location(rest, ev);
	return CONSOLE_BUG;
}

/*
 * Does `s` (a line without its printk prefix) open a report? Returns its
 * kind, with what the line itself says about the place filled into
 * `ev`, or -1. *oops_line is set for the "Oops:" / "invalid opcode:"
 * lines that may continue a report already open.
 */
static int match_header(const char *s, struct console_event *ev,
			bool *oops_line)
{
	const char *rest = s;

	*oops_line = false;
	if (starts_with(s, "Kernel panic - not syncing"))
		return CONSOLE_PANIC;
	if (!skip_prefix(s, "watchdog: ", &s))
		skip_prefix(s, "NMI watchdog: ", &s);
	if (skip_prefix(s, "BUG: ", &rest))
		return match_bug(rest, ev);
	if (starts_with(s, "Watchdog detected hard LOCKUP"))
		return CONSOLE_LOCKUP;
	if (skip_prefix(s, "kernel BUG at ", &rest)) {
		parse_location(rest, &ev->file, &ev->file_line);
		return CONSOLE_BUG;
	}
	if (skip_prefix(s, "UBSAN: ", &rest)) {
		find_in(rest, ev);
		return CONSOLE_UBSAN;
	}
	if (skip_prefix(s, "WARNING: ", &rest))
		return match_warning(rest, ev);
	skip_prefix(s, "rcu: ", &s);
	rest = s;
	if (skip_prefix(s, "INFO: ", &rest)) {
		if (starts_with(rest, "task ") &&
		    strstr(rest, " blocked for more than "))
			return CONSOLE_HUNG_TASK;
		if (starts_with(rest, "rcu_") && strstr(rest, "stall"))
			return CONSOLE_RCU_STALL;
		if (has_lockdep_words(rest))
			return CONSOLE_LOCKDEP;
		return -1;
	}
	skip_prefix(s, "Oops: ", &rest);
	if (starts_with(rest, "general protection fault"))
		return CONSOLE_GPF;
	if (rest != s || starts_with(s, "invalid opcode: ")) {
		*oops_line = true;
		return CONSOLE_OOPS;
	}
	return -1;
}

/* Is `s` an entry of a call trace? Adds the function to `ev`. */
static bool trace_line(const char *s, struct console_event *ev,
		       enum trace_state *state)
{
	const char *p = s + strspn(s, " \t");
	char *func = NULL;

	if (p == s)
		return false;
	if (*p == '<' && p[strlen(p) - 1] == '>') {
		if (!strcmp(p, "</TASK>"))
			*state = TRACE_DONE;
		return true;
	}
	if (p[0] == '[' && p[1] == '<') { /* old: " [<ffff...>] func+0x" */
		p = strchr(p, ']');
		if (!p)
			return false;
		p += strspn(p + 1, " ") + 1;
	}
	if (starts_with(p, "? "))
		return true; /* unreliable: leave it out */
	if (starts_with(p, "0x"))
		return true; /* no symbol */
	if (!parse_function(p, &func))
		return false;
	if (ev->trace_nr < CONSOLE_MAX_TRACE) {
		ALLOC_GROW(ev->trace, ev->trace_nr + 1, ev->trace_alloc);
		ev->trace[ev->trace_nr++] = func;
	} else {
		free(func);
	}
	return true;
}

/* "RIP: 0010:func+0x.." (x86) or "pc : func+0x.." (arm64). */
static void rip_line(const char *s, struct console_event *ev)
{
	const char *rest;

	if (ev->function)
		return;
	if (skip_prefix(s, "RIP: ", &rest)) {
		rest = strchr(rest, ':');
		if (rest)
			parse_function(rest + 1, &ev->function);
	} else if (skip_prefix(s, "pc : ", &rest)) {
		parse_function(rest, &ev->function);
	}
}

static bool is_rule(const char *s)
{
	return strlen(s) >= 20 && strspn(s, "=") == strlen(s);
}

/* A line that belongs to the open report (or ends it). */
static void event_line(struct console_scanner *s, const char *line)
{
	struct console_event *ev = &s->events[s->open];
	const char *t = line + strspn(line, " \t");
	enum trace_state state = s->trace_state;

	if (state == TRACE_IN) {
		if (trace_line(line, ev, &state)) {
			s->trace_state = state;
			return;
		}
		s->trace_state = TRACE_DONE;
	}
	if (starts_with(t, "---[ end ") || is_rule(t)) {
		s->open = -1;
		return;
	}
	if (s->trace_state != TRACE_NONE)
		return;
	if (!strcasecmp(t, "Call Trace:"))
		s->trace_state = TRACE_IN;
	else if (ev->kind == CONSOLE_KFENCE && trace_line(line, ev, &state))
		s->trace_state = TRACE_IN; /* KFENCE: a stack, no header */
	else
		rip_line(t, ev);
}

static void feed_one(struct console_scanner *s, const char *line, size_t len)
{
	struct console_event ev = CONSOLE_EVENT_INIT;
	struct strbuf sb = STRBUF_INIT;
	bool oops_line;
	double ts;
	size_t skip;
	int kind;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	skip = console_prefix_len(line, len, &ts);
	strbuf_add(&sb, line + skip, len - skip);
	strbuf_setlen(&sb, strlen(sb.buf));
	strbuf_rtrim(&sb);
	s->lineno++;

	kind = match_header(sb.buf, &ev, &oops_line);
	if (kind >= 0 && oops_line && s->open >= 0 && !s->merged &&
	    s->trace_state == TRACE_NONE) {
		kind = -1; /* "Oops: 0000 [#1]" after its "BUG: ..." line */
		s->merged = true;
	}
	if (kind < 0) {
		console_event_release(&ev);
		if (s->open >= 0)
			event_line(s, sb.buf);
		strbuf_release(&sb);
		return;
	}

	ev.kind = kind;
	ev.first_line = strbuf_detach(&sb, NULL);
	ev.lineno = s->lineno;
	ev.timestamp = ts;
	ev.test_number = s->test_number;
	ev.test = s->test ? xstrdup(s->test) : NULL;
	ALLOC_GROW(s->events, s->events_nr + 1, s->events_alloc);
	s->events[s->events_nr] = ev;
	s->open = (int)s->events_nr++;
	s->trace_state = TRACE_NONE;
	s->merged = false;
}

int console_scanner_feed(struct console_scanner *s, const char *line,
			 size_t len)
{
	for (;;) {
		const char *nl = memchr(line, '\n', len);
		size_t n = nl ? (size_t)(nl - line) + 1 : len;

		if (!nl || n == len) {
			feed_one(s, line, len);
			return 0;
		}
		feed_one(s, line, n);
		line += n;
		len -= n;
	}
}

int console_scanner_write(struct console_scanner *s, const char *buf,
			  size_t len)
{
	const char *nl;

	while ((nl = memchr(buf, '\n', len))) {
		size_t n = nl - buf + 1;

		strbuf_add(&s->partial, buf, n);
		feed_one(s, s->partial.buf, s->partial.len);
		strbuf_reset(&s->partial);
		buf += n;
		len -= n;
	}
	strbuf_add(&s->partial, buf, len);
	return 0;
}

void console_scanner_finish(struct console_scanner *s)
{
	if (s->partial.len) {
		feed_one(s, s->partial.buf, s->partial.len);
		strbuf_reset(&s->partial);
	}
	s->open = -1;
}

int console_scan_buffer(struct console_scanner *s, const char *buf, size_t len)
{
	int ret = console_scanner_write(s, buf, len);

	console_scanner_finish(s);
	return ret;
}
