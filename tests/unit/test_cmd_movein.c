/* test_cmd_movein — the move-in desk (shell/cmd/cmd_movein*.c, service/store/store_movein*.c)
 * through the real shell, the real etc/ catalogs (etc/movein.ini) and a real store in a
 * temporary directory: units imported with housing type and owner ID (bad IDs refused with
 * their line), a commercial unit from start to keys (documents, forms, fees computed by area
 * in fen, inspection, a defect through its whole life, sign-off, review, keys), every
 * illegal step refused naming what is missing, roles (review and waive for supervisors), the
 * ID number masked for agents, a resettlement unit on the ground floor (its own documents, no
 * elevator fee), a proxy's documents, a waiver, the lists by stage and of overdue defects,
 * --json, and the audit events written with each change; movein find by part of a Chinese
 * name, a phone's tail or an ID fragment; residents added, changed and removed with their
 * history. */
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
#include "store_movein.h"
#include "store_unit.h"
#include "testhost.h"

static const char test_cm_csv[] =
    "unit,area_m2,housing_type,owner_name,owner_phone,owner_id\n"
    "3-2-1201,98.5,commercial,李建国,13900001111,320102198001011238\n"
    "5-1-102,60,回迁房,王秀英,13900002222,11010519491231002X\n";

static int test_cm_setup(void **state)
{
	struct testhost *th = testhost_new("test_cmd_movein");
	char etc[8192];

	if (th == NULL)
		return -1;
	testhost_account_add(th, "agent1", "王小明", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "sup1", "赵主管", ROLE_SUPERVISOR, "zh", NULL);
	testhost_account_add(th, "admin1", "管理员", ROLE_ADMIN, "en", NULL);
	testhost_etc(etc, sizeof etc);
	if (testhost_load_catalog(th, etc) != 0) {
		testhost_free(th);
		return -1;
	}
	*state = th;
	return 0;
}

static int test_cm_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

static int test_cm_in(struct testhost *th, const char *name, const char *lang, const char *cmd,
                      const char *in)
{
	struct shell_opts o = testhost_opts;

	o.env_lang = strcmp(lang, "en") == 0 ? "en_US.UTF-8" : "zh_CN.UTF-8";
	o.max_stdin = 1u << 16;
	return testhost_exec(th, name, TESTHOST_WORK | TESTHOST_CATALOG, &o, cmd, in);
}

static int test_cm(struct testhost *th, const char *name, const char *lang, const char *cmd)
{
	return test_cm_in(th, name, lang, cmd, NULL);
}

#define TEST_CM_OK(th, who, lang, cmd)                                                             \
	do {                                                                                       \
		if (test_cm(th, who, lang, cmd) != 0)                                              \
			fail_msg("`%s` failed:\n%s", cmd, testhost_out(th, 0));                   \
	} while (0)
#define TEST_CM_FAILS(th, who, lang, cmd, want)                                                    \
	do {                                                                                       \
		if (test_cm(th, who, lang, cmd) == 0)                                              \
			fail_msg("`%s` succeeded:\n%s", cmd, testhost_out(th, 0));                \
		testhost_has(th, 0, want);                                                         \
	} while (0)

static void test_cm_import(struct testhost *th)
{
	struct unit u;

	if (test_cm_in(th, "admin1", "en", "unit import", test_cm_csv) != 0)
		fail_msg("import failed:\n%s", testhost_out(th, 0));
	testhost_has(th, 1, "2 added");
	assert_int_equal(store_unit_get(th->st, "5-1-102", &u), 0);
	assert_string_equal(u.housing_type, "resettlement");
	assert_string_equal(u.owner_id, "11010519491231002X");
	store_unit_clear(&u);
}

