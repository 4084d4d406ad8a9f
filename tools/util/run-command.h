/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_RUN_COMMAND_H
#define BACKPORT_RUN_COMMAND_H

#include <stdbool.h>
#include <sys/types.h>

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
	/* ... or capture stdout here when set (stderr inherited)... */
	struct strbuf *out;
	/*
	 * ... or, with start_command(), stdout and stderr both on a pipe
	 * the caller reads from out_fd.
	 */
	bool stream;
	/* Send stderr to /dev/null. */
	bool no_stderr;
	/* Feed this to stdin (else /dev/null). */
	const struct strbuf *in;
	/*
	 * An fd the program and all it starts keep open (else -1): a lock
	 * that stays held while any of them lives.
	 */
	int keep_fd;

	/* While it runs (start_command() to finish_command()). */
	pid_t pid; /* the keeper, leader of the group; -1 when reaped */
	int out_fd; /* stream or capture pipe, else -1 */
	int in_fd; /* stdin pipe while `in` is being fed, else -1 */
	size_t in_off;
	unsigned long started_ms;

	/* Results. */
	int exit_code; /* -1 when killed by a signal */
	int signal; /* the signal that ended it, or 0 */
	bool timed_out;
	unsigned long elapsed_ms;
};

#define CHILD_PROCESS_INIT                                              \
	{                                                               \
		.args = STRVEC_INIT, .env = STRVEC_INIT, .keep_fd = -1, \
		.pid = -1, .out_fd = -1, .in_fd = -1                    \
	}

void child_process_init(struct child_process *cp);
void child_process_release(struct child_process *cp);

/*
 * Start and wait. Returns 0 when the program ran (whatever its exit
 * status; see exit_code, signal, timed_out), -1 when it could not be
 * started, with the error recorded.
 */
int run_command(struct child_process *cp);

/*
 * The same in steps, for a caller that reads the program's output as it
 * comes (a guest's console):
 *
 *	cp.stream = true;
 *	if (start_command(&cp) < 0)
 *		return -1;
 *	while ((n = read(cp.out_fd, buf, sizeof(buf))) > 0)
 *		if (too_long)
 *			return kill_command(&cp, 2000);
 *	finish_command(&cp);	// waits; exit_code, signal, elapsed_ms
 *
 * start_command() returns -1 with the error recorded when the program
 * could not be started. kill_command() ends the whole group (SIGTERM,
 * then SIGKILL after grace_ms) and reaps it; finish_command() waits for
 * it. Both close out_fd and return 0.
 */
int start_command(struct child_process *cp);
int finish_command(struct child_process *cp);
int kill_command(struct child_process *cp, unsigned long grace_ms);

/*
 * End every command started and not yet reaped (SIGTERM to each group),
 * from any thread: an interrupted run stops its builds. Their callers
 * then see a command killed by a signal.
 */
void kill_all_commands(void);

#endif
