/* store_complaint — complaints (see the header): taking one, its techniques, notes, handovers
 * and changes of status, reading one whole, and the list, count and search queries built from a
 * filter. Every change is one transaction holding the change, its complaint_history row and its
 * audit event (store_complaint_status.c). Calls store.c, store_tx.c, store_audit.c,
 * store_search.c, store_pairs.c, store_unit.c, store_complaint_status.c, store_promise.c and
 * store_complaint_query.c (the queries built from a filter). */
#include "store_complaint.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_complaint_query.h"
#include "store_draft.h"
#include "store_int.h"
#include "store_pairs.h"
#include "store_search.h"
#include "store_tx.h"
#include "store_unit.h"

/* ---- enumerations ------------------------------------------------------------------------- */

static const char *const store_complaint_relation_names[] = {
    [COMPLAINT_REL_OWNER] = "owner",
    [COMPLAINT_REL_FAMILY] = "family",
    [COMPLAINT_REL_TENANT] = "tenant",
    [COMPLAINT_REL_OTHER] = "other",
};
static const char *const store_complaint_channel_names[] = {
    [COMPLAINT_CH_PHONE] = "phone",
    [COMPLAINT_CH_VISIT] = "visit",
    [COMPLAINT_CH_ONSITE] = "onsite",
};
static const char *const store_complaint_mood_names[] = {
    [COMPLAINT_MOOD_CALM] = "calm",
    [COMPLAINT_MOOD_UPSET] = "upset",
    [COMPLAINT_MOOD_ANGRY] = "angry",
};
const char *store_complaint_relation_name(enum complaint_relation v)
{
	return store_enum_name(store_complaint_relation_names,
	                       STORE_NELEM(store_complaint_relation_names), (int)v);
}

int store_complaint_relation_parse(const char *s)
{
	return store_enum_parse(store_complaint_relation_names,
	                        STORE_NELEM(store_complaint_relation_names), s);
}

const char *store_complaint_channel_name(enum complaint_channel v)
{
	return store_enum_name(store_complaint_channel_names,
	                       STORE_NELEM(store_complaint_channel_names), (int)v);
}

int store_complaint_channel_parse(const char *s)
{
	return store_enum_parse(store_complaint_channel_names,
	                        STORE_NELEM(store_complaint_channel_names), s);
}

const char *store_complaint_mood_name(enum complaint_mood v)
{
	return store_enum_name(store_complaint_mood_names, STORE_NELEM(store_complaint_mood_names),
	                       (int)v);
}

int store_complaint_mood_parse(const char *s)
{
	return store_enum_parse(store_complaint_mood_names, STORE_NELEM(store_complaint_mood_names),
	                        s);
}

/* ---- validation --------------------------------------------------------------------------- */

/* ---- statements ----------------------------------------------------------------------------- */

static const char store_complaint_sql_day_next[] =
    "INSERT INTO complaint_days (day, last) VALUES (?1, 1)"
    " ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last";
static const char store_complaint_sql_units_any[] = "SELECT EXISTS (SELECT 1 FROM units)";
static const char store_complaint_sql_unit_exists[] =
    "SELECT EXISTS (SELECT 1 FROM units WHERE code = ?1)";
static const char store_complaint_sql_account_exists[] =
    "SELECT EXISTS (SELECT 1 FROM accounts WHERE name = ?1)";
static const char store_complaint_sql_insert[] =
    "INSERT INTO complaints (number, unit, unit_verified, caller, relation, phone,"
    " channel, category, words, mood, dialect, status, agent, assignee, created_ms,"
    " updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'open', ?12,"
    " ?13, ?14, ?14)";
static const char store_complaint_sql_tech_add[] =
    "INSERT OR IGNORE INTO complaint_techniques (complaint_id, code) VALUES (?1, ?2)";
static const char store_complaint_sql_tech_del[] =
    "DELETE FROM complaint_techniques WHERE complaint_id = ?1 AND code = ?2";
static const char store_complaint_sql_set_assignee[] =
    "UPDATE complaints SET assignee = ?2, status = ?3, updated_ms = ?4 WHERE id = ?1";
static const char store_complaint_sql_resolve[] =
    "UPDATE complaints SET status = 'resolved', outcome = ?2, resolved_ms = ?3,"
    " updated_ms = ?3 WHERE id = ?1";
static const char store_complaint_sql_reopen[] =
    "UPDATE complaints SET status = 'reopened', resolved_ms = NULL,"
    " updated_ms = ?2 WHERE id = ?1";
static const char store_complaint_sql_note_add[] =
    "INSERT INTO complaint_notes (complaint_id, author, ts_ms, text)"
    " VALUES (?1, ?2, ?3, ?4)";
static const char store_complaint_sql_handover_add[] =
    "INSERT INTO handovers (complaint_id, from_account, to_account, ts_ms,"
    " note) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char store_complaint_sql_get[] =
    "SELECT " STORE_COMPLAINT_COLS " FROM complaints c WHERE c.number = ?1";
