// SPDX-License-Identifier: GPL-2.0
/*
 * worktree: a branch's sources under the cache, kept in step with a
 * commit by writing only the paths that changed, and the lock that lets
 * one backport build at a time use it. See worktree.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/kbuild-internal.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

/* Write `data` to `path` through a temporary (no fsync: see the state). */
static int write_path(const char *path, const void *data, size_t len,
		      git_filemode_t mode)
{
	char *tmp = xstrfmt("%s.bp-tmp", path);
	struct stat st;
	int fd, ret = -1;

	if (!lstat(path, &st) && S_ISDIR(st.st_mode) && remove_tree(path) < 0)
		goto out;
	unlink(tmp);
	if (mode == GIT_FILEMODE_LINK) {
		char *target = xstrndup(data, len);

		if (symlink(target, tmp) < 0) {
			free(target);
			error_errno("cannot create symlink '%s'", path);
			goto out;
		}
		free(target);
	} else {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
		if (fd < 0) {
			error_errno("cannot create '%s'", tmp);
			goto out;
		}
		if (write_all(fd, data, len, path) < 0) {
			close(fd);
			unlink(tmp);
			goto out;
		}
		if (close(fd) < 0) {
			error_errno("cannot write '%s'", path);
			unlink(tmp);
			goto out;
		}
	}
	if (rename(tmp, path) < 0) {
		error_errno("cannot rename '%s'", tmp);
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}

static int write_blob(git_repository *repo, const char *dir, const char *rel,
		      const git_oid *id, git_filemode_t mode)
{
	char *path = xstrfmt("%s/%s", dir, rel);
	char *slash = strrchr(path, '/');
	git_blob *blob = NULL;
	int ret = -1;

	if (mode == GIT_FILEMODE_COMMIT) {
		ret = mkdir_p(path, 0755);
		goto out;
	}
	if (git_blob_lookup(&blob, repo, id) < 0) {
		error_git("cannot read '%s'", rel);
		goto out;
	}
	*slash = '\0';
	if (mkdir_p(path, 0755) < 0)
		goto out;
	*slash = '/';
	ret = write_path(path, git_blob_rawcontent(blob),
			 git_blob_rawsize(blob), mode);
out:
	git_blob_free(blob);
	free(path);
	return ret;
}

static int remove_path(const char *dir, const char *rel)
{
	char *path = xstrfmt("%s/%s", dir, rel);
	char *slash;
	int ret = 0;

	if (unlink(path) < 0 && errno != ENOENT)
		ret = error_errno("cannot remove '%s'", path);
	/* Empty directories go with their last file. */
	while (!ret && (slash = strrchr(path, '/')) &&
	       (size_t)(slash - path) > strlen(dir)) {
		*slash = '\0';
		if (rmdir(path) < 0)
			break;
	}
	free(path);
	return ret;
}

struct populate_ctx {
	git_repository *repo;
	const char *dir;
	size_t written;
	int ret;
};

static int populate_one(const char *root, const git_tree_entry *e, void *data)
{
	struct populate_ctx *ctx = data;
	git_filemode_t mode = git_tree_entry_filemode(e);
	char *rel;

	if (mode == GIT_FILEMODE_TREE)
		return 0;
	rel = xstrfmt("%s%s", root, git_tree_entry_name(e));
	ctx->ret = write_blob(ctx->repo, ctx->dir, rel, git_tree_entry_id(e),
			      mode);
	free(rel);
	ctx->written++;
	return ctx->ret < 0 ? -1 : 0;
}

/* Write what differs between `from` and `to`, as in `to`. */
static int apply_diff(git_repository *repo, const char *dir,
		      const git_oid *from, const git_oid *to, size_t *written)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	int ret = -1;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_tree_lookup(&a, repo, from) < 0 ||
	    git_tree_lookup(&b, repo, to) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, a, b, &o) < 0) {
		error_git("cannot diff the worktree's trees");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED) {
			if (remove_path(dir, d->old_file.path) < 0)
				goto out;
			continue;
		}
		if (d->status == GIT_DELTA_TYPECHANGE &&
		    remove_path(dir, d->old_file.path) < 0)
			goto out;
		if (write_blob(repo, dir, d->new_file.path, &d->new_file.id,
			       d->new_file.mode) < 0)
			goto out;
		(*written)++;
	}
	ret = 0;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	return ret;
}

/*
 * The state file: "tree <id>" (the worktree holds it) and any number of
 * "pending <id>" (a move towards it was started).
 */
