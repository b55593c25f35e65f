/* cmd_monitor — live monitoring of the floor: sessions (alias who), who watches me, watch,
 * whisper, reply, broadcast, kick. Everything goes through the host's optional monitor
 * capability (host.h); a host without one has no live sessions. Scope: supervisors see every
 * session and act (watch, whisper, kick) on their own team's — accounts made with --team
 * NAME — or on every one when the site says so ([monitor] scope = all); admins on any. */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "shell_ack.h"
#include "shell_int.h"
#include "store_audit.h"
#include "table.h"
#include "xalloc.h"

#define CMD_MONITOR_TEXT_MAX 1000 /* bytes of a whisper, broadcast or reason */

/* One live session, copied out of the host's callback. */
struct cmd_monitor_row {
	char id[16];
	char *account, *display, *team, *transport, *peer, *doing, *watching;
	unsigned role;
	bool exec;
	int64_t login_ms, idle_ms, since_ms;
	int cols, rows;
	size_t watchers, queued;
};

/* The rows' strings live in blocks of their own that never move (a floor of 10,000 sessions
 * is one allocation per block, not eight per row). */
#define CMD_MONITOR_BLOCK ((size_t)64 << 10)

struct cmd_monitor_rows {
	struct cmd_monitor_row *v;
	size_t n, cap;
	char **blocks;          /* each CMD_MONITOR_BLOCK bytes, or one string's when longer */
	size_t nblocks, used;   /* bytes used of the last block */
};

/* A copy of s (NULL: "") in the rows' blocks. */
static char *cmd_monitor_rows_dup(struct cmd_monitor_rows *rows, const char *s)
{
	size_t len = s != NULL ? strlen(s) + 1 : 1;
	char *d;

	if (rows->nblocks == 0 || rows->used + len > CMD_MONITOR_BLOCK) {
		char **b = realloc(rows->blocks, (rows->nblocks + 1) * sizeof *b);

		if (b == NULL)
			abort();
		rows->blocks = b;
		b[rows->nblocks++] = xalloc_calloc(1, len > CMD_MONITOR_BLOCK ? len
										: CMD_MONITOR_BLOCK);
		rows->used = 0;
	}
	d = rows->blocks[rows->nblocks - 1] + rows->used;
	memcpy(d, s != NULL ? s : "", len);
	/* A string longer than a block has a block to itself: the next one starts anew. */
	rows->used = len > CMD_MONITOR_BLOCK ? CMD_MONITOR_BLOCK : rows->used + len;
	return d;
}

static void cmd_monitor_rows_add_cb(void *arg, const struct shell_session_info *si)
{
	struct cmd_monitor_rows *rows = arg;
	struct cmd_monitor_row *r;

	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 16;
		rows->v = realloc(rows->v, rows->cap * sizeof *rows->v);
		if (rows->v == NULL)
			abort();
	}
	r = &rows->v[rows->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->id, sizeof r->id, "%s", si->id);
	r->account = cmd_monitor_rows_dup(rows, si->account);
	r->display = cmd_monitor_rows_dup(rows, si->display);
	r->team = cmd_monitor_rows_dup(rows, si->team);
	r->transport = cmd_monitor_rows_dup(rows, si->transport);
	r->peer = cmd_monitor_rows_dup(rows, si->peer);
	r->doing = cmd_monitor_rows_dup(rows, si->doing);
	r->watching = cmd_monitor_rows_dup(rows, si->watching);
	r->role = si->role;
	r->exec = si->exec;
	r->login_ms = si->login_ms;
	r->idle_ms = si->idle_ms;
	r->since_ms = si->since_ms;
	r->cols = si->cols;
	r->rows = si->rows;
	r->watchers = si->watchers;
	r->queued = si->queued;
}

static void cmd_monitor_rows_free(struct cmd_monitor_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->nblocks; i++)
		free(rows->blocks[i]);
	free(rows->blocks);
	free(rows->v);
	memset(rows, 0, sizeof *rows);
}

