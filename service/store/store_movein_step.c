/* store_movein_step — the later steps of a move-in (store_movein.h): the inspection item by
 * item, the defects and their life, the owner's sign-off, the manager's review, the keys and
 * the waivers; the overdue defects. Each change begins and ends with store_movein_begin /
 * store_movein_end (store_movein.c), so it is one transaction with its log line and audit
 * event, and the record's stage is kept. Calls store.c and store_movein.c. */
#include "store_movein_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_int.h"

#define STORE_MOVEIN_STEP_DEFECT_COLS                                                              \
	"d.id, u.code, d.item, d.description, d.requirement, d.deadline_ms, d.status,"             \
	" d.assignee, d.fails, d.account, d.created_ms, d.updated_ms"

static const char store_movein_step_sql_pass[] =
    "UPDATE movein_items SET result = 'pass', account = ?3, ts_ms = ?4"
    " WHERE unit_id = ?1 AND code = ?2";
static const char store_movein_step_sql_defect_item[] =
    "UPDATE movein_items SET result = 'defect', account = ?3, ts_ms = ?4"
    " WHERE unit_id = ?1 AND code = ?2";
static const char store_movein_step_sql_defect_add[] =
    "INSERT INTO movein_defects (unit_id, item, description, requirement, deadline_ms, status,"
    " account, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, 'recorded', ?6, ?7, ?7)";
/* A defect found after the owner signed off takes the sign-off back: it is signed again. */
static const char store_movein_step_sql_unsign[] =
    "UPDATE moveins SET signoff_by = NULL, signoff_ms = 0 WHERE unit_id = ?1";
static const char store_movein_step_sql_defect_get[] =
    "SELECT " STORE_MOVEIN_STEP_DEFECT_COLS " FROM movein_defects d JOIN units u"
    " ON u.id = d.unit_id WHERE d.id = ?1";
static const char store_movein_step_sql_defect_set[] =
    "UPDATE movein_defects SET status = ?2, assignee = ?3, fails = ?4, updated_ms = ?5"
    " WHERE id = ?1";
static const char store_movein_step_sql_overdue[] =
    "SELECT " STORE_MOVEIN_STEP_DEFECT_COLS " FROM movein_defects d"
    " INDEXED BY movein_defects_open JOIN units u ON u.id = d.unit_id"
    " WHERE d.status IN ('recorded', 'assigned', 'rectified') AND d.deadline_ms < ?1"
    " ORDER BY d.deadline_ms, d.id LIMIT ?2 OFFSET ?3";
static const char store_movein_step_sql_signoff[] =
    "UPDATE moveins SET signoff_by = ?2, signoff_ms = ?3 WHERE unit_id = ?1";
static const char store_movein_step_sql_review[] =
    "UPDATE moveins SET reviewed_by = ?2, reviewed_ms = ?3 WHERE unit_id = ?1";
static const char store_movein_step_sql_keys[] =
    "UPDATE moveins SET keys_count = ?2, keys_to = ?3, keys_receipt = ?4, keys_by = ?5,"
    " keys_ms = ?6, keys_kinds = ?7 WHERE unit_id = ?1";
static const char store_movein_step_sql_unproxy[] =
    "UPDATE moveins SET proxy_name = NULL, proxy_id = NULL WHERE unit_id = ?1";
static const char store_movein_step_sql_undoc[] =
    "DELETE FROM movein_docs WHERE unit_id = ?1 AND code = ?2";
static const char store_movein_step_sql_waive[] =
    "INSERT INTO movein_waivers (unit_id, what, reason, account, ts_ms) VALUES (?1, ?2, ?3, ?4,"
    " ?5)";

static bool store_movein_step_text_ok(const char *s, size_t max)
{
	return s != NULL && store_text_check(s, max, false, false) == 0;
}

/* Does item have a defect not closed? */
static bool store_movein_step_item_open(const struct movein *m, const char *item)
{
	size_t i;

	for (i = 0; i < m->ndefects; i++)
		if (strcmp(m->defects[i].item, item) == 0 &&
		    m->defects[i].status != MOVEIN_DEFECT_CLOSED)
			return true;
	return false;
}

