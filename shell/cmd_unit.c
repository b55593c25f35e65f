/* cmd_unit — the unit register (单元) and a unit's history: unit list, unit show UNIT, and
 * unit history UNIT (every complaint and promise of the unit, newest first). */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_complaint.h"
#include "table.h"

#define CMD_UNIT_LIST_MAX 1000
#define CMD_UNIT_TEXT_COLS 30

/* The owner's phone of a unit: whole for supervisors and admins, masked for agents. */
static void cmd_unit_phone(const struct shell *sh, const char *phone, struct buf *out)
{
	cmd_complaint_phone(phone, sh->user.role == ROLE_SUPERVISOR || sh->user.role == ROLE_ADMIN,
	                    out);
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
	cmd_complaint_json_double(j, "area_m2", u->area_m2);
	json_kv_int(j, "created", u->created);
	buf_free(&phone);
}

int cmd_unit_list(struct shell *sh, struct args *a)
{
	struct unit *list = NULL;
	size_t n = 0, limit, offset, i;
	int64_t total = 0;
	struct buf out;
	int rc;

	rc =
	    cmd_complaint_parse_count(sh, "limit", args_get(a, "limit"), CMD_UNIT_LIST_MAX, &limit);
	if (rc == CMD_OK)
		rc = cmd_complaint_parse_count(sh, "offset", args_get(a, "offset"), 10000000,
		                               &offset);
	if (rc != CMD_OK)
		return rc;
	rc = store_unit_list(sh->host.store, limit ? limit : 100, offset, &list, &n);
	if (rc == 0)
		rc = store_unit_count(sh->host.store, &total);
	if (rc < 0) {
		store_unit_list_free(list, n);
		return shell_store_error(sh, rc);
	}
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_array_begin(&j);
		for (i = 0; i < n; i++) {
			json_object_begin(&j);
			cmd_unit_json(sh, &j, &list[i]);
			json_object_end(&j);
		}
		json_array_end(&j);
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
		table_render(t, &out);
		table_free(t);
		if ((int64_t)(offset + n) < total)
			buf_printf(
			    &out,
			    T(sh, "(%zu of %lld shown: --limit / --offset for more)\n",
			      "（显示 %zu 个，共 %lld 个；用 --limit / --offset 查看更多）\n"),
			    n, (long long)total);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_unit_list_free(list, n);
	return CMD_OK;
}

int cmd_unit_show(struct shell *sh, struct args *a)
{
	const char *code = a->pos[0];
	struct complaint_filter f;
	int64_t all = 0, open = 0;
	struct unit u;
	struct buf out;
	int rc;

	if (!store_unit_code_ok(code))
		return cmd_unit_bad_code(sh, code);
	memset(&u, 0, sizeof u);
	rc = store_unit_get(sh->host.store, code, &u);
	if (rc < 0 && rc != STORE_ENOENT) {
		unit_clear(&u);
		return shell_store_error(sh, rc);
	}
	memset(&f, 0, sizeof f);
	f.unit = code;
	if (store_complaint_count(sh->host.store, &f, &all) < 0)
		all = 0;
	f.status_mask = ~COMPLAINT_STATUS_BIT(COMPLAINT_RESOLVED) & ((1u << COMPLAINT_NSTATUS) - 1);
	if (store_complaint_count(sh->host.store, &f, &open) < 0)
		open = 0;
	if (rc == STORE_ENOENT && all == 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, code);
		shell_errorf(sh,
		             T(sh, "no unit `%s` in the register, and no complaints about it",
		               "单元登记表中没有 `%s`，也没有关于它的投诉"),
		             buf_cstr(&w));
		buf_free(&w);
		unit_clear(&u);
		return CMD_ERROR;
	}
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		if (rc == 0) {
			cmd_unit_json(sh, &j, &u);
		} else {
			json_kv_string(&j, "code", code);
		}
		json_kv_bool(&j, "registered", rc == 0);
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
			cmd_unit_phone(sh, u.owner_phone, &phone);
			buf_printf(&out, "  %s", T(sh, "building: ", "楼栋："));
			shell_clean(&out, u.building ? u.building : "-");
			buf_printf(&out, "\n  %s", T(sh, "owner:    ", "业主："));
			shell_clean(&out, u.owner_name ? u.owner_name : "-");
			buf_printf(&out, "\n  %s%s", T(sh, "phone:    ", "电话："),
			           u.owner_phone ? buf_cstr(&phone) : "-");
			if (u.area_m2 > 0)
				buf_printf(&out, "\n  %s%.2f m²", T(sh, "area:     ", "面积："),
				           u.area_m2);
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
	unit_clear(&u);
	return CMD_OK;
}

int cmd_unit_history(struct shell *sh, struct args *a)
{
	const char *code = a->pos[0];
	struct unit_event *ev = NULL;
	struct catalog *cat;
	struct buf out;
	size_t n = 0, i;
	int64_t now = store_now_ms();
	int rc;

	if (!store_unit_code_ok(code))
		return cmd_unit_bad_code(sh, code);
	rc = store_unit_history(sh->host.store, code, &ev, &n);
	if (rc < 0)
		return shell_store_error(sh, rc);
	cat = cmd_complaint_catalog(sh);
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_array_begin(&j);
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
		json_array_end(&j);
		buf_putc(&out, '\n');
	} else if (n == 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, code);
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

			cmd_complaint_time(e->ts_ms, true, date, sizeof date);
			if (e->is_promise) {
				snprintf(kind, sizeof kind, "%s #%lld", T(sh, "promise", "承诺"),
				         (long long)e->promise_id);
				st = promise_status_parse(e->status);
				cmd_complaint_time(e->due_ms, true, due, sizeof due);
				snprintf(status, sizeof status, T(sh, "%s, %s %s", "%s，%s %s"),
				         st == PROMISE_OPEN && e->due_ms < now
				             ? T(sh, "OVERDUE", "已逾期")
				         : st >= 0 ? cmd_complaint_promise_label(sh, st)
				                   : e->status,
				         T(sh, "due", "期限"), due);
			} else {
				snprintf(kind, sizeof kind, "%s", T(sh, "complaint", "投诉"));
				st = complaint_status_parse(e->status);
				snprintf(status, sizeof status, "%s",
				         st >= 0 ? cmd_complaint_status_label(sh, st) : e->status);
			}
			cells[0] = date;
			cells[1] = kind;
			cells[2] = e->number;
			cells[3] = cmd_complaint_category_name(sh, cat, e->category);
			cells[4] = status;
			cells[5] = e->agent;
			cells[6] = e->text;
			table_add_row(t, cells);
		}
		table_render(t, &out);
		table_free(t);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	catalog_unref(cat);
	store_unit_history_free(ev, n);
	return CMD_OK;
}
