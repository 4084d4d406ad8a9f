// SPDX-License-Identifier: GPL-2.0
/*
 * remote: QEMU on another host over ssh, its files shipped with rsync.
 * See remote.h.
 */
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "remote.h"
#include "util/error.h"
#include "util/run-command.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

int remote_host_parse(struct remote_host *h, const char *spec)
{
	const char *s = spec, *colon;

	h->spec = xstrdup(spec);
	if (skip_prefix(spec, "ssh://", &s)) {
		colon = strrchr(s, ':');
		if (colon) {
			char *end;
			unsigned long port = strtoul(colon + 1, &end, 10);

			if (*end || !port || port > 65535 || end == colon + 1)
				return error_set("test host '%s': bad port",
						 spec);
			h->port = port;
			h->dest = xstrndup(s, colon - s);
		}
	}
	if (!h->dest)
		h->dest = xstrdup(s);
	if (!*h->dest || *h->dest == '-' || strpbrk(h->dest, " \t/"))
		return error_set("test host '%s': not [user@]host or "
				 "ssh://[user@]host[:port]",
				 spec);
	return 0;
}

void remote_host_release(struct remote_host *h)
{
	free(h->spec);
	free(h->dest);
	h->spec = h->dest = NULL;
	h->port = 0;
}

int remote_hosts_from_matrix(struct remote_host **hosts, size_t *nr,
			     const struct matrix *m)
{
	size_t alloc = 0;
	bool in_matrix = false;

	*hosts = NULL;
	*nr = 0;
	/* The matrix's hosts, if it names any, replace the user's. */
	for (size_t i = 0; i < m->entries_nr; i++)
		in_matrix |= !m->entries[i].user &&
			     !strcmp(m->entries[i].section, "test") &&
			     !*m->entries[i].sub &&
			     !strcmp(m->entries[i].key, "hosts");
	for (size_t i = 0; i < m->entries_nr; i++) {
		const struct matrix_entry *e = &m->entries[i];
		const char *s = e->value;

		if (strcmp(e->section, "test") || *e->sub ||
		    strcmp(e->key, "hosts") || (e->user && in_matrix))
			continue;
		if (!*s) {
			remote_hosts_free(*hosts, *nr);
			*hosts = NULL;
			*nr = alloc = 0;
		}
		while (*s) {
			size_t n;
			char *spec;
			int ret;

			s += strspn(s, " \t");
			n = strcspn(s, " \t");
			if (!n)
				break;
			ALLOC_GROW(*hosts, *nr + 1, alloc);
			memset(&(*hosts)[*nr], 0, sizeof(**hosts));
			spec = xstrndup(s, n);
			ret = remote_host_parse(&(*hosts)[(*nr)++], spec);
			free(spec);
			if (ret < 0)
				return error_prefix("matrix '%s': ", m->path);
			s += n;
		}
	}
	return 0;
}

void remote_hosts_free(struct remote_host *hosts, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		remote_host_release(&hosts[i]);
	free(hosts);
}

/* Split at blanks, with '...' and "..." quoting (no escapes). */
static void split_words(struct strvec *out, const char *s)
{
	struct strbuf w = STRBUF_INIT;
	bool in_word = false;
	char quote = 0;

	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			else
				strbuf_addch(&w, *s);
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			in_word = true;
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (in_word)
				strvec_push(out, w.buf);
			strbuf_reset(&w);
			in_word = false;
		} else {
			strbuf_addch(&w, *s);
			in_word = true;
		}
	}
	if (in_word)
		strvec_push(out, w.buf);
	strbuf_release(&w);
}

void remote_ssh_args(struct strvec *out, const struct remote *r)
{
	strvec_pushl(out, "ssh", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
		     "-o", "ConnectTimeout=30", "-o", "ServerAliveInterval=15",
		     "-o", "ServerAliveCountMax=4", NULL);
	if (r->host->port) {
		strvec_push(out, "-p");
		strvec_pushf(out, "%u", r->host->port);
	}
	if (r->ssh_options)
		split_words(out, r->ssh_options);
	strvec_pushl(out, "--", r->host->dest, NULL);
}

static void sq_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

char *remote_command_line(const char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; argv[i]; i++) {
		if (i)
			strbuf_addch(&sb, ' ');
		sq_quote(&sb, argv[i]);
	}
	return strbuf_detach(&sb, NULL);
}

/* rsync's -e: the ssh argv without the destination, as one string. */
static char *rsync_rsh(const struct remote *r)
{
	struct strvec ssh = STRVEC_INIT;
	char *s;

	remote_ssh_args(&ssh, r);
	/* rsync adds the destination itself, after its own words. */
	free(ssh.v[--ssh.nr]);
	free(ssh.v[--ssh.nr]);
	ssh.v[ssh.nr] = NULL;
	s = remote_command_line((const char *const *)ssh.v);
	strvec_clear(&ssh);
	return s;
}

