/* test_store_sortkey — unit codes in their natural order: the sort key of a code (digit runs
 * by their length, leading zeros dropped, other bytes kept), the order of unit list, unit find
 * and the matcher's scan (2-* before 10-*, 3-2-901 before 3-2-1201), read through the key's
 * index without a sort, units added by the store and by import keyed, and the migration that
 * keys the units already registered. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "store_schema.h"
#include "store_sortkey.h"
#include "store_unit.h"
#include "testhost.h"

static const struct audit_ctx test_sk_ctx = {
    .account = "admin1", .role = "admin", .session = "t", .peer = "-", .transport = "cli"};

static void test_sk_key(const char *code, const char *want)
{
	char out[128];
	size_t n = store_sortkey_of(code, strlen(code), out, sizeof out);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	assert_true(n <= 2 * strlen(code) + 2);
}

static void test_sk_pure(void **state)
{
	char small[6];
	int i;
	/* In natural order. */
	static const char *const order[] = {"1-1-01",       "1-1-2",    "2-1-101", "3-2-901",
	                                    "3-2-1201",     "3栋2单元901", "3栋2单元1201", "10-1-101",
	                                    "A3",           "A10",      "B",       "B-2"};

	(void)state;
	test_sk_key("", "");
	test_sk_key("7", "017");
	test_sk_key("3-2-901", "013-012-03901");
	test_sk_key("3-2-1201", "013-012-041201");
	test_sk_key("007", "017");
	test_sk_key("000", "010");
	test_sk_key("B栋12", "B栋0212");
	test_sk_key("7-7-7", "017-017-017");
	/* Cut as snprintf cuts, the whole length returned. */
	assert_int_equal(store_sortkey_of("3-2-901", 7, small, sizeof small), 13);
	assert_string_equal(small, "013-0");
	for (i = 0; i + 1 < (int)(sizeof order / sizeof order[0]); i++) {
		char a[128], b[128];

		store_sortkey_of(order[i], strlen(order[i]), a, sizeof a);
		store_sortkey_of(order[i + 1], strlen(order[i + 1]), b, sizeof b);
		if (strcmp(a, b) >= 0)
			fail_msg("%s (%s) is not before %s (%s)", order[i], a, order[i + 1], b);
	}
}

static sqlite3 *test_sk_raw(const struct testhost *th)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(th->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(store_sortkey_register(db), SQLITE_OK);
	return db;
}

static void test_sk_exec(const struct testhost *th, const char *sql)
{
	sqlite3 *db = test_sk_raw(th);
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err != NULL ? err : "?");
	sqlite3_close(db);
}

/* The rows of a query, joined by spaces. */
static void test_sk_rows(const struct testhost *th, const char *sql, struct buf *out)
{
	sqlite3 *db = test_sk_raw(th);
	sqlite3_stmt *s = NULL;

	buf_reset(out);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, sqlite3_column_count(s) - 1);

		if (out->len > 0)
			buf_putc(out, ' ');
		buf_puts(out, t != NULL ? (const char *)t : "NULL");
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void test_sk_codes(const struct unit *list, size_t n, struct buf *out)
{
	size_t i;

	buf_reset(out);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, ' ');
		buf_puts(out, list[i].code);
	}
}

static int test_sk_match(void *arg, const char *text, size_t len)
{
	(void)arg;
	return memchr(text, '-', len) != NULL;
}

