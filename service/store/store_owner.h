/* store_owner — the owners of the units (schema 10): a unit may have several owners, in order,
 * an owner several phones, in order, and one owner (one ID number) several units. The units'
 * owner_name, owner_phone and owner_id columns mirror each unit's first owner and that
 * owner's first phone; the store keeps them (store_unit_import and store_unit_add feed the
 * first owner from them through store_owner_feed). Every change is one transaction with its
 * audit event. Same threading as store.h; strings passed in are borrowed, structs returned own
 * their strings (*_clear / *_free; NULL does nothing). Errors: 0 or a negative store error:
 * STORE_EINVAL a value refused, STORE_ENOENT no such unit, owner, link or phone, STORE_EEXIST
 * already linked or already a phone of the owner. */
#ifndef PROPDESK_STORE_OWNER_H
#define PROPDESK_STORE_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define OWNER_TEXT_MAX 128  /* bytes of an owner's name */
#define OWNER_MAX 16        /* owners of one unit */
#define OWNER_PHONES_MAX 8  /* phones of one owner */
#define OWNER_UNITS_MAX 64  /* units of one owner listed with it */

struct owner {
	int64_t id;
	char *name;      /* NULL when not given (an import with a phone only) */
	char *id_number; /* NULL when not given */
	char **phones;   /* in order, the first one mirrored on the owner's units */
	size_t nphones;
	char **units; /* the codes of the owner's units, by code */
	size_t nunits;
	int64_t created_ms, updated_ms;
};

void store_owner_clear(struct owner *o);
void store_owner_list_free(struct owner *list, size_t n);

/* Owner id with its phones and units: STORE_ENOENT when none. */
int store_owner_get(struct store *st, int64_t id, struct owner *out);
/* The owners of unit (by code), in order, at most OWNER_MAX: STORE_ENOENT for no such unit. */
int store_owner_list(struct store *st, const char *unit, struct owner **out, size_t *n);

/* Adds an owner to unit, after its others: name (1..OWNER_TEXT_MAX bytes), id_no (NULL or
 * store_id_number_ok) and phone (NULL or store_phone_ok). An owner already registered with
 * id_no is linked instead (their name kept, the phone added to theirs): *linked set. *id gets
 * the owner's number (also with STORE_EEXIST: that owner is already the unit's); STORE_EINVAL past
 * OWNER_MAX. Audit "owner.add" (target the unit). */
int store_owner_add(struct store *st, const struct audit_ctx *ctx, const char *unit,
                    const char *name, const char *id_no, const char *phone, int64_t *id,
                    bool *linked);
/* Links owner (a number) to unit as well, after its others. Audit "owner.link". */
int store_owner_link(struct store *st, const struct audit_ctx *ctx, const char *unit,
                     int64_t owner);
/* Unlinks owner from unit; an owner left with no unit is deleted with their phones
 * (*deleted set). The next owner becomes the first. Audit "owner.remove". */
int store_owner_remove(struct store *st, const struct audit_ctx *ctx, const char *unit,
                       int64_t owner, bool *deleted);
/* A phone (store_phone_ok) added after the owner's others (STORE_EEXIST when theirs already,
 * STORE_EINVAL past OWNER_PHONES_MAX), or removed (STORE_ENOENT when not theirs). Audit
 * "owner.phone_add" / "owner.phone_remove" (target "owner:N"). */
int store_owner_phone_add(struct store *st, const struct audit_ctx *ctx, int64_t owner,
                          const char *phone);
int store_owner_phone_remove(struct store *st, const struct audit_ctx *ctx, int64_t owner,
                             const char *phone);

/* ---- inside the store (store_*.c) ------------------------------------------------------------ */

#define OWNER_FEED_NAME 0x1
#define OWNER_FEED_PHONE 0x2
#define OWNER_FEED_ID 0x4
/* Inside a transaction, after unit_id's row was added or its owner columns written: makes the
 * unit's first owner what name, phone and id_no say, for the fields in fields (values already
 * checked; NULL clears one). Another ID number than the first owner's is another person: they
 * take the first place (an owner registered with it is linked). A phone is made the owner's
 * first (replacing the first one, unless already theirs); NULL clears their phones. A first
 * owner left with nothing is no owner: the unit's owners are all unlinked. Then the mirror
 * columns of every unit touched. Not audited (the unit's change is). */
int store_owner_feed(struct store *st, int64_t unit_id, unsigned fields, const char *name,
                     const char *phone, const char *id_no);

#endif
