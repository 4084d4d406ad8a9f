/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_QUILT_H
#define BACKPORT_QUILT_H

#include <stdbool.h>

#include "util/strvec.h"

/*
 * quilt: a quilt queue, a directory whose `series` file lists its patches
 * in the order they apply, as the stable queue keeps them (queue-6.12/,
 * releases/6.12.111/). Blank lines and `#` comments are skipped; a
 * `-p1` after the name is the default and accepted, any other option is
 * an error naming the line (a queue is made of git patches).
 *
 *	struct quilt_queue q = QUILT_QUEUE_INIT;
 *	if (quilt_read(&q, "queue-6.12") < 0)
 *		return -1;	// no series file, a listed patch missing ...
 *	for (i < q.files.nr) ... q.files.v[i] (in the queue's order) ...
 *	for (i < q.unlisted.nr) ... warn: a patch the series does not list
 *	quilt_queue_release(&q);
 */
struct quilt_queue {
	struct strvec files; /* "<dir>/<name>", in the series' order */
	struct strvec unlisted; /* patch files of <dir> not in the series */
	char *name; /* the series name the queue suggests */
};

#define QUILT_QUEUE_INIT                                      \
	{                                                     \
		.files = STRVEC_INIT, .unlisted = STRVEC_INIT \
	}

/* Whether `dir` is a directory holding a `series` file. */
bool quilt_is_queue(const char *dir);

/* Read the queue in `dir`; -1 with an error naming the file and line. */
int quilt_read(struct quilt_queue *q, const char *dir);

void quilt_queue_release(struct quilt_queue *q);

/*
 * The name a queue's directory suggests: its last component
 * ("queue-6.12"), with the one above it when the last is a bare version
 * ("releases/6.12.111" -> "releases-6.12.111").
 */
char *quilt_queue_name(const char *dir);

#endif
