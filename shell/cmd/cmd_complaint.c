/* cmd_complaint — complaints (投诉) from the command line: add (exec mode and power users),
 * note, tag, assign, escalate, resolve, reopen, and the group's table; show, list and search
 * are in cmd_complaint_view.c. */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_util.h"
#include "cmd_complaint_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "json.h"
#include "rx.h"
#include "shell_int.h"
#include "store.h"
#include "store_account.h"
#include "store_complaint.h"
#include "store_unit.h"
#include "table.h"
#include "utf8.h"


const char *cmd_complaint_relation_label(const struct shell *sh, int r)
{
	switch (r) {
	case COMPLAINT_REL_OWNER:
		return T(sh, "owner", "业主");
	case COMPLAINT_REL_FAMILY:
		return T(sh, "family", "家属");
	case COMPLAINT_REL_TENANT:
		return T(sh, "tenant", "租户");
	default:
		return T(sh, "other", "其他");
	}
}

const char *cmd_complaint_channel_label(const struct shell *sh, int c)
{
	switch (c) {
	case COMPLAINT_CH_PHONE:
		return T(sh, "phone", "电话");
	case COMPLAINT_CH_VISIT:
		return T(sh, "visit", "来访");
	default:
		return T(sh, "on site", "现场");
	}
}

const char *cmd_complaint_mood_label(const struct shell *sh, int m)
{
	switch (m) {
	case COMPLAINT_MOOD_CALM:
		return T(sh, "calm", "平静");
	case COMPLAINT_MOOD_UPSET:
		return T(sh, "upset", "不满");
	default:
		/* The word the form offers (激动); 愤怒 is taken as the same answer. */
		return T(sh, "angry", "激动");
	}
}

/* ==== complaint-specific helpers ========================================================== */

/* The complaint number as typed ("c-20261126-0042" and the full-width Ｃ－２０２６… of a
 * Chinese input method are accepted), upper-cased into out; "" when too long to be one. */
static void cmd_complaint_number(const char *s, char out[COMPLAINT_NUMBER_MAX])
{
	struct buf folded;
	size_t i;

	buf_init(&folded);
	utf8_fold_width(&folded, s, strlen(s));
	snprintf(out, COMPLAINT_NUMBER_MAX, "%s", folded.len < COMPLAINT_NUMBER_MAX ? folded.data : "");
	buf_free(&folded);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
}

static int cmd_complaint_unknown(struct shell *sh, const char *number)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, number);
	shell_errorf(sh,
	             T(sh,
	               "no complaint `%s` (numbers look like C-20261126-0042; complaint list "
	               "shows them)",
	               "没有投诉 `%s`（编号形如 C-20261126-0042，可用 complaint list 查看）"),
	             buf_cstr(&w));
	buf_free(&w);
	return CMD_ERROR;
}

/* Loads complaint number (full or summary); prints the error. */
int cmd_complaint_load(struct shell *sh, const char *typed, struct complaint *c, bool full)
{
	char number[COMPLAINT_NUMBER_MAX];
	int rc;

	memset(c, 0, sizeof *c);
	cmd_complaint_number(typed, number);
	rc = number[0] != '\0' ? store_complaint_get(sh->host.store, number, c, full)
	                         : STORE_ENOENT;
	if (rc == 0)
		return CMD_OK;
	store_complaint_clear(c);
	if (rc == STORE_ENOENT || rc == STORE_EINVAL)
		return cmd_complaint_unknown(sh, typed);
	return shell_store_error(sh, rc);
}

/* The positional words from index from on, joined by spaces, or (exec --stdin) all of stdin
 * (CR LF as LF, trailing newlines dropped), into out. False (told) when stdin holds a NUL byte:
 * not text, and a C string would silently end there. */
static bool cmd_complaint_text_arg(struct shell *sh, struct args *a, size_t from,
                                   const char *what, struct buf *out)
{
	size_t i;

	buf_reset(out);
	if (args_has(a, "stdin")) {
		size_t len;
		const char *s = shell_stdin(sh, &len);

		if (memchr(s, '\0', len) != NULL) {
			shell_errorf(sh,
			             T(sh,
			               "%s: stdin holds a NUL byte (binary data?): nothing was "
			               "saved",
			               "%s：标准输入含有 NUL 字节（二进制数据？）：未保存"),
			             what);
			return false;
		}

		for (i = 0; i < len; i++)
			if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
				buf_putc(out, s[i]);
		while (out->len > 0 &&
		       (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == '\r'))
			out->data[--out->len] = '\0';
		buf_cstr(out);
		return true;
	}
	for (i = from; i < a->npos; i++) {
		if (i > from)
			buf_putc(out, ' ');
		buf_puts(out, a->pos[i]);
	}
	buf_cstr(out);
	return true;
}

