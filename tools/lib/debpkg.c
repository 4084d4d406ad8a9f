// SPDX-License-Identifier: GPL-2.0
/*
 * Debian binary packages. A .deb is an ar archive holding data.tar.*; the
 * file we want is a member of that tar, itself an archive. Three
 * libarchive readers are stacked, each reading the one below through a
 * callback, so nothing is extracted to disk. The bottom callback reads
 * the file and hashes it on the way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib.h>
#include <lzma.h>

#include "debpkg.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/xalloc.h"

#define DEBPKG_BUFSIZE (1 << 20)

struct debpkg_state {
	int fd;
	GChecksum *sha;
	char *buf;
	struct archive *deb;
	struct archive *data;
	struct archive *inner;
	/* An .xz member is decompressed here, on every core (liblzma). */
	bool xz;
	bool xz_in_eof;
	lzma_stream strm;
	uint8_t *xzbuf;
};

/* The cores liblzma may decompress on: the kernel's tarball has many blocks. */
#define DEBPKG_XZ_THREADS 2

void debpkg_init(struct debpkg *d)
{
	struct debpkg blank = DEBPKG_INIT;

	*d = blank;
}

void debpkg_release(struct debpkg *d)
{
	struct debpkg_state *s = d->state;

	if (s) {
		if (s->inner)
			archive_read_free(s->inner);
		if (s->xz)
			lzma_end(&s->strm);
		free(s->xzbuf);
		if (s->data)
			archive_read_free(s->data);
		if (s->deb)
			archive_read_free(s->deb);
		if (s->fd >= 0)
			close(s->fd);
		if (s->sha)
			g_checksum_free(s->sha);
		free(s->buf);
		free(s);
	}
	free(d->path);
	free(d->member);
	debpkg_init(d);
}

const char *debpkg_archive_error(struct archive *tar)
{
	const char *msg = archive_error_string(tar);

	return msg ? msg : "unexpected end of archive";
}

static la_ssize_t read_file(struct archive *a, void *data, const void **buf)
{
	struct debpkg_state *s = data;
	ssize_t n;

	do
		n = read(s->fd, s->buf, DEBPKG_BUFSIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read error");
		return -1;
	}
	g_checksum_update(s->sha, (const guchar *)s->buf, n);
	*buf = s->buf;
	return n;
}

/* Read the current entry of `client` (an archive) as a file. */
static la_ssize_t read_member(struct archive *a, void *client, const void **buf)
{
	size_t size = 0;
	la_int64_t offset;
	int r = archive_read_data_block(client, buf, &size, &offset);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN) {
		archive_set_error(a, archive_errno(client), "%s",
				  debpkg_archive_error(client));
		return -1;
	}
	return size;
}

/*
 * Read the current entry of s->data, an .xz file, decompressed with
 * liblzma's multi-threaded decoder: libarchive's xz filter uses one core,
 * and xz is what limits the import.
 */
static la_ssize_t read_xz(struct archive *a, void *client, const void **buf)
{
	struct debpkg_state *s = client;
	lzma_stream *z = &s->strm;

	z->next_out = s->xzbuf;
	z->avail_out = DEBPKG_BUFSIZE;
	while (z->avail_out == DEBPKG_BUFSIZE) {
		lzma_ret ret;

		if (!z->avail_in && !s->xz_in_eof) {
			const void *in = NULL;
			size_t size = 0;
			la_int64_t offset;
			int r = archive_read_data_block(s->data, &in, &size,
							&offset);

			if (r == ARCHIVE_EOF) {
				s->xz_in_eof = true;
			} else if (r < ARCHIVE_WARN) {
				archive_set_error(
					a, archive_errno(s->data), "%s",
					debpkg_archive_error(s->data));
				return -1;
			}
			z->next_in = in;
			z->avail_in = size;
		}
		ret = lzma_code(z, s->xz_in_eof ? LZMA_FINISH : LZMA_RUN);
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK) {
			archive_set_error(a, EINVAL,
					  "xz data is corrupt "
					  "(liblzma error %d)",
					  (int)ret);
			return -1;
		}
	}
	*buf = s->xzbuf;
	return DEBPKG_BUFSIZE - z->avail_out;
}

static int start_xz(struct debpkg_state *s)
{
	lzma_mt mt;

	memset(&mt, 0, sizeof(mt));
	mt.flags = LZMA_CONCATENATED;
	mt.threads = DEBPKG_XZ_THREADS;
	mt.memlimit_threading = 1ULL << 30;
	mt.memlimit_stop = UINT64_MAX;
	s->strm = (lzma_stream)LZMA_STREAM_INIT;
	if (lzma_stream_decoder_mt(&s->strm, &mt) != LZMA_OK)
		return -1;
	s->xz = true;
	s->xzbuf = xmalloc(DEBPKG_BUFSIZE);
	return 0;
}

static const char *entry_name(struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);

	if (!name)
		return "";
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

/* find_member(): the archive is fine and has no such member. */
#define NOT_THERE (-2)

/*
 * Advance `a` to the first regular file whose name starts with `prefix`.
 * Returns 0, or -1 / NOT_THERE with an error.
 */
