// SPDX-License-Identifier: GPL-2.0
/*
 * Tree provisioning (see trees.h): the repository, the selection of
 * branches and releases, one commit per release with its tag, the branch
 * refs, and what each release commit carries beside its tree (the
 * changelog note, the word index). The tree itself comes from the
 * package's tarball (tarball.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "lib/changelog.h"
#include "lib/debpkg.h"
#include "lib/tarball.h"
#include "lib/wordindex.h"
#include "trees.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define TREES_NAME "backport trees"
#define TREES_EMAIL "trees@backport.invalid"

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

void trees_report(const struct trees_opts *opts, struct trees_progress *p,
		  enum trees_phase phase)
{
	p->phase = phase;
	if (opts->progress)
		opts->progress(p, opts->progress_data);
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
		       const struct tarball_info *info, const git_oid *parent)
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
	struct tarball_info info = { 0 };
	struct strbuf want = STRBUF_INIT;
	enum debpkg_origin origin;
	struct timespec t0, t1, t2;
	char *deb = NULL;
	int ret = -1;

	fo.deb_dir = pv->opts->deb_dir;
	fo.cache_dir = pv->debs;
	trees_report(pv->opts, &pv->progress, TREES_FETCHING);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (debpkg_fetch(&deb, &origin, s->package, s->version, &fo) < 0)
		goto out;
	rr->downloaded = origin == DEBPKG_DOWNLOADED;
	if (origin != DEBPKG_FROM_DIR &&
	    debpkg_apt_sha256(&want, s->package, s->version) < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (tarball_import(&info, pv->repo, deb, s->package, &pv->progress,
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
	trees_report(pv->opts, &pv->progress, TREES_INDEXING);
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
