// SPDX-License-Identifier: GPL-2.0
/*
 * backport diff: the review diff of one target's backport of a series.
 * Each applied patch's commit (against its parent) is compared with the
 * upstream patch as mailed and with the same patch's backport on the
 * next newer target of the matrix, as an interdiff that keeps only what
 * the backport changed (review.h). The series is applied again in
 * memory: nothing is written to the repository.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/review.h"
#include "lib/setup.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char diff_usage[] =
	"usage: backport diff [<options>] <series> <target>\n"
	"\n"
	"Review the backport of <series> on <target> (a branch, or\n"
	"<branch>@<rev>): each applied patch's commit against the upstream\n"
	"patch, and against the same patch's backport on the next newer\n"
	"target of the matrix where it applied, as an interdiff that shows\n"
	"only what changed: hunks moved (by how many lines), lines adapted,\n"
	"hunks dropped or added, files renamed. Lines of a damaged mail that\n"
	"were re-indented are marked. Nothing is written.\n"
	"\n"
	"  --patch <n>           only patch <n> of the series\n"
	"  --against-newer       only the comparison with the newer target\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --backports <dir>     recorded resolutions (default: backports/)\n"
	"  --format=<text|json>  output format\n"
	"  -q, --quiet           no progress\n";

struct diff_cmd {
	const char *matrix, *repo, *series_dir;
	struct apply_opts opts;
	long patch;
	bool against_newer;
	enum output_format format;
	/* The matrix's targets and the one reviewed, oldest first. */
	struct apply_target *t;
	size_t nr, me;
	git_oid *refs;
	const char **ref_names;
	size_t refs_nr;
	git_repository *repo_handle;
};

static void parse_options(struct diff_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "patch", required_argument, NULL, 'p' },
		{ "against-newer", no_argument, NULL, 'N' },
		{ "matrix", required_argument, NULL, 'm' },
		{ "repo", required_argument, NULL, 'r' },
		{ "series-dir", required_argument, NULL, 'd' },
		{ "backports", required_argument, NULL, 'B' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			c->patch = atol(optarg);
			if (c->patch < 1)
				usage_msg(diff_usage, "bad --patch '%s'",
					  optarg);
			break;
		case 'N':
			c->against_newer = true;
			break;
		case 'm':
			c->matrix = optarg;
			break;
		case 'r':
			c->repo = optarg;
			break;
		case 'd':
			c->series_dir = optarg;
			break;
		case 'B':
			c->opts.backports = optarg;
			break;
		case 'f':
			c->format = parse_output_format(optarg, diff_usage);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(diff_usage, true);
		default:
			usage_msg(diff_usage, "unknown option '%s'",
				  argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		usage_msg(diff_usage, "want <series> and <target>");
}

static int target_cmp(const void *x, const void *y)
{
	return review_target_cmp(x, y);
}

/* The matrix's targets plus `want`, oldest first; c->me is `want`. */
static void make_targets(struct diff_cmd *c, const struct setup *st,
			 const char *series, const char *want)
{
	struct strvec names = STRVEC_INIT;
	bool found = false;

	setup_default_targets(&names, st);
	for (size_t i = 0; i < names.nr; i++)
		found |= !strcmp(names.v[i], want);
	if (!found)
		strvec_push(&names, want);
	c->nr = names.nr;
	c->t = xcalloc(c->nr, sizeof(*c->t));
	for (size_t i = 0; i < c->nr; i++) {
		apply_target_set(&c->t[i], series, names.v[i]);
	}
	qsort(c->t, c->nr, sizeof(*c->t), target_cmp);
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->t[i].name, want))
			c->me = i;
	strvec_clear(&names);
}

/* The backport commit's diff, parsed; an empty diff is no error. */
static void commit_patch(struct patch *p, git_repository *repo,
			 const git_oid *commit, const char *name)
{
	struct strbuf diff = STRBUF_INIT;

	if (review_commit_diff(&diff, NULL, repo, commit) < 0)
		die("%s", error_last());
	if (diff.len && patch_parse(p, diff.buf, diff.len, 1, name) < 0)
		die("%s", error_last());
	strbuf_release(&diff);
}

static void print_range(const char *what, size_t first, size_t nr)
{
	if (nr == 1)
		printf("%s %zu", what, first + 1);
	else
		printf("%ss %zu-%zu", what, first + 1, first + nr);
}

