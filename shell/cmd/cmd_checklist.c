/* cmd_checklist — the checklist itself and the trends over it: `checklist show [VERSION]`
 * (the one in force, pinned when its content is new, or a version evaluations were scored
 * against), `report quality` (supervisors' scores per week, month, agent or item) and `report
 * calibration` (how consistently supervisors score), both computed on the thread pool. */
#include "cmd.h"
#include "cmd_eval_int.h"
#include "cmd_groups.h"
#include "cmd_names.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "checklist.h"
#include "json.h"
#include "shell_int.h"
#include "store_complaint.h"
#include "store_eval.h"
#include "store_eval_trend.h"
#include "table.h"

/* ---- checklist show ------------------------------------------------------------------------- */

static void cmd_checklist_json(const struct checklist *cl, const struct eval_version *v,
                               struct buf *out)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	json_object_begin(&j);
	if (v->version > 0) {
		json_kv_int(&j, "version", v->version);
	} else {
		json_key(&j, "version");
		json_null(&j);
	}
	json_kv_bool(&j, "pinned", v->version > 0);
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

/* The checklist in force, without pinning it: *version when its content is a version, else
 * *cl parsed from the text in force with *v holding its hash (version 0: not pinned yet). */
static int cmd_checklist_in_force(struct shell *sh, struct checklist **cl, struct eval_version *v,
                                  int64_t *version)
{
	struct catalog *cat = cmd_util_catalog(sh);
	char *err = NULL;
	int rc;

	*cl = NULL;
	if (cat == NULL || cat->checklist == NULL) {
		catalog_unref(cat);
		shell_errorf(sh, "%s",
		             T(sh, "no checklist is loaded (etc/checklist.ini)",
		               "未加载服务标准检查表（etc/checklist.ini）"));
		return CMD_ERROR;
	}
	rc = store_eval_version_find(sh->host.store, cat->checklist->text, cat->checklist->len,
	                             version, v->hash);
	if (rc == STORE_ENOENT)
		rc = checklist_parse(cat->checklist->text, cat->checklist->len, "etc/checklist.ini",
		                     cl, &err) < 0
		         ? CMD_ERROR
		         : 0;
	catalog_unref(cat);
	if (rc == CMD_ERROR) {
		shell_errorf(sh, "%s", err != NULL ? err : "etc/checklist.ini");
		free(err);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	return CMD_OK;
}

static int cmd_checklist_show(struct shell *sh, struct args *a)
{
	struct checklist *cl = NULL;
	struct eval_version v;
	char ts[32];
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
			shell_errorf(sh, "%s",
			             T(sh, "VERSION is a number (like 3 or v3)",
			               "VERSION 应为版本号（如 3 或 v3）"));
			return CMD_USAGE;
		}
	} else {
		/* The one in force: a read (it works on a full disk). Its version when pinned
		 * (at start, on reload, when first scored against); else the text in force. */
		rc = cmd_checklist_in_force(sh, &cl, &v, &version);
		if (rc != CMD_OK)
			return rc;
	}
	if (cl == NULL) {
		rc = cmd_eval_util_version(sh, version, &cl, &v);
		if (rc != CMD_OK)
			return rc;
	}
	buf_init(&out);
	if (args_has(a, "json")) {
		cmd_checklist_json(cl, &v, &out);
		goto done;
	}
	cmd_util_time(v.pinned_ms, true, ts, sizeof ts);
	shell_clean(&out, checklist_name(cl, sh->lang));
	if (v.version == 0)
		buf_printf(
		    &out,
		    T(sh,
		      "\nnot yet a version (sha256 %s): the text in force, pinned as a "
		      "version when the database has room (at reload, or when first scored "
		      "against)\n",
		      "\n尚未记录为版本（sha256 %s）：现行文本，数据库有空间时（重新加载或首次"
		      "评分时）记录为新版本\n"),
		    v.hash);
	else
		buf_printf(&out,
		           T(sh, "\nversion %lld, sha256 %s, first loaded %s\n",
		             "\n第 %lld 版，sha256 %s，首次载入 %s\n"),
		           (long long)v.version, v.hash, ts);
	buf_printf(&out,
	           T(sh,
	             "Pass mark %d%%; disputes within %d days. Each item is out of 5 points (yes "
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
			buf_printf(
			    &out, "  %-15s %-5s ×%d%s%s  ", it->code,
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
	bool agents = r->f.by == EVAL_BY_AGENT;
	struct cmd_names names; /* by agent: their display names */
	struct buf out;
	size_t i;

	if (rc < 0)
		return shell_store_error(sh, rc);
	cmd_names_init(&names);
	buf_init(&out);
	if (r->json) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_string(&j, "by", by_names[r->f.by]);
		json_kv_string(&j, "agent", r->agent);
		if (r->agent != NULL)
			json_kv_string(&j, "display",
			               cmd_names_display(&names, sh->host.store, r->agent));
		json_key(&j, "rows");
		json_array_begin(&j);
		for (i = 0; i < r->n; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "key", r->rows[i].key);
			if (agents)
				json_kv_string(&j, "display",
				               cmd_names_display(&names, sh->host.store, r->rows[i].key));
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
		buf_printf(&out, "%s\n",
		           T(sh, "No evaluations in that period.", "该期间没有评估。"));
	} else {
		struct table *t = table_new(5, shell_is_zh(sh) ? hdr_zh : hdr_en);

		for (i = 0; i < r->n; i++) {
			char n[24], pct[32], pass[48], crit[24];
			const char *cells[5];

			snprintf(n, sizeof n, "%lld", (long long)r->rows[i].count);
			cmd_eval_util_pct(r->rows[i].earned, r->rows[i].possible, pct, sizeof pct);
			if (items)
				snprintf(pass, sizeof pass, "-");
			else
				snprintf(
				    pass, sizeof pass, "%lld (%lld%%)",
				    (long long)r->rows[i].passed,
				    (long long)(r->rows[i].count > 0
				                    ? r->rows[i].passed * 100 / r->rows[i].count
				                    : 0));
			snprintf(crit, sizeof crit, "%lld", (long long)r->rows[i].critical_failed);
			cells[0] = agents ? cmd_names_label(&names, sh->host.store, r->rows[i].key)
			                  : r->rows[i].key;
			cells[1] = n;
			cells[2] = pct;
			cells[3] = pass;
			cells[4] = crit;
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		if (items)
			buf_puts(&out, T(sh, "(weakest items first)\n", "（按得分率由低到高）\n"));
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	cmd_names_clear(&names);
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
			shell_errorf(sh, "%s",
			             T(sh, "--by is week, month, agent or item",
			               "--by 取值为 week、month、agent 或 item"));
			return CMD_USAGE;
		}
		f.by = (enum eval_by)i;
	}
	if (agent != NULL && !cmd_util_desk_account(sh, "--agent ", agent))
		return CMD_USAGE;
	rc = cmd_eval_util_days(sh, a, &f.since_ms, &f.until_ms);
	if (rc != CMD_OK)
		return rc;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		abort();
	r->job.run = cmd_checklist_report_run;
	r->job.finish = cmd_checklist_report_finish;
	r->job.free = cmd_checklist_report_free;
	r->json = args_has(a, "json");
	r->agent = cmd_eval_util_dup(agent);
	r->f = f;
	r->f.agent = r->agent;
	return cmd_util_job(sh, &r->job, true);
}

/* ---- report calibration --------------------------------------------------------------------- */

/* Per item, over every pair of supervisors who calibrated the same complaint (the first to
 * score as rater A): how often they agree, by how many points they differ, Cohen's kappa. */
struct cmd_checklist_cal_item {
	char code[40];
	int *a, *b; /* answers of the pairs */
	size_t n, cap;
	int64_t diff; /* Σ |points A - points B| */
};

struct cmd_checklist_cal {
	struct cmd_util_job job;
	int64_t since, until;
	char *viewer; /* a supervisor: only the complaints they calibrated; NULL: every one */
	bool json;
	struct eval_cal_row *rows;
	size_t nrows;
	struct cmd_checklist_cal_item items[CHECKLIST_ITEMS_MAX];
	size_t nitems;
	size_t complaints, raters;
};

static void cmd_checklist_cal_pair(struct cmd_checklist_cal *c, const struct eval_cal_row *x,
                                   const struct eval_cal_row *y)
{
	struct cmd_checklist_cal_item *it = NULL;
	size_t i;

	for (i = 0; i < c->nitems; i++)
		if (!strcmp(c->items[i].code, x->item))
			it = &c->items[i];
	if (it == NULL) {
		if (c->nitems == CHECKLIST_ITEMS_MAX)
			return;
		it = &c->items[c->nitems++];
		snprintf(it->code, sizeof it->code, "%s", x->item);
	}
	if (it->n == it->cap) {
		it->cap = it->cap ? it->cap * 2 : 16;
		it->a = realloc(it->a, it->cap * sizeof *it->a);
		it->b = realloc(it->b, it->cap * sizeof *it->b);
		if (it->a == NULL || it->b == NULL)
			abort();
	}
	it->a[it->n] = x->answer;
	it->b[it->n] = y->answer;
	it->n++;
	it->diff += x->points > y->points ? x->points - y->points : y->points - x->points;
}

static int cmd_checklist_cal_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_checklist_cal *c = (struct cmd_checklist_cal *)job;
	size_t i, j, start, k;
	int rc = store_eval_calibration(st, c->viewer, c->since, c->until, &c->rows, &c->nrows);

	if (rc < 0)
		return rc;
	/* Rows come by complaint, then evaluation: pair every two evaluations of a complaint,
	 * item by item. */
	for (start = 0; start < c->nrows; start = i) {
		for (i = start; i < c->nrows && !strcmp(c->rows[i].number, c->rows[start].number);
		     i++)
			;
		c->complaints++;
		for (j = start; j < i; j++)
			for (k = j + 1; k < i; k++)
				if (c->rows[k].evaluation != c->rows[j].evaluation &&
				    !strcmp(c->rows[k].item, c->rows[j].item))
					cmd_checklist_cal_pair(c, &c->rows[j], &c->rows[k]);
		for (j = start; j < i; j++)
			if (j == start || c->rows[j].evaluation != c->rows[j - 1].evaluation)
				c->raters++;
	}
	return 0;
}

