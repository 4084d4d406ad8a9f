// SPDX-License-Identifier: GPL-2.0
/*
 * judge: the verdict of one patch on one tree, from where its hunks land
 * (locate.h). See judge.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "scope.h"
#include "util/lines.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static bool is_keyword(const char *s, size_t n)
{
	static const char *const kw[] = {
		"if",	      "for",	   "while",	 "switch",
		"return",     "sizeof",	   "defined",	 "typeof",
		"__typeof__", "do",	   "case",	 "else",
		"likely",     "unlikely",  "WARN_ON",	 "WARN_ON_ONCE",
		"BUG_ON",     "READ_ONCE", "WRITE_ONCE", "container_of",
		"ARRAY_SIZE", "min",	   "max",
	};

	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (strlen(kw[i]) == n && !strncmp(kw[i], s, n))
			return true;
	return false;
}

static void join(struct strbuf *sb, const struct strvec *v, size_t max)
{
	for (size_t i = 0; i < v->nr && i < max; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", v->v[i]);
	if (v->nr > max)
		strbuf_addf(sb, " and %zu more", v->nr - max);
}

/*
 * The content of `path` in `tree`. *found is false when it is not there;
 * a directory or a submodule there is reported in *kind.
 */
int judge_read_path(struct strbuf *out, bool *found, git_filemode_t *mode,
		    const char **kind, git_repository *repo, git_tree *tree,
		    const char *path)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int ret;

	*found = false;
	*kind = NULL;
	ret = git_tree_entry_bypath(&e, tree, path);
	if (ret == GIT_ENOTFOUND)
		return 0;
	if (ret < 0)
		return error_git("cannot look up '%s'", path);
	*mode = git_tree_entry_filemode(e);
	if (*mode == GIT_FILEMODE_TREE) {
		*kind = "a directory";
	} else if (*mode == GIT_FILEMODE_COMMIT) {
		*kind = "a submodule";
	} else if (*mode == GIT_FILEMODE_LINK) {
		*kind = "a symbolic link";
	} else {
		if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
			git_tree_entry_free(e);
			return error_git("cannot read blob of '%s'", path);
		}
		strbuf_add(out, git_blob_rawcontent(blob),
			   git_blob_rawsize(blob));
		git_blob_free(blob);
	}
	*found = true;
	git_tree_entry_free(e);
	return 0;
}

static int reference_content(struct strbuf *out, struct judge *j,
			     const char *path)
{
	for (size_t i = 0; i < j->opts->reference_nr; i++) {
		git_tree *tree = NULL;
		const char *kind;
		git_filemode_t mode;
		bool found;
		int ret;

		if (git_tree_lookup(&tree, j->repo,
				    &j->opts->reference_trees[i]) < 0)
			return error_git("cannot read reference tree");
		ret = judge_read_path(out, &found, &mode, &kind, j->repo, tree,
				      path);
		git_tree_free(tree);
		if (ret < 0)
			return -1;
		if (found && !kind)
			return 1;
		strbuf_reset(out);
	}
	return 0;
}

/* Locate every file of the patch. Fills ap->files. */
int judge_locate_files(struct judge *j, struct strvec *problems)
{
	const struct patch *p = j->patch;
	struct apply_patch *ap = j->ap;
	int ret = 0;

	for (size_t i = 0; i < p->nr && !ret; i++) {
		const struct patch_file *pf = &p->files[i];
		struct apply_file *af;
		struct strbuf cur = STRBUF_INIT, ref = STRBUF_INIT;
		struct locate_opts lo = LOCATE_OPTS_INIT;
		const char *kind = NULL;
		const char *src = pf->old_path ? pf->old_path : pf->new_path;
		git_filemode_t mode = GIT_FILEMODE_BLOB;
		bool found = false;

		ALLOC_GROW(ap->files, ap->nr + 1, ap->alloc);
		af = &ap->files[ap->nr++];
		memset(af, 0, sizeof(*af));
		locate_result_init(&af->loc);
		strbuf_init(&af->merge_out, 0);
		af->path = xstrdup(pf->new_path ? pf->new_path : pf->old_path);
		af->old_path = xstrdup(src);
		af->deleted = pf->status == PATCH_FILE_DELETED;

		ret = judge_read_path(&cur, &found, &mode, &kind, j->repo,
				      j->tree, src);
		if (ret < 0)
			goto next;
		if (kind) {
			strvec_pushf(problems, "'%s' is %s on the branch", src,
				     kind);
			af->missing = true;
			goto next;
		}
		if (!found && pf->status != PATCH_FILE_ADDED) {
			af->missing = true;
			goto next;
		}
		lo.max_fuzz = j->exact ? 0 : j->opts->max_fuzz;
		lo.ignore_whitespace = j->damaged && !j->exact;
		if (j->damaged && !j->exact) {
			ret = reference_content(&ref, j, af->path);
			if (ret < 0)
				goto next;
			ret = 0;
			if (ref.len) {
				lo.reference = ref.buf;
				lo.reference_len = ref.len;
			}
		}
		ret = locate_apply(&af->loc, pf, cur.buf, cur.len, &lo);
		if (ret < 0)
			error_prefix("'%s' on '%s': ", af->path, j->t->name);
next:
		strbuf_release(&cur);
		strbuf_release(&ref);
	}
	return ret;
}

void judge_count_hunks(const struct apply_patch *ap, size_t *total,
		       size_t *failed, size_t *already,
		       enum locate_hunk_status *worst)
{
	*total = *failed = *already = 0;
	*worst = HUNK_APPLIED;
	for (size_t i = 0; i < ap->nr; i++) {
		const struct locate_result *r = &ap->files[i].loc;

		for (size_t h = 0; h < r->nr; h++) {
			enum locate_hunk_status st = r->hunks[h].status;

			(*total)++;
			if (st == HUNK_FAILED)
				(*failed)++;
			else if (st == HUNK_ALREADY_APPLIED)
				(*already)++;
			else if (st > *worst)
				*worst = st;
		}
	}
}

/* "mmu.c hunk 3 (@@ -6986,6 +6981,24 @@): reason" for each failing hunk. */
static void describe_hunks(struct strbuf *sb, const struct apply_patch *ap,
			   const struct patch *p, enum locate_hunk_status want,
			   const char *what)
{
	bool first = true;

	for (size_t i = 0; i < ap->nr; i++) {
		const struct locate_result *r = &ap->files[i].loc;
		const struct patch_file *pf = &p->files[i];

		for (size_t h = 0; h < r->nr; h++) {
			const struct locate_hunk_result *hr = &r->hunks[h];

			if (hr->status != want)
				continue;
			strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)",
				    first ? "" : "; ", ap->files[i].path, h + 1,
				    pf->hunks[h].old_start,
				    pf->hunks[h].old_count);
			if (what)
				strbuf_addf(sb, " %s", what);
			else if (hr->reason)
				strbuf_addf(sb, ": %s", hr->reason);
			first = false;
		}
	}
}

/* Count the rebuilt lines of a damaged mail. */
static void count_repairs(struct apply_patch *ap)
{
	for (size_t i = 0; i < ap->nr; i++) {
		const struct locate_result *r = &ap->files[i].loc;

		for (size_t h = 0; h < r->nr; h++)
			for (size_t k = 0; k < r->hunks[h].repairs_nr; k++) {
				if (r->hunks[h].repairs[k].how ==
				    REPAIR_FROM_REFERENCE)
					ap->repaired_from_reference++;
				else
					ap->repaired_guessed++;
			}
	}
}

/*
 * 3-way: when the preimage blob named on a failing file's `index` line
 * is in the repository, apply the file's hunks to it (they must land
 * exactly) and merge that into the branch's content. Returns 1 when
 * every failing file merged cleanly, 0 when not possible, -1 on error.
 */
