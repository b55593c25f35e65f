/* store_movein — the move-in (入伙) of each unit: its record (started from the company's list of
 * documents, forms, fees and inspection items, taken from etc/movein.ini by the caller, so a
 * record keeps the list it was started with), the documents received / missing / rejected,
 * the forms signed for, the fees due and paid, the inspection item by item, the defects with
 * their own life (recorded → assigned → rectified → re-inspected: closed, or back to
 * assigned), the owner's sign-off, the manager's review, the keys, and waivers. The steps are
 * a state machine kept here: the review only when nothing is missing (store_movein_gaps, less
 * what a supervisor waived), the keys only after the review, nothing changed after the review
 * but the keys (STORE_ESTATE). Every change is one transaction with its line in the unit's
 * move-in log and its audit event. Same threading as store.h; strings passed in are borrowed,
 * structs returned own their strings (*_clear / *_free; NULL does nothing). Amounts are in fen
 * (分). Errors: 0 or a negative store error: STORE_EINVAL a value refused, STORE_ENOENT no such
 * unit / record / entry, STORE_EEXIST a record already started, STORE_ESTATE not allowed at
 * the record's (or defect's) stage. */
#ifndef PROPDESK_STORE_MOVEIN_H
#define PROPDESK_STORE_MOVEIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define MOVEIN_TEXT_MAX 512   /* bytes of a reason, a defect's description or requirement */
#define MOVEIN_NAME_MAX 128   /* bytes of a person's or team's name */
#define MOVEIN_RECEIPT_MAX 32 /* printable ASCII of a receipt number */
#define MOVEIN_LIST_MAX 64    /* documents, forms, fees or items of one record */
#define MOVEIN_FEN_MAX ((int64_t)100000000000) /* one amount: 10^9 yuan */
#define MOVEIN_KEYS_MAX 99

/* The stage of a record: the first step with something missing. */
enum movein_stage {
	MOVEIN_STAGE_DOCUMENTS = 0,
	MOVEIN_STAGE_FORMS,
	MOVEIN_STAGE_FEES,
	MOVEIN_STAGE_INSPECTION, /* items not inspected, or defects not closed */
	MOVEIN_STAGE_SIGNOFF,    /* the owner has not signed off the inspection */
	MOVEIN_STAGE_REVIEW,     /* everything done: waiting for the manager's review */
	MOVEIN_STAGE_KEYS,       /* reviewed: keys not yet handed over */
	MOVEIN_STAGE_DONE,
	MOVEIN_NSTAGES
};
const char *store_movein_stage_name(int stage); /* "documents" ... "done" */
int store_movein_stage_parse(const char *s);    /* -1 when none */

enum movein_doc_status { MOVEIN_DOC_MISSING = 0, MOVEIN_DOC_RECEIVED, MOVEIN_DOC_REJECTED };
const char *store_movein_doc_status_name(int status); /* missing received rejected */

enum movein_item_result { MOVEIN_ITEM_PENDING = 0, MOVEIN_ITEM_PASS, MOVEIN_ITEM_DEFECT };
const char *store_movein_item_result_name(int result); /* pending pass defect */

enum movein_defect_status {
	MOVEIN_DEFECT_RECORDED = 0, /* 登记 */
	MOVEIN_DEFECT_ASSIGNED,     /* 指派 */
	MOVEIN_DEFECT_RECTIFIED,    /* 整改 */
	MOVEIN_DEFECT_CLOSED        /* 复验合格, 关闭 */
};
const char *store_movein_defect_status_name(int status); /* recorded assigned rectified closed */

/* A step done (a document, form, fee, item): who and when (0: not yet). */
struct movein_doc {
	char *code;
	int status;   /* enum movein_doc_status */
	char *reason; /* rejected: why; NULL otherwise */
	char *account;
	int64_t ts_ms;
};

