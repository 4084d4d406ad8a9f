// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-ktap: KTAP / TAP 13 as a guest prints it, fed in pieces as the
 * serial console delivers them. Properties: feeding in pieces gives
 * what parsing the whole buffer gives, and printing is a fixed point,
 * print(parse(print(x))) == print(x), as ktap.h promises (except for a
 * run cut at its allowance of made-up MISSING tests, which ktap.h
 * exempts).
 */
#include "fuzz.h"
#include "lib/ktap.h"
#include "util/strbuf.h"

static bool fuzz_ktap_cut(const struct ktap_test *t)
{
	if (t->unlisted)
		return true;
	for (size_t i = 0; i < t->subtests_nr; i++)
		if (fuzz_ktap_cut(&t->subtests[i]))
			return true;
	return false;
}

/* Feed in pieces of 1 to 16 bytes, as the first byte says. */
static void fuzz_ktap_pieces(struct ktap_test *run, const uint8_t *data,
			     size_t size)
{
	struct ktap_parser p = KTAP_PARSER_INIT;
	size_t step = size ? (data[0] & 15) + 1 : 1;
	unsigned number;
	const char *name;
	unsigned counts[KTAP_RESULT_NR];

	for (size_t i = 0; i < size; i += step) {
		ktap_parser_write(&p, (const char *)data + i,
				  size - i < step ? size - i : step);
		if (ktap_parser_in_progress(&p, &number, &name) && name)
			(void)strlen(name);
	}
	if (size && data[0] & 0x80)
		ktap_parser_crash(&p, "Kernel panic - not syncing: fuzz");
	ktap_parser_finish(&p, run);
	ktap_parser_release(&p);
	ktap_test_count(run, counts);
	ktap_test_find(run, "x");
}

FUZZ_TARGET(ktap)
{
	struct ktap_test whole = KTAP_TEST_INIT, pieces = KTAP_TEST_INIT,
			 again = KTAP_TEST_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	int ret = 0;

	if (ktap_parse_buffer(&whole, (const char *)data, size) < 0)
		return 1;
	fuzz_ktap_pieces(&pieces, data, size);
	ktap_print(&a, &whole);
	ktap_print(&b, &pieces);
	if (!(size && data[0] & 0x80) && strcmp(a.buf, b.buf))
		ret = 1;
	if (!ret && ktap_parse_buffer(&again, a.buf, a.len) < 0)
		ret = 1;
	if (!ret) {
		ktap_print(&c, &again);
		if (!fuzz_ktap_cut(&whole) && strcmp(a.buf, c.buf))
			ret = 1;
	}
	ktap_test_release(&whole);
	ktap_test_release(&pieces);
	ktap_test_release(&again);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	return ret;
}
