/* demo_eval — the demo desk's quality evaluations for `propdeskd demo seed`: about percent of
 * the complaints scored by a supervisor against the checklist (pinned as a version), a day or
 * two after they came in, each agent at a level of their own (so the trends differ), some
 * self-checked first by their agent; most acknowledged, some disputed, and some disputes
 * answered. Written through the store (audited, session "demo-seed"), backdated with
 * store_complaint_set_clock. Deterministic for a seed. Offline, one thread; borrows st and cl. */
#ifndef PROPDESK_DEMO_EVAL_H
#define PROPDESK_DEMO_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct checklist;

struct demo_eval_stats {
	size_t evaluations, self, acked, disputed, answered;
};

/* Seeds the evaluations of the complaints in st (seeded before: demo.h) with the supervisors
 * among its accounts. Returns 0 with *stats (may be NULL), STORE_ENOENT (nothing said) when
 * there is no supervisor to score with, or a negative store error with a message on err (may
 * be NULL). */
int demo_eval_seed(struct store *st, const struct checklist *cl, unsigned percent, uint64_t seed,
                   struct demo_eval_stats *stats, FILE *err);

#endif
