// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tools/lib/patch.c: headers, hunks, the end of a diff,
 * damage found in the seed mails and in a stripped copy of an intact
 * mail, errors, canonical text and the stable patch-id (checked against
 * `git patch-id --stable` itself).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/patch.h"
#include "util/error.h"
#include "util/run-command.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* tests/fixtures/patch/<name>, from $BACKPORT_TOP or the build's top. */
static void read_fixture(struct strbuf *sb, const char *name)
{
	const char *top = getenv("BACKPORT_TOP");
	char *path =
		xstrfmt("%s/tests/fixtures/patch/%s", top ? top : ".", name);

	if (strbuf_read_file(sb, path) < 0)
		fail_msg("%s", error_last());
	free(path);
}

/* Parse `text` from its first "diff --git" line, as a mail parser does. */
static void parse_mail(struct patch *p, const struct strbuf *sb,
		       const char *name)
{
	size_t off;
	unsigned line;

	assert_true(patch_find_diff(sb->buf, sb->len, &off, &line));
	if (patch_parse(p, sb->buf + off, sb->len - off, line, name) < 0)
		fail_msg("%s", error_last());
}

static void parse_str(struct patch *p, const char *text)
{
	if (patch_parse(p, text, strlen(text), 1, "t.patch") < 0)
		fail_msg("%s", error_last());
}

/* `git patch-id --stable` of `text`: the oracle. */
static void git_patch_id(char out[41], const char *text)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf in = STRBUF_INIT, res = STRBUF_INIT;

	strbuf_addstr(&in, text);
	strvec_pushl(&cp.args, "git", "patch-id", "--stable", NULL);
	cp.in = &in;
	cp.out = &res;
	if (run_command(&cp) < 0)
		fail_msg("%s", error_last());
	assert_int_equal(cp.exit_code, 0);
	assert_true(res.len >= 40);
	memcpy(out, res.buf, 40);
	out[40] = '\0';
	child_process_release(&cp);
	strbuf_release(&in);
	strbuf_release(&res);
}

static void assert_id_matches_git(const char *text)
{
	struct patch p = PATCH_INIT;
	char want[41];

	parse_str(&p, text);
	git_patch_id(want, text);
	assert_string_equal(p.patch_id, want);
	patch_release(&p);
}

static void assert_round_trip(const char *text)
{
	struct patch p = PATCH_INIT;
	struct strbuf out = STRBUF_INIT;

	parse_str(&p, text);
	patch_to_text(&out, &p);
	assert_string_equal(out.buf, text);
	strbuf_release(&out);
	patch_release(&p);
}

struct want_damage {
	unsigned line;
	unsigned kind;
};

static void assert_damage(const struct patch *p, const struct want_damage *w,
			  size_t nr)
{
	for (size_t i = 0; i < p->damage_nr && i < nr; i++) {
		if (p->damage[i].line != w[i].line ||
		    p->damage[i].kind != w[i].kind)
			fail_msg(
				"damage %zu: got line %u %s (%s), want line %u %s",
				i, p->damage[i].line,
				patch_damage_name(p->damage[i].kind),
				p->damage[i].detail, w[i].line,
				patch_damage_name(w[i].kind));
	}
	assert_int_equal(p->damage_nr, nr);
}

/* Is there an entry of `kind` at `line` whose detail holds `text`? */
static bool has_detail(const struct patch *p, unsigned line, unsigned kind,
		       const char *text)
{
	for (size_t i = 0; i < p->damage_nr; i++)
		if (p->damage[i].line == line && p->damage[i].kind == kind &&
		    strstr(p->damage[i].detail, text))
			return true;
	return false;
}

static const char modify_diff[] = "diff --git a/src/x.c b/src/x.c\n"
				  "index 1234567..89abcde 100644\n"
				  "--- a/src/x.c\n"
				  "+++ b/src/x.c\n"
				  "@@ -1,4 +1,5 @@ int main(void)\n"
				  " {\n"
				  "-\treturn 0;\n"
				  "+\tint x = 1;\n"
				  "+\treturn x;\n"
				  " }\n"
				  " \n"
				  "@@ -10 +11,0 @@\n"
				  "-gone\n";

static void test_modify(void **state)
{
	struct patch p = PATCH_INIT;
	const struct patch_file *f;
	const struct patch_hunk *h;

	(void)state;
	parse_str(&p, modify_diff);
	assert_int_equal(p.nr, 1);
	f = &p.files[0];
	assert_string_equal(f->old_path, "src/x.c");
	assert_string_equal(f->new_path, "src/x.c");
	assert_int_equal(f->status, PATCH_FILE_MODIFIED);
	assert_int_equal(f->old_mode, 0100644);
	assert_int_equal(f->new_mode, 0100644);
	assert_string_equal(f->old_oid, "1234567");
	assert_string_equal(f->new_oid, "89abcde");
	assert_int_equal(f->line, 1);
	assert_int_equal(f->nr, 2);
	h = &f->hunks[0];
	assert_int_equal(h->old_start, 1);
	assert_int_equal(h->old_count, 4);
	assert_int_equal(h->new_start, 1);
	assert_int_equal(h->new_count, 5);
	assert_string_equal(h->section, "int main(void)");
	assert_int_equal(h->line, 5);
	assert_int_equal(h->nr, 6);
	assert_int_equal(h->lines[0].kind, PATCH_LINE_CONTEXT);
	assert_string_equal(h->lines[0].text, "{");
	assert_int_equal(h->lines[1].kind, PATCH_LINE_DEL);
	assert_string_equal(h->lines[1].text, "\treturn 0;");
	assert_int_equal(h->lines[1].line, 7);
	assert_int_equal(h->lines[2].kind, PATCH_LINE_ADD);
	assert_int_equal(h->lines[2].len, strlen("\tint x = 1;"));
	assert_string_equal(h->lines[5].text, "");
	/* "@@ -10 +11,0 @@": a count left out is 1. */
	h = &f->hunks[1];
	assert_int_equal(h->old_start, 10);
	assert_int_equal(h->old_count, 1);
	assert_int_equal(h->new_start, 11);
	assert_int_equal(h->new_count, 0);
	assert_null(h->section);
	assert_int_equal(p.added, 2);
	assert_int_equal(p.removed, 2);
	assert_int_equal(p.damage_nr, 0);
	assert_false(patch_is_damaged(&p));
	patch_release(&p);
	assert_round_trip(modify_diff);
	assert_id_matches_git(modify_diff);
}

