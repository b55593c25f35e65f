/* cmd_session — the session commands every role may run: help, whoami, passwd, lang, quit. */
#include "cmd.h"
#include "cmd_page.h"
#include "cmd_util.h"
#include "cmd_groups.h"

#include <sodium.h>
#include <string.h>

#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_account.h"
#include "store_audit.h"
#include "utf8.h"


/* --- help ------------------------------------------------------------------------------- */

static int cmd_session_help(struct shell *sh, struct args *a)
{
	size_t width = cmd_page_width(sh); /* folded at words within the terminal's width */
	struct buf out;
	int rc = CMD_OK;

	buf_init(&out);
	if (a->npos == 0) {
		cmd_help_list(sh->opts.commands, (unsigned)sh->user.role, sh->lang, width, &out);
	} else if (cmd_help_one(sh->opts.commands, a->pos, a->npos, (unsigned)sh->user.role, sh->lang,
	                        width, &out) < 0) {
		const struct cmd_entry *e;
		const char *first;
		struct buf w, verbs;
		size_t used;

		buf_init(&w);
		buf_init(&verbs);
		if (a->npos >= 2 &&
		    cmd_lookup_first(sh->opts.commands, a->pos[0], &first, NULL) == 0) {
			/* A group that exists, with a verb that does not: say which verbs it has. */
			(void)cmd_lookup(sh->opts.commands, a->pos, a->npos, (unsigned)sh->user.role, &e,
			                 &used, &verbs);
			shell_clean(&w, a->pos[1]);
			shell_errorf(sh,
			             T(sh, "`%s` has no command `%s` (its commands: %s)",
			               "`%s` 没有 `%s` 这个命令（可用：%s）"),
			             first, buf_cstr(&w), verbs.len > 0 ? buf_cstr(&verbs) : "-");
		} else {
			shell_clean(&w, a->pos[0]);
			shell_errorf(
			    sh, T(sh, "no such command: %s (type help)", "没有这个命令：%s（输入 help）"),
			    buf_cstr(&w));
		}
		buf_free(&w);
		buf_free(&verbs);
		rc = CMD_ERROR;
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return rc;
}

/* --- whoami ----------------------------------------------------------------------------- */

static int cmd_session_whoami(struct shell *sh, struct args *a)
{
	struct buf out;

	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_string(&j, "name", sh->user.name);
		json_kv_string(&j, "display", sh->user.display);
		json_kv_string(&j, "role", role_name(sh->user.role));
		json_kv_string(&j, "lang", sh->lang);
		json_kv_string(&j, "team", sh->user.team);
		json_kv_string(&j, "session", sh->opts.session_id);
		json_kv_string(&j, "peer", sh->opts.peer);
		json_kv_string(&j, "transport", sh->opts.transport);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else {
		const char *labels_en[] = {"name", "display name", "role", "language",
		                           "team", "session",      "peer", "transport"};
		const char *labels_zh[] = {"账号", "姓名", "角色", "语言",
		                           "班组", "会话", "来源", "连接方式"};
		const char *values[8];
		const char **labels = shell_is_zh(sh) ? labels_zh : labels_en;
		size_t i, width = 0;

		values[0] = sh->user.name;
		values[1] = sh->user.display;
		values[2] = role_label(sh->user.role, sh->lang);
		values[3] = shell_is_zh(sh) ? "中文 (zh)" : "English (en)";
		values[4] = sh->user.team;
		values[5] = sh->opts.session_id;
		values[6] = sh->opts.peer;
		values[7] = sh->opts.transport;
		for (i = 0; i < 8; i++) {
			size_t w = utf8_width(labels[i], strlen(labels[i]));

			if (w > width)
				width = w;
		}
		for (i = 0; i < 8; i++) {
			size_t w = utf8_width(labels[i], strlen(labels[i]));

			buf_puts(&out, labels[i]);
			buf_puts(&out, shell_is_zh(sh) ? "：" : ": ");
			while (w++ < width)
				buf_putc(&out, ' ');
			if (values[i] != NULL && values[i][0] != '\0')
				shell_clean(&out, values[i]);
			else
				buf_putc(&out, '-');
			buf_putc(&out, '\n');
		}
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

/* --- lang ------------------------------------------------------------------------------- */

static int cmd_session_lang(struct shell *sh, struct args *a)
{
	const char *l = a->pos[0];

	if (strcmp(l, "zh") != 0 && strcmp(l, "en") != 0) {
		shell_errorf(sh, T(sh, "language must be zh or en", "语言只能是 zh 或 en"));
		shell_errorf(sh, "%s%s", T(sh, "usage: ", "用法："), "lang zh|en");
		return CMD_USAGE;
	}
	shell_set_lang(sh, l);
	shell_printf(sh, "%s\n", T(sh, "Language: English.", "语言已切换为中文。"));
	return CMD_OK;
}

/* --- quit ------------------------------------------------------------------------------- */

static int cmd_session_quit(struct shell *sh, struct args *a)
{
	(void)a;
	if (sh->interactive)
		shell_printf(sh, "%s\n", T(sh, "Goodbye.", "再见。"));
	shell_quit(sh, CMD_OK);
	return CMD_OK;
}

/* --- passwd ----------------------------------------------------------------------------- */
/* op[0]: current password, op[1]: new password. */

static void cmd_session_passwd_hashed_cb(struct shell *sh, int rc, const char *hash)
{
	struct audit_ctx ctx;

	if (rc < 0) {
		shell_errorf(sh, T(sh, "password hashing failed", "密码处理失败"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_account_set_password(sh->host.store, &ctx, sh->user.name, hash);
	if (rc < 0) {
		shell_cmd_done(sh, shell_store_error(sh, rc));
		return;
	}
	shell_printf(sh, "%s\n", T(sh, "Password changed.", "密码已修改。"));
	shell_cmd_done(sh, CMD_OK);
}

static void cmd_session_passwd_again_cb(struct shell *sh, const char *line)
{
	int rc;

	if (line == NULL) {
		shell_errorf(sh, T(sh, "cancelled", "已取消"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	if (strcmp(line, sh->op[1]) != 0) {
		shell_errorf(sh, T(sh, "the two passwords differ; nothing changed",
		                   "两次输入的密码不一致，未修改"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	rc = shell_pwhash(sh, sh->op[1], cmd_session_passwd_hashed_cb);
	if (rc != CMD_PENDING)
		shell_cmd_done(sh, rc);
}

static void cmd_session_passwd_new_cb(struct shell *sh, const char *line)
{
	if (line == NULL) {
		shell_errorf(sh, T(sh, "cancelled", "已取消"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	if (!cmd_util_password_ok(sh, sh->user.name, line)) {
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	shell_op_set(sh, 1, line);
	shell_read_line(sh, T(sh, "New password again: ", "再次输入新密码："), true,
	                cmd_session_passwd_again_cb);
}

static void cmd_session_passwd_verified_cb(struct shell *sh, int rc, const char *hash)
{
	(void)hash;
	if (rc < 0) {
		shell_errorf(sh, T(sh, "password check failed", "密码校验失败"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	if (rc == 0) {
		struct audit_ctx ctx;

		shell_audit_ctx(sh, &ctx);
		store_audit(sh->host.store, &ctx, "passwd.fail", sh->user.name,
		            "wrong current password");
		shell_errorf(sh, T(sh, "wrong password; nothing changed", "密码错误，未修改"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	if (sh->interactive) {
		shell_read_line(sh, T(sh, "New password: ", "新密码："), true,
		                cmd_session_passwd_new_cb);
		return;
	}
	rc = shell_pwhash(sh, sh->op[1], cmd_session_passwd_hashed_cb);
	if (rc != CMD_PENDING)
		shell_cmd_done(sh, rc);
}

/* Verifies op[0] against the account's stored hash. */
static int cmd_session_passwd_verify(struct shell *sh)
{
	struct account acct;
	int rc;

	memset(&acct, 0, sizeof acct);
	rc = store_account_get(sh->host.store, sh->user.name, &acct);
	if (rc < 0)
		return shell_store_error(sh, rc);
	if (acct.pwhash == NULL || acct.pwhash[0] == '\0') {
		store_account_clear(&acct);
		shell_errorf(sh,
		             T(sh,
		               "your account has no password (key login only); ask an admin "
		               "(user passwd)",
		               "你的账号没有设置密码（仅密钥登录），请联系管理员（user passwd）"));
		return CMD_ERROR;
	}
	rc = shell_pwverify(sh, acct.pwhash, sh->op[0], cmd_session_passwd_verified_cb);
	store_account_clear(&acct);
	return rc;
}

static void cmd_session_passwd_current_cb(struct shell *sh, const char *line)
{
	int rc;

	if (line == NULL) {
		shell_errorf(sh, T(sh, "cancelled", "已取消"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	shell_op_set(sh, 0, line);
	rc = cmd_session_passwd_verify(sh);
	if (rc != CMD_PENDING)
		shell_cmd_done(sh, rc);
}

static int cmd_session_passwd(struct shell *sh, struct args *a)
{
	struct buf line;
	size_t pos = 0;

	(void)a;
	if (sh->interactive)
		return shell_read_line(sh, T(sh, "Current password: ", "当前密码："), true,
		                       cmd_session_passwd_current_cb);
	buf_init(&line);
	if (shell_stdin_line(sh, &pos, &line))
		shell_op_set(sh, 0, buf_cstr(&line));
	if (shell_stdin_line(sh, &pos, &line))
		shell_op_set(sh, 1, buf_cstr(&line));
	if (line.data)
		sodium_memzero(line.data, line.cap);
	buf_free(&line);
	if (sh->op[0] == NULL || sh->op[1] == NULL) {
		shell_errorf(sh, T(sh,
		                   "passwd reads two lines from stdin: the current password, "
		                   "then the new one",
		                   "passwd 从标准输入读取两行：当前密码，然后是新密码"));
		return CMD_USAGE;
	}
	if (!cmd_util_password_ok(sh, sh->user.name, sh->op[1]))
		return CMD_ERROR;
	return cmd_session_passwd_verify(sh);
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct cmd_entry cmd_session_entries[] = {
    {NULL, "help", ROLES_ALL, NULL, 0, 2, "help [COMMAND]",
     "List the commands you may run, or show one command's usage and help.",
     "列出你可以使用的命令，或显示某个命令的用法和说明。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_session_help, 0},
    {NULL, "whoami", ROLES_ALL, cmd_opts_json, 0, 0, "whoami [--json]",
     "Show who you are: name, role, language, team, session.",
     "显示当前用户：账号、角色、语言、班组、会话。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_session_whoami, 0},
    {NULL, "passwd", ROLES_ALL, NULL, 0, 0, "passwd",
     "Change your password (exec mode: current and new password on two lines of stdin).",
     "修改自己的密码（exec 模式：标准输入两行，当前密码和新密码）。", CMD_AUDIT | CMD_STDIN, NULL,
     cmd_session_passwd, CMD_STDIN_PASSWORDS},
    {NULL, "lang", ROLES_ALL, NULL, 1, 1, "lang zh|en",
     "Switch the session language (zh: Chinese, en: English).",
     "切换会话语言（zh 中文，en 英文）。", CMD_AUDIT | CMD_READONLY, NULL, cmd_session_lang, 0},
    {NULL, "quit", ROLES_ALL, NULL, 0, 0, "quit", "End the session.", "退出会话。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_session_quit, 0},
};

const struct cmd_group cmd_session_group = {cmd_session_entries, sizeof cmd_session_entries / sizeof cmd_session_entries[0],
                                           "Session", "会话"};
