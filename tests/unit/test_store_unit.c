/* test_store_unit — the unit register's bulk import: the store's store_unit_import (added,
 * updated, unchanged; only the columns given are changed; duplicates and bad values refused
 * with their index; all or nothing, also when the disk fills up midway; dry runs write
 * nothing; audit events in the same transaction) and the `unit import` command through the
 * real shell in exec mode against the shared test host: Chinese headers with a BOM and CRLF,
 * quoted fields, bilingual errors naming the line (and the column), nothing written after an
 * error, --dry-run, --ignore-unknown, --json, roles, and refusal in interactive mode. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "shell.h"
#include "store.h"
#include "store_complaint.h"
#include "store_unit.h"
#include "testhost.h"

static int test_su_setup(void **state)
{
	struct testhost *th = testhost_new("test_store_unit");

	if (th == NULL)
		return -1;
	testhost_account_add(th, "admin1", "管理员", ROLE_ADMIN, "en", NULL);
	testhost_account_add(th, "admin2", "管理员乙", ROLE_ADMIN, "zh", NULL);
	testhost_account_add(th, "agent1", "王小明", ROLE_AGENT, "zh", NULL);
	*state = th;
	return 0;
}

static int test_su_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

static int64_t test_su_count(struct store *st)
{
	int64_t n = -1;

	assert_int_equal(store_unit_count(st, &n), 0);
	return n;
}

static struct unit test_su_unit(const char *code, const char *building, const char *owner,
                                const char *phone, double area)
{
	struct unit u;

	memset(&u, 0, sizeof u);
	u.code = (char *)code;
	u.building = (char *)building;
	u.owner_name = (char *)owner;
	u.owner_phone = (char *)phone;
	u.area_m2 = area;
	return u;
}

#define TEST_SU_ALL                                                                                \
	(UNIT_IMPORT_BUILDING | UNIT_IMPORT_OWNER_NAME | UNIT_IMPORT_OWNER_PHONE | UNIT_IMPORT_AREA)

/* ---- the store ------------------------------------------------------------------------------ */

static void test_su_store_add_update(void **state)
{
	struct testhost *th = *state;
	struct unit_import_result res;
	struct unit units[3], got;

	units[0] = test_su_unit("1-1-101", "1栋", "张三", "13800000001", 89.5);
	units[1] = test_su_unit("1-1-102", "1栋", NULL, NULL, 0);
	units[2] = test_su_unit("3栋2单元1201", "3栋", "李四", "021-12345678", 120);
	assert_int_equal(
	    store_unit_import(th->st, &testhost_setup_ctx, units, 3, TEST_SU_ALL, false, &res), 0);
	assert_int_equal(res.added, 3);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, 0);
	assert_int_equal(test_su_count(th->st), 3);
	assert_int_equal(testhost_audit_count(th->st, "unit.import", "units=3 added=3"), 1);
	assert_int_equal(store_unit_get(th->st, "3栋2单元1201", &got), 0);
	assert_string_equal(got.owner_name, "李四");
	assert_string_equal(got.owner_phone, "021-12345678");
	assert_true(got.area_m2 == 120);
	store_unit_clear(&got);
	assert_int_equal(store_unit_get(th->st, "1-1-102", &got), 0);
	assert_null(got.owner_name);
	assert_true(got.area_m2 == 0);
	store_unit_clear(&got);

	/* The same again: unchanged. One changed phone: updated, audited with the field. */
	units[0].owner_phone = (char *)"13900000009";
	assert_int_equal(
	    store_unit_import(th->st, &testhost_setup_ctx, units, 3, TEST_SU_ALL, false, &res), 0);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.unchanged, 2);
	assert_int_equal(testhost_audit_count(th->st, "unit.update", "changed=owner_phone"), 1);
	assert_int_equal(store_unit_get(th->st, "1-1-101", &got), 0);
	assert_string_equal(got.owner_phone, "13900000009");
	store_unit_clear(&got);

	/* Only the owner's name given: the rest is kept; an empty name clears it. */
	units[0] = test_su_unit("1-1-101", NULL, "张三丰", NULL, 0);
	units[1] = test_su_unit("3栋2单元1201", NULL, "", NULL, 0);
	assert_int_equal(store_unit_import(th->st, &testhost_setup_ctx, units, 2,
	                                   UNIT_IMPORT_OWNER_NAME, false, &res),
	                 0);
	assert_int_equal(res.updated, 2);
	assert_int_equal(store_unit_get(th->st, "1-1-101", &got), 0);
	assert_string_equal(got.owner_name, "张三丰");
	assert_string_equal(got.building, "1栋");
	assert_string_equal(got.owner_phone, "13900000009");
	assert_true(got.area_m2 == 89.5);
	store_unit_clear(&got);
	assert_int_equal(store_unit_get(th->st, "3栋2单元1201", &got), 0);
	assert_null(got.owner_name);
	assert_string_equal(got.owner_phone, "021-12345678");
	store_unit_clear(&got);
	/* The area cleared by 0 when the area is given. */
	units[0] = test_su_unit("1-1-101", NULL, NULL, NULL, 0);
	assert_int_equal(
	    store_unit_import(th->st, &testhost_setup_ctx, units, 1, UNIT_IMPORT_AREA, false, &res),
	    0);
	assert_int_equal(res.updated, 1);
	assert_int_equal(store_unit_get(th->st, "1-1-101", &got), 0);
	assert_true(got.area_m2 == 0);
	store_unit_clear(&got);
}

