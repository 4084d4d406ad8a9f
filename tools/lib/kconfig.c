// SPDX-License-Identifier: GPL-2.0
/*
 * kconfig: the kernel configuration of a build. A configuration read
 * from the matrix (a base target, a fragment, options that may be
 * missing), the .config made from it in a build directory (make <base>,
 * merge_config.sh -m, make olddefconfig) unless its stamp says it is
 * current, and the check that every option of the fragment survived.
 * See kconfig.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/kbuild-internal.h"
#include "lib/matrix.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/xalloc.h"

/* ---- configuration ---- */

void kbuild_config_init(struct kbuild_config *c)
{
	struct kbuild_config blank = KBUILD_CONFIG_INIT;

	*c = blank;
}

void kbuild_config_release(struct kbuild_config *c)
{
	free(c->name);
	free(c->base);
	free(c->fragment);
	strbuf_release(&c->fragment_text);
	for (size_t i = 0; i < c->optional_nr; i++)
		free(c->optional[i].option);
	free(c->optional);
	kbuild_config_init(c);
}

unsigned kconfig_parse_version(const char *s)
{
	unsigned major, minor;

	if (*s == 'v')
		s++;
	if (sscanf(s, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 1000 + minor;
}

/* "X", or "X <op> 7.3". */
static int parse_optional(struct kbuild_optional *o, const char *value)
{
	char name[128], op[8], ver[32];
	int n = sscanf(value, "%127s %7s %31s", name, op, ver);

	memset(o, 0, sizeof(*o));
	if (n != 1 && n != 3)
		return -1;
	if (n == 3) {
		if (strcmp(op, "<") && strcmp(op, "<=") && strcmp(op, ">") &&
		    strcmp(op, ">=") && strcmp(op, "="))
			return -1;
		o->version = kconfig_parse_version(ver);
		if (!o->version)
			return -1;
		strcpy(o->op, op);
	}
	o->option = xstrdup(starts_with(name, "CONFIG_") ? name + 7 : name);
	return 0;
}

/* The fragment's path: as given, or beside the matrix file. */
static int read_fragment(struct kbuild_config *c, const char *matrix_path,
			 const char *v)
{
	const char *slash = strrchr(matrix_path, '/');
	char *abs;

	if (*v == '/' || !slash)
		c->fragment = xstrdup(v);
	else
		c->fragment = xstrfmt("%.*s/%s", (int)(slash - matrix_path),
				      matrix_path, v);
	if (strbuf_read_file(&c->fragment_text, c->fragment) < 0)
		return error_prefix("config '%s': ", c->name);
	if (c->fragment[0] != '/' && (abs = realpath(c->fragment, NULL))) {
		free(c->fragment);
		c->fragment = abs;
	}
	return 0;
}

int kbuild_config_from_matrix(struct kbuild_config *c, const struct matrix *m,
			      const char *name)
{
	const char *v;

	v = name ? name : matrix_get(m, "matrix", "", "config");
	c->name = xstrdup(v ? v : "kvm-tiny");
	v = matrix_get(m, "config", c->name, "base");
	if (!v)
		return error_set("%s: no [config \"%s\"] with a base", m->path,
				 c->name);
	c->base = xstrdup(v);
	v = matrix_get(m, "config", c->name, "fragment");
	if (v && *v && read_fragment(c, m->path, v) < 0)
		return -1;
	v = matrix_get(m, "config", c->name, "selftests");
	c->selftests = !v || strcmp(v, "none");
	for (size_t i = 0; i < m->entries_nr; i++) {
		const struct matrix_entry *e = &m->entries[i];

		if (strcmp(e->section, "config") || strcmp(e->sub, c->name) ||
		    strcmp(e->key, "optional"))
			continue;
		ALLOC_GROW(c->optional, c->optional_nr + 1, c->optional_alloc);
		if (parse_optional(&c->optional[c->optional_nr], e->value) < 0)
			return error_set("%s: config '%s': bad optional '%s' "
					 "(want OPTION or OPTION <op> X.Y)",
					 m->path, c->name, e->value);
		c->optional_nr++;
	}
	return 0;
}

bool kbuild_option_is_optional(const struct kbuild_config *c,
			       const char *option, unsigned version)
{
	for (size_t i = 0; i < c->optional_nr; i++) {
		const struct kbuild_optional *o = &c->optional[i];
		const char *op = o->op;

		if (strcmp(o->option, option))
			continue;
		if (!*op ||
		    (version && ((!strcmp(op, "<") && version < o->version) ||
				 (!strcmp(op, "<=") && version <= o->version) ||
				 (!strcmp(op, ">") && version > o->version) ||
				 (!strcmp(op, ">=") && version >= o->version) ||
				 (!strcmp(op, "=") && version == o->version))))
			return true;
	}
	return false;
}

/*
 * One line of a config file: the option (without CONFIG_) into `name`
 * and its value ("n" for "is not set"); false for other lines.
 */
static bool parse_config_line(const char *line, size_t len, char *name,
			      size_t name_size, char *value, size_t value_size)
{
	const char *p = line, *end = line + len, *eq;
	size_t n;

	if (skip_prefix(p, "# CONFIG_", &p)) {
		const char *sp = memchr(p, ' ', end - p);

		if (!sp || (size_t)(end - sp) < 11 ||
		    strncmp(sp, " is not set", 11))
			return false;
		n = sp - p;
		if (n >= name_size)
			return false;
		memcpy(name, p, n);
		name[n] = '\0';
		snprintf(value, value_size, "n");
		return true;
	}
	if (!skip_prefix(p, "CONFIG_", &p))
		return false;
	eq = memchr(p, '=', end - p);
	if (!eq || (size_t)(eq - p) >= name_size)
		return false;
	memcpy(name, p, eq - p);
	name[eq - p] = '\0';
	n = end - eq - 1;
	if (n >= value_size)
		n = value_size - 1;
	memcpy(value, eq + 1, n);
	value[n] = '\0';
	return true;
}

/* The value of CONFIG_<name> in `text`, "n" when absent or not set. */
static void config_value(char *out, size_t size, const char *text,
			 const char *want)
{
	const char *line = text;

	snprintf(out, size, "n");
	while (*line) {
		const char *nl = strchrnul(line, '\n');
		char name[256], value[256];

		if (parse_config_line(line, nl - line, name, sizeof(name),
				      value, sizeof(value)) &&
		    !strcmp(name, want)) {
			snprintf(out, size, "%s", value);
			return;
		}
		line = *nl ? nl + 1 : nl;
	}
}

void kbuild_check_config(struct strvec *missing, const char *dotconfig,
			 const struct kbuild_config *c, unsigned version)
{
	const char *line = c->fragment_text.buf;

	while (*line) {
		const char *nl = strchrnul(line, '\n');
		char name[256], want[256], have[256];

		if (parse_config_line(line, nl - line, name, sizeof(name), want,
				      sizeof(want))) {
			config_value(have, sizeof(have), dotconfig, name);
			if (strcmp(want, have) &&
			    !kbuild_option_is_optional(c, name, version))
				strvec_pushf(missing, "CONFIG_%s", name);
		}
		line = *nl ? nl + 1 : nl;
	}
}

/* The line of the fragment that names `option` (CONFIG_X), or 0. */
static unsigned fragment_line(const struct kbuild_config *c, const char *option)
{
	const char *line = c->fragment_text.buf;
	unsigned nr = 1;
	size_t len = strlen(option);

	while (*line) {
		const char *nl = strchrnul(line, '\n');
		const char *p = line;

		skip_prefix(p, "# ", &p);
		if (!strncmp(p, option, len) &&
		    (p[len] == '=' || p[len] == ' '))
			return nr;
		nr++;
		line = *nl ? nl + 1 : nl;
	}
	return 0;
}

/* ---- the .config of a build directory ---- */

/* Whether a change to `path` may change what Kconfig makes of a config. */
static bool config_relevant(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return starts_with(base, "Kconfig") || starts_with(path, "scripts/") ||
	       ends_with(path, ".config") || !strcmp(path, "Makefile");
}

/*
 * The build directory's .config was made from the same inputs, on a
 * tree whose Kconfig files are the same as this one's: the stamp
 * (.backport-config: "inputs <hash>\ntree <id>") says so.
 */
static bool config_is_current(struct worker *w, struct kbuild_job *j,
			      const char *stamp, const char *inputs)
{
	struct strbuf sb = STRBUF_INIT;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_oid tree;
	const char *p;
	bool ret = false;

	if (!kconfig_has_config(w->odir) || strbuf_read_file(&sb, stamp) < 0)
		goto out;
	p = strstr(sb.buf, "inputs ");
	if (!p || strncmp(p + 7, inputs, strlen(inputs)))
		goto out;
	p = strstr(sb.buf, "tree ");
	if (!p || git_oid_fromstrn(&tree, p + 5, GIT_OID_SHA1_HEXSIZE) < 0)
		goto out;
	if (git_tree_lookup(&a, w->repo, &tree) < 0 ||
	    git_tree_lookup(&b, w->repo, &j->tree) < 0 ||
	    git_diff_tree_to_tree(&diff, w->repo, a, b, NULL) < 0)
		goto out;
	ret = true;
	for (size_t i = 0; ret && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (config_relevant(d->old_file.path) ||
		    config_relevant(d->new_file.path))
			ret = false;
	}
out:
	error_clear();
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	strbuf_release(&sb);
	return ret;
}

/* The hash of what makes a .config: base, fragment, optional options. */
static void config_inputs(char *hex, const struct kbuild_config *c,
			  unsigned version)
{
	struct strbuf sb = STRBUF_INIT;
	git_oid id;

	strbuf_addf(&sb, "base %s\nfragment %zu\n", c->base,
		    c->fragment_text.len);
	strbuf_addbuf(&sb, &c->fragment_text);
	for (size_t i = 0; i < c->optional_nr; i++)
		if (kbuild_option_is_optional(c, c->optional[i].option,
					      version))
			strbuf_addf(&sb, "optional %s\n",
				    c->optional[i].option);
	git_odb_hash(&id, sb.buf, sb.len, GIT_OBJECT_BLOB);
	git_oid_tostr(hex, GIT_OID_SHA1_HEXSIZE + 1, &id);
	strbuf_release(&sb);
}

/* The fragment's options that Kconfig dropped: a verdict. */
static int check_dotconfig(struct kbuild_job *j, const struct kbuild_config *c,
			   const char *path)
{
	struct strbuf dotconfig = STRBUF_INIT;
	const char *opt, *base;
	char *msg;

	if (!c->fragment)
		return 0;
	if (strbuf_read_file(&dotconfig, path) < 0)
		return kbuild_job_error_last(j, "config");
	kbuild_check_config(&j->missing, dotconfig.buf, c, j->version);
	strbuf_release(&dotconfig);
	if (!j->missing.nr)
		return 0;
	opt = j->missing.v[0];
	msg = xstrfmt("%s requested by the fragment is not in .config "
		      "(dropped by Kconfig)",
		      opt);
	base = strrchr(c->fragment, '/');
	j->verdict = KBUILD_BUILD_FAILED;
	j->first_error.file = xstrdup(base ? base + 1 : c->fragment);
	j->first_error.line = fragment_line(c, opt);
	j->first_error.message = msg;
	j->first_error.text = xstrfmt("%s:%u: %s", j->first_error.file,
				      j->first_error.line, msg);
	return 0;
}

/*
 * make <base>, merge_config.sh -m <fragment>, make olddefconfig; skipped
 * when the stamp says the .config there is current.
 */
int kconfig_make(struct worker *w, struct kbuild_job *j)
{
	const struct kbuild_config *c = w->r->c;
	struct child_process cp = CHILD_PROCESS_INIT;
	char *path = xstrfmt("%s/.config", w->odir);
	char *stamp = xstrfmt("%s/.backport-config", w->odir);
	char inputs[GIT_OID_SHA1_HEXSIZE + 1];
	struct strbuf sb = STRBUF_INIT;
	bool ok;
	int ret = -1;

	j->step = KBUILD_STEP_CONFIG;
	kbuild_set_log(w, j, "config.log");
	config_inputs(inputs, c, j->version);
	if (config_is_current(w, j, stamp, inputs)) {
		struct strvec note = STRVEC_INIT;

		strvec_pushf(&note,
			     "(.config is current: same inputs, no "
			     "Kconfig change since the tree in %s)",
			     stamp);
		kbuild_append_log(w->log, &note);
		strvec_clear(&note);
		goto check;
	}
	unlink(stamp);
	kbuild_make_args(w, &cp);
	strvec_push(&cp.args, c->base);
	if (kbuild_run_step(w, j, &cp, "config", &ok) < 0)
		goto out;
	if (!ok)
		goto failed;
	child_process_release(&cp);
	if (c->fragment) {
		strvec_pushf(&cp.args, "%s/scripts/kconfig/merge_config.sh",
			     w->src);
		strvec_pushl(&cp.args, "-m", "-O", w->odir, path, c->fragment,
			     NULL);
		cp.dir = w->odir;
		if (kbuild_run_step(w, j, &cp, "config", &ok) < 0)
			goto out;
		if (!ok)
			goto failed;
		child_process_release(&cp);
		kbuild_make_args(w, &cp);
		strvec_push(&cp.args, "olddefconfig");
		if (kbuild_run_step(w, j, &cp, "config", &ok) < 0)
			goto out;
		if (!ok)
			goto failed;
	}
check:
	if (check_dotconfig(j, c, path) < 0)
		goto out;
	if (!j->missing.nr) {
		strbuf_addf(&sb, "inputs %s\ntree %s\n", inputs,
			    git_oid_tostr_s(&j->tree));
		if (write_file_atomic(stamp, sb.buf, sb.len) < 0) {
			kbuild_job_error_last(j, "config");
			goto out;
		}
	}
	ret = 0;
	goto out;
failed:
	kbuild_step_failed(w, j);
	ret = 0;
out:
	strbuf_release(&sb);
	free(path);
	free(stamp);
	child_process_release(&cp);
	return ret;
}

bool kconfig_has_config(const char *odir)
{
	char *path = xstrfmt("%s/.config", odir);
	bool ret = path_exists(path);

	free(path);
	return ret;
}
