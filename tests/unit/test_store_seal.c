/* test_store_seal — forward-secure sealing of the audit log on a temporary database: seals
 * every N events in the change's own transaction, the key ratcheted in its 0600 state file,
 * and verification catching each attack (altered, deleted, swapped, inserted events; a chain
 * rebuilt by an intruder; seals redone with a later key; a truncated tail; a wrong key), a
 * log still being written, and a tail left unsealed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "audit_seal.h"
#include "store.h"
#include "store_audit.h"
#include "store_schema.h"
#include "store_seal.h"
#include "store_tx.h"

struct test_seal_fx {
	char dir[64];
	char path[128];
	char key[128];
	struct store *st;
	struct audit_seal_key k0;
	int logged;
};

static const struct audit_ctx test_seal_ctx = {
    .account = "auditor1", .role = "auditor", .session = "s-1",
    .peer = "127.0.0.1:5555", .transport = "ssh",
};

static void test_seal_log_cb(void *arg, const struct audit_seal *s, int err, const char *why)
{
	struct test_seal_fx *fx = arg;

	(void)s;
	(void)why;
	assert_int_equal(err, 0);
	fx->logged++;
}

/* A sealed desk: K(0) made, a seal every 5 events, 23 events after the init. */
static int test_seal_setup(void **state)
{
	struct test_seal_fx *fx = calloc(1, sizeof *fx);
	char target[32];
	int i;

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_seal.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/propdesk.db", fx->dir);
	snprintf(fx->key, sizeof fx->key, "%s/audit-seal.key", fx->dir);
	assert_int_equal(store_open(fx->path, 0, 1000, &fx->st), 0);
	assert_int_equal(store_schema_migrate(fx->st), 0);
	assert_int_equal(store_audit(fx->st, &test_seal_ctx, "before.sealing", NULL, "one"), 0);
	assert_int_equal(store_seal_init(fx->st, fx->key, &test_seal_ctx, 5, 300, &fx->k0), 0);
	assert_int_equal(store_seal_attach(fx->st, fx->key, 5, 300, test_seal_log_cb, fx), 0);
	for (i = 0; i < 23; i++) {
		snprintf(target, sizeof target, "#%d", i);
		assert_int_equal(store_audit(fx->st, &test_seal_ctx, "test.event", target, "漏水 ok"),
		                 0);
	}
	*state = fx;
	return 0;
}

