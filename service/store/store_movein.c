/* store_movein — the move-in record (see the header): reading a record with its lists, what is
 * missing and the stage it gives, starting a record, a proxy, documents, forms and fees, the
 * lists by stage, the log; and the begin / end every change shares (store_movein_step.c makes
 * the other changes with them). Calls store.c, store_tx.c, store_audit.c and store_unit.c. */
#include "store_movein.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_int.h"
#include "store_tx.h"
#include "store_unit.h"

static const char *const store_movein_stages[MOVEIN_NSTAGES] = {
    "documents", "forms", "fees", "inspection", "signoff", "review", "keys", "done"};
static const char *const store_movein_doc_statuses[] = {"missing", "received", "rejected"};
static const char *const store_movein_item_results[] = {"pending", "pass", "defect"};
static const char *const store_movein_defect_statuses[] = {"recorded", "assigned", "rectified",
                                                           "closed"};

#define STORE_MOVEIN_COLS                                                                          \
	"m.unit_id, u.code, m.housing, m.notice_day, m.proxy_name, m.proxy_id, m.stage,"           \
	" m.created_by, m.created_ms, m.updated_ms, m.signoff_by, m.signoff_ms, m.reviewed_by,"    \
	" m.reviewed_ms, m.keys_count, m.keys_to, m.keys_receipt, m.keys_by, m.keys_ms,"       \
	" m.keys_kinds"

static const char store_movein_sql_get[] =
    "SELECT " STORE_MOVEIN_COLS " FROM units u JOIN moveins m ON m.unit_id = u.id"
    " WHERE u.code = ?1";
static const char store_movein_sql_docs[] =
    "SELECT code, status, reason, account, ts_ms FROM movein_docs WHERE unit_id = ?1"
    " ORDER BY seq";
static const char store_movein_sql_forms[] =
    "SELECT code, account, signed_ms FROM movein_forms WHERE unit_id = ?1 ORDER BY seq";
static const char store_movein_sql_fees[] =
    "SELECT code, due_fen, paid_fen, receipt, account, ts_ms FROM movein_fees"
    " WHERE unit_id = ?1 ORDER BY seq";
static const char store_movein_sql_items[] =
    "SELECT code, result, account, ts_ms FROM movein_items WHERE unit_id = ?1 ORDER BY seq";
static const char store_movein_sql_waivers[] =
    "SELECT what, reason, account, ts_ms FROM movein_waivers WHERE unit_id = ?1 ORDER BY ts_ms";
static const char store_movein_sql_defects[] =
    "SELECT d.id, u.code, d.item, d.description, d.requirement, d.deadline_ms, d.status,"
    " d.assignee, d.fails, d.account, d.created_ms, d.updated_ms"
    " FROM movein_defects d INDEXED BY movein_defects_unit JOIN units u ON u.id = d.unit_id"
    " WHERE d.unit_id = ?1 ORDER BY d.id";
static const char store_movein_sql_list[] =
    "SELECT " STORE_MOVEIN_COLS " FROM moveins m INDEXED BY moveins_stage"
    " JOIN units u ON u.id = m.unit_id WHERE m.stage = ?1 ORDER BY m.unit_id"
    " LIMIT ?2 OFFSET ?3";
static const char store_movein_sql_unit[] =
    "SELECT id FROM units WHERE code = ?1 AND housing_type IS NOT NULL";
static const char store_movein_sql_unit_any[] = "SELECT id FROM units WHERE code = ?1";
static const char store_movein_sql_start[] =
    "INSERT INTO moveins (unit_id, housing, notice_day, stage, created_by, created_ms,"
    " updated_ms) SELECT id, housing_type, ?2, 'documents', ?3, ?4, ?4 FROM units"
    " WHERE id = ?1";
static const char store_movein_sql_add_doc[] =
    "INSERT OR IGNORE INTO movein_docs (unit_id, seq, code, status) VALUES (?1,"
    " (SELECT count(*) FROM movein_docs WHERE unit_id = ?1), ?2, 'missing')";
static const char store_movein_sql_add_form[] =
    "INSERT INTO movein_forms (unit_id, seq, code) VALUES (?1, ?2, ?3)";
static const char store_movein_sql_add_fee[] =
    "INSERT INTO movein_fees (unit_id, seq, code, due_fen) VALUES (?1, ?2, ?3, ?4)";
static const char store_movein_sql_add_item[] =
    "INSERT INTO movein_items (unit_id, seq, code) VALUES (?1, ?2, ?3)";
