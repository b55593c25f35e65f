/* test_store_complaint — complaints, promises, units, drafts and the techniques report on a
 * temporary database: numbers and the per-day counter, status rules, promises blocking
 * resolution, overdue lists, history and one audit event per change in the same transaction,
 * Chinese substring and regex searches (from a thread with a read-only store), exact report
 * figures on a known data set. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>

#include "store.h"
#include "store_account.h"
#include "store_audit.h"
#include "store_complaint.h"
#include "store_draft.h"
#include "store_report.h"
#include "store_schema.h"
#include "store_search.h"
#include "store_unit.h"

struct test_sc_fx {
	char dir[64];
	char path[128];
	struct store *st;
};

static const struct audit_ctx test_sc_zhang = {.account = "zhang",
                                               .role = "agent",
                                               .session = "s-1",
                                               .peer = "127.0.0.1:5555",
                                               .transport = "ssh"};
static const struct audit_ctx test_sc_li = {.account = "li",
                                            .role = "agent",
                                            .session = "s-2",
                                            .peer = "127.0.0.1:5556",
                                            .transport = "ssh"};
static const struct audit_ctx test_sc_boss = {.account = "wang",
                                              .role = "supervisor",
                                              .session = "s-3",
                                              .peer = "127.0.0.1:5557",
                                              .transport = "telnet"};

#define TEST_SC_DAY_MS 86400000LL
#define TEST_SC_HOUR_MS 3600000LL

static int test_sc_setup(void **state)
{
	struct test_sc_fx *fx = calloc(1, sizeof *fx);
	struct account a = {0};
	static const char *const names[] = {"zhang", "li", "wang"};
	size_t i;

	if (fx == NULL)
		return -1;
	/* The company's zone (Asia/Shanghai: UTC+8, no daylight saving). */
	setenv("TZ", "CST-8", 1);
	tzset();
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_sc.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof fx->path, "%s/propdesk.db", fx->dir);
	if (store_open(fx->path, 0, 1000, &fx->st) != 0 || store_schema_migrate(fx->st) != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		a.name = (char *)names[i];
		a.role = i == 2 ? ROLE_SUPERVISOR : ROLE_AGENT;
		a.lang = (char *)"zh";
		if (store_account_add(fx->st, NULL, &a) != 0)
			return -1;
	}
	*state = fx;
	return 0;
}

static int test_sc_teardown(void **state)
{
	struct test_sc_fx *fx = *state;
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

/* ---- raw SQL helpers ---------------------------------------------------------------------- */

static sqlite3 *test_sc_raw(const struct test_sc_fx *fx)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static int64_t test_sc_int(const struct test_sc_fx *fx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int64_t test_sc_int(const struct test_sc_fx *fx, const char *fmt, ...)
{
	sqlite3 *db = test_sc_raw(fx);
	sqlite3_stmt *s;
	char sql[1024];
	va_list ap;
	int64_t v;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void test_sc_exec(const struct test_sc_fx *fx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void test_sc_exec(const struct test_sc_fx *fx, const char *fmt, ...)
{
	sqlite3 *db = test_sc_raw(fx);
	char sql[1024], *err = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err != NULL ? err : "?");
	sqlite3_close(db);
}

static int64_t test_sc_audits(const struct test_sc_fx *fx)
{
	return test_sc_int(fx, "SELECT count(*) FROM audit");
}

static int64_t test_sc_history(const struct test_sc_fx *fx)
{
	return test_sc_int(fx, "SELECT count(*) FROM complaint_history");
}

/* The newest audit event's action, target and detail must be these. */
static void test_sc_last_audit(struct test_sc_fx *fx, const char *action, const char *target)
{
	struct audit_event *list;
	size_t n;

	assert_int_equal(store_audit_list(fx->st, 0, 1000000, &list, &n), 0);
	assert_true(n > 0);
	assert_string_equal(list[n - 1].action, action);
	if (target != NULL)
		assert_string_equal(list[n - 1].target, target);
	store_audit_list_free(list, n);
}

/* ---- building complaints ------------------------------------------------------------------ */

static const char *const test_sc_tech_ep[] = {"persuade", "empathy", "empathy"};

static struct complaint_new test_sc_new(const char *unit, const char *words)
{
	struct complaint_new in = {0};

	in.unit = unit;
	in.caller = "王女士";
	in.relation = COMPLAINT_REL_OWNER;
	in.phone = "13812345678";
	in.channel = COMPLAINT_CH_PHONE;
	in.category = "repairs";
	in.words = words;
	in.mood = COMPLAINT_MOOD_UPSET;
	return in;
}

static void test_sc_add(struct test_sc_fx *fx, const struct audit_ctx *ctx,
                        const struct complaint_new *in, char number[COMPLAINT_NUMBER_MAX])
{
	int rc = store_complaint_add(fx->st, ctx, in, number);

	if (rc != 0)
		fail_msg("store_complaint_add: %d %s", rc, store_last_error(fx->st));
}

/* A plain complaint by ctx with words. */
static void test_sc_add_simple(struct test_sc_fx *fx, const struct audit_ctx *ctx,
                               const char *words, char number[COMPLAINT_NUMBER_MAX])
{
	struct complaint_new in = test_sc_new("3-2-1201", words);

	test_sc_add(fx, ctx, &in, number);
}

static enum complaint_status test_sc_status(struct test_sc_fx *fx, const char *number)
{
	struct complaint c;
	enum complaint_status s;

	assert_int_equal(store_complaint_get(fx->st, number, &c, false), 0);
	s = c.status;
	store_complaint_clear(&c);
	return s;
}

/* The local date of ms as YYYYMMDD. */
static void test_sc_day(int64_t ms, char out[16])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	assert_non_null(localtime_r(&t, &tm));
	strftime(out, 16, "%Y%m%d", &tm);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_sc_schema(void **state)
{
	struct test_sc_fx *fx = *state;

	assert_true(store_schema_latest_version() >= 2);
	assert_int_equal(store_schema_version(fx->st), store_schema_latest_version());
	assert_int_equal(test_sc_int(fx,
	                             "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
	                             " AND name IN ('units', 'complaints', 'complaint_techniques',"
	                             " 'complaint_notes', 'complaint_history', 'handovers',"
	                             " 'promises', 'drafts', 'complaint_days')"),
	                 9);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
	                                 " AND name IN ('complaints_status', 'complaints_assignee',"
	                                 " 'complaints_agent', 'complaints_unit',"
	                                 " 'complaints_category', 'complaints_created',"
	                                 " 'promises_status_due')"),
	                 7);
	/* A complaint's open promises and their due times come from one index (the list's
	 * per-row subqueries name it), and statistics exist after migrating. */
	assert_int_equal(test_sc_int(fx, "SELECT group_concat(name, ',') = 'complaint_id,status,due_ms'"
	                                 " FROM pragma_index_info('promises_complaint')"),
	                 1);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) > 0 FROM sqlite_schema"
	                                 " WHERE name = 'sqlite_stat1'"),
	                 1);
	/* Idempotent. */
	assert_int_equal(store_schema_migrate(fx->st), 0);
	assert_int_equal(store_schema_version(fx->st), store_schema_latest_version());
}

