/* test_cmd_eval — the checklist's commands (shell/cmd/cmd_eval.c, cmd_evaluation.c,
 * cmd_checklist.c) through the real shell on a real store: roles (an agent cannot evaluate, a
 * supervisor cannot evaluate their own complaint, a self-check is of one's own complaint only,
 * an agent sees only their own evaluations, an auditor reads all); answers on stdin checked
 * item by item with the line named; the form resumed after a dropped connection at the item
 * it stopped at; the login notice of a new evaluation, gone once acknowledged; a dispute after
 * its window refused; the score shown recomputed from the pinned version. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "shell.h"
#include "store.h"
#include "store_complaint.h"
#include "store_eval.h"
#include "testhost.h"

struct test_ce_fx {
	struct testhost *th;
	char n1[COMPLAINT_NUMBER_MAX]; /* agent1's */
	char n2[COMPLAINT_NUMBER_MAX]; /* sup1's own */
};

static const char test_ce_answers[] = "respect y\nwarmth y\nhonesty y\ncourtesy y\n"
                                      "flexibility 4\nresponsibility y\nenthusiasm 5\n"
                                      "coordination 4\nknowledge na\npatience 3 急躁\n";

static void test_ce_complaint(struct testhost *th, const char *agent, char *number)
{
	struct audit_ctx ctx = {.account = agent};
	struct complaint_new in;

	memset(&in, 0, sizeof in);
	in.unit = "3-2-1201";
	in.caller = "王女士";
	in.relation = COMPLAINT_REL_OWNER;
	in.channel = COMPLAINT_CH_PHONE;
	in.category = "repairs";
	in.words = "卫生间漏水";
	in.mood = COMPLAINT_MOOD_UPSET;
	assert_int_equal(store_complaint_add(th->st, &ctx, &in, number), 0);
}

static int test_ce_setup(void **state)
{
	struct test_ce_fx *fx = calloc(1, sizeof *fx);
	char etc[8192];

	fx->th = testhost_new("test_cmd_eval");
	if (fx->th == NULL)
		return -1;
	testhost_etc(etc, sizeof etc);
	if (testhost_load_catalog(fx->th, etc) != 0)
		return -1;
	testhost_account_add(fx->th, "agent1", NULL, ROLE_AGENT, "en", NULL);
	testhost_account_add(fx->th, "agent2", NULL, ROLE_AGENT, "en", NULL);
	testhost_account_add(fx->th, "sup1", NULL, ROLE_SUPERVISOR, "en", NULL);
	testhost_account_add(fx->th, "sup2", NULL, ROLE_SUPERVISOR, "en", NULL);
	testhost_account_add(fx->th, "audit1", NULL, ROLE_AUDITOR, "en", NULL);
	test_ce_complaint(fx->th, "agent1", fx->n1);
	test_ce_complaint(fx->th, "sup1", fx->n2);
	*state = fx;
	return 0;
}

static int test_ce_teardown(void **state)
{
	struct test_ce_fx *fx = *state;

	testhost_free(fx->th);
	free(fx);
	return 0;
}

