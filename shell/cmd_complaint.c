/* cmd_complaint — complaints (投诉) from the command line: add (exec mode and power users),
 * show, list, search (substring and bounded PCRE2, on the thread pool), note, tag, assign,
 * escalate, resolve, reopen; and the helpers the promise, technique, unit and report commands
 * share (dates, phone masking, catalog names, labels, thread-pool jobs). */
#include "cmd.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "json.h"
#include "rx.h"
#include "shell_int.h"
#include "store.h"
#include "store_complaint.h"
#include "table.h"
#include "utf8.h"

#define CMD_COMPLAINT_LIST_MAX 1000 /* --limit */
#define CMD_COMPLAINT_WORDS_COLS 20 /* the words column of a list */

/* ==== shared helpers ====================================================================== */

/* Parses exactly n decimal digits. */
static bool cmd_complaint_digits(const char *s, size_t n, int *out)
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
static int64_t cmd_complaint_mktime(int y, int m, int d, int h, int mi)
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
static bool cmd_complaint_ymd(const char *s, int *y, int *m, int *d)
{
	return strlen(s) >= 10 && cmd_complaint_digits(s, 4, y) && s[4] == '-' &&
	       cmd_complaint_digits(s + 5, 2, m) && s[7] == '-' &&
	       cmd_complaint_digits(s + 8, 2, d);
}

static int cmd_complaint_bad_date(struct shell *sh, const char *opt, const char *s, bool time)
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

int cmd_complaint_parse_day(struct shell *sh, const char *opt, const char *s, bool end, int64_t *ms)
{
	int y, m, d;
	int64_t t;

	if (s == NULL || strlen(s) != 10 || !cmd_complaint_ymd(s, &y, &m, &d) ||
	    (t = cmd_complaint_mktime(y, m, d, 0, 0)) < 0)
		return cmd_complaint_bad_date(sh, opt, s ? s : "", false);
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
			return cmd_complaint_bad_date(sh, opt, s, false);
		t = (int64_t)secs * 1000;
	}
	*ms = t;
	return CMD_OK;
}

int cmd_complaint_parse_due(struct shell *sh, const char *opt, const char *s, int64_t *ms)
{
	int y, m, d, h = 23, mi = 59;
	size_t n = s ? strlen(s) : 0;
	int64_t t;

	if (n != 10 && n != 16)
		return cmd_complaint_bad_date(sh, opt, s ? s : "", true);
	if (!cmd_complaint_ymd(s, &y, &m, &d))
		return cmd_complaint_bad_date(sh, opt, s, true);
	if (n == 16 && ((s[10] != ' ' && s[10] != 'T') || !cmd_complaint_digits(s + 11, 2, &h) ||
	                s[13] != ':' || !cmd_complaint_digits(s + 14, 2, &mi) || h > 23))
		return cmd_complaint_bad_date(sh, opt, s, true);
	t = cmd_complaint_mktime(y, m, d, h, mi);
	if (t < 0)
		return cmd_complaint_bad_date(sh, opt, s, true);
	if (n == 10)
		t += 59999; /* 23:59:59.999: due at the end of the day */
	*ms = t;
	return CMD_OK;
}

int cmd_complaint_parse_count(struct shell *sh, const char *opt, const char *s, size_t max,
                              size_t *out)
{
	char *end = NULL;
	unsigned long v;

	*out = 0;
	if (s == NULL)
		return CMD_OK;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < 1 || v > max) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, s);
		shell_errorf(sh,
		             T(sh, "--%s: `%s` is not a number from 1 to %zu",
		               "--%s：`%s` 不是 1 到 %zu 之间的数字"),
		             opt, buf_cstr(&w), max);
		buf_free(&w);
		return CMD_USAGE;
	}
	*out = (size_t)v;
	return CMD_OK;
}

void cmd_complaint_time(int64_t ms, bool with_time, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(out, len, "-");
		return;
	}
	strftime(out, len, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm);
}

void cmd_complaint_duration(const struct shell *sh, int64_t ms, char *out, size_t len)
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

bool cmd_complaint_sees_phone(const struct shell *sh, const char *agent, const char *assignee)
{
	if (sh->user.role == ROLE_SUPERVISOR || sh->user.role == ROLE_ADMIN)
		return true;
	return (agent != NULL && strcmp(agent, sh->user.name) == 0) ||
	       (assignee != NULL && strcmp(assignee, sh->user.name) == 0);
}

void cmd_complaint_phone(const char *phone, bool whole, struct buf *out)
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

struct catalog *cmd_complaint_catalog(struct shell *sh)
{
	return sh->host.catalog != NULL ? sh->host.catalog(sh->host.ctx) : NULL;
}

const char *cmd_complaint_category_name(const struct shell *sh, const struct catalog *c,
                                        const char *code)
{
	const struct catalog_item *it =
	    c != NULL && code != NULL ? catalog_category(c, code) : NULL;

	return it != NULL ? catalog_name(it, sh->lang) : code;
}

const char *cmd_complaint_technique_name(const struct shell *sh, const struct catalog *c,
                                         const char *code)
{
	const struct catalog_item *it =
	    c != NULL && code != NULL ? catalog_technique(c, code) : NULL;

	return it != NULL ? catalog_name(it, sh->lang) : code;
}

const char *cmd_complaint_status_label(const struct shell *sh, int status)
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

const char *cmd_complaint_promise_label(const struct shell *sh, int status)
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

const char *cmd_complaint_promise_state(const struct shell *sh, int status, int64_t due_ms,
                                        int64_t now)
{
	if (status == PROMISE_OPEN && due_ms < now)
		return T(sh, "OVERDUE", "已逾期");
	return cmd_complaint_promise_label(sh, status);
}

static const char *cmd_complaint_relation_label(const struct shell *sh, int r)
{
	switch (r) {
	case COMPLAINT_REL_OWNER:
		return T(sh, "owner", "业主");
	case COMPLAINT_REL_FAMILY:
		return T(sh, "family", "家属");
	case COMPLAINT_REL_TENANT:
		return T(sh, "tenant", "租户");
	default:
		return T(sh, "other", "其他");
	}
}

static const char *cmd_complaint_channel_label(const struct shell *sh, int c)
{
	switch (c) {
	case COMPLAINT_CH_PHONE:
		return T(sh, "phone", "电话");
	case COMPLAINT_CH_VISIT:
		return T(sh, "visit", "来访");
	default:
		return T(sh, "on site", "现场");
	}
}

static const char *cmd_complaint_mood_label(const struct shell *sh, int m)
{
	switch (m) {
	case COMPLAINT_MOOD_CALM:
		return T(sh, "calm", "平静");
	case COMPLAINT_MOOD_UPSET:
		return T(sh, "upset", "不满");
	default:
		return T(sh, "angry", "愤怒");
	}
}

