/* cmd_complaint_new — `complaint new`, the guided complaint form (form.h): unit, caller,
 * relation, phone, channel, category, the owner's words, mood, dialect, the technique
 * suggestions of etc/suggest.ini, techniques, non-verbal measures, outcome, promises, then a
 * summary and save. The draft saved after every step is offered again at the next login
 * (cmd_complaint_new_draft_offer). */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_complaint_new_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "catalog.h"
#include "form.h"
#include "shell_int.h"
#include "store_complaint.h"
#include "store_draft.h"
#include "store_unit.h"
#include "suggest.h"
#include "utf8.h"



static void cmd_complaint_new_free_arg(void *arg)
{
	struct cmd_complaint_new *cn = arg;

	if (cn == NULL)
		return;
	catalog_unref(cn->cat);
	free(cn);
}


/* --- steps ------------------------------------------------------------------------------ */

static void cmd_complaint_new_unit_help(struct form *f)
{
	struct shell *sh = form_shell(f);
	struct unit *units = NULL;
	int64_t count = 0;
	size_t n = 0, i;

	if (store_unit_count(sh->host.store, &count) < 0 || count == 0) {
		shell_printf(
		    sh, T(sh,
		          "A unit code such as 3-2-1201 (building-entrance-room). The unit "
		          "register is empty: the unit is kept as typed, unverified.\n",
		          "单元号，例如 3-2-1201（楼栋-单元-房号）。单元登记表为空：按输入保存，"
		          "标记为未核实。\n"));
		return;
	}
	shell_printf(sh,
	             T(sh, "A unit of the register (%lld units), for example:\n",
	               "登记表中的单元号（共 %lld 个），例如：\n"),
	             (long long)count);
	if (store_unit_list(sh->host.store, CMD_COMPLAINT_NEW_UNITS_SHOWN, 0, &units, &n) < 0)
		return;
	for (i = 0; i < n; i++) {
		shell_printf(sh, "  ");
		cmd_complaint_new_fields_print_clean(sh, units[i].code);
		if (units[i].owner_name != NULL) {
			shell_printf(sh, "  ");
			cmd_complaint_new_fields_print_clean(sh, units[i].owner_name);
		}
		shell_printf(sh, "\n");
	}
	if ((int64_t)n < count)
		shell_printf(sh, "  …  %s\n",
		             T(sh, "(`unit list` shows them all)", "（`unit list` 查看全部）"));
	store_unit_list_free(units, n);
}

static int cmd_complaint_new_unit_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);
	struct unit u;
	int64_t count = 0;
	int rc;

	if (v[0] == '\0') {
		shell_errorf(sh, "%s",
		             T(sh, "The unit is required (? for help).",
		               "必须填写单元号（输入 ? 查看说明）。"));
		return FORM_AGAIN;
	}
	if (!store_unit_code_ok(v)) {
		shell_errorf(sh, "%s",
		             T(sh, "A unit code is 1-32 characters without spaces, e.g. 3-2-1201.",
		               "单元号为 1-32 个字符，不含空格，例如 3-2-1201。"));
		return FORM_AGAIN;
	}
	rc = store_unit_count(sh->host.store, &count);
	if (rc < 0) {
		shell_store_error(sh, rc);
		return FORM_AGAIN;
	}
	form_set(f, "unit.owner", NULL);
	form_set(f, "unit.phone", NULL);
	if (count == 0) {
		shell_printf(sh, "%s\n",
		             T(sh,
		               "Note: the unit register is empty, so the unit is kept as typed and "
		               "marked unverified.",
		               "提示：单元登记表为空，单元号按输入保存，标记为“未核实”。"));
		form_set(f, "unit.verified", "0");
		form_set(f, "unit", v);
		return FORM_NEXT;
	}
	memset(&u, 0, sizeof u);
	rc = store_unit_get(sh->host.store, v, &u);
	if (rc == STORE_ENOENT) {
		struct buf clean;

		buf_init(&clean);
		shell_clean(&clean, v);
		shell_errorf(sh,
		             T(sh, "Unit %s is not in the unit register (? shows some units).",
		               "单元 %s 不在单元登记表中（输入 ? 查看部分单元）。"),
		             buf_cstr(&clean));
		buf_free(&clean);
		store_unit_clear(&u);
		return FORM_AGAIN;
	}
	if (rc < 0) {
		store_unit_clear(&u);
		shell_store_error(sh, rc);
		return FORM_AGAIN;
	}
	form_set(f, "unit", v);
	form_set(f, "unit.verified", "1");
	form_set(f, "unit.owner", u.owner_name);
	form_set(f, "unit.phone", u.owner_phone);
	if (u.owner_name != NULL) {
		shell_printf(sh, "%s", T(sh, "Registered owner: ", "登记业主："));
		cmd_complaint_new_fields_print_clean(sh, u.owner_name);
		shell_printf(sh, "\n");
	}
	store_unit_clear(&u);
	return FORM_NEXT;
}

static void cmd_complaint_new_caller_def(struct form *f, struct buf *out)
{
	const char *owner = form_get(f, "unit.owner");

	if (owner != NULL)
		buf_puts(out, owner);
}

static void cmd_complaint_new_caller_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh, "The caller's name as they give it, e.g. 王大爷 or 李女士.",
	               "来电人（来访人）的称呼，例如 王大爷、李女士。"));
}

static int cmd_complaint_new_caller_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);

	if (v[0] == '\0') {
		shell_errorf(sh, "%s", T(sh, "The caller's name is required.", "必须填写来电人。"));
		return FORM_AGAIN;
	}
	if (!cmd_complaint_new_fields_len_ok(f, v, COMPLAINT_CALLER_MAX))
		return FORM_AGAIN;
	form_set(f, "caller", v);
	return FORM_NEXT;
}

static void cmd_complaint_new_relation_def(struct form *f, struct buf *out)
{
	/* Shown as the session's word for it (the answer takes it as well as the code). */
	const struct cmd_complaint_new_choice *c = &cmd_complaint_new_fields_relations[0];

	buf_puts(out, shell_is_zh(form_shell(f)) ? c->zh : c->name);
}

