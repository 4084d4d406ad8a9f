// SPDX-License-Identifier: GPL-2.0
/*
 * prereq: the earlier patches of the queue a patch builds on, and the
 * removals that prove nothing because such a patch did not go in. See
 * prereq.h.
 */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "judge.h"
#include "prereq.h"
#include "util/error.h"
#include "util/lines.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

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
		      judge_content_at(j, af->old_path, &buf);
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
void prereq_find(struct judge *j, bool failing)
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
 * in: they were never here. Such hunks are unknown (and prereq_find()
 * names the patch).
 */
void prereq_vacuous_removals(struct judge *j)
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
