/* cmd_movein_step — the move-in steps an agent records (cmd_movein_int.h): documents, forms,
 * fees, the inspection and its defects, the owner's sign-off, the manager's review, the keys
 * and a supervisor's waivers. The store refuses what the state machine does not allow; a
 * refusal here names what is missing. */
#include "cmd.h"
#include "cmd_movein_int.h"
#include "cmd_util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "shell_int.h"
#include "store.h"
#include "store_movein.h"
#include "store_movein_step.h"

/* A receipt number: 1..MOVEIN_RECEIPT_MAX printable ASCII characters, no spaces. */
static bool cmd_movein_step_receipt_ok(const char *s)
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > MOVEIN_RECEIPT_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/* After a refusal: what of unit is missing, in a message. */
static int cmd_movein_step_missing(struct shell *sh, const char *unit, const char *head)
{
	const struct movein_rules *r;
	struct catalog *c = cmd_util_catalog(sh);
	struct buf out;
	struct movein m;
	int rc;

	r = c != NULL ? c->movein : NULL;
	rc = store_movein_get(sh->host.store, unit, &m);
	if (rc < 0) {
		catalog_unref(c);
		return cmd_movein_util_error(sh, unit, rc);
	}
	buf_init(&out);
	buf_puts(&out, head);
	buf_putc(&out, '\n');
	cmd_movein_util_gaps(sh, r, &m, "  ", &out);
	if (out.len > 0 && out.data[out.len - 1] == '\n')
		out.len--;
	shell_errorf(sh, "%s", buf_cstr(&out));
	buf_free(&out);
	store_movein_clear(&m);
	catalog_unref(c);
	return CMD_ERROR;
}

/* Is unit's move-in started and not yet reviewed? *signed_off (may be NULL): the owner's
 * sign-off is recorded. */
static bool cmd_movein_step_open(struct shell *sh, const char *unit, bool *signed_off)
{
	struct movein m;
	bool open = store_movein_get(sh->host.store, unit, &m) == 0 && m.reviewed_ms == 0;

	if (signed_off != NULL)
		*signed_off = m.signoff_ms > 0;
	store_movein_clear(&m);
	return open;
}

static bool cmd_movein_step_started(struct shell *sh, const char *unit)
{
	struct movein m;
	int rc = store_movein_get(sh->host.store, unit, &m);

	store_movein_clear(&m);
	return rc == 0;
}

int cmd_movein_step_doc(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0], *verb = a->pos[1], *doc = a->pos[2];
	const char *reason = args_get(a, "reason");
	const struct movein_rules *r;
	struct audit_ctx ctx;
	struct catalog *c;
	int status, rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	status = strcmp(verb, "receive") == 0  ? MOVEIN_DOC_RECEIVED
	         : strcmp(verb, "reject") == 0 ? MOVEIN_DOC_REJECTED
	         : strcmp(verb, "missing") == 0 ? MOVEIN_DOC_MISSING
	                                        : -1;
	if (status < 0) {
		shell_errorf(sh, "%s",
		             T(sh, "say receive, reject or missing", "请写 receive、reject 或 missing"));
		return CMD_USAGE;
	}
	if ((status == MOVEIN_DOC_REJECTED) != (reason != NULL)) {
		shell_errorf(sh, "%s",
		             status == MOVEIN_DOC_REJECTED
		                 ? T(sh, "a rejected document needs --reason TEXT (why)",
		                     "退回资料必须用 --reason 说明原因")
		                 : T(sh, "--reason is for reject only", "--reason 只用于退回"));
		return CMD_USAGE;
	}
	if (reason != NULL && !cmd_util_text_ok(sh, "--reason", reason, MOVEIN_TEXT_MAX))
		return CMD_USAGE;
	r = cmd_movein_util_rules(sh, &c);
	if (r == NULL)
		return CMD_ERROR;
	if (!cmd_movein_util_codes_ok(sh, r, MOVEIN_RULES_DOC, &doc, 1)) {
		catalog_unref(c);
		return CMD_USAGE;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_doc(sh->host.store, &ctx, unit, doc, status, reason);
	if (rc == STORE_ENOENT && cmd_movein_step_started(sh, unit)) {
		shell_errorf(sh,
		             T(sh, "%s is not required for the move-in of %s",
		               "单元 %s 的入伙不需要%s"),
		             shell_is_zh(sh) ? unit : cmd_movein_util_name(sh, r, MOVEIN_RULES_DOC, doc),
		             shell_is_zh(sh) ? cmd_movein_util_name(sh, r, MOVEIN_RULES_DOC, doc) : unit);
		catalog_unref(c);
		return CMD_ERROR;
	}
	if (rc < 0) {
		catalog_unref(c);
		return cmd_movein_util_error(sh, unit, rc);
	}
	shell_printf(sh, "%s: %s\n", cmd_movein_util_name(sh, r, MOVEIN_RULES_DOC, doc),
	             status == MOVEIN_DOC_RECEIVED   ? T(sh, "received", "已收")
	             : status == MOVEIN_DOC_REJECTED ? T(sh, "rejected", "已退回")
	                                             : T(sh, "missing", "未交"));
	catalog_unref(c);
	return CMD_OK;
}

