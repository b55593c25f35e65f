/* store_eval_trend — the quality trends (see the header). Calls store.c only. */
#include "store_eval_trend.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store_int.h"

/* Trends over supervisors' evaluations (?1 agent or NULL, ?2 since, ?3 until), each read from
 * an index of its own in the order it groups by, the index alone. */
#define STORE_EVAL_TREND_SUMS                                                                      \
	", count(*), sum(earned), sum(possible), sum(passed), sum(critical_failed)"
#define STORE_EVAL_TREND_WHERE                                                                     \
	" WHERE kind = 'supervisor' AND (?1 IS NULL OR agent = ?1) AND created_ms >= ?2"           \
	" AND created_ms < ?3"
static const char store_eval_sql_trend_week[] =
    "SELECT week AS k" STORE_EVAL_TREND_SUMS
    " FROM evaluations INDEXED BY evaluations_trend_week" STORE_EVAL_TREND_WHERE
    " GROUP BY week ORDER BY week";
static const char store_eval_sql_trend_month[] =
    "SELECT month AS k" STORE_EVAL_TREND_SUMS
    " FROM evaluations INDEXED BY evaluations_trend_month" STORE_EVAL_TREND_WHERE
    " GROUP BY month ORDER BY month";
static const char store_eval_sql_trend_agent[] =
    "SELECT agent AS k" STORE_EVAL_TREND_SUMS
    " FROM evaluations INDEXED BY evaluations_trend_agent" STORE_EVAL_TREND_WHERE
    " GROUP BY agent ORDER BY sum(earned) * 1.0 / max(sum(possible), 1), agent";
/* Everyone's by item: the whole months of the period from their sums (?1 <= month < ?2) and
 * its whole days outside them from theirs (?3 <= day < ?4, ?5 <= day < ?6); with _ends also
 * the answers of the parts of a day at its ends (?7 <= created_ms < ?8, ?9 <= created_ms <
 * ?10), found through the evaluations' index by time. */
#define STORE_EVAL_TREND_ITEM_SUMS                                                                 \
	"SELECT item AS k, sum(answers) AS a, sum(earned) AS e, sum(possible) AS p,"               \
	" sum(failed) AS f FROM evaluation_item_months WHERE month >= ?1 AND month < ?2"           \
	" GROUP BY item UNION ALL SELECT item, sum(answers), sum(earned), sum(possible),"          \
	" sum(failed) FROM evaluation_item_days WHERE (day >= ?3 AND day < ?4)"                    \
	" OR (day >= ?5 AND day < ?6) GROUP BY item"
#define STORE_EVAL_TREND_ITEM_GROUP " GROUP BY k ORDER BY sum(e) * 1.0 / max(sum(p), 1), k"
static const char store_eval_sql_trend_item_sums[] =
    "SELECT k, sum(a), sum(e), sum(p), 0, sum(f) FROM (" STORE_EVAL_TREND_ITEM_SUMS
    ")" STORE_EVAL_TREND_ITEM_GROUP;
#define STORE_EVAL_TREND_ITEM_END(lo, hi)                                                          \
	" UNION ALL SELECT i.item, count(*), sum(i.points * i.weight), sum(5 * i.weight),"         \
	" sum(i.failed)"                                                                           \
	" FROM evaluations v INDEXED BY evaluations_created"                                       \
	" JOIN evaluation_items i ON i.evaluation_id = v.id"                                       \
	" WHERE v.created_ms >= " lo " AND v.created_ms < " hi " AND i.counted = 1"                \
	" AND i.answer >= 0 GROUP BY i.item"
static const char store_eval_sql_trend_item_sums_ends[] =
    "SELECT k, sum(a), sum(e), sum(p), 0, sum(f) FROM (" STORE_EVAL_TREND_ITEM_SUMS
        STORE_EVAL_TREND_ITEM_END("?7", "?8")
            STORE_EVAL_TREND_ITEM_END("?9", "?10") ")" STORE_EVAL_TREND_ITEM_GROUP;