bool cmd_complaint_desk_account(struct shell *sh, const char *opt, const char *name)
{
	struct account acct;
	struct buf w;
	int rc;

	memset(&acct, 0, sizeof acct);
	rc = store_account_get(sh->host.store, name, &acct);
	if (rc == 0 && (acct.role & ROLES_DESK)) {
		account_clear(&acct);
		return true;
	}
	account_clear(&acct);
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

void cmd_complaint_json_double(struct json *j, const char *key, double v)
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

static int cmd_complaint_job_run_cb(struct store *ro, void *arg)
{
	struct cmd_job *job = arg;

	return job->run(ro, job);
}

static void cmd_complaint_job_done_cb(struct shell *sh, void *arg, int rc)
{
	struct cmd_job *job = arg;
	int status = CMD_ERROR;

	if (sh != NULL)
		status = job->finish(sh, job, rc);
	job->free(job);
	if (sh != NULL)
		shell_cmd_done(sh, status);
}

int cmd_complaint_job(struct shell *sh, struct cmd_job *job, bool loop_ok)
{
	int rc;

	if (sh->host.work != NULL) {
		rc = shell_work(sh, cmd_complaint_job_run_cb, cmd_complaint_job_done_cb, job);
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

/* ==== complaint-specific helpers ========================================================== */

/* The complaint number as typed ("c-20261126-0042" is accepted), upper-cased into out. */
static void cmd_complaint_number(const char *s, char out[COMPLAINT_NUMBER_MAX])
{
	size_t i;

	snprintf(out, COMPLAINT_NUMBER_MAX, "%s", s);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
}

static int cmd_complaint_unknown(struct shell *sh, const char *number)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, number);
	shell_errorf(sh,
	             T(sh,
	               "no complaint `%s` (numbers look like C-20261126-0042; complaint list "
	               "shows them)",
	               "没有投诉 `%s`（编号形如 C-20261126-0042，可用 complaint list 查看）"),
	             buf_cstr(&w));
	buf_free(&w);
	return CMD_ERROR;
}

/* Loads complaint number (full or summary); prints the error. */
static int cmd_complaint_load(struct shell *sh, const char *typed, struct complaint *c, bool full)
{
	char number[COMPLAINT_NUMBER_MAX];
	int rc;

	memset(c, 0, sizeof *c);
	cmd_complaint_number(typed, number);
	rc = strlen(typed) < COMPLAINT_NUMBER_MAX
	         ? store_complaint_get(sh->host.store, number, c, full)
	         : STORE_ENOENT;
	if (rc == 0)
		return CMD_OK;
	complaint_clear(c);
	if (rc == STORE_ENOENT || rc == STORE_EINVAL)
		return cmd_complaint_unknown(sh, typed);
	return shell_store_error(sh, rc);
}

bool cmd_complaint_text_ok(struct shell *sh, const char *what, const char *text, size_t max)
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

/* The positional words from index from on, joined by spaces, or (exec --stdin) all of stdin
 * (CR LF as LF, trailing newlines dropped), into out. False (told) when stdin holds a NUL byte:
 * not text, and a C string would silently end there. */
static bool cmd_complaint_text_arg(struct shell *sh, struct args *a, size_t from,
                                   const char *what, struct buf *out)
{
	size_t i;

	buf_reset(out);
	if (args_has(a, "stdin")) {
		size_t len;
		const char *s = shell_stdin(sh, &len);

		if (memchr(s, '\0', len) != NULL) {
			shell_errorf(sh,
			             T(sh,
			               "%s: stdin holds a NUL byte (binary data?): nothing was "
			               "saved",
			               "%s：标准输入含有 NUL 字节（二进制数据？）：未保存"),
			             what);
			return false;
		}

		for (i = 0; i < len; i++)
			if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
				buf_putc(out, s[i]);
		while (out->len > 0 &&
		       (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == '\r'))
			out->data[--out->len] = '\0';
		buf_cstr(out);
		return true;
	}
	for (i = from; i < a->npos; i++) {
		if (i > from)
			buf_putc(out, ' ');
		buf_puts(out, a->pos[i]);
	}
	buf_cstr(out);
	return true;
}

/* Prints "unknown WHAT `x` (one of: a b c)" for a catalog's items of the given kinds. */
static void cmd_complaint_unknown_code(struct shell *sh, const char *what, const char *code,
                                       const struct catalog_item *items, size_t n, unsigned kinds)
{
	struct buf w, list;
	size_t i;

	buf_init(&w);
	buf_init(&list);
	shell_clean(&w, code);
	for (i = 0; i < n; i++) {
		if (!(kinds & (1u << items[i].kind)))
			continue;
		if (list.len > 0)
			buf_putc(&list, ' ');
		buf_puts(&list, items[i].code);
	}
	shell_errorf(sh, T(sh, "unknown %s `%s` (one of: %s)", "未知%s `%s`（可选：%s）"), what,
	             buf_cstr(&w), buf_cstr(&list));
	buf_free(&w);
	buf_free(&list);
}

static int cmd_complaint_no_catalog(struct shell *sh)
{
	shell_errorf(sh, "%s",
	             T(sh,
	               "the technique and category catalogs are not loaded (an admin can run "
	               "config reload)",
	               "沟通方法和投诉类别目录未加载（管理员可执行 config reload）"));
	return CMD_ERROR;
}

static bool cmd_complaint_category_ok(struct shell *sh, const struct catalog *c, const char *code)
{
	if (catalog_category(c, code) != NULL)
		return true;
	cmd_complaint_unknown_code(sh, T(sh, "category", "投诉类别"), code, c->categories,
	                           c->ncategories, 1u << CATALOG_CATEGORY);
	return false;
}

static bool cmd_complaint_technique_ok(struct shell *sh, const struct catalog *c, const char *code)
{
	if (catalog_technique(c, code) != NULL)
		return true;
	cmd_complaint_unknown_code(sh, T(sh, "technique", "沟通方法"), code, c->techniques,
	                           c->ntechniques,
	                           (1u << CATALOG_VERBAL) | (1u << CATALOG_NONVERBAL));
	return false;
}

/* Prints "--opt: unknown value `x` (one of: ...)" for an enumeration option. */
static int cmd_complaint_bad_enum(struct shell *sh, const char *opt, const char *value,
                                  const char *choices)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, value);
	shell_errorf(
	    sh, T(sh, "--%s: unknown value `%s` (one of: %s)", "--%s：未知取值 `%s`（可选：%s）"),
	    opt, buf_cstr(&w), choices);
	buf_free(&w);
	return CMD_USAGE;
}

/* An enumeration option parsed with parse (default dflt when absent); -1 printed an error. */
static int cmd_complaint_enum(struct shell *sh, struct args *a, const char *opt,
                              int (*parse)(const char *), int dflt, const char *choices)
{
	const char *v = args_get(a, opt);
	int r;

	if (v == NULL)
		return dflt;
	r = parse(v);
	if (r < 0)
		cmd_complaint_bad_enum(sh, opt, v, choices);
	return r;
}

/* ==== complaint add ======================================================================= */

#define CMD_COMPLAINT_CODES_MAX COMPLAINT_TECHNIQUES_MAX

/* Splits a comma list of codes (in buf, modified) into codes; false with an error printed. */
static bool cmd_complaint_split_codes(struct shell *sh, const struct catalog *c, char *list,
                                      const char **codes, size_t *n)
{
	char *save = NULL, *tok;
	size_t i;

	*n = 0;
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		bool dup = false;

		if (tok[0] == '\0')
			continue;
		if (!cmd_complaint_technique_ok(sh, c, tok))
			return false;
		for (i = 0; i < *n; i++)
			dup = dup || strcmp(codes[i], tok) == 0;
		if (dup)
			continue;
		if (*n == CMD_COMPLAINT_CODES_MAX) {
			shell_errorf(
			    sh, T(sh, "--technique: at most %d codes", "--technique：最多 %d 个"),
			    CMD_COMPLAINT_CODES_MAX);
			return false;
		}
		codes[(*n)++] = tok;
	}
	if (*n == 0) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "--technique: give at least one code (technique list shows them)",
		               "--technique：至少给出一个沟通方法代码（technique list 可查看）"));
		return false;
	}
	return true;
}

