/* cmd_movein_resident — the residents of a unit (cmd_movein_int.h): movein resident add UNIT,
 * edit ID, remove ID, history ID, list UNIT; every change kept in the resident's history. */
#include "cmd.h"
#include "cmd_movein_int.h"
#include "cmd_util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_resident.h"

/* The options of a resident into r (borrowed strings); false (told) on a bad value. */
static bool cmd_movein_resident_fields(struct shell *sh, struct args *a, struct resident *r)
{
	static const char *const opts[] = {"name", "occupation", "employer", "relation"};
	const char *age = args_get(a, "age"), *sex = args_get(a, "sex");
	char **slots[4];
	size_t i;

	memset(r, 0, sizeof *r);
	r->age = -1;
	slots[0] = &r->name;
	slots[1] = &r->occupation;
	slots[2] = &r->employer;
	slots[3] = &r->relation;
	for (i = 0; i < 4; i++) {
		const char *v = args_get(a, opts[i]);
		char what[24];

		snprintf(what, sizeof what, "--%s", opts[i]);
		if (v != NULL && !cmd_util_text_ok(sh, what, v, RESIDENT_TEXT_MAX))
			return false;
		*slots[i] = (char *)v;
	}
	if (age != NULL) {
		char *end = NULL;
		long v;

		errno = 0;
		v = strtol(age, &end, 10);
		if (age[0] < '0' || age[0] > '9' || *end != '\0' || errno != 0 || v > RESIDENT_AGE_MAX) {
			shell_errorf(sh, T(sh, "--age: a number from 0 to %d", "--age：0 到 %d 的数字"),
			             RESIDENT_AGE_MAX);
			return false;
		}
		r->age = (int)v;
	}
	if (sex != NULL) {
		if (strcmp(sex, "male") == 0 || strcmp(sex, "男") == 0)
			r->sex = "male";
		else if (strcmp(sex, "female") == 0 || strcmp(sex, "女") == 0)
			r->sex = "female";
		else {
			shell_errorf(sh, "%s",
			             T(sh, "--sex: male or female (男 or 女)", "--sex：男 或 女（male、female）"));
			return false;
		}
	}
	return true;
}

/* How a row is named, told when a number typed is not one (cmd_movein_util_number). */
#define CMD_MOVEIN_RESIDENT_WHY \
	"a resident is named by its number (movein resident list UNIT)",                          \
	    "住户用编号表示（可用 movein resident list 单元 查看）"

static int cmd_movein_resident_error(struct shell *sh, int64_t id, int rc)
{
	if (rc == STORE_ENOENT) {
		shell_errorf(sh, T(sh, "no resident #%lld", "没有住户 #%lld"), (long long)id);
		return CMD_ERROR;
	}
	if (rc == STORE_ESTATE) {
		shell_errorf(sh, T(sh, "resident #%lld has moved out (removed)",
		                   "住户 #%lld 已迁出（已删除）"),
		             (long long)id);
		return CMD_ERROR;
	}
	return shell_store_error(sh, rc);
}

static const char *cmd_movein_resident_sex(const struct shell *sh, const char *sex)
{
	if (sex == NULL)
		return "-";
	return strcmp(sex, "male") == 0 ? T(sh, "male", "男") : T(sh, "female", "女");
}

static int cmd_movein_resident_list(struct shell *sh, struct args *a, const char *unit)
{
	struct resident *list = NULL;
	struct buf out;
	size_t n = 0, i;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	/* At most RESIDENT_MAX rows of one unit: a bounded read. */
	rc = store_resident_list(sh->host.store, unit, args_has(a, "all"), &list, &n);
	if (rc < 0)
		return shell_store_error(sh, rc);
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_array_begin(&j);
		for (i = 0; i < n; i++) {
			json_object_begin(&j);
			json_kv_int(&j, "id", list[i].id);
			json_kv_string(&j, "name", list[i].name);
			json_kv_int(&j, "age", list[i].age);
			json_kv_string(&j, "sex", list[i].sex);
			json_kv_string(&j, "occupation", list[i].occupation);
			json_kv_string(&j, "employer", list[i].employer);
			json_kv_string(&j, "relation", list[i].relation);
			json_kv_int(&j, "removed_ms", list[i].removed_ms);
			json_object_end(&j);
		}
		json_array_end(&j);
		buf_putc(&out, '\n');
	} else if (n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No residents registered.", "没有登记住户。"));
	} else {
		cmd_movein_resident_lines(sh, list, n, "", &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_resident_list_free(list, n);
	return CMD_OK;
}

void cmd_movein_resident_lines(struct shell *sh, const struct resident *list, size_t n,
                               const char *indent, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct resident *r = &list[i];

		buf_printf(out, "%s#%lld ", indent, (long long)r->id);
		shell_clean(out, r->name);
		if (r->age >= 0)
			buf_printf(out, T(sh, ", %d", "，%d 岁"), r->age);
		buf_printf(out, "%s%s", T(sh, ", ", "，"), cmd_movein_resident_sex(sh, r->sex));
		if (r->relation != NULL) {
			buf_puts(out, T(sh, ", ", "，"));
			shell_clean(out, r->relation);
		}
		if (r->occupation != NULL) {
			buf_puts(out, T(sh, ", ", "，"));
			shell_clean(out, r->occupation);
		}
		if (r->employer != NULL) {
			buf_puts(out, T(sh, " at ", "，"));
			shell_clean(out, r->employer);
		}
		if (r->removed_ms > 0) {
			char when[32];

			cmd_util_time(r->removed_ms, false, when, sizeof when);
			buf_printf(out, T(sh, " (moved out %s)", "（%s 迁出）"), when);
		}
		buf_putc(out, '\n');
	}
}

