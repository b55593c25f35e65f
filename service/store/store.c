/* store — the connection (open, close, checkpoints, the size cap), its statement cache,
 * errors, binding and running statements, reading rows into lists, and the checks of values
 * that every domain applies. The ground floor of the store: it calls no other store file but
 * the pure tokenizer that it registers on each connection (store_pairs.c); every other store
 * file builds on it (store_int.h). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store_int.h"
#include "store_pairs.h"
#include "store_sortkey.h"
#include "utf8.h"

static const char store_sql_user_version[] = "PRAGMA user_version";
/* Why the last store_open on this thread failed. */
static _Thread_local char store_open_errmsg[STORE_ERRMSG_MAX];

/* ---- errors ------------------------------------------------------------------------------- */

struct store_errtext {
	int err;
	const char *zh, *en;
};

static const struct store_errtext store_errtexts[] = {
    {0, "成功", "success"},
    {STORE_ENOENT, "没有这个账号或记录", "no such account or record"},
    {STORE_EEXIST, "已存在", "already exists"},
    {STORE_EBUSY, "数据库正被其他程序锁定，请稍后再试",
     "the database is locked by another writer; try again"},
    {STORE_EFULL, "磁盘已满，数据未保存", "disk full: nothing was saved"},
    {STORE_EINVAL, "无效的值", "invalid value"},
    {STORE_EIO, "数据库出错，操作未完成（详见日志）",
     "database error: the operation did not complete (see the log)"},
    {STORE_ESCHEMA, "数据库版本比本程序新，请升级程序",
     "the database is newer than this program; upgrade propdesk"},
    {STORE_EPROMISES, "还有未兑现的承诺：请先完成或撤回",
     "promises are still open: mark them done or withdraw them first"},
    {STORE_ESTATE, "当前状态下不允许此操作", "not allowed in this status"},
    {STORE_EOWNER, "这是别人负责的工作，只有负责人、受理人或主管可以处理",
     "this is another account's work: only its holder, its taker or a supervisor may change it"},
    {-ENOMEM, "内存不足", "out of memory"},
    {-EROFS, "数据库以只读方式打开，不能修改", "the database is open read-only"},
    {-EINVAL, "无效的参数", "invalid argument"},
    {-ENOENT, "文件或目录不存在", "no such file or directory"},
    {-EACCES, "没有权限", "permission denied"},
    {-EPERM, "操作不允许", "operation not permitted"},
    {-ENOSPC, "磁盘已满", "no space left on device"},
    {-EIO, "输入输出错误", "input/output error"},
    {-EEXIST, "已存在", "already exists"},
    {-EAGAIN, "资源暂时不可用，请稍后再试", "resource temporarily unavailable; try again"},
    {-ETIMEDOUT, "操作超时", "timed out"},
};

const char *store_strerror(int err, const char *lang)
{
	int zh = lang != NULL && strcmp(lang, "zh") == 0;
	size_t i;

	for (i = 0; i < sizeof store_errtexts / sizeof store_errtexts[0]; i++)
		if (store_errtexts[i].err == err)
			return zh ? store_errtexts[i].zh : store_errtexts[i].en;
	if (err < 0 && err > -4096)
		return zh ? "系统错误" : "system error";
	return zh ? "未知错误" : "unknown error";
}

const char *store_last_error(struct store *st)
{
	return st != NULL ? st->errmsg : store_open_errmsg;
}

/* SQLite result code (extended) -> 0 or a store error. */
static int store_map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_EBUSY;
	case SQLITE_FULL:
		return STORE_EFULL;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return STORE_EEXIST;
		/* CHECK, NOT NULL, FOREIGN KEY: a value the schema refuses. */
		return STORE_EINVAL;
	case SQLITE_TOOBIG:
	case SQLITE_RANGE:
		return STORE_EINVAL;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_READONLY:
		return -EROFS;
	default:
		return STORE_EIO;
	}
}

