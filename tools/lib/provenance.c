// SPDX-License-Identifier: GPL-2.0
/*
 * provenance: a patch in a branch's history. See provenance.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail.h"
#include "patch.h"
#include "provenance.h"
#include "trees.h"
#include "util/error.h"
#include "util/xalloc.h"

#define PID_MAX_FILES 100

void provenance_release(struct provenance *pv)
{
	for (size_t i = 0; i < pv->titles_nr; i++)
		free(pv->titles[i].key);
	free(pv->titles);
	free(pv->marks);
	free(pv->walk);
	free(pv->reverted);
	free(pv->pids);
	free(pv->log_name);
	changelog_release(&pv->log);
	strset_clear(&pv->listed);
	memset(pv, 0, sizeof(*pv));
}

static bool is_hex40(const char *p)
{
	for (int i = 0; i < 40; i++)
		if (!isxdigit((unsigned char)p[i]) ||
		    isupper((unsigned char)p[i]))
			return false;
	return !isxdigit((unsigned char)p[40]);
}

/* The 40-hex ids on one line [p, e), each passed to `fn`. */
static void hex_ids(const char *p, const char *e,
		    void (*fn)(struct provenance *, const char *, void *),
		    struct provenance *pv, void *data)
{
	for (const char *q = p; q + 40 <= e; q++)
		if ((q == p || !isxdigit((unsigned char)q[-1])) &&
		    is_hex40(q)) {
			fn(pv, q, data);
			q += 39;
		}
}

static bool line_has(const char *p, const char *e, const char *word)
{
	size_t n = strlen(word);

	for (const char *q = p; q + n <= e; q++)
		if (!strncasecmp(q, word, n))
			return true;
	return false;
}

static bool is_reverted(const struct provenance *pv, const git_oid *c)
{
	for (size_t i = 0; i < pv->reverted_nr; i++)
		if (git_oid_equal(&pv->reverted[i], c))
			return true;
	return false;
}

static void add_mark(struct provenance *pv, const char *hex, void *data)
{
	const git_oid *commit = data;

	if (is_reverted(pv, commit))
		return;
	ALLOC_GROW(pv->marks, pv->marks_nr + 1, pv->marks_alloc);
	memcpy(pv->marks[pv->marks_nr].upstream, hex, 40);
	pv->marks[pv->marks_nr].upstream[40] = '\0';
	git_oid_cpy(&pv->marks[pv->marks_nr].commit, commit);
	pv->marks_nr++;
}

static void add_reverted(struct provenance *pv, const char *hex, void *data)
{
	git_oid oid;

	(void)data;
	if (git_oid_fromstrn(&oid, hex, 40) < 0) {
		error_clear();
		return;
	}
	ALLOC_GROW(pv->reverted, pv->reverted_nr + 1, pv->reverted_alloc);
	git_oid_cpy(&pv->reverted[pv->reverted_nr++], &oid);
}

/* Walking newest first: a revert is seen before what it reverts. */
static void read_message(struct provenance *pv, git_commit *c)
{
	const char *msg = git_commit_message(c), *p = msg;
	const git_oid *id = git_commit_id(c);
	const char *summary = git_commit_summary(c);

	while (p && *p) {
		const char *e = strchrnul(p, '\n');

		if (line_has(p, e, "This reverts commit"))
			hex_ids(p, e, add_reverted, pv, NULL);
		else if (line_has(p, e, "upstream") ||
			 line_has(p, e, "cherry picked from commit"))
			hex_ids(p, e, add_mark, pv, (void *)id);
		p = *e ? e + 1 : e;
	}
	if (summary && *summary) {
		ALLOC_GROW(pv->titles, pv->titles_nr + 1, pv->titles_alloc);
		pv->titles[pv->titles_nr].key = changelog_title_key(summary);
		git_oid_cpy(&pv->titles[pv->titles_nr].commit, id);
		pv->titles_nr++;
	}
}

/* A listed title without its "[arch] " tag. */
static const char *untagged(const char *title)
{
	const char *close;

	if (*title == '[' && (close = strchr(title, ']')) && close[1] == ' ')
		return close + 2;
	return title;
}

/* Could the log list `key` at all (as itself or for its "arch: " form)? */
static bool maybe_listed(const struct provenance *pv, const char *key)
{
	const char *colon = strstr(key, ": ");

	return strset_has(&pv->listed, key) ||
	       (colon && strset_has(&pv->listed, colon + 2));
}

