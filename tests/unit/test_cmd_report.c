/* test_cmd_report — the supervisors' reports (shell/cmd/cmd_report.c) through the real shell
 * against the shared test host (testhost.h), the real etc/ catalogs and a real store in a
 * temporary directory, on a desk whose times are set (store_complaint_set_clock) so that every
 * figure is exact: report techniques (complaints per technique, share resolved, the median time
 * to resolve for odd and even counts, reopen and escalation rates, promises kept on time with
 * the boundary at the due minute; --since/--until by local day, --category, --by agent, --json,
 * the text table in both languages, argument errors) and report promises (open and overdue
 * promises per agent, the most overdue first, the overdue list oldest first, --agent, --limit,
 * --json), and the roles that may run them. */
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
#include "testhost.h"

#define TEST_CR_MIN 60000LL
#define TEST_CR_HOUR 3600000LL

static int test_cr_setup(void **state)
{
	struct testhost *th = testhost_new("test_cmd_report");
	char etc[8192];

	if (th == NULL)
		return -1;
	testhost_account_add(th, "agent1", "王小明", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "agent2", "李小红", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "agent3", "张小刚", ROLE_AGENT, "zh", NULL);
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

static int test_cr_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

static int test_cr_exec(struct testhost *th, const char *name, const char *lang, const char *cmd)
{
	struct shell_opts o = testhost_opts;

	o.env_lang = strcmp(lang, "en") == 0 ? "en_US.UTF-8" : "zh_CN.UTF-8";
	return testhost_exec(th, name, TESTHOST_WORK | TESTHOST_CATALOG, &o, cmd, NULL);
}

/* Local time y-m-d h:mi in ms. */
static int64_t test_cr_at(int y, int m, int d, int h, int mi)
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

/* Changes made through the store "at" a time, as the account. */
struct test_cr_desk {
	struct testhost *th;
	struct audit_ctx ctx;
};

static void test_cr_as(struct test_cr_desk *k, const char *account, int64_t at_ms)
{
	k->ctx = testhost_setup_ctx;
	k->ctx.account = account;
	store_complaint_set_clock(k->th->st, at_ms);
}

/* A complaint taken by agent at at_ms, tagged with techs (comma-separated). */
static void test_cr_complaint(struct test_cr_desk *k, const char *agent, int64_t at_ms,
                              const char *category, const char *techs,
                              char number[COMPLAINT_NUMBER_MAX])
{
	char buf[128], *save = NULL, *t;
	const char *codes[8];
	struct complaint_new in;
	size_t n = 0;

	snprintf(buf, sizeof buf, "%s", techs);
	for (t = strtok_r(buf, ",", &save); t != NULL && n < 8; t = strtok_r(NULL, ",", &save))
		codes[n++] = t;
	memset(&in, 0, sizeof in);
	in.unit = "3-2-1201";
	in.caller = "业主";
	in.category = category;
	in.words = "投诉内容";
	in.agent = agent;
	in.techniques = codes;
	in.ntechniques = n;
	test_cr_as(k, agent, at_ms);
	assert_int_equal(store_complaint_add(k->th->st, &k->ctx, &in, number), 0);
}

static void test_cr_resolve(struct test_cr_desk *k, const char *number, int64_t at_ms)
{
	test_cr_as(k, "sup1", at_ms);
	assert_int_equal(store_complaint_resolve(k->th->st, &k->ctx, number, "已解决"), 0);
}

static int64_t test_cr_promise(struct test_cr_desk *k, const char *agent, const char *number,
                               const char *what, int64_t at_ms, int64_t due_ms)
{
	struct promise_new p;
	int64_t id = 0;

	memset(&p, 0, sizeof p);
	p.what = what;
	p.due_ms = due_ms;
	test_cr_as(k, agent, at_ms);
	assert_int_equal(store_promise_add(k->th->st, &k->ctx, number, &p, &id), 0);
	return id;
}

static void test_cr_kept(struct test_cr_desk *k, int64_t id, int64_t at_ms)
{
	test_cr_as(k, "agent1", at_ms);
	assert_int_equal(store_promise_done(k->th->st, &k->ctx, id, NULL), 0);
}

/*
 * The desk of March 2025 (local time), every time set:
 *   C1 03-10 09:00 repairs  empathy            agent1  promise due +1h kept at +30 min;
 *                                                      resolved at +2h
 *   C2 03-10 10:00 repairs  empathy,patience   agent1  resolved +4h, reopened +5h,
 *                                                      resolved again +10h
 *   C3 03-11 09:00 noise    empathy            agent2  escalated +1h, resolved +6h
 *   C4 03-12 09:00 repairs  patience           agent2  open; promises: kept on time, open
 *                                                      and overdue, open till 2099,
 *                                                      withdrawn, kept late
 *   C5 03-15 09:00 noise    sit-down           agent1  resolved after 35 min
 *   C6 03-16 09:00 repairs  oldcode            agent2  open (a code no longer in the catalog)
 *   C7 03-13 09:00 repairs  patience           agent1  promise kept at the very minute it was
 *                                                      due; resolved +3h
 */
static void test_cr_desk_make(struct testhost *th)
{
	struct test_cr_desk k = {.th = th};
	char c1[COMPLAINT_NUMBER_MAX], c2[COMPLAINT_NUMBER_MAX], c3[COMPLAINT_NUMBER_MAX];
	char c4[COMPLAINT_NUMBER_MAX], c5[COMPLAINT_NUMBER_MAX], c6[COMPLAINT_NUMBER_MAX];
	char c7[COMPLAINT_NUMBER_MAX];
	int64_t t, p;

	t = test_cr_at(2025, 3, 10, 9, 0);
	test_cr_complaint(&k, "agent1", t, "repairs", "empathy", c1);
	p = test_cr_promise(&k, "agent1", c1, "回电话", t, t + TEST_CR_HOUR);
	test_cr_kept(&k, p, t + 30 * TEST_CR_MIN);
	test_cr_resolve(&k, c1, t + 2 * TEST_CR_HOUR);

	t = test_cr_at(2025, 3, 10, 10, 0);
	test_cr_complaint(&k, "agent1", t, "repairs", "empathy,patience", c2);
	test_cr_resolve(&k, c2, t + 4 * TEST_CR_HOUR);
	test_cr_as(&k, "agent1", t + 5 * TEST_CR_HOUR);
	assert_int_equal(store_complaint_reopen(th->st, &k.ctx, c2, "又漏了"), 0);
	test_cr_resolve(&k, c2, t + 10 * TEST_CR_HOUR);

	t = test_cr_at(2025, 3, 11, 9, 0);
	test_cr_complaint(&k, "agent2", t, "noise", "empathy", c3);
	test_cr_as(&k, "agent2", t + TEST_CR_HOUR);
	assert_int_equal(store_complaint_escalate(th->st, &k.ctx, c3, "sup1", "业主要见经理"), 0);
	test_cr_resolve(&k, c3, t + 6 * TEST_CR_HOUR);

	t = test_cr_at(2025, 3, 12, 9, 0);
	test_cr_complaint(&k, "agent2", t, "repairs", "patience", c4);
	p = test_cr_promise(&k, "agent2", c4, "派维修工", t, test_cr_at(2025, 3, 13, 12, 0));
	test_cr_kept(&k, p, test_cr_at(2025, 3, 13, 10, 0));
	test_cr_promise(&k, "agent2", c4, "送报价单", t, test_cr_at(2025, 3, 14, 12, 0));
	test_cr_promise(&k, "agent2", c4, "年度回访", t, test_cr_at(2099, 1, 1, 12, 0));
	p = test_cr_promise(&k, "agent2", c4, "赔偿地板", t, test_cr_at(2025, 3, 14, 12, 0));
	test_cr_as(&k, "agent2", test_cr_at(2025, 3, 13, 11, 0));
	assert_int_equal(store_promise_withdraw(th->st, &k.ctx, p, "业主不要了"), 0);
	p = test_cr_promise(&k, "agent2", c4, "换水管", t, test_cr_at(2025, 3, 13, 12, 0));
	test_cr_kept(&k, p, test_cr_at(2025, 3, 15, 9, 0));

	t = test_cr_at(2025, 3, 15, 9, 0);
	test_cr_complaint(&k, "agent1", t, "noise", "sit-down", c5);
	test_cr_resolve(&k, c5, t + 35 * TEST_CR_MIN);

	t = test_cr_at(2025, 3, 16, 9, 0);
	test_cr_complaint(&k, "agent2", t, "repairs", "oldcode", c6);

	t = test_cr_at(2025, 3, 13, 9, 0);
	test_cr_complaint(&k, "agent1", t, "repairs", "patience", c7);
	p = test_cr_promise(&k, "agent1", c7, "上门查看", t, t + TEST_CR_HOUR);
	test_cr_kept(&k, p, t + TEST_CR_HOUR);
	test_cr_resolve(&k, c7, t + 3 * TEST_CR_HOUR);

	store_complaint_set_clock(th->st, 0);
}

/* A line with its cells joined by " | " (the table puts two spaces or more between cells). */
static void test_cr_collapse(const char *p, size_t len, struct buf *out)
{
	size_t i = 0;

	buf_reset(out);
	buf_puts(out, "");
	while (i < len) {
		if (p[i] == ' ' && i + 1 < len && p[i + 1] == ' ') {
			while (i < len && p[i] == ' ')
				i++;
			if (i < len)
				buf_puts(out, " | ");
			continue;
		}
		buf_putc(out, p[i++]);
	}
}

/* The line of stream 1 that, so joined, starts with prefix must be want. */
static void test_cr_row(struct testhost *th, const char *prefix, const char *want)
{
	const char *out = testhost_out(th, 1), *p = out;
	struct buf got;

	buf_init(&got);
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '\n');

		test_cr_collapse(p, end != NULL ? (size_t)(end - p) : strlen(p), &got);
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

static size_t test_cr_lines(struct testhost *th)
{
	const char *p = testhost_out(th, 1);
	size_t n = 0;

	for (; *p != '\0'; p++)
		if (*p == '\n')
			n++;
	return n;
}

/* ---- report techniques ------------------------------------------------------------------------
 */

static void test_cr_techniques(void **state)
{
	struct testhost *th = *state;

	test_cr_desk_make(th);

	/* Every complaint, per technique (a complaint with two techniques counts for each). */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques"), 0);
	testhost_has(th, 1, "Techniques report, the start to now\n");
	test_cr_row(
	    th, "TECHNIQUE",
	    "TECHNIQUE | COMPLAINTS | RESOLVED | MEDIAN | REOPENED | ESCALATED | PROMISES ON "
	    "TIME");
	/* empathy: C1 2 h, C2 10 h, C3 6 h: the median of three is the middle one. */
	test_cr_row(
	    th, "empathy ",
	    "empathy Put yourself in their place | 3 | 100% | 6.0 h | 33% | 33% | 1/1 (100%)");
	test_cr_row(th, "oldcode ", "oldcode (not in the catalog) | 1 | 0% | - | 0% | 0% | -");
	/* patience: C2 10 h and C7 3 h resolved: the median of two is their mean; of C4's five
	 * promises the one kept on time and the one kept late and the overdue one are due (not
	 * the one due in 2099 or the withdrawn one), and C7's was kept at its due minute. */
	test_cr_row(th, "patience ",
	            "patience Patience under pressure | 3 | 67% | 6.5 h | 33% | 0% | 2/4 (50%)");
	test_cr_row(th, "sit-down ", "sit-down Offer a seat | 1 | 100% | 35 min | 0% | 0% | -");
	assert_int_equal(test_cr_lines(th), 7);

	/* The same in JSON, exactly. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --json"), 0);
	assert_string_equal(
	    testhost_out(th, 1),
	    "{\"since_ms\":0,\"until_ms\":0,\"category\":null,\"by_agent\":false,\"rows\":["
	    "{\"technique\":\"empathy\",\"complaints\":3,\"resolved\":3,\"reopened\":1,"
	    "\"escalated\":1,\"resolved_share\":1,\"reopen_rate\":0.3333,\"escalation_rate\":0."
	    "3333,"
	    "\"median_resolve_ms\":21600000,\"promises_due\":1,\"promises_kept_on_time\":1},"
	    "{\"technique\":\"oldcode\",\"complaints\":1,\"resolved\":0,\"reopened\":0,"
	    "\"escalated\":0,\"resolved_share\":0,\"reopen_rate\":0,\"escalation_rate\":0,"
	    "\"median_resolve_ms\":-1,\"promises_due\":0,\"promises_kept_on_time\":0},"
	    "{\"technique\":\"patience\",\"complaints\":3,\"resolved\":2,\"reopened\":1,"
	    "\"escalated\":0,\"resolved_share\":0.6667,\"reopen_rate\":0.3333,\"escalation_rate\":"
	    "0,"
	    "\"median_resolve_ms\":23400000,\"promises_due\":4,\"promises_kept_on_time\":2},"
	    "{\"technique\":\"sit-down\",\"complaints\":1,\"resolved\":1,\"reopened\":0,"
	    "\"escalated\":0,\"resolved_share\":1,\"reopen_rate\":0,\"escalation_rate\":0,"
	    "\"median_resolve_ms\":2100000,\"promises_due\":0,\"promises_kept_on_time\":0}]}\n");

	/* In Chinese: the catalog's names and the units of time. */
	assert_int_equal(test_cr_exec(th, "sup1", "zh", "report techniques"), 0);
	testhost_has(th, 1, "沟通方法报表：最早 至 现在\n");
	test_cr_row(th, "沟通方法 |",
	            "沟通方法 | 投诉数 | 解决率 | 解决中位时长 | 重开率 | 升级率 | 承诺按时兑现");
	test_cr_row(th, "empathy ",
	            "empathy 换位思考法 | 3 | 100% | 6.0 小时 | 33% | 33% | 1/1 (100%)");
	test_cr_row(th, "oldcode ", "oldcode （不在目录中） | 1 | 0% | - | 0% | 0% | -");
	test_cr_row(th, "sit-down ", "sit-down 请业主坐下 | 1 | 100% | 35 分钟 | 0% | 0% | -");

	/* Per technique and agent (with the display name), ordered by technique, then agent. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --by agent"), 0);
	test_cr_row(th, "TECHNIQUE |",
	            "TECHNIQUE | AGENT | COMPLAINTS | RESOLVED | MEDIAN | REOPENED | ESCALATED | "
	            "PROMISES ON TIME");
	test_cr_row(th, "empathy Put yourself in their place | agent1 (王小明)",
	            "empathy Put yourself in their place | agent1 (王小明) | 2 | 100% | 6.0 h | 50% | 0% | "
	            "1/1 (100%)");
	test_cr_row(
	    th, "empathy Put yourself in their place | agent2 (李小红)",
	    "empathy Put yourself in their place | agent2 (李小红) | 1 | 100% | 6.0 h | 0% | 100% | -");
	test_cr_row(th, "oldcode (not in the catalog) | agent2 (李小红)",
	            "oldcode (not in the catalog) | agent2 (李小红) | 1 | 0% | - | 0% | 0% | -");
	test_cr_row(th, "patience Patience under pressure | agent1 (王小明)",
	            "patience Patience under pressure | agent1 (王小明) | 2 | 100% | 6.5 h | 50% | 0% | 1/1 "
	            "(100%)");
	test_cr_row(th, "patience Patience under pressure | agent2 (李小红)",
	            "patience Patience under pressure | agent2 (李小红) | 1 | 0% | - | 0% | 0% | 1/3 (33%)");
	test_cr_row(th, "sit-down Offer a seat | agent1 (王小明)",
	            "sit-down Offer a seat | agent1 (王小明) | 1 | 100% | 35 min | 0% | 0% | -");
	assert_int_equal(test_cr_lines(th), 9);
	{
		const char *out = testhost_out(th, 1);

		assert_true(strstr(out, "empathy Put yourself in their place  agent1 (王小明)") <
		            strstr(out, "empathy Put yourself in their place  agent2 (李小红)"));
		assert_true(strstr(out, "empathy Put yourself in their place  agent2 (李小红)") <
		            strstr(out, "oldcode"));
		assert_true(strstr(out, "oldcode") < strstr(out, "patience"));
		assert_true(strstr(out, "patience") < strstr(out, "sit-down"));
	}
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --by agent --json"), 0);
	testhost_has(th, 1,
	             "\"by_agent\":true,\"rows\":[{\"technique\":\"empathy\",\"agent\":\"agent1\",\"display\":\"王小明\","
	             "\"complaints\":2,\"resolved\":2,\"reopened\":1,\"escalated\":0,"
	             "\"resolved_share\":1,\"reopen_rate\":0.5,\"escalation_rate\":0,"
	             "\"median_resolve_ms\":21600000,\"promises_due\":1,"
	             "\"promises_kept_on_time\":1}");
	testhost_has(th, 1,
	             "{\"technique\":\"patience\",\"agent\":\"agent1\",\"display\":\"王小明\",\"complaints\":2,"
	             "\"resolved\":2,\"reopened\":1,\"escalated\":0,\"resolved_share\":1,"
	             "\"reopen_rate\":0.5,\"escalation_rate\":0,\"median_resolve_ms\":23400000,"
	             "\"promises_due\":1,\"promises_kept_on_time\":1}");
	testhost_has(th, 1,
	             "{\"technique\":\"patience\",\"agent\":\"agent2\",\"display\":\"李小红\",\"complaints\":1,"
	             "\"resolved\":0,\"reopened\":0,\"escalated\":0,\"resolved_share\":0,"
	             "\"reopen_rate\":0,\"escalation_rate\":0,\"median_resolve_ms\":-1,"
	             "\"promises_due\":3,\"promises_kept_on_time\":1}");

	/* One category. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --category noise"), 0);
	testhost_has(th, 1, "Techniques report, the start to now, category Noise\n");
	test_cr_row(th, "empathy ",
	            "empathy Put yourself in their place | 1 | 100% | 6.0 h | 0% | 100% | -");
	test_cr_row(th, "sit-down ", "sit-down Offer a seat | 1 | 100% | 35 min | 0% | 0% | -");
	assert_int_equal(test_cr_lines(th), 5);
	assert_int_equal(test_cr_exec(th, "sup1", "zh", "report techniques --category noise"), 0);
	testhost_has(th, 1, "沟通方法报表：最早 至 现在，类别：噪音\n");
}

static void test_cr_techniques_period(void **state)
{
	struct testhost *th = *state;
	char want[256];

	test_cr_desk_make(th);

	/* --since and --until are local days, both inclusive: C3 (03-11) and C4 (03-12). */
	assert_int_equal(test_cr_exec(th, "sup1", "en",
	                              "report techniques --since 2025-03-11 --until 2025-03-12"),
	                 0);
	testhost_has(th, 1, "Techniques report, 2025-03-11 to 2025-03-12\n");
	test_cr_row(th, "empathy ",
	            "empathy Put yourself in their place | 1 | 100% | 6.0 h | 0% | 100% | -");
	test_cr_row(th, "patience ",
	            "patience Patience under pressure | 1 | 0% | - | 0% | 0% | 1/3 (33%)");
	assert_int_equal(test_cr_lines(th), 5);
	assert_int_equal(
	    test_cr_exec(th, "sup1", "en",
	                 "report techniques --since 2025-03-11 --until 2025-03-12 --json"),
	    0);
	snprintf(want, sizeof want, "{\"since_ms\":%lld,\"until_ms\":%lld,\"category\":null,",
	         (long long)test_cr_at(2025, 3, 11, 0, 0),
	         (long long)test_cr_at(2025, 3, 13, 0, 0));
	testhost_has(th, 1, want);
	/* Only the first day: C1 and C2. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --until 2025-03-10"), 0);
	testhost_has(th, 1, "Techniques report, the start to 2025-03-10\n");
	test_cr_row(
	    th, "empathy ",
	    "empathy Put yourself in their place | 2 | 100% | 6.0 h | 50% | 0% | 1/1 (100%)");
	test_cr_row(th, "patience ",
	            "patience Patience under pressure | 1 | 100% | 10.0 h | 100% | 0% | -");
	assert_int_equal(test_cr_lines(th), 5);
	/* From a day on, with a category. */
	assert_int_equal(test_cr_exec(th, "sup1", "en",
	                              "report techniques --since 2025-03-13 --category repairs"),
	                 0);
	testhost_has(th, 1, "Techniques report, 2025-03-13 to now, category Repairs\n");
	test_cr_row(th, "oldcode ", "oldcode (not in the catalog) | 1 | 0% | - | 0% | 0% | -");
	test_cr_row(th, "patience ",
	            "patience Patience under pressure | 1 | 100% | 3.0 h | 0% | 0% | 1/1 (100%)");
	assert_int_equal(test_cr_lines(th), 5);
	/* Nothing then. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --since 2025-04-01"), 0);
	assert_string_equal(
	    testhost_out(th, 1),
	    "Techniques report, 2025-04-01 to now\nNo complaints in that period.\n");
	assert_int_equal(test_cr_exec(th, "sup1", "zh", "report techniques --until 2025-03-09"), 0);
	assert_string_equal(testhost_out(th, 1),
	                    "沟通方法报表：最早 至 2025-03-09\n该时段内没有投诉。\n");
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --category fees"), 0);
	testhost_has(th, 1, "No complaints in that period.");

	/* Arguments refused. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --since 2025/03/01"), 2);
	testhost_has(th, 2, "--since: `2025/03/01` is not a date: use YYYY-MM-DD (local time)");
	assert_int_equal(test_cr_exec(th, "sup1", "zh", "report techniques --until 2025-02-29"), 2);
	testhost_has(th, 2, "--until：`2025-02-29` 不是有效日期");
	assert_int_equal(test_cr_exec(th, "sup1", "en",
	                              "report techniques --since 2025-03-12 --until 2025-03-11"),
	                 2);
	testhost_has(th, 2, "--until is before --since");
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --by category"), 2);
	testhost_has(th, 2, "--by: unknown value `category` (one of: agent)");
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --category plumbing"),
	                 2);
	testhost_has(th, 2,
	             "--category: unknown category `plumbing` (one of: repairs noise fees security "
	             "sanitation parking greening neighbours decoration other)");
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report techniques --category 'a b'"), 2);
	assert_string_equal(testhost_out(th, 1), "");
	/* Roles: supervisors and admins. */
	assert_int_equal(test_cr_exec(th, "admin1", "en", "report techniques --json"), 0);
	testhost_has(th, 1, "\"technique\":\"empathy\",\"complaints\":3");
	assert_int_equal(test_cr_exec(th, "agent1", "en", "report techniques"), 3);
	testhost_has(th, 2, "permission denied: `report techniques` needs role");
	assert_string_equal(testhost_out(th, 1), "");
	assert_int_equal(test_cr_exec(th, "audit1", "zh", "report techniques"), 3);
	testhost_has(th, 2, "权限不足");
	assert_true(testhost_audit_count(th->st, "command.denied", "report techniques") >= 2);
}

/* ---- report promises --------------------------------------------------------------------------
 */

static void test_cr_promises(void **state)
{
	struct testhost *th = *state;
	struct test_cr_desk k = {.th = th};
	char c1[COMPLAINT_NUMBER_MAX], c2[COMPLAINT_NUMBER_MAX], want[1024], tag[32];
	int64_t t = test_cr_at(2025, 1, 2, 9, 0), far = test_cr_at(2099, 6, 1, 18, 0);
	int64_t d1 = test_cr_at(2025, 1, 10, 9, 0), d2 = test_cr_at(2025, 1, 5, 17, 30);
	int64_t d3 = test_cr_at(2025, 2, 1, 12, 0);
	int64_t p1, p2, p3, p4, p5, p6, p7;
	const char *out;

	/* No promises at all. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises"), 0);
	assert_string_equal(testhost_out(th, 1), "No open promises.\n");
	assert_int_equal(test_cr_exec(th, "sup1", "zh", "report promises"), 0);
	assert_string_equal(testhost_out(th, 1), "没有未兑现的承诺。\n");

	/* agent2: two overdue and one not yet due; agent1: one overdue, one not yet due, one kept
	 * and one withdrawn; sup1: one not yet due. */
	test_cr_complaint(&k, "agent1", t, "repairs", "empathy", c1);
	test_cr_complaint(&k, "agent2", t, "noise", "patience", c2);
	p1 = test_cr_promise(&k, "agent2", c2, "查监控录像", t, d1);
	p2 = test_cr_promise(&k, "agent2", c2, "回电话", t, d2);
	p3 = test_cr_promise(&k, "agent2", c2, "年度回访", t, far);
	p4 = test_cr_promise(&k, "agent1", c1, "送报价单", t, d3);
	p5 = test_cr_promise(&k, "agent1", c1, "上门维修", t, far);
	p6 = test_cr_promise(&k, "agent1", c1, "换水管", t, d2);
	p7 = test_cr_promise(&k, "agent1", c1, "赔偿", t, d2);
	test_cr_kept(&k, p6, t + TEST_CR_HOUR);
	test_cr_as(&k, "agent1", t + TEST_CR_HOUR);
	assert_int_equal(store_promise_withdraw(th->st, &k.ctx, p7, "不需要了"), 0);
	test_cr_promise(&k, "sup1", c1, "亲自回访", t, far);
	store_complaint_set_clock(th->st, 0);

	/* The most overdue agent first, then by name, with their display names; the overdue ones
	 * oldest first. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises"), 0);
	out = testhost_out(th, 1);
	assert_int_equal(strncmp(out, "Open promises by agent:\n", 24), 0);
	test_cr_row(th, "AGENT", "AGENT | OPEN | OVERDUE | OLDEST OVERDUE");
	test_cr_row(th, "agent2 (", "agent2 (李小红) | 3 | 2 | 2025-01-05 17:30");
	test_cr_row(th, "agent1 (", "agent1 (王小明) | 2 | 1 | 2025-02-01 12:00");
	test_cr_row(th, "sup1 (", "sup1 (赵主管) | 1 | 0 | -");
	assert_true(strstr(out, "agent2 (李小红)  3") < strstr(out, "agent1 (王小明)  2"));
	assert_true(strstr(out, "agent1 (王小明)  2") < strstr(out, "sup1 (赵主管)  "));
	testhost_has(th, 1, "\nOverdue promises, oldest first:\n");
	test_cr_row(th, "ID", "ID | DUE | AGENT | COMPLAINT | UNIT | PROMISE");
	snprintf(want, sizeof want, "#%lld | 2025-01-05 17:30 | agent2 (李小红) | %s | 3-2-1201 | 回电话",
	         (long long)p2, c2);
	snprintf(tag, sizeof tag, "#%lld ", (long long)p2);
	test_cr_row(th, tag, want);
	snprintf(want, sizeof want,
	         "#%lld | 2025-01-10 09:00 | agent2 (李小红) | %s | 3-2-1201 | 查监控录像", (long long)p1,
	         c2);
	snprintf(tag, sizeof tag, "#%lld ", (long long)p1);
	test_cr_row(th, tag, want);
	snprintf(want, sizeof want, "#%lld | 2025-02-01 12:00 | agent1 (王小明) | %s | 3-2-1201 | 送报价单",
	         (long long)p4, c1);
	snprintf(tag, sizeof tag, "#%lld ", (long long)p4);
	test_cr_row(th, tag, want);
	assert_true(strstr(out, "回电话") < strstr(out, "查监控录像"));
	assert_true(strstr(out, "查监控录像") < strstr(out, "送报价单"));
	/* Only open promises count; those not yet due are not listed as overdue. */
	testhost_lacks(th, 1, "年度回访");
	testhost_lacks(th, 1, "换水管");
	testhost_lacks(th, 1, "赔偿");
	assert_int_equal(test_cr_lines(th), 13);

	/* In Chinese. */
	assert_int_equal(test_cr_exec(th, "sup1", "zh", "report promises"), 0);
	testhost_has(th, 1, "各客服未兑现的承诺：\n");
	test_cr_row(th, "客服", "客服 | 未兑现 | 已逾期 | 最早逾期期限");
	testhost_has(th, 1, "\n已逾期的承诺（最早的在前）：\n");
	test_cr_row(th, "编号", "编号 | 期限 | 客服 | 投诉 | 单元 | 承诺内容");

	/* One agent; one with nothing overdue; one with nothing open. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --agent agent1"), 0);
	test_cr_row(th, "agent1 (", "agent1 (王小明) | 2 | 1 | 2025-02-01 12:00");
	testhost_lacks(th, 1, "agent2");
	testhost_has(th, 1, "送报价单");
	testhost_lacks(th, 1, "回电话");
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --agent sup1"), 0);
	test_cr_row(th, "sup1 (", "sup1 (赵主管) | 1 | 0 | -");
	testhost_has(th, 1, "\nNo overdue promises.\n");
	assert_int_equal(test_cr_exec(th, "sup1", "zh", "report promises --agent sup1"), 0);
	testhost_has(th, 1, "\n没有逾期的承诺。\n");
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --agent agent3"), 0);
	assert_string_equal(testhost_out(th, 1), "No open promises.\n");
	/* --limit cuts the overdue list, not the counts. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --limit 1"), 0);
	test_cr_row(th, "agent2 (", "agent2 (李小红) | 3 | 2 | 2025-01-05 17:30");
	test_cr_row(th, "agent1 (", "agent1 (王小明) | 2 | 1 | 2025-02-01 12:00");
	testhost_has(th, 1, "回电话");
	testhost_lacks(th, 1, "查监控录像");
	testhost_lacks(th, 1, "送报价单");

	/* JSON. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --json"), 0);
	out = testhost_out(th, 1);
	assert_int_equal(strncmp(out, "{\"now_ms\":", 10), 0);
	snprintf(
	    want, sizeof want,
	    ",\"agents\":[{\"agent\":\"agent2\",\"display\":\"李小红\",\"open\":3,\"overdue\":2,\"oldest_due_ms\":%lld},"
	    "{\"agent\":\"agent1\",\"display\":\"王小明\",\"open\":2,\"overdue\":1,\"oldest_due_ms\":%lld},"
	    "{\"agent\":\"sup1\",\"display\":\"赵主管\",\"open\":1,\"overdue\":0,\"oldest_due_ms\":0}],\"overdue\":["
	    "{\"id\":%lld,\"agent\":\"agent2\",\"display\":\"李小红\",\"number\":\"%s\",\"unit\":\"3-2-1201\","
	    "\"what\":\"回电话\",\"due_ms\":%lld},",
	    (long long)d2, (long long)d3, (long long)p2, c2, (long long)d2);
	testhost_has(th, 1, want);
	snprintf(want, sizeof want,
	         "{\"id\":%lld,\"agent\":\"agent1\",\"display\":\"王小明\",\"number\":\"%s\",\"unit\":\"3-2-1201\","
	         "\"what\":\"送报价单\",\"due_ms\":%lld}]}\n",
	         (long long)p4, c1, (long long)d3);
	testhost_has(th, 1, want);
	(void)p3;
	(void)p5;
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --json --limit 1"), 0);
	snprintf(want, sizeof want, "\"what\":\"回电话\",\"due_ms\":%lld}]}\n", (long long)d2);
	testhost_has(th, 1, want);

	/* Arguments and roles. */
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --agent ghost"), 2);
	testhost_has(th, 2, "--agent ghost: no such account");
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --agent audit1"), 2);
	testhost_has(th, 2, "does not work complaints");
	assert_int_equal(test_cr_exec(th, "sup1", "en", "report promises --limit 1001"), 2);
	testhost_has(th, 2, "--limit: `1001` is not a number from 1 to 1000");
	assert_int_equal(test_cr_exec(th, "admin1", "en", "report promises"), 0);
	test_cr_row(th, "agent2 (", "agent2 (李小红) | 3 | 2 | 2025-01-05 17:30");
	assert_int_equal(test_cr_exec(th, "agent2", "en", "report promises"), 3);
	testhost_has(th, 2, "permission denied: `report promises` needs role");
	assert_int_equal(test_cr_exec(th, "audit1", "en", "report promises"), 3);
}

/* Both reports run on the thread pool: the shell waits, printing nothing, until they ran. */
static void test_cr_on_the_pool(void **state)
{
	struct testhost *th = *state;
	static const char *const cmds[] = {"report techniques", "report promises"};
	size_t i;

	test_cr_desk_make(th);
	for (i = 0; i < 2; i++) {
		struct shell_opts o = testhost_opts;

		o.exec = cmds[i];
		testhost_start(th, "sup1", TESTHOST_WORK | TESTHOST_CATALOG, &o);
		assert_true(shell_busy(th->sh));
		assert_int_equal(th->nq, 1);
		assert_string_equal(testhost_out(th, 0), "");
		assert_int_equal(testhost_drain(th, false), 1);
		assert_true(th->exited);
		assert_int_equal(th->status, 0);
		assert_true(strlen(testhost_out(th, 1)) > 0);
		/* The session gone meanwhile: the work still completes and is released. */
		testhost_start(th, "sup1", TESTHOST_WORK | TESTHOST_CATALOG, &o);
		assert_int_equal(testhost_drain(th, true), 1);
		assert_false(th->exited);
	}
	testhost_stop(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cr_techniques, test_cr_setup, test_cr_teardown),
	    cmocka_unit_test_setup_teardown(test_cr_techniques_period, test_cr_setup,
	                                    test_cr_teardown),
	    cmocka_unit_test_setup_teardown(test_cr_promises, test_cr_setup, test_cr_teardown),
	    cmocka_unit_test_setup_teardown(test_cr_on_the_pool, test_cr_setup, test_cr_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
