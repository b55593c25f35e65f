/* test_form — the guided complaint form through the real shell with a test host (the real
 * catalogs of etc/, a real store on a temporary database): a full `complaint new` in Chinese
 * accepting the suggested techniques, `?` at a step, validation errors and back, Ctrl-C asking
 * before discarding, the draft saved after every step and offered again at the next login
 * (resume, keep, discard), the unit register, English prompts, the draft encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "form.h"
#include "shell.h"
#include "store.h"
#include "store_complaint.h"

struct test_form_host {
	struct shell *sh;
	struct buf out;
	bool exited;
	int status;
	struct catalog *cat;
};

struct test_form_fx {
	char dir[64];
	char path[128];
	struct store *st;
	struct catalog *cat;
	struct test_form_host h;
};

static void test_form_write(void *ctx, int stream, const char *buf, size_t len)
{
	struct test_form_host *h = ctx;

	assert_true(stream == 1 || stream == 2);
	assert_false(h->exited);
	buf_append(&h->out, buf, len);
}

static void test_form_exit(void *ctx, int status)
{
	struct test_form_host *h = ctx;

	h->exited = true;
	h->status = status;
}

static struct catalog *test_form_catalog_cb(void *ctx)
{
	struct test_form_host *h = ctx;

	if (h->cat != NULL)
		catalog_ref(h->cat);
	return h->cat;
}

/* The source tree's etc/ (this file's path is relative to the build directory). */
static void test_form_etc(char *out, size_t cap)
{
	char exe[4096], src[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(src, sizeof src, "%s", __FILE__);
	if (src[0] == '/')
		snprintf(out, cap, "%s/../../etc", dirname(src));
	else
		snprintf(out, cap, "%s/%s/../../etc", dirname(exe), dirname(src));
}

static const struct audit_ctx test_form_setup_ctx = {
    .account = "setup",
    .role = "admin",
    .session = "t",
    .peer = "-",
    .transport = "cli",
};

static void test_form_add_account(struct store *st, const char *name, enum role role,
                                  const char *lang)
{
	struct account a;

	memset(&a, 0, sizeof a);
	a.name = (char *)name;
	a.role = role;
	a.lang = (char *)lang;
	a.pwhash = (char *)"$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
	assert_int_equal(store_account_add(st, &test_form_setup_ctx, &a), 0);
}

static int test_form_setup(void **state)
{
	struct test_form_fx *fx = calloc(1, sizeof *fx);
	char etc[8192];
	char *err = NULL;

	if (fx == NULL || sodium_init() < 0)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_form.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/propdesk.db", fx->dir);
	if (store_open(fx->path, 0, 1000, &fx->st) != 0 || store_migrate(fx->st) != 0)
		return -1;
	test_form_etc(etc, sizeof etc);
	if (catalog_load(etc, &fx->cat, &err) != 0) {
		fprintf(stderr, "catalog: %s\n", err);
		return -1;
	}
	test_form_add_account(fx->st, "agent1", ROLE_AGENT, "zh");
	test_form_add_account(fx->st, "agent2", ROLE_AGENT, "en");
	test_form_add_account(fx->st, "audit1", ROLE_AUDITOR, "zh");
	*state = fx;
	return 0;
}

static void test_form_host_reset(struct test_form_host *h)
{
	shell_free(h->sh);
	buf_free(&h->out);
	memset(h, 0, sizeof *h);
}

static int test_form_teardown(void **state)
{
	struct test_form_fx *fx = *state;
	char p[160];

	test_form_host_reset(&fx->h);
	catalog_unref(fx->cat);
	store_close(fx->st);
	unlink(fx->path);
	snprintf(p, sizeof p, "%s-wal", fx->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", fx->path);
	unlink(p);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* A new interactive (exec NULL) or exec shell for name, started. */
static struct test_form_host *test_form_start(struct test_form_fx *fx, const char *name,
                                              const char *exec)
{
	struct test_form_host *h = &fx->h;
	struct shell_host host;
	struct shell_user user;
	struct shell_opts opts;
	struct account a;

	test_form_host_reset(h);
	h->cat = fx->cat;
	memset(&a, 0, sizeof a);
	assert_int_equal(store_account_get(fx->st, name, &a), 0);
	memset(&host, 0, sizeof host);
	host.ctx = h;
	host.store = fx->st;
	host.write = test_form_write;
	host.exit = test_form_exit;
	host.catalog = test_form_catalog_cb;
	memset(&user, 0, sizeof user);
	user.id = a.id;
	user.name = a.name;
	user.role = a.role;
	user.lang = a.lang;
	memset(&opts, 0, sizeof opts);
	opts.session_id = "s-form";
	opts.peer = "127.0.0.1:40000";
	opts.transport = "ssh";
	opts.cols = 100;
	opts.rows = 30;
	opts.exec = exec;
	opts.max_line = 4096;
	opts.max_stdin = 4096;
	h->sh = shell_new(&host, &user, &opts);
	assert_non_null(h->sh);
	account_clear(&a);
	shell_start(h->sh);
	return h;
}

/* Types s (lines end with "\r"); returns the output it produced. */
static const char *test_form_type(struct test_form_host *h, const char *s)
{
	buf_reset(&h->out);
	shell_feed(h->sh, s, strlen(s));
	return buf_cstr(&h->out);
}

static void test_form_expect(const char *out, const char *want)
{
	if (strstr(out, want) != NULL)
		return;
	print_error("output lacks \"%s\":\n", want);
	print_error("%s\n", out);
	fail();
}

static void test_form_expect_not(const char *out, const char *unwanted)
{
	if (strstr(out, unwanted) == NULL)
		return;
	print_error("output has \"%s\":\n", unwanted);
	print_error("%s\n", out);
	fail();
}

/* A date days from now, YYYY-MM-DD. */
static void test_form_day(int days, char *out, size_t len)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* The only complaint's number (or fails). */
static void test_form_only_complaint(struct test_form_fx *fx, struct complaint *c)
{
	struct complaint *list = NULL;
	size_t n = 0;

	assert_int_equal(store_complaint_list(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_complaint_get(fx->st, list[0].number, c, true), 0);
	store_complaint_list_free(list, n);
}

static size_t test_form_count(struct test_form_fx *fx)
{
	int64_t n = -1;

	assert_int_equal(store_complaint_count(fx->st, NULL, &n), 0);
	return (size_t)n;
}

static int test_form_draft_step(struct test_form_fx *fx, const char *name, struct draft *d)
{
	int rc;

	memset(d, 0, sizeof *d);
	rc = store_draft_load(fx->st, name, "complaint", d);
	return rc == 0 ? d->step : rc;
}

static void test_form_full_run(void **state)
{
	struct test_form_fx *fx = *state;
	struct test_form_host *h = test_form_start(fx, "agent1", NULL);
	struct complaint c;
	struct draft d;
	char day[16], line[64];
	const char *o;

	o = test_form_type(h, "complaint new\r");
	test_form_expect(o, "单元号：");
	test_form_expect(o, "Ctrl-C 取消");
	o = test_form_type(h, "3-2-1201\r");
	test_form_expect(o, "单元登记表为空");
	test_form_expect(o, "来电人：");
	/* A draft after the first step, at the second. */
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), 1);
	assert_non_null(strstr(d.data, "\"unit\":\"3-2-1201\""));
	draft_clear(&d);
	o = test_form_type(h, "王大爷\r");
	test_form_expect(o, "与业主关系（业主/家属/租户/其他） [owner]：");
	o = test_form_type(h, "\r");
	test_form_expect(o, "联系电话");
	o = test_form_type(h, "13812345678\r");
	test_form_expect(o, "渠道（电话/来访/现场） [phone]：");
	o = test_form_type(h, "2\r"); /* visit, by number */
	test_form_expect(o, "投诉类别");
	/* ? lists the categories in Chinese and asks again. */
	o = test_form_type(h, "?\r");
	test_form_expect(o, "repairs");
	test_form_expect(o, "报修");
	test_form_expect(o, "邻里纠纷");
	test_form_expect(o, "投诉类别");
	o = test_form_type(h, "报修\r");
	test_form_expect(o, "业主反映的内容（以只含一个 \".\" 的一行结束）");
	o = test_form_type(h, "卫生间漏水，楼上住户不在家\r");
	test_form_expect(o, "  > ");
	test_form_type(h, "已经是第三次打电话了\r");
	o = test_form_type(h, ".\r");
	test_form_expect(o, "情绪（平静/不满/激动） [calm]：");
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), 7);
	assert_non_null(strstr(d.data, "卫生间漏水，楼上住户不在家\\n已经是第三次打电话了"));
	draft_clear(&d);
	o = test_form_type(h, "激动\r");
	test_form_expect(o, "方言偏好");
	/* The suggestions, with reasons, after the dialect step. */
	o = test_form_type(h, "\r");
	test_form_expect(o, "推荐的沟通方法");
	test_form_expect(o, "dialect");
	test_form_expect(o, "入乡随俗法");
	test_form_expect(o, "老年业主");
	test_form_expect(o, "stepback");
	test_form_expect(o, "业主情绪激动");
	test_form_expect(o, "leave-scene");
	test_form_expect(o, "（非语言）");
	test_form_expect(o, "[dialect,patience,stepback,leave-scene,sit-down,distance]");
	o = test_form_type(h, "\r");
	test_form_expect(o, "使用的沟通方法（代码） [dialect,patience,stepback]：");
	o = test_form_type(h, "\r");
	test_form_expect(o, "非语言措施（可不填） [leave-scene,sit-down,distance]：");
	o = test_form_type(h, "\r");
	test_form_expect(o, "处理结果（可不填）：");
	o = test_form_type(h, "\r");
	test_form_expect(o, "对业主的承诺");
	o = test_form_type(h, "明天上午派维修工上门查看\r");
	test_form_expect(o, "期限");
	/* A due date in the past, or not a date, is refused. */
	o = test_form_type(h, "2020-01-01\r");
	test_form_expect(o, "已经过去");
	o = test_form_type(h, "tomorrow\r");
	test_form_expect(o, "不是有效的日期");
	test_form_day(1, day, sizeof day);
	snprintf(line, sizeof line, "%s 12:00\r", day);
	o = test_form_type(h, line);
	test_form_expect(o, "已记录第 1 条承诺");
	test_form_expect(o, "承诺内容");
	/* Empty: no more promises; the summary. */
	o = test_form_type(h, "\r");
	test_form_expect(o, "——— 投诉内容 ———");
	test_form_expect(o, "3-2-1201（未核实）");
	test_form_expect(o, "王大爷 (业主本人)");
	test_form_expect(o, "13812345678");
	test_form_expect(o, "来访");
	test_form_expect(o, "repairs 报修");
	test_form_expect(o, "    | 卫生间漏水，楼上住户不在家\r\n    | 已经是第三次打电话了");
	test_form_expect(o, "stepback 以退为进法");
	test_form_expect(o, "distance 保持适当距离");
	test_form_expect(o, "明天上午派维修工上门查看");
	test_form_expect(o, "保存？(Y/n) [Y]：");
	o = test_form_type(h, "\r");
	test_form_expect(o, "投诉 C-");
	test_form_expect(o, "已保存");
	test_form_expect(o, "propdesk:agent1> ");

	test_form_only_complaint(fx, &c);
	assert_string_equal(c.unit, "3-2-1201");
	assert_false(c.unit_verified);
	assert_string_equal(c.caller, "王大爷");
	assert_int_equal(c.relation, COMPLAINT_REL_OWNER);
	assert_string_equal(c.phone, "13812345678");
	assert_int_equal(c.channel, COMPLAINT_CH_VISIT);
	assert_string_equal(c.category, "repairs");
	assert_string_equal(c.words, "卫生间漏水，楼上住户不在家\n已经是第三次打电话了");
	assert_int_equal(c.mood, COMPLAINT_MOOD_ANGRY);
	assert_null(c.dialect);
	assert_int_equal(c.status, COMPLAINT_OPEN);
	assert_string_equal(c.agent, "agent1");
	assert_int_equal(c.ntechniques, 6);
	assert_int_equal(c.npromises, 1);
	assert_string_equal(c.promises[0].what, "明天上午派维修工上门查看");
	assert_string_equal(c.promises[0].agent, "agent1");
	assert_true(c.promises[0].due_ms > store_now_ms());
	complaint_clear(&c);
	/* The draft is gone once saved. */
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), STORE_ENOENT);
	draft_clear(&d);
}

