// SPDX-License-Identifier: GPL-2.0
/*
 * wordindex: the identifiers of a tree and the files holding them. See
 * wordindex.h.
 *
 * The file, little-endian, every offset from its start:
 *	"BPWORDS1"			magic
 *	u32 files_nr, u32 words_nr
 *	u64 file_off_at, u64 word_off_at
 *	paths, each NUL-terminated
 *	entries: word NUL, u32 count, u8 k, k x u32 file
 *	(aligned to 8) u64 x files_nr: offset of each path
 *	u64 x words_nr: offset of each entry, in strcmp() order of words
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wordindex.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define MAGIC "BPWORDS1"
#define MIN_LEN 3
#define THREADS 2
/* Larger files are generated register maps and tables. */
#define MAX_SIZE (1 << 20)
#define HEADER (8 + 4 + 4 + 8 + 8)

void wordindex_release(struct wordindex *wi)
{
	if (wi->map)
		munmap(wi->map, wi->size);
	memset(wi, 0, sizeof(*wi));
}

/* ---- building ---- */

struct entry {
	uint32_t word; /* offset in the arena */
	uint32_t len;
	uint32_t count;
	uint32_t files[WORDINDEX_MAX_FILES];
};

/* The words of some of the files: one per thread, merged at the end. */
struct table {
	struct strbuf arena; /* words, NUL-terminated */
	struct entry *v;
	size_t nr, alloc;
	uint64_t *slot; /* hash << 32 | entry + 1, or 0 */
	size_t size; /* power of two */
	/* One file's distinct words, so that each goes to `slot` once. */
	struct local {
		uint32_t hash, len;
		const unsigned char *p;
	} * local;
	size_t local_size;
};

/* The files of the tree, in tree order. */
struct files {
	struct strbuf paths; /* NUL-terminated */
	uint64_t *path_off;
	git_oid *blobs;
	size_t nr, alloc;
};

static uint8_t cls[256]; /* 1 letter or '_', 2 digit */

