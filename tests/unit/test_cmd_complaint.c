/* test_cmd_complaint — the complaint, promise, technique, unit and report commands through the
 * real shell against the shared test host (testhost.h: output per stream; thread-pool work
 * queued and run later with a read-only store of its own, as the loop would; catalogs from INI
 * files written to the temporary directory) and a real store on a temporary database: Chinese
 * text, --json, phone masking for non-owners, the whole lifecycle with a promise blocking
 * resolution, substring and regex searches off the loop (a catastrophic pattern answered with
 * an error), overdue promises at login, bilingual errors for unknown numbers, codes and dates,
 * roles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "shell.h"
#include "store.h"
#include "store_complaint.h"
#include "store_unit.h"
#include "testhost.h"
#include "utf8.h"

static const char test_cc_techniques_ini[] =
    "[empathy]\nkind = verbal\nname_zh = 换位思考法\nname_en = Put yourself in their place\n"
    "guidance_zh = 站在业主的立场考虑问题。\nguidance_en = See it from the owner's side.\n"
    "[dialect]\nkind = verbal\nname_zh = 入乡随俗法\nname_en = Speak their dialect\n"
    "guidance_zh = 用业主熟悉的方言交流。\nguidance_en = Speak the owner's dialect.\n"
    "[patience]\nkind = verbal\nname_zh = 委曲求全法\nname_en = Patience under pressure\n"
    "guidance_zh = 保持冷静。\nguidance_en = Stay calm.\n"
    "[sit-down]\nkind = nonverbal\nname_zh = 请业主坐下\nname_en = Offer a seat\n"
    "guidance_zh = 请业主坐下谈。\nguidance_en = Offer the owner a seat.\n";

static const char test_cc_categories_ini[] = "[repairs]\nname_zh = 报修\nname_en = Repairs\n"
                                             "[noise]\nname_zh = 噪音\nname_en = Noise\n";

static int test_cc_setup(void **state)
{
	struct testhost *th = testhost_new("test_cmd_complaint");

	if (th == NULL)
		return -1;
	testhost_account_add(th, "agent1", "agent1", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "agent2", "agent2", ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "sup1", "sup1", ROLE_SUPERVISOR, "zh", NULL);
	testhost_account_add(th, "audit1", "audit1", ROLE_AUDITOR, "zh", NULL);
	testhost_file_write(th->dir, "techniques.ini", test_cc_techniques_ini);
	testhost_file_write(th->dir, "categories.ini", test_cc_categories_ini);
	if (testhost_load_catalog(th, NULL) != 0) {
		testhost_free(th);
		return -1;
	}
	*state = th;
	return 0;
}

static int test_cc_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

/* What the host lacks (NULL: nothing; it has the thread pool and the catalog). */
struct test_cc_opts {
	bool no_catalog;
	bool no_work;
};

/* The host's callbacks (caps) and the shell's options for lang ("en" or "zh") and o. */
static unsigned test_cc_host(const char *lang, const struct test_cc_opts *o,
                             struct shell_opts *opts)
{
	unsigned caps = 0;

	if (o == NULL || !o->no_catalog)
		caps |= TESTHOST_CATALOG;
	if (o == NULL || !o->no_work)
		caps |= TESTHOST_WORK;
	*opts = testhost_opts;
	opts->max_stdin = 16384;
	opts->env_lang = strcmp(lang, "en") == 0 ? "en_US.UTF-8" : "zh_CN.UTF-8";
	return caps;
}

/* A new shell for name (exec NULL: interactive), started, in lang. */
static void test_cc_start_opts(struct testhost *th, const char *name, const char *exec,
                               const char *lang, const struct test_cc_opts *o)
{
	struct shell_opts opts;
	unsigned caps = test_cc_host(lang, o, &opts);

	opts.exec = exec;
	testhost_start(th, name, caps, &opts);
}

/* Runs one exec command (stdin in, may be NULL), draining pool work; returns the status. */
static int test_cc_exec_opts(struct testhost *th, const char *name, const char *lang,
                             const char *cmd, const char *in, const struct test_cc_opts *o)
{
	struct shell_opts opts;
	unsigned caps = test_cc_host(lang, o, &opts);

	return testhost_exec(th, name, caps, &opts, cmd, in);
}

static int test_cc_exec(struct testhost *th, const char *name, const char *lang, const char *cmd)
{
	return test_cc_exec_opts(th, name, lang, cmd, NULL, NULL);
}