static const char store_movein_sql_proxy[] =
    "UPDATE moveins SET proxy_name = ?2, proxy_id = ?3 WHERE unit_id = ?1";
static const char store_movein_sql_doc[] =
    "UPDATE movein_docs SET status = ?3, reason = ?4, account = ?5, ts_ms = ?6"
    " WHERE unit_id = ?1 AND code = ?2";
static const char store_movein_sql_sign[] =
    "UPDATE movein_forms SET account = ?3, signed_ms = ?4 WHERE unit_id = ?1 AND code = ?2"
    " AND signed_ms = 0";
static const char store_movein_sql_pay[] =
    "UPDATE movein_fees SET paid_fen = paid_fen + ?3, receipt = ?4, account = ?5, ts_ms = ?6"
    " WHERE unit_id = ?1 AND code = ?2";
static const char store_movein_sql_stage[] =
    "UPDATE moveins SET stage = ?2, updated_ms = ?3 WHERE unit_id = ?1";
static const char store_movein_sql_log_add[] =
    "INSERT INTO movein_log (unit_id, ts_ms, account, action, detail) VALUES (?1, ?2, ?3, ?4,"
    " ?5)";
static const char store_movein_sql_log_count[] =
    "SELECT count(*) FROM movein_log l INDEXED BY movein_log_unit JOIN units u ON u.id = l.unit_id"
    " WHERE u.code = ?1";
static const char store_movein_sql_log[] =
    "SELECT l.ts_ms, l.account, l.action, l.detail FROM movein_log l INDEXED BY movein_log_unit"
    " JOIN units u ON u.id = l.unit_id WHERE u.code = ?1 ORDER BY l.id LIMIT ?2";

const char *store_movein_stage_name(int stage)
{
	return store_enum_name(store_movein_stages, MOVEIN_NSTAGES, stage);
}

int store_movein_stage_parse(const char *s)
{
	return store_enum_parse(store_movein_stages, MOVEIN_NSTAGES, s);
}

const char *store_movein_doc_status_name(int status)
{
	return store_enum_name(store_movein_doc_statuses, STORE_NELEM(store_movein_doc_statuses),
	                       status);
}

const char *store_movein_item_result_name(int result)
{
	return store_enum_name(store_movein_item_results, STORE_NELEM(store_movein_item_results),
	                       result);
}

const char *store_movein_defect_status_name(int status)
{
	return store_enum_name(store_movein_defect_statuses,
	                       STORE_NELEM(store_movein_defect_statuses), status);
}

static int store_movein_col_name(sqlite3_stmt *s, int i, const char *const *names, size_t n)
{
	int v = store_enum_parse(names, n, (const char *)sqlite3_column_text(s, i));

	return v < 0 ? 0 : v;
}

/* ---- reading a record ------------------------------------------------------------------------ */

static void store_movein_doc_clear(void *p)
{
	struct movein_doc *d = p;

	free(d->code);
	free(d->reason);
	free(d->account);
	memset(d, 0, sizeof *d);
}

static int store_movein_doc_fill(sqlite3_stmt *s, void *elem)
{
	struct movein_doc *d = elem;
	int err = 0;

	memset(d, 0, sizeof *d);
	err |= store_col_dup(s, 0, &d->code);
	d->status = store_movein_col_name(s, 1, store_movein_doc_statuses, 3);
	err |= store_col_dup(s, 2, &d->reason);
	err |= store_col_dup(s, 3, &d->account);
	d->ts_ms = sqlite3_column_int64(s, 4);
	if (err != 0) {
		store_movein_doc_clear(d);
		return -ENOMEM;
	}
	return 0;
}

static void store_movein_form_clear(void *p)
{
	struct movein_form *f = p;

	free(f->code);
	free(f->account);
	memset(f, 0, sizeof *f);
}

static int store_movein_form_fill(sqlite3_stmt *s, void *elem)
{
	struct movein_form *f = elem;
	int err = 0;

	memset(f, 0, sizeof *f);
	err |= store_col_dup(s, 0, &f->code);
	err |= store_col_dup(s, 1, &f->account);
	f->signed_ms = sqlite3_column_int64(s, 2);
	if (err != 0) {
		store_movein_form_clear(f);
		return -ENOMEM;
	}
	return 0;
}

static void store_movein_fee_clear(void *p)
{
	struct movein_fee *f = p;

	free(f->code);
	free(f->receipt);
	free(f->account);
	memset(f, 0, sizeof *f);
}

