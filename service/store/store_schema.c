/* store_schema — the database's tables, one step per schema version, applied in order by
 * store_schema_migrate, each step in its own transaction. Calls store.c and store_tx.c. */
#include "store_schema.h"

#include <stdio.h>

#include <sqlite3.h>

#include "store_int.h"
#include "store_median.h"
#include "store_pairs.h"
#include "store_rollup.h"
#include "store_sortkey.h"
#include "store_tx.h"

/* The schema, one step per version. Never edit a released step: add a new one. */
struct store_schema_step {
	int version;
	const char *sql;          /* or NULL, and then: */
	const char *const *parts; /* statements run in order, up to a NULL */
};

/* Step 6, in parts (each statement text within what C compilers must take). */
/* The rollup behind `report techniques` (store_report.c, store_rollup.h): for each span
 * of creation time, category, agent and technique, the counts the report sums. Spans
 * nest: level L is STORE_ROLLUP_SPAN_MS (15 minutes, so that every time zone's midnight
 * starts one) times 16^L, L = 0..STORE_ROLLUP_TOP (479 years), so a period reads at most
 * two ranges of spans a level. Kept by triggers in the transaction of each change: a technique tagged or
 * untagged adds or takes away the complaint's whole share for it; a status change, a
 * first reopening or escalation and each change of a promise add their difference.
 * open_due counts the open promises due by report_sweep.due_ms, which each transaction
 * moves to the clock (store_rollup_sweep); a report counts those due since from the
 * promises. report_resolved holds each resolved complaint's time to resolve per
 * technique, for the medians. The backfill reads every complaint once (level 0) and
 * each level from the one below. */