/* Takes a complaint as name through the shell; the number into number. */
static void test_cc_add(struct testhost *th, const char *name, const char *args,
                        char number[COMPLAINT_NUMBER_MAX])
{
	char cmd[2048];
	const char *o, *p;

	snprintf(cmd, sizeof cmd, "complaint add --json %s", args);
	if (test_cc_exec(th, name, "en", cmd) != 0)
		fail_msg("complaint add failed: %s", testhost_out(th, 2));
	o = testhost_out(th, 1);
	p = strstr(o, "\"number\":\"");
	assert_non_null(p);
	p += strlen("\"number\":\"");
	assert_true(strlen(p) > 15);
	memcpy(number, p, 15);
	number[15] = '\0';
	assert_int_equal(strncmp(number, "C-", 2), 0);
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_cc_add_show_list_chinese(void **state)
{
	struct testhost *th = *state;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], cmd[512];
	struct complaint c;

	test_cc_add(
	    th, "agent1",
	    "--unit 3-2-1201 --category repairs --technique empathy,sit-down "
	    "--phone 13812341234 --caller 张先生 --relation tenant --channel visit --mood angry "
	    "--dialect 粤语 '卫生间漏水，已经三天了，楼下邻居也来投诉'",
	    n1);
	testhost_has(th, 1, "\"unit_verified\":false");
	test_cc_add(th, "agent2",
	            "--unit 5-1-301 --category noise --technique patience 楼上装修噪音", n2);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(th->st, n1, &c, true), 0);
	assert_string_equal(c.words, "卫生间漏水，已经三天了，楼下邻居也来投诉");
	assert_string_equal(c.caller, "张先生");
	assert_int_equal(c.relation, COMPLAINT_REL_TENANT);
	assert_int_equal(c.channel, COMPLAINT_CH_VISIT);
	assert_int_equal(c.mood, COMPLAINT_MOOD_ANGRY);
	assert_string_equal(c.dialect, "粤语");
	assert_int_equal(c.ntechniques, 2);
	assert_string_equal(c.techniques[0], "empathy");
	assert_string_equal(c.techniques[1], "sit-down");
	store_complaint_clear(&c);

	/* The text form in zh: sections, names in Chinese, the owner's own phone whole. */
	snprintf(cmd, sizeof cmd, "complaint show %s", n1);
	assert_int_equal(test_cc_exec(th, "agent1", "zh", cmd), 0);
	testhost_has(th, 1, "业主原话");
	testhost_has(th, 1, "卫生间漏水");
	testhost_has(th, 1, "换位思考法");
	testhost_has(th, 1, "请业主坐下（非语言）");
	testhost_has(th, 1, "13812341234");
	testhost_has(th, 1, "张先生（租户）");
	testhost_has(th, 1, "报修（repairs）");
	testhost_has(th, 1, "（未核实）");
	testhost_has(th, 1, "历史");
	testhost_has(th, 1, "登记"); /* the action in the session language */
	/* Another agent sees it masked, in text and in JSON; the supervisor whole. */
	assert_int_equal(test_cc_exec(th, "agent2", "en", cmd), 0);
	testhost_has(th, 1, "138****1234");
	testhost_lacks(th, 1, "13812341234");
	testhost_has(th, 1, "Put yourself in their place");
	snprintf(cmd, sizeof cmd, "complaint show %s --json", n1);
	assert_int_equal(test_cc_exec(th, "agent2", "en", cmd), 0);
	testhost_has(th, 1, "\"phone\":\"138****1234\"");
	assert_int_equal(test_cc_exec(th, "agent2", "en", "complaint list --json"), 0);
	testhost_has(th, 1, "\"phone\":\"138****1234\"");
	testhost_lacks(th, 1, "13812341234");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "complaint list --json"), 0);
	testhost_has(th, 1, "\"phone\":\"13812341234\"");
	/* A lower-case number is found too. */
	snprintf(cmd, sizeof cmd, "complaint show c%s", n1 + 1);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);

	/* The table: newest first, names of categories, the words cut to ~20 columns. */
	assert_int_equal(test_cc_exec(th, "agent1", "zh", "complaint list"), 0);
	testhost_has(th, 1, "报修");
	testhost_has(th, 1, "噪音");
	testhost_has(th, 1, "卫生间漏水，已经三…");
	assert_true(strstr(testhost_out(th, 1), n2) < strstr(testhost_out(th, 1), n1));
	/* Filters. */
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --mine --json"), 0);
	testhost_has(th, 1, n1);
	testhost_lacks(th, 1, n2);
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --category noise"), 0);
	testhost_has(th, 1, n2);
	testhost_lacks(th, 1, n1);
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --technique sit-down"),
	                 0);
	testhost_has(th, 1, n1);
	testhost_lacks(th, 1, n2);
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --agent agent2"), 0);
	testhost_has(th, 1, n2);
	testhost_lacks(th, 1, n1);
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --unit 5-1-301"), 0);
	testhost_has(th, 1, n2);
	testhost_lacks(th, 1, n1);
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --status resolved"), 0);
	testhost_has(th, 1, "No complaints match.");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --status open,reopened"),
	                 0);
	testhost_has(th, 1, n1);
	{
		char today[16], tomorrow[16], yesterday[16];

		testhost_day(0, today, sizeof today);
		testhost_day(1, tomorrow, sizeof tomorrow);
		testhost_day(-1, yesterday, sizeof yesterday);
		/* --until is inclusive: today's complaints are in "until today". */
		snprintf(cmd, sizeof cmd, "complaint list --since %s --until %s", yesterday, today);
		assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
		testhost_has(th, 1, n1);
		snprintf(cmd, sizeof cmd, "complaint list --since %s", tomorrow);
		assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
		testhost_has(th, 1, "No complaints match.");
		snprintf(cmd, sizeof cmd, "complaint list --until %s", yesterday);
		assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
		testhost_has(th, 1, "No complaints match.");
	}
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --limit 1"), 0);
	testhost_has(th, 1, "(1 of 2 shown");
}