static const char store_complaint_sql_notes[] =
    "SELECT id, author, ts_ms, text FROM complaint_notes WHERE complaint_id = ?1"
    " ORDER BY id";
static const char store_complaint_sql_get_id[] =
    "SELECT " STORE_COMPLAINT_COLS " FROM complaints c WHERE c.id = ?1";
static const char store_complaint_sql_notes_desc[] =
    "SELECT complaint_id, text FROM complaint_notes"
    " ORDER BY complaint_id DESC, id DESC";
static const char store_complaint_sql_history[] =
    "SELECT id, ts_ms, account, action, detail FROM complaint_history"
    " WHERE complaint_id = ?1 ORDER BY id";
static const char store_complaint_sql_handovers[] =
    "SELECT id, from_account, to_account, ts_ms, note FROM handovers"
    " WHERE complaint_id = ?1 ORDER BY id";
/* ---- freeing ------------------------------------------------------------------------------ */

static void store_complaint_note_clear(struct complaint_note *n)
{
	free(n->author);
	free(n->text);
	memset(n, 0, sizeof *n);
}

static void store_complaint_event_clear(struct complaint_event *e)
{
	free(e->account);
	free(e->action);
	free(e->detail);
	memset(e, 0, sizeof *e);
}

static void store_complaint_handover_clear(struct handover *h)
{
	free(h->from);
	free(h->to);
	free(h->note);
	memset(h, 0, sizeof *h);
}

/* The void * forms, for store_collect and store_list_free. */
static void store_complaint_note_clear_v(void *p)
{
	store_complaint_note_clear(p);
}

static void store_complaint_event_clear_v(void *p)
{
	store_complaint_event_clear(p);
}

static void store_complaint_handover_clear_v(void *p)
{
	store_complaint_handover_clear(p);
}

void store_complaint_clear(struct complaint *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->number);
	free(c->unit);
	free(c->caller);
	free(c->phone);
	free(c->category);
	free(c->words);
	free(c->dialect);
	free(c->outcome);
	free(c->agent);
	free(c->assignee);
	for (i = 0; i < c->ntechniques; i++)
		free(c->techniques[i]);
	free(c->techniques);
	store_list_free(c->notes, c->nnotes, sizeof *c->notes, store_complaint_note_clear_v);
	store_list_free(c->history, c->nhistory, sizeof *c->history, store_complaint_event_clear_v);
	store_list_free(c->handovers, c->nhandovers, sizeof *c->handovers,
	                store_complaint_handover_clear_v);
	store_promise_list_free(c->promises, c->npromises);
	memset(c, 0, sizeof *c);
}

static void store_complaint_clear_v(void *p)
{
	store_complaint_clear(p);
}

void store_complaint_list_free(struct complaint *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_complaint_clear_v);
}

/* ---- reading rows ------------------------------------------------------------------------- */

static int store_complaint_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* c->techniques from a space-separated list (NULL: none). */
static int store_complaint_split_techniques(struct complaint *c, const char *list)
{
	const char *p = list, *q;
	size_t count = 0, i;

	if (list == NULL || list[0] == '\0')
		return 0;
	for (q = list; *q != '\0'; q++)
		if (*q == ' ')
			count++;
	count++;
	c->techniques = calloc(count, sizeof *c->techniques);
	if (c->techniques == NULL)
		return -ENOMEM;
	for (i = 0; i < count && *p != '\0'; i++) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		c->techniques[i] = strndup(p, (size_t)(q - p));
		if (c->techniques[i] == NULL)
			return -ENOMEM;
		c->ntechniques++;
		p = *q == ' ' ? q + 1 : q;
	}
	qsort(c->techniques, c->ntechniques, sizeof *c->techniques, store_complaint_cmp_str);
	return 0;
}

/* A complaint from a row of STORE_COMPLAINT_COLS. */
static int store_complaint_fill(sqlite3_stmt *s, void *elem)
{
	struct complaint *c = elem;
	int err = 0;

	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &c->number);
	err |= store_col_dup(s, 2, &c->unit);
	c->unit_verified = sqlite3_column_int(s, 3) != 0;
	err |= store_col_dup(s, 4, &c->caller);
	c->relation = store_col_enum(s, 5, store_complaint_relation_parse);
	err |= store_col_dup(s, 6, &c->phone);
	c->channel = store_col_enum(s, 7, store_complaint_channel_parse);
	err |= store_col_dup(s, 8, &c->category);
	err |= store_col_dup(s, 9, &c->words);
	c->mood = store_col_enum(s, 10, store_complaint_mood_parse);
	err |= store_col_dup(s, 11, &c->dialect);
	err |= store_col_dup(s, 12, &c->outcome);
	c->status = store_col_enum(s, 13, store_complaint_status_parse);
	err |= store_col_dup(s, 14, &c->agent);
	err |= store_col_dup(s, 15, &c->assignee);
	c->created_ms = sqlite3_column_int64(s, 16);
	c->updated_ms = sqlite3_column_int64(s, 17);
	c->resolved_ms = sqlite3_column_int64(s, 18);
	err |= store_complaint_split_techniques(c, (const char *)sqlite3_column_text(s, 19));
	c->open_promises = sqlite3_column_int(s, 20);
	c->next_due_ms = sqlite3_column_int64(s, 21);
	if (err != 0) {
		store_complaint_clear(c);
		return -ENOMEM;
	}
	return 0;
}

