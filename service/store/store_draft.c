/* store_draft — drafts of guided forms (see the header): one row per account and kind,
 * replaced at every step, claimed by one session at a time. Calls store.c only. */
#include "store_draft.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

/* A claimed draft is saved only by its session, or once its lease has run out; a save with a
 * session claims it (keeping since when for its own session), one without leaves the claim. */
static const char store_draft_sql_save[] =
    "INSERT INTO drafts (account, kind, data, step, updated_ms, session, claimed_ms, lease_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?6 IS NULL THEN 0 ELSE ?5 END,"
    " CASE WHEN ?6 IS NULL THEN 0 ELSE ?7 END)"
    " ON CONFLICT (account, kind) DO UPDATE"
    " SET data = excluded.data, step = excluded.step, updated_ms = excluded.updated_ms,"
    " claimed_ms = CASE WHEN excluded.session IS NULL OR drafts.session IS excluded.session"
    "  THEN drafts.claimed_ms ELSE excluded.claimed_ms END,"
    " session = coalesce(excluded.session, drafts.session),"
    " lease_ms = CASE WHEN excluded.session IS NULL THEN drafts.lease_ms"
    "  ELSE excluded.lease_ms END"
    " WHERE excluded.session IS NULL OR drafts.session IS NULL"
    " OR drafts.session = excluded.session OR drafts.lease_ms < excluded.updated_ms";

static const char store_draft_sql_load[] =
    "SELECT data, step, updated_ms, session, claimed_ms, lease_ms FROM drafts"
    " WHERE account = ?1 AND kind = ?2";

static const char store_draft_sql_claim[] =
    "UPDATE drafts SET claimed_ms = CASE WHEN session IS ?3 THEN claimed_ms ELSE ?4 END,"
    " session = ?3, lease_ms = ?5"
    " WHERE account = ?1 AND kind = ?2 AND (session IS NULL OR session = ?3 OR lease_ms < ?4)";

static const char store_draft_sql_release[] =
    "UPDATE drafts SET session = NULL, claimed_ms = 0, lease_ms = 0"
    " WHERE account = ?1 AND kind = ?2 AND session = ?3";

static const char store_draft_sql_release_all[] =
    "UPDATE drafts SET session = NULL, claimed_ms = 0, lease_ms = 0 WHERE session IS NOT NULL";

static const char store_draft_sql_delete[] =
    "DELETE FROM drafts WHERE account = ?1 AND kind = ?2"
    " AND (?3 IS NULL OR session IS NULL OR session = ?3 OR lease_ms < ?4)";

static const char store_draft_sql_exists[] =
    "SELECT EXISTS (SELECT 1 FROM drafts WHERE account = ?1 AND kind = ?2)";

void store_draft_clear(struct draft *d)
{
	if (d == NULL)
		return;
	free(d->data);
	free(d->session);
	memset(d, 0, sizeof *d);
}

bool store_draft_held_elsewhere(const struct draft *d, const char *session, int64_t now)
{
	return d->session != NULL && d->lease_ms >= now &&
	       (session == NULL || strcmp(d->session, session) != 0);
}

static bool store_draft_key_ok(const char *account, const char *kind)
{
	return store_name_ok(account) && store_code_ok(kind);
}

static bool store_draft_session_ok(const char *session)
{
	return session == NULL || (session[0] != '\0' && strlen(session) <= STORE_NAME_MAX);
}

int store_draft_save_as(struct store *st, const char *account, const char *kind,
                        const char *session, const char *data, int step)
{
	int64_t now = store_now_ms();
	int rc, changes = 0;

	if (!store_draft_key_ok(account, kind) || !store_draft_session_ok(session) || step < 0)
		return STORE_EINVAL;
	rc = store_text_check(data, DRAFT_DATA_MAX, true, true);
	if (rc < 0)
		return rc;
	rc = STORE_EXEC(st, store_draft_sql_save, &changes, STORE_T(account), STORE_T(kind),
	                STORE_T(data), STORE_I(step), STORE_I(now), STORE_T(session),
	                STORE_I(now + DRAFT_LEASE_MS));
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_EOWNER, "the draft is open in another session");
	return rc;
}