static const char headers_diff[] = "diff --git a/new.txt b/new.txt\n"
				   "new file mode 100755\n"
				   "index 0000000..257cc56\n"
				   "--- /dev/null\n"
				   "+++ b/new.txt\n"
				   "@@ -0,0 +1 @@\n"
				   "+foo\n"
				   "diff --git a/old.txt b/old.txt\n"
				   "deleted file mode 100644\n"
				   "index 257cc56..0000000\n"
				   "--- a/old.txt\n"
				   "+++ /dev/null\n"
				   "@@ -1,2 +0,0 @@\n"
				   "-foo\n"
				   "-bar\n"
				   "diff --git a/run.sh b/run.sh\n"
				   "old mode 100644\n"
				   "new mode 100755\n"
				   "diff --git a/a.c b/b.c\n"
				   "similarity index 100%\n"
				   "rename from a.c\n"
				   "rename to b.c\n"
				   "diff --git a/c.c b/d.c\n"
				   "old mode 100644\n"
				   "new mode 100755\n"
				   "similarity index 80%\n"
				   "copy from c.c\n"
				   "copy to d.c\n"
				   "index 1111111..2222222\n"
				   "--- a/c.c\n"
				   "+++ b/d.c\n"
				   "@@ -1,2 +1,2 @@\n"
				   " x\n"
				   "-y\n"
				   "+z\n"
				   "diff --git a/empty b/empty\n"
				   "new file mode 100644\n"
				   "index 0000000..e69de29\n";

static void test_headers(void **state)
{
	struct patch p = PATCH_INIT;
	const struct patch_file *f;

	(void)state;
	parse_str(&p, headers_diff);
	assert_int_equal(p.nr, 6);

	f = &p.files[0];
	assert_int_equal(f->status, PATCH_FILE_ADDED);
	assert_null(f->old_path);
	assert_string_equal(f->new_path, "new.txt");
	assert_int_equal(f->new_mode, 0100755);
	assert_int_equal(f->hunks[0].old_count, 0);
	assert_int_equal(f->hunks[0].new_count, 1);

	f = &p.files[1];
	assert_int_equal(f->status, PATCH_FILE_DELETED);
	assert_string_equal(f->old_path, "old.txt");
	assert_null(f->new_path);
	assert_int_equal(f->old_mode, 0100644);
	assert_int_equal(f->line, 8);

	f = &p.files[2];
	assert_int_equal(f->status, PATCH_FILE_MODIFIED);
	assert_int_equal(f->old_mode, 0100644);
	assert_int_equal(f->new_mode, 0100755);
	assert_int_equal(f->nr, 0);

	f = &p.files[3];
	assert_int_equal(f->status, PATCH_FILE_RENAMED);
	assert_string_equal(f->old_path, "a.c");
	assert_string_equal(f->new_path, "b.c");
	assert_int_equal(f->similarity, 100);

	f = &p.files[4];
	assert_int_equal(f->status, PATCH_FILE_COPIED);
	assert_string_equal(f->old_path, "c.c");
	assert_string_equal(f->new_path, "d.c");
	assert_int_equal(f->similarity, 80);
	assert_int_equal(f->old_mode, 0100644);
	assert_int_equal(f->new_mode, 0100755);

	f = &p.files[5];
	assert_int_equal(f->status, PATCH_FILE_ADDED);
	assert_string_equal(f->new_path, "empty");
	assert_string_equal(f->new_oid, "e69de29");
	assert_int_equal(f->nr, 0);

	assert_int_equal(p.added, 2);
	assert_int_equal(p.removed, 3);
	patch_release(&p);
	assert_round_trip(headers_diff);
	assert_id_matches_git(headers_diff);
}

static const char names_diff[] =
	"diff --git \"a/sp\\303\\244\\303\\237e.txt\" \"b/sp\\303\\244\\303\\237e.txt\"\n"
	"new file mode 100644\n"
	"index 0000000..587be6b\n"
	"--- /dev/null\n"
	"+++ \"b/sp\\303\\244\\303\\237e.txt\"\n"
	"@@ -0,0 +1 @@\n"
	"+x\n"
	"diff --git a/with space.txt b/with space.txt\n"
	"index 975fbec..0ada1b7 100644\n"
	"--- a/with space.txt\t\n"
	"+++ b/with space.txt\t\n"
	"@@ -1 +1,2 @@\n"
	" y\n"
	"+z\n"
	"diff --git \"a/tab\\tname\" \"b/tab\\tname\"\n"
	"new file mode 100644\n"
	"index 0000000..e2b8e8e\n"
	"--- /dev/null\n"
	"+++ \"b/tab\\tname\"\n"
	"@@ -0,0 +1 @@\n"
	"+tab\there\n";

