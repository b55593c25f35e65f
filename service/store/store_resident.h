/* store_resident — the residents registered per unit (name, age, sex, occupation, employer,
 * relation to the owner), kept current with their history ("如有变更, 请及时通知"): every add,
 * change and removal is a line of the resident's history and an audit event in the same
 * transaction; a removed resident stays, marked removed. Same threading as store.h; strings
 * passed in are borrowed, structs returned own their strings (*_clear / *_free). Errors: 0,
 * STORE_EINVAL a value refused, STORE_ENOENT no such unit or resident, STORE_ESTATE the
 * resident is already removed. */
#ifndef PROPDESK_STORE_RESIDENT_H
#define PROPDESK_STORE_RESIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define RESIDENT_TEXT_MAX 128 /* bytes of a name, occupation, employer or relation */
#define RESIDENT_AGE_MAX 150
#define RESIDENT_MAX 50 /* residents listed of one unit */

struct resident {
	int64_t id;
	char *unit;
	char *name;
	int age;          /* -1: not given */
	char *sex;        /* "male", "female" or NULL */
	char *occupation; /* NULL when not given */
	char *employer;
	char *relation; /* to the owner: "本人", "配偶", "子女", ... */
	int64_t created_ms, updated_ms;
	int64_t removed_ms; /* 0 while registered */
};

void store_resident_clear(struct resident *r);
void store_resident_list_free(struct resident *list, size_t n);

/* Adds r (r->unit in the register; name required, the rest optional: age -1 and NULL fields
 * are not given). *id gets its number. Audit "resident.add". */
int store_resident_add(struct store *st, const struct audit_ctx *ctx, const struct resident *r,
                       int64_t *id);
/* Sets the fields of r that are given (name, sex, occupation, employer, relation not NULL;
 * age >= 0) on resident r->id; the history keeps each field's old and new value. Audit
 * "resident.edit". */
int store_resident_edit(struct store *st, const struct audit_ctx *ctx, const struct resident *r);
/* Marks resident id removed (moved out), with a reason. Audit "resident.remove". */
int store_resident_remove(struct store *st, const struct audit_ctx *ctx, int64_t id,
                          const char *reason);
int store_resident_get(struct store *st, int64_t id, struct resident *out);
/* The unit's residents (with the removed ones when all), oldest first, at most RESIDENT_MAX. */
int store_resident_list(struct store *st, const char *unit, bool all, struct resident **out,
                        size_t *n);

/* One line of a resident's history. */
struct resident_change {
	int64_t ts_ms;
	char *account;
	char *action; /* add, edit, remove */
	char *detail; /* "occupation: 教师 -> 律师" */
};
void store_resident_history_free(struct resident_change *list, size_t n);
int store_resident_history(struct store *st, int64_t id, struct resident_change **out, size_t *n);

#endif
