/* test_store — the store on a temporary database: schema migration, accounts, keys, logins,
 * one audit event per change in the same transaction, the hash chain, read-only, busy and
 * full databases. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "store.h"
#include "store_account.h"
#include "store_audit.h"
#include "store_schema.h"

struct test_store_fx {
	char dir[64];
	char path[128];
	struct store *st;
};

static const struct audit_ctx test_store_ctx = {
    .account = "root",
    .role = "admin",
    .session = "s-1",
    .peer = "127.0.0.1:5555",
    .transport = "ssh",
};

static int test_store_setup(void **state)
{
	struct test_store_fx *fx = calloc(1, sizeof *fx);

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_store.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof fx->path, "%s/propdesk.db", fx->dir);
	*state = fx;
	return 0;
}

static int test_store_teardown(void **state)
{
	struct test_store_fx *fx = *state;
	char p[160];

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

/* Opens fx->st read-write and migrates. */
static void test_store_open_migrated(struct test_store_fx *fx)
{
	assert_int_equal(store_open(fx->path, 0, 1000, &fx->st), 0);
	assert_int_equal(store_schema_migrate(fx->st), 0);
}

static sqlite3 *test_store_raw(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static int64_t test_store_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void test_store_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, err != NULL ? err : "?");
}

static int64_t test_store_audit_count(struct test_store_fx *fx)
{
	sqlite3 *db = test_store_raw(fx->path);
	int64_t n = test_store_int(db, "SELECT count(*) FROM audit");

	sqlite3_close(db);
	return n;
}

static void test_store_add(struct store *st, const char *name, const char *display, enum role r)
{
	struct account a = {0};

	a.name = (char *)name;
	a.display = (char *)display;
	a.role = r;
	a.lang = (char *)"zh";
	assert_int_equal(store_account_add(st, &test_store_ctx, &a), 0);
}

/* The newest audit event (the caller clears it). */
static void test_store_last_event(struct store *st, struct audit_event *e)
{
	struct audit_event *list;
	size_t n;

	assert_int_equal(store_audit_list(st, 0, 1000000, &list, &n), 0);
	assert_true(n > 0);
	*e = list[n - 1];
	memset(&list[n - 1], 0, sizeof list[n - 1]);
	store_audit_list_free(list, n);
}

static void test_store_migrate_fresh_and_again(void **state)
{
	struct test_store_fx *fx = *state;
	sqlite3 *db;

	assert_int_equal(store_open(fx->path, 0, 1000, &fx->st), 0);
	assert_int_equal(store_schema_version(fx->st), 0);
	assert_int_equal(store_schema_migrate(fx->st), 0);
	assert_int_equal(store_schema_version(fx->st), store_schema_latest_version());
	assert_true(store_schema_latest_version() >= 1);
	/* Idempotent, also after reopening. */
	assert_int_equal(store_schema_migrate(fx->st), 0);
	store_close(fx->st);
	assert_int_equal(store_open(fx->path, 0, 1000, &fx->st), 0);
	assert_int_equal(store_schema_migrate(fx->st), 0);
	assert_int_equal(store_schema_version(fx->st), store_schema_latest_version());

	db = test_store_raw(fx->path);
	assert_int_equal(test_store_int(db,
	                                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
	                                " AND name IN ('accounts', 'account_keys', 'audit')"),
	                 3);
	assert_int_equal(test_store_int(db,
	                                "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
	                                " AND name IN ('audit_account_ts', 'audit_action')"),
	                 2);
	assert_int_equal(test_store_int(db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
	                 1);
	/* Migrating writes no audit event and no account. */
	assert_int_equal(test_store_int(db, "SELECT count(*) FROM audit"), 0);
	sqlite3_close(db);
}

static void test_store_newer_schema_refused(void **state)
{
	struct test_store_fx *fx = *state;
	char sql[64];
	sqlite3 *db;

	db = test_store_raw(fx->path);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_latest_version() + 1);
	test_store_exec(db, sql);
	sqlite3_close(db);

	assert_int_equal(store_open(fx->path, 0, 1000, &fx->st), 0);
	assert_int_equal(store_schema_migrate(fx->st), STORE_ESCHEMA);
	assert_true(strlen(store_last_error(fx->st)) > 0);
	assert_int_equal(store_schema_version(fx->st), store_schema_latest_version() + 1);
}

static void test_store_open_errors(void **state)
{
	struct test_store_fx *fx = *state;
	struct store *st = (struct store *)1;
	char p[160];

	snprintf(p, sizeof p, "%s/missing/x.db", fx->dir);
	assert_int_equal(store_open(p, 0, 100, &st), STORE_EIO);
	assert_null(st);
	assert_true(strlen(store_last_error(NULL)) > 0);
	/* Read-only never creates. */
	assert_int_not_equal(store_open(fx->path, STORE_READONLY, 100, &st), 0);
	assert_null(st);
	assert_int_equal(access(fx->path, F_OK), -1);
}

