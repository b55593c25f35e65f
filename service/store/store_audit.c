/* store_audit — the audit log in the database (see the header): each event appended inside
 * the transaction of its change, chained to the one before by audit.c's hash; standalone
 * events; reading and verifying the chain. Calls store.c, store_tx.c and audit.c. */
#include "store_audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audit.h"
#include "store_int.h"
#include "store_tx.h"

static const char store_audit_sql_last[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";

static const char store_audit_sql_insert[] =
    "INSERT INTO audit (" STORE_AUDIT_COLS ")"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

static const char store_audit_sql_list[] =
    "SELECT " STORE_AUDIT_COLS " FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2";

static const char store_audit_sql_all[] = "SELECT " STORE_AUDIT_COLS " FROM audit ORDER BY seq";

/* Appends one event inside the caller's transaction: seq = max(seq) + 1, chained to the
 * previous event's hash. */
int store_audit_append(struct store *st, const struct audit_ctx *ctx, int64_t ts_ms,
                       const char *action, const char *target, const char *detail)
{
	static const struct audit_ctx none;
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1];
	struct audit_record r;
	sqlite3_stmt *s = NULL;
	int rc;

	if (ctx == NULL)
		ctx = &none;
	rc = store_stmt(st, store_audit_sql_last, &s);
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(s, 1);

		r.seq = sqlite3_column_int64(s, 0) + 1;
		/* A damaged last hash is chained as it is: verify reports that event. */
		snprintf(prev, sizeof prev, "%s", h != NULL ? (const char *)h : "");
	} else if (rc == SQLITE_DONE) {
		r.seq = 1;
		memcpy(prev, audit_genesis_hash, sizeof prev);
	} else {
		rc = store_fail(st, rc);
		store_stmt_done(s);
		return rc;
	}
	store_stmt_done(s);

	r.ts_ms = ts_ms;
	r.account = ctx->account;
	r.role = ctx->role;
	r.session = ctx->session;
	r.peer = ctx->peer;
	r.transport = ctx->transport;
	r.action = action;
	r.target = target;
	r.detail = detail;
	r.prev_hash = prev;
	rc = audit_hash(&r, hash);
	if (rc < 0)
		return store_fail_msg(st, rc, "libsodium initialisation failed");

	rc = store_stmt(st, store_audit_sql_insert, &s);
	if (rc < 0)
		return rc;
	rc =
	    STORE_BIND(st, s, STORE_I(r.seq), STORE_I(r.ts_ms), STORE_T(r.account), STORE_T(r.role),
	               STORE_T(r.session), STORE_T(r.peer), STORE_T(r.transport), STORE_T(r.action),
	               STORE_T(r.target), STORE_T(r.detail), STORE_T(r.prev_hash), STORE_T(hash));
	if (rc < 0)
		return rc;
	return store_run(st, s, NULL);
}

const char *store_audit_who(const struct audit_ctx *ctx)
{
	return ctx != NULL ? ctx->account : NULL;
}

int store_audit(struct store *st, const struct audit_ctx *ctx, const char *action,
                const char *target, const char *detail)
{
	int rc;

	if (!store_ascii_ok(action, STORE_ACTION_MAX))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	return store_tx_end(st,
	                    store_audit_append(st, ctx, store_now_ms(), action, target, detail));
}

void store_audit_event_clear(struct audit_event *e)
{
	if (e == NULL)
		return;
	free(e->account);
	free(e->role);
	free(e->session);
	free(e->peer);
	free(e->transport);
	free(e->action);
	free(e->target);
	free(e->detail);
	free(e->prev_hash);
	free(e->hash);
	memset(e, 0, sizeof *e);
}

void store_audit_row_clear(void *e)
{
	store_audit_event_clear(e);
}

void store_audit_list_free(struct audit_event *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_audit_row_clear);
}

int store_audit_row_fill(sqlite3_stmt *s, void *elem)
{
	struct audit_event *e = elem;
	int err = 0;

	memset(e, 0, sizeof *e);
	e->seq = sqlite3_column_int64(s, 0);
	e->ts_ms = sqlite3_column_int64(s, 1);
	err |= store_col_dup(s, 2, &e->account);
	err |= store_col_dup(s, 3, &e->role);
	err |= store_col_dup(s, 4, &e->session);
	err |= store_col_dup(s, 5, &e->peer);
	err |= store_col_dup(s, 6, &e->transport);
	err |= store_col_dup(s, 7, &e->action);
	err |= store_col_dup(s, 8, &e->target);
	err |= store_col_dup(s, 9, &e->detail);
	err |= store_col_dup(s, 10, &e->prev_hash);
	err |= store_col_dup(s, 11, &e->hash);
	if (err != 0) {
		store_audit_event_clear(e);
		return -ENOMEM;
	}
	return 0;
}