/* Runs a form up to the words step with typed answers. */
static void test_form_to_words(struct test_form_host *h)
{
	test_form_type(h, "complaint new\r");
	test_form_type(h, "5-1-302\r");
	test_form_type(h, "李女士\r");
	test_form_type(h, "tenant\r");
	test_form_type(h, "-\r");
	test_form_type(h, "\r");
	test_form_type(h, "noise\r");
}

static void test_form_validation_and_back(void **state)
{
	struct test_form_fx *fx = *state;
	struct test_form_host *h = test_form_start(fx, "agent1", NULL);
	struct complaint c;
	const char *o;

	test_form_type(h, "complaint new\r");
	o = test_form_type(h, "\r");
	test_form_expect(o, "必须填写单元号");
	o = test_form_type(h, "3 2 1201\r");
	test_form_expect(o, "不含空格");
	o = test_form_type(h, "?\r");
	test_form_expect(o, "楼栋-单元-房号");
	/* < on the first step stays there. */
	o = test_form_type(h, "<\r");
	test_form_expect(o, "已经是第一步");
	test_form_type(h, "5-1-302\r");
	o = test_form_type(h, "\r");
	test_form_expect(o, "必须填写来电人");
	test_form_type(h, "李女士\r");
	o = test_form_type(h, "landlord\r");
	test_form_expect(o, "请从下列选项中选择");
	test_form_expect(o, "tenant");
	test_form_type(h, "租户\r");
	o = test_form_type(h, "12345\r");
	test_form_expect(o, "电话号码无效");
	/* Back to the relation: its answer is the default now. */
	o = test_form_type(h, "<\r");
	test_form_expect(o, "[tenant]：");
	test_form_type(h, "\r");
	test_form_type(h, "-\r");
	test_form_type(h, "\r");
	o = test_form_type(h, "plumbing\r");
	test_form_expect(o, "未知的类别");
	test_form_type(h, "noise\r");
	/* An empty text is refused; a text step also goes back. */
	o = test_form_type(h, ".\r");
	test_form_expect(o, "必须记录业主反映的内容");
	o = test_form_type(h, "<\r");
	test_form_expect(o, "投诉类别（? 查看列表） [noise]：");
	test_form_type(h, "\r");
	test_form_type(h, "楼上每天晚上十一点以后还在装修\r");
	o = test_form_type(h, ".\r");
	test_form_type(h, "不满\r");
	o = test_form_type(h, "\r");
	test_form_expect(o, "[empathy,smalltalk]");
	/* Override with codes; a non-verbal code in the techniques step is explained. */
	o = test_form_type(h, "empathy, hug\r");
	test_form_expect(o, "未知的沟通方法 `hug`");
	test_form_type(h, "empathy、smalltalk，distance\r");
	o = test_form_type(h, "persuade distance\r");
	test_form_expect(o, "distance: 这是非语言措施，请在下一步填写");
	o = test_form_type(h, "-\r");
	test_form_expect(o, "至少选择一种沟通方法");
	o = test_form_type(h, "?\r");
	test_form_expect(o, "以退为进法");
	test_form_expect_not(o, "离开冲突现场");
	test_form_type(h, "1,2\r"); /* by number: persuade, empathy */
	o = test_form_type(h, "\r");
	test_form_expect(o, "处理结果");
	test_form_type(h, "已联系装修业主，承诺晚上十点后停工\r");
	o = test_form_type(h, "\r");
	test_form_expect(o, "（保存为已解决）");
	/* n does not save; Y does. */
	o = test_form_type(h, "n\r");
	test_form_expect(o, "未保存");
	assert_int_equal(test_form_count(fx), 0);
	o = test_form_type(h, "y\r");
	test_form_expect(o, "已标记为已解决");
	test_form_only_complaint(fx, &c);
	assert_string_equal(c.unit, "5-1-302");
	assert_int_equal(c.relation, COMPLAINT_REL_TENANT);
	assert_null(c.phone);
	assert_int_equal(c.mood, COMPLAINT_MOOD_UPSET);
	assert_int_equal(c.status, COMPLAINT_RESOLVED);
	assert_string_equal(c.outcome, "已联系装修业主，承诺晚上十点后停工");
	assert_int_equal(c.ntechniques, 3); /* distance, empathy, persuade */
	assert_string_equal(c.techniques[0], "distance");
	complaint_clear(&c);
}

