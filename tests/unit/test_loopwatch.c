/* test_loopwatch — the loop's busy-time watch on a real libuv loop: a callback that keeps the
 * loop busy is measured and named, time spent waiting in the poll is not counted, notes are
 * cut at a character boundary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "log.h"
#include "loopwatch.h"

struct busy {
	struct loopwatch *w;
	unsigned ms;
	const char *what;
};

static void busy_for(unsigned ms)
{
	uint64_t end = uv_hrtime() + (uint64_t)ms * 1000000u;

	while (uv_hrtime() < end)
		;
}

static void test_busy_cb(uv_timer_t *t)
{
	struct busy *b = t->data;

	if (b->what != NULL)
		loopwatch_note(b->w, b->what);
	busy_for(b->ms);
	uv_close((uv_handle_t *)t, NULL);
}

/* Runs a loop with one timer firing after wait_ms that keeps the loop busy for busy_ms. */
static void run_one(struct loopwatch *w, unsigned threshold_ms, unsigned wait_ms,
                    unsigned busy_ms, const char *what)
{
	uv_loop_t loop;
	uv_timer_t t;
	struct busy b = {w, busy_ms, what};

	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(loopwatch_start(w, &loop, threshold_ms), 0);
	uv_timer_init(&loop, &t);
	t.data = &b;
	uv_timer_start(&t, test_busy_cb, wait_ms, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	/* One more turn so that the prepare callback sees the busy turn's end. */
	loopwatch_stop(w);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_busy_turn_measured_and_named(void **state)
{
	struct loopwatch w;

	(void)state;
	run_one(&w, 20, 5, 60, "agent1: complaint list");
	assert_true(w.longest_ns >= 60u * 1000000u);
	assert_true(w.longest_ns < 1000u * 1000000u);
	assert_string_equal(w.longest_what, "agent1: complaint list");
	assert_int_equal(w.stalls, 1);
}

static void test_waiting_is_not_busy(void **state)
{
	struct loopwatch w;

	(void)state;
	/* 150 ms waiting in the poll, then a short callback: no turn near the threshold. */
	run_one(&w, 50, 150, 1, "agent2: whoami");
	assert_true(w.longest_ns < 50u * 1000000u);
	assert_int_equal(w.stalls, 0);
}

static void test_busy_arithmetic(void **state)
{
	(void)state;
	assert_int_equal(loopwatch_busy_ns(100, 10, 200, 40), 70);
	assert_int_equal(loopwatch_busy_ns(100, 10, 200, 200), 0); /* never negative */
	assert_int_equal(loopwatch_busy_ns(300, 0, 200, 0), 0);    /* clock went back */
}

static void test_note_cut_at_character(void **state)
{
	struct loopwatch w;
	char what[200];
	size_t i, n;

	(void)state;
	memset(&w, 0, sizeof w);
	/* "投" is three bytes: 40 of them (120 bytes) do not fit in LOOPWATCH_WHAT_MAX. */
	what[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(what, "投");
	loopwatch_note(&w, what);
	n = strlen(w.what);
	assert_true(n < LOOPWATCH_WHAT_MAX);
	assert_int_equal(n % 3, 0);
	assert_memory_equal(w.what, what, n);
	loopwatch_note(&w, "admin1: user list");
	assert_string_equal(w.what, "admin1: user list");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_busy_turn_measured_and_named),
	    cmocka_unit_test(test_waiting_is_not_busy),
	    cmocka_unit_test(test_busy_arithmetic),
	    cmocka_unit_test(test_note_cut_at_character),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
