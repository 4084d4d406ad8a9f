/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_CFGTEXT_H
#define BACKPORT_CFGTEXT_H

struct strbuf;

/*
 * Writing files in git-config syntax by hand, so that they keep the order
 * and comments a person reads (libgit2 reads them back):
 *
 *	strbuf_addstr(&sb, "[patch \"0001-x.eml\"]\n");
 *	cfgtext_value(&sb, "subject", subject);
 *
 * A value is quoted when git-config needs it (leading or trailing blanks,
 * '#', ';', '"', '\'), with '"' and '\' escaped and newlines as "\n".
 */
void cfgtext_value(struct strbuf *sb, const char *key, const char *value);

#endif
