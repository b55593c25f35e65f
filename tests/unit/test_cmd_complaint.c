/* test_cmd_complaint — the complaint, promise, technique, unit and report commands through the
 * real shell against a test host (output per stream; thread-pool work queued and run later
 * with a read-only store of its own, as the loop would; catalogs from INI files written to the
 * temporary directory) and a real store on a temporary database: Chinese text, --json, phone
 * masking for non-owners, the whole lifecycle with a promise blocking resolution, substring
 * and regex searches off the loop (a catastrophic pattern answered with an error), overdue
 * promises at login, bilingual errors for unknown numbers, codes and dates, roles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "shell.h"
#include "store.h"
#include "store_complaint.h"
#include "utf8.h"

#define TEST_CC_QMAX 8

struct test_cc_job {
	shell_work_fn fn;
	shell_work_done_fn done;
	void *arg;
};

struct test_cc_host {
	struct shell *sh;
	struct buf out[3];
	bool exited;
	int status;
	int exits;
	const char *db_path;
	struct catalog *catalog; /* NULL: the host has no catalog */
	bool no_work;            /* the host has no thread pool */
	struct test_cc_job q[TEST_CC_QMAX];
	size_t nq;
	size_t ran;
};

struct test_cc_fx {
	char dir[64];
	char path[128];
	struct store *st;
	struct catalog *catalog;
	struct test_cc_host h;
};

static const struct audit_ctx test_cc_setup_ctx = {
    .account = "setup",
    .role = "admin",
    .session = "t",
    .peer = "-",
    .transport = "cli",
};

/* ---- the test host --------------------------------------------------------------------- */

static void test_cc_write(void *ctx, int stream, const char *buf, size_t len)
{
	struct test_cc_host *h = ctx;

	assert_true(stream == 1 || stream == 2);
	assert_false(h->exited);
	buf_append(&h->out[stream], buf, len);
}

static void test_cc_exit(void *ctx, int status)
{
	struct test_cc_host *h = ctx;

	h->exited = true;
	h->status = status;
	h->exits++;
}

static int test_cc_work(void *ctx, shell_work_fn fn, shell_work_done_fn done, void *arg)
{
	struct test_cc_host *h = ctx;

	assert_true(h->nq < TEST_CC_QMAX);
	h->q[h->nq].fn = fn;
	h->q[h->nq].done = done;
	h->q[h->nq].arg = arg;
	h->nq++;
	return 0;
}

static struct catalog *test_cc_catalog(void *ctx)
{
	struct test_cc_host *h = ctx;

	if (h->catalog != NULL)
		catalog_ref(h->catalog);
	return h->catalog;
}

/* Runs the queued work as the pool would (fn with a read-only store of its own), then its
 * completion on the "loop"; gone: as if the session went away meanwhile. Returns how many. */
static size_t test_cc_drain(struct test_cc_host *h, bool gone)
{
	size_t ran = 0;

	while (h->nq > 0) {
		struct test_cc_job j = h->q[0];
		struct store *ro = NULL;
		int rc;

		memmove(h->q, h->q + 1, (h->nq - 1) * sizeof h->q[0]);
		h->nq--;
		assert_true(shell_busy(h->sh));
		rc = store_open(h->db_path, STORE_READONLY, 1000, &ro);
		assert_int_equal(rc, 0);
		rc = j.fn(ro, j.arg);
		store_close(ro);
		j.done(gone ? NULL : h->sh, j.arg, rc);
		ran++;
		h->ran++;
	}
	return ran;
}

static void test_cc_add_account(struct store *st, const char *name, enum role role)
{
	struct account a;

	memset(&a, 0, sizeof a);
	a.name = (char *)name;
	a.display = (char *)name;
	a.role = role;
	a.lang = (char *)"zh";
	assert_int_equal(store_account_add(st, &test_cc_setup_ctx, &a), 0);
}

static void test_cc_write_file(const char *dir, const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

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
	struct test_cc_fx *fx = calloc(1, sizeof *fx);
	char *err = NULL;

	if (fx == NULL || sodium_init() < 0)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_cmd_complaint.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/propdesk.db", fx->dir);
	if (store_open(fx->path, 0, 1000, &fx->st) != 0 || store_migrate(fx->st) != 0)
		return -1;
	test_cc_add_account(fx->st, "agent1", ROLE_AGENT);
	test_cc_add_account(fx->st, "agent2", ROLE_AGENT);
	test_cc_add_account(fx->st, "sup1", ROLE_SUPERVISOR);
	test_cc_add_account(fx->st, "audit1", ROLE_AUDITOR);
	test_cc_write_file(fx->dir, "techniques.ini", test_cc_techniques_ini);
	test_cc_write_file(fx->dir, "categories.ini", test_cc_categories_ini);
	if (catalog_load(fx->dir, &fx->catalog, &err) != 0) {
		fprintf(stderr, "catalog: %s\n", err);
		free(err);
		return -1;
	}
	*state = fx;
	return 0;
}

