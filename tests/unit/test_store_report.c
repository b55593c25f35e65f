/* test_store_report — `report techniques` from the rollup (schema 6) agrees with the same
 * statistics computed directly over the rows, on a desk seeded like the demo: the whole desk,
 * by agent, by category, over whole days and over periods that start and end inside a span,
 * at several "now"s; again after changes through the store (tags added and removed,
 * resolutions, reopenings, escalations, promises added, kept and withdrawn) and after rows
 * changed and deleted by hand; and after the rollup is built again by the migration's
 * backfill. The rollup's due mark follows the clock. The medians over the whole desk come from
 * the snapshots of times by bin (schema 13), exactly, through the same changes and backfill. The count of overdue complaints, read
 * from the promises, agrees with the list. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "store.h"
#include "store_complaint.h"
#include "store_median.h"
#include "store_promise.h"
#include "store_report.h"
#include "store_schema.h"
#include "testhost.h"

#define TEST_SR_DAY_MS (24LL * 3600 * 1000)
#define TEST_SR_COMPLAINTS 1500

/* A supervisor: the changes below touch every agent's complaints. */
static const struct audit_ctx test_sr_ctx = {
    .account = "sup1", .role = "supervisor", .session = "t", .peer = "-", .transport = "cli"};

static sqlite3 *test_sr_raw(const struct testhost *th)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(th->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void test_sr_exec(const struct testhost *th, const char *sql)
{
	sqlite3 *db = test_sr_raw(th);
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err != NULL ? err : "?");
	sqlite3_close(db);
}

