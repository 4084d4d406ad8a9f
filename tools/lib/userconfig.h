/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_USERCONFIG_H
#define BACKPORT_USERCONFIG_H

/*
 * userconfig: the user's defaults for the shared options, in git-config
 * syntax (read with libgit2's git_config), from two files:
 *
 *	$XDG_CONFIG_HOME/backport/config (else ~/.config/backport/config)
 *	<project>/.backport/config, <project> being the current directory
 *	    or the nearest one above it that holds .backport/config (the
 *	    search stops at a directory holding .git)
 *
 * The project's file wins over the user's. The keys, all in section
 * [backport]:
 *
 *	matrix		the matrix file		--matrix, $BACKPORT_MATRIX
 *	repo		the stable trees	--repo
 *	seriesDir	the series directory	--series-dir, $BACKPORT_SERIES_DIR
 *	backports	recorded resolutions	--backports
 *	jobs		make jobs		-j, --jobs
 *	results		the results directory	--results
 *
 * Precedence: the command line, then the environment variable, then the
 * project's file, then the user's, then the built-in default
 * (userconfig_effective()). A relative path in the project's file is
 * relative to <project>; "~/" is the home directory in both files.
 *
 *	struct userconfig uc = USERCONFIG_INIT;
 *	if (userconfig_load(&uc) < 0)
 *		die("%s", error_last());
 *	struct userconfig_value v;
 *	userconfig_effective(&v, &uc, USERCONFIG_SERIES_DIR, cli_value);
 *	... v.value, v.origin ...
 *	userconfig_release(&uc);
 */
enum userconfig_key {
	USERCONFIG_MATRIX,
	USERCONFIG_REPO,
	USERCONFIG_SERIES_DIR,
	USERCONFIG_BACKPORTS,
	USERCONFIG_JOBS,
	USERCONFIG_RESULTS,
	USERCONFIG_NR,
};

/* A value and where it came from; both borrowed from the userconfig. */
struct userconfig_value {
	/* NULL: none (the command decides) */
	const char *value;
	/* "command line", "env:VAR", "file:PATH", "default" */
	const char *origin;
};

struct userconfig {
	char *files[2]; /* user's, project's; NULL: none */
	char *values[USERCONFIG_NR]; /* from the files, resolved */
	char *origins[USERCONFIG_NR]; /* "file:PATH" */
};

#define USERCONFIG_INIT \
	{               \
		0       \
	}

/* Find the two files (see above) and read them. */
int userconfig_load(struct userconfig *uc);

/*
 * Read `user` and then `project` (either NULL or missing: skipped);
 * relative paths of `project` are made relative to `project_dir`.
 * Returns -1 with an error naming the file on a syntax error or a bad
 * value.
 */
int userconfig_load_files(struct userconfig *uc, const char *user,
			  const char *project, const char *project_dir);

void userconfig_release(struct userconfig *uc);

/* "backport.seriesdir" (as git-config normalises it). */
const char *userconfig_key_name(enum userconfig_key key);
/* The key for a name (case-insensitive, "backport." optional), or -1. */
int userconfig_key_lookup(const char *name);

/*
 * The value of `key` by precedence: `cli` when not NULL, the key's
 * environment variable, the files, the built-in default (NULL for
 * matrix, repo and backports: the command finds them).
 */
void userconfig_effective(struct userconfig_value *out,
			  const struct userconfig *uc, enum userconfig_key key,
			  const char *cli);

#endif