/* Validates everything complaint add was given and fills in (pointing into a, words, codes). */
static int cmd_complaint_add_check(struct shell *sh, struct args *a, const struct catalog *c,
                                   struct complaint_new *in, struct buf *words, char *techs,
                                   const char **codes, struct promise_new *p)
{
	const char *unit = args_get(a, "unit"), *phone = args_get(a, "phone");
	const char *caller = args_get(a, "caller"), *dialect = args_get(a, "dialect");
	const char *promise = args_get(a, "promise"), *due = args_get(a, "due");
	int r;

	memset(in, 0, sizeof *in);
	if (!store_unit_code_ok(unit)) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, unit);
		shell_errorf(
		    sh,
		    T(sh,
		      "--unit: `%s` is not a unit code (1-32 characters, no spaces, e.g. "
		      "3-2-1201)",
		      "--unit：`%s` 不是有效的单元编号（1-32 个字符，不含空格，如 3-2-1201）"),
		    buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	in->unit = unit;
	if (!cmd_complaint_category_ok(sh, c, args_get(a, "category")))
		return CMD_USAGE;
	in->category = args_get(a, "category");
	if (!cmd_complaint_split_codes(sh, c, techs, codes, &in->ntechniques))
		return CMD_USAGE;
	in->techniques = codes;
	if (phone != NULL && !store_complaint_phone_ok(phone)) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, phone);
		shell_errorf(
		    sh,
		    T(sh,
		      "--phone: `%s` is not a phone number (a mobile 1XXXXXXXXXX or a "
		      "landline 0XX-XXXXXXXX)",
		      "--phone：`%s` 不是有效电话（手机 1 开头 11 位，或座机 0XX-XXXXXXXX）"),
		    buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	in->phone = phone;
	in->caller = caller != NULL ? caller : "-";
	if (caller != NULL && !cmd_complaint_text_ok(sh, "--caller", caller, COMPLAINT_CALLER_MAX))
		return CMD_USAGE;
	if (dialect != NULL &&
	    !cmd_complaint_text_ok(sh, "--dialect", dialect, COMPLAINT_DIALECT_MAX))
		return CMD_USAGE;
	in->dialect = dialect;
	r = cmd_complaint_enum(sh, a, "relation", complaint_relation_parse, COMPLAINT_REL_OWNER,
	                       "owner family tenant other");
	if (r < 0)
		return CMD_USAGE;
	in->relation = (enum complaint_relation)r;
	r = cmd_complaint_enum(sh, a, "channel", complaint_channel_parse, COMPLAINT_CH_PHONE,
	                       "phone visit onsite");
	if (r < 0)
		return CMD_USAGE;
	in->channel = (enum complaint_channel)r;
	r = cmd_complaint_enum(sh, a, "mood", complaint_mood_parse, COMPLAINT_MOOD_CALM,
	                       "calm upset angry");
	if (r < 0)
		return CMD_USAGE;
	in->mood = (enum complaint_mood)r;
	if (args_has(a, "stdin") == (a->npos > 0)) {
		shell_errorf(
		    sh, "%s",
		    T(sh, "give the owner's words either as TEXT or (exec mode) with --stdin",
		      "业主原话请用 TEXT 给出，或在 exec 模式下用 --stdin 给出（二选一）"));
		return CMD_USAGE;
	}
	if (!cmd_complaint_text_arg(sh, a, 0, T(sh, "the owner's words", "业主原话"), words) ||
	    !cmd_complaint_text_ok(sh, T(sh, "the owner's words", "业主原话"), buf_cstr(words),
	                           COMPLAINT_WORDS_MAX))
		return CMD_USAGE;
	in->words = buf_cstr(words);
	if ((promise == NULL) != (due == NULL)) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "--promise and --due go together (what was promised, and by when)",
		               "--promise 和 --due 必须同时给出（承诺内容和期限）"));
		return CMD_USAGE;
	}
	if (promise != NULL) {
		memset(p, 0, sizeof *p);
		if (!cmd_complaint_text_ok(sh, "--promise", promise, COMPLAINT_TEXT_MAX))
			return CMD_USAGE;
		r = cmd_complaint_parse_due(sh, "due", due, &p->due_ms);
		if (r != CMD_OK)
			return r;
		/* At the desk a promise is for the future; exec mode also enters old paperwork. */
		if (sh->interactive && p->due_ms < store_now_ms()) {
			shell_errorf(sh, "%s",
			             T(sh, "--due is in the past: a promise must be for the future",
			               "--due 已经过去：承诺的期限必须在将来"));
			return CMD_USAGE;
		}
		p->what = promise;
		in->promises = p;
		in->npromises = 1;
	}
	return CMD_OK;
}

int cmd_complaint_add(struct shell *sh, struct args *a)
{
	struct catalog *c = cmd_complaint_catalog(sh);
	const char *codes[CMD_COMPLAINT_CODES_MAX];
	char number[COMPLAINT_NUMBER_MAX];
	struct complaint_new in;
	struct promise_new p;
	struct audit_ctx ctx;
	struct complaint got;
	struct buf words, out;
	char *techs;
	int rc;

	if (c == NULL)
		return cmd_complaint_no_catalog(sh);
	buf_init(&words);
	techs = strdup(args_get(a, "technique"));
	if (techs == NULL)
		abort();
	rc = cmd_complaint_add_check(sh, a, c, &in, &words, techs, codes, &p);
	if (rc == CMD_OK) {
		shell_audit_ctx(sh, &ctx);
		rc = store_complaint_add(sh->host.store, &ctx, &in, number);
		if (rc == STORE_ENOENT) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, in.unit);
			shell_errorf(sh,
			             T(sh,
			               "--unit: `%s` is not in the unit register (unit list shows "
			               "the units)",
			               "--unit：单元 `%s` 不在单元登记表中（unit list 可查看）"),
			             buf_cstr(&w));
			buf_free(&w);
			rc = CMD_ERROR;
		} else if (rc < 0) {
			rc = shell_store_error(sh, rc);
		}
	}
	free(techs);
	buf_free(&words);
	catalog_unref(c);
	if (rc != CMD_OK)
		return rc;
	memset(&got, 0, sizeof got);
	rc = store_complaint_get(sh->host.store, number, &got, false);
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_string(&j, "number", number);
		json_kv_bool(&j, "unit_verified", rc == 0 && got.unit_verified);
		json_kv_int(&j, "open_promises", rc == 0 ? got.open_promises : 0);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else {
		buf_printf(&out, T(sh, "Complaint %s taken.\n", "投诉已登记：%s\n"), number);
		if (rc == 0 && !got.unit_verified)
			buf_puts(
			    &out,
			    T(sh,
			      "Note: the unit register is empty, so the unit was kept as typed "
			      "(unverified).\n",
			      "提示：单元登记表为空，单元按输入保存（未核实）。\n"));
		if (rc == 0 && got.open_promises > 0)
			buf_printf(&out,
			           T(sh, "%d promise recorded: promise list shows it.\n",
			             "已记录 %d 条承诺，可用 promise list 查看。\n"),
			           got.open_promises);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	complaint_clear(&got);
	return CMD_OK;
}

/* ==== complaint show ====================================================================== */

