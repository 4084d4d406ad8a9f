// SPDX-License-Identifier: GPL-2.0
/*
 * backport config: the defaults in effect for the shared options, and
 * where each came from (the environment, the project's or the user's
 * config file, the built-in default). The files and keys are in
 * lib/userconfig.h; nothing here writes them (`git config -f` does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "builtin.h"
#include "lib/matrix.h"
#include "lib/userconfig.h"
#include "options.h"
#include "util/usage.h"

static const char config_usage[] =
	"usage: backport config [-l | --list] [--format=<text|json>]\n"
	"   or: backport config --get <key>\n"
	"\n"
	"Show the defaults in effect and where each comes from: env:<VAR>,\n"
	"file:<path> (.backport/config of the project, then\n"
	"$XDG_CONFIG_HOME/backport/config), or default. Keys, in section\n"
	"[backport]: matrix, repo, seriesDir, backports, jobs, results.\n"
	"\n"
	"  -l, --list            every key: '<origin>\\t<key>=<value>'\n"
	"  --get <key>           the value of one key (exit 1 when unset)\n"
	"  --format=<text|json>  output format of --list\n";

struct config_cmd {
	const char *get;
};

static int config_option(void *data, int ch, const char *arg)
{
	struct config_cmd *c = data;

	switch (ch) {
	case 'l':
		return 0;
	case 'g':
		c->get = arg;
		return 0;
	}
	return -1;
}

/* The effective value of `key`; the default matrix is found here. */
static const char *value_of(enum userconfig_key key, const char **origin,
			    char **matrix)
{
	struct userconfig_value v;

	userconfig_effective(&v, options_userconfig(), key, NULL);
	*origin = v.origin;
	if (key == USERCONFIG_MATRIX && !v.value)
		return *matrix = matrix_find_path(NULL);
	if (key == USERCONFIG_BACKPORTS && !v.value)
		return "backports";
	return v.value;
}

static void list(enum output_format format)
{
	json_t *a = json_array();

	for (int k = 0; k < USERCONFIG_NR; k++) {
		const char *origin, *v;
		char *matrix = NULL;

		v = value_of(k, &origin, &matrix);
		if (format == FORMAT_JSON)
			json_array_append_new(
				a, json_pack("{s:s, s:s?, s:s}", "key",
					     userconfig_key_name(k), "value", v,
					     "origin", origin));
		else
			printf("%s\t%s=%s\n", origin, userconfig_key_name(k),
			       v ? v : "");
		free(matrix);
	}
	if (format == FORMAT_JSON) {
		json_dumpf(a, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(a);
}

static int get(const char *name)
{
	int key = userconfig_key_lookup(name);
	const char *origin, *v;
	char *matrix = NULL;

	if (key < 0)
		usage_msg(config_usage, "unknown key '%s'", name);
	v = value_of(key, &origin, &matrix);
	if (v)
		printf("%s\n", v);
	free(matrix);
	return v ? EXIT_OK : EXIT_CELL_FAILED;
}

int cmd_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "get", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	struct common_opts co = COMMON_OPTS_INIT;
	struct config_cmd c = { NULL };
	int ret = EXIT_OK;

	options_parse(&co, OPT_FORMAT, argc, argv, config_usage, longopts, "l",
		      config_option, &c);
	if (c.get)
		ret = get(c.get);
	else
		list(co.format);
	common_opts_release(&co);
	return ret;
}
