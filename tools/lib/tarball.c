// SPDX-License-Identifier: GPL-2.0
/*
 * tarball: a Debian package's source tarball imported as a git tree (see
 * tarball.h). The import runs two threads: a reader that decompresses the
 * .deb and its tarball (libarchive) and queues each entry with its
 * content, and the calling thread, which checks the path, writes the blob
 * into one pack (pack.h) and at the end builds the trees bottom-up.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "lib/debpkg.h"
#include "lib/pack.h"
#include "lib/tarball.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Bytes of file content the reader may run ahead of the writer. */
#define QUEUE_MAX_BYTES (64u << 20)

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
		pack_hash_object(&e->oid, GIT_OBJECT_BLOB, it->data, it->len);
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
		pack_hash_object(&e->oid, GIT_OBJECT_BLOB, it->link,
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
	pack_hash_object(out, GIT_OBJECT_TREE, tree.buf, tree.len);
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
			trees_report(opts, p, TREES_READING);
		}
	}
	strbuf_release(&path);
	return ret;
}

int tarball_import(struct tarball_info *info, git_repository *repo,
		   const char *deb_path, const char *package,
		   struct trees_progress *progress,
		   const struct trees_opts *opts)
{
	struct import im = { .repo = repo, .deb = deb_path, .pack = PACK_INIT };
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
	trees_report(opts, progress, TREES_READING);
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
	trees_report(opts, progress, TREES_WRITING);
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
