/* cmd_movein_inspect — `movein inspect UNIT`, the guided house inspection (cmd_movein_int.h):
 * item by item through the record's inspection list, each answered pass, defect (then what is
 * wrong, the rectification requirement and the deadline) or skip; each answer is written to
 * the store at once (its own transaction and audit event), and the form's draft keeps the
 * place so a dropped connection resumes at the next item. */
#include "cmd.h"
#include "cmd_movein_int.h"
#include "cmd_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "form.h"
#include "shell_int.h"
#include "store.h"
#include "store_draft.h"
#include "store_movein.h"
#include "store_movein_step.h"

#define CMD_MOVEIN_INSPECT_KIND "movein-inspect"

struct cmd_movein_inspect {
	char *unit;
};

static void cmd_movein_inspect_free(void *arg)
{
	struct cmd_movein_inspect *in = arg;

	free(in->unit);
	free(in);
}

/* Is code in the comma-separated list? */
static bool cmd_movein_inspect_listed(const char *list, const char *code)
{
	size_t n = strlen(code);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, code, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return false;
}

/* The next item to inspect: pending and not skipped. Sets "item" ("" when none is left). */
static bool cmd_movein_inspect_enter(struct form *f)
{
	struct shell *sh = form_shell(f);
	struct cmd_movein_inspect *in = form_arg(f);
	const char *skipped = form_get(f, "skipped");
	const struct movein_rules *r;
	struct catalog *c = cmd_util_catalog(sh);
	size_t i, done = 0;
	struct movein m;

	r = c != NULL ? c->movein : NULL;
	form_set(f, "unit", in->unit);
	form_set(f, "item", "");
	form_set(f, "result", NULL); /* each item's default is pass, not the last answer */
	if (store_movein_get(sh->host.store, in->unit, &m) < 0) {
		catalog_unref(c);
		shell_printf(sh, "%s\n",
		             T(sh, "The move-in record is gone: press Enter to finish.",
		               "入伙记录不存在：按回车结束。"));
		return true;
	}
	for (i = 0; i < m.nitems; i++)
		if (m.items[i].result != MOVEIN_ITEM_PENDING)
			done++;
	for (i = 0; i < m.nitems; i++) {
		if (m.items[i].result != MOVEIN_ITEM_PENDING ||
		    cmd_movein_inspect_listed(skipped, m.items[i].code))
			continue;
		form_set(f, "item", m.items[i].code);
		shell_printf(sh, T(sh, "Item %zu of %zu: %s\n", "第 %zu 项，共 %zu 项：%s\n"),
		             done + 1, m.nitems,
		             cmd_movein_util_name(sh, r, MOVEIN_RULES_ITEM, m.items[i].code));
		break;
	}
	if (i == m.nitems)
		shell_printf(sh, "%s\n",
		             T(sh,
		               "Every item is answered (skipped ones stay open): press Enter to "
		               "finish.",
		               "所有项目均已作答（跳过的仍待检查）：按回车结束。"));
	store_movein_clear(&m);
	catalog_unref(c);
	return true;
}

static void cmd_movein_inspect_result_def(struct form *f, struct buf *out)
{
	const char *item = form_get(f, "item");

	if (item != NULL && item[0] != '\0')
		buf_puts(out, "pass");
}

static void cmd_movein_inspect_result_help(struct form *f)
{
	struct shell *sh = form_shell(f);

	shell_printf(sh, "%s\n",
	             T(sh,
	               "pass (or y): the item is fine; defect (or n): record what is wrong; skip: "
	               "come back to it later; quit: stop here (what is answered is kept)",
	               "pass（或 y）：合格；defect（或 n）：登记问题；skip：稍后再查；quit：到此为止"
	               "（已作答的保留）"));
}

static int cmd_movein_inspect_result(struct form *f, const char *value)
{
	struct shell *sh = form_shell(f);
	struct cmd_movein_inspect *in = form_arg(f);
	const char *item = form_get(f, "item");
	struct audit_ctx ctx;
	int rc;

	if (item == NULL || item[0] == '\0' || strcmp(value, "quit") == 0 ||
	    strcmp(value, "q") == 0) {
		shell_printf(sh, T(sh, "Inspection of %s: movein show %s tells what is left.\n",
		                   "单元 %s 验房：movein show %s 可查看剩余项目。\n"),
		             in->unit, in->unit);
		form_end(f, CMD_OK, true);
		return FORM_ENDED;
	}
	if (strcmp(value, "pass") == 0 || strcmp(value, "y") == 0 || strcmp(value, "合格") == 0) {
		shell_audit_ctx(sh, &ctx);
		rc = store_movein_step_pass(sh->host.store, &ctx, in->unit, &item, 1);
		if (rc < 0) {
			cmd_movein_util_error(sh, in->unit, rc);
			form_end(f, CMD_ERROR, true);
			return FORM_ENDED;
		}
		return form_step_index(f, "result");
	}
	if (strcmp(value, "skip") == 0 || strcmp(value, "s") == 0) {
		struct buf list;
		const char *old = form_get(f, "skipped");

		buf_init(&list);
		buf_printf(&list, "%s%s%s", old != NULL ? old : "", old != NULL ? "," : "", item);
		form_set(f, "skipped", buf_cstr(&list));
		buf_free(&list);
		return form_step_index(f, "result");
	}
	if (strcmp(value, "defect") == 0 || strcmp(value, "n") == 0 ||
	    strcmp(value, "问题") == 0)
		return FORM_NEXT;
	cmd_movein_inspect_result_help(f);
	return FORM_AGAIN;
}

