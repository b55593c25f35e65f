/* test_audit — the audit log's hash chain (service/store/audit.c, and the chain kept by
 * service/store/store.c): the hash is the documented encoding (recomputed here with libsodium
 * alone); the events of real changes (accounts, logins, complaints, promises, the unit
 * register, commands run in the shell) appended in order, each chained to the one before, with
 * the audit_ctx of whoever did it; a failed change leaves no event; store_audit_verify finds a
 * good chain good and, after a row is altered by plain SQL (its detail, account, time, hash or
 * previous hash, a value turned into a blob or given a NUL byte, a row deleted, a row rehashed
 * on its own, a row appended out of the store), reports the first bad sequence number. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "store.h"
#include "store_account.h"
#include "store_audit.h"
#include "store_complaint.h"
#include "store_unit.h"
#include "testhost.h"

static const struct audit_ctx test_audit_ctx = {
    .account = "zhangsan",
    .role = "supervisor",
    .session = "s-42",
    .peer = "10.0.0.7:51234",
    .transport = "telnet",
};

static int test_audit_setup(void **state)
{
	struct testhost *th = testhost_new("test_audit");

	if (th == NULL)
		return -1;
	*state = th;
	return 0;
}

static int test_audit_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

/* ---- plain SQL on the database file, behind the store's back -------------------------------- */

static sqlite3 *test_audit_raw(struct testhost *th)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(th->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static void test_audit_sql(struct testhost *th, const char *sql)
{
	sqlite3 *db = test_audit_raw(th);
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err != NULL ? err : "?");
	sqlite3_close(db);
}

/* store_audit_verify: its return value, and *bad (and *checked) as it reported them. */
static int test_audit_verify(struct testhost *th, int64_t *checked, int64_t *bad)
{
	int64_t c = -1, b = -1;
	int rc = store_audit_verify(th->st, &c, &b);

	if (checked != NULL)
		*checked = c;
	if (bad != NULL)
		*bad = b;
	return rc;
}

/* Asserts the chain is broken first at seq bad, after checked good events. */
static void test_audit_broken_at(struct testhost *th, int64_t bad, int64_t checked)
{
	int64_t c, b;
	int rc = test_audit_verify(th, &c, &b);

	if (rc != 1 || b != bad || c != checked)
		fail_msg("verify: rc %d, bad %lld, checked %lld; expected 1, %lld, %lld", rc,
		         (long long)b, (long long)c, (long long)bad, (long long)checked);
}

static void test_audit_intact(struct testhost *th, int64_t checked)
{
	int64_t c, b;
	int rc = test_audit_verify(th, &c, &b);

	if (rc != 0 || b != 0 || c != checked)
		fail_msg("verify: rc %d, bad %lld, checked %lld; expected an intact chain of %lld",
		         rc, (long long)b, (long long)c, (long long)checked);
}

/* Eight events of different shapes: with the full context, with none, with "" and NULL. */
static void test_audit_chain_of_eight(struct testhost *th)
{
	static const struct audit_ctx part = {.account = "lisi", .role = "agent"};
	int k;

	for (k = 0; k < 4; k++) {
		char detail[64];

		snprintf(detail, sizeof detail, "complaint list --page %d 投诉", k);
		assert_int_equal(
		    store_audit(th->st, &test_audit_ctx, "command", "complaint list", detail), 0);
	}
	assert_int_equal(store_audit(th->st, NULL, "login.refused", NULL, NULL), 0);
	assert_int_equal(store_audit(th->st, &part, "logout", "lisi", ""), 0);
	assert_int_equal(store_audit(th->st, &test_audit_ctx, "command", "whoami", "whoami"), 0);
	assert_int_equal(store_audit(th->st, &test_audit_ctx, "logout", "zhangsan", "bye"), 0);
	test_audit_intact(th, 8);
}

/* ---- the hash -------------------------------------------------------------------------------- */

static void test_audit_put_u64(crypto_generichash_state *h, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	crypto_generichash_update(h, b, 8);
}

