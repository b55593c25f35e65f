/* cmd_user — account administration (admin only): user add, list, lock, unlock, role, key,
 * passwd. */
#include "cmd.h"
#include "cmd_page.h"
#include "cmd_util.h"
#include "cmd_groups.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_account.h"
#include "store_audit.h"
#include "table.h"
#include "utf8.h"

#define CMD_USER_PW_LEN 12
#define CMD_USER_DISPLAY_MAX 128
#define CMD_USER_KEY_MAX 16384 /* decoded key blob bytes */
#define CMD_USER_KEYS_MAX 32   /* keys in one --stdin */

/* No 0/O/o, 1/l/I: read aloud over the phone without mistakes. */
#define CMD_USER_SESSIONS_MAX 64 /* sessions of one account ended at a lock */

/* A store error about account name, naming it: "no account `bob`", "account `bob` already
 * exists"; other errors as the store says them. Returns the exit status. */
static int cmd_user_store_error(struct shell *sh, const char *name, int rc)
{
	struct buf w;

	if (rc != STORE_ENOENT && rc != STORE_EEXIST)
		return shell_store_error(sh, rc);
	buf_init(&w);
	shell_clean(&w, name);
	if (rc == STORE_ENOENT)
		shell_errorf(sh,
		             T(sh, "no account `%s` (user list shows the accounts)",
		               "没有账号 `%s`（user list 可查看所有账号）"),
		             buf_cstr(&w));
	else
		shell_errorf(sh,
		             T(sh, "account `%s` already exists (user list shows the accounts)",
		               "账号 `%s` 已存在（user list 可查看所有账号）"),
		             buf_cstr(&w));
	buf_free(&w);
	return CMD_ERROR;
}

static const char cmd_user_alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static const char *const cmd_user_key_types[] = {
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
};

/* [a-z][a-z0-9_.-]{1,31} */
static bool cmd_user_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* Prints the error for an invalid account name; returns CMD_USAGE. */
static int cmd_user_bad_name(struct shell *sh, const char *name)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, name);
	shell_errorf(sh,
	             T(sh,
	               "invalid account name `%s`: a lowercase letter, then 1-31 of a-z 0-9 "
	               "_ . -",
	               "账号名 `%s` 无效：小写字母开头，后接 1-31 个 a-z 0-9 _ . - 字符"),
	             buf_cstr(&w));
	buf_free(&w);
	return CMD_USAGE;
}

static void cmd_user_random_password(char out[CMD_USER_PW_LEN + 1])
{
	size_t i;

	for (i = 0; i < CMD_USER_PW_LEN; i++)
		out[i] = cmd_user_alphabet[randombytes_uniform(sizeof cmd_user_alphabet - 1)];
	out[CMD_USER_PW_LEN] = '\0';
}

/* The password for add / passwd: first line of stdin (--password-stdin) or a random one, into
 * op[1]; op[2] is set to "1" when it was generated (to show it once). */
static int cmd_user_password(struct shell *sh, struct args *a, const char *name)
{
	if (args_has(a, "password-stdin")) {
		struct buf line;
		size_t pos = 0;
		bool got;

		buf_init(&line);
		got = shell_stdin_line(sh, &pos, &line);
		if (got)
			shell_op_set(sh, 1, buf_cstr(&line));
		if (line.data)
			sodium_memzero(line.data, line.cap);
		buf_free(&line);
		if (!got) {
			shell_errorf(sh, T(sh, "--password-stdin: stdin is empty",
			                   "--password-stdin：标准输入为空"));
			return CMD_USAGE;
		}
		if (!cmd_util_password_ok(sh, name, sh->op[1]))
			return CMD_ERROR;
	} else {
		char pw[CMD_USER_PW_LEN + 1];

		cmd_user_random_password(pw);
		shell_op_set(sh, 1, pw);
		shell_op_set(sh, 2, "1");
		sodium_memzero(pw, sizeof pw);
	}
	return CMD_OK;
}

