/* store_rollup — moving the rollup's due mark (see the header). Calls only store.c. */
#include "store_rollup.h"

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store_int.h"

static const char store_rollup_sql_mark[] = "SELECT due_ms FROM report_sweep";
/* ?1 sign, ?2 low (exclusive), ?3 high (inclusive): the open promises due in (low, high]. */
static const char store_rollup_sql_sweep[] =
    "INSERT INTO report_rollup SELECT l.level, c.created_ms / l.width, c.category, c.agent,"
    " t.code, 0, 0, 0, 0, 0, 0, ?1 * count(*)"
    " FROM promises p INDEXED BY promises_status_due"
    " JOIN complaints c ON c.id = p.complaint_id"
    " JOIN complaint_techniques t ON t.complaint_id = c.id, report_levels l"
    " WHERE p.status = 'open' AND p.due_ms > ?2 AND p.due_ms <= ?3"
    " GROUP BY 1, 2, 3, 4, 5" STORE_ROLLUP_UPSERT;
static const char store_rollup_sql_move[] = "UPDATE report_sweep SET due_ms = ?1";

int store_rollup_sweep(struct store *st)
{
	int64_t mark = 0, now = store_now_ms();
	int rc;

	if (!st->rollup_ready) {
		int v = store_user_version(st);

		if (v < 0)
			return v;
		if (v < STORE_ROLLUP_SCHEMA)
			return 0;
		st->rollup_ready = true;
	}
	rc = store_query_int(st, store_rollup_sql_mark, &mark, NULL, 0);
	if (rc < 0 || mark == now)
		return rc;
	rc = STORE_EXEC(st, store_rollup_sql_sweep, NULL, STORE_I(now > mark ? 1 : -1),
	                STORE_I(now > mark ? mark : now), STORE_I(now > mark ? now : mark));
	if (rc == 0)
		rc = STORE_EXEC(st, store_rollup_sql_move, NULL, STORE_I(now));
	return rc;
}
