/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_RUN_COMMAND_H
#define BACKPORT_RUN_COMMAND_H

#include <stdbool.h>

#include "strbuf.h"
#include "strvec.h"

/*
 * Run a program from an argv vector, never through a shell: an explicit
 * environment, working directory and timeout. The program runs in a
 * process group of its own, led by a small keeper process that waits for
 * it: on timeout the whole group is killed (SIGTERM, then SIGKILL after a
 * grace period), and when we die, by any signal, SIGKILL included, the
 * keeper kills the whole group (PR_SET_PDEATHSIG): no grandchild of a
 * recursive make outlives us.
 *
 *	struct child_process cp = CHILD_PROCESS_INIT;
 *	strvec_pushl(&cp.args, "make", "-C", dir, NULL);
 *	cp.timeout_ms = 600000;
 *	cp.log_path = "build.log";
 *	if (run_command(&cp) < 0)
 *		return -1;		// could not start: error recorded
 *	if (cp.exit_code != 0) ...	// a verdict, not an error
 *	child_process_release(&cp);
 */
struct child_process {
	struct strvec args;
	/* "NAME=value" added to (or "NAME" removed from) our environment. */
	struct strvec env;
	const char *dir;
	/* 0: no limit. */
	unsigned long timeout_ms;
	/* Append stdout and stderr to this file (else inherited)... */
	const char *log_path;
	/* ... or capture stdout here when set (stderr inherited). */
	struct strbuf *out;
	/* Send stderr to /dev/null. */
	bool no_stderr;
	/* Feed this to stdin (else /dev/null). */
	const struct strbuf *in;
	/*
	 * An fd the program and all it starts keep open (else -1): a lock
	 * that stays held while any of them lives.
	 */
	int keep_fd;

	/* Results. */
	int exit_code; /* -1 when killed by a signal */
	int signal; /* the signal that ended it, or 0 */
	bool timed_out;
	unsigned long elapsed_ms;
};

#define CHILD_PROCESS_INIT                                             \
	{                                                              \
		.args = STRVEC_INIT, .env = STRVEC_INIT, .keep_fd = -1 \
	}

void child_process_init(struct child_process *cp);
void child_process_release(struct child_process *cp);

/*
 * Start and wait. Returns 0 when the program ran (whatever its exit
 * status; see exit_code, signal, timed_out), -1 when it could not be
 * started, with the error recorded.
 */
int run_command(struct child_process *cp);

#endif
