/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_GUEST_H
#define BACKPORT_GUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/console.h"
#include "lib/ktap.h"
#include "lib/remote.h"
#include "util/strvec.h"

/*
 * guest: boot a kernel in QEMU with an initramfs that runs selftests,
 * and read what it says on its serial console.
 *
 * 1. guest_initramfs_write() writes a cpio (newc, with libarchive) that
 *    holds busybox (static), the runner (tools/guest/runner.sh) as /init,
 *    the test binaries under /backport/bin, the list /backport/tests and
 *    /backport/config. The runner prints KTAP (see runner.sh).
 *
 * 2. guest_boot() starts qemu-system-x86_64 (serial console on a pipe,
 *    no network, no reboot), streams the console into a log file, the
 *    KTAP parser (ktap.h) and the console scanner (console.h), and ends
 *    the guest when it exits, when a test runs past its timeout plus a
 *    grace period (the runner enforces the timeout itself, so the guest
 *    is hung), when no KTAP arrives within the boot timeout, or at the
 *    overall timeout. A hang or a panic is a verdict in `end`, not an
 *    error: the tests that reported keep their results, the one in
 *    progress becomes KTAP_INCOMPLETE (hang) or KTAP_CRASH (panic), and
 *    the rest are KTAP_MISSING.
 *
 *	struct guest_boot_opts o = GUEST_BOOT_OPTS_INIT;
 *	struct guest_run run = GUEST_RUN_INIT;
 *
 *	o.kernel = "bzImage"; o.initrd = "initramfs.cpio";
 *	o.timeouts = per_test; o.timeouts_nr = n;
 *	if (guest_boot(&run, &o) < 0)	// QEMU could not be started
 *		return -1;
 *	use(run.end, &run.ktap, &run.console);
 *	guest_run_release(&run);
 *
 * Acceleration: TCG unless asked. GUEST_ACCEL_KVM uses -accel kvm;
 * GUEST_ACCEL_AUTO probes first (guest_probe_kvm()): /dev/kvm must open,
 * a paravirtual host KVM (kvm_pvm, which cannot boot a normal kernel) is
 * refused, and a short boot under KVM must print a marker in time.
 *
 * NEEDSWORK: x86_64 guests only (qemu-system-x86_64, -cpu max, ttyS0).
 * NEEDSWORK: the test's own stdout goes through a pipe in the guest, so
 * it is block-buffered and can be lost when the kernel panics mid-test.
 */

enum guest_accel {
	GUEST_ACCEL_TCG,
	GUEST_ACCEL_KVM,
	GUEST_ACCEL_AUTO,
};

/* "tcg", "kvm", "auto" */
const char *guest_accel_name(enum guest_accel a);
/* Parse a name; returns -1 when unknown. */
int guest_accel_parse(enum guest_accel *out, const char *name);

/* One test as the initramfs holds it. */
struct guest_test {
	char *name; /* "x86/dirty_log_page_splitting_test" */
	char *binary; /* the host path of the binary, or NULL: absent */
	struct strvec args;
	unsigned timeout_s;
};

#define GUEST_TEST_INIT             \
	{                           \
		.args = STRVEC_INIT \
	}

void guest_test_init(struct guest_test *t);
void guest_test_release(struct guest_test *t);

struct guest_image {
	const char *busybox; /* a static busybox: NULL for /bin/busybox */
	const char *runner; /* NULL: guest_find_runner() */
	const char *init_text; /* when set, /init is this text instead */
	const struct guest_test *tests;
	size_t tests_nr;
	unsigned retries; /* per failing test, in the guest */
	unsigned hugepages; /* vm.nr_hugepages, 0 to leave it */
};

/*
 * Write the initramfs to `path` (through a temporary file). Returns 0,
 * or -1 with an error naming the file that could not be read or written.
 */
int guest_initramfs_write(const char *path, const struct guest_image *img);

/*
 * The runner script: $BACKPORT_RUNNER, else tools/guest/runner.sh found
 * by datadir_find() (the current directory, $BACKPORT_TOP, the running
 * binary's source tree, else guest/runner.sh in the installed data
 * directory). NULL if none; caller frees.
 */
char *guest_find_runner(void);

enum guest_end {
	GUEST_EXITED, /* QEMU exited: the runner finished and rebooted */
	GUEST_PANIC, /* the kernel panicked (QEMU exits with panic=-1) */
	GUEST_HUNG, /* a test overran its timeout + grace: killed */
	GUEST_TIMEOUT, /* the overall timeout: killed */
	GUEST_NO_KTAP, /* no KTAP within the boot timeout: killed, or
			  QEMU exited without any */
	GUEST_QEMU_FAILED, /* QEMU exited with an error before any KTAP */
};

