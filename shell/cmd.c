/* cmd — the command table and the one dispatcher. */
#include "cmd.h"

#include <string.h>

#include "shell_int.h"
#include "store.h"
#include "utf8.h"

static const struct args_opt cmd_opts_json[] = {
    {"json", 0},
    {NULL, 0},
};

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

/* Complaint intake (cmd_complaint.c, cmd_promise.c, cmd_technique.c, cmd_unit.c,
 * cmd_report.c). */
static const struct args_opt cmd_opts_complaint_add[] = {
    {"unit", ARGS_VALUE | ARGS_REQUIRED},
    {"category", ARGS_VALUE | ARGS_REQUIRED},
    {"technique", ARGS_VALUE | ARGS_REQUIRED},
    {"phone", ARGS_VALUE},
    {"caller", ARGS_VALUE},
    {"relation", ARGS_VALUE},
    {"channel", ARGS_VALUE},
    {"mood", ARGS_VALUE},
    {"dialect", ARGS_VALUE},
    {"promise", ARGS_VALUE},
    {"due", ARGS_VALUE},
    {"stdin", 0},
    {"json", 0},
    {NULL, 0},
};

/* clang-format off */
#define CMD_OPTS_COMPLAINT_FILTERS                                                              \
	{"mine", 0}, {"status", ARGS_VALUE}, {"unit", ARGS_VALUE}, {"category", ARGS_VALUE},    \
	    {"technique", ARGS_VALUE}, {"agent", ARGS_VALUE}, {"assignee", ARGS_VALUE},         \
	    {"since", ARGS_VALUE}, {"until", ARGS_VALUE}, {"overdue", 0}, {"limit", ARGS_VALUE}, \
	    {"offset", ARGS_VALUE}, {"json", 0}
/* clang-format on */

