// SPDX-License-Identifier: GPL-2.0
/*
 * reviewdiff: the review of one target's backport of a series. See
 * reviewdiff.h.
 */
#include <stdlib.h>
#include <string.h>

#include "locate.h"
#include "review.h"
#include "reviewdiff.h"
#include "verdict.h"
#include "util/error.h"
#include "util/xalloc.h"

struct ctx {
	const struct reviewdiff_opts *o;
	struct strbuf *out;	/* the text, or NULL for JSON */
	bool json;
	bool failed;		/* error set */
	git_repository *repo;
	/* The matrix's targets and the one reviewed, oldest first. */
	struct apply_target *t;
	size_t nr, me;
	git_oid *refs;
	const char **ref_names;
	size_t refs_nr;
};

static int target_cmp(const void *x, const void *y)
{
	return review_target_cmp(x, y);
}

/* The matrix's targets plus `want`, oldest first; c->me is `want`. */
static void make_targets(struct ctx *c, const struct strvec *targets,
			 const char *series, const char *want)
{
	struct strvec names = STRVEC_INIT;

	strvec_pushv(&names, (const char *const *)targets->v);
	if (!strvec_has(&names, want))
		strvec_push(&names, want);
	c->nr = names.nr;
	c->t = xcalloc(c->nr, sizeof(*c->t));
	for (size_t i = 0; i < c->nr; i++)
		apply_target_set(&c->t[i], series, names.v[i]);
	qsort(c->t, c->nr, sizeof(*c->t), target_cmp);
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->t[i].name, want))
			c->me = i;
	strvec_clear(&names);
}

/* The backport commit's diff, parsed; an empty diff is no error. */
static int commit_patch(struct patch *p, git_repository *repo,
			const git_oid *commit, const char *name)
{
	struct strbuf diff = STRBUF_INIT;
	int ret = 0;

	if (review_commit_diff(&diff, NULL, repo, commit) < 0 ||
	    (diff.len && patch_parse(p, diff.buf, diff.len, 1, name) < 0))
		ret = -1;
	strbuf_release(&diff);
	return ret;
}

static void print_range(struct strbuf *out, const char *what, size_t first, size_t nr)
{
	if (nr == 1)
		strbuf_addf(out, "%s %zu", what, first + 1);
	else
		strbuf_addf(out, "%ss %zu-%zu", what, first + 1, first + nr);
}

static void print_hunk(struct strbuf *out, const struct review_hunk *h, const char *a_label)
{
	strbuf_addf(out, "    ");
	if (h->kind == REVIEW_HUNK_ADDED) {
		print_range(out, "added hunk", h->b_first, h->b_nr);
		strbuf_addf(out, " (%s)\n", h->b_header);
		return;
	}
	print_range(out, "hunk", h->a_first, h->a_nr);
	if (h->b_nr && (h->b_first != h->a_first || h->b_nr != h->a_nr)) {
		strbuf_addf(out, " (");
		print_range(out, "hunk", h->b_first, h->b_nr);
		strbuf_addf(out, " here)");
	}
	switch (h->kind) {
	case REVIEW_HUNK_SAME:
		strbuf_addf(out, ": as %s\n", a_label);
		break;
	case REVIEW_HUNK_MOVED:
		strbuf_addf(out, ": as %s, moved by %+ld (%s -> %s)\n", a_label,
		       h->offset, h->a_header, h->b_header);
		break;
	case REVIEW_HUNK_ADAPTED:
		if (h->context_only)
			strbuf_addf(out, ": adapted, context only (%zu line%s differ; "
			       "the changes are as %s)",
			       h->differ, h->differ == 1 ? "" : "s", a_label);
		else
			strbuf_addf(out, ": adapted, %zu line%s differ", h->differ,
			       h->differ == 1 ? "" : "s");
		if (h->offset)
			strbuf_addf(out, ", moved by %+ld", h->offset);
		strbuf_addf(out, " (%s -> %s)\n", h->a_header, h->b_header);
		for (const char *l = h->interdiff.buf; *l;) {
			const char *nl = strchrnul(l, '\n');

			strbuf_addf(out, "      %.*s\n", (int)(nl - l), l);
			l = *nl ? nl + 1 : nl;
		}
		break;
	case REVIEW_HUNK_DROPPED:
		strbuf_addf(out, ": dropped (%s)\n", h->a_header);
		break;
	default:
		break;
	}
	for (size_t k = 0; k < h->repairs_nr; k++) {
		const struct review_repair *r = &h->repairs[k];

		strbuf_addf(out, "      repaired: +%s   [", r->text);
		if (r->how == REPAIR_FROM_REFERENCE)
			strbuf_addf(out, "re-indented from %s]\n",
			       r->from ? r->from : "a newer tree");
		else
			strbuf_addf(out, "indentation guessed]\n");
	}
}