static void test_su_store_refused(void **state)
{
	struct testhost *th = *state;
	struct unit_import_result res;
	struct unit units[4];
	size_t events = testhost_audit_count(th->st, "unit.import", NULL);

	units[0] = test_su_unit("2-1-101", NULL, NULL, NULL, 0);
	units[1] = test_su_unit("2-1-102", NULL, NULL, NULL, 0);
	units[2] = test_su_unit("2-1-103", NULL, NULL, "12345", 0);
	units[3] = test_su_unit("2-1-101", NULL, NULL, NULL, 0);
	/* A bad phone: its index, nothing written. */
	assert_int_equal(
	    store_unit_import(th->st, &testhost_setup_ctx, units, 4, TEST_SU_ALL, false, &res),
	    STORE_EINVAL);
	assert_int_equal(res.bad, 2);
	/* A phone not among the fields is not looked at; the code given twice is refused. */
	assert_int_equal(store_unit_import(th->st, &testhost_setup_ctx, units, 4, 0, false, &res),
	                 STORE_EEXIST);
	assert_int_equal(res.bad, 3);
	assert_int_equal(res.added, 0);
	/* Bad codes, text with a control character, areas out of range, sizes. */
	units[0] = test_su_unit("2 1 101", NULL, NULL, NULL, 0);
	assert_int_equal(store_unit_import(th->st, &testhost_setup_ctx, units, 1, 0, false, &res),
	                 STORE_EINVAL);
	units[0] = test_su_unit("2-1-101", "a\x1b[2J", NULL, NULL, 0);
	assert_int_equal(store_unit_import(th->st, &testhost_setup_ctx, units, 1,
	                                   UNIT_IMPORT_BUILDING, false, &res),
	                 STORE_EINVAL);
	units[0] = test_su_unit("2-1-101", NULL, NULL, NULL, -1);
	assert_int_equal(
	    store_unit_import(th->st, &testhost_setup_ctx, units, 1, UNIT_IMPORT_AREA, false, &res),
	    STORE_EINVAL);
	units[0] = test_su_unit("2-1-101", NULL, NULL, NULL, 2e6);
	assert_int_equal(
	    store_unit_import(th->st, &testhost_setup_ctx, units, 1, UNIT_IMPORT_AREA, false, &res),
	    STORE_EINVAL);
	assert_int_equal(store_unit_import(th->st, &testhost_setup_ctx, units, 0, 0, false, &res),
	                 STORE_EINVAL);
	assert_int_equal(
	    store_unit_import(th->st, &testhost_setup_ctx, units, 1, 0x100, false, &res),
	    STORE_EINVAL);
	assert_int_equal(store_unit_get(th->st, "2-1-101", &units[3]), STORE_ENOENT);
	assert_int_equal(testhost_audit_count(th->st, "unit.import", NULL), events);
}

