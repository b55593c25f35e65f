/* store_auditlog — filtered pages of the audit log (see the header). Each filter is a bound
 * parameter that is NULL when unused, so one statement text serves every combination.
 * Calls store.c and store_audit.c. */
#include "store_auditlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

#define STORE_AUDITLOG_COLS STORE_AUDIT_COLS

/* v, or none when it is 0 (no bound). */
static int64_t store_auditlog_or(int64_t v, int64_t none)
{
	return v != 0 ? v : none;
}

/* The filters, each a bound parameter that is NULL when unused; the one that picks the index is
 * written as a plain equality so that the plan reads that index by seq. The bounds of seq and
 * time are plain ranges, bound to the widest values when unused, so that a page far back
 * (--before) starts where it should instead of reading every newer event on the way. */
#define STORE_AUDITLOG_ANY(col, n) "(?" n " IS NULL OR " col " = ?" n ")"
#define STORE_AUDITLOG_EQ(col, n) col " = ?" n
#define STORE_AUDITLOG_WHERE(acc, act, tgt, ses)                                                   \
	" WHERE " acc " AND " STORE_AUDITLOG_ANY("role", "2") " AND " act " AND " tgt " AND " ses \
	" AND ts_ms >= ?6 AND ts_ms < ?7 AND seq < ?8 AND seq > ?9"
#define STORE_AUDITLOG_ALL_ANY                                                                     \
	STORE_AUDITLOG_WHERE(STORE_AUDITLOG_ANY("account", "1"), STORE_AUDITLOG_ANY("action", "3"), \
	                     STORE_AUDITLOG_ANY("target", "4"), STORE_AUDITLOG_ANY("session", "5"))