static void print_review(struct strbuf *out, const struct review *r, const char *a_label)
{
	for (size_t i = 0; i < r->nr; i++) {
		const struct review_file *f = &r->files[i];

		switch (f->kind) {
		case REVIEW_FILE_SAME:
			strbuf_addf(out, "  %s\n", f->a_path);
			break;
		case REVIEW_FILE_RENAMED:
			strbuf_addf(out, "  %s -> %s (renamed)\n", f->a_path, f->b_path);
			break;
		case REVIEW_FILE_DROPPED:
			strbuf_addf(out, "  %s (dropped: not in the backport)\n",
			       f->a_path);
			break;
		case REVIEW_FILE_ADDED:
			strbuf_addf(out, "  %s (added: not in %s)\n", f->b_path, a_label);
			break;
		}
		for (size_t h = 0; h < f->nr; h++)
			print_hunk(out, &f->hunks[h], a_label);
	}
}

static void print_counts(struct strbuf *out, const struct review *r)
{
	bool first = true;

	for (int k = REVIEW_HUNK_SAME; k < REVIEW_HUNK_KIND_NR; k++) {
		if (!r->counts[k])
			continue;
		strbuf_addf(out, "%s%zu %s", first ? "" : ", ", r->counts[k],
		       review_hunk_kind_name(k));
		first = false;
	}
}

/* Against upstream: the mail's diff (repairs of a damaged one marked). */
static json_t *against_upstream(struct ctx *c,
				const struct apply_patch *ap,
				const struct patch *mine)
{
	const struct patch *up = &ap->sp->mail->patch;
	struct review_opts o = REVIEW_OPTS_INIT;
	struct review r = REVIEW_INIT;
	struct locate_result *loc = NULL;
	const char **from = NULL;
	long *fromi = NULL;
	size_t guessed = 0, reference = 0;
	json_t *j = NULL;

	o.ignore_whitespace = patch_is_damaged(up);
	if (o.ignore_whitespace) {
		if (review_locate_repairs(&loc, &fromi, c->repo,
					  &ap->before, up, c->refs,
					  c->refs_nr) < 0) {
			c->failed = true;
			goto out;
		}
		from = xcalloc(up->nr + 1, sizeof(*from));
		for (size_t i = 0; i < up->nr; i++)
			from[i] = fromi[i] >= 0 ? c->ref_names[fromi[i]] : NULL;
		o.loc = loc;
		o.loc_from = from;
		o.loc_nr = up->nr;
	}
	if (review_compare(&r, up, mine, &o) < 0) {
		c->failed = true;
		goto out;
	}
	for (size_t i = 0; i < r.nr; i++)
		for (size_t h = 0; h < r.files[i].nr; h++)
			for (size_t k = 0; k < r.files[i].hunks[h].repairs_nr;
			     k++)
				if (r.files[i].hunks[h].repairs[k].how ==
				    REPAIR_FROM_REFERENCE)
					reference++;
				else
					guessed++;
	if (c->json) {
		j = review_to_json(&r);
		json_object_set_new(j, "damaged",
				    json_boolean(o.ignore_whitespace));
		json_object_set_new(j, "repaired_from_reference",
				    json_integer((json_int_t)reference));
		json_object_set_new(j, "repaired_guessed",
				    json_integer((json_int_t)guessed));
	} else if (review_is_empty(&r)) {
		strbuf_addf(c->out, "  against upstream: empty interdiff: applied as "
		       "upstream, at the same place\n");
	} else {
		strbuf_addf(c->out, "  against upstream (%s", ap->sp->file);
		if (o.ignore_whitespace)
			strbuf_addf(c->out, "; a damaged mail, compared ignoring "
			       "whitespace; %zu line%s re-indented from a newer "
			       "tree, %zu guessed",
			       reference, reference == 1 ? "" : "s", guessed);
		strbuf_addf(c->out, "): ");
		print_counts(c->out, &r);
		strbuf_addf(c->out, "\n");
		print_review(c->out, &r, "upstream");
	}
out:
	review_release(&r);
	for (size_t i = 0; loc && i < up->nr; i++)
		locate_result_release(&loc[i]);
	free(loc);
	free(fromi);
	free(from);
	return j;
}

