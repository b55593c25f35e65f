/* cmd_evaluation — what follows a score: `evaluation list|show|ack|dispute|answer` and the
 * notice of new evaluations at login. An agent sees only their own evaluations (someone else's is
 * "no such evaluation"); supervisors, auditors and admins see all. Every score shown is recomputed
 * from the checklist version it was pinned to. */
#include "cmd.h"
#include "cmd_eval_util.h"
#include "cmd_groups.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "json.h"
#include "shell_int.h"
#include "store_eval.h"
#include "table.h"

#define CMD_EVALUATION_LIST_MAX 1000
#define CMD_EVALUATION_NOTICE_MAX 20
#define CMD_EVALUATION_DAY_MS (24LL * 3600 * 1000)

static bool cmd_evaluation_all(const struct shell *sh)
{
	return (sh->user.role & (ROLE_SUPERVISOR | ROLE_AUDITOR | ROLE_ADMIN)) != 0;
}

static const char *cmd_evaluation_status_label(const struct shell *sh, enum eval_status s)
{
	switch (s) {
	case EVAL_NEW:
		return T(sh, "new", "待确认");
	case EVAL_ACKED:
		return T(sh, "acknowledged", "已确认");
	case EVAL_DISPUTED:
		return T(sh, "disputed", "申诉中");
	case EVAL_SELFCHECK:
		return T(sh, "self-check", "自查");
	case EVAL_CALIBRATING:
		return T(sh, "calibration", "校准");
	}
	return "?";
}

/* The items an evaluation scores. */
static enum checklist_scope cmd_evaluation_scope(const struct evaluation *e)
{
	return e->kind == EVAL_PERIOD ? CHECKLIST_PERIOD : CHECKLIST_COMPLAINT;
}

/* What it is of: the complaint's number, the period, or the session. */
static const char *cmd_evaluation_of(const struct evaluation *e)
{
	return e->number != NULL    ? e->number
	       : e->period != NULL  ? e->period
	       : e->session != NULL ? e->session
	                            : "-";
}

/* Whether user (of role) may see e: an agent their own (and what they scored), everyone else
 * all, but a calibration is blind: its evaluator's, an auditor's or admin's, or a supervisor's
 * who has submitted their own calibration of the complaint; never the agent's. */
static bool cmd_evaluation_visible(struct store *st, const char *user, enum role role,
                                   const struct evaluation *e)
{
	bool rated = false;

	if (!strcmp(e->evaluator, user))
		return true;
	if (e->kind == EVAL_CALIBRATION) {
		if (role & (ROLE_AUDITOR | ROLE_ADMIN))
			return true;
		if (!(role & ROLE_SUPERVISOR))
			return false;
		return store_eval_rated(st, e->number, user, EVAL_CALIBRATION, &rated) == 0 &&
		       rated;
	}
	return (role & (ROLE_SUPERVISOR | ROLE_AUDITOR | ROLE_ADMIN)) || !strcmp(e->agent, user);
}

/* Loads evaluation id when this user may see it ("no evaluation" otherwise). */
static int cmd_evaluation_load(struct shell *sh, int64_t id, struct evaluation *e)
{
	int rc = store_eval_get(sh->host.store, id, e);

	if (rc == 0 && !cmd_evaluation_visible(sh->host.store, sh->user.name, sh->user.role, e))
		rc = STORE_ENOENT;
	if (rc == STORE_ENOENT) {
		store_eval_clear(e);
		shell_errorf(sh,
		             T(sh, "no evaluation #%lld of yours (evaluation list shows them)",
		               "没有你的评估 #%lld（可用 evaluation list 查看）"),
		             (long long)id);
		return CMD_ERROR;
	}
	if (rc < 0) {
		store_eval_clear(e);
		return shell_store_error(sh, rc);
	}
	return CMD_OK;
}

/* The answers of e in the order of checklist cl (CHECKLIST_NA for items it has not). */
static void cmd_evaluation_answers(const struct checklist *cl, const struct evaluation *e,
                                   int *answers)
{
	size_t i, k;

	for (i = 0; i < CHECKLIST_ITEMS_MAX; i++)
		answers[i] = CHECKLIST_NA;
	for (k = 0; k < e->nitems; k++)
		if (checklist_item(cl, e->items[k].item, &i) != NULL)
			answers[i] = e->items[k].answer;
}

static const struct eval_item *cmd_evaluation_item(const struct evaluation *e, const char *code)
{
	size_t k;

	for (k = 0; e != NULL && k < e->nitems; k++)
		if (!strcmp(e->items[k].item, code))
			return &e->items[k];
	return NULL;
}

/* The agent's latest self-check of the same complaint, when there is one. */
static bool cmd_evaluation_self_of(struct shell *sh, const struct evaluation *e,
                                   struct evaluation *self)
{
	struct eval_filter f;
	struct evaluation *list = NULL;
	size_t n = 0;
	bool found = false;

