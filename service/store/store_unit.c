/* store_unit — the unit register (see the header): units added one at a time or imported in
 * bulk, all or nothing, and each unit's history of complaints and promises. Calls store.c,
 * store_tx.c, store_audit.c and store_owner.c (a unit's owner columns feed its first owner). The import prepares its own three statements for its one
 * transaction, and finalizes them. */
#include "store_unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_owner.h"
#include "store_pairs.h"
#include "store_sortkey.h"
#include "store_int.h"
#include "store_tx.h"

#define STORE_UNIT_AREA_MAX 1e6 /* square metres */
#define STORE_UNIT_COLS                                                                            \
	"id, code, building, owner_name, owner_phone, area_m2, created, housing_type, owner_id"

static const char store_unit_sql_add[] =
    "INSERT INTO units (code, building, owner_name, owner_phone, area_m2,"
    " created, housing_type, owner_id, sort_key)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, " STORE_SORTKEY_FUNCTION "(?1))";

static const char store_unit_sql_get[] = "SELECT " STORE_UNIT_COLS " FROM units WHERE code = ?1";

static const char store_unit_sql_count[] = "SELECT count(*) FROM units";

/* In the natural order of codes (store_sortkey.h), read through its index. */
static const char store_unit_sql_list[] =
    "SELECT " STORE_UNIT_COLS " FROM units INDEXED BY units_sort_key"
    " ORDER BY sort_key, code LIMIT ?1 OFFSET ?2";

/* A text with few hits is found through the character-pair index (unit_search: the code,
 * every owner's name, ID number and phones, the registered residents' names; migrations 7 and
 * 10) and its hits sorted; one with many (a common name) by reading units in code order until
 * the page is full, which then comes soon. Each hit is checked again on its fields (the index
 * also finds a single character that ends one field and starts the next): the first owner's
 * (the unit's own columns) first, then the other owners' and the residents'. */
#define STORE_UNIT_FIND_MANY 2000
#define STORE_UNIT_FIND_HIT                                                                        \
	"(instr(units.code, ?1) > 0 OR instr(units.owner_name, ?1) > 0"                              \
	" OR instr(units.owner_phone, ?1) > 0 OR instr(units.owner_id, ?2) > 0"                    \
	" OR EXISTS (SELECT 1 FROM unit_owners l JOIN owners o"                                    \
	" ON o.id = l.owner_id WHERE l.unit_id = units.id AND (instr(o.name, ?1) > 0"               \
	" OR instr(o.id_number, ?2) > 0 OR EXISTS (SELECT 1 FROM owner_phones p"                   \
	" WHERE p.owner_id = o.id AND instr(p.phone, ?1) > 0))) OR EXISTS (SELECT 1"               \
	" FROM residents r INDEXED BY residents_unit WHERE r.unit_id = units.id"                   \
	" AND r.removed_ms = 0 AND instr(r.name, ?1) > 0))"
static const char store_unit_sql_find_hits[] =
    "SELECT count(*) FROM (SELECT rowid FROM unit_search WHERE body MATCH ?1 LIMIT 2000)";
static const char store_unit_sql_find_scan[] =
    "SELECT " STORE_UNIT_COLS " FROM units WHERE " STORE_UNIT_FIND_HIT
    " ORDER BY sort_key, code LIMIT ?3 OFFSET ?4";
static const char store_unit_sql_find[] =
    "SELECT " STORE_UNIT_COLS " FROM units WHERE id IN"
    " (SELECT rowid FROM unit_search WHERE body MATCH ?5)"
    " AND " STORE_UNIT_FIND_HIT " ORDER BY sort_key, code LIMIT ?3 OFFSET ?4";

static const char store_unit_sql_history[] =
    "SELECT created_ms, 0, number, category, status, words, agent, 0, 0, id"
    " FROM complaints WHERE unit = ?1"
    " UNION ALL"
    " SELECT p.created_ms, 1, c.number, c.category, p.status, p.what, p.agent, p.id,"
    " p.due_ms, p.id FROM promises p JOIN complaints c ON c.id = p.complaint_id"
    " WHERE c.unit = ?1"
    " ORDER BY 1 DESC, 2 DESC, 10 DESC LIMIT ?2 OFFSET ?3";

static const char store_unit_sql_history_count[] =
    "SELECT (SELECT count(*) FROM complaints WHERE unit = ?1) + (SELECT count(*) FROM promises p"
    " JOIN complaints c ON c.id = p.complaint_id WHERE c.unit = ?1)";