/* Appends text (untrusted, multi-line) with every line indented by two spaces. */
static void cmd_complaint_indent(struct buf *out, const char *text)
{
	struct buf clean;
	const char *p, *nl;

	buf_init(&clean);
	if (text != NULL)
		utf8_sanitize(&clean, text, strlen(text), UTF8_KEEP_NEWLINES);
	for (p = buf_cstr(&clean); *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		buf_puts(out, "  ");
		if (nl == NULL) {
			buf_puts(out, p);
			buf_putc(out, '\n');
			break;
		}
		buf_append(out, p, (size_t)(nl - p));
		buf_putc(out, '\n');
	}
	buf_free(&clean);
}

/* A table of a section of complaint show, indented like the section's other lines. */
static void cmd_complaint_table_indented(const struct table *t, struct buf *out)
{
	struct buf b;

	buf_init(&b);
	table_render(t, &b);
	cmd_complaint_indent(out, buf_cstr(&b));
	buf_free(&b);
}

static void cmd_complaint_field(struct buf *out, const char *label, const char *value)
{
	buf_puts(out, label);
	shell_clean(out, value != NULL ? value : "-");
	buf_putc(out, '\n');
}

static void cmd_complaint_json_summary(const struct shell *sh, struct json *j,
                                       const struct complaint *c, const struct catalog *cat)
{
	struct buf phone;
	size_t i;

	buf_init(&phone);
	cmd_complaint_phone(c->phone, cmd_complaint_sees_phone(sh, c->agent, c->assignee), &phone);
	json_kv_string(j, "number", c->number);
	json_kv_string(j, "unit", c->unit);
	json_kv_bool(j, "unit_verified", c->unit_verified);
	json_kv_string(j, "caller", c->caller);
	json_kv_string(j, "relation", complaint_relation_name(c->relation));
	json_kv_string(j, "phone", c->phone != NULL ? buf_cstr(&phone) : NULL);
	json_kv_string(j, "channel", complaint_channel_name(c->channel));
	json_kv_string(j, "category", c->category);
	json_kv_string(j, "category_name", cmd_complaint_category_name(sh, cat, c->category));
	json_kv_string(j, "words", c->words);
	json_kv_string(j, "mood", complaint_mood_name(c->mood));
	json_kv_string(j, "dialect", c->dialect);
	json_kv_string(j, "outcome", c->outcome);
	json_kv_string(j, "status", complaint_status_name(c->status));
	json_kv_string(j, "agent", c->agent);
	json_kv_string(j, "assignee", c->assignee);
	json_kv_int(j, "created_ms", c->created_ms);
	json_kv_int(j, "updated_ms", c->updated_ms);
	json_kv_int(j, "resolved_ms", c->resolved_ms);
	json_key(j, "techniques");
	json_array_begin(j);
	for (i = 0; i < c->ntechniques; i++)
		json_string(j, c->techniques[i]);
	json_array_end(j);
	json_kv_int(j, "open_promises", c->open_promises);
	json_kv_int(j, "next_due_ms", c->next_due_ms);
	buf_free(&phone);
}

static void cmd_complaint_json_promise(struct json *j, const struct promise *p)
{
	json_kv_int(j, "id", p->id);
	json_kv_string(j, "number", p->number);
	json_kv_string(j, "unit", p->unit);
	json_kv_string(j, "agent", p->agent);
	json_kv_string(j, "what", p->what);
	json_kv_int(j, "due_ms", p->due_ms);
	json_kv_string(j, "status", promise_status_name(p->status));
	json_kv_int(j, "created_ms", p->created_ms);
	json_kv_int(j, "closed_ms", p->closed_ms);
	json_kv_string(j, "note", p->note);
}

static void cmd_complaint_show_json(const struct shell *sh, const struct complaint *c,
                                    const struct catalog *cat, struct buf *out)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	json_object_begin(&j);
	cmd_complaint_json_summary(sh, &j, c, cat);
	json_key(&j, "promises");
	json_array_begin(&j);
	for (i = 0; i < c->npromises; i++) {
		json_object_begin(&j);
		cmd_complaint_json_promise(&j, &c->promises[i]);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "notes");
	json_array_begin(&j);
	for (i = 0; i < c->nnotes; i++) {
		json_object_begin(&j);
		json_kv_int(&j, "id", c->notes[i].id);
		json_kv_string(&j, "author", c->notes[i].author);
		json_kv_int(&j, "ts_ms", c->notes[i].ts_ms);
		json_kv_string(&j, "text", c->notes[i].text);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "history");
	json_array_begin(&j);
	for (i = 0; i < c->nhistory; i++) {
		json_object_begin(&j);
		json_kv_int(&j, "id", c->history[i].id);
		json_kv_int(&j, "ts_ms", c->history[i].ts_ms);
		json_kv_string(&j, "account", c->history[i].account);
		json_kv_string(&j, "action", c->history[i].action);
		json_kv_string(&j, "detail", c->history[i].detail);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "handovers");
	json_array_begin(&j);
	for (i = 0; i < c->nhandovers; i++) {
		json_object_begin(&j);
		json_kv_int(&j, "id", c->handovers[i].id);
		json_kv_string(&j, "from", c->handovers[i].from);
		json_kv_string(&j, "to", c->handovers[i].to);
		json_kv_int(&j, "ts_ms", c->handovers[i].ts_ms);
		json_kv_string(&j, "note", c->handovers[i].note);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_putc(out, '\n');
}

static void cmd_complaint_show_promises(const struct shell *sh, const struct complaint *c,
                                        struct buf *out)
{
	const char *hdr_en[] = {"ID", "DUE", "STATUS", "AGENT", "PROMISE", "NOTE"};
	const char *hdr_zh[] = {"编号", "期限", "状态", "客服", "承诺内容", "备注"};
	struct table *t = table_new(6, shell_is_zh(sh) ? hdr_zh : hdr_en);
	int64_t now = store_now_ms();
	size_t i;

	table_set_max_width(t, 4, 40);
	table_set_max_width(t, 5, 30);
	for (i = 0; i < c->npromises; i++) {
		const struct promise *p = &c->promises[i];
		char id[24], due[32];
		const char *cells[6];

		snprintf(id, sizeof id, "#%lld", (long long)p->id);
		cmd_complaint_time(p->due_ms, true, due, sizeof due);
		cells[0] = id;
		cells[1] = due;
		cells[2] = cmd_complaint_promise_state(sh, p->status, p->due_ms, now);
		cells[3] = p->agent;
		cells[4] = p->what;
		cells[5] = p->note;
		table_add_row(t, cells);
	}
	cmd_complaint_table_indented(t, out);
	table_free(t);
}

