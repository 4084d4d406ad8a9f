// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

static void kill_group(pid_t pid)
{
	int status;

	kill(-pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, &status, WNOHANG) != 0)
			break;
		usleep(100 * 1000);
	}
	kill(-pid, SIGKILL);
}

int run_command(struct child_process *cp)
{
	int out_pipe[2] = { -1, -1 }, in_pipe[2] = { -1, -1 };
	int err_pipe[2] = { -1, -1 };
	unsigned long start = now_ms();
	size_t in_off = 0;
	int status = 0, child_errno = 0;
	pid_t pid, parent = getpid();

	cp->exit_code = -1;
	cp->signal = 0;
	cp->timed_out = false;
	if (!cp->args.nr)
		return error_set("run_command: empty command");
	if (pipe2(err_pipe, O_CLOEXEC) < 0 ||
	    (cp->out && !cp->log_path && pipe2(out_pipe, O_CLOEXEC) < 0) ||
	    (cp->in && pipe2(in_pipe, O_CLOEXEC) < 0))
		return error_errno("cannot create pipe for '%s'",
				   cp->args.v[0]);

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return error_errno("cannot fork '%s'", cp->args.v[0]);
	if (!pid)
		exec_child(cp, out_pipe[1], in_pipe[0], err_pipe[1], parent);
	setpgid(pid, pid);
	close(err_pipe[1]);
	if (out_pipe[1] >= 0)
		close(out_pipe[1]);
	if (in_pipe[0] >= 0)
		close(in_pipe[0]);
	if (read(err_pipe[0], &child_errno, sizeof(child_errno)) ==
	    sizeof(child_errno)) {
		close(err_pipe[0]);
		waitpid(pid, &status, 0);
		errno = child_errno;
		return error_errno("cannot run '%s'", cp->args.v[0]);
	}
	close(err_pipe[0]);

	for (;;) {
		struct pollfd pfd[2];
		int n = 0, w;

		if (out_pipe[0] >= 0) {
			pfd[n].fd = out_pipe[0];
			pfd[n++].events = POLLIN;
		}
		if (in_pipe[1] >= 0) {
			pfd[n].fd = in_pipe[1];
			pfd[n++].events = POLLOUT;
		}
		poll(pfd, n, 50);
		for (int i = 0; i < n; i++) {
			if (pfd[i].fd == out_pipe[0] && pfd[i].revents) {
				char buf[8192];
				ssize_t r = read(out_pipe[0], buf, sizeof(buf));

				if (r > 0) {
					strbuf_add(cp->out, buf, r);
				} else if (r == 0 || errno != EINTR) {
					close(out_pipe[0]);
					out_pipe[0] = -1;
				}
			} else if (pfd[i].fd == in_pipe[1] && pfd[i].revents) {
				ssize_t r = write(in_pipe[1],
						  cp->in->buf + in_off,
						  cp->in->len - in_off);

				if (r > 0)
					in_off += r;
				if (r < 0 || in_off == cp->in->len) {
					close(in_pipe[1]);
					in_pipe[1] = -1;
				}
			}
		}
		if (in_pipe[1] >= 0 && in_off == cp->in->len) {
			close(in_pipe[1]);
			in_pipe[1] = -1;
		}
		w = waitpid(pid, &status, out_pipe[0] >= 0 ? WNOHANG : WNOHANG);
		if (w == pid && out_pipe[0] < 0)
			break;
		if (w == pid) {
			/* Drain what is left, then stop. */
			strbuf_read_fd(cp->out, out_pipe[0]);
			close(out_pipe[0]);
			out_pipe[0] = -1;
			break;
		}
		if (cp->timeout_ms && now_ms() - start > cp->timeout_ms) {
			cp->timed_out = true;
			kill_group(pid);
			waitpid(pid, &status, 0);
			break;
		}
	}
	if (out_pipe[0] >= 0)
		close(out_pipe[0]);
	if (in_pipe[1] >= 0)
		close(in_pipe[1]);
	/* Whatever the leader left behind goes with it. */
	kill(-pid, SIGKILL);
	cp->elapsed_ms = now_ms() - start;
	if (WIFEXITED(status)) {
		cp->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		cp->signal = WTERMSIG(status);
	}
	return 0;
}
