/* cmd_promise — the promise ledger ("说到就要做到"): promise add (to an existing complaint),
 * list, done, withdraw, and the overdue promises shown to their agent right after login. */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_complaint.h"
#include "table.h"
#include "utf8.h"

#define CMD_PROMISE_LIST_MAX 1000
#define CMD_PROMISE_NOTICE_MAX 20 /* overdue promises listed at login */

/* "12" or "#12" (or their full-width forms); prints the error. */
static int cmd_promise_id(struct shell *sh, const char *s, int64_t *id)
{
	struct buf folded;
	const char *p;
	char *end = NULL;
	long long v;
	bool bad;

	/* ＃１２ (a Chinese input method's full-width forms) is #12. */
	buf_init(&folded);
	utf8_fold_width(&folded, s, strlen(s));
	p = folded.data[0] == '#' ? folded.data + 1 : folded.data;
	errno = 0;
	v = strtoll(p, &end, 10);
	bad = p[0] < '0' || p[0] > '9' || *end != '\0' || errno != 0 || v <= 0;
	buf_free(&folded);
	if (bad) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, s);
		shell_errorf(sh,
		             T(sh,
		               "`%s` is not a promise number (like 12 or #12: promise list shows "
		               "them)",
		               "`%s` 不是承诺编号（形如 12 或 #12，可用 promise list 查看）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	*id = v;
	return CMD_OK;
}

/* Appends the promises as a table (with the overdue ones marked) to out. */
static void cmd_promise_table(struct shell *sh, const struct promise *list, size_t n,
                              struct buf *out)
{
	const char *hdr_en[] = {"ID", "DUE", "STATUS", "AGENT", "COMPLAINT", "UNIT", "PROMISE"};
	const char *hdr_zh[] = {"编号", "期限", "状态", "客服", "投诉", "单元", "承诺内容"};
	struct table *t = table_new(7, shell_is_zh(sh) ? hdr_zh : hdr_en);
	int64_t now = store_now_ms();
	size_t i;

	table_set_max_width(t, 5, 16);
	table_set_max_width(t, 6, 30);
	for (i = 0; i < n; i++) {
		const struct promise *p = &list[i];
		char id[24], due[32];
		const char *cells[7];

		snprintf(id, sizeof id, "#%lld", (long long)p->id);
		cmd_util_time(p->due_ms, true, due, sizeof due);
		cells[0] = id;
		cells[1] = due;
		cells[2] = cmd_util_promise_state(sh, p->status, p->due_ms, now);
		cells[3] = p->agent;
		cells[4] = p->number;
		cells[5] = p->unit;
		cells[6] = p->what;
		table_add_row(t, cells);
	}
	table_render_fit(t, cmd_page_width(sh), out);
	table_free(t);
}

static void cmd_promise_json(const struct promise *list, const struct cmd_page *pg, int64_t now,
                             struct buf *out)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	cmd_page_json_begin(&j, pg);
	for (i = 0; i < pg->n; i++) {
		const struct promise *p = &list[i];

		json_object_begin(&j);
		json_kv_int(&j, "id", p->id);
		json_kv_string(&j, "number", p->number);
		json_kv_string(&j, "unit", p->unit);
		json_kv_string(&j, "agent", p->agent);
		json_kv_string(&j, "what", p->what);
		json_kv_int(&j, "due_ms", p->due_ms);
		json_kv_string(&j, "status", store_promise_status_name(p->status));
		json_kv_bool(&j, "overdue", p->status == PROMISE_OPEN && p->due_ms < now);
		json_kv_int(&j, "created_ms", p->created_ms);
		json_kv_int(&j, "closed_ms", p->closed_ms);
		json_kv_string(&j, "note", p->note);
		json_object_end(&j);
	}
	cmd_page_json_end(&j);
	buf_putc(out, '\n');
}

/* promise list: a job for the thread pool (with --closed it sorts every promise of the
 * account, which grows with the desk). */
