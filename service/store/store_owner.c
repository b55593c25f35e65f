/* store_owner — the owners of the units, their phones and links (see the header), and the
 * mirror of each unit's first owner in the units' owner columns. Calls store.c, store_tx.c and
 * store_audit.c; store_unit.c calls it (store_owner_feed), so it names no unit function. */
#include "store_owner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_audit.h"
#include "store_int.h"
#include "store_tx.h"

static const char store_owner_sql_unit[] = "SELECT id FROM units WHERE code = ?1";
static const char store_owner_sql_get[] =
    "SELECT id, name, id_number, created_ms, updated_ms FROM owners WHERE id = ?1";
static const char store_owner_sql_of_unit[] =
    "SELECT o.id, o.name, o.id_number, o.created_ms, o.updated_ms FROM unit_owners l"
    " INDEXED BY unit_owners_order JOIN owners o ON o.id = l.owner_id WHERE l.unit_id = ?1"
    " ORDER BY l.seq, l.owner_id LIMIT ?2";
static const char store_owner_sql_phones[] =
    "SELECT phone FROM owner_phones INDEXED BY owner_phones_order WHERE owner_id = ?1"
    " ORDER BY seq, phone LIMIT ?2";
static const char store_owner_sql_units[] =
    "SELECT u.code FROM unit_owners l INDEXED BY unit_owners_owner JOIN units u"
    " ON u.id = l.unit_id WHERE l.owner_id = ?1 ORDER BY u.code LIMIT ?2";
static const char store_owner_sql_unit_ids[] =
    "SELECT unit_id FROM unit_owners INDEXED BY unit_owners_owner WHERE owner_id = ?1";
static const char store_owner_sql_by_id_number[] =
    "SELECT id FROM owners WHERE id_number = ?1";
static const char store_owner_sql_first[] =
    "SELECT owner_id FROM unit_owners INDEXED BY unit_owners_order WHERE unit_id = ?1"
    " ORDER BY seq, owner_id LIMIT 1";
static const char store_owner_sql_count[] = "SELECT count(*) FROM unit_owners WHERE unit_id = ?1";
static const char store_owner_sql_linked[] =
    "SELECT count(*) FROM unit_owners WHERE unit_id = ?1 AND owner_id = ?2";
static const char store_owner_sql_insert[] =
    "INSERT INTO owners (name, id_number, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?3)";
/* ?3: 1 to link before the others (the first owner), 0 after them. */
static const char store_owner_sql_link[] =
    "INSERT INTO unit_owners (unit_id, owner_id, seq, created_ms) VALUES (?1, ?2,"
    " CASE WHEN ?3 THEN coalesce((SELECT min(seq) FROM unit_owners WHERE unit_id = ?1), 1) - 1"
    " ELSE coalesce((SELECT max(seq) FROM unit_owners WHERE unit_id = ?1), -1) + 1 END, ?4)";
static const char store_owner_sql_unlink[] =
    "DELETE FROM unit_owners WHERE unit_id = ?1 AND owner_id = ?2";
static const char store_owner_sql_unlink_all[] = "DELETE FROM unit_owners WHERE unit_id = ?1";
static const char store_owner_sql_orphans[] =
    "SELECT o.id FROM owners o WHERE o.id = ?1 AND NOT EXISTS (SELECT 1 FROM unit_owners l"
    " INDEXED BY unit_owners_owner WHERE l.owner_id = o.id)";
static const char store_owner_sql_delete_phones[] = "DELETE FROM owner_phones WHERE owner_id = ?1";
static const char store_owner_sql_delete[] = "DELETE FROM owners WHERE id = ?1";
/* ?2 name, ?3 ID number; ?4 the fields to set (OWNER_FEED_NAME 1, OWNER_FEED_ID 4). */
static const char store_owner_sql_update[] =
    "UPDATE owners SET name = CASE WHEN ?4 & 1 THEN ?2 ELSE name END,"
    " id_number = CASE WHEN ?4 & 4 THEN ?3 ELSE id_number END, updated_ms = ?5"
    " WHERE id = ?1 AND ((?4 & 1 AND name IS NOT ?2) OR (?4 & 4 AND id_number IS NOT ?3))";
