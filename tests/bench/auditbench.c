/* auditbench — fills a sealed desk's audit log for the audit benchmark
 * (tests/bench/audit-verify.sh) through the store's own write path, then times pages of
 * `audit list` with its filters over it. The events are written every event by store_audit_append in its transaction,
 * a thousand to a batch (one commit), so the sealer attached to the connection seals the head
 * at each commit that reaches its `every`, and ratchets the key state as the daemon does.
 *
 *   propdesk-auditbench --db PATH --key-state FILE [--events N] [--every N] [--pages N]
 *
 * PATH is a desk set up by `propdeskd audit init-key` (FILE its key state, moved forward
 * here). The events: commands of 50 agents, 20 to a session, spread evenly over the year
 * before now,
 * in the words a desk's log holds (Chinese among them), with an action, target and detail
 * that `audit list` filters on. Then --pages N (default 0: none) pages of 50 events, newest
 * first, on a second, read-only connection as the daemon's thread pool reads them, for each of
 * the filters (account, role, action, target, session, a day, combined, and a page further
 * back with --before). Prints "auditbench events=N seconds=S events_per_s=R", then one
 * "auditlist filter=F pages=N p50_ms=… p99_ms=… max_ms=…" per filter and progress on stderr;
 * exits 1 when something fails (after saying what). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "store_audit.h"
#include "store_auditlog.h"
#include "store_seal.h"
#include "store_tx.h"

#define AUDITBENCH_BATCH 1000
#define AUDITBENCH_YEAR_MS (365LL * 86400000)

/* Event i of n's time: evenly over the year before t0. */
#define AUDITBENCH_TS(t0, i, n) ((t0) - AUDITBENCH_YEAR_MS + (int64_t)((double)(i) * AUDITBENCH_YEAR_MS / (double)(n)))

static double auditbench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void auditbench_usage(void)
{
	fprintf(stderr, "usage: propdesk-auditbench --db PATH --key-state FILE [--events N] "
	                "[--every N] [--pages N]\n");
	exit(2);
}

static int auditbench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Pages of 50 by each filter, on a read-only connection: one line of percentiles each. */
static int auditbench_pages(const char *db, int64_t n, int64_t t0, int pages)
{
	static const char *const names[] = {"none",    "account", "role",   "action",
	                                    "target",  "session", "day",    "account+action",
	                                    "before"};
	const size_t nf = sizeof names / sizeof names[0];
	struct store *ro = NULL;
	double *ms = calloc((size_t)pages, sizeof *ms);
	size_t k;
	int rc = store_open(db, STORE_READONLY, 5000, &ro);

	if (ms == NULL)
		abort();
	for (k = 0; rc == 0 && k < nf; k++) {
		int p;

		for (p = 0; rc == 0 && p < pages; p++) {
			struct auditlog_filter f;
			struct audit_event *list = NULL;
			char account[24], target[24], session[32];
			size_t got = 0;
			int64_t r = (int64_t)(((uint64_t)p * 2654435761u) % (uint64_t)n);
			double a;

			memset(&f, 0, sizeof f);
			f.limit = 50;
			snprintf(account, sizeof account, "agent%d", (int)(r % 50));
			snprintf(target, sizeof target, "#%d", (int)(r % 9000));
			snprintf(session, sizeof session, "s%010lld", (long long)(r / 20));
			if (k == 1 || k == 7)
				f.account = account;
			if (k == 2)
				f.role = "supervisor";
			if (k == 3 || k == 7)
				f.action = p % 2 ? "login" : "complaint.add";
			if (k == 4)
				f.target = target;
			if (k == 5)
				f.session = session;
			if (k == 6) {
				f.since_ms = AUDITBENCH_TS(t0, r, n);
				f.until_ms = f.since_ms + 86400000;
			}
			if (k == 8)
				f.before_seq = r + 1;
			a = auditbench_now();
			rc = store_auditlog_list(ro, &f, &list, &got);
			ms[p] = (auditbench_now() - a) * 1000;
			store_audit_list_free(list, got);
		}
		if (rc == 0) {
			qsort(ms, (size_t)pages, sizeof *ms, auditbench_cmp);
			printf("auditlist filter=%s pages=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
			       names[k], pages, ms[pages / 2], ms[(size_t)pages * 99 / 100],
			       ms[pages - 1]);
		}
	}
	if (rc < 0)
		fprintf(stderr, "auditbench: audit list: %s\n", store_strerror(rc, "en"));
	free(ms);
	store_close(ro);
	return rc;
}