static void test_su_store_dry_run(void **state)
{
	struct testhost *th = *state;
	struct unit_import_result res;
	struct unit units[2];
	int64_t before = test_su_count(th->st);
	size_t events = testhost_audit_count(th->st, "unit.import", NULL);

	units[0] = test_su_unit("9-9-901", NULL, NULL, NULL, 0);
	units[1] = test_su_unit("1-1-102", "一栋", NULL, NULL, 0); /* there, building changed */
	assert_int_equal(store_unit_import(th->st, &testhost_setup_ctx, units, 2,
	                                   UNIT_IMPORT_BUILDING, true, &res),
	                 0);
	assert_int_equal(res.added, 1);
	assert_int_equal(res.updated, 1);
	assert_int_equal(test_su_count(th->st), before);
	assert_int_equal(testhost_audit_count(th->st, "unit.import", NULL), events);
	assert_int_equal(store_unit_get(th->st, "9-9-901", &units[0]), STORE_ENOENT);
}

/* The disk fills up in the middle of a big import: nothing of it stays. */
static void test_su_store_full(void **state)
{
	struct testhost *th = *state;
	struct unit_import_result res;
	int64_t before = test_su_count(th->st);
	size_t n = 20000, i;
	struct unit *units = calloc(n, sizeof *units);
	char(*codes)[32] = calloc(n, sizeof *codes);
	int rc;

	assert_non_null(units);
	assert_non_null(codes);
	for (i = 0; i < n; i++) {
		snprintf(codes[i], sizeof codes[i], "F-%zu", i);
		units[i] =
		    test_su_unit(codes[i], "一栋", "业主的名字比较长一些", "13800000000", 88);
	}
	assert_int_equal(store_set_max_size(th->st, 1), 0); /* its current size */
	rc = store_unit_import(th->st, &testhost_setup_ctx, units, n, TEST_SU_ALL, false, &res);
	assert_int_equal(rc, STORE_EFULL);
	assert_int_equal(store_set_max_size(th->st, 0), 0);
	assert_int_equal(test_su_count(th->st), before);
	/* And then it goes through, in one piece. */
	assert_int_equal(
	    store_unit_import(th->st, &testhost_setup_ctx, units, n, TEST_SU_ALL, false, &res), 0);
	assert_int_equal(res.added, n);
	assert_int_equal(test_su_count(th->st), before + (int64_t)n);
	free(units);
	free(codes);
}

/* ---- the command ------------------------------------------------------------------------------
 */

static int test_su_exec(struct testhost *th, const char *name, const char *cmd, const char *in)
{
	struct shell_opts opts = testhost_opts;

	opts.max_line = 4096;
	opts.max_stdin = 1u << 20;
	return testhost_exec(th, name, 0, &opts, cmd, in);
}

