/* cmd_movein_owner — a unit's owners (movein owner list|add|remove) and an owner's phones
 * (movein owner phone), with the lines movein show prints of them. Phones and ID numbers are
 * shown masked to those who do not see a unit owner's whole phone (cmd_util_sees_phone). Loop
 * thread only; the reads are of one unit's owners (at most OWNER_MAX), bounded. */
#include "cmd.h"
#include "cmd_groups.h"
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
#include "store_owner.h"
#include "store_unit.h"

void cmd_movein_owner_lines(struct shell *sh, const struct owner *list, size_t n,
                            const char *indent, struct buf *out)
{
	bool whole = cmd_util_sees_phone(sh, NULL, NULL);
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct owner *o = &list[i];

		buf_printf(out, "%s#%lld ", indent, (long long)o->id);
		shell_clean(out, o->name != NULL ? o->name : "-");
		buf_puts(out, T(sh, "  ID ", "  身份证 "));
		cmd_util_id_number(sh, o->id_number, out);
		buf_puts(out, T(sh, "  phones ", "  电话 "));
		for (k = 0; k < o->nphones; k++) {
			if (k > 0)
				buf_puts(out, ", ");
			cmd_util_phone(o->phones[k], whole, out);
		}
		if (o->nphones == 0)
			buf_putc(out, '-');
		if (o->nunits > 1) {
			buf_puts(out, T(sh, "  units ", "  名下单元 "));
			for (k = 0; k < o->nunits; k++) {
				if (k > 0)
					buf_puts(out, ", ");
				shell_clean(out, o->units[k]);
			}
		}
		buf_putc(out, '\n');
	}
}

