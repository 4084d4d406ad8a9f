// SPDX-License-Identifier: GPL-2.0
/*
 * series: choose, order, store and load the mails of a patch series.
 * See series.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "series.h"
#include "util/cfgtext.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/strset.h"
#include "util/xalloc.h"

void series_init(struct series *s)
{
	memset(s, 0, sizeof(*s));
}

void series_release(struct series *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->patches[i].file);
		mail_free(s->patches[i].mail);
	}
	free(s->patches);
	free(s->name);
	free(s->cover_file);
	mail_free(s->cover);
	series_init(s);
}

char *series_slug(const char *title)
{
	struct strbuf sb = STRBUF_INIT;
	bool dash = false;

	for (const char *p = title; *p && sb.len < 52; p++) {
		unsigned char c = *p;

		if (isalnum(c) || c == '_') {
			if (dash && sb.len)
				strbuf_addch(&sb, '-');
			dash = false;
			strbuf_addch(&sb, tolower(c));
		} else {
			dash = true;
		}
	}
	while (sb.len && sb.buf[sb.len - 1] == '-')
		strbuf_setlen(&sb, sb.len - 1);
	if (!sb.len)
		strbuf_addstr(&sb, "series");
	return strbuf_detach(&sb, NULL);
}

char *series_dir(const char *root, const char *name)
{
	return xstrfmt("%s/%s", root, name);
}

static const char *mail_where(const struct mail *m, struct strbuf *sb)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "'%s'", m->path);
	if (m->number > 1)
		strbuf_addf(sb, " (mail %u)", m->number);
	return sb->buf;
}

/*
 * A title of the input's patches (a copy: superseded mails are freed
 * while the table is in use) and the newest version it comes in.
 */
struct newest {
	char *title;
	unsigned version;
};

static int cmp_newest(const void *a, const void *b)
{
	return strcmp(((const struct newest *)a)->title,
		      ((const struct newest *)b)->title);
}

/*
 * Each title of the input's patches with its newest version, sorted by
 * title: whatever order the mails come in, an older version is known to
 * be superseded (n log n, for mboxes of thousands of mails).
 */
static struct newest *newest_versions(struct mail **mails, size_t nr,
				      size_t *out_nr)
{
	struct newest *v = xcalloc(nr + 1, sizeof(*v));
	size_t n = 0, k = 0;

	for (size_t i = 0; i < nr; i++)
		if (mails[i] && mails[i]->has_patch && mails[i]->subj.title) {
			v[n].title = xstrdup(mails[i]->subj.title);
			v[n++].version = mails[i]->subj.version;
		}
	qsort(v, n, sizeof(*v), cmp_newest);
	for (size_t i = 0; i < n; i++) {
		if (k && !strcmp(v[k - 1].title, v[i].title)) {
			if (v[i].version > v[k - 1].version)
				v[k - 1].version = v[i].version;
			free(v[i].title);
		} else {
			v[k++] = v[i];
		}
	}
	*out_nr = k;
	return v;
}

/* Is there a patch of a newer version with the same title? */
static bool superseded(const struct newest *v, size_t nr, const struct mail *m)
{
	struct newest key = { (char *)m->subj.title, 0 };
	const struct newest *f;

	if (!m->subj.title)
		return false;
	f = bsearch(&key, v, nr, sizeof(*v), cmp_newest);
	return f && f->version > m->subj.version;
}

/*
 * A patch already taken: the same version and title, or the same
 * version and patch-id (kept as keys of a set).
 */
static bool taken(struct strset *seen, const struct mail *m)
{
	char *title = xstrfmt("%u\t%s", m->subj.version,
			      m->subj.title ? m->subj.title : "");
	char *id = xstrfmt("%u\t%s", m->subj.version, m->patch.patch_id);
	bool dup = strset_has(seen, title) ||
		   (m->has_patch && strset_has(seen, id));

	if (!dup) {
		strset_add(seen, title);
		if (m->has_patch)
			strset_add(seen, id);
	}
	free(title);
	free(id);
	return dup;
}

static int cmp_index(const void *a, const void *b)
{
	const struct series_patch *pa = a, *pb = b;

	return (int)pa->mail->subj.index - (int)pb->mail->subj.index;
}

static char *patch_file_name(size_t n, const struct mail *m)
{
	char *slug = series_slug(m->subj.title ? m->subj.title : m->subject);
	char *name = xstrfmt("%04zu-%s.%s", n, slug,
			     m->web_archive ? "txt" : "eml");

	free(slug);
	return name;
}