static void test_sc_validation(void **state)
{
	(void)state;
	assert_true(store_phone_ok("13812345678"));
	assert_true(store_phone_ok("19900000000"));
	assert_false(store_phone_ok("12812345678"));
	assert_false(store_phone_ok("1381234567"));
	assert_false(store_phone_ok("138123456789"));
	assert_true(store_phone_ok("010-12345678"));
	assert_true(store_phone_ok("01012345678"));
	assert_true(store_phone_ok("0755-1234567"));
	assert_true(store_phone_ok("075512345678"));
	assert_false(store_phone_ok("010-123456"));
	assert_false(store_phone_ok("010--12345678"));
	assert_false(store_phone_ok("1234567"));
	assert_false(store_phone_ok("+8613812345678"));
	assert_false(store_phone_ok(""));
	assert_false(store_phone_ok(NULL));

	assert_true(store_unit_code_ok("3-2-1201"));
	assert_true(store_unit_code_ok("3栋2单元1201室"));
	/* 32 characters (96 bytes) fit, 33 do not. */
	assert_true(
	    store_unit_code_ok("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二"));
	assert_false(store_unit_code_ok(
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三"));
	assert_false(store_unit_code_ok("3 2 1201"));
	assert_false(store_unit_code_ok("3-2\n"));
	assert_false(store_unit_code_ok(""));
	assert_false(store_unit_code_ok("\xff"));

	assert_true(store_code_ok("leave-scene"));
	assert_true(store_code_ok("repairs"));
	assert_false(store_code_ok("Repairs"));
	assert_false(store_code_ok("-x"));
	assert_false(store_code_ok("a b"));
	assert_false(store_code_ok("说服"));

	assert_string_equal(store_complaint_status_name(COMPLAINT_IN_PROGRESS), "in_progress");
	assert_int_equal(store_complaint_status_parse("reopened"), COMPLAINT_REOPENED);
	assert_int_equal(store_complaint_status_parse("closed"), -1);
	assert_int_equal(store_complaint_status_parse(NULL), -1);
	assert_null(store_complaint_status_name((enum complaint_status)9));
	assert_string_equal(store_complaint_relation_name(COMPLAINT_REL_TENANT), "tenant");
	assert_int_equal(store_complaint_relation_parse("family"), COMPLAINT_REL_FAMILY);
	assert_string_equal(store_complaint_channel_name(COMPLAINT_CH_ONSITE), "onsite");
	assert_int_equal(store_complaint_channel_parse("visit"), COMPLAINT_CH_VISIT);
	assert_string_equal(store_complaint_mood_name(COMPLAINT_MOOD_ANGRY), "angry");
	assert_int_equal(store_complaint_mood_parse("calm"), COMPLAINT_MOOD_CALM);
	assert_string_equal(store_promise_status_name(PROMISE_WITHDRAWN), "withdrawn");
	assert_int_equal(store_promise_status_parse("kept"), PROMISE_KEPT);

	assert_string_equal(store_strerror(STORE_EPROMISES, "zh"),
	                    "还有未兑现的承诺：请先完成或撤回");
	assert_string_equal(store_strerror(STORE_EPROMISES, "en"),
	                    "promises are still open: mark them done or withdraw them first");
	assert_string_equal(store_strerror(STORE_ESTATE, "zh"), "当前状态下不允许此操作");
	assert_string_equal(store_strerror(STORE_ESTATE, "en"), "not allowed in this status");
}

static void test_sc_add_and_get_chinese(void **state)
{
	struct test_sc_fx *fx = *state;
	struct promise_new p = {.what = "明天上午派维修工上门查看\n并回电", .due_ms = 0};
	struct complaint_new in =
	    test_sc_new("3栋2单元1201", "卫生间漏水，已经三天了。\n楼下邻居也投诉了。");
	char number[COMPLAINT_NUMBER_MAX], day[16], expect[COMPLAINT_NUMBER_MAX];
	struct complaint c;
	int64_t a0 = test_sc_audits(fx), before = store_now_ms();

	p.due_ms = before + TEST_SC_DAY_MS;
	in.dialect = "粤语";
	in.techniques = test_sc_tech_ep;
	in.ntechniques = 3;
	in.promises = &p;
	in.npromises = 1;
	test_sc_add(fx, &test_sc_zhang, &in, number);
	assert_int_equal(test_sc_audits(fx), a0 + 1);
	test_sc_last_audit(fx, "complaint.add", number);

	assert_int_equal(store_complaint_get(fx->st, number, &c, true), 0);
	test_sc_day(c.created_ms, day);
	snprintf(expect, sizeof expect, "C-%s-0001", day);
	assert_string_equal(c.number, expect);
	assert_string_equal(c.unit, "3栋2单元1201");
	assert_false(c.unit_verified); /* the unit register is empty */
	assert_string_equal(c.caller, "王女士");
	assert_int_equal(c.relation, COMPLAINT_REL_OWNER);
	assert_string_equal(c.phone, "13812345678");
	assert_int_equal(c.channel, COMPLAINT_CH_PHONE);
	assert_string_equal(c.category, "repairs");
	assert_string_equal(c.words, "卫生间漏水，已经三天了。\n楼下邻居也投诉了。");
	assert_int_equal(c.mood, COMPLAINT_MOOD_UPSET);
	assert_string_equal(c.dialect, "粤语");
	assert_null(c.outcome);
	assert_int_equal(c.status, COMPLAINT_OPEN);
	assert_string_equal(c.agent, "zhang");
	assert_string_equal(c.assignee, "zhang");
	assert_true(c.created_ms >= before && c.created_ms <= store_now_ms());
	assert_int_equal(c.updated_ms, c.created_ms);
	assert_int_equal(c.resolved_ms, 0);
	/* Deduplicated and sorted. */
	assert_int_equal(c.ntechniques, 2);
	assert_string_equal(c.techniques[0], "empathy");
	assert_string_equal(c.techniques[1], "persuade");
	assert_int_equal(c.open_promises, 1);
	assert_int_equal(c.next_due_ms, p.due_ms);
	assert_int_equal(c.npromises, 1);
	assert_string_equal(c.promises[0].what, "明天上午派维修工上门查看\n并回电");
	assert_string_equal(c.promises[0].agent, "zhang");
	assert_string_equal(c.promises[0].number, number);
	assert_int_equal(c.promises[0].status, PROMISE_OPEN);
	assert_int_equal(c.promises[0].closed_ms, 0);
	assert_int_equal(c.nhistory, 2);
	assert_string_equal(c.history[0].action, "created");
	assert_string_equal(c.history[0].account, "zhang");
	assert_non_null(strstr(c.history[0].detail, "unit=3栋2单元1201 (unverified)"));
	assert_non_null(strstr(c.history[0].detail, "techniques=persuade,empathy,empathy"));
	assert_string_equal(c.history[1].action, "promise.add");
	assert_int_equal(c.nnotes, 0);
	assert_int_equal(c.nhandovers, 0);
	store_complaint_clear(&c);

	/* Summary only. */
	assert_int_equal(store_complaint_get(fx->st, number, &c, false), 0);
	assert_int_equal(c.nhistory, 0);
	assert_null(c.history);
	assert_int_equal(c.ntechniques, 2);
	store_complaint_clear(&c);
	assert_int_equal(store_complaint_get(fx->st, "C-19990101-0001", &c, true), STORE_ENOENT);
	store_complaint_clear(&c);
	assert_int_equal(store_audit_verify(fx->st, NULL, NULL), 0);
}

static void test_sc_add_refuses_invalid(void **state)
{
	struct test_sc_fx *fx = *state;
	struct complaint_new in;
	static const char *const bad_tech[] = {"empathy", "Bad Code"};
	struct promise_new p = {.what = "回电", .due_ms = 0};
	int64_t a0 = test_sc_audits(fx);
	char number[COMPLAINT_NUMBER_MAX];

	in = test_sc_new("3-2-1201", "漏水");
	in.phone = "12345";
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, number), STORE_EINVAL);
	assert_string_equal(number, "");
	in = test_sc_new("3-2-1201", "   \n ");
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201", "bell\a");
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3 2", "漏水");
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	/* Invisible and direction-changing characters, in the words, the caller, the unit. */
	in = test_sc_new("3-2-1201", "已解决\xe2\x80\xae未");
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201", "漏\xe2\x80\x8b水");
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201", "漏水\xe2\x80\xa8");
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201", "漏水");
	in.caller = "王\xef\xbb\xbf先生";
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201\xe2\x81\xa6", "漏水");
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201", "漏水");
	in.relation = (enum complaint_relation)7;
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201", "漏水");
	in.techniques = bad_tech;
	in.ntechniques = 2;
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201", "漏水");
	in.promises = &p; /* due_ms 0 */
	in.npromises = 1;
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	in = test_sc_new("3-2-1201", "漏水");
	in.caller = "";
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_EINVAL);
	/* No agent at all. */
	in = test_sc_new("3-2-1201", "漏水");
	assert_int_equal(store_complaint_add(fx->st, NULL, &in, NULL), STORE_EINVAL);
	/* An assignee who is not an account. */
	in.assignee = "nobody";
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_ENOENT);
	assert_int_equal(test_sc_audits(fx), a0);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM complaints"), 0);
	/* The refused assignee did not use up a number. */
	in.assignee = "li";
	in.phone = NULL;
	in.agent = "zhang";
	assert_int_equal(store_complaint_add(fx->st, NULL, &in, number), 0);
	assert_string_equal(number + 11, "0001");
	{
		struct complaint c;

		assert_int_equal(store_complaint_get(fx->st, number, &c, false), 0);
		assert_string_equal(c.agent, "zhang");
		assert_string_equal(c.assignee, "li");
		assert_null(c.phone);
		assert_null(c.dialect);
		store_complaint_clear(&c);
	}
}

static void test_sc_number_per_day_counter(void **state)
{
	struct test_sc_fx *fx = *state;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], n3[COMPLAINT_NUMBER_MAX];
	char n4[COMPLAINT_NUMBER_MAX], day[16], expect[COMPLAINT_NUMBER_MAX];
	struct complaint c;

	/* Two zones 26 hours apart: at any instant their dates differ. */
	setenv("TZ", "XXX-14", 1);
	tzset();
	test_sc_add_simple(fx, &test_sc_zhang, "一", n1);
	test_sc_add_simple(fx, &test_sc_zhang, "二", n2);
	assert_int_equal(store_complaint_get(fx->st, n1, &c, false), 0);
	test_sc_day(c.created_ms, day);
	store_complaint_clear(&c);
	snprintf(expect, sizeof expect, "C-%s-0001", day);
	assert_string_equal(n1, expect);
	snprintf(expect, sizeof expect, "C-%s-0002", day);
	assert_string_equal(n2, expect);
	assert_int_equal(strlen(n1), 15);

	setenv("TZ", "YYY+12", 1);
	tzset();
	test_sc_add_simple(fx, &test_sc_zhang, "三", n3);
	assert_int_equal(store_complaint_get(fx->st, n3, &c, false), 0);
	test_sc_day(c.created_ms, day);
	store_complaint_clear(&c);
	snprintf(expect, sizeof expect, "C-%s-0001", day);
	assert_string_equal(n3, expect);
	assert_string_not_equal(n1, n3);

	/* Past 9999 in a day the counter grows a digit. */
	test_sc_exec(fx, "UPDATE complaint_days SET last = 9999 WHERE day = '%s'", day);
	test_sc_add_simple(fx, &test_sc_zhang, "四", n4);
	snprintf(expect, sizeof expect, "C-%s-10000", day);
	assert_string_equal(n4, expect);

	setenv("TZ", "CST-8", 1);
	tzset();
}

static void test_sc_units(void **state)
{
	struct test_sc_fx *fx = *state;
	struct unit u = {0}, got;
	struct unit *list;
	struct unit_event *ev;
	struct complaint_new in;
	struct promise_new p = {.what = "周五前修好", .due_ms = 0};
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX];
	int64_t count, a0, pid;
	size_t n;

	/* Before there is a register, any unit is taken unverified. */
	test_sc_add_simple(fx, &test_sc_zhang, "门禁坏了", n1);
	assert_int_equal(store_unit_count(fx->st, &count), 0);
	assert_int_equal(count, 0);

	a0 = test_sc_audits(fx);
	u.code = (char *)"3-2-1201";
	u.building = (char *)"3栋";
	u.owner_name = (char *)"王芳";
	u.owner_phone = (char *)"13912345678";
	u.area_m2 = 89.5;
	assert_int_equal(store_unit_add(fx->st, &test_sc_boss, &u), 0);
	assert_int_equal(test_sc_audits(fx), a0 + 1);
	test_sc_last_audit(fx, "unit.add", "3-2-1201");
	assert_int_equal(store_unit_add(fx->st, &test_sc_boss, &u), STORE_EEXIST);
	u.code = (char *)"5栋1单元302";
	u.owner_phone = (char *)"555";
	assert_int_equal(store_unit_add(fx->st, &test_sc_boss, &u), STORE_EINVAL);
	u.owner_phone = NULL;
	u.building = NULL;
	u.owner_name = NULL;
	u.area_m2 = 0;
	assert_int_equal(store_unit_add(fx->st, &test_sc_boss, &u), 0);
	u.area_m2 = -1;
	u.code = (char *)"x";
	assert_int_equal(store_unit_add(fx->st, &test_sc_boss, &u), STORE_EINVAL);
	assert_int_equal(test_sc_audits(fx), a0 + 2);

	assert_int_equal(store_unit_count(fx->st, &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(store_unit_get(fx->st, "3-2-1201", &got), 0);
	assert_string_equal(got.building, "3栋");
	assert_string_equal(got.owner_name, "王芳");
	assert_string_equal(got.owner_phone, "13912345678");
	assert_true(got.area_m2 == 89.5);
	assert_true(got.created > 1600000000);
	store_unit_clear(&got);
	assert_int_equal(store_unit_get(fx->st, "5栋1单元302", &got), 0);
	assert_null(got.building);
	assert_null(got.owner_phone);
	assert_true(got.area_m2 == 0);
	store_unit_clear(&got);
	assert_int_equal(store_unit_get(fx->st, "9-9-9", &got), STORE_ENOENT);
	assert_int_equal(store_unit_list(fx->st, 10, 0, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].code, "3-2-1201");
	assert_string_equal(list[1].code, "5栋1单元302");
	store_unit_list_free(list, n);
	assert_int_equal(store_unit_list(fx->st, 10, 1, &list, &n), 0);
	assert_int_equal(n, 1);
	store_unit_list_free(list, n);

	/* With a register, an unknown unit is refused and nothing is written. */
	a0 = test_sc_audits(fx);
	in = test_sc_new("9-9-999", "噪音");
	assert_int_equal(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL), STORE_ENOENT);
	assert_non_null(strstr(store_last_error(fx->st), "unit"));
	assert_int_equal(test_sc_audits(fx), a0);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM complaints"), 1);
	/* A known one is verified. */
	in = test_sc_new("3-2-1201", "楼上装修噪音");
	in.category = "noise";
	test_sc_add(fx, &test_sc_li, &in, n2);
	{
		struct complaint c;

		assert_int_equal(store_complaint_get(fx->st, n2, &c, false), 0);
		assert_true(c.unit_verified);
		store_complaint_clear(&c);
	}
	p.due_ms = store_now_ms() + TEST_SC_DAY_MS;
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, n2, &p, &pid), 0);
	/* Make the order certain: the first complaint an hour earlier. */
	test_sc_exec(
	    fx, "UPDATE complaints SET created_ms = created_ms - 3600000 WHERE number = '%s'", n1);

	assert_int_equal(store_unit_history(fx->st, "3-2-1201", 0, 0, &ev, &n), 0);
	assert_int_equal(n, 3);
	assert_true(ev[0].is_promise);
	assert_int_equal(ev[0].promise_id, pid);
	assert_string_equal(ev[0].number, n2);
	assert_string_equal(ev[0].text, "周五前修好");
	assert_string_equal(ev[0].status, "open");
	assert_int_equal(ev[0].due_ms, p.due_ms);
	assert_false(ev[1].is_promise);
	assert_string_equal(ev[1].number, n2);
	assert_string_equal(ev[1].category, "noise");
	assert_string_equal(ev[1].agent, "li");
	assert_string_equal(ev[1].status, "in_progress");
	assert_false(ev[2].is_promise);
	assert_string_equal(ev[2].number, n1);
	assert_string_equal(ev[2].text, "门禁坏了");
	assert_true(ev[0].ts_ms >= ev[1].ts_ms && ev[1].ts_ms > ev[2].ts_ms);
	store_unit_history_free(ev, n);
	assert_int_equal(store_unit_history(fx->st, "1-1-101", 0, 0, &ev, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ev);
}

