/* test_shell — the whole shell against the shared test host (testhost.h: output captured per
 * stream, password hashing done for real but delivered later from a queue the test drains) and
 * a real store on a temporary database: interactive and exec mode, roles refused in both with an
 * audit event, user administration, languages, exit statuses, passwd end to end, notices, busy
 * input. */
#include <errno.h>
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
#include "store_account.h"
#include "cmd.h"
#include "testhost.h"

/* The shared options on an 80x24 terminal, lines up to 1024 bytes. */
static struct shell_opts test_shell_opts(const char *exec, const char *env_lang)
{
	struct shell_opts opts = testhost_opts;

	opts.cols = 80;
	opts.rows = 24;
	opts.max_line = 1024;
	opts.exec = exec;
	opts.env_lang = env_lang;
	return opts;
}

static int test_shell_setup(void **state)
{
	struct testhost *th = testhost_new("test_shell");

	if (th == NULL)
		return -1;
	testhost_account_add(th, "admin1", "管理员甲", ROLE_ADMIN, "en", "adminpass1");
	testhost_account_add(th, "agent1", "王小明", ROLE_AGENT, "zh", "oldpassword1");
	testhost_account_add(th, "sup1", "李主管", ROLE_SUPERVISOR, "zh", "suppass123");
	*state = th;
	return 0;
}

static int test_shell_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

/* A new shell for account name (exec: NULL for interactive), started, with password work. */
static void test_shell_start(struct testhost *th, const char *name, const char *exec,
                             const char *env_lang)
{
	struct shell_opts opts = test_shell_opts(exec, env_lang);

	testhost_start(th, name, TESTHOST_PWHASH, &opts);
}

/* Runs one exec command with optional stdin; drains async work; returns the exit status. */
static int test_shell_exec(struct testhost *th, const char *name, const char *cmd, const char *in)
{
	struct shell_opts opts = test_shell_opts(NULL, "en_US.UTF-8");

	return testhost_exec(th, name, TESTHOST_PWHASH, &opts, cmd, in);
}

static void test_shell_interactive_whoami(void **state)
{
	struct testhost *th = *state;
	const char *o;

	test_shell_start(th, "agent1", NULL, NULL);
	/* No LANG: the account's language (zh). Greeting and prompt. */
	o = testhost_out(th, 1);
	assert_non_null(strstr(o, "物业客服台"));
	assert_non_null(strstr(o, "王小明"));
	assert_non_null(strstr(o, "（客服）"));
	assert_non_null(strstr(o, "propdesk:agent1> "));
	assert_null(strstr(o, "\x1b["));
	assert_int_equal(th->out[2].len, 0);
	testhost_clear(th);
	testhost_feed(th, "whoami\r");
	o = testhost_out(th, 1);
	assert_non_null(strstr(o, "agent1\r\n"));
	assert_non_null(strstr(o, "王小明"));
	assert_non_null(strstr(o, "客服"));
	assert_non_null(strstr(o, "s-test"));
	assert_non_null(strstr(o, "127.0.0.1:40000"));
	/* Every newline is CR LF in interactive mode. */
	for (const char *p = strchr(o, '\n'); p != NULL; p = strchr(p + 1, '\n'))
		assert_true(p > o && p[-1] == '\r');
	assert_int_equal(th->out[2].len, 0);
	assert_true(testhost_audit_count(th->st, "command", "whoami") >= 1);

	testhost_clear(th);
	testhost_feed(th, "whoami --json\r");
	assert_non_null(strstr(testhost_out(th, 1), "\"name\":\"agent1\""));
	assert_non_null(strstr(testhost_out(th, 1), "\"display\":\"王小明\""));

	/* Ctrl-D on an empty line quits. */
	assert_false(th->exited);
	testhost_feed(th, "\x04");
	assert_true(th->exited);
	assert_int_equal(th->status, 0);
}

static void test_shell_agent_refused_both_modes(void **state)
{
	struct testhost *th = *state;
	size_t before = testhost_audit_count(th->st, "command.denied", NULL);
	struct account a;

	assert_int_equal(test_shell_exec(th, "agent1", "user add bob --role agent", NULL), 3);
	assert_non_null(
	    strstr(testhost_out(th, 2), "permission denied: `user add` needs role admin\n"));
	assert_int_equal(th->out[1].len, 0);
	assert_int_equal(testhost_audit_count(th->st, "command.denied", "user add bob"),
	                 before + 1);

	/* A prefix does not get around it; in zh the message is Chinese. */
	test_shell_start(th, "agent1", NULL, "zh_CN.UTF-8");
	testhost_feed(th, "us ad bob --role agent\r");
	assert_non_null(strstr(testhost_out(th, 1), "权限不足：`user add` 需要角色 管理员\r\n"));
	assert_false(th->exited);
	assert_int_equal(testhost_audit_count(th->st, "command.denied", NULL), before + 2);
	assert_int_equal(th->nq, 0);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, "bob", &a), STORE_ENOENT);

	/* The supervisor is refused too, and a refused command is not audited as run. */
	assert_int_equal(test_shell_exec(th, "sup1", "user list", NULL), 3);
	assert_int_equal(testhost_audit_count(th->st, "command", "user list"), 0);
}