static int64_t test_sr_int(const struct testhost *th, const char *sql)
{
	sqlite3 *db = test_sr_raw(th);
	sqlite3_stmt *s = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static bool test_sr_same_text(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* The rollup's report and the direct one for one filter: the same rows. Returns the rows. */
static size_t test_sr_compare(struct testhost *th, int64_t now, int64_t since, int64_t until,
                              const char *category, bool by_agent)
{
	struct technique_stat *a = NULL, *b = NULL;
	size_t na = 0, nb = 0, i;

	assert_int_equal(
	    store_report_techniques(th->st, now, since, until, category, by_agent, &a, &na), 0);
	assert_int_equal(
	    store_report_techniques_direct(th->st, now, since, until, category, by_agent, &b, &nb),
	    0);
	if (na != nb)
		fail_msg(
		    "since %lld until %lld category %s by agent %d now %lld: %zu rows, not %zu",
		    (long long)since, (long long)until, category ? category : "-", by_agent,
		    (long long)now, na, nb);
	for (i = 0; i < na; i++) {
		const struct technique_stat *x = &a[i], *y = &b[i];

		if (!test_sr_same_text(x->technique, y->technique) ||
		    !test_sr_same_text(x->agent, y->agent) || x->complaints != y->complaints ||
		    x->resolved != y->resolved || x->reopened != y->reopened ||
		    x->escalated != y->escalated || x->resolved_share != y->resolved_share ||
		    x->reopen_rate != y->reopen_rate || x->escalation_rate != y->escalation_rate ||
		    x->median_resolve_ms != y->median_resolve_ms ||
		    x->promises_due != y->promises_due ||
		    x->promises_kept_on_time != y->promises_kept_on_time)
			fail_msg(
			    "since %lld until %lld category %s by agent %d now %lld, row %zu "
			    "%s/%s: rollup %lld %lld %lld %lld %lld %lld %lld, rows %s/%s %lld "
			    "%lld %lld %lld %lld %lld %lld",
			    (long long)since, (long long)until, category ? category : "-", by_agent,
			    (long long)now, i, x->technique, x->agent ? x->agent : "-",
			    (long long)x->complaints, (long long)x->resolved,
			    (long long)x->reopened, (long long)x->escalated,
			    (long long)x->median_resolve_ms, (long long)x->promises_due,
			    (long long)x->promises_kept_on_time, y->technique,
			    y->agent ? y->agent : "-", (long long)y->complaints,
			    (long long)y->resolved, (long long)y->reopened, (long long)y->escalated,
			    (long long)y->median_resolve_ms, (long long)y->promises_due,
			    (long long)y->promises_kept_on_time);
	}
	/* Over every category and agent, each median comes from the snapshots by bin (not the
	 * fallback that reads every time), and is exact. */
	for (i = 0; category == NULL && !by_agent && i < nb; i++) {
		int64_t m = -2;

		if (b[i].resolved <= 0)
			continue;
		assert_int_equal(store_median_of(th->st, b[i].technique, since,
		                                 until > 0 ? until : INT64_MAX, b[i].resolved, &m),
		                 0);
		if (m != b[i].median_resolve_ms)
			fail_msg("since %lld until %lld %s: median %lld from the snapshots, %lld",
			         (long long)since, (long long)until, b[i].technique, (long long)m,
			         (long long)b[i].median_resolve_ms);
	}
	store_report_free(a, na);
	store_report_free(b, nb);
	return na;
}

/* Every filter: unbounded, whole days and odd periods, each category, with and without agents,
 * now and well before and after. */
static void test_sr_compare_all(struct testhost *th, int64_t t0)
{
	static const char *const cats[] = {NULL, "repairs", "noise", "other", "nosuch"};
	const int64_t nows[] = {0, t0 - 30 * TEST_SR_DAY_MS, t0 + 30 * TEST_SR_DAY_MS};
	/* Days as the shell asks for them: local midnights (parse_day). */
	const int64_t mid = t0 - t0 % TEST_SR_DAY_MS - 8 * 3600 * 1000LL;
	const int64_t periods[][2] = {
	    {0, 0},
	    {mid - 30 * TEST_SR_DAY_MS, mid},
	    {mid - 7 * TEST_SR_DAY_MS, mid - 6 * TEST_SR_DAY_MS},
	    {mid - 119 * TEST_SR_DAY_MS, 0},
	    {0, mid - 60 * TEST_SR_DAY_MS},
	    {t0 - 37 * TEST_SR_DAY_MS + 12345, t0 - 5 * TEST_SR_DAY_MS - 777},
	    {t0 - 50 * TEST_SR_DAY_MS + 1, t0 - 50 * TEST_SR_DAY_MS + 600000},
	    {t0 - 90 * TEST_SR_DAY_MS - 3 * 3600 * 1000LL, t0 - 2 * 3600 * 1000LL + 999},
	};
	size_t p, c, k, rows = 0;

	for (p = 0; p < sizeof periods / sizeof periods[0]; p++)
		for (c = 0; c < sizeof cats / sizeof cats[0]; c++)
			for (k = 0; k < sizeof nows / sizeof nows[0]; k++) {
				rows += test_sr_compare(th, nows[k], periods[p][0], periods[p][1],
				                        cats[c], false);
				rows += test_sr_compare(th, nows[k], periods[p][0], periods[p][1],
				                        cats[c], true);
			}
	assert_true(rows > 500); /* they had something to compare */
}

static struct testhost *test_sr_seeded(int64_t now)
{
	static const char *const names[] = {"agent1", "agent2", "agent3", "supervisor1"};
	struct testhost *th = testhost_new("test_store_report");
	size_t i;

	assert_non_null(th);
	for (i = 0; i < 4; i++)
		testhost_account_add(th, names[i], NULL, i < 3 ? ROLE_AGENT : ROLE_SUPERVISOR, "zh",
		                     NULL);
	assert_int_equal(demo_seed(th->st, TEST_SR_COMPLAINTS, DEMO_DEFAULT_SEED, now, NULL, NULL),
	                 0);
	return th;
}

static void test_sr_rollup_matches_rows(void **state)
{
	int64_t now = store_now_ms();
	struct testhost *th = test_sr_seeded(now);

	(void)state;
	/* The rollup is there, every level sums to the same, and the mark follows the clock. */
	assert_true(test_sr_int(th, "SELECT count(*) FROM report_rollup") > 0);
	assert_int_equal(test_sr_int(th, "SELECT count(DISTINCT s) FROM (SELECT level,"
	                                 " sum(complaints) AS s FROM report_rollup GROUP BY 1)"),
	                 1);
	assert_true(test_sr_int(th, "SELECT due_ms FROM report_sweep") >= now);
	test_sr_compare_all(th, now);
	testhost_free(th);
}

/* Changes through the store, and by hand. */
static void test_sr_changes(struct testhost *th, int64_t now)
{
	struct complaint_filter f;
	struct complaint *list = NULL;
	size_t n = 0, i;
	int changed = 0;

	memset(&f, 0, sizeof f);
	f.limit = 400;
	assert_int_equal(store_complaint_list(th->st, &f, &list, &n), 0);
	assert_true(n > 300);
	for (i = 0; i < n; i++) {
		const struct complaint *c = &list[i];
		const char *add[] = {i % 2 ? "dialect" : "empathy", "sit-down"};
		const char *remove[] = {c->ntechniques > 0 ? c->techniques[0] : "persuade"};
		struct promise_new p = {.what = "回电",
		                        .due_ms = now - (int64_t)(i % 5) * TEST_SR_DAY_MS + 60000};
		int64_t pid = 0;
		size_t k;

		switch (i % 7) {
		case 0:
			assert_int_equal(
			    store_complaint_tag(th->st, &test_sr_ctx, c->number, add, 2, remove, 1),
			    0);
			break;
		case 1:
			if (c->status == COMPLAINT_RESOLVED &&
			    store_complaint_reopen(th->st, &test_sr_ctx, c->number, "又坏了") == 0)
				changed++;
			break;
		case 2:
			for (k = 0; k < c->npromises; k++)
				if (c->promises[k].status == PROMISE_OPEN)
					assert_int_equal(store_promise_done(th->st, &test_sr_ctx,
					                                    c->promises[k].id,
					                                    NULL),
					                 0);
			if (c->status != COMPLAINT_RESOLVED &&
			    store_complaint_resolve(th->st, &test_sr_ctx, c->number, "好了") == 0)
				changed++;
			break;
		case 3:
			if (c->status != COMPLAINT_RESOLVED && c->status != COMPLAINT_ESCALATED &&
			    store_complaint_escalate(th->st, &test_sr_ctx, c->number, NULL,
			                             "升级") == 0)
				changed++;
			break;
		case 4:
			if (c->status != COMPLAINT_RESOLVED &&
			    store_promise_add(th->st, &test_sr_ctx, c->number, &p, &pid) == 0) {
				changed++;
				if (i % 3 == 0)
					assert_int_equal(store_promise_withdraw(
					                     th->st, &test_sr_ctx, pid, "不需要"),
					                 0);
			}
			break;
		default:
			break;
		}
	}
	store_complaint_list_free(list, n);
	assert_true(changed > 50);
	/* By hand: technique rows and promises deleted, a complaint moved in time and to
	 * another category, a promise's due date moved. */
	test_sr_exec(th, "DELETE FROM complaint_techniques WHERE complaint_id % 11 = 3"
	                 " AND code IN ('persuade', 'stepback', 'dialect')");
	test_sr_exec(th, "DELETE FROM promises WHERE id % 13 = 5");
	test_sr_exec(th, "UPDATE complaints SET created_ms = created_ms - 86400000 * 3,"
	                 " category = 'noise' WHERE id % 17 = 1");
	test_sr_exec(th, "UPDATE promises SET due_ms = due_ms + 86400000 * 2 WHERE id % 7 = 2");
}

static void test_sr_rollup_follows_changes(void **state)
{
	int64_t now = store_now_ms();
	struct testhost *th = test_sr_seeded(now);

	(void)state;
	test_sr_changes(th, now);
	test_sr_compare_all(th, now);
	testhost_free(th);
}

/* The migration's backfill gives the rollup the triggers kept. */
static void test_sr_backfill(void **state)
{
	int64_t now = store_now_ms(), before, after;
	struct testhost *th = test_sr_seeded(now);

	(void)state;
	test_sr_changes(th, now);
	before = test_sr_int(th, "SELECT sum(complaints * 7 + resolved * 5 + reopened * 3"
	                         " + escalated + kept_on_time * 11) FROM report_rollup");
	test_sr_exec(th, "DROP TABLE report_resolved_cum; DROP TABLE report_resolved_snap;"
	                 " DROP TRIGGER report_tag_add; DROP TRIGGER report_tag_remove;"
	                 " DROP TRIGGER report_status; DROP TRIGGER report_rekey_out;"
	                 " DROP TRIGGER report_rekey_in; DROP TRIGGER report_resolve_times;"
	                 " DROP TRIGGER report_complaint_remove; DROP TRIGGER report_history;"
	                 " DROP TRIGGER report_promise_add; DROP TRIGGER report_promise_change;"
	                 " DROP TRIGGER report_promise_remove; DROP TABLE report_rollup;"
	                 " DROP TABLE report_resolved; DROP TABLE report_sweep;"
	                 " DROP TABLE report_levels; PRAGMA user_version = 5;");
	/* Step 6 alone: the steps after it are still in place. */
	assert_int_equal(store_schema_migrate_to(th->st, 6), 0);
	assert_int_equal(store_schema_version(th->st), 6);
	{
		char sql[64];

		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_MEDIAN_SCHEMA - 1);
		test_sr_exec(th, sql);
	}
	/* And the medians' snapshots (step 13 alone), from the rows of step 6. */
	if (store_schema_migrate_to(th->st, STORE_MEDIAN_SCHEMA) != 0)
		fail_msg("migration: %s", store_last_error(th->st));
	assert_int_equal(store_schema_version(th->st), STORE_MEDIAN_SCHEMA);
	{
		char sql[64];

		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_latest_version());
		test_sr_exec(th, sql);
	}
	after = test_sr_int(th, "SELECT sum(complaints * 7 + resolved * 5 + reopened * 3"
	                        " + escalated + kept_on_time * 11) FROM report_rollup");
	assert_int_equal(before, after);
	test_sr_compare_all(th, now);
	testhost_free(th);
}

