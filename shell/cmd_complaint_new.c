/* cmd_complaint_new — `complaint new`, the guided complaint form (form.h): unit, caller,
 * relation, phone, channel, category, the owner's words, mood, dialect, the technique
 * suggestions of etc/suggest.ini, techniques, non-verbal measures, outcome, promises, then a
 * summary and save. The draft saved after every step is offered again at the next login
 * (cmd_complaint_draft_offer). */
#include "cmd.h"

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
#include "suggest.h"
#include "utf8.h"

#define CMD_COMPLAINT_NEW_KIND "complaint"
#define CMD_COMPLAINT_NEW_UNITS_SHOWN 20
#define CMD_COMPLAINT_NEW_CODES_MAX COMPLAINT_TECHNIQUES_MAX

/* The form's own data: the catalog it was started with (one reference). */
struct cmd_complaint_new {
	struct catalog *cat;
};

static void cmd_complaint_new_free_arg(void *arg)
{
	struct cmd_complaint_new *cn = arg;

	if (cn == NULL)
		return;
	catalog_unref(cn->cat);
	free(cn);
}

static struct catalog *cmd_complaint_new_cat(struct form *f)
{
	return ((struct cmd_complaint_new *)form_arg(f))->cat;
}

/* --- small helpers ---------------------------------------------------------------------- */

static void cmd_complaint_new_time(int64_t ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL)
		snprintf(out, len, "-");
	else
		strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

/* v, or "-" when it is missing (the summary shows what there is, never a missing value). */
static const char *cmd_complaint_new_or_none(const char *v)
{
	return v != NULL ? v : "-";
}

/* Prints s sanitized (untrusted: typed or from the database). */
static void cmd_complaint_new_print_clean(struct shell *sh, const char *s)
{
	struct buf b;

	buf_init(&b);
	shell_clean(&b, s);
	shell_write(sh, 1, b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
}

static bool cmd_complaint_new_is(const char *v, const char *a, const char *b, const char *c)
{
	return strcasecmp(v, a) == 0 || (b != NULL && strcmp(v, b) == 0) ||
	       (c != NULL && strcmp(v, c) == 0);
}

/* "-" (or "无"/"none") clears an optional step. */
static bool cmd_complaint_new_none(const char *v)
{
	return cmd_complaint_new_is(v, "-", "无", "none");
}

/* An enumeration offered in a step: the stored name, its Chinese and English labels. */
struct cmd_complaint_new_choice {
	const char *name, *zh, *en, *zh_alt;
};

static const struct cmd_complaint_new_choice cmd_complaint_new_relations[] = {
    {"owner", "业主本人", "the owner", "业主"},
    {"family", "家属", "family", "家人"},
    {"tenant", "租户", "tenant", "租客"},
    {"other", "其他", "other", NULL},
};

static const struct cmd_complaint_new_choice cmd_complaint_new_channels[] = {
    {"phone", "电话", "phone call", "来电"},
    {"visit", "来访", "visit to the office", "上门"},
    {"onsite", "现场", "on site", NULL},
};

static const struct cmd_complaint_new_choice cmd_complaint_new_moods[] = {
    {"calm", "平静", "calm", NULL},
    {"upset", "不满", "upset", "不高兴"},
    {"angry", "激动", "angry", "愤怒"},
};

#define CMD_COMPLAINT_NEW_N(a) (sizeof(a) / sizeof((a)[0]))

/* The choice named by v (its name, a label or its number from 1); NULL when none. */
static const struct cmd_complaint_new_choice *
cmd_complaint_new_choice(const struct cmd_complaint_new_choice *list, size_t n, const char *v)
{
	char *end = NULL;
	long k = strtol(v, &end, 10);
	size_t i;

	if (v[0] != '\0' && end != NULL && *end == '\0' && k >= 1 && (size_t)k <= n)
		return &list[k - 1];
	for (i = 0; i < n; i++)
		if (strcasecmp(v, list[i].name) == 0 || strcmp(v, list[i].zh) == 0 ||
		    strcasecmp(v, list[i].en) == 0 ||
		    (list[i].zh_alt != NULL && strcmp(v, list[i].zh_alt) == 0))
			return &list[i];
	return NULL;
}

static const char *cmd_complaint_new_choice_label(struct shell *sh,
                                                  const struct cmd_complaint_new_choice *list,
                                                  size_t n, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return T(sh, list[i].en, list[i].zh);
	return name != NULL ? name : "-";
}

static void cmd_complaint_new_choices_help(struct shell *sh,
                                           const struct cmd_complaint_new_choice *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		shell_printf(sh, "  %zu  %-7s %s\n", i + 1, list[i].name,
		             T(sh, list[i].en, list[i].zh));
}

static int cmd_complaint_new_choice_accept(struct form *f, const char *key,
                                           const struct cmd_complaint_new_choice *list, size_t n,
                                           const char *v)
{
	struct shell *sh = form_shell(f);
	const struct cmd_complaint_new_choice *c = cmd_complaint_new_choice(list, n, v);

	if (c == NULL) {
		shell_printf(sh, T(sh, "Please choose one of these (name or number):\n",
		                   "请从下列选项中选择（名称或编号）：\n"));
		cmd_complaint_new_choices_help(sh, list, n);
		return FORM_AGAIN;
	}
	form_set(f, key, c->name);
	return FORM_NEXT;
}

/* Checks a typed text: at most max bytes. */
/* A text answer: not too long, and no invisible character (which the store refuses). */
static bool cmd_complaint_new_len_ok(struct form *f, const char *v, size_t max)
{
	struct shell *sh = form_shell(f);

	if (strlen(v) > max) {
		shell_errorf(sh,
		             T(sh, "Too long: at most %zu bytes (about %zu Chinese characters).",
		               "内容过长：最多 %zu 字节（约 %zu 个汉字）。"),
		             max, max / 3);
		return false;
	}
	return shell_text_visible(sh, T(sh, "The answer", "输入的内容"), v, strlen(v));
}

/* --- code lists (techniques) -------------------------------------------------------------- */

/* Splits "a, b、c d" into codes (copied into out, at most max); a number picks the catalog's
 * technique of that number. Prints and returns -1 for an unknown code. */
static int cmd_complaint_new_codes(struct form *f, const char *v, char out[][40], size_t max,
                                   size_t *n)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_cat(f);
	struct buf w;
	const char *p = v;

	*n = 0;
	buf_init(&w);
	while (*p != '\0') {
		const struct catalog_item *it = NULL;
		size_t len, i;
		char *end = NULL;
		long k;

		if (*p == ' ' || *p == ',' || *p == ';' || *p == '\t') {
			p++;
			continue;
		}
		if (strncmp(p, "、", 3) == 0 || strncmp(p, "，", 3) == 0) {
			p += 3;
			continue;
		}
		len = strcspn(p, " ,;\t");
		for (i = 0; i < len; i++)
			if (strncmp(p + i, "、", 3) == 0 || strncmp(p + i, "，", 3) == 0)
				break;
		len = i;
		buf_reset(&w);
		buf_append(&w, p, len);
		buf_puts(&w, "");
		p += len;
		k = strtol(w.data, &end, 10);
		if (end != NULL && *end == '\0' && k >= 1 && (size_t)k <= c->ntechniques)
			it = &c->techniques[k - 1];
		else
			it = catalog_technique(c, w.data);
		if (it == NULL) {
			struct buf clean;

			buf_init(&clean);
			shell_clean(&clean, w.data);
			shell_errorf(sh,
			             T(sh, "Unknown technique `%s` (? lists them).",
			               "未知的沟通方法 `%s`（输入 ? 查看列表）。"),
			             buf_cstr(&clean));
			buf_free(&clean);
			buf_free(&w);
			return -1;
		}
		for (i = 0; i < *n; i++)
			if (strcmp(out[i], it->code) == 0)
				break;
		if (i < *n)
			continue;
		if (*n == max) {
			shell_errorf(sh, T(sh, "At most %zu codes.", "最多 %zu 个。"), max);
			buf_free(&w);
			return -1;
		}
		snprintf(out[(*n)++], 40, "%s", it->code);
	}
	buf_free(&w);
	return 0;
}

