// SPDX-License-Identifier: GPL-2.0
/*
 * Tree provisioning (see trees.h). The import runs two threads: a reader
 * that decompresses the .deb and its tarball (libarchive) and queues each
 * entry with its content, and the calling thread, which checks the path,
 * writes the blob (libgit2 hashes, deflates, or only freshens an object
 * it already has) and at the end builds the trees bottom-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <gio/gio.h>

#include "lib/changelog.h"
#include "lib/debpkg.h"
#include "lib/wordindex.h"
#include "trees.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define TREES_NAME "backport trees"
#define TREES_EMAIL "trees@backport.invalid"
/* Bytes of file content the reader may run ahead of the writer. */
#define QUEUE_MAX_BYTES (64u << 20)

void trees_result_init(struct trees_result *r)
{
	struct trees_result blank = TREES_RESULT_INIT;

	*r = blank;
}

void trees_result_release(struct trees_result *r)
{
	for (size_t i = 0; i < r->branches_nr; i++)
		free(r->branches[i].releases);
	free(r->branches);
	free(r->repo);
	trees_result_init(r);
}

/* --- the reader thread and its queue ----------------------------------- */

struct item {
	struct item *next;
	char *path;
	unsigned type; /* AE_IF*, or 0 for a hardlink */
	unsigned perm;
	char *link; /* symlink or hardlink target */
	char *data;
	size_t len;
};

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct item *head, *tail;
	size_t bytes;
	bool done; /* the reader has finished */
	bool stop; /* the writer has failed: reader, stop */
	struct strbuf error; /* the reader's error, if any */
	struct archive *tar;
	unsigned long long read; /* uncompressed bytes, for progress */
};

static void item_free(struct item *it)
{
	free(it->path);
	free(it->link);
	free(it->data);
	free(it);
}

static int read_content(struct queue *q, struct item *it,
			struct archive_entry *e)
{
	size_t alloc = archive_entry_size_is_set(e) ?
			       (size_t)archive_entry_size(e) :
			       0;
	la_ssize_t n;

	it->data = xmalloc(alloc + 1);
	for (;;) {
		if (it->len == alloc) {
			alloc = alloc ? alloc * 2 : 8192;
			it->data = xrealloc(it->data, alloc + 1);
		}
		n = archive_read_data(q->tar, it->data + it->len,
				      alloc - it->len);
		if (n < 0) {
			strbuf_addf(&q->error, "cannot read '%s': %s", it->path,
				    debpkg_archive_error(q->tar));
			return -1;
		}
		if (!n)
			return 0;
		it->len += n;
	}
}

static void queue_push(struct queue *q, struct item *it)
{
	pthread_mutex_lock(&q->lock);
	while (q->bytes > QUEUE_MAX_BYTES && !q->stop)
		pthread_cond_wait(&q->room, &q->lock);
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	__atomic_add_fetch(&q->bytes, it->len, __ATOMIC_RELAXED);
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
}

static void *reader(void *data)
{
	struct queue *q = data;
	struct archive_entry *e;
	int r;

	for (;;) {
		struct item *it;
		bool stop;

		pthread_mutex_lock(&q->lock);
		stop = q->stop;
		pthread_mutex_unlock(&q->lock);
		if (stop)
			break;
		r = archive_read_next_header(q->tar, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			strbuf_addf(&q->error, "corrupt archive: %s",
				    debpkg_archive_error(q->tar));
			break;
		}
		it = xcalloc(1, sizeof(*it));
		it->path = xstrdup(archive_entry_pathname(e) ?
					   archive_entry_pathname(e) :
					   "");
		it->perm = archive_entry_perm(e);
		if (archive_entry_hardlink(e)) {
			it->link = xstrdup(archive_entry_hardlink(e));
		} else {
			it->type = archive_entry_filetype(e);
			if (it->type == AE_IFLNK)
				it->link = xstrdup(
					archive_entry_symlink(e) ?
						archive_entry_symlink(e) :
						"");
		}
		if (it->type == AE_IFREG && read_content(q, it, e) < 0) {
			item_free(it);
			break;
		}
		q->read = archive_filter_bytes(q->tar, 0);
		queue_push(q, it);
	}
	pthread_mutex_lock(&q->lock);
	__atomic_store_n(&q->done, true, __ATOMIC_RELAXED);
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Take everything queued; NULL when the reader is done and all is taken. */
static struct item *queue_take(struct queue *q, unsigned long long *read)
{
	struct item *list;

	pthread_mutex_lock(&q->lock);
	while (!q->head && !q->done)
		pthread_cond_wait(&q->more, &q->lock);
	list = q->head;
	q->head = q->tail = NULL;
	__atomic_store_n(&q->bytes, 0, __ATOMIC_RELAXED);
	*read = q->read;
	pthread_cond_signal(&q->room);
	pthread_mutex_unlock(&q->lock);
	return list;
}

/* --- a pack of the new objects ----------------------------------------- */

/*
 * Each new object goes into one pack, written as we go: no delta, zlib
 * level 1 (GIO's compressor: zlib itself is not among our libraries), and
 * its .idx (version 2) written at the end. One file instead of 90,000
 * loose ones is most of the speed. The pack is named and moved into
 * objects/pack only when complete, .idx last, so a reader never sees half
 * of it.
 */
struct pack_obj {
	git_oid oid;
	uint64_t offset;
	uint32_t crc;
};

struct pack {
	git_odb *odb;
	char *dir; /* objects/pack */
	char *tmp; /* the pack being written */
	int fd;
	char *buf;
	size_t len;
	uint64_t offset;
	GConverter *z, *store;
	/* Set by the caller: compress now (the reader is ahead) or store. */
	bool compress;
	struct pack_obj *objs;
	size_t nr, alloc;
	uint32_t *set; /* open addressing: index + 1, or 0 */
	size_t set_size;
};

#define PACK_BUFSIZE (1u << 20)

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] =
				(crc_table[t - 1][i] >> 8) ^
				crc_table[0][crc_table[t - 1][i] & 0xff];
}