/* The changelog note of `c`, if any, keeping the entries of our series. */
static int read_note(struct provenance *pv, const git_oid *c)
{
	struct changelog all = CHANGELOG_INIT;
	git_note *note = NULL;
	const char *text, *nl, *of;
	char series[32];

	if (git_note_read(&note, pv->repo, TREES_CHANGELOG_NOTES, c) < 0) {
		error_clear();
		return 0;
	}
	text = git_note_message(note);
	nl = strchrnul(text, '\n');
	of = strstr(text, "changelog of ");
	if (of && of < nl) {
		const char *e = strstr(of, ", oldest first");

		of += strlen("changelog of ");
		pv->log_name = xstrndup(of, e && e < nl ? e - of : nl - of);
	}
	changelog_parse_note(&all, text);
	snprintf(series, sizeof(series), "%u.%u.", pv->version / 1000,
		 pv->version % 1000);
	for (size_t i = 0; i < all.nr; i++) {
		struct changelog_entry *e = &all.v[i];

		if (pv->version && strncmp(e->release, series, strlen(series)))
			continue;
		ALLOC_GROW(pv->log.v, pv->log.nr + 1, pv->log.alloc);
		pv->log.v[pv->log.nr++] = *e;
		strset_add(&pv->listed, untagged(e->title));
		e->release = e->title = NULL;
	}
	changelog_release(&all);
	git_note_free(note);
	return 1;
}

/* A tag v<major>.<minor> on `c`: the branch point of a stable branch. */
static bool is_branch_point(git_repository *repo, const git_oid *c,
			    unsigned version)
{
	char name[64];
	git_object *o = NULL;
	bool yes;

	if (!version)
		return false;
	snprintf(name, sizeof(name), "refs/tags/v%u.%u^{commit}",
		 version / 1000, version % 1000);
	if (git_revparse_single(&o, repo, name) < 0) {
		error_clear();
		return false;
	}
	yes = git_oid_equal(git_object_id(o), c);
	git_object_free(o);
	return yes;
}

int provenance_load(struct provenance *pv, git_repository *repo,
		    const git_oid *tip, unsigned version, unsigned depth)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	bool noted = false;
	int ret = 0;

	pv->repo = repo;
	git_oid_cpy(&pv->tip, tip);
	pv->version = version;
	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, tip) < 0)
		return error_git("cannot walk the history of %s",
				 git_oid_tostr_s(tip));
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL);
	while (depth-- && !git_revwalk_next(&oid, walk)) {
		git_commit *c = NULL;

		if (git_commit_lookup(&c, repo, &oid) < 0) {
			ret = error_git("cannot read commit %s",
					git_oid_tostr_s(&oid));
			break;
		}
		ALLOC_GROW(pv->walk, pv->walk_nr + 1, pv->walk_alloc);
		git_oid_cpy(&pv->walk[pv->walk_nr++], &oid);
		read_message(pv, c);
		if (!noted)
			noted = read_note(pv, &oid);
		git_commit_free(c);
		if (is_branch_point(repo, &oid, version))
			break;
	}
	git_revwalk_free(walk);
	return ret;
}

const git_oid *provenance_has_upstream(const struct provenance *pv,
				       const char *upstream)
{
	size_t n = strlen(upstream);

	if (n < 7 || n > 40)
		return NULL;
	for (size_t i = 0; i < pv->marks_nr; i++)
		if (!strncmp(pv->marks[i].upstream, upstream, n))
			return &pv->marks[i].commit;
	return NULL;
}

static void describe_commit(struct strbuf *out, git_repository *repo,
			    const git_oid *c)
{
	git_commit *commit = NULL;

	strbuf_addf(out, "commit %.12s", git_oid_tostr_s(c));
	if (!git_commit_lookup(&commit, repo, c) && git_commit_summary(commit))
		strbuf_addf(out, " ('%s')", git_commit_summary(commit));
	error_clear();
	git_commit_free(commit);
}

/* The newest event of `key` in the commit history: present or reverted. */
static int find_title(struct strbuf *out, struct provenance *pv,
		      const char *key)
{
	char *revert = xstrfmt("Revert \"%s\"", key);
	int found = PROVENANCE_NONE;

	for (size_t i = 0; i < pv->titles_nr && !found; i++) {
		const struct provenance_title *t = &pv->titles[i];

		if (!strcmp(t->key, revert)) {
			found = PROVENANCE_REVERTED;
			strbuf_addstr(out, "reverted by ");
			describe_commit(out, pv->repo, &t->commit);
		} else if (!strcmp(t->key, key) &&
			   !is_reverted(pv, &t->commit)) {
			found = PROVENANCE_TITLE;
			describe_commit(out, pv->repo, &t->commit);
			strbuf_addstr(out, " has the same title");
		}
	}
	free(revert);
	return found;
}

/* The last changelog event of `key` (oldest first: the last one holds). */
static int find_listed(struct strbuf *out, struct provenance *pv,
		       const char *key)
{
	char *revert;
	const struct changelog_entry *last = NULL;
	bool reverted = false;

	if (!maybe_listed(pv, key))
		return PROVENANCE_NONE;
	revert = xstrfmt("Revert \"%s\"", key);

	for (size_t i = 0; i < pv->log.nr; i++) {
		const struct changelog_entry *e = &pv->log.v[i];

		if (changelog_title_matches(e->title, key)) {
			last = e;
			reverted = false;
		} else if (last && changelog_title_matches(e->title, revert)) {
			last = e;
			reverted = true;
		}
	}
	free(revert);
	if (!last)
		return PROVENANCE_NONE;
	strbuf_addf(out, "%s under %s in the changelog of %s",
		    reverted ? "'Revert' listed" : "title listed",
		    last->release, pv->log_name ? pv->log_name : "the release");
	return reverted ? PROVENANCE_REVERTED : PROVENANCE_TITLE;
}