static const char *const store_schema_v6[] = {
    /* The overdue open promises with their complaints, from the index alone (the count under
     * `complaint list --overdue`, the rollup's sweep). */
    "DROP INDEX promises_status_due;"
    "CREATE INDEX promises_status_due ON promises (status, due_ms, complaint_id);",
    "CREATE TABLE report_levels ("
        " level INTEGER PRIMARY KEY,"
        " width INTEGER NOT NULL"
        ");"
        "WITH RECURSIVE l (level, width) AS (SELECT 0, " STORE_ROLLUP_SPAN_TEXT
        "  UNION ALL SELECT level + 1, width * " STORE_ROLLUP_FANOUT_TEXT " FROM l"
        "  WHERE level < " STORE_ROLLUP_TOP_TEXT ")"
        " INSERT INTO report_levels SELECT level, width FROM l;"
        "CREATE TABLE report_sweep ("
        " id INTEGER PRIMARY KEY CHECK (id = 0),"
        " due_ms INTEGER NOT NULL"
        ");"
        "INSERT INTO report_sweep VALUES (0,"
        " CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));"
        "CREATE TABLE report_rollup ("
        " level INTEGER NOT NULL,"
        " bucket INTEGER NOT NULL,"
        " category TEXT NOT NULL,"
        " agent TEXT NOT NULL,"
        " code TEXT NOT NULL,"
        " complaints INTEGER NOT NULL,"
        " resolved INTEGER NOT NULL,"
        " reopened INTEGER NOT NULL,"
        " escalated INTEGER NOT NULL,"
        " kept INTEGER NOT NULL,"
        " kept_on_time INTEGER NOT NULL,"
        " open_due INTEGER NOT NULL,"
        " PRIMARY KEY (level, bucket, category, agent, code)"
        ") WITHOUT ROWID;"
        "INSERT INTO report_rollup SELECT 0, c.created_ms / " STORE_ROLLUP_SPAN_TEXT ","
        " c.category, c.agent, t.code, count(*), sum(c.status = 'resolved'),"
        " sum(EXISTS (SELECT 1 FROM complaint_history h WHERE h.complaint_id = c.id"
        "  AND h.action = 'reopen')),"
        " sum(EXISTS (SELECT 1 FROM complaint_history h WHERE h.complaint_id = c.id"
        "  AND h.action = 'escalate')),"
        " sum(coalesce(p.kept, 0)), sum(coalesce(p.kept_on_time, 0)),"
        " sum(coalesce(p.open_due, 0))"
        " FROM complaints c JOIN complaint_techniques t ON t.complaint_id = c.id"
        " LEFT JOIN (SELECT complaint_id, sum(status = 'kept') AS kept,"
        "  sum(status = 'kept' AND closed_ms <= due_ms) AS kept_on_time,"
        "  sum(status = 'open' AND due_ms <= (SELECT due_ms FROM report_sweep)) AS open_due"
        "  FROM promises GROUP BY complaint_id) p ON p.complaint_id = c.id"
        " WHERE true GROUP BY 2, 3, 4, 5;",
        STORE_ROLLUP_UP("1") STORE_ROLLUP_UP("2") STORE_ROLLUP_UP("3") STORE_ROLLUP_UP("4")
        STORE_ROLLUP_UP("5") STORE_ROLLUP_UP("6"),
        "CREATE TABLE report_resolved ("
        " created_ms INTEGER NOT NULL,"
        " complaint_id INTEGER NOT NULL,"
        " code TEXT NOT NULL,"
        " category TEXT NOT NULL,"
        " agent TEXT NOT NULL,"
        " resolve_ms INTEGER NOT NULL,"
        " PRIMARY KEY (code, created_ms, complaint_id)"
        ") WITHOUT ROWID;"
        "INSERT INTO report_resolved SELECT c.created_ms, c.id, t.code, c.category, c.agent,"
        " c.resolved_ms - c.created_ms FROM complaints c"
        " JOIN complaint_techniques t ON t.complaint_id = c.id"
        " WHERE c.status = 'resolved' AND c.resolved_ms IS NOT NULL ORDER BY 3, 1, 2;",
        /* A technique tagged or untagged: the complaint's whole share for that code. */
        "CREATE TRIGGER report_tag_add AFTER INSERT ON complaint_techniques BEGIN "
        STORE_ROLLUP_SHARE_CODE("1", "new.complaint_id", "new.code")
        " INSERT INTO report_resolved SELECT c.created_ms, c.id, new.code, c.category, c.agent,"
        "  c.resolved_ms - c.created_ms FROM complaints c WHERE c.id = new.complaint_id"
        "  AND c.status = 'resolved' AND c.resolved_ms IS NOT NULL; END;",
        "CREATE TRIGGER report_tag_remove AFTER DELETE ON complaint_techniques BEGIN "
        STORE_ROLLUP_SHARE_CODE("-1", "old.complaint_id", "old.code")
        " DELETE FROM report_resolved WHERE code = old.code AND created_ms = (SELECT"
        "  created_ms FROM complaints WHERE id = old.complaint_id)"
        "  AND complaint_id = old.complaint_id;"
        " END;",
        /* A complaint's status: resolved or not. */
        "CREATE TRIGGER report_status AFTER UPDATE OF status ON complaints"
        " WHEN (old.status = 'resolved') <> (new.status = 'resolved')"
        " AND old.created_ms = new.created_ms AND old.category = new.category"
        " AND old.agent = new.agent BEGIN"
        " INSERT INTO report_rollup SELECT l.level, new.created_ms / l.width, new.category,"
        "  new.agent, t.code, 0, (new.status = 'resolved') - (old.status = 'resolved'),"
        "  0, 0, 0, 0, 0 FROM complaint_techniques t, report_levels l"
        "  WHERE t.complaint_id = new.id " STORE_ROLLUP_UPSERT "; END;",
        /* What the rollup is keyed by changed (nothing in the store does this): the whole
         * share out of the old key and into the new one. */
        "CREATE TRIGGER report_rekey_out BEFORE UPDATE OF created_ms, category, agent"
        " ON complaints WHEN old.created_ms <> new.created_ms OR old.category <> new.category"
        " OR old.agent <> new.agent BEGIN " STORE_ROLLUP_SHARE_ALL("-1", "old.id") " END;",
        "CREATE TRIGGER report_rekey_in AFTER UPDATE OF created_ms, category, agent"
        " ON complaints WHEN old.created_ms <> new.created_ms OR old.category <> new.category"
        " OR old.agent <> new.agent BEGIN " STORE_ROLLUP_SHARE_ALL("1", "new.id") " END;",
        /* The times to resolve. */
        "CREATE TRIGGER report_resolve_times AFTER UPDATE OF status, resolved_ms, created_ms,"
        " category, agent ON complaints WHEN old.status IS NOT new.status"
        " OR old.resolved_ms IS NOT new.resolved_ms OR old.created_ms IS NOT new.created_ms"
        " OR old.category IS NOT new.category OR old.agent IS NOT new.agent BEGIN"
        " DELETE FROM report_resolved WHERE code IN (SELECT t.code FROM complaint_techniques t"
        "  WHERE t.complaint_id = old.id) AND created_ms = old.created_ms"
        "  AND complaint_id = old.id;"
        " INSERT INTO report_resolved SELECT new.created_ms, new.id, t.code, new.category,"
        "  new.agent, new.resolved_ms - new.created_ms FROM complaint_techniques t"
        "  WHERE t.complaint_id = new.id AND new.status = 'resolved'"
        "  AND new.resolved_ms IS NOT NULL; END;",
        /* A complaint removed (its history forbids that today): its share out first; the
         * rows removed with it then find no complaint, so take nothing away again. */
        "CREATE TRIGGER report_complaint_remove BEFORE DELETE ON complaints BEGIN "
        STORE_ROLLUP_SHARE_ALL("-1", "old.id")
        " DELETE FROM report_resolved WHERE code IN (SELECT t.code FROM complaint_techniques t"
        "  WHERE t.complaint_id = old.id) AND created_ms = old.created_ms"
        "  AND complaint_id = old.id; END;",
        /* Reopened, escalated: at least once. */
        "CREATE TRIGGER report_history AFTER INSERT ON complaint_history"
        " WHEN new.action IN ('reopen', 'escalate') AND NOT EXISTS (SELECT 1"
        "  FROM complaint_history h WHERE h.complaint_id = new.complaint_id"
        "  AND h.action = new.action AND h.id <> new.id) BEGIN"
        " INSERT INTO report_rollup SELECT l.level, c.created_ms / l.width, c.category,"
        "  c.agent, t.code, 0, 0, new.action = 'reopen', new.action = 'escalate', 0, 0, 0"
        "  FROM complaints c JOIN complaint_techniques t ON t.complaint_id = c.id,"
        "  report_levels l WHERE c.id = new.complaint_id " STORE_ROLLUP_UPSERT "; END;",
        /* A promise: its own counts, out with its old state and in with its new one. */
        "CREATE TRIGGER report_promise_add AFTER INSERT ON promises BEGIN "
        STORE_ROLLUP_PROMISE("1", "new") " END;",
        "CREATE TRIGGER report_promise_change AFTER UPDATE OF status, closed_ms, due_ms,"
        " complaint_id ON promises WHEN old.status IS NOT new.status"
        " OR old.closed_ms IS NOT new.closed_ms OR old.due_ms IS NOT new.due_ms"
        " OR old.complaint_id IS NOT new.complaint_id BEGIN " STORE_ROLLUP_PROMISE("-1", "old")
        STORE_ROLLUP_PROMISE("1", "new") " END;",
        "CREATE TRIGGER report_promise_remove AFTER DELETE ON promises BEGIN "
        STORE_ROLLUP_PROMISE("-1", "old") " END;",
    NULL,
};

/* Step 10: the owners as a table of their own (store_owner.c). A unit may have several owners
 * (unit_owners, in order: seq), an owner several phones (owner_phones, in order) and several
 * units; an ID number names one owner. The units' owner_name, owner_phone and owner_id columns
 * stay, from here on the mirror of each unit's first owner and that owner's first phone, kept
 * by the store (what reads them goes on as before). The owners are made from those columns:
 * one owner per distinct ID number, and one per unit with a name or phone but no ID number.
 * The units' search document (movein find) becomes the code, every owner's name, ID number
 * and phones, and the registered residents' names; triggers note the units whose document a
 * change of those rows touches, as migration 7's do for the units (whose own triggers now
 * watch the code alone). */
#define STORE_SCHEMA_NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
/* A trigger's body noting units in unit_search_pending with the text the index holds for them:
 * the units t of the unit_search_text from (named t), where cond, that the index holds and
 * that are not noted yet. The trigger's WHEN (STORE_SCHEMA_INDEXED) skips the body for units
 * not yet indexed (an import's new units), which costs a few microseconds less a row. */