/* Joins the codes of kind (0: any) with ",". */
static void cmd_complaint_new_join(const struct catalog *c, char codes[][40], size_t n,
                                   enum catalog_kind kind, struct buf *out)
{
	size_t i;

	buf_reset(out);
	buf_puts(out, "");
	for (i = 0; i < n; i++) {
		const struct catalog_item *it = catalog_technique(c, codes[i]);

		if (kind != 0 && (it == NULL || it->kind != kind))
			continue;
		if (out->len > 0)
			buf_putc(out, ',');
		buf_puts(out, codes[i]);
	}
}

static void cmd_complaint_new_techniques_help_kind(struct form *f, enum catalog_kind kind)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_cat(f);
	size_t i;

	for (i = 0; i < c->ntechniques; i++) {
		const struct catalog_item *it = &c->techniques[i];

		if (kind != 0 && it->kind != kind)
			continue;
		shell_printf(sh, "  %2zu  %-12s ", i + 1, it->code);
		cmd_complaint_new_print_clean(sh, catalog_name(it, sh->lang));
		shell_printf(sh, "\n");
	}
	shell_printf(
	    sh, T(sh,
	          "Give one or more codes or numbers, separated by commas; "
	          "`technique show CODE` has the handbook's guidance.\n",
	          "输入一个或多个代码或编号，用逗号分隔；`technique show 代码` 查看手册指导。\n"));
}

/* Names of a code list ("stepback 以退为进法, patience 委曲求全法"). */
static void cmd_complaint_new_names(struct shell *sh, const struct catalog *c, const char *codes,
                                    struct buf *out)
{
	const char *p = codes != NULL ? codes : "";
	bool first = true;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		char code[40];
		const struct catalog_item *it;

