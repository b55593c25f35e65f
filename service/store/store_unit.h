/* store_unit — the unit register (the flats and shops of the estate, with their owners), and
 * each unit's history of complaints and promises. Every change is one transaction with its
 * audit event. Same threading as store.h; strings passed in are borrowed, structs returned own
 * their strings (released by *_clear / *_free; NULL does nothing). Errors: 0 or a negative
 * store error: STORE_EINVAL for a value refused, STORE_ENOENT for no such unit, STORE_EEXIST
 * for a code taken. */
#ifndef PROPDESK_STORE_UNIT_H
#define PROPDESK_STORE_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define UNIT_CODE_CHARS 32 /* characters of a unit code */
#define UNIT_TEXT_MAX 128  /* bytes of a building's or an owner's name */

/* A unit code: 1..UNIT_CODE_CHARS characters (UTF-8, e.g. "3-2-1201" or "3栋2单元1201"), no
 * spaces or control characters. */
bool store_unit_code_ok(const char *code);

struct unit {
	int64_t id;
	char *code;        /* "3-2-1201" */
	char *building;    /* NULL when not given */
	char *owner_name;  /* NULL when not given */
	char *owner_phone; /* NULL when not given */
	double area_m2;    /* 0 when not given */
	char *housing_type; /* "commercial" or "resettlement"; NULL when not given */
	char *owner_id;     /* the owner's ID number (store_unit_id_ok); NULL when not given */
	int64_t created;   /* unix seconds */
};

/* A resident ID number (居民身份证号, GB 11643): 18 characters, 17 digits and the check digit
 * (0-9 or X) of the ISO 7064 MOD 11-2 sum. */
bool store_unit_id_ok(const char *id);
/* A housing type as stored: "commercial" (商品房) or "resettlement" (回迁房). */
bool store_unit_housing_ok(const char *type);

void store_unit_clear(struct unit *u);
void store_unit_list_free(struct unit *list, size_t n);

/* Adds u->code (unique: STORE_EEXIST), building, owner_name, owner_phone, housing_type,
 * owner_id (validated), area_m2 (>= 0); audit "unit.add". */
int store_unit_add(struct store *st, const struct audit_ctx *ctx, const struct unit *u);
int store_unit_get(struct store *st, const char *code, struct unit *out);
int store_unit_count(struct store *st, int64_t *count);
/* Units in the natural order of their codes (2-* before 10-*: store_sortkey.h). */
int store_unit_list(struct store *st, size_t limit, size_t offset, struct unit **out, size_t *n);

/* Units whose code, an owner's name, phone or ID number, or a registered resident's name holds
 * text (1..UNIT_TEXT_MAX bytes; a
 * trailing x of an ID is matched as X), in the natural order of codes, a page of limit (0: 100) from
 * offset; found through the character-pair index (milliseconds at 100,000 units), and read
 * in proportion to the hits: run it off the loop. */
int store_unit_find(struct store *st, const char *text, size_t limit, size_t offset,
                    struct unit **out, size_t *n);

/* Called with one field of a unit (code, an owner's name, phone, ID number, a resident's name;
 * text[len] == '\0'):
 * 1 when it matches, 0 when not, a negative error (a regex's match limit) to stop. */
typedef int (*store_unit_match_fn)(void *arg, const char *text, size_t len);
/* The same with a matcher run on each unit's fields in turn, in code order; limit and offset count
 * matches. Returns the matcher's error when it stops. Reads every unit: off the loop. */
int store_unit_find_match(struct store *st, store_unit_match_fn match, void *arg, size_t limit,
                          size_t offset, struct unit **out, size_t *n);

/* Bulk import. fields: which of a unit's fields the import sets (the columns of
 * the file); the code is always given. */
#define UNIT_IMPORT_BUILDING 0x1
#define UNIT_IMPORT_OWNER_NAME 0x2
#define UNIT_IMPORT_OWNER_PHONE 0x4
#define UNIT_IMPORT_AREA 0x8
#define UNIT_IMPORT_HOUSING 0x10
#define UNIT_IMPORT_OWNER_ID 0x20
#define UNIT_IMPORT_MAX 100000 /* units in one import */

struct unit_import_result {
	size_t added, updated, unchanged;
	size_t bad; /* on STORE_EINVAL / STORE_EEXIST: the index of the unit refused */
};

/* Checks units[0..n) as store_unit_import does before it writes, without the database: 0,
 * STORE_EINVAL (a value refused: *bad its index) or STORE_EEXIST (a code given twice: *bad the
 * later one). Lets a caller that imports in slices refuse a bad file before any slice. */
int store_unit_import_check(const struct unit *units, size_t n, unsigned fields, size_t *bad);
/* Adds or updates units[0..n) (1 <= n <= UNIT_IMPORT_MAX) in one transaction, all or nothing.
 * A code not in the register is added (fields as store_unit_add checks them); a code already
 * there gets the fields named in fields replaced (NULL or 0 clears one), the others kept, and
 * counts as updated, or unchanged when nothing differs. Codes must be distinct (STORE_EEXIST,
 * res->bad the later one); a refused value: STORE_EINVAL, res->bad its index. Audit, in the
 * same transaction: "unit.update" for each updated unit (target the code, detail the fields
 * changed) and one "unit.import" (the counts). dry_run: checked and counted, then rolled back
 * (nothing written, not audited; the first owners are not fed). The owner
 * columns feed each unit's first owner (store_owner_feed, store_owner.h). */
int store_unit_import(struct store *st, const struct audit_ctx *ctx, const struct unit *units,
                      size_t n, unsigned fields, bool dry_run, struct unit_import_result *res);

/* One line of a unit's history: a complaint, or a promise made on one of its complaints. */
struct unit_event {
	int64_t ts_ms; /* complaint created / promise made */
	bool is_promise;
	char *number;   /* the complaint */
	char *category; /* the complaint's */
	char *status;   /* complaint_status or promise_status name */
	char *text;     /* the words, or what was promised */
	char *agent;
	int64_t promise_id; /* promises only */
	int64_t due_ms;     /* promises only */
};

void store_unit_history_free(struct unit_event *list, size_t n);
/* The complaints of the unit (by its code, verified or not) and the promises made on them,
 * newest first, a page of limit (0: 100) from offset. An unknown unit has an empty history. */
int store_unit_history(struct store *st, const char *code, size_t limit, size_t offset,
                       struct unit_event **out, size_t *n);
/* How many lines the unit's history has (its complaints and their promises). */
int store_unit_history_count(struct store *st, const char *code, int64_t *count);

#endif