/* Against the first newer target where the patch applied. */
static json_t *against_newer(struct ctx *c, size_t index,
			     const struct patch *mine)
{
	struct strbuf tried = STRBUF_INIT;
	json_t *j = NULL, *jt = json_array();
	bool found = false;

	for (size_t i = c->me + 1; i < c->nr; i++) {
		const struct apply_target *t = &c->t[i];
		const struct apply_patch *ap = &t->patches[index];
		struct patch theirs = PATCH_INIT;
		struct review r = REVIEW_INIT;
		char hex[GIT_OID_SHA1_HEXSIZE + 1];

		if (index >= t->nr)
			continue; /* not in this repository */
		if (!verdict_is_applied(ap->verdict) || !ap->has_commit) {
			strbuf_addf(&tried, "%s%s: %s", tried.len ? ", " : "",
				    t->name, verdict_name(ap->verdict));
			json_array_append_new(
				jt, json_pack("{s:s, s:s}", "target", t->name,
					      "verdict",
					      verdict_name(ap->verdict)));
			continue;
		}
		if (commit_patch(&theirs, c->repo, &ap->commit, t->name) < 0 ||
		    review_compare(&r, &theirs, mine, NULL) < 0) {
			c->failed = true;
			review_release(&r);
			patch_release(&theirs);
			break;
		}
		git_oid_tostr(hex, sizeof(hex), &ap->commit);
		found = true;
		if (c->json) {
			j = json_pack("{s:s, s:s, s:s, s:o, s:o}", "target",
				      t->name, "verdict",
				      verdict_name(ap->verdict), "commit", hex,
				      "skipped", jt, "review",
				      review_to_json(&r));
			jt = NULL;
		} else {
			char *label = xstrfmt("on %s", t->name);

			strbuf_addf(c->out, "  against %s (%s, commit %.12s)", t->name,
			       verdict_name(ap->verdict), hex);
			if (tried.len)
				strbuf_addf(c->out, " [newer first, not applied: %s]",
				       tried.buf);
			if (review_is_empty(&r)) {
				strbuf_addf(c->out, ": empty interdiff: the same backport\n");
			} else {
				strbuf_addf(c->out, ": ");
				print_counts(c->out, &r);
				strbuf_addf(c->out, "\n");
				print_review(c->out, &r, label);
			}
			free(label);
		}
		review_release(&r);
		patch_release(&theirs);
		break;
	}
	if (!found && c->json)
		j = json_pack("{s:n, s:n, s:n, s:o, s:n}", "target", "verdict",
			      "commit", "skipped", jt, "review");
	else if (jt)
		json_decref(jt);
	if (!found && !c->json) {
		if (!tried.len)
			strbuf_addf(c->out, "  against newer: no newer target than %s\n",
			       c->t[c->me].name);
		else
			strbuf_addf(c->out, "  against newer: not applied on any newer "
			       "target (%s)\n",
			       tried.buf);
	}
	strbuf_release(&tried);
	return j;
}