static void test_store_accounts_add_get_list(void **state)
{
	struct test_store_fx *fx = *state;
	struct account a, *list;
	size_t n;

	test_store_open_migrated(fx);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);
	test_store_add(fx->st, "lisi", "李四（主管）", ROLE_SUPERVISOR);
	{
		struct account b = {0};

		b.name = (char *)"wang";
		b.display = (char *)"王五";
		b.role = ROLE_AUDITOR;
		b.lang = (char *)"en";
		b.team = (char *)"lisi";
		b.pwhash = (char *)"$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
		assert_int_equal(store_account_add(fx->st, &test_store_ctx, &b), 0);
	}

	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_true(a.id > 0);
	assert_string_equal(a.name, "zhangsan");
	assert_string_equal(a.display, "张三");
	assert_int_equal(a.role, ROLE_AGENT);
	assert_string_equal(a.lang, "zh");
	assert_null(a.team);
	assert_null(a.pwhash);
	assert_false(a.locked);
	assert_int_equal(a.failed, 0);
	assert_int_equal(a.locked_until, 0);
	assert_int_equal(a.last_login, 0);
	assert_true(a.created > 1600000000);
	store_account_clear(&a);
	assert_null(a.name);
	store_account_clear(NULL);

	assert_int_equal(store_account_get(fx->st, "wang", &a), 0);
	assert_string_equal(a.display, "王五");
	assert_string_equal(a.lang, "en");
	assert_string_equal(a.team, "lisi");
	assert_string_equal(a.pwhash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g");
	assert_int_equal(a.role, ROLE_AUDITOR);
	store_account_clear(&a);

	assert_int_equal(store_account_get(fx->st, "nobody", &a), STORE_ENOENT);
	/* Names are case-sensitive (COLLATE BINARY). */
	assert_int_equal(store_account_get(fx->st, "ZhangSan", &a), STORE_ENOENT);

	assert_int_equal(store_account_list(fx->st, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "lisi");
	assert_string_equal(list[0].display, "李四（主管）");
	assert_int_equal(list[0].role, ROLE_SUPERVISOR);
	assert_string_equal(list[1].name, "wang");
	assert_string_equal(list[2].name, "zhangsan");
	store_account_list_free(list, n);
	store_account_list_free(NULL, 0);
}

static void test_store_account_duplicate_and_invalid(void **state)
{
	struct test_store_fx *fx = *state;
	struct account a = {0};
	int64_t before;

	test_store_open_migrated(fx);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);
	before = test_store_audit_count(fx);

	a.name = (char *)"zhangsan";
	a.display = (char *)"另一个张三";
	a.role = ROLE_ADMIN;
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), STORE_EEXIST);
	assert_true(strlen(store_last_error(fx->st)) > 0);

	a.name = (char *)"bad name";
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), STORE_EINVAL);
	a.name = (char *)"";
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), STORE_EINVAL);
	a.name = (char *)"ok";
	a.role = ROLE_NONE;
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), STORE_EINVAL);
	a.role = ROLE_AGENT;
	a.lang = (char *)"fr";
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), STORE_EINVAL);
	a.lang = NULL;
	a.display = (char *)"bad\x1b[31m";
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), STORE_EINVAL);
	a.display = (char *)"\xe5\xbc"; /* truncated UTF-8 */
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), STORE_EINVAL);

	/* Nothing was written, not even an audit event. */
	assert_int_equal(test_store_audit_count(fx), before);
	assert_int_equal(store_account_get(fx->st, "ok", &a), STORE_ENOENT);

	/* Defaults: lang zh, display "". */
	memset(&a, 0, sizeof a);
	a.name = (char *)"ok";
	a.role = ROLE_AGENT;
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), 0);
	assert_int_equal(store_account_get(fx->st, "ok", &a), 0);
	assert_string_equal(a.lang, "zh");
	assert_string_equal(a.display, "");
	store_account_clear(&a);
}

