/* store_account — accounts (who may log in, with which role), their public keys, and the
 * record of logins (failures counted, lockouts). Every change is one transaction with its audit
 * event. Same threading as store.h; strings passed in are borrowed, structs returned own their
 * strings (released by *_clear / *_free; NULL does nothing). Errors: 0 or a negative store
 * error: STORE_EINVAL for a value refused, STORE_ENOENT for no such account, STORE_EEXIST for a
 * name taken. */
#ifndef PROPDESK_STORE_ACCOUNT_H
#define PROPDESK_STORE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "role.h"
#include "store.h"

struct account {
	int64_t id;
	char *name;
	char *display;
	enum role role;
	char *lang;           /* "zh" or "en" */
	char *team;           /* the supervising account's name, or NULL */
	char *pwhash;         /* argon2id string, or NULL when no password is set */
	bool locked;          /* locked by an admin */
	int failed;           /* consecutive failed logins */
	int64_t locked_until; /* unix seconds; lockout after failures, 0 when none */
	int64_t created;
	int64_t last_login;
};

void store_account_clear(struct account *a);

struct account_key {
	int64_t id;
	char *keytype; /* e.g. "ssh-ed25519" */
	char *blob;    /* base64 */
	char *comment;
	int64_t created;
};

void store_account_key_clear(struct account_key *k);

int store_account_get(struct store *st, const char *name, struct account *out);
/* All accounts ordered by name; free with store_account_list_free. */
int store_account_list(struct store *st, struct account **out, size_t *n);
void store_account_list_free(struct account *list, size_t n);
/* Adds a.name (unique), display, role, lang, team, pwhash. STORE_EEXIST if taken. */
int store_account_add(struct store *st, const struct audit_ctx *ctx, const struct account *a);
int store_account_set_role(struct store *st, const struct audit_ctx *ctx, const char *name,
                           enum role role);
/* locked=false also clears the failure count and any lockout. */
int store_account_set_locked(struct store *st, const struct audit_ctx *ctx, const char *name,
                             bool locked);
int store_account_set_password(struct store *st, const struct audit_ctx *ctx, const char *name,
                               const char *pwhash);
int store_account_key_add(struct store *st, const struct audit_ctx *ctx, const char *name,
                          const char *keytype, const char *blob, const char *comment);
int store_account_keys(struct store *st, const char *name, struct account_key **out, size_t *n);
void store_account_keys_free(struct account_key *keys, size_t n);

/* A successful login: resets the failure count, sets last_login, audits "login". */
int store_account_login_ok(struct store *st, const struct audit_ctx *ctx, const char *name);
/* A failed login for an existing account: counts it; at max_failures sets a lockout of
 * lockout_s seconds and sets *locked_out. Audits "login.fail" (and "login.lockout").
 * The count is kept past max_failures (max_failures <= 0: never locks out), so after a lockout
 * ends one more failure locks out again, until store_account_login_ok or an unlock resets it. */
int store_account_login_failed(struct store *st, const struct audit_ctx *ctx, const char *name,
                               const char *reason, int max_failures, int lockout_s,
                               bool *locked_out);

#endif