int store_movein_step_pass(struct store *st, const struct audit_ctx *ctx, const char *unit,
                      const char *const *items, size_t n)
{
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX];
	size_t i, used = 0;
	struct movein m;
	int rc;

	if (n == 0 || n > MOVEIN_LIST_MAX || items == NULL)
		return STORE_EINVAL;
	for (i = 0; i < n; i++)
		if (!store_code_ok(items[i]))
			return STORE_EINVAL;
	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	detail[0] = '\0';
	for (i = 0; rc == 0 && i < n; i++) {
		if (!store_movein_lists(&m, MOVEIN_GAP_ITEM, items[i]))
			rc = store_fail_msg(st, STORE_ENOENT, "item not listed");
		else if (store_movein_step_item_open(&m, items[i]))
			rc = store_fail_msg(st, STORE_ESTATE, "item has an open defect");
		else
			rc = STORE_EXEC(st, store_movein_step_sql_pass, NULL, STORE_I(m.unit_id),
			                STORE_T(items[i]), STORE_T(store_audit_who(ctx)),
			                STORE_I(now));
		if (used < sizeof detail - 1) {
			int w = snprintf(detail + used, sizeof detail - used, "%s%s", i ? "," : "",
			                 items[i]);

			used += w > 0 ? (size_t)w : 0;
		}
	}
	rc = store_movein_end(st, ctx, &m, "pass", detail, rc);
	store_movein_clear(&m);
	return rc;
}

int store_movein_step_defect_add(struct store *st, const struct audit_ctx *ctx, const char *unit,
                            const char *item, const char *description, const char *requirement,
                            int64_t deadline_ms, int64_t *id)
{
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX], clip[STORE_CLIP + 4];
	struct movein m;
	int rc;

	if (id != NULL)
		*id = 0;
	if (item == NULL || !store_code_ok(item) ||
	    !store_movein_step_text_ok(description, MOVEIN_TEXT_MAX) ||
	    !store_movein_step_text_ok(requirement, MOVEIN_TEXT_MAX) || deadline_ms <= 0)
		return STORE_EINVAL;
	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	if (!store_movein_lists(&m, MOVEIN_GAP_ITEM, item))
		rc = store_fail_msg(st, STORE_ENOENT, "item not listed");
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_step_sql_defect_item, NULL, STORE_I(m.unit_id),
		                STORE_T(item), STORE_T(store_audit_who(ctx)), STORE_I(now));
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_step_sql_defect_add, NULL, STORE_I(m.unit_id),
		                STORE_T(item), STORE_T(description), STORE_T(requirement),
		                STORE_I(deadline_ms), STORE_T(store_audit_who(ctx)), STORE_I(now));
	if (rc == 0 && id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	if (rc == 0 && m.signoff_ms > 0) {
		int64_t rowid = sqlite3_last_insert_rowid(st->db);

		rc = STORE_EXEC(st, store_movein_step_sql_unsign, NULL, STORE_I(m.unit_id));
		sqlite3_set_last_insert_rowid(st->db, rowid);
	}
	store_text_clip(description, STORE_CLIP, clip);
	snprintf(detail, sizeof detail, "#%lld %s deadline=%lld: %s",
	         (long long)sqlite3_last_insert_rowid(st->db), item, (long long)deadline_ms, clip);
	rc = store_movein_end(st, ctx, &m, "defect", detail, rc);
	store_movein_clear(&m);
	if (rc < 0 && id != NULL)
		*id = 0;
	return rc;
}

int store_movein_step_defect_get(struct store *st, int64_t id, struct movein_defect *out)
{
	struct movein_defect *list = NULL;
	sqlite3_stmt *s = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof *out);
	rc = STORE_PREP(st, store_movein_step_sql_defect_get, &s, STORE_I(id));
	if (rc < 0)
		return rc;
	rc = store_movein_defect_collect(st, s, &list, &n);
	if (rc == 0 && n == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "no such defect");
	if (rc == 0) {
		*out = list[0];
		memset(&list[0], 0, sizeof list[0]);
	}
	store_movein_defect_list_free(list, n);
	return rc;
}

