/* store_account — accounts, their keys and logins (see the header). Every change is one
 * transaction with its audit event. Calls store.c, store_tx.c and store_audit.c. */
#include "store_account.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store_audit.h"
#include "store_int.h"
#include "store_tx.h"

#define STORE_ACCOUNT_DISPLAY_MAX 128
#define STORE_ACCOUNT_PWHASH_MAX 255
#define STORE_ACCOUNT_KEYTYPE_MAX 64
#define STORE_ACCOUNT_KEYBLOB_MAX 16384
#define STORE_ACCOUNT_COMMENT_MAX 256

/* The statements of store.c, each prepared once per connection on first use (store_stmt). */
#define STORE_ACCOUNT_COLS                                                                         \
	"id, name, display, role, lang, team, pwhash, locked, failed, locked_until, created, "     \
	"last_login"

static const char store_account_sql_get[] =
    "SELECT " STORE_ACCOUNT_COLS " FROM accounts WHERE name = ?1";

static const char store_account_sql_list[] =
    "SELECT " STORE_ACCOUNT_COLS " FROM accounts ORDER BY name";

static const char store_account_sql_state[] =
    "SELECT id, role, failed, locked_until FROM accounts WHERE name = ?1";

static const char store_account_sql_add[] =
    "INSERT INTO accounts (name, display, role, lang, team, pwhash, created, updated)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)";

static const char store_account_sql_set_role[] =
    "UPDATE accounts SET role = ?2, updated = ?3 WHERE name = ?1";

static const char store_account_sql_lock[] =
    "UPDATE accounts SET locked = 1, updated = ?2 WHERE name = ?1";

static const char store_account_sql_unlock[] =
    "UPDATE accounts SET locked = 0, failed = 0, locked_until = 0, updated = ?2"
    " WHERE name = ?1";

static const char store_account_sql_set_password[] =
    "UPDATE accounts SET pwhash = ?2, updated = ?3 WHERE name = ?1";

static const char store_account_sql_key_add[] =
    "INSERT INTO account_keys (account_id, keytype, blob, comment, created)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";

static const char store_account_sql_key_list[] =
    "SELECT id, keytype, blob, comment, created FROM account_keys"
    " WHERE account_id = ?1 ORDER BY id";

static const char store_account_sql_login_ok[] =
    "UPDATE accounts SET failed = 0, locked_until = 0, last_login = ?2 WHERE name = ?1";

static const char store_account_sql_login_failed[] =
    "UPDATE accounts SET failed = ?2, locked_until = ?3 WHERE name = ?1";

static bool store_account_base64_ok(const char *s, size_t max)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i >= max || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		                  (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			return false;
	}
	return true;
}

void store_account_clear(struct account *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->display);
	free(a->lang);
	free(a->team);
	if (a->pwhash != NULL) {
		sodium_memzero(a->pwhash, strlen(a->pwhash));
		free(a->pwhash);
	}
	memset(a, 0, sizeof *a);
}

static int store_account_fill(sqlite3_stmt *s, struct account *a)
{
	char *role = NULL;
	int rc = 0;

	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(s, 0);
	rc |= store_col_dup(s, 1, &a->name);
	rc |= store_col_dup(s, 2, &a->display);
	rc |= store_col_dup(s, 3, &role);
	rc |= store_col_dup(s, 4, &a->lang);
	rc |= store_col_dup(s, 5, &a->team);
	rc |= store_col_dup(s, 6, &a->pwhash);
	a->locked = sqlite3_column_int(s, 7) != 0;
	a->failed = sqlite3_column_int(s, 8);
	a->locked_until = sqlite3_column_int64(s, 9);
	a->created = sqlite3_column_int64(s, 10);
	a->last_login = sqlite3_column_int64(s, 11);
	a->role = role_parse(role);
	free(role);
	if (rc != 0) {
		store_account_clear(a);
		return -ENOMEM;
	}
	return 0;
}

int store_account_get(struct store *st, const char *name, struct account *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (name == NULL)
		return STORE_EINVAL;
	rc = store_stmt(st, store_account_sql_get, &s);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, s, STORE_T(name));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_account_fill(s, out);
	else if (rc == SQLITE_DONE)
		rc = STORE_ENOENT;
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	return rc;
}

static void store_account_clear_v(void *a)
{
	store_account_clear(a);
}