static void test_cc_host_reset(struct test_cc_host *h)
{
	int i;

	if (h->nq > 0 && h->sh != NULL)
		test_cc_drain(h, true);
	shell_free(h->sh);
	for (i = 0; i < 3; i++)
		buf_free(&h->out[i]);
	memset(h, 0, sizeof *h);
}

static int test_cc_teardown(void **state)
{
	struct test_cc_fx *fx = *state;
	char p[200];

	test_cc_host_reset(&fx->h);
	catalog_unref(fx->catalog);
	store_close(fx->st);
	snprintf(p, sizeof p, "rm -rf '%s'", fx->dir);
	assert_int_equal(system(p), 0);
	free(fx);
	return 0;
}

struct test_cc_opts {
	bool no_catalog;
	bool no_work;
};

/* A new shell for name (exec NULL: interactive), started, in lang ("en" or "zh"). */
static struct test_cc_host *test_cc_start_opts(struct test_cc_fx *fx, const char *name,
                                               const char *exec, const char *lang,
                                               const struct test_cc_opts *o)
{
	struct test_cc_host *h = &fx->h;
	struct shell_host host;
	struct shell_user user;
	struct shell_opts opts;
	struct account a;

	test_cc_host_reset(h);
	h->db_path = fx->path;
	h->catalog = o != NULL && o->no_catalog ? NULL : fx->catalog;
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, name, &a), 0);
	memset(&host, 0, sizeof host);
	host.ctx = h;
	host.store = fx->st;
	host.write = test_cc_write;
	host.exit = test_cc_exit;
	host.work = o != NULL && o->no_work ? NULL : test_cc_work;
	host.catalog = test_cc_catalog;
	memset(&user, 0, sizeof user);
	user.id = a.id;
	user.name = a.name;
	user.display = a.display;
	user.role = a.role;
	user.lang = a.lang;
	memset(&opts, 0, sizeof opts);
	opts.session_id = "s-test";
	opts.peer = "127.0.0.1:40000";
	opts.transport = "ssh";
	opts.env_lang = strcmp(lang, "en") == 0 ? "en_US.UTF-8" : "zh_CN.UTF-8";
	opts.cols = 100;
	opts.rows = 30;
	opts.exec = exec;
	opts.max_line = 4096;
	opts.max_stdin = 16384;
	h->sh = shell_new(&host, &user, &opts);
	assert_non_null(h->sh);
	account_clear(&a);
	shell_start(h->sh);
	return h;
}

/* Runs one exec command (stdin in, may be NULL), draining pool work; returns the status. */
static int test_cc_exec_opts(struct test_cc_fx *fx, const char *name, const char *lang,
                             const char *cmd, const char *in, const struct test_cc_opts *o)
{
	struct test_cc_host *h = test_cc_start_opts(fx, name, cmd, lang, o);

	if (in != NULL)
		shell_feed(h->sh, in, strlen(in));
	shell_eof(h->sh);
	while (test_cc_drain(h, false) > 0)
		;
	assert_true(h->exited);
	assert_int_equal(h->exits, 1);
	return h->status;
}

static int test_cc_exec(struct test_cc_fx *fx, const char *name, const char *lang, const char *cmd)
{
	return test_cc_exec_opts(fx, name, lang, cmd, NULL, NULL);
}

static const char *test_cc_out(struct test_cc_fx *fx, int stream)
{
	return buf_cstr(&fx->h.out[stream]);
}

#define test_cc_has(fx, stream, needle)                                                            \
	do {                                                                                       \
		if (strstr(test_cc_out(fx, stream), needle) == NULL)                               \
			fail_msg("stream %d lacks \"%s\":\n%s", stream, needle,                    \
			         test_cc_out(fx, stream));                                         \
	} while (0)
#define test_cc_lacks(fx, stream, needle)                                                          \
	do {                                                                                       \
		if (strstr(test_cc_out(fx, stream), needle) != NULL)                               \
			fail_msg("stream %d has \"%s\":\n%s", stream, needle,                      \
			         test_cc_out(fx, stream));                                         \
	} while (0)

/* Takes a complaint as name through the shell; the number into number. */
static void test_cc_add(struct test_cc_fx *fx, const char *name, const char *args,
                        char number[COMPLAINT_NUMBER_MAX])
{
	char cmd[2048];
	const char *o, *p;

	snprintf(cmd, sizeof cmd, "complaint add --json %s", args);
	if (test_cc_exec(fx, name, "en", cmd) != 0)
		fail_msg("complaint add failed: %s", test_cc_out(fx, 2));
	o = test_cc_out(fx, 1);
	p = strstr(o, "\"number\":\"");
	assert_non_null(p);
	p += strlen("\"number\":\"");
	assert_true(strlen(p) > 15);
	memcpy(number, p, 15);
	number[15] = '\0';
	assert_int_equal(strncmp(number, "C-", 2), 0);
}

