// SPDX-License-Identifier: GPL-2.0
/*
 * guest: the initramfs (libarchive, cpio newc), the QEMU command line,
 * and one boot with its console streamed into the KTAP parser and the
 * console scanner. See guest.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "lib/guest.h"
#include "util/datadir.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

const char *guest_accel_name(enum guest_accel a)
{
	switch (a) {
	case GUEST_ACCEL_TCG:
		return "tcg";
	case GUEST_ACCEL_KVM:
		return "kvm";
	case GUEST_ACCEL_AUTO:
		return "auto";
	}
	return "?";
}

int guest_accel_parse(enum guest_accel *out, const char *name)
{
	for (int a = GUEST_ACCEL_TCG; a <= GUEST_ACCEL_AUTO; a++)
		if (!strcmp(name, guest_accel_name(a))) {
			*out = a;
			return 0;
		}
	return -1;
}

const char *guest_end_name(enum guest_end end)
{
	static const char *const names[] = {
		[GUEST_EXITED] = "exited",
		[GUEST_PANIC] = "panic",
		[GUEST_HUNG] = "hung",
		[GUEST_TIMEOUT] = "timeout",
		[GUEST_NO_KTAP] = "no-ktap",
		[GUEST_QEMU_FAILED] = "qemu-failed",
	};

	return (unsigned)end < ARRAY_SIZE(names) ? names[end] : "?";
}

void guest_test_init(struct guest_test *t)
{
	struct guest_test blank = GUEST_TEST_INIT;

	*t = blank;
}

void guest_test_release(struct guest_test *t)
{
	free(t->name);
	free(t->binary);
	strvec_clear(&t->args);
	guest_test_init(t);
}

void guest_run_init(struct guest_run *run)
{
	struct guest_run blank = GUEST_RUN_INIT;

	*run = blank;
}

void guest_run_release(struct guest_run *run)
{
	free(run->detail);
	ktap_test_release(&run->ktap);
	console_scanner_release(&run->console);
	strvec_clear(&run->argv);
	guest_run_init(run);
}

/* --- the initramfs ----------------------------------------------------- */

struct cpio {
	struct archive *a;
	const char *path; /* for messages */
	struct strvec dirs; /* made so far */
};

static int cpio_error(struct cpio *c, const char *what)
{
	return error_set("cannot write initramfs '%s': %s: %s", c->path, what,
			 archive_error_string(c->a) ?
				 archive_error_string(c->a) :
				 "unknown error");
}

static struct archive_entry *new_entry(const char *name, mode_t type,
				       unsigned mode)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, mode);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_nlink(e, type == AE_IFDIR ? 2 : 1);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_size(e, 0);
	return e;
}

static int cpio_header(struct cpio *c, struct archive_entry *e)
{
	int ret = archive_write_header(c->a, e);

	archive_entry_free(e);
	if (ret != ARCHIVE_OK)
		return cpio_error(c, "header");
	return 0;
}

static int cpio_dir(struct cpio *c, const char *name)
{
	for (size_t i = 0; i < c->dirs.nr; i++)
		if (!strcmp(c->dirs.v[i], name))
			return 0;
	strvec_push(&c->dirs, name);
	return cpio_header(c, new_entry(name, AE_IFDIR, 0755));
}

/* The directories above `name` ("a/b/c": "a", "a/b"). */
static int cpio_parents(struct cpio *c, const char *name)
{
	for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
		char *dir = xstrndup(name, s - name);
		int ret = cpio_dir(c, dir);

		free(dir);
		if (ret < 0)
			return -1;
	}
	return 0;
}

static int cpio_data(struct cpio *c, const char *name, unsigned mode,
		     const void *data, size_t len)
{
	struct archive_entry *e;

	if (cpio_parents(c, name) < 0)
		return -1;
	e = new_entry(name, AE_IFREG, mode);
	archive_entry_set_size(e, len);
	if (cpio_header(c, e) < 0)
		return -1;
	if (len && archive_write_data(c->a, data, len) != (ssize_t)len)
		return cpio_error(c, name);
	return 0;
}