/* "exited", "panic", "hung", "timeout", "no-ktap", "qemu-failed" */
const char *guest_end_name(enum guest_end end);

/* What guest_boot() tells its caller as the run goes. */
struct guest_progress {
	unsigned number; /* 1-based test number */
	const char *name;
	bool started; /* a "# running" marker; else a result line */
	const char *result_line; /* the result line (borrowed) */
	double seconds; /* since it started (results only) */
};

struct guest_boot_opts {
	const char *qemu; /* NULL: qemu-system-x86_64 from $PATH */
	const char *kernel;
	const char *initrd;
	const char *append; /* more kernel command line, or NULL */
	enum guest_accel accel; /* not AUTO: resolve it first */
	unsigned memory_mb; /* 4096 */
	unsigned smp; /* 2 */
	unsigned long tsc_khz; /* 0: the host's (guest_host_tsc_khz()) */
	unsigned first; /* backport.first=: the first test to run (1) */
	/* The most each test may take (index number-1), retries included. */
	const unsigned *timeouts;
	size_t timeouts_nr;
	unsigned grace_s; /* beyond a test's timeout: hung (60) */
	unsigned boot_timeout_s; /* until the first KTAP line (120) */
	unsigned timeout_s; /* the whole boot; 0: none */
	const char *console_log; /* append the console here, or NULL */
	/* Called for each test start and result; may be NULL. */
	void (*progress)(void *data, const struct guest_progress *p);
	void *data;
	/*
	 * QEMU on another host over ssh (remote.h), kernel and initrd
	 * being paths there; NULL: here. The console is read the same.
	 * ssh failing (status 255: refused, dropped) is an error naming
	 * the host, with run->host_failed set.
	 */
	const struct remote *remote;
};

#define GUEST_BOOT_OPTS_INIT                                            \
	{                                                               \
		.memory_mb = 4096, .smp = 2, .first = 1, .grace_s = 60, \
		.boot_timeout_s = 120                                   \
	}

struct guest_run {
	enum guest_end end;
	char *detail; /* what ended it, one line, or NULL */
	int exit_code; /* QEMU's, or -1 */
	int signal; /* the signal that ended QEMU, or 0 */
	double boot_s; /* start to the first KTAP line, or -1 */
	double first_test_s; /* start to the first test's start, or -1 */
	double total_s;
	struct ktap_test ktap; /* the root; subtests are the tests */
	struct console_scanner console;
	struct strvec argv; /* the QEMU command line used */
	bool host_failed; /* the remote host failed: try another */
};

#define GUEST_RUN_INIT                                                   \
	{                                                                \
		.exit_code = -1, .boot_s = -1, .first_test_s = -1,       \
		.ktap = KTAP_TEST_INIT, .console = CONSOLE_SCANNER_INIT, \
		.argv = STRVEC_INIT                                      \
	}

void guest_run_init(struct guest_run *run);
void guest_run_release(struct guest_run *run);

/*
 * Build the QEMU command line of `o` into `argv` (for guest_boot() and
 * for showing what to run by hand).
 */
void guest_qemu_argv(struct strvec *argv, const struct guest_boot_opts *o);

/*
 * Boot and stream, as above. Returns 0 with the verdict in `run`, or -1
 * when QEMU could not be started or the log not written.
 */
int guest_boot(struct guest_run *run, const struct guest_boot_opts *o);

/* The host's TSC frequency in kHz (from /proc/cpuinfo), or 0. */
unsigned long guest_host_tsc_khz(void);

/*
 * The version QEMU (`qemu`, NULL: qemu-system-x86_64 from $PATH) says
 * it is ("10.0.2 (Debian 1:10.0.2+ds-2)"), or NULL with an error
 * recorded when it cannot be run. Caller frees.
 */
char *guest_qemu_version(const char *qemu);

/*
 * Can this host run `kernel` under KVM? False when /dev/kvm cannot be
 * opened, when the host's KVM is paravirtual (kvm_pvm), or when a boot
 * with -accel kvm and an initramfs that only prints a marker does not
 * print it within `timeout_s`. `why` (optional) gets the reason.
 * `scratch` is a directory for the probe's initramfs.
 */
bool guest_probe_kvm(const struct guest_boot_opts *o, const char *scratch,
		     unsigned timeout_s, char **why);

#endif