bool store_unit_code_ok(const char *code)
{
	size_t chars = 0;
	const char *p;

	if (code == NULL || code[0] == '\0' || !store_text_ok(code, UNIT_CODE_CHARS * 4, false))
		return false;
	for (p = code; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			chars++;
	return chars <= UNIT_CODE_CHARS;
}

bool store_unit_id_ok(const char *id)
{
	return store_id_number_ok(id);
}

bool store_unit_housing_ok(const char *type)
{
	return type != NULL && (strcmp(type, "commercial") == 0 || strcmp(type, "resettlement") == 0);
}

void store_unit_clear(struct unit *u)
{
	if (u == NULL)
		return;
	free(u->housing_type);
	free(u->owner_id);
	free(u->code);
	free(u->building);
	free(u->owner_name);
	free(u->owner_phone);
	memset(u, 0, sizeof *u);
}

static void store_unit_clear_v(void *p)
{
	store_unit_clear(p);
}

void store_unit_list_free(struct unit *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_unit_clear_v);
}

static int store_unit_fill(sqlite3_stmt *s, void *elem)
{
	struct unit *u = elem;
	int err = 0;

	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &u->code);
	err |= store_col_dup(s, 2, &u->building);
	err |= store_col_dup(s, 3, &u->owner_name);
	err |= store_col_dup(s, 4, &u->owner_phone);
	u->area_m2 = sqlite3_column_double(s, 5);
	u->created = sqlite3_column_int64(s, 6);
	err |= store_col_dup(s, 7, &u->housing_type);
	err |= store_col_dup(s, 8, &u->owner_id);
	if (err != 0) {
		store_unit_clear(u);
		return -ENOMEM;
	}
	return 0;
}

int store_unit_add(struct store *st, const struct audit_ctx *ctx, const struct unit *u)
{
	const char *building, *owner, *phone, *housing, *id_no;
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (u == NULL || !store_unit_code_ok(u->code) || !(u->area_m2 >= 0) ||
	    u->area_m2 > STORE_UNIT_AREA_MAX)
		return STORE_EINVAL;
	building = store_text_opt(u->building);
	owner = store_text_opt(u->owner_name);
	phone = store_text_opt(u->owner_phone);
	housing = store_text_opt(u->housing_type);
	id_no = store_text_opt(u->owner_id);
	if ((building != NULL && store_text_check(building, UNIT_TEXT_MAX, false, false) < 0) ||
	    (owner != NULL && store_text_check(owner, UNIT_TEXT_MAX, false, false) < 0) ||
	    (phone != NULL && !store_phone_ok(phone)) ||
	    (housing != NULL && !store_unit_housing_ok(housing)) ||
	    (id_no != NULL && !store_unit_id_ok(id_no)))
		return STORE_EINVAL;
	snprintf(detail, sizeof detail, "building=%s area=%.2f%s", building != NULL ? building : "",
	         u->area_m2, owner != NULL ? " owner=set" : "");

	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = STORE_PREP(st, store_unit_sql_add, &s, STORE_T(u->code), STORE_T(building),
	                STORE_T(owner), STORE_T(phone), STORE_T(NULL), STORE_I(now / 1000),
	                STORE_T(housing), STORE_T(id_no));
	if (rc == 0 && u->area_m2 > 0) {
		int brc = sqlite3_bind_double(s, 5, u->area_m2);

		if (brc != SQLITE_OK) {
			rc = store_fail(st, brc);
			store_stmt_done(s);
		}
	}
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0)
		rc = store_owner_feed(st, sqlite3_last_insert_rowid(st->db),
		                      OWNER_FEED_NAME | OWNER_FEED_PHONE | OWNER_FEED_ID, owner, phone,
		                      id_no);
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "unit.add", u->code, detail);
	return store_tx_end(st, rc);
}

int store_unit_get(struct store *st, const char *code, struct unit *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (code == NULL)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_unit_sql_get, &s, STORE_T(code));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_unit_fill(s, out);
	else if (rc == SQLITE_DONE)
		rc = store_fail_msg(st, STORE_ENOENT, "no such unit");
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	return rc;
}

int store_unit_count(struct store *st, int64_t *count)
{
	*count = 0;
	return store_query_int(st, store_unit_sql_count, count, NULL, 0);
}