/* Drop superseded versions, replies and duplicates; keep the rest. */
static int choose_mails(struct series *s, struct mail **mails, size_t nr,
			struct strvec *notes)
{
	struct strbuf where = STRBUF_INIT;
	struct strset seen = STRSET_INIT;
	struct newest *newest = NULL;
	size_t newest_nr = 0;
	unsigned max_version = 0;
	int ret = 0;

	for (size_t i = 0; i < nr; i++) {
		struct mail *m = mails[i];

		if (!m->has_patch && !mail_is_cover(m)) {
			if (m->in_reply_to || starts_with(m->subject, "Re:") ||
			    starts_with(m->subject, "RE:"))
				ret = error_set("%s is a reply, not a patch: "
						"a whole thread needs b4 "
						"(backport import --b4)",
						mail_where(m, &where));
			else
				ret = error_set("%s has no diff: '%s'",
						mail_where(m, &where),
						m->subject);
			goto out;
		}
	}
	newest = newest_versions(mails, nr, &newest_nr);
	for (size_t i = 0; i < nr; i++)
		if (mails[i] && mails[i]->subj.version > max_version)
			max_version = mails[i]->subj.version;
	for (size_t i = 0; i < nr; i++) {
		struct mail *m = mails[i];

		if (mail_is_cover(m)) {
			/* Any newer version's mails supersede it. */
			if (m->subj.version < max_version || s->cover) {
				strvec_pushf(notes, "dropped cover letter %s: "
					     "'%s' (a newer one is there)",
					     mail_where(m, &where), m->subject);
				mail_free(m);
			} else {
				s->cover = m;
			}
			mails[i] = NULL;
			continue;
		}
		if (superseded(newest, newest_nr, m)) {
			strvec_pushf(notes, "dropped v%u of '%s' from %s: a "
				     "newer version is in the input",
				     m->subj.version, m->subj.title,
				     mail_where(m, &where));
			mail_free(m);
			mails[i] = NULL;
			continue;
		}
		if (taken(&seen, m)) {
			strvec_pushf(notes, "dropped duplicate %s: '%s'",
				     mail_where(m, &where), m->subject);
			mail_free(m);
			mails[i] = NULL;
			continue;
		}
		ALLOC_GROW(s->patches, s->nr + 1, s->alloc);
		s->patches[s->nr].file = NULL;
		s->patches[s->nr++].mail = m;
		mails[i] = NULL;
	}
out:
	strbuf_release(&where);
	strset_clear(&seen);
	for (size_t i = 0; i < newest_nr; i++)
		free(newest[i].title);
	free(newest);
	return ret;
}

/* Sort by index when every patch is of one series (same version and N). */
static void order_patches(struct series *s, struct strvec *notes)
{
	const struct mail *first;
	bool one_series = s->nr > 1;

	if (!s->nr)
		return;
	first = s->patches[0].mail;
	for (size_t i = 0; i < s->nr; i++) {
		const struct mail *m = s->patches[i].mail;

		if (!m->subj.total || m->subj.total != first->subj.total ||
		    m->subj.version != first->subj.version)
			one_series = false;
	}
	if (!one_series)
		return;
	qsort(s->patches, s->nr, sizeof(*s->patches), cmp_index);
	if (s->nr != first->subj.total)
		strvec_pushf(notes, "only %zu of the %u patches of v%u are in "
			     "the input", s->nr, first->subj.total,
			     first->subj.version);
}

int series_from_mails(struct series *s, struct mail_list *ml,
		      const char *name, struct strvec *notes)
{
	int ret;

	ret = choose_mails(s, ml->mails, ml->nr, notes);
	/* Whatever was not taken is freed with the list. */
	mail_list_release(ml);
	if (ret < 0)
		return ret;
	if (!s->nr)
		return error_set("no patches in the input");
	order_patches(s, notes);
	for (size_t i = 0; i < s->nr; i++)
		s->patches[i].file = patch_file_name(i + 1, s->patches[i].mail);
	if (s->cover)
		s->cover_file = xstrfmt("0000-cover-letter.%s",
					s->cover->web_archive ? "txt" : "eml");
	if (name) {
		s->name = xstrdup(name);
	} else {
		const struct mail *m = s->cover ? s->cover : s->patches[0].mail;

		s->name = series_slug(m->subj.title ? m->subj.title
						    : m->subject);
	}
	return 0;
}

