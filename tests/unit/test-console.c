// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/console: each kind of kernel report, attribution
 * (file:line, function, call trace), no false positives on a clean
 * boot, and attribution of a panic to the test in progress (with
 * lib/ktap). Fixtures: tests/fixtures/console/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/console.h"
#include "lib/ktap.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void read_fixture(struct strbuf *sb, const char *name)
{
	const char *top = getenv("BACKPORT_TOP");
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/tests/fixtures/console/%s", top ? top : ".",
		    name);
	if (strbuf_read_file(sb, path.buf) < 0)
		fail_msg("%s", error_last());
	strbuf_release(&path);
}

static void scan_fixture(struct console_scanner *s, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	read_fixture(&sb, name);
	assert_int_equal(console_scan_buffer(s, sb.buf, sb.len), 0);
	strbuf_release(&sb);
}

/* Check an event's trace against a NULL-terminated list. */
static void check_trace(const struct console_event *ev, ...)
{
	va_list ap;
	size_t i = 0;
	const char *want;

	va_start(ap, ev);
	while ((want = va_arg(ap, const char *))) {
		assert_true(i < ev->trace_nr);
		assert_string_equal(ev->trace[i], want);
		i++;
	}
	va_end(ap);
	assert_int_equal(ev->trace_nr, i);
}

static void check_where(const struct console_event *ev, const char *file,
			unsigned line, const char *function)
{
	if (file) {
		assert_non_null(ev->file);
		assert_string_equal(ev->file, file);
	} else {
		assert_null(ev->file);
	}
	assert_int_equal(ev->file_line, line);
	if (function) {
		assert_non_null(ev->function);
		assert_string_equal(ev->function, function);
	} else {
		assert_null(ev->function);
	}
}

static void test_clean_boot(void **state)
{
	struct console_scanner s = CONSOLE_SCANNER_INIT;

	scan_fixture(&s, "clean-boot.log");
	assert_int_equal(s.events_nr, 0);
	assert_true(s.lineno > 25);
	console_scanner_release(&s);
}

static void test_warning(void **state)
{
	struct console_scanner s = CONSOLE_SCANNER_INIT;
	struct console_event *ev;

	scan_fixture(&s, "warning.log");
	assert_int_equal(s.events_nr, 2);
	ev = &s.events[0];
	assert_int_equal(ev->kind, CONSOLE_WARNING);
	assert_int_equal(ev->lineno, 2);
	assert_true(ev->timestamp > 51.402 && ev->timestamp < 51.403);
	assert_string_equal(ev->first_line, "WARNING: CPU: 1 PID: 214 at "
					    "arch/x86/kvm/mmu/mmu.c:6543 "
					    "kvm_mmu_zap_all_fast+0x1d/0x340");
	check_where(ev, "arch/x86/kvm/mmu/mmu.c", 6543, "kvm_mmu_zap_all_fast");
	check_trace(ev, "kvm_mmu_invalidate_mmio_sptes", "kvm_set_memslot",
		    "kvm_set_memory_region", "kvm_vm_ioctl", "__x64_sys_ioctl",
		    "do_syscall_64", "entry_SYSCALL_64_after_hwframe", NULL);
	assert_int_equal(ev->test_number, 0);
	assert_null(ev->test);

	/* The form of 6.18 and later. */
	ev = &s.events[1];
	assert_int_equal(ev->kind, CONSOLE_WARNING);
	check_where(ev, "arch/x86/kvm/x86.c", 12345, "kvm_arch_vcpu_ioctl_run");
	assert_int_equal(ev->trace_nr, 0);
	assert_true(console_scanner_has(&s, CONSOLE_WARNING));
	assert_false(console_scanner_has(&s, CONSOLE_PANIC));
	console_scanner_release(&s);
}