int store_draft_save(struct store *st, const char *account, const char *kind, const char *data,
                     int step)
{
	return store_draft_save_as(st, account, kind, NULL, data, step);
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
		if (rc == 0 && sqlite3_column_type(s, 3) != SQLITE_NULL)
			rc = store_col_dup(s, 3, &out->session);
		out->claimed_ms = sqlite3_column_int64(s, 4);
		out->lease_ms = sqlite3_column_int64(s, 5);
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

/* After a change that matched no row: STORE_EOWNER when the draft is there (another session
 * holds it; *held, may be NULL, gets it), else STORE_ENOENT. */
static int store_draft_refused(struct store *st, const char *account, const char *kind,
                               struct draft *held)
{
	struct draft d;
	int rc = store_draft_load(st, account, kind, &d);

	if (rc == 0) {
		rc = store_fail_msg(st, STORE_EOWNER, "the draft is open in another session");
		if (held != NULL) {
			store_draft_clear(held);
			*held = d;
			return rc;
		}
	}
	store_draft_clear(&d);
	return rc;
}

int store_draft_claim(struct store *st, const char *account, const char *kind, const char *session,
                      struct draft *held)
{
	int64_t now = store_now_ms();
	int rc, changes = 0;

	if (!store_draft_key_ok(account, kind) || session == NULL ||
	    !store_draft_session_ok(session))
		return STORE_EINVAL;
	rc = STORE_EXEC(st, store_draft_sql_claim, &changes, STORE_T(account), STORE_T(kind),
	                STORE_T(session), STORE_I(now), STORE_I(now + DRAFT_LEASE_MS));
	if (rc == 0 && changes == 0)
		rc = store_draft_refused(st, account, kind, held);
	return rc;
}

int store_draft_release(struct store *st, const char *account, const char *kind,
                        const char *session)
{
	if (!store_draft_key_ok(account, kind) || session == NULL ||
	    !store_draft_session_ok(session))
		return STORE_EINVAL;
	return STORE_EXEC(st, store_draft_sql_release, NULL, STORE_T(account), STORE_T(kind),
	                  STORE_T(session));
}

int store_draft_release_all(struct store *st)
{
	return store_exec(st, store_draft_sql_release_all, NULL, NULL, 0);
}

int store_draft_delete_as(struct store *st, const char *account, const char *kind,
                          const char *session)
{
	int rc, changes = 0;

	if (!store_draft_key_ok(account, kind) || !store_draft_session_ok(session))
		return STORE_EINVAL;
	rc = STORE_EXEC(st, store_draft_sql_delete, &changes, STORE_T(account), STORE_T(kind),
	                STORE_T(session), STORE_I(store_now_ms()));
	if (rc == 0 && changes == 0)
		rc = store_draft_refused(st, account, kind, NULL);
	return rc;
}

int store_draft_delete(struct store *st, const char *account, const char *kind)
{
	return store_draft_delete_as(st, account, kind, NULL);
}

int store_draft_take(struct store *st, const char *account, const char *kind, const char *session,
                     bool required)
{
	int rc, changes = 0;
	int64_t there = 0;

	if (!store_draft_key_ok(account, kind) || !store_draft_session_ok(session))
		return STORE_EINVAL;
	rc = STORE_EXEC(st, store_draft_sql_delete, &changes, STORE_T(account), STORE_T(kind),
	                STORE_T(session), STORE_I(store_now_ms()));
	if (rc < 0 || changes > 0 || !required)
		return rc;
	rc = STORE_INT(st, store_draft_sql_exists, &there, STORE_T(account), STORE_T(kind));
	if (rc < 0)
		return rc;
	if (there != 0)
		return store_fail_msg(st, STORE_EOWNER, "the draft is open in another session");
	return store_fail_msg(st, STORE_ESTATE, "the draft was already submitted");
}
