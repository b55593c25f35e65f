/* test_store_eval — the evaluation domain (service/store/store_eval.c) on a real database:
 * checklist contents pinned once per content (the same text is the same version, another text
 * the next one, each new one audited), versions read back whole; evaluations saved with their
 * items against a pinned version and hash only (a wrong hash or impossible totals refused);
 * lists by agent, status and kind; acknowledgement by the agent only, once; disputes by the
 * agent, within the window, one open per item; the supervisor's answer changing the item and
 * the totals and asking for a new acknowledgement, or keeping them; trends per agent and item;
 * one audit event per change; a recorded session scored from what the audit log tells of it,
 * tied to the complaints it touched; the calibrations' totals blind to a supervisor who has
 * not submitted their own; schema 12's rebuild of the evaluations keeping every row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store_audit.h"
#include "store_complaint.h"
#include "store_eval.h"
#include "store_eval_trend.h"
#include "store_eval_session.h"
#include "store_schema.h"
#include "testhost.h"

static const struct audit_ctx test_se_agent = {.account = "agent1", .role = "agent"};
static const struct audit_ctx test_se_other = {.account = "agent2", .role = "agent"};
static const struct audit_ctx test_se_sup = {.account = "sup1", .role = "supervisor"};

struct test_se_fx {
	struct testhost *th;
	char number[COMPLAINT_NUMBER_MAX];
	int64_t version;
	char hash[EVAL_HASH_HEX + 1];
};

static int test_se_setup(void **state)
{
	struct test_se_fx *fx = calloc(1, sizeof *fx);
	struct complaint_new in;
	bool created = false;

	fx->th = testhost_new("test_store_eval");
	if (fx->th == NULL)
		return -1;
	memset(&in, 0, sizeof in);
	in.unit = "3-2-1201";
	in.caller = "王女士";
	in.relation = COMPLAINT_REL_OWNER;
	in.channel = COMPLAINT_CH_PHONE;
	in.category = "repairs";
	in.words = "卫生间漏水";
	in.mood = COMPLAINT_MOOD_UPSET;
	assert_int_equal(store_complaint_add(fx->th->st, &test_se_agent, &in, fx->number), 0);
	assert_int_equal(store_eval_pin(fx->th->st, &testhost_setup_ctx, "v1 text", 7, &fx->version,
	                                fx->hash, &created),
	                 0);
	assert_true(created);
	*state = fx;
	return 0;
}

static int test_se_teardown(void **state)
{
	struct test_se_fx *fx = *state;

	testhost_free(fx->th);
	free(fx);
	return 0;
}

/* Three items: a (yes, weight 2), b (3 of 5, weight 1), c (critical yes, weight 3). */
static int64_t test_se_add(struct test_se_fx *fx, enum eval_kind kind, const struct audit_ctx *ctx)
{
	static const struct eval_item_in items[] = {
	    {"a", 1, 5, 2, false, false, "好"},
	    {"b", 3, 3, 1, false, false, NULL},
	    {"c", 1, 5, 3, true, false, NULL},
	};
	struct eval_new in;
	int64_t id = 0;

	memset(&in, 0, sizeof in);
	in.kind = kind;
	in.number = fx->number;
	in.agent = "agent1";
	in.version = fx->version;
	in.hash = fx->hash;
	in.totals.earned = 10 + 3 + 15;
	in.totals.possible = 30;
	in.totals.passed = true;
	in.items = items;
	in.nitems = 3;
	assert_int_equal(store_eval_add(fx->th->st, ctx, &in, &id), 0);
	assert_true(id > 0);
	return id;
}

