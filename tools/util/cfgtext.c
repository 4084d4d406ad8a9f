// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <string.h>

#include "cfgtext.h"
#include "strbuf.h"

void cfgtext_value(struct strbuf *sb, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool quote = !n || isspace((unsigned char)v[0]) ||
		     isspace((unsigned char)v[n - 1]) || strpbrk(v, "#;\"\\");

	strbuf_addf(sb, "\t%s = ", key);
	if (quote)
		strbuf_addch(sb, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addch(sb, '\\');
		if (*p == '\n')
			strbuf_addstr(sb, "\\n");
		else
			strbuf_addch(sb, *p);
	}
	if (quote)
		strbuf_addch(sb, '"');
	strbuf_addch(sb, '\n');
}
