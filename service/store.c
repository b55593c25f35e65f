/* store — accounts, keys and the hash-chained audit log in SQLite. Every mutation is one
 * BEGIN IMMEDIATE transaction holding both the change and its audit event. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "store_int.h"
#include "store_search.h"
#include "utf8.h"

/* Every statement the store runs, prepared once per connection on first use. */
enum store_sql_id {
	STORE_SQL_BEGIN,
	STORE_SQL_COMMIT,
	STORE_SQL_ROLLBACK,
	STORE_SQL_SAVEPOINT,
	STORE_SQL_RELEASE,
	STORE_SQL_ROLLBACK_TO,
	STORE_SQL_USER_VERSION,
	STORE_SQL_ACCOUNT_GET,
	STORE_SQL_ACCOUNT_LIST,
	STORE_SQL_ACCOUNT_STATE,
	STORE_SQL_ACCOUNT_ADD,
	STORE_SQL_ACCOUNT_SET_ROLE,
	STORE_SQL_ACCOUNT_LOCK,
	STORE_SQL_ACCOUNT_UNLOCK,
	STORE_SQL_ACCOUNT_SET_PASSWORD,
	STORE_SQL_KEY_ADD,
	STORE_SQL_KEY_LIST,
	STORE_SQL_LOGIN_OK,
	STORE_SQL_LOGIN_FAILED,
	STORE_SQL_AUDIT_LAST,
	STORE_SQL_AUDIT_INSERT,
	STORE_SQL_AUDIT_LIST,
	STORE_SQL_AUDIT_ALL,
	STORE_SQL_COUNT
};

#define STORE_ACCOUNT_COLS                                                                         \
	"id, name, display, role, lang, team, pwhash, locked, failed, locked_until, created, "     \
	"last_login"
#define STORE_AUDIT_COLS                                                                           \
	"seq, ts_ms, account, role, session, peer, transport, action, target, detail, "            \
	"prev_hash, hash"

static const char *const store_sql_text[STORE_SQL_COUNT] = {
    [STORE_SQL_BEGIN] = "BEGIN IMMEDIATE",
    [STORE_SQL_COMMIT] = "COMMIT",
    [STORE_SQL_ROLLBACK] = "ROLLBACK",
    [STORE_SQL_SAVEPOINT] = "SAVEPOINT store_change",
    [STORE_SQL_RELEASE] = "RELEASE store_change",
    [STORE_SQL_ROLLBACK_TO] = "ROLLBACK TO store_change",
    [STORE_SQL_USER_VERSION] = "PRAGMA user_version",
    [STORE_SQL_ACCOUNT_GET] = "SELECT " STORE_ACCOUNT_COLS " FROM accounts WHERE name = ?1",
    [STORE_SQL_ACCOUNT_LIST] = "SELECT " STORE_ACCOUNT_COLS " FROM accounts ORDER BY name",
    [STORE_SQL_ACCOUNT_STATE] =
        "SELECT id, role, failed, locked_until FROM accounts WHERE name = ?1",
    [STORE_SQL_ACCOUNT_ADD] =
        "INSERT INTO accounts (name, display, role, lang, team, pwhash, created, updated)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    [STORE_SQL_ACCOUNT_SET_ROLE] = "UPDATE accounts SET role = ?2, updated = ?3 WHERE name = ?1",
    [STORE_SQL_ACCOUNT_LOCK] = "UPDATE accounts SET locked = 1, updated = ?2 WHERE name = ?1",
    [STORE_SQL_ACCOUNT_UNLOCK] =
        "UPDATE accounts SET locked = 0, failed = 0, locked_until = 0, updated = ?2"
        " WHERE name = ?1",
    [STORE_SQL_ACCOUNT_SET_PASSWORD] =
        "UPDATE accounts SET pwhash = ?2, updated = ?3 WHERE name = ?1",
    [STORE_SQL_KEY_ADD] = "INSERT INTO account_keys (account_id, keytype, blob, comment, created)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)",
    [STORE_SQL_KEY_LIST] = "SELECT id, keytype, blob, comment, created FROM account_keys"
                           " WHERE account_id = ?1 ORDER BY id",
    [STORE_SQL_LOGIN_OK] =
        "UPDATE accounts SET failed = 0, locked_until = 0, last_login = ?2 WHERE name = ?1",
    [STORE_SQL_LOGIN_FAILED] = "UPDATE accounts SET failed = ?2, locked_until = ?3 WHERE name = ?1",
    [STORE_SQL_AUDIT_LAST] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
    [STORE_SQL_AUDIT_INSERT] = "INSERT INTO audit (" STORE_AUDIT_COLS ")"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [STORE_SQL_AUDIT_LIST] =
        "SELECT " STORE_AUDIT_COLS " FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    [STORE_SQL_AUDIT_ALL] = "SELECT " STORE_AUDIT_COLS " FROM audit ORDER BY seq",
};

/* The schema, one step per version. Never edit a released step: add a new one. */
struct store_migration {
	int version;
	const char *sql;
};