static int store_complaint_note_fill(sqlite3_stmt *s, void *elem)
{
	struct complaint_note *n = elem;
	int err = 0;

	memset(n, 0, sizeof *n);
	n->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &n->author);
	n->ts_ms = sqlite3_column_int64(s, 2);
	err |= store_col_dup(s, 3, &n->text);
	if (err != 0) {
		store_complaint_note_clear(n);
		return -ENOMEM;
	}
	return 0;
}

static int store_complaint_event_fill(sqlite3_stmt *s, void *elem)
{
	struct complaint_event *e = elem;
	int err = 0;

	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(s, 0);
	e->ts_ms = sqlite3_column_int64(s, 1);
	err |= store_col_dup(s, 2, &e->account);
	err |= store_col_dup(s, 3, &e->action);
	err |= store_col_dup(s, 4, &e->detail);
	if (err != 0) {
		store_complaint_event_clear(e);
		return -ENOMEM;
	}
	return 0;
}

static int store_complaint_handover_fill(sqlite3_stmt *s, void *elem)
{
	struct handover *h = elem;
	int err = 0;

	memset(h, 0, sizeof *h);
	h->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &h->from);
	err |= store_col_dup(s, 2, &h->to);
	h->ts_ms = sqlite3_column_int64(s, 3);
	err |= store_col_dup(s, 4, &h->note);
	if (err != 0) {
		store_complaint_handover_clear(h);
		return -ENOMEM;
	}
	return 0;
}

/* ---- shared pieces of the changes --------------------------------------------------------- */

/* Inside a transaction: whether account name exists (STORE_ENOENT when not). */
static int store_complaint_account_exists(struct store *st, const char *name)
{
	int64_t v;
	int rc = STORE_INT(st, store_complaint_sql_account_exists, &v, STORE_T(name));

	if (rc == 0 && v == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "no such account");
	return rc;
}

/* ---- taking a complaint -------------------------------------------------------------------- */