/* Prints "unknown WHAT `x` (one of: a b c)" for a catalog's items of the given kinds. */
static void cmd_complaint_unknown_code(struct shell *sh, const char *what, const char *code,
                                       const struct catalog_item *items, size_t n, unsigned kinds)
{
	struct buf w, list;
	size_t i;

	buf_init(&w);
	buf_init(&list);
	shell_clean(&w, code);
	for (i = 0; i < n; i++) {
		if (!(kinds & (1u << items[i].kind)))
			continue;
		if (list.len > 0)
			buf_putc(&list, ' ');
		buf_puts(&list, items[i].code);
	}
	shell_errorf(sh, T(sh, "unknown %s `%s` (one of: %s)", "未知%s `%s`（可选：%s）"), what,
	             buf_cstr(&w), buf_cstr(&list));
	buf_free(&w);
	buf_free(&list);
}

static int cmd_complaint_no_catalog(struct shell *sh)
{
	shell_errorf(sh, "%s",
	             T(sh,
	               "the technique and category catalogs are not loaded (an admin can run "
	               "config reload)",
	               "沟通方法和投诉类别目录未加载（管理员可执行 config reload）"));
	return CMD_ERROR;
}

/* The category's code for what was typed (its code, or its name as the screens show it), or
 * NULL with the error printed. The code belongs to c. */
static const char *cmd_complaint_category_code(struct shell *sh, const struct catalog *c,
                                               const char *typed)
{
	const struct catalog_item *it = catalog_category_typed(c, typed);

	if (it != NULL)
		return it->code;
	cmd_complaint_unknown_code(sh, T(sh, "category", "投诉类别"), typed, c->categories,
	                           c->ncategories, 1u << CATALOG_CATEGORY);
	return NULL;
}

/* The same for a technique or non-verbal measure. */
static const char *cmd_complaint_technique_code(struct shell *sh, const struct catalog *c,
                                                const char *typed)
{
	const struct catalog_item *it = catalog_technique_typed(c, typed);

	if (it != NULL)
		return it->code;
	cmd_complaint_unknown_code(sh, T(sh, "technique", "沟通方法"), typed, c->techniques,
	                           c->ntechniques,
	                           (1u << CATALOG_VERBAL) | (1u << CATALOG_NONVERBAL));
	return NULL;
}

/* Prints "--opt: unknown value `x` (one of: ...)" for an enumeration option. */
int cmd_complaint_bad_enum(struct shell *sh, const char *opt, const char *value,
                           const char *choices)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, value);
	shell_errorf(
	    sh, T(sh, "--%s: unknown value `%s` (one of: %s)", "--%s：未知取值 `%s`（可选：%s）"),
	    opt, buf_cstr(&w), choices);
	buf_free(&w);
	return CMD_USAGE;
}

/* An enumeration option parsed with parse (default dflt when absent); -1 printed an error. */
static int cmd_complaint_enum(struct shell *sh, struct args *a, const char *opt,
                              int (*parse)(const char *), int dflt, const char *choices)
{
	const char *v = args_get(a, opt);
	int r;

	if (v == NULL)
		return dflt;
	r = parse(v);
	if (r < 0)
		cmd_complaint_bad_enum(sh, opt, v, choices);
	return r;
}

/* ==== complaint add ======================================================================= */

#define CMD_COMPLAINT_CODES_MAX COMPLAINT_TECHNIQUES_MAX

