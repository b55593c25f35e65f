/* store_tx — transactions. Every change through the store is one BEGIN IMMEDIATE transaction
 * holding the change and its audit event (store_audit.h), so that data and audit cannot
 * disagree; just before it commits, the search index is brought up to date with it
 * (store_search.h). A batch makes many changes one transaction. Same threading as store.h. */
#ifndef PROPDESK_STORE_TX_H
#define PROPDESK_STORE_TX_H

#include "store.h"

/* A batch: the changes made between store_tx_batch_begin and store_tx_batch_end are one
 * transaction (each still audited, and still all or nothing on its own: a failed change is
 * rolled back to where it began, and the batch goes on). For bulk loads (a benchmark's
 * generated desk): a batch holds the write lock throughout, so nothing else writes meanwhile.
 * Nested batches are refused (STORE_EINVAL). store_tx_batch_end commits when err is 0,
 * otherwise rolls the whole batch back; it returns err or the commit's error, and brings the
 * planner's statistics up to date (store_analyze). */
int store_tx_batch_begin(struct store *st);
int store_tx_batch_end(struct store *st, int err);

/* ---- inside the store (store_*.c) ---------------------------------------------------------- */

/* BEGIN IMMEDIATE (a savepoint inside a batch). */
int store_tx_begin(struct store *st);
/* Ends the transaction: brings the search index up to date, then commits when err is 0;
 * otherwise (or when either fails) rolls back. Returns err, or the failure's error. */
int store_tx_end(struct store *st, int err);

#endif
