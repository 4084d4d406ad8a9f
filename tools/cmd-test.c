// SPDX-License-Identifier: GPL-2.0
/*
 * backport test: boot each target's kernels (the series build and its
 * baseline) in QEMU, run the matrix's selftest set, and report each
 * test's result and its change against the baseline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "builtin.h"
#include "lib/cell.h"
#include "lib/guest.h"
#include "lib/matrix.h"
#include "lib/results.h"
#include "lib/testrun.h"
#include "options.h"
#include "progress.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

static const char test_usage[] =
	"usage: backport test [<options>] [--series <name>] "
	"[--branch <branch>[@<rev>]]...\n"
	"   or: backport test [<options>] --kernel <bzImage> "
	"--selftests <dir>\n"
	"\n"
	"Boot each target's kernels in QEMU (the series build and the\n"
	"unpatched baseline, from 'backport build'), run the matrix's\n"
	"selftest set, and classify each test: pass, fail, skip, timeout,\n"
	"crash, flaky; against the baseline: regression, fixed,\n"
	"still-failing. Results go to results/test/<target>/. With the\n"
	"matrix's [test] hosts, the kernels boot on those hosts over ssh,\n"
	"one at a time on each, all hosts at once.\n"
	"\n"
	"  --series <name>        only the builds of this series\n"
	"  --branch <b>[@<rev>]   a target (repeatable; default: every\n"
	"                         target under results/build/)\n"
	"  --variant <v>          baseline or series (repeatable; default\n"
	"                         both; with --kernel: its name, series)\n"
	"  --kernel <bzImage>     test this kernel instead of a build\n"
	"  --selftests <dir>      ... with these kselftest binaries\n"
	"  --baseline-kernel <bzImage>, --baseline-selftests <dir>\n"
	"                         ... and compare with this baseline\n"
	"  --target <name>        the results' name for --kernel (custom)\n"
	"  --set <name>           the selftest set (default: the matrix's\n"
	"                         first [selftests] section)\n"
	"  --matrix <file>        the matrix (default: matrix/default.conf)\n"
	"  --results <dir>        the results directory (results)\n"
	"  --accel <tcg|kvm|auto> QEMU acceleration (tcg; auto probes KVM)\n"
	"  --retries <n>          runs more of a failing test (the set's)\n"
	"  --max-boots <n>        boots per kernel, resumes after a crash\n"
	"                         included (3)\n"
	"  --timeout <s>          per boot (default: from the tests')\n"
	"  --boot-timeout <s>     until the runner starts (120)\n"
	"  --grace <s>            a test this far past its timeout means\n"
	"                         the guest hung (60)\n"
	"  --append <args>        more kernel command line\n"
	"  --qemu <path>, --busybox <path>, --runner <path>\n"
	"  --format=<text|json>   output format\n"
	"  -q, --quiet            no progress\n";

struct test_cmd {
	struct common_opts co;
	const char *set;
	const char *kernel, *selftests;
	const char *base_kernel, *base_selftests;
	const char *target;
	enum guest_accel accel;
	struct strvec variants;
	struct selftest_opts opts;
	struct testrun run;
};

enum {
	O_KERNEL = 256,
	O_SELFTESTS,
	O_BKERNEL,
	O_BSELFTESTS,
	O_TARGET,
	O_SET,
	O_ACCEL,
	O_RETRIES,
	O_BOOTS,
	O_TIMEOUT,
	O_BOOT_TIMEOUT,
	O_APPEND,
	O_QEMU,
	O_BUSYBOX,
	O_RUNNER,
	O_VARIANT,
	O_GRACE
};

static unsigned num(const char *arg, const char *opt)
{
	return (unsigned)options_number(test_usage, opt, arg, 0, 1000000);
}

/* The options that say which kernels to boot. */
static bool kernel_option(struct test_cmd *c, int ch, const char *arg)
{
	switch (ch) {
	case O_VARIANT:
		if (strcmp(arg, "baseline") && strcmp(arg, "series"))
			usage_msg(test_usage, "unknown variant '%s'", arg);
		strvec_push(&c->variants, arg);
		return true;
	case O_KERNEL:
		c->kernel = arg;
		return true;
	case O_SELFTESTS:
		c->selftests = arg;
		return true;
	case O_BKERNEL:
		c->base_kernel = arg;
		return true;
	case O_BSELFTESTS:
		c->base_selftests = arg;
		return true;
	case O_TARGET:
		c->target = arg;
		return true;
	case O_SET:
		c->set = arg;
		return true;
	}
	return false;
}

