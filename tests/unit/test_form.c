/* test_form — the guided complaint form through the real shell with the shared test host
 * (testhost.h; the real catalogs of etc/, a real store on a temporary database): a full
 * `complaint new` in Chinese accepting the suggested techniques, `?` at a step, validation
 * errors and back, Ctrl-C asking before discarding, the draft saved after every step and
 * offered again at the next login (resume, keep, discard), planted drafts that lack answers
 * or hold invalid ones (not resumed: the form starts afresh), an answer gone invalid before the
 * save, the unit register, English prompts, the draft encoding. */
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
#include "form.h"
#include "shell.h"
#include "store.h"
#include "store_complaint.h"
#include "store_draft.h"
#include "store_unit.h"
#include "testhost.h"

static int test_form_setup(void **state)
{
	struct testhost *th = testhost_new("test_form");
	char etc[8192];

	if (th == NULL)
		return -1;
	testhost_etc(etc, sizeof etc);
	if (testhost_load_catalog(th, etc) != 0) {
		testhost_free(th);
		return -1;
	}
	testhost_account_add(th, "agent1", NULL, ROLE_AGENT, "zh", NULL);
	testhost_account_add(th, "agent2", NULL, ROLE_AGENT, "en", NULL);
	testhost_account_add(th, "audit1", NULL, ROLE_AUDITOR, "zh", NULL);
	*state = th;
	return 0;
}

static int test_form_teardown(void **state)
{
	testhost_free(*state);
	return 0;
}

/* A new interactive (exec NULL) or exec shell for name, with the catalog, started. */
static void test_form_start(struct testhost *th, const char *name, const char *exec)
{
	struct shell_opts opts = testhost_opts;

	opts.session_id = "s-form";
	opts.exec = exec;
	testhost_start(th, name, TESTHOST_CATALOG, &opts);
}