static const char store_owner_sql_empty[] =
    "SELECT count(*) FROM owners WHERE id = ?1 AND name IS NULL AND id_number IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM owner_phones WHERE owner_id = ?1)";
static const char store_owner_sql_phone_count[] =
    "SELECT count(*) FROM owner_phones WHERE owner_id = ?1";
static const char store_owner_sql_phone_has[] =
    "SELECT count(*) FROM owner_phones WHERE owner_id = ?1 AND phone = ?2";
static const char store_owner_sql_phone_first[] =
    "SELECT phone FROM owner_phones INDEXED BY owner_phones_order WHERE owner_id = ?1"
    " ORDER BY seq, phone LIMIT 1";
/* ?3: 1 to put the phone before the others, 0 after them. */
static const char store_owner_sql_phone_add[] =
    "INSERT INTO owner_phones (owner_id, seq, phone) VALUES (?1,"
    " CASE WHEN ?3 THEN coalesce((SELECT min(seq) FROM owner_phones WHERE owner_id = ?1), 1) - 1"
    " ELSE coalesce((SELECT max(seq) FROM owner_phones WHERE owner_id = ?1), -1) + 1 END, ?2)";
static const char store_owner_sql_phone_front[] =
    "UPDATE owner_phones SET seq = (SELECT min(seq) FROM owner_phones WHERE owner_id = ?1) - 1"
    " WHERE owner_id = ?1 AND phone = ?2";
static const char store_owner_sql_phone_set[] =
    "UPDATE owner_phones SET phone = ?3 WHERE owner_id = ?1 AND phone = ?2";
static const char store_owner_sql_phone_remove[] =
    "DELETE FROM owner_phones WHERE owner_id = ?1 AND phone = ?2";
static const char store_owner_sql_touch[] = "UPDATE owners SET updated_ms = ?2 WHERE id = ?1";
/* The mirror of unit ?1's first owner and their first phone: read, then written only when it
 * differs (so that the units' own search trigger fires only for a real change). */
static const char store_owner_sql_mirror_get[] =
    "SELECT o.name, o.id_number, (SELECT p.phone FROM owner_phones p INDEXED BY owner_phones_order"
    " WHERE p.owner_id = o.id ORDER BY p.seq, p.phone LIMIT 1) FROM unit_owners l"
    " INDEXED BY unit_owners_order JOIN owners o ON o.id = l.owner_id WHERE l.unit_id = ?1"
    " ORDER BY l.seq, l.owner_id LIMIT 1";
static const char store_owner_sql_mirror[] =
    "UPDATE units SET owner_name = ?2, owner_id = ?3, owner_phone = ?4 WHERE id = ?1"
    " AND (owner_name IS NOT ?2 OR owner_id IS NOT ?3 OR owner_phone IS NOT ?4)";

static void store_owner_strings_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

void store_owner_clear(struct owner *o)
{
	if (o == NULL)
		return;
	free(o->name);
	free(o->id_number);
	store_owner_strings_free(o->phones, o->nphones);
	store_owner_strings_free(o->units, o->nunits);
	memset(o, 0, sizeof *o);
}

static void store_owner_clear_v(void *p)
{
	store_owner_clear(p);
}

void store_owner_list_free(struct owner *list, size_t n)
{
	store_list_free(list, n, sizeof *list, store_owner_clear_v);
}

static int store_owner_fill(sqlite3_stmt *s, void *elem)
{
	struct owner *o = elem;
	int err = 0;

	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(s, 0);
	err |= store_col_dup(s, 1, &o->name);
	err |= store_col_dup(s, 2, &o->id_number);
	o->created_ms = sqlite3_column_int64(s, 3);
	o->updated_ms = sqlite3_column_int64(s, 4);
	if (err != 0) {
		store_owner_clear(o);
		return -ENOMEM;
	}
	return 0;
}

static int store_owner_text_fill(sqlite3_stmt *s, void *elem)
{
	return store_col_dup(s, 0, elem);
}

