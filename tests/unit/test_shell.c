/* test_shell — the whole shell against a test host (output captured per stream, password
 * hashing done for real but delivered later from a queue the test drains) and a real store on
 * a temporary database: interactive and exec mode, roles refused in both with an audit event,
 * user administration, languages, exit statuses, passwd end to end, notices, busy input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "shell.h"
#include "store.h"

#define TEST_SHELL_QMAX 8

struct test_shell_job {
	shell_async_cb cb;
	int rc;
	char hash[crypto_pwhash_STRBYTES];
};

struct test_shell_host {
	struct shell *sh;
	struct buf out[3];
	bool exited;
	int status;
	int exits;
	struct test_shell_job q[TEST_SHELL_QMAX];
	size_t nq;
};

struct test_shell_fx {
	char dir[64];
	char path[128];
	struct store *st;
	struct test_shell_host h;
};

static void test_shell_write(void *ctx, int stream, const char *buf, size_t len)
{
	struct test_shell_host *h = ctx;

	assert_true(stream == 1 || stream == 2);
	assert_false(h->exited);
	buf_append(&h->out[stream], buf, len);
}

static void test_shell_exit(void *ctx, int status)
{
	struct test_shell_host *h = ctx;

	h->exited = true;
	h->status = status;
	h->exits++;
}

static int test_shell_pwhash(void *ctx, const char *password, shell_async_cb cb)
{
	struct test_shell_host *h = ctx;
	struct test_shell_job *j;

	assert_true(h->nq < TEST_SHELL_QMAX);
	j = &h->q[h->nq++];
	j->cb = cb;
	j->rc = crypto_pwhash_str(j->hash, password, strlen(password), crypto_pwhash_OPSLIMIT_MIN,
	                          crypto_pwhash_MEMLIMIT_MIN) == 0
	            ? 0
	            : -1;
	return 0;
}

static int test_shell_pwverify(void *ctx, const char *hash, const char *password, shell_async_cb cb)
{
	struct test_shell_host *h = ctx;
	struct test_shell_job *j;

	assert_true(h->nq < TEST_SHELL_QMAX);
	j = &h->q[h->nq++];
	j->cb = cb;
	j->rc = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 1 : 0;
	j->hash[0] = '\0';
	return 0;
}

/* Runs the queued callbacks (as the loop would, later, one at a time). Returns how many. */
static size_t test_shell_drain(struct test_shell_host *h)
{
	size_t ran = 0;

	while (h->nq > 0) {
		struct test_shell_job j = h->q[0];

		memmove(h->q, h->q + 1, (h->nq - 1) * sizeof h->q[0]);
		h->nq--;
		assert_true(shell_busy(h->sh));
		j.cb(h->sh, j.rc, j.rc == 0 ? j.hash : NULL);
		ran++;
	}
	return ran;
}

static const struct audit_ctx test_shell_setup_ctx = {
    .account = "setup",
    .role = "admin",
    .session = "t",
    .peer = "-",
    .transport = "cli",
};

static void test_shell_add(struct store *st, const char *name, const char *display, enum role role,
                           const char *lang, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	struct account a;

	memset(&a, 0, sizeof a);
	assert_int_equal(crypto_pwhash_str(hash, password, strlen(password),
	                                   crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN),
	                 0);
	a.name = (char *)name;
	a.display = (char *)display;
	a.role = role;
	a.lang = (char *)lang;
	a.pwhash = hash;
	assert_int_equal(store_account_add(st, &test_shell_setup_ctx, &a), 0);
}

static int test_shell_setup(void **state)
{
	struct test_shell_fx *fx = calloc(1, sizeof *fx);

	if (fx == NULL || sodium_init() < 0)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_shell.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/propdesk.db", fx->dir);
	if (store_open(fx->path, 0, 1000, &fx->st) != 0 || store_migrate(fx->st) != 0)
		return -1;
	test_shell_add(fx->st, "admin1", "管理员甲", ROLE_ADMIN, "en", "adminpass1");
	test_shell_add(fx->st, "agent1", "王小明", ROLE_AGENT, "zh", "oldpassword1");
	test_shell_add(fx->st, "sup1", "李主管", ROLE_SUPERVISOR, "zh", "suppass123");
	*state = fx;
	return 0;
}

