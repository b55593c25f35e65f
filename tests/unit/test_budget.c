/* test_budget — the shared byte budget (service/budget.c): grants up to the limit, a strict
 * first-come line that never lets a small claim overtake a big one, releases that move the
 * line, waits that expire (and unblock the claims behind), wants clamped to the limit, a new
 * limit on reload, a line of bounded length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "budget.h"

struct test_budget_log {
	struct budget_claim *granted[8], *expired[8];
	int ngranted, nexpired;
};

static void test_budget_granted(void *arg, struct budget_claim *c)
{
	struct test_budget_log *l = arg;

	assert_true(l->ngranted < 8);
	assert_false(c->waiting);
	assert_true(c->held == c->want);
	l->granted[l->ngranted++] = c;
}

static void test_budget_expired(void *arg, struct budget_claim *c)
{
	struct test_budget_log *l = arg;

	assert_true(l->nexpired < 8);
	assert_false(c->waiting);
	assert_int_equal(c->held, 0);
	l->expired[l->nexpired++] = c;
}

static void test_budget_grants_in_order(void **state)
{
	struct budget b;
	struct budget_claim big1, big2, small, tiny;
	struct test_budget_log log;

	(void)state;
	memset(&log, 0, sizeof log);
	budget_init(&b, 100, 8);
	assert_int_equal(BUDGET_GRANTED, budget_claim(&b, &big1, 60, 0, 10));
	assert_int_equal(b.used, 60);
	/* Does not fit: waits. */
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &big2, 60, 0, 10));
	assert_true(big2.waiting);
	assert_int_equal(big2.held, 0);
	/* Fits, but never overtakes the claim waiting before it. */
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &small, 10, 0, 10));
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &tiny, 1, 0, 10));
	assert_int_equal(b.nwaiting, 3);
	assert_int_equal(b.used, 60);
	/* big1 done: big2, then small and tiny (70 + 1 <= 100) in order. */
	budget_release(&b, &big1, test_budget_granted, &log);
	assert_int_equal(log.ngranted, 3);
	assert_ptr_equal(log.granted[0], &big2);
	assert_ptr_equal(log.granted[1], &small);
	assert_ptr_equal(log.granted[2], &tiny);
	assert_int_equal(b.used, 71);
	assert_int_equal(b.nwaiting, 0);
	assert_null(b.head);
	assert_null(b.tail);
	/* Releasing twice changes nothing. */
	budget_release(&b, &big1, test_budget_granted, &log);
	assert_int_equal(b.used, 71);
	budget_release(&b, &big2, NULL, NULL);
	budget_release(&b, &small, NULL, NULL);
	budget_release(&b, &tiny, NULL, NULL);
	assert_int_equal(b.used, 0);
}

static void test_budget_waits_expire(void **state)
{
	struct budget b;
	struct budget_claim holder, big, small1, small2;
	struct test_budget_log log;

	(void)state;
	memset(&log, 0, sizeof log);
	budget_init(&b, 100, 8);
	assert_int_equal(BUDGET_GRANTED, budget_claim(&b, &holder, 90, 1000, 5000));
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &big, 50, 1000, 5000));   /* until 6000 */
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &small1, 5, 2000, 5000)); /* until 7000 */
	assert_int_equal(BUDGET_WAITING,
	                 budget_claim(&b, &small2, 20, 3000, 5000)); /* until 8000 */
	assert_int_equal(budget_expire(&b, 5999, test_budget_expired, test_budget_granted, &log),
	                 6000);
	assert_int_equal(log.nexpired, 0);
	/* big gives up: small1 (5 fits beside the holder's 90) is granted, small2 still waits. */
	assert_int_equal(budget_expire(&b, 6000, test_budget_expired, test_budget_granted, &log),
	                 8000);
	assert_int_equal(log.nexpired, 1);
	assert_ptr_equal(log.expired[0], &big);
	assert_int_equal(log.ngranted, 1);
	assert_ptr_equal(log.granted[0], &small1);
	assert_int_equal(b.used, 95);
	/* A waiting claim that goes away (its session ended) leaves the line. */
	budget_release(&b, &small2, test_budget_granted, &log);
	assert_int_equal(b.nwaiting, 0);
	assert_int_equal(budget_expire(&b, 9000, test_budget_expired, test_budget_granted, &log),
	                 0);
	assert_int_equal(log.nexpired, 1);
	budget_release(&b, &holder, NULL, NULL);
	budget_release(&b, &small1, NULL, NULL);
	assert_int_equal(b.used, 0);
}