struct movein_form {
	char *code;
	char *account; /* who recorded the signature; NULL while not signed */
	int64_t signed_ms;
};

struct movein_fee {
	char *code;
	int64_t due_fen, paid_fen;
	char *receipt; /* the last payment's */
	char *account;
	int64_t ts_ms;
};

struct movein_item {
	char *code;
	int result; /* enum movein_item_result */
	char *account;
	int64_t ts_ms;
};

struct movein_defect {
	int64_t id;
	char *unit;
	char *item;
	char *description, *requirement;
	int64_t deadline_ms;
	int status;     /* enum movein_defect_status */
	char *assignee; /* contractor or team; NULL before assigned */
	int fails;      /* re-inspections failed */
	char *account;  /* who recorded it */
	int64_t created_ms, updated_ms;
};

struct movein_waiver {
	char *what; /* a gap's key (store_movein_gap_key) */
	char *reason;
	char *account;
	int64_t ts_ms;
};

struct movein {
	int64_t unit_id;
	char *unit;
	char *housing;    /* "commercial" or "resettlement", as when started */
	char *notice_day; /* YYYY-MM-DD, NULL when not given */
	char *proxy_name, *proxy_id;
	int stage; /* enum movein_stage */
	char *created_by;
	int64_t created_ms, updated_ms;
	char *signoff_by;
	int64_t signoff_ms;
	char *reviewed_by;
	int64_t reviewed_ms;
	int keys_count;
	char *keys_to, *keys_receipt, *keys_by;
	char *keys_kinds; /* "入户门:2,信箱:1", NULL when only counted */
	int64_t keys_ms;
	struct movein_doc *docs;
	size_t ndocs;
	struct movein_form *forms;
	size_t nforms;
	struct movein_fee *fees;
	size_t nfees;
	struct movein_item *items;
	size_t nitems;
	struct movein_defect *defects; /* the unit's, oldest first */
	size_t ndefects;
	struct movein_waiver *waivers;
	size_t nwaivers;
};

void store_movein_clear(struct movein *m);
/* The record of unit (by code): STORE_ENOENT when none was started. */
int store_movein_get(struct store *st, const char *unit, struct movein *out);

/* What is still missing before the review, in step order. */
enum movein_gap_kind {
	MOVEIN_GAP_DOC = 0, /* a document not received (missing or rejected) */
	MOVEIN_GAP_FORM,    /* a form not signed */
	MOVEIN_GAP_FEE,     /* a fee not paid in full */
	MOVEIN_GAP_ITEM,    /* an inspection item not inspected */
	MOVEIN_GAP_DEFECT,  /* a defect not closed */
	MOVEIN_GAP_SIGNOFF  /* the owner's sign-off */
};
struct movein_gap {
	int kind;    /* enum movein_gap_kind */
	size_t i;    /* index into m's array of that kind (0 for the sign-off) */
	bool waived; /* a supervisor waived it (it no longer holds the review back) */
};
/* The gaps of m, waived ones included (marked), in step order: the first cap into out (may be
 * NULL when cap is 0). Returns how many there are in all. The sign-off is a gap until signed. */
size_t store_movein_gaps(const struct movein *m, struct movein_gap *out, size_t cap);
/* "doc:seal", "form:covenant", "fee:elevator", "item:gas", "defect:12", "signoff". */
void store_movein_gap_key(const struct movein *m, const struct movein_gap *g, char *out,
                          size_t len);
/* The stage m is at, from its gaps (waived ones left out), review and keys. */
int store_movein_stage_of(const struct movein *m);

/* Starts the move-in of unit (in the register, with its housing type set: STORE_EINVAL
 * otherwise), with the codes the company requires (each list 0..MOVEIN_LIST_MAX codes as
 * store_code_ok, distinct), each fee with its amount due. Audit "movein.start". */
