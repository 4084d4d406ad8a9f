// SPDX-License-Identifier: GPL-2.0
/*
 * patch: parse a unified diff (git's format, or a plain "---"/"+++" one)
 * into files, hunks and lines; list the damage a web archive did to it
 * without repairing anything (the heuristics are damage.c's); compute
 * `git patch-id --stable`; write it back as a canonical diff. See
 * patch.h.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "lib/damage.h"
#include "lib/patch.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define PATCH_MAX_LINE (1024 * 1024)

/* The input, copied and cut into NUL-terminated lines. */
struct parser {
	struct patch *p;
	const char *name;
	unsigned first_line;
	char *buf;
	char **lines;
	size_t *lens;
	size_t nr, alloc;
	size_t pos;
	/* Some line lost its marker, or a hunk ran short: a damaged mail. */
	bool damaged;
	/*
	 * The current "diff --git" line named its files for sure (quoted,
	 * or the same name twice); else its split at " b/" is a guess that
	 * the "---"/"+++" lines settle, as git does.
	 */
	bool header_sure;
};

static unsigned lineno(const struct parser *ps, size_t i)
{
	return ps->first_line + (unsigned)i;
}

__attribute__((format(printf, 3, 4))) static int
perr(const struct parser *ps, size_t i, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ret = error_set("%s:%u: %s", ps->name, lineno(ps, i), sb.buf);
	strbuf_release(&sb);
	return ret;
}

static int split_lines(struct parser *ps, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	size_t i = 0;

	if (nul) {
		size_t n = 0;

		for (const char *s = text; s < nul; s++)
			n += *s == '\n';
		return perr(ps, n, "NUL byte in patch");
	}
	ps->buf = xmalloc(len + 1);
	memcpy(ps->buf, text, len);
	ps->buf[len] = '\0';
	while (i < len) {
		char *s = ps->buf + i;
		char *nl = memchr(s, '\n', len - i);
		size_t l = nl ? (size_t)(nl - s) : len - i;

		if (l > PATCH_MAX_LINE)
			return perr(ps, ps->nr, "line longer than 1 MiB");
		ALLOC_GROW(ps->lines, ps->nr + 1, ps->alloc);
		ps->lens = xrealloc(ps->lens, ps->alloc * sizeof(*ps->lens));
		ps->lines[ps->nr] = s;
		ps->lens[ps->nr] = l;
		ps->nr++;
		s[l] = '\0';
		i += l + 1;
	}
	return 0;
}

static const char *line_at(const struct parser *ps, size_t i)
{
	return i < ps->nr ? ps->lines[i] : "";
}

static bool at(const struct parser *ps, size_t i, const char *prefix)
{
	return i < ps->nr && starts_with(ps->lines[i], prefix);
}

/* A header line without its trailing CR (a CRLF mail); caller frees. */
static char *header_dup(const struct parser *ps, size_t i)
{
	size_t l = ps->lens[i];

	if (l && ps->lines[i][l - 1] == '\r')
		l--;
	return xstrndup(ps->lines[i], l);
}

/* "2.43.0", "2.55.0.rc0.799.gd6f94ed593-goog": git's version line. */
static bool is_version_line(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '.' && isdigit((unsigned char)s[1]);
}

/* "-- " (or, damaged, "--") followed by a version line. */
static bool is_signature(const struct parser *ps, size_t i)
{
	const char *s = line_at(ps, i);

	if (i >= ps->nr || strncmp(s, "--", 2))
		return false;
	s += 2;
	if (*s == ' ')
		s++;
	if (*s == '\r')
		s++;
	return !*s && i + 1 < ps->nr && is_version_line(ps->lines[i + 1]);
}

static bool is_plain_start(const struct parser *ps, size_t i)
{
	return at(ps, i, "--- ") && at(ps, i + 1, "+++ ") &&
	       at(ps, i + 2, "@@ -");
}

static bool is_file_start(const struct parser *ps, size_t i)
{
	return at(ps, i, "diff --git ") || is_plain_start(ps, i);
}

/*
 * Paths.
 */

