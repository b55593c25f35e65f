/* cmd_movein_util — what the move-in group's files share: the rules in force, names and
 * money as shown, the unit check, store errors in the user's words, what is missing, and the
 * labels of stages, housing types and defects. Calls only the shell, the catalog and the
 * store; every cmd_movein_*.c file may use it. */
#include "cmd_movein_util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cmd.h"
#include "cmd_util.h"
#include "shell_int.h"
#include "store.h"
#include "store_movein.h"
#include "store_movein_step.h"
#include "store_unit.h"

/* ---- what the move-in files share --------------------------------------------------------------- */

const struct movein_rules *cmd_movein_util_rules(struct shell *sh, struct catalog **ref)
{
	*ref = cmd_util_catalog(sh);
	if (*ref == NULL || (*ref)->movein == NULL) {
		catalog_unref(*ref);
		*ref = NULL;
		shell_errorf(sh, "%s",
		             T(sh,
		               "the move-in procedure is not configured (etc/movein.ini is missing): "
		               "ask an admin",
		               "未配置入伙流程（缺少 etc/movein.ini）：请联系管理员"));
		return NULL;
	}
	return (*ref)->movein;
}

const char *cmd_movein_util_name(const struct shell *sh, const struct movein_rules *r,
                            enum movein_rules_kind kind, const char *code)
{
	const struct movein_rules_entry *e = movein_rules_find(r, kind, code);

	return e != NULL ? movein_rules_name(e, shell_lang(sh)) : code;
}

void cmd_movein_util_money(int64_t fen, struct buf *out)
{
	char digits[32];
	size_t i, n;

	if (fen < 0) {
		buf_putc(out, '-');
		fen = -fen;
	}
	snprintf(digits, sizeof digits, "%lld", (long long)(fen / 100));
	n = strlen(digits);
	buf_puts(out, "¥");
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf_putc(out, ',');
		buf_putc(out, digits[i]);
	}
	buf_printf(out, ".%02lld", (long long)(fen % 100));
}

bool cmd_movein_util_unit_ok(struct shell *sh, const char *unit)
{
	struct buf w;

	if (store_unit_code_ok(unit))
		return true;
	buf_init(&w);
	shell_clean(&w, unit);
	shell_errorf(sh,
	             T(sh, "`%s` is not a unit code (like 3-2-1201)",
	               "`%s` 不是有效的单元编号（如 3-2-1201）"),
	             buf_cstr(&w));
	buf_free(&w);
	return false;
}

int cmd_movein_util_error(struct shell *sh, const char *unit, int rc)
{
	struct movein m;
	struct buf w;

	if (rc != STORE_ENOENT && rc != STORE_ESTATE)
		return shell_store_error(sh, rc);
	buf_init(&w);
	shell_clean(&w, unit);
	if (store_movein_get(sh->host.store, unit, &m) == STORE_ENOENT) {
		shell_errorf(sh,
		             T(sh, "unit %s has no move-in record: movein start %s begins one",
		               "单元 %s 还没有入伙记录：请先 movein start %s"),
		             buf_cstr(&w), buf_cstr(&w));
		rc = CMD_ERROR;
	} else if (rc == STORE_ESTATE && m.keys_ms > 0) {
		shell_errorf(sh,
		             T(sh, "the move-in of %s is complete: keys handed over",
		               "单元 %s 已完成入伙：钥匙已交付"),
		             buf_cstr(&w));
		rc = CMD_ERROR;
	} else if (rc == STORE_ESTATE && m.reviewed_ms > 0) {
		shell_errorf(sh,
		             T(sh,
		               "the move-in of %s is already reviewed: nothing changes now but the "
		               "keys (movein keys)",
		               "单元 %s 的入伙已审核：此后只能交付钥匙（movein keys）"),
		             buf_cstr(&w));
		rc = CMD_ERROR;
	} else {
		rc = shell_store_error(sh, rc);
	}
	store_movein_clear(&m);
	buf_free(&w);
	return rc;
}

bool cmd_movein_util_codes_ok(struct shell *sh, const struct movein_rules *r,
                         enum movein_rules_kind kind, const char *const *codes, size_t n)
{
	static const char *const what_en[] = {"document", "form", "fee", "inspection item"};
	static const char *const what_zh[] = {"资料", "表格", "费用", "验房项目"};
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct buf w, known;

		if (movein_rules_find(r, kind, codes[i]) != NULL)
			continue;
		buf_init(&w);
		buf_init(&known);
		shell_clean(&w, codes[i]);
		for (j = 0; j < r->n[kind]; j++)
			buf_printf(&known, "%s%s (%s)", j ? ", " : "", r->e[kind][j].code,
			           movein_rules_name(&r->e[kind][j], shell_lang(sh)));
		shell_errorf(sh, T(sh, "no %s `%s` (known: %s)", "没有%s `%s`（可用：%s）"),
		             shell_is_zh(sh) ? what_zh[kind] : what_en[kind], buf_cstr(&w),
		             buf_cstr(&known));
		buf_free(&w);
		buf_free(&known);
		return false;
	}
	return true;
}

static void cmd_movein_gap_line(struct shell *sh, const char *label, const struct buf *items,
                                const char *indent, struct buf *out)
{
	if (items->len == 0)
		return;
	buf_printf(out, "%s%s%s%s\n", indent, label, T(sh, ": ", "："), items->data);
}

