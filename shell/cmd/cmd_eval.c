/* cmd_eval — scoring a complaint against the service-standard checklist: `evaluate NUMBER`
 * (supervisors) and `checklist self NUMBER` (the agent's self-check) as a guided form, one step
 * per item with the complaint's words, techniques, promises and history alongside, a comment
 * per item, N/A left out, critical failures shown, then the score and its formula before
 * saving; in exec mode the same answers as lines on stdin ("CODE ANSWER [COMMENT]"). The
 * checklist in force is pinned (its version and hash) before scoring starts. */
#include "cmd_eval.h"

#include "cmd.h"
#include "cmd_eval_int.h"
#include "cmd_groups.h"
#include "cmd_util.h"
#include "cmd_complaint_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "checklist.h"
#include "form.h"
#include "json.h"
#include "shell_int.h"
#include "store_complaint.h"
#include "store_draft.h"
#include "store_eval.h"
#include "store_eval_session.h"
#include "utf8.h"

/* ---- the scoring ---------------------------------------------------------------------------- */

struct cmd_eval_run {
	enum eval_kind kind;
	enum checklist_scope scope; /* the items scored: a complaint's, or a period's */
	char agent[STORE_NAME_MAX + 1];
	char period[8];   /* "YYYY-MM" for a period */
	char session[72]; /* the session's id for a session */
	struct eval_session ses;
	char
	    target[COMPLAINT_NUMBER_MAX + STORE_NAME_MAX + 16]; /* the number, or "agent 2026-11" */
	struct checklist *cl;
	int64_t version;
	char hash[EVAL_HASH_HEX + 1];
	struct complaint c;
	int answers[CHECKLIST_ITEMS_MAX];
	char *comments[CHECKLIST_ITEMS_MAX];
	char *comment;
	/* The form's steps: one per item of the complaint scope, then the comment and the
	 * confirmation. */
	struct form_step steps[CHECKLIST_ITEMS_MAX + 2];
	size_t nsteps;
	struct form_spec spec;
};

static void cmd_eval_run_free(void *arg)
{
	struct cmd_eval_run *r = arg;
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < CHECKLIST_ITEMS_MAX; i++)
		free(r->comments[i]);
	free(r->comment);
	checklist_free(r->cl);
	store_complaint_clear(&r->c);
	store_eval_session_clear(&r->ses);
	free(r);
}

static const char *cmd_eval_kind_draft(enum eval_kind k)
{
	return k == EVAL_SELF ? "selfcheck" : k == EVAL_CALIBRATION ? "calibration" : "evaluation";
}

/* Splits "ANSWER COMMENT..." at the first space (ASCII or U+3000). */
static void cmd_eval_split(const char *v, struct buf *answer, const char **comment)
{
	size_t i;

	buf_reset(answer);
	buf_puts(answer, "");
	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] == ' ' || v[i] == '\t')
			break;
		if (!strncmp(v + i, "\xe3\x80\x80", 3))
			break;
	}
	buf_append(answer, v, i);
	buf_puts(answer, "");
	while (v[i] == ' ' || v[i] == '\t' || !strncmp(v + i, "\xe3\x80\x80", 3))
		i += v[i] == ' ' || v[i] == '\t' ? 1 : 3;
	*comment = v + i;
}

static const char *cmd_eval_choices(struct shell *sh, const struct checklist_item *it)
{
	if (it->scale == CHECKLIST_YESNO)
		return it->na ? T(sh, "y/n/na", "是/否/不适用 (y/n/na)")
		              : T(sh, "y/n", "是/否 (y/n)");
	return it->na ? T(sh, "1-5/na", "1-5/不适用 (na)") : "1-5";
}

/* Parses one answer line for item i into the run; prints why not (what names the line). */
static bool cmd_eval_take(struct shell *sh, struct cmd_eval_run *r, size_t i, const char *v,
                          const char *what)
{
	const struct checklist_item *it = &r->cl->items[i];
	struct buf a;
	const char *comment;
	int answer;

	buf_init(&a);
	cmd_eval_split(v, &a, &comment);
	if (checklist_answer_parse(it, buf_cstr(&a), &answer) < 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, buf_cstr(&a));
		shell_errorf(sh,
		             T(sh, "%s%s: `%s` is not an answer here: %s",
		               "%s%s：`%s` 不是有效回答，应为 %s"),
		             what, it->code, buf_cstr(&w), cmd_eval_choices(sh, it));
		buf_free(&w);
		buf_free(&a);
		return false;
	}
	buf_free(&a);
	if (comment[0] != '\0' && !cmd_util_text_ok(sh, it->code, comment, EVAL_TEXT_MAX))
		return false;
	r->answers[i] = answer;
	free(r->comments[i]);
	r->comments[i] = comment[0] != '\0' ? strdup(comment) : NULL;
	return true;
}

