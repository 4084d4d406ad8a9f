// SPDX-License-Identifier: GPL-2.0
/*
 * backport test: boot each target's kernels (the series build and its
 * baseline) in QEMU, run the matrix's selftest set, and report each
 * test's result and its change against the baseline.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "builtin.h"
#include "lib/guest.h"
#include "lib/matrix.h"
#include "lib/selftest.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/usage.h"
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
	"still-failing. Results go to results/test/<target>/.\n"
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

/* One kernel to test. */
struct cell {
	char *target;
	char *variant;
	char *kernel;
	char *selftests;
	struct selftest_run run;
	bool ran;
};

struct test_cmd {
	const char *matrix;
	const char *results;
	const char *set;
	const char *series;
	const char *kernel, *selftests;
	const char *base_kernel, *base_selftests;
	const char *target;
	enum guest_accel accel;
	struct strvec targets;
	struct strvec variants;
	struct selftest_opts opts;
	enum output_format format;
	struct cell *cells;
	size_t nr, alloc;
	size_t current; /* for progress: the cell running */
};

static unsigned parse_num(const char *arg, const char *opt)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 0 || v > 1000000)
		usage_msg(test_usage, "bad number '%s' for %s", arg, opt);
	return (unsigned)v;
}

static void parse_options(struct test_cmd *c, int argc, char **argv)
{
	enum {
		O_KERNEL = 256,
		O_SELFTESTS,
		O_BKERNEL,
		O_BSELFTESTS,
		O_TARGET,
		O_SET,
		O_RESULTS,
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
	static const struct option longopts[] = {
		{ "series", required_argument, NULL, 's' },
		{ "branch", required_argument, NULL, 'b' },
		{ "variant", required_argument, NULL, O_VARIANT },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "selftests", required_argument, NULL, O_SELFTESTS },
		{ "baseline-kernel", required_argument, NULL, O_BKERNEL },
		{ "baseline-selftests", required_argument, NULL, O_BSELFTESTS },
		{ "target", required_argument, NULL, O_TARGET },
		{ "set", required_argument, NULL, O_SET },
		{ "matrix", required_argument, NULL, 'm' },
		{ "results", required_argument, NULL, O_RESULTS },
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
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			c->series = optarg;
			break;
		case 'b':
			strvec_push(&c->targets, optarg);
			break;
		case O_VARIANT:
			if (strcmp(optarg, "baseline") &&
			    strcmp(optarg, "series"))
				usage_msg(test_usage, "unknown variant '%s'",
					  optarg);
			strvec_push(&c->variants, optarg);
			break;
		case O_KERNEL:
			c->kernel = optarg;
			break;
		case O_SELFTESTS:
			c->selftests = optarg;
			break;
		case O_BKERNEL:
			c->base_kernel = optarg;
			break;
		case O_BSELFTESTS:
			c->base_selftests = optarg;
			break;
		case O_TARGET:
			c->target = optarg;
			break;
		case O_SET:
			c->set = optarg;
			break;
		case 'm':
			c->matrix = optarg;
			break;
		case O_RESULTS:
			c->results = optarg;
			break;
		case O_ACCEL:
			if (guest_accel_parse(&c->accel, optarg) < 0)
				usage_msg(test_usage,
					  "unknown accelerator '%s'", optarg);
			break;
		case O_RETRIES:
			c->opts.retries = (int)parse_num(optarg, "--retries");
			break;
		case O_BOOTS:
			c->opts.max_boots = parse_num(optarg, "--max-boots");
			if (!c->opts.max_boots)
				usage_msg(test_usage, "--max-boots is at "
						      "least 1");
			break;
		case O_TIMEOUT:
			c->opts.timeout_s = parse_num(optarg, "--timeout");
			break;
		case O_BOOT_TIMEOUT:
			c->opts.boot_timeout_s =
				parse_num(optarg, "--boot-timeout");
			break;
		case O_GRACE:
			c->opts.grace_s = parse_num(optarg, "--grace");
			break;
		case O_APPEND:
			c->opts.append = optarg;
			break;
		case O_QEMU:
			c->opts.qemu = optarg;
			break;
		case O_BUSYBOX:
			c->opts.busybox = optarg;
			break;
		case O_RUNNER:
			c->opts.runner = optarg;
			break;
		case 'f':
			c->format = parse_output_format(optarg, test_usage);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(test_usage, true);
		default:
			usage_msg(test_usage, "unknown option '%s'",
				  argv[optind - 1]);
		}
	}
	if (optind != argc)
		usage_msg(test_usage, "unexpected argument '%s'", argv[optind]);
	if (!c->kernel != !c->selftests)
		usage_msg(test_usage, "--kernel and --selftests go together");
	if (!c->base_kernel != !c->base_selftests)
		usage_msg(test_usage, "--baseline-kernel and "
				      "--baseline-selftests go together");
	if (c->base_kernel && !c->kernel)
		usage_msg(test_usage, "--baseline-kernel needs --kernel");
	if (c->kernel && c->targets.nr)
		usage_msg(test_usage,
			  "--kernel and --branch exclude each other");
}