static void test_shell_host_reset(struct test_shell_host *h)
{
	int i;

	shell_free(h->sh);
	for (i = 0; i < 3; i++)
		buf_free(&h->out[i]);
	memset(h, 0, sizeof *h);
}

static int test_shell_teardown(void **state)
{
	struct test_shell_fx *fx = *state;
	char p[160];

	test_shell_host_reset(&fx->h);
	store_close(fx->st);
	unlink(fx->path);
	snprintf(p, sizeof p, "%s-wal", fx->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", fx->path);
	unlink(p);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* A new shell for account name (exec: NULL for interactive), started. */
static struct test_shell_host *test_shell_start(struct test_shell_fx *fx, const char *name,
                                                const char *exec, const char *env_lang)
{
	struct test_shell_host *h = &fx->h;
	struct shell_host host;
	struct shell_user user;
	struct shell_opts opts;
	struct account a;

	test_shell_host_reset(h);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, name, &a), 0);
	memset(&host, 0, sizeof host);
	host.ctx = h;
	host.store = fx->st;
	host.write = test_shell_write;
	host.exit = test_shell_exit;
	host.pwhash = test_shell_pwhash;
	host.pwverify = test_shell_pwverify;
	memset(&user, 0, sizeof user);
	user.id = a.id;
	user.name = a.name;
	user.display = a.display;
	user.role = a.role;
	user.lang = a.lang;
	user.team = a.team;
	memset(&opts, 0, sizeof opts);
	opts.session_id = "s-test";
	opts.peer = "127.0.0.1:40000";
	opts.transport = "ssh";
	opts.env_lang = env_lang;
	opts.cols = 80;
	opts.rows = 24;
	opts.exec = exec;
	opts.max_line = 1024;
	opts.max_stdin = 4096;
	h->sh = shell_new(&host, &user, &opts);
	assert_non_null(h->sh);
	account_clear(&a);
	shell_start(h->sh);
	return h;
}

static void test_shell_type(struct test_shell_host *h, const char *s)
{
	shell_feed(h->sh, s, strlen(s));
}

static const char *test_shell_out(struct test_shell_host *h, int stream)
{
	return buf_cstr(&h->out[stream]);
}

/* Events with this action (and detail containing detail, if given). */
static size_t test_shell_audit_count(struct store *st, const char *action, const char *detail)
{
	struct audit_event *ev = NULL;
	size_t n = 0, i, count = 0;

	assert_int_equal(store_audit_list(st, 0, 100000, &ev, &n), 0);
	for (i = 0; i < n; i++)
		if (ev[i].action && strcmp(ev[i].action, action) == 0 &&
		    (detail == NULL || (ev[i].detail && strstr(ev[i].detail, detail))))
			count++;
	store_audit_list_free(ev, n);
	return count;
}

/* Runs one exec command with optional stdin; drains async work; returns the exit status. */
static int test_shell_exec(struct test_shell_fx *fx, const char *name, const char *cmd,
                           const char *in)
{
	struct test_shell_host *h = test_shell_start(fx, name, cmd, "en_US.UTF-8");

	if (in != NULL)
		shell_feed(h->sh, in, strlen(in));
	shell_eof(h->sh);
	while (test_shell_drain(h) > 0)
		;
	assert_true(h->exited);
	assert_int_equal(h->exits, 1);
	return h->status;
}

