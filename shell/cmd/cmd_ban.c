/* cmd_ban — the service's failed-login penalties, for admins: `ban list` shows the addresses
 * whose password logins are slowed or refused and the (account, address) pairs that have
 * failed or are locked out; `ban lift ADDRESS|all` lifts them. They live in the service's
 * memory (a reload keeps them), reached only through the host (shell_host.bans, ban_lift). */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_audit.h"
#include "table.h"

/* What `ban list` shows at most (the service forgets what has run out). */
#define CMD_BAN_LIST_MAX 10000

struct cmd_ban_row {
	char *addr;
	char *account; /* NULL: the address */
	int failures;
	bool blocked;
	int64_t left_s;
};

struct cmd_ban_rows {
	struct cmd_ban_row *v;
	size_t n, cap;
	size_t dropped;
};

static void cmd_ban_collect_cb(void *arg, const struct shell_ban *b)
{
	struct cmd_ban_rows *rows = arg;
	struct cmd_ban_row *r;

	if (rows->n == CMD_BAN_LIST_MAX) {
		rows->dropped++;
		return;
	}
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 16;
		rows->v = realloc(rows->v, rows->cap * sizeof *rows->v);
		if (rows->v == NULL)
			abort();
	}
	r = &rows->v[rows->n++];
	r->addr = strdup(b->addr);
	r->account = b->account != NULL ? strdup(b->account) : NULL;
	if (r->addr == NULL || (b->account != NULL && r->account == NULL))
		abort();
	r->failures = b->failures;
	r->blocked = b->blocked;
	r->left_s = b->left_s;
}

/* Addresses before their pairs, then by account. */
static int cmd_ban_cmp(const void *pa, const void *pb)
{
	const struct cmd_ban_row *a = pa, *b = pb;
	int c = strcmp(a->addr, b->addr);

	if (c != 0)
		return c;
	if ((a->account == NULL) != (b->account == NULL))
		return a->account == NULL ? -1 : 1;
	return a->account != NULL ? strcmp(a->account, b->account) : 0;
}

static void cmd_ban_rows_free(struct cmd_ban_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++) {
		free(rows->v[i].addr);
		free(rows->v[i].account);
	}
	free(rows->v);
}

static void cmd_ban_left(const struct shell *sh, int64_t s, char *out, size_t len)
{
	if (s < 60)
		snprintf(out, len, T(sh, "%lld s", "%lld 秒"), (long long)s);
	else
		cmd_util_duration(sh, s * 1000, out, len);
}

static int cmd_ban_no_host(struct shell *sh)
{
	shell_errorf(sh, "%s",
	             T(sh, "this host keeps no login penalties", "当前宿主没有登录失败的封禁记录"));
	return CMD_ERROR;
}