static const struct args_opt cmd_opts_complaint_list[] = {
    CMD_OPTS_COMPLAINT_FILTERS,
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_search[] = {
    CMD_OPTS_COMPLAINT_FILTERS,
    {"regex", 0},
    {"caseless", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_stdin[] = {
    {"stdin", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_assign[] = {
    {"note", ARGS_VALUE | ARGS_REQUIRED},
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_escalate[] = {
    {"reason", ARGS_VALUE | ARGS_REQUIRED},
    {"to", ARGS_VALUE},
    {NULL, 0},
};

static const struct args_opt cmd_opts_complaint_resolve[] = {
    {"outcome", ARGS_VALUE | ARGS_REQUIRED},
    {NULL, 0},
};

static const struct args_opt cmd_opts_reason[] = {
    {"reason", ARGS_VALUE | ARGS_REQUIRED},
    {NULL, 0},
};

static const struct args_opt cmd_opts_promise_list[] = {
    {"overdue", 0},        {"agent", ARGS_VALUE}, {"all", 0}, {"closed", 0},
    {"limit", ARGS_VALUE}, {"json", 0},           {NULL, 0},
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

static const struct args_opt cmd_opts_technique_list[] = {
    {"kind", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_page[] = {
    {"limit", ARGS_VALUE},
    {"offset", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_unit_import[] = {
    {"dry-run", 0},
    {"ignore-unknown", 0},
    {"json", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_report_techniques[] = {
    {"since", ARGS_VALUE}, {"until", ARGS_VALUE}, {"category", ARGS_VALUE},
    {"by", ARGS_VALUE},    {"json", 0},           {NULL, 0},
};

static const struct args_opt cmd_opts_report_promises[] = {
    {"agent", ARGS_VALUE},
    {"limit", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

/* Single-word commands first (help lists them as the session group), then groups. */
const struct cmd_entry cmd_table[] = {
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
     "Lock an account: it can no longer log in.", "锁定账号，使其不能登录。", CMD_AUDIT, NULL,
     cmd_user_lock, 0},
    {"user", "unlock", ROLE_ADMIN, NULL, 1, 1, "user unlock NAME",
     "Unlock an account and clear its failed-login lockout.",
     "解锁账号，并清除登录失败造成的锁定。", CMD_AUDIT, NULL, cmd_user_unlock, 0},
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
    {"config", "reload", ROLE_ADMIN, NULL, 0, 0, "config reload",
     "Re-read the configuration file (limits, login rules, logging) without a restart; a file "
     "with errors is refused and the running configuration kept.",
     "重新读取配置文件（限制、登录规则、日志），无需重启；有错误的配置文件不会生效，继续使用原配置"
     "。",
     CMD_AUDIT, NULL, cmd_config_reload, 0},
    {"complaint", "new", ROLES_DESK, NULL, 0, 0, "complaint new",
     "Take a complaint with a guided form: unit, caller, phone, channel, category, the owner's "
     "words, mood, suggested techniques, promises. ? at any step shows the choices, < goes "
     "back, Ctrl-C asks before discarding; the draft is kept if the connection drops.",
     "通过引导式表单登记投诉：单元、来电人、电话、渠道、类别、业主原话、情绪、推荐的沟通方法、承诺"
     "。"
     "每一步输入 ? 查看选项，< 返回上一步，Ctrl-C 确认后放弃；连接中断时草稿会保留。",
     CMD_AUDIT | CMD_INTERACTIVE, NULL, cmd_complaint_new, 0},
    {"complaint", "add", ROLES_DESK, cmd_opts_complaint_add, 0, ARGS_MAX_WORDS,
     "complaint add --unit U --category C --technique T[,T] [--phone P] [--caller NAME] "
     "[--relation owner|family|tenant|other] [--channel phone|visit|onsite] "
     "[--mood calm|upset|angry] [--dialect D] [--promise TEXT --due YYYY-MM-DD[ HH:MM]] "
     "[--json] TEXT | --stdin",
     "Take a complaint in one line (exec mode and power users): the owner's words as TEXT or, "
     "in exec mode, with --stdin; techniques and non-verbal measures as codes (technique "
     "list); optionally one promise with its due date.",
     "一行登记投诉（exec 模式和熟练用户）：业主原话作为 TEXT，或在 exec 模式下用 --stdin 从标准输入"
     "读取；沟通方法和非语言措施用代码给出（technique list 查看）；可同时记录一条承诺及其期限。",
     CMD_AUDIT, "stdin", cmd_complaint_add, CMD_STDIN_TEXT},
    {"complaint", "show", ROLES_DESK, cmd_opts_json, 1, 1, "complaint show NUMBER [--json]",
     "Show a complaint in full: the record, techniques, promises, notes, handovers and "
     "history.",
     "显示投诉的全部内容：记录、沟通方法、承诺、备注、交接和历史。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_complaint_show, 0},
    {"complaint", "list", ROLES_DESK, cmd_opts_complaint_list, 0, 0,
     "complaint list [--mine] [--status S[,S]] [--unit U] [--category C] [--technique T] "
     "[--agent A] [--assignee A] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--overdue] "
     "[--limit N] [--offset N] [--json]",
     "List complaints, newest first, with filters (--since and --until are inclusive days; "
     "--overdue: with a promise past its due time).",
     "按时间倒序列出投诉，可筛选（--since、--until 为包含当天的日期；--overdue：有承诺已逾期）。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_complaint_list, 0},
    {"complaint", "search", ROLES_DESK, cmd_opts_complaint_search, 1, 1,
     "complaint search TEXT|PATTERN [--regex [--caseless]] [list filters] [--json]",
     "Search the owner's words, outcomes and notes: plain text (works for Chinese: 漏水 finds "
     "卫生间漏水) or, with --regex, a PCRE2 pattern with match limits.",
     "在业主原话、处理结果和备注中搜索：普通文字（支持中文，漏水 可找到 卫生间漏水），或用 --regex "
     "给出有匹配上限的 PCRE2 正则表达式。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_complaint_search, 0},
    {"complaint", "note", ROLES_DESK, cmd_opts_stdin, 1, ARGS_MAX_WORDS,
     "complaint note NUMBER TEXT | complaint note NUMBER --stdin",
     "Add a note to a complaint (append-only).", "为投诉添加备注（只增不改）。", CMD_AUDIT, "stdin",
     cmd_complaint_note, CMD_STDIN_TEXT},
    {"complaint", "tag", ROLES_DESK, NULL, 2, ARGS_MAX_WORDS, "complaint tag NUMBER +CODE -CODE...",
     "Add (+CODE) or remove (-CODE) techniques and non-verbal measures of a complaint.",
     "为投诉添加（+代码）或去掉（-代码）沟通方法和非语言措施。", CMD_AUDIT, NULL,
     cmd_complaint_tag, 0},
    {"complaint", "assign", ROLES_DESK, cmd_opts_complaint_assign, 2, 2,
     "complaint assign NUMBER AGENT --note TEXT",
     "Hand a complaint over to another agent with a handover note: the owner's mood, what was "
     "promised, what not to repeat.",
     "把投诉转交给另一位客服，并写交接说明：业主情绪、已承诺的事项、不要重复的话。", CMD_AUDIT,
     NULL, cmd_complaint_assign, 0},
    {"complaint", "escalate", ROLES_DESK, cmd_opts_complaint_escalate, 1, 1,
     "complaint escalate NUMBER --reason TEXT [--to AGENT]",
     "Escalate a complaint (optionally handing it to a supervisor or colleague).",
     "升级投诉（可同时转交给主管或同事）。", CMD_AUDIT, NULL, cmd_complaint_escalate, 0},
    {"complaint", "resolve", ROLES_DESK, cmd_opts_complaint_resolve, 1, 1,
     "complaint resolve NUMBER --outcome TEXT",
     "Resolve a complaint with its outcome; refused while a promise is open (keep it or "
     "withdraw it first).",
     "办结投诉并写明处理结果；有未兑现的承诺时不能办结（先兑现或撤回）。", CMD_AUDIT, NULL,
     cmd_complaint_resolve, 0},
    {"complaint", "reopen", ROLES_DESK, cmd_opts_reason, 1, 1,
     "complaint reopen NUMBER --reason TEXT", "Reopen a resolved complaint.", "重开已办结的投诉。",
     CMD_AUDIT, NULL, cmd_complaint_reopen, 0},
    {"promise", "add", ROLES_DESK, cmd_opts_promise_add, 1, 1,
     "promise add NUMBER --due YYYY-MM-DD[ HH:MM] --text TEXT [--json]",
     "Make a new promise on a complaint that is not resolved: what you promised the owner and "
     "by when (a date alone means the end of that day; the due time must be in the future).",
     "为未解决的投诉新增一条承诺：向业主承诺的内容和期限（只写日期表示当天结束前；期限必须在将来）"
     "。",
     CMD_AUDIT, NULL, cmd_promise_add, 0},
    {"promise", "list", ROLES_DESK, cmd_opts_promise_list, 0, 0,
     "promise list [--overdue] [--agent A | --all] [--closed] [--limit N] [--json]",
     "List promises, most urgent first: your own open ones unless --agent or --all; "
     "--closed includes kept and withdrawn ones.",
     "按紧急程度列出承诺：默认是自己未兑现的承诺；--agent / --all 查看他人或全部；--closed "
     "包括已兑现"
     "和已撤回的。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_promise_list, 0},
    {"promise", "done", ROLES_DESK, cmd_opts_promise_done, 1, 1, "promise done ID [--note TEXT]",
     "Mark a promise kept (说到就要做到).", "标记承诺已兑现（说到就要做到）。", CMD_AUDIT, NULL,
     cmd_promise_done, 0},
    {"promise", "withdraw", ROLES_DESK, cmd_opts_reason, 1, 1, "promise withdraw ID --reason TEXT",
     "Withdraw a promise, saying why.", "撤回一条承诺，并说明原因。", CMD_AUDIT, NULL,
     cmd_promise_withdraw, 0},
    {"technique", "list", ROLES_ALL, cmd_opts_technique_list, 0, 0,
     "technique list [--kind verbal|nonverbal] [--json]",
     "List the communication techniques and non-verbal measures of the service handbook.",
     "列出服务手册中的沟通方法和非语言措施。", CMD_AUDIT | CMD_READONLY, NULL, cmd_technique_list, 0},
    {"technique", "show", ROLES_ALL, cmd_opts_json, 1, 1, "technique show CODE [--json]",
     "Show a technique with the handbook's guidance, in your language.",
     "显示某个沟通方法及服务手册中的要领说明。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_technique_show, 0},
    {"unit", "list", ROLES_DESK, cmd_opts_page, 0, 0, "unit list [--limit N] [--offset N] [--json]",
     "List the unit register.", "列出单元登记表。", CMD_AUDIT | CMD_READONLY, NULL, cmd_unit_list, 0},
    {"unit", "show", ROLES_DESK, cmd_opts_json, 1, 1, "unit show UNIT [--json]",
     "Show a unit of the register and how many complaints it has.",
     "显示登记表中的单元及其投诉数量。", CMD_AUDIT | CMD_READONLY, NULL, cmd_unit_show, 0},
    {"unit", "history", ROLES_DESK, cmd_opts_json, 1, 1, "unit history UNIT [--json]",
     "Every complaint and promise of a unit, newest first.",
     "按时间倒序列出某单元的全部投诉和承诺。", CMD_AUDIT | CMD_READONLY, NULL, cmd_unit_history, 0},
    {"unit", "import", ROLE_ADMIN, cmd_opts_unit_import, 0, 0,
     "unit import [--dry-run] [--ignore-unknown] [--json] < units.csv",
     "Load the unit register from CSV on stdin (exec mode: ssh HOST unit import < units.csv), "
     "all or nothing. UTF-8 (a BOM is fine), commas, quotes as in RFC 4180. The first line "
     "names the columns: code (or unit, 单元, 单元编号, 房号), building (楼栋, 楼号), owner "
     "(owner_name, 业主, 业主姓名), phone (owner_phone, 电话, 业主电话, 联系电话, 手机), area "
     "(area_m2, 面积, 建筑面积; 89.5 or 89.5㎡); only code is required. A code already in the "
     "register is updated: the file's columns replace its values (an empty cell clears one), "
     "columns not in the file are kept. Reports how many units were added, updated and "
     "unchanged. A bad row stops the import with its line number and nothing is written. "
     "--dry-run checks and counts without writing; --ignore-unknown skips other columns.",
     "从标准输入读取 CSV 文件导入单元登记表（exec 模式：ssh 主机 unit import < units.csv），"
     "全部成功或全部不导入。UTF-8 编码（可带 BOM），逗号分隔，引号规则同 RFC 4180。第一行是列名："
     "单元（或 单元编号、房号、code、unit）、楼栋（楼号、building）、业主（业主姓名、owner、"
     "owner_name）、电话（业主电话、联系电话、手机、phone、owner_phone）、面积（建筑面积、area、"
     "area_m2；如 89.5 或 89.5㎡）；只有单元列是必需的。"
     "登记表中已有的单元会被更新：文件中的列覆盖原值（空单元格清空该项），文件中没有的列保持不变。"
     "完成后报告新增、更新、未变的单元数。"
     "任何一行有错误都会停止导入并指出行号，不写入任何内容。--dry-run 只检查和统计，不写入；"
     "--ignore-unknown 跳过其他列。",
     CMD_AUDIT | CMD_STDIN, NULL, cmd_unit_import, CMD_STDIN_IMPORT},
    {"report", "techniques", ROLES_SUPERVISOR, cmd_opts_report_techniques, 0, 0,
     "report techniques [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--category C] "
     "[--by agent] [--json]",
     "Per technique (and agent with --by agent): complaints, share resolved, median time to "
     "resolve, reopen and escalation rates, promises kept on time.",
     "按沟通方法（加 --by agent 则再按客服）统计：投诉数、解决率、解决时长中位数、重开率、升级率、"
     "承诺按时兑现情况。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_report_techniques, 0},
    {"report", "promises", ROLES_SUPERVISOR, cmd_opts_report_promises, 0, 0,
     "report promises [--agent A] [--limit N] [--json]",
     "Open and overdue promises by agent, and the overdue ones oldest first.",
     "按客服统计未兑现和已逾期的承诺，并列出逾期承诺（最早的在前）。", CMD_AUDIT | CMD_READONLY,
     NULL, cmd_report_promises, 0},
};

const size_t cmd_table_len = sizeof cmd_table / sizeof cmd_table[0];

/* The first word of an entry: its group, or the word of a single-word command. */
static const char *cmd_first_word(const struct cmd_entry *e)
{
	return e->group ? e->group : e->verb;
}

static bool cmd_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Appends word to a space separated list unless it is already there. */
static void cmd_list_add(struct buf *list, const char *word)
{
	const char *p;
	size_t n = strlen(word);

	if (list == NULL)
		return;
	for (p = buf_cstr(list); (p = strstr(p, word)) != NULL; p += n) {
		if ((p == list->data || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return;
	}
	if (list->len > 0)
		buf_putc(list, ' ');
	buf_puts(list, word);
}

/* Resolves the first word: the exact first word, or the one first word that word prefixes. */
static int cmd_lookup_first(const char *word, const char **first, struct buf *candidates)
{
	const char *found = NULL;
	size_t i, matches = 0;
	struct buf names;

	for (i = 0; i < cmd_table_len; i++) {
		if (strcmp(cmd_first_word(&cmd_table[i]), word) == 0) {
			*first = cmd_first_word(&cmd_table[i]);
			return 0;
		}
	}
	buf_init(&names);
	for (i = 0; i < cmd_table_len; i++) {
		const char *w = cmd_first_word(&cmd_table[i]);

		if (word[0] != '\0' && cmd_has_prefix(w, word) &&
		    (found == NULL || strcmp(found, w))) {
			size_t before = names.len;

			cmd_list_add(&names, w);
			if (names.len != before) {
				matches++;
				found = w;
			}
		}
	}
	if (matches == 1) {
		buf_free(&names);
		*first = found;
		return 0;
	}
	if (matches > 1 && candidates != NULL)
		buf_puts(candidates, buf_cstr(&names));
	buf_free(&names);
	return matches > 1 ? CMD_EAMBIGUOUS : CMD_EUNKNOWN;
}

int cmd_lookup(const char *const *words, size_t nwords, unsigned roles,
               const struct cmd_entry **out, size_t *nused, struct buf *candidates)
{
	const struct cmd_entry *found = NULL;
	const char *first;
	size_t i, matches = 0;
	int rc;

	if (nwords == 0)
		return CMD_EEMPTY;
	rc = cmd_lookup_first(words[0], &first, candidates);
	if (rc < 0)
		return rc;
	for (i = 0; i < cmd_table_len; i++) {
		if (cmd_table[i].group == NULL && strcmp(cmd_table[i].verb, first) == 0) {
			*out = &cmd_table[i];
			*nused = 1;
			return 0;
		}
	}
	/* A group: its verb. */
	if (nwords < 2) {
		for (i = 0; i < cmd_table_len; i++)
			if (cmd_table[i].group && strcmp(cmd_table[i].group, first) == 0 &&
			    (cmd_table[i].roles & roles))
				cmd_list_add(candidates, cmd_table[i].verb);
		return CMD_ENOVERB;
	}
	for (i = 0; i < cmd_table_len; i++) {
		const struct cmd_entry *e = &cmd_table[i];

		if (e->group && strcmp(e->group, first) == 0 && strcmp(e->verb, words[1]) == 0) {
			*out = e;
			*nused = 2;
			return 0;
		}
	}
	for (i = 0; i < cmd_table_len; i++) {
		const struct cmd_entry *e = &cmd_table[i];

		if (e->group && strcmp(e->group, first) == 0 && words[1][0] != '\0' &&
		    cmd_has_prefix(e->verb, words[1])) {
			matches++;
			found = e;
		}
	}
	if (matches == 1) {
		*out = found;
		*nused = 2;
		return 0;
	}
	for (i = 0; i < cmd_table_len; i++) {
		const struct cmd_entry *e = &cmd_table[i];

		if (e->group == NULL || strcmp(e->group, first) != 0)
			continue;
		if (matches > 1 ? cmd_has_prefix(e->verb, words[1]) : (e->roles & roles) != 0)
			cmd_list_add(candidates, e->verb);
	}
	return matches > 1 ? CMD_EAMBIGUOUS : CMD_EUNKNOWN;
}

void cmd_name(const struct cmd_entry *e, struct buf *out)
{
	if (e->group) {
		buf_puts(out, e->group);
		buf_putc(out, ' ');
	}
	buf_puts(out, e->verb);
}

const char *cmd_help_text(const struct cmd_entry *e, const char *lang)
{
	return lang != NULL && strcmp(lang, "zh") == 0 ? e->help_zh : e->help_en;
}

/* The roles allowed to run e, as "admin" or "supervisor, admin" in the session language. */
static void cmd_roles_text(const struct shell *sh, unsigned roles, struct buf *out)
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

static void cmd_print_usage(struct shell *sh, const struct cmd_entry *e)
{
	shell_errorf(sh, "%s%s", T(sh, "usage: ", "用法："), e->usage);
}

/* The words of the command as typed, quoted where needed, with its canonical name first. */
static void cmd_words_text(const struct shell *sh, struct buf *out)
{
	size_t i;

	cmd_name(sh->cmd, out);
	for (i = sh->cmd->group ? 2 : 1; i < sh->args.nwords; i++) {
		buf_putc(out, ' ');
		args_quote(out, sh->args.words[i]);
	}
}

static int cmd_audit(struct shell *sh, const char *action)
{
	struct audit_ctx ctx;
	struct buf name, detail;
	int rc;

	buf_init(&name);
	buf_init(&detail);
	cmd_name(sh->cmd, &name);
	cmd_words_text(sh, &detail);
	shell_audit_ctx(sh, &ctx);
	rc = store_audit(sh->host.store, &ctx, action, buf_cstr(&name), buf_cstr(&detail));
	buf_free(&name);
	buf_free(&detail);
	return rc;
}

int cmd_prepare(struct shell *sh, const char *line, size_t len)
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
	rc = cmd_lookup(sh->args.words, sh->args.nwords, (unsigned)sh->user.role, &e, &used, &cand);
	if (rc < 0) {
		struct buf w;
		const char *first;

		buf_init(&w);
		/* What failed: the first word, or the verb after a known group ("user l"). */
		if (rc != CMD_ENOVERB && sh->args.nwords > 1 &&
		    cmd_lookup_first(sh->args.words[0], &first, NULL) == 0) {
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
		cmd_roles_text(sh, e->roles, &roles);
		shell_errorf(
		    sh,
		    T(sh, "permission denied: `%s` needs role %s", "权限不足：`%s` 需要角色 %s"),
		    buf_cstr(&name), buf_cstr(&roles));
		buf_free(&name);
		buf_free(&roles);
		(void)cmd_audit(sh, "command.denied");
		sh->cmd = NULL;
		return CMD_DENIED;
	}
	rc = args_parse(&sh->args, used, e->opts, e->min_args, e->max_args);
	if (rc < 0) {
		buf_init(&msg);
		args_error(&sh->args, rc, sh->lang, &msg);
		shell_errorf(sh, "%s", buf_cstr(&msg));
		buf_free(&msg);
		cmd_print_usage(sh, e);
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
		cmd_print_usage(sh, e);
		sh->cmd = NULL;
		return CMD_USAGE;
	}
	return 0;
}

bool cmd_wants_stdin(const struct shell *sh)
{
	const struct cmd_entry *e = sh->cmd;

	if (e == NULL || sh->interactive)
		return false;
	if (e->flags & CMD_STDIN)
		return true;
	return e->stdin_opt != NULL && args_has(&sh->args, e->stdin_opt);
}

size_t cmd_stdin_max(const struct shell *sh)
{
	return sh->cmd != NULL ? sh->cmd->stdin_max : 0;
}

int cmd_execute(struct shell *sh)
{
	/* A command that would change something does not run unless it can be audited; one
	 * that only reads runs anyway, with a warning, so a full disk or a locked database does
	 * not stop the desk from looking things up. */
	if (sh->cmd->flags & CMD_AUDIT) {
		int rc = cmd_audit(sh, "command");

		if (rc < 0 && !(sh->cmd->flags & CMD_READONLY))
			return shell_store_error(sh, rc);
		if (rc < 0)
			shell_errorf(sh, "%s: %s",
				     T(sh, "warning: this command was not recorded in the audit trail",
				       "警告：本条命令未能记入审计日志"),
				     store_strerror(rc, sh->lang));
	}
	return sh->cmd->handler(sh, &sh->args);
}

/* The label of a help section: the group name, or "session" for single words. */
static const char *cmd_section_label(const char *group, const char *lang)
{
	if (group != NULL)
		return group;
	return lang != NULL && strcmp(lang, "zh") == 0 ? "会话" : "session";
}

void cmd_help_list(unsigned roles, const char *lang, struct buf *out)
{
	bool zh = lang != NULL && strcmp(lang, "zh") == 0;
	size_t i, j, width = 0;

	for (i = 0; i < cmd_table_len; i++) {
		struct buf n;

		if (!(cmd_table[i].roles & roles))
			continue;
		buf_init(&n);
		cmd_name(&cmd_table[i], &n);
		if (n.len > width)
			width = n.len;
		buf_free(&n);
	}
	buf_puts(out, zh ? "可用命令（help 命令 查看详细用法）：\n"
	                 : "Commands you may run (help COMMAND for details):\n");
	for (i = 0; i < cmd_table_len; i++) {
		const struct cmd_entry *e = &cmd_table[i];
		bool seen = false;

		/* Each section once, at the first entry of its group. */
		for (j = 0; j < i; j++) {
			const char *a = cmd_table[j].group, *b = e->group;

			if ((a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0))
				seen = true;
		}
		if (seen)
			continue;
		for (j = i; j < cmd_table_len; j++) {
			const struct cmd_entry *f = &cmd_table[j];
			const char *a = f->group, *b = e->group;
			struct buf n;

			if (!((a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0)))
				continue;
			if (!(f->roles & roles))
				continue;
			if (!seen) {
				buf_printf(out, "\n%s\n", cmd_section_label(e->group, lang));
				seen = true;
			}
			buf_init(&n);
			cmd_name(f, &n);
			buf_printf(out, "  %-*s  %s\n", (int)width, buf_cstr(&n),
			           cmd_help_text(f, lang));
			buf_free(&n);
		}
	}
}

int cmd_help_one(const char *const *words, size_t nwords, unsigned roles, const char *lang,
                 struct buf *out)
{
	bool zh = lang != NULL && strcmp(lang, "zh") == 0;
	const struct cmd_entry *e;
	size_t used, i;
	int rc;

	rc = cmd_lookup(words, nwords, roles, &e, &used, NULL);
	if (rc == CMD_ENOVERB) {
		const char *first;
		bool any = false;

		/* help GROUP: the usage of each verb the role may run. */
		cmd_lookup_first(words[0], &first, NULL);
		for (i = 0; i < cmd_table_len; i++) {
			e = &cmd_table[i];
			if (e->group == NULL || strcmp(e->group, first) != 0 || !(e->roles & roles))
				continue;
			buf_printf(out, "%s\n    %s\n", e->usage, cmd_help_text(e, lang));
			any = true;
		}
		if (!any)
			buf_printf(out,
			           zh ? "%s：你的角色不能使用这组命令\n"
			              : "%s: your role may not run these commands\n",
			           first);
		return 0;
	}
	if (rc < 0)
		return rc;
	buf_printf(out, "%s%s\n%s\n", zh ? "用法：" : "usage: ", e->usage, cmd_help_text(e, lang));
	if (!(e->roles & roles))
		buf_puts(out, zh ? "（你的角色不能使用这个命令）\n"
		                 : "(your role may not run this command)\n");
	return 0;
}

void cmd_complete(unsigned roles, const char *line, size_t len, cmd_complete_add add, void *arg)
{
	struct args a;
	const char *word;
	size_t nfull, i;
	bool trailing_space;

	args_init(&a);
	if (args_split(&a, line, len, 0) < 0)
		return;
	trailing_space = len == 0 || line[len - 1] == ' ' || line[len - 1] == '\t';
	nfull = trailing_space ? a.nwords : (a.nwords > 0 ? a.nwords - 1 : 0);
	word = trailing_space || a.nwords == 0 ? "" : a.words[a.nwords - 1];
	if (nfull == 0) {
		/* First word: groups and single words with at least one allowed command. */
		for (i = 0; i < cmd_table_len; i++) {
			const char *w = cmd_first_word(&cmd_table[i]);
			size_t j;
			bool dup = false;

			if (!(cmd_table[i].roles & roles) || !cmd_has_prefix(w, word))
				continue;
			for (j = 0; j < i; j++)
				if ((cmd_table[j].roles & roles) &&
				    strcmp(cmd_first_word(&cmd_table[j]), w) == 0)
					dup = true;
			if (!dup)
				add(arg, w);
		}
	} else {
		const struct cmd_entry *e;
		size_t used;
		const char *first;

		if (nfull == 1 && cmd_lookup_first(a.words[0], &first, NULL) == 0) {
			for (i = 0; i < cmd_table_len; i++) {
				const struct cmd_entry *f = &cmd_table[i];

				if (f->group && strcmp(f->group, first) == 0 &&
				    (f->roles & roles) && cmd_has_prefix(f->verb, word))
					add(arg, f->verb);
			}
		}
		/* Options of a known command. */
		if (strncmp(word, "--", 2) == 0 &&
		    cmd_lookup(a.words, nfull, roles, &e, &used, NULL) == 0 && (e->roles & roles) &&
		    e->opts != NULL) {
			const struct args_opt *o;

			for (o = e->opts; o->name != NULL; o++) {
				struct buf b;

				buf_init(&b);
				buf_printf(&b, "--%s", o->name);
				if (cmd_has_prefix(b.data, word))
					add(arg, b.data);
				buf_free(&b);
			}
		}
	}
	args_clear(&a);
}