static void test_shell_interactive_whoami(void **state)
{
	struct test_shell_fx *fx = *state;
	struct test_shell_host *h = test_shell_start(fx, "agent1", NULL, NULL);
	const char *o;

	/* No LANG: the account's language (zh). Greeting and prompt. */
	o = test_shell_out(h, 1);
	assert_non_null(strstr(o, "物业客服台"));
	assert_non_null(strstr(o, "王小明"));
	assert_non_null(strstr(o, "（客服）"));
	assert_non_null(strstr(o, "propdesk:agent1> "));
	assert_null(strstr(o, "\x1b["));
	buf_reset(&h->out[1]);
	test_shell_type(h, "whoami\r");
	o = test_shell_out(h, 1);
	assert_non_null(strstr(o, "agent1\r\n"));
	assert_non_null(strstr(o, "王小明"));
	assert_non_null(strstr(o, "客服"));
	assert_non_null(strstr(o, "s-test"));
	assert_non_null(strstr(o, "127.0.0.1:40000"));
	/* Every newline is CR LF in interactive mode. */
	for (const char *p = strchr(o, '\n'); p != NULL; p = strchr(p + 1, '\n'))
		assert_true(p > o && p[-1] == '\r');
	assert_int_equal(h->out[2].len, 0);
	assert_true(test_shell_audit_count(fx->st, "command", "whoami") >= 1);

	buf_reset(&h->out[1]);
	test_shell_type(h, "whoami --json\r");
	assert_non_null(strstr(test_shell_out(h, 1), "\"name\":\"agent1\""));
	assert_non_null(strstr(test_shell_out(h, 1), "\"display\":\"王小明\""));

	/* Ctrl-D on an empty line quits. */
	assert_false(h->exited);
	test_shell_type(h, "\x04");
	assert_true(h->exited);
	assert_int_equal(h->status, 0);
}

static void test_shell_agent_refused_both_modes(void **state)
{
	struct test_shell_fx *fx = *state;
	struct test_shell_host *h;
	size_t before = test_shell_audit_count(fx->st, "command.denied", NULL);
	struct account a;

	assert_int_equal(test_shell_exec(fx, "agent1", "user add bob --role agent", NULL), 3);
	assert_non_null(
	    strstr(test_shell_out(&fx->h, 2), "permission denied: `user add` needs role admin\n"));
	assert_int_equal(fx->h.out[1].len, 0);
	assert_int_equal(test_shell_audit_count(fx->st, "command.denied", "user add bob"),
	                 before + 1);

	/* A prefix does not get around it; in zh the message is Chinese. */
	h = test_shell_start(fx, "agent1", NULL, "zh_CN.UTF-8");
	test_shell_type(h, "us ad bob --role agent\r");
	assert_non_null(strstr(test_shell_out(h, 1), "权限不足：`user add` 需要角色 管理员\r\n"));
	assert_false(h->exited);
	assert_int_equal(test_shell_audit_count(fx->st, "command.denied", NULL), before + 2);
	assert_int_equal(h->nq, 0);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, "bob", &a), STORE_ENOENT);

	/* The supervisor is refused too, and a refused command is not audited as run. */
	assert_int_equal(test_shell_exec(fx, "sup1", "user list", NULL), 3);
	assert_int_equal(test_shell_audit_count(fx->st, "command", "user list"), 0);
}