/* One agent's by item: that agent's answers of the period. */
static const char store_eval_sql_trend_item_agent[] =
    "SELECT item AS k, count(*), sum(points * weight), sum(5 * weight), 0, sum(failed)"
    " FROM evaluation_items INDEXED BY evaluation_items_agent_trend"
    " WHERE counted = 1 AND agent = ?1 AND created_ms >= ?2 AND created_ms < ?3 AND answer >= 0"
    " GROUP BY item ORDER BY sum(points * weight) * 1.0 / max(sum(5 * weight), 1), item";
/* The answers themselves, the direct computation the sums must agree with. */
static const char store_eval_sql_trend_item[] =
    "SELECT item AS k, count(*), sum(points * weight), sum(5 * weight), 0, sum(failed)"
    " FROM evaluation_items INDEXED BY evaluation_items_trend"
    " WHERE counted = 1 AND (?1 IS NULL OR agent = ?1) AND created_ms >= ?2"
    " AND created_ms < ?3 AND answer >= 0"
    " GROUP BY item ORDER BY sum(points * weight) * 1.0 / max(sum(5 * weight), 1), item";

static void store_eval_trend_clear(void *p)
{
	struct eval_trend *t = p;

	free(t->key);
	memset(t, 0, sizeof *t);
}

static int store_eval_trend_fill(sqlite3_stmt *s, void *elem)
{
	struct eval_trend *t = elem;

	memset(t, 0, sizeof *t);
	if (store_col_dup(s, 0, &t->key) != 0 || t->key == NULL) {
		store_eval_trend_clear(t);
		return -ENOMEM;
	}
	t->count = sqlite3_column_int64(s, 1);
	t->earned = sqlite3_column_int64(s, 2);
	t->possible = sqlite3_column_int64(s, 3);
	t->passed = sqlite3_column_int64(s, 4);
	t->critical_failed = sqlite3_column_int64(s, 5);
	return 0;
}

/* Local midnight at or after ms (up: true) or at or before it, in ms. */
static int64_t store_eval_trend_midnight(int64_t ms, bool up)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	bool exact;

	if (localtime_r(&t, &tm) == NULL)
		return ms;
	exact = ms % 1000 == 0 && tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if (up && !exact)
		tm.tm_mday++;
	return (int64_t)mktime(&tm) * 1000;
}

/* The first of the month at or after midnight ms (up) or at or before it. */
static int64_t store_eval_trend_month_start(int64_t ms, bool up)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return ms;
	if (tm.tm_mday == 1)
		return ms;
	tm.tm_mday = 1;
	if (up)
		tm.tm_mon++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* ms as local "YYYY-MM" (len 8) or "YYYY-MM-DD" (len 11). */
