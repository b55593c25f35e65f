/* store_int — the internals of struct store shared by the store's .c files (store.c and
 * store_complaint.c): the connection and its statement cache, error recording, binding and
 * running statements, transactions, the audit append and the validation helpers.
 * Private to the store: nothing outside service/store*.c includes it. Same threading as store.h:
 * a struct store is used by one thread at a time. Strings bound with STORE_T are borrowed until
 * store_stmt_done; strings from store_col_dup are owned by the caller. */
#ifndef PROPDESK_STORE_INT_H
#define PROPDESK_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

#define STORE_ERRMSG_MAX 256

/* Statement cache slots: store.c's own statements use [0, STORE_STMT_CORE), the complaint
 * module [STORE_STMT_COMPLAINT, STORE_STMT_SLOTS). */
#define STORE_STMT_CORE 48
#define STORE_STMT_COMPLAINT STORE_STMT_CORE
#define STORE_STMT_SLOTS 160

struct store {
	sqlite3 *db;
	unsigned flags;
	sqlite3_stmt *stmt[STORE_STMT_SLOTS];
	char errmsg[STORE_ERRMSG_MAX];
	int64_t clock_ms; /* the demo seeder's fixed "now" for changes (0: the clock) */
	int busy_timeout_ms;     /* the longest wait for another writer's lock */
	int64_t busy_start_ms;   /* monotonic: when the current wait began */
	int64_t busy_gave_up_ms; /* monotonic: when a wait last ran out (0: never) */
	bool batch;              /* in store_batch_begin: changes are savepoints */
	bool search_ready;       /* the schema has the search index (version 3 or later) */
};

/* Limits on what the store accepts (bytes). */
#define STORE_NAME_MAX 64
#define STORE_DISPLAY_MAX 128
#define STORE_PWHASH_MAX 255
#define STORE_KEYTYPE_MAX 64
#define STORE_KEYBLOB_MAX 16384
#define STORE_COMMENT_MAX 256
#define STORE_ACTION_MAX 64
#define STORE_DETAIL_MAX 512

/* Records SQLite's message for rc (extended result code) and returns the store error. */
int store_fail(struct store *st, int rc);
/* Records a failure that is not SQLite's and returns err. */
int store_fail_msg(struct store *st, int err, const char *msg);

/* The statement cached in slot, prepared from sql when the slot is empty or holds another
 * text (so a slot may be shared by statements built at run time). Reset and ready to bind. */
int store_stmt_sql(struct store *st, size_t slot, const char *sql, sqlite3_stmt **out);
/* Ends a statement's use: releases its read snapshot and any borrowed bound strings. */
void store_stmt_done(sqlite3_stmt *s);

/* One bound parameter: text (NULL binds SQL NULL) or an integer. Built with STORE_T / STORE_I
 * so that the compiler checks each value's type. */
struct store_arg {
	bool is_int;
	const char *text;
	int64_t num;
};

#define STORE_T(x) ((struct store_arg){.is_int = false, .text = (x)})
#define STORE_I(x) ((struct store_arg){.is_int = true, .num = (x)})
/* Binds the arguments to parameters 1..n (their count must match the statement's). */
#define STORE_BIND(st, s, ...)                                                                     \
	store_bind(st, s, (const struct store_arg[]){__VA_ARGS__},                                 \
	           sizeof((const struct store_arg[]){__VA_ARGS__}) / sizeof(struct store_arg))

/* Strings are bound SQLITE_STATIC: they must outlive the statement's use (store_stmt_done
 * clears them). On failure the statement is already done. */
int store_bind(struct store *st, sqlite3_stmt *s, const struct store_arg *args, size_t n);
/* Runs a bound statement that returns no rows; *changes (if not NULL) gets the rows changed.
 * The statement is done afterwards. */
int store_run(struct store *st, sqlite3_stmt *s, int *changes);

/* BEGIN IMMEDIATE (a savepoint inside a batch). */
int store_tx_begin(struct store *st);
/* Ends the transaction: commits when err is 0, otherwise (or when the commit fails) rolls
 * back. Returns err, or the commit's error. */
int store_tx_end(struct store *st, int err);

/* Brings the search index up to date with the complaints changed in the current transaction
 * (complaint_search_pending; see migration 3), just before it commits: store_tx_end calls it.
 * 0 or a store error (the transaction then rolls back). In store_complaint.c. */
int store_search_sync(struct store *st);

/* Appends one audit event inside the caller's transaction, chained to the previous one. */
int store_audit_append(struct store *st, const struct audit_ctx *ctx, int64_t ts_ms,
                       const char *action, const char *target, const char *detail);

/* *out = a copy of column i's text (NULL for SQL NULL); -ENOMEM. */
int store_col_dup(sqlite3_stmt *s, int i, char **out);
/* Grows *list (of elements of size sz) so that it holds at least n + 1. */
int store_grow(void **list, size_t *cap, size_t n, size_t sz);

/* Valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF), no C0/C1 controls or
 * DEL, no invisible or direction-changing characters (utf8_is_invisible), at most max bytes;
 * spaces only when allowed. */
bool store_text_ok(const char *s, size_t max, bool spaces);
/* An account name: 1..STORE_NAME_MAX bytes of text without spaces. */
bool store_name_ok(const char *name);
/* Printable ASCII without spaces, 1..max bytes. */
bool store_ascii_ok(const char *s, size_t max);

#endif