static void test_shell_admin_add_and_list(void **state)
{
	struct test_shell_fx *fx = *state;
	struct test_shell_host *h;
	struct account a;
	const char *o, *pw;
	char password[13];

	h = test_shell_start(fx, "admin1", "user add bob --role agent --display '张 三' --lang zh",
	                     "en_US.UTF-8");
	/* Hashing is pending: the shell is busy and has not exited. */
	assert_true(shell_busy(h->sh));
	assert_false(h->exited);
	assert_int_equal(test_shell_drain(h), 1);
	assert_true(h->exited);
	assert_int_equal(h->status, 0);
	o = test_shell_out(h, 1);
	assert_non_null(strstr(o, "Account bob added (agent)."));
	pw = strstr(o, "shown once, hand it over safely): ");
	assert_non_null(pw);
	pw += strlen("shown once, hand it over safely): ");
	assert_true(strlen(pw) >= 13);
	memcpy(password, pw, 12);
	password[12] = '\0';
	assert_int_equal(pw[12], '\n');
	assert_int_equal(strcspn(password, "0O1lI"), 12);

	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, "bob", &a), 0);
	assert_int_equal(a.role, ROLE_AGENT);
	assert_string_equal(a.display, "张 三");
	assert_string_equal(a.lang, "zh");
	assert_int_equal(crypto_pwhash_str_verify(a.pwhash, password, 12), 0);
	account_clear(&a);
	/* The command was audited with its words; the password is not in the audit log. */
	assert_int_equal(test_shell_audit_count(fx->st, "command", "user add bob --role agent"), 1);
	assert_int_equal(test_shell_audit_count(fx->st, "command", password), 0);
	assert_int_equal(test_shell_audit_count(fx->st, "user.add", NULL), 4);

	/* Taken name. */
	assert_int_equal(test_shell_exec(fx, "admin1", "user add bob --role agent", NULL), 1);
	/* Bad name, bad role, missing --role, bad team. */
	assert_int_equal(test_shell_exec(fx, "admin1", "user add Bob --role agent", NULL), 2);
	assert_int_equal(test_shell_exec(fx, "admin1", "user add carol --role boss", NULL), 2);
	assert_int_equal(test_shell_exec(fx, "admin1", "user add carol", NULL), 2);
	assert_non_null(strstr(test_shell_out(&fx->h, 2), "missing option --role\n"
	                                                  "usage: user add NAME --role ROLE"));
	assert_int_equal(
	    test_shell_exec(fx, "admin1", "user add carol --role agent --team agent1", NULL), 1);

	/* --password-stdin with a team. */
	assert_int_equal(test_shell_exec(fx, "admin1",
	                                 "user add carol --role agent --team sup1 --password-stdin",
	                                 "carolpass99\nignored\n"),
	                 0);
	assert_null(strstr(test_shell_out(&fx->h, 1), "carolpass99"));
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, "carol", &a), 0);
	assert_string_equal(a.team, "sup1");
	assert_int_equal(crypto_pwhash_str_verify(a.pwhash, "carolpass99", 11), 0);
	account_clear(&a);
	/* Too short a password from stdin. */
	assert_int_equal(
	    test_shell_exec(fx, "admin1", "user add dave --role agent --password-stdin", "short\n"),
	    1);

	/* user list --json: one document with every account. */
	assert_int_equal(test_shell_exec(fx, "admin1", "user list --json", NULL), 0);
	o = test_shell_out(&fx->h, 1);
	assert_int_equal(o[0], '[');
	assert_non_null(strstr(o, "{\"name\":\"bob\",\"display\":\"张 三\",\"role\":\"agent\","
	                          "\"lang\":\"zh\",\"team\":null,\"locked\":false"));
	assert_non_null(strstr(o, "\"name\":\"carol\""));
	assert_non_null(strstr(o, "\"team\":\"sup1\""));
	assert_string_equal(o + strlen(o) - 2, "]\n");

	/* The table, in Chinese. */
	h = test_shell_start(fx, "admin1", NULL, "zh_CN.UTF-8");
	buf_reset(&h->out[1]);
	test_shell_type(h, "user list\r");
	o = test_shell_out(h, 1);
	assert_non_null(strstr(o, "账号"));
	assert_non_null(strstr(o, "张 三"));
	assert_non_null(strstr(o, "从未"));
	test_shell_type(h, "quit\r");
	assert_true(h->exited);
	assert_int_equal(h->status, 0);
}