int cmd_movein_step_forms(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0];
	const struct movein_rules *r;
	struct audit_ctx ctx;
	struct catalog *c;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	if (strcmp(a->pos[1], "sign") != 0) {
		shell_errorf(sh, "%s",
		             T(sh, "usage: movein forms UNIT sign FORM...",
		               "用法：movein forms 单元 sign 表格..."));
		return CMD_USAGE;
	}
	r = cmd_movein_util_rules(sh, &c);
	if (r == NULL)
		return CMD_ERROR;
	if (!cmd_movein_util_codes_ok(sh, r, MOVEIN_RULES_FORM, a->pos + 2, a->npos - 2)) {
		catalog_unref(c);
		return CMD_USAGE;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_sign(sh->host.store, &ctx, unit, a->pos + 2, a->npos - 2);
	catalog_unref(c);
	if (rc == STORE_EINVAL) {
		shell_errorf(sh, "%s", T(sh, "each form once", "每份表格只写一次"));
		return CMD_USAGE;
	}
	if (rc < 0)
		return cmd_movein_util_error(sh, unit, rc);
	shell_printf(sh, T(sh, "%zu forms signed for.\n", "已登记签收表格 %zu 份。\n"),
	             a->npos - 2);
	return CMD_OK;
}

/* "2955", "738.75", "2,955.00", "¥2955": yuan into fen (1.. MOVEIN_FEN_MAX). */
static bool cmd_movein_step_amount(const char *s, int64_t *fen)
{
	int64_t v = 0;
	size_t d = 0;
	bool dot = false, any = false;

	if (strncmp(s, "¥", strlen("¥")) == 0)
		s += strlen("¥");
	for (; *s != '\0'; s++) {
		if (*s == ',' && !dot && any)
			continue;
		if (*s == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*s < '0' || *s > '9' || (dot && d == 2))
			return false;
		v = v * 10 + (*s - '0');
		any = true;
		if (dot)
			d++;
		if (v > MOVEIN_FEN_MAX)
			return false;
	}
	for (; d < 2; d++)
		v *= 10;
	*fen = v;
	return any && v > 0 && v <= MOVEIN_FEN_MAX;
}

