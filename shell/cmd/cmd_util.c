/* cmd_util — what the command groups share: dates and counts on the command line, text
 * checks, times and durations, phone masking (one rule for who sees a whole number), catalog
 * names and status labels in the session language, desk accounts, and jobs on the thread pool.
 * Loop thread only, except a job's run function (on a pool thread). */
#include "cmd_util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "cmd.h"
#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_account.h"
#include "store_complaint.h"
#include "utf8.h"

#define CMD_UTIL_PW_MIN 8    /* characters in a password */
#define CMD_UTIL_PW_MAX 1024 /* bytes */

/* Parses exactly n decimal digits. */
static bool cmd_util_digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Local time of y-m-d h:mi, or -1 when it is no real date (2026-02-30) or time. */
static int64_t cmd_util_mktime(int y, int m, int d, int h, int mi)
{
	struct tm tm;
	time_t t;

	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 || h > 24 || mi > 59)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	tzset();
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	/* mktime normalises 02-30 to 03-02: refuse that. */
	if (h < 24 && (tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d))
		return -1;
	return (int64_t)t * 1000;
}

/* "YYYY-MM-DD" at s; true with y, m, d. */
static bool cmd_util_ymd(const char *s, int *y, int *m, int *d)
{
	return strlen(s) >= 10 && cmd_util_digits(s, 4, y) && s[4] == '-' &&
	       cmd_util_digits(s + 5, 2, m) && s[7] == '-' && cmd_util_digits(s + 8, 2, d);
}

static int cmd_util_bad_date(struct shell *sh, const char *opt, const char *s, bool time)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, s);
	if (time)
		shell_errorf(sh,
		             T(sh,
		               "--%s: `%s` is not a date: use YYYY-MM-DD or \"YYYY-MM-DD HH:MM\" "
		               "(local time)",
		               "--%s：`%s` 不是有效日期，请用 YYYY-MM-DD 或 \"YYYY-MM-DD "
		               "HH:MM\"（本地时间）"),
		             opt, buf_cstr(&w));
	else
		shell_errorf(sh,
		             T(sh, "--%s: `%s` is not a date: use YYYY-MM-DD (local time)",
		               "--%s：`%s` 不是有效日期，请用 YYYY-MM-DD（本地时间）"),
		             opt, buf_cstr(&w));
	buf_free(&w);
	return CMD_USAGE;
}

int cmd_util_parse_day(struct shell *sh, const char *opt, const char *s, bool end, int64_t *ms)
{
	int y, m, d;
	int64_t t;

	if (s == NULL || strlen(s) != 10 || !cmd_util_ymd(s, &y, &m, &d) ||
	    (t = cmd_util_mktime(y, m, d, 0, 0)) < 0)
		return cmd_util_bad_date(sh, opt, s ? s : "", false);
	if (end) {
		/* The next day's midnight by the calendar (a DST day may not be 24 hours). */
		struct tm tm;
		time_t secs;

		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d + 1;
		tm.tm_isdst = -1;
		secs = mktime(&tm);
		if (secs == (time_t)-1)
			return cmd_util_bad_date(sh, opt, s, false);
		t = (int64_t)secs * 1000;
	}
	*ms = t;
	return CMD_OK;
}

int cmd_util_parse_due(struct shell *sh, const char *opt, const char *s, int64_t *ms)
{
	int y, m, d, h = 23, mi = 59;
	size_t n = s ? strlen(s) : 0;
	int64_t t;

	if (n != 10 && n != 16)
		return cmd_util_bad_date(sh, opt, s ? s : "", true);
	if (!cmd_util_ymd(s, &y, &m, &d))
		return cmd_util_bad_date(sh, opt, s, true);
	if (n == 16 && ((s[10] != ' ' && s[10] != 'T') || !cmd_util_digits(s + 11, 2, &h) ||
	                s[13] != ':' || !cmd_util_digits(s + 14, 2, &mi) || h > 23))
		return cmd_util_bad_date(sh, opt, s, true);
	t = cmd_util_mktime(y, m, d, h, mi);
	if (t < 0)
		return cmd_util_bad_date(sh, opt, s, true);
	if (n == 10)
		t += 59999; /* 23:59:59.999: due at the end of the day */
	*ms = t;
	return CMD_OK;
}