static void test_shell_user_admin_commands(void **state)
{
	struct test_shell_fx *fx = *state;
	struct account_key *keys = NULL;
	struct account a;
	unsigned char blob[4 + 11 + 4 + 32];
	char b64[sodium_base64_ENCODED_LEN(sizeof blob, sodium_base64_VARIANT_ORIGINAL)];
	char cmd[512], in[600];
	size_t n = 0;

	assert_int_equal(test_shell_exec(fx, "admin1", "user lock agent1", NULL), 0);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, "agent1", &a), 0);
	assert_true(a.locked);
	account_clear(&a);
	assert_int_equal(test_shell_exec(fx, "admin1", "user list", NULL), 0);
	assert_non_null(strstr(test_shell_out(&fx->h, 1), "locked"));
	assert_int_equal(test_shell_exec(fx, "admin1", "user unlock agent1", NULL), 0);
	assert_int_equal(test_shell_exec(fx, "admin1", "user lock nobody", NULL), 1);
	assert_int_equal(test_shell_exec(fx, "admin1", "user lock admin1", NULL), 1);
	assert_int_equal(test_shell_exec(fx, "admin1", "user role agent1 supervisor", NULL), 0);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, "agent1", &a), 0);
	assert_int_equal(a.role, ROLE_SUPERVISOR);
	account_clear(&a);
	assert_int_equal(test_shell_exec(fx, "admin1", "user role agent1 king", NULL), 2);
	assert_int_equal(test_shell_exec(fx, "admin1", "user role admin1 agent", NULL), 1);

	/* A valid ed25519 key blob: string "ssh-ed25519", string 32 bytes. */
	memset(blob, 0, sizeof blob);
	blob[3] = 11;
	memcpy(blob + 4, "ssh-ed25519", 11);
	blob[4 + 11 + 3] = 32;
	randombytes_buf(blob + 4 + 11 + 4, 32);
	sodium_bin2base64(b64, sizeof b64, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
	snprintf(cmd, sizeof cmd, "user key agent1 ssh-ed25519 %s 王小明 laptop", b64);
	assert_int_equal(test_shell_exec(fx, "admin1", cmd, NULL), 0);
	assert_int_equal(store_account_keys(fx->st, "agent1", &keys, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0].keytype, "ssh-ed25519");
	assert_string_equal(keys[0].blob, b64);
	assert_string_equal(keys[0].comment, "王小明 laptop");
	store_account_keys_free(keys, n);
	/* Wrong type for the blob, broken base64, unknown type, missing data. */
	snprintf(cmd, sizeof cmd, "user key agent1 ssh-rsa %s", b64);
	assert_int_equal(test_shell_exec(fx, "admin1", cmd, NULL), 1);
	assert_int_equal(
	    test_shell_exec(fx, "admin1", "user key agent1 ssh-ed25519 !!notbase64", NULL), 1);
	snprintf(cmd, sizeof cmd, "user key agent1 ssh-dss %s", b64);
	assert_int_equal(test_shell_exec(fx, "admin1", cmd, NULL), 1);
	assert_int_equal(test_shell_exec(fx, "admin1", "user key agent1 ssh-ed25519", NULL), 2);
	/* From stdin (authorized_keys lines, comments skipped). */
	snprintf(in, sizeof in, "# keys\n\nssh-ed25519 %s second key\r\n", b64);
	assert_int_equal(test_shell_exec(fx, "admin1", "user key sup1 --stdin", in), 0);
	assert_int_equal(store_account_keys(fx->st, "sup1", &keys, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0].comment, "second key");
	store_account_keys_free(keys, n);
	assert_int_equal(test_shell_exec(fx, "admin1", "user key sup1 --stdin", "\n"), 2);

	/* Admin password reset: random by default, shown once. */
	assert_int_equal(test_shell_exec(fx, "admin1", "user passwd sup1", NULL), 0);
	assert_non_null(strstr(test_shell_out(&fx->h, 1), "Password of sup1 reset."));
	assert_int_equal(
	    test_shell_exec(fx, "admin1", "user passwd sup1 --password-stdin", "brandnew77\n"), 0);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, "sup1", &a), 0);
	assert_int_equal(crypto_pwhash_str_verify(a.pwhash, "brandnew77", 10), 0);
	account_clear(&a);
	assert_int_equal(test_shell_exec(fx, "admin1", "user passwd nobody", NULL), 1);
}