static bool want_variant(const struct test_cmd *c, const char *v)
{
	if (!c->variants.nr)
		return true;
	for (size_t i = 0; i < c->variants.nr; i++)
		if (!strcmp(c->variants.v[i], v))
			return true;
	return false;
}

static void add_cell(struct test_cmd *c, const char *target,
		     const char *variant, const char *kernel,
		     const char *selftests)
{
	struct cell *cell;

	ALLOC_GROW(c->cells, c->nr + 1, c->alloc);
	cell = &c->cells[c->nr++];
	memset(cell, 0, sizeof(*cell));
	cell->target = xstrdup(target);
	cell->variant = xstrdup(variant);
	cell->kernel = xstrdup(kernel);
	cell->selftests = xstrdup(selftests);
	selftest_run_init(&cell->run);
}

/*
 * A variant's build.json (see kbuild.h): its bzImage and selftests
 * directory when it was built. Returns false, with a warning, otherwise.
 */
static bool read_build(const struct test_cmd *c, const char *target,
		       const char *variant, char **kernel, char **selftests)
{
	char *path = xstrfmt("%s/build/%s/%s/build.json", c->results, target,
			     variant);
	json_error_t jerr;
	json_t *j = NULL, *st;
	const char *verdict, *bz, *dir = NULL, *series;
	bool ok = false;

	if (!path_exists(path))
		goto out;
	j = json_load_file(path, 0, &jerr);
	if (!j) {
		warning("cannot read '%s': %s", path, jerr.text);
		goto out;
	}
	verdict = json_string_value(json_object_get(j, "verdict"));
	bz = json_string_value(json_object_get(j, "bzImage"));
	st = json_object_get(j, "selftests");
	if (json_is_object(st))
		dir = json_string_value(json_object_get(st, "dir"));
	else if (json_is_string(st))
		dir = json_string_value(st);
	series = json_string_value(json_object_get(j, "series"));
	if (c->series && !strcmp(variant, "series") &&
	    (!series || strcmp(series, c->series))) {
		warning("'%s' is a build of series '%s', not '%s': skipped",
			path, series ? series : "(none)", c->series);
		goto out;
	}
	if (!verdict || strcmp(verdict, "built") || !bz || !dir) {
		warning("%s (%s) was not built (%s): not tested", target,
			variant, verdict ? verdict : "no verdict");
		goto out;
	}
	*kernel = xstrdup(bz);
	*selftests = xstrdup(dir);
	ok = true;
out:
	json_decref(j);
	free(path);
	return ok;
}