static void store_owner_text_clear(void *elem)
{
	free(*(char **)elem);
	*(char **)elem = NULL;
}

static int store_owner_id_fill(sqlite3_stmt *s, void *elem)
{
	*(int64_t *)elem = sqlite3_column_int64(s, 0);
	return 0;
}

static void store_owner_id_clear(void *elem)
{
	(void)elem;
}

/* The texts of column 0 of sql run with (id, limit). */
static int store_owner_texts(struct store *st, const char *sql, int64_t id, size_t limit,
                             char ***out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *p = NULL;
	int rc = STORE_PREP(st, sql, &s, STORE_I(id), STORE_I((int64_t)limit));

	*out = NULL;
	*n = 0;
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof(char *), store_owner_text_fill, store_owner_text_clear, &p,
	                   n);
	*out = p;
	return rc;
}

/* o's phones and units. */
static int store_owner_more(struct store *st, struct owner *o)
{
	int rc = store_owner_texts(st, store_owner_sql_phones, o->id, OWNER_PHONES_MAX, &o->phones,
	                           &o->nphones);

	if (rc == 0)
		rc = store_owner_texts(st, store_owner_sql_units, o->id, OWNER_UNITS_MAX, &o->units,
		                       &o->nunits);
	return rc;
}

int store_owner_get(struct store *st, int64_t id, struct owner *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = STORE_PREP(st, store_owner_sql_get, &s, STORE_I(id));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_owner_fill(s, out);
	else if (rc == SQLITE_DONE)
		rc = store_fail_msg(st, STORE_ENOENT, "no such owner");
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	if (rc == 0)
		rc = store_owner_more(st, out);
	if (rc < 0)
		store_owner_clear(out);
	return rc;
}

/* The id of unit (by code) into *id: STORE_ENOENT when none. */
static int store_owner_unit(struct store *st, const char *unit, int64_t *id)
{
	bool found = false;
	sqlite3_stmt *s = NULL;
	int rc;

	*id = 0;
	if (unit == NULL)
		return STORE_EINVAL;
	rc = STORE_PREP(st, store_owner_sql_unit, &s, STORE_T(unit));
	if (rc == 0)
		rc = store_step_int(st, s, id, &found);
	if (rc == 0 && !found)
		rc = store_fail_msg(st, STORE_ENOENT, "no such unit");
	return rc;
}

