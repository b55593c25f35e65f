/* test_store_owner — the owners as a table of their own (store_owner.c, schema 10) on a real
 * database: a unit with several owners and an owner with several phones, in order, the units'
 * owner columns mirroring the first owner; one owner (one ID number) on two units, linked by
 * the import and by store_owner_add, deleted with the last link; re-imports feeding the first
 * owner and changing nothing when nothing differs; values refused; movein find by any owner's
 * name, phone or ID number and by a resident's name; and the migration of step 9's units. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_owner.h"
#include "store_resident.h"
#include "store_schema.h"
#include "store_unit.h"
#include "testhost.h"

#define TEST_SO_ID1 "320102198001011238"
#define TEST_SO_ID2 "11010519491231002X"

static void test_so_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err != NULL ? err : "?");
	sqlite3_close(db);
}

static int64_t test_so_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void test_so_import(struct testhost *th, struct unit *u, size_t n, unsigned fields,
                           size_t added, size_t updated, size_t unchanged)
{
	struct unit_import_result res;

	assert_int_equal(store_unit_import(th->st, &testhost_setup_ctx, u, n, fields, false, &res),
	                 0);
	assert_int_equal(res.added, added);
	assert_int_equal(res.updated, updated);
	assert_int_equal(res.unchanged, unchanged);
}

/* The unit's mirror columns. */
static void test_so_mirror(struct testhost *th, const char *code, const char *name,
                           const char *phone, const char *id)
{
	struct unit u;

	assert_int_equal(store_unit_get(th->st, code, &u), 0);
	if (name == NULL)
		assert_null(u.owner_name);
	else
		assert_string_equal(u.owner_name, name);
	if (phone == NULL)
		assert_null(u.owner_phone);
	else
		assert_string_equal(u.owner_phone, phone);
	if (id == NULL)
		assert_null(u.owner_id);
	else
		assert_string_equal(u.owner_id, id);
	store_unit_clear(&u);
}

/* The codes store_unit_find answers for text, joined by spaces. */
static void test_so_find(struct testhost *th, const char *text, const char *want)
{
	struct unit *list = NULL;
	char got[256] = "";
	size_t n = 0, i;

	assert_int_equal(store_unit_find(th->st, text, 10, 0, &list, &n), 0);
	for (i = 0; i < n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, list[i].code);
	}
	store_unit_list_free(list, n);
	assert_string_equal(got, want);
}

