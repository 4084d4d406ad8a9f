/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_OPTIONS_H
#define BACKPORT_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "util/strvec.h"
#include "util/usage.h"

/*
 * options: the options commands share, parsed in one place (for the
 * commands only: it prints usage and exits). A command names the shared
 * options it takes and handles its own in a callback:
 *
 *	static int one(void *data, int ch, const char *arg)
 *	{
 *		struct apply_cmd *c = data;
 *
 *		switch (ch) {
 *		case 'n': c->dry_run = true; return 0;
 *		}
 *		return -1;	// not ours: "unknown option"
 *	}
 *
 *	static const struct option extra[] = {
 *		{ "dry-run", no_argument, NULL, 'n' }, { NULL, 0, NULL, 0 } };
 *	struct common_opts co = COMMON_OPTS_INIT;
 *	int first = options_parse(&co, OPT_MATRIX | OPT_BRANCH, argc, argv,
 *				  apply_usage, extra, "", one, &c);
 *	...
 *	common_opts_release(&co);
 *
 * The shared options (each when its flag is given):
 *	OPT_MATRIX	--matrix <file>
 *	OPT_REPO	--repo <path>
 *	OPT_SERIES_DIR	--series-dir <dir> (default: $BACKPORT_SERIES_DIR,
 *			else series)
 *	OPT_BACKPORTS	--backports <dir>, --no-resolutions (default:
 *			backports, when it is a directory)
 *	OPT_BRANCH	--branch <b>[@<rev>] (repeatable: targets)
 *	OPT_SERIES	--series <name> (repeatable)
 *	OPT_RESULTS	--results <dir> (default: results)
 *	OPT_FORMAT	--format=<text|json>
 * and always -q/--quiet and -h/--help. With OPT_ARGS the command takes
 * arguments after the options; without, one is a usage error.
 *
 * An option not given takes its default from the environment, then the
 * config files, then the built-in one, in this order, in one place
 * (options_parse(); the keys and files are in lib/userconfig.h).
 */
enum {
	OPT_MATRIX = 1 << 0,
	OPT_REPO = 1 << 1,
	OPT_SERIES_DIR = 1 << 2,
	OPT_BACKPORTS = 1 << 3,
	OPT_BRANCH = 1 << 4,
	OPT_SERIES = 1 << 5,
	OPT_RESULTS = 1 << 6,
	OPT_FORMAT = 1 << 7,
	OPT_ARGS = 1 << 8,
};

struct common_opts {
	const char *matrix;	/* NULL: the default matrix */
	const char *repo;	/* NULL: the matrix's */
	const char *series_dir;
	const char *backports;	/* NULL: none (or --no-resolutions) */
	const char *results;
	struct strvec targets;
	struct strvec series;
	enum output_format format;
	/* Defaults from the config (userconfig.h), for the commands' own: */
	const char *backports_dir;	/* where resolutions go, made if
					   missing (record) */
	unsigned jobs;			/* -j when not given */
};

#define COMMON_OPTS_INIT                                                  \
	{ NULL, NULL, NULL, NULL, NULL, STRVEC_INIT, STRVEC_INIT,         \
	  FORMAT_TEXT, NULL, 2 }

/*
 * Parse `argv` (argv[0] the command's name). `extra` (NULL-terminated,
 * may be NULL) and `extra_short` are the command's own options, handed
 * to `fn`, which returns 0, or -1 for an option it does not know.
 * Returns the index of the first argument.
 */
int options_parse(struct common_opts *co, unsigned flags, int argc,
		  char **argv, const char *usage, const struct option *extra,
		  const char *extra_short,
		  int (*fn)(void *data, int ch, const char *arg), void *data);

void common_opts_release(struct common_opts *co);

struct userconfig;
/* The config files, read once (dies on a bad file). */
const struct userconfig *options_userconfig(void);

/* A number in [min, max] for `opt`, else a usage error. */
unsigned long options_number(const char *usage, const char *opt,
			     const char *arg, unsigned long min,
			     unsigned long max);

#endif
