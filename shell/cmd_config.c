/* cmd_config — `config reload`: the admin's way to apply an edited configuration and catalog
 * without a restart (the same as SIGHUP). */
#include "cmd.h"
#include "shell_int.h"

int cmd_config_reload(struct shell *sh, struct args *a)
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