static void print_hunk(const struct review_hunk *h, const char *a_label)
{
	printf("    ");
	if (h->kind == REVIEW_HUNK_ADDED) {
		print_range("added hunk", h->b_first, h->b_nr);
		printf(" (%s)\n", h->b_header);
		return;
	}
	print_range("hunk", h->a_first, h->a_nr);
	if (h->b_nr && (h->b_first != h->a_first || h->b_nr != h->a_nr)) {
		printf(" (");
		print_range("hunk", h->b_first, h->b_nr);
		printf(" here)");
	}
	switch (h->kind) {
	case REVIEW_HUNK_SAME:
		printf(": as %s\n", a_label);
		break;
	case REVIEW_HUNK_MOVED:
		printf(": as %s, moved by %+ld (%s -> %s)\n", a_label,
		       h->offset, h->a_header, h->b_header);
		break;
	case REVIEW_HUNK_ADAPTED:
		if (h->context_only)
			printf(": adapted, context only (%zu line%s differ; "
			       "the changes are as %s)",
			       h->differ, h->differ == 1 ? "" : "s", a_label);
		else
			printf(": adapted, %zu line%s differ", h->differ,
			       h->differ == 1 ? "" : "s");
		if (h->offset)
			printf(", moved by %+ld", h->offset);
		printf(" (%s -> %s)\n", h->a_header, h->b_header);
		for (const char *l = h->interdiff.buf; *l;) {
			const char *nl = strchrnul(l, '\n');

			printf("      %.*s\n", (int)(nl - l), l);
			l = *nl ? nl + 1 : nl;
		}
		break;
	case REVIEW_HUNK_DROPPED:
		printf(": dropped (%s)\n", h->a_header);
		break;
	default:
		break;
	}
	for (size_t k = 0; k < h->repairs_nr; k++) {
		const struct review_repair *r = &h->repairs[k];

		printf("      repaired: +%s   [", r->text);
		if (r->how == REPAIR_FROM_REFERENCE)
			printf("re-indented from %s]\n",
			       r->from ? r->from : "a newer tree");
		else
			printf("indentation guessed]\n");
	}
}

static void print_review(const struct review *r, const char *a_label)
{
	for (size_t i = 0; i < r->nr; i++) {
		const struct review_file *f = &r->files[i];

		switch (f->kind) {
		case REVIEW_FILE_SAME:
			printf("  %s\n", f->a_path);
			break;
		case REVIEW_FILE_RENAMED:
			printf("  %s -> %s (renamed)\n", f->a_path, f->b_path);
			break;
		case REVIEW_FILE_DROPPED:
			printf("  %s (dropped: not in the backport)\n",
			       f->a_path);
			break;
		case REVIEW_FILE_ADDED:
			printf("  %s (added: not in %s)\n", f->b_path, a_label);
			break;
		}
		for (size_t h = 0; h < f->nr; h++)
			print_hunk(&f->hunks[h], a_label);
	}
}

static void print_counts(const struct review *r)
{
	bool first = true;

	for (int k = REVIEW_HUNK_SAME; k < REVIEW_HUNK_KIND_NR; k++) {
		if (!r->counts[k])
			continue;
		printf("%s%zu %s", first ? "" : ", ", r->counts[k],
		       review_hunk_kind_name(k));
		first = false;
	}
}

/* Against upstream: the mail's diff (repairs of a damaged one marked). */
static json_t *against_upstream(struct diff_cmd *c,
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
		if (review_locate_repairs(&loc, &fromi, c->repo_handle,
					  &ap->before, up, c->refs,
					  c->refs_nr) < 0)
			die("%s", error_last());
		from = xcalloc(up->nr + 1, sizeof(*from));
		for (size_t i = 0; i < up->nr; i++)
			from[i] = fromi[i] >= 0 ? c->ref_names[fromi[i]] : NULL;
		o.loc = loc;
		o.loc_from = from;
		o.loc_nr = up->nr;
	}
	if (review_compare(&r, up, mine, &o) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < r.nr; i++)
		for (size_t h = 0; h < r.files[i].nr; h++)
			for (size_t k = 0; k < r.files[i].hunks[h].repairs_nr;
			     k++)
				if (r.files[i].hunks[h].repairs[k].how ==
				    REPAIR_FROM_REFERENCE)
					reference++;
				else
					guessed++;
	if (c->format == FORMAT_JSON) {
		j = review_to_json(&r);
		json_object_set_new(j, "damaged",
				    json_boolean(o.ignore_whitespace));
		json_object_set_new(j, "repaired_from_reference",
				    json_integer((json_int_t)reference));
		json_object_set_new(j, "repaired_guessed",
				    json_integer((json_int_t)guessed));
	} else if (review_is_empty(&r)) {
		printf("  against upstream: empty interdiff: applied as "
		       "upstream, at the same place\n");
	} else {
		printf("  against upstream (%s", ap->sp->file);
		if (o.ignore_whitespace)
			printf("; a damaged mail, compared ignoring "
			       "whitespace; %zu line%s re-indented from a newer "
			       "tree, %zu guessed",
			       reference, reference == 1 ? "" : "s", guessed);
		printf("): ");
		print_counts(&r);
		printf("\n");
		print_review(&r, "upstream");
	}
	review_release(&r);
	for (size_t i = 0; loc && i < up->nr; i++)
		locate_result_release(&loc[i]);
	free(loc);
	free(fromi);
	free(from);
	return j;
}

