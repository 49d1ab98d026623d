/*
 * benchkid is the child that make bench and make torture run under each
 * init. It is C, not Go, because a Go child would receive its own
 * runtime's SIGURG and start threads, and both would blur what is measured:
 * the init's work, not the child's.
 *
 * It talks to the harness over stdin (commands, EOF = finish) and stdout
 * (one line per answer, or one byte per acked signal).
 *
 *   benchkid idle              "ready", then wait for EOF on stdin
 *   benchkid acks              "ready", then for each signal one byte (its
 *                              number) on stdout; SIGTERM ends it with 0
 *   benchkid orphans N M [MS]  "ready", then per command byte on stdin:
 *                              'b' hands PID 1 N zombies at once,
 *                              's' makes M orphans one after another;
 *                              each answers "<ns> <left>" once every
 *                              orphan is gone (or MS, default 60 s, passed)
 *   benchkid sigstate          SigBlk and SigIgn lines, "ready", then
 *                              "urg <count>" for each 'u' on stdin, and
 *                              once more on EOF, then exit 0
 *   benchkid churn CODE        "ready", forks and exits children while
 *                              catching every signal, then on a byte on
 *                              stdin "caught <count>" and exit CODE
 *   benchkid exitsoon CODE US  "ready", spin US microseconds catching
 *                              signals, exit CODE
 *   benchkid hogs N            starts N pipelines of a writer and a reader
 *                              in its group, "ready", then waits for EOF
 *                              on stdin and exits 0, leaving them to the init
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long a drain of orphans may take before the rest count as left:
 * 60 s, or the optional last argument of orphans, in milliseconds. */
static long long orphan_limit_ns = 60LL * 1000000000LL;

static volatile sig_atomic_t caught, urgs;

static void count(int sig) {
	caught++;
	if (sig == SIGURG)
		urgs++;
}

static long long now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void say(const char *line) {
	size_t n = strlen(line);
	while (n > 0) {
		ssize_t w = write(1, line, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3);
		line += w, n -= w;
	}
}

static void die(const char *what) {
	char msg[256];
	snprintf(msg, sizeof msg, "benchkid: %s: %s\n", what, strerror(errno));
	write(2, msg, strlen(msg));
	_exit(2);
}

/* The kid's forks and pipes either work or end the run: a figure measured
 * with fewer processes than asked for would be wrong. */
static pid_t fork_or_die(void) {
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	return pid;
}

static void pipe_or_die(int fds[2]) {
	if (pipe(fds) < 0)
		die("pipe");
}