static void add_person(struct strbuf *sb, const char *key, const char *name,
		       const char *email)
{
	struct strbuf v = STRBUF_INIT;

	if (name && *name)
		strbuf_addstr(&v, name);
	if (email && *email)
		strbuf_addf(&v, "%s<%s>", v.len ? " " : "", email);
	if (v.len)
		cfgtext_value(sb, key, v.buf);
	strbuf_release(&v);
}

static void add_mail_meta(struct strbuf *sb, const struct mail *m)
{
	const struct patch *p = &m->patch;

	cfgtext_value(sb, "subject", m->subject);
	if (m->subj.version > 1)
		strbuf_addf(sb, "\tversion = %u\n", m->subj.version);
	if (m->subj.total)
		strbuf_addf(sb, "\tindex = %u/%u\n", m->subj.index,
			    m->subj.total);
	add_person(sb, "author", m->author_name, m->author_email);
	add_person(sb, "from", m->from_name, m->from_email);
	if (m->date)
		cfgtext_value(sb, "date", m->date);
	if (m->message_id)
		cfgtext_value(sb, "message-id", m->message_id);
	if (m->in_reply_to)
		cfgtext_value(sb, "in-reply-to", m->in_reply_to);
	if (!m->has_patch)
		return;
	if (m->stable.present)
		cfgtext_value(sb, "stable",
			  m->stable.qualifier ? m->stable.qualifier : "yes");
	else
		cfgtext_value(sb, "stable", "no");
	if (m->upstream_commit)
		cfgtext_value(sb, "upstream", m->upstream_commit);
	cfgtext_value(sb, "patch-id", p->patch_id);
	for (size_t i = 0; i < p->nr; i++) {
		const struct patch_file *f = &p->files[i];

		cfgtext_value(sb, "file", f->new_path ? f->new_path : f->old_path);
	}
	for (size_t i = 0; i < p->damage_nr; i++) {
		struct strbuf d = STRBUF_INIT;

		strbuf_addf(&d, "%u: %s: %s", p->damage[i].line,
			    patch_damage_name(p->damage[i].kind),
			    p->damage[i].detail);
		cfgtext_value(sb, "damage", d.buf);
		strbuf_release(&d);
	}
}

static void format_series_file(struct strbuf *sb, const struct series *s)
{
	strbuf_addstr(sb,
		"# A patch series, imported by `backport import`.\n"
		"# The patches apply in the order of the [patch] sections.\n"
		"# The mails beside this file are the truth; the values here\n"
		"# are for reading, except `stable`, which may be edited to\n"
		"# override a patch's stable tag (e.g. \"6.1+\" or \"no\").\n");
	strbuf_addstr(sb, "[series]\n");
	cfgtext_value(sb, "name", s->name);
	strbuf_addf(sb, "\tpatches = %zu\n", s->nr);
	if (s->cover) {
		strbuf_addf(sb, "[cover \"%s\"]\n", s->cover_file);
		add_mail_meta(sb, s->cover);
	}
	for (size_t i = 0; i < s->nr; i++) {
		strbuf_addf(sb, "[patch \"%s\"]\n", s->patches[i].file);
		add_mail_meta(sb, s->patches[i].mail);
	}
}

static int write_mail(const char *dir, const char *file, const struct mail *m)
{
	char *path = xstrfmt("%s/%s", dir, file);
	int ret = write_file_atomic(path, m->raw, m->raw_len);

	free(path);
	return ret;
}

