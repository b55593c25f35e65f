/* cmd_store — the shell core's store operations (see the header), each the store's own. */
#include "cmd_store.h"

#include "store.h"
#include "store_audit.h"
#include "store_draft.h"

static int cmd_store_draft_delete(struct store *st, const char *account, const char *kind)
{
	int rc = store_draft_delete(st, account, kind);

	return rc == STORE_ENOENT ? 0 : rc;
}

const struct cmd_store_ops cmd_store_ops = {
    .audit = store_audit,
    .changes = store_changes,
    .strerror = store_strerror,
    .draft_save = store_draft_save,
    .draft_delete = cmd_store_draft_delete,
};