static void test_cc_errors_bilingual(void **state)
{
	struct testhost *th = *state;
	struct test_cc_opts nocat = {.no_catalog = true};
	char n1[COMPLAINT_NUMBER_MAX];

	/* Unknown numbers. */
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint show C-20200101-0001"), 1);
	testhost_has(th, 2, "no complaint `C-20200101-0001`");
	assert_int_equal(th->out[1].len, 0);
	assert_int_equal(test_cc_exec(th, "agent1", "zh", "complaint show nonsense"), 1);
	testhost_has(th, 2, "没有投诉 `nonsense`");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint note C-20200101-0001 hello"),
	                 1);
	testhost_has(th, 2, "no complaint");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint resolve X --outcome done"), 1);
	/* Unknown codes list the valid ones. */
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category plumbing --technique empathy x"),
	    2);
	testhost_has(th, 2, "unknown category `plumbing` (one of: repairs noise)");
	assert_int_equal(
	    test_cc_exec(th, "agent1", "zh",
	                 "complaint add --unit 1-1-101 --category repairs --technique shout x"),
	    2);
	testhost_has(th, 2, "未知沟通方法 `shout`（可选：empathy dialect patience sit-down）");
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--phone 12345 x"),
	    2);
	testhost_has(th, 2, "--phone: `12345` is not a phone number");
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--mood furious x"),
	    2);
	testhost_has(th, 2, "--mood: unknown value `furious` (one of: calm upset angry)");
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy"),
	    2);
	testhost_has(th, 2, "owner's words");
	/* Dates. */
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--promise 'call back' --due 2026-02-30 x"),
	    2);
	testhost_has(th, 2, "--due: `2026-02-30` is not a date");
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--promise 'call back' x"),
	    2);
	testhost_has(th, 2, "--promise and --due go together");
	assert_int_equal(test_cc_exec(th, "agent1", "zh", "complaint list --since 2026/01/01"), 2);
	testhost_has(th, 2, "--since：`2026/01/01` 不是有效日期");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --until 2026-13-01"), 2);
	testhost_has(th, 2, "is not a date: use YYYY-MM-DD");
	assert_int_equal(test_cc_exec(th, "agent1", "en",
	                              "complaint list --since 2026-03-02 --until 2026-03-01"),
	                 2);
	testhost_has(th, 2, "--until is before --since");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --status closed"), 2);
	testhost_has(th, 2, "one of: open in_progress resolved escalated reopened");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --agent nobody"), 2);
	testhost_has(th, 2, "--agent nobody: no such account");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --limit 0"), 2);
	/* No catalog in the host: a clear refusal. */
	assert_int_equal(test_cc_exec_opts(th, "agent1", "en",
	                                   "complaint add --unit 1 --category repairs --technique "
	                                   "empathy x",
	                                   NULL, &nocat),
	                 1);
	testhost_has(th, 2, "catalogs are not loaded");
	assert_int_equal(test_cc_exec_opts(th, "agent1", "en", "technique list", NULL, &nocat), 1);

	/* An interactive agent cannot promise for the past; exec mode (back office) can. */
	test_cc_add(th, "agent1",
	            "--unit 1-1-101 --category repairs --technique empathy --promise 'call back' "
	            "--due '2020-01-01 09:00' 'old paperwork'",
	            n1);
	testhost_has(th, 1, "\"open_promises\":1");
	test_cc_start_opts(th, "agent1", NULL, "en", NULL);
	testhost_clear(th);
	testhost_feed(th, "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                  "--promise 'call back' --due 2020-01-01 x\r");
	testhost_has(th, 1, "--due is in the past");
	/* --stdin is exec mode only. */
	testhost_clear(th);
	testhost_feed(th,
	              "complaint add --unit 1 --category repairs --technique empathy --stdin\r");
	testhost_has(th, 1, "--stdin reads stdin");
}

