// SPDX-License-Identifier: GPL-2.0
/*
 * backport report: show a run of `backport run`: the terminal matrix,
 * its JSON, or the static HTML page.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/report.h"
#include "lib/results.h"
#include "lib/run.h"
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
	"                             when stdout is a terminal)\n";

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "results", required_argument, NULL, 'R' },
		{ "run", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "color", no_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *results = "results", *id = NULL, *format = "text";
	const char *output = NULL;
	struct strbuf out = STRBUF_INIT;
	char run_dir[PATH_MAX], *dir, *path;
	json_t *run = NULL;
	int color = -1, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'R':
			results = optarg;
			break;
		case 'r':
			id = optarg;
			break;
		case 'f':
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "json") &&
			    strcmp(format, "html"))
				usage_msg(report_usage, "unknown format '%s'",
					  format);
			break;
		case 'o':
			output = optarg;
			break;
		case 'c':
			color = 1;
			break;
		case 'C':
			color = 0;
			break;
		case 'h':
			usage(report_usage, true);
		default:
			usage_msg(report_usage, "unknown option '%s'",
				  argv[optind - 1]);
		}
	}
	if (optind != argc)
		usage_msg(report_usage, "unexpected argument '%s'",
			  argv[optind]);
	dir = id ? xstrfmt("%s/runs/%s", results, id) :
		   xstrfmt("%s/latest", results);
	if (!realpath(dir, run_dir))
		die("no run in '%s' (run 'backport run' first)", dir);
	path = xstrfmt("%s/run.json", run_dir);
	if (results_read_json(&run, path) < 0)
		die("%s", error_last());
	if (!run)
		die("no run.json in '%s': an unfinished run?", run_dir);
	if (!strcmp(format, "json")) {
		char *text = json_dumps(run, JSON_INDENT(2));

		strbuf_addstr(&out, text);
		strbuf_addch(&out, '\n');
		free(text);
	} else if (!strcmp(format, "html")) {
		report_html(&out, run, run_dir);
	} else {
		report_text(&out, run, color < 0 ? (!output && isatty(1)) :
						   color);
	}
	if (output) {
		if (write_file_atomic(output, out.buf, out.len) < 0)
			die("%s", error_last());
	} else {
		fwrite(out.buf, 1, out.len, stdout);
	}
	json_decref(run);
	strbuf_release(&out);
	free(path);
	free(dir);
	return EXIT_OK;
}
