// SPDX-License-Identifier: GPL-2.0
/*
 * report: run.json as a terminal matrix and as a static HTML page.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "grid.h"
#include "report.h"
#include "verdict.h"
#include "util/error.h"
#include "util/xalloc.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

const char *report_class(const char *v)
{
	static const char *const ok[] = { "applied", "merged-3way",
		"resolved-recorded", "adapted", "built", "pass", "ok",
		"completed", "fixed", NULL };
	static const char *const warn[] = { "applied-offset", "applied-fuzz",
		"already-present", "partially-present", "not-applicable",
		"not-requested", "skip", "still-failing", "flaky", "cached",
		NULL };
	static const char *const bad[] = { "conflict", "depends",
		"stale-resolution", "build-failed", "fail", "failed",
		"regression", "crash", "timeout", "crashed", "hung",
		"boot-failed", "incomplete", "apply-failed", "error", NULL };

	for (size_t i = 0; ok[i]; i++)
		if (!strcmp(v, ok[i]))
			return "ok";
	for (size_t i = 0; warn[i]; i++)
		if (!strcmp(v, warn[i]))
			return "warn";
	for (size_t i = 0; bad[i]; i++)
		if (!strcmp(v, bad[i]))
			return "bad";
	return "none";
}

/* "built", "build-failed" or "-" for one variant. */
static const char *build_verdict(json_t *cell, const char *variant)
{
	json_t *b = json_object_get(json_object_get(cell, "build"), variant);

	return b && json_is_object(b) ? str(b, "verdict") : "-";
}

/* Counts of the series run's tests; false when there is none. */
static bool test_counts(json_t *cell, const char *variant, int *pass,
			int *fail, int *skip)
{
	json_t *r = json_object_get(json_object_get(cell, "test"), variant);
	json_t *c = json_object_get(r, "counts");
	const char *k;
	json_t *v;

	*pass = *fail = *skip = 0;
	if (!r || !json_is_object(r))
		return false;
	json_object_foreach(c, k, v) {
		int n = json_integer_value(v);

		if (!strcmp(k, "pass"))
			*pass += n;
		else if (!strcmp(k, "skip"))
			*skip += n;
		else if (strcmp(k, "not-run"))
			*fail += n;
	}
	return true;
}

/* The cell's status and reason, as cell.h decides them. */
static const char *status_of(json_t *cell, char **reason)
{
	return cell_status_name(cell_status(cell, reason));
}

static int regressions(json_t *cell)
{
	json_t *c = json_object_get(json_object_get(cell, "test"), "compare");

	return json_array_size(json_object_get(c, "regressions"));
}

static const char *test_variant(json_t *cell)
{
	json_t *t = json_object_get(cell, "test");

	return json_is_object(json_object_get(t, "series")) ? "series" :
								"baseline";
}

static void color_cell(struct strbuf *out, const char *text, int width,
		       bool color)
{
	const char *cls = report_class(text);
	const char *on = !color ? "" :
		!strcmp(cls, "ok") ? "\033[32m" :
		!strcmp(cls, "warn") ? "\033[33m" :
		!strcmp(cls, "bad") ? "\033[31m" : "";

	strbuf_addf(out, "%s%-*s%s", on, width, text, *on ? "\033[0m" : "");
}

/* The columns after the verdicts: builds, tests, regressions, status. */
static void status_columns(struct strbuf *out, json_t *c, bool color,
			   struct strbuf *reasons)
{
	int pass, fail, skip;
	char tests[64] = "-", *reason;
	const char *status;

	color_cell(out, build_verdict(c, "baseline"), 13, color);
	strbuf_addch(out, ' ');
	color_cell(out, build_verdict(c, "series"), 13, color);
	if (test_counts(c, test_variant(c), &pass, &fail, &skip))
		snprintf(tests, sizeof(tests), "%d pass %d fail %d skip", pass,
			 fail, skip);
	strbuf_addf(out, " %-22s ", tests);
	if (json_is_object(json_object_get(json_object_get(c, "test"),
					   "compare")))
		snprintf(tests, sizeof(tests), "%d", regressions(c));
	else
		strcpy(tests, "-");
	strbuf_addf(out, "%-11s ", tests);
	status = status_of(c, &reason);
	color_cell(out, status, 0, color);
	if (json_is_true(json_object_get(c, "cached")))
		strbuf_addstr(out, " (cached)");
	strbuf_addch(out, '\n');
	if (*reason)
		strbuf_addf(reasons, "  %s\n", reason);
	free(reason);
}

