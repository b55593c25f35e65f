/* cmd_checklist — the checklist itself and the trends over it: `checklist show [VERSION]`
 * (the one in force, pinned when its content is new, or a version evaluations were scored
 * against) and `report quality` (supervisors' scores per week, month, agent or item, computed
 * on the thread pool). */
#include "cmd.h"
#include "cmd_eval_int.h"
#include "cmd_groups.h"
#include "cmd_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "json.h"
#include "shell_int.h"
#include "store_eval.h"
#include "table.h"

/* ---- checklist show ------------------------------------------------------------------------- */

static void cmd_checklist_json(const struct checklist *cl, const struct eval_version *v,
                                          struct buf *out)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	json_object_begin(&j);
	json_kv_int(&j, "version", v->version);
	json_kv_string(&j, "hash", v->hash);
	json_kv_int(&j, "pinned_ms", v->pinned_ms);
	json_kv_string(&j, "name_zh", cl->name_zh);
	json_kv_string(&j, "name_en", cl->name_en);
	json_kv_int(&j, "pass", cl->pass_pct);
	json_kv_int(&j, "dispute_days", cl->dispute_days);
	json_key(&j, "items");
	json_array_begin(&j);
	for (i = 0; i < cl->nitems; i++) {
		const struct checklist_item *it = &cl->items[i];

		json_object_begin(&j);
		json_kv_string(&j, "code", it->code);
		json_kv_string(&j, "section", cl->sections[it->section].code);
		json_kv_string(&j, "scale", checklist_scale_name(it->scale));
		json_kv_int(&j, "weight", it->weight);
		json_kv_bool(&j, "critical", it->critical);
		json_kv_bool(&j, "na", it->na);
		json_kv_string(&j, "scope", checklist_scope_name(it->scope));
		json_kv_string(&j, "text_zh", it->text_zh);
		json_kv_string(&j, "text_en", it->text_en);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_putc(out, '\n');
}

static int cmd_checklist_show(struct shell *sh, struct args *a)
{
	struct checklist *cl = NULL;
	struct eval_version v;
	char hash[EVAL_HASH_HEX + 1], ts[32];
	int64_t version = 0;
	struct buf out;
	size_t s, i;
	int rc;

	memset(&v, 0, sizeof v);
	if (a->npos == 1) {
		const char *p = a->pos[0][0] == 'v' ? a->pos[0] + 1 : a->pos[0];
		char *end = NULL;

		version = strtoll(p, &end, 10);
		if (p[0] < '1' || p[0] > '9' || *end != '\0' || version <= 0) {
			shell_errorf(sh, "%s", T(sh, "VERSION is a number (like 3 or v3)",
			                         "VERSION 应为版本号（如 3 或 v3）"));
			return CMD_USAGE;
		}
	} else {
		/* The one in force, pinned now if it is new. */
		rc = cmd_eval_current(sh, &cl, &version, hash);
		if (rc != CMD_OK)
			return rc;
		checklist_free(cl);
		cl = NULL;
	}
	rc = cmd_eval_version(sh, version, &cl, &v);
	if (rc != CMD_OK)
		return rc;
	buf_init(&out);
	if (args_has(a, "json")) {
		cmd_checklist_json(cl, &v, &out);
		goto done;
	}
	cmd_util_time(v.pinned_ms, true, ts, sizeof ts);
	shell_clean(&out, checklist_name(cl, sh->lang));
	buf_printf(&out, T(sh, "\nversion %lld, sha256 %s, first loaded %s\n",
	                   "\n第 %lld 版，sha256 %s，首次载入 %s\n"),
	           (long long)v.version, v.hash, ts);
	buf_printf(&out,
	           T(sh, "Pass mark %d%%; disputes within %d days. Each item is out of 5 points (yes "
	                 "5, no 0, or its 1-5 score) times its weight; N/A is left out; * critical: "
	                 "its failure fails the evaluation.\n",
	             "合格线 %d%%；申诉期 %d 天。每项满分 5 分（是 5、否 0，或 1-5 分）乘以权重；"
	             "不适用不计分；* 为关键项：不合格则整个评估不合格。\n"),
	           cl->pass_pct, cl->dispute_days);
	for (s = 0; s < cl->nsections; s++) {
		buf_puts(&out, "\n");
		shell_clean(&out, checklist_section_name(&cl->sections[s], sh->lang));
		buf_putc(&out, '\n');
		for (i = 0; i < cl->nitems; i++) {
			const struct checklist_item *it = &cl->items[i];

			if (it->section != s)
				continue;
			buf_printf(&out, "  %-15s %-5s ×%d%s%s  ", it->code,
			           checklist_scale_name(it->scale), it->weight, it->critical ? " *" : "",
			           it->scope == CHECKLIST_PERIOD ? T(sh, " (period)", "（周期）") : "");
			shell_clean(&out, checklist_item_text(it, sh->lang));
			buf_putc(&out, '\n');
		}
	}
done:
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	checklist_free(cl);
	store_eval_version_clear(&v);
	return CMD_OK;
}

/* ---- report quality -------------------------------------------------------------------------- */

struct cmd_checklist_report {
	struct cmd_util_job job;
	struct eval_trend_filter f;
	char *agent;
	bool json;
	struct eval_trend *rows;
	size_t n;
};

static int cmd_checklist_report_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_checklist_report *r = (struct cmd_checklist_report *)job;

	return store_eval_trend(st, &r->f, &r->rows, &r->n);
}

