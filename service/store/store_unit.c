/* store_unit — the unit register's bulk import (store_complaint.h, "the unit register"): many
 * units added or updated in one transaction with their audit events, all or nothing.
 * The import prepares its own three statements for its one transaction (and finalizes them),
 * so it takes no slot of the shared statement cache. */
#include "store_complaint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_int.h"
#include "store_tx.h"

#define STORE_UNIT_FIELDS                                                                          \
	(UNIT_IMPORT_BUILDING | UNIT_IMPORT_OWNER_NAME | UNIT_IMPORT_OWNER_PHONE | UNIT_IMPORT_AREA)
#define STORE_UNIT_AREA_MAX 1e6

static const char store_unit_sql_get[] =
    "SELECT building, owner_name, owner_phone, area_m2 FROM units WHERE code = ?1";
static const char store_unit_sql_add[] =
    "INSERT INTO units (code, building, owner_name, owner_phone, area_m2, created)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
/* ?6: the fields to set (UNIT_IMPORT_* bits); the others keep their value. */
static const char store_unit_sql_update[] =
    "UPDATE units SET"
    " building = CASE WHEN ?6 & 1 THEN ?2 ELSE building END,"
    " owner_name = CASE WHEN ?6 & 2 THEN ?3 ELSE owner_name END,"
    " owner_phone = CASE WHEN ?6 & 4 THEN ?4 ELSE owner_phone END,"
    " area_m2 = CASE WHEN ?6 & 8 THEN ?5 ELSE area_m2 END"
    " WHERE code = ?1";

struct store_unit_stmts {
	sqlite3_stmt *get, *add, *update;
};

/* NULL for NULL or "". */
static const char *store_unit_opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* A one-line text of 1..max bytes with something other than spaces in it. */
static bool store_unit_text_ok(const char *s, size_t max)
{
	const char *p;

	for (p = s; *p == ' ' || *p == '\t'; p++)
		;
	return *p != '\0' && store_text_ok(s, max, true);
}

/* The checks of store_unit_add, for the fields the import sets. */
static bool store_unit_ok(const struct unit *u, unsigned fields)
{
	const char *building = store_unit_opt(u->building);
	const char *owner = store_unit_opt(u->owner_name);
	const char *phone = store_unit_opt(u->owner_phone);

	if (!store_unit_code_ok(u->code))
		return false;
	if ((fields & UNIT_IMPORT_BUILDING) && building != NULL &&
	    !store_unit_text_ok(building, COMPLAINT_CALLER_MAX))
		return false;
	if ((fields & UNIT_IMPORT_OWNER_NAME) && owner != NULL &&
	    !store_unit_text_ok(owner, COMPLAINT_CALLER_MAX))
		return false;
	if ((fields & UNIT_IMPORT_OWNER_PHONE) && phone != NULL && !store_phone_ok(phone))
		return false;
	if ((fields & UNIT_IMPORT_AREA) && !(u->area_m2 >= 0 && u->area_m2 <= STORE_UNIT_AREA_MAX))
		return false;
	return true;
}

struct store_unit_key {
	const char *code;
	size_t i;
};

static int store_unit_key_cmp(const void *a, const void *b)
{
	const struct store_unit_key *x = a, *y = b;
	int c = strcmp(x->code, y->code);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The first unit (in input order) whose code an earlier unit has: its index, or n. */
static int store_unit_first_dup(const struct unit *units, size_t n, size_t *dup)
{
	struct store_unit_key *keys = calloc(n, sizeof *keys);
	size_t i;

	if (keys == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		keys[i].code = units[i].code;
		keys[i].i = i;
	}
	qsort(keys, n, sizeof *keys, store_unit_key_cmp);
	*dup = n;
	for (i = 1; i < n; i++)
		if (strcmp(keys[i - 1].code, keys[i].code) == 0 && keys[i].i < *dup)
			*dup = keys[i].i;
	free(keys);
	return 0;
}

static int store_unit_prepare(struct store *st, const char *sql, sqlite3_stmt **out)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);

	if (rc != SQLITE_OK) {
		*out = NULL;
		return store_fail(st, rc);
	}
	return 0;
}