static int test_option(void *data, int ch, const char *arg)
{
	struct test_cmd *c = data;

	if (kernel_option(c, ch, arg))
		return 0;
	switch (ch) {
	case O_ACCEL:
		if (guest_accel_parse(&c->accel, arg) < 0)
			usage_msg(test_usage, "unknown accelerator '%s'", arg);
		return 0;
	case O_RETRIES:
		c->opts.retries = (int)num(arg, "--retries");
		return 0;
	case O_BOOTS:
		c->opts.max_boots = num(arg, "--max-boots");
		if (!c->opts.max_boots)
			usage_msg(test_usage, "--max-boots is at least 1");
		return 0;
	case O_TIMEOUT:
		c->opts.timeout_s = num(arg, "--timeout");
		return 0;
	case O_BOOT_TIMEOUT:
		c->opts.boot_timeout_s = num(arg, "--boot-timeout");
		return 0;
	case O_GRACE:
		c->opts.grace_s = num(arg, "--grace");
		return 0;
	case O_APPEND:
		c->opts.append = arg;
		return 0;
	case O_QEMU:
		c->opts.qemu = arg;
		return 0;
	case O_BUSYBOX:
		c->opts.busybox = arg;
		return 0;
	case O_RUNNER:
		c->opts.runner = arg;
		return 0;
	}
	return -1;
}

static void check_options(const struct test_cmd *c)
{
	if (c->co.series.nr > 1)
		usage_msg(test_usage, "one --series at most");
	if (!c->kernel != !c->selftests)
		usage_msg(test_usage, "--kernel and --selftests go together");
	if (!c->base_kernel != !c->base_selftests)
		usage_msg(test_usage, "--baseline-kernel and "
				      "--baseline-selftests go together");
	if (c->base_kernel && !c->kernel)
		usage_msg(test_usage, "--baseline-kernel needs --kernel");
	if (c->kernel && c->co.targets.nr)
		usage_msg(test_usage,
			  "--kernel and --branch exclude each other");
}

static void parse_options(struct test_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "variant", required_argument, NULL, O_VARIANT },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "selftests", required_argument, NULL, O_SELFTESTS },
		{ "baseline-kernel", required_argument, NULL, O_BKERNEL },
		{ "baseline-selftests", required_argument, NULL, O_BSELFTESTS },
		{ "target", required_argument, NULL, O_TARGET },
		{ "set", required_argument, NULL, O_SET },
		{ "accel", required_argument, NULL, O_ACCEL },
		{ "retries", required_argument, NULL, O_RETRIES },
		{ "max-boots", required_argument, NULL, O_BOOTS },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "boot-timeout", required_argument, NULL, O_BOOT_TIMEOUT },
		{ "grace", required_argument, NULL, O_GRACE },
		{ "append", required_argument, NULL, O_APPEND },
		{ "qemu", required_argument, NULL, O_QEMU },
		{ "busybox", required_argument, NULL, O_BUSYBOX },
		{ "runner", required_argument, NULL, O_RUNNER },
		{ NULL, 0, NULL, 0 },
	};

	options_parse(&c->co,
		      OPT_MATRIX | OPT_RESULTS | OPT_SERIES | OPT_BRANCH |
			      OPT_FORMAT,
		      argc, argv, test_usage, longopts, "", test_option, c);
	check_options(c);
	c->run.results = c->co.results;
}