static const struct store_migration store_migrations[] = {
    {1, "CREATE TABLE accounts ("
        " id INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL UNIQUE COLLATE BINARY,"
        " display TEXT NOT NULL DEFAULT '',"
        " role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'auditor', 'admin')),"
        " lang TEXT NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),"
        " team TEXT,"
        " pwhash TEXT,"
        " locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),"
        " failed INTEGER NOT NULL DEFAULT 0,"
        " locked_until INTEGER NOT NULL DEFAULT 0,"
        " created INTEGER NOT NULL,"
        " updated INTEGER NOT NULL,"
        " last_login INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE TABLE account_keys ("
        " id INTEGER PRIMARY KEY,"
        " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
        " keytype TEXT NOT NULL,"
        " blob TEXT NOT NULL,"
        " comment TEXT,"
        " created INTEGER NOT NULL,"
        " UNIQUE (account_id, keytype, blob)"
        ");"
        "CREATE TABLE audit ("
        " seq INTEGER PRIMARY KEY,"
        " ts_ms INTEGER NOT NULL,"
        " account TEXT,"
        " role TEXT,"
        " session TEXT,"
        " peer TEXT,"
        " transport TEXT,"
        " action TEXT NOT NULL,"
        " target TEXT,"
        " detail TEXT,"
        " prev_hash TEXT NOT NULL,"
        " hash TEXT NOT NULL"
        ");"
        "CREATE INDEX audit_account_ts ON audit (account, ts_ms);"
        "CREATE INDEX audit_action ON audit (action);"},
    /* Complaints tagged by communication technique, their notes, history, handovers and
     * promises; the unit register; guided-form drafts (store_complaint.c). */
    {2, "CREATE TABLE units ("
        " id INTEGER PRIMARY KEY,"
        " code TEXT NOT NULL UNIQUE,"
        " building TEXT,"
        " owner_name TEXT,"
        " owner_phone TEXT,"
        " area_m2 REAL,"
        " created INTEGER NOT NULL"
        ");"
        "CREATE TABLE complaints ("
        " id INTEGER PRIMARY KEY,"
        " number TEXT NOT NULL UNIQUE,"
        " unit TEXT NOT NULL,"
        " unit_verified INTEGER NOT NULL DEFAULT 0 CHECK (unit_verified IN (0, 1)),"
        " caller TEXT NOT NULL,"
        " relation TEXT NOT NULL CHECK (relation IN ('owner', 'family', 'tenant', 'other')),"
        " phone TEXT,"
        " channel TEXT NOT NULL CHECK (channel IN ('phone', 'visit', 'onsite')),"
        " category TEXT NOT NULL,"
        " words TEXT NOT NULL,"
        " mood TEXT NOT NULL CHECK (mood IN ('calm', 'upset', 'angry')),"
        " dialect TEXT,"
        " outcome TEXT,"
        " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN"
        "  ('open', 'in_progress', 'resolved', 'escalated', 'reopened')),"
        " agent TEXT NOT NULL,"
        " assignee TEXT NOT NULL,"
        " created_ms INTEGER NOT NULL,"
        " updated_ms INTEGER NOT NULL,"
        " resolved_ms INTEGER"
        ");"
        "CREATE INDEX complaints_status ON complaints (status, created_ms);"
        "CREATE INDEX complaints_assignee ON complaints (assignee, created_ms);"
        "CREATE INDEX complaints_agent ON complaints (agent, created_ms);"
        "CREATE INDEX complaints_unit ON complaints (unit, created_ms);"
        "CREATE INDEX complaints_category ON complaints (category, created_ms);"
        "CREATE INDEX complaints_created ON complaints (created_ms);"
        "CREATE TABLE complaint_days ("
        " day TEXT PRIMARY KEY,"
        " last INTEGER NOT NULL"
        ") WITHOUT ROWID;"
        "CREATE TABLE complaint_techniques ("
        " complaint_id INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,"
        " code TEXT NOT NULL,"
        " PRIMARY KEY (complaint_id, code)"
        ") WITHOUT ROWID;"
        "CREATE INDEX complaint_techniques_code ON complaint_techniques (code, complaint_id);"
        "CREATE TABLE complaint_notes ("
        " id INTEGER PRIMARY KEY,"
        " complaint_id INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,"
        " author TEXT,"
        " ts_ms INTEGER NOT NULL,"
        " text TEXT NOT NULL"
        ");"
        "CREATE INDEX complaint_notes_complaint ON complaint_notes (complaint_id, id);"
        "CREATE TABLE complaint_history ("
        " id INTEGER PRIMARY KEY,"
        " complaint_id INTEGER NOT NULL REFERENCES complaints(id),"
        " ts_ms INTEGER NOT NULL,"
        " account TEXT,"
        " action TEXT NOT NULL,"
        " detail TEXT"
        ");"
        "CREATE INDEX complaint_history_complaint ON complaint_history (complaint_id, action);"
        "CREATE TRIGGER complaint_history_no_update BEFORE UPDATE ON complaint_history"
        " BEGIN SELECT RAISE(ABORT, 'complaint_history is append-only'); END;"
        "CREATE TRIGGER complaint_history_no_delete BEFORE DELETE ON complaint_history"
        " BEGIN SELECT RAISE(ABORT, 'complaint_history is append-only'); END;"
        "CREATE TABLE handovers ("
        " id INTEGER PRIMARY KEY,"
        " complaint_id INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,"
        " from_account TEXT,"
        " to_account TEXT NOT NULL,"
        " ts_ms INTEGER NOT NULL,"
        " note TEXT"
        ");"
        "CREATE INDEX handovers_complaint ON handovers (complaint_id, id);"
        "CREATE TABLE promises ("
        " id INTEGER PRIMARY KEY,"
        " complaint_id INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,"
        " agent TEXT NOT NULL,"
        " what TEXT NOT NULL,"
        " due_ms INTEGER NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'withdrawn')),"
        " created_ms INTEGER NOT NULL,"
        " closed_ms INTEGER,"
        " note TEXT"
        ");"
        "CREATE INDEX promises_status_due ON promises (status, due_ms);"
        "CREATE INDEX promises_complaint ON promises (complaint_id, status);"
        "CREATE INDEX promises_agent ON promises (agent, status, due_ms);"
        "CREATE TABLE drafts ("
        " account TEXT NOT NULL,"
        " kind TEXT NOT NULL,"
        " data TEXT NOT NULL,"
        " step INTEGER NOT NULL,"
        " updated_ms INTEGER NOT NULL,"
        " PRIMARY KEY (account, kind)"
        ") WITHOUT ROWID;"},
    /* The substring index of `complaint search` (store_search.h): one FTS5 document per
     * complaint, its words, outcome and notes joined by U+001F, read from a view. Triggers only
     * note which complaints changed, with the text the index holds for each (NULL: not in it),
     * in complaint_search_pending; the store brings the index up to date from there at the end
     * of each of its transactions (store_search_sync), in one statement for a whole batch. So a
     * change by hand (the sqlite3 shell, which has no tokenizer) still works, and is indexed by
     * the next change through the store; meanwhile searches scan. */
    {3, "CREATE VIEW complaint_search_text (id, body) AS SELECT c.id, c.words || char(31) ||"
        " coalesce(c.outcome, '') || char(31) || coalesce((SELECT group_concat(n.text, char(31))"
        " FROM complaint_notes n WHERE n.complaint_id = c.id) || char(31), '')"
        " FROM complaints c;"
        "CREATE VIRTUAL TABLE complaint_search USING fts5(body, content='complaint_search_text',"
        " content_rowid='id', tokenize='" STORE_SEARCH_TOKENIZER "', columnsize=0);"
        "INSERT INTO complaint_search (complaint_search) VALUES ('rebuild');"
        "CREATE TABLE complaint_search_pending ("
        " complaint_id INTEGER PRIMARY KEY,"
        " indexed TEXT"
        ");"
        "CREATE TRIGGER complaint_search_add AFTER INSERT ON complaints BEGIN"
        " INSERT OR IGNORE INTO complaint_search_pending VALUES (new.id, NULL); END;"
        "CREATE TRIGGER complaint_search_change BEFORE UPDATE OF words, outcome ON complaints"
        " BEGIN INSERT OR IGNORE INTO complaint_search_pending"
        "  SELECT id, body FROM complaint_search_text WHERE id = old.id; END;"
        "CREATE TRIGGER complaint_search_remove BEFORE DELETE ON complaints BEGIN"
        " INSERT OR IGNORE INTO complaint_search_pending"
        "  SELECT id, body FROM complaint_search_text WHERE id = old.id; END;"
        "CREATE TRIGGER complaint_search_note_add BEFORE INSERT ON complaint_notes BEGIN"
        " INSERT OR IGNORE INTO complaint_search_pending"
        "  SELECT id, body FROM complaint_search_text WHERE id = new.complaint_id; END;"
        "CREATE TRIGGER complaint_search_note_change BEFORE UPDATE OF text, complaint_id"
        " ON complaint_notes BEGIN INSERT OR IGNORE INTO complaint_search_pending"
        "  SELECT id, body FROM complaint_search_text"
        "  WHERE id IN (old.complaint_id, new.complaint_id); END;"
        "CREATE TRIGGER complaint_search_note_remove BEFORE DELETE ON complaint_notes BEGIN"
        " INSERT OR IGNORE INTO complaint_search_pending"
        "  SELECT id, body FROM complaint_search_text WHERE id = old.complaint_id; END;"},
    /* The open promises of one complaint, with their due times, from the index alone: a
     * complaint's row in a list counts them and takes the earliest due time, and `--overdue`
     * asks whether one is past due. The queries name this index (INDEXED BY), so their plans
     * do not depend on statistics. */
    {4, "DROP INDEX promises_complaint;"
        "CREATE INDEX promises_complaint ON promises (complaint_id, status, due_ms);"},
};

