/* store_report — the `report techniques` statistics (see the header): summed from the rollup
 * (store_rollup.h) over the spans that make up the period, with the rows themselves for what
 * the spans cannot give (the ends of a period that fall inside a span, the open promises that
 * came due since the rollup's mark), and the medians from report_resolved; or computed
 * directly over complaints, their techniques, history and promises. Calls store.c only. */
#include "store_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"
#include "store_median.h"
#include "store_tx.h"
#include "store_rollup.h"

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

/* The statistics of [since_ms, until) computed over the rows. */
static int store_report_direct(struct store *st, int64_t now_ms, int64_t since_ms, int64_t until,
                               const char *category, bool by_agent, struct technique_stat **out,
                               size_t *n)
{
	struct technique_stat *rows = NULL;
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	size_t nrows = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = STORE_PREP(st, store_report_sql_counts, &s, STORE_I(since_ms), STORE_I(until),
	                STORE_T(category), STORE_I(by_agent), STORE_I(now_ms));
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

int store_report_techniques_direct(struct store *st, int64_t now_ms, int64_t since_ms,
                                   int64_t until_ms, const char *category, bool by_agent,
                                   struct technique_stat **out, size_t *n)
{
	return store_report_direct(st, now_ms > 0 ? now_ms : store_now_ms(), since_ms,
	                           until_ms > 0 ? until_ms : INT64_MAX, store_text_opt(category),
	                           by_agent, out, n);
}

/* ==== from the rollup ===================================================================== */

/* The counts of one level's spans [?2, ?3), in the columns of store_report_sql_counts. */
static const char store_report_sql_spans[] =
    "SELECT code, CASE WHEN ?5 THEN agent END, complaints, resolved, reopened, escalated,"
    " kept + open_due, kept_on_time FROM report_rollup"
    " WHERE level = ?1 AND bucket >= ?2 AND bucket < ?3 AND (?4 IS NULL OR category = ?4)";

/* The open promises due in (?5, ?6] of the complaints created in [?1, ?2). */
static const char store_report_sql_due[] =
    "SELECT t.code, CASE WHEN ?4 THEN c.agent END, count(*)"
    " FROM promises p INDEXED BY promises_status_due"
    " JOIN complaints c ON c.id = p.complaint_id"
    " JOIN complaint_techniques t ON t.complaint_id = c.id"
    " WHERE p.status = 'open' AND p.due_ms > ?5 AND p.due_ms <= ?6"
    " AND c.created_ms >= ?1 AND c.created_ms < ?2 AND (?3 IS NULL OR c.category = ?3)"
    " GROUP BY 1, 2";

/* The times to resolve of technique ?1's complaints created in [?2, ?3) (and their agents). */
static const char store_report_sql_times[] =
    "SELECT resolve_ms FROM report_resolved"
    " WHERE code = ?1 AND created_ms >= ?2 AND created_ms < ?3 AND (?4 IS NULL OR category = ?4)";
static const char store_report_sql_times_agent[] =
    "SELECT resolve_ms, agent FROM report_resolved"
    " WHERE code = ?1 AND created_ms >= ?2 AND created_ms < ?3 AND (?4 IS NULL OR category = ?4)";

static const char store_report_sql_mark[] = "SELECT due_ms FROM report_sweep";
static const char store_report_sql_begin[] = "BEGIN";
static const char store_report_sql_end[] = "COMMIT";

/* The groups summed so far. */
struct store_report_sum {
	struct technique_stat *rows;
	size_t n, cap;
	size_t last; /* the group found last */
};

static struct technique_stat *store_report_group(struct store_report_sum *sum,
                                                 const unsigned char *code,
                                                 const unsigned char *agent)
{
	struct technique_stat *r;
	size_t i;
	void *p;

	if (code == NULL)
		return NULL;
	if (sum->last < sum->n && store_report_same(sum->rows[sum->last].technique, code) &&
	    store_report_same(sum->rows[sum->last].agent, agent))
		return &sum->rows[sum->last];
	for (i = 0; i < sum->n; i++)
		if (store_report_same(sum->rows[i].technique, code) &&
		    store_report_same(sum->rows[i].agent, agent)) {
			sum->last = i;
			return &sum->rows[i];
		}
	p = sum->rows;
	if (store_grow(&p, &sum->cap, sum->n, sizeof *sum->rows) < 0)
		return NULL;
	sum->rows = p;
	r = &sum->rows[sum->n];
	memset(r, 0, sizeof *r);
	r->median_resolve_ms = -1;
	r->technique = strdup((const char *)code);
	r->agent = agent != NULL ? strdup((const char *)agent) : NULL;
	if (r->technique == NULL || (agent != NULL && r->agent == NULL)) {
		store_report_stat_clear(r);
		return NULL;
	}
	sum->last = sum->n++;
	return r;
}

/* Adds each row of s (the columns of store_report_sql_counts; with promises only, the count
 * of open promises times sign) to the sums; s is done afterwards. */
static int store_report_add(struct store *st, sqlite3_stmt *s, struct store_report_sum *sum,
                            bool promises_only, int64_t sign)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct technique_stat *r =
		    store_report_group(sum, sqlite3_column_text(s, 0), sqlite3_column_text(s, 1));

		if (r == NULL) {
			rc = -ENOMEM;
			break;
		}
		if (promises_only) {
			r->promises_due += sign * sqlite3_column_int64(s, 2);
			continue;
		}
		r->complaints += sqlite3_column_int64(s, 2);
		r->resolved += sqlite3_column_int64(s, 3);
		r->reopened += sqlite3_column_int64(s, 4);
		r->escalated += sqlite3_column_int64(s, 5);
		r->promises_due += sqlite3_column_int64(s, 6);
		r->promises_kept_on_time += sqlite3_column_int64(s, 7);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc);
	store_stmt_done(s);
	return rc;
}