static void cmd_complaint_new_relation_help(struct form *f)
{
	cmd_complaint_new_fields_choices_help(form_shell(f), cmd_complaint_new_fields_relations,
	                               CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_relations));
}

static int cmd_complaint_new_relation_accept(struct form *f, const char *v)
{
	return cmd_complaint_new_fields_choice_accept(f, "relation", cmd_complaint_new_fields_relations,
	                                       CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_relations), v);
}

static void cmd_complaint_new_phone_def(struct form *f, struct buf *out)
{
	const char *phone = form_get(f, "unit.phone");

	if (phone != NULL)
		buf_puts(out, phone);
}

static void cmd_complaint_new_phone_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(
	    sh, "%s\n",
	    T(sh,
	      "A mobile number (13812345678) or a landline (010-12345678); optional: "
	      "Enter with no default, or - for none.",
	      "手机号（13812345678）或固定电话（010-12345678）；可不填：无默认值时直接回车，"
	      "或输入 - 表示不留电话。"));
}

static int cmd_complaint_new_phone_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);

	if (v[0] == '\0' || cmd_complaint_new_fields_none(v)) {
		form_set(f, "phone", "");
		return FORM_NEXT;
	}
	if (!store_phone_ok(v)) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "Not a phone number: a mobile 1[3-9] and 9 more digits, or a "
		               "landline 0XX-XXXXXXX (- for none).",
		               "电话号码无效：手机号为 1[3-9] 开头的 11 位数字，固定电话如 "
		               "010-12345678（输入 - 表示不留电话）。"));
		return FORM_AGAIN;
	}
	form_set(f, "phone", v);
	return FORM_NEXT;
}

static void cmd_complaint_new_channel_def(struct form *f, struct buf *out)
{
	/* Shown as the session's word for it (the answer takes it as well as the code). */
	const struct cmd_complaint_new_choice *c = &cmd_complaint_new_fields_channels[0];

	buf_puts(out, shell_is_zh(form_shell(f)) ? c->zh : c->name);
}

static void cmd_complaint_new_channel_help(struct form *f)
{
	cmd_complaint_new_fields_choices_help(form_shell(f), cmd_complaint_new_fields_channels,
	                               CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_channels));
}

static int cmd_complaint_new_channel_accept(struct form *f, const char *v)
{
	return cmd_complaint_new_fields_choice_accept(f, "channel", cmd_complaint_new_fields_channels,
	                                       CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_channels), v);
}

static void cmd_complaint_new_category_help(struct form *f)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
	size_t i;

	for (i = 0; i < c->ncategories; i++) {
		shell_printf(sh, "  %2zu  %-12s ", i + 1, c->categories[i].code);
		cmd_complaint_new_fields_print_clean(sh, catalog_name(&c->categories[i], sh->lang));
		shell_printf(sh, "\n");
	}
}

static int cmd_complaint_new_category_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
	const struct catalog_item *it = catalog_category(c, v);
	char *end = NULL;
	long k = strtol(v, &end, 10);
	size_t i;

	if (it == NULL && v[0] != '\0' && end != NULL && *end == '\0' && k >= 1 &&
	    (size_t)k <= c->ncategories)
		it = &c->categories[k - 1];
	for (i = 0; it == NULL && i < c->ncategories; i++)
		if (strcmp(v, c->categories[i].name_zh) == 0 ||
		    strcasecmp(v, c->categories[i].name_en) == 0)
			it = &c->categories[i];
	if (it == NULL) {
		shell_printf(
		    sh, "%s\n",
		    v[0] == '\0'
		        ? T(sh, "The category is required; choose one:", "必须选择投诉类别：")
		        : T(sh, "Unknown category; choose one:", "未知的类别，请选择："));
		cmd_complaint_new_category_help(f);
		return FORM_AGAIN;
	}
	form_set(f, "category", it->code);
	return FORM_NEXT;
}

static void cmd_complaint_new_words_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh,
	               "What the owner said, in their words, over as many lines as needed; end "
	               "with a line holding a single \".\".",
	               "尽量按业主的原话记录，可以多行；以只含一个 \".\" 的一行结束。"));
}

static int cmd_complaint_new_words_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);

	if (v[0] == '\0') {
		shell_errorf(sh, "%s",
		             T(sh, "The owner's words are required.", "必须记录业主反映的内容。"));
		return FORM_AGAIN;
	}
	if (!cmd_complaint_new_fields_len_ok(f, v, COMPLAINT_WORDS_MAX))
		return FORM_AGAIN;
	form_set(f, "words", v);
	return FORM_NEXT;
}

static void cmd_complaint_new_mood_def(struct form *f, struct buf *out)
{
	/* Shown as the session's word for it (the answer takes it as well as the code). */
	const struct cmd_complaint_new_choice *c = &cmd_complaint_new_fields_moods[0];

	buf_puts(out, shell_is_zh(form_shell(f)) ? c->zh : c->name);
}

static void cmd_complaint_new_mood_help(struct form *f)
{
	cmd_complaint_new_fields_choices_help(form_shell(f), cmd_complaint_new_fields_moods,
	                               CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_moods));
}

static int cmd_complaint_new_mood_accept(struct form *f, const char *v)
{
	return cmd_complaint_new_fields_choice_accept(f, "mood", cmd_complaint_new_fields_moods,
	                                       CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_moods), v);
}

static void cmd_complaint_new_dialect_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh,
	               "The dialect the owner prefers (e.g. 粤语, 四川话), if any; "
	               "Enter or - for none.",
	               "业主希望使用的方言（如 粤语、四川话）；没有则直接回车或输入 -。"));
}

static int cmd_complaint_new_dialect_accept(struct form *f, const char *v)
{
	if (cmd_complaint_new_fields_none(v))
		v = "";
	if (!cmd_complaint_new_fields_len_ok(f, v, COMPLAINT_DIALECT_MAX))
		return FORM_AGAIN;
	form_set(f, "dialect", v);
	return FORM_NEXT;
}

