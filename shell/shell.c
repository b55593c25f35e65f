/* shell — the session's state machine: line editing, exec mode, prompts, async password work,
 * output in the right stream with the right line endings. */
#include "shell_int.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "shell_ack.h"
#include "shell_flow.h"
#include "lineedit.h"
#include "xalloc.h"
#include "utf8.h"

#define SHELL_DEFAULT_MAX_LINE 4096
#define SHELL_DEFAULT_MAX_STDIN (1024 * 1024)
#define SHELL_HISTORY 200
#define SHELL_QUEUE_MIN 16384
/* Exec stdin of a command that reads at most this much is given all its room at once. */
#define SHELL_STDIN_WHOLE ((size_t)64 << 10 | 1)

static void shell_free_secret(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

bool shell_is_zh(const struct shell *sh)
{
	return strcmp(sh->lang, "zh") == 0;
}

const char *shell_lang(const struct shell *sh)
{
	return sh->lang;
}

void shell_set_lang(struct shell *sh, const char *lang)
{
	strcpy(sh->lang, lang != NULL && strcmp(lang, "en") == 0 ? "en" : "zh");
}

const char *shell_last_command(const struct shell *sh)
{
	return sh->last_cmd[0] != '\0' ? sh->last_cmd : NULL;
}

void shell_activity(const struct shell *sh, char *out, size_t n)
{
	if (n == 0)
		return;
	if (!sh->running || sh->cmd == NULL)
		snprintf(out, n, "%s", "");
	else if (sh->step != NULL)
		snprintf(out, n, "%s: %s", sh->last_cmd, sh->step);
	else
		snprintf(out, n, "%s", sh->last_cmd);
}

bool shell_taking_keys(const struct shell *sh)
{
	return sh->keys_next != NULL;
}

bool shell_busy(const struct shell *sh)
{
	return sh->async_pending || sh->sync_pending;
}

static void shell_drain(struct shell *sh);

/* Bracketed paste on and off (xterm's mode 2004). */
#define SHELL_PASTE_ON "\x1b[?2004h"
#define SHELL_PASTE_OFF "\x1b[?2004l"

/* --- output ----------------------------------------------------------------------------- */

void shell_write(struct shell *sh, int stream, const char *s, size_t len)
{
	size_t start = 0, i;

	if (sh->exited || len == 0)
		return;
	if (!sh->interactive) {
		shell_ack_out(sh, stream, s, len, NULL);
		return;
	}
	/* Interactive: everything on the terminal, "\n" as "\r\n". */
	for (i = 0; i < len; i++) {
		const char *nl = memchr(s + i, '\n', len - i);

		if (nl == NULL)
			break;
		i = (size_t)(nl - s);
		if (i > 0 && s[i - 1] == '\r')
			continue;
		if (i > start)
			shell_ack_out(sh, 1, s + start, i - start, NULL);
		shell_ack_out(sh, 1, "\r\n", 2, NULL);
		start = i + 1;
	}
	if (start < len)
		shell_ack_out(sh, 1, s + start, len - start, NULL);
}

void shell_write_secret(struct shell *sh, const char *s, const char *what)
{
	size_t len = strlen(s);

	if (sh->exited || len == 0)
		return;
	shell_ack_out(sh, 1, s, len, what);
}

/* Raw terminal bytes (line editor output): no translation. */
static void shell_write_raw(struct shell *sh, struct buf *b)
{
	if (!sh->exited && b->len > 0)
		shell_ack_out(sh, 1, b->data, b->len, NULL);
	buf_reset(b);
}

void shell_printf(struct shell *sh, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	shell_write(sh, 1, b.data, b.len);
	buf_free(&b);
}

void shell_errorf(struct shell *sh, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_putc(&b, '\n');
	shell_write(sh, sh->interactive ? 1 : 2, b.data, b.len);
	buf_free(&b);
}

void shell_clean(struct buf *out, const char *s)
{
	if (s != NULL)
		utf8_sanitize(out, s, strlen(s), 0);
}

void shell_invisible_why(const struct shell *sh, uint32_t cp, size_t nchar, struct buf *out)
{
	bool zh = shell_is_zh(sh);
	const char *name = utf8_invisible_name(cp, zh);

	buf_printf(
	    out,
	    zh ? "含有不可见字符 U+%04X（%s），在第 %zu 个字符处：这类字符会让文字显示得与实际"
	         "内容不同，不能保存，请删除后重试"
	       : "holds an invisible character, U+%04X (%s), at character %zu: such "
	         "characters can make text show differently from what it is and are not "
	         "stored; remove it and try again",
	    (unsigned)cp, name != NULL ? name : "?", nchar);
}

bool shell_text_visible(struct shell *sh, const char *what, const char *s, size_t len)
{
	struct buf msg;
	uint32_t cp;
	size_t off, nchar;

	if (s == NULL || !utf8_find_invisible(s, len, &cp, &off, &nchar))
		return true;
	buf_init(&msg);
	buf_puts(&msg, what);
	buf_putc(&msg, ' ');
	shell_invisible_why(sh, cp, nchar, &msg);
	shell_errorf(sh, "%s", buf_cstr(&msg));
	buf_free(&msg);
	return false;
}

void shell_audit_ctx(const struct shell *sh, struct audit_ctx *ctx)
{
	ctx->account = sh->user.name;
	ctx->role = role_name(sh->user.role);
	ctx->session = sh->opts.session_id;
	ctx->peer = sh->opts.peer;
	ctx->transport = sh->opts.transport;
}

int shell_store_error(struct shell *sh, int err)
{
	shell_errorf(sh, "%s", shell_store_strerror(sh, err));
	return CMD_ERROR;
}

/* --- creation --------------------------------------------------------------------------- */

static void shell_complete_add_cb(void *arg, const char *word)
{
	lineedit_completion_add(arg, word);
}

static void shell_complete_cb(void *arg, const char *line, size_t len,
                              struct lineedit_completions *c)
{
	struct shell *sh = arg;

	if (sh->opts.commands != NULL)
		cmd_complete(sh->opts.commands, (unsigned)sh->user.role, line, len,
		             shell_complete_add_cb, c);
}

struct shell *shell_new(const struct shell_host *host, const struct shell_user *user,
                        const struct shell_opts *opts)
{
	struct shell *sh;
	const char *env = opts->env_lang;

	if (sodium_init() < 0)
		return NULL;
	sh = calloc(1, sizeof *sh);
	if (sh == NULL)
		abort();
	sh->host = *host;
	sh->user = *user;
	sh->user.name = xalloc_strdup(user->name ? user->name : "");
	sh->user.display = xalloc_strdup(user->display);
	sh->user.lang = xalloc_strdup(user->lang);
	sh->user.team = xalloc_strdup(user->team);
	sh->opts = *opts;
	sh->opts.session_id = xalloc_strdup(opts->session_id);
	sh->opts.peer = xalloc_strdup(opts->peer);
	sh->opts.transport = xalloc_strdup(opts->transport);
	sh->opts.env_lang = xalloc_strdup(opts->env_lang);
	sh->opts.term = xalloc_strdup(opts->term);
	sh->opts.exec = xalloc_strdup(opts->exec);
	sh->opts.record_dir = xalloc_strdup(opts->record_dir);
	if (sh->opts.max_line == 0)
		sh->opts.max_line = SHELL_DEFAULT_MAX_LINE;
	if (sh->opts.max_stdin == 0)
		sh->opts.max_stdin = SHELL_DEFAULT_MAX_STDIN;
	sh->queue_max =
	    sh->opts.max_line * 2 > SHELL_QUEUE_MIN ? sh->opts.max_line * 2 : SHELL_QUEUE_MIN;
	if (env != NULL && strncmp(env, "zh", 2) == 0)
		shell_set_lang(sh, "zh");
	else if (env != NULL && strncmp(env, "en", 2) == 0)
		shell_set_lang(sh, "en");
	else
		shell_set_lang(sh, user->lang);
	sh->interactive = opts->exec == NULL;
	buf_init(&sh->queue);
	buf_init(&sh->in);
	buf_init(&sh->tmp);
	shell_ack_init(sh, shell_drain);
	args_init(&sh->args);
	if (sh->interactive) {
		sh->le = lineedit_new(sh->opts.max_line, SHELL_HISTORY);
		lineedit_set_width(sh->le, opts->cols > 0 ? opts->cols : 80);
		lineedit_set_completer(sh->le, shell_complete_cb, sh);
	}
	return sh;
}

static void shell_ops_clear(struct shell *sh)
{
	int i;

	for (i = 0; i < SHELL_OP_SLOTS; i++) {
		shell_free_secret(sh->op[i]);
		sh->op[i] = NULL;
	}
	sh->keys_next = NULL;
	sh->keys_end = NULL;
	sh->step = NULL;
	if (sh->state_free != NULL) {
		void (*state_free)(void *) = sh->state_free;
		void *state = sh->state;

		sh->state = NULL;
		sh->state_free = NULL;
		state_free(state);
	}
}

void shell_free(struct shell *sh)
{
	if (sh == NULL)
		return;
	shell_flow_cancel(sh);
	shell_ops_clear(sh);
	args_clear(&sh->args);
	lineedit_free(sh->le);
	free((char *)sh->user.name);
	free((char *)sh->user.display);
	free((char *)sh->user.lang);
	free((char *)sh->user.team);
	free((char *)sh->opts.session_id);
	free((char *)sh->opts.peer);
	free((char *)sh->opts.transport);
	free((char *)sh->opts.env_lang);
	free((char *)sh->opts.term);
	free((char *)sh->opts.exec);
	free((char *)sh->opts.record_dir);
	if (sh->in.data)
		sodium_memzero(sh->in.data, sh->in.cap);
	if (sh->queue.data)
		sodium_memzero(sh->queue.data, sh->queue.cap);
	buf_free(&sh->in);
	buf_free(&sh->queue);
	buf_free(&sh->tmp);
	shell_ack_clear(sh);
	free(sh);
}

void shell_op_set(struct shell *sh, int i, const char *s)
{
	shell_free_secret(sh->op[i]);
	sh->op[i] = xalloc_strdup(s);
}

/* --- running a command line: look up, check the role, parse, audit, run ------------- */

/* The roles allowed to run e, as "admin" or "supervisor, admin" in the session language. */
static void shell_cmd_roles_text(const struct shell *sh, unsigned roles, struct buf *out)
{
	static const enum role all[] = {ROLE_AGENT, ROLE_SUPERVISOR, ROLE_AUDITOR, ROLE_ADMIN};
	size_t i;
	bool first = true;

	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (!(roles & all[i]))
			continue;
		if (!first)
			buf_puts(out, shell_is_zh(sh) ? "、" : ", ");
		buf_puts(out, role_label(all[i], sh->lang));
		first = false;
	}
}