int cmd_movein_step_pay(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0], *fee = a->pos[1], *receipt = args_get(a, "receipt");
	const struct movein_rules *r;
	struct audit_ctx ctx;
	struct catalog *c;
	struct movein m;
	struct buf msg;
	int64_t fen;
	size_t i;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	if (!cmd_movein_step_amount(a->pos[2], &fen)) {
		shell_errorf(sh, "%s",
		             T(sh, "AMOUNT is yuan with at most 2 decimals, e.g. 2955 or 738.75",
		               "金额以元为单位，最多两位小数，如 2955 或 738.75"));
		return CMD_USAGE;
	}
	if (!cmd_movein_step_receipt_ok(receipt)) {
		shell_errorf(sh, T(sh, "--receipt: 1-%d letters, digits or signs, no spaces",
		                   "--receipt：1-%d 个字母、数字或符号，不含空格"),
		             MOVEIN_RECEIPT_MAX);
		return CMD_USAGE;
	}
	r = cmd_movein_util_rules(sh, &c);
	if (r == NULL)
		return CMD_ERROR;
	if (!cmd_movein_util_codes_ok(sh, r, MOVEIN_RULES_FEE, &fee, 1)) {
		catalog_unref(c);
		return CMD_USAGE;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_pay(sh->host.store, &ctx, unit, fee, fen, receipt);
	if (store_movein_get(sh->host.store, unit, &m) < 0) {
		catalog_unref(c);
		return cmd_movein_util_error(sh, unit, rc < 0 ? rc : STORE_ENOENT);
	}
	for (i = 0; i < m.nfees; i++)
		if (strcmp(m.fees[i].code, fee) == 0)
			break;
	buf_init(&msg);
	if (rc == STORE_ENOENT || (rc == STORE_EINVAL && i == m.nfees)) {
		shell_errorf(sh, T(sh, "no %s is due for %s", "单元 %s 无需缴纳%s"),
		             shell_is_zh(sh) ? unit : cmd_movein_util_name(sh, r, MOVEIN_RULES_FEE, fee),
		             shell_is_zh(sh) ? cmd_movein_util_name(sh, r, MOVEIN_RULES_FEE, fee) : unit);
		rc = CMD_ERROR;
	} else if (rc == STORE_EINVAL) {
		cmd_movein_util_money(m.fees[i].due_fen - m.fees[i].paid_fen, &msg);
		shell_errorf(sh,
		             T(sh, "more than is still due on %s: %s", "超过%s尚欠金额：%s"),
		             cmd_movein_util_name(sh, r, MOVEIN_RULES_FEE, fee), buf_cstr(&msg));
		rc = CMD_ERROR;
	} else if (rc < 0) {
		rc = cmd_movein_util_error(sh, unit, rc);
	} else {
		buf_puts(&msg, cmd_movein_util_name(sh, r, MOVEIN_RULES_FEE, fee));
		buf_puts(&msg, T(sh, ": paid ", "：已付 "));
		cmd_movein_util_money(m.fees[i].paid_fen, &msg);
		buf_puts(&msg, T(sh, " of ", " / 应付 "));
		cmd_movein_util_money(m.fees[i].due_fen, &msg);
		buf_putc(&msg, '\n');
		shell_write(sh, 1, msg.data, msg.len);
		rc = CMD_OK;
	}
	buf_free(&msg);
	store_movein_clear(&m);
	catalog_unref(c);
	return rc;
}