static int test_ce_exec(struct testhost *th, const char *name, const char *in, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int test_ce_exec(struct testhost *th, const char *name, const char *in, const char *fmt, ...)
{
	struct shell_opts o = testhost_opts;
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	o.env_lang = "en_US.UTF-8";
	return testhost_exec(th, name, TESTHOST_WORK | TESTHOST_CATALOG, &o, cmd, in);
}

static void test_ce_interactive(struct testhost *th, const char *name)
{
	struct shell_opts o = testhost_opts;

	o.env_lang = "en_US.UTF-8";
	testhost_start(th, name, TESTHOST_CATALOG, &o);
}

static void test_ce_roles(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;

	/* An agent cannot evaluate (the gate), a supervisor not their own complaint. */
	assert_int_equal(test_ce_exec(th, "agent1", test_ce_answers, "evaluate %s --stdin", fx->n1),
	                 3);
	assert_int_equal(test_ce_exec(th, "sup1", test_ce_answers, "evaluate %s --stdin", fx->n2),
	                 1);
	testhost_has(th, 2, "is your own complaint");
	/* A self-check is of one's own complaint. */
	assert_int_equal(
	    test_ce_exec(th, "agent2", test_ce_answers, "checklist self %s --stdin", fx->n1), 1);
	testhost_has(th, 2, "is not your complaint");
	/* Exec mode needs --stdin. */
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluate %s", fx->n1), 2);
	testhost_has(th, 2, "--stdin");
	assert_int_equal(test_ce_exec(th, "sup1", test_ce_answers, "evaluate %s --stdin", fx->n1),
	                 0);
	testhost_has(th, 1, "= 87 / 95 = 91.6%");
	/* Only the agent and readers of every evaluation see it. */
	assert_int_equal(test_ce_exec(th, "agent2", NULL, "evaluation show 1"), 1);
	testhost_has(th, 2, "no evaluation #1 of yours");
	assert_int_equal(test_ce_exec(th, "audit1", NULL, "evaluation show 1"), 0);
	testhost_has(th, 1, "Recomputed from the pinned version: the same.");
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "evaluation list --agent sup1"), 3);
	/* Only the agent acknowledges or disputes; only supervisors answer. */
	assert_int_equal(test_ce_exec(th, "agent2", NULL, "evaluation ack 1"), 1);
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluation dispute 1 patience --reason x"),
	                 3);
	assert_int_equal(
	    test_ce_exec(th, "agent1", NULL, "evaluation answer 1 patience keep --comment x"), 3);
	/* Changes are audited; reads only as commands. */
	assert_int_equal(testhost_audit_count(th->st, "evaluation.add", NULL), 1);
}

static void test_ce_stdin_errors(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;

	assert_int_equal(
	    test_ce_exec(th, "sup1", "respect y\nbogus 3\n", "evaluate %s --stdin", fx->n1), 2);
	testhost_has(th, 2, "stdin:2: `bogus` is no item of this checklist");
	assert_int_equal(test_ce_exec(th, "sup1", "respect 7\n", "evaluate %s --stdin", fx->n1), 2);
	testhost_has(th, 2, "stdin:1: respect: `7` is not an answer here: y/n/na");
	assert_int_equal(test_ce_exec(th, "sup1", "honesty na\n", "evaluate %s --stdin", fx->n1),
	                 2);
	testhost_has(th, 2, "honesty: `na` is not an answer here: y/n");
	assert_int_equal(
	    test_ce_exec(th, "sup1", "respect y\nrespect n\n", "evaluate %s --stdin", fx->n1), 2);
	testhost_has(th, 2, "stdin:2: respect is answered twice");
	/* The period's items are not scored on a complaint. */
	assert_int_equal(test_ce_exec(th, "sup1", "character 3\n", "evaluate %s --stdin", fx->n1),
	                 2);
	assert_int_equal(testhost_audit_count(th->st, "evaluation.add", NULL), 0);
}

static void test_ce_form_resumed(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;
	char line[64];
	const char *o;

	test_ce_interactive(th, "sup1");
	snprintf(line, sizeof line, "evaluate %s\r", fx->n1);
	o = testhost_type(th, line);
	testhost_expect(o, "[1/10]");
	testhost_expect(o, "卫生间漏水");
	o = testhost_type(th, "y\r");
	testhost_expect(o, "[2/10]");
	o = testhost_type(th, "wat\r");
	testhost_expect(o, "`wat` is not an answer here");
	o = testhost_type(th, "n cold greeting\r");
	testhost_expect(o, "[3/10]");
	testhost_expect(o, "Promises:");
	/* The connection drops; the next login offers the draft (kept with n), and the next
	 * `evaluate` of the same complaint resumes at honesty. */
	testhost_stop(th);
	test_ce_interactive(th, "sup1");
	testhost_has(th, 1, "You have an unfinished evaluation of C-");
	o = testhost_type(th, "n\r");
	testhost_expect(o, "The draft is kept");
	testhost_expect(o, "sup1>");
	o = testhost_type(th, line);
	testhost_expect(o, "Resuming");
	testhost_expect(o, "[3/10]");
	testhost_expect(o, "honesty");
	o = testhost_type(th, "<\r");
	testhost_expect(o, "[2/10]");
	testhost_expect(o, "[n cold greeting]");
	o = testhost_type(th, "\r");
	testhost_expect(o, "[3/10]");
	o = testhost_type(th, "y\r");
	o = testhost_type(th, "n sarcastic\r");
	testhost_expect(o, "[5/10]");
	testhost_type(th, "3\r");
	testhost_type(th, "y\r");
	testhost_type(th, "3\r");
	testhost_type(th, "3\r");
	testhost_type(th, "na\r");
	o = testhost_type(th, "3\r");
	testhost_expect(o, "Overall comment");
	o = testhost_type(th, "\r");
	testhost_expect(o, "CRITICAL FAILURE");
	testhost_expect(o, "Result: FAIL");
	o = testhost_type(th, "\r");
	testhost_expect(o, "Evaluation #1 of");
	testhost_expect(o, "fail");
	testhost_stop(th);
	assert_int_equal(testhost_audit_count(th->st, "evaluation.add", "critical_failed=1 failed"),
	                 1);
}