/* A number from min to max for --opt; 0 when absent. */
static int cmd_util_parse_number(struct shell *sh, const char *opt, const char *s, size_t min,
                                 size_t max, size_t *out)
{
	char *end = NULL;
	unsigned long v;

	*out = 0;
	if (s == NULL)
		return CMD_OK;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < min || v > max) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, s);
		shell_errorf(sh,
		             T(sh, "--%s: `%s` is not a number from %zu to %zu",
		               "--%s：`%s` 不是 %zu 到 %zu 之间的数字"),
		             opt, buf_cstr(&w), min, max);
		buf_free(&w);
		return CMD_USAGE;
	}
	*out = (size_t)v;
	return CMD_OK;
}

int cmd_util_parse_count(struct shell *sh, const char *opt, const char *s, size_t max, size_t *out)
{
	return cmd_util_parse_number(sh, opt, s, 1, max, out);
}

int cmd_util_parse_offset(struct shell *sh, const char *s, size_t max, size_t *out)
{
	return cmd_util_parse_number(sh, "offset", s, 0, max, out);
}

void cmd_util_time(int64_t ms, bool with_time, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(out, len, "-");
		return;
	}
	strftime(out, len, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm);
}

void cmd_util_duration(const struct shell *sh, int64_t ms, char *out, size_t len)
{
	double min = (double)ms / 60000.0;

	if (ms < 0)
		snprintf(out, len, "-");
	else if (min < 60)
		snprintf(out, len, T(sh, "%.0f min", "%.0f 分钟"), min);
	else if (min < 48 * 60)
		snprintf(out, len, T(sh, "%.1f h", "%.1f 小时"), min / 60);
	else
		snprintf(out, len, T(sh, "%.1f d", "%.1f 天"), min / 1440);
}

bool cmd_util_sees_phone(const struct shell *sh, const char *agent, const char *assignee)
{
	/* The store's rule for who may work a complaint is the rule for who sees its phone. */
	return store_complaint_status_may_work(agent, assignee, sh->user.name,
	                                       role_name(sh->user.role));
}

void cmd_util_phone(const char *phone, bool whole, struct buf *out)
{
	size_t i, n;

	if (phone == NULL)
		return;
	n = strlen(phone);
	if (whole || n < 8) {
		buf_puts(out, phone);
		return;
	}
	/* The first three and the last four stay: 138****1234, 010*****5678. */
	for (i = 0; i < n; i++)
		buf_putc(out, i < 3 || i >= n - 4 ? phone[i] : '*');
}

void cmd_util_id_number(const struct shell *sh, const char *id, struct buf *out)
{
	size_t i, n;

	if (id == NULL) {
		buf_putc(out, '-');
		return;
	}
	n = strlen(id);
	if (cmd_util_sees_phone(sh, NULL, NULL) || n < 8) {
		shell_clean(out, id);
		return;
	}
	buf_append(out, id, 3);
	for (i = 3; i < n - 4; i++)
		buf_putc(out, '*');
	buf_append(out, id + n - 4, 4);
}

struct catalog *cmd_util_catalog(struct shell *sh)
{
	return sh->host.catalog != NULL ? sh->host.catalog(sh->host.ctx) : NULL;
}

const char *cmd_util_category_name(const struct shell *sh, const struct catalog *c,
                                   const char *code)
{
	const struct catalog_item *it =
	    c != NULL && code != NULL ? catalog_category(c, code) : NULL;

	return it != NULL ? catalog_name(it, sh->lang) : code;
}

