/* auth — password and public-key checks. Failed passwords slow and then lock the (account,
 * source address) pair only, and raise the address's penalty score (addrlimit.h), the same
 * way whether or not the account exists (an unknown name is checked against a dummy hash,
 * and its delay comes from the same pair count). A key login, or a login from a trusted
 * network, is never refused for someone else's failures; an admin's lock refuses every login.
 * Loop thread only; argon2id runs on hasher threads of its own at a lower priority (at most
 * cfg.hash_workers at once, the rest queued, pairs with fewer failures first; see auth.c for
 * why not the libuv pool), and failure delays are libuv timers, so nothing blocks the loop.
 * Every outcome is audited (login, login.fail, login.lockout, login.refused,
 * login.addr_refused, login.busy). */
#ifndef PROPDESK_AUTH_H
#define PROPDESK_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "net_host.h"
#include "store.h"
#include "store_account.h"

struct addrlimit;
struct auth;
struct auth_req;
struct config;
struct store;
struct uv_loop_s;

/* Why a login was refused (NET_AUTH_LOCKED, NET_AUTH_REFUSED), for the client. */
extern const struct net_why auth_why_locked;      /* by an admin */
extern const struct net_why auth_why_pair_locked; /* failures of this pair */
extern const struct net_why auth_why_addr_banned; /* the address's penalty */
extern const struct net_why auth_why_busy;        /* too many password checks waiting */

/* What auth is given by the server that makes it, instead of reaching into it (copied by
 * auth_new; what it points to outlives auth). */
struct auth_host {
	struct uv_loop_s *loop;   /* and its clock */
	struct store *store;      /* the writing connection */
	const struct config *cfg; /* the running configuration (reloads in place) */
	struct addrlimit *limits; /* failures, locks and penalties */
	void *arg;                /* the callbacks' first argument */
	/* May account log in on a connection now (max_sessions, max_sessions_per_account)? 0,
	 * or < 0 with *why set. */
	int (*login_check)(void *arg, const char *account, const struct net_why **why);
	/* The connection moved on (here: it failed a login, NET_CONN_FAILED). */
	void (*conn_stage)(void *arg, struct net_conn *sc, enum net_conn_stage stage);
};

int auth_new(const struct auth_host *host, struct auth **out);
/* Closes the loop handle (before the loop's last run). Checks still out keep the loop running
 * until they are answered, so by then there are none. NULL does nothing. */
void auth_close(struct auth *a);
/* Stops and joins the hashers (after the loop has ended): pending requests must have been
 * cancelled. NULL does nothing. */
void auth_free(struct auth *a);

/* Checks user/password. ctx names the session, peer and transport for the audit (copied).
 * sc is the connection (its address, trusted or not; on NET_AUTH_OK the session limits were
 * checked and the caller tells its host the login; a failure marks it NET_CONN_FAILED as
 * soon as it is decided, so that it may make room while its answer is delayed), or NULL. cb is called later on
 * the loop (never inside this call), after the failure delay when the check fails. Returns
 * NULL (cb never called) only when out of memory. sc must outlive the request (cancel it). */
struct auth_req *auth_password(struct auth *a, const struct audit_ctx *ctx,
			       struct net_conn *sc, const char *user,
			       const char *password, net_auth_cb cb, void *arg);
/* Cancels a pending request: cb will not be called. */
void auth_cancel(struct auth_req *r);

/* Public key: is (keytype, base64 blob) one of user's keys? Synchronous (one indexed read).
 * Failed passwords never stop it: only an admin's lock (NET_AUTH_LOCKED) and, when final, the
 * session limits (NET_AUTH_REFUSED, sc not NULL) do, with *why set. final: the client proved
 * possession (signature verified): audit and count the login; otherwise it is only a probe
 * (no audit). On NET_AUTH_OK with final, *acct is filled (caller clears it). */
enum net_auth_result auth_pubkey(struct auth *a, const struct audit_ctx *ctx,
			     const struct net_conn *sc, const char *user, const char *keytype,
			     const char *blob, bool final, struct account *acct,
			     const struct net_why **why);

/* argon2id hash / verify off the loop (for passwd and user add in the shell). cb gets rc 0 and
 * the hash for auth_hash; rc 1 (match) / 0 (no match) for auth_verify; < 0 on failure.
 * Returns 0, or < 0 (cb not called). The request cannot be cancelled: arg must stay valid. */
typedef void (*auth_hash_cb)(void *arg, int rc, const char *hash);
int auth_hash(struct auth *a, const char *password, auth_hash_cb cb, void *arg);
int auth_verify(struct auth *a, const char *hash, const char *password, auth_hash_cb cb,
		void *arg);

/* Synchronous hash for the offline command line (never on the loop). 0 or -1. */
int auth_hash_sync(const char *password, int opslimit, size_t memlimit, char *out,
		   size_t outlen);

#endif
