/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_GRID_H
#define BACKPORT_GRID_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/*
 * grid: the verdicts of a series on its targets as a terminal table that
 * stays readable at queue scale (hundreds of patches): patches as rows,
 * targets as columns with short verdict names and a legend, a line of
 * counts per target, and by default only the rows that need a look
 * (verdict_needs_look()), each with its details.
 *
 *	struct grid g;
 *	grid_init(&g, patches, targets);
 *	g.titles[p] = subject; g.targets[t] = "linux-6.12.y@v6.12.111";
 *	grid_set(&g, p, t, VERDICT_CONFLICT, "hunk 2 ...");
 *	if (!grid_fits_by_target(&g, 120))
 *		grid_text(&out, &g, false, 120);	// else one row per target
 *	grid_release(&g);
 *
 * Strings are borrowed: they must outlive the grid.
 */
/* The width the terminal tables keep to. */
#define GRID_WIDTH 120

struct grid {
	size_t rows, cols;
	const char **titles; /* per row (patch) */
	const char **targets; /* per column */
	int *verdicts; /* rows x cols: an enum verdict, or -1 for none */
	const char **details; /* rows x cols, or NULL */
};

void grid_init(struct grid *g, size_t rows, size_t cols);
void grid_release(struct grid *g);
void grid_set(struct grid *g, size_t row, size_t col, int verdict,
	      const char *detail);

/*
 * Whether one row per target, a 20-column cell per patch after a column
 * of target names, fits in `width` (the layout of short series).
 */
bool grid_fits_by_target(const struct grid *g, size_t width);

/*
 * The table: counts per target, then the rows that need a look (every
 * row with `all`) within `width` columns, a legend of the short names
 * used, and the details of the cells shown ("<target>, patch <n>,
 * <verdict>: <detail>"; with `all` every detail, else those of the
 * cells that need a look).
 */
void grid_text(struct strbuf *out, const struct grid *g, bool all,
	       size_t width);

/* The per-target counts' columns: "applied", ..., "n/a", "other". */
#define GRID_COUNTS 10
const char *grid_count_head(size_t k);
/* How many of column `col`'s cells fall in each count column. */
void grid_count(const struct grid *g, size_t col, size_t n[GRID_COUNTS]);

/*
 * The column names: short ones ("6.12.111", "6.1.y") when they stay
 * apart, else the targets' full names. Free with grid_names_free().
 */
char **grid_column_names(const struct grid *g);
void grid_names_free(const struct grid *g, char **names);

/* Whether some cell of row `r` needs a look (verdict_needs_look()). */
bool grid_row_needs_look(const struct grid *g, size_t r);

/*
 * The grid as a fragment of report's HTML page (gridhtml.c): the counts
 * per target, a form to filter by verdict and target, the legend, and the
 * table of patches x targets in short verdict names, each cell linking to
 * "#<anchors[col]>-p<n>" (its details) with the full verdict and detail
 * as its title. The page includes grid_html_script once, after the grids:
 * it filters and sorts every grid from the URL's fragment, on load and
 * when it changes ("#verdict=conflict&target=linux-6.1.y&sort=title").
 */
void grid_html(struct strbuf *out, const struct grid *g,
	       const char *const *anchors);
extern const char grid_html_script[];

/*
 * Append `s` folded at spaces to `width` columns, the continuation lines
 * indented by four, and a newline.
 */
void grid_fold(struct strbuf *out, const char *s, size_t width);

#endif
