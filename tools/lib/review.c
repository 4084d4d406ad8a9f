// SPDX-License-Identifier: GPL-2.0
/*
 * review: the interdiff of two patches (see review.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "apply.h"
#include "review.h"
#include "util/lines.h"
#include "util/error.h"
#include "util/xalloc.h"

void review_init(struct review *r)
{
	memset(r, 0, sizeof(*r));
}

static void review_hunk_release(struct review_hunk *h)
{
	free(h->a_header);
	free(h->b_header);
	strbuf_release(&h->interdiff);
	for (size_t i = 0; i < h->repairs_nr; i++)
		free(h->repairs[i].text);
	free(h->repairs);
}

void review_release(struct review *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct review_file *f = &r->files[i];

		for (size_t h = 0; h < f->nr; h++)
			review_hunk_release(&f->hunks[h]);
		free(f->hunks);
		free(f->a_path);
		free(f->b_path);
	}
	free(r->files);
	review_init(r);
}

const char *review_hunk_kind_name(enum review_hunk_kind k)
{
	static const char *const names[] = { "same", "moved", "adapted",
					     "dropped", "added" };

	return (unsigned)k < REVIEW_HUNK_KIND_NR ? names[k] : "unknown";
}

const char *review_file_kind_name(enum review_file_kind k)
{
	static const char *const names[] = { "same", "renamed", "dropped",
					     "added" };

	return (unsigned)k <= REVIEW_FILE_ADDED ? names[k] : "unknown";
}

bool review_is_empty(const struct review *r)
{
	for (size_t i = 0; i < r->nr; i++)
		if (r->files[i].kind != REVIEW_FILE_SAME)
			return false;
	for (int k = REVIEW_HUNK_MOVED; k < REVIEW_HUNK_KIND_NR; k++)
		if (r->counts[k])
			return false;
	return true;
}

bool review_is_unchanged(const struct review *r)
{
	for (size_t i = 0; i < r->nr; i++)
		if (r->files[i].kind != REVIEW_FILE_SAME)
			return false;
	return !r->counts[REVIEW_HUNK_ADAPTED] &&
	       !r->counts[REVIEW_HUNK_DROPPED] && !r->counts[REVIEW_HUNK_ADDED];
}

/* The comparison key of one line: marker and (normalised) text. */
static char *line_key(const struct patch_line *l, const char *text, size_t len,
		      bool ignore_ws)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, l->kind);
	if (ignore_ws)
		ws_normalize_add(&sb, text, len);
	else
		strbuf_add(&sb, text, len);
	return strbuf_detach(&sb, NULL);
}

/* Worth pairing hunks on: four identifier characters at least. */
static bool is_telling(const char *key)
{
	size_t n = 0;

	for (const char *p = key + 1; *p; p++)
		if (isalnum((unsigned char)*p) || *p == '_')
			n++;
	return n >= 4;
}

/*
 * How alike hunks x and y are: the telling lines they share, a changed
 * line counting twice a context line (so that a hunk whose changed lines
 * were all adapted still pairs by its context).
 */
static size_t hunk_score(const struct patch_hunk *x, const struct patch_hunk *y,
			 bool ignore_ws)
{
	size_t score = 0;

	for (size_t i = 0; i < x->nr; i++) {
		const struct patch_line *l = &x->lines[i];
		char *k;

		k = line_key(l, l->text, l->len, ignore_ws);
		if (is_telling(k)) {
			for (size_t j = 0; j < y->nr; j++) {
				const struct patch_line *m = &y->lines[j];
				char *km;
				bool eq;

				if (m->kind != l->kind)
					continue;
				km = line_key(m, m->text, m->len, ignore_ws);
				eq = !strcmp(k, km);
				free(km);
				if (eq) {
					score += l->kind == PATCH_LINE_CONTEXT ?
							 1 :
							 2;
					break;
				}
			}
		}
		free(k);
	}
	return score;
}

static const char *file_path(const struct patch_file *f)
{
	return f->new_path ? f->new_path : f->old_path;
}

/* Line of the old file where the hunk's first change stands. */
static long first_change(const struct patch_hunk *h)
{
	long n = 0;

	for (size_t i = 0; i < h->nr; i++) {
		if (h->lines[i].kind != PATCH_LINE_CONTEXT)
			break;
		n++;
	}
	return (long)h->old_start + n;
}