static int cmd_movein_inspect_text(struct form *f, const char *key, const char *what,
                                   const char *value)
{
	if (!cmd_util_text_ok(form_shell(f), what, value, MOVEIN_TEXT_MAX))
		return FORM_AGAIN;
	form_set(f, key, value);
	return FORM_NEXT;
}

static int cmd_movein_inspect_problem(struct form *f, const char *value)
{
	return cmd_movein_inspect_text(f, "problem", T(form_shell(f), "the defect", "问题"), value);
}

static int cmd_movein_inspect_fix(struct form *f, const char *value)
{
	return cmd_movein_inspect_text(f, "fix", T(form_shell(f), "the requirement", "整改要求"),
	                               value);
}

static void cmd_movein_inspect_deadline_def(struct form *f, struct buf *out)
{
	time_t t = time(NULL) + 7 * 86400;
	struct tm tm;
	char day[16];

	(void)f;
	localtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	buf_puts(out, day);
}

static int cmd_movein_inspect_deadline(struct form *f, const char *value)
{
	struct shell *sh = form_shell(f);
	struct cmd_movein_inspect *in = form_arg(f);
	struct audit_ctx ctx;
	int64_t due, id = 0;
	int rc;

	if (cmd_util_parse_due(sh, "deadline", value, &due) != CMD_OK)
		return FORM_AGAIN;
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_defect_add(sh->host.store, &ctx, in->unit, form_get(f, "item"),
	                                  form_get(f, "problem"), form_get(f, "fix"), due, &id);
	if (rc < 0) {
		cmd_movein_util_error(sh, in->unit, rc);
		form_end(f, CMD_ERROR, true);
		return FORM_ENDED;
	}
	shell_printf(sh, T(sh, "Defect #%lld recorded (登记).\n", "已登记整改项 #%lld。\n"),
	             (long long)id);
	form_set(f, "problem", NULL);
	form_set(f, "fix", NULL);
	form_set(f, "deadline", NULL);
	return form_step_index(f, "result");
}

static const struct form_step cmd_movein_inspect_steps[] = {
    {"result", 0, "Result (pass, defect, skip, quit)", "结果（pass 合格、defect 问题、skip 跳过、quit 结束）",
     cmd_movein_inspect_enter, cmd_movein_inspect_result_def, cmd_movein_inspect_result_help,
     cmd_movein_inspect_result, NULL},
    {"problem", 0, "What is wrong", "问题描述", NULL, NULL, NULL, cmd_movein_inspect_problem,
     NULL},
    {"fix", 0, "Rectification requirement", "整改要求", NULL, NULL, NULL, cmd_movein_inspect_fix,
     NULL},
    {"deadline", 0, "Deadline (YYYY-MM-DD)", "整改期限（YYYY-MM-DD）", NULL,
     cmd_movein_inspect_deadline_def, NULL, cmd_movein_inspect_deadline, NULL},
};

static const struct form_spec cmd_movein_inspect_spec = {
    CMD_MOVEIN_INSPECT_KIND,
    "inspection",
    "验房",
    cmd_movein_inspect_steps,
    sizeof cmd_movein_inspect_steps / sizeof cmd_movein_inspect_steps[0],
    cmd_movein_inspect_free,
};

struct cmd_movein_inspect_find {
	const char *unit;
	bool same;
};

static void cmd_movein_inspect_draft_cb(void *arg, const char *key, const char *value)
{
	struct cmd_movein_inspect_find *fd = arg;

	if (strcmp(key, "unit") == 0 && strcmp(value, fd->unit) == 0)
		fd->same = true;
}

int cmd_movein_inspect_run(struct shell *sh, const char *unit)
{
	struct cmd_movein_inspect_find fd = {unit, false};
	struct cmd_movein_inspect *in;
	struct draft d;
	struct movein m;
	int rc;

	if (!sh->interactive) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "the guided inspection needs a terminal; in exec mode: movein inspect "
		               "UNIT pass ITEM...|all and movein defect add",
		               "引导式验房需要终端；exec 模式请用 movein inspect 单元 pass 项目...|all 和 "
		               "movein defect add"));
		return CMD_USAGE;
	}
	rc = store_movein_get(sh->host.store, unit, &m);
	if (rc == 0 && m.reviewed_ms > 0)
		rc = STORE_ESTATE;
	store_movein_clear(&m);
	if (rc < 0)
		return cmd_movein_util_error(sh, unit, rc);
	in = calloc(1, sizeof *in);
	if (in == NULL)
		abort();
	in->unit = strdup(unit);
	if (in->unit == NULL)
		abort();
	/* The draft of an inspection of this unit interrupted: resumed. */
	memset(&d, 0, sizeof d);
	if (store_draft_load(sh->host.store, sh->user.name, CMD_MOVEIN_INSPECT_KIND, &d) == 0 &&
	    form_draft_parse(d.data, cmd_movein_inspect_draft_cb, &fd) == 0 && fd.same)
		shell_printf(sh, "%s\n",
		             T(sh, "Resuming the inspection where it stopped.", "从上次中断处继续验房。"));
	rc = form_start(sh, &cmd_movein_inspect_spec, in, fd.same ? d.data : NULL);
	store_draft_clear(&d);
	return rc;
}