/* YYYY-MM-DD of now + days (local time). */
static void test_cc_day(int days, char *out, size_t len)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_cc_add_show_list_chinese(void **state)
{
	struct test_cc_fx *fx = *state;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], cmd[512];
	struct complaint c;

	test_cc_add(
	    fx, "agent1",
	    "--unit 3-2-1201 --category repairs --technique empathy,sit-down "
	    "--phone 13812341234 --caller 张先生 --relation tenant --channel visit --mood angry "
	    "--dialect 粤语 '卫生间漏水，已经三天了，楼下邻居也来投诉'",
	    n1);
	test_cc_has(fx, 1, "\"unit_verified\":false");
	test_cc_add(fx, "agent2",
	            "--unit 5-1-301 --category noise --technique patience 楼上装修噪音", n2);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(fx->st, n1, &c, true), 0);
	assert_string_equal(c.words, "卫生间漏水，已经三天了，楼下邻居也来投诉");
	assert_string_equal(c.caller, "张先生");
	assert_int_equal(c.relation, COMPLAINT_REL_TENANT);
	assert_int_equal(c.channel, COMPLAINT_CH_VISIT);
	assert_int_equal(c.mood, COMPLAINT_MOOD_ANGRY);
	assert_string_equal(c.dialect, "粤语");
	assert_int_equal(c.ntechniques, 2);
	assert_string_equal(c.techniques[0], "empathy");
	assert_string_equal(c.techniques[1], "sit-down");
	complaint_clear(&c);

	/* The text form in zh: sections, names in Chinese, the owner's own phone whole. */
	snprintf(cmd, sizeof cmd, "complaint show %s", n1);
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", cmd), 0);
	test_cc_has(fx, 1, "业主原话");
	test_cc_has(fx, 1, "卫生间漏水");
	test_cc_has(fx, 1, "换位思考法");
	test_cc_has(fx, 1, "请业主坐下（非语言）");
	test_cc_has(fx, 1, "13812341234");
	test_cc_has(fx, 1, "张先生（租户）");
	test_cc_has(fx, 1, "报修（repairs）");
	test_cc_has(fx, 1, "（未核实）");
	test_cc_has(fx, 1, "历史");
	test_cc_has(fx, 1, "created");
	/* Another agent sees it masked, in text and in JSON; the supervisor whole. */
	assert_int_equal(test_cc_exec(fx, "agent2", "en", cmd), 0);
	test_cc_has(fx, 1, "138****1234");
	test_cc_lacks(fx, 1, "13812341234");
	test_cc_has(fx, 1, "Put yourself in their place");
	snprintf(cmd, sizeof cmd, "complaint show %s --json", n1);
	assert_int_equal(test_cc_exec(fx, "agent2", "en", cmd), 0);
	test_cc_has(fx, 1, "\"phone\":\"138****1234\"");
	assert_int_equal(test_cc_exec(fx, "agent2", "en", "complaint list --json"), 0);
	test_cc_has(fx, 1, "\"phone\":\"138****1234\"");
	test_cc_lacks(fx, 1, "13812341234");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "complaint list --json"), 0);
	test_cc_has(fx, 1, "\"phone\":\"13812341234\"");
	/* A lower-case number is found too. */
	snprintf(cmd, sizeof cmd, "complaint show c%s", n1 + 1);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);

	/* The table: newest first, names of categories, the words cut to ~20 columns. */
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", "complaint list"), 0);
	test_cc_has(fx, 1, "报修");
	test_cc_has(fx, 1, "噪音");
	test_cc_has(fx, 1, "卫生间漏水，已经三…");
	assert_true(strstr(test_cc_out(fx, 1), n2) < strstr(test_cc_out(fx, 1), n1));
	/* Filters. */
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --mine --json"), 0);
	test_cc_has(fx, 1, n1);
	test_cc_lacks(fx, 1, n2);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --category noise"), 0);
	test_cc_has(fx, 1, n2);
	test_cc_lacks(fx, 1, n1);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --technique sit-down"),
	                 0);
	test_cc_has(fx, 1, n1);
	test_cc_lacks(fx, 1, n2);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --agent agent2"), 0);
	test_cc_has(fx, 1, n2);
	test_cc_lacks(fx, 1, n1);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --unit 5-1-301"), 0);
	test_cc_has(fx, 1, n2);
	test_cc_lacks(fx, 1, n1);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --status resolved"), 0);
	test_cc_has(fx, 1, "No complaints match.");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --status open,reopened"),
	                 0);
	test_cc_has(fx, 1, n1);
	{
		char today[16], tomorrow[16], yesterday[16];

		test_cc_day(0, today, sizeof today);
		test_cc_day(1, tomorrow, sizeof tomorrow);
		test_cc_day(-1, yesterday, sizeof yesterday);
		/* --until is inclusive: today's complaints are in "until today". */
		snprintf(cmd, sizeof cmd, "complaint list --since %s --until %s", yesterday, today);
		assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
		test_cc_has(fx, 1, n1);
		snprintf(cmd, sizeof cmd, "complaint list --since %s", tomorrow);
		assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
		test_cc_has(fx, 1, "No complaints match.");
		snprintf(cmd, sizeof cmd, "complaint list --until %s", yesterday);
		assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
		test_cc_has(fx, 1, "No complaints match.");
	}
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --limit 1"), 0);
	test_cc_has(fx, 1, "(1 of 2 shown");
}