static void test_sc_status_rules(void **state)
{
	struct test_sc_fx *fx = *state;
	char num[COMPLAINT_NUMBER_MAX];
	struct complaint c;
	int64_t a0;

	test_sc_add_simple(fx, &test_sc_zhang, "电梯经常停运", num);
	a0 = test_sc_audits(fx);
	/* Refused transitions change nothing and write no audit. */
	assert_int_equal(store_complaint_reopen(fx->st, &test_sc_zhang, num, "业主不满意"),
	                 STORE_ESTATE);
	assert_int_equal(test_sc_audits(fx), a0);
	/* Work on an open complaint puts it in progress. */
	assert_int_equal(store_complaint_note(fx->st, &test_sc_zhang, num, "已联系电梯维保公司"),
	                 0);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_IN_PROGRESS);
	assert_int_equal(store_complaint_escalate(fx->st, &test_sc_zhang, num, NULL, ""),
	                 STORE_EINVAL);
	assert_int_equal(store_complaint_escalate(fx->st, &test_sc_zhang, num, NULL, "需主管协调"),
	                 0);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_ESCALATED);
	assert_int_equal(store_complaint_escalate(fx->st, &test_sc_zhang, num, NULL, "再次"),
	                 STORE_ESTATE);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_boss, num, NULL), STORE_EINVAL);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_boss, num, "维保公司已更换主板"),
	                 0);
	assert_int_equal(store_complaint_get(fx->st, num, &c, false), 0);
	assert_int_equal(c.status, COMPLAINT_RESOLVED);
	assert_string_equal(c.outcome, "维保公司已更换主板");
	assert_true(c.resolved_ms >= c.created_ms);
	store_complaint_clear(&c);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_boss, num, "again"),
	                 STORE_ESTATE);
	assert_int_equal(store_complaint_escalate(fx->st, &test_sc_boss, num, NULL, "x"),
	                 STORE_ESTATE);
	assert_int_equal(store_complaint_assign(fx->st, &test_sc_boss, num, "li", "接手"),
	                 STORE_ESTATE);
	{
		struct promise_new p = {.what = "x", .due_ms = store_now_ms() + 1000};

		assert_int_equal(store_promise_add(fx->st, &test_sc_boss, num, &p, NULL),
		                 STORE_ESTATE);
	}
	/* Notes and tags stay possible on a resolved complaint. */
	assert_int_equal(store_complaint_note(fx->st, &test_sc_zhang, num, "回访：业主满意"), 0);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_RESOLVED);
	assert_int_equal(store_complaint_reopen(fx->st, &test_sc_zhang, num, NULL), STORE_EINVAL);
	assert_int_equal(store_complaint_reopen(fx->st, &test_sc_zhang, num, "又停了"), 0);
	assert_int_equal(store_complaint_get(fx->st, num, &c, false), 0);
	assert_int_equal(c.status, COMPLAINT_REOPENED);
	assert_int_equal(c.resolved_ms, 0);
	assert_string_equal(c.outcome, "维保公司已更换主板");
	store_complaint_clear(&c);
	assert_int_equal(store_complaint_reopen(fx->st, &test_sc_zhang, num, "x"), STORE_ESTATE);
	/* Reopened stays reopened while worked on; it can be escalated and resolved. */
	assert_int_equal(store_complaint_note(fx->st, &test_sc_zhang, num, "再次报修"), 0);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_REOPENED);
	assert_int_equal(
	    store_complaint_escalate(fx->st, &test_sc_zhang, num, "wang", "请主管处理"), 0);
	assert_int_equal(store_complaint_get(fx->st, num, &c, false), 0);
	assert_int_equal(c.status, COMPLAINT_ESCALATED);
	assert_string_equal(c.assignee, "wang");
	store_complaint_clear(&c);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_boss, num, "更换了控制柜"), 0);
	/* A fresh complaint resolves straight from open too. */
	test_sc_add_simple(fx, &test_sc_li, "快递柜", num);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, num, "已解释"), 0);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_li, "C-19990101-0001", "x"),
	                 STORE_ENOENT);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, NULL, "x"), STORE_EINVAL);
}

/* Who may work a complaint and its promises: its taker, its holder, supervisors and admins;
 * who may hand it over: its holder and supervisors. A refusal changes nothing. */
static void test_sc_ownership(void **state)
{
	struct test_sc_fx *fx = *state;
	const struct audit_ctx admin = {.account = "root", .role = "admin", .session = "s-4"};
	const struct audit_ctx offline = {.account = NULL, .role = "admin", .transport = "cli"};
	const char *add[] = {"patience"};
	struct promise_new pn = {.what = "明天回电", .due_ms = store_now_ms() + TEST_SC_DAY_MS};
	char num[COMPLAINT_NUMBER_MAX];
	struct promise p;
	int64_t a0, pid = 0, pid2 = 0;

	/* The pure rules. */
	assert_true(store_complaint_status_may_work("zhang", "li", "zhang", "agent"));
	assert_true(store_complaint_status_may_work("zhang", "li", "li", "agent"));
	assert_false(store_complaint_status_may_work("zhang", "li", "wu", "agent"));
	assert_true(store_complaint_status_may_work("zhang", "li", "wang", "supervisor"));
	assert_true(store_complaint_status_may_work("zhang", "li", "root", "admin"));
	assert_false(store_complaint_status_may_work("zhang", "li", "audit", "auditor"));
	assert_false(store_complaint_status_may_work(NULL, NULL, "zhang", "agent"));
	assert_false(store_complaint_status_may_work("", "", "", "agent"));
	assert_false(store_complaint_status_may_work("zhang", "li", NULL, NULL));
	assert_true(store_complaint_status_may_work(NULL, NULL, "wang", "supervisor"));
	assert_true(store_complaint_status_may_assign("li", "li", "agent"));
	assert_false(store_complaint_status_may_assign("li", "zhang", "agent"));
	assert_true(store_complaint_status_may_assign("li", "wang", "supervisor"));
	assert_true(store_complaint_status_may_assign("li", "root", "admin"));

	/* zhang's complaint and promise: li may do nothing to them. */
	test_sc_add_simple(fx, &test_sc_zhang, "楼道灯坏了", num);
	assert_int_equal(store_promise_add(fx->st, &test_sc_zhang, num, &pn, &pid), 0);
	a0 = test_sc_audits(fx);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_li, num, "x"), STORE_EOWNER);
	assert_int_equal(store_complaint_tag(fx->st, &test_sc_li, num, add, 1, NULL, 0),
	                 STORE_EOWNER);
	assert_int_equal(store_complaint_escalate(fx->st, &test_sc_li, num, NULL, "x"),
	                 STORE_EOWNER);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, num, "x"), STORE_EOWNER);
	assert_int_equal(store_complaint_assign(fx->st, &test_sc_li, num, "li", "我来"),
	                 STORE_EOWNER);
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, num, &pn, NULL), STORE_EOWNER);
	assert_int_equal(store_promise_done(fx->st, &test_sc_li, pid, NULL), STORE_EOWNER);
	assert_int_equal(store_promise_withdraw(fx->st, &test_sc_li, pid, "x"), STORE_EOWNER);
	assert_int_equal(test_sc_audits(fx), a0);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_IN_PROGRESS); /* by zhang's promise */

	/* zhang hands it to li with a note: li holds it and may work it and close zhang's
	 * promise; zhang, who took it, still may work it but no longer hand it on. */
	assert_int_equal(store_complaint_assign(fx->st, &test_sc_zhang, num, "li", "业主下午在家"),
	                 0);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_li, num, "已上门"), 0);
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, num, &pn, &pid2), 0);
	assert_int_equal(store_promise_done(fx->st, &test_sc_li, pid, "已回电"), 0);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_zhang, num, "我也跟进"), 0);
	assert_int_equal(store_complaint_assign(fx->st, &test_sc_zhang, num, "zhang", "拿回来"),
	                 STORE_EOWNER);
	assert_int_equal(store_complaint_escalate(fx->st, &test_sc_zhang, num, "zhang", "拿回来"),
	                 STORE_EOWNER); /* nor by escalating with a handover */
	/* A supervisor reassigns it; an admin and the offline tools may work anything. */
	assert_int_equal(store_complaint_assign(fx->st, &test_sc_boss, num, "zhang", "改派"), 0);
	assert_int_equal(store_complaint_note(fx->st, &admin, num, "管理员备注"), 0);
	assert_int_equal(store_complaint_note(fx->st, &offline, num, "导入"), 0);
	/* li made pid2 and may still close it, though no longer the holder. */
	assert_int_equal(store_promise_withdraw(fx->st, &test_sc_li, pid2, "业主不需要了"), 0);
	memset(&p, 0, sizeof p);
	assert_int_equal(store_promise_get(fx->st, pid2, &p), 0);
	assert_int_equal(p.status, PROMISE_WITHDRAWN);
	store_promise_clear(&p);
	/* li no longer holds it, nor took it. */
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, num, "x"), STORE_EOWNER);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_zhang, num, "已修好"), 0);
	assert_int_equal(store_complaint_reopen(fx->st, &test_sc_li, num, "x"), STORE_EOWNER);
	assert_int_equal(store_complaint_reopen(fx->st, &test_sc_boss, num, "又坏了"), 0);
}