static int try_three_way(struct judge *j)
{
	struct apply_patch *ap = j->ap;
	git_odb *odb = NULL;
	int all_clean = 1, tried = 0, ret = 0;

	if (git_repository_odb(&odb, j->repo) < 0)
		return error_git("cannot open object database");
	for (size_t i = 0; i < ap->nr && ret >= 0; i++) {
		struct apply_file *af = &ap->files[i];
		const struct patch_file *pf = &j->patch->files[i];
		struct locate_result pre = LOCATE_RESULT_INIT;
		git_merge_file_input base, ours, theirs;
		git_merge_file_options mo;
		git_merge_file_result res = { 0 };
		struct strbuf cur = STRBUF_INIT;
		git_blob *blob = NULL;
		git_oid full, prefix;
		const char *kind;
		git_filemode_t mode;
		bool found;

		git_merge_file_input_init(&base, GIT_MERGE_FILE_INPUT_VERSION);
		git_merge_file_input_init(&ours, GIT_MERGE_FILE_INPUT_VERSION);
		git_merge_file_input_init(&theirs,
					  GIT_MERGE_FILE_INPUT_VERSION);
		git_merge_file_options_init(&mo,
					    GIT_MERGE_FILE_OPTIONS_VERSION);
		if (!af->loc.failed_nr)
			continue;
		if (!pf->old_oid ||
		    strspn(pf->old_oid, "0") == strlen(pf->old_oid) ||
		    git_oid_fromstrn(&prefix, pf->old_oid,
				     strlen(pf->old_oid)) < 0 ||
		    git_odb_exists_prefix(&full, odb, &prefix,
					  strlen(pf->old_oid)) < 0 ||
		    git_blob_lookup(&blob, j->repo, &full) < 0) {
			error_clear();
			all_clean = 0;
			continue;
		}
		tried = 1;
		if (locate_apply(&pre, pf, git_blob_rawcontent(blob),
				 git_blob_rawsize(blob), NULL) < 0 ||
		    pre.failed_nr || pre.already_nr) {
			error_clear();
			all_clean = 0;
			goto next;
		}
		if (judge_read_path(&cur, &found, &mode, &kind, j->repo,
				    j->tree, af->old_path) < 0) {
			ret = -1;
			goto next;
		}
		base.ptr = git_blob_rawcontent(blob);
		base.size = git_blob_rawsize(blob);
		base.path = af->old_path;
		ours.ptr = cur.buf;
		ours.size = cur.len;
		ours.path = af->old_path;
		theirs.ptr = pre.out.buf;
		theirs.size = pre.out.len;
		theirs.path = af->path;
		mo.ancestor_label = "upstream base";
		mo.our_label = j->t->name;
		mo.their_label = "patch";
		mo.flags = GIT_MERGE_FILE_STYLE_DIFF3;
		if (git_merge_file(&res, &base, &ours, &theirs, &mo) < 0) {
			ret = error_git("3-way merge of '%s'", af->path);
			goto next;
		}
		strbuf_reset(&af->merge_out);
		strbuf_add(&af->merge_out, res.ptr, res.len);
		af->merged = true;
		af->merge_conflict = !res.automergeable;
		if (!res.automergeable)
			all_clean = 0;
		git_merge_file_result_free(&res);
next:
		strbuf_release(&cur);
		locate_result_release(&pre);
		git_blob_free(blob);
	}
	git_odb_free(odb);
	if (ret < 0)
		return -1;
	return tried && all_clean;
}

/* applied, applied-offset or applied-fuzz, with what was not exact. */
static enum verdict judge_applied(struct judge *j,
				  enum locate_hunk_status worst)
{
	struct apply_patch *ap = j->ap;
	struct strbuf *d = &j->detail;
	size_t repaired = ap->repaired_from_reference + ap->repaired_guessed;

	if (worst == HUNK_APPLIED)
		return VERDICT_APPLIED;
	if (worst == HUNK_OFFSET) {
		strbuf_addstr(d, "hunks moved: ");
		for (size_t i = 0; i < ap->nr; i++)
			for (size_t h = 0; h < ap->files[i].loc.nr; h++) {
				const struct locate_hunk_result *hr =
					&ap->files[i].loc.hunks[h];

				if (hr->status == HUNK_OFFSET)
					strbuf_addf(d,
						    "%s hunk %zu by %+ld "
						    "lines; ",
						    ap->files[i].path, h + 1,
						    hr->offset);
			}
		strbuf_setlen(d, d->len - 2);
		return VERDICT_APPLIED_OFFSET;
	}
	describe_hunks(d, ap, j->patch, HUNK_FUZZ, NULL);
	if (d->len && repaired)
		strbuf_addstr(d, "; ");
	if (repaired)
		strbuf_addf(d,
			    "damaged mail repaired against the tree: %zu "
			    "added line%s re-indented from a newer tree, %zu "
			    "guessed from their neighbours",
			    ap->repaired_from_reference,
			    ap->repaired_from_reference == 1 ? "" : "s",
			    ap->repaired_guessed);
	return VERDICT_APPLIED_FUZZ;
}

/* ---- evidence: the history, the code by content, the whole tree ---- */

/*
 * How one hunk was judged (apply_file.how). A hunk whose post-image is
 * not where locate looks is still judged: by content in its function
 * (presence.h), in the file where its function lives now, and against
 * the whole tree (wordindex.h).
 */
enum judge_hunk {
	JH_FORWARD, /* applies: its change is not there */
	JH_REVERSE, /* its post-image is there (reverse applies) */
	JH_PRESENT, /* its change found by content in its function */
	JH_MISSING, /* its function is there, its change is not */
	JH_REWORKED, /* removed lines gone, added lines not: rewritten */
	JH_GONE, /* its code exists nowhere on the branch */
	JH_UNKNOWN, /* its code is not where it was; not proven gone */
	JH__COUNT,
};

static int how_of(enum presence_state st)
{
	return st == PRESENCE_PRESENT  ? JH_PRESENT :
	       st == PRESENCE_MISSING  ? JH_MISSING :
	       st == PRESENCE_REWORKED ? JH_REWORKED :
					 JH_UNKNOWN;
}

/*
 * A removal found done in a file the hunk was not written for proves
 * nothing (its lines were never there).
 */
static int how_elsewhere(const struct presence *p)
{
	if (p->state == PRESENCE_PRESENT && p->removal)
		return JH_UNKNOWN;
	return how_of(p->state);
}

const char *judge_hunk_name(int how)
{
	static const char *const names[JH__COUNT] = {
		"forward",  "reverse", "present", "missing",
		"reworked", "gone",    "unknown",
	};

	return how >= 0 && how < JH__COUNT ? names[how] : "?";
}

static int load_history(struct judge *j)
{
	struct apply_target *t = j->t;

	if (t->history_loaded)
		return 0;
	if (provenance_load(&t->history, j->repo, &t->base, t->version,
			    j->opts->history_depth) < 0)
		return -1;
	t->history_loaded = true;
	return 0;
}

/* The word index of the target's base tree, loaded on first need. */
static const struct wordindex *load_words(struct judge *j)
{
	struct apply_target *t = j->t;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int ret;

	if (t->words_loaded)
		return &t->words;
	if (git_commit_lookup(&c, j->repo, &t->base) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		error_git("cannot read the tree of '%s'", t->name);
		git_commit_free(c);
		return NULL;
	}
	ret = wordindex_get(&t->words, j->repo, tree, j->opts->cache);
	git_tree_free(tree);
	git_commit_free(c);
	if (ret < 0)
		return NULL;
	t->words_loaded = true;
	return &t->words;
}

static bool ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Add every identifier of the `kind` lines of `p` to `set`. */
static void names_of(struct strset *set, const struct patch *p, char kind)
{
	for (size_t f = 0; f < p->nr; f++)
		for (size_t k = 0; k < p->files[f].nr; k++) {
			const struct patch_hunk *h = &p->files[f].hunks[k];

			for (size_t i = 0; i < h->nr; i++) {
				const char *s = h->lines[i].text;
				const char *end = s + h->lines[i].len;

				if (h->lines[i].kind != kind)
					continue;
				while (s < end) {
					const char *b = s;

					if (!ident_start((unsigned char)*s)) {
						s++;
						continue;
					}
					while (s < end &&
					       ident_char((unsigned char)*s))
						s++;
					strset_addn(set, b, s - b);
				}
			}
		}
}

/* What the whole series adds, once per target. */
static void load_series_names(struct judge *j)
{
	struct apply_target *t = j->t;

	if (t->series_names || !j->series)
		return;
	for (size_t i = 0; i < j->series->nr; i++) {
		const struct patch *p = &j->series->patches[i].mail->patch;
		names_of(&t->series_added, p, PATCH_LINE_ADD);
	}
	t->series_names = true;
}

/*
 * The identifier a hunk header's definition is known by: the function
 * before '(' (a macro's first argument: SYSCALL_DEFINE3(open), else the
 * last identifier before '=', '[' or '{' ("__ata_dev_quirks" of "static
 * const struct ata_dev_quirks_entry __ata_dev_quirks[] = {"). NULL when
 * none. Caller frees.
 */