#define STORE_NMIGRATIONS (sizeof store_migrations / sizeof store_migrations[0])

_Static_assert(STORE_SQL_COUNT <= STORE_STMT_CORE, "store.c's statements overflow their slots");

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

/* The cached statement id, reset and ready for binding. */
static int store_stmt(struct store *st, enum store_sql_id id, sqlite3_stmt **out)
{
	int rc;

	if (st->stmt[id] == NULL) {
		rc = sqlite3_prepare_v3(st->db, store_sql_text[id], -1, SQLITE_PREPARE_PERSISTENT,
		                        &st->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			st->stmt[id] = NULL;
			return store_fail(st, rc);
		}
	}
	*out = st->stmt[id];
	return 0;
}

int store_stmt_sql(struct store *st, size_t slot, const char *sql, sqlite3_stmt **out)
{
	sqlite3_stmt *s;
	int rc;

	if (slot >= STORE_STMT_SLOTS)
		return store_fail_msg(st, STORE_EIO, "internal error: statement slot out of range");
	s = st->stmt[slot];
	if (s != NULL && strcmp(sqlite3_sql(s), sql) != 0) {
		sqlite3_finalize(s);
		st->stmt[slot] = NULL;
	}
	if (st->stmt[slot] == NULL) {
		rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[slot],
		                        NULL);
		if (rc != SQLITE_OK) {
			st->stmt[slot] = NULL;
			return store_fail(st, rc);
		}
	}
	*out = st->stmt[slot];
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