static void test_sc_promises_block_resolve(void **state)
{
	struct test_sc_fx *fx = *state;
	struct promise_new ps[2] = {{.what = "今天下午派人查看"}, {.what = "三天内给出维修方案"}};
	struct complaint_new in = test_sc_new("3-2-1201", "外墙渗水");
	char num[COMPLAINT_NUMBER_MAX];
	struct complaint c;
	struct promise pr;
	int64_t now = store_now_ms(), a0, h0, pid;

	ps[0].due_ms = now + TEST_SC_HOUR_MS;
	ps[1].due_ms = now + 3 * TEST_SC_DAY_MS;
	ps[1].agent = "li";
	in.promises = ps;
	in.npromises = 2;
	test_sc_add(fx, &test_sc_zhang, &in, num);
	assert_int_equal(store_complaint_get(fx->st, num, &c, true), 0);
	assert_int_equal(c.npromises, 2);
	assert_string_equal(c.promises[1].agent, "li");
	int64_t p1 = c.promises[0].id, p2 = c.promises[1].id;
	store_complaint_clear(&c);

	a0 = test_sc_audits(fx);
	h0 = test_sc_history(fx);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_zhang, num, "已修复"),
	                 STORE_EPROMISES);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_OPEN);
	assert_int_equal(test_sc_audits(fx), a0);
	assert_int_equal(test_sc_history(fx), h0);

	assert_int_equal(store_promise_done(fx->st, &test_sc_zhang, p1, "已上门，确认是外墙裂缝"),
	                 0);
	assert_int_equal(test_sc_audits(fx), a0 + 1);
	test_sc_last_audit(fx, "promise.done", num);
	assert_int_equal(store_promise_done(fx->st, &test_sc_zhang, p1, NULL), STORE_ESTATE);
	assert_int_equal(store_promise_withdraw(fx->st, &test_sc_zhang, p1, "x"), STORE_ESTATE);
	assert_int_equal(store_promise_get(fx->st, p1, &pr), 0);
	assert_int_equal(pr.status, PROMISE_KEPT);
	assert_true(pr.closed_ms >= now);
	assert_string_equal(pr.note, "已上门，确认是外墙裂缝");
	store_promise_clear(&pr);
	/* Still one open. */
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_zhang, num, "已修复"),
	                 STORE_EPROMISES);
	assert_int_equal(store_promise_withdraw(fx->st, &test_sc_li, p2, NULL), STORE_EINVAL);
	assert_int_equal(store_promise_withdraw(fx->st, &test_sc_li, p2, "  "), STORE_EINVAL);
	assert_int_equal(store_promise_withdraw(fx->st, &test_sc_li, p2, "业主改为自行维修"), 0);
	test_sc_last_audit(fx, "promise.withdraw", num);
	assert_int_equal(store_promise_get(fx->st, p2, &pr), 0);
	assert_int_equal(pr.status, PROMISE_WITHDRAWN);
	assert_string_equal(pr.note, "业主改为自行维修");
	store_promise_clear(&pr);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_zhang, num, "已修复"), 0);
	assert_int_equal(store_promise_get(fx->st, 99999, &pr), STORE_ENOENT);
	assert_int_equal(store_promise_done(fx->st, &test_sc_zhang, 99999, NULL), STORE_ENOENT);

	/* A promise added later also blocks, until kept. */
	test_sc_add_simple(fx, &test_sc_li, "垃圾清运不及时", num);
	ps[0].agent = NULL;
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, num, &ps[0], &pid), 0);
	test_sc_last_audit(fx, "promise.add", num);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_IN_PROGRESS);
	assert_int_equal(store_promise_get(fx->st, pid, &pr), 0);
	assert_string_equal(pr.agent, "li");
	assert_string_equal(pr.what, "今天下午派人查看");
	store_promise_clear(&pr);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, num, "已清运"),
	                 STORE_EPROMISES);
	assert_int_equal(store_promise_done(fx->st, &test_sc_li, pid, ""), 0);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, num, "已清运"), 0);
	ps[0].what = "";
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, num, &ps[0], NULL), STORE_EINVAL);
}

