/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_ARTEFACT_H
#define BACKPORT_ARTEFACT_H

#include <stdbool.h>

#include <jansson.h>

/*
 * artefact: what a build keeps (kbuild.h is the build step's entry
 * point and includes this header): the artefact under the cache,
 *
 *	artefacts/<key>/	bzImage, gen_init_cpio, kselftest/kvm/...,
 *				logs/, build.json (written last)
 *
 * and the record of a build, build.json (its schema is in kbuild.h), in
 * the artefact and in the results directory.
 *
 * The key of an artefact is the SHA-1 of the inputs: the tree id, the
 * configuration (its base, the fragment's text, the optional options),
 * whether selftests are built, and the toolchain (`gcc --version`,
 * `make --version`). An artefact whose build.json exists is complete and
 * is used again without building (its record read back into the job,
 * its logs copied to the results); anything else under artefacts/ is
 * half-written and redone.
 *
 *	json_t *o = kbuild_job_to_json(&job, true);
 *	char *text = json_dumps(o, JSON_INDENT(2));
 *
 *	... write `text` ...
 *	free(text);
 *	json_decref(o);
 */

struct kbuild_job;

/*
 * A job as build.json (see kbuild.h); `for_results` adds "cached",
 * "results" and "logs". Caller owns it.
 */
json_t *kbuild_job_to_json(const struct kbuild_job *j, bool for_results);

#endif
