/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_SELFTEST_H
#define BACKPORT_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "lib/guest.h"
#include "lib/remote.h"
#include "util/strvec.h"

/*
 * selftest: the shared selftest set of the matrix, one run of it on a
 * kernel (a target's baseline or series build), and the comparison of
 * the two.
 *
 * The set is a section of the matrix file (git-config syntax, read with
 * libgit2):
 *
 *	[selftests "kvm-mmu"]
 *		suite = kvm		# the kselftest directory it lives in
 *		timeout = 120		# default per test, seconds
 *		retries = 1		# a failing test runs again this often
 *		hugepages = 128		# vm.nr_hugepages in the guest
 *		memory = 4096		# guest MiB
 *		grace = 60		# past a test's timeout: the guest hung
 *		boot-timeout = 120	# boot to the runner's first line
 *		test = "set_memory_region_test"
 *		test = "timeout=60 kvm_page_table_test -b 64M -v 2"
 *
 * `test` is multi-valued, in running order: leading KEY=VALUE words are
 * options (timeout=N), then the test's name (its path under the suite's
 * build directory) and its arguments, split at blanks. x86/ and x86_64/
 * name the same directory (renamed in 6.x -> 7.x): either finds the
 * binary. A test that the tree does not have runs as a SKIP ("not in
 * this tree"), not an error.
 *
 *	struct selftest_set set = SELFTEST_SET_INIT;
 *	struct selftest_run base = SELFTEST_RUN_INIT, ser = SELFTEST_RUN_INIT;
 *	struct selftest_opts opts = SELFTEST_OPTS_INIT;
 *
 *	if (selftest_set_from_matrix(&set, &matrix, NULL) < 0)
 *		return -1;
 *	base.target = xstrdup("linux-6.12.y@v6.12.111");
 *	base.variant = xstrdup("baseline");
 *	... base.kernel, base.selftests, base.dir ...
 *	if (selftest_run(&base, &set, &opts) < 0)
 *		return -1;
 *	... the same for ser ...
 *	cmp = selftest_compare_to_json(&base, &ser, NULL);
 *
 * (testrun.h does this for many kernels, in the results layout.)
 *
 * Results, under results/test/<target>/<variant>/ (variant: baseline or
 * series): console.log (the serial console of every boot), ktap.log (the
 * merged results, KTAP version 1, as ktap_print() writes them) and
 * result.json:
 *
 *	{ "target": "linux-6.12.y@v6.12.111", "variant": "series",
 *	  "set": "kvm-mmu", "kernel": PATH, "selftests": PATH,
 *	  "accel": "tcg", "qemu": [argv of the first boot],
 *	  "host": "user@a" | null,	// the ssh host it ran on (remote.h)
 *	  "verdict": "completed" | "crashed" | "hung" | "incomplete"
 *	           | "boot-failed",
 *	  "boot_s": 3.2,	// QEMU start to the first KTAP line, 1st boot
 *	  "first_test_s": 3.3,	// QEMU start to the first test's start
 *	  "total_s": 141.0,	// all boots
 *	  "boots": [ { "first": 1, "end": "exited" | "panic" | "hung" |
 *		      "timeout" | "no-ktap" | "qemu-failed",
 *		      "detail": str|null, "exit_code": int, "signal": int,
 *		      "boot_s": float|null, "total_s": float } ],
 *	  "events": [ { "kind": "panic" | "oops" | "bug" | "warning" |
 *		       "lockdep" | "kasan" | ..., "line": N (in console.log),
 *		       "first_line": str, "file": str|null, "file_line": N,
 *		       "function": str|null, "trace": [str],
 *		       "test": str|null, "boot": N } ],
 *	  "tests": [ { "name": str, "args": [str], "timeout": N,
 *		      "status": "pass" | "fail" | "skip" | "timeout" |
 *		                "crash" | "flaky" | "not-run",
 *		      "reason": str|null,	// skip reason, exit=N, ...
 *		      "exit_code": int|null, "seconds": float|null,
 *		      "boot": N (1-based, 0: not run),
 *		      "events": [ indices into "events" ] } ],
 *	  "counts": { "pass": N, "fail": N, ... } }
 *
 * and results/test/<target>/compare.json:
 *
 *	{ "target": str, "set": str,
 *	  "baseline": { "kernel": str, "verdict": str, "total_s": float },
 *	  "series": { ... },
 *	  "tests": [ { "name": str, "baseline": STATUS, "series": STATUS,
 *		      "change": CHANGE, "reason": str|null } ],
 *	  "counts": { CHANGE: N, ... },
 *	  "regressions": [ names ] }
 *
 * where CHANGE is:
 *	regression	passed on the baseline; fails, times out or crashes
 *	fixed		failed on the baseline; passes
 *	still-failing	fails on both
 *	pass		passes on both (or passes and was skipped/not run)
 *	skip		skipped with the series (reason from the series run)
 *	flaky		flaky on either side, unless a regression or fixed
 *	fail		fails with the series, no baseline result to compare
 *	not-run		the series guest never reached it
 *
 * A status from a test: pass (exit 0), skip (exit 4, KSFT_SKIP, with the
 * test's reason; or not in this tree), fail (another exit status), timeout
 * (the runner's per-test timeout, or the guest hung during it), crash
 * (the kernel panicked during it, or an oops, BUG, lockdep, KASAN, ...
 * report on the console is attributed to it), flaky (failed, then passed
 * on a retry), not-run (the guest died earlier and the boots allowed to
 * resume were spent).
 *
 * After a panic or a hang, the run boots again from the next test (at
 * most `max_boots` boots), so one crashing test does not lose the rest.
 *
 * NEEDSWORK: one binary can appear only once in a set (the name is the
 * key); running it twice with other arguments needs a name= option.
 * NEEDSWORK: a WARNING attributed to a test counts as crash.
 */