/* Unquote git's C-style quoted name at `s` ('"'); NULL if malformed. */
static char *unquote_c_style(const char *s, const char **end)
{
	struct strbuf sb = STRBUF_INIT;

	for (s++; *s && *s != '"'; s++) {
		int c = (unsigned char)*s;

		if (c == '\\') {
			static const char from[] = "abtnvfr\"\\";
			static const char to[] = "\a\b\t\n\v\f\r\"\\";
			const char *e;

			c = (unsigned char)*++s;
			if (c >= '0' && c <= '3' && s[1] >= '0' &&
			    s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
				c = (c - '0') * 64 + (s[1] - '0') * 8 +
				    (s[2] - '0');
				s += 2;
			} else if (c && (e = strchr(from, c))) {
				c = to[e - from];
			} else {
				strbuf_release(&sb);
				return NULL;
			}
		}
		strbuf_addch(&sb, c);
	}
	if (*s != '"') {
		strbuf_release(&sb);
		return NULL;
	}
	*end = s + 1;
	return strbuf_detach(&sb, NULL);
}

/* Drop the first path component ("a/", "b/"), like patch -p1. */
static char *strip_component(char *path)
{
	char *slash = strchr(path, '/');

	if (slash)
		memmove(path, slash + 1, strlen(slash + 1) + 1);
	return path;
}

/* An unquoted name ends at its last non-blank. */
static char *trim_blanks(char *name)
{
	size_t n = strlen(name);

	while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		name[--n] = '\0';
	return name;
}

/*
 * The name on a "---"/"+++" line: quoted, or up to a tab (git adds one
 * after names with blanks, GNU diff a date). NULL for /dev/null.
 */
static char *parse_side_name(const char *s, bool *bad)
{
	const char *end;
	char *name;

	*bad = false;
	if (*s == '"') {
		name = unquote_c_style(s, &end);
		if (!name) {
			*bad = true;
			return NULL;
		}
	} else {
		/* A plain diff may end the name with blanks before a date. */
		name = trim_blanks(xstrndup(s, strcspn(s, "\t")));
	}
	if (!strcmp(name, "/dev/null")) {
		free(name);
		return NULL;
	}
	return name;
}

/* "a/X b/X": cut in the middle when both halves name the same path. */
static bool split_equal(const char *s, size_t n)
{
	const char *mid, *x, *y;

	if (n % 2 == 0 || s[n / 2] != ' ')
		return false;
	mid = s + n / 2;
	x = memchr(s, '/', mid - s);
	y = strchr(mid + 1, '/');
	if (!x || !y)
		return false;
	return (size_t)(mid - x) == strlen(y) && !strncmp(x, y, mid - x);
}

/*
 * Both names of "diff --git a/X b/Y"; *sure when that is not a guess.
 * An unquoted name ends at its last non-blank, as on a side line.
 */
static int parse_git_names(const char *line, char **a, char **b, bool *sure)
{
	char *copy = trim_blanks(xstrdup(line));
	const char *end, *s = copy;
	int ret = -1;
	size_t n;

	*sure = true;
	*a = *b = NULL;
	if (*s == '"') {
		*a = unquote_c_style(s, &end);
		if (!*a || *end != ' ')
			goto out;
		s = end + 1;
	} else {
		const char *q = strstr(s, " \"");

		n = strlen(s);
		if (q) {
			*a = trim_blanks(xstrndup(s, q - s));
			s = q + 1;
		} else if (split_equal(s, n)) {
			*a = xstrndup(s, n / 2);
			s += n / 2 + 1;
		} else {
			const char *sp = strstr(s, " b/");

			*sure = false;
			if (!sp)
				sp = strchr(s, ' ');
			if (!sp)
				goto out;
			*a = trim_blanks(xstrndup(s, sp - s));
			s = sp + 1;
		}
	}
	if (*s == '"') {
		*b = unquote_c_style(s, &end);
		if (!*b)
			goto out;
	} else {
		*b = xstrdup(s);
	}
	strip_component(*a);
	strip_component(*b);
	ret = 0;
out:
	free(copy);
	return ret;
}

static int check_path(const struct parser *ps, size_t i, const char *path)
{
	const char *c = path;

	/* Blanks alone are no name: a side line would read them as none. */
	if (!path[strspn(path, " ")])
		return perr(ps, i, "empty path");
	if (*path == '/')
		return perr(ps, i, "absolute path '%s'", path);
	while (*c) {
		size_t n = strcspn(c, "/");

		if (n == 2 && !strncmp(c, "..", 2))
			return perr(ps, i, "path '%s' leaves the tree ('..')",
				    path);
		if (n == 4 && !strncasecmp(c, ".git", 4))
			return perr(ps, i, "path '%s' touches .git", path);
		c += n;
		if (*c == '/')
			c++;
	}
	return 0;
}

