// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the hunk locator (tools/lib/locate.c): exact, offset,
 * fuzz, already and partially applied, conflicts and their reasons,
 * missing newlines, file edges, damaged hunks rebuilt from a reference
 * or from neighbours, and the fuzzy apply that would define
 * kvm_mmu_zap_all_fast() twice. Fixtures: tests/fixtures/locate/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/locate.h"
#include "lib/patch.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static char *fixture(const char *name, size_t *len)
{
	const char *top = getenv("BACKPORT_TOP");
	struct strbuf path = STRBUF_INIT;
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&path, "%s/tests/fixtures/locate/%s", top ? top : ".",
		    name);
	if (strbuf_read_file(&sb, path.buf) < 0)
		fail_msg("%s", error_last());
	strbuf_release(&path);
	return strbuf_detach(&sb, len);
}

static char *seed(const char *name, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt("/work/shared/seeds/%s", name);

	if (strbuf_read_file(&sb, path) < 0) {
		free(path);
		return NULL;
	}
	free(path);
	return strbuf_detach(&sb, len);
}

static void parse(struct patch *p, const char *text)
{
	patch_init(p);
	if (patch_parse(p, text, strlen(text), 1, "test") < 0)
		fail_msg("%s", error_last());
	assert_true(p->nr >= 1);
}

/* Replace the first `old` in `s` by `new`; the result is owned. */
static char *replace(const char *s, const char *old, const char *new)
{
	const char *at = strstr(s, old);
	struct strbuf sb = STRBUF_INIT;

	if (!at)
		fail_msg("'%s' not in text", old);
	strbuf_add(&sb, s, at - s);
	strbuf_addstr(&sb, new);
	strbuf_addstr(&sb, at + strlen(old));
	return strbuf_detach(&sb, NULL);
}

/*
 * Hand-built hunks: "@@ -a,b +c,d @@\n" then lines with their markers; a
 * line "\\" marks the line before as without newline; a line starting
 * with another character is context that lost its marker (damaged).
 */
static void add_hunk(struct patch_file *pf, const char *text)
{
	struct patch_hunk *h;
	const char *s = strchr(text, '\n') + 1;

	ALLOC_GROW(pf->hunks, pf->nr + 1, pf->alloc);
	h = &pf->hunks[pf->nr++];
	memset(h, 0, sizeof(*h));
	assert_int_equal(sscanf(text, "@@ -%u,%u +%u,%u @@", &h->old_start,
				&h->old_count, &h->new_start, &h->new_count),
			 4);
	while (*s) {
		const char *e = strchrnul(s, '\n');
		struct patch_line *l;

		if (*s == '\\') {
			h->lines[h->nr - 1].no_newline = true;
			s = *e ? e + 1 : e;
			continue;
		}
		ALLOC_GROW(h->lines, h->nr + 1, h->alloc);
		l = &h->lines[h->nr++];
		memset(l, 0, sizeof(*l));
		if (*s == ' ' || *s == '+' || *s == '-') {
			l->kind = *s++;
		} else {
			l->kind = ' ';
			h->damage |= DAMAGE_CONTEXT_MARKER_LOST |
				     DAMAGE_INDENT_LOST | DAMAGE_HUNK_SHORT;
		}
		l->text = xstrndup(s, e - s);
		l->len = e - s;
		s = *e ? e + 1 : e;
	}
}

static void file_release(struct patch_file *pf)
{
	for (size_t i = 0; i < pf->nr; i++) {
		for (size_t j = 0; j < pf->hunks[i].nr; j++)
			free(pf->hunks[i].lines[j].text);
		free(pf->hunks[i].lines);
	}
	free(pf->hunks);
	memset(pf, 0, sizeof(*pf));
}

static void apply_ok(struct locate_result *res, const struct patch_file *pf,
		     const char *buf, const struct locate_opts *opts)
{
	if (locate_apply(res, pf, buf, strlen(buf), opts) < 0)
		fail_msg("%s", error_last());
	assert_int_equal(res->nr, pf->nr);
}

static void assert_status(const struct locate_result *res, size_t i,
			  enum locate_hunk_status want)
{
	if (res->hunks[i].status != want)
		fail_msg("hunk %zu: %s (%s), want %s", i + 1,
			 locate_status_name(res->hunks[i].status),
			 res->hunks[i].reason ? res->hunks[i].reason : "-",
			 locate_status_name(want));
}

static void assert_prefix(const char *s, const char *prefix)
{
	if (!s || strncmp(s, prefix, strlen(prefix)))
		fail_msg("'%s' does not start with '%s'", s ? s : "(null)",
			 prefix);
}

/* ---- the intact split patch ---- */

static void exact(void **state)
{
	char *base = fixture("mmu-base.c", NULL);
	char *want = fixture("mmu-split.c", NULL);
	char *text = fixture("split.patch", NULL);
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch p;

	(void)state;
	parse(&p, text);
	apply_ok(&res, &p.files[0], base, NULL);
	for (size_t i = 0; i < res.nr; i++) {
		assert_status(&res, i, HUNK_APPLIED);
		assert_int_equal(res.hunks[i].offset, 0);
		assert_int_equal(res.hunks[i].fuzz, 0);
		assert_null(res.hunks[i].reason);
	}
	assert_int_equal(res.hunks[0].pos, 51);
	assert_int_equal(res.hunks[3].pos, 152);
	assert_int_equal(res.hunks[3].out_pos, 165);
	assert_true(locate_is_clean(&res));
	assert_int_equal(res.failed_nr, 0);
	assert_int_equal(res.presence, LOCATE_PRESENT_NONE);
	assert_string_equal(res.out.buf, want);
	locate_result_release(&res);
	patch_release(&p);
	free(base);
	free(want);
	free(text);
}