static int store_movein_fee_fill(sqlite3_stmt *s, void *elem)
{
	struct movein_fee *f = elem;
	int err = 0;

	memset(f, 0, sizeof *f);
	err |= store_col_dup(s, 0, &f->code);
	f->due_fen = sqlite3_column_int64(s, 1);
	f->paid_fen = sqlite3_column_int64(s, 2);
	err |= store_col_dup(s, 3, &f->receipt);
	err |= store_col_dup(s, 4, &f->account);
	f->ts_ms = sqlite3_column_int64(s, 5);
	if (err != 0) {
		store_movein_fee_clear(f);
		return -ENOMEM;
	}
	return 0;
}

static void store_movein_item_clear(void *p)
{
	struct movein_item *it = p;

	free(it->code);
	free(it->account);
	memset(it, 0, sizeof *it);
}

static int store_movein_item_fill(sqlite3_stmt *s, void *elem)
{
	struct movein_item *it = elem;
	int err = 0;

	memset(it, 0, sizeof *it);
	err |= store_col_dup(s, 0, &it->code);
	it->result = store_movein_col_name(s, 1, store_movein_item_results, 3);
	err |= store_col_dup(s, 2, &it->account);
	it->ts_ms = sqlite3_column_int64(s, 3);
	if (err != 0) {
		store_movein_item_clear(it);
		return -ENOMEM;
	}
	return 0;
}

static void store_movein_waiver_clear(void *p)
{
	struct movein_waiver *w = p;

	free(w->what);
	free(w->reason);
	free(w->account);
	memset(w, 0, sizeof *w);
}

static int store_movein_waiver_fill(sqlite3_stmt *s, void *elem)
{
	struct movein_waiver *w = elem;
	int err = 0;

	memset(w, 0, sizeof *w);
	err |= store_col_dup(s, 0, &w->what);
	err |= store_col_dup(s, 1, &w->reason);
	err |= store_col_dup(s, 2, &w->account);
	w->ts_ms = sqlite3_column_int64(s, 3);
	if (err != 0) {
		store_movein_waiver_clear(w);
		return -ENOMEM;
	}
	return 0;
}

void store_movein_defect_clear(struct movein_defect *d)
{
	if (d == NULL)
		return;
	free(d->unit);
	free(d->item);
	free(d->description);
	free(d->requirement);
	free(d->assignee);
	free(d->account);
	memset(d, 0, sizeof *d);
}

static void store_movein_defect_clear_v(void *p)
{
	store_movein_defect_clear(p);
}

void store_movein_defect_list_free(struct movein_defect *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_movein_defect_clear_v);
}

static int store_movein_defect_fill(sqlite3_stmt *s, void *elem)
{
	struct movein_defect *d = elem;
	int err = 0;

	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &d->unit);
	err |= store_col_dup(s, 2, &d->item);
	err |= store_col_dup(s, 3, &d->description);
	err |= store_col_dup(s, 4, &d->requirement);
	d->deadline_ms = sqlite3_column_int64(s, 5);
	d->status = store_movein_col_name(s, 6, store_movein_defect_statuses, 4);
	err |= store_col_dup(s, 7, &d->assignee);
	d->fails = sqlite3_column_int(s, 8);
	err |= store_col_dup(s, 9, &d->account);
	d->created_ms = sqlite3_column_int64(s, 10);
	d->updated_ms = sqlite3_column_int64(s, 11);
	if (err != 0) {
		store_movein_defect_clear(d);
		return -ENOMEM;
	}
	return 0;
}

int store_movein_defect_collect(struct store *st, sqlite3_stmt *s, struct movein_defect **out,
                                size_t *n)
{
	void *p = NULL;
	int rc = store_collect(st, s, sizeof **out, store_movein_defect_fill,
	                       store_movein_defect_clear_v, &p, n);

	*out = p;
	return rc;
}

void store_movein_clear(struct movein *m)
{
	if (m == NULL)
		return;
	free(m->unit);
	free(m->housing);
	free(m->notice_day);
	free(m->proxy_name);
	free(m->proxy_id);
	free(m->created_by);
	free(m->signoff_by);
	free(m->reviewed_by);
	free(m->keys_to);
	free(m->keys_kinds);
	free(m->keys_receipt);
	free(m->keys_by);
	store_list_free(m->docs, m->ndocs, sizeof *m->docs, store_movein_doc_clear);
	store_list_free(m->forms, m->nforms, sizeof *m->forms, store_movein_form_clear);
	store_list_free(m->fees, m->nfees, sizeof *m->fees, store_movein_fee_clear);
	store_list_free(m->items, m->nitems, sizeof *m->items, store_movein_item_clear);
	store_movein_defect_list_free(m->defects, m->ndefects);
	store_list_free(m->waivers, m->nwaivers, sizeof *m->waivers, store_movein_waiver_clear);
	memset(m, 0, sizeof *m);
}