/* Splits a comma list of codes (in buf, modified) into codes; false with an error printed. */
static bool cmd_complaint_split_codes(struct shell *sh, const struct catalog *c, char *list,
                                      const char **codes, size_t *n)
{
	char *save = NULL, *tok;
	size_t i;

	*n = 0;
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		bool dup = false;
		const char *code;

		if (tok[0] == '\0')
			continue;
		code = cmd_complaint_technique_code(sh, c, tok);
		if (code == NULL)
			return false;
		for (i = 0; i < *n; i++)
			dup = dup || strcmp(codes[i], code) == 0;
		if (dup)
			continue;
		if (*n == CMD_COMPLAINT_CODES_MAX) {
			shell_errorf(
			    sh, T(sh, "--technique: at most %d codes", "--technique：最多 %d 个"),
			    CMD_COMPLAINT_CODES_MAX);
			return false;
		}
		codes[(*n)++] = code;
	}
	if (*n == 0) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "--technique: give at least one code (technique list shows them)",
		               "--technique：至少给出一个沟通方法代码（technique list 可查看）"));
		return false;
	}
	return true;
}

/* Validates everything complaint add was given and fills in (pointing into a, words, codes). */
static int cmd_complaint_add_check(struct shell *sh, struct args *a, const struct catalog *c,
                                   struct complaint_new *in, struct buf *words, char *techs,
                                   const char **codes, struct promise_new *p)
{
	const char *unit = args_get(a, "unit"), *phone = args_get(a, "phone");
	const char *caller = args_get(a, "caller"), *dialect = args_get(a, "dialect");
	const char *promise = args_get(a, "promise"), *due = args_get(a, "due");
	int r;

	memset(in, 0, sizeof *in);
	if (!store_unit_code_ok(unit)) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, unit);
		shell_errorf(
		    sh,
		    T(sh,
		      "--unit: `%s` is not a unit code (1-32 characters, no spaces, e.g. "
		      "3-2-1201)",
		      "--unit：`%s` 不是有效的单元编号（1-32 个字符，不含空格，如 3-2-1201）"),
		    buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	in->unit = unit;
	in->category = cmd_complaint_category_code(sh, c, args_get(a, "category"));
	if (in->category == NULL)
		return CMD_USAGE;
	if (!cmd_complaint_split_codes(sh, c, techs, codes, &in->ntechniques))
		return CMD_USAGE;
	in->techniques = codes;
	if (phone != NULL && !store_phone_ok(phone)) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, phone);
		shell_errorf(
		    sh,
		    T(sh,
		      "--phone: `%s` is not a phone number (a mobile 1XXXXXXXXXX or a "
		      "landline 0XX-XXXXXXXX)",
		      "--phone：`%s` 不是有效电话（手机 1 开头 11 位，或座机 0XX-XXXXXXXX）"),
		    buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	in->phone = phone;
	in->caller = caller != NULL ? caller : "-";
	if (caller != NULL && !cmd_util_text_ok(sh, "--caller", caller, COMPLAINT_CALLER_MAX))
		return CMD_USAGE;
	if (dialect != NULL &&
	    !cmd_util_text_ok(sh, "--dialect", dialect, COMPLAINT_DIALECT_MAX))
		return CMD_USAGE;
	in->dialect = dialect;
	r = cmd_complaint_enum(sh, a, "relation", store_complaint_relation_parse,
	                       COMPLAINT_REL_OWNER, "owner family tenant other");
	if (r < 0)
		return CMD_USAGE;
	in->relation = (enum complaint_relation)r;
	r = cmd_complaint_enum(sh, a, "channel", store_complaint_channel_parse, COMPLAINT_CH_PHONE,
	                       "phone visit onsite");
	if (r < 0)
		return CMD_USAGE;
	in->channel = (enum complaint_channel)r;
	r = cmd_complaint_enum(sh, a, "mood", store_complaint_mood_parse, COMPLAINT_MOOD_CALM,
	                       "calm upset angry");
	if (r < 0)
		return CMD_USAGE;
	in->mood = (enum complaint_mood)r;
	if (args_has(a, "stdin") == (a->npos > 0)) {
		shell_errorf(
		    sh, "%s",
		    T(sh, "give the owner's words either as TEXT or (exec mode) with --stdin",
		      "业主原话请用 TEXT 给出，或在 exec 模式下用 --stdin 给出（二选一）"));
		return CMD_USAGE;
	}
	if (!cmd_complaint_text_arg(sh, a, 0, T(sh, "the owner's words", "业主原话"), words) ||
	    !cmd_util_text_ok(sh, T(sh, "the owner's words", "业主原话"), buf_cstr(words),
	                           COMPLAINT_WORDS_MAX))
		return CMD_USAGE;
	in->words = buf_cstr(words);
	if ((promise == NULL) != (due == NULL)) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "--promise and --due go together (what was promised, and by when)",
		               "--promise 和 --due 必须同时给出（承诺内容和期限）"));
		return CMD_USAGE;
	}
	if (promise != NULL) {
		memset(p, 0, sizeof *p);
		if (!cmd_util_text_ok(sh, "--promise", promise, COMPLAINT_TEXT_MAX))
			return CMD_USAGE;
		r = cmd_util_parse_due(sh, "due", due, &p->due_ms);
		if (r != CMD_OK)
			return r;
		/* At the desk a promise is for the future; exec mode also enters old paperwork. */
		if (sh->interactive && p->due_ms < store_now_ms()) {
			shell_errorf(sh, "%s",
			             T(sh, "--due is in the past: a promise must be for the future",
			               "--due 已经过去：承诺的期限必须在将来"));
			return CMD_USAGE;
		}
		p->what = promise;
		in->promises = p;
		in->npromises = 1;
	}
	return CMD_OK;
}