static void set_path(char **dst, char *src)
{
	free(*dst);
	*dst = src;
}

/*
 * Hunks.
 */

static void add_line(struct parser *ps, struct patch_hunk *h, size_t i,
		     unsigned *old_seen, unsigned *new_seen)
{
	const char *s = ps->lines[i];
	size_t len = ps->lens[i];
	struct patch_line *l;

	ALLOC_GROW(h->lines, h->nr + 1, h->alloc);
	l = &h->lines[h->nr++];
	memset(l, 0, sizeof(*l));
	l->line = lineno(ps, i);
	if (*s == ' ' || *s == '+' || *s == '-') {
		l->kind = *s;
		s++;
		len--;
	} else {
		/* Empty: an empty context line, as git takes it. */
		l->kind = PATCH_LINE_CONTEXT;
		if (len) {
			l->damage = DAMAGE_CONTEXT_MARKER_LOST;
			ps->damaged = true;
		}
	}
	l->text = xstrndup(s, len);
	l->len = len;
	if (l->kind != PATCH_LINE_ADD)
		(*old_seen)++;
	if (l->kind != PATCH_LINE_DEL)
		(*new_seen)++;
}

static bool is_no_newline(const struct parser *ps, size_t i)
{
	return at(ps, i, "\\ ");
}

static void mark_no_newline(struct patch_hunk *h)
{
	if (h->nr)
		h->lines[h->nr - 1].no_newline = true;
}

static bool parse_range(const char **sp, unsigned *start, unsigned *count)
{
	const char *s = *sp;
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	v = strtoul(s, &end, 10);
	if (v > UINT_MAX)
		return false;
	*start = v;
	*count = 1;
	s = end;
	if (*s == ',') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		v = strtoul(s, &end, 10);
		if (v > UINT_MAX)
			return false;
		*count = v;
		s = end;
	}
	*sp = s;
	return true;
}

static int parse_hunk_header(struct parser *ps, struct patch_hunk *h)
{
	char *hdr = header_dup(ps, ps->pos);
	const char *s = hdr + 4;
	int ret = 0;

	if (strncmp(hdr, "@@ -", 4) ||
	    !parse_range(&s, &h->old_start, &h->old_count) ||
	    strncmp(s, " +", 2)) {
		ret = perr(ps, ps->pos, "malformed hunk header '%s'", hdr);
		goto out;
	}
	s += 2;
	if (!parse_range(&s, &h->new_start, &h->new_count) ||
	    strncmp(s, " @@", 3)) {
		ret = perr(ps, ps->pos, "malformed hunk header '%s'", hdr);
		goto out;
	}
	s += 3;
	if (*s == ' ')
		h->section = xstrdup(s + 1);
	else if (*s)
		h->section = xstrdup(s);
out:
	free(hdr);
	return ret;
}

/*
 * After a hunk whose counts are met: lines up to the next "@@ " or
 * "diff --git" (or, in a damaged mail, the signature) that read as hunk
 * body belong to it, and make it long.
 */
static size_t long_tail(const struct parser *ps)
{
	size_t j = ps->pos, last = ps->pos;
	bool body = true;

	while (j < ps->nr && !at(ps, j, "@@ ") && !at(ps, j, "diff --git ") &&
	       !is_signature(ps, j)) {
		if (!strchr(" +-\\", ps->lines[j][0]))
			body = false;
		if (ps->lines[j][0])
			last = j + 1;
		j++;
	}
	if (j == ps->pos || j == ps->nr)
		return ps->pos;
	/* A plain diff's next file: "--- ", "+++ " then "@@". */
	for (size_t k = ps->pos; k < j; k++)
		if (is_plain_start(ps, k))
			return ps->pos;
	if (is_signature(ps, j))
		return ps->damaged ? last : ps->pos;
	return body || ps->damaged ? j : ps->pos;
}