int cmd_movein_step_inspect(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0];
	const char *items[MOVEIN_LIST_MAX];
	const struct movein_rules *r;
	struct audit_ctx ctx;
	struct catalog *c;
	size_t n = 0, i, j;
	struct movein m;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	if (a->npos == 1)
		return cmd_movein_inspect_run(sh, unit);
	if (strcmp(a->pos[1], "pass") != 0 || a->npos < 3) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "usage: movein inspect UNIT pass ITEM...|all (a defect: movein defect "
		               "add)",
		               "用法：movein inspect 单元 pass 项目...|all（发现问题：movein defect "
		               "add）"));
		return CMD_USAGE;
	}
	r = cmd_movein_util_rules(sh, &c);
	if (r == NULL)
		return CMD_ERROR;
	rc = store_movein_get(sh->host.store, unit, &m);
	if (rc < 0) {
		catalog_unref(c);
		return cmd_movein_util_error(sh, unit, rc);
	}
	if (a->npos == 3 && strcmp(a->pos[2], "all") == 0) {
		for (i = 0; i < m.nitems; i++) {
			bool open = false;

			for (j = 0; j < m.ndefects; j++)
				open |= strcmp(m.defects[j].item, m.items[i].code) == 0 &&
				        m.defects[j].status != MOVEIN_DEFECT_CLOSED;
			if (m.items[i].result == MOVEIN_ITEM_PENDING && !open)
				items[n++] = m.items[i].code;
		}
	} else {
		if (!cmd_movein_util_codes_ok(sh, r, MOVEIN_RULES_ITEM, a->pos + 2, a->npos - 2)) {
			store_movein_clear(&m);
			catalog_unref(c);
			return CMD_USAGE;
		}
		for (i = 2; i < a->npos && n < MOVEIN_LIST_MAX; i++)
			items[n++] = a->pos[i];
	}
	if (n == 0) {
		shell_printf(sh, "%s\n",
		             T(sh, "Nothing left to inspect.", "没有待检查的项目。"));
		store_movein_clear(&m);
		catalog_unref(c);
		return CMD_OK;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_pass(sh->host.store, &ctx, unit, items, n);
	store_movein_clear(&m);
	if (rc == STORE_ESTATE && store_movein_get(sh->host.store, unit, &m) == 0 &&
	    m.reviewed_ms == 0) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "an item with a defect not closed cannot pass: re-inspect the defect "
		               "(movein defect reinspect ID pass)",
		               "有未关闭整改项的项目不能判为合格：请复验该整改项（movein defect "
		               "reinspect 编号 pass）"));
		store_movein_clear(&m);
		catalog_unref(c);
		return CMD_ERROR;
	}
	store_movein_clear(&m);
	catalog_unref(c);
	if (rc < 0)
		return cmd_movein_util_error(sh, unit, rc);
	shell_printf(sh, T(sh, "%zu items passed.\n", "%zu 个项目验收合格。\n"), n);
	return CMD_OK;
}

static int cmd_movein_step_defect_id(struct shell *sh, const char *s, int64_t *id)
{
	const char *p = s[0] == '#' ? s + 1 : s;
	char *end = NULL;
	long long v;

	errno = 0;
	v = strtoll(p, &end, 10);
	if (p[0] < '0' || p[0] > '9' || *end != '\0' || errno != 0 || v <= 0) {
		shell_errorf(sh, "%s",
		             T(sh, "a defect is named by its number (like 12 or #12: movein show)",
		               "整改项用编号表示（如 12 或 #12，可用 movein show 查看）"));
		return CMD_USAGE;
	}
	*id = v;
	return CMD_OK;
}

static int cmd_movein_step_defect_add(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[1], *item = a->npos > 2 ? a->pos[2] : NULL;
	const char *text = args_get(a, "text"), *fix = args_get(a, "fix");
	const char *deadline = args_get(a, "deadline");
	const struct movein_rules *r;
	struct audit_ctx ctx;
	struct catalog *c;
	int64_t due, id;
	int rc;

	if (item == NULL || text == NULL || fix == NULL || deadline == NULL) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "usage: movein defect add UNIT ITEM --text TEXT --fix TEXT --deadline "
		               "YYYY-MM-DD",
		               "用法：movein defect add 单元 项目 --text 问题 --fix 整改要求 "
		               "--deadline 日期"));
		return CMD_USAGE;
	}
	if (!cmd_movein_util_unit_ok(sh, unit) || !cmd_util_text_ok(sh, "--text", text, MOVEIN_TEXT_MAX) ||
	    !cmd_util_text_ok(sh, "--fix", fix, MOVEIN_TEXT_MAX) ||
	    cmd_util_parse_due(sh, "--deadline", deadline, &due) != CMD_OK)
		return CMD_USAGE;
	r = cmd_movein_util_rules(sh, &c);
	if (r == NULL)
		return CMD_ERROR;
	if (!cmd_movein_util_codes_ok(sh, r, MOVEIN_RULES_ITEM, &item, 1)) {
		catalog_unref(c);
		return CMD_USAGE;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_defect_add(sh->host.store, &ctx, unit, item, text, fix, due, &id);
	if (rc < 0) {
		catalog_unref(c);
		return cmd_movein_util_error(sh, unit, rc);
	}
	shell_printf(sh, T(sh, "Defect #%lld recorded on %s (登记).\n", "已登记整改项 #%lld（%s）。\n"),
	             (long long)id, cmd_movein_util_name(sh, r, MOVEIN_RULES_ITEM, item));
	catalog_unref(c);
	return CMD_OK;
}