static void test_store_role_lock_password_keys(void **state)
{
	struct test_store_fx *fx = *state;
	static const char blob[] =
	    "AAAAC3NzaC1lZDI1NTE5AAAAIOv3pCnd7yvKx8e0JHtbEXbmGCsbJ5l0UT0b4MzZ0k1q";
	static const char hash[] = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
	struct account_key *keys;
	struct audit_event e;
	struct account a;
	size_t n;

	test_store_open_migrated(fx);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);

	assert_int_equal(
	    store_account_set_role(fx->st, &test_store_ctx, "zhangsan", ROLE_SUPERVISOR), 0);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_int_equal(a.role, ROLE_SUPERVISOR);
	store_account_clear(&a);
	test_store_last_event(fx->st, &e);
	assert_string_equal(e.action, "user.role");
	assert_string_equal(e.target, "zhangsan");
	assert_string_equal(e.detail, "role=supervisor was=agent");
	assert_string_equal(e.account, "root");
	assert_string_equal(e.role, "admin");
	assert_string_equal(e.session, "s-1");
	assert_string_equal(e.peer, "127.0.0.1:5555");
	assert_string_equal(e.transport, "ssh");
	store_audit_event_clear(&e);
	assert_int_equal(store_account_set_role(fx->st, &test_store_ctx, "nobody", ROLE_AGENT),
	                 STORE_ENOENT);
	assert_int_equal(store_account_set_role(fx->st, &test_store_ctx, "zhangsan", ROLE_NONE),
	                 STORE_EINVAL);

	assert_int_equal(store_account_set_locked(fx->st, &test_store_ctx, "zhangsan", true), 0);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_true(a.locked);
	store_account_clear(&a);
	test_store_last_event(fx->st, &e);
	assert_string_equal(e.action, "user.lock");
	store_audit_event_clear(&e);
	assert_int_equal(store_account_set_locked(fx->st, &test_store_ctx, "zhangsan", false), 0);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_false(a.locked);
	store_account_clear(&a);
	test_store_last_event(fx->st, &e);
	assert_string_equal(e.action, "user.unlock");
	store_audit_event_clear(&e);
	assert_int_equal(store_account_set_locked(fx->st, &test_store_ctx, "nobody", true),
	                 STORE_ENOENT);

	assert_int_equal(store_account_set_password(fx->st, &test_store_ctx, "zhangsan", hash), 0);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_string_equal(a.pwhash, hash);
	store_account_clear(&a);
	test_store_last_event(fx->st, &e);
	assert_string_equal(e.action, "user.passwd");
	assert_null(strstr(e.detail, "argon2"));
	store_audit_event_clear(&e);
	assert_int_equal(store_account_set_password(fx->st, &test_store_ctx, "nobody", hash),
	                 STORE_ENOENT);
	assert_int_equal(store_account_set_password(fx->st, &test_store_ctx, "zhangsan", NULL), 0);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_null(a.pwhash);
	store_account_clear(&a);

	assert_int_equal(store_account_key_add(fx->st, &test_store_ctx, "zhangsan", "ssh-ed25519",
	                                       blob, "张三的笔记本"),
	                 0);
	assert_int_equal(store_account_key_add(fx->st, &test_store_ctx, "zhangsan", "ssh-ed25519",
	                                       blob, "again"),
	                 STORE_EEXIST);
	assert_int_equal(store_account_key_add(fx->st, &test_store_ctx, "zhangsan", "ssh-rsa",
	                                       "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7", NULL),
	                 0);
	assert_int_equal(
	    store_account_key_add(fx->st, &test_store_ctx, "nobody", "ssh-ed25519", blob, NULL),
	    STORE_ENOENT);
	assert_int_equal(store_account_key_add(fx->st, &test_store_ctx, "zhangsan", "ssh-ed25519",
	                                       "not base64!", NULL),
	                 STORE_EINVAL);
	test_store_last_event(fx->st, &e);
	assert_string_equal(e.action, "user.key");
	assert_string_equal(e.detail, "key added ssh-rsa");
	store_audit_event_clear(&e);

	assert_int_equal(store_account_keys(fx->st, "zhangsan", &keys, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(keys[0].keytype, "ssh-ed25519");
	assert_string_equal(keys[0].blob, blob);
	assert_string_equal(keys[0].comment, "张三的笔记本");
	assert_true(keys[0].created > 1600000000);
	assert_string_equal(keys[1].keytype, "ssh-rsa");
	assert_null(keys[1].comment);
	store_account_keys_free(keys, n);
	assert_int_equal(store_account_keys(fx->st, "nobody", &keys, &n), STORE_ENOENT);
	assert_null(keys);
	assert_int_equal(n, 0);

	assert_int_equal(store_audit_verify(fx->st, NULL, NULL), 0);
}

static void test_store_login_failures_lockout_reset(void **state)
{
	struct test_store_fx *fx = *state;
	struct audit_event *list;
	struct account a;
	bool locked_out = true;
	int64_t now_s, before;
	size_t n;

	test_store_open_migrated(fx);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);
	before = test_store_audit_count(fx);

	assert_int_equal(store_account_login_failed(fx->st, &test_store_ctx, "zhangsan",
	                                            "bad password", 3, 60, &locked_out),
	                 0);
	assert_false(locked_out);
	assert_int_equal(store_account_login_failed(fx->st, &test_store_ctx, "zhangsan",
	                                            "bad password", 3, 60, &locked_out),
	                 0);
	assert_false(locked_out);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_int_equal(a.failed, 2);
	assert_int_equal(a.locked_until, 0);
	store_account_clear(&a);
	assert_int_equal(test_store_audit_count(fx), before + 2);

	now_s = store_now_ms() / 1000;
	assert_int_equal(store_account_login_failed(fx->st, &test_store_ctx, "zhangsan",
	                                            "bad password", 3, 60, &locked_out),
	                 0);
	assert_true(locked_out);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_int_equal(a.failed, 3);
	assert_true(a.locked_until >= now_s + 60 && a.locked_until <= now_s + 62);
	assert_false(a.locked);
	store_account_clear(&a);
	/* login.fail and login.lockout, in the same transaction. */
	assert_int_equal(test_store_audit_count(fx), before + 4);
	assert_int_equal(store_audit_list(fx->st, before, 100, &list, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(list[0].action, "login.fail");
	assert_string_equal(list[0].detail, "bad password; failures=1");
	assert_string_equal(list[2].action, "login.fail");
	assert_string_equal(list[3].action, "login.lockout");
	assert_string_equal(list[3].target, "zhangsan");
	assert_int_equal(list[3].seq, list[2].seq + 1);
	store_audit_list_free(list, n);

	assert_int_equal(store_account_login_ok(fx->st, &test_store_ctx, "zhangsan"), 0);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_int_equal(a.failed, 0);
	assert_int_equal(a.locked_until, 0);
	assert_true(a.last_login >= now_s);
	store_account_clear(&a);
	assert_int_equal(store_audit_list(fx->st, before + 4, 100, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].action, "login");
	store_audit_list_free(list, n);

	/* Unlocking by an admin clears failures and the lockout too. */
	assert_int_equal(store_account_login_failed(fx->st, &test_store_ctx, "zhangsan", NULL, 1,
	                                            30, &locked_out),
	                 0);
	assert_true(locked_out);
	assert_int_equal(store_account_set_locked(fx->st, &test_store_ctx, "zhangsan", false), 0);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_int_equal(a.failed, 0);
	assert_int_equal(a.locked_until, 0);
	store_account_clear(&a);

	/* max_failures 0: never locks out. */
	assert_int_equal(store_account_login_failed(fx->st, &test_store_ctx, "zhangsan", NULL, 0,
	                                            30, &locked_out),
	                 0);
	assert_false(locked_out);

	assert_int_equal(
	    store_account_login_failed(fx->st, &test_store_ctx, "nobody", NULL, 3, 60, &locked_out),
	    STORE_ENOENT);
	assert_int_equal(store_account_login_ok(fx->st, &test_store_ctx, "nobody"), STORE_ENOENT);
	assert_int_equal(store_audit_verify(fx->st, NULL, NULL), 0);
}

static void test_store_one_event_per_change(void **state)
{
	struct test_store_fx *fx = *state;
	struct account a = {0};
	struct audit_event e;
	bool lo;
	int64_t n0;

	test_store_open_migrated(fx);
	n0 = test_store_audit_count(fx);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);
	assert_int_equal(test_store_audit_count(fx), n0 + 1);
	test_store_last_event(fx->st, &e);
	assert_string_equal(e.action, "user.add");
	assert_string_equal(e.target, "zhangsan");
	assert_string_equal(e.detail, "role=agent lang=zh");
	assert_true(e.ts_ms > 1600000000000LL);
	store_audit_event_clear(&e);

	assert_int_equal(store_account_set_role(fx->st, &test_store_ctx, "zhangsan", ROLE_ADMIN),
	                 0);
	assert_int_equal(test_store_audit_count(fx), n0 + 2);
	assert_int_equal(store_account_set_locked(fx->st, &test_store_ctx, "zhangsan", true), 0);
	assert_int_equal(test_store_audit_count(fx), n0 + 3);
	assert_int_equal(store_account_set_locked(fx->st, &test_store_ctx, "zhangsan", false), 0);
	assert_int_equal(test_store_audit_count(fx), n0 + 4);
	assert_int_equal(store_account_set_password(fx->st, &test_store_ctx, "zhangsan", "$x$y"),
	                 0);
	assert_int_equal(test_store_audit_count(fx), n0 + 5);
	assert_int_equal(
	    store_account_key_add(fx->st, &test_store_ctx, "zhangsan", "ssh-ed25519", "AAAA", NULL),
	    0);
	assert_int_equal(test_store_audit_count(fx), n0 + 6);
	assert_int_equal(store_account_login_ok(fx->st, &test_store_ctx, "zhangsan"), 0);
	assert_int_equal(test_store_audit_count(fx), n0 + 7);
	assert_int_equal(
	    store_account_login_failed(fx->st, &test_store_ctx, "zhangsan", "x", 5, 60, &lo), 0);
	assert_int_equal(test_store_audit_count(fx), n0 + 8);
	assert_int_equal(store_audit(fx->st, NULL, "logout", "zhangsan", NULL), 0);
	assert_int_equal(test_store_audit_count(fx), n0 + 9);
	test_store_last_event(fx->st, &e);
	assert_string_equal(e.action, "logout");
	assert_null(e.account);
	assert_null(e.detail);
	store_audit_event_clear(&e);
	assert_int_equal(store_audit(fx->st, &test_store_ctx, "", NULL, NULL), STORE_EINVAL);
	assert_int_equal(store_audit(fx->st, &test_store_ctx, NULL, NULL, NULL), STORE_EINVAL);
	assert_int_equal(test_store_audit_count(fx), n0 + 9);

	/* Same transaction: when the audit insert fails, the change is rolled back. */
	{
		sqlite3 *db = test_store_raw(fx->path);

		test_store_exec(db, "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit"
		                    " BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
		sqlite3_close(db);
	}
	a.name = (char *)"lisi";
	a.role = ROLE_AGENT;
	assert_true(store_account_add(fx->st, &test_store_ctx, &a) < 0);
	assert_non_null(strstr(store_last_error(fx->st), "audit refused"));
	assert_int_equal(store_account_get(fx->st, "lisi", &a), STORE_ENOENT);
	assert_true(store_account_set_role(fx->st, &test_store_ctx, "zhangsan", ROLE_AGENT) < 0);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_int_equal(a.role, ROLE_ADMIN);
	store_account_clear(&a);
	assert_true(store_account_login_ok(fx->st, &test_store_ctx, "zhangsan") < 0);
	assert_int_equal(test_store_audit_count(fx), n0 + 9);
}

static void test_store_chain_verifies(void **state)
{
	struct test_store_fx *fx = *state;
	char hex[AUDIT_HASH_HEX + 1];
	struct audit_event *list;
	int64_t checked = -1, bad = -1;
	size_t n, i;
	int k;

	test_store_open_migrated(fx);
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 0);
	assert_int_equal(checked, 0);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);
	for (k = 0; k < 20; k++)
		assert_int_equal(store_audit(fx->st, &test_store_ctx, "command", "zhangsan",
		                             k % 2 ? "complaint list --status open" : ""),
		                 0);
	assert_int_equal(store_audit(fx->st, NULL, "login.refused", NULL, NULL), 0);

	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 0);
	assert_int_equal(checked, 22);
	assert_int_equal(bad, 0);

	assert_int_equal(store_audit_list(fx->st, 0, 1000, &list, &n), 0);
	assert_int_equal(n, 22);
	assert_string_equal(list[0].prev_hash, audit_genesis_hash);
	for (i = 0; i < n; i++) {
		assert_int_equal(list[i].seq, (int64_t)i + 1);
		assert_int_equal(strlen(list[i].hash), AUDIT_HASH_HEX);
		if (i > 0)
			assert_string_equal(list[i].prev_hash, list[i - 1].hash);
		assert_int_equal(store_audit_event_hash(&list[i], hex), 0);
		assert_string_equal(hex, list[i].hash);
	}
	/* NULL and "" hash differently. */
	assert_string_equal(list[1].detail, "");
	free(list[1].detail);
	list[1].detail = NULL;
	assert_int_equal(store_audit_event_hash(&list[1], hex), 0);
	assert_string_not_equal(hex, list[1].hash);
	store_audit_list_free(list, n);

	/* Paging. */
	assert_int_equal(store_audit_list(fx->st, 5, 3, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].seq, 6);
	assert_int_equal(list[2].seq, 8);
	store_audit_list_free(list, n);
	assert_int_equal(store_audit_list(fx->st, 22, 10, &list, &n), 0);
	assert_int_equal(n, 0);
	store_audit_list_free(list, n);
}