static int parse_hunk(struct parser *ps, struct patch_file *f)
{
	unsigned old_seen = 0, new_seen = 0;
	struct patch_hunk *h;
	bool is_short = false;
	char hdr[80];
	size_t end;

	ALLOC_GROW(f->hunks, f->nr + 1, f->alloc);
	h = &f->hunks[f->nr++];
	memset(h, 0, sizeof(*h));
	h->line = lineno(ps, ps->pos);
	if (parse_hunk_header(ps, h) < 0)
		return -1;
	ps->pos++;
	while (old_seen < h->old_count || new_seen < h->new_count) {
		if (ps->pos >= ps->nr || at(ps, ps->pos, "@@ ") ||
		    at(ps, ps->pos, "diff --git ") ||
		    is_signature(ps, ps->pos)) {
			is_short = true;
			break;
		}
		if (is_no_newline(ps, ps->pos))
			mark_no_newline(h);
		else
			add_line(ps, h, ps->pos, &old_seen, &new_seen);
		ps->pos++;
	}
	while (is_no_newline(ps, ps->pos)) {
		mark_no_newline(h);
		ps->pos++;
	}
	if (!is_short) {
		end = long_tail(ps);
		for (; ps->pos < end; ps->pos++) {
			if (is_no_newline(ps, ps->pos))
				mark_no_newline(h);
			else
				add_line(ps, h, ps->pos, &old_seen, &new_seen);
		}
	}

	damage_hunk_name(hdr, sizeof(hdr), h);
	if (is_short) {
		ps->damaged = true;
		h->damage |= DAMAGE_HUNK_SHORT;
		damage_add(
			ps->p, h->line, DAMAGE_HUNK_SHORT,
			"hunk %s has %u old and %u new lines, its header says %u and %u",
			hdr, old_seen, new_seen, h->old_count, h->new_count);
	} else if (old_seen > h->old_count || new_seen > h->new_count) {
		h->damage |= DAMAGE_HUNK_LONG;
		damage_add(
			ps->p, h->line, DAMAGE_HUNK_LONG,
			"hunk %s has %u old and %u new lines, its header says %u and %u",
			hdr, old_seen, new_seen, h->old_count, h->new_count);
	}
	damage_add_marker_lost(ps->p, h);
	damage_check_indent(ps->p, f, h);
	for (size_t i = 0; i < h->nr; i++) {
		h->damage |= h->lines[i].damage;
		if (h->lines[i].kind == PATCH_LINE_ADD)
			ps->p->added++;
		else if (h->lines[i].kind == PATCH_LINE_DEL)
			ps->p->removed++;
	}
	return 0;
}

/*
 * Files.
 */

static struct patch_file *new_file(struct parser *ps)
{
	struct patch *p = ps->p;
	struct patch_file *f;

	ALLOC_GROW(p->files, p->nr + 1, p->alloc);
	f = &p->files[p->nr++];
	memset(f, 0, sizeof(*f));
	f->line = lineno(ps, ps->pos);
	return f;
}

static unsigned parse_mode(const char *s)
{
	return (unsigned)strtoul(s, NULL, 8);
}

static void parse_index(struct patch_file *f, const char *s)
{
	const char *dots = strstr(s, "..");
	const char *sp;

	if (!dots)
		return;
	sp = strchr(dots, ' ');
	free(f->old_oid);
	free(f->new_oid);
	f->old_oid = xstrndup(s, dots - s);
	f->new_oid = sp ? xstrndup(dots + 2, sp - dots - 2) : xstrdup(dots + 2);
	if (sp && !f->old_mode && !f->new_mode)
		f->old_mode = f->new_mode = parse_mode(sp + 1);
}

/* "--- X" then "+++ Y" at ps->pos. */
static int parse_side_names(struct parser *ps, struct patch_file *f,
			    bool *is_new, bool *is_del)
{
	char *minus = header_dup(ps, ps->pos);
	char *plus = NULL, *a, *b;
	bool bad_a, bad_b;
	int ret = 0;

	if (!at(ps, ps->pos + 1, "+++ ")) {
		ret = perr(ps, ps->pos, "'---' line without '+++' line");
		goto out;
	}
	plus = header_dup(ps, ps->pos + 1);
	a = parse_side_name(minus + 4, &bad_a);
	b = parse_side_name(plus + 4, &bad_b);
	if (bad_a || bad_b) {
		ret = perr(ps, ps->pos, "malformed file name");
	} else if ((a && *a == '/') || (b && *b == '/')) {
		ret = perr(ps, ps->pos, "absolute path '%s'",
			   a && *a == '/' ? a : b);
	}
	if (ret < 0) {
		free(a);
		free(b);
		goto out;
	}
	if (a)
		strip_component(a);
	if (b)
		strip_component(b);
	if (!a)
		*is_new = true;
	else
		set_path(&f->old_path, a);
	if (!b)
		*is_del = true;
	else
		set_path(&f->new_path, b);
	ps->pos += 2;
out:
	free(minus);
	free(plus);
	return ret;
}

static int binary_error(struct parser *ps)
{
	return perr(ps, ps->pos, "binary diff is not supported");
}

