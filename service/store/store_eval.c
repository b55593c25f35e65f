/* store_eval — checklist versions, evaluations, self-checks, acknowledgements, disputes and
 * the sums trends by item read (see the header; the trends are store_eval_trend.c). Calls
 * store.c, store_tx.c and store_audit.c. */
#include "store_eval.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store_audit.h"
#include "store_complaint_status.h"
#include "store_int.h"
#include "store_tx.h"

static const char *const store_eval_kind_names[] = {
    [EVAL_SUPERVISOR] = "supervisor",   [EVAL_SELF] = "self",       [EVAL_PERIOD] = "period",
    [EVAL_CALIBRATION] = "calibration", [EVAL_SESSION] = "session",
};

static const char *const store_eval_status_names[] = {
    [EVAL_NEW] = "new",
    [EVAL_ACKED] = "acked",
    [EVAL_DISPUTED] = "disputed",
    [EVAL_SELFCHECK] = "self",
    [EVAL_CALIBRATING] = "calibration",
};

static const char *const store_eval_resolution_names[] = {
    [EVAL_OPEN] = "open",
    [EVAL_KEEP] = "keep",
    [EVAL_ACCEPT] = "accept",
    [EVAL_SET] = "set",
};

static const char store_eval_sql_version_by_hash[] =
    "SELECT version FROM checklist_versions WHERE hash = ?1";
static const char store_eval_sql_version_next[] =
    "SELECT coalesce(max(version), 0) + 1 FROM checklist_versions";
static const char store_eval_sql_version_insert[] =
    "INSERT INTO checklist_versions (version, hash, content, pinned_ms) VALUES (?1, ?2, ?3, ?4)";
static const char store_eval_sql_version_get[] =
    "SELECT version, hash, content, pinned_ms FROM checklist_versions"
    " WHERE version = ?1 OR (?1 = 0 AND version = (SELECT max(version) FROM checklist_versions))";

static const char store_eval_sql_complaint[] = "SELECT id FROM complaints WHERE number = ?1";

static const char store_eval_sql_insert[] =
    "INSERT INTO evaluations (kind, status, complaint_id, agent, evaluator, version, hash,"
    " earned, possible, critical_failed, passed, comment, created_ms, updated_ms, period,"
    " week, month, session)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14,"
    " strftime('%Y-W%W', ?13 / 1000, 'unixepoch', 'localtime'),"
    " strftime('%Y-%m', ?13 / 1000, 'unixepoch', 'localtime'), ?15)";
/* A session's account, from its login (or its first command) in the audit log. */
static const char store_eval_sql_session_account[] =
    "SELECT account FROM audit INDEXED BY audit_session_seq WHERE session = ?1"
    " AND action IN ('login', 'command') AND account IS NOT NULL ORDER BY seq LIMIT 1";
/* The complaints the session's changes touched (their audit events name them). */
static const char store_eval_sql_session_tie[] =
    "INSERT OR IGNORE INTO evaluation_session_complaints (evaluation_id, complaint_id)"
    " SELECT ?1, c.id FROM audit a INDEXED BY audit_session_seq"
    " JOIN complaints c ON c.number = a.target"
    " WHERE a.session = ?2 AND (a.action LIKE 'complaint.%' OR a.action LIKE 'promise.%')";
static const char store_eval_sql_item_insert[] =
    "INSERT INTO evaluation_items (evaluation_id, pos, item, answer, points, weight, critical,"
    " failed, comment, counted, agent, created_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

#define STORE_EVAL_COLS                                                                            \
	"e.id, e.kind, e.status, c.number, e.agent, e.evaluator, e.version, e.hash, e.earned,"     \
	" e.possible, e.critical_failed, e.passed, e.comment, e.created_ms, e.updated_ms,"         \
	" e.acked_ms, (SELECT count(*) FROM evaluation_disputes d WHERE d.evaluation_id = e.id"    \
	" AND d.resolution IS NULL), e.period, e.session,"                                         \
	" CASE WHEN e.session IS NULL THEN NULL ELSE (SELECT group_concat(number, ',') FROM"       \
	" (SELECT x.number FROM evaluation_session_complaints t JOIN complaints x"                 \
	" ON x.id = t.complaint_id WHERE t.evaluation_id = e.id ORDER BY x.id)) END"

static const char store_eval_sql_get[] =
    "SELECT " STORE_EVAL_COLS " FROM evaluations e LEFT JOIN complaints c ON c.id ="
    " e.complaint_id WHERE e.id = ?1";
static const char store_eval_sql_items[] =
    "SELECT item, answer, points, weight, critical, failed, comment FROM evaluation_items"
    " WHERE evaluation_id = ?1 ORDER BY pos";
static const char store_eval_sql_disputes[] =
    "SELECT id, item, agent, reason, proposed, created_ms, resolution, old_answer, new_answer,"
    " resolver, answer, resolved_ms FROM evaluation_disputes WHERE evaluation_id = ?1"
    " ORDER BY id";

/* Lists: one shape per index (?1 agent, ?2 number, ?3 kind, ?4 status, ?5 since, ?6 until,
 * ?7 limit, ?8 offset, ?9 session). A complaint's are its own and those of the sessions that
 * touched it. */
#define STORE_EVAL_LIST_WHERE                                                                      \
	" AND (?2 IS NULL OR c.number = ?2 OR e.id IN (SELECT t.evaluation_id FROM"                \
	" evaluation_session_complaints t JOIN complaints x ON x.id = t.complaint_id"              \
	" WHERE x.number = ?2)) AND (?9 IS NULL OR e.session = ?9) AND (?3 IS NULL OR e.kind = "   \
	"?3)"                                                                                      \
	" AND (?4 IS NULL OR e.status = ?4) AND e.created_ms >= ?5 AND e.created_ms < ?6"          \
	" ORDER BY e.created_ms DESC, e.id DESC LIMIT ?7 OFFSET ?8"