static void store_movein_clear_v(void *p)
{
	store_movein_clear(p);
}

void store_movein_list_free(struct movein *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_movein_clear_v);
}

static int store_movein_fill(sqlite3_stmt *s, void *elem)
{
	struct movein *m = elem;
	int err = 0;

	memset(m, 0, sizeof *m);
	m->unit_id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &m->unit);
	err |= store_col_dup(s, 2, &m->housing);
	err |= store_col_dup(s, 3, &m->notice_day);
	err |= store_col_dup(s, 4, &m->proxy_name);
	err |= store_col_dup(s, 5, &m->proxy_id);
	m->stage = store_movein_col_name(s, 6, store_movein_stages, MOVEIN_NSTAGES);
	err |= store_col_dup(s, 7, &m->created_by);
	m->created_ms = sqlite3_column_int64(s, 8);
	m->updated_ms = sqlite3_column_int64(s, 9);
	err |= store_col_dup(s, 10, &m->signoff_by);
	m->signoff_ms = sqlite3_column_int64(s, 11);
	err |= store_col_dup(s, 12, &m->reviewed_by);
	m->reviewed_ms = sqlite3_column_int64(s, 13);
	m->keys_count = sqlite3_column_int(s, 14);
	err |= store_col_dup(s, 15, &m->keys_to);
	err |= store_col_dup(s, 16, &m->keys_receipt);
	err |= store_col_dup(s, 17, &m->keys_by);
	m->keys_ms = sqlite3_column_int64(s, 18);
	err |= store_col_dup(s, 19, &m->keys_kinds);
	if (err != 0) {
		store_movein_clear(m);
		return -ENOMEM;
	}
	return 0;
}

/* One of the record's lists. */
static int store_movein_rows(struct store *st, const char *sql, int64_t unit_id, size_t sz,
                             store_fill_fn fill, store_clear_fn clear, void **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc = STORE_PREP(st, sql, &s, STORE_I(unit_id));

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	return store_collect(st, s, sz, fill, clear, out, n);
}

int store_movein_get(struct store *st, const char *unit, struct movein *out)
{
	sqlite3_stmt *s = NULL;
	void *p;
	int rc;

	memset(out, 0, sizeof *out);
	if (unit == NULL)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_movein_sql_get, &s, STORE_T(unit));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_movein_fill(s, out);
	else if (rc == SQLITE_DONE)
		rc = store_fail_msg(st, STORE_ENOENT, "no move-in record");
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	if (rc < 0)
		return rc;
	rc = store_movein_rows(st, store_movein_sql_docs, out->unit_id, sizeof *out->docs,
	                       store_movein_doc_fill, store_movein_doc_clear, &p, &out->ndocs);
	out->docs = p;
	if (rc == 0) {
		rc = store_movein_rows(st, store_movein_sql_forms, out->unit_id, sizeof *out->forms,
		                       store_movein_form_fill, store_movein_form_clear, &p,
		                       &out->nforms);
		out->forms = p;
	}
	if (rc == 0) {
		rc = store_movein_rows(st, store_movein_sql_fees, out->unit_id, sizeof *out->fees,
		                       store_movein_fee_fill, store_movein_fee_clear, &p,
		                       &out->nfees);
		out->fees = p;
	}
	if (rc == 0) {
		rc = store_movein_rows(st, store_movein_sql_items, out->unit_id, sizeof *out->items,
		                       store_movein_item_fill, store_movein_item_clear, &p,
		                       &out->nitems);
		out->items = p;
	}
	if (rc == 0) {
		rc = store_movein_rows(st, store_movein_sql_defects, out->unit_id,
		                       sizeof *out->defects, store_movein_defect_fill,
		                       store_movein_defect_clear_v, &p, &out->ndefects);
		out->defects = p;
	}
	if (rc == 0) {
		rc = store_movein_rows(st, store_movein_sql_waivers, out->unit_id,
		                       sizeof *out->waivers, store_movein_waiver_fill,
		                       store_movein_waiver_clear, &p, &out->nwaivers);
		out->waivers = p;
	}
	if (rc < 0)
		store_movein_clear(out);
	return rc;
}

/* ---- what is missing ------------------------------------------------------------------------ */

