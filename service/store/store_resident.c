/* store_resident — the residents of each unit and their history (see the header). Calls
 * store.c, store_tx.c, store_audit.c and store_unit.c. */
#include "store_resident.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_int.h"
#include "store_tx.h"
#include "store_unit.h"

#define STORE_RESIDENT_COLS                                                                        \
	"r.id, u.code, r.name, r.age, r.sex, r.occupation, r.employer, r.relation, r.created_ms,"  \
	" r.updated_ms, r.removed_ms"

static const char store_resident_sql_unit[] = "SELECT id FROM units WHERE code = ?1";
static const char store_resident_sql_add[] =
    "INSERT INTO residents (unit_id, name, age, sex, occupation, employer, relation,"
    " created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)";
static const char store_resident_sql_get[] =
    "SELECT " STORE_RESIDENT_COLS " FROM residents r JOIN units u ON u.id = r.unit_id"
    " WHERE r.id = ?1";
static const char store_resident_sql_list[] =
    "SELECT " STORE_RESIDENT_COLS " FROM residents r INDEXED BY residents_unit"
    " JOIN units u ON u.id = r.unit_id WHERE u.code = ?1 AND (?2 OR r.removed_ms = 0)"
    " ORDER BY r.id LIMIT ?3";
static const char store_resident_sql_edit[] =
    "UPDATE residents SET name = ?2, age = ?3, sex = ?4, occupation = ?5, employer = ?6,"
    " relation = ?7, updated_ms = ?8 WHERE id = ?1";
static const char store_resident_sql_remove[] =
    "UPDATE residents SET removed_ms = ?2, updated_ms = ?2 WHERE id = ?1";
static const char store_resident_sql_log[] =
    "INSERT INTO resident_history (resident_id, ts_ms, account, action, detail)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
static const char store_resident_sql_history[] =
    "SELECT ts_ms, account, action, detail FROM resident_history"
    " WHERE resident_id = ?1 ORDER BY id";

void store_resident_clear(struct resident *r)
{
	if (r == NULL)
		return;
	free(r->unit);
	free(r->name);
	free(r->sex);
	free(r->occupation);
	free(r->employer);
	free(r->relation);
	memset(r, 0, sizeof *r);
}

static void store_resident_clear_v(void *p)
{
	store_resident_clear(p);
}

void store_resident_list_free(struct resident *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_resident_clear_v);
}

static int store_resident_fill(sqlite3_stmt *s, void *elem)
{
	struct resident *r = elem;
	int err = 0;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &r->unit);
	err |= store_col_dup(s, 2, &r->name);
	r->age = sqlite3_column_type(s, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 3);
	err |= store_col_dup(s, 4, &r->sex);
	err |= store_col_dup(s, 5, &r->occupation);
	err |= store_col_dup(s, 6, &r->employer);
	err |= store_col_dup(s, 7, &r->relation);
	r->created_ms = sqlite3_column_int64(s, 8);
	r->updated_ms = sqlite3_column_int64(s, 9);
	r->removed_ms = sqlite3_column_int64(s, 10);
	if (err != 0) {
		store_resident_clear(r);
		return -ENOMEM;
	}
	return 0;
}

static bool store_resident_text_ok(const char *s)
{
	return s == NULL || store_text_check(s, RESIDENT_TEXT_MAX, true, false) == 0;
}

/* The fields given in r are acceptable (name: required when need_name). */
static bool store_resident_ok(const struct resident *r, bool need_name)
{
	if ((need_name && r->name == NULL) || !store_resident_text_ok(r->name) ||
	    !store_resident_text_ok(r->occupation) || !store_resident_text_ok(r->employer) ||
	    !store_resident_text_ok(r->relation) || r->age > RESIDENT_AGE_MAX || r->age < -1)
		return false;
	return r->sex == NULL || strcmp(r->sex, "male") == 0 || strcmp(r->sex, "female") == 0;
}