/* Against the first newer target where the patch applied. */
static json_t *against_newer(struct diff_cmd *c, size_t index,
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
		commit_patch(&theirs, c->repo_handle, &ap->commit, t->name);
		if (review_compare(&r, &theirs, mine, NULL) < 0)
			die("%s", error_last());
		git_oid_tostr(hex, sizeof(hex), &ap->commit);
		found = true;
		if (c->format == FORMAT_JSON) {
			j = json_pack("{s:s, s:s, s:s, s:o, s:o}", "target",
				      t->name, "verdict",
				      verdict_name(ap->verdict), "commit", hex,
				      "skipped", jt, "review",
				      review_to_json(&r));
			jt = NULL;
		} else {
			char *label = xstrfmt("on %s", t->name);

			printf("  against %s (%s, commit %.12s)", t->name,
			       verdict_name(ap->verdict), hex);
			if (tried.len)
				printf(" [newer first, not applied: %s]",
				       tried.buf);
			if (review_is_empty(&r)) {
				printf(": empty interdiff: the same backport\n");
			} else {
				printf(": ");
				print_counts(&r);
				printf("\n");
				print_review(&r, label);
			}
			free(label);
		}
		review_release(&r);
		patch_release(&theirs);
		break;
	}
	if (!found && c->format == FORMAT_JSON)
		j = json_pack("{s:n, s:n, s:n, s:o, s:n}", "target", "verdict",
			      "commit", "skipped", jt, "review");
	else if (jt)
		json_decref(jt);
	if (!found && c->format != FORMAT_JSON) {
		if (!tried.len)
			printf("  against newer: no newer target than %s\n",
			       c->t[c->me].name);
		else
			printf("  against newer: not applied on any newer "
			       "target (%s)\n",
			       tried.buf);
	}
	strbuf_release(&tried);
	return j;
}

static json_t *review_patch(struct diff_cmd *c, const struct series *s,
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
	if (c->format == FORMAT_TEXT) {
		printf("patch %zu/%zu: %s\n", index + 1, s->nr,
		       m->subj.title ? m->subj.title : m->subject);
		printf("  %s%s%s\n", verdict_name(ap->verdict),
		       ap->detail && *ap->detail ? ": " : "",
		       ap->detail ? ap->detail : "");
	}
	if (applied) {
		if (c->format == FORMAT_TEXT)
			printf("  backport: commit %.12s on %s%s%s\n", hex,
			       t->name, m->upstream_commit ? ", upstream " : "",
			       m->upstream_commit ? m->upstream_commit : "");
		commit_patch(&mine, c->repo_handle, &ap->commit, t->name);
		if (!c->against_newer)
			up = against_upstream(c, ap, &mine);
		newer = against_newer(c, index, &mine);
	} else if (c->format == FORMAT_TEXT) {
		printf("  not applied on %s: nothing to review\n", t->name);
	}
	if (c->format == FORMAT_JSON) {
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

int cmd_diff(int argc, char **argv)
{
	struct diff_cmd c = { .opts = APPLY_OPTS_INIT };
	struct series s = SERIES_INIT;
	struct setup st = SETUP_INIT;
	json_t *patches = NULL;
	bool *want;

	c.series_dir = getenv("BACKPORT_SERIES_DIR");
	c.opts.backports = "backports";
	parse_options(&c, argc, argv);
	if (!c.series_dir || !*c.series_dir)
		c.series_dir = "series";
	if (c.opts.backports && !is_directory(c.opts.backports))
		c.opts.backports = NULL;
	if (setup_open(&st, c.matrix, c.repo) < 0 ||
	    series_load(&s, c.series_dir, argv[optind]) < 0)
		die("%s", error_last());
	if (c.patch > (long)s.nr)
		die("series '%s' has no patch %ld", s.name, c.patch);
	c.repo_handle = st.repo;
	make_targets(&c, &st, s.name, argv[optind + 1]);
	if (review_objects_in_memory(st.repo) < 0)
		die("%s", error_last());
	want = xcalloc(c.nr, sizeof(*want));
	for (size_t i = c.me; i < c.nr; i++)
		want[i] = true;
	progress("%s: applying %s on %zu target%s in memory", c.t[c.me].name,
		 s.name, c.nr - c.me, c.nr - c.me == 1 ? "" : "s");
	if (review_apply_targets(&c.refs, &c.ref_names, &c.refs_nr, c.t, c.nr,
				 want, st.repo, &s, &c.opts) < 0)
		die("%s", error_last());
	if (c.t[c.me].nr != s.nr)
		die("cannot find '%s' in '%s'", c.t[c.me].name, st.repo_path);
	if (c.format == FORMAT_JSON)
		patches = json_array();
	for (size_t i = 0; i < s.nr; i++) {
		json_t *j;

		if (c.patch && (long)i + 1 != c.patch)
			continue;
		if (c.format == FORMAT_TEXT && (c.patch ? 0 : i))
			putchar('\n');
		j = review_patch(&c, &s, i);
		if (j)
			json_array_append_new(patches, j);
	}
	if (patches) {
		json_t *o = json_pack("{s:s, s:s, s:o}", "series", s.name,
				      "target", c.t[c.me].name, "patches",
				      patches);

		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	}
	for (size_t i = 0; i < c.nr; i++)
		apply_target_release(&c.t[i]);
	free(c.t);
	free(c.refs);
	free(c.ref_names);
	free(want);
	series_release(&s);
	setup_release(&st);
	return EXIT_OK;
}