static void cmd_complaint_show_text(const struct shell *sh, const struct complaint *c,
                                    const struct catalog *cat, struct buf *out)
{
	char created[32], updated[32], resolved[32], ts[32];
	struct buf phone, line;
	size_t i;

	buf_init(&phone);
	buf_init(&line);
	cmd_complaint_time(c->created_ms, true, created, sizeof created);
	cmd_complaint_time(c->updated_ms, true, updated, sizeof updated);
	cmd_complaint_time(c->resolved_ms, true, resolved, sizeof resolved);
	cmd_complaint_phone(c->phone, cmd_complaint_sees_phone(sh, c->agent, c->assignee), &phone);

	buf_printf(out, "%s %s  [%s]\n", T(sh, "Complaint", "投诉"), c->number,
	           cmd_complaint_status_label(sh, c->status));
	buf_printf(&line, "%s%s", c->unit,
	           c->unit_verified ? "" : T(sh, " (unverified)", "（未核实）"));
	cmd_complaint_field(out, T(sh, "  unit:      ", "  单元：    "), buf_cstr(&line));
	buf_reset(&line);
	buf_printf(&line, T(sh, "%s (%s)", "%s（%s）"),
	           cmd_complaint_category_name(sh, cat, c->category), c->category);
	cmd_complaint_field(out, T(sh, "  category:  ", "  类别：    "), buf_cstr(&line));
	buf_reset(&line);
	buf_printf(&line, T(sh, "%s (%s)", "%s（%s）"), c->caller,
	           cmd_complaint_relation_label(sh, c->relation));
	cmd_complaint_field(out, T(sh, "  caller:    ", "  来电人：  "), buf_cstr(&line));
	cmd_complaint_field(out, T(sh, "  phone:     ", "  电话：    "),
	                    c->phone != NULL ? buf_cstr(&phone) : NULL);
	cmd_complaint_field(out, T(sh, "  channel:   ", "  渠道：    "),
	                    cmd_complaint_channel_label(sh, c->channel));
	cmd_complaint_field(out, T(sh, "  mood:      ", "  情绪：    "),
	                    cmd_complaint_mood_label(sh, c->mood));
	cmd_complaint_field(out, T(sh, "  dialect:   ", "  方言：    "), c->dialect);
	cmd_complaint_field(out, T(sh, "  taken by:  ", "  受理人：  "), c->agent);
	cmd_complaint_field(out, T(sh, "  assignee:  ", "  负责人：  "), c->assignee);
	cmd_complaint_field(out, T(sh, "  created:   ", "  创建：    "), created);
	cmd_complaint_field(out, T(sh, "  updated:   ", "  更新：    "), updated);
	if (c->resolved_ms > 0)
		cmd_complaint_field(out, T(sh, "  resolved:  ", "  解决：    "), resolved);

	buf_printf(out, "\n%s\n", T(sh, "The owner's words:", "业主原话："));
	cmd_complaint_indent(out, c->words);
	if (c->outcome != NULL) {
		buf_printf(out, "\n%s\n", T(sh, "Outcome:", "处理结果："));
		cmd_complaint_indent(out, c->outcome);
	}

	buf_printf(out, "\n%s\n", T(sh, "Techniques:", "沟通方法："));
	for (i = 0; i < c->ntechniques; i++) {
		const struct catalog_item *it =
		    cat != NULL ? catalog_technique(cat, c->techniques[i]) : NULL;

		buf_puts(out, "  ");
		shell_clean(out, c->techniques[i]);
		buf_puts(out, "  ");
		if (it == NULL)
			buf_puts(out, T(sh, "(no longer in the catalog)", "（已不在目录中）"));
		else
			shell_clean(out, catalog_name(it, sh->lang));
		if (it != NULL && it->kind == CATALOG_NONVERBAL)
			buf_puts(out, T(sh, " (non-verbal)", "（非语言）"));
		buf_putc(out, '\n');
	}
	if (c->ntechniques == 0)
		buf_printf(out, "  %s\n", T(sh, "(none)", "（无）"));

	buf_printf(out, "\n%s\n", T(sh, "Promises:", "承诺："));
	if (c->npromises == 0)
		buf_printf(out, "  %s\n", T(sh, "(none)", "（无）"));
	else
		cmd_complaint_show_promises(sh, c, out);

	buf_printf(out, "\n%s\n", T(sh, "Notes:", "备注："));
	if (c->nnotes == 0)
		buf_printf(out, "  %s\n", T(sh, "(none)", "（无）"));
	for (i = 0; i < c->nnotes; i++) {
		cmd_complaint_time(c->notes[i].ts_ms, true, ts, sizeof ts);
		buf_printf(out, "  %s  ", ts);
		shell_clean(out, c->notes[i].author ? c->notes[i].author : "-");
		buf_puts(out, ":\n");
		buf_puts(out, "  ");
		cmd_complaint_indent(out, c->notes[i].text);
	}

	buf_printf(out, "\n%s\n", T(sh, "Handovers:", "交接："));
	if (c->nhandovers == 0)
		buf_printf(out, "  %s\n", T(sh, "(none)", "（无）"));
	for (i = 0; i < c->nhandovers; i++) {
		cmd_complaint_time(c->handovers[i].ts_ms, true, ts, sizeof ts);
		buf_printf(out, "  %s  ", ts);
		shell_clean(out, c->handovers[i].from ? c->handovers[i].from : "-");
		buf_puts(out, " -> ");
		shell_clean(out, c->handovers[i].to);
		buf_puts(out, ":\n  ");
		cmd_complaint_indent(out, c->handovers[i].note);
	}

	buf_printf(out, "\n%s\n", T(sh, "History:", "历史："));
	{
		const char *hdr_en[] = {"TIME", "BY", "ACTION", "DETAIL"};
		const char *hdr_zh[] = {"时间", "操作人", "动作", "详情"};
		struct table *t = table_new(4, shell_is_zh(sh) ? hdr_zh : hdr_en);

		table_set_max_width(t, 3, 60);
		for (i = 0; i < c->nhistory; i++) {
			const char *cells[4];

			cmd_complaint_time(c->history[i].ts_ms, true, ts, sizeof ts);
			cells[0] = ts;
			cells[1] = c->history[i].account;
			cells[2] = c->history[i].action;
			cells[3] = c->history[i].detail;
			table_add_row(t, cells);
		}
		cmd_complaint_table_indented(t, out);
		table_free(t);
	}
	buf_free(&phone);
	buf_free(&line);
}