static int store_resident_log(struct store *st, const struct audit_ctx *ctx, int64_t id,
                              const char *unit, const char *action, const char *detail,
                              int64_t now)
{
	char what[STORE_ACTION_MAX], target[96], clip[STORE_DETAIL_MAX];
	int rc;

	rc = STORE_EXEC(st, store_resident_sql_log, NULL, STORE_I(id), STORE_I(now),
	                STORE_T(store_audit_who(ctx)), STORE_T(action), STORE_T(detail));
	if (rc < 0)
		return rc;
	snprintf(what, sizeof what, "resident.%s", action);
	snprintf(target, sizeof target, "%s#%lld", unit, (long long)id);
	store_text_clip(detail, STORE_DETAIL_MAX - 8, clip);
	return store_audit_append(st, ctx, now, what, target, clip);
}

/* A detail text growing as it is written. */
struct store_resident_text {
	char *p;
	size_t len, cap;
};

static void store_resident_put(struct store_resident_text *d, const char *s)
{
	size_t n = strlen(s);

	if (d->len + n + 1 > d->cap) {
		size_t cap = (d->len + n + 1) * 2;
		char *p = realloc(d->p, cap);

		if (p == NULL)
			abort();
		d->p = p;
		d->cap = cap;
	}
	memcpy(d->p + d->len, s, n + 1);
	d->len += n;
}

int store_resident_add(struct store *st, const struct audit_ctx *ctx, const struct resident *r,
                       int64_t *id)
{
	int64_t now = store_clock_ms(st), unit_id = 0;
	struct store_resident_text d = {NULL, 0, 0};
	char age[16];
	bool found = false;
	sqlite3_stmt *s = NULL;
	int rc;

	if (id != NULL)
		*id = 0;
	if (r == NULL || r->unit == NULL || !store_unit_code_ok(r->unit) || !store_resident_ok(r, true))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = STORE_PREP(st, store_resident_sql_unit, &s, STORE_T(r->unit));
	if (rc == 0)
		rc = store_step_int(st, s, &unit_id, &found);
	if (rc == 0 && !found)
		rc = store_fail_msg(st, STORE_ENOENT, "no such unit");
	if (rc == 0) {
		rc = STORE_PREP(st, store_resident_sql_add, &s, STORE_I(unit_id), STORE_T(r->name),
		                STORE_I(r->age), STORE_T(r->sex), STORE_T(r->occupation),
		                STORE_T(r->employer), STORE_T(r->relation), STORE_I(now));
		if (rc == 0 && r->age < 0) {
			int brc = sqlite3_bind_null(s, 3);

			if (brc != SQLITE_OK) {
				store_stmt_done(s);
				rc = store_fail(st, brc);
			}
		}
		if (rc == 0)
			rc = store_run(st, s, NULL);
	}
	if (rc == 0) {
		int64_t rid = sqlite3_last_insert_rowid(st->db);

		snprintf(age, sizeof age, "%d", r->age);
		store_resident_put(&d, r->name);
		store_resident_put(&d, r->age >= 0 ? ", " : "");
		store_resident_put(&d, r->age >= 0 ? age : "");
		store_resident_put(&d, r->relation != NULL ? ", " : "");
		store_resident_put(&d, r->relation != NULL ? r->relation : "");
		rc = store_resident_log(st, ctx, rid, r->unit, "add", d.p, now);
		if (rc == 0 && id != NULL)
			*id = rid;
	}
	free(d.p);
	rc = store_tx_end(st, rc);
	if (rc < 0 && id != NULL)
		*id = 0;
	return rc;
}

int store_resident_get(struct store *st, int64_t id, struct resident *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = STORE_PREP(st, store_resident_sql_get, &s, STORE_I(id));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_resident_fill(s, out);
	else if (rc == SQLITE_DONE)
		rc = store_fail_msg(st, STORE_ENOENT, "no such resident");
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	return rc;
}

/* "field: old -> new; " for a field that changes. */
static const char *store_resident_change(struct store_resident_text *d, const char *field,
                                         const char *old, const char *new_value)
{
	if (new_value == NULL || (old != NULL && strcmp(old, new_value) == 0))
		return old;
	if (d->len > 0)
		store_resident_put(d, "; ");
	store_resident_put(d, field);
	store_resident_put(d, ": ");
	store_resident_put(d, old != NULL ? old : "-");
	store_resident_put(d, " -> ");
	store_resident_put(d, new_value);
	return new_value;
}