static void test_audit_put_str(crypto_generichash_state *h, const char *s)
{
	unsigned char present = s != NULL ? 1 : 0;

	crypto_generichash_update(h, &present, 1);
	if (s != NULL) {
		test_audit_put_u64(h, strlen(s));
		crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
	}
}

/* audit.h's encoding, written out again from its description. */
static void test_audit_reference_hash(const struct audit_record *r, char hex[AUDIT_HASH_HEX + 1])
{
	crypto_generichash_state h;
	unsigned char out[32];

	assert_true(sodium_init() >= 0);
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	test_audit_put_str(&h, "propdesk.audit.v1");
	test_audit_put_u64(&h, (uint64_t)r->seq);
	test_audit_put_u64(&h, (uint64_t)r->ts_ms);
	test_audit_put_str(&h, r->account);
	test_audit_put_str(&h, r->role);
	test_audit_put_str(&h, r->session);
	test_audit_put_str(&h, r->peer);
	test_audit_put_str(&h, r->transport);
	test_audit_put_str(&h, r->action);
	test_audit_put_str(&h, r->target);
	test_audit_put_str(&h, r->detail);
	test_audit_put_str(&h, r->prev_hash);
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(hex, AUDIT_HASH_HEX + 1, out, sizeof out);
}

static void test_audit_hash_encoding(void **state)
{
	struct audit_record r = {
	    .seq = 0x0102030405060708LL,
	    .ts_ms = 1764115200123LL,
	    .account = "zhangsan",
	    .role = "agent",
	    .session = "s-1",
	    .peer = "127.0.0.1:40000",
	    .transport = "ssh",
	    .action = "complaint.add",
	    .target = "C-20261126-0042",
	    .detail = "卫生间漏水",
	    .prev_hash = audit_genesis_hash,
	};
	struct audit_record none = {.seq = 1, .action = "x", .prev_hash = audit_genesis_hash};
	char got[AUDIT_HASH_HEX + 1], want[AUDIT_HASH_HEX + 1], other[AUDIT_HASH_HEX + 1];
	size_t i;

	(void)state;
	assert_int_equal(strlen(audit_genesis_hash), AUDIT_HASH_HEX);
	for (i = 0; i < AUDIT_HASH_HEX; i++)
		assert_int_equal(audit_genesis_hash[i], '0');

	assert_int_equal(audit_hash(&r, got), 0);
	test_audit_reference_hash(&r, want);
	assert_string_equal(got, want);
	assert_int_equal(strlen(got), AUDIT_HASH_HEX);
	for (i = 0; i < AUDIT_HASH_HEX; i++)
		assert_non_null(strchr("0123456789abcdef", got[i]));
	/* NULL fields are encoded as absent. */
	assert_int_equal(audit_hash(&none, got), 0);
	test_audit_reference_hash(&none, want);
	assert_string_equal(got, want);

	/* Every field counts: a change of any one changes the hash. */
	assert_int_equal(audit_hash(&r, want), 0);
	for (i = 0; i < 11; i++) {
		struct audit_record x = r;

		switch (i) {
		case 0:
			x.seq++;
			break;
		case 1:
			x.ts_ms++;
			break;
		case 2:
			x.account = "zhangsan ";
			break;
		case 3:
			x.role = NULL;
			break;
		case 4:
			x.session = "s-2";
			break;
		case 5:
			x.peer = "";
			break;
		case 6:
			x.transport = "telnet";
			break;
		case 7:
			x.action = "complaint.ad";
			break;
		case 8:
			x.target = "C-20261126-0043";
			break;
		case 9:
			x.detail = "卫生间漏水。";
			break;
		default:
			x.prev_hash = "1";
			break;
		}
		assert_int_equal(audit_hash(&x, other), 0);
		if (strcmp(other, want) == 0)
			fail_msg("field %zu is not hashed", i);
	}
	/* A byte moved from one field to the next is another record. */
	{
		struct audit_record a = r, b = r;

		a.account = "zhang";
		a.role = "sanagent";
		b.account = "zhangsan";
		b.role = "agent";
		assert_int_equal(audit_hash(&a, got), 0);
		assert_int_equal(audit_hash(&b, other), 0);
		assert_string_not_equal(got, other);
	}

	/* audit_hash_event hashes a stored event's fields (its own hash left out). */
	{
		struct audit_event e;

		memset(&e, 0, sizeof e);
		e.seq = r.seq;
		e.ts_ms = r.ts_ms;
		e.account = (char *)r.account;
		e.role = (char *)r.role;
		e.session = (char *)r.session;
		e.peer = (char *)r.peer;
		e.transport = (char *)r.transport;
		e.action = (char *)r.action;
		e.target = (char *)r.target;
		e.detail = (char *)r.detail;
		e.prev_hash = (char *)r.prev_hash;
		e.hash = (char *)"ignored";
		assert_int_equal(store_audit_event_hash(&e, got), 0);
		assert_string_equal(got, want);
	}
}