int series_write(const struct series *s, const char *root, bool replace)
{
	struct strbuf tmp = STRBUF_INIT, text = STRBUF_INIT;
	char *dir = series_dir(root, s->name), *old = NULL, *path = NULL;
	int ret = -1;

	if (path_exists(dir) && !replace) {
		error_set("series '%s' exists already in '%s' (use --replace "
			  "to replace it)", s->name, dir);
		goto out;
	}
	if (mkdir_p(root, 0755) < 0)
		goto out;
	strbuf_addf(&tmp, "%s/.tmp-%s.%d", root, s->name, (int)getpid());
	if (remove_tree(tmp.buf) < 0 || mkdir_p(tmp.buf, 0755) < 0)
		goto out;
	if (s->cover && write_mail(tmp.buf, s->cover_file, s->cover) < 0)
		goto out_tmp;
	for (size_t i = 0; i < s->nr; i++)
		if (write_mail(tmp.buf, s->patches[i].file,
			       s->patches[i].mail) < 0)
			goto out_tmp;
	format_series_file(&text, s);
	path = xstrfmt("%s/series", tmp.buf);
	if (write_file_atomic(path, text.buf, text.len) < 0)
		goto out_tmp;
	if (path_exists(dir)) {
		old = xstrfmt("%s/.old-%s.%d", root, s->name, (int)getpid());
		if (rename(dir, old) < 0) {
			error_errno("cannot move '%s' aside", dir);
			goto out_tmp;
		}
	}
	if (rename(tmp.buf, dir) < 0) {
		error_errno("cannot rename '%s' to '%s'", tmp.buf, dir);
		if (old && rename(old, dir) < 0)
			error_errno("cannot restore '%s' from '%s'", dir, old);
		goto out_tmp;
	}
	if (old)
		remove_tree(old);
	ret = 0;
	goto out;
out_tmp:
	remove_tree(tmp.buf);
out:
	free(path);
	free(old);
	free(dir);
	strbuf_release(&tmp);
	strbuf_release(&text);
	return ret;
}

/*
 * Is `value` what the series file says of the mail's own stable tag (as
 * format_series_file() wrote it), rather than a person's override?
 */
static bool is_own_stable(const struct mail *m, const char *value)
{
	const char *mine =
		m->stable.present ?
			(m->stable.qualifier ? m->stable.qualifier : "yes") :
			"no";

	return !strcmp(value, mine);
}

/* Apply the series file's `stable` override (see is_own_stable()). */
static int apply_stable_override(struct mail *m, const char *value,
				 const char *file)
{
	if (!value || is_own_stable(m, value))
		return 0;
	free(m->stable.qualifier);
	memset(&m->stable, 0, sizeof(m->stable));
	if (!strcmp(value, "no"))
		return 0;
	m->stable.present = true;
	if (!strcmp(value, "yes"))
		return 0;
	m->stable.qualifier = xstrdup(value);
	if (stable_tag_parse_qualifier(&m->stable, value) < 0)
		return error_prefix("patch '%s': stable = '%s': ", file, value);
	return 0;
}

/* Read one mail of a series: it must hold exactly one mail. */
static int load_mail(struct mail **out, const char *dir, const char *file)
{
	struct mail_list ml = MAIL_LIST_INIT;
	char *path = xstrfmt("%s/%s", dir, file);
	int ret = -1;

	if (mail_read_file(&ml, path) < 0)
		goto out;
	if (ml.nr != 1) {
		error_set("'%s' holds %zu mails, not one", path, ml.nr);
		goto out;
	}
	*out = ml.mails[0];
	ml.nr = 0;
	ret = 0;
out:
	mail_list_release(&ml);
	free(path);
	return ret;
}

struct load_state {
	struct series *s;
	const char *dir;
	const char *path; /* the series file, for messages */
	char *cur; /* the section read last ... */
	bool cur_cover; /* ... a cover section ... */
	size_t cur_patch; /* ... else this patch's */
	/*
	 * Per patch, the last `stable` value that is not the mail's own
	 * (wherever it stands in the file), applied once all is read.
	 */
	char **overrides;
	size_t overrides_alloc;
	int ret;
};

/* The patch loaded from `file`, else NULL. */
static struct series_patch *find_patch(const struct series *s, const char *file)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->patches[i].file, file))
			return &s->patches[i];
	return NULL;
}

/*
 * A [cover "FILE"] or [patch "FILE"] section: load the mail when it is
 * new. Each section is found by its name, so that a value lands on its
 * own patch wherever its section is repeated in the file.
 */