static bool want_variant(const struct test_cmd *c, const char *v)
{
	return !c->variants.nr || strvec_has(&c->variants, v);
}

/* --kernel (and --baseline-kernel): the kernels given. */
static void given_kernels(struct test_cmd *c)
{
	const char *t = c->target ? c->target : "custom";
	const char *v = c->variants.nr == 1 ? c->variants.v[0] : "series";

	if (c->base_kernel && strcmp(v, "series"))
		usage_msg(test_usage, "--baseline-kernel goes with the series "
				      "variant");
	testrun_add(&c->run, t, v, c->kernel, c->selftests);
	if (c->base_kernel)
		testrun_add(&c->run, t, "baseline", c->base_kernel,
			    c->base_selftests);
}

static void collect_kernels(struct test_cmd *c)
{
	static const char *const variants[] = { "series", "baseline" };
	const char *series = c->co.series.nr ? c->co.series.v[0] : NULL;
	struct strvec *targets = &c->co.targets;

	if (c->kernel)
		return given_kernels(c);
	if (!targets->nr)
		results_built_targets(targets, c->co.results);
	if (!targets->nr)
		die("nothing to test: no builds under '%s/build' (run "
		    "'backport build' first, or give --kernel)",
		    c->co.results);
	for (size_t i = 0; i < targets->nr; i++)
		for (size_t k = 0; k < ARRAY_SIZE(variants); k++) {
			char *why = NULL;

			if (!want_variant(c, variants[k]))
				continue;
			if (testrun_add_built(&c->run, targets->v[i],
					      variants[k], series, &why) < 0)
				die("%s", error_last());
			if (why)
				warning("%s: not tested", why);
			free(why);
		}
	if (!c->run.nr)
		die("nothing to test: no finished build for the targets asked");
}

static enum guest_accel resolve_accel(struct test_cmd *c)
{
	struct guest_boot_opts bo = GUEST_BOOT_OPTS_INIT;
	char *dir = xstrfmt("%s/test", c->co.results), *why = NULL;
	enum guest_accel a = c->accel;

	if (a != GUEST_ACCEL_AUTO || c->run.hosts_nr)
		goto out; /* on ssh hosts: each host's /dev/kvm decides */
	if (mkdir_p(dir, 0755) < 0)
		die("%s", error_last());
	bo.qemu = c->opts.qemu;
	bo.kernel = c->run.k[0].kernel;
	if (guest_probe_kvm(&bo, dir, 30, &why)) {
		progress("accel: kvm (a probe boot under KVM reached init)");
		a = GUEST_ACCEL_KVM;
	} else {
		progress("accel: tcg (%s)", why);
		a = GUEST_ACCEL_TCG;
	}
out:
	free(why);
	free(dir);
	return a;
}

/* A kernel finished on an ssh host (testrun_boot_hosts()): say so. */
static void host_done(void *data, size_t i)
{
	struct test_cmd *c = data;
	const struct testrun_kernel *k = &c->run.k[i];
	const struct selftest_run *r = &k->run;

	for (size_t h = 0; k->ran && h < k->host_errors.nr; h++)
		warning("%s; ran on host '%s' instead", k->host_errors.v[h],
			r->host);
	if (!k->ran) {
		/* The last is in k->error, which the caller dies with. */
		for (size_t h = 0; h + 1 < k->host_errors.nr; h++)
			error("%s", k->host_errors.v[h]);
		return;
	}
	progress("%s (%s): %s on '%s' in %.0f s (boot to first test %.1f s)",
		 k->target, k->variant, selftest_run_verdict(r), r->host,
		 r->total_s, r->boots_nr ? r->boots[0].first_test_s : -1.0);
}