static void test_form_ctrl_c(void **state)
{
	struct test_form_fx *fx = *state;
	struct test_form_host *h = test_form_start(fx, "agent1", NULL);
	struct draft d;
	const char *o;

	test_form_to_words(h);
	test_form_type(h, "第一行\r");
	o = test_form_type(h, "\x03");
	test_form_expect(o, "放弃这条投诉？(y/N) ");
	/* No: back in the text, the lines typed so far kept. */
	o = test_form_type(h, "\r");
	test_form_expect(o, "继续填写");
	test_form_type(h, "第二行\r");
	o = test_form_type(h, ".\r");
	test_form_expect(o, "情绪");
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), 7);
	assert_non_null(strstr(d.data, "第一行\\n第二行"));
	draft_clear(&d);
	/* Ctrl-D on an empty line asks too; yes discards the form and its draft. */
	o = test_form_type(h, "\x04");
	test_form_expect(o, "放弃这条投诉？");
	o = test_form_type(h, "y\r");
	test_form_expect(o, "已放弃");
	test_form_expect(o, "propdesk:agent1> ");
	assert_false(h->exited);
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), STORE_ENOENT);
	draft_clear(&d);
	assert_int_equal(test_form_count(fx), 0);
	/* The shell goes on normally. */
	o = test_form_type(h, "whoami\r");
	test_form_expect(o, "agent1");
}