static void test_shell_admin_add_and_list(void **state)
{
	struct testhost *th = *state;
	struct account a;
	const char *o, *pw;
	char password[13];

	test_shell_start(th, "admin1", "user add bob --role agent --display '张 三' --lang zh",
	                 "en_US.UTF-8");
	/* Hashing is pending: the shell is busy and has not exited. */
	assert_true(shell_busy(th->sh));
	assert_false(th->exited);
	assert_int_equal(testhost_drain(th, false), 1);
	assert_true(th->exited);
	assert_int_equal(th->status, 0);
	o = testhost_out(th, 1);
	assert_non_null(strstr(o, "Account bob added (agent)."));
	pw = strstr(o, "shown once, hand it over safely): ");
	assert_non_null(pw);
	pw += strlen("shown once, hand it over safely): ");
	assert_true(strlen(pw) >= 13);
	memcpy(password, pw, 12);
	password[12] = '\0';
	assert_int_equal(pw[12], '\n');
	assert_int_equal(strcspn(password, "0O1lI"), 12);
	/* The password went out as a secret (the recording withholds it), and only it did. */
	assert_int_equal(th->secret.len, 13);
	assert_memory_equal(th->secret.data, password, 12);
	assert_int_equal(th->secret.data[12], '\n');
	assert_string_equal(buf_cstr(&th->withheld), "password\n");

	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, "bob", &a), 0);
	assert_int_equal(a.role, ROLE_AGENT);
	assert_string_equal(a.display, "张 三");
	assert_string_equal(a.lang, "zh");
	assert_int_equal(crypto_pwhash_str_verify(a.pwhash, password, 12), 0);
	store_account_clear(&a);
	/* The command was audited with its words; the password is not in the audit log. */
	assert_int_equal(testhost_audit_count(th->st, "command", "user add bob --role agent"), 1);
	assert_int_equal(testhost_audit_count(th->st, "command", password), 0);
	assert_int_equal(testhost_audit_count(th->st, "user.add", NULL), 4);

	/* Taken name. */
	assert_int_equal(test_shell_exec(th, "admin1", "user add bob --role agent", NULL), 1);
	/* Bad name, bad role, missing --role, bad team. */
	assert_int_equal(test_shell_exec(th, "admin1", "user add Bob --role agent", NULL), 2);
	assert_int_equal(test_shell_exec(th, "admin1", "user add carol --role boss", NULL), 2);
	assert_int_equal(test_shell_exec(th, "admin1", "user add carol", NULL), 2);
	assert_non_null(strstr(testhost_out(th, 2), "missing option --role\n"
	                                            "usage: user add NAME --role ROLE"));
	assert_int_equal(
	    test_shell_exec(th, "admin1", "user add carol --role agent --team agent1", NULL), 1);

	/* --password-stdin with a team. */
	assert_int_equal(test_shell_exec(th, "admin1",
	                                 "user add carol --role agent --team sup1 --password-stdin",
	                                 "carolpass99\nignored\n"),
	                 0);
	assert_null(strstr(testhost_out(th, 1), "carolpass99"));
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, "carol", &a), 0);
	assert_string_equal(a.team, "sup1");
	assert_int_equal(crypto_pwhash_str_verify(a.pwhash, "carolpass99", 11), 0);
	store_account_clear(&a);
	/* Too short a password from stdin. */
	assert_int_equal(
	    test_shell_exec(th, "admin1", "user add dave --role agent --password-stdin", "short\n"),
	    1);

	/* user list --json: one document with every account. */
	assert_int_equal(test_shell_exec(th, "admin1", "user list --json", NULL), 0);
	o = testhost_out(th, 1);
	assert_int_equal(o[0], '[');
	assert_non_null(strstr(o, "{\"name\":\"bob\",\"display\":\"张 三\",\"role\":\"agent\","
	                          "\"lang\":\"zh\",\"team\":null,\"locked\":false"));
	assert_non_null(strstr(o, "\"name\":\"carol\""));
	assert_non_null(strstr(o, "\"team\":\"sup1\""));
	assert_string_equal(o + strlen(o) - 2, "]\n");

	/* The table, in Chinese. */
	test_shell_start(th, "admin1", NULL, "zh_CN.UTF-8");
	testhost_clear(th);
	testhost_feed(th, "user list\r");
	o = testhost_out(th, 1);
	assert_non_null(strstr(o, "账号"));
	assert_non_null(strstr(o, "张 三"));
	assert_non_null(strstr(o, "从未"));
	testhost_feed(th, "quit\r");
	assert_true(th->exited);
	assert_int_equal(th->status, 0);
}

/* Runs one exec command as name with the login-penalty callbacks; returns the exit status. */
static int test_shell_exec_bans(struct testhost *th, const char *name, const char *cmd,
                                const char *env_lang)
{
	struct shell_opts opts = test_shell_opts(NULL, env_lang);

	return testhost_exec(th, name, TESTHOST_PWHASH | TESTHOST_BANS, &opts, cmd, NULL);
}