static int store_complaint_new_check(const struct complaint_new *in, const char *agent)
{
	size_t i;
	int rc;

	if (in == NULL || !store_unit_code_ok(in->unit) ||
	    store_complaint_relation_name(in->relation) == NULL ||
	    store_complaint_channel_name(in->channel) == NULL ||
	    store_complaint_mood_name(in->mood) == NULL || !store_code_ok(in->category) ||
	    !store_name_ok(agent) ||
	    (in->assignee != NULL && in->assignee[0] != '\0' && !store_name_ok(in->assignee)))
		return STORE_EINVAL;
	if (store_text_opt(in->phone) != NULL && !store_phone_ok(in->phone))
		return STORE_EINVAL;
	rc = store_text_check(in->caller, COMPLAINT_CALLER_MAX, false, false);
	if (rc == 0 && store_text_opt(in->dialect) != NULL)
		rc = store_text_check(in->dialect, COMPLAINT_DIALECT_MAX, false, false);
	if (rc == 0)
		rc = store_text_check(in->words, COMPLAINT_WORDS_MAX, true, false);
	if (rc < 0)
		return rc;
	if (in->ntechniques > COMPLAINT_TECHNIQUES_MAX || in->npromises > COMPLAINT_PROMISES_MAX ||
	    (in->ntechniques > 0 && in->techniques == NULL) ||
	    (in->npromises > 0 && in->promises == NULL))
		return STORE_EINVAL;
	for (i = 0; i < in->ntechniques; i++)
		if (!store_code_ok(in->techniques[i]))
			return STORE_EINVAL;
	for (i = 0; i < in->npromises; i++) {
		rc = store_promise_check(&in->promises[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void store_complaint_set_clock(struct store *st, int64_t at_ms)
{
	st->clock_ms = at_ms > 0 ? at_ms : 0;
}

/* Appends " code" for each of codes to buf (cut when full). */
static void store_complaint_codes(char *buf, size_t cap, const char *prefix,
                                  const char *const *codes, size_t n)
{
	size_t i, len = strlen(buf);

	for (i = 0; i < n && len < cap; i++) {
		snprintf(buf + len, cap - len, "%s%s%s", i == 0 ? prefix : "", i == 0 ? "" : ",",
		         codes[i]);
		len += strlen(buf + len);
	}
}

int store_complaint_add(struct store *st, const struct audit_ctx *ctx,
                        const struct complaint_new *in, char number_out[COMPLAINT_NUMBER_MAX])
{
	const char *agent = in != NULL && in->agent != NULL ? in->agent : store_audit_who(ctx);
	const char *assignee;
	char number[COMPLAINT_NUMBER_MAX], day[16], detail[STORE_DETAIL_MAX];
	int64_t now = store_clock_ms(st), units, known = 0, counter, id = 0;
	time_t secs = (time_t)(now / 1000);
	struct tm tm;
	size_t i;
	int rc;

	if (number_out != NULL)
		number_out[0] = '\0';
	rc = store_complaint_new_check(in, agent);
	if (rc < 0)
		return rc;
	assignee = store_text_opt(in->assignee) != NULL ? in->assignee : agent;
	tzset(); /* the process's TZ, as it is now */
	if (localtime_r(&secs, &tm) == NULL)
		return -EINVAL;
	strftime(day, sizeof day, "%Y%m%d", &tm);

	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	if (in->draft_kind != NULL)
		rc = store_draft_take(st, store_audit_who(ctx), in->draft_kind,
		                      ctx != NULL ? ctx->session : NULL, in->draft_required);
	if (rc == 0)
		rc = store_query_int(st, store_complaint_sql_units_any, &units, NULL, 0);
	if (rc == 0 && units != 0) {
		rc = STORE_INT(st, store_complaint_sql_unit_exists, &known, STORE_T(in->unit));
		if (rc == 0 && known == 0)
			rc = store_fail_msg(st, STORE_ENOENT, "no such unit in the unit register");
	}
	if (rc == 0 && strcmp(assignee, agent) != 0)
		rc = store_complaint_account_exists(st, assignee);
	if (rc == 0)
		rc = STORE_INT(st, store_complaint_sql_day_next, &counter, STORE_T(day));
	if (rc == 0) {
		snprintf(number, sizeof number, "C-%s-%04lld", day, (long long)counter);
		rc = STORE_EXEC(st, store_complaint_sql_insert, NULL, STORE_T(number),
		                STORE_T(in->unit), STORE_I(known != 0), STORE_T(in->caller),
		                STORE_T(store_complaint_relation_name(in->relation)),
		                STORE_T(store_text_opt(in->phone)),
		                STORE_T(store_complaint_channel_name(in->channel)),
		                STORE_T(in->category), STORE_T(in->words),
		                STORE_T(store_complaint_mood_name(in->mood)),
		                STORE_T(store_text_opt(in->dialect)), STORE_T(agent),
		                STORE_T(assignee), STORE_I(now));
	}
	if (rc == 0)
		id = sqlite3_last_insert_rowid(st->db);
	for (i = 0; rc == 0 && i < in->ntechniques; i++)
		rc = STORE_EXEC(st, store_complaint_sql_tech_add, NULL, STORE_I(id),
		                STORE_T(in->techniques[i]));
	if (rc == 0) {
		snprintf(detail, sizeof detail, "unit=%s%s category=%s assignee=%s", in->unit,
		         known != 0 ? "" : " (unverified)", in->category, assignee);
		store_complaint_codes(detail, sizeof detail, " techniques=", in->techniques,
		                      in->ntechniques);
		rc = store_complaint_status_record(st, ctx, id, number, now, "created", detail,
		                                   NULL, NULL);
	}
	for (i = 0; rc == 0 && i < in->npromises; i++) {
		const struct promise_new *p = &in->promises[i];
		int64_t pid;

		rc = store_promise_insert(st, ctx, id, p->agent != NULL ? p->agent : agent, p, now,
		                          &pid);
	}
	if (rc == 0) {
		size_t len = strlen(detail);

		snprintf(detail + len, sizeof detail - len, " promises=%zu", in->npromises);
		rc = store_audit_append(st, ctx, now, "complaint.add", number, detail);
	}
	rc = store_tx_end(st, rc);
	if (rc == 0 && number_out != NULL)
		memcpy(number_out, number, sizeof number);
	return rc;
}

/* ---- reading complaints -------------------------------------------------------------------- */

/* The rows of statement id for complaint id into an array. */
static int store_complaint_children(struct store *st, const char *sql, int64_t id, size_t sz,
                                    store_fill_fn fill, void (*clear)(void *), void **out,
                                    size_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc = STORE_PREP(st, sql, &s, STORE_I(id));

	if (rc < 0)
		return rc;
	return store_collect(st, s, sz, fill, clear, out, n);
}

int store_complaint_get(struct store *st, const char *number, struct complaint *out, bool full)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (number == NULL)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_complaint_sql_get, &s, STORE_T(number));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_complaint_fill(s, out);
	else if (rc == SQLITE_DONE)
		rc = store_fail_msg(st, STORE_ENOENT, "no such complaint");
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	if (rc < 0 || !full)
		return rc;
	rc = store_complaint_children(st, store_complaint_sql_notes, out->id, sizeof *out->notes,
	                              store_complaint_note_fill, store_complaint_note_clear_v, &p,
	                              &out->nnotes);
	out->notes = p;
	if (rc == 0) {
		rc = store_complaint_children(st, store_complaint_sql_history, out->id,
		                              sizeof *out->history, store_complaint_event_fill,
		                              store_complaint_event_clear_v, &p, &out->nhistory);
		out->history = p;
	}
	if (rc == 0) {
		rc = store_complaint_children(st, store_complaint_sql_handovers, out->id,
		                              sizeof *out->handovers, store_complaint_handover_fill,
		                              store_complaint_handover_clear_v, &p,
		                              &out->nhandovers);
		out->handovers = p;
	}
	if (rc == 0)
		rc = store_promise_of(st, out->id, &out->promises, &out->npromises);
	if (rc < 0)
		store_complaint_clear(out);
	return rc;
}

static int store_complaint_run_list(struct store *st, const struct complaint_filter *f,
                                    const char *text, bool scan, struct complaint **out, size_t *n)
{
	struct store_complaint_query q;
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_complaint_query_build(&q, f, text, scan, SC_Q_PAGED);
	if (rc == 0)
		rc = store_complaint_query_prepare(st, &q, &s);
	if (rc == 0)
		rc = store_collect(st, s, sizeof **out, store_complaint_fill,
		                   store_complaint_clear_v, &p, n);
	*out = p;
	return rc;
}

int store_complaint_list(struct store *st, const struct complaint_filter *f, struct complaint **out,
                         size_t *n)
{
	return store_complaint_run_list(st, f, NULL, false, out, n);
}

int store_complaint_count(struct store *st, const struct complaint_filter *f, int64_t *count)
{
	struct store_complaint_query q;
	sqlite3_stmt *s = NULL;
	int rc;

	*count = 0;
	rc = store_complaint_query_build(&q, f, NULL, false, SC_Q_COUNT);
	if (rc == 0)
		rc = store_complaint_query_prepare(st, &q, &s);
	if (rc == 0)
		rc = store_step_int(st, s, count, NULL);
	return rc;
}

#define STORE_COMPLAINT_BUDGET_STEP 1000 /* virtual-machine steps between budget checks */

/* Counts down the work a bounded count may do (sqlite3_progress_handler). */
static int store_complaint_budget_cb(void *arg)
{
	int64_t *left = arg;

	return --*left < 0;
}

int store_complaint_count_max(struct store *st, const struct complaint_filter *f, int64_t max,
                              int64_t budget, int64_t *count, bool *exact)
{
	static const struct complaint_filter none;
	struct complaint_filter capped = f != NULL ? *f : none;
	struct store_complaint_query q;
	sqlite3_stmt *s = NULL;
	int64_t left = budget / STORE_COMPLAINT_BUDGET_STEP;
	int rc;

	*count = 0;
	*exact = true;
	if (max <= 0 || budget < 0)
		return STORE_EINVAL;
	capped.limit = (size_t)max;
	rc = store_complaint_query_build(&q, &capped, NULL, false, SC_Q_COUNT_MAX);
	if (rc == 0)
		rc = store_complaint_query_prepare(st, &q, &s);
	if (rc < 0)
		return rc;
	/* Row by row, so that the rows counted before the budget ran out are known. The step
	 * count of a cached statement starts again from 0, so the same data always stops at the
	 * same row. */
	(void)sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 1);
	if (budget > 0)
		sqlite3_progress_handler(st->db, STORE_COMPLAINT_BUDGET_STEP,
		                         store_complaint_budget_cb, &left);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		(*count)++;
	if (budget > 0)
		sqlite3_progress_handler(st->db, 0, NULL, NULL);
	if (rc == SQLITE_DONE) {
		rc = 0;
		*exact = *count < max;
	} else if (rc == SQLITE_INTERRUPT && budget > 0 && left < 0) {
		rc = 0;
		*exact = false;
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

int store_complaint_search_text(struct store *st, const char *text,
                                const struct complaint_filter *f, struct complaint **out, size_t *n)
{
	int pending;

	*out = NULL;
	*n = 0;
	if (text == NULL || text[0] == '\0' || !store_text_ok(text, COMPLAINT_TEXT_MAX, true))
		return STORE_EINVAL;
	pending = store_search_pending(st);
	if (pending < 0)
		return pending;
	return store_complaint_run_list(st, f, text, pending != 0, out, n);
}

/* Runs match on column i of s if it is text: 1, 0 or its error. */
static int store_complaint_match_col(sqlite3_stmt *s, int i, store_match_fn match, void *arg)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	if (t == NULL)
		return 0;
	return match(arg, (const char *)t, (size_t)sqlite3_column_bytes(s, i));
}

/* The notes of every complaint, read alongside the scan (both by complaint id, latest first) so
 * that a complaint costs no query of its own. */
struct store_complaint_notes_cursor {
	sqlite3_stmt *s;
	int rc; /* SQLITE_ROW: s is on a note; SQLITE_DONE; or an error */
};

/* Whether a note of complaint id matches: 1, 0 or an error. Skips notes of later complaints
 * (filtered out of the scan) and leaves the cursor on the first note of an earlier one. */
static int store_complaint_notes_match(struct store *st, struct store_complaint_notes_cursor *nc,
                                       int64_t id, store_match_fn match, void *arg)
{
	int m = 0;

	while (nc->rc == SQLITE_ROW && sqlite3_column_int64(nc->s, 0) >= id) {
		if (m == 0 && sqlite3_column_int64(nc->s, 0) == id)
			m = store_complaint_match_col(nc->s, 1, match, arg);
		if (m < 0)
			return m;
		nc->rc = sqlite3_step(nc->s);
	}
	if (nc->rc != SQLITE_ROW && nc->rc != SQLITE_DONE)
		return store_fail(st, nc->rc);
	return m;
}

/* Appends the complaint with that id to list. */
static int store_complaint_append_id(struct store *st, int64_t id, struct complaint **list,
                                     size_t *cap, size_t *count)
{
	sqlite3_stmt *s = NULL;
	void *p = *list;
	int rc;

	if (store_grow(&p, cap, *count, sizeof **list) < 0)
		return -ENOMEM;
	*list = p;
	rc = STORE_PREP(st, store_complaint_sql_get_id, &s, STORE_I(id));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = store_complaint_fill(s, &(*list)[*count]) < 0 ? -ENOMEM : 0;
		if (rc == 0)
			(*count)++;
	} else {
		rc = store_fail(st, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc);
	}
	store_stmt_done(s);
	return rc;
}

int store_complaint_search_match(struct store *st, store_match_fn match, void *arg,
                                 const char *literal, const struct complaint_filter *f,
                                 struct complaint **out, size_t *n)
{
	struct store_complaint_query q;
	struct store_complaint_notes_cursor nc = {NULL, SQLITE_DONE};
	struct complaint *list = NULL;
	size_t cap = 0, count = 0, skipped = 0, limit, offset;
	sqlite3_stmt *s = NULL;
	int rc, m, pending = 0;

	*out = NULL;
	*n = 0;
	if (match == NULL)
		return STORE_EINVAL;
	if (literal != NULL && literal[0] == '\0')
		literal = NULL;
	if (literal != NULL && !store_text_ok(literal, COMPLAINT_TEXT_MAX, true))
		return STORE_EINVAL;
	if (literal != NULL) {
		pending = store_search_pending(st);
		if (pending < 0)
			return pending;
	}
	limit = f != NULL && f->limit != 0 ? f->limit : 100;
	offset = f != NULL ? f->offset : 0;
	/* With a literal, the index (or the substring test) picks the complaints to read; their
	 * order stays latest first, the notes' cursor's order. */
	rc = store_complaint_query_build(&q, f, literal, pending != 0, SC_Q_SCAN);
	if (rc == 0)
		rc = store_stmt(st, store_complaint_sql_notes_desc, &nc.s);
	if (rc < 0)
		return rc;
	nc.rc = sqlite3_step(nc.s);
	rc = store_complaint_query_prepare(st, &q, &s);
	if (rc < 0) {
		store_stmt_done(nc.s);
		return rc;
	}
	/* The scan reads only ids and texts; a match's full row is read once it counts. */
	while (count < limit && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		m = store_complaint_match_col(s, 1, match, arg); /* words */
		if (m == 0)
			m = store_complaint_match_col(s, 2, match, arg); /* outcome */
		if (m == 0)
			m = store_complaint_notes_match(st, &nc, id, match, arg);
		if (m < 0) {
			rc = m;
			break;
		}
		if (m == 0)
			continue;
		if (skipped < offset) {
			skipped++;
			continue;
		}
		rc = store_complaint_append_id(st, id, &list, &cap, &count);
		if (rc < 0)
			break;
		rc = SQLITE_ROW;
	}
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc);
	store_stmt_done(s);
	store_stmt_done(nc.s);
	if (rc < 0) {
		store_complaint_list_free(list, count);
		return rc;
	}
	*out = list;
	*n = count;
	return 0;
}