enum selftest_status {
	SELFTEST_PASS,
	SELFTEST_FAIL,
	SELFTEST_SKIP,
	SELFTEST_TIMEOUT,
	SELFTEST_CRASH,
	SELFTEST_FLAKY,
	SELFTEST_NOT_RUN,
	SELFTEST_STATUS_NR
};

const char *selftest_status_name(enum selftest_status s);
/* fail, timeout or crash */
bool selftest_status_is_failure(enum selftest_status s);

enum selftest_change {
	SELFTEST_CH_PASS,
	SELFTEST_CH_REGRESSION,
	SELFTEST_CH_FIXED,
	SELFTEST_CH_STILL_FAILING,
	SELFTEST_CH_SKIP,
	SELFTEST_CH_FLAKY,
	SELFTEST_CH_FAIL,
	SELFTEST_CH_NOT_RUN,
	SELFTEST_CHANGE_NR
};

const char *selftest_change_name(enum selftest_change c);

/* The change from `base` to `series` (see above). */
enum selftest_change selftest_classify(enum selftest_status base,
				       enum selftest_status series);

struct selftest {
	char *name;
	struct strvec args;
	unsigned timeout_s;
};

struct selftest_set {
	char *name;
	char *suite; /* "kvm" */
	unsigned timeout_s; /* default per test (120) */
	unsigned retries;
	unsigned hugepages;
	unsigned memory_mb; /* 0: guest default */
	unsigned grace_s; /* "grace": past a test's timeout; 0: default */
	unsigned boot_timeout_s; /* "boot-timeout"; 0: the default */
	struct selftest *tests;
	size_t nr, alloc;
};

#define SELFTEST_SET_INIT        \
	{                        \
		.timeout_s = 120 \
	}

void selftest_set_init(struct selftest_set *set);
void selftest_set_release(struct selftest_set *set);

/*
 * Read the set `name` (NULL: the first [selftests] section) from the
 * matrix `m` (matrix_read()). Returns 0, or -1 with an error naming the
 * file and the set (no such set, an empty one, a bad option or number).
 */
struct matrix;
int selftest_set_from_matrix(struct selftest_set *set,
			     const struct matrix *m, const char *name);

/* Parse one `test` value into `t` (fresh). Returns 0 or -1. */
int selftest_parse(struct selftest *t, const char *value,
		   unsigned default_timeout);
void selftest_release(struct selftest *t);

/*
 * Where a test's binary is under `dir` (the suite's build directory):
 * dir/name, else with x86/ and x86_64/ swapped. NULL when absent;
 * caller frees.
 */
char *selftest_find_binary(const char *dir, const char *name);

