/* store_eval — quality evaluations against the service-standard checklist: the checklist
 * versions (each distinct content pinned once, by its SHA-256), supervisors' evaluations of a
 * complaint, agents' self-checks, the items of each (answer, points, weight, comment), the
 * agent's acknowledgement, disputes of single items and the supervisor's answer to each, and
 * the trends over them. The store keeps what was scored and the totals; the scoring rule is the
 * checklist's (shell/catalog/checklist.h), and every total can be recomputed from the pinned
 * version. Every change is one transaction with one audit event. Same threading as store.h;
 * strings passed in are borrowed; records returned own their strings (store_eval_clear,
 * store_eval_list_free...; NULL does nothing). Errors: 0 or a negative store error:
 * STORE_EINVAL for a value refused, STORE_ENOENT for no such complaint, evaluation, item,
 * version or open dispute (also for an evaluation of someone else, where the change is the
 * agent's), STORE_ESTATE for a change the evaluation's status or its dispute window does not
 * allow, STORE_EEXIST for a second open dispute of one item. */
#ifndef PROPDESK_STORE_EVAL_H
#define PROPDESK_STORE_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define EVAL_HASH_HEX 64   /* SHA-256 in hex */
#define EVAL_TEXT_MAX 2048 /* bytes of a comment, a reason, an answer's comment */
#define EVAL_ITEMS_MAX 64
#define EVAL_CONTENT_MAX (256u << 10)

enum eval_kind {
	EVAL_SUPERVISOR,  /* a supervisor scored an agent's complaint */
	EVAL_SELF,        /* the agent checked themselves */
	EVAL_PERIOD,      /* a supervisor scored an agent's work over a period (no complaint) */
	EVAL_CALIBRATION, /* one of several supervisors scoring the same complaint blind */
	EVAL_SESSION      /* a supervisor scored an agent's recorded session (no complaint) */
};

enum eval_status {
	EVAL_NEW,        /* not yet acknowledged by the agent */
	EVAL_ACKED,      /* acknowledged */
	EVAL_DISPUTED,   /* an item is disputed and not yet answered */
	EVAL_SELFCHECK,  /* a self-check: nothing to acknowledge */
	EVAL_CALIBRATING /* a calibration: the raters', not the agent's */
};

/* Names as stored and in --json; the parsers return -1 for none. */
const char *store_eval_kind_name(enum eval_kind k);
int store_eval_kind_parse(const char *s);
const char *store_eval_status_name(enum eval_status s);
int store_eval_status_parse(const char *s);

/* ---- checklist versions ------------------------------------------------------------------ */

/* The SHA-256 of content[0..len) in hex. Pure. */
void store_eval_hash(const char *content, size_t len, char hex[EVAL_HASH_HEX + 1]);

/* Pins content: its version when that content is known already, else a new version
 * (max + 1) with audit "checklist.version". *version and hex (may be NULL) get it; *created
 * (may be NULL) says whether it is new. */
int store_eval_pin(struct store *st, const struct audit_ctx *ctx, const char *content, size_t len,
                   int64_t *version, char hex[EVAL_HASH_HEX + 1], bool *created);

/* The version content is pinned as, without pinning it (a read: works on a full disk):
 * 0 with *version, or STORE_ENOENT when that content is not pinned yet. hex (may be NULL)
 * gets its hash either way. */
int store_eval_version_find(struct store *st, const char *content, size_t len, int64_t *version,
                            char hex[EVAL_HASH_HEX + 1]);

struct eval_version {
	int64_t version;
	char hash[EVAL_HASH_HEX + 1];
	char *content;
	size_t len;
	int64_t pinned_ms;
};
void store_eval_version_clear(struct eval_version *v);
/* Version version (0: the latest). STORE_ENOENT when none. */
int store_eval_version_get(struct store *st, int64_t version, struct eval_version *out);

/* ---- evaluations --------------------------------------------------------------------------- */

/* Totals as the checklist scored them. */
struct eval_totals {
	int64_t earned, possible;
	int critical_failed;
	bool passed;
};

struct eval_item_in {
	const char *item; /* the checklist's code */
	int answer;       /* CHECKLIST_NA (-1), 0/1 or 1..5 */
	int points;       /* 0..5 */
	int weight;       /* 1..10 */
	bool critical;
	bool failed;         /* a critical item failed */
	const char *comment; /* NULL or "": none */
};

struct eval_new {
	enum eval_kind kind;
	const char *number;  /* the complaint; NULL for EVAL_PERIOD and EVAL_SESSION */
	const char *period;  /* EVAL_PERIOD: "YYYY-MM"; NULL otherwise */
	const char *session; /* EVAL_SESSION: the session's id; NULL otherwise. The evaluation is
	                      * tied to the complaints that session's changes touched (audit) */
	const char *agent;   /* whose work; the complaint's agent */
	int64_t version;     /* pinned (store_eval_pin) */
	const char *hash;    /* that version's hash, checked */
	struct eval_totals totals;
	const char *comment; /* NULL: none */
	const struct eval_item_in *items;
	size_t nitems;
};

/* Saves an evaluation (status new) or a self-check (status self) with its items; audit
 * "evaluation.add", "evaluation.period", "evaluation.session" or "evaluation.self". *id (may
 * be NULL) gets its id. A session's evaluation: STORE_ENOENT when the audit log has no event
 * of that session, STORE_EINVAL when agent is not the session's account. */
int store_eval_add(struct store *st, const struct audit_ctx *ctx, const struct eval_new *in,
                   int64_t *id);

struct eval_item {
	char *item;
	int answer, points, weight;
	bool critical, failed;
	char *comment; /* NULL: none */
};

