/* store_complaint_query — the queries of complaints built from a filter (see the header).
 * Calls store.c, store_pairs.c and store_complaint_status.c. */
#include "store_complaint_query.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store_complaint_status.h"
#include "store_pairs.h"

static void store_complaint_query_add(struct store_complaint_query *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void store_complaint_query_add(struct store_complaint_query *q, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (q->overflow)
		return;
	va_start(ap, fmt);
	w = vsnprintf(q->sql + q->len, sizeof q->sql - q->len, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof q->sql - q->len)
		q->overflow = true;
	else
		q->len += (size_t)w;
}

/* Adds a parameter and returns its number. */
static size_t store_complaint_query_arg(struct store_complaint_query *q, struct store_arg a)
{
	if (q->nargs >= STORE_COMPLAINT_QARGS) {
		q->overflow = true;
		return 1;
	}
	q->args[q->nargs++] = a;
	return q->nargs;
}

/* "= ?N" conditions on one column. */
static void store_complaint_query_eq(struct store_complaint_query *q, const char *col,
                                     const char *value)
{
	if (value != NULL)
		store_complaint_query_add(q, " AND %s = ?%zu", col,
		                          store_complaint_query_arg(q, STORE_T(value)));
}

/* Builds the query for f (and a substring text, may be NULL). */
/* Whether overdue is the filter's only condition. */
static bool store_complaint_query_only_overdue(const struct complaint_filter *f)
{
	return f->mine == NULL && f->agent == NULL && f->assignee == NULL && f->unit == NULL &&
	       f->category == NULL && f->status_mask == 0 && f->technique == NULL &&
	       f->since_ms == 0 && f->until_ms == 0;
}

int store_complaint_query_build(struct store_complaint_query *q, const struct complaint_filter *f,
                                const char *text, bool scan, enum store_complaint_q_shape shape)
{
	static const struct complaint_filter none;
	bool overdue;
	size_t k;

	if (f == NULL)
		f = &none;
	overdue = f->overdue;
	memset(q, 0, sizeof *q);
	if (shape == SC_Q_COUNT)
		store_complaint_query_add(q, "SELECT count(*)");
	else if (shape == SC_Q_COUNT_MAX)
		store_complaint_query_add(q, "SELECT 1");
	else if (shape == SC_Q_SCAN)
		store_complaint_query_add(q, "SELECT c.id, c.words, c.outcome");
	else
		store_complaint_query_add(q, "SELECT " STORE_COMPLAINT_COLS);
	if (text != NULL && scan) {
		/* Complaints changed by hand wait to be indexed: read every text instead. */
		k = store_complaint_query_arg(q, STORE_T(text));
		store_complaint_query_add(
		    q,
		    " FROM complaints c WHERE (instr(c.words, ?%zu) > 0"
		    " OR instr(coalesce(c.outcome, ''), ?%zu) > 0"
		    " OR EXISTS (SELECT 1 FROM complaint_notes n"
		    " WHERE n.complaint_id = c.id AND instr(n.text, ?%zu) > 0))",
		    k, k, k);
	} else if (text != NULL) {
		/* Driven by the index, newest (highest id) first, so that a page of a common
		 * word stops early and a rare one reads only its own rows. */
		if (store_pairs_query(text, q->fts, sizeof q->fts) < 0)
			return STORE_EINVAL;
		store_complaint_query_add(
		    q,
		    " FROM complaint_search s JOIN complaints c ON c.id = s.rowid"
		    " WHERE s.body MATCH ?%zu",
		    store_complaint_query_arg(q, STORE_T(q->fts)));
	} else if (f->overdue && shape == SC_Q_COUNT_MAX && store_complaint_query_only_overdue(f)) {
		/* Counted from the overdue open promises, from the index alone (status, due_ms,
		 * complaint_id), not by asking each complaint whether it has one: the count stops
		 * at its limit having read about as many promises. (With other filters too, each
		 * complaint's row would be read: the filters' own indexes count faster.) */
		store_complaint_query_add(
		    q,
		    " FROM (SELECT DISTINCT p.complaint_id FROM promises p"
		    " INDEXED BY promises_status_due WHERE p.status = 'open' AND p.due_ms < ?%zu)"
		    " WHERE 1",
		    store_complaint_query_arg(
		        q, STORE_I(f->now_ms != 0 ? f->now_ms : store_now_ms())));
		overdue = false;
	} else {
		store_complaint_query_add(q, " FROM complaints c WHERE 1");
	}
	if (f->mine != NULL) {
		k = store_complaint_query_arg(q, STORE_T(f->mine));
		store_complaint_query_add(q, " AND (c.agent = ?%zu OR c.assignee = ?%zu)", k, k);
	}
	store_complaint_query_eq(q, "c.agent", f->agent);
	store_complaint_query_eq(q, "c.assignee", f->assignee);
	store_complaint_query_eq(q, "c.unit", f->unit);
	store_complaint_query_eq(q, "c.category", f->category);
	if (f->status_mask != 0) {
		const char *sep = "";
		int i;

		if ((f->status_mask & ~((1u << COMPLAINT_NSTATUS) - 1)) != 0)
			return STORE_EINVAL;
		store_complaint_query_add(q, " AND c.status IN (");
		for (i = 0; i < COMPLAINT_NSTATUS; i++) {
			if (!(f->status_mask & COMPLAINT_STATUS_BIT(i)))
				continue;
			/* Program constants, not user data. */
			store_complaint_query_add(q, "%s'%s'", sep, store_complaint_status_name(i));
			sep = ", ";
		}
		store_complaint_query_add(q, ")");
	}
	if (f->technique != NULL)
		store_complaint_query_add(q,
		                          " AND EXISTS (SELECT 1 FROM complaint_techniques t"
		                          " WHERE t.complaint_id = c.id AND t.code = ?%zu)",
		                          store_complaint_query_arg(q, STORE_T(f->technique)));
	if (f->since_ms != 0)
		store_complaint_query_add(q, " AND c.created_ms >= ?%zu",
		                          store_complaint_query_arg(q, STORE_I(f->since_ms)));
	if (f->until_ms != 0)
		store_complaint_query_add(q, " AND c.created_ms < ?%zu",
		                          store_complaint_query_arg(q, STORE_I(f->until_ms)));
	if (overdue)
		store_complaint_query_add(
		    q,
		    " AND EXISTS (SELECT 1 FROM promises p INDEXED BY promises_complaint"
		    " WHERE p.complaint_id = c.id AND p.status = 'open' AND p.due_ms < ?%zu)",
		    store_complaint_query_arg(
		        q, STORE_I(f->now_ms != 0 ? f->now_ms : store_now_ms())));
	if (shape == SC_Q_SCAN)
		store_complaint_query_add(q, text != NULL && !scan ? " ORDER BY s.rowid DESC"
		                                                   : " ORDER BY c.id DESC");
	else if (shape == SC_Q_COUNT_MAX)
		store_complaint_query_add(q, " LIMIT ?%zu",
		                          store_complaint_query_arg(q, STORE_I((int64_t)f->limit)));
	else if (shape != SC_Q_COUNT && text != NULL)
		store_complaint_query_add(q,
		                          scan ? " ORDER BY c.id DESC" : " ORDER BY s.rowid DESC");
	else if (shape != SC_Q_COUNT)
		store_complaint_query_add(q, " ORDER BY c.created_ms DESC, c.id DESC");
	if (shape == SC_Q_PAGED) {
		size_t limit = f->limit != 0 ? f->limit : 100;

		if (limit > (size_t)INT64_MAX)
			limit = (size_t)INT64_MAX;
		if (f->offset > (size_t)INT64_MAX)
			return STORE_EINVAL;
		k = store_complaint_query_arg(q, STORE_I((int64_t)limit));
		store_complaint_query_add(
		    q, " LIMIT ?%zu OFFSET ?%zu", k,
		    store_complaint_query_arg(q, STORE_I((int64_t)f->offset)));
	}
	return q->overflow ? STORE_EINVAL : 0;
}

/* Prepares (cached by its text) and binds the built query. */
int store_complaint_query_prepare(struct store *st, const struct store_complaint_query *q,
                                  sqlite3_stmt **out)
{
	int rc = store_stmt_built(st, q->sql, out);

	return rc < 0 ? rc : store_bind(st, *out, q->args, q->nargs);
}