static void test_sk_store(void **state)
{
	static const char *const added[] = {"10-1-101", "3-2-1201", "2-1-101", "3-2-901", "1-1-01"};
	static const char *const imported[] = {"3-2-99", "20-1-1", "3-2-1000"};
	const char *want = "1-1-01 2-1-101 3-2-99 3-2-901 3-2-1000 3-2-1201 10-1-101 20-1-1";
	struct testhost *th = testhost_new("test_store_sortkey");
	struct unit u, imp[3], *list = NULL;
	struct unit_import_result res;
	struct buf got;
	size_t n = 0, i;

	(void)state;
	assert_non_null(th);
	buf_init(&got);
	for (i = 0; i < sizeof added / sizeof added[0]; i++) {
		memset(&u, 0, sizeof u);
		u.code = (char *)added[i];
		u.owner_name = (char *)"张三";
		assert_int_equal(store_unit_add(th->st, &test_sk_ctx, &u), 0);
	}
	memset(imp, 0, sizeof imp);
	for (i = 0; i < 3; i++) {
		imp[i].code = (char *)imported[i];
		imp[i].owner_name = (char *)"张三";
	}
	assert_int_equal(store_unit_import(th->st, &test_sk_ctx, imp, 3, UNIT_IMPORT_OWNER_NAME,
	                                   false, &res),
	                 0);

	/* unit list, in pages. */
	assert_int_equal(store_unit_list(th->st, 100, 0, &list, &n), 0);
	test_sk_codes(list, n, &got);
	assert_string_equal(buf_cstr(&got), want);
	store_unit_list_free(list, n);
	assert_int_equal(store_unit_list(th->st, 3, 3, &list, &n), 0);
	test_sk_codes(list, n, &got);
	assert_string_equal(buf_cstr(&got), "3-2-901 3-2-1000 3-2-1201");
	store_unit_list_free(list, n);
	/* unit find, through the index and by the matcher. */
	assert_int_equal(store_unit_find(th->st, "张三", 0, 0, &list, &n), 0);
	test_sk_codes(list, n, &got);
	assert_string_equal(buf_cstr(&got), want);
	store_unit_list_free(list, n);
	assert_int_equal(store_unit_find(th->st, "-1", 0, 0, &list, &n), 0);
	test_sk_codes(list, n, &got);
	assert_string_equal(buf_cstr(&got), "1-1-01 2-1-101 3-2-1000 3-2-1201 10-1-101 20-1-1");
	store_unit_list_free(list, n);
	assert_int_equal(store_unit_find_match(th->st, test_sk_match, NULL, 0, 0, &list, &n), 0);
	test_sk_codes(list, n, &got);
	assert_string_equal(buf_cstr(&got), want);
	store_unit_list_free(list, n);

	/* The page is read through the key's index, without sorting the register. */
	test_sk_rows(th,
	             "EXPLAIN QUERY PLAN SELECT id, code FROM units INDEXED BY units_sort_key"
	             " ORDER BY sort_key, code LIMIT 100 OFFSET 0",
	             &got);
	assert_non_null(strstr(buf_cstr(&got), "units_sort_key"));
	assert_null(strstr(buf_cstr(&got), "TEMP B-TREE"));

	/* The migration keys the units registered before it. */
	test_sk_exec(th, "DROP INDEX units_sort_key; ALTER TABLE units DROP COLUMN sort_key;"
	                 " PRAGMA user_version = 14;");
	{
		struct store *st = NULL; /* a new connection: the schema as it now is */
		int rc;

		assert_int_equal(store_open(th->path, 0, 5000, &st), 0);
		rc = store_schema_migrate_to(st, 15);
		if (rc != 0)
			fail_msg("migrate: %d %s", rc, store_last_error(st));
		store_close(st);
	}
	test_sk_rows(th, "SELECT count(*) FROM units WHERE sort_key IS NULL", &got);
	assert_string_equal(buf_cstr(&got), "0");
	test_sk_rows(th, "SELECT sort_key FROM units WHERE code = '3-2-1201'", &got);
	assert_string_equal(buf_cstr(&got), "013-012-041201");
	assert_int_equal(store_unit_list(th->st, 100, 0, &list, &n), 0);
	test_sk_codes(list, n, &got);
	assert_string_equal(buf_cstr(&got), want);
	store_unit_list_free(list, n);
	{
		char sql[64];

		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_latest_version());
		test_sk_exec(th, sql);
	}
	buf_free(&got);
	testhost_free(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sk_pure),
	    cmocka_unit_test(test_sk_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