static void test_store_audit_hash_unambiguous(void **state)
{
	char h1[AUDIT_HASH_HEX + 1], h2[AUDIT_HASH_HEX + 1];
	struct audit_record a = {.seq = 1,
	                         .ts_ms = 2,
	                         .action = "x",
	                         .target = "ab",
	                         .detail = "c",
	                         .prev_hash = audit_genesis_hash};
	struct audit_record b = a;

	(void)state;
	b.target = "a";
	b.detail = "bc";
	assert_int_equal(audit_hash(&a, h1), 0);
	assert_int_equal(audit_hash(&b, h2), 0);
	assert_string_not_equal(h1, h2);
	b = a;
	b.account = "";
	assert_int_equal(audit_hash(&b, h2), 0);
	assert_string_not_equal(h1, h2);
	b = a;
	assert_int_equal(audit_hash(&b, h2), 0);
	assert_string_equal(h1, h2);
}

/* Writers in several processes: BEGIN IMMEDIATE serialises them, so seq = max(seq) + 1 and
 * the chain stay consistent. */
static void test_store_concurrent_writers_keep_chain(void **state)
{
	struct test_store_fx *fx = *state;
	enum { WRITERS = 3, EVENTS = 100 };
	int64_t checked = -1, bad = -1;
	pid_t pids[WRITERS];
	int i, status;

	test_store_open_migrated(fx);
	store_close(fx->st);
	fx->st = NULL;
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct store *st;
			char detail[48];
			int k, failed = 0;

			if (store_open(fx->path, 0, 10000, &st) != 0)
				_exit(2);
			for (k = 0; k < EVENTS; k++) {
				snprintf(detail, sizeof detail, "writer %d event %d", i, k);
				if (store_audit(st, &test_store_ctx, "command", NULL, detail) != 0)
					failed = 1;
			}
			store_close(st);
			_exit(failed);
		}
	}
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(store_open(fx->path, 0, 1000, &fx->st), 0);
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 0);
	assert_int_equal(checked, WRITERS * EVENTS);
}