/* ban list / ban lift and user unlock reach the service's penalties only through the host,
 * for admins only, audited, in both languages. */
static void test_shell_ban_list_lift_and_unlock(void **state)
{
	struct testhost *th = *state;
	const char *o;

	testhost_ban_add(th, "203.0.113.9", NULL, 25, true, 600);
	testhost_ban_add(th, "203.0.113.9", "agent1", 5, true, 840);
	testhost_ban_add(th, "198.51.100.2", "agent1", 5, true, 30);
	testhost_ban_add(th, "198.51.100.2", "nosuch4", 2, false, 0);
	testhost_ban_add(th, "2001:db8::7", NULL, 3, false, 0);

	/* Admins only, in both modes' one gate. */
	assert_int_equal(test_shell_exec_bans(th, "agent1", "ban list", "en_US.UTF-8"), 3);
	assert_int_equal(test_shell_exec_bans(th, "sup1", "ban lift all", "en_US.UTF-8"), 3);
	assert_int_equal(th->lifts, 0);
	assert_true(testhost_audit_count(th->st, "command.denied", "ban") >= 2);

	assert_int_equal(test_shell_exec_bans(th, "admin1", "ban list", "en_US.UTF-8"), 0);
	o = testhost_out(th, 1);
	testhost_expect(o, "ADDRESS");
	testhost_expect(o, "203.0.113.9");
	testhost_expect(o, "(every account)");
	testhost_expect(o, "password logins refused, 10 min left");
	testhost_expect(o, "locked out, 14 min left");
	testhost_expect(o, "locked out, 30 s left");
	testhost_expect(o, "nosuch4");
	testhost_expect(o, "slowed");
	testhost_expect(o, "penalty (leaks away)");
	/* Sorted: 198.51.100.2 before 203.0.113.9, an address before its accounts. */
	assert_true(strstr(o, "198.51.100.2") < strstr(o, "203.0.113.9"));
	assert_true(strstr(o, "(every account)") < strstr(o, "locked out, 14 min"));
	assert_true(testhost_audit_count(th->st, "command", "ban list") >= 1);

	assert_int_equal(test_shell_exec_bans(th, "admin1", "ban list --json", NULL), 0);
	o = testhost_out(th, 1);
	testhost_expect(o, "{\"address\":\"203.0.113.9\",\"account\":null,\"failures\":25,"
	                   "\"blocked\":true,\"seconds_left\":600}");
	testhost_expect(o, "\"account\":\"nosuch4\",\"failures\":2,\"blocked\":false");

	assert_int_equal(test_shell_exec_bans(th, "admin1", "ban list", "zh_CN.UTF-8"), 0);
	o = testhost_out(th, 1);
	testhost_expect(o, "地址");
	testhost_expect(o, "（所有账号）");
	testhost_expect(o, "已暂停密码登录，剩余 10 分钟");
	testhost_expect(o, "已锁定，剩余 30 秒");

	/* user unlock: the admin's lock in the store, and the lockouts from every address. */
	assert_int_equal(test_shell_exec_bans(th, "admin1", "user unlock agent1", "en_US.UTF-8"), 0);
	testhost_has(th, 1, "Account agent1 unlocked; its failed-login lockout from 2 address(es) "
	                    "lifted.");
	assert_int_equal(th->unlocks, 1);
	assert_int_equal(th->nbans, 3);
	assert_true(testhost_audit_count(th->st, "user.unlock", NULL) >= 1);
	assert_int_equal(test_shell_exec_bans(th, "admin1", "user unlock agent1", "zh_CN.UTF-8"), 0);
	testhost_has(th, 1, "账号 agent1 已解锁。");

	/* ban lift ADDRESS: checked, normalised, audited. */
	assert_int_equal(test_shell_exec_bans(th, "admin1", "ban lift 203.0.113", "en_US.UTF-8"), 2);
	testhost_has(th, 2, "`203.0.113` is not an IP address (or `all`)");
	assert_int_equal(th->lifts, 0);
	assert_int_equal(test_shell_exec_bans(th, "admin1", "ban lift ::ffff:203.0.113.9",
	                                      "en_US.UTF-8"),
	                 0);
	testhost_has(th, 1, "Login penalties of 203.0.113.9 lifted (1 bans and locks).");
	assert_int_equal(testhost_audit_count(th->st, "ban.lift", "1 bans and locks lifted"), 1);
	assert_int_equal(th->nbans, 2);
	assert_int_equal(test_shell_exec_bans(th, "admin1", "ban lift all", "zh_CN.UTF-8"), 0);
	testhost_has(th, 1, "已解除所有地址的登录失败处罚（0 项封禁和锁定）。");
	assert_int_equal(th->nbans, 0);
	assert_int_equal(test_shell_exec_bans(th, "admin1", "ban list", "en_US.UTF-8"), 0);
	testhost_has(th, 1, "No failed logins are held against any address or account.");

	/* A host that keeps no penalties says so. */
	assert_int_equal(test_shell_exec(th, "admin1", "ban list", NULL), 1);
	testhost_has(th, 2, "this host keeps no login penalties");
	assert_int_equal(test_shell_exec(th, "admin1", "user unlock agent1", NULL), 0);
}

