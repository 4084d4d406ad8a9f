/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_USAGE_H
#define BACKPORT_USAGE_H

#include <stdbool.h>

/*
 * Messages and exits for subcommands and main() only; library modules
 * return errors instead (error.h).
 *
 * Exit codes: 0 every cell passed, 1 some cell failed, 128 fatal,
 * 129 usage.
 */
enum {
	EXIT_OK = 0,
	EXIT_CELL_FAILED = 1,
	EXIT_FATAL = 128,
	EXIT_USAGE = 129,
};

void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* die() with libgit2's or our last recorded error appended. */
void die_last(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Progress and chatter to stderr, silenced by --quiet. */
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool quiet;

/*
 * Print `usage` (a multi-line text starting with "usage: ") to stderr and
 * exit 129, or to stdout and exit 0 when `help` is set.
 */
void usage(const char *usage, bool help) __attribute__((noreturn));
/* "error: <msg>" then the usage text, exit 129. */
void usage_msg(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Flush stdout and die if anything written to it was lost. */
void finish_stdout(void);

enum output_format {
	FORMAT_TEXT,
	FORMAT_JSON,
};

/* Parse the value of --format= ("text" or "json"), else usage error. */
enum output_format parse_output_format(const char *arg, const char *usage);

#endif
