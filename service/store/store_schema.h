/* store_schema — the database's schema: the ordered steps that create and change its tables
 * (store_schema.c: one step per version; a released step is never edited, a change is a new
 * step). Same threading as store.h. Errors: 0 or a negative store error. */
#ifndef PROPDESK_STORE_SCHEMA_H
#define PROPDESK_STORE_SCHEMA_H

#include "store.h"

/* Brings the schema to the latest version, each step in its own transaction. Idempotent.
 * STORE_ESCHEMA when the database is newer than this program. */
int store_schema_migrate(struct store *st);
/* The same, up to version only (a test replays one step over a database that has the later
 * ones). */
int store_schema_migrate_to(struct store *st, int version);
/* Current schema version (0 for a new database), or a negative error. */
int store_schema_version(struct store *st);
/* The version store_schema_migrate brings a database to. */
int store_schema_latest_version(void);

#endif