struct cmd_promise_lister {
	struct cmd_util_job job;
	struct promise_filter f;
	char *agent;
	bool json;
	struct promise *list;
	size_t n;     /* rows read: the page and one more when more follow */
	size_t limit; /* of the page (--limit; 0: the default) */
};

static int cmd_promise_list_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_promise_lister *l = (struct cmd_promise_lister *)job;

	return store_promise_list(st, &l->f, &l->list, &l->n);
}

static int cmd_promise_list_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_promise_lister *l = (struct cmd_promise_lister *)job;
	struct cmd_page pg;
	struct buf out;

	if (rc < 0)
		return shell_store_error(sh, rc);
	/* Not counted (with --closed that would sort every promise): "more" from one row past. */
	cmd_page_init(&pg, l->f.offset, l->limit, l->n, -1, false);
	buf_init(&out);
	if (l->json)
		cmd_promise_json(l->list, &pg, store_now_ms(), &out);
	else if (l->n == 0)
		buf_printf(&out, "%s\n",
		           l->f.offset > 0       ? T(sh, "No more promises.", "没有更多承诺。")
		           : l->f.overdue_only ? T(sh, "No overdue promises.", "没有逾期的承诺。")
		                               : T(sh, "No promises.", "没有承诺。"));
	else {
		cmd_promise_table(sh, l->list, pg.n, &out);
		cmd_page_more(sh, &pg, &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_promise_list_free(struct cmd_util_job *job)
{
	struct cmd_promise_lister *l = (struct cmd_promise_lister *)job;

	store_promise_list_free(l->list, l->n);
	free(l->agent);
	free(l);
}

static int cmd_promise_list(struct shell *sh, struct args *a)
{
	struct cmd_promise_lister *l;
	struct promise_filter f;
	const char *agent = args_get(a, "agent");
	size_t limit, offset;
	int rc;

	memset(&f, 0, sizeof f);
	if (agent != NULL && args_has(a, "all")) {
		shell_errorf(
		    sh, "%s",
		    T(sh, "--agent and --all exclude each other", "--agent 和 --all 不能同时使用"));
		return CMD_USAGE;
	}
	if (agent != NULL && !cmd_util_desk_account(sh, "--agent ", agent))
		return CMD_USAGE;
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_PROMISE_LIST_MAX,
	                               &limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), 1000000, &offset);
	if (rc != CMD_OK)
		return rc;
	/* Default: my own open promises. */
	f.agent = args_has(a, "all") ? NULL : agent != NULL ? agent : sh->user.name;
	f.overdue_only = args_has(a, "overdue");
	f.open_only = !args_has(a, "closed");
	f.limit = cmd_page_fetch(limit);
	f.offset = offset;
	l = calloc(1, sizeof *l);
	if (l == NULL)
		abort();
	l->job.run = cmd_promise_list_run;
	l->job.finish = cmd_promise_list_finish;
	l->job.free = cmd_promise_list_free;
	l->json = args_has(a, "json");
	l->limit = limit;
	l->f = f;
	if (f.agent != NULL) {
		l->agent = strdup(f.agent); /* the pool thread reads it after this call */
		if (l->agent == NULL)
			abort();
		l->f.agent = l->agent;
	}
	/* Bounded by the page where no workers exist (the console, tests). */
	return cmd_util_job(sh, &l->job, true);
}

