/* test_cmd_unit — the unit register commands (shell/cmd/cmd_unit.c) through the real shell
 * against the shared test host (testhost.h), the real etc/ catalogs and a real store in a
 * temporary directory: unit list (the table in both languages, paging with --limit/--offset
 * and its "of N shown" line, --json, the owner's phone masked for agents), unit show (a
 * registered unit, a unit known only from complaints, an unknown one; its complaints and those
 * not resolved counted; the phone masked for agents and whole for supervisors and admins;
 * --json; on the thread pool), unit history (complaints and promises newest first, with
 * Chinese and English labels, long texts cut, pages, --json), unit import of CSV on stdin in exec
 * mode (header synonyms in both languages, a BOM, added/updated/unchanged counts, --dry-run writing
 * nothing, a bad row refusing the whole file with its line, --ignore-unknown), and roles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "shell.h"
#include "store.h"
#include "store_complaint.h"
#include "store_unit.h"
#include "testhost.h"

static int test_cu_setup(void **state)
{
	struct testhost *th = testhost_new("test_cmd_unit");
	char etc[8192];

	if (th == NULL)
		return -1;
	testhost_account_add(th, "agent1", "王小明", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "agent2", "李小红", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "sup1", "赵主管", ROLE_SUPERVISOR, "zh", NULL);
	testhost_account_add(th, "admin1", "管理员", ROLE_ADMIN, "en", NULL);
	testhost_account_add(th, "audit1", "审计员", ROLE_AUDITOR, "zh", NULL);
	testhost_etc(etc, sizeof etc);
	if (testhost_load_catalog(th, etc) != 0) {
		testhost_free(th);
		return -1;
	}
	*state = th;
	return 0;
}

static int test_cu_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

static int test_cu_exec_in(struct testhost *th, const char *name, const char *lang, const char *cmd,
                           const char *in)
{
	struct shell_opts o = testhost_opts;

	o.env_lang = strcmp(lang, "en") == 0 ? "en_US.UTF-8" : "zh_CN.UTF-8";
	o.max_stdin = 1u << 16;
	return testhost_exec(th, name, TESTHOST_WORK | TESTHOST_CATALOG, &o, cmd, in);
}

static int test_cu_exec(struct testhost *th, const char *name, const char *lang, const char *cmd)
{
	return test_cu_exec_in(th, name, lang, cmd, NULL);
}

static void test_cu_unit(struct testhost *th, const char *code, const char *building,
                         const char *owner, const char *phone, double area)
{
	struct unit u;

	memset(&u, 0, sizeof u);
	u.code = (char *)code;
	u.building = (char *)building;
	u.owner_name = (char *)owner;
	u.owner_phone = (char *)phone;
	u.area_m2 = area;
	assert_int_equal(store_unit_add(th->st, &testhost_setup_ctx, &u), 0);
}

static int64_t test_cu_at(int y, int m, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* A complaint about unit, taken by agent (at at_ms when not 0). */
static void test_cu_complaint(struct testhost *th, const char *unit, const char *agent,
                              const char *category, const char *words, int64_t at_ms,
                              char number[COMPLAINT_NUMBER_MAX])
{
	const char *techs[] = {"empathy"};
	struct audit_ctx ctx = testhost_setup_ctx;
	struct complaint_new in;

	ctx.account = agent;
	memset(&in, 0, sizeof in);
	in.unit = unit;
	in.caller = "业主";
	in.category = category;
	in.words = words;
	in.agent = agent;
	in.techniques = techs;
	in.ntechniques = 1;
	store_complaint_set_clock(th->st, at_ms);
	assert_int_equal(store_complaint_add(th->st, &ctx, &in, number), 0);
	store_complaint_set_clock(th->st, 0);
}

/* The line of stream 1 that, with its cells joined by " | ", starts with prefix must be want. */
static void test_cu_row(struct testhost *th, const char *prefix, const char *want)
{
	const char *out = testhost_out(th, 1), *p = out;
	struct buf got;

	buf_init(&got);
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '\n');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p), i = 0;

		buf_reset(&got);
		buf_puts(&got, "");
		while (i < len) {
			if (p[i] == ' ' && i + 1 < len && p[i + 1] == ' ') {
				while (i < len && p[i] == ' ')
					i++;
				if (i < len)
					buf_puts(&got, " | ");
				continue;
			}
			buf_putc(&got, p[i++]);
		}
		if (strncmp(buf_cstr(&got), prefix, strlen(prefix)) == 0) {
			if (strcmp(buf_cstr(&got), want) != 0)
				fail_msg("row\n  \"%s\"\nexpected\n  \"%s\"\nin:\n%s",
				         buf_cstr(&got), want, out);
			buf_free(&got);
			return;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	buf_free(&got);
	fail_msg("no row starting \"%s\" in:\n%s", prefix, out);
}

static size_t test_cu_count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

static int64_t test_cu_units(struct testhost *th)
{
	int64_t n = -1;

	assert_int_equal(store_unit_count(th->st, &n), 0);
	return n;
}

/* ---- unit list ------------------------------------------------------------------------------- */