/* zlib's crc32(), slicing by 8. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n >= 8) {
		uint32_t lo = crc ^
			      ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
			      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int write_all(int fd, const void *data, size_t len, const char *path)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_errno("cannot write '%s'", path);
		p += n;
		len -= n;
	}
	return 0;
}

static int pack_flush(struct pack *pk)
{
	int ret = write_all(pk->fd, pk->buf, pk->len, pk->tmp);

	pk->len = 0;
	return ret;
}

static int pack_init(struct pack *pk, git_repository *repo, git_odb *odb)
{
	static const unsigned char head[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 };

	pthread_once(&crc_once, crc_init);
	pk->odb = odb;
	pk->fd = -1;
	pk->dir = xstrfmt("%s/objects/pack", git_repository_path(repo));
	if (mkdir_p(pk->dir, 0777) < 0)
		return -1;
	pk->tmp = xstrfmt("%s/tmp_pack_backport_XXXXXX", pk->dir);
	pk->fd = mkostemp(pk->tmp, O_CLOEXEC);
	if (pk->fd < 0)
		return error_errno("cannot create a pack in '%s'", pk->dir);
	pk->buf = xmalloc(PACK_BUFSIZE);
	memcpy(pk->buf, head, sizeof(head));
	pk->len = pk->offset = sizeof(head);
	pk->z = G_CONVERTER(
		g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 1));
	pk->store = G_CONVERTER(
		g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 0));
	pk->set_size = 1 << 17;
	pk->set = xcalloc(pk->set_size, sizeof(*pk->set));
	return 0;
}

static void pack_release(struct pack *pk)
{
	if (pk->fd >= 0)
		close(pk->fd);
	if (pk->tmp)
		unlink(pk->tmp);
	if (pk->z)
		g_object_unref(pk->z);
	if (pk->store)
		g_object_unref(pk->store);
	free(pk->tmp);
	free(pk->dir);
	free(pk->buf);
	free(pk->objs);
	free(pk->set);
	memset(pk, 0, sizeof(*pk));
}

static uint32_t oid_hash(const git_oid *oid)
{
	uint32_t h;

	memcpy(&h, oid->id, sizeof(h));
	return h;
}

static void set_grow(struct pack *pk)
{
	free(pk->set);
	pk->set_size *= 2;
	pk->set = xcalloc(pk->set_size, sizeof(*pk->set));
	for (size_t i = 0; i < pk->nr; i++) {
		size_t h = oid_hash(&pk->objs[i].oid) & (pk->set_size - 1);

		while (pk->set[h])
			h = (h + 1) & (pk->set_size - 1);
		pk->set[h] = i + 1;
	}
}

/* Already in this pack? Else reserve its slot: *slot. */
static bool pack_has(struct pack *pk, const git_oid *oid, size_t *slot)
{
	size_t h;

	if (2 * (pk->nr + 1) > pk->set_size)
		set_grow(pk);
	h = oid_hash(oid) & (pk->set_size - 1);
	while (pk->set[h]) {
		if (git_oid_equal(&pk->objs[pk->set[h] - 1].oid, oid))
			return true;
		h = (h + 1) & (pk->set_size - 1);
	}
	*slot = h;
	return false;
}

/* Add an object of known id unless the pack or the repository has it. */
static int pack_add(struct pack *pk, const git_oid *oid, git_object_t type,
		    const void *data, size_t len, const char *what)
{
	const unsigned char *in = data;
	unsigned char hdr[16];
	size_t slot, n = 0, left = len;
	struct pack_obj *o;
	GConverter *z = pk->compress ? pk->z : pk->store;
	uint32_t crc;

	if (pack_has(pk, oid, &slot) || git_odb_exists(pk->odb, oid))
		return 0;
	hdr[n] = (type << 4) | (len & 15);
	for (size_t s = len >> 4; s; s >>= 7) {
		hdr[n++] |= 0x80;
		hdr[n] = s & 0x7f;
	}
	n++;
	if (pk->len + n > PACK_BUFSIZE && pack_flush(pk) < 0)
		return -1;
	memcpy(pk->buf + pk->len, hdr, n);
	crc = crc32_update(0, hdr, n);
	pk->len += n;
	g_converter_reset(z);
	for (;;) {
		gsize r = 0, w = 0;
		GError *err = NULL;
		GConverterResult res;

		if (PACK_BUFSIZE - pk->len < 65536 && pack_flush(pk) < 0)
			return -1;
		res = g_converter_convert(z, in, left, pk->buf + pk->len,
					  PACK_BUFSIZE - pk->len,
					  G_CONVERTER_INPUT_AT_END, &r, &w,
					  &err);
		if (res == G_CONVERTER_ERROR) {
			error_set("cannot compress '%s': %s", what,
				  err->message);
			g_error_free(err);
			return -1;
		}
		crc = crc32_update(crc, (unsigned char *)pk->buf + pk->len, w);
		pk->len += w;
		n += w;
		in += r;
		left -= r;
		if (res == G_CONVERTER_FINISHED)
			break;
	}
	ALLOC_GROW(pk->objs, pk->nr + 1, pk->alloc);
	o = &pk->objs[pk->nr];
	git_oid_cpy(&o->oid, oid);
	o->offset = pk->offset;
	o->crc = crc;
	pk->set[slot] = ++pk->nr;
	pk->offset += n;
	return 0;
}

/*
 * git_odb_hash() with GLib's SHA1, half again as fast as libgit2's
 * collision-detecting one; the ids are the same, and git fsck checks them.
 */
static void hash_object(git_oid *out, git_object_t type, const void *data,
			size_t len)
{
	GChecksum *sha = g_checksum_new(G_CHECKSUM_SHA1);
	char hdr[64];
	gsize n = GIT_OID_SHA1_SIZE;
	int hlen = snprintf(hdr, sizeof(hdr), "%s %zu",
			    git_object_type2string(type), len);

	g_checksum_update(sha, (guchar *)hdr, hlen + 1);
	g_checksum_update(sha, data, len);
	memset(out, 0, sizeof(*out));
	g_checksum_get_digest(sha, out->id, &n);
	g_checksum_free(sha);
}

static int obj_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct pack_obj *)a)->oid,
			   &((const struct pack_obj *)b)->oid);
}