void store_movein_gap_key(const struct movein *m, const struct movein_gap *g, char *out,
                          size_t len)
{
	switch (g->kind) {
	case MOVEIN_GAP_DOC:
		snprintf(out, len, "doc:%s", m->docs[g->i].code);
		break;
	case MOVEIN_GAP_FORM:
		snprintf(out, len, "form:%s", m->forms[g->i].code);
		break;
	case MOVEIN_GAP_FEE:
		snprintf(out, len, "fee:%s", m->fees[g->i].code);
		break;
	case MOVEIN_GAP_ITEM:
		snprintf(out, len, "item:%s", m->items[g->i].code);
		break;
	case MOVEIN_GAP_DEFECT:
		snprintf(out, len, "defect:%lld", (long long)m->defects[g->i].id);
		break;
	default:
		snprintf(out, len, "signoff");
		break;
	}
}

static bool store_movein_waived(const struct movein *m, const struct movein_gap *g)
{
	char key[96];
	size_t i;

	store_movein_gap_key(m, g, key, sizeof key);
	for (i = 0; i < m->nwaivers; i++)
		if (strcmp(m->waivers[i].what, key) == 0)
			return true;
	return false;
}

static void store_movein_gap_put(const struct movein *m, int kind, size_t i,
                                 struct movein_gap *out, size_t cap, size_t *n)
{
	struct movein_gap g = {kind, i, false};

	g.waived = store_movein_waived(m, &g);
	if (*n < cap)
		out[*n] = g;
	(*n)++;
}

size_t store_movein_gaps(const struct movein *m, struct movein_gap *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < m->ndocs; i++)
		if (m->docs[i].status != MOVEIN_DOC_RECEIVED)
			store_movein_gap_put(m, MOVEIN_GAP_DOC, i, out, cap, &n);
	for (i = 0; i < m->nforms; i++)
		if (m->forms[i].signed_ms == 0)
			store_movein_gap_put(m, MOVEIN_GAP_FORM, i, out, cap, &n);
	for (i = 0; i < m->nfees; i++)
		if (m->fees[i].paid_fen < m->fees[i].due_fen)
			store_movein_gap_put(m, MOVEIN_GAP_FEE, i, out, cap, &n);
	for (i = 0; i < m->nitems; i++)
		if (m->items[i].result == MOVEIN_ITEM_PENDING)
			store_movein_gap_put(m, MOVEIN_GAP_ITEM, i, out, cap, &n);
	for (i = 0; i < m->ndefects; i++)
		if (m->defects[i].status != MOVEIN_DEFECT_CLOSED)
			store_movein_gap_put(m, MOVEIN_GAP_DEFECT, i, out, cap, &n);
	if (m->signoff_ms == 0)
		store_movein_gap_put(m, MOVEIN_GAP_SIGNOFF, 0, out, cap, &n);
	return n;
}

int store_movein_stage_of(const struct movein *m)
{
	static const int stage_of_gap[] = {MOVEIN_STAGE_DOCUMENTS,  MOVEIN_STAGE_FORMS,
	                                   MOVEIN_STAGE_FEES,       MOVEIN_STAGE_INSPECTION,
	                                   MOVEIN_STAGE_INSPECTION, MOVEIN_STAGE_SIGNOFF};
	struct movein_gap *all;
	int stage = MOVEIN_STAGE_REVIEW;
	size_t i, n;

	if (m->keys_ms > 0)
		return MOVEIN_STAGE_DONE;
	if (m->reviewed_ms > 0)
		return MOVEIN_STAGE_KEYS;
	/* The first gap not waived gives the stage. */
	n = store_movein_gaps(m, NULL, 0);
	if (n == 0)
		return stage;
	all = calloc(n, sizeof *all);
	if (all == NULL)
		abort();
	store_movein_gaps(m, all, n);
	for (i = 0; i < n; i++)
		if (!all[i].waived) {
			stage = stage_of_gap[all[i].kind];
			break;
		}
	free(all);
	return stage;
}

/* ---- changes ---------------------------------------------------------------------------------- */

int store_movein_begin(struct store *st, const char *unit, bool after_review, struct movein *m)
{
	int rc;

	memset(m, 0, sizeof *m);
	if (unit == NULL || !store_unit_code_ok(unit))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_movein_get(st, unit, m);
	if (rc == 0 && !after_review && m->reviewed_ms > 0)
		rc = store_fail_msg(st, STORE_ESTATE, "move-in already reviewed");
	if (rc < 0) {
		store_movein_clear(m);
		return store_tx_end(st, rc);
	}
	return 0;
}