/* The only complaint's number (or fails). */
static void test_form_only_complaint(struct testhost *th, struct complaint *c)
{
	struct complaint *list = NULL;
	size_t n = 0;

	assert_int_equal(store_complaint_list(th->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_complaint_get(th->st, list[0].number, c, true), 0);
	store_complaint_list_free(list, n);
}

static size_t test_form_count(struct testhost *th)
{
	int64_t n = -1;

	assert_int_equal(store_complaint_count(th->st, NULL, &n), 0);
	return (size_t)n;
}

static int test_form_draft_step(struct testhost *th, const char *name, struct draft *d)
{
	int rc;

	memset(d, 0, sizeof *d);
	rc = store_draft_load(th->st, name, "complaint", d);
	return rc == 0 ? d->step : rc;
}

static void test_form_full_run(void **state)
{
	struct testhost *th = *state;
	struct complaint c;
	struct draft d;
	char day[16], line[64];
	const char *o;

	test_form_start(th, "agent1", NULL);
	o = testhost_type(th, "complaint new\r");
	testhost_expect(o, "单元号：");
	testhost_expect(o, "Ctrl-C 取消");
	o = testhost_type(th, "3-2-1201\r");
	testhost_expect(o, "单元登记表为空");
	testhost_expect(o, "来电人：");
	/* A draft after the first step, at the second. */
	assert_int_equal(test_form_draft_step(th, "agent1", &d), 1);
	assert_non_null(strstr(d.data, "\"unit\":\"3-2-1201\""));
	store_draft_clear(&d);
	o = testhost_type(th, "王大爷\r");
	testhost_expect(o, "与业主关系（业主/家属/租户/其他） [业主本人]：");
	o = testhost_type(th, "\r");
	testhost_expect(o, "联系电话");
	o = testhost_type(th, "13812345678\r");
	testhost_expect(o, "渠道（电话/来访/现场） [电话]：");
	o = testhost_type(th, "2\r"); /* visit, by number */
	testhost_expect(o, "投诉类别");
	/* ? lists the categories in Chinese and asks again. */
	o = testhost_type(th, "?\r");
	testhost_expect(o, "repairs");
	testhost_expect(o, "报修");
	testhost_expect(o, "邻里纠纷");
	testhost_expect(o, "投诉类别");
	o = testhost_type(th, "报修\r");
	testhost_expect(o, "业主反映的内容（以只含一个 \".\" 的一行结束）");
	o = testhost_type(th, "卫生间漏水，楼上住户不在家\r");
	testhost_expect(o, "  > ");
	testhost_type(th, "已经是第三次打电话了\r");
	o = testhost_type(th, ".\r");
	testhost_expect(o, "情绪（平静/不满/激动） [平静]：");
	assert_int_equal(test_form_draft_step(th, "agent1", &d), 7);
	assert_non_null(strstr(d.data, "卫生间漏水，楼上住户不在家\\n已经是第三次打电话了"));
	store_draft_clear(&d);
	o = testhost_type(th, "激动\r");
	testhost_expect(o, "方言偏好");
	/* The suggestions, with reasons, after the dialect step. */
	o = testhost_type(th, "\r");
	testhost_expect(o, "推荐的沟通方法");
	testhost_expect(o, "dialect");
	testhost_expect(o, "入乡随俗法");
	testhost_expect(o, "老年业主");
	testhost_expect(o, "stepback");
	testhost_expect(o, "业主情绪激动");
	testhost_expect(o, "leave-scene");
	testhost_expect(o, "（非语言）");
	testhost_expect(o, "[dialect,patience,stepback,leave-scene,sit-down,distance]");
	o = testhost_type(th, "\r");
	testhost_expect(o, "使用的沟通方法（代码） [dialect,patience,stepback]：");
	o = testhost_type(th, "\r");
	testhost_expect(o, "非语言措施（可不填） [leave-scene,sit-down,distance]：");
	o = testhost_type(th, "\r");
	testhost_expect(o, "处理结果（可不填）：");
	o = testhost_type(th, "\r");
	testhost_expect(o, "对业主的承诺");
	o = testhost_type(th, "明天上午派维修工上门查看\r");
	testhost_expect(o, "期限");
	/* A due date in the past, or not a date, is refused. */
	o = testhost_type(th, "2020-01-01\r");
	testhost_expect(o, "已经过去");
	o = testhost_type(th, "tomorrow\r");
	testhost_expect(o, "不是有效的日期");
	testhost_day(1, day, sizeof day);
	snprintf(line, sizeof line, "%s 12:00\r", day);
	o = testhost_type(th, line);
	testhost_expect(o, "已记录第 1 条承诺");
	testhost_expect(o, "承诺内容");
	/* Empty: no more promises; the summary. */
	o = testhost_type(th, "\r");
	testhost_expect(o, "——— 投诉内容 ———");
	testhost_expect(o, "3-2-1201（未核实）");
	testhost_expect(o, "王大爷 (业主本人)");
	testhost_expect(o, "13812345678");
	testhost_expect(o, "来访");
	testhost_expect(o, "repairs 报修");
	testhost_expect(o, "    | 卫生间漏水，楼上住户不在家\r\n    | 已经是第三次打电话了");
	testhost_expect(o, "stepback 以退为进法");
	testhost_expect(o, "distance 保持适当距离");
	testhost_expect(o, "明天上午派维修工上门查看");
	testhost_expect(o, "保存？(Y/n) [Y]：");
	o = testhost_type(th, "\r");
	testhost_expect(o, "投诉 C-");
	testhost_expect(o, "已保存");
	testhost_expect(o, "propdesk:agent1> ");

	test_form_only_complaint(th, &c);
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
	store_complaint_clear(&c);
	/* The draft is gone once saved. */
	assert_int_equal(test_form_draft_step(th, "agent1", &d), STORE_ENOENT);
	store_draft_clear(&d);
}

/* Runs a form up to the words step with typed answers. */
static void test_form_to_words(struct testhost *th)
{
	testhost_type(th, "complaint new\r");
	testhost_type(th, "5-1-302\r");
	testhost_type(th, "李女士\r");
	testhost_type(th, "tenant\r");
	testhost_type(th, "-\r");
	testhost_type(th, "\r");
	testhost_type(th, "noise\r");
}

static void test_form_validation_and_back(void **state)
{
	struct testhost *th = *state;
	struct complaint c;
	const char *o;

	test_form_start(th, "agent1", NULL);
	testhost_type(th, "complaint new\r");
	o = testhost_type(th, "\r");
	testhost_expect(o, "必须填写单元号");
	o = testhost_type(th, "3 2 1201\r");
	testhost_expect(o, "不含空格");
	o = testhost_type(th, "?\r");
	testhost_expect(o, "楼栋-单元-房号");
	/* < on the first step stays there. */
	o = testhost_type(th, "<\r");
	testhost_expect(o, "已经是第一步");
	testhost_type(th, "5-1-302\r");
	o = testhost_type(th, "\r");
	testhost_expect(o, "必须填写来电人");
	testhost_type(th, "李女士\r");
	o = testhost_type(th, "landlord\r");
	testhost_expect(o, "请从下列选项中选择");
	testhost_expect(o, "tenant");
	testhost_type(th, "租户\r");
	o = testhost_type(th, "12345\r");
	testhost_expect(o, "电话号码无效");
	/* Back to the relation: its answer is the default now. */
	o = testhost_type(th, "<\r");
	testhost_expect(o, "[tenant]：");
	testhost_type(th, "\r");
	testhost_type(th, "-\r");
	testhost_type(th, "\r");
	o = testhost_type(th, "plumbing\r");
	testhost_expect(o, "未知的类别");
	testhost_type(th, "noise\r");
	/* An empty text is refused; a text step also goes back. */
	o = testhost_type(th, ".\r");
	testhost_expect(o, "必须记录业主反映的内容");
	o = testhost_type(th, "<\r");
	testhost_expect(o, "投诉类别（? 查看列表） [noise]：");
	testhost_type(th, "\r");
	testhost_type(th, "楼上每天晚上十一点以后还在装修\r");
	o = testhost_type(th, ".\r");
	testhost_type(th, "不满\r");
	o = testhost_type(th, "\r");
	testhost_expect(o, "[empathy,smalltalk]");
	/* Override with codes; a non-verbal code in the techniques step is explained. */
	o = testhost_type(th, "empathy, hug\r");
	testhost_expect(o, "未知的沟通方法 `hug`");
	testhost_type(th, "empathy、smalltalk，distance\r");
	o = testhost_type(th, "persuade distance\r");
	testhost_expect(o, "distance: 这是非语言措施，请在下一步填写");
	o = testhost_type(th, "-\r");
	testhost_expect(o, "至少选择一种沟通方法");
	o = testhost_type(th, "?\r");
	testhost_expect(o, "以退为进法");
	testhost_expect_not(o, "离开冲突现场");
	testhost_type(th, "1,2\r"); /* by number: persuade, empathy */
	o = testhost_type(th, "\r");
	testhost_expect(o, "处理结果");
	testhost_type(th, "已联系装修业主，承诺晚上十点后停工\r");
	o = testhost_type(th, "\r");
	testhost_expect(o, "（保存为已解决）");
	/* n does not save; Y does. */
	o = testhost_type(th, "n\r");
	testhost_expect(o, "未保存");
	assert_int_equal(test_form_count(th), 0);
	o = testhost_type(th, "y\r");
	testhost_expect(o, "已标记为已解决");
	test_form_only_complaint(th, &c);
	assert_string_equal(c.unit, "5-1-302");
	assert_int_equal(c.relation, COMPLAINT_REL_TENANT);
	assert_null(c.phone);
	assert_int_equal(c.mood, COMPLAINT_MOOD_UPSET);
	assert_int_equal(c.status, COMPLAINT_RESOLVED);
	assert_string_equal(c.outcome, "已联系装修业主，承诺晚上十点后停工");
	assert_int_equal(c.ntechniques, 3); /* distance, empathy, persuade */
	assert_string_equal(c.techniques[0], "distance");
	store_complaint_clear(&c);
}

static void test_form_ctrl_c(void **state)
{
	struct testhost *th = *state;
	struct draft d;
	const char *o;

	test_form_start(th, "agent1", NULL);
	test_form_to_words(th);
	testhost_type(th, "第一行\r");
	o = testhost_type(th, "\x03");
	testhost_expect(o, "放弃这条投诉？(y/N) ");
	/* No: back in the text, the lines typed so far kept. */
	o = testhost_type(th, "\r");
	testhost_expect(o, "继续填写");
	testhost_type(th, "第二行\r");
	o = testhost_type(th, ".\r");
	testhost_expect(o, "情绪");
	assert_int_equal(test_form_draft_step(th, "agent1", &d), 7);
	assert_non_null(strstr(d.data, "第一行\\n第二行"));
	store_draft_clear(&d);
	/* Ctrl-D on an empty line asks too; yes discards the form and its draft. */
	o = testhost_type(th, "\x04");
	testhost_expect(o, "放弃这条投诉？");
	o = testhost_type(th, "y\r");
	testhost_expect(o, "已放弃");
	testhost_expect(o, "propdesk:agent1> ");
	assert_false(th->exited);
	assert_int_equal(test_form_draft_step(th, "agent1", &d), STORE_ENOENT);
	store_draft_clear(&d);
	assert_int_equal(test_form_count(th), 0);
	/* The shell goes on normally. */
	o = testhost_type(th, "whoami\r");
	testhost_expect(o, "agent1");
}

static void test_form_draft_resume(void **state)
{
	struct testhost *th = *state;
	struct complaint c;
	struct draft d;
	const char *o;
	int step;

	test_form_start(th, "agent1", NULL);
	/* A draft after every step. */
	testhost_type(th, "complaint new\r");
	testhost_type(th, "5-1-302\r");
	assert_int_equal(test_form_draft_step(th, "agent1", &d), 1);
	store_draft_clear(&d);
	testhost_type(th, "李女士\r");
	assert_int_equal(test_form_draft_step(th, "agent1", &d), 2);
	store_draft_clear(&d);
	testhost_type(th, "tenant\r");
	testhost_type(th, "-\r");
	testhost_type(th, "\r");
	testhost_type(th, "noise\r");
	step = test_form_draft_step(th, "agent1", &d);
	assert_int_equal(step, 6);
	assert_non_null(strstr(d.data, "\"caller\":\"李女士\""));
	assert_non_null(strstr(d.data, "\"_step\":\"words\""));
	store_draft_clear(&d);
	/* The connection drops while the words are typed: that step is lost, the rest kept. */
	testhost_type(th, "半句话");
	testhost_stop(th);

	/* The next login offers it. */
	test_form_start(th, "agent1", NULL);
	o = testhost_out(th, 0);
	testhost_expect(o, "你有一条未完成的投诉");
	testhost_expect(o, "停在：业主反映的内容");
	testhost_expect(o, "未完成的投诉吗？(Y/n/d = 放弃) ");
	testhost_expect_not(o, "propdesk:agent1> ");
	/* Y resumes at the step it stopped at, with the values typed before. */
	o = testhost_type(th, "\r");
	testhost_expect(o, "业主反映的内容");
	testhost_type(th, "楼上半夜还在装修，吵得孩子睡不着\r");
	testhost_type(th, ".\r");
	o = testhost_type(th, "<\r");
	testhost_expect(o, "业主反映的内容");
	testhost_expect(o, "当前内容：楼上半夜还在装修，吵得孩子睡不着");
	o = testhost_type(th, ".\r"); /* keeps it */
	testhost_expect(o, "情绪");
	testhost_type(th, "\r");
	o = testhost_type(th, "\r");
	testhost_expect(o, "[empathy,smalltalk,interests]");
	testhost_type(th, "\r");     /* accept */
	testhost_type(th, "\r");     /* techniques */
	testhost_type(th, "\r");     /* non-verbal: none */
	testhost_type(th, "\r");     /* outcome */
	o = testhost_type(th, "\r"); /* no promises */
	testhost_expect(o, "李女士 (租户)");
	o = testhost_type(th, "Y\r");
	testhost_expect(o, "已保存");
	test_form_only_complaint(th, &c);
	assert_string_equal(c.caller, "李女士");
	assert_string_equal(c.unit, "5-1-302");
	assert_int_equal(c.relation, COMPLAINT_REL_TENANT);
	assert_string_equal(c.category, "noise");
	assert_string_equal(c.words, "楼上半夜还在装修，吵得孩子睡不着");
	assert_int_equal(c.ntechniques, 3);
	store_complaint_clear(&c);
	assert_int_equal(test_form_draft_step(th, "agent1", &d), STORE_ENOENT);
	store_draft_clear(&d);

	/* n keeps a draft for later; `complaint new` offers it again; d discards it. */
	test_form_to_words(th);
	testhost_stop(th);
	test_form_start(th, "agent1", NULL);
	o = testhost_type(th, "maybe\r");
	testhost_expect(o, "请输入 y、n 或 d");
	o = testhost_type(th, "n\r");
	testhost_expect(o, "草稿已保留");
	testhost_expect(o, "propdesk:agent1> ");
	o = testhost_type(th, "complaint new\r");
	testhost_expect(o, "你有一条未完成的投诉");
	testhost_expect(o, "继续填写它吗？");
	o = testhost_type(th, "y\r");
	testhost_expect(o, "业主反映的内容");
	o = testhost_type(th, "\x03");
	o = testhost_type(th, "n\r");
	testhost_stop(th);
	test_form_start(th, "agent1", NULL);
	o = testhost_type(th, "d\r");
	testhost_expect(o, "草稿已放弃");
	assert_int_equal(test_form_draft_step(th, "agent1", &d), STORE_ENOENT);
	store_draft_clear(&d);
	testhost_stop(th);
	test_form_start(th, "agent1", NULL);
	testhost_expect_not(testhost_out(th, 0), "未完成");
	testhost_expect(testhost_out(th, 0), "propdesk:agent1> ");
	assert_int_equal(test_form_count(th), 1);
}

static void test_form_unit_register(void **state)
{
	struct testhost *th = *state;
	struct complaint c;
	struct unit u;
	const char *o;

	memset(&u, 0, sizeof u);
	u.code = (char *)"3-2-1201";
	u.building = (char *)"3";
	u.owner_name = (char *)"张建国";
	u.owner_phone = (char *)"13900001111";
	assert_int_equal(store_unit_add(th->st, &testhost_setup_ctx, &u), 0);
	test_form_start(th, "agent1", NULL);
	testhost_type(th, "complaint new\r");
	o = testhost_type(th, "9-9-999\r");
	testhost_expect(o, "不在单元登记表中");
	o = testhost_type(th, "?\r");
	testhost_expect(o, "3-2-1201  张建国");
	o = testhost_type(th, "3-2-1201\r");
	testhost_expect(o, "登记业主：张建国");
	testhost_expect(o, "来电人 [张建国]：");
	testhost_type(th, "\r");
	testhost_type(th, "\r");
	o = testhost_type(th, "\r");
	testhost_expect(o, "渠道");
	testhost_type(th, "\r");
	testhost_type(th, "parking\r");
	testhost_type(th, "地下车库车位被占用\r.\r");
	testhost_type(th, "\r");
	o = testhost_type(th, "\r");
	/* Nothing suggested: the step is skipped. */
	testhost_expect(o, "此投诉没有推荐的沟通方法");
	testhost_expect(o, "使用的沟通方法（代码）：");
	testhost_type(th, "persuade\r\r\r\r");
	o = testhost_type(th, "\r");
	testhost_expect(o, "已保存");
	test_form_only_complaint(th, &c);
	assert_true(c.unit_verified);
	assert_string_equal(c.caller, "张建国");
	assert_string_equal(c.phone, "13900001111");
	store_complaint_clear(&c);
}

static void test_form_english_and_roles(void **state)
{
	struct testhost *th = *state;
	struct draft d;
	const char *o;

	test_form_start(th, "agent2", NULL);
	o = testhost_type(th, "complaint new\r");
	testhost_expect(o, "Enter takes the [default]");
	testhost_expect(o, "Unit: ");
	testhost_type(th, "7-1-101\r");
	o = testhost_type(th, "Mr Lee\r");
	testhost_expect(o, "Relation (owner/family/tenant/other) [owner]: ");
	o = testhost_type(th, "\x03");
	testhost_expect(o, "discard this complaint? (y/N) ");
	o = testhost_type(th, "yes\r");
	testhost_expect(o, "Discarded");
	assert_int_equal(test_form_draft_step(th, "agent2", &d), STORE_ENOENT);
	store_draft_clear(&d);
	/* Exec mode refuses the form. */
	test_form_start(th, "agent2", "complaint new");
	assert_true(th->exited);
	assert_int_not_equal(th->status, 0);
	/* An auditor may not take complaints, and is offered no draft. */
	assert_int_equal(store_draft_save(th->st, "audit1", "complaint", "{}", 0), 0);
	test_form_start(th, "audit1", NULL);
	testhost_expect_not(testhost_out(th, 0), "未完成");
	o = testhost_type(th, "complaint new\r");
	testhost_expect(o, "权限不足");
	/* No catalog in the host: a clear error. */
	test_form_start(th, "agent1", NULL);
	th->cat = NULL;
	o = testhost_type(th, "complaint new\r");
	testhost_expect(o, "目录未加载");
	testhost_expect(o, "propdesk:agent1> ");
}

static void test_form_draft_offer_unreadable(void **state)
{
	struct testhost *th = *state;
	const char *o;

	assert_int_equal(store_draft_save(th->st, "agent1", "complaint", "not json", 3), 0);
	test_form_start(th, "agent1", NULL);
	testhost_expect(testhost_out(th, 0), "未完成的投诉");
	o = testhost_type(th, "y\r");
	testhost_expect(o, "草稿无法读取");
	testhost_expect(o, "单元号：");
	o = testhost_type(th, "\x03y\r");
	testhost_expect(o, "已放弃");
}

/* Plants data as name's complaint draft, logs in, resumes it: the shell says the draft could
 * not be resumed and starts at the first step, with none of the draft's values. */
static void test_form_not_resumable(struct testhost *th, const char *name, const char *data)
{
	bool en = strcmp(name, "agent2") == 0;
	const char *o;

	assert_int_equal(store_draft_save(th->st, name, "complaint", data, 15), 0);
	test_form_start(th, name, NULL);
	testhost_expect(testhost_out(th, 0), en ? "unfinished complaint" : "未完成的投诉");
	o = testhost_type(th, "y\r");
	assert_false(th->exited);
	testhost_expect(o, en ? "The saved draft could not be resumed" : "保存的草稿无法继续填写");
	testhost_expect(o, en ? "Unit: " : "单元号：");
	testhost_expect_not(o, "[5-1-302]");
	testhost_expect_not(o, en ? "Save?" : "保存？");
	testhost_expect_not(o, en ? "the complaint ———" : "投诉内容 ———");
}

/* The answers of a complete draft up to the summary, as the form saves them. */
#define TEST_FORM_DRAFT_ANSWERS                                                                    \
	"\"unit\":\"5-1-302\",\"unit.verified\":\"0\",\"caller\":\"李女士\","                   \
	"\"relation\":\"tenant\",\"phone\":\"\",\"channel\":\"phone\",\"category\":\"noise\","     \
	"\"words\":\"楼上装修\\n很吵\",\"mood\":\"upset\",\"dialect\":\"\","                 \
	"\"techniques\":\"empathy,smalltalk\",\"nonverbal\":\"\",\"outcome\":\"\""

static void test_form_draft_missing_answers(void **state)
{
	struct testhost *th = *state;
	struct complaint c;
	struct draft d;
	char data[1024], day[16];
	const char *o;

	/* Only a step: the summary would have had nothing to show (it crashed the shell). */
	test_form_not_resumable(th, "agent1", "{\"_step\":\"confirm\"}");
	/* The first answer replaces the bad draft. */
	o = testhost_type(th, "3-2-1201\r");
	testhost_expect(o, "来电人：");
	assert_int_equal(test_form_draft_step(th, "agent1", &d), 1);
	assert_non_null(strstr(d.data, "\"unit\":\"3-2-1201\""));
	assert_null(strstr(d.data, "confirm"));
	store_draft_clear(&d);
	/* The shell goes on normally. */
	o = testhost_type(th, "\x03y\r");
	testhost_expect(o, "已放弃");
	o = testhost_type(th, "whoami\r");
	testhost_expect(o, "agent1");

	/* A step past a missing required answer (the caller). */
	test_form_not_resumable(th, "agent1",
	                        "{\"_step\":\"words\",\"unit\":\"5-1-302\",\"relation\":\"tenant\","
	                        "\"phone\":\"\",\"channel\":\"phone\",\"category\":\"noise\"}");
	/* Answers that fail their step's own validation. */
	test_form_not_resumable(th, "agent1",
	                        "{\"_step\":\"mood\",\"unit\":\"5-1-302\",\"caller\":\"李女士\","
	                        "\"relation\":\"landlord\",\"phone\":\"\",\"channel\":\"phone\","
	                        "\"category\":\"noise\",\"words\":\"吵\"}");
	test_form_not_resumable(th, "agent1",
	                        "{\"_step\":\"mood\",\"unit\":\"5-1-302\",\"caller\":\"李女士\","
	                        "\"relation\":\"tenant\",\"phone\":\"12345\",\"channel\":\"phone\","
	                        "\"category\":\"noise\",\"words\":\"吵\"}");
	test_form_not_resumable(th, "agent1",
	                        "{\"_step\":\"mood\",\"unit\":\"5-1-302\",\"caller\":\"李女士\","
	                        "\"relation\":\"tenant\",\"phone\":\"\",\"channel\":\"phone\","
	                        "\"category\":\"plumbing\",\"words\":\"吵\"}");
	test_form_not_resumable(th, "agent1", "{\"_step\":\"caller\",\"unit\":\"5 1 302\"}");
	test_form_not_resumable(th, "agent1",
	                        "{\"_step\":\"relation\",\"unit\":\"5-1-302\","
	                        "\"caller\":\"李\\u001b[2J女士\"}");
	/* A non-verbal code given as the (required) verbal technique, in English. */
	test_form_not_resumable(th, "agent2",
	                        "{\"_step\":\"confirm\"," TEST_FORM_DRAFT_ANSWERS
	                        ",\"techniques\":\"distance\"}");
	/* A promise without its due date. */
	test_form_not_resumable(th, "agent1",
	                        "{\"_step\":\"confirm\"," TEST_FORM_DRAFT_ANSWERS
	                        ",\"promises\":\"1\",\"promise.1.what\":\"派人查看\"}");
	/* Back history leading past the missing answers. */
	test_form_not_resumable(th, "agent1", "{\"_step\":\"unit\",\"_hist\":\"15\"}");
	o = testhost_type(th, "<\r");
	testhost_expect(o, "已经是第一步");
	testhost_type(th, "\x03y\r");
	assert_int_equal(test_form_count(th), 0);

	/* A complete draft resumes at the summary and saves. */
	testhost_day(2, day, sizeof day);
	snprintf(data, sizeof data,
	         "{\"_step\":\"confirm\",\"_hist\":\"0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 "
	         "13\"," TEST_FORM_DRAFT_ANSWERS
	         ",\"promises\":\"1\",\"promise.1.what\":\"派人查看\","
	         "\"promise.1.due\":\"%s 10:00\"}",
	         day);
	assert_int_equal(store_draft_save(th->st, "agent1", "complaint", data, 15), 0);
	test_form_start(th, "agent1", NULL);
	o = testhost_type(th, "y\r");
	testhost_expect_not(o, "无法");
	testhost_expect(o, "——— 投诉内容 ———");
	testhost_expect(o, "5-1-302（未核实）");
	testhost_expect(o, "李女士 (租户)");
	testhost_expect(o, "派人查看");
	testhost_expect(o, "保存？(Y/n) [Y]：");
	testhost_expect_not(o, "不完整");
	o = testhost_type(th, "y\r");
	testhost_expect(o, "已保存");
	test_form_only_complaint(th, &c);
	assert_string_equal(c.words, "楼上装修\n很吵");
	assert_int_equal(c.npromises, 1);
	store_complaint_clear(&c);
}

/* An answer that stops being valid while the form runs (the unit register filled meanwhile):
 * the summary's save says so and goes to that step instead of saving. */
static void test_form_summary_incomplete(void **state)
{
	struct testhost *th = *state;
	struct unit u;
	const char *o;

	assert_int_equal(store_draft_save(th->st, "agent1", "complaint",
	                                  "{\"_step\":\"confirm\"," TEST_FORM_DRAFT_ANSWERS "}",
	                                  15),
	                 0);
	test_form_start(th, "agent1", NULL);
	o = testhost_type(th, "y\r");
	testhost_expect(o, "保存？(Y/n) [Y]：");
	memset(&u, 0, sizeof u);
	u.code = (char *)"3-2-1201";
	u.building = (char *)"3";
	assert_int_equal(store_unit_add(th->st, &testhost_setup_ctx, &u), 0);
	o = testhost_type(th, "y\r");
	testhost_expect(o, "投诉内容不完整：“单元号”一项缺失或无效");
	testhost_expect(o, "未保存");
	testhost_expect(o, "单元号 [5-1-302]：");
	assert_int_equal(test_form_count(th), 0);
	o = testhost_type(th, "3-2-1201\r");
	testhost_expect(o, "来电人 [李女士]：");
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
	    cmocka_unit_test_setup_teardown(test_form_draft_missing_answers, test_form_setup,
	                                    test_form_teardown),
	    cmocka_unit_test_setup_teardown(test_form_summary_incomplete, test_form_setup,
	                                    test_form_teardown),
	    cmocka_unit_test(test_form_draft_encoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