/* The pack's trailer: SHA1 of all of it, read back (the count changed). */
static int pack_checksum(struct pack *pk, unsigned char sum[20])
{
	GChecksum *sha = g_checksum_new(G_CHECKSUM_SHA1);
	gsize n = 20;
	off_t off = 0;
	ssize_t r;
	int ret = 0;

	while ((r = pread(pk->fd, pk->buf, PACK_BUFSIZE, off)) > 0) {
		g_checksum_update(sha, (guchar *)pk->buf, r);
		off += r;
	}
	if (r < 0)
		ret = error_errno("cannot read '%s'", pk->tmp);
	g_checksum_get_digest(sha, sum, &n);
	g_checksum_free(sha);
	return ret;
}

static int write_idx(struct pack *pk, const char *path,
		     const unsigned char packsum[20])
{
	struct strbuf idx = STRBUF_INIT;
	GChecksum *sha = g_checksum_new(G_CHECKSUM_SHA1);
	unsigned char b4[4], b8[8], sum[20];
	uint32_t fanout[256] = { 0 }, large = 0;
	gsize n = 20;
	int fd, ret = -1;

	strbuf_add(&idx, "\377tOc\0\0\0\2", 8);
	for (size_t i = 0; i < pk->nr; i++)
		fanout[pk->objs[i].oid.id[0]]++;
	for (int i = 0, sum32 = 0; i < 256; i++) {
		sum32 += fanout[i];
		put_be32(b4, sum32);
		strbuf_add(&idx, b4, 4);
	}
	for (size_t i = 0; i < pk->nr; i++)
		strbuf_add(&idx, pk->objs[i].oid.id, GIT_OID_SHA1_SIZE);
	for (size_t i = 0; i < pk->nr; i++) {
		put_be32(b4, pk->objs[i].crc);
		strbuf_add(&idx, b4, 4);
	}
	for (size_t i = 0; i < pk->nr; i++) {
		uint64_t off = pk->objs[i].offset;

		put_be32(b4, off < 0x80000000u ? off : 0x80000000u | large++);
		strbuf_add(&idx, b4, 4);
	}
	for (size_t i = 0; i < pk->nr; i++) {
		uint64_t off = pk->objs[i].offset;

		if (off < 0x80000000u)
			continue;
		put_be32(b8, off >> 32);
		put_be32(b8 + 4, off);
		strbuf_add(&idx, b8, 8);
	}
	strbuf_add(&idx, packsum, 20);
	g_checksum_update(sha, (guchar *)idx.buf, idx.len);
	g_checksum_get_digest(sha, sum, &n);
	strbuf_add(&idx, sum, 20);

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0) {
		error_errno("cannot create '%s'", path);
		goto out;
	}
	ret = write_all(fd, idx.buf, idx.len, path);
	if (close(fd) < 0 && !ret)
		ret = error_errno("cannot write '%s'", path);
out:
	g_checksum_free(sha);
	strbuf_release(&idx);
	return ret;
}

/* Complete the pack and move it into objects/pack; then the odb sees it. */
static int pack_finish(struct pack *pk)
{
	unsigned char count[4], sum[20];
	char hex[41];
	char *pack = NULL, *idx = NULL, *tmp_idx = NULL;
	int ret = -1;

	if (!pk->nr) {
		ret = 0;
		goto out;
	}
	if (pack_flush(pk) < 0)
		goto out;
	put_be32(count, pk->nr);
	if (pwrite(pk->fd, count, 4, 8) != 4) {
		error_errno("cannot write '%s'", pk->tmp);
		goto out;
	}
	if (pack_checksum(pk, sum) < 0 ||
	    write_all(pk->fd, sum, 20, pk->tmp) < 0)
		goto out;
	if (close(pk->fd) < 0) {
		pk->fd = -1;
		error_errno("cannot write '%s'", pk->tmp);
		goto out;
	}
	pk->fd = -1;
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	qsort(pk->objs, pk->nr, sizeof(*pk->objs), obj_cmp);
	pack = xstrfmt("%s/pack-%s.pack", pk->dir, hex);
	idx = xstrfmt("%s/pack-%s.idx", pk->dir, hex);
	tmp_idx = xstrfmt("%s.idx", pk->tmp);
	if (write_idx(pk, tmp_idx, sum) < 0)
		goto out;
	chmod(pk->tmp, 0444);
	if (rename(pk->tmp, pack) < 0 || rename(tmp_idx, idx) < 0) {
		error_errno("cannot move pack into '%s'", pk->dir);
		goto out;
	}
	if (git_odb_refresh(pk->odb) < 0) {
		error_git("cannot read new pack '%s'", pack);
		goto out;
	}
	ret = 0;
out:
	if (tmp_idx)
		unlink(tmp_idx);
	free(pack);
	free(idx);
	free(tmp_idx);
	return ret;
}

/* --- the writer: paths, blobs, trees ----------------------------------- */

struct entry {
	char *path; /* top directory stripped */
	char *hardlink; /* target path (stripped), resolved later */
	git_oid oid;
	unsigned mode;
	size_t seq;
};

struct import {
	git_repository *repo;
	git_odb *odb;
	const char *deb; /* for messages */
	char *top; /* the top directory, stripped */
	struct pack pack;
	struct entry *entries;
	size_t entries_nr, entries_alloc;
};

/*
 * Check a path of the tarball and strip its top directory into `out`;
 * `*skip` when it is the top directory itself. Returns 0 or -1.
 */
static int check_path(struct import *im, struct strbuf *out, bool *skip,
		      const char *path)
{
	const char *p = path, *slash;
	size_t toplen;

	*skip = false;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (*p == '/' || !*p)
		return error_set("package '%s': path '%s' is absolute or empty",
				 im->deb, path);
	if (!im->top) {
		slash = strchr(p, '/');
		im->top = slash ? xstrndup(p, slash - p) : xstrdup(p);
	}
	toplen = strlen(im->top);
	if (strncmp(p, im->top, toplen) || (p[toplen] && p[toplen] != '/'))
		return error_set("package '%s': path '%s' is outside the top "
				 "directory '%s'",
				 im->deb, path, im->top);
	p += toplen;
	while (*p == '/')
		p++;
	if (!*p) {
		*skip = true;
		return 0;
	}
	strbuf_reset(out);
	strbuf_addstr(out, p);
	if (out->len && out->buf[out->len - 1] == '/')
		strbuf_setlen(out, out->len - 1);
	for (const char *c = out->buf; *c; c = slash + 1) {
		size_t n;

		slash = strchrnul(c, '/');
		n = slash - c;
		if (!n || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.') ||
		    (n == 4 && !strncasecmp(c, ".git", 4)))
			return error_set("package '%s': path '%s' has a '%.*s' "
					 "component",
					 im->deb, path, (int)n, c);
		if (!*slash)
			break;
	}
	return 0;
}

