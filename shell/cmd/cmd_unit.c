/* cmd_unit — the unit register (单元) and a unit's history: unit list, unit show UNIT,
 * unit history UNIT (every complaint and promise of the unit, newest first), and unit import
 * (the register from CSV on stdin, all or nothing). */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_movein_util.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "csv.h"
#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_complaint.h"
#include "store_movein.h"
#include "store_unit.h"
#include "table.h"
#include "utf8.h"

#define CMD_UNIT_LIST_MAX 1000
#define CMD_UNIT_TEXT_COLS 30

/* The owner's phone of a unit: whole for supervisors and admins, masked for agents. */
static void cmd_unit_phone(const struct shell *sh, const char *phone, struct buf *out)
{
	/* A unit's owner belongs to no complaint: supervisors and admins only. */
	cmd_util_phone(phone, cmd_util_sees_phone(sh, NULL, NULL), out);
}

static int cmd_unit_bad_code(struct shell *sh, const char *code)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, code);
	shell_errorf(sh,
	             T(sh, "`%s` is not a unit code (1-32 characters, no spaces, e.g. 3-2-1201)",
	               "`%s` 不是有效的单元编号（1-32 个字符，不含空格，如 3-2-1201）"),
	             buf_cstr(&w));
	buf_free(&w);
	return CMD_USAGE;
}

static void cmd_unit_json(const struct shell *sh, struct json *j, const struct unit *u)
{
	struct buf phone;

	buf_init(&phone);
	cmd_unit_phone(sh, u->owner_phone, &phone);
	json_kv_string(j, "code", u->code);
	json_kv_string(j, "building", u->building);
	json_kv_string(j, "owner_name", u->owner_name);
	json_kv_string(j, "owner_phone", u->owner_phone != NULL ? buf_cstr(&phone) : NULL);
	cmd_util_json_double(j, "area_m2", u->area_m2);
	json_kv_int(j, "created_ms", u->created * 1000); /* ms, as every other *_ms */
	json_kv_string(j, "housing_type", u->housing_type);
	buf_reset(&phone);
	cmd_util_id_number(sh, u->owner_id, &phone);
	json_kv_string(j, "owner_id", u->owner_id != NULL ? buf_cstr(&phone) : NULL);
	buf_free(&phone);
}