/* The password itself goes out as a secret: the session's recording keeps only a marker. */
static void cmd_user_show_password(struct shell *sh)
{
	if (sh->op[2] == NULL)
		return;
	shell_printf(sh, "%s",
	             T(sh, "Password (shown once, hand it over safely): ",
	               "初始密码（只显示这一次，请妥善转交）："));
	shell_write_secret(sh, sh->op[1], "password");
	shell_printf(sh, "\n");
}

/* --- user add --------------------------------------------------------------------------- */

static void cmd_user_add_hashed_cb(struct shell *sh, int rc, const char *hash)
{
	struct args *a = &sh->args;
	struct audit_ctx ctx;
	struct account acct;
	const char *lang = args_get(a, "lang");

	if (rc < 0) {
		shell_errorf(sh, T(sh, "password hashing failed", "密码处理失败"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	memset(&acct, 0, sizeof acct);
	acct.name = (char *)a->pos[0];
	acct.display = (char *)args_get(a, "display");
	acct.role = role_parse(args_get(a, "role"));
	acct.lang = (char *)(lang ? lang : "zh");
	acct.team = (char *)args_get(a, "team");
	acct.pwhash = (char *)hash;
	shell_audit_ctx(sh, &ctx);
	rc = store_account_add(sh->host.store, &ctx, &acct);
	if (rc < 0) {
		shell_cmd_done(sh, cmd_user_store_error(sh, acct.name, rc));
		return;
	}
	shell_printf(sh, T(sh, "Account %s added (%s).\n", "已添加账号 %s（%s）。\n"), a->pos[0],
	             role_label(acct.role, sh->lang));
	cmd_user_show_password(sh);
	shell_cmd_done(sh, CMD_OK);
}

static int cmd_user_add(struct shell *sh, struct args *a)
{
	const char *name = a->pos[0];
	const char *role = args_get(a, "role");
	const char *lang = args_get(a, "lang");
	const char *display = args_get(a, "display");
	const char *team = args_get(a, "team");
	struct account acct;
	int rc;

	if (!cmd_user_name_ok(name))
		return cmd_user_bad_name(sh, name);
	if (role_parse(role) == ROLE_NONE) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, role);
		shell_errorf(sh,
		             T(sh, "unknown role `%s` (agent, supervisor, auditor, admin)",
		               "未知角色 `%s`（agent、supervisor、auditor、admin）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	if (lang != NULL && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) {
		shell_errorf(sh, T(sh, "--lang must be zh or en", "--lang 只能是 zh 或 en"));
		return CMD_USAGE;
	}
	if (display != NULL && strlen(display) > CMD_USER_DISPLAY_MAX) {
		shell_errorf(sh,
		             T(sh, "--display is too long (at most %d bytes)",
		               "--display 太长（最多 %d 字节）"),
		             CMD_USER_DISPLAY_MAX);
		return CMD_USAGE;
	}
	if (display != NULL && !shell_text_visible(sh, "--display", display, strlen(display)))
		return CMD_USAGE;
	memset(&acct, 0, sizeof acct);
	if (team != NULL) {
		rc = cmd_user_name_ok(team) ? store_account_get(sh->host.store, team, &acct)
		                            : STORE_ENOENT;
		if (rc == 0 && acct.role != ROLE_SUPERVISOR)
			rc = STORE_EINVAL;
		store_account_clear(&acct);
		if (rc < 0) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, team);
			shell_errorf(
			    sh, T(sh, "--team %s: no such supervisor", "--team %s：没有这个主管"),
			    buf_cstr(&w));
			buf_free(&w);
			return CMD_ERROR;
		}
	}
	rc = store_account_get(sh->host.store, name, &acct);
	store_account_clear(&acct);
	if (rc == 0)
		return cmd_user_store_error(sh, name, STORE_EEXIST);
	if (rc != STORE_ENOENT)
		return shell_store_error(sh, rc);
	rc = cmd_user_password(sh, a, name);
	if (rc != CMD_OK)
		return rc;
	return shell_pwhash(sh, sh->op[1], cmd_user_add_hashed_cb);
}

/* --- user list -------------------------------------------------------------------------- */

static void cmd_user_time(struct shell *sh, int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL) {
		snprintf(out, len, "%s", T(sh, "never", "从未"));
		return;
	}
	strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

static int cmd_user_list(struct shell *sh, struct args *a)
{
	struct account *list = NULL;
	struct buf out;
	size_t n = 0, i;
	int64_t now = store_now_ms() / 1000;
	int rc;

	rc = store_account_list(sh->host.store, &list, &n);
	if (rc < 0)
		return shell_store_error(sh, rc);
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_array_begin(&j);
		for (i = 0; i < n; i++) {
			const struct account *u = &list[i];

			json_object_begin(&j);
			json_kv_string(&j, "name", u->name);
			json_kv_string(&j, "display", u->display);
			json_kv_string(&j, "role", role_name(u->role));
			json_kv_string(&j, "lang", u->lang);
			json_kv_string(&j, "team", u->team);
			json_kv_bool(&j, "locked", u->locked);
			json_kv_int(&j, "failed", u->failed);
			json_kv_int(&j, "locked_until",
			            u->locked_until > now ? u->locked_until : 0);
			json_kv_bool(&j, "password", u->pwhash != NULL && u->pwhash[0] != '\0');
			json_kv_int(&j, "created", u->created);
			json_kv_int(&j, "last_login", u->last_login);
			json_object_end(&j);
		}
		json_array_end(&j);
		buf_putc(&out, '\n');
	} else {
		const char *hdr_en[] = {"NAME", "DISPLAY", "ROLE",      "LANG",
		                        "TEAM", "STATE",   "LAST LOGIN"};
		const char *hdr_zh[] = {"账号", "姓名", "角色", "语言", "班组", "状态", "最后登录"};
		struct table *t = table_new(7, shell_is_zh(sh) ? hdr_zh : hdr_en);

		table_set_max_width(t, 1, 24);
		for (i = 0; i < n; i++) {
			const struct account *u = &list[i];
			char state[64], last[32], until[32];
			const char *cells[7];

			if (u->locked) {
				snprintf(state, sizeof state, "%s", T(sh, "locked", "已锁定"));
			} else if (u->locked_until > now) {
				cmd_user_time(sh, u->locked_until, until, sizeof until);
				snprintf(state, sizeof state,
				         T(sh, "locked out until %s", "锁定至 %s"), until);
			} else {
				snprintf(state, sizeof state, "%s", T(sh, "active", "正常"));
			}
			cmd_user_time(sh, u->last_login, last, sizeof last);
			cells[0] = u->name;
			cells[1] = u->display;
			cells[2] = role_label(u->role, sh->lang);
			cells[3] = u->lang;
			cells[4] = u->team;
			cells[5] = state;
			cells[6] = last;
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_account_list_free(list, n);
	return CMD_OK;
}

/* --- user lock / unlock / role ---------------------------------------------------------- */

/* The live sessions of one account (not the caller's own), collected from the host's list. */
struct cmd_user_sessions {
	const char *name, *self;
	char ids[CMD_USER_SESSIONS_MAX][64];
	size_t n;
};

static void cmd_user_sessions_each(void *arg, const struct shell_session_info *si)
{
	struct cmd_user_sessions *c = arg;

	if (c->n < CMD_USER_SESSIONS_MAX && si->account != NULL && si->id != NULL &&
	    strcmp(si->account, c->name) == 0 && (c->self == NULL || strcmp(si->id, c->self) != 0))
		snprintf(c->ids[c->n++], sizeof c->ids[0], "%s", si->id);
}

/* A lock or a role change takes effect at once: the account's live sessions are ended with
 * reason shown (each end audited as session.kick), so none goes on with what it may no longer
 * do. Says how many; 0 without a host that has live sessions. */
static size_t cmd_user_end_sessions(struct shell *sh, const char *name, const char *why,
                                    const char *reason)
{
	const struct shell_monitor *m = sh->host.monitor;
	struct cmd_user_sessions c;
	struct audit_ctx ctx;
	size_t i, ended = 0;

	if (m == NULL || m->list == NULL || m->kick == NULL)
		return 0;
	memset(&c, 0, sizeof c);
	c.name = name;
	c.self = sh->opts.session_id;
	m->list(sh->host.ctx, cmd_user_sessions_each, &c);
	shell_audit_ctx(sh, &ctx);
	for (i = 0; i < c.n; i++) {
		/* Audited before it takes effect, as kick is. */
		if (store_audit(sh->host.store, &ctx, "session.kick", c.ids[i], why) < 0)
			continue;
		if (m->kick(sh->host.ctx, c.ids[i], reason) == 0)
			ended++;
	}
	if (ended > 0)
		shell_printf(sh,
		             T(sh, "Its %zu live session(s) were ended.\n",
		               "已结束该账号的 %zu 个在线会话。\n"),
		             ended);
	return ended;
}

static int cmd_user_set_locked(struct shell *sh, struct args *a, bool locked)
{
	struct audit_ctx ctx;
	const char *name = a->pos[0];
	int rc, n;

	if (!cmd_user_name_ok(name))
		return cmd_user_bad_name(sh, name);
	if (locked && strcmp(name, sh->user.name) == 0) {
		shell_errorf(sh, T(sh, "you cannot lock your own account", "不能锁定自己的账号"));
		return CMD_ERROR;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_account_set_locked(sh->host.store, &ctx, name, locked);
	if (rc < 0)
		return cmd_user_store_error(sh, name, rc);
	if (locked) {
		shell_printf(sh, T(sh, "Account %s locked.\n", "账号 %s 已锁定。\n"), name);
		cmd_user_end_sessions(sh, name, "account locked",
		                      "your account was locked by an admin / 您的账号已被管理员锁定");
		return CMD_OK;
	}
	/* The service's lockouts of this account, from whichever addresses they came. */
	n = sh->host.unlock != NULL ? sh->host.unlock(sh->host.ctx, name) : 0;
	if (n > 0)
		shell_printf(sh,
		             T(sh, "Account %s unlocked; its failed-login lockout from %d "
		                   "address(es) lifted.\n",
		               "账号 %s 已解锁；已解除其在 %d 个地址上因登录失败造成的锁定。\n"),
		             name, n);
	else
		shell_printf(sh, T(sh, "Account %s unlocked.\n", "账号 %s 已解锁。\n"), name);
	return CMD_OK;
}

static int cmd_user_lock(struct shell *sh, struct args *a)
{
	return cmd_user_set_locked(sh, a, true);
}

static int cmd_user_unlock(struct shell *sh, struct args *a)
{
	return cmd_user_set_locked(sh, a, false);
}

static int cmd_user_role(struct shell *sh, struct args *a)
{
	struct audit_ctx ctx;
	const char *name = a->pos[0];
	enum role r = role_parse(a->pos[1]);
	int rc;

	if (!cmd_user_name_ok(name))
		return cmd_user_bad_name(sh, name);
	if (r == ROLE_NONE) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, a->pos[1]);
		shell_errorf(sh,
		             T(sh, "unknown role `%s` (agent, supervisor, auditor, admin)",
		               "未知角色 `%s`（agent、supervisor、auditor、admin）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	if (strcmp(name, sh->user.name) == 0 && r != ROLE_ADMIN) {
		shell_errorf(sh, T(sh, "you cannot take away your own admin role",
		                   "不能取消自己的管理员角色"));
		return CMD_ERROR;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_account_set_role(sh->host.store, &ctx, name, r);
	if (rc < 0)
		return cmd_user_store_error(sh, name, rc);
	shell_printf(sh, T(sh, "Account %s is now %s.\n", "账号 %s 的角色已改为%s。\n"), name,
	             role_label(r, sh->lang));
	/* Its sessions were started with the old role: they end, and log in again with the new. */
	cmd_user_end_sessions(sh, name, "role changed",
	                      "your role was changed by an admin: log in again / "
	                      "您的角色已被管理员修改，请重新登录");
	return CMD_OK;
}

/* --- user key --------------------------------------------------------------------------- */

struct cmd_user_key {
	char *type, *blob, *comment;
};

/* Checks an OpenSSH public key: a known type, base64 that decodes to a key blob whose first
 * field names the same type. Prints why not. */
static bool cmd_user_key_ok(struct shell *sh, const char *type, const char *b64)
{
	unsigned char *bin;
	size_t binlen = 0, i, tlen = strlen(type), blen = strlen(b64);
	bool known = false, ok;

	for (i = 0; i < sizeof cmd_user_key_types / sizeof cmd_user_key_types[0]; i++)
		if (strcmp(type, cmd_user_key_types[i]) == 0)
			known = true;
	if (!known) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, type);
		shell_errorf(sh, T(sh, "unsupported key type `%s`", "不支持的密钥类型 `%s`"),
		             buf_cstr(&w));
		buf_free(&w);
		return false;
	}
	if (blen == 0 || blen > CMD_USER_KEY_MAX * 4 / 3 + 4) {
		shell_errorf(sh, T(sh, "the key data has a wrong length", "密钥数据长度不对"));
		return false;
	}
	bin = malloc(blen);
	if (bin == NULL)
		abort();
	ok = sodium_base642bin(bin, blen, b64, blen, NULL, &binlen, NULL,
	                       sodium_base64_VARIANT_ORIGINAL) == 0;
	if (ok)
		ok = binlen >= 4 + tlen &&
		     ((uint32_t)bin[0] << 24 | (uint32_t)bin[1] << 16 | (uint32_t)bin[2] << 8 |
		      (uint32_t)bin[3]) == tlen &&
		     memcmp(bin + 4, type, tlen) == 0;
	free(bin);
	if (!ok)
		shell_errorf(sh,
		             T(sh, "the key data is not a valid %s public key (base64)",
		               "密钥数据不是有效的 %s 公钥（base64）"),
		             type);
	return ok;
}

/* Splits an authorized_keys line "TYPE BASE64 [COMMENT]" into k (strings owned by k). */
static bool cmd_user_key_split(const char *line, struct cmd_user_key *k)
{
	const char *p = line, *s;
	size_t n;

	memset(k, 0, sizeof *k);
	while (*p == ' ' || *p == '\t')
		p++;
	for (s = p; *p && *p != ' ' && *p != '\t'; p++)
		;
	k->type = strndup(s, (size_t)(p - s));
	while (*p == ' ' || *p == '\t')
		p++;
	for (s = p; *p && *p != ' ' && *p != '\t'; p++)
		;
	k->blob = strndup(s, (size_t)(p - s));
	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	k->comment = strndup(p, n);
	if (k->type == NULL || k->blob == NULL || k->comment == NULL)
		abort();
	return k->type[0] != '\0' && k->blob[0] != '\0';
}

static void cmd_user_key_clear(struct cmd_user_key *k)
{
	free(k->type);
	free(k->blob);
	free(k->comment);
	memset(k, 0, sizeof *k);
}

static int cmd_user_key(struct shell *sh, struct args *a)
{
	struct cmd_user_key keys[CMD_USER_KEYS_MAX];
	struct audit_ctx ctx;
	struct account acct;
	const char *name = a->pos[0];
	size_t nkeys = 0, i;
	int rc = CMD_OK;

	memset(keys, 0, sizeof keys);
	if (!cmd_user_name_ok(name))
		return cmd_user_bad_name(sh, name);
	if (args_has(a, "stdin")) {
		struct buf line;
		size_t pos = 0;

		if (a->npos != 1) {
			shell_errorf(sh, T(sh, "--stdin: give the keys on stdin, not as arguments",
			                   "--stdin：公钥应从标准输入给出，而不是作为参数"));
			return CMD_USAGE;
		}
		buf_init(&line);
		while (rc == CMD_OK && shell_stdin_line(sh, &pos, &line)) {
			const char *p = buf_cstr(&line);

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '\0' || *p == '#')
				continue;
			if (nkeys == CMD_USER_KEYS_MAX) {
				shell_errorf(
				    sh,
				    T(sh, "too many keys (at most %d)", "公钥太多（最多 %d 个）"),
				    CMD_USER_KEYS_MAX);
				rc = CMD_USAGE;
				break;
			}
			if (!utf8_valid(p, strlen(p)) || !cmd_user_key_split(p, &keys[nkeys])) {
				cmd_user_key_clear(&keys[nkeys]);
				shell_errorf(sh,
				             T(sh, "not a public key line: TYPE BASE64 [COMMENT]",
				               "不是公钥行：类型 BASE64 [注释]"));
				rc = CMD_USAGE;
				break;
			}
			nkeys++;
		}
		buf_free(&line);
		if (rc == CMD_OK && nkeys == 0) {
			shell_errorf(
			    sh, T(sh, "--stdin: no key on stdin", "--stdin：标准输入中没有公钥"));
			rc = CMD_USAGE;
		}
	} else {
		struct buf comment;

		if (a->npos < 3) {
			shell_errorf(sh,
			             T(sh, "give the key as TYPE BASE64 [COMMENT], or --stdin",
			               "请以 类型 BASE64 [注释] 的形式给出公钥，或使用 --stdin"));
			shell_errorf(sh, "%s%s", T(sh, "usage: ", "用法："), sh->cmd->usage);
			return CMD_USAGE;
		}
		buf_init(&comment);
		for (i = 3; i < a->npos; i++) {
			if (i > 3)
				buf_putc(&comment, ' ');
			buf_puts(&comment, a->pos[i]);
		}
		keys[0].type = strdup(a->pos[1]);
		keys[0].blob = strdup(a->pos[2]);
		keys[0].comment = buf_steal(&comment);
		if (keys[0].type == NULL || keys[0].blob == NULL)
			abort();
		nkeys = 1;
	}
	for (i = 0; rc == CMD_OK && i < nkeys; i++)
		if (!cmd_user_key_ok(sh, keys[i].type, keys[i].blob) ||
		    !shell_text_visible(sh, T(sh, "The key's comment", "公钥注释"), keys[i].comment,
		                        strlen(keys[i].comment)))
			rc = CMD_ERROR;
	if (rc == CMD_OK) {
		memset(&acct, 0, sizeof acct);
		rc = store_account_get(sh->host.store, name, &acct);
		store_account_clear(&acct);
		if (rc < 0)
			rc = cmd_user_store_error(sh, name, rc);
	}
	shell_audit_ctx(sh, &ctx);
	for (i = 0; rc == CMD_OK && i < nkeys; i++) {
		int src =
		    store_account_key_add(sh->host.store, &ctx, name, keys[i].type, keys[i].blob,
		                          keys[i].comment[0] ? keys[i].comment : NULL);

		if (src < 0)
			rc = shell_store_error(sh, src);
		else if (shell_is_zh(sh))
			shell_printf(sh, "已为 %s 添加 %s 公钥。\n", name, keys[i].type);
		else
			shell_printf(sh, "Key %s added to %s.\n", keys[i].type, name);
	}
	for (i = 0; i < nkeys; i++)
		cmd_user_key_clear(&keys[i]);
	return rc;
}

/* --- user passwd ------------------------------------------------------------------------ */

static void cmd_user_passwd_hashed_cb(struct shell *sh, int rc, const char *hash)
{
	struct audit_ctx ctx;

	if (rc < 0) {
		shell_errorf(sh, T(sh, "password hashing failed", "密码处理失败"));
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_account_set_password(sh->host.store, &ctx, sh->args.pos[0], hash);
	if (rc < 0) {
		shell_cmd_done(sh, cmd_user_store_error(sh, sh->args.pos[0], rc));
		return;
	}
	shell_printf(sh, T(sh, "Password of %s reset.\n", "账号 %s 的密码已重置。\n"),
	             sh->args.pos[0]);
	cmd_user_show_password(sh);
	shell_cmd_done(sh, CMD_OK);
}

static int cmd_user_passwd(struct shell *sh, struct args *a)
{
	struct account acct;
	const char *name = a->pos[0];
	int rc;

	if (!cmd_user_name_ok(name))
		return cmd_user_bad_name(sh, name);
	memset(&acct, 0, sizeof acct);
	rc = store_account_get(sh->host.store, name, &acct);
	store_account_clear(&acct);
	if (rc < 0)
		return cmd_user_store_error(sh, name, rc);
	rc = cmd_user_password(sh, a, name);
	if (rc != CMD_OK)
		return rc;
	return shell_pwhash(sh, sh->op[1], cmd_user_passwd_hashed_cb);
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_user_add[] = {
    {"role", ARGS_VALUE | ARGS_REQUIRED},
    {"display", ARGS_VALUE},
    {"lang", ARGS_VALUE},
    {"team", ARGS_VALUE},
    {"password-stdin", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_user_key[] = {
    {"stdin", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_user_passwd[] = {
    {"password-stdin", 0},
    {NULL, 0},
};

static const struct cmd_entry cmd_user_entries[] = {
    {"user", "add", ROLE_ADMIN, cmd_opts_user_add, 1, 1,
     "user add NAME --role ROLE [--display TEXT] [--lang zh|en] [--team SUPERVISOR] "
     "[--password-stdin]",
     "Create an account. A random password is generated and shown once, unless "
     "--password-stdin (exec mode) gives it on the first line of stdin.",
     "新建账号。默认生成随机密码并只显示一次；exec 模式下可用 --password-stdin 从标准输入"
     "第一行读取密码。",
     CMD_AUDIT, "password-stdin", cmd_user_add, CMD_STDIN_PASSWORDS},
    {"user", "list", ROLE_ADMIN, cmd_opts_json, 0, 0, "user list [--json]",
     "List the accounts with role, language, team, lock state and last login.",
     "列出所有账号：角色、语言、班组、锁定状态、最后登录时间。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_user_list, 0},
    {"user", "lock", ROLE_ADMIN, NULL, 1, 1, "user lock NAME",
     "Lock an account: it can no longer log in, from anywhere, by password or key.",
     "锁定账号，使其不能从任何地址以密码或密钥登录。", CMD_AUDIT, NULL, cmd_user_lock, 0},
    {"user", "unlock", ROLE_ADMIN, NULL, 1, 1, "user unlock NAME",
     "Unlock an account: clear an admin's lock and its failed-login lockouts from every "
     "address.",
     "解锁账号：清除管理员的锁定，以及它在所有地址上因登录失败造成的锁定。", CMD_AUDIT, NULL,
     cmd_user_unlock, 0},
    {"user", "role", ROLE_ADMIN, NULL, 2, 2, "user role NAME agent|supervisor|auditor|admin",
     "Change an account's role.", "修改账号的角色。", CMD_AUDIT, NULL, cmd_user_role, 0},
    {"user", "key", ROLE_ADMIN, cmd_opts_user_key, 1, ARGS_MAX_WORDS,
     "user key NAME TYPE BASE64 [COMMENT] | user key NAME --stdin",
     "Add an OpenSSH public key to an account, given as arguments or (exec mode, --stdin) "
     "as authorized_keys lines on stdin.",
     "为账号添加 OpenSSH 公钥：作为参数给出，或（exec 模式，--stdin）从标准输入读取 "
     "authorized_keys 格式的行。",
     CMD_AUDIT, "stdin", cmd_user_key, CMD_STDIN_KEYS},
    {"user", "passwd", ROLE_ADMIN, cmd_opts_user_passwd, 1, 1,
     "user passwd NAME [--password-stdin]",
     "Reset an account's password: a random one shown once, or (exec mode) the first line "
     "of stdin.",
     "重置账号密码：默认生成随机密码并只显示一次，或（exec 模式）读取标准输入第一行。", CMD_AUDIT,
     "password-stdin", cmd_user_passwd, CMD_STDIN_PASSWORDS},
};

const struct cmd_group cmd_user_group = {cmd_user_entries, sizeof cmd_user_entries / sizeof cmd_user_entries[0],
                                           "Accounts", "账号"};
