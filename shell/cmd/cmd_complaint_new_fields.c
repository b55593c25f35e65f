/* cmd_complaint_new_fields — the values of the complaint form's fields: relation, channel and
 * mood choices, technique code lists, unit lookups, promises and due times, and the quiet
 * checks that a resumed draft's values still hold; and what is said of a draft open elsewhere. */
#include "cmd_complaint_new_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd.h"
#include "shell_int.h"
#include "store_draft.h"
#include "store_unit.h"
#include "suggest.h"
#include "utf8.h"

struct catalog *cmd_complaint_new_fields_cat(struct form *f)
{
	return ((struct cmd_complaint_new *)form_arg(f))->cat;
}

/* --- small helpers ---------------------------------------------------------------------- */

void cmd_complaint_new_fields_time(int64_t ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL)
		snprintf(out, len, "-");
	else
		strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

/* v, or "-" when it is missing (the summary shows what there is, never a missing value). */
const char *cmd_complaint_new_fields_or_none(const char *v)
{
	return v != NULL ? v : "-";
}

/* Prints s sanitized (untrusted: typed or from the database). */
void cmd_complaint_new_fields_print_clean(struct shell *sh, const char *s)
{
	struct buf b;

	buf_init(&b);
	shell_clean(&b, s);
	shell_write(sh, 1, b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
}

bool cmd_complaint_new_fields_is(const char *v, const char *a, const char *b, const char *c)
{
	return strcasecmp(v, a) == 0 || (b != NULL && strcmp(v, b) == 0) ||
	       (c != NULL && strcmp(v, c) == 0);
}

/* "-" (or "无"/"none") clears an optional step. */
bool cmd_complaint_new_fields_none(const char *v)
{
	return cmd_complaint_new_fields_is(v, "-", "无", "none");
}


const struct cmd_complaint_new_choice cmd_complaint_new_fields_relations[4] = {
    {"owner", "业主本人", "the owner", "业主"},
    {"family", "家属", "family", "家人"},
    {"tenant", "租户", "tenant", "租客"},
    {"other", "其他", "other", NULL},
};

const struct cmd_complaint_new_choice cmd_complaint_new_fields_channels[3] = {
    {"phone", "电话", "phone call", "来电"},
    {"visit", "来访", "visit to the office", "上门"},
    {"onsite", "现场", "on site", NULL},
};

const struct cmd_complaint_new_choice cmd_complaint_new_fields_moods[3] = {
    {"calm", "平静", "calm", NULL},
    {"upset", "不满", "upset", "不高兴"},
    {"angry", "激动", "angry", "愤怒"},
};


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

const char *cmd_complaint_new_fields_choice_label(struct shell *sh,
                                                  const struct cmd_complaint_new_choice *list,
                                                  size_t n, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return T(sh, list[i].en, list[i].zh);
	return name != NULL ? name : "-";
}

void cmd_complaint_new_fields_choices_help(struct shell *sh,
                                           const struct cmd_complaint_new_choice *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		shell_printf(sh, "  %zu  %-7s %s\n", i + 1, list[i].name,
		             T(sh, list[i].en, list[i].zh));
}

int cmd_complaint_new_fields_choice_accept(struct form *f, const char *key,
                                           const struct cmd_complaint_new_choice *list, size_t n,
                                           const char *v)
{
	struct shell *sh = form_shell(f);
	const struct cmd_complaint_new_choice *c = cmd_complaint_new_choice(list, n, v);

	if (c == NULL) {
		shell_printf(sh, T(sh, "Please choose one of these (name or number):\n",
		                   "请从下列选项中选择（名称或编号）：\n"));
		cmd_complaint_new_fields_choices_help(sh, list, n);
		return FORM_AGAIN;
	}
	form_set(f, key, c->name);
	return FORM_NEXT;
}

/* A text answer: not too long, and no invisible character (which the store refuses). */
bool cmd_complaint_new_fields_len_ok(struct form *f, const char *v, size_t max)
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
int cmd_complaint_new_fields_codes(struct form *f, const char *v, char out[][40], size_t max,
                                   size_t *n)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
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
void cmd_complaint_new_fields_join(const struct catalog *c, char codes[][40], size_t n,
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

void cmd_complaint_new_fields_techniques_help_kind(struct form *f, enum catalog_kind kind)
{
	struct shell *sh = form_shell(f);
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
	size_t i;

	for (i = 0; i < c->ntechniques; i++) {
		const struct catalog_item *it = &c->techniques[i];

		if (kind != 0 && it->kind != kind)
			continue;
		shell_printf(sh, "  %2zu  %-12s ", i + 1, it->code);
		cmd_complaint_new_fields_print_clean(sh, catalog_name(it, sh->lang));
		shell_printf(sh, "\n");
	}
	shell_printf(
	    sh, T(sh,
	          "Give one or more codes or numbers, separated by commas; "
	          "`technique show CODE` has the handbook's guidance.\n",
	          "输入一个或多个代码或编号，用逗号分隔；`technique show 代码` 查看手册指导。\n"));
}

/* Names of a code list ("stepback 以退为进法, patience 委曲求全法"). */
void cmd_complaint_new_fields_names(struct shell *sh, const struct catalog *c, const char *codes,
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

/* Promises are kept as promises = N and promise.I.what / promise.I.due (I from 1). */
int cmd_complaint_new_fields_npromises(struct form *f)
{
	const char *n = form_get(f, "promises");
	int k = n != NULL ? atoi(n) : 0;

	return k > 0 && k <= COMPLAINT_PROMISES_MAX ? k : 0;
}

const char *cmd_complaint_new_fields_promise_get(struct form *f, int i, const char *field)
{
	char key[48];

	snprintf(key, sizeof key, "promise.%d.%s", i, field);
	return form_get(f, key);
}

void cmd_complaint_new_fields_promise_set(struct form *f, int i, const char *field,
                                          const char *value)
{
	char key[48];

	snprintf(key, sizeof key, "promise.%d.%s", i, field);
	form_set(f, key, value);
}

void cmd_complaint_new_fields_promises_print(struct form *f)
{
	struct shell *sh = form_shell(f);
	int n = cmd_complaint_new_fields_npromises(f), i;

	for (i = 1; i <= n; i++) {
		shell_printf(sh, "  %d. ", i);
		cmd_complaint_new_fields_print_clean(sh, cmd_complaint_new_fields_promise_get(f, i, "what"));
		shell_printf(sh, T(sh, " — due %s\n", " —— 期限 %s\n"),
		             cmd_complaint_new_fields_or_none(cmd_complaint_new_fields_promise_get(f, i, "due")));
	}
}
/* YYYY-MM-DD (23:59 that day) or "YYYY-MM-DD HH:MM" in local time; false when not a date. */
bool cmd_complaint_new_fields_due_parse(const char *s, int64_t *ms, char *norm, size_t len)
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

void cmd_complaint_new_fields_due_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh,
	               "When it will be done: YYYY-MM-DD (by the end of that day) or "
	               "\"YYYY-MM-DD HH:MM\", local time, in the future.",
	               "完成期限：YYYY-MM-DD（当天结束前）或 \"YYYY-MM-DD HH:MM\"，本地时间，"
	               "必须是将来的时间。"));
}