/* Records SQLite's message for rc and returns the store error. */
int store_fail(struct store *st, int rc)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s (%s)", sqlite3_errmsg(st->db),
	         sqlite3_errstr(rc));
	return store_map_rc(rc);
}

/* Records a failure that is not SQLite's. */
int store_fail_msg(struct store *st, int err, const char *msg)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s", msg);
	return err;
}

/* ---- statements --------------------------------------------------------------------------- */

/* The slot of the cache where sql is, or the empty one where it would go. The key is the
 * text's address (Fibonacci hashing spreads the addresses of neighbouring strings). */
static size_t store_stmt_slot(const struct store *st, const char *sql)
{
	size_t mask = st->stmts_cap - 1;
	size_t i = (size_t)(((uint64_t)(uintptr_t)sql * 0x9e3779b97f4a7c15u) >> 32) & mask;

	while (st->stmts[i].sql != NULL && st->stmts[i].sql != sql)
		i = (i + 1) & mask;
	return i;
}

/* Doubles the cache (at first: makes it), so that it stays at most half full. */
static int store_stmt_grow(struct store *st)
{
	struct store_stmt_entry *old = st->stmts;
	size_t oldcap = st->stmts_cap, i;

	st->stmts_cap = oldcap != 0 ? oldcap * 2 : 64;
	st->stmts = calloc(st->stmts_cap, sizeof *st->stmts);
	if (st->stmts == NULL) {
		st->stmts = old;
		st->stmts_cap = oldcap;
		return store_fail_msg(st, -ENOMEM, "out of memory");
	}
	for (i = 0; i < oldcap; i++)
		if (old[i].sql != NULL)
			st->stmts[store_stmt_slot(st, old[i].sql)] = old[i];
	free(old);
	return 0;
}

/* Prepares sql into *s (NULL on failure). */
static int store_stmt_prepare(struct store *st, const char *sql, sqlite3_stmt **s)
{
	int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);

	if (rc != SQLITE_OK) {
		*s = NULL;
		return store_fail(st, rc);
	}
	return 0;
}

int store_stmt(struct store *st, const char *sql, sqlite3_stmt **out)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	if (st->stmts_cap != 0) {
		i = store_stmt_slot(st, sql);
		if (st->stmts[i].sql != NULL) {
			*out = st->stmts[i].stmt;
			return 0;
		}
	}
	rc = store_stmt_prepare(st, sql, &s);
	if (rc < 0)
		return rc;
	if (2 * (st->nstmts + 1) > st->stmts_cap) {
		rc = store_stmt_grow(st);
		if (rc < 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	i = store_stmt_slot(st, sql);
	st->stmts[i].sql = sql;
	st->stmts[i].stmt = s;
	st->nstmts++;
	*out = s;
	return 0;
}

int store_stmt_built(struct store *st, const char *sql, sqlite3_stmt **out)
{
	uint32_t h = 2166136261u;
	sqlite3_stmt **slot;
	const char *p;
	int rc;

	for (p = sql; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	slot = &st->built[h % STORE_STMT_BUILT];
	if (*slot != NULL && strcmp(sqlite3_sql(*slot), sql) != 0) {
		sqlite3_finalize(*slot);
		*slot = NULL;
	}
	if (*slot == NULL) {
		rc = store_stmt_prepare(st, sql, slot);
		if (rc < 0)
			return rc;
	}
	*out = *slot;
	return 0;
}

/* Ends a statement's use: releases its read snapshot and any borrowed bound strings. */
void store_stmt_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Strings are bound SQLITE_STATIC: they must outlive the statement's use (store_stmt_done
 * clears them). */
int store_bind(struct store *st, sqlite3_stmt *s, const struct store_arg *args, size_t n)
{
	int rc = SQLITE_OK;
	size_t i;

	if (n != (size_t)sqlite3_bind_parameter_count(s)) {
		store_stmt_done(s);
		return store_fail_msg(st, STORE_EIO, "internal error: parameter count mismatch");
	}
	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		if (args[i].is_int)
			rc = sqlite3_bind_int64(s, (int)i + 1, args[i].num);
		else if (args[i].text != NULL)
			rc = sqlite3_bind_text(s, (int)i + 1, args[i].text, -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(s, (int)i + 1);
	}
	if (rc != SQLITE_OK) {
		rc = store_fail(st, rc);
		store_stmt_done(s);
		return rc;
	}
	return 0;
}

/* Runs a bound statement that returns no rows; *changes (if not NULL) gets the rows changed. */
int store_run(struct store *st, sqlite3_stmt *s, int *changes)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = store_fail(st, rc);
		store_stmt_done(s);
		return rc;
	}
	if (changes != NULL)
		*changes = sqlite3_changes(st->db);
	store_stmt_done(s);
	return 0;
}