static int cpio_file(struct cpio *c, const char *name, unsigned mode,
		     const char *src)
{
	struct archive_entry *e;
	struct stat st;
	char buf[65536];
	int fd, ret = -1;
	ssize_t r;

	if (cpio_parents(c, name) < 0)
		return -1;
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		error_errno("cannot read '%s'", src);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		error_set("cannot read '%s': not a regular file", src);
		goto out;
	}
	e = new_entry(name, AE_IFREG, mode);
	archive_entry_set_size(e, st.st_size);
	if (cpio_header(c, e) < 0)
		goto out;
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error_errno("cannot read '%s'", src);
			goto out;
		}
		if (archive_write_data(c->a, buf, r) != r) {
			cpio_error(c, name);
			goto out;
		}
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int cpio_symlink(struct cpio *c, const char *name, const char *target)
{
	struct archive_entry *e = new_entry(name, AE_IFLNK, 0777);

	archive_entry_set_symlink(e, target);
	return cpio_header(c, e);
}

static int cpio_chardev(struct cpio *c, const char *name, unsigned maj,
			unsigned min)
{
	struct archive_entry *e = new_entry(name, AE_IFCHR, 0600);

	archive_entry_set_rdev(e, makedev(maj, min));
	return cpio_header(c, e);
}

/* /backport/tests: NAME TAB TIMEOUT TAB BINARY TAB ARGS, one a line. */
static void tests_list(struct strbuf *out, const struct guest_image *img)
{
	for (size_t i = 0; i < img->tests_nr; i++) {
		const struct guest_test *t = &img->tests[i];

		strbuf_addf(out, "%s\t%u\t%s\t", t->name, t->timeout_s,
			    t->binary ? t->name : "-");
		for (size_t k = 0; k < t->args.nr; k++)
			strbuf_addf(out, "%s%s", k ? " " : "", t->args.v[k]);
		strbuf_addch(out, '\n');
	}
}

/* Test names become paths in the guest and words in a list. */
static int check_test_name(const char *name)
{
	if (!*name || *name == '/' || strstr(name, "..") ||
	    strpbrk(name, " \t\n\\'\"$`"))
		return error_set("bad selftest name '%s'", name);
	return 0;
}

static int write_entries(struct cpio *c, const struct guest_image *img)
{
	static const char *const dirs[] = { "bin",	"dev",	       "proc",
					    "sys",	"tmp",	       "run",
					    "backport", "backport/bin" };
	struct strbuf sb = STRBUF_INIT;
	char *runner = NULL;
	int ret = -1;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (cpio_dir(c, dirs[i]) < 0)
			goto out;
	if (cpio_chardev(c, "dev/console", 5, 1) < 0 ||
	    cpio_chardev(c, "dev/null", 1, 3) < 0 ||
	    cpio_file(c, "bin/busybox", 0755,
		      img->busybox ? img->busybox : "/bin/busybox") < 0 ||
	    cpio_symlink(c, "bin/sh", "busybox") < 0)
		goto out;
	if (img->init_text) {
		if (cpio_data(c, "init", 0755, img->init_text,
			      strlen(img->init_text)) < 0)
			goto out;
	} else {
		runner = img->runner ? xstrdup(img->runner) :
				       guest_find_runner();
		if (!runner) {
			error_set("cannot find the guest runner "
				  "(tools/guest/runner.sh); set BACKPORT_TOP");
			goto out;
		}
		if (cpio_file(c, "init", 0755, runner) < 0)
			goto out;
	}
	strbuf_addf(&sb, "RETRIES=%u\nHUGEPAGES=%u\n", img->retries,
		    img->hugepages);
	if (cpio_data(c, "backport/config", 0644, sb.buf, sb.len) < 0)
		goto out;
	strbuf_reset(&sb);
	for (size_t i = 0; i < img->tests_nr; i++) {
		const struct guest_test *t = &img->tests[i];
		char *dst;
		int r;

		if (check_test_name(t->name) < 0)
			goto out;
		if (!t->binary)
			continue;
		dst = xstrfmt("backport/bin/%s", t->name);
		r = cpio_file(c, dst, 0755, t->binary);
		free(dst);
		if (r < 0)
			goto out;
	}
	tests_list(&sb, img);
	if (cpio_data(c, "backport/tests", 0644, sb.buf, sb.len) < 0)
		goto out;
	ret = 0;
out:
	free(runner);
	strbuf_release(&sb);
	return ret;
}