static void test_so_several(void **state)
{
	struct testhost *th = testhost_new("test_store_owner");
	const struct audit_ctx *c = &testhost_setup_ctx;
	struct unit u[1];
	struct owner *list = NULL;
	int64_t id1, id2;
	bool linked, deleted;
	size_t n;

	(void)state;
	memset(u, 0, sizeof u);
	u[0].code = "3-2-1201";
	u[0].owner_name = "李建国";
	u[0].owner_phone = "13900001111";
	u[0].owner_id = TEST_SO_ID1;
	test_so_import(th, u, 1,
	               UNIT_IMPORT_OWNER_NAME | UNIT_IMPORT_OWNER_PHONE | UNIT_IMPORT_OWNER_ID, 1, 0,
	               0);
	assert_int_equal(store_owner_add(th->st, c, "3-2-1201", "王秀英", TEST_SO_ID2,
	                                 "13700002222", &id2, &linked),
	                 0);
	assert_false(linked);
	assert_int_equal(store_owner_phone_add(th->st, c, id2, "010-88886666"), 0);
	assert_int_equal(store_owner_phone_add(th->st, c, id2, "010-88886666"), STORE_EEXIST);
	assert_int_equal(store_owner_phone_add(th->st, c, id2, "12345"), STORE_EINVAL);
	assert_int_equal(store_owner_add(th->st, c, "3-2-1201", "王秀英", TEST_SO_ID2, NULL, &id1,
	                                 &linked),
	                 STORE_EEXIST);
	assert_int_equal(store_owner_add(th->st, c, "9-9-999", "某人", NULL, NULL, &id1, &linked),
	                 STORE_ENOENT);
	assert_int_equal(store_owner_add(th->st, c, "3-2-1201", "某人", "320102198001011239", NULL,
	                                 &id1, &linked),
	                 STORE_EINVAL); /* a wrong check digit */
	assert_int_equal(store_owner_add(th->st, c, "3-2-1201", "", NULL, NULL, &id1, &linked),
	                 STORE_EINVAL);

	assert_int_equal(store_owner_list(th->st, "3-2-1201", &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "李建国");
	assert_int_equal(list[0].nphones, 1);
	assert_string_equal(list[1].name, "王秀英");
	assert_int_equal(list[1].id, id2);
	assert_int_equal(list[1].nphones, 2);
	assert_string_equal(list[1].phones[0], "13700002222");
	assert_string_equal(list[1].phones[1], "010-88886666");
	assert_int_equal(list[1].nunits, 1);
	assert_string_equal(list[1].units[0], "3-2-1201");
	id1 = list[0].id;
	store_owner_list_free(list, n);
	assert_int_equal(store_owner_list(th->st, "9-9-999", &list, &n), STORE_ENOENT);

	/* The mirror is the first owner; any owner is found. */
	test_so_mirror(th, "3-2-1201", "李建国", "13900001111", TEST_SO_ID1);
	test_so_find(th, "秀英", "3-2-1201");
	test_so_find(th, "88886666", "3-2-1201");
	test_so_find(th, "1231002x", "3-2-1201");
	assert_int_equal(store_owner_phone_remove(th->st, c, id2, "010-88886666"), 0);
	assert_int_equal(store_owner_phone_remove(th->st, c, id2, "010-88886666"), STORE_ENOENT);
	test_so_find(th, "88886666", "");

	/* The first owner goes: the second is mirrored. */
	assert_int_equal(store_owner_remove(th->st, c, "3-2-1201", id1, &deleted), 0);
	assert_true(deleted);
	assert_int_equal(store_owner_remove(th->st, c, "3-2-1201", id1, &deleted), STORE_ENOENT);
	test_so_mirror(th, "3-2-1201", "王秀英", "13700002222", TEST_SO_ID2);
	test_so_find(th, "李建国", "");
	assert_int_equal(testhost_audit_count(th->st, "owner.add", NULL), 1);
	assert_int_equal(testhost_audit_count(th->st, "owner.phone_add", NULL), 1);
	assert_int_equal(testhost_audit_count(th->st, "owner.phone_remove", NULL), 1);
	assert_int_equal(testhost_audit_count(th->st, "owner.remove", "deleted=1"), 1);
	assert_int_equal(test_so_int(th->path, "SELECT count(*) FROM owners"), 1);
	testhost_free(th);
}

static void test_so_shared(void **state)
{
	struct testhost *th = testhost_new("test_store_owner");
	const struct audit_ctx *c = &testhost_setup_ctx;
	const unsigned all =
	    UNIT_IMPORT_OWNER_NAME | UNIT_IMPORT_OWNER_PHONE | UNIT_IMPORT_OWNER_ID;
	struct unit u[3];
	struct owner o, *list = NULL;
	struct resident r;
	int64_t id, rid;
	bool linked, deleted;
	size_t n;

	(void)state;
	memset(u, 0, sizeof u);
	u[0].code = "1-1-101";
	u[1].code = "1-1-102";
	u[2].code = "1-1-103";
	u[0].owner_name = u[1].owner_name = "张伟";
	u[0].owner_phone = u[1].owner_phone = "13900001111";
	u[0].owner_id = u[1].owner_id = TEST_SO_ID1;
	u[2].owner_name = "刘洋";
	test_so_import(th, u, 3, all, 3, 0, 0);
	/* One person, two units. */
	assert_int_equal(test_so_int(th->path, "SELECT count(*) FROM owners"), 2);
	assert_int_equal(store_owner_list(th->st, "1-1-102", &list, &n), 0);
	assert_int_equal(n, 1);
	id = list[0].id;
	assert_int_equal(list[0].nunits, 2);
	assert_string_equal(list[0].units[0], "1-1-101");
	assert_string_equal(list[0].units[1], "1-1-102");
	store_owner_list_free(list, n);
	/* The same file again changes nothing. */
	test_so_import(th, u, 3, all, 0, 0, 3);
	/* Added by ID number on a third unit: linked, their name kept. */
	assert_int_equal(store_owner_add(th->st, c, "1-1-103", "张 伟", TEST_SO_ID1, "13800003333",
	                                 &rid, &linked),
	                 0);
	assert_true(linked);
	assert_int_equal(rid, id);
	assert_int_equal(store_owner_get(th->st, id, &o), 0);
	assert_string_equal(o.name, "张伟");
	assert_int_equal(o.nunits, 3);
	assert_int_equal(o.nphones, 2);
	store_owner_clear(&o);
	test_so_mirror(th, "1-1-103", "刘洋", NULL, NULL);
	test_so_find(th, "张伟", "1-1-101 1-1-102 1-1-103");

	/* A re-import renames the shared owner: every unit's mirror follows; a new phone
	 * replaces the first. */
	u[1].owner_name = "张卫";
	u[1].owner_phone = "13911112222";
	test_so_import(th, u + 1, 1, all, 0, 1, 0);
	test_so_mirror(th, "1-1-101", "张卫", "13911112222", TEST_SO_ID1);
	assert_int_equal(store_owner_get(th->st, id, &o), 0);
	assert_int_equal(o.nphones, 2);
	assert_string_equal(o.phones[0], "13911112222");
	assert_string_equal(o.phones[1], "13800003333");
	store_owner_clear(&o);
	/* Another ID number on 1-1-102: another person takes the first place. */
	u[1].owner_name = "赵敏";
	u[1].owner_phone = NULL;
	u[1].owner_id = TEST_SO_ID2;
	test_so_import(th, u + 1, 1, all, 0, 1, 0);
	test_so_mirror(th, "1-1-102", "赵敏", NULL, TEST_SO_ID2);
	test_so_mirror(th, "1-1-101", "张卫", "13911112222", TEST_SO_ID1);
	test_so_import(th, u + 1, 1, all, 0, 0, 1);
	/* Emptied: no owner. */
	u[1].owner_name = NULL;
	u[1].owner_id = NULL;
	test_so_import(th, u + 1, 1, all, 0, 1, 0);
	assert_int_equal(store_owner_list(th->st, "1-1-102", &list, &n), 0);
	assert_int_equal(n, 0);
	test_so_import(th, u + 1, 1, all, 0, 0, 1);

	/* Removed from its units one by one: deleted with the last. */
	assert_int_equal(store_owner_remove(th->st, c, "1-1-101", id, &deleted), 0);
	assert_false(deleted);
	test_so_mirror(th, "1-1-101", NULL, NULL, NULL);
	assert_int_equal(store_owner_link(th->st, c, "1-1-101", id), 0);
	assert_int_equal(store_owner_link(th->st, c, "1-1-101", id), STORE_EEXIST);
	assert_int_equal(store_owner_link(th->st, c, "1-1-101", 999), STORE_ENOENT);
	test_so_mirror(th, "1-1-101", "张卫", "13911112222", TEST_SO_ID1);
	assert_int_equal(store_owner_remove(th->st, c, "1-1-101", id, &deleted), 0);
	assert_int_equal(store_owner_remove(th->st, c, "1-1-103", id, &deleted), 0);
	assert_true(deleted);
	assert_int_equal(store_owner_get(th->st, id, &o), STORE_ENOENT);
	assert_int_equal(test_so_int(th->path, "SELECT count(*) FROM owner_phones"), 0);

	/* A resident's name finds the unit, until they move out. */
	memset(&r, 0, sizeof r);
	r.unit = "1-1-103";
	r.name = "欧阳娜娜";
	r.age = -1;
	assert_int_equal(store_resident_add(th->st, c, &r, &rid), 0);
	test_so_find(th, "阳娜", "1-1-103");
	assert_int_equal(store_resident_remove(th->st, c, rid, "搬走"), 0);
	test_so_find(th, "阳娜", "");
	testhost_free(th);
}

/* A database of schema 9 (units with the owner in their columns) brought to 10. */
static void test_so_migration(void **state)
{
	struct testhost *th = testhost_new("test_store_owner");
	struct store *st = NULL;
	struct owner *list = NULL;
	struct unit *found = NULL;
	char path[192];
	size_t n;

	(void)state;
	snprintf(path, sizeof path, "%s/nine.db", th->dir);
	assert_int_equal(store_open(path, 0, 1000, &st), 0);
	assert_int_equal(store_schema_migrate_to(st, 9), 0);
	assert_int_equal(store_schema_version(st), 9);
	test_so_exec(path, "INSERT INTO units (code, owner_name, owner_phone, owner_id, created)"
	                   " VALUES ('2-1-101', '陈静', '13900001111', '" TEST_SO_ID1 "', 1),"
	                   " ('2-1-102', '陈静', '13900002222', '" TEST_SO_ID1 "', 1),"
	                   " ('2-1-103', '黄磊', '13700003333', NULL, 1),"
	                   " ('2-1-104', NULL, '0755-12345678', NULL, 1),"
	                   " ('2-1-105', NULL, NULL, NULL, 1)");
	assert_int_equal(store_schema_migrate(st), 0);
	assert_int_equal(store_schema_version(st), store_schema_latest_version());
	assert_int_equal(test_so_int(path, "SELECT count(*) FROM owners"), 3);
	assert_int_equal(test_so_int(path, "SELECT count(*) FROM unit_owners"), 4);
	assert_int_equal(test_so_int(path, "SELECT count(*) FROM owner_phones"), 4);
	assert_int_equal(store_owner_list(st, "2-1-102", &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].name, "陈静");
	assert_string_equal(list[0].id_number, TEST_SO_ID1);
	assert_int_equal(list[0].nphones, 2);
	assert_string_equal(list[0].phones[0], "13900001111");
	assert_int_equal(list[0].nunits, 2);
	store_owner_list_free(list, n);
	assert_int_equal(store_owner_list(st, "2-1-104", &list, &n), 0);
	assert_int_equal(n, 1);
	assert_null(list[0].name);
	assert_string_equal(list[0].phones[0], "0755-12345678");
	store_owner_list_free(list, n);
	assert_int_equal(store_owner_list(st, "2-1-105", &list, &n), 0);
	assert_int_equal(n, 0);
	/* The search document was rebuilt from the owners. */
	assert_int_equal(store_unit_find(st, "黄磊", 10, 0, &found, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(found[0].code, "2-1-103");
	store_unit_list_free(found, n);
	assert_int_equal(store_unit_find(st, "2222", 10, 0, &found, &n), 0);
	assert_int_equal(n, 2); /* the shared owner's phones: both units */
	store_unit_list_free(found, n);
	store_close(st);
	testhost_free(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_so_several),
	    cmocka_unit_test(test_so_shared),
	    cmocka_unit_test(test_so_migration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