static char *hunk_header(const struct patch_hunk *h)
{
	return xstrfmt("-%u,%u +%u,%u", h->old_start, h->old_count,
		       h->new_start, h->new_count);
}

/* One line of a group: where it is, how it is shown, its key. */
struct gline {
	const struct patch_line *pl;
	const char *text; /* shown (a repaired line: the repair) */
	size_t len;
	char *key;
};

struct gside {
	struct gline *v;
	size_t nr, alloc;
	struct strbuf buf; /* the keys, one a line */
};

static const struct locate_repair *
find_repair(const struct review_opts *o, size_t file, size_t hunk, size_t line)
{
	const struct locate_hunk_result *hr;

	if (!o || !o->loc || file >= o->loc_nr || hunk >= o->loc[file].nr)
		return NULL;
	hr = &o->loc[file].hunks[hunk];
	for (size_t i = 0; i < hr->repairs_nr; i++)
		if (hr->repairs[i].line == line)
			return &hr->repairs[i];
	return NULL;
}

static void gside_fill(struct gside *s, const struct patch_file *f,
		       size_t first, size_t nr, bool ignore_ws,
		       const struct review_opts *o, size_t file)
{
	for (size_t h = first; h < first + nr; h++) {
		const struct patch_hunk *ph = &f->hunks[h];

		for (size_t i = 0; i < ph->nr; i++) {
			const struct patch_line *l = &ph->lines[i];
			const struct locate_repair *rp =
				o ? find_repair(o, file, h, i) : NULL;
			struct gline *g;
			char *key = line_key(l, l->text, l->len, ignore_ws);

			if (ignore_ws && l->kind == PATCH_LINE_CONTEXT &&
			    !key[1]) {
				free(key);
				continue;
			}
			ALLOC_GROW(s->v, s->nr + 1, s->alloc);
			g = &s->v[s->nr++];
			g->pl = l;
			g->text = rp ? rp->text : l->text;
			g->len = rp ? strlen(rp->text) : l->len;
			g->key = key;
			strbuf_addstr(&s->buf, key);
			strbuf_addch(&s->buf, '\n');
		}
	}
}

static void gside_release(struct gside *s)
{
	for (size_t i = 0; i < s->nr; i++)
		free(s->v[i].key);
	free(s->v);
	strbuf_release(&s->buf);
}

static void add_shown(struct strbuf *out, char mark, const struct gline *g)
{
	strbuf_addch(out, mark);
	strbuf_addch(out, g->pl->kind);
	strbuf_add(out, g->text, g->len);
	strbuf_addch(out, '\n');
}

