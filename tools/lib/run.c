// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/strvec.h"
#include "util/xalloc.h"

char *run_new_id(void)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
	return xstrdup(buf);
}

static int hash_dir_rel(struct strbuf *sb, const char *top, const char *rel)
{
	struct strvec names = STRVEC_INIT;
	char *dir = *rel ? xstrfmt("%s/%s", top, rel) : xstrdup(top);
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		ret = errno == ENOENT ? 0 : error_errno("cannot read '%s'", dir);
		free(dir);
		return ret;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strvec_push(&names, de->d_name);
	closedir(d);
	strvec_sort(&names);
	for (size_t i = 0; i < names.nr && !ret; i++) {
		char *r = *rel ? xstrfmt("%s/%s", rel, names.v[i]) :
				 xstrdup(names.v[i]);
		char *full = xstrfmt("%s/%s", top, r);

		if (is_directory(full)) {
			ret = hash_dir_rel(sb, top, r);
		} else {
			strbuf_addf(sb, "file %s\n", r);
			ret = strbuf_read_file(sb, full);
			strbuf_addch(sb, '\n');
		}
		free(full);
		free(r);
	}
	strvec_clear(&names);
	free(dir);
	return ret;
}

int run_hash_dir(struct strbuf *sb, const char *dir)
{
	strbuf_addf(sb, "dir %s\n", dir);
	return hash_dir_rel(sb, dir, "");
}

void run_key(char out[41], const struct strbuf *inputs)
{
	git_oid oid;

	git_odb_hash(&oid, inputs->buf, inputs->len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, 41, &oid);
}

int run_copy_dir(const char *from, const char *to)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	char *parent = xstrdup(to), *slash = strrchr(parent, '/');
	int ret = 0;

	if (slash) {
		*slash = '\0';
		ret = mkdir_p(parent, 0755);
	}
	free(parent);
	if (ret < 0 || remove_tree(to) < 0)
		return -1;
	strvec_pushl(&cp.args, "cp", "-a", from, to, NULL);
	if (run_command(&cp) < 0)
		ret = -1;
	else if (cp.exit_code)
		ret = error_set("cannot copy '%s' to '%s'", from, to);
	child_process_release(&cp);
	return ret;
}

int run_symlink(const char *target, const char *link)
{
	char *tmp = xstrfmt("%s.tmp.%d", link, (int)getpid());
	int ret = 0;

	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, link) < 0)
		ret = error_errno("cannot point '%s' at '%s'", link, target);
	free(tmp);
	return ret;
}