static void test_cc_errors_bilingual(void **state)
{
	struct test_cc_fx *fx = *state;
	struct test_cc_opts nocat = {.no_catalog = true};
	char n1[COMPLAINT_NUMBER_MAX];

	/* Unknown numbers. */
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint show C-20200101-0001"), 1);
	test_cc_has(fx, 2, "no complaint `C-20200101-0001`");
	assert_int_equal(fx->h.out[1].len, 0);
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", "complaint show nonsense"), 1);
	test_cc_has(fx, 2, "没有投诉 `nonsense`");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint note C-20200101-0001 hello"),
	                 1);
	test_cc_has(fx, 2, "no complaint");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint resolve X --outcome done"), 1);
	/* Unknown codes list the valid ones. */
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category plumbing --technique empathy x"),
	    2);
	test_cc_has(fx, 2, "unknown category `plumbing` (one of: repairs noise)");
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "zh",
	                 "complaint add --unit 1-1-101 --category repairs --technique shout x"),
	    2);
	test_cc_has(fx, 2, "未知沟通方法 `shout`（可选：empathy dialect patience sit-down）");
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--phone 12345 x"),
	    2);
	test_cc_has(fx, 2, "--phone: `12345` is not a phone number");
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--mood furious x"),
	    2);
	test_cc_has(fx, 2, "--mood: unknown value `furious` (one of: calm upset angry)");
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy"),
	    2);
	test_cc_has(fx, 2, "owner's words");
	/* Dates. */
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--promise 'call back' --due 2026-02-30 x"),
	    2);
	test_cc_has(fx, 2, "--due: `2026-02-30` is not a date");
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en",
	                 "complaint add --unit 1-1-101 --category repairs --technique empathy "
	                 "--promise 'call back' x"),
	    2);
	test_cc_has(fx, 2, "--promise and --due go together");
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", "complaint list --since 2026/01/01"), 2);
	test_cc_has(fx, 2, "--since：`2026/01/01` 不是有效日期");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --until 2026-13-01"), 2);
	test_cc_has(fx, 2, "is not a date: use YYYY-MM-DD");
	assert_int_equal(test_cc_exec(fx, "agent1", "en",
	                              "complaint list --since 2026-03-02 --until 2026-03-01"),
	                 2);
	test_cc_has(fx, 2, "--until is before --since");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --status closed"), 2);
	test_cc_has(fx, 2, "one of: open in_progress resolved escalated reopened");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --agent nobody"), 2);
	test_cc_has(fx, 2, "--agent nobody: no such account");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --limit 0"), 2);
	/* No catalog in the host: a clear refusal. */
	assert_int_equal(test_cc_exec_opts(fx, "agent1", "en",
	                                   "complaint add --unit 1 --category repairs --technique "
	                                   "empathy x",
	                                   NULL, &nocat),
	                 1);
	test_cc_has(fx, 2, "catalogs are not loaded");
	assert_int_equal(test_cc_exec_opts(fx, "agent1", "en", "technique list", NULL, &nocat), 1);

	/* An interactive agent cannot promise for the past; exec mode (back office) can. */
	test_cc_add(fx, "agent1",
	            "--unit 1-1-101 --category repairs --technique empathy --promise 'call back' "
	            "--due '2020-01-01 09:00' 'old paperwork'",
	            n1);
	test_cc_has(fx, 1, "\"open_promises\":1");
	test_cc_start_opts(fx, "agent1", NULL, "en", NULL);
	buf_reset(&fx->h.out[1]);
	shell_feed(fx->h.sh,
	           "complaint add --unit 1-1-101 --category repairs --technique empathy --promise "
	           "'call back' --due 2020-01-01 x\r",
	           strlen("complaint add --unit 1-1-101 --category repairs --technique empathy "
	                  "--promise 'call back' --due 2020-01-01 x\r"));
	test_cc_has(fx, 1, "--due is in the past");
	/* --stdin is exec mode only. */
	buf_reset(&fx->h.out[1]);
	shell_feed(
	    fx->h.sh, "complaint add --unit 1 --category repairs --technique empathy --stdin\r",
	    strlen("complaint add --unit 1 --category repairs --technique empathy --stdin\r"));
	test_cc_has(fx, 1, "--stdin reads stdin");
}