struct selftest_result {
	char *name;
	struct strvec args; /* as in the set */
	unsigned timeout_s;
	enum selftest_status status;
	char *reason;
	int exit_code; /* -1 when none */
	double seconds; /* -1 when not measured */
	unsigned boot; /* which boot ran it (1-based), 0: none */
	size_t *events; /* indices into the run's events */
	size_t events_nr, events_alloc;
};

struct selftest_boot {
	unsigned first;
	enum guest_end end;
	char *detail;
	int exit_code, signal;
	double boot_s, first_test_s, total_s;
};

struct selftest_event {
	struct console_event ev; /* moved from the scanner */
	unsigned boot;
	unsigned line; /* in console.log (all boots) */
};

struct selftest_run {
	char *target; /* "linux-6.12.y@v6.12.111" */
	char *variant; /* "baseline", "series" */
	char *set; /* the set's name */
	char *kernel; /* bzImage */
	char *selftests; /* the kselftest build directory of the suite */
	char *dir; /* results/test/<target>/<variant> */
	enum guest_accel accel;
	char *host; /* the ssh host it ran on (its spec), NULL: here */
	bool host_failed; /* that host failed (ssh): try another */
	struct strvec qemu; /* the first boot's argv */
	struct selftest_result *results; /* one per test of the set */
	size_t nr;
	struct selftest_boot *boots;
	size_t boots_nr, boots_alloc;
	struct selftest_event *events;
	size_t events_nr, events_alloc;
	double total_s;
	struct ktap_test ktap; /* merged, for ktap.log */
};

#define SELFTEST_RUN_INIT                                   \
	{                                                   \
		.qemu = STRVEC_INIT, .ktap = KTAP_TEST_INIT \
	}

void selftest_run_init(struct selftest_run *r);
void selftest_run_release(struct selftest_run *r);

/* "completed", "crashed", "hung", "incomplete", "boot-failed" */
const char *selftest_run_verdict(const struct selftest_run *r);

struct selftest_opts {
	const char *qemu; /* NULL: qemu-system-x86_64 */
	const char *busybox; /* NULL: /bin/busybox */
	const char *runner; /* NULL: guest_find_runner() */
	const char *append; /* more kernel command line */
	enum guest_accel accel; /* TCG or KVM (resolve AUTO first) */
	unsigned long tsc_khz; /* 0: the host's */
	int retries; /* -1: the set's */
	unsigned max_boots; /* boots per run, resumes included (3) */
	unsigned boot_timeout_s; /* 0: guest default */
	unsigned grace_s; /* 0: guest default */
	unsigned timeout_s; /* per boot; 0: from the tests' timeouts */
	/*
	 * Run on this host over ssh (remote.h): the kernel and initramfs
	 * are shipped to <remote_dir>/<target>/<variant> there. NULL: here.
	 * With accel GUEST_ACCEL_AUTO, KVM when the host's /dev/kvm is
	 * usable, else TCG.
	 */
	const struct remote_host *host;
	const char *ssh_options;
	const char *remote_dir; /* NULL: .cache/backport-remote */
	/* Progress, e.g. for "kvm_page_table_test ... 7 s pass". */
	void (*progress)(void *data, const struct selftest_run *r,
			 const struct guest_progress *p);
	void *data;
};

#define SELFTEST_OPTS_INIT                    \
	{                                     \
		.retries = -1, .max_boots = 3 \
	}

/*
 * Run `set` on r->kernel with the binaries under r->selftests, writing
 * r->dir/{initramfs.cpio,console.log,ktap.log,result.json}. r->target,
 * variant, kernel, selftests and dir must be set. Returns 0 with the
 * results in `r` whatever the tests did, or -1 when the run could not
 * be made (no busybox, QEMU missing, a file not written), with an error
 * naming the target and the step.
 */
int selftest_run(struct selftest_run *r, const struct selftest_set *set,
		 const struct selftest_opts *o);

/* The result of test `name`, or NULL. */
const struct selftest_result *selftest_run_find(const struct selftest_run *r,
						const char *name);

/* result.json's object (see above); the caller owns the reference. */
json_t *selftest_run_to_json(const struct selftest_run *r);

/*
 * compare.json's object for `base` (may be NULL: no baseline) and
 * `series`; counts[SELFTEST_CHANGE_NR] (optional) gets the counts.
 */
json_t *selftest_compare_to_json(const struct selftest_run *base,
				 const struct selftest_run *series,
				 unsigned *counts);

#endif
