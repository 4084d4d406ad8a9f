// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-resolution: the recorded resolutions of a branch. The input is
 * the index (backports/<branch>/<series>/resolutions) and, after a line
 * "%%", the branch's renames file; the series directory holds one patch
 * (0001-a.patch). Loaded with resolution_store_load() and
 * renames_load(); the renames are applied to the patch and to the input.
 */
#include <git2.h>

#include "fuzz.h"
#include "lib/resolution.h"
#include "util/strbuf.h"
#include "util/strvec.h"

FUZZ_TARGET(resolution)
{
	static bool init;
	struct resolution_store st = RESOLUTION_STORE_INIT;
	struct renames r = RENAMES_INIT;
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct strvec used = STRVEC_INIT;
	const char *sep, *renames = "";
	char *index, *rn, *root;

	if (!init) {
		git_libgit2_init();
		free(fuzz_write_str("backports/b/s/0001-a.patch",
				    fuzz_patch_mail()));
		init = true;
	}
	strbuf_add(&in, data, size);
	sep = strstr(in.buf, "\n%%\n");
	if (sep)
		renames = sep + 4;
	index = fuzz_write("backports/b/s/resolutions", in.buf,
			   sep ? (size_t)(sep - in.buf + 1) : in.len);
	rn = fuzz_write_str("backports/b/renames", renames);
	root = xstrfmt("%s/backports", fuzz_tmpdir());
	if (!resolution_store_load(&st, root, "b"))
		resolution_find(&st, "0123", "mm: return ten from a()");
	if (!renames_load(&r, root, "b")) {
		renames_apply(&out, fuzz_patch_mail(),
			      strlen(fuzz_patch_mail()), &r, &used);
		strbuf_reset(&out);
		renames_apply(&out, in.buf, in.len, &r, &used);
	}
	resolution_store_release(&st);
	renames_release(&r);
	strbuf_release(&in);
	strbuf_release(&out);
	strvec_clear(&used);
	free(index);
	free(rn);
	free(root);
	return 0;
}