static const char store_eval_sql_list_agent[] =
    "SELECT " STORE_EVAL_COLS " FROM evaluations e INDEXED BY evaluations_agent"
    " LEFT JOIN complaints c ON c.id = e.complaint_id WHERE e.agent = ?1" STORE_EVAL_LIST_WHERE;
static const char store_eval_sql_list_all[] =
    "SELECT " STORE_EVAL_COLS " FROM evaluations e INDEXED BY evaluations_created"
    " LEFT JOIN complaints c ON c.id = e.complaint_id WHERE ?1 IS NULL" STORE_EVAL_LIST_WHERE;

static const char store_eval_sql_row[] =
    "SELECT agent, kind, status, created_ms, acked_ms FROM evaluations WHERE id = ?1";
static const char store_eval_sql_ack[] =
    "UPDATE evaluations SET status = 'acked', acked_ms = ?2, updated_ms = ?2 WHERE id = ?1";
static const char store_eval_sql_item_answer[] =
    "SELECT answer FROM evaluation_items WHERE evaluation_id = ?1 AND item = ?2";
static const char store_eval_sql_dispute_open[] =
    "SELECT id FROM evaluation_disputes WHERE evaluation_id = ?1 AND item = ?2"
    " AND resolution IS NULL";
static const char store_eval_sql_dispute_insert[] =
    "INSERT INTO evaluation_disputes (evaluation_id, item, agent, reason, proposed, created_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char store_eval_sql_set_status[] =
    "UPDATE evaluations SET status = ?2, updated_ms = ?3 WHERE id = ?1";
static const char store_eval_sql_dispute_answer[] =
    "UPDATE evaluation_disputes SET resolution = ?2, old_answer = ?3, new_answer = ?4,"
    " resolver = ?5, answer = ?6, resolved_ms = ?7 WHERE id = ?1";
static const char store_eval_sql_item_set[] =
    "UPDATE evaluation_items SET answer = ?3, points = ?4, failed = ?5"
    " WHERE evaluation_id = ?1 AND item = ?2";
static const char store_eval_sql_totals[] =
    "UPDATE evaluations SET earned = ?2, possible = ?3, critical_failed = ?4, passed = ?5,"
    " acked_ms = 0, updated_ms = ?6 WHERE id = ?1";
static const char store_eval_sql_open_count[] =
    "SELECT count(*) FROM evaluation_disputes WHERE evaluation_id = ?1 AND resolution IS NULL";

static const char store_eval_sql_rated[] =
    "SELECT count(*) FROM evaluations e INDEXED BY evaluations_complaint"
    " JOIN complaints c ON c.id = e.complaint_id"
    " WHERE c.number = ?1 AND e.evaluator = ?2 AND e.kind = ?3";
static const char store_eval_sql_calibration[] =
    "SELECT c.number, e.id, e.evaluator, i.item, i.answer, i.points FROM evaluations e"
    " JOIN complaints c ON c.id = e.complaint_id"
    " JOIN evaluation_items i ON i.evaluation_id = e.id"
    " WHERE e.kind = 'calibration' AND e.created_ms >= ?1 AND e.created_ms < ?2"
    " AND e.complaint_id IN (SELECT complaint_id FROM evaluations WHERE kind = 'calibration'"
    " GROUP BY complaint_id HAVING count(DISTINCT evaluator) >= 2)"
    /* Blind: a viewer sees the complaints they have calibrated themselves. */
    " AND (?3 IS NULL OR e.complaint_id IN (SELECT complaint_id FROM evaluations"
    " INDEXED BY evaluations_complaint WHERE kind = 'calibration' AND evaluator = ?3"
    " AND complaint_id = e.complaint_id))"
    " ORDER BY e.complaint_id, e.id, i.pos";

static const char store_eval_sql_candidates[] =
    "SELECT c.id, c.number, c.agent, c.status FROM complaints c"
    " WHERE c.created_ms >= ?2"
    " AND (?1 IS NULL OR c.agent IN (SELECT name FROM accounts WHERE team = ?1))"
    " AND c.agent IS NOT ?4"
    " AND NOT EXISTS (SELECT 1 FROM evaluations e INDEXED BY evaluations_complaint"
    " WHERE e.complaint_id = c.id AND e.kind = 'supervisor')"
    " ORDER BY c.id LIMIT ?3";

/* Adds a change of one answer to the month's sums (?2 a time in it). */
static const char store_eval_sql_month_add[] =
    "INSERT INTO evaluation_item_months (item, month, agent, answers, earned, possible, failed)"
    " VALUES (?1, strftime('%Y-%m', ?2 / 1000, 'unixepoch', 'localtime'), ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (item, month, agent) DO UPDATE SET answers = answers + excluded.answers,"
    " earned = earned + excluded.earned, possible = possible + excluded.possible,"
    " failed = failed + excluded.failed";
/* The same for the day's sums (?2 a time in it). */
static const char store_eval_sql_day_add[] =
    "INSERT INTO evaluation_item_days (item, day, answers, earned, possible, failed)"
    " VALUES (?1, strftime('%Y-%m-%d', ?2 / 1000, 'unixepoch', 'localtime'), ?3, ?4, ?5, ?6)"
    " ON CONFLICT (item, day) DO UPDATE SET answers = answers + excluded.answers,"
    " earned = earned + excluded.earned, possible = possible + excluded.possible,"
    " failed = failed + excluded.failed";
static const char store_eval_sql_item_row[] =
    "SELECT i.answer, i.points, i.weight, i.failed, i.counted, e.agent, e.created_ms"
    " FROM evaluation_items i JOIN evaluations e ON e.id = i.evaluation_id"
    " WHERE i.evaluation_id = ?1 AND i.item = ?2";