const char *cmd_util_technique_name(const struct shell *sh, const struct catalog *c,
                                    const char *code)
{
	const struct catalog_item *it =
	    c != NULL && code != NULL ? catalog_technique(c, code) : NULL;

	return it != NULL ? catalog_name(it, sh->lang) : code;
}

const char *cmd_util_status_label(const struct shell *sh, int status)
{
	switch (status) {
	case COMPLAINT_OPEN:
		return T(sh, "open", "待处理");
	case COMPLAINT_IN_PROGRESS:
		return T(sh, "in progress", "处理中");
	case COMPLAINT_RESOLVED:
		return T(sh, "resolved", "已解决");
	case COMPLAINT_ESCALATED:
		return T(sh, "escalated", "已升级");
	case COMPLAINT_REOPENED:
		return T(sh, "reopened", "已重开");
	default:
		return "?";
	}
}

int cmd_util_status_parse(const char *typed)
{
	static const struct {
		int status;
		const char *en, *zh;
	} labels[] = {
	    {COMPLAINT_OPEN, "open", "待处理"},
	    {COMPLAINT_IN_PROGRESS, "in progress", "处理中"},
	    {COMPLAINT_RESOLVED, "resolved", "已解决"},
	    {COMPLAINT_ESCALATED, "escalated", "已升级"},
	    {COMPLAINT_REOPENED, "reopened", "已重开"},
	};
	struct buf f;
	const char *t;
	size_t i;
	int st;

	st = store_complaint_status_parse(typed);
	if (st >= 0)
		return st;
	buf_init(&f);
	t = utf8_fold_trim(&f, typed);
	for (i = 0; i < f.len; i++)
		if (f.data[i] >= 'A' && f.data[i] <= 'Z')
			f.data[i] = (char)(f.data[i] - 'A' + 'a');
	st = store_complaint_status_parse(t);
	for (i = 0; st < 0 && i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(t, labels[i].en) == 0 || strcmp(t, labels[i].zh) == 0)
			st = labels[i].status;
	buf_free(&f);
	return st;
}

const char *cmd_util_promise_label(const struct shell *sh, int status)
{
	switch (status) {
	case PROMISE_OPEN:
		return T(sh, "open", "未兑现");
	case PROMISE_KEPT:
		return T(sh, "kept", "已兑现");
	case PROMISE_WITHDRAWN:
		return T(sh, "withdrawn", "已撤回");
	default:
		return "?";
	}
}

const char *cmd_util_promise_state(const struct shell *sh, int status, int64_t due_ms, int64_t now)
{
	if (status == PROMISE_OPEN && due_ms < now)
		return T(sh, "OVERDUE", "已逾期");
	return cmd_util_promise_label(sh, status);
}

void cmd_util_account_label(struct shell *sh, const char *name, struct buf *out)
{
	struct account acct;

	if (name == NULL || name[0] == '\0') {
		buf_puts(out, "-");
		return;
	}
	shell_clean(out, name);
	memset(&acct, 0, sizeof acct);
	if (store_account_get(sh->host.store, name, &acct) == 0 && acct.display != NULL &&
	    acct.display[0] != '\0' && strcmp(acct.display, name) != 0) {
		buf_puts(out, T(sh, " (", "（"));
		shell_clean(out, acct.display);
		buf_puts(out, T(sh, ")", "）"));
	}
	store_account_clear(&acct);
}