static int cmd_monitor_row_cmp(const void *a, const void *b)
{
	const struct cmd_monitor_row *x = a, *y = b;

	if (x->login_ms != y->login_ms)
		return x->login_ms < y->login_ms ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The host's monitor, or NULL after saying this host has no live sessions. */
static const struct shell_monitor *cmd_monitor_host(struct shell *sh)
{
	if (sh->host.monitor == NULL)
		shell_errorf(sh, "%s",
			     T(sh, "this host has no live sessions (only the service has)",
			       "当前宿主没有在线会话（只有服务端有）"));
	return sh->host.monitor;
}

/* May this session act on (watch, whisper to, end) the session of r? */
static bool cmd_monitor_in_scope(struct shell *sh, const struct cmd_monitor_row *r)
{
	if (sh->user.role == ROLE_ADMIN)
		return true;
	if (sh->user.role != ROLE_SUPERVISOR)
		return false;
	if (r->team[0] != '\0' && strcmp(r->team, sh->user.name) == 0)
		return true;
	return sh->host.monitor->scope_has(sh->host.ctx, r->team);
}

static void cmd_monitor_out_of_scope(struct shell *sh, const struct cmd_monitor_row *r)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, r->account);
	shell_errorf(sh,
		     T(sh,
		       "%s is not in your team: supervisors act on their own team's sessions "
		       "(accounts made with --team %s) and the teams the site gives them; ask an "
		       "admin, or see [monitor] scope and teams.NAME",
		       "%s 不在您的班组：主管只能操作本班组（用 --team %s 建立的账号）及站点"
		       "另行授权班组的会话；请联系管理员，或参见 [monitor] scope 与 teams.NAME"),
		     buf_cstr(&w), sh->user.name);
	buf_free(&w);
}

/* The live sessions named by what: a session id, or every session of an account (its
 * terminal sessions when terminals is set). Returns how many (0: said so). */
static size_t cmd_monitor_find(struct shell *sh, const char *what, bool terminals,
			       struct cmd_monitor_rows *out)
{
	const struct shell_monitor *m = sh->host.monitor;
	struct cmd_monitor_rows all;
	size_t i;
	struct buf w;

	memset(out, 0, sizeof *out);
	if (m->get(sh->host.ctx, what, cmd_monitor_rows_add_cb, out) == 0)
		return out->n;
	memset(&all, 0, sizeof all);
	m->list(sh->host.ctx, cmd_monitor_rows_add_cb, &all);
	for (i = 0; i < all.n; i++) {
		struct cmd_monitor_row *r = &all.v[i];
		struct shell_session_info si;

		if (strcmp(r->account, what) != 0 || (terminals && r->exec))
			continue;
		memset(&si, 0, sizeof si);
		si.id = r->id;
		si.account = r->account;
		si.display = r->display;
		si.role = r->role;
		si.team = r->team;
		si.transport = r->transport;
		si.peer = r->peer;
		si.exec = r->exec;
		si.login_ms = r->login_ms;
		si.idle_ms = r->idle_ms;
		si.cols = r->cols;
		si.rows = r->rows;
		si.doing = r->doing;
		si.watching = r->watching;
		si.watchers = r->watchers;
		si.queued = r->queued;
		cmd_monitor_rows_add_cb(out, &si);
	}
	cmd_monitor_rows_free(&all);
	if (out->n == 0) {
		buf_init(&w);
		shell_clean(&w, what);
		shell_errorf(sh,
			     T(sh, "no live %ssession or account %s (see sessions)",
			       "没有在线的%s会话或账号 %s（参见 sessions）"),
			     terminals ? T(sh, "terminal ", "终端") : "", buf_cstr(&w));
		buf_free(&w);
	}
	return out->n;
}

/* The words of positional arguments from..npos joined with spaces, into out. */
static void cmd_monitor_join(const struct args *a, size_t from, struct buf *out)
{
	size_t i;

	for (i = from; i < a->npos; i++) {
		if (i > from)
			buf_putc(out, ' ');
		buf_puts(out, a->pos[i]);
	}
}