static void test_ce_form_comment(void **state)
{
	static const char *const answers[] = {"y", "y", "y", "y", "3", "y", "3", "3", "3", "3"};
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;
	char line[96];
	const char *o = NULL;
	size_t i;

	test_ce_interactive(th, "sup1");
	snprintf(line, sizeof line, "evaluate %s --comment 'overall fine'\r", fx->n1);
	testhost_type(th, line);
	for (i = 0; i < 10; i++) {
		snprintf(line, sizeof line, "%s\r", answers[i]);
		o = testhost_type(th, line);
	}
	/* --comment is the overall comment's default. */
	testhost_expect(o, "[overall fine]");
	testhost_type(th, "\r");
	o = testhost_type(th, "\r");
	testhost_expect(o, "Evaluation #1 of");
	testhost_stop(th);
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluation show 1"), 0);
	testhost_has(th, 1, "Comment: overall fine");
}

static void test_ce_notice_and_window(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;

	assert_int_equal(test_ce_exec(th, "sup1", test_ce_answers, "evaluate %s --stdin", fx->n1),
	                 0);
	test_ce_interactive(th, "agent1");
	testhost_has(th, 1, "1 new evaluation of your work");
	testhost_has(th, 1, "#1 ");
	testhost_stop(th);
	test_ce_interactive(th, "agent2");
	testhost_lacks(th, 1, "new evaluation");
	testhost_stop(th);
	/* Past the window (14 days) a dispute is refused. */
	store_complaint_set_clock(th->st, store_now_ms() + 15 * 86400000LL);
	assert_int_equal(
	    test_ce_exec(th, "agent1", NULL, "evaluation dispute 1 patience --reason 'too late'"),
	    1);
	testhost_has(th, 2, "dispute window of 14 days is over");
	store_complaint_set_clock(th->st, 0);
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "evaluation ack 1"), 0);
	test_ce_interactive(th, "agent1");
	testhost_lacks(th, 1, "new evaluation");
	testhost_stop(th);
}

static void test_ce_period(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;
	char month[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(month, sizeof month, "%Y-%m", &tm);
	assert_int_equal(
	    test_ce_exec(th, "sup1", "character 4\n", "evaluate --agent agent1 --stdin"), 2);
	testhost_has(th, 2, "--agent A --period YYYY-MM");
	assert_int_equal(test_ce_exec(th, "sup1", "character 4\n",
	                              "evaluate --agent agent1 --period 2999-01 --stdin"),
	                 2);
	/* The complaint's items are not a period's. */
	assert_int_equal(test_ce_exec(th, "sup1", "respect y\n",
	                              "evaluate --agent agent1 --period %s --stdin", month),
	                 2);
	assert_int_equal(test_ce_exec(th, "sup1", "character 4\npsychological 5\nskills 3\n",
	                              "evaluate --agent agent1 --period %s --stdin", month),
	                 0);
	testhost_has(th, 1, "= 12 / 15 = 80.0%");
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "evaluation show 1"), 0);
	testhost_has(th, 1, month);
	testhost_has(th, 1, "Recomputed from the pinned version: the same.");
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "evaluation list --kind period --json"),
	                 0);
	testhost_has(th, 1, "\"period\":\"");
	assert_int_equal(testhost_audit_count(th->st, "evaluation.period", "agent=agent1"), 1);
	test_ce_interactive(th, "agent1");
	testhost_has(th, 1, "1 new evaluation of your work");
	testhost_stop(th);
}

