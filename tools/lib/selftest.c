// SPDX-License-Identifier: GPL-2.0
/*
 * selftest: the selftest set of the matrix, a run of it in QEMU (with
 * resumes after a crash), and the comparison with the baseline. See
 * selftest.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "lib/matrix.h"
#include "lib/results.h"
#include "lib/selftest.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *const status_names[] = {
	[SELFTEST_PASS] = "pass",	[SELFTEST_FAIL] = "fail",
	[SELFTEST_SKIP] = "skip",	[SELFTEST_TIMEOUT] = "timeout",
	[SELFTEST_CRASH] = "crash",	[SELFTEST_FLAKY] = "flaky",
	[SELFTEST_NOT_RUN] = "not-run",
};

static const char *const change_names[] = {
	[SELFTEST_CH_PASS] = "pass",
	[SELFTEST_CH_REGRESSION] = "regression",
	[SELFTEST_CH_FIXED] = "fixed",
	[SELFTEST_CH_STILL_FAILING] = "still-failing",
	[SELFTEST_CH_SKIP] = "skip",
	[SELFTEST_CH_FLAKY] = "flaky",
	[SELFTEST_CH_FAIL] = "fail",
	[SELFTEST_CH_NOT_RUN] = "not-run",
};

const char *selftest_status_name(enum selftest_status s)
{
	return (unsigned)s < SELFTEST_STATUS_NR ? status_names[s] : "unknown";
}

bool selftest_status_is_failure(enum selftest_status s)
{
	return s == SELFTEST_FAIL || s == SELFTEST_TIMEOUT ||
	       s == SELFTEST_CRASH;
}

const char *selftest_change_name(enum selftest_change c)
{
	return (unsigned)c < SELFTEST_CHANGE_NR ? change_names[c] : "unknown";
}

enum selftest_change selftest_classify(enum selftest_status base,
				       enum selftest_status series)
{
	bool base_fails = selftest_status_is_failure(base);

	switch (series) {
	case SELFTEST_PASS:
		return base_fails	      ? SELFTEST_CH_FIXED :
		       base == SELFTEST_FLAKY ? SELFTEST_CH_FLAKY :
						SELFTEST_CH_PASS;
	case SELFTEST_SKIP:
		return SELFTEST_CH_SKIP;
	case SELFTEST_FLAKY:
		return SELFTEST_CH_FLAKY;
	case SELFTEST_NOT_RUN:
		return SELFTEST_CH_NOT_RUN;
	case SELFTEST_FAIL:
	case SELFTEST_TIMEOUT:
	case SELFTEST_CRASH:
		if (base == SELFTEST_PASS)
			return SELFTEST_CH_REGRESSION;
		if (base_fails)
			return SELFTEST_CH_STILL_FAILING;
		if (base == SELFTEST_FLAKY)
			return SELFTEST_CH_FLAKY;
		return SELFTEST_CH_FAIL;
	case SELFTEST_STATUS_NR:
		break;
	}
	return SELFTEST_CH_FAIL;
}

/* --- the set ----------------------------------------------------------- */

void selftest_release(struct selftest *t)
{
	free(t->name);
	strvec_clear(&t->args);
	memset(t, 0, sizeof(*t));
	strvec_init(&t->args);
}

void selftest_set_init(struct selftest_set *set)
{
	struct selftest_set blank = SELFTEST_SET_INIT;

	*set = blank;
}

void selftest_set_release(struct selftest_set *set)
{
	free(set->name);
	free(set->suite);
	for (size_t i = 0; i < set->nr; i++)
		selftest_release(&set->tests[i]);
	free(set->tests);
	selftest_set_init(set);
}

static int parse_uint(unsigned *out, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > 100000 || *s == '-')
		return -1;
	*out = (unsigned)v;
	return 0;
}