static void test_budget_limit_clamps_and_reloads(void **state)
{
	struct budget b;
	struct budget_claim huge, a, c;
	struct test_budget_log log;

	(void)state;
	memset(&log, 0, sizeof log);
	budget_init(&b, 100, 8);
	/* More than the limit: clamped, so it can be granted at all. */
	assert_int_equal(BUDGET_GRANTED, budget_claim(&b, &huge, 1000, 0, 10));
	assert_int_equal(huge.held, 100);
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &a, 30, 0, 10));
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &c, 500, 0, 10));
	/* A bigger limit: a is granted, c (clamped to the new limit 200) still waits. */
	budget_set_limit(&b, 200, 8, test_budget_granted, &log);
	assert_int_equal(log.ngranted, 1);
	assert_ptr_equal(log.granted[0], &a);
	assert_int_equal(c.want, 200);
	budget_release(&b, &huge, test_budget_granted, &log);
	assert_int_equal(log.ngranted, 1); /* 30 + 200 > 200 */
	budget_release(&b, &a, test_budget_granted, &log);
	assert_int_equal(log.ngranted, 2);
	assert_ptr_equal(log.granted[1], &c);
	assert_int_equal(b.used, 200);
	/* A smaller limit never takes back what is held. */
	budget_set_limit(&b, 50, 8, NULL, NULL);
	assert_int_equal(c.held, 200);
	budget_release(&b, &c, NULL, NULL);
	assert_int_equal(b.used, 0);
}

/* The line has a length: past it, a claim that does not fit is refused at once (and one that
 * fits is still granted). */
static void test_budget_line_is_bounded(void **state)
{
	struct budget b;
	struct budget_claim holder, w1, w2, w3, ok;

	(void)state;
	budget_init(&b, 100, 2);
	assert_int_equal(BUDGET_GRANTED, budget_claim(&b, &holder, 95, 0, 10));
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &w1, 50, 0, 10));
	assert_int_equal(BUDGET_WAITING, budget_claim(&b, &w2, 50, 0, 10));
	assert_int_equal(BUDGET_REFUSED, budget_claim(&b, &w3, 50, 0, 10));
	assert_false(w3.waiting);
	assert_int_equal(w3.held, 0);
	assert_int_equal(b.nwaiting, 2);
	/* A refused claim released: nothing happens. */
	budget_release(&b, &w3, NULL, NULL);
	assert_int_equal(b.used, 95);
	assert_int_equal(b.nwaiting, 2);
	/* With no line, a claim that fits is granted whatever the line length. */
	budget_release(&b, &w1, NULL, NULL);
	budget_release(&b, &w2, NULL, NULL);
	budget_set_limit(&b, 100, 0, NULL, NULL);
	assert_int_equal(BUDGET_GRANTED, budget_claim(&b, &ok, 5, 0, 10));
	assert_int_equal(BUDGET_REFUSED, budget_claim(&b, &w3, 1, 0, 10));
	budget_release(&b, &ok, NULL, NULL);
	budget_release(&b, &holder, NULL, NULL);
	assert_int_equal(b.used, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_budget_grants_in_order),
	    cmocka_unit_test(test_budget_waits_expire),
	    cmocka_unit_test(test_budget_limit_clamps_and_reloads),
	    cmocka_unit_test(test_budget_line_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