/* Diff the lines of the group with libgit2; fill kind and interdiff. */
static int diff_group(struct review_hunk *rh, const struct patch_file *fa,
		      const struct patch_file *fb, bool ignore_ws,
		      const struct review_opts *o, size_t file)
{
	struct gside a = { NULL, 0, 0, STRBUF_INIT };
	struct gside b = { NULL, 0, 0, STRBUF_INIT };
	git_diff_options dopts;
	git_patch *patch = NULL;
	size_t changed = 0;
	int ret = -1;

	gside_fill(&a, fa, rh->a_first, rh->a_nr, ignore_ws, o, file);
	gside_fill(&b, fb, rh->b_first, rh->b_nr, ignore_ws, NULL, 0);
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	dopts.context_lines = 3;
	dopts.flags |= GIT_DIFF_MINIMAL;
	if (git_patch_from_buffers(&patch, a.buf.buf, a.buf.len, "a", b.buf.buf,
				   b.buf.len, "b", &dopts) < 0) {
		error_git("cannot diff the hunks of '%s'", file_path(fa));
		goto out;
	}
	for (size_t h = 0; h < git_patch_num_hunks(patch); h++) {
		size_t lines;

		if (git_patch_get_hunk(NULL, &lines, patch, h) < 0) {
			error_git("cannot read the interdiff");
			goto out;
		}
		if (h)
			strbuf_addstr(&rh->interdiff, "@@\n");
		for (size_t k = 0; k < lines; k++) {
			const git_diff_line *dl;

			if (git_patch_get_line_in_hunk(&dl, patch, h, k) < 0) {
				error_git("cannot read the interdiff");
				goto out;
			}
			if (dl->origin == GIT_DIFF_LINE_CONTEXT &&
			    dl->new_lineno > 0 &&
			    (size_t)dl->new_lineno <= b.nr) {
				add_shown(&rh->interdiff, ' ',
					  &b.v[dl->new_lineno - 1]);
			} else if (dl->origin == GIT_DIFF_LINE_DELETION &&
				   dl->old_lineno > 0 &&
				   (size_t)dl->old_lineno <= a.nr) {
				add_shown(&rh->interdiff, '-',
					  &a.v[dl->old_lineno - 1]);
				rh->differ++;
				changed += a.v[dl->old_lineno - 1].pl->kind !=
					   PATCH_LINE_CONTEXT;
			} else if (dl->origin == GIT_DIFF_LINE_ADDITION &&
				   dl->new_lineno > 0 &&
				   (size_t)dl->new_lineno <= b.nr) {
				add_shown(&rh->interdiff, '+',
					  &b.v[dl->new_lineno - 1]);
				rh->differ++;
				changed += b.v[dl->new_lineno - 1].pl->kind !=
					   PATCH_LINE_CONTEXT;
			}
		}
	}
	rh->context_only = rh->differ && !changed;
	if (rh->differ)
		rh->kind = REVIEW_HUNK_ADAPTED;
	else
		rh->kind = rh->offset ? REVIEW_HUNK_MOVED : REVIEW_HUNK_SAME;
	if (!rh->differ)
		strbuf_reset(&rh->interdiff);
	ret = 0;
out:
	git_patch_free(patch);
	gside_release(&a);
	gside_release(&b);
	return ret;
}

/* Union-find over a's hunks (0..na-1) and b's (na..na+nb-1). */
static size_t uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

static void uf_union(size_t *parent, size_t x, size_t y)
{
	x = uf_find(parent, x);
	y = uf_find(parent, y);
	if (x != y)
		parent[x > y ? x : y] = x < y ? x : y;
}

static void add_repairs(struct review_hunk *rh, const struct review_opts *o,
			size_t file)
{
	const char *from =
		o && o->loc_from && file < o->loc_nr ? o->loc_from[file] : NULL;

	if (!o || !o->loc || file >= o->loc_nr)
		return;
	for (size_t h = rh->a_first; h < rh->a_first + rh->a_nr; h++) {
		const struct locate_hunk_result *hr;

		if (h >= o->loc[file].nr)
			break;
		hr = &o->loc[file].hunks[h];
		for (size_t i = 0; i < hr->repairs_nr; i++) {
			struct review_repair *rr;

			ALLOC_GROW(rh->repairs, rh->repairs_nr + 1,
				   rh->repairs_alloc);
			rr = &rh->repairs[rh->repairs_nr++];
			rr->hunk = h;
			rr->line = hr->repairs[i].line;
			rr->how = hr->repairs[i].how;
			rr->text = xstrdup(hr->repairs[i].text);
			rr->from = hr->repairs[i].how == REPAIR_FROM_REFERENCE ?
					   from :
					   NULL;
		}
	}
}

struct group {
	size_t a_first, a_nr, b_first, b_nr;
	long key1, key2; /* sort order */
};

static int group_cmp(const void *x, const void *y)
{
	const struct group *g = x, *h = y;

	if (g->key1 != h->key1)
		return g->key1 < h->key1 ? -1 : 1;
	return g->key2 < h->key2 ? -1 : g->key2 > h->key2;
}

