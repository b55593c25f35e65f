/* cmd_audit_export — audit export, the auditors' copy of the audit log and its seals (JSON
 * lines or CSV), streamed at the reader's pace. Loop thread; the reading is on the pool. */
#ifndef PROPDESK_CMD_AUDIT_EXPORT_H
#define PROPDESK_CMD_AUDIT_EXPORT_H

#include "cmd.h"

/* The handler of `audit export` (its entry is in cmd_audit.c's table). */
int cmd_audit_export(struct shell *sh, struct args *a);

#endif
