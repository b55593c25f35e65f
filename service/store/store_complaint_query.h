/* store_complaint_query — the list, count and search queries of complaints built from a filter
 * (struct complaint_filter, store_complaint.h): the statement text with numbered parameters,
 * and its arguments. Internal to the store (store_complaint.c runs them); same threading as
 * store.h. Texts in a query are borrowed from the filter. Errors: 0 or a negative store
 * error. */
#ifndef PROPDESK_STORE_COMPLAINT_QUERY_H
#define PROPDESK_STORE_COMPLAINT_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "store_complaint.h"
#include "store_int.h"

/* The columns of a complaint's row (store_complaint.c reads them). */
#define STORE_COMPLAINT_COLS                                                                       \
	"c.id, c.number, c.unit, c.unit_verified, c.caller, c.relation, c.phone, c.channel, "      \
	"c.category, c.words, c.mood, c.dialect, c.outcome, c.status, c.agent, c.assignee, "       \
	"c.created_ms, c.updated_ms, c.resolved_ms, "                                              \
	"(SELECT group_concat(t.code, ' ') FROM complaint_techniques t"                            \
	" WHERE t.complaint_id = c.id), "                                                          \
	"(SELECT count(*) FROM promises p INDEXED BY promises_complaint"                           \
	" WHERE p.complaint_id = c.id AND p.status = 'open'), "                                    \
	"(SELECT min(p.due_ms) FROM promises p INDEXED BY promises_complaint"                      \
	" WHERE p.complaint_id = c.id AND p.status = 'open')"

/* A query built from a filter. Parameters are numbered; texts are borrowed. */
#define STORE_COMPLAINT_QARGS 16
struct store_complaint_query {
	char sql[3072];
	size_t len;
	char fts[2 * COMPLAINT_TEXT_MAX + 8]; /* the search index query (store_pairs_query) */
	struct store_arg args[STORE_COMPLAINT_QARGS];
	size_t nargs;
	bool overflow;
};

/* How a built query ends. */
enum store_complaint_q_shape {
	SC_Q_ALL,       /* every matching row, newest first */
	SC_Q_PAGED,     /* with LIMIT and OFFSET */
	SC_Q_COUNT,     /* count(*) only */
	SC_Q_COUNT_MAX, /* a 1 for each of at most f->limit rows */
	SC_Q_SCAN,      /* id, words and outcome of every matching row, by id, latest first (with
	                 * a substring text: of the rows that hold it) */
};

/* Builds the query for f (and a substring text, may be NULL: with scan, read every text
 * instead of the index). */
int store_complaint_query_build(struct store_complaint_query *q, const struct complaint_filter *f,
                                const char *text, bool scan, enum store_complaint_q_shape shape);
/* Prepares (cached by its text) and binds the built query. */
int store_complaint_query_prepare(struct store *st, const struct store_complaint_query *q,
                                  sqlite3_stmt **out);

#endif