static void test_cu_list(void **state)
{
	struct testhost *th = *state;
	char code[32];
	int i;

	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "The unit register is empty: complaints keep units as "
	                    "typed (unverified).\n");
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit list"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "单元登记表为空：投诉中的单元按输入保存（未核实）。\n");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --json"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "{\"total\":0,\"offset\":0,\"limit\":100,\"more\":false,\"items\":[]}\n");

	/* Twelve units, added out of order: listed by code. */
	for (i = 12; i >= 1; i--) {
		snprintf(code, sizeof code, "1-1-%02d", i);
		test_cu_unit(th, code, i % 2 ? "一栋" : NULL, i == 3 ? "李四" : NULL,
		             i == 3 ? "13900001111" : NULL, i == 3 ? 89.5 : 0);
	}
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list"), 0);
	test_cu_row(th, "UNIT", "UNIT | BUILDING | OWNER | PHONE | AREA m²");
	/* (Empty cells are blank.) */
	test_cu_row(th, "1-1-01", "1-1-01 | 一栋 | -");
	test_cu_row(th, "1-1-03", "1-1-03 | 一栋 | 李四 | 139****1111 | 89.50");
	test_cu_row(th, "1-1-12", "1-1-12 | -");
	assert_true(strstr(testhost_out(th, 1), "1-1-01") < strstr(testhost_out(th, 1), "1-1-02"));
	assert_true(strstr(testhost_out(th, 1), "1-1-11") < strstr(testhost_out(th, 1), "1-1-12"));
	assert_int_equal(test_cu_count(testhost_out(th, 1), "\n1-1-"), 12);
	testhost_lacks(th, 1, "shown");
	testhost_lacks(th, 1, "13900001111");
	/* Supervisors and admins see the owner's phone whole. */
	assert_int_equal(test_cu_exec(th, "sup1", "en", "unit list"), 0);
	test_cu_row(th, "1-1-03", "1-1-03 | 一栋 | 李四 | 13900001111 | 89.50");
	assert_int_equal(test_cu_exec(th, "admin1", "en", "unit list"), 0);
	test_cu_row(th, "1-1-03", "1-1-03 | 一栋 | 李四 | 13900001111 | 89.50");
	/* In Chinese. */
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit list --limit 2"), 0);
	test_cu_row(th, "单元", "单元 | 楼栋 | 业主 | 电话 | 面积 m²");
	testhost_has(th, 1, "（显示 2 条，共 12 条；更多结果：用 --offset 2）\n");

	/* Pages. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --limit 5"), 0);
	assert_int_equal(test_cu_count(testhost_out(th, 1), "\n1-1-"), 5);
	testhost_has(th, 1, "1-1-05");
	testhost_lacks(th, 1, "1-1-06");
	testhost_has(th, 1, "\n(5 of 12 shown; more results: use --offset 5)\n");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --limit 5 --offset 5"), 0);
	assert_int_equal(test_cu_count(testhost_out(th, 1), "\n1-1-"), 5);
	testhost_lacks(th, 1, "1-1-05");
	testhost_has(th, 1, "1-1-06");
	testhost_has(th, 1, "1-1-10");
	testhost_lacks(th, 1, "1-1-11");
	testhost_has(th, 1, "(5 of 12 shown; more results: use --offset 10)");
	/* The last page says nothing more; past the end, "No more units". */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --limit 5 --offset 10"), 0);
	assert_int_equal(test_cu_count(testhost_out(th, 1), "\n1-1-"), 2);
	testhost_has(th, 1, "1-1-11");
	testhost_lacks(th, 1, "shown");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --offset 12"), 0);
	assert_string_equal(testhost_out(th, 1), "No more units.\n");
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit list --offset 100"), 0);
	assert_string_equal(testhost_out(th, 1), "没有更多单元。\n");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --limit 1000"), 0);
	assert_int_equal(test_cu_count(testhost_out(th, 1), "\n1-1-"), 12);
	/* Refused counts. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --limit 0"), 2);
	testhost_has(th, 2, "--limit: `0` is not a number from 1 to 1000");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --limit 1001"), 2);
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit list --offset x"), 2);
	testhost_has(th, 2, "--offset：`x` 不是 0 到 10000000 之间的数字");
	assert_string_equal(testhost_out(th, 1), "");
	/* --offset 0 is the first page. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --offset 0 --limit 1000"), 0);
	assert_int_equal(test_cu_count(testhost_out(th, 1), "\n1-1-"), 12);

	/* JSON: the same page, the phone masked for agents, null for what is not given. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit list --json --limit 2 --offset 2"),
	                 0);
	{
		struct unit u;
		char want[512];

		memset(&u, 0, sizeof u);
		assert_int_equal(store_unit_get(th->st, "1-1-03", &u), 0);
		snprintf(want, sizeof want,
		         "{\"total\":12,\"offset\":2,\"limit\":2,\"more\":true,\"next_offset\":4,"
		         "\"items\":[{\"code\":\"1-1-03\",\"building\":\"一栋\",\"owner_name\":\"李四\","
		         "\"owner_phone\":\"139****1111\",\"area_m2\":89.5,\"created_ms\":%lld,"
		         "\"housing_type\":null,\"owner_id\":null},"
		         "{\"code\":\"1-1-04\",\"building\":null,\"owner_name\":null,"
		         "\"owner_phone\":null,\"area_m2\":0,\"created_ms\":%lld,"
		         "\"housing_type\":null,\"owner_id\":null}]}\n",
		         (long long)u.created * 1000, (long long)u.created * 1000);
		store_unit_clear(&u);
		assert_string_equal(testhost_out(th, 1), want);
	}
	assert_int_equal(test_cu_exec(th, "sup1", "en", "unit list --json --limit 1 --offset 2"),
	                 0);
	testhost_has(th, 1, "\"owner_phone\":\"13900001111\"");

	/* Auditors do not read the register. */
	assert_int_equal(test_cu_exec(th, "audit1", "en", "unit list"), 3);
	testhost_has(th, 2, "permission denied: `unit list` needs role");
	assert_string_equal(testhost_out(th, 1), "");
}

/* ---- unit show ------------------------------------------------------------------------------- */