/* Names git would split wrongly, or that end in a blank: quoted. */
static const char hard_names_diff[] =
	"diff --git \"a/x b/y\" \"b/z\"\n"
	"index 1234567..89abcde 100644\n"
	"diff --git \"a/blank \" \"b/blank \"\n"
	"--- \"a/blank \"\n"
	"+++ \"b/blank \"\n"
	"@@ -1 +1 @@\n"
	"-a\n"
	"+b\n";

static void test_hard_names(void **state)
{
	struct patch p = PATCH_INIT;
	struct strbuf text = STRBUF_INIT;

	(void)state;
	parse_str(&p, hard_names_diff);
	assert_int_equal(p.nr, 2);
	assert_string_equal(p.files[0].old_path, "x b/y");
	assert_string_equal(p.files[0].new_path, "z");
	assert_string_equal(p.files[1].new_path, "blank ");
	patch_to_text(&text, &p);
	assert_string_equal(text.buf, hard_names_diff);
	strbuf_release(&text);
	patch_release(&p);
	assert_round_trip(hard_names_diff);
}

static void test_names(void **state)
{
	struct patch p = PATCH_INIT;

	(void)state;
	parse_str(&p, names_diff);
	assert_int_equal(p.nr, 3);
	assert_string_equal(p.files[0].new_path, "sp\xc3\xa4\xc3\x9f"
						 "e.txt");
	assert_string_equal(p.files[1].old_path, "with space.txt");
	assert_string_equal(p.files[1].new_path, "with space.txt");
	assert_string_equal(p.files[2].new_path, "tab\tname");
	patch_release(&p);
	assert_round_trip(names_diff);
	assert_id_matches_git(names_diff);
}

static const char no_newline_diff[] = "diff --git a/nonl b/nonl\n"
				      "index de98044..36a9cd1 100644\n"
				      "--- a/nonl\n"
				      "+++ b/nonl\n"
				      "@@ -1,3 +1,3 @@\n"
				      " a\n"
				      "-b\n"
				      "-c\n"
				      "\\ No newline at end of file\n"
				      "+B\n"
				      "+c\n"
				      "\\ No newline at end of file\n";

static void test_no_newline(void **state)
{
	struct patch p = PATCH_INIT;
	const struct patch_hunk *h;

	(void)state;
	parse_str(&p, no_newline_diff);
	h = &p.files[0].hunks[0];
	assert_int_equal(h->nr, 5);
	assert_false(h->lines[1].no_newline);
	assert_true(h->lines[2].no_newline);
	assert_false(h->lines[3].no_newline);
	assert_true(h->lines[4].no_newline);
	assert_int_equal(p.damage_nr, 0);
	patch_release(&p);
	assert_round_trip(no_newline_diff);
	assert_id_matches_git(no_newline_diff);
}

static void test_plain_diff(void **state)
{
	struct patch p = PATCH_INIT;

	(void)state;
	parse_str(&p, "Some text before.\n"
		      "--- a/lib/x.c\t2024-01-01 00:00:00.000000000 +0000\n"
		      "+++ b/lib/x.c\t2024-01-02 00:00:00.000000000 +0000\n"
		      "@@ -1,2 +1,2 @@\n"
		      " a\n"
		      "-b\n"
		      "+c\n"
		      "--- /dev/null\n"
		      "+++ b/y.c\n"
		      "@@ -0,0 +1 @@\n"
		      "+new\n");
	assert_int_equal(p.nr, 2);
	assert_string_equal(p.files[0].old_path, "lib/x.c");
	assert_string_equal(p.files[0].new_path, "lib/x.c");
	assert_int_equal(p.files[0].line, 2);
	assert_int_equal(p.files[0].hunks[0].nr, 3);
	assert_int_equal(p.files[1].status, PATCH_FILE_ADDED);
	assert_string_equal(p.files[1].new_path, "y.c");
	patch_release(&p);
}

/* The signature, its damaged form, and text after the diff end it. */
static void test_end_of_diff(void **state)
{
	static const char *const tails[] = {
		"-- \n2.43.0\n\nmore text\n",
		"--\n2.55.0.rc0.799.gd6f94ed593-goog\n",
		"\nThis is a mailing list footer.\n-- \n",
		"Some text after the diff\n@@ -1 +1 @@\n-a\n+b\n",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		struct patch p = PATCH_INIT;
		char *text = xstrfmt("%s%s", modify_diff, tails[i]);

		parse_str(&p, text);
		assert_int_equal(p.nr, 1);
		assert_int_equal(p.files[0].nr, 2);
		assert_int_equal(p.files[0].hunks[1].nr, 1);
		assert_int_equal(p.damage_nr, 0);
		patch_release(&p);
		free(text);
	}
}

