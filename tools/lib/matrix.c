// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix file: git-config syntax read with libgit2's config API. Each
 * known section has a handler in `handlers[]`; other sections are left to
 * the features that own them.
 */
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <git2.h>

#include "matrix.h"
#include "util/datadir.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void matrix_init(struct matrix *m)
{
	struct matrix blank = MATRIX_INIT;

	*m = blank;
}

static void source_free(struct matrix_source *s)
{
	free(s->name);
	free(s->package);
	free(s->version);
	free(s);
}

static void branch_free(struct matrix_branch *b)
{
	for (size_t i = 0; i < b->names_nr; i++)
		free(b->names[i]);
	free(b->names);
	free(b->sources);
	free(b->name);
	free(b);
}

void matrix_release(struct matrix *m)
{
	for (size_t i = 0; i < m->sources_nr; i++)
		source_free(m->sources[i]);
	for (size_t i = 0; i < m->branches_nr; i++)
		branch_free(m->branches[i]);
	free(m->sources);
	free(m->branches);
	for (size_t i = 0; i < m->entries_nr; i++) {
		free(m->entries[i].section);
		free(m->entries[i].sub);
		free(m->entries[i].key);
		free(m->entries[i].value);
	}
	free(m->entries);
	free(m->path);
	free(m->repo);
	free(m->trees);
	matrix_init(m);
}

struct matrix_source *matrix_find_source(const struct matrix *m,
					 const char *name)
{
	for (size_t i = 0; i < m->sources_nr; i++)
		if (!strcmp(m->sources[i]->name, name))
			return m->sources[i];
	return NULL;
}

struct matrix_branch *matrix_find_branch(const struct matrix *m,
					 const char *name)
{
	for (size_t i = 0; i < m->branches_nr; i++)
		if (!strcmp(m->branches[i]->name, name))
			return m->branches[i];
	return NULL;
}

struct matrix_branch *matrix_branch_of(const struct matrix *m, const char *name)
{
	for (size_t i = 0; i < m->branches_nr; i++) {
		struct matrix_branch *b = m->branches[i];

		for (size_t j = 0; j < b->names_nr; j++)
			if (!strcmp(b->names[j], name))
				return b;
	}
	return NULL;
}

static struct matrix_source *source_get(struct matrix *m, const char *name)
{
	struct matrix_source *s = matrix_find_source(m, name);

	if (s)
		return s;
	s = xcalloc(1, sizeof(*s));
	s->name = xstrdup(name);
	ALLOC_GROW(m->sources, m->sources_nr + 1, m->sources_alloc);
	m->sources[m->sources_nr++] = s;
	return s;
}

static struct matrix_branch *branch_get(struct matrix *m, const char *name)
{
	struct matrix_branch *b = matrix_find_branch(m, name);

	if (b)
		return b;
	b = xcalloc(1, sizeof(*b));
	b->name = xstrdup(name);
	ALLOC_GROW(m->branches, m->branches_nr + 1, m->branches_alloc);
	m->branches[m->branches_nr++] = b;
	return b;
}

/* One config entry, split: section.subsection.key (subsection may be ""). */
static int parse_matrix(struct matrix *m, const struct matrix_entry *k)
{
	if (*k->sub)
		return 0;
	if (!strcmp(k->key, "trees")) {
		free(m->trees);
		m->trees = NULL;
		if (!*k->value)
			return 0;
		if (strchr(k->value, '/') || k->value[0] == '.')
			return error_set("matrix '%s': [matrix] trees = '%s' "
					 "must be a plain name, as in "
					 "'corpus'",
					 m->path, k->value);
		m->trees = xstrdup(k->value);
		return 0;
	}
	if (strcmp(k->key, "repo"))
		return 0;
	free(m->repo);
	m->repo = NULL;
	if (!*k->value)
		return 0;
	if (k->value[0] == '/') {
		m->repo = xstrdup(k->value);
	} else {
		char *dir = xstrdup(m->path);

		m->repo = xstrfmt("%s/%s", dirname(dir), k->value);
		free(dir);
	}
	return 0;
}

