// SPDX-License-Identifier: GPL-2.0
/*
 * distcc: the build hosts, whether they answer, and who compiled what.
 * See distcc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "distcc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void distcc_init(struct distcc *d)
{
	struct distcc blank = DISTCC_INIT;

	*d = blank;
}

void distcc_release(struct distcc *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		free(d->hosts[i].token);
		free(d->hosts[i].name);
	}
	free(d->hosts);
	strvec_clear(&d->options);
	strvec_clear(&d->warnings);
	distcc_init(d);
}

static int parse_number(unsigned *out, const char *s, size_t len)
{
	char *end;
	unsigned long v;

	if (!len || len > 6 || *s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if ((size_t)(end - s) != len || !v || v > 65535)
		return -1;
	*out = v;
	return 0;
}

/* HOST[:PORT][/LIMIT][,OPTIONS], localhost[/LIMIT], [USER]@HOST... */
static int parse_token(struct distcc_host *h, const char *tok)
{
	size_t n = strcspn(tok, ":/,");
	const char *p = tok + n;
	bool ssh = strchr(tok, '@') != NULL;

	h->token = xstrdup(tok);
	h->name = xstrndup(tok, n);
	h->slots = 4;
	if (!strcmp(h->name, "localhost"))
		h->slots = 2;
	else if (!ssh && strcmp(h->name, "+zeroconf"))
		h->port = 3632;
	if (*p == ':' && !ssh) {
		size_t len = strcspn(p + 1, "/,");

		if (parse_number(&h->port, p + 1, len) < 0)
			return error_set("distcc host '%s': bad port", tok);
		p += 1 + len;
	}
	p += strcspn(p, "/,");
	if (*p == '/' && parse_number(&h->slots, p + 1, strcspn(p + 1, ",:")))
		return error_set("distcc host '%s': bad limit", tok);
	if (!*h->name)
		return error_set("distcc host '%s': no host name", tok);
	return 0;
}

int distcc_parse(struct distcc *d, const char *spec)
{
	const char *s = spec;

	while (*s) {
		size_t n;
		char *tok;
		int ret;

		s += strspn(s, " \t\n");
		n = strcspn(s, " \t\n");
		if (!n)
			break;
		tok = xstrndup(s, n);
		s += n;
		if (starts_with(tok, "--")) {
			strvec_push(&d->options, tok);
			free(tok);
			continue;
		}
		ALLOC_GROW(d->hosts, d->nr + 1, d->alloc);
		memset(&d->hosts[d->nr], 0, sizeof(d->hosts[0]));
		ret = parse_token(&d->hosts[d->nr++], tok);
		free(tok);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* A TCP connect to host:port within timeout_ms; errno-free reason. */
static bool answers(const char *host, unsigned port, unsigned timeout_ms,
		    const char **why)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char service[16];
	bool ok = false;

	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &res)) {
		*why = "cannot resolve the name";
		return false;
	}
	*why = "no answer";
	for (struct addrinfo *a = res; a && !ok; a = a->ai_next) {
		int fd = socket(a->ai_family,
				a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
				a->ai_protocol);
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof(err);

		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 &&
		    errno != EINPROGRESS) {
			*why = "connection refused";
		} else if (poll(&pfd, 1, timeout_ms) != 1) {
			*why = "no answer";
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) ||
			   err) {
			*why = "connection refused";
		} else {
			ok = true;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

void distcc_probe(struct distcc *d, unsigned timeout_ms)
{
	for (size_t i = 0; i < d->nr; i++) {
		struct distcc_host *h = &d->hosts[i];
		const char *why;

		h->up = true;
		if (!h->port)
			continue;
		h->probed = true;
		h->up = answers(h->name, h->port, timeout_ms, &why);
		if (!h->up)
			strvec_pushf(&d->warnings,
				     "distcc host '%s' is down (%s on port "
				     "%u): compiling without it",
				     h->token, why, h->port);
	}
	if (d->nr && !distcc_usable(d))
		strvec_push(&d->warnings,
			    "no distcc host answers: compiling locally");
}

bool distcc_usable(const struct distcc *d)
{
	for (size_t i = 0; i < d->nr; i++)
		if (d->hosts[i].up && strcmp(d->hosts[i].name, "localhost"))
			return true;
	return false;
}

unsigned distcc_slots(const struct distcc *d)
{
	unsigned n = 0;

	for (size_t i = 0; i < d->nr; i++)
		if (d->hosts[i].up)
			n += d->hosts[i].slots;
	return n;
}

char *distcc_hosts_env(const struct distcc *d)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < d->options.nr; i++)
		strbuf_addf(&sb, "%s%s", sb.len ? " " : "", d->options.v[i]);
	for (size_t i = 0; i < d->nr; i++)
		if (d->hosts[i].up)
			strbuf_addf(&sb, "%s%s", sb.len ? " " : "",
				    d->hosts[i].token);
	return strbuf_detach(&sb, NULL);
}