		snprintf(code, sizeof code, "%.*s", (int)(n < 39 ? n : 39), p);
		p += n;
		if (*p == ',')
			p++;
		if (code[0] == '\0')
			continue;
		if (!first)
			buf_puts(out, T(sh, ", ", "，"));
		first = false;
		it = catalog_technique(c, code);
		buf_puts(out, code);
		if (it != NULL) {
			buf_putc(out, ' ');
			buf_puts(out, catalog_name(it, sh->lang));
		}
	}
	if (first)
		buf_puts(out, "-");
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
		cmd_complaint_new_print_clean(sh, units[i].code);
		if (units[i].owner_name != NULL) {
			shell_printf(sh, "  ");
			cmd_complaint_new_print_clean(sh, units[i].owner_name);
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
		unit_clear(&u);
		return FORM_AGAIN;
	}
	if (rc < 0) {
		unit_clear(&u);
		shell_store_error(sh, rc);
		return FORM_AGAIN;
	}
	form_set(f, "unit", v);
	form_set(f, "unit.verified", "1");
	form_set(f, "unit.owner", u.owner_name);
	form_set(f, "unit.phone", u.owner_phone);
	if (u.owner_name != NULL) {
		shell_printf(sh, "%s", T(sh, "Registered owner: ", "登记业主："));
		cmd_complaint_new_print_clean(sh, u.owner_name);
		shell_printf(sh, "\n");
	}
	unit_clear(&u);
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
	if (!cmd_complaint_new_len_ok(f, v, COMPLAINT_CALLER_MAX))
		return FORM_AGAIN;
	form_set(f, "caller", v);
	return FORM_NEXT;
}

static void cmd_complaint_new_relation_def(struct form *f, struct buf *out)
{
	(void)f;
	buf_puts(out, "owner");
}

static void cmd_complaint_new_relation_help(struct form *f)
{
	cmd_complaint_new_choices_help(form_shell(f), cmd_complaint_new_relations,
	                               CMD_COMPLAINT_NEW_N(cmd_complaint_new_relations));
}

static int cmd_complaint_new_relation_accept(struct form *f, const char *v)
{
	return cmd_complaint_new_choice_accept(f, "relation", cmd_complaint_new_relations,
	                                       CMD_COMPLAINT_NEW_N(cmd_complaint_new_relations), v);
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

	if (v[0] == '\0' || cmd_complaint_new_none(v)) {
		form_set(f, "phone", "");
		return FORM_NEXT;
	}
	if (!store_complaint_phone_ok(v)) {
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
	(void)f;
	buf_puts(out, "phone");
}

static void cmd_complaint_new_channel_help(struct form *f)
{
	cmd_complaint_new_choices_help(form_shell(f), cmd_complaint_new_channels,
	                               CMD_COMPLAINT_NEW_N(cmd_complaint_new_channels));
}

static int cmd_complaint_new_channel_accept(struct form *f, const char *v)
{
	return cmd_complaint_new_choice_accept(f, "channel", cmd_complaint_new_channels,
	                                       CMD_COMPLAINT_NEW_N(cmd_complaint_new_channels), v);
}

static void cmd_complaint_new_category_help(struct form *f)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_cat(f);
	size_t i;

	for (i = 0; i < c->ncategories; i++) {
		shell_printf(sh, "  %2zu  %-12s ", i + 1, c->categories[i].code);
		cmd_complaint_new_print_clean(sh, catalog_name(&c->categories[i], sh->lang));
		shell_printf(sh, "\n");
	}
}

static int cmd_complaint_new_category_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_cat(f);
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
	if (!cmd_complaint_new_len_ok(f, v, COMPLAINT_WORDS_MAX))
		return FORM_AGAIN;
	form_set(f, "words", v);
	return FORM_NEXT;
}

static void cmd_complaint_new_mood_def(struct form *f, struct buf *out)
{
	(void)f;
	buf_puts(out, "calm");
}

static void cmd_complaint_new_mood_help(struct form *f)
{
	cmd_complaint_new_choices_help(form_shell(f), cmd_complaint_new_moods,
	                               CMD_COMPLAINT_NEW_N(cmd_complaint_new_moods));
}

static int cmd_complaint_new_mood_accept(struct form *f, const char *v)
{
	return cmd_complaint_new_choice_accept(f, "mood", cmd_complaint_new_moods,
	                                       CMD_COMPLAINT_NEW_N(cmd_complaint_new_moods), v);
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
	if (cmd_complaint_new_none(v))
		v = "";
	if (!cmd_complaint_new_len_ok(f, v, COMPLAINT_DIALECT_MAX))
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

	if (suggest_run(cmd_complaint_new_cat(f), &fields, out, &n, NULL) < 0) {
		*out = NULL;
		return 0;
	}
	return n;
}

static bool cmd_complaint_new_suggest_enter(struct form *f)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_cat(f);
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
			cmd_complaint_new_print_clean(sh, catalog_name(it, sh->lang));
		if (it != NULL && it->kind == CATALOG_NONVERBAL)
			shell_printf(sh, "%s", T(sh, " (non-verbal)", "（非语言）"));
		shell_printf(sh, "\n");
		if (i + 1 < n && strcmp(s[i + 1].rule, s[i].rule) == 0)
			continue;
		shell_printf(sh, "      → ");
		cmd_complaint_new_print_clean(sh, suggest_reason(&s[i], sh->lang));
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
	cmd_complaint_new_techniques_help_kind(f, 0);
}