static void test_bugs(void **state)
{
	struct console_scanner s = CONSOLE_SCANNER_INIT;
	struct console_event *ev;

	scan_fixture(&s, "bugs.log");
	assert_int_equal(s.events_nr, 5);

	/* "kernel BUG at" and its "Oops: invalid opcode" are one event. */
	ev = &s.events[0];
	assert_int_equal(ev->kind, CONSOLE_BUG);
	assert_string_equal(ev->first_line,
			    "kernel BUG at arch/x86/kvm/mmu/mmu.c:1234!");
	check_where(ev, "arch/x86/kvm/mmu/mmu.c", 1234, "pte_list_remove");
	check_trace(ev, "drop_spte", "mmu_page_zap_pte", NULL);

	ev = &s.events[1];
	assert_int_equal(ev->kind, CONSOLE_BUG);
	check_where(ev, "kernel/locking/mutex.c", 283, NULL);
	check_trace(ev, "dump_stack_lvl", "__might_resched", "mutex_lock",
		    "kvm_vcpu_ioctl_x86_set_vcpu_events", NULL);

	ev = &s.events[2];
	assert_int_equal(ev->kind, CONSOLE_LOCKUP);
	check_where(ev, NULL, 0, "kvm_zap_gfn_range");
	check_trace(ev, "kvm_post_set_cr0", NULL);

	/* A trace without <TASK> markers ends at the first other line. */
	ev = &s.events[3];
	assert_int_equal(ev->kind, CONSOLE_GPF);
	check_where(ev, NULL, 0, "kvm_gfn_to_hva_cache_init");
	check_trace(ev, "kvm_setup_async_pf", "kvm_arch_async_page_not_present",
		    NULL);

	ev = &s.events[4];
	assert_int_equal(ev->kind, CONSOLE_BUG);
	assert_string_equal(ev->first_line, "BUG: scheduling while atomic: "
					    "kworker/0:1/12/0x00000002");
	check_where(ev, NULL, 0, NULL);
	console_scanner_release(&s);
}

static void test_sanitizers(void **state)
{
	struct console_scanner s = CONSOLE_SCANNER_INIT;
	struct console_event *ev;

	scan_fixture(&s, "sanitizers.log");
	assert_int_equal(s.events_nr, 3);

	ev = &s.events[0];
	assert_int_equal(ev->kind, CONSOLE_KASAN);
	assert_int_equal(ev->lineno, 2);
	check_where(ev, NULL, 0, "kvm_mmu_free_roots");
	check_trace(ev, "dump_stack_lvl", "print_report", "kasan_report",
		    "kvm_mmu_free_roots", "kvm_mmu_unload", NULL);

	ev = &s.events[1];
	assert_int_equal(ev->kind, CONSOLE_UBSAN);
	check_where(ev, "arch/x86/kvm/lapic.c", 2315, NULL);
	check_trace(ev, "dump_stack_lvl", "__ubsan_handle_out_of_bounds",
		    "kvm_lapic_reg_write", NULL);

	ev = &s.events[2];
	assert_int_equal(ev->kind, CONSOLE_KFENCE);
	check_where(ev, NULL, 0, "kvm_vcpu_release");
	check_trace(ev, "kvm_vcpu_release", "__fput", NULL);
	console_scanner_release(&s);
}

static void test_locking_stalls_hangs(void **state)
{
	static const enum console_kind kinds[] = {
		CONSOLE_LOCKDEP,   CONSOLE_LOCKDEP,   CONSOLE_LOCKDEP,
		CONSOLE_RCU_STALL, CONSOLE_HUNG_TASK, CONSOLE_RCU_STALL,
		CONSOLE_LOCKUP,
	};
	struct console_scanner s = CONSOLE_SCANNER_INIT;
	struct console_event *ev;

	scan_fixture(&s, "locking.log");
	assert_int_equal(s.events_nr, ARRAY_SIZE(kinds));
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		assert_string_equal(console_kind_name(s.events[i].kind),
				    console_kind_name(kinds[i]));

	ev = &s.events[0];
	assert_string_equal(ev->first_line,
			    "WARNING: possible circular locking dependency "
			    "detected");
	check_where(ev, NULL, 0, NULL);
	check_trace(ev, "dump_stack_lvl", "print_circular_bug",
		    "__lock_acquire", NULL);
	assert_string_equal(s.events[1].first_line,
			    "WARNING: possible recursive locking detected");
	assert_string_equal(s.events[2].first_line,
			    "WARNING: inconsistent lock state");

	ev = &s.events[3];
	assert_string_equal(ev->first_line,
			    "rcu: INFO: rcu_sched self-detected stall on CPU");
	check_where(ev, NULL, 0, "kvm_tdp_mmu_map");
	check_trace(ev, "kvm_tdp_page_fault", "kvm_mmu_do_page_fault", NULL);

	ev = &s.events[4];
	check_trace(ev, "__schedule", "schedule", "kvm_vcpu_block", NULL);
	assert_true(ev->timestamp > 244.9);
	console_scanner_release(&s);
}

/*
 * The guest oopses and panics in test 2; the scanner, told the test in
 * progress by the KTAP parser, pins both on it, and the KTAP result
 * makes that test a crash.
 */
