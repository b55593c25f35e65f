/* test_store_search — the character-pair search index: the tokenizer's tokens for documents and
 * queries, the FTS5 query it builds (quotes, single characters), and the index against a plain
 * substring scan on random complaints whose notes and outcomes change after they are indexed
 * (FTS5's integrity check agrees; a rebuild changes nothing), changes by hand (searched by a
 * scan until the store indexes them), and batches. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_complaint.h"
#include "store_pairs.h"
#include "store_search.h"
#include "store_tx.h"
#include "testhost.h"

/* ---- the tokenizer ------------------------------------------------------------------------ */

struct test_ss_tokens {
	char out[512]; /* tokens joined by '|' */
	size_t len;
};

static int test_ss_collect(void *arg, const char *text, size_t start, size_t end)
{
	struct test_ss_tokens *t = arg;
	int w = snprintf(t->out + t->len, sizeof t->out - t->len, "%s%.*s", t->len ? "|" : "",
	                 (int)(end - start), text + start);

	assert_true(w > 0 && (size_t)w < sizeof t->out - t->len);
	t->len += (size_t)w;
	return 0;
}

static const char *test_ss_tokens(const char *text, bool query)
{
	static struct test_ss_tokens t;

	memset(&t, 0, sizeof t);
	assert_int_equal(store_pairs_tokenize(text, strlen(text), query, test_ss_collect, &t), 0);
	return t.out;
}

static void test_ss_tokenizer_documents(void **state)
{
	(void)state;
	/* Each character with the next of its text; the last alone. */
	assert_string_equal(test_ss_tokens("卫生间漏水\x1f", false), "卫生|生间|间漏|漏水|水");
	assert_string_equal(test_ss_tokens("ab\x1f" "cd\x1f", false), "ab|b|cd|d");
	/* Empty texts (no outcome, no notes) give nothing. */
	assert_string_equal(test_ss_tokens("水\x1f\x1f\x1f", false), "水");
	assert_string_equal(test_ss_tokens("\x1f\x1f", false), "");
	/* Without a final separator the end of the input ends the text. */
	assert_string_equal(test_ss_tokens("Ab", false), "Ab|b");
	/* Bytes that are not UTF-8 are taken one at a time. */
	assert_string_equal(test_ss_tokens("a\xff", false), "a\xff|\xff");
}

static void test_ss_tokenizer_queries(void **state)
{
	(void)state;
	assert_string_equal(test_ss_tokens("漏水", true), "漏水");
	assert_string_equal(test_ss_tokens("漏水管", true), "漏水|水管");
	assert_string_equal(test_ss_tokens("漏", true), "漏");
	assert_string_equal(test_ss_tokens("a b", true), "a | b");
}

static int test_ss_stop(void *arg, const char *text, size_t start, size_t end)
{
	(void)text;
	(void)start;
	(void)end;
	return ++*(int *)arg == 2 ? 7 : 0;
}

static void test_ss_tokenizer_stops(void **state)
{
	int calls = 0;

	(void)state;
	assert_int_equal(store_pairs_tokenize("abcdef", 6, false, test_ss_stop, &calls), 7);
	assert_int_equal(calls, 2);
}

static void test_ss_query_text(void **state)
{
	char q[32];

	(void)state;
	assert_int_equal(store_pairs_query("漏水", q, sizeof q), 8);
	assert_string_equal(q, "\"漏水\"");
	assert_true(store_pairs_query("漏", q, sizeof q) > 0);
	assert_string_equal(q, "\"漏\" *");
	assert_true(store_pairs_query("a\"b", q, sizeof q) > 0);
	assert_string_equal(q, "\"a\"\"b\"");
	assert_true(store_pairs_query("\"", q, sizeof q) > 0);
	assert_string_equal(q, "\"\"\"\" *");
	assert_int_equal(store_pairs_query("", q, sizeof q), -1);
	assert_int_equal(store_pairs_query("0123456789abcdefghijklmnopqrstuvwxyz", q, sizeof q),
	                 -1);
	assert_int_equal(store_pairs_query("ab", q, 4), -1);
	assert_int_equal(store_pairs_query("ab", q, 5), 4);
}

/* ---- the index against a plain scan ------------------------------------------------------- */

static const struct audit_ctx test_ss_ctx = {
    .account = "zhang", .role = "agent", .session = "s-1", .peer = "127.0.0.1:1", .transport = "ssh"};

/* Few characters, so that random queries often hit: Chinese, both cases, a quote, a star, a
 * space, FTS5 syntax words. */
static const char *const test_ss_alphabet[] = {"漏", "水", "管", "楼", "a", "A", "\"", "*", " ",
                                               "OR", "NEAR"};