int cmd_complaint_show(struct shell *sh, struct args *a)
{
	struct complaint c;
	struct catalog *cat;
	struct buf out;
	int rc;

	rc = cmd_complaint_load(sh, a->pos[0], &c, true);
	if (rc != CMD_OK)
		return rc;
	cat = cmd_complaint_catalog(sh);
	buf_init(&out);
	if (args_has(a, "json"))
		cmd_complaint_show_json(sh, &c, cat, &out);
	else
		cmd_complaint_show_text(sh, &c, cat, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	catalog_unref(cat);
	complaint_clear(&c);
	return CMD_OK;
}

/* ==== complaint list and search =========================================================== */

/* A filter with its own copies of the strings (handed to a pool thread). */
struct cmd_complaint_filter {
	struct complaint_filter f;
	char *s[6]; /* owned copies: mine, agent, assignee, unit, category, technique */
};

static void cmd_complaint_filter_clear(struct cmd_complaint_filter *cf)
{
	size_t i;

	for (i = 0; i < sizeof cf->s / sizeof cf->s[0]; i++)
		free(cf->s[i]);
	memset(cf, 0, sizeof *cf);
}

static const char *cmd_complaint_filter_str(struct cmd_complaint_filter *cf, int i, const char *s)
{
	if (s == NULL)
		return NULL;
	cf->s[i] = strdup(s);
	if (cf->s[i] == NULL)
		abort();
	return cf->s[i];
}

/* Builds the filter from the list options; prints the error. */
static int cmd_complaint_filter_parse(struct shell *sh, struct args *a,
                                      struct cmd_complaint_filter *cf)
{
	const char *status = args_get(a, "status");
	const char *names[] = {"agent", "assignee"};
	const char *codes[] = {"category", "technique"};
	size_t limit, offset, i;
	int rc;

	memset(cf, 0, sizeof *cf);
	if (args_has(a, "mine"))
		cf->f.mine = cmd_complaint_filter_str(cf, 0, sh->user.name);
	for (i = 0; i < 2; i++) {
		const char *v = args_get(a, names[i]);

		if (v == NULL)
			continue;
		if (!cmd_complaint_desk_account(sh, i == 0 ? "--agent " : "--assignee ", v))
			return CMD_USAGE;
		if (i == 0)
			cf->f.agent = cmd_complaint_filter_str(cf, 1, v);
		else
			cf->f.assignee = cmd_complaint_filter_str(cf, 2, v);
	}
	if (args_get(a, "unit") != NULL)
		cf->f.unit = cmd_complaint_filter_str(cf, 3, args_get(a, "unit"));
	for (i = 0; i < 2; i++) {
		const char *v = args_get(a, codes[i]);

		if (v == NULL)
			continue;
		/* Old codes no longer in the catalog still find old complaints. */
		if (!store_complaint_code_ok(v)) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, v);
			shell_errorf(sh,
			             T(sh, "--%s: `%s` is not a code (a-z, 0-9, - and _)",
			               "--%s：`%s` 不是有效代码（a-z、0-9、- 和 _）"),
			             codes[i], buf_cstr(&w));
			buf_free(&w);
			return CMD_USAGE;
		}
		if (i == 0)
			cf->f.category = cmd_complaint_filter_str(cf, 4, v);
		else
			cf->f.technique = cmd_complaint_filter_str(cf, 5, v);
	}
	if (status != NULL) {
		char *copy = strdup(status), *save = NULL, *tok;

		if (copy == NULL)
			abort();
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			int st = complaint_status_parse(tok);

			if (st < 0) {
				cmd_complaint_bad_enum(
				    sh, "status", tok,
				    "open in_progress resolved escalated reopened");
				free(copy);
				return CMD_USAGE;
			}
			cf->f.status_mask |= COMPLAINT_STATUS_BIT(st);
		}
		free(copy);
		if (cf->f.status_mask == 0)
			return cmd_complaint_bad_enum(
			    sh, "status", status, "open in_progress resolved escalated reopened");
	}
	if (args_get(a, "since") != NULL) {
		rc = cmd_complaint_parse_day(sh, "since", args_get(a, "since"), false,
		                             &cf->f.since_ms);
		if (rc != CMD_OK)
			return rc;
	}
	if (args_get(a, "until") != NULL) {
		rc = cmd_complaint_parse_day(sh, "until", args_get(a, "until"), true,
		                             &cf->f.until_ms);
		if (rc != CMD_OK)
			return rc;
	}
	if (cf->f.since_ms > 0 && cf->f.until_ms > 0 && cf->f.until_ms <= cf->f.since_ms) {
		shell_errorf(sh, "%s", T(sh, "--until is before --since", "--until 早于 --since"));
		return CMD_USAGE;
	}
	cf->f.overdue = args_has(a, "overdue");
	rc = cmd_complaint_parse_count(sh, "limit", args_get(a, "limit"), CMD_COMPLAINT_LIST_MAX,
	                               &limit);
	if (rc == CMD_OK)
		rc = cmd_complaint_parse_count(sh, "offset", args_get(a, "offset"), 1000000,
		                               &offset);
	if (rc != CMD_OK)
		return rc;
	cf->f.limit = limit;
	cf->f.offset = offset;
	return CMD_OK;
}

/* Renders complaints as a table or (json) an array. */
static void cmd_complaint_render(struct shell *sh, const struct complaint *list, size_t n,
                                 bool json, struct buf *out)
{
	struct catalog *cat = cmd_complaint_catalog(sh);
	size_t i;

	if (json) {
		struct json j;

		json_init(&j, out);
		json_array_begin(&j);
		for (i = 0; i < n; i++) {
			json_object_begin(&j);
			cmd_complaint_json_summary(sh, &j, &list[i], cat);
			json_object_end(&j);
		}
		json_array_end(&j);
		buf_putc(out, '\n');
	} else {
		const char *hdr_en[] = {"NUMBER", "DATE",  "UNIT", "CATEGORY",
		                        "STATUS", "AGENT", "WORDS"};
		const char *hdr_zh[] = {"编号", "日期", "单元", "类别", "状态", "客服", "业主原话"};
		struct table *t = table_new(7, shell_is_zh(sh) ? hdr_zh : hdr_en);
		int64_t now = store_now_ms();

		table_set_max_width(t, 2, 16);
		table_set_max_width(t, 5, 24);
		table_set_max_width(t, 6, CMD_COMPLAINT_WORDS_COLS);
		for (i = 0; i < n; i++) {
			const struct complaint *c = &list[i];
			char date[32], status[80], agent[80];
			const char *cells[7];

			cmd_complaint_time(c->created_ms, false, date, sizeof date);
			snprintf(status, sizeof status, "%s%s",
			         cmd_complaint_status_label(sh, c->status),
			         c->next_due_ms > 0 && c->next_due_ms < now
			             ? T(sh, " (overdue)", "（承诺逾期）")
			             : "");
			if (strcmp(c->agent, c->assignee) == 0)
				snprintf(agent, sizeof agent, "%s", c->agent);
			else
				snprintf(agent, sizeof agent, "%s→%s", c->agent, c->assignee);
			cells[0] = c->number;
			cells[1] = date;
			cells[2] = c->unit;
			cells[3] = cmd_complaint_category_name(sh, cat, c->category);
			cells[4] = status;
			cells[5] = agent;
			cells[6] = c->words;
			table_add_row(t, cells);
		}
		table_render(t, out);
		table_free(t);
	}
	catalog_unref(cat);
}

/* complaint list: a job for the thread pool (the page and its count read as many rows as the
 * filter needs: thousands on a large desk). */
struct cmd_complaint_lister {
	struct cmd_job job;
	struct cmd_complaint_filter cf;
	bool json;
	struct complaint *list;
	size_t n;
	int64_t total, cap; /* matches counted, up to cap */
};

/* The count under a page stops this far past it: "of more than ..." beyond. */
#define CMD_COMPLAINT_COUNT_AHEAD 10000

static int cmd_complaint_list_run(struct store *st, struct cmd_job *job)
{
	struct cmd_complaint_lister *l = (struct cmd_complaint_lister *)job;
	int rc = store_complaint_list(st, &l->cf.f, &l->list, &l->n);

	if (rc == 0)
		rc = store_complaint_count_max(st, &l->cf.f, l->cap, &l->total);
	return rc;
}