static void test_cm_import_bad_rows(void **state)
{
	struct testhost *th = *state;

	test_cm_import(th);
	/* A wrong check digit, a housing type unknown: the line, and nothing imported. */
	assert_int_equal(test_cm_in(th, "admin1", "en", "unit import",
	                            "unit,owner_id\n9-9-901,320102198001011238\n"
	                            "9-9-902,320102198001011239\n"),
	                 1);
	testhost_has(th, 2, "line 3");
	testhost_has(th, 2, "check digit");
	testhost_has(th, 2, "nothing was imported");
	assert_int_equal(test_cm_in(th, "admin1", "zh", "unit import",
	                            "单元,房屋类型\n9-9-901,别墅\n"),
	                 1);
	testhost_has(th, 2, "第 2 行");
	testhost_has(th, 2, "商品房 或 回迁房");
	assert_int_equal(test_cm(th, "agent1", "en", "unit show 9-9-901"), 1);
	/* Every bad row reported with its line, nothing imported. */
	assert_int_equal(test_cm_in(th, "admin1", "en", "unit import",
	                            "unit,owner_id,housing_type\n9-9-901,320102198001011238,\n"
	                            "9-9-902,320102198001011239,\n9-9-903,,villa\n"),
	                 1);
	testhost_has(th, 2, "2 bad rows; nothing was imported (--skip-bad imports the others)");
	testhost_has(th, 2, "line 3: column 2 (owner_id)");
	testhost_has(th, 2, "line 4: column 3 (housing_type)");
	assert_int_equal(test_cm(th, "agent1", "en", "unit show 9-9-901"), 1);
	/* --skip-bad: the bad rows reported with their lines, the others imported. */
	assert_int_equal(test_cm_in(th, "admin1", "en", "unit import --skip-bad --json",
	                            "unit,owner_id,housing_type\n9-9-901,320102198001011238,\n"
	                            "9-9-902,320102198001011239,\n9-9-903,,villa\n9-9-904,,\n"),
	                 0);
	testhost_has(th, 2, "2 bad rows left out");
	testhost_has(th, 2, "line 3");
	testhost_has(th, 2, "line 4");
	testhost_has(th, 1, "\"added\":2");
	testhost_has(th, 1, "\"skipped\":2");
	assert_int_equal(test_cm(th, "agent1", "en", "unit show 9-9-902"), 1);
	TEST_CM_OK(th, "agent1", "en", "unit show 9-9-904");
	/* Re-importing updates. */
	assert_int_equal(test_cm_in(th, "admin1", "en", "unit import", test_cm_csv), 0);
	testhost_has(th, 1, "2 unchanged");
}