static int find_member(struct debpkg *d, struct archive *a, const char *what,
		       const char *prefix)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) >= ARCHIVE_WARN) {
		if (r == ARCHIVE_EOF)
			break;
		if (archive_entry_filetype(e) != AE_IFREG ||
		    !starts_with(entry_name(e), prefix))
			continue;
		d->member = xstrdup(entry_name(e));
		d->mtime = archive_entry_mtime(e);
		return 0;
	}
	if (r == ARCHIVE_EOF) {
		error_set("package '%s': no %s '%s*' in it", d->path, what,
			  prefix);
		return NOT_THERE;
	}
	return error_set("package '%s': corrupt archive: %s", d->path,
			 debpkg_archive_error(a));
}

/* Open the .deb at `path` and advance its data.tar to `member_prefix`. */
static int open_data(struct debpkg *d, const char *path,
		     const char *member_prefix)
{
	struct debpkg_state *s = xcalloc(1, sizeof(*s));

	d->state = s;
	d->path = xstrdup(path);
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return error_errno("cannot open package '%s'", path);
	s->sha = g_checksum_new(G_CHECKSUM_SHA256);
	s->buf = xmalloc(DEBPKG_BUFSIZE);

	s->deb = archive_read_new();
	archive_read_support_format_ar(s->deb);
	if (archive_read_open(s->deb, s, NULL, read_file, NULL) != ARCHIVE_OK)
		return error_set("package '%s': not a .deb: %s", path,
				 debpkg_archive_error(s->deb));
	if (find_member(d, s->deb, "member", "data.tar") < 0)
		return -1;
	free(d->member);
	d->member = NULL;

	s->data = archive_read_new();
	archive_read_support_format_tar(s->data);
	archive_read_support_filter_all(s->data);
	if (archive_read_open(s->data, s->deb, NULL, read_member, NULL) !=
	    ARCHIVE_OK)
		return error_set("package '%s': corrupt data.tar: %s", path,
				 debpkg_archive_error(s->data));
	return find_member(d, s->data, "file", member_prefix);
}

int debpkg_open(struct debpkg *d, struct archive **tar, const char *path,
		const char *member_prefix)
{
	struct debpkg_state *s;

	if (open_data(d, path, member_prefix) < 0)
		return -1;
	s = d->state;
	s->inner = archive_read_new();
	archive_read_support_format_tar(s->inner);
	archive_read_support_filter_all(s->inner);
	if (ends_with(d->member, ".xz") && start_xz(s) < 0)
		return error_set("package '%s': cannot start the xz decoder",
				 path);
	if (archive_read_open(s->inner, s->xz ? (void *)s : s->data, NULL,
			      s->xz ? read_xz : read_member,
			      NULL) != ARCHIVE_OK)
		return error_set("package '%s': corrupt '%s': %s", path,
				 d->member, debpkg_archive_error(s->inner));
	*tar = s->inner;
	return 0;
}

int debpkg_read(struct strbuf *out, const char *path, const char *member_prefix)
{
	struct debpkg d = DEBPKG_INIT;
	struct strbuf raw = STRBUF_INIT;
	struct archive *a = NULL;
	struct archive_entry *e;
	struct debpkg_state *s;
	/* Not s->buf: the reader of the .deb itself fills that one. */
	char *buf = xmalloc(DEBPKG_BUFSIZE);
	la_ssize_t n;
	int ret = -1;

	ret = open_data(&d, path, member_prefix);
	if (ret < 0) {
		if (ret == NOT_THERE && d.member == NULL && d.state->data) {
			/* The package is fine; it has no such file. */
			error_clear();
			ret = 0;
		} else {
			ret = -1;
		}
		goto out;
	}
	ret = -1;
	s = d.state;
	while ((n = archive_read_data(s->data, buf, DEBPKG_BUFSIZE)) > 0)
		strbuf_add(&raw, buf, n);
	if (n < 0) {
		error_set("package '%s': cannot read '%s': %s", path, d.member,
			  debpkg_archive_error(s->data));
		goto out;
	}
	/* Through whatever compression it has (none: as it is). */
	a = archive_read_new();
	archive_read_support_format_raw(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_memory(a, raw.buf, raw.len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		error_set("package '%s': corrupt '%s': %s", path, d.member,
			  debpkg_archive_error(a));
		goto out;
	}
	while ((n = archive_read_data(a, buf, DEBPKG_BUFSIZE)) > 0)
		strbuf_add(out, buf, n);
	if (n < 0) {
		error_set("package '%s': cannot decompress '%s': %s", path,
			  d.member, debpkg_archive_error(a));
		goto out;
	}
	ret = 1;
out:
	if (a)
		archive_read_free(a);
	free(buf);
	strbuf_release(&raw);
	debpkg_release(&d);
	return ret;
}

int debpkg_finish(struct debpkg *d, char hex[65])
{
	struct debpkg_state *s = d->state;
	const void *buf;
	la_ssize_t n;

	while ((n = read_file(s->deb, s, &buf)) > 0)
		;
	if (n < 0)
		return error_errno("cannot read package '%s'", d->path);
	snprintf(hex, 65, "%s", g_checksum_get_string(s->sha));
	return 0;
}

/* apt-get's file name: <package>_<version, ':' as %3a>_ */
static char *deb_prefix(const char *package, const char *version)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s_", package);
	for (const char *p = version; *p; p++)
		if (*p == ':')
			strbuf_addstr(&sb, "%3a");
		else
			strbuf_addch(&sb, *p);
	strbuf_addch(&sb, '_');
	return strbuf_detach(&sb, NULL);
}

