/* Unit tests of the monitor (service/monitor.c) with owners that only record what they are
 * asked to do: the scrollback replayed from a whole line, several watchers, a watcher whose
 * queue is full skipping ahead and told when it drains, secrets withheld, the smaller terminal
 * told, the agent told at start and stop (or not, by policy), and either side ending. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "monitor.h"
#include "role.h"

struct test_owner {
	struct monitor_tap tap;
	struct buf mirror;  /* what was mirrored to its client */
	size_t pending;     /* what its client has not taken (the test sets it) */
	struct buf notices; /* "[from] text\n" each */
	int ended;          /* watch_ended calls */
	int watched;        /* the last count told by watched, -1 never told */
	char ended_why[128];
};

static int64_t test_monitor_clock = 1000000;

static int64_t test_monitor_now(void)
{
	return test_monitor_clock;
}

static void test_owner_mirror(void *owner, const char *buf, size_t len)
{
	struct test_owner *o = owner;

	buf_append(&o->mirror, buf, len);
	o->pending += len;
}

static size_t test_owner_pending(void *owner)
{
	return ((struct test_owner *)owner)->pending;
}

static void test_owner_notice(void *owner, const char *from_en, const char *from_zh,
			      const char *en, const char *zh)
{
	struct test_owner *o = owner;

	(void)from_zh;
	(void)zh;
	buf_printf(&o->notices, "[%s] %s\n", from_en, en);
}

static void test_owner_kick(void *owner, const char *from, const char *text)
{
	(void)owner;
	(void)from;
	(void)text;
}

static void test_owner_info(void *owner, struct shell_session_info *si, char *doing, size_t n)
{
	(void)owner;
	si->idle_ms = 5;
	snprintf(doing, n, "complaint new: unit");
}

static void test_owner_watched(void *owner, size_t n)
{
	((struct test_owner *)owner)->watched = (int)n;
}

static void test_owner_watch_ended(void *owner, const char *en, const char *zh)
{
	struct test_owner *o = owner;

	(void)zh;
	o->ended++;
	snprintf(o->ended_why, sizeof o->ended_why, "%s", en);
}

static const struct monitor_tap_ops test_owner_ops = {
    test_owner_mirror, test_owner_pending, test_owner_notice,       test_owner_kick,
    test_owner_info,   test_owner_watched, test_owner_watch_ended,
};

static void test_owner_add(struct monitor *m, struct test_owner *o, const char *id,
			   const char *account, unsigned role, int cols, int rows, bool exec)
{
	struct monitor_tap_params p;

	memset(o, 0, sizeof *o);
	buf_init(&o->mirror);
	buf_init(&o->notices);
	o->watched = -1;
	memset(&p, 0, sizeof p);
	p.id = id;
	p.account = account;
	p.display = account;
	p.team = "";
	p.transport = "ssh";
	p.peer = "127.0.0.1:1";
	p.role = role;
	p.exec = exec;
	p.login_ms = test_monitor_clock;
	p.cols = cols;
	p.rows = rows;
	monitor_tap_add(m, &o->tap, &p, &test_owner_ops, o);
}

static void test_owner_free(struct test_owner *o)
{
	monitor_tap_remove(&o->tap);
	buf_free(&o->mirror);
	buf_free(&o->notices);
}

static struct monitor_policy test_monitor_policy(size_t scrollback, size_t watch_buffer,
						 bool notify)
{
	struct monitor_policy p;

	memset(&p, 0, sizeof p);
	p.notify = notify;
	p.scrollback = scrollback;
	p.watch_buffer = watch_buffer;
	return p;
}

static void test_monitor_count_cb(void *arg, const struct shell_session_info *si)
{
	size_t *n = arg;

	assert_string_equal(si->doing, "complaint new: unit");
	(*n)++;
}