#define STORE_SCHEMA_UNIT_PENDING(from, cond)                                                    \
	" BEGIN INSERT OR IGNORE INTO unit_search_pending SELECT t.id, t.body FROM " from         \
	" WHERE " cond " AND t.id <= (SELECT indexed_to FROM unit_search_state)"                  \
	" AND NOT EXISTS (SELECT 1 FROM unit_search_pending p WHERE p.unit_id = t.id); END;"
#define STORE_SCHEMA_INDEXED(id) " WHEN " id " <= (SELECT indexed_to FROM unit_search_state)"
#define STORE_SCHEMA_OWNER_INDEXED(owner)                                                         \
	" WHEN EXISTS (SELECT 1 FROM unit_owners l INDEXED BY unit_owners_owner WHERE l.owner_id ="  \
	" " owner " AND l.unit_id <= (SELECT indexed_to FROM unit_search_state))"
#define STORE_SCHEMA_UNIT "unit_search_text t"
#define STORE_SCHEMA_OWNER_UNITS                                                                  \
	"unit_owners l INDEXED BY unit_owners_owner JOIN unit_search_text t ON t.id = l.unit_id"
static const char *const store_schema_v10[] = {
    "CREATE TABLE owners ("
        " id INTEGER PRIMARY KEY,"
        " name TEXT,"
        " id_number TEXT,"
        " created_ms INTEGER NOT NULL,"
        " updated_ms INTEGER NOT NULL"
        ");"
        "CREATE UNIQUE INDEX owners_id_number ON owners (id_number) WHERE id_number IS NOT NULL;"
        "CREATE TABLE owner_phones ("
        " owner_id INTEGER NOT NULL REFERENCES owners(id),"
        " seq INTEGER NOT NULL,"
        " phone TEXT NOT NULL,"
        " PRIMARY KEY (owner_id, phone)"
        ") WITHOUT ROWID;"
        "CREATE TABLE unit_owners ("
        " unit_id INTEGER NOT NULL REFERENCES units(id),"
        " owner_id INTEGER NOT NULL REFERENCES owners(id),"
        " seq INTEGER NOT NULL,"
        " created_ms INTEGER NOT NULL,"
        " PRIMARY KEY (unit_id, owner_id)"
        ") WITHOUT ROWID;"
        "CREATE INDEX unit_owners_owner ON unit_owners (owner_id, unit_id);"
        /* The owners and phones in their order, read without a sort (a sort opens a
         * temporary b-tree, whose page cache costs more than the rest of a change). */
        "CREATE INDEX unit_owners_order ON unit_owners (unit_id, seq, owner_id);"
        "CREATE INDEX owner_phones_order ON owner_phones (owner_id, seq, phone);",
    /* One owner per ID number (the name of its first unit), linked to each of its units. */
    "INSERT INTO owners (name, id_number, created_ms, updated_ms)"
        " SELECT nm, idn, " STORE_SCHEMA_NOW_MS ", " STORE_SCHEMA_NOW_MS
        " FROM (SELECT owner_id AS idn, owner_name AS nm, min(id) AS first FROM units"
        " WHERE owner_id IS NOT NULL GROUP BY owner_id) ORDER BY first;"
        "INSERT INTO unit_owners (unit_id, owner_id, seq, created_ms)"
        " SELECT u.id, o.id, 0, " STORE_SCHEMA_NOW_MS " FROM units u"
        " JOIN owners o ON o.id_number = u.owner_id;",
    /* One owner per unit with a name or phone and no ID number: numbered after the others. */
    "CREATE TEMP TABLE owner_migrate AS SELECT coalesce(max(id), 0) AS base FROM owners;"
        "INSERT INTO owners (id, name, id_number, created_ms, updated_ms)"
        " SELECT (SELECT base FROM owner_migrate) + id, owner_name, NULL, "
        STORE_SCHEMA_NOW_MS ", " STORE_SCHEMA_NOW_MS " FROM units WHERE owner_id IS NULL"
        " AND (owner_name IS NOT NULL OR owner_phone IS NOT NULL);"
        "INSERT INTO unit_owners (unit_id, owner_id, seq, created_ms)"
        " SELECT id, (SELECT base FROM owner_migrate) + id, 0, " STORE_SCHEMA_NOW_MS
        " FROM units WHERE owner_id IS NULL"
        " AND (owner_name IS NOT NULL OR owner_phone IS NOT NULL);"
        "DROP TABLE owner_migrate;"
        /* Each unit's phone to its owner, in the order of the units. */
        "INSERT OR IGNORE INTO owner_phones (owner_id, seq, phone)"
        " SELECT l.owner_id, u.id, u.owner_phone FROM units u"
        " JOIN unit_owners l ON l.unit_id = u.id WHERE u.owner_phone IS NOT NULL ORDER BY u.id;"
        /* The mirror of the first owner, for the units whose ID number was another's name. */
        "UPDATE units SET owner_name = (SELECT o.name FROM unit_owners l"
        "  JOIN owners o ON o.id = l.owner_id WHERE l.unit_id = units.id)"
        " WHERE owner_id IS NOT NULL;",
    /* The search document, rebuilt, and the triggers that keep it. */
    "DROP VIEW unit_search_text;"
        "CREATE VIEW unit_search_text (id, body) AS SELECT u.id, u.code || char(31) ||"
        " coalesce((SELECT group_concat(coalesce(o.name, '') || char(31) ||"
        "  coalesce(o.id_number, '') || char(31) || coalesce((SELECT group_concat(p.phone,"
        "  char(31)) FROM owner_phones p WHERE p.owner_id = o.id), ''), char(31))"
        "  FROM unit_owners l JOIN owners o ON o.id = l.owner_id WHERE l.unit_id = u.id), '')"
        " || char(31) || coalesce((SELECT group_concat(r.name, char(31)) FROM residents r"
        "  INDEXED BY residents_unit WHERE r.unit_id = u.id AND r.removed_ms = 0), '')"
        " || char(31) FROM units u;"
        "DELETE FROM unit_search_pending;"
        "INSERT INTO unit_search (unit_search) VALUES ('rebuild');"
        "UPDATE unit_search_state SET indexed_to = coalesce((SELECT max(id) FROM units), 0);"
        /* The units' own triggers (migration 7) again: the code is all of a unit's row
         * that the document holds now, and a unit already noted or not yet indexed is
         * not read again. */
        "DROP TRIGGER unit_search_change;"
        "DROP TRIGGER unit_search_remove;"
        "CREATE TRIGGER unit_search_change BEFORE UPDATE OF code ON units"
        STORE_SCHEMA_INDEXED("old.id") STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_UNIT, "t.id = old.id")
        "CREATE TRIGGER unit_search_remove BEFORE DELETE ON units"
        STORE_SCHEMA_INDEXED("old.id") STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_UNIT, "t.id = old.id"),
    "CREATE TRIGGER unit_owners_search_add BEFORE INSERT ON unit_owners"
        STORE_SCHEMA_INDEXED("new.unit_id")
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_UNIT, "t.id = new.unit_id")
        "CREATE TRIGGER unit_owners_search_change BEFORE UPDATE ON unit_owners"
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_UNIT, "t.id IN (old.unit_id, new.unit_id)")
        "CREATE TRIGGER unit_owners_search_remove BEFORE DELETE ON unit_owners"
        STORE_SCHEMA_INDEXED("old.unit_id")
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_UNIT, "t.id = old.unit_id")
        "CREATE TRIGGER owners_search_change BEFORE UPDATE OF name, id_number ON owners"
        STORE_SCHEMA_OWNER_INDEXED("old.id")
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_OWNER_UNITS, "l.owner_id = old.id"),
    "CREATE TRIGGER owner_phones_search_add BEFORE INSERT ON owner_phones"
        STORE_SCHEMA_OWNER_INDEXED("new.owner_id")
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_OWNER_UNITS, "l.owner_id = new.owner_id")
        "CREATE TRIGGER owner_phones_search_change BEFORE UPDATE ON owner_phones"
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_OWNER_UNITS,
                                  "l.owner_id IN (old.owner_id, new.owner_id)")
        "CREATE TRIGGER owner_phones_search_remove BEFORE DELETE ON owner_phones"
        STORE_SCHEMA_OWNER_INDEXED("old.owner_id")
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_OWNER_UNITS, "l.owner_id = old.owner_id"),
    "CREATE TRIGGER residents_search_add BEFORE INSERT ON residents"
        STORE_SCHEMA_INDEXED("new.unit_id")
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_UNIT, "t.id = new.unit_id")
        "CREATE TRIGGER residents_search_change BEFORE UPDATE OF unit_id, name, removed_ms"
        " ON residents"
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_UNIT, "t.id IN (old.unit_id, new.unit_id)")
        "CREATE TRIGGER residents_search_remove BEFORE DELETE ON residents"
        STORE_SCHEMA_INDEXED("old.unit_id")
        STORE_SCHEMA_UNIT_PENDING(STORE_SCHEMA_UNIT, "t.id = old.unit_id"),
    NULL,
};

