/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_KCONFIG_H
#define BACKPORT_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * kconfig: the kernel configuration of a build (kbuild.h is the build
 * step's entry point and includes this header). A configuration is read
 * from the matrix file: a make target as its base, a fragment merged on
 * it, and the options that may be missing on some versions. The build
 * makes the .config of a build directory from it (make <base>,
 * scripts/kconfig/merge_config.sh -m, make olddefconfig; skipped when
 * the stamp .backport-config says that .config is current), then checks
 * that every option of the fragment survived: one that Kconfig dropped
 * is a verdict, not an error.
 *
 *	struct kbuild_config c = KBUILD_CONFIG_INIT;
 *	struct strvec missing = STRVEC_INIT;
 *
 *	if (kbuild_config_from_matrix(&c, m, NULL) < 0)
 *		return -1;		// error_last() names file and section
 *	kbuild_check_config(&missing, dotconfig.buf, &c, 6012);
 *	for (size_t i = 0; i < missing.nr; i++)
 *		... missing.v[i] is "CONFIG_X" ...
 *	strvec_clear(&missing);
 *	kbuild_config_release(&c);
 *
 * NEEDSWORK: the module is kconfig but its struct keeps the name
 * kbuild_config its callers know.
 */

/* An option that may be missing, for some versions: "X if >= 7.3". */
struct kbuild_optional {
	char *option; /* without CONFIG_ */
	char op[3]; /* "" (always), "<", "<=", ">", ">=", "=" */
	unsigned version; /* 703 */
};

/*
 * A build configuration, from the matrix file:
 *
 *	[matrix]
 *		config = kvm-tiny
 *	[config "kvm-tiny"]
 *		base = tinyconfig		# a make target
 *		fragment = kvm.fragment		# relative to the matrix
 *		optional = X86_IOPL_IOPERM	# multi-valued
 *		optional = PROC_SYSCTL >= 7.3
 *		selftests = kvm			# or "none"
 */
struct kbuild_config {
	char *name;
	char *base;
	char *fragment; /* absolute path, or NULL */
	struct strbuf fragment_text;
	struct kbuild_optional *optional;
	size_t optional_nr, optional_alloc;
	bool selftests;
};

#define KBUILD_CONFIG_INIT                   \
	{                                    \
		.fragment_text = STRBUF_INIT \
	}

void kbuild_config_init(struct kbuild_config *c);
void kbuild_config_release(struct kbuild_config *c);

/*
 * Read configuration `name` (NULL: the matrix's `config`, else
 * "kvm-tiny") from the matrix `m` (matrix_read() or matrix_load()). A
 * relative fragment is found beside the matrix file. Returns 0, or -1
 * with an error naming the file and section (no such section, no base,
 * a fragment that cannot be read, a bad `optional`).
 */
struct matrix;
int kbuild_config_from_matrix(struct kbuild_config *c, const struct matrix *m,
			      const char *name);

/* Whether `option` (no CONFIG_) may be missing on `version` (6012). */
bool kbuild_option_is_optional(const struct kbuild_config *c,
			       const char *option, unsigned version);

/*
 * The options of `fragment` that `dotconfig` does not hold as asked
 * ("CONFIG_X=y" absent or different; "# CONFIG_X is not set" set),
 * leaving out the optional ones, pushed as "CONFIG_X" onto `missing`.
 */
void kbuild_check_config(struct strvec *missing, const char *dotconfig,
			 const struct kbuild_config *c, unsigned version);

#endif