int cmd_movein_step_defect(struct shell *sh, struct args *a)
{
	static const char *const need_en[] = {"recorded or assigned", "assigned", "rectified",
	                                      "rectified"};
	static const char *const need_zh[] = {"登记或指派", "指派", "整改", "整改"};
	static const char *const status_zh[] = {"登记", "指派", "整改", "关闭"};
	const char *verb = a->pos[0], *to = args_get(a, "to"), *note = args_get(a, "note");
	struct movein_defect d;
	struct audit_ctx ctx;
	int64_t id;
	int step, rc;

	if (strcmp(verb, "add") == 0)
		return cmd_movein_step_defect_add(sh, a);
	step = strcmp(verb, "assign") == 0 ? MOVEIN_DEFECT_ASSIGN
	       : strcmp(verb, "fix") == 0  ? MOVEIN_DEFECT_FIX
	       : strcmp(verb, "reinspect") == 0 && a->npos == 3 && strcmp(a->pos[2], "pass") == 0
	           ? MOVEIN_DEFECT_PASS
	       : strcmp(verb, "reinspect") == 0 && a->npos == 3 && strcmp(a->pos[2], "fail") == 0
	           ? MOVEIN_DEFECT_FAIL
	           : -1;
	if (step < 0 || (step == MOVEIN_DEFECT_ASSIGN) != (to != NULL) ||
	    (step < MOVEIN_DEFECT_PASS && a->npos != 2)) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "usage: movein defect add UNIT ITEM ... | assign ID --to TEAM | fix ID "
		               "| reinspect ID pass|fail",
		               "用法：movein defect add 单元 项目 ... | assign 编号 --to 整改方 | fix "
		               "编号 | reinspect 编号 pass|fail"));
		return CMD_USAGE;
	}
	if (cmd_movein_step_defect_id(sh, a->pos[1], &id) != CMD_OK)
		return CMD_USAGE;
	if ((to != NULL && !cmd_util_text_ok(sh, "--to", to, MOVEIN_NAME_MAX)) ||
	    (note != NULL && !cmd_util_text_ok(sh, "--note", note, MOVEIN_TEXT_MAX)))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_defect(sh->host.store, &ctx, id, step, to, note);
	memset(&d, 0, sizeof d);
	if (rc == STORE_ENOENT &&
	    store_movein_step_defect_get(sh->host.store, id, &d) == STORE_ENOENT) {
		shell_errorf(sh, T(sh, "no defect #%lld", "没有整改项 #%lld"), (long long)id);
		return CMD_ERROR;
	}
	if (rc == STORE_ESTATE && store_movein_step_defect_get(sh->host.store, id, &d) == 0) {
		struct movein m;

		if (store_movein_get(sh->host.store, d.unit, &m) == 0 && m.reviewed_ms == 0)
			shell_errorf(sh,
			             T(sh, "defect #%lld is %s: %s needs it %s",
			               "整改项 #%lld 当前为%s：%s需要它处于%s状态"),
			             (long long)id,
			             shell_is_zh(sh) ? status_zh[d.status]
			                             : store_movein_defect_status_name(d.status),
			             verb, shell_is_zh(sh) ? need_zh[step] : need_en[step]);
		else
			cmd_movein_util_error(sh, d.unit, rc);
		store_movein_clear(&m);
		store_movein_defect_clear(&d);
		return CMD_ERROR;
	}
	if (rc < 0) {
		rc = store_movein_step_defect_get(sh->host.store, id, &d) == 0
		         ? cmd_movein_util_error(sh, d.unit, rc)
		         : shell_store_error(sh, rc);
		store_movein_defect_clear(&d);
		return rc;
	}
	store_movein_step_defect_get(sh->host.store, id, &d);
	shell_printf(sh, T(sh, "Defect #%lld: %s.\n", "整改项 #%lld：%s。\n"), (long long)id,
	             shell_is_zh(sh) ? status_zh[d.status]
	                             : store_movein_defect_status_name(d.status));
	store_movein_defect_clear(&d);
	return CMD_OK;
}