static void test_store_tamper_detected(void **state)
{
	struct test_store_fx *fx = *state;
	int64_t checked = -1, bad = -1;
	sqlite3 *db;
	int k;

	test_store_open_migrated(fx);
	for (k = 0; k < 6; k++)
		assert_int_equal(store_audit(fx->st, &test_store_ctx, "command", "t", "detail"), 0);
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 0);
	assert_int_equal(checked, 6);

	db = test_store_raw(fx->path);
	test_store_exec(db, "UPDATE audit SET detail = 'nothing happened' WHERE seq = 3");
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 1);
	assert_int_equal(bad, 3);
	assert_int_equal(checked, 2);
	test_store_exec(db, "UPDATE audit SET detail = 'detail' WHERE seq = 3");
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 0);

	/* NULL instead of "" (or the reverse) is a change too. */
	test_store_exec(db, "UPDATE audit SET session = NULL WHERE seq = 2");
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 1);
	assert_int_equal(bad, 2);
	test_store_exec(db, "UPDATE audit SET session = 's-1' WHERE seq = 2");

	/* A deleted event breaks seq continuity at the next one. */
	test_store_exec(db, "DELETE FROM audit WHERE seq = 4");
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 1);
	assert_int_equal(bad, 5);
	assert_int_equal(checked, 3);
	sqlite3_close(db);

	/* New events still chain on (and the break stays reported). */
	assert_int_equal(store_audit(fx->st, &test_store_ctx, "command", "t", NULL), 0);
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 1);
	assert_int_equal(bad, 5);
}