static void test_cc_lifecycle(void **state)
{
	struct test_cc_fx *fx = *state;
	char n[COMPLAINT_NUMBER_MAX], cmd[512], due[32];
	struct complaint c;
	int64_t pid;

	test_cc_day(2, due, sizeof due);
	snprintf(cmd, sizeof cmd,
	         "--unit 3-2-1201 --category repairs --technique empathy --phone 13812341234 "
	         "--promise '明天派维修工上门' --due %s 卫生间漏水",
	         due);
	test_cc_add(fx, "agent1", cmd, n);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(fx->st, n, &c, true), 0);
	assert_int_equal(c.npromises, 1);
	pid = c.promises[0].id;
	complaint_clear(&c);

	/* A note, from stdin in exec mode (multi-line). */
	snprintf(cmd, sizeof cmd, "complaint note %s --stdin", n);
	assert_int_equal(
	    test_cc_exec_opts(fx, "agent1", "en", cmd, "已联系维修部\r\n明早九点\n", NULL), 0);
	test_cc_has(fx, 1, "noted: in progress");
	snprintf(cmd, sizeof cmd, "complaint note %s 业主 情绪 平稳", n);
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", cmd), 0);
	/* Tags: add a known code, remove one; unknown codes refused with the list. */
	snprintf(cmd, sizeof cmd, "complaint tag %s +patience -empathy", n);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
	test_cc_has(fx, 1, "techniques: patience");
	snprintf(cmd, sizeof cmd, "complaint tag %s +yelling", n);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 2);
	test_cc_has(fx, 2, "unknown technique `yelling`");
	/* Handover to agent2 with a note; agent2 then sees the phone whole. */
	snprintf(cmd, sizeof cmd, "complaint assign %s agent2 --note '业主很着急，已承诺明早上门'",
	         n);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
	test_cc_has(fx, 1, "handed over");
	test_cc_has(fx, 1, "assignee agent2");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 1);
	test_cc_has(fx, 2, "already assigned to agent2");
	snprintf(cmd, sizeof cmd, "complaint assign %s audit1 --note x", n);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 1);
	test_cc_has(fx, 2, "does not work complaints");
	snprintf(cmd, sizeof cmd, "complaint show %s", n);
	assert_int_equal(test_cc_exec(fx, "agent2", "zh", cmd), 0);
	test_cc_has(fx, 1, "13812341234");
	test_cc_has(fx, 1, "agent1 -> agent2");
	test_cc_has(fx, 1, "业主很着急");
	test_cc_has(fx, 1, "已联系维修部");
	test_cc_has(fx, 1, "  明早九点");
	/* Escalate to the supervisor. */
	snprintf(cmd, sizeof cmd, "complaint escalate %s", n);
	assert_int_equal(test_cc_exec(fx, "agent2", "en", cmd), 2);
	snprintf(cmd, sizeof cmd, "complaint escalate %s --reason 'needs a contractor' --to sup1",
	         n);
	assert_int_equal(test_cc_exec(fx, "agent2", "en", cmd), 0);
	test_cc_has(fx, 1, "escalated: escalated, assignee sup1");
	assert_int_equal(test_cc_exec(fx, "agent2", "en", cmd), 1);
	test_cc_has(fx, 2, "is escalated: it cannot be escalated now");
	/* Resolving is refused while the promise is open; it says which and how. */
	snprintf(cmd, sizeof cmd, "complaint resolve %s --outcome 已修复", n);
	assert_int_equal(test_cc_exec(fx, "sup1", "zh", cmd), 1);
	test_cc_has(fx, 2, "还有未兑现的承诺");
	test_cc_has(fx, 2, "明天派维修工上门");
	test_cc_has(fx, 2, "promise done");
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(fx->st, n, &c, false), 0);
	assert_int_equal(c.status, COMPLAINT_ESCALATED);
	complaint_clear(&c);
	/* Keep the promise, then resolve. */
	snprintf(cmd, sizeof cmd, "promise done #%lld --note 已上门", (long long)pid);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
	test_cc_has(fx, 1, "kept; 0 still open");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 1);
	test_cc_has(fx, 2, "is already kept");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "promise done 99999"), 1);
	test_cc_has(fx, 2, "no promise #99999");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "promise done abc"), 2);
	snprintf(cmd, sizeof cmd, "complaint resolve %s --outcome 已修复", n);
	assert_int_equal(test_cc_exec(fx, "sup1", "en", cmd), 0);
	test_cc_has(fx, 1, "resolved: resolved");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", cmd), 1);
	test_cc_has(fx, 2, "is resolved: it cannot be resolved now");
	/* Reopen needs a reason. */
	snprintf(cmd, sizeof cmd, "complaint reopen %s", n);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 2);
	test_cc_has(fx, 2, "--reason");
	snprintf(cmd, sizeof cmd, "complaint reopen %s --reason 又漏了", n);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
	test_cc_has(fx, 1, "reopened: reopened");
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(fx->st, n, &c, true), 0);
	assert_int_equal(c.status, COMPLAINT_REOPENED);
	assert_string_equal(c.outcome, "已修复");
	assert_int_equal(c.nnotes, 2);
	assert_string_equal(c.notes[0].text, "已联系维修部\n明早九点");
	assert_int_equal(c.nhandovers, 2);
	complaint_clear(&c);
	/* The JSON of show holds every section. */
	snprintf(cmd, sizeof cmd, "complaint show %s --json", n);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
	test_cc_has(fx, 1, "\"status\":\"reopened\"");
	test_cc_has(fx, 1, "\"promises\":[{");
	test_cc_has(fx, 1, "\"status\":\"kept\"");
	test_cc_has(fx, 1, "\"handovers\":[{");
	test_cc_has(fx, 1, "\"history\":[{");
	test_cc_has(fx, 1, "\"action\":\"reopen\"");
	/* The unit's history holds the complaint and its promise. */
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", "unit history 3-2-1201"), 0);
	test_cc_has(fx, 1, n);
	test_cc_has(fx, 1, "承诺 #");
	test_cc_has(fx, 1, "已兑现");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "unit history 3-2-1201 --json"), 0);
	test_cc_has(fx, 1, "\"kind\":\"promise\"");
	test_cc_has(fx, 1, "\"kind\":\"complaint\"");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "unit history 9-9-999"), 0);
	test_cc_has(fx, 1, "No complaints about unit 9-9-999.");
}