static void test_shell_lang_switch(void **state)
{
	struct test_shell_fx *fx = *state;
	struct test_shell_host *h = test_shell_start(fx, "agent1", NULL, "zh_CN.UTF-8");

	assert_string_equal(shell_lang(h->sh), "zh");
	test_shell_type(h, "frobnicate\r");
	assert_non_null(strstr(test_shell_out(h, 1), "未知命令 `frobnicate`"));
	test_shell_type(h, "lang en\r");
	assert_string_equal(shell_lang(h->sh), "en");
	assert_non_null(strstr(test_shell_out(h, 1), "Language: English."));
	buf_reset(&h->out[1]);
	test_shell_type(h, "frobnicate\r");
	assert_non_null(strstr(test_shell_out(h, 1), "unknown command `frobnicate` (type help)"));
	test_shell_type(h, "whoami\r");
	assert_non_null(strstr(test_shell_out(h, 1), "display name:"));
	test_shell_type(h, "help\r");
	assert_non_null(strstr(test_shell_out(h, 1), "Commands you may run"));
	assert_null(strstr(test_shell_out(h, 1), "user add"));
	test_shell_type(h, "lang fr\r");
	assert_non_null(strstr(test_shell_out(h, 1), "language must be zh or en"));
	test_shell_type(h, "lang zh\r");
	assert_non_null(strstr(test_shell_out(h, 1), "语言已切换为中文。"));

	/* LANG en_* wins over the account's zh. */
	h = test_shell_start(fx, "agent1", NULL, "en_GB.UTF-8");
	assert_string_equal(shell_lang(h->sh), "en");
	assert_non_null(strstr(test_shell_out(h, 1), "Welcome, 王小明 (agent)"));
	/* Other LANG: the account's. */
	h = test_shell_start(fx, "admin1", NULL, "C.UTF-8");
	assert_string_equal(shell_lang(h->sh), "en");
}

static void test_shell_exec_statuses(void **state)
{
	struct test_shell_fx *fx = *state;

	assert_int_equal(test_shell_exec(fx, "agent1", "whoami", NULL), 0);
	assert_non_null(strstr(test_shell_out(&fx->h, 1), "name:"));
	assert_null(strstr(test_shell_out(&fx->h, 1), "\r"));
	assert_null(strstr(test_shell_out(&fx->h, 1), "propdesk:"));
	assert_int_equal(test_shell_exec(fx, "agent1", "whoami --json", NULL), 0);
	assert_non_null(strstr(test_shell_out(&fx->h, 1), "\"transport\":\"ssh\"}\n"));
	assert_int_equal(test_shell_exec(fx, "agent1", "frobnicate", NULL), 127);
	assert_non_null(strstr(test_shell_out(&fx->h, 2), "unknown command"));
	assert_int_equal(fx->h.out[1].len, 0);
	assert_int_equal(test_shell_exec(fx, "admin1", "user l", NULL), 127);
	assert_non_null(strstr(test_shell_out(&fx->h, 2), "list lock"));
	assert_int_equal(test_shell_exec(fx, "admin1", "user", NULL), 2);
	assert_int_equal(test_shell_exec(fx, "agent1", "whoami --bogus", NULL), 2);
	assert_non_null(strstr(test_shell_out(&fx->h, 2), "unknown option --bogus\n"
	                                                  "usage: whoami [--json]\n"));
	assert_int_equal(test_shell_exec(fx, "agent1", "whoami extra", NULL), 2);
	assert_int_equal(test_shell_exec(fx, "agent1", "lang", NULL), 2);
	assert_int_equal(test_shell_exec(fx, "agent1", "lang xx", NULL), 2);
	assert_int_equal(test_shell_exec(fx, "agent1", "help 'unterminated", NULL), 2);
	assert_non_null(strstr(test_shell_out(&fx->h, 2), "unterminated quote"));
	assert_int_equal(test_shell_exec(fx, "agent1", "", NULL), 2);
	assert_int_equal(test_shell_exec(fx, "agent1", "help", NULL), 0);
	assert_int_equal(test_shell_exec(fx, "agent1", "help nothing", NULL), 1);
	assert_int_equal(test_shell_exec(fx, "agent1", "help user add", NULL), 0);
	assert_non_null(strstr(test_shell_out(&fx->h, 1), "(your role may not run this command)"));
	assert_int_equal(test_shell_exec(fx, "agent1", "quit", NULL), 0);
	assert_int_equal(test_shell_exec(fx, "agent1", "user add x --role agent", NULL), 3);
	/* Stdin larger than the cap. */
	{
		char big[5000];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		assert_int_equal(test_shell_exec(fx, "admin1",
		                                 "user add eve --role agent --password-stdin", big),
		                 1);
		assert_non_null(
		    strstr(test_shell_out(&fx->h, 2), "stdin is larger than 4096 bytes"));
	}
}