static void test_cm_commercial_to_keys(void **state)
{
	struct testhost *th = *state;
	struct movein m;
	const char *out;
	char cmd[256], day[16];

	test_cm_import(th);
	TEST_CM_FAILS(th, "agent1", "en", "movein doc 3-2-1201 receive notice", "movein start");
	TEST_CM_OK(th, "agent1", "en", "movein start 3-2-1201 --notice 2026-11-20");
	/* 98.5 m²: 2955.00 + 738.75 + 88.65 + 30.00 = 3812.40 */
	testhost_has(th, 1, "5 documents, 5 forms, 4 fees (¥3,812.40 due), 7 inspection items");
	TEST_CM_FAILS(th, "agent1", "en", "movein start 3-2-1201", "already started");

	/* Nothing done: the review names every step. */
	TEST_CM_FAILS(th, "sup1", "en", "movein review 3-2-1201", "still missing");
	testhost_has(th, 2, "documents: move-in notice, payment receipt, purchase contract");
	testhost_has(th, 2, "fees: maintenance fund ¥2,955.00");
	testhost_has(th, 2, "owner's sign-off: not signed");
	TEST_CM_FAILS(th, "agent1", "en", "movein review 3-2-1201", "");
	TEST_CM_FAILS(th, "sup1", "en", "movein keys 3-2-1201 --count 2 --to 李建国 --receipt K1",
	              "only after the manager's review");

	/* Documents: a rejection needs its reason, and shows it. */
	TEST_CM_FAILS(th, "agent1", "en", "movein doc 3-2-1201 reject contract", "--reason");
	TEST_CM_OK(th, "agent1", "zh", "movein doc 3-2-1201 reject contract --reason 复印件不清楚");
	TEST_CM_FAILS(th, "agent1", "en", "movein doc 3-2-1201 receive settlement",
	              "is not required");
	TEST_CM_FAILS(th, "agent1", "en", "movein doc 3-2-1201 receive passport", "known: notice");
	TEST_CM_OK(th, "agent1", "zh", "movein show 3-2-1201");
	out = testhost_out(th, 1);
	testhost_expect(out, "购房合同（被退回：复印件不清楚）");
	testhost_expect(out, "进度：资料审核");
	testhost_expect(out, "139****1111");
	testhost_expect(out, "320***********1238");
	testhost_expect_not(out, "320102198001011238");
	TEST_CM_OK(th, "sup1", "zh", "movein show 3-2-1201");
	testhost_has(th, 1, "320102198001011238");
	const char *docs[] = {"notice", "receipt", "contract", "id_card", "seal"};
	for (size_t i = 0; i < 5; i++) {
		snprintf(cmd, sizeof cmd, "movein doc 3-2-1201 receive %s", docs[i]);
		TEST_CM_OK(th, "agent1", "en", cmd);
	}
	TEST_CM_OK(th, "agent1", "en", "movein forms 3-2-1201 sign handbook inspection decoration");
	TEST_CM_FAILS(th, "agent1", "en", "movein forms 3-2-1201 sign lease", "no form `lease`");
	TEST_CM_OK(th, "agent1", "en", "movein forms 3-2-1201 sign warranty covenant");

	/* Fees: by the yuan, never more than due, with a receipt. */
	TEST_CM_FAILS(th, "agent1", "en", "movein pay 3-2-1201 maintenance 3000 --receipt R1",
	              "more than is still due on maintenance fund: ¥2,955.00");
	TEST_CM_FAILS(th, "agent1", "en", "movein pay 3-2-1201 maintenance 12.345 --receipt R1",
	              "at most 2 decimals");
	TEST_CM_OK(th, "agent1", "en", "movein pay 3-2-1201 maintenance 2,000 --receipt R1");
	testhost_has(th, 1, "paid ¥2,000.00 of ¥2,955.00");
	TEST_CM_OK(th, "agent1", "en", "movein pay 3-2-1201 maintenance 955 --receipt R2");
	TEST_CM_OK(th, "agent1", "en", "movein pay 3-2-1201 property 738.75 --receipt R3");
	TEST_CM_OK(th, "agent1", "en", "movein pay 3-2-1201 elevator 88.65 --receipt R4");
	TEST_CM_OK(th, "agent1", "en", "movein pay 3-2-1201 garbage ¥30 --receipt R5");

	/* Inspection with a defect, then its life; illegal steps refused. */
	testhost_day(5, day, sizeof day);
	snprintf(cmd, sizeof cmd,
	         "movein defect add 3-2-1201 walls --text 客厅墙面开裂 --fix 修补并重新粉刷 "
	         "--deadline %s",
	         day);
	TEST_CM_OK(th, "agent1", "zh", cmd);
	testhost_has(th, 1, "已登记整改项 #1");
	TEST_CM_FAILS(th, "agent1", "en", "movein inspect 3-2-1201 pass walls", "defect not closed");
	TEST_CM_OK(th, "agent1", "en", "movein inspect 3-2-1201 pass all");
	testhost_has(th, 1, "6 items passed");
	TEST_CM_FAILS(th, "agent1", "en", "movein signoff 3-2-1201", "defects: #1 walls");
	TEST_CM_FAILS(th, "agent1", "en", "movein defect fix 1", "defect #1 is recorded");
	TEST_CM_FAILS(th, "agent1", "en", "movein defect reinspect 1 pass", "needs it rectified");
	TEST_CM_OK(th, "agent1", "en", "movein defect assign 1 --to 二号施工队");
	TEST_CM_OK(th, "agent1", "en", "movein defect fix 1");
	TEST_CM_OK(th, "agent1", "en", "movein defect reinspect 1 fail --note 仍有裂缝");
	testhost_has(th, 1, "assigned");
	TEST_CM_OK(th, "agent1", "en", "movein defect fix 1");
	TEST_CM_OK(th, "agent1", "en", "movein defect reinspect 1 pass");
	testhost_has(th, 1, "closed");
	TEST_CM_FAILS(th, "agent1", "en", "movein defect assign 99 --to x", "no defect #99");

	TEST_CM_FAILS(th, "agent1", "en", "movein keys 3-2-1201 --count 2 --to 李建国 --receipt K1",
	              "only after the manager's review");
	TEST_CM_FAILS(th, "sup1", "en", "movein review 3-2-1201", "owner's sign-off");
	TEST_CM_OK(th, "agent1", "en", "movein signoff 3-2-1201");
	TEST_CM_FAILS(th, "agent1", "en", "movein signoff 3-2-1201", "already signed off");
	assert_int_equal(store_movein_get(th->st, "3-2-1201", &m), 0);
	assert_int_equal(m.stage, MOVEIN_STAGE_REVIEW);
	store_movein_clear(&m);
	TEST_CM_FAILS(th, "agent1", "en", "movein review 3-2-1201", "");
	TEST_CM_OK(th, "sup1", "en", "movein review 3-2-1201");
	TEST_CM_FAILS(th, "agent1", "en", "movein doc 3-2-1201 missing seal", "already reviewed");
	TEST_CM_FAILS(th, "sup1", "en", "movein review 3-2-1201", "already reviewed");
	TEST_CM_FAILS(th, "agent1", "en",
	              "movein keys 3-2-1201 --count 2 --kinds 入户门:2,信箱:1 --to 李建国 --receipt K",
	              "not the sum");
	TEST_CM_FAILS(th, "agent1", "en", "movein keys 3-2-1201 --kinds 入户门 --to 李建国 --receipt K",
	              "--kinds: KIND:COUNT");
	TEST_CM_FAILS(th, "agent1", "en", "movein keys 3-2-1201 --to 李建国 --receipt K",
	              "how many keys");
	TEST_CM_OK(th, "agent1", "en",
	           "movein keys 3-2-1201 --kinds 入户门:2,信箱:1 --to 李建国 --receipt K-001");
	testhost_has(th, 1, "3 keys handed over");
	TEST_CM_FAILS(th, "agent1", "en", "movein keys 3-2-1201 --count 1 --to x --receipt K2",
	              "complete");
	TEST_CM_OK(th, "agent1", "en", "movein show 3-2-1201 --json");
	out = testhost_out(th, 1);
	testhost_expect(out, "\"stage\":\"done\"");
	testhost_expect(out, "\"missing\":[]");
	testhost_expect(out, "\"keys_receipt\":\"K-001\"");
	testhost_expect(out, "\"keys_count\":3,\"keys_kinds\":\"入户门:2,信箱:1\"");
	testhost_expect(out, "\"reinspections_failed\":1");
	{
		/* A complaint about the unit, made while the keys were awaited, is in the timeline
		 * between the review and the keys. */
		const char *techs[] = {"empathy"};
		struct audit_ctx cctx = testhost_setup_ctx;
		char number[COMPLAINT_NUMBER_MAX];
		struct complaint_new in;

		memset(&in, 0, sizeof in);
		in.unit = "3-2-1201";
		in.caller = "李建国";
		in.category = "repairs";
		in.words = "验房后墙面又裂了";
		in.agent = "agent1";
		in.techniques = techs;
		in.ntechniques = 1;
		cctx.account = "agent1";
		assert_int_equal(store_complaint_add(th->st, &cctx, &in, number), 0);
	}
	TEST_CM_OK(th, "agent1", "en", "movein timeline 3-2-1201");
	out = testhost_out(th, 1);
	testhost_expect(out, "验房后墙面又裂了");
	assert_true(strstr(out, "  start  ") < strstr(out, "验房后墙面又裂了"));
	testhost_expect(out, "start");
	testhost_expect(out, "reinspect-fail");
	testhost_expect(out, "keys");
	/* Each change audited with it. */
	assert_int_equal(testhost_audit_count(th->st, "movein.start", NULL), 1);
	assert_int_equal(testhost_audit_count(th->st, "movein.doc", NULL), 6);
	assert_int_equal(testhost_audit_count(th->st, "movein.pay", NULL), 5);
	assert_int_equal(testhost_audit_count(th->st, "movein.review", NULL), 1);
	assert_int_equal(testhost_audit_count(th->st, "movein.keys", "K-001"), 1);
	/* The proxy's ID number is never in the audit. */
	assert_int_equal(testhost_audit_count(th->st, "movein.pay", "R5"), 1);
	TEST_CM_OK(th, "agent1", "en", "movein list --stage done");
	testhost_has(th, 1, "3-2-1201");
	/* unit show gains the housing type, the masked ID and the move-in stage. */
	TEST_CM_OK(th, "agent1", "en", "unit show 3-2-1201");
	out = testhost_out(th, 1);
	testhost_expect(out, "housing:  commercial");
	testhost_expect(out, "owner ID: 320***********1238");
	testhost_expect(out, "move-in:  done");
	TEST_CM_OK(th, "agent1", "zh", "unit show 5-1-102 --json");
	testhost_has(th, 1, "\"movein_stage\":null");
	testhost_has(th, 1, "\"housing_type\":\"resettlement\"");
}