int store_movein_step_defect(struct store *st, const struct audit_ctx *ctx, int64_t id, int step,
                             const char *assignee, const char *note)
{
	static const char *const actions[] = {"assign", "fix", "reinspect-pass", "reinspect-fail"};
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX], clip[STORE_CLIP + 4];
	struct movein_defect d;
	struct movein m;
	int rc, to = 0, fails;
	const char *who;

	note = store_text_opt(note);
	if (step < MOVEIN_DEFECT_ASSIGN || step > MOVEIN_DEFECT_FAIL ||
	    (step == MOVEIN_DEFECT_ASSIGN) != (assignee != NULL) ||
	    (assignee != NULL && !store_movein_step_text_ok(assignee, MOVEIN_NAME_MAX)) ||
	    (note != NULL && !store_movein_step_text_ok(note, MOVEIN_TEXT_MAX)))
		return STORE_EINVAL;
	rc = store_movein_step_defect_get(st, id, &d);
	if (rc < 0)
		return rc;
	rc = store_movein_begin(st, d.unit, false, &m);
	if (rc < 0) {
		store_movein_defect_clear(&d);
		return rc;
	}
	/* Read again inside the transaction. */
	store_movein_defect_clear(&d);
	rc = store_movein_step_defect_get(st, id, &d);
	fails = d.fails;
	who = assignee != NULL ? assignee : d.assignee;
	if (rc == 0) {
		switch (step) {
		case MOVEIN_DEFECT_ASSIGN:
			if (d.status != MOVEIN_DEFECT_RECORDED && d.status != MOVEIN_DEFECT_ASSIGNED)
				rc = STORE_ESTATE;
			to = MOVEIN_DEFECT_ASSIGNED;
			break;
		case MOVEIN_DEFECT_FIX:
			if (d.status != MOVEIN_DEFECT_ASSIGNED)
				rc = STORE_ESTATE;
			to = MOVEIN_DEFECT_RECTIFIED;
			break;
		default:
			if (d.status != MOVEIN_DEFECT_RECTIFIED)
				rc = STORE_ESTATE;
			to = step == MOVEIN_DEFECT_PASS ? MOVEIN_DEFECT_CLOSED : MOVEIN_DEFECT_ASSIGNED;
			if (step == MOVEIN_DEFECT_FAIL)
				fails++;
			break;
		}
		if (rc == STORE_ESTATE)
			rc = store_fail_msg(st, STORE_ESTATE, "not allowed in the defect's status");
	}
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_step_sql_defect_set, NULL, STORE_I(id),
		                STORE_T(store_movein_defect_status_name(to)), STORE_T(who),
		                STORE_I(fails), STORE_I(now));
	store_text_clip(note != NULL ? note : "", STORE_CLIP, clip);
	snprintf(detail, sizeof detail, "#%lld %s -> %s%s%s%s%s", (long long)id,
	         store_movein_defect_status_name(d.status), store_movein_defect_status_name(to),
	         assignee != NULL ? " to=" : "", assignee != NULL ? assignee : "",
	         note != NULL ? ": " : "", clip);
	rc = store_movein_end(st, ctx, &m, actions[step], detail, rc);
	store_movein_defect_clear(&d);
	store_movein_clear(&m);
	return rc;
}

int store_movein_step_overdue(struct store *st, int64_t now_ms, size_t limit, size_t offset,
                         struct movein_defect **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		limit = 100;
	if (limit > (size_t)INT64_MAX || offset > (size_t)INT64_MAX)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_movein_step_sql_overdue, &s, STORE_I(now_ms),
	                STORE_I((int64_t)limit), STORE_I((int64_t)offset));
	if (rc < 0)
		return rc;
	return store_movein_defect_collect(st, s, out, n);
}

/* The gaps of m not waived of the kinds in mask (bits 1 << kind): how many. */
static size_t store_movein_step_open(const struct movein *m, unsigned mask)
{
	size_t i, n = store_movein_gaps(m, NULL, 0), open = 0;
	struct movein_gap *all;

	if (n == 0)
		return 0;
	all = calloc(n, sizeof *all);
	if (all == NULL)
		abort();
	store_movein_gaps(m, all, n);
	for (i = 0; i < n; i++)
		if (!all[i].waived && (mask & (1u << all[i].kind)))
			open++;
	free(all);
	return open;
}

int store_movein_step_signoff(struct store *st, const struct audit_ctx *ctx, const char *unit)
{
	int64_t now = store_clock_ms(st);
	struct movein m;
	int rc;

	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	if (m.signoff_ms > 0)
		rc = store_fail_msg(st, STORE_ESTATE, "already signed off");
	else if (store_movein_step_open(&m, (1u << MOVEIN_GAP_ITEM) | (1u << MOVEIN_GAP_DEFECT)) > 0)
		rc = store_fail_msg(st, STORE_ESTATE, "inspection not complete");
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_step_sql_signoff, NULL, STORE_I(m.unit_id),
		                STORE_T(store_audit_who(ctx)), STORE_I(now));
	rc = store_movein_end(st, ctx, &m, "signoff", "owner signed off the inspection", rc);
	store_movein_clear(&m);
	return rc;
}

int store_movein_step_review(struct store *st, const struct audit_ctx *ctx, const char *unit)
{
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX];
	struct movein m;
	int rc;

	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	if (store_movein_step_open(&m, ~0u) > 0)
		rc = store_fail_msg(st, STORE_ESTATE, "something is still missing");
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_step_sql_review, NULL, STORE_I(m.unit_id),
		                STORE_T(store_audit_who(ctx)), STORE_I(now));
	snprintf(detail, sizeof detail, "reviewed, waivers=%zu", m.nwaivers);
	rc = store_movein_end(st, ctx, &m, "review", detail, rc);
	store_movein_clear(&m);
	return rc;
}