static void shell_cmd_print_usage(struct shell *sh, const struct cmd_entry *e)
{
	shell_errorf(sh, "%s%s", T(sh, "usage: ", "用法："), e->usage);
}

/* The words of the command as typed, quoted where needed, with its canonical name first. */
static void shell_cmd_words_text(const struct shell *sh, struct buf *out)
{
	size_t i;

	cmd_name(sh->cmd, out);
	for (i = sh->cmd->group ? 2 : 1; i < sh->args.nwords; i++) {
		buf_putc(out, ' ');
		args_quote(out, sh->args.words[i]);
	}
}

static int shell_cmd_audit(struct shell *sh, const char *action)
{
	struct audit_ctx ctx;
	struct buf name, detail;
	int rc;

	buf_init(&name);
	buf_init(&detail);
	cmd_name(sh->cmd, &name);
	shell_cmd_words_text(sh, &detail);
	shell_audit_ctx(sh, &ctx);
	rc = shell_store_ops(sh)->audit(sh->host.store, &ctx, action, buf_cstr(&name),
	                                 buf_cstr(&detail));
	buf_free(&name);
	buf_free(&detail);
	return rc;
}

/* Tokenizes line into the shell's args, looks up the command, checks the role (refusal: the
 * message, an audit event "command.denied", CMD_DENIED) and parses the arguments. Prints any
 * error. Returns 0 when the command is ready to run (sh->cmd is set), CMD_NOTHING for an empty
 * line, or an exit status. */