int cmd_util_not_yours(struct shell *sh, const char *number, int64_t promise, const char *maker,
                       bool assign)
{
	struct complaint c;
	struct buf holder, taker, made;

	memset(&c, 0, sizeof c);
	if (store_complaint_get(sh->host.store, number, &c, false) < 0) {
		store_complaint_clear(&c);
		return shell_store_error(sh, STORE_EOWNER);
	}
	buf_init(&holder);
	buf_init(&taker);
	buf_init(&made);
	cmd_util_account_label(sh, c.assignee, &holder);
	cmd_util_account_label(sh, c.agent, &taker);
	if (promise > 0) {
		cmd_util_account_label(sh, maker, &made);
		shell_errorf(sh,
		             T(sh,
		               "promise #%lld is not yours: it was made by %s on %s, which %s "
		               "holds; only they or a supervisor may close it",
		               "承诺 #%lld 不是您的：它由 %s在投诉 %s 上作出，该投诉由 %s"
		               "负责；只有他们或主管可以处理"),
		             (long long)promise, buf_cstr(&made), c.number, buf_cstr(&holder));
	} else if (assign) {
		shell_errorf(sh,
		             T(sh,
		               "complaint %s is held by %s: only its holder or a supervisor may hand "
		               "it over",
		               "投诉 %s 由 %s负责：只有负责人或主管可以转交"),
		             c.number, buf_cstr(&holder));
	} else if (c.agent != NULL && c.assignee != NULL && strcmp(c.agent, c.assignee) == 0) {
		shell_errorf(sh,
		             T(sh,
		               "complaint %s is not yours: %s holds it; only they or a supervisor "
		               "may change it (ask them, or a supervisor to assign it to you)",
		               "投诉 %s 不是您的：由 %s负责；只有负责人或主管可以处理"
		               "（请联系负责人，或请主管转交给您）"),
		             c.number, buf_cstr(&holder));
	} else {
		shell_errorf(sh,
		             T(sh,
		               "complaint %s is not yours: %s holds it, %s took it; only they or a "
		               "supervisor may change it (ask them, or a supervisor to assign it to "
		               "you)",
		               "投诉 %s 不是您的：由 %s负责，%s受理；只有他们或主管可以处理"
		               "（请联系他们，或请主管转交给您）"),
		             c.number, buf_cstr(&holder), buf_cstr(&taker));
	}
	buf_free(&holder);
	buf_free(&taker);
	buf_free(&made);
	store_complaint_clear(&c);
	return CMD_ERROR;
}

bool cmd_util_desk_account(struct shell *sh, const char *opt, const char *name)
{
	struct account acct;
	struct buf w;
	int rc;

	memset(&acct, 0, sizeof acct);
	rc = store_account_get(sh->host.store, name, &acct);
	if (rc == 0 && (acct.role & ROLES_DESK)) {
		store_account_clear(&acct);
		return true;
	}
	store_account_clear(&acct);
	buf_init(&w);
	shell_clean(&w, name);
	if (rc == STORE_ENOENT || rc == STORE_EINVAL)
		shell_errorf(sh, T(sh, "%s%s: no such account", "%s%s：没有这个账号"), opt,
		             buf_cstr(&w));
	else if (rc == 0)
		shell_errorf(sh,
		             T(sh,
		               "%s%s: that account does not work complaints (agent, supervisor "
		               "or admin only)",
		               "%s%s：该账号不处理投诉（只能是客服、主管或管理员）"),
		             opt, buf_cstr(&w));
	else
		shell_store_error(sh, rc);
	buf_free(&w);
	return false;
}

void cmd_util_json_double(struct json *j, const char *key, double v)
{
	char num[48];

	json_key(j, key);
	if (v != v || v > 1e15 || v < -1e15) {
		json_null(j);
		return;
	}
	/* "%.4f" in the C locale (the service never calls setlocale), trailing zeros cut. */
	snprintf(num, sizeof num, "%.4f", v);
	while (strchr(num, '.') != NULL && (num[strlen(num) - 1] == '0'))
		num[strlen(num) - 1] = '\0';
	if (num[strlen(num) - 1] == '.')
		num[strlen(num) - 1] = '\0';
	buf_puts(j->out, num);
	j->after_key = false;
}

/* --- jobs on the thread pool ------------------------------------------------------------- */

static int cmd_util_job_run_cb(struct store *ro, void *arg)
{
	struct cmd_util_job *job = arg;

	return job->run(ro, job);
}

