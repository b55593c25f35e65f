/* store_promise — the promise ledger (see the header): promises made on complaints, kept or
 * withdrawn, each change recorded in the complaint's history. Calls store.c, store_tx.c,
 * store_audit.c and store_complaint_status.c. */
#include "store_promise.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_complaint_status.h"
#include "store_int.h"
#include "store_tx.h"

#define STORE_PROMISE_COLS                                                                         \
	"p.id, p.complaint_id, c.number, c.unit, p.agent, p.what, p.due_ms, p.status, "            \
	"p.created_ms, p.closed_ms, p.note"

static const char *const store_promise_status_names[] = {
    [PROMISE_OPEN] = "open",
    [PROMISE_KEPT] = "kept",
    [PROMISE_WITHDRAWN] = "withdrawn",
};

static const char store_promise_sql_insert[] =
    "INSERT INTO promises (complaint_id, agent, what, due_ms, status,"
    " created_ms) VALUES (?1, ?2, ?3, ?4, 'open', ?5)";

static const char store_promise_sql_open_count[] =
    "SELECT count(*) FROM promises WHERE complaint_id = ?1 AND status = 'open'";

static const char store_promise_sql_of[] =
    "SELECT " STORE_PROMISE_COLS " FROM promises p JOIN complaints c"
    " ON c.id = p.complaint_id WHERE p.complaint_id = ?1 ORDER BY p.id";

static const char store_promise_sql_get[] =
    "SELECT " STORE_PROMISE_COLS " FROM promises p JOIN complaints c"
    " ON c.id = p.complaint_id WHERE p.id = ?1";

static const char store_promise_sql_close[] =
    "UPDATE promises SET status = ?2, closed_ms = ?3, note = ?4"
    " WHERE id = ?1 AND status = 'open'";

/* One statement per shape, each read in order from the index it names, so that a page
 * reads its own rows and no more (?1 agent, ?2 due before, ?3 limit, ?4 offset). */
static const char store_promise_sql_list_agent_open[] =
    "SELECT " STORE_PROMISE_COLS " FROM promises p INDEXED BY promises_agent"
    " JOIN complaints c ON c.id = p.complaint_id"
    " WHERE p.agent = ?1 AND p.status = 'open' AND p.due_ms < ?2"
    " ORDER BY p.due_ms, p.id LIMIT ?3 OFFSET ?4";

static const char store_promise_sql_list_open[] =
    "SELECT " STORE_PROMISE_COLS " FROM promises p INDEXED BY promises_status_due"
    " JOIN complaints c ON c.id = p.complaint_id"
    " WHERE ?1 IS NULL AND p.status = 'open' AND p.due_ms < ?2"
    " ORDER BY p.due_ms, p.id LIMIT ?3 OFFSET ?4";

static const char store_promise_sql_list_agent[] =
    "SELECT " STORE_PROMISE_COLS " FROM promises p INDEXED BY promises_agent"
    " JOIN complaints c ON c.id = p.complaint_id"
    " WHERE p.agent = ?1 AND ?2 IS NOT NULL"
    " ORDER BY p.due_ms, p.id LIMIT ?3 OFFSET ?4";

static const char store_promise_sql_list_all[] =
    "SELECT " STORE_PROMISE_COLS " FROM promises p JOIN complaints c ON c.id = p.complaint_id"
    " WHERE ?1 IS NULL AND ?2 IS NOT NULL"
    " ORDER BY p.due_ms, p.id LIMIT ?3 OFFSET ?4";

const char *store_promise_status_name(enum promise_status v)
{
	return store_enum_name(store_promise_status_names, STORE_NELEM(store_promise_status_names),
	                       (int)v);
}

int store_promise_status_parse(const char *s)
{
	return store_enum_parse(store_promise_status_names, STORE_NELEM(store_promise_status_names),
	                        s);
}

void store_promise_clear(struct promise *p)
{
	if (p == NULL)
		return;
	free(p->number);
	free(p->unit);
	free(p->agent);
	free(p->what);
	free(p->note);
	memset(p, 0, sizeof *p);
}

static void store_promise_clear_v(void *p)
{
	store_promise_clear(p);
}

void store_promise_list_free(struct promise *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_promise_clear_v);
}

