/* console — propdesk-shell: the propdesk shell (shell/shell.h) hosted on standard input and
 * output for one already-authenticated user. Uses: a local console for admins, and the shell
 * behind OpenSSH (`ForceCommand propdesk-shell --state-dir DIR NAME`, or a `command="..."`
 * option per key in authorized_keys), where sshd has done the authentication.
 *
 *   propdesk-shell [--state-dir DIR] [--config FILE] [-c COMMAND] [USER]
 *
 * The account is USER, else $USER. Exec mode runs COMMAND (-c, like `sh -c`), else the
 * command in $SSH_ORIGINAL_COMMAND (set by sshd's ForceCommand for `ssh host COMMAND`); without
 * either it is interactive. It opens the service's SQLite database (WAL) in the state
 * directory, so the daemon and any number of these processes share it; changes and audit
 * events are written exactly as the daemon writes them, with transport "console".
 *
 * One process serves one user, so it needs no thread pool: password hashing (passwd, user add)
 * and the shell's slow read-only work (searches, reports; on a read-only connection of its own,
 * as on the daemon's pool) run synchronously here, blocking only this user's own session, and
 * their results are delivered from the next loop iteration, never inside the shell's call (as
 * the host interface requires). The catalogs (techniques, categories) are loaded once, from
 * the configuration's catalog_dir.
 * The loop is poll(2) on standard input and a self-pipe for signals; output is written with
 * blocking writes (the only reader is this user's own client). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cmd_groups.h"
#include "config.h"
#include "shell.h"
#include "store.h"
#include "store_account.h"
#include "store_audit.h"
#include "store_schema.h"
#include "xalloc.h"

#define CONSOLE_READ_CHUNK 4096
/* A single-user process may wait for another writer rather than fail its user's command. */
#define CONSOLE_MIN_BUSY_MS 5000

/* A result computed synchronously, waiting to be delivered on the next loop iteration. */
struct console_done {
	struct console_done *next;
	shell_async_cb async_cb;     /* pwhash / pwverify, or */
	shell_work_done_fn work_cb;  /* work */
	void *work_arg;
	int rc;
	char *hash;                  /* pwhash result (wiped when freed) */
};

struct console {
	struct shell *sh;
	struct store *st;
	struct config cfg;
	char *db_path;
	struct catalog *catalog;
	bool exited;
	int status;
	bool out_broken;      /* stdout/stderr closed by the client */
	struct console_done *done_head, **done_tail; /* FIFO of results to deliver */
	bool tty;
	struct termios saved;
};

static int console_sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t console_hup;

static const char console_usage[] =
	"usage: propdesk-shell [--state-dir DIR] [--config FILE] [-c COMMAND] [USER]\n"
	"\n"
	"The propdesk shell on this terminal (or standard input and output) for USER (default\n"
	"$USER), who has already been authenticated: by sshd (ForceCommand or an authorized_keys\n"
	"command= option), or by being allowed to run this program as a local admin console.\n"
	"With -c COMMAND, or $SSH_ORIGINAL_COMMAND set by sshd, runs one command (exec mode) and\n"
	"exits with its status; otherwise interactive.\n"
	"\n"
	"  --state-dir DIR   the service's state directory (its database), overriding the config\n"
	"  --config FILE     the service's configuration (limits, language, password-hash cost)\n"
	"  -c COMMAND        run COMMAND, like sh -c\n"
	"  -h, --help        this text\n";

static void console_signal_cb(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGHUP || sig == SIGTERM)
		console_hup = 1;
	if (console_sigpipe[1] >= 0 && write(console_sigpipe[1], &c, 1) < 0) {
		/* The pipe is full: a wake-up is already pending. */
	}
	errno = saved;
}

/* Writes all of buf to fd (blocking; waits with poll if the fd is non-blocking). */
static void console_write_all(struct console *c, int fd, const char *buf, size_t len)
{
	while (len > 0 && !c->out_broken) {
		ssize_t n = write(fd, buf, len);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			poll(&p, 1, 1000);
		} else {
			c->out_broken = true;
		}
	}
}

static void console_host_write(void *ctx, int stream, const char *buf, size_t len)
{
	struct console *c = ctx;

	console_write_all(c, stream == 2 ? STDERR_FILENO : STDOUT_FILENO, buf, len);
}

static void console_host_exit(void *ctx, int status)
{
	struct console *c = ctx;

	if (c->exited)
		return;
	c->exited = true;
	c->status = status;
}