/* Runs one of the statements that take no parameters. */
static int store_run_id(struct store *st, enum store_sql_id id)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, id, &s);

	return rc < 0 ? rc : store_run(st, s, NULL);
}

/* ---- transactions ------------------------------------------------------------------------- */

int store_tx_begin(struct store *st)
{
	return store_run_id(st, st->batch ? STORE_SQL_SAVEPOINT : STORE_SQL_BEGIN);
}

/* Ends the transaction: commits when err is 0, otherwise (or when the commit fails) rolls
 * back. Returns err, or the commit's error. */
int store_tx_end(struct store *st, int err)
{
	if (err == 0 && !st->batch)
		err = store_search_sync(st);
	if (st->batch) {
		char saved[STORE_ERRMSG_MAX];

		if (err == 0)
			return store_run_id(st, STORE_SQL_RELEASE);
		memcpy(saved, st->errmsg, sizeof saved);
		if (!sqlite3_get_autocommit(st->db)) {
			store_run_id(st, STORE_SQL_ROLLBACK_TO);
			store_run_id(st, STORE_SQL_RELEASE);
		} else {
			/* SQLite rolled the whole batch back (e.g. the disk is full). */
			st->batch = false;
		}
		memcpy(st->errmsg, saved, sizeof saved);
		return err;
	}
	if (err == 0)
		err = store_run_id(st, STORE_SQL_COMMIT);
	if (err != 0 && !sqlite3_get_autocommit(st->db)) {
		/* Keep the message of the failure, not of the rollback. */
		char saved[STORE_ERRMSG_MAX];

		memcpy(saved, st->errmsg, sizeof saved);
		store_run_id(st, STORE_SQL_ROLLBACK);
		memcpy(st->errmsg, saved, sizeof saved);
	}
	return err;
}

int store_batch_begin(struct store *st)
{
	int rc;

	if (st->batch || !sqlite3_get_autocommit(st->db))
		return store_fail_msg(st, STORE_EINVAL, "a batch is already open");
	/* Each change of the batch is a savepoint, whose undo journal would otherwise be a
	 * temporary file written page by page. */
	rc = sqlite3_exec(st->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc);
	rc = store_run_id(st, STORE_SQL_BEGIN);
	if (rc == 0)
		st->batch = true;
	return rc;
}

int store_batch_end(struct store *st, int err)
{
	bool open = st->batch;

	st->batch = false;
	if (!open && err == 0)
		return store_fail_msg(st, STORE_EIO, "the batch was rolled back");
	err = store_tx_end(st, err); /* which brings the search index up to date */
	/* A batch is a bulk load: the statistics of before may no longer describe the data. */
	return err < 0 ? err : store_analyze(st);
}

/* ---- open, close, migrate ----------------------------------------------------------------- */

int64_t store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
	rc = store_search_register(db);
	if (rc != SQLITE_OK)
		return store_open_fail(db, rc, "search tokenizer");
	rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", NULL, NULL,
	                  NULL);
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
	for (i = 0; i < STORE_STMT_SLOTS; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
}

int store_latest_schema_version(void)
{
	return store_migrations[STORE_NMIGRATIONS - 1].version;
}