void cmd_movein_util_gaps(struct shell *sh, const struct movein_rules *r, const struct movein *m,
                     const char *indent, struct buf *out)
{
	static const char *const label_en[] = {"documents", "forms to sign", "fees",
	                                       "inspection", "defects", "owner's sign-off"};
	static const char *const label_zh[] = {"资料", "待签表格", "费用", "验房", "整改项",
	                                       "业主签字确认"};
	size_t n = store_movein_gaps(m, NULL, 0), i;
	struct movein_gap *g;
	struct buf line[6];
	int k;

	if (n == 0)
		return;
	g = calloc(n, sizeof *g);
	if (g == NULL)
		abort();
	store_movein_gaps(m, g, n);
	for (k = 0; k < 6; k++)
		buf_init(&line[k]);
	for (i = 0; i < n; i++) {
		struct buf *b = &line[g[i].kind];
		char when[32];

		if (b->len > 0)
			buf_puts(b, T(sh, ", ", "、"));
		switch (g[i].kind) {
		case MOVEIN_GAP_DOC:
			shell_clean(b, cmd_movein_util_name(sh, r, MOVEIN_RULES_DOC, m->docs[g[i].i].code));
			if (m->docs[g[i].i].status == MOVEIN_DOC_REJECTED) {
				buf_puts(b, T(sh, " (rejected: ", "（被退回："));
				shell_clean(b, m->docs[g[i].i].reason);
				buf_puts(b, T(sh, ")", "）"));
			}
			break;
		case MOVEIN_GAP_FORM:
			shell_clean(b, cmd_movein_util_name(sh, r, MOVEIN_RULES_FORM, m->forms[g[i].i].code));
			break;
		case MOVEIN_GAP_FEE:
			shell_clean(b, cmd_movein_util_name(sh, r, MOVEIN_RULES_FEE, m->fees[g[i].i].code));
			buf_putc(b, ' ');
			cmd_movein_util_money(m->fees[g[i].i].due_fen - m->fees[g[i].i].paid_fen, b);
			break;
		case MOVEIN_GAP_ITEM:
			shell_clean(b, cmd_movein_util_name(sh, r, MOVEIN_RULES_ITEM, m->items[g[i].i].code));
			break;
		case MOVEIN_GAP_DEFECT:
			cmd_util_time(m->defects[g[i].i].deadline_ms, false, when, sizeof when);
			buf_printf(b, "#%lld ", (long long)m->defects[g[i].i].id);
			shell_clean(b,
			            cmd_movein_util_name(sh, r, MOVEIN_RULES_ITEM, m->defects[g[i].i].item));
			buf_printf(b, T(sh, " (by %s%s)", "（期限 %s%s）"), when,
			           m->defects[g[i].i].deadline_ms < store_now_ms()
			               ? T(sh, ", OVERDUE", "，已逾期")
			               : "");
			break;
		default:
			buf_puts(b, T(sh, "not signed", "未签字"));
			break;
		}
		if (g[i].waived)
			buf_puts(b, T(sh, " [waived]", "【已豁免】"));
	}
	for (k = 0; k < 6; k++) {
		cmd_movein_gap_line(sh, shell_is_zh(sh) ? label_zh[k] : label_en[k], &line[k], indent,
		                    out);
		buf_free(&line[k]);
	}
	free(g);
}

/* ---- labels ------------------------------------------------------------------------------ */

const char *cmd_movein_util_stage_label(const struct shell *sh, int stage)
{
	static const char *const en[] = {"documents",     "signing forms", "paying fees",
	                                 "inspection",    "owner's sign-off",
	                                 "manager's review", "key handover", "done"};
	static const char *const zh[] = {"资料审核", "签署表格", "缴费", "验房",
	                                 "业主签字确认", "经理审核", "交付钥匙", "已完成"};

	if (stage < 0 || stage >= MOVEIN_NSTAGES)
		return "?";
	return shell_is_zh(sh) ? zh[stage] : en[stage];
}

const char *cmd_movein_util_housing_label(const struct shell *sh, const char *type)
{
	if (type == NULL)
		return "-";
	if (strcmp(type, "commercial") == 0)
		return T(sh, "commercial", "商品房");
	if (strcmp(type, "resettlement") == 0)
		return T(sh, "resettlement", "回迁房");
	return type;
}

const char *cmd_movein_util_defect_label(const struct shell *sh, int status)
{
	static const char *const en[] = {"recorded", "assigned", "rectified", "closed"};
	static const char *const zh[] = {"登记", "指派", "整改", "关闭"};

	if (status < 0 || status > MOVEIN_DEFECT_CLOSED)
		return "?";
	return shell_is_zh(sh) ? zh[status] : en[status];
}

int cmd_movein_util_number(struct shell *sh, const char *s, const char *why_en,
                           const char *why_zh, int64_t *id)
{
	const char *p = s[0] == '#' ? s + 1 : s;
	char *end = NULL;
	long long v;

	errno = 0;
	v = strtoll(p, &end, 10);
	if (p[0] < '0' || p[0] > '9' || *end != '\0' || errno != 0 || v <= 0) {
		shell_errorf(sh, "%s", T(sh, why_en, why_zh));
		return CMD_USAGE;
	}
	*id = v;
	return CMD_OK;
}