int selftest_parse(struct selftest *t, const char *value,
		   unsigned default_timeout)
{
	char *copy = xstrdup(value), *save = NULL, *w;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	strvec_init(&t->args);
	t->timeout_s = default_timeout;
	for (w = strtok_r(copy, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		const char *v;

		if (t->name) {
			strvec_push(&t->args, w);
		} else if (skip_prefix(w, "timeout=", &v)) {
			if (parse_uint(&t->timeout_s, v) < 0 || !t->timeout_s) {
				error_set("bad timeout in selftest '%s'",
					  value);
				goto out;
			}
		} else if (strchr(w, '=')) {
			error_set("unknown option '%s' in selftest '%s'", w,
				  value);
			goto out;
		} else {
			t->name = xstrdup(w);
		}
	}
	if (!t->name) {
		error_set("selftest '%s' has no name", value);
		goto out;
	}
	if (*t->name == '/' || strstr(t->name, "..") ||
	    strpbrk(t->name, "'\"\\$`")) {
		error_set("bad selftest name '%s'", t->name);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0)
		selftest_release(t);
	free(copy);
	return ret;
}

static int set_option(struct selftest_set *set, const char *key,
		      const char *value)
{
	unsigned *num = NULL;

	if (!strcmp(key, "test")) {
		ALLOC_GROW(set->tests, set->nr + 1, set->alloc);
		if (selftest_parse(&set->tests[set->nr], value,
				   set->timeout_s) < 0)
			return -1;
		for (size_t i = 0; i < set->nr; i++)
			if (!strcmp(set->tests[i].name,
				    set->tests[set->nr].name)) {
				selftest_release(&set->tests[set->nr]);
				return error_set("selftest '%s' twice", value);
			}
		set->nr++;
		return 0;
	}
	if (!strcmp(key, "suite")) {
		free(set->suite);
		set->suite = xstrdup(value);
		return 0;
	}
	if (!strcmp(key, "timeout"))
		num = &set->timeout_s;
	else if (!strcmp(key, "retries"))
		num = &set->retries;
	else if (!strcmp(key, "hugepages"))
		num = &set->hugepages;
	else if (!strcmp(key, "memory"))
		num = &set->memory_mb;
	else if (!strcmp(key, "grace"))
		num = &set->grace_s;
	else if (!strcmp(key, "boot-timeout"))
		num = &set->boot_timeout_s;
	if (!num)
		return 0; /* unknown keys are for later */
	if (parse_uint(num, value) < 0 || (num == &set->timeout_s && !*num))
		return error_set("bad number '%s' for '%s'", value, key);
	return 0;
}

int selftest_set_from_matrix(struct selftest_set *set,
			     const struct matrix *m, const char *name)
{
	const char *chosen = name;

	for (size_t i = 0; i < m->entries_nr; i++) {
		const struct matrix_entry *e = &m->entries[i];

		if (strcmp(e->section, "selftests"))
			continue;
		if (!chosen)
			chosen = e->sub;
		if (strcmp(e->sub, chosen))
			continue;
		if (set_option(set, e->key, e->value) < 0)
			return error_prefix("matrix '%s', selftests '%s': ",
					    m->path, chosen);
	}
	if (!chosen)
		return error_set("matrix '%s' has no [selftests] section",
				 m->path);
	if (!set->nr)
		return error_set("matrix '%s': no tests in selftests '%s'",
				 m->path, chosen);
	set->name = xstrdup(chosen);
	if (!set->suite)
		set->suite = xstrdup("kvm");
	return 0;
}

char *selftest_find_binary(const char *dir, const char *name)
{
	static const char *const swaps[][2] = { { "x86/", "x86_64/" },
						{ "x86_64/", "x86/" } };
	char *p = xstrfmt("%s/%s", dir, name);
	const char *rest;

	if (access(p, X_OK) == 0 && !is_directory(p))
		return p;
	free(p);
	for (size_t i = 0; i < ARRAY_SIZE(swaps); i++) {
		if (!skip_prefix(name, swaps[i][0], &rest))
			continue;
		p = xstrfmt("%s/%s%s", dir, swaps[i][1], rest);
		if (access(p, X_OK) == 0 && !is_directory(p))
			return p;
		free(p);
	}
	return NULL;
}

/* --- a run ------------------------------------------------------------- */

void selftest_run_init(struct selftest_run *r)
{
	struct selftest_run blank = SELFTEST_RUN_INIT;

	*r = blank;
}

static void result_release(struct selftest_result *res)
{
	free(res->name);
	free(res->reason);
	free(res->events);
	strvec_clear(&res->args);
}

void selftest_run_release(struct selftest_run *r)
{
	free(r->target);
	free(r->variant);
	free(r->set);
	free(r->kernel);
	free(r->selftests);
	free(r->dir);
	free(r->host);
	strvec_clear(&r->qemu);
	for (size_t i = 0; i < r->nr; i++)
		result_release(&r->results[i]);
	free(r->results);
	for (size_t i = 0; i < r->boots_nr; i++)
		free(r->boots[i].detail);
	free(r->boots);
	for (size_t i = 0; i < r->events_nr; i++)
		console_event_release(&r->events[i].ev);
	free(r->events);
	ktap_test_release(&r->ktap);
	selftest_run_init(r);
}

const char *selftest_run_verdict(const struct selftest_run *r)
{
	bool crashed = false, hung = false;

	if (!r->boots_nr)
		return "boot-failed";
	for (size_t i = 0; i < r->boots_nr; i++) {
		enum guest_end end = r->boots[i].end;

		if (end == GUEST_PANIC)
			crashed = true;
		else if (end == GUEST_HUNG || end == GUEST_TIMEOUT)
			hung = true;
		else if (end == GUEST_NO_KTAP || end == GUEST_QEMU_FAILED)
			if (i == 0)
				return "boot-failed";
	}
	if (crashed)
		return "crashed";
	if (hung)
		return "hung";
	for (size_t i = 0; i < r->nr; i++)
		if (r->results[i].status == SELFTEST_NOT_RUN)
			return "incomplete";
	return "completed";
}

const struct selftest_result *selftest_run_find(const struct selftest_run *r,
						const char *name)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->results[i].name, name))
			return &r->results[i];
	return NULL;
}