static int store_account_fill_v(sqlite3_stmt *s, void *a)
{
	return store_account_fill(s, a);
}

void store_account_list_free(struct account *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_account_clear_v);
}

int store_account_list(struct store *st, struct account **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_stmt(st, store_account_sql_list, &s);
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_account_fill_v, store_account_clear_v, &p, n);
	*out = p;
	return rc;
}

/* Inside a transaction (or alone): the account's id, role, failures and lockout. */
struct store_account_state {
	int64_t id;
	enum role role;
	int failed;
	int64_t locked_until;
};

static int store_account_state(struct store *st, const char *name,
                               struct store_account_state *state)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = store_stmt(st, store_account_sql_state, &s);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, s, STORE_T(name));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		state->id = sqlite3_column_int64(s, 0);
		state->role = role_parse((const char *)sqlite3_column_text(s, 1));
		state->failed = sqlite3_column_int(s, 2);
		state->locked_until = sqlite3_column_int64(s, 3);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = store_fail_msg(st, STORE_ENOENT, "no such account");
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

/* ---- changes ----------------------------------------------------------------------------- */

int store_account_add(struct store *st, const struct audit_ctx *ctx, const struct account *a)
{
	const char *lang = a->lang != NULL ? a->lang : "zh";
	const char *display = a->display != NULL ? a->display : "";
	const char *team = a->team != NULL && a->team[0] != '\0' ? a->team : NULL;
	const char *role = role_name(a->role);
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (!store_name_ok(a->name) || role == NULL ||
	    !store_text_ok(display, STORE_ACCOUNT_DISPLAY_MAX, true) ||
	    (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) ||
	    (team != NULL && !store_name_ok(team)) ||
	    (a->pwhash != NULL && !store_ascii_ok(a->pwhash, STORE_ACCOUNT_PWHASH_MAX)))
		return STORE_EINVAL;
	snprintf(detail, sizeof detail, "role=%s lang=%s%s%s%s", role, lang,
	         team != NULL ? " team=" : "", team != NULL ? team : "",
	         a->pwhash != NULL ? " password=set" : "");

	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, store_account_sql_add, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(a->name), STORE_T(display), STORE_T(role),
		                STORE_T(lang), STORE_T(team), STORE_T(a->pwhash),
		                STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "user.add", a->name, detail);
	return store_tx_end(st, rc);
}

int store_account_set_role(struct store *st, const struct audit_ctx *ctx, const char *name,
                           enum role role)
{
	struct store_account_state state = {0};
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (name == NULL || role_name(role) == NULL)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_account_state(st, name, &state);
	if (rc == 0)
		rc = store_stmt(st, store_account_sql_set_role, &s);
	if (rc == 0)
		rc =
		    STORE_BIND(st, s, STORE_T(name), STORE_T(role_name(role)), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0) {
		const char *was = role_name(state.role);

		snprintf(detail, sizeof detail, "role=%s was=%s", role_name(role),
		         was != NULL ? was : "?");
		rc = store_audit_append(st, ctx, now, "user.role", name, detail);
	}
	return store_tx_end(st, rc);
}

int store_account_set_locked(struct store *st, const struct audit_ctx *ctx, const char *name,
                             bool locked)
{
	struct store_account_state state = {0};
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (name == NULL)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_account_state(st, name, &state);
	if (rc == 0)
		rc = store_stmt(st, locked ? store_account_sql_lock : store_account_sql_unlock, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(name), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0) {
		if (locked)
			snprintf(detail, sizeof detail, "locked");
		else
			snprintf(detail, sizeof detail, "unlocked failures=%d cleared",
			         state.failed);
		rc = store_audit_append(st, ctx, now, locked ? "user.lock" : "user.unlock", name,
		                        detail);
	}
	return store_tx_end(st, rc);
}

int store_account_set_password(struct store *st, const struct audit_ctx *ctx, const char *name,
                               const char *pwhash)
{
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc, changes = 0;

	if (name == NULL || (pwhash != NULL && !store_ascii_ok(pwhash, STORE_ACCOUNT_PWHASH_MAX)))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, store_account_sql_set_password, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(name), STORE_T(pwhash), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, &changes);
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "no such account");
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "user.passwd", name,
		                        pwhash != NULL ? "password set" : "password removed");
	return store_tx_end(st, rc);
}

