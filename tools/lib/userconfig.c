// SPDX-License-Identifier: GPL-2.0
/*
 * userconfig: the user's and the project's defaults. See userconfig.h.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <git2.h>

#include "userconfig.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

/* ENV(x): the variable's name, and the origin it gives a value. */
#define ENV(x) x, "env:" x

static const struct {
	const char *name; /* as git-config normalises it */
	const char *env, *env_origin; /* NULL: none */
	const char *fallback; /* the built-in default, NULL: none */
	bool is_path;
} keys[USERCONFIG_NR] = {
	[USERCONFIG_MATRIX] = { "backport.matrix", ENV("BACKPORT_MATRIX"), NULL,
				true },
	[USERCONFIG_REPO] = { "backport.repo", NULL, NULL, NULL, true },
	[USERCONFIG_SERIES_DIR] = { "backport.seriesdir",
				    ENV("BACKPORT_SERIES_DIR"), "series",
				    true },
	[USERCONFIG_BACKPORTS] = { "backport.backports", NULL, NULL, NULL,
				   true },
	[USERCONFIG_JOBS] = { "backport.jobs", NULL, NULL, "2", false },
	[USERCONFIG_RESULTS] = { "backport.results", NULL, NULL, "results",
				 true },
};

const char *userconfig_key_name(enum userconfig_key key)
{
	return keys[key].name;
}

int userconfig_key_lookup(const char *name)
{
	const char *dot = strchr(name, '.');

	for (int i = 0; i < USERCONFIG_NR; i++)
		if (!strcasecmp(name, keys[i].name) ||
		    (!dot && !strcasecmp(name, keys[i].name + 9)))
			return i;
	return -1;
}

/* "~/x" under $HOME, a relative path under `dir` (NULL: as it is). */
static char *resolve_path(const char *v, const char *dir)
{
	const char *home = getenv("HOME");

	if (!strncmp(v, "~/", 2) && home && *home)
		return xstrfmt("%s/%s", home, v + 2);
	if (v[0] != '/' && dir && strcmp(dir, "."))
		return xstrfmt("%s/%s", dir, v);
	return xstrdup(v);
}

static int check_jobs(const char *v, const char *file)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *v == '-' || *end || n < 1 || n > 1024)
		return error_set("bad number '%s' for backport.jobs in '%s'", v,
				 file);
	return 0;
}

/* Take the keys `cfg` (one file) sets; relative paths under `dir`. */
static int take(struct userconfig *uc, git_config *cfg, const char *file,
		const char *dir)
{
	for (int i = 0; i < USERCONFIG_NR; i++) {
		git_config_entry *e = NULL;

		if (git_config_get_entry(&e, cfg, keys[i].name) < 0) {
			error_clear();
			continue;
		}
		if (!keys[i].is_path && check_jobs(e->value, file) < 0) {
			git_config_entry_free(e);
			return -1;
		}
		free(uc->values[i]);
		free(uc->origins[i]);
		uc->values[i] = keys[i].is_path && *e->value ?
					resolve_path(e->value, dir) :
					xstrdup(e->value);
		uc->origins[i] = xstrfmt("file:%s", file);
		git_config_entry_free(e);
	}
	return 0;
}

static int read_file(struct userconfig *uc, const char *file, const char *dir)
{
	git_config *cfg = NULL;
	int ret = -1;

	if (!file || !path_exists(file))
		return 0;
	if (git_config_open_ondisk(&cfg, file) < 0) {
		error_git("cannot read config file '%s'", file);
		goto out;
	}
	ret = take(uc, cfg, file, dir);
out:
	git_config_free(cfg);
	return ret;
}

int userconfig_load_files(struct userconfig *uc, const char *user,
			  const char *project, const char *project_dir)
{
	if (user && path_exists(user))
		uc->files[0] = xstrdup(user);
	if (project && path_exists(project))
		uc->files[1] = xstrdup(project);
	if (read_file(uc, uc->files[0], NULL) < 0 ||
	    read_file(uc, uc->files[1], project_dir) < 0)
		return -1;
	return 0;
}

static char *user_file(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");

	if (x && *x)
		return xstrfmt("%s/backport/config", x);
	x = getenv("HOME");
	if (x && *x)
		return xstrfmt("%s/.config/backport/config", x);
	return NULL;
}

/* The nearest directory from here up with .backport/config, in `*dir`. */
static char *project_file(char **dir)
{
	char cwd[PATH_MAX];
	char *p;

	*dir = NULL;
	if (path_exists(".backport/config")) {
		*dir = xstrdup(".");
		return xstrdup(".backport/config");
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	for (;;) {
		char *slash = strrchr(cwd, '/');
		bool stop;

		p = xstrfmt("%s/.git", cwd);
		stop = path_exists(p);
		free(p);
		if (stop || !slash || slash == cwd)
			return NULL;
		*slash = '\0';
		p = xstrfmt("%s/.backport/config", cwd);
		if (path_exists(p)) {
			*dir = xstrdup(cwd);
			return p;
		}
		free(p);
	}
}

int userconfig_load(struct userconfig *uc)
{
	char *dir = NULL;
	char *user = user_file(), *project = project_file(&dir);
	int ret = userconfig_load_files(uc, user, project, dir);

	free(user);
	free(project);
	free(dir);
	return ret;
}

void userconfig_release(struct userconfig *uc)
{
	for (size_t i = 0; i < 2; i++)
		free(uc->files[i]);
	for (size_t i = 0; i < USERCONFIG_NR; i++) {
		free(uc->values[i]);
		free(uc->origins[i]);
	}
	memset(uc, 0, sizeof(*uc));
}

void userconfig_effective(struct userconfig_value *out,
			  const struct userconfig *uc, enum userconfig_key key,
			  const char *cli)
{
	const char *env = keys[key].env ? getenv(keys[key].env) : NULL;

	if (cli) {
		out->value = cli;
		out->origin = "command line";
	} else if (env && *env) {
		out->value = env;
		out->origin = keys[key].env_origin;
	} else if (uc->values[key] && *uc->values[key]) {
		out->value = uc->values[key];
		out->origin = uc->origins[key];
	} else {
		out->value = keys[key].fallback;
		out->origin = "default";
	}
}
