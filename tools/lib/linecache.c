// SPDX-License-Identifier: GPL-2.0
/*
 * linecache: files' lines by blob id. See linecache.h.
 */
#include "linecache.h"
#include "util/error.h"
#include "util/xalloc.h"

void linecache_release(struct linecache *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		lines_release(&c->v[i].lines);
		strbuf_release(&c->v[i].text);
	}
	free(c->v);
	c->v = NULL;
	c->nr = c->alloc = c->bytes = 0;
}

static const struct linecache_entry *find(const struct linecache *c,
					  const git_oid *id)
{
	for (size_t i = c->nr; i-- > 0;)
		if (git_oid_equal(&c->v[i].blob, id))
			return &c->v[i];
	return NULL;
}

static int add(const struct lines **out, struct linecache *c,
	       git_repository *repo, const git_oid *id, const char *path)
{
	struct linecache_entry *e;
	git_blob *blob = NULL;

	if (git_blob_lookup(&blob, repo, id) < 0)
		return error_git("cannot read blob of '%s'", path);
	if (c->bytes + git_blob_rawsize(blob) > LINECACHE_MAX_BYTES)
		linecache_release(c);
	ALLOC_GROW(c->v, c->nr + 1, c->alloc);
	e = &c->v[c->nr++];
	git_oid_cpy(&e->blob, id);
	strbuf_init(&e->text, 0);
	strbuf_add(&e->text, git_blob_rawcontent(blob), git_blob_rawsize(blob));
	git_blob_free(blob);
	e->lines = (struct lines)LINES_INIT;
	lines_split(&e->lines, e->text.buf, e->text.len);
	c->bytes += e->text.len;
	*out = &e->lines;
	return 1;
}

int linecache_get(const struct lines **out, struct linecache *c,
		  git_repository *repo, git_tree *tree, const char *path)
{
	const struct linecache_entry *hit;
	git_tree_entry *te = NULL;
	git_filemode_t mode;
	int ret;

	*out = NULL;
	ret = git_tree_entry_bypath(&te, tree, path);
	if (ret == GIT_ENOTFOUND) {
		error_clear();
		return 0;
	}
	if (ret < 0)
		return error_git("cannot look up '%s'", path);
	mode = git_tree_entry_filemode(te);
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		git_tree_entry_free(te);
		return 0;
	}
	hit = find(c, git_tree_entry_id(te));
	if (hit) {
		*out = &hit->lines;
		ret = 1;
	} else {
		ret = add(out, c, repo, git_tree_entry_id(te), path);
	}
	git_tree_entry_free(te);
	return ret;
}