/* Does a symlink at `path` (in the tree) to `target` stay inside? */
static bool link_inside(const char *path, const char *target)
{
	int depth = 0;
	const char *c, *slash;

	if (*target == '/' || !*target)
		return false;
	for (c = path; (slash = strchr(c, '/')); c = slash + 1)
		depth++;
	for (c = target; *c; c = *slash ? slash + 1 : slash) {
		size_t n;

		slash = strchrnul(c, '/');
		n = slash - c;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (--depth < 0)
				return false;
		} else if (n && !(n == 1 && c[0] == '.')) {
			depth++;
		}
	}
	return true;
}

static struct entry *add_entry(struct import *im, const char *path,
			       unsigned mode)
{
	struct entry *e;

	ALLOC_GROW(im->entries, im->entries_nr + 1, im->entries_alloc);
	e = &im->entries[im->entries_nr];
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	e->mode = mode;
	e->seq = im->entries_nr++;
	return e;
}

static int write_item(struct import *im, struct item *it, struct strbuf *path)
{
	struct strbuf target = STRBUF_INIT;
	struct entry *e;
	bool skip;
	int ret = -1;

	if (check_path(im, path, &skip, it->path) < 0)
		goto out;
	if (skip || it->type == AE_IFDIR) {
		ret = 0;
		goto out;
	}
	switch (it->type) {
	case AE_IFREG:
		e = add_entry(im, path->buf,
			      it->perm & 0111 ? GIT_FILEMODE_BLOB_EXECUTABLE :
						GIT_FILEMODE_BLOB);
		hash_object(&e->oid, GIT_OBJECT_BLOB, it->data, it->len);
		if (pack_add(&im->pack, &e->oid, GIT_OBJECT_BLOB, it->data,
			     it->len, it->path) < 0) {
			error_prefix("package '%s': ", im->deb);
			goto out;
		}
		break;
	case AE_IFLNK:
		if (!link_inside(path->buf, it->link)) {
			error_set("package '%s': symlink '%s' points outside "
				  "the tree ('%s')",
				  im->deb, it->path, it->link);
			goto out;
		}
		e = add_entry(im, path->buf, GIT_FILEMODE_LINK);
		hash_object(&e->oid, GIT_OBJECT_BLOB, it->link,
			    strlen(it->link));
		if (pack_add(&im->pack, &e->oid, GIT_OBJECT_BLOB, it->link,
			     strlen(it->link), it->path) < 0) {
			error_prefix("package '%s': ", im->deb);
			goto out;
		}
		break;
	case 0:
		if (check_path(im, &target, &skip, it->link) < 0)
			goto out;
		if (skip) {
			error_set("package '%s': hardlink '%s' to a directory",
				  im->deb, it->path);
			goto out;
		}
		e = add_entry(im, path->buf, 0);
		e->hardlink = strbuf_detach(&target, NULL);
		break;
	default:
		error_set("package '%s': '%s' is not a file, directory or "
			  "symlink",
			  im->deb, it->path);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&target);
	return ret;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int entry_path_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct entry *)elem)->path);
}

/* Sort, keep the last of duplicate paths, resolve hardlinks. */
static int settle_entries(struct import *im)
{
	size_t n = 0;

	qsort(im->entries, im->entries_nr, sizeof(*im->entries), entry_cmp);
	for (size_t i = 0; i < im->entries_nr; i++) {
		if (i + 1 < im->entries_nr &&
		    !strcmp(im->entries[i].path, im->entries[i + 1].path)) {
			free(im->entries[i].path);
			free(im->entries[i].hardlink);
			continue;
		}
		im->entries[n++] = im->entries[i];
	}
	im->entries_nr = n;
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &im->entries[i], *t;

		if (!e->hardlink)
			continue;
		t = bsearch(e->hardlink, im->entries, n, sizeof(*e),
			    entry_path_cmp);
		if (!t || t->hardlink)
			return error_set("package '%s': hardlink '%s' to "
					 "'%s', which is not a file before it",
					 im->deb, e->path, e->hardlink);
		e->oid = t->oid;
		e->mode = t->mode;
	}
	return 0;
}

/*
 * Write the tree of entries [lo, hi), which share a prefix of plen. The
 * entries are sorted by path with strcmp(), which is git's order of tree
 * entries too (a directory "a" sorts as "a/").
 */
static int build_tree(struct import *im, git_oid *out, size_t lo, size_t hi,
		      size_t plen)
{
	struct strbuf tree = STRBUF_INIT;
	const char *last = NULL;
	size_t last_len = 0;
	int ret = -1;

	for (size_t i = lo, j; i < hi; i = j) {
		const struct entry *e = &im->entries[i];
		const char *base = e->path + plen;
		const char *slash = strchr(base, '/');
		size_t n = slash ? (size_t)(slash - base) : strlen(base);
		git_oid oid = e->oid;
		unsigned mode = e->mode;

		j = i + 1;
		if (slash) {
			while (j < hi && !strncmp(im->entries[j].path + plen,
						  base, n + 1))
				j++;
			if (build_tree(im, &oid, i, j, plen + n + 1) < 0)
				goto out;
			mode = GIT_FILEMODE_TREE;
		}
		if (last && last_len == n && !memcmp(last, base, n)) {
			error_set("package '%s': '%.*s' is both a file and a "
				  "directory",
				  im->deb, (int)(plen + n), e->path);
			goto out;
		}
		last = base;
		last_len = n;
		strbuf_addf(&tree, "%o ", mode);
		strbuf_add(&tree, base, n);
		strbuf_addch(&tree, '\0');
		strbuf_add(&tree, oid.id, GIT_OID_SHA1_SIZE);
	}
	hash_object(out, GIT_OBJECT_TREE, tree.buf, tree.len);
	if (pack_add(&im->pack, out, GIT_OBJECT_TREE, tree.buf, tree.len,
		     "tree") < 0) {
		error_prefix("package '%s': ", im->deb);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&tree);
	return ret;
}