/* The path of "rename from", "copy to" ..., checked on its own line. */
static int parse_copy_name(struct parser *ps, const char *v, char **dst)
{
	bool bad;
	char *name = parse_side_name(v, &bad);

	if (bad || !name) {
		free(name);
		return perr(ps, ps->pos, "malformed file name");
	}
	set_path(dst, name);
	return check_path(ps, ps->pos, name);
}

/* The same name but for trailing blanks (a plain side name drops them). */
static bool same_name(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);

	while (n && a[n - 1] == ' ')
		n--;
	while (m && b[m - 1] == ' ')
		m--;
	return n == m && !memcmp(a, b, n);
}

/*
 * "--- X" and "+++ Y" of a git diff name the files its header named
 * (as `git apply` checks): a patch whose lines disagree with its header
 * is refused, not read with whichever name came last.
 */
static int parse_git_side_names(struct parser *ps, struct patch_file *f,
				bool *is_new, bool *is_del)
{
	char *old = f->old_path ? xstrdup(f->old_path) : NULL;
	char *new = f->new_path ? xstrdup(f->new_path) : NULL;
	size_t at_line = ps->pos;
	int ret = parse_side_names(ps, f, is_new, is_del);

	if (!ps->header_sure && f->status != PATCH_FILE_RENAMED &&
	    f->status != PATCH_FILE_COPIED) {
		/* A guessed split: the side lines name the files. */
		free(old);
		free(new);
		return ret;
	}
	if (!ret && old && !*is_new && f->old_path &&
	    !same_name(old, f->old_path))
		ret = perr(ps, at_line, "inconsistent old file name '%s' "
					"(the diff header says '%s')",
			   f->old_path, old);
	else if (!ret && new && !*is_del && f->new_path &&
		 !same_name(new, f->new_path))
		ret = perr(ps, at_line + 1, "inconsistent new file name '%s' "
					    "(the diff header says '%s')",
			   f->new_path, new);
	free(old);
	free(new);
	return ret;
}

/* The header lines after "diff --git"; stops at "@@ " or what is not one. */
static int parse_git_header(struct parser *ps, struct patch_file *f,
			    bool *is_new, bool *is_del)
{
	while (ps->pos < ps->nr) {
		char *l = header_dup(ps, ps->pos);
		const char *v;
		int ret = 0;
		bool done = false;

		if (skip_prefix(l, "old mode ", &v)) {
			f->old_mode = parse_mode(v);
		} else if (skip_prefix(l, "new mode ", &v)) {
			f->new_mode = parse_mode(v);
		} else if (skip_prefix(l, "deleted file mode ", &v)) {
			*is_del = true;
			f->old_mode = parse_mode(v);
		} else if (skip_prefix(l, "new file mode ", &v)) {
			*is_new = true;
			f->new_mode = parse_mode(v);
		} else if (skip_prefix(l, "similarity index ", &v)) {
			f->similarity = (unsigned)strtoul(v, NULL, 10);
		} else if (skip_prefix(l, "dissimilarity index ", &v)) {
			f->dissimilarity = (unsigned)strtoul(v, NULL, 10);
		} else if (skip_prefix(l, "rename from ", &v) ||
			   skip_prefix(l, "copy from ", &v)) {
			f->status = l[0] == 'r' ? PATCH_FILE_RENAMED :
						  PATCH_FILE_COPIED;
			ret = parse_copy_name(ps, v, &f->old_path);
		} else if (skip_prefix(l, "rename to ", &v) ||
			   skip_prefix(l, "copy to ", &v)) {
			ret = parse_copy_name(ps, v, &f->new_path);
		} else if (skip_prefix(l, "index ", &v)) {
			parse_index(f, v);
		} else if (starts_with(l, "GIT binary patch") ||
			   (starts_with(l, "Binary files ") &&
			    ends_with(l, " differ"))) {
			ret = binary_error(ps);
		} else if (starts_with(l, "--- ")) {
			ret = parse_git_side_names(ps, f, is_new, is_del);
			done = true;
		} else {
			done = true;
		}
		free(l);
		if (ret < 0)
			return -1;
		if (done)
			return 0;
		ps->pos++;
	}
	return 0;
}

static int check_file_paths(struct parser *ps, struct patch_file *f,
			    size_t start)
{
	if (f->old_path && check_path(ps, start, f->old_path) < 0)
		return -1;
	if (f->new_path && check_path(ps, start, f->new_path) < 0)
		return -1;
	if (!f->old_path && !f->new_path)
		return perr(ps, start, "no file name in diff header");
	return 0;
}

