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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "lib/debpkg.h"
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
	unsigned type;		/* AE_IF*, or 0 for a hardlink */
	unsigned perm;
	char *link;		/* symlink or hardlink target */
	char *data;
	size_t len;
};

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct item *head, *tail;
	size_t bytes;
	bool done;		/* the reader has finished */
	bool stop;		/* the writer has failed: reader, stop */
	struct strbuf error;	/* the reader's error, if any */
	struct archive *tar;
	unsigned long long read;	/* uncompressed bytes, for progress */
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
			       (size_t)archive_entry_size(e) : 0;
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
			strbuf_addf(&q->error, "cannot read '%s': %s",
				    it->path, debpkg_archive_error(q->tar));
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
	q->bytes += it->len;
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
					   archive_entry_pathname(e) : "");
		it->perm = archive_entry_perm(e);
		if (archive_entry_hardlink(e)) {
			it->link = xstrdup(archive_entry_hardlink(e));
		} else {
			it->type = archive_entry_filetype(e);
			if (it->type == AE_IFLNK)
				it->link = xstrdup(archive_entry_symlink(e) ?
							   archive_entry_symlink(e) : "");
		}
		if (it->type == AE_IFREG && read_content(q, it, e) < 0) {
			item_free(it);
			break;
		}
		q->read = archive_filter_bytes(q->tar, -1);
		queue_push(q, it);
	}
	pthread_mutex_lock(&q->lock);
	q->done = true;
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
	q->bytes = 0;
	*read = q->read;
	pthread_cond_signal(&q->room);
	pthread_mutex_unlock(&q->lock);
	return list;
}

/* --- the writer: paths, blobs, trees ----------------------------------- */

struct entry {
	char *path;		/* top directory stripped */
	char *hardlink;		/* target path (stripped), resolved later */
	git_oid oid;
	unsigned mode;
	size_t seq;
};

struct import {
	git_repository *repo;
	git_odb *odb;
	const char *deb;	/* for messages */
	char *top;		/* the top directory, stripped */
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
				 "directory '%s'", im->deb, path, im->top);
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
					 "component", im->deb, path, (int)n,
					 c);
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
		if (git_odb_write(&e->oid, im->odb, it->data, it->len,
				  GIT_OBJECT_BLOB) < 0) {
			error_git("package '%s': cannot write '%s'", im->deb,
				  it->path);
			goto out;
		}
		break;
	case AE_IFLNK:
		if (!link_inside(path->buf, it->link)) {
			error_set("package '%s': symlink '%s' points outside "
				  "the tree ('%s')", im->deb, it->path,
				  it->link);
			goto out;
		}
		e = add_entry(im, path->buf, GIT_FILEMODE_LINK);
		if (git_odb_write(&e->oid, im->odb, it->link, strlen(it->link),
				  GIT_OBJECT_BLOB) < 0) {
			error_git("package '%s': cannot write '%s'", im->deb,
				  it->path);
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
			  "symlink", im->deb, it->path);
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

/* Write the tree of entries [lo, hi), which share a prefix of plen. */
static int build_tree(struct import *im, git_oid *out, size_t lo, size_t hi,
		      size_t plen)
{
	git_treebuilder *tb = NULL;
	char *name = NULL;
	int ret = -1;

	if (git_treebuilder_new(&tb, im->repo, NULL) < 0) {
		error_git("package '%s': cannot build trees", im->deb);
		goto out;
	}
	for (size_t i = lo, j; i < hi; i = j) {
		const struct entry *e = &im->entries[i];
		const char *base = e->path + plen;
		const char *slash = strchr(base, '/');
		git_oid oid = e->oid;
		unsigned mode = e->mode;

		j = i + 1;
		free(name);
		name = slash ? xstrndup(base, slash - base) : xstrdup(base);
		if (slash) {
			size_t n = slash - base + 1;

			while (j < hi &&
			       !strncmp(im->entries[j].path + plen, base, n))
				j++;
			if (build_tree(im, &oid, i, j, plen + n) < 0)
				goto out;
			mode = GIT_FILEMODE_TREE;
		}
		if (git_treebuilder_get(tb, name)) {
			error_set("package '%s': '%.*s%s' is both a file and a "
				  "directory", im->deb, (int)plen, e->path,
				  name);
			goto out;
		}
		if (git_treebuilder_insert(NULL, tb, name, &oid, mode) < 0) {
			error_git("package '%s': cannot add '%s'", im->deb,
				  e->path);
			goto out;
		}
	}
	if (git_treebuilder_write(out, tb) < 0) {
		error_git("package '%s': cannot write trees", im->deb);
		goto out;
	}
	ret = 0;
out:
	free(name);
	git_treebuilder_free(tb);
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
		for (; list; list = next) {
			next = list->next;
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
		 struct trees_progress *progress,
		 const struct trees_opts *opts)
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
	if (debpkg_open(&d, &q.tar, deb_path, prefix) < 0)
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
	    debpkg_finish(&d, info->sha256) < 0)
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
	path = xstrfmt("%s/linux.git", cache);
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
					 "branch", m->path, opts->releases[i]);
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
	char *debs;		/* <cache>/debs */
	size_t done;		/* releases imported so far */
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
	strbuf_addf(&msg, "The tree of /usr/src/%s.tar.* in the Debian package, "
			  "imported\nby 'backport trees'.\n\n", s->package);
	strbuf_addf(&msg, "Release: %s\nPackage: %s\nVersion: %s\n"
			  "Deb-SHA256: %s\nFiles: %zu\n",
		    s->name, s->package, s->version, info->sha256,
		    info->files);
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
		error_git("cannot rewrite commit %s", git_oid_tostr_s(
				  git_commit_id(old)));
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
		err = git_reference_create_matching(&ref, pv->repo, name, oid, 1,
						    old, why);
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
		error_set("package '%s': SHA256 %s differs from apt's %s",
			  deb, info.sha256, want.buf);
		if (origin == DEBPKG_FROM_CACHE)
			unlink(deb);
		goto out;
	}
	if (make_commit(pv, commit, s, &info, parent) < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t2);
	rr->files = info.files;
	memcpy(rr->sha256, info.sha256, sizeof(rr->sha256));
	rr->fetch_seconds = (t1.tv_sec - t0.tv_sec) +
			    (t1.tv_nsec - t0.tv_nsec) / 1e9;
	rr->import_seconds = (t2.tv_sec - t1.tv_sec) +
			     (t2.tv_nsec - t1.tv_nsec) / 1e9;
	ret = 0;
out:
	if (ret)
		error_prefix("release '%s': ", s->name);
	strbuf_release(&want);
	free(deb);
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
		c = NULL;	/* a tag of something else: import again */
	if (c && trailer_is(git_commit_message(c), "Package", s->package) &&
	    trailer_is(git_commit_message(c), "Version", s->version)) {
		const git_oid *cp = git_commit_parentcount(c) ?
					    git_commit_parent_id(c, 0) : NULL;

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
		struct trees_release_result *rr = add_release(br, b->sources[i]);
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

	git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	if (!git_repository_open_ext(repo, path,
				     GIT_REPOSITORY_OPEN_NO_SEARCH, NULL))
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

		if (upto && provision_branch(&pv, res, m->branches[i], upto) < 0)
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