static void test_ce_calibration(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;
	char other[sizeof test_ce_answers];
	char *p;

	/* sup2 differs on two items: warmth (n) and patience (5). */
	snprintf(other, sizeof other, "%s", test_ce_answers);
	p = strstr(other, "warmth y");
	p[7] = 'n';
	p = strstr(other, "patience 3");
	p[9] = '5';
	assert_int_equal(
	    test_ce_exec(th, "sup1", test_ce_answers, "evaluate %s --calibrate --stdin", fx->n1),
	    0);
	testhost_has(th, 1, "Calibration #1");
	/* Blind: neither the other supervisor nor the agent sees it, nor is the agent told. */
	assert_int_equal(test_ce_exec(th, "sup2", NULL, "evaluation show 1"), 1);
	assert_int_equal(test_ce_exec(th, "sup2", NULL, "evaluation list --json"), 0);
	testhost_has(th, 1, "[]");
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "evaluation show 1"), 1);
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "evaluation ack 1"), 1);
	test_ce_interactive(th, "agent1");
	testhost_lacks(th, 1, "new evaluation");
	testhost_stop(th);
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "report calibration"), 0);
	testhost_has(th, 1, "No complaint you calibrated was calibrated by another supervisor");
	/* Once sup2 has scored, each sees the other's; nobody scores twice. */
	assert_int_equal(test_ce_exec(th, "sup2", other, "evaluate %s --calibrate --stdin", fx->n1),
	                 0);
	assert_int_equal(test_ce_exec(th, "sup2", NULL, "evaluation show 1"), 0);
	assert_int_equal(
	    test_ce_exec(th, "sup1", test_ce_answers, "evaluate %s --calibrate --stdin", fx->n1),
	    1);
	testhost_has(th, 2, "calibrated");
	assert_int_equal(
	    test_ce_exec(th, "audit1", NULL, "evaluation list --kind calibration --json"), 0);
	testhost_has(th, 1, "\"id\":2");
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "report calibration --json"), 0);
	testhost_has(th, 1, "\"complaints\":1,\"calibrations\":2");
	testhost_has(th, 1,
	             "{\"item\":\"warmth\",\"pairs\":1,\"agree\":0,\"points_diff\":5,"
	             "\"kappa\":0}");
	testhost_has(th, 1, "{\"item\":\"patience\",\"pairs\":1,\"agree\":0,\"points_diff\":2,");
	testhost_has(th, 1,
	             "{\"item\":\"respect\",\"pairs\":1,\"agree\":1,\"points_diff\":0,"
	             "\"kappa\":null}");
	/* Blind totals too: a supervisor who has not calibrated it sees nothing of it, an admin
	 * every one. */
	testhost_account_add(th, "sup3", NULL, ROLE_SUPERVISOR, "en", NULL);
	testhost_account_add(th, "admin1", NULL, ROLE_ADMIN, "en", NULL);
	assert_int_equal(test_ce_exec(th, "sup3", NULL, "report calibration --json"), 0);
	testhost_has(th, 1, "\"complaints\":0,\"calibrations\":0,\"items\":[]");
	assert_int_equal(test_ce_exec(th, "sup3", NULL, "report calibration"), 0);
	testhost_has(th, 1, "scoring is blind");
	assert_int_equal(test_ce_exec(th, "admin1", NULL, "report calibration --json"), 0);
	testhost_has(th, 1, "\"complaints\":1,\"calibrations\":2");
	/* Calibrations are not the agent's scores: no trend counts them. */
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "report quality --by agent --json"), 0);
	testhost_has(th, 1, "\"rows\":[]");
	assert_int_equal(testhost_audit_count(th->st, "evaluation.calibration", NULL), 2);
}

