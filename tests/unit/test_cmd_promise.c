/* test_cmd_promise — the promise ledger commands (shell/cmd/cmd_promise.c) through the real
 * shell against the shared test host (testhost.h) and a real store in a temporary directory:
 * promise add (to an existing complaint that is not resolved, due in the future; its text,
 * date and number checked; a resolved complaint refused until reopened), promise list (own
 * open promises by default, most urgent first, --overdue, --closed, --all, --agent, --limit,
 * --json with the overdue flag; on the thread pool), promise done and promise withdraw (the
 * reason required, closed promises refused), roles, and the login notice of an interactive
 * session (an agent's overdue promises after the greeting and before the prompt; none when
 * nothing is overdue, in exec mode, or for another agent's). */
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
#include "testhost.h"

#define TEST_CP_DAY 86400000LL

static int test_cp_setup(void **state)
{
	struct testhost *th = testhost_new("test_cmd_promise");

	if (th == NULL)
		return -1;
	testhost_account_add(th, "agent1", "王小明", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "agent2", "李小红", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "sup1", "赵主管", ROLE_SUPERVISOR, "zh", NULL);
	testhost_account_add(th, "audit1", "审计员", ROLE_AUDITOR, "zh", NULL);
	*state = th;
	return 0;
}

static int test_cp_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

/* Shell options in lang ("en" or "zh"); exec NULL: interactive. */
static struct shell_opts test_cp_opts(const char *lang, const char *exec)
{
	struct shell_opts o = testhost_opts;

	o.env_lang = strcmp(lang, "en") == 0 ? "en_US.UTF-8" : "zh_CN.UTF-8";
	o.exec = exec;
	return o;
}

/* Runs cmd in exec mode as name, with the thread pool; returns the exit status. */
static int test_cp_exec(struct testhost *th, const char *name, const char *lang, const char *cmd)
{
	struct shell_opts o = test_cp_opts(lang, NULL);

	return testhost_exec(th, name, TESTHOST_WORK, &o, cmd, NULL);
}

/* The same, formatted. */
static int test_cp_execf(struct testhost *th, const char *name, const char *lang, const char *fmt,
                         ...) __attribute__((format(printf, 4, 5)));

static int test_cp_execf(struct testhost *th, const char *name, const char *lang, const char *fmt,
                         ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return test_cp_exec(th, name, lang, cmd);
}

/* Takes a complaint for agent through the store (as agent), unit 3-2-1201. */
static void test_cp_complaint(struct testhost *th, const char *agent, const char *words,
                              char number[COMPLAINT_NUMBER_MAX])
{
	const char *techs[] = {"empathy"};
	struct audit_ctx ctx = testhost_setup_ctx;
	struct complaint_new in;

	ctx.account = agent;
	ctx.role = "agent";
	memset(&in, 0, sizeof in);
	in.unit = "3-2-1201";
	in.caller = "张先生";
	in.category = "repairs";
	in.words = words;
	in.agent = agent;
	in.techniques = techs;
	in.ntechniques = 1;
	assert_int_equal(store_complaint_add(th->st, &ctx, &in, number), 0);
}

/* Adds a promise of agent to number through the store (any due time, past too); its id. */
static int64_t test_cp_promise(struct testhost *th, const char *agent, const char *number,
                               const char *what, int64_t due_ms)
{
	struct audit_ctx ctx = testhost_setup_ctx;
	struct promise_new p;
	int64_t id = 0;

	ctx.account = agent;
	memset(&p, 0, sizeof p);
	p.what = what;
	p.due_ms = due_ms;
	assert_int_equal(store_promise_add(th->st, &ctx, number, &p, &id), 0);
	assert_true(id > 0);
	return id;
}

static void test_cp_get(struct testhost *th, int64_t id, struct promise *p)
{
	assert_int_equal(store_promise_get(th->st, id, p), 0);
}

/* How many promises the store holds in all. */
static size_t test_cp_count(struct testhost *th)
{
	struct promise_filter f;
	struct promise *list = NULL;
	size_t n = 0;

	memset(&f, 0, sizeof f);
	f.limit = 100000;
	assert_int_equal(store_promise_list(th->st, &f, &list, &n), 0);
	store_promise_list_free(list, n);
	return n;
}

