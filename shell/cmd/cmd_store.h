/* cmd_store — the store's operations that the shell's core asks for (struct cmd_store_ops,
 * cmd.h), given to it in the registry. */
#ifndef PROPDESK_CMD_STORE_H
#define PROPDESK_CMD_STORE_H

#include "cmd.h"

extern const struct cmd_store_ops cmd_store_ops;

#endif