static int cmd_complaint_new_suggest_accept(struct form *f, const char *v)
{
	const struct catalog *c = cmd_complaint_new_cat(f);
	char codes[CMD_COMPLAINT_NEW_CODES_MAX][40];
	struct buf b;
	size_t n = 0;

	if (!cmd_complaint_new_none(v) &&
	    cmd_complaint_new_codes(f, v, codes, CMD_COMPLAINT_NEW_CODES_MAX, &n) < 0)
		return FORM_AGAIN;
	buf_init(&b);
	cmd_complaint_new_join(c, codes, n, CATALOG_VERBAL, &b);
	form_set(f, "techniques", b.len > 0 ? buf_cstr(&b) : NULL);
	cmd_complaint_new_join(c, codes, n, CATALOG_NONVERBAL, &b);
	form_set(f, "nonverbal", b.len > 0 ? buf_cstr(&b) : NULL);
	buf_free(&b);
	return FORM_NEXT;
}

static void cmd_complaint_new_techniques_help(struct form *f)
{
	cmd_complaint_new_techniques_help_kind(f, CATALOG_VERBAL);
}

/* A code list of one kind into key; required: at least one. */
static int cmd_complaint_new_kind_accept(struct form *f, const char *key, const char *v,
                                         enum catalog_kind kind, bool required)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_cat(f);
	char codes[CMD_COMPLAINT_NEW_CODES_MAX][40];
	struct buf b;
	size_t n = 0, i;

	if (v[0] == '\0' || cmd_complaint_new_none(v)) {
		if (!required) {
			form_set(f, key, "");
			return FORM_NEXT;
		}
	} else if (cmd_complaint_new_codes(f, v, codes, CMD_COMPLAINT_NEW_CODES_MAX, &n) < 0) {
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
	cmd_complaint_new_join(c, codes, n, 0, &b);
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
	cmd_complaint_new_techniques_help_kind(f, CATALOG_NONVERBAL);
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
	if (cmd_complaint_new_none(v))
		v = "";
	if (!cmd_complaint_new_len_ok(f, v, COMPLAINT_TEXT_MAX))
		return FORM_AGAIN;
	form_set(f, "outcome", v);
	return FORM_NEXT;
}

/* Promises are kept as promises = N and promise.I.what / promise.I.due (I from 1). */
static int cmd_complaint_new_npromises(struct form *f)
{
	const char *n = form_get(f, "promises");
	int k = n != NULL ? atoi(n) : 0;

	return k > 0 && k <= COMPLAINT_PROMISES_MAX ? k : 0;
}

static const char *cmd_complaint_new_promise_get(struct form *f, int i, const char *field)
{
	char key[48];

	snprintf(key, sizeof key, "promise.%d.%s", i, field);
	return form_get(f, key);
}

static void cmd_complaint_new_promise_set(struct form *f, int i, const char *field,
                                          const char *value)
{
	char key[48];

	snprintf(key, sizeof key, "promise.%d.%s", i, field);
	form_set(f, key, value);
}

static void cmd_complaint_new_promises_print(struct form *f)
{
	struct shell *sh = form_shell(f);
	int n = cmd_complaint_new_npromises(f), i;

	for (i = 1; i <= n; i++) {
		shell_printf(sh, "  %d. ", i);
		cmd_complaint_new_print_clean(sh, cmd_complaint_new_promise_get(f, i, "what"));
		shell_printf(sh, T(sh, " — due %s\n", " —— 期限 %s\n"),
		             cmd_complaint_new_or_none(cmd_complaint_new_promise_get(f, i, "due")));
	}
}

static bool cmd_complaint_new_promise_enter(struct form *f)
{
	struct shell *sh = form_shell(f);
	int n = cmd_complaint_new_npromises(f);

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
	if (cmd_complaint_new_npromises(f) > 0) {
		shell_printf(sh, "%s\n", T(sh, "Promises so far:", "已录入的承诺："));
		cmd_complaint_new_promises_print(f);
	}
}

static int cmd_complaint_new_promise_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);
	int n = cmd_complaint_new_npromises(f);
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
		cmd_complaint_new_promise_set(f, n, "what", NULL);
		cmd_complaint_new_promise_set(f, n, "due", NULL);
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
	if (!cmd_complaint_new_len_ok(f, v, COMPLAINT_TEXT_MAX))
		return FORM_AGAIN;
	form_set(f, "promise", v);
	return FORM_NEXT;
}

/* YYYY-MM-DD (23:59 that day) or "YYYY-MM-DD HH:MM" in local time; false when not a date. */
static bool cmd_complaint_new_due_parse(const char *s, int64_t *ms, char *norm, size_t len)
{
	int y, mo, d, h = 23, mi = 59, used = 0;
	struct tm tm;
	time_t t;
	size_t n = strlen(s);

	if (n == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
			return false;
	} else if (n == 16) {
		if (s[10] != ' ' && s[10] != 'T')
			return false;
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
			return false;
		used = 0;
		if (sscanf(s + 11, "%2d:%2d%n", &h, &mi, &used) != 2 || used != 5)
			return false;
	} else {
		return false;
	}
	if (s[4] != '-' || s[7] != '-' || y < 2000 || y > 2999 || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
		return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		return false; /* 2026-02-30 */
	*ms = (int64_t)t * 1000;
	snprintf(norm, len, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
	return true;
}

static void cmd_complaint_new_due_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh,
	               "When it will be done: YYYY-MM-DD (by the end of that day) or "
	               "\"YYYY-MM-DD HH:MM\", local time, in the future.",
	               "完成期限：YYYY-MM-DD（当天结束前）或 \"YYYY-MM-DD HH:MM\"，本地时间，"
	               "必须是将来的时间。"));
}

