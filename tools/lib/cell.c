// SPDX-License-Identifier: GPL-2.0
/*
 * cell: the status of one series on one target. See cell.h.
 */
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "verdict.h"

static const char *const names[CELL__COUNT] = {
	[CELL_OK] = "ok",
	[CELL_APPLY_FAILED] = "apply-failed",
	[CELL_BUILD_FAILED] = "build-failed",
	[CELL_BOOT_FAILED] = "boot-failed",
	[CELL_CRASHED] = "crashed",
	[CELL_HUNG] = "hung",
	[CELL_REGRESSION] = "regression",
	[CELL_INCOMPLETE] = "incomplete",
	[CELL_ERROR] = "error",
};

const char *cell_status_name(enum cell_status s)
{
	return (unsigned)s < CELL__COUNT ? names[s] : "unknown";
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The candidate status so far: the first of the list wins. */
struct verdict_so_far {
	enum cell_status status;
	struct strbuf reason;
};

static void found(struct verdict_so_far *v, enum cell_status s,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void found(struct verdict_so_far *v, enum cell_status s,
		  const char *fmt, ...)
{
	va_list ap;

	if (v->status != CELL_OK && v->status <= s)
		return;
	v->status = s;
	strbuf_reset(&v->reason);
	va_start(ap, fmt);
	strbuf_vaddf(&v->reason, fmt, ap);
	va_end(ap);
}

static void judge_apply(struct verdict_so_far *v, const char *target,
			const json_t *apply)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(apply, "patches"), i, p)
	{
		const char *name = str(p, "verdict");
		int verdict = verdict_from_name(name);

		if (verdict < 0) {
			/* Not ours (a damaged or newer run.json): no green. */
			found(v, CELL_ERROR, "%s: patch %s: unknown verdict '%.40s'",
			      target, str(p, "file"), name);
		} else if (verdict_is_failure(verdict)) {
			found(v, CELL_APPLY_FAILED, "%s: patch %s: %s: %.200s",
			      target, str(p, "file"), name, str(p, "detail"));
			return;
		}
	}
}

/* Is `name` in the array `a` of strings? */
static bool listed(const json_t *a, const char *name)
{
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x)
		if (!strcmp(json_string_value(x) ?: "", name))
			return true;
	return false;
}

/*
 * The patch file whose commit is `hex` among the applied patches, else
 * the one of the same title (a cached build names the commit of an
 * earlier apply), else the commit's title from `broken_by`.
 */
static const char *patch_of_commit(const json_t *apply, const char *hex,
				   const json_t *broken_by)
{
	const char *title = str(broken_by, "title");
	const char *file = NULL;
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(apply, "patches"), i, p) {
		if (!*str(p, "file"))
			continue;
		if (!strcmp(str(p, "commit"), hex))
			return str(p, "file");
		if (!file && *title && !strcmp(str(p, "title"), title))
			file = str(p, "file");
	}
	return file ? file : title;
}

/*
 * The series did not build: its step and first error, or, when the
 * build bisected the queue (bisect.h), the patch that broke it and the
 * first error of its build.
 */
static void series_build_failed(struct verdict_so_far *v, const char *target,
				const json_t *ser, const json_t *apply)
{
	const json_t *by = json_object_get(ser, "broken_by");
	const json_t *e = json_object_get(ser, "first_error");
	char *culprit = NULL;

	if (json_is_object(by)) {
		if (json_is_object(json_object_get(by, "first_error")))
			e = json_object_get(by, "first_error");
		culprit =
			xstrfmt("build broken by %s: ",
				patch_of_commit(apply, str(by, "commit"), by));
	}
	if (*str(e, "file"))
		found(v, CELL_BUILD_FAILED, "%s series: %s: %s%s:%d: %s",
		      target, str(ser, "step"), culprit ? culprit : "",
		      str(e, "file"),
		      (int)json_integer_value(json_object_get(e, "line")),
		      str(e, "message"));
	else
		found(v, CELL_BUILD_FAILED, "%s series: %s: %s%s", target,
		      str(ser, "step"), culprit ? culprit : "",
		      *str(e, "text") ? str(e, "text") : str(e, "message"));
	free(culprit);
}

