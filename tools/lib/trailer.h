/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_TRAILER_H
#define BACKPORT_TRAILER_H

#include "lib/mail.h"

/*
 * trailer: what a mail's message (m->message, from m->message_line on)
 * says about its patch, read by mail.c once the body is split:
 *
 *	trailer_parse_message(m);
 *	m->trailers[i] (kind, key, value, the Fixes sha and subject),
 *	m->stable (the widest stable tag of its Cc: lines: "# 6.12.x",
 *	"# v6.1+", "# 5.15.y-6.6.y", or the older "[4.4+]"),
 *	m->upstream_commit ("commit <sha> upstream.", else
 *	"[ Upstream commit <sha> ]", else "(cherry picked from commit <sha>)")
 *
 * The structs and the public helpers (trailer_release(), stable_tag_*())
 * are declared in mail.h.
 */
void trailer_parse_message(struct mail *m);

#endif