static char *section_ident(const char *sec)
{
	const char *name, *stop, *b = NULL, *e = NULL;
	size_t n;

	if (!sec || !*sec)
		return NULL;
	if (scope_name(sec, strlen(sec), &name, &n)) {
		const char *end = name + n;

		/* The last identifier of the name (a macro's argument). */
		for (const char *p = name; p < end; p++)
			if (ident_start((unsigned char)*p) &&
			    (p == name || !ident_char((unsigned char)p[-1]))) {
				b = p;
				for (e = p;
				     e < end && ident_char((unsigned char)*e);)
					e++;
			}
		return b && e - b >= 3 ? xstrndup(b, e - b) : NULL;
	}
	stop = sec + strcspn(sec, "=[{");
	for (const char *p = sec; p < stop; p++)
		if (ident_start((unsigned char)*p) &&
		    (p == sec || !ident_char((unsigned char)p[-1]))) {
			b = p;
			for (e = p; e < stop && ident_char((unsigned char)*e);)
				e++;
		}
	return b && e - b >= 3 ? xstrndup(b, e - b) : NULL;
}

/*
 * The function a hunk changes: a definition head among its own old
 * lines up to its first change (the change may be to the head itself,
 * which git's header then does not name), else its header's. Caller
 * frees; NULL when none.
 */
static char *hunk_name(const struct patch_hunk *h)
{
	const struct patch_line *head = NULL;

	for (size_t i = 0; i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];

		if (l->kind == PATCH_LINE_ADD)
			break;
		if (scope_is_head(l->text, l->len)) {
			char *t = xstrndup(l->text, l->len);
			char *name = section_ident(t);

			free(t);
			if (name) {
				free(name);
				head = l;
			}
		}
		if (l->kind == PATCH_LINE_DEL)
			break;
	}
	if (head) {
		char *t = xstrndup(head->text, head->len);
		char *name = section_ident(t);

		free(t);
		return name;
	}
	return section_ident(h->section);
}

/* Files holding `word` in the base tree (at most `max`); its count. */
static size_t word_files(const struct wordindex *wi, const char *word,
			 struct strvec *out, size_t max)
{
	uint32_t files[WORDINDEX_MAX_FILES];
	size_t count, n = wordindex_lookup(wi, word, files, max, &count);

	for (size_t i = 0; out && i < n; i++)
		strvec_push(out, wordindex_file(wi, files[i]));
	return count;
}

/*
 * The rarest identifier of line `norm` in the tree: its count (0: some
 * identifier of the line is nowhere) and, when at most `max` files hold
 * it, those files in `out`.
 */
static size_t rarest(const struct wordindex *wi, const char *norm,
		     struct strvec *out, size_t max)
{
	size_t best = SIZE_MAX;
	char *bw = NULL;

