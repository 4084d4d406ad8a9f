// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-console: a guest's serial console output through the console
 * scanner, whole and in pieces, with a test named now and then as the
 * runner does. Property: pieces find the events the whole buffer finds.
 */
#include "fuzz.h"
#include "lib/console.h"

FUZZ_TARGET(console)
{
	struct console_scanner whole = CONSOLE_SCANNER_INIT,
			       pieces = CONSOLE_SCANNER_INIT;
	size_t step = size ? (data[0] & 31) + 1 : 1;
	int ret = 0;

	console_scan_buffer(&whole, (const char *)data, size);
	for (size_t i = 0; i < size; i += step) {
		console_scanner_write(&pieces, (const char *)data + i,
				      size - i < step ? size - i : step);
		if (data[i] == '!')
			console_scanner_set_test(&pieces, (unsigned)i, "t");
	}
	console_scanner_finish(&pieces);
	if (whole.events_nr != pieces.events_nr)
		ret = 1;
	for (size_t i = 0; i < whole.events_nr; i++)
		console_kind_name(whole.events[i].kind);
	console_prefix_len((const char *)data, size, NULL);
	console_scanner_release(&whole);
	console_scanner_release(&pieces);
	return ret;
}
