/* cmd_unit_import — unit import: the unit register loaded from CSV on stdin (exec mode), each
 * bad row reported with its line, nothing imported if any is bad unless --skip-bad, applied a
 * slice at a time so the loop serves everyone else meanwhile. */
#include "cmd_unit_import.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "cmd_util.h"
#include "csv.h"
#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_unit.h"
#include "utf8.h"

/* ---- unit import ------------------------------------------------------------------------ */

#define CMD_UNIT_CSV_FIELD_MAX 1024     /* bytes in one CSV field */
#define CMD_UNIT_CSV_FIELDS 64          /* fields in one CSV record */
#define CMD_UNIT_EROW (CSV_ECALLER - 1) /* a row refused: the message is in imp->err */
#define CMD_UNIT_SHOW_MAX 60            /* columns of a value quoted in an error */

enum cmd_unit_col {
	CMD_UNIT_COL_CODE,
	CMD_UNIT_COL_BUILDING,
	CMD_UNIT_COL_OWNER,
	CMD_UNIT_COL_PHONE,
	CMD_UNIT_COL_AREA,
	CMD_UNIT_COL_HOUSING,
	CMD_UNIT_COL_OWNER_ID,
	CMD_UNIT_NCOLS,
	CMD_UNIT_COL_SKIP = -1
};

/* The header names accepted (compared after trimming, dropping a "(...)" or "（...）" unit
 * suffix, lower-casing ASCII and turning spaces and '-' into '_'); listed in the help. */
static const struct {
	const char *name;
	enum cmd_unit_col col;
} cmd_unit_headers[] = {
    {"code", CMD_UNIT_COL_CODE},      {"unit", CMD_UNIT_COL_CODE},
    {"unit_code", CMD_UNIT_COL_CODE}, {"单元", CMD_UNIT_COL_CODE},
    {"单元编号", CMD_UNIT_COL_CODE},  {"单元号", CMD_UNIT_COL_CODE},
    {"房号", CMD_UNIT_COL_CODE},      {"building", CMD_UNIT_COL_BUILDING},
    {"楼栋", CMD_UNIT_COL_BUILDING},  {"楼号", CMD_UNIT_COL_BUILDING},
    {"owner", CMD_UNIT_COL_OWNER},    {"owner_name", CMD_UNIT_COL_OWNER},
    {"业主", CMD_UNIT_COL_OWNER},     {"业主姓名", CMD_UNIT_COL_OWNER},
    {"phone", CMD_UNIT_COL_PHONE},    {"owner_phone", CMD_UNIT_COL_PHONE},
    {"电话", CMD_UNIT_COL_PHONE},     {"业主电话", CMD_UNIT_COL_PHONE},
    {"联系电话", CMD_UNIT_COL_PHONE}, {"手机", CMD_UNIT_COL_PHONE},
    {"area", CMD_UNIT_COL_AREA},      {"area_m2", CMD_UNIT_COL_AREA},
    {"面积", CMD_UNIT_COL_AREA},      {"建筑面积", CMD_UNIT_COL_AREA},
    {"housing_type", CMD_UNIT_COL_HOUSING}, {"housing", CMD_UNIT_COL_HOUSING},
    {"房屋类型", CMD_UNIT_COL_HOUSING},     {"类型", CMD_UNIT_COL_HOUSING},
    {"owner_id", CMD_UNIT_COL_OWNER_ID},    {"id_number", CMD_UNIT_COL_OWNER_ID},
    {"身份证号", CMD_UNIT_COL_OWNER_ID},    {"身份证", CMD_UNIT_COL_OWNER_ID},
};

static const unsigned cmd_unit_col_field[CMD_UNIT_NCOLS] = {
    0, UNIT_IMPORT_BUILDING, UNIT_IMPORT_OWNER_NAME, UNIT_IMPORT_OWNER_PHONE, UNIT_IMPORT_AREA,
    UNIT_IMPORT_HOUSING, UNIT_IMPORT_OWNER_ID,
};