static void test_shell_user_admin_commands(void **state)
{
	struct testhost *th = *state;
	struct account_key *keys = NULL;
	struct account a;
	unsigned char blob[4 + 11 + 4 + 32];
	char b64[sodium_base64_ENCODED_LEN(sizeof blob, sodium_base64_VARIANT_ORIGINAL)];
	char cmd[512], in[600];
	size_t n = 0;

	assert_int_equal(test_shell_exec(th, "admin1", "user lock agent1", NULL), 0);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, "agent1", &a), 0);
	assert_true(a.locked);
	store_account_clear(&a);
	assert_int_equal(test_shell_exec(th, "admin1", "user list", NULL), 0);
	assert_non_null(strstr(testhost_out(th, 1), "locked"));
	assert_int_equal(test_shell_exec(th, "admin1", "user unlock agent1", NULL), 0);
	assert_int_equal(test_shell_exec(th, "admin1", "user lock nobody", NULL), 1);
	/* The messages name the account. */
	assert_non_null(
	    strstr(testhost_out(th, 2), "no account `nobody` (user list shows the accounts)"));
	assert_int_equal(test_shell_exec(th, "admin1", "user role nobody agent", NULL), 1);
	assert_non_null(strstr(testhost_out(th, 2), "no account `nobody`"));
	assert_int_equal(test_shell_exec(th, "admin1", "user add agent1 --role agent", NULL), 1);
	assert_non_null(strstr(testhost_out(th, 2), "account `agent1` already exists"));
	assert_int_equal(test_shell_exec(th, "admin1", "user lock admin1", NULL), 1);
	assert_int_equal(test_shell_exec(th, "admin1", "user role agent1 supervisor", NULL), 0);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, "agent1", &a), 0);
	assert_int_equal(a.role, ROLE_SUPERVISOR);
	store_account_clear(&a);
	assert_int_equal(test_shell_exec(th, "admin1", "user role agent1 king", NULL), 2);
	assert_int_equal(test_shell_exec(th, "admin1", "user role admin1 agent", NULL), 1);

	/* A valid ed25519 key blob: string "ssh-ed25519", string 32 bytes. */
	memset(blob, 0, sizeof blob);
	blob[3] = 11;
	memcpy(blob + 4, "ssh-ed25519", 11);
	blob[4 + 11 + 3] = 32;
	randombytes_buf(blob + 4 + 11 + 4, 32);
	sodium_bin2base64(b64, sizeof b64, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
	snprintf(cmd, sizeof cmd, "user key agent1 ssh-ed25519 %s 王小明 laptop", b64);
	assert_int_equal(test_shell_exec(th, "admin1", cmd, NULL), 0);
	assert_int_equal(store_account_keys(th->st, "agent1", &keys, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0].keytype, "ssh-ed25519");
	assert_string_equal(keys[0].blob, b64);
	assert_string_equal(keys[0].comment, "王小明 laptop");
	store_account_keys_free(keys, n);
	/* Wrong type for the blob, broken base64, unknown type, missing data. */
	snprintf(cmd, sizeof cmd, "user key agent1 ssh-rsa %s", b64);
	assert_int_equal(test_shell_exec(th, "admin1", cmd, NULL), 1);
	assert_int_equal(
	    test_shell_exec(th, "admin1", "user key agent1 ssh-ed25519 !!notbase64", NULL), 1);
	snprintf(cmd, sizeof cmd, "user key agent1 ssh-dss %s", b64);
	assert_int_equal(test_shell_exec(th, "admin1", cmd, NULL), 1);
	assert_int_equal(test_shell_exec(th, "admin1", "user key agent1 ssh-ed25519", NULL), 2);
	/* From stdin (authorized_keys lines, comments skipped). */
	snprintf(in, sizeof in, "# keys\n\nssh-ed25519 %s second key\r\n", b64);
	assert_int_equal(test_shell_exec(th, "admin1", "user key sup1 --stdin", in), 0);
	assert_int_equal(store_account_keys(th->st, "sup1", &keys, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0].comment, "second key");
	store_account_keys_free(keys, n);
	assert_int_equal(test_shell_exec(th, "admin1", "user key sup1 --stdin", "\n"), 2);

	/* Admin password reset: random by default, shown once. */
	assert_int_equal(test_shell_exec(th, "admin1", "user passwd sup1", NULL), 0);
	assert_non_null(strstr(testhost_out(th, 1), "Password of sup1 reset."));
	assert_string_equal(buf_cstr(&th->withheld), "password\n");
	assert_int_equal(th->secret.len, 13);
	th->secret.data[12] = '\0';
	testhost_has(th, 1, th->secret.data);
	assert_int_equal(
	    test_shell_exec(th, "admin1", "user passwd sup1 --password-stdin", "brandnew77\n"), 0);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, "sup1", &a), 0);
	assert_int_equal(crypto_pwhash_str_verify(a.pwhash, "brandnew77", 10), 0);
	store_account_clear(&a);
	assert_int_equal(test_shell_exec(th, "admin1", "user passwd nobody", NULL), 1);
}