int store_schema_version(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rc, v;

	rc = store_stmt(st, STORE_SQL_USER_VERSION, &s);
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

/* Applies step m unless the schema (read again inside the transaction: another process may
 * have migrated meanwhile) is already there. */
static int store_migrate_step(struct store *st, const struct store_migration *m)
{
	char sql[64];
	int rc, v;

	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	v = store_schema_version(st);
	if (v < 0)
		return store_tx_end(st, v);
	if (v > store_latest_schema_version())
		return store_tx_end(st, store_fail_msg(st, STORE_ESCHEMA, "schema is newer"));
	if (v >= m->version)
		return store_tx_end(st, 0);
	rc = sqlite3_exec(st->db, m->sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		/* A program constant, not user data: PRAGMA takes no bound parameters. */
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
		rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
	return store_tx_end(st, rc == SQLITE_OK ? 0 : store_fail(st, rc));
}

int store_migrate(struct store *st)
{
	size_t i;
	int rc, v;

	v = store_schema_version(st);
	if (v < 0)
		return v;
	if (v > store_latest_schema_version()) {
		snprintf(st->errmsg, sizeof st->errmsg,
		         "database schema version %d is newer than this program's %d", v,
		         store_latest_schema_version());
		return STORE_ESCHEMA;
	}
	for (i = 0; i < STORE_NMIGRATIONS; i++) {
		if (store_migrations[i].version <= v)
			continue;
		rc = store_migrate_step(st, &store_migrations[i]);
		if (rc < 0)
			return rc;
	}
	return store_analyze(st);
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

static bool store_base64_ok(const char *s, size_t max)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i >= max || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		                  (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			return false;
	}
	return true;
}

/* ---- the audit chain ---------------------------------------------------------------------- */

/* Appends one event inside the caller's transaction: seq = max(seq) + 1, chained to the
 * previous event's hash. */
int store_audit_append(struct store *st, const struct audit_ctx *ctx, int64_t ts_ms,
                       const char *action, const char *target, const char *detail)
{
	static const struct audit_ctx none;
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1];
	struct audit_record r;
	sqlite3_stmt *s = NULL;
	int rc;

	if (ctx == NULL)
		ctx = &none;
	rc = store_stmt(st, STORE_SQL_AUDIT_LAST, &s);
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(s, 1);

		r.seq = sqlite3_column_int64(s, 0) + 1;
		/* A damaged last hash is chained as it is: verify reports that event. */
		snprintf(prev, sizeof prev, "%s", h != NULL ? (const char *)h : "");
	} else if (rc == SQLITE_DONE) {
		r.seq = 1;
		memcpy(prev, audit_genesis_hash, sizeof prev);
	} else {
		rc = store_fail(st, rc);
		store_stmt_done(s);
		return rc;
	}
	store_stmt_done(s);

	r.ts_ms = ts_ms;
	r.account = ctx->account;
	r.role = ctx->role;
	r.session = ctx->session;
	r.peer = ctx->peer;
	r.transport = ctx->transport;
	r.action = action;
	r.target = target;
	r.detail = detail;
	r.prev_hash = prev;
	rc = audit_hash(&r, hash);
	if (rc < 0)
		return store_fail_msg(st, rc, "libsodium initialisation failed");

	rc = store_stmt(st, STORE_SQL_AUDIT_INSERT, &s);
	if (rc < 0)
		return rc;
	rc =
	    STORE_BIND(st, s, STORE_I(r.seq), STORE_I(r.ts_ms), STORE_T(r.account), STORE_T(r.role),
	               STORE_T(r.session), STORE_T(r.peer), STORE_T(r.transport), STORE_T(r.action),
	               STORE_T(r.target), STORE_T(r.detail), STORE_T(r.prev_hash), STORE_T(hash));
	if (rc < 0)
		return rc;
	return store_run(st, s, NULL);
}

int store_audit(struct store *st, const struct audit_ctx *ctx, const char *action,
                const char *target, const char *detail)
{
	int rc;

	if (!store_ascii_ok(action, STORE_ACTION_MAX))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	return store_tx_end(st,
	                    store_audit_append(st, ctx, store_now_ms(), action, target, detail));
}

/* ---- reading rows ------------------------------------------------------------------------- */

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

void account_clear(struct account *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->display);
	free(a->lang);
	free(a->team);
	if (a->pwhash != NULL) {
		sodium_memzero(a->pwhash, strlen(a->pwhash));
		free(a->pwhash);
	}
	memset(a, 0, sizeof *a);
}

static int store_account_fill(sqlite3_stmt *s, struct account *a)
{
	char *role = NULL;
	int rc = 0;

	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(s, 0);
	rc |= store_col_dup(s, 1, &a->name);
	rc |= store_col_dup(s, 2, &a->display);
	rc |= store_col_dup(s, 3, &role);
	rc |= store_col_dup(s, 4, &a->lang);
	rc |= store_col_dup(s, 5, &a->team);
	rc |= store_col_dup(s, 6, &a->pwhash);
	a->locked = sqlite3_column_int(s, 7) != 0;
	a->failed = sqlite3_column_int(s, 8);
	a->locked_until = sqlite3_column_int64(s, 9);
	a->created = sqlite3_column_int64(s, 10);
	a->last_login = sqlite3_column_int64(s, 11);
	a->role = role_parse(role);
	free(role);
	if (rc != 0) {
		account_clear(a);
		return -ENOMEM;
	}
	return 0;
}

