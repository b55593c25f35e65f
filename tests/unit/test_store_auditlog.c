/* test_store_auditlog — the auditors' pages of the audit log on a temporary database: every
 * filter and combination, paging back with --before, a stretch of time, an account with an
 * action it never took, each against the same events filtered by hand; and the oldest-first
 * walk an export reads (store_auditlog_each), with its bounds and its stop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_audit.h"
#include "store_auditlog.h"
#include "store_schema.h"
#include "store_tx.h"

#define TEST_AUDITLOG_N 600
#define TEST_AUDITLOG_T0 1700000000000LL
#define TEST_AUDITLOG_MIN 60000LL

struct test_auditlog_fx {
	char dir[64];
	char path[128];
	struct store *st;
};

static const char *const test_auditlog_actions[] = {"login", "command", "complaint.add"};

static void test_auditlog_of(int i, char *account, char *target, const char **action,
                             const char **role)
{
	int a = i % 4;

	snprintf(account, 16, "agent%d", a);
	snprintf(target, 16, "#%d", i % 7);
	/* agent1 never adds a complaint */
	*action = test_auditlog_actions[a == 1 ? i % 2 : i % 3];
	*role = i % 10 == 0 ? "supervisor" : "agent";
}

static int test_auditlog_setup(void **state)
{
	struct test_auditlog_fx *fx = calloc(1, sizeof *fx);
	int i;

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_auditlog.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/propdesk.db", fx->dir);
	assert_int_equal(store_open(fx->path, STORE_NOSYNC, 1000, &fx->st), 0);
	assert_int_equal(store_schema_migrate(fx->st), 0);
	assert_int_equal(store_tx_batch_begin(fx->st), 0);
	for (i = 1; i <= TEST_AUDITLOG_N; i++) {
		char account[16], target[16], session[16];
		const char *action, *role;
		struct audit_ctx ctx;

		test_auditlog_of(i, account, target, &action, &role);
		snprintf(session, sizeof session, "s%d", i / 10);
		memset(&ctx, 0, sizeof ctx);
		ctx.account = account;
		ctx.role = role;
		ctx.session = session;
		ctx.transport = "ssh";
		assert_int_equal(store_tx_begin(fx->st), 0);
		assert_int_equal(store_tx_end(fx->st, store_audit_append(
		                     fx->st, &ctx, TEST_AUDITLOG_T0 + i * TEST_AUDITLOG_MIN, action,
		                     target, "detail")),
		                 0);
	}
	assert_int_equal(store_tx_batch_end(fx->st, 0), 0);
	*state = fx;
	return 0;
}