int store_movein_end(struct store *st, const struct audit_ctx *ctx, const struct movein *m,
                     const char *action, const char *detail, int rc)
{
	int64_t now = store_clock_ms(st);
	struct movein again;
	char what[STORE_ACTION_MAX];

	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_sql_log_add, NULL, STORE_I(m->unit_id), STORE_I(now),
		                STORE_T(store_audit_who(ctx)), STORE_T(action), STORE_T(detail));
	if (rc == 0) {
		snprintf(what, sizeof what, "movein.%s", action);
		rc = store_audit_append(st, ctx, now, what, m->unit, detail);
	}
	if (rc == 0) {
		/* The stage, from the record as this change left it. */
		rc = store_movein_get(st, m->unit, &again);
		if (rc == 0)
			rc = STORE_EXEC(st, store_movein_sql_stage, NULL, STORE_I(m->unit_id),
			                STORE_T(store_movein_stage_name(store_movein_stage_of(&again))),
			                STORE_I(now));
		store_movein_clear(&again);
	}
	return store_tx_end(st, rc);
}

/* codes[0..n): 0..MOVEIN_LIST_MAX distinct codes. */
static bool store_movein_codes_ok(const char *const *codes, size_t n)
{
	size_t i, j;

	if (n > MOVEIN_LIST_MAX || (n > 0 && codes == NULL))
		return false;
	for (i = 0; i < n; i++) {
		if (!store_code_ok(codes[i]))
			return false;
		for (j = 0; j < i; j++)
			if (strcmp(codes[i], codes[j]) == 0)
				return false;
	}
	return true;
}

static bool store_movein_day_ok(const char *day)
{
	size_t i;

	if (strlen(day) != 10)
		return false;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? day[i] != '-' : (day[i] < '0' || day[i] > '9'))
			return false;
	return true;
}

int store_movein_start(struct store *st, const struct audit_ctx *ctx, const struct movein_plan *p)
{
	int64_t now = store_clock_ms(st), unit_id = 0;
	const char *day;
	char detail[STORE_DETAIL_MAX];
	bool found = false;
	sqlite3_stmt *s = NULL;
	struct movein m;
	size_t i;
	int rc;

	memset(&m, 0, sizeof m);
	if (p == NULL || p->unit == NULL || !store_unit_code_ok(p->unit) ||
	    !store_movein_codes_ok(p->docs, p->ndocs) || !store_movein_codes_ok(p->forms, p->nforms) ||
	    !store_movein_codes_ok(p->fees, p->nfees) || !store_movein_codes_ok(p->items, p->nitems) ||
	    (p->nfees > 0 && p->fee_due == NULL))
		return STORE_EINVAL;
	for (i = 0; i < p->nfees; i++)
		if (p->fee_due[i] < 0 || p->fee_due[i] > MOVEIN_FEN_MAX)
			return STORE_EINVAL;
	day = store_text_opt(p->notice_day);
	if (day != NULL && !store_movein_day_ok(day))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = STORE_PREP(st, store_movein_sql_unit, &s, STORE_T(p->unit));
	if (rc == 0)
		rc = store_step_int(st, s, &unit_id, &found);
	if (rc == 0 && !found) {
		/* In the register without a housing type, or not at all. */
		rc = STORE_PREP(st, store_movein_sql_unit_any, &s, STORE_T(p->unit));
		if (rc == 0)
			rc = store_step_int(st, s, &unit_id, &found);
		if (rc == 0)
			rc = store_fail_msg(st, found ? STORE_EINVAL : STORE_ENOENT,
			                    found ? "unit has no housing type" : "no such unit");
	}
	if (rc == 0) {
		struct movein old;

		rc = store_movein_get(st, p->unit, &old);
		store_movein_clear(&old);
		if (rc == 0)
			rc = store_fail_msg(st, STORE_EEXIST, "move-in already started");
		else if (rc == STORE_ENOENT)
			rc = STORE_EXEC(st, store_movein_sql_start, NULL, STORE_I(unit_id),
			                STORE_T(day), STORE_T(store_audit_who(ctx)), STORE_I(now));
	}
	for (i = 0; rc == 0 && i < p->ndocs; i++)
		rc = STORE_EXEC(st, store_movein_sql_add_doc, NULL, STORE_I(unit_id),
		                STORE_T(p->docs[i]));
	for (i = 0; rc == 0 && i < p->nforms; i++)
		rc = STORE_EXEC(st, store_movein_sql_add_form, NULL, STORE_I(unit_id),
		                STORE_I((int64_t)i), STORE_T(p->forms[i]));
	for (i = 0; rc == 0 && i < p->nfees; i++)
		rc = STORE_EXEC(st, store_movein_sql_add_fee, NULL, STORE_I(unit_id),
		                STORE_I((int64_t)i), STORE_T(p->fees[i]), STORE_I(p->fee_due[i]));
	for (i = 0; rc == 0 && i < p->nitems; i++)
		rc = STORE_EXEC(st, store_movein_sql_add_item, NULL, STORE_I(unit_id),
		                STORE_I((int64_t)i), STORE_T(p->items[i]));
	if (rc < 0)
		return store_tx_end(st, rc);
	snprintf(detail, sizeof detail, "notice=%s docs=%zu forms=%zu fees=%zu items=%zu",
	         day != NULL ? day : "-", p->ndocs, p->nforms, p->nfees, p->nitems);
	m.unit_id = unit_id;
	m.unit = (char *)p->unit;
	return store_movein_end(st, ctx, &m, "start", detail, 0);
}