/* Queues a computed result for delivery on the next loop iteration. 0 or -ENOMEM. */
static int console_done_push(struct console *c, shell_async_cb async_cb, shell_work_done_fn work_cb,
			     void *work_arg, int rc, const char *hash)
{
	struct console_done *d = calloc(1, sizeof *d);

	if (d == NULL)
		return -ENOMEM;
	d->async_cb = async_cb;
	d->work_cb = work_cb;
	d->work_arg = work_arg;
	d->rc = rc;
	if (hash != NULL) {
		d->hash = strdup(hash);
		if (d->hash == NULL) {
			free(d);
			return -ENOMEM;
		}
	}
	if (c->done_tail == NULL)
		c->done_tail = &c->done_head;
	*c->done_tail = d;
	c->done_tail = &d->next;
	return 0;
}

static struct console_done *console_done_pop(struct console *c)
{
	struct console_done *d = c->done_head;

	if (d == NULL)
		return NULL;
	c->done_head = d->next;
	if (c->done_head == NULL)
		c->done_tail = &c->done_head;
	return d;
}

static void console_done_free(struct console_done *d)
{
	if (d->hash != NULL) {
		sodium_memzero(d->hash, strlen(d->hash));
		free(d->hash);
	}
	free(d);
}

static int console_host_pwhash(void *ctx, const char *password, shell_async_cb cb)
{
	struct console *c = ctx;
	char hash[crypto_pwhash_STRBYTES];
	int rc;

	if (crypto_pwhash_str(hash, password, strlen(password),
			      (unsigned long long)c->cfg.hash_opslimit, c->cfg.hash_memlimit) != 0)
		return -ENOMEM;
	rc = console_done_push(c, cb, NULL, NULL, 0, hash);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

static int console_host_pwverify(void *ctx, const char *hash, const char *password,
				 shell_async_cb cb)
{
	struct console *c = ctx;
	int match = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;

	return console_done_push(c, cb, NULL, NULL, match ? 1 : 0, NULL);
}

/* Slow read-only work: on a read-only connection of its own, as the daemon's pool does. */
static int console_host_work(void *ctx, shell_work_fn fn, shell_work_done_fn done, void *arg)
{
	struct console *c = ctx;
	struct store *ro = NULL;
	int busy = c->cfg.db_busy_timeout_ms > CONSOLE_MIN_BUSY_MS ? c->cfg.db_busy_timeout_ms
								   : CONSOLE_MIN_BUSY_MS;
	int rc = store_open(c->db_path, STORE_READONLY, busy, &ro);

	if (rc == 0)
		rc = fn(ro, arg);
	store_close(ro);
	if (console_done_push(c, NULL, done, arg, rc, NULL) < 0)
		return -ENOMEM;
	return 0;
}

static struct catalog *console_host_catalog(void *ctx)
{
	struct console *c = ctx;

	if (c->catalog != NULL)
		catalog_ref(c->catalog);
	return c->catalog;
}

/* Delivers the oldest pending result; true if there was one. */
static bool console_async_run(struct console *c)
{
	struct console_done *d = console_done_pop(c);

	if (d == NULL)
		return false;
	if (d->async_cb != NULL)
		d->async_cb(c->sh, d->rc, d->hash);
	else
		d->work_cb(c->sh, d->work_arg, d->rc);
	console_done_free(d);
	return true;
}

/* At the end: work results still queued release their arguments (sh NULL: the shell is gone). */
static void console_done_drain(struct console *c)
{
	struct console_done *d;

	while ((d = console_done_pop(c)) != NULL) {
		if (d->work_cb != NULL)
			d->work_cb(NULL, d->work_arg, d->rc);
		console_done_free(d);
	}
}

static void console_tty_restore(struct console *c)
{
	if (c->tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &c->saved);
	c->tty = false;
}

static void console_tty_raw(struct console *c)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &c->saved) < 0)
		return;
	raw = c->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0)
		c->tty = true;
}

