/* cmd_config — `config reload`: the admin's way to apply an edited configuration and catalog
 * without a restart (the same as SIGHUP). */
#include "cmd.h"
#include "cmd_groups.h"
#include "shell_int.h"

static int cmd_config_reload(struct shell *sh, struct args *a)
{
	(void)a;
	if (sh->host.reload == NULL) {
		shell_errorf(sh, "%s", T(sh, "this host cannot reload its configuration",
					   "当前宿主不支持重新加载配置"));
		return CMD_ERROR;
	}
	if (sh->host.reload(sh->host.ctx) < 0) {
		shell_errorf(sh, "%s",
			     T(sh, "the configuration has errors and was not applied; the service "
				   "keeps running with the old one (see the service log)",
			       "配置文件有错误，未生效；服务继续使用原配置运行（详见服务日志）"));
		return CMD_ERROR;
	}
	shell_printf(sh, "%s\n", T(sh, "configuration reloaded", "配置已重新加载"));
	return CMD_OK;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct cmd_entry cmd_config_entries[] = {
    {"config", "reload", ROLE_ADMIN, NULL, 0, 0, "config reload",
     "Re-read the configuration file (limits, login rules, logging) without a restart; a file "
     "with errors is refused and the running configuration kept.",
     "重新读取配置文件（限制、登录规则、日志），无需重启；有错误的配置文件不会生效，继续使用原配置"
     "。",
     CMD_AUDIT, NULL, cmd_config_reload, 0},
};

const struct cmd_group cmd_config_group = {cmd_config_entries, sizeof cmd_config_entries / sizeof cmd_config_entries[0],
                                           "Configuration", "配置"};