static int load_section(struct load_state *st, const char *file, bool is_cover)
{
	struct series *s = st->s;
	struct series_patch *sp;
	struct mail *m = NULL;

	if (st->cur && !strcmp(st->cur, file) && st->cur_cover == is_cover)
		return 0;
	sp = find_patch(s, file);
	free(st->cur);
	st->cur = xstrdup(file);
	st->cur_cover = is_cover;
	if (is_cover ? sp != NULL :
		       s->cover_file && !strcmp(s->cover_file, file))
		return error_set(
			"'%s': '%s' is both the cover letter and a patch",
			st->path, file);
	if (is_cover) {
		if (s->cover_file && strcmp(s->cover_file, file))
			return error_set(
				"'%s': two cover letters, '%s' and '%s'",
				st->path, s->cover_file, file);
		if (s->cover)
			return 0;
	} else if (sp) {
		st->cur_patch = sp - s->patches;
		return 0;
	}
	if (load_mail(&m, st->dir, file) < 0)
		return -1;
	if (is_cover) {
		s->cover = m;
		s->cover_file = xstrdup(file);
		return 0;
	}
	ALLOC_GROW(s->patches, s->nr + 1, s->alloc);
	ALLOC_GROW(st->overrides, s->nr + 1, st->overrides_alloc);
	s->patches[s->nr].file = xstrdup(file);
	s->patches[s->nr].mail = m;
	st->overrides[s->nr] = NULL;
	st->cur_patch = s->nr++;
	return 0;
}

/* Note a `stable` value of the current patch, if it is an override. */
static void note_override(struct load_state *st, const char *value)
{
	const struct mail *m = st->s->patches[st->cur_patch].mail;

	if (!value || is_own_stable(m, value))
		return;
	free(st->overrides[st->cur_patch]);
	st->overrides[st->cur_patch] = xstrdup(value);
}

static int load_entry(const git_config_entry *e, void *data)
{
	struct load_state *st = data;
	const char *name = e->name, *sub, *dot;
	char *file;
	bool is_cover;
	int ret = 0;

	if (!(is_cover = skip_prefix(name, "cover.", &sub)) &&
	    !skip_prefix(name, "patch.", &sub))
		return 0;
	dot = strrchr(sub, '.');
	if (!dot || dot == sub)
		return 0;
	file = xstrndup(sub, dot - sub);
	if (strchr(file, '/') || file[0] == '.')
		ret = error_set("'%s': bad patch name '%s'", st->path, file);
	else
		ret = load_section(st, file, is_cover);
	if (!ret && !is_cover && !strcmp(dot + 1, "stable"))
		note_override(st, e->value);
	free(file);
	if (ret < 0) {
		st->ret = -1;
		return -1;
	}
	return 0;
}

int series_load(struct series *s, const char *root, const char *name)
{
	struct load_state st = { .s = s };
	git_config *cfg = NULL;
	char *dir = series_dir(root, name);
	char *path = xstrfmt("%s/series", dir);
	int ret = -1;

	s->name = xstrdup(name);
	st.dir = dir;
	st.path = path;
	if (!path_exists(path)) {
		error_set("no series '%s' (no file '%s')", name, path);
		goto out;
	}
	if (git_config_open_ondisk(&cfg, path) < 0) {
		error_git("cannot read '%s'", path);
		goto out;
	}
	if (git_config_foreach(cfg, load_entry, &st) < 0) {
		if (!st.ret)
			error_git("cannot read '%s'", path);
		goto out;
	}
	if (!s->nr) {
		error_set("series '%s' lists no patches in '%s'", name, path);
		goto out;
	}
	for (size_t i = 0; i < s->nr; i++)
		if (apply_stable_override(s->patches[i].mail, st.overrides[i],
					  s->patches[i].file) < 0) {
			error_prefix("'%s': ", path);
			goto out;
		}
	ret = 0;
out:
	for (size_t i = 0; i < s->nr; i++)
		free(st.overrides[i]);
	free(st.overrides);
	git_config_free(cfg);
	free(st.cur);
	free(path);
	free(dir);
	return ret;
}

