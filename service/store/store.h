/* store — the store's connection, and what every caller of the store shares: its errors,
 * who does a change (struct audit_ctx), checkpoints and the size cap, and the checks of values
 * that a guided form's steps reuse. The store is the one write path: every change to the data
 * goes through one of its domains, and each change writes its audit event (hash-chained) in the
 * same SQLite transaction (store_tx.h, store_audit.h). The domains, each with its own header:
 * store_account.h, store_audit.h, store_complaint.h (with store_complaint_status.h and
 * store_promise.h), store_unit.h, store_draft.h, store_report.h; the schema: store_schema.h.
 * A store is one SQLite connection: the writing connection belongs to the loop thread; thread
 * pool work opens its own (read-only) store. Strings passed in are borrowed; strings returned
 * in structs are owned by the struct and released by its *_clear / *_free function. */
#ifndef PROPDESK_STORE_H
#define PROPDESK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_ctx.h" /* who does a change: written into its audit event */

struct store;

/* Errors: 0, or one of these (or a negative errno). store_strerror gives the text. */
enum {
	STORE_ENOENT = -1000,    /* no such account / row */
	STORE_EEXIST = -1001,    /* already exists */
	STORE_EBUSY = -1002,     /* database locked by another writer, after the bounded wait */
	STORE_EFULL = -1003,     /* disk or database full */
	STORE_EINVAL = -1004,    /* invalid value */
	STORE_EIO = -1005,       /* any other database failure (see the log) */
	STORE_ESCHEMA = -1006,   /* database is newer than this program */
	STORE_EPROMISES = -1007, /* a complaint cannot be resolved while promises are open */
	STORE_ESTATE = -1008,    /* not allowed in the record's current status */
	STORE_EOWNER = -1009     /* the record is another account's work (its holder decides) */
};

/* Text for a store error in "zh" or "en" (anything else: English). */
const char *store_strerror(int err, const char *lang);
/* SQLite's message for st's last failure (for a log line, never shown to users); "" before
 * any. st NULL: why the last store_open on this thread failed. Valid until the next call. */
const char *store_last_error(struct store *st);

/* An account name is 1..STORE_NAME_MAX bytes of text without spaces. */
#define STORE_NAME_MAX 64

/* Read-only (SQLITE_OPEN_READONLY): every change returns -EROFS. */
#define STORE_READONLY 0x1
/* synchronous=NORMAL instead of FULL: a commit survives the process being killed but not a
 * power loss or an operating-system crash (the last transactions may be lost), and costs no
 * fsync of the log. Without it every commit is on disk when it returns (FULL). */
#define STORE_NOSYNC 0x2

/* Opens (creating if needed, unless STORE_READONLY) the database at path, in WAL mode with
 * synchronous=FULL (NORMAL with STORE_NOSYNC) and the given busy timeout: a change waits that long for another
 * writer's lock, then fails with STORE_EBUSY; for a second after such a wait ran out, changes
 * that find the lock still held fail at once (the waits would stall the calling thread, the
 * loop). Does not migrate. */
int store_open(const char *path, unsigned flags, int busy_timeout_ms, struct store **out);
/* Closes; NULL does nothing. */
void store_close(struct store *st);


/* WAL checkpoints: the loop's connection turns automatic checkpoints off (each one fsyncs the
 * database and would stall the loop), and a connection on the thread pool runs them instead.
 * pages = 0 disables; SQLite's default is 1000. */
int store_set_autocheckpoint(struct store *st, int pages);
/* How many rows this connection has inserted, changed or deleted since it was opened: a
 * caller compares two readings to know whether something was written in between. */
uint64_t store_changes(struct store *st);
/* Makes every transaction committed so far by any connection to the database at db_path
 * durable: syncs its write-ahead log (db_path + "-wal") to the disk. A connection opened with
 * STORE_NOSYNC commits without that sync, so its caller can do it here, off the thread that
 * committed (any thread; it touches no connection). 0, or -errno (EIO: the disk failed). */
int store_sync_log(const char *db_path);
/* A passive checkpoint (never waits for readers or writers); *wal_pages and *done report the
 * WAL's size and how much of it was copied back (either may be NULL). 0 or < 0. */
int store_checkpoint(struct store *st, int *wal_pages, int *done);

/* Caps the database file at bytes (rounded down to whole pages; never below its current size;
 * the WAL is not counted): a change that would grow it further fails with STORE_EFULL and
 * changes nothing, while reads go on. 0 lifts the cap. Applies to this connection only, so
 * the connection that writes sets it. 0 or < 0. */
int store_set_max_size(struct store *st, uint64_t bytes);

/* Brings the planner's statistics up to date (sampled: milliseconds at any size). Done by
 * store_schema_migrate and after each batch; nothing on a read-only store. 0 or < 0. */
int store_analyze(struct store *st);

/* Milliseconds since the epoch (wall clock), used for timestamps. */
int64_t store_now_ms(void);

/* A code (a technique's, a category's, a draft's kind): 1..32 of [a-z0-9_-], starting with a
 * letter or digit. */
bool store_code_ok(const char *code);
/* A phone number as the store keeps it (a caller's, a unit owner's): a Chinese mobile number,
 * 1[3-9] and 9 digits, or a landline: 0, 2-3 digits, an optional '-', 7-8 digits. */
bool store_phone_ok(const char *phone);
/* A resident ID number (居民身份证号, GB 11643): 18 characters, 17 digits and the check digit
 * (0-9 or X) of the ISO 7064 MOD 11-2 sum. */
bool store_id_number_ok(const char *id);

#endif
