// SPDX-License-Identifier: GPL-2.0
/*
 * parse-time: the CPU time one parser takes over one file, for
 * bench/parsers.sh (the scaling benchmark of the mail and KTAP parsers).
 *
 *	parse-time mail|ktap FILE
 *
 * prints "<seconds> <what was found>" on stdout; exit 0, or 1 with the
 * parser's error on stderr.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/ktap.h"
#include "lib/mail.h"
#include "util/error.h"
#include "util/strbuf.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int time_mail(const char *path)
{
	struct mail_list ml = MAIL_LIST_INIT;
	double t0 = cpu_now(), t;
	int ret = mail_read_file(&ml, path);

	t = cpu_now() - t0;
	if (ret < 0) {
		fprintf(stderr, "error: %s\n", error_last());
		mail_list_release(&ml);
		return 1;
	}
	printf("%.6f %zu mails\n", t, ml.nr);
	mail_list_release(&ml);
	return 0;
}

static int time_ktap(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct ktap_test run = KTAP_TEST_INIT;
	double t0, t;

	if (strbuf_read_file(&sb, path) < 0) {
		fprintf(stderr, "error: %s\n", error_last());
		return 1;
	}
	t0 = cpu_now();
	if (ktap_parse_buffer(&run, sb.buf, sb.len) < 0) {
		fprintf(stderr, "error: %s\n", error_last());
		strbuf_release(&sb);
		return 1;
	}
	t = cpu_now() - t0;
	printf("%.6f %zu tests\n", t, run.subtests_nr);
	ktap_test_release(&run);
	strbuf_release(&sb);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "mail") && strcmp(argv[1], "ktap"))) {
		fprintf(stderr, "usage: parse-time mail|ktap FILE\n");
		return 129;
	}
	return !strcmp(argv[1], "mail") ? time_mail(argv[2]) :
					  time_ktap(argv[2]);
}