static void import_release(struct import *im)
{
	for (size_t i = 0; i < im->entries_nr; i++) {
		free(im->entries[i].path);
		free(im->entries[i].hardlink);
	}
	free(im->entries);
	free(im->top);
	pack_release(&im->pack);
	git_odb_free(im->odb);
}

static void report(const struct trees_opts *opts, struct trees_progress *p,
		   enum trees_phase phase)
{
	p->phase = phase;
	if (opts->progress)
		opts->progress(p, opts->progress_data);
}

/* Drain the queue into the object database; stops the reader on error. */
static int write_items(struct import *im, struct queue *q,
		       struct trees_progress *p, const struct trees_opts *opts)
{
	struct strbuf path = STRBUF_INIT;
	struct item *list, *next;
	unsigned long long read;
	size_t reported = 0;
	int ret = 0;

	while ((list = queue_take(q, &read))) {
		size_t backlog = 0;

		for (struct item *it = list; it; it = it->next)
			backlog += it->len;
		for (; list; list = next) {
			next = list->next;
			/*
			 * Deflate while the reader (xz) is the slower one,
			 * store when it is ahead: the pack is as small as
			 * the import's time allows. `git gc` recompresses.
			 */
			im->pack.compress =
				backlog + __atomic_load_n(&q->bytes,
							  __ATOMIC_RELAXED) <
					QUEUE_MAX_BYTES / 8 &&
				!__atomic_load_n(&q->done, __ATOMIC_RELAXED);
			backlog -= list->len;
			if (!ret && write_item(im, list, &path) < 0) {
				ret = -1;
				pthread_mutex_lock(&q->lock);
				q->stop = true;
				pthread_cond_signal(&q->room);
				pthread_mutex_unlock(&q->lock);
			}
			item_free(list);
		}
		p->files = im->entries_nr;
		p->bytes = read;
		if (p->files >= reported + 10000) {
			reported = p->files;
			report(opts, p, TREES_READING);
		}
	}
	strbuf_release(&path);
	return ret;
}

int trees_import(struct trees_import_info *info, git_repository *repo,
		 const char *deb_path, const char *package,
		 struct trees_progress *progress, const struct trees_opts *opts)
{
	struct import im = { .repo = repo, .deb = deb_path };
	struct queue q = { .lock = PTHREAD_MUTEX_INITIALIZER,
			   .more = PTHREAD_COND_INITIALIZER,
			   .room = PTHREAD_COND_INITIALIZER,
			   .error = STRBUF_INIT };
	struct debpkg d = DEBPKG_INIT;
	char *prefix = xstrfmt("usr/src/%s.tar.", package);
	pthread_t thread;
	bool started = false;
	int ret = -1, err;

	if (git_repository_odb(&im.odb, repo) < 0) {
		error_git("cannot open the object database");
		goto out;
	}
	if (pack_init(&im.pack, repo, im.odb) < 0 ||
	    debpkg_open(&d, &q.tar, deb_path, prefix) < 0)
		goto out;
	info->mtime = d.mtime;
	err = pthread_create(&thread, NULL, reader, &q);
	if (err) {
		errno = err;
		error_errno("cannot start a thread");
		goto out;
	}
	started = true;
	report(opts, progress, TREES_READING);
	ret = write_items(&im, &q, progress, opts);
	pthread_join(thread, NULL);
	started = false;
	if (!ret && q.error.len) {
		error_set("package '%s': %s", deb_path, q.error.buf);
		ret = -1;
	}
	if (ret)
		goto out;
	ret = -1;
	if (!im.entries_nr) {
		error_set("package '%s': '%s' holds no files", deb_path,
			  d.member);
		goto out;
	}
	report(opts, progress, TREES_WRITING);
	if (settle_entries(&im) < 0 ||
	    build_tree(&im, &info->tree, 0, im.entries_nr, 0) < 0 ||
	    pack_finish(&im.pack) < 0 || debpkg_finish(&d, info->sha256) < 0)
		goto out;
	info->files = im.entries_nr;
	ret = 0;
out:
	if (started) {
		pthread_mutex_lock(&q.lock);
		q.stop = true;
		pthread_cond_signal(&q.room);
		pthread_mutex_unlock(&q.lock);
		pthread_join(thread, NULL);
	}
	while (q.head) {
		struct item *next = q.head->next;

		item_free(q.head);
		q.head = next;
	}
	strbuf_release(&q.error);
	debpkg_release(&d);
	import_release(&im);
	free(prefix);
	return ret;
}

/* --- provisioning ------------------------------------------------------ */

char *trees_repo(const struct matrix *m, const struct trees_opts *opts,
		 bool *user)
{
	char *cache;
	char *path;

	*user = true;
	if (opts->repo)
		return xstrdup(opts->repo);
	if (m->repo)
		return xstrdup(m->repo);
	*user = false;
	cache = opts->cache ? xstrdup(opts->cache) : cache_dir();
	path = xstrfmt("%s/%s.git", cache, m->trees ? m->trees : "linux");
	free(cache);
	return path;
}

static bool want(const char *const *list, size_t nr, const char *name)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

/*
 * How many of branch b's releases are selected: all when b is named or
 * nothing limits; up to the last named release; 0 when not selected.
 */
static size_t selected(const struct matrix_branch *b,
		       const struct trees_opts *opts)
{
	size_t upto = 0;

	if (!opts->branches_nr && !opts->releases_nr)
		return b->sources_nr;
	if (want(opts->branches, opts->branches_nr, b->name))
		return b->sources_nr;
	for (size_t i = 0; i < b->sources_nr; i++)
		if (want(opts->releases, opts->releases_nr,
			 b->sources[i]->name))
			upto = i + 1;
	return upto;
}