/* A promise from a row of STORE_PROMISE_COLS. */
static int store_promise_fill(sqlite3_stmt *s, void *elem)
{
	struct promise *p = elem;
	int err = 0;

	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(s, 0);
	p->complaint_id = sqlite3_column_int64(s, 1);
	err |= store_col_dup(s, 2, &p->number);
	err |= store_col_dup(s, 3, &p->unit);
	err |= store_col_dup(s, 4, &p->agent);
	err |= store_col_dup(s, 5, &p->what);
	p->due_ms = sqlite3_column_int64(s, 6);
	p->status = store_col_enum(s, 7, store_promise_status_parse);
	p->created_ms = sqlite3_column_int64(s, 8);
	p->closed_ms = sqlite3_column_int64(s, 9);
	err |= store_col_dup(s, 10, &p->note);
	if (err != 0) {
		store_promise_clear(p);
		return -ENOMEM;
	}
	return 0;
}

int store_promise_check(const struct promise_new *p)
{
	if (p == NULL || p->due_ms <= 0)
		return STORE_EINVAL;
	if (p->agent != NULL && !store_name_ok(p->agent))
		return STORE_EINVAL;
	return store_text_check(p->what, COMPLAINT_TEXT_MAX, true, false);
}

/* Inside a transaction: inserts promise p on complaint id, with its history row. */
int store_promise_insert(struct store *st, const struct audit_ctx *ctx, int64_t id,
                         const char *agent, const struct promise_new *p, int64_t now, int64_t *pid)
{
	char detail[STORE_DETAIL_MAX], clip[STORE_CLIP + 4];
	int rc;

	rc = STORE_EXEC(st, store_promise_sql_insert, NULL, STORE_I(id), STORE_T(agent),
	                STORE_T(p->what), STORE_I(p->due_ms), STORE_I(now));
	if (rc < 0)
		return rc;
	*pid = sqlite3_last_insert_rowid(st->db);
	store_text_clip(p->what, STORE_CLIP, clip);
	snprintf(detail, sizeof detail, "#%lld %s due=%lld: %s", (long long)*pid, agent,
	         (long long)p->due_ms, clip);
	return store_complaint_status_record(st, ctx, id, NULL, now, "promise.add", detail, NULL,
	                                     NULL);
}

int store_promise_of(struct store *st, int64_t complaint_id, struct promise **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc = STORE_PREP(st, store_promise_sql_of, &s, STORE_I(complaint_id));

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_promise_fill, store_promise_clear_v, &p, n);
	*out = p;
	return rc;
}

int store_promise_open_count(struct store *st, int64_t complaint_id, int64_t *count)
{
	return STORE_INT(st, store_promise_sql_open_count, count, STORE_I(complaint_id));
}

/* ---- changes and reads ------------------------------------------------------------------------
 */

int store_promise_add(struct store *st, const struct audit_ctx *ctx, const char *number,
                      const struct promise_new *p, int64_t *id_out)
{
	struct store_complaint_status_row row;
	char detail[STORE_DETAIL_MAX], clip[STORE_CLIP + 4];
	const char *agent;
	int64_t now = store_clock_ms(st), pid = 0;
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	rc = store_promise_check(p);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_begin(st, number, &row);
	if (rc < 0)
		return rc;
	agent = p->agent != NULL ? p->agent : store_audit_who(ctx);
	if (agent == NULL)
		agent = row.assignee;
	rc = store_complaint_status_check(st, ctx, &row, false);
	if (rc == 0 && row.status == COMPLAINT_RESOLVED)
		rc = store_fail_msg(st, STORE_ESTATE, "complaint is resolved");
	else if (rc == 0 && !store_name_ok(agent))
		rc = store_fail_msg(st, STORE_EINVAL, "promise without an agent");
	if (rc == 0)
		rc = store_promise_insert(st, ctx, row.id, agent, p, now, &pid);
	if (rc == 0)
		rc = store_complaint_status_touch(st, &row, now, true);
	if (rc == 0) {
		store_text_clip(p->what, STORE_CLIP, clip);
		snprintf(detail, sizeof detail, "#%lld %s due=%lld: %s", (long long)pid, agent,
		         (long long)p->due_ms, clip);
		rc = store_audit_append(st, ctx, now, "promise.add", number, detail);
	}
	rc = store_tx_end(st, rc);
	if (rc == 0 && id_out != NULL)
		*id_out = pid;
	return rc;
}

int store_promise_get(struct store *st, int64_t id, struct promise *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = STORE_PREP(st, store_promise_sql_get, &s, STORE_I(id));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_promise_fill(s, out);
	else if (rc == SQLITE_DONE)
		rc = store_fail_msg(st, STORE_ENOENT, "no such promise");
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	return rc;
}

