/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_BUILDLOG_H
#define BACKPORT_BUILDLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strvec.h"

/*
 * buildlog: what the log of a build says (kbuild.h is the build step's
 * entry point and includes this header). The first error of a failed
 * step (the verdict's "first_error"), the warnings of a compile and the
 * new ones of a series, the files compiled and the objects counted for
 * progress. Inside the build step it also tells a failure of the
 * machine (a full disk, the OOM killer, a compiler crash) from one of
 * the sources, and keeps the warnings database of a build directory
 * (.backport-warnings.json). Nothing here runs a program or writes a
 * log.
 *
 *	struct kbuild_msg err;
 *	struct kbuild_msgs warnings = KBUILD_MSGS_INIT;
 *
 *	if (kbuild_first_error(&err, log.buf, srcdir))
 *		... err.file (may be NULL), err.line, err.message ...
 *	kbuild_parse_warnings(&warnings, log.buf, srcdir);
 *	kbuild_msg_release(&err);
 *	kbuild_msgs_release(&warnings);
 *
 * NEEDSWORK: warnings in headers are kept across builds of a directory
 * even when no longer emitted; only compiled .c files refresh theirs.
 */

/* A compiler or linker message: file relative to the tree. */
struct kbuild_msg {
	char *file; /* NULL when none */
	unsigned line;
	char *message;
	char *text; /* the line as logged */
};

struct kbuild_msgs {
	struct kbuild_msg *v;
	size_t nr, alloc;
};

#define KBUILD_MSGS_INIT \
	{                \
		0        \
	}

void kbuild_msg_release(struct kbuild_msg *m);
void kbuild_msgs_release(struct kbuild_msgs *m);
void kbuild_msgs_add(struct kbuild_msgs *m, const char *file, unsigned line,
		     const char *message, const char *text);

/*
 * The first error of a build log: gcc's "file:line:col: error:" and
 * "fatal error:", ld's "file:line: undefined reference", "ld: ...
 * error", else make's first "*** [...] Error" line. Paths under
 * `srcdir` (may be NULL) are made relative. Returns true when found.
 */
bool kbuild_first_error(struct kbuild_msg *out, const char *log,
			const char *srcdir);

/* Every "file:line:col: warning: message" of a log, in order, unique. */
void kbuild_parse_warnings(struct kbuild_msgs *out, const char *log,
			   const char *srcdir);

/*
 * The .c files a log compiled ("  CC      path.o" lines), as source
 * paths, onto `out`.
 */
void kbuild_parse_compiled(struct strvec *out, const char *log);

/*
 * The warnings of `series` in the `touched` files that `baseline` does
 * not have (compared by file and message, not line: lines move).
 */
void kbuild_new_warnings(struct kbuild_msgs *out,
			 const struct kbuild_msgs *series,
			 const struct kbuild_msgs *baseline,
			 const struct strvec *touched);

#endif