int store_owner_list(struct store *st, const char *unit, struct owner **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int64_t unit_id;
	void *p = NULL;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_owner_unit(st, unit, &unit_id);
	if (rc == 0)
		rc = STORE_PREP(st, store_owner_sql_of_unit, &s, STORE_I(unit_id), STORE_I(OWNER_MAX));
	if (rc < 0)
		return rc;
	rc = store_collect(st, s, sizeof **out, store_owner_fill, store_owner_clear_v, &p, n);
	*out = p;
	for (i = 0; rc == 0 && i < *n; i++)
		rc = store_owner_more(st, &(*out)[i]);
	if (rc < 0) {
		store_owner_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- the mirror and the links, inside a transaction ------------------------------------------ */

static int store_owner_mirror_unit(struct store *st, int64_t unit_id)
{
	char *v[3] = {NULL, NULL, NULL};
	sqlite3_stmt *s = NULL;
	int rc = STORE_PREP(st, store_owner_sql_mirror_get, &s, STORE_I(unit_id));
	int i;

	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = 0;
		for (i = 0; i < 3 && rc == 0; i++)
			rc = store_col_dup(s, i, &v[i]);
	} else {
		rc = rc == SQLITE_DONE ? 0 : store_fail(st, rc);
	}
	store_stmt_done(s);
	if (rc == 0)
		rc = STORE_EXEC(st, store_owner_sql_mirror, NULL, STORE_I(unit_id), STORE_T(v[0]),
		                STORE_T(v[1]), STORE_T(v[2]));
	for (i = 0; i < 3; i++)
		free(v[i]);
	return rc;
}

/* The mirror of every unit of owner. */
static int store_owner_mirror_owner(struct store *st, int64_t owner)
{
	sqlite3_stmt *s = NULL;
	int64_t *ids = NULL;
	void *p = NULL;
	size_t n = 0, i;
	int rc = STORE_PREP(st, store_owner_sql_unit_ids, &s, STORE_I(owner));

	if (rc == 0)
		rc = store_collect(st, s, sizeof *ids, store_owner_id_fill, store_owner_id_clear, &p, &n);
	ids = p;
	for (i = 0; rc == 0 && i < n; i++)
		rc = store_owner_mirror_unit(st, ids[i]);
	free(ids);
	return rc;
}

/* Deletes owner with their phones when no unit is left to them: *deleted. */
static int store_owner_drop_orphan(struct store *st, int64_t owner, bool *deleted)
{
	bool found = false;
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	int rc = STORE_PREP(st, store_owner_sql_orphans, &s, STORE_I(owner));

	*deleted = false;
	if (rc == 0)
		rc = store_step_int(st, s, &v, &found);
	if (rc < 0 || !found)
		return rc;
	rc = STORE_EXEC(st, store_owner_sql_delete_phones, NULL, STORE_I(owner));
	if (rc == 0)
		rc = STORE_EXEC(st, store_owner_sql_delete, NULL, STORE_I(owner));
	*deleted = rc == 0;
	return rc;
}

/* Unlinks owner from unit_id, deletes them when orphaned, mirrors their other units. */
static int store_owner_unlink(struct store *st, int64_t unit_id, int64_t owner, bool *deleted)
{
	int changes = 0;
	int rc = STORE_EXEC(st, store_owner_sql_unlink, &changes, STORE_I(unit_id), STORE_I(owner));

	*deleted = false;
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "not an owner of that unit");
	if (rc == 0)
		rc = store_owner_drop_orphan(st, owner, deleted);
	if (rc == 0 && !*deleted)
		rc = store_owner_mirror_owner(st, owner);
	return rc;
}

static int store_owner_first(struct store *st, int64_t unit_id, int64_t *owner)
{
	bool found = false;
	sqlite3_stmt *s = NULL;
	int rc = STORE_PREP(st, store_owner_sql_first, &s, STORE_I(unit_id));

	*owner = 0;
	if (rc == 0)
		rc = store_step_int(st, s, owner, &found);
	return rc;
}

static int store_owner_by_id_number(struct store *st, const char *id_no, int64_t *owner)
{
	bool found = false;
	sqlite3_stmt *s = NULL;
	int rc;

	*owner = 0;
	if (id_no == NULL)
		return 0;
	rc = STORE_PREP(st, store_owner_sql_by_id_number, &s, STORE_T(id_no));
	if (rc == 0)
		rc = store_step_int(st, s, owner, &found);
	return rc;
}

static int store_owner_insert(struct store *st, const char *name, const char *id_no,
                              int64_t now, int64_t *owner)
{
	int rc = STORE_EXEC(st, store_owner_sql_insert, NULL, STORE_T(name), STORE_T(id_no),
	                    STORE_I(now));

	*owner = rc == 0 ? sqlite3_last_insert_rowid(st->db) : 0;
	return rc;
}

/* Phone made owner's first: moved to the front if theirs, else in place of their first one
 * (or the only one). */
static int store_owner_phone_front(struct store *st, int64_t owner, const char *phone)
{
	sqlite3_stmt *s = NULL;
	char *first = NULL;
	int64_t has = 0;
	int rc = STORE_INT(st, store_owner_sql_phone_has, &has, STORE_I(owner), STORE_T(phone));

	if (rc < 0)
		return rc;
	if (has > 0)
		return STORE_EXEC(st, store_owner_sql_phone_front, NULL, STORE_I(owner), STORE_T(phone));
	rc = STORE_PREP(st, store_owner_sql_phone_first, &s, STORE_I(owner));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_col_dup(s, 0, &first);
	else
		rc = rc == SQLITE_DONE ? 0 : store_fail(st, rc);
	store_stmt_done(s);
	if (rc == 0 && first != NULL)
		rc = STORE_EXEC(st, store_owner_sql_phone_set, NULL, STORE_I(owner), STORE_T(first),
		                STORE_T(phone));
	else if (rc == 0)
		rc = STORE_EXEC(st, store_owner_sql_phone_add, NULL, STORE_I(owner), STORE_T(phone),
		                STORE_I(1));
	free(first);
	return rc;
}