static void test_monitor_replay_and_live(void **state)
{
	struct monitor m;
	struct monitor_policy p = test_monitor_policy(32, 4096, true);
	struct test_owner agent, sup, sup2;
	size_t n = 0;

	(void)state;
	monitor_init(&m, NULL, &p, test_monitor_now);
	test_owner_add(&m, &agent, "s1", "agent1", ROLE_AGENT, 100, 30, false);
	test_owner_add(&m, &sup, "s2", "sup1", ROLE_SUPERVISOR, 80, 24, false);
	test_owner_add(&m, &sup2, "s3", "sup2", ROLE_SUPERVISOR, 120, 40, false);
	/* 40 bytes into a 32-byte scrollback: its front is dropped, the replay starts at the
	 * first whole line. */
	monitor_output(&agent.tap, "first line of the screen\r\nsecond\r\n", 34);
	monitor_output(&agent.tap, "third>", 6);
	assert_int_equal(monitor_watch(&sup.tap, &agent.tap), 0);
	assert_string_equal(buf_cstr(&sup.mirror), "second\r\nthird>");
	/* Told: the smaller terminal, and the agent. */
	assert_non_null(strstr(buf_cstr(&sup.notices), "(80x24) is smaller than the watched one (100x30)"));
	assert_non_null(strstr(buf_cstr(&agent.notices), "supervisor sup1 is watching your session"));
	assert_int_equal(agent.watched, 1); /* its prompt shows it */
	assert_int_equal(sup.watched, -1);
	/* A second watcher, with a larger terminal: not told about sizes. */
	assert_int_equal(monitor_watch(&sup2.tap, &agent.tap), 0);
	assert_null(strstr(buf_cstr(&sup2.notices), "smaller"));
	assert_int_equal(agent.tap.nwatchers, 2);
	assert_int_equal(agent.watched, 2);
	/* Live output reaches both. */
	monitor_output(&agent.tap, "x", 1);
	assert_string_equal(buf_cstr(&sup.mirror), "second\r\nthird>x");
	assert_string_equal(buf_cstr(&sup2.mirror), "second\r\nthird>x");
	/* A secret is withheld from watchers. */
	monitor_withheld(&agent.tap, "password");
	assert_non_null(strstr(buf_cstr(&sup.mirror), "withheld: password"));
	/* One session watches one at a time, never itself, never an exec command. */
	assert_int_equal(monitor_watch(&sup.tap, &sup2.tap), SHELL_MONITOR_EBUSY);
	assert_int_equal(monitor_watch(&agent.tap, &agent.tap), SHELL_MONITOR_ESELF);
	assert_int_equal(monitor_each(&m, test_monitor_count_cb, &n), 3);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(monitor_watchers(&agent.tap, test_monitor_count_cb, &n), 2);
	/* The watcher leaves: the agent is told, the other watcher goes on. */
	monitor_unwatch(&sup.tap);
	assert_non_null(strstr(buf_cstr(&agent.notices), "supervisor sup1 stopped watching"));
	assert_int_equal(agent.tap.nwatchers, 1);
	assert_int_equal(agent.watched, 1);
	assert_null(sup.tap.watching);
	/* A reload that makes observation silent takes the marker away; back, it returns. */
	p.notify = false;
	monitor_set_policy(&m, &p);
	assert_int_equal(agent.watched, 0);
	p.notify = true;
	monitor_set_policy(&m, &p);
	assert_int_equal(agent.watched, 1);
	/* The agent ends: its last watcher is told. */
	test_owner_free(&agent);
	assert_int_equal(sup2.ended, 1);
	assert_string_equal(sup2.ended_why, "the watched session has ended");
	assert_null(sup2.tap.watching);
	assert_int_equal(sup.ended, 0);
	test_owner_free(&sup);
	test_owner_free(&sup2);
	assert_int_equal(m.ntaps, 0);
	monitor_close(&m);
}

static void test_monitor_slow_watcher_skips(void **state)
{
	struct monitor m;
	struct monitor_policy p = test_monitor_policy(0, 100, false);
	struct test_owner agent, sup;
	char chunk[30];
	int i;

	(void)state;
	memset(chunk, 'a', sizeof chunk);
	monitor_init(&m, NULL, &p, test_monitor_now);
	test_owner_add(&m, &agent, "s1", "agent1", ROLE_AGENT, 80, 24, false);
	test_owner_add(&m, &sup, "s2", "sup1", ROLE_SUPERVISOR, 80, 24, false);
	assert_int_equal(monitor_watch(&sup.tap, &agent.tap), 0);
	/* Silent policy: the agent is told nothing, not even in its prompt. */
	assert_int_equal(agent.notices.len, 0);
	assert_int_equal(agent.watched, -1);
	/* The watcher's client takes nothing: three chunks fit (90 of 100), the rest skip. */
	for (i = 0; i < 10; i++)
		monitor_output(&agent.tap, chunk, sizeof chunk);
	assert_int_equal(sup.mirror.len, 90);
	assert_int_equal(sup.pending, 90);
	/* Not yet half empty: still skipping. */
	sup.pending = 60;
	monitor_drained(&sup.tap);
	monitor_output(&agent.tap, chunk, sizeof chunk);
	assert_int_equal(sup.mirror.len, 90);
	/* Half empty: told how much was skipped (8 chunks), then live again. */
	sup.pending = 50;
	monitor_drained(&sup.tap);
	assert_non_null(strstr(buf_cstr(&sup.mirror), "fell behind: 240 bytes"));
	buf_reset(&sup.mirror);
	sup.pending = 0;
	monitor_output(&agent.tap, "b", 1);
	assert_string_equal(buf_cstr(&sup.mirror), "b");
	/* The watcher's connection drops: the agent's tap is untouched. */
	test_owner_free(&sup);
	assert_int_equal(agent.tap.nwatchers, 0);
	assert_null(agent.tap.watchers);
	monitor_output(&agent.tap, "c", 1);
	test_owner_free(&agent);
	monitor_close(&m);
}

