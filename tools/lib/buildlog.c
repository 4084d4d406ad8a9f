// SPDX-License-Identifier: GPL-2.0
/*
 * buildlog: what a build's log says. The first error and the warnings
 * of a compile, the files it compiled and how many objects (progress),
 * the selftests that failed to build, a failure of the machine rather
 * than of the sources (a full disk, the OOM killer), and the warnings
 * database a build directory keeps across builds. See buildlog.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kbuild-internal.h"
#include "util/xalloc.h"

/* ---- messages ---- */

void kbuild_msg_release(struct kbuild_msg *m)
{
	free(m->file);
	free(m->message);
	free(m->text);
	memset(m, 0, sizeof(*m));
}

void kbuild_msgs_release(struct kbuild_msgs *m)
{
	for (size_t i = 0; i < m->nr; i++)
		kbuild_msg_release(&m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static bool msgs_has(const struct kbuild_msgs *m, const char *file,
		     const char *message)
{
	for (size_t i = 0; i < m->nr; i++)
		if (!strcmp(m->v[i].file ? m->v[i].file : "",
			    file ? file : "") &&
		    !strcmp(m->v[i].message, message))
			return true;
	return false;
}

void kbuild_msgs_add(struct kbuild_msgs *m, const char *file, unsigned line,
		     const char *message, const char *text)
{
	struct kbuild_msg *x;

	ALLOC_GROW(m->v, m->nr + 1, m->alloc);
	x = &m->v[m->nr++];
	x->file = file ? xstrdup(file) : NULL;
	x->line = line;
	x->message = xstrdup(message);
	x->text = xstrdup(text ? text : message);
}

/* `path` relative to `srcdir` when under it; "./" and "../"s dropped. */
static char *relative_path(const char *path, size_t len, const char *srcdir)
{
	const char *p = path, *end = path + len;
	size_t sl = srcdir ? strlen(srcdir) : 0;

	while (sl && srcdir[sl - 1] == '/')
		sl--;
	if (sl && (size_t)(end - p) > sl && !strncmp(p, srcdir, sl) &&
	    p[sl] == '/')
		p += sl + 1;
	for (;;) {
		if (end - p > 2 && !strncmp(p, "./", 2))
			p += 2;
		else if (end - p > 3 && !strncmp(p, "../", 3))
			p += 3;
		else
			break;
	}
	return xstrndup(p, end - p);
}

/*
 * "file:line[:col]: <kind>: message" at the start of `line`: fill the
 * parts and return the message (after "kind: "), or NULL.
 */
static const char *parse_located(const char *line, size_t len, const char *kind,
				 const char **file_end, unsigned *lineno)
{
	const char *end = line + len, *p = line, *q;

	while (p < end) {
		const char *colon = memchr(p, ':', end - p);

		if (!colon || colon == line)
			return NULL;
		q = colon + 1;
		if (q < end && isdigit((unsigned char)*q)) {
			*lineno = strtoul(q, (char **)&q, 10);
			if (q < end && *q == ':' && q + 1 < end &&
			    isdigit((unsigned char)q[1]))
				strtoul(q + 1, (char **)&q, 10);
			if (q < end && *q == ':' && q + 1 < end &&
			    q[1] == ' ') {
				size_t kl = strlen(kind);

				q += 2;
				*file_end = colon;
				if (!*kind)
					return q;
				if ((size_t)(end - q) > kl + 1 &&
				    !strncmp(q, kind, kl) && q[kl] == ':' &&
				    q[kl + 1] == ' ')
					return q + kl + 2;
				return NULL;
			}
		}
		/* A space before a colon: not a path. */
		if (memchr(p, ' ', colon - p))
			return NULL;
		p = colon + 1;
	}
	return NULL;
}

void buildlog_set_msg(struct kbuild_msg *out, const char *file, size_t flen,
		      unsigned lineno, const char *msg, size_t mlen,
		      const char *line, size_t len, const char *srcdir)
{
	out->file = file ? relative_path(file, flen, srcdir) : NULL;
	out->line = lineno;
	out->message = xstrndup(msg, mlen);
	out->text = xstrndup(line, len);
}

/* Try the compiler's and the linker's forms on one line. */
static bool line_error(struct kbuild_msg *out, const char *line, size_t len,
		       const char *srcdir)
{
	static const char *const kinds[] = { "error", "fatal error" };
	const char *end = line + len, *fe, *msg, *p;
	unsigned lineno = 0;

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		msg = parse_located(line, len, kinds[k], &fe, &lineno);
		if (msg) {
			buildlog_set_msg(out, line, fe - line, lineno, msg,
					 end - msg, line, len, srcdir);
			return true;
		}
	}
	p = memmem(line, len, "undefined reference to", 22);
	if (p) {
		const char *s = line;

		skip_prefix(s, "ld: ", &s);
		msg = parse_located(s, end - s, "", &fe, &lineno);
		if (msg) {
			buildlog_set_msg(out, s, fe - s, lineno, msg, end - msg,
					 line, len, srcdir);
			return true;
		}
		buildlog_set_msg(out, NULL, 0, 0, line, len, line, len, srcdir);
		return true;
	}
	if ((starts_with(line, "ld: ") || starts_with(line, "ld.bfd: ")) &&
	    memmem(line, len, "error", 5)) {
		buildlog_set_msg(out, NULL, 0, 0, line, len, line, len, srcdir);
		return true;
	}
	return false;
}

bool kbuild_first_error(struct kbuild_msg *out, const char *log,
			const char *srcdir)
{
	const char *line = log, *make_line = NULL;
	size_t make_len = 0;

	memset(out, 0, sizeof(*out));
	while (*line) {
		const char *nl = strchrnul(line, '\n');
		size_t len = nl - line;

		if (line_error(out, line, len, srcdir))
			return true;
		if (!make_line && memmem(line, len, "*** ", 4)) {
			make_line = line;
			make_len = len;
		}
		line = *nl ? nl + 1 : nl;
	}
	if (!make_line)
		return false;
	buildlog_set_msg(out, NULL, 0, 0, make_line, make_len, make_line,
			 make_len, srcdir);
	return true;
}

void kbuild_parse_warnings(struct kbuild_msgs *out, const char *log,
			   const char *srcdir)
{
	const char *line = log;

	while (*line) {
		const char *nl = strchrnul(line, '\n'), *fe, *msg;
		unsigned lineno = 0;

		msg = parse_located(line, nl - line, "warning", &fe, &lineno);
		if (msg) {
			char *file = relative_path(line, fe - line, srcdir);
			char *m = xstrndup(msg, nl - msg);
			char *text = xstrndup(line, nl - line);

			if (!msgs_has(out, file, m))
				kbuild_msgs_add(out, file, lineno, m, text);
			free(file);
			free(m);
			free(text);
		}
		line = *nl ? nl + 1 : nl;
	}
}

/* "  CC      path.o" or "  CC [M]  path.o": the object, else NULL. */
static const char *compile_line(const char *line, size_t len, size_t *olen)
{
	const char *p = line, *end = line + len;

	if (!skip_prefix(p, "  CC ", &p) && !skip_prefix(p, "  AS ", &p))
		return NULL;
	while (p < end && *p == ' ')
		p++;
	if (end - p > 4 && !strncmp(p, "[M]", 3)) {
		p += 3;
		while (p < end && *p == ' ')
			p++;
	}
	*olen = end - p;
	if (*olen < 3 || strncmp(end - 2, ".o", 2))
		return NULL;
	return p;
}

void kbuild_parse_compiled(struct strvec *out, const char *log)
{
	const char *line = log;

	while (*line) {
		const char *nl = strchrnul(line, '\n'), *obj;
		size_t olen;

		obj = compile_line(line, nl - line, &olen);
		if (obj && !strncmp(line, "  CC", 4))
			strvec_pushf(out, "%.*s.c", (int)(olen - 2), obj);
		line = *nl ? nl + 1 : nl;
	}
}

size_t buildlog_count_objects(const char *buf, size_t len)
{
	const char *line = buf, *end = buf + len;
	size_t n = 0;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);
		size_t olen;

		if (!nl)
			break;
		if (compile_line(line, nl - line, &olen))
			n++;
		line = nl + 1;
	}
	return n;
}