static int cmd_complaint_add(struct shell *sh, struct args *a)
{
	struct catalog *c = cmd_util_catalog(sh);
	const char *codes[CMD_COMPLAINT_CODES_MAX];
	char number[COMPLAINT_NUMBER_MAX];
	struct complaint_new in;
	struct promise_new p;
	struct audit_ctx ctx;
	struct complaint got;
	struct buf words, out;
	char *techs;
	int rc;

	if (c == NULL)
		return cmd_complaint_no_catalog(sh);
	buf_init(&words);
	techs = strdup(args_get(a, "technique"));
	if (techs == NULL)
		abort();
	rc = cmd_complaint_add_check(sh, a, c, &in, &words, techs, codes, &p);
	if (rc == CMD_OK) {
		shell_audit_ctx(sh, &ctx);
		rc = store_complaint_add(sh->host.store, &ctx, &in, number);
		if (rc == STORE_ENOENT) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, in.unit);
			shell_errorf(sh,
			             T(sh,
			               "--unit: `%s` is not in the unit register (unit list shows "
			               "the units)",
			               "--unit：单元 `%s` 不在单元登记表中（unit list 可查看）"),
			             buf_cstr(&w));
			buf_free(&w);
			rc = CMD_ERROR;
		} else if (rc < 0) {
			rc = shell_store_error(sh, rc);
		}
	}
	free(techs);
	buf_free(&words);
	catalog_unref(c);
	if (rc != CMD_OK)
		return rc;
	memset(&got, 0, sizeof got);
	rc = store_complaint_get(sh->host.store, number, &got, false);
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_string(&j, "number", number);
		json_kv_bool(&j, "unit_verified", rc == 0 && got.unit_verified);
		json_kv_int(&j, "open_promises", rc == 0 ? got.open_promises : 0);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else {
		buf_printf(&out, T(sh, "Complaint %s taken.\n", "投诉已登记：%s\n"), number);
		if (rc == 0 && !got.unit_verified)
			buf_puts(
			    &out,
			    T(sh,
			      "Note: the unit register is empty, so the unit was kept as typed "
			      "(unverified).\n",
			      "提示：单元登记表为空，单元按输入保存（未核实）。\n"));
		if (rc == 0 && got.open_promises > 0)
			buf_printf(&out,
			           T(sh, "%d promise recorded: promise list shows it.\n",
			             "已记录 %d 条承诺，可用 promise list 查看。\n"),
			           got.open_promises);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_complaint_clear(&got);
	return CMD_OK;
}

/* ==== changes to a complaint ============================================================== */

/* After a change: "C-... now: <status>, assigned to X". */
static void cmd_complaint_changed(struct shell *sh, const char *number, const char *what)
{
	struct complaint c;

	memset(&c, 0, sizeof c);
	if (store_complaint_get(sh->host.store, number, &c, false) == 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, c.assignee);
		shell_printf(sh, T(sh, "%s %s: %s, assignee %s.\n", "%s %s：%s，负责人 %s。\n"),
		             number, what, cmd_util_status_label(sh, c.status), buf_cstr(&w));
		buf_free(&w);
	}
	store_complaint_clear(&c);
}