/* A short last hunk stops at the damaged signature "--" + version. */
static void test_short_at_signature(void **state)
{
	struct patch p = PATCH_INIT;

	(void)state;
	parse_str(&p, "diff --git a/x.c b/x.c\n"
		      "--- a/x.c\n"
		      "+++ b/x.c\n"
		      "@@ -1,4 +1,4 @@\n"
		      "a\n"
		      "-b\n"
		      "+c\n"
		      "--\n"
		      "2.43.0\n");
	assert_int_equal(p.files[0].hunks[0].nr, 3);
	assert_true(p.files[0].hunks[0].damage & DAMAGE_HUNK_SHORT);
	assert_true(has_detail(
		&p, 4, DAMAGE_HUNK_SHORT,
		"hunk @@ -1,4 +1,4 @@ has 2 old and 2 new lines, its header says 4 and 4"));
	patch_release(&p);
}

/* Marker-less lines past the counts, before the next "@@": long. */
static void test_hunk_long(void **state)
{
	struct patch p = PATCH_INIT;
	const struct patch_hunk *h;

	(void)state;
	parse_str(&p, "diff --git a/x.c b/x.c\n"
		      "--- a/x.c\n"
		      "+++ b/x.c\n"
		      "@@ -1,2 +1,2 @@\n"
		      "a\n"
		      "-b\n"
		      "+c\n"
		      "d\n"
		      "e\n"
		      "@@ -10,2 +10,2 @@\n"
		      "-f\n"
		      "+g\n"
		      "h\n");
	h = &p.files[0].hunks[0];
	assert_int_equal(p.files[0].nr, 2);
	assert_int_equal(h->nr, 5);
	assert_true(h->damage & DAMAGE_HUNK_LONG);
	assert_true(has_detail(
		&p, 4, DAMAGE_HUNK_LONG,
		"has 4 old and 4 new lines, its header says 2 and 2"));
	assert_true(has_detail(&p, 8, DAMAGE_CONTEXT_MARKER_LOST,
			       "lines 8-9: 2 context lines"));
	assert_false(p.files[0].hunks[1].damage & DAMAGE_HUNK_LONG);
	patch_release(&p);
}

/* Line numbers count from `first_line`. */
static void test_first_line(void **state)
{
	struct patch p = PATCH_INIT;

	(void)state;
	assert_int_equal(patch_parse(&p, modify_diff, strlen(modify_diff), 100,
				     "m.eml"),
			 0);
	assert_int_equal(p.files[0].line, 100);
	assert_int_equal(p.files[0].hunks[0].line, 104);
	assert_int_equal(p.files[0].hunks[0].lines[1].line, 106);
	patch_release(&p);
}

/*
 * The first seed kept its empty lines: the counts hold, but every
 * context line lost its marker and all code its indentation. Verified by
 * hand against the mail, line by line.
 */
static void test_seed_fold(void **state)
{
	static const struct want_damage want[] = {
		{ 34, DAMAGE_CONTEXT_MARKER_LOST }, /* 34-35 */
		{ 34, DAMAGE_INDENT_LOST }, /* call_rcu(...); */
		{ 38, DAMAGE_BLANKS_COLLAPSED }, /* 15 "- x" lines */
		{ 64, DAMAGE_CONTEXT_MARKER_LOST }, /* 64-66 */
		{ 68, DAMAGE_CONTEXT_MARKER_LOST }, /* 68-70 */
		{ 71, DAMAGE_BLANKS_COLLAPSED },
		{ 73, DAMAGE_CONTEXT_MARKER_LOST }, /* 73-75 */
		{ 77, DAMAGE_CONTEXT_MARKER_LOST },
		{ 77, DAMAGE_INDENT_LOST }, /* WARN_ON_ONCE, if */
		{ 79, DAMAGE_CONTEXT_MARKER_LOST },
		{ 80, DAMAGE_BLANKS_COLLAPSED },
		{ 81, DAMAGE_CONTEXT_MARKER_LOST },
		{ 87, DAMAGE_CONTEXT_MARKER_LOST }, /* 87-89 */
		{ 91, DAMAGE_CONTEXT_MARKER_LOST }, /* 91-92 */
		{ 91, DAMAGE_INDENT_LOST }, /* if, return x3 */
		{ 94, DAMAGE_BLANKS_COLLAPSED }, /* 18 lines */
		{ 101, DAMAGE_CONTEXT_MARKER_LOST },
		{ 111, DAMAGE_CONTEXT_MARKER_LOST },
		{ 114, DAMAGE_CONTEXT_MARKER_LOST },
		{ 125, DAMAGE_CONTEXT_MARKER_LOST },
		{ 137, DAMAGE_CONTEXT_MARKER_LOST }, /* 137-138 */
	};
	struct strbuf sb = STRBUF_INIT;
	struct patch p = PATCH_INIT;
	const struct patch_file *f;

	(void)state;
	read_fixture(&sb, "seed-fold-v3-03of15.txt");
	parse_mail(&p, &sb, "seed-fold");
	assert_int_equal(p.nr, 1);
	f = &p.files[0];
	assert_string_equal(f->new_path, "arch/x86/kvm/mmu/tdp_mmu.c");
	assert_int_equal(f->line, 29);
	assert_int_equal(f->nr, 4);
	assert_int_equal(f->hunks[0].line, 33);
	assert_int_equal(f->hunks[0].nr, 33);
	assert_int_equal(f->hunks[1].nr, 8);
	assert_int_equal(f->hunks[2].nr, 13);
	assert_int_equal(f->hunks[3].line, 90);
	assert_int_equal(f->hunks[3].nr, 49);
	/* The diffstat of the mail: 31 insertions, 41 deletions. */
	assert_int_equal(p.added, 31);
	assert_int_equal(p.removed, 41);
	/* An empty line is an ordinary empty context line. */
	assert_int_equal(f->hunks[0].lines[2].kind, PATCH_LINE_CONTEXT);
	assert_int_equal(f->hunks[0].lines[2].damage, 0);
	assert_string_equal(
		f->hunks[0].lines[0].text,
		"call_rcu(&sp->rcu_head, tdp_mmu_free_sp_rcu_callback);");
	assert_int_equal(f->hunks[0].lines[0].damage &
				 DAMAGE_CONTEXT_MARKER_LOST,
			 DAMAGE_CONTEXT_MARKER_LOST);
	for (size_t i = 0; i < f->nr; i++)
		assert_false(f->hunks[i].damage &
			     (DAMAGE_HUNK_SHORT | DAMAGE_HUNK_LONG));
	assert_damage(&p, want, ARRAY_SIZE(want));
	assert_true(has_detail(
		&p, 34, DAMAGE_CONTEXT_MARKER_LOST,
		"lines 34-35: 2 context lines lost their leading space"));
	assert_true(has_detail(&p, 38, DAMAGE_BLANKS_COLLAPSED, "15 lines"));
	assert_true(
		has_detail(&p, 91, DAMAGE_INDENT_LOST, "4 statement lines"));
	assert_true(has_detail(&p, 94, DAMAGE_BLANKS_COLLAPSED, "18 lines"));
	patch_release(&p);
	strbuf_release(&sb);
}