static void test_form_draft_resume(void **state)
{
	struct test_form_fx *fx = *state;
	struct test_form_host *h = test_form_start(fx, "agent1", NULL);
	struct complaint c;
	struct draft d;
	const char *o;
	int step;

	/* A draft after every step. */
	test_form_type(h, "complaint new\r");
	test_form_type(h, "5-1-302\r");
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), 1);
	draft_clear(&d);
	test_form_type(h, "李女士\r");
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), 2);
	draft_clear(&d);
	test_form_type(h, "tenant\r");
	test_form_type(h, "-\r");
	test_form_type(h, "\r");
	test_form_type(h, "noise\r");
	step = test_form_draft_step(fx, "agent1", &d);
	assert_int_equal(step, 6);
	assert_non_null(strstr(d.data, "\"caller\":\"李女士\""));
	assert_non_null(strstr(d.data, "\"_step\":\"words\""));
	draft_clear(&d);
	/* The connection drops while the words are typed: that step is lost, the rest kept. */
	test_form_type(h, "半句话");
	test_form_host_reset(&fx->h);

	/* The next login offers it. */
	h = test_form_start(fx, "agent1", NULL);
	o = buf_cstr(&h->out);
	test_form_expect(o, "你有一条未完成的投诉");
	test_form_expect(o, "停在：业主反映的内容");
	test_form_expect(o, "未完成的投诉吗？(Y/n/d = 放弃) ");
	test_form_expect_not(o, "propdesk:agent1> ");
	/* Y resumes at the step it stopped at, with the values typed before. */
	o = test_form_type(h, "\r");
	test_form_expect(o, "业主反映的内容");
	test_form_type(h, "楼上半夜还在装修，吵得孩子睡不着\r");
	test_form_type(h, ".\r");
	o = test_form_type(h, "<\r");
	test_form_expect(o, "业主反映的内容");
	test_form_expect(o, "当前内容：楼上半夜还在装修，吵得孩子睡不着");
	o = test_form_type(h, ".\r"); /* keeps it */
	test_form_expect(o, "情绪");
	test_form_type(h, "\r");
	o = test_form_type(h, "\r");
	test_form_expect(o, "[empathy,smalltalk,interests]");
	test_form_type(h, "\r");     /* accept */
	test_form_type(h, "\r");     /* techniques */
	test_form_type(h, "\r");     /* non-verbal: none */
	test_form_type(h, "\r");     /* outcome */
	o = test_form_type(h, "\r"); /* no promises */
	test_form_expect(o, "李女士 (租户)");
	o = test_form_type(h, "Y\r");
	test_form_expect(o, "已保存");
	test_form_only_complaint(fx, &c);
	assert_string_equal(c.caller, "李女士");
	assert_string_equal(c.unit, "5-1-302");
	assert_int_equal(c.relation, COMPLAINT_REL_TENANT);
	assert_string_equal(c.category, "noise");
	assert_string_equal(c.words, "楼上半夜还在装修，吵得孩子睡不着");
	assert_int_equal(c.ntechniques, 3);
	complaint_clear(&c);
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), STORE_ENOENT);
	draft_clear(&d);

	/* n keeps a draft for later; `complaint new` offers it again; d discards it. */
	test_form_to_words(h);
	test_form_host_reset(&fx->h);
	h = test_form_start(fx, "agent1", NULL);
	o = test_form_type(h, "maybe\r");
	test_form_expect(o, "请输入 y、n 或 d");
	o = test_form_type(h, "n\r");
	test_form_expect(o, "草稿已保留");
	test_form_expect(o, "propdesk:agent1> ");
	o = test_form_type(h, "complaint new\r");
	test_form_expect(o, "你有一条未完成的投诉");
	test_form_expect(o, "继续填写它吗？");
	o = test_form_type(h, "y\r");
	test_form_expect(o, "业主反映的内容");
	o = test_form_type(h, "\x03");
	o = test_form_type(h, "n\r");
	test_form_host_reset(&fx->h);
	h = test_form_start(fx, "agent1", NULL);
	o = test_form_type(h, "d\r");
	test_form_expect(o, "草稿已放弃");
	assert_int_equal(test_form_draft_step(fx, "agent1", &d), STORE_ENOENT);
	draft_clear(&d);
	test_form_host_reset(&fx->h);
	h = test_form_start(fx, "agent1", NULL);
	test_form_expect_not(buf_cstr(&h->out), "未完成");
	test_form_expect(buf_cstr(&h->out), "propdesk:agent1> ");
	assert_int_equal(test_form_count(fx), 1);
}