/* The status a finished KTAP test gives, before console events. */
static enum selftest_status status_of(const struct ktap_test *t,
				      enum guest_end end)
{
	switch (t->result) {
	case KTAP_PASS:
		return t->reason && starts_with(t->reason, "flaky") ?
			       SELFTEST_FLAKY :
			       SELFTEST_PASS;
	case KTAP_SKIP:
	case KTAP_XFAIL:
		return SELFTEST_SKIP;
	case KTAP_FAIL:
	case KTAP_ERROR:
		return SELFTEST_FAIL;
	case KTAP_TIMEOUT:
		return SELFTEST_TIMEOUT;
	case KTAP_CRASH:
		return SELFTEST_CRASH;
	case KTAP_INCOMPLETE:
		/*
		 * The runner names each test ("# running NAME") before it
		 * starts it: one the guest ended before naming never ran.
		 */
		if (!t->name)
			return SELFTEST_NOT_RUN;
		return end == GUEST_PANIC ? SELFTEST_CRASH : SELFTEST_TIMEOUT;
	case KTAP_MISSING:
	case KTAP_RESULT_NR:
		break;
	}
	return SELFTEST_NOT_RUN;
}

struct run_ctx {
	struct selftest_run *r;
	const struct selftest_opts *o;
};

/* Each result as it comes: its time and a first status for progress. */
static void on_progress(void *data, const struct guest_progress *p)
{
	struct run_ctx *ctx = data;
	struct selftest_run *r = ctx->r;

	if (!p->started && p->number >= 1 && p->number <= r->nr) {
		struct selftest_result *res = &r->results[p->number - 1];
		struct ktap_test one = KTAP_TEST_INIT;
		char *doc = xstrfmt("KTAP version 1\n%s\n", p->result_line);

		/* holes before it parse as MISSING: take the last */
		if (!ktap_parse_buffer(&one, doc, strlen(doc)) &&
		    one.subtests_nr)
			res->status =
				status_of(&one.subtests[one.subtests_nr - 1],
					  GUEST_EXITED);
		res->seconds = p->seconds;
		ktap_test_release(&one);
		free(doc);
	}
	if (ctx->o->progress)
		ctx->o->progress(ctx->o->data, r, p);
}

static void attach_event(struct selftest_run *r, struct console_event *ev,
			 unsigned boot, unsigned line_base)
{
	struct selftest_event *se;
	int idx;

	ALLOC_GROW(r->events, r->events_nr + 1, r->events_alloc);
	se = &r->events[r->events_nr];
	se->ev = *ev;
	console_event_init(ev);
	se->boot = boot;
	se->line = se->ev.lineno + line_base;
	idx = -1;
	for (size_t i = 0; se->ev.test && i < r->nr; i++)
		if (!strcmp(r->results[i].name, se->ev.test))
			idx = (int)i;
	if (idx < 0 && se->ev.test_number >= 1 && se->ev.test_number <= r->nr)
		idx = (int)se->ev.test_number - 1;
	if (idx >= 0) {
		struct selftest_result *res = &r->results[idx];

		ALLOC_GROW(res->events, res->events_nr + 1, res->events_alloc);
		res->events[res->events_nr++] = r->events_nr;
		if (res->status != SELFTEST_CRASH &&
		    res->status != SELFTEST_NOT_RUN) {
			res->status = SELFTEST_CRASH;
			free(res->reason);
			res->reason = xstrdup(se->ev.first_line);
		}
	}
	r->events_nr++;
}

