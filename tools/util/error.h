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
 *
 * The message is per thread (as libgit2's is): a thread reads what it
 * recorded itself, and calls error_clear() before it ends.
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
/* Forget the message (and free it). */
void error_clear(void);

#endif
