// SPDX-License-Identifier: GPL-2.0
/*
 * ktap: KTAP / TAP 13 parser and KTAP printer; see ktap.h.
 *
 * The parser keeps a stack of open levels. Level 0 is the top; a nested
 * version line opens the next, whose lines all start with its prefix
 * (the outer prefix plus the indentation of that version line). Each
 * level collects its finished tests and the diagnostics seen since its
 * last result in a struct ktap_test ("block") that becomes the subtests
 * of the next result at the outer level.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/console.h"
#include "lib/ktap.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct ktap_level {
	struct strbuf prefix;
	struct ktap_test block; /* version, plan, bail_out, subtests, diag */
	char *marker; /* name of the test in progress, or NULL */
	bool started; /* output at this level since the last result */
	unsigned highest; /* the highest result number so far */
};

/* Plans beyond this are noise on the line, not plans. */
#define KTAP_MAX_PLAN 100000

/*
 * Nested version lines deeper than this are ignored: real KTAP nests two
 * or three levels, and each open level costs every later line a look.
 */
#define KTAP_MAX_DEPTH 32

/*
 * MISSING tests made up for planned tests without a result: at most
 * KTAP_MIN_PLACEHOLDERS plus one per KTAP_BYTES_PER_PLACEHOLDER bytes of
 * input (about what a result line takes) over the whole run, so that
 * memory is bounded by the input and not by the numbers it declares, and
 * a printout parsed again makes no more than it holds.
 */
#define KTAP_MIN_PLACEHOLDERS 1024
#define KTAP_BYTES_PER_PLACEHOLDER 8

enum line_kind {
	LINE_UNKNOWN,
	LINE_VERSION,
	LINE_NESTED, /* an indented version line: a new level */
	LINE_PLAN,
	LINE_RESULT,
	LINE_BAIL,
	LINE_DIAG,
};

static const char *const result_names[KTAP_RESULT_NR] = {
	[KTAP_PASS] = "pass",	    [KTAP_FAIL] = "fail",
	[KTAP_SKIP] = "skip",	    [KTAP_XFAIL] = "xfail",
	[KTAP_TIMEOUT] = "timeout", [KTAP_ERROR] = "error",
	[KTAP_CRASH] = "crash",	    [KTAP_INCOMPLETE] = "incomplete",
	[KTAP_MISSING] = "missing",
};

void ktap_test_init(struct ktap_test *t)
{
	struct ktap_test blank = KTAP_TEST_INIT;

	*t = blank;
}

void ktap_test_release(struct ktap_test *t)
{
	free(t->name);
	free(t->reason);
	for (size_t i = 0; i < t->diag_nr; i++)
		free(t->diag[i]);
	free(t->diag);
	free(t->version);
	free(t->bail_out);
	for (size_t i = 0; i < t->subtests_nr; i++)
		ktap_test_release(&t->subtests[i]);
	free(t->subtests);
	ktap_test_init(t);
}

const char *ktap_result_name(enum ktap_result r)
{
	if ((unsigned)r >= KTAP_RESULT_NR)
		return "unknown";
	return result_names[r];
}

bool ktap_result_is_failure(enum ktap_result r)
{
	return r != KTAP_PASS && r != KTAP_SKIP && r != KTAP_XFAIL;
}

const char *ktap_test_short_name(const struct ktap_test *t)
{
	const char *s, *colon;

	if (!t->name)
		return "";
	if (!skip_prefix(t->name, "selftests: ", &s))
		return t->name;
	colon = strstr(s, ": ");
	return colon ? colon + 2 : s;
}

struct ktap_test *ktap_test_find(const struct ktap_test *t, const char *name)
{
	for (size_t i = 0; i < t->subtests_nr; i++) {
		struct ktap_test *s = &t->subtests[i];

		if ((s->name && !strcmp(s->name, name)) ||
		    !strcmp(ktap_test_short_name(s), name))
			return s;
	}
	return NULL;
}

void ktap_test_count(const struct ktap_test *t, unsigned *counts)
{
	memset(counts, 0, KTAP_RESULT_NR * sizeof(*counts));
	for (size_t i = 0; i < t->subtests_nr; i++)
		counts[t->subtests[i].result]++;
}

