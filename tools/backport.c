// SPDX-License-Identifier: GPL-2.0
/*
 * backport: apply, build and test a patch series on every branch of a
 * stable kernel matrix. This file holds main() and the command table.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <gmime/gmime.h>

#include "builtin.h"
#include "lib/guest.h"
#include "util/datadir.h"
#include "util/usage.h"
#include "util/xalloc.h"
#include "version.h"

/* RUN_NEEDS_GIT: initialise libgit2 before the command runs. */
#define RUN_NEEDS_GIT (1 << 0)

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned flags;
	const char *help;
};

static const struct command commands[] = {
	{ "import", cmd_import, RUN_NEEDS_GIT,
	  "import a patch series from mails into series/" },
	{ "show", cmd_show, RUN_NEEDS_GIT,
	  "show an imported series: patches, metadata, damage" },
	{ "apply", cmd_apply, RUN_NEEDS_GIT,
	  "apply a series onto every branch in memory, with verdicts" },
	{ "build", cmd_build, RUN_NEEDS_GIT,
	  "build each branch's kernel and selftests" },
	{ "resolve", cmd_resolve, RUN_NEEDS_GIT,
	  "make a worktree to resolve a patch that failed on a branch" },
	{ "record", cmd_record, RUN_NEEDS_GIT,
	  "record the resolution made in that worktree under backports/" },
	{ "diff", cmd_diff, RUN_NEEDS_GIT,
	  "review a branch's backport against upstream and newer branches" },
	{ "mail", cmd_mail, RUN_NEEDS_GIT,
	  "draft the stable mails: queued patches and FAILED notices" },
	{ "run", cmd_run, RUN_NEEDS_GIT,
	  "apply, build and test the whole matrix, and report" },
	{ "report", cmd_report, RUN_NEEDS_GIT,
	  "show a run: terminal matrix, JSON or HTML page" },
	{ "patch-id", cmd_patch_id, RUN_NEEDS_GIT,
	  "print the stable patch-id of patches read from files or stdin" },
	{ "trees", cmd_trees, RUN_NEEDS_GIT,
	  "create or update the repository of real stable trees" },
	{ "test", cmd_test, RUN_NEEDS_GIT,
	  "boot each branch in QEMU and run the selftest set" },
	{ "config", cmd_config, RUN_NEEDS_GIT,
	  "show the defaults in effect and where each comes from" },
};

static const char main_usage[] =
	"usage: backport [--version] [--help] <command> [<args>]\n";

static void list_commands(FILE *f)
{
	fputs(main_usage, f);
	fputs("\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "   %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\n'backport <command> -h' gives a command's short usage,\n"
	      "'backport help <command>' its manual page.\n",
	      f);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/*
 * `backport help <command>`: its manual page, as `git help` does: the
 * page of the checkout or of the installed tree this binary belongs to
 * (`man -l`), else whatever man(1) finds.
 */
static int show_man_page(const char *name)
{
	char *page = xstrfmt("backport-%s", name);
	char *src = xstrfmt("doc/man/%s.1", page);
	char *inst = xstrfmt("../man/man1/%s.1", page);
	char *path = datadir_find(src, inst);

	fflush(stdout);
	if (path)
		execlp("man", "man", "-l", path, (char *)NULL);
	else
		execlp("man", "man", page, (char *)NULL);
	die("cannot run 'man' for '%s': %s", path ? path : page,
	    strerror(errno));
}

/* Ours, and those of the libraries and tools found at run time. */
static int print_version(void)
{
	int major, minor, rev;
	char *qemu;

	printf("backport version %s\n", BACKPORT_VERSION);
	git_libgit2_init();
	git_libgit2_version(&major, &minor, &rev);
	printf("libgit2 %d.%d.%d\n", major, minor, rev);
	printf("GMime %u.%u.%u\n", gmime_major_version, gmime_minor_version,
	       gmime_micro_version);
	qemu = guest_qemu_version(NULL);
	printf("QEMU %s\n", qemu ? qemu : "not found (qemu-system-x86_64)");
	free(qemu);
	git_libgit2_shutdown();
	finish_stdout();
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int ret;

	setlocale(LC_CTYPE, "C.UTF-8");
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		list_commands(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))
		return print_version();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		if (argc > 2 && !(cmd = find_command(argv[2])))
			die("'%s' is not a backport command", argv[2]);
		if (argc > 2 && !strcmp(argv[1], "-h")) {
			char *av[] = { argv[2], (char *)"-h", NULL };

			return cmd->fn(2, av);
		}
		if (argc > 2)
			return show_man_page(cmd->name);
		list_commands(stdout);
		finish_stdout();
		return EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "backport: '%s' is not a backport command. "
				"See 'backport --help'.\n", argv[1]);
		return EXIT_USAGE;
	}
	if (cmd->flags & RUN_NEEDS_GIT)
		git_libgit2_init();
	ret = cmd->fn(argc - 1, argv + 1);
	finish_stdout();
	if (cmd->flags & RUN_NEEDS_GIT)
		git_libgit2_shutdown();
	return ret;
}