static int cmd_checklist_cal_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_checklist_cal *c = (struct cmd_checklist_cal *)job;
	const char *hdr_en[] = {"ITEM", "PAIRS", "AGREE", "MEAN |DIFF|", "KAPPA"};
	const char *hdr_zh[] = {"项目", "配对数", "一致率", "平均分差", "KAPPA"};
	struct buf out;
	struct json j;
	struct table *t = NULL;
	size_t i, k, agree;

	if (rc < 0)
		return shell_store_error(sh, rc);
	buf_init(&out);
	if (c->json) {
		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_int(&j, "complaints", (int64_t)c->complaints);
		json_kv_int(&j, "calibrations", (int64_t)c->raters);
		json_key(&j, "items");
		json_array_begin(&j);
	} else if (c->complaints == 0) {
		buf_printf(
		    &out, "%s\n",
		    c->viewer != NULL
		        ? T(sh,
		            "No complaint you calibrated was calibrated by another supervisor "
		            "too (scoring is blind: you see a complaint's once you have "
		            "submitted yours, evaluate NUMBER --calibrate).",
		            "你校准过的投诉中没有其他主管也校准过的（盲评：提交自己的校准评分后"
		            "才能看到该投诉的结果，evaluate 编号 --calibrate）。")
		        : T(sh, "No complaint was calibrated by two supervisors or more.",
		            "没有经两位及以上主管校准评分的投诉。"));
	} else {
		buf_printf(&out,
		           T(sh,
		             "%zu complaints calibrated, %zu scores; per item over every pair of "
		             "supervisors of the same complaint:\n",
		             "共 %zu 条投诉校准、%zu 份评分；按项目统计同一投诉的每两位主管：\n"),
		           c->complaints, c->raters);
		t = table_new(5, shell_is_zh(sh) ? hdr_zh : hdr_en);
	}
	for (i = 0; i < c->nitems; i++) {
		const struct cmd_checklist_cal_item *it = &c->items[i];
		double kappa = 0;
		bool defined = checklist_kappa(it->a, it->b, it->n, &kappa) == 0;

		for (k = 0, agree = 0; k < it->n; k++)
			agree += it->a[k] == it->b[k];
		if (c->json) {
			json_object_begin(&j);
			json_kv_string(&j, "item", it->code);
			json_kv_int(&j, "pairs", (int64_t)it->n);
			json_kv_int(&j, "agree", (int64_t)agree);
			json_kv_int(&j, "points_diff", it->diff);
			if (defined) {
				cmd_util_json_double(&j, "kappa", kappa);
			} else {
				json_key(&j, "kappa");
				json_null(&j);
			}
			json_object_end(&j);
		} else if (t != NULL) {
			char pairs[24], ag[24], diff[24], kap[24];
			const char *cells[5];

			snprintf(pairs, sizeof pairs, "%zu", it->n);
			snprintf(ag, sizeof ag, "%zu%%", it->n ? agree * 100 / it->n : 0);
			snprintf(diff, sizeof diff, "%.2f",
			         it->n ? (double)it->diff / (double)it->n : 0.0);
			if (defined)
				snprintf(kap, sizeof kap, "%.2f", kappa);
			else
				snprintf(kap, sizeof kap, "-");
			cells[0] = it->code;
			cells[1] = pairs;
			cells[2] = ag;
			cells[3] = diff;
			cells[4] = kap;
			table_add_row(t, cells);
		}
	}
	if (c->json) {
		json_array_end(&j);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else if (t != NULL) {
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		buf_puts(&out, T(sh, "(kappa: - where both always gave the same answer)\n",
		                 "（kappa 为 - 表示双方总是给出同一回答，无法计算）\n"));
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_checklist_cal_free(struct cmd_util_job *job)
{
	struct cmd_checklist_cal *c = (struct cmd_checklist_cal *)job;
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		free(c->items[i].a);
		free(c->items[i].b);
	}
	store_eval_cal_free(c->rows, c->nrows);
	free(c->viewer);
	free(c);
}

static int cmd_checklist_calibration(struct shell *sh, struct args *a)
{
	struct cmd_checklist_cal *c = calloc(1, sizeof *c);
	int rc;

	if (c == NULL)
		abort();
	rc = cmd_eval_util_days(sh, a, &c->since, &c->until);
	if (rc != CMD_OK) {
		free(c);
		return rc;
	}
	c->job.run = cmd_checklist_cal_run;
	c->job.finish = cmd_checklist_cal_finish;
	c->job.free = cmd_checklist_cal_free;
	c->json = args_has(a, "json");
	/* Blind: a supervisor sees the complaints they have calibrated; admins every one. */
	if (!(sh->user.role & ROLE_ADMIN)) {
		c->viewer = strdup(sh->user.name);
		if (c->viewer == NULL)
			abort();
	}
	return cmd_util_job(sh, &c->job, true);
}

/* ---- evaluate --next ------------------------------------------------------------------------ */

#define CMD_CHECKLIST_NEXT_DAYS 90
#define CMD_CHECKLIST_NEXT_MAX 20000

/* A complaint to evaluate, drawn at random from the team's unevaluated complaints of the last
 * 90 days, reopened and escalated ones three times as likely; the seed and the draw are in the
 * audit log, so that the same seed over the same candidates draws the same complaint. */
struct cmd_checklist_next {
	struct cmd_util_job job;
	char *team;
	bool whole_desk; /* the team had none: drawn from every agent's */
	uint64_t seed;
	bool json;
	struct eval_candidate *list;
	size_t n;
};

static int cmd_checklist_next_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_checklist_next *x = (struct cmd_checklist_next *)job;
	int64_t since = store_now_ms() - CMD_CHECKLIST_NEXT_DAYS * 86400000LL;
	int rc = store_eval_candidates(st, x->team, x->team, since, CMD_CHECKLIST_NEXT_MAX,
	                               &x->list, &x->n);

	if (rc == 0 && x->n == 0) {
		x->whole_desk = true;
		rc = store_eval_candidates(st, NULL, x->team, since, CMD_CHECKLIST_NEXT_MAX,
		                           &x->list, &x->n);
	}
	return rc;
}

