/* store_median — the medians of `report techniques` from the snapshots of counts by bin (see
 * the header). Calls only store.c. */
#include "store_median.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "store_int.h"

#define STORE_MEDIAN_W ((int64_t)STORE_MEDIAN_WIDTH_MS)

static const char store_median_sql_top[] = "SELECT coalesce(max(bucket), -1)"
                                           " FROM report_resolved_snap";
/* The last snapshot at or before bucket ?1, or -1. */
static const char store_median_sql_at[] = "SELECT coalesce(max(bucket), -1)"
                                          " FROM report_resolved_snap WHERE bucket <= ?1";
static const char store_median_sql_snap[] = "INSERT INTO report_resolved_snap VALUES (?1)";
/* The next snapshot after ?1: one after the first bucket at or after ?1 with complaints, or the
 * clock's ?2 when none comes before it. */
static const char store_median_sql_next[] =
    "SELECT min(coalesce((SELECT min(bucket) + 1 FROM report_rollup"
    " WHERE level = 2 AND bucket >= ?1), ?2), ?2)";
/* Snapshot ?1 from snapshot ?2 (or none: -1) and the times of complaints created in buckets
 * [?3, ?1), read technique by technique (the rollup's level 2 names those of each bucket). */
static const char store_median_sql_take[] =
    "INSERT INTO report_resolved_cum (code, bin, bucket, n)"
    " SELECT code, bin, ?1, sum(n) FROM ("
    "  SELECT code, bin, n FROM report_resolved_cum INDEXED BY report_resolved_cum_at"
    "  WHERE bucket = ?2"
    "  UNION ALL SELECT r.code, r.bin, 1 FROM (SELECT DISTINCT code FROM report_rollup"
    "   WHERE level = 2 AND bucket >= ?3 AND bucket < ?1) k"
    "  JOIN report_resolved r ON r.code = k.code"
    "  AND r.created_ms >= ?3 * " STORE_MEDIAN_WIDTH_TEXT
    "  AND r.created_ms < ?1 * " STORE_MEDIAN_WIDTH_TEXT ")"
    " GROUP BY code, bin HAVING sum(n) <> 0";
/* Technique ?1's times by bin: snapshot ?2 plus the rows in [?3, ?4), less snapshot ?5 and
 * the rows in [?6, ?7). */
static const char store_median_sql_bins[] =
    "SELECT bin, sum(n) FROM ("
    " SELECT bin, n FROM report_resolved_cum INDEXED BY report_resolved_cum_at"
    " WHERE bucket = ?2 AND code = ?1"
    " UNION ALL SELECT bin, 1 FROM report_resolved"
    " WHERE code = ?1 AND created_ms >= ?3 AND created_ms < ?4"
    " UNION ALL SELECT bin, -n FROM report_resolved_cum INDEXED BY report_resolved_cum_at"
    " WHERE bucket = ?5 AND code = ?1"
    " UNION ALL SELECT bin, -1 FROM report_resolved"
    " WHERE code = ?1 AND created_ms >= ?6 AND created_ms < ?7)"
    " GROUP BY bin HAVING sum(n) <> 0 ORDER BY bin";
/* The (?5 + 1)-th smallest time of technique ?1 in bin ?2 created in [?3, ?4). */
static const char store_median_sql_pick[] =
    "SELECT resolve_ms FROM report_resolved INDEXED BY report_resolved_bin"
    " WHERE code = ?1 AND bin = ?2 AND created_ms >= ?3 AND created_ms < ?4"
    " ORDER BY resolve_ms LIMIT 1 OFFSET ?5";

/* Is the schema there (remembered once it is)? 1 yes, 0 no, or an error. */
static int store_median_ready(struct store *st)
{
	int v;

	if (st->median_ready)
		return 1;
	v = store_user_version(st);
	if (v < 0)
		return v;
	if (v < STORE_MEDIAN_SCHEMA)
		return 0;
	st->median_ready = true;
	return 1;
}

/* The bucket of time t (floor division: the buckets before 1970 are negative). */
static int64_t store_median_bucket(int64_t t)
{
	return t / STORE_MEDIAN_W - (t % STORE_MEDIAN_W < 0);
}

/* The last snapshot's bucket (-1: none) and the clock's; 1 when a new one is due, 0 when
 * not (or no schema), or an error. */
static int store_median_top(struct store *st, int64_t *top, int64_t *now)
{
	int rc = store_median_ready(st);

	*top = -1;
	*now = store_median_bucket(store_now_ms());
	if (rc <= 0)
		return rc;
	rc = store_query_int(st, store_median_sql_top, top, NULL, 0);
	return rc < 0 ? rc : *top < *now;
}

