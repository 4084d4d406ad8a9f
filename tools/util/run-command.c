// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "run-command.h"

void child_process_init(struct child_process *cp)
{
	struct child_process blank = CHILD_PROCESS_INIT;

	*cp = blank;
}

void child_process_release(struct child_process *cp)
{
	strvec_clear(&cp->args);
	strvec_clear(&cp->env);
}

static unsigned long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000UL + ts.tv_nsec / 1000000UL;
}

static void apply_env(const struct strvec *env)
{
	for (size_t i = 0; i < env->nr; i++) {
		char *eq = strchr(env->v[i], '=');

		if (eq) {
			*eq = '\0';
			setenv(env->v[i], eq + 1, 1);
			*eq = '=';
		} else {
			unsetenv(env->v[i]);
		}
	}
}

/*
 * The keeper: the first child, leader of the process group the program
 * and everything it starts run in. When we die (even by SIGKILL), the
 * kernel sends it SIGTERM (PR_SET_PDEATHSIG), and it kills the whole
 * group: a recursive make's grandchildren included, which a signal to
 * the program alone would leave running, writing a build directory that
 * the next run then uses.
 */
static void on_parent_death(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
	_exit(128 + SIGKILL);
}

/* The keeper waits for the program and ends as it did. */
static void __attribute__((noreturn)) keep(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(127);
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		prctl(PR_SET_PDEATHSIG, 0);
		kill(getpid(), WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

/* Close every fd from `low` up, except `keep` (when >= 0). */
static void close_from(int low, int keep)
{
	if (keep >= low) {
		if (keep > low)
			close_range(low, keep - 1, 0);
		close_range(keep + 1, ~0U, 0);
	} else {
		close_range(low, ~0U, 0);
	}
}

/* In the child: never returns. */
static void __attribute__((noreturn))
exec_child(struct child_process *cp, int out_fd, int in_fd, int err_pipe,
	   pid_t parent)
{
	struct sigaction sa;
	pid_t pid;
	int fd;

	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_parent_death;
	sigaction(SIGTERM, &sa, NULL);
	/* Die with us: a killed run leaves no make or QEMU behind. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		on_parent_death(SIGTERM);
	if (cp->keep_fd >= 0)
		fcntl(cp->keep_fd, F_SETFD, 0);
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid) {
		/*
		 * The program reports a failed exec; we hold nothing open
		 * but the fd we keep: an inherited end of the parent's
		 * stdin pipe would keep the program from ever seeing EOF.
		 */
		close_from(3, cp->keep_fd);
		keep(pid);
	}
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (in_fd >= 0) {
		dup2(in_fd, 0);
	} else {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
	}
	if (cp->log_path) {
		fd = open(cp->log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0)
			goto fail;
		dup2(fd, 1);
		dup2(fd, 2);
	} else if (out_fd >= 0) {
		dup2(out_fd, 1);
		if (cp->stream)
			dup2(out_fd, 2);
	}
	if (cp->no_stderr) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 2);
	}
	if (cp->dir && chdir(cp->dir) < 0)
		goto fail;
	apply_env(&cp->env);
	execvp(cp->args.v[0], cp->args.v);
fail:
	fd = errno;
	if (write(err_pipe, &fd, sizeof(fd)) < 0)
		_exit(127);
	_exit(127);
}

/*
 * The groups we started and have not reaped, for kill_all_commands():
 * any thread may start commands.
 */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t *live;
static size_t live_nr, live_alloc;

static void live_add(pid_t pid)
{
	pthread_mutex_lock(&live_lock);
	if (live_nr == live_alloc) {
		size_t n = live_alloc ? 2 * live_alloc : 16;
		pid_t *v = realloc(live, n * sizeof(*v));

		if (!v) {
			/* Not tracked: PR_SET_PDEATHSIG still ends it. */
			pthread_mutex_unlock(&live_lock);
			return;
		}
		live = v;
		live_alloc = n;
	}
	live[live_nr++] = pid;
	pthread_mutex_unlock(&live_lock);
}

static void live_remove(pid_t pid)
{
	pthread_mutex_lock(&live_lock);
	for (size_t i = 0; i < live_nr; i++)
		if (live[i] == pid) {
			live[i] = live[--live_nr];
			break;
		}
	if (!live_nr) {
		free(live);
		live = NULL;
		live_alloc = 0;
	}
	pthread_mutex_unlock(&live_lock);
}