int store_account_get(struct store *st, const char *name, struct account *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (name == NULL)
		return STORE_EINVAL;
	rc = store_stmt(st, STORE_SQL_ACCOUNT_GET, &s);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, s, STORE_T(name));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = store_account_fill(s, out);
	else if (rc == SQLITE_DONE)
		rc = STORE_ENOENT;
	else
		rc = store_fail(st, rc);
	store_stmt_done(s);
	return rc;
}

void store_account_list_free(struct account *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		account_clear(&list[i]);
	free(list);
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

int store_account_list(struct store *st, struct account **out, size_t *n)
{
	struct account *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_stmt(st, STORE_SQL_ACCOUNT_LIST, &s);
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		void *p = list;

		if (store_grow(&p, &cap, count, sizeof *list) < 0) {
			rc = -ENOMEM;
			break;
		}
		list = p;
		if (store_account_fill(s, &list[count]) < 0) {
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
		store_account_list_free(list, count);
		return rc;
	}
	*out = list;
	*n = count;
	return 0;
}

/* Inside a transaction (or alone): the account's id, role, failures and lockout. */
struct store_account_state {
	int64_t id;
	enum role role;
	int failed;
	int64_t locked_until;
};

static int store_account_state(struct store *st, const char *name,
                               struct store_account_state *state)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = store_stmt(st, STORE_SQL_ACCOUNT_STATE, &s);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, s, STORE_T(name));
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		state->id = sqlite3_column_int64(s, 0);
		state->role = role_parse((const char *)sqlite3_column_text(s, 1));
		state->failed = sqlite3_column_int(s, 2);
		state->locked_until = sqlite3_column_int64(s, 3);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = store_fail_msg(st, STORE_ENOENT, "no such account");
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

/* ---- account changes ---------------------------------------------------------------------- */

int store_account_add(struct store *st, const struct audit_ctx *ctx, const struct account *a)
{
	const char *lang = a->lang != NULL ? a->lang : "zh";
	const char *display = a->display != NULL ? a->display : "";
	const char *team = a->team != NULL && a->team[0] != '\0' ? a->team : NULL;
	const char *role = role_name(a->role);
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (!store_name_ok(a->name) || role == NULL ||
	    !store_text_ok(display, STORE_DISPLAY_MAX, true) ||
	    (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) ||
	    (team != NULL && !store_name_ok(team)) ||
	    (a->pwhash != NULL && !store_ascii_ok(a->pwhash, STORE_PWHASH_MAX)))
		return STORE_EINVAL;
	snprintf(detail, sizeof detail, "role=%s lang=%s%s%s%s", role, lang,
	         team != NULL ? " team=" : "", team != NULL ? team : "",
	         a->pwhash != NULL ? " password=set" : "");

	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, STORE_SQL_ACCOUNT_ADD, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(a->name), STORE_T(display), STORE_T(role),
		                STORE_T(lang), STORE_T(team), STORE_T(a->pwhash),
		                STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "user.add", a->name, detail);
	return store_tx_end(st, rc);
}

int store_account_set_role(struct store *st, const struct audit_ctx *ctx, const char *name,
                           enum role role)
{
	struct store_account_state state;
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (name == NULL || role_name(role) == NULL)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_account_state(st, name, &state);
	if (rc == 0)
		rc = store_stmt(st, STORE_SQL_ACCOUNT_SET_ROLE, &s);
	if (rc == 0)
		rc =
		    STORE_BIND(st, s, STORE_T(name), STORE_T(role_name(role)), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0) {
		const char *was = role_name(state.role);

		snprintf(detail, sizeof detail, "role=%s was=%s", role_name(role),
		         was != NULL ? was : "?");
		rc = store_audit_append(st, ctx, now, "user.role", name, detail);
	}
	return store_tx_end(st, rc);
}

int store_account_set_locked(struct store *st, const struct audit_ctx *ctx, const char *name,
                             bool locked)
{
	struct store_account_state state;
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (name == NULL)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_account_state(st, name, &state);
	if (rc == 0)
		rc = store_stmt(st, locked ? STORE_SQL_ACCOUNT_LOCK : STORE_SQL_ACCOUNT_UNLOCK, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(name), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0) {
		if (locked)
			snprintf(detail, sizeof detail, "locked");
		else
			snprintf(detail, sizeof detail, "unlocked failures=%d cleared",
			         state.failed);
		rc = store_audit_append(st, ctx, now, locked ? "user.lock" : "user.unlock", name,
		                        detail);
	}
	return store_tx_end(st, rc);
}

int store_account_set_password(struct store *st, const struct audit_ctx *ctx, const char *name,
                               const char *pwhash)
{
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc, changes = 0;

	if (name == NULL || (pwhash != NULL && !store_ascii_ok(pwhash, STORE_PWHASH_MAX)))
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, STORE_SQL_ACCOUNT_SET_PASSWORD, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(name), STORE_T(pwhash), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, &changes);
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "no such account");
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "user.passwd", name,
		                        pwhash != NULL ? "password set" : "password removed");
	return store_tx_end(st, rc);
}

