/* storebench — the store benchmark of scripts/bench: how fast complaints are taken through the
 * store (each its own transaction with its audit event, as a session takes one), and how long
 * `complaint search` takes, substring and bounded regex, over a desk of N generated complaints.
 *
 *   propdesk-storebench --db PATH [--complaints N] [--adds N] [--runs N] [--synchronous full|normal]
 *
 * PATH must not exist. The desk: complaints in the demo desk's words (demo_words) taken by eight
 * agents over the two years before now, one in ten with a note; one in 50,000 carries a rare
 * phrase (压测标记) in a note, the needle of the rare searches. The searches run on a second,
 * read-only connection, as the daemon's thread pool does, each with the page size of the shell
 * (100), --runs times (default 5); a regex search is the shell's: rx (PCRE2, bounded, JIT) over
 * the texts of the complaints that hold the literal every match contains (rx_literal.h, through
 * the index), or of every complaint when the pattern has none, until a page is full; a pattern
 * with a literal is also run as a scan of every complaint (kind=regex-scan), to compare.
 *
 * Prints "key=value" lines (scripts/bench reads them):
 *   store_adds_per_s=… store_add_p50_ms=… store_add_p99_ms=…
 *   store_generated=N store_generate_s=… store_db_mb=…
 *   search kind=text|regex|regex-scan query=… literal=… hits=… p50_ms=… max_ms=…
 * and progress on stderr. Exits 1 when something fails (after saying what). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "demo.h"
#include "rx.h"
#include "rx_literal.h"
#include "store.h"
#include "store_account.h"
#include "store_complaint.h"
#include "store_schema.h"
#include "store_tx.h"

#define STOREBENCH_AGENTS 8
#define STOREBENCH_BATCH 1000
#define STOREBENCH_NEEDLE_EVERY 50000
#define STOREBENCH_DAY_MS 86400000LL

static const char *const storebench_agents[STOREBENCH_AGENTS] = {
    "bench1", "bench2", "bench3", "bench4", "bench5", "bench6", "bench7", "bench8"};

static double storebench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int storebench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100) of v[0..n), sorted in place. */
static double storebench_pct(double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, storebench_cmp);
	i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static int storebench_fail(struct store *st, int rc, const char *what)
{
	fprintf(stderr, "storebench: %s: %s (%s)\n", what, store_strerror(rc, "en"),
	        st != NULL ? store_last_error(st) : "");
	return 1;
}

/* Complaint n (0-based) of the generated desk, taken by its agent. */
static int storebench_add(struct store *st, uint64_t n, bool needle)
{
	char words[512], note[600];
	const char *category;
	const char *techniques[1] = {"empathy"};
	struct audit_ctx ctx = {.account = storebench_agents[n % STOREBENCH_AGENTS],
	                        .role = "agent",
	                        .session = "storebench",
	                        .peer = "-",
	                        .transport = "cli"};
	struct complaint_new in = {0};
	char number[COMPLAINT_NUMBER_MAX];
	int rc;

	demo_words(n, words, sizeof words, &category);
	in.unit = "3-2-1201";
	in.caller = "王女士";
	in.relation = COMPLAINT_REL_OWNER;
	in.channel = COMPLAINT_CH_PHONE;
	in.category = category;
	in.words = words;
	in.mood = COMPLAINT_MOOD_UPSET;
	in.techniques = techniques;
	in.ntechniques = 1;
	rc = store_complaint_add(st, &ctx, &in, number);
	if (rc != 0 || (n % 10 != 3 && !needle))
		return rc;
	demo_words(n + 0x5eed, note, sizeof note, &category);
	if (needle)
		snprintf(note, sizeof note, "业主提到压测标记%llu号，已记录。", (unsigned long long)n);
	return store_complaint_note(st, &ctx, number, note);
}

struct storebench_rx {
	struct rx *rx;
	int err;
};

