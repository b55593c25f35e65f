/* store_int — the inside of struct store, for the store's own files (service/store/store_*.c):
 * the connection and its statement cache, recording errors, binding and running statements,
 * reading rows into lists, and the checks of values that every domain applies; store.c
 * implements it. (What a domain offers the other store files is the "inside the store" part of
 * its own header.) A struct store is used by one thread at a time (store.h). Strings bound with
 * STORE_T are borrowed until store_stmt_done; strings from store_col_dup are owned by the
 * caller. */
#ifndef PROPDESK_STORE_INT_H
#define PROPDESK_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define STORE_ERRMSG_MAX 256

/* The statement cache (store_stmt): each statement text a connection has run, prepared once,
 * found by the text's address. Each module keeps its statements in static strings of its own
 * and claims nothing; texts built at run time share STORE_STMT_BUILT slots (store_stmt_built). */
struct store_stmt_entry {
	const char *sql; /* the key; NULL: an empty entry */
	sqlite3_stmt *stmt;
};

#define STORE_STMT_BUILT 8

struct store {
	sqlite3 *db;
	unsigned flags;
	struct store_stmt_entry *stmts; /* open addressing; at most half full */
	size_t nstmts, stmts_cap;       /* stmts_cap: 0 or a power of two */
	sqlite3_stmt *built[STORE_STMT_BUILT];
	char errmsg[STORE_ERRMSG_MAX];
	int64_t clock_ms;        /* the demo seeder's fixed "now" for changes (0: the clock) */
	int busy_timeout_ms;     /* the longest wait for another writer's lock */
	int64_t busy_start_ms;   /* monotonic: when the current wait began */
	int64_t busy_gave_up_ms; /* monotonic: when a wait last ran out (0: never) */
	bool batch;              /* in store_tx_batch_begin: changes are savepoints */
	bool search_ready;       /* the schema has the search index (version 3 or later) */
	bool rollup_ready;       /* the schema has the report rollup (version 6 or later) */
	bool median_ready;       /* the schema has the medians' snapshots (version 13 or later) */
	/* The audit sealer (store_seal.c) when one is attached, else NULL: store_tx_end calls
	 * seal_pre before the commit of each transaction that is not inside a batch (it seals
	 * the head in it when due) and seal_post after it, committed or not; store_close calls
	 * seal_free. */
	struct store_seal *seal;
	int (*seal_pre)(struct store *st);
	void (*seal_post)(struct store *st, bool committed);
	void (*seal_free)(struct store *st);
	bool unit_search_ready;  /* ... and the units' (STORE_SEARCH_UNITS_SCHEMA or later) */
};

/* Limits on what the store accepts (bytes). */
#define STORE_ACTION_MAX 64
#define STORE_DETAIL_MAX 512

/* Records SQLite's message for rc (extended result code) and returns the store error. */
int store_fail(struct store *st, int rc);
/* An audit event's columns, in the order store_audit_row_fill reads them (store_audit.c). */
#define STORE_AUDIT_COLS                                                                           \
	"seq, ts_ms, account, role, session, peer, transport, action, target, detail, "            \
	"prev_hash, hash"
/* store_collect's fill and clear of a struct audit_event from a row of STORE_AUDIT_COLS. */
int store_audit_row_fill(sqlite3_stmt *s, void *elem);
void store_audit_row_clear(void *elem);

/* Records a failure that is not SQLite's and returns err. */
int store_fail_msg(struct store *st, int err, const char *msg);

/* The statement for sql, prepared on first use and kept until the store closes, ready to
 * bind. sql is a string of static storage that never changes (a module's own statement text):
 * its address is its key in the cache. */
int store_stmt(struct store *st, const char *sql, sqlite3_stmt **out);
/* The same for a text built at run time: kept in one of STORE_STMT_BUILT slots chosen by a
 * hash of the text, until another text needs that slot. */
int store_stmt_built(struct store *st, const char *sql, sqlite3_stmt **out);
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
#define STORE_BIND(st, s, ...) store_bind(st, s, STORE_ARGS(__VA_ARGS__))

/* Strings are bound SQLITE_STATIC: they must outlive the statement's use (store_stmt_done
 * clears them). On failure the statement is already done. */
int store_bind(struct store *st, sqlite3_stmt *s, const struct store_arg *args, size_t n);
/* Runs a bound statement that returns no rows; *changes (if not NULL) gets the rows changed.
 * The statement is done afterwards. */
int store_run(struct store *st, sqlite3_stmt *s, int *changes);

/* store_stmt, then store_bind (the statement is done on failure). */
int store_prep(struct store *st, const char *sql, sqlite3_stmt **out, const struct store_arg *args,
               size_t n);
