/* cmd_unit — the unit register (单元) and a unit's history: unit list, unit show UNIT,
 * unit history UNIT (every complaint and promise of the unit, newest first), and unit import
 * (the register from CSV on stdin, all or nothing). */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_movein_util.h"
#include "cmd_page.h"
#include "cmd_unit_import.h"
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
     CMD_AUDIT | CMD_STDIN, NULL, cmd_unit_import_run, CMD_STDIN_IMPORT},
};

const struct cmd_group cmd_unit_group = {cmd_unit_entries, sizeof cmd_unit_entries / sizeof cmd_unit_entries[0],
                                           "Units", "单元"};