static int parse_file(struct parser *ps)
{
	struct patch_file *f = new_file(ps);
	bool is_new = false, is_del = false;
	size_t start = ps->pos;

	if (at(ps, ps->pos, "diff --git ")) {
		char *l = header_dup(ps, ps->pos);

		if (parse_git_names(l + strlen("diff --git "), &f->old_path,
				    &f->new_path, &ps->header_sure) < 0) {
			free(l);
			return perr(ps, start, "malformed 'diff --git' line");
		}
		free(l);
		ps->pos++;
		if (parse_git_header(ps, f, &is_new, &is_del) < 0)
			return -1;
	} else if (parse_side_names(ps, f, &is_new, &is_del) < 0) {
		return -1;
	}
	if (is_new) {
		f->status = PATCH_FILE_ADDED;
		set_path(&f->old_path, NULL);
	} else if (is_del) {
		f->status = PATCH_FILE_DELETED;
		set_path(&f->new_path, NULL);
	}
	if (check_file_paths(ps, f, start) < 0)
		return -1;
	while (at(ps, ps->pos, "@@ "))
		if (parse_hunk(ps, f) < 0)
			return -1;
	if (at(ps, ps->pos, "GIT binary patch") ||
	    at(ps, ps->pos, "Binary files "))
		return binary_error(ps);
	return 0;
}

bool patch_find_diff(const char *text, size_t len, size_t *offset,
		     unsigned *line)
{
	size_t i = 0;
	unsigned n = 1;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - text - i) : len - i;

		if (l >= 11 && !memcmp(text + i, "diff --git ", 11)) {
			*offset = i;
			*line = n;
			return true;
		}
		i += l + 1;
		n++;
	}
	return false;
}

int patch_parse(struct patch *p, const char *text, size_t len,
		unsigned first_line, const char *name)
{
	struct parser ps = { .p = p,
			     .name = name ? name : "<patch>",
			     .first_line = first_line ? first_line : 1 };
	int ret = -1;

	if (split_lines(&ps, text, len) < 0)
		goto out;
	while (ps.pos < ps.nr && !is_file_start(&ps, ps.pos)) {
		if (at(&ps, ps.pos, "GIT binary patch") ||
		    at(&ps, ps.pos, "Binary files ")) {
			binary_error(&ps);
			goto out;
		}
		ps.pos++;
	}
	while (ps.pos < ps.nr && is_file_start(&ps, ps.pos))
		if (parse_file(&ps) < 0)
			goto out;
	if (!p->nr) {
		error_set("%s: no diff found", ps.name);
		goto out;
	}
	damage_sort(p);
	patch_compute_id(p);
	ret = 0;
out:
	if (ret < 0) {
		patch_release(p);
		patch_init(p);
	}
	free(ps.buf);
	free(ps.lines);
	free(ps.lens);
	return ret;
}

/*
 * Writing back.
 */

/*
 * git's quoting of names with control, '"', '\\' or non-ASCII bytes; and
 * of a name that ends in a blank, which an unquoted name cannot.
 */
static bool needs_quote(const char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == ' ')
		return true;
	for (; *s; s++) {
		unsigned char c = *s;

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f)
			return true;
	}
	return false;
}

static void add_quoted(struct strbuf *out, const char *prefix, const char *name,
		       bool force)
{
	if (!force && !needs_quote(prefix) && !needs_quote(name)) {
		strbuf_addstr(out, prefix);
		strbuf_addstr(out, name);
		return;
	}
	strbuf_addch(out, '"');
	for (int pass = 0; pass < 2; pass++) {
		for (const char *s = pass ? name : prefix; *s; s++) {
			unsigned char c = *s;
			const char *e = strchr("\a\b\t\n\v\f\r\"\\", c);

			if (c && e)
				strbuf_addf(
					out, "\\%c",
					"abtnvfr\"\\"[e - "\a\b\t\n\v\f\r\"\\"]);
			else if (c < 0x20 || c >= 0x7f)
				strbuf_addf(out, "\\%03o", c);
			else
				strbuf_addch(out, c);
		}
	}
	strbuf_addch(out, '"');
}

static void add_side(struct strbuf *out, const char *marker, const char *prefix,
		     const char *name)
{
	strbuf_addstr(out, marker);
	if (!name) {
		strbuf_addstr(out, "/dev/null\n");
		return;
	}
	add_quoted(out, prefix, name, false);
	if (!needs_quote(name) && strchr(name, ' '))
		strbuf_addch(out, '\t');
	strbuf_addch(out, '\n');
}

