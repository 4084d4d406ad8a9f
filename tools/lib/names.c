// SPDX-License-Identifier: GPL-2.0
/*
 * names: the identifiers a patch uses, the functions its added lines
 * call, and which of them the branch has nowhere. See names.h.
 */
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "names.h"
#include "scope.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static bool is_keyword(const char *s, size_t n)
{
	static const char *const kw[] = {
		"if",	      "for",	   "while",	 "switch",
		"return",     "sizeof",	   "defined",	 "typeof",
		"__typeof__", "do",	   "case",	 "else",
		"likely",     "unlikely",  "WARN_ON",	 "WARN_ON_ONCE",
		"BUG_ON",     "READ_ONCE", "WRITE_ONCE", "container_of",
		"ARRAY_SIZE", "min",	   "max",
	};

	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (strlen(kw[i]) == n && !strncmp(kw[i], s, n))
			return true;
	return false;
}

/* Add every identifier of the `kind` lines of `p` to `set`. */
void names_of(struct strset *set, const struct patch *p, char kind)
{
	for (size_t f = 0; f < p->nr; f++)
		for (size_t k = 0; k < p->files[f].nr; k++) {
			const struct patch_hunk *h = &p->files[f].hunks[k];

			for (size_t i = 0; i < h->nr; i++) {
				const char *s = h->lines[i].text;
				const char *end = s + h->lines[i].len;

				if (h->lines[i].kind != kind)
					continue;
				while (s < end) {
					const char *b = s;

					if (!ident_start((unsigned char)*s)) {
						s++;
						continue;
					}
					while (s < end &&
					       ident_char((unsigned char)*s))
						s++;
					strset_addn(set, b, s - b);
				}
			}
		}
}

/* What the whole series adds, once per target. */
static void load_series_names(struct judge *j)
{
	struct apply_target *t = j->t;

	if (t->series_names || !j->series)
		return;
	t->series_nr = j->series->nr;
	t->patch_added = xcalloc(t->series_nr + 1, sizeof(*t->patch_added));
	for (size_t i = 0; i < j->series->nr; i++) {
		const struct patch *p = &j->series->patches[i].mail->patch;

		names_of(&t->series_added, p, PATCH_LINE_ADD);
		names_of(&t->patch_added[i], p, PATCH_LINE_ADD);
	}
	t->series_names = true;
}

/*
 * The identifier a hunk header's definition is known by: the function
 * before '(' (a macro's first argument: SYSCALL_DEFINE3(open), else the
 * last identifier before '=', '[' or '{' ("__ata_dev_quirks" of "static
 * const struct ata_dev_quirks_entry __ata_dev_quirks[] = {"). NULL when
 * none. Caller frees.
 */
static char *section_ident(const char *sec)
{
	const char *name, *stop, *b = NULL, *e = NULL;
	size_t n;

	if (!sec || !*sec)
		return NULL;
	if (scope_name(sec, strlen(sec), &name, &n)) {
		const char *end = name + n;

		/* The last identifier of the name (a macro's argument). */
		for (const char *p = name; p < end; p++)
			if (ident_start((unsigned char)*p) &&
			    (p == name || !ident_char((unsigned char)p[-1]))) {
				b = p;
				for (e = p;
				     e < end && ident_char((unsigned char)*e);)
					e++;
			}
		return b && e - b >= 3 ? xstrndup(b, e - b) : NULL;
	}
	stop = sec + strcspn(sec, "=[{");
	for (const char *p = sec; p < stop; p++)
		if (ident_start((unsigned char)*p) &&
		    (p == sec || !ident_char((unsigned char)p[-1]))) {
			b = p;
			for (e = p; e < stop && ident_char((unsigned char)*e);)
				e++;
		}
	return b && e - b >= 3 ? xstrndup(b, e - b) : NULL;
}

/*
 * The function a hunk changes: a definition head among its own old
 * lines up to its first change (the change may be to the head itself,
 * which git's header then does not name), else its header's. Caller
 * frees; NULL when none.
 */