void cmd_movein_owner_json(struct shell *sh, struct json *j, const struct owner *list, size_t n)
{
	bool whole = cmd_util_sees_phone(sh, NULL, NULL);
	struct buf v;
	size_t i, k;

	buf_init(&v);
	json_array_begin(j);
	for (i = 0; i < n; i++) {
		const struct owner *o = &list[i];

		json_object_begin(j);
		json_kv_int(j, "id", o->id);
		json_kv_string(j, "name", o->name);
		buf_reset(&v);
		if (o->id_number != NULL)
			cmd_util_id_number(sh, o->id_number, &v);
		json_kv_string(j, "id_number", o->id_number != NULL ? buf_cstr(&v) : NULL);
		json_key(j, "phones");
		json_array_begin(j);
		for (k = 0; k < o->nphones; k++) {
			buf_reset(&v);
			cmd_util_phone(o->phones[k], whole, &v);
			json_string(j, buf_cstr(&v));
		}
		json_array_end(j);
		json_key(j, "units");
		json_array_begin(j);
		for (k = 0; k < o->nunits; k++)
			json_string(j, o->units[k]);
		json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
	buf_free(&v);
}

/* How a row is named, told when a number typed is not one (cmd_movein_util_number). */
#define CMD_MOVEIN_OWNER_WHY \
	"an owner is named by their number (movein owner list UNIT)",                             \
	    "业主用编号表示（可用 movein owner list 单元 查看）"

static int cmd_movein_owner_no_unit(struct shell *sh, const char *unit)
{
	struct buf w;

	buf_init(&w);
	shell_clean(&w, unit);
	shell_errorf(sh,
	             T(sh, "no unit `%s` in the register (unit list shows them)",
	               "单元登记表中没有 `%s`（可用 unit list 查看）"),
	             buf_cstr(&w));
	buf_free(&w);
	return CMD_ERROR;
}

static int cmd_movein_owner_list(struct shell *sh, struct args *a, const char *unit)
{
	struct owner *list = NULL;
	struct buf out;
	size_t n = 0;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	rc = store_owner_list(sh->host.store, unit, &list, &n);
	if (rc == STORE_ENOENT)
		return cmd_movein_owner_no_unit(sh, unit);
	if (rc < 0)
		return shell_store_error(sh, rc);
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		cmd_movein_owner_json(sh, &j, list, n);
		buf_putc(&out, '\n');
	} else if (n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No owner registered.", "没有登记业主。"));
	} else {
		cmd_movein_owner_lines(sh, list, n, "", &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	store_owner_list_free(list, n);
	return CMD_OK;
}

static bool cmd_movein_owner_phone_ok(struct shell *sh, const char *phone)
{
	if (phone == NULL || store_phone_ok(phone))
		return true;
	shell_errorf(sh, "%s",
	             T(sh, "not a phone number (a mobile 1[3-9] and 9 digits, or 0 + area code + "
	                   "number, e.g. 010-88886666)",
	               "电话号码无效（手机为 1[3-9] 加 9 位数字，座机为 0 + 区号 + 号码，如 "
	               "010-88886666）"));
	return false;
}

static bool cmd_movein_owner_id_ok(struct shell *sh, const char *id)
{
	if (id == NULL || store_unit_id_ok(id))
		return true;
	shell_errorf(sh, "%s",
	             T(sh,
	               "--id is not a resident ID number (18 characters, the last a check digit "
	               "0-9 or X)",
	               "--id 不是有效的居民身份证号（18 位，最后一位是校验码 0-9 或 X）"));
	return false;
}

static int cmd_movein_owner_add(struct shell *sh, struct args *a, const char *unit)
{
	const char *name = args_get(a, "name"), *phone = args_get(a, "phone");
	const char *owner = args_get(a, "owner");
	char id[24] = "";
	struct audit_ctx ctx;
	int64_t num = 0;
	bool linked = false;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	if (owner != NULL) {
		/* An owner already registered, linked to this unit as well. */
		if (name != NULL || args_get(a, "id") != NULL || phone != NULL) {
			shell_errorf(sh, "%s",
			             T(sh, "--owner links a registered owner: no --name, --id or --phone",
			               "--owner 关联已登记的业主：不能再给 --name、--id 或 --phone"));
			return CMD_USAGE;
		}
		if (cmd_movein_util_number(sh, owner, CMD_MOVEIN_OWNER_WHY, &num) != CMD_OK)
			return CMD_USAGE;
		rc = store_owner_link(sh->host.store, &ctx, unit, num);
		linked = true;
	} else {
		if (name == NULL) {
			shell_errorf(sh, "%s",
			             T(sh, "an owner needs --name (or --owner N for one registered)",
			               "登记业主须提供 --name（已登记的业主用 --owner 编号）"));
			return CMD_USAGE;
		}
		if (!cmd_util_text_ok(sh, "--name", name, OWNER_TEXT_MAX))
			return CMD_USAGE;
		if (args_get(a, "id") != NULL) {
			snprintf(id, sizeof id, "%s", args_get(a, "id"));
			if (strlen(id) == 18 && id[17] == 'x')
				id[17] = 'X';
		}
		if (!cmd_movein_owner_id_ok(sh, id[0] != '\0' ? id : NULL) ||
		    !cmd_movein_owner_phone_ok(sh, phone))
			return CMD_USAGE;
		rc = store_owner_add(sh->host.store, &ctx, unit, name, id[0] != '\0' ? id : NULL, phone,
		                     &num, &linked);
	}
	if (rc == STORE_ENOENT && owner != NULL) {
		shell_errorf(sh, T(sh, "no owner #%lld", "没有业主 #%lld"), (long long)num);
		return CMD_ERROR;
	}
	if (rc == STORE_ENOENT)
		return cmd_movein_owner_no_unit(sh, unit);
	if (rc == STORE_EEXIST) {
		shell_errorf(sh, T(sh, "owner #%lld is already an owner of %s", "业主 #%lld 已是 %s 的业主"),
		             (long long)num, unit);
		return CMD_ERROR;
	}
	if (rc == STORE_EINVAL) {
		shell_errorf(sh, T(sh, "a unit has at most %d owners", "一个单元最多登记 %d 位业主"),
		             OWNER_MAX);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	if (linked)
		shell_printf(sh,
		             T(sh, "Owner #%lld (already registered) is now also an owner of %s.\n",
		               "已登记的业主 #%lld 现在也是单元 %s 的业主。\n"),
		             (long long)num, unit);
	else
		shell_printf(sh, T(sh, "Owner #%lld registered for %s.\n", "已登记业主 #%lld（单元 %s）。\n"),
		             (long long)num, unit);
	return CMD_OK;
}

static int cmd_movein_owner_remove(struct shell *sh, const char *unit, const char *owner)
{
	struct audit_ctx ctx;
	bool deleted = false;
	int64_t num;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit) ||
	    cmd_movein_util_number(sh, owner, CMD_MOVEIN_OWNER_WHY, &num) != CMD_OK)
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	rc = store_owner_remove(sh->host.store, &ctx, unit, num, &deleted);
	if (rc == STORE_ENOENT) {
		shell_errorf(sh,
		             T(sh, "owner #%lld is not an owner of %s (movein owner list %s)",
		               "业主 #%lld 不是 %s 的业主（可用 movein owner list %s 查看）"),
		             (long long)num, unit, unit);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	shell_printf(sh,
	             deleted ? T(sh, "Owner #%lld removed from %s (no unit left to them).\n",
	                         "业主 #%lld 已从 %s 移除（名下已无单元）。\n")
	                     : T(sh, "Owner #%lld removed from %s.\n", "业主 #%lld 已从 %s 移除。\n"),
	             (long long)num, unit);
	return CMD_OK;
}

static int cmd_movein_owner_phone(struct shell *sh, struct args *a)
{
	const char *how = a->npos >= 3 ? a->pos[2] : NULL, *phone = a->npos >= 4 ? a->pos[3] : NULL;
	struct audit_ctx ctx;
	int64_t num;
	int rc;

	if (how == NULL || phone == NULL || (strcmp(how, "add") != 0 && strcmp(how, "remove") != 0)) {
		shell_errorf(sh, "%s",
		             T(sh, "usage: movein owner phone OWNER add|remove PHONE",
		               "用法：movein owner phone 业主编号 add|remove 电话"));
		return CMD_USAGE;
	}
	if (cmd_movein_util_number(sh, a->pos[1], CMD_MOVEIN_OWNER_WHY, &num) != CMD_OK ||
	    !cmd_movein_owner_phone_ok(sh, phone))
		return CMD_USAGE;
	shell_audit_ctx(sh, &ctx);
	if (strcmp(how, "add") == 0)
		rc = store_owner_phone_add(sh->host.store, &ctx, num, phone);
	else
		rc = store_owner_phone_remove(sh->host.store, &ctx, num, phone);
	if (rc == STORE_ENOENT && strcmp(how, "add") == 0) {
		shell_errorf(sh, T(sh, "no owner #%lld", "没有业主 #%lld"), (long long)num);
		return CMD_ERROR;
	}
	if (rc == STORE_ENOENT) {
		shell_errorf(sh, T(sh, "owner #%lld has no such phone", "业主 #%lld 没有这个电话"),
		             (long long)num);
		return CMD_ERROR;
	}
	if (rc == STORE_EEXIST) {
		shell_errorf(sh, T(sh, "owner #%lld has that phone already", "业主 #%lld 已有这个电话"),
		             (long long)num);
		return CMD_ERROR;
	}
	if (rc == STORE_EINVAL) {
		shell_errorf(sh, T(sh, "an owner has at most %d phones", "一位业主最多登记 %d 个电话"),
		             OWNER_PHONES_MAX);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	shell_printf(sh,
	             strcmp(how, "add") == 0
	                 ? T(sh, "Phone added to owner #%lld.\n", "已为业主 #%lld 添加电话。\n")
	                 : T(sh, "Phone removed from owner #%lld.\n", "已删除业主 #%lld 的电话。\n"),
	             (long long)num);
	return CMD_OK;
}

static int cmd_movein_owner_run(struct shell *sh, struct args *a)
{
	const char *verb = a->pos[0];

	if (strcmp(verb, "list") == 0 && a->npos == 2)
		return cmd_movein_owner_list(sh, a, a->pos[1]);
	if (strcmp(verb, "add") == 0 && a->npos == 2)
		return cmd_movein_owner_add(sh, a, a->pos[1]);
	if (strcmp(verb, "remove") == 0 && a->npos == 3)
		return cmd_movein_owner_remove(sh, a->pos[1], a->pos[2]);
	if (strcmp(verb, "phone") == 0)
		return cmd_movein_owner_phone(sh, a);
	shell_errorf(sh, "%s",
	             T(sh, "usage: movein owner list UNIT | add UNIT --name NAME | add UNIT --owner N "
	                   "| remove UNIT OWNER | phone OWNER add|remove PHONE",
	               "用法：movein owner list 单元 | add 单元 --name 姓名 | add 单元 --owner 编号 | "
	               "remove 单元 业主编号 | phone 业主编号 add|remove 电话"));
	return CMD_USAGE;
}

static const struct args_opt cmd_opts_movein_owner[] = {
    {"name", ARGS_VALUE}, {"id", ARGS_VALUE}, {"phone", ARGS_VALUE},
    {"owner", ARGS_VALUE}, {"json", 0},      {NULL, 0}};

static const struct cmd_entry cmd_movein_owner_entries[] = {
    {"movein", "owner", ROLES_DESK, cmd_opts_movein_owner, 2, 4,
     "movein owner list UNIT [--json] | add UNIT --name NAME [--id IDNUMBER] [--phone PHONE] | "
     "add UNIT --owner N | remove UNIT OWNER | phone OWNER add|remove PHONE",
     "A unit's owners (a unit may have several, and an owner several units and phones): list "
     "them (phones and ID numbers masked but for supervisors), add one (an ID number already "
     "registered links that owner), link a registered owner by number, remove one from the "
     "unit (the next becomes the first), add or remove an owner's phone.",
     "单元业主（一个单元可有多位业主，一位业主可有多个单元和电话）：列出（电话和身份证号除主管外打码）、"
     "登记（已登记的身份证号即关联该业主）、按编号关联已登记的业主、从单元移除（下一位成为第一业主）、"
     "添加或删除业主电话。",
     CMD_AUDIT, NULL, cmd_movein_owner_run, 0},
};

const struct cmd_group cmd_movein_owner_group = {
    cmd_movein_owner_entries,
    sizeof cmd_movein_owner_entries / sizeof cmd_movein_owner_entries[0], "Move-in owners",
    "入伙业主"};