/* Every target with a build.json under results/build/. */
static void built_targets(struct strvec *out, const char *results)
{
	char *dir = xstrfmt("%s/build", results);
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			strvec_push(out, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	free(dir);
}

static void collect_cells(struct test_cmd *c)
{
	static const char *const variants[] = { "series", "baseline" };

	if (c->kernel) {
		const char *t = c->target ? c->target : "custom";
		const char *v = c->variants.nr == 1 ? c->variants.v[0] :
						      "series";

		if (c->base_kernel && strcmp(v, "series"))
			usage_msg(test_usage, "--baseline-kernel goes with "
					      "the series variant");
		add_cell(c, t, v, c->kernel, c->selftests);
		if (c->base_kernel)
			add_cell(c, t, "baseline", c->base_kernel,
				 c->base_selftests);
		return;
	}
	if (!c->targets.nr)
		built_targets(&c->targets, c->results);
	if (!c->targets.nr)
		die("nothing to test: no builds under '%s/build' (run "
		    "'backport build' first, or give --kernel)",
		    c->results);
	for (size_t i = 0; i < c->targets.nr; i++) {
		for (size_t k = 0; k < ARRAY_SIZE(variants); k++) {
			char *kernel = NULL, *selftests = NULL;

			if (!want_variant(c, variants[k]))
				continue;
			if (read_build(c, c->targets.v[i], variants[k], &kernel,
				       &selftests))
				add_cell(c, c->targets.v[i], variants[k],
					 kernel, selftests);
			free(kernel);
			free(selftests);
		}
	}
	if (!c->nr)
		die("nothing to test: no finished build for the targets asked");
}

static void on_progress(void *data, const struct selftest_run *r,
			const struct guest_progress *p)
{
	const struct test_cmd *c = data;
	const struct selftest_result *res;

	if (p->started || p->number < 1 || p->number > r->nr)
		return;
	res = &r->results[p->number - 1];
	progress("[%zu/%zu] %s (%s): %s ... %.0f s %s", c->current + 1, c->nr,
		 r->target, r->variant, res->name, p->seconds,
		 selftest_status_name(res->status));
}

static enum guest_accel resolve_accel(struct test_cmd *c, const char *dir)
{
	struct guest_boot_opts bo = GUEST_BOOT_OPTS_INIT;
	enum guest_accel a = c->accel;
	char *why = NULL;

	if (a != GUEST_ACCEL_AUTO)
		return a;
	if (mkdir_p(dir, 0755) < 0)
		die("%s", error_last());
	bo.qemu = c->opts.qemu;
	bo.kernel = c->cells[0].kernel;
	if (guest_probe_kvm(&bo, dir, 30, &why)) {
		progress("accel: kvm (a probe boot under KVM reached init)");
		a = GUEST_ACCEL_KVM;
	} else {
		progress("accel: tcg (%s)", why);
		a = GUEST_ACCEL_TCG;
	}
	free(why);
	return a;
}

static void run_cells(struct test_cmd *c, const struct selftest_set *set)
{
	for (size_t i = 0; i < c->nr; i++) {
		struct cell *cell = &c->cells[i];
		struct selftest_run *r = &cell->run;

		c->current = i;
		r->target = xstrdup(cell->target);
		r->variant = xstrdup(cell->variant);
		r->kernel = xstrdup(cell->kernel);
		r->selftests = xstrdup(cell->selftests);
		r->dir = xstrfmt("%s/test/%s/%s", c->results, cell->target,
				 cell->variant);
		progress("[%zu/%zu] %s (%s): booting %s, %zu test%s", i + 1,
			 c->nr, cell->target, cell->variant, cell->kernel,
			 set->nr, set->nr == 1 ? "" : "s");
		if (selftest_run(r, set, &c->opts) < 0)
			die("%s", error_last());
		cell->ran = true;
		progress("[%zu/%zu] %s (%s): %s in %.0f s (boot to first test "
			 "%.1f s)",
			 i + 1, c->nr, cell->target, cell->variant,
			 selftest_run_verdict(r), r->total_s,
			 r->boots_nr ? r->boots[0].first_test_s : -1.0);
	}
}

static const struct selftest_run *
find_run(const struct test_cmd *c, const char *target, const char *variant)
{
	for (size_t i = 0; i < c->nr; i++)
		if (c->cells[i].ran && !strcmp(c->cells[i].target, target) &&
		    !strcmp(c->cells[i].variant, variant))
			return &c->cells[i].run;
	return NULL;
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

/* Compare each target's series with its baseline; returns the exit code. */
static int report(struct test_cmd *c)
{
	json_t *all = json_array();
	bool failed = false, first = true;

	for (size_t i = 0; i < c->nr; i++) {
		const struct cell *cell = &c->cells[i];
		const struct selftest_run *ser, *base;
		unsigned counts[SELFTEST_CHANGE_NR];
		char *path;
		json_t *cmp;

		/* one report per target: at its series cell, else baseline */
		ser = find_run(c, cell->target, "series");
		if (ser ? ser != &cell->run : strcmp(cell->variant, "baseline"))
			continue;
		base = ser ? find_run(c, cell->target, "baseline") : NULL;
		if (!ser)
			ser = &cell->run; /* a baseline alone */
		cmp = selftest_compare_to_json(base, ser, counts);
		path = xstrfmt("%s/test/%s/compare.json", c->results,
			       cell->target);
		if (selftest_write_json(path, cmp) < 0)
			die("%s", error_last());
		free(path);
		failed |= counts[SELFTEST_CH_REGRESSION] ||
			  counts[SELFTEST_CH_FAIL] ||
			  counts[SELFTEST_CH_NOT_RUN] ||
			  !strcmp(selftest_run_verdict(ser), "boot-failed");
		if (c->format == FORMAT_JSON) {
			json_object_set_new(cmp, "results",
					    json_sprintf("%s/test/%s",
							 c->results,
							 cell->target));
			json_array_append(all, cmp);
		} else {
			if (!first)
				putchar('\n');
			print_target(base, ser, cmp);
		}
		first = false;
		json_decref(cmp);
	}
	if (c->format == FORMAT_JSON) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(all);
	return failed ? EXIT_CELL_FAILED : EXIT_OK;
}

int cmd_test(int argc, char **argv)
{
	struct test_cmd c = { .targets = STRVEC_INIT,
			      .variants = STRVEC_INIT,
			      .opts = SELFTEST_OPTS_INIT,
			      .results = "results" };
	struct selftest_set set = SELFTEST_SET_INIT;
	char *matrix_path, *scratch;
	int ret;

	parse_options(&c, argc, argv);
	matrix_path = matrix_find_path(c.matrix);
	if (selftest_set_load(&set, matrix_path, c.set) < 0)
		die("%s", error_last());
	collect_cells(&c);
	scratch = xstrfmt("%s/test", c.results);
	c.opts.accel = resolve_accel(&c, scratch);
	free(scratch);
	c.opts.progress = on_progress;
	c.opts.data = &c;
	run_cells(&c, &set);
	ret = report(&c);
	for (size_t i = 0; i < c.nr; i++) {
		free(c.cells[i].target);
		free(c.cells[i].variant);
		free(c.cells[i].kernel);
		free(c.cells[i].selftests);
		selftest_run_release(&c.cells[i].run);
	}
	free(c.cells);
	selftest_set_release(&set);
	free(matrix_path);
	strvec_clear(&c.targets);
	strvec_clear(&c.variants);
	return ret;
}
