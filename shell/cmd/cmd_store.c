/* cmd_store — the shell core's store operations (see the header), each the store's own. */
#include "cmd_store.h"

#include "store.h"
#include "store_audit.h"
#include "store_draft.h"

static int cmd_store_draft_save(struct store *st, const char *account, const char *kind,
                                const char *session, const char *data, int step)
{
	int rc = store_draft_save_as(st, account, kind, session, data, step);

	return rc == STORE_EOWNER ? CMD_STORE_ELSEWHERE : rc;
}

static int cmd_store_draft_delete(struct store *st, const char *account, const char *kind,
                                  const char *session)
{
	int rc = store_draft_delete_as(st, account, kind, session);

	return rc == STORE_ENOENT || rc == STORE_EOWNER ? 0 : rc;
}

const struct cmd_store_ops cmd_store_ops = {
    .audit = store_audit,
    .changes = store_changes,
    .strerror = store_strerror,
    .draft_save = cmd_store_draft_save,
    .draft_delete = cmd_store_draft_delete,
    .draft_release = store_draft_release,
};