int store_owner_feed(struct store *st, int64_t unit_id, unsigned fields, const char *name,
                     const char *phone, const char *id_no)
{
	int64_t first = 0, other = 0, now = store_now_ms(), empty = 0;
	bool deleted;
	int rc;

	fields &= OWNER_FEED_NAME | OWNER_FEED_PHONE | OWNER_FEED_ID;
	if (fields == 0)
		return 0;
	if (!(fields & OWNER_FEED_NAME))
		name = NULL;
	if (!(fields & OWNER_FEED_PHONE))
		phone = NULL;
	if (!(fields & OWNER_FEED_ID))
		id_no = NULL;
	rc = store_owner_first(st, unit_id, &first);
	if (rc == 0)
		rc = store_owner_by_id_number(st, id_no, &other);
	if (rc < 0)
		return rc;
	if (first != 0 && other != 0 && other != first) {
		/* Another person takes the first place. */
		rc = store_owner_unlink(st, unit_id, first, &deleted);
		first = 0;
	} else if (first != 0 && other == 0 && id_no != NULL) {
		struct owner o;

		rc = store_owner_get(st, first, &o);
		if (rc == 0 && o.id_number != NULL && strcmp(o.id_number, id_no) != 0) {
			rc = store_owner_unlink(st, unit_id, first, &deleted);
			first = 0;
		}
		store_owner_clear(&o);
	}
	if (rc < 0)
		return rc;
	if (first == 0 && other == 0) {
		/* A new owner, of this unit alone (the import's common case: a few statements). */
		if (name == NULL && phone == NULL && id_no == NULL)
			return store_owner_mirror_unit(st, unit_id);
		rc = store_owner_insert(st, name, id_no, now, &first);
		if (rc == 0)
			rc = STORE_EXEC(st, store_owner_sql_link, NULL, STORE_I(unit_id), STORE_I(first),
			                STORE_I(1), STORE_I(now));
		if (rc == 0 && phone != NULL)
			rc = STORE_EXEC(st, store_owner_sql_phone_add, NULL, STORE_I(first),
			                STORE_T(phone), STORE_I(1));
		if (rc == 0)
			rc = store_owner_mirror_unit(st, unit_id);
		return rc;
	}
	if (first == 0) {
		first = other;
		if (first == 0)
			rc = store_owner_insert(st, name, id_no, now, &first);
		else if (name != NULL)
			rc = STORE_EXEC(st, store_owner_sql_update, NULL, STORE_I(first), STORE_T(name),
			                STORE_T(NULL), STORE_I(OWNER_FEED_NAME), STORE_I(now));
		if (rc == 0)
			rc = STORE_EXEC(st, store_owner_sql_unlink, NULL, STORE_I(unit_id), STORE_I(first));
		if (rc == 0)
			rc = STORE_EXEC(st, store_owner_sql_link, NULL, STORE_I(unit_id), STORE_I(first),
			                STORE_I(1), STORE_I(now));
		if (rc == 0 && phone != NULL)
			rc = store_owner_phone_front(st, first, phone);
		if (rc == 0)
			rc = store_owner_mirror_owner(st, first);
		return rc;
	}
	rc = STORE_EXEC(st, store_owner_sql_update, NULL, STORE_I(first), STORE_T(name),
	                STORE_T(id_no), STORE_I((int64_t)(fields & ~OWNER_FEED_PHONE)), STORE_I(now));
	if (rc == 0 && (fields & OWNER_FEED_PHONE)) {
		if (phone != NULL)
			rc = store_owner_phone_front(st, first, phone);
		else
			rc = STORE_EXEC(st, store_owner_sql_delete_phones, NULL, STORE_I(first));
	}
	if (rc == 0)
		rc = STORE_INT(st, store_owner_sql_empty, &empty, STORE_I(first));
	if (rc == 0 && empty > 0) {
		/* The first owner left with nothing: the unit has no owner. */
		rc = STORE_EXEC(st, store_owner_sql_unlink_all, NULL, STORE_I(unit_id));
		if (rc == 0)
			rc = store_owner_drop_orphan(st, first, &deleted);
		if (rc == 0)
			rc = store_owner_mirror_unit(st, unit_id);
		return rc;
	}
	if (rc == 0)
		rc = store_owner_mirror_owner(st, first);
	return rc;
}

