/* store_search — the complaint search index kept in step with the complaints (see the
 * header). Calls only store.c (statements). */
#include "store_search.h"

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store_int.h"

static const char store_search_sql_pending[] =
    "SELECT EXISTS (SELECT 1 FROM complaint_search_pending)";
static const char store_search_sql_unindex[] =
    "INSERT INTO complaint_search (complaint_search, rowid, body)"
    " SELECT 'delete', complaint_id, indexed FROM complaint_search_pending"
    " WHERE indexed IS NOT NULL";
static const char store_search_sql_index[] =
    "INSERT INTO complaint_search (rowid, body) " STORE_SEARCH_PENDING_TEXTS;
static const char store_search_sql_done[] = "DELETE FROM complaint_search_pending";
/* Changed units the index holds (ids up to indexed_to): their old texts out and new ones in;
 * then the units added since: in. */
static const char store_search_sql_units_pending[] =
    "SELECT EXISTS (SELECT 1 FROM unit_search_pending) OR"
    " (SELECT max(id) FROM units) > (SELECT indexed_to FROM unit_search_state)";
static const char store_search_sql_units_unindex[] =
    "INSERT INTO unit_search (unit_search, rowid, body)"
    " SELECT 'delete', unit_id, indexed FROM unit_search_pending WHERE indexed IS NOT NULL"
    " AND unit_id <= (SELECT indexed_to FROM unit_search_state)";
static const char store_search_sql_units_index[] =
    "INSERT INTO unit_search (rowid, body) SELECT t.id, t.body FROM unit_search_pending p"
    " CROSS JOIN unit_search_text t ON t.id = p.unit_id"
    " WHERE p.unit_id <= (SELECT indexed_to FROM unit_search_state)";
static const char store_search_sql_units_new[] =
    "INSERT INTO unit_search (rowid, body) SELECT id, body FROM unit_search_text"
    " WHERE id > (SELECT indexed_to FROM unit_search_state)";
static const char store_search_sql_units_to[] =
    "UPDATE unit_search_state SET indexed_to = max(indexed_to,"
    " coalesce((SELECT max(id) FROM units), 0))";
static const char store_search_sql_units_done[] = "DELETE FROM unit_search_pending";

/* The units' index (movein find), as store_search_sync keeps the complaints'. */
static int store_search_sync_units(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	int rc;

	if (!st->unit_search_ready) {
		int ver = store_user_version(st);

		if (ver < 0)
			return ver;
		if (ver < STORE_SEARCH_UNITS_SCHEMA)
			return 0;
		st->unit_search_ready = true;
	}
	rc = store_prep(st, store_search_sql_units_pending, &s, NULL, 0);
	if (rc == 0)
		rc = store_step_int(st, s, &v, NULL);
	if (rc < 0 || v == 0)
		return rc;
	rc = store_exec(st, store_search_sql_units_unindex, NULL, NULL, 0);
	if (rc == 0)
		rc = store_exec(st, store_search_sql_units_index, NULL, NULL, 0);
	if (rc == 0)
		rc = store_exec(st, store_search_sql_units_new, NULL, NULL, 0);
	if (rc == 0)
		rc = store_exec(st, store_search_sql_units_to, NULL, NULL, 0);
	if (rc == 0)
		rc = store_exec(st, store_search_sql_units_done, NULL, NULL, 0);
	return rc;
}

int store_search_pending(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	int rc = store_prep(st, store_search_sql_pending, &s, NULL, 0);

	if (rc == 0)
		rc = store_step_int(st, s, &v, NULL);
	return rc < 0 ? rc : v != 0;
}

int store_search_sync(struct store *st)
{
	int rc;

	if (!st->search_ready) {
		int v = store_user_version(st);

		if (v < 0)
			return v;
		if (v < STORE_SEARCH_SCHEMA)
			return 0;
		st->search_ready = true;
	}
	rc = store_search_pending(st);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		/* The old texts out, then the new ones in: each one statement for every complaint
		 * the transaction changed, so that a batch writes the index once. */
		rc = store_exec(st, store_search_sql_unindex, NULL, NULL, 0);
		if (rc == 0)
			rc = store_exec(st, store_search_sql_index, NULL, NULL, 0);
		if (rc == 0)
			rc = store_exec(st, store_search_sql_done, NULL, NULL, 0);
		if (rc < 0)
			return rc;
	}
	return store_search_sync_units(st);
}