static const char store_auditlog_sql_newest[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit" STORE_AUDITLOG_ALL_ANY
    " ORDER BY seq DESC LIMIT ?10";
static const char store_auditlog_sql_oldest[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit" STORE_AUDITLOG_ALL_ANY " ORDER BY seq LIMIT ?10";
/* One event's session, target, account or action given: read through its index by seq. */
static const char store_auditlog_sql_session[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit INDEXED BY audit_session_seq"
    STORE_AUDITLOG_WHERE(STORE_AUDITLOG_ANY("account", "1"), STORE_AUDITLOG_ANY("action", "3"),
                         STORE_AUDITLOG_ANY("target", "4"), STORE_AUDITLOG_EQ("session", "5"))
    " ORDER BY seq DESC LIMIT ?10";
static const char store_auditlog_sql_target[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit INDEXED BY audit_target"
    STORE_AUDITLOG_WHERE(STORE_AUDITLOG_ANY("account", "1"), STORE_AUDITLOG_ANY("action", "3"),
                         STORE_AUDITLOG_EQ("target", "4"), STORE_AUDITLOG_ANY("session", "5"))
    " ORDER BY seq DESC LIMIT ?10";
static const char store_auditlog_sql_account[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit INDEXED BY audit_account_seq"
    STORE_AUDITLOG_WHERE(STORE_AUDITLOG_EQ("account", "1"), STORE_AUDITLOG_ANY("action", "3"),
                         STORE_AUDITLOG_ANY("target", "4"), STORE_AUDITLOG_ANY("session", "5"))
    " ORDER BY seq DESC LIMIT ?10";
static const char store_auditlog_sql_account_action[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit INDEXED BY audit_account_action_seq"
    STORE_AUDITLOG_WHERE(STORE_AUDITLOG_EQ("account", "1"), STORE_AUDITLOG_EQ("action", "3"),
                         STORE_AUDITLOG_ANY("target", "4"), STORE_AUDITLOG_ANY("session", "5"))
    " ORDER BY seq DESC LIMIT ?10";
static const char store_auditlog_sql_action[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit INDEXED BY audit_action_seq"
    STORE_AUDITLOG_WHERE(STORE_AUDITLOG_ANY("account", "1"), STORE_AUDITLOG_EQ("action", "3"),
                         STORE_AUDITLOG_ANY("target", "4"), STORE_AUDITLOG_ANY("session", "5"))
    " ORDER BY seq DESC LIMIT ?10";
static const char store_auditlog_sql_action_oldest[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit INDEXED BY audit_action_seq"
    STORE_AUDITLOG_WHERE(STORE_AUDITLOG_ANY("account", "1"), STORE_AUDITLOG_EQ("action", "3"),
                         STORE_AUDITLOG_ANY("target", "4"), STORE_AUDITLOG_ANY("session", "5"))
    " ORDER BY seq LIMIT ?10";

/* A stretch of time (--since and --until) and nothing more selective: the events of that
 * stretch through the time index, newest first, so a day far back reads that day's events
 * rather than every event after it. */
static const char store_auditlog_sql_stretch[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit INDEXED BY audit_ts" STORE_AUDITLOG_ALL_ANY
    " ORDER BY seq DESC LIMIT ?10";

/* The same without a role: the page's numbers first, from the time index alone (it holds
 * seq), then only those rows. */
static const char store_auditlog_sql_stretch_seq[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit WHERE seq IN (SELECT seq FROM audit"
    " INDEXED BY audit_ts WHERE ts_ms >= ?6 AND ts_ms < ?7 AND seq < ?8 AND seq > ?9"
    " ORDER BY seq DESC LIMIT ?10) ORDER BY seq DESC";

/* The statement for f: the most selective filter given reads its own index. */
static const char *store_auditlog_sql_for(const struct auditlog_filter *f)
{
	if (f->oldest_first)
		return f->action != NULL ? store_auditlog_sql_action_oldest : store_auditlog_sql_oldest;
	if (f->session != NULL)
		return store_auditlog_sql_session;
	if (f->target != NULL)
		return store_auditlog_sql_target;
	if (f->account != NULL && f->action != NULL)
		return store_auditlog_sql_account_action;
	if (f->account != NULL)
		return store_auditlog_sql_account;
	if (f->action != NULL)
		return store_auditlog_sql_action;
	if (f->since_ms != 0 && f->until_ms != 0)
		return f->role == NULL ? store_auditlog_sql_stretch_seq : store_auditlog_sql_stretch;
	return store_auditlog_sql_newest;
}
static const char store_auditlog_sql_get[] =
    "SELECT " STORE_AUDITLOG_COLS " FROM audit WHERE seq = ?1";

int store_auditlog_list(struct store *st, const struct auditlog_filter *f,
                        struct audit_event **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	size_t limit = f->limit;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		return 0;
	if (limit > STORE_AUDITLOG_PAGE_MAX)
		limit = STORE_AUDITLOG_PAGE_MAX;
	rc = STORE_PREP(st, store_auditlog_sql_for(f), &s, STORE_T(f->account), STORE_T(f->role), STORE_T(f->action),
	                STORE_T(f->target), STORE_T(f->session),
	                STORE_I(store_auditlog_or(f->since_ms, INT64_MIN)),
	                STORE_I(store_auditlog_or(f->until_ms, INT64_MAX)),
	                STORE_I(store_auditlog_or(f->before_seq, INT64_MAX)), STORE_I(f->after_seq),
	                STORE_I((int64_t)limit));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_audit_row_fill, store_audit_row_clear, &p, n);
	*out = p;
	return rc;
}

static const char store_auditlog_sql_head[] = "SELECT coalesce(max(seq), 0) FROM audit";

int store_auditlog_each(struct store *st, const struct auditlog_filter *f, store_auditlog_fn fn,
                        void *arg)
{
	struct auditlog_filter o = *f;
	struct audit_event e;
	sqlite3_stmt *s = NULL;
	int rc, stop = 0;

	if (o.limit == 0)
		return 0;
	o.oldest_first = 1;
	rc = STORE_PREP(st, store_auditlog_sql_for(&o), &s, STORE_T(o.account), STORE_T(o.role),
	                STORE_T(o.action), STORE_T(o.target), STORE_T(o.session),
	                STORE_I(store_auditlog_or(o.since_ms, INT64_MIN)),
	                STORE_I(store_auditlog_or(o.until_ms, INT64_MAX)),
	                STORE_I(store_auditlog_or(o.before_seq, INT64_MAX)), STORE_I(o.after_seq),
	                STORE_I((int64_t)o.limit));
	if (rc < 0)
		return rc;
	while (stop == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		char **str[] = {&e.account, &e.role,   &e.session,   &e.peer, &e.transport,
		                &e.action,  &e.target, &e.detail, &e.prev_hash, &e.hash};
		size_t i;

		e.seq = sqlite3_column_int64(s, 0);
		e.ts_ms = sqlite3_column_int64(s, 1);
		for (i = 0; i < sizeof str / sizeof str[0]; i++)
			*str[i] = (char *)sqlite3_column_text(s, (int)i + 2);
		stop = fn(arg, &e);
	}
	if (stop != 0)
		rc = stop < 0 ? stop : 0;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	return rc;
}

int store_auditlog_head(struct store *st, int64_t *seq)
{
	return store_query_int(st, store_auditlog_sql_head, seq, NULL, 0);
}

int store_auditlog_get(struct store *st, int64_t seq, struct audit_event *out)
{
	struct audit_event *list = NULL;
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof *out);
	rc = STORE_PREP(st, store_auditlog_sql_get, &s, STORE_I(seq));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof *list, store_audit_row_fill, store_audit_row_clear, &p, &n);
	if (rc < 0)
		return rc;
	list = p;
	if (n == 0) {
		free(list);
		return STORE_ENOENT;
	}
	*out = list[0];
	free(list);
	return 0;
}