void kill_all_commands(void)
{
	pthread_mutex_lock(&live_lock);
	for (size_t i = 0; i < live_nr; i++)
		kill(-live[i], SIGTERM);
	pthread_mutex_unlock(&live_lock);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int start_command(struct child_process *cp)
{
	int out_pipe[2] = { -1, -1 }, in_pipe[2] = { -1, -1 };
	int err_pipe[2] = { -1, -1 };
	int child_errno = 0, status;
	bool want_out = (cp->out || cp->stream) && !cp->log_path;
	pid_t pid, parent = getpid();

	cp->exit_code = -1;
	cp->signal = 0;
	cp->timed_out = false;
	cp->pid = -1;
	cp->out_fd = cp->in_fd = -1;
	cp->in_off = 0;
	if (!cp->args.nr)
		return error_set("run_command: empty command");
	if (pipe2(err_pipe, O_CLOEXEC) < 0 ||
	    (want_out && pipe2(out_pipe, O_CLOEXEC) < 0) ||
	    (cp->in && pipe2(in_pipe, O_CLOEXEC) < 0)) {
		error_errno("cannot create pipe for '%s'", cp->args.v[0]);
		goto fail;
	}
	cp->started_ms = now_ms();
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		error_errno("cannot fork '%s'", cp->args.v[0]);
		goto fail;
	}
	if (!pid)
		exec_child(cp, out_pipe[1], in_pipe[0], err_pipe[1], parent);
	setpgid(pid, pid);
	live_add(pid);
	close_fd(&err_pipe[1]);
	close_fd(&out_pipe[1]);
	close_fd(&in_pipe[0]);
	if (read(err_pipe[0], &child_errno, sizeof(child_errno)) ==
	    sizeof(child_errno)) {
		waitpid(pid, &status, 0);
		live_remove(pid);
		errno = child_errno;
		error_errno("cannot run '%s'", cp->args.v[0]);
		goto fail;
	}
	close_fd(&err_pipe[0]);
	cp->pid = pid;
	cp->out_fd = out_pipe[0];
	cp->in_fd = in_pipe[1];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		close_fd(&err_pipe[i]);
		close_fd(&out_pipe[i]);
		close_fd(&in_pipe[i]);
	}
	return -1;
}

/* Reap the keeper; the results from its status. */
static int reap(struct child_process *cp, int options)
{
	int status = 0;
	pid_t w;

	while ((w = waitpid(cp->pid, &status, options)) < 0 && errno == EINTR)
		;
	if (w != cp->pid)
		return 0;
	/* Whatever the program left behind in its group goes with it. */
	kill(-cp->pid, SIGKILL);
	live_remove(cp->pid);
	cp->pid = -1;
	cp->elapsed_ms = now_ms() - cp->started_ms;
	if (WIFEXITED(status))
		cp->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		cp->signal = WTERMSIG(status);
	close_fd(&cp->in_fd);
	return 1;
}

int finish_command(struct child_process *cp)
{
	if (cp->pid > 0)
		reap(cp, 0);
	close_fd(&cp->out_fd);
	close_fd(&cp->in_fd);
	return 0;
}

int kill_command(struct child_process *cp, unsigned long grace_ms)
{
	if (cp->pid > 0) {
		kill(-cp->pid, SIGTERM);
		for (unsigned long t = 0; t < grace_ms; t += 100) {
			if (reap(cp, WNOHANG))
				break;
			usleep(100 * 1000);
		}
		if (cp->pid > 0) {
			kill(-cp->pid, SIGKILL);
			reap(cp, 0);
		}
	}
	return finish_command(cp);
}

/* One round of feeding stdin and reading stdout; the pipes close at EOF. */
static void pump(struct child_process *cp)
{
	struct pollfd pfd[2];
	int n = 0;

	if (cp->out_fd >= 0) {
		pfd[n].fd = cp->out_fd;
		pfd[n++].events = POLLIN;
	}
	if (cp->in_fd >= 0) {
		pfd[n].fd = cp->in_fd;
		pfd[n++].events = POLLOUT;
	}
	if (poll(pfd, n, 50) <= 0)
		return;
	for (int i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (pfd[i].fd == cp->out_fd) {
			char buf[8192];
			ssize_t r = read(cp->out_fd, buf, sizeof(buf));

			if (r > 0)
				strbuf_add(cp->out, buf, r);
			else if (r == 0 || errno != EINTR)
				close_fd(&cp->out_fd);
		} else {
			ssize_t r = write(cp->in_fd, cp->in->buf + cp->in_off,
					  cp->in->len - cp->in_off);

			if (r > 0)
				cp->in_off += r;
			if ((r < 0 && errno != EINTR) ||
			    cp->in_off == cp->in->len)
				close_fd(&cp->in_fd);
		}
	}
}

int run_command(struct child_process *cp)
{
	if (start_command(cp) < 0)
		return -1;
	if (cp->in_fd >= 0 && !cp->in->len)
		close_fd(&cp->in_fd);
	for (;;) {
		if (cp->out_fd >= 0 || cp->in_fd >= 0)
			pump(cp);
		else
			usleep(50 * 1000);
		if (reap(cp, WNOHANG)) {
			/* Drain what is left. */
			if (cp->out_fd >= 0)
				strbuf_read_fd(cp->out, cp->out_fd);
			break;
		}
		if (cp->timeout_ms &&
		    now_ms() - cp->started_ms > cp->timeout_ms) {
			cp->timed_out = true;
			kill_command(cp, 5000);
			break;
		}
	}
	return finish_command(cp);
}