static void test_sc_overdue(void **state)
{
	struct test_sc_fx *fx = *state;
	struct promise_new p = {0};
	struct complaint_filter f = {0};
	struct promise_filter pf = {0};
	struct complaint *list;
	struct promise *pl;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], n3[COMPLAINT_NUMBER_MAX];
	int64_t now = store_now_ms(), late1, late2, soon;
	size_t n;

	test_sc_add_simple(fx, &test_sc_zhang, "一号", n1);
	test_sc_add_simple(fx, &test_sc_li, "二号", n2);
	test_sc_add_simple(fx, &test_sc_li, "三号", n3);
	p.what = "回电";
	p.due_ms = now - 2 * TEST_SC_HOUR_MS; /* promised, then the date passed */
	assert_int_equal(store_promise_add(fx->st, &test_sc_zhang, n1, &p, &late1), 0);
	p.due_ms = now - TEST_SC_HOUR_MS;
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, n2, &p, &late2), 0);
	p.due_ms = now + TEST_SC_DAY_MS;
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, n3, &p, &soon), 0);

	f.overdue = true;
	assert_int_equal(store_complaint_list(fx->st, &f, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].number, n2);
	assert_string_equal(list[1].number, n1);
	assert_int_equal(list[0].open_promises, 1);
	store_complaint_list_free(list, n);
	f.mine = "li";
	assert_int_equal(store_complaint_list(fx->st, &f, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, n2);
	store_complaint_list_free(list, n);
	/* Seen from two days later, the third is overdue too. */
	f.mine = NULL;
	f.now_ms = now + 2 * TEST_SC_DAY_MS;
	assert_int_equal(store_complaint_list(fx->st, &f, &list, &n), 0);
	assert_int_equal(n, 3);
	store_complaint_list_free(list, n);

	pf.overdue_only = true;
	assert_int_equal(store_promise_list(fx->st, &pf, &pl, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pl[0].id, late1); /* most urgent first */
	assert_int_equal(pl[1].id, late2);
	assert_string_equal(pl[0].number, n1);
	assert_string_equal(pl[0].unit, "3-2-1201");
	store_promise_list_free(pl, n);
	pf.agent = "li";
	assert_int_equal(store_promise_list(fx->st, &pf, &pl, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pl[0].id, late2);
	store_promise_list_free(pl, n);
	/* Kept promises are no longer overdue. */
	assert_int_equal(store_promise_done(fx->st, &test_sc_li, late2, "已回电"), 0);
	assert_int_equal(store_promise_list(fx->st, &pf, &pl, &n), 0);
	assert_int_equal(n, 0);
	store_promise_list_free(pl, n);
	pf.overdue_only = false;
	pf.open_only = true;
	assert_int_equal(store_promise_list(fx->st, &pf, &pl, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pl[0].id, soon);
	store_promise_list_free(pl, n);
	pf.open_only = false;
	assert_int_equal(store_promise_list(fx->st, &pf, &pl, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pl[0].status, PROMISE_KEPT);
	store_promise_list_free(pl, n);
	pf.agent = NULL;
	pf.limit = 2;
	pf.offset = 1;
	assert_int_equal(store_promise_list(fx->st, &pf, &pl, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pl[0].id, late2);
	assert_int_equal(pl[1].id, soon);
	store_promise_list_free(pl, n);
	f.now_ms = 0;
	f.overdue = true;
	assert_int_equal(store_complaint_list(fx->st, &f, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, n1);
	store_complaint_list_free(list, n);
}

static void test_sc_list_filters(void **state)
{
	struct test_sc_fx *fx = *state;
	static const char *const t_smalltalk[] = {"smalltalk"};
	static const char *const t_patience[] = {"patience", "sit-down"};
	struct complaint_filter f = {0};
	struct complaint_new in;
	struct complaint *list;
	char n[4][COMPLAINT_NUMBER_MAX];
	size_t cnt, i;

	in = test_sc_new("1-1-101", "停车位被占");
	in.category = "parking";
	in.techniques = t_smalltalk;
	in.ntechniques = 1;
	test_sc_add(fx, &test_sc_zhang, &in, n[0]);
	in = test_sc_new("1-1-102", "绿化带有垃圾");
	in.category = "greening";
	in.techniques = t_patience;
	in.ntechniques = 2;
	in.assignee = "li";
	test_sc_add(fx, &test_sc_zhang, &in, n[1]);
	in = test_sc_new("1-1-101", "夜间施工噪音");
	in.category = "noise";
	in.techniques = t_patience;
	in.ntechniques = 1;
	test_sc_add(fx, &test_sc_li, &in, n[2]);
	in = test_sc_new("2-1-201", "物业费收费不透明");
	in.category = "fees";
	test_sc_add(fx, &test_sc_boss, &in, n[3]);
	/* Distinct creation times, an hour apart, oldest first. */
	for (i = 0; i < 4; i++)
		test_sc_exec(fx,
		             "UPDATE complaints SET created_ms = 1700000000000 + %zu * 3600000"
		             " WHERE number = '%s'",
		             i, n[i]);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, n[2], "已协调"), 0);
	assert_int_equal(store_complaint_escalate(fx->st, &test_sc_boss, n[3], NULL, "需财务解释"),
	                 0);

	assert_int_equal(store_complaint_list(fx->st, NULL, &list, &cnt), 0);
	assert_int_equal(cnt, 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(list[i].number, n[3 - i]); /* newest first */
	assert_int_equal(list[1].status, COMPLAINT_RESOLVED);
	assert_int_equal(list[2].ntechniques, 2);
	assert_string_equal(list[2].techniques[0], "patience");
	assert_string_equal(list[2].techniques[1], "sit-down");
	store_complaint_list_free(list, cnt);

#define TEST_SC_LIST(expect_n, ...)                                                                \
	do {                                                                                       \
		static const int idx[] = {__VA_ARGS__};                                            \
		int64_t total;                                                                     \
		assert_int_equal(store_complaint_list(fx->st, &f, &list, &cnt), 0);                \
		assert_int_equal(cnt, expect_n);                                                   \
		assert_int_equal(store_complaint_count(fx->st, &f, &total), 0);                    \
		if (f.limit == 0 && f.offset == 0)                                                 \
			assert_int_equal(total, expect_n);                                         \
		for (i = 0; i < cnt; i++)                                                          \
			assert_string_equal(list[i].number, n[idx[i]]);                            \
		store_complaint_list_free(list, cnt);                                              \
		memset(&f, 0, sizeof f);                                                           \
	} while (0)

	f.mine = "li";
	TEST_SC_LIST(2, 2, 1);
	f.agent = "zhang";
	TEST_SC_LIST(2, 1, 0);
	f.assignee = "li";
	TEST_SC_LIST(2, 2, 1);
	f.status_mask = COMPLAINT_STATUS_BIT(COMPLAINT_OPEN);
	TEST_SC_LIST(2, 1, 0);
	f.status_mask =
	    COMPLAINT_STATUS_BIT(COMPLAINT_RESOLVED) | COMPLAINT_STATUS_BIT(COMPLAINT_ESCALATED);
	TEST_SC_LIST(2, 3, 2);
	f.unit = "1-1-101";
	TEST_SC_LIST(2, 2, 0);
	f.category = "greening";
	TEST_SC_LIST(1, 1);
	f.technique = "patience";
	TEST_SC_LIST(2, 2, 1);
	f.technique = "sit-down";
	f.agent = "zhang";
	TEST_SC_LIST(1, 1);
	f.since_ms = 1700000000000LL + TEST_SC_HOUR_MS;
	f.until_ms = 1700000000000LL + 3 * TEST_SC_HOUR_MS;
	TEST_SC_LIST(2, 2, 1);
	f.limit = 1;
	{
		int64_t total;

		assert_int_equal(store_complaint_count(fx->st, &f, &total), 0);
		assert_int_equal(total, 4); /* limit and offset do not apply */
		assert_int_equal(store_complaint_count(fx->st, NULL, &total), 0);
		assert_int_equal(total, 4);
		bool exact;

		/* Counting stops at the cap; below it, the count is exact. */
		assert_int_equal(store_complaint_count_max(fx->st, NULL, 3, 0, &total, &exact), 0);
		assert_int_equal(total, 3);
		assert_false(exact);
		assert_int_equal(store_complaint_count_max(fx->st, NULL, 5, 0, &total, &exact), 0);
		assert_int_equal(total, 4);
		assert_true(exact);
		assert_int_equal(store_complaint_count_max(fx->st, &f, 2, 0, &total, &exact), 0);
		assert_int_equal(total, 2);
		assert_int_equal(store_complaint_count_max(fx->st, &f, 100, 0, &total, &exact), 0);
		assert_int_equal(total, 4); /* limit and offset do not apply */
		assert_int_equal(store_complaint_count_max(fx->st, NULL, 0, 0, &total, &exact),
		                 STORE_EINVAL);
		/* A work budget bounds a count over many rows: what it counted is a floor. */
		test_sc_exec(fx, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
		                 " WHERE i < 20000) INSERT INTO complaints (number, unit, caller,"
		                 " relation, channel, category, words, mood, agent, assignee,"
		                 " created_ms, updated_ms) SELECT 'C-19990101-' || i, '9-9-' || i,"
		                 " 'x', 'owner', 'phone', 'repairs', 'w', 'calm', 'zhang', 'zhang',"
		                 " i, i FROM n");
		assert_int_equal(store_complaint_count_max(fx->st, NULL, 100000, 0, &total, &exact), 0);
		assert_int_equal(total, 20004);
		assert_true(exact);
		assert_int_equal(store_complaint_count_max(fx->st, NULL, 100000, 20000, &total, &exact),
		                 0);
		assert_false(exact);
		assert_true(total > 0 && total < 20004);
		/* The same data, the same budget: the same count. */
		{
			int64_t again;

			assert_int_equal(
			    store_complaint_count_max(fx->st, NULL, 100000, 20000, &again, &exact), 0);
			assert_int_equal(again, total);
		}
		test_sc_exec(fx, "DELETE FROM complaints WHERE number LIKE 'C-19990101-%%'");
	}
	f.limit = 2;
	f.offset = 1;
	TEST_SC_LIST(2, 2, 1);
	f.offset = 3;
	TEST_SC_LIST(1, 0);
	f.unit = "9-9-9";
	assert_int_equal(store_complaint_list(fx->st, &f, &list, &cnt), 0);
	assert_int_equal(cnt, 0);
	assert_null(list);
	f.status_mask = 1u << 9;
	assert_int_equal(store_complaint_list(fx->st, &f, &list, &cnt), STORE_EINVAL);
#undef TEST_SC_LIST
}

static void test_sc_history_and_audit_every_change(void **state)
{
	struct test_sc_fx *fx = *state;
	static const char *const add[] = {"empathy", "patience"};
	static const char *const rm[] = {"persuade", "dialect"};
	struct complaint_new in = test_sc_new("3-2-1201", "保安态度差");
	struct promise_new p = {.what = "约谈当班保安并回复"};
	char num[COMPLAINT_NUMBER_MAX];
	struct complaint c;
	int64_t a, pid, pid2;

	in.category = "security";
	in.techniques = test_sc_tech_ep;
	in.ntechniques = 1; /* persuade */
	test_sc_add(fx, &test_sc_zhang, &in, num);
	a = test_sc_audits(fx);

	assert_int_equal(
	    store_complaint_note(fx->st, &test_sc_zhang, num, "业主情绪激动，\n先安抚"), 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	test_sc_last_audit(fx, "complaint.note", num);

	assert_int_equal(store_complaint_tag(fx->st, &test_sc_zhang, num, add, 2, rm, 2), 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	test_sc_last_audit(fx, "complaint.tag", num);
	/* Nothing to change: no history, no audit. */
	assert_int_equal(store_complaint_tag(fx->st, &test_sc_zhang, num, add, 1, rm, 1), 0);
	assert_int_equal(test_sc_audits(fx), a);
	assert_int_equal(store_complaint_tag(fx->st, &test_sc_zhang, num, rm, 0, NULL, 0), 0);
	assert_int_equal(test_sc_audits(fx), a);
	assert_int_equal(store_complaint_tag(fx->st, &test_sc_zhang, num, rm + 1, 1, NULL, 0), 0);
	assert_int_equal(test_sc_audits(fx), ++a);

	assert_int_equal(store_complaint_assign(fx->st, &test_sc_zhang, num, "li", ""),
	                 STORE_EINVAL);
	assert_int_equal(store_complaint_assign(fx->st, &test_sc_zhang, num, "nobody", "x"),
	                 STORE_ENOENT);
	assert_int_equal(store_complaint_assign(fx->st, &test_sc_zhang, num, "zhang", "x"),
	                 STORE_EEXIST);
	assert_int_equal(test_sc_audits(fx), a);
	assert_int_equal(store_complaint_assign(fx->st, &test_sc_zhang, num, "li",
	                                        "我下班了，李姐接手：业主下午三点在家"),
	                 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	test_sc_last_audit(fx, "complaint.assign", num);

	p.due_ms = store_now_ms() + TEST_SC_DAY_MS;
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, num, &p, &pid), 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, num, &p, &pid2), 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	assert_int_equal(store_promise_done(fx->st, &test_sc_li, pid, "已约谈"), 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	assert_int_equal(store_promise_withdraw(fx->st, &test_sc_li, pid2, "重复登记"), 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	assert_int_equal(
	    store_complaint_escalate(fx->st, &test_sc_li, num, "wang", "业主要求经理出面"), 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	test_sc_last_audit(fx, "complaint.escalate", num);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_boss, num, "经理致歉，保安调岗"),
	                 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	test_sc_last_audit(fx, "complaint.resolve", num);
	assert_int_equal(store_complaint_reopen(fx->st, &test_sc_boss, num, "业主回访不满意"), 0);
	assert_int_equal(test_sc_audits(fx), ++a);
	test_sc_last_audit(fx, "complaint.reopen", num);

	assert_int_equal(store_complaint_get(fx->st, num, &c, true), 0);
	{
		static const char *const actions[] = {
		    "created",     "note",         "tag",
		    "tag",         "assign",       "promise.add",
		    "promise.add", "promise.kept", "promise.withdrawn",
		    "escalate",    "resolve",      "reopen"};
		size_t i;

		assert_int_equal(c.nhistory, sizeof actions / sizeof actions[0]);
		for (i = 0; i < c.nhistory; i++)
			assert_string_equal(c.history[i].action, actions[i]);
	}
	assert_string_equal(c.history[1].detail, "业主情绪激动， 先安抚");
	assert_string_equal(c.history[1].account, "zhang");
	assert_string_equal(c.history[2].detail, "+empathy +patience -persuade");
	assert_string_equal(c.history[3].detail, "+dialect");
	assert_string_equal(c.history[4].detail, "zhang->li: 我下班了，李姐接手：业主下午三点在家");
	assert_string_equal(c.history[4].account, "zhang");
	assert_string_equal(c.history[9].detail, "li->wang: 业主要求经理出面");
	assert_string_equal(c.history[10].detail, "经理致歉，保安调岗");
	assert_string_equal(c.history[11].detail, "业主回访不满意");
	assert_string_equal(c.history[11].account, "wang");
	assert_int_equal(c.nnotes, 1);
	assert_string_equal(c.notes[0].text, "业主情绪激动，\n先安抚");
	assert_string_equal(c.notes[0].author, "zhang");
	assert_int_equal(c.nhandovers, 2);
	assert_string_equal(c.handovers[0].from, "zhang");
	assert_string_equal(c.handovers[0].to, "li");
	assert_string_equal(c.handovers[0].note, "我下班了，李姐接手：业主下午三点在家");
	assert_string_equal(c.handovers[1].from, "li");
	assert_string_equal(c.handovers[1].to, "wang");
	assert_string_equal(c.assignee, "wang");
	assert_int_equal(c.ntechniques, 3);
	assert_string_equal(c.techniques[0], "dialect");
	assert_string_equal(c.techniques[1], "empathy");
	assert_string_equal(c.techniques[2], "patience");
	assert_int_equal(c.npromises, 2);
	assert_int_equal(c.promises[0].status, PROMISE_KEPT);
	assert_int_equal(c.promises[1].status, PROMISE_WITHDRAWN);
	assert_true(c.updated_ms >= c.created_ms);
	store_complaint_clear(&c);

	/* The history is append-only. */
	{
		sqlite3 *db = test_sc_raw(fx);

		assert_int_not_equal(
		    sqlite3_exec(db, "UPDATE complaint_history SET detail = 'x'", NULL, NULL, NULL),
		    SQLITE_OK);
		assert_int_not_equal(
		    sqlite3_exec(db, "DELETE FROM complaint_history", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(store_audit_verify(fx->st, NULL, NULL), 0);
}

static void test_sc_failed_audit_rolls_back(void **state)
{
	struct test_sc_fx *fx = *state;
	static const char *const add[] = {"empathy"};
	struct complaint_new in = test_sc_new("3-2-1201", "水压低");
	struct promise_new p = {.what = "明天检查水泵"};
	struct unit u = {.code = (char *)"8-8-808"};
	char num[COMPLAINT_NUMBER_MAX];
	struct complaint c;
	int64_t a, h, pid;

	p.due_ms = store_now_ms() + TEST_SC_DAY_MS;
	in.promises = &p;
	in.npromises = 1;
	test_sc_add(fx, &test_sc_zhang, &in, num);
	assert_int_equal(store_complaint_get(fx->st, num, &c, true), 0);
	pid = c.promises[0].id;
	store_complaint_clear(&c);
	a = test_sc_audits(fx);
	h = test_sc_history(fx);
	test_sc_exec(fx, "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit"
	                 " BEGIN SELECT RAISE(ABORT, 'audit refused'); END");

	in.npromises = 0;
	assert_true(store_complaint_add(fx->st, &test_sc_zhang, &in, NULL) < 0);
	assert_non_null(strstr(store_last_error(fx->st), "audit refused"));
	assert_true(store_complaint_note(fx->st, &test_sc_zhang, num, "备注") < 0);
	assert_true(store_complaint_tag(fx->st, &test_sc_zhang, num, add, 1, NULL, 0) < 0);
	assert_true(store_complaint_assign(fx->st, &test_sc_zhang, num, "li", "交接") < 0);
	assert_true(store_complaint_escalate(fx->st, &test_sc_zhang, num, "wang", "升级") < 0);
	assert_true(store_promise_add(fx->st, &test_sc_zhang, num, &p, NULL) < 0);
	assert_true(store_promise_done(fx->st, &test_sc_zhang, pid, NULL) < 0);
	assert_true(store_promise_withdraw(fx->st, &test_sc_zhang, pid, "撤回") < 0);
	assert_true(store_unit_add(fx->st, &test_sc_boss, &u) < 0);

	assert_int_equal(test_sc_audits(fx), a);
	assert_int_equal(test_sc_history(fx), h);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM complaints"), 1);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM complaint_notes"), 0);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM complaint_techniques"), 0);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM handovers"), 0);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM promises"), 1);
	assert_int_equal(test_sc_int(fx, "SELECT count(*) FROM units"), 0);
	/* The day counter did not move either. */
	assert_int_equal(test_sc_int(fx, "SELECT max(last) FROM complaint_days"), 1);
	assert_int_equal(store_complaint_get(fx->st, num, &c, true), 0);
	assert_int_equal(c.status, COMPLAINT_OPEN);
	assert_string_equal(c.assignee, "zhang");
	assert_int_equal(c.promises[0].status, PROMISE_OPEN);
	store_complaint_clear(&c);

	/* Resolve and reopen too (after keeping the promise without the trigger). */
	test_sc_exec(fx, "DROP TRIGGER audit_refuse");
	assert_int_equal(store_promise_done(fx->st, &test_sc_zhang, pid, NULL), 0);
	test_sc_exec(fx, "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit"
	                 " BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
	assert_true(store_complaint_resolve(fx->st, &test_sc_zhang, num, "已解决") < 0);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_OPEN);
	test_sc_exec(fx, "DROP TRIGGER audit_refuse");
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_zhang, num, "已解决"), 0);
	test_sc_exec(fx, "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit"
	                 " BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
	assert_true(store_complaint_reopen(fx->st, &test_sc_zhang, num, "没解决") < 0);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_RESOLVED);
}

static void test_sc_search_text(void **state)
{
	struct test_sc_fx *fx = *state;
	struct complaint_filter f = {0};
	struct complaint *list;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], n3[COMPLAINT_NUMBER_MAX];
	size_t n;

	test_sc_add_simple(fx, &test_sc_zhang, "卫生间漏水", n1);
	test_sc_add_simple(fx, &test_sc_li, "Noise from the gym upstairs", n2);
	test_sc_add_simple(fx, &test_sc_li, "车库灯不亮", n3);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_li, n3, "检查后发现楼上也在漏水"),
	                 0);

	assert_int_equal(store_complaint_search_text(fx->st, "漏水", NULL, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].number, n3); /* found in a note */
	assert_string_equal(list[1].number, n1);
	store_complaint_list_free(list, n);
	assert_int_equal(store_complaint_search_text(fx->st, "gym", NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, n2);
	store_complaint_list_free(list, n);
	assert_int_equal(store_complaint_search_text(fx->st, "漏电", NULL, &list, &n), 0);
	assert_int_equal(n, 0);
	/* Half a character is not text. */
	assert_int_equal(store_complaint_search_text(fx->st, "\xe6\xbc", NULL, &list, &n),
	                 STORE_EINVAL);
	f.mine = "zhang";
	assert_int_equal(store_complaint_search_text(fx->st, "漏水", &f, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, n1);
	store_complaint_list_free(list, n);
	/* The outcome is searched too. */
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, n2, "已与健身房沟通"), 0);
	assert_int_equal(store_complaint_search_text(fx->st, "健身房", NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	store_complaint_list_free(list, n);
	assert_int_equal(store_complaint_search_text(fx->st, "", NULL, &list, &n), STORE_EINVAL);
	assert_int_equal(store_complaint_search_text(fx->st, NULL, NULL, &list, &n), STORE_EINVAL);
}

/* A PCRE2 matcher, as the regex search runs it. */
struct test_sc_re {
	pcre2_code *re;
	pcre2_match_data *md;
	int calls;
	int fail_at; /* return -ETIMEDOUT at this call (0: never) */
};

static int test_sc_re_match(void *arg, const char *text, size_t len)
{
	struct test_sc_re *m = arg;
	int rc;

	assert_int_equal(strlen(text), len);
	m->calls++;
	if (m->fail_at != 0 && m->calls == m->fail_at)
		return -ETIMEDOUT;
	rc = pcre2_match(m->re, (PCRE2_SPTR)text, len, 0, 0, m->md, NULL);
	if (rc >= 0)
		return 1;
	return rc == PCRE2_ERROR_NOMATCH ? 0 : -EIO;
}

static void test_sc_re_init(struct test_sc_re *m, const char *pattern)
{
	int err;
	PCRE2_SIZE off;

	memset(m, 0, sizeof *m);
	m->re =
	    pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
	assert_non_null(m->re);
	m->md = pcre2_match_data_create_from_pattern(m->re, NULL);
	assert_non_null(m->md);
}

static void test_sc_re_free(struct test_sc_re *m)
{
	pcre2_match_data_free(m->md);
	pcre2_code_free(m->re);
}

struct test_sc_worker {
	const char *path;
	int rc;
	size_t n;
	char first[COMPLAINT_NUMBER_MAX];
	int ro_add;
};

/* A thread-pool worker: its own read-only store, the regex search, nothing shared. */
static void *test_sc_worker_main(void *arg)
{
	struct test_sc_worker *w = arg;
	struct complaint_new in = test_sc_new("3-2-1201", "x");
	struct store *ro = NULL;
	struct complaint *list = NULL;
	struct test_sc_re m;

	test_sc_re_init(&m, "漏水|渗水");
	w->rc = store_open(w->path, STORE_READONLY, 1000, &ro);
	if (w->rc == 0)
		w->rc = store_complaint_search_match(ro, test_sc_re_match, &m, NULL, NULL, &list, &w->n);
	if (w->rc == 0 && w->n > 0)
		snprintf(w->first, sizeof w->first, "%s", list[0].number);
	store_complaint_list_free(list, w->n);
	w->ro_add = store_complaint_add(ro, &test_sc_zhang, &in, NULL);
	store_close(ro);
	test_sc_re_free(&m);
	return NULL;
}

static void test_sc_search_match(void **state)
{
	struct test_sc_fx *fx = *state;
	struct complaint_filter f = {0};
	struct test_sc_worker w = {0};
	struct complaint *list;
	struct test_sc_re m;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], n3[COMPLAINT_NUMBER_MAX];
	char n4[COMPLAINT_NUMBER_MAX];
	pthread_t th;
	size_t n;

	test_sc_add_simple(fx, &test_sc_zhang, "卫生间漏水", n1);
	test_sc_add_simple(fx, &test_sc_li, "车库灯不亮", n2);
	test_sc_add_simple(fx, &test_sc_li, "电梯异响", n3);
	test_sc_add_simple(fx, &test_sc_zhang, "外墙渗水", n4);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_li, n2, "第一条备注"), 0);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_li, n2, "灯下有漏水痕迹"), 0);

	test_sc_re_init(&m, "漏水|渗水");
	assert_int_equal(
	    store_complaint_search_match(fx->st, test_sc_re_match, &m, NULL, NULL, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].number, n4);
	assert_string_equal(list[1].number, n2); /* its second note */
	assert_string_equal(list[2].number, n1);
	assert_int_equal(list[0].ntechniques, 0);
	store_complaint_list_free(list, n);
	/* Limit and offset count matches. */
	f.limit = 1;
	f.offset = 1;
	assert_int_equal(store_complaint_search_match(fx->st, test_sc_re_match, &m, NULL, &f, &list, &n),
	                 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, n2);
	store_complaint_list_free(list, n);
	/* With a filter. */
	memset(&f, 0, sizeof f);
	f.agent = "li";
	assert_int_equal(store_complaint_search_match(fx->st, test_sc_re_match, &m, NULL, &f, &list, &n),
	                 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, n2);
	store_complaint_list_free(list, n);
	/* The matcher's error stops the search. */
	m.calls = 0;
	m.fail_at = 2;
	assert_int_equal(
	    store_complaint_search_match(fx->st, test_sc_re_match, &m, NULL, NULL, &list, &n),
	    -ETIMEDOUT);
	assert_null(list);
	assert_int_equal(n, 0);
	assert_int_equal(store_complaint_search_match(fx->st, NULL, &m, NULL, NULL, &list, &n),
	                 STORE_EINVAL);
	test_sc_re_free(&m);

	/* From another thread with its own read-only store, while the loop's store writes. */
	w.path = fx->path;
	assert_int_equal(pthread_create(&th, NULL, test_sc_worker_main, &w), 0);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_li, n3, "维保已到场"), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.rc, 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.first, n4);
	assert_int_equal(w.ro_add, -EROFS);
}