int cmd_movein_step_signoff(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0];
	bool signed_already = false;
	struct audit_ctx ctx;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_signoff(sh->host.store, &ctx, unit);
	if (rc == STORE_ESTATE && cmd_movein_step_open(sh, unit, &signed_already)) {
		if (signed_already) {
			shell_errorf(sh, "%s",
			             T(sh, "the owner has already signed off the inspection",
			               "业主已签字确认验房"));
			return CMD_ERROR;
		}
		return cmd_movein_step_missing(
		    sh, unit,
		    T(sh, "the owner signs off only a finished inspection; still open:",
		      "验房完成后业主才能签字确认；尚未完成："));
	}
	if (rc < 0)
		return cmd_movein_util_error(sh, unit, rc);
	shell_printf(sh, "%s\n",
	             T(sh, "The owner signed off the inspection.", "业主已签字确认验房。"));
	return CMD_OK;
}

int cmd_movein_step_review(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0];
	struct audit_ctx ctx;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_review(sh->host.store, &ctx, unit);
	if (rc == STORE_ESTATE && cmd_movein_step_open(sh, unit, NULL))
		return cmd_movein_step_missing(
		    sh, unit,
		    T(sh, "the review needs every step done; still missing:",
		      "各步骤完成后才能审核；还缺："));
	if (rc < 0)
		return cmd_movein_util_error(sh, unit, rc);
	shell_printf(sh, T(sh, "Move-in of %s reviewed: the keys may be handed over.\n",
	                   "单元 %s 的入伙已审核通过：可以交付钥匙。\n"),
	             unit);
	return CMD_OK;
}

/* --kinds "入户门:2,信箱:1": each kind a name and a count; the sum into *total. */
static bool cmd_movein_step_kinds(struct shell *sh, const char *kinds, size_t *total)
{
	const char *p = kinds;

	*total = 0;
	while (*p != '\0') {
		const char *colon = strchr(p, ':'), *end;
		char *stop = NULL;
		unsigned long v;

		if (colon == NULL || colon == p)
			goto bad;
		v = strtoul(colon + 1, &stop, 10);
		if (stop == colon + 1 || v < 1 || v > MOVEIN_KEYS_MAX || (*stop != ',' && *stop != '\0'))
			goto bad;
		*total += v;
		end = stop;
		p = *end == ',' ? end + 1 : end;
	}
	if (*total >= 1 && *total <= MOVEIN_KEYS_MAX)
		return true;
bad:
	shell_errorf(sh, T(sh, "--kinds: KIND:COUNT,... such as 入户门:2,信箱:1 (%d keys at most)",
	                   "--kinds：种类:数量,...，如 入户门:2,信箱:1（最多 %d 把）"),
	             MOVEIN_KEYS_MAX);
	return false;
}