/* Step 12: evaluations of a recorded session (evaluate --session ID), and the sums per item
 * and day behind a trend by item over part of a month (store_eval.c). The table of
 * evaluations is built again, as SQLite changes a CHECK only so: a kind 'session' with the
 * session's id and no complaint of its own, tied instead to the complaints its changes touched
 * (from the audit log) in evaluation_session_complaints. The foreign keys of the items and
 * disputes are checked at commit (every row is copied back before then). */
static const char *const store_schema_v12[] = {
    "PRAGMA defer_foreign_keys = ON;"
    "CREATE TABLE evaluations_v11 AS SELECT * FROM evaluations;"
    "DROP TABLE evaluations;",
    "CREATE TABLE evaluations ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL"
    "  CHECK (kind IN ('supervisor', 'self', 'period', 'calibration', 'session')),"
    " status TEXT NOT NULL"
    "  CHECK (status IN ('new', 'acked', 'disputed', 'self', 'calibration')),"
    " complaint_id INTEGER REFERENCES complaints(id),"
    " agent TEXT NOT NULL,"
    " evaluator TEXT NOT NULL,"
    " version INTEGER NOT NULL REFERENCES checklist_versions(version),"
    " hash TEXT NOT NULL,"
    " earned INTEGER NOT NULL,"
    " possible INTEGER NOT NULL,"
    " critical_failed INTEGER NOT NULL,"
    " passed INTEGER NOT NULL CHECK (passed IN (0, 1)),"
    " comment TEXT,"
    " created_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " acked_ms INTEGER NOT NULL DEFAULT 0,"
    " period TEXT,"
    " week TEXT NOT NULL,"
    " month TEXT NOT NULL,"
    " session TEXT,"
    " CHECK ((complaint_id IS NULL) = (kind IN ('period', 'session'))),"
    " CHECK ((session IS NULL) = (kind <> 'session'))"
    ");",
    "INSERT INTO evaluations (id, kind, status, complaint_id, agent, evaluator, version, hash,"
    " earned, possible, critical_failed, passed, comment, created_ms, updated_ms, acked_ms,"
    " period, week, month)"
    " SELECT id, kind, status, complaint_id, agent, evaluator, version, hash, earned, possible,"
    " critical_failed, passed, comment, created_ms, updated_ms, acked_ms, period, week, month"
    " FROM evaluations_v11 ORDER BY id;"
    "DROP TABLE evaluations_v11;",
    "CREATE INDEX evaluations_agent ON evaluations (agent, created_ms);"
    "CREATE INDEX evaluations_created ON evaluations (created_ms);"
    "CREATE INDEX evaluations_complaint ON evaluations (complaint_id, kind);"
    "CREATE INDEX evaluations_trend_agent ON evaluations (kind, agent, created_ms, earned,"
    " possible, passed, critical_failed);"
    "CREATE INDEX evaluations_trend_week ON evaluations (kind, week, created_ms, agent,"
    " earned, possible, passed, critical_failed);"
    "CREATE INDEX evaluations_trend_month ON evaluations (kind, month, created_ms, agent,"
    " earned, possible, passed, critical_failed);"
    "CREATE INDEX evaluations_session ON evaluations (session, kind) WHERE session IS NOT NULL;",
    "CREATE TABLE evaluation_session_complaints ("
    " evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),"
    " complaint_id INTEGER NOT NULL REFERENCES complaints(id),"
    " PRIMARY KEY (evaluation_id, complaint_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX evaluation_session_complaints_complaint ON evaluation_session_complaints"
    " (complaint_id, evaluation_id);",
    /* A trend by item over days that are not whole months sums the days beside the months
     * (a row per item and day), and one agent's reads that agent's answers alone. */
    "CREATE TABLE evaluation_item_days ("
    " item TEXT NOT NULL,"
    " day TEXT NOT NULL,"
    " answers INTEGER NOT NULL,"
    " earned INTEGER NOT NULL,"
    " possible INTEGER NOT NULL,"
    " failed INTEGER NOT NULL,"
    " PRIMARY KEY (item, day)"
    ") WITHOUT ROWID;"
    "INSERT INTO evaluation_item_days (item, day, answers, earned, possible, failed)"
    " SELECT item, strftime('%Y-%m-%d', created_ms / 1000, 'unixepoch', 'localtime'), count(*),"
    " sum(points * weight), sum(5 * weight), sum(failed) FROM evaluation_items"
    " WHERE counted = 1 AND answer >= 0 GROUP BY 1, 2;"
    "CREATE INDEX evaluation_items_agent_trend ON evaluation_items (counted, agent, item,"
    " created_ms, answer, points, weight, failed);",
    NULL,
};

