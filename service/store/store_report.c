/* store_report — the `report techniques` statistics (see the header): two read-only queries
 * over complaints, their techniques, history and promises. Calls store.c only. */
#include "store_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

/* The complaints of a report: ?1 since, ?2 until, ?3 category or NULL, ?4 by agent. */
#define STORE_REPORT_FROM                                                                          \
	" FROM complaints c JOIN complaint_techniques t ON t.complaint_id = c.id"                  \
	" WHERE c.created_ms >= ?1 AND c.created_ms < ?2 AND (?3 IS NULL OR c.category = ?3)"

static const char store_report_sql_counts[] =
    "SELECT t.code, CASE WHEN ?4 THEN c.agent END, count(*),"
    " sum(c.status = 'resolved'),"
    " sum(EXISTS (SELECT 1 FROM complaint_history h WHERE h.complaint_id = c.id"
    "  AND h.action = 'reopen')),"
    " sum(EXISTS (SELECT 1 FROM complaint_history h WHERE h.complaint_id = c.id"
    "  AND h.action = 'escalate')),"
    " sum((SELECT count(*) FROM promises p INDEXED BY promises_complaint"
    "  WHERE p.complaint_id = c.id"
    "  AND (p.status = 'kept' OR (p.status = 'open' AND p.due_ms <= ?5)))),"
    " sum((SELECT count(*) FROM promises p INDEXED BY promises_complaint"
    "  WHERE p.complaint_id = c.id"
    "  AND p.status = 'kept' AND p.closed_ms <= p.due_ms))" STORE_REPORT_FROM
    " GROUP BY 1, 2 ORDER BY 1, 2";

static const char store_report_sql_durations[] =
    "SELECT t.code, CASE WHEN ?4 THEN c.agent END,"
    " c.resolved_ms - c.created_ms" STORE_REPORT_FROM
    " AND c.status = 'resolved' AND c.resolved_ms IS NOT NULL"
    " ORDER BY 1, 2, 3";

static void store_report_stat_clear(struct technique_stat *r)
{
	free(r->technique);
	free(r->agent);
	memset(r, 0, sizeof *r);
}

static void store_report_stat_clear_v(void *p)
{
	store_report_stat_clear(p);
}

void store_report_free(struct technique_stat *rows, size_t n)
{
	store_list_free(rows, n, sizeof *rows, store_report_stat_clear_v);
}

static int store_report_stat_fill(sqlite3_stmt *s, void *elem)
{
	struct technique_stat *r = elem;
	int err = 0;

	memset(r, 0, sizeof *r);
	err |= store_col_dup(s, 0, &r->technique);
	err |= store_col_dup(s, 1, &r->agent);
	r->complaints = sqlite3_column_int64(s, 2);
	r->resolved = sqlite3_column_int64(s, 3);
	r->reopened = sqlite3_column_int64(s, 4);
	r->escalated = sqlite3_column_int64(s, 5);
	r->promises_due = sqlite3_column_int64(s, 6);
	r->promises_kept_on_time = sqlite3_column_int64(s, 7);
	r->median_resolve_ms = -1;
	if (r->complaints > 0) {
		r->resolved_share = (double)r->resolved / (double)r->complaints;
		r->reopen_rate = (double)r->reopened / (double)r->complaints;
		r->escalation_rate = (double)r->escalated / (double)r->complaints;
	}
	if (err != 0) {
		store_report_stat_clear(r);
		return -ENOMEM;
	}
	return 0;
}

static bool store_report_same(const char *a, const unsigned char *b)
{
	if (a == NULL || b == NULL)
		return a == NULL && b == NULL;
	return strcmp(a, (const char *)b) == 0;
}

/* The median of v[0..n) (sorted ascending); n > 0. */
static int64_t store_report_median(const int64_t *v, size_t n)
{
	if (n % 2 == 1)
		return v[n / 2];
	return v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

/* Sets each row's median time to resolve from the sorted durations of statement s. */
static int store_report_medians(struct store *st, sqlite3_stmt *s, struct technique_stat *rows,
                                size_t nrows)
{
	int64_t *v = NULL;
	size_t cap = 0, count = 0, j = 0;
	int rc;
	bool have = false;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *code = sqlite3_column_text(s, 0);
		const unsigned char *agent = sqlite3_column_text(s, 1);
		void *p = v;

		if (!have || !store_report_same(rows[j].technique, code) ||
		    !store_report_same(rows[j].agent, agent)) {
			if (have)
				rows[j].median_resolve_ms = store_report_median(v, count);
			count = 0;
			have = false;
			while (j < nrows && !(store_report_same(rows[j].technique, code) &&
			                      store_report_same(rows[j].agent, agent)))
				j++;
			if (j == nrows) {
				rc = store_fail_msg(st, STORE_EIO,
				                    "internal error: report groups disagree");
				break;
			}
			have = true;
		}
		if (store_grow(&p, &cap, count, sizeof *v) < 0) {
			rc = -ENOMEM;
			break;
		}
		v = p;
		v[count++] = sqlite3_column_int64(s, 2);
	}
	if (rc == SQLITE_DONE) {
		rc = 0;
		if (have)
			rows[j].median_resolve_ms = store_report_median(v, count);
	} else if (rc > 0) {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	free(v);
	return rc;
}

int store_report_techniques(struct store *st, int64_t since_ms, int64_t until_ms,
                            const char *category, bool by_agent, struct technique_stat **out,
                            size_t *n)
{
	struct technique_stat *rows = NULL;
	sqlite3_stmt *s = NULL;
	int64_t until = until_ms > 0 ? until_ms : INT64_MAX;
	void *p = NULL;
	size_t nrows = 0;
	int rc;

	*out = NULL;
	*n = 0;
	category = store_text_opt(category);
	rc = STORE_PREP(st, store_report_sql_counts, &s, STORE_I(since_ms), STORE_I(until),
	                STORE_T(category), STORE_I(by_agent), STORE_I(store_now_ms()));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof *rows, store_report_stat_fill, store_report_stat_clear_v,
	                   &p, &nrows);
	rows = p;
	if (rc == 0 && nrows > 0) {
		rc = STORE_PREP(st, store_report_sql_durations, &s, STORE_I(since_ms),
		                STORE_I(until), STORE_T(category), STORE_I(by_agent));
		if (rc == 0)
			rc = store_report_medians(st, s, rows, nrows);
	}
	if (rc < 0) {
		store_report_free(rows, nrows);
		return rc;
	}
	*out = rows;
	*n = nrows;
	return 0;
}