static void judge_build(struct verdict_so_far *v, const char *target,
			const json_t *build, const json_t *apply, bool asked)
{
	const json_t *base = json_object_get(build, "baseline");
	const json_t *ser = json_object_get(build, "series");
	const json_t *bfail, *sfail, *x;
	size_t i;

	if (!asked)
		return;
	if (!json_is_object(base) || !json_is_object(ser)) {
		found(v, CELL_ERROR, "%s %s: no build result", target,
		      json_is_object(base) ? "series" : "baseline");
		return;
	}
	for (i = 0; i < 2; i++) {
		const char *bv = str(i ? ser : base, "verdict");

		/* "not-built" (a build that stopped) or not ours: no green. */
		if (strcmp(bv, "built") && strcmp(bv, "build-failed"))
			found(v, CELL_ERROR, "%s %s: the build result says '%.40s'",
			      target, i ? "series" : "baseline", bv);
	}
	if (!strcmp(str(base, "verdict"), "build-failed")) {
		const json_t *e = json_object_get(base, "first_error");

		found(v, CELL_ERROR,
		      "%s baseline: does not build (%s: %s): nothing to "
		      "compare with",
		      target, str(base, "step"), str(e, "message"));
	}
	if (!strcmp(str(ser, "verdict"), "build-failed")) {
		series_build_failed(v, target, ser, apply);
		return;
	}
	/* A selftest the baseline builds and the series does not. */
	bfail = json_object_get(json_object_get(base, "selftests"), "failed");
	sfail = json_object_get(json_object_get(ser, "selftests"), "failed");
	json_array_foreach(sfail, i, x)
		if (!listed(bfail, json_string_value(x) ?: "")) {
			found(v, CELL_BUILD_FAILED,
			      "%s series: selftest %s does not build (it does "
			      "on the baseline)",
			      target, json_string_value(x));
			return;
		}
}

/* The first event of `kind` the console showed, for a reason. */
static const char *first_event(const json_t *result, const char *kind)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(result, "events"), i, e)
		if (!strcmp(str(e, "kind"), kind))
			return str(e, "first_line");
	return "";
}

static const char *boot_detail(const json_t *result)
{
	json_t *b = json_array_get(json_object_get(result, "boots"), 0);

	return *str(b, "detail") ? str(b, "detail") : str(b, "end");
}

/* Did the baseline run this test (and not skip it)? */
static bool ran_on_baseline(const json_t *t)
{
	const char *b = str(t, "baseline");

	return *b && strcmp(b, "skip") && strcmp(b, "not-run");
}

/* One test of compare.json: a regression, or a test not run. */
static void judge_one_test(struct verdict_so_far *v, const char *target,
			   const char *variant, const json_t *t)
{
	const char *change = str(t, "change"), *why = str(t, "reason");

	if (!strcmp(change, "regression"))
		found(v, CELL_REGRESSION,
		      "%s %s: %s %s, passes on the baseline%s%s", target,
		      variant, str(t, "name"), str(t, "series"),
		      *why ? ": " : "", why);
	else if (!strcmp(change, "not-run"))
		found(v, CELL_INCOMPLETE, "%s %s: %s was not run", target,
		      variant, str(t, "name"));
	else if (!strcmp(change, "fail"))
		found(v, CELL_INCOMPLETE,
		      "%s %s: %s %s, no baseline result to compare with%s%s",
		      target, variant, str(t, "name"), str(t, "series"),
		      *why ? ": " : "", why);
	else if (!strcmp(change, "skip") && ran_on_baseline(t))
		found(v, CELL_INCOMPLETE,
		      "%s %s: %s skipped%s%s, but ran on the baseline (%s)",
		      target, variant, str(t, "name"), *why ? ": " : "", why,
		      str(t, "baseline"));
}