/* store_prep, then store_run. */
int store_exec(struct store *st, const char *sql, int *changes, const struct store_arg *args,
               size_t n);
/* Steps a bound statement that gives one integer: *v (0 when no row). found NULL: a missing
 * row is an error; otherwise *found says whether there was one. The statement is done
 * afterwards. */
int store_step_int(struct store *st, sqlite3_stmt *s, int64_t *v, bool *found);
/* store_prep, then store_step_int (a row is required). */
int store_query_int(struct store *st, const char *sql, int64_t *v, const struct store_arg *args,
                    size_t n);

/* The same with the arguments written out: STORE_PREP(st, sql, &s, STORE_T(a), STORE_I(b)).
 * (A statement without parameters uses the functions, with NULL, 0.) */
#define STORE_ARGS(...)                                                                            \
	(const struct store_arg[]){__VA_ARGS__},                                                   \
	    sizeof((const struct store_arg[]){__VA_ARGS__}) / sizeof(struct store_arg)
#define STORE_PREP(st, sql, s, ...) store_prep(st, sql, s, STORE_ARGS(__VA_ARGS__))
#define STORE_EXEC(st, sql, changes, ...) store_exec(st, sql, changes, STORE_ARGS(__VA_ARGS__))
#define STORE_INT(st, sql, v, ...) store_query_int(st, sql, v, STORE_ARGS(__VA_ARGS__))

/* The database's PRAGMA user_version (the schema version, store_schema.h), or < 0. */
int store_user_version(struct store *st);

/* For the enumerations stored as their names: the name of v in names[0..n) (NULL when out of
 * range), and the value that s (may be NULL) names (-1 when none). */
const char *store_enum_name(const char *const *names, size_t n, int v);
int store_enum_parse(const char *const *names, size_t n, const char *s);
/* Column i parsed by parse: its value, or 0 when the column names none. */
int store_col_enum(sqlite3_stmt *s, int i, int (*parse)(const char *));
#define STORE_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* *out = a copy of column i's text (NULL for SQL NULL); -ENOMEM. */
int store_col_dup(sqlite3_stmt *s, int i, char **out);
/* Grows *list (of elements of size sz) so that it holds at least n + 1. */
int store_grow(void **list, size_t *cap, size_t n, size_t sz);

/* Fills the element elem from the current row of s: 0, or -ENOMEM with elem cleared. */
typedef int (*store_fill_fn)(sqlite3_stmt *s, void *elem);
/* Frees what the element elem owns and zeroes it. */
typedef void (*store_clear_fn)(void *elem);

/* Collects every row of the bound statement s into a new array (*out, *n) of elements of
 * size sz, each filled by fill; s is done afterwards. On failure what was filled is cleared
 * and freed, and *out is NULL. */
int store_collect(struct store *st, sqlite3_stmt *s, size_t sz, store_fill_fn fill,
                  store_clear_fn clear, void **out, size_t *n);
/* Clears each of the n elements of size sz of list, then frees list; NULL does nothing. */
void store_list_free(void *list, size_t n, size_t sz, store_clear_fn clear);

/* Valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF), no C0/C1 controls or
 * DEL, no invisible or direction-changing characters (utf8_is_invisible), at most max bytes;
 * spaces only when allowed. */
bool store_text_ok(const char *s, size_t max, bool spaces);
/* An account name: 1..STORE_NAME_MAX bytes of text without spaces. */
bool store_name_ok(const char *name);
/* Printable ASCII without spaces, 1..max bytes. */
bool store_ascii_ok(const char *s, size_t max);
/* Text of 1..max bytes with something other than white space in it, as store_text_ok with
 * spaces; multiline also allows newlines, carriage returns (only when cr) and tabs.
 * 0, STORE_EINVAL or -ENOMEM. */
int store_text_check(const char *s, size_t max, bool multiline, bool cr);
/* s, or NULL for NULL or "". */
const char *store_text_opt(const char *s);
/* How much of a long text an audit event or a history line keeps (bytes). */
#define STORE_CLIP 160
/* out = at most max bytes of s cut at a character boundary, newlines and tabs as spaces,
 * "…" appended when cut. out holds max + 4 bytes. */
void store_text_clip(const char *s, size_t max, char *out);
/* *detail = "<head><text>" with the text whole (malloc'ed: the caller frees); audit = the same
 * with the text clipped to STORE_CLIP. 0 or -ENOMEM (*detail NULL). */
int store_text_details(const char *head, const char *text, char **detail,
                       char audit[STORE_DETAIL_MAX]);

/* "Now" for a change to complaints and promises: the demo seeder's fixed time
 * (store_complaint_set_clock), or the clock. */
int64_t store_clock_ms(const struct store *st);

#endif