int store_unit_list(struct store *st, size_t limit, size_t offset, struct unit **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		return 0;
	if (limit > (size_t)INT64_MAX)
		limit = (size_t)INT64_MAX;
	if (offset > (size_t)INT64_MAX)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_unit_sql_list, &s, STORE_I((int64_t)limit),
	                STORE_I((int64_t)offset));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_unit_fill, store_unit_clear_v, &p, n);
	*out = p;
	return rc;
}

int store_unit_find(struct store *st, const char *text, size_t limit, size_t offset,
                    struct unit **out, size_t *n)
{
	char id[UNIT_TEXT_MAX + 1], q1[2 * UNIT_TEXT_MAX + 8], q2[2 * UNIT_TEXT_MAX + 8];
	char fts[4 * UNIT_TEXT_MAX + 32];
	int64_t hits = 0;
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	size_t len;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		limit = 100;
	if (text == NULL || (len = strlen(text)) == 0 || len > UNIT_TEXT_MAX ||
	    !store_text_ok(text, UNIT_TEXT_MAX, true) || limit > (size_t)INT64_MAX ||
	    offset > (size_t)INT64_MAX)
		return STORE_EINVAL;
	memcpy(id, text, len + 1);
	if (id[len - 1] == 'x')
		id[len - 1] = 'X';
	if (store_pairs_query(text, q1, sizeof q1) < 0 || store_pairs_query(id, q2, sizeof q2) < 0)
		return STORE_EINVAL;
	if (strcmp(q1, q2) == 0)
		snprintf(fts, sizeof fts, "%s", q1);
	else
		snprintf(fts, sizeof fts, "(%s) OR (%s)", q1, q2);
	rc = STORE_INT(st, store_unit_sql_find_hits, &hits, STORE_T(fts));
	if (rc < 0)
		return rc;
	if (hits >= STORE_UNIT_FIND_MANY)
		rc = STORE_PREP(st, store_unit_sql_find_scan, &s, STORE_T(text), STORE_T(id),
		                STORE_I((int64_t)limit), STORE_I((int64_t)offset));
	else
		rc = STORE_PREP(st, store_unit_sql_find, &s, STORE_T(text), STORE_T(id),
		                STORE_I((int64_t)limit), STORE_I((int64_t)offset), STORE_T(fts));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_unit_fill, store_unit_clear_v, &p, n);
	*out = p;
	return rc;
}

/* Each unit with its other fields (every owner's name, ID number and phones, the registered
 * residents' names) joined by U+001F, which no stored text holds. */
static const char store_unit_sql_all[] =
    "SELECT " STORE_UNIT_COLS ", coalesce((SELECT group_concat(coalesce(o.name, '') || char(31)"
    " || coalesce(o.id_number, '') || char(31) || coalesce((SELECT group_concat(p.phone,"
    " char(31)) FROM owner_phones p WHERE p.owner_id = o.id), ''), char(31))"
    " FROM unit_owners l JOIN owners o ON o.id = l.owner_id WHERE l.unit_id = units.id), '')"
    " || char(31) || coalesce((SELECT group_concat(r.name, char(31)) FROM residents r"
    " INDEXED BY residents_unit WHERE r.unit_id = units.id AND r.removed_ms = 0), '')"
    " FROM units INDEXED BY units_sort_key ORDER BY sort_key, code";

/* match on each U+001F-separated field of text[0..len). */
static int store_unit_match_fields(store_unit_match_fn match, void *arg, const char *text,
                                   size_t len)
{
	char field[4 * UNIT_TEXT_MAX + 1];
	size_t i = 0, j;
	int hit = 0;

	while (i < len && hit == 0) {
		for (j = i; j < len && text[j] != '\x1f'; j++)
			;
		if (j > i && j - i < sizeof field) {
			memcpy(field, text + i, j - i);
			field[j - i] = '\0';
			hit = match(arg, field, j - i);
		}
		i = j + 1;
	}
	return hit;
}