	memset(&f, 0, sizeof f);
	f.agent = e->agent;
	f.number = e->number;
	f.kind = EVAL_SELF;
	f.status = -1;
	f.limit = 1;
	if (e->kind == EVAL_SUPERVISOR && e->number != NULL &&
	    store_eval_list(sh->host.store, &f, &list, &n) == 0 && n == 1)
		found = store_eval_get(sh->host.store, list[0].id, self) == 0;
	store_eval_list_free(list, n);
	return found;
}

static void cmd_evaluation_show_json(struct shell *sh, const struct evaluation *e,
                                     const struct checklist_score *re, bool have_re)
{
	struct buf out;
	struct json j;
	size_t k;

	buf_init(&out);
	json_init(&j, &out);
	json_object_begin(&j);
	json_kv_int(&j, "id", e->id);
	json_kv_string(&j, "kind", store_eval_kind_name(e->kind));
	json_kv_string(&j, "status", store_eval_status_name(e->status));
	json_kv_string(&j, "number", e->number);
	json_kv_string(&j, "period", e->period);
	json_kv_string(&j, "session", e->session);
	json_kv_string(&j, "session_complaints", e->session_complaints);
	json_kv_string(&j, "agent", e->agent);
	json_kv_string(&j, "evaluator", e->evaluator);
	json_kv_int(&j, "version", e->version);
	json_kv_string(&j, "hash", e->hash);
	json_kv_int(&j, "earned", e->totals.earned);
	json_kv_int(&j, "possible", e->totals.possible);
	json_kv_int(&j, "critical_failed", e->totals.critical_failed);
	json_kv_bool(&j, "passed", e->totals.passed);
	json_kv_bool(
	    &j, "recomputed_matches",
	    have_re && re->earned == e->totals.earned && re->possible == e->totals.possible &&
	        re->critical_failed == e->totals.critical_failed && re->passed == e->totals.passed);
	json_kv_string(&j, "comment", e->comment);
	json_kv_int(&j, "created_ms", e->created_ms);
	json_kv_int(&j, "acked_ms", e->acked_ms);
	json_key(&j, "items");
	json_array_begin(&j);
	for (k = 0; k < e->nitems; k++) {
		const struct eval_item *it = &e->items[k];

		json_object_begin(&j);
		json_kv_string(&j, "item", it->item);
		if (it->answer == CHECKLIST_NA) {
			json_key(&j, "answer");
			json_null(&j);
		} else {
			json_kv_int(&j, "answer", it->answer);
		}
		json_kv_int(&j, "points", it->points);
		json_kv_int(&j, "weight", it->weight);
		json_kv_bool(&j, "critical", it->critical);
		json_kv_bool(&j, "failed", it->failed);
		json_kv_string(&j, "comment", it->comment);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "disputes");
	json_array_begin(&j);
	for (k = 0; k < e->ndisputes; k++) {
		const struct eval_dispute *d = &e->disputes[k];

		json_object_begin(&j);
		json_kv_int(&j, "id", d->id);
		json_kv_string(&j, "item", d->item);
		json_kv_string(&j, "reason", d->reason);
		json_kv_string(&j, "resolution", store_eval_resolution_name(d->resolution));
		json_kv_string(&j, "resolver", d->resolver);
		json_kv_string(&j, "answer", d->answer);
		if (d->resolution != EVAL_OPEN) {
			json_kv_int(&j, "old_answer", d->old_answer);
			json_kv_int(&j, "new_answer", d->new_answer);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_putc(&out, '\n');
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
}

static void cmd_evaluation_disputes(struct shell *sh, const struct checklist *cl,
                                    const struct evaluation *e, struct buf *out)
{
	size_t k;
	char ts[32], a[8], b[8];

	if (e->ndisputes == 0)
		return;
	buf_printf(out, "\n%s\n", T(sh, "Disputes:", "申诉："));
	for (k = 0; k < e->ndisputes; k++) {
		const struct eval_dispute *d = &e->disputes[k];
		const struct checklist_item *it = checklist_item(cl, d->item, NULL);

		cmd_util_time(d->created_ms, true, ts, sizeof ts);
		buf_printf(out, "  #%lld %s %s %s", (long long)d->id, ts, d->item, d->agent);
		if (d->has_proposed && it != NULL)
			buf_printf(out, T(sh, " (proposes %s)", "（主张 %s）"),
			           checklist_answer_label(it, d->proposed, sh->lang, a, sizeof a));
		buf_puts(out, ": ");
		shell_clean(out, d->reason);
		buf_putc(out, '\n');
		if (d->resolution == EVAL_OPEN) {
			buf_printf(out, "    %s\n",
			           T(sh, "(awaiting a supervisor's answer)", "（等待主管答复）"));
			continue;
		}
		cmd_util_time(d->resolved_ms, true, ts, sizeof ts);
		buf_printf(out, "    %s %s %s", ts, d->resolver != NULL ? d->resolver : "-",
		           store_eval_resolution_name(d->resolution));
		if (it != NULL)
			buf_printf(
			    out, " %s → %s",
			    checklist_answer_label(it, d->old_answer, sh->lang, a, sizeof a),
			    checklist_answer_label(it, d->new_answer, sh->lang, b, sizeof b));
		buf_puts(out, ": ");
		shell_clean(out, d->answer);
		buf_putc(out, '\n');
	}
}

static int cmd_evaluation_show(struct shell *sh, struct args *a)
{
	struct evaluation e, self;
	struct checklist *cl = NULL;
	struct checklist_score re;
	int answers[CHECKLIST_ITEMS_MAX];
	bool have_self, have_re = false;
	struct buf out;
	char ts[32], pct[32], tmp[8], tmp2[8];
	const char *hdr_en[] = {"ITEM", "ANSWER", "POINTS", "SELF", "COMMENT"};
	const char *hdr_zh[] = {"项目", "回答", "得分", "自查", "评语"};
	struct table *t;
	int64_t id;
	size_t k;
	int rc;

	rc = cmd_eval_util_id(sh, a->pos[0], &id);
	if (rc != CMD_OK)
		return rc;
	rc = cmd_evaluation_load(sh, id, &e);
	if (rc != CMD_OK)
		return rc;
	memset(&self, 0, sizeof self);
	rc = cmd_eval_util_version(sh, e.version, &cl, NULL);
	if (rc == CMD_OK) {
		cmd_evaluation_answers(cl, &e, answers);
		checklist_score(cl, cmd_evaluation_scope(&e), answers, &re);
		have_re = true;
	}
	if (args_has(a, "json")) {
		cmd_evaluation_show_json(sh, &e, &re, have_re);
		goto out;
	}
	have_self = cmd_evaluation_self_of(sh, &e, &self);
	buf_init(&out);
	cmd_util_time(e.created_ms, true, ts, sizeof ts);
	buf_printf(&out, "%s #%lld · %s · %s\n",
	           e.kind == EVAL_SELF ? T(sh, "Self-check", "自查") : T(sh, "Evaluation", "评估"),
	           (long long)e.id, cmd_evaluation_of(&e),
	           cmd_evaluation_status_label(sh, e.status));
	buf_printf(&out, "%s %s · %s %s · %s\n", T(sh, "agent", "客服"), e.agent,
	           T(sh, "by", "评估人"), e.evaluator, ts);
	if (e.kind == EVAL_SESSION) {
		buf_printf(&out, "%s ",
		           T(sh, "Complaints the session touched:", "该会话处理的投诉："));
		shell_clean(&out, e.session_complaints != NULL ? e.session_complaints
		                                               : T(sh, "none", "无"));
		buf_putc(&out, '\n');
	}
	buf_printf(&out, T(sh, "checklist v%lld, sha256 %s\n", "检查表第 %lld 版，sha256 %s\n"),
	           (long long)e.version, e.hash);
	t = table_new(5, shell_is_zh(sh) ? hdr_zh : hdr_en);
	table_set_max_width(t, 4, 40);
	for (k = 0; k < e.nitems; k++) {
		const struct eval_item *it = &e.items[k];
		const struct checklist_item *ci =
		    cl != NULL ? checklist_item(cl, it->item, NULL) : NULL;
		const struct eval_item *si =
		    have_self ? cmd_evaluation_item(&self, it->item) : NULL;
		struct buf name, cell;
		char pts[48];
		const char *cells[5];

		buf_init(&name);
		buf_init(&cell);
		buf_puts(&name, it->item);
		if (it->critical)
			buf_puts(&name, " *");
		if (it->answer == CHECKLIST_NA)
			snprintf(pts, sizeof pts, "-");
		else
			snprintf(pts, sizeof pts, "%d×%d%s", it->points, it->weight,
			         it->failed ? T(sh, " FAIL", " 不合格") : "");
		shell_clean(&cell, it->comment);
		cells[0] = buf_cstr(&name);
		cells[1] = ci != NULL
		               ? checklist_answer_label(ci, it->answer, sh->lang, tmp, sizeof tmp)
		               : "?";
		cells[2] = pts;
		cells[3] = si != NULL && ci != NULL
		               ? checklist_answer_label(ci, si->answer, sh->lang, tmp2, sizeof tmp2)
		               : "";
		cells[4] = buf_cstr(&cell);
		table_add_row(t, cells);
		buf_free(&name);
		buf_free(&cell);
	}
	table_render_fit(t, cmd_page_width(sh), &out);
	table_free(t);
	cmd_eval_util_pct(e.totals.earned, e.totals.possible, pct, sizeof pct);
	buf_printf(&out,
	           T(sh, "Score = Σ(points × weight) / Σ(5 × weight) = %lld / %lld = %s",
	             "得分 = Σ(得分 × 权重) / Σ(5 × 权重) = %lld / %lld = %s"),
	           (long long)e.totals.earned, (long long)e.totals.possible, pct);
	if (cl != NULL)
		buf_printf(&out, T(sh, " (pass mark %d%%)", "（合格线 %d%%）"), cl->pass_pct);
	buf_printf(&out, " · %s",
	           e.totals.passed ? T(sh, "PASS", "合格") : T(sh, "FAIL", "不合格"));
	if (e.totals.critical_failed > 0)
		buf_printf(&out, T(sh, " · %d critical failed", " · %d 个关键项不合格"),
		           e.totals.critical_failed);
	buf_putc(&out, '\n');
	if (have_re)
		buf_printf(
		    &out, "%s\n",
		    re.earned == e.totals.earned && re.possible == e.totals.possible &&
		            re.critical_failed == e.totals.critical_failed &&
		            re.passed == e.totals.passed
		        ? T(sh, "Recomputed from the pinned version: the same.",
		            "按所记录的版本重新计算：结果一致。")
		        : T(sh,
		            "Recomputed from the pinned version: DIFFERENT (see the audit log).",
		            "按所记录的版本重新计算：结果不一致（请查审计日志）。"));
	if (have_self) {
		cmd_eval_util_pct(self.totals.earned, self.totals.possible, pct, sizeof pct);
		buf_printf(
		    &out,
		    T(sh, "The agent's self-check #%lld: %s, %s.\n", "客服自查 #%lld：%s，%s。\n"),
		    (long long)self.id, pct,
		    self.totals.passed ? T(sh, "pass", "合格") : T(sh, "fail", "不合格"));
	}
	buf_puts(&out, T(sh, "(* critical item)\n", "（* 关键项）\n"));
	if (e.comment != NULL) {
		buf_printf(&out, "%s ", T(sh, "Comment:", "评语："));
		shell_clean(&out, e.comment);
		buf_putc(&out, '\n');
	}
	if (cl != NULL)
		cmd_evaluation_disputes(sh, cl, &e, &out);
	if (e.status == EVAL_NEW && !strcmp(e.agent, sh->user.name))
		buf_printf(
		    &out,
		    T(sh,
		      "\nAcknowledge it with `evaluation ack %lld`, or dispute an item within "
		      "%d days: `evaluation dispute %lld ITEM --reason TEXT`.\n",
		      "\n请用 `evaluation ack %lld` 确认；如有异议，可在 %d 天内申诉："
		      "`evaluation dispute %lld 项目 --reason 理由`。\n"),
		    (long long)e.id, cl != NULL ? cl->dispute_days : 0, (long long)e.id);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
out:
	checklist_free(cl);
	store_eval_clear(&e);
	store_eval_clear(&self);
	return CMD_OK;
}

/* evaluation list: on the pool. */
struct cmd_evaluation_lister {
	struct cmd_util_job job;
	struct eval_filter f;
	char *agent, *number, *session;
	char *user; /* who lists, and their role: what they may see */
	enum role role;
	bool json;
	struct evaluation *list;
	size_t n;     /* rows shown */
	size_t limit; /* of the page (--limit; 0: the default) */
	bool more;    /* a row past the page was read */
};

static int cmd_evaluation_list_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_evaluation_lister *l = (struct cmd_evaluation_lister *)job;
	size_t i, k = 0, page = l->limit != 0 ? l->limit : CMD_PAGE_DEFAULT;
	int rc = store_eval_list(st, &l->f, &l->list, &l->n);

	/* One row past the page says more follow; it is not shown. */
	if (rc == 0 && l->n > page) {
		l->more = true;
		for (i = page; i < l->n; i++)
			store_eval_clear(&l->list[i]);
		l->n = page;
	}
	/* Calibrations are blind: the others' are left out (a page may come out shorter). */
	for (i = 0; rc == 0 && i < l->n; i++) {
		if (cmd_evaluation_visible(st, l->user, l->role, &l->list[i])) {
			if (k != i) {
				l->list[k] = l->list[i];
				memset(&l->list[i], 0, sizeof l->list[i]);
			}
			k++;
		} else {
			store_eval_clear(&l->list[i]);
		}
	}
	if (rc == 0)
		l->n = k;
	return rc;
}

static int cmd_evaluation_list_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_evaluation_lister *l = (struct cmd_evaluation_lister *)job;
	const char *hdr_en[] = {"ID", "DATE",  "KIND",   "COMPLAINT", "AGENT",
	                        "BY", "SCORE", "RESULT", "STATUS"};
	const char *hdr_zh[] = {"编号",   "日期", "类型", "投诉", "客服",
	                        "评估人", "得分", "结果", "状态"};
	struct cmd_page pg;
	struct buf out;
	size_t i;

	if (rc < 0)
		return shell_store_error(sh, rc);
	/* Not counted; the next page starts past every row read, seen or not. */
	cmd_page_init(&pg, l->f.offset, l->limit, l->n, -1, false);
	pg.more = l->more;
	pg.next = l->f.offset + pg.limit;
	buf_init(&out);
	if (l->json) {
		struct json j;

		json_init(&j, &out);
		cmd_page_json_begin(&j, &pg);
		for (i = 0; i < l->n; i++) {
			const struct evaluation *e = &l->list[i];

			json_object_begin(&j);
			json_kv_int(&j, "id", e->id);
			json_kv_string(&j, "kind", store_eval_kind_name(e->kind));
			json_kv_string(&j, "status", store_eval_status_name(e->status));
			json_kv_string(&j, "number", e->number);
			json_kv_string(&j, "period", e->period);
			json_kv_string(&j, "session", e->session);
			json_kv_string(&j, "agent", e->agent);
			json_kv_string(&j, "evaluator", e->evaluator);
			json_kv_int(&j, "version", e->version);
			json_kv_int(&j, "earned", e->totals.earned);
			json_kv_int(&j, "possible", e->totals.possible);
			json_kv_int(&j, "critical_failed", e->totals.critical_failed);
			json_kv_bool(&j, "passed", e->totals.passed);
			json_kv_int(&j, "open_disputes", e->open_disputes);
			json_kv_int(&j, "created_ms", e->created_ms);
			json_object_end(&j);
		}
		cmd_page_json_end(&j);
		buf_putc(&out, '\n');
	} else if (l->n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No evaluations.", "没有评估记录。"));
	} else {
		struct table *t = table_new(9, shell_is_zh(sh) ? hdr_zh : hdr_en);

		for (i = 0; i < l->n; i++) {
			const struct evaluation *e = &l->list[i];
			char id[24], day[32], pct[32];
			const char *cells[9];

			snprintf(id, sizeof id, "#%lld", (long long)e->id);
			cmd_util_time(e->created_ms, false, day, sizeof day);
			cmd_eval_util_pct(e->totals.earned, e->totals.possible, pct, sizeof pct);
			cells[0] = id;
			cells[1] = day;
			cells[2] = e->kind == EVAL_SELF          ? T(sh, "self", "自查")
			           : e->kind == EVAL_PERIOD      ? T(sh, "period", "周期")
			           : e->kind == EVAL_CALIBRATION ? T(sh, "calibration", "校准")
			           : e->kind == EVAL_SESSION     ? T(sh, "session", "会话")
			                                         : T(sh, "supervisor", "主管");
			cells[3] = cmd_evaluation_of(e);
			cells[4] = e->agent;
			cells[5] = e->evaluator;
			cells[6] = pct;
			cells[7] =
			    e->totals.passed ? T(sh, "pass", "合格") : T(sh, "FAIL", "不合格");
			cells[8] = cmd_evaluation_status_label(sh, e->status);
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
	}
	if (!l->json)
		cmd_page_more(sh, &pg, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_evaluation_list_free(struct cmd_util_job *job)
{
	struct cmd_evaluation_lister *l = (struct cmd_evaluation_lister *)job;

	store_eval_list_free(l->list, l->n);
	free(l->agent);
	free(l->number);
	free(l->session);
	free(l->user);
	free(l);
}

static int cmd_evaluation_list(struct shell *sh, struct args *a)
{
	struct cmd_evaluation_lister *l;
	const char *agent = args_get(a, "agent"), *status = args_get(a, "status");
	const char *kind = args_get(a, "kind");
	struct eval_filter f;
	int rc;

	memset(&f, 0, sizeof f);
	f.kind = -1;
	f.status = -1;
	if (!cmd_evaluation_all(sh)) {
		if (agent != NULL && strcmp(agent, sh->user.name) != 0) {
			shell_errorf(sh, "%s",
			             T(sh, "an agent sees only their own evaluations",
			               "客服只能查看自己的评估"));
			return CMD_DENIED;
		}
		agent = sh->user.name;
	}
	if (status != NULL && (f.status = store_eval_status_parse(status)) < 0) {
		shell_errorf(sh, "%s",
		             T(sh, "--status is new, acked, disputed, self or calibration",
		               "--status 取值为 new、acked、disputed、self 或 calibration"));
		return CMD_USAGE;
	}
	if (kind != NULL && (f.kind = store_eval_kind_parse(kind)) < 0) {
		shell_errorf(sh, "%s",
		             T(sh, "--kind is supervisor, self, period, calibration or session",
		               "--kind 取值为 supervisor、self、period、calibration 或 session"));
		return CMD_USAGE;
	}
	rc = cmd_eval_util_days(sh, a, &f.since_ms, &f.until_ms);
	if (rc == CMD_OK)
		rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"),
		                          CMD_EVALUATION_LIST_MAX, &f.limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), 1000000, &f.offset);
	if (rc != CMD_OK)
		return rc;
	l = calloc(1, sizeof *l);
	if (l == NULL)
		abort();
	l->job.run = cmd_evaluation_list_run;
	l->job.finish = cmd_evaluation_list_finish;
	l->job.free = cmd_evaluation_list_free;
	l->json = args_has(a, "json");
	l->agent = cmd_eval_util_dup(agent);
	l->user = cmd_eval_util_dup(sh->user.name);
	l->role = sh->user.role;
	l->number = cmd_eval_util_dup(args_get(a, "complaint"));
	if (l->number != NULL) {
		char *p;

		for (p = l->number; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	l->session = cmd_eval_util_dup(args_get(a, "session"));
	l->f = f;
	l->limit = f.limit;
	l->f.limit = cmd_page_fetch(f.limit);
	l->f.agent = l->agent;
	l->f.number = l->number;
	l->f.session = l->session;
	return cmd_util_job(sh, &l->job, true);
}

static int cmd_evaluation_change_error(struct shell *sh, int64_t id, int rc, const char *estate)
{
	if (rc == STORE_ENOENT) {
		shell_errorf(sh,
		             T(sh, "no evaluation #%lld of yours (evaluation list shows them)",
		               "没有你的评估 #%lld（可用 evaluation list 查看）"),
		             (long long)id);
		return CMD_ERROR;
	}
	if (rc == STORE_ESTATE) {
		shell_errorf(sh, "%s", estate);
		return CMD_ERROR;
	}
	return shell_store_error(sh, rc);
}

static int cmd_evaluation_ack(struct shell *sh, struct args *a)
{
	struct audit_ctx ctx;
	int64_t id;
	int rc = cmd_eval_util_id(sh, a->pos[0], &id);

	if (rc != CMD_OK)
		return rc;
	shell_audit_ctx(sh, &ctx);
	rc = store_eval_ack(sh->host.store, &ctx, id);
	if (rc < 0)
		return cmd_evaluation_change_error(
		    sh, id, rc,
		    T(sh,
		      "nothing to acknowledge: it is acknowledged already, disputed (wait for the "
		      "answer) or a self-check",
		      "无需确认：该评估已确认、正在申诉（请等待答复）或是自查"));
	shell_printf(sh, T(sh, "Evaluation #%lld acknowledged.\n", "评估 #%lld 已确认。\n"),
	             (long long)id);
	return CMD_OK;
}

static int cmd_evaluation_dispute(struct shell *sh, struct args *a)
{
	const char *item = a->pos[1], *reason = args_get(a, "reason"), *ans = args_get(a, "answer");
	const struct checklist_item *ci;
	struct checklist *cl = NULL;
	struct evaluation e;
	struct audit_ctx ctx;
	int64_t id, did = 0;
	int rc, proposed = 0;

	rc = cmd_eval_util_id(sh, a->pos[0], &id);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_util_text_ok(sh, "--reason", reason, EVAL_TEXT_MAX))
		return CMD_USAGE;
	rc = cmd_evaluation_load(sh, id, &e);
	if (rc != CMD_OK)
		return rc;
	if (strcmp(e.agent, sh->user.name) != 0 || e.kind == EVAL_SELF ||
	    e.kind == EVAL_CALIBRATION) {
		shell_errorf(sh, "%s",
		             T(sh, "only the agent evaluated may dispute an evaluation",
		               "只有被评估的客服本人可以申诉"));
		rc = CMD_DENIED;
		goto out;
	}
	rc = cmd_eval_util_version(sh, e.version, &cl, NULL);
	if (rc != CMD_OK)
		goto out;
	ci = checklist_item(cl, item, NULL);
	if (ci == NULL || cmd_evaluation_item(&e, item) == NULL) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, item);
		shell_errorf(sh,
		             T(sh, "`%s` is no item of evaluation #%lld (evaluation show %lld)",
		               "`%s` 不是评估 #%lld 的项目（evaluation show %lld）"),
		             buf_cstr(&w), (long long)id, (long long)id);
		buf_free(&w);
		rc = CMD_USAGE;
		goto out;
	}
	if (ans != NULL && checklist_answer_parse(ci, ans, &proposed) < 0) {
		shell_errorf(sh,
		             T(sh, "--answer: not an answer of %s", "--answer：不是 %s 的有效回答"),
		             ci->code);
		rc = CMD_USAGE;
		goto out;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_eval_dispute(sh->host.store, &ctx, id, item, reason, ans != NULL, proposed,
	                        (int64_t)cl->dispute_days * CMD_EVALUATION_DAY_MS, &did);
	if (rc == STORE_EEXIST) {
		shell_errorf(
		    sh,
		    T(sh, "%s is disputed already and awaits an answer", "%s 已在申诉中，等待答复"),
		    item);
		rc = CMD_ERROR;
		goto out;
	}
	if (rc == STORE_ESTATE) {
		shell_errorf(
		    sh, T(sh, "the dispute window of %d days is over", "已超过 %d 天的申诉期限"),
		    cl->dispute_days);
		rc = CMD_ERROR;
		goto out;
	}
	if (rc < 0) {
		rc = cmd_evaluation_change_error(sh, id, rc, "");
		goto out;
	}
	shell_printf(sh,
	             T(sh,
	               "Dispute #%lld of %s on evaluation #%lld filed: a supervisor answers it.\n",
	               "已提交申诉 #%lld（项目 %s，评估 #%lld），等待主管答复。\n"),
	             (long long)did, item, (long long)id);
	rc = CMD_OK;
out:
	checklist_free(cl);
	store_eval_clear(&e);
	return rc;
}

static int cmd_evaluation_answer(struct shell *sh, struct args *a)
{
	const char *item = a->pos[1], *how = a->pos[2], *comment = args_get(a, "comment");
	int answers[CHECKLIST_ITEMS_MAX];
	const struct eval_dispute *open = NULL;
	const struct checklist_item *ci;
	struct checklist *cl = NULL;
	struct checklist_score s;
	struct eval_answer ans;
	struct evaluation e;
	struct audit_ctx ctx;
	char pct[32];
	size_t i, k;
	int64_t id;
	int rc;

	rc = cmd_eval_util_id(sh, a->pos[0], &id);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_util_text_ok(sh, "--comment", comment, EVAL_TEXT_MAX))
		return CMD_USAGE;
	rc = cmd_evaluation_load(sh, id, &e);
	if (rc != CMD_OK)
		return rc;
	rc = cmd_eval_util_version(sh, e.version, &cl, NULL);
	if (rc != CMD_OK)
		goto out;
	for (k = 0; k < e.ndisputes; k++)
		if (!strcmp(e.disputes[k].item, item) && e.disputes[k].resolution == EVAL_OPEN)
			open = &e.disputes[k];
	ci = checklist_item(cl, item, &i);
	if (open == NULL || ci == NULL) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, item);
		shell_errorf(sh,
		             T(sh, "evaluation #%lld has no open dispute of `%s`",
		               "评估 #%lld 没有针对 `%s` 的待答复申诉"),
		             (long long)id, buf_cstr(&w));
		buf_free(&w);
		rc = CMD_ERROR;
		goto out;
	}
	memset(&ans, 0, sizeof ans);
	cmd_evaluation_answers(cl, &e, answers);
	ans.item = item;
	if (!strcmp(how, "keep")) {
		ans.resolution = EVAL_KEEP;
	} else if (!strcmp(how, "accept")) {
		if (!open->has_proposed) {
			shell_errorf(sh, "%s",
			             T(sh, "the agent proposed no answer: keep, or set one",
			               "客服未主张具体回答：请选择 keep 或直接给出回答"));
			rc = CMD_USAGE;
			goto out;
		}
		ans.resolution = EVAL_ACCEPT;
		answers[i] = open->proposed;
	} else if (checklist_answer_parse(ci, how, &answers[i]) == 0) {
		ans.resolution = EVAL_SET;
	} else {
		shell_errorf(sh,
		             T(sh, "answer keep, accept or a new answer (%s)",
		               "请给出 keep、accept 或新的回答（%s）"),
		             ci->scale == CHECKLIST_YESNO ? "y/n/na" : "1-5/na");
		rc = CMD_USAGE;
		goto out;
	}
	checklist_score(cl, cmd_evaluation_scope(&e), answers, &s);
	if (s.possible == 0) {
		shell_errorf(sh, "%s",
		             T(sh, "that would leave nothing to score", "这样将没有可计分的项目"));
		rc = CMD_ERROR;
		goto out;
	}
	ans.answer = answers[i];
	ans.points = checklist_points(ci, answers[i]);
	ans.failed = checklist_fails(ci, answers[i]);
	ans.totals.earned = s.earned;
	ans.totals.possible = s.possible;
	ans.totals.critical_failed = s.critical_failed;
	ans.totals.passed = s.passed;
	ans.comment = comment;
	shell_audit_ctx(sh, &ctx);
	rc = store_eval_answer(sh->host.store, &ctx, id, &ans);
	if (rc < 0) {
		rc = cmd_evaluation_change_error(sh, id, rc, "");
		goto out;
	}
	cmd_eval_util_pct(s.earned, s.possible, pct, sizeof pct);
	shell_printf(sh,
	             T(sh, "Dispute of %s on evaluation #%lld answered (%s): score now %s, %s.\n",
	               "项目 %s（评估 #%lld）的申诉已答复（%s）：现得分 %s，%s。\n"),
	             item, (long long)id, store_eval_resolution_name(ans.resolution), pct,
	             s.passed ? T(sh, "pass", "合格") : T(sh, "fail", "不合格"));
	rc = CMD_OK;