/* A time to resolve (row new or old of report_resolved) into or out of every later snapshot. */
#define STORE_SCHEMA_CUM_ADD(row)                                                                  \
	" INSERT INTO report_resolved_cum (code, bin, bucket, n) SELECT " row ".code, "            \
	STORE_MEDIAN_BIN(row ".resolve_ms") ", bucket, 1 FROM report_resolved_snap"                \
	" WHERE bucket > " row ".created_ms / " STORE_MEDIAN_WIDTH_TEXT                             \
	" ON CONFLICT (code, bin, bucket) DO UPDATE SET n = n + 1;"
#define STORE_SCHEMA_CUM_REMOVE(row)                                                               \
	" UPDATE report_resolved_cum SET n = n - 1 WHERE code = " row ".code"                       \
	" AND bin = " STORE_MEDIAN_BIN(row ".resolve_ms") " AND bucket > " row ".created_ms / "   \
	STORE_MEDIAN_WIDTH_TEXT ";"
/* Step 13: the medians' snapshots (store_median.h). report_resolved gains its bin; each
 * snapshot is taken after a bucket of the rollup's level 2 that has complaints, from the
 * running counts of each technique's times by bin. Triggers on report_resolved keep every
 * later snapshot in step with each time added or taken away. */
static const char *const store_schema_v13[] = {
    "ALTER TABLE report_resolved ADD COLUMN bin INTEGER AS "
        STORE_MEDIAN_BIN("resolve_ms") " VIRTUAL;"
        "CREATE INDEX report_resolved_bin ON report_resolved (code, bin, resolve_ms, created_ms);"
        "CREATE TABLE report_resolved_snap (bucket INTEGER PRIMARY KEY);"
        "CREATE TABLE report_resolved_cum ("
        " code TEXT NOT NULL,"
        " bin INTEGER NOT NULL,"
        " bucket INTEGER NOT NULL,"
        " n INTEGER NOT NULL,"
        " PRIMARY KEY (code, bin, bucket)"
        ") WITHOUT ROWID;"
        "CREATE INDEX report_resolved_cum_at ON report_resolved_cum (bucket, code, bin, n);",
    "INSERT INTO report_resolved_snap SELECT DISTINCT bucket + 1 FROM report_rollup"
        " WHERE level = 2;",
    "INSERT INTO report_resolved_cum (code, bin, bucket, n)"
        " SELECT g.code, g.bin, s.bucket, g.run FROM"
        " (SELECT code, bin, bk, sum(n) OVER w AS run, lead(bk) OVER w AS next FROM"
        "  (SELECT code, bin, created_ms / " STORE_MEDIAN_WIDTH_TEXT " AS bk, count(*) AS n"
        "   FROM report_resolved GROUP BY 1, 2, 3)"
        "  WINDOW w AS (PARTITION BY code, bin ORDER BY bk)) g"
        " JOIN report_resolved_snap s ON s.bucket > g.bk"
        " AND (g.next IS NULL OR s.bucket <= g.next);",
    "CREATE TRIGGER report_resolved_cum_add AFTER INSERT ON report_resolved BEGIN"
        STORE_SCHEMA_CUM_ADD("new") " END;"
        "CREATE TRIGGER report_resolved_cum_remove AFTER DELETE ON report_resolved BEGIN"
        STORE_SCHEMA_CUM_REMOVE("old") " END;"
        "CREATE TRIGGER report_resolved_cum_change AFTER UPDATE ON report_resolved BEGIN"
        STORE_SCHEMA_CUM_REMOVE("old") STORE_SCHEMA_CUM_ADD("new") " END;",
    NULL,
};