/* Pair the hunks of two files into groups, in a's order. */
static struct group *pair_hunks(size_t *out_nr, const struct patch_file *fa,
				const struct patch_file *fb, bool ignore_ws)
{
	size_t na = fa ? fa->nr : 0, nb = fb ? fb->nr : 0, ng = 0;
	size_t *parent = xcalloc(na + nb + 1, sizeof(*parent));
	size_t *score = xcalloc(na * nb + 1, sizeof(*score));
	struct group *g = xcalloc(na + nb + 1, sizeof(*g));
	size_t *comp = xcalloc(na + nb + 1, sizeof(*comp));

	for (size_t i = 0; i < na + nb; i++)
		parent[i] = i;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			score[i * nb + j] = hunk_score(
				&fa->hunks[i], &fb->hunks[j], ignore_ws);
	for (size_t i = 0; i < na; i++) {
		size_t best = 0, bj = 0;

		for (size_t j = 0; j < nb; j++)
			if (score[i * nb + j] > best)
				best = score[i * nb + j], bj = j;
		if (best)
			uf_union(parent, i, na + bj);
	}
	for (size_t j = 0; j < nb; j++) {
		size_t best = 0, bi = 0;

		for (size_t i = 0; i < na; i++)
			if (score[i * nb + j] > best)
				best = score[i * nb + j], bi = i;
		if (best)
			uf_union(parent, bi, na + j);
	}
	/* One group per root; a's and b's hunks of a group are runs. */
	for (size_t x = 0; x < na + nb; x++) {
		size_t r = uf_find(parent, x), k;

		for (k = 0; k < ng; k++)
			if (comp[k] == r)
				break;
		if (k == ng) {
			comp[ng] = r;
			g[ng].a_first = g[ng].b_first = (size_t)-1;
			ng++;
		}
		if (x < na) {
			if (g[k].a_first == (size_t)-1)
				g[k].a_first = x;
			g[k].a_nr = x - g[k].a_first + 1;
		} else {
			if (g[k].b_first == (size_t)-1)
				g[k].b_first = x - na;
			g[k].b_nr = x - na - g[k].b_first + 1;
		}
	}
	for (size_t k = 0; k < ng; k++) {
		if (g[k].a_nr) {
			g[k].key1 = (long)g[k].a_first;
			g[k].key2 = -1;
			continue;
		}
		/* Added: after the group that holds b's hunk before it. */
		g[k].key1 = -1;
		g[k].key2 = (long)g[k].b_first;
		for (size_t m = 0; m < ng && g[k].b_first; m++)
			if (g[m].a_nr && g[m].b_nr &&
			    g[k].b_first - 1 >= g[m].b_first &&
			    g[k].b_first - 1 < g[m].b_first + g[m].b_nr)
				g[k].key1 = (long)g[m].a_first;
	}
	for (size_t k = 0; k < ng; k++) {
		if (!g[k].a_nr)
			g[k].a_first = 0;
		if (!g[k].b_nr)
			g[k].b_first = 0;
	}
	qsort(g, ng, sizeof(*g), group_cmp);
	free(parent);
	free(score);
	free(comp);
	*out_nr = ng;
	return g;
}

static int review_file_pair(struct review *r, const struct patch_file *fa,
			    const struct patch_file *fb, size_t a_index,
			    const struct review_opts *o)
{
	struct review_file *rf;
	struct group *g;
	size_t ng;
	int ret = 0;

	ALLOC_GROW(r->files, r->nr + 1, r->alloc);
	rf = &r->files[r->nr++];
	memset(rf, 0, sizeof(*rf));
	rf->a_path = fa ? xstrdup(file_path(fa)) : NULL;
	rf->b_path = fb ? xstrdup(file_path(fb)) : NULL;
	rf->kind = !fa				  ? REVIEW_FILE_ADDED :
		   !fb				  ? REVIEW_FILE_DROPPED :
		   strcmp(rf->a_path, rf->b_path) ? REVIEW_FILE_RENAMED :
						    REVIEW_FILE_SAME;
	g = pair_hunks(&ng, fa, fb, r->ignore_whitespace);
	for (size_t k = 0; k < ng && !ret; k++) {
		struct review_hunk *rh;

		ALLOC_GROW(rf->hunks, rf->nr + 1, rf->alloc);
		rh = &rf->hunks[rf->nr++];
		memset(rh, 0, sizeof(*rh));
		strbuf_init(&rh->interdiff, 0);
		rh->a_first = g[k].a_first;
		rh->a_nr = g[k].a_nr;
		rh->b_first = g[k].b_first;
		rh->b_nr = g[k].b_nr;
		if (rh->a_nr)
			rh->a_header = hunk_header(&fa->hunks[rh->a_first]);
		if (rh->b_nr)
			rh->b_header = hunk_header(&fb->hunks[rh->b_first]);
		if (rh->a_nr)
			add_repairs(rh, o, a_index);
		if (!rh->b_nr) {
			rh->kind = REVIEW_HUNK_DROPPED;
		} else if (!rh->a_nr) {
			rh->kind = REVIEW_HUNK_ADDED;
		} else {
			rh->offset = first_change(&fb->hunks[rh->b_first]) -
				     first_change(&fa->hunks[rh->a_first]);
			ret = diff_group(rh, fa, fb, r->ignore_whitespace, o,
					 a_index);
		}
		r->counts[rh->kind]++;
	}
	free(g);
	return ret;
}