/* The rules' suggestions for the values so far: *out (free()) and its count. */
static size_t cmd_complaint_new_suggestions(struct form *f, struct suggestion **out)
{
	struct suggest_fields fields = {
	    .words = form_get(f, "words"),
	    .mood = form_get(f, "mood"),
	    .relation = form_get(f, "relation"),
	    .dialect = form_get(f, "dialect"),
	    .category = form_get(f, "category"),
	    .caller = form_get(f, "caller"),
	    .channel = form_get(f, "channel"),
	};
	size_t n = 0;

	const struct catalog *cat = cmd_complaint_new_fields_cat(f);

	if (suggest_run(cat != NULL ? cat->rules : NULL, &fields, out, &n, NULL) < 0) {
		*out = NULL;
		return 0;
	}
	return n;
}

static bool cmd_complaint_new_suggest_enter(struct form *f)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
	struct suggestion *s = NULL;
	size_t n = cmd_complaint_new_suggestions(f, &s), i;

	if (n == 0) {
		shell_printf(sh, "%s\n",
		             T(sh, "No technique suggestion for this complaint.",
		               "此投诉没有推荐的沟通方法。"));
		free(s);
		return false;
	}
	shell_printf(
	    sh, "%s\n",
	    T(sh, "Suggested (from the service handbook):", "推荐的沟通方法（依据服务手册）："));
	/* The codes of one rule together, then its reason once. */
	for (i = 0; i < n; i++) {
		const struct catalog_item *it = catalog_technique(c, s[i].code);

		shell_printf(sh, "  %-12s ", s[i].code);
		if (it != NULL)
			cmd_complaint_new_fields_print_clean(sh, catalog_name(it, sh->lang));
		if (it != NULL && it->kind == CATALOG_NONVERBAL)
			shell_printf(sh, "%s", T(sh, " (non-verbal)", "（非语言）"));
		shell_printf(sh, "\n");
		if (i + 1 < n && strcmp(s[i + 1].rule, s[i].rule) == 0)
			continue;
		shell_printf(sh, "      → ");
		cmd_complaint_new_fields_print_clean(sh, suggest_reason(&s[i], sh->lang));
		shell_printf(sh, "\n");
	}
	free(s);
	return true;
}

static void cmd_complaint_new_suggest_def(struct form *f, struct buf *out)
{
	struct suggestion *s = NULL;
	size_t n = cmd_complaint_new_suggestions(f, &s), i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, ',');
		buf_puts(out, s[i].code);
	}
	free(s);
}

static void cmd_complaint_new_suggest_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh,
	               "Enter accepts the suggestions; or type the codes you used instead "
	               "(techniques and non-verbal measures); - for none of them.",
	               "直接回车采纳推荐；或输入实际使用的代码（沟通方法和非语言措施）；输入 - "
	               "表示都不采纳。"));
	cmd_complaint_new_fields_techniques_help_kind(f, 0);
}

static int cmd_complaint_new_suggest_accept(struct form *f, const char *v)
{
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
	char codes[CMD_COMPLAINT_NEW_CODES_MAX][40];
	struct buf b;
	size_t n = 0;

	if (!cmd_complaint_new_fields_none(v) &&
	    cmd_complaint_new_fields_codes(f, v, codes, CMD_COMPLAINT_NEW_CODES_MAX, &n) < 0)
		return FORM_AGAIN;
	buf_init(&b);
	cmd_complaint_new_fields_join(c, codes, n, CATALOG_VERBAL, &b);
	form_set(f, "techniques", b.len > 0 ? buf_cstr(&b) : NULL);
	cmd_complaint_new_fields_join(c, codes, n, CATALOG_NONVERBAL, &b);
	form_set(f, "nonverbal", b.len > 0 ? buf_cstr(&b) : NULL);
	buf_free(&b);
	return FORM_NEXT;
}

static void cmd_complaint_new_techniques_help(struct form *f)
{
	cmd_complaint_new_fields_techniques_help_kind(f, CATALOG_VERBAL);
}

/* A code list of one kind into key; required: at least one. */
static int cmd_complaint_new_kind_accept(struct form *f, const char *key, const char *v,
                                         enum catalog_kind kind, bool required)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
	char codes[CMD_COMPLAINT_NEW_CODES_MAX][40];
	struct buf b;
	size_t n = 0, i;

	if (v[0] == '\0' || cmd_complaint_new_fields_none(v)) {
		if (!required) {
			form_set(f, key, "");
			return FORM_NEXT;
		}
	} else if (cmd_complaint_new_fields_codes(f, v, codes, CMD_COMPLAINT_NEW_CODES_MAX, &n) < 0) {
		return FORM_AGAIN;
	}
	for (i = 0; i < n; i++) {
		const struct catalog_item *it = catalog_technique(c, codes[i]);

		if (it->kind != kind) {
			shell_errorf(sh, "%s: %s", codes[i],
			             kind == CATALOG_VERBAL
			                 ? T(sh, "a non-verbal measure: give it at the next step",
			                     "这是非语言措施，请在下一步填写")
			                 : T(sh,
			                     "a verbal technique: give it at the step before (<)",
			                     "这是语言沟通方法，请在上一步填写（输入 < 返回）"));
			return FORM_AGAIN;
		}
	}
	if (n == 0) {
		shell_errorf(sh, "%s",
		             T(sh, "At least one technique is required (? lists them).",
		               "至少选择一种沟通方法（输入 ? 查看列表）。"));
		return FORM_AGAIN;
	}
	buf_init(&b);
	cmd_complaint_new_fields_join(c, codes, n, 0, &b);
	form_set(f, key, buf_cstr(&b));
	buf_free(&b);
	return FORM_NEXT;
}

static int cmd_complaint_new_techniques_accept(struct form *f, const char *v)
{
	return cmd_complaint_new_kind_accept(f, "techniques", v, CATALOG_VERBAL, true);
}

static void cmd_complaint_new_nonverbal_help(struct form *f)
{
	cmd_complaint_new_fields_techniques_help_kind(f, CATALOG_NONVERBAL);
	shell_printf(form_shell(f), "%s\n",
	             T(form_shell(f), "Optional: - for none.", "可不填：输入 - 表示没有。"));
}