static bool store_unit_same_text(sqlite3_stmt *s, int col, const char *v)
{
	const unsigned char *old = sqlite3_column_text(s, col);

	if (old == NULL || old[0] == '\0')
		return v == NULL;
	return v != NULL && strcmp((const char *)old, v) == 0;
}

/* Looks u up: *exists, and *changed (the fields in fields whose stored value differs). */
static int store_unit_compare(struct store *st, sqlite3_stmt *get, const struct unit *u,
                              unsigned fields, bool *exists, unsigned *changed)
{
	int rc;

	*exists = false;
	*changed = 0;
	rc = STORE_BIND(st, get, STORE_T(u->code));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(get);
	if (rc == SQLITE_ROW) {
		*exists = true;
		if ((fields & UNIT_IMPORT_BUILDING) &&
		    !store_unit_same_text(get, 0, store_unit_opt(u->building)))
			*changed |= UNIT_IMPORT_BUILDING;
		if ((fields & UNIT_IMPORT_OWNER_NAME) &&
		    !store_unit_same_text(get, 1, store_unit_opt(u->owner_name)))
			*changed |= UNIT_IMPORT_OWNER_NAME;
		if ((fields & UNIT_IMPORT_OWNER_PHONE) &&
		    !store_unit_same_text(get, 2, store_unit_opt(u->owner_phone)))
			*changed |= UNIT_IMPORT_OWNER_PHONE;
		if (fields & UNIT_IMPORT_AREA) {
			double old = sqlite3_column_type(get, 3) == SQLITE_NULL
			                 ? 0
			                 : sqlite3_column_double(get, 3);

			if (old != u->area_m2)
				*changed |= UNIT_IMPORT_AREA;
		}
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(get);
	return rc;
}

/* Binds ?5 (the area: NULL when 0) of an insert or update. */
static int store_unit_bind_area(struct store *st, sqlite3_stmt *s, double area)
{
	int rc = area > 0 ? sqlite3_bind_double(s, 5, area) : SQLITE_OK;

	if (rc != SQLITE_OK) {
		rc = store_fail(st, rc);
		store_stmt_done(s);
		return rc;
	}
	return 0;
}

static void store_unit_changed_names(unsigned changed, char *out, size_t len)
{
	static const char *const names[] = {"building", "owner_name", "owner_phone", "area_m2"};
	size_t i, used = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < 4; i++) {
		if (!(changed & (1u << i)))
			continue;
		w = snprintf(out + used, len - used, "%s%s", used ? "," : "", names[i]);

		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

/* One unit, inside the transaction: added, updated or unchanged. */
static int store_unit_one(struct store *st, const struct audit_ctx *ctx,
                          const struct store_unit_stmts *q, const struct unit *u, unsigned fields,
                          bool dry_run, int64_t now, struct unit_import_result *res)
{
	const char *building = store_unit_opt(u->building);
	const char *owner = store_unit_opt(u->owner_name);
	const char *phone = store_unit_opt(u->owner_phone);
	char detail[STORE_DETAIL_MAX];
	unsigned changed;
	bool exists;
	int rc;

	rc = store_unit_compare(st, q->get, u, fields, &exists, &changed);
	if (rc < 0)
		return rc;
	if (!exists) {
		rc = STORE_BIND(st, q->add, STORE_T(u->code),
		                STORE_T(fields & UNIT_IMPORT_BUILDING ? building : NULL),
		                STORE_T(fields & UNIT_IMPORT_OWNER_NAME ? owner : NULL),
		                STORE_T(fields & UNIT_IMPORT_OWNER_PHONE ? phone : NULL),
		                STORE_T(NULL), STORE_I(now / 1000));
		if (rc == 0 && (fields & UNIT_IMPORT_AREA))
			rc = store_unit_bind_area(st, q->add, u->area_m2);
		if (rc == 0)
			rc = store_run(st, q->add, NULL);
		if (rc == 0)
			res->added++;
		return rc;
	}
	if (changed == 0) {
		res->unchanged++;
		return 0;
	}
	rc = STORE_BIND(st, q->update, STORE_T(u->code), STORE_T(building), STORE_T(owner),
	                STORE_T(phone), STORE_T(NULL), STORE_I((int64_t)changed));
	if (rc == 0)
		rc = store_unit_bind_area(st, q->update, u->area_m2);
	if (rc == 0)
		rc = store_run(st, q->update, NULL);
	if (rc == 0 && !dry_run) {
		char names[64];

		store_unit_changed_names(changed, names, sizeof names);
		snprintf(detail, sizeof detail, "import changed=%s", names);
		rc = store_audit_append(st, ctx, now, "unit.update", u->code, detail);
	}
	if (rc == 0)
		res->updated++;
	return rc;
}

int store_unit_import(struct store *st, const struct audit_ctx *ctx, const struct unit *units,
                      size_t n, unsigned fields, bool dry_run, struct unit_import_result *res)
{
	struct store_unit_stmts q = {NULL, NULL, NULL};
	char detail[STORE_DETAIL_MAX], names[64];
	int64_t now = store_now_ms();
	size_t i, dup;
	int rc;

	if (res == NULL)
		return STORE_EINVAL;
	memset(res, 0, sizeof *res);
	if (st == NULL || units == NULL || n == 0 || n > UNIT_IMPORT_MAX ||
	    (fields & ~(unsigned)STORE_UNIT_FIELDS) != 0)
		return STORE_EINVAL;
	if (st->flags & STORE_READONLY)
		return store_fail_msg(st, -EROFS, "read-only store");
	for (i = 0; i < n; i++) {
		if (!store_unit_ok(&units[i], fields)) {
			res->bad = i;
			return store_fail_msg(st, STORE_EINVAL, "unit import: a value refused");
		}
	}
	rc = store_unit_first_dup(units, n, &dup);
	if (rc < 0)
		return rc;
	if (dup < n) {
		res->bad = dup;
		return store_fail_msg(st, STORE_EEXIST, "unit import: a code given twice");
	}

	rc = store_unit_prepare(st, store_unit_sql_get, &q.get);
	if (rc == 0)
		rc = store_unit_prepare(st, store_unit_sql_add, &q.add);
	if (rc == 0)
		rc = store_unit_prepare(st, store_unit_sql_update, &q.update);
	if (rc == 0)
		rc = store_tx_begin(st);
	if (rc < 0)
		goto out;
	for (i = 0; i < n && rc == 0; i++) {
		rc = store_unit_one(st, ctx, &q, &units[i], fields, dry_run, now, res);
		if (rc < 0)
			res->bad = i;
	}
	if (rc == 0 && !dry_run) {
		store_unit_changed_names(fields, names, sizeof names);
		snprintf(detail, sizeof detail,
		         "units=%zu added=%zu updated=%zu unchanged=%zu "
		         "fields=code%s%s",
		         n, res->added, res->updated, res->unchanged, names[0] != '\0' ? "," : "",
		         names);
		rc = store_audit_append(st, ctx, now, "unit.import", NULL, detail);
	}
	if (rc == 0 && dry_run) {
		/* Checked and counted: roll it all back (any non-zero status does). */
		store_tx_end(st, 1);
	} else {
		rc = store_tx_end(st, rc);
	}
out:
	sqlite3_finalize(q.get);
	sqlite3_finalize(q.add);
	sqlite3_finalize(q.update);
	if (rc < 0) {
		res->added = 0;
		res->updated = 0;
		res->unchanged = 0;
	}
	return rc;
}