/* Prints the open promises of number with how to close them. */
static void cmd_complaint_open_promises(struct shell *sh, const char *number)
{
	struct complaint c;
	struct buf out;
	size_t i;

	memset(&c, 0, sizeof c);
	if (store_complaint_get(sh->host.store, number, &c, true) != 0) {
		store_complaint_clear(&c);
		return;
	}
	buf_init(&out);
	for (i = 0; i < c.npromises; i++) {
		const struct promise *p = &c.promises[i];
		char due[32];

		if (p->status != PROMISE_OPEN)
			continue;
		cmd_util_time(p->due_ms, true, due, sizeof due);
		buf_printf(&out, "  #%lld  %s  ", (long long)p->id, due);
		shell_clean(&out, p->agent);
		buf_puts(&out, "  ");
		shell_clean(&out, p->what);
		buf_putc(&out, '\n');
	}
	buf_puts(&out, T(sh,
	                 "Close each first: promise done ID [--note TEXT] or promise withdraw ID "
	                 "--reason TEXT.",
	                 "请先逐条处理：promise done 编号 [--note 说明] 或 promise withdraw 编号 "
	                 "--reason 原因。"));
	shell_errorf(sh, "%s", buf_cstr(&out));
	buf_free(&out);
	store_complaint_clear(&c);
}

/* Reports the error of a change to complaint number. */
static int cmd_complaint_change_error(struct shell *sh, const char *number, int rc,
                                      const char *verb_en, const char *verb_zh)
{
	struct complaint c;

	switch (rc) {
	case STORE_ENOENT:
		return cmd_complaint_unknown(sh, number);
	case STORE_EOWNER:
		return cmd_util_not_yours(sh, number, 0, NULL, false);
	case STORE_ESTATE:
		memset(&c, 0, sizeof c);
		if (store_complaint_get(sh->host.store, number, &c, false) == 0)
			shell_errorf(sh,
			             T(sh, "complaint %s is %s: it cannot be %s now",
			               "投诉 %s 当前状态为%s，不能%s"),
			             number, cmd_util_status_label(sh, c.status),
			             T(sh, verb_en, verb_zh));
		else
			shell_store_error(sh, rc);
		store_complaint_clear(&c);
		return CMD_ERROR;
	case STORE_EPROMISES:
		shell_errorf(sh,
		             T(sh, "complaint %s still has open promises (说到就要做到):",
		               "投诉 %s 还有未兑现的承诺（说到就要做到）："),
		             number);
		cmd_complaint_open_promises(sh, number);
		return CMD_ERROR;
	default:
		return shell_store_error(sh, rc);
	}
}

/* Resolves the number argument of a change (an existing complaint) into number. */
static int cmd_complaint_target(struct shell *sh, const char *typed,
                                char number[COMPLAINT_NUMBER_MAX])
{
	struct complaint c;
	int rc = cmd_complaint_load(sh, typed, &c, false);

	if (rc == CMD_OK)
		snprintf(number, COMPLAINT_NUMBER_MAX, "%s", c.number);
	store_complaint_clear(&c);
	return rc;
}

static int cmd_complaint_note(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	struct audit_ctx ctx;
	struct buf text;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (args_has(a, "stdin") == (a->npos > 1)) {
		shell_errorf(
		    sh, "%s",
		    T(sh, "give the note either as TEXT or (exec mode) with --stdin",
		      "备注内容请用 TEXT 给出，或在 exec 模式下用 --stdin 给出（二选一）"));
		return CMD_USAGE;
	}
	buf_init(&text);
	if (!cmd_complaint_text_arg(sh, a, 1, T(sh, "the note", "备注"), &text) ||
	    !cmd_util_text_ok(sh, T(sh, "the note", "备注"), buf_cstr(&text),
	                           COMPLAINT_TEXT_MAX)) {
		buf_free(&text);
		return CMD_USAGE;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_note(sh->host.store, &ctx, number, buf_cstr(&text));
	buf_free(&text);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "noted", "添加备注");
	cmd_complaint_changed(sh, number, T(sh, "noted", "已添加备注"));
	return CMD_OK;
}