static void cmd_util_job_done_cb(struct shell *sh, void *arg, int rc)
{
	struct cmd_util_job *job = arg;
	int status = CMD_ERROR;

	/* Work the pool never ran (cancelled): said once here for every job. */
	if (sh != NULL && rc == -ECANCELED)
		shell_errorf(sh, "%s", T(sh, "the command was cancelled", "命令已取消"));
	else if (sh != NULL)
		status = job->finish(sh, job, rc);
	job->free(job);
	if (sh != NULL)
		shell_cmd_done(sh, status);
}

int cmd_util_job(struct shell *sh, struct cmd_util_job *job, bool loop_ok)
{
	int rc;

	if (sh->host.work != NULL) {
		rc = shell_work(sh, cmd_util_job_run_cb, cmd_util_job_done_cb, job);
		if (rc != CMD_PENDING)
			job->free(job);
		return rc;
	}
	if (!loop_ok) {
		shell_errorf(sh, "%s",
		             T(sh, "this host has no background workers for this command",
		               "当前宿主没有可运行此命令的后台线程"));
		job->free(job);
		return CMD_ERROR;
	}
	/* A host without a thread pool (the console): a bounded read, done here. */
	rc = job->run(sh->host.store, job);
	rc = job->finish(sh, job, rc);
	job->free(job);
	return rc;
}

bool cmd_util_text_ok(struct shell *sh, const char *what, const char *text, size_t max)
{
	size_t i, chars, n = text ? strlen(text) : 0;
	bool content = false;
	uint32_t cp;
	int r;

	for (i = 0; i < n; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			content = true;
	if (!content) {
		shell_errorf(sh, T(sh, "%s is empty", "%s 不能为空"), what);
		return false;
	}
	if (n > max) {
		shell_errorf(
		    sh, T(sh, "%s is too long (at most %zu bytes)", "%s 太长（最多 %zu 字节）"),
		    what, max);
		return false;
	}
	if (!utf8_valid(text, n)) {
		shell_errorf(sh, T(sh, "%s is not valid UTF-8", "%s 不是有效的 UTF-8 文本"), what);
		return false;
	}
	/* Say which character, rather than the store's bare "invalid value". */
	for (i = 0, chars = 1; i < n; i += (size_t)r, chars++) {
		r = utf8_decode((const unsigned char *)text + i, n - i, &cp);
		if (r <= 0)
			break;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7F && cp <= 0x9F)) {
			shell_errorf(sh,
			             T(sh,
			               "%s holds a control character (U+%04X, character %zu): "
			               "control characters and terminal escape sequences are not "
			               "stored",
			               "%s 含有控制字符（U+%04X，第 %zu 个字符）："
			               "控制字符和终端转义序列不能保存"),
			             what, (unsigned)cp, chars);
			return false;
		}
	}
	return shell_text_visible(sh, what, text, n);
}

bool cmd_util_password_ok(struct shell *sh, const char *user, const char *pw)
{
	size_t len = strlen(pw), chars = 0, i;

	if (!utf8_valid(pw, len)) {
		shell_errorf(sh, T(sh, "the password must be valid UTF-8 text",
		                   "密码必须是有效的 UTF-8 文本"));
		return false;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (chars < CMD_UTIL_PW_MIN) {
		shell_errorf(
		    sh,
		    T(sh, "the password needs at least %d characters", "密码至少需要 %d 个字符"),
		    CMD_UTIL_PW_MIN);
		return false;
	}
	if (len > CMD_UTIL_PW_MAX) {
		shell_errorf(sh, T(sh, "the password is too long", "密码太长"));
		return false;
	}
	if (user != NULL && strcmp(pw, user) == 0) {
		shell_errorf(
		    sh, T(sh, "the password must not be the account name", "密码不能与账号名相同"));
		return false;
	}
	return true;
}