char *names_hunk(const struct patch_hunk *h)
{
	const struct patch_line *head = NULL;

	for (size_t i = 0; i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];

		if (l->kind == PATCH_LINE_ADD)
			break;
		if (scope_is_head(l->text, l->len)) {
			char *t = xstrndup(l->text, l->len);
			char *name = section_ident(t);

			free(t);
			if (name) {
				free(name);
				head = l;
			}
		}
		if (l->kind == PATCH_LINE_DEL)
			break;
	}
	if (head) {
		char *t = xstrndup(head->text, head->len);
		char *name = section_ident(t);

		free(t);
		return name;
	}
	return section_ident(h->section);
}

/* Files holding `word` in the base tree (at most `max`); its count. */
size_t names_files(const struct wordindex *wi, const char *word,
		   struct strvec *out, size_t max)
{
	uint32_t files[WORDINDEX_MAX_FILES];
	size_t count, n = wordindex_lookup(wi, word, files, max, &count);

	for (size_t i = 0; out && i < n; i++)
		strvec_push(out, wordindex_file(wi, files[i]));
	return count;
}

/*
 * The next identifier of three characters or more of line `norm` from *p
 * on: its start, with *p just past it; NULL at the end of the line.
 */
static const char *next_word(const char **p, const char *norm)
{
	while (**p) {
		const char *b = *p;

		if (!ident_start((unsigned char)**p) ||
		    (*p > norm && ident_char((unsigned char)(*p)[-1]))) {
			(*p)++;
			continue;
		}
		while (ident_char((unsigned char)**p))
			(*p)++;
		if (*p - b >= 3)
			return b;
	}
	return NULL;
}

/*
 * The rarest identifier of line `norm` in the tree: its count (0: some
 * identifier of the line is nowhere) and, when at most `max` files hold
 * it, those files in `out`.
 */
size_t names_rarest(const struct wordindex *wi, const char *norm,
		    struct strvec *out, size_t max)
{
	size_t best = SIZE_MAX;
	char *bw = NULL;

	for (const char *p = norm, *b; (b = next_word(&p, norm));) {
		char *w = xstrndup(b, p - b);
		size_t c = names_files(wi, w, NULL, 0);

		if (c < best) {
			best = c;
			free(bw);
			bw = w;
		} else {
			free(w);
		}
	}
	if (bw && best && best <= max)
		names_files(wi, bw, out, max);
	free(bw);
	return best;
}

/* Does some identifier of line `norm` stand in no file of the branch? */
bool names_unknown_word(const struct wordindex *wi, const char *norm)
{
	return names_rarest(wi, norm, NULL, 0) == 0;
}

/*
 * Does line `norm` name something the branch has nowhere, among `only`
 * (the names the patched code still uses)?
 */
bool names_unknown_used(const struct wordindex *wi, const char *norm,
			const struct strset *only)
{
	for (const char *p = norm, *b; (b = next_word(&p, norm));) {
		char *w = xstrndup(b, p - b);
		bool unknown = strset_has(only, w) &&
			       !names_files(wi, w, NULL, 0);

		free(w);
		if (unknown)
			return true;
	}
	return false;
}

/* Add every identifier of [s, end) to `out`. */
static void add_names(struct strset *out, const char *s, const char *end)
{
	while (s < end) {
		const char *b = s;

		if (!ident_start((unsigned char)*s)) {
			s++;
			continue;
		}
		while (s < end && ident_char((unsigned char)*s))
			s++;
		strset_addn(out, b, s - b);
	}
}

/*
 * The code of one line, comments and literals blanked: a name in a
 * comment or a string is no call. A line that continues a block comment
 * (" * ...") is all comment.
 */
