// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/quilt.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/strset.h"
#include "util/xalloc.h"

bool quilt_is_queue(const char *dir)
{
	char *series = xstrfmt("%s/series", dir);
	bool yes = is_directory(dir) && path_exists(series) &&
		   !is_directory(series);

	free(series);
	return yes;
}

void quilt_queue_release(struct quilt_queue *q)
{
	strvec_clear(&q->files);
	strvec_clear(&q->unlisted);
	free(q->name);
	q->name = NULL;
}

/* A line of the series file: its patch name, else NULL (blank, comment). */
static int parse_line(char *line, const char *path, unsigned lineno,
		      char **name)
{
	char *save = NULL, *tok, *hash = strchr(line, '#');

	*name = NULL;
	if (hash)
		*hash = '\0';
	tok = strtok_r(line, " \t\r", &save);
	if (!tok)
		return 0;
	*name = tok;
	while ((tok = strtok_r(NULL, " \t\r", &save)))
		if (strcmp(tok, "-p1"))
			return error_set("%s:%u: option '%s' for '%s' is not "
					 "supported (a queue of git patches "
					 "applies with -p1)",
					 path, lineno, tok, *name);
	if (**name == '/' || !strncmp(*name, "../", 3) || strstr(*name, "/../"))
		return error_set("%s:%u: '%s' is outside the queue", path,
				 lineno, *name);
	return 0;
}

static int read_series(struct quilt_queue *q, const char *dir,
		       struct strset *listed)
{
	char *path = xstrfmt("%s/series", dir);
	struct strbuf sb = STRBUF_INIT;
	unsigned lineno = 0;
	char *line, *next;
	int ret = -1;

	if (strbuf_read_file(&sb, path) < 0)
		goto out;
	for (line = sb.buf; line && *line; line = next) {
		char *name, *file;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (parse_line(line, path, lineno, &name) < 0)
			goto out;
		if (!name)
			continue;
		if (!strset_add(listed, name)) {
			error_set("%s:%u: '%s' is listed twice", path, lineno,
				  name);
			goto out;
		}
		file = xstrfmt("%s/%s", dir, name);
		if (!path_exists(file) || is_directory(file)) {
			error_set("%s:%u: '%s' is listed but there is no such "
				  "file",
				  path, lineno, name);
			free(file);
			goto out;
		}
		strvec_push(&q->files, file);
		free(file);
	}
	if (!q->files.nr) {
		error_set("%s lists no patches", path);
		goto out;
	}
	ret = 0;
out:
	free(path);
	strbuf_release(&sb);
	return ret;
}

/* Patch files beside the series that it does not list. */
static int find_unlisted(struct quilt_queue *q, const char *dir,
			 const struct strset *listed)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return error_errno("cannot read directory '%s'", dir);
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		bool patch = (len > 6 && !strcmp(n + len - 6, ".patch")) ||
			     (len > 5 && !strcmp(n + len - 5, ".diff"));

		if (patch && !strset_has(listed, n))
			strvec_pushf(&q->unlisted, "%s/%s", dir, n);
	}
	closedir(d);
	strvec_sort(&q->unlisted);
	return 0;
}

int quilt_read(struct quilt_queue *q, const char *dir)
{
	struct strset listed = STRSET_INIT;
	int ret;

	ret = read_series(q, dir, &listed);
	if (!ret)
		ret = find_unlisted(q, dir, &listed);
	if (!ret) {
		char abs[PATH_MAX];

		q->name = quilt_queue_name(realpath(dir, abs) ? abs : dir);
	}
	strset_clear(&listed);
	return ret;
}

static bool is_version(const char *s, size_t n)
{
	bool digit = false;

	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			digit = true;
		else if (s[i] != '.')
			return false;
	}
	return digit;
}

char *quilt_queue_name(const char *dir)
{
	size_t end = strlen(dir), start, pstart;

	while (end > 1 && dir[end - 1] == '/')
		end--;
	for (start = end; start && dir[start - 1] != '/'; start--)
		;
	if (start == end || dir[start] == '.')
		return xstrdup("queue");
	if (!is_version(dir + start, end - start) || start < 2)
		return xstrndup(dir + start, end - start);
	for (pstart = start - 1; pstart && dir[pstart - 1] != '/'; pstart--)
		;
	if (pstart == start - 1)
		return xstrndup(dir + start, end - start);
	return xstrfmt("%.*s-%.*s", (int)(start - 1 - pstart), dir + pstart,
		       (int)(end - start), dir + start);
}