static int test_seal_teardown(void **state)
{
	struct test_seal_fx *fx = *state;
	char cmd[256];

	store_close(fx->st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static sqlite3 *test_seal_raw(struct test_seal_fx *fx)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static void test_seal_sql(struct test_seal_fx *fx, const char *sql)
{
	sqlite3 *db = test_seal_raw(fx);
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* Runs a whole verification in steps of 3 events; key: with K(0); state: with the key
 * state file. */
static void test_seal_verify(struct test_seal_fx *fx, bool key, bool state,
                             struct store_seal_verify *v)
{
	memset(v, 0, sizeof *v);
	v->now_ms = store_now_ms();
	if (key) {
		v->have_key = true;
		v->key = fx->k0;
	}
	if (state) {
		v->have_state = true;
		assert_int_equal(store_seal_key_read(fx->key, &v->state), 0);
	}
	assert_int_equal(store_seal_verify_begin(fx->st, v), 0);
	while (!v->done)
		assert_int_equal(store_seal_verify_step(fx->st, v, 3), 0);
}

static void test_seal_expect(struct test_seal_fx *fx, bool key, int fault, int64_t seq)
{
	struct store_seal_verify v;

	test_seal_verify(fx, key, true, &v);
	if (v.fault != fault || v.bad_seq != seq)
		fail_msg("expected %s at %lld, got %s at %lld: %s", store_seal_fault_name(fault),
		         (long long)seq, store_seal_fault_name(v.fault), (long long)v.bad_seq,
		         v.detail);
	store_seal_verify_clear(&v);
}

static void test_seal_intact(void **state)
{
	struct test_seal_fx *fx = *state;
	struct store_seal_verify v;
	struct audit_seal_key now, k;
	struct stat sb;

	test_seal_verify(fx, true, true, &v);
	assert_int_equal(v.fault, STORE_SEAL_OK);
	/* 1 event before sealing, the init event, 23 more: seals #0 (at 2), then every 5. */
	assert_int_equal(v.checked, 25);
	assert_int_equal(v.seals_checked, 5);
	assert_int_equal(v.sealed_seq, 22);
	assert_int_equal(v.unsealed, 3);
	store_seal_verify_clear(&v);
	assert_int_equal(fx->logged, 4);
	/* The state holds K(5) alone, 0600; K(0) is not in it. */
	assert_int_equal(stat(fx->key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(store_seal_key_read(fx->key, &now), 0);
	assert_int_equal(now.index, 5);
	k = fx->k0;
	audit_seal_ratchet_to(&k, 5);
	assert_memory_equal(k.key, now.key, sizeof k.key);
	assert_memory_not_equal(fx->k0.key, now.key, sizeof now.key);
	/* Sealing now seals the tail; nothing due leaves it. */
	assert_int_equal(store_seal_now(fx->st), 0);
	assert_int_equal(store_seal_now(fx->st), 0);
	test_seal_verify(fx, true, true, &v);
	assert_int_equal(v.fault, STORE_SEAL_OK);
	assert_int_equal(v.seals_checked, 6);
	assert_int_equal(v.unsealed, 0);
	store_seal_verify_clear(&v);
	/* A second init is refused. */
	assert_int_equal(store_seal_init(fx->st, fx->key, NULL, 5, 300, &k), STORE_EEXIST);
}

static void test_seal_altered(void **state)
{
	struct test_seal_fx *fx = *state;

	test_seal_sql(fx, "UPDATE audit SET detail = '没有漏水' WHERE seq = 9");
	test_seal_expect(fx, false, STORE_SEAL_ALTERED, 9);
	test_seal_expect(fx, true, STORE_SEAL_ALTERED, 9);
}

static void test_seal_deleted(void **state)
{
	struct test_seal_fx *fx = *state;

	test_seal_sql(fx, "DELETE FROM audit WHERE seq = 11");
	test_seal_expect(fx, true, STORE_SEAL_DELETED, 11);
}

static void test_seal_reordered(void **state)
{
	struct test_seal_fx *fx = *state;

	test_seal_sql(fx, "UPDATE audit SET seq = -1 WHERE seq = 14;"
	                  "UPDATE audit SET seq = 14 WHERE seq = 15;"
	                  "UPDATE audit SET seq = 15 WHERE seq = -1");
	test_seal_expect(fx, true, STORE_SEAL_REORDERED, 14);
}

/* Recomputes every hash from seq on, as an intruder can: the chain is unkeyed. */
static void test_seal_rehash(struct test_seal_fx *fx, int64_t from)
{
	struct audit_event *list = NULL;
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1];
	sqlite3 *db = test_seal_raw(fx);
	sqlite3_stmt *s;
	size_t n, i;

	assert_int_equal(store_audit_list(fx->st, 0, 100000, &list, &n), 0);
	memcpy(prev, audit_genesis_hash, sizeof prev);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE audit SET prev_hash = ?1, hash = ?2 "
	                                        "WHERE seq = ?3", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		if (list[i].seq >= from) {
			free(list[i].prev_hash);
			list[i].prev_hash = strdup(prev);
			assert_int_equal(store_audit_event_hash(&list[i], hash), 0);
			sqlite3_bind_text(s, 1, prev, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(s, 2, hash, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(s, 3, list[i].seq);
			assert_int_equal(sqlite3_step(s), SQLITE_DONE);
			sqlite3_reset(s);
		} else {
			memcpy(hash, list[i].hash, sizeof hash);
		}
		memcpy(prev, hash, sizeof prev);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	store_audit_list_free(list, n);
}

static void test_seal_inserted(void **state)
{
	struct test_seal_fx *fx = *state;

	/* Make room at 10 and put a forged event there, hashed right and chained to 9. */
	test_seal_sql(fx, "UPDATE audit SET seq = seq + 1000 WHERE seq >= 10;"
	                  "UPDATE audit SET seq = seq - 999 WHERE seq >= 1010;"
	                  "INSERT INTO audit (seq, ts_ms, action, prev_hash, hash)"
	                  " SELECT 10, ts_ms, 'forged', hash, '' FROM audit WHERE seq = 9");
	{
		struct audit_event *e = NULL;
		char hash[AUDIT_HASH_HEX + 1], sql[256];
		size_t n;

		assert_int_equal(store_audit_list(fx->st, 9, 1, &e, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(store_audit_event_hash(e, hash), 0);
		snprintf(sql, sizeof sql, "UPDATE audit SET hash = '%s' WHERE seq = 10", hash);
		store_audit_list_free(e, n);
		test_seal_sql(fx, sql);
	}
	test_seal_expect(fx, true, STORE_SEAL_INSERTED, 10);
}

static void test_seal_rebuilt(void **state)
{
	struct test_seal_fx *fx = *state;
	struct store_seal_verify v;

	/* The intruder edits event 8 and recomputes the chain: the seals catch it, key or no. */
	test_seal_sql(fx, "UPDATE audit SET detail = '已修好' WHERE seq = 8");
	test_seal_rehash(fx, 8);
	test_seal_expect(fx, false, STORE_SEAL_REBUILT, 8);
	/* ... then rewrites the seals' hashes too: only the key proves it. */
	test_seal_sql(fx, "UPDATE audit_seals SET hash = (SELECT hash FROM audit a"
	                  " WHERE a.seq = audit_seals.seq)");
	test_seal_verify(fx, false, true, &v);
	assert_int_equal(v.fault, STORE_SEAL_OK);
	store_seal_verify_clear(&v);
	test_seal_expect(fx, true, STORE_SEAL_FORGED, 8);
}

/* CVE-2023-31439: the intruder holds today's key and reseals the old stretches with it. */
static void test_seal_resealed_with_later_key(void **state)
{
	struct test_seal_fx *fx = *state;
	struct audit_seal_key now;
	struct audit_seal *seals = NULL;
	char prev[AUDIT_SEAL_MAC_HEX + 1], sql[512];
	size_t n, i;

	test_seal_sql(fx, "UPDATE audit SET detail = '已修好' WHERE seq = 8");
	test_seal_rehash(fx, 8);
	assert_int_equal(store_seal_key_read(fx->key, &now), 0);
	assert_int_equal(store_seal_list(fx->st, -1, INT64_MAX, 100, &seals, &n), 0);
	memset(prev, '0', AUDIT_SEAL_MAC_HEX);
	prev[AUDIT_SEAL_MAC_HEX] = '\0';
	for (i = 0; i < n; i++) {
		struct store_seal_verify tmp;
		bool found = false;

		(void)tmp;
		(void)found;
		{
			struct audit_event *e = NULL;
			size_t m;

			assert_int_equal(store_audit_list(fx->st, seals[i].seq - 1, 1, &e, &m), 0);
			memcpy(seals[i].hash, e[0].hash, sizeof seals[i].hash);
			store_audit_list_free(e, m);
		}
		memcpy(seals[i].prev_mac, prev, sizeof prev);
		assert_int_equal(audit_seal_mac(now.key, &seals[i], seals[i].mac), 0);
		memcpy(prev, seals[i].mac, sizeof prev);
		snprintf(sql, sizeof sql,
		         "UPDATE audit_seals SET hash = '%s', prev_mac = '%s', mac = '%s' WHERE n = %lld",
		         seals[i].hash, seals[i].prev_mac, seals[i].mac, (long long)seals[i].n);
		test_seal_sql(fx, sql);
	}
	free(seals);
	/* Without the key the log looks whole; with it seal #0 already fails. */
	{
		struct store_seal_verify v;

		test_seal_verify(fx, false, true, &v);
		assert_int_equal(v.fault, STORE_SEAL_OK);
		store_seal_verify_clear(&v);
	}
	test_seal_expect(fx, true, STORE_SEAL_FORGED, 1);
}

static void test_seal_truncated(void **state)
{
	struct test_seal_fx *fx = *state;

	/* The last sealed events removed: today's unkeyed chain cannot tell, the seal can. */
	test_seal_sql(fx, "DELETE FROM audit WHERE seq > 19");
	test_seal_expect(fx, false, STORE_SEAL_TRUNCATED, 20);
}

/* The service goes on writing after the tail was cut: the new events take the old numbers. */
static void test_seal_truncated_then_rewritten(void **state)
{
	struct test_seal_fx *fx = *state;
	int i;

	test_seal_sql(fx, "DELETE FROM audit WHERE seq > 19");
	usleep(5000);
	for (i = 0; i < 2; i++)
		assert_int_equal(store_audit(fx->st, &test_seal_ctx, "after", NULL, NULL), 0);
	test_seal_expect(fx, true, STORE_SEAL_TRUNCATED, 20);
	for (i = 0; i < 6; i++)
		assert_int_equal(store_audit(fx->st, &test_seal_ctx, "after", NULL, NULL), 0);
	test_seal_expect(fx, true, STORE_SEAL_TRUNCATED, 20);
}

static void test_seal_truncated_with_its_seals(void **state)
{
	struct test_seal_fx *fx = *state;

	/* Events and the seals over them removed: the key has moved on past the last seal. */
	test_seal_sql(fx, "DELETE FROM audit WHERE seq > 12; DELETE FROM audit_seals WHERE seq > 12");
	test_seal_expect(fx, false, STORE_SEAL_TRUNCATED, 13);
	/* Every seal removed. */
	test_seal_sql(fx, "DELETE FROM audit_seals");
	test_seal_expect(fx, true, STORE_SEAL_TRUNCATED, 1);
}

/* systemd #11524: a wrong key must not pass. */
static void test_seal_wrong_key(void **state)
{
	struct test_seal_fx *fx = *state;
	struct store_seal_verify v;

	memset(&v, 0, sizeof v);
	v.have_key = true;
	v.key.index = 0;
	memset(v.key.key, 0x42, sizeof v.key.key);
	v.now_ms = store_now_ms();
	assert_int_equal(store_seal_verify_begin(fx->st, &v), 0);
	while (!v.done)
		assert_int_equal(store_seal_verify_step(fx->st, &v, 1000), 0);
	assert_int_equal(v.fault, STORE_SEAL_FORGED);
	assert_int_equal(v.bad_seal, 0);
	store_seal_verify_clear(&v);
}

/* systemd #35916: a log still being written verifies, up to its head at the start. */
static void test_seal_live_log(void **state)
{
	struct test_seal_fx *fx = *state;
	struct store_seal_verify v;
	int i;

	memset(&v, 0, sizeof v);
	v.have_key = true;
	v.key = fx->k0;
	v.now_ms = store_now_ms();
	assert_int_equal(store_seal_verify_begin(fx->st, &v), 0);
	while (!v.done) {
		for (i = 0; i < 4; i++)
			assert_int_equal(store_audit(fx->st, &test_seal_ctx, "live", NULL, NULL), 0);
		assert_int_equal(store_seal_verify_step(fx->st, &v, 2), 0);
	}
	assert_int_equal(v.fault, STORE_SEAL_OK);
	assert_int_equal(v.checked, 25);
	store_seal_verify_clear(&v);
}

/* systemd #15425: a stretch that should have been sealed and is not is not passed as sealed. */
static void test_seal_unsealed_tail(void **state)
{
	struct test_seal_fx *fx = *state;
	struct store_seal_verify v;

	test_seal_verify(fx, true, true, &v);
	assert_int_equal(v.fault, STORE_SEAL_OK);
	assert_int_equal(v.unsealed, 3);
	store_seal_verify_clear(&v);
	memset(&v, 0, sizeof v);
	v.have_key = true;
	v.key = fx->k0;
	v.now_ms = store_now_ms() + 3600 * 1000; /* an hour later, sealing every 300 s */
	assert_int_equal(store_seal_verify_begin(fx->st, &v), 0);
	while (!v.done)
		assert_int_equal(store_seal_verify_step(fx->st, &v, 100), 0);
	assert_int_equal(v.fault, STORE_SEAL_UNSEALED);
	assert_int_equal(v.bad_seq, 23);
	store_seal_verify_clear(&v);
}

/* A crash after a seal's commit, before the key's rewrite: the next start moves it on. */
static void test_seal_state_caught_up(void **state)
{
	struct test_seal_fx *fx = *state;
	struct audit_seal_key old = fx->k0, now;
	struct store_seal_verify v;

	audit_seal_ratchet_to(&old, 3);
	store_seal_detach(fx->st);
	assert_int_equal(store_seal_key_write(fx->key, &old, false), 0);
	assert_int_equal(store_seal_attach(fx->st, fx->key, 5, 300, NULL, NULL), 0);
	assert_int_equal(store_seal_key_read(fx->key, &now), 0);
	assert_int_equal(now.index, 5);
	assert_int_equal(store_seal_now(fx->st), 0);
	test_seal_verify(fx, true, true, &v);
	assert_int_equal(v.fault, STORE_SEAL_OK);
	store_seal_verify_clear(&v);
	/* A key state from elsewhere: the verifier with the auditors' key says so. */
	memset(old.key, 7, sizeof old.key);
	old.index = 6;
	store_seal_detach(fx->st);
	assert_int_equal(store_seal_key_write(fx->key, &old, false), 0);
	test_seal_expect(fx, true, STORE_SEAL_KEYSTATE, 0);
}

/* A long log is split between two threads in each step; damage in either half is still
 * named at its event. */
static void test_seal_long_log_split(void **state)
{
	struct test_seal_fx *fx = *state;
	struct store_seal_verify v;
	int i;

	assert_int_equal(store_tx_batch_begin(fx->st), 0);
	for (i = 0; i < 50000; i++)
		assert_int_equal(store_audit(fx->st, &test_seal_ctx, "bulk", NULL, "x"), 0);
	assert_int_equal(store_tx_batch_end(fx->st, 0), 0);
	assert_int_equal(store_seal_now(fx->st), 0);
	memset(&v, 0, sizeof v);
	v.have_key = true;
	v.key = fx->k0;
	v.now_ms = store_now_ms();
	assert_int_equal(store_seal_verify_begin(fx->st, &v), 0);
	while (!v.done)
		assert_int_equal(store_seal_verify_step(fx->st, &v, 500000), 0);
	assert_int_equal(v.fault, STORE_SEAL_OK);
	assert_int_equal(v.checked, 50025);
	assert_int_equal(v.unsealed, 0);
	store_seal_verify_clear(&v);
	test_seal_sql(fx, "UPDATE audit SET detail = 'y' WHERE seq = 40000");
	test_seal_expect(fx, true, STORE_SEAL_ALTERED, 40000);
	test_seal_sql(fx, "DELETE FROM audit WHERE seq = 30000");
	memset(&v, 0, sizeof v);
	v.now_ms = store_now_ms();
	assert_int_equal(store_seal_verify_begin(fx->st, &v), 0);
	while (!v.done)
		assert_int_equal(store_seal_verify_step(fx->st, &v, 500000), 0);
	assert_int_equal(v.fault, STORE_SEAL_DELETED);
	assert_int_equal(v.bad_seq, 30000);
	store_seal_verify_clear(&v);
	test_seal_sql(fx, "UPDATE audit SET detail = 'z' WHERE seq = 10");
	test_seal_expect(fx, true, STORE_SEAL_ALTERED, 10);
}

static void test_seal_key_parse(void **state)
{
	struct audit_seal_key k, back;
	char text[AUDIT_SEAL_KEY_FILE_MAX];
	size_t len;
	static const char *const bad[] = {
	    "",
	    "propdesk-audit-seal-key v1\n",
	    "propdesk-audit-seal-key v2\nindex 0\nkey "
	    "0000000000000000000000000000000000000000000000000000000000000000\n",
	    "propdesk-audit-seal-key v1\nindex -1\nkey "
	    "0000000000000000000000000000000000000000000000000000000000000000\n",
	    "propdesk-audit-seal-key v1\nindex +1\nkey "
	    "0000000000000000000000000000000000000000000000000000000000000000\n",
	    "propdesk-audit-seal-key v1\nindex 1\nkey "
	    "000000000000000000000000000000000000000000000000000000000000000\n",
	    "propdesk-audit-seal-key v1\nindex 1\nkey "
	    "000000000000000000000000000000000000000000000000000000000000000G\n",
	    "propdesk-audit-seal-key v1\nindex 1\nkey "
	    "0000000000000000000000000000000000000000000000000000000000000000\nmore\n",
	};
	size_t i;

	(void)state;
	memset(&k, 0, sizeof k);
	k.index = 42;
	for (i = 0; i < sizeof k.key; i++)
		k.key[i] = (unsigned char)(i * 7);
	len = audit_seal_key_format(&k, text, sizeof text);
	assert_int_equal(audit_seal_key_parse(text, len, &back), 0);
	assert_int_equal(back.index, 42);
	assert_memory_equal(back.key, k.key, sizeof k.key);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(audit_seal_key_parse(bad[i], strlen(bad[i]), &back), -EINVAL);
}

#define TEST_SEAL(f) cmocka_unit_test_setup_teardown(f, test_seal_setup, test_seal_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_SEAL(test_seal_intact),
	    TEST_SEAL(test_seal_altered),
	    TEST_SEAL(test_seal_deleted),
	    TEST_SEAL(test_seal_reordered),
	    TEST_SEAL(test_seal_inserted),
	    TEST_SEAL(test_seal_rebuilt),
	    TEST_SEAL(test_seal_resealed_with_later_key),
	    TEST_SEAL(test_seal_truncated),
	    TEST_SEAL(test_seal_truncated_then_rewritten),
	    TEST_SEAL(test_seal_truncated_with_its_seals),
	    TEST_SEAL(test_seal_wrong_key),
	    TEST_SEAL(test_seal_live_log),
	    TEST_SEAL(test_seal_unsealed_tail),
	    TEST_SEAL(test_seal_state_caught_up),
	    TEST_SEAL(test_seal_long_log_split),
	    cmocka_unit_test(test_seal_key_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
