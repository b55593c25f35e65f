/* store_complaint — complaints (投诉) tagged by communication technique, with notes, an
 * append-only history, handovers between agents and the promises made on them
 * (store_promise.h); their status and its rules: store_complaint_status.h.
 * Threads: like store.h — a struct store is used by one thread at a time; the loop uses the
 * writing store, thread-pool work (full-text and regex searches) its own store opened with
 * STORE_READONLY. Strings passed in are borrowed for the call; structs returned own their
 * strings and arrays, released by their *_clear / *_free function (NULL does nothing).
 * Every change is one transaction writing the change, a complaint_history row and exactly one
 * audit event. Errors: 0 or a negative store error (store.h): STORE_EINVAL for a value
 * refused, STORE_ENOENT for a missing complaint, unit or account, STORE_ESTATE for a change
 * the current status does not allow, STORE_EPROMISES when resolving with open promises,
 * -EROFS on a read-only store. */
#ifndef PROPDESK_STORE_COMPLAINT_H
#define PROPDESK_STORE_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_complaint_status.h"
#include "store_promise.h"

/* ---- enumerations (stored as their names) ------------------------------------------------ */

enum complaint_relation {
	COMPLAINT_REL_OWNER,
	COMPLAINT_REL_FAMILY,
	COMPLAINT_REL_TENANT,
	COMPLAINT_REL_OTHER,
};

enum complaint_channel {
	COMPLAINT_CH_PHONE,
	COMPLAINT_CH_VISIT,
	COMPLAINT_CH_ONSITE,
};

enum complaint_mood {
	COMPLAINT_MOOD_CALM,
	COMPLAINT_MOOD_UPSET,
	COMPLAINT_MOOD_ANGRY,
};

/* Names as stored and as used in --json ("owner", "phone", "calm"); NULL for a value out of
 * range. The parsers return the value, or -1 when s (may be NULL) names none. (The status:
 * store_complaint_status.h.) */
const char *store_complaint_relation_name(enum complaint_relation r);
int store_complaint_relation_parse(const char *s);
const char *store_complaint_channel_name(enum complaint_channel c);
int store_complaint_channel_parse(const char *s);
const char *store_complaint_mood_name(enum complaint_mood m);
int store_complaint_mood_parse(const char *s);

/* Limits (bytes of UTF-8), besides COMPLAINT_NUMBER_MAX and COMPLAINT_TEXT_MAX
 * (store_complaint_status.h). The words may contain newlines and tabs, no other control
 * characters. */
#define COMPLAINT_CALLER_MAX 128
#define COMPLAINT_DIALECT_MAX 64
#define COMPLAINT_WORDS_MAX 8192
#define COMPLAINT_TECHNIQUES_MAX 32
#define COMPLAINT_PROMISES_MAX 32

/* ---- records ------------------------------------------------------------------------------ */

struct complaint_note {
	int64_t id;
	char *author; /* account, or NULL */
	int64_t ts_ms;
	char *text;
};

/* One history row: action is "created", "note", "tag", "assign", "escalate", "resolve",
 * "reopen", "promise.add", "promise.kept" or "promise.withdrawn"; detail says what changed
 * ("+empathy -persuade", "zhangsan->lisi: ...", the outcome, the reason, "#12 ..."). */
struct complaint_event {
	int64_t id;
	int64_t ts_ms;
	char *account; /* who, or NULL */
	char *action;
	char *detail; /* or NULL */
};

struct handover {
	int64_t id;
	char *from; /* the previous assignee */
	char *to;
	int64_t ts_ms;
	char *note;
};

struct complaint {
	int64_t id;
	char *number; /* "C-20261126-0042" */
	char *unit;
	bool unit_verified; /* the unit is in the unit register */
	char *caller;
	enum complaint_relation relation;
	char *phone; /* NULL when not given */
	enum complaint_channel channel;
	char *category;
	char *words;
	enum complaint_mood mood;
	char *dialect; /* NULL when none */
	char *outcome; /* NULL until first resolved; kept when reopened */
	enum complaint_status status;
	char *agent;    /* who took it */
	char *assignee; /* who has it now */
	int64_t created_ms, updated_ms;
	int64_t resolved_ms; /* 0 unless resolved */
	char **techniques;   /* sorted codes; always loaded */
	size_t ntechniques;
	int open_promises;   /* always loaded */
	int64_t next_due_ms; /* earliest due of the open promises; 0 when none */
	/* Loaded only by store_complaint_get(..., full = true), oldest first: */
	struct complaint_note *notes;
	size_t nnotes;
	struct complaint_event *history;
	size_t nhistory;
	struct handover *handovers;
	size_t nhandovers;
	struct promise *promises;
	size_t npromises;
};