static int64_t cmd_checklist_next_weight(const struct eval_candidate *c)
{
	return c->status == COMPLAINT_REOPENED || c->status == COMPLAINT_ESCALATED ? 3 : 1;
}

/* splitmix64: the same seed, the same draw, on every machine. */
static uint64_t cmd_checklist_next_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int cmd_checklist_next_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_checklist_next *x = (struct cmd_checklist_next *)job;
	const struct eval_candidate *pick = NULL;
	char detail[256];
	struct audit_ctx ctx;
	int64_t total = 0, at;
	size_t i;

	if (rc < 0)
		return shell_store_error(sh, rc);
	if (x->n == 0) {
		shell_printf(sh, "%s\n",
		             T(sh, "Every complaint of the last 90 days is evaluated.",
		               "最近 90 天的投诉都已评估。"));
		return CMD_OK;
	}
	for (i = 0; i < x->n; i++)
		total += cmd_checklist_next_weight(&x->list[i]);
	at = (int64_t)(cmd_checklist_next_mix(x->seed) % (uint64_t)total);
	for (i = 0; i < x->n && pick == NULL; i++) {
		at -= cmd_checklist_next_weight(&x->list[i]);
		if (at < 0)
			pick = &x->list[i];
	}
	snprintf(detail, sizeof detail, "seed=%llu candidates=%zu total_weight=%lld weight=%lld %s",
	         (unsigned long long)x->seed, x->n, (long long)total,
	         (long long)cmd_checklist_next_weight(pick), x->whole_desk ? "desk" : "team");
	shell_audit_ctx(sh, &ctx);
	rc = store_eval_draw_audit(sh->host.store, &ctx, pick->number, detail);
	if (rc < 0)
		return shell_store_error(sh, rc);
	if (x->json) {
		struct buf out;
		struct json j;

		buf_init(&out);
		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_string(&j, "number", pick->number);
		json_kv_string(&j, "agent", pick->agent);
		json_kv_string(&j, "status", store_complaint_status_name(pick->status));
		json_kv_int(&j, "weight", cmd_checklist_next_weight(pick));
		json_kv_int(&j, "total_weight", total);
		json_kv_int(&j, "candidates", (int64_t)x->n);
		json_key(&j, "seed");
		json_int(&j, (int64_t)(x->seed & INT64_MAX));
		json_kv_bool(&j, "whole_desk", x->whole_desk);
		json_object_end(&j);
		buf_putc(&out, '\n');
		shell_write(sh, 1, out.data, out.len);
		buf_free(&out);
		return CMD_OK;
	}
	if (x->whole_desk)
		shell_printf(sh, "%s\n",
		             T(sh,
		               "(no unevaluated complaint of your team: drawn from the "
		               "whole desk)",
		               "（你的团队没有待评估的投诉：从全部投诉中抽取）"));
	shell_printf(sh,
	             T(sh,
	               "Drawn: %s (agent %s, %s), weight %lld of %lld over %zu candidates, seed "
	               "%llu.\nScore it with: evaluate %s\n",
	               "抽中：%s（客服 %s，%s），权重 %lld / %lld，候选 %zu 条，种子 %llu。\n"
	               "评分：evaluate %s\n"),
	             pick->number, pick->agent, cmd_util_status_label(sh, pick->status),
	             (long long)cmd_checklist_next_weight(pick), (long long)total, x->n,
	             (unsigned long long)x->seed, pick->number);
	return CMD_OK;
}