static void test_form_unit_register(void **state)
{
	struct test_form_fx *fx = *state;
	struct test_form_host *h;
	struct complaint c;
	struct unit u;
	const char *o;

	memset(&u, 0, sizeof u);
	u.code = (char *)"3-2-1201";
	u.building = (char *)"3";
	u.owner_name = (char *)"张建国";
	u.owner_phone = (char *)"13900001111";
	assert_int_equal(store_unit_add(fx->st, &test_form_setup_ctx, &u), 0);
	h = test_form_start(fx, "agent1", NULL);
	test_form_type(h, "complaint new\r");
	o = test_form_type(h, "9-9-999\r");
	test_form_expect(o, "不在单元登记表中");
	o = test_form_type(h, "?\r");
	test_form_expect(o, "3-2-1201  张建国");
	o = test_form_type(h, "3-2-1201\r");
	test_form_expect(o, "登记业主：张建国");
	test_form_expect(o, "来电人 [张建国]：");
	test_form_type(h, "\r");
	test_form_type(h, "\r");
	o = test_form_type(h, "\r");
	test_form_expect(o, "渠道");
	test_form_type(h, "\r");
	test_form_type(h, "parking\r");
	test_form_type(h, "地下车库车位被占用\r.\r");
	test_form_type(h, "\r");
	o = test_form_type(h, "\r");
	/* Nothing suggested: the step is skipped. */
	test_form_expect(o, "此投诉没有推荐的沟通方法");
	test_form_expect(o, "使用的沟通方法（代码）：");
	test_form_type(h, "persuade\r\r\r\r");
	o = test_form_type(h, "\r");
	test_form_expect(o, "已保存");
	test_form_only_complaint(fx, &c);
	assert_true(c.unit_verified);
	assert_string_equal(c.caller, "张建国");
	assert_string_equal(c.phone, "13900001111");
	complaint_clear(&c);
}

