/* store_report — the statistics behind `report techniques`: for each communication technique
 * (and agent), how the complaints tagged with it went: resolved, reopened, escalated, how fast,
 * and whether the promises made on them were kept on time. Read-only: run it on the thread
 * pool with a store opened STORE_READONLY (store.h's threading otherwise). Rows returned own
 * their strings (store_report_free). Errors: 0 or a negative store error. */
#ifndef PROPDESK_STORE_REPORT_H
#define PROPDESK_STORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One row per technique (and agent, when by agent) over the complaints created in
 * [since_ms, until_ms) (0: unbounded) and of the category (NULL: all). A complaint with
 * several techniques counts for each. */
struct technique_stat {
	char *technique;
	char *agent; /* the complaint's agent when by_agent, else NULL */
	int64_t complaints;
	int64_t resolved;              /* now resolved */
	int64_t reopened;              /* reopened at least once */
	int64_t escalated;             /* escalated at least once */
	double resolved_share;         /* resolved / complaints */
	double reopen_rate;            /* reopened / complaints */
	double escalation_rate;        /* escalated / complaints */
	int64_t median_resolve_ms;     /* of resolved_ms - created_ms over the resolved; -1: none */
	int64_t promises_due;          /* not withdrawn, and due by now or already kept */
	int64_t promises_kept_on_time; /* kept no later than due */
};

void store_report_free(struct technique_stat *rows, size_t n);
/* Rows ordered by technique, then agent, with promises due by now_ms (0: the clock). Summed
 * from the rollup (store_rollup.h) where the schema has it, with the rows themselves read for
 * the ends of the period that fall inside a span of 15 minutes (none for periods of whole
 * days), for the open promises that came due since the rollup's mark (those of the minutes
 * since the last change), and for the medians (report_resolved: one row per resolved
 * complaint and technique of the period). */
int store_report_techniques(struct store *st, int64_t now_ms, int64_t since_ms, int64_t until_ms,
                            const char *category, bool by_agent, struct technique_stat **out,
                            size_t *n);
/* Takes the medians' snapshot of the times to resolve (store_median.h) when the clock has
 * entered a new span of 64 hours since the last, in a transaction of its own; does nothing
 * (and writes nothing) otherwise. Slow (it reads the times of the span): on the thread pool,
 * as the daemon runs it every second. */
int store_report_snapshot(struct store *st);
/* The same computed over the complaints, their techniques, history and promises alone: what
 * the rollup must agree with (tests), reading every complaint of the period. */
int store_report_techniques_direct(struct store *st, int64_t now_ms, int64_t since_ms,
                                   int64_t until_ms, const char *category, bool by_agent,
                                   struct technique_stat **out, size_t *n);

#endif
