/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_STRBUF_H
#define BACKPORT_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A growable, always NUL-terminated byte buffer, after git's strbuf.
 *
 *	struct strbuf sb = STRBUF_INIT;
 *	strbuf_addf(&sb, "%s/%s", dir, name);
 *	use(sb.buf);
 *	strbuf_release(&sb);
 *
 * `buf` is never NULL (it points at a static empty string until something
 * is added), `len` excludes the NUL. strbuf_detach() hands the string to
 * the caller, who frees it with free().
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
static inline void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

static inline void strbuf_swap(struct strbuf *a, struct strbuf *b)
{
	struct strbuf t = *a;

	*a = *b;
	*b = t;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* `s` with <, >, & and " as HTML entities (text or attribute value). */
void strbuf_addhtml(struct strbuf *sb, const char *s);

/* Remove whitespace at either end. */
void strbuf_trim(struct strbuf *sb);
void strbuf_rtrim(struct strbuf *sb);

/*
 * Read a whole file into `sb` (appending). Returns 0, or -1 with the
 * error recorded (see error.h) naming `path`.
 */
int strbuf_read_file(struct strbuf *sb, const char *path);
/* Read all of `fd` until EOF, appending. Returns 0 or -1 (errno set). */
int strbuf_read_fd(struct strbuf *sb, int fd);

bool starts_with(const char *s, const char *prefix);
/* If `s` starts with `prefix`, point *out past it and return true. */
bool skip_prefix(const char *s, const char *prefix, const char **out);
bool ends_with(const char *s, const char *suffix);

#endif