static void test_shell_lang_switch(void **state)
{
	struct testhost *th = *state;

	test_shell_start(th, "agent1", NULL, "zh_CN.UTF-8");
	assert_string_equal(shell_lang(th->sh), "zh");
	testhost_feed(th, "frobnicate\r");
	assert_non_null(strstr(testhost_out(th, 1), "未知命令 `frobnicate`"));
	testhost_feed(th, "lang en\r");
	assert_string_equal(shell_lang(th->sh), "en");
	assert_non_null(strstr(testhost_out(th, 1), "Language: English."));
	testhost_clear(th);
	testhost_feed(th, "frobnicate\r");
	assert_non_null(strstr(testhost_out(th, 1), "unknown command `frobnicate` (type help)"));
	testhost_feed(th, "whoami\r");
	assert_non_null(strstr(testhost_out(th, 1), "display name:"));
	testhost_feed(th, "help\r");
	assert_non_null(strstr(testhost_out(th, 1), "Commands you may run"));
	assert_null(strstr(testhost_out(th, 1), "user add"));
	testhost_feed(th, "lang fr\r");
	assert_non_null(strstr(testhost_out(th, 1), "language must be zh or en"));
	testhost_feed(th, "lang zh\r");
	assert_non_null(strstr(testhost_out(th, 1), "语言已切换为中文。"));

	/* LANG en_* wins over the account's zh. */
	test_shell_start(th, "agent1", NULL, "en_GB.UTF-8");
	assert_string_equal(shell_lang(th->sh), "en");
	assert_non_null(strstr(testhost_out(th, 1), "Welcome, 王小明 (agent)"));
	/* Other LANG: the account's. */
	test_shell_start(th, "admin1", NULL, "C.UTF-8");
	assert_string_equal(shell_lang(th->sh), "en");
}

static void test_shell_exec_statuses(void **state)
{
	struct testhost *th = *state;

	assert_int_equal(test_shell_exec(th, "agent1", "whoami", NULL), 0);
	assert_non_null(strstr(testhost_out(th, 1), "name:"));
	assert_null(strstr(testhost_out(th, 1), "\r"));
	assert_null(strstr(testhost_out(th, 1), "propdesk:"));
	assert_int_equal(test_shell_exec(th, "agent1", "whoami --json", NULL), 0);
	assert_non_null(strstr(testhost_out(th, 1), "\"transport\":\"ssh\"}\n"));
	assert_int_equal(test_shell_exec(th, "agent1", "frobnicate", NULL), 127);
	assert_non_null(strstr(testhost_out(th, 2), "unknown command"));
	assert_int_equal(th->out[1].len, 0);
	assert_int_equal(test_shell_exec(th, "admin1", "user l", NULL), 127);
	assert_non_null(strstr(testhost_out(th, 2), "list lock"));
	assert_int_equal(test_shell_exec(th, "admin1", "user", NULL), 2);
	assert_int_equal(test_shell_exec(th, "agent1", "whoami --bogus", NULL), 2);
	assert_non_null(strstr(testhost_out(th, 2), "unknown option --bogus\n"
	                                            "usage: whoami [--json]\n"));
	assert_int_equal(test_shell_exec(th, "agent1", "whoami extra", NULL), 2);
	assert_int_equal(test_shell_exec(th, "agent1", "lang", NULL), 2);
	assert_int_equal(test_shell_exec(th, "agent1", "lang xx", NULL), 2);
	assert_int_equal(test_shell_exec(th, "agent1", "help 'unterminated", NULL), 2);
	assert_non_null(strstr(testhost_out(th, 2), "unterminated quote"));
	assert_int_equal(test_shell_exec(th, "agent1", "", NULL), 2);
	assert_int_equal(test_shell_exec(th, "agent1", "help", NULL), 0);
	assert_int_equal(test_shell_exec(th, "agent1", "help nothing", NULL), 1);
	assert_non_null(strstr(testhost_out(th, 2), "no such command: nothing"));
	/* A group that exists with a verb that does not: the group's verbs, not "no command". */
	assert_int_equal(test_shell_exec(th, "agent1", "help complaint frob", NULL), 1);
	assert_non_null(strstr(testhost_out(th, 2), "`complaint` has no command `frob` (its "
	                                            "commands: new add show list"));
	assert_int_equal(test_shell_exec(th, "agent1", "help user add", NULL), 0);
	assert_non_null(strstr(testhost_out(th, 1), "(your role may not run this command)"));
	assert_int_equal(test_shell_exec(th, "agent1", "quit", NULL), 0);
	assert_int_equal(test_shell_exec(th, "agent1", "user add x --role agent", NULL), 3);
	/* Stdin larger than the cap. */
	{
		char big[5000];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		assert_int_equal(test_shell_exec(th, "admin1",
		                                 "user add eve --role agent --password-stdin", big),
		                 1);
		assert_non_null(strstr(testhost_out(th, 2), "stdin is larger than 4096 bytes"));
	}
}