static int cmd_complaint_list_finish(struct shell *sh, struct cmd_job *job, int rc)
{
	struct cmd_complaint_lister *l = (struct cmd_complaint_lister *)job;
	int64_t shown_to = (int64_t)(l->cf.f.offset + l->n);
	struct buf out;

	if (rc == -ECANCELED) {
		shell_errorf(sh, "%s", T(sh, "the list was cancelled", "列表已取消"));
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	buf_init(&out);
	if (!l->json && l->n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No complaints match.", "没有符合条件的投诉。"));
	} else {
		cmd_complaint_render(sh, l->list, l->n, l->json, &out);
		if (!l->json && l->total >= l->cap)
			buf_printf(&out,
			           T(sh, "(%zu of more than %lld shown: --limit / --offset for more)\n",
			             "（显示 %zu 条，共超过 %lld 条；用 --limit / --offset 查看更多）\n"),
			           l->n, (long long)(l->cap - 1));
		else if (!l->json && shown_to < l->total)
			buf_printf(
			    &out,
			    T(sh, "(%zu of %lld shown: --limit / --offset for more)\n",
			      "（显示 %zu 条，共 %lld 条；用 --limit / --offset 查看更多）\n"),
			    l->n, (long long)l->total);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_complaint_list_free(struct cmd_job *job)
{
	struct cmd_complaint_lister *l = (struct cmd_complaint_lister *)job;

	cmd_complaint_filter_clear(&l->cf);
	store_complaint_list_free(l->list, l->n);
	free(l);
}

int cmd_complaint_list(struct shell *sh, struct args *a)
{
	struct cmd_complaint_lister *l = calloc(1, sizeof *l);
	int rc;

	if (l == NULL)
		abort();
	l->job.run = cmd_complaint_list_run;
	l->job.finish = cmd_complaint_list_finish;
	l->job.free = cmd_complaint_list_free;
	l->json = args_has(a, "json");
	rc = cmd_complaint_filter_parse(sh, a, &l->cf);
	if (rc != CMD_OK) {
		cmd_complaint_list_free(&l->job);
		return rc;
	}
	l->cap = (int64_t)(l->cf.f.offset + (l->cf.f.limit != 0 ? l->cf.f.limit : 100)) +
	         CMD_COMPLAINT_COUNT_AHEAD + 1;
	/* Without workers (the console, tests) it runs here: bounded by the page and the cap. */
	return cmd_complaint_job(sh, &l->job, true);
}

/* complaint search: a job for the thread pool. */
struct cmd_complaint_search {
	struct cmd_job job;
	struct cmd_complaint_filter cf;
	char *text;    /* substring search, or */
	struct rx *rx; /* a regex, compiled on the loop, used only by the pool thread */
	int rx_err;    /* the regex's error that stopped the search */
	bool json;
	struct complaint *list;
	size_t n;
};

static int cmd_complaint_search_match(void *arg, const char *text, size_t len)
{
	struct cmd_complaint_search *s = arg;
	int rc = rx_match(s->rx, text, len);

	if (rc < 0)
		s->rx_err = rc;
	return rc < 0 ? (rc == RX_ENOMEM ? -ENOMEM : -EDOM) : rc;
}

static int cmd_complaint_search_run(struct store *st, struct cmd_job *job)
{
	struct cmd_complaint_search *s = (struct cmd_complaint_search *)job;

	if (s->rx != NULL)
		return store_complaint_search_match(st, cmd_complaint_search_match, s, &s->cf.f,
		                                    &s->list, &s->n);
	return store_complaint_search_text(st, s->text, &s->cf.f, &s->list, &s->n);
}

static int cmd_complaint_search_finish(struct shell *sh, struct cmd_job *job, int rc)
{
	struct cmd_complaint_search *s = (struct cmd_complaint_search *)job;
	struct buf out;

	if (s->rx_err < 0) {
		shell_errorf(sh, "%s%s", T(sh, "search stopped: ", "搜索已中止："),
		             rx_strerror(s->rx_err, sh->lang));
		return CMD_ERROR;
	}
	if (rc == -ECANCELED) {
		shell_errorf(sh, "%s", T(sh, "the search was cancelled", "搜索已取消"));
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	buf_init(&out);
	if (!s->json && s->n == 0)
		buf_printf(&out, "%s\n", T(sh, "Nothing found.", "没有找到匹配的投诉。"));
	else
		cmd_complaint_render(sh, s->list, s->n, s->json, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_complaint_search_free(struct cmd_job *job)
{
	struct cmd_complaint_search *s = (struct cmd_complaint_search *)job;

	cmd_complaint_filter_clear(&s->cf);
	free(s->text);
	rx_free(s->rx);
	store_complaint_list_free(s->list, s->n);
	free(s);
}

int cmd_complaint_search(struct shell *sh, struct args *a)
{
	struct cmd_complaint_search *s;
	const char *pattern = a->pos[0];
	int rc;

	if (pattern[0] == '\0') {
		shell_errorf(sh, "%s",
		             T(sh, "give a text or pattern to search for",
		               "请给出要搜索的文字或正则表达式"));
		return CMD_USAGE;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL)
		abort();
	s->job.run = cmd_complaint_search_run;
	s->job.finish = cmd_complaint_search_finish;
	s->job.free = cmd_complaint_search_free;
	s->json = args_has(a, "json");
	rc = cmd_complaint_filter_parse(sh, a, &s->cf);
	if (rc != CMD_OK) {
		cmd_complaint_search_free(&s->job);
		return rc;
	}
	if (args_has(a, "regex")) {
		char *err = NULL;

		s->rx = rx_new(pattern, args_has(a, "caseless") ? RX_CASELESS : 0, &err);
		if (s->rx == NULL) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, err != NULL ? err : rx_strerror(RX_EPATTERN, sh->lang));
			shell_errorf(sh, T(sh, "invalid pattern: %s", "正则表达式无效：%s"),
			             buf_cstr(&w));
			buf_free(&w);
			free(err);
			cmd_complaint_search_free(&s->job);
			return CMD_USAGE;
		}
	} else {
		if (args_has(a, "caseless")) {
			shell_errorf(
			    sh, "%s",
			    T(sh, "--caseless goes with --regex (plain text search is exact)",
			      "--caseless 只能与 --regex 一起使用（普通文字搜索区分大小写）"));
			cmd_complaint_search_free(&s->job);
			return CMD_USAGE;
		}
		s->text = strdup(pattern);
		if (s->text == NULL)
			abort();
	}
	/* The regex scans every complaint: only ever on the thread pool. */
	return cmd_complaint_job(sh, &s->job, s->rx == NULL);
}

/* ==== changes to a complaint ============================================================== */

/* After a change: "C-... now: <status>, assigned to X". */
static void cmd_complaint_changed(struct shell *sh, const char *number, const char *what)
{
	struct complaint c;

	memset(&c, 0, sizeof c);
	if (store_complaint_get(sh->host.store, number, &c, false) == 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, c.assignee);
		shell_printf(sh, T(sh, "%s %s: %s, assignee %s.\n", "%s %s：%s，负责人 %s。\n"),
		             number, what, cmd_complaint_status_label(sh, c.status), buf_cstr(&w));
		buf_free(&w);
	}
	complaint_clear(&c);
}

/* Prints the open promises of number with how to close them. */
static void cmd_complaint_open_promises(struct shell *sh, const char *number)
{
	struct complaint c;
	struct buf out;
	size_t i;

	memset(&c, 0, sizeof c);
	if (store_complaint_get(sh->host.store, number, &c, true) != 0) {
		complaint_clear(&c);
		return;
	}
	buf_init(&out);
	for (i = 0; i < c.npromises; i++) {
		const struct promise *p = &c.promises[i];
		char due[32];

		if (p->status != PROMISE_OPEN)
			continue;
		cmd_complaint_time(p->due_ms, true, due, sizeof due);
		buf_printf(&out, "  #%lld  %s  ", (long long)p->id, due);
		shell_clean(&out, p->agent);
		buf_puts(&out, "  ");
		shell_clean(&out, p->what);
		buf_putc(&out, '\n');
	}
	buf_puts(&out, T(sh,
	                 "Close each first: promise done ID [--note TEXT] or promise withdraw ID "
	                 "--reason TEXT.",
	                 "请先逐条处理：promise done 编号 [--note 说明] 或 promise withdraw 编号 "
	                 "--reason 原因。"));
	shell_errorf(sh, "%s", buf_cstr(&out));
	buf_free(&out);
	complaint_clear(&c);
}

/* Reports the error of a change to complaint number. */
static int cmd_complaint_change_error(struct shell *sh, const char *number, int rc,
                                      const char *verb_en, const char *verb_zh)
{
	struct complaint c;

	switch (rc) {
	case STORE_ENOENT:
		return cmd_complaint_unknown(sh, number);
	case STORE_ESTATE:
		memset(&c, 0, sizeof c);
		if (store_complaint_get(sh->host.store, number, &c, false) == 0)
			shell_errorf(sh,
			             T(sh, "complaint %s is %s: it cannot be %s now",
			               "投诉 %s 当前状态为%s，不能%s"),
			             number, cmd_complaint_status_label(sh, c.status),
			             T(sh, verb_en, verb_zh));
		else
			shell_store_error(sh, rc);
		complaint_clear(&c);
		return CMD_ERROR;
	case STORE_EPROMISES:
		shell_errorf(sh,
		             T(sh, "complaint %s still has open promises (说到就要做到):",
		               "投诉 %s 还有未兑现的承诺（说到就要做到）："),
		             number);
		cmd_complaint_open_promises(sh, number);
		return CMD_ERROR;
	default:
		return shell_store_error(sh, rc);
	}
}

/* Resolves the number argument of a change (an existing complaint) into number. */
static int cmd_complaint_target(struct shell *sh, const char *typed,
                                char number[COMPLAINT_NUMBER_MAX])
{
	struct complaint c;
	int rc = cmd_complaint_load(sh, typed, &c, false);

	if (rc == CMD_OK)
		snprintf(number, COMPLAINT_NUMBER_MAX, "%s", c.number);
	complaint_clear(&c);
	return rc;
}

int cmd_complaint_note(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	struct audit_ctx ctx;
	struct buf text;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (args_has(a, "stdin") == (a->npos > 1)) {
		shell_errorf(
		    sh, "%s",
		    T(sh, "give the note either as TEXT or (exec mode) with --stdin",
		      "备注内容请用 TEXT 给出，或在 exec 模式下用 --stdin 给出（二选一）"));
		return CMD_USAGE;
	}
	buf_init(&text);
	if (!cmd_complaint_text_arg(sh, a, 1, T(sh, "the note", "备注"), &text) ||
	    !cmd_complaint_text_ok(sh, T(sh, "the note", "备注"), buf_cstr(&text),
	                           COMPLAINT_TEXT_MAX)) {
		buf_free(&text);
		return CMD_USAGE;
	}
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_note(sh->host.store, &ctx, number, buf_cstr(&text));
	buf_free(&text);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "noted", "添加备注");
	cmd_complaint_changed(sh, number, T(sh, "noted", "已添加备注"));
	return CMD_OK;
}

int cmd_complaint_tag(struct shell *sh, struct args *a)
{
	const char *add[ARGS_MAX_WORDS], *rm[ARGS_MAX_WORDS];
	char number[COMPLAINT_NUMBER_MAX];
	size_t nadd = 0, nrm = 0, i;
	struct audit_ctx ctx;
	struct catalog *cat;
	struct complaint c;
	struct buf now;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	cat = cmd_complaint_catalog(sh);
	if (cat == NULL)
		return cmd_complaint_no_catalog(sh);
	for (i = 1; i < a->npos; i++) {
		const char *w = a->pos[i];
		bool minus = w[0] == '-';
		const char *code = w[0] == '+' || w[0] == '-' ? w + 1 : w;

		if (minus) {
			/* A code no longer in the catalog can still be removed. */
			if (!store_complaint_code_ok(code)) {
				cmd_complaint_technique_ok(sh, cat, code);
				catalog_unref(cat);
				return CMD_USAGE;
			}
			rm[nrm++] = code;
		} else {
			if (!cmd_complaint_technique_ok(sh, cat, code)) {
				catalog_unref(cat);
				return CMD_USAGE;
			}
			add[nadd++] = code;
		}
	}
	catalog_unref(cat);
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_tag(sh->host.store, &ctx, number, add, nadd, rm, nrm);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "tagged", "修改沟通方法");
	memset(&c, 0, sizeof c);
	buf_init(&now);
	if (store_complaint_get(sh->host.store, number, &c, false) == 0) {
		for (i = 0; i < c.ntechniques; i++) {
			if (i > 0)
				buf_putc(&now, ' ');
			shell_clean(&now, c.techniques[i]);
		}
		shell_printf(sh, T(sh, "%s techniques: %s\n", "%s 的沟通方法：%s\n"), number,
		             c.ntechniques > 0 ? buf_cstr(&now) : T(sh, "(none)", "（无）"));
	}
	buf_free(&now);
	complaint_clear(&c);
	return CMD_OK;
}

int cmd_complaint_assign(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	const char *to = a->pos[1], *note = args_get(a, "note");
	struct audit_ctx ctx;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_complaint_desk_account(sh, "", to))
		return CMD_ERROR;
	if (!cmd_complaint_text_ok(sh, "--note", note, COMPLAINT_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_assign(sh->host.store, &ctx, number, to, note);
	if (rc == STORE_EEXIST) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, to);
		shell_errorf(sh, T(sh, "%s is already assigned to %s", "投诉 %s 已经由 %s 负责"),
		             number, buf_cstr(&w));
		buf_free(&w);
		return CMD_ERROR;
	}
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "assigned", "转交");
	cmd_complaint_changed(sh, number, T(sh, "handed over", "已转交"));
	return CMD_OK;
}