static int shell_cmd_prepare(struct shell *sh, const char *line, size_t len)
{
	const struct cmd_entry *e = NULL;
	struct buf cand, msg;
	size_t used = 0;
	int rc;

	sh->cmd = NULL;
	rc = args_split(&sh->args, line, len, sh->opts.max_line);
	if (rc < 0) {
		buf_init(&msg);
		args_error(&sh->args, rc, sh->lang, &msg);
		shell_errorf(sh, "%s", buf_cstr(&msg));
		buf_free(&msg);
		return CMD_USAGE;
	}
	if (sh->args.nwords == 0)
		return CMD_NOTHING;
	buf_init(&cand);
	rc = cmd_lookup(sh->opts.commands, sh->args.words, sh->args.nwords, (unsigned)sh->user.role,
	                &e, &used, &cand);
	if (rc < 0) {
		struct buf w;
		const char *first;

		buf_init(&w);
		/* What failed: the first word, or the verb after a known group ("user l"). */
		if (rc != CMD_ENOVERB && sh->args.nwords > 1 &&
		    cmd_lookup_first(sh->opts.commands, sh->args.words[0], &first, NULL) == 0) {
			buf_puts(&w, first);
			buf_putc(&w, ' ');
			shell_clean(&w, sh->args.words[1]);
		} else {
			shell_clean(&w, sh->args.words[0]);
		}
		switch (rc) {
		case CMD_EAMBIGUOUS:
			shell_errorf(sh,
			             T(sh, "ambiguous command `%s`: %s", "命令 `%s` 不明确：%s"),
			             buf_cstr(&w), buf_cstr(&cand));
			rc = CMD_NOTFOUND;
			break;
		case CMD_ENOVERB:
			shell_errorf(sh, T(sh, "`%s` needs a verb: %s", "`%s` 后面需要子命令：%s"),
			             buf_cstr(&w), buf_cstr(&cand));
			rc = CMD_USAGE;
			break;
		default:
			if (cand.len > 0)
				shell_errorf(sh,
				             T(sh, "unknown command `%s` (one of: %s)",
				               "未知命令 `%s`（可用：%s）"),
				             buf_cstr(&w), buf_cstr(&cand));
			else
				shell_errorf(sh,
				             T(sh, "unknown command `%s` (type help)",
				               "未知命令 `%s`（输入 help 查看命令）"),
				             buf_cstr(&w));
			rc = CMD_NOTFOUND;
			break;
		}
		buf_free(&w);
		buf_free(&cand);
		return rc;
	}
	buf_free(&cand);
	sh->cmd = e;
	if (!(e->roles & (unsigned)sh->user.role)) {
		struct buf name, roles;

		buf_init(&name);
		buf_init(&roles);
		cmd_name(e, &name);
		shell_cmd_roles_text(sh, e->roles, &roles);
		shell_errorf(
		    sh,
		    T(sh, "permission denied: `%s` needs role %s", "权限不足：`%s` 需要角色 %s"),
		    buf_cstr(&name), buf_cstr(&roles));
		buf_free(&name);
		buf_free(&roles);
		(void)shell_cmd_audit(sh, "command.denied");
		sh->cmd = NULL;
		return CMD_DENIED;
	}
	rc = args_parse(&sh->args, used, e->opts, e->min_args, e->max_args);
	if (rc < 0) {
		buf_init(&msg);
		args_error(&sh->args, rc, sh->lang, &msg);
		shell_errorf(sh, "%s", buf_cstr(&msg));
		buf_free(&msg);
		shell_cmd_print_usage(sh, e);
		sh->cmd = NULL;
		return CMD_USAGE;
	}
	if ((e->flags & CMD_INTERACTIVE) && !sh->interactive) {
		shell_errorf(sh, T(sh, "this command needs an interactive terminal",
		                   "该命令需要交互式终端"));
		sh->cmd = NULL;
		return CMD_USAGE;
	}
	if (e->stdin_opt != NULL && sh->interactive && args_has(&sh->args, e->stdin_opt)) {
		shell_errorf(sh,
		             T(sh, "--%s reads stdin: use it in exec mode (ssh HOST 'COMMAND')",
		               "--%s 读取标准输入，只能在 exec 模式（ssh HOST '命令'）中使用"),
		             e->stdin_opt);
		shell_cmd_print_usage(sh, e);
		sh->cmd = NULL;
		return CMD_USAGE;
	}
	return 0;
}