int store_unit_find_match(struct store *st, store_unit_match_fn match, void *arg, size_t limit,
                          size_t offset, struct unit **out, size_t *n)
{
	struct unit *list = NULL;
	sqlite3_stmt *s = NULL;
	size_t cap = 0, seen = 0;
	int rc, src = SQLITE_DONE;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		limit = 100;
	if (match == NULL)
		return STORE_EINVAL;
	rc = store_prep(st, store_unit_sql_all, &s, NULL, 0);
	if (rc < 0)
		return rc;
	while (*n < limit && (src = sqlite3_step(s)) == SQLITE_ROW) {
		static const int cols[] = {1, 3, 4, 8};
		int hit = 0;
		size_t i;

		for (i = 0; i < 4 && hit == 0; i++) {
			const char *t = (const char *)sqlite3_column_text(s, cols[i]);

			if (t != NULL)
				hit = match(arg, t, (size_t)sqlite3_column_bytes(s, cols[i]));
		}
		if (hit == 0) {
			const char *t = (const char *)sqlite3_column_text(s, 9);

			if (t != NULL)
				hit = store_unit_match_fields(match, arg, t,
				                              (size_t)sqlite3_column_bytes(s, 9));
		}
		if (hit < 0) {
			rc = hit;
			break;
		}
		if (hit == 0 || seen++ < offset)
			continue;
		rc = store_grow((void **)&list, &cap, *n, sizeof *list);
		if (rc == 0)
			rc = store_unit_fill(s, &list[*n]);
		if (rc < 0)
			break;
		(*n)++;
	}
	if (rc == 0 && *n < limit && src != SQLITE_DONE)
		rc = store_fail(st, src);
	store_stmt_done(s);
	if (rc < 0) {
		store_unit_list_free(list, *n);
		*n = 0;
		return rc;
	}
	*out = list;
	return 0;
}

static void store_unit_event_clear(struct unit_event *e)
{
	free(e->number);
	free(e->category);
	free(e->status);
	free(e->text);
	free(e->agent);
	memset(e, 0, sizeof *e);
}

static void store_unit_event_clear_v(void *p)
{
	store_unit_event_clear(p);
}

void store_unit_history_free(struct unit_event *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_unit_event_clear_v);
}

static int store_unit_event_fill(sqlite3_stmt *s, void *elem)
{
	struct unit_event *e = elem;
	int err = 0;

	memset(e, 0, sizeof *e);
	e->ts_ms = sqlite3_column_int64(s, 0);
	e->is_promise = sqlite3_column_int(s, 1) != 0;
	err |= store_col_dup(s, 2, &e->number);
	err |= store_col_dup(s, 3, &e->category);
	err |= store_col_dup(s, 4, &e->status);
	err |= store_col_dup(s, 5, &e->text);
	err |= store_col_dup(s, 6, &e->agent);
	e->promise_id = sqlite3_column_int64(s, 7);
	e->due_ms = sqlite3_column_int64(s, 8);
	if (err != 0) {
		store_unit_event_clear(e);
		return -ENOMEM;
	}
	return 0;
}

int store_unit_history(struct store *st, const char *code, size_t limit, size_t offset,
                       struct unit_event **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		limit = 100;
	if (code == NULL || limit > (size_t)INT64_MAX || offset > (size_t)INT64_MAX)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_unit_sql_history, &s, STORE_T(code), STORE_I((int64_t)limit),
	                STORE_I((int64_t)offset));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_unit_event_fill, store_unit_event_clear_v, &p,
	                   n);
	*out = p;
	return rc;
}

int store_unit_history_count(struct store *st, const char *code, int64_t *count)
{
	*count = 0;
	if (code == NULL)
		return STORE_EINVAL;
	return STORE_INT(st, store_unit_sql_history_count, count, STORE_T(code));
}

/* ---- the import ---------------------------------------------------------------------------- */

#define STORE_UNIT_FIELDS                                                                          \
	(UNIT_IMPORT_BUILDING | UNIT_IMPORT_OWNER_NAME | UNIT_IMPORT_OWNER_PHONE | UNIT_IMPORT_AREA | \
	 UNIT_IMPORT_HOUSING | UNIT_IMPORT_OWNER_ID)

static const char store_unit_sql_import_get[] =
    "SELECT building, owner_name, owner_phone, area_m2, housing_type, owner_id, id FROM units"
    " WHERE code = ?1";
static const char store_unit_sql_import_add[] =
    "INSERT INTO units (code, building, owner_name, owner_phone, area_m2, created,"
    " housing_type, owner_id, sort_key)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, " STORE_SORTKEY_FUNCTION "(?1))";
/* ?6: the fields to set (UNIT_IMPORT_* bits); the others keep their value. */
static const char store_unit_sql_import_update[] =
    "UPDATE units SET"
    " building = CASE WHEN ?6 & 1 THEN ?2 ELSE building END,"
    " owner_name = CASE WHEN ?6 & 2 THEN ?3 ELSE owner_name END,"
    " owner_phone = CASE WHEN ?6 & 4 THEN ?4 ELSE owner_phone END,"
    " area_m2 = CASE WHEN ?6 & 8 THEN ?5 ELSE area_m2 END,"
    " housing_type = CASE WHEN ?6 & 16 THEN ?7 ELSE housing_type END,"
    " owner_id = CASE WHEN ?6 & 32 THEN ?8 ELSE owner_id END"
    " WHERE code = ?1";