int store_prep(struct store *st, const char *sql, sqlite3_stmt **out, const struct store_arg *args,
               size_t n)
{
	int rc = store_stmt(st, sql, out);

	return rc < 0 ? rc : store_bind(st, *out, args, n);
}

int store_exec(struct store *st, const char *sql, int *changes, const struct store_arg *args,
               size_t n)
{
	sqlite3_stmt *s = NULL;
	int rc = store_prep(st, sql, &s, args, n);

	return rc < 0 ? rc : store_run(st, s, changes);
}

int store_step_int(struct store *st, sqlite3_stmt *s, int64_t *v, bool *found)
{
	int rc = sqlite3_step(s);

	*v = 0;
	if (found != NULL)
		*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(s, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = found != NULL ? 0 : store_fail_msg(st, STORE_EIO, "internal error: no row");
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

int store_query_int(struct store *st, const char *sql, int64_t *v, const struct store_arg *args,
                    size_t n)
{
	sqlite3_stmt *s = NULL;
	int rc = store_prep(st, sql, &s, args, n);

	return rc < 0 ? rc : store_step_int(st, s, v, NULL);
}

/* ---- open, close -------------------------------------------------------------------------- */

int64_t store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t store_clock_ms(const struct store *st)
{
	return st->clock_ms > 0 ? st->clock_ms : store_now_ms();
}

/* After a wait for another writer ran out, changes in the next second give up at once: the
 * lock is held by something slow (an admin's sqlite3 shell), and each wait would stall the
 * loop thread, so every session, for busy_timeout. One wait a second still probes the lock. */
#define STORE_BUSY_QUIET_MS 1000

static int64_t store_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SQLite's busy handler: 1 = try the lock again (after a short sleep), 0 = SQLITE_BUSY. */
static int store_busy_cb(void *arg, int count)
{
	static const int delays_ms[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
	struct store *st = arg;
	int64_t now = store_mono_ms(), left;
	int d;

	if (count == 0) {
		if (st->busy_gave_up_ms != 0 && now - st->busy_gave_up_ms < STORE_BUSY_QUIET_MS)
			return 0;
		st->busy_start_ms = now;
	}
	left = st->busy_start_ms + st->busy_timeout_ms - now;
	if (left <= 0) {
		st->busy_gave_up_ms = now;
		return 0;
	}
	d = delays_ms[count < 12 ? count : 11];
	sqlite3_sleep(d < left ? d : (int)left);
	return 1;
}

static int store_open_fail(sqlite3 *db, int rc, const char *what)
{
	snprintf(store_open_errmsg, sizeof store_open_errmsg, "%s: %s (%s)", what,
	         db != NULL ? sqlite3_errmsg(db) : "out of memory", sqlite3_errstr(rc));
	sqlite3_close(db);
	return store_map_rc(rc) != 0 ? store_map_rc(rc) : STORE_EIO;
}

int store_open(const char *path, unsigned flags, int busy_timeout_ms, struct store **out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	struct store *st;
	int oflags, rc;

	*out = NULL;
	store_open_errmsg[0] = '\0';
	if (path == NULL || busy_timeout_ms < 0)
		return STORE_EINVAL;
	if (sodium_init() < 0)
		return -ENOMEM;
	oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
	                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &db, oflags, NULL);
	if (rc != SQLITE_OK)
		return store_open_fail(db, rc, "open");
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, busy_timeout_ms);
	rc = store_pairs_register(db);
	if (rc != SQLITE_OK)
		return store_open_fail(db, rc, "search tokenizer");
	rc = store_sortkey_register(db);
	if (rc != SQLITE_OK)
		return store_open_fail(db, rc, "unit sort key");
	rc = sqlite3_exec(db,
	                  (flags & STORE_NOSYNC) ? "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
	                                         : "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;",
	                  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_open_fail(db, rc, "pragma");
	if (!(flags & STORE_READONLY)) {
		const unsigned char *mode;

		rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(s);
		mode = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
		if (mode == NULL || (strcmp((const char *)mode, "wal") != 0 &&
		                     strcmp((const char *)mode, "memory") != 0)) {
			if (rc == SQLITE_ROW || rc == SQLITE_DONE)
				rc = SQLITE_ERROR;
			sqlite3_finalize(s);
			return store_open_fail(db, rc, "journal_mode=WAL");
		}
		sqlite3_finalize(s);
	}
	st = calloc(1, sizeof *st);
	if (st == NULL) {
		sqlite3_close(db);
		return -ENOMEM;
	}
	st->db = db;
	st->flags = flags;
	st->busy_timeout_ms = busy_timeout_ms;
	sqlite3_busy_handler(db, store_busy_cb, st);
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	if (st->seal_free != NULL)
		st->seal_free(st); /* wipes the sealing key */
	for (i = 0; i < st->stmts_cap; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	free(st->stmts);
	for (i = 0; i < STORE_STMT_BUILT; i++)
		sqlite3_finalize(st->built[i]);
	sqlite3_close(st->db);
	free(st);
}

int store_user_version(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rc, v;

	rc = store_stmt(st, store_sql_user_version, &s);
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rc = store_fail(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
		store_stmt_done(s);
		return rc;
	}
	v = sqlite3_column_int(s, 0);
	store_stmt_done(s);
	return v;
}

int store_analyze(struct store *st)
{
	int rc;

	if (st->flags & STORE_READONLY)
		return 0;
	/* Sampled statistics (about a thousand rows per index), so this takes milliseconds
	 * whatever the size of the desk: enough for the planner to tell a selective index from
	 * one that is not. */
	rc = sqlite3_exec(st->db, "PRAGMA analysis_limit = 1000; ANALYZE;", NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_fail(st, rc);
}

/* ---- validation --------------------------------------------------------------------------- */

/* Valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF: utf8_decode is strict),
 * no C0/C1 controls or DEL, no invisible or direction-changing character (utf8_is_invisible:
 * text must show what it is), at most max bytes; spaces only when allowed. */
bool store_text_ok(const char *s, size_t max, bool spaces)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;

	if (len > max)
		return false;
	while (i < len) {
		uint32_t cp;
		int n = utf8_decode(p + i, len - i, &cp);

		if (n <= 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
		    (cp == ' ' && !spaces) || utf8_is_invisible(cp))
			return false;
		i += (size_t)n;
	}
	return true;
}

bool store_name_ok(const char *name)
{
	return name != NULL && name[0] != '\0' && store_text_ok(name, STORE_NAME_MAX, false);
}

/* Printable ASCII without spaces, 1..max bytes. */
bool store_ascii_ok(const char *s, size_t max)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

bool store_code_ok(const char *code)
{
	size_t i;

	if (code == NULL || code[0] == '\0' || code[0] == '-' || code[0] == '_')
		return false;
	for (i = 0; code[i] != '\0'; i++) {
		char c = code[i];

		if (i >= 32 ||
		    !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Text of 1..max bytes with something other than white space in it; multiline also allows
 * newlines, carriage returns (only when cr) and tabs. 0, STORE_EINVAL or -ENOMEM. */
int store_text_check(const char *s, size_t max, bool multiline, bool cr)
{
	size_t len, i;
	bool content = false, ok;
	char *copy;

	if (s == NULL)
		return STORE_EINVAL;
	len = strlen(s);
	if (len == 0 || len > max)
		return STORE_EINVAL;
	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			content = true;
	if (!content)
		return STORE_EINVAL;
	if (!multiline)
		return store_text_ok(s, max, true) ? 0 : STORE_EINVAL;
	copy = strdup(s);
	if (copy == NULL)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		if (copy[i] == '\n' || copy[i] == '\t' || (cr && copy[i] == '\r'))
			copy[i] = ' ';
	ok = store_text_ok(copy, max, true);
	free(copy);
	return ok ? 0 : STORE_EINVAL;
}

/* NULL for NULL or "". */
const char *store_text_opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* out = at most max bytes of s cut at a character boundary, newlines and tabs as spaces,
 * "…" appended when cut. out holds max + 4 bytes. */
void store_text_clip(const char *s, size_t max, char *out)
{
	size_t len = strlen(s), n = len, i;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	for (i = 0; i < n; i++)
		if (out[i] == '\n' || out[i] == '\t' || out[i] == '\r')
			out[i] = ' ';
	if (n < len) {
		memcpy(out + n, "\xe2\x80\xa6", 3); /* … */
		n += 3;
	}
	out[n] = '\0';
}

/* detail = "<head><text>" with the text whole; audit = the same with the text clipped. Both
 * are malloc'ed (the caller frees). */
int store_text_details(const char *head, const char *text, char **detail,
                       char audit[STORE_DETAIL_MAX])
{
	char clip[STORE_CLIP + 4];

	*detail = NULL;
	if (asprintf(detail, "%s%s", head, text) < 0) {
		*detail = NULL;
		return -ENOMEM;
	}
	store_text_clip(text, STORE_CLIP, clip);
	snprintf(audit, STORE_DETAIL_MAX, "%s%s", head, clip);
	return 0;
}

static bool store_phone_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool store_id_number_ok(const char *id)
{
	static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0, i;

	if (id == NULL || strlen(id) != 18)
		return false;
	for (i = 0; i < 17; i++) {
		if (id[i] < '0' || id[i] > '9')
			return false;
		sum += (id[i] - '0') * weight[i];
	}
	return id[17] == check[sum % 11];
}

bool store_phone_ok(const char *phone)
{
	size_t len, area, rest;

	if (phone == NULL)
		return false;
	len = strlen(phone);
	if (len == 11 && phone[0] == '1' && phone[1] >= '3' && phone[1] <= '9' &&
	    store_phone_digits(phone, len))
		return true;
	if (len < 10 || phone[0] != '0')
		return false;
	/* 0 + 2-3 digits of area code, an optional '-', 7-8 digits. */
	for (area = 2; area <= 3; area++) {
		const char *p = phone + 1 + area;

		if (!store_phone_digits(phone + 1, area))
			continue;
		if (*p == '-')
			p++;
		rest = strlen(p);
		if ((rest == 7 || rest == 8) && store_phone_digits(p, rest))
			return true;
	}
	return false;
}

/* ---- reading rows ------------------------------------------------------------------------- */

const char *store_enum_name(const char *const *names, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? names[v] : NULL;
}

int store_enum_parse(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

int store_col_enum(sqlite3_stmt *s, int i, int (*parse)(const char *))
{
	int v = parse((const char *)sqlite3_column_text(s, i));

	return v < 0 ? 0 : v;
}

/* *out = a copy of column i's text (NULL for SQL NULL). */
int store_col_dup(sqlite3_stmt *s, int i, char **out)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	*out = NULL;
	if (t == NULL)
		return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 : -ENOMEM;
	*out = strdup((const char *)t);
	return *out != NULL ? 0 : -ENOMEM;
}

/* Grows *list (of elements of size sz) so that it holds at least n + 1. */
int store_grow(void **list, size_t *cap, size_t n, size_t sz)
{
	void *p;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap != 0 ? *cap * 2 : 16;
	p = reallocarray(*list, ncap, sz);
	if (p == NULL)
		return -ENOMEM;
	*list = p;
	*cap = ncap;
	return 0;
}

int store_collect(struct store *st, sqlite3_stmt *s, size_t sz, store_fill_fn fill,
                  store_clear_fn clear, void **out, size_t *n)
{
	char *list = NULL;
	size_t cap = 0, count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		void *p = list;

		if (store_grow(&p, &cap, count, sz) < 0) {
			rc = -ENOMEM;
			break;
		}
		list = p;
		if (fill(s, list + count * sz) < 0) {
			rc = -ENOMEM;
			break;
		}
		count++;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc);
	store_stmt_done(s);
	if (rc < 0) {
		store_list_free(list, count, sz, clear);
		return rc;
	}
	*out = list;
	*n = count;
	return 0;
}

void store_list_free(void *list, size_t n, size_t sz, store_clear_fn clear)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		clear((char *)list + i * sz);
	free(list);
}

int store_set_autocheckpoint(struct store *st, int pages)
{
	int rc = sqlite3_wal_autocheckpoint(st->db, pages);

	return rc == SQLITE_OK ? 0 : store_fail(st, rc);
}

uint64_t store_changes(struct store *st)
{
	return (uint64_t)sqlite3_total_changes64(st->db);
}

int store_sync_log(const char *db_path)
{
	char path[4096];
	int fd, rc = 0;

	if (snprintf(path, sizeof path, "%s-wal", db_path) >= (int)sizeof path)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* no log: everything is in the database */
	if (fdatasync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* SQLite's largest page count (its default is 2^30 - 1 in 3.40, 2^32 - 2 in newer releases). */
#define STORE_PAGES_UNLIMITED 4294967294LL

/* Runs "PRAGMA name" or "PRAGMA name = value" (value >= 0) and reads its integer answer. */
static int store_pragma_int(struct store *st, const char *name, long long value, long long *out)
{
	sqlite3_stmt *s = NULL;
	char sql[96];
	int rc;

	if (value >= 0)
		snprintf(sql, sizeof sql, "PRAGMA %s = %lld", name, value);
	else
		snprintf(sql, sizeof sql, "PRAGMA %s", name);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rc = store_fail(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
		sqlite3_finalize(s);
		return rc;
	}
	*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return 0;
}

int store_set_max_size(struct store *st, uint64_t bytes)
{
	long long page_size = 0, pages = STORE_PAGES_UNLIMITED, set = 0;
	int rc;

	if (bytes > 0) {
		rc = store_pragma_int(st, "page_size", -1, &page_size);
		if (rc < 0)
			return rc;
		if (page_size <= 0)
			return store_fail_msg(st, STORE_EIO, "page_size is not positive");
		pages = (long long)(bytes / (uint64_t)page_size);
		if (pages > STORE_PAGES_UNLIMITED)
			pages = STORE_PAGES_UNLIMITED;
		if (pages < 1)
			pages = 1;
	}
	/* SQLite answers with the cap it applied: never below the current page count. */
	return store_pragma_int(st, "max_page_count", pages, &set);
}

int store_checkpoint(struct store *st, int *wal_pages, int *done)
{
	int log = 0, ckpt = 0;
	int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &ckpt);

	if (wal_pages != NULL)
		*wal_pages = log;
	if (done != NULL)
		*done = ckpt;
	return rc == SQLITE_OK ? 0 : store_fail(st, rc);
}
