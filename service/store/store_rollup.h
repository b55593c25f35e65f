/* store_rollup — the rollup behind `report techniques` (its tables and triggers: migration 6
 * in store_schema.c; what reads it: store_report.c). For each span of creation time, category,
 * agent and technique, report_rollup holds the counts the report sums; triggers keep it in the
 * transaction of each change. Only the open promises that come due as time passes change
 * without a change: report_rollup.open_due counts those due by report_sweep.due_ms, and just
 * before each transaction commits the store moves that mark to the clock, adding the promises
 * that came due meanwhile (store_rollup_sweep, from store_tx.c). Internal to the store
 * (store_*.c); same threading as store.h. Errors: 0 or a negative store error. */
#ifndef PROPDESK_STORE_ROLLUP_H
#define PROPDESK_STORE_ROLLUP_H

#include "store.h"

/* The schema version from which the rollup exists. */
#define STORE_ROLLUP_SCHEMA 6

/* Spans: level L is STORE_ROLLUP_SPAN_MS * 16^L wide, L = 0..STORE_ROLLUP_TOP (15 minutes,
 * 4 hours, 2.7 days, 43 days, 1.9 years, 30 years, 479 years), and a complaint falls in span
 * created_ms / width of each level. 15 minutes: every time zone's midnight starts a span, so
 * a report by days reads no complaint row. */
#define STORE_ROLLUP_SPAN_MS 900000
#define STORE_ROLLUP_SPAN_TEXT "900000"
#define STORE_ROLLUP_FANOUT 16
#define STORE_ROLLUP_FANOUT_TEXT "16"
#define STORE_ROLLUP_TOP 6
#define STORE_ROLLUP_TOP_TEXT "6"

/* The tail of every statement that adds to the rollup. */
#define STORE_ROLLUP_UPSERT                                                                        \
	" ON CONFLICT (level, bucket, category, agent, code) DO UPDATE SET"                        \
	" complaints = complaints + excluded.complaints,"                                          \
	" resolved = resolved + excluded.resolved,"                                                \
	" reopened = reopened + excluded.reopened,"                                                \
	" escalated = escalated + excluded.escalated, kept = kept + excluded.kept,"                \
	" kept_on_time = kept_on_time + excluded.kept_on_time,"                                    \
	" open_due = open_due + excluded.open_due"

/* Level L of the backfill, summed from level L - 1 (a string literal). */
#define STORE_ROLLUP_UP(L)                                                                         \
	"INSERT INTO report_rollup SELECT " L ", bucket / " STORE_ROLLUP_FANOUT_TEXT               \
	", category, agent, code,"                                                                 \
	" sum(complaints), sum(resolved), sum(reopened), sum(escalated), sum(kept),"               \
	" sum(kept_on_time), sum(open_due) FROM report_rollup WHERE level = " L " - 1"             \
	" GROUP BY 2, 3, 4, 5;"

/* A complaint's whole share (times sign) at every level, for the techniques t of from/where,
 * from its rows as they are now: worked out once (LIMIT keeps the planner from doing it again
 * for each level), then added at each. */
#define STORE_ROLLUP_SHARE_OF(sign, code, from, where)                                             \
	"INSERT INTO report_rollup SELECT l.level, x.created_ms / l.width, x.category, x.agent,"   \
	" x.code, x.n, x.resolved, x.reopened, x.escalated, x.kept, x.kept_on_time, x.open_due"    \
	" FROM (SELECT c.created_ms, c.category, c.agent, " code " AS code, " sign " AS n,"        \
	" " sign " * (c.status = 'resolved') AS resolved,"                                         \
	" " sign " * EXISTS (SELECT 1 FROM complaint_history h WHERE h.complaint_id = c.id"        \
	"  AND h.action = 'reopen') AS reopened,"                                                  \
	" " sign " * EXISTS (SELECT 1 FROM complaint_history h WHERE h.complaint_id = c.id"        \
	"  AND h.action = 'escalate') AS escalated,"                                               \
	" " sign " * (SELECT count(*) FROM promises p WHERE p.complaint_id = c.id"                 \
	"  AND p.status = 'kept') AS kept,"                                                        \
	" " sign " * (SELECT count(*) FROM promises p WHERE p.complaint_id = c.id"                 \
	"  AND p.status = 'kept' AND p.closed_ms <= p.due_ms) AS kept_on_time,"                    \
	" " sign " * (SELECT count(*) FROM promises p WHERE p.complaint_id = c.id"                 \
	"  AND p.status = 'open' AND p.due_ms <= (SELECT due_ms FROM report_sweep)) AS open_due"   \
	" FROM complaints c" from " WHERE " where                                                  \
	" LIMIT -1) x, report_levels l WHERE true" STORE_ROLLUP_UPSERT ";"
/* For the one technique code of complaint id (a technique row added or removed). */
#define STORE_ROLLUP_SHARE_CODE(sign, id, code) STORE_ROLLUP_SHARE_OF(sign, code, "", "c.id = " id)
/* For each of the complaint's techniques. */
#define STORE_ROLLUP_SHARE_ALL(sign, id)                                                           \
	STORE_ROLLUP_SHARE_OF(                                                                     \
	    sign, "t.code", " JOIN complaint_techniques t ON t.complaint_id = c.id", "c.id = " id)

/* One promise's counts (times sign), its row being new or old in a trigger. */
#define STORE_ROLLUP_PROMISE(sign, row)                                                            \
	"INSERT INTO report_rollup SELECT l.level, c.created_ms / l.width, c.category, c.agent,"   \
	" t.code, 0, 0, 0, 0, " sign " * (" row ".status = 'kept'),"                               \
	" " sign " * coalesce(" row ".status = 'kept' AND " row ".closed_ms <= " row               \
	".due_ms, 0),"                                                                             \
	" " sign " * (" row ".status = 'open' AND " row                                            \
	".due_ms <= (SELECT due_ms FROM report_sweep))"                                            \
	" FROM complaints c JOIN complaint_techniques t ON t.complaint_id = c.id, report_levels l" \
	" WHERE c.id = " row ".complaint_id" STORE_ROLLUP_UPSERT ";"

/* Moves report_sweep.due_ms to the clock, adding to open_due the open promises that came due
 * between (or taking away those no longer due, when the clock went back). In the current
 * transaction; nothing before the schema has the rollup. */
int store_rollup_sweep(struct store *st);

#endif