static int cmd_unit_list(struct shell *sh, struct args *a)
{
	struct unit *list = NULL;
	size_t n, got = 0, limit, offset, i;
	int64_t total = 0;
	struct cmd_page pg;
	struct buf out;
	int rc;

	rc =
	    cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_UNIT_LIST_MAX, &limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), 10000000,
		                               &offset);
	if (rc != CMD_OK)
		return rc;
	rc = store_unit_list(sh->host.store, cmd_page_fetch(limit), offset, &list, &got);
	if (rc == 0)
		rc = store_unit_count(sh->host.store, &total);
	if (rc < 0) {
		store_unit_list_free(list, got);
		return shell_store_error(sh, rc);
	}
	cmd_page_init(&pg, offset, limit, got, total, true);
	n = pg.n;
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		cmd_page_json_begin(&j, &pg);
		for (i = 0; i < n; i++) {
			json_object_begin(&j);
			cmd_unit_json(sh, &j, &list[i]);
			json_object_end(&j);
		}
		cmd_page_json_end(&j);
		buf_putc(&out, '\n');
	} else if (n == 0) {
		buf_printf(&out, "%s\n",
		           total == 0
		               ? T(sh,
		                   "The unit register is empty: complaints keep units as typed "
		                   "(unverified).",
		                   "单元登记表为空：投诉中的单元按输入保存（未核实）。")
		               : T(sh, "No more units.", "没有更多单元。"));
	} else {
		const char *hdr_en[] = {"UNIT", "BUILDING", "OWNER", "PHONE", "AREA m²"};
		const char *hdr_zh[] = {"单元", "楼栋", "业主", "电话", "面积 m²"};
		struct table *t = table_new(5, shell_is_zh(sh) ? hdr_zh : hdr_en);

		for (i = 0; i < n; i++) {
			struct buf phone;
			char area[32];
			const char *cells[5];

			buf_init(&phone);
			cmd_unit_phone(sh, list[i].owner_phone, &phone);
			if (list[i].area_m2 > 0)
				snprintf(area, sizeof area, "%.2f", list[i].area_m2);
			else
				snprintf(area, sizeof area, "-");
			cells[0] = list[i].code;
			cells[1] = list[i].building;
			cells[2] = list[i].owner_name;
			cells[3] = buf_cstr(&phone);
			cells[4] = area;
			table_add_row(t, cells);
			buf_free(&phone);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		cmd_page_more(sh, &pg, &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_unit_list_free(list, got);
	return CMD_OK;
}

/* unit show: a job for the thread pool (a unit's complaints are counted: years of them). */
struct cmd_unit_shower {
	struct cmd_util_job job;
	char *code;
	bool json;
	struct unit u;
	int get_rc; /* of store_unit_get: 0 or STORE_ENOENT */
	int64_t all, open;
	int stage; /* of its move-in (enum movein_stage), -1: none started */
};

static int cmd_unit_show_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_unit_shower *w = (struct cmd_unit_shower *)job;
	struct complaint_filter f;
	int rc;

	struct movein m;

	w->get_rc = store_unit_get(st, w->code, &w->u);
	if (w->get_rc < 0 && w->get_rc != STORE_ENOENT)
		return w->get_rc;
	rc = store_movein_get(st, w->code, &m);
	w->stage = rc == 0 ? m.stage : -1;
	store_movein_clear(&m);
	if (rc < 0 && rc != STORE_ENOENT)
		return rc;
	memset(&f, 0, sizeof f);
	f.unit = w->code;
	rc = store_complaint_count(st, &f, &w->all);
	f.status_mask = ~COMPLAINT_STATUS_BIT(COMPLAINT_RESOLVED) & ((1u << COMPLAINT_NSTATUS) - 1);
	if (rc == 0)
		rc = store_complaint_count(st, &f, &w->open);
	return rc;
}

static void cmd_unit_show_free(struct cmd_util_job *job)
{
	struct cmd_unit_shower *w = (struct cmd_unit_shower *)job;

	store_unit_clear(&w->u);
	free(w->code);
	free(w);
}

static int cmd_unit_show_finish(struct shell *sh, struct cmd_util_job *job, int rc);

static int cmd_unit_show(struct shell *sh, struct args *a)
{
	const char *code = a->pos[0];
	struct cmd_unit_shower *w;

	if (!store_unit_code_ok(code))
		return cmd_unit_bad_code(sh, code);
	w = calloc(1, sizeof *w);
	if (w == NULL)
		abort();
	w->job.run = cmd_unit_show_run;
	w->job.finish = cmd_unit_show_finish;
	w->job.free = cmd_unit_show_free;
	w->json = args_has(a, "json");
	w->code = strdup(code);
	if (w->code == NULL)
		abort();
	return cmd_util_job(sh, &w->job, true);
}

static int cmd_unit_show_finish(struct shell *sh, struct cmd_util_job *job, int jrc)
{
	struct cmd_unit_shower *us = (struct cmd_unit_shower *)job;
	const char *code = us->code;
	int64_t all = us->all, open = us->open;
	const struct unit *u = &us->u;
	int rc = us->get_rc;
	struct buf out;

	if (jrc < 0)
		return shell_store_error(sh, jrc);
	if (rc == STORE_ENOENT && all == 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, code);
		shell_errorf(sh,
		             T(sh, "no unit `%s` in the register, and no complaints about it",
		               "单元登记表中没有 `%s`，也没有关于它的投诉"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_ERROR;
	}
	buf_init(&out);
	if (us->json) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		if (rc == 0) {
			cmd_unit_json(sh, &j, u);
		} else {
			json_kv_string(&j, "code", code);
		}
		json_kv_bool(&j, "registered", rc == 0);
		json_kv_string(&j, "movein_stage",
		               us->stage >= 0 ? store_movein_stage_name(us->stage) : NULL);
		json_kv_int(&j, "complaints", all);
		json_kv_int(&j, "complaints_not_resolved", open);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else {
		struct buf phone;

		buf_init(&phone);
		buf_printf(&out, "%s ", T(sh, "Unit", "单元"));
		shell_clean(&out, code);
		if (rc != 0)
			buf_puts(&out,
			         T(sh, "  (not in the unit register)", "（不在单元登记表中）"));
		buf_putc(&out, '\n');
		if (rc == 0) {
			cmd_unit_phone(sh, u->owner_phone, &phone);
			buf_printf(&out, "  %s", T(sh, "building: ", "楼栋："));
			shell_clean(&out, u->building ? u->building : "-");
			buf_printf(&out, "\n  %s", T(sh, "owner:    ", "业主："));
			shell_clean(&out, u->owner_name ? u->owner_name : "-");
			buf_printf(&out, "\n  %s%s", T(sh, "phone:    ", "电话："),
			           u->owner_phone ? buf_cstr(&phone) : "-");
			if (u->area_m2 > 0)
				buf_printf(&out, "\n  %s%.2f m²", T(sh, "area:     ", "面积："),
				           u->area_m2);
			if (u->housing_type != NULL)
				buf_printf(&out, "\n  %s%s", T(sh, "housing:  ", "类型："),
				           cmd_movein_util_housing_label(sh, u->housing_type));
			if (u->owner_id != NULL) {
				buf_printf(&out, "\n  %s", T(sh, "owner ID: ", "身份证："));
				cmd_util_id_number(sh, u->owner_id, &out);
			}
			buf_printf(&out, "\n  %s%s", T(sh, "move-in:  ", "入伙："),
			           us->stage >= 0 ? cmd_movein_util_stage_label(sh, us->stage)
			                          : T(sh, "not started", "未开始"));
			buf_putc(&out, '\n');
		}
		buf_printf(&out,
		           T(sh,
		             "  complaints: %lld (%lld not resolved); unit history shows them\n",
		             "  投诉：%lld 件（未解决 %lld 件）；unit history 可查看\n"),
		           (long long)all, (long long)open);
		buf_free(&phone);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

/* unit history: a page of a unit's events, read on the thread pool (the page is sorted from
 * all of the unit's complaints and promises). */
struct cmd_unit_historian {
	struct cmd_util_job job;
	char *code;
	size_t limit, offset;
	bool json;
	struct unit_event *ev;
	size_t n; /* events read: the page and one more when more follow */
};

static int cmd_unit_history_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_unit_historian *h = (struct cmd_unit_historian *)job;

	return store_unit_history(st, h->code, cmd_page_fetch(h->limit), h->offset, &h->ev, &h->n);
}

static void cmd_unit_history_free(struct cmd_util_job *job)
{
	struct cmd_unit_historian *h = (struct cmd_unit_historian *)job;

	store_unit_history_free(h->ev, h->n);
	free(h->code);
	free(h);
}

static int cmd_unit_history_finish(struct shell *sh, struct cmd_util_job *job, int rc);

static int cmd_unit_history(struct shell *sh, struct args *a)
{
	const char *code = a->pos[0];
	struct cmd_unit_historian *h;
	size_t limit, offset;
	int rc;

	if (!store_unit_code_ok(code))
		return cmd_unit_bad_code(sh, code);
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_UNIT_LIST_MAX, &limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), 1000000, &offset);
	if (rc != CMD_OK)
		return rc;
	h = calloc(1, sizeof *h);
	if (h == NULL)
		abort();
	h->job.run = cmd_unit_history_run;
	h->job.finish = cmd_unit_history_finish;
	h->job.free = cmd_unit_history_free;
	h->code = strdup(code);
	if (h->code == NULL)
		abort();
	h->limit = limit;
	h->offset = offset;
	h->json = args_has(a, "json");
	return cmd_util_job(sh, &h->job, true);
}

static int cmd_unit_history_finish(struct shell *sh, struct cmd_util_job *job, int jrc)
{
	struct cmd_unit_historian *h = (struct cmd_unit_historian *)job;
	const char *code = h->code;
	const struct unit_event *ev = h->ev;
	struct cmd_page pg;
	size_t n, i;
	struct catalog *cat;
	struct buf out;
	int64_t now = store_now_ms();

	if (jrc < 0)
		return shell_store_error(sh, jrc);
	/* Not counted: "more" from one event past the page. */
	cmd_page_init(&pg, h->offset, h->limit, h->n, -1, false);
	n = pg.n;
	cat = cmd_util_catalog(sh);
	buf_init(&out);
	if (h->json) {
		struct json j;

		json_init(&j, &out);
		cmd_page_json_begin(&j, &pg);
		for (i = 0; i < n; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "kind", ev[i].is_promise ? "promise" : "complaint");
			json_kv_int(&j, "ts_ms", ev[i].ts_ms);
			json_kv_string(&j, "number", ev[i].number);
			json_kv_string(&j, "category", ev[i].category);
			json_kv_string(&j, "status", ev[i].status);
			json_kv_string(&j, "text", ev[i].text);
			json_kv_string(&j, "agent", ev[i].agent);
			if (ev[i].is_promise) {
				json_kv_int(&j, "promise_id", ev[i].promise_id);
				json_kv_int(&j, "due_ms", ev[i].due_ms);
			}
			json_object_end(&j);
		}
		cmd_page_json_end(&j);
		buf_putc(&out, '\n');
	} else if (n == 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, code);
		/* Past the last page the unit has a history, only not this far back. */
		if (h->offset > 0)
			buf_printf(&out,
			           T(sh, "No more history for unit %s.\n", "单元 %s 没有更多记录。\n"),
			           buf_cstr(&w));
		else
			buf_printf(&out,
			           T(sh, "No complaints about unit %s.\n", "单元 %s 没有投诉记录。\n"),
			           buf_cstr(&w));
		buf_free(&w);
	} else {
		const char *hdr_en[] = {"DATE",   "KIND",  "COMPLAINT", "CATEGORY",
		                        "STATUS", "AGENT", "TEXT"};
		const char *hdr_zh[] = {"日期", "类型", "投诉", "类别", "状态", "客服", "内容"};
		struct table *t = table_new(7, shell_is_zh(sh) ? hdr_zh : hdr_en);

		table_set_max_width(t, 6, CMD_UNIT_TEXT_COLS);
		for (i = 0; i < n; i++) {
			const struct unit_event *e = &ev[i];
			char date[32], kind[48], status[96], due[32];
			const char *cells[7];
			int st;

			cmd_util_time(e->ts_ms, true, date, sizeof date);
			if (e->is_promise) {
				snprintf(kind, sizeof kind, "%s #%lld", T(sh, "promise", "承诺"),
				         (long long)e->promise_id);
				st = store_promise_status_parse(e->status);
				cmd_util_time(e->due_ms, true, due, sizeof due);
				snprintf(status, sizeof status, T(sh, "%s, %s %s", "%s，%s %s"),
				         st >= 0 ? cmd_util_promise_state(sh, st, e->due_ms, now)
				                 : e->status,
				         T(sh, "due", "期限"), due);
			} else {
				snprintf(kind, sizeof kind, "%s", T(sh, "complaint", "投诉"));
				st = store_complaint_status_parse(e->status);
				snprintf(status, sizeof status, "%s",
				         st >= 0 ? cmd_util_status_label(sh, st) : e->status);
			}
			cells[0] = date;
			cells[1] = kind;
			cells[2] = e->number;
			cells[3] = cmd_util_category_name(sh, cat, e->category);
			cells[4] = status;
			cells[5] = e->agent;
			cells[6] = e->text;
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		cmd_page_more(sh, &pg, &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	catalog_unref(cat);
	return CMD_OK;
}

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

static int cmd_unit_import(struct shell *sh, struct args *a)
{
	struct cmd_unit_import imp;
	struct unit_import_result res;
	struct audit_ctx ctx;
	bool dry_run = args_has(a, "dry-run");
	const char *in;
	struct csv *csv;
	struct buf out;
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
	shell_audit_ctx(sh, &ctx);
	rc = store_unit_import(sh->host.store, &ctx, imp.units, imp.n, imp.fields, dry_run, &res);
	if (rc < 0) {
		rc = cmd_unit_import_store_error(sh, &imp, rc, res.bad);
		cmd_unit_import_free(&imp);
		return rc;
	}
	if (imp.nskipped > 0) {
		struct buf msg;

		buf_init(&msg);
		buf_printf(&msg,
		           T(sh, "%zu bad rows left out (--skip-bad):\n%s%s",
		             "跳过 %zu 个有错误的行（--skip-bad）：\n%s%s"),
		           imp.nskipped, buf_cstr(&imp.skipped),
		           imp.nskipped > 100 ? "...\n" : "");
		shell_write(sh, 2, msg.data, msg.len);
		buf_free(&msg);
	}
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_int(&j, "units", (int64_t)imp.n);
		if (imp.skip_bad)
			json_kv_int(&j, "skipped", (int64_t)imp.nskipped);
		json_kv_int(&j, "added", (int64_t)res.added);
		json_kv_int(&j, "updated", (int64_t)res.updated);
		json_kv_int(&j, "unchanged", (int64_t)res.unchanged);
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
		           imp.n, res.added, res.updated, res.unchanged);
	} else {
		buf_printf(&out,
		           T(sh, "Imported %zu units: %zu added, %zu updated, %zu unchanged.\n",
		             "已导入 %zu 个单元：新增 %zu 个，更新 %zu 个，未变 %zu 个。\n"),
		           imp.n, res.added, res.updated, res.unchanged);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	cmd_unit_import_free(&imp);
	return CMD_OK;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_page[] = {
    {"limit", ARGS_VALUE},
    {"offset", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static const struct args_opt cmd_opts_unit_import[] = {
    {"dry-run", 0},
    {"skip-bad", 0},
    {"ignore-unknown", 0},
    {"json", 0},
    {NULL, 0},
};

static const struct cmd_entry cmd_unit_entries[] = {
    {"unit", "list", ROLES_DESK, cmd_opts_page, 0, 0, "unit list [--limit N] [--offset N] [--json]",
     "List the unit register.", "列出单元登记表。", CMD_AUDIT | CMD_READONLY, NULL, cmd_unit_list, 0},
    {"unit", "show", ROLES_DESK, cmd_opts_json, 1, 1, "unit show UNIT [--json]",
     "Show a unit of the register and how many complaints it has.",
     "显示登记表中的单元及其投诉数量。", CMD_AUDIT | CMD_READONLY, NULL, cmd_unit_show, 0},
    {"unit", "history", ROLES_DESK, cmd_opts_page, 1, 1,
     "unit history UNIT [--limit N] [--offset N] [--json]",
     "The complaints and promises of a unit, newest first, 100 at a time (--limit up to "
     "1000, --offset to go further back).",
     "按时间倒序列出某单元的投诉和承诺，每次 100 条（--limit 最多 1000，--offset 查看更早的）。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_unit_history, 0},
    {"unit", "import", ROLE_ADMIN, cmd_opts_unit_import, 0, 0,
     "unit import [--dry-run] [--ignore-unknown] [--skip-bad] [--json] < units.csv",
     "Load the unit register from CSV on stdin (exec mode: ssh HOST unit import < units.csv), "
     "all or nothing. UTF-8 (a BOM is fine), commas, quotes as in RFC 4180. The first line "
     "names the columns: code (or unit, 单元, 单元编号, 房号), building (楼栋, 楼号), owner "
     "(owner_name, 业主, 业主姓名), phone (owner_phone, 电话, 业主电话, 联系电话, 手机), area "
     "(area_m2, 面积, 建筑面积; 89.5 or 89.5㎡), housing_type (房屋类型: commercial 商品房 or "
     "resettlement 回迁房), owner_id (身份证号: checked with its check digit); only code is "
     "required. A code already in the "
     "register is updated: the file's columns replace its values (an empty cell clears one), "
     "columns not in the file are kept. Reports how many units were added, updated and "
     "unchanged. Every bad row is reported with its line number and nothing is written. "
     "--dry-run checks and counts without writing; --ignore-unknown skips other columns; "
     "--skip-bad leaves bad rows out (each reported with its line) and imports the rest.",
     "从标准输入读取 CSV 文件导入单元登记表（exec 模式：ssh 主机 unit import < units.csv），"
     "全部成功或全部不导入。UTF-8 编码（可带 BOM），逗号分隔，引号规则同 RFC 4180。第一行是列名："
     "单元（或 单元编号、房号、code、unit）、楼栋（楼号、building）、业主（业主姓名、owner、"
     "owner_name）、电话（业主电话、联系电话、手机、phone、owner_phone）、面积（建筑面积、area、"
     "area_m2；如 89.5 或 89.5㎡）、房屋类型（housing_type：商品房 或 回迁房）、身份证号（owner_id，"
     "校验最后一位）；只有单元列是必需的。"
     "登记表中已有的单元会被更新：文件中的列覆盖原值（空单元格清空该项），文件中没有的列保持不变。"
     "完成后报告新增、更新、未变的单元数。"
     "任何一行有错误都不写入任何内容，并逐行指出错误行号。--dry-run 只检查和统计，不写入；"
     "--ignore-unknown 跳过其他列；--skip-bad 跳过有错误的行（逐行报告行号）并导入其余各行。",
     CMD_AUDIT | CMD_STDIN, NULL, cmd_unit_import, CMD_STDIN_IMPORT},
};

const struct cmd_group cmd_unit_group = {cmd_unit_entries, sizeof cmd_unit_entries / sizeof cmd_unit_entries[0],
                                           "Units", "单元"};