/* evaluate --session ID: a recorded session scored from the audit log's account of it. */
static void test_ce_session(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;
	struct shell_opts o = testhost_opts;
	char note[128];

	o.env_lang = "en_US.UTF-8";
	o.session_id = "s0000a1b2c3";
	snprintf(note, sizeof note, "complaint note %s 已联系楼上住户", fx->n1);
	assert_int_equal(
	    testhost_exec(th, "agent1", TESTHOST_WORK | TESTHOST_CATALOG, &o, note, NULL), 0);
	/* Bad ids, an unknown one, one's own session; then the agent's. */
	assert_int_equal(
	    test_ce_exec(th, "sup1", test_ce_answers, "evaluate --session 'x;y' --stdin"), 2);
	testhost_has(th, 2, "is not a session id");
	assert_int_equal(
	    test_ce_exec(th, "sup1", test_ce_answers, "evaluate --session s0000ffffff --stdin"), 1);
	testhost_has(th, 2, "not in the audit log");
	assert_int_equal(
	    test_ce_exec(th, "sup1", test_ce_answers, "evaluate --session s-test --stdin"), 1);
	testhost_has(th, 2, "is your own");
	assert_int_equal(test_ce_exec(th, "sup1", test_ce_answers,
	                              "evaluate %s --session s0000a1b2c3 --stdin", fx->n1),
	                 2);
	assert_int_equal(
	    test_ce_exec(th, "sup1", test_ce_answers, "evaluate --session s0000a1b2c3 --stdin"), 0);
	testhost_has(th, 1, "Evaluation #1 of session s0000a1b2c3 (agent1) saved");
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluation show 1"), 0);
	testhost_has(th, 1, "s0000a1b2c3");
	testhost_has(th, 1, "Complaints the session touched:");
	testhost_has(th, 1, fx->n1);
	assert_int_equal(
	    test_ce_exec(th, "agent1", NULL, "evaluation list --complaint %s --json", fx->n1), 0);
	testhost_has(th, 1, "\"kind\":\"session\"");
	testhost_has(th, 1, "\"session\":\"s0000a1b2c3\"");
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "evaluation ack 1"), 0);
	assert_int_equal(testhost_audit_count(th->st, "evaluation.session", "agent=agent1"), 1);
}

/* The offer at login of an unfinished scoring: Enter resumes it where it stopped; once saved
 * it is not offered again; d discards one; an agent is never asked. */
static void test_ce_offer_at_login(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;
	char line[64];
	const char *o;
	int i;

	test_ce_interactive(th, "sup1");
	testhost_lacks(th, 1, "unfinished");
	snprintf(line, sizeof line, "evaluate %s\r", fx->n1);
	o = testhost_type(th, line);
	testhost_expect(o, "[1/10]");
	testhost_type(th, "y\r");
	o = testhost_type(th, "n slow greeting\r");
	testhost_expect(o, "[3/10]");
	testhost_stop(th);
	test_ce_interactive(th, "sup1");
	testhost_has(th, 1, "You have an unfinished evaluation of ");
	testhost_has(th, 1, fx->n1);
	testhost_has(th, 1, "Resume the scoring? (Y/n/d = discard)");
	o = testhost_type(th, "maybe\r");
	testhost_expect(o, "Please answer y, n or d");
	o = testhost_type(th, "\r");
	testhost_expect(o, "Resuming your unfinished scoring of this complaint.");
	testhost_expect(o, "[3/10]");
	for (i = 0; i < 8; i++)
		o = testhost_type(th, i == 0 || i == 1 || i == 3 ? "y\r" : "3\r");
	testhost_expect(o, "Overall comment");
	o = testhost_type(th, "\r");
	testhost_expect(o, "Save?");
	o = testhost_type(th, "\r");
	testhost_expect(o, "Evaluation #1 of");
	testhost_stop(th);
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluation show 1 --json"), 0);
	testhost_has(th, 1, "\"item\":\"warmth\",\"answer\":0");
	testhost_has(th, 1, "\"comment\":\"slow greeting\"");
	test_ce_interactive(th, "sup1");
	testhost_lacks(th, 1, "unfinished");
	/* A dropped calibration, discarded at the next login. */
	snprintf(line, sizeof line, "evaluate %s --calibrate\r", fx->n1);
	o = testhost_type(th, line);
	testhost_expect(o, "[1/10]");
	o = testhost_type(th, "y\r");
	testhost_expect(o, "[2/10]");
	testhost_stop(th);
	test_ce_interactive(th, "sup1");
	testhost_has(th, 1, "You have an unfinished calibration of ");
	o = testhost_type(th, "d\r");
	testhost_expect(o, "The draft is discarded.");
	testhost_stop(th);
	test_ce_interactive(th, "sup1");
	testhost_lacks(th, 1, "unfinished");
	testhost_stop(th);
	/* An agent's self-check draft is not this offer's. */
	snprintf(line, sizeof line, "checklist self %s\r", fx->n1);
	test_ce_interactive(th, "agent1");
	o = testhost_type(th, line);
	testhost_expect(o, "[1/10]");
	testhost_type(th, "y\r");
	testhost_stop(th);
	test_ce_interactive(th, "agent1");
	testhost_lacks(th, 1, "unfinished");
	testhost_stop(th);
}