/* How the series kernel ended against how the baseline's did. */
static void judge_boot(struct verdict_so_far *v, const char *target,
		       const json_t *base, const json_t *ser)
{
	const char *sv = str(ser, "verdict"), *bv = str(base, "verdict");
	const char *variant = str(ser, "variant");

	if (!strcmp(bv, "boot-failed"))
		found(v, CELL_ERROR,
		      "%s baseline: does not boot (%s): nothing to compare "
		      "with",
		      target, boot_detail(base));
	if (!strcmp(sv, "boot-failed"))
		found(v, CELL_BOOT_FAILED, "%s %s: does not boot: %s", target,
		      variant, boot_detail(ser));
	else if (!strcmp(sv, "crashed") && strcmp(bv, "crashed"))
		found(v, CELL_CRASHED, "%s %s: the kernel panicked%s%s",
		      target, variant, *first_event(ser, "panic") ? ": " : "",
		      first_event(ser, "panic"));
	else if (!strcmp(sv, "hung") && strcmp(bv, "hung"))
		found(v, CELL_HUNG, "%s %s: the guest hung (%s)", target,
		      variant, boot_detail(ser));
}

/* A test result's verdict is one selftest.h writes, or no green. */
static void known_test_verdict(struct verdict_so_far *v, const char *target,
			       const json_t *result)
{
	static const char *const known[] = { "completed", "crashed", "hung",
					     "incomplete", "boot-failed" };
	const char *rv = str(result, "verdict");

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(rv, known[i]))
			return;
	found(v, CELL_ERROR, "%s %s: the test result says '%.40s'", target,
	      str(result, "variant"), rv);
}

static void judge_test(struct verdict_so_far *v, const char *target,
		       const json_t *test, const json_t *steps)
{
	const json_t *base = json_object_get(test, "baseline");
	const json_t *ser = json_object_get(test, "series");
	const json_t *cmp = json_object_get(test, "compare");
	bool need_base = !json_is_false(json_object_get(steps, "baseline"));
	size_t i;
	json_t *t;

	if (!json_is_object(ser) || !json_is_object(cmp) ||
	    (need_base && !json_is_object(base))) {
		found(v, CELL_ERROR, "%s %s: no test result", target,
		      need_base && !json_is_object(base) ? "baseline" :
							   "series");
		return;
	}
	known_test_verdict(v, target, ser);
	if (json_is_object(base))
		known_test_verdict(v, target, base);
	judge_boot(v, target, base, ser);
	json_array_foreach(json_object_get(cmp, "tests"), i, t)
		judge_one_test(v, target, str(ser, "variant"), t);
}

/* Was `step` asked for? "steps" says; else: whether it left results. */
static bool asked(const json_t *cell, const char *step)
{
	const json_t *steps = json_object_get(cell, "steps");
	const json_t *res = json_object_get(cell, step);
	const char *key;
	json_t *x;

	if (json_is_object(steps))
		return json_is_true(json_object_get(steps, step));
	json_object_foreach((json_t *)res, key, x)
		if (!json_is_null(x))
			return true;
	return false;
}

enum cell_status cell_status(const json_t *cell, char **reason)
{
	struct verdict_so_far v = { CELL_OK, STRBUF_INIT };
	const char *target = str(cell, "target");
	size_t i;
	json_t *e;

	judge_apply(&v, target, json_object_get(cell, "apply"));
	/* A step's own error says more than the results it did not leave. */
	json_array_foreach(json_object_get(cell, "errors"), i, e)
		found(&v, CELL_ERROR, "%s: %s", target,
		      json_string_value(e) ?: "");
	judge_build(&v, target, json_object_get(cell, "build"),
		    json_object_get(cell, "apply"), asked(cell, "build"));
	if (asked(cell, "test"))
		judge_test(&v, target, json_object_get(cell, "test"),
			   json_object_get(cell, "steps"));
	if (reason)
		*reason = strbuf_detach(&v.reason, NULL);
	strbuf_release(&v.reason);
	return v.status;
}