static bool of_series(json_t *c, json_t *s)
{
	return !strcmp(str(c, "series"), str(s, "name"));
}

/* The verdicts of `s` as a grid (patches x its cells' targets). */
static void series_grid(struct grid *g, json_t *s, json_t *cells)
{
	json_t *patches = json_object_get(s, "patches"), *p, *c;
	size_t k, col = 0, n = 0;

	json_array_foreach(cells, k, c)
		n += of_series(c, s);
	grid_init(g, json_array_size(patches), n);
	json_array_foreach(patches, k, p)
		g->titles[k] = *str(p, "title") ? str(p, "title") :
						  str(p, "subject");
	json_array_foreach(cells, k, c) {
		json_t *ap = json_object_get(json_object_get(c, "apply"),
					     "patches"), *x;
		size_t m;

		if (!of_series(c, s))
			continue;
		g->targets[col] = str(c, "target");
		json_array_foreach(ap, m, x)
			if (m < g->rows)
				grid_set(g, m, col,
					 verdict_from_name(str(x, "verdict")),
					 str(x, "detail"));
		col++;
	}
}

/* A short series: a row per target, the patches' verdicts as columns. */
static void series_by_target(struct strbuf *out, json_t *s, json_t *cells,
			     bool color, size_t w, struct strbuf *reasons)
{
	json_t *patches = json_object_get(s, "patches"), *p, *c;
	size_t k;

	json_array_foreach(patches, k, p)
		strbuf_addf(out, "  %zu  %s\n", k + 1, str(p, "subject"));
	strbuf_addf(out, "\n%-*s", (int)w, "target");
	json_array_foreach(patches, k, p)
		strbuf_addf(out, "  %-18zu", k + 1);
	strbuf_addf(out, "  %-13s %-13s %-22s %-11s %s\n", "build", "series",
		    "tests", "regressions", "status");
	json_array_foreach(cells, k, c) {
		json_t *ap = json_object_get(json_object_get(c, "apply"),
					     "patches"), *x;
		size_t m;

		if (!of_series(c, s))
			continue;
		strbuf_addf(out, "%-*s", (int)w, str(c, "target"));
		json_array_foreach(ap, m, x) {
			strbuf_addstr(out, "  ");
			color_cell(out, str(x, "verdict"), 18, color);
		}
		strbuf_addstr(out, "  ");
		status_columns(out, c, color, reasons);
	}
	if (reasons->len)
		strbuf_addf(out, "\n%s", reasons->buf);
	strbuf_reset(reasons);
}