/* The stable patch-id of commit `c` against its first parent. */
static int commit_patch_id(char id[41], git_repository *repo, const git_oid *c)
{
	git_commit *commit = NULL, *parent = NULL;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_buf buf = GIT_BUF_INIT;
	struct patch p = PATCH_INIT;
	int ret = 0;

	if (git_commit_lookup(&commit, repo, c) < 0 ||
	    git_commit_parentcount(commit) != 1 ||
	    git_commit_parent(&parent, commit, 0) < 0 ||
	    git_commit_tree(&b, commit) < 0 ||
	    git_commit_tree(&a, parent) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0 ||
	    git_diff_num_deltas(diff) > PID_MAX_FILES ||
	    !git_diff_num_deltas(diff) ||
	    git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH) < 0 ||
	    patch_parse(&p, buf.ptr, buf.size, 1, "history") < 0) {
		error_clear();
		goto out;
	}
	memcpy(id, p.patch_id, 41);
	ret = 1;
out:
	patch_release(&p);
	git_buf_dispose(&buf);
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_commit_free(parent);
	git_commit_free(commit);
	return ret;
}

static void load_pids(struct provenance *pv)
{
	pv->pids_loaded = true;
	for (size_t i = 0; i < pv->walk_nr; i++) {
		char id[41];

		if (is_reverted(pv, &pv->walk[i]) ||
		    !commit_patch_id(id, pv->repo, &pv->walk[i]))
			continue;
		ALLOC_GROW(pv->pids, pv->pids_nr + 1, pv->pids_alloc);
		memcpy(pv->pids[pv->pids_nr].id, id, 41);
		git_oid_cpy(&pv->pids[pv->pids_nr].commit, &pv->walk[i]);
		pv->pids_nr++;
	}
}

/* Is the commit of abbreviated id `hex` an ancestor of the tip (or it)? */
static bool has_prefix_ancestor(const struct provenance *pv, const char *hex)
{
	size_t n = strlen(hex);
	git_commit *c = NULL;
	git_oid oid;
	bool yes;

	if (n < 7 || n > 40 || git_oid_fromstrn(&oid, hex, n) < 0 ||
	    git_commit_lookup_prefix(&c, pv->repo, &oid, n) < 0) {
		error_clear();
		return false;
	}
	yes = git_oid_equal(git_commit_id(c), &pv->tip) ||
	      git_graph_descendant_of(pv->repo, &pv->tip, git_commit_id(c)) ==
		      1;
	error_clear();
	git_commit_free(c);
	return yes;
}

int provenance_has_commit(struct strbuf *out, struct provenance *pv,
			  const char *sha, const char *title)
{
	char *key = title && *title ? changelog_title_key(title) : NULL;
	const git_oid *named = sha ? provenance_has_upstream(pv, sha) : NULL;
	struct strbuf how = STRBUF_INIT;
	int found = 0;

	if (sha && has_prefix_ancestor(pv, sha)) {
		strbuf_addstr(&how, "in its history");
		found = 1;
	} else if (named) {
		strbuf_addstr(&how, "named as upstream in ");
		describe_commit(&how, pv->repo, named);
		found = 1;
	} else if (key && *key) {
		found = find_title(&how, pv, key) == PROVENANCE_TITLE;
		if (!found) {
			strbuf_reset(&how);
			found = find_listed(&how, pv, key) == PROVENANCE_TITLE;
		}
	}
	if (found)
		strbuf_addbuf(out, &how);
	strbuf_release(&how);
	free(key);
	return found;
}

int provenance_find(struct strbuf *out, struct provenance *pv,
		    const struct mail *m, bool by_patch_id)
{
	const char *title = m->subj.title ? m->subj.title : m->subject;
	char *key = title ? changelog_title_key(title) : NULL;
	int found = PROVENANCE_NONE;

	if (m->upstream_commit && strlen(m->upstream_commit) == 40 &&
	    has_prefix_ancestor(pv, m->upstream_commit)) {
		strbuf_addf(out, "upstream %.12s is in the branch's history",
			    m->upstream_commit);
		found = PROVENANCE_PRESENT;
	}
	if (!found && m->upstream_commit) {
		const git_oid *c =
			provenance_has_upstream(pv, m->upstream_commit);

		if (c) {
			strbuf_addf(out, "upstream %.12s named in ",
				    m->upstream_commit);
			describe_commit(out, pv->repo, c);
			found = PROVENANCE_PRESENT;
		}
	}
	if (!found && key && *key)
		found = find_title(out, pv, key);
	if (!found && key && *key)
		found = find_listed(out, pv, key);
	if (!found && by_patch_id && *m->patch.patch_id) {
		if (!pv->pids_loaded)
			load_pids(pv);
		for (size_t i = 0; i < pv->pids_nr && !found; i++)
			if (!strcmp(pv->pids[i].id, m->patch.patch_id)) {
				strbuf_addstr(out, "patch-id found in ");
				describe_commit(out, pv->repo,
						&pv->pids[i].commit);
				found = PROVENANCE_PRESENT;
			}
	}
	free(key);
	return found;
}