static bool cmd_monitor_text_ok(struct shell *sh, const char *what, const char *text)
{
	return cmd_util_text_ok(sh, what, text, CMD_MONITOR_TEXT_MAX) &&
	       shell_text_visible(sh, what, text, strlen(text));
}

/* --- sessions / who ---------------------------------------------------------------------- */

static void cmd_monitor_size(const struct cmd_monitor_row *r, char *out, size_t n)
{
	if (r->cols > 0 && r->rows > 0)
		snprintf(out, n, "%dx%d", r->cols, r->rows);
	else
		snprintf(out, n, "-");
}

static void cmd_monitor_json_row(struct json *j, const struct cmd_monitor_row *r, bool since)
{
	json_object_begin(j);
	json_kv_string(j, "session", r->id);
	json_kv_string(j, "account", r->account);
	json_kv_string(j, "display", r->display);
	json_kv_string(j, "role", role_name((enum role)r->role));
	json_kv_string(j, "team", r->team);
	json_kv_string(j, "transport", r->transport);
	json_kv_string(j, "peer", r->peer);
	json_kv_bool(j, "exec", r->exec);
	json_kv_int(j, "login_ms", r->login_ms);
	json_kv_int(j, "idle_ms", r->idle_ms);
	json_kv_int(j, "cols", r->cols);
	json_kv_int(j, "rows", r->rows);
	json_kv_string(j, "doing", r->doing);
	json_kv_string(j, "watching", r->watching);
	json_kv_int(j, "watchers", (int64_t)r->watchers);
	json_kv_int(j, "queued", (int64_t)r->queued);
	if (since)
		json_kv_int(j, "since_ms", r->since_ms);
	json_object_end(j);
}

static void cmd_monitor_duration(bool zh, int64_t ms, char *out, size_t len)
{
	double min = (double)ms / 60000.0;

	if (ms < 0)
		snprintf(out, len, "-");
	else if (ms < 60000)
		snprintf(out, len, zh ? "%lld 秒" : "%lld s", (long long)(ms / 1000));
	else if (min < 60)
		snprintf(out, len, zh ? "%.0f 分钟" : "%.0f min", min);
	else
		snprintf(out, len, zh ? "%.1f 小时" : "%.1f h", min / 60);
}

/* The rows sorted by login, as a table or JSON, in lang ("zh" or "en"). Pure (it runs on the
 * thread pool for a whole floor). */
static void cmd_monitor_render(const char *lang, struct cmd_monitor_rows *rows, bool json,
			       bool since, struct buf *out)
{
	bool zh = strcmp(lang, "zh") == 0;
	size_t i;

	qsort(rows->v, rows->n, sizeof *rows->v, cmd_monitor_row_cmp);
	if (json) {
		struct cmd_page pg;
		struct json j;

		/* Every live session, on one page: the shape every list has. */
		cmd_page_init(&pg, 0, rows->n > 0 ? rows->n : 1, rows->n, (int64_t)rows->n, true);
		json_init(&j, out);
		cmd_page_json_begin(&j, &pg);
		for (i = 0; i < rows->n; i++)
			cmd_monitor_json_row(&j, &rows->v[i], since);
		cmd_page_json_end(&j);
		buf_putc(out, '\n');
		return;
	}
	{
		static const char *const en[] = {"session", "account", "role", "via",  "peer",
						 "login",   "idle",    "size", "doing", "watchers"};
		static const char *const zhh[] = {"会话", "账号", "角色", "方式", "来源",
						  "登录", "空闲", "终端", "正在", "查看人数"};
		struct table *t = table_new(10, zh ? zhh : en);

		if (since) {
			static const char *const en2[] = {"session", "account", "role", "via",
							  "peer",    "since",   "idle", "size",
							  "doing",   "watchers"};
			static const char *const zh2[] = {"会话", "账号", "角色", "方式", "来源",
							  "开始", "空闲", "终端", "正在", "查看人数"};

			table_free(t);
			t = table_new(10, zh ? zh2 : en2);
		}
		table_set_max_width(t, 8, 40);
		for (i = 0; i < rows->n; i++) {
			const struct cmd_monitor_row *r = &rows->v[i];
			char login[32], idle[32], size[24], nw[16];
			const char *cells[10];

			cmd_util_time(since ? r->since_ms : r->login_ms, true, login, sizeof login);
			cmd_monitor_duration(zh, r->idle_ms, idle, sizeof idle);
			cmd_monitor_size(r, size, sizeof size);
			snprintf(nw, sizeof nw, "%zu", r->watchers);
			cells[0] = r->id;
			cells[1] = r->account;
			cells[2] = role_label((enum role)r->role, lang);
			cells[3] = r->exec ? "exec" : r->transport;
			cells[4] = r->peer;
			cells[5] = login;
			cells[6] = idle;
			cells[7] = size;
			cells[8] = r->doing[0] != '\0'     ? r->doing
				   : r->watching[0] != '\0' ? r->watching
				   : zh                     ? "（提示符）"
							    : "(prompt)";
			cells[9] = nw;
			table_add_row(t, cells);
		}
		table_render(t, out);
		table_free(t);
	}
}