static int cmd_complaint_new_due_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);
	const char *what = form_get(f, "promise");
	int n = cmd_complaint_new_npromises(f);
	char norm[32], num[16];
	int64_t ms = 0;

	if (what == NULL)
		return form_step_index(f, "promise"); /* came back over a saved promise */
	if (!cmd_complaint_new_due_parse(v, &ms, norm, sizeof norm)) {
		struct buf clean;

		buf_init(&clean);
		shell_clean(&clean, v);
		shell_errorf(sh,
		             T(sh, "`%s` is not a date: use YYYY-MM-DD or \"YYYY-MM-DD HH:MM\".",
		               "`%s` 不是有效的日期：请用 YYYY-MM-DD 或 \"YYYY-MM-DD HH:MM\"。"),
		             buf_cstr(&clean));
		buf_free(&clean);
		return FORM_AGAIN;
	}
	if (ms <= store_now_ms()) {
		shell_errorf(sh,
		             T(sh, "%s is in the past: a promise is for the future.",
		               "%s 已经过去：承诺的期限必须在将来。"),
		             norm);
		return FORM_AGAIN;
	}
	n++;
	cmd_complaint_new_promise_set(f, n, "what", what);
	cmd_complaint_new_promise_set(f, n, "due", norm);
	snprintf(num, sizeof num, "%d", n);
	form_set(f, "promises", num);
	form_set(f, "promise", NULL);
	form_set(f, "promise.due", NULL);
	shell_printf(sh, T(sh, "Promise %d recorded.\n", "已记录第 %d 条承诺。\n"), n);
	return form_step_index(f, "promise");
}

/* --- summary and save ------------------------------------------------------------------- */

static int cmd_complaint_new_incomplete(struct form *f);

/* Tells that the answer of step (an index) is missing or not valid. */
static void cmd_complaint_new_incomplete_say(struct shell *sh, int step);

static void cmd_complaint_new_line(struct shell *sh, const char *label_en, const char *label_zh,
                                   const char *value)
{
	shell_printf(sh, "  %s", T(sh, label_en, label_zh));
	cmd_complaint_new_print_clean(sh, value != NULL && value[0] != '\0' ? value : "-");
	shell_printf(sh, "\n");
}

