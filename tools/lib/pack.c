// SPDX-License-Identifier: GPL-2.0
/*
 * pack: new objects written into one pack file as they come (see
 * pack.h); moved from trees.c, which imports a kernel tree of ~90,000
 * files at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/pack.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

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

static int pack_flush(struct pack *pk)
{
	int ret = write_all(pk->fd, pk->buf, pk->len, pk->tmp);

	pk->len = 0;
	return ret;
}

int pack_init(struct pack *pk, git_repository *repo, git_odb *odb)
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

void pack_release(struct pack *pk)
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
int pack_add(struct pack *pk, const git_oid *oid, git_object_t type,
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
void pack_hash_object(git_oid *out, git_object_t type, const void *data,
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
int pack_finish(struct pack *pk)
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