int guest_initramfs_write(const char *path, const struct guest_image *img)
{
	struct cpio c = { .path = path, .dirs = STRVEC_INIT };
	char *tmp = xstrfmt("%s.tmp", path);
	int ret = -1;

	c.a = archive_write_new();
	if (archive_write_set_format_cpio_newc(c.a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(c.a) != ARCHIVE_OK ||
	    archive_write_open_filename(c.a, tmp) != ARCHIVE_OK) {
		cpio_error(&c, "open");
		goto out;
	}
	if (write_entries(&c, img) < 0)
		goto out;
	if (archive_write_close(c.a) != ARCHIVE_OK) {
		cpio_error(&c, "close");
		goto out;
	}
	if (rename(tmp, path) < 0) {
		error_errno("cannot rename '%s'", tmp);
		goto out;
	}
	ret = 0;
out:
	archive_write_free(c.a);
	if (ret < 0)
		unlink(tmp);
	strvec_clear(&c.dirs);
	free(tmp);
	return ret;
}

char *guest_find_runner(void)
{
	const char *env = getenv("BACKPORT_RUNNER");

	if (env && *env)
		return xstrdup(env);
	return datadir_find("tools/guest/runner.sh", "guest/runner.sh");
}

/* --- QEMU -------------------------------------------------------------- */

unsigned long guest_host_tsc_khz(void)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned long khz = 0;
	const char *p;

	if (strbuf_read_file(&sb, "/proc/cpuinfo") < 0) {
		error_clear();
		return 0;
	}
	p = strstr(sb.buf, "\ncpu MHz");
	if (p && (p = strchr(p, ':')))
		khz = (unsigned long)(strtod(p + 1, NULL) * 1000 + 0.5);
	strbuf_release(&sb);
	return khz;
}