static int check_selection(const struct matrix *m,
			   const struct trees_opts *opts)
{
	for (size_t i = 0; i < opts->branches_nr; i++)
		if (!matrix_find_branch(m, opts->branches[i]))
			return error_set("matrix '%s' has no branch '%s'",
					 m->path, opts->branches[i]);
	for (size_t i = 0; i < opts->releases_nr; i++)
		if (!matrix_branch_of(m, opts->releases[i]))
			return error_set("matrix '%s': release '%s' is on no "
					 "branch",
					 m->path, opts->releases[i]);
	return 0;
}

static struct trees_branch_result *add_branch(struct trees_result *res,
					      const struct matrix_branch *b)
{
	struct trees_branch_result *br;

	ALLOC_GROW(res->branches, res->branches_nr + 1, res->branches_alloc);
	br = &res->branches[res->branches_nr++];
	memset(br, 0, sizeof(*br));
	br->branch = b;
	return br;
}

static struct trees_release_result *add_release(struct trees_branch_result *br,
						const struct matrix_source *s)
{
	struct trees_release_result *rr;

	ALLOC_GROW(br->releases, br->releases_nr + 1, br->releases_alloc);
	rr = &br->releases[br->releases_nr++];
	memset(rr, 0, sizeof(*rr));
	rr->source = s;
	return rr;
}

/* Resolve `name` to a commit id; 0 found, 1 absent, -1 error. */
static int lookup_commit(git_oid *out, git_repository *repo, const char *name)
{
	git_reference *ref = NULL, *peeled = NULL;
	int ret = 1, err;

	err = git_reference_lookup(&ref, repo, name);
	if (err == GIT_ENOTFOUND)
		goto out;
	if (err < 0 || git_reference_resolve(&peeled, ref) < 0) {
		ret = error_git("cannot read ref '%s'", name);
		goto out;
	}
	git_oid_cpy(out, git_reference_target(peeled));
	ret = 0;
out:
	git_reference_free(peeled);
	git_reference_free(ref);
	return ret;
}

int trees_check(struct trees_result *res, const struct matrix *m,
		const struct trees_opts *opts)
{
	git_repository *repo = NULL;
	struct strbuf ref = STRBUF_INIT;
	int ret = -1, r;

	res->repo = trees_repo(m, opts, &res->user_repo);
	if (check_selection(m, opts) < 0)
		goto out;
	if (git_repository_open_ext(&repo, res->repo,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		error_git("cannot open repository '%s'", res->repo);
		goto out;
	}
	for (size_t i = 0; i < m->branches_nr; i++) {
		const struct matrix_branch *b = m->branches[i];
		size_t upto = selected(b, opts);
		struct trees_branch_result *br;

		if (!upto)
			continue;
		br = add_branch(res, b);
		strbuf_reset(&ref);
		strbuf_addf(&ref, "refs/heads/%s", b->name);
		r = lookup_commit(&br->tip, repo, ref.buf);
		if (r > 0) {
			strbuf_reset(&ref);
			strbuf_addf(&ref, "refs/remotes/origin/%s", b->name);
			r = lookup_commit(&br->tip, repo, ref.buf);
		}
		if (r < 0)
			goto out;
		br->state = r ? TREES_BRANCH_MISSING : TREES_UP_TO_DATE;
		for (size_t j = 0; j < upto; j++) {
			struct trees_release_result *rr =
				add_release(br, b->sources[j]);

			strbuf_reset(&ref);
			strbuf_addf(&ref, "refs/tags/v%s", rr->source->name);
			r = lookup_commit(&rr->commit, repo, ref.buf);
			if (r < 0)
				goto out;
			rr->action = r ? TREES_MISSING : TREES_PRESENT;
		}
	}
	ret = 0;
out:
	strbuf_release(&ref);
	git_repository_free(repo);
	return ret;
}

struct provision {
	git_repository *repo;
	const struct matrix *m;
	const struct trees_opts *opts;
	char *debs; /* <cache>/debs */
	size_t done; /* releases imported so far */
	struct trees_progress progress;
};

/* The value of trailer `key` in a commit message, or NULL; caller frees. */
static char *trailer(const char *msg, const char *key)
{
	size_t n = strlen(key);
	const char *p = msg;

	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == ':' && p[n + 1] == ' ')
			return xstrndup(p + n + 2, strcspn(p + n + 2, "\n"));
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static bool trailer_is(const char *msg, const char *key, const char *want)
{
	char *v = trailer(msg, key);
	bool ok = v && !strcmp(v, want);

	free(v);
	return ok;
}

static int make_commit(struct provision *pv, git_oid *out,
		       const struct matrix_source *s,
		       const struct trees_import_info *info,
		       const git_oid *parent)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *pc = NULL;
	struct strbuf msg = STRBUF_INIT;
	int ret = -1;

	strbuf_addf(&msg, "Linux %s from Debian's %s %s\n\n", s->name,
		    s->package, s->version);
	strbuf_addf(&msg,
		    "The tree of /usr/src/%s.tar.* in the Debian package, "
		    "imported\nby 'backport trees'.\n\n",
		    s->package);
	strbuf_addf(&msg,
		    "Release: %s\nPackage: %s\nVersion: %s\n"
		    "Deb-SHA256: %s\nFiles: %zu\n",
		    s->name, s->package, s->version, info->sha256, info->files);
	if (git_signature_new(&sig, TREES_NAME, TREES_EMAIL, info->mtime, 0) <
		    0 ||
	    git_tree_lookup(&tree, pv->repo, &info->tree) < 0 ||
	    (parent && git_commit_lookup(&pc, pv->repo, parent) < 0) ||
	    git_commit_create(out, pv->repo, NULL, sig, sig, NULL, msg.buf,
			      tree, parent ? 1 : 0,
			      (const git_commit **)&pc) < 0) {
		error_git("release '%s': cannot write its commit", s->name);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&msg);
	git_commit_free(pc);
	git_tree_free(tree);
	git_signature_free(sig);
	return ret;
}