/*
 * The second seed also lost every empty line: all four hunks are short.
 * Verified by hand: hunk 1 holds 6 context, 11 removed and 2 added lines.
 */
static void test_seed_split(void **state)
{
	static const struct want_damage want[] = {
		{ 22, DAMAGE_HUNK_SHORT },
		{ 23, DAMAGE_CONTEXT_MARKER_LOST }, /* 23-24 */
		{ 23, DAMAGE_INDENT_LOST }, /* lines 23, 37, 40 */
		{ 36, DAMAGE_CONTEXT_MARKER_LOST }, /* 36-37 */
		{ 38, DAMAGE_BLANKS_COLLAPSED }, /* 38, 39 */
		{ 40, DAMAGE_CONTEXT_MARKER_LOST }, /* 40-41 */
		{ 42, DAMAGE_HUNK_SHORT },
		{ 43, DAMAGE_CONTEXT_MARKER_LOST }, /* 43-44 */
		{ 43, DAMAGE_INDENT_LOST },
		{ 46, DAMAGE_BLANKS_COLLAPSED },
		{ 51, DAMAGE_CONTEXT_MARKER_LOST }, /* 51-52 */
		{ 53, DAMAGE_HUNK_SHORT },
		{ 54, DAMAGE_CONTEXT_MARKER_LOST }, /* 54-55 */
		{ 54, DAMAGE_INDENT_LOST },
		{ 67, DAMAGE_BLANKS_COLLAPSED },
		{ 74, DAMAGE_CONTEXT_MARKER_LOST }, /* 74-76 */
		{ 77, DAMAGE_HUNK_SHORT },
		{ 78, DAMAGE_CONTEXT_MARKER_LOST }, /* 78-79 */
		{ 80, DAMAGE_BLANKS_COLLAPSED },
		{ 82, DAMAGE_CONTEXT_MARKER_LOST },
		{ 82, DAMAGE_INDENT_LOST }, /* 82, 87, 88 */
		{ 85, DAMAGE_CONTEXT_MARKER_LOST },
		{ 87, DAMAGE_CONTEXT_MARKER_LOST }, /* 87-88 */
		{ 90, DAMAGE_CONTEXT_MARKER_LOST },
		{ 96, DAMAGE_CONTEXT_MARKER_LOST }, /* 96-97 */
	};
	struct strbuf sb = STRBUF_INIT;
	struct patch p = PATCH_INIT;
	const struct patch_file *f;

	(void)state;
	read_fixture(&sb, "seed-split-v2-6of9.txt");
	parse_mail(&p, &sb, "seed-split");
	f = &p.files[0];
	assert_string_equal(f->old_path, "arch/x86/kvm/mmu/mmu.c");
	assert_int_equal(f->line, 18);
	assert_int_equal(f->nr, 4);
	assert_int_equal(f->hunks[0].nr, 19);
	assert_int_equal(f->hunks[1].nr, 10);
	assert_int_equal(f->hunks[2].nr, 23);
	assert_int_equal(f->hunks[3].nr, 20);
	/* The diffstat of the mail: 33 insertions, 15 deletions. */
	assert_int_equal(p.added, 33);
	assert_int_equal(p.removed, 15);
	for (size_t i = 0; i < f->nr; i++)
		assert_true(f->hunks[i].damage & DAMAGE_HUNK_SHORT);
	assert_damage(&p, want, ARRAY_SIZE(want));
	assert_true(has_detail(
		&p, 22, DAMAGE_HUNK_SHORT,
		"hunk @@ -6921,20 +6921,11 @@ has 17 old and 8 new lines, its header says 20 and 11"));
	assert_true(has_detail(
		&p, 42, DAMAGE_HUNK_SHORT,
		"has 5 old and 9 new lines, its header says 8 and 12"));
	assert_true(has_detail(
		&p, 53, DAMAGE_HUNK_SHORT,
		"has 5 old and 23 new lines, its header says 6 and 24"));
	assert_true(has_detail(
		&p, 77, DAMAGE_HUNK_SHORT,
		"has 12 old and 17 new lines, its header says 14 and 19"));
	assert_true(has_detail(&p, 74, DAMAGE_CONTEXT_MARKER_LOST,
			       "lines 74-76: 3 context lines"));
	assert_true(has_detail(&p, 82, DAMAGE_CONTEXT_MARKER_LOST,
			       "line 82: context line lost"));
	/* The last hunk ends at the damaged signature "--". */
	assert_string_equal(
		f->hunks[3].lines[19].text,
		"void kvm_mmu_invalidate_mmio_sptes(struct kvm *kvm, u64 gen)");
	patch_release(&p);
	strbuf_release(&sb);
}