	for (const char *p = norm; *p;) {
		const char *b = p;
		size_t c;
		char *w;

		if (!ident_start((unsigned char)*p) ||
		    (p > norm && ident_char((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		while (ident_char((unsigned char)*p))
			p++;
		if (p - b < 3)
			continue;
		w = xstrndup(b, p - b);
		c = word_files(wi, w, NULL, 0);
		if (c < best) {
			best = c;
			free(bw);
			bw = w;
		} else {
			free(w);
		}
	}
	if (bw && best && best <= max)
		word_files(wi, bw, out, max);
	free(bw);
	return best;
}

/* Read `path` of the tree the patch goes onto; 1 found, 0 not, -1 error. */
static int content_at(struct judge *j, const char *path, struct strbuf *out)
{
	const char *kind;
	git_filemode_t mode;
	bool found;

	strbuf_reset(out);
	if (judge_read_path(out, &found, &mode, &kind, j->repo, j->tree, path) <
	    0)
		return -1;
	return found && !kind;
}

/*
 * Judge hunk `h` by content in `path`: 1 and `r` filled when its
 * function is there (present or missing), 0 when not, -1 on error.
 */
static int presence_in(struct judge *j, const struct patch_hunk *h,
		       const struct patch_file *pf, const char *path,
		       unsigned flags, struct presence *r)
{
	struct strbuf buf = STRBUF_INIT;
	struct lines f = LINES_INIT;
	int found = content_at(j, path, &buf);

	if (found > 0) {
		lines_split(&f, buf.buf, buf.len);
		presence_release(r);
		presence_check(r, h, j->patch, &f, flags);
		found = r->state != PRESENCE_UNKNOWN;
		lines_release(&f);
	}
	strbuf_release(&buf);
	return found;
}

/* A missing file's code: the file of that name elsewhere on the branch. */
static void same_name(struct judge *j, const char *path, struct strvec *out)
{
	const struct wordindex *wi = load_words(j);
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (uint32_t i = 0; wi && i < wi->files_nr; i++) {
		const char *f = wordindex_file(wi, i), *b = strrchr(f, '/');

		if (!strcmp(b ? b + 1 : f, base))
			strvec_push(out, f);
	}
	error_clear();
}

static void file_hunks_init(struct apply_file *af, size_t nr)
{
	af->hunks_nr = nr;
	af->how = xcalloc(nr + 1, sizeof(*af->how));
	af->pres = xcalloc(nr + 1, sizeof(*af->pres));
	af->where = xcalloc(nr + 1, sizeof(*af->where));
}

/* Does `word` stand as a whole word in [buf, buf + len)? */
static bool has_word(const char *buf, size_t len, const char *word)
{
	size_t n = strlen(word);
	const char *p = buf, *end = buf + len;

	while ((p = memmem(p, end - p, word, n))) {
		if ((p == buf || !ident_char((unsigned char)p[-1])) &&
		    (p + n == end || !ident_char((unsigned char)p[n])))
			return true;
		p += n;
	}
	return false;
}

/*
 * The C files next to `path` (its directory and the one above) that
 * name `word`: where a function moved within a driver or subsystem, the
 * first place to look, whatever the word index keeps of a name that
 * every architecture defines.
 */
static void near_files(struct judge *j, const char *path, const char *word,
		       struct strvec *out)
{
	char *dir = xstrdup(path), *slash;

	for (int up = 0; up < 2 && (slash = strrchr(dir, '/')); up++) {
		git_tree_entry *te = NULL;
		git_tree *sub = NULL;

		*slash = '\0';
		if (git_tree_entry_bypath(&te, j->tree, dir) < 0 ||
		    git_tree_entry_type(te) != GIT_OBJECT_TREE ||
		    git_tree_lookup(&sub, j->repo, git_tree_entry_id(te)) < 0) {
			git_tree_entry_free(te);
			error_clear();
			break;
		}
		for (size_t k = 0; k < git_tree_entrycount(sub); k++) {
			const git_tree_entry *e =
				git_tree_entry_byindex(sub, k);
			const char *name = git_tree_entry_name(e);
			git_blob *b = NULL;

			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
			    !(ends_with(name, ".c") || ends_with(name, ".h")) ||
			    git_blob_lookup(&b, j->repo, git_tree_entry_id(e)) <
				    0)
				continue;
			if (has_word(git_blob_rawcontent(b),
				     git_blob_rawsize(b), word)) {
				char *f = xstrfmt("%s/%s", dir, name);

				if (!strvec_has(out, f))
					strvec_push(out, f);
				free(f);
			}
			git_blob_free(b);
		}
		git_tree_free(sub);
		git_tree_entry_free(te);
	}
	error_clear();
	free(dir);
}

/*
 * Where hunk `h`'s code lives when not in `here`: a file of the branch
 * defining the function its header names; for a hunk without one, a
 * file holding the rarest of its removed or context lines. Fills `r` and
 * `*where` (owned) from the best candidate (present over missing over
 * reworked). 1 found, 0 not, -1 error.
 */
static int relocate(struct judge *j, const struct patch_hunk *h,
		    const struct patch_file *pf, const char *here,
		    struct presence *r, char **where)
{
	const struct wordindex *wi = load_words(j);
	struct strvec cands = STRVEC_INIT;
	char *name = hunk_name(h);
	unsigned flags = name ? PRESENCE_BY_NAME : 0;
	int ret = 0;

	if (!wi) {
		free(name);
		return -1;
	}
	if (name) {
		near_files(j, here, name, &cands);
		word_files(wi, name, &cands, WORDINDEX_MAX_FILES);
	}
	for (size_t i = 0; !name && !cands.nr && i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];
		size_t n;
		char *norm;

		if (l->kind == PATCH_LINE_ADD)
			continue;
		norm = ws_normalize(l->text, l->len, &n);
		if (presence_line_counts(norm, n))
			rarest(wi, norm, &cands, 4);
		free(norm);
	}
	for (size_t i = 0; i < cands.nr && ret >= 0; i++) {
		struct presence p = { 0 };
		int f;

		if (!strcmp(cands.v[i], here))
			continue;
		f = presence_in(j, h, pf, cands.v[i], flags, &p);
		if (f < 0) {
			ret = -1;
		} else if (f && (!ret || how_of(p.state) < how_of(r->state))) {
			presence_release(r);
			*r = p;
			free(*where);
			*where = xstrdup(cands.v[i]);
			ret = 1;
			continue;
		}
		presence_release(&p);
	}
	strvec_clear(&cands);
	free(name);
	return ret;
}

/* Does some identifier of line `norm` stand in no file of the branch? */
static bool unknown_word(const struct wordindex *wi, const char *norm)
{
	return rarest(wi, norm, NULL, 0) == 0;
}

/*
 * Does line `norm` name something the branch has nowhere, among `only`
 * (the names the patched code still uses)?
 */
static bool unknown_used_word(const struct wordindex *wi, const char *norm,
			      const struct strset *only)
{
	for (const char *p = norm; *p;) {
		const char *b = p;
		bool unknown;
		char *w;

		if (!ident_start((unsigned char)*p) ||
		    (p > norm && ident_char((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		while (ident_char((unsigned char)*p))
			p++;
		if (p - b < 3)
			continue;
		w = xstrndup(b, p - b);
		unknown = strset_has(only, w) && !word_files(wi, w, NULL, 0);
		free(w);
		if (unknown)
			return true;
	}
	return false;
}

/*
 * Is the code hunk `h` changes provably nowhere on the branch? Every
 * line it removes names something no file of the branch names (the
 * code is not there in any form); for a hunk that only adds lines, the
 * function it adds them to is named nowhere, nor is some line of its
 * context, in a file the branch lacks (in a file it has, the names the
 * context lacks may have been renamed since). In a file the branch
 * lacks, a function named nowhere is enough. A hunk with nothing to
 * show (trivial lines only) is not gone.
 */
static int proven_gone(struct judge *j, const struct patch_hunk *h,
		       bool file_missing)
{
	const struct wordindex *wi = load_words(j);
	char *name = hunk_name(h);
	size_t dels = 0, unknown_dels = 0, ctx = 0, unknown_ctx = 0;
	bool gone;

	if (!wi) {
		free(name);
		return -1;
	}
	for (size_t i = 0; i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];
		size_t n;
		char *norm;

		if (l->kind == PATCH_LINE_ADD)
			continue;
		norm = ws_normalize(l->text, l->len, &n);
		if (presence_line_counts(norm, n)) {
			bool unknown = unknown_word(wi, norm);

			if (l->kind == PATCH_LINE_DEL) {
				dels++;
				unknown_dels += unknown;
			} else {
				ctx++;
				unknown_ctx += unknown;
			}
		}
		free(norm);
	}
	if (file_missing && name && !word_files(wi, name, NULL, 0))
		gone = true;
	else if (dels)
		gone = unknown_dels == dels;
	else
		/*
		 * Only adds, to a file the branch has: names it lacks may be
		 * renames (a quirk table and its flags renamed since), so
		 * only a missing file proves it.
		 */
		gone = file_missing &&
		       ((name && !word_files(wi, name, NULL, 0) &&
			 (!ctx || unknown_ctx)) ||
			(!name && unknown_ctx));
	free(name);
	return gone;
}

/* A hunk its file could not place: gone, or elsewhere, or unknown. */
static int judge_elsewhere(struct judge *j, struct apply_file *af,
			   const struct patch_file *pf, size_t k)
{
	const struct patch_hunk *h = &pf->hunks[k];
	int r = relocate(j, h, pf, af->old_path, &af->pres[k], &af->where[k]);

	if (r < 0)
		return -1;
	if (r) {
		af->how[k] = how_elsewhere(&af->pres[k]);
		return 0;
	}
	r = proven_gone(j, h, af->missing);
	if (r < 0)
		return -1;
	af->how[k] = r ? JH_GONE : JH_UNKNOWN;
	return 0;
}

/* Does the hunk add a line that counts? */
static bool adds_lines(const struct patch_hunk *h)
{
	bool adds = false;

	for (size_t i = 0; i < h->nr && !adds; i++) {
		size_t n;
		char *norm;

		if (h->lines[i].kind != PATCH_LINE_ADD)
			continue;
		norm = ws_normalize(h->lines[i].text, h->lines[i].len, &n);
		adds = presence_line_counts(norm, n);
		free(norm);
	}
	return adds;
}

/*
 * A removal found done says nothing when the code it removes names
 * things this branch never had: gone when it is the function itself
 * that the branch lacks (a whole definition removed), else unknown.
 */
static int vacuous_removal(struct judge *j, struct apply_file *af,
			   const struct patch_hunk *h, size_t k)
{
	const struct wordindex *wi = load_words(j);
	struct strset used = STRSET_INIT;
	char *name;
	bool unknown = false;

	if (!wi)
		return -1;
	/*
	 * Names the patched code still uses: the branch has them if it has
	 * this code, before the patch or after it. (A name the patch drops
	 * for good may be gone because the patch is applied.)
	 */
	names_of(&used, j->patch, PATCH_LINE_ADD);
	names_of(&used, j->patch, PATCH_LINE_CONTEXT);
	for (size_t i = 0; i < h->nr && !unknown; i++) {
		const struct patch_line *l = &h->lines[i];
		size_t n;
		char *norm;

		if (l->kind != PATCH_LINE_DEL)
			continue;
		norm = ws_normalize(l->text, l->len, &n);
		unknown = presence_line_counts(norm, n) &&
			  unknown_used_word(wi, norm, &used);
		free(norm);
	}
	strset_clear(&used);
	if (!unknown)
		return 0;
	name = hunk_name(h);
	af->how[k] = name && !word_files(wi, name, NULL, 0) ? JH_GONE :
							      JH_UNKNOWN;
	free(af->pres[k].reason);
	af->pres[k].reason =
		xstrdup("removes code that names what this branch never had");
	free(name);
	return 0;
}

/* The tokens of a normalised line: identifiers, and single characters. */
static void tokens(struct strvec *out, const char *norm)
{
	for (const char *p = norm; *p;) {
		const char *b = p;
		char *t;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (ident_char((unsigned char)*p))
			while (ident_char((unsigned char)*p))
				p++;
		else
			p++;
		t = xstrndup(b, p - b);
		strvec_push(out, t);
		free(t);
	}
}

/*
 * Where one of `h`'s removed lines stands in f [from, to] (0-based) with
 * only the names the branch lacks changed (a rename since: the code is
 * there), 1-based; 0 when none, -1 on error.
 */
static long renamed_line(struct judge *j, const struct patch_hunk *h,
			 const struct lines *f, long from, long to)
{
	const struct wordindex *wi = load_words(j);
	long at = 0;

	if (!wi)
		return -1;
	if (from < 0)
		from = 0;
	if (to >= (long)f->nr)
		to = (long)f->nr - 1;
	for (size_t i = 0; i < h->nr && !at; i++) {
		struct strvec want = STRVEC_INIT;
		bool *wild = NULL;
		size_t n, wilds = 0, known = 0;
		char *norm;

		if (h->lines[i].kind != PATCH_LINE_DEL)
			continue;
		norm = ws_normalize(h->lines[i].text, h->lines[i].len, &n);
		tokens(&want, norm);
		wild = xcalloc(want.nr + 1, sizeof(*wild));
		for (size_t t = 0; t < want.nr; t++) {
			const char *w = want.v[t];

			if (!ident_start((unsigned char)*w) || strlen(w) < 3)
				continue;
			wild[t] = !word_files(wi, w, NULL, 0);
			wilds += wild[t];
			known += !wild[t];
		}
		for (long l = from; wilds && known && l <= to && !at; l++) {
			struct strvec have = STRVEC_INIT;
			bool same = true;

			tokens(&have, f->v[l].norm);
			same = have.nr == want.nr;
			for (size_t t = 0; same && t < want.nr; t++)
				same = wild[t] ?
					       ident_start((unsigned char)*have
								   .v[t]) :
					       !strcmp(want.v[t], have.v[t]);
			if (same)
				at = l + 1;
			strvec_clear(&have);
		}
		free(wild);
		free(norm);
		strvec_clear(&want);
	}
	return at;
}

/*
 * A hunk found reworked, or a removal found done: gone instead when
 * what it removes names things the branch has nowhere (it changes code
 * this branch never had, next to code it has; a removal of it proves
 * nothing).
 */
static int reworked_or_gone(struct judge *j, struct apply_file *af,
			    const struct patch_file *pf, size_t k,
			    const struct lines *f)
{
	const struct patch_hunk *h = &pf->hunks[k];
	bool dels = false;
	long at;
	int r;

	for (size_t i = 0; i < h->nr; i++)
		dels |= h->lines[i].kind == PATCH_LINE_DEL;
	if (!dels)
		return 0;
	at = renamed_line(j, h, f, af->pres[k].from - 1, af->pres[k].to - 1);
	if (at < 0)
		return -1;
	if (at) {
		/* Its old code is there under other names: not gone. */
		af->how[k] = JH_MISSING;
		af->pres[k].still = at;
		free(af->pres[k].reason);
		af->pres[k].reason = xstrfmt(
			"a line it removes stands at %ld with other names "
			"(renamed since?)",
			at);
		return 0;
	}
	r = proven_gone(j, h, false);
	if (r > 0)
		af->how[k] = JH_GONE;
	else if (!r && af->how[k] == JH_PRESENT)
		r = vacuous_removal(j, af, h, k);
	return r < 0 ? -1 : 0;
}

/* Every hunk of a file the branch lacks. */
static int classify_missing(struct judge *j, struct apply_file *af,
			    const struct patch_file *pf)
{
	struct strvec moved = STRVEC_INIT;
	size_t best = 0;
	char *to = NULL;
	int ret = 0;

	if (pf->status == PATCH_FILE_DELETED) {
		for (size_t k = 0; k < pf->nr; k++) {
			af->how[k] = JH_PRESENT;
			af->pres[k].reason =
				xstrdup("the file is gone already");
		}
		return 0;
	}
	/* The file moved: the same name elsewhere holding its code. */
	same_name(j, af->old_path, &moved);
	if (!moved.nr && !ends_with(af->old_path, ".c") &&
	    !ends_with(af->old_path, ".h")) {
		/* Not C: no function to look for; no file of its name. */
		for (size_t k = 0; k < pf->nr; k++) {
			af->how[k] = JH_GONE;
			af->pres[k].reason = xstrdup("no file of that name on "
						     "the branch");
		}
		return 0;
	}
	for (size_t m = 0; m < moved.nr && !ret; m++) {
		size_t here = 0;

		for (size_t k = 0; k < pf->nr && !ret; k++) {
			struct presence p = { 0 };
			int r = presence_in(j, &pf->hunks[k], pf, moved.v[m], 0,
					    &p);

			presence_release(&p);
			if (r < 0)
				ret = -1;
			here += r > 0;
		}
		if (here > best) {
			best = here;
			to = moved.v[m];
		}
	}
	for (size_t k = 0; k < pf->nr && !ret; k++) {
		int r = to ? presence_in(j, &pf->hunks[k], pf, to, 0,
					 &af->pres[k]) :
			     0;

		if (r < 0) {
			ret = -1;
		} else if (r) {
			af->where[k] = xstrdup(to);
			af->how[k] = how_of(af->pres[k].state);
		} else {
			ret = judge_elsewhere(j, af, pf, k);
		}
	}
	strvec_clear(&moved);
	return ret;
}

/* How each hunk of each file stands (apply_file.how). */
static int classify(struct judge *j)
{
	struct apply_patch *ap = j->ap;
	struct strbuf buf = STRBUF_INIT;
	int ret = 0;

	for (size_t i = 0; i < ap->nr && !ret; i++) {
		struct apply_file *af = &ap->files[i];
		const struct patch_file *pf = &j->patch->files[i];
		struct lines f = LINES_INIT;

		file_hunks_init(af, pf->nr);
		if (af->missing) {
			ret = classify_missing(j, af, pf);
			continue;
		}
		/* The file's lines, for the hunks that failed only. */
		if (af->loc.failed_nr &&
		    content_at(j, af->old_path, &buf) < 0) {
			ret = -1;
			break;
		}
		if (af->loc.failed_nr)
			lines_split(&f, buf.buf, buf.len);
		for (size_t k = 0; k < pf->nr && !ret; k++) {
			switch (af->loc.hunks[k].status) {
			case HUNK_ALREADY_APPLIED:
				af->how[k] = JH_REVERSE;
				if (!adds_lines(&pf->hunks[k]))
					ret = vacuous_removal(j, af,
							      &pf->hunks[k], k);
				break;
			case HUNK_FAILED:
				presence_check(&af->pres[k], &pf->hunks[k],
					       j->patch, &f, 0);
				af->how[k] = how_of(af->pres[k].state);
				if (af->how[k] == JH_UNKNOWN)
					ret = judge_elsewhere(j, af, pf, k);
				else if (af->how[k] == JH_REWORKED ||
					 (af->how[k] == JH_PRESENT &&
					  af->pres[k].removal))
					ret = reworked_or_gone(j, af, pf, k,
							       &f);
				break;
			default:
				af->how[k] = JH_FORWARD;
			}
		}
		lines_release(&f);
	}
	strbuf_release(&buf);
	return ret;
}

struct tally {
	size_t total, forward, reverse, present, missing, still, reworked, gone,
		unknown;
};

static void tally(struct tally *c, const struct apply_patch *ap)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < ap->nr; i++)
		for (size_t k = 0; k < ap->files[i].hunks_nr; k++) {
			const struct apply_file *af = &ap->files[i];

			c->total++;
			switch (af->how[k]) {
			case JH_FORWARD:
				c->forward++;
				break;
			case JH_REVERSE:
				c->reverse++;
				break;
			case JH_PRESENT:
				c->present++;
				break;
			case JH_MISSING:
				c->missing++;
				/* Undone: its old lines back, most new ones not. */
				c->still += af->pres[k].still &&
					    (!af->pres[k].added ||
					     af->pres[k].added_found * 2 <
						     af->pres[k].added);
				break;
			case JH_REWORKED:
				c->reworked++;
				break;
			case JH_GONE:
				c->gone++;
				break;
			default:
				c->unknown++;
			}
		}
}

/* "mmu.c hunk 3 (-6986,6)" for each hunk judged `how`, with `what`. */
static void list_hunks(struct strbuf *sb, const struct judge *j, int how,
		       const char *what)
{
	const struct apply_patch *ap = j->ap;
	bool first = true;

	for (size_t i = 0; i < ap->nr; i++) {
		const struct apply_file *af = &ap->files[i];

		for (size_t k = 0; k < af->hunks_nr; k++) {
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];

			if (af->how[k] != how)
				continue;
			strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)",
				    first ? "" : ", ", af->path, k + 1,
				    h->old_start, h->old_count);
			if (af->where[k])
				strbuf_addf(sb, " in %s", af->where[k]);
			if (what)
				strbuf_addf(sb, " %s", what);
			first = false;
		}
	}
}

