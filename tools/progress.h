/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_PROGRESS_H
#define BACKPORT_PROGRESS_H

#include "lib/kbuild.h"
#include "lib/selftest.h"

/*
 * progress: the progress lines of the long steps, for the commands that
 * run them (build, test, run), on stderr through progress() (usage.h).
 */

/* kbuild_opts.progress: a line per job and step, every 15 s at most. */
void progress_build(const struct kbuild_progress *p, void *data);

/* selftest_opts.progress: a line per test finished ("[i/n]" from data). */
struct progress_test {
	size_t current, total; /* total 0: no "[current/total]" */
};
void progress_test(void *data, const struct selftest_run *r,
		   const struct guest_progress *p);

#endif