/* ---- the changes ------------------------------------------------------------------------------ */

static bool store_owner_name_ok(const char *name)
{
	return name != NULL && store_text_check(name, OWNER_TEXT_MAX, false, false) == 0;
}

/* Links owner after unit_id's others, refusing a second link or one past OWNER_MAX. */
static int store_owner_link_after(struct store *st, int64_t unit_id, int64_t owner, int64_t now)
{
	int64_t v = 0;
	int rc = STORE_INT(st, store_owner_sql_linked, &v, STORE_I(unit_id), STORE_I(owner));

	if (rc == 0 && v > 0)
		rc = store_fail_msg(st, STORE_EEXIST, "already an owner of that unit");
	if (rc == 0)
		rc = STORE_INT(st, store_owner_sql_count, &v, STORE_I(unit_id));
	if (rc == 0 && v >= OWNER_MAX)
		rc = store_fail_msg(st, STORE_EINVAL, "too many owners");
	if (rc == 0)
		rc = STORE_EXEC(st, store_owner_sql_link, NULL, STORE_I(unit_id), STORE_I(owner),
		                STORE_I(0), STORE_I(now));
	return rc;
}

/* Adds phone after owner's others (a phone theirs already: STORE_EEXIST). */
static int store_owner_phone_after(struct store *st, int64_t owner, const char *phone)
{
	int64_t v = 0;
	int rc = STORE_INT(st, store_owner_sql_phone_has, &v, STORE_I(owner), STORE_T(phone));

	if (rc == 0 && v > 0)
		rc = store_fail_msg(st, STORE_EEXIST, "already a phone of that owner");
	if (rc == 0)
		rc = STORE_INT(st, store_owner_sql_phone_count, &v, STORE_I(owner));
	if (rc == 0 && v >= OWNER_PHONES_MAX)
		rc = store_fail_msg(st, STORE_EINVAL, "too many phones");
	if (rc == 0)
		rc = STORE_EXEC(st, store_owner_sql_phone_add, NULL, STORE_I(owner), STORE_T(phone),
		                STORE_I(0));
	return rc;
}

int store_owner_add(struct store *st, const struct audit_ctx *ctx, const char *unit,
                    const char *name, const char *id_no, const char *phone, int64_t *id,
                    bool *linked)
{
	char detail[STORE_DETAIL_MAX];
	int64_t unit_id, owner = 0, now = store_now_ms(), has = 0;
	int rc;

	*id = 0;
	*linked = false;
	id_no = store_text_opt(id_no);
	phone = store_text_opt(phone);
	if (!store_owner_name_ok(name) || (id_no != NULL && !store_id_number_ok(id_no)) ||
	    (phone != NULL && !store_phone_ok(phone)))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_owner_unit(st, unit, &unit_id);
	if (rc == 0)
		rc = store_owner_by_id_number(st, id_no, &owner);
	if (rc == 0 && owner != 0)
		*linked = true;
	else if (rc == 0)
		rc = store_owner_insert(st, name, id_no, now, &owner);
	*id = owner; /* named also when already the unit's (STORE_EEXIST) */
	if (rc == 0)
		rc = store_owner_link_after(st, unit_id, owner, now);
	if (rc == 0 && phone != NULL)
		rc = STORE_INT(st, store_owner_sql_phone_has, &has, STORE_I(owner), STORE_T(phone));
	if (rc == 0 && phone != NULL && has == 0)
		rc = store_owner_phone_after(st, owner, phone);
	if (rc == 0)
		rc = store_owner_mirror_owner(st, owner);
	if (rc == 0) {
		snprintf(detail, sizeof detail, "owner=%lld%s%s%s", (long long)owner,
		         *linked ? " linked=existing" : "", id_no != NULL ? " id=set" : "",
		         phone != NULL ? " phone=set" : "");
		rc = store_audit_append(st, ctx, now, "owner.add", unit, detail);
	}
	return store_tx_end(st, rc);
}