/* The host's answer to the set-up command: "cpu MHz ...: N" and "kvm". */
static void read_probe(const struct strbuf *out, unsigned long *tsc_khz,
		       bool *kvm)
{
	const char *p = strstr(out->buf, "cpu MHz");

	*tsc_khz = 0;
	if (p && (p = strchr(p, ':')))
		*tsc_khz = (unsigned long)(strtod(p + 1, NULL) * 1000 + 0.5);
	*kvm = strstr(out->buf, "\nkvm-usable") != NULL ||
	       starts_with(out->buf, "kvm-usable");
}

/* ssh failed: the error names the host and says what ssh said. */
static int host_error(const struct remote *r, const char *what,
		      const struct child_process *cp, const struct strbuf *out)
{
	struct strbuf msg = STRBUF_INIT;

	if (out && out->len) {
		strbuf_addbuf(&msg, out);
		strbuf_trim(&msg);
	} else {
		strbuf_addf(&msg, "exit status %d", cp->exit_code);
	}
	error_set("host '%s': %s: %s", r->host->spec, what, msg.buf);
	strbuf_release(&msg);
	return -1;
}

int remote_ship(const struct remote *r, const char *const *files,
		unsigned long *tsc_khz, bool *kvm)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT, cmd = STRBUF_INIT;
	char *rsh = NULL;
	int ret = -1;

	remote_ssh_args(&cp.args, r);
	strbuf_addstr(&cmd, "mkdir -p ");
	sq_quote(&cmd, r->dir);
	strbuf_addstr(&cmd, " && { grep -m 1 '^cpu MHz' /proc/cpuinfo; "
			    "test -c /dev/kvm && test -r /dev/kvm && "
			    "test -w /dev/kvm && ! test -d /sys/module/kvm_pvm "
			    "&& echo kvm-usable; true; } 2>&1");
	strvec_push(&cp.args, cmd.buf);
	cp.out = &out;
	cp.stream = true; /* ssh's own errors too */
	cp.timeout_ms = 120 * 1000;
	if (run_command(&cp) < 0)
		goto out;
	if (cp.exit_code || cp.timed_out) {
		host_error(r, "cannot reach it", &cp, &out);
		goto out;
	}
	read_probe(&out, tsc_khz, kvm);
	child_process_release(&cp);
	strbuf_reset(&out);
	rsh = rsync_rsh(r);
	strvec_pushl(&cp.args, "rsync", "-t", "--inplace", "-e", rsh, NULL);
	strvec_pushv(&cp.args, files);
	strvec_pushf(&cp.args, "%s:%s/", r->host->dest, r->dir);
	cp.out = &out;
	cp.stream = true;
	cp.timeout_ms = 30 * 60 * 1000;
	if (run_command(&cp) < 0)
		goto out;
	if (cp.exit_code || cp.timed_out) {
		host_error(r, "cannot copy the kernel there (rsync)", &cp,
			   &out);
		goto out;
	}
	ret = 0;
out:
	child_process_release(&cp);
	strbuf_release(&out);
	strbuf_release(&cmd);
	free(rsh);
	return ret;
}

void remote_wrap(struct strvec *out, const struct remote *r,
		 const char *const *argv, unsigned timeout_s)
{
	struct strbuf cmd = STRBUF_INIT;
	char *qemu = remote_command_line(argv);

	remote_ssh_args(out, r);
	strbuf_addstr(&cmd, "echo $$ >");
	sq_quote(&cmd, r->dir);
	strbuf_addstr(&cmd, "/qemu.pid && exec ");
	if (timeout_s)
		strbuf_addf(&cmd, "timeout -k 5 %u ", timeout_s);
	strbuf_addstr(&cmd, qemu);
	strvec_push(out, cmd.buf);
	strbuf_release(&cmd);
	free(qemu);
}

void remote_kill(const struct remote *r)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf cmd = STRBUF_INIT;

	remote_ssh_args(&cp.args, r);
	/*
	 * timeout(1) leads its own group and passes TERM on to QEMU (and
	 * kills it 5 s later); wait until it is gone (or a zombie).
	 */
	strbuf_addstr(&cmd, "p=$(cat ");
	sq_quote(&cmd, r->dir);
	strbuf_addstr(&cmd, "/qemu.pid 2>/dev/null) && test -n \"$p\" && "
			    "{ kill -TERM -- -\"$p\" || kill -TERM \"$p\"; } "
			    "2>/dev/null && for i in 1 2 3 4 5 6 7 8 9 10; do "
			    "test -d /proc/$p && ! grep -q ') Z' /proc/$p/stat "
			    "|| break; sleep 1; done; true");
	strvec_push(&cp.args, cmd.buf);
	cp.no_stderr = true;
	cp.timeout_ms = 30 * 1000;
	if (run_command(&cp) < 0)
		error_clear();
	child_process_release(&cp);
	strbuf_release(&cmd);
}