/* ---- the chain of real changes --------------------------------------------------------------- */

static void test_audit_changes_appended_in_order(void **state)
{
	struct testhost *th = *state;
	static const char *const want[] = {
	    "user.add",     "user.add", "login",      "complaint.add", "promise.add",
	    "promise.done", "unit.add", "login.fail", "command",       "complaint.resolve",
	};
	const char *techs[] = {"empathy"};
	struct complaint_new in;
	struct promise_new pn;
	struct unit u;
	struct audit_event *ev = NULL;
	char number[COMPLAINT_NUMBER_MAX], other[COMPLAINT_NUMBER_MAX], hex[AUDIT_HASH_HEX + 1];
	bool locked = true;
	int64_t pid = 0, t0 = store_now_ms();
	size_t n = 0, i;

	testhost_account_add(th, "zhangsan", "张三", ROLE_SUPERVISOR, "zh", NULL);
	testhost_account_add(th, "lisi", "李四", ROLE_AGENT, "zh", NULL);
	assert_int_equal(store_account_login_ok(th->st, &test_audit_ctx, "zhangsan"), 0);
	memset(&in, 0, sizeof in);
	in.unit = "3-2-1201";
	in.caller = "王先生";
	in.category = "repairs";
	in.words = "卫生间漏水";
	in.techniques = techs;
	in.ntechniques = 1;
	assert_int_equal(store_complaint_add(th->st, &test_audit_ctx, &in, number), 0);
	memset(&pn, 0, sizeof pn);
	pn.what = "明天上门";
	pn.due_ms = t0 + 86400000;
	assert_int_equal(store_promise_add(th->st, &test_audit_ctx, number, &pn, &pid), 0);
	assert_int_equal(store_promise_done(th->st, &test_audit_ctx, pid, "已上门"), 0);
	memset(&u, 0, sizeof u);
	u.code = (char *)"3-2-1201";
	assert_int_equal(store_unit_add(th->st, &test_audit_ctx, &u), 0);
	assert_int_equal(store_account_login_failed(th->st, NULL, "lisi", "password", 5, 60, &locked), 0);
	assert_false(locked);
	/* A command run in the shell: the session's own context. */
	{
		struct shell_opts opts = testhost_opts;

		assert_int_equal(testhost_exec(th, "lisi", 0, &opts, "whoami", NULL), 0);
	}
	assert_int_equal(store_complaint_resolve(th->st, &test_audit_ctx, number, "修好了"), 0);

	assert_int_equal(store_audit_list(th->st, 0, 1000, &ev, &n), 0);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].action, want[i]) != 0)
			fail_msg("event %zu is %s, expected %s", i + 1, ev[i].action, want[i]);
		assert_int_equal(ev[i].seq, (int64_t)i + 1);
		/* Chained: each names the hash of the one before, and its own is its fields'. */
		assert_string_equal(ev[i].prev_hash, i == 0 ? audit_genesis_hash : ev[i - 1].hash);
		assert_int_equal(store_audit_event_hash(&ev[i], hex), 0);
		assert_string_equal(ev[i].hash, hex);
		assert_true(ev[i].ts_ms >= t0 - 1000);
		if (i > 0)
			assert_true(ev[i].ts_ms >= ev[i - 1].ts_ms);
	}
	/* Who did it: the fixture's context, the caller's, none, the shell's. */
	assert_string_equal(ev[0].account, "setup");
	assert_string_equal(ev[0].role, "admin");
	assert_string_equal(ev[0].transport, "cli");
	assert_string_equal(ev[0].target, "zhangsan");
	for (i = 2; i <= 6; i++) {
		assert_string_equal(ev[i].account, "zhangsan");
		assert_string_equal(ev[i].role, "supervisor");
		assert_string_equal(ev[i].session, "s-42");
		assert_string_equal(ev[i].peer, "10.0.0.7:51234");
		assert_string_equal(ev[i].transport, "telnet");
	}
	assert_string_equal(ev[3].target, number);
	assert_non_null(strstr(ev[4].detail, "明天上门"));
	assert_string_equal(ev[6].target, "3-2-1201");
	assert_null(ev[7].account);
	assert_null(ev[7].role);
	assert_null(ev[7].session);
	assert_null(ev[7].peer);
	assert_null(ev[7].transport);
	assert_string_equal(ev[7].target, "lisi");
	assert_string_equal(ev[8].account, "lisi");
	assert_string_equal(ev[8].role, "agent");
	assert_string_equal(ev[8].session, "s-test");
	assert_string_equal(ev[8].peer, "127.0.0.1:40000");
	assert_string_equal(ev[8].transport, "ssh");
	assert_string_equal(ev[8].target, "whoami");
	assert_string_equal(ev[9].target, number);
	store_audit_list_free(ev, n);
	test_audit_intact(th, 10);

	/* A change refused writes no event: an unknown unit now that the register has rows, a
	 * promise on a resolved complaint, a second unit of the same code. */
	in.unit = "9-9-999";
	assert_int_equal(store_complaint_add(th->st, &test_audit_ctx, &in, other), STORE_ENOENT);
	assert_int_equal(store_promise_add(th->st, &test_audit_ctx, number, &pn, &pid),
	                 STORE_ESTATE);
	assert_int_equal(store_unit_add(th->st, &test_audit_ctx, &u), STORE_EEXIST);
	assert_int_equal(store_audit(th->st, &test_audit_ctx, "bad action", NULL, NULL),
	                 STORE_EINVAL);
	test_audit_intact(th, 10);

	/* Events with a fixed clock (the demo seeder's) carry that time. */
	store_complaint_set_clock(th->st, 1700000000000LL);
	in.unit = "3-2-1201";
	assert_int_equal(store_complaint_add(th->st, &test_audit_ctx, &in, other), 0);
	store_complaint_set_clock(th->st, 0);
	assert_int_equal(store_audit_list(th->st, 10, 10, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].action, "complaint.add");
	assert_int_equal(ev[0].ts_ms, 1700000000000LL);
	store_audit_list_free(ev, n);
	test_audit_intact(th, 11);
}

