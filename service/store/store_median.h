/* store_median — the medians of `report techniques` without reading every time to resolve
 * (migration 13 in store_schema.c; used by store_report.c). report_resolved holds each
 * resolved complaint's time to resolve per technique; its bin column orders the times into
 * bins of 0.1 to 1 % (the first three digits and the number of digits of the time in ms).
 * report_resolved_cum holds, at snapshot buckets (spans of STORE_MEDIAN_WIDTH_MS of creation
 * time, the rollup's level 2), how many times of each technique and bin belong to complaints
 * created before the snapshot. So the times of a period, counted by bin, are two snapshots'
 * differences and the few rows since each; the median is then read from the one bin that
 * holds it. Triggers keep the snapshots in the transaction of each change (hand edits too);
 * a new snapshot is taken once the clock has entered a new bucket (store_report_snapshot, on
 * the daemon's pool every second: the loop never takes one), and until then the rows since
 * the last one are read. Internal to the store;
 * same threading as store.h. Errors: 0 or a negative store error. */
#ifndef PROPDESK_STORE_MEDIAN_H
#define PROPDESK_STORE_MEDIAN_H

#include <stdint.h>

#include "store.h"

/* The schema version from which the snapshots exist. */
#define STORE_MEDIAN_SCHEMA 13

/* A snapshot bucket's width: the rollup's level 2 (64 hours), so that the rollup's level-2
 * rows name the techniques of each bucket. */
#define STORE_MEDIAN_WIDTH_MS 230400000
#define STORE_MEDIAN_WIDTH_TEXT "230400000"

/* The bin of a time to resolve x (ms), an SQL expression: x itself below 1000, else
 * digits * 1000 + the first three digits (4100 for 1000..1009, ..., 11999 for 999e8..): bins
 * of 0.1 to 1 %, so the one that holds a median holds few times. Never decreasing in x, so
 * counting times bin by bin counts them in order. */
#define STORE_MEDIAN_BIN(x)                                                                        \
	"(CASE WHEN " x " < 1000 THEN " x " ELSE length(" x ") * 1000"                             \
	" + CAST(substr(" x ", 1, 3) AS INTEGER) END)"

/* Whether a snapshot is due (the last is older than the clock's bucket): 1 yes, 0 no (or
 * the schema has none), or an error. */
int store_median_due(struct store *st);
/* Takes the snapshots due since the last: one after each bucket with complaints, up to the
 * clock's bucket. In the current transaction; nothing before the schema has the snapshots. */
int store_median_extend(struct store *st);

/* The median time to resolve of technique code's complaints created in [lo, hi), of which the
 * rollup counts n resolved (n > 0), in the current read transaction: 0 and *median, or 1 when
 * the snapshots cannot give it (an older schema, or counts that disagree with n: the caller
 * then reads every time). */
int store_median_of(struct store *st, const char *code, int64_t lo, int64_t hi, int64_t n,
                    int64_t *median);

#endif
