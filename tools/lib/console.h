/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_CONSOLE_H
#define BACKPORT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/*
 * console: a scanner for a kernel's serial console output that finds the
 * reports a kernel prints when something goes wrong, and says where
 * (file:line, function), with which call trace, and during which test.
 *
 * Kinds, and the first lines that open them (printk timestamps and
 * caller ids are stripped first; matching is anchored at the start of
 * the line, so "WARNING:" or "BUG" inside a test's own message does not
 * count):
 *
 *	PANIC		Kernel panic - not syncing: ...
 *	OOPS		BUG: unable to handle page fault / kernel paging request,
 *			BUG: kernel NULL pointer dereference, Oops: ...,
 *			invalid opcode: 0000 [#1] (alone)
 *	BUG		kernel BUG at FILE:LINE!, any other BUG: ...
 *	WARNING		WARNING: CPU: N PID: N at FILE:LINE FUNC+0x..
 *			(and 6.18's WARNING: FILE:LINE at FUNC+0x.., CPU#N: ..)
 *	LOCKDEP		WARNING: possible circular locking dependency detected,
 *			possible recursive locking, inconsistent lock state,
 *			suspicious RCU usage, bad unlock balance, ...
 *	RCU_STALL	rcu: INFO: rcu_sched self-detected stall on CPU, ...
 *	HUNG_TASK	INFO: task NAME:PID blocked for more than N seconds.
 *	LOCKUP		BUG: soft lockup - CPU#N stuck ..., hard LOCKUP
 *	KASAN		BUG: KASAN: slab-use-after-free in FUNC+0x..
 *	UBSAN		UBSAN: array-index-out-of-bounds in FILE:LINE:COL
 *	KFENCE		BUG: KFENCE: use-after-free read in FUNC+0x..
 *	GPF		general protection fault, ...: 0000 [#1] ...
 *
 * An event stays open for the lines that follow it: the "Oops:" or
 * "invalid opcode:" line after a BUG: line belongs to it, its first
 * "RIP: 0010:FUNC+0x.." (or arm64 "pc : FUNC+0x..") names the function
 * when its first line did not, and its first "Call Trace:" block gives
 * the trace (entries marked "?" are left out, as unreliable). It ends
 * with "---[ end trace ... ]---", the next event, or the end of its
 * trace. "Kernel panic" is always an event of its own.
 *
 * Attribution to a test: the scanner does not parse KTAP; whoever feeds
 * it tells it which test is running, and each event records that:
 *
 *	struct console_scanner cs = CONSOLE_SCANNER_INIT;
 *	struct ktap_parser kp = KTAP_PARSER_INIT;
 *
 *	for each line:
 *		ktap_parser_feed(&kp, line, len);
 *		if (ktap_parser_in_progress(&kp, &nr, &name))
 *			console_scanner_set_test(&cs, nr, name);
 *		console_scanner_feed(&cs, line, len);
 *	console_scanner_finish(&cs);
 *	for (i = 0; i < cs.events_nr; i++) use(&cs.events[i]);
 *	console_scanner_release(&cs);
 *
 * NEEDSWORK: only the first call trace of an event is kept; KASAN's
 * "Allocated by task" and "Freed by task" stacks and lockdep's
 * dependency chain are not.
 * NEEDSWORK: a line of test output printed in the middle of a call trace
 * ends the trace early.
 * NEEDSWORK: x86-centred; other architectures' oops formats are only
 * partly known ("pc : ", "Call trace:").
 */

enum console_kind {
	CONSOLE_PANIC,
	CONSOLE_OOPS,
	CONSOLE_BUG,
	CONSOLE_WARNING,
	CONSOLE_LOCKDEP,
	CONSOLE_RCU_STALL,
	CONSOLE_HUNG_TASK,
	CONSOLE_LOCKUP,
	CONSOLE_KASAN,
	CONSOLE_UBSAN,
	CONSOLE_KFENCE,
	CONSOLE_GPF,
	CONSOLE_KIND_NR
};

/* Keep at most this many call trace entries per event. */
#define CONSOLE_MAX_TRACE 64

struct console_event {
	enum console_kind kind;
	char *first_line; /* the line that opened it, timestamp stripped */
	unsigned lineno; /* its 1-based line number in the log */
	double timestamp; /* its printk time in seconds, or -1 */
	char *file; /* "arch/x86/kvm/mmu/mmu.c", or NULL */
	unsigned file_line; /* 6543, or 0 */
	char *function; /* "kvm_mmu_zap_all_fast", or NULL */
	char **trace; /* function names, innermost first */
	size_t trace_nr, trace_alloc;
	unsigned test_number; /* the test in progress, or 0 */
	char *test; /* its name, or NULL */
};

#define CONSOLE_EVENT_INIT      \
	{                       \
		.timestamp = -1 \
	}

void console_event_init(struct console_event *ev);
void console_event_release(struct console_event *ev);

/* "panic", "oops", "bug", "warning", "lockdep", "rcu-stall", ... */
const char *console_kind_name(enum console_kind kind);

struct console_scanner {
	struct console_event *events;
	size_t events_nr, events_alloc;
	unsigned lineno; /* lines fed so far */
	unsigned test_number; /* see console_scanner_set_test() */
	char *test;
	struct strbuf partial; /* console_scanner_write()'s rest */
	/* private */
	int open; /* index of the open event, or -1 */
	int trace_state; /* 0 none yet, 1 in it, 2 done */
	bool merged; /* it took an "Oops:" line already */
};

#define CONSOLE_SCANNER_INIT                       \
	{                                          \
		.partial = STRBUF_INIT, .open = -1 \
	}

void console_scanner_init(struct console_scanner *s);
void console_scanner_release(struct console_scanner *s);

/*
 * The test now running: events found from now on record it. Number 0
 * and NULL mean none (boot, shutdown). `name` is copied.
 */
void console_scanner_set_test(struct console_scanner *s, unsigned number,
			      const char *name);

/*
 * Feed one line, with or without its "\n" or "\r\n" (text with several
 * newlines is taken as several lines). Returns 0.
 */
int console_scanner_feed(struct console_scanner *s, const char *line,
			 size_t len);

/*
 * Feed raw output in pieces of any size; an unfinished last line waits
 * for the next call or console_scanner_finish().
 */
int console_scanner_write(struct console_scanner *s, const char *buf,
			  size_t len);

/* End of output: feed what console_scanner_write() still holds. */
void console_scanner_finish(struct console_scanner *s);

/* Scan a whole log (init, feed, finish); `s` must be fresh. */
int console_scan_buffer(struct console_scanner *s, const char *buf, size_t len);

/* Is any event of `kind` there? */
bool console_scanner_has(const struct console_scanner *s,
			 enum console_kind kind);

/*
 * The length of the printk prefix at the start of `line`: a timestamp
 * "[  123.456789] " and/or a caller id "[    T1] ", or 0. When `ts` is
 * not NULL it gets the timestamp in seconds, or -1.
 */
size_t console_prefix_len(const char *line, size_t len, double *ts);

#endif