void kbuild_new_warnings(struct kbuild_msgs *out,
			 const struct kbuild_msgs *series,
			 const struct kbuild_msgs *baseline,
			 const struct strvec *touched)
{
	for (size_t i = 0; i < series->nr; i++) {
		const struct kbuild_msg *w = &series->v[i];

		if (!w->file || !strvec_has(touched, w->file))
			continue;
		if (msgs_has(baseline, w->file, w->message) ||
		    msgs_has(out, w->file, w->message))
			continue;
		kbuild_msgs_add(out, w->file, w->line, w->message, w->text);
	}
}

/* ---- failures ---- */

/*
 * Why a failed make says nothing about the sources, from its log: the
 * machine failed it (a full disk, the OOM killer or a signal taking a
 * compiler, a compiler crash, make itself terminated). NULL when the
 * failure is the sources'.
 */
const char *buildlog_machine_failure(const char *log, size_t len)
{
	static const struct {
		const char *needle, *why;
	} known[] = {
		{ "No space left on device", "no space left on device" },
		{ "Killed signal terminated program", "a compiler was killed" },
		{ "virtual memory exhausted", "out of memory" },
		{ "Cannot allocate memory", "out of memory" },
		{ "internal compiler error", "the compiler crashed" },
		{ "] Terminated", "make was terminated" },
		{ "] Killed", "make was killed" },
		{ "] Interrupt", "make was interrupted" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (memmem(log, len, known[i].needle, strlen(known[i].needle)))
			return known[i].why;
	return NULL;
}

/* "make[4]: *** [../lib.mk:181: /o/kselftest/kvm/x86_64/foo] Error 1" */
void buildlog_failed_selftests(struct strvec *out, const char *log,
			       const char *kdir)
{
	const char *line = log;
	size_t kl = strlen(kdir);

	while (*line) {
		const char *nl = strchrnul(line, '\n');
		const char *p = memmem(line, nl - line, "*** [", 5), *end, *s;

		if (p && (end = memchr(p, ']', nl - p))) {
			p += 5;
			for (s = end; s > p && s[-1] != ' '; s--)
				;
			if ((size_t)(end - s) > kl && !strncmp(s, kdir, kl) &&
			    s[kl] == '/') {
				char *name =
					xstrndup(s + kl + 1, end - s - kl - 1);
				size_t n = strlen(name);

				if (n > 2 && !strcmp(name + n - 2, ".o"))
					name[n - 2] = '\0';
				if (!strvec_has(out, name))
					strvec_push(out, name);
				free(name);
			}
		}
		line = *nl ? nl + 1 : nl;
	}
}

/* ---- the warnings database ---- */

json_t *buildlog_msg_to_json(const struct kbuild_msg *m)
{
	return json_pack("{s:o, s:i, s:s, s:s}", "file",
			 m->file ? json_string(m->file) : json_null(), "line",
			 (int)m->line, "message", m->message, "text",
			 m->text ? m->text : m->message);
}

json_t *buildlog_msgs_to_json(const struct kbuild_msgs *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < m->nr; i++)
		json_array_append_new(a, buildlog_msg_to_json(&m->v[i]));
	return a;
}

void buildlog_msgs_from_json(struct kbuild_msgs *m, json_t *a)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
	{
		json_t *file = json_object_get(v, "file");

		kbuild_msgs_add(
			m, json_string_value(file),
			json_integer_value(json_object_get(v, "line")),
			json_string_value(json_object_get(v, "message")) ?: "",
			json_string_value(json_object_get(v, "text")));
	}
}