/* Invisible and direction-changing characters are refused on input, named in the session's
 * language, and nothing is stored; a form answer with one is asked again. */
static void test_cc_invisible_characters_refused(void **state)
{
	struct testhost *th = *state;
	char n1[COMPLAINT_NUMBER_MAX], cmd[128];
	struct shell_opts opts;
	unsigned caps;

	test_cc_add(th, "agent1", "--unit 1-1-101 --category repairs --technique empathy 漏水", n1);
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "'已解决\xe2\x80\xae未处理'"),
	    2);
	testhost_has(th, 2,
	             "the owner's words holds an invisible character, U+202E (right-to-left "
	             "override), at character 4");
	assert_int_equal(
	    test_cc_exec(th, "agent1", "zh",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--caller '王\xef\xbb\xbf先生' 漏水"),
	    2);
	testhost_has(
	    th, 2,
	    "--caller 含有不可见字符 U+FEFF（零宽不换行空格，即字节顺序标记），在第 2 个字符处");
	snprintf(cmd, sizeof cmd, "complaint note %s --stdin", n1);
	assert_int_equal(test_cc_exec_opts(th, "agent1", "en", cmd, "ok\xe2\x80\x8b\n", NULL), 2);
	testhost_has(th, 2, "U+200B (zero width space)");
	assert_int_equal(testhost_audit_count(th->st, "complaint.add", NULL), 1);

	/* The guided form asks again, and the line editor showed the character. */
	caps = test_cc_host("en", NULL, &opts);
	opts.color = true;
	testhost_start(th, "agent1", caps, &opts);
	testhost_type(th, "complaint new\r");
	testhost_type(th, "1-1-101\r");
	testhost_type(th, "Wang\xe2\x81\xa6\r");
	testhost_has(th, 0, "Wang<U+2066>");
	testhost_has(th, 0,
	             "The answer holds an invisible character, U+2066 (left-to-right isolate)");
	testhost_lacks(th, 0, "\xe2\x81\xa6");
	testhost_stop(th);
}