static int parse_release(struct matrix *m, const struct matrix_entry *k)
{
	char **field;

	if (!*k->sub)
		return error_set("matrix '%s': section [release] needs a name, "
				 "as in [release \"6.12.111\"]",
				 m->path);
	if (!strcmp(k->key, "package"))
		field = &source_get(m, k->sub)->package;
	else if (!strcmp(k->key, "version"))
		field = &source_get(m, k->sub)->version;
	else
		return 0;
	free(*field);
	*field = *k->value ? xstrdup(k->value) : NULL;
	return 0;
}

static int parse_branch(struct matrix *m, const struct matrix_entry *k)
{
	struct matrix_branch *b;

	if (!*k->sub)
		return error_set("matrix '%s': section [branch] needs a name, "
				 "as in [branch \"linux-6.12.y\"]",
				 m->path);
	if (strcmp(k->key, "release"))
		return 0;
	b = branch_get(m, k->sub);
	if (!*k->value)
		return error_set(
			"matrix '%s': branch '%s' has an empty release",
			m->path, b->name);
	ALLOC_GROW(b->names, b->names_nr + 1, b->names_alloc);
	b->names[b->names_nr++] = xstrdup(k->value);
	return 0;
}

static const struct {
	const char *section;
	int (*fn)(struct matrix *m, const struct matrix_entry *k);
} handlers[] = {
	{ "matrix", parse_matrix },
	{ "release", parse_release },
	{ "branch", parse_branch },
};

static int dispatch(struct matrix *m, const struct matrix_entry *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(handlers); i++)
		if (!strcmp(handlers[i].section, e->section))
			return handlers[i].fn(m, e);
	return 0;
}

/* "section.sub.key" (sub may have dots, or be absent) as an entry. */
static void add_entry(struct matrix *m, const git_config_entry *e)
{
	const char *name = e->name;
	const char *dot1 = strchr(name, '.'), *dot2 = strrchr(name, '.');
	struct matrix_entry *x;

	if (!dot1)
		return;
	ALLOC_GROW(m->entries, m->entries_nr + 1, m->entries_alloc);
	x = &m->entries[m->entries_nr++];
	x->section = xstrndup(name, dot1 - name);
	x->sub = dot2 > dot1 ? xstrndup(dot1 + 1, dot2 - dot1 - 1) :
			       xstrdup("");
	x->key = xstrdup(dot2 + 1);
	x->value = xstrdup(e->value ? e->value : "");
}

static int check_ref(const struct matrix *m, const char *what,
		     const char *prefix, const char *name)
{
	struct strbuf ref = STRBUF_INIT;
	int valid = 0;

	strbuf_addf(&ref, "%s%s", prefix, name);
	if (git_reference_name_is_valid(&valid, ref.buf) < 0)
		valid = 0;
	strbuf_release(&ref);
	if (!valid)
		return error_set(
			"matrix '%s': %s '%s' cannot be a git ref name",
			m->path, what, name);
	return 0;
}