static void test_cm_resettlement_proxy_waiver(void **state)
{
	struct testhost *th = *state;
	const char *out;
	char cmd[256];

	test_cm_import(th);
	TEST_CM_OK(th, "agent1", "zh", "movein start 5-1-102");
	/* Ground floor: no elevator fee. 60 m²: 1800 + 450 + 30 = 2280. */
	testhost_has(th, 1, "资料 4 项，表格 5 份，费用 3 项（¥2,280.00 应付）");
	TEST_CM_FAILS(th, "agent1", "en", "movein pay 5-1-102 elevator 1 --receipt E1",
	              "no elevator fee");
	TEST_CM_FAILS(th, "agent1", "en", "movein proxy 5-1-102 --name 王小二 --id 110105194912310021",
	              "--id");
	TEST_CM_OK(th, "agent1", "en", "movein proxy 5-1-102 --name 王小二 --id 11010519491231002X");
	TEST_CM_OK(th, "agent1", "en", "movein show 5-1-102");
	out = testhost_out(th, 1);
	testhost_expect(out, "resettlement");
	testhost_expect(out, "proxy: 王小二");
	testhost_expect(out, "government settlement list");
	testhost_expect(out, "power of attorney");
	testhost_expect(out, "110***********002X");
	assert_int_equal(testhost_audit_count(th->st, "movein.proxy", "11010519491231002X"), 0);
	/* A waiver: supervisors only, one missing item, with its reason, shown. */
	TEST_CM_FAILS(th, "agent1", "en", "movein waive 5-1-102 doc:seal --reason 下周补交", "");
	TEST_CM_FAILS(th, "sup1", "en", "movein waive 5-1-102 doc:passport --reason x", "not missing");
	TEST_CM_OK(th, "sup1", "zh", "movein waive 5-1-102 doc:seal --reason 印章遗失，下周补交");
	TEST_CM_FAILS(th, "sup1", "en", "movein waive 5-1-102 doc:seal --reason again",
	              "already waived");
	TEST_CM_OK(th, "agent1", "zh", "movein show 5-1-102");
	testhost_has(th, 1, "印章【已豁免】");
	testhost_has(th, 1, "印章遗失");
	assert_int_equal(testhost_audit_count(th->st, "movein.waive", "doc:seal"), 1);
	/* An overdue defect is listed. */
	snprintf(cmd, sizeof cmd,
	         "movein defect add 5-1-102 drainage --text 卫生间地漏堵塞 --fix 疏通 --deadline "
	         "2020-01-01");
	TEST_CM_OK(th, "agent1", "zh", cmd);
	TEST_CM_OK(th, "agent1", "en", "movein list --overdue-defects");
	out = testhost_out(th, 1);
	testhost_expect(out, "5-1-102");
	testhost_expect(out, "drainage");
	TEST_CM_OK(th, "agent1", "en", "movein list --overdue-defects --json");
	testhost_has(th, 1, "\"unit\":\"5-1-102\"");
	TEST_CM_OK(th, "agent1", "en", "movein list --stage documents");
	testhost_has(th, 1, "5-1-102");
	TEST_CM_FAILS(th, "agent1", "en", "movein list --stage nowhere", "no stage `nowhere`");
	TEST_CM_FAILS(th, "agent1", "en", "movein list", "--overdue-defects");
	TEST_CM_FAILS(th, "agent1", "en", "movein show 1-1-1", "no unit `1-1-1`");
}