/* checklist show is a read: content in force not yet pinned is shown as such, and nothing is
 * written; scoring pins it, and then it shows as a version. */
static void test_ce_show_reads(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;

	assert_int_equal(test_ce_exec(th, "agent1", NULL, "checklist show --json"), 0);
	testhost_has(th, 1, "{\"version\":null,\"pinned\":false,\"hash\":\"");
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "checklist show"), 0);
	testhost_has(th, 1, "not yet a version");
	assert_int_equal(testhost_audit_count(th->st, "checklist.version", NULL), 0);
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "checklist show 1"), 1);
	/* A full disk: show still reads; scoring says why it cannot pin, and nothing is saved. */
	assert_int_equal(store_set_max_size(th->st, 1), 0);
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "checklist show --json"), 0);
	testhost_has(th, 1, "\"pinned\":false");
	assert_int_equal(test_ce_exec(th, "sup1", test_ce_answers, "evaluate %s --stdin", fx->n1),
	                 1);
	testhost_has(th, 2, "is new and cannot be pinned as a version: disk full");
	assert_int_equal(store_set_max_size(th->st, 0), 0);
	assert_int_equal(testhost_audit_count(th->st, "checklist.version", NULL), 0);
	assert_int_equal(test_ce_exec(th, "sup1", test_ce_answers, "evaluate %s --stdin", fx->n1),
	                 0);
	assert_int_equal(testhost_audit_count(th->st, "checklist.version", NULL), 1);
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "checklist show --json"), 0);
	testhost_has(th, 1, "{\"version\":1,\"pinned\":true,\"hash\":\"");
}

static void test_ce_next(void **state)
{
	struct test_ce_fx *fx = *state;
	struct testhost *th = fx->th;
	char n3[COMPLAINT_NUMBER_MAX], first[256];
	int i, hits = 0;

	test_ce_complaint(th, "agent2", n3);
	/* The same seed over the same candidates: the same complaint; never sup1's own. */
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluate --next --seed 777 --json"), 0);
	snprintf(first, sizeof first, "%s", testhost_out(th, 1));
	testhost_expect(first, "\"candidates\":2");
	testhost_expect(first, "\"seed\":777");
	testhost_expect(first, "\"whole_desk\":true");
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluate --next --seed 777 --json"), 0);
	assert_string_equal(testhost_out(th, 1), first);
	for (i = 0; i < 20; i++) {
		assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluate --next --seed %d", i), 0);
		testhost_lacks(th, 1, fx->n2);
		hits += strstr(testhost_out(th, 1), fx->n1) != NULL;
	}
	assert_true(hits > 0 && hits < 20);
	assert_int_equal(testhost_audit_count(th->st, "evaluation.draw", "seed=777 candidates=2"),
	                 2);
	/* Evaluated, a complaint is no longer drawn. */
	assert_int_equal(test_ce_exec(th, "sup1", test_ce_answers, "evaluate %s --stdin", fx->n1),
	                 0);
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluate --next --json"), 0);
	testhost_has(th, 1, n3);
	testhost_has(th, 1, "\"candidates\":1");
	assert_int_equal(test_ce_exec(th, "sup1", NULL, "evaluate --next %s", fx->n1), 2);
	assert_int_equal(test_ce_exec(th, "agent1", NULL, "evaluate --next"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ce_roles, test_ce_setup, test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_stdin_errors, test_ce_setup, test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_form_resumed, test_ce_setup, test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_form_comment, test_ce_setup, test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_notice_and_window, test_ce_setup,
	                                    test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_period, test_ce_setup, test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_calibration, test_ce_setup, test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_session, test_ce_setup, test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_show_reads, test_ce_setup, test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_offer_at_login, test_ce_setup,
	                                    test_ce_teardown),
	    cmocka_unit_test_setup_teardown(test_ce_next, test_ce_setup, test_ce_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
