// SPDX-License-Identifier: GPL-2.0
/*
 * backport report: show a run of `backport run`: the terminal matrix,
 * its JSON, or the static HTML page.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/report.h"
#include "lib/results.h"
#include "lib/run.h"
#include "options.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char report_usage[] =
	"usage: backport report [<options>]\n"
	"\n"
	"  --results <dir>            where runs are (default: results)\n"
	"  --run <id>                 which run (default: the latest)\n"
	"  --format=<text|json|html>  output format (default: text)\n"
	"  -o <file>                  write there instead of stdout\n"
	"  --color / --no-color       colour the terminal matrix (default:\n"
	"                             when stdout is a terminal)\n"
	"  --all                      every patch of a long series (default:\n"
	"                             those that need a look)\n";

struct report_cmd {
	struct common_opts co;
	const char *id, *format, *output;
	int color; /* -1: when stdout is a terminal */
	bool all;
};

static int report_option(void *data, int ch, const char *arg)
{
	struct report_cmd *c = data;

	switch (ch) {
	case 'r':
		c->id = arg;
		return 0;
	case 'f':
		if (strcmp(arg, "text") && strcmp(arg, "json") &&
		    strcmp(arg, "html"))
			usage_msg(report_usage, "unknown format '%s'", arg);
		c->format = arg;
		return 0;
	case 'o':
		c->output = arg;
		return 0;
	case 'c':
		c->color = 1;
		return 0;
	case 'C':
		c->color = 0;
		return 0;
	case 'a':
		c->all = true;
		return 0;
	}
	return -1;
}

/* The run's run.json; *run_dir gets its directory. */
static json_t *load_run(const struct report_cmd *c, char *run_dir)
{
	char *dir = results_run_dir(c->co.results, c->id);
	char *path;
	json_t *run = NULL;

	if (!realpath(dir, run_dir))
		die("no run in '%s' (run 'backport run' first)", dir);
	path = xstrfmt("%s/run.json", run_dir);
	if (results_read_json(&run, path) < 0)
		die("%s", error_last());
	if (!run)
		die("no run.json in '%s': an unfinished run?", run_dir);
	if (report_check_run(run) < 0)
		die("%s: %s", path, error_last());
	free(path);
	free(dir);
	return run;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "color", no_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_cmd c = { .co = COMMON_OPTS_INIT,
				.format = "text",
				.color = -1 };
	struct strbuf out = STRBUF_INIT;
	char run_dir[PATH_MAX];
	json_t *run;

	options_parse(&c.co, OPT_RESULTS, argc, argv, report_usage, longopts,
		      "o:", report_option, &c);
	run = load_run(&c, run_dir);
	if (!strcmp(c.format, "json")) {
		char *text = json_dumps(run, JSON_INDENT(2));

		strbuf_addf(&out, "%s\n", text);
		free(text);
	} else if (!strcmp(c.format, "html")) {
		report_html(&out, run, run_dir);
	} else {
		report_text(&out, run,
			    c.color < 0 ? (!c.output && isatty(1)) : c.color,
			    c.all);
	}
	if (c.output && write_file_atomic(c.output, out.buf, out.len) < 0)
		die("%s", error_last());
	if (!c.output)
		fwrite(out.buf, 1, out.len, stdout);
	json_decref(run);
	strbuf_release(&out);
	common_opts_release(&c.co);
	return EXIT_OK;
}