/*
 * The index in `r` of a test of a boot: by name (the runner names each
 * test as the set does; after a resume the parser's numbers start at 1
 * again), else by number. -1 when none.
 */
static int result_index(const struct selftest_run *r, const struct ktap_test *t)
{
	if (t->name) {
		for (size_t i = 0; i < r->nr; i++)
			if (!strcmp(r->results[i].name, t->name) ||
			    !strcmp(r->results[i].name,
				    ktap_test_short_name(t)))
				return (int)i;
		return -1;
	}
	return t->number >= 1 && t->number <= r->nr ? (int)t->number - 1 : -1;
}

/*
 * Take this boot's results into `r` and the merged KTAP; *progress is
 * set when some test got a result.
 */
static void merge_boot(struct selftest_run *r, struct guest_run *g,
			   unsigned boot, unsigned line_base, bool *progress)
{
	*progress = false;
	for (size_t i = 0; i < g->ktap.subtests_nr; i++) {
		struct ktap_test *t = &g->ktap.subtests[i];
		struct selftest_result *res;
		enum selftest_status s;
		int idx = result_index(r, t);

		if (idx < 0)
			continue;
		res = &r->results[idx];
		s = status_of(t, g->end);
		if (s == SELFTEST_NOT_RUN || res->boot)
			continue;
		res->status = s;
		res->boot = boot;
		res->exit_code = t->exit_code;
		free(res->reason);
		if (t->result == KTAP_INCOMPLETE && g->end != GUEST_PANIC)
			res->reason = xstrdup(g->detail ? g->detail :
							  "the guest hung");
		else
			res->reason = t->reason ? xstrdup(t->reason) : NULL;
		*progress = true;
		/* Move it into the merged run, named as in the set. */
		ktap_test_release(&r->ktap.subtests[idx]);
		r->ktap.subtests[idx] = *t;
		r->ktap.subtests[idx].number = idx + 1;
		ktap_test_init(t);
	}
	for (size_t i = 0; i < g->console.events_nr; i++)
		attach_event(r, &g->console.events[i], boot, line_base);
}

static void record_boot(struct selftest_run *r, const struct guest_run *g,
			unsigned first)
{
	struct selftest_boot *b;

	ALLOC_GROW(r->boots, r->boots_nr + 1, r->boots_alloc);
	b = &r->boots[r->boots_nr++];
	b->first = first;
	b->end = g->end;
	b->detail = g->detail ? xstrdup(g->detail) : NULL;
	b->exit_code = g->exit_code;
	b->signal = g->signal;
	b->boot_s = g->boot_s;
	b->first_test_s = g->first_test_s;
	b->total_s = g->total_s;
	r->total_s += g->total_s;
}

static void prepare_results(struct selftest_run *r,
			    const struct selftest_set *set)
{
	r->nr = set->nr;
	r->results = xcalloc(set->nr, sizeof(*r->results));
	r->ktap.version = xstrdup("KTAP version 1");
	r->ktap.plan = (int)set->nr;
	r->ktap.subtests = xcalloc(set->nr, sizeof(*r->ktap.subtests));
	r->ktap.subtests_nr = r->ktap.subtests_alloc = set->nr;
	for (size_t i = 0; i < set->nr; i++) {
		struct ktap_test *t = &r->ktap.subtests[i];

		r->results[i].name = xstrdup(set->tests[i].name);
		strvec_init(&r->results[i].args);
		strvec_pushv(&r->results[i].args,
			     (const char *const *)set->tests[i].args.v);
		r->results[i].timeout_s = set->tests[i].timeout_s;
		r->results[i].status = SELFTEST_NOT_RUN;
		r->results[i].exit_code = -1;
		r->results[i].seconds = -1;
		ktap_test_init(t);
		t->name = xstrdup(set->tests[i].name);
		t->number = i + 1;
		t->result = KTAP_MISSING;
	}
}