static void test_su_cmd_import(void **state)
{
	struct testhost *th = *state;
	int64_t before = test_su_count(th->st);

	assert_int_equal(test_su_exec(th, "admin1", "unit import",
	                              "\xef\xbb\xbf单元,楼栋,业主,电话,面积（㎡）\r\n"
	                              "5栋1单元301,五栋,\"王, 五\",13812345678,89.5㎡\r\n"
	                              "\r\n"
	                              ",,,,\r\n"
	                              "5-1-302 , 五栋 ,\"赵\"\"六\"\"\", 021-87654321 ,100\r\n"
	                              "5-1-303,五栋,,,\r\n"),
	                 0);
	testhost_has(th, 1, "Imported 3 units: 3 added, 0 updated, 0 unchanged.");
	assert_string_equal(testhost_out(th, 2), "");
	assert_int_equal(test_su_count(th->st), before + 3);
	assert_int_equal(test_su_exec(th, "agent1", "unit show 5栋1单元301", NULL), 0);
	testhost_has(th, 1, "王, 五");
	testhost_has(th, 1, "89.50");
	assert_int_equal(test_su_exec(th, "admin1", "unit show 5-1-302 --json", NULL), 0);
	testhost_has(th, 1, "赵\\\"六\\\"");
	testhost_has(th, 1, "\"building\":\"五栋\"");
	testhost_has(th, 1, "021-87654321");

	/* Again, with an update; English headers in another order; --json. */
	assert_int_equal(test_su_exec(th, "admin1", "unit import --json",
	                              "Phone,CODE\n13812345678,5栋1单元301\n13900001111,5-1-303\n"),
	                 0);
	testhost_has(th, 1,
	             "{\"units\":2,\"added\":0,\"updated\":1,\"unchanged\":1,"
	             "\"dry_run\":false}");
	assert_int_equal(testhost_audit_count(th->st, "unit.update", "changed=owner_phone"), 2);
	/* In Chinese, for a Chinese account. */
	assert_int_equal(test_su_exec(th, "admin2", "unit import", "code\n5-1-303\n"), 0);
	testhost_has(th, 1, "已导入 1 个单元：新增 0 个，更新 0 个，未变 1 个。");
	/* The command itself is audited. */
	assert_true(testhost_audit_count(th->st, "command", "unit import") >= 3);
}

