/* store_draft — drafts of guided forms (see the header): one row per account and kind,
 * replaced at every step. Calls store.c only. */
#include "store_draft.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

static const char store_draft_sql_save[] =
    "INSERT INTO drafts (account, kind, data, step, updated_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account, kind) DO UPDATE"
    " SET data = excluded.data, step = excluded.step,"
    " updated_ms = excluded.updated_ms";

static const char store_draft_sql_load[] =
    "SELECT data, step, updated_ms FROM drafts WHERE account = ?1"
    " AND kind = ?2";

static const char store_draft_sql_delete[] = "DELETE FROM drafts WHERE account = ?1 AND kind = ?2";

void store_draft_clear(struct draft *d)
{
	if (d == NULL)
		return;
	free(d->data);
	memset(d, 0, sizeof *d);
}

static bool store_draft_key_ok(const char *account, const char *kind)
{
	return store_name_ok(account) && store_code_ok(kind);
}

int store_draft_save(struct store *st, const char *account, const char *kind, const char *data,
                     int step)
{
	int rc;

	if (!store_draft_key_ok(account, kind) || step < 0)
		return STORE_EINVAL;
	rc = store_text_check(data, DRAFT_DATA_MAX, true, true);
	if (rc < 0)
		return rc;
	return STORE_EXEC(st, store_draft_sql_save, NULL, STORE_T(account), STORE_T(kind),
	                  STORE_T(data), STORE_I(step), STORE_I(store_now_ms()));
}

int store_draft_load(struct store *st, const char *account, const char *kind, struct draft *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (!store_draft_key_ok(account, kind))
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_draft_sql_load, &s, STORE_T(account), STORE_T(kind));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = store_col_dup(s, 0, &out->data);
		out->step = sqlite3_column_int(s, 1);
		out->updated_ms = sqlite3_column_int64(s, 2);
	} else if (rc == SQLITE_DONE) {
		rc = store_fail_msg(st, STORE_ENOENT, "no draft");
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	if (rc < 0)
		store_draft_clear(out);
	return rc;
}

int store_draft_delete(struct store *st, const char *account, const char *kind)
{
	int rc, changes = 0;

	if (!store_draft_key_ok(account, kind))
		return STORE_EINVAL;
	rc = STORE_EXEC(st, store_draft_sql_delete, &changes, STORE_T(account), STORE_T(kind));
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "no draft");
	return rc;
}
