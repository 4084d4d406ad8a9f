// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/distcc: DISTCC_HOSTS as distcc reads it, the slots
 * and the environment of the hosts that are up, and the units per host
 * from a distcc 3.4 log (captured with DISTCC_LOG, no DISTCC_VERBOSE).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/distcc.h"
#include "util/error.h"

static void test_parse(void **state)
{
	struct distcc d = DISTCC_INIT;
	char *env;

	(void)state;
	assert_int_equal(distcc_parse(&d, " --randomize host1/8,lzo  "
					  "host2:3633/16\tlocalhost "
					  "me@host3/3 host4"),
			 0);
	assert_int_equal(d.nr, 5);
	assert_string_equal(d.options.v[0], "--randomize");
	assert_string_equal(d.hosts[0].name, "host1");
	assert_int_equal(d.hosts[0].port, 3632);
	assert_int_equal(d.hosts[0].slots, 8);
	assert_string_equal(d.hosts[1].name, "host2");
	assert_int_equal(d.hosts[1].port, 3633);
	assert_int_equal(d.hosts[1].slots, 16);
	assert_int_equal(d.hosts[2].port, 0); /* localhost: not probed */
	assert_int_equal(d.hosts[2].slots, 2);
	assert_int_equal(d.hosts[3].port, 0); /* over ssh: not probed */
	assert_int_equal(d.hosts[3].slots, 3);
	assert_int_equal(d.hosts[4].slots, 4); /* distcc's default */
	for (size_t i = 0; i < d.nr; i++)
		d.hosts[i].up = i != 1;
	assert_true(distcc_usable(&d));
	assert_int_equal(distcc_slots(&d), 8 + 2 + 3 + 4);
	env = distcc_hosts_env(&d);
	assert_string_equal(env, "--randomize host1/8,lzo localhost me@host3/3 "
				 "host4");
	free(env);
	d.hosts[0].up = d.hosts[3].up = d.hosts[4].up = false;
	assert_false(distcc_usable(&d)); /* localhost alone */
	distcc_release(&d);
}

static void test_parse_bad(void **state)
{
	struct distcc d = DISTCC_INIT;

	(void)state;
	assert_int_equal(distcc_parse(&d, "host1:99999/4"), -1);
	assert_non_null(strstr(error_last(), "'host1:99999/4': bad port"));
	distcc_release(&d);
	assert_int_equal(distcc_parse(&d, "host1/x"), -1);
	assert_non_null(strstr(error_last(), "bad limit"));
	distcc_release(&d);
	assert_int_equal(distcc_parse(&d, ""), 0);
	assert_int_equal(d.nr, 0);
	distcc_release(&d);
}

static const char log_text[] =
	"distcc[16685] compile from a.c to a.o\n"
	"distcc[16685] cpp a.c on localhost completed ok\n"
	"distcc[16685] compile a.c on 127.0.0.1:37642/4,lzo completed ok\n"
	"distcc[16686] compile b.c on 127.0.0.1:37642/4,lzo completed ok\n"
	"distcc[16723] ERROR: nonblocking connect to 127.0.0.1:37642 "
	"failed: Connection refused\n"
	"distcc[16723] Warning: failed to distribute c.c to "
	"127.0.0.1:37642/4, running locally instead\n"
	"distcc[16723] compile c.c on localhost completed ok\n"
	"distcc[16724] ERROR: compile d.c on localhost failed\n"
	"distcc[16725] compile e.c on host2:3633/16 completed ok";

static void test_count(void **state)
{
	struct distcc_counts c = DISTCC_COUNTS_INIT;

	(void)state;
	distcc_count_text(&c, log_text, strlen(log_text));
	assert_int_equal(c.nr, 3);
	assert_string_equal(c.v[0].host, "127.0.0.1:37642/4,lzo");
	assert_int_equal(c.v[0].units, 2);
	assert_string_equal(c.v[1].host, "localhost");
	assert_int_equal(c.v[1].units, 1);
	assert_string_equal(c.v[2].host, "host2:3633/16");
	assert_int_equal(c.v[2].units, 1);
	assert_int_equal(c.fallbacks, 1);
	distcc_counts_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