int store_resident_edit(struct store *st, const struct audit_ctx *ctx, const struct resident *r)
{
	struct store_resident_text d = {NULL, 0, 0};
	int64_t now = store_clock_ms(st);
	struct resident old;
	char a_old[16], a_new[16];
	const char *name, *sex, *occ, *emp, *rel;
	int age, rc;

	if (r == NULL || !store_resident_ok(r, false))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_resident_get(st, r->id, &old);
	if (rc == 0 && old.removed_ms > 0)
		rc = store_fail_msg(st, STORE_ESTATE, "resident removed");
	if (rc < 0) {
		store_resident_clear(&old);
		return store_tx_end(st, rc);
	}
	name = store_resident_change(&d, "name", old.name, r->name);
	snprintf(a_old, sizeof a_old, "%d", old.age);
	snprintf(a_new, sizeof a_new, "%d", r->age);
	age = old.age;
	if (r->age >= 0 && r->age != old.age) {
		store_resident_change(&d, "age", old.age >= 0 ? a_old : NULL, a_new);
		age = r->age;
	}
	sex = store_resident_change(&d, "sex", old.sex, r->sex);
	occ = store_resident_change(&d, "occupation", old.occupation, r->occupation);
	emp = store_resident_change(&d, "employer", old.employer, r->employer);
	rel = store_resident_change(&d, "relation", old.relation, r->relation);
	if (d.len == 0) {
		/* Nothing changes: nothing written. */
		store_resident_clear(&old);
		return store_tx_end(st, 0);
	}
	{
		sqlite3_stmt *s = NULL;

		rc = STORE_PREP(st, store_resident_sql_edit, &s, STORE_I(r->id), STORE_T(name),
		                STORE_I(age), STORE_T(sex), STORE_T(occ), STORE_T(emp),
		                STORE_T(rel), STORE_I(now));
		if (rc == 0 && age < 0) {
			int brc = sqlite3_bind_null(s, 3);

			if (brc != SQLITE_OK) {
				store_stmt_done(s);
				rc = store_fail(st, brc);
			}
		}
		if (rc == 0)
			rc = store_run(st, s, NULL);
	}
	if (rc == 0)
		rc = store_resident_log(st, ctx, r->id, old.unit, "edit", d.p, now);
	free(d.p);
	store_resident_clear(&old);
	return store_tx_end(st, rc);
}

int store_resident_remove(struct store *st, const struct audit_ctx *ctx, int64_t id,
                          const char *reason)
{
	int64_t now = store_clock_ms(st);
	struct resident old;
	int rc;

	if (reason == NULL || store_text_check(reason, RESIDENT_TEXT_MAX * 4, false, false) < 0)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_resident_get(st, id, &old);
	if (rc == 0 && old.removed_ms > 0)
		rc = store_fail_msg(st, STORE_ESTATE, "resident removed");
	if (rc == 0)
		rc = STORE_EXEC(st, store_resident_sql_remove, NULL, STORE_I(id), STORE_I(now));
	if (rc == 0)
		rc = store_resident_log(st, ctx, id, old.unit, "remove", reason, now);
	store_resident_clear(&old);
	return store_tx_end(st, rc);
}

int store_resident_list(struct store *st, const char *unit, bool all, struct resident **out,
                        size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (unit == NULL)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_resident_sql_list, &s, STORE_T(unit), STORE_I(all ? 1 : 0),
	                STORE_I(RESIDENT_MAX));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_resident_fill, store_resident_clear_v, &p, n);
	*out = p;
	return rc;
}

static void store_resident_change_clear(void *p)
{
	struct resident_change *c = p;

	free(c->account);
	free(c->action);
	free(c->detail);
	memset(c, 0, sizeof *c);
}

static int store_resident_change_fill(sqlite3_stmt *s, void *elem)
{
	struct resident_change *c = elem;
	int err = 0;

	memset(c, 0, sizeof *c);
	c->ts_ms = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &c->account);
	err |= store_col_dup(s, 2, &c->action);
	err |= store_col_dup(s, 3, &c->detail);
	if (err != 0) {
		store_resident_change_clear(c);
		return -ENOMEM;
	}
	return 0;
}

void store_resident_history_free(struct resident_change *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_resident_change_clear);
}

int store_resident_history(struct store *st, int64_t id, struct resident_change **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = STORE_PREP(st, store_resident_sql_history, &s, STORE_I(id));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_resident_change_fill,
	                   store_resident_change_clear, &p, n);
	*out = p;
	return rc;
}