int cmd_complaint_new_fields_due_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);
	const char *what = form_get(f, "promise");
	int n = cmd_complaint_new_fields_npromises(f);
	char norm[32], num[16];
	int64_t ms = 0;

	if (what == NULL)
		return form_step_index(f, "promise"); /* came back over a saved promise */
	if (!cmd_complaint_new_fields_due_parse(v, &ms, norm, sizeof norm)) {
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
	cmd_complaint_new_fields_promise_set(f, n, "what", what);
	cmd_complaint_new_fields_promise_set(f, n, "due", norm);
	snprintf(num, sizeof num, "%d", n);
	form_set(f, "promises", num);
	form_set(f, "promise", NULL);
	form_set(f, "promise.due", NULL);
	shell_printf(sh, T(sh, "Promise %d recorded.\n", "已记录第 %d 条承诺。\n"), n);
	return form_step_index(f, "promise");
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
	const struct catalog *c = cmd_complaint_new_fields_cat(f);
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

bool cmd_complaint_new_fields_unit_check(struct form *f)
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
	store_unit_clear(&u);
	if (rc < 0)
		return false;
	form_set(f, "unit.verified", "1");
	return true;
}

bool cmd_complaint_new_fields_caller_check(struct form *f)
{
	return cmd_complaint_new_text_ok(form_get(f, "caller"), COMPLAINT_CALLER_MAX, false, true);
}