static void test_audit_ctx_recorded(void **state)
{
	struct testhost *th = *state;
	static const struct audit_ctx empty = {
	    .account = "", .role = "", .session = "", .peer = "", .transport = ""};
	struct audit_event *ev = NULL;
	size_t n = 0;

	assert_int_equal(store_audit(th->st, &test_audit_ctx, "command", "t", "d"), 0);
	assert_int_equal(store_audit(th->st, &empty, "command", "", ""), 0);
	assert_int_equal(store_audit(th->st, NULL, "command", NULL, NULL), 0);
	assert_int_equal(store_audit_list(th->st, 0, 10, &ev, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ev[0].account, "zhangsan");
	assert_string_equal(ev[0].role, "supervisor");
	assert_string_equal(ev[0].session, "s-42");
	assert_string_equal(ev[0].peer, "10.0.0.7:51234");
	assert_string_equal(ev[0].transport, "telnet");
	assert_string_equal(ev[0].target, "t");
	assert_string_equal(ev[0].detail, "d");
	/* "" stays "", and NULL stays NULL: they hash differently. */
	assert_string_equal(ev[1].account, "");
	assert_string_equal(ev[1].transport, "");
	assert_string_equal(ev[1].target, "");
	assert_null(ev[2].account);
	assert_null(ev[2].transport);
	assert_null(ev[2].target);
	assert_null(ev[2].detail);
	store_audit_list_free(ev, n);
	test_audit_intact(th, 3);
	/* The first NULL turned into "" behind the store's back is found. */
	test_audit_sql(th, "UPDATE audit SET account = '' WHERE seq = 3");
	test_audit_broken_at(th, 3, 2);
}

/* ---- tampering ------------------------------------------------------------------------------- */

static void test_audit_verify_finds_first_bad(void **state)
{
	struct testhost *th = *state;
	struct audit_event *ev = NULL;
	size_t n = 0;

	test_audit_intact(th, 0); /* an empty log is intact */
	test_audit_chain_of_eight(th);

	/* The detail of one event. */
	test_audit_sql(th, "UPDATE audit SET detail = 'complaint list' WHERE seq = 3");
	test_audit_broken_at(th, 3, 2);
	test_audit_sql(th,
	               "UPDATE audit SET detail = 'complaint list --page 2 投诉' WHERE seq = 3");
	test_audit_intact(th, 8);
	/* The account (who did it), the time. */
	test_audit_sql(th, "UPDATE audit SET account = 'lisi' WHERE seq = 2");
	test_audit_broken_at(th, 2, 1);
	test_audit_sql(th, "UPDATE audit SET account = 'zhangsan' WHERE seq = 2");
	test_audit_sql(th, "UPDATE audit SET ts_ms = ts_ms + 1 WHERE seq = 7");
	test_audit_broken_at(th, 7, 6);
	test_audit_sql(th, "UPDATE audit SET ts_ms = ts_ms - 1 WHERE seq = 7");
	test_audit_intact(th, 8);
	/* The same bytes as a blob, the same number as text: a changed type is a change. */
	test_audit_sql(th, "UPDATE audit SET detail = CAST(detail AS BLOB) WHERE seq = 4");
	test_audit_broken_at(th, 4, 3);
	test_audit_sql(th, "UPDATE audit SET detail = CAST(detail AS TEXT) WHERE seq = 4");
	test_audit_intact(th, 8);
	test_audit_sql(th, "UPDATE audit SET account = CAST(account AS BLOB) WHERE seq = 1");
	test_audit_broken_at(th, 1, 0);
	test_audit_sql(th, "UPDATE audit SET account = CAST(account AS TEXT) WHERE seq = 1");
	/* The time as a blob of its digits, or as a number with a fraction (the column's
	 * integer affinity turns an integer-looking text back into an integer). */
	test_audit_sql(th,
	               "UPDATE audit SET ts_ms = CAST(CAST(ts_ms AS TEXT) AS BLOB) WHERE seq = 5");
	test_audit_broken_at(th, 5, 4);
	test_audit_sql(
	    th, "UPDATE audit SET ts_ms = CAST(CAST(ts_ms AS TEXT) AS INTEGER) WHERE seq = 5");
	test_audit_intact(th, 8);
	test_audit_sql(th, "UPDATE audit SET ts_ms = ts_ms + 0.25 WHERE seq = 5");
	test_audit_broken_at(th, 5, 4);
	test_audit_sql(th, "UPDATE audit SET ts_ms = CAST(ts_ms AS INTEGER) WHERE seq = 5");
	test_audit_intact(th, 8);
	/* A NUL byte hidden after the text the hash saw. */
	test_audit_sql(th, "UPDATE audit SET detail = CAST(CAST(detail AS BLOB) || x'00' || "
	                   "CAST('x' AS BLOB) AS TEXT) WHERE seq = 8");
	test_audit_broken_at(th, 8, 7);
	test_audit_sql(th, "UPDATE audit SET detail = 'bye' WHERE seq = 8");
	test_audit_intact(th, 8);
	/* The stored hash, or the previous hash. */
	test_audit_sql(th, "UPDATE audit SET hash = upper(hash) WHERE seq = 6");
	test_audit_broken_at(th, 6, 5);
	test_audit_sql(th, "UPDATE audit SET hash = lower(hash) WHERE seq = 6");
	test_audit_sql(th,
	               "UPDATE audit SET prev_hash = (SELECT prev_hash FROM audit WHERE seq = 1)"
	               " WHERE seq = 6");
	test_audit_broken_at(th, 6, 5);
	test_audit_sql(th, "UPDATE audit SET prev_hash = (SELECT hash FROM audit WHERE seq = 5)"
	                   " WHERE seq = 6");
	test_audit_intact(th, 8);

	/* An event changed and rehashed on its own: the next one no longer chains to it. */
	assert_int_equal(store_audit_list(th->st, 2, 1, &ev, &n), 0);
	assert_int_equal(n, 1);
	{
		char hex[AUDIT_HASH_HEX + 1], sql[512];

		free(ev[0].detail);
		ev[0].detail = strdup("nothing to see");
		assert_non_null(ev[0].detail);
		assert_int_equal(store_audit_event_hash(&ev[0], hex), 0);
		snprintf(sql, sizeof sql,
		         "UPDATE audit SET detail = 'nothing to see', hash = '%s' WHERE seq = 3",
		         hex);
		test_audit_sql(th, sql);
	}
	store_audit_list_free(ev, n);
	test_audit_broken_at(th, 4, 3);
}

static void test_audit_verify_deleted_and_appended(void **state)
{
	struct testhost *th = *state;
	int64_t checked, bad;

	test_audit_chain_of_eight(th);
	/* A deleted event: the chain breaks at the one after it. */
	test_audit_sql(th, "DELETE FROM audit WHERE seq = 4");
	test_audit_broken_at(th, 5, 3);
	/* The store chains on after the last event, and the break stays reported. */
	assert_int_equal(store_audit(th->st, &test_audit_ctx, "command", "whoami", NULL), 0);
	test_audit_broken_at(th, 5, 3);
	assert_int_equal(testhost_audit_count(th->st, "command", NULL), 5);

	/* A read-only store verifies too. */
	{
		struct store *ro = NULL;

		assert_int_equal(store_open(th->path, STORE_READONLY, 1000, &ro), 0);
		checked = bad = -1;
		assert_int_equal(store_audit_verify(ro, &checked, &bad), 1);
		assert_int_equal(bad, 5);
		assert_int_equal(checked, 3);
		store_close(ro);
	}
}

static void test_audit_verify_forged_tail(void **state)
{
	struct testhost *th = *state;
	char sql[512];

	test_audit_chain_of_eight(th);
	/* A row appended by plain SQL, chained to the last hash but with a made-up hash. */
	snprintf(sql, sizeof sql,
	         "INSERT INTO audit (seq, ts_ms, account, action, prev_hash, hash)"
	         " SELECT 9, ts_ms, 'zhangsan', 'command', hash, '%s' FROM audit WHERE seq = 8",
	         audit_genesis_hash);
	test_audit_sql(th, sql);
	test_audit_broken_at(th, 9, 8);
	/* The store chains its next event to that damaged hash as it is: the break stays at 9. */
	assert_int_equal(store_audit(th->st, &test_audit_ctx, "command", "whoami", NULL), 0);
	test_audit_broken_at(th, 9, 8);
	/* Removing the forgery leaves a gap: 10 is not 9. */
	test_audit_sql(th, "DELETE FROM audit WHERE seq = 9");
	test_audit_broken_at(th, 10, 8);

	/* A seq that does not start at 1. */
	test_audit_sql(th, "DELETE FROM audit WHERE seq = 10");
	test_audit_intact(th, 8);
	test_audit_sql(th, "UPDATE audit SET seq = seq + 100");
	test_audit_broken_at(th, 101, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_audit_hash_encoding),
	    cmocka_unit_test_setup_teardown(test_audit_changes_appended_in_order, test_audit_setup,
	                                    test_audit_teardown),
	    cmocka_unit_test_setup_teardown(test_audit_ctx_recorded, test_audit_setup,
	                                    test_audit_teardown),
	    cmocka_unit_test_setup_teardown(test_audit_verify_finds_first_bad, test_audit_setup,
	                                    test_audit_teardown),
	    cmocka_unit_test_setup_teardown(test_audit_verify_deleted_and_appended,
	                                    test_audit_setup, test_audit_teardown),
	    cmocka_unit_test_setup_teardown(test_audit_verify_forged_tail, test_audit_setup,
	                                    test_audit_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
