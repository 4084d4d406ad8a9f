// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-mail: one file of mail in any form mail_read_file() takes (RFC 822
 * mail, mbox, web-archive text), then what `import` does with the mails:
 * series_from_mails() and series_to_json(). Properties: mails start on
 * increasing lines, a diff starts after its mail.
 */
#include "fuzz.h"
#include "lib/mail.h"
#include "lib/series.h"
#include "util/strbuf.h"
#include "util/strvec.h"

static int fuzz_mail_check(const struct mail_list *ml)
{
	unsigned line = 0;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < ml->nr; i++) {
		const struct mail *m = ml->mails[i];

		if (m->line <= line || (m->has_patch && m->diff_line < m->line))
			return 1;
		line = m->line;
		if (m->has_patch)
			patch_to_text(&sb, &m->patch);
		stable_tag_wants(&m->stable, 6012);
		strbuf_reset(&sb);
	}
	strbuf_release(&sb);
	return 0;
}

FUZZ_TARGET(mail)
{
	struct mail_list ml = MAIL_LIST_INIT;
	struct series s = SERIES_INIT;
	struct strvec notes = STRVEC_INIT;
	char *path = fuzz_write("mail", data, size);
	int ret = 0;

	if (mail_read_file(&ml, path) < 0)
		goto out;
	ret = fuzz_mail_check(&ml);
	if (!ret && !series_from_mails(&s, &ml, NULL, &notes)) {
		json_t *j = series_to_json(&s);
		char *text = json_dumps(j, 0);

		free(text);
		json_decref(j);
	}
out:
	series_release(&s);
	strvec_clear(&notes);
	mail_list_release(&ml);
	free(path);
	return ret;
}
