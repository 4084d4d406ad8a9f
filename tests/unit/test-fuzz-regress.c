// SPDX-License-Identifier: GPL-2.0
/*
 * The regression inputs of the fuzz harnesses: every file under
 * tests/fuzz/regress/<parser>/ (and the hand-written seeds under
 * tests/fuzz/seeds/<parser>/) goes through the harness of its parser,
 * built here with gcc and the sanitizers of the build instead of
 * libFuzzer: the normal parser entry points, the properties the harness
 * checks, no leak. No timing: the scaling is bench/parsers.sh's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ALL
#include "../fuzz/fuzz-console.c"
#include "../fuzz/fuzz-ktap.c"
#include "../fuzz/fuzz-mail.c"
#include "../fuzz/fuzz-matrix.c"
#include "../fuzz/fuzz-patch.c"
#include "../fuzz/fuzz-resolution.c"
#include "../fuzz/fuzz-series.c"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/strvec.h"

typedef int fuzz_fn(const uint8_t *data, size_t size);

/* Run every file of tests/fuzz/<kind>/<parser>/ through `fn`. */
static size_t run_dir(const char *kind, const char *parser, fuzz_fn *fn)
{
	const char *top = getenv("BACKPORT_TOP");
	char *dir =
		xstrfmt("%s/tests/fuzz/%s/%s", top ? top : ".", kind, parser);
	struct strvec names = STRVEC_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d) {
		free(dir);
		return 0;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strvec_push(&names, de->d_name);
	closedir(d);
	strvec_sort(&names);
	for (size_t i = 0; i < names.nr; i++) {
		struct strbuf sb = STRBUF_INIT;
		char *path = xstrfmt("%s/%s", dir, names.v[i]);

		if (strbuf_read_file(&sb, path) < 0)
			fail_msg("%s", error_last());
		if (fn((const uint8_t *)sb.buf, sb.len))
			fail_msg("fuzz-%s: '%s' breaks a promised property",
				 parser, path);
		print_message("ok: %s\n", path);
		strbuf_release(&sb);
		free(path);
		n++;
	}
	strvec_clear(&names);
	free(dir);
	return n;
}

/* Every parser named in the issue has regression inputs. */
static void run_parser(const char *parser, fuzz_fn *fn, bool must)
{
	size_t n = run_dir("regress", parser, fn);

	if (must)
		assert_true(n > 0);
	run_dir("seeds", parser, fn);
}

static void test_mail(void **state)
{
	run_parser("mail", fuzz_mail, true);
}

static void test_patch(void **state)
{
	run_parser("patch", fuzz_patch, true);
}

static void test_ktap(void **state)
{
	run_parser("ktap", fuzz_ktap, true);
}

static void test_console(void **state)
{
	run_parser("console", fuzz_console, false);
}

static void test_series(void **state)
{
	run_parser("series", fuzz_series, true);
}

static void test_matrix(void **state)
{
	run_parser("matrix", fuzz_matrix, false);
}

static void test_resolution(void **state)
{
	run_parser("resolution", fuzz_resolution, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_patch),
		cmocka_unit_test(test_ktap),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_resolution),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