static void test_cm_find_and_residents(void **state)
{
	struct testhost *th = *state;
	const char *out;

	test_cm_import(th);
	TEST_CM_OK(th, "agent1", "zh", "movein start 3-2-1201");
	/* By part of a Chinese name, a phone's tail, an ID fragment (x matched as X), a code. */
	TEST_CM_OK(th, "agent1", "zh", "movein find 建国");
	out = testhost_out(th, 1);
	testhost_expect(out, "3-2-1201");
	testhost_expect(out, "李建国");
	testhost_expect(out, "资料审核");
	testhost_expect(out, "139****1111");
	testhost_expect_not(out, "5-1-102");
	TEST_CM_OK(th, "agent1", "en", "movein find 2222");
	testhost_has(th, 1, "5-1-102");
	testhost_has(th, 1, "not started");
	TEST_CM_OK(th, "agent1", "en", "movein find 1231002x --json");
	out = testhost_out(th, 1);
	testhost_expect(out, "\"unit\":\"5-1-102\"");
	testhost_expect(out, "\"owner_id\":\"110***********002X\"");
	testhost_expect(out, "\"movein_stage\":null");
	TEST_CM_OK(th, "agent1", "en", "movein find 3-2");
	testhost_has(th, 1, "3-2-1201");
	TEST_CM_OK(th, "agent1", "en", "movein find 赵");
	testhost_has(th, 1, "No unit found.");
	TEST_CM_OK(th, "agent1", "en", "movein find --regex '^王.英$'");
	testhost_has(th, 1, "5-1-102");
	testhost_lacks(th, 1, "3-2-1201");
	TEST_CM_OK(th, "agent1", "en", "movein find --regex '1111$|^5-'");
	testhost_has(th, 1, "5-1-102");
	testhost_has(th, 1, "3-2-1201");
	TEST_CM_FAILS(th, "agent1", "en", "movein find --regex '(a'", "");
	/* The index follows the register: a new owner is found by the new name, not the old. */
	assert_int_equal(test_cm_in(th, "admin1", "en", "unit import",
	                            "unit,owner_name\n3-2-1201,欧阳娜娜\n7-7-701,司马光\n"),
	                 0);
	TEST_CM_OK(th, "agent1", "en", "movein find 阳娜");
	testhost_has(th, 1, "3-2-1201");
	TEST_CM_OK(th, "agent1", "en", "movein find 建国");
	testhost_has(th, 1, "No unit found.");
	TEST_CM_OK(th, "agent1", "en", "movein find 司马");
	testhost_has(th, 1, "7-7-701");

	/* Residents, with their history. */
	TEST_CM_OK(th, "agent1", "zh",
	           "movein resident add 3-2-1201 --name 李小龙 --age 12 --sex 男 --relation 子女");
	testhost_has(th, 1, "#1");
	TEST_CM_OK(th, "agent1", "zh",
	           "movein resident add 3-2-1201 --name 张丽 --age 40 --sex female --relation 配偶 "
	           "--occupation 教师 --employer 第一中学");
	TEST_CM_FAILS(th, "agent1", "en", "movein resident add 3-2-1201 --age 3", "--name");
	TEST_CM_FAILS(th, "agent1", "en", "movein resident add 3-2-1201 --name a --age 300",
	              "--age");
	TEST_CM_FAILS(th, "agent1", "en", "movein resident add 3-2-1201 --name a --sex x", "--sex");
	TEST_CM_FAILS(th, "agent1", "en", "movein resident add 8-8-808 --name a", "no unit");
	TEST_CM_OK(th, "agent1", "zh", "movein resident edit 2 --occupation 律师 --employer 某律所");
	TEST_CM_OK(th, "agent1", "zh", "movein resident remove 1 --reason 出国留学");
	TEST_CM_FAILS(th, "agent1", "en", "movein resident edit 1 --age 13", "moved out");
	TEST_CM_FAILS(th, "agent1", "en", "movein resident remove 9 --reason x", "no resident #9");
	TEST_CM_OK(th, "agent1", "zh", "movein resident history 2");
	out = testhost_out(th, 1);
	testhost_expect(out, "add");
	testhost_expect(out, "occupation: 教师 -> 律师");
	testhost_expect(out, "employer: 第一中学 -> 某律所");
	TEST_CM_OK(th, "agent1", "zh", "movein show 3-2-1201");
	out = testhost_out(th, 1);
	testhost_expect(out, "住户：1 人");
	testhost_expect(out, "#2 张丽，40 岁，女，配偶，律师，某律所");
	testhost_expect_not(out, "李小龙");
	TEST_CM_OK(th, "agent1", "en", "movein resident list 3-2-1201 --all");
	testhost_has(th, 1, "(moved out");
	assert_int_equal(testhost_audit_count(th->st, "resident.add", NULL), 2);
	assert_int_equal(testhost_audit_count(th->st, "resident.edit", "律师"), 1);
	assert_int_equal(testhost_audit_count(th->st, "resident.remove", "出国留学"), 1);
}