static void test_cc_search_off_the_loop(void **state)
{
	struct test_cc_fx *fx = *state;
	struct test_cc_opts nowork = {.no_work = true};
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], cmd[512];
	struct test_cc_host *h;
	size_t i;

	test_cc_add(fx, "agent1",
	            "--unit 1-1-101 --category repairs --technique empathy 卫生间漏水", n1);
	test_cc_add(fx, "agent1",
	            "--unit 1-1-102 --category noise --technique patience 'Noise at NIGHT'", n2);
	snprintf(cmd, sizeof cmd, "complaint note %s 楼上在装修", n2);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);

	/* The search waits on the pool: busy, nothing written, until the work ran. */
	h = test_cc_start_opts(fx, "agent1", "complaint search 漏水", "en", NULL);
	assert_true(shell_busy(h->sh));
	assert_false(h->exited);
	assert_int_equal(h->out[1].len, 0);
	assert_int_equal(h->nq, 1);
	assert_int_equal(test_cc_drain(h, false), 1);
	assert_true(h->exited);
	assert_int_equal(h->status, 0);
	test_cc_has(fx, 1, n1);
	test_cc_lacks(fx, 1, n2);
	/* Notes are searched too; filters apply. */
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint search 装修 --json"), 0);
	test_cc_has(fx, 1, n2);
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en", "complaint search 装修 --category repairs"), 0);
	test_cc_has(fx, 1, "Nothing found.");
	/* Regex, case-sensitive unless --caseless. */
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint search --regex '漏.|night'"),
	                 0);
	test_cc_has(fx, 1, n1);
	test_cc_lacks(fx, 1, n2);
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en", "complaint search --regex --caseless 'n[i]ght$'"), 0);
	test_cc_has(fx, 1, n2);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint search --regex '(unclosed'"),
	                 2);
	test_cc_has(fx, 2, "invalid pattern");
	assert_int_equal(fx->h.ran, 0);

	/* A catastrophic pattern over long runs: an error, not a stall. */
	{
		char words[200];

		for (i = 0; i < 60; i++)
			words[i] = 'a';
		words[60] = 'b';
		words[61] = '\0';
		snprintf(cmd, sizeof cmd, "--unit 1-1-103 --category noise --technique patience %s",
		         words);
		test_cc_add(fx, "agent1", cmd, n1);
	}
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint search --regex '(a+)+$'"), 1);
	test_cc_has(fx, 2, "search stopped:");
	test_cc_has(fx, 2, "too costly");
	assert_int_equal(fx->h.out[1].len, 0);
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", "complaint search --regex '(a+)+$'"), 1);
	test_cc_has(fx, 2, "搜索已中止");

	/* A host without a pool: plain text runs here, a regex is refused. */
	assert_int_equal(
	    test_cc_exec_opts(fx, "agent1", "en", "complaint search 漏水", NULL, &nowork), 0);
	test_cc_has(fx, 1, "1-1-101");
	assert_int_equal(
	    test_cc_exec_opts(fx, "agent1", "en", "complaint search --regex 漏水", NULL, &nowork),
	    1);
	test_cc_has(fx, 2, "no background workers");

	/* The session goes away while the search runs: the job is still released. */
	h = test_cc_start_opts(fx, "agent1", "complaint search --regex 漏水", "en", NULL);
	assert_int_equal(h->nq, 1);
	assert_int_equal(test_cc_drain(h, true), 1);
	assert_false(h->exited);

	/* Interactive: input typed while the search runs waits for it. */
	h = test_cc_start_opts(fx, "agent1", NULL, "en", NULL);
	shell_feed(h->sh, "complaint search 漏水\rwhoami\r",
	           strlen("complaint search 漏水\rwhoami\r"));
	assert_true(shell_busy(h->sh));
	assert_null(strstr(test_cc_out(fx, 1), "s-test"));
	assert_int_equal(test_cc_drain(h, false), 1);
	assert_false(shell_busy(h->sh));
	test_cc_has(fx, 1, "1-1-101");
	test_cc_has(fx, 1, "s-test");
}