static int cmd_ban_list(struct shell *sh, struct args *a)
{
	struct cmd_ban_rows rows;
	struct buf out;
	size_t i;

	if (sh->host.bans == NULL)
		return cmd_ban_no_host(sh);
	memset(&rows, 0, sizeof rows);
	sh->host.bans(sh->host.ctx, cmd_ban_collect_cb, &rows);
	if (rows.n > 1)
		qsort(rows.v, rows.n, sizeof rows.v[0], cmd_ban_cmp);
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_array_begin(&j);
		for (i = 0; i < rows.n; i++) {
			const struct cmd_ban_row *r = &rows.v[i];

			json_object_begin(&j);
			json_kv_string(&j, "address", r->addr);
			json_kv_string(&j, "account", r->account);
			json_kv_int(&j, "failures", r->failures);
			json_kv_bool(&j, "blocked", r->blocked);
			json_kv_int(&j, "seconds_left", r->blocked ? r->left_s : 0);
			json_object_end(&j);
		}
		json_array_end(&j);
		buf_putc(&out, '\n');
	} else if (rows.n == 0) {
		buf_puts(&out, T(sh, "No failed logins are held against any address or account.\n",
		                 "目前没有任何地址或账号因登录失败被记录或封禁。\n"));
	} else {
		const char *hdr_en[] = {"ADDRESS", "ACCOUNT", "FAILURES", "STATE"};
		const char *hdr_zh[] = {"地址", "账号", "失败次数", "状态"};
		struct table *t = table_new(4, shell_is_zh(sh) ? hdr_zh : hdr_en);

		for (i = 0; i < rows.n; i++) {
			const struct cmd_ban_row *r = &rows.v[i];
			char count[16], state[128], left[32];
			const char *cells[4];
			struct buf acct;

			buf_init(&acct);
			if (r->account != NULL)
				shell_clean(&acct, r->account);
			else
				buf_puts(&acct, T(sh, "(every account)", "（所有账号）"));
			snprintf(count, sizeof count, "%d", r->failures);
			cmd_ban_left(sh, r->left_s, left, sizeof left);
			if (r->blocked && r->account == NULL)
				snprintf(state, sizeof state,
				         T(sh, "password logins refused, %s left",
				           "已暂停密码登录，剩余 %s"),
				         left);
			else if (r->blocked)
				snprintf(state, sizeof state,
				         T(sh, "locked out, %s left", "已锁定，剩余 %s"), left);
			else
				snprintf(state, sizeof state, "%s",
				         r->account == NULL
				             ? T(sh, "penalty (leaks away)", "扣分中（随时间减少）")
				             : T(sh, "slowed", "已放慢"));
			cells[0] = r->addr;
			cells[1] = buf_cstr(&acct);
			cells[2] = count;
			cells[3] = state;
			table_add_row(t, cells);
			buf_free(&acct);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		if (rows.dropped > 0)
			buf_printf(&out, T(sh, "(%zu more not shown)\n", "（另有 %zu 条未显示）\n"),
			           rows.dropped);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	cmd_ban_rows_free(&rows);
	return CMD_OK;
}

/* An IPv4 or IPv6 address in the form the service keeps it (an IPv4-mapped one as IPv4). */
static bool cmd_ban_addr(const char *text, char *out, size_t len)
{
	unsigned char b[16];

	if (inet_pton(AF_INET, text, b) == 1)
		return inet_ntop(AF_INET, b, out, (socklen_t)len) != NULL;
	if (inet_pton(AF_INET6, text, b) != 1)
		return false;
	if (memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
		return inet_ntop(AF_INET, b + 12, out, (socklen_t)len) != NULL;
	return inet_ntop(AF_INET6, b, out, (socklen_t)len) != NULL;
}

static int cmd_ban_lift(struct shell *sh, struct args *a)
{
	const char *what = a->pos[0];
	char addr[64], detail[64];
	struct audit_ctx ctx;
	bool all = strcmp(what, "all") == 0;
	int n, rc;

	if (sh->host.ban_lift == NULL)
		return cmd_ban_no_host(sh);
	if (!all && !cmd_ban_addr(what, addr, sizeof addr)) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, what);
		shell_errorf(sh,
		             T(sh, "`%s` is not an IP address (or `all`)",
		               "`%s` 不是 IP 地址（也不是 `all`）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	n = sh->host.ban_lift(sh->host.ctx, all ? NULL : addr);
	snprintf(detail, sizeof detail, "%d bans and locks lifted", n);
	shell_audit_ctx(sh, &ctx);
	rc = store_audit(sh->host.store, &ctx, "ban.lift", all ? "all" : addr, detail);
	if (rc < 0)
		shell_errorf(sh, "%s",
		             T(sh, "warning: the lift was done but could not be audited",
		               "警告：已解除，但未能写入审计记录"));
	if (all)
		shell_printf(sh,
		             T(sh, "Every address's login penalties lifted (%d bans and locks).\n",
		               "已解除所有地址的登录失败处罚（%d 项封禁和锁定）。\n"),
		             n);
	else
		shell_printf(sh,
		             T(sh, "Login penalties of %s lifted (%d bans and locks).\n",
		               "已解除 %s 的登录失败处罚（%d 项封禁和锁定）。\n"),
		             addr, n);
	return rc < 0 ? CMD_ERROR : CMD_OK;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct cmd_entry cmd_ban_entries[] = {
    {"ban", "list", ROLE_ADMIN, cmd_opts_json, 0, 0, "ban list [--json]",
     "Show the failed-login penalties the service holds: addresses whose password logins are "
     "refused or whose penalty is still leaking away, and (account, address) pairs that have "
     "failed or are locked out. Key logins and trusted networks are never refused for them.",
     "显示服务记录的登录失败处罚：已暂停密码登录或扣分尚未消退的地址，以及登录失败或已被锁定的"
     "（账号，地址）组合。密钥登录和受信任网络不受其影响。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_ban_list, 0},
    {"ban", "lift", ROLE_ADMIN, NULL, 1, 1, "ban lift ADDRESS|all",
     "Lift an address's login penalty and the lockouts of every account from it (all: of "
     "every address). To lift one account's lockouts from everywhere: user unlock NAME.",
     "解除某个地址的登录失败处罚，以及从该地址登录的所有账号的锁定（all：所有地址）。"
     "要解除某个账号在所有地址上的锁定：user unlock NAME。",
     CMD_AUDIT, NULL, cmd_ban_lift, 0},
};

const struct cmd_group cmd_ban_group = {cmd_ban_entries, sizeof cmd_ban_entries / sizeof cmd_ban_entries[0],
                                           "Login penalties", "登录封禁"};