static void test_form_english_and_roles(void **state)
{
	struct test_form_fx *fx = *state;
	struct test_form_host *h = test_form_start(fx, "agent2", NULL);
	struct draft d;
	const char *o;

	o = test_form_type(h, "complaint new\r");
	test_form_expect(o, "Enter takes the [default]");
	test_form_expect(o, "Unit: ");
	test_form_type(h, "7-1-101\r");
	o = test_form_type(h, "Mr Lee\r");
	test_form_expect(o, "Relation (owner/family/tenant/other) [owner]: ");
	o = test_form_type(h, "\x03");
	test_form_expect(o, "discard this complaint? (y/N) ");
	o = test_form_type(h, "yes\r");
	test_form_expect(o, "Discarded");
	assert_int_equal(test_form_draft_step(fx, "agent2", &d), STORE_ENOENT);
	draft_clear(&d);
	/* Exec mode refuses the form. */
	h = test_form_start(fx, "agent2", "complaint new");
	assert_true(h->exited);
	assert_int_not_equal(h->status, 0);
	/* An auditor may not take complaints, and is offered no draft. */
	assert_int_equal(store_draft_save(fx->st, "audit1", "complaint", "{}", 0), 0);
	h = test_form_start(fx, "audit1", NULL);
	test_form_expect_not(buf_cstr(&h->out), "未完成");
	o = test_form_type(h, "complaint new\r");
	test_form_expect(o, "权限不足");
	/* No catalog in the host: a clear error. */
	h = test_form_start(fx, "agent1", NULL);
	h->cat = NULL;
	o = test_form_type(h, "complaint new\r");
	test_form_expect(o, "目录未加载");
	test_form_expect(o, "propdesk:agent1> ");
}

