/* test_cmd_movein_owner — a unit's owners through the real shell and a real store
 * (shell/cmd/cmd_movein_owner.c, service/store/store_owner.c): one owner on two units from the
 * import, a second owner with two phones, each shown by movein show and movein owner list with
 * phone and ID number masked for agents and whole for supervisors, found by movein find by any
 * owner's name, phone or ID number and by a resident's name; an ID number already registered
 * links that owner; removal; bad values refused in both languages; roles; the audit; a
 * proxy withdrawn with the documents a proxy brings; movein timeline in pages; and the
 * residents' guided form (checked field by field, resumed after a dropped connection). */
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
#include "store_movein.h"
#include "store_owner.h"
#include "store_resident.h"
#include "testhost.h"

static const char test_co_csv[] =
    "unit,area_m2,housing_type,owner_name,owner_phone,owner_id\n"
    "3-2-1201,98.5,commercial,李建国,13900001111,320102198001011238\n"
    "3-2-1202,98.5,commercial,李建国,13900001111,320102198001011238\n"
    "5-1-102,60,回迁房,刘洋,13900003333,\n";

static int test_co_setup(void **state)
{
	struct testhost *th = testhost_new("test_cmd_movein_owner");
	char etc[8192];

	if (th == NULL)
		return -1;
	testhost_account_add(th, "agent1", "王小明", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "sup1", "赵主管", ROLE_SUPERVISOR, "zh", NULL);
	testhost_account_add(th, "admin1", "管理员", ROLE_ADMIN, "en", NULL);
	testhost_account_add(th, "aud1", "审计", ROLE_AUDITOR, "en", NULL);
	testhost_etc(etc, sizeof etc);
	if (testhost_load_catalog(th, etc) != 0) {
		testhost_free(th);
		return -1;
	}
	*state = th;
	return 0;
}

static int test_co_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

static int test_co_in(struct testhost *th, const char *name, const char *lang, const char *cmd,
                      const char *in)
{
	struct shell_opts o = testhost_opts;

	o.env_lang = strcmp(lang, "en") == 0 ? "en_US.UTF-8" : "zh_CN.UTF-8";
	o.max_stdin = 1u << 16;
	return testhost_exec(th, name, TESTHOST_WORK | TESTHOST_CATALOG, &o, cmd, in);
}

#define TEST_CO_OK(th, who, lang, cmd)                                                             \
	do {                                                                                       \
		if (test_co_in(th, who, lang, cmd, NULL) != 0)                                     \
			fail_msg("`%s` failed:\n%s", cmd, testhost_out(th, 0));                   \
	} while (0)
#define TEST_CO_FAILS(th, who, lang, cmd, want)                                                    \
	do {                                                                                       \
		if (test_co_in(th, who, lang, cmd, NULL) == 0)                                     \
			fail_msg("`%s` succeeded:\n%s", cmd, testhost_out(th, 0));                \
		testhost_has(th, 0, want);                                                         \
	} while (0)

/* The number of the first owner of unit. */
static int64_t test_co_first(struct testhost *th, const char *unit, size_t want)
{
	struct owner *list = NULL;
	size_t n = 0;
	int64_t id;

	assert_int_equal(store_owner_list(th->st, unit, &list, &n), 0);
	assert_int_equal(n, want);
	id = n > 0 ? list[0].id : 0;
	store_owner_list_free(list, n);
	return id;
}