/* The rows' counts over [lo, hi) (an end of the period inside a span). */
static int store_report_add_rows(struct store *st, struct store_report_sum *sum, int64_t now_ms,
                                 int64_t lo, int64_t hi, const char *category, bool by_agent)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (lo >= hi)
		return 0;
	rc = STORE_PREP(st, store_report_sql_counts, &s, STORE_I(lo), STORE_I(hi),
	                STORE_T(category), STORE_I(by_agent), STORE_I(now_ms));
	return rc < 0 ? rc : store_report_add(st, s, sum, false, 0);
}

/* The rollup's counts of spans [a, b) of level: one range of spans at each end a level, the
 * rest one level up. */
static int store_report_add_spans(struct store *st, struct store_report_sum *sum, int64_t a,
                                  int64_t b, const char *category, bool by_agent)
{
	const int64_t f = STORE_ROLLUP_FANOUT;
	int64_t lo[2 * (STORE_ROLLUP_TOP + 1)], hi[2 * (STORE_ROLLUP_TOP + 1)];
	int level[2 * (STORE_ROLLUP_TOP + 1)];
	size_t nr = 0, i;
	int L, rc = 0;

	for (L = 0; a < b; L++) {
		if (L == STORE_ROLLUP_TOP) {
			level[nr] = L, lo[nr] = a, hi[nr++] = b;
			break;
		}
		if (a % f != 0) {
			int64_t e = (a / f + 1) * f < b ? (a / f + 1) * f : b;

			level[nr] = L, lo[nr] = a, hi[nr++] = e;
			a = e;
		}
		if (a < b && b % f != 0) {
			int64_t e = b / f * f > a ? b / f * f : a;

			level[nr] = L, lo[nr] = e, hi[nr++] = b;
			b = e;
		}
		a /= f;
		b /= f;
	}
	for (i = 0; i < nr && rc == 0; i++) {
		sqlite3_stmt *s = NULL;

		rc = STORE_PREP(st, store_report_sql_spans, &s, STORE_I(level[i]), STORE_I(lo[i]),
		                STORE_I(hi[i]), STORE_T(category), STORE_I(by_agent));
		if (rc == 0)
			rc = store_report_add(st, s, sum, false, 0);
	}
	return rc;
}

static int store_report_cmp(const void *x, const void *y)
{
	const struct technique_stat *a = x, *b = y;
	int c = strcmp(a->technique, b->technique);

	if (c != 0 || a->agent == b->agent)
		return c;
	if (a->agent == NULL || b->agent == NULL)
		return a->agent == NULL ? -1 : 1;
	return strcmp(a->agent, b->agent);
}

