/* store_audit — the audit log: one event for each change, written by the change's own
 * transaction (store_tx.h) so that data and audit cannot disagree, and for what changes
 * nothing (logins that fail, logouts, commands run). Each event is chained to the one before
 * it by its hash (audit.h), so that the log can be verified end to end. Same threading as
 * store.h; strings passed in are borrowed, events returned own their strings. */
#ifndef PROPDESK_STORE_AUDIT_H
#define PROPDESK_STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "store.h"

/* A standalone audit event (logout, command run, failed login of an unknown account...). */
int store_audit(struct store *st, const struct audit_ctx *ctx, const char *action,
                const char *target, const char *detail);

struct audit_event {
	int64_t seq;
	int64_t ts_ms;
	char *account, *role, *session, *peer, *transport, *action, *target, *detail;
	char *prev_hash, *hash; /* 64 hex digits each */
};

void store_audit_event_clear(struct audit_event *e);
/* Events with seq > after_seq, oldest first, at most limit. */
int store_audit_list(struct store *st, int64_t after_seq, size_t limit, struct audit_event **out,
                     size_t *n);
void store_audit_list_free(struct audit_event *list, size_t n);
/* Recomputes the whole chain. 0 when intact (*checked = events seen); STORE_EIO-free
 * mismatch returns 1 with *bad_seq the first broken event. */
int store_audit_verify(struct store *st, int64_t *checked, int64_t *bad_seq);
/* The hash of a stored event, recomputed from its fields (e->hash is ignored). 0 or -ENOMEM
 * (audit_hash). */
int store_audit_event_hash(const struct audit_event *e, char hex[AUDIT_HASH_HEX + 1]);

/* ---- inside the store (store_*.c) ---------------------------------------------------------- */

/* Appends one event inside the caller's transaction: seq = max(seq) + 1, chained to the
 * previous event's hash. */
int store_audit_append(struct store *st, const struct audit_ctx *ctx, int64_t ts_ms,
                       const char *action, const char *target, const char *detail);
/* The account that does a change (ctx->account), or NULL. */
const char *store_audit_who(const struct audit_ctx *ctx);

#endif
