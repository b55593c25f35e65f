/* loadgen — propdesk-loadgen, the benchmark's SSH load generator (libssh client API).
 *
 * Worker threads (one per core by default) each run many non-blocking libssh sessions from one
 * epoll set and one timer heap; a session is a small state machine advanced whenever its
 * socket is ready. The main thread only sets up, switches phases and prints. Every result
 * includes the generator's own CPU time (getrusage), and, given --server-pid, the server's CPU
 * time and memory (PSS of the process and all its descendants, from /proc/PID/smaps_rollup),
 * so a reader can tell whether the server or the generator was the limit.
 *
 * Modes (see loadgen_usage): connect, hold, rtt (shell or --exec), mixed.
 * Output: human lines, then one machine-readable line per run: "RESULT key=value ...".
 *
 * The server's host key is not verified: this talks only to a server on this machine that the
 * benchmark started itself. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h> /* ssh_execute_message_callbacks: pumps an idle client too */

#define LOADGEN_MARKER_MAX 64
#define LOADGEN_EVENTS 256
#define LOADGEN_NS_PER_MS 1000000LL
#define LOADGEN_NS_PER_S 1000000000LL

enum loadgen_mode { LOADGEN_CONNECT, LOADGEN_HOLD, LOADGEN_RTT, LOADGEN_MIXED };

/* What a connection is for. */
enum loadgen_kind {
	LOADGEN_K_AUTH,  /* connect mode: connect, key exchange, public-key auth, close */
	LOADGEN_K_SHELL, /* pty + shell, commands typed at the prompt */
	LOADGEN_K_EXEC,  /* persistent connection, one exec channel per request */
	LOADGEN_K_STORM, /* one wrong password, then close */
	LOADGEN_K_LOGIN, /* mixed: a legitimate password login (timed), then close */
};

enum loadgen_state {
	LOADGEN_S_FREE,
	LOADGEN_S_TCP,    /* non-blocking TCP connect */
	LOADGEN_S_KEX,    /* ssh_connect: banner and key exchange */
	LOADGEN_S_AUTH,   /* ssh_userauth_publickey / _password */
	LOADGEN_S_CHOPEN, /* ssh_channel_open_session */
	LOADGEN_S_PTY,    /* ssh_channel_request_pty_size */
	LOADGEN_S_SHELL,  /* ssh_channel_request_shell */
	LOADGEN_S_PROMPT, /* waiting for the first prompt */
	LOADGEN_S_IDLE,   /* open; nothing outstanding */
	LOADGEN_S_REPLY,  /* shell: a command typed, waiting for the next prompt */
	LOADGEN_S_XOPEN,  /* exec: opening the request's channel */
	LOADGEN_S_XEXEC,  /* exec: ssh_channel_request_exec */
	LOADGEN_S_XREAD,  /* exec: reading to EOF and close */
	LOADGEN_S_DOWN,   /* exec: the server closed the connection after a request; the next
			   * request connects again */
};

/* Phases, switched by the main thread. */
enum loadgen_phase {
	LOADGEN_P_OPEN,  /* open sessions (connect mode: run) */
	LOADGEN_P_RUN,   /* hold: idle; rtt/mixed: send commands */
	LOADGEN_P_STORM, /* mixed: commands and the password storm */
	LOADGEN_P_PROBE, /* hold: the final probe command */
	LOADGEN_P_DRAIN, /* stop sending; wait for outstanding replies */
	LOADGEN_P_STOP,  /* close everything and exit */
};

struct loadgen_opts {
	enum loadgen_mode mode;
	const char *host;
	int port;
	const char *user;
	const char *key;
	int threads;
	long n;             /* connect/hold: connections or sessions */
	long concurrency;   /* connect: in flight; hold: opening at once; rtt/mixed: sessions */
	long open_conc;     /* rtt/mixed: sessions opening at once */
	double seconds;     /* hold: idle time; rtt: run time; mixed: each phase */
	double rate;        /* rtt/mixed: commands per second per session */
	const char *cmd;    /* the command (rtt, mixed) */
	const char *probe;  /* hold: the final probe command */
	const char *marker; /* the prompt marker */
	bool exec;          /* rtt: exec channels instead of a shell */
	double timeout;     /* seconds for one step (open, reply) */
	long server_pid;
	const char *label;
	double storm_rate;  /* mixed: password attempts per second */
	long storm_max;     /* mixed: storm connections in flight at most */
	const char *storm_user;
	const char *storm_password;
	const char *login_user;     /* mixed: an account logging in by password now and then */
	const char *login_password;
	double login_rate;          /* mixed: its logins per second */
	bool verbose;
};

struct loadgen_lat {
	int64_t *v; /* microseconds */
	size_t n, cap;
};

struct loadgen_thread;

struct loadgen_conn {
	struct loadgen_thread *t;
	enum loadgen_kind kind;
	enum loadgen_state state;
	ssh_session s;
	ssh_channel ch;
	int fd;
	uint32_t evmask;
	long heap_idx;       /* -1: not in the timer heap */
	int64_t due;         /* timer: ns (monotonic) */
	int64_t t_start;     /* start of the current open / request */
	int64_t next_send;   /* rtt: the scheduled time of the next command */
	int kmp;             /* prompt matcher state */
	bool opened;         /* counted as opened */
	bool probing;
	bool in_storm;       /* the outstanding request (or login) started during the storm */
	bool exit_seen;
	bool reconnecting;   /* exec: a request waits for a new connection */
	struct ssh_channel_callbacks_struct cb;
};

struct loadgen_thread {
	int idx;
	pthread_t tid;
	int ep;
	ssh_key key;
	struct loadgen_conn *conns;
	long nconns;          /* slots */
	struct loadgen_conn **heap;
	long heap_len;
	/* targets for this thread */
	long share;           /* connections / sessions to make */
	long conc;            /* in flight at once while opening */
	long started, finished, inflight;
	long storm_inflight;
	int64_t storm_next;   /* next storm attempt (ns) */
	bool login_inflight;  /* mixed: a legitimate login is under way */
	int64_t login_next;   /* the next one (ns) */
	unsigned rng;
	/* results */
	struct loadgen_lat lat;        /* connect latencies; rtt latencies; mixed: before */
	struct loadgen_lat lat2;       /* mixed: during the storm */
	struct loadgen_lat open_lat;   /* session open times */
	struct loadgen_lat storm_lat;  /* storm attempt times */
	struct loadgen_lat login_lat, login_lat2; /* mixed: legitimate logins before / during */
	long ok, fail, fail_tcp, fail_kex, fail_auth, fail_chan, fail_timeout;
	long req_err, req_timeout, reconnects;
	long storm_started, storm_attempts, storm_denied, storm_err, storm_accepted;
	long login_fail;
	atomic_long opened, open_failed, lost, probe_ok, probe_fail, outstanding;
	atomic_bool done;
	atomic_int phase_seen; /* the last phase this thread has acted on */
};

static struct loadgen_opts loadgen_o = {
	.host = "127.0.0.1",
	.port = 2222,
	.user = NULL,
	.threads = 0,
	.n = 1000,
	.concurrency = 50,
	.open_conc = 100,
	.seconds = 10,
	.rate = 1,
	.cmd = "whoami",
	.probe = "whoami",
	.marker = "> ",
	.timeout = 30,
	.server_pid = 0,
	.label = "",
	.storm_rate = 20,
	.storm_max = 1000,
	.storm_password = "wrong-password",
	.login_rate = 1,
};

static atomic_int loadgen_phase;
/* mixed: the thread that runs the storm alone (the last one), so that the client side of its
 * key exchanges never delays the agents' timing; -1 otherwise. */
static int loadgen_storm_idx = -1;
static int64_t loadgen_run_start, loadgen_run_end;
static struct sockaddr_in loadgen_addr;
static int loadgen_kmp_fail[LOADGEN_MARKER_MAX];
static size_t loadgen_marker_len;
static struct loadgen_thread *loadgen_threads;

static const char loadgen_usage[] =
	"usage: propdesk-loadgen MODE [OPTIONS]\n"
	"\n"
	"SSH load generator for the propdesk benchmark (libssh client, non-blocking, one epoll\n"
	"loop per thread). Prints human lines and one \"RESULT key=value ...\" line per run.\n"
	"\n"
	"Modes:\n"
	"  connect   N connections at concurrency C: connect, key exchange, public-key auth,\n"
	"            close; connections/s, latency p50/p90/p99, failures\n"
	"  hold      N interactive sessions (pty + shell) kept idle for S seconds, then a probe\n"
	"            command in each; sessions opened and lost, server memory (PSS) per session\n"
	"  rtt       C interactive sessions typing a command at RATE per second each for S seconds\n"
	"            and waiting for the answer and the next prompt; --exec: one exec channel per\n"
	"            request on a persistent connection instead\n"
	"  mixed     C agents as in rtt for S seconds, then S more seconds during a wrong-password\n"
	"            login storm at STORM_RATE; the agents' latency before and during the storm\n"
	"            (the storm has a thread of its own, so that the client side of its key\n"
	"            exchanges never delays the agents' timing)\n"
	"\n"
	"Options:\n"
	"  -H, --host ADDR          server address (127.0.0.1; IPv4)\n"
	"  -p, --port PORT          server port (2222)\n"
	"  -u, --user NAME          account (default: $USER)\n"
	"  -i, --key FILE           ed25519 private key file (required)\n"
	"  -t, --threads N          worker threads (default: the number of CPUs)\n"
	"  -n, --count N            connect/hold: connections or sessions (1000)\n"
	"  -c, --concurrency C      connect: in flight; hold: opening at once; rtt/mixed:\n"
	"                           sessions (50)\n"
	"      --open-concurrency C rtt/mixed: sessions opening at once (100)\n"
	"  -d, --duration S         hold: idle seconds; rtt: seconds; mixed: seconds per phase (10)\n"
	"  -r, --rate R             commands per second per session (1)\n"
	"      --cmd TEXT           the command (whoami)\n"
	"      --probe TEXT         hold: the final probe command (whoami)\n"
	"      --prompt TEXT        the prompt marker that ends an answer (\"> \")\n"
	"      --exec               rtt: exec channels instead of a shell\n"
	"      --timeout S          seconds allowed for one open or one reply (30)\n"
	"      --server-pid PID     measure this process and its descendants (CPU, PSS)\n"
	"      --label TEXT         a label copied to the RESULT line\n"
	"      --storm-rate R       mixed: wrong-password attempts per second (20)\n"
	"      --storm-max N        mixed: storm connections in flight at most (1000)\n"
	"      --storm-user NAME    mixed: the account attacked (required for mixed)\n"
	"      --storm-password PW  mixed: the wrong password (wrong-password)\n"
	"      --login-user NAME    mixed: also log NAME in by password now and then, before and\n"
	"                           during the storm, timing connect to authenticated\n"
	"      --login-password PW  mixed: its (right) password\n"
	"      --login-rate R       mixed: its logins per second, one at a time (1)\n"
	"  -v, --verbose            print failures as they happen\n"
	"  -h, --help               this text\n";