/* Each command that reads stdin keeps at most its own maximum (capped by max_stdin): more is
 * refused with a message, never cut; the host learns how much to reserve, and may refuse. */
static void test_shell_stdin_caps_per_command(void **state)
{
	struct testhost *th = *state;
	struct shell_opts opts = test_shell_opts(NULL, "en_US.UTF-8");
	static char big[CMD_STDIN_PASSWORDS + 2];

	opts.max_stdin = 1u << 20;
	/* Waiting for stdin: what each command may keep. */
	opts.exec = "passwd";
	testhost_start(th, "agent1", TESTHOST_PWHASH, &opts);
	assert_int_equal(shell_stdin_wanted(th->sh), CMD_STDIN_PASSWORDS);
	opts.exec = "unit import";
	testhost_start(th, "admin1", TESTHOST_PWHASH, &opts);
	assert_int_equal(shell_stdin_wanted(th->sh), 1u << 20); /* max_stdin caps 64 MiB */
	opts.exec = "complaint note C-1 --stdin";
	testhost_start(th, "agent1", TESTHOST_PWHASH, &opts);
	assert_int_equal(shell_stdin_wanted(th->sh), CMD_STDIN_TEXT);
	/* Not reading stdin: nothing; an exec command that ran: nothing. */
	opts.exec = "whoami";
	testhost_start(th, "agent1", TESTHOST_PWHASH, &opts);
	assert_int_equal(shell_stdin_wanted(th->sh), 0);
	assert_true(th->exited);
	/* The host has no room: refused, with a message, status 1. */
	opts.exec = "passwd";
	testhost_start(th, "agent1", TESTHOST_PWHASH, &opts);
	shell_stdin_refused(th->sh);
	assert_true(th->exited);
	assert_int_equal(th->status, 1);
	testhost_has(th, 2, "the desk is busy reading other sessions' input");
	assert_int_equal(shell_stdin_wanted(th->sh), 0);
	opts.env_lang = "zh_CN.UTF-8";
	testhost_start(th, "agent1", TESTHOST_PWHASH, &opts);
	shell_stdin_refused(th->sh);
	testhost_has(th, 2, "服务台正忙于读取其他会话的输入");
	opts.env_lang = "en_US.UTF-8";
	/* One byte past the command's own maximum: refused, naming it; nothing changed. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(testhost_exec(th, "agent1", TESTHOST_PWHASH, &opts, "passwd", big), 1);
	testhost_has(th, 2, "stdin is larger than 16384 bytes, the most `passwd` reads");
	assert_int_equal(testhost_audit_count(th->st, "passwd.fail", NULL), 0);
	/* At the maximum exactly: read (and the passwords checked as usual). */
	big[CMD_STDIN_PASSWORDS] = '\0';
	assert_int_equal(testhost_exec(th, "agent1", TESTHOST_PWHASH, &opts, "passwd", big), 2);
	testhost_lacks(th, 2, "stdin is larger");
	testhost_stop(th);
}

static void test_shell_passwd_interactive(void **state)
{
	struct testhost *th = *state;
	struct account a;
	const char *o;

	test_shell_start(th, "agent1", NULL, "en_US.UTF-8");
	testhost_clear(th);
	testhost_feed(th, "passwd\r");
	assert_non_null(strstr(testhost_out(th, 1), "Current password: "));
	testhost_feed(th, "oldpassword1\r");
	/* The typed password is not echoed. */
	assert_null(strstr(testhost_out(th, 1), "oldpassword1"));
	assert_true(shell_busy(th->sh));
	assert_int_equal(testhost_drain(th, false), 1);
	assert_non_null(strstr(testhost_out(th, 1), "New password: "));
	testhost_feed(th, "agent1\r");
	assert_non_null(strstr(testhost_out(th, 1), "at least 8 characters"));
	/* Back at the prompt; again, with a name-equal password refused too. */
	testhost_feed(th, "passwd\roldpassword1\r");
	assert_int_equal(testhost_drain(th, false), 1);
	testhost_feed(th, "新的密码很安全呀\r新的密码很安全呀\r");
	assert_true(shell_busy(th->sh));
	/* Typed while busy: queued, run after the command ends. */
	testhost_feed(th, "whoami --json\r");
	assert_null(strstr(testhost_out(th, 1), "\"name\""));
	assert_int_equal(testhost_drain(th, false), 1);
	o = testhost_out(th, 1);
	assert_non_null(strstr(o, "Password changed."));
	assert_non_null(strstr(o, "\"name\":\"agent1\""));
	assert_true(strstr(o, "Password changed.") < strstr(o, "\"name\":\"agent1\""));
	assert_null(strstr(o, "新的密码很安全呀"));
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, "agent1", &a), 0);
	assert_int_equal(
	    crypto_pwhash_str_verify(a.pwhash, "新的密码很安全呀", strlen("新的密码很安全呀")), 0);
	store_account_clear(&a);
	assert_true(testhost_audit_count(th->st, "user.passwd", NULL) >= 1);

	/* Wrong current password; mismatch; Ctrl-C cancels. */
	testhost_clear(th);
	testhost_feed(th, "passwd\rnot-it-at-all\r");
	testhost_drain(th, false);
	assert_non_null(strstr(testhost_out(th, 1), "wrong password; nothing changed"));
	assert_int_equal(testhost_audit_count(th->st, "passwd.fail", NULL), 1);
	testhost_feed(th, "passwd\r新的密码很安全呀\r");
	testhost_drain(th, false);
	testhost_feed(th, "aaaaaaaa1\raaaaaaaa2\r");
	assert_non_null(strstr(testhost_out(th, 1), "the two passwords differ"));
	assert_int_equal(th->nq, 0);
	testhost_feed(th, "passwd\r\x03");
	assert_non_null(strstr(testhost_out(th, 1), "cancelled"));
	assert_false(shell_busy(th->sh));
	assert_false(th->exited);
	/* Still usable. */
	testhost_clear(th);
	testhost_feed(th, "whoami\r");
	assert_non_null(strstr(testhost_out(th, 1), "agent1"));
}

