/* demo — the demo desk's data for `propdeskd demo seed`: a unit register (buildings 1-12,
 * owners with Chinese names and phones) and months of complaints spread over categories,
 * techniques, agents, moods and statuses, with notes, promises (kept on time, kept late,
 * overdue), handovers, escalations, resolutions and reopenings. Everything is written through
 * the store API (so it is audited, as session "demo-seed"), backdated with
 * store_complaint_set_clock. Deterministic: the same seed gives the same desk.
 * Offline, one thread; the store is borrowed. */
#ifndef PROPDESK_DEMO_H
#define PROPDESK_DEMO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

#define DEMO_DEFAULT_COMPLAINTS 300
#define DEMO_MAX_COMPLAINTS 2000000
#define DEMO_DEFAULT_SEED 20261126u

struct demo_stats {
	size_t units, complaints, notes, promises, promises_kept, promises_late, promises_withdrawn,
	    handovers, escalations, resolutions, reopenings;
};

/* Seeds st (migrated, with the agent accounts already created: every account of role agent
 * takes complaints, supervisors receive escalations) with ncomplaints complaints over the 120
 * days before now_ms (0: the clock). Refuses (STORE_EEXIST) a database that already has units
 * or complaints, STORE_ENOENT when there is no agent account. Returns 0 with *stats (may be
 * NULL) filled, or a negative store error with a message on err (may be NULL). */
int demo_seed(struct store *st, size_t ncomplaints, uint64_t seed, int64_t now_ms,
              struct demo_stats *stats, FILE *err);

/* The words and category of generated complaint n (0, 1, ...): one of the demo desk's phrases
 * (categories drawn by their weight), now and then with one of its closing remarks; the same n
 * gives the same text. For loads that need many complaints that read like the demo's
 * (scripts/bench's store benchmark). */
void demo_words(uint64_t n, char *words, size_t len, const char **category);

#endif