/* The medians' snapshots taken again (as by a daemon that was down for a month) from the one
 * before and the times since are the ones the triggers kept through the changes, the medians
 * read with them stay exact, and nothing is taken when none is due. */
static void test_sr_snapshot(void **state)
{
	static const char sig[] = "SELECT count(*) * 1000003 + sum(bucket * 7 + bin * 13 + n * 31)"
	                          " FROM report_resolved_cum WHERE n <> 0";
	int64_t now = store_now_ms(), snaps, kept, rows;
	struct testhost *th = test_sr_seeded(now);

	(void)state;
	test_sr_changes(th, now);
	snaps = test_sr_int(th, "SELECT count(*) FROM report_resolved_snap");
	kept = test_sr_int(th, sig);
	assert_true(snaps > 12); /* one after each span of 64 hours with complaints */
	assert_int_equal(test_sr_int(th, "SELECT max(bucket) FROM report_resolved_snap"),
	                 now / STORE_MEDIAN_WIDTH_MS);
	test_sr_exec(th, "DELETE FROM report_resolved_cum WHERE bucket > (SELECT max(bucket) - 12"
	                 " FROM report_resolved_snap);"
	                 " DELETE FROM report_resolved_snap WHERE bucket > (SELECT max(bucket) - 12"
	                 " FROM report_resolved_snap);");
	assert_int_equal(store_report_snapshot(th->st), 0);
	assert_int_equal(test_sr_int(th, "SELECT count(*) FROM report_resolved_snap"), snaps);
	assert_int_equal(test_sr_int(th, sig), kept);
	test_sr_compare_all(th, now);
	/* Taken already: nothing more, nothing written. */
	rows = test_sr_int(th, "SELECT count(*) FROM report_resolved_cum");
	assert_int_equal(store_report_snapshot(th->st), 0);
	assert_int_equal(test_sr_int(th, "SELECT count(*) FROM report_resolved_cum"), rows);
	testhost_free(th);
}

