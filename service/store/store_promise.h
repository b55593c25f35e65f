/* store_promise — the promise ledger ("说到就要做到"): what an agent promised an owner on a
 * complaint, by when, and whether it was kept or withdrawn. Each change is one transaction with
 * the complaint's history row and one audit event, and counts as work on the complaint
 * (store_complaint_status.h). Same threading as store.h; strings passed in are borrowed,
 * promises returned own their strings (store_promise_clear, store_promise_list_free; NULL does
 * nothing). Errors: 0 or a negative store error: STORE_EINVAL for a value refused,
 * STORE_ENOENT for no such complaint or promise, STORE_ESTATE for a change the status of the
 * promise or of its complaint does not allow. */
#ifndef PROPDESK_STORE_PROMISE_H
#define PROPDESK_STORE_PROMISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum promise_status {
	PROMISE_OPEN,
	PROMISE_KEPT,
	PROMISE_WITHDRAWN,
};

/* Names as stored and as used in --json ("open", "kept", "withdrawn"); NULL for a value out of
 * range. The parser returns the value, or -1 when s (may be NULL) names none. */
const char *store_promise_status_name(enum promise_status s);
int store_promise_status_parse(const char *s);

struct promise {
	int64_t id;
	int64_t complaint_id;
	char *number; /* the complaint's number */
	char *unit;   /* the complaint's unit */
	char *agent;  /* who promised */
	char *what;
	int64_t due_ms;
	enum promise_status status;
	int64_t created_ms;
	int64_t closed_ms; /* kept or withdrawn; 0 while open */
	char *note;        /* how it was kept, or why withdrawn; NULL when none */
};

void store_promise_clear(struct promise *p);
void store_promise_list_free(struct promise *list, size_t n);

/* A promise made while taking the complaint (or later, store_promise_add). */
struct promise_new {
	const char *what;
	int64_t due_ms;
	const char *agent; /* NULL: the complaint's agent when taking it, else ctx->account */
};

/* Adds a promise to a complaint that is not resolved (STORE_ESTATE), history "promise.add",
 * audit "promise.add". *id_out (may be NULL) gets its id. */
int store_promise_add(struct store *st, const struct audit_ctx *ctx, const char *number,
                      const struct promise_new *p, int64_t *id_out);
/* Marks an open promise kept (STORE_ESTATE if not open); note may be NULL. History
 * "promise.kept", audit "promise.done". */
int store_promise_done(struct store *st, const struct audit_ctx *ctx, int64_t id, const char *note);
/* Withdraws an open promise with a reason (required). History "promise.withdrawn", audit
 * "promise.withdraw". */
int store_promise_withdraw(struct store *st, const struct audit_ctx *ctx, int64_t id,
                           const char *reason);
/* One promise (STORE_ENOENT if none). */
int store_promise_get(struct store *st, int64_t id, struct promise *out);

struct promise_filter {
	const char *agent; /* NULL: everyone's */
	bool open_only;
	bool overdue_only; /* open and due before now */
	int64_t now_ms;    /* 0: the clock */
	size_t limit;      /* 0: 100 */
	size_t offset;
};

/* Promises, most urgent first (due_ms, then id). Free with store_promise_list_free. */
int store_promise_list(struct store *st, const struct promise_filter *f, struct promise **out,
                       size_t *n);

/* ---- inside the store (store_*.c) ---------------------------------------------------------- */

/* Whether p may be promised: a due time, an agent's name if given, a text. */
int store_promise_check(const struct promise_new *p);
/* Inside a transaction: inserts promise p by agent on complaint id, with its history row
 * "promise.add" (no audit event: the caller's change has its own); *pid gets its id. */
int store_promise_insert(struct store *st, const struct audit_ctx *ctx, int64_t id,
                         const char *agent, const struct promise_new *p, int64_t now, int64_t *pid);
/* The promises of complaint complaint_id, oldest first (store_promise_list_free). */
int store_promise_of(struct store *st, int64_t complaint_id, struct promise **out, size_t *n);
/* How many of its promises are open. */
int store_promise_open_count(struct store *st, int64_t complaint_id, int64_t *count);

#endif