const char *store_eval_kind_name(enum eval_kind k)
{
	return store_enum_name(store_eval_kind_names, STORE_NELEM(store_eval_kind_names), (int)k);
}

int store_eval_kind_parse(const char *s)
{
	return store_enum_parse(store_eval_kind_names, STORE_NELEM(store_eval_kind_names), s);
}

const char *store_eval_status_name(enum eval_status s)
{
	return store_enum_name(store_eval_status_names, STORE_NELEM(store_eval_status_names),
	                       (int)s);
}

int store_eval_status_parse(const char *s)
{
	return store_enum_parse(store_eval_status_names, STORE_NELEM(store_eval_status_names), s);
}

const char *store_eval_resolution_name(enum eval_resolution r)
{
	return store_enum_name(store_eval_resolution_names,
	                       STORE_NELEM(store_eval_resolution_names), (int)r);
}

int store_eval_resolution_parse(const char *s)
{
	return store_enum_parse(store_eval_resolution_names,
	                        STORE_NELEM(store_eval_resolution_names), s);
}

/* ---- checklist versions ---------------------------------------------------------------------- */

void store_eval_hash(const char *content, size_t len, char hex[EVAL_HASH_HEX + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	if (sodium_init() < 0)
		abort();
	crypto_hash_sha256(h, (const unsigned char *)content, len);
	sodium_bin2hex(hex, EVAL_HASH_HEX + 1, h, sizeof h);
}

int store_eval_pin(struct store *st, const struct audit_ctx *ctx, const char *content, size_t len,
                   int64_t *version, char hex[EVAL_HASH_HEX + 1], bool *created)
{
	char h[EVAL_HASH_HEX + 1], detail[STORE_DETAIL_MAX], target[32];
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	bool found = false;
	int rc;

	if (created != NULL)
		*created = false;
	if (content == NULL || len > EVAL_CONTENT_MAX || memchr(content, '\0', len) != NULL)
		return STORE_EINVAL;
	store_eval_hash(content, len, h);
	if (hex != NULL)
		memcpy(hex, h, sizeof h);
	/* Known already: a read, no transaction (the content's hash names it for good). */
	rc = STORE_PREP(st, store_eval_sql_version_by_hash, &s, STORE_T(h));
	if (rc < 0)
		return rc;
	rc = store_step_int(st, s, &v, &found);
	if (rc < 0)
		return rc;
	if (found) {
		*version = v;
		return 0;
	}
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = STORE_PREP(st, store_eval_sql_version_by_hash, &s, STORE_T(h));
	if (rc == 0)
		rc = store_step_int(st, s, &v, &found);
	if (rc == 0 && !found) {
		char *copy = malloc(len + 1);

		if (copy == NULL)
			return store_tx_end(st, -ENOMEM);
		memcpy(copy, content, len);
		copy[len] = '\0';
		rc = store_query_int(st, store_eval_sql_version_next, &v, NULL, 0);
		if (rc == 0)
			rc = STORE_EXEC(st, store_eval_sql_version_insert, NULL, STORE_I(v),
			                STORE_T(h), STORE_T(copy), STORE_I(store_now_ms()));
		free(copy);
		snprintf(target, sizeof target, "checklist v%lld", (long long)v);
		snprintf(detail, sizeof detail, "sha256=%s bytes=%zu", h, len);
		if (rc == 0)
			rc = store_audit_append(st, ctx, store_now_ms(), "checklist.version",
			                        target, detail);
		if (rc == 0 && created != NULL)
			*created = true;
	}
	rc = store_tx_end(st, rc);
	if (rc == 0)
		*version = v;
	else if (created != NULL)
		*created = false;
	return rc;
}

int store_eval_version_find(struct store *st, const char *content, size_t len, int64_t *version,
                            char hex[EVAL_HASH_HEX + 1])
{
	char h[EVAL_HASH_HEX + 1];
	sqlite3_stmt *s = NULL;
	bool found = false;
	int64_t v = 0;
	int rc;

	if (content == NULL || len > EVAL_CONTENT_MAX)
		return STORE_EINVAL;
	store_eval_hash(content, len, h);
	if (hex != NULL)
		memcpy(hex, h, sizeof h);
	rc = STORE_PREP(st, store_eval_sql_version_by_hash, &s, STORE_T(h));
	if (rc == 0)
		rc = store_step_int(st, s, &v, &found);
	if (rc == 0 && !found)
		rc = STORE_ENOENT;
	if (rc == 0)
		*version = v;
	return rc;
}

void store_eval_version_clear(struct eval_version *v)
{
	if (v == NULL)
		return;
	free(v->content);
	memset(v, 0, sizeof *v);
}

int store_eval_version_get(struct store *st, int64_t version, struct eval_version *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = STORE_PREP(st, store_eval_sql_version_get, &s, STORE_I(version));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(s, 1);

		out->version = sqlite3_column_int64(s, 0);
		snprintf(out->hash, sizeof out->hash, "%s", h != NULL ? h : "");
		rc = store_col_dup(s, 2, &out->content);
		out->len = out->content != NULL ? strlen(out->content) : 0;
		out->pinned_ms = sqlite3_column_int64(s, 3);
		if (rc == 0 && out->content == NULL)
			rc = -ENOMEM;
	} else {
		rc = rc == SQLITE_DONE ? STORE_ENOENT : store_fail(st, rc);
	}
	store_stmt_done(s);
	if (rc < 0)
		store_eval_version_clear(out);
	return rc;
}

/* ---- records --------------------------------------------------------------------------------- */

static void store_eval_item_clear(void *p)
{
	struct eval_item *it = p;

	free(it->item);
	free(it->comment);
	memset(it, 0, sizeof *it);
}