/* Step 7 (the move-in) is one text longer than the 4,095 bytes ISO C promises a compiler
 * takes in a string literal; GCC and clang take any length. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
static const struct store_schema_step store_schema_steps[] = {
    /* Accounts and their keys (store_account.c); the audit log (store_audit.c). */
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
        "CREATE INDEX audit_action ON audit (action);", NULL},
    /* Complaints tagged by communication technique, their notes, history, handovers and
     * promises (store_complaint.c, store_complaint_status.c, store_promise.c); the unit
     * register (store_unit.c); guided-form drafts (store_draft.c). */
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
        ") WITHOUT ROWID;", NULL},
    /* The substring index of `complaint search` (store_search.h, its tokenizer store_pairs.h):
     * one FTS5 document per complaint, its words, outcome and notes joined by U+001F, read
     * from a view. Triggers only note which complaints changed, with the text the index holds
     * for each (NULL: not in it), in complaint_search_pending; the store brings the index up
     * to date from there at the end of each of its transactions (store_search_sync), in one
     * statement for a whole batch. So a change by hand (the sqlite3 shell, which has no
     * tokenizer) still works, and is indexed by the next change through the store; meanwhile
     * searches scan. */
    {3, "CREATE VIEW complaint_search_text (id, body) AS SELECT c.id, c.words || char(31) ||"
        " coalesce(c.outcome, '') || char(31) || coalesce((SELECT group_concat(n.text, char(31))"
        " FROM complaint_notes n WHERE n.complaint_id = c.id) || char(31), '')"
        " FROM complaints c;"
        "CREATE VIRTUAL TABLE complaint_search USING fts5(body, content='complaint_search_text',"
        " content_rowid='id', tokenize='" STORE_PAIRS_TOKENIZER "', columnsize=0);"
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
        "  SELECT id, body FROM complaint_search_text WHERE id = old.complaint_id; END;", NULL},
    /* The open promises of one complaint, with their due times, from the index alone: a
     * complaint's row in a list counts them and takes the earliest due time, and `--overdue`
     * asks whether one is past due. The queries name this index (INDEXED BY), so their plans
     * do not depend on statistics. */
    {4, "DROP INDEX promises_complaint;"
        "CREATE INDEX promises_complaint ON promises (complaint_id, status, due_ms);", NULL},
    /* A unit's complaints by status, from the index alone (unit show counts the ones not
     * resolved: thousands for a unit after years). */
    {5, "CREATE INDEX complaints_unit_status ON complaints (unit, status);", NULL},
    /* The rollup behind `report techniques`: store_schema_v6 above. */
    {6, NULL, store_schema_v6},
    /* The move-in (store_movein.c, store_movein_step.c): the unit register gains the housing
     * type and the owner's ID number; a record per unit with its documents, forms, fees,
     * inspection items, defects (listed overdue by status and deadline), waivers and log; the
     * residents of each unit with their history. */
    {7, "ALTER TABLE units ADD COLUMN housing_type TEXT"
        " CHECK (housing_type IN ('commercial', 'resettlement'));"
        "ALTER TABLE units ADD COLUMN owner_id TEXT;"
        /* movein find: each unit's code, owner's name, phone and ID number as one document
         * of the character-pair index, kept as the complaints' is (migration 3) for changes;
         * new units (ids past unit_search_state.indexed_to) are indexed without a trigger, so
         * that a bulk import pays nothing per row until it commits. */
        "CREATE VIEW unit_search_text (id, body) AS SELECT id, code || char(31) ||"
        " coalesce(owner_name, '') || char(31) || coalesce(owner_phone, '') || char(31) ||"
        " coalesce(owner_id, '') || char(31) FROM units;"
        "CREATE VIRTUAL TABLE unit_search USING fts5(body, content='unit_search_text',"
        " content_rowid='id', tokenize='" STORE_PAIRS_TOKENIZER "', columnsize=0);"
        "INSERT INTO unit_search (unit_search) VALUES ('rebuild');"
        "CREATE TABLE unit_search_pending ("
        " unit_id INTEGER PRIMARY KEY,"
        " indexed TEXT"
        ");"
        "CREATE TABLE unit_search_state (indexed_to INTEGER NOT NULL);"
        "INSERT INTO unit_search_state SELECT coalesce(max(id), 0) FROM units;"
        "CREATE TRIGGER unit_search_change BEFORE UPDATE OF code, owner_name, owner_phone,"
        " owner_id ON units BEGIN INSERT OR IGNORE INTO unit_search_pending"
        "  SELECT id, body FROM unit_search_text WHERE id = old.id; END;"
        "CREATE TRIGGER unit_search_remove BEFORE DELETE ON units BEGIN"
        " INSERT OR IGNORE INTO unit_search_pending"
        "  SELECT id, body FROM unit_search_text WHERE id = old.id; END;"
        "CREATE TABLE moveins ("
        " unit_id INTEGER PRIMARY KEY REFERENCES units(id),"
        " housing TEXT NOT NULL,"
        " notice_day TEXT,"
        " proxy_name TEXT,"
        " proxy_id TEXT,"
        " stage TEXT NOT NULL,"
        " created_by TEXT,"
        " created_ms INTEGER NOT NULL,"
        " updated_ms INTEGER NOT NULL,"
        " signoff_by TEXT,"
        " signoff_ms INTEGER NOT NULL DEFAULT 0,"
        " reviewed_by TEXT,"
        " reviewed_ms INTEGER NOT NULL DEFAULT 0,"
        " keys_count INTEGER NOT NULL DEFAULT 0,"
        " keys_kinds TEXT,"
        " keys_to TEXT,"
        " keys_receipt TEXT,"
        " keys_by TEXT,"
        " keys_ms INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE INDEX moveins_stage ON moveins (stage, unit_id);"
        "CREATE TABLE movein_docs ("
        " unit_id INTEGER NOT NULL REFERENCES moveins(unit_id),"
        " seq INTEGER NOT NULL,"
        " code TEXT NOT NULL,"
        " status TEXT NOT NULL CHECK (status IN ('missing', 'received', 'rejected')),"
        " reason TEXT,"
        " account TEXT,"
        " ts_ms INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (unit_id, code)"
        ") WITHOUT ROWID;"
        "CREATE TABLE movein_forms ("
        " unit_id INTEGER NOT NULL REFERENCES moveins(unit_id),"
        " seq INTEGER NOT NULL,"
        " code TEXT NOT NULL,"
        " account TEXT,"
        " signed_ms INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (unit_id, code)"
        ") WITHOUT ROWID;"
        "CREATE TABLE movein_fees ("
        " unit_id INTEGER NOT NULL REFERENCES moveins(unit_id),"
        " seq INTEGER NOT NULL,"
        " code TEXT NOT NULL,"
        " due_fen INTEGER NOT NULL,"
        " paid_fen INTEGER NOT NULL DEFAULT 0,"
        " receipt TEXT,"
        " account TEXT,"
        " ts_ms INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (unit_id, code)"
        ") WITHOUT ROWID;"
        "CREATE TABLE movein_items ("
        " unit_id INTEGER NOT NULL REFERENCES moveins(unit_id),"
        " seq INTEGER NOT NULL,"
        " code TEXT NOT NULL,"
        " result TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending', 'pass', 'defect')),"
        " account TEXT,"
        " ts_ms INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (unit_id, code)"
        ") WITHOUT ROWID;"
        "CREATE TABLE movein_defects ("
        " id INTEGER PRIMARY KEY,"
        " unit_id INTEGER NOT NULL REFERENCES moveins(unit_id),"
        " item TEXT NOT NULL,"
        " description TEXT NOT NULL,"
        " requirement TEXT NOT NULL,"
        " deadline_ms INTEGER NOT NULL,"
        " status TEXT NOT NULL CHECK (status IN ('recorded', 'assigned', 'rectified', 'closed')),"
        " assignee TEXT,"
        " fails INTEGER NOT NULL DEFAULT 0,"
        " account TEXT,"
        " created_ms INTEGER NOT NULL,"
        " updated_ms INTEGER NOT NULL"
        ");"
        "CREATE INDEX movein_defects_unit ON movein_defects (unit_id, id);"
        "CREATE INDEX movein_defects_open ON movein_defects (status, deadline_ms);"
        "CREATE TABLE movein_waivers ("
        " unit_id INTEGER NOT NULL REFERENCES moveins(unit_id),"
        " what TEXT NOT NULL,"
        " reason TEXT NOT NULL,"
        " account TEXT,"
        " ts_ms INTEGER NOT NULL,"
        " PRIMARY KEY (unit_id, what)"
        ") WITHOUT ROWID;"
        "CREATE TABLE movein_log ("
        " id INTEGER PRIMARY KEY,"
        " unit_id INTEGER NOT NULL REFERENCES moveins(unit_id),"
        " ts_ms INTEGER NOT NULL,"
        " account TEXT,"
        " action TEXT NOT NULL,"
        " detail TEXT"
        ");"
        "CREATE INDEX movein_log_unit ON movein_log (unit_id, id);"
        "CREATE TRIGGER movein_log_no_update BEFORE UPDATE ON movein_log"
        " BEGIN SELECT RAISE(ABORT, 'movein_log is append-only'); END;"
        "CREATE TRIGGER movein_log_no_delete BEFORE DELETE ON movein_log"
        " BEGIN SELECT RAISE(ABORT, 'movein_log is append-only'); END;"
        /* The residents of each unit, and their history (store_resident.c). */
        "CREATE TABLE residents ("
        " id INTEGER PRIMARY KEY,"
        " unit_id INTEGER NOT NULL REFERENCES units(id),"
        " name TEXT NOT NULL,"
        " age INTEGER,"
        " sex TEXT CHECK (sex IN ('male', 'female')),"
        " occupation TEXT,"
        " employer TEXT,"
        " relation TEXT,"
        " created_ms INTEGER NOT NULL,"
        " updated_ms INTEGER NOT NULL,"
        " removed_ms INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE INDEX residents_unit ON residents (unit_id, id);"
        "CREATE TABLE resident_history ("
        " id INTEGER PRIMARY KEY,"
        " resident_id INTEGER NOT NULL REFERENCES residents(id),"
        " ts_ms INTEGER NOT NULL,"
        " account TEXT,"
        " action TEXT NOT NULL,"
        " detail TEXT"
        ");"
        "CREATE INDEX resident_history_resident ON resident_history (resident_id, id);"
        "CREATE TRIGGER resident_history_no_update BEFORE UPDATE ON resident_history"
        " BEGIN SELECT RAISE(ABORT, 'resident_history is append-only'); END;"
        "CREATE TRIGGER resident_history_no_delete BEFORE DELETE ON resident_history"
        " BEGIN SELECT RAISE(ABORT, 'resident_history is append-only'); END;", NULL},
    /* The quality checklist's versions, each content pinned by its SHA-256; evaluations of a
     * complaint by a supervisor and agents' self-checks, their items, and disputes of single
     * items with their answers (store_eval.c). */
    {8, "CREATE TABLE checklist_versions ("
        " version INTEGER PRIMARY KEY,"
        " hash TEXT NOT NULL UNIQUE,"
        " content TEXT NOT NULL,"
        " pinned_ms INTEGER NOT NULL"
        ");"
        "CREATE TABLE evaluations ("
        " id INTEGER PRIMARY KEY,"
        " kind TEXT NOT NULL CHECK (kind IN ('supervisor', 'self', 'period', 'calibration')),"
        " status TEXT NOT NULL"
        "  CHECK (status IN ('new', 'acked', 'disputed', 'self', 'calibration')),"
        " complaint_id INTEGER REFERENCES complaints(id),"
        " agent TEXT NOT NULL,"
        " evaluator TEXT NOT NULL,"
        " version INTEGER NOT NULL REFERENCES checklist_versions(version),"
        " hash TEXT NOT NULL,"
        " earned INTEGER NOT NULL,"
        " possible INTEGER NOT NULL,"
        " critical_failed INTEGER NOT NULL,"
        " passed INTEGER NOT NULL CHECK (passed IN (0, 1)),"
        " comment TEXT,"
        " created_ms INTEGER NOT NULL,"
        " updated_ms INTEGER NOT NULL,"
        " acked_ms INTEGER NOT NULL DEFAULT 0,"
        " period TEXT,"
        " week TEXT NOT NULL,"
        " month TEXT NOT NULL,"
        " CHECK ((complaint_id IS NULL) = (kind = 'period'))"
        ");"
        "CREATE INDEX evaluations_agent ON evaluations (agent, created_ms);"
        "CREATE INDEX evaluations_created ON evaluations (created_ms);"
        "CREATE INDEX evaluations_complaint ON evaluations (complaint_id, kind);"
        /* The trends read these alone, in the order they group by. */
        "CREATE INDEX evaluations_trend_agent ON evaluations (kind, agent, created_ms, earned,"
        " possible, passed, critical_failed);"
        "CREATE INDEX evaluations_trend_week ON evaluations (kind, week, created_ms, agent,"
        " earned, possible, passed, critical_failed);"
        "CREATE INDEX evaluations_trend_month ON evaluations (kind, month, created_ms, agent,"
        " earned, possible, passed, critical_failed);"
        "CREATE TABLE evaluation_items ("
        " evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),"
        " pos INTEGER NOT NULL,"
        " item TEXT NOT NULL,"
        " answer INTEGER NOT NULL CHECK (answer BETWEEN -1 AND 5),"
        " points INTEGER NOT NULL,"
        " weight INTEGER NOT NULL,"
        " critical INTEGER NOT NULL CHECK (critical IN (0, 1)),"
        " failed INTEGER NOT NULL CHECK (failed IN (0, 1)),"
        " comment TEXT,"
        " counted INTEGER NOT NULL CHECK (counted IN (0, 1)),"
        " agent TEXT NOT NULL,"
        " created_ms INTEGER NOT NULL,"
        " PRIMARY KEY (evaluation_id, item)"
        ") WITHOUT ROWID;"
        /* By item, the answers a trend counts (supervisors' of complaints and periods). */
        "CREATE INDEX evaluation_items_trend ON evaluation_items (counted, item, created_ms,"
        " agent, answer, points, weight, failed);"
        /* The same summed per item, month and agent as they are saved and answered, so that
         * a trend by item over whole months reads a row per item, month and agent. */
        "CREATE TABLE evaluation_item_months ("
        " item TEXT NOT NULL,"
        " month TEXT NOT NULL,"
        " agent TEXT NOT NULL,"
        " answers INTEGER NOT NULL,"
        " earned INTEGER NOT NULL,"
        " possible INTEGER NOT NULL,"
        " failed INTEGER NOT NULL,"
        " PRIMARY KEY (item, month, agent)"
        ") WITHOUT ROWID;"
        "CREATE TABLE evaluation_disputes ("
        " id INTEGER PRIMARY KEY,"
        " evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),"
        " item TEXT NOT NULL,"
        " agent TEXT NOT NULL,"
        " reason TEXT NOT NULL,"
        " proposed INTEGER,"
        " created_ms INTEGER NOT NULL,"
        " resolution TEXT CHECK (resolution IN ('keep', 'accept', 'set')),"
        " old_answer INTEGER,"
        " new_answer INTEGER,"
        " resolver TEXT,"
        " answer TEXT,"
        " resolved_ms INTEGER NOT NULL DEFAULT 0"
        ");"
        "CREATE INDEX evaluation_disputes_eval ON evaluation_disputes (evaluation_id, item);", NULL},
    /* The audit log's seals (store_seal.c): seal n is the HMAC under key K(n) of the head
     * (seq, hash) of the chain, chained to seal n - 1 by prev_mac. The filters of audit
     * list read the log by time, target and session through their own indexes. */
    {9, "CREATE TABLE audit_seals ("
        " n INTEGER PRIMARY KEY,"
        " seq INTEGER NOT NULL,"
        " ts_ms INTEGER NOT NULL,"
        " every INTEGER NOT NULL,"
        " interval_s INTEGER NOT NULL,"
        " hash TEXT NOT NULL,"
        " prev_mac TEXT NOT NULL,"
        " mac TEXT NOT NULL"
        ");"
        "CREATE INDEX audit_seals_seq ON audit_seals (seq);"
        "CREATE INDEX audit_ts ON audit (ts_ms);"
        "CREATE INDEX audit_target ON audit (target, seq);"
        "CREATE INDEX audit_action_seq ON audit (action, seq);"
        "CREATE INDEX audit_account_seq ON audit (account, seq);"
        "CREATE INDEX audit_session_seq ON audit (session, seq);", NULL},
    /* The owners, their phones and units (store_owner.c): store_schema_v10 above. */
    {10, NULL, store_schema_v10},
    /* A draft is open in one session at a time (store_draft.c): the session that claimed it,
     * since when, and until when the claim holds unless renewed. */
    {11, "ALTER TABLE drafts ADD COLUMN session TEXT;"
         "ALTER TABLE drafts ADD COLUMN claimed_ms INTEGER NOT NULL DEFAULT 0;"
         "ALTER TABLE drafts ADD COLUMN lease_ms INTEGER NOT NULL DEFAULT 0;", NULL},
    /* Evaluations of a recorded session (store_eval.c, store_eval_session.c). */
    {12, NULL, store_schema_v12},
    {13, NULL, store_schema_v13},
    /* audit list --account A --action X reads the events of both by seq, however rare the
     * pair (store_auditlog.c). */
    {14, "CREATE INDEX audit_account_action_seq ON audit (account, action, seq);", NULL},
    /* Unit codes in their natural order (2-* before 10-*, 3-2-901 before 3-2-1201): each
     * unit's sort key (store_sortkey.h), set by the store with the code and read through its
     * index by every list of units. */
    {15, "ALTER TABLE units ADD COLUMN sort_key TEXT;"
         "UPDATE units SET sort_key = " STORE_SORTKEY_FUNCTION "(code);"
         "CREATE INDEX units_sort_key ON units (sort_key, code);", NULL},
};
#pragma GCC diagnostic pop