/* The k-th smallest of v[0..n) (k < n), moving v about. */
static int64_t store_report_select(int64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		int64_t pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				int64_t t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/* The median of v[0..n), n > 0, as store_report_median has it of the sorted values. */
static int64_t store_report_median_of(int64_t *v, size_t n)
{
	int64_t hi = store_report_select(v, n, n / 2), lo;
	size_t i;

	if (n % 2 == 1)
		return hi;
	/* The lower middle is the largest of the lower half, which selection left below. */
	lo = v[0];
	for (i = 1; i < n / 2; i++)
		if (v[i] > lo)
			lo = v[i];
	return lo + (hi - lo) / 2;
}

/* One group's times to resolve. */
struct store_report_times {
	int64_t *v;
	size_t n, cap;
};

/* Reads the times to resolve of one technique (the groups rows[0..n), all of that technique,
 * by agent when more than one) into t. */
static int store_report_times_of(struct store *st, struct technique_stat *rows, size_t n,
                                 struct store_report_times *t, int64_t lo, int64_t hi,
                                 const char *category, bool by_agent)
{
	sqlite3_stmt *s = NULL;
	size_t j = 0, i;
	int rc;

	for (i = 0; i < n; i++) {
		/* The resolved ones have a time each (a hint: the store never lets them differ). */
		t[i].cap = rows[i].resolved > 0 ? (size_t)rows[i].resolved : 1;
		t[i].v = malloc(t[i].cap * sizeof *t[i].v);
		if (t[i].v == NULL)
			return -ENOMEM;
	}
	rc = STORE_PREP(st, by_agent ? store_report_sql_times_agent : store_report_sql_times, &s,
	                STORE_T(rows[0].technique), STORE_I(lo), STORE_I(hi), STORE_T(category));
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		void *p;

		if (by_agent) {
			const unsigned char *agent = sqlite3_column_text(s, 1);

			if (!store_report_same(rows[j].agent, agent)) {
				for (j = 0; j < n && !store_report_same(rows[j].agent, agent); j++)
					;
				if (j == n) {
					rc = store_fail_msg(
					    st, STORE_EIO,
					    "internal error: report groups disagree");
					break;
				}
			}
		}
		if (t[j].n == t[j].cap) {
			p = t[j].v;
			if (store_grow(&p, &t[j].cap, t[j].n, sizeof *t[j].v) < 0) {
				rc = -ENOMEM;
				break;
			}
			t[j].v = p;
		}
		t[j].v[t[j].n++] = sqlite3_column_int64(s, 0);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc);
	store_stmt_done(s);
	return rc;
}

/* The medians of the rows (sorted, unique groups) from report_resolved over [lo, hi): one
 * range of the table per technique. */
static int store_report_rollup_medians(struct store *st, struct technique_stat *rows, size_t nrows,
                                       int64_t lo, int64_t hi, const char *category, bool by_agent)
{
	struct store_report_times *t = calloc(nrows + 1, sizeof *t);
	size_t first = 0, end, i;
	int rc = 0;

	if (t == NULL)
		return -ENOMEM;
	for (first = 0; first < nrows && rc == 0; first = end) {
		for (end = first + 1;
		     end < nrows && strcmp(rows[end].technique, rows[first].technique) == 0; end++)
			;
		/* One group of the technique over every category: from the snapshots by bin. */
		if (!by_agent && category == NULL && end == first + 1 && rows[first].resolved > 0) {
			rc = store_median_of(st, rows[first].technique, lo, hi, rows[first].resolved,
			                     &rows[first].median_resolve_ms);
			if (rc <= 0)
				continue;
		}
		rc = store_report_times_of(st, rows + first, end - first, t + first, lo, hi,
		                           category, by_agent);
	}
	for (i = 0; i < nrows; i++) {
		if (rc == 0 && t[i].n > 0)
			rows[i].median_resolve_ms = store_report_median_of(t[i].v, t[i].n);
		free(t[i].v);
	}
	free(t);
	return rc;
}