struct store_unit_stmts {
	sqlite3_stmt *get, *add, *update;
};

/* The checks of store_unit_add, for the fields the import sets. */
static bool store_unit_ok(const struct unit *u, unsigned fields)
{
	const char *building = store_text_opt(u->building);
	const char *owner = store_text_opt(u->owner_name);
	const char *phone = store_text_opt(u->owner_phone);

	if (!store_unit_code_ok(u->code))
		return false;
	if ((fields & UNIT_IMPORT_BUILDING) && building != NULL &&
	    store_text_check(building, UNIT_TEXT_MAX, false, false) < 0)
		return false;
	if ((fields & UNIT_IMPORT_OWNER_NAME) && owner != NULL &&
	    store_text_check(owner, UNIT_TEXT_MAX, false, false) < 0)
		return false;
	if ((fields & UNIT_IMPORT_OWNER_PHONE) && phone != NULL && !store_phone_ok(phone))
		return false;
	if ((fields & UNIT_IMPORT_AREA) && !(u->area_m2 >= 0 && u->area_m2 <= STORE_UNIT_AREA_MAX))
		return false;
	if ((fields & UNIT_IMPORT_HOUSING) && store_text_opt(u->housing_type) != NULL &&
	    !store_unit_housing_ok(u->housing_type))
		return false;
	if ((fields & UNIT_IMPORT_OWNER_ID) && store_text_opt(u->owner_id) != NULL &&
	    !store_unit_id_ok(u->owner_id))
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
                              unsigned fields, bool *exists, unsigned *changed, int64_t *id)
{
	int rc;

	*exists = false;
	*changed = 0;
	*id = 0;
	rc = STORE_BIND(st, get, STORE_T(u->code));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(get);
	if (rc == SQLITE_ROW) {
		*exists = true;
		*id = sqlite3_column_int64(get, 6);
		if ((fields & UNIT_IMPORT_BUILDING) &&
		    !store_unit_same_text(get, 0, store_text_opt(u->building)))
			*changed |= UNIT_IMPORT_BUILDING;
		if ((fields & UNIT_IMPORT_OWNER_NAME) &&
		    !store_unit_same_text(get, 1, store_text_opt(u->owner_name)))
			*changed |= UNIT_IMPORT_OWNER_NAME;
		if ((fields & UNIT_IMPORT_OWNER_PHONE) &&
		    !store_unit_same_text(get, 2, store_text_opt(u->owner_phone)))
			*changed |= UNIT_IMPORT_OWNER_PHONE;
		if (fields & UNIT_IMPORT_AREA) {
			double old = sqlite3_column_type(get, 3) == SQLITE_NULL
			                 ? 0
			                 : sqlite3_column_double(get, 3);

			if (old != u->area_m2)
				*changed |= UNIT_IMPORT_AREA;
		}
		if ((fields & UNIT_IMPORT_HOUSING) &&
		    !store_unit_same_text(get, 4, store_text_opt(u->housing_type)))
			*changed |= UNIT_IMPORT_HOUSING;
		if ((fields & UNIT_IMPORT_OWNER_ID) &&
		    !store_unit_same_text(get, 5, store_text_opt(u->owner_id)))
			*changed |= UNIT_IMPORT_OWNER_ID;
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
	static const char *const names[] = {"building", "owner_name", "owner_phone",
	                                    "area_m2",  "housing_type", "owner_id"};
	size_t i, used = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < 6; i++) {
		if (!(changed & (1u << i)))
			continue;
		w = snprintf(out + used, len - used, "%s%s", used ? "," : "", names[i]);

		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

/* The owner fields of an import's fields, as store_owner_feed takes them. */
static unsigned store_unit_owner_fields(unsigned fields)
{
	return (fields & UNIT_IMPORT_OWNER_NAME ? OWNER_FEED_NAME : 0) |
	       (fields & UNIT_IMPORT_OWNER_PHONE ? OWNER_FEED_PHONE : 0) |
	       (fields & UNIT_IMPORT_OWNER_ID ? OWNER_FEED_ID : 0);
}

/* One unit, inside the transaction: added, updated or unchanged. */
static int store_unit_one(struct store *st, const struct audit_ctx *ctx,
                          const struct store_unit_stmts *q, const struct unit *u, unsigned fields,
                          bool dry_run, int64_t now, struct unit_import_result *res)
{
	const char *building = store_text_opt(u->building);
	const char *owner = store_text_opt(u->owner_name);
	const char *phone = store_text_opt(u->owner_phone);
	const char *housing = store_text_opt(u->housing_type);
	const char *id_no = store_text_opt(u->owner_id);
	char detail[STORE_DETAIL_MAX];
	unsigned changed;
	int64_t id;
	bool exists;
	int rc;

	rc = store_unit_compare(st, q->get, u, fields, &exists, &changed, &id);
	if (rc < 0)
		return rc;
	if (!exists) {
		rc = STORE_BIND(st, q->add, STORE_T(u->code),
		                STORE_T(fields & UNIT_IMPORT_BUILDING ? building : NULL),
		                STORE_T(fields & UNIT_IMPORT_OWNER_NAME ? owner : NULL),
		                STORE_T(fields & UNIT_IMPORT_OWNER_PHONE ? phone : NULL),
		                STORE_T(NULL), STORE_I(now / 1000),
		                STORE_T(fields & UNIT_IMPORT_HOUSING ? housing : NULL),
		                STORE_T(fields & UNIT_IMPORT_OWNER_ID ? id_no : NULL));
		if (rc == 0 && (fields & UNIT_IMPORT_AREA))
			rc = store_unit_bind_area(st, q->add, u->area_m2);
		if (rc == 0)
			rc = store_run(st, q->add, NULL);
		/* A dry run counts; its owners would be rolled back with it, and cannot refuse. */
		if (rc == 0 && !dry_run)
			rc = store_owner_feed(st, sqlite3_last_insert_rowid(st->db),
			                      store_unit_owner_fields(fields), owner, phone, id_no);
		if (rc == 0)
			res->added++;
		return rc;
	}
	if (changed == 0) {
		res->unchanged++;
		return 0;
	}
	rc = STORE_BIND(st, q->update, STORE_T(u->code), STORE_T(building), STORE_T(owner),
	                STORE_T(phone), STORE_T(NULL), STORE_I((int64_t)changed), STORE_T(housing),
	                STORE_T(id_no));
	if (rc == 0)
		rc = store_unit_bind_area(st, q->update, u->area_m2);
	if (rc == 0)
		rc = store_run(st, q->update, NULL);
	/* Any owner field changed: the file's owner fields, all of them, say who the first
	 * owner is (a new ID number is another person, with the name and phone of the row). */
	if (rc == 0 && !dry_run && store_unit_owner_fields(changed) != 0)
		rc = store_owner_feed(st, id, store_unit_owner_fields(fields), owner, phone, id_no);
	if (rc == 0 && !dry_run) {
		char names[96];

		store_unit_changed_names(changed, names, sizeof names);
		snprintf(detail, sizeof detail, "import changed=%s", names);
		rc = store_audit_append(st, ctx, now, "unit.update", u->code, detail);
	}
	if (rc == 0)
		res->updated++;
	return rc;
}

int store_unit_import_check(const struct unit *units, size_t n, unsigned fields, size_t *bad)
{
	size_t i, dup;
	int rc;

	*bad = 0;
	if (units == NULL || n == 0 || (fields & ~(unsigned)STORE_UNIT_FIELDS) != 0)
		return STORE_EINVAL;
	for (i = 0; i < n; i++) {
		if (!store_unit_ok(&units[i], fields)) {
			*bad = i;
			return STORE_EINVAL;
		}
	}
	rc = store_unit_first_dup(units, n, &dup);
	if (rc < 0)
		return rc;
	if (dup < n) {
		*bad = dup;
		return STORE_EEXIST;
	}
	return 0;
}

int store_unit_import(struct store *st, const struct audit_ctx *ctx, const struct unit *units,
                      size_t n, unsigned fields, bool dry_run, struct unit_import_result *res)
{
	struct store_unit_stmts q = {NULL, NULL, NULL};
	char detail[STORE_DETAIL_MAX], names[96];
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

	rc = store_unit_prepare(st, store_unit_sql_import_get, &q.get);
	if (rc == 0)
		rc = store_unit_prepare(st, store_unit_sql_import_add, &q.add);
	if (rc == 0)
		rc = store_unit_prepare(st, store_unit_sql_import_update, &q.update);
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