/* Reports the error of closing promise id. */
static int cmd_promise_error(struct shell *sh, int64_t id, int rc)
{
	struct promise p;

	if (rc == STORE_ENOENT) {
		shell_errorf(sh,
		             T(sh, "no promise #%lld (promise list shows them)",
		               "没有编号为 #%lld 的承诺（可用 promise list 查看）"),
		             (long long)id);
		return CMD_ERROR;
	}
	if (rc == STORE_EOWNER) {
		memset(&p, 0, sizeof p);
		if (store_promise_get(sh->host.store, id, &p) == 0)
			rc = cmd_util_not_yours(sh, p.number, id, p.agent, false);
		else
			rc = shell_store_error(sh, rc);
		store_promise_clear(&p);
		return rc;
	}
	if (rc == STORE_ESTATE) {
		memset(&p, 0, sizeof p);
		if (store_promise_get(sh->host.store, id, &p) == 0)
			shell_errorf(
			    sh, T(sh, "promise #%lld is already %s", "承诺 #%lld 已经是%s状态"),
			    (long long)id, cmd_util_promise_label(sh, p.status));
		else
			shell_store_error(sh, rc);
		store_promise_clear(&p);
		return CMD_ERROR;
	}
	return shell_store_error(sh, rc);
}

/* A text option (note, reason, what is promised): at most COMPLAINT_TEXT_MAX bytes of UTF-8
 * with something in it, and no control characters but tab and newline (what the store
 * accepts), saying which character is refused. */
static bool cmd_promise_text_ok(struct shell *sh, const char *opt, const char *text)
{
	char what[32];

	snprintf(what, sizeof what, "--%s", opt);
	return cmd_util_text_ok(sh, what, text, COMPLAINT_TEXT_MAX);
}

/* The complaint of promise add, by its number as typed ("c-20261126-0042" is accepted):
 * loaded into c (cleared by the caller), or the error printed. */
static int cmd_promise_complaint(struct shell *sh, const char *typed, struct complaint *c)
{
	char number[COMPLAINT_NUMBER_MAX];
	size_t i;
	int rc = STORE_ENOENT;

	memset(c, 0, sizeof *c);
	if (strlen(typed) < COMPLAINT_NUMBER_MAX) {
		for (i = 0; typed[i] != '\0'; i++)
			number[i] = typed[i] >= 'a' && typed[i] <= 'z'
			                ? (char)(typed[i] - 'a' + 'A')
			                : typed[i];
		number[i] = '\0';
		rc = store_complaint_get(sh->host.store, number, c, false);
	}
	if (rc == 0)
		return CMD_OK;
	if (rc == STORE_ENOENT || rc == STORE_EINVAL) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, typed);
		shell_errorf(
		    sh,
		    T(sh,
		      "no complaint `%s` (numbers look like C-20261126-0042; complaint "
		      "list shows them)",
		      "没有投诉 `%s`（编号形如 C-20261126-0042，可用 complaint list 查看）"),
		    buf_cstr(&w));
		buf_free(&w);
		return CMD_ERROR;
	}
	return shell_store_error(sh, rc);
}

static int cmd_promise_resolved(struct shell *sh, const char *number)
{
	shell_errorf(sh,
	             T(sh,
	               "complaint %s is resolved: a new promise needs it reopened first "
	               "(complaint reopen %s --reason TEXT)",
	               "投诉 %s 已解决：要作出新的承诺，请先重开（complaint reopen %s --reason "
	               "原因）"),
	             number, number);
	return CMD_ERROR;
}