/* The report from the rollup, in the current read transaction. */
static int store_report_rollup(struct store *st, int64_t now_ms, int64_t since, int64_t until,
                               const char *category, bool by_agent, struct technique_stat **out,
                               size_t *n)
{
	const int64_t q = STORE_ROLLUP_SPAN_MS;
	struct store_report_sum sum = {.rows = NULL};
	int64_t a = since / q + (since % q != 0), b = until / q, mark = 0;
	size_t i, k;
	int rc;

	*out = NULL;
	*n = 0;
	if (a >= b)
		return store_report_direct(st, now_ms, since, until, category, by_agent, out, n);
	rc = store_query_int(st, store_report_sql_mark, &mark, NULL, 0);
	if (rc == 0)
		rc = store_report_add_rows(st, &sum, now_ms, since, a * q, category, by_agent);
	if (rc == 0)
		rc = store_report_add_rows(st, &sum, now_ms, b * q, until, category, by_agent);
	if (rc == 0)
		rc = store_report_add_spans(st, &sum, a, b, category, by_agent);
	if (rc == 0 && mark != now_ms) {
		/* The rollup counts the open promises due by its mark; the report, those by now. */
		sqlite3_stmt *s = NULL;

		rc = STORE_PREP(st, store_report_sql_due, &s, STORE_I(a * q), STORE_I(b * q),
		                STORE_T(category), STORE_I(by_agent),
		                STORE_I(mark < now_ms ? mark : now_ms),
		                STORE_I(mark < now_ms ? now_ms : mark));
		if (rc == 0)
			rc = store_report_add(st, s, &sum, true, mark < now_ms ? 1 : -1);
	}
	/* Groups whose complaints were all taken away again are no groups. */
	for (i = 0, k = 0; rc == 0 && i < sum.n; i++) {
		struct technique_stat *r = &sum.rows[i];

		if (r->complaints <= 0) {
			store_report_stat_clear(r);
			continue;
		}
		r->resolved_share = (double)r->resolved / (double)r->complaints;
		r->reopen_rate = (double)r->reopened / (double)r->complaints;
		r->escalation_rate = (double)r->escalated / (double)r->complaints;
		sum.rows[k++] = *r;
	}
	if (rc == 0) {
		sum.n = k;
		if (sum.n == 0) {
			free(sum.rows);
			return 0;
		}
		qsort(sum.rows, sum.n, sizeof *sum.rows, store_report_cmp);
		rc = store_report_rollup_medians(st, sum.rows, sum.n, since, until, category,
		                                 by_agent);
	}
	if (rc < 0) {
		store_report_free(sum.rows, sum.n);
		return rc;
	}
	*out = sum.rows;
	*n = sum.n;
	return 0;
}

int store_report_techniques(struct store *st, int64_t now_ms, int64_t since_ms, int64_t until_ms,
                            const char *category, bool by_agent, struct technique_stat **out,
                            size_t *n)
{
	int64_t until = until_ms > 0 ? until_ms : INT64_MAX;
	bool tx = sqlite3_get_autocommit(st->db) != 0;
	int v, rc;

	*out = NULL;
	*n = 0;
	now_ms = now_ms > 0 ? now_ms : store_now_ms();
	category = store_text_opt(category);
	v = store_user_version(st);
	if (v < 0)
		return v;
	if (v < STORE_ROLLUP_SCHEMA || since_ms < 0)
		return store_report_direct(st, now_ms, since_ms, until, category, by_agent, out, n);
	/* One snapshot: the rollup, its mark and the rows read with it must agree. */
	if (tx && (rc = store_exec(st, store_report_sql_begin, NULL, NULL, 0)) < 0)
		return rc;
	rc = store_report_rollup(st, now_ms, since_ms, until, category, by_agent, out, n);
	if (tx) {
		int erc = store_exec(st, store_report_sql_end, NULL, NULL, 0);

		if (rc == 0 && erc < 0) {
			store_report_free(*out, *n);
			*out = NULL;
			*n = 0;
			rc = erc;
		}
	}
	return rc;
}

int store_report_snapshot(struct store *st)
{
	int rc = store_median_due(st);

	if (rc <= 0)
		return rc;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	return store_tx_end(st, store_median_extend(st));
}
