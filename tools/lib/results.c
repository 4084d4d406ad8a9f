// SPDX-License-Identifier: GPL-2.0
/*
 * results: the layout of a results directory. See results.h.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

char *results_build_dir(const char *results, const char *target,
			const char *variant)
{
	return xstrfmt("%s/build/%s/%s", results, target, variant);
}

char *results_test_dir(const char *results, const char *target,
		       const char *variant)
{
	return xstrfmt("%s/test/%s/%s", results, target, variant);
}

char *results_compare_path(const char *results, const char *target)
{
	return xstrfmt("%s/test/%s/compare.json", results, target);
}

char *results_diff_path(const char *results, const char *series,
			const char *target)
{
	if (!results)
		return xstrfmt("diff/%s/%s.txt", series, target);
	return xstrfmt("%s/diff/%s/%s.txt", results, series, target);
}

char *results_run_dir(const char *results, const char *id)
{
	return id ? xstrfmt("%s/runs/%s", results, id) :
		    xstrfmt("%s/latest", results);
}

char *results_run_series(const char *run_dir, const char *series)
{
	return xstrfmt("%s/cells/%s", run_dir, series);
}

char *results_find_compare(const char *results, const char *series,
			   const char *target)
{
	char *run = results_run_dir(results, NULL);
	char *root = results_run_series(run, series);
	char *path = results_compare_path(root, target);

	free(run);
	free(root);
	if (path_exists(path))
		return path;
	free(path);
	return results_compare_path(results, target);
}

static char *dup_string(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? xstrdup(s) : NULL;
}

int results_read_build(struct results_build *b, const char *results,
		       const char *target, const char *variant)
{
	char *dir = results_build_dir(results, target, variant);
	char *path = xstrfmt("%s/build.json", dir);
	json_t *j = NULL, *st;
	int ret;

	results_build_release(b);
	ret = results_read_json(&j, path);
	if (ret < 0 || !j)
		goto out;
	b->verdict = dup_string(j, "verdict");
	b->series = dup_string(j, "series");
	st = json_object_get(j, "selftests");
	if (json_is_object(st))
		b->selftests = dup_string(st, "dir");
	else if (json_is_string(st))
		b->selftests = xstrdup(json_string_value(st));
	b->bzimage = dup_string(j, "bzImage");
	b->built = b->verdict && !strcmp(b->verdict, "built") && b->bzimage &&
		   b->selftests;
	ret = 1;
out:
	json_decref(j);
	free(path);
	free(dir);
	return ret;
}

void results_build_release(struct results_build *b)
{
	free(b->verdict);
	free(b->series);
	free(b->bzimage);
	free(b->selftests);
	memset(b, 0, sizeof(*b));
}

void results_built_targets(struct strvec *out, const char *results)
{
	char *dir = xstrfmt("%s/build", results);
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			strvec_push(out, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	free(dir);
}

int results_read_json(json_t **out, const char *path)
{
	json_error_t err;

	*out = NULL;
	if (!path_exists(path))
		return 0;
	*out = json_load_file(path, 0, &err);
	if (!*out)
		return error_set("%s:%d: %s", path, err.line, err.text);
	return 0;
}

int results_write_json(const char *path, json_t *json)
{
	char *text = json_dumps(json, JSON_INDENT(2));
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	if (!text) {
		error_set("cannot write '%s': bad json", path);
		goto out;
	}
	if (slash) {
		*slash = '\0';
		if (mkdir_p(dir, 0755) < 0)
			goto out;
	}
	strbuf_addstr(&sb, text);
	strbuf_addch(&sb, '\n');
	ret = write_file_atomic(path, sb.buf, sb.len);
out:
	free(text);
	free(dir);
	strbuf_release(&sb);
	return ret;
}
