/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_ERROR_H
#define BACKPORT_ERROR_H

/*
 * Errors of the library modules, in libgit2's manner: a function that
 * fails records a message and returns a negative value; the subcommand
 * that called it prints the message (error_last()) and decides the exit
 * code. Modules never print and never exit.
 *
 *	if (mail_parse(&m, path) < 0)
 *		die("%s", error_last());
 *
 * Messages are lower case, name the file, patch or branch, and fit on
 * one line. A newer error replaces the older; error_prefix() adds context
 * on the way up ("series 'x': " + "mail 'y': cannot ...").
 */

/* Record a message; returns -1. */
int error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record a message followed by ": strerror(errno)"; returns -1. */
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Put `fmt` before the recorded message; returns -1. */
int error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record libgit2's last error after `fmt`; returns -1. */
int error_git(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last message ("unknown error" if none); borrowed. */
const char *error_last(void);
void error_clear(void);

struct strbuf;
/*
 * The error state is one for the process. A worker thread that runs
 * library code beside others calls this with a buffer of its own (NULL
 * to go back): its errors are recorded there, and the caller that joins
 * it reports them.
 */
void error_use_buffer(struct strbuf *buf);

#endif