/* The report's known data set: five complaints, an hour-granular timeline from T0. */
#define TEST_SC_T0 1700000000000LL

/* With the literal every match contains, only the complaints holding it are read (through the
 * index, or by a substring test while complaints wait to be indexed), and the answer is the
 * scan's. */
static void test_sc_search_match_literal(void **state)
{
	struct test_sc_fx *fx = *state;
	struct complaint_filter f = {0};
	struct complaint *list;
	struct test_sc_re m;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], n3[COMPLAINT_NUMBER_MAX];
	char n4[COMPLAINT_NUMBER_MAX];
	size_t n;

	test_sc_add_simple(fx, &test_sc_zhang, "3号楼卫生间漏水", n1);
	test_sc_add_simple(fx, &test_sc_li, "车库灯不亮", n2);
	test_sc_add_simple(fx, &test_sc_li, "12号楼电梯异响", n3);
	test_sc_add_simple(fx, &test_sc_zhang, "外墙渗水", n4);
	assert_int_equal(store_complaint_note(fx->st, &test_sc_li, n2, "5号楼也一样"), 0);
	test_sc_re_init(&m, "[0-9]+号楼");
	/* Without the literal, then with it: the same three, latest first. */
	m.calls = 0;
	assert_int_equal(store_complaint_search_match(fx->st, test_sc_re_match, &m, NULL,
	                                              NULL, &list, &n),
	                 0);
	assert_int_equal(n, 3);
	store_complaint_list_free(list, n);
	assert_true(m.calls >= 5); /* every complaint's texts */
	m.calls = 0;
	assert_int_equal(store_complaint_search_match(fx->st, test_sc_re_match, &m, "号楼",
	                                              NULL, &list, &n),
	                 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].number, n3);
	assert_string_equal(list[1].number, n2); /* its note */
	assert_string_equal(list[2].number, n1);
	store_complaint_list_free(list, n);
	assert_true(m.calls <= 4); /* n4 is never read */
	/* Filters and paging still apply. */
	f.agent = "li";
	f.limit = 1;
	f.offset = 1;
	assert_int_equal(store_complaint_search_match(fx->st, test_sc_re_match, &m, "号楼",
	                                              &f, &list, &n),
	                 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, n2);
	store_complaint_list_free(list, n);
	memset(&f, 0, sizeof f);
	/* A literal no complaint holds: nothing, with nothing read. */
	m.calls = 0;
	assert_int_equal(store_complaint_search_match(fx->st, test_sc_re_match, &m, "不存在",
	                                              NULL, &list, &n),
	                 0);
	assert_int_equal(n, 0);
	assert_int_equal(m.calls, 0);
	/* Then a complaint changed by hand (not indexed yet): the substring test. */
	test_sc_exec(fx, "UPDATE complaints SET words = '7号楼漏水' WHERE number = '%s'", n4);
	test_sc_exec(fx, "UPDATE complaints SET words = '车库' WHERE number = '%s'", n2);
	test_sc_exec(fx, "DELETE FROM complaint_notes");
	assert_int_equal(store_search_pending(fx->st), 1);
	m.calls = 0;
	assert_int_equal(store_complaint_search_match(fx->st, test_sc_re_match, &m, "号楼",
	                                              NULL, &list, &n),
	                 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].number, n4);
	assert_string_equal(list[1].number, n3);
	store_complaint_list_free(list, n);
	assert_int_equal(store_complaint_search_match(fx->st, test_sc_re_match, &m, "\x01", NULL,
	                                              &list, &n),
	                 STORE_EINVAL);
	test_sc_re_free(&m);
}