out:
	checklist_free(cl);
	store_eval_clear(&e);
	return rc;
}

/* ---- the login notice ------------------------------------------------------------------------ */

int cmd_evaluation_login_notice(struct shell *sh)
{
	struct eval_filter f;
	struct evaluation *list = NULL;
	struct buf out;
	size_t n = 0, i;

	if (sh->host.store == NULL || !(sh->user.role & ROLES_DESK))
		return CMD_OK;
	memset(&f, 0, sizeof f);
	f.agent = sh->user.name;
	f.kind = -1; /* of complaints and of periods: self-checks are never new */
	f.status = EVAL_NEW;
	f.limit = CMD_EVALUATION_NOTICE_MAX;
	if (store_eval_list(sh->host.store, &f, &list, &n) < 0 || n == 0) {
		store_eval_list_free(list, n);
		return CMD_OK;
	}
	buf_init(&out);
	buf_printf(&out,
	           T(sh, "\n*** %zu new evaluation%s of your work: ***\n",
	             "\n*** 你有 %zu 条新的服务质量评估%s： ***\n"),
	           n,
	           shell_is_zh(sh) ? ""
	           : n == 1        ? ""
	                           : "s");
	for (i = 0; i < n; i++) {
		char pct[32], day[32];

		cmd_eval_util_pct(list[i].totals.earned, list[i].totals.possible, pct, sizeof pct);
		cmd_util_time(list[i].created_ms, false, day, sizeof day);
		buf_printf(&out, "  #%lld %s %s %s %s (%s)\n", (long long)list[i].id, day,
		           cmd_evaluation_of(&list[i]), pct,
		           list[i].totals.passed ? T(sh, "pass", "合格") : T(sh, "FAIL", "不合格"),
		           list[i].evaluator);
	}
	buf_puts(&out,
	         T(sh,
	           "See one with `evaluation show ID`, then acknowledge it (`evaluation ack "
	           "ID`) or dispute an item.\n\n",
	           "请用 `evaluation show 编号` 查看，然后确认（`evaluation ack 编号`）或对某项"
	           "提出申诉。\n\n"));
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_eval_list_free(list, n);
	return CMD_OK;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_evaluation_list[] = {
    {"agent", ARGS_VALUE},
    {"status", ARGS_VALUE},
    {"kind", ARGS_VALUE},
    {"complaint", ARGS_VALUE},
    {"since", ARGS_VALUE},
    {"until", ARGS_VALUE},
    {"limit", ARGS_VALUE},
    {"offset", ARGS_VALUE},
    {"session", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_evaluation_dispute[] = {
    {"reason", ARGS_VALUE | ARGS_REQUIRED},
    {"answer", ARGS_VALUE},
    {NULL, 0},
};

static const struct args_opt cmd_opts_evaluation_answer[] = {
    {"comment", ARGS_VALUE | ARGS_REQUIRED},
    {NULL, 0},
};

static const struct cmd_entry cmd_evaluation_entries[] = {
    {"evaluation", "list", ROLES_ALL, cmd_opts_evaluation_list, 0, 0,
     "evaluation list [--agent A] [--status new|acked|disputed|self] "
     "[--kind supervisor|self|period|calibration|session] [--complaint NUMBER] [--session ID] "
     "[--since YYYY-MM-DD] "
     "[--until YYYY-MM-DD] [--limit N] [--offset N] [--json]",
     "List evaluations and self-checks, newest first (an agent sees their own only); "
     "--complaint also lists the evaluations of the sessions that touched it.",
     "按时间倒序列出评估和自查（客服只能看到自己的）；--complaint 也列出处理过该投诉的会话的评估。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_evaluation_list, 0},
    {"evaluation", "show", ROLES_ALL, cmd_opts_json, 1, 1, "evaluation show ID [--json]",
     "Show an evaluation item by item with the agent's self-check beside it, the formula with "
     "its numbers recomputed from the pinned checklist version, and its disputes.",
     "逐项显示评估及客服自查对照、按所记录检查表版本重新计算的公式和数字，以及申诉记录。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_evaluation_show, 0},
    {"evaluation", "ack", ROLES_DESK, NULL, 1, 1, "evaluation ack ID",
     "Acknowledge an evaluation of your work (a changed score asks for a new acknowledgement).",
     "确认对自己工作的评估（分数变更后需重新确认）。", CMD_AUDIT, NULL, cmd_evaluation_ack, 0},
    {"evaluation", "dispute", ROLES_DESK, cmd_opts_evaluation_dispute, 2, 2,
     "evaluation dispute ID ITEM --reason TEXT [--answer ANSWER]",
     "Dispute one item of an evaluation of your work, within the checklist's dispute window, "
     "saying why (and the answer you think right).",
     "在申诉期内对评估中的某一项提出申诉，说明理由（可给出你认为正确的回答）。", CMD_AUDIT, NULL,
     cmd_evaluation_dispute, 0},
    {"evaluation", "answer", ROLES_SUPERVISOR, cmd_opts_evaluation_answer, 3, 3,
     "evaluation answer ID ITEM keep|accept|ANSWER --comment TEXT",
     "Answer a disputed item: keep the score, accept the agent's answer, or set another; the "
     "score is recomputed and a change asks the agent to acknowledge again.",
     "答复申诉：维持原分（keep）、采纳客服的主张（accept）或给出新的回答；分数重新计算，"
     "分数变更后需客服重新确认。",
     CMD_AUDIT, NULL, cmd_evaluation_answer, 0},
};

const struct cmd_group cmd_evaluation_group = {
    cmd_evaluation_entries, sizeof cmd_evaluation_entries / sizeof cmd_evaluation_entries[0],
    "Evaluations", "质检评分"};
