// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <git2.h>

#include "error.h"
#include "strbuf.h"

/* Per thread: the testrun and kbuild workers each keep their own. */
static __thread struct strbuf last = STRBUF_INIT;

int error_set(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_release(&last);
	last = sb;
	return -1;
}

int error_errno(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addf(&sb, ": %s", strerror(err));
	strbuf_release(&last);
	last = sb;
	return -1;
}

int error_prefix(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addbuf(&sb, &last);
	strbuf_release(&last);
	last = sb;
	return -1;
}

int error_git(const char *fmt, ...)
{
	const git_error *e = git_error_last();
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (e && e->message)
		strbuf_addf(&sb, ": %s", e->message);
	strbuf_release(&last);
	last = sb;
	return -1;
}

const char *error_last(void)
{
	return last.len ? last.buf : "unknown error";
}

void error_clear(void)
{
	strbuf_release(&last);
}