bool cmd_complaint_new_fields_relation_check(struct form *f)
{
	return cmd_complaint_new_choice_ok(cmd_complaint_new_fields_relations,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_relations),
	                                   form_get(f, "relation"));
}

bool cmd_complaint_new_fields_phone_check(struct form *f)
{
	const char *v = form_get(f, "phone");

	return v == NULL || v[0] == '\0' || store_phone_ok(v);
}

bool cmd_complaint_new_fields_channel_check(struct form *f)
{
	return cmd_complaint_new_choice_ok(cmd_complaint_new_fields_channels,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_channels),
	                                   form_get(f, "channel"));
}

bool cmd_complaint_new_fields_category_check(struct form *f)
{
	return catalog_category(cmd_complaint_new_fields_cat(f), form_get(f, "category")) != NULL;
}

bool cmd_complaint_new_fields_words_check(struct form *f)
{
	return cmd_complaint_new_text_ok(form_get(f, "words"), COMPLAINT_WORDS_MAX, true, true);
}

bool cmd_complaint_new_fields_mood_check(struct form *f)
{
	return cmd_complaint_new_choice_ok(cmd_complaint_new_fields_moods,
	                                   CMD_COMPLAINT_NEW_N(cmd_complaint_new_fields_moods),
	                                   form_get(f, "mood"));
}

bool cmd_complaint_new_fields_dialect_check(struct form *f)
{
	const char *v = form_get(f, "dialect");

	return v == NULL || cmd_complaint_new_text_ok(v, COMPLAINT_DIALECT_MAX, false, false);
}

bool cmd_complaint_new_fields_techniques_check(struct form *f)
{
	return cmd_complaint_new_codes_ok(f, form_get(f, "techniques"), CATALOG_VERBAL, true);
}

bool cmd_complaint_new_fields_nonverbal_check(struct form *f)
{
	return cmd_complaint_new_codes_ok(f, form_get(f, "nonverbal"), CATALOG_NONVERBAL, false);
}

bool cmd_complaint_new_fields_outcome_check(struct form *f)
{
	const char *v = form_get(f, "outcome");

	return v == NULL || cmd_complaint_new_text_ok(v, COMPLAINT_TEXT_MAX, false, false);
}

/* The promises recorded (what and a due date each) and the one being typed, if any. A due
 * date that has passed since is kept: the store takes it, and the agent sees it in the
 * summary. */
bool cmd_complaint_new_fields_promise_check(struct form *f)
{
	const char *count = form_get(f, "promises"), *pending = form_get(f, "promise");
	int n = cmd_complaint_new_fields_npromises(f), i;
	char num[16], norm[32];
	int64_t ms;

	if (count != NULL) {
		snprintf(num, sizeof num, "%d", n);
		if (strcmp(num, count) != 0)
			return false;
	}
	for (i = 1; i <= n; i++) {
		const char *due = cmd_complaint_new_fields_promise_get(f, i, "due");

		if (!cmd_complaint_new_text_ok(cmd_complaint_new_fields_promise_get(f, i, "what"),
		                               COMPLAINT_TEXT_MAX, false, true) ||
		    due == NULL || !cmd_complaint_new_fields_due_parse(due, &ms, norm, sizeof norm))
			return false;
	}
	return pending == NULL ||
	       cmd_complaint_new_text_ok(pending, COMPLAINT_TEXT_MAX, false, true);
}

/* Says that the draft d is open in another session, since when; returns CMD_ERROR. */
int cmd_complaint_new_fields_held_say(struct shell *sh, const struct draft *d)
{
	char since[32];
	struct buf id;

	cmd_complaint_new_fields_time(d->claimed_ms, since, sizeof since);
	buf_init(&id);
	shell_clean(&id, d->session != NULL ? d->session : "-");
	shell_errorf(sh,
	             T(sh,
	               "Your unfinished complaint is open in another session (%s) since %s: "
	               "finish it there; it is free here once that form or session ends.",
	               "您未完成的投诉正在另一个会话（%s）中打开（自 %s 起）：请在那里完成；"
	               "该表单或会话结束后即可在这里继续。"),
	             buf_cstr(&id), since);
	buf_free(&id);
	return CMD_ERROR;
}
