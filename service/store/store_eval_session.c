/* store_eval_session — a recorded session as the audit log tells it (see the header). Calls
 * store.c only. */
#include "store_eval_session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

static const char store_eval_session_sql_span[] =
    "SELECT min(ts_ms), max(ts_ms), count(*), sum(action = 'command')"
    " FROM audit INDEXED BY audit_session_seq WHERE session = ?1";
static const char store_eval_session_sql_login[] =
    "SELECT account, role, transport, peer FROM audit INDEXED BY audit_session_seq"
    " WHERE session = ?1 AND action IN ('login', 'command') AND account IS NOT NULL"
    " ORDER BY seq LIMIT 1";
static const char store_eval_session_sql_commands[] =
    "SELECT ts_ms, detail, target FROM audit INDEXED BY audit_session_seq"
    " WHERE session = ?1 AND action = 'command' ORDER BY seq LIMIT ?2";
static const char store_eval_session_sql_complaints[] =
    "SELECT target, group_concat(action, ','), min(ts_ms) FROM"
    " (SELECT target, action, ts_ms, seq FROM audit INDEXED BY audit_session_seq"
    " WHERE session = ?1 AND (action LIKE 'complaint.%' OR action LIKE 'promise.%')"
    " AND target IS NOT NULL ORDER BY seq)"
    " GROUP BY target ORDER BY min(seq) LIMIT ?2";

static void store_eval_session_command_clear(void *p)
{
	struct eval_session_command *c = p;

	free(c->text);
	free(c->name);
	memset(c, 0, sizeof *c);
}

static int store_eval_session_command_fill(sqlite3_stmt *s, void *elem)
{
	struct eval_session_command *c = elem;
	int err = 0;

	memset(c, 0, sizeof *c);
	c->ts_ms = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &c->text);
	err |= store_col_dup(s, 2, &c->name);
	if (err != 0) {
		store_eval_session_command_clear(c);
		return -ENOMEM;
	}
	return 0;
}

static void store_eval_session_complaint_clear(void *p)
{
	struct eval_session_complaint *c = p;

	free(c->number);
	free(c->actions);
	memset(c, 0, sizeof *c);
}

static int store_eval_session_complaint_fill(sqlite3_stmt *s, void *elem)
{
	struct eval_session_complaint *c = elem;
	int err = 0;

	memset(c, 0, sizeof *c);
	err |= store_col_dup(s, 0, &c->number);
	err |= store_col_dup(s, 1, &c->actions);
	c->first_ms = sqlite3_column_int64(s, 2);
	if (err != 0 || c->number == NULL) {
		store_eval_session_complaint_clear(c);
		return -ENOMEM;
	}
	return 0;
}

void store_eval_session_clear(struct eval_session *s)
{
	if (s == NULL)
		return;
	free(s->account);
	free(s->role);
	free(s->transport);
	free(s->peer);
	store_list_free(s->commands, s->ncommands, sizeof *s->commands,
	                store_eval_session_command_clear);
	store_list_free(s->complaints, s->ncomplaints, sizeof *s->complaints,
	                store_eval_session_complaint_clear);
	memset(s, 0, sizeof *s);
}

int store_eval_session_get(struct store *st, const char *session, struct eval_session *out)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc, err = 0;

	memset(out, 0, sizeof *out);
	if (session == NULL || !store_ascii_ok(session, 64))
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_eval_session_sql_span, &s, STORE_T(session));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->first_ms = sqlite3_column_int64(s, 0);
		out->last_ms = sqlite3_column_int64(s, 1);
		out->events = sqlite3_column_int64(s, 2);
		out->commands_total = sqlite3_column_int64(s, 3);
		rc = out->events > 0 ? 0 : STORE_ENOENT;
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	if (rc < 0)
		return rc;
	rc = STORE_PREP(st, store_eval_session_sql_login, &s, STORE_T(session));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		err |= store_col_dup(s, 0, &out->account);
		err |= store_col_dup(s, 1, &out->role);
		err |= store_col_dup(s, 2, &out->transport);
		err |= store_col_dup(s, 3, &out->peer);
		rc = err != 0 ? -ENOMEM : 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : store_fail(st, rc);
	}
	store_stmt_done(s);
	if (rc == 0)
		rc = STORE_PREP(st, store_eval_session_sql_commands, &s, STORE_T(session),
		                STORE_I(EVAL_SESSION_COMMANDS_MAX));
	if (rc == 0)
		rc = store_collect(st, s, sizeof *out->commands, store_eval_session_command_fill,
		                   store_eval_session_command_clear, &p, &out->ncommands);
	out->commands = p;
	p = NULL;
	if (rc == 0)
		rc = STORE_PREP(st, store_eval_session_sql_complaints, &s, STORE_T(session),
		                STORE_I(EVAL_SESSION_COMPLAINTS_MAX));
	if (rc == 0)
		rc =
		    store_collect(st, s, sizeof *out->complaints, store_eval_session_complaint_fill,
		                  store_eval_session_complaint_clear, &p, &out->ncomplaints);
	out->complaints = p;
	if (rc < 0)
		store_eval_session_clear(out);
	return rc;
}