static void test_cu_show(void **state)
{
	struct testhost *th = *state;
	char n[4][COMPLAINT_NUMBER_MAX], n7[COMPLAINT_NUMBER_MAX], want[512];
	struct shell_opts o = testhost_opts;
	struct unit u;

	/* Complaints about 7-7-707 while the register is empty (kept as typed). */
	test_cu_complaint(th, "7-7-707", "agent1", "noise", "楼上装修", 0, n7);
	test_cu_unit(th, "3-2-1201", "3栋", "李四", "13900001111", 89.5);
	test_cu_unit(th, "3-2-1202", NULL, NULL, NULL, 0);
	/* Four about 3-2-1201: open, resolved, escalated, reopened; three not resolved. */
	test_cu_complaint(th, "3-2-1201", "agent1", "repairs", "漏水", 0, n[0]);
	test_cu_complaint(th, "3-2-1201", "agent2", "repairs", "门坏了", 0, n[1]);
	test_cu_complaint(th, "3-2-1201", "agent1", "noise", "噪音", 0, n[2]);
	test_cu_complaint(th, "3-2-1201", "agent2", "fees", "收费", 0, n[3]);
	assert_int_equal(store_complaint_resolve(th->st, &testhost_setup_ctx, n[1], "修好了"), 0);
	assert_int_equal(
	    store_complaint_escalate(th->st, &testhost_setup_ctx, n[2], "sup1", "太吵"), 0);
	assert_int_equal(store_complaint_resolve(th->st, &testhost_setup_ctx, n[3], "已退费"), 0);
	assert_int_equal(store_complaint_reopen(th->st, &testhost_setup_ctx, n[3], "没退"), 0);

	/* A registered unit: every field, the phone masked for an agent. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 3-2-1201"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "Unit 3-2-1201\n"
	                    "  building: 3栋\n"
	                    "  owner:    李四\n"
	                    "  phone:    139****1111\n"
	                    "  area:     89.50 m²\n"
	                    "  move-in:  not started\n"
	                    "  complaints: 4 (3 not resolved); unit history shows them\n");
	/* Even to the agent who took its complaints: a unit's owner belongs to no complaint. */
	assert_int_equal(test_cu_exec(th, "agent2", "zh", "unit show 3-2-1201"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "单元 3-2-1201\n"
	                    "  楼栋：3栋\n"
	                    "  业主：李四\n"
	                    "  电话：139****1111\n"
	                    "  面积：89.50 m²\n"
	                    "  入伙：未开始\n"
	                    "  投诉：4 件（未解决 3 件）；unit history 可查看\n");
	assert_int_equal(test_cu_exec(th, "sup1", "en", "unit show 3-2-1201"), 0);
	testhost_has(th, 1, "  phone:    13900001111\n");
	assert_int_equal(test_cu_exec(th, "admin1", "en", "unit show 3-2-1201"), 0);
	testhost_has(th, 1, "  phone:    13900001111\n");
	/* A registered unit with nothing but its code, and no complaints. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 3-2-1202"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "Unit 3-2-1202\n"
	                    "  building: -\n"
	                    "  owner:    -\n"
	                    "  phone:    -\n"
	                    "  move-in:  not started\n"
	                    "  complaints: 0 (0 not resolved); unit history shows them\n");
	/* A unit known only from its complaints. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 7-7-707"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "Unit 7-7-707  (not in the unit register)\n"
	                    "  complaints: 1 (1 not resolved); unit history shows them\n");
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit show 7-7-707"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "单元 7-7-707（不在单元登记表中）\n"
	                    "  投诉：1 件（未解决 1 件）；unit history 可查看\n");
	/* Neither. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 4-4-404"), 1);
	testhost_has(th, 2, "no unit `4-4-404` in the register, and no complaints about it");
	assert_string_equal(testhost_out(th, 1), "");
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit show 4-4-404"), 1);
	testhost_has(th, 2, "单元登记表中没有 `4-4-404`，也没有关于它的投诉");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 'a b'"), 2);
	testhost_has(th, 2, "`a b` is not a unit code (1-32 characters, no spaces, e.g. 3-2-1201)");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show"), 2);

	/* JSON. */
	memset(&u, 0, sizeof u);
	assert_int_equal(store_unit_get(th->st, "3-2-1201", &u), 0);
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 3-2-1201 --json"), 0);
	snprintf(want, sizeof want,
	         "{\"code\":\"3-2-1201\",\"building\":\"3栋\",\"owner_name\":\"李四\","
	         "\"owner_phone\":\"139****1111\",\"area_m2\":89.5,\"created_ms\":%lld,"
	         "\"housing_type\":null,\"owner_id\":null,"
	         "\"registered\":true,\"movein_stage\":null,\"complaints\":4,\"complaints_not_resolved\":3}\n",
	         (long long)u.created * 1000);
	assert_string_equal(testhost_out(th, 1), want);
	store_unit_clear(&u);
	assert_int_equal(test_cu_exec(th, "sup1", "en", "unit show 3-2-1201 --json"), 0);
	testhost_has(th, 1, "\"owner_phone\":\"13900001111\"");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 7-7-707 --json"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "{\"code\":\"7-7-707\",\"registered\":false,\"movein_stage\":null,"
	                    "\"complaints\":1,\"complaints_not_resolved\":1}\n");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 3-2-1202 --json"), 0);
	testhost_has(th, 1,
	             "\"building\":null,\"owner_name\":null,\"owner_phone\":null,\"area_m2\":0,");
	testhost_has(th, 1,
	             "\"registered\":true,\"movein_stage\":null,\"complaints\":0,"
	             "\"complaints_not_resolved\":0}\n");

	/* Resolving the rest: none left unresolved. */
	assert_int_equal(store_complaint_resolve(th->st, &testhost_setup_ctx, n[0], "好了"), 0);
	assert_int_equal(store_complaint_resolve(th->st, &testhost_setup_ctx, n[2], "好了"), 0);
	assert_int_equal(store_complaint_resolve(th->st, &testhost_setup_ctx, n[3], "好了"), 0);
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit show 3-2-1201"), 0);
	testhost_has(th, 1, "  complaints: 4 (0 not resolved); unit history shows them\n");

	/* On the thread pool: nothing printed until the count ran. */
	o.exec = "unit show 3-2-1201";
	o.env_lang = "en_US.UTF-8";
	testhost_start(th, "agent1", TESTHOST_WORK, &o);
	assert_true(shell_busy(th->sh));
	assert_int_equal(th->nq, 1);
	assert_string_equal(testhost_out(th, 0), "");
	assert_int_equal(testhost_drain(th, false), 1);
	assert_true(th->exited);
	testhost_has(th, 1, "Unit 3-2-1201");
	/* The session gone before it ran. */
	testhost_start(th, "agent1", TESTHOST_WORK, &o);
	assert_int_equal(testhost_drain(th, true), 1);
	assert_false(th->exited);
	testhost_stop(th);

	assert_int_equal(test_cu_exec(th, "audit1", "en", "unit show 3-2-1201"), 3);
	assert_string_equal(testhost_out(th, 1), "");
}

/* ---- unit history ---------------------------------------------------------------------------- */

static void test_cu_history(void **state)
{
	struct testhost *th = *state;
	char c1[COMPLAINT_NUMBER_MAX], c2[COMPLAINT_NUMBER_MAX], c3[COMPLAINT_NUMBER_MAX];
	char cx[COMPLAINT_NUMBER_MAX], want[1024], prefix[64];
	struct audit_ctx ctx = testhost_setup_ctx;
	struct promise_new pn;
	int64_t p1 = 0, p2 = 0, p3 = 0;
	const char *out;

	/* 03-01 09:00 C1 (repairs, later resolved), 10:00 its promise kept; 03-05 09:00 C2 (noise,
	 * escalated), 11:00 its promise, overdue; 03-10 09:00 C3 (a long text; in progress once
	 * promised), 12:00 its promise withdrawn; another unit's complaint in between. */
	test_cu_complaint(th, "5-1-301", "agent1", "repairs", "卫生间漏水",
	                  test_cu_at(2025, 3, 1, 9, 0), c1);
	test_cu_complaint(th, "5-1-301", "agent2", "noise", "楼上装修太吵",
	                  test_cu_at(2025, 3, 5, 9, 0), c2);
	test_cu_complaint(th, "5-1-302", "agent2", "noise", "别的单元",
	                  test_cu_at(2025, 3, 6, 9, 0), cx);
	test_cu_complaint(th, "5-1-301", "agent1", "retired",
	                  "电梯经常停运，已经影响到老人上下楼，希望物业尽快联系维保单位彻底检修",
	                  test_cu_at(2025, 3, 10, 9, 0), c3);
	memset(&pn, 0, sizeof pn);
	pn.what = "派维修工上门";
	pn.due_ms = test_cu_at(2025, 3, 2, 18, 0);
	store_complaint_set_clock(th->st, test_cu_at(2025, 3, 1, 10, 0));
	ctx.account = "agent1";
	assert_int_equal(store_promise_add(th->st, &ctx, c1, &pn, &p1), 0);
	store_complaint_set_clock(th->st, test_cu_at(2025, 3, 2, 9, 0));
	assert_int_equal(store_promise_done(th->st, &ctx, p1, NULL), 0);
	assert_int_equal(store_complaint_resolve(th->st, &ctx, c1, "已修好"), 0);
	pn.what = "回电话";
	pn.due_ms = test_cu_at(2025, 3, 6, 23, 59);
	store_complaint_set_clock(th->st, test_cu_at(2025, 3, 5, 11, 0));
	ctx.account = "agent2";
	assert_int_equal(store_promise_add(th->st, &ctx, c2, &pn, &p2), 0);
	assert_int_equal(store_complaint_escalate(th->st, &ctx, c2, "sup1", "业主要见经理"), 0);
	pn.what = "联系维保";
	pn.due_ms = test_cu_at(2099, 1, 1, 12, 0);
	store_complaint_set_clock(th->st, test_cu_at(2025, 3, 10, 12, 0));
	ctx.account = "agent1";
	assert_int_equal(store_promise_add(th->st, &ctx, c3, &pn, &p3), 0);
	assert_int_equal(store_promise_withdraw(th->st, &ctx, p3, "维保已来过"), 0);
	store_complaint_set_clock(th->st, 0);

	/* Newest first, in Chinese: the catalog's category names (a retired code as it is), status
	 * labels, promises with their due time, the text cut to 30 columns. */
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit history 5-1-301"), 0);
	out = testhost_out(th, 1);
	test_cu_row(th, "日期", "日期 | 类型 | 投诉 | 类别 | 状态 | 客服 | 内容");
	snprintf(prefix, sizeof prefix, "2025-03-10 12:00");
	snprintf(want, sizeof want,
	         "2025-03-10 12:00 | 承诺 #%lld | %s | retired | 已撤回，期限 "
	         "2099-01-01 12:00 | agent1 | 联系维保",
	         (long long)p3, c3);
	test_cu_row(th, prefix, want);
	snprintf(want, sizeof want,
	         "2025-03-10 09:00 | 投诉 | %s | retired | 处理中 | agent1 | "
	         "电梯经常停运，已经影响到老人…",
	         c3);
	test_cu_row(th, "2025-03-10 09:00", want);
	snprintf(want, sizeof want,
	         "2025-03-05 11:00 | 承诺 #%lld | %s | 噪音 | 已逾期，期限 "
	         "2025-03-06 23:59 | agent2 | 回电话",
	         (long long)p2, c2);
	test_cu_row(th, "2025-03-05 11:00", want);
	snprintf(want, sizeof want,
	         "2025-03-05 09:00 | 投诉 | %s | 噪音 | 已升级 | agent2 | "
	         "楼上装修太吵",
	         c2);
	test_cu_row(th, "2025-03-05 09:00", want);
	snprintf(want, sizeof want,
	         "2025-03-01 10:00 | 承诺 #%lld | %s | 报修 | 已兑现，期限 "
	         "2025-03-02 18:00 | agent1 | 派维修工上门",
	         (long long)p1, c1);
	test_cu_row(th, "2025-03-01 10:00", want);
	snprintf(want, sizeof want,
	         "2025-03-01 09:00 | 投诉 | %s | 报修 | 已解决 | agent1 | "
	         "卫生间漏水",
	         c1);
	test_cu_row(th, "2025-03-01 09:00", want);
	assert_true(strstr(out, "2025-03-10 12:00") < strstr(out, "2025-03-10 09:00"));
	assert_true(strstr(out, "2025-03-10 09:00") < strstr(out, "2025-03-05 11:00"));
	assert_true(strstr(out, "2025-03-05 11:00") < strstr(out, "2025-03-05 09:00"));
	assert_true(strstr(out, "2025-03-05 09:00") < strstr(out, "2025-03-01 10:00"));
	assert_true(strstr(out, "2025-03-01 10:00") < strstr(out, "2025-03-01 09:00"));
	testhost_lacks(th, 1, cx);
	testhost_lacks(th, 1, "别的单元");

	/* In English. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit history 5-1-301"), 0);
	test_cu_row(th, "DATE", "DATE | KIND | COMPLAINT | CATEGORY | STATUS | AGENT | TEXT");
	snprintf(want, sizeof want,
	         "2025-03-05 11:00 | promise #%lld | %s | Noise | OVERDUE, due "
	         "2025-03-06 23:59 | agent2 | 回电话",
	         (long long)p2, c2);
	test_cu_row(th, "2025-03-05 11:00", want);
	snprintf(want, sizeof want,
	         "2025-03-01 09:00 | complaint | %s | Repairs | resolved | agent1 | "
	         "卫生间漏水",
	         c1);
	test_cu_row(th, "2025-03-01 09:00", want);
	testhost_has(th, 1, "  withdrawn, due 2099-01-01 12:00  ");
	testhost_has(th, 1, "kept, due 2025-03-02 18:00");
	testhost_has(th, 1, "  escalated  ");
	testhost_has(th, 1, "  in progress  ");

	/* JSON: every line, newest first, the whole text. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit history 5-1-301 --json"), 0);
	out = testhost_out(th, 1);
	assert_int_equal(test_cu_count(out, "\"kind\":\"promise\""), 3);
	assert_int_equal(test_cu_count(out, "\"kind\":\"complaint\""), 3);
	snprintf(want, sizeof want,
	         "{\"total\":null,\"offset\":0,\"limit\":100,\"more\":false,\"items\":"
	         "[{\"kind\":\"promise\",\"ts_ms\":%lld,\"number\":\"%s\",\"category\":\"retired\","
	         "\"status\":\"withdrawn\",\"text\":\"联系维保\",\"agent\":\"agent1\","
	         "\"promise_id\":%lld,\"due_ms\":%lld},{\"kind\":\"complaint\",\"ts_ms\":%lld,"
	         "\"number\":\"%s\",\"category\":\"retired\",\"status\":\"in_progress\",\"text\":"
	         "\"电梯经常停运，已经影响到老人上下楼，希望物业尽快联系维保单位彻底检修\","
	         "\"agent\":\"agent1\"},",
	         (long long)test_cu_at(2025, 3, 10, 12, 0), c3, (long long)p3,
	         (long long)test_cu_at(2099, 1, 1, 12, 0), (long long)test_cu_at(2025, 3, 10, 9, 0),
	         c3);
	assert_int_equal(strncmp(out, want, strlen(want)), 0);
	snprintf(
	    want, sizeof want,
	    "{\"kind\":\"complaint\",\"ts_ms\":%lld,\"number\":\"%s\",\"category\":\"repairs\","
	    "\"status\":\"resolved\",\"text\":\"卫生间漏水\",\"agent\":\"agent1\"}]}\n",
	    (long long)test_cu_at(2025, 3, 1, 9, 0), c1);
	testhost_has(th, 1, want);

	/* Pages of it, newest first, said while more follow. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit history 5-1-301 --limit 2"), 0);
	out = testhost_out(th, 1);
	testhost_has(th, 1, "2025-03-10 12:00");
	testhost_has(th, 1, "2025-03-10 09:00");
	testhost_lacks(th, 1, "2025-03-05");
	testhost_has(th, 1, "\n(2 shown; more results: use --offset 2)\n");
	assert_int_equal(
	    test_cu_exec(th, "agent1", "zh", "unit history 5-1-301 --limit 2 --offset 2"), 0);
	testhost_lacks(th, 1, "2025-03-10");
	testhost_has(th, 1, "2025-03-05 11:00");
	testhost_has(th, 1, "2025-03-05 09:00");
	testhost_lacks(th, 1, "2025-03-01");
	testhost_has(th, 1, "（显示 2 条；更多结果：用 --offset 4）\n");
	assert_int_equal(
	    test_cu_exec(th, "agent1", "en", "unit history 5-1-301 --limit 4 --offset 4"), 0);
	testhost_has(th, 1, "2025-03-01 10:00");
	testhost_has(th, 1, "2025-03-01 09:00");
	testhost_lacks(th, 1, "2025-03-05");
	testhost_lacks(th, 1, "more results");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit history 5-1-301 --offset 2 --json"),
	                 0);
	assert_int_equal(test_cu_count(testhost_out(th, 1), "\"kind\":"), 4);
	/* Past the end: the unit has a history, only not that far back. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit history 5-1-301 --offset 6"), 0);
	assert_string_equal(testhost_out(th, 1), "No more history for unit 5-1-301.\n");
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit history 5-1-301 --offset 60"), 0);
	assert_string_equal(testhost_out(th, 1), "单元 5-1-301 没有更多记录。\n");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit history 5-1-301 --limit 0"), 2);
	testhost_has(th, 2, "--limit: `0` is not a number from 1 to 1000");
	/* On the thread pool. */
	{
		struct shell_opts o = testhost_opts;

		o.exec = "unit history 5-1-301";
		testhost_start(th, "agent1", TESTHOST_WORK | TESTHOST_CATALOG, &o);
		assert_true(shell_busy(th->sh));
		assert_int_equal(th->nq, 1);
		assert_string_equal(testhost_out(th, 0), "");
		assert_int_equal(testhost_drain(th, false), 1);
		assert_true(th->exited);
		testhost_has(th, 1, c1);
		testhost_stop(th);
	}

	/* A unit with no complaints; a code that is none. */
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit history 9-9-999"), 0);
	assert_string_equal(testhost_out(th, 1), "No complaints about unit 9-9-999.\n");
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit history 9-9-999"), 0);
	assert_string_equal(testhost_out(th, 1), "单元 9-9-999 没有投诉记录。\n");
	assert_int_equal(test_cu_exec(th, "agent1", "en", "unit history 9-9-999 --json"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "{\"total\":null,\"offset\":0,\"limit\":100,\"more\":false,\"items\":[]}\n");
	assert_int_equal(test_cu_exec(th, "agent1", "zh", "unit history 'a b'"), 2);
	testhost_has(th, 2, "`a b` 不是有效的单元编号");
	/* Supervisors may read it; auditors may not. */
	assert_int_equal(test_cu_exec(th, "sup1", "en", "unit history 5-1-302"), 0);
	testhost_has(th, 1, cx);
	assert_int_equal(test_cu_exec(th, "audit1", "en", "unit history 5-1-301"), 3);
	testhost_has(th, 2, "permission denied: `unit history` needs role");
}

/* ---- unit import ----------------------------------------------------------------------------- */

/* Imports csv as admin1 (en) and expects the English summary want on stdout. */
static void test_cu_import_ok(struct testhost *th, const char *args, const char *csv,
                              const char *want)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "unit import%s%s", args[0] ? " " : "", args);
	if (test_cu_exec_in(th, "admin1", "en", cmd, csv) != 0)
		fail_msg("`%s` failed: %s", cmd, testhost_out(th, 2));
	assert_string_equal(testhost_out(th, 1), want);
	assert_string_equal(testhost_out(th, 2), "");
}