/* The score, the formula and the critical failures, appended to out. */
static void cmd_eval_summary(struct shell *sh, const struct cmd_eval_run *r, struct buf *out)
{
	struct checklist_score s;
	char pct[32], tmp[8];
	size_t i;

	checklist_score(r->cl, r->scope, r->answers, &s);
	for (i = 0; i < r->cl->nitems; i++) {
		const struct checklist_item *it = &r->cl->items[i];

		if (it->scope != r->scope)
			continue;
		buf_printf(out, "  %-15s %-8s", it->code,
		           checklist_answer_label(it, r->answers[i], sh->lang, tmp, sizeof tmp));
		if (r->answers[i] == CHECKLIST_NA)
			buf_printf(out, " %s", T(sh, "(left out)", "（不计分）"));
		else
			buf_printf(out, " %d×%d", checklist_points(it, r->answers[i]), it->weight);
		if (checklist_fails(it, r->answers[i]))
			buf_printf(out, "  %s", T(sh, "CRITICAL FAILURE", "关键项不合格"));
		buf_putc(out, '\n');
	}
	cmd_eval_util_pct(s.earned, s.possible, pct, sizeof pct);
	buf_printf(out,
	           T(sh, "Score = Σ(points × weight) / Σ(5 × weight) = %lld / %lld = %s",
	             "得分 = Σ(得分 × 权重) / Σ(5 × 权重) = %lld / %lld = %s"),
	           (long long)s.earned, (long long)s.possible, pct);
	buf_printf(out, T(sh, " (pass mark %d%%)\n", "（合格线 %d%%）\n"), r->cl->pass_pct);
	if (s.critical_failed > 0)
		buf_printf(out,
		           T(sh, "%d critical item%s failed: the evaluation fails.\n",
		             "%d 个关键项不合格%s：评估不合格。\n"),
		           s.critical_failed,
		           shell_is_zh(sh)          ? ""
		           : s.critical_failed == 1 ? ""
		                                    : "s");
	buf_printf(out, "%s\n",
	           s.passed ? T(sh, "Result: PASS", "结果：合格")
	                    : T(sh, "Result: FAIL", "结果：不合格"));
}