static bool cmd_complaint_new_confirm_enter(struct form *f)
{
	/* First: the checks may refresh values (the pointers below are borrowed). */
	int bad = cmd_complaint_new_incomplete(f);
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_cat(f);
	const struct catalog_item *cat = catalog_category(c, form_get(f, "category"));
	const char *words = form_get(f, "words");
	const char *outcome = form_get(f, "outcome");
	const char *unit = form_get(f, "unit"), *verified = form_get(f, "unit.verified");
	struct buf b;

	buf_init(&b);
	shell_printf(sh, "%s\n", T(sh, "——— the complaint ———", "——— 投诉内容 ———"));
	buf_puts(&b, cmd_complaint_new_or_none(unit));
	if (unit != NULL && (verified == NULL || strcmp(verified, "1") != 0))
		buf_puts(&b, T(sh, " (unverified)", "（未核实）"));
	cmd_complaint_new_line(sh, "Unit:       ", "单元：    ", buf_cstr(&b));
	buf_reset(&b);
	buf_printf(&b, "%s (%s)", cmd_complaint_new_or_none(form_get(f, "caller")),
	           cmd_complaint_new_choice_label(sh, cmd_complaint_new_relations,
	                                          CMD_COMPLAINT_NEW_N(cmd_complaint_new_relations),
	                                          form_get(f, "relation")));
	cmd_complaint_new_line(sh, "Caller:     ", "来电人：  ", buf_cstr(&b));
	cmd_complaint_new_line(sh, "Phone:      ", "电话：    ", form_get(f, "phone"));
	cmd_complaint_new_line(
	    sh, "Channel:    ", "渠道：    ",
	    cmd_complaint_new_choice_label(sh, cmd_complaint_new_channels,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_channels),
	                                   form_get(f, "channel")));
	buf_reset(&b);
	buf_printf(&b, "%s %s", cmd_complaint_new_or_none(form_get(f, "category")),
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
			cmd_complaint_new_print_clean(sh, line);
			shell_printf(sh, "\n");
			free(line);
			p += n;
			if (*p == '\n')
				p++;
		}
	}
	cmd_complaint_new_line(
	    sh, "Mood:       ", "情绪：    ",
	    cmd_complaint_new_choice_label(sh, cmd_complaint_new_moods,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_moods),
	                                   form_get(f, "mood")));
	cmd_complaint_new_line(sh, "Dialect:    ", "方言：    ", form_get(f, "dialect"));
	buf_reset(&b);
	cmd_complaint_new_names(sh, c, form_get(f, "techniques"), &b);
	cmd_complaint_new_line(sh, "Techniques: ", "沟通方法：", buf_cstr(&b));
	buf_reset(&b);
	cmd_complaint_new_names(sh, c, form_get(f, "nonverbal"), &b);
	cmd_complaint_new_line(sh, "Non-verbal: ", "非语言：  ", buf_cstr(&b));
	buf_reset(&b);
	if (outcome != NULL && outcome[0] != '\0') {
		buf_puts(&b, outcome);
		buf_puts(&b, cmd_complaint_new_npromises(f) == 0
		                 ? T(sh, "  (saved as resolved)", "（保存为已解决）")
		                 : T(sh, "  (kept as a note: promises are open)",
		                     "（有未兑现的承诺，作为备注保存）"));
	}
	cmd_complaint_new_line(sh, "Outcome:    ", "处理结果：", buf_cstr(&b));
	if (cmd_complaint_new_npromises(f) == 0) {
		cmd_complaint_new_line(sh, "Promises:   ", "承诺：    ", NULL);
	} else {
		shell_printf(sh, "  %s\n", T(sh, "Promises:", "承诺："));
		cmd_complaint_new_promises_print(f);
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
	int np = cmd_complaint_new_npromises(f), i, rc;
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
	in.relation = complaint_relation_parse(form_get(f, "relation"));
	in.phone = form_get(f, "phone");
	in.channel = complaint_channel_parse(form_get(f, "channel"));
	in.category = form_get(f, "category");
	in.words = form_get(f, "words");
	in.mood = complaint_mood_parse(form_get(f, "mood"));
	in.dialect = form_get(f, "dialect");
	ncodes = cmd_complaint_new_split(tech, codes, 2 * CMD_COMPLAINT_NEW_CODES_MAX, 0);
	ncodes = cmd_complaint_new_split(nonverbal, codes, 2 * CMD_COMPLAINT_NEW_CODES_MAX, ncodes);
	if (ncodes > COMPLAINT_TECHNIQUES_MAX)
		ncodes = COMPLAINT_TECHNIQUES_MAX;
	in.techniques = codes;
	in.ntechniques = ncodes;
	memset(promises, 0, sizeof promises);
	for (i = 0; i < np; i++) {
		const char *due = cmd_complaint_new_promise_get(f, i + 1, "due");

		promises[i].what = cmd_complaint_new_promise_get(f, i + 1, "what");
		if (due == NULL || promises[i].what == NULL ||
		    !cmd_complaint_new_due_parse(due, &promises[i].due_ms, norm, sizeof norm))
			promises[i].due_ms = 0; /* refused by the store below */
	}
	in.promises = promises;
	in.npromises = (size_t)np;
	rc = (int)in.relation < 0 || (int)in.channel < 0 || (int)in.mood < 0 || in.unit == NULL ||
	             in.caller == NULL || in.category == NULL || in.words == NULL
	         ? STORE_EINVAL
	         : 0;
	shell_audit_ctx(sh, &ctx);
	if (rc == 0)
		rc = store_complaint_add(sh->host.store, &ctx, &in, number);
	free(tech);
	free(nonverbal);
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

	if (cmd_complaint_new_is(v, "y", "是", "yes"))
		return cmd_complaint_new_save(f);
	if (cmd_complaint_new_is(v, "n", "否", "no")) {
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

/* --- checks of a resumed draft (form_step.check: quiet) ------------------------------------ */

/* Text as the line editor lets it through: valid UTF-8 of at most max bytes, no control
 * characters but tab (and newline when multiline); required: not empty. NULL is not text. */
static bool cmd_complaint_new_text_ok(const char *v, size_t max, bool multiline, bool required)
{
	size_t len, i = 0;

	if (v == NULL)
		return false;
	len = strlen(v);
	if (len > max || (required && len == 0) || !utf8_valid(v, len))
		return false;
	while (i < len) {
		uint32_t cp = 0;
		int r = utf8_decode((const unsigned char *)v + i, len - i, &cp);

		if (r <= 0)
			return false;
		if ((cp < 0x20 && cp != '\t' && !(multiline && cp == '\n')) ||
		    (cp >= 0x7f && cp <= 0x9f) || utf8_is_invisible(cp))
			return false;
		i += (size_t)r;
	}
	return true;
}

/* A stored choice: exactly one of the names. */
static bool cmd_complaint_new_choice_ok(const struct cmd_complaint_new_choice *list, size_t n,
                                        const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		if (strcmp(v, list[i].name) == 0)
			return true;
	return false;
}

/* A stored code list ("a,b"): known codes of kind, no more than the form takes; required: at
 * least one. */
static bool cmd_complaint_new_codes_ok(struct form *f, const char *v, enum catalog_kind kind,
                                       bool required)
{
	const struct catalog *c = cmd_complaint_new_cat(f);
	const char *p = v;
	size_t n = 0;

	if (v == NULL)
		return !required;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		char code[40];
		const struct catalog_item *it;

		if (len == 0 || len >= sizeof code || ++n > CMD_COMPLAINT_NEW_CODES_MAX)
			return false;
		memcpy(code, p, len);
		code[len] = '\0';
		it = catalog_technique(c, code);
		if (it == NULL || it->kind != kind)
			return false;
		p += len;
		if (*p == ',' && *++p == '\0')
			return false;
	}
	return n > 0 || !required;
}

static bool cmd_complaint_new_unit_check(struct form *f)
{
	struct shell *sh = form_shell(f);
	const char *v = form_get(f, "unit");
	struct unit u;
	int64_t count = 0;
	int rc;

	if (v == NULL || !store_unit_code_ok(v) || store_unit_count(sh->host.store, &count) < 0)
		return false;
	if (count == 0) {
		form_set(f, "unit.verified", "0");
		return true;
	}
	memset(&u, 0, sizeof u);
	rc = store_unit_get(sh->host.store, v, &u);
	unit_clear(&u);
	if (rc < 0)
		return false;
	form_set(f, "unit.verified", "1");
	return true;
}

static bool cmd_complaint_new_caller_check(struct form *f)
{
	return cmd_complaint_new_text_ok(form_get(f, "caller"), COMPLAINT_CALLER_MAX, false, true);
}

static bool cmd_complaint_new_relation_check(struct form *f)
{
	return cmd_complaint_new_choice_ok(cmd_complaint_new_relations,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_relations),
	                                   form_get(f, "relation"));
}