/* Add a diagnostic line, dropping the oldest beyond KTAP_MAX_DIAG. */
static void add_diag(struct ktap_test *t, char *text)
{
	if (t->diag_nr == KTAP_MAX_DIAG) {
		free(t->diag[0]);
		memmove(t->diag, t->diag + 1,
			(t->diag_nr - 1) * sizeof(*t->diag));
		t->diag_nr--;
		t->diag_dropped++;
	}
	ALLOC_GROW(t->diag, t->diag_nr + 1, t->diag_alloc);
	t->diag[t->diag_nr++] = text;
}

/* Move the diagnostics of `from` to the end of those of `to`. */
static void move_diag(struct ktap_test *to, struct ktap_test *from)
{
	to->diag_dropped += from->diag_dropped;
	for (size_t i = 0; i < from->diag_nr; i++)
		add_diag(to, from->diag[i]);
	free(from->diag);
	from->diag = NULL;
	from->diag_nr = from->diag_alloc = from->diag_dropped = 0;
}

/* Move the subtests (and their version, plan, bail-out) of `from`. */
static void move_subtests(struct ktap_test *to, struct ktap_test *from)
{
	free(to->version);
	free(to->bail_out);
	for (size_t i = 0; i < to->subtests_nr; i++)
		ktap_test_release(&to->subtests[i]);
	free(to->subtests);
	to->version = from->version;
	to->plan = from->plan;
	to->bail_out = from->bail_out;
	to->subtests = from->subtests;
	to->subtests_nr = from->subtests_nr;
	to->subtests_alloc = from->subtests_alloc;
	to->unlisted = from->unlisted;
	from->version = from->bail_out = NULL;
	from->subtests = NULL;
	from->subtests_nr = from->subtests_alloc = 0;
	from->unlisted = 0;
	from->plan = -1;
}

static void append_test(struct ktap_test *parent, struct ktap_test *t)
{
	ALLOC_GROW(parent->subtests, parent->subtests_nr + 1,
		   parent->subtests_alloc);
	parent->subtests[parent->subtests_nr++] = *t;
	ktap_test_init(t);
}

void ktap_parser_init(struct ktap_parser *p)
{
	struct ktap_parser blank = KTAP_PARSER_INIT;

	*p = blank;
}

static void level_release(struct ktap_level *l)
{
	strbuf_release(&l->prefix);
	ktap_test_release(&l->block);
	free(l->marker);
}

void ktap_parser_release(struct ktap_parser *p)
{
	for (size_t i = 0; i < p->levels_nr; i++)
		level_release(&p->levels[i]);
	free(p->levels);
	free(p->crash_reason);
	strbuf_release(&p->partial);
	ktap_parser_init(p);
}

/* Does `s` start with a version line? Returns its length, else 0. */
static size_t version_len(const char *s)
{
	const char *v;
	size_t n;

	if (!skip_prefix(s, "KTAP version ", &v) &&
	    !skip_prefix(s, "TAP version ", &v))
		return 0;
	n = strspn(v, "0123456789");
	if (!n)
		return 0;
	return v + n - s;
}

static void push_level(struct ktap_parser *p, const char *prefix,
		       size_t prefix_len, const char *version)
{
	struct ktap_level *l;

	ALLOC_GROW(p->levels, p->levels_nr + 1, p->levels_alloc);
	l = &p->levels[p->levels_nr++];
	memset(l, 0, sizeof(*l));
	strbuf_init(&l->prefix, 0);
	strbuf_add(&l->prefix, prefix, prefix_len);
	ktap_test_init(&l->block);
	l->block.version = xstrndup(version, version_len(version));
}

static bool is_word_end(char c)
{
	return !c || c == ' ' || c == '\t' || c == '#';
}

/*
 * Classify `rest`, a line without the prefix of the level it is tried
 * at. For LINE_NESTED, *indent gets the length of the indentation
 * before the version line.
 */
static enum line_kind classify(const char *rest, size_t *indent)
{
	const char *s = rest;

	if (version_len(rest))
		return LINE_VERSION;
	if (starts_with(rest, "1..") && isdigit((unsigned char)rest[3]))
		return LINE_PLAN;
	if ((skip_prefix(rest, "ok ", &s) ||
	     skip_prefix(rest, "not ok ", &s)) &&
	    isdigit((unsigned char)*s))
		return LINE_RESULT;
	if (starts_with(rest, "Bail out!"))
		return LINE_BAIL;