static void console_winsize(int *cols, int *rows)
{
	struct winsize ws;

	*cols = 0;
	*rows = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ||
	    ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

/* "addr:port" from sshd's SSH_CLIENT ("addr port localport"), else "local". */
static void console_peer(char *out, size_t len)
{
	const char *env = getenv("SSH_CLIENT");
	char addr[64];
	unsigned port;

	if (env != NULL && sscanf(env, "%63s %u", addr, &port) == 2) {
		if (strchr(addr, ':') != NULL)
			snprintf(out, len, "[%s]:%u", addr, port);
		else
			snprintf(out, len, "%s:%u", addr, port);
	} else {
		snprintf(out, len, "local");
	}
}

static int console_setup_signals(void)
{
	struct sigaction sa;
	int i;

	if (pipe(console_sigpipe) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(console_sigpipe[i], F_SETFL, fcntl(console_sigpipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(console_sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = console_signal_cb;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* The loop: deliver pending results, read input, react to signals, until the shell exits,
 * the client goes away or a signal ends the session. */
static void console_loop(struct console *c, bool interactive)
{
	bool in_open = true;
	char buf[CONSOLE_READ_CHUNK];

	while (!c->exited && !console_hup && !c->out_broken) {
		struct pollfd p[2];
		int n;

		if (console_async_run(c))
			continue;
		p[0].fd = in_open ? STDIN_FILENO : -1;
		p[0].events = POLLIN;
		p[0].revents = 0;
		p[1].fd = console_sigpipe[0];
		p[1].events = POLLIN;
		p[1].revents = 0;
		/* Nothing can happen without input or a signal once stdin is closed: in exec
		 * mode the command has all it will get; interactive mode ended at EOF. */
		n = poll(p, 2, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN) {
			char sig[32];
			ssize_t k = read(console_sigpipe[0], sig, sizeof sig);
			ssize_t i;

			for (i = 0; i < k; i++) {
				if (sig[i] == SIGWINCH && interactive) {
					int cols, rows;

					console_winsize(&cols, &rows);
					if (cols > 0)
						shell_resize(c->sh, cols, rows);
				}
			}
		}
		if (in_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t k = read(STDIN_FILENO, buf, sizeof buf);

			if (k > 0) {
				shell_feed(c->sh, buf, (size_t)k);
			} else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
				in_open = false;
				shell_eof(c->sh);
				if (interactive && !c->exited) {
					/* The terminal or pipe is gone: the session ends. */
					console_hup = 1;
				}
			}
		}
	}
	/* A result computed just before the end is still delivered (it may finish a command). */
	while (!c->exited && !console_hup && !c->out_broken && console_async_run(c))
		;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state-dir", required_argument, NULL, 'S' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state_dir = NULL, *config = NULL, *command = NULL, *user;
	struct console c;
	struct account acct;
	struct shell_host host;
	struct shell_user su;
	struct shell_opts so;
	struct audit_ctx ctx;
	char sid[16], peer[80], detail[64], *path, *err = NULL;
	const char *lang_env;
	time_t started;
	int opt, rc, cols = 0, rows = 0, busy, status = 1;
	bool interactive;

	while ((opt = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'S': state_dir = optarg; break;
		case 'C': config = optarg; break;
		case 'c': command = optarg; break;
		case 'h': fputs(console_usage, stdout); return 0;
		default: fputs(console_usage, stderr); return 2;
		}
	}
	if (argc - optind > 1) {
		fputs(console_usage, stderr);
		return 2;
	}
	user = optind < argc ? argv[optind] : getenv("USER");
	if (user == NULL || user[0] == '\0') {
		fprintf(stderr, "propdesk-shell: no user: name one, or set USER\n");
		return 2;
	}
	if (command == NULL)
		command = getenv("SSH_ORIGINAL_COMMAND");
	interactive = command == NULL;
	if (sodium_init() < 0) {
		fprintf(stderr, "propdesk-shell: libsodium failed to initialise\n");
		return 1;
	}

	memset(&c, 0, sizeof c);
	if (config != NULL) {
		if (config_load(config, &c.cfg, &err) < 0) {
			fprintf(stderr, "propdesk-shell: %s\n", err);
			free(err);
			config_free(&c.cfg);
			return 1;
		}
	} else {
		config_init_defaults(&c.cfg);
	}
	if (state_dir != NULL) {
		free(c.cfg.state_dir);
		c.cfg.state_dir = xalloc_strdup(state_dir);
	}
	c.done_tail = &c.done_head;
	path = config_state_path(&c.cfg, "propdesk.db");
	busy = c.cfg.db_busy_timeout_ms > CONSOLE_MIN_BUSY_MS ? c.cfg.db_busy_timeout_ms
							      : CONSOLE_MIN_BUSY_MS;
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "propdesk-shell: no database at %s (run propdeskd db migrate)\n",
			path);
		free(path);
		config_free(&c.cfg);
		return 1;
	}
	rc = store_open(path, 0, busy, &c.st);
	if (rc == 0)
		rc = store_schema_version(c.st);
	if (rc >= 0 && rc < store_schema_latest_version())
		rc = store_schema_migrate(c.st);
	if (rc < 0) {
		fprintf(stderr, "propdesk-shell: %s: %s\n", path, store_strerror(rc, "en"));
		free(path);
		store_close(c.st);
		config_free(&c.cfg);
		return 1;
	}
	c.db_path = path;
	if (catalog_load(c.cfg.catalog_dir, &c.catalog, &err) < 0) {
		/* The shell runs without catalogs (its technique commands say so). */
		fprintf(stderr, "propdesk-shell: warning: catalog: %s\n", err);
		free(err);
		err = NULL;
		c.catalog = NULL;
	}

	snprintf(sid, sizeof sid, "c%06x%04x", (unsigned)getpid() & 0xffffff,
		 (unsigned)(randombytes_random() & 0xffff));
	console_peer(peer, sizeof peer);
	memset(&ctx, 0, sizeof ctx);
	ctx.account = user;
	ctx.session = sid;
	ctx.peer = peer;
	ctx.transport = "console";

	memset(&acct, 0, sizeof acct);
	rc = store_account_get(c.st, user, &acct);
	if (rc < 0 || acct.locked || acct.locked_until > (int64_t)time(NULL)) {
		const char *why = rc == STORE_ENOENT ? "no such account"
				  : rc < 0 ? store_strerror(rc, "en") : "account locked";

		store_audit(c.st, &ctx, "login.refused", user, why);
		fprintf(stderr, "propdesk-shell: %s: %s\n", user, why);
		goto out;
	}
	ctx.role = role_name(acct.role);
	rc = store_account_login_ok(c.st, &ctx, user);
	if (rc < 0) {
		fprintf(stderr, "propdesk-shell: cannot record the login: %s\n",
			store_strerror(rc, "en"));
		goto out;
	}
	started = time(NULL);

	if (console_setup_signals() < 0) {
		fprintf(stderr, "propdesk-shell: pipe: %s\n", strerror(errno));
		goto out;
	}
	if (interactive && isatty(STDIN_FILENO)) {
		console_winsize(&cols, &rows);
		console_tty_raw(&c);
	}

	memset(&host, 0, sizeof host);
	host.ctx = &c;
	host.store = c.st;
	host.write = console_host_write;
	host.exit = console_host_exit;
	host.pwhash = console_host_pwhash;
	host.pwverify = console_host_pwverify;
	host.work = console_host_work;
	host.catalog = console_host_catalog;

	memset(&su, 0, sizeof su);
	su.id = acct.id;
	su.name = acct.name;
	su.display = acct.display ? acct.display : acct.name;
	su.role = acct.role;
	su.lang = acct.lang ? acct.lang : c.cfg.default_lang;
	su.team = acct.team;

	lang_env = getenv("LC_ALL");
	if (lang_env == NULL || lang_env[0] == '\0')
		lang_env = getenv("LANG");
	memset(&so, 0, sizeof so);
	so.session_id = sid;
	so.peer = peer;
	so.transport = "console";
	so.env_lang = lang_env;
	so.term = getenv("TERM");
	so.cols = cols;
	so.rows = rows;
	so.exec = command;
	so.color = c.tty;
	so.max_line = c.cfg.max_line;
	so.commands = &cmd_registry;
	so.max_stdin = c.cfg.max_stdin;

	c.sh = shell_new(&host, &su, &so);
	if (c.sh == NULL) {
		console_tty_restore(&c);
		fprintf(stderr, "propdesk-shell: cannot start the shell\n");
		goto out;
	}
	shell_start(c.sh);
	console_loop(&c, interactive);
	console_tty_restore(&c);

	if (interactive) {
		snprintf(detail, sizeof detail, "after %lld s%s", (long long)(time(NULL) - started),
			 c.exited ? "" : ", connection dropped");
		store_audit(c.st, &ctx, "logout", user, detail);
	}
	status = c.exited ? c.status : 1;
out:
	shell_free(c.sh);
	console_done_drain(&c);
	catalog_unref(c.catalog);
	free(c.db_path);
	store_account_clear(&acct);
	store_close(c.st);
	config_free(&c.cfg);
	return status;
}