void distcc_counts_release(struct distcc_counts *c)
{
	for (size_t i = 0; i < c->nr; i++)
		free(c->v[i].host);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static void count_host(struct distcc_counts *c, const char *host, size_t len)
{
	for (size_t i = 0; i < c->nr; i++)
		if (strlen(c->v[i].host) == len &&
		    !memcmp(c->v[i].host, host, len)) {
			c->v[i].units++;
			return;
		}
	ALLOC_GROW(c->v, c->nr + 1, c->alloc);
	c->v[c->nr].host = xstrndup(host, len);
	c->v[c->nr++].units = 1;
}

/* "distcc[PID] compile FILE on HOST completed ok" */
static void count_line(struct distcc_counts *c, const char *s, size_t len)
{
	static const char ok[] = " completed ok";
	const char *p = memchr(s, ']', len), *end = s + len, *on;

	if (len < 8 || memcmp(s, "distcc[", 7) || !p)
		return;
	p++;
	if (memmem(p, end - p, "failed to distribute", 20) &&
	    memmem(p, end - p, "running locally", 15))
		c->fallbacks++;
	if (end - p < (ptrdiff_t)(9 + sizeof(ok)) || memcmp(p, " compile ", 9))
		return;
	if (memcmp(end - (sizeof(ok) - 1), ok, sizeof(ok) - 1))
		return;
	end -= sizeof(ok) - 1;
	for (on = end; on > p; on--)
		if (!memcmp(on, " on ", 4) && on + 4 < end)
			break;
	if (on > p + 8)
		count_host(c, on + 4, end - (on + 4));
}

void distcc_count_text(struct distcc_counts *c, const char *text, size_t len)
{
	const char *s = text, *end = text + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		count_line(c, s, n);
		s += n + 1;
	}
}

void distcc_count_log(struct distcc_counts *c, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_read_file(&sb, path) < 0)
		error_clear();
	else
		distcc_count_text(c, sb.buf, sb.len);
	strbuf_release(&sb);
}

json_t *distcc_to_json(const struct distcc *d, const struct distcc_counts *c)
{
	json_t *o = json_object(), *hosts = json_array(),
	       *units = json_object();
	json_t *w = json_array();

	for (size_t i = 0; i < d->nr; i++)
		json_array_append_new(hosts,
				      json_pack("{s:s, s:i, s:b}", "host",
						d->hosts[i].token, "slots",
						(int)d->hosts[i].slots, "up",
						d->hosts[i].up));
	for (size_t i = 0; c && i < c->nr; i++)
		json_object_set_new(units, c->v[i].host,
				    json_integer(c->v[i].units));
	for (size_t i = 0; i < d->warnings.nr; i++)
		json_array_append_new(w, json_string(d->warnings.v[i]));
	json_object_set_new(o, "hosts", hosts);
	json_object_set_new(o, "units", units);
	json_object_set_new(o, "fallbacks", json_integer(c ? c->fallbacks : 0));
	json_object_set_new(o, "warnings", w);
	return o;
}
