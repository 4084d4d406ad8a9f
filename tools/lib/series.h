/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_SERIES_H
#define BACKPORT_SERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "mail.h"
#include "util/strvec.h"

/*
 * series: an imported patch series as it is kept in the repository, in a
 * form a person can read and edit:
 *
 *	series/<name>/series		the patches in order, with metadata
 *					(git-config syntax)
 *	series/<name>/0001-<title>.eml	each mail as received (".txt" for a
 *	series/<name>/0000-cover.eml	web-archive rendering)
 *
 * The mails are the truth: loading a series parses them again, and takes
 * from the series file only the order and what a person set by hand there
 * (a `stable` override). The metadata written next to each patch is for
 * people and for scripts that do not want to parse mails.
 *
 *	struct series s = SERIES_INIT;
 *	if (series_from_mails(&s, &ml, name, &notes) < 0) ...
 *	if (series_write(&s, "series", false) < 0) ...
 *	series_release(&s);
 *
 *	if (series_load(&s, "series", "kvm-x86-mmu") < 0) ...
 */

struct series_patch {
	char *file;		/* the mail's name inside the series dir */
	struct mail *mail;	/* owned */
};

struct series {
	char *name;
	struct mail *cover;	/* owned, or NULL */
	char *cover_file;
	struct series_patch *patches;
	size_t nr, alloc;
};

#define SERIES_INIT { 0 }

void series_init(struct series *s);
void series_release(struct series *s);

/*
 * Build a series from the mails in `ml`, which gives up every mail to it
 * (ml is left empty). Keeps the newest version of a series when several
 * are there, drops duplicates, orders the patches by their [PATCH M/N]
 * index when they belong to one series (else keeps the input order), and
 * appends one line per such decision to `notes`. Replies and mails
 * without a diff that are not a cover letter are refused (-1, naming the
 * file and mail); collecting trailers from replies is b4's job.
 * `name` may be NULL: it is then made from the cover letter's or the
 * first patch's title.
 */
int series_from_mails(struct series *s, struct mail_list *ml,
		      const char *name, struct strvec *notes);

/*
 * Write the series under `root`/<name>/, atomically: everything goes to
 * a temporary directory which is renamed into place at the end, so a
 * failure leaves nothing half-written. An existing series of that name
 * is an error unless `replace`.
 */
int series_write(const struct series *s, const char *root, bool replace);

/*
 * Load `root`/<name> (parsing its mails again). Sections are found by
 * the file they name: a [patch "F"] section repeated later in the file
 * (say, to add a `stable` override) adds to F's, and the patches go in
 * the order in which their names first appear. A `stable` value other
 * than what the file was written with (the mail's own tag) overrides
 * it, wherever it stands; of several, the last. Errors name the series
 * file: a mail that does not load, a name with '/' or a leading '.', two
 * cover letters, a file that is both the cover letter and a patch, a
 * `stable` value that does not parse.
 */
int series_load(struct series *s, const char *root, const char *name);

/* The names of the series under `root`, sorted. */
int series_list(struct strvec *names, const char *root);

/* A file-name-safe slug of `title` (lower case, [a-z0-9-], <= 52). */
char *series_slug(const char *title);

/* The series directory, for messages and tests; caller frees. */
char *series_dir(const char *root, const char *name);

#include <jansson.h>

/*
 * The series as JSON, for `--format=json` of import and show. The schema
 * is documented in README.md ("JSON: series"). Caller owns the result
 * (json_decref).
 */
json_t *series_to_json(const struct series *s);

#endif