static void test_cc_promises_and_login_notice(void **state)
{
	struct test_cc_fx *fx = *state;
	char n1[COMPLAINT_NUMBER_MAX], n2[COMPLAINT_NUMBER_MAX], cmd[512], future[16];
	struct complaint c;
	int64_t pid;

	test_cc_add(
	    fx, "agent1",
	    "--unit 2-1-101 --category repairs --technique empathy --promise '回电话给业主' "
	    "--due '2021-03-04 09:30' 门禁坏了",
	    n1);
	test_cc_day(3, future, sizeof future);
	snprintf(cmd, sizeof cmd,
	         "--unit 2-1-102 --category repairs --technique empathy --promise 'fix the light' "
	         "--due %s 'corridor light'",
	         future);
	test_cc_add(fx, "agent2", cmd, n2);

	/* At login the agent sees the overdue promise; agent2 (none overdue) sees nothing. */
	test_cc_start_opts(fx, "agent1", NULL, "zh", NULL);
	test_cc_has(fx, 1, "1 条承诺已逾期");
	test_cc_has(fx, 1, "回电话给业主");
	test_cc_has(fx, 1, "2021-03-04 09:30");
	test_cc_has(fx, 1, n1);
	assert_true(strstr(test_cc_out(fx, 1), "已逾期") < strstr(test_cc_out(fx, 1), "propdesk:"));
	test_cc_start_opts(fx, "agent2", NULL, "en", NULL);
	test_cc_lacks(fx, 1, "overdue");
	/* Not in exec mode. */
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "whoami"), 0);
	test_cc_lacks(fx, 1, "overdue");

	/* promise list: mine by default, --overdue, --agent, --all, --json. */
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "promise list"), 0);
	test_cc_has(fx, 1, "OVERDUE");
	test_cc_lacks(fx, 1, "fix the light");
	assert_int_equal(test_cc_exec(fx, "agent2", "en", "promise list --overdue"), 0);
	test_cc_has(fx, 1, "No overdue promises.");
	assert_int_equal(test_cc_exec(fx, "agent2", "en", "promise list --all --json"), 0);
	test_cc_has(fx, 1, "\"what\":\"回电话给业主\"");
	test_cc_has(fx, 1, "\"overdue\":true");
	test_cc_has(fx, 1, "\"what\":\"fix the light\"");
	test_cc_has(fx, 1, "\"overdue\":false");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "promise list --agent agent1 --overdue"),
	                 0);
	test_cc_has(fx, 1, "回电话给业主");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "promise list --agent ghost"), 2);

	/* Supervisors: report promises; agents are refused. */
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "report promises"), 0);
	test_cc_has(fx, 1, "Open promises by agent:");
	test_cc_has(fx, 1, "agent1  1     1");
	test_cc_has(fx, 1, "Overdue promises, oldest first:");
	test_cc_has(fx, 1, "回电话给业主");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "report promises --json"), 0);
	test_cc_has(fx, 1, "\"agent\":\"agent1\",\"open\":1,\"overdue\":1");
	test_cc_has(fx, 1, "\"agent\":\"agent2\",\"open\":1,\"overdue\":0");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "report promises"), 3);
	test_cc_has(fx, 2, "permission denied");

	/* Withdraw needs a reason; then the login is quiet. */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_complaint_get(fx->st, n1, &c, true), 0);
	pid = c.promises[0].id;
	complaint_clear(&c);
	snprintf(cmd, sizeof cmd, "promise withdraw %lld", (long long)pid);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 2);
	snprintf(cmd, sizeof cmd, "promise withdraw %lld --reason '业主已自行处理'",
	         (long long)pid);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
	test_cc_has(fx, 1, "withdrawn");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "promise list --closed"), 0);
	test_cc_has(fx, 1, "withdrawn");
	test_cc_start_opts(fx, "agent1", NULL, "zh", NULL);
	test_cc_lacks(fx, 1, "逾期");
	/* Now the complaint can be resolved. */
	snprintf(cmd, sizeof cmd, "complaint resolve %s --outcome 已修好", n1);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
}