static int cmd_complaint_new_nonverbal_accept(struct form *f, const char *v)
{
	return cmd_complaint_new_kind_accept(f, "nonverbal", v, CATALOG_NONVERBAL, false);
}

static void cmd_complaint_new_outcome_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(
	    sh, "%s\n",
	    T(sh,
	      "If the matter was settled during the contact, what was done: the "
	      "complaint is then saved as resolved (with promises it is kept as a "
	      "note). Enter or - for none.",
	      "如果本次沟通中已经解决，填写处理结果：投诉将保存为“已解决”（若有承诺，则作为备注"
	      "保存）。没有则直接回车或输入 -。"));
}

static int cmd_complaint_new_outcome_accept(struct form *f, const char *v)
{
	if (cmd_complaint_new_fields_none(v))
		v = "";
	if (!cmd_complaint_new_fields_len_ok(f, v, COMPLAINT_TEXT_MAX))
		return FORM_AGAIN;
	form_set(f, "outcome", v);
	return FORM_NEXT;
}


static bool cmd_complaint_new_promise_enter(struct form *f)
{
	struct shell *sh = form_shell(f);
	int n = cmd_complaint_new_fields_npromises(f);

	if (n == 0)
		shell_printf(
		    sh, "%s\n",
		    T(sh,
		      "Promises made to the owner (what will be done, by when). Enter "
		      "when there are none (more).",
		      "对业主的承诺（做什么、什么时候之前）。没有（更多）承诺时直接回车。"));
	return true;
}

static void cmd_complaint_new_promise_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh,
	               "What you told the owner would be done, e.g. 明天上午派维修工上门查看. "
	               "Enter when done; - removes the last promise entered.",
	               "告诉业主将要做的事，例如：明天上午派维修工上门查看。输入完毕直接回车；"
	               "输入 - 删除上一条承诺。"));
	if (cmd_complaint_new_fields_npromises(f) > 0) {
		shell_printf(sh, "%s\n", T(sh, "Promises so far:", "已录入的承诺："));
		cmd_complaint_new_fields_promises_print(f);
	}
}

static int cmd_complaint_new_promise_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);
	int n = cmd_complaint_new_fields_npromises(f);
	char num[16];

	if (v[0] == '\0') {
		form_set(f, "promise", NULL);
		return form_step_index(f, "confirm");
	}
	if (strcmp(v, "-") == 0) {
		if (n == 0) {
			shell_errorf(sh, "%s",
			             T(sh, "There is no promise to remove.", "没有可删除的承诺。"));
			return FORM_AGAIN;
		}
		cmd_complaint_new_fields_promise_set(f, n, "what", NULL);
		cmd_complaint_new_fields_promise_set(f, n, "due", NULL);
		snprintf(num, sizeof num, "%d", n - 1);
		form_set(f, "promises", n > 1 ? num : NULL);
		shell_printf(sh, T(sh, "Promise %d removed.\n", "已删除第 %d 条承诺。\n"), n);
		return FORM_AGAIN;
	}
	if (n == COMPLAINT_PROMISES_MAX) {
		shell_errorf(sh, T(sh, "At most %d promises.", "最多 %d 条承诺。"),
		             COMPLAINT_PROMISES_MAX);
		return FORM_AGAIN;
	}
	if (!cmd_complaint_new_fields_len_ok(f, v, COMPLAINT_TEXT_MAX))
		return FORM_AGAIN;
	form_set(f, "promise", v);
	return FORM_NEXT;
}

/* --- summary and save ------------------------------------------------------------------- */

static int cmd_complaint_new_incomplete(struct form *f);

/* Tells that the answer of step (an index) is missing or not valid. */
static void cmd_complaint_new_incomplete_say(struct shell *sh, int step);

static void cmd_complaint_new_line(struct shell *sh, const char *label_en, const char *label_zh,
                                   const char *value)
{
	shell_printf(sh, "  %s", T(sh, label_en, label_zh));
	cmd_complaint_new_fields_print_clean(sh, value != NULL && value[0] != '\0' ? value : "-");
	shell_printf(sh, "\n");
}

