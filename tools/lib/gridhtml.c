// SPDX-License-Identifier: GPL-2.0
/*
 * grid_html(): the grid of grid.h as a fragment of report's page, and the
 * plain script (no library, no network) that filters and sorts it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grid.h"
#include "lib/report.h"
#include "lib/verdict.h"

/*
 * The state lives in the fragment, "#verdict=conflict,depends&target=
 * linux-6.1.y&sort=linux-6.1.y&order=desc", so that a filtered view can be
 * linked to and is applied on load. `verdict` is a list of verdict names,
 * or "look" for those that need a look; `target` keeps one target's column;
 * `sort` is "n", "title" or a target (worst verdict first). A fragment
 * without "=" (a link to a cell's details) leaves the view as it is.
 */
const char grid_html_script[] =
	"<script>\n"
	"(function () {\n"
	"\"use strict\";\n"
	"var RANK = { bad: 0, warn: 1, none: 2, ok: 3 };\n"
	"var KEYS = [\"verdict\", \"target\", \"sort\", \"order\"];\n"
	"var cur = { verdict: \"\", target: \"\", sort: \"n\", order: \"asc\" };\n"
	"function parse() {\n"
	"\tvar h = location.hash.slice(1), p = {};\n"
	"\tif (h && h.indexOf(\"=\") < 0)\n"
	"\t\treturn null;\n"
	"\tKEYS.forEach(function (k) { p[k] = \"\"; });\n"
	"\tp.sort = \"n\";\n"
	"\tp.order = \"asc\";\n"
	"\th.split(\"&\").forEach(function (kv) {\n"
	"\t\tvar i = kv.indexOf(\"=\");\n"
	"\t\tif (i > 0)\n"
	"\t\t\tp[decodeURIComponent(kv.slice(0, i))] =\n"
	"\t\t\t\tdecodeURIComponent(kv.slice(i + 1));\n"
	"\t});\n"
	"\treturn p;\n"
	"}\n"
	"function go(p) {\n"
	"\tvar parts = [];\n"
	"\tKEYS.forEach(function (k) {\n"
	"\t\tif (p[k] && !(k === \"sort\" && p[k] === \"n\") &&\n"
	"\t\t    !(k === \"order\" && p[k] === \"asc\"))\n"
	"\t\t\tparts.push(k + \"=\" + encodeURIComponent(p[k]));\n"
	"\t});\n"
	"\tlocation.hash = parts.join(\"&\");\n"
	"}\n"
	"function hit(c, want) {\n"
	"\treturn want.indexOf(c.getAttribute(\"data-v\")) >= 0 ||\n"
	"\t\t(want.indexOf(\"look\") >= 0 && c.hasAttribute(\"data-look\"));\n"
	"}\n"
	"function order(rows, key, p) {\n"
	"\trows.sort(function (a, b) {\n"
	"\t\tvar d = 0, x, y;\n"
	"\t\tif (key) {\n"
	"\t\t\tx = a.cells[key];\n"
	"\t\t\ty = b.cells[key];\n"
	"\t\t\td = RANK[x.className] - RANK[y.className] ||\n"
	"\t\t\t\t(x.getAttribute(\"data-v\") || \"\").localeCompare(\n"
	"\t\t\t\t\ty.getAttribute(\"data-v\") || \"\");\n"
	"\t\t} else if (p.sort === \"title\") {\n"
	"\t\t\td = a.cells[1].textContent.localeCompare(\n"
	"\t\t\t\tb.cells[1].textContent);\n"
	"\t\t}\n"
	"\t\td = d || a.getAttribute(\"data-n\") - b.getAttribute(\"data-n\");\n"
	"\t\treturn p.order === \"desc\" ? -d : d;\n"
	"\t});\n"
	"}\n"
	"function show(q, p) {\n"
	"\tvar table = q.querySelector(\"table.grid\");\n"
	"\tvar heads = table.tHead.rows[0].cells, body = table.tBodies[0];\n"
	"\tvar rows = Array.prototype.slice.call(body.rows);\n"
	"\tvar want = p.verdict ? p.verdict.split(\",\") : [];\n"
	"\tvar cols = [], key = 0, shown = 0, i, f = q.querySelector(\"form\");\n"
	"\tfor (i = 0; i < heads.length; i++) {\n"
	"\t\tvar t = heads[i].getAttribute(\"data-target\");\n"
	"\t\theads[i].hidden = !!(t && p.target && p.target !== t);\n"
	"\t\tif (t && !heads[i].hidden)\n"
	"\t\t\tcols.push(i);\n"
	"\t\tif (t && p.sort === t)\n"
	"\t\t\tkey = i;\n"
	"\t\theads[i].className = heads[i].getAttribute(\"data-sort\") ===\n"
	"\t\t\tp.sort ? \"sorted-\" + p.order : \"\";\n"
	"\t}\n"
	"\trows.forEach(function (r) {\n"
	"\t\tvar on = !want.length;\n"
	"\t\tfor (var k = 0; k < r.cells.length; k++)\n"
	"\t\t\tr.cells[k].hidden = heads[k].hidden;\n"
	"\t\tcols.forEach(function (k) { on = on || hit(r.cells[k], want); });\n"
	"\t\tr.hidden = !on;\n"
	"\t\tshown += on;\n"
	"\t});\n"
	"\torder(rows, key, p);\n"
	"\trows.forEach(function (r) { body.appendChild(r); });\n"
	"\tq.querySelector(\".shown\").textContent =\n"
	"\t\tshown + \" of \" + rows.length + \" patches shown\";\n"
	"\tf.elements.verdict.value = p.verdict;\n"
	"\tf.elements.target.value = p.target;\n"
	"}\n"
	"function all() {\n"
	"\tvar p = parse();\n"
	"\tif (!p)\n"
	"\t\treturn;\n"
	"\tcur = p;\n"
	"\tdocument.querySelectorAll(\"div.queue\").forEach(function (q) {\n"
	"\t\tshow(q, p);\n"
	"\t});\n"
	"}\n"
	"document.querySelectorAll(\"div.queue\").forEach(function (q) {\n"
	"\tvar f = q.querySelector(\"form\");\n"
	"\tf.addEventListener(\"change\", function () {\n"
	"\t\tvar p = Object.assign({}, cur);\n"
	"\t\tp.verdict = f.elements.verdict.value;\n"
	"\t\tp.target = f.elements.target.value;\n"
	"\t\tgo(p);\n"
	"\t});\n"
	"\tq.querySelectorAll(\"th[data-sort]\").forEach(function (th) {\n"
	"\t\tth.addEventListener(\"click\", function () {\n"
	"\t\t\tvar p = Object.assign({}, cur), s = th.getAttribute(\"data-sort\");\n"
	"\t\t\tp.order = p.sort === s && p.order === \"asc\" ? \"desc\" : \"asc\";\n"
	"\t\t\tp.sort = s;\n"
	"\t\t\tgo(p);\n"
	"\t\t});\n"
	"\t});\n"
	"});\n"
	"window.addEventListener(\"hashchange\", all);\n"
	"all();\n"
	"})();\n"
	"</script>\n";