/* Resolve each branch's release names and check what refs will need. */
static int resolve(struct matrix *m)
{
	for (size_t i = 0; i < m->sources_nr; i++) {
		struct matrix_source *s = m->sources[i];

		if (!s->package || !s->version)
			return error_set("matrix '%s': release '%s' needs both "
					 "'package' and 'version'",
					 m->path, s->name);
		if (check_ref(m, "release", "refs/tags/v", s->name) < 0)
			return -1;
	}
	for (size_t i = 0; i < m->branches_nr; i++) {
		struct matrix_branch *b = m->branches[i];

		if (check_ref(m, "branch", "refs/heads/", b->name) < 0)
			return -1;
		for (size_t j = 0; j < b->names_nr; j++) {
			struct matrix_source *s =
				matrix_find_source(m, b->names[j]);
			struct matrix_branch *owner =
				matrix_branch_of(m, b->names[j]);

			if (!s)
				return error_set(
					"matrix '%s': branch '%s' "
					"lists release '%s', which has "
					"no [release] section",
					m->path, b->name, b->names[j]);
			for (size_t k = 0; k < j; k++)
				if (!strcmp(b->names[k], b->names[j]))
					owner = NULL;
			if (owner != b)
				return error_set("matrix '%s': release '%s' is "
						 "listed twice (branch '%s')",
						 m->path, s->name, b->name);
			ALLOC_GROW(b->sources, b->sources_nr + 1,
				   b->sources_alloc);
			b->sources[b->sources_nr++] = s;
		}
	}
	return 0;
}

/*
 * The values of the git-config file `path` into m->entries; with `user`,
 * only its [build] and [test] sections, marked as the user's.
 */
static int read_file(struct matrix *m, const char *path, bool user)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int ret = -1, err;

	if (git_config_open_ondisk(&cfg, path) < 0 ||
	    git_config_iterator_new(&it, cfg) < 0) {
		error_git("cannot read %s '%s'", user ? "config" : "matrix",
			  path);
		goto out;
	}
	while (!(err = git_config_next(&e, it))) {
		if (user && !starts_with(e->name, "build.") &&
		    !starts_with(e->name, "test."))
			continue;
		size_t before = m->entries_nr;

		add_entry(m, e);
		if (m->entries_nr > before)
			m->entries[before].user = user;
	}
	if (err != GIT_ITEROVER) {
		error_git("cannot read %s '%s'", user ? "config" : "matrix",
			  path);
		goto out;
	}
	ret = 0;
out:
	git_config_iterator_free(it);
	git_config_free(cfg);
	return ret;
}

char *matrix_user_config_path(void)
{
	const char *env = getenv("BACKPORT_CONFIG"), *home = getenv("HOME");

	if (env)
		return *env ? xstrdup(env) : NULL;
	return home && *home ? xstrfmt("%s/.config/backport/config", home) :
			       NULL;
}

int matrix_read(struct matrix *m, const char *path)
{
	char *user = matrix_user_config_path();
	int ret = -1;

	m->path = xstrdup(path);
	if (!path_exists(path)) {
		error_set("matrix '%s' does not exist", path);
		goto out;
	}
	if (user && path_exists(user) && read_file(m, user, true) < 0)
		goto out;
	ret = read_file(m, path, false);
out:
	free(user);
	return ret;
}

int matrix_load(struct matrix *m, const char *path)
{
	if (matrix_read(m, path) < 0)
		return -1;
	for (size_t i = 0; i < m->entries_nr; i++)
		if (dispatch(m, &m->entries[i]) < 0)
			return -1;
	return resolve(m);
}

const char *matrix_distcc_hosts(const struct matrix *m)
{
	const char *v = matrix_get(m, "build", "", "distcc-hosts");

	if (v)
		return *v ? v : NULL;
	v = getenv("DISTCC_HOSTS");
	return v && *v ? v : NULL;
}

const char *matrix_get(const struct matrix *m, const char *section,
		       const char *sub, const char *key)
{
	for (size_t i = m->entries_nr; i-- > 0;) {
		const struct matrix_entry *e = &m->entries[i];

		if (!strcmp(e->section, section) && !strcmp(e->sub, sub) &&
		    !strcmp(e->key, key))
			return e->value;
	}
	return NULL;
}

char *matrix_find_path(const char *opt)
{
	const char *env = getenv("BACKPORT_MATRIX");
	char *p;

	if (opt)
		return xstrdup(opt);
	if (env && *env)
		return xstrdup(env);
	p = datadir_find("matrix/default.conf", "matrix/default.conf");
	return p ? p : xstrdup("matrix/default.conf");
}