/* ---- changes to a complaint ---------------------------------------------------------------- */

int store_complaint_note(struct store *st, const struct audit_ctx *ctx, const char *number,
                         const char *text)
{
	struct store_complaint_status_row row;
	char clip[STORE_CLIP + 4];
	int64_t now = store_clock_ms(st);
	int rc;

	rc = store_text_check(text, COMPLAINT_TEXT_MAX, true, false);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_begin(st, number, &row);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_check(st, ctx, &row, false);
	if (rc == 0)
		rc = STORE_EXEC(st, store_complaint_sql_note_add, NULL, STORE_I(row.id),
	                STORE_T(store_audit_who(ctx)), STORE_I(now), STORE_T(text));
	if (rc == 0)
		rc = store_complaint_status_touch(st, &row, now, true);
	if (rc == 0) {
		store_text_clip(text, STORE_CLIP, clip);
		rc = store_complaint_status_record(st, ctx, row.id, number, now, "note", clip,
		                                   "complaint.note", NULL);
	}
	return store_tx_end(st, rc);
}

int store_complaint_tag(struct store *st, const struct audit_ctx *ctx, const char *number,
                        const char *const *add, size_t nadd, const char *const *remove,
                        size_t nremove)
{
	struct store_complaint_status_row row;
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_clock_ms(st);
	size_t i, len = 0;
	int rc, changes;

	if ((nadd > 0 && add == NULL) || (nremove > 0 && remove == NULL) ||
	    nadd > COMPLAINT_TECHNIQUES_MAX || nremove > COMPLAINT_TECHNIQUES_MAX)
		return STORE_EINVAL;
	for (i = 0; i < nadd; i++)
		if (!store_code_ok(add[i]))
			return STORE_EINVAL;
	for (i = 0; i < nremove; i++)
		if (!store_code_ok(remove[i]))
			return STORE_EINVAL;
	rc = store_complaint_status_begin(st, number, &row);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_check(st, ctx, &row, false);
	detail[0] = '\0';
	for (i = 0; rc == 0 && i < nadd; i++) {
		changes = 0;
		rc = STORE_EXEC(st, store_complaint_sql_tech_add, &changes, STORE_I(row.id),
		                STORE_T(add[i]));
		if (rc == 0 && changes > 0 && len < sizeof detail) {
			snprintf(detail + len, sizeof detail - len, "%s+%s", len > 0 ? " " : "",
			         add[i]);
			len += strlen(detail + len);
		}
	}
	for (i = 0; rc == 0 && i < nremove; i++) {
		changes = 0;
		rc = STORE_EXEC(st, store_complaint_sql_tech_del, &changes, STORE_I(row.id),
		                STORE_T(remove[i]));
		if (rc == 0 && changes > 0 && len < sizeof detail) {
			snprintf(detail + len, sizeof detail - len, "%s-%s", len > 0 ? " " : "",
			         remove[i]);
			len += strlen(detail + len);
		}
	}
	if (rc == 0 && len == 0)
		return store_tx_end(st, 0); /* nothing changed: nothing to record */
	if (rc == 0)
		rc = store_complaint_status_touch(st, &row, now, false);
	if (rc == 0)
		rc = store_complaint_status_record(st, ctx, row.id, number, now, "tag", detail,
		                                   "complaint.tag", NULL);
	return store_tx_end(st, rc);
}

