/* libFuzzer target for the whole shell as a client drives it: the input bytes are split into
 * an interactive session's keystrokes (as the terminal sends them, in chunks) and, after the
 * first NUL byte, an exec-mode command line with its stdin. Password hashing is delivered later
 * from a queue, interleaved with the input, as the loop would. The shell runs as admin against
 * an in-memory store, so every command is reachable, with a pretend live session "s1" of
 * agent1 for the monitoring commands (watch takes the keys until q, or until the host ends
 * it). Checks: no crash, no leak, exit called at
 * most once and no output after it, no ESC byte written by exec mode (no colour there). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd_groups.h"
#include "shell.h"
#include "store.h"
#include "store_account.h"
#include "store_schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SHELL_QMAX 4

struct fuzz_shell_host {
	struct shell *sh;
	bool exec;
	bool watching;
	int exits;
	size_t nq;
	shell_async_cb q[FUZZ_SHELL_QMAX];
	int rc[FUZZ_SHELL_QMAX];
};

static struct store *fuzz_shell_store;
/* A fixed, valid argon2id string: hashing for real on every input would be too slow. */
static char fuzz_shell_hash[crypto_pwhash_STRBYTES];

static void fuzz_shell_write(void *ctx, int stream, const char *buf, size_t len)
{
	struct fuzz_shell_host *h = ctx;

	if (h->exits > 0 || (stream != 1 && stream != 2))
		abort();
	if (h->exec && memchr(buf, 0x1b, len) != NULL)
		abort();
}

static void fuzz_shell_exit(void *ctx, int status)
{
	struct fuzz_shell_host *h = ctx;

	(void)status;
	h->exits++;
	if (h->exits > 1)
		abort();
}

static int fuzz_shell_push(struct fuzz_shell_host *h, shell_async_cb cb, int rc)
{
	if (h->nq == FUZZ_SHELL_QMAX)
		return -1;
	h->q[h->nq] = cb;
	h->rc[h->nq] = rc;
	h->nq++;
	return 0;
}

static int fuzz_shell_pwhash(void *ctx, const char *password, shell_async_cb cb)
{
	(void)password;
	return fuzz_shell_push(ctx, cb, 0);
}

static int fuzz_shell_pwverify(void *ctx, const char *hash, const char *password, shell_async_cb cb)
{
	(void)hash;
	return fuzz_shell_push(ctx, cb, password[0] == 'o' ? 1 : 0);
}

/* --- a pretend live session (shell_monitor) ----------------------------------------------- */

static void fuzz_shell_mon_info(shell_session_fn each, void *arg)
{
	struct shell_session_info si;

	memset(&si, 0, sizeof si);
	si.id = "s1";
	si.account = "agent1";
	si.display = "王\x1b[31m小明";
	si.role = ROLE_AGENT;
	si.team = "";
	si.transport = "ssh";
	si.peer = "127.0.0.1:2";
	si.cols = 80;
	si.rows = 24;
	si.doing = "complaint new: words";
	si.watching = "";
	each(arg, &si);
}

static size_t fuzz_shell_mon_list(void *ctx, shell_session_fn each, void *arg)
{
	(void)ctx;
	fuzz_shell_mon_info(each, arg);
	return 1;
}

static int fuzz_shell_mon_get(void *ctx, const char *id, shell_session_fn each, void *arg)
{
	(void)ctx;
	if (strcmp(id, "s1") != 0)
		return SHELL_MONITOR_ENOENT;
	fuzz_shell_mon_info(each, arg);
	return 0;
}

static int fuzz_shell_mon_text(void *ctx, const char *id, const char *text)
{
	(void)ctx;
	(void)text;
	return strcmp(id, "s1") == 0 ? 0 : SHELL_MONITOR_ENOENT;
}

static int fuzz_shell_mon_watch(void *ctx, const char *id)
{
	struct fuzz_shell_host *h = ctx;

	if (strcmp(id, "s1") != 0)
		return SHELL_MONITOR_ENOENT;
	if (h->watching)
		return SHELL_MONITOR_EBUSY;
	h->watching = true;
	return 0;
}

static void fuzz_shell_mon_unwatch(void *ctx)
{
	struct fuzz_shell_host *h = ctx;

	if (!h->watching)
		abort();
	h->watching = false;
}

static size_t fuzz_shell_mon_watchers(void *ctx, shell_session_fn each, void *arg)
{
	(void)ctx;
	fuzz_shell_mon_info(each, arg);
	return 1;
}

static bool fuzz_shell_mon_whisperer(void *ctx, char *out, size_t n)
{
	(void)ctx;
	snprintf(out, n, "s1");
	return true;
}

static bool fuzz_shell_mon_scope_has(void *ctx, const char *team)
{
	(void)ctx;
	return strcmp(team, "night") == 0;
}