/* The reasons of each hunk that stops the patch, for a conflict. */
static void explain_hunks(struct strbuf *sb, const struct judge *j)
{
	const struct apply_patch *ap = j->ap;
	bool first = true;

	for (size_t i = 0; i < ap->nr; i++) {
		const struct apply_file *af = &ap->files[i];

		for (size_t k = 0; k < af->hunks_nr; k++) {
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];
			const struct locate_hunk_result *hr =
				k < af->loc.nr ? &af->loc.hunks[k] : NULL;
			int how = af->how[k];

			if (how == JH_FORWARD || how == JH_REVERSE ||
			    how == JH_PRESENT)
				continue;
			strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)",
				    first ? "" : "; ", af->path, k + 1,
				    h->old_start, h->old_count);
			first = false;
			if (af->missing && !af->where[k])
				strbuf_addstr(sb, ": no such file");
			else if (af->where[k])
				strbuf_addf(sb, ": its code is in %s now (%s)",
					    af->where[k], af->pres[k].reason);
			else if (hr && hr->reason && af->pres[k].reason)
				strbuf_addf(sb, ": %s (%s)", hr->reason,
					    af->pres[k].reason);
			else if (hr && hr->reason)
				strbuf_addf(sb, ": %s", hr->reason);
			else if (af->pres[k].reason)
				strbuf_addf(sb, ": %s", af->pres[k].reason);
			if (how == JH_GONE)
				strbuf_addstr(sb, ", nowhere on the branch");
		}
	}
}

/* The counting lines of one side of `h` ("+" or " -"), normalised. */
static void side_lines(struct strvec *out, const struct patch_hunk *h,
		       const char *kinds)
{
	for (size_t i = 0; i < h->nr; i++) {
		size_t n;
		char *norm;

		if (!strchr(kinds, h->lines[i].kind))
			continue;
		norm = ws_normalize(h->lines[i].text, h->lines[i].len, &n);
		if (presence_line_counts(norm, n))
			strvec_push(out, norm);
		free(norm);
	}
}