static void test_store_readonly_cannot_write(void **state)
{
	struct test_store_fx *fx = *state;
	struct store *ro = NULL;
	struct account a = {0};
	int64_t before;

	test_store_open_migrated(fx);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);
	store_close(fx->st);
	fx->st = NULL;
	before = test_store_audit_count(fx);

	assert_int_equal(store_open(fx->path, STORE_READONLY, 200, &ro), 0);
	assert_int_equal(store_account_get(ro, "zhangsan", &a), 0);
	assert_string_equal(a.display, "张三");
	store_account_clear(&a);
	assert_int_equal(store_audit_verify(ro, NULL, NULL), 0);
	a.name = (char *)"lisi";
	a.role = ROLE_AGENT;
	assert_int_equal(store_account_add(ro, &test_store_ctx, &a), -EROFS);
	assert_int_equal(store_account_set_role(ro, &test_store_ctx, "zhangsan", ROLE_ADMIN),
	                 -EROFS);
	assert_int_equal(store_audit(ro, &test_store_ctx, "command", NULL, NULL), -EROFS);
	assert_int_equal(store_account_get(ro, "lisi", &a), STORE_ENOENT);
	store_close(ro);
	assert_int_equal(test_store_audit_count(fx), before);
}

static int64_t test_store_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_store_busy_after_timeout(void **state)
{
	struct test_store_fx *fx = *state;
	struct account a = {0};
	int64_t t0, dt;
	sqlite3 *db;

	test_store_open_migrated(fx);
	store_close(fx->st);
	assert_int_equal(store_open(fx->path, 0, 250, &fx->st), 0);

	db = test_store_raw(fx->path);
	test_store_exec(db, "BEGIN IMMEDIATE");
	a.name = (char *)"zhangsan";
	a.role = ROLE_AGENT;
	t0 = test_store_mono_ms();
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), STORE_EBUSY);
	dt = test_store_mono_ms() - t0;
	assert_true(dt >= 200);
	assert_true(dt < 5000);
	assert_true(strlen(store_last_error(fx->st)) > 0);
	/* Readers are not blocked by the writer (WAL). */
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), STORE_ENOENT);
	assert_int_equal(store_audit(fx->st, &test_store_ctx, "command", NULL, NULL), STORE_EBUSY);
	test_store_exec(db, "COMMIT");
	sqlite3_close(db);

	a.name = (char *)"zhangsan";
	a.role = ROLE_AGENT;
	assert_int_equal(store_account_add(fx->st, &test_store_ctx, &a), 0);
	assert_int_equal(test_store_audit_count(fx), 1);
}