/* After shell_cmd_prepare: does the command read stdin (exec mode)? */
static bool shell_cmd_wants_stdin(const struct shell *sh)
{
	const struct cmd_entry *e = sh->cmd;

	if (e == NULL || sh->interactive)
		return false;
	if (e->flags & CMD_STDIN)
		return true;
	return e->stdin_opt != NULL && args_has(&sh->args, e->stdin_opt);
}

/* Audits and runs the prepared command (when the audit event cannot be written a command that
 * changes something does not run: CMD_ERROR). Returns an exit status or CMD_PENDING. */
static int shell_cmd_execute(struct shell *sh)
{
	/* A command that would change something does not run unless it can be audited; one
	 * that only reads runs anyway, with a warning, so a full disk or a locked database does
	 * not stop the desk from looking things up. */
	if (sh->cmd->flags & CMD_AUDIT) {
		bool unchanged = sh->host.store != NULL && !sh->sync_pending &&
		                 shell_store_changes(sh) == sh->turn_base;
		int rc = shell_cmd_audit(sh, "command");

		/* The audit event of a read acknowledges nothing: the answer need not wait for
		 * it to reach the disk (the next sync takes it along). */
		if (unchanged && (sh->cmd->flags & CMD_READONLY))
			sh->turn_base = shell_store_changes(sh);

		if (rc < 0 && !(sh->cmd->flags & CMD_READONLY))
			return shell_store_error(sh, rc);
		if (rc < 0)
			shell_errorf(sh, "%s: %s",
				     T(sh, "warning: this command was not recorded in the audit trail",
				       "警告：本条命令未能记入审计日志"),
				     shell_store_strerror(sh, rc));
	}
	return sh->cmd->handler(sh, &sh->args);
}

/* --- the prompt ------------------------------------------------------------------------- */

/* The command prompt, with the marker of a watched session in front while someone watches. */
static void shell_prompt_text(const struct shell *sh, struct buf *p)
{
	struct buf name;

	buf_init(&name);
	shell_clean(&name, sh->user.name);
	if (sh->watched)
		buf_printf(p, sh->opts.color ? "\x1b[1;33m%s\x1b[0m " : "%s ",
			   T(sh, "[watched]", "[被监看]"));
	if (sh->opts.color)
		buf_printf(p, "\x1b[1;32mpropdesk\x1b[0m:\x1b[1;34m%s\x1b[0m> ", buf_cstr(&name));
	else
		buf_printf(p, "propdesk:%s> ", buf_cstr(&name));
	buf_free(&name);
}

static void shell_prompt(struct shell *sh)
{
	struct buf p;

	buf_init(&p);
	shell_prompt_text(sh, &p);
	lineedit_start(sh->le, p.data, false, &sh->tmp);
	sh->at_prompt = true;
	shell_write_raw(sh, &sh->tmp);
	buf_free(&p);
}