static void boot_all(struct test_cmd *c, const struct selftest_set *set)
{
	struct progress_test pt = { 0, c->run.nr };

	c->opts.progress = progress_test;
	c->opts.data = &pt;
	if (c->run.hosts_nr) {
		pt.total = 0;
		progress("booting %zu kernel%s on %zu ssh host%s, %zu test%s "
			 "each",
			 c->run.nr, c->run.nr == 1 ? "" : "s", c->run.hosts_nr,
			 c->run.hosts_nr == 1 ? "" : "s", set->nr,
			 set->nr == 1 ? "" : "s");
		if (testrun_boot_hosts(&c->run, set, &c->opts, host_done, c,
				       NULL) < 0)
			die("%s", error_last());
	}
	for (size_t i = 0; i < c->run.nr && !c->run.hosts_nr; i++) {
		const struct testrun_kernel *k = &c->run.k[i];
		const struct selftest_run *r = &k->run;

		pt.current = i;
		progress("[%zu/%zu] %s (%s): booting %s, %zu test%s", i + 1,
			 c->run.nr, k->target, k->variant, k->kernel, set->nr,
			 set->nr == 1 ? "" : "s");
		if (testrun_boot(&c->run, i, set, &c->opts) < 0)
			die("%s", error_last());

		progress("[%zu/%zu] %s (%s): %s in %.0f s (boot to first test "
			 "%.1f s)",
			 i + 1, c->run.nr, k->target, k->variant,
			 selftest_run_verdict(r), r->total_s,
			 r->boots_nr ? r->boots[0].first_test_s : -1.0);
	}
	/* `pt` ends here. */
	c->opts.progress = NULL;
	c->opts.data = NULL;
}

static void print_target(const struct selftest_run *base,
			 const struct selftest_run *ser, json_t *cmp)
{
	size_t w = 4;
	json_t *tests = json_object_get(cmp, "tests"), *t;
	size_t i;

	for (i = 0; i < ser->nr; i++)
		if (strlen(ser->results[i].name) > w)
			w = strlen(ser->results[i].name);
	printf("%s: selftests '%s', %zu test%s\n", ser->target, ser->set,
	       ser->nr, ser->nr == 1 ? "" : "s");
	printf("  %s: %s in %.0f s\n", ser->variant, selftest_run_verdict(ser),
	       ser->total_s);
	if (base)
		printf("  baseline: %s in %.0f s\n", selftest_run_verdict(base),
		       base->total_s);
	printf("\n  %-*s  %-9s %-9s %s\n", (int)w, "test", "baseline",
	       ser->variant, "change");
	json_array_foreach(tests, i, t)
	{
		const char *bs =
			json_string_value(json_object_get(t, "baseline"));
		const char *reason =
			json_string_value(json_object_get(t, "reason"));
		const char *s = json_string_value(json_object_get(t, "series"));
		double secs = ser->results[i].seconds;

		printf("  %-*s  %-9s %-9s %-13s", (int)w,
		       json_string_value(json_object_get(t, "name")),
		       bs ? bs : "-", s,
		       json_string_value(json_object_get(t, "change")));
		if (secs >= 0)
			printf(" %4.0f s", secs);
		if (reason && strcmp(s, "pass"))
			printf("  %s", reason);
		putchar('\n');
	}
	for (i = 0; i < ser->events_nr; i++) {
		const struct console_event *ev = &ser->events[i].ev;

		printf("  console: %s at line %u%s%s: %s\n",
		       console_kind_name(ev->kind), ser->events[i].line,
		       ev->test ? " during " : "", ev->test ? ev->test : "",
		       ev->first_line);
	}
	t = json_object_get(cmp, "regressions");
	printf("  regressions: %zu", json_array_size(t));
	json_array_foreach(t, i, cmp)
		printf("%s%s", i ? ", " : " (", json_string_value(cmp));
	printf("%s\n", json_array_size(t) ? ")" : "");
}

/*
 * The status of `target` as cell.h decides it, from the runs and `cmp`;
 * a kernel booted without its baseline is judged alone.
 */