/* The count under `complaint list --overdue`, read from the overdue promises, is the number of
 * complaints the list shows (which asks each complaint), with the other filters too, and
 * stops at its limit. */
static void test_sr_overdue_count(void **state)
{
	int64_t now = store_now_ms();
	struct testhost *th = test_sr_seeded(now);
	static const char *const agents[] = {NULL, "agent2"};
	static const char *const cats[] = {NULL, "repairs"};
	const unsigned masks[] = {0, COMPLAINT_STATUS_BIT(COMPLAINT_OPEN),
	                          COMPLAINT_STATUS_BIT(COMPLAINT_IN_PROGRESS) |
	                              COMPLAINT_STATUS_BIT(COMPLAINT_ESCALATED)};
	size_t a, c, m, seen = 0;

	(void)state;
	test_sr_changes(th, now); /* complaints with several overdue promises among them */
	for (a = 0; a < 2; a++)
		for (c = 0; c < 2; c++)
			for (m = 0; m < 3; m++) {
				struct complaint_filter f;
				struct complaint *list = NULL;
				int64_t total = 0;
				size_t n = 0;
				bool exact = false;

				memset(&f, 0, sizeof f);
				f.overdue = true;
				f.now_ms = now;
				f.agent = agents[a];
				f.category = cats[c];
				f.status_mask = masks[m];
				f.limit = 100000;
				assert_int_equal(store_complaint_list(th->st, &f, &list, &n), 0);
				store_complaint_list_free(list, n);
				assert_int_equal(store_complaint_count_max(th->st, &f, 100000, 0,
				                                           &total, &exact),
				                 0);
				assert_int_equal(total, (int64_t)n);
				assert_true(exact);
				if (n > 3) {
					assert_int_equal(store_complaint_count_max(th->st, &f, 3, 0,
					                                           &total, &exact),
					                 0);
					assert_int_equal(total, 3);
					assert_false(exact);
				}
				seen += n;
			}
	assert_true(seen > 100);
	assert_true(test_sr_int(th,
	                        "SELECT count(*) FROM (SELECT complaint_id FROM promises"
	                        " WHERE status = 'open' AND due_ms < strftime('%s', 'now') * 1000"
	                        " GROUP BY 1 HAVING count(*) > 1)") > 0);
	testhost_free(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sr_rollup_matches_rows),
	    cmocka_unit_test(test_sr_rollup_follows_changes),
	    cmocka_unit_test(test_sr_backfill),
	    cmocka_unit_test(test_sr_snapshot),
	    cmocka_unit_test(test_sr_overdue_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