static void test_cm_guided_inspection(void **state)
{
	struct testhost *th = *state;
	struct shell_opts o = testhost_opts;
	struct movein m;
	const char *out;

	test_cm_import(th);
	TEST_CM_OK(th, "agent1", "en", "movein start 3-2-1201");
	TEST_CM_FAILS(th, "agent1", "en", "movein inspect 3-2-1201", "needs a terminal");
	o.env_lang = "en_US.UTF-8";
	testhost_start(th, "agent1", TESTHOST_WORK | TESTHOST_CATALOG, &o);
	out = testhost_type(th, "movein inspect 3-2-1201\r");
	testhost_expect(out, "Item 1 of 7: walls");
	testhost_expect(out, "Result (pass, defect, skip, quit)");
	out = testhost_type(th, "\r"); /* the default: pass */
	testhost_expect(out, "Item 2 of 7: floors");
	out = testhost_type(th, "defect\r");
	testhost_expect(out, "What is wrong");
	out = testhost_type(th, "地砖空鼓\r");
	testhost_expect(out, "Rectification requirement");
	testhost_type(th, "重新铺贴\r");
	out = testhost_type(th, "2099-06-30\r");
	testhost_expect(out, "Defect #1 recorded");
	testhost_expect(out, "Item 3 of 7: doors and windows");
	out = testhost_type(th, "skip\r");
	testhost_expect(out, "water supply");
	out = testhost_type(th, "maybe\r");
	testhost_expect(out, "pass (or y)");
	testhost_type(th, "y\r");
	/* The connection drops here: the draft resumes at the next item. */
	testhost_stop(th);
	testhost_start(th, "agent1", TESTHOST_WORK | TESTHOST_CATALOG, &o);
	out = testhost_type(th, "movein inspect 3-2-1201\r");
	testhost_expect(out, "Resuming the inspection");
	testhost_expect(out, "electricity");
	testhost_type(th, "y\r");
	testhost_type(th, "y\r");
	out = testhost_type(th, "y\r");
	testhost_expect(out, "Every item is answered");
	out = testhost_type(th, "\r");
	testhost_expect(out, "movein show 3-2-1201 tells what is left");
	testhost_stop(th);
	assert_int_equal(store_movein_get(th->st, "3-2-1201", &m), 0);
	assert_int_equal(m.items[0].result, MOVEIN_ITEM_PASS);
	assert_int_equal(m.items[1].result, MOVEIN_ITEM_DEFECT);
	assert_int_equal(m.items[2].result, MOVEIN_ITEM_PENDING); /* skipped */
	assert_int_equal(m.ndefects, 1);
	assert_string_equal(m.defects[0].description, "地砖空鼓");
	assert_string_equal(m.defects[0].requirement, "重新铺贴");
	store_movein_clear(&m);
	assert_int_equal(testhost_audit_count(th->st, "movein.pass", NULL), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cm_import_bad_rows, test_cm_setup,
	                                    test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_commercial_to_keys, test_cm_setup,
	                                    test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_resettlement_proxy_waiver, test_cm_setup,
	                                    test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_find_and_residents, test_cm_setup,
	                                    test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_guided_inspection, test_cm_setup,
	                                    test_cm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