void store_complaint_clear(struct complaint *c);
void store_complaint_list_free(struct complaint *list, size_t n);

/* ---- complaints ----------------------------------------------------------------------------- */

struct complaint_new {
	const char *unit;
	const char *caller;
	enum complaint_relation relation;
	const char *phone; /* NULL or "" when not given */
	enum complaint_channel channel;
	const char *category; /* a code from etc/categories.ini (checked by the caller) */
	const char *words;
	enum complaint_mood mood;
	const char *dialect;           /* NULL or "" when none */
	const char *agent;             /* NULL: ctx->account */
	const char *assignee;          /* NULL: the agent; otherwise an existing account */
	const char *const *techniques; /* codes (checked against the catalog by the caller) */
	size_t ntechniques;
	const struct promise_new *promises;
	size_t npromises;
	/* A form's submission: its draft (ctx->account's of this kind, NULL: none) is taken in the
	 * same transaction (store_draft_take with ctx->session), so that it gives one complaint;
	 * draft_required when the form was resumed from the draft. */
	const char *draft_kind;
	bool draft_required;
};

/* Takes a complaint: in one transaction the complaint (status open), its techniques, its
 * initial promises, history "created" (and "promise.add" per promise), the audit event
 * "complaint.add" and the form's draft taken (in->draft_kind: STORE_EOWNER while another
 * session has it open, STORE_ESTATE when required and already gone; nothing is added then). The number is "C-" + the local date of now (the process's TZ) + "-" + a
 * per-day counter of at least 4 digits. When the unit register has rows the unit must be in
 * it (STORE_ENOENT otherwise) and the complaint is unit_verified; with an empty register the
 * unit is kept as typed, unverified. number_out (may be NULL) gets the number. */
int store_complaint_add(struct store *st, const struct audit_ctx *ctx,
                        const struct complaint_new *in, char number_out[COMPLAINT_NUMBER_MAX]);

/* The complaint with that number (STORE_ENOENT if none); full also loads notes, history,
 * handovers and promises. Clear *out with complaint_clear (also after an error). */
int store_complaint_get(struct store *st, const char *number, struct complaint *out, bool full);

/* Filters for the list and the searches; zero-initialised means "everything". Every string
 * may be NULL (no filter). */
struct complaint_filter {
	const char *mine;     /* agent or assignee is this account */
	const char *agent;    /* taken by */
	const char *assignee; /* assigned to */
	unsigned status_mask; /* COMPLAINT_STATUS_BIT(...) ORed; 0: any */
	const char *unit;
	const char *category;
	const char *technique; /* tagged with this code */
	int64_t since_ms;      /* created_ms >= since_ms (0: no bound) */
	int64_t until_ms;      /* created_ms < until_ms (0: no bound) */
	bool overdue;          /* has an open promise whose due time has passed */
	int64_t now_ms;        /* "now" for overdue; 0: the clock */
	size_t limit;          /* 0: 100 */
	size_t offset;
};

/* Complaints matching f (NULL: no filter), newest first (created_ms, then id), summaries
 * (not full). Free with store_complaint_list_free. */
int store_complaint_list(struct store *st, const struct complaint_filter *f, struct complaint **out,
                         size_t *n);

/* How many complaints match f (NULL: all), ignoring its limit and offset: for paging. */
int store_complaint_count(struct store *st, const struct complaint_filter *f, int64_t *count);
/* The same, bounded: counts no further than max (> 0) matches, and does at most budget steps
 * of SQLite's virtual machine (0: no limit; about 10 million a second), so that its time is
 * bounded whatever the size of the desk and however sparse the filter. *exact is false when
 * either bound stopped it: then at least *count match. Deterministic for the same data. */