#define TEST_SS_NALPHA (sizeof test_ss_alphabet / sizeof test_ss_alphabet[0])
#define TEST_SS_N 60

struct test_ss_fx {
	struct testhost *th;
	const char *path; /* th's database */
	struct store *st; /* th's store */
	char number[TEST_SS_N][COMPLAINT_NUMBER_MAX];
	unsigned seed;
};

static unsigned test_ss_rand(struct test_ss_fx *fx, unsigned n)
{
	fx->seed = fx->seed * 1103515245u + 12345u;
	return (fx->seed >> 16) % n;
}

static void test_ss_random_text(struct test_ss_fx *fx, char *out, size_t outlen, unsigned maxlen)
{
	unsigned n = 1 + test_ss_rand(fx, maxlen), i;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		strncat(out, test_ss_alphabet[test_ss_rand(fx, TEST_SS_NALPHA)],
		        outlen - strlen(out) - 1);
	/* The store trims nothing, but a text may not be only spaces. */
	if (strspn(out, " ") == strlen(out))
		strncat(out, "水", outlen - strlen(out) - 1);
}

static int test_ss_setup(void **state)
{
	struct test_ss_fx *fx = calloc(1, sizeof *fx);

	if (fx == NULL)
		return -1;
	fx->th = testhost_new("test_ss");
	if (fx->th == NULL)
		return -1;
	testhost_account_add(fx->th, "zhang", NULL, ROLE_AGENT, "zh", NULL);
	fx->st = fx->th->st;
	fx->path = fx->th->path;
	fx->seed = 20261127u;
	*state = fx;
	return 0;
}

static int test_ss_teardown(void **state)
{
	struct test_ss_fx *fx = *state;

	testhost_free(fx->th);
	free(fx);
	return 0;
}

/* Whether complaint i has text in its words, outcome or a note. */
static bool test_ss_contains(struct test_ss_fx *fx, size_t i, const char *text)
{
	struct complaint c;
	bool found;
	size_t k;

	if (store_complaint_get(fx->st, fx->number[i], &c, true) != 0)
		fail_msg("get %s: %s", fx->number[i], store_last_error(fx->st));
	found = strstr(c.words, text) != NULL || (c.outcome != NULL && strstr(c.outcome, text));
	for (k = 0; !found && k < c.nnotes; k++)
		found = strstr(c.notes[k].text, text) != NULL;
	store_complaint_clear(&c);
	return found;
}

/* The index finds exactly the complaints (the first count of fx->number) a scan finds, latest
 * first. */
static void test_ss_check_in(struct test_ss_fx *fx, const char *text, int count)
{
	struct complaint_filter f = {.limit = 1000};
	struct complaint *list;
	size_t n, got = 0;
	int i;

	assert_int_equal(store_complaint_search_text(fx->st, text, &f, &list, &n), 0);
	for (i = count - 1; i >= 0; i--) {
		if (!test_ss_contains(fx, (size_t)i, text))
			continue;
		if (got >= n || strcmp(list[got].number, fx->number[i]) != 0)
			fail_msg("search \"%s\": result %zu should be %s, is %s", text, got,
			         fx->number[i], got < n ? list[got].number : "(none)");
		got++;
	}
	if (got != n)
		fail_msg("search \"%s\": %zu extra results", text, n - got);
	store_complaint_list_free(list, n);
}

static void test_ss_check(struct test_ss_fx *fx, const char *text)
{
	test_ss_check_in(fx, text, TEST_SS_N);
}

/* Every word of the texts used by the small tests, against the first count complaints. */
static void test_ss_check_n(struct test_ss_fx *fx, int count)
{
	static const char *const words[] = {"漏水", "噪音", "楼上", "卫生间", "停车", "手工补录",
	                                    "电梯", "号", "漏", "1", "回滚"};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		test_ss_check_in(fx, words[i], count);
}