static void test_panic_in_test(void **state)
{
	struct console_scanner s = CONSOLE_SCANNER_INIT;
	struct ktap_parser p = KTAP_PARSER_INIT;
	struct ktap_test run = KTAP_TEST_INIT;
	struct strbuf sb = STRBUF_INIT;
	const char *line, *name;
	unsigned nr;

	read_fixture(&sb, "oops-panic.log");
	for (line = sb.buf; *line;) {
		const char *nl = strchrnul(line, '\n');
		size_t len = nl - line + (*nl == '\n');

		assert_int_equal(ktap_parser_feed(&p, line, len), 0);
		if (ktap_parser_in_progress(&p, &nr, &name))
			console_scanner_set_test(&s, nr, name);
		else
			console_scanner_set_test(&s, 0, NULL);
		assert_int_equal(console_scanner_feed(&s, line, len), 0);
		line += len;
	}
	console_scanner_finish(&s);

	assert_int_equal(s.events_nr, 2);
	assert_int_equal(s.events[0].kind, CONSOLE_OOPS);
	assert_int_equal(s.events[0].lineno, 9);
	check_where(&s.events[0], NULL, 0, "tdp_mmu_zap_leafs");
	check_trace(&s.events[0], "kvm_tdp_mmu_zap_leafs",
		    "kvm_unmap_gfn_range",
		    "kvm_mmu_notifier_invalidate_range_start",
		    "__mmu_notifier_invalidate_range_start", NULL);
	assert_int_equal(s.events[1].kind, CONSOLE_PANIC);
	assert_string_equal(s.events[1].first_line,
			    "Kernel panic - not syncing: Fatal exception");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(s.events[i].test_number, 2);
		assert_string_equal(s.events[i].test,
				    "selftests: kvm: kvm_page_table_test");
	}

	ktap_parser_crash(&p, s.events[1].first_line);
	assert_int_equal(ktap_parser_finish(&p, &run), 0);
	assert_int_equal(run.subtests_nr, 3);
	assert_int_equal(run.subtests[0].result, KTAP_PASS);
	assert_int_equal(run.subtests[1].result, KTAP_CRASH);
	assert_string_equal(run.subtests[1].name,
			    "selftests: kvm: kvm_page_table_test");
	assert_int_equal(run.subtests[2].result, KTAP_MISSING);

	ktap_test_release(&run);
	ktap_parser_release(&p);
	console_scanner_release(&s);
	strbuf_release(&sb);
}

/* Raw pieces of any size give the same events as whole lines. */
static void test_streaming_pieces(void **state)
{
	struct console_scanner whole = CONSOLE_SCANNER_INIT;
	struct console_scanner bits = CONSOLE_SCANNER_INIT;
	struct strbuf sb = STRBUF_INIT;

	read_fixture(&sb, "bugs.log");
	assert_int_equal(console_scan_buffer(&whole, sb.buf, sb.len), 0);
	/* The last line without its newline waits for finish(). */
	strbuf_setlen(&sb, sb.len - 1);
	for (size_t i = 0; i < sb.len; i += 5)
		console_scanner_write(&bits, sb.buf + i,
				      sb.len - i < 5 ? sb.len - i : 5);
	assert_int_equal(bits.events_nr, whole.events_nr - 1);
	console_scanner_finish(&bits);
	assert_int_equal(bits.events_nr, whole.events_nr);
	for (size_t i = 0; i < whole.events_nr; i++) {
		assert_string_equal(bits.events[i].first_line,
				    whole.events[i].first_line);
		assert_int_equal(bits.events[i].lineno, whole.events[i].lineno);
		assert_int_equal(bits.events[i].trace_nr,
				 whole.events[i].trace_nr);
	}
	console_scanner_release(&whole);
	console_scanner_release(&bits);
	strbuf_release(&sb);
}

static void test_line_forms(void **state)
{
	struct console_scanner s = CONSOLE_SCANNER_INIT;
	static const char log[] =
		"[    5.000000][    T1] Kernel panic - not syncing: VFS: "
		"Unable to mount root fs\r\n"
		"Kernel panic - not syncing: no timestamp at all\n"
		"[    6.000000] ---[ end Kernel panic - not syncing: x ]---\n"
		"[    7.000000] BUG: unable to handle page fault for address: "
		"ffffc90000a3d000\n"
		"[    7.000001] Oops: 0002 [#1] SMP\n"
		"[    8.000000] Oops: 0000 [#2] SMP\n"
		"[    9.000000] INFO: task is fine\n"
		"[   10.000000] DEBUGBUG: not at the start\n";
	double ts;

	assert_int_equal(console_scan_buffer(&s, log, sizeof(log) - 1), 0);
	assert_int_equal(s.events_nr, 4);
	assert_int_equal(s.events[0].kind, CONSOLE_PANIC);
	assert_string_equal(s.events[0].first_line,
			    "Kernel panic - not syncing: VFS: Unable to mount "
			    "root fs");
	assert_true(s.events[0].timestamp == 5.0);
	assert_true(s.events[1].timestamp < 0);
	assert_int_equal(s.events[2].kind, CONSOLE_OOPS);
	assert_int_equal(s.events[2].lineno, 4);
	/* A second oops after the first one's lines is an event again. */
	assert_int_equal(s.events[3].kind, CONSOLE_OOPS);
	assert_int_equal(s.events[3].lineno, 6);
	console_scanner_release(&s);

	assert_int_equal(console_prefix_len("[  123.456789] x", 16, &ts), 15);
	assert_true(ts > 123.45 && ts < 123.46);
	assert_int_equal(console_prefix_len("[    T42] x", 11, &ts), 10);
	assert_true(ts < 0);
	assert_int_equal(console_prefix_len("[   OK   ] x", 12, NULL), 0);
	assert_int_equal(console_prefix_len("[1.5", 4, NULL), 0);
	assert_int_equal(console_prefix_len("", 0, NULL), 0);
}