static void test_co_owners(void **state)
{
	struct testhost *th = *state;
	const char *out;
	char cmd[256];
	int64_t li, wang;

	if (test_co_in(th, "admin1", "en", "unit import", test_co_csv) != 0)
		fail_msg("import failed:\n%s", testhost_out(th, 0));
	testhost_has(th, 1, "3 added");
	li = test_co_first(th, "3-2-1201", 1);
	assert_int_equal(test_co_first(th, "3-2-1202", 1), li);

	/* A second owner, then a second phone of theirs. */
	TEST_CO_OK(th, "agent1", "zh",
	           "movein owner add 3-2-1201 --name 王秀英 --id 11010519491231002x --phone 13700002222");
	testhost_has(th, 1, "已登记业主 #");
	wang = 0;
	{
		struct owner *list = NULL;
		size_t n = 0;

		assert_int_equal(store_owner_list(th->st, "3-2-1201", &list, &n), 0);
		assert_int_equal(n, 2);
		assert_string_equal(list[1].id_number, "11010519491231002X");
		wang = list[1].id;
		store_owner_list_free(list, n);
	}
	snprintf(cmd, sizeof cmd, "movein owner phone %lld add 010-88886666", (long long)wang);
	TEST_CO_OK(th, "agent1", "en", cmd);
	testhost_has(th, 1, "Phone added");
	TEST_CO_FAILS(th, "agent1", "en", cmd, "has that phone already");
	snprintf(cmd, sizeof cmd, "movein owner phone %lld add 12345", (long long)wang);
	TEST_CO_FAILS(th, "agent1", "en", cmd, "not a phone number");
	TEST_CO_FAILS(th, "agent1", "zh", "movein owner phone 999 add 13800001234", "没有业主 #999");
	TEST_CO_FAILS(th, "agent1", "en", "movein owner add 3-2-1201 --name 某人 --id 320102198001011239",
	              "--id is not a resident ID number");
	TEST_CO_FAILS(th, "agent1", "zh", "movein owner add 3-2-1201 --name 某人 --id 320102198001011239",
	              "不是有效的居民身份证号");
	TEST_CO_FAILS(th, "agent1", "en", "movein owner add 3-2-1201 --id 320102198001011238",
	              "needs --name");
	TEST_CO_FAILS(th, "agent1", "en", "movein owner add 9-9-909 --name 某人", "no unit `9-9-909`");
	TEST_CO_FAILS(th, "agent1", "en", "movein owner list 9-9-909", "no unit `9-9-909`");
	TEST_CO_FAILS(th, "agent1", "en", "movein owner add 3-2-1201 --name 李建国 --id 320102198001011238",
	              "owner #1 is already an owner of 3-2-1201");
	TEST_CO_FAILS(th, "agent1", "en", "movein owner frob 3-2-1201", "usage: movein owner");
	TEST_CO_FAILS(th, "aud1", "en", "movein owner list 3-2-1201", "");

	/* movein show: every owner, masked for the agent, whole for the supervisor. */
	TEST_CO_OK(th, "agent1", "en", "movein show 3-2-1201");
	out = testhost_out(th, 1);
	testhost_expect(out, "owner: 李建国  139****1111  ID 320***********1238");
	testhost_expect(out, "owner: 王秀英  137****2222, 010*****6666  ID 110***********002X");
	testhost_expect_not(out, "13700002222");
	TEST_CO_OK(th, "sup1", "en", "movein show 3-2-1201");
	out = testhost_out(th, 1);
	testhost_expect(out, "王秀英  13700002222, 010-88886666  ID 11010519491231002X");
	TEST_CO_OK(th, "agent1", "en", "movein show 3-2-1201 --json");
	out = testhost_out(th, 1);
	testhost_expect(out, "\"owners\":[{");
	testhost_expect(out, "\"name\":\"王秀英\",\"id_number\":\"110***********002X\","
	                     "\"phones\":[\"137****2222\",\"010*****6666\"]");
	testhost_expect(out, "\"units\":[\"3-2-1201\",\"3-2-1202\"]");
	TEST_CO_OK(th, "agent1", "zh", "movein owner list 3-2-1202");
	out = testhost_out(th, 1);
	testhost_expect(out, "李建国");
	testhost_expect(out, "名下单元 3-2-1201, 3-2-1202");

	/* Found by any owner's name, phone or ID number, and by a resident's name. */
	TEST_CO_OK(th, "agent1", "en", "movein find 秀英");
	testhost_has(th, 1, "3-2-1201");
	testhost_lacks(th, 1, "3-2-1202");
	TEST_CO_OK(th, "agent1", "en", "movein find 88886666");
	testhost_has(th, 1, "3-2-1201");
	TEST_CO_OK(th, "agent1", "en", "movein find 1231002X");
	testhost_has(th, 1, "3-2-1201");
	TEST_CO_OK(th, "agent1", "en", "movein find --regex '^王.英$'");
	testhost_has(th, 1, "3-2-1201");
	TEST_CO_OK(th, "agent1", "en", "movein resident add 5-1-102 --name 欧阳娜娜 --relation 子女");
	TEST_CO_OK(th, "agent1", "en", "movein find 阳娜");
	testhost_has(th, 1, "5-1-102");
	TEST_CO_OK(th, "agent1", "en", "movein find --regex '娜娜$'");
	testhost_has(th, 1, "5-1-102");

	/* An ID number already registered links that owner; the second unit shares them. */
	TEST_CO_OK(th, "agent1", "en", "movein owner add 5-1-102 --name 王秀英 --id 11010519491231002X");
	testhost_has(th, 1, "already registered");
	snprintf(cmd, sizeof cmd, "movein owner add 3-2-1202 --owner %lld", (long long)wang);
	TEST_CO_OK(th, "agent1", "en", cmd);
	TEST_CO_FAILS(th, "agent1", "en", "movein owner add 3-2-1202 --owner 999", "no owner #999");
	TEST_CO_FAILS(th, "agent1", "en", "movein owner add 3-2-1202 --owner 1 --name x",
	              "--owner links");

	/* Removed: the next owner becomes the first (the unit's mirror), the last link deletes. */
	snprintf(cmd, sizeof cmd, "movein owner remove 3-2-1201 %lld", (long long)li);
	TEST_CO_OK(th, "agent1", "en", cmd);
	testhost_has(th, 1, "removed from 3-2-1201");
	TEST_CO_FAILS(th, "agent1", "en", cmd, "is not an owner of 3-2-1201");
	TEST_CO_OK(th, "agent1", "en", "unit show 3-2-1201 --json");
	testhost_has(th, 1, "\"owner_name\":\"王秀英\"");
	snprintf(cmd, sizeof cmd, "movein owner remove 3-2-1202 %lld", (long long)li);
	TEST_CO_OK(th, "agent1", "en", cmd);
	testhost_has(th, 1, "no unit left to them");
	assert_int_equal(testhost_audit_count(th->st, "owner.add", NULL), 2);
	assert_int_equal(testhost_audit_count(th->st, "owner.link", NULL), 1);
	assert_int_equal(testhost_audit_count(th->st, "owner.remove", NULL), 2);
	assert_int_equal(testhost_audit_count(th->st, "owner.phone_add", NULL), 1);
	/* The ID numbers are never in the audit. */
	assert_int_equal(testhost_audit_count(th->st, "owner.add", "1231002X"), 0);
}