static void test_ss_fts_command(struct test_ss_fx *fx, const char *command)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	assert_int_equal(store_pairs_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO complaint_search (complaint_search) VALUES (?1)",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(s, 1, command, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		fail_msg("%s: %s", command, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void test_ss_matches_scan(void **state)
{
	struct test_ss_fx *fx = *state;
	char text[128], query[64];
	size_t i, k;

	for (i = 0; i < TEST_SS_N; i++) {
		struct complaint_new in = {.unit = "3-2-1201",
		                           .caller = "王女士",
		                           .relation = COMPLAINT_REL_OWNER,
		                           .channel = COMPLAINT_CH_PHONE,
		                           .category = "repairs",
		                           .words = text,
		                           .mood = COMPLAINT_MOOD_CALM};

		test_ss_random_text(fx, text, sizeof text, 12);
		if (store_complaint_add(fx->st, &test_ss_ctx, &in, fx->number[i]) != 0)
			fail_msg("add: %s", store_last_error(fx->st));
	}
	/* Changes after indexing: notes, outcomes, reopenings, more notes. */
	for (i = 0; i < TEST_SS_N; i++) {
		unsigned notes = test_ss_rand(fx, 4);

		for (k = 0; k < notes; k++) {
			test_ss_random_text(fx, text, sizeof text, 8);
			assert_int_equal(store_complaint_note(fx->st, &test_ss_ctx, fx->number[i], text),
			                 0);
		}
		if (test_ss_rand(fx, 3) == 0) {
			test_ss_random_text(fx, text, sizeof text, 8);
			assert_int_equal(
			    store_complaint_resolve(fx->st, &test_ss_ctx, fx->number[i], text), 0);
			if (test_ss_rand(fx, 2) == 0) {
				assert_int_equal(store_complaint_reopen(fx->st, &test_ss_ctx,
				                                        fx->number[i], "没修好"),
				                 0);
				test_ss_random_text(fx, text, sizeof text, 8);
				assert_int_equal(store_complaint_note(fx->st, &test_ss_ctx,
				                                      fx->number[i], text),
				                 0);
			}
		}
	}
	for (i = 0; i < TEST_SS_NALPHA; i++)
		test_ss_check(fx, test_ss_alphabet[i]);
	for (i = 0; i < 300; i++) {
		test_ss_random_text(fx, query, sizeof query, 4);
		test_ss_check(fx, query);
	}
	test_ss_check(fx, "没修好");
	test_ss_check(fx, "修");
	test_ss_check(fx, "不在里面");
	test_ss_fts_command(fx, "integrity-check");
	test_ss_fts_command(fx, "rebuild");
	test_ss_fts_command(fx, "integrity-check");
	for (i = 0; i < 100; i++) {
		test_ss_random_text(fx, query, sizeof query, 3);
		test_ss_check(fx, query);
	}
}

/* A page of a common word: the latest first, then the next page. */
static void test_ss_pages(void **state)
{
	struct test_ss_fx *fx = *state;
	struct complaint_filter f = {.limit = 3};
	struct complaint *list;
	size_t n, i;

	for (i = 0; i < 8; i++)
		assert_int_equal(store_complaint_add(fx->st, &test_ss_ctx,
		                                     &(struct complaint_new){
		                                         .unit = "3-2-1201",
		                                         .caller = "李先生",
		                                         .relation = COMPLAINT_REL_OWNER,
		                                         .channel = COMPLAINT_CH_PHONE,
		                                         .category = "repairs",
		                                         .words = i % 2 ? "卫生间漏水" : "噪音扰民",
		                                         .mood = COMPLAINT_MOOD_CALM},
		                                     fx->number[i]),
		                 0);
	assert_int_equal(store_complaint_search_text(fx->st, "漏水", &f, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].number, fx->number[7]);
	assert_string_equal(list[2].number, fx->number[3]);
	store_complaint_list_free(list, n);
	f.offset = 3;
	assert_int_equal(store_complaint_search_text(fx->st, "漏水", &f, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, fx->number[1]);
	store_complaint_list_free(list, n);
	/* Filters still apply. */
	f = (struct complaint_filter){.status_mask = COMPLAINT_STATUS_BIT(COMPLAINT_RESOLVED)};
	assert_int_equal(store_complaint_search_text(fx->st, "漏水", &f, &list, &n), 0);
	assert_int_equal(n, 0);
	store_complaint_list_free(list, n);
}

static int64_t test_ss_raw_int(struct test_ss_fx *fx, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t v;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void test_ss_add_words(struct test_ss_fx *fx, size_t i, const char *words)
{
	struct complaint_new in = {.unit = "3-2-1201",
	                           .caller = "李先生",
	                           .relation = COMPLAINT_REL_OWNER,
	                           .channel = COMPLAINT_CH_PHONE,
	                           .category = "repairs",
	                           .words = words,
	                           .mood = COMPLAINT_MOOD_CALM};

	if (store_complaint_add(fx->st, &test_ss_ctx, &in, fx->number[i]) != 0)
		fail_msg("add: %s", store_last_error(fx->st));
}

/* A change by hand (an sqlite3 shell, without the tokenizer) works; searches scan until the
 * next change through the store indexes it. */
static void test_ss_hand_edit(void **state)
{
	struct test_ss_fx *fx = *state;
	sqlite3 *db = NULL;
	char *err = NULL;

	test_ss_add_words(fx, 0, "卫生间漏水");
	test_ss_add_words(fx, 1, "停车位被占");
	assert_int_equal(test_ss_raw_int(fx, "SELECT count(*) FROM complaint_search_pending"), 0);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	if (sqlite3_exec(db,
	                 "UPDATE complaints SET words = '楼上噪音' WHERE id = 1;"
	                 "INSERT INTO complaint_notes (complaint_id, author, ts_ms, text)"
	                 " VALUES (2, 'admin', 1, '手工补录：漏水')",
	                 NULL, NULL, &err) != SQLITE_OK)
		fail_msg("by hand: %s", err);
	sqlite3_close(db);
	assert_int_equal(test_ss_raw_int(fx, "SELECT count(*) FROM complaint_search_pending"), 2);
	test_ss_check_n(fx, 2);
	/* The next change through the store brings the index up to date. */
	test_ss_add_words(fx, 2, "电梯故障");
	assert_int_equal(test_ss_raw_int(fx, "SELECT count(*) FROM complaint_search_pending"), 0);
	test_ss_check_n(fx, 3);
	test_ss_fts_command(fx, "integrity-check");
}

/* With the statistics of a large desk (ANALYZE after many complaints, the pending table
 * empty), the index is still brought up to date from the pending ids, not by reading every
 * complaint at every change. */
static void test_ss_sync_plan(void **state)
{
	struct test_ss_fx *fx = *state;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char *err = NULL;

	test_ss_add_words(fx, 0, "卫生间漏水");
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	if (sqlite3_exec(db,
	                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	                 " WHERE i < 20000) INSERT INTO complaints (number, unit, caller,"
	                 " relation, channel, category, words, mood, agent, assignee, created_ms,"
	                 " updated_ms) SELECT 'C-19990101-' || i, '9-9-' || i, 'x', 'owner',"
	                 " 'phone', 'repairs', 'w', 'calm', 'zhang', 'zhang', i, i FROM n;"
	                 "DELETE FROM complaint_search_pending;",
	                 NULL, NULL, &err) != SQLITE_OK)
		fail_msg("fill: %s", err);
	sqlite3_close(db);
	assert_int_equal(store_analyze(fx->st), 0);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN " STORE_SEARCH_PENDING_TEXTS, -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	/* The first step of the plan reads the pending table. */
	assert_string_equal((const char *)sqlite3_column_text(s, 3), "SCAN p");
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* A batch indexes its complaints once, at its end; a failed batch leaves nothing behind. */
static void test_ss_batch(void **state)
{
	struct test_ss_fx *fx = *state;
	char words[32];
	size_t i;

	assert_int_equal(store_tx_batch_begin(fx->st), 0);
	assert_int_equal(store_tx_batch_begin(fx->st), STORE_EINVAL);
	for (i = 0; i < 40; i++) {
		snprintf(words, sizeof words, "%s%zu号", i % 2 ? "漏水" : "噪音", i);
		test_ss_add_words(fx, i, words);
	}
	/* A refused change inside the batch is undone alone. */
	assert_int_equal(store_complaint_note(fx->st, &test_ss_ctx, "C-00000000-0000", "x"),
	                 STORE_ENOENT);
	assert_int_equal(store_tx_batch_end(fx->st, 0), 0);
	assert_int_equal(test_ss_raw_int(fx, "SELECT count(*) FROM complaint_search_pending"), 0);
	test_ss_check_n(fx, 40);
	test_ss_check_in(fx, "7号", 40);
	test_ss_fts_command(fx, "integrity-check");
	assert_int_equal(store_tx_batch_begin(fx->st), 0);
	test_ss_add_words(fx, 40, "回滚的投诉");
	assert_int_equal(store_tx_batch_end(fx->st, STORE_EINVAL), STORE_EINVAL);
	assert_int_equal(test_ss_raw_int(fx, "SELECT count(*) FROM complaints"), 40);
	test_ss_check_n(fx, 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ss_tokenizer_documents),
	    cmocka_unit_test(test_ss_tokenizer_queries),
	    cmocka_unit_test(test_ss_tokenizer_stops),
	    cmocka_unit_test(test_ss_query_text),
	    cmocka_unit_test_setup_teardown(test_ss_matches_scan, test_ss_setup, test_ss_teardown),
	    cmocka_unit_test_setup_teardown(test_ss_pages, test_ss_setup, test_ss_teardown),
	    cmocka_unit_test_setup_teardown(test_ss_hand_edit, test_ss_setup, test_ss_teardown),
	    cmocka_unit_test_setup_teardown(test_ss_batch, test_ss_setup, test_ss_teardown),
	    cmocka_unit_test_setup_teardown(test_ss_sync_plan, test_ss_setup, test_ss_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