static json_t *review_patch(struct ctx *c, const struct series *s,
			    size_t index)
{
	const struct apply_target *t = &c->t[c->me];
	const struct apply_patch *ap = &t->patches[index];
	const struct mail *m = ap->sp->mail;
	struct patch mine = PATCH_INIT;
	char hex[GIT_OID_SHA1_HEXSIZE + 1] = "";
	json_t *j = NULL, *up = NULL, *newer = NULL;
	bool applied = verdict_is_applied(ap->verdict) && ap->has_commit;

	if (applied)
		git_oid_tostr(hex, sizeof(hex), &ap->commit);
	if (!c->json) {
		strbuf_addf(c->out, "patch %zu/%zu: %s\n", index + 1, s->nr,
		       m->subj.title ? m->subj.title : m->subject);
		strbuf_addf(c->out, "  %s%s%s\n", verdict_name(ap->verdict),
		       ap->detail && *ap->detail ? ": " : "",
		       ap->detail ? ap->detail : "");
	}
	if (applied) {
		if (!c->json)
			strbuf_addf(c->out, "  backport: commit %.12s on %s%s%s\n", hex,
			       t->name, m->upstream_commit ? ", upstream " : "",
			       m->upstream_commit ? m->upstream_commit : "");
		if (commit_patch(&mine, c->repo, &ap->commit, t->name) < 0) {
			c->failed = true;
			patch_release(&mine);
			return NULL;
		}
		if (!c->o->against_newer)
			up = against_upstream(c, ap, &mine);
		newer = against_newer(c, index, &mine);
	} else if (!c->json) {
		strbuf_addf(c->out, "  not applied on %s: nothing to review\n", t->name);
	}
	if (c->json) {
		j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "index",
			      (json_int_t)index + 1, "file", ap->sp->file,
			      "title",
			      m->subj.title ? m->subj.title : m->subject,
			      "verdict", verdict_name(ap->verdict), "detail",
			      ap->detail ? ap->detail : "");
		json_object_set_new(j, "commit",
				    applied ? json_string(hex) : json_null());
		json_object_set_new(j, "upstream_commit",
				    m->upstream_commit ?
					    json_string(m->upstream_commit) :
					    json_null());
		json_object_set_new(j, "upstream", up ? up : json_null());
		json_object_set_new(j, "newer", newer ? newer : json_null());
	}
	patch_release(&mine);
	return j;
}


/* Apply the series on the target and the newer ones, in memory. */
static int apply_all(struct ctx *c, const struct series *s)
{
	bool *want = xcalloc(c->nr, sizeof(*want));
	int ret;

	for (size_t i = c->me; i < c->nr; i++)
		want[i] = true;
	ret = review_apply_targets(&c->refs, &c->ref_names,
					   &c->refs_nr, c->t, c->nr, want,
					   c->repo, s, c->o->apply);
	if (!ret && c->t[c->me].nr != s->nr)
		ret = error_set("cannot find '%s' in the repository",
				c->t[c->me].name);
	free(want);
	return ret;
}

int reviewdiff_make(struct strbuf *text, json_t **json, git_repository *repo,
		    const struct strvec *targets, const struct series *s,
		    const char *target, const struct reviewdiff_opts *o)
{
	struct ctx c = { .o = o, .out = text, .json = !text, .repo = repo };
	json_t *patches = json_array();
	int ret = -1;

	if (o->patch > (long)s->nr) {
		error_set("series '%s' has no patch %ld", s->name, o->patch);
		goto out;
	}
	make_targets(&c, targets, s->name, target);
	if (apply_all(&c, s) < 0)
		goto out;
	for (size_t i = 0; i < s->nr && !c.failed; i++) {
		json_t *j;

		if (o->patch && (long)i + 1 != o->patch)
			continue;
		if (text && !o->patch && i)
			strbuf_addch(text, '\n');
		j = review_patch(&c, s, i);
		if (j)
			json_array_append_new(patches, j);
	}
	if (c.failed)
		goto out;
	if (json)
		*json = json_pack("{s:s, s:s, s:O}", "series", s->name,
				  "target", c.t[c.me].name, "patches", patches);
	ret = 0;
out:
	json_decref(patches);
	for (size_t i = 0; i < c.nr; i++)
		apply_target_release(&c.t[i]);
	free(c.t);
	free(c.refs);
	free(c.ref_names);
	return ret;
}