static bool cmd_complaint_new_confirm_enter(struct form *f)
{
	/* First: the checks may refresh values (the pointers below are borrowed). */
	int bad = cmd_complaint_new_incomplete(f);
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
	const struct catalog_item *cat = catalog_category(c, form_get(f, "category"));
	const char *words = form_get(f, "words");
	const char *outcome = form_get(f, "outcome");
	const char *unit = form_get(f, "unit"), *verified = form_get(f, "unit.verified");
	struct buf b;

	buf_init(&b);
	shell_printf(sh, "%s\n", T(sh, "——— the complaint ———", "——— 投诉内容 ———"));
	buf_puts(&b, cmd_complaint_new_fields_or_none(unit));
	if (unit != NULL && (verified == NULL || strcmp(verified, "1") != 0))
		buf_puts(&b, T(sh, " (unverified)", "（未核实）"));
	cmd_complaint_new_line(sh, "Unit:       ", "单元：    ", buf_cstr(&b));
	buf_reset(&b);
	buf_printf(&b, "%s (%s)", cmd_complaint_new_fields_or_none(form_get(f, "caller")),
	           cmd_complaint_new_fields_choice_label(sh, cmd_complaint_new_fields_relations,
	                                          CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_relations),
	                                          form_get(f, "relation")));
	cmd_complaint_new_line(sh, "Caller:     ", "来电人：  ", buf_cstr(&b));
	cmd_complaint_new_line(sh, "Phone:      ", "电话：    ", form_get(f, "phone"));
	cmd_complaint_new_line(
	    sh, "Channel:    ", "渠道：    ",
	    cmd_complaint_new_fields_choice_label(sh, cmd_complaint_new_fields_channels,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_channels),
	                                   form_get(f, "channel")));
	buf_reset(&b);
	buf_printf(&b, "%s %s", cmd_complaint_new_fields_or_none(form_get(f, "category")),
	           cat ? catalog_name(cat, sh->lang) : "");
	cmd_complaint_new_line(sh, "Category:   ", "类别：    ", buf_cstr(&b));
	shell_printf(sh, "  %s\n", T(sh, "Words:", "业主反映："));
	{
		const char *p = words != NULL ? words : "";

		while (*p != '\0') {
			size_t n = strcspn(p, "\n");
			char *line = strndup(p, n);

			if (line == NULL)
				abort();
			shell_printf(sh, "    | ");
			cmd_complaint_new_fields_print_clean(sh, line);
			shell_printf(sh, "\n");
			free(line);
			p += n;
			if (*p == '\n')
				p++;
		}
	}
	cmd_complaint_new_line(
	    sh, "Mood:       ", "情绪：    ",
	    cmd_complaint_new_fields_choice_label(sh, cmd_complaint_new_fields_moods,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_moods),
	                                   form_get(f, "mood")));
	cmd_complaint_new_line(sh, "Dialect:    ", "方言：    ", form_get(f, "dialect"));
	buf_reset(&b);
	cmd_complaint_new_fields_names(sh, c, form_get(f, "techniques"), &b);
	cmd_complaint_new_line(sh, "Techniques: ", "沟通方法：", buf_cstr(&b));
	buf_reset(&b);
	cmd_complaint_new_fields_names(sh, c, form_get(f, "nonverbal"), &b);
	cmd_complaint_new_line(sh, "Non-verbal: ", "非语言：  ", buf_cstr(&b));
	buf_reset(&b);
	if (outcome != NULL && outcome[0] != '\0') {
		buf_puts(&b, outcome);
		buf_puts(&b, cmd_complaint_new_fields_npromises(f) == 0
		                 ? T(sh, "  (saved as resolved)", "（保存为已解决）")
		                 : T(sh, "  (kept as a note: promises are open)",
		                     "（有未兑现的承诺，作为备注保存）"));
	}
	cmd_complaint_new_line(sh, "Outcome:    ", "处理结果：", buf_cstr(&b));
	if (cmd_complaint_new_fields_npromises(f) == 0) {
		cmd_complaint_new_line(sh, "Promises:   ", "承诺：    ", NULL);
	} else {
		shell_printf(sh, "  %s\n", T(sh, "Promises:", "承诺："));
		cmd_complaint_new_fields_promises_print(f);
	}
	buf_free(&b);
	if (bad >= 0)
		cmd_complaint_new_incomplete_say(sh, bad);
	return true;
}

static void cmd_complaint_new_confirm_def(struct form *f, struct buf *out)
{
	(void)f;
	buf_puts(out, "Y");
}

static void cmd_complaint_new_confirm_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh,
	               "Y (or Enter) saves the complaint; < goes back to change a "
	               "step; Ctrl-C discards it.",
	               "Y（或直接回车）保存投诉；< 返回修改；Ctrl-C 放弃。"));
}

/* Splits a "a,b" list into borrowed pointers into buf (modified). */
static size_t cmd_complaint_new_split(char *buf, const char **out, size_t max, size_t n)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(buf, ",", &save); tok != NULL && n < max;
	     tok = strtok_r(NULL, ",", &save))
		if (tok[0] != '\0')
			out[n++] = tok;
	return n;
}

static int cmd_complaint_new_save(struct form *f)
{
	struct shell *sh = form_shell(f);
	struct promise_new promises[COMPLAINT_PROMISES_MAX];
	const char *codes[2 * CMD_COMPLAINT_NEW_CODES_MAX];
	char number[COMPLAINT_NUMBER_MAX], norm[32];
	/* First: the checks may refresh values (the pointers below are borrowed). */
	int bad = cmd_complaint_new_incomplete(f);
	const char *outcome = form_get(f, "outcome");
	char *tech, *nonverbal;
	struct complaint_new in;
	struct audit_ctx ctx;
	int np = cmd_complaint_new_fields_npromises(f), i, rc;
	size_t ncodes = 0;

	if (bad >= 0) {
		/* Never saved with an answer missing: to the step that lacks it. */
		cmd_complaint_new_incomplete_say(sh, bad);
		shell_printf(sh, "%s\n", T(sh, "Not saved.", "未保存。"));
		return bad;
	}
	tech = strdup(form_get(f, "techniques") ? form_get(f, "techniques") : "");
	nonverbal = strdup(form_get(f, "nonverbal") ? form_get(f, "nonverbal") : "");
	if (tech == NULL || nonverbal == NULL)
		abort();
	memset(&in, 0, sizeof in);
	in.unit = form_get(f, "unit");
	in.caller = form_get(f, "caller");
	in.relation = store_complaint_relation_parse(form_get(f, "relation"));
	in.phone = form_get(f, "phone");
	in.channel = store_complaint_channel_parse(form_get(f, "channel"));
	in.category = form_get(f, "category");
	in.words = form_get(f, "words");
	in.mood = store_complaint_mood_parse(form_get(f, "mood"));
	in.dialect = form_get(f, "dialect");
	ncodes = cmd_complaint_new_split(tech, codes, 2 * CMD_COMPLAINT_NEW_CODES_MAX, 0);
	ncodes = cmd_complaint_new_split(nonverbal, codes, 2 * CMD_COMPLAINT_NEW_CODES_MAX, ncodes);
	if (ncodes > COMPLAINT_TECHNIQUES_MAX)
		ncodes = COMPLAINT_TECHNIQUES_MAX;
	in.techniques = codes;
	in.ntechniques = ncodes;
	memset(promises, 0, sizeof promises);
	for (i = 0; i < np; i++) {
		const char *due = cmd_complaint_new_fields_promise_get(f, i + 1, "due");

		promises[i].what = cmd_complaint_new_fields_promise_get(f, i + 1, "what");
		if (due == NULL || promises[i].what == NULL ||
		    !cmd_complaint_new_fields_due_parse(due, &promises[i].due_ms, norm, sizeof norm))
			promises[i].due_ms = 0; /* refused by the store below */
	}
	in.promises = promises;
	in.npromises = (size_t)np;
	rc = (int)in.relation < 0 || (int)in.channel < 0 || (int)in.mood < 0 || in.unit == NULL ||
	             in.caller == NULL || in.category == NULL || in.words == NULL
	         ? STORE_EINVAL
	         : 0;
	/* The draft goes with the complaint, in its transaction: one draft, one complaint. */
	in.draft_kind = CMD_COMPLAINT_NEW_KIND;
	in.draft_required = ((struct cmd_complaint_new *)form_arg(f))->resumed;
	shell_audit_ctx(sh, &ctx);
	if (rc == 0)
		rc = store_complaint_add(sh->host.store, &ctx, &in, number);
	free(tech);
	free(nonverbal);
	if (rc == STORE_EOWNER || (rc == STORE_ESTATE && in.draft_required)) {
		shell_errorf(sh, "%s",
		             rc == STORE_EOWNER
		                 ? T(sh,
		                     "Not saved: this draft is open in another session, which saves "
		                     "it.",
		                     "未保存：这份草稿正在另一个会话中打开，由该会话保存。")
		                 : T(sh,
		                     "Not saved: this draft was already saved (or discarded) in "
		                     "another session; complaint list --mine shows it.",
		                     "未保存：这份草稿已在另一个会话中保存（或放弃）；可用 complaint "
		                     "list --mine 查看。"));
		form_end(f, CMD_ERROR, false);
		return FORM_ENDED;
	}
	if (rc < 0) {
		shell_store_error(sh, rc);
		shell_printf(sh, "%s\n",
		             T(sh,
		               "Not saved: < goes back to correct a step; the draft "
		               "is kept.",
		               "未保存：输入 < 返回修改；草稿仍然保留。"));
		return FORM_AGAIN;
	}
	shell_printf(sh, T(sh, "Complaint %s saved.\n", "投诉 %s 已保存。\n"), number);
	if (outcome != NULL && outcome[0] != '\0') {
		rc = np == 0 ? store_complaint_resolve(sh->host.store, &ctx, number, outcome)
		             : store_complaint_note(sh->host.store, &ctx, number, outcome);
		if (rc < 0) {
			shell_printf(sh, "%s",
			             T(sh, "The outcome was not recorded: ", "处理结果未能记录："));
			shell_store_error(sh, rc);
		} else if (np == 0) {
			shell_printf(sh, "%s\n", T(sh, "Marked resolved.", "已标记为已解决。"));
		}
	}
	form_end(f, CMD_OK, true);
	return FORM_ENDED;
}