static int store_eval_item_fill(sqlite3_stmt *s, void *elem)
{
	struct eval_item *it = elem;
	int err = 0;

	memset(it, 0, sizeof *it);
	err |= store_col_dup(s, 0, &it->item);
	it->answer = sqlite3_column_int(s, 1);
	it->points = sqlite3_column_int(s, 2);
	it->weight = sqlite3_column_int(s, 3);
	it->critical = sqlite3_column_int(s, 4) != 0;
	it->failed = sqlite3_column_int(s, 5) != 0;
	err |= store_col_dup(s, 6, &it->comment);
	if (err != 0 || it->item == NULL) {
		store_eval_item_clear(it);
		return -ENOMEM;
	}
	return 0;
}

static void store_eval_dispute_clear(void *p)
{
	struct eval_dispute *d = p;

	free(d->item);
	free(d->agent);
	free(d->reason);
	free(d->resolver);
	free(d->answer);
	memset(d, 0, sizeof *d);
}

static int store_eval_dispute_fill(sqlite3_stmt *s, void *elem)
{
	struct eval_dispute *d = elem;
	int err = 0, r;

	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &d->item);
	err |= store_col_dup(s, 2, &d->agent);
	err |= store_col_dup(s, 3, &d->reason);
	d->has_proposed = sqlite3_column_type(s, 4) != SQLITE_NULL;
	d->proposed = sqlite3_column_int(s, 4);
	d->created_ms = sqlite3_column_int64(s, 5);
	r = sqlite3_column_type(s, 6) == SQLITE_NULL
	        ? EVAL_OPEN
	        : store_eval_resolution_parse((const char *)sqlite3_column_text(s, 6));
	d->resolution = r < 0 ? EVAL_OPEN : (enum eval_resolution)r;
	d->old_answer = sqlite3_column_int(s, 7);
	d->new_answer = sqlite3_column_int(s, 8);
	err |= store_col_dup(s, 9, &d->resolver);
	err |= store_col_dup(s, 10, &d->answer);
	d->resolved_ms = sqlite3_column_int64(s, 11);
	if (err != 0) {
		store_eval_dispute_clear(d);
		return -ENOMEM;
	}
	return 0;
}

void store_eval_clear(struct evaluation *e)
{
	if (e == NULL)
		return;
	free(e->number);
	free(e->period);
	free(e->session);
	free(e->session_complaints);
	free(e->agent);
	free(e->evaluator);
	free(e->comment);
	store_list_free(e->items, e->nitems, sizeof *e->items, store_eval_item_clear);
	store_list_free(e->disputes, e->ndisputes, sizeof *e->disputes, store_eval_dispute_clear);
	memset(e, 0, sizeof *e);
}

static void store_eval_clear_v(void *p)
{
	store_eval_clear(p);
}

void store_eval_list_free(struct evaluation *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_eval_clear_v);
}

/* An evaluation from a row of STORE_EVAL_COLS. */
static int store_eval_fill(sqlite3_stmt *s, void *elem)
{
	struct evaluation *e = elem;
	const char *h;
	int err = 0, v;

	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(s, 0);
	v = store_eval_kind_parse((const char *)sqlite3_column_text(s, 1));
	e->kind = v < 0 ? EVAL_SUPERVISOR : (enum eval_kind)v;
	v = store_eval_status_parse((const char *)sqlite3_column_text(s, 2));
	e->status = v < 0 ? EVAL_NEW : (enum eval_status)v;
	err |= store_col_dup(s, 3, &e->number);
	err |= store_col_dup(s, 4, &e->agent);
	err |= store_col_dup(s, 5, &e->evaluator);
	e->version = sqlite3_column_int64(s, 6);
	h = (const char *)sqlite3_column_text(s, 7);
	snprintf(e->hash, sizeof e->hash, "%s", h != NULL ? h : "");
	e->totals.earned = sqlite3_column_int64(s, 8);
	e->totals.possible = sqlite3_column_int64(s, 9);
	e->totals.critical_failed = sqlite3_column_int(s, 10);
	e->totals.passed = sqlite3_column_int(s, 11) != 0;
	err |= store_col_dup(s, 12, &e->comment);
	e->created_ms = sqlite3_column_int64(s, 13);
	e->updated_ms = sqlite3_column_int64(s, 14);
	e->acked_ms = sqlite3_column_int64(s, 15);
	e->open_disputes = sqlite3_column_int(s, 16);
	err |= store_col_dup(s, 17, &e->period);
	err |= store_col_dup(s, 18, &e->session);
	err |= store_col_dup(s, 19, &e->session_complaints);
	if (err != 0) {
		store_eval_clear(e);
		return -ENOMEM;
	}
	return 0;
}

/* ---- evaluations ----------------------------------------------------------------------------- */

static bool store_eval_text_opt_ok(const char *s)
{
	return s == NULL || s[0] == '\0' || store_text_check(s, EVAL_TEXT_MAX, true, false) == 0;
}

static int store_eval_check(const struct eval_new *in)
{
	size_t i, j;

	if (in == NULL || (unsigned)in->kind > EVAL_SESSION ||
	    (in->kind == EVAL_PERIOD || in->kind == EVAL_SESSION) != (in->number == NULL) ||
	    (in->kind == EVAL_SESSION) != (in->session != NULL) ||
	    (in->session != NULL && !store_ascii_ok(in->session, 64)) ||
	    (in->kind == EVAL_PERIOD) != (in->period != NULL) ||
	    (in->period != NULL && !store_ascii_ok(in->period, 16)) || !store_name_ok(in->agent) ||
	    in->version <= 0 || in->hash == NULL || strlen(in->hash) != EVAL_HASH_HEX ||
	    in->nitems == 0 || in->nitems > EVAL_ITEMS_MAX || in->totals.possible <= 0 ||
	    in->totals.earned < 0 || in->totals.earned > in->totals.possible ||
	    !store_eval_text_opt_ok(in->comment))
		return STORE_EINVAL;
	for (i = 0; i < in->nitems; i++) {
		const struct eval_item_in *it = &in->items[i];

		if (!store_code_ok(it->item) || it->answer < -1 || it->answer > 5 ||
		    it->points < 0 || it->points > 5 || it->weight < 1 || it->weight > 10 ||
		    !store_eval_text_opt_ok(it->comment))
			return STORE_EINVAL;
		for (j = 0; j < i; j++)
			if (!strcmp(in->items[j].item, it->item))
				return STORE_EINVAL;
	}
	return 0;
}

