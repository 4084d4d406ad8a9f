// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-matrix: a matrix file (matrix/default.conf's syntax) through
 * matrix_load(), the one reader of the file, and matrix_get().
 */
#include <git2.h>

#include "fuzz.h"
#include "lib/matrix.h"

FUZZ_TARGET(matrix)
{
	static bool init;
	struct matrix m = MATRIX_INIT;
	char *path = fuzz_write("matrix.conf", data, size);

	if (!init) {
		git_libgit2_init();
		init = true;
	}
	if (!matrix_load(&m, path)) {
		matrix_get(&m, "matrix", "", "repo");
		matrix_find_branch(&m, "linux-6.12.y");
		matrix_branch_of(&m, "6.12.111");
	}
	matrix_release(&m);
	free(path);
	return 0;
}