int store_account_key_add(struct store *st, const struct audit_ctx *ctx, const char *name,
                          const char *keytype, const char *blob, const char *comment)
{
	struct store_account_state state;
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc;

	if (comment != NULL && comment[0] == '\0')
		comment = NULL;
	if (name == NULL || !store_ascii_ok(keytype, STORE_KEYTYPE_MAX) ||
	    !store_base64_ok(blob, STORE_KEYBLOB_MAX) ||
	    (comment != NULL && !store_text_ok(comment, STORE_COMMENT_MAX, true)))
		return STORE_EINVAL;
	snprintf(detail, sizeof detail, "key added %s%s%s", keytype, comment != NULL ? " " : "",
	         comment != NULL ? comment : "");
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_account_state(st, name, &state);
	if (rc == 0)
		rc = store_stmt(st, STORE_SQL_KEY_ADD, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_I(state.id), STORE_T(keytype), STORE_T(blob),
		                STORE_T(comment), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "user.key", name, detail);
	return store_tx_end(st, rc);
}

void account_key_clear(struct account_key *k)
{
	if (k == NULL)
		return;
	free(k->keytype);
	free(k->blob);
	free(k->comment);
	memset(k, 0, sizeof *k);
}

void store_account_keys_free(struct account_key *keys, size_t n)
{
	size_t i;

	if (keys == NULL)
		return;
	for (i = 0; i < n; i++)
		account_key_clear(&keys[i]);
	free(keys);
}

int store_account_keys(struct store *st, const char *name, struct account_key **out, size_t *n)
{
	struct store_account_state state;
	struct account_key *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (name == NULL)
		return STORE_EINVAL;
	rc = store_account_state(st, name, &state);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, STORE_SQL_KEY_LIST, &s);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, s, STORE_I(state.id));
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct account_key *k;
		void *p = list;
		int err = 0;

		if (store_grow(&p, &cap, count, sizeof *list) < 0) {
			rc = -ENOMEM;
			break;
		}
		list = p;
		k = &list[count];
		memset(k, 0, sizeof *k);
		k->id = sqlite3_column_int64(s, 0);
		err |= store_col_dup(s, 1, &k->keytype);
		err |= store_col_dup(s, 2, &k->blob);
		err |= store_col_dup(s, 3, &k->comment);
		k->created = sqlite3_column_int64(s, 4);
		if (err != 0) {
			account_key_clear(k);
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
		store_account_keys_free(list, count);
		return rc;
	}
	*out = list;
	*n = count;
	return 0;
}

/* ---- logins ------------------------------------------------------------------------------- */

int store_login_ok(struct store *st, const struct audit_ctx *ctx, const char *name)
{
	int64_t now = store_now_ms();
	sqlite3_stmt *s = NULL;
	int rc, changes = 0;

	if (name == NULL)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, STORE_SQL_LOGIN_OK, &s);
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(name), STORE_I(now / 1000));
	if (rc == 0)
		rc = store_run(st, s, &changes);
	if (rc == 0 && changes == 0)
		rc = store_fail_msg(st, STORE_ENOENT, "no such account");
	if (rc == 0)
		rc = store_audit_append(st, ctx, now, "login", name, NULL);
	return store_tx_end(st, rc);
}

int store_login_failed(struct store *st, const struct audit_ctx *ctx, const char *name,
                       const char *reason, int max_failures, int lockout_s, bool *locked_out)
{
	struct store_account_state state;
	char detail[STORE_DETAIL_MAX];
	int64_t now = store_now_ms(), until = 0;
	bool lock = false;
	sqlite3_stmt *s = NULL;
	int rc, failed = 0;

	if (locked_out != NULL)
		*locked_out = false;
	if (name == NULL || lockout_s < 0)
		return STORE_EINVAL;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_account_state(st, name, &state);
	if (rc == 0) {
		failed = state.failed < 0 ? 1 : state.failed + 1;
		lock = max_failures > 0 && failed >= max_failures;
		until = lock ? now / 1000 + lockout_s : state.locked_until;
		rc = store_stmt(st, STORE_SQL_LOGIN_FAILED, &s);
	}
	if (rc == 0)
		rc = STORE_BIND(st, s, STORE_T(name), STORE_I(failed), STORE_I(until));
	if (rc == 0)
		rc = store_run(st, s, NULL);
	if (rc == 0) {
		if (reason != NULL)
			snprintf(detail, sizeof detail, "%s; failures=%d", reason, failed);
		else
			snprintf(detail, sizeof detail, "failures=%d", failed);
		rc = store_audit_append(st, ctx, now, "login.fail", name, detail);
	}
	if (rc == 0 && lock) {
		snprintf(detail, sizeof detail, "locked out for %d s after %d failures", lockout_s,
		         failed);
		rc = store_audit_append(st, ctx, now, "login.lockout", name, detail);
	}
	rc = store_tx_end(st, rc);
	if (rc == 0 && locked_out != NULL)
		*locked_out = lock;
	return rc;
}

/* ---- reading the audit log ---------------------------------------------------------------- */

void audit_event_clear(struct audit_event *e)
{
	if (e == NULL)
		return;
	free(e->account);
	free(e->role);
	free(e->session);
	free(e->peer);
	free(e->transport);
	free(e->action);
	free(e->target);
	free(e->detail);
	free(e->prev_hash);
	free(e->hash);
	memset(e, 0, sizeof *e);
}