/*
 * The warnings database of a build directory: every warning seen, by
 * file; a file compiled again replaces its own.
 */
void buildlog_update_warnings(struct kbuild_job *j, const char *odir,
			      const char *src, const char *log)
{
	char *db = xstrfmt("%s/.backport-warnings.json", odir);
	struct kbuild_msgs old = KBUILD_MSGS_INIT, now = KBUILD_MSGS_INIT;
	struct strvec compiled = STRVEC_INIT;
	json_t *a = json_load_file(db, 0, NULL), *out;

	if (a)
		buildlog_msgs_from_json(&old, a);
	json_decref(a);
	kbuild_parse_warnings(&now, log, src);
	kbuild_parse_compiled(&compiled, log);
	for (size_t i = 0; i < old.nr; i++) {
		const struct kbuild_msg *m = &old.v[i];

		if ((m->file && strvec_has(&compiled, m->file)) ||
		    msgs_has(&j->warnings, m->file, m->message))
			continue;
		kbuild_msgs_add(&j->warnings, m->file, m->line, m->message,
				m->text);
	}
	for (size_t i = 0; i < now.nr; i++) {
		const struct kbuild_msg *m = &now.v[i];

		if (!msgs_has(&j->warnings, m->file, m->message))
			kbuild_msgs_add(&j->warnings, m->file, m->line,
					m->message, m->text);
	}
	out = buildlog_msgs_to_json(&j->warnings);
	json_dump_file(out, db, JSON_COMPACT);
	json_decref(out);
	kbuild_msgs_release(&old);
	kbuild_msgs_release(&now);
	strvec_clear(&compiled);
	free(db);
}