static int cmd_movein_resident_history(struct shell *sh, int64_t id)
{
	struct resident_change *list = NULL;
	struct resident r;
	struct buf out;
	size_t n = 0, i;
	int rc = store_resident_get(sh->host.store, id, &r);

	if (rc < 0)
		return cmd_movein_resident_error(sh, id, rc);
	rc = store_resident_history(sh->host.store, id, &list, &n);
	if (rc < 0) {
		store_resident_clear(&r);
		return shell_store_error(sh, rc);
	}
	buf_init(&out);
	buf_printf(&out, T(sh, "Resident #%lld ", "住户 #%lld "), (long long)id);
	shell_clean(&out, r.name);
	buf_printf(&out, T(sh, " of %s\n", "（单元 %s）\n"), r.unit);
	for (i = 0; i < n; i++) {
		char when[32];

		cmd_util_time(list[i].ts_ms, true, when, sizeof when);
		buf_printf(&out, "  %s  %-10s %-7s ", when, list[i].account ? list[i].account : "-",
		           list[i].action);
		shell_clean(&out, list[i].detail ? list[i].detail : "");
		buf_putc(&out, '\n');
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_resident_history_free(list, n);
	store_resident_clear(&r);
	return CMD_OK;
}

int cmd_movein_resident_run(struct shell *sh, struct args *a)
{
	const char *verb = a->pos[0], *arg = a->pos[1];
	struct audit_ctx ctx;
	struct resident r;
	int64_t id = 0;
	int rc;

	if (strcmp(verb, "list") == 0)
		return cmd_movein_resident_list(sh, a, arg);
	if (strcmp(verb, "add") != 0 && strcmp(verb, "edit") != 0 && strcmp(verb, "remove") != 0 &&
	    strcmp(verb, "history") != 0) {
		shell_errorf(sh, "%s",
		             T(sh, "usage: movein resident add UNIT | edit ID | remove ID | history ID "
		                   "| list UNIT",
		               "用法：movein resident add 单元 | edit 编号 | remove 编号 | history 编号 | "
		               "list 单元"));
		return CMD_USAGE;
	}
	if (strcmp(verb, "add") != 0 &&
	    cmd_movein_util_number(sh, arg, CMD_MOVEIN_RESIDENT_WHY, &id) != CMD_OK)
		return CMD_USAGE;
	if (strcmp(verb, "history") == 0)
		return cmd_movein_resident_history(sh, id);
	shell_audit_ctx(sh, &ctx);
	if (strcmp(verb, "remove") == 0) {
		const char *reason = args_get(a, "reason");

		if (reason == NULL) {
			shell_errorf(sh, "%s",
			             T(sh, "say why with --reason (e.g. moved out)",
			               "请用 --reason 说明原因（如：已迁出）"));
			return CMD_USAGE;
		}
		if (!cmd_util_text_ok(sh, "--reason", reason, RESIDENT_TEXT_MAX * 4))
			return CMD_USAGE;
		rc = store_resident_remove(sh->host.store, &ctx, id, reason);
		if (rc < 0)
			return cmd_movein_resident_error(sh, id, rc);
		shell_printf(sh, T(sh, "Resident #%lld removed (kept in the history).\n",
		                   "住户 #%lld 已删除（历史记录保留）。\n"),
		             (long long)id);
		return CMD_OK;
	}
	if (!cmd_movein_resident_fields(sh, a, &r))
		return CMD_USAGE;
	if (strcmp(verb, "add") == 0) {
		if (!cmd_movein_util_unit_ok(sh, arg))
			return CMD_USAGE;
		/* At a terminal with no field given: the guided form. */
		if (r.name == NULL && sh->interactive && r.age < 0 && r.sex == NULL &&
		    r.occupation == NULL && r.employer == NULL && r.relation == NULL)
			return cmd_movein_resident_form_run(sh, arg);
		if (r.name == NULL) {
			shell_errorf(sh, "%s", T(sh, "a resident needs --name", "登记住户须提供 --name"));
			return CMD_USAGE;
		}
		r.unit = (char *)arg;
		rc = store_resident_add(sh->host.store, &ctx, &r, &id);
		if (rc == STORE_ENOENT) {
			shell_errorf(sh, T(sh, "no unit `%s` in the register", "单元登记表中没有 `%s`"),
			             arg);
			return CMD_ERROR;
		}
		if (rc < 0)
			return shell_store_error(sh, rc);
		shell_printf(sh, T(sh, "Resident #%lld registered in %s.\n", "已登记住户 #%lld（单元 %s）。\n"),
		             (long long)id, arg);
		return CMD_OK;
	}
	r.id = id;
	rc = store_resident_edit(sh->host.store, &ctx, &r);
	if (rc < 0)
		return cmd_movein_resident_error(sh, id, rc);
	shell_printf(sh, T(sh, "Resident #%lld updated.\n", "住户 #%lld 已更新。\n"), (long long)id);
	return CMD_OK;
}