/* Local time of ms as "YYYY-MM-DD HH:MM". */
static void test_cp_time(int64_t ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	assert_non_null(localtime_r(&t, &tm));
	strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

/* The first millisecond of the local minute h:mi of the day days from today. */
static int64_t test_cp_at(int days, int h, int mi)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* Where want is in the output of stream 1 (fails when absent). */
static const char *test_cp_pos(struct testhost *th, const char *want)
{
	const char *p = strstr(testhost_out(th, 1), want);

	if (p == NULL)
		fail_msg("output lacks \"%s\":\n%s", want, testhost_out(th, 1));
	return p;
}

static size_t test_cp_occurrences(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* ---- promise add ----------------------------------------------------------------------------- */

static void test_cp_add(void **state)
{
	struct testhost *th = *state;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], day[16], want[512], lower[32];
	struct complaint c;
	struct promise p;
	size_t before, i;

	test_cp_complaint(th, "agent1", "卫生间漏水", n1);
	test_cp_complaint(th, "agent1", "楼道灯坏了", n2);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(th->st, n1, &c, false), 0);
	assert_int_equal(c.status, COMPLAINT_OPEN);
	store_complaint_clear(&c);

	/* A date alone: due at the end of that day. */
	testhost_day(2, day, sizeof day);
	assert_int_equal(test_cp_execf(th, "agent1", "en",
	                               "promise add %s --due %s --text '明天派维修工上门'", n1,
	                               day),
	                 0);
	snprintf(want, sizeof want, "Promise #1 added to %s, due %s 23:59 (说到就要做到).\n", n1,
	         day);
	assert_string_equal(testhost_out(th, 1), want);
	assert_string_equal(testhost_out(th, 2), "");
	memset(&p, 0, sizeof p);
	test_cp_get(th, 1, &p);
	assert_string_equal(p.agent, "agent1");
	assert_string_equal(p.what, "明天派维修工上门");
	assert_string_equal(p.number, n1);
	assert_int_equal(p.status, PROMISE_OPEN);
	assert_int_equal(p.due_ms, test_cp_at(2, 23, 59) + 59999);
	assert_int_equal(p.closed_ms, 0);
	store_promise_clear(&p);
	/* The complaint is being worked on now, with its history and the audit event. */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(th->st, n1, &c, true), 0);
	assert_int_equal(c.status, COMPLAINT_IN_PROGRESS);
	assert_int_equal(c.open_promises, 1);
	assert_int_equal(c.npromises, 1);
	assert_string_equal(c.history[c.nhistory - 1].action, "promise.add");
	assert_string_equal(c.history[c.nhistory - 1].account, "agent1");
	store_complaint_clear(&c);
	assert_int_equal(testhost_audit_count(th->st, "promise.add", "#1 agent1"), 1);
	assert_int_equal(testhost_audit_count(th->st, "command", "promise add"), 1);

	/* Another agent may not promise on agent1's complaint; handed over to them, they may,
	 * in Chinese, a time of day, the number in lower case: the promise is theirs. */
	snprintf(lower, sizeof lower, "%s", n1);
	for (i = 0; lower[i] != '\0'; i++)
		if (lower[i] == 'C')
			lower[i] = 'c';
	assert_int_equal(test_cp_execf(th, "agent2", "en",
	                               "promise add %s --due '%s 18:30' --text 回电话", lower, day),
	                 1);
	testhost_has(th, 2, "is not yours: agent1 (王小明) holds it");
	assert_int_equal(test_cp_execf(th, "agent1", "en",
	                               "complaint assign %s agent2 --note '业主晚上在家'", n1),
	                 0);
	assert_int_equal(test_cp_execf(th, "agent2", "zh",
	                               "promise add %s --due '%s 18:30' --text 回电话", lower, day),
	                 0);
	snprintf(want, sizeof want, "已添加承诺 #2（投诉 %s），期限 %s 18:30（说到就要做到）。\n",
	         n1, day);
	assert_string_equal(testhost_out(th, 1), want);
	memset(&p, 0, sizeof p);
	test_cp_get(th, 2, &p);
	assert_string_equal(p.agent, "agent2");
	assert_int_equal(p.due_ms, test_cp_at(2, 18, 30));
	store_promise_clear(&p);
	/* "YYYY-MM-DDTHH:MM" and --json. */
	assert_int_equal(test_cp_execf(th, "sup1", "en",
	                               "promise add %s --due %sT08:05 --text x --json", n2, day),
	                 0);
	snprintf(want, sizeof want, "{\"id\":3,\"number\":\"%s\",\"due_ms\":%lld}\n", n2,
	         (long long)test_cp_at(2, 8, 5));
	assert_string_equal(testhost_out(th, 1), want);

	/* Refusals add nothing. */
	before = test_cp_count(th);
	testhost_day(-1, day, sizeof day);
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise add %s --due %s --text x", n1, day), 2);
	testhost_has(th, 2, "--due is in the past: a promise must be for the future");
	assert_string_equal(testhost_out(th, 1), "");
	assert_int_equal(
	    test_cp_execf(th, "agent1", "zh", "promise add %s --due 2020-01-01 --text x", n1), 2);
	testhost_has(th, 2, "--due 已经过去：承诺的期限必须在将来");
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise add %s --due 2030-02-30 --text x", n1), 2);
	testhost_has(th, 2, "--due: `2030-02-30` is not a date");
	assert_int_equal(test_cp_execf(th, "agent1", "en",
	                               "promise add %s --due '2030-01-01 25:00' --text x", n1),
	                 2);
	testhost_has(th, 2, "is not a date");
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise add %s --due tomorrow --text x", n1), 2);
	testhost_has(th, 2, "--due: `tomorrow` is not a date");
	assert_int_equal(test_cp_execf(th, "agent1", "en", "promise add %s --due 2030-01-01", n1),
	                 2);
	testhost_has(th, 2, "missing option --text");
	assert_int_equal(test_cp_execf(th, "agent1", "en", "promise add %s --text x", n1), 2);
	testhost_has(th, 2, "missing option --due");
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise add %s --due 2030-01-01 --text '  '", n1),
	    2);
	testhost_has(th, 2, "--text is empty");
	/* A terminal escape never reaches the handler: the command line refuses it. */
	assert_int_equal(test_cp_execf(th, "agent1", "en",
	                               "promise add %s --due 2030-01-01 --text 'a\x1b[31mb'", n1),
	                 2);
	testhost_has(th, 2, "invalid UTF-8 or control character in the command");
	assert_int_equal(test_cp_exec(th, "agent1", "en",
	                              "promise add C-20200101-0001 --due 2030-01-01 --text x"),
	                 1);
	testhost_has(th, 2, "no complaint `C-20200101-0001`");
	assert_int_equal(
	    test_cp_exec(th, "agent1", "zh", "promise add nonsense --due 2030-01-01 --text x"), 1);
	testhost_has(th, 2, "没有投诉 `nonsense`");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise add --due 2030-01-01 --text x"),
	                 2);
	assert_int_equal(
	    test_cp_execf(th, "audit1", "en", "promise add %s --due 2030-01-01 --text x", n1), 3);
	testhost_has(th, 2, "permission denied: `promise add` needs role");
	assert_int_equal(test_cp_count(th), before);
	assert_int_equal(testhost_audit_count(th->st, "promise.add", NULL), 3);

	/* A resolved complaint takes no new promise until it is reopened; an escalated one does. */
	assert_int_equal(store_promise_done(th->st, &testhost_setup_ctx, 3, NULL), 0);
	assert_int_equal(store_complaint_resolve(th->st, &testhost_setup_ctx, n2, "修好了"), 0);
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise add %s --due 2030-01-01 --text x", n2), 1);
	snprintf(
	    want, sizeof want,
	    "complaint %s is resolved: a new promise needs it reopened first (complaint reopen "
	    "%s --reason TEXT)",
	    n2, n2);
	testhost_has(th, 2, want);
	assert_int_equal(
	    test_cp_execf(th, "agent1", "zh", "promise add %s --due 2030-01-01 --text x", n2), 1);
	testhost_has(th, 2, "已解决：要作出新的承诺，请先重开");
	assert_int_equal(test_cp_count(th), before);
	assert_int_equal(store_complaint_reopen(th->st, &testhost_setup_ctx, n2, "又坏了"), 0);
	assert_int_equal(
	    store_complaint_escalate(th->st, &testhost_setup_ctx, n2, "sup1", "要找物业经理"), 0);
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise add %s --due 2030-01-01 --text x", n2), 0);
	testhost_has(th, 1, "Promise #4 added to");
	assert_int_equal(test_cp_count(th), before + 1);
}