/* Inside a change: hands row's complaint to `to` with status status, a handover row and the
 * detail "from->to: note". */
static int store_complaint_handover(struct store *st, const struct store_complaint_status_row *row,
                                    const char *to, enum complaint_status status, const char *note,
                                    int64_t now)
{
	int rc = store_complaint_account_exists(st, to);

	if (rc == 0)
		rc = STORE_EXEC(st, store_complaint_sql_set_assignee, NULL, STORE_I(row->id),
		                STORE_T(to), STORE_T(store_complaint_status_name(status)),
		                STORE_I(now));
	if (rc == 0)
		rc = STORE_EXEC(st, store_complaint_sql_handover_add, NULL, STORE_I(row->id),
		                STORE_T(row->assignee[0] != '\0' ? row->assignee : NULL),
		                STORE_T(to), STORE_I(now), STORE_T(note));
	return rc;
}

int store_complaint_assign(struct store *st, const struct audit_ctx *ctx, const char *number,
                           const char *to, const char *note)
{
	struct store_complaint_status_row row;
	char head[2 * STORE_NAME_MAX + 16], audit[STORE_DETAIL_MAX];
	char *detail = NULL;
	int64_t now = store_clock_ms(st);
	enum complaint_status status;
	int rc;

	if (!store_name_ok(to))
		return STORE_EINVAL;
	rc = store_text_check(note, COMPLAINT_TEXT_MAX, true, false);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_begin(st, number, &row);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_check(st, ctx, &row, true);
	if (rc == 0 && row.status == COMPLAINT_RESOLVED)
		rc = store_fail_msg(st, STORE_ESTATE, "complaint is resolved");
	else if (rc == 0 && strcmp(row.assignee, to) == 0)
		rc = store_fail_msg(st, STORE_EEXIST, "already assigned to that account");
	status = row.status == COMPLAINT_OPEN ? COMPLAINT_IN_PROGRESS : row.status;
	if (rc == 0)
		rc = store_complaint_handover(st, &row, to, status, note, now);
	if (rc == 0) {
		snprintf(head, sizeof head, "%s->%s: ", row.assignee, to);
		rc = store_text_details(head, note, &detail, audit);
	}
	if (rc == 0)
		rc = store_complaint_status_record(st, ctx, row.id, number, now, "assign", detail,
		                                   "complaint.assign", audit);
	free(detail);
	return store_tx_end(st, rc);
}

