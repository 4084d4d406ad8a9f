/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_BUILTIN_H
#define BACKPORT_BUILTIN_H

/*
 * One file per subcommand, tools/cmd-<name>.c, exporting only its
 * cmd_<name>(). Each parses its options, calls the library modules, prints
 * results to stdout (progress to stderr), and returns the exit code.
 */

struct repo_opts;

int cmd_apply(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_mail(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_patch_id(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_trees(int argc, char **argv);

#endif