static int cmd_complaint_new_confirm_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);

	if (cmd_complaint_new_fields_is(v, "y", "是", "yes"))
		return cmd_complaint_new_save(f);
	if (cmd_complaint_new_fields_is(v, "n", "否", "no")) {
		shell_printf(sh, "%s\n",
		             T(sh,
		               "Not saved: < goes back to change a step, Ctrl-C "
		               "discards, Y saves.",
		               "未保存：< 返回修改，Ctrl-C 放弃，Y 保存。"));
		return FORM_AGAIN;
	}
	cmd_complaint_new_confirm_help(f);
	return FORM_AGAIN;
}

static const struct form_step cmd_complaint_new_steps[] = {
    {"unit", 0, "Unit", "单元号", NULL, NULL, cmd_complaint_new_unit_help,
     cmd_complaint_new_unit_accept, cmd_complaint_new_fields_unit_check},
    {"caller", 0, "Caller", "来电人", NULL, cmd_complaint_new_caller_def,
     cmd_complaint_new_caller_help, cmd_complaint_new_caller_accept,
     cmd_complaint_new_fields_caller_check},
    {"relation", 0, "Relation (owner/family/tenant/other)", "与业主关系（业主/家属/租户/其他）",
     NULL, cmd_complaint_new_relation_def, cmd_complaint_new_relation_help,
     cmd_complaint_new_relation_accept, cmd_complaint_new_fields_relation_check},
    {"phone", 0, "Phone (- for none)", "联系电话（- 表示不留）", NULL, cmd_complaint_new_phone_def,
     cmd_complaint_new_phone_help, cmd_complaint_new_phone_accept, cmd_complaint_new_fields_phone_check},
    {"channel", 0, "Channel (phone/visit/onsite)", "渠道（电话/来访/现场）", NULL,
     cmd_complaint_new_channel_def, cmd_complaint_new_channel_help,
     cmd_complaint_new_channel_accept, cmd_complaint_new_fields_channel_check},
    {"category", 0, "Category (? lists them)", "投诉类别（? 查看列表）", NULL, NULL,
     cmd_complaint_new_category_help, cmd_complaint_new_category_accept,
     cmd_complaint_new_fields_category_check},
    {"words", FORM_TEXT, "The owner's words", "业主反映的内容", NULL, NULL,
     cmd_complaint_new_words_help, cmd_complaint_new_words_accept, cmd_complaint_new_fields_words_check},
    {"mood", 0, "Mood (calm/upset/angry)", "情绪（平静/不满/激动）", NULL,
     cmd_complaint_new_mood_def, cmd_complaint_new_mood_help, cmd_complaint_new_mood_accept,
     cmd_complaint_new_fields_mood_check},
    {"dialect", 0, "Preferred dialect (optional)", "方言偏好（可不填）", NULL, NULL,
     cmd_complaint_new_dialect_help, cmd_complaint_new_dialect_accept,
     cmd_complaint_new_fields_dialect_check},
    {"suggest", 0, "Accept (Enter) or type codes", "采纳（回车）或输入代码",
     cmd_complaint_new_suggest_enter, cmd_complaint_new_suggest_def, cmd_complaint_new_suggest_help,
     cmd_complaint_new_suggest_accept, NULL},
    {"techniques", 0, "Techniques used (codes)", "使用的沟通方法（代码）", NULL, NULL,
     cmd_complaint_new_techniques_help, cmd_complaint_new_techniques_accept,
     cmd_complaint_new_fields_techniques_check},
    {"nonverbal", 0, "Non-verbal measures (optional)", "非语言措施（可不填）", NULL, NULL,
     cmd_complaint_new_nonverbal_help, cmd_complaint_new_nonverbal_accept,
     cmd_complaint_new_fields_nonverbal_check},
    {"outcome", 0, "Outcome (optional)", "处理结果（可不填）", NULL, NULL,
     cmd_complaint_new_outcome_help, cmd_complaint_new_outcome_accept,
     cmd_complaint_new_fields_outcome_check},
    {"promise", 0, "Promise (empty: none/no more)", "承诺内容（回车：无/结束）",
     cmd_complaint_new_promise_enter, NULL, cmd_complaint_new_promise_help,
     cmd_complaint_new_promise_accept, cmd_complaint_new_fields_promise_check},
    {"promise.due", 0, "Due (YYYY-MM-DD[ HH:MM])", "期限（YYYY-MM-DD[ HH:MM]）", NULL, NULL,
     cmd_complaint_new_fields_due_help, cmd_complaint_new_fields_due_accept, NULL},
    {"confirm", 0, "Save? (Y/n)", "保存？(Y/n)", cmd_complaint_new_confirm_enter,
     cmd_complaint_new_confirm_def, cmd_complaint_new_confirm_help,
     cmd_complaint_new_confirm_accept, NULL},
};