void store_audit_list_free(struct audit_event *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		audit_event_clear(&list[i]);
	free(list);
}

static int store_audit_fill(sqlite3_stmt *s, struct audit_event *e)
{
	int err = 0;

	memset(e, 0, sizeof *e);
	e->seq = sqlite3_column_int64(s, 0);
	e->ts_ms = sqlite3_column_int64(s, 1);
	err |= store_col_dup(s, 2, &e->account);
	err |= store_col_dup(s, 3, &e->role);
	err |= store_col_dup(s, 4, &e->session);
	err |= store_col_dup(s, 5, &e->peer);
	err |= store_col_dup(s, 6, &e->transport);
	err |= store_col_dup(s, 7, &e->action);
	err |= store_col_dup(s, 8, &e->target);
	err |= store_col_dup(s, 9, &e->detail);
	err |= store_col_dup(s, 10, &e->prev_hash);
	err |= store_col_dup(s, 11, &e->hash);
	if (err != 0) {
		audit_event_clear(e);
		return -ENOMEM;
	}
	return 0;
}

int store_audit_list(struct store *st, int64_t after_seq, size_t limit, struct audit_event **out,
                     size_t *n)
{
	struct audit_event *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		return 0;
	if (limit > (uint64_t)INT64_MAX)
		limit = (size_t)INT64_MAX;
	rc = store_stmt(st, STORE_SQL_AUDIT_LIST, &s);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, s, STORE_I(after_seq), STORE_I((int64_t)limit));
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		void *p = list;

		if (store_grow(&p, &cap, count, sizeof *list) < 0) {
			rc = -ENOMEM;
			break;
		}
		list = p;
		if (store_audit_fill(s, &list[count]) < 0) {
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
		store_audit_list_free(list, count);
		return rc;
	}
	*out = list;
	*n = count;
	return 0;
}

/* Column i as hashed text: false when it is neither NULL nor exactly a text without NUL
 * bytes (a value changed behind the store's back). */
static bool store_verify_col(sqlite3_stmt *s, int i, const char **out)
{
	int type = sqlite3_column_type(s, i);

	*out = NULL;
	if (type == SQLITE_NULL)
		return true;
	if (type != SQLITE_TEXT)
		return false;
	*out = (const char *)sqlite3_column_text(s, i);
	return *out != NULL && strlen(*out) == (size_t)sqlite3_column_bytes(s, i);
}

int store_audit_verify(struct store *st, int64_t *checked, int64_t *bad_seq)
{
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1];
	int64_t expect = 1, count = 0, bad = 0;
	bool broken = false;
	sqlite3_stmt *s = NULL;
	int rc;

	if (checked != NULL)
		*checked = 0;
	if (bad_seq != NULL)
		*bad_seq = 0;
	memcpy(prev, audit_genesis_hash, sizeof prev);
	rc = store_stmt(st, STORE_SQL_AUDIT_ALL, &s);
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *stored_prev, *stored_hash;
		struct audit_record r;
		bool ok;

		r.seq = sqlite3_column_int64(s, 0);
		ok = sqlite3_column_type(s, 1) == SQLITE_INTEGER && r.seq == expect;
		r.ts_ms = sqlite3_column_int64(s, 1);
		ok = store_verify_col(s, 2, &r.account) && ok;
		ok = store_verify_col(s, 3, &r.role) && ok;
		ok = store_verify_col(s, 4, &r.session) && ok;
		ok = store_verify_col(s, 5, &r.peer) && ok;
		ok = store_verify_col(s, 6, &r.transport) && ok;
		ok = store_verify_col(s, 7, &r.action) && ok;
		ok = store_verify_col(s, 8, &r.target) && ok;
		ok = store_verify_col(s, 9, &r.detail) && ok;
		ok = store_verify_col(s, 10, &stored_prev) && ok;
		ok = store_verify_col(s, 11, &stored_hash) && ok;
		ok = ok && stored_prev != NULL && strcmp(stored_prev, prev) == 0 &&
		     stored_hash != NULL;
		if (ok) {
			r.prev_hash = stored_prev;
			rc = audit_hash(&r, hash);
			if (rc < 0)
				break;
			ok = strcmp(stored_hash, hash) == 0;
		}
		if (!ok) {
			broken = true;
			bad = r.seq;
			break;
		}
		memcpy(prev, hash, sizeof prev);
		expect++;
		count++;
	}
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc);
	else
		store_fail_msg(st, rc, "libsodium initialisation failed");
	store_stmt_done(s);
	if (rc < 0)
		return rc;
	if (checked != NULL)
		*checked = count;
	if (bad_seq != NULL)
		*bad_seq = bad;
	return broken ? 1 : 0;
}

int store_set_autocheckpoint(struct store *st, int pages)
{
	int rc = sqlite3_wal_autocheckpoint(st->db, pages);

	return rc == SQLITE_OK ? 0 : store_fail(st, rc);
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
