/* evalbench — the quality checklist's benchmark of scripts/bench: over a desk of N generated
 * supervisors' evaluations (one per complaint, 200 agents, spread over the year before now,
 * against the shipped checklist), how long saving one evaluation takes (each its own
 * transaction with its audit event, as `evaluate` does), how long a page of `evaluation list`
 * takes (an agent's, everyone's), and how long `report quality --by item|agent|week` takes, on
 * a second, read-only connection as the daemon's thread pool does.
 *
 *   propdesk-evalbench --db PATH --etc DIR [--evaluations N] [--saves N] [--runs N]
 *
 * PATH must not exist; DIR holds checklist.ini. Prints "key=value" lines:
 *   eval_generated=N eval_generate_s=…
 *   eval_save_p50_ms=… eval_save_p99_ms=…
 *   eval_query name=list-agent|list-all|by-item|by-agent|by-week rows=… p50_ms=… p99_ms=…
 *   (by-item-since and by-item-agent-since: by item since a day in the middle of a month
 *   300 days ago, everyone's and one agent's, as `report quality --by item --since` asks)
 * and progress on stderr. Exits 1 when something fails. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "catalog.h"
#include "checklist.h"
#include "store.h"
#include "store_account.h"
#include "store_complaint.h"
#include "store_eval.h"
#include "store_eval_trend.h"
#include "store_schema.h"
#include "store_tx.h"

#define EVALBENCH_AGENTS 200
#define EVALBENCH_BATCH 1000
#define EVALBENCH_DAY_MS 86400000LL

static double evalbench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int evalbench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double evalbench_pct(double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, evalbench_cmp);
	i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static int evalbench_fail(struct store *st, int rc, const char *what)
{
	fprintf(stderr, "evalbench: %s: %s (%s)\n", what, store_strerror(rc, "en"),
	        st != NULL ? store_last_error(st) : "");
	return 1;
}

static void evalbench_agent(uint64_t n, char *out, size_t len)
{
	snprintf(out, len, "agent%03u", (unsigned)(n % EVALBENCH_AGENTS));
}

static uint64_t evalbench_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t evalbench_next(void)
{
	evalbench_rng ^= evalbench_rng << 13;
	evalbench_rng ^= evalbench_rng >> 7;
	evalbench_rng ^= evalbench_rng << 17;
	return evalbench_rng;
}

/* Complaint n and its evaluation by sup1, at t. */
static int evalbench_one(struct store *st, const struct checklist *cl, int64_t version,
                         const char *hash, uint64_t n, int64_t t)
{
	struct audit_ctx agent = {.role = "agent", .session = "evalbench", .transport = "cli"};
	struct audit_ctx sup = {.account = "sup1", .role = "supervisor", .session = "evalbench"};
	struct eval_item_in items[CHECKLIST_ITEMS_MAX];
	int answers[CHECKLIST_ITEMS_MAX];
	char name[32], number[COMPLAINT_NUMBER_MAX];
	struct checklist_score s;
	struct complaint_new in;
	struct eval_new e;
	size_t i, k = 0;
	int rc;

	evalbench_agent(n, name, sizeof name);
	agent.account = name;
	memset(&in, 0, sizeof in);
	in.unit = "3-2-1201";
	in.caller = "王女士";
	in.relation = COMPLAINT_REL_OWNER;
	in.channel = COMPLAINT_CH_PHONE;
	in.category = "repairs";
	in.words = "卫生间漏水，楼上住户不在家";
	in.mood = COMPLAINT_MOOD_UPSET;
	store_complaint_set_clock(st, t);
	rc = store_complaint_add(st, &agent, &in, number);
	if (rc < 0)
		return rc;
	for (i = 0; i < cl->nitems; i++) {
		const struct checklist_item *it = &cl->items[i];

		answers[i] = CHECKLIST_NA;
		if (it->scope != CHECKLIST_COMPLAINT)
			continue;
		answers[i] = it->scale == CHECKLIST_YESNO ? (evalbench_next() % 10 != 0)
		                                          : (int)(1 + evalbench_next() % 5);
		items[k].item = it->code;
		items[k].answer = answers[i];
		items[k].points = checklist_points(it, answers[i]);
		items[k].weight = it->weight;
		items[k].critical = it->critical;
		items[k].failed = checklist_fails(it, answers[i]);
		items[k].comment = NULL;
		k++;
	}
	checklist_score(cl, CHECKLIST_COMPLAINT, answers, &s);
	memset(&e, 0, sizeof e);
	e.kind = EVAL_SUPERVISOR;
	e.number = number;
	e.agent = name;
	e.version = version;
	e.hash = hash;
	e.totals.earned = s.earned;
	e.totals.possible = s.possible;
	e.totals.critical_failed = s.critical_failed;
	e.totals.passed = s.passed;
	e.items = items;
	e.nitems = k;
	store_complaint_set_clock(st, t + 3600 * 1000);
	return store_eval_add(st, &sup, &e, NULL);
}