static int auditbench_one(struct store *st, int64_t i, int64_t n, int64_t t0)
{
	static const char *const actions[] = {"command", "command", "command", "login", "logout",
	                                      "complaint.add", "complaint.note", "promise.add"};
	static const char *const details[] = {
	    "complaint list --status open", "complaint show 12", "movein show 3-2-1101",
	    "complaint search 漏水", "promise list --overdue", "technique show empathy"};
	char account[24], session[32], peer[48], target[24];
	struct audit_ctx ctx;
	int rc;

	snprintf(account, sizeof account, "agent%d", (int)(i % 50));
	snprintf(session, sizeof session, "s%010lld", (long long)(i / 20));
	snprintf(peer, sizeof peer, "10.0.%d.%d:40%02d", (int)(i / 200 % 250), (int)(i % 200),
	         (int)(i % 100));
	snprintf(target, sizeof target, "#%d", (int)(i % 9000));
	memset(&ctx, 0, sizeof ctx);
	ctx.account = account;
	ctx.role = i % 25 == 0 ? "supervisor" : "agent";
	ctx.session = session;
	ctx.peer = peer;
	ctx.transport = "ssh";
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	rc = store_audit_append(st, &ctx, AUDITBENCH_TS(t0, i, n), actions[i % 8], target,
	                        details[i % 6]);
	return store_tx_end(st, rc);
}

int main(int argc, char **argv)
{
	const char *db = NULL, *state = NULL;
	int64_t n = 1000000, every = AUDITBENCH_BATCH, i, t0;
	int pages = 0;
	struct store *st = NULL;
	double start, secs;
	int a, rc;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--db") == 0 && a + 1 < argc)
			db = argv[++a];
		else if (strcmp(argv[a], "--key-state") == 0 && a + 1 < argc)
			state = argv[++a];
		else if (strcmp(argv[a], "--events") == 0 && a + 1 < argc)
			n = strtoll(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--every") == 0 && a + 1 < argc)
			every = strtoll(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--pages") == 0 && a + 1 < argc)
			pages = atoi(argv[++a]);
		else
			auditbench_usage();
	}
	if (db == NULL || state == NULL || n <= 0 || every <= 0 || pages < 0)
		auditbench_usage();
	rc = store_open(db, STORE_NOSYNC, 5000, &st);
	if (rc == 0)
		rc = store_seal_attach(st, state, every, 86400, NULL, NULL);
	if (rc < 0) {
		fprintf(stderr, "auditbench: %s: %s\n", db, store_strerror(rc, "en"));
		store_close(st);
		return 1;
	}
	t0 = store_now_ms();
	start = auditbench_now();
	for (i = 0; i < n && rc == 0;) {
		int64_t end = i + AUDITBENCH_BATCH < n ? i + AUDITBENCH_BATCH : n;

		rc = store_tx_batch_begin(st);
		for (; rc == 0 && i < end; i++)
			rc = auditbench_one(st, i, n, t0);
		rc = store_tx_batch_end(st, rc);
		if (i % 1000000 == 0)
			fprintf(stderr, "auditbench: %lld events (%.0f s)\n", (long long)i,
			        auditbench_now() - start);
	}
	/* The tail sealed too, as the daemon does when it stops. */
	if (rc == 0)
		rc = store_seal_now(st);
	if (rc < 0) {
		fprintf(stderr, "auditbench: after %lld events: %s\n", (long long)i,
		        store_strerror(rc, "en"));
		store_close(st);
		return 1;
	}
	secs = auditbench_now() - start;
	store_close(st);
	printf("auditbench events=%lld seconds=%.1f events_per_s=%.0f\n", (long long)n, secs,
	       (double)n / (secs > 0 ? secs : 1));
	fflush(stdout);
	if (pages > 0 && auditbench_pages(db, n, t0, pages) < 0)
		return 1;
	return 0;
}