static int cmd_checklist_report_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_checklist_report *r = (struct cmd_checklist_report *)job;
	static const char *const by_names[] = {"week", "month", "agent", "item"};
	bool items = r->f.by == EVAL_BY_ITEM;
	const char *hdr_en[] = {"KEY", items ? "ANSWERS" : "EVALUATIONS", "SCORE",
	                        items ? "-" : "PASSED", "CRITICAL FAILED"};
	const char *hdr_zh[] = {"分组", items ? "回答数" : "评估数", "得分率", items ? "-" : "合格",
	                        "关键项不合格"};
	struct buf out;
	size_t i;

	if (rc < 0)
		return shell_store_error(sh, rc);
	buf_init(&out);
	if (r->json) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_string(&j, "by", by_names[r->f.by]);
		json_kv_string(&j, "agent", r->agent);
		json_key(&j, "rows");
		json_array_begin(&j);
		for (i = 0; i < r->n; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "key", r->rows[i].key);
			json_kv_int(&j, "count", r->rows[i].count);
			json_kv_int(&j, "earned", r->rows[i].earned);
			json_kv_int(&j, "possible", r->rows[i].possible);
			json_kv_int(&j, "passed", r->rows[i].passed);
			json_kv_int(&j, "critical_failed", r->rows[i].critical_failed);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else if (r->n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No evaluations in that period.", "该期间没有评估。"));
	} else {
		struct table *t = table_new(5, shell_is_zh(sh) ? hdr_zh : hdr_en);

		for (i = 0; i < r->n; i++) {
			char n[24], pct[32], pass[48], crit[24];
			const char *cells[5];

			snprintf(n, sizeof n, "%lld", (long long)r->rows[i].count);
			cmd_eval_pct(r->rows[i].earned, r->rows[i].possible, pct, sizeof pct);
			if (items)
				snprintf(pass, sizeof pass, "-");
			else
				snprintf(pass, sizeof pass, "%lld (%lld%%)", (long long)r->rows[i].passed,
				         (long long)(r->rows[i].count > 0
				                         ? r->rows[i].passed * 100 / r->rows[i].count
				                         : 0));
			snprintf(crit, sizeof crit, "%lld", (long long)r->rows[i].critical_failed);
			cells[0] = r->rows[i].key;
			cells[1] = n;
			cells[2] = pct;
			cells[3] = pass;
			cells[4] = crit;
			table_add_row(t, cells);
		}
		table_render(t, &out);
		table_free(t);
		if (items)
			buf_puts(&out, T(sh, "(weakest items first)\n", "（按得分率由低到高）\n"));
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_checklist_report_free(struct cmd_util_job *job)
{
	struct cmd_checklist_report *r = (struct cmd_checklist_report *)job;

	store_eval_trend_free(r->rows, r->n);
	free(r->agent);
	free(r);
}

static int cmd_checklist_report(struct shell *sh, struct args *a)
{
	static const char *const by_names[] = {"week", "month", "agent", "item"};
	struct cmd_checklist_report *r;
	const char *by = args_get(a, "by"), *agent = args_get(a, "agent");
	struct eval_trend_filter f;
	size_t i;
	int rc;

	memset(&f, 0, sizeof f);
	f.by = EVAL_BY_WEEK;
	if (by != NULL) {
		for (i = 0; i < 4 && strcmp(by, by_names[i]) != 0; i++)
			;
		if (i == 4) {
			shell_errorf(sh, "%s", T(sh, "--by is week, month, agent or item",
			                         "--by 取值为 week、month、agent 或 item"));
			return CMD_USAGE;
		}
		f.by = (enum eval_by)i;
	}
	if (agent != NULL && !cmd_util_desk_account(sh, "--agent ", agent))
		return CMD_USAGE;
	rc = cmd_eval_days(sh, a, &f.since_ms, &f.until_ms);
	if (rc != CMD_OK)
		return rc;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		abort();
	r->job.run = cmd_checklist_report_run;
	r->job.finish = cmd_checklist_report_finish;
	r->job.free = cmd_checklist_report_free;
	r->json = args_has(a, "json");
	r->agent = cmd_eval_dup(agent);
	r->f = f;
	r->f.agent = r->agent;
	return cmd_util_job(sh, &r->job, true);
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_report_quality[] = {
    {"agent", ARGS_VALUE}, {"by", ARGS_VALUE}, {"since", ARGS_VALUE},
    {"until", ARGS_VALUE}, {"json", 0},        {NULL, 0},
};

static const struct cmd_entry cmd_checklist_entries[] = {
    {"checklist", "show", ROLES_ALL, cmd_opts_json, 0, 1, "checklist show [VERSION] [--json]",
     "Show the service-standard checklist in force (pinned as a version when its content is "
     "new), or an older VERSION that evaluations were scored against.",
     "显示现行的服务标准检查表（内容有变化时记为新版本），或某次评估所用的旧版本 VERSION。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_checklist_show, 0},
    {"report", "quality", ROLES_SUPERVISOR, cmd_opts_report_quality, 0, 0,
     "report quality [--agent A] [--by week|month|agent|item] [--since YYYY-MM-DD] "
     "[--until YYYY-MM-DD] [--json]",
     "Quality trends from supervisors' evaluations: score, pass rate and critical failures per "
     "week, month or agent, or per item (weakest first).",
     "服务质量趋势（主管评估）：按周、月、客服统计得分率、合格率和关键项不合格数，或按项目统计"
     "（最弱项在前）。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_checklist_report, 0},
};

const struct cmd_group cmd_checklist_group = {
    cmd_checklist_entries, sizeof cmd_checklist_entries / sizeof cmd_checklist_entries[0]};