static void counts_html(struct strbuf *out, const struct grid *g)
{
	strbuf_addstr(out, "<table class=\"counts\"><tr><th>target</th>");
	for (size_t k = 0; k < GRID_COUNTS; k++)
		strbuf_addf(out, "<th>%s</th>", grid_count_head(k));
	strbuf_addstr(out, "</tr>\n");
	for (size_t t = 0; t < g->cols; t++) {
		size_t n[GRID_COUNTS];

		grid_count(g, t, n);
		strbuf_addstr(out, "<tr><th>");
		strbuf_addhtml(out, g->targets[t]);
		strbuf_addstr(out, "</th>");
		for (size_t k = 0; k < GRID_COUNTS; k++)
			strbuf_addf(out, "<td>%zu</td>", n[k]);
		strbuf_addstr(out, "</tr>\n");
	}
	strbuf_addstr(out, "</table>\n");
}

/* The filter form: the verdicts the grid has, its targets, the count. */
static void form_html(struct strbuf *out, const struct grid *g,
		      const bool used[VERDICT__COUNT])
{
	strbuf_addstr(out, "<form class=\"filter\">verdict <select "
			   "name=\"verdict\"><option value=\"\">any</option>"
			   "<option value=\"look\">needs a look</option>");
	for (int v = 0; v < VERDICT__COUNT; v++)
		if (used[v])
			strbuf_addf(out, "<option value=\"%s\">%s</option>",
				    verdict_name(v), verdict_name(v));
	strbuf_addstr(out, "</select> target <select name=\"target\">"
			   "<option value=\"\">every target</option>");
	for (size_t t = 0; t < g->cols; t++) {
		strbuf_addstr(out, "<option value=\"");
		strbuf_addhtml(out, g->targets[t]);
		strbuf_addstr(out, "\">");
		strbuf_addhtml(out, g->targets[t]);
		strbuf_addstr(out, "</option>");
	}
	strbuf_addf(out,
		    "</select> <span class=\"shown\">%zu of %zu patches "
		    "shown</span></form>\n",
		    g->rows, g->rows);
}

