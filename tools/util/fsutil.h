/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_FSUTIL_H
#define BACKPORT_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * File-system helpers. All return 0 or -1 with the error recorded naming
 * the path.
 */

/* mkdir -p */
int mkdir_p(const char *path, unsigned mode);
/* Write `len` bytes to `path` through a temporary file and rename(2). */
int write_file_atomic(const char *path, const void *data, size_t len);
/*
 * Write all `len` bytes to `fd`, through short and interrupted writes;
 * -1 with "cannot write '<name>'" recorded.
 */
int write_all(int fd, const void *data, size_t len, const char *name);
/* rm -rf; a missing path is not an error. */
int remove_tree(const char *path);
bool path_exists(const char *path);
bool is_directory(const char *path);
/* $XDG_CACHE_HOME/backport or ~/.cache/backport; caller frees. */
char *cache_dir(void);

#endif