/* ---- promise list ---------------------------------------------------------------------------- */

struct test_cp_desk {
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX];
	int64_t a, b, c, d, e, f, g; /* promise ids */
};

/* agent1: a (3 days overdue), b (due in 2 days), c (a day overdue), f (kept, was due 4 days
 * ago), g (withdrawn); agent2: d (2 days overdue), e (due in 5 days). */
static void test_cp_desk_make(struct testhost *th, struct test_cp_desk *k)
{
	int64_t now = store_now_ms();

	test_cp_complaint(th, "agent1", "卫生间漏水", k->n1);
	test_cp_complaint(th, "agent2", "停车位被占", k->n2);
	k->a = test_cp_promise(th, "agent1", k->n1, "回电话给业主", now - 3 * TEST_CP_DAY);
	k->b = test_cp_promise(th, "agent1", k->n1, "派维修工上门", now + 2 * TEST_CP_DAY);
	k->c = test_cp_promise(th, "agent1", k->n1, "送报价单", now - TEST_CP_DAY);
	k->d = test_cp_promise(th, "agent2", k->n2, "查监控录像", now - 2 * TEST_CP_DAY);
	k->e = test_cp_promise(th, "agent2", k->n2, "联系车主挪车", now + 5 * TEST_CP_DAY);
	k->f = test_cp_promise(th, "agent1", k->n1, "更换水管", now - 4 * TEST_CP_DAY);
	k->g = test_cp_promise(th, "agent1", k->n1, "赔偿地板", now + TEST_CP_DAY);
	assert_int_equal(store_promise_done(th->st, &testhost_setup_ctx, k->f, "已上门更换"), 0);
	assert_int_equal(store_promise_withdraw(th->st, &testhost_setup_ctx, k->g, "业主不要了"),
	                 0);
}