struct cmd_unit_import {
	struct shell *sh;
	bool ignore_unknown;
	bool skip_bad;    /* --skip-bad: a bad data row is reported and left out */
	struct buf skipped; /* the bad rows (the first 100), one message a line */
	size_t nskipped;
	bool have_header;
	size_t ncols;                     /* fields in the header */
	int map[CMD_UNIT_CSV_FIELDS];     /* per column: enum cmd_unit_col */
	char *label[CMD_UNIT_CSV_FIELDS]; /* per column: its header, sanitized (owned) */
	unsigned fields;                  /* UNIT_IMPORT_* of the columns present */
	struct unit *units;               /* owned */
	size_t *lines;                    /* the line of each unit */
	size_t n, cap;
	struct buf err; /* why a row was refused */
};

static void cmd_unit_import_free(struct cmd_unit_import *imp)
{
	size_t i;

	for (i = 0; i < CMD_UNIT_CSV_FIELDS; i++)
		free(imp->label[i]);
	store_unit_list_free(imp->units, imp->n);
	buf_free(&imp->skipped);
	free(imp->lines);
	buf_free(&imp->err);
}

/* Bytes of white space (space, tab, U+3000 IDEOGRAPHIC SPACE) at s[0..len), or 0. */
static size_t cmd_unit_space_len(const char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (len >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* s[0..*len) without white space at both ends: the new start and *len. */
static const char *cmd_unit_trim(const char *s, size_t *len)
{
	size_t n = *len, k;

	while ((k = cmd_unit_space_len(s, n)) > 0) {
		s += k;
		n -= k;
	}
	for (;;) {
		if (n >= 1 && cmd_unit_space_len(s + n - 1, 1) == 1)
			n--;
		else if (n >= 3 && cmd_unit_space_len(s + n - 3, 3) == 3)
			n -= 3;
		else
			break;
	}
	*len = n;
	return s;
}

/* A value (untrusted) for an error message: sanitized, clipped, in backquotes. */
static void cmd_unit_quote(struct buf *out, const char *s, size_t len)
{
	size_t n = len > CMD_UNIT_SHOW_MAX ? utf8_prefix_for_width(s, len, CMD_UNIT_SHOW_MAX) : len;

	buf_putc(out, '`');
	utf8_sanitize(out, s, n, 0);
	if (n < len)
		buf_puts(out, "…");
	buf_putc(out, '`');
}

/* Starts imp->err with "line N: " (and "column C (`header`): " when col is a column). */
static void cmd_unit_row_error(struct cmd_unit_import *imp, size_t line, size_t col)
{
	struct shell *sh = imp->sh;

	buf_reset(&imp->err);
	buf_printf(&imp->err, T(sh, "line %zu: ", "第 %zu 行："), line);
	if (col < imp->ncols) {
		buf_printf(&imp->err, T(sh, "column %zu (%s): ", "第 %zu 列（%s）："), col + 1,
		           imp->label[col] != NULL ? imp->label[col] : "");
	}
}

/* Normalizes a header name into out (see cmd_unit_headers). */
static void cmd_unit_header_key(const char *s, size_t len, struct buf *out)
{
	const char *p;
	size_t i;

	s = cmd_unit_trim(s, &len);
	for (i = 0; i < len; i++) {
		if (s[i] == '(' || (i + 3 <= len && memcmp(s + i, "（", 3) == 0)) {
			len = i;
			break;
		}
	}
	s = cmd_unit_trim(s, &len);
	buf_reset(out);
	for (p = s; p < s + len; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		else if (ch == ' ' || ch == '-')
			ch = '_';
		buf_putc(out, ch);
	}
}

static int cmd_unit_header(struct cmd_unit_import *imp, const struct csv_row *row)
{
	struct shell *sh = imp->sh;
	int seen[CMD_UNIT_NCOLS];
	struct buf key;
	size_t i, j;

	for (j = 0; j < CMD_UNIT_NCOLS; j++)
		seen[j] = -1;
	imp->ncols = row->n;
	for (i = 0; i < row->n; i++) {
		struct buf w;

		buf_init(&w);
		utf8_sanitize(&w, row->field[i], row->len[i], 0);
		imp->label[i] = buf_steal(&w);
	}
	buf_init(&key);
	for (i = 0; i < row->n; i++) {
		int col = CMD_UNIT_COL_SKIP;

		cmd_unit_header_key(row->field[i], row->len[i], &key);
		for (j = 0; j < sizeof cmd_unit_headers / sizeof cmd_unit_headers[0]; j++)
			if (strcmp(buf_cstr(&key), cmd_unit_headers[j].name) == 0)
				col = cmd_unit_headers[j].col;
		if (col == CMD_UNIT_COL_SKIP && !imp->ignore_unknown) {
			cmd_unit_row_error(imp, row->line, i);
			buf_puts(
			    &imp->err,
			    T(sh,
			      "unknown column (known: code, building, owner, phone, area, or 单元, "
			      "楼栋, 业主, 电话, 面积; see help unit import; --ignore-unknown "
			      "skips "
			      "other columns)",
			      "未知的列（可用：单元、楼栋、业主、电话、面积，或 "
			      "code、building、owner、"
			      "phone、area；详见 help unit import；--ignore-unknown "
			      "可跳过其他列）"));
			buf_free(&key);
			return CMD_UNIT_EROW;
		}
		if (col != CMD_UNIT_COL_SKIP && seen[col] >= 0) {
			cmd_unit_row_error(imp, row->line, i);
			buf_printf(&imp->err,
			           T(sh, "the same field as column %d (%s)",
			             "与第 %d 列（%s）是同一个字段"),
			           seen[col] + 1, imp->label[seen[col]]);
			buf_free(&key);
			return CMD_UNIT_EROW;
		}
		if (col != CMD_UNIT_COL_SKIP) {
			seen[col] = (int)i;
			imp->fields |= cmd_unit_col_field[col];
		}
		imp->map[i] = col;
	}
	buf_free(&key);
	if (seen[CMD_UNIT_COL_CODE] < 0) {
		cmd_unit_row_error(imp, row->line, SIZE_MAX);
		buf_puts(&imp->err,
		         T(sh,
		           "the first line names the columns and needs a unit code column "
		           "(code or 单元)",
		           "第一行是列名，必须有单元编号列（单元 或 code）"));
		return CMD_UNIT_EROW;
	}
	imp->have_header = true;
	return 0;
}

/* Text of at most max bytes on one line: no control characters. */
static bool cmd_unit_text_ok(const char *s, size_t len, size_t max)
{
	size_t i = 0;

	if (len > max)
		return false;
	while (i < len) {
		uint32_t cp;
		int n = utf8_decode((const unsigned char *)s + i, len - i, &cp);

		if (n <= 0 || utf8_cpwidth(cp) < 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

/* An area in m²: digits with an optional fraction, an optional unit (m2, m², ㎡, 平方米, 平米). */
static bool cmd_unit_parse_area(const char *s, size_t len, double *out)
{
	static const char *const units[] = {"m2", "M2", "m²", "M²", "㎡", "平方米", "平米"};
	double v = 0, scale = 1;
	size_t i = 0, digits = 0, rest, k;
	bool frac = false;

	for (; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (++digits > 12)
				return false;
			if (frac) {
				scale /= 10;
				v += (s[i] - '0') * scale;
			} else {
				v = v * 10 + (s[i] - '0');
			}
		} else if (s[i] == '.' && !frac) {
			frac = true;
		} else {
			break;
		}
	}
	if (digits == 0)
		return false;
	while (i < len && s[i] == ' ')
		i++;
	rest = len - i;
	if (rest > 0) {
		for (k = 0; k < sizeof units / sizeof units[0]; k++)
			if (strlen(units[k]) == rest && memcmp(s + i, units[k], rest) == 0)
				break;
		if (k == sizeof units / sizeof units[0])
			return false;
	}
	*out = v;
	return true;
}

/* One data row into a unit. */
static int cmd_unit_data(struct cmd_unit_import *imp, const struct csv_row *row)
{
	struct shell *sh = imp->sh;
	struct unit u;
	size_t i;

	if (row->n != imp->ncols) {
		cmd_unit_row_error(imp, row->line, SIZE_MAX);
		buf_printf(&imp->err,
		           T(sh, "%zu fields, but the first line names %zu columns",
		             "有 %zu 个字段，但第一行列出了 %zu 列"),
		           row->n, imp->ncols);
		return CMD_UNIT_EROW;
	}
	if (imp->n >= UNIT_IMPORT_MAX) {
		cmd_unit_row_error(imp, row->line, SIZE_MAX);
		buf_printf(&imp->err,
		           T(sh, "more than %d units in one import: split the file",
		             "一次导入超过 %d 个单元：请拆分文件"),
		           UNIT_IMPORT_MAX);
		return CMD_UNIT_EROW;
	}
	memset(&u, 0, sizeof u);
	for (i = 0; i < row->n; i++) {
		size_t len = row->len[i];
		const char *v = cmd_unit_trim(row->field[i], &len);
		char **dst = NULL;
		uint32_t cp;
		size_t off, nchar;

		if (imp->map[i] != CMD_UNIT_COL_SKIP &&
		    utf8_find_invisible(v, len, &cp, &off, &nchar)) {
			/* Said by name: the store refuses them, and they cannot be seen. */
			cmd_unit_row_error(imp, row->line, i);
			buf_puts(&imp->err, T(sh, "the value ", "该值"));
			shell_invisible_why(sh, cp, nchar, &imp->err);
			goto bad;
		}

		switch (imp->map[i]) {
		case CMD_UNIT_COL_CODE:
			u.code = strndup(v, len);
			if (u.code == NULL)
				abort();
			if (len == 0) {
				cmd_unit_row_error(imp, row->line, i);
				buf_puts(&imp->err, T(sh, "every unit needs a code (empty here)",
				                      "每个单元都必须有编号（此处为空）"));
				goto bad;
			}
			if (!store_unit_code_ok(u.code)) {
				cmd_unit_row_error(imp, row->line, i);
				cmd_unit_quote(&imp->err, v, len);
				buf_puts(
				    &imp->err,
				    T(sh,
				      " is not a unit code (1-32 characters, no spaces, e.g. "
				      "3-2-1201)",
				      " 不是有效的单元编号（1-32 个字符，不含空格，如 3-2-1201）"));
				goto bad;
			}
			break;
		case CMD_UNIT_COL_BUILDING:
		case CMD_UNIT_COL_OWNER:
			dst = imp->map[i] == CMD_UNIT_COL_BUILDING ? &u.building : &u.owner_name;
			if (!cmd_unit_text_ok(v, len, UNIT_TEXT_MAX)) {
				cmd_unit_row_error(imp, row->line, i);
				buf_printf(&imp->err,
				           T(sh,
				             "at most %d bytes on one line, no control characters",
				             "最多 %d 字节，只能一行，不能有控制字符"),
				           UNIT_TEXT_MAX);
				goto bad;
			}
			if (len > 0 && (*dst = strndup(v, len)) == NULL)
				abort();
			break;
		case CMD_UNIT_COL_PHONE:
			if (len == 0)
				break;
			u.owner_phone = strndup(v, len);
			if (u.owner_phone == NULL)
				abort();
			if (!store_phone_ok(u.owner_phone)) {
				cmd_unit_row_error(imp, row->line, i);
				cmd_unit_quote(&imp->err, v, len);
				buf_puts(&imp->err,
				         T(sh,
				           " is not a phone number (a mobile 13812345678 or a "
				           "landline 021-12345678)",
				           " 不是有效的电话号码（手机如 13812345678，固话如 "
				           "021-12345678）"));
				goto bad;
			}
			break;
		case CMD_UNIT_COL_HOUSING:
			if (len == 0)
				break;
			if ((len == 10 && memcmp(v, "commercial", 10) == 0) ||
			    (len == 9 && memcmp(v, "商品房", 9) == 0))
				u.housing_type = strdup("commercial");
			else if ((len == 12 && memcmp(v, "resettlement", 12) == 0) ||
			         (len == 9 && memcmp(v, "回迁房", 9) == 0))
				u.housing_type = strdup("resettlement");
			else {
				cmd_unit_row_error(imp, row->line, i);
				cmd_unit_quote(&imp->err, v, len);
				buf_puts(&imp->err,
				         T(sh, " is not a housing type (commercial or resettlement)",
				           " 不是有效的房屋类型（商品房 或 回迁房）"));
				goto bad;
			}
			if (u.housing_type == NULL)
				abort();
			break;
		case CMD_UNIT_COL_OWNER_ID:
			if (len == 0)
				break;
			u.owner_id = strndup(v, len);
			if (u.owner_id == NULL)
				abort();
			if (len == 18 && u.owner_id[17] == 'x')
				u.owner_id[17] = 'X';
			if (!store_unit_id_ok(u.owner_id)) {
				cmd_unit_row_error(imp, row->line, i);
				buf_puts(&imp->err,
				         T(sh,
				           "not a resident ID number (18 characters; the check digit "
				           "does not match)",
				           "不是有效的身份证号（18 位，校验码不符）"));
				goto bad;
			}
			break;
		case CMD_UNIT_COL_AREA:
			if (len > 0 &&
			    (!cmd_unit_parse_area(v, len, &u.area_m2) || u.area_m2 > 1e6)) {
				cmd_unit_row_error(imp, row->line, i);
				cmd_unit_quote(&imp->err, v, len);
				buf_puts(
				    &imp->err,
				    T(sh,
				      " is not an area in m² (a number up to 1000000, e.g. "
				      "89.5 or 89.5㎡)",
				      " 不是有效的面积（平方米，不超过 1000000 的数字，如 89.5 "
				      "或 89.5㎡）"));
				goto bad;
			}
			break;
		default:
			break;
		}
	}
	if (imp->n == imp->cap) {
		size_t cap = imp->cap ? imp->cap * 2 : 64;
		struct unit *nu = realloc(imp->units, cap * sizeof *nu);
		size_t *nl;

		if (nu == NULL)
			abort();
		imp->units = nu;
		nl = realloc(imp->lines, cap * sizeof *nl);
		if (nl == NULL)
			abort();
		imp->lines = nl;
		imp->cap = cap;
	}
	imp->units[imp->n] = u;
	imp->lines[imp->n] = row->line;
	imp->n++;
	return 0;
bad:
	store_unit_clear(&u);
	return CMD_UNIT_EROW;
}

static int cmd_unit_row_cb(void *arg, const struct csv_row *row)
{
	struct cmd_unit_import *imp = arg;
	size_t i;

	/* Blank lines, and rows of empty cells (spreadsheets leave them), are skipped. */
	for (i = 0; i < row->n; i++) {
		size_t len = row->len[i];

		cmd_unit_trim(row->field[i], &len);
		if (len > 0)
			break;
	}
	if (i == row->n)
		return 0;
	if (!imp->have_header)
		return cmd_unit_header(imp, row);
	if (cmd_unit_data(imp, row) == 0)
		return 0;
	/* Every bad row is reported: kept, and the file read on (refused as a whole at the end
	 * unless --skip-bad). */
	if (imp->n >= UNIT_IMPORT_MAX)
		return CMD_UNIT_EROW;
	if (imp->nskipped < 100)
		buf_printf(&imp->skipped, "%s\n", buf_cstr(&imp->err));
	imp->nskipped++;
	return 0;
}

/* After the store refused the import: the line of unit bad and why. */
static int cmd_unit_import_store_error(struct shell *sh, struct cmd_unit_import *imp, int rc,
                                       size_t bad)
{
	struct buf w;
	size_t j;

	if ((rc != STORE_EINVAL && rc != STORE_EEXIST) || bad >= imp->n)
		return shell_store_error(sh, rc);
	buf_init(&w);
	buf_printf(&w, T(sh, "line %zu: ", "第 %zu 行："), imp->lines[bad]);
	cmd_unit_quote(&w, imp->units[bad].code, strlen(imp->units[bad].code));
	if (rc == STORE_EEXIST) {
		for (j = 0; j < bad; j++)
			if (strcmp(imp->units[j].code, imp->units[bad].code) == 0)
				break;
		buf_printf(&w,
		           T(sh, " is already on line %zu: each unit once per file",
		             " 已在第 %zu 行出现：每个单元在文件中只能出现一次"),
		           j < bad ? imp->lines[j] : 0);
	} else {
		buf_printf(&w, T(sh, ": %s", "：%s"), store_strerror(rc, shell_lang(sh)));
	}
	shell_errorf(sh, "%s%s", buf_cstr(&w), T(sh, "; nothing was imported", "；未导入任何单元"));
	buf_free(&w);
	return CMD_ERROR;
}

/* What the import did (or would do: dry_run), with the rows --skip-bad left out. */
static void cmd_unit_import_report(struct shell *sh, struct cmd_unit_import *imp,
                                   const struct unit_import_result *res, bool dry_run, bool json)
{
	struct buf out;

	if (imp->nskipped > 0) {
		struct buf msg;

		buf_init(&msg);
		buf_printf(&msg,
		           T(sh, "%zu bad rows left out (--skip-bad):\n%s%s",
		             "跳过 %zu 个有错误的行（--skip-bad）：\n%s%s"),
		           imp->nskipped, buf_cstr(&imp->skipped),
		           imp->nskipped > 100 ? "...\n" : "");
		shell_write(sh, 2, msg.data, msg.len);
		buf_free(&msg);
	}
	buf_init(&out);
	if (json) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_int(&j, "units", (int64_t)imp->n);
		if (imp->skip_bad)
			json_kv_int(&j, "skipped", (int64_t)imp->nskipped);
		json_kv_int(&j, "added", (int64_t)res->added);
		json_kv_int(&j, "updated", (int64_t)res->updated);
		json_kv_int(&j, "unchanged", (int64_t)res->unchanged);
		json_kv_bool(&j, "dry_run", dry_run);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else if (dry_run) {
		buf_printf(&out,
		           T(sh,
		             "Dry run, nothing written: %zu units read; %zu would be added, %zu "
		             "updated, %zu unchanged.\n",
		             "试运行，未写入：读取 %zu 个单元；将新增 %zu 个，更新 %zu 个，未变 "
		             "%zu 个。\n"),
		           imp->n, res->added, res->updated, res->unchanged);
	} else {
		buf_printf(&out,
		           T(sh, "Imported %zu units: %zu added, %zu updated, %zu unchanged.\n",
		             "已导入 %zu 个单元：新增 %zu 个，更新 %zu 个，未变 %zu 个。\n"),
		           imp->n, res->added, res->updated, res->unchanged);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
}

/* An import of many units runs a slice at a time, each in a transaction of its own on the
 * loop's connection (a slice takes a few milliseconds), as many as take about 8 ms in one turn
 * of the loop, then yielding to it (a round trip through the pool) so that every other session
 * goes on; progress goes to stderr. Every row was checked before
 * the first slice, so a slice is refused only by the database itself (a full disk): the
 * slices before it stay imported (a re-import updates them to the same values), and the user
 * is told how far it got. */
#define CMD_UNIT_IMPORT_SLICE 64   /* units in one transaction */
#define CMD_UNIT_IMPORT_TURN_MS 8  /* slices in one turn of the loop, about */

struct cmd_unit_import_job {
	struct cmd_unit_import imp;
	struct unit_import_result res; /* summed over the slices */
	size_t next;                   /* the first unit of the next slice */
	size_t told;                   /* the tenths of progress told */
	bool dry_run, json;
};

static void cmd_unit_import_job_free(struct cmd_unit_import_job *job)
{
	cmd_unit_import_free(&job->imp);
	free(job);
}

/* Nothing to do on the pool: the round trip through it lets the loop serve the others. */
static int cmd_unit_import_yield(struct store *ro, void *arg)
{
	(void)ro, (void)arg;
	return 0;
}

static void cmd_unit_import_step(struct shell *sh, void *arg, int rc);

/* Monotonic milliseconds. */
static int64_t cmd_unit_import_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Applies slices for about CMD_UNIT_IMPORT_TURN_MS, then schedules the next turn. Returns
 * CMD_PENDING while more follow, or the command's status once it has ended (and freed the
 * job). */
static int cmd_unit_import_slice(struct shell *sh, struct cmd_unit_import_job *job)
{
	struct cmd_unit_import *imp = &job->imp;
	int64_t start = cmd_unit_import_now_ms();
	struct audit_ctx ctx;
	int rc;

	shell_audit_ctx(sh, &ctx);
	do {
		size_t n = imp->n - job->next < CMD_UNIT_IMPORT_SLICE ? imp->n - job->next
		                                                       : CMD_UNIT_IMPORT_SLICE;
		struct unit_import_result part;

		rc = store_unit_import(sh->host.store, &ctx, imp->units + job->next, n,
		                       imp->fields, job->dry_run, &part);
		if (rc < 0) {
			if (job->next == 0) {
				rc = cmd_unit_import_store_error(sh, imp, rc, part.bad);
			} else {
				shell_errorf(
				    sh,
				    T(sh,
				      "%s: stopped at line %zu; the %zu units before it were "
				      "imported (importing the file again updates them, then goes on)",
				      "%s：在第 %zu 行停止；此前的 %zu 个单元已导入（再次导入该文件会"
				      "更新它们并继续）"),
				    shell_store_strerror(sh, rc), imp->lines[job->next], job->next);
				rc = CMD_ERROR;
			}
			cmd_unit_import_job_free(job);
			return rc;
		}
		job->res.added += part.added;
		job->res.updated += part.updated;
		job->res.unchanged += part.unchanged;
		job->next += n;
	} while (job->next < imp->n &&
	         cmd_unit_import_now_ms() - start < CMD_UNIT_IMPORT_TURN_MS);
	if (job->next == imp->n) {
		cmd_unit_import_report(sh, imp, &job->res, job->dry_run, job->json);
		cmd_unit_import_job_free(job);
		return CMD_OK;
	}
	if (job->next * 10 / imp->n > job->told) {
		job->told = job->next * 10 / imp->n;
		shell_errorf(sh, T(sh, "%s %zu of %zu units...", "%s %zu / %zu 个单元……"),
		             T(sh, job->dry_run ? "checked" : "imported",
		               job->dry_run ? "已检查" : "已导入"),
		             job->next, imp->n);
	}
	rc = shell_work(sh, cmd_unit_import_yield, cmd_unit_import_step, job);
	if (rc != CMD_PENDING) {
		cmd_unit_import_job_free(job);
		return rc;
	}
	return CMD_PENDING;
}

static void cmd_unit_import_step(struct shell *sh, void *arg, int rc)
{
	struct cmd_unit_import_job *job = arg;

	if (sh == NULL) {
		/* The session went away: the slices so far stay imported. */
		cmd_unit_import_job_free(job);
		return;
	}
	(void)rc;
	rc = cmd_unit_import_slice(sh, job);
	if (rc != CMD_PENDING)
		shell_cmd_done(sh, rc);
}

int cmd_unit_import_run(struct shell *sh, struct args *a)
{
	struct cmd_unit_import imp;
	bool dry_run = args_has(a, "dry-run");
	const char *in;
	struct csv *csv;
	size_t len;
	int rc;

	if (sh->interactive) {
		shell_errorf(sh,
		             T(sh,
		               "unit import reads a CSV file on stdin: run it in exec mode, e.g. "
		               "ssh HOST unit import < units.csv",
		               "unit import 从标准输入读取 CSV 文件：请在 exec 模式下运行，如 "
		               "ssh 主机 unit import < units.csv"));
		return CMD_USAGE;
	}
	memset(&imp, 0, sizeof imp);
	imp.sh = sh;
	imp.ignore_unknown = args_has(a, "ignore-unknown");
	imp.skip_bad = args_has(a, "skip-bad");
	buf_init(&imp.err);
	buf_init(&imp.skipped);
	csv = csv_new(CMD_UNIT_CSV_FIELD_MAX, CMD_UNIT_CSV_FIELDS, cmd_unit_row_cb, &imp);
	if (csv == NULL)
		abort();
	in = shell_stdin(sh, &len);
	rc = csv_feed(csv, in, len);
	if (rc == 0)
		rc = csv_finish(csv);
	if (rc < 0) {
		struct buf msg;

		buf_init(&msg);
		if (rc == CMD_UNIT_EROW)
			buf_puts(&msg, buf_cstr(&imp.err));
		else
			csv_error(csv, rc, shell_lang(sh), &msg);
		shell_errorf(sh, "%s%s", buf_cstr(&msg),
		             T(sh, "; nothing was imported", "；未导入任何单元"));
		buf_free(&msg);
		csv_free(csv);
		cmd_unit_import_free(&imp);
		return CMD_ERROR;
	}
	csv_free(csv);
	if (imp.nskipped > 0 && !imp.skip_bad) {
		/* Each bad row with its line; nothing imported. */
		if (imp.skipped.len > 0)
			imp.skipped.data[--imp.skipped.len] = '\0'; /* the last newline */
		if (imp.nskipped == 1)
			shell_errorf(sh, "%s%s", buf_cstr(&imp.skipped),
			             T(sh, "; nothing was imported", "；未导入任何单元"));
		else
			shell_errorf(sh,
			             T(sh,
			               "%zu bad rows; nothing was imported (--skip-bad imports the "
			               "others):\n%s%s",
			               "%zu 行有错误；未导入任何单元（--skip-bad 可导入其余各行）：\n%s%s"),
			             imp.nskipped, buf_cstr(&imp.skipped),
			             imp.nskipped > 100 ? "\n..." : "");
		cmd_unit_import_free(&imp);
		return CMD_ERROR;
	}
	if (imp.n == 0) {
		shell_errorf(sh,
		             T(sh,
		               "no units on stdin: the first line names the columns, then one "
		               "unit per line (see help unit import)",
		               "标准输入中没有单元：第一行是列名，之后每行一个单元（见 help unit "
		               "import）"));
		cmd_unit_import_free(&imp);
		return CMD_ERROR;
	}
	/* The units are copied out of stdin: its room goes back to the budget for the others. */
	shell_stdin_done(sh);
	/* Every row checked before anything is written: all or nothing, whatever the slices. */
	{
		size_t bad = 0;

		rc = store_unit_import_check(imp.units, imp.n, imp.fields, &bad);
		if (rc < 0) {
			rc = cmd_unit_import_store_error(sh, &imp, rc, bad);
			cmd_unit_import_free(&imp);
			return rc;
		}
	}
	{
		struct cmd_unit_import_job *job = calloc(1, sizeof *job);

		if (job == NULL) {
			cmd_unit_import_free(&imp);
			return shell_store_error(sh, -ENOMEM);
		}
		job->imp = imp;
		job->dry_run = dry_run;
		job->json = args_has(a, "json");
		return cmd_unit_import_slice(sh, job);
	}
}