static char *code_of(const char *text, size_t len)
{
	char *c = xstrndup(text, len);
	size_t i = 0;
	char quote = 0;

	while (i < len && (c[i] == ' ' || c[i] == '\t'))
		i++;
	if (i < len && (c[i] == '*' || !strncmp(c + i, "/*", 2))) {
		c[0] = '\0';
		return c;
	}
	for (; i < len; i++) {
		if (quote) {
			if (c[i] == '\\' && i + 1 < len)
				c[i++] = ' ';
			else if (c[i] == quote)
				quote = 0;
			c[i] = ' ';
		} else if (c[i] == '"' || c[i] == '\'') {
			quote = c[i];
			c[i] = ' ';
		} else if (!strncmp(c + i, "//", 2)) {
			c[i] = '\0';
			break;
		} else if (!strncmp(c + i, "/*", 2)) {
			char *e = strstr(c + i + 2, "*/");
			size_t stop = e ? (size_t)(e - c) + 2 : len;

			memset(c + i, ' ', stop - i);
			i = stop - 1;
		}
	}
	return c;
}

/* The functions (and function-like macros) a line calls. */
static void add_calls(struct strvec *out, const char *line, size_t len)
{
	char *code = code_of(line, len);
	const char *text = code, *s = code, *end = code + strlen(code);

	while (s < end) {
		const char *b = s, *q;
		bool member;

		if (!ident_start((unsigned char)*s) ||
		    (s > text && ident_char((unsigned char)s[-1]))) {
			s++;
			continue;
		}
		while (s < end && ident_char((unsigned char)*s))
			s++;
		for (q = s; q < end && (*q == ' ' || *q == '\t');)
			q++;
		member = b > text &&
			 (b[-1] == '.' ||
			  (b - text >= 2 && b[-1] == '>' && b[-2] == '-'));
		if (q < end && *q == '(' && s - b >= 3 && !member &&
		    !is_keyword(b, s - b)) {
			char *w = xstrndup(b, s - b);

			if (!strvec_has(out, w))
				strvec_push(out, w);
			/*
			 * CLASS(name, var), guard(name): the cleanup class
			 * (DEFINE_CLASS, DEFINE_GUARD) is a helper too.
			 */
			if (!strcmp(w, "CLASS") || !strcmp(w, "guard") ||
			    !strcmp(w, "scoped_guard") ||
			    !strcmp(w, "scoped_cond_guard")) {
				const char *a = q + 1, *ae;

				while (a < end && (*a == ' ' || *a == '\t'))
					a++;
				for (ae = a; ae < end &&
					     ident_char((unsigned char)*ae);)
					ae++;
				if (ae - a >= 3) {
					free(w);
					w = xstrndup(a, ae - a);
					if (!strvec_has(out, w))
						strvec_push(out, w);
				}
			}
			free(w);
		}
	}
	free(code);
}

/*
 * The later patch of the series that adds `name`, or NULL: a helper the
 * series brings after the patch that uses it.
 */
static const struct series_patch *added_later(const struct judge *j,
					      const char *name)
{
	const struct apply_target *t = j->t;

	for (size_t i = j->index + 1; j->series && i < t->series_nr; i++)
		if (strset_has(&t->patch_added[i], name))
			return &j->series->patches[i];
	return NULL;
}

/*
 * trace_<event>(), trace_<event>_enabled(), ...: generated by
 * TRACE_EVENT(<event>, ...), so named by no file; the event is.
 */
static bool tracepoint_known(const struct wordindex *wi, const char *name)
{
	static const char *const pre[] = { "trace_", "register_trace_",
					   "unregister_trace_" };
	bool known = false;

	for (size_t i = 0; i < ARRAY_SIZE(pre) && !known; i++) {
		const char *ev;
		char *e;

		if (!skip_prefix(name, pre[i], &ev))
			continue;
		e = xstrdup(ev);
		if (ends_with(e, "_enabled"))
			e[strlen(e) - strlen("_enabled")] = '\0';
		known = names_files(wi, e, NULL, 0) > 0;
		free(e);
	}
	return known;
}

/*
 * A name made by token pasting (BTRFS_SETGET_FUNCS(inode_sequence, ...)
 * makes btrfs_set_inode_sequence()) is in no file; the pasted part is:
 * some tail of the name after a '_', with a '_' of its own and at least
 * eight characters, that the tree names.
 */
