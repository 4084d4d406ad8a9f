/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_REMOTE_H
#define BACKPORT_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strvec.h"

/*
 * remote: selftest runs on other hosts over OpenSSH. The matrix names
 * them (matrix.h):
 *
 *	[test]
 *		hosts = user@a ssh://root@b:2222
 *		ssh-options = "-i ~/.ssh/ci -o StrictHostKeyChecking=no"
 *		remote-dir = /var/tmp/backport	# default: .cache/backport-remote
 *						# under the remote home
 *
 * A run on a host (selftest.h: selftest_opts.remote) ships the kernel
 * and the initramfs (which holds the runner and the tests) with rsync
 * over ssh into <remote-dir>/<target>/<variant>/, then starts QEMU there
 * through ssh, its console on ssh's stdout, which guest.c reads exactly
 * as a local QEMU's. The remote command is
 *
 *	echo $$ >DIR/qemu.pid && exec timeout -k 5 T qemu-system-x86_64 ...
 *
 * so that QEMU ends there on its own after the boot's overall timeout
 * (T), and a guest we kill here (hung, timed out, interrupted) is also
 * killed there, through a second ssh (remote_kill()), since killing the
 * local ssh leaves a remote command without a terminal running.
 *
 * ssh is run with BatchMode=yes (never a password prompt), LogLevel=ERROR
 * (no "Permanently added" lines in the console), ConnectTimeout=30 and
 * keepalives, so that a host that vanishes mid-run ends ssh with status
 * 255 (and a session that dropped has its QEMU killed, if the host
 * answers again). ssh's 255 is
 * how a host failure is told from QEMU's own exit: it makes the run an
 * error naming the host, and the caller (testrun.c) retries the kernel
 * on another host.
 *
 * ssh-options are split at blanks, with '...' and "..." quoting.
 *
 * testrun_boot_hosts() (testrun.h) runs the hosts at once, one QEMU per
 * host at a time.
 *
 * NEEDSWORK: the remote's tsc_khz comes from its /proc/cpuinfo at ship
 * time; GUEST_ACCEL_AUTO probes /dev/kvm there, not a boot.
 */

struct remote_host {
	char *spec; /* as written: "user@a", "ssh://root@b:2222" */
	char *dest; /* "user@a", "root@b" */
	unsigned port; /* 0: ssh's own */
};

#define REMOTE_HOST_INIT \
	{                \
		0        \
	}

/*
 * Parse "[user@]host" or "ssh://[user@]host[:port]". Returns 0, or -1
 * with an error naming it.
 */
int remote_host_parse(struct remote_host *h, const char *spec);
void remote_host_release(struct remote_host *h);

/*
 * The [test] hosts of the matrix `m` (each `hosts` value adds, split at
 * blanks; an empty one clears; the matrix's replace those of the user's
 * config, matrix.h) into *hosts (caller frees with
 * remote_hosts_free()). Returns 0, or -1 with an error naming the host.
 */
struct matrix;
int remote_hosts_from_matrix(struct remote_host **hosts, size_t *nr,
			     const struct matrix *m);
void remote_hosts_free(struct remote_host *hosts, size_t nr);

/* Where and how: one host of a run. */
struct remote {
	const struct remote_host *host;
	const char *ssh_options; /* may be NULL */
	const char *dir; /* the remote directory of this run */
};

/* ssh's argv up to and including the destination, onto `out`. */
void remote_ssh_args(struct strvec *out, const struct remote *r);

/* `argv` as one command line for the remote shell, each word quoted. */
char *remote_command_line(const char *const *argv);

/*
 * Create r->dir there and copy `files` (local paths) into it with rsync.
 * *tsc_khz gets the host's TSC kHz (its cpu MHz), 0 when unknown;
 * *kvm whether /dev/kvm is there and usable (not kvm_pvm). Returns 0,
 * or -1 with an error naming the host (unreachable, rsync failed).
 */
int remote_ship(const struct remote *r, const char *const *files,
		unsigned long *tsc_khz, bool *kvm);

/*
 * The command that runs `argv` (QEMU) there under `timeout_s` (0: none),
 * recording its pid for remote_kill(), onto `out` (ssh ... dest cmd).
 */
void remote_wrap(struct strvec *out, const struct remote *r,
		 const char *const *argv, unsigned timeout_s);

/*
 * End what remote_wrap() started there, and wait (10 s at most) until
 * it is gone (best effort, no error).
 */
void remote_kill(const struct remote *r);

#endif