int store_movein_proxy(struct store *st, const struct audit_ctx *ctx, const char *unit,
                       const char *name, const char *id_no, const char *const *docs, size_t ndocs)
{
	char detail[STORE_DETAIL_MAX];
	struct movein m;
	size_t i;
	int rc;

	if (name == NULL || store_text_check(name, MOVEIN_NAME_MAX, false, false) < 0 ||
	    !store_unit_id_ok(id_no) || !store_movein_codes_ok(docs, ndocs))
		return STORE_EINVAL;
	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	rc = STORE_EXEC(st, store_movein_sql_proxy, NULL, STORE_I(m.unit_id), STORE_T(name),
	                STORE_T(id_no));
	for (i = 0; rc == 0 && i < ndocs; i++)
		rc = STORE_EXEC(st, store_movein_sql_add_doc, NULL, STORE_I(m.unit_id),
		                STORE_T(docs[i]));
	/* The ID number is not written into the log or the audit: only that one was given. */
	snprintf(detail, sizeof detail, "proxy=%s id=set docs=%zu", name, ndocs);
	rc = store_movein_end(st, ctx, &m, "proxy", detail, rc);
	store_movein_clear(&m);
	return rc;
}

static bool store_movein_has(const struct movein *m, int kind, const char *code)
{
	size_t i;

	for (i = 0; code != NULL; i++) {
		const char *c = kind == MOVEIN_GAP_DOC    ? (i < m->ndocs ? m->docs[i].code : NULL)
		                : kind == MOVEIN_GAP_FORM ? (i < m->nforms ? m->forms[i].code : NULL)
		                : kind == MOVEIN_GAP_FEE  ? (i < m->nfees ? m->fees[i].code : NULL)
		                                          : (i < m->nitems ? m->items[i].code : NULL);

		if (c == NULL)
			return false;
		if (strcmp(c, code) == 0)
			return true;
	}
	return false;
}

bool store_movein_lists(const struct movein *m, int kind, const char *code)
{
	return store_movein_has(m, kind, code);
}

int store_movein_doc(struct store *st, const struct audit_ctx *ctx, const char *unit,
                     const char *doc, int status, const char *reason)
{
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX], clip[STORE_CLIP + 4];
	struct movein m;
	int rc;

	reason = store_text_opt(reason);
	if (doc == NULL || status < 0 || status > MOVEIN_DOC_REJECTED ||
	    (status == MOVEIN_DOC_REJECTED) != (reason != NULL) ||
	    (reason != NULL && store_text_check(reason, MOVEIN_TEXT_MAX, false, false) < 0))
		return STORE_EINVAL;
	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	if (!store_movein_has(&m, MOVEIN_GAP_DOC, doc))
		rc = store_fail_msg(st, STORE_ENOENT, "document not required");
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_sql_doc, NULL, STORE_I(m.unit_id), STORE_T(doc),
		                STORE_T(store_movein_doc_status_name(status)), STORE_T(reason),
		                STORE_T(store_audit_who(ctx)), STORE_I(now));
	store_text_clip(reason != NULL ? reason : "", STORE_CLIP, clip);
	snprintf(detail, sizeof detail, "%s %s%s%s", doc, store_movein_doc_status_name(status),
	         reason != NULL ? ": " : "", clip);
	rc = store_movein_end(st, ctx, &m, "doc", detail, rc);
	store_movein_clear(&m);
	return rc;
}

