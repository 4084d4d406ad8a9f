// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grid.h"
#include "lib/verdict.h"
#include "util/xalloc.h"

void grid_init(struct grid *g, size_t rows, size_t cols)
{
	size_t cells = rows * cols;

	g->rows = rows;
	g->cols = cols;
	g->titles = xcalloc(rows + 1, sizeof(*g->titles));
	g->targets = xcalloc(cols + 1, sizeof(*g->targets));
	g->verdicts = xcalloc(cells + 1, sizeof(*g->verdicts));
	g->details = xcalloc(cells + 1, sizeof(*g->details));
	for (size_t i = 0; i < cells; i++)
		g->verdicts[i] = -1;
}

void grid_release(struct grid *g)
{
	free(g->titles);
	free(g->targets);
	free(g->verdicts);
	free(g->details);
	memset(g, 0, sizeof(*g));
}

void grid_set(struct grid *g, size_t row, size_t col, int verdict,
	      const char *detail)
{
	g->verdicts[row * g->cols + col] = verdict;
	g->details[row * g->cols + col] = detail;
}

static size_t name_width(const struct grid *g)
{
	size_t w = 6;

	for (size_t t = 0; t < g->cols; t++)
		if (strlen(g->targets[t]) > w)
			w = strlen(g->targets[t]);
	return w;
}

bool grid_fits_by_target(const struct grid *g, size_t width)
{
	return name_width(g) + 20 * g->rows <= width;
}

/* The counts table's columns; the rest count as "other". */
static const struct {
	const char *head;
	int verdict;
} count_cols[] = {
	{ "applied", VERDICT_APPLIED },
	{ "offset", VERDICT_APPLIED_OFFSET },
	{ "fuzz", VERDICT_APPLIED_FUZZ },
	{ "3way", VERDICT_MERGED_3WAY },
	{ "present", VERDICT_ALREADY_PRESENT },
	{ "partial", VERDICT_PARTIALLY_PRESENT },
	{ "depends", VERDICT_DEPENDS },
	{ "conflict", VERDICT_CONFLICT },
	{ "n/a", VERDICT_NOT_APPLICABLE },
	{ "other", -1 },
};
_Static_assert(sizeof(count_cols) / sizeof(count_cols[0]) == GRID_COUNTS,
	       "one head per count");

const char *grid_count_head(size_t k)
{
	return k < GRID_COUNTS ? count_cols[k].head : "";
}

void grid_count(const struct grid *g, size_t col, size_t n[GRID_COUNTS])
{
	memset(n, 0, GRID_COUNTS * sizeof(*n));
	for (size_t r = 0; r < g->rows; r++) {
		int v = g->verdicts[r * g->cols + col];
		size_t k;

		if (v < 0)
			continue;
		for (k = 0; k + 1 < GRID_COUNTS; k++)
			if (count_cols[k].verdict == v)
				break;
		n[k]++;
	}
}

static void counts(struct strbuf *out, const struct grid *g)
{
	size_t w = name_width(g);

	strbuf_addf(out, "%-*s", (int)w, "target");
	for (size_t k = 0; k < GRID_COUNTS; k++)
		strbuf_addf(out, " %8s", count_cols[k].head);
	strbuf_addch(out, '\n');
	for (size_t t = 0; t < g->cols; t++) {
		size_t n[GRID_COUNTS];

		grid_count(g, t, n);
		strbuf_addf(out, "%-*s", (int)w, g->targets[t]);
		for (size_t k = 0; k < GRID_COUNTS; k++)
			strbuf_addf(out, " %8zu", n[k]);
		strbuf_addch(out, '\n');
	}
}

/* "linux-6.12.y@v6.12.111" -> "6.12.111", "linux-6.12.y" -> "6.12.y". */
static char *short_target(const char *name)
{
	const char *at = strchr(name, '@');

	if (at)
		return xstrdup(at[1] == 'v' ? at + 2 : at + 1);
	if (!strncmp(name, "linux-", 6) && name[6])
		return xstrdup(name + 6);
	return xstrdup(name);
}

char **grid_column_names(const struct grid *g)
{
	char **n = xcalloc(g->cols ? g->cols : 1, sizeof(*n));
	bool unique = true;

	for (size_t t = 0; t < g->cols; t++) {
		n[t] = short_target(g->targets[t]);
		for (size_t u = 0; u < t; u++)
			if (!strcmp(n[t], n[u]))
				unique = false;
	}
	if (!unique)
		for (size_t t = 0; t < g->cols; t++) {
			free(n[t]);
			n[t] = xstrdup(g->targets[t]);
		}
	return n;
}

void grid_names_free(const struct grid *g, char **names)
{
	for (size_t t = 0; t < g->cols; t++)
		free(names[t]);
	free(names);
}

bool grid_row_needs_look(const struct grid *g, size_t r)
{
	for (size_t t = 0; t < g->cols; t++) {
		int v = g->verdicts[r * g->cols + t];

		if (v >= 0 && verdict_needs_look(v))
			return true;
	}
	return false;
}

