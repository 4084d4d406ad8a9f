// SPDX-License-Identifier: GPL-2.0
/*
 * progress: the progress lines of the long steps. See progress.h.
 */
#include <time.h>

#include "progress.h"
#include "util/usage.h"

static const char *step_text(enum kbuild_step step)
{
	switch (step) {
	case KBUILD_STEP_SYNC:
		return "updating the worktree";
	case KBUILD_STEP_CONFIG:
		return "configuring";
	case KBUILD_STEP_KERNEL:
		return "building";
	case KBUILD_STEP_HEADERS:
		return "installing headers";
	case KBUILD_STEP_SELFTESTS:
		return "building selftests";
	default:
		return NULL;
	}
}

void progress_build(const struct kbuild_progress *p, void *data)
{
	static enum kbuild_step last_step;
	static const struct kbuild_job *last_job;
	static time_t last_time;
	time_t now = time(NULL);
	const char *what = step_text(p->step);
	int el = (int)p->elapsed;

	(void)data;
	if (!what ||
	    (p->job == last_job && p->step == last_step && now - last_time < 15))
		return;
	last_job = p->job;
	last_step = p->step;
	last_time = now;
	if (p->objects_total)
		progress("[%zu/%zu] %s %s: %s (%zu/%zu objects, %dm%02ds)",
			 p->nr, p->total, p->job->target, p->job->variant, what,
			 p->objects, p->objects_total, el / 60, el % 60);
	else if (p->objects)
		progress("[%zu/%zu] %s %s: %s (%zu objects, %dm%02ds)", p->nr,
			 p->total, p->job->target, p->job->variant, what,
			 p->objects, el / 60, el % 60);
	else
		progress("[%zu/%zu] %s %s: %s (%dm%02ds)", p->nr, p->total,
			 p->job->target, p->job->variant, what, el / 60,
			 el % 60);
}

void progress_test(void *data, const struct selftest_run *r,
		   const struct guest_progress *p)
{
	const struct progress_test *t = data;
	const struct selftest_result *res;

	if (p->started || p->number < 1 || p->number > r->nr)
		return;
	res = &r->results[p->number - 1];
	if (!t->total) /* kernels on several hosts at once: no index */
		progress("%s (%s): %s ... %.0f s %s", r->target, r->variant,
			 res->name, p->seconds,
			 selftest_status_name(res->status));
	else
		progress("[%zu/%zu] %s (%s): %s ... %.0f s %s", t->current + 1,
			 t->total, r->target, r->variant, res->name, p->seconds,
			 selftest_status_name(res->status));
}