int cmd_complaint_escalate(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	const char *to = args_get(a, "to"), *reason = args_get(a, "reason");
	struct audit_ctx ctx;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (to != NULL && !cmd_complaint_desk_account(sh, "--to ", to))
		return CMD_ERROR;
	if (!cmd_complaint_text_ok(sh, "--reason", reason, COMPLAINT_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_escalate(sh->host.store, &ctx, number, to, reason);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "escalated", "升级");
	cmd_complaint_changed(sh, number, T(sh, "escalated", "已升级"));
	return CMD_OK;
}

int cmd_complaint_resolve(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	const char *outcome = args_get(a, "outcome");
	struct audit_ctx ctx;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_complaint_text_ok(sh, "--outcome", outcome, COMPLAINT_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_resolve(sh->host.store, &ctx, number, outcome);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "resolved", "办结");
	cmd_complaint_changed(sh, number, T(sh, "resolved", "已办结"));
	return CMD_OK;
}

int cmd_complaint_reopen(struct shell *sh, struct args *a)
{
	char number[COMPLAINT_NUMBER_MAX];
	const char *reason = args_get(a, "reason");
	struct audit_ctx ctx;
	int rc;

	rc = cmd_complaint_target(sh, a->pos[0], number);
	if (rc != CMD_OK)
		return rc;
	if (!cmd_complaint_text_ok(sh, "--reason", reason, COMPLAINT_TEXT_MAX))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_complaint_reopen(sh->host.store, &ctx, number, reason);
	if (rc < 0)
		return cmd_complaint_change_error(sh, number, rc, "reopened", "重开");
	cmd_complaint_changed(sh, number, T(sh, "reopened", "已重开"));
	return CMD_OK;
}