int store_account_key_add(struct store *st, const struct audit_ctx *ctx, const char *name,
                          const char *keytype, const char *blob, const char *comment)
{
	struct store_account_state state = {0};
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (comment != NULL && comment[0] == '\0')
		comment = NULL;
	if (name == NULL || !store_ascii_ok(keytype, STORE_ACCOUNT_KEYTYPE_MAX) ||
	    !store_account_base64_ok(blob, STORE_ACCOUNT_KEYBLOB_MAX) ||
	    (comment != NULL && !store_text_ok(comment, STORE_ACCOUNT_COMMENT_MAX, true)))
		return STORE_EINVAL;
	snprintf(detail, sizeof detail, "key added %s%s%s", keytype, comment != NULL ? " " : "",
	         comment != NULL ? comment : "");
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_account_state(st, name, &state);
	if (rc == 0)
		rc = store_stmt(st, store_account_sql_key_add, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_I(state.id), STORE_T(keytype), STORE_T(blob),
		                STORE_T(comment), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "user.key", name, detail);
	return store_tx_end(st, rc);
}

void store_account_key_clear(struct account_key *k)
{
	if (k == NULL)
		return;
	free(k->keytype);
	free(k->blob);
	free(k->comment);
	memset(k, 0, sizeof *k);
}

static void store_account_key_clear_v(void *k)
{
	store_account_key_clear(k);
}

void store_account_keys_free(struct account_key *keys, size_t n)
{
	store_list_free(keys, n, sizeof *keys, store_account_key_clear_v);
}

static int store_account_key_fill(sqlite3_stmt *s, void *elem)
{
	struct account_key *k = elem;
	int err = 0;

	memset(k, 0, sizeof *k);
	k->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &k->keytype);
	err |= store_col_dup(s, 2, &k->blob);
	err |= store_col_dup(s, 3, &k->comment);
	k->created = sqlite3_column_int64(s, 4);
	if (err != 0) {
		store_account_key_clear(k);
		return -ENOMEM;
	}
	return 0;
}

int store_account_keys(struct store *st, const char *name, struct account_key **out, size_t *n)
{
	struct store_account_state state = {0};
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (name == NULL)
		return STORE_EINVAL;
	rc = store_account_state(st, name, &state);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, store_account_sql_key_list, &s);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, s, STORE_I(state.id));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_account_key_fill, store_account_key_clear_v,
	                   &p, n);
	*out = p;
	return rc;
}

/* ---- logins ------------------------------------------------------------------------------- */

int store_account_login_ok(struct store *st, const struct audit_ctx *ctx, const char *name)
{
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc, changes = 0;

	if (name == NULL)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, store_account_sql_login_ok, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(name), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, &changes);
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "no such account");
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "login", name, NULL);
	return store_tx_end(st, rc);
}

int store_account_login_failed(struct store *st, const struct audit_ctx *ctx, const char *name,
                               const char *reason, int max_failures, int lockout_s,
                               bool *locked_out)
{
	struct store_account_state state = {0};
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms(), until = 0;
	bool lock = false;
	sqlite3_stmt *s = NULL;
	int rc, failed = 0;

	if (locked_out != NULL)
		*locked_out = false;
	if (name == NULL || lockout_s < 0)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_account_state(st, name, &state);
	if (rc == 0) {
		failed = state.failed < 0 ? 1 : state.failed + 1;
		lock = max_failures > 0 && failed >= max_failures;
		until = lock ? now / 1000 + lockout_s : state.locked_until;
		rc = store_stmt(st, store_account_sql_login_failed, &s);
	}
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(name), STORE_I(failed), STORE_I(until));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0) {
		if (reason != NULL)
			snprintf(detail, sizeof detail, "%s; failures=%d", reason, failed);
		else
			snprintf(detail, sizeof detail, "failures=%d", failed);
		rc = store_audit_append(st, ctx, now, "login.fail", name, detail);
	}
	if (rc == 0 && lock) {
		snprintf(detail, sizeof detail, "locked out for %d s after %d failures", lockout_s,
		         failed);
		rc = store_audit_append(st, ctx, now, "login.lockout", name, detail);
	}
	rc = store_tx_end(st, rc);
	if (rc == 0 && locked_out != NULL)
		*locked_out = lock;
	return rc;
}