int store_complaint_escalate(struct store *st, const struct audit_ctx *ctx, const char *number,
                             const char *to, const char *reason)
{
	struct store_complaint_status_row row;
	char head[2 * STORE_NAME_MAX + 16], audit[STORE_DETAIL_MAX];
	char *detail = NULL;
	int64_t now = store_clock_ms(st);
	int rc;

	to = store_text_opt(to);
	if (to != NULL && !store_name_ok(to))
		return STORE_EINVAL;
	rc = store_text_check(reason, COMPLAINT_TEXT_MAX, true, false);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_begin(st, number, &row);
	if (rc < 0)
		return rc;
	/* Escalating with a handover hands it over: its holder's or a supervisor's act. */
	rc = store_complaint_status_check(st, ctx, &row, to != NULL && strcmp(to, row.assignee) != 0);
	if (rc == 0 && row.status != COMPLAINT_OPEN && row.status != COMPLAINT_IN_PROGRESS &&
	    row.status != COMPLAINT_REOPENED)
		rc =
		    store_fail_msg(st, STORE_ESTATE, "complaint cannot be escalated in its status");
	if (rc == 0 && to != NULL && strcmp(to, row.assignee) != 0) {
		rc = store_complaint_handover(st, &row, to, COMPLAINT_ESCALATED, reason, now);
		snprintf(head, sizeof head, "%s->%s: ", row.assignee, to);
	} else if (rc == 0) {
		rc = store_complaint_status_set(st, row.id, COMPLAINT_ESCALATED, now);
		head[0] = '\0';
	}
	if (rc == 0)
		rc = store_text_details(head, reason, &detail, audit);
	if (rc == 0)
		rc = store_complaint_status_record(st, ctx, row.id, number, now, "escalate", detail,
		                                   "complaint.escalate", audit);
	free(detail);
	return store_tx_end(st, rc);
}