	/* Indentation: spaces, tabs and "# " (runner.sh's prefix). */
	s = rest;
	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (s[0] == '#' && (s[1] == ' ' || s[1] == '\t'))
			s += 2;
		else
			break;
	}
	if (s != rest && version_len(s)) {
		*indent = s - rest;
		return LINE_NESTED;
	}
	/* "# text" or "#"; not "#PF: ..." from an oops. */
	s = rest + strspn(rest, " \t");
	if (s[0] == '#' && (!s[1] || s[1] == ' ' || s[1] == '\t'))
		return LINE_DIAG;
	return LINE_UNKNOWN;
}

/* Parse the text after '#' of a result line into t->result and reason. */
static void parse_directive(struct ktap_test *t, bool ok, const char *d)
{
	static const struct {
		const char *word;
		enum ktap_result result;
	} words[] = {
		{ "SKIP", KTAP_SKIP },
		{ "TODO", KTAP_XFAIL },
		{ "XFAIL", KTAP_XFAIL },
		{ "TIMEOUT", KTAP_TIMEOUT },
		{ "ERROR", KTAP_ERROR },
		{ "CRASH", KTAP_CRASH },
		{ "INCOMPLETE", KTAP_INCOMPLETE },
		{ "MISSING", KTAP_MISSING },
	};
	const char *reason = d;

	t->result = ok ? KTAP_PASS : KTAP_FAIL;
	while (*d == ' ' || *d == '\t')
		d++;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		size_t n = strlen(words[i].word);
		const char *e = d + n;

		if (strncasecmp(d, words[i].word, n))
			continue;
		if (words[i].result == KTAP_SKIP && !strncasecmp(e, "PED", 3))
			e += 3; /* TAP's "# skipped" */
		if (!is_word_end(*e) && *e != ':')
			continue;
		t->result = words[i].result;
		if (t->result == KTAP_XFAIL && ok &&
		    !strcasecmp(words[i].word, "TODO"))
			t->result = KTAP_PASS; /* a TODO that passed */
		reason = e + (*e == ':');
		break;
	}
	while (*reason == ' ' || *reason == '\t')
		reason++;
	if (*reason) {
		const char *code;

		t->reason = xstrdup(reason);
		if (skip_prefix(reason, "exit=", &code) &&
		    isdigit((unsigned char)*code))
			t->exit_code = atoi(code);
	}
}

/* The '#' that ends a test name: at the start or after a blank. */
static const char *find_hash(const char *s)
{
	for (const char *h = s; (h = strchr(h, '#')); h++)
		if (h == s || h[-1] == ' ' || h[-1] == '\t')
			return h;
	return NULL;
}

/* Parse "ok N desc # directive" (known to be a result line) into `t`. */
static void parse_result(struct ktap_test *t, const char *rest)
{
	bool ok = starts_with(rest, "ok ");
	const char *s = rest + (ok ? 3 : 7);
	const char *desc, *hash, *end;
	unsigned long n;
	char *num_end;

	n = strtoul(s, &num_end, 10);
	t->number = n <= KTAP_MAX_PLAN ? n : 0; /* 0: the next one */
	desc = num_end;
	hash = find_hash(desc);
	end = hash ? hash : desc + strlen(desc);
	while (desc < end && (*desc == ' ' || *desc == '\t'))
		desc++;
	if (end - desc >= 2 && desc[0] == '-' && desc[1] == ' ')
		desc += 2;
	while (desc < end && (*desc == ' ' || *desc == '\t'))
		desc++;
	while (end > desc && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end > desc)
		t->name = xstrndup(desc, end - desc);
	parse_directive(t, ok, hash ? hash + 1 : "");
}

/* The name a marker diagnostic gives the test in progress, or NULL. */
static const char *marker_name(const char *text)
{
	const char *name;

	if (skip_prefix(text, "Subtest: ", &name) ||
	    skip_prefix(text, "running ", &name))
		return *name ? name : NULL;
	if (starts_with(text, "selftests: "))
		return text;
	return NULL;
}

/* A test number and where it stands, for a stable sort by number. */
struct ktap_order {
	unsigned number;
	size_t index;
};

