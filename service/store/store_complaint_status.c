/* store_complaint_status — a complaint's status and the record of each change to it (see the
 * header). Calls store.c, store_tx.c and store_audit.c. */
#include "store_complaint_status.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_int.h"
#include "store_tx.h"

static const char *const store_complaint_status_names[] = {
    [COMPLAINT_OPEN] = "open",         [COMPLAINT_IN_PROGRESS] = "in_progress",
    [COMPLAINT_RESOLVED] = "resolved", [COMPLAINT_ESCALATED] = "escalated",
    [COMPLAINT_REOPENED] = "reopened",
};

_Static_assert(STORE_NELEM(store_complaint_status_names) == COMPLAINT_NSTATUS,
               "one name per status");

static const char store_complaint_status_sql_history_add[] =
    "INSERT INTO complaint_history (complaint_id, ts_ms, account, action,"
    " detail) VALUES (?1, ?2, ?3, ?4, ?5)";

static const char store_complaint_status_sql_lookup[] =
    "SELECT id, status, assignee, agent FROM complaints WHERE number = ?1";

static const char store_complaint_status_sql_set[] =
    "UPDATE complaints SET status = ?2, updated_ms = ?3 WHERE id = ?1";

static const char store_complaint_status_sql_touch[] =
    "UPDATE complaints SET updated_ms = ?2 WHERE id = ?1";

const char *store_complaint_status_name(enum complaint_status v)
{
	return store_enum_name(store_complaint_status_names,
	                       STORE_NELEM(store_complaint_status_names), (int)v);
}

int store_complaint_status_parse(const char *s)
{
	return store_enum_parse(store_complaint_status_names,
	                        STORE_NELEM(store_complaint_status_names), s);
}

/* Supervisors and admins oversee every complaint. */
static bool store_complaint_status_oversees(const char *role)
{
	return role != NULL && (strcmp(role, "supervisor") == 0 || strcmp(role, "admin") == 0);
}

static bool store_complaint_status_is(const char *who, const char *account)
{
	return who != NULL && who[0] != '\0' && account != NULL && strcmp(who, account) == 0;
}

bool store_complaint_status_may_work(const char *agent, const char *assignee, const char *account,
                                     const char *role)
{
	return store_complaint_status_oversees(role) ||
	       store_complaint_status_is(agent, account) ||
	       store_complaint_status_is(assignee, account);
}

bool store_complaint_status_may_assign(const char *assignee, const char *account,
                                       const char *role)
{
	return store_complaint_status_oversees(role) || store_complaint_status_is(assignee, account);
}

int store_complaint_status_check(struct store *st, const struct audit_ctx *ctx,
                                 const struct store_complaint_status_row *row, bool assign)
{
	bool ok;

	if (ctx == NULL || ctx->account == NULL)
		return 0;
	ok = assign ? store_complaint_status_may_assign(row->assignee, ctx->account, ctx->role)
	            : store_complaint_status_may_work(row->agent, row->assignee, ctx->account,
	                                              ctx->role);
	return ok ? 0
	          : store_fail_msg(st, STORE_EOWNER,
	                           assign ? "only its holder or a supervisor may hand it over"
	                                  : "another account's complaint");
}

/* Appends a history row and the audit event of one change (target: the number). detail is
 * kept whole in the history; the audit detail is audit_detail (NULL: detail). */
int store_complaint_status_record(struct store *st, const struct audit_ctx *ctx, int64_t id,
                                  const char *number, int64_t now, const char *action,
                                  const char *detail, const char *audit_action,
                                  const char *audit_detail)
{
	int rc =
	    STORE_EXEC(st, store_complaint_status_sql_history_add, NULL, STORE_I(id), STORE_I(now),
	               STORE_T(store_audit_who(ctx)), STORE_T(action), STORE_T(detail));

	if (rc == 0 && audit_action != NULL)
		rc = store_audit_append(st, ctx, now, audit_action, number,
		                        audit_detail != NULL ? audit_detail : detail);
	return rc;
}

int store_complaint_status_lookup(struct store *st, const char *number,
                                  struct store_complaint_status_row *row)
{
	sqlite3_stmt *s = NULL;
	int rc = STORE_PREP(st, store_complaint_status_sql_lookup, &s, STORE_T(number));

	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *a = sqlite3_column_text(s, 2);
		const unsigned char *g = sqlite3_column_text(s, 3);

		row->id = sqlite3_column_int64(s, 0);
		row->status = store_col_enum(s, 1, store_complaint_status_parse);
		snprintf(row->assignee, sizeof row->assignee, "%s",
		         a != NULL ? (const char *)a : "");
		snprintf(row->agent, sizeof row->agent, "%s", g != NULL ? (const char *)g : "");
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = store_fail_msg(st, STORE_ENOENT, "no such complaint");
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

/* Begins a change of complaint number: the transaction and the row. On failure the
 * transaction is already ended. */
int store_complaint_status_begin(struct store *st, const char *number,
                                 struct store_complaint_status_row *row)
{
	int rc;

	if (number == NULL || number[0] == '\0' || strlen(number) >= COMPLAINT_NUMBER_MAX)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_lookup(st, number, row);
	if (rc < 0)
		return store_tx_end(st, rc);
	return 0;
}

int store_complaint_status_set(struct store *st, int64_t id, enum complaint_status status,
                               int64_t now)
{
	return STORE_EXEC(st, store_complaint_status_sql_set, NULL, STORE_I(id),
	                  STORE_T(store_complaint_status_name(status)), STORE_I(now));
}

/* Marks the complaint changed, moving it from open to in_progress when work is done on it. */
int store_complaint_status_touch(struct store *st, const struct store_complaint_status_row *row,
                                 int64_t now, bool work)
{
	if (work && row->status == COMPLAINT_OPEN)
		return store_complaint_status_set(st, row->id, COMPLAINT_IN_PROGRESS, now);
	return STORE_EXEC(st, store_complaint_status_sql_touch, NULL, STORE_I(row->id),
	                  STORE_I(now));
}
