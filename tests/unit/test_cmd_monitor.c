/* test_cmd_monitor — the live monitoring commands (shell/cmd/cmd_monitor.c) through the real
 * shell against the test host's pretend live sessions (testhost.h, TESTHOST_MONITOR): a host
 * without live sessions says so; agents get none of it but `who watches me` and `reply`;
 * sessions as a table and as JSON; the team scope of whisper, watch and kick (and the site's
 * scope = all, and its team lists); texts checked; kick audited, by session or account; broadcast to every other terminal; watch reads
 * keys itself (read-only, q leaves) and ends when the host says the watched session ended;
 * a kick over a half-typed line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "shell.h"
#include "store.h"
#include "testhost.h"

static int test_cm_setup(void **state)
{
	struct testhost *th = testhost_new("test_cmd_monitor");

	if (th == NULL)
		return -1;
	testhost_account_add(th, "agent1", "王小明", ROLE_AGENT, "en", NULL);
	testhost_account_add(th, "sup1", "赵主管", ROLE_SUPERVISOR, "en", NULL);
	testhost_account_add(th, "admin1", NULL, ROLE_ADMIN, "en", NULL);
	testhost_session_add(th, "s1", "agent1", "sup1", ROLE_AGENT, false);
	testhost_session_add(th, "s2", "agent2", NULL, ROLE_AGENT, false);
	testhost_session_add(th, "s3", "agent1", "sup1", ROLE_AGENT, true);
	testhost_session_add(th, "s-test", "sup1", NULL, ROLE_SUPERVISOR, false);
	snprintf(th->sessions[0].doing, sizeof th->sessions[0].doing, "complaint new: words");
	*state = th;
	return 0;
}

static int test_cm_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

static int test_cm_exec(struct testhost *th, const char *name, unsigned caps, const char *cmd)
{
	struct shell_opts opts = testhost_opts;

	opts.env_lang = "en_US.UTF-8";
	return testhost_exec(th, name, caps, &opts, cmd, NULL);
}

static void test_cm_no_live_sessions_and_roles(void **state)
{
	struct testhost *th = *state;

	/* A host without the capability (the console, the fuzzers). */
	assert_int_equal(test_cm_exec(th, "sup1", 0, "sessions"), 1);
	testhost_has(th, 2, "this host has no live sessions");
	/* Agents: none of it, but who watches me and reply. */
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "sessions"), 3);
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "who"), 3);
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "whisper agent2 hi"), 3);
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "broadcast hi"), 3);
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "kick s2 --reason x"), 3);
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "who watches me"), 0);
	testhost_has(th, 1, "nobody is watching your session");
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "who watches you"), 2);
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "reply ok"), 1);
	testhost_has(th, 2, "nobody has whispered to you");
	snprintf(th->whisperer, sizeof th->whisperer, "s-test");
	assert_int_equal(test_cm_exec(th, "agent1", TESTHOST_MONITOR, "reply on my way"), 0);
	testhost_expect(buf_cstr(&th->mon), "whisper s-test on my way\n");
	th->whisperer[0] = '\0';
	assert_int_equal(th->nq, 0);
}

static void test_cm_sessions(void **state)
{
	struct testhost *th = *state;

	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "who"), 0);
	testhost_has(th, 1, "complaint new: words");
	testhost_has(th, 1, "100x30");
	testhost_has(th, 1, "4 live sessions");
	/* On the thread pool, as the daemon runs it. */
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR | TESTHOST_WORK, "sessions --json"), 0);
	assert_int_equal(th->ran, 1);
	testhost_has(th, 1, "\"session\":\"s1\",\"account\":\"agent1\"");
	testhost_has(th, 1, "\"team\":\"sup1\",\"transport\":\"ssh\",\"peer\":\"127.0.0.1:40001\"");
	testhost_has(th, 1, "\"idle_ms\":61000,\"cols\":100,\"rows\":30");
	testhost_has(th, 1, "\"doing\":\"complaint new: words\"");
	testhost_has(th, 1, "\"exec\":true");
}

static void test_cm_whisper_kick_broadcast_scope(void **state)
{
	struct testhost *th = *state;

	buf_reset(&th->mon);
	/* An account: its terminal sessions (not its exec command). */
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper agent1 please call back"), 0);
	testhost_has(th, 1, "whispered to 1 session(s)");
	assert_string_equal(buf_cstr(&th->mon), "whisper s1 please call back\n");
	/* agent2 is nobody's team: refused to a supervisor, allowed to an admin or site-wide. */
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper agent2 hi"), 3);
	testhost_has(th, 2, "not in your team");
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick s2 --reason x"), 3);
	assert_int_equal(test_cm_exec(th, "admin1", TESTHOST_MONITOR, "whisper agent2 hi"), 0);
	th->scope_all = true;
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper s2 hi there"), 0);
	th->scope_all = false;
	/* Bad text, unknown targets. */
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper agent1 '   '"), 2);
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper agent1 \"a\x7f\""), 2);
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper nobody hi"), 1);
	testhost_has(th, 2, "no live terminal session or account nobody");
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick s9 --reason x"), 1);
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick s1"), 2);
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick s-test --reason x"), 2);
	testhost_has(th, 2, "your own session");
	/* Kick: audited with the reason before it takes effect. */
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick s1 --reason 'end of shift'"), 0);
	testhost_has(th, 1, "session s1 of agent1 ended");
	assert_int_equal(testhost_audit_count(th->st, "session.kick", "agent1: end of shift"), 1);
	/* Broadcast: every other terminal session. */
	buf_reset(&th->mon);
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "broadcast fire drill at 3pm"), 0);
	testhost_has(th, 1, "broadcast to 2 session(s)");
	assert_string_equal(buf_cstr(&th->mon),
			    "notice s1 fire drill at 3pm\nnotice s2 fire drill at 3pm\n");
}