static void test_shell_passwd_exec(void **state)
{
	struct testhost *th = *state;
	struct account a;

	assert_int_equal(test_shell_exec(th, "sup1", "passwd", "suppass123\nanother-pass-9\n"), 0);
	assert_non_null(strstr(testhost_out(th, 1), "Password changed."));
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(th->st, "sup1", &a), 0);
	assert_int_equal(crypto_pwhash_str_verify(a.pwhash, "another-pass-9", 14), 0);
	store_account_clear(&a);
	assert_int_equal(test_shell_exec(th, "sup1", "passwd", "wrong-password\nanother-pass-10\n"),
	                 1);
	assert_non_null(strstr(testhost_out(th, 2), "wrong password"));
	assert_int_equal(test_shell_exec(th, "sup1", "passwd", "only-one-line\n"), 2);
	assert_int_equal(test_shell_exec(th, "sup1", "passwd", "another-pass-9\nsup1\n"), 1);
}

static void test_shell_stdin_before_start_and_notice(void **state)
{
	struct testhost *th = *state;

	/* Interactive --password-stdin is refused. */
	test_shell_start(th, "admin1", NULL, "en_US.UTF-8");
	testhost_feed(th, "user add zed --role agent --password-stdin\r");
	assert_non_null(strstr(testhost_out(th, 1), "--password-stdin reads stdin"));
	assert_int_equal(th->nq, 0);

	/* A notice: sanitized, above the prompt, the line being typed redrawn. */
	testhost_feed(th, "who");
	testhost_clear(th);
	shell_notice(th->sh, "boss\x1b]0;x\a", "停水通知\x1b[31m 3pm\n");
	assert_non_null(strstr(testhost_out(th, 1), "[boss] 停水通知 3pm \r\n"));
	assert_null(strstr(testhost_out(th, 1), "\x1b[31m"));
	assert_null(strstr(testhost_out(th, 1), "\x1b]"));
	assert_non_null(strstr(testhost_out(th, 1), "propdesk:admin1> who"));
	testhost_feed(th, "ami\r");
	assert_non_null(strstr(testhost_out(th, 1), "admin1"));

	/* Watched: the prompt shows it at once, the half-typed line drawn again intact, and
	 * the marker goes when the watch ends; the line still runs as typed. */
	testhost_feed(th, "who");
	testhost_clear(th);
	shell_set_watched(th->sh, true);
	assert_non_null(strstr(testhost_out(th, 1), "\r\x1b[K\r[watched] propdesk:admin1> who"));
	shell_set_watched(th->sh, true); /* no change: nothing drawn */
	testhost_clear(th);
	shell_set_watched(th->sh, true);
	assert_string_equal(testhost_out(th, 1), "");
	testhost_feed(th, "ami\r");
	assert_non_null(strstr(testhost_out(th, 1), "[watched] propdesk:admin1> "));
	testhost_feed(th, "wh");
	testhost_clear(th);
	shell_set_watched(th->sh, false);
	assert_non_null(strstr(testhost_out(th, 1), "\r\x1b[K\rpropdesk:admin1> wh"));
	assert_null(strstr(testhost_out(th, 1), "[watched]"));
	testhost_feed(th, "oami\r");
	assert_non_null(strstr(testhost_out(th, 1), "admin1"));

	/* Resize and EOF in interactive mode. */
	shell_resize(th->sh, 120, 40);
	shell_eof(th->sh);
	assert_true(th->exited);
	assert_int_equal(th->status, 0);
	shell_feed(th->sh, "whoami\r", 7);
	shell_notice(th->sh, "x", "y");
	assert_int_equal(th->exits, 1);
}