static void test_sc_report_set_time(struct test_sc_fx *fx, const char *num, int64_t created,
                                    int64_t resolve_after)
{
	if (resolve_after > 0)
		test_sc_exec(fx,
		             "UPDATE complaints SET created_ms = %lld, resolved_ms = %lld"
		             " WHERE number = '%s'",
		             (long long)created, (long long)(created + resolve_after), num);
	else
		test_sc_exec(fx, "UPDATE complaints SET created_ms = %lld WHERE number = '%s'",
		             (long long)created, num);
}

static void test_sc_report_promise(struct test_sc_fx *fx, int64_t id, int64_t due, int64_t closed)
{
	if (closed != 0)
		test_sc_exec(fx,
		             "UPDATE promises SET due_ms = %lld, closed_ms = %lld WHERE id = %lld",
		             (long long)due, (long long)closed, (long long)id);
	else
		test_sc_exec(fx, "UPDATE promises SET due_ms = %lld WHERE id = %lld",
		             (long long)due, (long long)id);
}

static void test_sc_report_row(const struct technique_stat *r, const char *tech, const char *agent,
                               int64_t complaints, int64_t resolved, int64_t reopened,
                               int64_t escalated, int64_t median, int64_t due, int64_t kept)
{
	assert_string_equal(r->technique, tech);
	if (agent == NULL)
		assert_null(r->agent);
	else
		assert_string_equal(r->agent, agent);
	assert_int_equal(r->complaints, complaints);
	assert_int_equal(r->resolved, resolved);
	assert_int_equal(r->reopened, reopened);
	assert_int_equal(r->escalated, escalated);
	assert_int_equal(r->median_resolve_ms, median);
	assert_int_equal(r->promises_due, due);
	assert_int_equal(r->promises_kept_on_time, kept);
	assert_true(r->resolved_share == (double)resolved / (double)complaints);
	assert_true(r->reopen_rate == (double)reopened / (double)complaints);
	assert_true(r->escalation_rate == (double)escalated / (double)complaints);
}