static void read_state(const char *state, git_oid *tree, bool *has_tree,
		       struct strvec *pending)
{
	struct strbuf sb = STRBUF_INIT;
	const char *line, *p;

	*has_tree = false;
	if (strbuf_read_file(&sb, state) < 0) {
		error_clear();
		return;
	}
	line = sb.buf;
	while (*line) {
		char *nl = strchrnul(line, '\n');
		char c = *nl;

		*nl = '\0';
		if (skip_prefix(line, "tree ", &p) && !git_oid_fromstr(tree, p))
			*has_tree = true;
		else if (skip_prefix(line, "pending ", &p))
			strvec_push(pending, p);
		*nl = c;
		line = c ? nl + 1 : nl;
	}
	strbuf_release(&sb);
}

int kbuild_sync_worktree(git_repository *repo, const char *dir,
			 const char *state, const git_oid *tree,
			 size_t *written)
{
	struct strvec pending = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	char hex[GIT_OID_SHA1_HEXSIZE + 1];
	git_oid old;
	bool has_old;
	int ret = -1;

	*written = 0;
	git_oid_tostr(hex, sizeof(hex), tree);
	read_state(state, &old, &has_old, &pending);
	if (!is_directory(dir))
		has_old = false;
	if (has_old && !pending.nr && git_oid_equal(&old, tree)) {
		ret = 0;
		goto out;
	}
	if (has_old)
		strbuf_addf(&sb, "tree %s\n", git_oid_tostr_s(&old));
	for (size_t i = 0; i < pending.nr; i++)
		strbuf_addf(&sb, "pending %s\n", pending.v[i]);
	strbuf_addf(&sb, "pending %s\n", hex);
	if (write_file_atomic(state, sb.buf, sb.len) < 0)
		goto out;
	if (!has_old) {
		struct populate_ctx ctx = { repo, dir, 0, 0 };
		git_tree *t = NULL;

		if (remove_tree(dir) < 0 || mkdir_p(dir, 0755) < 0)
			goto out;
		if (git_tree_lookup(&t, repo, tree) < 0) {
			error_git("cannot read tree %s", hex);
			goto out;
		}
		git_tree_walk(t, GIT_TREEWALK_PRE, populate_one, &ctx);
		git_tree_free(t);
		*written = ctx.written;
		if (ctx.ret < 0)
			goto out;
	} else {
		if (apply_diff(repo, dir, &old, tree, written) < 0)
			goto out;
		for (size_t i = 0; i < pending.nr; i++) {
			git_oid p;

			if (git_oid_fromstr(&p, pending.v[i]) < 0 ||
			    !git_oid_cmp(&p, tree))
				continue;
			if (apply_diff(repo, dir, &p, tree, written) < 0)
				goto out;
		}
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "tree %s\n", hex);
	ret = write_file_atomic(state, sb.buf, sb.len);
out:
	strbuf_release(&sb);
	strvec_clear(&pending);
	return ret;
}

/* The paths that differ between two trees (both names of a rename). */
int worktree_touched_paths(struct strvec *out, git_repository *repo,
			   const git_oid *from, const git_oid *to)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	int ret = -1;

	if (git_tree_lookup(&a, repo, from) < 0 ||
	    git_tree_lookup(&b, repo, to) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0) {
		error_git("cannot diff baseline and series");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (!strvec_has(out, d->new_file.path))
			strvec_push(out, d->new_file.path);
		if (!strvec_has(out, d->old_file.path))
			strvec_push(out, d->old_file.path);
	}
	ret = 0;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	return ret;
}

/* ---- the lock ---- */

/*
 * Another backport build using the branch's worktree holds the lock:
 * wait for it (the job shows as updating the worktree), unless we are
 * interrupted.
 */
int worktree_lock(struct kbuild_run *r, struct kbuild_job *j, const char *path,
		  int *fd)
{
	bool interrupted = false;

	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0) {
		error_errno("cannot open '%s'", path);
		return kbuild_job_error_last(j, "sync");
	}
	j->step = KBUILD_STEP_SYNC;
	while (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		pthread_mutex_lock(&r->lock);
		interrupted = r->interrupted;
		pthread_mutex_unlock(&r->lock);
		if (interrupted)
			return kbuild_job_error(
				j,
				"%s: sync: interrupted while waiting "
				"for another backport build using "
				"the worktree of '%s'",
				j->target, j->branch);
		pthread_mutex_unlock(&kbuild_error_lock);
		sleep(1);
		pthread_mutex_lock(&kbuild_error_lock);
	}
	return 0;
}
