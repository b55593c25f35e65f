/* testhost — the unit tests' shared fixture and shell host (see testhost.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <libgen.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cmd_groups.h"
#include "store_account.h"
#include "store_audit.h"
#include "store_schema.h"
#include "testhost.h"

const struct audit_ctx testhost_setup_ctx = {
    .account = "setup",
    .role = "admin",
    .session = "t",
    .peer = "-",
    .transport = "cli",
};

const struct shell_opts testhost_opts = {
    .session_id = "s-test",
    .peer = "127.0.0.1:40000",
    .transport = "ssh",
    .cols = 100,
    .rows = 30,
    .max_line = 4096,
    .commands = &cmd_registry,
    .max_stdin = 4096,
};

/* ---- temporary directories and files ------------------------------------------------------ */

int testhost_tmpdir_make(char *dir, size_t cap, const char *name)
{
	int n = snprintf(dir, cap, "/tmp/%s.XXXXXX", name);

	if (n < 0 || (size_t)n >= cap || mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

void testhost_tmpdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

void testhost_file_write(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

void testhost_file_copy(const char *from_dir, const char *to_dir, const char *name)
{
	char a[8192], b[512], chunk[4096];
	FILE *in, *out;
	size_t n;

	snprintf(a, sizeof a, "%s/%s", from_dir, name);
	snprintf(b, sizeof b, "%s/%s", to_dir, name);
	in = fopen(a, "r");
	assert_non_null(in);
	out = fopen(b, "w");
	assert_non_null(out);
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		assert_int_equal(fwrite(chunk, 1, n, out), n);
	assert_int_equal(fclose(in), 0);
	assert_int_equal(fclose(out), 0);
}

void testhost_etc(char *out, size_t cap)
{
	char exe[4096], src[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(src, sizeof src, "%s", __FILE__);
	if (src[0] == '/')
		snprintf(out, cap, "%s/../../etc", dirname(src));
	else
		snprintf(out, cap, "%s/%s/../../etc", dirname(exe), dirname(src));
}

void testhost_day(int days, char *out, size_t len)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* ---- the fixture ---------------------------------------------------------------------------- */

struct testhost *testhost_new(const char *name)
{
	struct testhost *th = calloc(1, sizeof *th);

	if (th == NULL || sodium_init() < 0) {
		free(th);
		return NULL;
	}
	if (testhost_tmpdir_make(th->dir, sizeof th->dir, name) != 0) {
		free(th);
		return NULL;
	}
	snprintf(th->path, sizeof th->path, "%s/propdesk.db", th->dir);
	if (store_open(th->path, 0, 1000, &th->st) != 0 || store_schema_migrate(th->st) != 0) {
		testhost_free(th);
		return NULL;
	}
	return th;
}

void testhost_free(struct testhost *th)
{
	if (th == NULL)
		return;
	testhost_stop(th);
	catalog_unref(th->catalog);
	store_close(th->st);
	buf_free(&th->mon);
	testhost_tmpdir_remove(th->dir);
	free(th);
}

void testhost_account_add(struct testhost *th, const char *name, const char *display,
                          enum role role, const char *lang, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	struct account a;

	memset(&a, 0, sizeof a);
	a.name = (char *)name;
	a.display = (char *)display;
	a.role = role;
	a.lang = (char *)lang;
	if (password != NULL) {
		assert_int_equal(crypto_pwhash_str(hash, password, strlen(password),
		                                   crypto_pwhash_OPSLIMIT_MIN,
		                                   crypto_pwhash_MEMLIMIT_MIN),
		                 0);
		a.pwhash = hash;
	}
	assert_int_equal(store_account_add(th->st, &testhost_setup_ctx, &a), 0);
}

int testhost_load_catalog(struct testhost *th, const char *dir)
{
	char *err = NULL;

	if (catalog_load(dir != NULL ? dir : th->dir, &th->catalog, &err) != 0) {
		fprintf(stderr, "catalog: %s\n", err != NULL ? err : "?");
		free(err);
		return -1;
	}
	return 0;
}

size_t testhost_audit_count(struct store *st, const char *action, const char *detail)
{
	struct audit_event *ev = NULL;
	size_t n = 0, i, count = 0;

	assert_int_equal(store_audit_list(st, 0, 1000000, &ev, &n), 0);
	for (i = 0; i < n; i++)
		if (ev[i].action && strcmp(ev[i].action, action) == 0 &&
		    (detail == NULL || (ev[i].detail && strstr(ev[i].detail, detail))))
			count++;
	store_audit_list_free(ev, n);
	return count;
}

/* ---- the host's callbacks ------------------------------------------------------------------- */

static void testhost_write_cb(void *ctx, int stream, const char *buf, size_t len)
{
	struct testhost *th = ctx;

	assert_true(stream == 1 || stream == 2);
	assert_false(th->exited);
	buf_append(&th->out[0], buf, len);
	buf_append(&th->out[stream], buf, len);
}

/* A secret reaches the output like any other (the user must see it), and is noted. */
static void testhost_write_secret_cb(void *ctx, int stream, const char *buf, size_t len,
                                     const char *what)
{
	struct testhost *th = ctx;

	assert_null(memchr(buf, '\n', len));
	testhost_write_cb(ctx, stream, buf, len);
	buf_append(&th->secret, buf, len);
	buf_putc(&th->secret, '\n');
	buf_puts(&th->withheld, what);
	buf_putc(&th->withheld, '\n');
}

static void testhost_exit_cb(void *ctx, int status)
{
	struct testhost *th = ctx;

	th->exited = true;
	th->status = status;
	th->exits++;
}

static struct testhost_job *testhost_push(struct testhost *th)
{
	struct testhost_job *j;

	assert_true(th->nq < TESTHOST_QMAX);
	j = &th->q[th->nq++];
	memset(j, 0, sizeof *j);
	return j;
}

static int testhost_pwhash_cb(void *ctx, const char *password, shell_async_cb cb)
{
	struct testhost_job *j = testhost_push(ctx);

	j->cb = cb;
	j->rc = crypto_pwhash_str(j->hash, password, strlen(password), crypto_pwhash_OPSLIMIT_MIN,
	                          crypto_pwhash_MEMLIMIT_MIN) == 0
	            ? 0
	            : -1;
	return 0;
}

static int testhost_pwverify_cb(void *ctx, const char *hash, const char *password,
                                shell_async_cb cb)
{
	struct testhost_job *j = testhost_push(ctx);

	j->cb = cb;
	j->rc = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 1 : 0;
	return 0;
}

static int testhost_work_cb(void *ctx, shell_work_fn fn, shell_work_done_fn done, void *arg)
{
	struct testhost_job *j = testhost_push(ctx);

	j->fn = fn;
	j->done = done;
	j->arg = arg;
	return 0;
}

static int testhost_sync_cb(void *ctx, shell_work_done_fn done, void *arg)
{
	struct testhost *th = ctx;
	struct testhost_job *j = testhost_push(ctx);

	th->syncs++;
	j->sync = true;
	j->done = done;
	j->arg = arg;
	return 0;
}

static struct catalog *testhost_catalog_cb(void *ctx)
{
	struct testhost *th = ctx;

	if (th->cat != NULL)
		catalog_ref(th->cat);
	return th->cat;
}

void testhost_ban_add(struct testhost *th, const char *addr, const char *account, int failures,
                      bool blocked, int64_t left_s)
{
	struct testhost_ban *b;

	assert_true(th->nbans < TESTHOST_BANS_MAX);
	b = &th->bans[th->nbans++];
	snprintf(b->addr, sizeof b->addr, "%s", addr);
	snprintf(b->account, sizeof b->account, "%s", account != NULL ? account : "");
	b->failures = failures;
	b->blocked = blocked;
	b->left_s = left_s;
}

static size_t testhost_bans_cb(void *ctx, shell_ban_fn each, void *arg)
{
	struct testhost *th = ctx;
	size_t i;

	for (i = 0; i < th->nbans; i++) {
		const struct testhost_ban *b = &th->bans[i];
		struct shell_ban sb = {b->addr, b->account[0] ? b->account : NULL, b->failures,
		                       b->blocked, b->left_s};

		each(arg, &sb);
	}
	return th->nbans;
}

/* Removes the bans that match (addr NULL: any; account: "" for the address's own, NULL any);
 * returns how many of them were blocking. */
static int testhost_bans_remove(struct testhost *th, const char *addr, const char *account)
{
	size_t i = 0;
	int n = 0;

	while (i < th->nbans) {
		struct testhost_ban *b = &th->bans[i];

		if ((addr == NULL || strcmp(b->addr, addr) == 0) &&
		    (account == NULL || strcmp(b->account, account) == 0)) {
			n += b->blocked;
			memmove(b, b + 1, (th->nbans - i - 1) * sizeof *b);
			th->nbans--;
			continue;
		}
		i++;
	}
	return n;
}

static int testhost_ban_lift_cb(void *ctx, const char *addr)
{
	struct testhost *th = ctx;

	th->lifts++;
	return testhost_bans_remove(th, addr, NULL);
}

static int testhost_unlock_cb(void *ctx, const char *name)
{
	struct testhost *th = ctx;

	th->unlocks++;
	return testhost_bans_remove(th, NULL, name);
}

/* ---- the shell ------------------------------------------------------------------------------ */

size_t testhost_drain(struct testhost *th, bool gone)
{
	size_t taken = 0;

	while (th->nq > 0) {
		struct testhost_job j = th->q[0];

		memmove(th->q, th->q + 1, (th->nq - 1) * sizeof th->q[0]);
		th->nq--;
		assert_true(shell_busy(th->sh));
		taken++;
		if (j.cb != NULL) {
			if (!gone)
				j.cb(th->sh, j.rc, j.rc == 0 ? j.hash : NULL);
		} else if (j.sync) {
			j.done(gone ? NULL : th->sh, j.arg, th->sync_rc);
		} else {
			/* As the pool would: fn with a read-only store of its own. */
			struct store *ro = NULL;
			int rc;

			assert_int_equal(store_open(th->path, STORE_READONLY, 1000, &ro), 0);
			rc = j.fn(ro, j.arg);
			store_close(ro);
			j.done(gone ? NULL : th->sh, j.arg, rc);
			th->ran++;
		}
	}
	return taken;
}

void testhost_stop(struct testhost *th)
{
	int i;

	if (th->nq > 0 && th->sh != NULL)
		testhost_drain(th, true);
	shell_free(th->sh);
	th->sh = NULL;
	th->cat = NULL;
	for (i = 0; i < 3; i++)
		buf_free(&th->out[i]);
	buf_free(&th->secret);
	buf_free(&th->withheld);
	th->exited = false;
	th->status = 0;
	th->exits = 0;
	th->nq = 0;
	th->ran = 0;
	th->syncs = 0;
}

/* ---- live monitoring over th->sessions --------------------------------------------------- */

void testhost_session_add(struct testhost *th, const char *id, const char *account,
			  const char *team, enum role role, bool exec)
{
	struct testhost_session *s;

	assert_true(th->nsessions < TESTHOST_SESSIONS_MAX);
	s = &th->sessions[th->nsessions++];
	memset(s, 0, sizeof *s);
	snprintf(s->id, sizeof s->id, "%s", id);
	snprintf(s->account, sizeof s->account, "%s", account);
	snprintf(s->team, sizeof s->team, "%s", team != NULL ? team : "");
	s->role = (unsigned)role;
	s->exec = exec;
	s->cols = exec ? 0 : 100;
	s->rows = exec ? 0 : 30;
}

static void testhost_session_info(const struct testhost *th, const struct testhost_session *s,
				  shell_session_fn each, void *arg)
{
	struct shell_session_info si;

	memset(&si, 0, sizeof si);
	si.id = s->id;
	si.account = s->account;
	si.display = s->account;
	si.role = s->role;
	si.team = s->team;
	si.transport = "ssh";
	si.peer = "127.0.0.1:40001";
	si.exec = s->exec;
	si.login_ms = 1700000000000;
	si.idle_ms = 61000;
	si.cols = s->cols;
	si.rows = s->rows;
	si.doing = s->doing;
	si.watching = "";
	si.watchers = strcmp(th->watching, s->id) == 0 ? 1 : 0;
	each(arg, &si);
}

static struct testhost_session *testhost_session_find(struct testhost *th, const char *id)
{
	size_t i;

	for (i = 0; i < th->nsessions; i++)
		if (strcmp(th->sessions[i].id, id) == 0)
			return &th->sessions[i];
	return NULL;
}

static size_t testhost_mon_list(void *ctx, shell_session_fn each, void *arg)
{
	struct testhost *th = ctx;
	size_t i;

	for (i = 0; i < th->nsessions; i++)
		testhost_session_info(th, &th->sessions[i], each, arg);
	return th->nsessions;
}

static int testhost_mon_get(void *ctx, const char *id, shell_session_fn each, void *arg)
{
	struct testhost *th = ctx;
	struct testhost_session *s = testhost_session_find(th, id);

	if (s == NULL)
		return SHELL_MONITOR_ENOENT;
	testhost_session_info(th, s, each, arg);
	return 0;
}

static int testhost_mon_act(struct testhost *th, const char *what, const char *id,
			    const char *text)
{
	if (testhost_session_find(th, id) == NULL)
		return SHELL_MONITOR_ENOENT;
	buf_printf(&th->mon, "%s %s %s\n", what, id, text);
	return 0;
}

static int testhost_mon_whisper(void *ctx, const char *id, const char *text)
{
	return testhost_mon_act(ctx, "whisper", id, text);
}

static int testhost_mon_notice(void *ctx, const char *id, const char *text)
{
	return testhost_mon_act(ctx, "notice", id, text);
}

static int testhost_mon_kick(void *ctx, const char *id, const char *reason)
{
	return testhost_mon_act(ctx, "kick", id, reason);
}

static int testhost_mon_watch(void *ctx, const char *id)
{
	struct testhost *th = ctx;
	struct testhost_session *s = testhost_session_find(th, id);

	if (s == NULL)
		return SHELL_MONITOR_ENOENT;
	if (s->exec)
		return SHELL_MONITOR_ENOTTY;
	if (th->watching[0] != '\0')
		return SHELL_MONITOR_EBUSY;
	snprintf(th->watching, sizeof th->watching, "%s", id);
	buf_printf(&th->mon, "watch %s\n", id);
	return 0;
}

static void testhost_mon_unwatch(void *ctx)
{
	struct testhost *th = ctx;

	th->watching[0] = '\0';
	buf_puts(&th->mon, "unwatch\n");
}

static size_t testhost_mon_watchers(void *ctx, shell_session_fn each, void *arg)
{
	(void)ctx;
	(void)each;
	(void)arg;
	return 0;
}

static bool testhost_mon_whisperer(void *ctx, char *out, size_t n)
{
	struct testhost *th = ctx;

	if (th->whisperer[0] == '\0')
		return false;
	snprintf(out, n, "%s", th->whisperer);
	return true;
}

static bool testhost_mon_scope_has(void *ctx, const char *team)
{
	struct testhost *th = ctx;
	size_t n = strlen(team);
	const char *p = th->scope_teams;

	if (th->scope_all)
		return true;
	while (n > 0 && p != NULL && (p = strstr(p, team)) != NULL) {
		if ((p == th->scope_teams || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static const struct shell_monitor testhost_monitor = {
    .list = testhost_mon_list,
    .get = testhost_mon_get,
    .whisper = testhost_mon_whisper,
    .notice = testhost_mon_notice,
    .kick = testhost_mon_kick,
    .watch = testhost_mon_watch,
    .unwatch = testhost_mon_unwatch,
    .watchers = testhost_mon_watchers,
    .whisperer = testhost_mon_whisperer,
    .scope_has = testhost_mon_scope_has,
};

struct shell *testhost_start_user(struct testhost *th, const struct shell_user *user, unsigned caps,
                                  const struct shell_opts *opts)
{
	struct shell_opts o = *opts;
	struct shell_host host;

	/* The desk's commands unless the test gives others. */
	if (o.commands == NULL)
		o.commands = &cmd_registry;
	testhost_stop(th);
	th->cat = th->catalog;
	memset(&host, 0, sizeof host);
	host.ctx = th;
	host.store = th->st;
	host.write = testhost_write_cb;
	host.write_secret = testhost_write_secret_cb;
	host.exit = testhost_exit_cb;
	if (caps & TESTHOST_PWHASH) {
		host.pwhash = testhost_pwhash_cb;
		host.pwverify = testhost_pwverify_cb;
	}
	if (caps & TESTHOST_WORK)
		host.work = testhost_work_cb;
	if (caps & TESTHOST_CATALOG)
		host.catalog = testhost_catalog_cb;
	if (caps & TESTHOST_SYNC)
		host.sync = testhost_sync_cb;
	if (caps & TESTHOST_BANS) {
		host.bans = testhost_bans_cb;
		host.ban_lift = testhost_ban_lift_cb;
		host.unlock = testhost_unlock_cb;
	}
	if (caps & TESTHOST_MONITOR)
		host.monitor = &testhost_monitor;
	th->sh = shell_new(&host, user, &o);
	assert_non_null(th->sh);
	shell_start(th->sh);
	return th->sh;
}

struct shell *testhost_start(struct testhost *th, const char *name, unsigned caps,
                             const struct shell_opts *opts)
{
	struct shell_user user;
	struct account a;

	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, name, &a), 0);
	memset(&user, 0, sizeof user);
	user.id = a.id;
	user.name = a.name;
	user.display = a.display;
	user.role = a.role;
	user.lang = a.lang;
	user.team = a.team;
	testhost_start_user(th, &user, caps, opts);
	store_account_clear(&a);
	return th->sh;
}

int testhost_exec(struct testhost *th, const char *name, unsigned caps,
                  const struct shell_opts *opts, const char *cmd, const char *in)
{
	struct shell_opts o = *opts;

	o.exec = cmd;
	testhost_start(th, name, caps, &o);
	if (in != NULL)
		testhost_feed(th, in);
	shell_eof(th->sh);
	while (testhost_drain(th, false) > 0)
		;
	assert_true(th->exited);
	assert_int_equal(th->exits, 1);
	return th->status;
}

void testhost_feed(struct testhost *th, const char *s)
{
	shell_feed(th->sh, s, strlen(s));
}

const char *testhost_type(struct testhost *th, const char *s)
{
	testhost_clear(th);
	testhost_feed(th, s);
	return testhost_out(th, 0);
}

const char *testhost_out(struct testhost *th, int stream)
{
	assert_true(stream >= 0 && stream <= 2);
	return buf_cstr(&th->out[stream]);
}

void testhost_clear(struct testhost *th)
{
	int i;

	for (i = 0; i < 3; i++)
		buf_reset(&th->out[i]);
}
