/* cmd_technique — the communication techniques (沟通方法) and non-verbal measures of the
 * service handbook, from the catalog in etc/: technique list, and technique show CODE with the
 * handbook's guidance in the session's language (in-shell coaching). */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "json.h"
#include "shell_int.h"
#include "table.h"
#include "utf8.h"

static const char *cmd_technique_kind(const struct shell *sh, enum catalog_kind k)
{
	return k == CATALOG_NONVERBAL ? T(sh, "non-verbal", "非语言") : T(sh, "verbal", "语言");
}

static const char *cmd_technique_kind_name(enum catalog_kind k)
{
	return k == CATALOG_NONVERBAL ? "nonverbal" : "verbal";
}

static int cmd_technique_no_catalog(struct shell *sh)
{
	shell_errorf(sh, "%s",
	             T(sh, "the technique catalog is not loaded (an admin can run config reload)",
	               "沟通方法目录未加载（管理员可执行 config reload）"));
	return CMD_ERROR;
}

static void cmd_technique_json_item(struct json *j, const struct catalog_item *it)
{
	json_kv_string(j, "code", it->code);
	json_kv_string(j, "kind", cmd_technique_kind_name(it->kind));
	json_kv_string(j, "name_zh", it->name_zh);
	json_kv_string(j, "name_en", it->name_en);
	json_kv_string(j, "guidance_zh", it->guidance_zh);
	json_kv_string(j, "guidance_en", it->guidance_en);
}

static int cmd_technique_list(struct shell *sh, struct args *a)
{
	struct catalog *c = cmd_util_catalog(sh);
	const char *kind = args_get(a, "kind");
	struct buf out;
	size_t i;

	if (c == NULL)
		return cmd_technique_no_catalog(sh);
	if (kind != NULL && strcmp(kind, "verbal") != 0 && strcmp(kind, "nonverbal") != 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, kind);
		shell_errorf(sh,
		             T(sh, "--kind: unknown value `%s` (one of: verbal nonverbal)",
		               "--kind：未知取值 `%s`（可选：verbal nonverbal）"),
		             buf_cstr(&w));
		buf_free(&w);
		catalog_unref(c);
		return CMD_USAGE;
	}
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_array_begin(&j);
		for (i = 0; i < c->ntechniques; i++) {
			const struct catalog_item *it = &c->techniques[i];

			if (kind != NULL && strcmp(kind, cmd_technique_kind_name(it->kind)) != 0)
				continue;
			json_object_begin(&j);
			cmd_technique_json_item(&j, it);
			json_object_end(&j);
		}
		json_array_end(&j);
		buf_putc(&out, '\n');
	} else {
		const char *hdr_en[] = {"CODE", "KIND", "NAME"};
		const char *hdr_zh[] = {"代码", "类型", "名称"};
		struct table *t = table_new(3, shell_is_zh(sh) ? hdr_zh : hdr_en);

		for (i = 0; i < c->ntechniques; i++) {
			const struct catalog_item *it = &c->techniques[i];
			const char *cells[3];

			if (kind != NULL && strcmp(kind, cmd_technique_kind_name(it->kind)) != 0)
				continue;
			cells[0] = it->code;
			cells[1] = cmd_technique_kind(sh, it->kind);
			cells[2] = catalog_name(it, sh->lang);
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		buf_puts(&out, T(sh, "technique show CODE gives the handbook's guidance.\n",
		                 "technique show 代码 查看服务手册中的要领。\n"));
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	catalog_unref(c);
	return CMD_OK;
}

static int cmd_technique_show(struct shell *sh, struct args *a)
{
	struct catalog *c = cmd_util_catalog(sh);
	const struct catalog_item *it;
	const char *guidance;
	struct buf out;

	if (c == NULL)
		return cmd_technique_no_catalog(sh);
	it = catalog_technique_typed(c, a->pos[0]); /* its code or its name */
	if (it == NULL) {
		struct buf w, list;
		size_t i;

		buf_init(&w);
		buf_init(&list);
		shell_clean(&w, a->pos[0]);
		for (i = 0; i < c->ntechniques; i++) {
			if (i > 0)
				buf_putc(&list, ' ');
			buf_puts(&list, c->techniques[i].code);
		}
		shell_errorf(
		    sh,
		    T(sh, "unknown technique `%s` (one of: %s)", "未知沟通方法 `%s`（可选：%s）"),
		    buf_cstr(&w), buf_cstr(&list));
		buf_free(&w);
		buf_free(&list);
		catalog_unref(c);
		return CMD_ERROR;
	}
	buf_init(&out);
	if (args_has(a, "json")) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		cmd_technique_json_item(&j, it);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else {
		buf_puts(&out, it->code);
		buf_puts(&out, "  ");
		shell_clean(&out, catalog_name(it, sh->lang));
		buf_puts(&out, " / ");
		shell_clean(&out, shell_is_zh(sh) ? it->name_en : it->name_zh);
		buf_printf(&out, "  [%s]\n\n", cmd_technique_kind(sh, it->kind));
		guidance = catalog_guidance(it, sh->lang);
		if (guidance == NULL || guidance[0] == '\0')
			buf_printf(&out, "%s\n",
			           T(sh, "(no guidance in the catalog)", "（目录中没有要领说明）"));
		else {
			utf8_sanitize(&out, guidance, strlen(guidance), UTF8_KEEP_NEWLINES);
			buf_putc(&out, '\n');
		}
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	catalog_unref(c);
	return CMD_OK;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_technique_list[] = {
    {"kind", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static const struct cmd_entry cmd_technique_entries[] = {
    {"technique", "list", ROLES_ALL, cmd_opts_technique_list, 0, 0,
     "technique list [--kind verbal|nonverbal] [--json]",
     "List the communication techniques and non-verbal measures of the service handbook.",
     "列出服务手册中的沟通方法和非语言措施。", CMD_AUDIT | CMD_READONLY, NULL, cmd_technique_list, 0},
    {"technique", "show", ROLES_ALL, cmd_opts_json, 1, 1, "technique show CODE [--json]",
     "Show a technique with the handbook's guidance, in your language.",
     "显示某个沟通方法及服务手册中的要领说明。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_technique_show, 0},
};

const struct cmd_group cmd_technique_group = {cmd_technique_entries, sizeof cmd_technique_entries / sizeof cmd_technique_entries[0],
                                           "Communication techniques", "沟通方法"};