void guest_qemu_argv(struct strvec *argv, const struct guest_boot_opts *o)
{
	struct strbuf cmdline = STRBUF_INIT;
	unsigned long khz = o->tsc_khz;

	strvec_push(argv, o->qemu ? o->qemu : "qemu-system-x86_64");
	if (o->accel == GUEST_ACCEL_KVM)
		strvec_pushl(argv, "-accel", "kvm", NULL);
	else
		strvec_pushl(argv, "-accel", "tcg,thread=multi", NULL);
	strvec_pushl(argv, "-cpu", "max", NULL);
	strvec_pushf(argv, "-smp");
	strvec_pushf(argv, "%u", o->smp ? o->smp : 1);
	strvec_push(argv, "-m");
	strvec_pushf(argv, "%uM", o->memory_mb ? o->memory_mb : 4096);
	strvec_pushl(argv, "-nographic", "-nic", "none", "-no-reboot", NULL);
	strvec_pushl(argv, "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
		     NULL);
	strvec_pushl(argv, "-kernel", o->kernel, "-initrd", o->initrd, NULL);
	/*
	 * loglevel=5 rather than quiet: WARN and lockdep print at
	 * KERN_WARNING, which quiet hides. The TSC options: under TCG the
	 * guest may fail to calibrate its TSC, and KVM_RUN then hangs.
	 */
	strbuf_addstr(&cmdline, "console=ttyS0 panic=-1 loglevel=5");
	if (o->accel != GUEST_ACCEL_KVM) {
		if (!khz)
			khz = guest_host_tsc_khz();
		if (khz)
			strbuf_addf(&cmdline, " tsc_early_khz=%lu", khz);
		strbuf_addstr(&cmdline, " tsc=reliable");
	}
	if (o->first > 1)
		strbuf_addf(&cmdline, " backport.first=%u", o->first);
	if (o->append && *o->append)
		strbuf_addf(&cmdline, " %s", o->append);
	strvec_pushl(argv, "-append", cmdline.buf, NULL);
	strbuf_release(&cmdline);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The state of one boot's console stream. */
struct stream {
	struct guest_run *run;
	const struct guest_boot_opts *o;
	struct ktap_parser kp;
	struct strbuf line;
	double start;
	double last_event; /* KTAP line, test start or result */
	unsigned current; /* the test in progress, or 0 */
	char *current_name;
	unsigned last_result; /* the last result's number */
	double current_start;
	double panic_at; /* when a panic showed, or 0 */
	bool seen_ktap;
	bool done; /* the runner said it is done */
};

/* "ok N ..." or "not ok N ..." at the top level: N, else 0. */
static unsigned top_result(const char *s)
{
	if (!skip_prefix(s, "ok ", &s) && !skip_prefix(s, "not ok ", &s))
		return 0;
	return (unsigned)strtoul(s, NULL, 10);
}

static void stream_line(struct stream *st, const char *buf, size_t len)
{
	struct guest_run *run = st->run;
	char *text;
	size_t pre;
	unsigned result;
	double now = now_s();

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	ktap_parser_feed(&st->kp, buf, len);
	pre = console_prefix_len(buf, len, NULL);
	text = xstrndup(buf + pre, len - pre);
	if (!st->seen_ktap && (starts_with(text, "KTAP version ") ||
			       starts_with(text, "TAP version "))) {
		st->seen_ktap = true;
		run->boot_s = now - st->start;
		st->last_event = now;
	} else if (st->seen_ktap && starts_with(text, "# running ")) {
		struct guest_progress p = { .started = true };

		/*
		 * Our own count: after a resume (backport.first=K) the
		 * parser numbers the first test 1, the runner K.
		 */
		st->current = st->last_result + 1;
		free(st->current_name);
		st->current_name = xstrdup(text + strlen("# running "));
		st->current_start = st->last_event = now;
		if (run->first_test_s < 0)
			run->first_test_s = now - st->start;
		p.number = st->current;
		p.name = st->current_name;
		if (st->o->progress)
			st->o->progress(st->o->data, &p);
	} else if (st->seen_ktap && (result = top_result(text))) {
		struct guest_progress p = { .number = result };

		p.result_line = text;
		p.name = st->current == result ? st->current_name : NULL;
		p.seconds = st->current == result ? now - st->current_start : 0;
		st->current = 0;
		st->last_result = result;
		st->last_event = now;
		if (st->o->progress)
			st->o->progress(st->o->data, &p);
	} else if (st->seen_ktap && !strcmp(text, "# backport: done")) {
		st->done = true;
		st->last_event = now;
	}
	free(text);
	if (st->current)
		console_scanner_set_test(&run->console, st->current,
					 st->current_name);
	else
		console_scanner_set_test(&run->console, 0, NULL);
	console_scanner_feed(&run->console, buf, len);
	if (!st->panic_at && console_scanner_has(&run->console, CONSOLE_PANIC))
		st->panic_at = now;
}

static void stream_write(struct stream *st, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		strbuf_addch(&st->line, buf[i]);
		if (buf[i] == '\n') {
			stream_line(st, st->line.buf, st->line.len);
			strbuf_reset(&st->line);
		}
	}
}

/* The most the test in progress may take, or 0 when unknown. */
static double test_limit(const struct stream *st)
{
	const struct guest_boot_opts *o = st->o;

	if (!st->current || st->current > o->timeouts_nr)
		return 0;
	return o->timeouts[st->current - 1] + o->grace_s;
}

/* Should the guest be killed now? Sets run->end and run->detail. */
static bool overdue(struct stream *st, double now)
{
	const struct guest_boot_opts *o = st->o;
	struct guest_run *run = st->run;
	double limit;

	if (o->timeout_s && now - st->start > o->timeout_s) {
		run->end = GUEST_TIMEOUT;
		run->detail = xstrfmt("killed after the overall timeout of "
				      "%u s",
				      o->timeout_s);
		return true;
	}
	if (st->panic_at && now - st->panic_at > 10) {
		run->end = GUEST_PANIC;
		run->detail = xstrdup("killed 10 s after a panic");
		return true;
	}
	if (!st->seen_ktap) {
		if (o->boot_timeout_s && now - st->start > o->boot_timeout_s) {
			run->end = GUEST_NO_KTAP;
			run->detail = xstrfmt("no KTAP within %u s of boot",
					      o->boot_timeout_s);
			return true;
		}
		return false;
	}
	limit = st->current ? test_limit(st) : o->grace_s;
	if (limit &&
	    now - (st->current ? st->current_start : st->last_event) > limit) {
		run->end = GUEST_HUNG;
		if (st->current)
			run->detail = xstrfmt("test %u still running after "
					      "%.0f s: the guest is hung",
					      st->current, limit);
		else
			run->detail = xstrfmt("no test started for %u s: the "
					      "guest is hung",
					      o->grace_s);
		return true;
	}
	return false;
}