static int storebench_rx_match(void *arg, const char *text, size_t len)
{
	struct storebench_rx *m = arg;
	int rc = rx_match(m->rx, text, len);

	if (rc < 0)
		m->err = rc;
	return rc < 0 ? -EDOM : rc;
}

/* Runs one search runs times; prints its line. A regex is narrowed by its literal unless
 * scan. */
static int storebench_search(struct store *ro, bool regex, bool scan, const char *query, int runs)
{
	double t[64], t0;
	size_t hits = 0;
	char literal[1032] = "";
	int i, rc = 0;

	if (regex && !scan)
		rx_literal_required(query, 0, literal, sizeof literal);

	if (runs > 64)
		runs = 64;
	for (i = 0; i < runs; i++) {
		struct complaint_filter f = {.limit = 100};
		struct complaint *list = NULL;
		size_t n = 0;

		t0 = storebench_now();
		if (regex) {
			struct storebench_rx m = {0};
			char *err = NULL;

			m.rx = rx_new(query, 0, &err);
			if (m.rx == NULL) {
				fprintf(stderr, "storebench: regex %s: %s\n", query, err);
				free(err);
				return 1;
			}
			rc = store_complaint_search_match(ro, storebench_rx_match, &m, literal, &f,
			                                  &list, &n);
			rx_free(m.rx);
		} else {
			rc = store_complaint_search_text(ro, query, &f, &list, &n);
		}
		t[i] = (storebench_now() - t0) * 1000.0;
		store_complaint_list_free(list, n);
		if (rc != 0)
			return storebench_fail(ro, rc, query);
		hits = n;
	}
	printf("search kind=%s query=%s literal=%s hits=%zu p50_ms=%.1f max_ms=%.1f\n",
	       regex ? (scan ? "regex-scan" : "regex") : "text", query,
	       literal[0] != '\0' ? literal : "-", hits, storebench_pct(t, (size_t)runs, 50),
	       storebench_pct(t, (size_t)runs, 100));
	fflush(stdout);
	return 0;
}

static const char *const storebench_texts[] = {
    "漏水",       /* common: a page fills at once */
    "卫生间漏水", /* a longer phrase */
    "漏",         /* one character: a prefix query */
    "压测标记",   /* rare: one complaint in 50,000 */
    "不存在的词", /* nowhere */
};
static const char *const storebench_regexes[] = {
    "漏水|渗水",      /* common */
    "压测标记[0-9]+", /* rare: read through the index (压测标记) */
    "^不存在的.*词$", /* nowhere: read through the index (不存在的) */
    "[0-9]{4}年",     /* "年" through the index (in many texts) */
    "\\d+号楼.*\\d+室", /* "号楼" */
};