static void test_sc_report_techniques(void **state)
{
	struct test_sc_fx *fx = *state;
	static const char *const t_ep[] = {"empathy", "persuade"};
	static const char *const t_e[] = {"empathy"};
	static const char *const t_p[] = {"persuade"};
	struct promise_new p = {.what = "回复", .due_ms = 0};
	struct complaint_new in;
	struct technique_stat *r;
	char c[5][COMPLAINT_NUMBER_MAX];
	int64_t p1, p2, p3, p4, p5, now = store_now_ms();
	size_t n;

	p.due_ms = now + TEST_SC_DAY_MS;
	/* C1 zhang, empathy + persuade, promise kept on time, resolved after 1 h. */
	in = test_sc_new("1-1-101", "一");
	in.techniques = t_ep;
	in.ntechniques = 2;
	test_sc_add(fx, &test_sc_zhang, &in, c[0]);
	assert_int_equal(store_promise_add(fx->st, &test_sc_zhang, c[0], &p, &p1), 0);
	assert_int_equal(store_promise_done(fx->st, &test_sc_zhang, p1, NULL), 0);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_zhang, c[0], "好"), 0);
	/* C2 zhang, empathy, promise kept late, resolved, reopened, resolved: 5 h in all. */
	in = test_sc_new("1-1-102", "二");
	in.techniques = t_e;
	in.ntechniques = 1;
	test_sc_add(fx, &test_sc_zhang, &in, c[1]);
	assert_int_equal(store_promise_add(fx->st, &test_sc_zhang, c[1], &p, &p2), 0);
	assert_int_equal(store_promise_done(fx->st, &test_sc_zhang, p2, NULL), 0);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_zhang, c[1], "好"), 0);
	assert_int_equal(store_complaint_reopen(fx->st, &test_sc_zhang, c[1], "不好"), 0);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_zhang, c[1], "好了"), 0);
	/* C3 li, empathy, escalated, one promise overdue and one not yet due. */
	in = test_sc_new("1-1-103", "三");
	in.techniques = t_e;
	in.ntechniques = 1;
	test_sc_add(fx, &test_sc_li, &in, c[2]);
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, c[2], &p, &p3), 0);
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, c[2], &p, &p4), 0);
	assert_int_equal(store_complaint_escalate(fx->st, &test_sc_li, c[2], NULL, "升级"), 0);
	/* C4 li, persuade, category noise, promise withdrawn, resolved after 2 h. */
	in = test_sc_new("1-1-104", "四");
	in.techniques = t_p;
	in.ntechniques = 1;
	in.category = "noise";
	test_sc_add(fx, &test_sc_li, &in, c[3]);
	assert_int_equal(store_promise_add(fx->st, &test_sc_li, c[3], &p, &p5), 0);
	assert_int_equal(store_promise_withdraw(fx->st, &test_sc_li, p5, "不需要"), 0);
	assert_int_equal(store_complaint_resolve(fx->st, &test_sc_li, c[3], "好"), 0);
	/* C5 zhang, empathy, created the day before the window. */
	in = test_sc_new("1-1-105", "五");
	in.techniques = t_e;
	in.ntechniques = 1;
	test_sc_add(fx, &test_sc_zhang, &in, c[4]);

	test_sc_report_set_time(fx, c[0], TEST_SC_T0, TEST_SC_HOUR_MS);
	test_sc_report_set_time(fx, c[1], TEST_SC_T0 + 1000, 5 * TEST_SC_HOUR_MS);
	test_sc_report_set_time(fx, c[2], TEST_SC_T0 + 2000, 0);
	test_sc_report_set_time(fx, c[3], TEST_SC_T0 + 3000, 2 * TEST_SC_HOUR_MS);
	test_sc_report_set_time(fx, c[4], TEST_SC_T0 - TEST_SC_DAY_MS, 0);
	test_sc_report_promise(fx, p1, TEST_SC_T0 + 2 * TEST_SC_HOUR_MS,
	                       TEST_SC_T0 + TEST_SC_HOUR_MS);
	test_sc_report_promise(fx, p2, TEST_SC_T0 + TEST_SC_HOUR_MS,
	                       TEST_SC_T0 + 2 * TEST_SC_HOUR_MS);
	test_sc_report_promise(fx, p3, TEST_SC_T0 + 10000, 0);
	test_sc_report_promise(fx, p4, now + TEST_SC_DAY_MS, 0);

	assert_int_equal(store_report_techniques(fx->st, 0, TEST_SC_T0, TEST_SC_T0 + TEST_SC_DAY_MS,
	                                         NULL, false, &r, &n),
	                 0);
	assert_int_equal(n, 2);
	/* empathy: C1 C2 C3; resolved C1 (1 h) C2 (5 h): median 3 h; promises due p1 p2 p3. */
	test_sc_report_row(&r[0], "empathy", NULL, 3, 2, 1, 1, 3 * TEST_SC_HOUR_MS, 3, 1);
	/* persuade: C1 C4; 1 h and 2 h: median 1.5 h; p5 withdrawn does not count. */
	test_sc_report_row(&r[1], "persuade", NULL, 2, 2, 0, 0, 5400000, 1, 1);
	assert_true(r[0].resolved_share == 2.0 / 3.0);
	store_report_free(r, n);

	/* By agent. */
	assert_int_equal(store_report_techniques(fx->st, 0, TEST_SC_T0, TEST_SC_T0 + TEST_SC_DAY_MS,
	                                         NULL, true, &r, &n),
	                 0);
	assert_int_equal(n, 4);
	test_sc_report_row(&r[0], "empathy", "li", 1, 0, 0, 1, -1, 1, 0);
	test_sc_report_row(&r[1], "empathy", "zhang", 2, 2, 1, 0, 3 * TEST_SC_HOUR_MS, 2, 1);
	test_sc_report_row(&r[2], "persuade", "li", 1, 1, 0, 0, 2 * TEST_SC_HOUR_MS, 0, 0);
	test_sc_report_row(&r[3], "persuade", "zhang", 1, 1, 0, 0, TEST_SC_HOUR_MS, 1, 1);
	store_report_free(r, n);

	/* One category. */
	assert_int_equal(store_report_techniques(fx->st, 0, TEST_SC_T0, TEST_SC_T0 + TEST_SC_DAY_MS,
	                                         "repairs", false, &r, &n),
	                 0);
	assert_int_equal(n, 2);
	test_sc_report_row(&r[0], "empathy", NULL, 3, 2, 1, 1, 3 * TEST_SC_HOUR_MS, 3, 1);
	test_sc_report_row(&r[1], "persuade", NULL, 1, 1, 0, 0, TEST_SC_HOUR_MS, 1, 1);
	store_report_free(r, n);

	/* A narrower window leaves C4 out; an unbounded one takes C5 in. */
	assert_int_equal(
	    store_report_techniques(fx->st, 0, TEST_SC_T0, TEST_SC_T0 + 2500, NULL, false, &r, &n), 0);
	assert_int_equal(n, 2);
	test_sc_report_row(&r[1], "persuade", NULL, 1, 1, 0, 0, TEST_SC_HOUR_MS, 1, 1);
	store_report_free(r, n);
	assert_int_equal(store_report_techniques(fx->st, 0, 0, 0, NULL, false, &r, &n), 0);
	assert_int_equal(n, 2);
	test_sc_report_row(&r[0], "empathy", NULL, 4, 2, 1, 1, 3 * TEST_SC_HOUR_MS, 3, 1);
	store_report_free(r, n);
	/* Nothing in range. */
	assert_int_equal(store_report_techniques(fx->st, 0, 1, 2, NULL, false, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_null(r);
}

static void test_sc_drafts(void **state)
{
	struct test_sc_fx *fx = *state;
	struct draft d;
	int64_t a0 = test_sc_audits(fx);
	const char *json = "{\"unit\": \"3栋2单元1201\",\n\t\"words\": \"卫生间漏水\"}";

	assert_int_equal(store_draft_load(fx->st, "zhang", "complaint", &d), STORE_ENOENT);
	assert_null(d.data);
	assert_int_equal(
	    store_draft_save(fx->st, "zhang", "complaint", "{\"unit\": \"3-2-1201\"}", 1), 0);
	assert_int_equal(store_draft_save(fx->st, "zhang", "complaint", json, 2), 0);
	assert_int_equal(store_draft_save(fx->st, "li", "complaint", "{}", 0), 0);
	assert_int_equal(store_draft_load(fx->st, "zhang", "complaint", &d), 0);
	assert_string_equal(d.data, json);
	assert_int_equal(d.step, 2);
	assert_true(d.updated_ms > 1600000000000LL);
	store_draft_clear(&d);
	assert_int_equal(store_draft_load(fx->st, "zhang", "movein", &d), STORE_ENOENT);
	assert_int_equal(store_draft_delete(fx->st, "zhang", "complaint"), 0);
	assert_int_equal(store_draft_load(fx->st, "zhang", "complaint", &d), STORE_ENOENT);
	assert_int_equal(store_draft_delete(fx->st, "zhang", "complaint"), STORE_ENOENT);
	assert_int_equal(store_draft_load(fx->st, "li", "complaint", &d), 0);
	assert_string_equal(d.data, "{}");
	store_draft_clear(&d);
	assert_int_equal(store_draft_save(fx->st, "zhang", "Complaint", "{}", 0), STORE_EINVAL);
	assert_int_equal(store_draft_save(fx->st, "", "complaint", "{}", 0), STORE_EINVAL);
	assert_int_equal(store_draft_save(fx->st, "zhang", "complaint", "", 0), STORE_EINVAL);
	assert_int_equal(store_draft_save(fx->st, "zhang", "complaint", "{}", -1), STORE_EINVAL);
	assert_int_equal(store_draft_save(fx->st, "zhang", "complaint", "{\"a\":\"\x1b[2J\"}", 0),
	                 STORE_EINVAL);
	/* Drafts are not audited. */
	assert_int_equal(test_sc_audits(fx), a0);
}

/* A draft is open in one session at a time, and its submission takes it: one draft, one
 * complaint. */
static void test_sc_draft_claims(void **state)
{
	struct test_sc_fx *fx = *state;
	struct audit_ctx here = test_sc_zhang, there = test_sc_zhang;
	struct complaint_new in = test_sc_new("3-2-1201", "楼上漏水");
	struct draft d, held;
	int64_t n = 0, now = store_now_ms();

	here.session = "s-1";
	there.session = "s-9";
	memset(&held, 0, sizeof held);
	/* Saved in s-9: it is s-9's. */
	assert_int_equal(store_draft_save_as(fx->st, "zhang", "complaint", "s-9", "{\"a\":1}", 1), 0);
	assert_int_equal(store_draft_load(fx->st, "zhang", "complaint", &d), 0);
	assert_string_equal(d.session, "s-9");
	assert_true(d.claimed_ms >= now && d.lease_ms >= d.claimed_ms + DRAFT_LEASE_MS);
	assert_true(store_draft_held_elsewhere(&d, "s-1", store_now_ms()));
	assert_false(store_draft_held_elsewhere(&d, "s-9", store_now_ms()));
	store_draft_clear(&d);
	/* s-1 may neither save, claim nor delete it; nothing changes. */
	assert_int_equal(store_draft_save_as(fx->st, "zhang", "complaint", "s-1", "{\"a\":2}", 2),
	                 STORE_EOWNER);
	assert_int_equal(store_draft_claim(fx->st, "zhang", "complaint", "s-1", &held),
	                 STORE_EOWNER);
	assert_string_equal(held.session, "s-9");
	store_draft_clear(&held);
	assert_int_equal(store_draft_delete_as(fx->st, "zhang", "complaint", "s-1"), STORE_EOWNER);
	assert_int_equal(store_draft_load(fx->st, "zhang", "complaint", &d), 0);
	assert_string_equal(d.data, "{\"a\":1}");
	assert_int_equal(d.step, 1);
	store_draft_clear(&d);
	/* Resumed in s-1 while s-9 has it, a submission adds nothing. */
	in.draft_kind = "complaint";
	in.draft_required = true;
	assert_int_equal(store_complaint_add(fx->st, &here, &in, NULL), STORE_EOWNER);
	assert_int_equal(store_complaint_count(fx->st, NULL, &n), 0);
	assert_int_equal(n, 0);
	/* s-9 lets it go (its form ended): s-1 claims it, since now. */
	assert_int_equal(store_draft_release(fx->st, "zhang", "complaint", "s-1"), 0); /* not its */
	assert_int_equal(store_draft_claim(fx->st, "zhang", "complaint", "s-1", NULL), STORE_EOWNER);
	assert_int_equal(store_draft_release(fx->st, "zhang", "complaint", "s-9"), 0);
	assert_int_equal(store_draft_claim(fx->st, "zhang", "complaint", "s-1", NULL), 0);
	assert_int_equal(store_draft_save_as(fx->st, "zhang", "complaint", "s-1", "{\"a\":3}", 3), 0);
	/* Submitted from s-1: one complaint, the draft gone; again (a second save of the same
	 * draft, or from s-9): refused, still one. */
	assert_int_equal(store_complaint_add(fx->st, &here, &in, NULL), 0);
	assert_int_equal(store_draft_load(fx->st, "zhang", "complaint", &d), STORE_ENOENT);
	store_draft_clear(&d);
	assert_int_equal(store_complaint_add(fx->st, &here, &in, NULL), STORE_ESTATE);
	assert_int_equal(store_complaint_add(fx->st, &there, &in, NULL), STORE_ESTATE);
	assert_int_equal(store_complaint_count(fx->st, NULL, &n), 0);
	assert_int_equal(n, 1);
	/* A fresh form (not resumed) submits whatever another session's draft does. */
	assert_int_equal(store_draft_save_as(fx->st, "zhang", "complaint", "s-9", "{}", 0), 0);
	in.draft_required = false;
	assert_int_equal(store_complaint_add(fx->st, &here, &in, NULL), 0);
	assert_int_equal(store_draft_load(fx->st, "zhang", "complaint", &d), 0);
	assert_string_equal(d.session, "s-9");
	store_draft_clear(&d);
	/* The daemon's start releases every claim; a lapsed lease frees the draft too. */
	assert_int_equal(store_draft_release_all(fx->st), 0);
	assert_int_equal(store_draft_load(fx->st, "zhang", "complaint", &d), 0);
	assert_null(d.session);
	assert_false(store_draft_held_elsewhere(&d, "s-1", store_now_ms()));
	store_draft_clear(&d);
	assert_int_equal(store_draft_claim(fx->st, "zhang", "complaint", "s-9", NULL), 0);
	test_sc_exec(fx, "UPDATE drafts SET lease_ms = 1 WHERE account = 'zhang'");
	assert_int_equal(store_draft_claim(fx->st, "zhang", "complaint", "s-1", NULL), 0);
	/* Without a session (the offline tools) nothing is checked. */
	assert_int_equal(store_draft_save(fx->st, "zhang", "complaint", "{}", 0), 0);
	assert_int_equal(store_draft_claim(fx->st, "zhang", "complaint", "", NULL), STORE_EINVAL);
	assert_int_equal(store_draft_delete(fx->st, "zhang", "complaint"), 0);
	assert_int_equal(store_draft_claim(fx->st, "zhang", "complaint", "s-1", NULL), STORE_ENOENT);
}

static void test_sc_readonly_store(void **state)
{
	struct test_sc_fx *fx = *state;
	struct promise_new p = {.what = "回电"};
	struct unit u = {.code = (char *)"1-1-1"};
	char num[COMPLAINT_NUMBER_MAX];
	struct store *ro = NULL;
	struct complaint c;
	struct complaint *list;
	struct technique_stat *r;
	int64_t count, a0;
	size_t n;

	p.due_ms = store_now_ms() + TEST_SC_DAY_MS;
	test_sc_add_simple(fx, &test_sc_zhang, "卫生间漏水", num);
	a0 = test_sc_audits(fx);
	assert_int_equal(store_open(fx->path, STORE_READONLY, 200, &ro), 0);
	assert_int_equal(store_complaint_get(ro, num, &c, true), 0);
	assert_string_equal(c.words, "卫生间漏水");
	store_complaint_clear(&c);
	assert_int_equal(store_complaint_search_text(ro, "漏水", NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	store_complaint_list_free(list, n);
	assert_int_equal(store_report_techniques(ro, 0, 0, 0, NULL, true, &r, &n), 0);
	store_report_free(r, n);
	assert_int_equal(store_unit_count(ro, &count), 0);
	assert_int_equal(store_complaint_note(ro, &test_sc_zhang, num, "x"), -EROFS);
	assert_int_equal(store_complaint_resolve(ro, &test_sc_zhang, num, "x"), -EROFS);
	assert_int_equal(store_promise_add(ro, &test_sc_zhang, num, &p, NULL), -EROFS);
	assert_int_equal(store_unit_add(ro, &test_sc_zhang, &u), -EROFS);
	assert_int_equal(store_draft_save(ro, "zhang", "complaint", "{}", 0), -EROFS);
	store_close(ro);
	assert_int_equal(test_sc_audits(fx), a0);
	assert_int_equal(test_sc_status(fx, num), COMPLAINT_OPEN);
}

#define TEST_SC(f) cmocka_unit_test_setup_teardown(f, test_sc_setup, test_sc_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_SC(test_sc_schema),
	    cmocka_unit_test(test_sc_validation),
	    TEST_SC(test_sc_add_and_get_chinese),
	    TEST_SC(test_sc_add_refuses_invalid),
	    TEST_SC(test_sc_number_per_day_counter),
	    TEST_SC(test_sc_units),
	    TEST_SC(test_sc_status_rules),
	    TEST_SC(test_sc_ownership),
	    TEST_SC(test_sc_promises_block_resolve),
	    TEST_SC(test_sc_overdue),
	    TEST_SC(test_sc_list_filters),
	    TEST_SC(test_sc_history_and_audit_every_change),
	    TEST_SC(test_sc_failed_audit_rolls_back),
	    TEST_SC(test_sc_search_text),
	    TEST_SC(test_sc_search_match),
	    TEST_SC(test_sc_search_match_literal),
	    TEST_SC(test_sc_report_techniques),
	    TEST_SC(test_sc_drafts),
	    TEST_SC(test_sc_draft_claims),
	    TEST_SC(test_sc_readonly_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