/*
 * "a/X b/Y" as git writes it, or with both names quoted where that
 * would not read back as X and Y: an X holding " b/" next to a
 * different Y, which only "---"/"+++" lines (absent without hunks)
 * could settle.
 */
static void add_git_names(struct strbuf *out, const char *a, const char *b)
{
	struct strbuf h = STRBUF_INIT;
	char *x = NULL, *y = NULL;
	bool sure, force;

	add_quoted(&h, "a/", a, false);
	strbuf_addch(&h, ' ');
	add_quoted(&h, "b/", b, false);
	force = parse_git_names(h.buf, &x, &y, &sure) < 0 || !same_name(x, a) ||
		!same_name(y, b);
	free(x);
	free(y);
	if (force) {
		strbuf_reset(&h);
		add_quoted(&h, "a/", a, true);
		strbuf_addch(&h, ' ');
		add_quoted(&h, "b/", b, true);
	}
	strbuf_addbuf(out, &h);
	strbuf_release(&h);
}

static void file_to_text(struct strbuf *out, const struct patch_file *f)
{
	const char *a = f->old_path ? f->old_path : f->new_path;
	const char *b = f->new_path ? f->new_path : f->old_path;
	bool rename = f->status == PATCH_FILE_RENAMED;

	strbuf_addstr(out, "diff --git ");
	add_git_names(out, a, b);
	strbuf_addch(out, '\n');
	if (f->status == PATCH_FILE_ADDED) {
		strbuf_addf(out, "new file mode %06o\n",
			    f->new_mode ? f->new_mode : 0100644);
	} else if (f->status == PATCH_FILE_DELETED) {
		strbuf_addf(out, "deleted file mode %06o\n",
			    f->old_mode ? f->old_mode : 0100644);
	} else if (f->old_mode && f->new_mode && f->old_mode != f->new_mode) {
		strbuf_addf(out, "old mode %06o\nnew mode %06o\n", f->old_mode,
			    f->new_mode);
	}
	if (rename || f->status == PATCH_FILE_COPIED) {
		strbuf_addf(out, "similarity index %u%%\n", f->similarity);
		strbuf_addstr(out, rename ? "rename from " : "copy from ");
		add_quoted(out, "", a, false);
		strbuf_addstr(out, rename ? "\nrename to " : "\ncopy to ");
		add_quoted(out, "", b, false);
		strbuf_addch(out, '\n');
	} else if (f->dissimilarity) {
		strbuf_addf(out, "dissimilarity index %u%%\n",
			    f->dissimilarity);
	}
	if (f->old_oid && f->new_oid) {
		strbuf_addf(out, "index %s..%s", f->old_oid, f->new_oid);
		if (f->status != PATCH_FILE_ADDED &&
		    f->status != PATCH_FILE_DELETED && f->old_mode &&
		    f->old_mode == f->new_mode)
			strbuf_addf(out, " %06o", f->old_mode);
		strbuf_addch(out, '\n');
	}
	if (!f->nr)
		return;
	add_side(out, "--- ", "a/", f->status == PATCH_FILE_ADDED ? NULL : a);
	add_side(out, "+++ ", "b/", f->status == PATCH_FILE_DELETED ? NULL : b);
	for (size_t i = 0; i < f->nr; i++) {
		const struct patch_hunk *h = &f->hunks[i];
		unsigned o = 0, n = 0;

		for (size_t j = 0; j < h->nr; j++) {
			o += h->lines[j].kind != PATCH_LINE_ADD;
			n += h->lines[j].kind != PATCH_LINE_DEL;
		}
		strbuf_addf(out, "@@ -%u", h->old_start);
		if (o != 1)
			strbuf_addf(out, ",%u", o);
		strbuf_addf(out, " +%u", h->new_start);
		if (n != 1)
			strbuf_addf(out, ",%u", n);
		strbuf_addstr(out, " @@");
		if (h->section)
			strbuf_addf(out, " %s", h->section);
		strbuf_addch(out, '\n');
		for (size_t j = 0; j < h->nr; j++) {
			const struct patch_line *l = &h->lines[j];

			strbuf_addch(out, l->kind);
			strbuf_add(out, l->text, l->len);
			strbuf_addch(out, '\n');
			if (l->no_newline)
				strbuf_addstr(out,
					      "\\ No newline at end of file\n");
		}
	}
}