int store_eval_add(struct store *st, const struct audit_ctx *ctx, const struct eval_new *in,
                   int64_t *id)
{
	char detail[STORE_DETAIL_MAX], target[48];
	const char *who = store_audit_who(ctx);
	int64_t now = store_clock_ms(st), cid = 0, eid, v = 0;
	bool self;
	size_t i;
	int rc;

	if (id != NULL)
		*id = 0;
	rc = store_eval_check(in);
	if (rc < 0)
		return rc;
	if (who == NULL || !store_name_ok(who))
		return STORE_EINVAL;
	self = in->kind == EVAL_SELF;
	if (in->kind == EVAL_CALIBRATION) {
		bool found = false;

		rc = store_eval_rated(st, in->number, who, EVAL_CALIBRATION, &found);
		if (rc < 0)
			return rc;
		if (found)
			return STORE_EEXIST;
	}
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	{
		sqlite3_stmt *s = NULL;
		bool found = false;

		if (in->number != NULL) {
			rc = STORE_PREP(st, store_eval_sql_complaint, &s, STORE_T(in->number));
			if (rc == 0)
				rc = store_step_int(st, s, &cid, &found);
			if (rc == 0 && !found)
				rc = STORE_ENOENT;
		}
		/* A session's evaluation is of the session's account. */
		if (rc == 0 && in->session != NULL) {
			char *account = NULL;

			rc = STORE_PREP(st, store_eval_sql_session_account, &s,
			                STORE_T(in->session));
			if (rc == 0) {
				rc = sqlite3_step(s);
				if (rc == SQLITE_ROW)
					rc = store_col_dup(s, 0, &account);
				else
					rc = rc == SQLITE_DONE ? STORE_ENOENT : store_fail(st, rc);
				store_stmt_done(s);
			}
			if (rc == 0 && (account == NULL || strcmp(account, in->agent) != 0))
				rc = STORE_EINVAL;
			free(account);
		}
		/* The version is pinned, with this hash. */
		if (rc == 0)
			rc = STORE_PREP(st, store_eval_sql_version_by_hash, &s, STORE_T(in->hash));
		if (rc == 0)
			rc = store_step_int(st, s, &v, &found);
		if (rc == 0 && (!found || v != in->version))
			rc = STORE_ENOENT;
	}
	if (rc == 0)
		rc = STORE_EXEC(
		    st, store_eval_sql_insert, NULL, STORE_T(store_eval_kind_name(in->kind)),
		    STORE_T(self                           ? "self"
		            : in->kind == EVAL_CALIBRATION ? "calibration"
		                                           : "new"),
		    in->number != NULL ? STORE_I(cid) : STORE_T(NULL), STORE_T(in->agent),
		    STORE_T(who), STORE_I(in->version), STORE_T(in->hash),
		    STORE_I(in->totals.earned), STORE_I(in->totals.possible),
		    STORE_I(in->totals.critical_failed), STORE_I(in->totals.passed ? 1 : 0),
		    STORE_T(store_text_opt(in->comment)), STORE_I(now), STORE_T(in->period),
		    STORE_T(in->session));
	eid = rc == 0 ? sqlite3_last_insert_rowid(st->db) : 0;
	if (rc == 0 && in->session != NULL)
		rc = STORE_EXEC(st, store_eval_sql_session_tie, NULL, STORE_I(eid),
		                STORE_T(in->session));
	for (i = 0; rc == 0 && i < in->nitems; i++) {
		const struct eval_item_in *it = &in->items[i];

		rc = STORE_EXEC(
		    st, store_eval_sql_item_insert, NULL, STORE_I(eid), STORE_I((int64_t)i),
		    STORE_T(it->item), STORE_I(it->answer), STORE_I(it->points),
		    STORE_I(it->weight), STORE_I(it->critical ? 1 : 0), STORE_I(it->failed ? 1 : 0),
		    STORE_T(store_text_opt(it->comment)),
		    STORE_I(in->kind == EVAL_SUPERVISOR || in->kind == EVAL_PERIOD ? 1 : 0),
		    STORE_T(in->agent), STORE_I(now));
		if (rc == 0 && it->answer >= 0 &&
		    (in->kind == EVAL_SUPERVISOR || in->kind == EVAL_PERIOD))
			rc = STORE_EXEC(st, store_eval_sql_month_add, NULL, STORE_T(it->item),
			                STORE_I(now), STORE_T(in->agent), STORE_I(1),
			                STORE_I((int64_t)it->points * it->weight),
			                STORE_I(5 * (int64_t)it->weight),
			                STORE_I(it->failed ? 1 : 0));
		if (rc == 0 && it->answer >= 0 &&
		    (in->kind == EVAL_SUPERVISOR || in->kind == EVAL_PERIOD))
			rc = STORE_EXEC(
			    st, store_eval_sql_day_add, NULL, STORE_T(it->item), STORE_I(now),
			    STORE_I(1), STORE_I((int64_t)it->points * it->weight),
			    STORE_I(5 * (int64_t)it->weight), STORE_I(it->failed ? 1 : 0));
	}
	if (rc == 0) {
		snprintf(target, sizeof target, "evaluation #%lld", (long long)eid);
		snprintf(detail, sizeof detail,
		         "%s agent=%s version=%lld score=%lld/%lld critical_failed=%d %s",
		         in->number != NULL   ? in->number
		         : in->period != NULL ? in->period
		                              : in->session,
		         in->agent, (long long)in->version, (long long)in->totals.earned,
		         (long long)in->totals.possible, in->totals.critical_failed,
		         in->totals.passed ? "passed" : "failed");
		rc = store_audit_append(st, ctx, now,
		                        self                           ? "evaluation.self"
		                        : in->kind == EVAL_PERIOD      ? "evaluation.period"
		                        : in->kind == EVAL_CALIBRATION ? "evaluation.calibration"
		                        : in->kind == EVAL_SESSION     ? "evaluation.session"
		                                                       : "evaluation.add",
		                        target, detail);
	}
	rc = store_tx_end(st, rc);
	if (rc == 0 && id != NULL)
		*id = eid;
	return rc;
}

