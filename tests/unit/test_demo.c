/* test_demo — the demo seeder on a temporary database: units and complaints written through
 * the store with backdated times (numbers dated by their creation day, all within the last
 * four months), spread over categories, techniques, agents and statuses, with kept, late and
 * overdue promises; the audit chain intact; the same seed gives the same desk; a database
 * with complaints, or without agents, is refused; store_complaint_set_clock; the move-ins
 * seeded from etc/movein.ini at every stage, with overdue defects, proxies and a waiver. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"
#include "demo_movein.h"
#include "movein_rules.h"
#include "store.h"
#include "store_audit.h"
#include "store_complaint.h"
#include "store_draft.h"
#include "store_movein.h"
#include "store_movein_step.h"
#include "store_report.h"
#include "store_unit.h"
#include "testhost.h"

#define TEST_DEMO_DAY_MS (24LL * 3600 * 1000)

/* A fixture with a migrated database and, if agents, three agents and a supervisor. */
static struct testhost *test_demo_open(bool agents)
{
	static const char *const names[] = {"agent1", "agent2", "agent3", "supervisor1"};
	struct testhost *th = testhost_new("test_demo");
	size_t i;

	assert_non_null(th);
	for (i = 0; agents && i < 4; i++)
		testhost_account_add(th, names[i], NULL, i < 3 ? ROLE_AGENT : ROLE_SUPERVISOR, "zh",
		                     NULL);
	return th;
}

static void test_demo_seeded(void **state)
{
	struct testhost *db;
	struct demo_stats ds;
	struct complaint *list = NULL;
	struct promise *ps = NULL;
	struct technique_stat *rows = NULL;
	struct promise_filter pf;
	struct complaint_filter f;
	int64_t now = store_now_ms(), count = 0, checked = 0, bad = -1;
	size_t n = 0, np = 0, nrows = 0, i, statuses[COMPLAINT_NSTATUS] = {0};
	bool agents[3] = {false, false, false};
	size_t late = 0;

	(void)state;
	db = test_demo_open(true);
	assert_int_equal(demo_seed(db->st, 200, DEMO_DEFAULT_SEED, now, &ds, stderr), 0);
	assert_int_equal(ds.units, 48);
	assert_int_equal(ds.complaints, 200);
	assert_true(ds.promises > 50);
	assert_true(ds.promises_kept > 20);
	assert_true(ds.promises_late > 3);
	assert_true(ds.resolutions > 80);
	assert_true(ds.reopenings > 0);
	assert_true(ds.escalations > 0);
	assert_true(ds.handovers > 0);
	assert_true(ds.notes > 50);
	assert_int_equal(store_unit_count(db->st, &count), 0);
	assert_int_equal(count, 48);
	assert_int_equal(store_complaint_count(db->st, NULL, &count), 0);
	assert_int_equal(count, 200);

	memset(&f, 0, sizeof f);
	f.limit = 1000;
	assert_int_equal(store_complaint_list(db->st, &f, &list, &n), 0);
	assert_int_equal(n, 200);
	for (i = 0; i < n; i++) {
		char day[16];
		time_t t = (time_t)(list[i].created_ms / 1000);
		struct tm tm;

		/* Backdated: within the last 120 days, numbered by their own day. */
		assert_true(list[i].created_ms < now);
		assert_true(list[i].created_ms > now - 121 * TEST_DEMO_DAY_MS);
		localtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y%m%d", &tm);
		assert_memory_equal(list[i].number + 2, day, 8);
		assert_true(list[i].unit_verified);
		assert_true(list[i].ntechniques >= 1);
		assert_true(list[i].updated_ms >= list[i].created_ms);
		assert_true(list[i].updated_ms < now);
		statuses[list[i].status]++;
		agents[list[i].agent[5] - '1'] = true;
		if (list[i].status == COMPLAINT_RESOLVED)
			assert_true(list[i].resolved_ms > list[i].created_ms);
	}
	for (i = 0; i < COMPLAINT_NSTATUS; i++)
		if (i != COMPLAINT_ESCALATED)
			assert_true(statuses[i] > 0);
	assert_true(agents[0] && agents[1] && agents[2]);
	/* Some created over three months ago. */
	assert_true(list[n - 1].created_ms < now - 90 * TEST_DEMO_DAY_MS);
	store_complaint_list_free(list, n);

	/* Overdue open promises exist, and kept ones late. */
	memset(&pf, 0, sizeof pf);
	pf.overdue_only = true;
	pf.limit = 1000;
	assert_int_equal(store_promise_list(db->st, &pf, &ps, &np), 0);
	assert_true(np > 0);
	store_promise_list_free(ps, np);
	memset(&pf, 0, sizeof pf);
	pf.limit = 1000;
	assert_int_equal(store_promise_list(db->st, &pf, &ps, &np), 0);
	for (i = 0; i < np; i++)
		if (ps[i].status == PROMISE_KEPT && ps[i].closed_ms > ps[i].due_ms)
			late++;
	assert_int_equal(late, ds.promises_late);
	store_promise_list_free(ps, np);

	/* The report has something to say about every verbal technique. */
	assert_int_equal(store_report_techniques(db->st, 0, 0, 0, NULL, false, &rows, &nrows), 0);
	assert_true(nrows >= 7);
	for (i = 0; i < nrows; i++)
		assert_true(rows[i].complaints > 0);
	store_report_free(rows, nrows);

	/* Written through the store: audited, and the chain holds. */
	assert_int_equal(store_audit_verify(db->st, &checked, &bad), 0);
	assert_true(checked > 200 + 48);

	/* Not twice. */
	assert_int_equal(demo_seed(db->st, 10, DEMO_DEFAULT_SEED, now, NULL, NULL), STORE_EEXIST);
	/* The clock is the clock again afterwards. */
	assert_int_equal(store_draft_save(db->st, "agent1", "complaint", "{}", 0), 0);
	testhost_free(db);
}