static void test_monitor_exec_not_watchable(void **state)
{
	struct monitor m;
	struct monitor_policy p = test_monitor_policy(1024, 4096, true);
	struct test_owner cmd, sup;

	(void)state;
	monitor_init(&m, NULL, &p, test_monitor_now);
	test_owner_add(&m, &cmd, "s1", "agent1", ROLE_AGENT, 0, 0, true);
	test_owner_add(&m, &sup, "s2", "sup1", ROLE_SUPERVISOR, 80, 24, false);
	monitor_output(&cmd.tap, "json", 4);
	assert_null(cmd.tap.ring);
	assert_int_equal(monitor_watch(&sup.tap, &cmd.tap), SHELL_MONITOR_ENOTTY);
	assert_ptr_equal(monitor_find(&m, "s1"), &cmd.tap);
	assert_null(monitor_find(&m, "s9"));
	/* monitor_close removes what is left. */
	monitor_close(&m);
	assert_int_equal(m.ntaps, 0);
	buf_free(&cmd.mirror);
	buf_free(&cmd.notices);
	buf_free(&sup.mirror);
	buf_free(&sup.notices);
}

/* Who may act on whose sessions: admins on any; supervisors on their own team's, on the
 * teams the site lists for them, on every one with scope = all; agents on none. */
static void test_monitor_scope(void **state)
{
	struct monitor m;
	struct monitor_policy p = test_monitor_policy(0, 4096, true);
	struct monitor_scope teams[] = {{"sup1", "sup2,night"}, {"sup3", "sup1"}};
	struct test_owner sup1, sup3, sup4, admin, agent;
	char copy[16];

	(void)state;
	snprintf(copy, sizeof copy, "sup2,night");
	teams[0].teams = copy;
	p.teams = teams;
	p.nteams = 2;
	monitor_init(&m, NULL, &p, test_monitor_now);
	/* The monitor keeps a copy: the caller's lists may go. */
	memset(copy, 'x', sizeof copy - 1);
	test_owner_add(&m, &sup1, "s1", "sup1", ROLE_SUPERVISOR, 80, 24, false);
	test_owner_add(&m, &sup3, "s2", "sup3", ROLE_SUPERVISOR, 80, 24, false);
	test_owner_add(&m, &sup4, "s3", "sup4", ROLE_SUPERVISOR, 80, 24, false);
	test_owner_add(&m, &admin, "s4", "admin1", ROLE_ADMIN, 80, 24, false);
	test_owner_add(&m, &agent, "s5", "agent1", ROLE_AGENT, 80, 24, false);
	assert_true(monitor_in_scope(&m, &sup1.tap, "sup1"));
	assert_true(monitor_in_scope(&m, &sup1.tap, "sup2"));
	assert_true(monitor_in_scope(&m, &sup1.tap, "night"));
	assert_false(monitor_in_scope(&m, &sup1.tap, "nigh"));
	assert_false(monitor_in_scope(&m, &sup1.tap, "sup3"));
	assert_false(monitor_in_scope(&m, &sup1.tap, ""));
	assert_true(monitor_in_scope(&m, &sup3.tap, "sup1"));
	assert_false(monitor_in_scope(&m, &sup3.tap, "sup2"));
	assert_false(monitor_in_scope(&m, &sup4.tap, "sup1"));
	assert_true(monitor_in_scope(&m, &admin.tap, ""));
	assert_false(monitor_in_scope(&m, &agent.tap, "agent1"));
	/* A reload with scope = all and no lists. */
	p = test_monitor_policy(0, 4096, true);
	p.scope_all = true;
	monitor_set_policy(&m, &p);
	assert_true(monitor_in_scope(&m, &sup4.tap, ""));
	assert_true(monitor_in_scope(&m, &sup1.tap, "sup3"));
	assert_false(monitor_in_scope(&m, &agent.tap, "sup1"));
	test_owner_free(&sup1);
	test_owner_free(&sup3);
	test_owner_free(&sup4);
	test_owner_free(&admin);
	test_owner_free(&agent);
	monitor_close(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_monitor_replay_and_live),
	    cmocka_unit_test(test_monitor_slow_watcher_skips),
	    cmocka_unit_test(test_monitor_exec_not_watchable),
	    cmocka_unit_test(test_monitor_scope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