int store_eval_get(struct store *st, int64_t id, struct evaluation *out)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = STORE_PREP(st, store_eval_sql_get, &s, STORE_I(id));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_eval_fill(s, out);
	else
		rc = rc == SQLITE_DONE ? STORE_ENOENT : store_fail(st, rc);
	store_stmt_done(s);
	if (rc < 0)
		return rc;
	rc = STORE_PREP(st, store_eval_sql_items, &s, STORE_I(id));
	if (rc == 0)
		rc = store_collect(st, s, sizeof *out->items, store_eval_item_fill,
		                   store_eval_item_clear, &p, &out->nitems);
	out->items = p;
	p = NULL;
	if (rc == 0)
		rc = STORE_PREP(st, store_eval_sql_disputes, &s, STORE_I(id));
	if (rc == 0)
		rc = store_collect(st, s, sizeof *out->disputes, store_eval_dispute_fill,
		                   store_eval_dispute_clear, &p, &out->ndisputes);
	out->disputes = p;
	if (rc < 0)
		store_eval_clear(out);
	return rc;
}

int store_eval_list(struct store *st, const struct eval_filter *f, struct evaluation **out,
                    size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = STORE_PREP(st, f->agent != NULL ? store_eval_sql_list_agent : store_eval_sql_list_all,
	                &s, STORE_T(f->agent), STORE_T(f->number),
	                STORE_T(f->kind >= 0 ? store_eval_kind_name(f->kind) : NULL),
	                STORE_T(f->status >= 0 ? store_eval_status_name(f->status) : NULL),
	                STORE_I(f->since_ms), STORE_I(f->until_ms > 0 ? f->until_ms : INT64_MAX),
	                STORE_I(f->limit > 0 ? (int64_t)f->limit : 100),
	                STORE_I((int64_t)f->offset), STORE_T(f->session));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_eval_fill, store_eval_clear_v, &p, n);
	*out = p;
	return rc;
}

/* Inside a transaction: the evaluation's row, which must be the agent's (ctx->account). */
struct store_eval_row {
	char agent[STORE_NAME_MAX + 1];
	enum eval_kind kind;
	enum eval_status status;
	int64_t created_ms, acked_ms;
};

static int store_eval_row(struct store *st, int64_t id, struct store_eval_row *row)
{
	sqlite3_stmt *s = NULL;
	int rc, v;

	memset(row, 0, sizeof *row);
	rc = STORE_PREP(st, store_eval_sql_row, &s, STORE_I(id));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(s, 0);

		snprintf(row->agent, sizeof row->agent, "%s", a != NULL ? a : "");
		v = store_eval_kind_parse((const char *)sqlite3_column_text(s, 1));
		row->kind = v < 0 ? EVAL_SUPERVISOR : (enum eval_kind)v;
		v = store_eval_status_parse((const char *)sqlite3_column_text(s, 2));
		row->status = v < 0 ? EVAL_NEW : (enum eval_status)v;
		row->created_ms = sqlite3_column_int64(s, 3);
		row->acked_ms = sqlite3_column_int64(s, 4);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? STORE_ENOENT : store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

/* Begins a change by the agent of evaluation id: someone else's is STORE_ENOENT, as if none. */
static int store_eval_agent_begin(struct store *st, const struct audit_ctx *ctx, int64_t id,
                                  struct store_eval_row *row)
{
	const char *who = store_audit_who(ctx);
	int rc = store_tx_begin(st);

	if (rc < 0)
		return rc;
	rc = store_eval_row(st, id, row);
	if (rc == 0 && (who == NULL || strcmp(who, row->agent) != 0))
		rc = STORE_ENOENT;
	if (rc == 0 && (row->kind == EVAL_SELF || row->kind == EVAL_CALIBRATION))
		rc = STORE_ESTATE;
	if (rc < 0)
		return store_tx_end(st, rc);
	return 0;
}

int store_eval_ack(struct store *st, const struct audit_ctx *ctx, int64_t id)
{
	struct store_eval_row row;
	char target[48];
	int64_t now = store_clock_ms(st);
	int rc = store_eval_agent_begin(st, ctx, id, &row);

	if (rc < 0)
		return rc;
	if (row.status != EVAL_NEW)
		return store_tx_end(st, STORE_ESTATE);
	rc = STORE_EXEC(st, store_eval_sql_ack, NULL, STORE_I(id), STORE_I(now));
	snprintf(target, sizeof target, "evaluation #%lld", (long long)id);
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "evaluation.ack", target, NULL);
	return store_tx_end(st, rc);
}

