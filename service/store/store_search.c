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
	if (rc <= 0)
		return rc;
	/* The old texts out, then the new ones in: each one statement for every complaint the
	 * transaction changed, so that a batch writes the index once. */
	rc = store_exec(st, store_search_sql_unindex, NULL, NULL, 0);
	if (rc == 0)
		rc = store_exec(st, store_search_sql_index, NULL, NULL, 0);
	if (rc == 0)
		rc = store_exec(st, store_search_sql_done, NULL, NULL, 0);
	return rc;
}