/* The counting lines of the file `af` patches, as the branch has it. */
static void file_lines(struct judge *j, const struct apply_file *af,
		       bool at_base, struct strvec *out)
{
	struct strbuf buf = STRBUF_INIT;
	struct lines f = LINES_INIT;
	git_commit *c = NULL;
	git_tree *base = NULL;
	const char *kind;
	git_filemode_t mode;
	bool found = false;
	int r;

	if (at_base && (git_commit_lookup(&c, j->repo, &j->t->base) < 0 ||
			git_commit_tree(&base, c) < 0))
		goto out;
	r = at_base ? judge_read_path(&buf, &found, &mode, &kind, j->repo, base,
				      af->old_path) :
		      content_at(j, af->old_path, &buf);
	if (at_base && r >= 0)
		r = found && !kind;
	if (!af->missing && r > 0) {
		lines_split(&f, buf.buf, buf.len);
		for (size_t i = 0; i < f.nr; i++)
			if (presence_line_counts(f.v[i].norm, f.v[i].nlen))
				strvec_push(out, f.v[i].norm);
		lines_release(&f);
	}
out:
	error_clear();
	git_tree_free(base);
	git_commit_free(c);
	strbuf_release(&buf);
}

/*
 * The earlier patches of the series this one builds on: those that add
 * lines its hunks need (context or removed lines the file does not have
 * without them) to the same file, among the hunks that could not go in
 * (`failing`: and the patches that did not go in either) or all of them
 * (and the patches that went in). Into ap->needs, as "<file> (<verdict>
 * here)".
 */
static void find_needs(struct judge *j, bool failing)
{
	const struct apply_target *t = j->t;
	struct apply_patch *ap = j->ap;
	struct strvec *want, *here;
	bool *loaded, shared = false;

	/* No earlier patch changed these files: nothing to build on. */
	for (size_t i = 0; i < ap->nr && !shared; i++)
		shared = strset_has(&t->touched, ap->files[i].old_path);
	if (!shared)
		return;
	want = xcalloc(ap->nr + 1, sizeof(*want));
	here = xcalloc(ap->nr + 1, sizeof(*here));
	loaded = xcalloc(ap->nr + 1, sizeof(*loaded));
	for (size_t i = 0; i < ap->nr; i++) {
		const struct apply_file *af = &ap->files[i];

		strvec_init(&want[i]);
		strvec_init(&here[i]);
		for (size_t k = 0; k < af->hunks_nr; k++) {
			int how = af->how[k];

			if (!failing ||
			    (how != JH_FORWARD && how != JH_REVERSE &&
			     how != JH_PRESENT))
				side_lines(&want[i],
					   &j->patch->files[i].hunks[k], " -");
		}
	}
	for (size_t e = 0; e < t->nr && &t->patches[e] != ap; e++) {
		const struct apply_patch *ep = &t->patches[e];
		const struct patch *p = &ep->sp->mail->patch;
		bool in = verdict_is_applied(ep->verdict) ||
			  ep->verdict == VERDICT_ALREADY_PRESENT;
		bool needed = false;

		if (failing == in)
			continue;
		for (size_t i = 0; i < ap->nr && !needed; i++) {
			const struct apply_file *af = &ap->files[i];
			struct strvec added = STRVEC_INIT;

			for (size_t f = 0; f < p->nr && want[i].nr; f++) {
				const char *path =
					p->files[f].new_path ?
						p->files[f].new_path :
						p->files[f].old_path;

				if (!path || strcmp(path, af->old_path))
					continue;
				for (size_t k = 0; k < p->files[f].nr; k++)
					side_lines(&added,
						   &p->files[f].hunks[k], "+");
			}
			/* A line the file has already is not needed from it. */
			for (size_t w = 0; w < want[i].nr && !needed; w++) {
				if (!strvec_has(&added, want[i].v[w]))
					continue;
				/*
				 * Failing: the file as it stands now; went in:
				 * the branch's own file, before the series.
				 */
				if (!loaded[i])
					file_lines(j, af, !failing, &here[i]);
				loaded[i] = true;
				needed = !strvec_has(&here[i], want[i].v[w]);
			}
			strvec_clear(&added);
		}
		if (needed)
			strvec_pushf(&ap->needs, "%s (%s here)", ep->sp->file,
				     verdict_name(ep->verdict));
	}
	for (size_t i = 0; i < ap->nr; i++) {
		strvec_clear(&want[i]);
		strvec_clear(&here[i]);
	}
	free(want);
	free(here);
	free(loaded);
}

/* Add every identifier of [s, end) to `out`. */
static void add_names(struct strset *out, const char *s, const char *end)
{
	while (s < end) {
		const char *b = s;

		if (!ident_start((unsigned char)*s)) {
			s++;
			continue;
		}
		while (s < end && ident_char((unsigned char)*s))
			s++;
		strset_addn(out, b, s - b);
	}
}

/*
 * The code of one line, comments and literals blanked: a name in a
 * comment or a string is no call. A line that continues a block comment
 * (" * ...") is all comment.
 */
static char *code_of(const char *text, size_t len)
{
	char *c = xstrndup(text, len);
	size_t i = 0;
	char quote = 0;

	while (i < len && (c[i] == ' ' || c[i] == '\t'))
		i++;
	if (i < len && (c[i] == '*' || !strncmp(c + i, "/*", 2))) {
		c[0] = '\0';
		return c;
	}
	for (; i < len; i++) {
		if (quote) {
			if (c[i] == '\\' && i + 1 < len)
				c[i++] = ' ';
			else if (c[i] == quote)
				quote = 0;
			c[i] = ' ';
		} else if (c[i] == '"' || c[i] == '\'') {
			quote = c[i];
			c[i] = ' ';
		} else if (!strncmp(c + i, "//", 2)) {
			c[i] = '\0';
			break;
		} else if (!strncmp(c + i, "/*", 2)) {
			char *e = strstr(c + i + 2, "*/");
			size_t stop = e ? (size_t)(e - c) + 2 : len;

			memset(c + i, ' ', stop - i);
			i = stop - 1;
		}
	}
	return c;
}

/* The functions (and function-like macros) a line calls. */
static void add_calls(struct strvec *out, const char *line, size_t len)
{
	char *code = code_of(line, len);
	const char *text = code, *s = code, *end = code + strlen(code);

	while (s < end) {
		const char *b = s, *q;
		bool member;

		if (!ident_start((unsigned char)*s) ||
		    (s > text && ident_char((unsigned char)s[-1]))) {
			s++;
			continue;
		}
		while (s < end && ident_char((unsigned char)*s))
			s++;
		for (q = s; q < end && (*q == ' ' || *q == '\t');)
			q++;
		member = b > text &&
			 (b[-1] == '.' ||
			  (b - text >= 2 && b[-1] == '>' && b[-2] == '-'));
		if (q < end && *q == '(' && s - b >= 3 && !member &&
		    !is_keyword(b, s - b)) {
			char *w = xstrndup(b, s - b);

			if (!strvec_has(out, w))
				strvec_push(out, w);
			/*
			 * CLASS(name, var), guard(name): the cleanup class
			 * (DEFINE_CLASS, DEFINE_GUARD) is a helper too.
			 */
			if (!strcmp(w, "CLASS") || !strcmp(w, "guard") ||
			    !strcmp(w, "scoped_guard") ||
			    !strcmp(w, "scoped_cond_guard")) {
				const char *a = q + 1, *ae;

				while (a < end && (*a == ' ' || *a == '\t'))
					a++;
				for (ae = a; ae < end &&
					     ident_char((unsigned char)*ae);)
					ae++;
				if (ae - a >= 3) {
					free(w);
					w = xstrndup(a, ae - a);
					if (!strvec_has(out, w))
						strvec_push(out, w);
				}
			}
			free(w);
		}
	}
	free(code);
}

void judge_went_in(struct judge *j)
{
	names_of(&j->t->added_names, j->patch, PATCH_LINE_ADD);
}

/*
 * The later patch of the series that adds `name`, or NULL: a helper the
 * series brings after the patch that uses it.
 */
static const struct series_patch *added_later(const struct judge *j,
					      const char *name)
{
	for (size_t i = j->index + 1; j->series && i < j->series->nr; i++) {
		struct strset set = STRSET_INIT;
		bool has;

		names_of(&set, &j->series->patches[i].mail->patch,
			 PATCH_LINE_ADD);
		has = strset_has(&set, name);
		strset_clear(&set);
		if (has)
			return &j->series->patches[i];
	}
	return NULL;
}

/*
 * trace_<event>(), trace_<event>_enabled(), ...: generated by
 * TRACE_EVENT(<event>, ...), so named by no file; the event is.
 */