/* Local midnight of the 15th of the month days_ago days before now. */
static int64_t evalbench_mid_month(int days_ago)
{
	time_t t = time(NULL) - (time_t)days_ago * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday = 15;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* Runs one query runs times on ro; prints its line. */
static int evalbench_query(struct store *ro, const char *name, int runs)
{
	double t[256], t0;
	size_t rows = 0;
	int i, rc = 0;

	if (runs > 256)
		runs = 256;
	for (i = 0; i < runs && rc == 0; i++) {
		t0 = evalbench_now();
		if (!strncmp(name, "list", 4)) {
			struct eval_filter f = {.kind = -1, .status = -1, .limit = 100};
			struct evaluation *list = NULL;
			char agent[32];

			evalbench_agent((uint64_t)i * 7, agent, sizeof agent);
			if (!strcmp(name, "list-agent"))
				f.agent = agent;
			rc = store_eval_list(ro, &f, &list, &rows);
			store_eval_list_free(list, rows);
		} else if (!strncmp(name, "by-item-", 8)) {
			struct eval_trend_filter f = {.by = EVAL_BY_ITEM};
			struct eval_trend *list = NULL;
			char agent[32];

			f.since_ms = evalbench_mid_month(300);
			evalbench_agent((uint64_t)i * 7, agent, sizeof agent);
			if (!strcmp(name, "by-item-agent-since"))
				f.agent = agent;
			rc = store_eval_trend(ro, &f, &list, &rows);
			store_eval_trend_free(list, rows);
		} else {
			struct eval_trend_filter f = {.by = !strcmp(name, "by-item") ? EVAL_BY_ITEM
			                                    : !strcmp(name, "by-agent")
			                                        ? EVAL_BY_AGENT
			                                        : EVAL_BY_WEEK};
			struct eval_trend *list = NULL;

			rc = store_eval_trend(ro, &f, &list, &rows);
			store_eval_trend_free(list, rows);
		}
		t[i] = (evalbench_now() - t0) * 1000;
	}
	if (rc < 0)
		return evalbench_fail(ro, rc, name);
	printf("eval_query name=%s rows=%zu p50_ms=%.2f p99_ms=%.2f\n", name, rows,
	       evalbench_pct(t, (size_t)runs, 50), evalbench_pct(t, (size_t)runs, 99));
	return 0;
}

int main(int argc, char **argv)
{
	const char *db = NULL, *etc = NULL;
	unsigned long n = 100000, saves = 500, runs = 20;
	struct catalog *cat = NULL;
	struct store *st = NULL, *ro = NULL;
	char hash[EVAL_HASH_HEX + 1], *err = NULL;
	int64_t version = 0, now = store_now_ms(), year = 365 * EVALBENCH_DAY_MS;
	double t0, *ts;
	struct stat sb;
	unsigned long i;
	int rc, a;

	for (a = 1; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--db"))
			db = argv[a + 1];
		else if (!strcmp(argv[a], "--etc"))
			etc = argv[a + 1];
		else if (!strcmp(argv[a], "--evaluations"))
			n = strtoul(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "--saves"))
			saves = strtoul(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "--runs"))
			runs = strtoul(argv[a + 1], NULL, 10);
	}
	if (db == NULL || etc == NULL || a != argc || stat(db, &sb) == 0 || saves == 0) {
		fprintf(stderr,
		        "usage: propdesk-evalbench --db NEW_PATH --etc DIR [--evaluations N] "
		        "[--saves N] [--runs N]\n");
		return 2;
	}
	if (catalog_load(etc, &cat, &err) < 0 || cat->checklist == NULL) {
		fprintf(stderr, "evalbench: %s\n", err != NULL ? err : "no checklist.ini");
		return 1;
	}
	rc = store_open(db, 0, 5000, &st);
	if (rc == 0)
		rc = store_schema_migrate(st);
	if (rc == 0) {
		struct account acc = {.name = "sup1", .role = ROLE_SUPERVISOR, .lang = "zh"};

		rc = store_account_add(st, NULL, &acc);
	}
	for (i = 0; rc == 0 && i < EVALBENCH_AGENTS; i++) {
		char name[32];
		struct account acc = {.role = ROLE_AGENT, .lang = "zh", .team = "sup1"};

		evalbench_agent(i, name, sizeof name);
		acc.name = name;
		rc = store_account_add(st, NULL, &acc);
	}
	if (rc == 0)
		rc = store_eval_pin(st, NULL, cat->checklist->text, cat->checklist->len, &version,
		                    hash, NULL);
	if (rc < 0)
		return evalbench_fail(st, rc, "setting up");
	/* The desk, in batches, oldest first over the year before now. */
	t0 = evalbench_now();
	for (i = 0; i < n && rc == 0;) {
		unsigned long end = i + EVALBENCH_BATCH < n ? i + EVALBENCH_BATCH : n;

		rc = store_tx_batch_begin(st);
		for (; rc == 0 && i < end; i++)
			rc = evalbench_one(st, cat->checklist, version, hash, i,
			                   now - year +
			                       (int64_t)((double)year * (double)i / (double)n));
		rc = store_tx_batch_end(st, rc);
		if (rc == 0 && i % 20000 == 0)
			fprintf(stderr, "evalbench: %lu of %lu evaluations\n", i, n);
	}
	if (rc < 0)
		return evalbench_fail(st, rc, "generating");
	printf("eval_generated=%lu eval_generate_s=%.1f\n", n, evalbench_now() - t0);
	fflush(stdout);
	/* One at a time, each its own transaction (the complaint too, not timed). */
	ts = calloc(saves, sizeof *ts);
	if (ts == NULL)
		abort();
	store_complaint_set_clock(st, 0);
	for (i = 0; rc == 0 && i < saves; i++) {
		struct audit_ctx agent = {.account = "agent000", .role = "agent"};
		struct complaint_new in = {0};
		char number[COMPLAINT_NUMBER_MAX];

		in.unit = "3-2-1201";
		in.caller = "王女士";
		in.channel = COMPLAINT_CH_PHONE;
		in.category = "repairs";
		in.words = "电梯故障";
		rc = store_complaint_add(st, &agent, &in, number);
		if (rc == 0) {
			struct eval_item_in it = {"respect", 1, 5, 2, false, false, "好"};
			struct audit_ctx sup = {.account = "sup1", .role = "supervisor"};
			struct eval_new e = {.kind = EVAL_SUPERVISOR,
			                     .number = number,
			                     .agent = "agent000",
			                     .version = version,
			                     .hash = hash,
			                     .totals = {10, 10, 0, true},
			                     .items = &it,
			                     .nitems = 1};

			t0 = evalbench_now();
			rc = store_eval_add(st, &sup, &e, NULL);
			ts[i] = (evalbench_now() - t0) * 1000;
		}
	}
	if (rc < 0)
		return evalbench_fail(st, rc, "saving");
	printf("eval_save_p50_ms=%.3f eval_save_p99_ms=%.3f\n", evalbench_pct(ts, saves, 50),
	       evalbench_pct(ts, saves, 99));
	free(ts);
	store_analyze(st);
	rc = store_open(db, STORE_READONLY, 5000, &ro);
	if (rc < 0)
		return evalbench_fail(NULL, rc, "opening read-only");
	rc = evalbench_query(ro, "list-agent", (int)runs) ||
	     evalbench_query(ro, "list-all", (int)runs) ||
	     evalbench_query(ro, "by-item", (int)runs) ||
	     evalbench_query(ro, "by-item-since", (int)runs) ||
	     evalbench_query(ro, "by-item-agent-since", (int)runs) ||
	     evalbench_query(ro, "by-agent", (int)runs) ||
	     evalbench_query(ro, "by-week", (int)runs);
	store_close(ro);
	store_close(st);
	catalog_unref(cat);
	return rc;
}