/* kick ACCOUNT ends every live session of that account (exec commands too), each audited;
 * the site's team lists (teams.NAME) widen a supervisor's scope for watch, whisper and kick. */
static void test_cm_kick_account_and_team_lists(void **state)
{
	struct testhost *th = *state;
	size_t n = th->nsessions;

	testhost_session_add(th, "s7", "agent3", "sup2", ROLE_AGENT, false);
	testhost_session_add(th, "s8", "agent3", "sup2", ROLE_AGENT, true);
	testhost_session_add(th, "s9", "agent4", "night", ROLE_AGENT, false);
	/* sup2's team is not sup1's: refused, nothing ended, nothing audited. */
	buf_reset(&th->mon);
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick agent3 --reason x"), 3);
	testhost_has(th, 2, "agent3 is not in your team");
	assert_string_equal(buf_cstr(&th->mon), "");
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper agent3 hi"), 3);
	/* The site gives sup1 sup2's team (not the night team). */
	th->scope_teams = "sup2,day";
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper agent3 hi"), 0);
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper agent4 hi"), 3);
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick s9 --reason x"), 3);
	buf_reset(&th->mon);
	assert_int_equal(
	    test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick agent3 --reason 'shift over'"), 0);
	assert_string_equal(buf_cstr(&th->mon), "kick s7 shift over\nkick s8 shift over\n");
	testhost_has(th, 1, "session s7 of agent3 ended");
	testhost_has(th, 1, "session s8 of agent3 ended");
	testhost_has(th, 1, "2 of 2 session(s) ended");
	assert_int_equal(testhost_audit_count(th->st, "session.kick", "agent3: shift over"), 2);
	/* A name in a list is a whole name. */
	th->scope_teams = "sup22,nigh";
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "whisper agent4 hi"), 3);
	th->scope_teams = NULL;
	/* The caller's own account: its own session is never ended. */
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick sup1 --reason x"), 2);
	testhost_has(th, 2, "your own session");
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "kick nobody --reason x"), 1);
	testhost_has(th, 2, "no live session or account nobody");
	th->nsessions = n;
}

static void test_cm_watch(void **state)
{
	struct testhost *th = *state;
	struct shell_opts opts = testhost_opts;

	opts.env_lang = "en_US.UTF-8";
	assert_int_equal(test_cm_exec(th, "sup1", TESTHOST_MONITOR, "watch agent1"), 2);
	testhost_has(th, 2, "interactive terminal");
	testhost_start(th, "sup1", TESTHOST_MONITOR, &opts);
	buf_reset(&th->mon);
	testhost_feed(th, "watch s3\r");
	testhost_has(th, 1, "without a terminal");
	testhost_clear(th);
	testhost_feed(th, "watch agent1\r");
	testhost_has(th, 1, "[watching s1 of agent1 (100x30), read-only: press q to stop]");
	assert_string_equal(buf_cstr(&th->mon), "watch s1\n");
	assert_true(shell_taking_keys(th->sh));
	/* Read-only: keys go nowhere (no prompt, no echo) until q. */
	testhost_clear(th);
	testhost_feed(th, "whoami\r");
	assert_int_equal(th->out[0].len, 0);
	/* A notice while watching goes on a line of its own. */
	shell_notice(th->sh, "sup2", "lunch");
	testhost_has(th, 1, "\r\n[sup2] lunch\r\n");
	testhost_feed(th, "q");
	testhost_has(th, 1, "stopped watching");
	testhost_has(th, 1, "propdesk:sup1> ");
	assert_string_equal(buf_cstr(&th->mon), "watch s1\nunwatch\n");
	assert_false(shell_taking_keys(th->sh));
	/* The watched session ends: the watch ends, saying why. */
	testhost_feed(th, "watch s1\r");
	testhost_clear(th);
	shell_watch_ended(th->sh, "the watched session has ended");
	testhost_has(th, 1, "stopped watching: the watched session has ended");
	testhost_has(th, 1, "propdesk:sup1> ");
	th->watching[0] = '\0';
	/* An account with two terminal sessions: pick one. */
	testhost_session_add(th, "s5", "agent1", "sup1", ROLE_AGENT, false);
	testhost_clear(th);
	testhost_feed(th, "watch agent1\r");
	testhost_has(th, 1, "several sessions");
	th->nsessions--;
}

static void test_cm_kick_over_a_half_typed_line(void **state)
{
	struct testhost *th = *state;
	struct shell_opts opts = testhost_opts;
	char doing[64];

	opts.env_lang = "en_US.UTF-8";
	testhost_start(th, "agent1", 0, &opts);
	shell_activity(th->sh, doing, sizeof doing);
	assert_string_equal(doing, "");
	testhost_feed(th, "whoami --js");
	testhost_clear(th);
	shell_kick(th->sh, "propdesk", "your session was ended by sup1: end of shift");
	testhost_has(th, 1, "[propdesk] your session was ended by sup1: end of shift\r\n");
	testhost_lacks(th, 1, "whoami --js");
	assert_true(th->exited);
	assert_int_equal(th->exits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cm_no_live_sessions_and_roles, test_cm_setup,
					    test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_sessions, test_cm_setup, test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_whisper_kick_broadcast_scope, test_cm_setup,
					    test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_kick_account_and_team_lists, test_cm_setup,
					    test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_watch, test_cm_setup, test_cm_teardown),
	    cmocka_unit_test_setup_teardown(test_cm_kick_over_a_half_typed_line, test_cm_setup,
					    test_cm_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