static bool cmd_complaint_new_phone_check(struct form *f)
{
	const char *v = form_get(f, "phone");

	return v == NULL || v[0] == '\0' || store_complaint_phone_ok(v);
}

static bool cmd_complaint_new_channel_check(struct form *f)
{
	return cmd_complaint_new_choice_ok(cmd_complaint_new_channels,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_channels),
	                                   form_get(f, "channel"));
}

static bool cmd_complaint_new_category_check(struct form *f)
{
	return catalog_category(cmd_complaint_new_cat(f), form_get(f, "category")) != NULL;
}

static bool cmd_complaint_new_words_check(struct form *f)
{
	return cmd_complaint_new_text_ok(form_get(f, "words"), COMPLAINT_WORDS_MAX, true, true);
}

static bool cmd_complaint_new_mood_check(struct form *f)
{
	return cmd_complaint_new_choice_ok(cmd_complaint_new_moods,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_moods),
	                                   form_get(f, "mood"));
}

static bool cmd_complaint_new_dialect_check(struct form *f)
{
	const char *v = form_get(f, "dialect");

	return v == NULL || cmd_complaint_new_text_ok(v, COMPLAINT_DIALECT_MAX, false, false);
}

static bool cmd_complaint_new_techniques_check(struct form *f)
{
	return cmd_complaint_new_codes_ok(f, form_get(f, "techniques"), CATALOG_VERBAL, true);
}

static bool cmd_complaint_new_nonverbal_check(struct form *f)
{
	return cmd_complaint_new_codes_ok(f, form_get(f, "nonverbal"), CATALOG_NONVERBAL, false);
}

static bool cmd_complaint_new_outcome_check(struct form *f)
{
	const char *v = form_get(f, "outcome");

	return v == NULL || cmd_complaint_new_text_ok(v, COMPLAINT_TEXT_MAX, false, false);
}

/* The promises recorded (what and a due date each) and the one being typed, if any. A due
 * date that has passed since is kept: the store takes it, and the agent sees it in the
 * summary. */
static bool cmd_complaint_new_promise_check(struct form *f)
{
	const char *count = form_get(f, "promises"), *pending = form_get(f, "promise");
	int n = cmd_complaint_new_npromises(f), i;
	char num[16], norm[32];
	int64_t ms;

	if (count != NULL) {
		snprintf(num, sizeof num, "%d", n);
		if (strcmp(num, count) != 0)
			return false;
	}
	for (i = 1; i <= n; i++) {
		const char *due = cmd_complaint_new_promise_get(f, i, "due");

		if (!cmd_complaint_new_text_ok(cmd_complaint_new_promise_get(f, i, "what"),
		                               COMPLAINT_TEXT_MAX, false, true) ||
		    due == NULL || !cmd_complaint_new_due_parse(due, &ms, norm, sizeof norm))
			return false;
	}
	return pending == NULL ||
	       cmd_complaint_new_text_ok(pending, COMPLAINT_TEXT_MAX, false, true);
}

