/* store_movein_step — the later steps of a move-in (store_movein.h has the record and what
 * these steps share): the inspection item by item, the defects and their life, the owner's
 * sign-off, the manager's review, the keys, the waivers, and the overdue defects. Same
 * threading, ownership and errors as store_movein.h. */
#ifndef PROPDESK_STORE_MOVEIN_STEP_H
#define PROPDESK_STORE_MOVEIN_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_movein.h"

/* Items inspected and passed (each one the record lists; an item with a defect not closed:
 * STORE_ESTATE). */
int store_movein_step_pass(struct store *st, const struct audit_ctx *ctx, const char *unit,
                      const char *const *items, size_t n);
/* A defect found on item: its description and rectification requirement (text) and deadline
 * (> 0); the item's result becomes defect, and an owner's sign-off already given is taken
 * back (signed again once the defect is closed). *id gets its number. Audit "movein.defect". */
int store_movein_step_defect_add(struct store *st, const struct audit_ctx *ctx, const char *unit,
                            const char *item, const char *description, const char *requirement,
                            int64_t deadline_ms, int64_t *id);
/* A defect's next step: assign (to a contractor or team: recorded or assigned), fix
 * (rectified: from assigned), reinspect pass (closed) or fail (back to assigned: from
 * rectified); note optional text. STORE_ESTATE from any other status. */
enum movein_defect_step {
	MOVEIN_DEFECT_ASSIGN = 0,
	MOVEIN_DEFECT_FIX,
	MOVEIN_DEFECT_PASS,
	MOVEIN_DEFECT_FAIL
};
int store_movein_step_defect(struct store *st, const struct audit_ctx *ctx, int64_t id, int step,
                             const char *assignee, const char *note);
int store_movein_step_defect_get(struct store *st, int64_t id, struct movein_defect *out);
/* Defects not closed whose deadline is before now, earliest first, a page of limit. */
int store_movein_step_overdue(struct store *st, int64_t now_ms, size_t limit, size_t offset,
                         struct movein_defect **out, size_t *n);
/* The owner signs off the inspection: every item inspected and every defect closed (or
 * waived), else STORE_ESTATE. */
int store_movein_step_signoff(struct store *st, const struct audit_ctx *ctx, const char *unit);
/* The manager's review: nothing missing but what is waived, else STORE_ESTATE. */
int store_movein_step_review(struct store *st, const struct audit_ctx *ctx, const char *unit);
/* The keys handed over (1..MOVEIN_KEYS_MAX; kinds, NULL or text such as "入户门:2,信箱:1", how
 * many of each kind; to whom; the key receipt number): only after the review and once
 * (STORE_ESTATE). */
int store_movein_step_keys(struct store *st, const struct audit_ctx *ctx, const char *unit,
                           int count, const char *kinds, const char *to, const char *receipt);
/* A supervisor waives one gap (its key, as store_movein_gap_key gives it, which must be a gap
 * of the record now: STORE_ENOENT otherwise) with a reason. Audit "movein.waive". */
int store_movein_step_waive(struct store *st, const struct audit_ctx *ctx, const char *unit,
                       const char *what, const char *reason);
/* The proxy withdrawn (none: STORE_ENOENT), and with them the documents a proxy brings (codes)
 * no longer required. Audit "movein.unproxy". */
int store_movein_step_unproxy(struct store *st, const struct audit_ctx *ctx, const char *unit,
                              const char *const *docs, size_t ndocs);

#endif