static void test_cc_lifecycle(void **state)
{
	struct testhost *th = *state;
	char n[COMPLAINT_NUMBER_MAX], cmd[512], due[32];
	struct complaint c;
	int64_t pid;

	testhost_day(2, due, sizeof due);
	snprintf(cmd, sizeof cmd,
	         "--unit 3-2-1201 --category repairs --technique empathy --phone 13812341234 "
	         "--promise '明天派维修工上门' --due %s 卫生间漏水",
	         due);
	test_cc_add(th, "agent1", cmd, n);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(th->st, n, &c, true), 0);
	assert_int_equal(c.npromises, 1);
	pid = c.promises[0].id;
	store_complaint_clear(&c);

	/* A note, from stdin in exec mode (multi-line). */
	snprintf(cmd, sizeof cmd, "complaint note %s --stdin", n);
	assert_int_equal(
	    test_cc_exec_opts(th, "agent1", "en", cmd, "已联系维修部\r\n明早九点\n", NULL), 0);
	testhost_has(th, 1, "noted: in progress");
	snprintf(cmd, sizeof cmd, "complaint note %s 业主 情绪 平稳", n);
	assert_int_equal(test_cc_exec(th, "agent1", "zh", cmd), 0);
	/* Tags: add a known code, remove one; unknown codes refused with the list. */
	snprintf(cmd, sizeof cmd, "complaint tag %s +patience -empathy", n);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
	testhost_has(th, 1, "techniques: patience");
	snprintf(cmd, sizeof cmd, "complaint tag %s +yelling", n);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 2);
	testhost_has(th, 2, "unknown technique `yelling`");
	/* Handover to agent2 with a note; agent2 then sees the phone whole. */
	snprintf(cmd, sizeof cmd, "complaint assign %s agent2 --note '业主很着急，已承诺明早上门'",
	         n);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
	testhost_has(th, 1, "handed over");
	testhost_has(th, 1, "assignee agent2");
	/* Handed over, it is agent2's to hand on: agent1 may not any more. */
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 1);
	testhost_has(th, 2, "is held by agent2: only its holder");
	assert_int_equal(test_cc_exec(th, "agent2", "en", cmd), 1);
	testhost_has(th, 2, "already assigned to agent2");
	snprintf(cmd, sizeof cmd, "complaint assign %s audit1 --note x", n);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 1);
	testhost_has(th, 2, "does not work complaints");
	snprintf(cmd, sizeof cmd, "complaint show %s", n);
	assert_int_equal(test_cc_exec(th, "agent2", "zh", cmd), 0);
	testhost_has(th, 1, "13812341234");
	testhost_has(th, 1, "agent1 -> agent2");
	testhost_has(th, 1, "业主很着急");
	testhost_has(th, 1, "已联系维修部");
	testhost_has(th, 1, "  明早九点");
	/* Escalate to the supervisor. */
	snprintf(cmd, sizeof cmd, "complaint escalate %s", n);
	assert_int_equal(test_cc_exec(th, "agent2", "en", cmd), 2);
	snprintf(cmd, sizeof cmd, "complaint escalate %s --reason 'needs a contractor' --to sup1",
	         n);
	assert_int_equal(test_cc_exec(th, "agent2", "en", cmd), 0);
	testhost_has(th, 1, "escalated: escalated, assignee sup1");
	/* Handed on to the supervisor, it is no longer agent2's (agent1 took it). */
	assert_int_equal(test_cc_exec(th, "agent2", "en", cmd), 1);
	testhost_has(th, 2, "is not yours: sup1 holds it, agent1 took it");
	assert_int_equal(test_cc_exec(th, "sup1", "en", cmd), 1);
	testhost_has(th, 2, "is escalated: it cannot be escalated now");
	/* Resolving is refused while the promise is open; it says which and how. */
	snprintf(cmd, sizeof cmd, "complaint resolve %s --outcome 已修复", n);
	assert_int_equal(test_cc_exec(th, "sup1", "zh", cmd), 1);
	testhost_has(th, 2, "还有未兑现的承诺");
	testhost_has(th, 2, "明天派维修工上门");
	testhost_has(th, 2, "promise done");
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(th->st, n, &c, false), 0);
	assert_int_equal(c.status, COMPLAINT_ESCALATED);
	store_complaint_clear(&c);
	/* Keep the promise, then resolve. */
	snprintf(cmd, sizeof cmd, "promise done #%lld --note 已上门", (long long)pid);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
	testhost_has(th, 1, "kept; 0 still open");
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 1);
	testhost_has(th, 2, "is already kept");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "promise done 99999"), 1);
	testhost_has(th, 2, "no promise #99999");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "promise done abc"), 2);
	snprintf(cmd, sizeof cmd, "complaint resolve %s --outcome 已修复", n);
	assert_int_equal(test_cc_exec(th, "sup1", "en", cmd), 0);
	testhost_has(th, 1, "resolved: resolved");
	assert_int_equal(test_cc_exec(th, "sup1", "en", cmd), 1);
	testhost_has(th, 2, "is resolved: it cannot be resolved now");
	/* Reopen needs a reason. */
	snprintf(cmd, sizeof cmd, "complaint reopen %s", n);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 2);
	testhost_has(th, 2, "--reason");
	snprintf(cmd, sizeof cmd, "complaint reopen %s --reason 又漏了", n);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
	testhost_has(th, 1, "reopened: reopened");
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(th->st, n, &c, true), 0);
	assert_int_equal(c.status, COMPLAINT_REOPENED);
	assert_string_equal(c.outcome, "已修复");
	assert_int_equal(c.nnotes, 2);
	assert_string_equal(c.notes[0].text, "已联系维修部\n明早九点");
	assert_int_equal(c.nhandovers, 2);
	store_complaint_clear(&c);
	/* The JSON of show holds every section. */
	snprintf(cmd, sizeof cmd, "complaint show %s --json", n);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
	testhost_has(th, 1, "\"status\":\"reopened\"");
	testhost_has(th, 1, "\"promises\":[{");
	testhost_has(th, 1, "\"status\":\"kept\"");
	testhost_has(th, 1, "\"handovers\":[{");
	testhost_has(th, 1, "\"history\":[{");
	testhost_has(th, 1, "\"action\":\"reopen\"");
	/* The unit's history holds the complaint and its promise. */
	assert_int_equal(test_cc_exec(th, "agent1", "zh", "unit history 3-2-1201"), 0);
	testhost_has(th, 1, n);
	testhost_has(th, 1, "承诺 #");
	testhost_has(th, 1, "已兑现");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "unit history 3-2-1201 --json"), 0);
	testhost_has(th, 1, "\"kind\":\"promise\"");
	testhost_has(th, 1, "\"kind\":\"complaint\"");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "unit history 9-9-999"), 0);
	testhost_has(th, 1, "No complaints about unit 9-9-999.");
}