void patch_to_text(struct strbuf *out, const struct patch *p)
{
	for (size_t i = 0; i < p->nr; i++)
		file_to_text(out, &p->files[i]);
}

/*
 * The stable patch-id, as git's builtin/patch-id.c computes it: a SHA-1
 * over each file's diff with all whitespace removed, leaving out "index"
 * lines, hunk headers and "\ No newline" lines; the files' hashes are
 * summed bytewise with carry so that their order does not matter.
 */

static void flush_one(unsigned char sum[20], GChecksum *ctx)
{
	unsigned char hash[20];
	gsize n = sizeof(hash);
	unsigned carry = 0;

	g_checksum_get_digest(ctx, hash, &n);
	g_checksum_reset(ctx);
	for (int i = 0; i < 20; i++) {
		carry += sum[i] + hash[i];
		sum[i] = carry & 0xff;
		carry >>= 8;
	}
}

static void scan_counts(const char *s, int *before, int *after)
{
	unsigned start;
	unsigned o, n;

	s += 4;
	if (!parse_range(&s, &start, &o) || strncmp(s, " +", 2)) {
		*before = *after = 0;
		return;
	}
	s += 2;
	if (!parse_range(&s, &start, &n))
		n = 0;
	*before = o;
	*after = n;
}

void patch_id_of_text(char out[41], const char *text, size_t len)
{
	GChecksum *ctx = g_checksum_new(G_CHECKSUM_SHA1);
	unsigned char sum[20] = { 0 };
	struct strbuf line = STRBUF_INIT;
	int before = -1, after = -1;
	size_t i = 0, patchlen = 0;

	while (i < len) {
		const char *s = text + i;
		const char *nl = memchr(s, '\n', len - i);
		size_t l = nl ? (size_t)(nl - s) : len - i;
		size_t k = 0;

		i += l + 1;
		strbuf_reset(&line);
		strbuf_add(&line, s, l);
		s = line.buf;
		if (starts_with(s, "\\ ") && l + 1 > 12)
			continue;
		if (!patchlen && !starts_with(s, "diff "))
			continue;
		if (before == -1) {
			if (starts_with(s, "index "))
				continue;
			if (starts_with(s, "--- "))
				before = after = 1;
			else if (!isalpha((unsigned char)s[0]))
				break;
		}
		if (before == 0 && after == 0) {
			if (starts_with(s, "@@ -")) {
				scan_counts(s, &before, &after);
				continue;
			}
			if (!starts_with(s, "diff "))
				break;
			flush_one(sum, ctx);
			before = after = -1;
		}
		if (s[0] == '-' || s[0] == ' ')
			before--;
		if (s[0] == '+' || s[0] == ' ')
			after--;
		for (size_t j = 0; j < l; j++)
			if (!isspace((unsigned char)s[j]))
				line.buf[k++] = s[j];
		g_checksum_update(ctx, (const guchar *)line.buf, k);
		patchlen += k;
	}
	flush_one(sum, ctx);
	if (!patchlen)
		memset(sum, 0, sizeof(sum));
	for (int j = 0; j < 20; j++)
		snprintf(out + 2 * j, 3, "%02x", sum[j]);
	g_checksum_free(ctx);
	strbuf_release(&line);
}

void patch_compute_id(struct patch *p)
{
	struct strbuf sb = STRBUF_INIT;

	patch_to_text(&sb, p);
	patch_id_of_text(p->patch_id, sb.buf, sb.len);
	strbuf_release(&sb);
}

/*
 * Life cycle.
 */

void patch_init(struct patch *p)
{
	memset(p, 0, sizeof(*p));
}

static void hunk_release(struct patch_hunk *h)
{
	for (size_t i = 0; i < h->nr; i++)
		free(h->lines[i].text);
	free(h->lines);
	free(h->section);
}

static void file_release(struct patch_file *f)
{
	for (size_t i = 0; i < f->nr; i++)
		hunk_release(&f->hunks[i]);
	free(f->hunks);
	free(f->old_path);
	free(f->new_path);
	free(f->old_oid);
	free(f->new_oid);
}

void patch_release(struct patch *p)
{
	for (size_t i = 0; i < p->nr; i++)
		file_release(&p->files[i]);
	free(p->files);
	for (size_t i = 0; i < p->damage_nr; i++)
		free(p->damage[i].detail);
	free(p->damage);
	patch_init(p);
}