/* After one wait for the lock ran out, changes give up at once for a second (each wait would
 * stall the loop), then wait again; once the lock is gone they go through. */
static void test_store_busy_fails_fast_while_locked(void **state)
{
	struct test_store_fx *fx = *state;
	int64_t t0, dt;
	sqlite3 *db;
	int k;

	test_store_open_migrated(fx);
	store_close(fx->st);
	assert_int_equal(store_open(fx->path, 0, 200, &fx->st), 0);
	db = test_store_raw(fx->path);
	test_store_exec(db, "BEGIN IMMEDIATE");
	t0 = test_store_mono_ms();
	assert_int_equal(store_audit(fx->st, &test_store_ctx, "command", NULL, "1"), STORE_EBUSY);
	assert_true(test_store_mono_ms() - t0 >= 180);
	t0 = test_store_mono_ms();
	for (k = 0; k < 20; k++)
		assert_int_equal(store_audit(fx->st, &test_store_ctx, "command", NULL, "2"),
				 STORE_EBUSY);
	dt = test_store_mono_ms() - t0;
	assert_true(dt < 150);
	/* A second later the lock is probed with a full wait again. */
	usleep(1100 * 1000);
	t0 = test_store_mono_ms();
	assert_int_equal(store_audit(fx->st, &test_store_ctx, "command", NULL, "3"), STORE_EBUSY);
	assert_true(test_store_mono_ms() - t0 >= 180);
	/* Released: the next change goes through at once, even inside the quiet second. */
	test_store_exec(db, "ROLLBACK");
	sqlite3_close(db);
	assert_int_equal(store_audit(fx->st, &test_store_ctx, "command", NULL, "4"), 0);
	assert_int_equal(test_store_audit_count(fx), 1);
}

/* Limits every new connection to the database's current size (set before store_open). */
static int test_store_max_pages;

static int test_store_limit_ext(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	char sql[64];

	(void)err;
	(void)api;
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", test_store_max_pages);
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static void test_store_full_keeps_reads(void **state)
{
	struct test_store_fx *fx = *state;
	char detail[3000];
	struct account a;
	int64_t checked, bad, events;
	sqlite3 *db;
	int k, rc = 0;

	test_store_open_migrated(fx);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);
	store_close(fx->st);
	fx->st = NULL;

	db = test_store_raw(fx->path);
	test_store_max_pages = (int)test_store_int(db, "PRAGMA page_count");
	sqlite3_close(db);
	assert_int_equal(sqlite3_auto_extension((void (*)(void))test_store_limit_ext), SQLITE_OK);
	rc = store_open(fx->path, 0, 200, &fx->st);
	sqlite3_cancel_auto_extension((void (*)(void))test_store_limit_ext);
	assert_int_equal(rc, 0);

	memset(detail, 'x', sizeof detail - 1);
	detail[sizeof detail - 1] = '\0';
	for (k = 0; k < 1000; k++) {
		rc = store_audit(fx->st, &test_store_ctx, "command", "zhangsan", detail);
		if (rc != 0)
			break;
	}
	assert_int_equal(rc, STORE_EFULL);
	assert_true(strlen(store_last_error(fx->st)) > 0);
	assert_string_equal(store_strerror(rc, "zh"), "磁盘已满，数据未保存");
	events = 1 + k;
	{
		struct account b = {0};

		b.name = (char *)"lisi";
		b.display = (char *)"李四";
		b.role = ROLE_AGENT;
		/* Either full too, or it fits in a free slot: never half-written. */
		rc = store_account_add(fx->st, &test_store_ctx, &b);
		assert_true(rc == 0 || rc == STORE_EFULL);
		if (rc == 0)
			events++;
	}

	/* Reads keep working. */
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	assert_string_equal(a.display, "张三");
	store_account_clear(&a);
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 0);
	assert_int_equal(checked, events);
	assert_int_equal(test_store_audit_count(fx), events);
}

/* store_set_max_size: writes past the cap fail with STORE_EFULL and change nothing, reads go
 * on, and lifting the cap (0) lets writes through again. */
