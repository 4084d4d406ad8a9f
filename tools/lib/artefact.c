// SPDX-License-Identifier: GPL-2.0
/*
 * artefact: what a build leaves for later. The key of an artefact (a
 * hash of its inputs), the artefact itself under the cache (bzImage,
 * the selftests, the logs, then build.json, last: the mark that it is
 * complete), the record read back when it is used again, and build.json
 * in the results directory. See artefact.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/bisect.h"
#include "lib/kbuild-internal.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

/* Bump when what a build produces changes: old artefacts are not used. */
#define KBUILD_FORMAT "kbuild 1"

/* ---- build.json ---- */

static json_t *strvec_to_json(const struct strvec *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->nr; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *kbuild_job_to_json(const struct kbuild_job *j, bool for_results)
{
	json_t *o = json_object(), *sec = json_object();
	char hex[GIT_OID_SHA1_HEXSIZE + 1];

	json_object_set_new(o, "target", json_string(j->target));
	json_object_set_new(o, "branch", json_string(j->branch));
	json_object_set_new(o, "variant", json_string(j->variant));
	json_object_set_new(o, "series", string_or_null(j->series));
	json_object_set_new(
		o, "commit",
		json_string(git_oid_tostr(hex, sizeof(hex), &j->commit)));
	json_object_set_new(
		o, "tree",
		json_string(git_oid_tostr(hex, sizeof(hex), &j->tree)));
	json_object_set_new(o, "config", string_or_null(j->config));
	json_object_set_new(o, "key", json_string(j->key));
	json_object_set_new(o, "toolchain", string_or_null(j->toolchain));
	json_object_set_new(o, "verdict",
			    json_string(kbuild_verdict_name(j->verdict)));
	json_object_set_new(o, "step",
			    j->verdict == KBUILD_BUILD_FAILED ?
				    json_string(kbuild_step_name(j->step)) :
				    json_null());
	json_object_set_new(o, "first_error",
			    j->first_error.message ?
				    buildlog_msg_to_json(&j->first_error) :
				    json_null());
	json_object_set_new(o, "broken_by", bisect_to_json(j->bisect));
	json_object_set_new(o, "missing_options", strvec_to_json(&j->missing));
	json_object_set_new(o, "warnings", buildlog_msgs_to_json(&j->warnings));
	json_object_set_new(o, "new_warnings",
			    buildlog_msgs_to_json(&j->new_warnings));
	json_object_set_new(o, "touched", strvec_to_json(&j->touched));
	json_object_set_new(o, "artefacts", string_or_null(j->artefacts));
	json_object_set_new(o, "bzImage", string_or_null(j->bzimage));
	if (j->selftests_dir)
		json_object_set_new(
			o, "selftests",
			json_pack("{s:s, s:i, s:o}", "dir", j->selftests_dir,
				  "built", (int)j->selftests_built, "failed",
				  strvec_to_json(&j->selftests_failed)));
	else
		json_object_set_new(o, "selftests", json_null());
	json_object_set_new(o, "gen_init_cpio",
			    string_or_null(j->gen_init_cpio));
	for (int s = KBUILD_STEP_CONFIG; s < KBUILD_STEP_DONE; s++)
		if (j->seconds[s] > 0)
			json_object_set_new(
				sec, kbuild_step_name(s),
				json_real((long)(j->seconds[s] * 10) / 10.0));
	json_object_set_new(o, "seconds", sec);
	json_object_set_new(o, "objects", json_integer(j->objects));
	if (j->distcc)
		json_object_set(o, "distcc", j->distcc);
	if (for_results && j->results) {
		json_object_set_new(o, "cached", json_boolean(j->cached));
		json_object_set_new(o, "results", json_string(j->results));
		json_object_set_new(
			o, "logs",
			json_pack("{s:s++, s:s++, s:s++}", "config", j->results,
				  "/", "config.log", "kernel", j->results, "/",
				  "kernel.log", "selftests", j->results, "/",
				  "selftests.log"));
	}
	return o;
}

static char *json_strdup(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? xstrdup(s) : NULL;
}

/* Fill the results of `j` from an artefact's build.json. */
int artefact_from_record(struct kbuild_job *j, const char *path)
{
	json_error_t err;
	json_t *o = json_load_file(path, 0, &err), *v, *st, *x;
	const char *verdict, *step;
	size_t i;

	if (!o)
		return error_set("cannot read '%s': %s", path, err.text);
	verdict = json_string_value(json_object_get(o, "verdict"));
	j->verdict = verdict && !strcmp(verdict, "built") ? KBUILD_BUILT :
							    KBUILD_BUILD_FAILED;
	step = json_string_value(json_object_get(o, "step"));
	for (int s = 0; step && s <= KBUILD_STEP_DONE; s++)
		if (!strcmp(step, kbuild_step_name(s)))
			j->step = s;
	v = json_object_get(o, "first_error");
	if (json_is_object(v)) {
		j->first_error.file = json_strdup(v, "file");
		j->first_error.line =
			json_integer_value(json_object_get(v, "line"));
		j->first_error.message = json_strdup(v, "message");
		j->first_error.text = json_strdup(v, "text");
	}
	j->bisect = bisect_from_json(json_object_get(o, "broken_by"));
	json_array_foreach(json_object_get(o, "missing_options"), i, v)
		strvec_push(&j->missing, json_string_value(v));
	buildlog_msgs_from_json(&j->warnings, json_object_get(o, "warnings"));
	j->bzimage = json_strdup(o, "bzImage");
	j->gen_init_cpio = json_strdup(o, "gen_init_cpio");
	st = json_object_get(o, "selftests");
	if (json_is_object(st)) {
		j->selftests_dir = json_strdup(st, "dir");
		j->selftests_built =
			json_integer_value(json_object_get(st, "built"));
		json_array_foreach(json_object_get(st, "failed"), i, x)
			strvec_push(&j->selftests_failed, json_string_value(x));
	}
	j->objects = json_integer_value(json_object_get(o, "objects"));
	v = json_object_get(o, "distcc");
	if (json_is_object(v)) {
		json_decref(j->distcc);
		j->distcc = json_incref(v);
	}
	v = json_object_get(o, "seconds");
	for (int s = KBUILD_STEP_CONFIG; s < KBUILD_STEP_DONE; s++)
		j->seconds[s] = json_number_value(
			json_object_get(v, kbuild_step_name(s)));
	json_decref(o);
	return 0;
}

/* ---- the artefact ---- */

static int copy_file(const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, ret = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return error_errno("cannot open '%s'", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		error_errno("cannot create '%s'", to);
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			error_errno("cannot write '%s'", to);
			goto out;
		}
	}
	if (n < 0) {
		error_errno("cannot read '%s'", from);
		goto out;
	}
	ret = 0;
out:
	close(in);
	if (out >= 0 && close(out) < 0 && !ret)
		ret = error_errno("cannot write '%s'", to);
	return ret;
}