void shell_set_watched(struct shell *sh, bool watched)
{
	struct buf p;

	if (sh->watched == watched)
		return;
	sh->watched = watched;
	/* At the command prompt the marker comes and goes at once, the line being typed kept;
	 * otherwise (a command, a form, a watch of its own) the next prompt shows it. */
	if (sh->exited || !sh->interactive || !sh->at_prompt || sh->running ||
	    sh->keys_next != NULL || sh->in_login)
		return;
	shell_ack_turn(sh);
	buf_init(&p);
	shell_prompt_text(sh, &p);
	lineedit_set_prompt(sh->le, p.data, &sh->tmp);
	shell_write_raw(sh, &sh->tmp);
	buf_free(&p);
	shell_ack_sync(sh);
}

static void shell_greet(struct shell *sh)
{
	struct buf who;

	buf_init(&who);
	shell_clean(&who,
	            sh->user.display && sh->user.display[0] ? sh->user.display : sh->user.name);
	if (shell_is_zh(sh))
		shell_printf(sh, "propdesk — 物业客服台，欢迎 %s（%s）\n输入 help 查看可用命令。\n",
		             buf_cstr(&who), role_label(sh->user.role, sh->lang));
	else
		shell_printf(sh,
		             "propdesk — property service desk. Welcome, %s (%s)\n"
		             "Type help for the commands you may run.\n",
		             buf_cstr(&who), role_label(sh->user.role, sh->lang));
	buf_free(&who);
	/* Bracketed paste: the terminal marks pasted text, so its line breaks stay in the line
	 * pasted into instead of answering the next questions (lineedit). */
	if (sh->opts.color)
		shell_ack_out(sh, 1, SHELL_PASTE_ON, strlen(SHELL_PASTE_ON), NULL);
}

/* After a feed of the line editor: tells what it could not take or changed in what was
 * pasted (above the line while it is still being edited). */
static void shell_paste_report(struct shell *sh, bool editing)
{
	size_t refused, joined, max = lineedit_max_bytes(sh->le);
	struct buf b;

	if (!lineedit_take_report(sh->le, &refused, &joined))
		return;
	buf_init(&b);
	if (refused > 0)
		buf_printf(&b,
		           T(sh,
		             "(the line is full: it holds %zu bytes, about %zu Chinese characters; "
		             "%zu more character(s) typed or pasted were not taken)\n",
		             "（这一行已满：最多 %zu 字节，约 %zu 个汉字；之后输入或粘贴的 %zu 个字符"
		             "未被接收）\n"),
		           max, max / 3, refused);
	if (joined > 0)
		buf_printf(&b,
		           T(sh,
		             "(the pasted text had %zu line break(s): its lines are joined with "
		             "spaces in this one line; check it, then press Enter)\n",
		             "（粘贴的文字含 %zu 处换行：已用空格连成这一行，请检查后再按回车）\n"),
		           joined);
	if (editing) {
		lineedit_hide(sh->le, &sh->tmp);
		shell_write_raw(sh, &sh->tmp);
	}
	shell_write(sh, 1, b.data, b.len);
	if (editing) {
		lineedit_redraw(sh->le, &sh->tmp);
		shell_write_raw(sh, &sh->tmp);
	}
	buf_free(&b);
}

/* --- commands --------------------------------------------------------------------------- */

void shell_quit(struct shell *sh, int status)
{
	if (sh->exited)
		return;
	if (sh->interactive && sh->opts.color)
		shell_ack_out(sh, 1, SHELL_PASTE_OFF, strlen(SHELL_PASTE_OFF), NULL);
	sh->exited = true;
	/* What it said last (the exit status of a change, too) waits for the disk. */
	if (shell_ack_sync(sh)) {
		sh->exit_deferred = true;
		sh->exit_status = status;
		return;
	}
	sh->exit_done = true;
	sh->host.exit(sh->host.ctx, status);
}

static void shell_process(struct shell *sh, const char *buf, size_t len);

/* Feeds what was queued while busy. */
static void shell_drain(struct shell *sh)
{
	struct buf q;

	if (sh->exited || !sh->interactive || sh->async_pending || sh->sync_pending ||
	    sh->queue.len == 0)
		return;
	q = sh->queue;
	buf_init(&sh->queue);
	shell_process(sh, q.data, q.len);
	sodium_memzero(q.data, q.cap);
	buf_free(&q);
}

/* Runs the login hooks from the next one on; one that asks a question (CMD_PENDING) ends with
 * shell_cmd_done, which comes back here. The prompt follows the last. */
static void shell_login_continue(struct shell *sh)
{
	const struct cmd_registry *r = sh->opts.commands;

	while (r != NULL && sh->login_next < r->nlogin) {
		if (r->login[sh->login_next++](sh) == CMD_PENDING)
			return;
	}
	sh->in_login = false;
	shell_prompt(sh);
}

void shell_cmd_done(struct shell *sh, int status)
{
	sh->running = false;
	sh->line_next = NULL;
	sh->cmd = NULL;
	shell_ops_clear(sh);
	args_clear(&sh->args);
	if (sh->exited)
		return;
	if (!sh->interactive) {
		/* Its stdin is read: give the memory back now (the host's stdin budget counts it
		 * until the shell exits). */
		if (sh->in.data != NULL)
			sodium_memzero(sh->in.data, sh->in.cap);
		buf_free(&sh->in);
		shell_quit(sh, status);
		return;
	}
	if (sh->in_login)
		shell_login_continue(sh);
	else
		shell_prompt(sh);
}