static void test_cc_techniques_units_reports(void **state)
{
	struct test_cc_fx *fx = *state;
	char n1[COMPLAINT_NUMBER_MAX], number[COMPLAINT_NUMBER_MAX], cmd[256];
	const char *techs[] = {"oldcode"};
	struct complaint_new in;
	struct unit u;

	/* technique list / show in both languages; auditors may read them too. */
	assert_int_equal(test_cc_exec(fx, "audit1", "zh", "technique list"), 0);
	test_cc_has(fx, 1, "换位思考法");
	test_cc_has(fx, 1, "非语言");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "technique list --kind nonverbal --json"),
	                 0);
	test_cc_has(fx, 1, "\"code\":\"sit-down\"");
	test_cc_lacks(fx, 1, "empathy");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "technique show dialect"), 0);
	test_cc_has(fx, 1, "Speak their dialect");
	test_cc_has(fx, 1, "Speak the owner's dialect.");
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", "technique show dialect"), 0);
	test_cc_has(fx, 1, "用业主熟悉的方言交流。");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "technique show shouting"), 1);
	test_cc_has(fx, 2,
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
	assert_int_equal(store_complaint_add(fx->st, &test_cc_setup_ctx, &in, number), 0);
	snprintf(cmd, sizeof cmd, "complaint show %s", number);
	assert_int_equal(test_cc_exec(fx, "agent1", "en", cmd), 0);
	test_cc_has(fx, 1, "oldcode  (no longer in the catalog)");
	test_cc_has(fx, 1, "retired (retired)");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "complaint list --technique oldcode"), 0);
	test_cc_has(fx, 1, number);

	/* The unit register: empty, then with a unit (owner phone masked for agents). */
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "unit list"), 0);
	test_cc_has(fx, 1, "The unit register is empty");
	memset(&u, 0, sizeof u);
	u.code = (char *)"3-2-1201";
	u.building = (char *)"3栋";
	u.owner_name = (char *)"李四";
	u.owner_phone = (char *)"13900001111";
	u.area_m2 = 89.5;
	assert_int_equal(store_unit_add(fx->st, &test_cc_setup_ctx, &u), 0);
	assert_int_equal(test_cc_exec(fx, "agent1", "zh", "unit list"), 0);
	test_cc_has(fx, 1, "李四");
	test_cc_has(fx, 1, "139****1111");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "unit show 3-2-1201 --json"), 0);
	test_cc_has(fx, 1, "\"owner_phone\":\"13900001111\"");
	test_cc_has(fx, 1, "\"area_m2\":89.5");
	test_cc_has(fx, 1, "\"registered\":true");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "unit show 4-4-404"), 1);
	test_cc_has(fx, 2, "no unit `4-4-404`");
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "unit show 7-7-707"), 0);
	test_cc_has(fx, 1, "not in the unit register");
	test_cc_has(fx, 1, "complaints: 1");
	/* With rows in the register, complaint add checks the unit. */
	assert_int_equal(
	    test_cc_exec(fx, "agent1", "en",
	                 "complaint add --unit 9-9-999 --category repairs --technique empathy x"),
	    1);
	test_cc_has(fx, 2, "`9-9-999` is not in the unit register");
	test_cc_add(fx, "agent1",
	            "--unit 3-2-1201 --category repairs --technique empathy,dialect x", n1);
	test_cc_has(fx, 1, "\"unit_verified\":true");

	/* report techniques: supervisors only; per technique and per agent; --json. */
	assert_int_equal(test_cc_exec(fx, "agent1", "en", "report techniques"), 3);
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "report techniques"), 0);
	test_cc_has(fx, 1, "Techniques report");
	test_cc_has(fx, 1, "dialect Speak their dialect");
	test_cc_has(fx, 1, "oldcode (not in the catalog)");
	assert_int_equal(
	    test_cc_exec(fx, "sup1", "zh", "report techniques --by agent --category repairs"), 0);
	test_cc_has(fx, 1, "入乡随俗法");
	test_cc_has(fx, 1, "agent1");
	test_cc_lacks(fx, 1, "oldcode");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "report techniques --json"), 0);
	test_cc_has(fx, 1, "\"technique\":\"empathy\",\"complaints\":1");
	test_cc_has(fx, 1, "\"resolved_share\":0");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "report techniques --by team"), 2);
	test_cc_has(fx, 2, "--by: unknown value `team` (one of: agent)");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "report techniques --category nothing"), 2);
	test_cc_has(fx, 2, "unknown category `nothing`");
	/* An old category still used by a complaint is accepted. */
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "report techniques --category retired"), 0);
	test_cc_has(fx, 1, "oldcode");
	assert_int_equal(test_cc_exec(fx, "sup1", "en", "report techniques --since 2030-01-01"), 0);
	test_cc_has(fx, 1, "No complaints in that period.");

	/* Roles: auditors may not touch complaints. */
	assert_int_equal(test_cc_exec(fx, "audit1", "en", "complaint list"), 3);
	assert_int_equal(test_cc_exec(fx, "audit1", "en", "promise list"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cc_add_show_list_chinese, test_cc_setup,
	                                    test_cc_teardown),
	    cmocka_unit_test_setup_teardown(test_cc_errors_bilingual, test_cc_setup,
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
