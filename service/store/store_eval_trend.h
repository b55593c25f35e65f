/* store_eval_trend — the quality trends over supervisors' evaluations (`report quality`): per
 * week, month, agent, or item, each read from an index or sums of its own so that it grows
 * with the period's weeks, months or days (or one agent's answers), not with the desk. Reads
 * only; same threading as store.h. Strings passed in are borrowed; rows returned own their
 * keys (store_eval_trend_free; NULL does nothing). Errors: 0 or a negative store error. */
#ifndef PROPDESK_STORE_EVAL_TREND_H
#define PROPDESK_STORE_EVAL_TREND_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum eval_by { EVAL_BY_WEEK, EVAL_BY_MONTH, EVAL_BY_AGENT, EVAL_BY_ITEM };

struct eval_trend {
	char *key;     /* "2026-W48", "2026-11", the agent, the item */
	int64_t count; /* evaluations (for items: answers other than N/A) */
	int64_t earned, possible;
	int64_t passed;          /* evaluations passed (not for items) */
	int64_t critical_failed; /* critical failures */
};
struct eval_trend_filter {
	const char *agent;
	int64_t since_ms, until_ms;
	enum eval_by by;
};
/* Supervisors' evaluations only (of complaints; by item those of periods too), in key order
 * (agents and items: weakest first). By item, everyone's sums the months, days and (for the
 * ends of a period inside a day) answers the period covers; one agent's reads that agent's
 * answers. */
int store_eval_trend(struct store *st, const struct eval_trend_filter *f, struct eval_trend **out,
                     size_t *n);
void store_eval_trend_free(struct eval_trend *list, size_t n);
/* The same computed from the answers themselves (by item; the other trends as above): what
 * the sums must agree with (tests). */
int store_eval_trend_direct(struct store *st, const struct eval_trend_filter *f,
                            struct eval_trend **out, size_t *n);

#endif