/* Runs the prepared command; the end of it (now or later) goes through shell_cmd_done. */
static void shell_run(struct shell *sh)
{
	int rc;

	sh->running = true;
	snprintf(sh->last_cmd, sizeof sh->last_cmd, "%s%s%s",
	         sh->cmd->group != NULL ? sh->cmd->group : "", sh->cmd->group != NULL ? " " : "",
	         sh->cmd->verb);
	rc = shell_cmd_execute(sh);
	if (rc != CMD_PENDING)
		shell_cmd_done(sh, rc);
}

static void shell_run_line(struct shell *sh, const char *line)
{
	int rc = shell_cmd_prepare(sh, line, strlen(line));

	if (rc == 0) {
		shell_run(sh);
		return;
	}
	if (rc == CMD_NOTHING)
		rc = CMD_OK;
	shell_cmd_done(sh, rc);
}

/* A line typed in interactive mode: a command, or the answer to a prompt. */
static void shell_line(struct shell *sh, const char *text)
{
	char *line = xalloc_strdup(text);

	if (sh->line_next != NULL) {
		shell_line_fn next = sh->line_next;

		sh->line_next = NULL;
		next(sh, line);
	} else {
		lineedit_history_add(sh->le, line);
		shell_run_line(sh, line);
	}
	shell_free_secret(line);
}

/* Ctrl-C or Ctrl-D on an empty line. */
static void shell_cancel(struct shell *sh, bool eof)
{
	if (sh->line_next != NULL) {
		shell_line_fn next = sh->line_next;

		sh->line_next = NULL;
		next(sh, NULL);
		return;
	}
	if (eof) {
		shell_quit(sh, CMD_OK);
		return;
	}
	shell_prompt(sh);
}

static void shell_process(struct shell *sh, const char *buf, size_t len)
{
	while (len > 0 && !sh->exited) {
		enum lineedit_event ev;
		size_t used = 0;

		if (sh->keys_next != NULL && !sh->async_pending && !sh->sync_pending) {
			sh->keys_next(sh, buf, len);
			return;
		}
		if (sh->async_pending || sh->sync_pending || (sh->running && sh->line_next == NULL)) {
			/* Busy: keep the input for later, up to the cap. */
			size_t room =
			    sh->queue_max > sh->queue.len ? sh->queue_max - sh->queue.len : 0;

			buf_append(&sh->queue, buf, len < room ? len : room);
			return;
		}
		ev = lineedit_feed(sh->le, buf, len, &used, &sh->tmp);
		shell_write_raw(sh, &sh->tmp);
		shell_paste_report(sh, ev == LINEEDIT_MORE);
		buf += used;
		len -= used;
		switch (ev) {
		case LINEEDIT_LINE:
			shell_line(sh, lineedit_line(sh->le));
			break;
		case LINEEDIT_INTERRUPT:
			shell_cancel(sh, false);
			break;
		case LINEEDIT_EOF:
			shell_cancel(sh, true);
			break;
		case LINEEDIT_MORE:
			break;
		}
		/* A line that changed something: the rest waits until that is on disk. */
		if (ev != LINEEDIT_MORE)
			shell_ack_sync(sh);
	}
}

int shell_take_keys(struct shell *sh, shell_keys_fn keys, shell_keys_end_fn end)
{
	sh->keys_next = keys;
	sh->keys_end = end;
	return CMD_PENDING;
}

void shell_watch_ended(struct shell *sh, const char *why)
{
	shell_keys_end_fn end = sh->keys_end;

	if (sh->exited || end == NULL)
		return;
	sh->keys_next = NULL;
	sh->keys_end = NULL;
	end(sh, why);
	shell_drain(sh);
}

int shell_read_line(struct shell *sh, const char *prompt, bool secret, shell_line_fn next)
{
	sh->line_next = next;
	lineedit_start(sh->le, prompt, secret, &sh->tmp);
	sh->at_prompt = false;
	shell_write_raw(sh, &sh->tmp);
	return CMD_PENDING;
}

static void shell_async_done_cb(struct shell *sh, int rc, const char *hash)
{
	shell_async_cb next = sh->async_next;

	sh->async_next = NULL;
	sh->async_pending = false;
	if (sh->exited || next == NULL)
		return;
	shell_ack_turn(sh);
	next(sh, rc, hash);
	shell_drain(sh);
	shell_ack_sync(sh);
}

static int shell_async_started(struct shell *sh, int rc, shell_async_cb next)
{
	if (rc < 0) {
		shell_errorf(sh,
		             T(sh, "password hashing is not available right now (%d)",
		               "暂时无法处理密码（%d）"),
		             rc);
		return CMD_ERROR;
	}
	sh->async_next = next;
	sh->async_pending = true;
	return CMD_PENDING;
}