/* The stored unit code has these fields (NULL: none; area 0: none). */
static void test_cu_expect_unit(struct testhost *th, const char *code, const char *building,
                                const char *owner, const char *phone, double area)
{
	struct unit u;

	memset(&u, 0, sizeof u);
	if (store_unit_get(th->st, code, &u) != 0)
		fail_msg("no unit %s", code);
	if (building == NULL)
		assert_null(u.building);
	else
		assert_string_equal(u.building, building);
	if (owner == NULL)
		assert_null(u.owner_name);
	else
		assert_string_equal(u.owner_name, owner);
	if (phone == NULL)
		assert_null(u.owner_phone);
	else
		assert_string_equal(u.owner_phone, phone);
	assert_true(u.area_m2 == area);
	store_unit_clear(&u);
}

static void test_cu_import_headers(void **state)
{
	struct testhost *th = *state;

	/* Synonyms of each column, in Chinese and English, with the unit in brackets, odd case,
	 * spaces and hyphens, ideographic spaces, in any order. */
	test_cu_import_ok(
	    th, "", "房号,楼号,业主姓名,手机,建筑面积(㎡)\n1-1-101,一栋,张三,13800000001,90\n",
	    "Imported 1 units: 1 added, 0 updated, 0 unchanged.\n");
	test_cu_expect_unit(th, "1-1-101", "一栋", "张三", "13800000001", 90);
	test_cu_import_ok(th, "",
	                  "Unit Code,Building,Owner Name,Owner-Phone,Area (m2)\n"
	                  "1-1-102,一栋,李四,021-12345678,88.25 m2\n",
	                  "Imported 1 units: 1 added, 0 updated, 0 unchanged.\n");
	test_cu_expect_unit(th, "1-1-102", "一栋", "李四", "021-12345678", 88.25);
	test_cu_import_ok(th, "",
	                  "\xe3\x80\x80单元编号\xe3\x80\x80,楼栋,业主,联系电话,面积（平方米）\n"
	                  "1-1-103,二栋,王五,13800000003,100平方米\n",
	                  "Imported 1 units: 1 added, 0 updated, 0 unchanged.\n");
	test_cu_expect_unit(th, "1-1-103", "二栋", "王五", "13800000003", 100);
	test_cu_import_ok(th, "",
	                  "AREA_M2, owner_phone ,OWNER,building,UNIT\n"
	                  "66.5㎡,13800000004,赵六,三栋,1-1-104\n",
	                  "Imported 1 units: 1 added, 0 updated, 0 unchanged.\n");
	test_cu_expect_unit(th, "1-1-104", "三栋", "赵六", "13800000004", 66.5);
	test_cu_import_ok(th, "", "单元号,业主电话,面积\n1-1-105,13800000005,70 平米\n",
	                  "Imported 1 units: 1 added, 0 updated, 0 unchanged.\n");
	test_cu_expect_unit(th, "1-1-105", NULL, NULL, "13800000005", 70);
	test_cu_import_ok(th, "", "单元,电话,area\n1-1-106,13800000006,55M2\n",
	                  "Imported 1 units: 1 added, 0 updated, 0 unchanged.\n");
	test_cu_expect_unit(th, "1-1-106", NULL, NULL, "13800000006", 55);
	/* A byte-order mark and CRLF, English headers. */
	test_cu_import_ok(th, "",
	                  "\xef\xbb\xbf"
	                  "code,owner\r\n1-1-107,孙七\r\n1-1-108,周八\r\n",
	                  "Imported 2 units: 2 added, 0 updated, 0 unchanged.\n");
	test_cu_expect_unit(th, "1-1-107", NULL, "孙七", NULL, 0);
	test_cu_expect_unit(th, "1-1-108", NULL, "周八", NULL, 0);
	assert_int_equal(test_cu_units(th), 8);
	assert_int_equal(testhost_audit_count(th->st, "unit.import", NULL), 7);

	/* Other columns: refused by name and position, or skipped with --ignore-unknown. */
	assert_int_equal(test_cu_exec_in(th, "admin1", "en", "unit import",
	                                 "code,floor,owner\n1-1-109,3,吴九\n"),
	                 1);
	testhost_has(th, 2,
	             "line 1: column 2 (floor): unknown column (known: code, building, owner, "
	             "phone, area, or 单元, 楼栋, 业主, 电话, 面积");
	testhost_has(th, 2, "; nothing was imported");
	assert_int_equal(
	    test_cu_exec_in(th, "admin1", "zh", "unit import", "code,楼层,owner\n1-1-109,3,吴九\n"),
	    1);
	testhost_has(th, 2, "第 1 行：第 2 列（楼层）：未知的列");
	testhost_has(th, 2, "；未导入任何单元");
	assert_int_equal(test_cu_units(th), 8);
	test_cu_import_ok(th, "--ignore-unknown", "code,floor,owner\n1-1-109,3,吴九\n",
	                  "Imported 1 units: 1 added, 0 updated, 0 unchanged.\n");
	test_cu_expect_unit(th, "1-1-109", NULL, "吴九", NULL, 0);
	/* Two names for one column. */
	assert_int_equal(test_cu_exec_in(th, "admin1", "en", "unit import", "房号,code\n1,2\n"), 1);
	testhost_has(th, 2, "line 1: column 2 (code): the same field as column 1 (房号)");
}