int store_audit_list(struct store *st, int64_t after_seq, size_t limit, struct audit_event **out,
                     size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		return 0;
	if (limit > (uint64_t)INT64_MAX)
		limit = (size_t)INT64_MAX;
	rc = store_stmt(st, store_audit_sql_list, &s);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, s, STORE_I(after_seq), STORE_I((int64_t)limit));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_audit_row_fill, store_audit_row_clear, &p, n);
	*out = p;
	return rc;
}

/* Column i as hashed text: false when it is neither NULL nor exactly a text without NUL
 * bytes (a value changed behind the store's back). */
static bool store_audit_verify_col(sqlite3_stmt *s, int i, const char **out)
{
	int type = sqlite3_column_type(s, i);

	*out = NULL;
	if (type == SQLITE_NULL)
		return true;
	if (type != SQLITE_TEXT)
		return false;
	*out = (const char *)sqlite3_column_text(s, i);
	return *out != NULL && strlen(*out) == (size_t)sqlite3_column_bytes(s, i);
}

int store_audit_verify(struct store *st, int64_t *checked, int64_t *bad_seq)
{
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1];
	int64_t expect = 1, count = 0, bad = 0;
	bool broken = false;
	sqlite3_stmt *s = NULL;
	int rc;

	if (checked != NULL)
		*checked = 0;
	if (bad_seq != NULL)
		*bad_seq = 0;
	memcpy(prev, audit_genesis_hash, sizeof prev);
	rc = store_stmt(st, store_audit_sql_all, &s);
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *stored_prev, *stored_hash;
		struct audit_record r;
		bool ok;

		r.seq = sqlite3_column_int64(s, 0);
		ok = sqlite3_column_type(s, 1) == SQLITE_INTEGER && r.seq == expect;
		r.ts_ms = sqlite3_column_int64(s, 1);
		ok = store_audit_verify_col(s, 2, &r.account) && ok;
		ok = store_audit_verify_col(s, 3, &r.role) && ok;
		ok = store_audit_verify_col(s, 4, &r.session) && ok;
		ok = store_audit_verify_col(s, 5, &r.peer) && ok;
		ok = store_audit_verify_col(s, 6, &r.transport) && ok;
		ok = store_audit_verify_col(s, 7, &r.action) && ok;
		ok = store_audit_verify_col(s, 8, &r.target) && ok;
		ok = store_audit_verify_col(s, 9, &r.detail) && ok;
		ok = store_audit_verify_col(s, 10, &stored_prev) && ok;
		ok = store_audit_verify_col(s, 11, &stored_hash) && ok;
		ok = ok && stored_prev != NULL && strcmp(stored_prev, prev) == 0 &&
		     stored_hash != NULL;
		if (ok) {
			r.prev_hash = stored_prev;
			rc = audit_hash(&r, hash);
			if (rc < 0)
				break;
			ok = strcmp(stored_hash, hash) == 0;
		}
		if (!ok) {
			broken = true;
			bad = r.seq;
			break;
		}
		memcpy(prev, hash, sizeof prev);
		expect++;
		count++;
	}
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc);
	else
		store_fail_msg(st, rc, "libsodium initialisation failed");
	store_stmt_done(s);
	if (rc < 0)
		return rc;
	if (checked != NULL)
		*checked = count;
	if (bad_seq != NULL)
		*bad_seq = bad;
	return broken ? 1 : 0;
}

int store_audit_event_hash(const struct audit_event *e, char hex[AUDIT_HASH_HEX + 1])
{
	struct audit_record r = {
	    .seq = e->seq,
	    .ts_ms = e->ts_ms,
	    .account = e->account,
	    .role = e->role,
	    .session = e->session,
	    .peer = e->peer,
	    .transport = e->transport,
	    .action = e->action,
	    .target = e->target,
	    .detail = e->detail,
	    .prev_hash = e->prev_hash,
	};

	return audit_hash(&r, hex);
}