/* Who may close a promise (done or withdrawn): the account that made it, the complaint's
 * holder (assignee), supervisors and admins; STORE_EOWNER for anyone else. */
static int store_promise_may_close(struct store *st, const struct audit_ctx *ctx,
                                   const struct promise *p,
                                   const struct store_complaint_status_row *row)
{
	if (ctx == NULL || ctx->account == NULL ||
	    store_complaint_status_may_work(p->agent, row->assignee, ctx->account, ctx->role))
		return 0;
	return store_fail_msg(st, STORE_EOWNER, "another account's promise");
}

/* Closes open promise id as kept or withdrawn. */
static int store_promise_close(struct store *st, const struct audit_ctx *ctx, int64_t id,
                               enum promise_status to, const char *note)
{
	struct store_complaint_status_row row;
	struct promise p;
	char head[64], audit[STORE_DETAIL_MAX];
	char *detail = NULL;
	int64_t now = store_clock_ms(st);
	int rc, changes = 0;

	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_promise_get(st, id, &p);
	if (rc == 0 && p.status != PROMISE_OPEN)
		rc = store_fail_msg(st, STORE_ESTATE, "promise is not open");
	if (rc == 0)
		rc = store_complaint_status_lookup(st, p.number, &row);
	if (rc == 0)
		rc = store_promise_may_close(st, ctx, &p, &row);
	if (rc == 0)
		rc =
		    STORE_EXEC(st, store_promise_sql_close, &changes, STORE_I(id),
		               STORE_T(store_promise_status_name(to)), STORE_I(now), STORE_T(note));
	if (rc == 0 && changes != 1)
		rc = store_fail_msg(st, STORE_ESTATE, "promise is not open");
	if (rc == 0)
		rc = store_complaint_status_touch(st, &row, now, false);
	if (rc == 0) {
		snprintf(head, sizeof head, "#%lld%s%s", (long long)id,
		         to == PROMISE_KEPT && now > p.due_ms ? " late" : "",
		         note != NULL ? ": " : "");
		rc = store_text_details(head, note != NULL ? note : "", &detail, audit);
	}
	if (rc == 0)
		rc = store_complaint_status_record(
		    st, ctx, row.id, p.number, now,
		    to == PROMISE_KEPT ? "promise.kept" : "promise.withdrawn", detail,
		    to == PROMISE_KEPT ? "promise.done" : "promise.withdraw", audit);
	free(detail);
	store_promise_clear(&p);
	return store_tx_end(st, rc);
}

int store_promise_done(struct store *st, const struct audit_ctx *ctx, int64_t id, const char *note)
{
	int rc;

	note = store_text_opt(note);
	if (note != NULL) {
		rc = store_text_check(note, COMPLAINT_TEXT_MAX, true, false);
		if (rc < 0)
			return rc;
	}
	return store_promise_close(st, ctx, id, PROMISE_KEPT, note);
}

int store_promise_withdraw(struct store *st, const struct audit_ctx *ctx, int64_t id,
                           const char *reason)
{
	int rc = store_text_check(reason, COMPLAINT_TEXT_MAX, true, false);

	if (rc < 0)
		return rc;
	return store_promise_close(st, ctx, id, PROMISE_WITHDRAWN, reason);
}

int store_promise_list(struct store *st, const struct promise_filter *f, struct promise **out,
                       size_t *n)
{
	static const struct promise_filter none;
	const char *sql;
	int64_t before = INT64_MAX;
	sqlite3_stmt *s = NULL;
	size_t limit;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (f == NULL)
		f = &none;
	limit = f->limit != 0 ? f->limit : 100;
	if (limit > (size_t)INT64_MAX)
		limit = (size_t)INT64_MAX;
	if (f->offset > (size_t)INT64_MAX)
		return STORE_EINVAL;
	if (f->overdue_only)
		before = f->now_ms != 0 ? f->now_ms : store_now_ms();
	if (f->open_only || f->overdue_only)
		sql = f->agent != NULL ? store_promise_sql_list_agent_open
		                       : store_promise_sql_list_open;
	else
		sql = f->agent != NULL ? store_promise_sql_list_agent : store_promise_sql_list_all;
	rc = STORE_PREP(st, sql, &s, STORE_T(f->agent), STORE_I(before), STORE_I((int64_t)limit),
	                STORE_I((int64_t)f->offset));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_promise_fill, store_promise_clear_v, &p, n);
	*out = p;
	return rc;
}