static void test_store_max_size_caps_and_lifts(void **state)
{
	struct test_store_fx *fx = *state;
	char detail[3000];
	struct account a;
	int64_t checked, bad, events;
	sqlite3 *db;
	int k, rc = 0;

	test_store_open_migrated(fx);
	test_store_add(fx->st, "zhangsan", "张三", ROLE_AGENT);
	db = test_store_raw(fx->path);
	/* The cap is below the current size: it stays at the current size. */
	assert_int_equal(store_set_max_size(fx->st, 1), 0);
	memset(detail, 'x', sizeof detail - 1);
	detail[sizeof detail - 1] = '\0';
	for (k = 0; k < 1000; k++) {
		rc = store_audit(fx->st, &test_store_ctx, "command", "zhangsan", detail);
		if (rc != 0)
			break;
	}
	assert_int_equal(rc, STORE_EFULL);
	assert_true(k < 1000);
	events = test_store_audit_count(fx);
	assert_int_equal(store_account_get(fx->st, "zhangsan", &a), 0);
	store_account_clear(&a);
	/* Another connection does not share the cap. */
	assert_true(test_store_int(db, "PRAGMA page_count") > 0);
	sqlite3_close(db);

	/* A cap with room: some writes pass, then it is full again. */
	assert_int_equal(store_set_max_size(fx->st, 1024 * 1024), 0);
	for (k = 0; k < 2000; k++) {
		rc = store_audit(fx->st, &test_store_ctx, "command", "zhangsan", detail);
		if (rc != 0)
			break;
	}
	assert_int_equal(rc, STORE_EFULL);
	assert_true(k > 10);
	events += k;

	/* Lifted: writes work again, and every event that was acknowledged is in the chain. */
	assert_int_equal(store_set_max_size(fx->st, 0), 0);
	for (k = 0; k < 50; k++) {
		rc = store_audit(fx->st, &test_store_ctx, "command", "zhangsan", detail);
		assert_int_equal(rc, 0);
	}
	events += 50;
	assert_int_equal(store_audit_verify(fx->st, &checked, &bad), 0);
	assert_int_equal(checked, events);
}

static void test_store_strerror_texts(void **state)
{
	(void)state;
	assert_string_equal(store_strerror(STORE_EBUSY, "zh"),
	                    "数据库正被其他程序锁定，请稍后再试");
	assert_string_equal(store_strerror(STORE_EBUSY, "en"),
	                    "the database is locked by another writer; try again");
	assert_string_equal(store_strerror(STORE_EFULL, "en"), "disk full: nothing was saved");
	assert_string_equal(store_strerror(STORE_EFULL, NULL), "disk full: nothing was saved");
	assert_string_equal(store_strerror(-ENOMEM, "zh"), "内存不足");
	assert_string_equal(store_strerror(-ENOMEM, "en"), "out of memory");
	assert_string_equal(store_strerror(-EROFS, "en"), "the database is open read-only");
	assert_string_equal(store_strerror(-EHOSTDOWN, "en"), "system error");
	assert_string_equal(store_strerror(-5555, "zh"), "未知错误");
	{
		static const int all[] = {STORE_ENOENT, STORE_EEXIST, STORE_EBUSY,  STORE_EFULL,
		                          STORE_EINVAL, STORE_EIO,    STORE_ESCHEMA};
		size_t i;

		for (i = 0; i < sizeof all / sizeof all[0]; i++) {
			assert_string_not_equal(store_strerror(all[i], "zh"), "未知错误");
			assert_string_not_equal(store_strerror(all[i], "en"), "unknown error");
		}
	}
}

#define TEST_STORE(f) cmocka_unit_test_setup_teardown(f, test_store_setup, test_store_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_STORE(test_store_migrate_fresh_and_again),
	    TEST_STORE(test_store_newer_schema_refused),
	    TEST_STORE(test_store_open_errors),
	    TEST_STORE(test_store_accounts_add_get_list),
	    TEST_STORE(test_store_account_duplicate_and_invalid),
	    TEST_STORE(test_store_role_lock_password_keys),
	    TEST_STORE(test_store_login_failures_lockout_reset),
	    TEST_STORE(test_store_one_event_per_change),
	    TEST_STORE(test_store_chain_verifies),
	    cmocka_unit_test(test_store_audit_hash_unambiguous),
	    TEST_STORE(test_store_concurrent_writers_keep_chain),
	    TEST_STORE(test_store_tamper_detected),
	    TEST_STORE(test_store_readonly_cannot_write),
	    TEST_STORE(test_store_busy_after_timeout),
	    TEST_STORE(test_store_busy_fails_fast_while_locked),
	    TEST_STORE(test_store_full_keeps_reads),
	    TEST_STORE(test_store_max_size_caps_and_lifts),
	    cmocka_unit_test(test_store_strerror_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