int store_complaint_resolve(struct store *st, const struct audit_ctx *ctx, const char *number,
                            const char *outcome)
{
	struct store_complaint_status_row row;
	char audit[STORE_DETAIL_MAX];
	char *detail = NULL;
	int64_t now = store_clock_ms(st), open = 0;
	int rc;

	rc = store_text_check(outcome, COMPLAINT_TEXT_MAX, true, false);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_begin(st, number, &row);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_check(st, ctx, &row, false);
	if (rc == 0 && row.status == COMPLAINT_RESOLVED)
		rc = store_fail_msg(st, STORE_ESTATE, "complaint is already resolved");
	if (rc == 0)
		rc = store_promise_open_count(st, row.id, &open);
	if (rc == 0 && open > 0)
		rc = store_fail_msg(st, STORE_EPROMISES, "complaint has open promises");
	if (rc == 0)
		rc = STORE_EXEC(st, store_complaint_sql_resolve, NULL, STORE_I(row.id),
		                STORE_T(outcome), STORE_I(now));
	if (rc == 0)
		rc = store_text_details("", outcome, &detail, audit);
	if (rc == 0)
		rc = store_complaint_status_record(st, ctx, row.id, number, now, "resolve", detail,
		                                   "complaint.resolve", audit);
	free(detail);
	return store_tx_end(st, rc);
}

int store_complaint_reopen(struct store *st, const struct audit_ctx *ctx, const char *number,
                           const char *reason)
{
	struct store_complaint_status_row row;
	char audit[STORE_DETAIL_MAX];
	char *detail = NULL;
	int64_t now = store_clock_ms(st);
	int rc;

	rc = store_text_check(reason, COMPLAINT_TEXT_MAX, true, false);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_begin(st, number, &row);
	if (rc < 0)
		return rc;
	rc = store_complaint_status_check(st, ctx, &row, false);
	if (rc == 0 && row.status != COMPLAINT_RESOLVED)
		rc = store_fail_msg(st, STORE_ESTATE, "only a resolved complaint can be reopened");
	if (rc == 0)
		rc =
		    STORE_EXEC(st, store_complaint_sql_reopen, NULL, STORE_I(row.id), STORE_I(now));
	if (rc == 0)
		rc = store_text_details("", reason, &detail, audit);
	if (rc == 0)
		rc = store_complaint_status_record(st, ctx, row.id, number, now, "reopen", detail,
		                                   "complaint.reopen", audit);
	free(detail);
	return store_tx_end(st, rc);
}