static void test_cc_search_off_the_loop(void **state)
{
	struct testhost *th = *state;
	struct test_cc_opts nowork = {.no_work = true};
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], cmd[512];
	size_t i;

	test_cc_add(th, "agent1",
	            "--unit 1-1-101 --category repairs --technique empathy 卫生间漏水", n1);
	test_cc_add(th, "agent1",
	            "--unit 1-1-102 --category noise --technique patience 'Noise at NIGHT'", n2);
	snprintf(cmd, sizeof cmd, "complaint note %s 楼上在装修", n2);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);

	/* The search waits on the pool: busy, nothing written, until the work ran. */
	test_cc_start_opts(th, "agent1", "complaint search 漏水", "en", NULL);
	assert_true(shell_busy(th->sh));
	assert_false(th->exited);
	assert_int_equal(th->out[1].len, 0);
	assert_int_equal(th->nq, 1);
	assert_int_equal(testhost_drain(th, false), 1);
	assert_true(th->exited);
	assert_int_equal(th->status, 0);
	testhost_has(th, 1, n1);
	testhost_lacks(th, 1, n2);
	/* Notes are searched too; filters apply. */
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint search 装修 --json"), 0);
	testhost_has(th, 1, n2);
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en", "complaint search 装修 --category repairs"), 0);
	testhost_has(th, 1, "Nothing found.");
	/* Regex, case-sensitive unless --caseless. */
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint search --regex '漏.|night'"),
	                 0);
	testhost_has(th, 1, n1);
	testhost_lacks(th, 1, n2);
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en", "complaint search --regex --caseless 'n[i]ght$'"), 0);
	testhost_has(th, 1, n2);
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint search --regex '(unclosed'"),
	                 2);
	testhost_has(th, 2, "invalid pattern");
	assert_int_equal(th->ran, 0);

	/* A catastrophic pattern over long runs: an error, not a stall. */
	{
		char words[200];

		for (i = 0; i < 60; i++)
			words[i] = 'a';
		words[60] = 'b';
		words[61] = '\0';
		snprintf(cmd, sizeof cmd, "--unit 1-1-103 --category noise --technique patience %s",
		         words);
		test_cc_add(th, "agent1", cmd, n1);
	}
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint search --regex '(a+)+$'"), 1);
	testhost_has(th, 2, "search stopped:");
	testhost_has(th, 2, "too costly");
	assert_int_equal(th->out[1].len, 0);
	assert_int_equal(test_cc_exec(th, "agent1", "zh", "complaint search --regex '(a+)+$'"), 1);
	testhost_has(th, 2, "搜索已中止");

	/* A host without a pool: plain text runs here, a regex is refused. */
	assert_int_equal(
	    test_cc_exec_opts(th, "agent1", "en", "complaint search 漏水", NULL, &nowork), 0);
	testhost_has(th, 1, "1-1-101");
	assert_int_equal(
	    test_cc_exec_opts(th, "agent1", "en", "complaint search --regex 漏水", NULL, &nowork),
	    1);
	testhost_has(th, 2, "no background workers");

	/* The session goes away while the search runs: the job is still released. */
	test_cc_start_opts(th, "agent1", "complaint search --regex 漏水", "en", NULL);
	assert_int_equal(th->nq, 1);
	assert_int_equal(testhost_drain(th, true), 1);
	assert_false(th->exited);

	/* Interactive: input typed while the search runs waits for it. */
	test_cc_start_opts(th, "agent1", NULL, "en", NULL);
	testhost_feed(th, "complaint search 漏水\rwhoami\r");
	assert_true(shell_busy(th->sh));
	assert_null(strstr(testhost_out(th, 1), "s-test"));
	assert_int_equal(testhost_drain(th, false), 1);
	assert_false(shell_busy(th->sh));
	testhost_has(th, 1, "1-1-101");
	testhost_has(th, 1, "s-test");
}

