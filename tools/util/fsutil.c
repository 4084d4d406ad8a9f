// SPDX-License-Identifier: GPL-2.0
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "strbuf.h"
#include "xalloc.h"

int mkdir_p(const char *path, unsigned mode)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			ret = error_errno("cannot create directory '%s'", p);
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

int write_all(int fd, const void *data, size_t len, const char *name)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return error_errno("cannot write '%s'", name);
		p += n;
		len -= n;
	}
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, ret = -1;

	strbuf_addf(&tmp, "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_errno("cannot create '%s'", tmp.buf);
		goto out;
	}
	if (write_all(fd, data, len, path) < 0) {
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		error_errno("cannot write '%s'", path);
		unlink(tmp.buf);
		goto out;
	}
	if (rename(tmp.buf, path) < 0) {
		error_errno("cannot rename '%s' to '%s'", tmp.buf, path);
		unlink(tmp.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&tmp);
	return ret;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error_errno("cannot stat '%s'", path);
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return error_errno("cannot remove '%s'", path);
	return 0;
}

bool path_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

bool is_directory(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

char *cache_dir(void)
{
	const char *x = getenv("BACKPORT_CACHE_DIR");

	if (x && *x)
		return xstrdup(x);
	x = getenv("XDG_CACHE_HOME");
	if (x && *x)
		return xstrfmt("%s/backport", x);
	x = getenv("HOME");
	return xstrfmt("%s/.cache/backport", x && *x ? x : "/tmp");
}