/* Copy the logs from `from` to `to` (missing ones are skipped). */
int artefact_copy_logs(const char *from, const char *to)
{
	static const char *const logs[] = { "config.log", "kernel.log",
					    "selftests.log" };

	for (size_t i = 0; i < ARRAY_SIZE(logs); i++) {
		char *a = xstrfmt("%s/%s", from, logs[i]);
		char *b = xstrfmt("%s/%s", to, logs[i]);
		int ret = 0;

		unlink(b);
		if (path_exists(a))
			ret = copy_file(a, b, 0644);
		free(a);
		free(b);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* Save bzImage, the selftests and the logs, then the record, last. */
int artefact_save(struct worker *w, struct kbuild_job *j,
		  const struct strvec *tests)
{
	char *path = NULL, *from = NULL;
	char *logs = xstrfmt("%s/logs", j->artefacts);
	json_t *rec = NULL;
	int ret = -1;

	if (remove_tree(j->artefacts) < 0 || mkdir_p(logs, 0755) < 0)
		goto out;
	if (j->verdict == KBUILD_BUILT) {
		from = xstrfmt("%s/arch/x86/boot/bzImage", w->odir);
		j->bzimage = xstrfmt("%s/bzImage", j->artefacts);
		if (copy_file(from, j->bzimage, 0644) < 0)
			goto out;
		free(from);
		from = xstrfmt("%s/usr/gen_init_cpio", w->odir);
		if (path_exists(from)) {
			j->gen_init_cpio =
				xstrfmt("%s/gen_init_cpio", j->artefacts);
			if (copy_file(from, j->gen_init_cpio, 0755) < 0)
				goto out;
		}
	}
	if (tests->nr) {
		j->selftests_dir = xstrfmt("%s/kselftest/kvm", j->artefacts);
		j->selftests_built = tests->nr;
	}
	for (size_t i = 0; i < tests->nr; i++) {
		char *slash;

		free(from);
		free(path);
		from = xstrfmt("%s/kselftest/kvm/%s", w->odir, tests->v[i]);
		path = xstrfmt("%s/%s", j->selftests_dir, tests->v[i]);
		slash = strrchr(path, '/');
		*slash = '\0';
		if (mkdir_p(path, 0755) < 0)
			goto out;
		*slash = '/';
		if (copy_file(from, path, 0755) < 0)
			goto out;
	}
	if (artefact_copy_logs(j->results, logs) < 0)
		goto out;
	free(path);
	path = xstrfmt("%s/build.json", j->artefacts);
	rec = kbuild_job_to_json(j, false);
	free(from);
	from = json_dumps(rec, JSON_INDENT(2));
	ret = write_file_atomic(path, from, strlen(from));
out:
	json_decref(rec);
	free(path);
	free(from);
	free(logs);
	return ret < 0 ? kbuild_job_error_last(j, "saving artefacts") : 0;
}

int artefact_write_result(struct kbuild_job *j)
{
	json_t *o = kbuild_job_to_json(j, true);
	char *text = json_dumps(o, JSON_INDENT(2));
	char *path = xstrfmt("%s/build.json", j->results);
	int ret = write_file_atomic(path, text, strlen(text));

	json_decref(o);
	free(text);
	free(path);
	return ret < 0 ? kbuild_job_error_last(j, "writing results") : 0;
}

void artefact_key(struct kbuild_run *r, struct kbuild_job *j)
{
	const struct kbuild_config *c = r->c;
	struct strbuf sb = STRBUF_INIT;
	git_oid id;

	strbuf_addf(&sb, "%s\ntree %s\nbase %s\nselftests %d\ntoolchain %s\n",
		    KBUILD_FORMAT, git_oid_tostr_s(&j->tree), c->base,
		    c->selftests, r->toolchain);
	strbuf_addf(&sb, "fragment %zu\n", c->fragment_text.len);
	strbuf_addbuf(&sb, &c->fragment_text);
	for (size_t i = 0; i < c->optional_nr; i++)
		if (kbuild_option_is_optional(c, c->optional[i].option,
					      j->version))
			strbuf_addf(&sb, "optional %s\n",
				    c->optional[i].option);
	git_odb_hash(&id, sb.buf, sb.len, GIT_OBJECT_BLOB);
	git_oid_tostr(j->key, sizeof(j->key), &id);
	strbuf_release(&sb);
}