static int cmd_promise_add(struct shell *sh, struct args *a)
{
	const char *text = args_get(a, "text"), *due = args_get(a, "due");
	struct promise_new p;
	struct audit_ctx ctx;
	struct complaint c;
	char when[32];
	int64_t id = 0;
	int rc;

	rc = cmd_promise_complaint(sh, a->pos[0], &c);
	if (rc != CMD_OK)
		goto out;
	if (c.status == COMPLAINT_RESOLVED) {
		rc = cmd_promise_resolved(sh, c.number);
		goto out;
	}
	if (!cmd_promise_text_ok(sh, "text", text)) {
		rc = CMD_USAGE;
		goto out;
	}
	memset(&p, 0, sizeof p);
	rc = cmd_util_parse_due(sh, "due", due, &p.due_ms);
	if (rc != CMD_OK)
		goto out;
	/* A promise made now is for the future (old paperwork comes with complaint add). */
	if (p.due_ms < store_now_ms()) {
		shell_errorf(sh, "%s",
		             T(sh, "--due is in the past: a promise must be for the future",
		               "--due 已经过去：承诺的期限必须在将来"));
		rc = CMD_USAGE;
		goto out;
	}
	p.what = text;
	shell_audit_ctx(sh, &ctx);
	rc = store_promise_add(sh->host.store, &ctx, c.number, &p, &id);
	if (rc == STORE_ENOENT) {
		/* Gone meanwhile: said as for a number never taken. */
		store_complaint_clear(&c);
		rc = cmd_promise_complaint(sh, a->pos[0], &c);
		goto out;
	}
	if (rc == STORE_ESTATE) {
		rc = cmd_promise_resolved(sh, c.number);
		goto out;
	}
	if (rc == STORE_EOWNER) {
		rc = cmd_util_not_yours(sh, c.number, 0, NULL, false);
		goto out;
	}
	if (rc < 0) {
		rc = shell_store_error(sh, rc);
		goto out;
	}
	if (args_has(a, "json")) {
		struct buf out;
		struct json j;

		buf_init(&out);
		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_int(&j, "id", id);
		json_kv_string(&j, "number", c.number);
		json_kv_int(&j, "due_ms", p.due_ms);
		json_object_end(&j);
		buf_putc(&out, '\n');
		shell_write(sh, 1, out.data, out.len);
		buf_free(&out);
	} else {
		cmd_util_time(p.due_ms, true, when, sizeof when);
		shell_printf(sh,
		             T(sh, "Promise #%lld added to %s, due %s (说到就要做到).\n",
		               "已添加承诺 #%lld（投诉 %s），期限 %s（说到就要做到）。\n"),
		             (long long)id, c.number, when);
	}
	rc = CMD_OK;
out:
	store_complaint_clear(&c);
	return rc;
}

/* "Promise #12 (C-...) kept." and how many are still open on that complaint. */
static void cmd_promise_closed(struct shell *sh, int64_t id, const char *what)
{
	struct promise p;
	struct complaint c;

	memset(&p, 0, sizeof p);
	memset(&c, 0, sizeof c);
	if (store_promise_get(sh->host.store, id, &p) == 0 &&
	    store_complaint_get(sh->host.store, p.number, &c, false) == 0)
		shell_printf(sh,
		             T(sh, "Promise #%lld (%s) %s; %d still open on that complaint.\n",
		               "承诺 #%lld（%s）%s；该投诉还有 %d 条未兑现的承诺。\n"),
		             (long long)id, p.number, what, c.open_promises);
	store_promise_clear(&p);
	store_complaint_clear(&c);
}

static int cmd_promise_done(struct shell *sh, struct args *a)
{
	const char *note = args_get(a, "note");
	struct audit_ctx ctx;
	int64_t id;
	int rc;

	rc = cmd_promise_id(sh, a->pos[0], &id);
	if (rc != CMD_OK)
		return rc;
	if (note != NULL && !cmd_promise_text_ok(sh, "note", note))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_promise_done(sh->host.store, &ctx, id, note);
	if (rc < 0)
		return cmd_promise_error(sh, id, rc);
	cmd_promise_closed(sh, id, T(sh, "kept", "已兑现"));
	return CMD_OK;
}

static int cmd_promise_withdraw(struct shell *sh, struct args *a)
{
	const char *reason = args_get(a, "reason");
	struct audit_ctx ctx;
	int64_t id;
	int rc;

	rc = cmd_promise_id(sh, a->pos[0], &id);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_promise_text_ok(sh, "reason", reason))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_promise_withdraw(sh->host.store, &ctx, id, reason);
	if (rc < 0)
		return cmd_promise_error(sh, id, rc);
	cmd_promise_closed(sh, id, T(sh, "withdrawn", "已撤回"));
	return CMD_OK;
}