/* `s` cut to `w` bytes (not inside a UTF-8 sequence), padded. */
static void add_cut(struct strbuf *out, const char *s, size_t w)
{
	size_t len = strlen(s);

	if (len > w) {
		len = w >= 3 ? w - 3 : 0;
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		strbuf_add(out, s, len);
		strbuf_addstr(out, "...");
		len += 3;
	} else {
		strbuf_addstr(out, s);
	}
	for (; len < w; len++)
		strbuf_addch(out, ' ');
}

static void rows(struct strbuf *out, const struct grid *g, bool all,
		 size_t width, bool used[VERDICT__COUNT])
{
	char **names = grid_column_names(g);
	size_t *cw = xcalloc(g->cols ? g->cols : 1, sizeof(*cw));
	size_t fixed = 6, tw;

	for (size_t t = 0; t < g->cols; t++) {
		cw[t] = strlen(names[t]) > 5 ? strlen(names[t]) : 5;
		fixed += cw[t] + 1;
	}
	tw = width > fixed + 24 ? width - fixed : 24;
	strbuf_addf(out, "%4s  ", "#");
	add_cut(out, "patch", tw);
	for (size_t t = 0; t < g->cols; t++)
		strbuf_addf(out, " %-*s", (int)cw[t], names[t]);
	strbuf_rtrim(out);
	strbuf_addch(out, '\n');
	for (size_t r = 0; r < g->rows; r++) {
		if (!all && !grid_row_needs_look(g, r))
			continue;
		strbuf_addf(out, "%4zu  ", r + 1);
		add_cut(out, g->titles[r] ? g->titles[r] : "", tw);
		for (size_t t = 0; t < g->cols; t++) {
			int v = g->verdicts[r * g->cols + t];

			strbuf_addf(out, " %-*s", (int)cw[t],
				    v < 0 ? "-" : verdict_short(v));
			if (v >= 0)
				used[v] = true;
		}
		strbuf_rtrim(out);
		strbuf_addch(out, '\n');
	}
	grid_names_free(g, names);
	free(cw);
}

static void legend(struct strbuf *out, const bool used[VERDICT__COUNT],
		   size_t width)
{
	size_t col = 0;

	for (int v = 0; v < VERDICT__COUNT; v++) {
		char item[64];
		size_t n;

		if (!used[v])
			continue;
		n = snprintf(item, sizeof(item), "%s %s%s", verdict_short(v),
			     verdict_name(v), ",");
		if (!col) {
			strbuf_addstr(out, "legend:");
			col = 7;
		}
		if (col + 1 + n > width) {
			strbuf_addstr(out, "\n       ");
			col = 7;
		}
		strbuf_addf(out, " %s", item);
		col += 1 + n;
	}
	if (col) {
		strbuf_setlen(out, out->len - 1); /* the last comma */
		strbuf_addch(out, '\n');
	}
}

/* `s` folded at spaces to `width` columns, continued with an indent. */
void grid_fold(struct strbuf *out, const char *s, size_t width)
{
	size_t col = 0;

	while (*s) {
		size_t n = strcspn(s, " ");

		if (col && col + 1 + n > width) {
			strbuf_addstr(out, "\n    ");
			col = 4;
		} else if (col) {
			strbuf_addch(out, ' ');
			col++;
		}
		strbuf_add(out, s, n);
		col += n;
		s += n;
		while (*s == ' ')
			s++;
	}
	strbuf_addch(out, '\n');
}

static void details(struct strbuf *out, const struct grid *g, bool all,
		    size_t width)
{
	struct strbuf line = STRBUF_INIT;

	bool any = false;

	for (size_t r = 0; r < g->rows; r++) {
		if (!all && !grid_row_needs_look(g, r))
			continue;
		for (size_t t = 0; t < g->cols; t++) {
			int v = g->verdicts[r * g->cols + t];
			const char *d = g->details[r * g->cols + t];

			if (v < 0 || !d || !*d ||
			    (!all && !verdict_needs_look(v)))
				continue;
			if (!any)
				strbuf_addch(out, '\n');
			any = true;
			strbuf_reset(&line);
			strbuf_addf(&line, "%s, patch %zu, %s: %s",
				    g->targets[t], r + 1, verdict_name(v), d);
			grid_fold(out, line.buf, width);
		}
	}
	strbuf_release(&line);
}

void grid_text(struct strbuf *out, const struct grid *g, bool all, size_t width)
{
	bool used[VERDICT__COUNT] = { false };
	size_t look = 0;

	counts(out, g);
	for (size_t r = 0; r < g->rows; r++)
		look += grid_row_needs_look(g, r);
	strbuf_addch(out, '\n');
	if (!all && !look) {
		strbuf_addf(out,
			    "no patch of %zu needs a look (--all shows "
			    "every patch)\n",
			    g->rows);
		return;
	}
	if (!all)
		strbuf_addf(out,
			    "%zu of %zu patch%s need%s a look (--all shows "
			    "every patch):\n",
			    look, g->rows, g->rows == 1 ? "" : "es",
			    look == 1 ? "s" : "");
	rows(out, g, all, width, used);
	legend(out, used, width);
	details(out, g, all, width);
}
