// SPDX-License-Identifier: GPL-2.0
/*
 * backport trees: create or update the repository of real stable trees
 * from the matrix (see lib/trees.h), and say per branch what it did.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "builtin.h"
#include "options.h"
#include "lib/matrix.h"
#include "lib/trees.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char trees_usage[] =
	"usage: backport trees [--matrix <file>] [--repo <path>] "
	"[--deb-dir <dir>]\n"
	"                      [--branch <branch>]... [--release <release>]... "
	"[--format=json] [-q]\n"
	"\n"
	"Create or update the default repository of real stable trees\n"
	"(<cache>/linux.git; <cache> is $BACKPORT_CACHE_DIR, else\n"
	"$XDG_CACHE_HOME/backport): each release of the matrix is imported\n"
	"from its Debian package (apt-get download) as a commit tagged\n"
	"v<release> on its branch. With a repository of your own (--repo, or\n"
	"`repo` in the matrix) nothing is written: it only checks that the\n"
	"branches and tags exist.\n"
	"\n"
	"    --matrix <file>     the matrix (default: $BACKPORT_MATRIX, else\n"
	"                        matrix/default.conf here or in backport's "
	"tree)\n"
	"    --repo <path>       check this repository instead\n"
	"    --deb-dir <dir>     look for <package>_<version>_*.deb here first\n"
	"                        (also $BACKPORT_DEB_DIR)\n"
	"    --branch <branch>   only this branch (repeatable)\n"
	"    --release <release> only the branch of this release, up to it\n"
	"    --format=json       print the result as JSON\n"
	"    -q, --quiet         no progress on stderr\n";

static const char *action_name(enum trees_action a)
{
	switch (a) {
	case TREES_PRESENT:
		return "present";
	case TREES_IMPORTED:
		return "imported";
	case TREES_RELINKED:
		return "relinked";
	case TREES_MISSING:
		return "missing";
	}
	return "?";
}

static const char *state_name(enum trees_state s)
{
	switch (s) {
	case TREES_UP_TO_DATE:
		return "up to date";
	case TREES_CREATED:
		return "created";
	case TREES_UPDATED:
		return "updated";
	case TREES_BRANCH_MISSING:
		return "missing";
	}
	return "?";
}

static void show_progress(const struct trees_progress *p, void *data)
{
	switch (p->phase) {
	case TREES_FETCHING:
		progress("[%zu/%zu] %s: fetching %s=%s", p->nr, p->total,
			 p->branch, p->package, p->version);
		break;
	case TREES_READING:
		progress("[%zu/%zu] %s: importing %s (%zu files, %llu MB)",
			 p->nr, p->total, p->branch, p->release, p->files,
			 p->bytes >> 20);
		break;
	case TREES_WRITING:
		progress("[%zu/%zu] %s: writing trees of %s (%zu files)", p->nr,
			 p->total, p->branch, p->release, p->files);
		break;
	case TREES_INDEXING:
		progress("%s: indexing the words of %s", p->branch, p->release);
		break;
	}
}

static void print_text(const struct trees_result *res)
{
	for (size_t i = 0; i < res->branches_nr; i++) {
		const struct trees_branch_result *br = &res->branches[i];

		if (br->state == TREES_BRANCH_MISSING)
			printf("%s: missing\n", br->branch->name);
		else
			printf("%s: %s %s\n", br->branch->name,
			       state_name(br->state),
			       git_oid_tostr_s(&br->tip));
		for (size_t j = 0; j < br->releases_nr; j++) {
			const struct trees_release_result *rr =
				&br->releases[j];

			printf("  v%s %s", rr->source->name,
			       action_name(rr->action));
			if (rr->action != TREES_MISSING)
				printf(" %s", git_oid_tostr_s(&rr->commit));
			if (rr->action == TREES_IMPORTED)
				printf(" (%s %s, %zu files, %.1f s%s)",
				       rr->source->package, rr->source->version,
				       rr->files, rr->import_seconds,
				       rr->downloaded ? ", downloaded" : "");
			putchar('\n');
		}
	}
}

static void print_json(const struct trees_result *res)
{
	json_t *top = json_object(), *branches = json_array();

	json_object_set_new(top, "repository", json_string(res->repo));
	json_object_set_new(top, "user_repository",
			    json_boolean(res->user_repo));
	for (size_t i = 0; i < res->branches_nr; i++) {
		const struct trees_branch_result *br = &res->branches[i];
		json_t *b = json_object(), *rels = json_array();

		json_object_set_new(b, "branch", json_string(br->branch->name));
		json_object_set_new(b, "state",
				    json_string(state_name(br->state)));
		json_object_set_new(
			b, "tip",
			br->state == TREES_BRANCH_MISSING ?
				json_null() :
				json_string(git_oid_tostr_s(&br->tip)));
		for (size_t j = 0; j < br->releases_nr; j++) {
			const struct trees_release_result *rr =
				&br->releases[j];
			json_t *r = json_object();

			json_object_set_new(r, "release",
					    json_string(rr->source->name));
			json_object_set_new(r, "tag",
					    json_sprintf("v%s",
							 rr->source->name));
			json_object_set_new(r, "package",
					    json_string(rr->source->package));
			json_object_set_new(r, "version",
					    json_string(rr->source->version));
			json_object_set_new(
				r, "action",
				json_string(action_name(rr->action)));
			json_object_set_new(r, "commit",
					    rr->action == TREES_MISSING ?
						    json_null() :
						    json_string(git_oid_tostr_s(
							    &rr->commit)));
			if (rr->action == TREES_IMPORTED) {
				json_object_set_new(r, "files",
						    json_integer(rr->files));
				json_object_set_new(r, "sha256",
						    json_string(rr->sha256));
				json_object_set_new(
					r, "downloaded",
					json_boolean(rr->downloaded));
				json_object_set_new(
					r, "fetch_seconds",
					json_real(rr->fetch_seconds));
				json_object_set_new(
					r, "import_seconds",
					json_real(rr->import_seconds));
			}
			json_array_append_new(rels, r);
		}
		json_object_set_new(b, "releases", rels);
		json_array_append_new(branches, b);
	}
	json_object_set_new(top, "branches", branches);
	json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(top);
}

/* Any missing branch or tag (user repository) fails the command. */
static bool all_present(const struct trees_result *res)
{
	for (size_t i = 0; i < res->branches_nr; i++) {
		if (res->branches[i].state == TREES_BRANCH_MISSING)
			return false;
		for (size_t j = 0; j < res->branches[i].releases_nr; j++)
			if (res->branches[i].releases[j].action ==
			    TREES_MISSING)
				return false;
	}
	return true;
}

