// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-patch: patch_parse() of a diff as a mail hands it over (a string),
 * patch_to_text(), patch_find_diff() and patch_id_of_text(). Property:
 * the canonical text of a parsed patch parses again, to the same
 * patch-id (patch_to_text() is what the patch-id is computed from).
 */
#include "fuzz.h"
#include "lib/patch.h"
#include "util/strbuf.h"

FUZZ_TARGET(patch)
{
	struct strbuf in = STRBUF_INIT, text = STRBUF_INIT;
	struct patch p = PATCH_INIT, again = PATCH_INIT;
	char id[41];
	size_t off;
	unsigned line;
	int ret = 0;

	strbuf_add(&in, data, size);
	patch_find_diff(in.buf, in.len, &off, &line);
	patch_id_of_text(id, in.buf, in.len);
	if (patch_parse(&p, in.buf, in.len, 1, "fuzz") < 0)
		goto out;
	patch_to_text(&text, &p);
	if (patch_parse(&again, text.buf, text.len, 1, "again") < 0 ||
	    strcmp(p.patch_id, again.patch_id))
		ret = 1;
out:
	patch_release(&p);
	patch_release(&again);
	strbuf_release(&in);
	strbuf_release(&text);
	return ret;
}