static enum cell_status target_status(const struct test_cmd *c,
				      const char *target, json_t *cmp,
				      char **reason)
{
	const struct selftest_run *ser = testrun_find(&c->run, target,
						      "series");
	const struct selftest_run *base = testrun_find(&c->run, target,
						       "baseline");
	json_t *cell;
	enum cell_status st;

	if (!ser) {
		ser = base;
		base = NULL;
	}
	cell = json_pack("{s:s, s:{s:o, s:o, s:O}, s:{s:b, s:b, s:b}}",
			 "target", target, "test", "baseline",
			 base ? selftest_run_to_json(base) : json_null(),
			 "series", selftest_run_to_json(ser), "compare", cmp,
			 "steps", "build", 0, "test", 1, "baseline", !!base);
	st = cell_status(cell, reason);
	json_decref(cell);
	return st;
}

/* Each target's comparison and status; returns the exit code. */
static int report(struct test_cmd *c)
{
	json_t *all = json_array();
	bool failed = false, first = true;

	for (size_t i = 0; i < c->run.nr; i++) {
		const struct testrun_kernel *k = &c->run.k[i];
		const struct selftest_run *ser, *base;
		enum cell_status st;
		char *reason;
		json_t *cmp;

		/* one report per target: at its series kernel, else baseline */
		ser = testrun_find(&c->run, k->target, "series");
		if (ser ? ser != &k->run : strcmp(k->variant, "baseline"))
			continue;
		base = ser ? testrun_find(&c->run, k->target, "baseline") :
			     NULL;
		if (!ser)
			ser = &k->run;
		cmp = testrun_compare(&c->run, k->target, NULL);
		if (!cmp)
			die("%s", error_last());
		st = target_status(c, k->target, cmp, &reason);
		failed |= st != CELL_OK;
		json_object_set_new(cmp, "status",
				    json_string(cell_status_name(st)));
		json_object_set_new(cmp, "reason", json_string(reason));
		if (c->co.format == FORMAT_JSON) {
			json_object_set_new(cmp, "results",
					    json_sprintf("%s/test/%s",
							 c->co.results,
							 k->target));
			json_array_append(all, cmp);
		} else {
			if (!first)
				putchar('\n');
			print_target(base, ser, cmp);
			printf("  status: %s%s%s\n", cell_status_name(st),
			       *reason ? ": " : "", reason);
		}
		first = false;
		free(reason);
		json_decref(cmp);
	}
	if (c->co.format == FORMAT_JSON) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(all);
	return failed ? EXIT_CELL_FAILED : EXIT_OK;
}

int cmd_test(int argc, char **argv)
{
	struct test_cmd c = { .co = COMMON_OPTS_INIT,
			      .variants = STRVEC_INIT,
			      .opts = SELFTEST_OPTS_INIT,
			      .run = TESTRUN_INIT };
	struct selftest_set set = SELFTEST_SET_INIT;
	struct matrix m = MATRIX_INIT;
	struct remote_host *hosts;
	size_t hosts_nr;
	char *matrix_path;
	int ret;

	parse_options(&c, argc, argv);
	matrix_path = matrix_find_path(c.co.matrix);
	if (matrix_read(&m, matrix_path) < 0 ||
	    selftest_set_from_matrix(&set, &m, c.set) < 0)
		die("%s", error_last());
	if (remote_hosts_from_matrix(&hosts, &hosts_nr, &m) < 0)
		die("%s", error_last());
	c.run.hosts = hosts;
	c.run.hosts_nr = hosts_nr;
	c.opts.ssh_options = matrix_get(&m, "test", "", "ssh-options");
	c.opts.remote_dir = matrix_get(&m, "test", "", "remote-dir");
	collect_kernels(&c);
	c.opts.accel = resolve_accel(&c);
	boot_all(&c, &set);
	ret = report(&c);
	testrun_release(&c.run);
	remote_hosts_free(hosts, hosts_nr);
	selftest_set_release(&set);
	matrix_release(&m);
	free(matrix_path);
	common_opts_release(&c.co);
	strvec_clear(&c.variants);
	return ret;
}
