/* shell_store — the store's operations of the shell's core, from the registry it was given
 * (struct cmd_store_ops, cmd.h; declared in shell_int.h). Reads struct shell's fields only. */
#include <stdint.h>
#include <string.h>

#include "cmd.h"
#include "shell_int.h"

/* A registry without the store's operations (none is made so; a host's mistake): nothing is
 * stored, and every change says why. */
static int shell_nostore_audit(struct store *st, const struct audit_ctx *ctx, const char *action,
                               const char *target, const char *detail)
{
	(void)st, (void)ctx, (void)action, (void)target, (void)detail;
	return -1;
}

static uint64_t shell_nostore_changes(struct store *st)
{
	(void)st;
	return 0;
}

static const char *shell_nostore_strerror(int err, const char *lang)
{
	(void)err;
	return lang != NULL && strcmp(lang, "zh") == 0 ? "没有数据库" : "no database";
}

static int shell_nostore_draft_save(struct store *st, const char *account, const char *kind,
                                    const char *session, const char *data, int step)
{
	(void)st, (void)account, (void)kind, (void)session, (void)data, (void)step;
	return -1;
}

static int shell_nostore_draft_delete(struct store *st, const char *account, const char *kind,
                                      const char *session)
{
	(void)st, (void)account, (void)kind, (void)session;
	return 0;
}

static const struct cmd_store_ops shell_nostore = {
    shell_nostore_audit,      shell_nostore_changes,      shell_nostore_strerror,
    shell_nostore_draft_save, shell_nostore_draft_delete, shell_nostore_draft_delete,
};

const struct cmd_store_ops *shell_store_ops(const struct shell *sh)
{
	if (sh->opts.commands == NULL || sh->opts.commands->store == NULL)
		return &shell_nostore;
	return sh->opts.commands->store;
}

const char *shell_store_strerror(const struct shell *sh, int err)
{
	return shell_store_ops(sh)->strerror(err, sh->lang);
}

uint64_t shell_store_changes(const struct shell *sh)
{
	return sh->host.store != NULL ? shell_store_ops(sh)->changes(sh->host.store) : 0;
}