static void test_cc_promises_and_login_notice(void **state)
{
	struct testhost *th = *state;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], cmd[512], future[16];
	struct complaint c;
	int64_t pid;

	test_cc_add(
	    th, "agent1",
	    "--unit 2-1-101 --category repairs --technique empathy --promise '回电话给业主' "
	    "--due '2021-03-04 09:30' 门禁坏了",
	    n1);
	testhost_day(3, future, sizeof future);
	snprintf(cmd, sizeof cmd,
	         "--unit 2-1-102 --category repairs --technique empathy --promise 'fix the light' "
	         "--due %s 'corridor light'",
	         future);
	test_cc_add(th, "agent2", cmd, n2);

	/* At login the agent sees the overdue promise; agent2 (none overdue) sees nothing. */
	test_cc_start_opts(th, "agent1", NULL, "zh", NULL);
	testhost_has(th, 1, "1 条承诺已逾期");
	testhost_has(th, 1, "回电话给业主");
	testhost_has(th, 1, "2021-03-04 09:30");
	testhost_has(th, 1, n1);
	assert_true(strstr(testhost_out(th, 1), "已逾期") <
	            strstr(testhost_out(th, 1), "propdesk:"));
	test_cc_start_opts(th, "agent2", NULL, "en", NULL);
	testhost_lacks(th, 1, "overdue");
	/* Not in exec mode. */
	assert_int_equal(test_cc_exec(th, "agent1", "en", "whoami"), 0);
	testhost_lacks(th, 1, "overdue");

	/* promise list: mine by default, --overdue, --agent, --all, --json. */
	assert_int_equal(test_cc_exec(th, "agent1", "en", "promise list"), 0);
	testhost_has(th, 1, "OVERDUE");
	testhost_lacks(th, 1, "fix the light");
	assert_int_equal(test_cc_exec(th, "agent2", "en", "promise list --overdue"), 0);
	testhost_has(th, 1, "No overdue promises.");
	assert_int_equal(test_cc_exec(th, "agent2", "en", "promise list --all --json"), 0);
	testhost_has(th, 1, "\"what\":\"回电话给业主\"");
	testhost_has(th, 1, "\"overdue\":true");
	testhost_has(th, 1, "\"what\":\"fix the light\"");
	testhost_has(th, 1, "\"overdue\":false");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "promise list --agent agent1 --overdue"),
	                 0);
	testhost_has(th, 1, "回电话给业主");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "promise list --agent ghost"), 2);

	/* Supervisors: report promises; agents are refused. */
	assert_int_equal(test_cc_exec(th, "sup1", "en", "report promises"), 0);
	testhost_has(th, 1, "Open promises by agent:");
	testhost_has(th, 1, "agent1  1     1");
	testhost_has(th, 1, "Overdue promises, oldest first:");
	testhost_has(th, 1, "回电话给业主");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "report promises --json"), 0);
	testhost_has(th, 1, "\"agent\":\"agent1\",\"display\":null,\"open\":1,\"overdue\":1");
	testhost_has(th, 1, "\"agent\":\"agent2\",\"display\":null,\"open\":1,\"overdue\":0");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "report promises"), 3);
	testhost_has(th, 2, "permission denied");

	/* Withdraw needs a reason; then the login is quiet. */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(th->st, n1, &c, true), 0);
	pid = c.promises[0].id;
	store_complaint_clear(&c);
	snprintf(cmd, sizeof cmd, "promise withdraw %lld", (long long)pid);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 2);
	snprintf(cmd, sizeof cmd, "promise withdraw %lld --reason '业主已自行处理'",
	         (long long)pid);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
	testhost_has(th, 1, "withdrawn");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "promise list --closed"), 0);
	testhost_has(th, 1, "withdrawn");
	test_cc_start_opts(th, "agent1", NULL, "zh", NULL);
	testhost_lacks(th, 1, "逾期");
	/* Now the complaint can be resolved. */
	snprintf(cmd, sizeof cmd, "complaint resolve %s --outcome 已修好", n1);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
}