struct trees_cmd {
	struct trees_opts opts;
	struct strvec releases;
};

static int trees_option(void *data, int ch, const char *arg)
{
	struct trees_cmd *c = data;

	switch (ch) {
	case 'D':
		c->opts.deb_dir = arg;
		return 0;
	case 'R':
		strvec_push(&c->releases, arg);
		return 0;
	}
	return -1;
}

int cmd_trees(int argc, char **argv)
{
	struct trees_cmd c = { .opts = TREES_OPTS_INIT,
			       .releases = STRVEC_INIT };
	struct trees_opts *opts = &c.opts;
	struct trees_result res = TREES_RESULT_INIT;
	struct matrix m = MATRIX_INIT;
	static const struct option longopts[] = {
		{ "deb-dir", required_argument, NULL, 'D' },
		{ "release", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct common_opts co = COMMON_OPTS_INIT;
	char *matrix_path;
	int ret;

	options_parse(&co, OPT_MATRIX | OPT_REPO | OPT_BRANCH | OPT_FORMAT,
		      argc, argv, trees_usage, longopts, "", trees_option, &c);
	opts->repo = co.repo;
	if (!opts->deb_dir && getenv("BACKPORT_DEB_DIR") &&
	    *getenv("BACKPORT_DEB_DIR"))
		opts->deb_dir = getenv("BACKPORT_DEB_DIR");
	opts->branches = (const char *const *)co.targets.v;
	opts->branches_nr = co.targets.nr;
	opts->releases = (const char *const *)c.releases.v;
	opts->releases_nr = c.releases.nr;
	opts->progress = show_progress;

	matrix_path = matrix_find_path(co.matrix);
	if (matrix_load(&m, matrix_path) < 0)
		die("%s", error_last());
	if (trees_provision(&res, &m, opts) < 0)
		die("%s", error_last());
	if (co.format == FORMAT_JSON)
		print_json(&res);
	else
		print_text(&res);
	ret = all_present(&res) ? EXIT_OK : EXIT_CELL_FAILED;
	if (ret && !quiet)
		error("repository '%s' lacks branches or tags of the matrix",
		      res.repo);
	trees_result_release(&res);
	matrix_release(&m);
	strvec_clear(&c.releases);
	common_opts_release(&co);
	free(matrix_path);
	return ret;
}