static int test_auditlog_teardown(void **state)
{
	struct test_auditlog_fx *fx = *state;
	char cmd[256];

	store_close(fx->st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Event i (seq i) passes f, by hand. */
static int test_auditlog_match(int i, const struct auditlog_filter *f)
{
	char account[16], target[16], session[16];
	const char *action, *role;
	int64_t ts = TEST_AUDITLOG_T0 + i * TEST_AUDITLOG_MIN;

	test_auditlog_of(i, account, target, &action, &role);
	snprintf(session, sizeof session, "s%d", i / 10);
	return (f->account == NULL || strcmp(f->account, account) == 0) &&
	       (f->role == NULL || strcmp(f->role, role) == 0) &&
	       (f->action == NULL || strcmp(f->action, action) == 0) &&
	       (f->target == NULL || strcmp(f->target, target) == 0) &&
	       (f->session == NULL || strcmp(f->session, session) == 0) &&
	       (f->since_ms == 0 || ts >= f->since_ms) && (f->until_ms == 0 || ts < f->until_ms) &&
	       (f->before_seq == 0 || i < f->before_seq) && i > f->after_seq;
}

/* The page for f is exactly the newest events that pass it, newest first. */
static void test_auditlog_check(struct store *st, const struct auditlog_filter *f)
{
	struct audit_event *list = NULL;
	size_t n = 0, k = 0;
	int i;

	assert_int_equal(store_auditlog_list(st, f, &list, &n), 0);
	for (i = TEST_AUDITLOG_N; i >= 1 && k < f->limit; i--) {
		if (!test_auditlog_match(i, f))
			continue;
		if (k >= n)
			fail_msg("event %d missing from the page (%zu events)", i, n);
		assert_int_equal(list[k].seq, i);
		k++;
	}
	assert_int_equal(n, k);
	store_audit_list_free(list, n);
}

static void test_auditlog_filters(void **state)
{
	struct test_auditlog_fx *fx = *state;
	static const char *const accounts[] = {NULL, "agent0", "agent1", "nobody"};
	static const char *const actions[] = {NULL, "login", "complaint.add"};
	size_t a, b;

	for (a = 0; a < 4; a++) {
		for (b = 0; b < 3; b++) {
			int64_t before[] = {0, 1, 2, 300, 599, 601};
			size_t c;

			for (c = 0; c < sizeof before / sizeof before[0]; c++) {
				struct auditlog_filter f;

				memset(&f, 0, sizeof f);
				f.limit = 25;
				f.account = accounts[a];
				f.action = actions[b];
				f.before_seq = before[c];
				test_auditlog_check(fx->st, &f);
				/* the same within a stretch of time */
				f.since_ms = TEST_AUDITLOG_T0 + 100 * TEST_AUDITLOG_MIN;
				f.until_ms = TEST_AUDITLOG_T0 + 160 * TEST_AUDITLOG_MIN + 1;
				test_auditlog_check(fx->st, &f);
				f.until_ms = 0;
				test_auditlog_check(fx->st, &f);
				f.since_ms = 0;
				f.until_ms = TEST_AUDITLOG_T0 + 50 * TEST_AUDITLOG_MIN;
				test_auditlog_check(fx->st, &f);
			}
		}
	}
}

static void test_auditlog_other_filters(void **state)
{
	struct test_auditlog_fx *fx = *state;
	struct auditlog_filter f;

	memset(&f, 0, sizeof f);
	f.limit = 1000;
	f.role = "supervisor";
	test_auditlog_check(fx->st, &f);
	f.role = NULL;
	f.target = "#3";
	f.before_seq = 500;
	test_auditlog_check(fx->st, &f);
	f.target = NULL;
	f.session = "s12";
	test_auditlog_check(fx->st, &f);
	f.session = NULL;
	f.before_seq = 0;
	f.since_ms = TEST_AUDITLOG_T0 + 590 * TEST_AUDITLOG_MIN;
	f.until_ms = TEST_AUDITLOG_T0 + 700 * TEST_AUDITLOG_MIN;
	f.role = "agent";
	test_auditlog_check(fx->st, &f);
}

struct test_auditlog_walk {
	int64_t last, n, stop_at;
};

static int test_auditlog_walk_cb(void *arg, const struct audit_event *e)
{
	struct test_auditlog_walk *w = arg;

	assert_true(e->seq > w->last);
	assert_non_null(e->hash);
	assert_string_equal(e->detail, "detail");
	w->last = e->seq;
	w->n++;
	return e->seq == w->stop_at ? 1 : 0;
}

static void test_auditlog_each(void **state)
{
	struct test_auditlog_fx *fx = *state;
	struct test_auditlog_walk w = {0, 0, 0};
	struct auditlog_filter f;
	int64_t head = 0;

	assert_int_equal(store_auditlog_head(fx->st, &head), 0);
	assert_int_equal(head, TEST_AUDITLOG_N);
	memset(&f, 0, sizeof f);
	f.after_seq = 100;
	f.before_seq = 201;
	f.limit = 1000;
	assert_int_equal(store_auditlog_each(fx->st, &f, test_auditlog_walk_cb, &w), 0);
	assert_int_equal(w.n, 100);
	assert_int_equal(w.last, 200);
	memset(&w, 0, sizeof w);
	w.stop_at = 150;
	assert_int_equal(store_auditlog_each(fx->st, &f, test_auditlog_walk_cb, &w), 0);
	assert_int_equal(w.n, 50);
	memset(&w, 0, sizeof w);
	f.limit = 7;
	assert_int_equal(store_auditlog_each(fx->st, &f, test_auditlog_walk_cb, &w), 0);
	assert_int_equal(w.n, 7);
	assert_int_equal(w.last, 107);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_auditlog_filters, test_auditlog_setup,
	                                    test_auditlog_teardown),
	    cmocka_unit_test_setup_teardown(test_auditlog_other_filters, test_auditlog_setup,
	                                    test_auditlog_teardown),
	    cmocka_unit_test_setup_teardown(test_auditlog_each, test_auditlog_setup,
	                                    test_auditlog_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