/* A dispute of one item, and its answer. */
enum eval_resolution {
	EVAL_OPEN,   /* not answered yet */
	EVAL_KEEP,   /* the score stays */
	EVAL_ACCEPT, /* the agent's proposed answer taken */
	EVAL_SET,    /* another answer set */
};
const char *store_eval_resolution_name(enum eval_resolution r);
int store_eval_resolution_parse(const char *s);

struct eval_dispute {
	int64_t id;
	char *item;
	char *agent;
	char *reason;
	bool has_proposed;
	int proposed; /* the agent's answer, when has_proposed */
	int64_t created_ms;
	enum eval_resolution resolution;
	int old_answer, new_answer; /* when answered */
	char *resolver;             /* NULL while open */
	char *answer;               /* the supervisor's comment; NULL while open */
	int64_t resolved_ms;
};

struct evaluation {
	int64_t id;
	enum eval_kind kind;
	enum eval_status status;
	char *number;             /* the complaint; NULL for a period's or a session's */
	char *period;             /* "YYYY-MM" for a period's; NULL otherwise */
	char *session;            /* the session's id for a session's; NULL otherwise */
	char *session_complaints; /* a session's: the numbers it touched, comma-separated; NULL:
	                           * none */
	char *agent, *evaluator;
	int64_t version;
	char hash[EVAL_HASH_HEX + 1];
	struct eval_totals totals;
	char *comment;
	int64_t created_ms, updated_ms, acked_ms;
	int open_disputes;
	/* Loaded by store_eval_get only, in checklist order / oldest first: */
	struct eval_item *items;
	size_t nitems;
	struct eval_dispute *disputes;
	size_t ndisputes;
};
void store_eval_clear(struct evaluation *e);
void store_eval_list_free(struct evaluation *list, size_t n);

/* One evaluation with its items and disputes. */
int store_eval_get(struct store *st, int64_t id, struct evaluation *out);

struct eval_filter {
	const char *agent;          /* NULL: everyone's */
	const char *number;         /* NULL: every complaint's (a session's: touched it) */
	const char *session;        /* NULL: every session's and none */
	int kind;                   /* enum eval_kind, or -1: any */
	int status;                 /* enum eval_status, or -1: any */
	int64_t since_ms, until_ms; /* created in [since, until); 0: unbounded */
	size_t limit;               /* 0: 100 */
	size_t offset;
};
/* Newest first (items and disputes not loaded). */
int store_eval_list(struct store *st, const struct eval_filter *f, struct evaluation **out,
                    size_t *n);

/* The agent (ctx->account) acknowledges evaluation id: new -> acked, audit "evaluation.ack".
 * STORE_ESTATE when it is acknowledged already, disputed, or a self-check. */
int store_eval_ack(struct store *st, const struct audit_ctx *ctx, int64_t id);
/* The agent (ctx->account) disputes item of evaluation id with a reason (and, when
 * has_proposed, the answer they think right), within window_ms of its creation: status
 * disputed, audit "evaluation.dispute". *dispute_id (may be NULL) gets its id. */
int store_eval_dispute(struct store *st, const struct audit_ctx *ctx, int64_t id, const char *item,
                       const char *reason, bool has_proposed, int proposed, int64_t window_ms,
                       int64_t *dispute_id);

/* The answer to the open dispute of item: resolution, the item's answer and points after it,
 * the evaluation's totals recomputed with it, and a comment. When the answer changes, the
 * acknowledgement is cleared (the agent acknowledges the new score); the status becomes
 * disputed while other disputes are open, else acked or new. Audit "evaluation.answer". */
struct eval_answer {
	const char *item;
	enum eval_resolution resolution; /* EVAL_KEEP, EVAL_ACCEPT or EVAL_SET */
	int answer, points;
	bool failed;
	struct eval_totals totals;
	const char *comment;
};
int store_eval_answer(struct store *st, const struct audit_ctx *ctx, int64_t id,
                      const struct eval_answer *a);

/* ---- calibration ---------------------------------------------------------------------------- */

/* Whether evaluator has an evaluation of kind of complaint number (*found). */
int store_eval_rated(struct store *st, const char *number, const char *evaluator,
                     enum eval_kind kind, bool *found);

/* One answer of a calibration, of a complaint that at least two supervisors calibrated. */
struct eval_cal_row {
	char *number;
	int64_t evaluation;
	char *evaluator;
	char *item;
	int answer, points;
};
/* The calibrations created in [since, until) (0: unbounded), by complaint, then evaluation,
 * then the checklist's order. Blind: with viewer (not NULL) only those of the complaints
 * viewer has submitted a calibration of; NULL (admins) every one. */
int store_eval_calibration(struct store *st, const char *viewer, int64_t since_ms, int64_t until_ms,
                           struct eval_cal_row **out, size_t *n);
void store_eval_cal_free(struct eval_cal_row *list, size_t n);

/* ---- selection ------------------------------------------------------------------------------ */

/* A complaint that no supervisor has evaluated yet. */
struct eval_candidate {
	int64_t id;
	char *number;
	char *agent;
	int status; /* enum complaint_status */
};
/* Complaints created since since_ms, taken by an agent of team (the accounts whose team is
 * that supervisor; NULL: every agent) other than drawer, with no supervisor's evaluation,
 * oldest first, at most limit (0: 100). */
int store_eval_candidates(struct store *st, const char *team, const char *drawer, int64_t since_ms,
                          size_t limit, struct eval_candidate **out, size_t *n);
void store_eval_candidates_free(struct eval_candidate *list, size_t n);
/* The audit event of a draw (no data changes): action "evaluation.draw". */
int store_eval_draw_audit(struct store *st, const struct audit_ctx *ctx, const char *number,
                          const char *detail);

#endif
