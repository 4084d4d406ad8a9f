/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_DATADIR_H
#define BACKPORT_DATADIR_H

/*
 * datadir: where backport's own data files are (the default matrix and
 * its fragments, the in-guest runner), both when it runs from its
 * checkout and when it is installed.
 *
 * `src` is the file's path in the source tree ("matrix/default.conf",
 * "tools/guest/runner.sh"), `inst` its path under the installed data
 * directory ("matrix/default.conf", "guest/runner.sh"). The first that
 * exists of:
 *
 *	./<src>					(the current directory)
 *	$BACKPORT_TOP/<src>
 *	<top>/<src> for the binary at <top>/build/<kind>/backport
 *	<exe>/../share/backport/<inst>		(installed, relocatable:
 *						 DESTDIR and PREFIX alike)
 *	BACKPORT_DATADIR/<inst>			(compiled in by the Makefile:
 *						 $(datadir)/backport)
 *
 * Returns a path the caller frees, or NULL when none exists.
 */
char *datadir_find(const char *src, const char *inst);

/* The compiled-in data directory ($(datadir)/backport). Borrowed. */
const char *datadir_installed(void);

#endif