static void test_co_unproxy(void **state)
{
	struct testhost *th = *state;
	struct movein m;
	const char *out;
	size_t i;

	if (test_co_in(th, "admin1", "en", "unit import", test_co_csv) != 0)
		fail_msg("import failed:\n%s", testhost_out(th, 0));
	TEST_CO_FAILS(th, "agent1", "en", "movein proxy 5-1-102 --remove", "no move-in record");
	TEST_CO_OK(th, "agent1", "en", "movein start 5-1-102");
	TEST_CO_FAILS(th, "agent1", "en", "movein proxy 5-1-102 --remove", "has no proxy");
	TEST_CO_FAILS(th, "agent1", "en", "movein proxy 5-1-102 --name 王小二", "--name and --id");
	TEST_CO_OK(th, "agent1", "en", "movein proxy 5-1-102 --name 王小二 --id 11010519491231002X");
	TEST_CO_FAILS(th, "agent1", "zh", "movein proxy 5-1-102 --remove --name 王小二",
	              "--remove 不能与");
	TEST_CO_OK(th, "agent1", "en", "movein doc 5-1-102 receive attorney");
	TEST_CO_OK(th, "agent1", "zh", "movein proxy 5-1-102 --remove");
	testhost_has(th, 1, "已撤销单元 5-1-102 的代理人");
	TEST_CO_OK(th, "agent1", "en", "movein show 5-1-102");
	out = testhost_out(th, 1);
	testhost_expect_not(out, "proxy:");
	testhost_expect_not(out, "power of attorney");
	assert_int_equal(store_movein_get(th->st, "5-1-102", &m), 0);
	assert_null(m.proxy_name);
	for (i = 0; i < m.ndocs; i++) {
		assert_string_not_equal(m.docs[i].code, "attorney");
		assert_string_not_equal(m.docs[i].code, "proxy_id");
	}
	store_movein_clear(&m);
	assert_int_equal(testhost_audit_count(th->st, "movein.unproxy", "王小二"), 1);
	TEST_CO_FAILS(th, "aud1", "en", "movein proxy 5-1-102 --remove", "");
}

/* The number of lines of out that start with "20" (a timeline's dated lines). */
static size_t test_co_lines(const char *out)
{
	size_t n = 0;
	const char *p = out;

	while (p != NULL && *p != '\0') {
		n += strncmp(p, "20", 2) == 0;
		p = strchr(p, '\n');
		p = p != NULL ? p + 1 : NULL;
	}
	return n;
}