static const char seven[] = "#include <linux/kvm_host.h>\n"
			    "#include <linux/kvm.h>\n"
			    "#include \"mmu.h\"\n"
			    "#include \"mmu_internal.h\"\n"
			    "#include \"tdp_mmu.h\"\n"
			    "#include \"x86.h\"\n"
			    "#include \"spte.h\"\n";

static void offset_down(void **state)
{
	char *base0 = fixture("mmu-base.c", NULL);
	char *want0 = fixture("mmu-split.c", NULL);
	char *text = fixture("split.patch", NULL);
	char *marker = xstrfmt(" */\n%s", seven);
	char *base = replace(base0, " */\n", marker);
	char *want = replace(want0, " */\n", marker);
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch p;

	(void)state;
	parse(&p, text);
	apply_ok(&res, &p.files[0], base, NULL);
	for (size_t i = 0; i < res.nr; i++) {
		assert_status(&res, i, HUNK_OFFSET);
		assert_int_equal(res.hunks[i].offset, 7);
	}
	assert_int_equal(res.hunks[0].pos, 58);
	assert_false(locate_is_clean(&res));
	assert_string_equal(res.out.buf, want);
	locate_result_release(&res);
	patch_release(&p);
	free(base0);
	free(want0);
	free(base);
	free(want);
	free(marker);
	free(text);
}

static void offset_up(void **state)
{
	static const char gone[] =
		"\t\t/*\n"
		"\t\t * No obsolete valid page exists before a newly created page\n"
		"\t\t * since active_mmu_pages is a FIFO list.\n"
		"\t\t */\n";
	char *base0 = fixture("mmu-base.c", NULL);
	char *want0 = fixture("mmu-split.c", NULL);
	char *text = fixture("split.patch", NULL);
	char *base = replace(base0, gone, "");
	char *want = replace(want0, gone, "");
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch p;

	(void)state;
	parse(&p, text);
	apply_ok(&res, &p.files[0], base, NULL);
	for (size_t i = 0; i < res.nr; i++) {
		assert_status(&res, i, HUNK_OFFSET);
		assert_int_equal(res.hunks[i].offset, -4);
	}
	assert_string_equal(res.out.buf, want);
	locate_result_release(&res);
	patch_release(&p);
	free(base0);
	free(want0);
	free(base);
	free(want);
	free(text);
}

/* The same context twice: the nearer copy wins, up or down. */
static void offset_nearest(void **state)
{
	static const char block[] = "\tspin_lock(&kvm->mmu_lock);\n"
				    "\tkvm_mmu_reset_context(vcpu);\n"
				    "\tspin_unlock(&kvm->mmu_lock);\n"
				    "\tkvm_mmu_sync_prev_roots(vcpu);\n";
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;
	struct strbuf file = STRBUF_INIT;

	(void)state;
	add_hunk(&pf, "@@ -20,4 +20,5 @@\n"
		      " \tspin_lock(&kvm->mmu_lock);\n"
		      " \tkvm_mmu_reset_context(vcpu);\n"
		      "+\tkvm_mmu_unload(vcpu);\n"
		      " \tspin_unlock(&kvm->mmu_lock);\n"
		      " \tkvm_mmu_sync_prev_roots(vcpu);\n");
	/* Copies at line 10 (10 up) and 28 (8 down). */
	for (int i = 1; i <= 40; i++) {
		if (i == 10 || i == 25)
			strbuf_addstr(&file, block);
		else
			strbuf_addf(&file, "\tfiller_%d();\n", i);
	}
	apply_ok(&res, &pf, file.buf, NULL);
	assert_status(&res, 0, HUNK_OFFSET);
	assert_int_equal(res.hunks[0].offset, 8);
	assert_int_equal(res.hunks[0].pos, 28);
	assert_non_null(strstr(res.out.buf,
			       "filler_24();\n\tspin_lock(&kvm->"
			       "mmu_lock);\n\tkvm_mmu_reset_context"
			       "(vcpu);\n\tkvm_mmu_unload(vcpu);"));
	locate_result_release(&res);

	/* Copies at line 14 (6 up) and 32 (12 down). */
	strbuf_reset(&file);
	for (int i = 1; i <= 40; i++) {
		if (i == 14 || i == 29)
			strbuf_addstr(&file, block);
		else
			strbuf_addf(&file, "\tfiller_%d();\n", i);
	}
	apply_ok(&res, &pf, file.buf, NULL);
	assert_status(&res, 0, HUNK_OFFSET);
	assert_int_equal(res.hunks[0].offset, -6);
	assert_int_equal(res.hunks[0].pos, 14);
	assert_non_null(strstr(res.out.buf,
			       "filler_13();\n\tspin_lock(&kvm->"
			       "mmu_lock);\n\tkvm_mmu_reset_context"
			       "(vcpu);\n\tkvm_mmu_unload(vcpu);"));
	locate_result_release(&res);
	strbuf_release(&file);
	file_release(&pf);
}

static const char init_hunk[] =
	"@@ -118,7 +118,8 @@ int kvm_mmu_init_vm(struct kvm *kvm)\n"
	" \tkvm->arch.shadow_mmio_value = shadow_mmio_value;\n"
	" \tINIT_LIST_HEAD(&kvm->arch.active_mmu_pages);\n"
	" \tINIT_LIST_HEAD(&kvm->arch.possible_nx_huge_pages);\n"
	"+\tINIT_LIST_HEAD(&kvm->arch.zapped_obsolete_pages);\n"
	" \tspin_lock_init(&kvm->arch.mmu_unsync_pages_lock);\n"
	" \n"
	" \tif (tdp_mmu_enabled) {\n";