static void test_shell_passwd_interactive(void **state)
{
	struct test_shell_fx *fx = *state;
	struct test_shell_host *h = test_shell_start(fx, "agent1", NULL, "en_US.UTF-8");
	struct account a;
	const char *o;

	buf_reset(&h->out[1]);
	test_shell_type(h, "passwd\r");
	assert_non_null(strstr(test_shell_out(h, 1), "Current password: "));
	test_shell_type(h, "oldpassword1\r");
	/* The typed password is not echoed. */
	assert_null(strstr(test_shell_out(h, 1), "oldpassword1"));
	assert_true(shell_busy(h->sh));
	assert_int_equal(test_shell_drain(h), 1);
	assert_non_null(strstr(test_shell_out(h, 1), "New password: "));
	test_shell_type(h, "agent1\r");
	assert_non_null(strstr(test_shell_out(h, 1), "at least 8 characters"));
	/* Back at the prompt; again, with a name-equal password refused too. */
	test_shell_type(h, "passwd\roldpassword1\r");
	assert_int_equal(test_shell_drain(h), 1);
	test_shell_type(h, "新的密码很安全呀\r新的密码很安全呀\r");
	assert_true(shell_busy(h->sh));
	/* Typed while busy: queued, run after the command ends. */
	test_shell_type(h, "whoami --json\r");
	assert_null(strstr(test_shell_out(h, 1), "\"name\""));
	assert_int_equal(test_shell_drain(h), 1);
	o = test_shell_out(h, 1);
	assert_non_null(strstr(o, "Password changed."));
	assert_non_null(strstr(o, "\"name\":\"agent1\""));
	assert_true(strstr(o, "Password changed.") < strstr(o, "\"name\":\"agent1\""));
	assert_null(strstr(o, "新的密码很安全呀"));
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, "agent1", &a), 0);
	assert_int_equal(
	    crypto_pwhash_str_verify(a.pwhash, "新的密码很安全呀", strlen("新的密码很安全呀")), 0);
	account_clear(&a);
	assert_true(test_shell_audit_count(fx->st, "user.passwd", NULL) >= 1);

	/* Wrong current password; mismatch; Ctrl-C cancels. */
	buf_reset(&h->out[1]);
	test_shell_type(h, "passwd\rnot-it-at-all\r");
	test_shell_drain(h);
	assert_non_null(strstr(test_shell_out(h, 1), "wrong password; nothing changed"));
	assert_int_equal(test_shell_audit_count(fx->st, "passwd.fail", NULL), 1);
	test_shell_type(h, "passwd\r新的密码很安全呀\r");
	test_shell_drain(h);
	test_shell_type(h, "aaaaaaaa1\raaaaaaaa2\r");
	assert_non_null(strstr(test_shell_out(h, 1), "the two passwords differ"));
	assert_int_equal(h->nq, 0);
	test_shell_type(h, "passwd\r\x03");
	assert_non_null(strstr(test_shell_out(h, 1), "cancelled"));
	assert_false(shell_busy(h->sh));
	assert_false(h->exited);
	/* Still usable. */
	buf_reset(&h->out[1]);
	test_shell_type(h, "whoami\r");
	assert_non_null(strstr(test_shell_out(h, 1), "agent1"));
}

static void test_shell_passwd_exec(void **state)
{
	struct test_shell_fx *fx = *state;
	struct account a;

	assert_int_equal(test_shell_exec(fx, "sup1", "passwd", "suppass123\nanother-pass-9\n"), 0);
	assert_non_null(strstr(test_shell_out(&fx->h, 1), "Password changed."));
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, "sup1", &a), 0);
	assert_int_equal(crypto_pwhash_str_verify(a.pwhash, "another-pass-9", 14), 0);
	account_clear(&a);
	assert_int_equal(test_shell_exec(fx, "sup1", "passwd", "wrong-password\nanother-pass-10\n"),
	                 1);
	assert_non_null(strstr(test_shell_out(&fx->h, 2), "wrong password"));
	assert_int_equal(test_shell_exec(fx, "sup1", "passwd", "only-one-line\n"), 2);
	assert_int_equal(test_shell_exec(fx, "sup1", "passwd", "another-pass-9\nsup1\n"), 1);
}