static const struct form_spec cmd_complaint_new_spec = {
    .kind = CMD_COMPLAINT_NEW_KIND,
    .what_en = "complaint",
    .what_zh = "投诉",
    .steps = cmd_complaint_new_steps,
    .nsteps = sizeof cmd_complaint_new_steps / sizeof cmd_complaint_new_steps[0],
    .free_arg = cmd_complaint_new_free_arg,
};

/* The first step before the summary whose answer is missing or not valid (its check fails),
 * or -1 when there is none. */
static int cmd_complaint_new_incomplete(struct form *f)
{
	size_t confirm = (size_t)form_step_index(f, "confirm"), i;

	for (i = 0; i < confirm; i++)
		if (cmd_complaint_new_steps[i].check != NULL &&
		    !cmd_complaint_new_steps[i].check(f))
			return (int)i;
	return -1;
}

static void cmd_complaint_new_incomplete_say(struct shell *sh, int step)
{
	shell_errorf(sh,
	             T(sh,
	               "The complaint is incomplete: the answer to \"%s\" is missing or not "
	               "valid (Y goes to that step).",
	               "投诉内容不完整：“%s”一项缺失或无效（输入 Y 转到该步骤）。"),
	             T(sh, cmd_complaint_new_steps[step].prompt_en,
	               cmd_complaint_new_steps[step].prompt_zh));
}

/* --- starting, resuming ----------------------------------------------------------------- */

/* Starts the form (data: a draft to resume, or NULL). CMD_PENDING or CMD_ERROR. */
static int cmd_complaint_new_start(struct shell *sh, const char *data)
{
	struct cmd_complaint_new *cn;
	struct catalog *c = sh->host.catalog != NULL ? sh->host.catalog(sh->host.ctx) : NULL;

	if (c == NULL) {
		shell_errorf(sh, "%s",
		             T(sh, "The catalogs (techniques, categories) are not loaded.",
		               "沟通方法和投诉类别目录未加载。"));
		return CMD_ERROR;
	}
	cn = calloc(1, sizeof *cn);
	if (cn == NULL)
		abort();
	cn->cat = c;
	cn->resumed = data != NULL;
	return form_start(sh, &cmd_complaint_new_spec, cn, data);
}

/* Resumes the draft (sh->op[0]) once this session holds it. CMD_PENDING or CMD_ERROR. */
static int cmd_complaint_new_resume(struct shell *sh)
{
	struct draft held;
	int rc;

	memset(&held, 0, sizeof held);
	rc = sh->opts.session_id != NULL
	         ? store_draft_claim(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND,
	                             sh->opts.session_id, &held)
	         : 0;
	if (rc == STORE_EOWNER)
		rc = cmd_complaint_new_fields_held_say(sh, &held);
	else if (rc == STORE_ENOENT) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "The draft is gone: it was saved or discarded in another session.",
		               "草稿已不在：它已在另一个会话中保存或放弃。"));
		rc = CMD_ERROR;
	} else if (rc < 0)
		rc = shell_store_error(sh, rc);
	else
		rc = cmd_complaint_new_start(sh, sh->op[0]);
	store_draft_clear(&held);
	return rc;
}

/* The step a draft stopped at, in the session language (for the offer). */
static const char *cmd_complaint_new_step_name(struct shell *sh, int step)
{
	if (step < 0 || (size_t)step >= cmd_complaint_new_spec.nsteps)
		return "?";
	return T(sh, cmd_complaint_new_steps[step].prompt_en,
	         cmd_complaint_new_steps[step].prompt_zh);
}

/* The answer to a yes/no question, trimmed, into a. */
static void cmd_complaint_new_answer(const char *line, const char *none, struct buf *a)
{
	const char *s = line != NULL ? line : none;
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	buf_append(a, s, n);
	buf_puts(a, "");
}

/* `complaint new` with a draft waiting: resume it (op[0] holds it) or start afresh. */
static void cmd_complaint_new_resume_cb(struct shell *sh, const char *line)
{
	struct buf a;
	int rc;

	buf_init(&a);
	cmd_complaint_new_answer(line, "n", &a);
	if (a.len == 0 || cmd_complaint_new_fields_is(buf_cstr(&a), "y", "是", "yes")) {
		rc = cmd_complaint_new_resume(sh);
	} else if (cmd_complaint_new_fields_is(buf_cstr(&a), "n", "否", "no")) {
		struct draft held;

		memset(&held, 0, sizeof held);
		rc = store_draft_delete_as(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND,
		                           sh->opts.session_id);
		if (rc == STORE_EOWNER &&
		    store_draft_load(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND,
		                     &held) == 0) {
			rc = cmd_complaint_new_fields_held_say(sh, &held);
			store_draft_clear(&held);
			buf_free(&a);
			shell_cmd_done(sh, rc);
			return;
		}
		store_draft_clear(&held);
		shell_printf(
		    sh, "%s\n",
		    T(sh, "The draft is discarded; a new complaint:", "草稿已放弃；新建投诉："));
		rc = cmd_complaint_new_start(sh, NULL);
	} else {
		buf_free(&a);
		shell_read_line(sh, T(sh, "Resume the draft? (Y/n) ", "继续填写草稿？(Y/n) "),
		                false, cmd_complaint_new_resume_cb);
		return;
	}
	buf_free(&a);
	if (rc != CMD_PENDING)
		shell_cmd_done(sh, rc);
}