/* sessions: the rows are copied on the loop (the live sessions are the loop's), sorted and
 * rendered on the thread pool (a floor of 10,000 is megabytes of text), printed on the loop. */
struct cmd_monitor_list {
	struct cmd_util_job job;
	struct cmd_monitor_rows rows;
	bool json;
	char lang[3];
	struct buf out;
};

static int cmd_monitor_list_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_monitor_list *l = (struct cmd_monitor_list *)job;

	(void)st;
	cmd_monitor_render(l->lang, &l->rows, l->json, false, &l->out);
	if (!l->json)
		buf_printf(&l->out, strcmp(l->lang, "zh") == 0 ? "共 %zu 个在线会话\n"
							   : "%zu live sessions\n",
			   l->rows.n);
	return 0;
}

static int cmd_monitor_list_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_monitor_list *l = (struct cmd_monitor_list *)job;

	(void)rc;
	shell_write(sh, 1, l->out.data, l->out.len);
	return CMD_OK;
}

static void cmd_monitor_list_free(struct cmd_util_job *job)
{
	struct cmd_monitor_list *l = (struct cmd_monitor_list *)job;

	cmd_monitor_rows_free(&l->rows);
	buf_free(&l->out);
	free(l);
}

static int cmd_monitor_sessions(struct shell *sh, struct args *a)
{
	const struct shell_monitor *m = cmd_monitor_host(sh);
	struct cmd_monitor_list *l;

	if (m == NULL)
		return CMD_ERROR;
	l = xalloc_calloc(1, sizeof *l);
	l->job.run = cmd_monitor_list_run;
	l->job.finish = cmd_monitor_list_finish;
	l->job.free = cmd_monitor_list_free;
	l->json = args_has(a, "json");
	snprintf(l->lang, sizeof l->lang, "%s", sh->lang);
	buf_init(&l->out);
	m->list(sh->host.ctx, cmd_monitor_rows_add_cb, &l->rows);
	return cmd_util_job(sh, &l->job, true);
}