/* --- small helpers ---------------------------------------------------------------------- */

static int64_t loadgen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * LOADGEN_NS_PER_S + ts.tv_nsec;
}

static void loadgen_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void loadgen_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "propdesk-loadgen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void loadgen_lat_add(struct loadgen_lat *l, int64_t ns)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		int64_t *v = realloc(l->v, cap * sizeof *v);

		if (v == NULL)
			abort();
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ns / 1000;
}

static void loadgen_lat_merge(struct loadgen_lat *dst, const struct loadgen_lat *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		loadgen_lat_add(dst, src->v[i] * 1000);
}

static int loadgen_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void loadgen_lat_sort(struct loadgen_lat *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, loadgen_cmp_i64);
}

/* Percentile p (0..100) of a sorted set, in milliseconds; 0 when empty. */
static double loadgen_pct(const struct loadgen_lat *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)ceil(p / 100.0 * (double)l->n);
	if (i > 0)
		i--;
	if (i >= l->n)
		i = l->n - 1;
	return (double)l->v[i] / 1000.0;
}

static double loadgen_max(const struct loadgen_lat *l)
{
	return l->n ? (double)l->v[l->n - 1] / 1000.0 : 0;
}

static unsigned loadgen_rand(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/* --- the server's processes: CPU and PSS ------------------------------------------------ */

struct loadgen_proc {
	double cpu_s;  /* utime + stime + cutime + cstime over the tree */
	long pss_kb;
	int procs;
};

/* Time on CPU of all of pid's threads, in ns, from /proc/PID/task/TID/schedstat (exact, where
 * utime and stime are whole ticks per process, which loses most of it for many mostly idle
 * processes such as one sshd pair per session). -1 when unavailable. */
static double loadgen_proc_run_s(long pid)
{
	char path[64];
	unsigned long long run_ns, sum = 0;
	struct dirent *de;
	bool any = false;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%ld/task", pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char tpath[384];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(tpath, sizeof tpath, "/proc/%ld/task/%s/schedstat", pid, de->d_name);
		f = fopen(tpath, "r");
		if (f == NULL)
			continue;
		if (fscanf(f, "%llu", &run_ns) == 1) {
			sum += run_ns;
			any = true;
		}
		fclose(f);
	}
	closedir(d);
	return any ? (double)sum / 1e9 : -1;
}

/* Reads /proc/PID/stat: ppid, and CPU time (s) as the threads' exact time on CPU plus the
 * CPU time of reaped children (clock ticks). */