static void test_shell_colour_prompt(void **state)
{
	struct testhost *th = *state;
	struct shell_user user = {.id = 1,
	                          .name = "admin1",
	                          .display = NULL,
	                          .role = ROLE_ADMIN,
	                          .lang = "en",
	                          .team = NULL};
	struct shell_opts opts = {
	    .session_id = "s", .peer = "p", .transport = "telnet", .color = true};

	/* A host with output and exit only. */
	testhost_start_user(th, &user, 0, &opts);
	assert_non_null(strstr(testhost_out(th, 1), "\x1b[1;32mpropdesk\x1b[0m"));
	/* No password hashing in this host: an error, not a hang. */
	testhost_feed(th, "user passwd agent1\r");
	assert_non_null(strstr(testhost_out(th, 1), "password hashing is not available"));
	assert_false(shell_busy(th->sh));
}

/* With a host that syncs the database (the daemon's synchronous = full), nothing that follows
 * a change is shown before the host says it is on disk: the outcome and the prompt wait, and
 * so does the next line typed; a turn that changed nothing is not held (typing echoes at
 * once). A failed sync is said; in exec mode the exit waits too. */
static void test_shell_change_acknowledged_after_sync(void **state)
{
	struct testhost *th = *state;
	struct shell_opts opts = test_shell_opts(NULL, "en_US.UTF-8");
	struct account a;

	testhost_start(th, "admin1", TESTHOST_PWHASH | TESTHOST_SYNC, &opts);
	testhost_drain(th, false);
	testhost_clear(th);
	/* Echo of typing: no change, shown at once, no sync asked. */
	testhost_feed(th, "who");
	assert_non_null(strstr(testhost_out(th, 1), "who"));
	assert_int_equal(th->syncs, 0);
	/* A read: its audit event acknowledges nothing, so the answer is not held. */
	testhost_feed(th, "ami\r");
	assert_non_null(strstr(testhost_out(th, 1), "admin1"));
	assert_int_equal(th->syncs, 0);
	testhost_clear(th);

	/* A change: the outcome and the prompt are held until the sync is done, and a line typed
	 * meanwhile waits too. */
	testhost_feed(th, "user lock agent1\rwhoami\r");
	assert_int_equal(store_account_get(th->st, "agent1", &a), 0);
	assert_true(a.locked);
	store_account_clear(&a);
	assert_int_equal(th->syncs, 1);
	assert_true(shell_busy(th->sh));
	assert_null(strstr(testhost_out(th, 1), "locked"));
	assert_null(strstr(testhost_out(th, 1), "propdesk:admin1> "));
	testhost_drain(th, false);
	/* Synced: the outcome, the prompt, then the queued whoami and its answer. */
	assert_non_null(strstr(testhost_out(th, 1), "agent1"));
	assert_non_null(strstr(testhost_out(th, 1), "propdesk:admin1> "));
	assert_non_null(strstr(testhost_out(th, 1), "s-test"));
	assert_int_equal(th->syncs, 1);
	assert_false(shell_busy(th->sh));

	/* The disk fails: the user is told, the session goes on. */
	testhost_clear(th);
	th->sync_rc = -EIO;
	testhost_feed(th, "user unlock agent1\r");
	testhost_drain(th, false);
	assert_non_null(strstr(testhost_out(th, 1), "the disk did not confirm"));
	assert_non_null(strstr(testhost_out(th, 1), "propdesk:admin1> "));
	th->sync_rc = 0;
	testhost_stop(th);

	/* Exec mode: the exit waits for the sync as well. */
	opts = test_shell_opts("user lock agent1", "en_US.UTF-8");
	testhost_start(th, "admin1", TESTHOST_SYNC, &opts);
	assert_false(th->exited);
	assert_int_equal(th->out[1].len + th->out[2].len, 0);
	testhost_drain(th, false);
	assert_true(th->exited);
	assert_int_equal(th->status, 0);
	testhost_stop(th);
}

static void test_shell_unaudited_change_does_not_run_but_reads_do(void **state)
{
	struct testhost *th = *state;
	struct store *rw = th->st, *ro = NULL;
	struct account a;

	/* A read-only store cannot write the audit event: a command that changes something must
	 * not run; one that only reads runs, with a warning on stderr. */
	assert_int_equal(store_open(th->path, STORE_READONLY, 100, &ro), 0);
	th->st = ro;
	assert_int_equal(test_shell_exec(th, "admin1", "user lock agent1", NULL), 1);
	assert_int_equal(th->out[1].len, 0);
	assert_true(th->out[2].len > 0);
	testhost_stop(th);
	assert_int_equal(test_shell_exec(th, "agent1", "whoami", NULL), 0);
	assert_non_null(strstr(testhost_out(th, 1), "agent1"));
	assert_non_null(strstr(testhost_out(th, 2), "not recorded in the audit trail"));
	testhost_stop(th);
	th->st = rw;
	store_close(ro);
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(rw, "agent1", &a), 0);
	assert_false(a.locked);
	store_account_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_shell_change_acknowledged_after_sync,
	                                    test_shell_setup, test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_interactive_whoami, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_agent_refused_both_modes, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_admin_add_and_list, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_user_admin_commands, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_ban_list_lift_and_unlock, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_lang_switch, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_exec_statuses, test_shell_setup,
	                                    test_shell_teardown),
	    cmocka_unit_test_setup_teardown(test_shell_stdin_caps_per_command, test_shell_setup,
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
