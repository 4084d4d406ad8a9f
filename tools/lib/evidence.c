// SPDX-License-Identifier: GPL-2.0
/*
 * evidence: how each hunk of a patch stands on the branch, judged from
 * where locate put it, by content in its function, in the file where
 * its function lives now, and against the whole tree. See evidence.h.
 */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "judge.h"
#include "linecache.h"
#include "names.h"
#include "util/error.h"
#include "util/lines.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

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

/*
 * Judge hunk `h` by content in `path`: 1 and `r` filled when its
 * function is there (present or missing), 0 when not, -1 on error.
 */
static int presence_in(struct judge *j, const struct patch_hunk *h,
		       const char *path, unsigned flags, struct presence *r)
{
	const struct lines *f;
	int found = linecache_get(&f, &j->t->lines, j->repo, j->tree, path);

	if (found > 0) {
		presence_release(r);
		presence_check(r, h, j->patch, f, flags);
		found = r->state != PRESENCE_UNKNOWN;
	}
	return found;
}

/* A missing file's code: the file of that name elsewhere on the branch. */
static void same_name(struct judge *j, const char *path, struct strvec *out)
{
	const struct wordindex *wi = judge_words(j);
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
	const struct wordindex *wi = judge_words(j);
	uint32_t held[WORDINDEX_MAX_FILES];
	size_t count = 0, n = 0;
	char *dir = xstrdup(path), *slash;

	/*
	 * The word index of the base answers for every file the series
	 * has not changed, when it keeps all the files holding the word;
	 * only the others are read.
	 */
	if (wi)
		n = wordindex_lookup(wi, word, held, WORDINDEX_MAX_FILES,
				     &count);
	error_clear();

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
			char *f;
			bool holds;

			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
			    !(ends_with(name, ".c") || ends_with(name, ".h")))
				continue;
			f = xstrfmt("%s/%s", dir, name);
			if (wi && count <= WORDINDEX_MAX_FILES &&
			    !strset_has(&j->t->touched, f)) {
				holds = false;
				for (size_t i = 0; i < n && !holds; i++)
					holds = !strcmp(
						wordindex_file(wi, held[i]), f);
			} else if (git_blob_lookup(&b, j->repo,
						   git_tree_entry_id(e)) < 0) {
				free(f);
				continue;
			} else {
				holds = has_word(git_blob_rawcontent(b),
						 git_blob_rawsize(b), word);
				git_blob_free(b);
			}
			if (holds && !strvec_has(out, f))
				strvec_push(out, f);
			free(f);
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
	const struct wordindex *wi = judge_words(j);
	struct strvec cands = STRVEC_INIT;
	char *name = names_hunk(h);
	unsigned flags = name ? PRESENCE_BY_NAME : 0;
	int ret = 0;

	if (!wi) {
		free(name);
		return -1;
	}
	if (name) {
		near_files(j, here, name, &cands);
		names_files(wi, name, &cands, WORDINDEX_MAX_FILES);
	}
	for (size_t i = 0; !name && !cands.nr && i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];
		size_t n;
		char *norm;

		if (l->kind == PATCH_LINE_ADD)
			continue;
		norm = ws_normalize(l->text, l->len, &n);
		if (presence_line_counts(norm, n))
			names_rarest(wi, norm, &cands, 4);
		free(norm);
	}
	for (size_t i = 0; i < cands.nr && ret >= 0; i++) {
		struct presence p = { 0 };
		int f;

		if (!strcmp(cands.v[i], here))
			continue;
		f = presence_in(j, h, cands.v[i], flags, &p);
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
	const struct wordindex *wi = judge_words(j);
	char *name = names_hunk(h);
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
			bool unknown = names_unknown_word(wi, norm);

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
	if (file_missing && name && !names_files(wi, name, NULL, 0))
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
		       ((name && !names_files(wi, name, NULL, 0) &&
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
	const struct wordindex *wi = judge_words(j);
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
			  names_unknown_used(wi, norm, &used);
		free(norm);
	}
	strset_clear(&used);
	if (!unknown)
		return 0;
	name = names_hunk(h);
	af->how[k] = name && !names_files(wi, name, NULL, 0) ? JH_GONE :
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
	const struct wordindex *wi = judge_words(j);
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
			wild[t] = !names_files(wi, w, NULL, 0);
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
			int r = presence_in(j, &pf->hunks[k], moved.v[m], 0,
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
		int r = to ? presence_in(j, &pf->hunks[k], to, 0,
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
int evidence_classify(struct judge *j)
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
		    judge_content_at(j, af->old_path, &buf) < 0) {
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

void evidence_tally(struct tally *c, const struct apply_patch *ap)
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