static int loadgen_proc_stat(long pid, long *ppid, double *cpu_s)
{
	char path[64], buf[4096], *p;
	unsigned long ut, st;
	double run_s;
	long cut, cst;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL)
		return -1;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
	 * cutime cstime */
	if (sscanf(p + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld", ppid, &ut,
		   &st, &cut, &cst) != 5)
		return -1;
	*cpu_s = (double)((unsigned long)cut + (unsigned long)cst) / (double)sysconf(_SC_CLK_TCK);
	run_s = loadgen_proc_run_s(pid);
	if (run_s >= 0)
		*cpu_s += run_s;
	else
		*cpu_s += (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

static long loadgen_proc_pss(long pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Pss: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* CPU time and PSS of root and all its descendants (with_pss false: CPU only). */
static void loadgen_proc_tree(long root, bool with_pss, struct loadgen_proc *out)
{
	long *pids = NULL, *ppids = NULL, *in = NULL;
	double *cpu = NULL;
	size_t n = 0, cap = 0, i, nin = 0;
	struct dirent *de;
	DIR *d;
	bool grew;

	memset(out, 0, sizeof *out);
	if (root <= 0)
		return;
	d = opendir("/proc");
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		long pid = strtol(de->d_name, NULL, 10), ppid;
		double c;

		if (pid <= 0 || loadgen_proc_stat(pid, &ppid, &c) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			pids = realloc(pids, cap * sizeof *pids);
			ppids = realloc(ppids, cap * sizeof *ppids);
			cpu = realloc(cpu, cap * sizeof *cpu);
			in = realloc(in, cap * sizeof *in);
			if (pids == NULL || ppids == NULL || cpu == NULL || in == NULL)
				abort();
		}
		pids[n] = pid;
		ppids[n] = ppid;
		cpu[n] = c;
		in[n] = pid == root;
		nin += pid == root;
		n++;
	}
	closedir(d);
	/* Mark descendants until nothing changes (the list is not in tree order). */
	do {
		grew = false;
		for (i = 0; i < n; i++) {
			size_t j;

			if (in[i])
				continue;
			for (j = 0; j < n; j++)
				if (in[j] && pids[j] == ppids[i])
					break;
			if (j < n) {
				in[i] = 1;
				nin++;
				grew = true;
			}
		}
	} while (grew && nin < n);
	for (i = 0; i < n; i++) {
		if (!in[i])
			continue;
		out->procs++;
		out->cpu_s += cpu[i];
		if (with_pss)
			out->pss_kb += loadgen_proc_pss(pids[i]);
	}
	free(pids);
	free(ppids);
	free(cpu);
	free(in);
}

/* --- the prompt matcher (KMP, so a marker split across reads is still found) ------------- */

static void loadgen_kmp_init(const char *m)
{
	size_t i, k = 0;

	loadgen_marker_len = strlen(m);
	if (loadgen_marker_len == 0 || loadgen_marker_len >= LOADGEN_MARKER_MAX)
		loadgen_die("--prompt must be 1 to %d bytes", LOADGEN_MARKER_MAX - 1);
	loadgen_kmp_fail[0] = 0;
	for (i = 1; i < loadgen_marker_len; i++) {
		while (k > 0 && m[i] != m[k])
			k = (size_t)loadgen_kmp_fail[k - 1];
		if (m[i] == m[k])
			k++;
		loadgen_kmp_fail[i] = (int)k;
	}
}

/* Feeds bytes; returns true when the marker completed (the state is reset then). */
static bool loadgen_kmp_feed(int *state, const char *buf, size_t len)
{
	const char *m = loadgen_o.marker;
	size_t k = (size_t)*state, i;
	bool found = false;

	for (i = 0; i < len; i++) {
		while (k > 0 && buf[i] != m[k])
			k = (size_t)loadgen_kmp_fail[k - 1];
		if (buf[i] == m[k])
			k++;
		if (k == loadgen_marker_len) {
			found = true;
			k = 0;
		}
	}
	*state = (int)k;
	return found;
}

/* --- the timer heap (per thread) --------------------------------------------------------- */

static void loadgen_heap_swap(struct loadgen_thread *t, long a, long b)
{
	struct loadgen_conn *x = t->heap[a];

	t->heap[a] = t->heap[b];
	t->heap[b] = x;
	t->heap[a]->heap_idx = a;
	t->heap[b]->heap_idx = b;
}

static void loadgen_heap_up(struct loadgen_thread *t, long i)
{
	while (i > 0 && t->heap[(i - 1) / 2]->due > t->heap[i]->due) {
		loadgen_heap_swap(t, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void loadgen_heap_down(struct loadgen_thread *t, long i)
{
	for (;;) {
		long l = 2 * i + 1, r = l + 1, m = i;

		if (l < t->heap_len && t->heap[l]->due < t->heap[m]->due)
			m = l;
		if (r < t->heap_len && t->heap[r]->due < t->heap[m]->due)
			m = r;
		if (m == i)
			return;
		loadgen_heap_swap(t, i, m);
		i = m;
	}
}

static void loadgen_timer_clear(struct loadgen_conn *c)
{
	struct loadgen_thread *t = c->t;
	long i = c->heap_idx;

	if (i < 0)
		return;
	c->heap_idx = -1;
	t->heap_len--;
	if (i == t->heap_len)
		return;
	t->heap[i] = t->heap[t->heap_len];
	t->heap[i]->heap_idx = i;
	loadgen_heap_up(t, i);
	loadgen_heap_down(t, t->heap[i]->heap_idx);
}

static void loadgen_timer_set(struct loadgen_conn *c, int64_t due)
{
	struct loadgen_thread *t = c->t;

	loadgen_timer_clear(c);
	c->due = due;
	c->heap_idx = t->heap_len;
	t->heap[t->heap_len++] = c;
	loadgen_heap_up(t, c->heap_idx);
}

/* --- connections ------------------------------------------------------------------------- */

static void loadgen_step(struct loadgen_conn *c);
static int loadgen_conn_connect(struct loadgen_conn *c);

static int64_t loadgen_timeout_ns(void)
{
	return (int64_t)(loadgen_o.timeout * (double)LOADGEN_NS_PER_S);
}

static void loadgen_exit_status_cb(ssh_session s, ssh_channel ch, int status, void *arg)
{
	struct loadgen_conn *c = arg;

	(void)s;
	(void)ch;
	(void)status;
	c->exit_seen = true;
}

static void loadgen_log(const struct loadgen_conn *c, const char *what)
{
	if (loadgen_o.verbose)
		fprintf(stderr, "propdesk-loadgen: thread %d: %s: %s\n", c->t->idx, what,
			c->s ? ssh_get_error(c->s) : "");
}

/* Frees the connection's SSH state and socket. */
static void loadgen_conn_release(struct loadgen_conn *c)
{
	struct loadgen_thread *t = c->t;

	if (c->s != NULL) {
		/* Unregister the fd only while libssh still has it open (once libssh closed it,
		 * the kernel dropped it from the epoll set, and the number may be reused). */
		if (c->fd >= 0 && ssh_get_fd(c->s) == c->fd)
			epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
		if (c->ch != NULL)
			ssh_channel_free(c->ch);
		ssh_disconnect(c->s);
		ssh_free(c->s);
	} else if (c->fd >= 0) {
		epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->s = NULL;
	c->ch = NULL;
	c->fd = -1;
}

/* Frees everything and returns the slot to the pool. */
static void loadgen_conn_close(struct loadgen_conn *c)
{
	loadgen_timer_clear(c);
	loadgen_conn_release(c);
	if (c->kind == LOADGEN_K_STORM && c->state != LOADGEN_S_FREE)
		c->t->storm_inflight--;
	if (c->kind == LOADGEN_K_LOGIN && c->state != LOADGEN_S_FREE)
		c->t->login_inflight = false;
	c->state = LOADGEN_S_FREE;
	c->reconnecting = false;
	c->opened = false;
	c->probing = false;
}

static void loadgen_arm(struct loadgen_conn *c)
{
	uint32_t want = EPOLLIN;
	struct epoll_event ev;

	if (c->state == LOADGEN_S_FREE)
		return;
	if (c->state == LOADGEN_S_TCP)
		want = EPOLLOUT;
	else if (ssh_get_poll_flags(c->s) & SSH_WRITE_PENDING)
		want |= EPOLLOUT;
	if (want == c->evmask)
		return;
	memset(&ev, 0, sizeof ev);
	ev.events = want;
	ev.data.ptr = c;
	epoll_ctl(c->t->ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->evmask = want;
}

/* Starts a connection of the given kind in a free slot. 0, or -1 (counted as a failure). */
static int loadgen_conn_start(struct loadgen_thread *t, struct loadgen_conn *c,
			      enum loadgen_kind kind)
{
	memset(&c->cb, 0, sizeof c->cb);
	c->t = t;
	c->kind = kind;
	c->s = NULL;
	c->ch = NULL;
	c->kmp = 0;
	c->opened = false;
	c->probing = false;
	c->exit_seen = false;
	c->reconnecting = false;
	c->t_start = loadgen_now();
	if (kind == LOADGEN_K_STORM)
		t->storm_inflight++;
	if (kind == LOADGEN_K_LOGIN) {
		t->login_inflight = true;
		c->in_storm = atomic_load(&loadgen_phase) == LOADGEN_P_STORM;
	}
	c->state = LOADGEN_S_TCP;
	if (loadgen_conn_connect(c) < 0)
		return -1;
	loadgen_timer_set(c, c->t_start + loadgen_timeout_ns());
	return 0;
}

/* Opens the TCP connection (non-blocking) and registers it. 0 or -1. */
static int loadgen_conn_connect(struct loadgen_conn *c)
{
	struct loadgen_thread *t = c->t;
	struct epoll_event ev;
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	c->fd = fd;
	c->state = LOADGEN_S_TCP;
	if (fd < 0) {
		loadgen_log(c, "socket");
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&loadgen_addr, sizeof loadgen_addr) < 0 &&
	    errno != EINPROGRESS) {
		if (loadgen_o.verbose)
			fprintf(stderr, "propdesk-loadgen: connect: %s\n", strerror(errno));
		return -1;
	}
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	c->evmask = EPOLLOUT;
	return 0;
}

/* After TCP connected: the libssh session on our socket. */
static int loadgen_ssh_begin(struct loadgen_conn *c)
{
	const char *user = c->kind == LOADGEN_K_STORM   ? loadgen_o.storm_user
			   : c->kind == LOADGEN_K_LOGIN ? loadgen_o.login_user
							: loadgen_o.user;
	bool no = false;
	int rc;

	c->s = ssh_new();
	if (c->s == NULL)
		return -1;
	ssh_options_set(c->s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	ssh_options_set(c->s, SSH_OPTIONS_HOST, loadgen_o.host);
	ssh_options_set(c->s, SSH_OPTIONS_USER, user);
	ssh_options_set(c->s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	ssh_options_set(c->s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	ssh_options_set(c->s, SSH_OPTIONS_FD, &c->fd);
	ssh_set_blocking(c->s, 0);
	c->state = LOADGEN_S_KEX;
	rc = ssh_connect(c->s);
	if (rc == SSH_ERROR) {
		/* Before libssh took the socket over, it is still ours to close. */
		if (ssh_get_fd(c->s) != c->fd) {
			ssh_free(c->s);
			c->s = NULL;
		}
		return -1;
	}
	return 0;
}

/* A session became usable (shell prompt seen, or exec connection authenticated). */
static void loadgen_opened(struct loadgen_conn *c, int64_t now)
{
	struct loadgen_thread *t = c->t;

	c->opened = true;
	c->state = LOADGEN_S_IDLE;
	loadgen_lat_add(&t->open_lat, now - c->t_start);
	t->inflight--;
	atomic_fetch_add(&t->opened, 1);
	loadgen_timer_clear(c);
}

static void loadgen_lost(struct loadgen_conn *c, const char *why);

static void loadgen_open_failed(struct loadgen_conn *c, long *counter)
{
	struct loadgen_thread *t = c->t;

	if (c->opened) {
		/* An exec request's new connection failed. */
		loadgen_lost(c, "reconnect failed");
		return;
	}
	(*counter)++;
	t->fail++;
	t->inflight--;
	if (c->kind != LOADGEN_K_AUTH)
		atomic_fetch_add(&t->open_failed, 1);
	t->finished++;
	loadgen_conn_close(c);
}

/* A session that was open went away (EOF, close, error or reply timeout). */
static void loadgen_lost(struct loadgen_conn *c, const char *why)
{
	struct loadgen_thread *t = c->t;

	loadgen_log(c, why);
	if (c->reconnecting || c->state == LOADGEN_S_REPLY || c->state == LOADGEN_S_XOPEN ||
	    c->state == LOADGEN_S_XEXEC || c->state == LOADGEN_S_XREAD) {
		atomic_fetch_sub(&t->outstanding, 1);
		t->req_err++;
	}
	if (c->probing)
		atomic_fetch_add(&t->probe_fail, 1);
	atomic_fetch_add(&t->lost, 1);
	loadgen_conn_close(c);
}

/* Records a request's latency in the right set. */
static void loadgen_request_done(struct loadgen_conn *c, int64_t now)
{
	struct loadgen_thread *t = c->t;
	int64_t ns = now - c->t_start;

	atomic_fetch_sub(&t->outstanding, 1);
	loadgen_timer_clear(c);
	c->state = LOADGEN_S_IDLE;
	if (c->probing) {
		c->probing = false;
		atomic_fetch_add(&t->probe_ok, 1);
		return;
	}
	if (loadgen_o.mode == LOADGEN_MIXED && c->in_storm)
		loadgen_lat_add(&t->lat2, ns);
	else
		loadgen_lat_add(&t->lat, ns);
	t->ok++;
	/* The next command: on schedule, or now when the answer came after its slot. */
	c->next_send += (int64_t)((double)LOADGEN_NS_PER_S / loadgen_o.rate);
	if (c->next_send < now)
		c->next_send = now;
	loadgen_timer_set(c, c->next_send);
}

/* Sends a command (shell: typed at the prompt; exec: opens a channel for it). */
static void loadgen_send(struct loadgen_conn *c, const char *cmd, bool probe)
{
	struct loadgen_thread *t = c->t;
	int64_t now = loadgen_now();

	c->t_start = now;
	c->probing = probe;
	c->in_storm = atomic_load(&loadgen_phase) == LOADGEN_P_STORM;
	atomic_fetch_add(&t->outstanding, 1);
	loadgen_timer_set(c, now + loadgen_timeout_ns());
	if (c->kind == LOADGEN_K_SHELL) {
		char line[1024];
		int n = snprintf(line, sizeof line, "%s\r", cmd);

		c->kmp = 0;
		c->state = LOADGEN_S_REPLY;
		if (n < 0 || (size_t)n >= sizeof line || ssh_channel_write(c->ch, line, (uint32_t)n) != n) {
			loadgen_lost(c, "write");
			return;
		}
	} else if (c->state == LOADGEN_S_DOWN ||
		   ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR) || !ssh_is_connected(c->s)) {
		loadgen_conn_release(c);
		/* The request's time includes connecting and authenticating again. */
		c->reconnecting = true;
		c->state = LOADGEN_S_TCP;
		if (loadgen_conn_connect(c) < 0) {
			loadgen_lost(c, "reconnect");
			return;
		}
	} else {
		c->exit_seen = false;
		c->ch = ssh_channel_new(c->s);
		if (c->ch == NULL) {
			loadgen_lost(c, "channel_new");
			return;
		}
		ssh_callbacks_init(&c->cb);
		c->cb.userdata = c;
		c->cb.channel_exit_status_function = loadgen_exit_status_cb;
		ssh_set_channel_callbacks(c->ch, &c->cb);
		c->state = LOADGEN_S_XOPEN;
	}
	loadgen_step(c);
}

/* Drains a channel's output; returns 1 when the marker was seen (shell), 0 when nothing more
 * is available, -1 on EOF or error. */
static int loadgen_drain(struct loadgen_conn *c, bool match)
{
	char buf[16384];
	int found = 0, n, stream;

	/* A shell's pty merges stderr into stdout: read stream 0 only, until a read that pumped
	 * the socket found nothing (so no output is left behind without an epoll event). Exec
	 * also reads stderr; there completion is decided by the channel's close, which a pump
	 * of either stream records. */
	for (stream = 0; stream < (c->kind == LOADGEN_K_EXEC ? 2 : 1); stream++) {
		for (;;) {
			n = ssh_channel_read_nonblocking(c->ch, buf, sizeof buf, stream);
			if (n == 0)
				break;
			if (n < 0) {
				if (stream == 1 && n == SSH_EOF)
					break;
				return found ? found : -1;
			}
			if (match && stream == 0 && loadgen_kmp_feed(&c->kmp, buf, (size_t)n))
				found = 1;
		}
	}
	return found;
}

/* Advances the state machine as far as it goes without waiting. */
static void loadgen_step(struct loadgen_conn *c)
{
	struct loadgen_thread *t = c->t;
	int rc;

	for (;;) {
		int64_t now;

		switch (c->state) {
		case LOADGEN_S_FREE:
		case LOADGEN_S_DOWN:
			return;
		case LOADGEN_S_TCP: {
			int err = 0;
			socklen_t len = sizeof err;

			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err == EINPROGRESS || err == EALREADY)
				return;
			if (err != 0 || loadgen_ssh_begin(c) < 0) {
				if (c->kind == LOADGEN_K_STORM || c->kind == LOADGEN_K_LOGIN) {
					if (c->kind == LOADGEN_K_STORM)
						t->storm_err++;
					else
						t->login_fail++;
					loadgen_conn_close(c);
					return;
				}
				loadgen_open_failed(c, &t->fail_tcp);
				return;
			}
			continue;
		}
		case LOADGEN_S_KEX:
			rc = ssh_connect(c->s);
			if (rc == SSH_AGAIN)
				goto wait;
			if (rc != SSH_OK) {
				loadgen_log(c, "key exchange");
				if (c->kind == LOADGEN_K_STORM || c->kind == LOADGEN_K_LOGIN) {
					if (c->kind == LOADGEN_K_STORM)
						t->storm_err++;
					else
						t->login_fail++;
					loadgen_conn_close(c);
					return;
				}
				loadgen_open_failed(c, &t->fail_kex);
				return;
			}
			c->state = LOADGEN_S_AUTH;
			continue;
		case LOADGEN_S_AUTH:
			if (c->kind == LOADGEN_K_STORM)
				rc = ssh_userauth_password(c->s, NULL, loadgen_o.storm_password);
			else if (c->kind == LOADGEN_K_LOGIN)
				rc = ssh_userauth_password(c->s, NULL, loadgen_o.login_password);
			else
				rc = ssh_userauth_publickey(c->s, NULL, t->key);
			if (rc == SSH_AUTH_AGAIN)
				goto wait;
			now = loadgen_now();
			if (c->kind == LOADGEN_K_STORM) {
				t->storm_attempts++;
				if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL)
					t->storm_denied++;
				else if (rc == SSH_AUTH_SUCCESS)
					t->storm_accepted++;
				else
					t->storm_err++;
				loadgen_lat_add(&t->storm_lat, now - c->t_start);
				loadgen_conn_close(c);
				return;
			}
			if (c->kind == LOADGEN_K_LOGIN) {
				if (rc == SSH_AUTH_SUCCESS)
					loadgen_lat_add(c->in_storm ? &t->login_lat2 : &t->login_lat,
							now - c->t_start);
				else {
					loadgen_log(c, "legitimate password login");
					t->login_fail++;
				}
				loadgen_conn_close(c);
				return;
			}
			if (rc != SSH_AUTH_SUCCESS) {
				loadgen_log(c, "authentication");
				loadgen_open_failed(c, &t->fail_auth);
				return;
			}
			if (c->kind == LOADGEN_K_AUTH) {
				loadgen_lat_add(&t->lat, now - c->t_start);
				t->ok++;
				t->inflight--;
				t->finished++;
				loadgen_conn_close(c);
				return;
			}
			if (c->kind == LOADGEN_K_EXEC && c->reconnecting) {
				c->reconnecting = false;
				t->reconnects++;
				c->exit_seen = false;
				c->ch = ssh_channel_new(c->s);
				if (c->ch == NULL) {
					loadgen_lost(c, "channel_new");
					return;
				}
				ssh_callbacks_init(&c->cb);
				c->cb.userdata = c;
				c->cb.channel_exit_status_function = loadgen_exit_status_cb;
				ssh_set_channel_callbacks(c->ch, &c->cb);
				c->state = LOADGEN_S_XOPEN;
				continue;
			}
			if (c->kind == LOADGEN_K_EXEC) {
				loadgen_opened(c, now);
				return;
			}
			c->ch = ssh_channel_new(c->s);
			if (c->ch == NULL) {
				loadgen_open_failed(c, &t->fail_chan);
				return;
			}
			c->state = LOADGEN_S_CHOPEN;
			continue;
		case LOADGEN_S_CHOPEN:
		case LOADGEN_S_XOPEN:
			rc = ssh_channel_open_session(c->ch);
			if (rc == SSH_AGAIN)
				goto wait;
			if (rc != SSH_OK) {
				if (c->state == LOADGEN_S_XOPEN) {
					loadgen_lost(c, "exec channel open");
					return;
				}
				loadgen_log(c, "channel open");
				loadgen_open_failed(c, &t->fail_chan);
				return;
			}
			c->state = c->state == LOADGEN_S_XOPEN ? LOADGEN_S_XEXEC : LOADGEN_S_PTY;
			continue;
		case LOADGEN_S_PTY:
			rc = ssh_channel_request_pty_size(c->ch, "xterm", 100, 30);
			if (rc == SSH_AGAIN)
				goto wait;
			if (rc != SSH_OK) {
				loadgen_log(c, "pty request");
				loadgen_open_failed(c, &t->fail_chan);
				return;
			}
			c->state = LOADGEN_S_SHELL;
			continue;
		case LOADGEN_S_SHELL:
			rc = ssh_channel_request_shell(c->ch);
			if (rc == SSH_AGAIN)
				goto wait;
			if (rc != SSH_OK) {
				loadgen_log(c, "shell request");
				loadgen_open_failed(c, &t->fail_chan);
				return;
			}
			c->kmp = 0;
			c->state = LOADGEN_S_PROMPT;
			continue;
		case LOADGEN_S_PROMPT:
			rc = loadgen_drain(c, true);
			if (rc < 0) {
				loadgen_log(c, "closed before the prompt");
				loadgen_open_failed(c, &t->fail_chan);
				return;
			}
			if (rc == 0)
				goto wait;
			loadgen_opened(c, loadgen_now());
			return;
		case LOADGEN_S_IDLE:
			/* Open and quiet: anything but output means the session is gone. */
			if (c->kind == LOADGEN_K_SHELL) {
				if (loadgen_drain(c, false) < 0) {
					loadgen_lost(c, "session closed");
					return;
				}
			} else {
				ssh_execute_message_callbacks(c->s);
				if (ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR) ||
				    !ssh_is_connected(c->s)) {
					/* A server that serves one exec per connection closes
					 * it after the request: the next one connects again. */
					loadgen_conn_release(c);
					c->state = LOADGEN_S_DOWN;
					return;
				}
			}
			goto wait;
		case LOADGEN_S_REPLY:
			rc = loadgen_drain(c, true);
			if (rc < 0) {
				loadgen_lost(c, "session closed while waiting for an answer");
				return;
			}
			if (rc == 0)
				goto wait;
			loadgen_request_done(c, loadgen_now());
			return;
		case LOADGEN_S_XEXEC:
			rc = ssh_channel_request_exec(c->ch, loadgen_o.cmd);
			if (rc == SSH_AGAIN)
				goto wait;
			if (rc != SSH_OK) {
				loadgen_lost(c, "exec request");
				return;
			}
			c->state = LOADGEN_S_XREAD;
			continue;
		case LOADGEN_S_XREAD:
			rc = loadgen_drain(c, false);
			if (rc >= 0 && !ssh_channel_is_closed(c->ch))
				goto wait;
			if (!c->exit_seen && !ssh_channel_is_eof(c->ch)) {
				loadgen_lost(c, "exec channel failed");
				return;
			}
			ssh_channel_free(c->ch);
			c->ch = NULL;
			loadgen_request_done(c, loadgen_now());
			return;
		}
	}
wait:
	if (c->s != NULL && (ssh_get_status(c->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))) {
		if (c->opened) {
			loadgen_lost(c, "connection closed");
		} else if (c->kind == LOADGEN_K_STORM) {
			t->storm_err++;
			loadgen_conn_close(c);
		} else {
			loadgen_open_failed(c, &t->fail_kex);
		}
		return;
	}
	loadgen_arm(c);
}

/* A connection's timer fired. */
static void loadgen_timer_fired(struct loadgen_conn *c, int64_t now)
{
	struct loadgen_thread *t = c->t;
	int phase = atomic_load(&loadgen_phase);

	c->heap_idx = -1; /* popped by the caller */
	if (c->state == LOADGEN_S_IDLE || c->state == LOADGEN_S_DOWN) {
		/* rtt / mixed: time for the next command. */
		if (phase == LOADGEN_P_RUN || phase == LOADGEN_P_STORM) {
			if (now < loadgen_run_end)
				loadgen_send(c, loadgen_o.cmd, false);
		}
		return;
	}
	if (c->reconnecting || c->state == LOADGEN_S_REPLY || c->state == LOADGEN_S_XOPEN ||
	    c->state == LOADGEN_S_XEXEC || c->state == LOADGEN_S_XREAD) {
		t->req_timeout++;
		loadgen_lost(c, "no answer in time");
		return;
	}
	if (c->kind == LOADGEN_K_STORM) {
		t->storm_err++;
		loadgen_conn_close(c);
		return;
	}
	if (c->kind == LOADGEN_K_LOGIN) {
		loadgen_log(c, "legitimate login timed out");
		t->login_fail++;
		loadgen_conn_close(c);
		return;
	}
	loadgen_log(c, "open timed out");
	loadgen_open_failed(c, &t->fail_timeout);
}

static struct loadgen_conn *loadgen_free_slot(struct loadgen_thread *t, long *hint)
{
	long i;

	for (i = 0; i < t->nconns; i++) {
		long j = (*hint + i) % t->nconns;

		if (t->conns[j].state == LOADGEN_S_FREE) {
			*hint = j + 1;
			return &t->conns[j];
		}
	}
	return NULL;
}

/* Starts what the phase asks for: new connections while under the thread's targets. */
static void loadgen_schedule(struct loadgen_thread *t, int phase, int64_t now, long *hint)
{
	enum loadgen_kind kind;
	struct loadgen_conn *c;

	if (phase == LOADGEN_P_OPEN) {
		kind = loadgen_o.mode == LOADGEN_CONNECT ? LOADGEN_K_AUTH
			: (loadgen_o.mode == LOADGEN_RTT && loadgen_o.exec) ? LOADGEN_K_EXEC
									      : LOADGEN_K_SHELL;
		while (t->started < t->share && t->inflight < t->conc) {
			c = loadgen_free_slot(t, hint);
			if (c == NULL)
				break;
			t->started++;
			t->inflight++;
			if (loadgen_conn_start(t, c, kind) < 0)
				loadgen_open_failed(c, &t->fail_tcp);
		}
	}
	/* mixed: a legitimate password login now and then, one at a time, on the storm's thread
	 * (or the first), before and during the storm. */
	if ((phase == LOADGEN_P_RUN || phase == LOADGEN_P_STORM) && loadgen_o.login_user != NULL &&
	    t->idx == (loadgen_storm_idx >= 0 ? loadgen_storm_idx : 0) && !t->login_inflight &&
	    now >= t->login_next && now >= loadgen_run_start && now < loadgen_run_end) {
		c = loadgen_free_slot(t, hint);
		if (c != NULL) {
			t->login_next = now + (int64_t)((double)LOADGEN_NS_PER_S / loadgen_o.login_rate);
			if (loadgen_conn_start(t, c, LOADGEN_K_LOGIN) < 0) {
				t->login_fail++;
				loadgen_conn_close(c);
			}
		}
	}
	if (phase == LOADGEN_P_STORM && loadgen_o.storm_rate > 0 && t->idx == loadgen_storm_idx) {
		int64_t gap = (int64_t)((double)LOADGEN_NS_PER_S / loadgen_o.storm_rate);

		if (t->storm_next == 0)
			t->storm_next = now + (int64_t)(loadgen_rand(&t->rng) % (unsigned)(gap / 1000 + 1)) * 1000;
		while (t->storm_next <= now && now < loadgen_run_end) {
			t->storm_next += gap;
			if (t->storm_inflight >= loadgen_o.storm_max) {
				t->storm_err++; /* skipped: too many in flight */
				continue;
			}
			c = loadgen_free_slot(t, hint);
			if (c == NULL)
				break;
			t->storm_started++;
			if (loadgen_conn_start(t, c, LOADGEN_K_STORM) < 0) {
				t->storm_err++;
				loadgen_conn_close(c);
			}
		}
	}
}

/* First command of each session: spread over one period so the sessions don't send in step. */
static void loadgen_start_run(struct loadgen_thread *t)
{
	int64_t period = (int64_t)((double)LOADGEN_NS_PER_S / loadgen_o.rate);
	long i;

	for (i = 0; i < t->nconns; i++) {
		struct loadgen_conn *c = &t->conns[i];

		if (c->state != LOADGEN_S_IDLE || !c->opened)
			continue;
		c->next_send = loadgen_run_start +
			       (int64_t)(((double)loadgen_rand(&t->rng) / (double)(1u << 24)) *
					 (double)period);
		loadgen_timer_set(c, c->next_send);
	}
}

static void loadgen_start_probe(struct loadgen_thread *t)
{
	long i;

	for (i = 0; i < t->nconns; i++) {
		struct loadgen_conn *c = &t->conns[i];

		if (c->state == LOADGEN_S_IDLE && c->opened && c->kind == LOADGEN_K_SHELL)
			loadgen_send(c, loadgen_o.probe, true);
	}
}

static void *loadgen_thread_main(void *arg)
{
	struct loadgen_thread *t = arg;
	struct epoll_event evs[LOADGEN_EVENTS];
	int seen_phase = -1;
	long hint = 0, i;

	for (;;) {
		int phase = atomic_load(&loadgen_phase);
		int64_t now = loadgen_now();
		int timeout_ms = 100, n;

		if (phase != seen_phase) {
			if ((phase == LOADGEN_P_RUN || phase == LOADGEN_P_STORM) &&
			    seen_phase < LOADGEN_P_RUN && loadgen_o.mode != LOADGEN_HOLD)
				loadgen_start_run(t);
			if (phase == LOADGEN_P_PROBE)
				loadgen_start_probe(t);
			seen_phase = phase;
			atomic_store(&t->phase_seen, phase);
		}
		if (phase == LOADGEN_P_STOP)
			break;
		while (t->heap_len > 0 && t->heap[0]->due <= now) {
			struct loadgen_conn *c = t->heap[0];

			loadgen_timer_clear(c);
			loadgen_timer_fired(c, now);
		}
		loadgen_schedule(t, phase, now, &hint);
		if (loadgen_o.mode == LOADGEN_CONNECT && t->finished >= t->share)
			atomic_store(&t->done, true);
		if (t->heap_len > 0) {
			int64_t ms = (t->heap[0]->due - now) / LOADGEN_NS_PER_MS + 1;

			if (ms < timeout_ms)
				timeout_ms = ms < 0 ? 0 : (int)ms;
		}
		if (phase == LOADGEN_P_STORM && t->storm_next > 0) {
			int64_t ms = (t->storm_next - now) / LOADGEN_NS_PER_MS + 1;

			if (ms < timeout_ms)
				timeout_ms = ms < 0 ? 0 : (int)ms;
		}
		if (loadgen_o.login_user != NULL && !t->login_inflight && t->login_next > now) {
			int64_t ms = (t->login_next - now) / LOADGEN_NS_PER_MS + 1;

			if (ms < timeout_ms)
				timeout_ms = (int)ms;
		}
		n = epoll_wait(t->ep, evs, LOADGEN_EVENTS, timeout_ms);
		for (i = 0; i < n; i++)
			loadgen_step(evs[i].data.ptr);
	}
	for (i = 0; i < t->nconns; i++)
		if (t->conns[i].state != LOADGEN_S_FREE)
			loadgen_conn_close(&t->conns[i]);
	return NULL;
}

/* --- the main thread: phases and results ------------------------------------------------ */

static long loadgen_sum(size_t off)
{
	long s = 0;
	int i;

	for (i = 0; i < loadgen_o.threads; i++)
		s += atomic_load((atomic_long *)((char *)&loadgen_threads[i] + off));
	return s;
}

#define LOADGEN_SUM(field) loadgen_sum(offsetof(struct loadgen_thread, field))

static long loadgen_total(size_t off)
{
	long s = 0;
	int i;

	for (i = 0; i < loadgen_o.threads; i++)
		s += *(long *)((char *)&loadgen_threads[i] + off);
	return s;
}

#define LOADGEN_TOTAL(field) loadgen_total(offsetof(struct loadgen_thread, field))

static void loadgen_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - floor(s)) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double loadgen_cpu_self(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Waits until all sessions of the open phase are opened or failed (or a deadline). */
static void loadgen_wait_open(long target)
{
	int64_t deadline = loadgen_now() + loadgen_timeout_ns() * 4 +
			   (int64_t)target * 20 * LOADGEN_NS_PER_MS;
	long last = -1;
	int64_t last_change = loadgen_now();

	for (;;) {
		long done = LOADGEN_SUM(opened) + LOADGEN_SUM(open_failed);
		int64_t now = loadgen_now();

		if (done >= target || now > deadline)
			return;
		if (done != last) {
			last = done;
			last_change = now;
		} else if (now - last_change > loadgen_timeout_ns() * 2) {
			return;
		}
		loadgen_sleep(0.05);
	}
}

static void loadgen_wait_outstanding(void)
{
	int64_t deadline = loadgen_now() + loadgen_timeout_ns() + LOADGEN_NS_PER_S;

	while (LOADGEN_SUM(outstanding) > 0 && loadgen_now() < deadline)
		loadgen_sleep(0.02);
}

/* Switches the phase and waits until every thread has acted on it. */
static void loadgen_set_phase(int phase)
{
	int i;

	atomic_store(&loadgen_phase, phase);
	for (i = 0; i < loadgen_o.threads; i++)
		while (atomic_load(&loadgen_threads[i].phase_seen) != phase)
			loadgen_sleep(0.001);
}

static void loadgen_stop_threads(void)
{
	int i;

	atomic_store(&loadgen_phase, LOADGEN_P_STOP);
	for (i = 0; i < loadgen_o.threads; i++)
		pthread_join(loadgen_threads[i].tid, NULL);
}

static void loadgen_merge(struct loadgen_lat *lat, struct loadgen_lat *lat2,
			  struct loadgen_lat *open, struct loadgen_lat *storm)
{
	int i;

	memset(lat, 0, sizeof *lat);
	memset(lat2, 0, sizeof *lat2);
	memset(open, 0, sizeof *open);
	memset(storm, 0, sizeof *storm);
	for (i = 0; i < loadgen_o.threads; i++) {
		loadgen_lat_merge(lat, &loadgen_threads[i].lat);
		loadgen_lat_merge(lat2, &loadgen_threads[i].lat2);
		loadgen_lat_merge(open, &loadgen_threads[i].open_lat);
		loadgen_lat_merge(storm, &loadgen_threads[i].storm_lat);
	}
	loadgen_lat_sort(lat);
	loadgen_lat_sort(lat2);
	loadgen_lat_sort(open);
	loadgen_lat_sort(storm);
}

/* The 1-minute load average: other work on the machine skews every figure. */
static double loadgen_loadavg(void)
{
	double l = 0;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fscanf(f, "%lf", &l) != 1)
			l = 0;
		fclose(f);
	}
	return l;
}

static void loadgen_print_cpu(double gen_cpu, double wall, const struct loadgen_proc *s0,
			      const struct loadgen_proc *s1)
{
	printf("  generator CPU %.2f s (%.0f%% of one core over %.1f s, %d threads)", gen_cpu,
	       wall > 0 ? 100.0 * gen_cpu / wall : 0, wall, loadgen_o.threads);
	if (loadgen_o.server_pid > 0)
		printf("; server CPU %.2f s (%.0f%% of one core)", s1->cpu_s - s0->cpu_s,
		       wall > 0 ? 100.0 * (s1->cpu_s - s0->cpu_s) / wall : 0);
	printf("\n");
}

static void loadgen_result_common(double gen_cpu, double wall, const struct loadgen_proc *s0,
				  const struct loadgen_proc *s1)
{
	printf(" threads=%d gen_cpu_s=%.2f gen_cpu_pct=%.0f", loadgen_o.threads, gen_cpu,
	       wall > 0 ? 100.0 * gen_cpu / wall : 0);
	if (loadgen_o.server_pid > 0)
		printf(" server_cpu_s=%.2f server_cpu_pct=%.0f", s1->cpu_s - s0->cpu_s,
		       wall > 0 ? 100.0 * (s1->cpu_s - s0->cpu_s) / wall : 0);
	printf(" loadavg=%.2f label=%s\n", loadgen_loadavg(),
	       loadgen_o.label[0] ? loadgen_o.label : "-");
}

static void loadgen_threads_start(long share_total, long conc_total, long slots_total)
{
	int i;

	loadgen_threads = calloc((size_t)loadgen_o.threads, sizeof *loadgen_threads);
	if (loadgen_threads == NULL)
		abort();
	for (i = 0; i < loadgen_o.threads; i++) {
		struct loadgen_thread *t = &loadgen_threads[i];
		int agents = loadgen_storm_idx >= 0 ? loadgen_o.threads - 1 : loadgen_o.threads;
		long k;

		t->idx = i;
		t->rng = 0x9e3779b9u * (unsigned)(i + 1) ^ (unsigned)getpid();
		if (i == loadgen_storm_idx) {
			t->share = 0;
			t->conc = 1;
			t->nconns = loadgen_o.storm_max + 2; /* and a legitimate login */
		} else {
			t->share = share_total / agents + (i < share_total % agents);
			t->conc = conc_total / agents + (i < conc_total % agents);
			if (t->conc < 1)
				t->conc = 1;
			t->nconns = slots_total / agents + 1;
		}
		t->conns = calloc((size_t)t->nconns, sizeof *t->conns);
		t->heap = calloc((size_t)t->nconns, sizeof *t->heap);
		if (t->conns == NULL || t->heap == NULL)
			abort();
		for (k = 0; k < t->nconns; k++) {
			t->conns[k].t = t;
			t->conns[k].fd = -1;
			t->conns[k].heap_idx = -1;
		}
		t->ep = epoll_create1(EPOLL_CLOEXEC);
		if (t->ep < 0)
			loadgen_die("epoll_create1: %s", strerror(errno));
		if (ssh_pki_import_privkey_file(loadgen_o.key, NULL, NULL, NULL, &t->key) != SSH_OK)
			loadgen_die("cannot read the private key %s", loadgen_o.key);
	}
	for (i = 0; i < loadgen_o.threads; i++)
		if (pthread_create(&loadgen_threads[i].tid, NULL, loadgen_thread_main,
				   &loadgen_threads[i]) != 0)
			loadgen_die("pthread_create failed");
}

static void loadgen_threads_free(void)
{
	int i;

	for (i = 0; i < loadgen_o.threads; i++) {
		struct loadgen_thread *t = &loadgen_threads[i];

		close(t->ep);
		ssh_key_free(t->key);
		free(t->conns);
		free(t->heap);
		free(t->lat.v);
		free(t->lat2.v);
		free(t->open_lat.v);
		free(t->storm_lat.v);
		free(t->login_lat.v);
		free(t->login_lat2.v);
	}
	free(loadgen_threads);
}

static int loadgen_run_connect(void)
{
	struct loadgen_lat lat, lat2, open, storm;
	struct loadgen_proc s0, s1;
	double c0, wall;
	int64_t t0;
	long ok, fail;
	int i;
	bool all;

	loadgen_proc_tree(loadgen_o.server_pid, false, &s0);
	c0 = loadgen_cpu_self();
	t0 = loadgen_now();
	atomic_store(&loadgen_phase, LOADGEN_P_OPEN);
	loadgen_threads_start(loadgen_o.n, loadgen_o.concurrency, loadgen_o.concurrency);
	do {
		loadgen_sleep(0.02);
		all = true;
		for (i = 0; i < loadgen_o.threads; i++)
			all = all && atomic_load(&loadgen_threads[i].done);
	} while (!all);
	wall = (double)(loadgen_now() - t0) / 1e9;
	loadgen_proc_tree(loadgen_o.server_pid, false, &s1);
	loadgen_stop_threads();
	c0 = loadgen_cpu_self() - c0;
	loadgen_merge(&lat, &lat2, &open, &storm);
	ok = LOADGEN_TOTAL(ok);
	fail = LOADGEN_TOTAL(fail);
	printf("connect %s: %ld connections at concurrency %ld in %.2f s: %.1f conn/s\n",
	       loadgen_o.label, loadgen_o.n, loadgen_o.concurrency, wall, (double)ok / wall);
	printf("  latency (connect + key exchange + auth) p50 %.2f ms, p90 %.2f, p99 %.2f, "
	       "max %.2f\n", loadgen_pct(&lat, 50), loadgen_pct(&lat, 90), loadgen_pct(&lat, 99),
	       loadgen_max(&lat));
	printf("  failures %ld (tcp %ld, kex %ld, auth %ld, timeout %ld)\n", fail,
	       LOADGEN_TOTAL(fail_tcp), LOADGEN_TOTAL(fail_kex), LOADGEN_TOTAL(fail_auth),
	       LOADGEN_TOTAL(fail_timeout));
	loadgen_print_cpu(c0, wall, &s0, &s1);
	printf("RESULT mode=connect n=%ld c=%ld ok=%ld fail=%ld secs=%.2f rate=%.1f p50_ms=%.2f "
	       "p90_ms=%.2f p99_ms=%.2f max_ms=%.2f gen_cpu_ms_per_conn=%.3f", loadgen_o.n,
	       loadgen_o.concurrency, ok, fail, wall, (double)ok / wall, loadgen_pct(&lat, 50),
	       loadgen_pct(&lat, 90), loadgen_pct(&lat, 99), loadgen_max(&lat),
	       ok > 0 ? 1000.0 * c0 / (double)ok : 0);
	if (loadgen_o.server_pid > 0)
		printf(" server_cpu_ms_per_conn=%.3f",
		       ok > 0 ? 1000.0 * (s1.cpu_s - s0.cpu_s) / (double)ok : 0);
	loadgen_result_common(c0, wall, &s0, &s1);
	free(lat.v);
	free(lat2.v);
	free(open.v);
	free(storm.v);
	return fail == 0 ? 0 : 1;
}

static int loadgen_run_hold(void)
{
	struct loadgen_lat lat, lat2, open, storm;
	struct loadgen_proc m0, m1, c_end;
	double c0, wall, open_s, pss_per;
	long opened, open_failed, lost, probe_ok;
	int64_t t0, t_open;

	loadgen_proc_tree(loadgen_o.server_pid, true, &m0);
	c0 = loadgen_cpu_self();
	t0 = loadgen_now();
	atomic_store(&loadgen_phase, LOADGEN_P_OPEN);
	loadgen_threads_start(loadgen_o.n, loadgen_o.concurrency, loadgen_o.n);
	loadgen_wait_open(loadgen_o.n);
	t_open = loadgen_now();
	open_s = (double)(t_open - t0) / 1e9;
	opened = LOADGEN_SUM(opened);
	open_failed = LOADGEN_SUM(open_failed);
	loadgen_set_phase(LOADGEN_P_RUN);
	printf("hold %s: %ld of %ld sessions open in %.2f s (%ld failed); holding %.0f s\n",
	       loadgen_o.label, opened, loadgen_o.n, open_s, open_failed, loadgen_o.seconds);
	fflush(stdout);
	/* Let the server settle (thread-pool work, audit writes) before measuring. */
	loadgen_sleep(loadgen_o.seconds > 2 ? 1.0 : loadgen_o.seconds / 2);
	loadgen_proc_tree(loadgen_o.server_pid, true, &m1);
	loadgen_sleep(loadgen_o.seconds > 2 ? loadgen_o.seconds - 1.0 : loadgen_o.seconds / 2);
	lost = LOADGEN_SUM(lost);
	loadgen_set_phase(LOADGEN_P_PROBE);
	loadgen_wait_outstanding();
	wall = (double)(loadgen_now() - t0) / 1e9;
	loadgen_proc_tree(loadgen_o.server_pid, false, &c_end);
	probe_ok = LOADGEN_SUM(probe_ok);
	/* lost counts sessions gone during the hold and failed probes; a probe still without
	 * an answer after the timeout is a lost session too. */
	lost = LOADGEN_SUM(lost);
	if (opened - lost - probe_ok > 0)
		lost += opened - lost - probe_ok;
	loadgen_stop_threads();
	c0 = loadgen_cpu_self() - c0;
	loadgen_merge(&lat, &lat2, &open, &storm);
	pss_per = opened > 0 ? (double)(m1.pss_kb - m0.pss_kb) / (double)opened : 0;
	printf("  open time p50 %.2f ms, p99 %.2f, max %.2f; %.1f sessions/s\n",
	       loadgen_pct(&open, 50), loadgen_pct(&open, 99), loadgen_max(&open),
	       (double)opened / open_s);
	printf("  lost %ld (probe answered %ld)\n", lost, probe_ok);
	if (loadgen_o.server_pid > 0)
		printf("  server PSS %ld kB before, %ld kB with %ld sessions (%d processes): "
		       "%.1f kB per session\n", m0.pss_kb, m1.pss_kb, opened, m1.procs, pss_per);
	loadgen_print_cpu(c0, wall, &m0, &c_end);
	printf("RESULT mode=hold n=%ld opened=%ld open_fail=%ld lost=%ld probe_ok=%ld "
	       "hold_s=%.0f open_s=%.2f open_rate=%.1f open_p50_ms=%.2f open_p99_ms=%.2f "
	       "pss_before_kb=%ld pss_after_kb=%ld pss_per_session_kb=%.1f server_procs=%d",
	       loadgen_o.n, opened, open_failed, lost, probe_ok, loadgen_o.seconds, open_s,
	       (double)opened / open_s, loadgen_pct(&open, 50), loadgen_pct(&open, 99),
	       m0.pss_kb, m1.pss_kb, pss_per, m1.procs);
	loadgen_result_common(c0, wall, &m0, &c_end);
	free(lat.v);
	free(lat2.v);
	free(open.v);
	free(storm.v);
	return opened == loadgen_o.n && lost == 0 ? 0 : 1;
}

static int loadgen_run_rtt(void)
{
	struct loadgen_lat lat, lat2, open, storm, login, login2;
	int i;
	struct loadgen_proc s0, s1;
	double c0, c_run, wall, secs = loadgen_o.seconds;
	long opened, reqs, errs, timeouts, slots;
	bool mixed = loadgen_o.mode == LOADGEN_MIXED;
	int64_t t0;

	slots = loadgen_o.concurrency;
	if (mixed && loadgen_o.storm_rate > 0) {
		/* One more thread, for the storm alone. */
		loadgen_storm_idx = loadgen_o.threads;
		loadgen_o.threads++;
	}
	t0 = loadgen_now();
	atomic_store(&loadgen_phase, LOADGEN_P_OPEN);
	loadgen_threads_start(loadgen_o.concurrency, loadgen_o.open_conc, slots);
	loadgen_wait_open(loadgen_o.concurrency);
	opened = LOADGEN_SUM(opened);
	printf("%s %s: %ld of %ld %s open in %.2f s\n", mixed ? "mixed" : "rtt", loadgen_o.label,
	       opened, loadgen_o.concurrency, loadgen_o.exec ? "connections" : "sessions",
	       (double)(loadgen_now() - t0) / 1e9);
	fflush(stdout);
	loadgen_proc_tree(loadgen_o.server_pid, false, &s0);
	c0 = loadgen_cpu_self();
	loadgen_run_start = loadgen_now() + 150 * LOADGEN_NS_PER_MS;
	loadgen_run_end = loadgen_run_start + (int64_t)(secs * (mixed ? 2 : 1) * 1e9);
	loadgen_set_phase(LOADGEN_P_RUN);
	if (mixed) {
		loadgen_sleep((double)(loadgen_run_start - loadgen_now()) / 1e9 + secs);
		loadgen_set_phase(LOADGEN_P_STORM);
		printf("mixed %s: password storm at %.1f/s for %.0f s\n", loadgen_o.label,
		       loadgen_o.storm_rate, secs);
		fflush(stdout);
		loadgen_sleep(secs);
	} else {
		loadgen_sleep((double)(loadgen_run_start - loadgen_now()) / 1e9 + secs);
	}
	loadgen_set_phase(LOADGEN_P_DRAIN);
	loadgen_wait_outstanding();
	wall = (double)(loadgen_now() - loadgen_run_start) / 1e9;
	loadgen_proc_tree(loadgen_o.server_pid, false, &s1);
	c_run = loadgen_cpu_self() - c0;
	loadgen_stop_threads();
	loadgen_merge(&lat, &lat2, &open, &storm);
	memset(&login, 0, sizeof login);
	memset(&login2, 0, sizeof login2);
	for (i = 0; i < loadgen_o.threads; i++) {
		loadgen_lat_merge(&login, &loadgen_threads[i].login_lat);
		loadgen_lat_merge(&login2, &loadgen_threads[i].login_lat2);
	}
	loadgen_lat_sort(&login);
	loadgen_lat_sort(&login2);
	reqs = LOADGEN_TOTAL(ok);
	errs = LOADGEN_TOTAL(req_err);
	timeouts = LOADGEN_TOTAL(req_timeout);
	if (!mixed) {
		printf("  %ld requests in %.1f s: %.1f requests/s; p50 %.2f ms, p90 %.2f, p99 %.2f, "
		       "max %.2f; errors %ld (timeouts %ld), sessions lost %ld\n", reqs, secs,
		       (double)reqs / secs, loadgen_pct(&lat, 50), loadgen_pct(&lat, 90),
		       loadgen_pct(&lat, 99), loadgen_max(&lat), errs, timeouts, LOADGEN_SUM(lost));
		if (loadgen_o.exec)
			printf("  the server closed the connection after a request %ld times (each "
			       "next request connected and authenticated again)\n",
			       LOADGEN_TOTAL(reconnects));
		loadgen_print_cpu(c_run, wall, &s0, &s1);
		printf("RESULT mode=rtt variant=%s sessions=%ld opened=%ld rate=%.2f secs=%.0f "
		       "requests=%ld rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
		       "errors=%ld lost=%ld reconnects=%ld", loadgen_o.exec ? "exec" : "shell",
		       loadgen_o.concurrency, opened, loadgen_o.rate, secs, reqs,
		       (double)reqs / secs, loadgen_pct(&lat, 50), loadgen_pct(&lat, 90),
		       loadgen_pct(&lat, 99), loadgen_max(&lat), errs, LOADGEN_SUM(lost),
		       LOADGEN_TOTAL(reconnects));
		if (loadgen_o.server_pid > 0)
			printf(" server_cpu_ms_per_req=%.3f",
			       reqs > 0 ? 1000.0 * (s1.cpu_s - s0.cpu_s) / (double)reqs : 0);
	} else {
		long att = LOADGEN_TOTAL(storm_attempts);

		printf("  agents before the storm: %zu requests, p50 %.2f ms, p99 %.2f, max %.2f\n",
		       lat.n, loadgen_pct(&lat, 50), loadgen_pct(&lat, 99), loadgen_max(&lat));
		printf("  agents during the storm: %zu requests, p50 %.2f ms, p99 %.2f, max %.2f\n",
		       lat2.n, loadgen_pct(&lat2, 50), loadgen_pct(&lat2, 99), loadgen_max(&lat2));
		printf("  storm: %ld attempts started, %ld answered (%.1f/s), %ld denied, %ld "
		       "accepted, %ld errors/timeouts/skipped; answer p50 %.0f ms, p99 %.0f\n",
		       LOADGEN_TOTAL(storm_started), att, (double)att / secs,
		       LOADGEN_TOTAL(storm_denied),
		       LOADGEN_TOTAL(storm_accepted), LOADGEN_TOTAL(storm_err),
		       loadgen_pct(&storm, 50), loadgen_pct(&storm, 99));
		if (loadgen_o.login_user != NULL)
			printf("  %s's password logins: before the storm %zu, p50 %.1f ms, max %.1f; "
			       "during it %zu, p50 %.1f ms, p99 %.1f, max %.1f; failed %ld\n",
			       loadgen_o.login_user, login.n, loadgen_pct(&login, 50),
			       loadgen_max(&login), login2.n, loadgen_pct(&login2, 50),
			       loadgen_pct(&login2, 99), loadgen_max(&login2),
			       LOADGEN_TOTAL(login_fail));
		printf("  agent errors %ld (timeouts %ld), sessions lost %ld\n", errs, timeouts,
		       LOADGEN_SUM(lost));
		loadgen_print_cpu(c_run, wall, &s0, &s1);
		printf("RESULT mode=mixed agents=%ld opened=%ld rate=%.2f secs=%.0f "
		       "before_n=%zu before_p50_ms=%.2f before_p99_ms=%.2f before_max_ms=%.2f "
		       "during_n=%zu during_p50_ms=%.2f during_p99_ms=%.2f during_max_ms=%.2f "
		       "storm_rate=%.1f storm_started=%ld storm_attempts=%ld storm_denied=%ld "
		       "storm_accepted=%ld "
		       "storm_errors=%ld storm_p50_ms=%.0f errors=%ld lost=%ld",
		       loadgen_o.concurrency, opened, loadgen_o.rate, secs, lat.n,
		       loadgen_pct(&lat, 50), loadgen_pct(&lat, 99), loadgen_max(&lat), lat2.n,
		       loadgen_pct(&lat2, 50), loadgen_pct(&lat2, 99), loadgen_max(&lat2),
		       loadgen_o.storm_rate, LOADGEN_TOTAL(storm_started), att,
		       LOADGEN_TOTAL(storm_denied),
		       LOADGEN_TOTAL(storm_accepted), LOADGEN_TOTAL(storm_err),
		       loadgen_pct(&storm, 50), errs, LOADGEN_SUM(lost));
		if (loadgen_o.login_user != NULL)
			printf(" login_before_n=%zu login_before_p50_ms=%.2f login_before_max_ms=%.2f "
			       "login_during_n=%zu login_during_p50_ms=%.2f login_during_p99_ms=%.2f "
			       "login_during_max_ms=%.2f login_fail=%ld",
			       login.n, loadgen_pct(&login, 50), loadgen_max(&login), login2.n,
			       loadgen_pct(&login2, 50), loadgen_pct(&login2, 99), loadgen_max(&login2),
			       LOADGEN_TOTAL(login_fail));
	}
	loadgen_result_common(c_run, wall, &s0, &s1);
	free(lat.v);
	free(lat2.v);
	free(open.v);
	free(storm.v);
	free(login.v);
	free(login2.v);
	return opened == loadgen_o.concurrency && errs == 0 ? 0 : 1;
}

static double loadgen_num(const char *opt, const char *s, double min)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= min))
		loadgen_die("%s: expected a number >= %g, got \"%s\"", opt, min, s);
	return v;
}