/* The same commit as `old` with another parent. */
static int relink(struct provision *pv, git_oid *out, git_commit *old,
		  const git_oid *parent)
{
	git_commit *pc = NULL;
	git_tree *tree = NULL;
	int ret = -1;

	if (git_commit_tree(&tree, old) < 0 ||
	    (parent && git_commit_lookup(&pc, pv->repo, parent) < 0) ||
	    git_commit_create(out, pv->repo, NULL, git_commit_author(old),
			      git_commit_committer(old), NULL,
			      git_commit_message(old), tree, parent ? 1 : 0,
			      (const git_commit **)&pc) < 0) {
		error_git("cannot rewrite commit %s",
			  git_oid_tostr_s(git_commit_id(old)));
		goto out;
	}
	ret = 0;
out:
	git_commit_free(pc);
	git_tree_free(tree);
	return ret;
}

/* Point `name` at `oid`, expecting it at `old` (NULL: absent). */
static int set_ref(struct provision *pv, const char *name, const git_oid *oid,
		   const git_oid *old, const char *why)
{
	git_reference *ref = NULL;
	int err;

	if (old)
		err = git_reference_create_matching(&ref, pv->repo, name, oid,
						    1, old, why);
	else
		err = git_reference_create(&ref, pv->repo, name, oid, 0, why);
	git_reference_free(ref);
	if (err < 0)
		return error_git("cannot update ref '%s'", name);
	return 0;
}

static int import_source(struct provision *pv, git_oid *commit,
			 struct trees_release_result *rr, const git_oid *parent)
{
	const struct matrix_source *s = rr->source;
	struct debpkg_fetch_opts fo = DEBPKG_FETCH_OPTS_INIT;
	struct trees_import_info info = { 0 };
	struct strbuf want = STRBUF_INIT;
	enum debpkg_origin origin;
	struct timespec t0, t1, t2;
	char *deb = NULL;
	int ret = -1;