static void fuzz_1_and_2(void **state)
{
	char *base = fixture("mmu-base.c", NULL);
	char *f1 = replace(base,
			   "\tkvm->arch.shadow_mmio_value = shadow_mmio_value;",
			   "\tkvm->arch.shadow_mmio_value = 0;");
	char *f2a = replace(f1,
			    "\tif (tdp_mmu_enabled) {\n\t\tkvm_mmu_init_tdp",
			    "\tif (tdp_mmu_enabled && !kvm->arch.no_tdp) {\n"
			    "\t\tkvm_mmu_init_tdp");
	char *f2 =
		replace(f2a, "\tINIT_LIST_HEAD(&kvm->arch.active_mmu_pages);",
			"\tINIT_LIST_HEAD(&kvm->arch.active_mmu_pages_list);");
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;

	(void)state;
	add_hunk(&pf, init_hunk);

	apply_ok(&res, &pf, base, NULL);
	assert_status(&res, 0, HUNK_APPLIED);
	assert_int_equal(res.hunks[0].pos, 118);
	locate_result_release(&res);

	apply_ok(&res, &pf, f1, NULL);
	assert_status(&res, 0, HUNK_FUZZ);
	assert_int_equal(res.hunks[0].fuzz, 1);
	assert_int_equal(res.hunks[0].offset, 0);
	assert_int_equal(res.hunks[0].pos, 119);
	assert_false(locate_is_clean(&res));
	assert_non_null(res.hunks[0].reason);
	assert_non_null(strstr(res.out.buf,
			       "possible_nx_huge_pages);\n\tINIT_LIST_HEAD("
			       "&kvm->arch.zapped_obsolete_pages);\n"));
	assert_non_null(strstr(res.out.buf, "shadow_mmio_value = 0;"));
	locate_result_release(&res);

	apply_ok(&res, &pf, f2, NULL);
	assert_status(&res, 0, HUNK_FUZZ);
	assert_int_equal(res.hunks[0].fuzz, 2);
	assert_false(locate_is_clean(&res));
	assert_non_null(strstr(res.out.buf, "zapped_obsolete_pages);\n"));
	locate_result_release(&res);

	/* Without fuzz allowed, it is a conflict. */
	{
		struct locate_opts opts = LOCATE_OPTS_INIT;

		opts.max_fuzz = 1;
		apply_ok(&res, &pf, f2, &opts);
		assert_status(&res, 0, HUNK_FAILED);
		assert_int_equal(res.failed_nr, 1);
		assert_string_equal(res.out.buf, f2);
		locate_result_release(&res);
	}
	file_release(&pf);
	free(base);
	free(f1);
	free(f2a);
	free(f2);
}

/* ---- already and partially present ---- */

static void already_applied(void **state)
{
	char *split = fixture("mmu-split.c", NULL);
	char *text = fixture("split.patch", NULL);
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch p;

	(void)state;
	parse(&p, text);
	apply_ok(&res, &p.files[0], split, NULL);
	for (size_t i = 0; i < res.nr; i++)
		assert_status(&res, i, HUNK_ALREADY_APPLIED);
	assert_int_equal(res.already_nr, 4);
	assert_int_equal(res.presence, LOCATE_PRESENT_ALL);
	assert_int_equal(res.hunks[0].pos, 51);
	assert_int_equal(res.hunks[3].pos, 165);
	assert_false(locate_is_clean(&res));
	assert_string_equal(res.out.buf, split);
	locate_result_release(&res);
	patch_release(&p);
	free(split);
	free(text);
}

static void partially_applied(void **state)
{
	char *partial = fixture("mmu-partial.c", NULL);
	char *want = fixture("mmu-split.c", NULL);
	char *text = fixture("split.patch", NULL);
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch p;

	(void)state;
	parse(&p, text);
	apply_ok(&res, &p.files[0], partial, NULL);
	assert_status(&res, 0, HUNK_ALREADY_APPLIED);
	assert_status(&res, 1, HUNK_ALREADY_APPLIED);
	assert_status(&res, 2, HUNK_OFFSET);
	assert_status(&res, 3, HUNK_OFFSET);
	assert_int_equal(res.hunks[2].offset, -5);
	assert_int_equal(res.already_nr, 2);
	assert_int_equal(res.applied_nr, 2);
	assert_int_equal(res.presence, LOCATE_PRESENT_SOME);
	assert_string_equal(res.out.buf, want);
	locate_result_release(&res);
	patch_release(&p);
	free(partial);
	free(want);
	free(text);
}

/* Upstream's rework: hunks 1-3 reverse-apply, hunk 4 differs. */
static void reworked(void **state)
{
	char *file = fixture("mmu-reworked.c", NULL);
	char *text = fixture("split.patch", NULL);
	struct locate_result res = LOCATE_RESULT_INIT;
	struct strbuf rej = STRBUF_INIT;
	struct patch p;

	(void)state;
	parse(&p, text);
	apply_ok(&res, &p.files[0], file, NULL);
	assert_status(&res, 0, HUNK_ALREADY_APPLIED);
	assert_status(&res, 1, HUNK_ALREADY_APPLIED);
	assert_status(&res, 2, HUNK_ALREADY_APPLIED);
	assert_status(&res, 3, HUNK_FAILED);
	assert_prefix(res.hunks[3].reason, "lines differ at ");
	assert_int_equal(res.presence, LOCATE_PRESENT_SOME);
	assert_string_equal(res.out.buf, file);
	locate_rej_file(&rej, &p.files[0], &res);
	assert_prefix(rej.buf,
		      "--- a/arch/x86/kvm/mmu/mmu.c\n"
		      "+++ b/arch/x86/kvm/mmu/mmu.c\n"
		      "@@ -152,14 +165,19 @@ void "
		      "kvm_arch_flush_shadow_memslot(struct kvm *kvm,\n"
		      " \t};\n");
	strbuf_release(&rej);
	locate_result_release(&res);
	patch_release(&p);
	free(file);
	free(text);
}

/* ---- conflicts ---- */