int store_movein_step_keys(struct store *st, const struct audit_ctx *ctx, const char *unit,
                           int count, const char *kinds, const char *to, const char *receipt)
{
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX];
	struct movein m;
	int rc;

	kinds = store_text_opt(kinds);
	if (count < 1 || count > MOVEIN_KEYS_MAX || !store_movein_step_text_ok(to, MOVEIN_NAME_MAX) ||
	    (kinds != NULL && !store_movein_step_text_ok(kinds, MOVEIN_NAME_MAX)) ||
	    receipt == NULL || !store_ascii_ok(receipt, MOVEIN_RECEIPT_MAX))
		return STORE_EINVAL;
	rc = store_movein_begin(st, unit, true, &m);
	if (rc < 0)
		return rc;
	if (m.reviewed_ms == 0)
		rc = store_fail_msg(st, STORE_ESTATE, "not reviewed");
	else if (m.keys_ms > 0)
		rc = store_fail_msg(st, STORE_ESTATE, "keys already handed over");
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_step_sql_keys, NULL, STORE_I(m.unit_id),
		                STORE_I(count), STORE_T(to), STORE_T(receipt),
		                STORE_T(store_audit_who(ctx)), STORE_I(now), STORE_T(kinds));
	snprintf(detail, sizeof detail, "keys=%d%s%s to=%s receipt=%s", count, kinds ? " " : "",
	         kinds ? kinds : "", to, receipt);
	rc = store_movein_end(st, ctx, &m, "keys", detail, rc);
	store_movein_clear(&m);
	return rc;
}

int store_movein_step_waive(struct store *st, const struct audit_ctx *ctx, const char *unit,
                       const char *what, const char *reason)
{
	int64_t now = store_clock_ms(st);
	char detail[STORE_DETAIL_MAX], clip[STORE_CLIP + 4], key[96];
	struct movein_gap *all = NULL;
	struct movein m;
	size_t i, n;
	int rc;

	if (what == NULL || strlen(what) >= sizeof key ||
	    !store_movein_step_text_ok(reason, MOVEIN_TEXT_MAX))
		return STORE_EINVAL;
	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	n = store_movein_gaps(&m, NULL, 0);
	if (n > 0) {
		all = calloc(n, sizeof *all);
		if (all == NULL)
			abort();
		store_movein_gaps(&m, all, n);
	}
	for (i = 0; i < n; i++) {
		store_movein_gap_key(&m, &all[i], key, sizeof key);
		if (strcmp(key, what) == 0)
			break;
	}
	if (i == n)
		rc = store_fail_msg(st, STORE_ENOENT, "not missing");
	else if (all[i].waived)
		rc = store_fail_msg(st, STORE_EEXIST, "already waived");
	free(all);
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_step_sql_waive, NULL, STORE_I(m.unit_id),
		                STORE_T(what), STORE_T(reason), STORE_T(store_audit_who(ctx)),
		                STORE_I(now));
	store_text_clip(reason, STORE_CLIP, clip);
	snprintf(detail, sizeof detail, "%s: %s", what, clip);
	rc = store_movein_end(st, ctx, &m, "waive", detail, rc);
	store_movein_clear(&m);
	return rc;
}

int store_movein_step_unproxy(struct store *st, const struct audit_ctx *ctx, const char *unit,
                              const char *const *docs, size_t ndocs)
{
	char detail[STORE_DETAIL_MAX];
	struct movein m;
	size_t i;
	int rc;

	for (i = 0; i < ndocs; i++)
		if (docs[i] == NULL || !store_code_ok(docs[i]))
			return STORE_EINVAL;
	rc = store_movein_begin(st, unit, false, &m);
	if (rc < 0)
		return rc;
	if (m.proxy_name == NULL)
		rc = store_fail_msg(st, STORE_ENOENT, "no proxy");
	if (rc == 0)
		rc = STORE_EXEC(st, store_movein_step_sql_unproxy, NULL, STORE_I(m.unit_id));
	for (i = 0; rc == 0 && i < ndocs; i++)
		rc = STORE_EXEC(st, store_movein_step_sql_undoc, NULL, STORE_I(m.unit_id),
		                STORE_T(docs[i]));
	detail[0] = '\0';
	if (rc == 0) {
		char name[64 + 4];

		store_text_clip(m.proxy_name, 64, name);
		snprintf(detail, sizeof detail, "proxy=%s removed docs=%zu", name, ndocs);
	}
	rc = store_movein_end(st, ctx, &m, "unproxy", detail, rc);
	store_movein_clear(&m);
	return rc;
}