int store_owner_link(struct store *st, const struct audit_ctx *ctx, const char *unit,
                     int64_t owner)
{
	char detail[STORE_DETAIL_MAX];
	int64_t unit_id, now = store_now_ms();
	struct owner o;
	int rc = store_tx_begin(st);

	memset(&o, 0, sizeof o);
	if (rc < 0)
		return rc;
	rc = store_owner_unit(st, unit, &unit_id);
	if (rc == 0)
		rc = store_owner_get(st, owner, &o);
	store_owner_clear(&o);
	if (rc == 0)
		rc = store_owner_link_after(st, unit_id, owner, now);
	if (rc == 0)
		rc = store_owner_mirror_unit(st, unit_id);
	if (rc == 0) {
		snprintf(detail, sizeof detail, "owner=%lld", (long long)owner);
		rc = store_audit_append(st, ctx, now, "owner.link", unit, detail);
	}
	return store_tx_end(st, rc);
}

int store_owner_remove(struct store *st, const struct audit_ctx *ctx, const char *unit,
                       int64_t owner, bool *deleted)
{
	char detail[STORE_DETAIL_MAX];
	int64_t unit_id;
	int rc = store_tx_begin(st);

	*deleted = false;
	if (rc < 0)
		return rc;
	rc = store_owner_unit(st, unit, &unit_id);
	if (rc == 0)
		rc = store_owner_unlink(st, unit_id, owner, deleted);
	if (rc == 0)
		rc = store_owner_mirror_unit(st, unit_id);
	if (rc == 0) {
		snprintf(detail, sizeof detail, "owner=%lld%s", (long long)owner,
		         *deleted ? " deleted=1" : "");
		rc = store_audit_append(st, ctx, store_now_ms(), "owner.remove", unit, detail);
	}
	return store_tx_end(st, rc);
}

/* Begins a change of owner's phones: the transaction, the owner there (STORE_ENOENT). */
static int store_owner_phone_begin(struct store *st, int64_t owner, const char *phone)
{
	int changes = 0;
	int rc;

	if (phone == NULL || !store_phone_ok(phone))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = STORE_EXEC(st, store_owner_sql_touch, &changes, STORE_I(owner), STORE_I(store_now_ms()));
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "no such owner");
	if (rc < 0)
		return store_tx_end(st, rc);
	return 0;
}

static int store_owner_phone_end(struct store *st, const struct audit_ctx *ctx, int64_t owner,
                                 const char *action, int rc)
{
	char target[32];

	if (rc == 0)
		rc = store_owner_mirror_owner(st, owner);
	if (rc == 0) {
		snprintf(target, sizeof target, "owner:%lld", (long long)owner);
		rc = store_audit_append(st, ctx, store_now_ms(), action, target, "phone=set");
	}
	return store_tx_end(st, rc);
}

int store_owner_phone_add(struct store *st, const struct audit_ctx *ctx, int64_t owner,
                          const char *phone)
{
	int rc = store_owner_phone_begin(st, owner, phone);

	if (rc < 0)
		return rc;
	rc = store_owner_phone_after(st, owner, phone);
	return store_owner_phone_end(st, ctx, owner, "owner.phone_add", rc);
}

int store_owner_phone_remove(struct store *st, const struct audit_ctx *ctx, int64_t owner,
                             const char *phone)
{
	int changes = 0;
	int rc = store_owner_phone_begin(st, owner, phone);

	if (rc < 0)
		return rc;
	rc = STORE_EXEC(st, store_owner_sql_phone_remove, &changes, STORE_I(owner), STORE_T(phone));
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "not a phone of that owner");
	return store_owner_phone_end(st, ctx, owner, "owner.phone_remove", rc);
}