static void loadgen_raise_nofile(long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((long)rl.rlim_cur < need)
		fprintf(stderr, "propdesk-loadgen: warning: open file limit %ld < %ld needed "
				"(raise ulimit -n)\n", (long)rl.rlim_cur, need);
}

int main(int argc, char **argv)
{
	enum {
		OPT_OPEN_CONC = 1000, OPT_CMD, OPT_PROBE, OPT_PROMPT, OPT_EXEC, OPT_TIMEOUT,
		OPT_SERVER_PID, OPT_LABEL, OPT_STORM_RATE, OPT_STORM_MAX, OPT_STORM_USER,
		OPT_STORM_PASSWORD, OPT_LOGIN_USER, OPT_LOGIN_PASSWORD, OPT_LOGIN_RATE,
	};
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' },
		{ "key", required_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "open-concurrency", required_argument, NULL, OPT_OPEN_CONC },
		{ "duration", required_argument, NULL, 'd' },
		{ "rate", required_argument, NULL, 'r' },
		{ "cmd", required_argument, NULL, OPT_CMD },
		{ "probe", required_argument, NULL, OPT_PROBE },
		{ "prompt", required_argument, NULL, OPT_PROMPT },
		{ "exec", no_argument, NULL, OPT_EXEC },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "server-pid", required_argument, NULL, OPT_SERVER_PID },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "storm-rate", required_argument, NULL, OPT_STORM_RATE },
		{ "storm-max", required_argument, NULL, OPT_STORM_MAX },
		{ "storm-user", required_argument, NULL, OPT_STORM_USER },
		{ "storm-password", required_argument, NULL, OPT_STORM_PASSWORD },
		{ "login-user", required_argument, NULL, OPT_LOGIN_USER },
		{ "login-password", required_argument, NULL, OPT_LOGIN_PASSWORD },
		{ "login-rate", required_argument, NULL, OPT_LOGIN_RATE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode;
	int c, rc;

	while ((c = getopt_long(argc, argv, "H:p:u:i:t:n:c:d:r:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': loadgen_o.host = optarg; break;
		case 'p': loadgen_o.port = (int)loadgen_num("--port", optarg, 1); break;
		case 'u': loadgen_o.user = optarg; break;
		case 'i': loadgen_o.key = optarg; break;
		case 't': loadgen_o.threads = (int)loadgen_num("--threads", optarg, 1); break;
		case 'n': loadgen_o.n = (long)loadgen_num("--count", optarg, 1); break;
		case 'c': loadgen_o.concurrency = (long)loadgen_num("--concurrency", optarg, 1); break;
		case OPT_OPEN_CONC:
			loadgen_o.open_conc = (long)loadgen_num("--open-concurrency", optarg, 1);
			break;
		case 'd': loadgen_o.seconds = loadgen_num("--duration", optarg, 0.1); break;
		case 'r': loadgen_o.rate = loadgen_num("--rate", optarg, 0.001); break;
		case OPT_CMD: loadgen_o.cmd = optarg; break;
		case OPT_PROBE: loadgen_o.probe = optarg; break;
		case OPT_PROMPT: loadgen_o.marker = optarg; break;
		case OPT_EXEC: loadgen_o.exec = true; break;
		case OPT_TIMEOUT: loadgen_o.timeout = loadgen_num("--timeout", optarg, 0.1); break;
		case OPT_SERVER_PID:
			loadgen_o.server_pid = (long)loadgen_num("--server-pid", optarg, 1);
			break;
		case OPT_LABEL: loadgen_o.label = optarg; break;
		case OPT_STORM_RATE: loadgen_o.storm_rate = loadgen_num("--storm-rate", optarg, 0); break;
		case OPT_STORM_MAX: loadgen_o.storm_max = (long)loadgen_num("--storm-max", optarg, 1); break;
		case OPT_STORM_USER: loadgen_o.storm_user = optarg; break;
		case OPT_STORM_PASSWORD: loadgen_o.storm_password = optarg; break;
		case OPT_LOGIN_USER: loadgen_o.login_user = optarg; break;
		case OPT_LOGIN_PASSWORD: loadgen_o.login_password = optarg; break;
		case OPT_LOGIN_RATE: loadgen_o.login_rate = loadgen_num("--login-rate", optarg, 0.01); break;
		case 'v': loadgen_o.verbose = true; break;
		case 'h': fputs(loadgen_usage, stdout); return 0;
		default: fputs(loadgen_usage, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(loadgen_usage, stderr);
		return 2;
	}
	mode = argv[optind];
	if (!strcmp(mode, "connect"))
		loadgen_o.mode = LOADGEN_CONNECT;
	else if (!strcmp(mode, "hold"))
		loadgen_o.mode = LOADGEN_HOLD;
	else if (!strcmp(mode, "rtt"))
		loadgen_o.mode = LOADGEN_RTT;
	else if (!strcmp(mode, "mixed"))
		loadgen_o.mode = LOADGEN_MIXED;
	else
		loadgen_die("unknown mode \"%s\" (connect, hold, rtt, mixed)", mode);
	if (loadgen_o.key == NULL)
		loadgen_die("--key FILE is required");
	if (loadgen_o.user == NULL)
		loadgen_o.user = getenv("USER");
	if (loadgen_o.user == NULL)
		loadgen_die("--user NAME is required");
	if (loadgen_o.mode == LOADGEN_MIXED && loadgen_o.storm_user == NULL)
		loadgen_die("mixed needs --storm-user NAME");
	if (loadgen_o.login_user != NULL &&
	    (loadgen_o.mode != LOADGEN_MIXED || loadgen_o.login_password == NULL))
		loadgen_die("--login-user is for mixed, with --login-password");
	if (loadgen_o.exec && loadgen_o.mode != LOADGEN_RTT)
		loadgen_die("--exec is for rtt");
	if (loadgen_o.threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		loadgen_o.threads = n > 0 ? (int)n : 1;
	}
	memset(&loadgen_addr, 0, sizeof loadgen_addr);
	loadgen_addr.sin_family = AF_INET;
	loadgen_addr.sin_port = htons((uint16_t)loadgen_o.port);
	if (inet_pton(AF_INET, loadgen_o.host, &loadgen_addr.sin_addr) != 1)
		loadgen_die("--host must be an IPv4 address, got \"%s\"", loadgen_o.host);
	loadgen_kmp_init(loadgen_o.marker);
	signal(SIGPIPE, SIG_IGN);
	loadgen_raise_nofile((loadgen_o.mode == LOADGEN_HOLD ? loadgen_o.n : loadgen_o.concurrency) +
			     (loadgen_o.mode == LOADGEN_MIXED ? loadgen_o.storm_max : 0) + 64);
	if (ssh_init() < 0)
		loadgen_die("ssh_init failed");
	switch (loadgen_o.mode) {
	case LOADGEN_CONNECT: rc = loadgen_run_connect(); break;
	case LOADGEN_HOLD: rc = loadgen_run_hold(); break;
	default: rc = loadgen_run_rtt(); break;
	}
	fflush(stdout);
	loadgen_threads_free();
	ssh_finalize();
	return rc;
}