struct movein_plan {
	const char *unit;
	const char *notice_day; /* YYYY-MM-DD or NULL */
	const char *const *docs;
	size_t ndocs;
	const char *const *forms;
	size_t nforms;
	const char *const *fees;
	const int64_t *fee_due; /* fen, 0..MOVEIN_FEN_MAX */
	size_t nfees;
	const char *const *items;
	size_t nitems;
};
int store_movein_start(struct store *st, const struct audit_ctx *ctx, const struct movein_plan *p);

/* A proxy comes for the owner: name and ID number (store_unit_id_ok); the documents a proxy
 * brings (codes) are added as missing unless the record has them. Audit "movein.proxy". */
int store_movein_proxy(struct store *st, const struct audit_ctx *ctx, const char *unit,
                       const char *name, const char *id_no, const char *const *docs,
                       size_t ndocs);
/* A document received, missing again, or rejected (reason required, 1..MOVEIN_TEXT_MAX
 * bytes; NULL otherwise). STORE_ENOENT when the record does not require doc. */
int store_movein_doc(struct store *st, const struct audit_ctx *ctx, const char *unit,
                     const char *doc, int status, const char *reason);
/* Forms signed for (each one the record lists: STORE_ENOENT otherwise; signed again: kept). */
int store_movein_sign(struct store *st, const struct audit_ctx *ctx, const char *unit,
                      const char *const *forms, size_t n);
/* A payment of amount_fen (1..MOVEIN_FEN_MAX, and no more than what is still due:
 * STORE_EINVAL) on fee, with its receipt number (store_ascii_ok, MOVEIN_RECEIPT_MAX). */
int store_movein_pay(struct store *st, const struct audit_ctx *ctx, const char *unit,
                     const char *fee, int64_t amount_fen, const char *receipt);

void store_movein_defect_clear(struct movein_defect *d);
void store_movein_defect_list_free(struct movein_defect *list, size_t n);

/* Records at stage, by unit code, a page of limit (0: 100). Each has unit, housing, stage,
 * created_ms and updated_ms only (lists not read). */
int store_movein_list(struct store *st, int stage, size_t limit, size_t offset,
                      struct movein **out, size_t *n);
void store_movein_list_free(struct movein *list, size_t n);

/* One line of a unit's move-in log (every change, in order). */
struct movein_event {
	int64_t ts_ms;
	char *account;
	char *action; /* "start", "doc", "sign", "pay", "pass", "defect", "assign", ... */
	char *detail;
};
void store_movein_log_free(struct movein_event *list, size_t n);
/* How many lines the unit's log has (0 for none or no such unit). */
int store_movein_log_count(struct store *st, const char *unit, int64_t *count);
/* The first limit (0: 100) lines of the unit's log, oldest first. */
int store_movein_log(struct store *st, const char *unit, size_t limit, struct movein_event **out,
                     size_t *n);

/* ---- inside the store (store_movein*.c) ---------------------------------------------------- */

/* Begins a change to unit's record: the transaction, and the record loaded into m (cleared by
 * the caller). Not started: STORE_ENOENT; reviewed (unless after_review): STORE_ESTATE. On
 * failure the transaction is already ended. */
int store_movein_begin(struct store *st, const char *unit, bool after_review, struct movein *m);
/* Does m list code among its documents (MOVEIN_GAP_DOC), forms, fees or items? */
bool store_movein_lists(const struct movein *m, int kind, const char *code);
/* Collects the rows of s, a bound statement selecting a defect's columns as
 * store_movein_sql_defects does (store_movein.c), into *out. */
struct sqlite3_stmt;
int store_movein_defect_collect(struct store *st, struct sqlite3_stmt *s,
                                struct movein_defect **out, size_t *n);
/* Ends it: the log line and audit event ("movein." action, target the unit), the stage kept
 * up to date, then store_tx_end(st, rc). */
int store_movein_end(struct store *st, const struct audit_ctx *ctx, const struct movein *m,
                     const char *action, const char *detail, int rc);

#endif