/* As on 6.12.111: no bool argument, and kvm_mmu_init_vm() is void. */
static void conflict_lines_differ(void **state)
{
	char *base = fixture("mmu-base.c", NULL);
	char *old1 = replace(base,
			     "kvm_tdp_mmu_zap_invalidated_roots(kvm, true);",
			     "kvm_tdp_mmu_zap_invalidated_roots(kvm);");
	char *old = replace(old1, "int kvm_mmu_init_vm(struct kvm *kvm)",
			    "void kvm_mmu_init_vm(struct kvm *kvm)");
	char *text = fixture("split.patch", NULL);
	struct locate_result res = LOCATE_RESULT_INIT;
	struct strbuf rej = STRBUF_INIT;
	struct patch p;

	(void)state;
	parse(&p, text);
	apply_ok(&res, &p.files[0], old, NULL);
	assert_status(&res, 0, HUNK_APPLIED);
	assert_status(&res, 1, HUNK_APPLIED);
	assert_status(&res, 2, HUNK_FAILED);
	assert_status(&res, 3, HUNK_APPLIED);
	assert_string_equal(res.hunks[2].reason,
			    "lines differ at 111: expected "
			    "'kvm_tdp_mmu_zap_invalidated_roots(kvm, true);' "
			    "found 'kvm_tdp_mmu_zap_invalidated_roots(kvm);'");
	assert_int_equal(res.hunks[2].pos, 111);
	assert_int_equal(res.failed_nr, 1);
	/* The other hunks are in the content, for conflict markers. */
	assert_non_null(strstr(res.out.buf, "__kvm_mmu_zap_all_fast_back_half("
					    "kvm);\n}\n"));
	assert_non_null(strstr(res.out.buf, "void kvm_mmu_init_vm"));
	/* out_pos points at the line before which hunk 3 would go. */
	{
		const char *s = res.out.buf;

		for (long l = 1; l < res.hunks[2].out_pos; l++)
			s = strchr(s, '\n') + 1;
		assert_prefix(s, "\t\tkvm_tdp_mmu_zap_invalidated_roots(kvm);");
	}
	locate_rej_file(&rej, &p.files[0], &res);
	assert_prefix(rej.buf, "--- a/arch/x86/kvm/mmu/mmu.c\n"
			       "+++ b/arch/x86/kvm/mmu/mmu.c\n"
			       "@@ -111,6 +106,24 @@ static void "
			       "kvm_mmu_zap_all_fast(struct kvm *kvm)\n"
			       " \t\tkvm_tdp_mmu_zap_invalidated_roots(kvm, "
			       "true);\n }\n \n+/*\n");
	strbuf_release(&rej);
	locate_result_release(&res);
	patch_release(&p);
	free(base);
	free(old1);
	free(old);
	free(text);
}

static void context_not_found(void **state)
{
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;
	char *other = fixture("split.patch", NULL);

	(void)state;
	add_hunk(&pf, init_hunk);
	apply_ok(&res, &pf, "int main(void)\n{\n\treturn 0;\n}\n", NULL);
	assert_status(&res, 0, HUNK_FAILED);
	assert_string_equal(res.hunks[0].reason, "context not found");
	assert_string_equal(res.out.buf, "int main(void)\n{\n\treturn 0;\n}\n");
	locate_result_release(&res);
	free(other);
	file_release(&pf);
}