static bool pasted_known(const struct wordindex *wi, const char *name)
{
	for (const char *p = strchr(name, '_'); p; p = strchr(p + 1, '_')) {
		const char *tail = p + 1;

		if (strlen(tail) >= 8 && strchr(tail, '_') &&
		    names_files(wi, tail, NULL, 0))
			return true;
	}
	return false;
}

/*
 * The functions its added lines call that the branch has nowhere: no
 * file of the tree names them, the patch does not define them (as a
 * function or a macro), and no earlier patch of the series that went in
 * added them. A fix that calls a helper the branch lacks needs
 * adapting, however cleanly it applies.
 */
int names_missing_helpers(struct judge *j, struct strvec *out,
			  struct strvec *later)
{
	const struct apply_target *t = j->t;
	struct strset known = STRSET_INIT;
	struct strvec calls = STRVEC_INIT;
	const struct wordindex *wi = NULL;
	int ret = 0;

	names_of(&known, j->patch, PATCH_LINE_CONTEXT);
	names_of(&known, j->patch, PATCH_LINE_DEL);
	for (size_t f = 0; f < j->patch->nr; f++)
		for (size_t k = 0; k < j->patch->files[f].nr; k++) {
			const struct patch_hunk *h =
				&j->patch->files[f].hunks[k];
			const char *path = j->patch->files[f].new_path;

			/* Kernel C only: tools/ and scripts/ link libraries. */
			if (!path ||
			    !(ends_with(path, ".c") || ends_with(path, ".h")) ||
			    starts_with(path, "tools/") ||
			    starts_with(path, "scripts/"))
				continue;

			for (size_t i = 0; i < h->nr; i++) {
				const struct patch_line *l = &h->lines[i];

				if (l->kind != PATCH_LINE_ADD)
					continue;
				if (scope_is_head(l->text, l->len) ||
				    !strncmp(l->text, "#define", 7))
					add_names(&known, l->text,
						  l->text + l->len);
				else
					add_calls(&calls, l->text, l->len);
			}
		}
	for (size_t i = 0; i < calls.nr && !ret; i++) {
		const struct series_patch *by;

		if (strset_has(&known, calls.v[i]) ||
		    strset_has(&t->added_names, calls.v[i]))
			continue;
		if (!wi && !(wi = judge_words(j))) {
			ret = -1;
			break;
		}
		if (names_files(wi, calls.v[i], NULL, 0) ||
		    tracepoint_known(wi, calls.v[i]) ||
		    pasted_known(wi, calls.v[i]))
			continue;
		load_series_names(j);
		by = strset_has(&t->series_added, calls.v[i]) ?
			     added_later(j, calls.v[i]) :
			     NULL;
		if (by)
			strvec_pushf(later, "%s() from %s", calls.v[i],
				     by->file);
		else
			strvec_push(out, calls.v[i]);
	}
	strset_clear(&known);
	strvec_clear(&calls);
	return ret;
}

/* Identifiers of the old side of `h` that no file of the branch names. */
void names_unknown(struct strvec *out, const struct wordindex *wi,
		   const struct patch_hunk *h)
{
	for (size_t i = 0; i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];
		const char *s = l->text, *end = l->text + l->len;

		if (l->kind == PATCH_LINE_ADD)
			continue;
		while (s < end) {
			const char *b = s;
			char *w;

			if (!ident_start((unsigned char)*s) ||
			    (s > l->text && ident_char((unsigned char)s[-1]))) {
				s++;
				continue;
			}
			while (s < end && ident_char((unsigned char)*s))
				s++;
			if (s - b < 3)
				continue;
			w = xstrndup(b, s - b);
			if (!names_files(wi, w, NULL, 0)) {
				/* Shown as called: "is_mirror_sptep()". */
				char *shown = s < end && *s == '(' ?
						      xstrfmt("%s()", w) :
						      xstrdup(w);

				if (!strvec_has(out, shown))
					strvec_push(out, shown);
				free(shown);
			}
			free(w);
		}
	}
}