/* How the boot ended, once QEMU is gone. */
static void settle(struct stream *st, bool killed,
		   const struct child_process *cp, const struct strbuf *tail)
{
	struct guest_run *run = st->run;
	size_t i;

	run->exit_code = cp->exit_code;
	run->signal = cp->signal;
	for (i = 0; i < run->console.events_nr; i++)
		if (run->console.events[i].kind == CONSOLE_PANIC)
			break;
	if (i < run->console.events_nr) {
		run->end = GUEST_PANIC;
		free(run->detail);
		run->detail = xstrdup(run->console.events[i].first_line);
		ktap_parser_crash(&st->kp, run->detail);
		return;
	}
	if (killed)
		return;
	if (!st->seen_ktap) {
		/* QEMU's own error ("could not load kernel ...") */
		run->end = run->exit_code > 0 && run->console.lineno < 5 ?
				   GUEST_QEMU_FAILED :
				   GUEST_NO_KTAP;
		run->detail = tail->len ? xstrdup(tail->buf) :
					  xstrfmt("qemu exited with status %d",
						  run->exit_code);
		return;
	}
	run->end = GUEST_EXITED;
	if (!st->done)
		run->detail = xstrdup("the guest stopped before the runner "
				      "finished");
}

/* Keep the last non-empty console line (for messages). */
static void keep_tail(struct strbuf *tail, const char *buf, size_t len)
{
	const char *end = buf + len, *s;

	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end == buf)
		return;
	for (s = end; s > buf && s[-1] != '\n'; s--)
		;
	strbuf_reset(tail);
	strbuf_add(tail, s, end - s);
	strbuf_trim(tail);
}