static void test_cu_import_update_dry_run(void **state)
{
	struct testhost *th = *state;
	size_t updates, imports;

	test_cu_import_ok(th, "",
	                  "code,building,owner,phone,area\n"
	                  "2-1-101,一栋,张三,13800000001,90\n"
	                  "2-1-102,一栋,李四,13800000002,80\n"
	                  "2-1-103,一栋,王五,,\n",
	                  "Imported 3 units: 3 added, 0 updated, 0 unchanged.\n");
	updates = testhost_audit_count(th->st, "unit.update", NULL);
	imports = testhost_audit_count(th->st, "unit.import", NULL);

	/* A dry run counts what would change and writes nothing, not even an audit event of the
	 * import (the command itself is audited). */
	test_cu_import_ok(th, "--dry-run",
	                  "code,owner,phone\n"
	                  "2-1-101,张三,13800000001\n"
	                  "2-1-102,李四丈夫,13800000002\n"
	                  "2-1-104,赵六,\n",
	                  "Dry run, nothing written: 3 units read; 1 would be added, 1 updated, 1 "
	                  "unchanged.\n");
	assert_int_equal(test_cu_units(th), 3);
	test_cu_expect_unit(th, "2-1-102", "一栋", "李四", "13800000002", 80);
	assert_int_equal(testhost_audit_count(th->st, "unit.update", NULL), updates);
	assert_int_equal(testhost_audit_count(th->st, "unit.import", NULL), imports);
	assert_int_equal(testhost_audit_count(th->st, "command", "unit import --dry-run"), 1);
	assert_int_equal(test_cu_exec_in(th, "admin1", "zh", "unit import --dry-run --json",
	                                 "code,owner,phone\n"
	                                 "2-1-101,张三,13800000001\n"
	                                 "2-1-102,李四丈夫,13800000002\n"
	                                 "2-1-104,赵六,\n"),
	                 0);
	assert_string_equal(testhost_out(th, 1), "{\"units\":3,\"added\":1,\"updated\":1,"
	                                         "\"unchanged\":1,\"dry_run\":true}\n");
	assert_int_equal(test_cu_exec_in(th, "admin1", "zh", "unit import --dry-run",
	                                 "code\n2-1-101\n2-1-105\n"),
	                 0);
	assert_string_equal(testhost_out(th, 1),
	                    "试运行，未写入：读取 2 个单元；将新增 1 个，更新 0 个，未变 1 个。\n");
	assert_int_equal(test_cu_units(th), 3);

	/* The same for real: the file's columns replace the values (an empty cell clears one),
	 * the columns not in the file are kept. */
	test_cu_import_ok(th, "",
	                  "code,owner,phone\n"
	                  "2-1-101,张三,13800000001\n"
	                  "2-1-102,李四丈夫,\n"
	                  "2-1-104,赵六,\n",
	                  "Imported 3 units: 1 added, 1 updated, 1 unchanged.\n");
	test_cu_expect_unit(th, "2-1-101", "一栋", "张三", "13800000001", 90);
	test_cu_expect_unit(th, "2-1-102", "一栋", "李四丈夫", NULL, 80);
	test_cu_expect_unit(th, "2-1-104", NULL, "赵六", NULL, 0);
	assert_int_equal(test_cu_units(th), 4);
	assert_int_equal(
	    testhost_audit_count(th->st, "unit.update", "changed=owner_name,owner_phone"), 1);
	assert_int_equal(
	    testhost_audit_count(th->st, "unit.import", "units=3 added=1 updated=1 unchanged=1"),
	    1);
	assert_int_equal(test_cu_exec_in(th, "admin1", "zh", "unit import --json",
	                                 "code,area\n2-1-103,45.5\n2-1-104,\n"),
	                 0);
	assert_string_equal(testhost_out(th, 1), "{\"units\":2,\"added\":0,\"updated\":1,"
	                                         "\"unchanged\":1,\"dry_run\":false}\n");
	test_cu_expect_unit(th, "2-1-103", "一栋", "王五", NULL, 45.5);
	assert_int_equal(test_cu_exec_in(th, "admin1", "zh", "unit import", "单元\n2-1-106\n"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "已导入 1 个单元：新增 1 个，更新 0 个，未变 0 个。\n");
}

static void test_cu_import_refused(void **state)
{
	struct testhost *th = *state;
	struct shell_opts o = testhost_opts;
	size_t imports;

	test_cu_import_ok(th, "", "code,owner\n3-1-101,张三\n",
	                  "Imported 1 units: 1 added, 0 updated, 0 unchanged.\n");
	imports = testhost_audit_count(th->st, "unit.import", NULL);

	/* A bad row refuses the whole file, good rows before and after it too; the line counts
	 * blank lines. */
	assert_int_equal(test_cu_exec_in(th, "admin1", "en", "unit import",
	                                 "code,owner,area\n"
	                                 "3-1-102,李四,80\n"
	                                 "\n"
	                                 "3-1-101,张三丰,90\n"
	                                 "3-1-103,王五,很大\n"
	                                 "3-1-104,赵六,70\n"),
	                 1);
	assert_string_equal(testhost_out(th, 2),
	                    "line 5: column 3 (area): `很大` is not an area in m² (a number up to "
	                    "1000000, e.g. 89.5 or 89.5㎡); nothing was imported\n");
	assert_string_equal(testhost_out(th, 1), "");
	assert_int_equal(test_cu_units(th), 1);
	test_cu_expect_unit(th, "3-1-101", NULL, "张三", NULL, 0);
	assert_int_equal(
	    test_cu_exec_in(th, "admin1", "zh", "unit import",
	                    "单元,业主,电话\n3-1-102,李四,13800000002\n3-1-103,王五,110\n"),
	    1);
	assert_string_equal(
	    testhost_out(th, 2),
	    "第 3 行：第 3 列（电话）：`110` 不是有效的电话号码（手机如 13812345678，固话如 "
	    "021-12345678）；未导入任何单元\n");
	/* Refused by the store: a code given twice names both lines. */
	assert_int_equal(test_cu_exec_in(th, "admin1", "en", "unit import",
	                                 "code\n3-1-102\n3-1-103\n\n3-1-102\n"),
	                 1);
	testhost_has(th, 2, "line 5: `3-1-102` is already on line 2: each unit once per file");
	/* A dry run refuses the same. */
	assert_int_equal(
	    test_cu_exec_in(th, "admin1", "en", "unit import --dry-run", "code,area\n3-1-102,-5\n"),
	    1);
	testhost_has(th, 2, "line 2: column 2 (area): `-5` is not an area");
	assert_string_equal(testhost_out(th, 1), "");
	assert_int_equal(test_cu_units(th), 1);
	assert_int_equal(testhost_audit_count(th->st, "unit.import", NULL), imports);

	/* Only admins import. */
	assert_int_equal(test_cu_exec_in(th, "sup1", "en", "unit import", "code\n3-1-109\n"), 3);
	testhost_has(th, 2, "permission denied: `unit import` needs role");
	assert_int_equal(test_cu_exec_in(th, "agent1", "zh", "unit import", "code\n3-1-109\n"), 3);
	testhost_has(th, 2, "权限不足：`unit import` 需要角色");
	assert_int_equal(test_cu_exec_in(th, "audit1", "en", "unit import", "code\n3-1-109\n"), 3);
	assert_int_equal(test_cu_units(th), 1);
	assert_int_equal(testhost_audit_count(th->st, "command.denied", "unit import"), 3);
	/* In an interactive session there is no file to read. */
	testhost_start(th, "admin1", 0, &o);
	testhost_expect(testhost_type(th, "unit import\r"),
	                "unit import reads a CSV file on stdin: run it in exec mode");
	testhost_stop(th);
	assert_int_equal(test_cu_units(th), 1);
}

/* A file of many units is applied a slice at a time (the loop serves the others between turns
 * of slices); every row is checked before the first slice, so a bad row or a code given twice
 * near the end still refuses the whole file. */
static void test_cu_import_slices(void **state)
{
	struct testhost *th = *state;
	struct buf csv;
	size_t units = (size_t)test_cu_units(th), imports, i;

	imports = testhost_audit_count(th->st, "unit.import", NULL);
	buf_init(&csv);
	buf_puts(&csv, "code,owner,area\n");
	for (i = 0; i < 300; i++)
		buf_printf(&csv, "%zu-%zu-%zu,业主%zu,%zu\n", 20 + i / 100, 1 + i / 10 % 10,
		           101 + i % 10, i, 60 + i % 50);
	/* The last line bad: nothing at all, though 300 good rows come before it. */
	{
		struct buf bad;

		buf_init(&bad);
		buf_append(&bad, csv.data, csv.len);
		buf_puts(&bad, "29-1-101,末行,很大\n");
		assert_int_equal(test_cu_exec_in(th, "admin1", "en", "unit import", buf_cstr(&bad)),
		                 1);
		testhost_has(th, 2, "line 302: column 3 (area)");
		testhost_has(th, 2, "nothing was imported");
		buf_free(&bad);
	}
	{
		struct buf dup;

		buf_init(&dup);
		buf_append(&dup, csv.data, csv.len);
		buf_puts(&dup, "20-1-101,又一次,70\n");
		assert_int_equal(test_cu_exec_in(th, "admin1", "en", "unit import", buf_cstr(&dup)),
		                 1);
		testhost_has(th, 2, "line 302: `20-1-101` is already on line 2");
		buf_free(&dup);
	}
	assert_int_equal(test_cu_units(th), (int)units);
	assert_int_equal(testhost_audit_count(th->st, "unit.import", NULL), imports);

	assert_int_equal(test_cu_exec_in(th, "admin1", "en", "unit import", buf_cstr(&csv)), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "Imported 300 units: 300 added, 0 updated, 0 unchanged.\n");
	assert_int_equal(test_cu_units(th), (int)units + 300);
	/* One audited import per slice of 64: 5. */
	assert_int_equal(testhost_audit_count(th->st, "unit.import", NULL), imports + 5);
	test_cu_expect_unit(th, "22-10-110", NULL, "业主299", NULL, 109);
	/* Again: every unit unchanged, in Chinese. */
	assert_int_equal(test_cu_exec_in(th, "admin1", "zh", "unit import", buf_cstr(&csv)), 0);
	testhost_has(th, 1, "已导入 300 个单元：新增 0 个，更新 0 个，未变 300 个。");
	buf_free(&csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cu_list, test_cu_setup, test_cu_teardown),
	    cmocka_unit_test_setup_teardown(test_cu_show, test_cu_setup, test_cu_teardown),
	    cmocka_unit_test_setup_teardown(test_cu_history, test_cu_setup, test_cu_teardown),
	    cmocka_unit_test_setup_teardown(test_cu_import_headers, test_cu_setup,
	                                    test_cu_teardown),
	    cmocka_unit_test_setup_teardown(test_cu_import_update_dry_run, test_cu_setup,
	                                    test_cu_teardown),
	    cmocka_unit_test_setup_teardown(test_cu_import_slices, test_cu_setup,
	                                    test_cu_teardown),
	    cmocka_unit_test_setup_teardown(test_cu_import_refused, test_cu_setup,
	                                    test_cu_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