static void test_se_pin(void **state)
{
	struct test_se_fx *fx = *state;
	struct store *st = fx->th->st;
	struct eval_version v;
	char hash[EVAL_HASH_HEX + 1];
	bool created = true;
	int64_t version = 0;

	/* The same content: the same version, nothing new. */
	assert_int_equal(
	    store_eval_pin(st, &testhost_setup_ctx, "v1 text", 7, &version, hash, &created), 0);
	assert_false(created);
	assert_int_equal(version, fx->version);
	assert_string_equal(hash, fx->hash);
	/* Another content: the next version. */
	assert_int_equal(
	    store_eval_pin(st, &testhost_setup_ctx, "v2 文本", 9, &version, hash, &created), 0);
	assert_true(created);
	assert_int_equal(version, fx->version + 1);
	assert_int_equal(testhost_audit_count(st, "checklist.version", NULL), 2);
	assert_int_equal(store_eval_version_get(st, 0, &v), 0);
	assert_int_equal(v.version, version);
	assert_string_equal(v.content, "v2 文本");
	assert_string_equal(v.hash, hash);
	store_eval_version_clear(&v);
	assert_int_equal(store_eval_version_get(st, fx->version, &v), 0);
	assert_string_equal(v.content, "v1 text");
	store_eval_version_clear(&v);
	assert_int_equal(store_eval_version_get(st, 99, &v), STORE_ENOENT);
	/* SHA-256 of "abc". */
	store_eval_hash("abc", 3, hash);
	assert_string_equal(hash,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(store_eval_pin(st, &testhost_setup_ctx, "a\0b", 3, &version, hash, NULL),
	                 STORE_EINVAL);
}

static void test_se_add_get_list(void **state)
{
	struct test_se_fx *fx = *state;
	struct store *st = fx->th->st;
	struct eval_item_in bad_item = {"a", 1, 5, 2, false, false, NULL};
	struct evaluation e, *list = NULL;
	struct eval_filter f;
	struct eval_new in;
	size_t n = 0;
	int64_t id = test_se_add(fx, EVAL_SUPERVISOR, &test_se_sup), self;

	self = test_se_add(fx, EVAL_SELF, &test_se_agent);
	assert_int_equal(store_eval_get(st, id, &e), 0);
	assert_int_equal(e.kind, EVAL_SUPERVISOR);
	assert_int_equal(e.status, EVAL_NEW);
	assert_string_equal(e.number, fx->number);
	assert_string_equal(e.agent, "agent1");
	assert_string_equal(e.evaluator, "sup1");
	assert_int_equal(e.version, fx->version);
	assert_string_equal(e.hash, fx->hash);
	assert_int_equal(e.totals.earned, 28);
	assert_int_equal(e.nitems, 3);
	assert_string_equal(e.items[0].item, "a");
	assert_string_equal(e.items[0].comment, "好");
	assert_null(e.items[1].comment);
	assert_true(e.items[2].critical);
	store_eval_clear(&e);
	assert_int_equal(store_eval_get(st, self, &e), 0);
	assert_int_equal(e.status, EVAL_SELFCHECK);
	store_eval_clear(&e);
	assert_int_equal(testhost_audit_count(st, "evaluation.add", "score=28/30"), 1);
	assert_int_equal(testhost_audit_count(st, "evaluation.self", NULL), 1);

	memset(&f, 0, sizeof f);
	f.agent = "agent1";
	f.kind = -1;
	f.status = -1;
	assert_int_equal(store_eval_list(st, &f, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, self); /* newest first */
	store_eval_list_free(list, n);
	f.kind = EVAL_SUPERVISOR;
	f.status = EVAL_NEW;
	assert_int_equal(store_eval_list(st, &f, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id);
	store_eval_list_free(list, n);
	f.agent = "agent2";
	assert_int_equal(store_eval_list(st, &f, &list, &n), 0);
	assert_int_equal(n, 0);
	store_eval_list_free(list, n);

	/* Refused: a hash that is not the version's, totals that cannot be, a duplicate item. */
	memset(&in, 0, sizeof in);
	in.kind = EVAL_SUPERVISOR;
	in.number = fx->number;
	in.agent = "agent1";
	in.version = fx->version;
	in.hash = "0000000000000000000000000000000000000000000000000000000000000000";
	in.totals.earned = 10;
	in.totals.possible = 10;
	in.items = &bad_item;
	in.nitems = 1;
	assert_int_equal(store_eval_add(st, &test_se_sup, &in, NULL), STORE_ENOENT);
	in.hash = fx->hash;
	in.totals.earned = 11;
	assert_int_equal(store_eval_add(st, &test_se_sup, &in, NULL), STORE_EINVAL);
	in.totals.earned = 10;
	in.number = "C-19990101-0001";
	assert_int_equal(store_eval_add(st, &test_se_sup, &in, NULL), STORE_ENOENT);
	assert_int_equal(testhost_audit_count(st, "evaluation.add", NULL), 1);
}

static void test_se_ack_dispute_answer(void **state)
{
	struct test_se_fx *fx = *state;
	struct store *st = fx->th->st;
	struct eval_answer ans;
	struct evaluation e;
	int64_t id = test_se_add(fx, EVAL_SUPERVISOR, &test_se_sup), did = 0;
	int64_t self = test_se_add(fx, EVAL_SELF, &test_se_agent);

	/* Only the agent acknowledges, once; a self-check has nothing to acknowledge. */
	assert_int_equal(store_eval_ack(st, &test_se_other, id), STORE_ENOENT);
	assert_int_equal(store_eval_ack(st, &test_se_sup, id), STORE_ENOENT);
	assert_int_equal(store_eval_ack(st, &test_se_agent, self), STORE_ESTATE);
	assert_int_equal(store_eval_ack(st, &test_se_agent, id), 0);
	assert_int_equal(store_eval_ack(st, &test_se_agent, id), STORE_ESTATE);

	/* Disputes: the agent's, of an item it has, one open at a time, within the window. */
	assert_int_equal(
	    store_eval_dispute(st, &test_se_other, id, "b", "why", false, 0, 86400000, NULL),
	    STORE_ENOENT);
	assert_int_equal(
	    store_eval_dispute(st, &test_se_agent, id, "zz", "why", false, 0, 86400000, NULL),
	    STORE_ENOENT);
	store_complaint_set_clock(st, store_now_ms() + 2 * 86400000LL);
	assert_int_equal(
	    store_eval_dispute(st, &test_se_agent, id, "b", "why", false, 0, 86400000, NULL),
	    STORE_ESTATE);
	store_complaint_set_clock(st, 0);
	assert_int_equal(store_eval_dispute(st, &test_se_agent, id, "b", "业主问了五遍", true, 5,
	                                    86400000, &did),
	                 0);
	assert_true(did > 0);
	assert_int_equal(
	    store_eval_dispute(st, &test_se_agent, id, "b", "again", false, 0, 86400000, NULL),
	    STORE_EEXIST);
	assert_int_equal(store_eval_ack(st, &test_se_agent, id), STORE_ESTATE);
	assert_int_equal(store_eval_get(st, id, &e), 0);
	assert_int_equal(e.status, EVAL_DISPUTED);
	assert_int_equal(e.open_disputes, 1);
	assert_true(e.disputes[0].has_proposed);
	assert_int_equal(e.disputes[0].proposed, 5);
	store_eval_clear(&e);

	/* The answer: b set to 5, the totals with it, the acknowledgement asked again. */
	memset(&ans, 0, sizeof ans);
	ans.item = "b";
	ans.resolution = EVAL_ACCEPT;
	ans.answer = 5;
	ans.points = 5;
	ans.totals.earned = 30;
	ans.totals.possible = 30;
	ans.totals.passed = true;
	ans.comment = "录音已复核";
	assert_int_equal(store_eval_answer(st, &test_se_sup, id, &ans), 0);
	assert_int_equal(store_eval_answer(st, &test_se_sup, id, &ans), STORE_ENOENT);
	assert_int_equal(store_eval_get(st, id, &e), 0);
	assert_int_equal(e.status, EVAL_NEW);
	assert_int_equal(e.acked_ms, 0);
	assert_int_equal(e.totals.earned, 30);
	assert_int_equal(e.items[1].answer, 5);
	assert_int_equal(e.disputes[0].resolution, EVAL_ACCEPT);
	assert_int_equal(e.disputes[0].old_answer, 3);
	assert_int_equal(e.disputes[0].new_answer, 5);
	assert_string_equal(e.disputes[0].resolver, "sup1");
	store_eval_clear(&e);
	assert_int_equal(store_eval_ack(st, &test_se_agent, id), 0);
	{
		/* The sums per month follow the answer: b is 5 of 5 now. */
		struct eval_trend_filter tf = {.by = EVAL_BY_ITEM};
		struct eval_trend *rows = NULL;
		size_t n = 0, k;

		for (k = 0; k < 2; k++) {
			tf.since_ms = k; /* 0: the sums per month; 1: the answers */
			assert_int_equal(store_eval_trend(st, &tf, &rows, &n), 0);
			assert_int_equal(n, 3);
			assert_int_equal(rows[0].earned + rows[1].earned + rows[2].earned, 30);
			assert_int_equal(rows[0].possible + rows[1].possible + rows[2].possible,
			                 30);
			store_eval_trend_free(rows, n);
		}
	}

	/* A kept score keeps the acknowledgement. */
	assert_int_equal(
	    store_eval_dispute(st, &test_se_agent, id, "a", "x", false, 0, 86400000, NULL), 0);
	ans.item = "a";
	ans.resolution = EVAL_KEEP;
	ans.answer = 1;
	assert_int_equal(store_eval_answer(st, &test_se_sup, id, &ans), 0);
	assert_int_equal(store_eval_get(st, id, &e), 0);
	assert_int_equal(e.status, EVAL_ACKED);
	assert_true(e.acked_ms > 0);
	store_eval_clear(&e);
	assert_int_equal(testhost_audit_count(st, "evaluation.dispute", NULL), 2);
	assert_int_equal(testhost_audit_count(st, "evaluation.answer", "accept 3->5"), 1);
	assert_int_equal(testhost_audit_count(st, "evaluation.ack", NULL), 2);
}

static void test_se_trend(void **state)
{
	struct test_se_fx *fx = *state;
	struct eval_trend_filter f;
	struct eval_trend *rows = NULL;
	size_t n = 0;

	test_se_add(fx, EVAL_SUPERVISOR, &test_se_sup);
	test_se_add(fx, EVAL_SUPERVISOR, &test_se_sup);
	test_se_add(fx, EVAL_SELF, &test_se_agent); /* not counted */
	memset(&f, 0, sizeof f);
	f.by = EVAL_BY_AGENT;
	assert_int_equal(store_eval_trend(fx->th->st, &f, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].key, "agent1");
	assert_int_equal(rows[0].count, 2);
	assert_int_equal(rows[0].earned, 56);
	assert_int_equal(rows[0].possible, 60);
	assert_int_equal(rows[0].passed, 2);
	store_eval_trend_free(rows, n);
	f.by = EVAL_BY_ITEM;
	assert_int_equal(store_eval_trend(fx->th->st, &f, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].key, "b"); /* weakest first: 3 of 5 */
	assert_int_equal(rows[0].earned, 6);
	assert_int_equal(rows[0].possible, 10);
	store_eval_trend_free(rows, n);
	/* Over whole months the sums kept per month answer; within a month the answers are read:
	 * the same. */
	f.since_ms = 1; /* inside a month: the answers themselves */
	assert_int_equal(store_eval_trend(fx->th->st, &f, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].key, "b");
	assert_int_equal(rows[0].earned, 6);
	assert_int_equal(rows[0].possible, 10);
	store_eval_trend_free(rows, n);
	f.since_ms = 0;
	f.by = EVAL_BY_WEEK;
	f.agent = "agent2";
	assert_int_equal(store_eval_trend(fx->th->st, &f, &rows, &n), 0);
	assert_int_equal(n, 0);
	store_eval_trend_free(rows, n);
}

static sqlite3 *test_se_raw(const struct testhost *th)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(th->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static int64_t test_se_int(const struct testhost *th, const char *sql)
{
	sqlite3 *db = test_se_raw(th);
	sqlite3_stmt *s = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* A session of agent1 that logs in, runs a command, takes a complaint and adds a note to the
 * fixture's: the audit log's account of it. */
static void test_se_session(void **state)
{
	static const struct eval_item_in items[] = {
	    {"a", 1, 5, 2, false, false, NULL},
	    {"b", 2, 2, 1, false, false, "慢"},
	};
	static const struct audit_ctx ses = {.account = "agent1",
	                                     .role = "agent",
	                                     .session = "s00000a0001",
	                                     .peer = "127.0.0.1",
	                                     .transport = "ssh"};
	static const struct audit_ctx other = {
	    .account = "agent2", .role = "agent", .session = "s00000a0002", .transport = "ssh"};
	struct test_se_fx *fx = *state;
	struct store *st = fx->th->st;
	struct complaint_new cin;
	struct eval_session es;
	struct eval_new in;
	struct evaluation e, *list = NULL;
	struct eval_filter f;
	char number2[COMPLAINT_NUMBER_MAX];
	size_t n = 0;
	int64_t id = 0;

	assert_int_equal(store_audit(st, &ses, "login", "agent1", NULL), 0);
	assert_int_equal(store_audit(st, &ses, "command", "complaint add", "complaint add ..."), 0);
	memset(&cin, 0, sizeof cin);
	cin.unit = "5-1-301";
	cin.caller = "李先生";
	cin.relation = COMPLAINT_REL_OWNER;
	cin.channel = COMPLAINT_CH_PHONE;
	cin.category = "noise";
	cin.words = "楼上装修太吵";
	cin.mood = COMPLAINT_MOOD_CALM;
	assert_int_equal(store_complaint_add(st, &ses, &cin, number2), 0);
	assert_int_equal(store_complaint_note(st, &ses, fx->number, "已联系楼上住户"), 0);
	assert_int_equal(store_audit(st, &other, "login", "agent2", NULL), 0);

	assert_int_equal(store_eval_session_get(st, "s00000a0001", &es), 0);
	assert_string_equal(es.account, "agent1");
	assert_string_equal(es.transport, "ssh");
	assert_int_equal(es.commands_total, 1);
	assert_int_equal(es.ncommands, 1);
	assert_string_equal(es.commands[0].text, "complaint add ...");
	assert_int_equal(es.ncomplaints, 2);
	assert_string_equal(es.complaints[0].number, number2);
	assert_string_equal(es.complaints[0].actions, "complaint.add");
	assert_string_equal(es.complaints[1].number, fx->number);
	assert_true(es.first_ms > 0 && es.last_ms >= es.first_ms);
	store_eval_session_clear(&es);
	assert_int_equal(store_eval_session_get(st, "s-none", &es), STORE_ENOENT);
	store_eval_session_clear(&es);

	memset(&in, 0, sizeof in);
	in.kind = EVAL_SESSION;
	in.session = "s00000a0001";
	in.agent = "agent1";
	in.version = fx->version;
	in.hash = fx->hash;
	in.totals.earned = 12;
	in.totals.possible = 15;
	in.totals.passed = false;
	in.items = items;
	in.nitems = 2;
	/* Not the session's account; no such session; a number beside the session. */
	in.agent = "agent2";
	assert_int_equal(store_eval_add(st, &test_se_sup, &in, &id), STORE_EINVAL);
	in.agent = "agent1";
	in.session = "s-none";
	assert_int_equal(store_eval_add(st, &test_se_sup, &in, &id), STORE_ENOENT);
	in.session = "s00000a0001";
	in.number = fx->number;
	assert_int_equal(store_eval_add(st, &test_se_sup, &in, &id), STORE_EINVAL);
	in.number = NULL;
	assert_int_equal(testhost_audit_count(st, "evaluation.session", NULL), 0);
	assert_int_equal(store_eval_add(st, &test_se_sup, &in, &id), 0);
	assert_int_equal(testhost_audit_count(st, "evaluation.session", "s00000a0001 agent=agent1"),
	                 1);

	assert_int_equal(store_eval_get(st, id, &e), 0);
	assert_int_equal(e.kind, EVAL_SESSION);
	assert_int_equal(e.status, EVAL_NEW);
	assert_null(e.number);
	assert_string_equal(e.session, "s00000a0001");
	{
		char want[2 * COMPLAINT_NUMBER_MAX + 2];

		snprintf(want, sizeof want, "%s,%s", fx->number, number2);
		assert_string_equal(e.session_complaints, want);
	}
	assert_int_equal(e.nitems, 2);
	store_eval_clear(&e);

	/* Listed by session, by kind, and under each complaint it touched. */
	memset(&f, 0, sizeof f);
	f.kind = -1;
	f.status = -1;
	f.session = "s00000a0001";
	assert_int_equal(store_eval_list(st, &f, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id);
	store_eval_list_free(list, n);
	f.session = NULL;
	f.number = number2;
	assert_int_equal(store_eval_list(st, &f, &list, &n), 0);
	assert_int_equal(n, 1);
	store_eval_list_free(list, n);
	f.number = NULL;
	f.agent = "agent1";
	f.kind = EVAL_SESSION;
	assert_int_equal(store_eval_list(st, &f, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].session, "s00000a0001");
	store_eval_list_free(list, n);
	/* The agent acknowledges it as any other. */
	assert_int_equal(store_eval_ack(st, &test_se_agent, id), 0);
}

/* Blind: the calibrations of a complaint are shown to a supervisor who calibrated it too. */
static void test_se_calibration_blind(void **state)
{
	static const struct audit_ctx sup2 = {.account = "sup2", .role = "supervisor"};
	struct test_se_fx *fx = *state;
	struct store *st = fx->th->st;
	struct eval_cal_row *rows = NULL;
	size_t n = 0;

	test_se_add(fx, EVAL_CALIBRATION, &test_se_sup);
	/* One calibration only: nothing to compare, for anyone. */
	assert_int_equal(store_eval_calibration(st, NULL, 0, 0, &rows, &n), 0);
	assert_int_equal(n, 0);
	store_eval_cal_free(rows, n);
	test_se_add(fx, EVAL_CALIBRATION, &sup2);
	/* Every one's (admins). */
	assert_int_equal(store_eval_calibration(st, NULL, 0, 0, &rows, &n), 0);
	assert_int_equal(n, 6);
	store_eval_cal_free(rows, n);
	/* A rater of the complaint sees both. */
	assert_int_equal(store_eval_calibration(st, "sup2", 0, 0, &rows, &n), 0);
	assert_int_equal(n, 6);
	assert_string_equal(rows[0].evaluator, "sup1");
	store_eval_cal_free(rows, n);
	/* A supervisor who has not submitted theirs sees none of it. */
	assert_int_equal(store_eval_calibration(st, "sup3", 0, 0, &rows, &n), 0);
	assert_int_equal(n, 0);
	store_eval_cal_free(rows, n);
	/* Nor does one whose evaluation of it is not a calibration. */
	test_se_add(fx, EVAL_SUPERVISOR, &(const struct audit_ctx){.account = "sup3"});
	assert_int_equal(store_eval_calibration(st, "sup3", 0, 0, &rows, &n), 0);
	assert_int_equal(n, 0);
	store_eval_cal_free(rows, n);
}

/* Local time y-m-d h:mi as ms. */
static int64_t test_se_local(int y, int m, int d, int h, int mi)
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

/* The trend by item from the sums and straight from the answers agree, row for row. */
static void test_se_trend_agrees(struct store *st, int64_t since, int64_t until, const char *agent)
{
	struct eval_trend_filter f;
	struct eval_trend *a = NULL, *b = NULL;
	size_t na = 0, nb = 0, i;

	memset(&f, 0, sizeof f);
	f.by = EVAL_BY_ITEM;
	f.since_ms = since;
	f.until_ms = until;
	f.agent = agent;
	assert_int_equal(store_eval_trend(st, &f, &a, &na), 0);
	assert_int_equal(store_eval_trend_direct(st, &f, &b, &nb), 0);
	if (na != nb)
		fail_msg("since %lld until %lld agent %s: %zu rows, direct %zu", (long long)since,
		         (long long)until, agent != NULL ? agent : "-", na, nb);
	for (i = 0; i < na; i++) {
		assert_string_equal(a[i].key, b[i].key);
		if (a[i].count != b[i].count || a[i].earned != b[i].earned ||
		    a[i].possible != b[i].possible || a[i].critical_failed != b[i].critical_failed)
			fail_msg(
			    "since %lld until %lld agent %s item %s: %lld %lld/%lld %lld, direct "
			    "%lld %lld/%lld %lld",
			    (long long)since, (long long)until, agent != NULL ? agent : "-",
			    a[i].key, (long long)a[i].count, (long long)a[i].earned,
			    (long long)a[i].possible, (long long)a[i].critical_failed,
			    (long long)b[i].count, (long long)b[i].earned, (long long)b[i].possible,
			    (long long)b[i].critical_failed);
	}
	store_eval_trend_free(a, na);
	store_eval_trend_free(b, nb);
}

static void test_se_trend_all_agree(struct store *st)
{
	const int64_t bounds[][2] = {
	    {0, 0},
	    {test_se_local(2026, 3, 15, 0, 0), 0},
	    {test_se_local(2026, 3, 15, 10, 30), 0},
	    {test_se_local(2026, 4, 1, 0, 0), test_se_local(2026, 5, 1, 0, 0)},
	    {test_se_local(2026, 3, 15, 0, 0), test_se_local(2026, 5, 1, 0, 0)},
	    {test_se_local(2026, 3, 10, 0, 0), test_se_local(2026, 4, 20, 13, 0)},
	    {test_se_local(2026, 3, 3, 10, 0), test_se_local(2026, 3, 3, 18, 0)},
	    {test_se_local(2026, 3, 3, 10, 0), test_se_local(2026, 3, 9, 0, 0)},
	    {test_se_local(2026, 4, 2, 0, 0), test_se_local(2026, 4, 28, 0, 0)},
	    {0, test_se_local(2026, 4, 15, 0, 0)},
	    {0, test_se_local(2026, 4, 15, 7, 45)},
	    {test_se_local(2026, 2, 20, 0, 0), test_se_local(2026, 8, 1, 0, 0)},
	};
	size_t i;

	for (i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
		test_se_trend_agrees(st, bounds[i][0], bounds[i][1], NULL);
		test_se_trend_agrees(st, bounds[i][0], bounds[i][1], "agent1");
		test_se_trend_agrees(st, bounds[i][0], bounds[i][1], "agent2");
	}
}

/* Over evaluations spread across four months, for periods of whole months, whole days and
 * parts of days: the trend by item from the months' and days' sums is the one computed from
 * the answers, also after a disputed answer is changed, and after schema 12 builds the days'
 * sums from the answers. */
static void test_se_trend_sums(void **state)
{
	struct test_se_fx *fx = *state;
	struct store *st = fx->th->st;
	int64_t t = test_se_local(2026, 3, 1, 6, 0), first = 0;
	struct eval_answer ans;
	sqlite3 *db;
	int i;

	for (i = 0; i < 300; i++, t += (7 * 60 + 13) * 60 * 1000LL) {
		struct eval_item_in items[3] = {
		    {"a", i % 3 == 0 ? 0 : 1, i % 3 == 0 ? 0 : 5, 2, false, false, NULL},
		    {"b", i % 7 == 0 ? -1 : 1 + i % 5, i % 7 == 0 ? 0 : 1 + i % 5, 1, false, false,
		     NULL},
		    {"c", i % 11 == 0 ? 0 : 1, i % 11 == 0 ? 0 : 5, 3, true, i % 11 == 0, NULL},
		};
		struct eval_new in;
		int64_t id = 0;

		memset(&in, 0, sizeof in);
		in.kind = i % 13 == 0 ? EVAL_SELF : EVAL_SUPERVISOR;
		in.number = fx->number;
		in.agent = i % 2 ? "agent1" : "agent2";
		in.version = fx->version;
		in.hash = fx->hash;
		in.totals.earned = 1;
		in.totals.possible = 30;
		in.items = items;
		in.nitems = 3;
		store_complaint_set_clock(st, t);
		assert_int_equal(
		    store_eval_add(st, in.kind == EVAL_SELF ? &test_se_agent : &test_se_sup, &in,
		                   &id),
		    0);
		if (first == 0 && in.kind == EVAL_SUPERVISOR && !strcmp(in.agent, "agent1"))
			first = id;
	}
	test_se_trend_all_agree(st);
	/* A disputed answer changed moves it in the sums too. */
	store_complaint_set_clock(st, t);
	assert_int_equal(store_eval_dispute(st, &test_se_agent, first, "b", "理由", true, 5,
	                                    365 * 86400000LL, NULL),
	                 0);
	memset(&ans, 0, sizeof ans);
	ans.item = "b";
	ans.resolution = EVAL_ACCEPT;
	ans.answer = 5;
	ans.points = 5;
	ans.totals.earned = 2;
	ans.totals.possible = 30;
	ans.comment = "同意";
	assert_int_equal(store_eval_answer(st, &test_se_sup, first, &ans), 0);
	test_se_trend_all_agree(st);
	/* Schema 12's backfill builds the same days' sums from the answers. */
	db = test_se_raw(fx->th);
	assert_int_equal(sqlite3_exec(db,
	                              "DROP TABLE evaluation_session_complaints;"
	                              " DROP TABLE evaluation_item_days;"
	                              " DROP INDEX evaluation_items_agent_trend;"
	                              " PRAGMA user_version = 11;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_schema_migrate_to(st, 12), 0);
	test_se_trend_all_agree(st);
	store_complaint_set_clock(st, 0);
}

/* Schema 12 builds the evaluations again: every row, item and dispute kept, their keys whole. */
static void test_se_schema12(void **state)
{
	struct test_se_fx *fx = *state;
	struct store *st = fx->th->st;
	struct evaluation e;
	int64_t a, b, items;
	sqlite3 *db;

	a = test_se_add(fx, EVAL_SUPERVISOR, &test_se_sup);
	b = test_se_add(fx, EVAL_SELF, &test_se_agent);
	assert_int_equal(
	    store_eval_dispute(st, &test_se_agent, a, "b", "理由", true, 5, 14 * 86400000LL, NULL),
	    0);
	items = test_se_int(fx->th, "SELECT count(*) FROM evaluation_items");
	assert_int_equal(items, 6);
	db = test_se_raw(fx->th);
	assert_int_equal(sqlite3_exec(db,
	                              "DROP TABLE evaluation_session_complaints;"
	                              " DROP TABLE evaluation_item_days;"
	                              " DROP INDEX evaluation_items_agent_trend;"
	                              " PRAGMA user_version = 11;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_schema_migrate_to(st, 12), 0);
	assert_int_equal(store_schema_version(st), 12);
	assert_int_equal(test_se_int(fx->th, "SELECT count(*) FROM evaluations"), 2);
	assert_int_equal(test_se_int(fx->th, "SELECT count(*) FROM evaluation_items"), items);
	assert_int_equal(test_se_int(fx->th, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(test_se_int(fx->th, "SELECT count(*) FROM sqlite_master WHERE type ="
	                                     " 'index' AND tbl_name = 'evaluations'"),
	                 7);
	assert_int_equal(store_eval_get(st, a, &e), 0);
	assert_int_equal(e.status, EVAL_DISPUTED);
	assert_int_equal(e.ndisputes, 1);
	assert_int_equal(e.nitems, 3);
	store_eval_clear(&e);
	assert_int_equal(store_eval_get(st, b, &e), 0);
	assert_int_equal(e.kind, EVAL_SELF);
	store_eval_clear(&e);
	/* The new kind's rules hold in the table itself. */
	db = test_se_raw(fx->th);
	assert_int_not_equal(sqlite3_exec(db,
	                                  "UPDATE evaluations SET kind = 'session' WHERE id = 1",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_se_pin, test_se_setup, test_se_teardown),
	    cmocka_unit_test_setup_teardown(test_se_add_get_list, test_se_setup, test_se_teardown),
	    cmocka_unit_test_setup_teardown(test_se_ack_dispute_answer, test_se_setup,
	                                    test_se_teardown),
	    cmocka_unit_test_setup_teardown(test_se_trend, test_se_setup, test_se_teardown),
	    cmocka_unit_test_setup_teardown(test_se_session, test_se_setup, test_se_teardown),
	    cmocka_unit_test_setup_teardown(test_se_calibration_blind, test_se_setup,
	                                    test_se_teardown),
	    cmocka_unit_test_setup_teardown(test_se_schema12, test_se_setup, test_se_teardown),
	    cmocka_unit_test_setup_teardown(test_se_trend_sums, test_se_setup, test_se_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