static void store_eval_trend_key(int64_t ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	if (len <= 8)
		snprintf(out, len, "%04u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		         (unsigned)(tm.tm_mon + 1) % 100u);
	else
		snprintf(out, len, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

/* The pieces of [since, until) (0: unbounded) that everyone's trend by item sums: whole
 * months m0 <= month < m1, whole days d0 <= day < d1 and d2 <= day < d3 beside them, and the
 * parts of a day [t0, t1) and [t2, t3) at the ends. Empty ranges are ("", ""), (0, 0). */
struct store_eval_trend_cut {
	char m0[8], m1[8], d0[11], d1[11], d2[11], d3[11];
	int64_t t0, t1, t2, t3;
};

static void store_eval_trend_cut(int64_t since, int64_t until, struct store_eval_trend_cut *c)
{
	int64_t sd, ud, sm, um;

	memset(c, 0, sizeof *c);
	if (until <= 0)
		until = INT64_MAX;
	if (since >= until)
		return;
	sd = since > 0 ? store_eval_trend_midnight(since, true) : 0;
	ud = until < INT64_MAX ? store_eval_trend_midnight(until, false) : INT64_MAX;
	if (since > 0 && sd >= ud) { /* within a day: its answers */
		c->t0 = since;
		c->t1 = until;
		return;
	}
	if (since > 0 && sd > since) {
		c->t0 = since;
		c->t1 = sd;
	}
	if (until < INT64_MAX && until > ud) {
		c->t2 = ud;
		c->t3 = until;
	}
	sm = since > 0 ? store_eval_trend_month_start(sd, true) : 0;
	um = until < INT64_MAX ? store_eval_trend_month_start(ud, false) : INT64_MAX;
	if (sm >= um) { /* no whole month: the days */
		store_eval_trend_key(sd > 0 ? sd : 0, c->d0, sizeof c->d0);
		if (since <= 0)
			snprintf(c->d0, sizeof c->d0, "%s", "");
		if (ud < INT64_MAX)
			store_eval_trend_key(ud, c->d1, sizeof c->d1);
		else
			snprintf(c->d1, sizeof c->d1, "%s", "9999-99-99");
		return;
	}
	if (since > 0) {
		store_eval_trend_key(sm, c->m0, sizeof c->m0);
		if (sd < sm) {
			store_eval_trend_key(sd, c->d0, sizeof c->d0);
			store_eval_trend_key(sm, c->d1, sizeof c->d1);
		}
	}
	if (um < INT64_MAX) {
		store_eval_trend_key(um, c->m1, sizeof c->m1);
		if (um < ud) {
			store_eval_trend_key(um, c->d2, sizeof c->d2);
			store_eval_trend_key(ud, c->d3, sizeof c->d3);
		}
	} else {
		snprintf(c->m1, sizeof c->m1, "%s", "9999-99");
	}
}

int store_eval_trend(struct store *st, const struct eval_trend_filter *f, struct eval_trend **out,
                     size_t *n)
{
	static const char *const sql[] = {
	    [EVAL_BY_WEEK] = store_eval_sql_trend_week,
	    [EVAL_BY_MONTH] = store_eval_sql_trend_month,
	    [EVAL_BY_AGENT] = store_eval_sql_trend_agent,
	    [EVAL_BY_ITEM] = store_eval_sql_trend_item,
	};
	int64_t until = f->until_ms > 0 ? f->until_ms : INT64_MAX;
	struct store_eval_trend_cut c; /* bound as text until the rows are read */
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((unsigned)f->by > EVAL_BY_ITEM)
		return STORE_EINVAL;
	if (f->by == EVAL_BY_ITEM && f->agent != NULL) {
		rc = STORE_PREP(st, store_eval_sql_trend_item_agent, &s, STORE_T(f->agent),
		                STORE_I(f->since_ms), STORE_I(until));
	} else if (f->by == EVAL_BY_ITEM) {
		store_eval_trend_cut(f->since_ms, f->until_ms, &c);
		if (c.t0 < c.t1 || c.t2 < c.t3)
			rc = STORE_PREP(st, store_eval_sql_trend_item_sums_ends, &s, STORE_T(c.m0),
			                STORE_T(c.m1), STORE_T(c.d0), STORE_T(c.d1), STORE_T(c.d2),
			                STORE_T(c.d3), STORE_I(c.t0), STORE_I(c.t1), STORE_I(c.t2),
			                STORE_I(c.t3));
		else
			rc = STORE_PREP(st, store_eval_sql_trend_item_sums, &s, STORE_T(c.m0),
			                STORE_T(c.m1), STORE_T(c.d0), STORE_T(c.d1), STORE_T(c.d2),
			                STORE_T(c.d3));
	} else {
		rc = STORE_PREP(st, sql[f->by], &s, STORE_T(f->agent), STORE_I(f->since_ms),
		                STORE_I(until));
	}
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_eval_trend_fill, store_eval_trend_clear, &p,
	                   n);
	*out = p;
	return rc;
}

int store_eval_trend_direct(struct store *st, const struct eval_trend_filter *f,
                            struct eval_trend **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (f->by != EVAL_BY_ITEM)
		return store_eval_trend(st, f, out, n);
	rc = STORE_PREP(st, store_eval_sql_trend_item, &s, STORE_T(f->agent), STORE_I(f->since_ms),
	                STORE_I(f->until_ms > 0 ? f->until_ms : INT64_MAX));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_eval_trend_fill, store_eval_trend_clear, &p,
	                   n);
	*out = p;
	return rc;
}

void store_eval_trend_free(struct eval_trend *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_eval_trend_clear);
}
