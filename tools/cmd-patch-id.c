// SPDX-License-Identifier: GPL-2.0
/*
 * backport patch-id: print the stable patch-id of each patch read from
 * files or stdin, with its commit id, as `git patch-id --stable` does.
 * Input may be bare diffs, `git format-patch` mails or mboxes (the commit
 * is taken from each "From <sha>" line), `git log -p` output ("commit
 * <sha>" lines), or web-archive renderings whose whitespace was lost.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <stdio.h>

#include "builtin.h"
#include "lib/patch.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/usage.h"

static const char patch_id_usage[] =
	"usage: backport patch-id [--stable] [<file>...]\n"
	"\n"
	"Print '<patch-id> <commit>' for each patch in the files (or stdin),\n"
	"like 'git patch-id --stable'. The commit comes from a 'From <sha>'\n"
	"(git format-patch) or 'commit <sha>' (git log -p) line, else it is\n"
	"all zeros. Whitespace does not count, so a mail whose lines lost\n"
	"their indentation gets the id of the intact one.\n"
	"\n"
	"    --stable    the stable patch-id, independent of file order\n"
	"                (the default)\n"
	"    -h, --help  show this text\n";

static const char zero_oid[] = "0000000000000000000000000000000000000000";

/* "From <40 hex> " or "commit <40 hex>": where a new patch starts. */
static bool commit_line(const char *s, size_t len, char oid[41])
{
	size_t skip;

	if (len > 5 && !memcmp(s, "From ", 5))
		skip = 5;
	else if (len > 7 && !memcmp(s, "commit ", 7))
		skip = 7;
	else
		return false;
	if (len < skip + 40)
		return false;
	for (size_t i = 0; i < 40; i++)
		if (!isxdigit((unsigned char)s[skip + i]) ||
		    isupper((unsigned char)s[skip + i]))
			return false;
	if (len > skip + 40 && !isspace((unsigned char)s[skip + 40]))
		return false;
	memcpy(oid, s + skip, 40);
	oid[40] = '\0';
	return true;
}

/* Parse the diff in text[0..len) (lines from `first_line`); print its id. */
static bool print_one(const char *name, const char *text, size_t len,
		      unsigned first_line, const char *oid)
{
	struct patch p = PATCH_INIT;
	size_t off;
	unsigned line;

	if (!patch_find_diff(text, len, &off, &line))
		return false;
	if (patch_parse(&p, text + off, len - off, first_line + line - 1,
			name) < 0)
		die("%s", error_last());
	printf("%s %s\n", p.patch_id, oid);
	patch_release(&p);
	return true;
}

/* Cut the input at each commit line and print one id per patch. */
static void patch_id_buf(const char *name, const struct strbuf *sb)
{
	char oid[41], next[41];
	size_t start = 0, i = 0;
	unsigned start_line = 1, n = 1;
	bool found = false;

	memcpy(oid, zero_oid, sizeof(oid));
	while (i < sb->len) {
		const char *s = sb->buf + i;
		const char *nl = memchr(s, '\n', sb->len - i);
		size_t l = nl ? (size_t)(nl - s) : sb->len - i;

		if (commit_line(s, l, next)) {
			found |= print_one(name, sb->buf + start, i - start,
					   start_line, oid);
			memcpy(oid, next, sizeof(oid));
			start = i;
			start_line = n;
		}
		i += l + 1;
		n++;
	}
	found |= print_one(name, sb->buf + start, sb->len - start, start_line,
			   oid);
	/* git patch-id prints nothing either, for an empty commit say. */
	if (!found)
		warning("%s: no diff found", name);
}

static void patch_id_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (!strcmp(path, "-")) {
		if (strbuf_read_fd(&sb, 0) < 0)
			die("cannot read standard input: %s", strerror(errno));
		patch_id_buf("<stdin>", &sb);
	} else {
		if (strbuf_read_file(&sb, path) < 0)
			die("%s", error_last());
		patch_id_buf(path, &sb);
	}
	strbuf_release(&sb);
}

int cmd_patch_id(int argc, char **argv)
{
	bool dashdash = false;
	int files = 0;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (dashdash || arg[0] != '-' || !arg[1]) {
			files++;
			continue;
		}
		if (!strcmp(arg, "--"))
			dashdash = true;
		else if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			usage(patch_id_usage, true);
		else if (strcmp(arg, "--stable"))
			usage_msg(patch_id_usage, "unknown option '%s'", arg);
	}
	dashdash = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!dashdash && arg[0] == '-' && arg[1]) {
			dashdash = !strcmp(arg, "--");
			continue;
		}
		patch_id_file(arg);
	}
	if (!files)
		patch_id_file("-");
	finish_stdout();
	return EXIT_OK;
}