/*
 * An intact mail, and copies stripped as the seeds were: same files and
 * lines, damage listed, and the patch-id of the intact mail by git.
 */
static void test_stripped_copies(void **state)
{
	static const struct want_damage want_noempty[] = {
		{ 12, DAMAGE_HUNK_SHORT },
		{ 13, DAMAGE_CONTEXT_MARKER_LOST }, /* 13-14 */
		{ 13, DAMAGE_INDENT_LOST }, /* if, continue, if, batch = 0 */
		{ 15, DAMAGE_BLANKS_COLLAPSED }, /* 15-17 */
		{ 19, DAMAGE_CONTEXT_MARKER_LOST }, /* 19-21 */
		{ 22, DAMAGE_HUNK_SHORT },
		{ 23, DAMAGE_CONTEXT_MARKER_LOST }, /* 23-25 */
		{ 28, DAMAGE_CONTEXT_MARKER_LOST }, /* 28-29 */
		{ 29, DAMAGE_INDENT_LOST }, /* 29, 32, 33, 34, 40 */
		{ 30, DAMAGE_BLANKS_COLLAPSED }, /* 30, 31, 38, 39 */
		{ 32, DAMAGE_CONTEXT_MARKER_LOST }, /* 32-34 */
		{ 40, DAMAGE_CONTEXT_MARKER_LOST }, /* 40-41 */
		{ 42, DAMAGE_HUNK_SHORT },
		{ 43, DAMAGE_CONTEXT_MARKER_LOST }, /* 43-44 */
		{ 43, DAMAGE_INDENT_LOST },
		{ 45, DAMAGE_BLANKS_COLLAPSED },
		{ 47, DAMAGE_CONTEXT_MARKER_LOST }, /* 47-48 */
	};
	struct strbuf intact = STRBUF_INIT, stripped = STRBUF_INIT,
		      noempty = STRBUF_INIT, text = STRBUF_INIT;
	struct patch a = PATCH_INIT, b = PATCH_INIT, c = PATCH_INIT;
	char want[41];

	(void)state;
	read_fixture(&intact, "split-intact.eml");
	read_fixture(&stripped, "split-stripped.eml");
	read_fixture(&noempty, "split-stripped-noempty.eml");
	parse_mail(&a, &intact, "intact");
	parse_mail(&b, &stripped, "stripped");
	parse_mail(&c, &noempty, "noempty");

	assert_int_equal(a.damage_nr, 0);
	assert_true(patch_is_damaged(&b));
	for (size_t i = 0; i < b.damage_nr; i++)
		assert_false(b.damage[i].kind &
			     (DAMAGE_HUNK_SHORT | DAMAGE_HUNK_LONG));
	assert_damage(&c, want_noempty, ARRAY_SIZE(want_noempty));
	assert_true(has_detail(
		&c, 22, DAMAGE_HUNK_SHORT,
		"has 12 old and 17 new lines, its header says 17 and 22"));

	/* Same lines but for whitespace, so the same patch-id. */
	assert_int_equal(a.added, c.added);
	assert_int_equal(a.removed, c.removed);
	git_patch_id(want, intact.buf);
	assert_string_equal(a.patch_id, want);
	assert_string_equal(b.patch_id, want);
	assert_string_equal(c.patch_id, want);
	/* git itself cannot read the damaged copy right. */
	git_patch_id(want, noempty.buf);
	assert_string_not_equal(c.patch_id, want);

	/* The canonical text of the intact mail is its diff, verbatim. */
	patch_to_text(&text, &a);
	assert_non_null(strstr(intact.buf, text.buf));
	assert_true(
		ends_with(strstr(intact.buf, "diff --git"), "-- \n2.39.5\n\n"));
	patch_release(&a);
	patch_release(&b);
	patch_release(&c);
	strbuf_release(&intact);
	strbuf_release(&stripped);
	strbuf_release(&noempty);
	strbuf_release(&text);
}

