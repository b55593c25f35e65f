/* store_tx — transactions (see the header): BEGIN IMMEDIATE and COMMIT, or a savepoint
 * inside a batch. Calls store.c, store_search.c and store_rollup.c. */
#include "store_tx.h"

#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"
#include "store_rollup.h"
#include "store_search.h"

static const char store_tx_sql_begin[] = "BEGIN IMMEDIATE";
static const char store_tx_sql_commit[] = "COMMIT";
static const char store_tx_sql_rollback[] = "ROLLBACK";
static const char store_tx_sql_savepoint[] = "SAVEPOINT store_change";
static const char store_tx_sql_release[] = "RELEASE store_change";
static const char store_tx_sql_rollback_to[] = "ROLLBACK TO store_change";

/* Runs one of the statements that take no parameters. */
static int store_tx_run(struct store *st, const char *sql)
{
	return store_exec(st, sql, NULL, NULL, 0);
}

int store_tx_begin(struct store *st)
{
	return store_tx_run(st, st->batch ? store_tx_sql_savepoint : store_tx_sql_begin);
}

int store_tx_end(struct store *st, int err)
{
	if (err == 0 && !st->batch)
		err = store_search_sync(st);
	if (err == 0 && !st->batch)
		err = store_rollup_sweep(st);
	if (st->batch) {
		char saved[STORE_ERRMSG_MAX];

		if (err == 0)
			return store_tx_run(st, store_tx_sql_release);
		memcpy(saved, st->errmsg, sizeof saved);
		if (!sqlite3_get_autocommit(st->db)) {
			store_tx_run(st, store_tx_sql_rollback_to);
			store_tx_run(st, store_tx_sql_release);
		} else {
			/* SQLite rolled the whole batch back (e.g. the disk is full). */
			st->batch = false;
		}
		memcpy(st->errmsg, saved, sizeof saved);
		return err;
	}
	/* The audit log's seal, when one is due, goes into the same transaction. */
	if (err == 0 && st->seal_pre != NULL)
		err = st->seal_pre(st);
	if (err == 0)
		err = store_tx_run(st, store_tx_sql_commit);
	if (err != 0 && !sqlite3_get_autocommit(st->db)) {
		/* Keep the message of the failure, not of the rollback. */
		char saved[STORE_ERRMSG_MAX];

		memcpy(saved, st->errmsg, sizeof saved);
		store_tx_run(st, store_tx_sql_rollback);
		memcpy(st->errmsg, saved, sizeof saved);
	}
	if (st->seal_post != NULL)
		st->seal_post(st, err == 0);
	return err;
}

int store_tx_batch_begin(struct store *st)
{
	int rc;

	if (st->batch || !sqlite3_get_autocommit(st->db))
		return store_fail_msg(st, STORE_EINVAL, "a batch is already open");
	/* Each change of the batch is a savepoint, whose undo journal would otherwise be a
	 * temporary file written page by page. */
	rc = sqlite3_exec(st->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc);
	rc = store_tx_run(st, store_tx_sql_begin);
	if (rc == 0)
		st->batch = true;
	return rc;
}

int store_tx_batch_end(struct store *st, int err)
{
	bool open = st->batch;

	st->batch = false;
	if (!open && err == 0)
		return store_fail_msg(st, STORE_EIO, "the batch was rolled back");
	err = store_tx_end(st, err); /* which brings the search index up to date */
	/* A batch is a bulk load: the statistics of before may no longer describe the data. */
	return err < 0 ? err : store_analyze(st);
}