static void cmd_checklist_next_free(struct cmd_util_job *job)
{
	struct cmd_checklist_next *x = (struct cmd_checklist_next *)job;

	store_eval_candidates_free(x->list, x->n);
	free(x->team);
	free(x);
}

int cmd_checklist_next(struct shell *sh, struct args *a)
{
	const char *seed = args_get(a, "seed");
	struct cmd_checklist_next *x;
	unsigned long long v = 0;
	char *end = NULL;

	if (a->npos > 0 || args_has(a, "stdin") || args_has(a, "calibrate") ||
	    args_has(a, "agent") || args_has(a, "period")) {
		shell_errorf(sh, "%s",
		             T(sh, "--next draws a complaint: it takes only --seed and --json",
		               "--next 用于抽取投诉，只能与 --seed 和 --json 一起使用"));
		return CMD_USAGE;
	}
	if (seed != NULL) {
		v = strtoull(seed, &end, 10);
		if (seed[0] < '0' || seed[0] > '9' || *end != '\0' ||
		    v > (unsigned long long)INT64_MAX) {
			shell_errorf(sh, "%s", T(sh, "--seed is a number", "--seed 应为数字"));
			return CMD_USAGE;
		}
	}
	x = calloc(1, sizeof *x);
	if (x == NULL)
		abort();
	x->job.run = cmd_checklist_next_run;
	x->job.finish = cmd_checklist_next_finish;
	x->job.free = cmd_checklist_next_free;
	x->team = cmd_eval_util_dup(sh->user.name);
	x->seed = seed != NULL ? (uint64_t)v : (uint64_t)store_now_ms();
	x->json = args_has(a, "json");
	return cmd_util_job(sh, &x->job, true);
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_report_quality[] = {
    {"agent", ARGS_VALUE}, {"by", ARGS_VALUE}, {"since", ARGS_VALUE},
    {"until", ARGS_VALUE}, {"json", 0},        {NULL, 0},
};

static const struct args_opt cmd_opts_report_calibration[] = {
    {"since", ARGS_VALUE},
    {"until", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static const struct cmd_entry cmd_checklist_entries[] = {
    {"checklist", "show", ROLES_ALL, cmd_opts_json, 0, 1, "checklist show [VERSION] [--json]",
     "Show the service-standard checklist in force (its version; the daemon pins each new "
     "content as a version as it loads it), or an older VERSION that evaluations were scored "
     "against. A read: it works on a full disk.",
     "显示现行的服务标准检查表（及其版本；服务载入新内容时记为新版本），或某次评估所用的旧版本 "
     "VERSION。只读，磁盘已满时仍可使用。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_checklist_show, 0},
    {"report", "quality", ROLES_SUPERVISOR, cmd_opts_report_quality, 0, 0,
     "report quality [--agent A] [--by week|month|agent|item] [--since YYYY-MM-DD] "
     "[--until YYYY-MM-DD] [--json]",
     "Quality trends from supervisors' evaluations: score, pass rate and critical failures per "
     "week, month or agent, or per item (weakest first).",
     "服务质量趋势（主管评估）：按周、月、客服统计得分率、合格率和关键项不合格数，或按项目统计"
     "（最弱项在前）。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_checklist_report, 0},
    {"report", "calibration", ROLES_SUPERVISOR, cmd_opts_report_calibration, 0, 0,
     "report calibration [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json]",
     "How consistently supervisors score: per item, over every two supervisors who calibrated "
     "the same complaint (evaluate NUMBER --calibrate), how often they agree, by how many "
     "points they differ, and Cohen's kappa. Blind: a supervisor sees the complaints they "
     "have calibrated themselves; admins every one.",
     "主管评分的一致性：对同一投诉做过校准评分（evaluate 编号 --calibrate）的每两位主管，按项目统计"
     "一致率、平均分差和 Cohen's kappa。盲评：主管只能看到自己也校准过的投诉；管理员可看全部。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_checklist_calibration, 0},
};

const struct cmd_group cmd_checklist_group = {
    cmd_checklist_entries, sizeof cmd_checklist_entries / sizeof cmd_checklist_entries[0],
    "Quality checklist", "服务质检"};