/* The first <prefix>*.deb in `dir`, or NULL. */
static char *find_deb(const char *dir, const char *prefix)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char *found = NULL;

	if (!dp)
		return NULL;
	while (!found && (de = readdir(dp)))
		if (starts_with(de->d_name, prefix) &&
		    ends_with(de->d_name, ".deb"))
			found = xstrfmt("%s/%s", dir, de->d_name);
	closedir(dp);
	return found;
}

/* The last "E: " line of apt's log, else its last line. */
static void apt_error(struct strbuf *out, const char *log)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL, *last = NULL, *last_e = NULL;

	if (strbuf_read_file(&sb, log) < 0)
		error_clear();
	for (line = strtok_r(sb.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		last = line;
		if (starts_with(line, "E: "))
			last_e = line;
	}
	strbuf_addstr(out, last_e ? last_e : last ? last : "no output");
	strbuf_release(&sb);
}

static int download(char **out, const char *package, const char *version,
		    const char *prefix, const struct debpkg_fetch_opts *opts)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	char *tmp = xstrfmt("%s/tmp-XXXXXX", opts->cache_dir);
	char *log = NULL, *got = NULL, *dest = NULL;
	struct strbuf msg = STRBUF_INIT;
	int ret = -1;

	if (!mkdtemp(tmp)) {
		error_errno("cannot create a directory in '%s'",
			    opts->cache_dir);
		goto out;
	}
	/* apt drops privileges to _apt to download: let it write here. */
	chmod(tmp, 0777);
	log = xstrfmt("%s.log", tmp);
	strbuf_addf(&msg, "%s=%s", package, version);
	strvec_pushl(&cp.args, "apt-get", "download", "-q", msg.buf, NULL);
	strvec_push(&cp.env, "LC_ALL=C");
	cp.dir = tmp;
	cp.log_path = log;
	cp.timeout_ms = opts->timeout_ms ? opts->timeout_ms : 20 * 60 * 1000;
	if (run_command(&cp) < 0) {
		error_prefix("package '%s=%s': ", package, version);
		goto out;
	}
	got = find_deb(tmp, prefix);
	if (cp.exit_code || !got) {
		strbuf_reset(&msg);
		if (cp.timed_out)
			strbuf_addstr(&msg, "timed out");
		else
			apt_error(&msg, log);
		error_set("cannot download package '%s=%s' with apt-get: %s",
			  package, version, msg.buf);
		goto out;
	}
	dest = xstrfmt("%s/%s", opts->cache_dir, strrchr(got, '/') + 1);
	if (rename(got, dest) < 0) {
		error_errno("cannot move '%s' to '%s'", got, dest);
		goto out;
	}
	*out = dest;
	dest = NULL;
	ret = 0;
out:
	if (log)
		unlink(log);
	if (remove_tree(tmp) < 0 && !ret)
		ret = -1;
	child_process_release(&cp);
	strbuf_release(&msg);
	free(tmp);
	free(log);
	free(got);
	free(dest);
	return ret;
}

int debpkg_fetch(char **out, enum debpkg_origin *origin, const char *package,
		 const char *version, const struct debpkg_fetch_opts *opts)
{
	char *prefix = deb_prefix(package, version);
	enum debpkg_origin from = DEBPKG_FROM_DIR;
	int ret = 0;

	*out = NULL;
	if (opts->deb_dir)
		*out = find_deb(opts->deb_dir, prefix);
	if (!*out) {
		from = DEBPKG_FROM_CACHE;
		*out = find_deb(opts->cache_dir, prefix);
	}
	if (!*out) {
		from = DEBPKG_DOWNLOADED;
		if (mkdir_p(opts->cache_dir, 0777) < 0)
			ret = -1;
		else
			ret = download(out, package, version, prefix, opts);
	}
	if (origin)
		*origin = from;
	free(prefix);
	return ret;
}

int debpkg_apt_sha256(struct strbuf *out, const char *package,
		      const char *version)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int ret = -1;

	strvec_pushl(&cp.args, "apt-cache", "show", NULL);
	strvec_pushf(&cp.args, "%s=%s", package, version);
	strvec_push(&cp.env, "LC_ALL=C");
	cp.out = &sb;
	cp.timeout_ms = 60 * 1000;
	if (run_command(&cp) < 0) {
		error_prefix("package '%s=%s': ", package, version);
		goto out;
	}
	ret = 0;
	if (cp.exit_code)
		goto out;
	p = strstr(sb.buf, "\nSHA256: ");
	if (p && strlen(p) >= 9 + 64)
		strbuf_add(out, p + 9, 64);
out:
	child_process_release(&cp);
	strbuf_release(&sb);
	return ret;
}