/* Tells about the draft in d and asks what to do with it (login: the offer at login, else
 * `complaint new`); next gets the answer. */
static int cmd_complaint_new_ask_draft(struct shell *sh, const struct draft *d, bool login,
                                       shell_line_fn next)
{
	char when[32];
	struct buf p;
	int rc;

	cmd_complaint_new_fields_time(d->updated_ms, when, sizeof when);
	shell_op_set(sh, 0, d->data);
	shell_printf(sh,
	             T(sh, "You have an unfinished complaint (saved %s, at: %s).\n",
	               "你有一条未完成的投诉（保存于 %s，停在：%s）。\n"),
	             when, cmd_complaint_new_step_name(sh, d->step));
	buf_init(&p);
	if (login)
		buf_printf(&p,
		           T(sh, "resume the unfinished complaint from %s? (Y/n/d = discard) ",
		             "继续填写 %s 未完成的投诉吗？(Y/n/d = 放弃) "),
		           when);
	else
		buf_puts(&p, T(sh, "Resume it? (Y/n = start a new one) ",
		               "继续填写它吗？(Y/n = 放弃草稿，新建) "));
	rc = shell_read_line(sh, buf_cstr(&p), false, next);
	buf_free(&p);
	return rc;
}

static int cmd_complaint_new(struct shell *sh, struct args *a)
{
	struct draft d;
	int rc;

	(void)a;
	memset(&d, 0, sizeof d);
	rc = store_draft_load(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND, &d);
	if (rc == STORE_ENOENT) {
		store_draft_clear(&d);
		return cmd_complaint_new_start(sh, NULL);
	}
	if (rc < 0) {
		store_draft_clear(&d);
		return shell_store_error(sh, rc);
	}
	if (store_draft_held_elsewhere(&d, sh->opts.session_id, store_now_ms())) {
		rc = cmd_complaint_new_fields_held_say(sh, &d);
		store_draft_clear(&d);
		return rc;
	}
	rc = cmd_complaint_new_ask_draft(sh, &d, false, cmd_complaint_new_resume_cb);
	store_draft_clear(&d);
	return rc;
}

/* The offer at login: Y resumes, n keeps the draft for later, d discards it. */
static void cmd_complaint_draft_offer_cb(struct shell *sh, const char *line)
{
	struct buf a;
	int rc = CMD_OK;

	buf_init(&a);
	cmd_complaint_new_answer(line, "n", &a);
	if (a.len == 0 || cmd_complaint_new_fields_is(buf_cstr(&a), "y", "是", "yes")) {
		rc = cmd_complaint_new_resume(sh);
	} else if (cmd_complaint_new_fields_is(buf_cstr(&a), "n", "否", "no")) {
		shell_printf(sh, "%s\n",
		             T(sh, "The draft is kept: `complaint new` offers it again.",
		               "草稿已保留：执行 `complaint new` 时可继续填写。"));
	} else if (cmd_complaint_new_fields_is(buf_cstr(&a), "d", "放弃", "discard")) {
		rc = store_draft_delete_as(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND,
		                           sh->opts.session_id);
		if (rc == STORE_EOWNER) {
			struct draft held;

			memset(&held, 0, sizeof held);
			if (store_draft_load(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND,
			                     &held) == 0)
				rc = cmd_complaint_new_fields_held_say(sh, &held);
			else
				rc = CMD_ERROR;
			store_draft_clear(&held);
		} else if (rc < 0 && rc != STORE_ENOENT) {
			rc = shell_store_error(sh, rc);
		} else {
			rc = CMD_OK;
			shell_printf(sh, "%s\n", T(sh, "The draft is discarded.", "草稿已放弃。"));
		}
	} else {
		buf_free(&a);
		shell_read_line(sh, T(sh, "Please answer y, n or d: ", "请输入 y、n 或 d："), false,
		                cmd_complaint_draft_offer_cb);
		return;
	}
	buf_free(&a);
	if (rc != CMD_PENDING)
		shell_cmd_done(sh, rc);
}

int cmd_complaint_new_draft_offer(struct shell *sh)
{
	struct draft d;
	int rc;

	if (!sh->interactive || sh->running || sh->host.store == NULL ||
	    !(sh->user.role & ROLES_DESK))
		return CMD_OK;
	memset(&d, 0, sizeof d);
	rc = store_draft_load(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND, &d);
	if (rc < 0) {
		store_draft_clear(&d);
		return CMD_OK; /* none (or unreadable now): nothing to offer */
	}
	if (store_draft_held_elsewhere(&d, sh->opts.session_id, store_now_ms())) {
		/* Open in another session: said, not offered. */
		(void)cmd_complaint_new_fields_held_say(sh, &d);
		store_draft_clear(&d);
		return CMD_OK;
	}
	/* The offer runs like a command: input waits for it, and its end shows the prompt. */
	sh->running = true;
	rc = cmd_complaint_new_ask_draft(sh, &d, true, cmd_complaint_draft_offer_cb);
	store_draft_clear(&d);
	return rc;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct cmd_entry cmd_complaint_new_entries[] = {
    {"complaint", "new", ROLES_DESK, NULL, 0, 0, "complaint new",
     "Take a complaint with a guided form: unit, caller, phone, channel, category, the owner's "
     "words, mood, suggested techniques, promises. ? at any step shows the choices, < goes "
     "back, Ctrl-C asks before discarding; the draft is kept if the connection drops.",
     "通过引导式表单登记投诉：单元、来电人、电话、渠道、类别、业主原话、情绪、推荐的沟通方法、承诺"
     "。"
     "每一步输入 ? 查看选项，< 返回上一步，Ctrl-C 确认后放弃；连接中断时草稿会保留。",
     CMD_AUDIT | CMD_INTERACTIVE, NULL, cmd_complaint_new, 0},
};

const struct cmd_group cmd_complaint_new_group = {cmd_complaint_new_entries, sizeof cmd_complaint_new_entries / sizeof cmd_complaint_new_entries[0],
                                           "Complaints", "投诉"};