/* The ids "#x" that the output of stream 1 shows, in order, as "x,y,z". */
static void test_cp_ids(struct testhost *th, const struct test_cp_desk *k, const char *want)
{
	const int64_t ids[] = {k->a, k->b, k->c, k->d, k->e, k->f, k->g};
	const char *out = testhost_out(th, 1);
	struct {
		const char *at;
		char name;
	} seen[7];
	char got[16], tag[32];
	size_t n = 0, i, j;

	for (i = 0; i < 7; i++) {
		const char *p;

		snprintf(tag, sizeof tag, "#%lld ", (long long)ids[i]);
		p = strstr(out, tag);
		if (p == NULL)
			continue;
		for (j = n; j > 0 && seen[j - 1].at > p; j--)
			seen[j] = seen[j - 1];
		seen[j].at = p;
		seen[j].name = (char)('a' + i);
		n++;
	}
	for (i = 0; i < n; i++)
		got[i] = seen[i].name;
	got[n] = '\0';
	if (strcmp(got, want) != 0)
		fail_msg("promises shown: \"%s\", expected \"%s\":\n%s", got, want, out);
}

static void test_cp_list(void **state)
{
	struct testhost *th = *state;
	struct test_cp_desk k;
	struct shell_opts o = test_cp_opts("en", "promise list");
	char due[32];

	test_cp_desk_make(th, &k);

	/* Own open promises by default, most urgent first, the overdue ones marked. */
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list"), 0);
	test_cp_ids(th, &k, "acb");
	testhost_has(th, 1, "ID");
	testhost_has(th, 1, "DUE");
	testhost_has(th, 1, "STATUS");
	testhost_has(th, 1, "PROMISE");
	assert_int_equal(test_cp_occurrences(testhost_out(th, 1), "OVERDUE"), 2);
	testhost_has(th, 1, "回电话给业主");
	testhost_has(th, 1, "3-2-1201");
	testhost_has(th, 1, k.n1);
	testhost_lacks(th, 1, k.n2);
	{
		struct promise p;

		memset(&p, 0, sizeof p);
		test_cp_get(th, k.b, &p);
		test_cp_time(p.due_ms, due, sizeof due);
		store_promise_clear(&p);
	}
	testhost_has(th, 1, due);
	/* In Chinese. */
	assert_int_equal(test_cp_exec(th, "agent1", "zh", "promise list"), 0);
	test_cp_ids(th, &k, "acb");
	testhost_has(th, 1, "编号");
	testhost_has(th, 1, "期限");
	testhost_has(th, 1, "承诺内容");
	assert_int_equal(test_cp_occurrences(testhost_out(th, 1), "已逾期"), 2);
	assert_int_equal(test_cp_occurrences(testhost_out(th, 1), "未兑现"), 1);

	/* --overdue, --closed, --limit. */
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --overdue"), 0);
	test_cp_ids(th, &k, "ac");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --closed"), 0);
	test_cp_ids(th, &k, "facgb");
	testhost_has(th, 1, "kept");
	testhost_has(th, 1, "withdrawn");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --limit 1"), 0);
	test_cp_ids(th, &k, "a");
	testhost_has(th, 1, "\n(1 shown; more results: use --offset 1)\n");
	assert_int_equal(test_cp_exec(th, "agent1", "zh", "promise list --limit 1 --offset 1"), 0);
	test_cp_ids(th, &k, "c");
	testhost_has(th, 1, "\n（显示 1 条；更多结果：用 --offset 2）\n");
	/* The last page says nothing more; past it, "No more promises". */
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --offset 0"), 0);
	test_cp_ids(th, &k, "acb");
	testhost_lacks(th, 1, "more results");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --offset 3"), 0);
	assert_string_equal(testhost_out(th, 1), "No more promises.\n");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --limit 0"), 2);
	testhost_has(th, 2, "--limit: `0` is not a number from 1 to 1000");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --limit 1001"), 2);

	/* Everyone's, or one agent's. */
	assert_int_equal(test_cp_exec(th, "sup1", "en", "promise list --all"), 0);
	test_cp_ids(th, &k, "adcbe");
	assert_int_equal(test_cp_exec(th, "sup1", "en", "promise list --all --overdue"), 0);
	test_cp_ids(th, &k, "adc");
	assert_int_equal(test_cp_exec(th, "sup1", "en", "promise list --agent agent2"), 0);
	test_cp_ids(th, &k, "de");
	testhost_has(th, 1, "agent2");
	assert_int_equal(test_cp_exec(th, "agent2", "en", "promise list"), 0);
	test_cp_ids(th, &k, "de");
	assert_int_equal(test_cp_exec(th, "sup1", "en", "promise list --agent agent2 --all"), 2);
	testhost_has(th, 2, "--agent and --all exclude each other");
	assert_int_equal(test_cp_exec(th, "sup1", "en", "promise list --agent ghost"), 2);
	testhost_has(th, 2, "--agent ghost: no such account");
	assert_int_equal(test_cp_exec(th, "sup1", "zh", "promise list --agent audit1"), 2);
	testhost_has(th, 2, "--agent audit1：该账号不处理投诉");
	/* Nothing of one's own. */
	assert_int_equal(test_cp_exec(th, "sup1", "en", "promise list"), 0);
	assert_string_equal(testhost_out(th, 1), "No promises.\n");
	assert_int_equal(test_cp_exec(th, "sup1", "en", "promise list --overdue"), 0);
	assert_string_equal(testhost_out(th, 1), "No overdue promises.\n");
	assert_int_equal(test_cp_exec(th, "sup1", "zh", "promise list --overdue"), 0);
	assert_string_equal(testhost_out(th, 1), "没有逾期的承诺。\n");
	assert_int_equal(test_cp_exec(th, "audit1", "en", "promise list"), 3);
	testhost_has(th, 2, "permission denied: `promise list`");

	/* --json: every field, the overdue flag true only for open promises past their due. */
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --closed --json"), 0);
	{
		const char *out = testhost_out(th, 1);
		char want[256];

		assert_int_equal(test_cp_occurrences(out, "{\"id\":"), 5);
		snprintf(want, sizeof want,
		         "{\"id\":%lld,\"number\":\"%s\",\"unit\":\"3-2-1201\","
		         "\"agent\":\"agent1\",\"what\":\"回电话给业主\",\"due_ms\":",
		         (long long)k.a, k.n1);
		testhost_has(th, 1, want);
		assert_int_equal(test_cp_occurrences(out, "\"overdue\":true"), 2);
		assert_int_equal(test_cp_occurrences(out, "\"overdue\":false"), 3);
		testhost_has(th, 1, "\"what\":\"回电话给业主\",");
		testhost_has(th, 1, "\"status\":\"open\",\"overdue\":true,");
		testhost_has(th, 1, "\"status\":\"kept\",\"overdue\":false,");
		testhost_has(th, 1, "\"status\":\"withdrawn\",\"overdue\":false,");
		testhost_has(th, 1, "\"note\":\"已上门更换\"");
		testhost_has(th, 1, "\"note\":\"业主不要了\"");
		testhost_has(th, 1, "\"closed_ms\":0,\"note\":null");
		/* The kept one was due 4 days ago: first, and not overdue. */
		snprintf(want, sizeof want,
		         "{\"total\":null,\"offset\":0,\"limit\":100,\"more\":false,"
		         "\"items\":[{\"id\":%lld,",
		         (long long)k.f);
		assert_int_equal(strncmp(out, want, strlen(want)), 0);
		assert_string_equal(out + strlen(out) - 3, "]}\n");
	}
	/* A page with more after it says so, with where the next one starts. */
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --closed --limit 2 --json"),
	                 0);
	testhost_has(th, 1,
	             "{\"total\":null,\"offset\":0,\"limit\":2,\"more\":true,\"next_offset\":2,"
	             "\"items\":[");
	assert_int_equal(test_cp_occurrences(testhost_out(th, 1), "{\"id\":"), 2);
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise list --closed --limit 2 --offset 4 --json"),
	                 0);
	testhost_has(th, 1, "{\"total\":null,\"offset\":4,\"limit\":2,\"more\":false,\"items\":[");
	assert_int_equal(test_cp_occurrences(testhost_out(th, 1), "{\"id\":"), 1);

	/* The list runs on the thread pool: the shell waits, silent, until it ran. */
	testhost_start(th, "agent1", TESTHOST_WORK, &o);
	assert_true(shell_busy(th->sh));
	assert_int_equal(th->nq, 1);
	assert_string_equal(testhost_out(th, 1), "");
	assert_int_equal(testhost_drain(th, false), 1);
	assert_true(th->exited);
	assert_int_equal(th->status, 0);
	test_cp_ids(th, &k, "acb");
}

