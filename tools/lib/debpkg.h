/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_DEBPKG_H
#define BACKPORT_DEBPKG_H

#include <stdbool.h>

#include "util/strbuf.h"

/*
 * Debian binary packages: fetch one through apt into a cache, and read a
 * file inside it as a stream, without extracting anything to disk.
 *
 *	char *deb;
 *	if (debpkg_fetch(&deb, NULL, "linux-source-6.12",
 *			 "6.12.117-1~deb12u1", &opts) < 0)
 *		return -1;
 *	struct debpkg d = DEBPKG_INIT;
 *	struct archive *tar;
 *	if (debpkg_open(&d, &tar, deb, "usr/src/linux-source-6.12.tar.") < 0)
 *		goto out;
 *	while (archive_read_next_header(tar, &entry) == ARCHIVE_OK) ...
 *	debpkg_finish(&d, sha256);	// hash of the whole .deb
 *	debpkg_release(&d);
 *
 * All errors name the package file and the member.
 */

struct debpkg_fetch_opts {
	/*
	 * Look here first for <package>_<version>_<arch>.deb (apt-get's
	 * names, ':' written as %3a); no apt is needed then. May be NULL.
	 */
	const char *deb_dir;
	/* Downloads are kept here (created as needed). */
	const char *cache_dir;
	/* apt-get's time limit; 0: 20 minutes. */
	unsigned long timeout_ms;
};

#define DEBPKG_FETCH_OPTS_INIT { 0 }

enum debpkg_origin {
	DEBPKG_FROM_DIR,	/* found in opts->deb_dir */
	DEBPKG_FROM_CACHE,	/* downloaded by an earlier run */
	DEBPKG_DOWNLOADED,	/* downloaded now */
};

/*
 * Find package=version in opts->deb_dir, then in opts->cache_dir, else
 * download it with `apt-get download` (which checks its hash against the
 * signed archive lists) into a temporary directory of the cache, and move
 * it into the cache once complete. `*out` is the path (caller frees);
 * `*origin` (may be NULL) tells where it was found.
 */
int debpkg_fetch(char **out, enum debpkg_origin *origin, const char *package,
		 const char *version, const struct debpkg_fetch_opts *opts);

/*
 * The SHA256 apt's lists give for package=version, as 64 hex digits, or
 * "" when apt does not know that version. Returns 0, or -1 when
 * apt-cache cannot run.
 */
int debpkg_apt_sha256(struct strbuf *out, const char *package,
		      const char *version);

struct archive;
struct debpkg_state;

struct debpkg {
	char *path;
	/* The member opened by debpkg_open(), without "./". */
	char *member;
	/* Its mtime (SOURCE_DATE_EPOCH of the package build). */
	long long mtime;
	struct debpkg_state *state;
};

#define DEBPKG_INIT { 0 }

void debpkg_init(struct debpkg *d);
void debpkg_release(struct debpkg *d);

/*
 * Open the .deb at `path`, find in its data.tar.* the first file whose
 * name (without "./") starts with `member_prefix`, and point `*tar` at a
 * libarchive reader of that file as an archive (any format and filter
 * libarchive knows). `*tar` is borrowed from `d`. Reading it may be done
 * from another thread than the one that opened it, one at a time.
 */
int debpkg_open(struct debpkg *d, struct archive **tar, const char *path,
		const char *member_prefix);

/*
 * Read the whole of the first file of the .deb's data.tar.* whose name
 * starts with `member_prefix` into `out`, decompressed when it is
 * compressed (a changelog.Debian.gz). Returns 1, 0 when the package
 * has no such file, or -1 with an error naming the package and member.
 */
int debpkg_read(struct strbuf *out, const char *path,
		const char *member_prefix);

/*
 * Read the rest of the .deb and store its SHA256 (64 hex digits and a
 * NUL) in `hex`. Returns 0 or -1 when the file cannot be read.
 */
int debpkg_finish(struct debpkg *d, char hex[65]);

/*
 * The message of the last libarchive error of the reader `tar`, for the
 * thread that reads it (error_set() is for the main thread).
 */
const char *debpkg_archive_error(struct archive *tar);

#endif