	fo.deb_dir = pv->opts->deb_dir;
	fo.cache_dir = pv->debs;
	report(pv->opts, &pv->progress, TREES_FETCHING);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (debpkg_fetch(&deb, &origin, s->package, s->version, &fo) < 0)
		goto out;
	rr->downloaded = origin == DEBPKG_DOWNLOADED;
	if (origin != DEBPKG_FROM_DIR &&
	    debpkg_apt_sha256(&want, s->package, s->version) < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (trees_import(&info, pv->repo, deb, s->package, &pv->progress,
			 pv->opts) < 0) {
		if (origin == DEBPKG_FROM_CACHE && !unlink(deb))
			error_prefix("removed the cached package, run again "
				     "to download it anew: ");
		goto out;
	}
	if (want.len && strcmp(want.buf, info.sha256)) {
		error_set("package '%s': SHA256 %s differs from apt's %s", deb,
			  info.sha256, want.buf);
		if (origin == DEBPKG_FROM_CACHE)
			unlink(deb);
		goto out;
	}
	if (make_commit(pv, commit, s, &info, parent) < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t2);
	rr->files = info.files;
	memcpy(rr->sha256, info.sha256, sizeof(rr->sha256));
	rr->fetch_seconds =
		(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	rr->import_seconds =
		(t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9;
	ret = 0;
out:
	if (ret)
		error_prefix("release '%s': ", s->name);
	strbuf_release(&want);
	free(deb);
	return ret;
}

/*
 * The stable titles of release `s`'s Debian changelog, as a note on its
 * commit under TREES_CHANGELOG_NOTES (changelog.h), unless one is there:
 * the history a Debian tree lacks, for `apply` to find patches in.
 */
static int note_changelog(struct provision *pv, const git_oid *commit,
			  const struct matrix_source *s)
{
	struct debpkg_fetch_opts fo = DEBPKG_FETCH_OPTS_INIT;
	struct changelog cl = CHANGELOG_INIT;
	struct strbuf text = STRBUF_INIT, note = STRBUF_INIT;
	git_signature *sig = NULL;
	git_note *old = NULL;
	char *deb = NULL, *prefix = NULL, *list = NULL;
	git_oid oid;
	int ret = -1;

	if (!git_note_read(&old, pv->repo, TREES_CHANGELOG_NOTES, commit)) {
		git_note_free(old);
		return 0;
	}
	error_clear();
	fo.deb_dir = pv->opts->deb_dir;
	fo.cache_dir = pv->debs;
	if (debpkg_fetch(&deb, NULL, s->package, s->version, &fo) < 0)
		goto out;
	prefix = xstrfmt("usr/share/doc/%s/changelog.Debian", s->package);
	if (debpkg_read(&text, deb, prefix) < 0)
		goto out;
	/* No changelog (not Debian's): an empty list, said once. */
	changelog_parse(&cl, text.buf, text.len);
	list = changelog_format(&cl);
	strbuf_addf(&note,
		    "Upstream stable patches listed in the changelog of "
		    "%s %s, oldest first (%zu)\n\n%s",
		    s->package, s->version, cl.nr, list);
	if (git_signature_now(&sig, TREES_NAME, TREES_EMAIL) < 0 ||
	    git_note_create(&oid, pv->repo, TREES_CHANGELOG_NOTES, sig, sig,
			    commit, note.buf, 0) < 0) {
		error_git("cannot write the changelog note of '%s'", s->name);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		error_prefix("release '%s': ", s->name);
	git_signature_free(sig);
	changelog_release(&cl);
	strbuf_release(&text);
	strbuf_release(&note);
	free(list);
	free(prefix);
	free(deb);
	return ret;
}

/*
 * The word index of the release's tree (wordindex.h), unless the cache
 * has it: built here, where a gigabyte of sources is read anyway, so
 * that `apply` never waits for it.
 */
static int index_words(struct provision *pv, const git_oid *commit,
		       const struct matrix_source *s)
{
	struct wordindex wi = WORDINDEX_INIT;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int ret = -1;

	if (git_commit_lookup(&c, pv->repo, commit) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		error_git("release '%s': cannot read its tree", s->name);
		goto out;
	}
	ret = 0;
	if (wordindex_exists(git_tree_id(tree), pv->opts->cache))
		goto out;
	pv->progress.release = s->name;
	report(pv->opts, &pv->progress, TREES_INDEXING);
	ret = wordindex_get(&wi, pv->repo, tree, pv->opts->cache);
	if (ret < 0)
		error_prefix("release '%s': ", s->name);
out:
	wordindex_release(&wi);
	git_tree_free(tree);
	git_commit_free(c);
	return ret;
}

/*
 * Make the tag of release rr->source hold the right commit on `parent`;
 * `*commit` gets it.
 */
static int provision_source(struct provision *pv, git_oid *commit,
			    struct trees_release_result *rr,
			    const git_oid *parent)
{
	const struct matrix_source *s = rr->source;
	struct strbuf tag = STRBUF_INIT;
	git_commit *c = NULL;
	git_oid old;
	int ret = -1, r;

	strbuf_addf(&tag, "refs/tags/v%s", s->name);
	r = lookup_commit(&old, pv->repo, tag.buf);
	if (r < 0)
		goto out;
	if (!r && git_commit_lookup(&c, pv->repo, &old) < 0)
		c = NULL; /* a tag of something else: import again */
	if (c && trailer_is(git_commit_message(c), "Package", s->package) &&
	    trailer_is(git_commit_message(c), "Version", s->version)) {
		const git_oid *cp = git_commit_parentcount(c) ?
					    git_commit_parent_id(c, 0) :
					    NULL;

		if ((!cp && !parent) ||
		    (cp && parent && git_oid_equal(cp, parent))) {
			git_oid_cpy(commit, &old);
			rr->action = TREES_PRESENT;
			ret = 0;
			goto out;
		}
		if (relink(pv, commit, c, parent) < 0)
			goto out;
		rr->action = TREES_RELINKED;
	} else {
		pv->progress.nr = ++pv->done;
		if (import_source(pv, commit, rr, parent) < 0)
			goto out;
		rr->action = TREES_IMPORTED;
	}
	ret = set_ref(pv, tag.buf, commit, r ? NULL : &old,
		      "backport trees: import");
out:
	if (!ret)
		ret = note_changelog(pv, commit, s);
	if (!ret)
		ret = index_words(pv, commit, s);
	if (!ret)
		git_oid_cpy(&rr->commit, commit);
	git_commit_free(c);
	strbuf_release(&tag);
	return ret;
}

static int provision_branch(struct provision *pv, struct trees_result *res,
			    const struct matrix_branch *b, size_t upto)
{
	struct trees_branch_result *br = add_branch(res, b);
	struct strbuf ref = STRBUF_INIT;
	git_oid tip, cur;
	bool has_ref;
	int ret = -1, r;

	strbuf_addf(&ref, "refs/heads/%s", b->name);
	r = lookup_commit(&cur, pv->repo, ref.buf);
	if (r < 0)
		goto out;
	has_ref = !r;
	for (size_t i = 0; i < upto; i++) {
		struct trees_release_result *rr =
			add_release(br, b->sources[i]);
		const git_oid *parent = i ? &tip : NULL;
		git_oid next;

		pv->progress.branch = b->name;
		pv->progress.release = rr->source->name;
		pv->progress.package = rr->source->package;
		pv->progress.version = rr->source->version;
		pv->progress.files = 0;
		pv->progress.bytes = 0;
		if (provision_source(pv, &next, rr, parent) < 0)
			goto out;
		tip = next;
	}
	br->tip = tip;
	br->state = TREES_UP_TO_DATE;
	if (has_ref && git_oid_equal(&cur, &tip))
		goto done;
	/* Limited to an older release: leave a branch already past it. */
	if (has_ref && upto < b->sources_nr &&
	    git_graph_descendant_of(pv->repo, &cur, &tip) == 1) {
		br->tip = cur;
		goto done;
	}
	if (set_ref(pv, ref.buf, &tip, has_ref ? &cur : NULL,
		    "backport trees: provision") < 0)
		goto out;
	br->state = has_ref ? TREES_UPDATED : TREES_CREATED;
done:
	ret = 0;
out:
	strbuf_release(&ref);
	return ret;
}

static int open_default(git_repository **repo, const char *path)
{
	git_repository_init_options io;

	git_repository_init_options_init(&io,
					 GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	if (!git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				     NULL))
		return 0;
	io.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	io.description = "Real stable kernel trees, imported by backport trees";
	if (git_repository_init_ext(repo, path, &io) < 0)
		return error_git("cannot create repository '%s'", path);
	return 0;
}

/* Count the releases to import, for "[n/total]". */
static size_t count_work(struct provision *pv, const struct matrix *m)
{
	struct strbuf tag = STRBUF_INIT;
	size_t total = 0;
	git_oid oid;

	for (size_t i = 0; i < m->branches_nr; i++) {
		size_t upto = selected(m->branches[i], pv->opts);

		for (size_t j = 0; j < upto; j++) {
			strbuf_reset(&tag);
			strbuf_addf(&tag, "refs/tags/v%s",
				    m->branches[i]->sources[j]->name);
			if (lookup_commit(&oid, pv->repo, tag.buf))
				total++;
		}
	}
	strbuf_release(&tag);
	return total;
}

int trees_provision(struct trees_result *res, const struct matrix *m,
		    const struct trees_opts *opts)
{
	struct provision pv = { .m = m, .opts = opts };
	char *cache = opts->cache ? xstrdup(opts->cache) : cache_dir();
	char *lock = NULL;
	int fd = -1, ret = -1;

	res->repo = trees_repo(m, opts, &res->user_repo);
	if (res->user_repo) {
		free(res->repo);
		res->repo = NULL;
		free(cache);
		return trees_check(res, m, opts);
	}
	if (check_selection(m, opts) < 0)
		goto out;
	pv.debs = xstrfmt("%s/debs", cache);
	if (mkdir_p(cache, 0777) < 0)
		goto out;
	/* One provisioning at a time: test scripts share the cache. */
	lock = xstrfmt("%s.lock", res->repo);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		error_errno("cannot open '%s'", lock);
		goto out;
	}
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			error_errno("cannot lock '%s'", lock);
			goto out;
		}
	if (open_default(&pv.repo, res->repo) < 0)
		goto out;
	pv.progress.total = count_work(&pv, m);
	for (size_t i = 0; i < m->branches_nr; i++) {
		size_t upto = selected(m->branches[i], opts);

		if (upto &&
		    provision_branch(&pv, res, m->branches[i], upto) < 0)
			goto out;
	}
	ret = 0;
out:
	git_repository_free(pv.repo);
	if (fd >= 0)
		close(fd);
	free(lock);
	free(pv.debs);
	free(cache);
	return ret;
}