/* The guest's tests: binaries found under r->selftests. */
static struct guest_test *guest_tests(const struct selftest_run *r,
				      const struct selftest_set *set)
{
	struct guest_test *gt = xcalloc(set->nr, sizeof(*gt));

	for (size_t i = 0; i < set->nr; i++) {
		guest_test_init(&gt[i]);
		gt[i].name = xstrdup(set->tests[i].name);
		gt[i].binary =
			selftest_find_binary(r->selftests, set->tests[i].name);
		strvec_pushv(&gt[i].args,
			     (const char *const *)set->tests[i].args.v);
		gt[i].timeout_s = set->tests[i].timeout_s;
	}
	return gt;
}

static unsigned line_count(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned n = 0;

	if (strbuf_read_file(&sb, path) < 0) {
		error_clear();
		return 0;
	}
	for (size_t i = 0; i < sb.len; i++)
		n += sb.buf[i] == '\n';
	if (sb.len && sb.buf[sb.len - 1] != '\n')
		n++;
	strbuf_release(&sb);
	return n;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Ship the kernel and the initramfs to the remote host; the boots use
 * the copies there, the host's TSC and, when asked to choose, its KVM.
 * The paths there are kept in `paths`, which `bo` borrows.
 */
static int ship(struct selftest_run *r, const struct remote *rem,
		struct guest_boot_opts *bo, struct strvec *paths)
{
	const char *files[] = { r->kernel, bo->initrd, NULL };
	unsigned long khz = 0;
	bool kvm = false;

	if (remote_ship(rem, files, &khz, &kvm) < 0) {
		r->host_failed = true;
		return error_prefix("target '%s' (%s): ", r->target,
				    r->variant);
	}
	if (r->accel == GUEST_ACCEL_AUTO)
		r->accel = kvm ? GUEST_ACCEL_KVM : GUEST_ACCEL_TCG;
	bo->accel = r->accel;
	if (!bo->tsc_khz)
		bo->tsc_khz = khz;
	strvec_pushf(paths, "%s/%s", rem->dir, base_name(r->kernel));
	strvec_pushf(paths, "%s/%s", rem->dir, base_name(bo->initrd));
	bo->kernel = paths->v[0];
	bo->initrd = paths->v[1];
	return 0;
}

static int boot_loop(struct selftest_run *r, const struct selftest_set *set,
		     const struct selftest_opts *o, const char *initrd,
		     const char *console_log, const struct remote *rem)
{
	struct guest_boot_opts bo = GUEST_BOOT_OPTS_INIT;
	struct strvec paths = STRVEC_INIT;
	struct run_ctx ctx = { .r = r, .o = o };
	unsigned retries = o->retries >= 0 ? (unsigned)o->retries :
					     set->retries;
	unsigned *limits = xcalloc(set->nr, sizeof(*limits));
	unsigned long total = 0;
	unsigned first = 1;
	int ret = -1;

	for (size_t i = 0; i < set->nr; i++) {
		/* timeout -k 5, per attempt, and a little for the runner */
		limits[i] = (retries + 1) * (set->tests[i].timeout_s + 10);
		total += limits[i];
	}
	bo.qemu = o->qemu;
	bo.kernel = r->kernel;
	bo.initrd = initrd;
	bo.append = o->append;
	bo.accel = r->accel;
	bo.tsc_khz = o->tsc_khz;
	if (rem && ship(r, rem, &bo, &paths) < 0)
		goto out;
	if (set->memory_mb)
		bo.memory_mb = set->memory_mb;
	if (o->boot_timeout_s || set->boot_timeout_s)
		bo.boot_timeout_s = o->boot_timeout_s ? o->boot_timeout_s :
							set->boot_timeout_s;
	if (o->grace_s || set->grace_s)
		bo.grace_s = o->grace_s ? o->grace_s : set->grace_s;
	bo.timeouts = limits;
	bo.timeouts_nr = set->nr;
	bo.console_log = console_log;
	bo.remote = rem;
	bo.progress = on_progress;
	bo.data = &ctx;
	while (first <= set->nr && r->boots_nr < o->max_boots) {
		struct guest_run g = GUEST_RUN_INIT;
		unsigned base = line_count(console_log);
		bool progress;

		bo.first = first;
		bo.timeout_s = o->timeout_s ?
				       o->timeout_s :
				       (unsigned)(total + bo.boot_timeout_s);
		if (guest_boot(&g, &bo) < 0) {
			r->host_failed = g.host_failed;
			error_prefix("target '%s' (%s): boot: ", r->target,
				     r->variant);
			guest_run_release(&g);
			goto out;
		}
		if (!r->qemu.nr)
			strvec_pushv(&r->qemu, (const char *const *)g.argv.v);
		record_boot(r, &g, first);
		merge_boot(r, &g, r->boots_nr, base, &progress);
		guest_run_release(&g);
		if (!progress)
			break;
		/* Go on at the first test without a result (after a crash). */
		while (first <= set->nr && r->results[first - 1].boot)
			first++;
	}
	ret = 0;
out:
	strvec_clear(&paths);
	free(limits);
	return ret;
}

int selftest_run(struct selftest_run *r, const struct selftest_set *set,
		 const struct selftest_opts *o)
{
	struct guest_image img = { 0 };
	struct remote rem = { 0 };
	char *remote_dir = NULL;
	struct guest_test *gt = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *initrd = NULL, *console_log = NULL, *path = NULL;
	json_t *json = NULL;
	int ret = -1;

	free(r->set);
	r->set = xstrdup(set->name);
	r->accel = o->accel;
	prepare_results(r, set);
	if (mkdir_p(r->dir, 0755) < 0)
		goto out;
	initrd = xstrfmt("%s/initramfs.cpio", r->dir);
	console_log = xstrfmt("%s/console.log", r->dir);
	if (unlink(console_log) < 0 && errno != ENOENT) {
		error_errno("cannot remove '%s'", console_log);
		goto out;
	}
	gt = guest_tests(r, set);
	img.busybox = o->busybox;
	img.runner = o->runner;
	img.tests = gt;
	img.tests_nr = set->nr;
	img.retries = o->retries >= 0 ? (unsigned)o->retries : set->retries;
	img.hugepages = set->hugepages;
	if (guest_initramfs_write(initrd, &img) < 0) {
		error_prefix("target '%s' (%s): initramfs: ", r->target,
			     r->variant);
		goto out;
	}
	if (o->host) {
		rem.host = o->host;
		rem.ssh_options = o->ssh_options;
		rem.dir = remote_dir = xstrfmt("%s/%s/%s",
					       o->remote_dir ?
						       o->remote_dir :
						       ".cache/backport-remote",
					       r->target, r->variant);
		r->host = xstrdup(o->host->spec);
	}
	if (boot_loop(r, set, o, initrd, console_log, o->host ? &rem : NULL) <
	    0)
		goto out;
	ktap_print(&sb, &r->ktap);
	path = xstrfmt("%s/ktap.log", r->dir);
	if (write_file_atomic(path, sb.buf, sb.len) < 0)
		goto out;
	free(path);
	path = xstrfmt("%s/result.json", r->dir);
	json = selftest_run_to_json(r);
	if (results_write_json(path, json) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0 && !starts_with(error_last(), "target '"))
		error_prefix("target '%s' (%s): ", r->target, r->variant);
	json_decref(json);
	if (gt)
		for (size_t i = 0; i < set->nr; i++)
			guest_test_release(&gt[i]);
	free(gt);
	free(initrd);
	free(console_log);
	free(path);
	free(remote_dir);
	strbuf_release(&sb);
	return ret;
}

/* --- JSON -------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *strvec_json(const struct strvec *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->nr; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *seconds_json(double s)
{
	return s < 0 ? json_null() : json_real((long)(s * 100 + 0.5) / 100.0);
}

static json_t *event_json(const struct selftest_run *r,
			  const struct selftest_event *se)
{
	const struct console_event *ev = &se->ev;
	json_t *trace = json_array();
	const char *test = NULL;

	for (size_t i = 0; i < ev->trace_nr; i++)
		json_array_append_new(trace, json_string(ev->trace[i]));
	if (ev->test)
		test = ev->test;
	return json_pack("{s:s, s:i, s:s, s:o, s:i, s:o, s:o, s:o, s:i}",
			 "kind", console_kind_name(ev->kind), "line",
			 (int)se->line, "first_line",
			 ev->first_line ? ev->first_line : "", "file",
			 str_or_null(ev->file), "file_line", (int)ev->file_line,
			 "function", str_or_null(ev->function), "trace", trace,
			 "test", str_or_null(test), "boot", (int)se->boot);
}

static json_t *result_json(const struct selftest_result *res)
{
	json_t *events = json_array();

	for (size_t i = 0; i < res->events_nr; i++)
		json_array_append_new(events, json_integer(res->events[i]));
	return json_pack("{s:s, s:o, s:i, s:s, s:o, s:o, s:o, s:i, s:o}",
			 "name", res->name, "args", strvec_json(&res->args),
			 "timeout", (int)res->timeout_s, "status",
			 selftest_status_name(res->status), "reason",
			 str_or_null(res->reason), "exit_code",
			 res->exit_code >= 0 ? json_integer(res->exit_code) :
					       json_null(),
			 "seconds", seconds_json(res->seconds), "boot",
			 (int)res->boot, "events", events);
}

json_t *selftest_run_to_json(const struct selftest_run *r)
{
	json_t *tests = json_array(), *boots = json_array();
	json_t *events = json_array(), *counts = json_object();
	unsigned n[SELFTEST_STATUS_NR] = { 0 };

	for (size_t i = 0; i < r->boots_nr; i++) {
		const struct selftest_boot *b = &r->boots[i];

		json_array_append_new(
			boots,
			json_pack("{s:i, s:s, s:o, s:i, s:i, s:o, s:o, s:o}",
				  "first", (int)b->first, "end",
				  guest_end_name(b->end), "detail",
				  str_or_null(b->detail), "exit_code",
				  b->exit_code, "signal", b->signal, "boot_s",
				  seconds_json(b->boot_s), "first_test_s",
				  seconds_json(b->first_test_s), "total_s",
				  seconds_json(b->total_s)));
	}
	for (size_t i = 0; i < r->events_nr; i++)
		json_array_append_new(events, event_json(r, &r->events[i]));
	for (size_t i = 0; i < r->nr; i++) {
		json_array_append_new(tests, result_json(&r->results[i]));
		n[r->results[i].status]++;
	}
	for (int s = 0; s < SELFTEST_STATUS_NR; s++)
		json_object_set_new(counts, selftest_status_name(s),
				    json_integer(n[s]));
	return json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o,"
		" s:o, s:o, s:o, s:o, s:o, s:o}",
		"target", r->target, "variant", r->variant, "set",
		r->set ? r->set : "", "kernel", r->kernel, "selftests",
		r->selftests, "accel", guest_accel_name(r->accel), "qemu",
		strvec_json(&r->qemu), "verdict", selftest_run_verdict(r),
		"boot_s", seconds_json(r->boots_nr ? r->boots[0].boot_s : -1),
		"first_test_s",
		seconds_json(r->boots_nr ? r->boots[0].first_test_s : -1),
		"total_s", seconds_json(r->total_s), "boots", boots, "events",
		events, "tests", tests, "counts", counts, "host",
		r->host ? json_string(r->host) : json_null());
}

static json_t *side_json(const struct selftest_run *r)
{
	if (!r)
		return json_null();
	return json_pack("{s:s, s:s, s:o}", "kernel", r->kernel, "verdict",
			 selftest_run_verdict(r), "total_s",
			 seconds_json(r->total_s));
}

json_t *selftest_compare_to_json(const struct selftest_run *base,
				 const struct selftest_run *series,
				 unsigned *counts)
{
	json_t *tests = json_array(), *jcounts = json_object();
	json_t *regressions = json_array();
	unsigned n[SELFTEST_CHANGE_NR] = { 0 };

	for (size_t i = 0; i < series->nr; i++) {
		const struct selftest_result *s = &series->results[i];
		const struct selftest_result *b =
			base ? selftest_run_find(base, s->name) : NULL;
		enum selftest_status bs = b ? b->status : SELFTEST_NOT_RUN;
		enum selftest_change c = selftest_classify(bs, s->status);

		n[c]++;
		if (c == SELFTEST_CH_REGRESSION)
			json_array_append_new(regressions,
					      json_string(s->name));
		json_array_append_new(
			tests,
			json_pack("{s:s, s:o, s:s, s:s, s:o}", "name", s->name,
				  "baseline",
				  b ? json_string(
					      selftest_status_name(b->status)) :
				      json_null(),
				  "series", selftest_status_name(s->status),
				  "change", selftest_change_name(c), "reason",
				  str_or_null(s->reason)));
	}
	for (int c = 0; c < SELFTEST_CHANGE_NR; c++)
		json_object_set_new(jcounts, selftest_change_name(c),
				    json_integer(n[c]));
	if (counts)
		memcpy(counts, n, sizeof(n));
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "target",
			 series->target, "set", series->set ? series->set : "",
			 "baseline", side_json(base), "series",
			 side_json(series), "tests", tests, "counts", jcounts,
			 "regressions", regressions);
}
