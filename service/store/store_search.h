/* store_search — the index behind `complaint search` (one FTS5 document per complaint, cut by
 * the tokenizer of store_pairs.h; its tables and triggers: migration 3 in store_schema.c), kept
 * in step with the complaints. Triggers note each complaint changed, with the text the index
 * holds for it, in complaint_search_pending; the store's transactions bring the index up to date
 * from there just before they commit (store_tx.c), so the index never disagrees with a
 * committed change made through the store. Internal to the store (store_*.c); same threading as
 * store.h. Errors: 0 or a negative store error. */
#ifndef PROPDESK_STORE_SEARCH_H
#define PROPDESK_STORE_SEARCH_H

#include "store.h"

/* The schema version from which the index exists. */
#define STORE_SEARCH_SCHEMA 3
/* ... and the units' index (movein find: each unit's code, owner's name, phone and ID number
 * as one document, unit_search, kept the same way through unit_search_pending for changes;
 * units added since the last sync, ids past unit_search_state.indexed_to, are indexed
 * without a trigger. Units are never deleted through the store: a unit deleted by hand leaves
 * its document until the index is rebuilt, and movein find checks each hit on its row). */
#define STORE_SEARCH_UNITS_SCHEMA 7

/* The texts to index: those of the pending complaints, driven by the few pending ids (CROSS
 * JOIN fixes the order). With statistics that describe a large desk and an empty pending
 * table, the planner would otherwise scan every complaint and look each up in the pending
 * table, at every change: 5 ms an add at 50,000 complaints. (Here so a test can check the
 * plan.) */
#define STORE_SEARCH_PENDING_TEXTS                                                                 \
	"SELECT t.id, t.body FROM complaint_search_pending p"                                      \
	" CROSS JOIN complaint_search_text t ON t.id = p.complaint_id"

/* Brings the indexes up to date with the complaints (and units) changed in the current transaction, each
 * old text out and each new one in, one statement for all of them (so a batch writes the index
 * once). Nothing before the schema has the index. 0 or a store error (the transaction then
 * rolls back). */
int store_search_sync(struct store *st);

/* Whether complaints wait to be indexed (changed outside the store, e.g. by hand in the
 * sqlite3 shell, which has no tokenizer; they are indexed by the next change through the
 * store): 1, 0 or a store error. A search then reads every text instead of the index. */
int store_search_pending(struct store *st);

#endif