int store_median_due(struct store *st)
{
	int64_t top, now;

	return store_median_top(st, &top, &now);
}

int store_median_extend(struct store *st)
{
	int64_t top, now, next;
	int rc = store_median_top(st, &top, &now);

	/* One after each bucket with complaints (as the migration's backfill has them), up to the
	 * clock's: a desk that was not served for a while catches up in one go. */
	while (rc > 0) {
		rc = STORE_INT(st, store_median_sql_next, &next, STORE_I(top >= 0 ? top : INT64_MIN),
		               STORE_I(now));
		if (rc < 0)
			break;
		rc = STORE_EXEC(st, store_median_sql_snap, NULL, STORE_I(next));
		if (rc == 0)
			rc = STORE_EXEC(st, store_median_sql_take, NULL, STORE_I(next), STORE_I(top),
			                STORE_I(top >= 0 ? top : INT64_MIN / STORE_MEDIAN_W));
		if (rc < 0)
			break;
		top = next;
		rc = top < now;
	}
	return rc;
}

/* The times counted by bin up to time t: the last snapshot at or before t (or none) and where
 * the rows after it start. */
static int store_median_base(struct store *st, int64_t t, int64_t *snap, int64_t *from)
{
	int rc;

	*snap = -1;
	*from = INT64_MIN;
	if (t <= 0)
		return 0;
	rc = STORE_INT(st, store_median_sql_at, snap, STORE_I(store_median_bucket(t)));
	if (rc == 0 && *snap >= 0)
		*from = *snap * STORE_MEDIAN_W;
	return rc;
}

/* The (k + 1)-th smallest time of the period, k < the sum of counts[0..nb). */
static int store_median_rank(struct store *st, const char *code, int64_t lo, int64_t hi,
                             const int64_t *bins, const int64_t *counts, size_t nb, int64_t k,
                             int64_t *v)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	int rc;

	for (i = 0; i < nb && k >= counts[i]; i++)
		k -= counts[i];
	if (i == nb)
		return 1;
	rc = STORE_PREP(st, store_median_sql_pick, &s, STORE_T(code), STORE_I(bins[i]),
	                STORE_I(lo), STORE_I(hi), STORE_I(k));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(s, 0);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 1 : store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

int store_median_of(struct store *st, const char *code, int64_t lo, int64_t hi, int64_t n,
                    int64_t *median)
{
	int64_t snap_hi, from_hi, snap_lo, from_lo, total = 0, a = 0, b = 0;
	int64_t *bins = NULL, *counts = NULL;
	size_t nb = 0, cap = 0;
	sqlite3_stmt *s = NULL;
	bool disagree = false;
	int rc = store_median_ready(st);

	if (rc <= 0)
		return rc < 0 ? rc : 1;
	if (n <= 0 || lo >= hi)
		return 1;
	rc = store_median_base(st, hi, &snap_hi, &from_hi);
	if (rc == 0)
		rc = store_median_base(st, lo, &snap_lo, &from_lo);
	if (rc == 0)
		rc = STORE_PREP(st, store_median_sql_bins, &s, STORE_T(code), STORE_I(snap_hi),
		                STORE_I(from_hi), STORE_I(hi), STORE_I(snap_lo), STORE_I(from_lo),
		                STORE_I(lo));
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (nb == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			int64_t *nbins = realloc(bins, ncap * sizeof *bins), *ncounts;

			if (nbins == NULL) {
				rc = -ENOMEM;
				break;
			}
			bins = nbins;
			ncounts = realloc(counts, ncap * sizeof *counts);
			if (ncounts == NULL) {
				rc = -ENOMEM;
				break;
			}
			counts = ncounts;
			cap = ncap;
		}
		bins[nb] = sqlite3_column_int64(s, 0);
		counts[nb] = sqlite3_column_int64(s, 1);
		if (counts[nb] < 0)
			disagree = true; /* a snapshot disagrees with the rows: read them all */
		total += counts[nb++];
	}
	if (rc == SQLITE_DONE)
		rc = total == n && !disagree ? 0 : 1;
	else if (rc > 0)
		rc = store_fail(st, rc);
	store_stmt_done(s);
	/* The median of the sorted times v[0..n): v[n/2], or the mean of the middle two. */
	if (rc == 0)
		rc = store_median_rank(st, code, lo, hi, bins, counts, nb, n / 2, &b);
	if (rc == 0 && n % 2 == 0)
		rc = store_median_rank(st, code, lo, hi, bins, counts, nb, n / 2 - 1, &a);
	if (rc == 0)
		*median = n % 2 == 1 ? b : a + (b - a) / 2;
	free(bins);
	free(counts);
	return rc;
}