static void test_co_timeline(void **state)
{
	struct testhost *th = *state;
	const char *out;
	char receipt[16];
	int i;

	if (test_co_in(th, "admin1", "en", "unit import", test_co_csv) != 0)
		fail_msg("import failed:\n%s", testhost_out(th, 0));
	TEST_CO_OK(th, "agent1", "en", "movein start 3-2-1201");
	for (i = 0; i < 260; i++) {
		snprintf(receipt, sizeof receipt, "R%d", i);
		assert_int_equal(store_movein_pay(th->st, &testhost_setup_ctx, "3-2-1201", "maintenance",
		                                  1, receipt),
		                 0);
	}
	/* 261 lines: the start and 260 payments. */
	TEST_CO_OK(th, "agent1", "en", "movein timeline 3-2-1201");
	out = testhost_out(th, 1);
	assert_int_equal(test_co_lines(out), 200);
	testhost_expect(out, "(200 of 261 shown: movein timeline 3-2-1201 --offset 200 for more)");
	testhost_expect(out, "start");
	testhost_expect_not(out, "R199\n");
	TEST_CO_OK(th, "agent1", "zh", "movein timeline 3-2-1201 --offset 200");
	out = testhost_out(th, 1);
	assert_int_equal(test_co_lines(out), 61);
	testhost_expect(out, "R259");
	testhost_expect_not(out, "共 261 条");
	TEST_CO_OK(th, "agent1", "en", "movein timeline 3-2-1201 --offset 10 --limit 5");
	out = testhost_out(th, 1);
	assert_int_equal(test_co_lines(out), 5);
	testhost_expect(out, "receipt=R9\n");
	testhost_expect(out, "receipt=R13\n");
	testhost_expect(out, "(5 of 261 shown: movein timeline 3-2-1201 --offset 15 for more)");
	TEST_CO_OK(th, "agent1", "en", "movein timeline 3-2-1201 --limit 3 --json");
	testhost_has(th, 1, "\"action\":\"start\"");
	testhost_lacks(th, 1, "R2\"");
	TEST_CO_FAILS(th, "agent1", "en", "movein timeline 3-2-1201 --limit 5000", "--limit");
}

static void test_co_resident_form(void **state)
{
	struct testhost *th = *state;
	struct shell_opts o = testhost_opts;
	struct resident *list = NULL;
	const char *out;
	size_t n = 0;

	if (test_co_in(th, "admin1", "en", "unit import", test_co_csv) != 0)
		fail_msg("import failed:\n%s", testhost_out(th, 0));
	/* Exec mode: the options, as before. */
	TEST_CO_FAILS(th, "agent1", "en", "movein resident add 3-2-1201", "a resident needs --name");
	o.env_lang = "en_US.UTF-8";
	testhost_start(th, "agent1", TESTHOST_WORK | TESTHOST_CATALOG, &o);
	out = testhost_type(th, "movein resident add 9-9-909\r");
	testhost_expect(out, "no unit `9-9-909`");
	out = testhost_type(th, "movein resident add 3-2-1201\r");
	testhost_expect(out, "Name");
	out = testhost_type(th, "\r");
	testhost_expect(out, "The name is required.");
	out = testhost_type(th, "张丽\r");
	testhost_expect(out, "Age");
	out = testhost_type(th, "300\r");
	testhost_expect(out, "a number from 0 to 150");
	out = testhost_type(th, "40\r");
	testhost_expect(out, "Sex");
	out = testhost_type(th, "x\r");
	testhost_expect(out, "female (or f, 女)");
	out = testhost_type(th, "女\r");
	testhost_expect(out, "Occupation");
	/* The connection drops here: the draft resumes at the occupation. */
	testhost_stop(th);
	testhost_start(th, "agent1", TESTHOST_WORK | TESTHOST_CATALOG, &o);
	out = testhost_type(th, "movein resident add 3-2-1201\r");
	testhost_expect(out, "Resuming the resident's form");
	testhost_expect(out, "Occupation");
	testhost_type(th, "教师\r");
	testhost_type(th, "\r"); /* no employer */
	out = testhost_type(th, "配偶\r");
	testhost_expect(out, "Resident of 3-2-1201: 张丽, age 40, female 教师 / - / 配偶");
	testhost_expect(out, "Register (y/n)");
	out = testhost_type(th, "\r");
	testhost_expect(out, "Resident #1 registered in 3-2-1201.");
	/* Options at the terminal: no form. */
	out = testhost_type(th, "movein resident add 3-2-1201 --name 李小龙 --age 12\r");
	testhost_expect(out, "Resident #2 registered");
	testhost_stop(th);
	assert_int_equal(store_resident_list(th->st, "3-2-1201", false, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "张丽");
	assert_int_equal(list[0].age, 40);
	assert_string_equal(list[0].sex, "female");
	assert_string_equal(list[0].occupation, "教师");
	assert_null(list[0].employer);
	assert_string_equal(list[0].relation, "配偶");
	store_resident_list_free(list, n);
	assert_int_equal(testhost_audit_count(th->st, "resident.add", NULL), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_co_owners, test_co_setup, test_co_teardown),
	    cmocka_unit_test_setup_teardown(test_co_unproxy, test_co_setup, test_co_teardown),
	    cmocka_unit_test_setup_teardown(test_co_timeline, test_co_setup, test_co_teardown),
	    cmocka_unit_test_setup_teardown(test_co_resident_form, test_co_setup, test_co_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
