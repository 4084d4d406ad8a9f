/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_DISTCC_H
#define BACKPORT_DISTCC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "util/strvec.h"

/*
 * distcc: kernel compiles on the build hosts a team already runs distccd
 * on. The hosts are distcc's own DISTCC_HOSTS syntax, from the matrix
 * (`[build] distcc-hosts = "host1/8,lzo host2:3633/16"`) or the
 * environment; kbuild runs make with CC="ccache gcc" and
 * CCACHE_PREFIX=distcc, so ccache still answers first and only its
 * misses go to the hosts.
 *
 *	struct distcc d = DISTCC_INIT;
 *	distcc_parse(&d, spec);
 *	distcc_probe(&d, 2000);		// dead hosts dropped, warned
 *	if (distcc_usable(&d))
 *		env DISTCC_HOSTS=distcc_hosts_env(&d), make -j<slots> ...
 *	distcc_count_log(&counts, log);	// who compiled what
 *	distcc_release(&d);
 *
 * Tokens: `HOST[:PORT][/LIMIT][,OPTIONS]` (TCP, probed with a connect),
 * `localhost[/LIMIT]`, `[USER]@HOST[/LIMIT]...` (distcc over ssh: kept,
 * not probed), and `--option` words (kept as they are). A host that does
 * not answer is left out with a warning; when none is left the build is
 * local, with a warning, never a failure. A host that dies during the
 * build is distcc's to handle: it compiles that unit locally and logs
 * "failed to distribute", which distcc_count_log() counts.
 *
 * NEEDSWORK: icecream (icecc) is not supported.
 * NEEDSWORK: zeroconf (+zeroconf) hosts are kept and not probed.
 */

struct distcc_host {
	char *token; /* as written: "host1/8,lzo" */
	char *name; /* "host1", "localhost" */
	unsigned port; /* 3632; 0 for localhost and ssh hosts */
	unsigned slots; /* /LIMIT, else distcc's default (4, 2 local) */
	bool probed;
	bool up;
};

struct distcc {
	struct distcc_host *hosts;
	size_t nr, alloc;
	struct strvec options; /* "--randomize", ... */
	struct strvec warnings; /* one line each, for the record and stderr */
};

#define DISTCC_INIT                                             \
	{                                                       \
		.options = STRVEC_INIT, .warnings = STRVEC_INIT \
	}

void distcc_init(struct distcc *d);
void distcc_release(struct distcc *d);

/*
 * Parse a DISTCC_HOSTS string into `d` (empty: no hosts). Returns 0, or
 * -1 with an error naming the token (a bad port or limit).
 */
int distcc_parse(struct distcc *d, const char *spec);

/*
 * Connect to each TCP host's port, at most `timeout_ms` each; one that
 * does not answer is marked down, with a warning in d->warnings.
 */
void distcc_probe(struct distcc *d, unsigned timeout_ms);

/* Whether a host other than localhost is left to compile on. */
bool distcc_usable(const struct distcc *d);

/* The slots of the hosts that are up (localhost included): make -j. */
unsigned distcc_slots(const struct distcc *d);

/* DISTCC_HOSTS for the hosts that are up, options first. Caller frees. */
char *distcc_hosts_env(const struct distcc *d);

/* Units compiled per host, from distcc's log. */
struct distcc_count {
	char *host; /* "127.0.0.1:3632/4" as distcc names it, "localhost" */
	size_t units;
};

struct distcc_counts {
	struct distcc_count *v;
	size_t nr, alloc;
	size_t fallbacks; /* "failed to distribute ..., running locally" */
};

#define DISTCC_COUNTS_INIT \
	{                  \
		0          \
	}

void distcc_counts_release(struct distcc_counts *c);

/*
 * Add the "compile X on HOST completed ok" lines of a distcc log
 * (DISTCC_LOG) to `c`; a missing file adds nothing.
 */
void distcc_count_text(struct distcc_counts *c, const char *text, size_t len);
void distcc_count_log(struct distcc_counts *c, const char *path);

/*
 * The record of a build (build.json's "distcc"):
 *	{ "hosts": [ {"host": "127.0.0.1:3632/4", "slots": 4, "up": true} ],
 *	  "units": { "127.0.0.1:3632/4": 12, "localhost": 1 },
 *	  "fallbacks": 0, "warnings": [ "..." ] }
 */
json_t *distcc_to_json(const struct distcc *d, const struct distcc_counts *c);

#endif