/* readcmd returns the next byte on stdin, or -1 at EOF. */
static int readcmd(void) {
	unsigned char c;
	for (;;) {
		ssize_t r = read(0, &c, 1);
		if (r == 1)
			return c;
		if (r < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

/* catchall counts every catchable signal, so none of them can end us. */
static void catchall(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = count;
	sa.sa_flags = SA_RESTART;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
			sigaction(sig, &sa, NULL); /* 32 and 33 belong to glibc: EINVAL */
}

static int idle(void) {
	say("ready\n");
	while (readcmd() >= 0)
		;
	return 0;
}

static int acks(void) {
	sigset_t all;
	sigfillset(&all);
	sigdelset(&all, SIGCHLD);
	sigprocmask(SIG_BLOCK, &all, NULL);
	say("ready\n");
	for (;;) {
		int sig = sigwaitinfo(&all, NULL);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			die("sigwaitinfo");
		}
		if (sig == SIGTERM)
			return 0;
		unsigned char b = (unsigned char)sig;
		while (write(1, &b, 1) < 0 && errno == EINTR)
			;
	}
}

/* gone waits until each pid has been reaped by PID 1 and returns how
 * many were still there when the limit passed. kill(pid, 0) succeeds on a
 * zombie, so it tells "not yet reaped" from "reaped". */
static int gone(pid_t *pids, int n, long long start) {
	struct timespec nap = {0, 20000};
	int i = 0;
	while (i < n) {
		if (kill(pids[i], 0) != 0) {
			i++;
			continue;
		}
		if (now_ns() - start > orphan_limit_ns)
			break;
		nanosleep(&nap, NULL);
	}
	int left = 0;
	for (; i < n; i++)
		left += kill(pids[i], 0) == 0;
	return left;
}

/* readpids reads n pids from fd, as many as the writer sent. */
static int readpids(int fd, pid_t *pids, int n) {
	size_t want = n * sizeof(pid_t), got = 0;
	while (got < want) {
		ssize_t r = read(fd, (char *)pids + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	return got / sizeof(pid_t);
}

/* burst forks a parent that forks n children which exit at once; the
 * parent exits after them, so PID 1 inherits n zombies in one moment. */
static void burst(pid_t *pids, int n) {
	int p[2];
	pipe_or_die(p);
	pid_t parent = fork_or_die();
	if (parent == 0) {
		close(p[0]);
		for (int i = 0; i < n; i++) {
			pid_t c = fork();
			if (c == 0)
				_exit(0);
			if (c < 0)
				die("fork in burst");
			while (write(p[1], &c, sizeof c) < 0 && errno == EINTR)
				;
		}
		_exit(0);
	}
	close(p[1]);
	int got = readpids(p[0], pids, n);
	close(p[0]);
	while (waitpid(parent, NULL, 0) < 0 && errno == EINTR)
		;
	long long start = now_ns();
	int left = gone(pids, got, start) + (n - got);
	char line[64];
	snprintf(line, sizeof line, "%lld %d\n", now_ns() - start, left);
	say(line);
}

/* storm makes n orphans one after another: a child forks a grandchild,
 * tells us its pid and exits, and the grandchild exits at once. */
static void storm(pid_t *pids, int n) {
	int p[2];
	pipe_or_die(p);
	long long start = now_ns();
	for (int i = 0; i < n; i++) {
		pid_t c = fork_or_die();
		if (c == 0) {
			pid_t g = fork();
			if (g == 0)
				_exit(0);
			write(p[1], &g, sizeof g);
			_exit(0);
		}
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
		if (readpids(p[0], &pids[i], 1) != 1)
			die("read storm pid");
	}
	close(p[0]);
	close(p[1]);
	int left = gone(pids, n, start);
	char line[64];
	snprintf(line, sizeof line, "%lld %d\n", now_ns() - start, left);
	say(line);
}

static int orphans(int n, int m) {
	pid_t *pids = calloc(n > m ? n : m, sizeof(pid_t));
	if (pids == NULL)
		die("calloc");
	say("ready\n");
	for (;;) {
		switch (readcmd()) {
		case 'b':
			burst(pids, n);
			break;
		case 's':
			storm(pids, m);
			break;
		case -1:
			return 0;
		}
	}
}

static int sigstate(void) {
	char buf[4096], out[256];
	FILE *f = fopen("/proc/self/status", "r");
	if (f == NULL)
		die("open /proc/self/status");
	while (fgets(buf, sizeof buf, f))
		if (strncmp(buf, "SigBlk:", 7) == 0 || strncmp(buf, "SigIgn:", 7) == 0)
			say(buf);
	fclose(f);
	catchall();
	say("ready\n");
	while (readcmd() >= 0) {
		snprintf(out, sizeof out, "urg %d\n", (int)urgs);
		say(out);
	}
	snprintf(out, sizeof out, "urg %d\n", (int)urgs);
	say(out);
	return 0;
}

static int churn(int code) {
	catchall();
	say("ready\n");
	struct pollfd in = {.fd = 0, .events = POLLIN};
	for (;;) {
		pid_t c = fork();
		if (c == 0) {
			if (fork() == 0) /* an orphan for PID 1 */
				_exit(0);
			_exit(7);
		}
		if (c > 0)
			while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
				;
		if (poll(&in, 1, 0) > 0)
			break;
	}
	char out[64];
	snprintf(out, sizeof out, "caught %d\n", (int)caught);
	say(out);
	return code;
}

static int exitsoon(int code, long us) {
	catchall();
	say("ready\n");
	long long end = now_ns() + us * 1000;
	while (now_ns() < end)
		;
	return code;
}

/* hogs is a busy application: N pipelines like `yes | tail`, a writer and
 * a reader each, which keep the CPUs busy and wake each other all the
 * time. The load stays in the kid's session, and so outside the init's
 * own when the init started the kid in a new one. */
static int hogs(int n) {
	static char buf[8192];
	memset(buf, 'y', sizeof buf);
	for (int i = 0; i < n; i++) {
		int fds[2];
		pipe_or_die(fds);
		pid_t writer = fork_or_die();
		if (writer == 0) {
			close(fds[0]);
			while (write(fds[1], buf, sizeof buf) > 0)
				;
			_exit(0);
		}
		pid_t reader = fork_or_die();
		if (reader == 0) {
			close(fds[1]);
			while (read(fds[0], buf, sizeof buf) > 0)
				;
			_exit(0);
		}
		close(fds[0]);
		close(fds[1]);
	}
	say("ready\n");
	while (readcmd() >= 0)
		;
	return 0;
}

int main(int argc, char **argv) {
	if (argc >= 2 && strcmp(argv[1], "idle") == 0)
		return idle();
	if (argc >= 2 && strcmp(argv[1], "acks") == 0)
		return acks();
	if (argc >= 4 && strcmp(argv[1], "orphans") == 0) {
		if (argc >= 5)
			orphan_limit_ns = atoll(argv[4]) * 1000000LL;
		return orphans(atoi(argv[2]), atoi(argv[3]));
	}
	if (argc >= 2 && strcmp(argv[1], "sigstate") == 0)
		return sigstate();
	if (argc >= 3 && strcmp(argv[1], "churn") == 0)
		return churn(atoi(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "exitsoon") == 0)
		return exitsoon(atoi(argv[2]), atol(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "hogs") == 0)
		return hogs(atoi(argv[2]));
	fprintf(stderr, "usage: benchkid idle|acks|orphans N M|sigstate|churn CODE|exitsoon CODE US|hogs N\n");
	return 2;
}