static const struct shell_monitor fuzz_shell_monitor = {
    .list = fuzz_shell_mon_list,
    .get = fuzz_shell_mon_get,
    .whisper = fuzz_shell_mon_text,
    .notice = fuzz_shell_mon_text,
    .kick = fuzz_shell_mon_text,
    .watch = fuzz_shell_mon_watch,
    .unwatch = fuzz_shell_mon_unwatch,
    .watchers = fuzz_shell_mon_watchers,
    .whisperer = fuzz_shell_mon_whisperer,
    .scope_has = fuzz_shell_mon_scope_has,
};

static void fuzz_shell_drain(struct fuzz_shell_host *h)
{
	while (h->nq > 0) {
		shell_async_cb cb = h->q[0];
		int rc = h->rc[0];

		memmove(h->q, h->q + 1, (h->nq - 1) * sizeof h->q[0]);
		memmove(h->rc, h->rc + 1, (h->nq - 1) * sizeof h->rc[0]);
		h->nq--;
		cb(h->sh, rc, rc == 0 ? fuzz_shell_hash : NULL);
	}
}

static void fuzz_shell_init(void)
{
	static const struct audit_ctx ctx = {"fuzz", "admin", "f", "-", "cli"};
	struct account a;

	if (fuzz_shell_store != NULL)
		return;
	if (sodium_init() < 0 || store_open(":memory:", 0, 100, &fuzz_shell_store) != 0 ||
	    store_schema_migrate(fuzz_shell_store) != 0)
		abort();
	if (crypto_pwhash_str(fuzz_shell_hash, "oldpassword", 11, crypto_pwhash_OPSLIMIT_MIN,
	                      crypto_pwhash_MEMLIMIT_MIN) != 0)
		abort();
	memset(&a, 0, sizeof a);
	a.name = "admin1";
	a.display = "管理员";
	a.role = ROLE_ADMIN;
	a.lang = "zh";
	a.pwhash = fuzz_shell_hash;
	if (store_account_add(fuzz_shell_store, &ctx, &a) != 0)
		abort();
}

static void fuzz_shell_run(const uint8_t *data, size_t size, const char *exec)
{
	struct fuzz_shell_host h;
	struct shell_host host;
	struct shell_user user = {1, "admin1", "管理员", ROLE_ADMIN, "zh", NULL};
	struct shell_opts opts;
	size_t i = 0;

	memset(&h, 0, sizeof h);
	memset(&host, 0, sizeof host);
	host.ctx = &h;
	host.store = fuzz_shell_store;
	host.write = fuzz_shell_write;
	host.exit = fuzz_shell_exit;
	host.pwhash = fuzz_shell_pwhash;
	host.pwverify = fuzz_shell_pwverify;
	host.monitor = &fuzz_shell_monitor;
	memset(&opts, 0, sizeof opts);
	opts.session_id = "fuzz";
	opts.peer = "127.0.0.1:1";
	opts.transport = "ssh";
	opts.env_lang = size > 0 && (data[0] & 1) ? "en_US.UTF-8" : NULL;
	opts.cols = 40;
	opts.exec = exec;
	opts.color = exec == NULL;
	opts.max_line = 256;
	opts.commands = &cmd_registry;
	opts.max_stdin = 512;
	h.exec = exec != NULL;
	h.sh = shell_new(&host, &user, &opts);
	if (h.sh == NULL)
		abort();
	shell_start(h.sh);
	/* Chunks of 1..8 bytes; after each chunk whose first byte is odd, the loop runs the
	 * pending callbacks. */
	while (i < size) {
		size_t n = 1 + data[i] % 8;

		if (n > size - i)
			n = size - i;
		shell_feed(h.sh, (const char *)data + i, n);
		if (data[i] & 1)
			fuzz_shell_drain(&h);
		/* Now and then the watched session ends while it is watched. */
		if (h.watching && data[i] % 16 == 15) {
			h.watching = false;
			shell_watch_ended(h.sh, "ended");
		}
		i += n;
	}
	shell_notice(h.sh, "fuzz", "notice");
	shell_resize(h.sh, 20, 10);
	fuzz_shell_drain(&h);
	shell_eof(h.sh);
	fuzz_shell_drain(&h);
	if (h.exec && h.exits != 1)
		abort();
	shell_free(h.sh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul;
	char *exec;

	fuzz_shell_init();
	nul = memchr(data, 0, size);
	if (nul == NULL) {
		fuzz_shell_run(data, size, NULL);
		return 0;
	}
	/* "COMMAND\0STDIN": exec mode. */
	exec = strndup((const char *)data, (size_t)(nul - data));
	if (exec == NULL)
		abort();
	fuzz_shell_run(nul + 1, size - (size_t)(nul - data) - 1, exec);
	free(exec);
	return 0;
}