int cmd_movein_step_keys(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0], *to = args_get(a, "to"), *receipt = args_get(a, "receipt");
	const char *kinds = args_get(a, "kinds");
	size_t count = 0, sum = 0;
	struct audit_ctx ctx;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit) ||
	    cmd_util_parse_count(sh, "count", args_get(a, "count"), MOVEIN_KEYS_MAX, &count) !=
	        CMD_OK ||
	    !cmd_util_text_ok(sh, "--to", to, MOVEIN_NAME_MAX))
		return CMD_USAGE;
	if (kinds != NULL && (!cmd_util_text_ok(sh, "--kinds", kinds, MOVEIN_NAME_MAX) ||
	                      !cmd_movein_step_kinds(sh, kinds, &sum)))
		return CMD_USAGE;
	if (count == 0)
		count = sum;
	if (count == 0 || (kinds != NULL && count != sum)) {
		shell_errorf(sh, "%s",
		             count == 0 ? T(sh, "how many keys: --count N or --kinds KIND:COUNT,...",
		                            "钥匙数量：请用 --count 数量 或 --kinds 种类:数量,...")
		                        : T(sh, "--count is not the sum of --kinds",
		                            "--count 与 --kinds 的合计不符"));
		return CMD_USAGE;
	}
	if (!cmd_movein_step_receipt_ok(receipt)) {
		shell_errorf(sh, T(sh, "--receipt: 1-%d letters, digits or signs, no spaces",
		                   "--receipt：1-%d 个字母、数字或符号，不含空格"),
		             MOVEIN_RECEIPT_MAX);
		return CMD_USAGE;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_keys(sh->host.store, &ctx, unit, (int)count, kinds, to, receipt);
	if (rc == STORE_ESTATE && cmd_movein_step_open(sh, unit, NULL)) {
		shell_errorf(sh,
		             T(sh,
		               "the keys are handed over only after the manager's review (movein "
		               "review %s, by a supervisor)",
		               "经理审核通过后才能交付钥匙（由主管执行 movein review %s）"),
		             unit);
		return CMD_ERROR;
	}
	if (rc < 0)
		return cmd_movein_util_error(sh, unit, rc);
	shell_printf(sh, T(sh, "%zu keys handed over; the move-in of %s is complete.\n",
	                   "已交付钥匙 %zu 把；单元 %s 入伙完成。\n"),
	             count, unit);
	return CMD_OK;
}

int cmd_movein_step_waive(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0], *what = a->pos[1], *reason = args_get(a, "reason");
	struct audit_ctx ctx;
	struct buf w;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit) || !cmd_util_text_ok(sh, "--reason", reason, MOVEIN_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_waive(sh->host.store, &ctx, unit, what, reason);
	buf_init(&w);
	shell_clean(&w, what);
	if (rc == STORE_EEXIST) {
		shell_errorf(sh, T(sh, "%s is already waived", "%s 已豁免"), buf_cstr(&w));
		rc = CMD_ERROR;
	} else if (rc == STORE_ENOENT || rc == STORE_EINVAL) {
		struct movein m;

		if (store_movein_get(sh->host.store, unit, &m) == 0 && m.reviewed_ms == 0) {
			buf_free(&w);
			buf_init(&w);
			shell_clean(&w, what);
			store_movein_clear(&m);
			shell_errorf(sh,
			             T(sh,
			               "`%s` is not missing for %s (movein show %s --json lists what "
			               "is, e.g. doc:seal or defect:12)",
			               "`%s` 不是单元 %s 的缺项（movein show %s --json 列出缺项，如 "
			               "doc:seal 或 defect:12）"),
			             buf_cstr(&w), unit, unit);
			rc = CMD_ERROR;
		} else {
			store_movein_clear(&m);
			rc = cmd_movein_util_error(sh, unit, rc == STORE_EINVAL ? STORE_ENOENT : rc);
		}
	} else if (rc < 0) {
		rc = cmd_movein_util_error(sh, unit, rc);
	} else {
		shell_printf(sh, T(sh, "Waived %s for %s.\n", "已豁免单元 %s 的 %s。\n"),
		             shell_is_zh(sh) ? unit : buf_cstr(&w),
		             shell_is_zh(sh) ? buf_cstr(&w) : unit);
		rc = CMD_OK;
	}
	buf_free(&w);
	return rc;
}