static int cmd_complaint_tag(struct shell *sh, struct args *a)
{
	const char *add[ARGS_MAX_WORDS], *rm[ARGS_MAX_WORDS];
	char number[COMPLAINT_NUMBER_MAX];
	size_t nadd = 0, nrm = 0, i;
	struct audit_ctx ctx;
	struct catalog *cat;
	struct complaint c;
	struct buf now;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	cat = cmd_util_catalog(sh);
	if (cat == NULL)
		return cmd_complaint_no_catalog(sh);
	for (i = 1; i < a->npos; i++) {
		const char *w = a->pos[i];
		bool minus = w[0] == '-';
		const char *code = w[0] == '+' || w[0] == '-' ? w + 1 : w;

		if (minus) {
			/* A code no longer in the catalog can still be removed; a name finds the
			 * code of one that is. */
			const struct catalog_item *it = catalog_technique_typed(cat, code);

			if (it != NULL) {
				code = it->code;
			} else if (!store_code_ok(code)) {
				cmd_complaint_technique_code(sh, cat, code);
				catalog_unref(cat);
				return CMD_USAGE;
			}
			rm[nrm++] = code;
		} else {
			code = cmd_complaint_technique_code(sh, cat, code);
			if (code == NULL) {
				catalog_unref(cat);
				return CMD_USAGE;
			}
			add[nadd++] = code;
		}
	}
	shell_audit_ctx(sh, &ctx);
	/* The codes belong to the catalog: it is dropped after the change. */
	rc = store_complaint_tag(sh->host.store, &ctx, number, add, nadd, rm, nrm);
	catalog_unref(cat);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "tagged", "修改沟通方法");
	memset(&c, 0, sizeof c);
	buf_init(&now);
	if (store_complaint_get(sh->host.store, number, &c, false) == 0) {
		for (i = 0; i < c.ntechniques; i++) {
			if (i > 0)
				buf_putc(&now, ' ');
			shell_clean(&now, c.techniques[i]);
		}
		shell_printf(sh, T(sh, "%s techniques: %s\n", "%s 的沟通方法：%s\n"), number,
		             c.ntechniques > 0 ? buf_cstr(&now) : T(sh, "(none)", "（无）"));
	}
	buf_free(&now);
	store_complaint_clear(&c);
	return CMD_OK;
}

/* Work is not handed to a locked account: nobody would take it. */
static bool cmd_complaint_not_locked(struct shell *sh, const char *name)
{
	struct account acct;
	bool locked;
	struct buf w;

	memset(&acct, 0, sizeof acct);
	locked = store_account_get(sh->host.store, name, &acct) == 0 && acct.locked;
	store_account_clear(&acct);
	if (!locked)
		return true;
	buf_init(&w);
	shell_clean(&w, name);
	shell_errorf(sh,
	             T(sh, "account `%s` is locked: it cannot take work (an admin can user unlock "
	                   "it)",
	               "账号 `%s` 已被锁定，不能接手工作（管理员可用 user unlock 解锁）"),
	             buf_cstr(&w));
	buf_free(&w);
	return false;
}

static int cmd_complaint_assign(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	const char *to = a->pos[1], *note = args_get(a, "note");
	struct audit_ctx ctx;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_util_desk_account(sh, "", to) || !cmd_complaint_not_locked(sh, to))
		return CMD_ERROR;
	if (!cmd_util_text_ok(sh, "--note", note, COMPLAINT_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_assign(sh->host.store, &ctx, number, to, note);
	if (rc == STORE_EOWNER)
		return cmd_util_not_yours(sh, number, 0, NULL, true);
	if (rc == STORE_EEXIST) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, to);
		shell_errorf(sh, T(sh, "%s is already assigned to %s", "投诉 %s 已经由 %s 负责"),
		             number, buf_cstr(&w));
		buf_free(&w);
		return CMD_ERROR;
	}
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "assigned", "转交");
	cmd_complaint_changed(sh, number, T(sh, "handed over", "已转交"));
	return CMD_OK;
}