int shell_pwhash(struct shell *sh, const char *password, shell_async_cb next)
{
	if (sh->host.pwhash == NULL)
		return shell_async_started(sh, -1, next);
	/* Set before the call: the host never calls back inside it. */
	return shell_async_started(sh, sh->host.pwhash(sh->host.ctx, password, shell_async_done_cb),
	                           next);
}

int shell_pwverify(struct shell *sh, const char *hash, const char *password, shell_async_cb next)
{
	if (sh->host.pwverify == NULL)
		return shell_async_started(sh, -1, next);
	return shell_async_started(
	    sh, sh->host.pwverify(sh->host.ctx, hash, password, shell_async_done_cb), next);
}

/* --- work on the thread pool ----------------------------------------------------------- */

struct shell_work_job {
	shell_work_fn fn;
	shell_work_done_fn done;
	void *arg;
};

/* On a pool thread: only the job's fn and arg are touched, never the shell. */
static int shell_work_run_cb(struct store *ro, void *arg)
{
	struct shell_work_job *job = arg;

	return job->fn(ro, job->arg);
}

static void shell_work_done_cb(struct shell *sh, void *arg, int rc)
{
	struct shell_work_job *job = arg;
	shell_work_done_fn done = job->done;
	void *user_arg = job->arg;

	free(job);
	if (sh == NULL) {
		done(NULL, user_arg, rc);
		return;
	}
	sh->async_pending = false;
	if (sh->exited) {
		done(NULL, user_arg, rc);
		return;
	}
	shell_ack_turn(sh);
	done(sh, user_arg, rc);
	shell_drain(sh);
	shell_ack_sync(sh);
}

int shell_work(struct shell *sh, shell_work_fn fn, shell_work_done_fn done, void *arg)
{
	struct shell_work_job *job;
	int rc;

	if (sh->host.work == NULL) {
		shell_errorf(sh, "%s",
		             T(sh, "background work is not available in this host",
		               "当前宿主不支持后台任务"));
		return CMD_ERROR;
	}
	job = calloc(1, sizeof *job);
	if (job == NULL)
		abort();
	job->fn = fn;
	job->done = done;
	job->arg = arg;
	/* Set before the call: the host never calls back inside it. */
	sh->async_pending = true;
	rc = sh->host.work(sh->host.ctx, shell_work_run_cb, shell_work_done_cb, job);
	if (rc < 0) {
		sh->async_pending = false;
		free(job);
		shell_errorf(
		    sh, T(sh, "could not start the background work (%d)", "无法启动后台任务（%d）"),
		    rc);
		return CMD_ERROR;
	}
	return CMD_PENDING;
}

/* --- exec mode stdin -------------------------------------------------------------------- */

void shell_stdin_refused(struct shell *sh)
{
	if (sh->exited || !sh->in_wait)
		return;
	sh->in_wait = false;
	shell_errorf(sh, "%s",
	             T(sh,
	               "the desk is busy reading other sessions' input: this command was not run; "
	               "try again in a moment",
	               "服务台正忙于读取其他会话的输入：本命令未执行，请稍后重试"));
	shell_cmd_done(sh, CMD_ERROR);
}