static void test_demo_reproducible(void **state)
{
	struct testhost *a, *b;
	struct complaint *la = NULL, *lb = NULL;
	struct complaint_filter f;
	int64_t now = store_now_ms();
	size_t na = 0, nb = 0, i;

	(void)state;
	a = test_demo_open(true);
	b = test_demo_open(true);
	assert_int_equal(demo_seed(a->st, 60, 7, now, NULL, NULL), 0);
	assert_int_equal(demo_seed(b->st, 60, 7, now, NULL, NULL), 0);
	memset(&f, 0, sizeof f);
	f.limit = 100;
	assert_int_equal(store_complaint_list(a->st, &f, &la, &na), 0);
	assert_int_equal(store_complaint_list(b->st, &f, &lb, &nb), 0);
	assert_int_equal(na, 60);
	assert_int_equal(nb, 60);
	for (i = 0; i < na; i++) {
		assert_string_equal(la[i].number, lb[i].number);
		assert_string_equal(la[i].words, lb[i].words);
		assert_string_equal(la[i].caller, lb[i].caller);
		assert_int_equal(la[i].created_ms, lb[i].created_ms);
		assert_int_equal(la[i].status, lb[i].status);
	}
	store_complaint_list_free(la, na);
	store_complaint_list_free(lb, nb);
	testhost_free(a);
	testhost_free(b);
}

static void test_demo_refusals_and_clock(void **state)
{
	struct testhost *db;
	struct complaint_new in;
	struct complaint c;
	const char *tech[] = {"empathy"};
	char number[COMPLAINT_NUMBER_MAX];
	int64_t at = 1767225600000LL + 10 * 3600 * 1000; /* 2026-01-01 (about 10:00-18:00) */

	(void)state;
	db = test_demo_open(false);
	assert_int_equal(demo_seed(db->st, 10, 1, 0, NULL, NULL), STORE_ENOENT);
	/* set_clock stamps changes and numbers; 0 is the clock again. */
	memset(&in, 0, sizeof in);
	in.unit = "1-1-101";
	in.caller = "王先生";
	in.category = "repairs";
	in.words = "漏水";
	in.techniques = tech;
	in.ntechniques = 1;
	in.agent = "agent1";
	store_complaint_set_clock(db->st, at);
	assert_int_equal(store_complaint_add(db->st, &testhost_setup_ctx, &in, number), 0);
	assert_int_equal(store_complaint_get(db->st, number, &c, true), 0);
	assert_int_equal(c.created_ms, at);
	assert_int_equal(c.history[0].ts_ms, at);
	store_complaint_clear(&c);
	{
		time_t t = (time_t)(at / 1000);
		struct tm tm;
		char want[16];

		localtime_r(&t, &tm);
		strftime(want, sizeof want, "C-%Y%m%d-", &tm);
		assert_memory_equal(number, want, strlen(want));
	}
	store_complaint_set_clock(db->st, 0);
	assert_int_equal(store_complaint_note(db->st, &testhost_setup_ctx, number, "回访"), 0);
	assert_int_equal(store_complaint_get(db->st, number, &c, true), 0);
	assert_true(c.notes[0].ts_ms > store_now_ms() - 60000);
	store_complaint_clear(&c);
	/* A database with complaints is refused. */
	assert_int_equal(demo_seed(db->st, 10, 1, 0, NULL, NULL), STORE_EEXIST);
	testhost_free(db);
}

static void test_demo_moveins(void **state)
{
	struct testhost *db = test_demo_open(true);
	struct movein_rules *r = NULL;
	struct movein_defect *late = NULL;
	char etc[4096], path[4200], *err = NULL;
	int64_t checked = 0, bad = -1;
	size_t started = 0, n = 0;
	int stage;

	(void)state;
	testhost_etc(etc, sizeof etc);
	snprintf(path, sizeof path, "%s/movein.ini", etc);
	assert_int_equal(movein_rules_load(path, &r, &err), 0);
	assert_int_equal(demo_seed(db->st, 20, DEMO_DEFAULT_SEED, 0, NULL, NULL), 0);
	assert_int_equal(demo_movein_seed(db->st, r, DEMO_DEFAULT_SEED, &started, stderr), 0);
	assert_int_equal(started, 756); /* three units in four of 48 + 960 */
	for (stage = 0; stage < MOVEIN_NSTAGES; stage++) {
		struct movein *list = NULL;

		assert_int_equal(store_movein_list(db->st, stage, 100, 0, &list, &n), 0);
		if (n == 0)
			fail_msg("no move-in at stage %s", store_movein_stage_name(stage));
		store_movein_list_free(list, n);
	}
	assert_int_equal(store_movein_step_overdue(db->st, store_now_ms(), 100, 0, &late, &n), 0);
	assert_true(n > 0);
	store_movein_defect_list_free(late, n);
	assert_int_equal(testhost_audit_count(db->st, "movein.waive", "doc:seal"), 1);
	assert_true(testhost_audit_count(db->st, "movein.proxy", NULL) > 0);
	assert_int_equal(store_audit_verify(db->st, &checked, &bad), 0);
	movein_rules_free(r);
	testhost_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_seeded),
	    cmocka_unit_test(test_demo_moveins),
	    cmocka_unit_test(test_demo_reproducible),
	    cmocka_unit_test(test_demo_refusals_and_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