static int stream_loop(struct stream *st, struct child_process *cp, int log_fd)
{
	struct strbuf tail = STRBUF_INIT;
	bool killed = false;
	int ret = 0;

	for (;;) {
		struct pollfd pfd = { .fd = cp->out_fd, .events = POLLIN };
		char buf[8192];
		ssize_t r;

		if (poll(&pfd, 1, 200) < 0 && errno != EINTR) {
			ret = error_errno("cannot poll qemu's console");
			break;
		}
		if (pfd.revents) {
			r = read(cp->out_fd, buf, sizeof(buf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break; /* QEMU closed its output: exiting */
			if (log_fd >= 0 && write(log_fd, buf, r) != r) {
				ret = error_errno("cannot write '%s'",
						  st->o->console_log);
				break;
			}
			keep_tail(&tail, buf, r);
			stream_write(st, buf, r);
		}
		if (overdue(st, now_s())) {
			killed = true;
			break;
		}
	}
	/* QEMU and whatever it started: SIGKILL after two seconds. */
	if (killed || ret < 0)
		kill_command(cp, 2000);
	else
		finish_command(cp);
	if (st->line.len) {
		stream_line(st, st->line.buf, st->line.len);
		strbuf_reset(&st->line);
	}
	if (ret == 0)
		settle(st, killed, cp, &tail);
	strbuf_release(&tail);
	return ret;
}

char *guest_qemu_version(const char *qemu)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT;
	char *v = NULL;
	const char *p;

	strvec_pushl(&cp.args, qemu ? qemu : "qemu-system-x86_64", "--version",
		     NULL);
	cp.out = &out;
	cp.no_stderr = true;
	cp.timeout_ms = 10000;
	if (run_command(&cp) < 0)
		goto out;
	p = strstr(out.buf, "version ");
	if (cp.exit_code || !p) {
		error_set("'%s --version' failed", cp.args.v[0]);
		goto out;
	}
	p += strlen("version ");
	v = xstrndup(p, strcspn(p, "\n"));
out:
	strbuf_release(&out);
	child_process_release(&cp);
	return v;
}

/*
 * After a boot over ssh: QEMU there ends with what we killed here, and
 * ssh's status 255 is the host failing (refused, dropped), an error.
 */
static bool remote_failed(struct guest_run *run,
			  const struct guest_boot_opts *o, int ret)
{
	if (ret < 0 || run->signal || run->exit_code == 255)
		remote_kill(o->remote); /* a dropped session leaves QEMU */
	if (ret < 0 || run->signal || run->exit_code != 255)
		return false;
	run->host_failed = true;
	error_set("host '%s': ssh failed (the connection was refused or "
		  "dropped): %s",
		  o->remote->host->spec,
		  run->detail ? run->detail : "ssh exited with status 255");
	return true;
}

int guest_boot(struct guest_run *run, const struct guest_boot_opts *o)
{
	struct stream st = {
		.run = run, .o = o, .kp = KTAP_PARSER_INIT, .line = STRBUF_INIT
	};
	struct child_process cp = CHILD_PROCESS_INIT;
	int log_fd = -1, ret = -1;

	guest_qemu_argv(&run->argv, o);
	if (o->console_log) {
		log_fd = open(o->console_log,
			      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0) {
			error_errno("cannot open '%s'", o->console_log);
			goto out;
		}
	}
	st.start = st.last_event = now_s();
	st.last_result = o->first ? o->first - 1 : 0;
	if (o->remote)
		remote_wrap(&cp.args, o->remote,
			    (const char *const *)run->argv.v,
			    o->timeout_s ? o->timeout_s + 60 : 0);
	else
		strvec_pushv(&cp.args, (const char *const *)run->argv.v);
	cp.stream = true;
	if (start_command(&cp) < 0)
		goto out;
	ret = stream_loop(&st, &cp, log_fd);
	if (o->remote && remote_failed(run, o, ret))
		ret = -1;
	console_scanner_finish(&run->console);
	ktap_parser_finish(&st.kp, &run->ktap);
	run->total_s = now_s() - st.start;
out:
	if (log_fd >= 0 && close(log_fd) < 0 && ret == 0)
		ret = error_errno("cannot write '%s'", o->console_log);
	child_process_release(&cp);
	ktap_parser_release(&st.kp);
	strbuf_release(&st.line);
	free(st.current_name);
	return ret;
}

/* --- KVM probe --------------------------------------------------------- */

static const char probe_init[] = "#!/bin/sh\n"
				 "echo 'KTAP version 1'\n"
				 "echo '1..0'\n"
				 "echo '# backport: done'\n"
				 "/bin/busybox reboot -f\n"
				 "while :; do /bin/busybox sleep 3600; done\n";

bool guest_probe_kvm(const struct guest_boot_opts *o, const char *scratch,
		     unsigned timeout_s, char **why)
{
	struct guest_image img = { .init_text = probe_init };
	struct guest_boot_opts po = *o;
	struct guest_run run = GUEST_RUN_INIT;
	char *initrd = NULL, *reason = NULL;
	bool ok = false;
	int fd;

	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		reason = xstrfmt("cannot open /dev/kvm: %s", strerror(errno));
		goto out;
	}
	close(fd);
	if (is_directory("/sys/module/kvm_pvm")) {
		reason = xstrdup("the host's KVM is paravirtual (kvm_pvm)");
		goto out;
	}
	initrd = xstrfmt("%s/kvm-probe.cpio", scratch);
	if (guest_initramfs_write(initrd, &img) < 0) {
		reason = xstrdup(error_last());
		goto out;
	}
	po.accel = GUEST_ACCEL_KVM;
	po.initrd = initrd;
	po.timeout_s = timeout_s;
	po.boot_timeout_s = timeout_s;
	po.console_log = NULL;
	po.progress = NULL;
	po.first = 1;
	if (guest_boot(&run, &po) < 0) {
		reason = xstrdup(error_last());
		goto out;
	}
	ok = run.boot_s >= 0;
	if (!ok)
		reason = xstrfmt("a boot under KVM did not reach init within "
				 "%u s (%s)",
				 timeout_s,
				 run.detail ? run.detail :
					      guest_end_name(run.end));
out:
	if (initrd)
		unlink(initrd);
	free(initrd);
	guest_run_release(&run);
	if (why)
		*why = reason;
	else
		free(reason);
	return ok;
}