static int cmp_order(const void *a, const void *b)
{
	const struct ktap_order *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort the subtests of `b` by number, keeping the order of equal ones. */
static void sort_subtests(struct ktap_test *b)
{
	struct ktap_order *order;
	struct ktap_test *sorted;
	size_t nr = b->subtests_nr;

	if (nr < 2)
		return;
	order = xmalloc(nr * sizeof(*order));
	for (size_t i = 0; i < nr; i++) {
		order[i].number = b->subtests[i].number;
		order[i].index = i;
	}
	qsort(order, nr, sizeof(*order), cmp_order);
	sorted = xmalloc(nr * sizeof(*sorted));
	for (size_t i = 0; i < nr; i++)
		sorted[i] = b->subtests[order[i].index];
	memcpy(b->subtests, sorted, nr * sizeof(*sorted));
	free(sorted);
	free(order);
}

/* No marker: see add_missing(). */
#define NO_MARKER ((size_t)-1)

/*
 * Append to `b` a MISSING test for each number in [from, to] while the
 * parser's allowance of placeholders lasts (see KTAP_MIN_PLACEHOLDERS).
 * Past it, one more MISSING test, the marker (its index
 * in *marker), stands for the rest of the level: b->unlisted counts them.
 */
static void add_missing(struct ktap_parser *p, struct ktap_test *b,
			unsigned from, unsigned to, size_t *marker)
{
	size_t allowed =
		KTAP_MIN_PLACEHOLDERS + p->bytes / KTAP_BYTES_PER_PLACEHOLDER;

	for (unsigned n = from; n <= to; n++) {
		struct ktap_test t = KTAP_TEST_INIT;

		if (*marker != NO_MARKER) {
			b->unlisted += to - n + 1;
			return;
		}
		if (p->placeholders >= allowed)
			*marker = b->subtests_nr;
		else
			p->placeholders++;
		t.number = n;
		t.result = KTAP_MISSING;
		append_test(b, &t);
	}
}

/*
 * Add to level `l` the test in progress, if there is one, and a
 * MISSING test for each planned number without a result (within the
 * parser's allowance; see add_missing()); then sort by number. `cut`
 * says what the test in progress became (INCOMPLETE, CRASH), or is
 * KTAP_RESULT_NR when the level ended normally.
 */
static void settle_level(struct ktap_parser *p, struct ktap_level *l,
			 enum ktap_result cut, const char *reason)
{
	struct ktap_test *b = &l->block;
	size_t nr, marker = NO_MARKER;
	unsigned top = b->plan > 0 ? (unsigned)b->plan : 0, next = 1;
	bool in_progress;

	in_progress =
		cut != KTAP_RESULT_NR && !b->bail_out &&
		(b->plan >= 0 ? l->highest < (unsigned)b->plan : l->started);
	if (in_progress) {
		struct ktap_test t = KTAP_TEST_INIT;

		t.number = l->highest + 1;
		t.name = l->marker;
		l->marker = NULL;
		t.result = cut;
		t.reason = reason ? xstrdup(reason) : NULL;
		move_diag(&t, b);
		append_test(b, &t);
		l->highest = t.number;
		l->started = false;
	}

	/* Holes up to the plan or the highest number are missing tests. */
	sort_subtests(b);
	nr = b->subtests_nr;
	for (size_t i = 0; i < nr; i++) {
		unsigned n = b->subtests[i].number;

		if (n > next)
			add_missing(p, b, next, n - 1, &marker);
		if (n >= next)
			next = n + 1;
	}
	if (next <= top)
		add_missing(p, b, next, top, &marker);
	if (marker != NO_MARKER)
		b->subtests[marker].reason = xstrfmt(
			"and %u more planned tests without a result, not listed: too many for the input",
			b->unlisted);
	if (b->subtests_nr > nr)
		sort_subtests(b);
}

/* Finish `t` as the result at level `k` and record it there. */
static void add_result(struct ktap_parser *p, size_t k, struct ktap_test *t)
{
	struct ktap_level *l = &p->levels[k];

	move_diag(t, &l->block);
	if (!t->number)
		t->number = l->highest + 1;
	if (t->number > l->highest)
		l->highest = t->number;
	l->started = false;
	free(l->marker);
	l->marker = NULL;
	append_test(&l->block, t);
}

/*
 * Close the levels above `k`, deepest first. Each becomes the subtests
 * of the test in progress at the level below, which has no result line:
 * it gets `cut` and `reason`.
 */
static void unwind(struct ktap_parser *p, size_t k, enum ktap_result cut,
		   const char *reason)
{
	bool deepest = true;

	while (p->levels_nr > k + 1) {
		struct ktap_level *inner = &p->levels[p->levels_nr - 1];
		struct ktap_level *outer = inner - 1;
		struct ktap_test t = KTAP_TEST_INIT;

		/* Only the deepest level has a test in progress of its own. */
		settle_level(p, inner, deepest ? cut : KTAP_RESULT_NR, reason);
		deepest = false;
		t.name = outer->marker;
		outer->marker = NULL;
		t.result = cut;
		t.reason = reason ? xstrdup(reason) : NULL;
		move_diag(&t, &outer->block);
		move_diag(&t, &inner->block);
		move_subtests(&t, &inner->block);
		level_release(inner);
		p->levels_nr--;
		add_result(p, p->levels_nr - 1, &t);
	}
}

/* A result line at level `k`. */
static void handle_result(struct ktap_parser *p, size_t k, const char *rest)
{
	struct ktap_test t = KTAP_TEST_INIT;

	parse_result(&t, rest);
	t.line = p->lineno;
	unwind(p, k + 1, KTAP_INCOMPLETE, "no result line");
	if (p->levels_nr > k + 1) {
		struct ktap_level *inner = &p->levels[k + 1];

		settle_level(p, inner, KTAP_RESULT_NR, NULL);
		move_diag(&t, &p->levels[k].block);
		move_diag(&t, &inner->block);
		move_subtests(&t, &inner->block);
		level_release(inner);
		p->levels_nr--;
	}
	add_result(p, k, &t);
}

/*
 * A diagnostic line at level `k`. Those between a nested version line
 * and its plan (KUnit's "# Subtest: NAME", "# module: NAME") describe
 * the parent test: they go one level out.
 */
static void handle_diag(struct ktap_parser *p, size_t k, const char *rest)
{
	const char *text = rest + strspn(rest, " \t") + 1;
	struct ktap_level *l = &p->levels[k];
	const char *name;

	if (k && l->block.plan < 0 && !l->block.subtests_nr)
		l = &p->levels[k - 1];
	if (*text == ' ')
		text++;
	l->started = true;
	if (!l->marker && (name = marker_name(text))) {
		const char *hash = find_hash(name);
		size_t n = hash ? (size_t)(hash - name) : strlen(name);

		/* Trimmed as a result line's name is; never empty. */
		while (n && isspace((unsigned char)*name)) {
			name++;
			n--;
		}
		while (n && isspace((unsigned char)name[n - 1]))
			n--;
		if (n)
			l->marker = xstrndup(name, n);
	}
	add_diag(&l->block, xstrdup(text));
}

/* One line, without its newline and printk prefix. */
static void handle_line(struct ktap_parser *p, const char *s)
{
	size_t indent = 0;
	long n;

	if (!p->levels_nr) {
		size_t ws = strspn(s, " \t");

		if (version_len(s + ws)) {
			push_level(p, s, ws, s + ws);
			p->seen_version = true;
		}
		return;
	}
	for (size_t k = p->levels_nr; k-- > 0;) {
		struct ktap_level *l = &p->levels[k];
		const char *rest;

		if (!skip_prefix(s, l->prefix.buf, &rest))
			continue;
		switch (classify(rest, &indent)) {
		case LINE_UNKNOWN:
			continue;
		case LINE_VERSION:
			return; /* a repeated version line: ignore it */
		case LINE_NESTED:
			if (k + 1 >= KTAP_MAX_DEPTH)
				return; /* too deep: ignore it */
			unwind(p, k, KTAP_INCOMPLETE, "no result line");
			p->levels[k].started = true;
			push_level(p, s, rest - s + indent, rest + indent);
			return;
		case LINE_PLAN:
			n = strtol(rest + 3, NULL, 10);
			if (l->block.plan < 0 && n <= KTAP_MAX_PLAN)
				l->block.plan = (int)n;
			return;
		case LINE_RESULT:
			handle_result(p, k, rest);
			return;
		case LINE_BAIL:
			unwind(p, k, KTAP_INCOMPLETE, "bail out");
			l = &p->levels[k];
			rest += strlen("Bail out!");
			rest += strspn(rest, " \t");
			free(l->block.bail_out);
			l->block.bail_out = xstrdup(rest);
			return;
		case LINE_DIAG:
			handle_diag(p, k, rest);
			return;
		}
	}
}

static void feed_one(struct ktap_parser *p, const char *line, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t skip;

	p->bytes += len;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	skip = console_prefix_len(line, len, NULL);
	strbuf_add(&sb, line + skip, len - skip);
	/*
	 * An embedded NUL would hide the rest; serial noise, drop it, and
	 * the line ending it may have bared.
	 */
	strbuf_setlen(&sb, strlen(sb.buf));
	while (sb.len && sb.buf[sb.len - 1] == '\r')
		strbuf_setlen(&sb, sb.len - 1);
	p->lineno++;
	handle_line(p, sb.buf);
	strbuf_release(&sb);
}

int ktap_parser_feed(struct ktap_parser *p, const char *line, size_t len)
{
	if (p->finished)
		return error_set("ktap: cannot feed a finished parser");
	for (;;) {
		const char *nl = memchr(line, '\n', len);
		size_t n = nl ? (size_t)(nl - line) + 1 : len;

		if (!nl || n == len) {
			feed_one(p, line, len);
			return 0;
		}
		feed_one(p, line, n);
		line += n;
		len -= n;
	}
}

int ktap_parser_write(struct ktap_parser *p, const char *buf, size_t len)
{
	const char *nl;

	if (p->finished)
		return error_set("ktap: cannot feed a finished parser");
	while ((nl = memchr(buf, '\n', len))) {
		size_t n = nl - buf + 1;

		strbuf_add(&p->partial, buf, n);
		feed_one(p, p->partial.buf, p->partial.len);
		strbuf_reset(&p->partial);
		buf += n;
		len -= n;
	}
	strbuf_add(&p->partial, buf, len);
	return 0;
}

bool ktap_parser_in_progress(const struct ktap_parser *p, unsigned *number,
			     const char **name)
{
	const struct ktap_level *l;

	if (!p->levels_nr || p->finished)
		return false;
	l = &p->levels[0];
	if (l->block.bail_out ||
	    (l->block.plan >= 0 && l->highest >= (unsigned)l->block.plan))
		return false;
	*number = l->highest + 1;
	*name = l->marker;
	return true;
}

void ktap_parser_crash(struct ktap_parser *p, const char *reason)
{
	free(p->crash_reason);
	p->crash_reason = xstrdup(reason ? reason : "");
}

/* The root's result: the worst of its subtests'. */
static enum ktap_result sum_up(const struct ktap_test *root, bool crashed)
{
	static const enum ktap_result worst[] = {
		KTAP_CRASH, KTAP_INCOMPLETE, KTAP_TIMEOUT,
		KTAP_ERROR, KTAP_FAIL,	     KTAP_MISSING,
	};
	unsigned counts[KTAP_RESULT_NR];

	if (crashed)
		return KTAP_CRASH;
	ktap_test_count(root, counts);
	for (size_t i = 0; i < ARRAY_SIZE(worst); i++)
		if (counts[worst[i]])
			return worst[i];
	if (root->bail_out)
		return KTAP_FAIL;
	if (!root->subtests_nr)
		return root->plan == 0 ? KTAP_SKIP : KTAP_INCOMPLETE;
	if (counts[KTAP_SKIP] == root->subtests_nr)
		return KTAP_SKIP;
	return KTAP_PASS;
}

int ktap_parser_finish(struct ktap_parser *p, struct ktap_test *out)
{
	enum ktap_result cut = p->crash_reason ? KTAP_CRASH : KTAP_INCOMPLETE;
	const char *reason = p->crash_reason ? p->crash_reason : "output ended";
	bool nested;

	if (p->finished)
		return error_set("ktap: parser already finished");
	if (p->partial.len) {
		feed_one(p, p->partial.buf, p->partial.len);
		strbuf_reset(&p->partial);
	}
	p->finished = true;
	ktap_test_init(out);
	if (!p->levels_nr) {
		out->result = p->crash_reason ? KTAP_CRASH : KTAP_MISSING;
		if (p->crash_reason)
			out->reason = xstrdup(p->crash_reason);
		return 0;
	}
	if (!*reason)
		reason = NULL;
	nested = p->levels_nr > 1;
	unwind(p, 0, cut, reason);
	settle_level(p, &p->levels[0], nested ? KTAP_RESULT_NR : cut, reason);
	move_subtests(out, &p->levels[0].block);
	move_diag(out, &p->levels[0].block);
	out->result = sum_up(out, p->crash_reason);
	if (p->crash_reason && *p->crash_reason)
		out->reason = xstrdup(p->crash_reason);
	level_release(&p->levels[0]);
	p->levels_nr = 0;
	return 0;
}

int ktap_parse_buffer(struct ktap_test *out, const char *buf, size_t len)
{
	struct ktap_parser p = KTAP_PARSER_INIT;
	int ret;

	ret = ktap_parser_write(&p, buf, len);
	if (!ret)
		ret = ktap_parser_finish(&p, out);
	ktap_parser_release(&p);
	return ret;
}

static void print_result(struct strbuf *out, const struct ktap_test *t,
			 const char *indent)
{
	static const char *const directive[KTAP_RESULT_NR] = {
		[KTAP_SKIP] = "SKIP",	    [KTAP_XFAIL] = "XFAIL",
		[KTAP_TIMEOUT] = "TIMEOUT", [KTAP_ERROR] = "ERROR",
		[KTAP_CRASH] = "CRASH",	    [KTAP_INCOMPLETE] = "INCOMPLETE",
		[KTAP_MISSING] = "MISSING",
	};
	bool ok = t->result == KTAP_PASS || t->result == KTAP_SKIP ||
		  t->result == KTAP_XFAIL;
	const char *d = directive[t->result], *dash = "";

	strbuf_addf(out, "%s%s %u", indent, ok ? "ok" : "not ok", t->number);
	/*
	 * A name is never empty; one that a parser would take for the
	 * "- " before a name ("- x", "-") gets one of its own.
	 */
	if (t->name && (starts_with(t->name, "- ") || !strcmp(t->name, "-")))
		dash = "- ";
	if (t->name && *t->name)
		strbuf_addf(out, " %s%s", dash, t->name);
	if (d || t->reason)
		strbuf_addstr(out, " #");
	if (d)
		strbuf_addf(out, " %s", d);
	if (t->reason)
		strbuf_addf(out, " %s", t->reason);
	strbuf_addch(out, '\n');
}

static void print_diag(struct strbuf *out, const struct ktap_test *t,
		       const char *indent)
{
	for (size_t i = 0; i < t->diag_nr; i++)
		strbuf_addf(out, "%s#%s%s\n", indent, *t->diag[i] ? " " : "",
			    t->diag[i]);
}

static void print_block(struct strbuf *out, const struct ktap_test *t,
			struct strbuf *indent)
{
	size_t len = indent->len;
	unsigned plan = 0;

	/* Numbers run 1..N with no holes after ktap_parser_finish(). */
	for (size_t i = 0; i < t->subtests_nr; i++)
		if (t->subtests[i].number > plan)
			plan = t->subtests[i].number;
	strbuf_addf(out, "%sKTAP version 1\n", indent->buf);
	strbuf_addf(out, "%s1..%u\n", indent->buf, plan);
	for (size_t i = 0; i < t->subtests_nr; i++) {
		const struct ktap_test *s = &t->subtests[i];

		print_diag(out, s, indent->buf);
		if (s->version || s->subtests_nr) {
			strbuf_addstr(indent, "  ");
			print_block(out, s, indent);
			strbuf_setlen(indent, len);
		}
		print_result(out, s, indent->buf);
	}
	if (t->bail_out)
		strbuf_addf(out, "%sBail out!%s%s\n", indent->buf,
			    *t->bail_out ? " " : "", t->bail_out);
}

void ktap_print(struct strbuf *out, const struct ktap_test *run)
{
	struct strbuf indent = STRBUF_INIT;

	print_block(out, run, &indent);
	print_diag(out, run, "");
	strbuf_release(&indent);
}