static int cmd_complaint_escalate(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	const char *to = args_get(a, "to"), *reason = args_get(a, "reason");
	struct audit_ctx ctx;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (to != NULL && !cmd_util_desk_account(sh, "--to ", to))
		return CMD_ERROR;
	if (!cmd_util_text_ok(sh, "--reason", reason, COMPLAINT_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_escalate(sh->host.store, &ctx, number, to, reason);
	if (rc == STORE_EOWNER && to != NULL) {
		struct complaint c;
		bool handover;

		/* Refused as a handover when it would have been one. */
		memset(&c, 0, sizeof c);
		handover = store_complaint_get(sh->host.store, number, &c, false) == 0 &&
		           (c.assignee == NULL || strcmp(c.assignee, to) != 0);
		store_complaint_clear(&c);
		return cmd_util_not_yours(sh, number, 0, NULL, handover);
	}
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "escalated", "升级");
	cmd_complaint_changed(sh, number, T(sh, "escalated", "已升级"));
	return CMD_OK;
}

static int cmd_complaint_resolve(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	const char *outcome = args_get(a, "outcome");
	struct audit_ctx ctx;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_util_text_ok(sh, "--outcome", outcome, COMPLAINT_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_resolve(sh->host.store, &ctx, number, outcome);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "resolved", "办结");
	cmd_complaint_changed(sh, number, T(sh, "resolved", "已办结"));
	return CMD_OK;
}

static int cmd_complaint_reopen(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	const char *reason = args_get(a, "reason");
	struct audit_ctx ctx;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_util_text_ok(sh, "--reason", reason, COMPLAINT_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_reopen(sh->host.store, &ctx, number, reason);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "reopened", "重开");
	cmd_complaint_changed(sh, number, T(sh, "reopened", "已重开"));
	return CMD_OK;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

/* clang-format off */
#define CMD_OPTS_COMPLAINT_FILTERS                                                              \
	{"mine", 0}, {"status", ARGS_VALUE}, {"unit", ARGS_VALUE}, {"category", ARGS_VALUE},    \
	    {"technique", ARGS_VALUE}, {"agent", ARGS_VALUE}, {"assignee", ARGS_VALUE},         \
	    {"since", ARGS_VALUE}, {"until", ARGS_VALUE}, {"overdue", 0}, {"limit", ARGS_VALUE}, \
	    {"offset", ARGS_VALUE}, {"json", 0}
/* clang-format on */

/* Complaint intake (cmd_complaint.c, cmd_promise.c, cmd_technique.c, cmd_unit.c,
 * cmd_report.c). */
static const struct args_opt cmd_opts_complaint_add[] = {
    {"unit", ARGS_VALUE | ARGS_REQUIRED},
    {"category", ARGS_VALUE | ARGS_REQUIRED},
    {"technique", ARGS_VALUE | ARGS_REQUIRED},
    {"phone", ARGS_VALUE},
    {"caller", ARGS_VALUE},
    {"relation", ARGS_VALUE},
    {"channel", ARGS_VALUE},
    {"mood", ARGS_VALUE},
    {"dialect", ARGS_VALUE},
    {"promise", ARGS_VALUE},
    {"due", ARGS_VALUE},
    {"stdin", 0},
    {"json", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_list[] = {
    CMD_OPTS_COMPLAINT_FILTERS,
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_search[] = {
    CMD_OPTS_COMPLAINT_FILTERS,
    {"regex", 0},
    {"caseless", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_stdin[] = {
    {"stdin", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_assign[] = {
    {"note", ARGS_VALUE | ARGS_REQUIRED},
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_escalate[] = {
    {"reason", ARGS_VALUE | ARGS_REQUIRED},
    {"to", ARGS_VALUE},
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_resolve[] = {
    {"outcome", ARGS_VALUE | ARGS_REQUIRED},
    {NULL, 0},
};

static const struct cmd_entry cmd_complaint_entries[] = {
    {"complaint", "add", ROLES_DESK, cmd_opts_complaint_add, 0, ARGS_MAX_WORDS,
     "complaint add --unit U --category C --technique T[,T] [--phone P] [--caller NAME] "
     "[--relation owner|family|tenant|other] [--channel phone|visit|onsite] "
     "[--mood calm|upset|angry] [--dialect D] [--promise TEXT --due YYYY-MM-DD[ HH:MM]] "
     "[--json] TEXT | --stdin",
     "Take a complaint in one line (exec mode and power users): the owner's words as TEXT or, "
     "in exec mode, with --stdin; techniques and non-verbal measures as codes (technique "
     "list); optionally one promise with its due date.",
     "一行登记投诉（exec 模式和熟练用户）：业主原话作为 TEXT，或在 exec 模式下用 --stdin 从标准输入"
     "读取；沟通方法和非语言措施用代码给出（technique list 查看）；可同时记录一条承诺及其期限。",
     CMD_AUDIT, "stdin", cmd_complaint_add, CMD_STDIN_TEXT},
    {"complaint", "show", ROLES_DESK, cmd_opts_json, 1, 1, "complaint show NUMBER [--json]",
     "Show a complaint in full: the record, techniques, promises, notes, handovers and "
     "history.",
     "显示投诉的全部内容：记录、沟通方法、承诺、备注、交接和历史。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_complaint_view_show, 0},
    {"complaint", "list", ROLES_DESK, cmd_opts_complaint_list, 0, 0,
     "complaint list [--mine] [--status S[,S]] [--unit U] [--category C] [--technique T] "
     "[--agent A] [--assignee A] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--overdue] "
     "[--limit N] [--offset N] [--json]",
     "List complaints, newest first, with filters (--since and --until are inclusive days; "
     "--overdue: with a promise past its due time).",
     "按时间倒序列出投诉，可筛选（--since、--until 为包含当天的日期；--overdue：有承诺已逾期）。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_complaint_view_list, 0},
    {"complaint", "search", ROLES_DESK, cmd_opts_complaint_search, 1, 1,
     "complaint search TEXT|PATTERN [--regex [--caseless]] [list filters] [--json]",
     "Search the owner's words, outcomes and notes: plain text (works for Chinese: 漏水 finds "
     "卫生间漏水) or, with --regex, a PCRE2 pattern with match limits.",
     "在业主原话、处理结果和备注中搜索：普通文字（支持中文，漏水 可找到 卫生间漏水），或用 --regex "
     "给出有匹配上限的 PCRE2 正则表达式。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_complaint_view_search, 0},
    {"complaint", "note", ROLES_DESK, cmd_opts_stdin, 1, ARGS_MAX_WORDS,
     "complaint note NUMBER TEXT | complaint note NUMBER --stdin",
     "Add a note to a complaint (append-only). A complaint is worked (note, tag, escalate, "
     "resolve, reopen, promises) by who took it, who holds it now, and supervisors.",
     "为投诉添加备注（只增不改）。投诉只能由受理人、当前负责人和主管处理（备注、沟通方法、升级、"
     "办结、重开、承诺）。",
     CMD_AUDIT, "stdin",
     cmd_complaint_note, CMD_STDIN_TEXT},
    {"complaint", "tag", ROLES_DESK, NULL, 2, ARGS_MAX_WORDS, "complaint tag NUMBER +CODE -CODE...",
     "Add (+CODE) or remove (-CODE) techniques and non-verbal measures of a complaint.",
     "为投诉添加（+代码）或去掉（-代码）沟通方法和非语言措施。", CMD_AUDIT, NULL,
     cmd_complaint_tag, 0},
    {"complaint", "assign", ROLES_DESK, cmd_opts_complaint_assign, 2, 2,
     "complaint assign NUMBER AGENT --note TEXT",
     "Hand a complaint over to another agent with a handover note: the owner's mood, what was "
     "promised, what not to repeat. Only its current holder or a supervisor may.",
     "把投诉转交给另一位客服，并写交接说明：业主情绪、已承诺的事项、不要重复的话。只有当前负责人或"
     "主管可以转交。",
     CMD_AUDIT,
     NULL, cmd_complaint_assign, 0},
    {"complaint", "escalate", ROLES_DESK, cmd_opts_complaint_escalate, 1, 1,
     "complaint escalate NUMBER --reason TEXT [--to AGENT]",
     "Escalate a complaint (optionally handing it to a supervisor or colleague).",
     "升级投诉（可同时转交给主管或同事）。", CMD_AUDIT, NULL, cmd_complaint_escalate, 0},
    {"complaint", "resolve", ROLES_DESK, cmd_opts_complaint_resolve, 1, 1,
     "complaint resolve NUMBER --outcome TEXT",
     "Resolve a complaint with its outcome; refused while a promise is open (keep it or "
     "withdraw it first). By who took it, who holds it, or a supervisor.",
     "办结投诉并写明处理结果；有未兑现的承诺时不能办结（先兑现或撤回）。由受理人、负责人或主管办结。",
     CMD_AUDIT, NULL,
     cmd_complaint_resolve, 0},
    {"complaint", "reopen", ROLES_DESK, cmd_opts_reason, 1, 1,
     "complaint reopen NUMBER --reason TEXT", "Reopen a resolved complaint.", "重开已办结的投诉。",
     CMD_AUDIT, NULL, cmd_complaint_reopen, 0},
};

const struct cmd_group cmd_complaint_group = {cmd_complaint_entries, sizeof cmd_complaint_entries / sizeof cmd_complaint_entries[0],
                                           "Complaints", "投诉"};