static void test_shell_stdin_before_start_and_notice(void **state)
{
	struct test_shell_fx *fx = *state;
	struct test_shell_host *h;

	/* Interactive --password-stdin is refused. */
	h = test_shell_start(fx, "admin1", NULL, "en_US.UTF-8");
	test_shell_type(h, "user add zed --role agent --password-stdin\r");
	assert_non_null(strstr(test_shell_out(h, 1), "--password-stdin reads stdin"));
	assert_int_equal(h->nq, 0);

	/* A notice: sanitized, above the prompt, the line being typed redrawn. */
	test_shell_type(h, "who");
	buf_reset(&h->out[1]);
	shell_notice(h->sh, "boss\x1b]0;x\a", "停水通知\x1b[31m 3pm\n");
	assert_non_null(strstr(test_shell_out(h, 1), "[boss] 停水通知 3pm \r\n"));
	assert_null(strstr(test_shell_out(h, 1), "\x1b[31m"));
	assert_null(strstr(test_shell_out(h, 1), "\x1b]"));
	assert_non_null(strstr(test_shell_out(h, 1), "propdesk:admin1> who"));
	test_shell_type(h, "ami\r");
	assert_non_null(strstr(test_shell_out(h, 1), "admin1"));

	/* Resize and EOF in interactive mode. */
	shell_resize(h->sh, 120, 40);
	shell_eof(h->sh);
	assert_true(h->exited);
	assert_int_equal(h->status, 0);
	shell_feed(h->sh, "whoami\r", 7);
	shell_notice(h->sh, "x", "y");
	assert_int_equal(h->exits, 1);
}

static void test_shell_colour_prompt(void **state)
{
	struct test_shell_fx *fx = *state;
	struct test_shell_host *h = &fx->h;
	struct shell_host host = {
	    .ctx = h, .store = fx->st, .write = test_shell_write, .exit = test_shell_exit};
	struct shell_user user = {.id = 1,
	                          .name = "admin1",
	                          .display = NULL,
	                          .role = ROLE_ADMIN,
	                          .lang = "en",
	                          .team = NULL};
	struct shell_opts opts = {
	    .session_id = "s", .peer = "p", .transport = "telnet", .color = true};

	test_shell_host_reset(h);
	h->sh = shell_new(&host, &user, &opts);
	shell_start(h->sh);
	assert_non_null(strstr(test_shell_out(h, 1), "\x1b[1;32mpropdesk\x1b[0m"));
	/* No password hashing in this host: an error, not a hang. */
	test_shell_type(h, "user passwd agent1\r");
	assert_non_null(strstr(test_shell_out(h, 1), "password hashing is not available"));
	assert_false(shell_busy(h->sh));
}

static void test_shell_unaudited_change_does_not_run_but_reads_do(void **state)
{
	struct test_shell_fx *fx = *state;
	struct store *rw = fx->st, *ro = NULL;
	struct account a;

	/* A read-only store cannot write the audit event: a command that changes something must
	 * not run; one that only reads runs, with a warning on stderr. */
	assert_int_equal(store_open(fx->path, STORE_READONLY, 100, &ro), 0);
	fx->st = ro;
	assert_int_equal(test_shell_exec(fx, "admin1", "user lock agent1", NULL), 1);
	assert_int_equal(fx->h.out[1].len, 0);
	assert_true(fx->h.out[2].len > 0);
	test_shell_host_reset(&fx->h);
	assert_int_equal(test_shell_exec(fx, "agent1", "whoami", NULL), 0);
	assert_non_null(strstr(buf_cstr(&fx->h.out[1]), "agent1"));
	assert_non_null(strstr(buf_cstr(&fx->h.out[2]), "not recorded in the audit trail"));
	test_shell_host_reset(&fx->h);
	fx->st = rw;
	store_close(ro);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(rw, "agent1", &a), 0);
	assert_false(a.locked);
	account_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_shell_interactive_whoami, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_agent_refused_both_modes, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_admin_add_and_list, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_user_admin_commands, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_lang_switch, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_exec_statuses, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_passwd_interactive, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_passwd_exec, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_stdin_before_start_and_notice,
	                                    test_shell_setup, test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_colour_prompt, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_unaudited_change_does_not_run_but_reads_do,
	                                    test_shell_setup, test_shell_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