/* Sum of the best pairing scores of fa's hunks in fb. */
static size_t file_score(const struct patch_file *fa,
			 const struct patch_file *fb, bool ignore_ws)
{
	size_t total = 0;

	for (size_t i = 0; i < fa->nr; i++) {
		size_t best = 0;

		for (size_t j = 0; j < fb->nr; j++) {
			size_t s = hunk_score(&fa->hunks[i], &fb->hunks[j],
					      ignore_ws);

			if (s > best)
				best = s;
		}
		total += best;
	}
	return total;
}

int review_compare(struct review *r, const struct patch *a,
		   const struct patch *b, const struct review_opts *opts)
{
	bool *used_b = xcalloc(b->nr + 1, sizeof(*used_b));
	long *pair = xcalloc(a->nr + 1, sizeof(*pair));
	int ret = 0;

	review_release(r);
	r->ignore_whitespace = opts && opts->ignore_whitespace;
	/* The same path first (either name of a rename), then by content. */
	for (size_t i = 0; i < a->nr; i++) {
		const struct patch_file *fa = &a->files[i];

		pair[i] = -1;
		for (size_t j = 0; j < b->nr && pair[i] < 0; j++) {
			const char *pb = file_path(&b->files[j]);

			if (used_b[j])
				continue;
			if (!strcmp(file_path(fa), pb) ||
			    (fa->old_path && !strcmp(fa->old_path, pb))) {
				pair[i] = (long)j;
				used_b[j] = true;
			}
		}
	}
	for (size_t i = 0; i < a->nr; i++) {
		size_t best = 0;
		long bj = -1;

		if (pair[i] >= 0)
			continue;
		for (size_t j = 0; j < b->nr; j++) {
			size_t s;

			if (used_b[j])
				continue;
			s = file_score(&a->files[i], &b->files[j],
				       r->ignore_whitespace);
			if (s > best)
				best = s, bj = (long)j;
		}
		if (bj >= 0) {
			pair[i] = bj;
			used_b[bj] = true;
		}
	}
	for (size_t i = 0; i < a->nr && !ret; i++)
		ret = review_file_pair(r, &a->files[i],
				       pair[i] >= 0 ? &b->files[pair[i]] : NULL,
				       i, opts);
	for (size_t j = 0; j < b->nr && !ret; j++)
		if (!used_b[j])
			ret = review_file_pair(r, NULL, &b->files[j], 0, opts);
	free(used_b);
	free(pair);
	return ret;
}