static const struct form_step cmd_complaint_new_steps[] = {
    {"unit", 0, "Unit", "单元号", NULL, NULL, cmd_complaint_new_unit_help,
     cmd_complaint_new_unit_accept, cmd_complaint_new_unit_check},
    {"caller", 0, "Caller", "来电人", NULL, cmd_complaint_new_caller_def,
     cmd_complaint_new_caller_help, cmd_complaint_new_caller_accept,
     cmd_complaint_new_caller_check},
    {"relation", 0, "Relation (owner/family/tenant/other)", "与业主关系（业主/家属/租户/其他）",
     NULL, cmd_complaint_new_relation_def, cmd_complaint_new_relation_help,
     cmd_complaint_new_relation_accept, cmd_complaint_new_relation_check},
    {"phone", 0, "Phone (- for none)", "联系电话（- 表示不留）", NULL, cmd_complaint_new_phone_def,
     cmd_complaint_new_phone_help, cmd_complaint_new_phone_accept, cmd_complaint_new_phone_check},
    {"channel", 0, "Channel (phone/visit/onsite)", "渠道（电话/来访/现场）", NULL,
     cmd_complaint_new_channel_def, cmd_complaint_new_channel_help,
     cmd_complaint_new_channel_accept, cmd_complaint_new_channel_check},
    {"category", 0, "Category (? lists them)", "投诉类别（? 查看列表）", NULL, NULL,
     cmd_complaint_new_category_help, cmd_complaint_new_category_accept,
     cmd_complaint_new_category_check},
    {"words", FORM_TEXT, "The owner's words", "业主反映的内容", NULL, NULL,
     cmd_complaint_new_words_help, cmd_complaint_new_words_accept, cmd_complaint_new_words_check},
    {"mood", 0, "Mood (calm/upset/angry)", "情绪（平静/不满/激动）", NULL,
     cmd_complaint_new_mood_def, cmd_complaint_new_mood_help, cmd_complaint_new_mood_accept,
     cmd_complaint_new_mood_check},
    {"dialect", 0, "Preferred dialect (optional)", "方言偏好（可不填）", NULL, NULL,
     cmd_complaint_new_dialect_help, cmd_complaint_new_dialect_accept,
     cmd_complaint_new_dialect_check},
    {"suggest", 0, "Accept (Enter) or type codes", "采纳（回车）或输入代码",
     cmd_complaint_new_suggest_enter, cmd_complaint_new_suggest_def, cmd_complaint_new_suggest_help,
     cmd_complaint_new_suggest_accept, NULL},
    {"techniques", 0, "Techniques used (codes)", "使用的沟通方法（代码）", NULL, NULL,
     cmd_complaint_new_techniques_help, cmd_complaint_new_techniques_accept,
     cmd_complaint_new_techniques_check},
    {"nonverbal", 0, "Non-verbal measures (optional)", "非语言措施（可不填）", NULL, NULL,
     cmd_complaint_new_nonverbal_help, cmd_complaint_new_nonverbal_accept,
     cmd_complaint_new_nonverbal_check},
    {"outcome", 0, "Outcome (optional)", "处理结果（可不填）", NULL, NULL,
     cmd_complaint_new_outcome_help, cmd_complaint_new_outcome_accept,
     cmd_complaint_new_outcome_check},
    {"promise", 0, "Promise (empty: none/no more)", "承诺内容（回车：无/结束）",
     cmd_complaint_new_promise_enter, NULL, cmd_complaint_new_promise_help,
     cmd_complaint_new_promise_accept, cmd_complaint_new_promise_check},
    {"promise.due", 0, "Due (YYYY-MM-DD[ HH:MM])", "期限（YYYY-MM-DD[ HH:MM]）", NULL, NULL,
     cmd_complaint_new_due_help, cmd_complaint_new_due_accept, NULL},
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
	return form_start(sh, &cmd_complaint_new_spec, cn, data);
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
	if (a.len == 0 || cmd_complaint_new_is(buf_cstr(&a), "y", "是", "yes")) {
		rc = cmd_complaint_new_start(sh, sh->op[0]);
	} else if (cmd_complaint_new_is(buf_cstr(&a), "n", "否", "no")) {
		store_draft_delete(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND);
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

	cmd_complaint_new_time(d->updated_ms, when, sizeof when);
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

int cmd_complaint_new(struct shell *sh, struct args *a)
{
	struct draft d;
	int rc;

	(void)a;
	memset(&d, 0, sizeof d);
	rc = store_draft_load(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND, &d);
	if (rc == STORE_ENOENT) {
		draft_clear(&d);
		return cmd_complaint_new_start(sh, NULL);
	}
	if (rc < 0) {
		draft_clear(&d);
		return shell_store_error(sh, rc);
	}
	rc = cmd_complaint_new_ask_draft(sh, &d, false, cmd_complaint_new_resume_cb);
	draft_clear(&d);
	return rc;
}

/* The offer at login: Y resumes, n keeps the draft for later, d discards it. */
static void cmd_complaint_draft_offer_cb(struct shell *sh, const char *line)
{
	struct buf a;
	int rc = CMD_OK;

	buf_init(&a);
	cmd_complaint_new_answer(line, "n", &a);
	if (a.len == 0 || cmd_complaint_new_is(buf_cstr(&a), "y", "是", "yes")) {
		rc = cmd_complaint_new_start(sh, sh->op[0]);
	} else if (cmd_complaint_new_is(buf_cstr(&a), "n", "否", "no")) {
		shell_printf(sh, "%s\n",
		             T(sh, "The draft is kept: `complaint new` offers it again.",
		               "草稿已保留：执行 `complaint new` 时可继续填写。"));
	} else if (cmd_complaint_new_is(buf_cstr(&a), "d", "放弃", "discard")) {
		rc = store_draft_delete(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND);
		if (rc < 0 && rc != STORE_ENOENT) {
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

int cmd_complaint_draft_offer(struct shell *sh)
{
	struct draft d;
	int rc;

	if (!sh->interactive || sh->running || sh->host.store == NULL ||
	    !(sh->user.role & ROLES_DESK))
		return CMD_OK;
	memset(&d, 0, sizeof d);
	rc = store_draft_load(sh->host.store, sh->user.name, CMD_COMPLAINT_NEW_KIND, &d);
	if (rc < 0) {
		draft_clear(&d);
		return CMD_OK; /* none (or unreadable now): nothing to offer */
	}
	/* The offer runs like a command: input waits for it, and its end shows the prompt. */
	sh->running = true;
	rc = cmd_complaint_new_ask_draft(sh, &d, true, cmd_complaint_draft_offer_cb);
	draft_clear(&d);
	return rc;
}
