/* store_complaint_status — a complaint's status, and what every change to a complaint or to
 * one of its promises shares: the complaint's row, read first inside the change's transaction;
 * the rule that work on an open complaint moves it to in_progress; and the complaint_history
 * row and audit event that record the change. The complaint domain (store_complaint.h) and the
 * promise ledger (store_promise.h) both build on it. Same threading as store.h. Errors: 0 or a
 * negative store error (STORE_ENOENT: no complaint has that number). */
#ifndef PROPDESK_STORE_COMPLAINT_STATUS_H
#define PROPDESK_STORE_COMPLAINT_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

enum complaint_status {
	COMPLAINT_OPEN,
	COMPLAINT_IN_PROGRESS,
	COMPLAINT_RESOLVED,
	COMPLAINT_ESCALATED,
	COMPLAINT_REOPENED,
};
#define COMPLAINT_NSTATUS 5
/* A bit per status, for complaint_filter.status_mask. */
#define COMPLAINT_STATUS_BIT(s) (1u << (s))

/* Names as stored and as used in --json ("open", "in_progress", ...); NULL for a value out of
 * range. The parser returns the value, or -1 when s (may be NULL) names none. */
const char *store_complaint_status_name(enum complaint_status s);
int store_complaint_status_parse(const char *s);

/* Limits (bytes of UTF-8) of what a change to a complaint carries. Multi-line texts (notes,
 * outcome, reasons, handover notes, promise texts) may contain newlines and tabs, no other
 * control characters. */
#define COMPLAINT_NUMBER_MAX 32 /* buffer size for a number, NUL included */
#define COMPLAINT_TEXT_MAX 4096

/* ---- who may work a complaint -------------------------------------------------------------- */

/* The one rule for who may work a complaint (notes, techniques, escalate, resolve, reopen, its
 * promises) and who sees its owner's whole phone number: the account that took it (agent), the
 * account that holds it now (assignee), supervisors and admins. account and role (as
 * role_name spells it: "supervisor") are the actor's; agent and assignee may be NULL (a unit's
 * owner, with no complaint: supervisors and admins only). Pure. */
bool store_complaint_status_may_work(const char *agent, const char *assignee, const char *account,
                                     const char *role);
/* Who may hand a complaint to another account (complaint assign): supervisors and admins, or
 * its current holder (assignee) handing it over with a note. Pure. */
bool store_complaint_status_may_assign(const char *assignee, const char *account,
                                       const char *role);

/* ---- inside the store (store_*.c) ---------------------------------------------------------- */

/* The state of a complaint read inside a change's transaction. */
struct store_complaint_status_row {
	int64_t id;
	enum complaint_status status;
	char agent[STORE_NAME_MAX + 1];
	char assignee[STORE_NAME_MAX + 1];
};

/* Inside a change: 0 when ctx may work row's complaint (store_complaint_status_may_work), or
 * may hand it over (assign: store_complaint_status_may_assign); STORE_EOWNER otherwise. A
 * change with no account (ctx or ctx->account NULL: the offline tools) is not checked. */
int store_complaint_status_check(struct store *st, const struct audit_ctx *ctx,
                                 const struct store_complaint_status_row *row, bool assign);

/* Inside a transaction: the row of complaint number (STORE_ENOENT when none). */
int store_complaint_status_lookup(struct store *st, const char *number,
                                  struct store_complaint_status_row *row);
/* Begins a change of complaint number: the transaction and the row. On failure the transaction
 * is already ended. */
int store_complaint_status_begin(struct store *st, const char *number,
                                 struct store_complaint_status_row *row);
/* Sets complaint id's status (and updated time). */
int store_complaint_status_set(struct store *st, int64_t id, enum complaint_status status,
                               int64_t now);
/* Marks the complaint changed, moving it from open to in_progress when work is done on it. */
int store_complaint_status_touch(struct store *st, const struct store_complaint_status_row *row,
                                 int64_t now, bool work);
/* Appends the history row of one change (action, detail kept whole) and, when audit_action is
 * not NULL, its audit event (target the number; detail audit_detail, or detail when NULL). */
int store_complaint_status_record(struct store *st, const struct audit_ctx *ctx, int64_t id,
                                  const char *number, int64_t now, const char *action,
                                  const char *detail, const char *audit_action,
                                  const char *audit_detail);

#endif