static void rej_format(void **state)
{
	struct patch_file pf = { 0 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	add_hunk(&pf, "@@ -3,2 +3,2 @@\n"
		      " a\n"
		      "-b\n"
		      "\\\n"
		      "+B\n"
		      "\\\n");
	locate_rej_hunk(&sb, &pf.hunks[0]);
	assert_string_equal(sb.buf, "@@ -3,2 +3,2 @@\n"
				    " a\n"
				    "-b\n"
				    "\\ No newline at end of file\n"
				    "+B\n"
				    "\\ No newline at end of file\n");
	strbuf_release(&sb);
	file_release(&pf);
}

/* ---- edges ---- */

static void no_newline_at_end(void **state)
{
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;

	(void)state;
	/* Change the last line, which has no newline, keeping it so. */
	add_hunk(&pf, "@@ -2,2 +2,2 @@\n"
		      " \tfoo();\n"
		      "-\treturn 0;\n"
		      "\\\n"
		      "+\treturn 1;\n"
		      "\\\n");
	apply_ok(&res, &pf, "{\n\tfoo();\n\treturn 0;", NULL);
	assert_status(&res, 0, HUNK_APPLIED);
	assert_string_equal(res.out.buf, "{\n\tfoo();\n\treturn 1;");
	locate_result_release(&res);
	/* The same patch does not match a file that has the newline. */
	apply_ok(&res, &pf, "{\n\tfoo();\n\treturn 0;\n", NULL);
	assert_status(&res, 0, HUNK_FAILED);
	locate_result_release(&res);
	/* Already applied, without newline. */
	apply_ok(&res, &pf, "{\n\tfoo();\n\treturn 1;", NULL);
	assert_status(&res, 0, HUNK_ALREADY_APPLIED);
	locate_result_release(&res);
	file_release(&pf);

	/* Add the newline, then a line. */
	add_hunk(&pf, "@@ -1,2 +1,3 @@\n"
		      " a\n"
		      "-b\n"
		      "\\\n"
		      "+b\n"
		      "+c\n");
	apply_ok(&res, &pf, "a\nb", NULL);
	assert_status(&res, 0, HUNK_APPLIED);
	assert_string_equal(res.out.buf, "a\nb\nc\n");
	locate_result_release(&res);
	file_release(&pf);
}

static void start_and_end_of_file(void **state)
{
	static const char file[] =
		"// SPDX-License-Identifier: GPL-2.0\n"
		"#include <linux/kvm_host.h>\n"
		"#include \"mmu.h\"\n"
		"#include \"spte.h\"\n"
		"\n"
		"bool __read_mostly enable_mmio_caching = true;\n"
		"u64 __read_mostly shadow_host_writable_mask;\n"
		"\n"
		"void kvm_mmu_spte_module_init(void)\n"
		"{\n"
		"\tallow_mmio_caching = enable_mmio_caching;\n"
		"}\n";
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;
	char *moved;

	(void)state;
	add_hunk(&pf, "@@ -1,3 +1,4 @@\n"
		      " // SPDX-License-Identifier: GPL-2.0\n"
		      "+#include <linux/bitfield.h>\n"
		      " #include <linux/kvm_host.h>\n"
		      " #include \"mmu.h\"\n");
	add_hunk(&pf, "@@ -10,3 +11,5 @@ void kvm_mmu_spte_module_init(void)\n"
		      " {\n"
		      " \tallow_mmio_caching = enable_mmio_caching;\n"
		      " }\n"
		      "+\n"
		      "+EXPORT_SYMBOL_GPL(kvm_mmu_spte_module_init);\n");
	apply_ok(&res, &pf, file, NULL);
	assert_status(&res, 0, HUNK_APPLIED);
	assert_status(&res, 1, HUNK_APPLIED);
	assert_prefix(res.out.buf, "// SPDX-License-Identifier: GPL-2.0\n"
				   "#include <linux/bitfield.h>\n"
				   "#include <linux/kvm_host.h>\n");
	{
		static const char tail[] =
			"}\n\nEXPORT_SYMBOL_GPL(kvm_mmu_spte_module_init);\n";

		assert_true(res.out.len > strlen(tail));
		assert_string_equal(res.out.buf + res.out.len - strlen(tail),
				    tail);
	}
	locate_result_release(&res);

	/*
	 * With a line after the function, the end-of-file hunk is anchored
	 * at the end and does not land in the middle.
	 */
	moved = xstrfmt("%s\nint kvm_mmu_spte_extra;\n", file);
	apply_ok(&res, &pf, moved, NULL);
	assert_status(&res, 0, HUNK_APPLIED);
	assert_status(&res, 1, HUNK_FAILED);
	locate_result_release(&res);
	free(moved);
	file_release(&pf);
}

static void add_to_empty_file(void **state)
{
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;

	(void)state;
	add_hunk(&pf, "@@ -0,0 +1,3 @@\n"
		      "+// SPDX-License-Identifier: GPL-2.0\n"
		      "+#include \"mmu.h\"\n"
		      "+int kvm_mmu_split_helpers;\n");
	apply_ok(&res, &pf, "", NULL);
	assert_status(&res, 0, HUNK_APPLIED);
	assert_int_equal(res.hunks[0].pos, 1);
	assert_string_equal(res.out.buf, "// SPDX-License-Identifier: GPL-2.0\n"
					 "#include \"mmu.h\"\n"
					 "int kvm_mmu_split_helpers;\n");
	locate_result_release(&res);
	/* Present already. */
	apply_ok(&res, &pf,
		 "// SPDX-License-Identifier: GPL-2.0\n"
		 "#include \"mmu.h\"\n"
		 "int kvm_mmu_split_helpers;\n",
		 NULL);
	assert_status(&res, 0, HUNK_ALREADY_APPLIED);
	locate_result_release(&res);
	file_release(&pf);
}

static void errors(void **state)
{
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch_hunk *h;

	(void)state;
	pf.new_path = "arch/x86/kvm/mmu/mmu.c";
	add_hunk(&pf, init_hunk);
	assert_int_equal(locate_apply(&res, &pf, "a\0b", 3, NULL), -1);
	assert_string_equal(error_last(), "cannot patch 'arch/x86/kvm/mmu/"
					  "mmu.c': binary content");
	ALLOC_GROW(pf.hunks, pf.nr + 1, pf.alloc);
	h = &pf.hunks[pf.nr++];
	memset(h, 0, sizeof(*h));
	assert_int_equal(locate_apply(&res, &pf, "a\n", 2, NULL), -1);
	assert_string_equal(error_last(), "cannot patch 'arch/x86/kvm/mmu/"
					  "mmu.c': hunk 2 has no lines");
	locate_result_release(&res);
	file_release(&pf);
}

/* ---- damaged hunks ---- */

static size_t count_added(const struct patch_file *pf)
{
	size_t n = 0;

	for (size_t i = 0; i < pf->nr; i++)
		for (size_t j = 0; j < pf->hunks[i].nr; j++)
			n += pf->hunks[i].lines[j].kind == '+' &&
			     pf->hunks[i].lines[j].len > 0;
	return n;
}

static size_t count_repairs(const struct locate_result *res,
			    enum locate_repair_how how)
{
	size_t n = 0;

	for (size_t i = 0; i < res->nr; i++)
		for (size_t j = 0; j < res->hunks[i].repairs_nr; j++)
			n += res->hunks[i].repairs[j].how == how;
	return n;
}

/* Every repair names a '+' line and its text is that line of `out`. */
static void check_repairs(const struct locate_result *res,
			  const struct patch_file *pf)
{
	for (size_t i = 0; i < res->nr; i++) {
		for (size_t j = 0; j < res->hunks[i].repairs_nr; j++) {
			const struct locate_repair *r =
				&res->hunks[i].repairs[j];
			const char *s = res->out.buf;

			assert_int_equal(pf->hunks[i].lines[r->line].kind, '+');
			for (long l = 1; l < r->out_line; l++)
				s = strchr(s, '\n') + 1;
			assert_memory_equal(s, r->text, strlen(r->text));
			assert_int_equal(s[strlen(r->text)], '\n');
		}
	}
}

static void damaged_with_reference(void **state)
{
	char *base = fixture("mmu-base.c", NULL);
	size_t ref_len;
	char *ref = fixture("mmu-split.c", &ref_len);
	char *text = fixture("split-damaged.patch", NULL);
	struct locate_opts opts = LOCATE_OPTS_INIT;
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch p;

	(void)state;
	parse(&p, text);
	assert_true(patch_is_damaged(&p));
	opts.ignore_whitespace = true;
	opts.reference = ref;
	opts.reference_len = ref_len;
	apply_ok(&res, &p.files[0], base, &opts);
	for (size_t i = 0; i < res.nr; i++) {
		assert_status(&res, i, HUNK_WHITESPACE);
		assert_true(res.hunks[i].whitespace);
	}
	assert_false(locate_is_clean(&res));
	/* Byte-exact, lost empty lines included. */
	assert_string_equal(res.out.buf, ref);
	assert_int_equal(count_repairs(&res, REPAIR_FROM_REFERENCE),
			 count_added(&p.files[0]));
	assert_int_equal(count_repairs(&res, REPAIR_FROM_NEIGHBOURS), 0);
	check_repairs(&res, &p.files[0]);
	locate_result_release(&res);
	patch_release(&p);
	free(base);
	free(ref);
	free(text);
}

/* Drop blank lines: what a guess without a reference cannot restore. */
static char *without_blank_lines(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	while (*s) {
		const char *e = strchrnul(s, '\n');

		if (e > s)
			strbuf_add(&sb, s, e - s + (*e == '\n'));
		s = *e ? e + 1 : e;
	}
	return strbuf_detach(&sb, NULL);
}

static void damaged_from_neighbours(void **state)
{
	char *base = fixture("mmu-base.c", NULL);
	char *want = fixture("mmu-split.c", NULL);
	char *text = fixture("split-damaged.patch", NULL);
	struct locate_opts opts = LOCATE_OPTS_INIT;
	struct locate_result res = LOCATE_RESULT_INIT;
	char *a, *b;
	struct patch p;

	(void)state;
	parse(&p, text);
	opts.ignore_whitespace = true;
	apply_ok(&res, &p.files[0], base, &opts);
	for (size_t i = 0; i < res.nr; i++)
		assert_status(&res, i, HUNK_WHITESPACE);
	/* Every non-blank line right, indentation included. */
	a = without_blank_lines(res.out.buf);
	b = without_blank_lines(want);
	assert_string_equal(a, b);
	/* Old lines verbatim: the base's comment block is intact. */
	assert_non_null(strstr(res.out.buf, "\t/*\n\t * Zap the invalidated "
					    "TDP MMU roots, all SPTEs must be "
					    "dropped before\n"));
	assert_int_equal(count_repairs(&res, REPAIR_FROM_NEIGHBOURS),
			 count_added(&p.files[0]));
	check_repairs(&res, &p.files[0]);
	free(a);
	free(b);
	locate_result_release(&res);
	patch_release(&p);
	free(base);
	free(want);
	free(text);
}

/* The real seed mail, web-archive damage and all, with its own line numbers. */
static void damaged_seed_mail(void **state)
{
	size_t len, ref_len, off;
	unsigned line;
	char *mail = seed("kvm-mmu-split-zap_all_fast-v2-6of9.txt", &len);
	char *base = fixture("mmu-base.c", NULL);
	char *ref = fixture("mmu-split.c", &ref_len);
	struct locate_opts opts = LOCATE_OPTS_INIT;
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch p = PATCH_INIT;

	(void)state;
	if (!mail) {
		free(base);
		free(ref);
		skip();
	}
	assert_true(patch_find_diff(mail, len, &off, &line));
	if (patch_parse(&p, mail + off, len - off, line, "seed") < 0)
		fail_msg("%s", error_last());
	assert_true(patch_is_damaged(&p));
	assert_int_equal(p.files[0].nr, 4);
	opts.ignore_whitespace = true;
	opts.reference = ref;
	opts.reference_len = ref_len;
	apply_ok(&res, &p.files[0], base, &opts);
	for (size_t i = 0; i < res.nr; i++)
		assert_status(&res, i, HUNK_WHITESPACE);
	assert_true(res.hunks[0].offset < -6000);
	assert_string_equal(res.out.buf, ref);
	locate_result_release(&res);

	/* On the tree that has it: already applied, all four. */
	apply_ok(&res, &p.files[0], ref, &opts);
	for (size_t i = 0; i < res.nr; i++)
		assert_status(&res, i, HUNK_ALREADY_APPLIED);
	locate_result_release(&res);
	patch_release(&p);
	free(mail);
	free(base);
	free(ref);
}

/* ---- no false clean ---- */

static void keep_hunk(struct patch_file *dst, const struct patch_file *src,
		      size_t i)
{
	*dst = *src;
	dst->hunks = (struct patch_hunk *)&src->hunks[i];
	dst->nr = 1;
	dst->alloc = 1;
}

/*
 * GNU patch -F2 "applies" hunk 3 to a tree with the reworked split (the
 * comment was reworded) at fuzz 1 and defines kvm_mmu_zap_all_fast()
 * twice. We refuse.
 */
static void duplicate_definition_refused(void **state)
{
	char *trap = fixture("mmu-trap.c", NULL);
	char *text = fixture("split.patch", NULL);
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch_file one;
	struct patch p;

	(void)state;
	parse(&p, text);
	keep_hunk(&one, &p.files[0], 2);
	apply_ok(&res, &one, trap, NULL);
	assert_status(&res, 0, HUNK_FAILED);
	assert_string_equal(res.hunks[0].reason,
			    "would duplicate definition of "
			    "'kvm_mmu_zap_all_fast()' at 115; refusing fuzzy "
			    "apply");
	assert_int_equal(res.failed_nr, 1);
	assert_string_equal(res.out.buf, trap);
	locate_result_release(&res);

	/* The whole patch: 1-2 present, 3 refused, 4 differs. */
	apply_ok(&res, &p.files[0], trap, NULL);
	assert_status(&res, 0, HUNK_ALREADY_APPLIED);
	assert_status(&res, 1, HUNK_ALREADY_APPLIED);
	assert_status(&res, 2, HUNK_FAILED);
	assert_status(&res, 3, HUNK_FAILED);
	assert_int_equal(res.presence, LOCATE_PRESENT_SOME);
	assert_int_equal(res.applied_nr, 0);
	assert_string_equal(res.out.buf, trap);
	locate_result_release(&res);

	/* The damaged mail, ignoring whitespace, refuses the same. */
	{
		char *dtext = fixture("split-damaged.patch", NULL);
		struct locate_opts opts = LOCATE_OPTS_INIT;
		struct patch d;

		opts.ignore_whitespace = true;
		parse(&d, dtext);
		apply_ok(&res, &d.files[0], trap, &opts);
		assert_status(&res, 0, HUNK_ALREADY_APPLIED);
		assert_status(&res, 1, HUNK_ALREADY_APPLIED);
		assert_status(&res, 2, HUNK_FAILED);
		assert_status(&res, 3, HUNK_FAILED);
		assert_string_equal(res.out.buf, trap);
		locate_result_release(&res);
		patch_release(&d);
		free(dtext);
	}
	patch_release(&p);
	free(trap);
	free(text);
}

/*
 * The split is there, but its wrapper stands after kvm_mmu_init_vm():
 * hunk 3's old side matches at an offset, and its added block is already
 * in the file a few lines below.
 */
static void added_lines_present_refused(void **state)
{
	static const char wrapper[] =
		"static void kvm_mmu_zap_all_fast(struct kvm *kvm)\n"
		"{\n"
		"\twrite_lock(&kvm->mmu_lock);\n"
		"\t__kvm_mmu_zap_all_fast_front_half(kvm);\n"
		"\twrite_unlock(&kvm->mmu_lock);\n"
		"\n"
		"\t__kvm_mmu_zap_all_fast_back_half(kvm);\n"
		"}\n\n";
	static const char comment[] =
		"/*\n"
		" * Fast invalidate all shadow pages and use lock-break technique\n"
		" * to zap obsolete pages.\n"
		" *\n"
		" * It's required when memslot is being deleted or VM is being\n"
		" * destroyed, in these cases, we should ensure that KVM MMU does\n"
		" * not use any resource of the being-deleted slot or all slots\n"
		" * after calling the function.\n"
		" */\n";
	char *split = fixture("mmu-split.c", NULL);
	char *block = xstrfmt("%s%s", comment, wrapper);
	char *cut = replace(split, block, "");
	char *moved_block = xstrfmt("\treturn 0;\n}\n\n%s", block);
	char *moved = replace(cut, "\treturn 0;\n}\n\n", moved_block);
	char *text = fixture("split.patch", NULL);
	struct locate_result res = LOCATE_RESULT_INIT;
	struct patch_file one;
	struct patch p;

	(void)state;
	parse(&p, text);
	keep_hunk(&one, &p.files[0], 2);
	apply_ok(&res, &one, moved, NULL);
	assert_status(&res, 0, HUNK_FAILED);
	assert_prefix(res.hunks[0].reason, "added lines already present at ");
	assert_non_null(
		strstr(res.hunks[0].reason, "; refusing inexact apply"));
	assert_string_equal(res.out.buf, moved);
	locate_result_release(&res);
	patch_release(&p);
	free(split);
	free(block);
	free(cut);
	free(moved_block);
	free(moved);
	free(text);
}

/* A single added line that already stands next to a fuzzy match. */
static void added_line_near_fuzzy_match(void **state)
{
	char *base = fixture("mmu-base.c", NULL);
	char *f1 = replace(base,
			   "\tkvm->arch.shadow_mmio_value = shadow_mmio_value;",
			   "\tkvm->arch.shadow_mmio_value = 0;");
	char *f = replace(
		f1, "\tspin_lock_init(&kvm->arch.mmu_unsync_pages_lock);\n",
		"\tspin_lock_init(&kvm->arch.mmu_unsync_pages_lock);\n"
		"\tINIT_LIST_HEAD(&kvm->arch.zapped_obsolete_pages);\n");
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;

	(void)state;
	add_hunk(&pf, init_hunk);
	apply_ok(&res, &pf, f, NULL);
	assert_status(&res, 0, HUNK_FAILED);
	assert_prefix(res.hunks[0].reason,
		      "added lines already present at 122");
	locate_result_release(&res);
	file_release(&pf);
	free(base);
	free(f1);
	free(f);
}

/* A fuzzy pattern that matches twice is ambiguous. */
static void ambiguous_fuzz_refused(void **state)
{
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;
	struct strbuf file = STRBUF_INIT;

	(void)state;
	add_hunk(&pf, "@@ -5,5 +5,6 @@\n"
		      " \tkvm_vcpu_srcu_read_lock(vcpu);\n"
		      " \tr = kvm_mmu_reload(vcpu);\n"
		      "+\tkvm_mmu_sync_roots(vcpu);\n"
		      " \tkvm_vcpu_srcu_read_unlock(vcpu);\n"
		      " \treturn r;\n");
	for (int i = 0; i < 2; i++)
		strbuf_addf(&file,
			    "\tfiller_%d();\n"
			    "\tkvm_vcpu_srcu_read_lock_%d(vcpu);\n"
			    "\tr = kvm_mmu_reload(vcpu);\n"
			    "\tkvm_vcpu_srcu_read_unlock(vcpu);\n"
			    "\treturn r;\n",
			    i, i);
	apply_ok(&res, &pf, file.buf, NULL);
	assert_status(&res, 0, HUNK_FAILED);
	assert_prefix(res.hunks[0].reason, "ambiguous fuzzy match at ");
	locate_result_release(&res);
	strbuf_release(&file);
	file_release(&pf);
}

/* A moved block (removed by hunk 1, added by hunk 2) is not "present". */
static void moved_code_applies(void **state)
{
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;
	static const char file[] =
		"static int a(void)\n{\n\treturn 1;\n}\n\n"
		"static void kvm_mmu_free_roots_all(struct kvm *kvm)\n"
		"{\n\tkvm_mmu_free_roots(kvm, ALL);\n}\n\n"
		"static int b(void)\n{\n\treturn 2;\n}\n"
		"\nstatic int c(void)\n{\n\treturn 3;\n}\n";

	(void)state;
	add_hunk(&pf, "@@ -3,10 +3,6 @@\n"
		      " \treturn 1;\n"
		      " }\n"
		      " \n"
		      "-static void kvm_mmu_free_roots_all(struct kvm *kvm)\n"
		      "-{\n"
		      "-\tkvm_mmu_free_roots(kvm, ALL);\n"
		      "-}\n"
		      "-\n"
		      " static int b(void)\n"
		      " {\n"
		      " \treturn 2;\n");
	/* Header off by two: an offset match, so the guards run. */
	add_hunk(&pf, "@@ -18,4 +14,9 @@\n"
		      " static int c(void)\n"
		      " {\n"
		      " \treturn 3;\n"
		      " }\n"
		      "+\n"
		      "+static void kvm_mmu_free_roots_all(struct kvm *kvm)\n"
		      "+{\n"
		      "+\tkvm_mmu_free_roots(kvm, ALL);\n"
		      "+}\n");
	apply_ok(&res, &pf, file, NULL);
	assert_status(&res, 0, HUNK_APPLIED);
	assert_status(&res, 1, HUNK_OFFSET);
	assert_string_equal(
		res.out.buf,
		"static int a(void)\n{\n\treturn 1;\n}\n\n"
		"static int b(void)\n{\n\treturn 2;\n}\n"
		"\nstatic int c(void)\n{\n\treturn 3;\n}\n\n"
		"static void kvm_mmu_free_roots_all(struct kvm *kvm)\n"
		"{\n\tkvm_mmu_free_roots(kvm, ALL);\n}\n");
	locate_result_release(&res);
	file_release(&pf);
}

/* A damaged whitespace-only change cannot be told apart: conflict. */
static void damaged_whitespace_only(void **state)
{
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;

	(void)state;
	add_hunk(&pf, "@@ -1,3 +1,3 @@\n"
		      "if (kvm_memslot_flush_zap_all(kvm)) {\n"
		      "- kvm_mmu_zap_all_fast(kvm);\n"
		      "+ kvm_mmu_zap_all_fast(kvm);\n"
		      "}\n");
	apply_ok(&res, &pf,
		 "\tif (kvm_memslot_flush_zap_all(kvm)) {\n"
		 "\t\tkvm_mmu_zap_all_fast(kvm);\n\t}\n",
		 NULL);
	assert_status(&res, 0, HUNK_FAILED);
	assert_non_null(strstr(res.hunks[0].reason, "whitespace only"));
	locate_result_release(&res);
	file_release(&pf);
}

/* Indentation guessed for braces, braceless if, comments, continuations. */
static void indentation_guess(void **state)
{
	struct patch_file pf = { 0 };
	struct locate_result res = LOCATE_RESULT_INIT;
	static const char file[] =
		"static int kvm_mmu_zap_range(struct kvm *kvm, gfn_t start)\n"
		"{\n"
		"\tint r;\n"
		"\n"
		"\treturn r;\n"
		"}\n";

	(void)state;
	add_hunk(&pf, "@@ -3,3 +3,11 @@\n"
		      "int r;\n"
		      "+ /*\n"
		      "+ * Zap under mmu_lock.\n"
		      "+ */\n"
		      "+ if (start)\n"
		      "+ r = kvm_tdp_mmu_zap_leafs(kvm, start,\n"
		      "+ start + 1, false);\n"
		      "+ if (r) {\n"
		      "+ kvm_flush_remote_tlbs(kvm);\n"
		      "+ }\n"
		      "return r;\n");
	apply_ok(&res, &pf, file, NULL);
	assert_status(&res, 0, HUNK_WHITESPACE);
	assert_string_equal(res.out.buf,
			    "static int kvm_mmu_zap_range(struct kvm *kvm, "
			    "gfn_t start)\n"
			    "{\n"
			    "\tint r;\n"
			    "\t/*\n"
			    "\t * Zap under mmu_lock.\n"
			    "\t */\n"
			    "\tif (start)\n"
			    "\t\tr = kvm_tdp_mmu_zap_leafs(kvm, start,\n"
			    "\t\t\t\t\t  start + 1, false);\n"
			    "\tif (r) {\n"
			    "\t\tkvm_flush_remote_tlbs(kvm);\n"
			    "\t}\n"
			    "\n"
			    "\treturn r;\n"
			    "}\n");
	assert_int_equal(res.hunks[0].repairs_nr, 9);
	assert_int_equal(res.hunks[0].repairs[0].how, REPAIR_FROM_NEIGHBOURS);
	locate_result_release(&res);
	file_release(&pf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact),
		cmocka_unit_test(offset_down),
		cmocka_unit_test(offset_up),
		cmocka_unit_test(offset_nearest),
		cmocka_unit_test(fuzz_1_and_2),
		cmocka_unit_test(already_applied),
		cmocka_unit_test(partially_applied),
		cmocka_unit_test(reworked),
		cmocka_unit_test(conflict_lines_differ),
		cmocka_unit_test(context_not_found),
		cmocka_unit_test(rej_format),
		cmocka_unit_test(no_newline_at_end),
		cmocka_unit_test(start_and_end_of_file),
		cmocka_unit_test(add_to_empty_file),
		cmocka_unit_test(errors),
		cmocka_unit_test(damaged_with_reference),
		cmocka_unit_test(damaged_from_neighbours),
		cmocka_unit_test(damaged_seed_mail),
		cmocka_unit_test(duplicate_definition_refused),
		cmocka_unit_test(added_lines_present_refused),
		cmocka_unit_test(added_line_near_fuzzy_match),
		cmocka_unit_test(ambiguous_fuzz_refused),
		cmocka_unit_test(moved_code_applies),
		cmocka_unit_test(damaged_whitespace_only),
		cmocka_unit_test(indentation_guess),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
