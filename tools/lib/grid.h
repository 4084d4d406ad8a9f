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

/*
 * Append `s` folded at spaces to `width` columns, the continuation lines
 * indented by four, and a newline.
 */
void grid_fold(struct strbuf *out, const char *s, size_t width);

#endif