static bool tracepoint_known(const struct wordindex *wi, const char *name)
{
	static const char *const pre[] = { "trace_", "register_trace_",
					   "unregister_trace_" };
	bool known = false;

	for (size_t i = 0; i < ARRAY_SIZE(pre) && !known; i++) {
		const char *ev;
		char *e;

		if (!skip_prefix(name, pre[i], &ev))
			continue;
		e = xstrdup(ev);
		if (ends_with(e, "_enabled"))
			e[strlen(e) - strlen("_enabled")] = '\0';
		known = word_files(wi, e, NULL, 0) > 0;
		free(e);
	}
	return known;
}

/*
 * A name made by token pasting (BTRFS_SETGET_FUNCS(inode_sequence, ...)
 * makes btrfs_set_inode_sequence()) is in no file; the pasted part is:
 * some tail of the name after a '_', with a '_' of its own and at least
 * eight characters, that the tree names.
 */
static bool pasted_known(const struct wordindex *wi, const char *name)
{
	for (const char *p = strchr(name, '_'); p; p = strchr(p + 1, '_')) {
		const char *tail = p + 1;

		if (strlen(tail) >= 8 && strchr(tail, '_') &&
		    word_files(wi, tail, NULL, 0))
			return true;
	}
	return false;
}

/*
 * The functions its added lines call that the branch has nowhere: no
 * file of the tree names them, the patch does not define them (as a
 * function or a macro), and no earlier patch of the series that went in
 * added them. A fix that calls a helper the branch lacks needs
 * adapting, however cleanly it applies.
 */
static int missing_helpers(struct judge *j, struct strvec *out,
			   struct strvec *later)
{
	const struct apply_target *t = j->t;
	struct strset known = STRSET_INIT;
	struct strvec calls = STRVEC_INIT;
	const struct wordindex *wi = NULL;
	int ret = 0;

	names_of(&known, j->patch, PATCH_LINE_CONTEXT);
	names_of(&known, j->patch, PATCH_LINE_DEL);
	for (size_t f = 0; f < j->patch->nr; f++)
		for (size_t k = 0; k < j->patch->files[f].nr; k++) {
			const struct patch_hunk *h =
				&j->patch->files[f].hunks[k];
			const char *path = j->patch->files[f].new_path;

			/* Kernel C only: tools/ and scripts/ link libraries. */
			if (!path ||
			    !(ends_with(path, ".c") || ends_with(path, ".h")) ||
			    starts_with(path, "tools/") ||
			    starts_with(path, "scripts/"))
				continue;

			for (size_t i = 0; i < h->nr; i++) {
				const struct patch_line *l = &h->lines[i];

				if (l->kind != PATCH_LINE_ADD)
					continue;
				if (scope_is_head(l->text, l->len) ||
				    !strncmp(l->text, "#define", 7))
					add_names(&known, l->text,
						  l->text + l->len);
				else
					add_calls(&calls, l->text, l->len);
			}
		}
	for (size_t i = 0; i < calls.nr && !ret; i++) {
		const struct series_patch *by;

		if (strset_has(&known, calls.v[i]) ||
		    strset_has(&t->added_names, calls.v[i]))
			continue;
		if (!wi && !(wi = load_words(j))) {
			ret = -1;
			break;
		}
		if (word_files(wi, calls.v[i], NULL, 0) ||
		    tracepoint_known(wi, calls.v[i]) ||
		    pasted_known(wi, calls.v[i]))
			continue;
		load_series_names(j);
		by = strset_has(&t->series_added, calls.v[i]) ?
			     added_later(j, calls.v[i]) :
			     NULL;
		if (by)
			strvec_pushf(later, "%s() from %s", calls.v[i],
				     by->file);
		else
			strvec_push(out, calls.v[i]);
	}
	strset_clear(&known);
	strvec_clear(&calls);
	return ret;
}

/*
 * The earlier patch of the series that did not go in and adds one of
 * `lines` to `path`, or NULL.
 */
static const struct apply_patch *added_by_missing(const struct judge *j,
						  const char *path,
						  const struct strvec *lines)
{
	const struct apply_target *t = j->t;

	for (size_t e = 0; e < t->nr && &t->patches[e] != j->ap; e++) {
		const struct apply_patch *ep = &t->patches[e];
		const struct patch *p = &ep->sp->mail->patch;
		struct strvec added = STRVEC_INIT;
		bool hit = false;

		if (verdict_is_applied(ep->verdict) ||
		    ep->verdict == VERDICT_ALREADY_PRESENT)
			continue;
		for (size_t f = 0; f < p->nr; f++) {
			const char *fp = p->files[f].new_path ?
						 p->files[f].new_path :
						 p->files[f].old_path;

			if (fp && !strcmp(fp, path))
				for (size_t k = 0; k < p->files[f].nr; k++)
					side_lines(&added,
						   &p->files[f].hunks[k], "+");
		}
		for (size_t w = 0; w < lines->nr && !hit; w++)
			hit = strvec_has(&added, lines->v[w]);
		strvec_clear(&added);
		if (hit)
			return ep;
	}
	return NULL;
}

/*
 * A removal found done proves nothing when the lines it removes are
 * ones an earlier patch of the series adds and that patch did not go
 * in: they were never here. Such hunks are unknown (and find_needs()
 * names the patch).
 */
static void vacuous_removals(struct judge *j)
{
	struct apply_patch *ap = j->ap;

	for (size_t i = 0; i < ap->nr; i++) {
		struct apply_file *af = &ap->files[i];

		for (size_t k = 0; k < af->hunks_nr; k++) {
			struct strvec dels = STRVEC_INIT;
			const struct apply_patch *by;

			if (af->how[k] != JH_PRESENT || !af->pres[k].removal)
				continue;
			side_lines(&dels, &j->patch->files[i].hunks[k], "-");
			by = added_by_missing(j, af->old_path, &dels);
			strvec_clear(&dels);
			if (!by)
				continue;
			af->how[k] = JH_UNKNOWN;
			free(af->pres[k].reason);
			af->pres[k].reason = xstrfmt(
				"removes lines %s adds, which did not go in",
				by->sp->file);
		}
	}
}

/* Is every merged file what the branch has already? */
static bool merge_changes_nothing(struct judge *j)
{
	struct strbuf cur = STRBUF_INIT;
	bool same = true;

	for (size_t i = 0; i < j->ap->nr && same; i++) {
		const struct apply_file *af = &j->ap->files[i];

		if (!af->merged)
			continue;
		same = content_at(j, af->old_path, &cur) > 0 &&
		       cur.len == af->merge_out.len &&
		       !memcmp(cur.buf, af->merge_out.buf, cur.len);
	}
	error_clear();
	strbuf_release(&cur);
	return same;
}

/* The verdict when some hunk's change could not go in. */
static enum verdict judge_blocked(struct judge *j, const struct tally *c)
{
	struct apply_patch *ap = j->ap;
	struct strbuf *d = &j->detail;
	int three;

	find_needs(j, true);
	if (ap->needs.nr) {
		strbuf_addstr(d, "needs ");
		join(d, &ap->needs, 4);
		strbuf_addstr(d, ", which did not go in; ");
		explain_hunks(d, j);
		return VERDICT_DEPENDS;
	}
	if (c->present + c->reverse &&
	    (c->missing || c->forward || c->reworked)) {
		/*
		 * Some hunk's change is there, some is not as written where
		 * its code is (missing, or reworked since: not a proof of
		 * presence). Hunks whose code is elsewhere or gone say
		 * nothing either way.
		 */
		list_hunks(d, j, JH_REVERSE, "already present");
		if (c->reverse && c->present)
			strbuf_addstr(d, ", ");
		list_hunks(d, j, JH_PRESENT, "already present");
		strbuf_addstr(d, "; missing: ");
		list_hunks(d, j, JH_FORWARD, "(would apply)");
		if (c->forward && (c->missing || c->reworked))
			strbuf_addstr(d, "; ");
		explain_hunks(d, j);
		return VERDICT_PARTIALLY_PRESENT;
	}
	three = try_three_way(j);
	if (three < 0)
		return VERDICT__COUNT;
	if (three > 0 && merge_changes_nothing(j)) {
		strbuf_addstr(d, "a 3-way merge from the preimage blob changes "
				 "nothing: the change is there");
		return VERDICT_ALREADY_PRESENT;
	}
	if (three > 0) {
		strbuf_addstr(d, "3-way merge from the preimage blob");
		return VERDICT_MERGED_3WAY;
	}
	explain_hunks(d, j);
	return VERDICT_CONFLICT;
}