/* A long series: a row per target for its status, then the grid. */
static void series_as_grid(struct strbuf *out, const struct grid *g,
			   json_t *s, json_t *cells, bool color, bool all,
			   size_t w, struct strbuf *reasons)
{
	char *line, *save = NULL;
	json_t *c;
	size_t k;

	strbuf_addf(out, "%zu patches\n\n%-*s  %-13s %-13s %-22s %-11s %s\n",
		    g->rows, (int)w, "target", "build", "series", "tests",
		    "regressions", "status");
	json_array_foreach(cells, k, c) {
		if (!of_series(c, s))
			continue;
		strbuf_addf(out, "%-*s  ", (int)w, str(c, "target"));
		status_columns(out, c, color, reasons);
	}
	if (reasons->len)
		strbuf_addch(out, '\n');
	for (line = strtok_r(reasons->buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		grid_fold(out, line, GRID_WIDTH);
	strbuf_reset(reasons);
	strbuf_addch(out, '\n');
	grid_text(out, g, all, GRID_WIDTH);
}

void report_text(struct strbuf *out, json_t *run, bool color, bool all)
{
	json_t *series = json_object_get(run, "series"), *s;
	json_t *cells = json_object_get(run, "cells");
	struct strbuf reasons = STRBUF_INIT;
	size_t i;

	strbuf_addf(out, "run %s (backport %s): %zu cell%s, %lld s\n",
		    str(run, "run"), str(run, "version"),
		    json_array_size(cells),
		    json_array_size(cells) == 1 ? "" : "s",
		    (long long)json_integer_value(json_object_get(run,
								  "seconds")));
	json_array_foreach(series, i, s) {
		struct grid g;
		json_t *c;
		size_t k, w = 6;

		json_array_foreach(cells, k, c)
			if (of_series(c, s) && strlen(str(c, "target")) > w)
				w = strlen(str(c, "target"));
		strbuf_addf(out, "\nseries %s", str(s, "name"));
		series_grid(&g, s, cells);
		if (grid_fits_by_target(&g, GRID_WIDTH)) {
			strbuf_addch(out, '\n');
			series_by_target(out, s, cells, color, w, &reasons);
		} else {
			strbuf_addstr(out, ": ");
			series_as_grid(out, &g, s, cells, color, all, w,
				       &reasons);
		}
		grid_release(&g);
	}
	strbuf_release(&reasons);
}

static void html_escape(struct strbuf *out, const char *s)
{
	strbuf_addhtml(out, s);
}

/* A link relative to the run directory (or as it is when outside). */
static void add_href(struct strbuf *out, const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strncmp(path, dir, n) && path[n] == '/')
		path += n + 1;
	html_escape(out, path);
}

static void html_link(struct strbuf *out, const char *path, const char *text,
		      const char *dir)
{
	if (!path || !*path) {
		html_escape(out, text);
		return;
	}
	strbuf_addstr(out, "<a href=\"");
	add_href(out, path, dir);
	strbuf_addstr(out, "\">");
	html_escape(out, text);
	strbuf_addstr(out, "</a>");
}

static void html_badge(struct strbuf *out, const char *text, const char *href,
		       const char *dir)
{
	strbuf_addf(out, "<td class=\"%s\">", report_class(text));
	html_link(out, href, text, dir);
	strbuf_addstr(out, "</td>");
}

/* The cell's status, its reason as the title. */
static void html_status(struct strbuf *out, json_t *c, const char *href,
			const char *dir)
{
	char *reason;
	const char *status = status_of(c, &reason);

	strbuf_addf(out, "<td class=\"%s\" title=\"", report_class(status));
	html_escape(out, reason);
	strbuf_addstr(out, "\">");
	html_link(out, href, status, dir);
	strbuf_addstr(out, "</td>");
	free(reason);
}

/* "c-<series>-<target>" with what is not a letter or digit made '-'. */
static void readable_anchor(struct strbuf *out, json_t *c)
{
	strbuf_addstr(out, "c-");
	for (const char *p = str(c, "series"); *p; p++)
		strbuf_addch(out, isalnum((unsigned char)*p) ? *p : '-');
	strbuf_addch(out, '-');
	for (const char *p = str(c, "target"); *p; p++)
		strbuf_addch(out, isalnum((unsigned char)*p) ? *p : '-');
}

/*
 * The anchor of a cell's details: its readable form, and "~N" after it
 * where N-1 earlier cells of the run read the same (series "a-b" on
 * target "c" and series "a" on target "b-c"): one id per cell.
 */
static void cell_anchor(struct strbuf *out, json_t *cells, json_t *c)
{
	struct strbuf mine = STRBUF_INIT, other = STRBUF_INIT;
	size_t i, same = 0;
	json_t *d;

	readable_anchor(&mine, c);
	json_array_foreach(cells, i, d) {
		if (d == c)
			break;
		strbuf_reset(&other);
		readable_anchor(&other, d);
		same += !strcmp(other.buf, mine.buf);
	}
	strbuf_addbuf(out, &mine);
	if (same)
		strbuf_addf(out, "~%zu", same + 1);
	strbuf_release(&mine);
	strbuf_release(&other);
}

static void html_build_details(struct strbuf *out, json_t *c, const char *dir)
{
	static const char *const variants[] = { "baseline", "series" };

	for (size_t i = 0; i < 2; i++) {
		json_t *b = json_object_get(json_object_get(c, "build"),
					    variants[i]);
		json_t *logs = json_object_get(b, "logs"), *fe;
		const char *k;
		json_t *v;

		if (!json_is_object(b))
			continue;
		strbuf_addf(out, "<li>build, %s: <span class=\"%s\">",
			    variants[i], report_class(str(b, "verdict")));
		html_escape(out, str(b, "verdict"));
		strbuf_addstr(out, "</span>");
		if (json_is_true(json_object_get(b, "cached")))
			strbuf_addstr(out, " (artefact reused)");
		json_object_foreach(logs, k, v) {
			strbuf_addstr(out, " ");
			html_link(out, json_string_value(v), k, dir);
		}
		fe = json_object_get(b, "first_error");
		if (json_is_object(fe)) {
			strbuf_addstr(out, "<br><code>");
			html_escape(out, str(fe, "text"));
			strbuf_addstr(out, "</code>");
		}
		strbuf_addstr(out, "</li>\n");
	}
}

static void html_test_details(struct strbuf *out, json_t *c, const char *dir)
{
	json_t *t = json_object_get(c, "test");
	json_t *cmp = json_object_get(t, "compare"), *x;
	size_t i;

	if (!json_is_object(cmp)) {
		json_t *r = json_object_get(t, "baseline");

		if (json_is_object(r))
			strbuf_addf(out, "<li>tests (baseline only): %s</li>\n",
				    str(r, "verdict"));
		return;
	}
	strbuf_addstr(out, "<li>tests, series against baseline:"
			   "<table class=\"tests\"><tr><th>test</th>"
			   "<th>baseline</th><th>series</th><th>change</th>"
			   "<th>reason</th></tr>\n");
	json_array_foreach(json_object_get(cmp, "tests"), i, x) {
		strbuf_addstr(out, "<tr><td>");
		html_escape(out, str(x, "name"));
		strbuf_addstr(out, "</td>");
		html_badge(out, str(x, "baseline"), NULL, dir);
		html_badge(out, str(x, "series"), NULL, dir);
		html_badge(out, str(x, "change"), NULL, dir);
		strbuf_addstr(out, "<td>");
		html_escape(out, str(x, "reason"));
		strbuf_addstr(out, "</td></tr>\n");
	}
	strbuf_addstr(out, "</table></li>\n");
}

static void html_cell_details(struct strbuf *out, json_t *cells, json_t *c,
			      const char *dir)
{
	json_t *ap = json_object_get(json_object_get(c, "apply"), "patches");
	const char *status;
	char *reason;
	json_t *p;
	size_t i;

	strbuf_addstr(out, "<section id=\"");
	cell_anchor(out, cells, c);
	strbuf_addstr(out, "\"><h3>");
	html_escape(out, str(c, "target"));
	strbuf_addstr(out, " &mdash; ");
	html_escape(out, str(c, "series"));
	strbuf_addstr(out, "</h3>\n<ul>\n");
	status = status_of(c, &reason);
	strbuf_addf(out, "<li>status: <span class=\"%s\">%s</span>",
		    report_class(status), status);
	if (*reason) {
		strbuf_addstr(out, ": ");
		html_escape(out, reason);
	}
	strbuf_addstr(out, "</li>\n");
	free(reason);
	json_array_foreach(ap, i, p) {
		strbuf_addstr(out, "<li id=\"");
		cell_anchor(out, cells, c);
		strbuf_addf(out, "-p%zu\">patch %zu, <span class=\"%s\">",
			    i + 1, i + 1, report_class(str(p, "verdict")));
		html_escape(out, str(p, "verdict"));
		strbuf_addstr(out, "</span>: ");
		html_escape(out, str(p, "title"));
		if (*str(p, "detail")) {
			strbuf_addstr(out, "<br><small>");
			html_escape(out, str(p, "detail"));
			strbuf_addstr(out, "</small>");
		}
		strbuf_addstr(out, "</li>\n");
	}
	if (*str(c, "diff")) {
		strbuf_addstr(out, "<li>");
		html_link(out, str(c, "diff"), "review diff", dir);
		strbuf_addstr(out, "</li>\n");
	}
	html_build_details(out, c, dir);
	html_test_details(out, c, dir);
	strbuf_addstr(out, "</ul></section>\n");
}

/* A row of the matrix: the target, its verdicts (`patches`), the rest. */
static void html_matrix_row(struct strbuf *out, json_t *cells, json_t *c,
			    const char *dir, bool patches)
{
	json_t *ap = json_object_get(json_object_get(c, "apply"), "patches");
	struct strbuf anchor = STRBUF_INIT;
	json_t *x;
	size_t m;
	int pass, fail, skip;

	strbuf_addch(&anchor, '#');
	cell_anchor(&anchor, cells, c);
	strbuf_addstr(out, "<tr><th>");
	html_link(out, anchor.buf, str(c, "target"), dir);
	strbuf_addstr(out, "</th>");
	json_array_foreach(ap, m, x)
		if (patches)
			html_badge(out, str(x, "verdict"), anchor.buf, dir);
	html_badge(out, build_verdict(c, "baseline"), anchor.buf, dir);
	html_badge(out, build_verdict(c, "series"), anchor.buf, dir);
	if (test_counts(c, test_variant(c), &pass, &fail, &skip)) {
		char t[64];

		snprintf(t, sizeof(t), "%d pass, %d fail, %d skip", pass, fail,
			 skip);
		/* Red for regressions; known failures warn. */
		strbuf_addf(out, "<td class=\"%s\">",
			    regressions(c) ? "bad" : fail ? "warn" : "ok");
		html_link(out, anchor.buf, t, dir);
		strbuf_addstr(out, "</td>");
	} else {
		strbuf_addstr(out, "<td class=\"none\">-</td>");
	}
	if (json_is_object(json_object_get(json_object_get(c, "test"),
					   "compare")))
		strbuf_addf(out, "<td class=\"%s\">%d</td>",
			    regressions(c) ? "bad" : "ok", regressions(c));
	else
		strbuf_addstr(out, "<td class=\"none\">-</td>");
	strbuf_addstr(out, "<td>");
	html_link(out, str(c, "diff"), *str(c, "diff") ? "diff" : "-", dir);
	strbuf_addstr(out, "</td>");
	html_status(out, c, anchor.buf, dir);
	strbuf_addstr(out, "</tr>\n");
	strbuf_release(&anchor);
}

/* A long series: its patches as the rows of a grid (grid_html()). */
static void html_series_grid(struct strbuf *out, json_t *s, json_t *cells)
{
	struct grid g;
	char **anchors;
	size_t k, col = 0;
	json_t *c;

	series_grid(&g, s, cells);
	anchors = xcalloc(g.cols + 1, sizeof(*anchors));
	json_array_foreach(cells, k, c) {
		struct strbuf a = STRBUF_INIT;

		if (!of_series(c, s))
			continue;
		cell_anchor(&a, cells, c);
		anchors[col++] = strbuf_detach(&a, NULL);
	}
	grid_html(out, &g, (const char *const *)anchors);
	for (k = 0; k < col; k++)
		free(anchors[k]);
	free(anchors);
	grid_release(&g);
}

/*
 * A series: its matrix, a row per target. A short one has a column per
 * patch after its list of patches; a long one (a queue) gets the grid.
 */
static bool html_series(struct strbuf *out, json_t *s, json_t *cells,
			const char *dir)
{
	json_t *patches = json_object_get(s, "patches"), *p, *c;
	struct grid g;
	bool by_target;
	size_t k;

	series_grid(&g, s, cells);
	by_target = grid_fits_by_target(&g, GRID_WIDTH);
	grid_release(&g);
	strbuf_addstr(out, "<h2>series ");
	html_escape(out, str(s, "name"));
	strbuf_addstr(out, "</h2>\n");
	if (by_target) {
		strbuf_addstr(out, "<ol>\n");
		json_array_foreach(patches, k, p) {
			strbuf_addstr(out, "<li>");
			html_escape(out, str(p, "subject"));
			strbuf_addstr(out, "</li>\n");
		}
		strbuf_addstr(out, "</ol>\n");
	} else {
		strbuf_addf(out, "<p>%zu patches</p>\n",
			    json_array_size(patches));
	}
	strbuf_addstr(out, "<table class=\"matrix\">"
			   "<tr><th>target</th>");
	json_array_foreach(patches, k, p)
		if (by_target)
			strbuf_addf(out, "<th>patch %zu</th>", k + 1);
	strbuf_addstr(out, "<th>build (baseline)</th><th>build "
			   "(series)</th><th>tests</th>"
			   "<th>regressions</th><th>review</th>"
			   "<th>status</th></tr>\n");
	json_array_foreach(cells, k, c)
		if (of_series(c, s))
			html_matrix_row(out, cells, c, dir, by_target);
	strbuf_addstr(out, "</table>\n");
	if (!by_target)
		html_series_grid(out, s, cells);
	return !by_target;
}

/*
 * Is key `k` of `o` (named `what`[`i`]) of type `t`? A missing key fails
 * unless `optional`; null passes for an optional one.
 */
static int need(json_t *o, const char *what, size_t i, const char *k,
		json_type t, bool optional)
{
	json_t *v = json_object_get(o, k);

	if ((!v || json_is_null(v)) && optional)
		return 0;
	if (v && json_typeof(v) == t)
		return 0;
	return error_set("not a run of backport: %s[%zu].%s is %s", what, i, k,
			 !v		      ? "missing" :
			 t == JSON_STRING ? "not a string" :
			 t == JSON_ARRAY  ? "not an array" :
					    "not an object");
}

int report_check_run(json_t *run)
{
	json_t *series = json_object_get(run, "series");
	json_t *cells = json_object_get(run, "cells"), *x, *p;
	size_t i, k;

	if (!json_is_object(run) || !json_is_array(series) ||
	    !json_is_array(cells))
		return error_set("not a run of backport: no 'series' and "
				 "'cells' arrays");
	json_array_foreach(series, i, x) {
		if (!json_is_object(x))
			return error_set("not a run of backport: series[%zu] "
					 "is not an object", i);
		if (need(x, "series", i, "name", JSON_STRING, false) < 0 ||
		    need(x, "series", i, "patches", JSON_ARRAY, false) < 0)
			return -1;
	}
	json_array_foreach(cells, i, x) {
		json_t *ap = json_object_get(json_object_get(x, "apply"),
					     "patches");

		if (!json_is_object(x))
			return error_set("not a run of backport: cells[%zu] "
					 "is not an object", i);
		if (need(x, "cells", i, "series", JSON_STRING, false) < 0 ||
		    need(x, "cells", i, "target", JSON_STRING, false) < 0 ||
		    need(x, "cells", i, "apply", JSON_OBJECT, false) < 0)
			return -1;
		if (!json_is_array(ap))
			return error_set("not a run of backport: "
					 "cells[%zu].apply.patches is not an "
					 "array", i);
		json_array_foreach(ap, k, p)
			if (!json_is_object(p) || !json_is_string(json_object_get(
							  p, "verdict")))
				return error_set("not a run of backport: "
						 "cells[%zu].apply.patches[%zu] "
						 "has no verdict", i, k);
	}
	return 0;
}

static const char html_style[] =
	"<style>\n"
	"body{font-family:sans-serif;margin:2em;color:#222}\n"
	"table{border-collapse:collapse;margin:1em 0}\n"
	"td,th{border:1px solid #bbb;padding:4px 8px;text-align:left}\n"
	"th{background:#eee}\n"
	".ok{background:#c8f0c8}.warn{background:#fbecb0}"
	".bad{background:#f6b8b8}.none{background:#f4f4f4}\n"
	"td a{color:inherit}\nsmall{color:#555}\n"
	"section{border-top:1px solid #ddd;margin-top:1em}\n"
	"table.grid td,table.grid th{padding:1px 6px;font-size:90%}\n"
	"table.grid th[data-sort]{cursor:pointer}\n"
	"th.sorted-asc::after{content:\" \\25B4\"}"
	"th.sorted-desc::after{content:\" \\25BE\"}\n"
	"table.counts td{text-align:right}\n"
	"</style>";

void report_html(struct strbuf *out, json_t *run, const char *dir)
{
	json_t *series = json_object_get(run, "series"), *s;
	json_t *cells = json_object_get(run, "cells"), *c;
	bool grids = false;
	size_t i, k;

	strbuf_addstr(out,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>backport run ");
	html_escape(out, str(run, "run"));
	strbuf_addf(out, "</title>\n%s</head><body>\n<h1>backport run ",
		    html_style);
	html_escape(out, str(run, "run"));
	strbuf_addstr(out, "</h1>\n<p>backport ");
	html_escape(out, str(run, "version"));
	strbuf_addf(out, ", %zu cells, %lld s, repository <code>",
		    json_array_size(cells),
		    (long long)json_integer_value(json_object_get(run,
								  "seconds")));
	html_escape(out, str(run, "repo"));
	strbuf_addstr(out, "</code></p>\n");
	json_array_foreach(series, i, s)
		grids |= html_series(out, s, cells, dir);
	strbuf_addstr(out, "<h2>details</h2>\n");
	json_array_foreach(cells, k, c)
		html_cell_details(out, cells, c, dir);
	if (grids)
		strbuf_addstr(out, grid_html_script);
	strbuf_addstr(out, "</body></html>\n");
}