/* ---- promise done and withdraw --------------------------------------------------------------- */

static void test_cp_done_withdraw(void **state)
{
	struct testhost *th = *state;
	char n1[COMPLAINT_NUMBER_MAX], want[256];
	int64_t now = store_now_ms(), p1, p2, p3;
	struct complaint c;
	struct promise p;

	test_cp_complaint(th, "agent1", "卫生间漏水", n1);
	p1 = test_cp_promise(th, "agent1", n1, "派维修工上门", now + TEST_CP_DAY);
	p2 = test_cp_promise(th, "agent1", n1, "回电话", now - TEST_CP_DAY);
	p3 = test_cp_promise(th, "agent1", n1, "赔偿地板", now + 3 * TEST_CP_DAY);

	/* Kept, with a note: how many are still open on the complaint. */
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise done #%lld --note 已上门", (long long)p1),
	    0);
	snprintf(want, sizeof want, "Promise #%lld (%s) kept; 2 still open on that complaint.\n",
	         (long long)p1, n1);
	assert_string_equal(testhost_out(th, 1), want);
	memset(&p, 0, sizeof p);
	test_cp_get(th, p1, &p);
	assert_int_equal(p.status, PROMISE_KEPT);
	assert_string_equal(p.note, "已上门");
	assert_true(p.closed_ms >= now && p.closed_ms <= store_now_ms());
	store_promise_clear(&p);
	snprintf(want, sizeof want, "#%lld: 已上门", (long long)p1);
	assert_int_equal(testhost_audit_count(th->st, "promise.done", want), 1);
	/* Again: refused. */
	assert_int_equal(test_cp_execf(th, "agent1", "en", "promise done %lld", (long long)p1), 1);
	snprintf(want, sizeof want, "promise #%lld is already kept", (long long)p1);
	testhost_has(th, 2, want);
	/* Another agent may not close it: the refusal names who made it and who holds the
	 * complaint, and nothing changes. */
	assert_int_equal(test_cp_execf(th, "agent2", "zh", "promise done %lld", (long long)p2), 1);
	snprintf(want, sizeof want, "承诺 #%lld 不是您的：它由 agent1（王小明）在投诉 %s 上作出",
	         (long long)p2, n1);
	testhost_has(th, 2, want);
	testhost_has(th, 2, "该投诉由 agent1（王小明）负责");
	assert_int_equal(
	    test_cp_execf(th, "agent2", "en", "promise withdraw %lld --reason x", (long long)p2), 1);
	testhost_has(th, 2, "it was made by agent1 (王小明) on");
	memset(&p, 0, sizeof p);
	test_cp_get(th, p2, &p);
	assert_int_equal(p.status, PROMISE_OPEN);
	store_promise_clear(&p);
	/* A supervisor may. Kept late, in Chinese, without a note; the number without '#'. */
	assert_int_equal(test_cp_execf(th, "sup1", "zh", "promise done %lld", (long long)p2), 0);
	snprintf(want, sizeof want, "承诺 #%lld（%s）已兑现；该投诉还有 1 条未兑现的承诺。\n",
	         (long long)p2, n1);
	assert_string_equal(testhost_out(th, 1), want);
	snprintf(want, sizeof want, "#%lld late", (long long)p2);
	assert_int_equal(testhost_audit_count(th->st, "promise.done", want), 1);
	memset(&p, 0, sizeof p);
	test_cp_get(th, p2, &p);
	assert_null(p.note);
	store_promise_clear(&p);
	/* Numbers that are not, or not there. */
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise done 99999"), 1);
	testhost_has(th, 2, "no promise #99999 (promise list shows them)");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise done abc"), 2);
	testhost_has(th, 2, "`abc` is not a promise number (like 12 or #12");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise done '#0'"), 2);
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise done -3"), 2);
	assert_int_equal(test_cp_exec(th, "agent1", "en", "promise done 12x"), 2);
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise done %lld --note ' '", (long long)p3), 2);
	testhost_has(th, 2, "--note is empty");

	/* Withdraw: a reason is required. */
	assert_int_equal(test_cp_execf(th, "agent1", "en", "promise withdraw %lld", (long long)p3),
	                 2);
	testhost_has(th, 2, "missing option --reason");
	assert_int_equal(
	    test_cp_execf(th, "agent1", "zh", "promise withdraw %lld --reason ''", (long long)p3),
	    2);
	testhost_has(th, 2, "--reason 不能为空");
	memset(&p, 0, sizeof p);
	test_cp_get(th, p3, &p);
	assert_int_equal(p.status, PROMISE_OPEN);
	store_promise_clear(&p);
	assert_int_equal(
	    test_cp_execf(th, "audit1", "en", "promise withdraw %lld --reason x", (long long)p3),
	    3);
	assert_int_equal(test_cp_execf(th, "audit1", "en", "promise done %lld", (long long)p3), 3);
	assert_int_equal(test_cp_execf(th, "agent1", "en",
	                               "promise withdraw %lld --reason '业主已自行处理'",
	                               (long long)p3),
	                 0);
	snprintf(want, sizeof want,
	         "Promise #%lld (%s) withdrawn; 0 still open on that complaint.\n", (long long)p3,
	         n1);
	assert_string_equal(testhost_out(th, 1), want);
	memset(&p, 0, sizeof p);
	test_cp_get(th, p3, &p);
	assert_int_equal(p.status, PROMISE_WITHDRAWN);
	assert_string_equal(p.note, "业主已自行处理");
	store_promise_clear(&p);
	assert_int_equal(testhost_audit_count(th->st, "promise.withdraw", "业主已自行处理"), 1);
	/* Closed promises stay closed. */
	assert_int_equal(
	    test_cp_execf(th, "agent1", "en", "promise withdraw %lld --reason x", (long long)p3),
	    1);
	snprintf(want, sizeof want, "promise #%lld is already withdrawn", (long long)p3);
	testhost_has(th, 2, want);
	assert_int_equal(test_cp_execf(th, "agent1", "en", "promise done %lld", (long long)p3), 1);
	testhost_has(th, 2, want);
	assert_int_equal(
	    test_cp_execf(th, "agent1", "zh", "promise withdraw %lld --reason x", (long long)p1),
	    1);
	snprintf(want, sizeof want, "承诺 #%lld 已经是已兑现状态", (long long)p1);
	testhost_has(th, 2, want);

	/* With none open, the complaint can be resolved; the history holds each step. */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(th->st, n1, &c, true), 0);
	assert_int_equal(c.open_promises, 0);
	assert_string_equal(c.history[c.nhistory - 1].action, "promise.withdrawn");
	assert_string_equal(c.history[c.nhistory - 2].action, "promise.kept");
	assert_string_equal(c.history[c.nhistory - 3].action, "promise.kept");
	store_complaint_clear(&c);
	assert_int_equal(store_complaint_resolve(th->st, &testhost_setup_ctx, n1, "都处理了"), 0);
}