static void test_cc_techniques_units_reports(void **state)
{
	struct testhost *th = *state;
	char n1[COMPLAINT_NUMBER_MAX], number[COMPLAINT_NUMBER_MAX], cmd[256];
	const char *techs[] = {"oldcode"};
	struct complaint_new in;
	struct unit u;

	/* technique list / show in both languages; auditors may read them too. */
	assert_int_equal(test_cc_exec(th, "audit1", "zh", "technique list"), 0);
	testhost_has(th, 1, "换位思考法");
	testhost_has(th, 1, "非语言");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "technique list --kind nonverbal --json"),
	                 0);
	testhost_has(th, 1, "\"code\":\"sit-down\"");
	testhost_lacks(th, 1, "empathy");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "technique show dialect"), 0);
	testhost_has(th, 1, "Speak their dialect");
	testhost_has(th, 1, "Speak the owner's dialect.");
	assert_int_equal(test_cc_exec(th, "agent1", "zh", "technique show dialect"), 0);
	testhost_has(th, 1, "用业主熟悉的方言交流。");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "technique show shouting"), 1);
	testhost_has(th, 2,
	             "unknown technique `shouting` (one of: empathy dialect patience sit-down)");

	/* An old code no longer in the catalog is kept and shown raw. */
	memset(&in, 0, sizeof in);
	in.unit = "7-7-707";
	in.caller = "-";
	in.category = "retired";
	in.words = "old words";
	in.agent = "agent1";
	in.techniques = techs;
	in.ntechniques = 1;
	assert_int_equal(store_complaint_add(th->st, &testhost_setup_ctx, &in, number), 0);
	snprintf(cmd, sizeof cmd, "complaint show %s", number);
	assert_int_equal(test_cc_exec(th, "agent1", "en", cmd), 0);
	testhost_has(th, 1, "oldcode  (no longer in the catalog)");
	testhost_has(th, 1, "retired (retired)");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "complaint list --technique oldcode"), 0);
	testhost_has(th, 1, number);

	/* The unit register: empty, then with a unit (owner phone masked for agents). */
	assert_int_equal(test_cc_exec(th, "agent1", "en", "unit list"), 0);
	testhost_has(th, 1, "The unit register is empty");
	memset(&u, 0, sizeof u);
	u.code = (char *)"3-2-1201";
	u.building = (char *)"3栋";
	u.owner_name = (char *)"李四";
	u.owner_phone = (char *)"13900001111";
	u.area_m2 = 89.5;
	assert_int_equal(store_unit_add(th->st, &testhost_setup_ctx, &u), 0);
	assert_int_equal(test_cc_exec(th, "agent1", "zh", "unit list"), 0);
	testhost_has(th, 1, "李四");
	testhost_has(th, 1, "139****1111");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "unit show 3-2-1201 --json"), 0);
	testhost_has(th, 1, "\"owner_phone\":\"13900001111\"");
	testhost_has(th, 1, "\"area_m2\":89.5");
	testhost_has(th, 1, "\"registered\":true");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "unit show 4-4-404"), 1);
	testhost_has(th, 2, "no unit `4-4-404`");
	assert_int_equal(test_cc_exec(th, "agent1", "en", "unit show 7-7-707"), 0);
	testhost_has(th, 1, "not in the unit register");
	testhost_has(th, 1, "complaints: 1");
	/* With rows in the register, complaint add checks the unit. */
	assert_int_equal(
	    test_cc_exec(th, "agent1", "en",
	                 "complaint add --unit 9-9-999 --category repairs --technique empathy x"),
	    1);
	testhost_has(th, 2, "`9-9-999` is not in the unit register");
	test_cc_add(th, "agent1",
	            "--unit 3-2-1201 --category repairs --technique empathy,dialect x", n1);
	testhost_has(th, 1, "\"unit_verified\":true");

	/* report techniques: supervisors only; per technique and per agent; --json. */
	assert_int_equal(test_cc_exec(th, "agent1", "en", "report techniques"), 3);
	assert_int_equal(test_cc_exec(th, "sup1", "en", "report techniques"), 0);
	testhost_has(th, 1, "Techniques report");
	testhost_has(th, 1, "dialect Speak their dialect");
	testhost_has(th, 1, "oldcode (not in the catalog)");
	assert_int_equal(
	    test_cc_exec(th, "sup1", "zh", "report techniques --by agent --category repairs"), 0);
	testhost_has(th, 1, "入乡随俗法");
	testhost_has(th, 1, "agent1");
	testhost_lacks(th, 1, "oldcode");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "report techniques --json"), 0);
	testhost_has(th, 1, "\"technique\":\"empathy\",\"complaints\":1");
	testhost_has(th, 1, "\"resolved_share\":0");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "report techniques --by team"), 2);
	testhost_has(th, 2, "--by: unknown value `team` (one of: agent)");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "report techniques --category nothing"), 2);
	testhost_has(th, 2, "unknown category `nothing`");
	/* An old category still used by a complaint is accepted. */
	assert_int_equal(test_cc_exec(th, "sup1", "en", "report techniques --category retired"), 0);
	testhost_has(th, 1, "oldcode");
	assert_int_equal(test_cc_exec(th, "sup1", "en", "report techniques --since 2030-01-01"), 0);
	testhost_has(th, 1, "No complaints in that period.");

	/* Roles: auditors may not touch complaints. */
	assert_int_equal(test_cc_exec(th, "audit1", "en", "complaint list"), 3);
	assert_int_equal(test_cc_exec(th, "audit1", "en", "promise list"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cc_add_show_list_chinese, test_cc_setup,
	                                    test_cc_teardown),
	    cmocka_unit_test_setup_teardown(test_cc_errors_bilingual, test_cc_setup,
	                                    test_cc_teardown),
	    cmocka_unit_test_setup_teardown(test_cc_invisible_characters_refused, test_cc_setup,
	                                    test_cc_teardown),
	    cmocka_unit_test_setup_teardown(test_cc_lifecycle, test_cc_setup, test_cc_teardown),
	    cmocka_unit_test_setup_teardown(test_cc_search_off_the_loop, test_cc_setup,
	                                    test_cc_teardown),
	    cmocka_unit_test_setup_teardown(test_cc_promises_and_login_notice, test_cc_setup,
	                                    test_cc_teardown),
	    cmocka_unit_test_setup_teardown(test_cc_techniques_units_reports, test_cc_setup,
	                                    test_cc_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
