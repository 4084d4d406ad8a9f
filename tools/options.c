// SPDX-License-Identifier: GPL-2.0
/*
 * options: the options commands share. See options.h.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/userconfig.h"
#include "options.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

enum {
	O_MATRIX = 0x1000,
	O_REPO,
	O_SERIES_DIR,
	O_BACKPORTS,
	O_NO_RESOLUTIONS,
	O_BRANCH,
	O_SERIES,
	O_RESULTS,
	O_FORMAT,
	O_QUIET,
	O_HELP,
};

static const struct {
	unsigned flag;
	struct option opt;
} shared[] = {
	{ OPT_MATRIX, { "matrix", required_argument, NULL, O_MATRIX } },
	{ OPT_REPO, { "repo", required_argument, NULL, O_REPO } },
	{ OPT_SERIES_DIR,
	  { "series-dir", required_argument, NULL, O_SERIES_DIR } },
	{ OPT_BACKPORTS, { "backports", required_argument, NULL, O_BACKPORTS } },
	{ OPT_BACKPORTS,
	  { "no-resolutions", no_argument, NULL, O_NO_RESOLUTIONS } },
	{ OPT_BRANCH, { "branch", required_argument, NULL, O_BRANCH } },
	{ OPT_SERIES, { "series", required_argument, NULL, O_SERIES } },
	{ OPT_RESULTS, { "results", required_argument, NULL, O_RESULTS } },
	{ OPT_FORMAT, { "format", required_argument, NULL, O_FORMAT } },
	{ 0, { "quiet", no_argument, NULL, O_QUIET } },
	{ 0, { "help", no_argument, NULL, O_HELP } },
};

static struct option *all_options(unsigned flags, const struct option *extra)
{
	size_t n = 0, extra_nr = 0;
	struct option *o;

	while (extra && extra[extra_nr].name)
		extra_nr++;
	o = xcalloc(ARRAY_SIZE(shared) + extra_nr + 1, sizeof(*o));
	for (size_t i = 0; i < ARRAY_SIZE(shared); i++)
		if (!shared[i].flag || (flags & shared[i].flag))
			o[n++] = shared[i].opt;
	for (size_t i = 0; i < extra_nr; i++)
		o[n++] = extra[i];
	return o;
}

/* A shared option: true when it was one. */
static bool shared_option(struct common_opts *co, int ch, const char *arg,
			  const char *usage_text, bool *no_resolutions)
{
	switch (ch) {
	case O_MATRIX:
		co->matrix = arg;
		break;
	case O_REPO:
		co->repo = arg;
		break;
	case O_SERIES_DIR:
		co->series_dir = arg;
		break;
	case O_BACKPORTS:
		co->backports = arg;
		*no_resolutions = false;
		break;
	case O_NO_RESOLUTIONS:
		*no_resolutions = true;
		break;
	case O_BRANCH:
		strvec_push(&co->targets, arg);
		break;
	case O_SERIES:
		strvec_push(&co->series, arg);
		break;
	case O_RESULTS:
		co->results = arg;
		break;
	case O_FORMAT:
		co->format = parse_output_format(arg, usage_text);
		break;
	case O_QUIET:
	case 'q':
		quiet = true;
		break;
	case O_HELP:
	case 'h':
		usage(usage_text, true);
	default:
		return false;
	}
	return true;
}

const struct userconfig *options_userconfig(void)
{
	static struct userconfig uc = USERCONFIG_INIT;
	static bool loaded;

	if (!loaded) {
		if (userconfig_load(&uc) < 0)
			die("%s", error_last());
		loaded = true;
	}
	return &uc;
}

static const char *effective(enum userconfig_key key, const char *cli)
{
	struct userconfig_value v;

	userconfig_effective(&v, options_userconfig(), key, cli);
	return v.value;
}

/*
 * The one place where an option's default is decided: the command line,
 * the environment, the config files, the built-in default (userconfig.h).
 */
static void defaults(struct common_opts *co, unsigned flags,
		     bool no_resolutions)
{
	const char *jobs = effective(USERCONFIG_JOBS, NULL);

	co->matrix = effective(USERCONFIG_MATRIX, co->matrix);
	co->repo = effective(USERCONFIG_REPO, co->repo);
	if (co->series_dir && !*co->series_dir)
		co->series_dir = NULL;
	co->series_dir = effective(USERCONFIG_SERIES_DIR, co->series_dir);
	co->results = effective(USERCONFIG_RESULTS, co->results);
	co->jobs = (unsigned)strtoul(jobs, NULL, 10);
	co->backports_dir = effective(USERCONFIG_BACKPORTS, co->backports);
	if (!co->backports_dir)
		co->backports_dir = "backports";
	if (!(flags & OPT_BACKPORTS) || no_resolutions)
		co->backports = NULL;
	else if (!co->backports)
		co->backports = is_directory(co->backports_dir) ?
					co->backports_dir :
					NULL;
}

int options_parse(struct common_opts *co, unsigned flags, int argc,
		  char **argv, const char *usage_text,
		  const struct option *extra, const char *extra_short,
		  int (*fn)(void *data, int ch, const char *arg), void *data)
{
	struct option *longopts = all_options(flags, extra);
	char *shortopts = xstrfmt(":qh%s", extra_short ? extra_short : "");
	bool no_resolutions = false;
	int ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		if (ch != '?' && ch != ':' &&
		    shared_option(co, ch, optarg, usage_text, &no_resolutions))
			continue;
		if (ch == ':')
			usage_msg(usage_text, "option '%s' needs a value",
				  argv[optind - 1]);
		if (ch == '?' || !fn || fn(data, ch, optarg) < 0)
			usage_msg(usage_text, "unknown option '%s'",
				  argv[optind - 1]);
	}
	free(longopts);
	free(shortopts);
	if (!(flags & OPT_ARGS) && optind != argc)
		usage_msg(usage_text, "unexpected argument '%s'", argv[optind]);
	defaults(co, flags, no_resolutions);
	return optind;
}

void common_opts_release(struct common_opts *co)
{
	strvec_clear(&co->targets);
	strvec_clear(&co->series);
}

unsigned long options_number(const char *usage_text, const char *opt,
			     const char *arg, unsigned long min,
			     unsigned long max)
{
	char *end;
	unsigned long v;

	if (!*arg || *arg == '-')
		usage_msg(usage_text, "bad number '%s' for %s", arg, opt);
	v = strtoul(arg, &end, 10);
	if (*end || v < min || v > max)
		usage_msg(usage_text, "bad number '%s' for %s", arg, opt);
	return v;
}