/* "... (every hunk's change found: 2 by reverse apply, 1 by content)" */
static void present_detail(struct strbuf *d, const struct judge *j,
			   const struct tally *c)
{
	if (d->len)
		strbuf_addstr(d, "; ");
	if (c->reverse + c->present) {
		strbuf_addf(d, "every hunk's change found:");
		if (c->reverse)
			strbuf_addf(d, " %zu by reverse apply", c->reverse);
		if (c->present)
			strbuf_addf(d, "%s %zu by content in %s",
				    c->reverse ? "," : "", c->present,
				    c->present == 1 ? "its function" :
						      "their functions");
	}
	if (c->gone) {
		strbuf_addstr(d, c->reverse + c->present ? "; " : "");
		list_hunks(d, j, JH_GONE,
			   "changes code that exists nowhere "
			   "on the branch now");
	}
	if (c->reworked || c->missing) {
		strbuf_addstr(d, "; changed since: ");
		list_hunks(d, j, JH_REWORKED, NULL);
		if (c->reworked && c->missing)
			strbuf_addstr(d, ", ");
		list_hunks(d, j, JH_MISSING, NULL);
	}
}

/* Identifiers of the old side of `h` that no file of the branch names. */
static void unknown_names(struct strvec *out, const struct wordindex *wi,
			  const struct patch_hunk *h)
{
	for (size_t i = 0; i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];
		const char *s = l->text, *end = l->text + l->len;

		if (l->kind == PATCH_LINE_ADD)
			continue;
		while (s < end) {
			const char *b = s;
			char *w;

			if (!ident_start((unsigned char)*s) ||
			    (s > l->text && ident_char((unsigned char)s[-1]))) {
				s++;
				continue;
			}
			while (s < end && ident_char((unsigned char)*s))
				s++;
			if (s - b < 3)
				continue;
			w = xstrndup(b, s - b);
			if (!word_files(wi, w, NULL, 0)) {
				/* Shown as called: "is_mirror_sptep()". */
				char *shown = s < end && *s == '(' ?
						      xstrfmt("%s()", w) :
						      xstrdup(w);

				if (!strvec_has(out, shown))
					strvec_push(out, shown);
				free(shown);
			}
			free(w);
		}
	}
}

/*
 * Not applicable: the code the patch changes is nowhere on the branch.
 * Some hunk's code provably exists nowhere (jh GONE), and every other
 * hunk sits in a definition that, as the patch knows it, holds names the
 * branch has nowhere (a later version of it: the hunks of the same
 * header show it), none is there already and none would apply. Fills
 * the detail and returns 1; 0 when not so; -1 on error.
 */
static int not_applicable(struct judge *j, const struct tally *c)
{
	const struct apply_patch *ap = j->ap;
	const struct wordindex *wi = load_words(j);
	struct strvec names = STRVEC_INIT, later = STRVEC_INIT;
	struct strbuf *d = &j->detail;
	bool all = true;

	if (!wi)
		return -1;
	/* The headers whose definition the branch has in another form. */
	for (size_t i = 0; i < ap->nr; i++)
		for (size_t k = 0; k < ap->files[i].hunks_nr; k++) {
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];
			size_t before = names.nr;

			unknown_names(&names, wi, h);
			if (names.nr > before || ap->files[i].how[k] == JH_GONE)
				strvec_push(&later,
					    h->section ? h->section : "");
		}
	for (size_t i = 0; i < ap->nr && all; i++)
		for (size_t k = 0; k < ap->files[i].hunks_nr && all; k++) {
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];

			all = ap->files[i].how[k] == JH_GONE ||
			      strvec_has(&later, h->section ? h->section : "");
		}
	if (all) {
		for (size_t i = 0; i < ap->nr; i++)
			if (ap->files[i].missing)
				strbuf_addf(d, "%s does not exist on %s; ",
					    ap->files[i].old_path, j->t->name);
		list_hunks(d, j, JH_GONE, NULL);
		strbuf_addf(d, ": the code %s changes exists nowhere on %s",
			    c->gone == 1 ? "it" : "they", j->t->name);
		if (c->gone < c->total)
			strbuf_addstr(d,
				      "; the other hunks change a later form "
				      "of their functions");
		if (names.nr) {
			strbuf_addstr(d, " (");
			join(d, &names, 6);
			strbuf_addf(d, ": %s on %s)",
				    names.nr == 1 ? "not" : "none", j->t->name);
		}
	}
	strvec_clear(&names);
	strvec_clear(&later);
	return all;
}

/* The verdict of a patch whose files were located. */
enum verdict judge_located(struct judge *j, struct strvec *problems)
{
	struct apply_patch *ap = j->ap;
	struct strbuf *d = &j->detail;
	struct strbuf hist = STRBUF_INIT;
	enum locate_hunk_status worst;
	size_t total, failed, already;
	struct strvec helpers = STRVEC_INIT, later = STRVEC_INIT;
	enum verdict v = VERDICT__COUNT;
	struct tally c;
	int found;

	if (problems->nr) {
		join(d, problems, 3);
		return VERDICT_CONFLICT;
	}
	if (classify(j) < 0 || load_history(j) < 0)
		return VERDICT__COUNT;
	vacuous_removals(j);
	found = provenance_find(&hist, &j->t->history, ap->sp->mail, false);
	if (found < 0)
		goto out;
	if (found != PROVENANCE_NONE)
		ap->history = xstrdup(hist.buf);
	judge_count_hunks(ap, &total, &failed, &already, &worst);
	count_repairs(ap);
	tally(&c, ap);

	/*
	 * A title names this very change when the patch names its upstream
	 * commit (a stable backport); for a list posting it may name another
	 * version, so its reworked hunks still make it partial.
	 */
	if (found == PROVENANCE_TITLE && ap->sp->mail->upstream_commit)
		found = PROVENANCE_PRESENT;
	if (found == PROVENANCE_TITLE && !c.missing && !c.reworked)
		found = PROVENANCE_PRESENT;
	/* The history says it is there, and no hunk says otherwise. */
	if (found == PROVENANCE_PRESENT && !c.forward && !c.still) {
		strbuf_addbuf(d, &hist);
		if (c.missing || c.reworked || c.gone)
			present_detail(d, j, &c);
		v = VERDICT_ALREADY_PRESENT;
		goto out;
	}
	if (!c.forward && !c.missing && !c.reworked && !c.unknown &&
	    c.reverse + c.present) {
		present_detail(d, j, &c);
		v = VERDICT_ALREADY_PRESENT;
		goto out;
	}
	if (!c.forward && !c.reverse && !c.present && c.gone) {
		int na = not_applicable(j, &c);

		if (na < 0)
			goto out;
		if (na) {
			v = VERDICT_NOT_APPLICABLE;
			goto out;
		}
	}
	if (!failed && c.forward) {
		if (c.reverse) {
			list_hunks(d, j, JH_REVERSE, "already present");
			strbuf_addstr(d, "; the other hunks would apply");
			v = VERDICT_PARTIALLY_PRESENT;
			goto out;
		}
		if (missing_helpers(j, &helpers, &later) < 0)
			goto out;
		if (helpers.nr) {
			strbuf_addstr(d, "applies, but calls ");
			for (size_t i = 0; i < helpers.nr && i < 4; i++)
				strbuf_addf(d, "%s%s()", i ? ", " : "",
					    helpers.v[i]);
			strbuf_addf(d,
				    ", which %s lacks (no file of the "
				    "branch names %s)",
				    j->t->name,
				    helpers.nr == 1 ? "it" : "them");
			v = VERDICT_CONFLICT;
			goto out;
		}
		v = judge_applied(j, worst);
		if (later.nr) {
			strbuf_addstr(d, d->len ? "; uses " : "uses ");
			join(d, &later, 4);
			strbuf_addstr(d, ", later in the series");
		}
		if (found == PROVENANCE_REVERTED)
			strbuf_addf(d, "%s%s", d->len ? "; " : "", hist.buf);
		find_needs(j, false);
		if (ap->needs.nr) {
			strbuf_addstr(d, d->len ? "; after " : "after ");
			join(d, &ap->needs, 4);
		}
		goto out;
	}
	if (found == PROVENANCE_PRESENT || found == PROVENANCE_TITLE)
		strbuf_addf(d, "%s, but: ", hist.buf);
	else if (found == PROVENANCE_REVERTED)
		strbuf_addf(d, "%s; ", hist.buf);
	v = judge_blocked(j, &c);
out:
	strbuf_release(&hist);
	strvec_clear(&helpers);
	strvec_clear(&later);
	return v;
}
