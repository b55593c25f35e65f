/* store_draft — drafts of guided forms: a user's own unsubmitted form (`complaint new`),
 * saved after every step so that it survives a dropped connection, one per account and kind.
 * A draft is open in one session at a time: the session that saves or resumes it claims it
 * (its id, since when, and a lease of DRAFT_LEASE_MS renewed by every save); another session
 * is refused (STORE_EOWNER) until the claim is released — when that session's form ends or the
 * session ends (store_draft_release), when the daemon starts (store_draft_release_all: no
 * session outlives it), or when the lease runs out. Not audited: nothing is changed until the
 * form is submitted, and the submission takes the draft in its own transaction
 * (store_draft_take), so that one draft never gives two complaints.
 * Same threading as store.h; a draft returned owns its data (store_draft_clear). Errors: 0 or a
 * negative store error. */
#ifndef PROPDESK_STORE_DRAFT_H
#define PROPDESK_STORE_DRAFT_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

#define DRAFT_DATA_MAX 65536                /* bytes of a draft's data */
#define DRAFT_LEASE_MS (12 * 3600 * 1000LL) /* a claim not renewed for this long lapses */

struct draft {
	char *data; /* the caller's JSON text */
	int step;
	int64_t updated_ms;
	char *session;      /* the session that has it open, or NULL */
	int64_t claimed_ms; /* since when (0 when not claimed) */
	int64_t lease_ms;   /* the claim holds until then */
};

void store_draft_clear(struct draft *d);
/* Whether d is open in a session other than session (NULL: none) at now. */
bool store_draft_held_elsewhere(const struct draft *d, const char *session, int64_t now);

/* Saves (replacing) account's draft of kind (an ASCII word such as "complaint") and claims it
 * for session; STORE_EOWNER (nothing saved) while another session holds it. data is UTF-8
 * text up to DRAFT_DATA_MAX bytes. session NULL saves without claiming or checking (the
 * offline tools, tests). Not audited. */
int store_draft_save_as(struct store *st, const char *account, const char *kind,
                        const char *session, const char *data, int step);
/* store_draft_save_as with no session. */
int store_draft_save(struct store *st, const char *account, const char *kind, const char *data,
                     int step);
/* STORE_ENOENT when there is none. */
int store_draft_load(struct store *st, const char *account, const char *kind, struct draft *out);
/* Claims the draft for session (renewing its lease): STORE_ENOENT when there is none,
 * STORE_EOWNER while another session holds it (then *held, which may be NULL, gets the draft
 * as it is, to say who holds it and since when; cleared by the caller either way). */
int store_draft_claim(struct store *st, const char *account, const char *kind, const char *session,
                      struct draft *held);
/* Releases session's claim on the draft (the draft stays); nothing when it holds none. */
int store_draft_release(struct store *st, const char *account, const char *kind,
                        const char *session);
/* Releases every claim: at the daemon's start, when no session of before can be alive. */
int store_draft_release_all(struct store *st);
/* Deletes the draft unless another session holds it (STORE_EOWNER); session NULL deletes it
 * whoever holds it. STORE_ENOENT when there was none. */
int store_draft_delete_as(struct store *st, const char *account, const char *kind,
                          const char *session);
/* store_draft_delete_as with no session. */
int store_draft_delete(struct store *st, const char *account, const char *kind);

/* ---- inside the store (store_*.c) ---------------------------------------------------------- */

/* Inside the transaction that submits the form: deletes the draft unless another session holds
 * it. When required (the form was resumed from it) it must have been there and not held by
 * another session (STORE_EOWNER), else STORE_ESTATE (already submitted or discarded
 * elsewhere); a form not resumed from it leaves another session's draft alone. */
int store_draft_take(struct store *st, const char *account, const char *kind, const char *session,
                     bool required);

#endif