int store_complaint_count_max(struct store *st, const struct complaint_filter *f, int64_t max,
                              int64_t budget, int64_t *count, bool *exact);

/* The same as the list, restricted to complaints whose words, outcome or any note contain text (a
 * plain, case-sensitive substring of UTF-8: "漏水" finds "卫生间漏水"), found through the
 * character-pair index (store_search.h) and listed in the order they were taken, latest first. */
int store_complaint_search_text(struct store *st, const char *text,
                                const struct complaint_filter *f, struct complaint **out,
                                size_t *n);

/* Called with one text (words, outcome or a note; text[len] == '\0'): 1 when it matches, 0
 * when not, a negative error (e.g. the regex's match limit) to stop the search, which then
 * returns that error. */
typedef int (*store_match_fn)(void *arg, const char *text, size_t len);

/* The same with a matcher run on each complaint's texts in turn (words, outcome, then notes,
 * stopping at the first match), latest taken first; f's limit and offset count matches.
 * literal (NULL or "": none) is a text every match contains (rx_literal.h): then only the
 * complaints that hold it are read, found through the character-pair index (or, while
 * complaints wait to be indexed, by a substring test on every text). Without one it scans
 * every complaint that passes f. Run it on the thread pool with a read-only store. */
int store_complaint_search_match(struct store *st, store_match_fn match, void *arg,
                                 const char *literal, const struct complaint_filter *f,
                                 struct complaint **out, size_t *n);

/* Changes to one complaint. Each is one transaction with a history row and one audit event
 * (action in parentheses, target the number); STORE_ENOENT when no complaint has that
 * number. Any change marks the complaint updated; working on an open complaint (note,
 * assign, promise) moves it to in_progress. */

/* Adds a note (any status) ("complaint.note"). */
int store_complaint_note(struct store *st, const struct audit_ctx *ctx, const char *number,
                         const char *text);
/* Adds and removes technique codes (any status); codes already there / not there are
 * ignored; nothing to change returns 0 with no history or audit ("complaint.tag"). */
int store_complaint_tag(struct store *st, const struct audit_ctx *ctx, const char *number,
                        const char *const *add, size_t nadd, const char *const *remove,
                        size_t nremove);
/* Hands the complaint to account to (which must exist: STORE_ENOENT) with a handover note
 * (required), recording a handover row. Not when resolved (STORE_ESTATE); STORE_EEXIST when
 * to is already the assignee ("complaint.assign"). */
int store_complaint_assign(struct store *st, const struct audit_ctx *ctx, const char *number,
                           const char *to, const char *note);
/* Escalates from open, in_progress or reopened (STORE_ESTATE otherwise) with a reason
 * (required); to (NULL: keep the assignee) hands it over as well, with a handover row, which
 * only its holder or a supervisor may (store_complaint_status_may_assign) ("complaint.escalate"). */
int store_complaint_escalate(struct store *st, const struct audit_ctx *ctx, const char *number,
                             const char *to, const char *reason);
/* Resolves from open, in_progress, escalated or reopened (STORE_ESTATE otherwise) with an
 * outcome (required); STORE_EPROMISES while any promise is open ("complaint.resolve"). */
int store_complaint_resolve(struct store *st, const struct audit_ctx *ctx, const char *number,
                            const char *outcome);
/* Reopens a resolved complaint (STORE_ESTATE otherwise) with a reason (required); the
 * outcome stays, resolved_ms is cleared ("complaint.reopen"). */
int store_complaint_reopen(struct store *st, const struct audit_ctx *ctx, const char *number,
                           const char *reason);

/* ---- demo data ------------------------------------------------------------------------------ */

/* For the demo seeder (`propdeskd demo seed`, offline): every change to complaints and
 * promises made through st after this call is stamped at_ms instead of the clock (complaint,
 * history, note, handover, promise and audit times, and the day in a new complaint's number),
 * so that months of demo data can be written through this API, audited. 0: the clock again.
 * Queries (overdue, reports) keep using the clock. Never used by the service. */
void store_complaint_set_clock(struct store *st, int64_t at_ms);

#endif