static json_t *index_list(size_t first, size_t nr)
{
	json_t *v = json_array();

	for (size_t i = 0; i < nr; i++)
		json_array_append_new(
			v, json_integer((json_int_t)(first + i + 1)));
	return v;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *review_to_json(const struct review *r)
{
	json_t *files = json_array(), *counts = json_object();

	for (int k = 0; k < REVIEW_HUNK_KIND_NR; k++)
		json_object_set_new(counts, review_hunk_kind_name(k),
				    json_integer((json_int_t)r->counts[k]));
	for (size_t i = 0; i < r->nr; i++) {
		const struct review_file *f = &r->files[i];
		json_t *hunks = json_array();

		for (size_t h = 0; h < f->nr; h++) {
			const struct review_hunk *rh = &f->hunks[h];
			json_t *rep = json_array(), *o;

			for (size_t k = 0; k < rh->repairs_nr; k++) {
				const struct review_repair *rr =
					&rh->repairs[k];

				json_array_append_new(
					rep,
					json_pack(
						"{s:I, s:I, s:s, s:o, s:s}",
						"hunk",
						(json_int_t)rr->hunk + 1,
						"line",
						(json_int_t)rr->line + 1, "how",
						rr->how == REPAIR_FROM_REFERENCE ?
							"reference" :
							"guessed",
						"from", str_or_null(rr->from),
						"text", rr->text));
			}
			o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:I}",
				      "kind", review_hunk_kind_name(rh->kind),
				      "a_hunks",
				      index_list(rh->a_first, rh->a_nr),
				      "b_hunks",
				      index_list(rh->b_first, rh->b_nr),
				      "a_header", str_or_null(rh->a_header),
				      "b_header", str_or_null(rh->b_header),
				      "offset", (json_int_t)rh->offset,
				      "differ", (json_int_t)rh->differ);
			json_object_set_new(o, "context_only",
					    json_boolean(rh->context_only));
			json_object_set_new(o, "interdiff",
					    json_string(rh->interdiff.buf));
			json_object_set_new(o, "repaired", rep);
			json_array_append_new(hunks, o);
		}
		json_array_append_new(
			files,
			json_pack("{s:s, s:o, s:o, s:o}", "kind",
				  review_file_kind_name(f->kind), "a_path",
				  str_or_null(f->a_path), "b_path",
				  str_or_null(f->b_path), "hunks", hunks));
	}
	return json_pack("{s:b, s:b, s:o, s:o}", "empty", review_is_empty(r),
			 "ignore_whitespace", r->ignore_whitespace, "counts",
			 counts, "files", files);
}

int review_commit_diff(struct strbuf *diff, struct strbuf *stat,
		       git_repository *repo, const git_oid *commit)
{
	char hex[GIT_OID_SHA1_HEXSIZE + 1];
	git_commit *c = NULL, *parent = NULL;
	git_tree *t = NULL, *pt = NULL;
	git_diff *d = NULL;
	git_diff_stats *stats = NULL;
	git_diff_options dopts;
	git_diff_find_options fopts;
	git_buf buf = { 0 };
	int ret = -1;

	git_oid_tostr(hex, sizeof(hex), commit);
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
	fopts.flags = GIT_DIFF_FIND_RENAMES;
	if (git_commit_lookup(&c, repo, commit) < 0 ||
	    git_commit_parent(&parent, c, 0) < 0 ||
	    git_commit_tree(&t, c) < 0 || git_commit_tree(&pt, parent) < 0 ||
	    git_diff_tree_to_tree(&d, repo, pt, t, &dopts) < 0 ||
	    git_diff_find_similar(d, &fopts) < 0 ||
	    git_diff_to_buf(&buf, d, GIT_DIFF_FORMAT_PATCH) < 0) {
		error_git("cannot diff commit %.12s against its parent", hex);
		goto out;
	}
	strbuf_add(diff, buf.ptr, buf.size);
	if (stat) {
		git_buf_dispose(&buf);
		if (git_diff_get_stats(&stats, d) < 0 ||
		    git_diff_stats_to_buf(&buf, stats,
					  GIT_DIFF_STATS_FULL |
						  GIT_DIFF_STATS_INCLUDE_SUMMARY,
					  72) < 0) {
			error_git("cannot count the changes of commit %.12s",
				  hex);
			goto out;
		}
		strbuf_add(stat, buf.ptr, buf.size);
	}
	ret = 0;
out:
	git_buf_dispose(&buf);
	git_diff_stats_free(stats);
	git_diff_free(d);
	git_tree_free(t);
	git_tree_free(pt);
	git_commit_free(parent);
	git_commit_free(c);
	return ret;
}

/* The content of `path` in `tree`: 1 found, 0 not there, -1 error. */
static int read_blob(struct strbuf *out, git_repository *repo, git_tree *tree,
		     const char *path)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int ret;

	ret = git_tree_entry_bypath(&e, tree, path);
	if (ret == GIT_ENOTFOUND)
		return 0;
	if (ret < 0)
		return error_git("cannot read '%s'", path);
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(e);
		return 0;
	}
	ret = git_blob_lookup(&blob, repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	if (ret < 0)
		return error_git("cannot read the blob of '%s'", path);
	strbuf_add(out, git_blob_rawcontent(blob), git_blob_rawsize(blob));
	git_blob_free(blob);
	return 1;
}