/* Saves the run; prints the outcome. */
static int cmd_eval_save(struct shell *sh, struct cmd_eval_run *r, bool json)
{
	struct eval_item_in items[CHECKLIST_ITEMS_MAX];
	struct checklist_score s;
	struct eval_new in;
	struct audit_ctx ctx;
	char pct[32];
	size_t i, n = 0;
	int64_t id = 0;
	int rc;

	checklist_score(r->cl, r->scope, r->answers, &s);
	if (s.possible == 0) {
		shell_errorf(sh, "%s",
		             T(sh, "every item is N/A: there is nothing to score (nothing saved)",
		               "所有项目均为不适用，无法评分（未保存）"));
		return CMD_ERROR;
	}
	memset(&in, 0, sizeof in);
	for (i = 0; i < r->cl->nitems; i++) {
		const struct checklist_item *it = &r->cl->items[i];

		if (it->scope != r->scope)
			continue;
		items[n].item = it->code;
		items[n].answer = r->answers[i];
		items[n].points = checklist_points(it, r->answers[i]);
		items[n].weight = it->weight;
		items[n].critical = it->critical;
		items[n].failed = checklist_fails(it, r->answers[i]);
		items[n].comment = r->comments[i];
		n++;
	}
	in.kind = r->kind;
	in.number = r->scope == CHECKLIST_PERIOD || r->kind == EVAL_SESSION ? NULL : r->c.number;
	in.session = r->kind == EVAL_SESSION ? r->session : NULL;
	in.period = r->scope == CHECKLIST_PERIOD ? r->period : NULL;
	in.agent = r->agent;
	in.version = r->version;
	in.hash = r->hash;
	in.totals.earned = s.earned;
	in.totals.possible = s.possible;
	in.totals.critical_failed = s.critical_failed;
	in.totals.passed = s.passed;
	in.comment = r->comment;
	in.items = items;
	in.nitems = n;
	shell_audit_ctx(sh, &ctx);
	rc = store_eval_add(sh->host.store, &ctx, &in, &id);
	if (rc == STORE_EEXIST) {
		shell_errorf(sh,
		             T(sh, "you have calibrated %s already", "你已经对 %s 做过校准评分"),
		             r->target);
		return CMD_ERROR;
	}
	if (rc == STORE_ENOENT && r->kind == EVAL_SESSION) {
		shell_errorf(sh,
		             T(sh, "session %s is not in the audit log", "审计日志中没有会话 %s"),
		             r->session);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	cmd_eval_util_pct(s.earned, s.possible, pct, sizeof pct);
	if (json) {
		struct buf out;
		struct json j;

		buf_init(&out);
		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_int(&j, "id", id);
		json_kv_string(&j, "kind", store_eval_kind_name(r->kind));
		if (r->kind == EVAL_SESSION)
			json_kv_string(&j, "session", r->session);
		else
			json_kv_string(&j, r->scope == CHECKLIST_PERIOD ? "period" : "number",
			               r->scope == CHECKLIST_PERIOD ? r->period : r->c.number);
		json_kv_int(&j, "version", r->version);
		json_kv_int(&j, "earned", s.earned);
		json_kv_int(&j, "possible", s.possible);
		json_kv_int(&j, "critical_failed", s.critical_failed);
		json_kv_bool(&j, "passed", s.passed);
		json_object_end(&j);
		buf_putc(&out, '\n');
		shell_write(sh, 1, out.data, out.len);
		buf_free(&out);
	} else {
		if (r->kind == EVAL_CALIBRATION)
			shell_printf(
			    sh,
			    T(sh,
			      "Calibration #%lld of %s saved: %s. The others' scores are "
			      "yours to see now (evaluation list --complaint %s --kind "
			      "calibration; report calibration).\n",
			      "校准评分 #%lld（投诉 %s）已保存：%s。现在可以查看其他主管的评分"
			      "（evaluation list --complaint %s --kind calibration；report "
			      "calibration）。\n"),
			    (long long)id, r->target, pct, r->target);
		else if (r->kind == EVAL_SESSION)
			shell_printf(
			    sh,
			    T(sh,
			      "Evaluation #%lld of session %s (%s) saved: %s, %s (checklist "
			      "v%lld).\n",
			      "评估 #%lld（会话 %s，%s）已保存：%s，%s（检查表第 %lld 版）。\n"),
			    (long long)id, r->session, r->agent, pct,
			    s.passed ? T(sh, "pass", "合格") : T(sh, "fail", "不合格"),
			    (long long)r->version);
		else
			shell_printf(
			    sh,
			    r->kind == EVAL_SELF
			        ? T(sh, "Self-check #%lld of %s saved: %s, %s (checklist v%lld).\n",
			            "自查 #%lld（投诉 %s）已保存：%s，%s（检查表第 %lld 版）。\n")
			        : T(sh, "Evaluation #%lld of %s saved: %s, %s (checklist v%lld).\n",
			            "评估 #%lld（投诉 %s）已保存：%s，%s（检查表第 %lld 版）。\n"),
			    (long long)id, r->target, pct,
			    s.passed ? T(sh, "pass", "合格") : T(sh, "fail", "不合格"),
			    (long long)r->version);
	}
	return CMD_OK;
}

/* The complaint scored (evaluate NUMBER, checklist self NUMBER), with the rules of who may. */
static int cmd_eval_complaint_target(struct shell *sh, const char *number, struct cmd_eval_run *r)
{
	int rc = cmd_complaint_load(sh, number, &r->c, true);

	if (rc != CMD_OK)
		return rc;
	if (r->kind != EVAL_SELF && !strcmp(r->c.agent, sh->user.name)) {
		shell_errorf(sh,
		             T(sh,
		               "%s is your own complaint: check yourself with checklist self %s",
		               "%s 是你自己受理的投诉：请用 checklist self %s 自查"),
		             r->c.number, r->c.number);
		return CMD_ERROR;
	}
	if (r->kind == EVAL_SELF && strcmp(r->c.agent, sh->user.name) != 0 &&
	    (r->c.assignee == NULL || strcmp(r->c.assignee, sh->user.name) != 0)) {
		shell_errorf(sh,
		             T(sh, "%s is not your complaint: a self-check is of your own work",
		               "%s 不是你的投诉：自查只针对自己的工作"),
		             r->c.number);
		return CMD_ERROR;
	}
	if (r->kind == EVAL_CALIBRATION) {
		bool rated = false;

		rc = store_eval_rated(sh->host.store, r->c.number, sh->user.name, EVAL_CALIBRATION,
		                      &rated);
		if (rc < 0)
			return shell_store_error(sh, rc);
		if (rated) {
			shell_errorf(sh,
			             T(sh, "you have calibrated %s already (report calibration)",
			               "你已经对 %s 做过校准评分（report calibration）"),
			             r->c.number);
			return CMD_ERROR;
		}
	}
	r->scope = CHECKLIST_COMPLAINT;
	snprintf(r->agent, sizeof r->agent, "%s", r->c.agent);
	snprintf(r->target, sizeof r->target, "%s", r->c.number);
	return CMD_OK;
}

/* "YYYY-MM": a month not in the future; *since and *until (local time) bound it. */
static bool cmd_eval_month(const char *s, int64_t *since, int64_t *until)
{
	struct tm tm;
	time_t t0, t1;
	int y, m;

	if (strlen(s) != 7 || s[4] != '-' || sscanf(s, "%4d-%2d", &y, &m) != 2 || y < 2000 ||
	    y > 2999 || m < 1 || m > 12)
		return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	t0 = mktime(&tm);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = m == 12 ? y + 1 - 1900 : y - 1900;
	tm.tm_mon = m == 12 ? 0 : m;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	t1 = mktime(&tm);
	if (t0 == (time_t)-1 || t1 == (time_t)-1 || (int64_t)t0 * 1000 > store_now_ms())
		return false;
	*since = (int64_t)t0 * 1000;
	*until = (int64_t)t1 * 1000;
	return true;
}

/* The agent and month scored (evaluate --agent A --period YYYY-MM). */
static int cmd_eval_period_target(struct shell *sh, const char *agent, const char *period,
                                  struct cmd_eval_run *r)
{
	int64_t since, until;

	if (agent == NULL || period == NULL) {
		shell_errorf(
		    sh, "%s",
		    T(sh,
		      "give a complaint NUMBER, or --agent A --period YYYY-MM for the "
		      "items scored over a period",
		      "请给出投诉编号，或用 --agent 客服 --period YYYY-MM 评估按周期评分的项目"));
		return CMD_USAGE;
	}
	if (!cmd_util_desk_account(sh, "--agent ", agent))
		return CMD_USAGE;
	if (!strcmp(agent, sh->user.name)) {
		shell_errorf(sh, "%s",
		             T(sh, "a supervisor does not score their own period",
		               "主管不能为自己的周期表现评分"));
		return CMD_ERROR;
	}
	if (!cmd_eval_month(period, &since, &until)) {
		shell_errorf(sh, "%s",
		             T(sh, "--period is a month, YYYY-MM, not in the future",
		               "--period 应为不晚于本月的月份，格式 YYYY-MM"));
		return CMD_USAGE;
	}
	r->scope = CHECKLIST_PERIOD;
	snprintf(r->agent, sizeof r->agent, "%s", agent);
	snprintf(r->period, sizeof r->period, "%s", period);
	snprintf(r->target, sizeof r->target, "%s %s", agent, period);
	return CMD_OK;
}

/* The recorded session scored (evaluate --session ID): the audit log's account of it. */
static int cmd_eval_session_target(struct shell *sh, const char *id, struct cmd_eval_run *r)
{
	struct buf w;
	size_t i;
	int rc;

	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
		      id[i] == '-' || id[i] == '_'))
			break;
	if (id[0] == '\0' || id[i] != '\0' || i >= sizeof r->session) {
		buf_init(&w);
		shell_clean(&w, id);
		shell_errorf(sh,
		             T(sh,
		               "`%s` is not a session id (as sessions and recording list show "
		               "them, like s00002a1f3c)",
		               "`%s` 不是会话 ID（如 sessions 和 recording list 所示，例如 "
		               "s00002a1f3c）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	rc = store_eval_session_get(sh->host.store, id, &r->ses);
	if (rc == STORE_ENOENT || (rc == 0 && r->ses.account == NULL)) {
		shell_errorf(sh,
		             T(sh, "session %s is not in the audit log (or logged no one in)",
		               "审计日志中没有会话 %s（或该会话未登录）"),
		             id);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	if (!strcmp(r->ses.account, sh->user.name)) {
		shell_errorf(sh,
		             T(sh, "session %s is your own: a supervisor does not score their own",
		               "会话 %s 是你自己的：主管不能为自己评分"),
		             id);
		return CMD_ERROR;
	}
	if (!cmd_util_desk_account(sh, "", r->ses.account))
		return CMD_ERROR;
	r->scope = CHECKLIST_COMPLAINT;
	snprintf(r->session, sizeof r->session, "%s", id);
	snprintf(r->agent, sizeof r->agent, "%s", r->ses.account);
	snprintf(r->target, sizeof r->target, "session %s", id);
	return CMD_OK;
}

/* What the period's scorer looks at: the agent's evaluations of that month. */
static void cmd_eval_period_context(struct shell *sh, const struct cmd_eval_run *r, struct buf *out)
{
	struct evaluation *list = NULL;
	struct eval_filter f;
	int64_t earned = 0, possible = 0, passed = 0;
	size_t n = 0, i;
	char pct[32];

	memset(&f, 0, sizeof f);
	f.agent = r->agent;
	f.kind = EVAL_SUPERVISOR;
	f.status = -1;
	f.limit = 1000;
	buf_printf(out, T(sh, "Agent %s, %s\n", "客服 %s，%s\n"), r->agent, r->period);
	if (!cmd_eval_month(r->period, &f.since_ms, &f.until_ms) ||
	    store_eval_list(sh->host.store, &f, &list, &n) < 0)
		n = 0;
	for (i = 0; i < n; i++) {
		earned += list[i].totals.earned;
		possible += list[i].totals.possible;
		passed += list[i].totals.passed ? 1 : 0;
	}
	cmd_eval_util_pct(earned, possible, pct, sizeof pct);
	buf_printf(out,
	           T(sh, "  Evaluations of complaints that month: %zu, %lld passed, score %s\n",
	             "  当月投诉评估：%zu 条，合格 %lld 条，得分率 %s\n"),
	           n, (long long)passed, pct);
	store_eval_list_free(list, n);
}

/* --- the form's steps --------------------------------------------------------------------- */

static size_t cmd_eval_step_item(struct form *f)
{
	struct cmd_eval_run *r = form_arg(f);
	size_t i = 0;

	checklist_item(r->cl, form_current_key(f), &i);
	return i;
}

static bool cmd_eval_item_enter(struct form *f)
{
	struct cmd_eval_run *r = form_arg(f);
	struct shell *sh = form_shell(f);
	size_t i = cmd_eval_step_item(f), k, pos = 0, total = 0;
	const struct checklist_item *it = &r->cl->items[i];
	struct buf out;

	for (k = 0; k < r->cl->nitems; k++) {
		if (r->cl->items[k].scope != r->scope)
			continue;
		total++;
		if (k <= i)
			pos++;
	}
	buf_init(&out);
	buf_printf(&out, "\n[%zu/%zu] ", pos, total);
	shell_clean(&out, checklist_section_name(&r->cl->sections[it->section], sh->lang));
	buf_printf(&out, " · %s · %s %d%s\n", it->code, T(sh, "weight", "权重"), it->weight,
	           it->critical ? T(sh, " · CRITICAL", " · 关键项") : "");
	buf_puts(&out, "  ");
	shell_clean(&out, checklist_item_text(it, sh->lang));
	buf_putc(&out, '\n');
	if (checklist_item_guide(it, sh->lang)[0] != '\0') {
		buf_printf(&out, "  %s ", T(sh, "Handbook:", "手册："));
		shell_clean(&out, checklist_item_guide(it, sh->lang));
		buf_putc(&out, '\n');
	}
	switch (r->scope == CHECKLIST_PERIOD || r->kind == EVAL_SESSION ? CHECKLIST_LINK_NONE
	                                                                : it->link) {
	case CHECKLIST_LINK_WORDS:
		cmd_eval_util_words(sh, &r->c, &out);
		break;
	case CHECKLIST_LINK_TECHNIQUES:
		cmd_eval_util_techniques(sh, &r->c, &out);
		break;
	case CHECKLIST_LINK_PROMISES:
		cmd_eval_util_promises(sh, &r->c, &out);
		break;
	case CHECKLIST_LINK_HISTORY:
		cmd_eval_util_history(sh, &r->c, &out);
		break;
	case CHECKLIST_LINK_NONE:
		break;
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return true;
}

static void cmd_eval_item_help(struct form *f)
{
	struct cmd_eval_run *r = form_arg(f);
	struct shell *sh = form_shell(f);
	const struct checklist_item *it = &r->cl->items[cmd_eval_step_item(f)];

	shell_printf(sh,
	             T(sh,
	               "Answer %s, then (optional) a comment after a space: `n promised a "
	               "date the repair team cannot meet`.\n",
	               "回答 %s，可在空格后写评语，例如：`否 承诺的维修日期无法兑现`。\n"),
	             cmd_eval_choices(sh, it));
}

static int cmd_eval_item_accept(struct form *f, const char *v)
{
	struct cmd_eval_run *r = form_arg(f);
	struct shell *sh = form_shell(f);
	size_t i = cmd_eval_step_item(f);

	if (v[0] == '\0') {
		shell_errorf(sh, T(sh, "please answer %s (? for help)", "请回答 %s（? 查看帮助）"),
		             cmd_eval_choices(sh, &r->cl->items[i]));
		return FORM_AGAIN;
	}
	if (!cmd_eval_take(sh, r, i, v, ""))
		return FORM_AGAIN;
	form_set(f, r->cl->items[i].code, v);
	return FORM_NEXT;
}

/* The overall comment given with --comment, when there is one. */
static void cmd_eval_comment_def(struct form *f, struct buf *out)
{
	struct cmd_eval_run *r = form_arg(f);

	if (r->comment != NULL)
		buf_puts(out, r->comment);
}

static int cmd_eval_comment_accept(struct form *f, const char *v)
{
	struct cmd_eval_run *r = form_arg(f);

	if (v[0] != '\0' &&
	    !cmd_util_text_ok(form_shell(f), T(form_shell(f), "comment", "评语"), v, EVAL_TEXT_MAX))
		return FORM_AGAIN;
	free(r->comment);
	r->comment = v[0] != '\0' ? strdup(v) : NULL;
	form_set(f, "comment", v);
	return FORM_NEXT;
}

/* Takes every answer of the form's values again (a resumed draft, or after going back). */
static bool cmd_eval_reload(struct form *f)
{
	struct cmd_eval_run *r = form_arg(f);
	struct shell *sh = form_shell(f);
	size_t i;

	for (i = 0; i < r->cl->nitems; i++) {
		const char *v = form_get(f, r->cl->items[i].code);

		if (r->cl->items[i].scope != r->scope)
			continue;
		if (v == NULL || !cmd_eval_take(sh, r, i, v, ""))
			return false;
	}
	free(r->comment);
	r->comment = form_get(f, "comment") != NULL && form_get(f, "comment")[0] != '\0'
	                 ? strdup(form_get(f, "comment"))
	                 : NULL;
	return true;
}

static bool cmd_eval_confirm_enter(struct form *f)
{
	struct cmd_eval_run *r = form_arg(f);
	struct shell *sh = form_shell(f);
	struct buf out;

	if (!cmd_eval_reload(f)) {
		shell_errorf(sh, "%s", T(sh, "an item is not answered", "有项目尚未回答"));
		return true;
	}
	buf_init(&out);
	buf_printf(&out, "\n%s\n", T(sh, "Summary:", "汇总："));
	cmd_eval_summary(sh, r, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return true;
}

static void cmd_eval_confirm_def(struct form *f, struct buf *out)
{
	(void)f;
	buf_puts(out, "Y");
}

static int cmd_eval_confirm_accept(struct form *f, const char *v)
{
	struct shell *sh = form_shell(f);
	int rc;

	if (!strcmp(v, "n") || !strcmp(v, "N") || !strcmp(v, "否")) {
		shell_printf(sh, "%s\n",
		             T(sh, "Not saved (< goes back to change an answer).",
		               "未保存（输入 < 可返回修改）。"));
		return FORM_AGAIN;
	}
	if (strcmp(v, "y") && strcmp(v, "Y") && strcmp(v, "是")) {
		shell_errorf(sh, "%s", T(sh, "please answer y or n", "请输入 y 或 n"));
		return FORM_AGAIN;
	}
	if (!cmd_eval_reload(f)) {
		shell_errorf(sh, "%s",
		             T(sh, "an item is not answered: go back with <",
		               "有项目尚未回答：输入 < 返回"));
		return FORM_AGAIN;
	}
	rc = cmd_eval_save(sh, form_arg(f), false);
	if (rc != CMD_OK)
		return FORM_AGAIN;
	form_end(f, CMD_OK, true);
	return FORM_ENDED;
}

/* The draft of this kind when it is of the same complaint and checklist version. */
static char *cmd_eval_draft(struct shell *sh, const struct cmd_eval_run *r)
{
	struct draft d;
	char *data = NULL;

	memset(&d, 0, sizeof d);
	if (store_draft_load(sh->host.store, sh->user.name, cmd_eval_kind_draft(r->kind), &d) ==
	        0 &&
	    d.data != NULL) {
		struct buf want;

		buf_init(&want);
		/* The keys the form writes first (its first step saves them). */
		buf_printf(&want, "\"number\":\"%s\"", r->target);
		if (strstr(d.data, buf_cstr(&want)) != NULL && strstr(d.data, r->hash) != NULL)
			data = strdup(d.data);
		buf_free(&want);
	}
	store_draft_clear(&d);
	return data;
}

static bool cmd_eval_target_enter(struct form *f)
{
	struct cmd_eval_run *r = form_arg(f);

	form_set(f, "number", r->target);
	form_set(f, "hash", r->hash);
	return false;
}

static int cmd_eval_target_accept(struct form *f, const char *v)
{
	(void)f;
	(void)v;
	return FORM_NEXT;
}

static int cmd_eval_form(struct shell *sh, struct cmd_eval_run *r)
{
	struct buf out;
	char *draft;
	size_t i;
	int rc;

	memset(r->steps, 0, sizeof r->steps);
	r->steps[0] = (struct form_step){.key = "_target",
	                                 .prompt_en = "",
	                                 .prompt_zh = "",
	                                 .enter = cmd_eval_target_enter,
	                                 .accept = cmd_eval_target_accept};
	r->nsteps = 1;
	for (i = 0; i < r->cl->nitems; i++) {
		const struct checklist_item *it = &r->cl->items[i];

		if (it->scope != r->scope)
			continue;
		r->steps[r->nsteps++] = (struct form_step){
		    .key = it->code,
		    .prompt_en = "Answer",
		    .prompt_zh = "回答",
		    .enter = cmd_eval_item_enter,
		    .help = cmd_eval_item_help,
		    .accept = cmd_eval_item_accept,
		    /* No check: the answers are taken again, each checked, at the summary. */
		};
	}
	r->steps[r->nsteps++] = (struct form_step){.key = "comment",
	                                           .prompt_en = "\nOverall comment (Enter: none)",
	                                           .prompt_zh = "\n总体评语（回车跳过）",
	                                           .def = cmd_eval_comment_def,
	                                           .accept = cmd_eval_comment_accept};
	r->steps[r->nsteps++] = (struct form_step){.key = "confirm",
	                                           .prompt_en = "Save? (Y/n)",
	                                           .prompt_zh = "保存？(Y/n)",
	                                           .enter = cmd_eval_confirm_enter,
	                                           .def = cmd_eval_confirm_def,
	                                           .accept = cmd_eval_confirm_accept};
	r->spec.kind = cmd_eval_kind_draft(r->kind);
	r->spec.what_en = r->kind == EVAL_SELF ? "self-check" : "evaluation";
	r->spec.what_zh = r->kind == EVAL_SELF ? "自查" : "评估";
	r->spec.steps = r->steps;
	r->spec.nsteps = r->nsteps;
	r->spec.free_arg = cmd_eval_run_free;
	buf_init(&out);
	buf_printf(&out, "%s v%lld (%.12s…)\n", checklist_name(r->cl, sh->lang),
	           (long long)r->version, r->hash);
	if (r->scope == CHECKLIST_PERIOD)
		cmd_eval_period_context(sh, r, &out);
	else if (r->kind == EVAL_SESSION)
		cmd_eval_util_session(sh, r->session, &r->ses, &out);
	else
		cmd_eval_util_context(sh, &r->c, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	draft = cmd_eval_draft(sh, r);
	if (draft != NULL)
		shell_printf(sh, "%s\n",
		             r->kind == EVAL_SESSION
		                 ? T(sh, "Resuming your unfinished scoring of this session.",
		                     "继续你尚未完成的这个会话的评分。")
		                 : T(sh, "Resuming your unfinished scoring of this complaint.",
		                     "继续你尚未完成的这条投诉的评分。"));
	rc = form_start(sh, &r->spec, r, draft);
	free(draft);
	return rc;
}

/* Exec mode: "CODE ANSWER [COMMENT]" per line on stdin, every item of the complaint scope
 * once; blank lines and lines starting with # skipped. */
static int cmd_eval_stdin(struct shell *sh, struct cmd_eval_run *r, bool json)
{
	bool seen[CHECKLIST_ITEMS_MAX];
	struct buf line, code;
	size_t pos = 0, lineno = 0, i;
	int rc = CMD_OK;

	memset(seen, 0, sizeof seen);
	buf_init(&line);
	buf_init(&code);
	while (rc == CMD_OK && shell_stdin_line(sh, &pos, &line)) {
		const char *rest;
		char where[32];

		lineno++;
		if (line.len == 0 || line.data[0] == '#')
			continue;
		cmd_eval_split(buf_cstr(&line), &code, &rest);
		if (checklist_item(r->cl, buf_cstr(&code), &i) == NULL ||
		    r->cl->items[i].scope != r->scope) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, buf_cstr(&code));
			shell_errorf(
			    sh,
			    T(sh, "stdin:%zu: `%s` is no item of this checklist (checklist show)",
			      "stdin:%zu：`%s` 不是本检查表的项目（checklist show）"),
			    lineno, buf_cstr(&w));
			buf_free(&w);
			rc = CMD_USAGE;
			break;
		}
		if (seen[i]) {
			shell_errorf(
			    sh,
			    T(sh, "stdin:%zu: %s is answered twice", "stdin:%zu：%s 回答了两次"),
			    lineno, r->cl->items[i].code);
			rc = CMD_USAGE;
			break;
		}
		snprintf(where, sizeof where, "stdin:%zu: ", lineno);
		if (!cmd_eval_take(sh, r, i, rest, where))
			rc = CMD_USAGE;
		seen[i] = true;
	}
	for (i = 0; rc == CMD_OK && i < r->cl->nitems; i++)
		if (r->cl->items[i].scope == r->scope && !seen[i]) {
			shell_errorf(sh,
			             T(sh,
			               "stdin: %s is not answered (every item needs an answer, na "
			               "where it does not apply): nothing saved",
			               "stdin：%s 未回答（每一项都需回答，不适用的答 na）：未保存"),
			             r->cl->items[i].code);
			rc = CMD_USAGE;
		}
	buf_free(&line);
	buf_free(&code);
	if (rc != CMD_OK)
		return rc;
	if (!json) {
		struct buf out;

		buf_init(&out);
		cmd_eval_summary(sh, r, &out);
		shell_write(sh, 1, out.data, out.len);
		buf_free(&out);
	}
	return cmd_eval_save(sh, r, json);
}

/* What is scored: a complaint's number, an agent and a month, or a session's id. */
struct cmd_eval_what {
	const char *number, *agent, *period, *session;
};

/* A new run of kind for what, with the checklist in force; NULL when not (the error
 * printed, *rc its status). */
static struct cmd_eval_run *cmd_eval_prepare(struct shell *sh, enum eval_kind kind,
                                             const struct cmd_eval_what *w, int *rc)
{
	struct cmd_eval_run *r = calloc(1, sizeof *r);
	size_t i;

	if (r == NULL)
		abort();
	r->kind = kind;
	for (i = 0; i < CHECKLIST_ITEMS_MAX; i++)
		r->answers[i] = CHECKLIST_NA;
	*rc = kind == EVAL_PERIOD    ? cmd_eval_period_target(sh, w->agent, w->period, r)
	      : kind == EVAL_SESSION ? cmd_eval_session_target(sh, w->session, r)
	                             : cmd_eval_complaint_target(sh, w->number, r);
	if (*rc != CMD_OK)
		goto fail;
	*rc = cmd_eval_util_current(sh, &r->cl, &r->version, r->hash);
	if (*rc != CMD_OK)
		goto fail;
	if (checklist_count(r->cl, r->scope) == 0) {
		shell_errorf(sh, "%s",
		             r->scope == CHECKLIST_PERIOD
		                 ? T(sh, "the checklist has no item scored over a period",
		                     "检查表中没有按周期评分的项目")
		                 : T(sh, "the checklist has no item to score a complaint with",
		                     "检查表中没有针对单条投诉的评分项"));
		*rc = CMD_ERROR;
		goto fail;
	}
	return r;
fail:
	cmd_eval_run_free(r);
	return NULL;
}

/* evaluate / checklist self: loads the complaint and the checklist, then the form or stdin. */
static int cmd_eval_start(struct shell *sh, struct args *a, enum eval_kind kind)
{
	struct cmd_eval_run *r;
	const char *comment = args_get(a, "comment");
	struct cmd_eval_what w;
	int rc;

	if (!sh->interactive && !args_has(a, "stdin")) {
		shell_errorf(
		    sh, "%s",
		    T(sh,
		      "in exec mode give the answers on stdin with --stdin (lines: CODE "
		      "ANSWER [COMMENT])",
		      "exec 模式下请用 --stdin 从标准输入给出回答（每行：项目代码 回答 [评语]）"));
		return CMD_USAGE;
	}
	if (comment != NULL && !cmd_util_text_ok(sh, "--comment", comment, EVAL_TEXT_MAX))
		return CMD_USAGE;
	memset(&w, 0, sizeof w);
	if (kind == EVAL_SESSION) {
		if (a->npos != 0 || args_get(a, "agent") != NULL || args_get(a, "period") != NULL ||
		    args_has(a, "calibrate")) {
			shell_errorf(sh, "%s",
			             T(sh,
			               "--session ID goes alone: evaluate --session ID [--stdin]",
			               "--session 单独使用：evaluate --session 会话ID [--stdin]"));
			return CMD_USAGE;
		}
		w.session = args_get(a, "session");
	} else if (kind == EVAL_PERIOD) {
		w.agent = args_get(a, "agent");
		w.period = args_get(a, "period");
		if (a->npos != 0)
			w.agent = NULL; /* refused as a usage */
	} else {
		w.number = a->pos[0];
	}
	r = cmd_eval_prepare(sh, kind, &w, &rc);
	if (r == NULL)
		return rc;
	if (comment != NULL)
		r->comment = strdup(comment);
	if (args_has(a, "stdin")) {
		rc = cmd_eval_stdin(sh, r, args_has(a, "json"));
		cmd_eval_run_free(r);
		return rc;
	}
	return cmd_eval_form(sh, r);
}

static int cmd_eval_evaluate(struct shell *sh, struct args *a)
{
	if (args_has(a, "next"))
		return cmd_checklist_next(sh, a);
	if (args_get(a, "seed") != NULL) {
		shell_errorf(sh, "%s",
		             T(sh, "--seed goes with --next", "--seed 需与 --next 一起使用"));
		return CMD_USAGE;
	}
	if (args_has(a, "calibrate") && a->npos == 0) {
		shell_errorf(sh, "%s",
		             T(sh, "--calibrate scores a complaint: evaluate NUMBER --calibrate",
		               "--calibrate 用于投诉：evaluate 编号 --calibrate"));
		return CMD_USAGE;
	}
	return cmd_eval_start(sh, a,
	                      args_get(a, "session") != NULL ? EVAL_SESSION
	                      : a->npos == 0                 ? EVAL_PERIOD
	                      : args_has(a, "calibrate")     ? EVAL_CALIBRATION
	                                                     : EVAL_SUPERVISOR);
}

static int cmd_eval_self(struct shell *sh, struct args *a)
{
	return cmd_eval_start(sh, a, EVAL_SELF);
}

/* ---- resuming a draft (cmd_eval_offer.c) ---------------------------------------------- */

/* What a draft of draft_kind ("evaluation" or "calibration") scored, from its target ("C-...",
 * "AGENT YYYY-MM" or "session ID"); agent holds the agent's name for a period. */
static enum eval_kind cmd_eval_offer_what(const char *draft_kind, const char *target,
                                          struct cmd_eval_what *w, struct buf *agent)
{
	const char *sp = strchr(target, ' ');

	memset(w, 0, sizeof *w);
	if (!strcmp(draft_kind, "calibration")) {
		w->number = target;
		return EVAL_CALIBRATION;
	}
	if (!strncmp(target, "session ", 8)) {
		w->session = target + 8;
		return EVAL_SESSION;
	}
	if (sp != NULL) {
		buf_reset(agent);
		buf_append(agent, target, (size_t)(sp - target));
		buf_puts(agent, "");
		w->agent = buf_cstr(agent);
		w->period = sp + 1;
		return EVAL_PERIOD;
	}
	w->number = target;
	return EVAL_SUPERVISOR;
}

int cmd_eval_resume(struct shell *sh, const char *draft_kind, const char *target)
{
	struct cmd_eval_what w;
	struct cmd_eval_run *r;
	struct buf agent;
	int rc = CMD_OK;

	buf_init(&agent);
	r = cmd_eval_prepare(sh, cmd_eval_offer_what(draft_kind, target, &w, &agent), &w, &rc);
	buf_free(&agent);
	return r != NULL ? cmd_eval_form(sh, r) : rc;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_eval[] = {
    {"stdin", 0},
    {"agent", ARGS_VALUE},
    {"period", ARGS_VALUE},
    {"calibrate", 0},
    {"next", 0},
    {"seed", ARGS_VALUE},
    {"comment", ARGS_VALUE},
    {"json", 0},
    {"session", ARGS_VALUE},
    {NULL, 0},
};

static const struct args_opt cmd_opts_eval_self[] = {
    {"stdin", 0},
    {"comment", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static const struct cmd_entry cmd_eval_entries[] = {
    {NULL, "evaluate", ROLES_SUPERVISOR, cmd_opts_eval, 0, 1,
     "evaluate NUMBER [--calibrate] | evaluate --agent A --period YYYY-MM | evaluate "
     "--session ID [--stdin] "
     "[--comment TEXT] [--json] | evaluate --next [--seed N] [--json]",
     "Score an agent's complaint against the service-standard checklist: a guided form item "
     "by item with the complaint's words, techniques, promises and history alongside; answer "
     "y/n/na or 1-5, a comment after a space. In exec mode the answers come on stdin, one line "
     "each: CODE ANSWER [COMMENT]. With --agent and --period, the items scored over a month "
     "(the competencies). With --session, a recorded session (its id as sessions and "
     "recording list show it): its account, time, the commands it ran and the complaints it "
     "touched alongside; the evaluation is tied to those complaints. --calibrate scores it blind "
     "beside other supervisors (report "
     "calibration compares them). --next draws an unevaluated complaint of your team at "
     "random, reopened and escalated ones three times as likely (seeded and audited).",
     "按服务标准检查表为客服的投诉处理评分：逐项引导填写，同时显示业主原话、沟通方法、承诺和处理记"
     "录；"
     "回答 y/n/na 或 1-5，空格后可写评语。exec 模式下从标准输入逐行给出：项目代码 回答 [评语]。"
     "用 --agent 和 --period 则按月评估综合素质能力等周期项目。用 --session 则评估一个已记录的会话"
     "（ID 如 sessions 和 recording list 所示），同时显示其账号、时间、执行的命令和处理的投诉；"
     "评估与这些投诉关联。--calibrate 为多位主管的盲评校准"
     "（report calibration 对比结果）。--next 随机抽取团队中尚未评估的投诉（重开和升级的投诉概率"
     "为三倍；种子和结果记入审计）。",
     CMD_AUDIT, "stdin", cmd_eval_evaluate, CMD_STDIN_TEXT},
    {"checklist", "self", ROLES_DESK, cmd_opts_eval_self, 1, 1,
     "checklist self NUMBER | checklist self NUMBER --stdin [--comment TEXT] [--json]",
     "Check your own handling of a complaint against the checklist (the same form as "
     "evaluate); supervisors see it beside their evaluation.",
     "按检查表自查自己对一条投诉的处理（与 evaluate 相同的表单）；主管可与评估对照查看。",
     CMD_AUDIT, "stdin", cmd_eval_self, CMD_STDIN_TEXT},
};

const struct cmd_group cmd_eval_group = {cmd_eval_entries,
                                         sizeof cmd_eval_entries / sizeof cmd_eval_entries[0],
                                         "Quality checklist", "服务质检"};