static void legend_html(struct strbuf *out, const bool used[VERDICT__COUNT])
{
	const char *sep = " ";

	strbuf_addstr(out, "<p class=\"legend\">legend:");
	for (int v = 0; v < VERDICT__COUNT; v++) {
		if (!used[v])
			continue;
		strbuf_addf(out, "%s<b>", sep);
		strbuf_addhtml(out, verdict_short(v));
		strbuf_addf(out, "</b> %s", verdict_name(v));
		sep = ", ";
	}
	strbuf_addstr(out, "</p>\n");
}

static void cell_html(struct strbuf *out, const struct grid *g, size_t r,
		      size_t t, const char *anchor)
{
	int v = g->verdicts[r * g->cols + t];
	const char *d = g->details[r * g->cols + t];

	if (v < 0) {
		strbuf_addstr(out, "<td class=\"none\">-</td>");
		return;
	}
	strbuf_addf(out, "<td class=\"%s\" data-v=\"%s\"%s title=\"",
		    report_class(verdict_name(v)), verdict_name(v),
		    verdict_needs_look(v) ? " data-look" : "");
	strbuf_addhtml(out, verdict_name(v));
	if (d && *d) {
		strbuf_addstr(out, ": ");
		strbuf_addhtml(out, d);
	}
	strbuf_addstr(out, "\"><a href=\"#");
	strbuf_addhtml(out, anchor);
	strbuf_addf(out, "-p%zu\">", r + 1);
	strbuf_addhtml(out, verdict_short(v));
	strbuf_addstr(out, "</a></td>");
}

static void table_html(struct strbuf *out, const struct grid *g,
		       const char *const *anchors)
{
	char **names = grid_column_names(g);

	strbuf_addstr(out, "<table class=\"grid\"><thead><tr>"
			   "<th data-sort=\"n\">#</th>"
			   "<th data-sort=\"title\">patch</th>");
	for (size_t t = 0; t < g->cols; t++) {
		strbuf_addstr(out, "<th data-sort=\"");
		strbuf_addhtml(out, g->targets[t]);
		strbuf_addstr(out, "\" data-target=\"");
		strbuf_addhtml(out, g->targets[t]);
		strbuf_addstr(out, "\" title=\"");
		strbuf_addhtml(out, g->targets[t]);
		strbuf_addstr(out, "\">");
		strbuf_addhtml(out, names[t]);
		strbuf_addstr(out, "</th>");
	}
	strbuf_addstr(out, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < g->rows; r++) {
		strbuf_addf(out, "<tr data-n=\"%zu\"><td>%zu</td><td>", r + 1,
			    r + 1);
		strbuf_addhtml(out, g->titles[r] ? g->titles[r] : "");
		strbuf_addstr(out, "</td>");
		for (size_t t = 0; t < g->cols; t++)
			cell_html(out, g, r, t, anchors[t]);
		strbuf_addstr(out, "</tr>\n");
	}
	strbuf_addstr(out, "</tbody></table>\n");
	grid_names_free(g, names);
}

void grid_html(struct strbuf *out, const struct grid *g,
	       const char *const *anchors)
{
	bool used[VERDICT__COUNT] = { false };

	for (size_t i = 0; i < g->rows * g->cols; i++)
		if (g->verdicts[i] >= 0 && g->verdicts[i] < VERDICT__COUNT)
			used[g->verdicts[i]] = true;
	strbuf_addstr(out, "<div class=\"queue\">\n");
	counts_html(out, g);
	form_html(out, g, used);
	legend_html(out, used);
	table_html(out, g, anchors);
	strbuf_addstr(out, "</div>\n");
}