static int cmd_monitor_who_watches(struct shell *sh, struct args *a)
{
	const struct shell_monitor *m;
	struct cmd_monitor_rows rows;
	struct buf out;
	bool json = args_has(a, "json");

	if (strcmp(a->pos[0], "me") != 0) {
		shell_errorf(sh, "%s%s", T(sh, "usage: ", "用法："), "who watches me [--json]");
		return CMD_USAGE;
	}
	m = cmd_monitor_host(sh);
	if (m == NULL)
		return CMD_ERROR;
	memset(&rows, 0, sizeof rows);
	m->watchers(sh->host.ctx, cmd_monitor_rows_add_cb, &rows);
	buf_init(&out);
	if (rows.n == 0 && !json) {
		buf_puts(&out, T(sh, "nobody is watching your session\n", "目前没有人在查看您的会话\n"));
	} else {
		cmd_monitor_render(sh->lang, &rows, json, true, &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	cmd_monitor_rows_free(&rows);
	return CMD_OK;
}

/* --- watch ------------------------------------------------------------------------------- */

static bool cmd_monitor_leave_key(char c)
{
	return c == 'q' || c == 'Q' || c == 0x03 /* Ctrl-C */ || c == 0x04 /* Ctrl-D */;
}

static void cmd_monitor_watch_stop(struct shell *sh, const char *why)
{
	shell_printf(sh, "\r\n\x1b[0m%s%s%s]\n", T(sh, "[stopped watching", "[已停止查看"),
		     why != NULL ? (shell_is_zh(sh) ? "：" : ": ") : "", why != NULL ? why : "");
	shell_cmd_done(sh, CMD_OK);
}

static void cmd_monitor_watch_keys(struct shell *sh, const char *buf, size_t len)
{
	size_t i;

	/* Read-only: every other key is dropped, never sent to the watched session. */
	for (i = 0; i < len; i++) {
		if (cmd_monitor_leave_key(buf[i])) {
			sh->host.monitor->unwatch(sh->host.ctx);
			cmd_monitor_watch_stop(sh, NULL);
			return;
		}
	}
}

static void cmd_monitor_watch_ended(struct shell *sh, const char *why)
{
	cmd_monitor_watch_stop(sh, why);
}

static int cmd_monitor_watch(struct shell *sh, struct args *a)
{
	const struct shell_monitor *m = cmd_monitor_host(sh);
	struct cmd_monitor_rows rows;
	struct cmd_monitor_row *r;
	struct buf w;
	int rc;

	if (m == NULL)
		return CMD_ERROR;
	if (cmd_monitor_find(sh, a->pos[0], true, &rows) == 0)
		return CMD_ERROR;
	if (rows.n > 1) {
		struct buf out;

		shell_errorf(sh, "%s",
			     T(sh, "that account has several sessions: watch one by its id",
			       "该账号有多个会话：请用会话编号指定一个"));
		buf_init(&out);
		cmd_monitor_render(sh->lang, &rows, false, false, &out);
		shell_write(sh, 1, out.data, out.len);
		buf_free(&out);
		cmd_monitor_rows_free(&rows);
		return CMD_USAGE;
	}
	r = &rows.v[0];
	if (!cmd_monitor_in_scope(sh, r)) {
		cmd_monitor_out_of_scope(sh, r);
		cmd_monitor_rows_free(&rows);
		return CMD_DENIED;
	}
	buf_init(&w);
	shell_clean(&w, r->account);
	/* The header first: the recent screen (scrollback) and the live output follow it, on
	 * the watcher's channel straight from the monitor, so the header must not wait for the
	 * disk behind the command's audit event. */
	shell_ack_now(sh);
	shell_printf(sh,
		     T(sh,
		       "\x1b[2J\x1b[H[watching %s of %s (%dx%d), read-only: press q to stop]\n",
		       "\x1b[2J\x1b[H[正在查看 %s 的会话 %s（%dx%d），只读：按 q 退出]\n"),
		     shell_is_zh(sh) ? buf_cstr(&w) : r->id, shell_is_zh(sh) ? r->id : buf_cstr(&w),
		     r->cols, r->rows);
	buf_free(&w);
	rc = m->watch(sh->host.ctx, r->id);
	cmd_monitor_rows_free(&rows);
	if (rc < 0) {
		shell_errorf(sh, "%s",
			     rc == SHELL_MONITOR_ESELF    ? T(sh, "you cannot watch your own session",
							      "不能查看自己的会话")
			     : rc == SHELL_MONITOR_ENOTTY ? T(sh, "that session runs one command "
								 "without a terminal: nothing to watch",
							      "该会话是无终端的单条命令，无法查看")
			     : rc == SHELL_MONITOR_EBUSY  ? T(sh, "you are watching a session already",
							      "您已经在查看一个会话")
			     : rc == SHELL_MONITOR_EPERM  ? T(sh, "that session is out of your scope",
							      "该会话不在您的权限范围内")
							  : T(sh, "that session has just ended",
							      "该会话刚刚结束"));
		return CMD_ERROR;
	}
	return shell_take_keys(sh, cmd_monitor_watch_keys, cmd_monitor_watch_ended);
}

/* --- whisper, reply, broadcast ------------------------------------------------------------ */

static int cmd_monitor_whisper(struct shell *sh, struct args *a)
{
	const struct shell_monitor *m = cmd_monitor_host(sh);
	struct cmd_monitor_rows rows;
	struct buf text;
	size_t i, sent = 0;
	int rc = CMD_OK;

	if (m == NULL)
		return CMD_ERROR;
	buf_init(&text);
	cmd_monitor_join(a, 1, &text);
	if (!cmd_monitor_text_ok(sh, T(sh, "the whisper", "悄悄话"), buf_cstr(&text))) {
		buf_free(&text);
		return CMD_USAGE;
	}
	if (cmd_monitor_find(sh, a->pos[0], true, &rows) == 0) {
		buf_free(&text);
		return CMD_ERROR;
	}
	for (i = 0; i < rows.n; i++) {
		if (!cmd_monitor_in_scope(sh, &rows.v[i])) {
			cmd_monitor_out_of_scope(sh, &rows.v[i]);
			rc = CMD_DENIED;
			break;
		}
	}
	for (i = 0; rc == CMD_OK && i < rows.n; i++)
		if (m->whisper(sh->host.ctx, rows.v[i].id, buf_cstr(&text)) == 0)
			sent++;
	if (rc == CMD_OK)
		shell_printf(sh, T(sh, "whispered to %zu session(s)\n", "已发送给 %zu 个会话\n"),
			     sent);
	cmd_monitor_rows_free(&rows);
	buf_free(&text);
	return rc;
}

static int cmd_monitor_reply(struct shell *sh, struct args *a)
{
	const struct shell_monitor *m = cmd_monitor_host(sh);
	struct buf text;
	char id[16];
	int rc;

	if (m == NULL)
		return CMD_ERROR;
	if (!m->whisperer(sh->host.ctx, id, sizeof id)) {
		shell_errorf(sh, "%s", T(sh, "nobody has whispered to you", "还没有人给您发悄悄话"));
		return CMD_ERROR;
	}
	buf_init(&text);
	cmd_monitor_join(a, 0, &text);
	if (!cmd_monitor_text_ok(sh, T(sh, "the reply", "回复"), buf_cstr(&text))) {
		buf_free(&text);
		return CMD_USAGE;
	}
	rc = m->whisper(sh->host.ctx, id, buf_cstr(&text));
	buf_free(&text);
	if (rc < 0) {
		shell_errorf(sh, "%s",
			     T(sh, "the one who whispered to you has logged out",
			       "给您发悄悄话的人已经退出"));
		return CMD_ERROR;
	}
	shell_printf(sh, "%s\n", T(sh, "replied", "已回复"));
	return CMD_OK;
}

static int cmd_monitor_broadcast(struct shell *sh, struct args *a)
{
	const struct shell_monitor *m = cmd_monitor_host(sh);
	struct cmd_monitor_rows rows;
	struct buf text;
	size_t i, sent = 0;

	if (m == NULL)
		return CMD_ERROR;
	buf_init(&text);
	cmd_monitor_join(a, 0, &text);
	if (!cmd_monitor_text_ok(sh, T(sh, "the broadcast", "广播"), buf_cstr(&text))) {
		buf_free(&text);
		return CMD_USAGE;
	}
	memset(&rows, 0, sizeof rows);
	m->list(sh->host.ctx, cmd_monitor_rows_add_cb, &rows);
	for (i = 0; i < rows.n; i++) {
		if (rows.v[i].exec || strcmp(rows.v[i].id, sh->opts.session_id) == 0)
			continue;
		if (m->notice(sh->host.ctx, rows.v[i].id, buf_cstr(&text)) == 0)
			sent++;
	}
	shell_printf(sh, T(sh, "broadcast to %zu session(s)\n", "已广播给 %zu 个会话\n"), sent);
	cmd_monitor_rows_free(&rows);
	buf_free(&text);
	return CMD_OK;
}

/* --- kick -------------------------------------------------------------------------------- */

/* Ends the live session r (audited before it takes effect: a kick that cannot be recorded
 * does not happen). 0, or an exit status after saying why. */
static int cmd_monitor_kick_one(struct shell *sh, const struct cmd_monitor_row *r,
				const char *reason)
{
	const struct shell_monitor *m = sh->host.monitor;
	struct audit_ctx ctx;
	struct buf detail, w;
	int rc;

	buf_init(&detail);
	buf_printf(&detail, "ended the session of %s: %s", r->account, reason);
	shell_audit_ctx(sh, &ctx);
	rc = store_audit(sh->host.store, &ctx, "session.kick", r->id, buf_cstr(&detail));
	buf_free(&detail);
	if (rc < 0)
		return shell_store_error(sh, rc);
	rc = m->kick(sh->host.ctx, r->id, reason);
	if (rc == SHELL_MONITOR_EPERM) {
		cmd_monitor_out_of_scope(sh, r);
		return CMD_DENIED;
	}
	buf_init(&w);
	shell_clean(&w, r->account);
	if (rc < 0)
		shell_printf(sh, T(sh, "session %s of %s had ended already\n",
				   "%s 的会话 %s 已经结束\n"),
			     shell_is_zh(sh) ? buf_cstr(&w) : r->id,
			     shell_is_zh(sh) ? r->id : buf_cstr(&w));
	else
		shell_printf(sh, T(sh, "session %s of %s ended\n", "已结束 %s 的会话 %s\n"),
			     shell_is_zh(sh) ? buf_cstr(&w) : r->id,
			     shell_is_zh(sh) ? r->id : buf_cstr(&w));
	buf_free(&w);
	return rc < 0 ? CMD_ERROR : CMD_OK;
}

/* kick SESSION|ACCOUNT --reason TEXT: a session, or every live session of an account (its
 * exec commands too), all in scope or none; the caller's own session is never one of them. */
static int cmd_monitor_kick(struct shell *sh, struct args *a)
{
	const struct shell_monitor *m = cmd_monitor_host(sh);
	struct cmd_monitor_rows rows;
	const char *reason = args_get(a, "reason");
	size_t i, ended = 0, own = 0;
	int rc = CMD_OK;

	if (m == NULL)
		return CMD_ERROR;
	if (!cmd_monitor_text_ok(sh, "--reason", reason))
		return CMD_USAGE;
	if (cmd_monitor_find(sh, a->pos[0], false, &rows) == 0)
		return CMD_ERROR;
	for (i = 0; i < rows.n; i++) {
		if (strcmp(rows.v[i].id, sh->opts.session_id) == 0) {
			own++;
			continue;
		}
		if (!cmd_monitor_in_scope(sh, &rows.v[i])) {
			cmd_monitor_out_of_scope(sh, &rows.v[i]);
			cmd_monitor_rows_free(&rows);
			return CMD_DENIED;
		}
	}
	if (own == rows.n) {
		shell_errorf(sh, "%s", T(sh, "that is your own session: use quit",
					 "这是您自己的会话：请用 quit"));
		cmd_monitor_rows_free(&rows);
		return CMD_USAGE;
	}
	qsort(rows.v, rows.n, sizeof *rows.v, cmd_monitor_row_cmp);
	for (i = 0; i < rows.n; i++) {
		int one;

		if (strcmp(rows.v[i].id, sh->opts.session_id) == 0)
			continue;
		one = cmd_monitor_kick_one(sh, &rows.v[i], reason);
		if (one == CMD_OK)
			ended++;
		else if (one != CMD_ERROR || rc == CMD_OK)
			rc = one;
		if (one != CMD_OK && one != CMD_ERROR)
			break; /* the audit failed, or the host refused: nothing more */
	}
	if (rows.n - own > 1)
		shell_printf(sh, T(sh, "%zu of %zu session(s) ended\n", "已结束 %zu 个会话（共 %zu 个）\n"),
			     ended, rows.n - own);
	if (own > 0)
		shell_printf(sh, "%s\n", T(sh, "(your own session is left alone: use quit)",
					   "（您自己的会话不受影响：请用 quit）"));
	cmd_monitor_rows_free(&rows);
	return ended > 0 && rc == CMD_ERROR ? CMD_OK : rc;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct cmd_entry cmd_monitor_entries[] = {
    {NULL, "sessions", ROLES_SUPERVISOR, cmd_opts_json, 0, 0, "sessions [--json]",
     "Every live session: id, account, role, transport, peer, login time, idle time, "
     "terminal size, what it is doing now and how many watch it.",
     "所有在线会话：编号、账号、角色、连接方式、来源、登录时间、空闲时间、终端大小、"
     "正在做什么、有几人在查看。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_monitor_sessions, 0},
    {NULL, "who", ROLES_SUPERVISOR, cmd_opts_json, 0, 0, "who [--json]",
     "The same as sessions: who is on, and what each is doing.",
     "同 sessions：谁在线，各自在做什么。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_monitor_sessions, 0},
    {"who", "watches", ROLES_ALL, cmd_opts_json, 1, 1, "who watches me [--json]",
     "Who is watching your session now, and since when.",
     "现在有谁在查看您的会话，从何时开始。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_monitor_who_watches, 0},
    {NULL, "watch", ROLES_SUPERVISOR, NULL, 1, 1, "watch SESSION|ACCOUNT",
     "Watch a session live, read-only, starting with its recent screen; q leaves. The agent "
     "is told (unless the site's policy says otherwise) and the watch is audited.",
     "实时只读查看一个会话（先显示最近的屏幕内容），按 q 退出。对方会收到提示"
     "（除非站点策略设为静默），查看过程记入审计。",
     CMD_AUDIT | CMD_INTERACTIVE, NULL, cmd_monitor_watch, 0},
    {NULL, "whisper", ROLES_SUPERVISOR, NULL, 2, ARGS_MAX_WORDS, "whisper ACCOUNT|SESSION TEXT",
     "Send a private message that appears above the agent's prompt, keeping the line being "
     "typed; the agent may answer with reply.",
     "发送悄悄话：显示在对方提示符上方，不打乱对方正在输入的内容；对方可用 reply 回复。",
     CMD_AUDIT, NULL, cmd_monitor_whisper, 0},
    {NULL, "reply", ROLES_ALL, NULL, 1, ARGS_MAX_WORDS, "reply TEXT",
     "Answer the last whisper you received.", "回复您收到的最后一条悄悄话。", CMD_AUDIT, NULL,
     cmd_monitor_reply, 0},
    {NULL, "broadcast", ROLES_SUPERVISOR, NULL, 1, ARGS_MAX_WORDS, "broadcast TEXT",
     "Show a notice to every live terminal session.", "向所有在线终端会话显示一条通知。",
     CMD_AUDIT, NULL, cmd_monitor_broadcast, 0},
    {NULL, "kick", ROLES_SUPERVISOR, cmd_opts_reason, 1, 1,
     "kick SESSION|ACCOUNT --reason TEXT",
     "End a session, or every live session of an account, at once: the agent is shown the "
     "reason, then disconnected; each is audited.",
     "立即结束一个会话，或某账号的全部在线会话：先向对方显示原因，然后断开；逐一记入审计。",
     CMD_AUDIT, NULL,
     cmd_monitor_kick, 0},
};

const struct cmd_group cmd_monitor_group = {
    cmd_monitor_entries, sizeof cmd_monitor_entries / sizeof cmd_monitor_entries[0],
    "Watching the floor", "现场监控"};