static void test_su_cmd_errors(void **state)
{
	struct testhost *th = *state;
	int64_t before = test_su_count(th->st);

	/* A bad phone on line 3: nothing written, the line and the column named. */
	assert_int_equal(test_su_exec(th, "admin1", "unit import",
	                              "code,owner,phone\n6-1-101,a,13800000000\n6-1-102,b,12345\n"),
	                 1);
	testhost_has(th, 2, "line 3: column 3 (phone): `12345` is not a phone number");
	testhost_has(th, 2, "nothing was imported");
	assert_string_equal(testhost_out(th, 1), "");
	assert_int_equal(test_su_count(th->st), before);
	/* The same in Chinese. */
	assert_int_equal(test_su_exec(th, "admin2", "unit import",
	                              "单元,电话\n6-1-101,13800000000\n6-1-102,12345\n"),
	                 1);
	testhost_has(th, 2, "第 3 行：第 2 列（电话）：`12345` 不是有效的电话号码");
	testhost_has(th, 2, "未导入任何单元");
	/* A parse error: invalid UTF-8 (GBK) on line 2. */
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code\n\xb5\xa5\xd4\xaa\n"), 1);
	testhost_has(th, 2, "line 2, column 1: not valid UTF-8");
	/* A quote left open since line 2. */
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code\n\"7-1-101\n7-1-102\n"),
	                 1);
	testhost_has(th, 2, "opened on line 2");
	/* A code given twice. */
	assert_int_equal(
	    test_su_exec(th, "admin1", "unit import", "code\n7-1-101\n7-1-102\n7-1-101\n"), 1);
	testhost_has(th, 2, "line 4: `7-1-101` is already on line 2");
	/* Bad codes, areas, field counts, an empty code, a control character. */
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code\n7 1 101\n"), 1);
	testhost_has(th, 2, "line 2: column 1 (code): `7 1 101` is not a unit code");
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code,area\n7-1-101,89平\n"), 1);
	testhost_has(th, 2, "line 2: column 2 (area): `89平` is not an area");
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code,area\n7-1-101\n"), 1);
	testhost_has(th, 2, "line 2: 1 fields, but the first line names 2 columns");
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code,owner\n,x\n"), 1);
	testhost_has(th, 2, "line 2: column 1 (code): every unit needs a code");
	assert_int_equal(
	    test_su_exec(th, "admin1", "unit import", "code,owner\n7-1-101,\"a\nb\"\n"), 1);
	testhost_has(th, 2, "line 2: column 2 (owner): at most 128 bytes on one line");
	/* Headers: unknown, twice, no code column. */
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code,floor\n7-1-101,3\n"), 1);
	testhost_has(th, 2, "line 1: column 2 (floor): unknown column");
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code,电话,phone\n"), 1);
	testhost_has(th, 2, "line 1: column 3 (phone): the same field as column 2 (电话)");
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "owner\nx\n"), 1);
	testhost_has(th, 2, "line 1: the first line names the columns and needs a unit code");
	/* Nothing at all. */
	assert_int_equal(test_su_exec(th, "admin1", "unit import", ""), 1);
	testhost_has(th, 2, "no units on stdin");
	assert_int_equal(test_su_exec(th, "admin1", "unit import", "code\n\n"), 1);
	testhost_has(th, 2, "no units on stdin");
	assert_int_equal(test_su_count(th->st), before);
	assert_int_equal(testhost_audit_count(th->st, "unit.import", "units=1 added=1"), 0);

	/* More units than one import takes. */
	{
		struct buf big;
		int i;

		buf_init(&big);
		buf_puts(&big, "code\n");
		for (i = 0; i <= UNIT_IMPORT_MAX; i++)
			buf_printf(&big, "%d\n", i);
		assert_int_equal(test_su_exec(th, "admin1", "unit import", buf_cstr(&big)), 1);
		testhost_has(th, 2,
		             "line 100002: more than 100000 units in one import: split the file");
		buf_free(&big);
	}
	assert_int_equal(test_su_count(th->st), before);

	/* --ignore-unknown skips the column. */
	assert_int_equal(test_su_exec(th, "admin1", "unit import --ignore-unknown",
	                              "code,floor,area (m2)\n7-1-101,3,66 m2\n"),
	                 0);
	testhost_has(th, 1, "1 added");
	assert_int_equal(test_su_count(th->st), before + 1);
}

static void test_su_cmd_dry_run_and_roles(void **state)
{
	struct testhost *th = *state;
	int64_t before = test_su_count(th->st);
	struct shell_opts opts = testhost_opts;

	assert_int_equal(test_su_exec(th, "admin1", "unit import --dry-run",
	                              "code,building\n8-1-101,八栋\n7-1-101,七栋\n"),
	                 0);
	testhost_has(th, 1, "Dry run, nothing written: 2 units read; 1 would be added, 1 updated");
	assert_int_equal(test_su_count(th->st), before);
	/* An agent may not import. */
	assert_int_equal(test_su_exec(th, "agent1", "unit import", "code\n8-1-101\n"), 3);
	assert_int_equal(test_su_count(th->st), before);
	/* Interactive mode has no stdin to read. */
	opts.max_line = 1024;
	opts.cols = 80;
	opts.rows = 24;
	testhost_start(th, "admin1", 0, &opts);
	testhost_has(th, 0, "> "); /* the prompt: the shell is ready */
	testhost_expect(testhost_type(th, "unit import\r"), "run it in exec mode");
	testhost_stop(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_su_store_add_update),
	    cmocka_unit_test(test_su_store_refused),
	    cmocka_unit_test(test_su_store_dry_run),
	    cmocka_unit_test(test_su_store_full),
	    cmocka_unit_test(test_su_cmd_import),
	    cmocka_unit_test(test_su_cmd_errors),
	    cmocka_unit_test(test_su_cmd_dry_run_and_roles),
	};

	return cmocka_run_group_tests(tests, test_su_setup, test_su_teardown);
}
