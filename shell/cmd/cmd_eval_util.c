/* cmd_eval_util — what the checklist's command files share (cmd_eval.c, cmd_evaluation.c,
 * cmd_checklist.c): the checklist in force pinned as a version, a pinned version parsed again,
 * the numbers and options they all read, and the parts of a complaint a scorer looks at.
 * Below them all, it calls none of them. */
#include "cmd_eval_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "checklist.h"
#include "cmd.h"
#include "cmd_util.h"
#include "shell_int.h"
#include "store_complaint.h"
#include "store_eval.h"
#include "store_eval_session.h"

#define CMD_EVAL_UTIL_HISTORY_MAX 8 /* history rows shown alongside */

/* ----------------------------------------------------------- */

int cmd_eval_util_current(struct shell *sh, struct checklist **out, int64_t *version,
                          char hash[EVAL_HASH_HEX + 1])
{
	struct catalog *cat = cmd_util_catalog(sh);
	struct audit_ctx ctx;
	bool created = false;
	int rc;

	*out = NULL;
	if (cat == NULL || cat->checklist == NULL) {
		catalog_unref(cat);
		shell_errorf(sh, "%s",
		             T(sh, "no checklist is loaded (etc/checklist.ini)",
		               "未加载服务标准检查表（etc/checklist.ini）"));
		return CMD_ERROR;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_eval_pin(sh->host.store, &ctx, cat->checklist->text, cat->checklist->len,
	                    version, hash, &created);
	catalog_unref(cat);
	if (rc == STORE_EFULL) {
		shell_errorf(sh,
		             T(sh,
		               "the checklist in force (sha256 %.12s…) is new and cannot be pinned "
		               "as a version: disk full. Nothing can be scored against it until "
		               "there is room (checklist show still shows it).",
		               "现行检查表（sha256 %.12s…）是新内容，无法记录为新版本：磁盘已满。"
		               "腾出空间前无法按它评分（checklist show 仍可查看）。"),
		             hash);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	return cmd_eval_util_version(sh, *version, out, NULL);
}

int cmd_eval_util_version(struct shell *sh, int64_t version, struct checklist **out,
                          struct eval_version *v)
{
	struct eval_version mine;
	char name[48], *err = NULL;
	int rc;

	*out = NULL;
	if (v == NULL)
		v = &mine;
	rc = store_eval_version_get(sh->host.store, version, v);
	if (rc == STORE_ENOENT) {
		if (version == 0)
			shell_errorf(
			    sh, "%s",
			    T(sh, "no checklist version is pinned yet", "尚未记录任何检查表版本"));
		else
			shell_errorf(sh, T(sh, "no checklist version %lld", "没有第 %lld 版检查表"),
			             (long long)version);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	snprintf(name, sizeof name, "checklist v%lld", (long long)v->version);
	rc = checklist_parse(v->content, v->len, name, out, &err);
	if (rc < 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, err);
		shell_errorf(sh, "%s", buf_cstr(&w));
		buf_free(&w);
		free(err);
	}
	if (v == &mine)
		store_eval_version_clear(&mine);
	return rc < 0 ? CMD_ERROR : CMD_OK;
}

void cmd_eval_util_pct(int64_t earned, int64_t possible, char *out, size_t len)
{
	int64_t x10 = possible > 0 ? (earned * 1000 + possible / 2) / possible : 0;

	snprintf(out, len, "%lld.%lld%%", (long long)(x10 / 10), (long long)(x10 % 10));
}

int cmd_eval_util_id(struct shell *sh, const char *s, int64_t *id)
{
	const char *p = s[0] == '#' ? s + 1 : s;
	char *end = NULL;
	long long v;

	errno = 0;
	v = strtoll(p, &end, 10);
	if (p[0] < '0' || p[0] > '9' || *end != '\0' || errno != 0 || v <= 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, s);
		shell_errorf(sh,
		             T(sh, "`%s` is not an evaluation number (evaluation list shows them)",
		               "`%s` 不是评估编号（可用 evaluation list 查看）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	*id = v;
	return CMD_OK;
}

/* --since and --until, when given. */
int cmd_eval_util_days(struct shell *sh, struct args *a, int64_t *since, int64_t *until)
{
	int rc = CMD_OK;

	if (args_get(a, "since") != NULL)
		rc = cmd_util_parse_day(sh, "since", args_get(a, "since"), false, since);
	if (rc == CMD_OK && args_get(a, "until") != NULL)
		rc = cmd_util_parse_day(sh, "until", args_get(a, "until"), true, until);
	return rc;
}

char *cmd_eval_util_dup(const char *s)
{
	char *d = s != NULL ? strdup(s) : NULL;

	if (s != NULL && d == NULL)
		abort();
	return d;
}

void cmd_eval_util_indent(struct buf *out, const char *text)
{
	const char *p;

	buf_puts(out, "    ");
	for (p = text != NULL ? text : ""; *p != '\0'; p++) {
		if (*p == '\n') {
			buf_puts(out, "\n    ");
			continue;
		}
		buf_putc(out, *p);
	}
	buf_putc(out, '\n');
}

void cmd_eval_util_words(struct shell *sh, const struct complaint *c, struct buf *out)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, c->words);
	buf_printf(out, "  %s\n", T(sh, "The owner's words:", "业主原话："));
	cmd_eval_util_indent(out, buf_cstr(&w));
	buf_free(&w);
}

void cmd_eval_util_techniques(struct shell *sh, const struct complaint *c, struct buf *out)
{
	struct catalog *cat = cmd_util_catalog(sh);
	size_t i;

	buf_printf(out, "  %s ", T(sh, "Techniques used:", "使用的沟通方法："));
	if (c->ntechniques == 0)
		buf_puts(out, T(sh, "(none recorded)", "（未记录）"));
	for (i = 0; i < c->ntechniques; i++) {
		buf_printf(out, "%s%s (", i ? ", " : "", c->techniques[i]);
		shell_clean(out, cmd_util_technique_name(sh, cat, c->techniques[i]));
		buf_putc(out, ')');
	}
	buf_putc(out, '\n');
	catalog_unref(cat);
}

void cmd_eval_util_promises(struct shell *sh, const struct complaint *c, struct buf *out)
{
	int64_t now = store_now_ms();
	size_t i;

	buf_printf(out, "  %s", T(sh, "Promises:", "承诺："));
	if (c->npromises == 0)
		buf_printf(out, " %s", T(sh, "(none recorded)", "（未登记）"));
	buf_putc(out, '\n');
	for (i = 0; i < c->npromises; i++) {
		const struct promise *p = &c->promises[i];
		char due[32];

		cmd_util_time(p->due_ms, true, due, sizeof due);
		buf_printf(out, "    #%lld %s %s [%s] ", (long long)p->id, due, p->agent,
		           cmd_util_promise_state(sh, p->status, p->due_ms, now));
		shell_clean(out, p->what);
		buf_putc(out, '\n');
	}
}

void cmd_eval_util_history(struct shell *sh, const struct complaint *c, struct buf *out)
{
	size_t i =
	    c->nhistory > CMD_EVAL_UTIL_HISTORY_MAX ? c->nhistory - CMD_EVAL_UTIL_HISTORY_MAX : 0;

	buf_printf(out, "  %s\n", T(sh, "History:", "处理记录："));
	for (; i < c->nhistory; i++) {
		const struct complaint_event *e = &c->history[i];
		char ts[32];

		cmd_util_time(e->ts_ms, true, ts, sizeof ts);
		buf_printf(out, "    %s %s ", ts, e->account != NULL ? e->account : "-");
		shell_clean(out, e->action);
		if (e->detail != NULL) {
			buf_puts(out, ": ");
			shell_clean(out, e->detail);
		}
		buf_putc(out, '\n');
	}
}

void cmd_eval_util_context(struct shell *sh, const struct complaint *c, struct buf *out)
{
	buf_printf(out, "%s %s · %s %s · %s ", T(sh, "Complaint", "投诉"), c->number,
	           T(sh, "unit", "单元"), c->unit, T(sh, "agent", "客服"));
	shell_clean(out, c->agent);
	buf_printf(out, " · %s\n", cmd_util_status_label(sh, c->status));
	cmd_eval_util_words(sh, c, out);
	cmd_eval_util_techniques(sh, c, out);
	cmd_eval_util_promises(sh, c, out);
	cmd_eval_util_history(sh, c, out);
}

void cmd_eval_util_session(struct shell *sh, const char *id, const struct eval_session *s,
                           struct buf *out)
{
	char t0[32], t1[32], ts[32];
	size_t i;

	cmd_util_time(s->first_ms, true, t0, sizeof t0);
	cmd_util_time(s->last_ms, true, t1, sizeof t1);
	buf_printf(out, T(sh, "Session %s · agent ", "会话 %s · 客服 "), id);
	shell_clean(out, s->account != NULL ? s->account : "-");
	buf_printf(out, " (");
	shell_clean(out, s->role != NULL ? s->role : "-");
	buf_printf(out, ", ");
	shell_clean(out, s->transport != NULL ? s->transport : "-");
	if (s->peer != NULL) {
		buf_putc(out, ' ');
		shell_clean(out, s->peer);
	}
	buf_printf(out, T(sh, ") · %s to %s\n", ") · %s 至 %s\n"), t0, t1);
	buf_printf(out, T(sh, "Commands run: %lld\n", "执行的命令：%lld 条\n"),
	           (long long)s->commands_total);
	for (i = 0; i < s->ncommands; i++) {
		cmd_util_time(s->commands[i].ts_ms, true, ts, sizeof ts);
		buf_printf(out, "  %s  ", ts);
		shell_clean(out, s->commands[i].text != NULL ? s->commands[i].text : "");
		buf_putc(out, '\n');
	}
	if ((int64_t)s->ncommands < s->commands_total)
		buf_printf(out, T(sh, "  ... and %lld more\n", "  ……另有 %lld 条\n"),
		           (long long)(s->commands_total - (int64_t)s->ncommands));
	if (s->ncomplaints == 0) {
		buf_printf(out, "%s\n", T(sh, "Complaints touched: none", "处理的投诉：无"));
		return;
	}
	buf_printf(out, T(sh, "Complaints touched: %zu\n", "处理的投诉：%zu 条\n"), s->ncomplaints);
	for (i = 0; i < s->ncomplaints; i++) {
		buf_puts(out, "  ");
		shell_clean(out, s->complaints[i].number);
		buf_puts(out, "  ");
		shell_clean(out, s->complaints[i].actions != NULL ? s->complaints[i].actions : "");
		buf_putc(out, '\n');
	}
}