/* A damaged patch renders to a diff that parses again without loss. */
static void test_to_text_damaged(void **state)
{
	struct strbuf sb = STRBUF_INIT, text = STRBUF_INIT;
	struct patch p = PATCH_INIT, q = PATCH_INIT;

	(void)state;
	read_fixture(&sb, "seed-split-v2-6of9.txt");
	parse_mail(&p, &sb, "seed-split");
	patch_to_text(&text, &p);
	assert_non_null(strstr(text.buf, "@@ -6921,17 +6921,8 @@ static void"));
	parse_str(&q, text.buf);
	assert_string_equal(q.patch_id, p.patch_id);
	assert_int_equal(q.files[0].nr, p.files[0].nr);
	for (size_t i = 0; i < q.damage_nr; i++)
		assert_false(q.damage[i].kind &
			     (DAMAGE_CONTEXT_MARKER_LOST | DAMAGE_HUNK_SHORT));
	/* And git agrees on the id of the rendered text. */
	assert_id_matches_git(text.buf);
	patch_release(&p);
	patch_release(&q);
	strbuf_release(&sb);
	strbuf_release(&text);
}

/* The id does not depend on the order of the files (--stable). */
static void test_patch_id_stable(void **state)
{
	static const char one[] = "diff --git a/a b/a\n"
				  "--- a/a\n"
				  "+++ b/a\n"
				  "@@ -1 +1 @@\n"
				  "-x\n"
				  "+y\n";
	static const char two[] = "diff --git a/b b/b\n"
				  "--- a/b\n"
				  "+++ b/b\n"
				  "@@ -1 +1 @@\n"
				  "-x\n"
				  "+z\n";
	char *ab = xstrfmt("%s%s", one, two), *ba = xstrfmt("%s%s", two, one);
	struct patch p = PATCH_INIT, q = PATCH_INIT;
	char direct[41];

	(void)state;
	parse_str(&p, ab);
	parse_str(&q, ba);
	assert_string_equal(p.patch_id, q.patch_id);
	patch_id_of_text(direct, ab, strlen(ab));
	assert_string_equal(direct, p.patch_id);
	patch_id_of_text(direct, "no diff\n", 8);
	assert_string_equal(direct, "0000000000000000000000000000000000000000");
	assert_id_matches_git(ab);
	assert_id_matches_git(ba);
	patch_release(&p);
	patch_release(&q);
	free(ab);
	free(ba);
}

struct bad_case {
	const char *text;
	const char *error;
};

static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "just a mail\nwith no diff\n", "bad.patch: no diff found" },
		{ "", "bad.patch: no diff found" },
		{ "diff --git a/x.bin b/x.bin\n"
		  "index 1234567..89abcde 100644\n"
		  "GIT binary patch\n"
		  "literal 4\n",
		  "bad.patch:3: binary diff" },
		{ "diff --git a/x.bin b/x.bin\n"
		  "index 1234567..89abcde 100644\n"
		  "Binary files a/x.bin and b/x.bin differ\n",
		  "bad.patch:3: binary diff" },
		{ "diff --git a//etc/passwd b//etc/passwd\n"
		  "--- a//etc/passwd\n"
		  "+++ b//etc/passwd\n"
		  "@@ -1 +1 @@\n-a\n+b\n",
		  "bad.patch:1: absolute path '/etc/passwd'" },
		{ "--- /etc/passwd\n"
		  "+++ /etc/passwd\n"
		  "@@ -1 +1 @@\n-a\n+b\n",
		  "bad.patch:1: " },
		{ "diff --git a/../x b/../x\n"
		  "--- a/../x\n"
		  "+++ b/../x\n"
		  "@@ -1 +1 @@\n-a\n+b\n",
		  "bad.patch:1: path '../x' leaves the tree" },
		/* An unquoted name ends at its last non-blank. */
		{ "diff --git a/x b/.. \n"
		  "index 1234567..89abcde 100644\n",
		  "bad.patch:1: path '..' leaves the tree" },
		{ "diff --git a/x b/y\n"
		  "similarity index 100%\n"
		  "rename from x\n"
		  "rename to sub/../../y\n",
		  "bad.patch:4: path 'sub/../../y' leaves the tree" },
		{ "diff --git a/.git/config b/.git/config\n"
		  "--- a/.git/config\n"
		  "+++ b/.git/config\n"
		  "@@ -1 +1 @@\n-a\n+b\n",
		  "bad.patch:1: path '.git/config' touches .git" },
		{ "diff --git a/sub/.GIT/hooks/x b/sub/.GIT/hooks/x\n"
		  "new file mode 100755\n"
		  "--- /dev/null\n"
		  "+++ b/sub/.GIT/hooks/x\n"
		  "@@ -0,0 +1 @@\n+b\n",
		  "touches .git" },
		{ "diff --git a/x b/x\n"
		  "--- a/x\n"
		  "+++ b/x\n"
		  "@@ -1 +1 @@\n-a\n+b\n"
		  "@@ -x +1 @@\n-a\n",
		  "bad.patch:7: malformed hunk header '@@ -x +1 @@'" },
		{ "diff --git a/x b/x\n"
		  "--- a/x\n"
		  "+++ b/x\n"
		  "@@ -1,2 +1,2\n-a\n+b\n",
		  "bad.patch:4: malformed hunk header" },
		{ "diff --git a/x.c b/x.c\n"
		  "--- a/y.c\n"
		  "+++ b/x.c\n"
		  "@@ -1 +1 @@\n-a\n+b\n",
		  "bad.patch:2: inconsistent old file name 'y.c' (the diff "
		  "header says 'x.c')" },
		{ "diff --git a/x.c b/x.c\n"
		  "--- a/x.c\n"
		  "+++ b/z.c\n"
		  "@@ -1 +1 @@\n-a\n+b\n",
		  "bad.patch:3: inconsistent new file name 'z.c'" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct patch p = PATCH_INIT;
		int ret = patch_parse(&p, cases[i].text, strlen(cases[i].text),
				      1, "bad.patch");

		if (ret != -1)
			fail_msg("case %zu parsed", i);
		if (!strstr(error_last(), cases[i].error))
			fail_msg("case %zu: '%s' lacks '%s'", i, error_last(),
				 cases[i].error);
		/* A failed parse leaves nothing behind. */
		assert_int_equal(p.nr, 0);
		assert_null(p.files);
		patch_release(&p);
	}
}