int store_movein_sign(struct store *st, const struct audit_ctx *ctx, const char *unit,
                      const char *const *forms, size_t n)
{
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX];
	size_t i, used = 0;
	struct movein m;
	int rc;

	if (n == 0 || !store_movein_codes_ok(forms, n))
		return STORE_EINVAL;
	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	detail[0] = '\0';
	for (i = 0; rc == 0 && i < n; i++) {
		if (!store_movein_has(&m, MOVEIN_GAP_FORM, forms[i])) {
			rc = store_fail_msg(st, STORE_ENOENT, "form not listed");
			break;
		}
		rc = STORE_EXEC(st, store_movein_sql_sign, NULL, STORE_I(m.unit_id),
		                STORE_T(forms[i]), STORE_T(store_audit_who(ctx)), STORE_I(now));
		if (used < sizeof detail - 1) {
			int w = snprintf(detail + used, sizeof detail - used, "%s%s", i ? "," : "",
			                 forms[i]);

			used += w > 0 ? (size_t)w : 0;
		}
	}
	rc = store_movein_end(st, ctx, &m, "sign", detail, rc);
	store_movein_clear(&m);
	return rc;
}

int store_movein_pay(struct store *st, const struct audit_ctx *ctx, const char *unit,
                     const char *fee, int64_t amount_fen, const char *receipt)
{
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX];
	struct movein m;
	size_t i;
	int rc;

	if (fee == NULL || amount_fen <= 0 || amount_fen > MOVEIN_FEN_MAX || receipt == NULL ||
	    !store_ascii_ok(receipt, MOVEIN_RECEIPT_MAX))
		return STORE_EINVAL;
	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	for (i = 0; i < m.nfees; i++)
		if (strcmp(m.fees[i].code, fee) == 0)
			break;
	if (i == m.nfees)
		rc = store_fail_msg(st, STORE_ENOENT, "fee not listed");
	else if (amount_fen > m.fees[i].due_fen - m.fees[i].paid_fen)
		rc = store_fail_msg(st, STORE_EINVAL, "more than is due");
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_sql_pay, NULL, STORE_I(m.unit_id), STORE_T(fee),
		                STORE_I(amount_fen), STORE_T(receipt), STORE_T(store_audit_who(ctx)),
		                STORE_I(now));
	snprintf(detail, sizeof detail, "%s paid=%lld receipt=%s", fee, (long long)amount_fen,
	         receipt);
	rc = store_movein_end(st, ctx, &m, "pay", detail, rc);
	store_movein_clear(&m);
	return rc;
}

/* ---- lists ---------------------------------------------------------------------------------- */

int store_movein_list(struct store *st, int stage, size_t limit, size_t offset,
                      struct movein **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		limit = 100;
	if (store_movein_stage_name(stage) == NULL || limit > (size_t)INT64_MAX ||
	    offset > (size_t)INT64_MAX)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_movein_sql_list, &s, STORE_T(store_movein_stage_name(stage)),
	                STORE_I((int64_t)limit), STORE_I((int64_t)offset));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_movein_fill, store_movein_clear_v, &p, n);
	*out = p;
	return rc;
}

static void store_movein_event_clear(void *p)
{
	struct movein_event *e = p;

	free(e->account);
	free(e->action);
	free(e->detail);
	memset(e, 0, sizeof *e);
}

static int store_movein_event_fill(sqlite3_stmt *s, void *elem)
{
	struct movein_event *e = elem;
	int err = 0;

	memset(e, 0, sizeof *e);
	e->ts_ms = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &e->account);
	err |= store_col_dup(s, 2, &e->action);
	err |= store_col_dup(s, 3, &e->detail);
	if (err != 0) {
		store_movein_event_clear(e);
		return -ENOMEM;
	}
	return 0;
}

void store_movein_log_free(struct movein_event *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_movein_event_clear);
}

int store_movein_log(struct store *st, const char *unit, size_t limit, struct movein_event **out,
                     size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		limit = 100;
	if (unit == NULL || limit > (size_t)INT64_MAX)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_movein_sql_log, &s, STORE_T(unit), STORE_I((int64_t)limit));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_movein_event_fill, store_movein_event_clear,
	                   &p, n);
	*out = p;
	return rc;
}

int store_movein_log_count(struct store *st, const char *unit, int64_t *count)
{
	*count = 0;
	if (unit == NULL)
		return STORE_EINVAL;
	return STORE_INT(st, store_movein_sql_log_count, count, STORE_T(unit));
}
