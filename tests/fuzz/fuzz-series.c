// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-series: a hand-edited series file. The series directory holds a
 * cover letter (0000-cover-letter.eml), a patch mail (0001-a.eml) and a
 * web-archive rendering (0002-b.txt); the input is its `series` file,
 * loaded by series_load() and shown by series_to_json() as `show` does.
 */
#include <git2.h>

#include "fuzz.h"
#include "lib/series.h"

static const char fuzz_series_cover[] = "From: Ada Lovelace <ada@example.org>\n"
					"Subject: [PATCH 0/2] mm: fixes\n"
					"\n"
					"Two fixes.\n";

static const char fuzz_series_web[] = "[PATCH 2/2] mm: return eleven from b()\n"
				      "From: Ada Lovelace\n"
				      "Date: Thu May 28 2026 - 05:00:59 EST\n"
				      "b() returned 1.\n"
				      "Cc: stable@xxxxxxxxxxxxxxx # 6.12.x\n"
				      "---\n"
				      "diff --git a/mm/mmu.c b/mm/mmu.c\n"
				      "--- a/mm/mmu.c\n"
				      "+++ b/mm/mmu.c\n"
				      "@@ -5,3 +5,3 @@\n"
				      " int b(void)\n"
				      " {\n"
				      "-\treturn 1;\n"
				      "+\treturn 11;\n"
				      " }\n";

static void fuzz_series_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	git_libgit2_init();
	free(fuzz_write_str("series/s/0000-cover-letter.eml",
			    fuzz_series_cover));
	free(fuzz_write_str("series/s/0001-a.eml", fuzz_patch_mail()));
	free(fuzz_write_str("series/s/0002-b.txt", fuzz_series_web));
}

FUZZ_TARGET(series)
{
	struct series s = SERIES_INIT;
	char *path, *root;

	fuzz_series_setup();
	path = fuzz_write("series/s/series", data, size);
	root = xstrfmt("%s/series", fuzz_tmpdir());
	if (!series_load(&s, root, "s")) {
		json_t *j = series_to_json(&s);
		char *text = json_dumps(j, 0);

		free(text);
		json_decref(j);
	}
	series_release(&s);
	free(root);
	free(path);
	return 0;
}