int cmd_promise_login_notice(struct shell *sh)
{
	struct promise_filter f;
	struct promise *list = NULL;
	struct buf out;
	size_t n = 0;

	memset(&f, 0, sizeof f);
	f.agent = sh->user.name;
	f.open_only = true;
	f.overdue_only = true;
	f.limit = CMD_PROMISE_NOTICE_MAX;
	if (store_promise_list(sh->host.store, &f, &list, &n) < 0 || n == 0) {
		store_promise_list_free(list, n);
		return CMD_OK;
	}
	buf_init(&out);
	buf_printf(&out,
	           T(sh, "\n*** You have %zu%s overdue promise%s (说到就要做到): ***\n",
	             "\n*** 你有 %zu%s 条承诺已逾期（说到就要做到）%s： ***\n"),
	           n, n == CMD_PROMISE_NOTICE_MAX ? "+" : "",
	           shell_is_zh(sh) ? ""
	           : n == 1        ? ""
	                           : "s");
	cmd_promise_table(sh, list, n, &out);
	buf_puts(&out,
	         T(sh,
	           "Keep them (promise done ID) or withdraw them with a reason (promise "
	           "withdraw ID --reason TEXT).\n\n",
	           "请兑现（promise done 编号）或说明原因撤回（promise withdraw 编号 --reason "
	           "原因）。\n\n"));
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_promise_list_free(list, n);
	return CMD_OK;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_promise_list[] = {
    {"overdue", 0},        {"agent", ARGS_VALUE}, {"all", 0}, {"closed", 0},
    {"limit", ARGS_VALUE}, {"offset", ARGS_VALUE}, {"json", 0}, {NULL, 0},
};

static const struct args_opt cmd_opts_promise_add[] = {
    {"due", ARGS_VALUE | ARGS_REQUIRED},
    {"text", ARGS_VALUE | ARGS_REQUIRED},
    {"json", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_promise_done[] = {
    {"note", ARGS_VALUE},
    {NULL, 0},
};

static const struct cmd_entry cmd_promise_entries[] = {
    {"promise", "add", ROLES_DESK, cmd_opts_promise_add, 1, 1,
     "promise add NUMBER --due YYYY-MM-DD[ HH:MM] --text TEXT [--json]",
     "Make a new promise on a complaint that is not resolved: what you promised the owner and "
     "by when (a date alone means the end of that day; the due time must be in the future).",
     "为未解决的投诉新增一条承诺：向业主承诺的内容和期限（只写日期表示当天结束前；期限必须在将来）"
     "。",
     CMD_AUDIT, NULL, cmd_promise_add, 0},
    {"promise", "list", ROLES_DESK, cmd_opts_promise_list, 0, 0,
     "promise list [--overdue] [--agent A | --all] [--closed] [--limit N] [--offset N] [--json]",
     "List promises, most urgent first: your own open ones unless --agent or --all; "
     "--closed includes kept and withdrawn ones.",
     "按紧急程度列出承诺：默认是自己未兑现的承诺；--agent / --all 查看他人或全部；--closed "
     "包括已兑现"
     "和已撤回的。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_promise_list, 0},
    {"promise", "done", ROLES_DESK, cmd_opts_promise_done, 1, 1, "promise done ID [--note TEXT]",
     "Mark a promise kept (说到就要做到): by who made it, the complaint's holder, or a "
     "supervisor.",
     "标记承诺已兑现（说到就要做到）：由作出承诺的人、投诉负责人或主管标记。", CMD_AUDIT, NULL,
     cmd_promise_done, 0},
    {"promise", "withdraw", ROLES_DESK, cmd_opts_reason, 1, 1, "promise withdraw ID --reason TEXT",
     "Withdraw a promise, saying why: by who made it, the complaint's holder, or a supervisor.",
     "撤回一条承诺，并说明原因：由作出承诺的人、投诉负责人或主管撤回。", CMD_AUDIT, NULL,
     cmd_promise_withdraw, 0},
};

const struct cmd_group cmd_promise_group = {cmd_promise_entries, sizeof cmd_promise_entries / sizeof cmd_promise_entries[0],
                                           "Promises", "承诺"};