static int tree_of(git_tree **out, git_repository *repo, const git_oid *id)
{
	git_object *o = NULL;
	int ret = git_object_lookup(&o, repo, id, GIT_OBJECT_ANY);

	if (ret < 0)
		return ret;
	ret = git_object_peel((git_object **)out, o, GIT_OBJECT_TREE);
	git_object_free(o);
	return ret;
}

int review_locate_repairs(struct locate_result **out, long **from,
			  git_repository *repo, const git_oid *at,
			  const struct patch *p, const git_oid *refs,
			  size_t refs_nr)
{
	char hex[GIT_OID_SHA1_HEXSIZE + 1];
	git_tree *tree = NULL;
	int ret = 0;

	*out = xcalloc(p->nr + 1, sizeof(**out));
	*from = xcalloc(p->nr + 1, sizeof(**from));
	for (size_t i = 0; i < p->nr; i++) {
		locate_result_init(&(*out)[i]);
		(*from)[i] = -1;
	}
	git_oid_tostr(hex, sizeof(hex), at);
	if (tree_of(&tree, repo, at) < 0)
		return error_git("cannot read the tree of %.12s", hex);
	for (size_t i = 0; i < p->nr && !ret; i++) {
		const struct patch_file *pf = &p->files[i];
		const char *path = pf->old_path ? pf->old_path : pf->new_path;
		struct strbuf cur = STRBUF_INIT, ref = STRBUF_INIT;
		struct locate_opts lo = LOCATE_OPTS_INIT;
		int found = read_blob(&cur, repo, tree, path);

		if (found < 0)
			ret = -1;
		for (size_t k = 0; k < refs_nr && found > 0; k++) {
			git_tree *rt = NULL;
			int f;

			if (tree_of(&rt, repo, &refs[k]) < 0) {
				ret = error_git("cannot read reference tree");
				break;
			}
			f = read_blob(&ref, repo, rt, file_path(pf));
			git_tree_free(rt);
			if (f < 0) {
				ret = -1;
				break;
			}
			if (f) {
				(*from)[i] = (long)k;
				break;
			}
		}
		if (found > 0 && !ret) {
			lo.ignore_whitespace = true;
			if (ref.len) {
				lo.reference = ref.buf;
				lo.reference_len = ref.len;
			}
			ret = locate_apply(&(*out)[i], pf, cur.buf, cur.len,
					   &lo);
			if (ret < 0)
				error_prefix("'%s' at %.12s: ", path, hex);
		}
		strbuf_release(&cur);
		strbuf_release(&ref);
	}
	git_tree_free(tree);
	return ret;
}

int review_objects_in_memory(git_repository *repo)
{
	return apply_objects_in_memory(repo);
}

/* "v6.12.111" -> 111; a branch tip (no rev) is newer than any release. */
static unsigned release_level(const struct apply_target *t)
{
	const char *p = t->rev;
	unsigned dots = 0;

	if (!p)
		return ~0u;
	for (; *p; p++)
		if (*p == '.' && ++dots == 2)
			return (unsigned)strtoul(p + 1, NULL, 10);
	return 0;
}

int review_target_cmp(const struct apply_target *a,
		      const struct apply_target *b)
{
	unsigned x = release_level(a), y = release_level(b);

	if (a->version != b->version)
		return a->version < b->version ? -1 : 1;
	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(a->name, b->name);
}

int review_apply_targets(git_oid **refs, const char ***ref_names,
			 size_t *refs_nr, struct apply_target *t, size_t nr,
			 const bool *want, git_repository *repo,
			 const struct series *s, const struct apply_opts *opts)
{
	struct apply_opts o = *opts;
	size_t n = 0;
	int ret = 0;

	*refs = apply_reference_trees(repo, t, nr, &n, ref_names);
	*refs_nr = n;
	o.reference_trees = *refs;
	o.reference_nr = n;
	o.write_commits = true;
	for (size_t i = 0; i < nr && !ret; i++)
		if ((!want || want[i]) && !git_oid_is_zero(&t[i].base))
			ret = apply_series(&t[i], repo, s, &o);
	return ret;
}