int store_eval_dispute(struct store *st, const struct audit_ctx *ctx, int64_t id, const char *item,
                       const char *reason, bool has_proposed, int proposed, int64_t window_ms,
                       int64_t *dispute_id)
{
	char target[48], detail[STORE_DETAIL_MAX], clip[STORE_CLIP + 4];
	struct store_eval_row row;
	int64_t now = store_clock_ms(st), v = 0, did;
	bool found = false;
	sqlite3_stmt *s = NULL;
	int rc;

	if (dispute_id != NULL)
		*dispute_id = 0;
	if (!store_code_ok(item) || store_text_check(reason, EVAL_TEXT_MAX, true, false) != 0 ||
	    (has_proposed && (proposed < -1 || proposed > 5)) || window_ms < 0)
		return STORE_EINVAL;
	rc = store_eval_agent_begin(st, ctx, id, &row);
	if (rc < 0)
		return rc;
	if (now - row.created_ms > window_ms)
		return store_tx_end(st, STORE_ESTATE);
	rc = STORE_PREP(st, store_eval_sql_item_answer, &s, STORE_I(id), STORE_T(item));
	if (rc == 0)
		rc = store_step_int(st, s, &v, &found);
	if (rc == 0 && !found)
		rc = STORE_ENOENT;
	if (rc == 0)
		rc = STORE_PREP(st, store_eval_sql_dispute_open, &s, STORE_I(id), STORE_T(item));
	if (rc == 0)
		rc = store_step_int(st, s, &v, &found);
	if (rc == 0 && found)
		rc = STORE_EEXIST;
	if (rc == 0)
		rc = STORE_EXEC(st, store_eval_sql_dispute_insert, NULL, STORE_I(id), STORE_T(item),
		                STORE_T(row.agent), STORE_T(reason),
		                has_proposed ? STORE_I(proposed) : STORE_T(NULL), STORE_I(now));
	did = rc == 0 ? sqlite3_last_insert_rowid(st->db) : 0;
	if (rc == 0)
		rc = STORE_EXEC(st, store_eval_sql_set_status, NULL, STORE_I(id),
		                STORE_T("disputed"), STORE_I(now));
	if (rc == 0) {
		snprintf(target, sizeof target, "evaluation #%lld", (long long)id);
		store_text_clip(reason, STORE_CLIP, clip);
		if (has_proposed)
			snprintf(detail, sizeof detail, "dispute #%lld %s proposed=%d: %s",
			         (long long)did, item, proposed, clip);
		else
			snprintf(detail, sizeof detail, "dispute #%lld %s: %s", (long long)did,
			         item, clip);
		rc = store_audit_append(st, ctx, now, "evaluation.dispute", target, detail);
	}
	rc = store_tx_end(st, rc);
	if (rc == 0 && dispute_id != NULL)
		*dispute_id = did;
	return rc;
}

/* Inside the answer's transaction, before the item changes: moves the month's sums of the item
 * from its old answer to the new one (for the evaluations trends count). */
static int store_eval_month_change(struct store *st, int64_t id, const struct eval_answer *a)
{
	int old_answer, old_points, weight, old_failed, counted;
	char agent[STORE_NAME_MAX + 1];
	int64_t created;
	sqlite3_stmt *s = NULL;
	int rc = STORE_PREP(st, store_eval_sql_item_row, &s, STORE_I(id), STORE_T(a->item));
	int64_t answers, earned, failed;

	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? STORE_ENOENT : store_fail(st, rc);
		store_stmt_done(s);
		return rc;
	}
	old_answer = sqlite3_column_int(s, 0);
	old_points = sqlite3_column_int(s, 1);
	weight = sqlite3_column_int(s, 2);
	old_failed = sqlite3_column_int(s, 3);
	counted = sqlite3_column_int(s, 4);
	snprintf(agent, sizeof agent, "%s", (const char *)sqlite3_column_text(s, 5));
	created = sqlite3_column_int64(s, 6);
	store_stmt_done(s);
	if (!counted)
		return 0;
	answers = (a->answer >= 0) - (old_answer >= 0);
	earned = (int64_t)(a->answer >= 0 ? a->points : 0) * weight -
	         (int64_t)(old_answer >= 0 ? old_points : 0) * weight;
	failed = (int64_t)(a->failed && a->answer >= 0) - (old_failed && old_answer >= 0);
	rc = STORE_EXEC(st, store_eval_sql_month_add, NULL, STORE_T(a->item), STORE_I(created),
	                STORE_T(agent), STORE_I(answers), STORE_I(earned),
	                STORE_I(5 * (int64_t)weight * answers), STORE_I(failed));
	if (rc == 0)
		rc = STORE_EXEC(st, store_eval_sql_day_add, NULL, STORE_T(a->item),
		                STORE_I(created), STORE_I(answers), STORE_I(earned),
		                STORE_I(5 * (int64_t)weight * answers), STORE_I(failed));
	return rc;
}

