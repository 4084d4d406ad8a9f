// SPDX-License-Identifier: GPL-2.0
/*
 * datadir: where backport's data files are. See datadir.h.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "util/datadir.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

/* <dir>/<name> when it exists, else NULL. */
static char *existing(const char *dir, const char *name)
{
	char *p;

	if (!dir || !*dir)
		return NULL;
	p = xstrfmt("%s/%s", dir, name);
	if (path_exists(p))
		return p;
	free(p);
	return NULL;
}

/* The running binary's directory into `buf`, or false. */
static bool exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return false;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return true;
}

/* <top>/build/<kind>/backport: the checkout up to two levels above. */
static char *in_checkout(const char *bindir, const char *src)
{
	char dir[PATH_MAX];
	char *p;

	snprintf(dir, sizeof(dir), "%s", bindir);
	for (int up = 0; up < 3; up++) {
		char *slash;

		if ((p = existing(dir, src)))
			return p;
		slash = strrchr(dir, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return NULL;
}

char *datadir_find(const char *src, const char *inst)
{
	char bindir[PATH_MAX];
	char *p;

	if (path_exists(src))
		return xstrdup(src);
	if ((p = existing(getenv("BACKPORT_TOP"), src)))
		return p;
	if (exe_dir(bindir, sizeof(bindir))) {
		char *share = xstrfmt("%s/../share/backport", bindir);

		p = in_checkout(bindir, src);
		if (!p)
			p = existing(share, inst);
		free(share);
		if (p)
			return p;
	}
	return existing(BACKPORT_DATADIR, inst);
}

const char *datadir_installed(void)
{
	return BACKPORT_DATADIR;
}