static void test_form_draft_offer_unreadable(void **state)
{
	struct test_form_fx *fx = *state;
	struct test_form_host *h;
	const char *o;

	assert_int_equal(store_draft_save(fx->st, "agent1", "complaint", "not json", 3), 0);
	h = test_form_start(fx, "agent1", NULL);
	test_form_expect(buf_cstr(&h->out), "未完成的投诉");
	o = test_form_type(h, "y\r");
	test_form_expect(o, "草稿无法读取");
	test_form_expect(o, "单元号：");
	o = test_form_type(h, "\x03y\r");
	test_form_expect(o, "已放弃");
}

static void test_form_draft_parse_cb(void *arg, const char *key, const char *value)
{
	struct buf *b = arg;

	buf_printf(b, "%s=%s;", key, value);
}

static void test_form_draft_encoding(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(form_draft_parse(" { \"a\" : \"1\" , \"words\":\"漏水\\n\\\"x\\\"\\\\\","
	                                  "\"u\":\"\\u6f0f\\ud83d\\ude00\\t\"} ",
	                                  test_form_draft_parse_cb, &b),
	                 0);
	assert_string_equal(buf_cstr(&b), "a=1;words=漏水\n\"x\"\\;u=漏😀\t;");
	buf_reset(&b);
	assert_int_equal(form_draft_parse("{}", test_form_draft_parse_cb, &b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(form_draft_parse("", NULL, NULL), -1);
	assert_int_equal(form_draft_parse(NULL, NULL, NULL), -1);
	assert_int_equal(form_draft_parse("{\"a\":1}", NULL, NULL), -1);
	assert_int_equal(form_draft_parse("{\"a\":\"1\"", NULL, NULL), -1);
	assert_int_equal(form_draft_parse("{\"a\":\"1\",}", NULL, NULL), -1);
	assert_int_equal(form_draft_parse("{\"a\":\"1\"} x", NULL, NULL), -1);
	assert_int_equal(form_draft_parse("{\"a\":\"\\ud83d\"}", NULL, NULL), -1);
	assert_int_equal(form_draft_parse("{\"a\":\"\\x\"}", NULL, NULL), -1);
	assert_int_equal(form_draft_parse("{\"a\":\"\xff\"}", NULL, NULL), -1);
	assert_int_equal(form_draft_parse("{\"a\":\"\x01\"}", NULL, NULL), -1);
	assert_int_equal(form_draft_parse("[\"a\"]", NULL, NULL), -1);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_form_full_run, test_form_setup,
	                                    test_form_teardown),
	    cmocka_unit_test_setup_teardown(test_form_validation_and_back, test_form_setup,
	                                    test_form_teardown),
	    cmocka_unit_test_setup_teardown(test_form_ctrl_c, test_form_setup, test_form_teardown),
	    cmocka_unit_test_setup_teardown(test_form_draft_resume, test_form_setup,
	                                    test_form_teardown),
	    cmocka_unit_test_setup_teardown(test_form_unit_register, test_form_setup,
	                                    test_form_teardown),
	    cmocka_unit_test_setup_teardown(test_form_english_and_roles, test_form_setup,
	                                    test_form_teardown),
	    cmocka_unit_test_setup_teardown(test_form_draft_offer_unreadable, test_form_setup,
	                                    test_form_teardown),
	    cmocka_unit_test(test_form_draft_encoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