static void test_error_nul_and_long_line(void **state)
{
	static const char nul[] = "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
				  "@@ -1 +1 @@\n-a\n+b\0c\n";
	struct strbuf sb = STRBUF_INIT;
	struct patch p = PATCH_INIT;

	(void)state;
	assert_int_equal(patch_parse(&p, nul, sizeof(nul) - 1, 10, "nul.patch"),
			 -1);
	assert_string_equal(error_last(), "nul.patch:15: NUL byte in patch");

	strbuf_addstr(&sb, "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
			   "@@ -1 +1 @@\n-a\n+");
	for (int i = 0; i < 1024 * 1024; i++)
		strbuf_addch(&sb, 'x');
	strbuf_addch(&sb, '\n');
	assert_int_equal(patch_parse(&p, sb.buf, sb.len, 1, "long.patch"), -1);
	assert_string_equal(error_last(),
			    "long.patch:6: line longer than 1 MiB");
	/* Exactly 1 MiB is still fine. */
	strbuf_setlen(&sb, sb.len - 2);
	strbuf_addch(&sb, '\n');
	assert_int_equal(patch_parse(&p, sb.buf, sb.len, 1, "long.patch"), 0);
	assert_int_equal(p.files[0].hunks[0].lines[1].len, 1024 * 1024 - 1);
	patch_release(&p);
	strbuf_release(&sb);
}

static void test_find_diff(void **state)
{
	static const char mail[] = "Subject: x\n\nbody\n---\n diffstat\n\n"
				   "diff --git a/x b/x\n";
	size_t off;
	unsigned line;

	(void)state;
	assert_true(patch_find_diff(mail, strlen(mail), &off, &line));
	assert_int_equal(line, 7);
	assert_int_equal(off, strlen(mail) - strlen("diff --git a/x b/x\n"));
	assert_false(patch_find_diff("a\n diff --git x\n", 16, &off, &line));
}

static void test_damage_names(void **state)
{
	(void)state;
	assert_string_equal(patch_damage_name(DAMAGE_CONTEXT_MARKER_LOST),
			    "context-marker-lost");
	assert_string_equal(patch_damage_name(DAMAGE_HUNK_SHORT), "hunk-short");
	assert_string_equal(patch_damage_name(DAMAGE_INDENT_LOST),
			    "indent-lost");
	assert_string_equal(patch_damage_name(DAMAGE_BLANKS_COLLAPSED),
			    "blanks-collapsed");
	assert_string_equal(patch_damage_name(DAMAGE_HUNK_LONG), "hunk-long");
	assert_string_equal(patch_damage_name(DAMAGE_LINE_ENDINGS),
			    "line-endings");
	assert_string_equal(patch_damage_name(DAMAGE_ADDRESS_OBFUSCATED),
			    "address-obfuscated");
	assert_string_equal(patch_damage_name(3), "unknown");
}

/* Intact code in a C file: indented lines, no indentation damage. */
static void test_no_false_damage(void **state)
{
	struct patch p = PATCH_INIT;

	(void)state;
	parse_str(&p, "diff --git a/x.c b/x.c\n"
		      "--- a/x.c\n"
		      "+++ b/x.c\n"
		      "@@ -1,3 +1,4 @@\n"
		      " #include <x.h>\n"
		      "+EXPORT_SYMBOL(foo);\n"
		      " module_init(foo_init);\n"
		      " int x;\n"
		      "@@ -10,3 +11,3 @@ int f(void)\n"
		      " {\n"
		      "-\treturn 0;\n"
		      "+\treturn 1;\n"
		      " }\n");
	assert_int_equal(p.damage_nr, 0);
	patch_release(&p);
}

static void test_init_release(void **state)
{
	struct patch p;

	(void)state;
	patch_init(&p);
	assert_int_equal(p.nr, 0);
	assert_false(patch_is_damaged(&p));
	patch_release(&p);
	parse_str(&p, modify_diff);
	patch_release(&p);
	assert_null(p.files);
	assert_null(p.damage);
	patch_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modify),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hard_names),
		cmocka_unit_test(test_no_newline),
		cmocka_unit_test(test_plain_diff),
		cmocka_unit_test(test_end_of_diff),
		cmocka_unit_test(test_short_at_signature),
		cmocka_unit_test(test_hunk_long),
		cmocka_unit_test(test_first_line),
		cmocka_unit_test(test_seed_fold),
		cmocka_unit_test(test_seed_split),
		cmocka_unit_test(test_stripped_copies),
		cmocka_unit_test(test_to_text_damaged),
		cmocka_unit_test(test_patch_id_stable),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_nul_and_long_line),
		cmocka_unit_test(test_find_diff),
		cmocka_unit_test(test_damage_names),
		cmocka_unit_test(test_no_false_damage),
		cmocka_unit_test(test_init_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