int series_list(struct strvec *names, const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 :
			error_errno("cannot read directory '%s'", root);
	while ((de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = xstrfmt("%s/%s/series", root, de->d_name);
		if (path_exists(p))
			strvec_push(names, de->d_name);
		free(p);
	}
	closedir(d);
	strvec_sort(names);
	return 0;
}

static json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *person_json(const char *name, const char *email)
{
	return json_pack("{s:o, s:o}", "name", json_str_or_null(name),
			 "email", json_str_or_null(email));
}

static const char *file_status_name(enum patch_file_status st)
{
	switch (st) {
	case PATCH_FILE_ADDED:
		return "added";
	case PATCH_FILE_DELETED:
		return "deleted";
	case PATCH_FILE_RENAMED:
		return "renamed";
	case PATCH_FILE_COPIED:
		return "copied";
	case PATCH_FILE_MODIFIED:
		break;
	}
	return "modified";
}

static json_t *patch_json(const struct patch *p)
{
	json_t *files = json_array(), *damage = json_array();

	for (size_t i = 0; i < p->nr; i++) {
		const struct patch_file *f = &p->files[i];
		unsigned add = 0, del = 0;

		for (size_t h = 0; h < f->nr; h++)
			for (size_t l = 0; l < f->hunks[h].nr; l++) {
				char k = f->hunks[h].lines[l].kind;

				add += k == PATCH_LINE_ADD;
				del += k == PATCH_LINE_DEL;
			}
		json_array_append_new(files, json_pack(
			"{s:o, s:o, s:s, s:i, s:i, s:i}",
			"old_path", json_str_or_null(f->old_path),
			"new_path", json_str_or_null(f->new_path),
			"status", file_status_name(f->status),
			"hunks", (int)f->nr, "added", (int)add,
			"removed", (int)del));
	}
	for (size_t i = 0; i < p->damage_nr; i++)
		json_array_append_new(damage, json_pack(
			"{s:i, s:s, s:s}", "line", (int)p->damage[i].line,
			"kind", patch_damage_name(p->damage[i].kind),
			"detail", p->damage[i].detail));
	return json_pack("{s:s, s:o, s:b, s:o, s:i, s:i}",
			 "patch_id", p->patch_id, "files", files,
			 "damaged", p->damage_nr > 0, "damage", damage,
			 "added", (int)p->added, "removed", (int)p->removed);
}

static json_t *mail_json(const struct mail *m, const char *file)
{
	json_t *trailers = json_array(), *o;

	for (size_t i = 0; i < m->trailers_nr; i++) {
		const struct trailer *t = &m->trailers[i];
		json_t *tj = json_pack("{s:s, s:s, s:o, s:i}", "key", t->key,
				       "value", t->value, "comment",
				       json_str_or_null(t->comment), "line",
				       (int)t->line);

		if (t->kind == TRAILER_FIXES) {
			json_object_set_new(tj, "fixes_sha",
					    json_str_or_null(t->fixes_sha));
			json_object_set_new(tj, "fixes_subject",
					    json_str_or_null(t->fixes_subject));
		}
		json_array_append_new(trailers, tj);
	}
	o = json_pack("{s:s, s:s, s:s, s:{s:b, s:b, s:b, s:i, s:i, s:i, s:o}, "
		      "s:o, s:o, s:o, s:o, s:o, s:b, s:o}",
		      "file", file, "subject", m->subject, "title",
		      m->subj.title ? m->subj.title : m->subject, "prefix",
		      "patch", m->subj.is_patch, "rfc", m->subj.rfc, "resend",
		      m->subj.resend, "version", (int)m->subj.version, "index",
		      (int)m->subj.index, "total", (int)m->subj.total, "text",
		      json_str_or_null(m->subj.prefix), "author",
		      person_json(m->author_name, m->author_email), "from",
		      person_json(m->from_name, m->from_email), "date",
		      json_str_or_null(m->date), "message_id",
		      json_str_or_null(m->message_id), "in_reply_to",
		      json_str_or_null(m->in_reply_to), "web_archive",
		      m->web_archive, "trailers", trailers);
	if (!m->has_patch)
		return o;
	json_object_set_new(o, "stable", json_pack(
		"{s:b, s:o, s:o, s:o}", "present", m->stable.present,
		"qualifier", json_str_or_null(m->stable.qualifier),
		"min", m->stable.min ? json_sprintf("%u.%u",
			m->stable.min / 1000, m->stable.min % 1000) : json_null(),
		"max", m->stable.max ? json_sprintf("%u.%u",
			m->stable.max / 1000, m->stable.max % 1000) :
			json_null()));
	json_object_set_new(o, "upstream_commit",
			    json_str_or_null(m->upstream_commit));
	json_object_set_new(o, "patch", patch_json(&m->patch));
	return o;
}

json_t *series_to_json(const struct series *s)
{
	json_t *patches = json_array();

	for (size_t i = 0; i < s->nr; i++)
		json_array_append_new(patches,
				      mail_json(s->patches[i].mail,
						s->patches[i].file));
	return json_pack("{s:s, s:o, s:o}", "name", s->name, "cover",
			 s->cover ? mail_json(s->cover, s->cover_file) :
				    json_null(),
			 "patches", patches);
}