int main(int argc, char **argv)
{
	const char *path = NULL;
	uint64_t total = 100000, adds = 2000, n;
	int runs = 5, i, rc;
	bool nosync = false;
	struct store *st = NULL, *ro = NULL;
	double *lat, t0, t1, span;
	int64_t now_ms, start_ms;
	struct stat sb;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--complaints") && i + 1 < argc)
			total = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--adds") && i + 1 < argc)
			adds = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--synchronous") && i + 1 < argc &&
			 (!strcmp(argv[i + 1], "full") || !strcmp(argv[i + 1], "normal")))
			nosync = !strcmp(argv[++i], "normal");
		else
			path = NULL, i = argc;
	}
	if (path == NULL || adds == 0 || total < adds || runs < 1) {
		fprintf(stderr, "usage: propdesk-storebench --db PATH [--complaints N] [--adds N] "
		                "[--runs N] [--synchronous full|normal]\n");
		return 2;
	}
	if (stat(path, &sb) == 0) {
		fprintf(stderr, "storebench: %s exists\n", path);
		return 2;
	}
	/* The adds as the daemon makes them: synchronous=full unless told otherwise. */
	rc = store_open(path, nosync ? STORE_NOSYNC : 0, 5000, &st);
	if (rc == 0)
		rc = store_schema_migrate(st);
	for (i = 0; rc == 0 && i < STOREBENCH_AGENTS; i++) {
		struct account a = {.name = (char *)storebench_agents[i],
		                    .role = ROLE_AGENT,
		                    .lang = (char *)"zh"};

		rc = store_account_add(st, NULL, &a);
	}
	if (rc != 0)
		return storebench_fail(st, rc, "creating the database");

	now_ms = store_now_ms();
	start_ms = now_ms - 730 * STOREBENCH_DAY_MS;
	/* 1. The desk, over the last two years, in batches (still through the store, audited). */
	t0 = storebench_now();
	span = (double)(now_ms - start_ms);
	for (n = 0; n < total - adds;) {
		uint64_t end = n + STOREBENCH_BATCH < total - adds ? n + STOREBENCH_BATCH : total - adds;

		rc = store_tx_batch_begin(st);
		for (; rc == 0 && n < end; n++) {
			store_complaint_set_clock(st, start_ms + (int64_t)(span * (double)n /
			                                                   (double)total));
			rc = storebench_add(st, n, n % STOREBENCH_NEEDLE_EVERY == 1234);
		}
		rc = store_tx_batch_end(st, rc);
		if (rc != 0)
			return storebench_fail(st, rc, "generating the desk");
		if (n % 100000 < STOREBENCH_BATCH)
			fprintf(stderr, "storebench: %llu of %llu complaints (%.0f s)\n",
			        (unsigned long long)n, (unsigned long long)total,
			        storebench_now() - t0);
	}
	store_complaint_set_clock(st, 0);
	t1 = storebench_now();
	printf("store_generated=%llu store_generate_s=%.1f\n", (unsigned long long)(total - adds),
	       t1 - t0);
	fflush(stdout);

	/* 2. Then taken one at a time, as sessions do: a transaction and audit event each. As in
	 * the daemon, checkpoints are not run by the writer (its pool runs them): afterwards. */
	store_set_autocheckpoint(st, 0);
	lat = calloc(adds, sizeof *lat);
	if (lat == NULL)
		return 1;
	t0 = storebench_now();
	for (n = 0; n < adds; n++) {
		double a0 = storebench_now();

		rc = storebench_add(st, total - adds + n, false);
		if (rc != 0)
			return storebench_fail(st, rc, "adding a complaint");
		lat[n] = (storebench_now() - a0) * 1000.0;
	}
	t1 = storebench_now();
	store_checkpoint(st, NULL, NULL);
	printf("store_adds_per_s=%.0f store_add_p50_ms=%.3f store_add_p99_ms=%.3f\n",
	       (double)adds / (t1 - t0), storebench_pct(lat, adds, 50),
	       storebench_pct(lat, adds, 99));
	fflush(stdout);
	free(lat);

	store_close(st);
	printf("store_complaints=%llu store_db_mb=%.0f\n", (unsigned long long)total,
	       stat(path, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0.0);
	fflush(stdout);

	/* 3. Searches on a read-only connection, as the thread pool runs them. */
	rc = store_open(path, STORE_READONLY, 5000, &ro);
	if (rc != 0)
		return storebench_fail(NULL, rc, "opening the database read-only");
	for (i = 0; i < (int)(sizeof storebench_texts / sizeof storebench_texts[0]); i++)
		if (storebench_search(ro, false, false, storebench_texts[i], runs) != 0)
			return 1;
	for (i = 0; i < (int)(sizeof storebench_regexes / sizeof storebench_regexes[0]); i++) {
		char lit[1032];

		if (storebench_search(ro, true, false, storebench_regexes[i], runs) != 0)
			return 1;
		if (rx_literal_required(storebench_regexes[i], 0, lit, sizeof lit) > 0 &&
		    storebench_search(ro, true, true, storebench_regexes[i], runs) != 0)
			return 1;
	}
	store_close(ro);
	return 0;
}