static void init_cls(void)
{
	for (int c = 0; c < 256; c++)
		cls[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					 c == '_' ?
				 1 :
			 (c >= '0' && c <= '9') ? 2 :
						  0;
}

static uint32_t hash(const unsigned char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

static void table_release(struct table *t)
{
	strbuf_release(&t->arena);
	free(t->v);
	free(t->slot);
	free(t->local);
	memset(t, 0, sizeof(*t));
}

static void grow(struct table *t)
{
	size_t size = t->size ? t->size * 2 : 1 << 20;
	uint64_t *slot = xcalloc(size, sizeof(*slot));

	for (size_t i = 0; i < t->size; i++) {
		size_t h;

		if (!t->slot[i])
			continue;
		for (h = (t->slot[i] >> 32) & (size - 1); slot[h];
		     h = (h + 1) & (size - 1))
			;
		slot[h] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->size = size;
}

/* The entry of word `s` (hash `hv`), made when new. */
static struct entry *entry_of(struct table *t, const unsigned char *s, size_t n,
			      uint32_t hv)
{
	size_t h;
	struct entry *e;

	if (t->nr * 2 >= t->size)
		grow(t);
	for (h = hv & (t->size - 1); t->slot[h]; h = (h + 1) & (t->size - 1)) {
		if ((uint32_t)(t->slot[h] >> 32) != hv)
			continue;
		e = &t->v[(uint32_t)t->slot[h] - 1];
		if (e->len == n && !memcmp(t->arena.buf + e->word, s, n))
			return e;
	}
	ALLOC_GROW(t->v, t->nr + 1, t->alloc);
	e = &t->v[t->nr];
	memset(e, 0, sizeof(*e));
	e->word = t->arena.len;
	e->len = n;
	strbuf_add(&t->arena, s, n);
	strbuf_addch(&t->arena, '\0');
	t->slot[h] = (uint64_t)hv << 32 | ++t->nr;
	return e;
}

static void count_file(struct entry *e, uint32_t file)
{
	if (e->count < WORDINDEX_MAX_FILES)
		e->files[e->count] = file;
	e->count++;
}

static void scan(struct table *t, const unsigned char *u, size_t len,
		 uint32_t file)
{
	size_t i = 0, size = 256, mask;

	/* Twice the most distinct words (4+ bytes apart) the file can hold. */
	while (size < len / 2 + 64)
		size *= 2;
	if (size > t->local_size) {
		t->local = xrealloc(t->local, size * sizeof(*t->local));
		t->local_size = size;
	}
	mask = size - 1;
	for (size_t k = 0; k < size; k++)
		t->local[k].p = NULL;
	while (i < len) {
		size_t s, h;
		uint32_t hv;

		while (i < len && !cls[u[i]])
			i++;
		s = i;
		while (i < len && cls[u[i]])
			i++;
		if (i - s < MIN_LEN || cls[u[s]] != 1)
			continue;
		hv = hash(u + s, i - s);
		for (h = hv & mask; t->local[h].p; h = (h + 1) & mask)
			if (t->local[h].hash == hv &&
			    t->local[h].len == i - s &&
			    !memcmp(t->local[h].p, u + s, i - s))
				break;
		if (t->local[h].p)
			continue;
		t->local[h].p = u + s;
		t->local[h].len = i - s;
		t->local[h].hash = hv;
		count_file(entry_of(t, u + s, i - s, hv), file);
	}
}

/* Add `b` (the later files) to `a`. */
static void merge(struct table *a, const struct table *b)
{
	for (size_t i = 0; i < b->nr; i++) {
		const struct entry *y = &b->v[i];
		const unsigned char *w =
			(const unsigned char *)b->arena.buf + y->word;
		struct entry *x = entry_of(a, w, y->len, hash(w, y->len));

		for (uint32_t k = 0; k < y->count && k < WORDINDEX_MAX_FILES;
		     k++)
			if (x->count + k < WORDINDEX_MAX_FILES)
				x->files[x->count + k] = y->files[k];
		x->count += y->count;
	}
}

static bool wanted(const char *name)
{
	static const char *const ext[] = { ".c", ".h", ".S", ".dts", ".dtsi" };

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (ends_with(name, ext[i]))
			return true;
	return false;
}

static int collect(const char *root, const git_tree_entry *e, void *data)
{
	struct files *fs = data;
	size_t old = fs->alloc;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode(e) == GIT_FILEMODE_LINK ||
	    !wanted(git_tree_entry_name(e)))
		return 0;
	ALLOC_GROW(fs->path_off, fs->nr + 1, fs->alloc);
	if (fs->alloc != old)
		fs->blobs = xrealloc(fs->blobs, fs->alloc * sizeof(*fs->blobs));
	fs->path_off[fs->nr] = fs->paths.len;
	git_oid_cpy(&fs->blobs[fs->nr], git_tree_entry_id(e));
	strbuf_addf(&fs->paths, "%s%s", root, git_tree_entry_name(e));
	strbuf_addch(&fs->paths, '\0');
	fs->nr++;
	return 0;
}

struct worker {
	pthread_t thread;
	const char *repo_path;
	const struct files *fs;
	size_t from, to;
	struct table t;
	char *error;
};

static void *work(void *data)
{
	struct worker *w = data;
	git_repository *repo = NULL;

	strbuf_init(&w->t.arena, 1 << 24);
	if (git_repository_open_ext(&repo, w->repo_path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		w->error = xstrfmt("cannot open '%s'", w->repo_path);
		return NULL;
	}
	for (size_t i = w->from; i < w->to; i++) {
		git_blob *blob = NULL;

		if (git_blob_lookup(&blob, repo, &w->fs->blobs[i]) < 0) {
			w->error =
				xstrfmt("cannot read '%s'",
					w->fs->paths.buf + w->fs->path_off[i]);
			break;
		}
		if (git_blob_rawsize(blob) <= MAX_SIZE)
			scan(&w->t, git_blob_rawcontent(blob),
			     git_blob_rawsize(blob), i);
		git_blob_free(blob);
	}
	git_repository_free(repo);
	return NULL;
}

static const struct table *sorting;

static int cmp_entry(const void *x, const void *y)
{
	const struct entry *a = &sorting->v[*(const uint32_t *)x];
	const struct entry *b = &sorting->v[*(const uint32_t *)y];

	return strcmp(sorting->arena.buf + a->word,
		      sorting->arena.buf + b->word);
}

static void put32(struct strbuf *sb, uint32_t v)
{
	strbuf_add(sb, &v, 4);
}

static void put64(struct strbuf *sb, uint64_t v)
{
	strbuf_add(sb, &v, 8);
}

/* The file's bytes. */
static void serialise(struct strbuf *out, const struct table *t,
		      const struct files *fs)
{
	uint32_t *order = xmalloc((t->nr + 1) * sizeof(*order));
	uint64_t *entry_off = xmalloc((t->nr + 1) * sizeof(*entry_off));
	uint64_t paths_at, file_off_at, word_off_at;

	for (size_t i = 0; i < t->nr; i++)
		order[i] = i;
	sorting = t;
	qsort(order, t->nr, sizeof(*order), cmp_entry);
	sorting = NULL;

	strbuf_add(out, MAGIC, 8);
	put32(out, fs->nr);
	put32(out, t->nr);
	put64(out, 0); /* patched below */
	put64(out, 0);
	paths_at = out->len;
	strbuf_add(out, fs->paths.buf, fs->paths.len);
	for (size_t i = 0; i < t->nr; i++) {
		const struct entry *e = &t->v[order[i]];
		uint8_t k = e->count < WORDINDEX_MAX_FILES ?
				    e->count :
				    WORDINDEX_MAX_FILES;

		entry_off[i] = out->len;
		strbuf_add(out, t->arena.buf + e->word, e->len + 1);
		put32(out, e->count);
		strbuf_add(out, &k, 1);
		strbuf_add(out, e->files, k * sizeof(uint32_t));
	}
	while (out->len % 8)
		strbuf_addch(out, '\0');
	file_off_at = out->len;
	for (size_t i = 0; i < fs->nr; i++)
		put64(out, paths_at + fs->path_off[i]);
	word_off_at = out->len;
	for (size_t i = 0; i < t->nr; i++)
		put64(out, entry_off[i]);
	memcpy(out->buf + 16, &file_off_at, 8);
	memcpy(out->buf + 24, &word_off_at, 8);
	free(order);
	free(entry_off);
}

static int build(const char *path, git_repository *repo, git_tree *tree)
{
	struct files fs = { STRBUF_INIT, NULL, NULL, 0, 0 };
	struct worker w[THREADS];
	bool started[THREADS];
	struct strbuf out = STRBUF_INIT;
	int ret = -1;

	if (!cls['_'])
		init_cls();
	memset(w, 0, sizeof(w));
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, collect, &fs) < 0) {
		error_git("cannot walk tree %s",
			  git_oid_tostr_s(git_tree_id(tree)));
		goto out;
	}
	/* Contiguous shares, so that merging keeps the files in order. */
	for (int i = 0; i < THREADS; i++) {
		w[i].repo_path = git_repository_path(repo);
		w[i].fs = &fs;
		w[i].from = fs.nr * i / THREADS;
		w[i].to = fs.nr * (i + 1) / THREADS;
		started[i] = !pthread_create(&w[i].thread, NULL, work, &w[i]);
		if (!started[i])
			work(&w[i]);
	}
	for (int i = 0; i < THREADS; i++)
		if (started[i])
			pthread_join(w[i].thread, NULL);
	for (int i = 0; i < THREADS; i++)
		if (w[i].error) {
			error_set("word index: %s", w[i].error);
			goto out;
		}
	for (int i = 1; i < THREADS; i++)
		merge(&w[0].t, &w[i].t);
	serialise(&out, &w[0].t, &fs);
	ret = write_file_atomic(path, out.buf, out.len);
out:
	for (int i = 0; i < THREADS; i++) {
		table_release(&w[i].t);
		free(w[i].error);
	}
	strbuf_release(&out);
	strbuf_release(&fs.paths);
	free(fs.path_off);
	free(fs.blobs);
	return ret;
}

/* ---- reading ---- */

static int map(struct wordindex *wi, const char *path)
{
	struct stat st;
	uint64_t fo, wo;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 :
					 error_errno("cannot open '%s'", path);
	if (fstat(fd, &st) < 0 || st.st_size < HEADER) {
		close(fd);
		return 0; /* broken: built again */
	}
	wi->map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (wi->map == MAP_FAILED) {
		wi->map = NULL;
		return error_errno("cannot map '%s'", path);
	}
	wi->size = st.st_size;
	memcpy(&wi->files_nr, (char *)wi->map + 8, 4);
	memcpy(&wi->words_nr, (char *)wi->map + 12, 4);
	memcpy(&fo, (char *)wi->map + 16, 8);
	memcpy(&wo, (char *)wi->map + 24, 8);
	if (memcmp(wi->map, MAGIC, 8) || fo % 8 || wo % 8 ||
	    fo + 8ull * wi->files_nr > wi->size ||
	    wo + 8ull * wi->words_nr > wi->size) {
		wordindex_release(wi);
		return 0;
	}
	wi->file_off = (const uint64_t *)((char *)wi->map + fo);
	wi->word_off = (const uint64_t *)((char *)wi->map + wo);
	return 1;
}

static char *index_path(const git_oid *tree, const char *cache)
{
	char *dir = cache ? xstrdup(cache) : cache_dir();
	char *path = xstrfmt("%s/words/%s", dir, git_oid_tostr_s(tree));

	free(dir);
	return path;
}

bool wordindex_exists(const git_oid *tree, const char *cache)
{
	char *path = index_path(tree, cache);
	bool yes = !access(path, R_OK);

	free(path);
	return yes;
}

int wordindex_get(struct wordindex *wi, git_repository *repo, git_tree *tree,
		  const char *cache)
{
	char *path = index_path(git_tree_id(tree), cache);
	char *dir = xstrndup(path, strrchr(path, '/') - path);
	int ret = map(wi, path);

	if (!ret && (mkdir_p(dir, 0777) < 0 || build(path, repo, tree) < 0))
		ret = -1;
	if (!ret && map(wi, path) <= 0)
		ret = error_set("cannot read the word index '%s'", path);
	free(dir);
	free(path);
	return ret < 0 ? -1 : 0;
}

size_t wordindex_lookup(const struct wordindex *wi, const char *word,
			uint32_t *files, size_t max, size_t *count)
{
	const char *base = wi->map;
	size_t lo = 0, hi = wi->words_nr;

	if (count)
		*count = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *w = base + wi->word_off[mid];
		int c = strcmp(word, w);

		if (!c) {
			const char *p = w + strlen(w) + 1;
			uint32_t n;
			uint8_t k;

			memcpy(&n, p, 4);
			k = p[4];
			if (count)
				*count = n;
			if (k > max)
				k = max;
			memcpy(files, p + 5, k * sizeof(uint32_t));
			return k;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

const char *wordindex_file(const struct wordindex *wi, uint32_t file)
{
	return file < wi->files_nr ?
		       (const char *)wi->map + wi->file_off[file] :
		       "";
}