#define STORE_SCHEMA_NSTEPS (sizeof store_schema_steps / sizeof store_schema_steps[0])

int store_schema_version(struct store *st)
{
	return store_user_version(st);
}

int store_schema_latest_version(void)
{
	return store_schema_steps[STORE_SCHEMA_NSTEPS - 1].version;
}

/* Applies step m unless the schema (read again inside the transaction: another process may
 * have migrated meanwhile) is already there. */
static int store_schema_apply(struct store *st, const struct store_schema_step *m)
{
	char sql[64];
	size_t i;
	int rc, v;

	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	v = store_user_version(st);
	if (v < 0)
		return store_tx_end(st, v);
	if (v > store_schema_latest_version())
		return store_tx_end(st, store_fail_msg(st, STORE_ESCHEMA, "schema is newer"));
	if (v >= m->version)
		return store_tx_end(st, 0);
	if (m->sql != NULL)
		rc = sqlite3_exec(st->db, m->sql, NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && m->parts != NULL && m->parts[i] != NULL; i++)
		rc = sqlite3_exec(st->db, m->parts[i], NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		/* A program constant, not user data: PRAGMA takes no bound parameters. */
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
		rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
	return store_tx_end(st, rc == SQLITE_OK ? 0 : store_fail(st, rc));
}

int store_schema_migrate(struct store *st)
{
	return store_schema_migrate_to(st, store_schema_latest_version());
}

int store_schema_migrate_to(struct store *st, int version)
{
	size_t i;
	int rc, v;

	v = store_user_version(st);
	if (v < 0)
		return v;
	if (v > store_schema_latest_version()) {
		snprintf(st->errmsg, sizeof st->errmsg,
		         "database schema version %d is newer than this program's %d", v,
		         store_schema_latest_version());
		return STORE_ESCHEMA;
	}
	/* What the store remembers of the schema is asked again after the steps. */
	st->median_ready = false;
	for (i = 0; i < STORE_SCHEMA_NSTEPS; i++) {
		if (store_schema_steps[i].version <= v || store_schema_steps[i].version > version)
			continue;
		rc = store_schema_apply(st, &store_schema_steps[i]);
		if (rc < 0)
			return rc;
	}
	return store_analyze(st);
}
