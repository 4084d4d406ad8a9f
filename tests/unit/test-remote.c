// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/remote's pure parts: the host specs, ssh's argv
 * with the options as written in the matrix, and the remote command
 * line, whose every word the remote shell must see unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/remote.h"
#include "util/error.h"
#include "util/strbuf.h"

static void test_host_parse(void **state)
{
	struct remote_host h = REMOTE_HOST_INIT;

	(void)state;
	assert_int_equal(remote_host_parse(&h, "ci@qemu1"), 0);
	assert_string_equal(h.dest, "ci@qemu1");
	assert_int_equal(h.port, 0);
	remote_host_release(&h);
	assert_int_equal(remote_host_parse(&h, "ssh://root@127.0.0.1:2222"), 0);
	assert_string_equal(h.dest, "root@127.0.0.1");
	assert_int_equal(h.port, 2222);
	assert_string_equal(h.spec, "ssh://root@127.0.0.1:2222");
	remote_host_release(&h);
	assert_int_equal(remote_host_parse(&h, "ssh://qemu2"), 0);
	assert_string_equal(h.dest, "qemu2");
	remote_host_release(&h);
	assert_int_equal(remote_host_parse(&h, "ssh://a:99999"), -1);
	assert_non_null(strstr(error_last(), "test host 'ssh://a:99999'"));
	remote_host_release(&h);
	assert_int_equal(remote_host_parse(&h, "-oProxyCommand=x"), -1);
	remote_host_release(&h);
}

static char *joined(const struct strvec *sv)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < sv->nr; i++)
		strbuf_addf(&sb, "%s[%s]", i ? " " : "", sv->v[i]);
	return strbuf_detach(&sb, NULL);
}

static void test_ssh_args(void **state)
{
	struct remote_host h = REMOTE_HOST_INIT;
	struct remote r = { &h, "-i '/a b/key' -o \"X=1 2\"", "/tmp/d" };
	struct strvec sv = STRVEC_INIT;
	char *s;

	(void)state;
	assert_int_equal(remote_host_parse(&h, "ssh://u@h:22"), 0);
	remote_ssh_args(&sv, &r);
	s = joined(&sv);
	assert_non_null(strstr(s, "[-p] [22] [-i] [/a b/key] [-o] [X=1 2] "
				  "[--] [u@h]"));
	assert_string_equal(sv.v[0], "ssh");
	free(s);
	strvec_clear(&sv);
	remote_host_release(&h);
}

static void test_command_line(void **state)
{
	const char *argv[] = { "qemu", "-append", "console=ttyS0 x='y'", "",
			       NULL };
	struct remote_host h = REMOTE_HOST_INIT;
	struct remote r = { &h, NULL, "/tmp/it's" };
	struct strvec sv = STRVEC_INIT;
	char *s = remote_command_line(argv);

	(void)state;
	assert_string_equal(s, "'qemu' '-append' 'console=ttyS0 x='\\''y'\\''' "
			       "''");
	free(s);
	assert_int_equal(remote_host_parse(&h, "h"), 0);
	remote_wrap(&sv, &r, argv, 100);
	assert_string_equal(sv.v[sv.nr - 2], "h");
	assert_string_equal(sv.v[sv.nr - 1],
			    "echo $$ >'/tmp/it'\\''s'/qemu.pid && exec "
			    "timeout -k 5 100 'qemu' '-append' "
			    "'console=ttyS0 x='\\''y'\\''' ''");
	strvec_clear(&sv);
	remote_host_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_parse),
		cmocka_unit_test(test_ssh_args),
		cmocka_unit_test(test_command_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