/* Exec mode: the command waits for stdin; run it when EOF came (or refuse an overflow). */
static void shell_exec_stdin_check(struct shell *sh)
{
	if (!sh->in_wait)
		return;
	if (sh->in_over) {
		struct buf name;

		sh->in_wait = false;
		buf_init(&name);
		cmd_name(sh->cmd, &name);
		shell_errorf(
		    sh,
		    T(sh, "stdin is larger than %zu bytes, the most `%s` reads; nothing was done",
		      "标准输入超过 %zu 字节（`%s` 最多读取这么多），未执行任何操作"),
		    shell_stdin_cap(sh), buf_cstr(&name));
		buf_free(&name);
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	if (sh->in_eof) {
		sh->in_wait = false;
		shell_run(sh);
	}
}

/* --- the host's entry points ------------------------------------------------------------ */

static void shell_start_turn(struct shell *sh)
{
	int rc;

	if (sh->started || sh->exited)
		return;
	sh->started = true;
	if (sh->interactive) {
		shell_greet(sh);
		sh->in_login = true;
		shell_login_continue(sh);
		shell_drain(sh);
		return;
	}
	rc = shell_cmd_prepare(sh, sh->opts.exec, strlen(sh->opts.exec));
	if (rc == CMD_NOTHING) {
		shell_errorf(sh, T(sh, "no command given (try help)", "没有给出命令（试试 help）"));
		rc = CMD_USAGE;
	}
	if (rc != 0) {
		shell_cmd_done(sh, rc);
		return;
	}
	if (shell_cmd_wants_stdin(sh)) {
		sh->in_wait = true;
		sh->running = true;
		shell_exec_stdin_check(sh);
		return;
	}
	buf_free(&sh->in);
	shell_run(sh);
}

void shell_start(struct shell *sh)
{
	shell_ack_turn(sh);
	shell_start_turn(sh);
	shell_ack_sync(sh);
}

static void shell_feed_turn(struct shell *sh, const char *buf, size_t len)
{
	if (sh->exited || len == 0)
		return;
	if (sh->interactive) {
		if (!sh->started) {
			size_t room =
			    sh->queue_max > sh->queue.len ? sh->queue_max - sh->queue.len : 0;

			buf_append(&sh->queue, buf, len < room ? len : room);
			return;
		}
		if (sh->queue.len > 0 && !sh->async_pending) {
			buf_append(&sh->queue, buf, len);
			shell_drain(sh);
			return;
		}
		shell_process(sh, buf, len);
		return;
	}
	/* Exec: stdin, kept (up to the cap) until the command wants it or is known not to. */
	if (sh->started && !sh->in_wait)
		return;
	if (sh->in_over)
		return;
	if (sh->in.len + len > shell_stdin_cap(sh)) {
		sh->in_over = true;
		shell_exec_stdin_check(sh);
		return;
	}
	if (sh->in.len + len + 1 > sh->in.cap) {
		size_t cap = shell_stdin_cap(sh) + 1, want;

		if (cap <= SHELL_STDIN_WHOLE) {
			/* Small (passwords among them): all of it at once, never moved, so no copy
			 * of a secret is left behind in freed memory. */
			buf_reserve(&sh->in, cap);
		} else {
			/* Large (an import): doubling, but never past the cap. */
			want =
			    sh->in.cap * 2 > SHELL_STDIN_WHOLE ? sh->in.cap * 2 : SHELL_STDIN_WHOLE;
			if (want > cap)
				want = cap;
			if (want < sh->in.len + len + 1)
				want = sh->in.len + len + 1;
			buf_reserve(&sh->in, want);
		}
	}
	buf_append(&sh->in, buf, len);
}

void shell_feed(struct shell *sh, const char *buf, size_t len)
{
	shell_ack_turn(sh);
	shell_feed_turn(sh, buf, len);
	shell_ack_sync(sh);
}

static void shell_eof_turn(struct shell *sh)
{
	if (sh->exited)
		return;
	if (sh->interactive) {
		shell_quit(sh, CMD_OK);
		return;
	}
	sh->in_eof = true;
	shell_exec_stdin_check(sh);
}

void shell_eof(struct shell *sh)
{
	shell_ack_turn(sh);
	shell_eof_turn(sh);
	shell_ack_sync(sh);
}

void shell_resize(struct shell *sh, int cols, int rows)
{
	sh->opts.cols = cols;
	sh->opts.rows = rows;
	if (sh->le == NULL || cols <= 0)
		return;
	/* The prompt and the line being typed are drawn again at once, in the new width (not
	 * while watching: the screen is another session's). */
	if (!sh->interactive || sh->exited || sh->keys_next != NULL) {
		lineedit_set_width(sh->le, cols);
		return;
	}
	shell_ack_turn(sh);
	lineedit_resize(sh->le, cols, &sh->tmp);
	shell_write_raw(sh, &sh->tmp);
	shell_ack_sync(sh);
}

static void shell_notice_turn(struct shell *sh, const char *from, const char *text)
{
	struct buf b;

	if (sh->exited)
		return;
	buf_init(&b);
	buf_putc(&b, '[');
	shell_clean(&b, from ? from : "");
	buf_puts(&b, "] ");
	shell_clean(&b, text ? text : "");
	buf_putc(&b, '\n');
	if (!sh->interactive) {
		shell_write(sh, 2, b.data, b.len);
		buf_free(&b);
		return;
	}
	if (sh->keys_next != NULL) {
		/* Watching: the screen is another session's; the notice goes on a line of its
		 * own. */
		shell_write(sh, 1, "\r\n", 2);
		shell_write(sh, 1, b.data, b.len);
		buf_free(&b);
		return;
	}
	lineedit_hide(sh->le, &sh->tmp);
	shell_write_raw(sh, &sh->tmp);
	shell_write(sh, 1, b.data, b.len);
	lineedit_redraw(sh->le, &sh->tmp);
	shell_write_raw(sh, &sh->tmp);
	buf_free(&b);
}

void shell_notice(struct shell *sh, const char *from, const char *text)
{
	shell_ack_turn(sh);
	shell_notice_turn(sh, from, text);
	shell_ack_sync(sh);
}

void shell_kick(struct shell *sh, const char *from, const char *text)
{
	struct buf b;

	if (sh->exited)
		return;
	shell_ack_turn(sh);
	if (!sh->interactive || sh->keys_next != NULL) {
		shell_notice(sh, from, text);
	} else {
		/* The line being typed is not drawn again: the session ends here. */
		buf_init(&b);
		buf_putc(&b, '[');
		shell_clean(&b, from ? from : "");
		buf_puts(&b, "] ");
		shell_clean(&b, text ? text : "");
		buf_putc(&b, '\n');
		lineedit_hide(sh->le, &sh->tmp);
		shell_write_raw(sh, &sh->tmp);
		shell_write(sh, 1, b.data, b.len);
		buf_free(&b);
	}
	shell_quit(sh, CMD_ERROR);
}