static void test_set_test_and_names(void **state)
{
	struct console_scanner s = CONSOLE_SCANNER_INIT;
	static const char bug[] = "BUG: KASAN: wild-memory-access in x+0x1/0x2";

	console_scanner_set_test(&s, 4, "x86/state_test");
	console_scanner_feed(&s, bug, strlen(bug));
	console_scanner_set_test(&s, 5, NULL);
	console_scanner_feed(&s, bug, strlen(bug));
	console_scanner_finish(&s);
	assert_int_equal(s.events_nr, 2);
	assert_int_equal(s.events[0].test_number, 4);
	assert_string_equal(s.events[0].test, "x86/state_test");
	assert_int_equal(s.events[1].test_number, 5);
	assert_null(s.events[1].test);
	console_scanner_release(&s);

	assert_string_equal(console_kind_name(CONSOLE_RCU_STALL), "rcu-stall");
	assert_string_equal(console_kind_name(CONSOLE_HUNG_TASK), "hung-task");
	assert_string_equal(console_kind_name(CONSOLE_KIND_NR), "unknown");
}

/* Fragments of reports glued at random: no crash, no leak. */
static void test_noise(void **state)
{
	static const char *const frag[] = {
		"Call Trace:",
		" f+0x1/0x2",
		" ? g+0x1/0x2",
		" <TASK>",
		" </TASK>",
		"WARNING: CPU: 0 PID: 1 at a/b.c:3 f+0x1/0x2",
		"BUG: KASAN: x in f+0x1",
		"Oops: 0000 [#1]",
		"RIP: 0010:h+0x",
		"Kernel panic - not syncing: x",
		"---[ end trace 0 ]---",
		"=========================",
		"UBSAN: x in a/b.c:1:2",
		"[",
		"INFO: task x:1 blocked for more than 1 seconds.",
		"[    T1] ",
		"[   1.000000] ",
		"BUG: KFENCE: x in f+0x1/0x2",
		"kernel BUG at ",
		"WARNING: a.c:1 at f+0x1/0x2, CPU#0: x",
		" [<ffff>] k+0x1/0x2",
		"watchdog: ",
		"rcu: INFO: rcu_x stall",
		"a.c:",
		"RIP: 0010:",
	};
	unsigned seed = 7;

	for (int round = 0; round < 100; round++) {
		struct console_scanner s = CONSOLE_SCANNER_INIT;
		struct strbuf sb = STRBUF_INIT;

		for (int i = 0; i < 80; i++) {
			seed = seed * 1103515245 + 12345;
			strbuf_addstr(&sb,
				      frag[(seed >> 16) % ARRAY_SIZE(frag)]);
			if ((seed >> 8) & 1)
				strbuf_addch(&sb, '\n');
		}
		assert_int_equal(console_scan_buffer(&s, sb.buf, sb.len), 0);
		for (size_t i = 0; i < s.events_nr; i++) {
			assert_non_null(s.events[i].first_line);
			assert_true(s.events[i].trace_nr <= CONSOLE_MAX_TRACE);
		}
		console_scanner_release(&s);
		strbuf_release(&sb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_boot),
		cmocka_unit_test(test_warning),
		cmocka_unit_test(test_bugs),
		cmocka_unit_test(test_sanitizers),
		cmocka_unit_test(test_locking_stalls_hangs),
		cmocka_unit_test(test_panic_in_test),
		cmocka_unit_test(test_streaming_pieces),
		cmocka_unit_test(test_line_forms),
		cmocka_unit_test(test_set_test_and_names),
		cmocka_unit_test(test_noise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