int store_eval_answer(struct store *st, const struct audit_ctx *ctx, int64_t id,
                      const struct eval_answer *a)
{
	char target[48], detail[STORE_DETAIL_MAX], clip[STORE_CLIP + 4];
	const char *who = store_audit_who(ctx);
	struct store_eval_row row;
	int64_t now = store_clock_ms(st), did = 0, old = 0, open = 0;
	sqlite3_stmt *s = NULL;
	bool found = false, changed;
	int rc;

	if (a == NULL || !store_code_ok(a->item) || a->answer < -1 || a->answer > 5 ||
	    a->points < 0 || a->points > 5 ||
	    (a->resolution != EVAL_KEEP && a->resolution != EVAL_ACCEPT &&
	     a->resolution != EVAL_SET) ||
	    store_text_check(a->comment, EVAL_TEXT_MAX, true, false) != 0 || who == NULL ||
	    a->totals.possible <= 0 || a->totals.earned < 0 ||
	    a->totals.earned > a->totals.possible)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_eval_row(st, id, &row);
	if (rc == 0)
		rc = STORE_PREP(st, store_eval_sql_dispute_open, &s, STORE_I(id), STORE_T(a->item));
	if (rc == 0)
		rc = store_step_int(st, s, &did, &found);
	if (rc == 0 && !found)
		rc = STORE_ENOENT;
	if (rc == 0)
		rc = STORE_PREP(st, store_eval_sql_item_answer, &s, STORE_I(id), STORE_T(a->item));
	if (rc == 0)
		rc = store_step_int(st, s, &old, NULL);
	if (rc < 0)
		return store_tx_end(st, rc);
	changed = old != a->answer;
	rc = STORE_EXEC(st, store_eval_sql_dispute_answer, NULL, STORE_I(did),
	                STORE_T(store_eval_resolution_name(a->resolution)), STORE_I(old),
	                STORE_I(a->answer), STORE_T(who), STORE_T(a->comment), STORE_I(now));
	if (rc == 0 && changed)
		rc = store_eval_month_change(st, id, a);
	if (rc == 0 && changed)
		rc = STORE_EXEC(st, store_eval_sql_item_set, NULL, STORE_I(id), STORE_T(a->item),
		                STORE_I(a->answer), STORE_I(a->points), STORE_I(a->failed ? 1 : 0));
	if (rc == 0 && changed)
		rc = STORE_EXEC(st, store_eval_sql_totals, NULL, STORE_I(id),
		                STORE_I(a->totals.earned), STORE_I(a->totals.possible),
		                STORE_I(a->totals.critical_failed),
		                STORE_I(a->totals.passed ? 1 : 0), STORE_I(now));
	if (rc == 0)
		rc = STORE_INT(st, store_eval_sql_open_count, &open, STORE_I(id));
	if (rc == 0)
		rc = STORE_EXEC(st, store_eval_sql_set_status, NULL, STORE_I(id),
		                STORE_T(open > 0                       ? "disputed"
		                        : row.acked_ms > 0 && !changed ? "acked"
		                                                       : "new"),
		                STORE_I(now));
	if (rc == 0) {
		snprintf(target, sizeof target, "evaluation #%lld", (long long)id);
		store_text_clip(a->comment, STORE_CLIP, clip);
		snprintf(detail, sizeof detail, "dispute #%lld %s %s %lld->%d score=%lld/%lld: %s",
		         (long long)did, a->item, store_eval_resolution_name(a->resolution),
		         (long long)old, a->answer, (long long)a->totals.earned,
		         (long long)a->totals.possible, clip);
		rc = store_audit_append(st, ctx, now, "evaluation.answer", target, detail);
	}
	return store_tx_end(st, rc);
}

/* ---- calibration ------------------------------------------------------------------------------
 */

int store_eval_rated(struct store *st, const char *number, const char *evaluator,
                     enum eval_kind kind, bool *found)
{
	int64_t n = 0;
	int rc;

	*found = false;
	if (number == NULL || evaluator == NULL)
		return 0;
	rc = STORE_INT(st, store_eval_sql_rated, &n, STORE_T(number), STORE_T(evaluator),
	               STORE_T(store_eval_kind_name(kind)));
	*found = rc == 0 && n > 0;
	return rc;
}

static void store_eval_cal_clear(void *p)
{
	struct eval_cal_row *r = p;

	free(r->number);
	free(r->evaluator);
	free(r->item);
	memset(r, 0, sizeof *r);
}

static int store_eval_cal_fill(sqlite3_stmt *s, void *elem)
{
	struct eval_cal_row *r = elem;
	int err = 0;

	memset(r, 0, sizeof *r);
	err |= store_col_dup(s, 0, &r->number);
	r->evaluation = sqlite3_column_int64(s, 1);
	err |= store_col_dup(s, 2, &r->evaluator);
	err |= store_col_dup(s, 3, &r->item);
	r->answer = sqlite3_column_int(s, 4);
	r->points = sqlite3_column_int(s, 5);
	if (err != 0 || r->number == NULL || r->evaluator == NULL || r->item == NULL) {
		store_eval_cal_clear(r);
		return -ENOMEM;
	}
	return 0;
}

int store_eval_calibration(struct store *st, const char *viewer, int64_t since_ms, int64_t until_ms,
                           struct eval_cal_row **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = STORE_PREP(st, store_eval_sql_calibration, &s, STORE_I(since_ms),
	                STORE_I(until_ms > 0 ? until_ms : INT64_MAX), STORE_T(viewer));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_eval_cal_fill, store_eval_cal_clear, &p, n);
	*out = p;
	return rc;
}

void store_eval_cal_free(struct eval_cal_row *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_eval_cal_clear);
}

/* ---- selection ------------------------------------------------------------------------------ */

static void store_eval_candidate_clear(void *p)
{
	struct eval_candidate *c = p;

	free(c->number);
	free(c->agent);
	memset(c, 0, sizeof *c);
}

static int store_eval_candidate_fill(sqlite3_stmt *s, void *elem)
{
	struct eval_candidate *c = elem;
	int err = 0, v;

	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &c->number);
	err |= store_col_dup(s, 2, &c->agent);
	v = store_complaint_status_parse((const char *)sqlite3_column_text(s, 3));
	c->status = v < 0 ? 0 : v;
	if (err != 0 || c->number == NULL || c->agent == NULL) {
		store_eval_candidate_clear(c);
		return -ENOMEM;
	}
	return 0;
}

int store_eval_candidates(struct store *st, const char *team, const char *drawer, int64_t since_ms,
                          size_t limit, struct eval_candidate **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = STORE_PREP(st, store_eval_sql_candidates, &s, STORE_T(team), STORE_I(since_ms),
	                STORE_I(limit > 0 ? (int64_t)limit : 100), STORE_T(drawer));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_eval_candidate_fill,
	                   store_eval_candidate_clear, &p, n);
	*out = p;
	return rc;
}

void store_eval_candidates_free(struct eval_candidate *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_eval_candidate_clear);
}

int store_eval_draw_audit(struct store *st, const struct audit_ctx *ctx, const char *number,
                          const char *detail)
{
	return store_audit(st, ctx, "evaluation.draw", number, detail);
}