/* ---- the login notice ------------------------------------------------------------------------ */

static void test_cp_login_notice(void **state)
{
	struct testhost *th = *state;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], due[32], tag[32];
	struct shell_opts en = test_cp_opts("en", NULL), zh = test_cp_opts("zh", NULL);
	int64_t overdue = test_cp_at(-2, 9, 30), p1, p2;
	const char *greet, *notice, *row, *prompt;
	int i;

	test_cp_complaint(th, "agent1", "门禁坏了", n1);
	test_cp_complaint(th, "agent2", "楼道灯坏了", n2);
	p1 = test_cp_promise(th, "agent1", n1, "回电话给业主", overdue);
	test_cp_promise(th, "agent1", n1, "派维修工上门", store_now_ms() + TEST_CP_DAY);
	test_cp_promise(th, "agent2", n2, "换灯泡", store_now_ms() + TEST_CP_DAY);
	test_cp_time(overdue, due, sizeof due);

	/* After the greeting, before the prompt: the overdue one only (a terminal's line ends). */
	testhost_start(th, "agent1", 0, &en);
	greet = test_cp_pos(th, "Welcome, 王小明");
	notice = test_cp_pos(th, "\r\n*** You have 1 overdue promise (说到就要做到): ***\r\n");
	snprintf(tag, sizeof tag, "#%lld", (long long)p1);
	row = test_cp_pos(th, tag);
	prompt = test_cp_pos(th, "propdesk:agent1> ");
	assert_true(greet < notice);
	assert_true(notice < row);
	assert_true(row < prompt);
	testhost_has(th, 1, due);
	testhost_has(th, 1, "OVERDUE");
	testhost_has(th, 1, "回电话给业主");
	testhost_has(th, 1, n1);
	testhost_lacks(th, 1, "派维修工上门");
	testhost_has(
	    th, 1,
	    "Keep them (promise done ID) or withdraw them with a reason (promise withdraw ID "
	    "--reason TEXT).\r\n\r\n");
	assert_int_equal(test_cp_occurrences(testhost_out(th, 1), "***"), 2);
	/* The session goes on as usual. */
	testhost_expect(testhost_type(th, "whoami\r"), "agent1");
	/* In Chinese. */
	testhost_start(th, "agent1", 0, &zh);
	notice = test_cp_pos(th, "\r\n*** 你有 1 条承诺已逾期（说到就要做到）： ***\r\n");
	assert_true(test_cp_pos(th, "欢迎 王小明") < notice);
	assert_true(notice < test_cp_pos(th, "propdesk:agent1> "));
	testhost_has(th, 1, "已逾期");
	testhost_has(th, 1,
	             "请兑现（promise done 编号）或说明原因撤回（promise withdraw 编号 --reason "
	             "原因）。");

	/* Nothing overdue: the greeting, then the prompt. Not another agent's; not in exec. */
	testhost_start(th, "agent2", 0, &en);
	testhost_lacks(th, 1, "***");
	testhost_lacks(th, 1, "overdue");
	assert_true(test_cp_pos(th, "Welcome, 李小红") < test_cp_pos(th, "propdesk:agent2> "));
	testhost_start(th, "sup1", 0, &zh);
	testhost_lacks(th, 1, "***");
	assert_int_equal(test_cp_exec(th, "agent1", "en", "whoami"), 0);
	testhost_lacks(th, 1, "***");
	testhost_stop(th);

	/* Two overdue: the plural, most overdue first. */
	p2 = test_cp_promise(th, "agent1", n1, "送报价单", overdue - TEST_CP_DAY);
	testhost_start(th, "agent1", 0, &en);
	test_cp_pos(th, "*** You have 2 overdue promises (说到就要做到): ***");
	snprintf(tag, sizeof tag, "#%lld ", (long long)p2);
	row = test_cp_pos(th, tag);
	snprintf(tag, sizeof tag, "#%lld ", (long long)p1);
	assert_true(row < test_cp_pos(th, tag));
	assert_int_equal(test_cp_occurrences(testhost_out(th, 1), "OVERDUE"), 2);

	/* Kept and withdrawn ones are no longer overdue: the login is quiet again. */
	assert_int_equal(test_cp_execf(th, "agent1", "en", "promise done %lld", (long long)p1), 0);
	assert_int_equal(test_cp_execf(th, "agent1", "en",
	                               "promise withdraw %lld --reason 不需要了", (long long)p2),
	                 0);
	testhost_start(th, "agent1", 0, &en);
	testhost_lacks(th, 1, "***");
	testhost_lacks(th, 1, "OVERDUE");
	test_cp_pos(th, "propdesk:agent1> ");

	/* At most 20 listed, said with a "+". */
	for (i = 0; i < 21; i++)
		test_cp_promise(th, "agent2", n2, "回访", overdue - i * 60000);
	testhost_start(th, "agent2", 0, &en);
	test_cp_pos(th, "*** You have 20+ overdue promises (说到就要做到): ***");
	assert_int_equal(test_cp_occurrences(testhost_out(th, 1), "OVERDUE"), 20);
	testhost_start(th, "agent2", 0, &zh);
	test_cp_pos(th, "*** 你有 20+ 条承诺已逾期");
	testhost_stop(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cp_add, test_cp_setup, test_cp_teardown),
	    cmocka_unit_test_setup_teardown(test_cp_list, test_cp_setup, test_cp_teardown),
	    cmocka_unit_test_setup_teardown(test_cp_done_withdraw, test_cp_setup, test_cp_teardown),
	    cmocka_unit_test_setup_teardown(test_cp_login_notice, test_cp_setup, test_cp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
