/* cmd_eval_int — what cmd_eval.c (`evaluate`) takes from cmd_checklist.c, which is below it:
 * the draw of `evaluate --next`. (What all the checklist's command files share is
 * cmd_eval_util.h.) Loop thread only. */
#ifndef PROPDESK_CMD_EVAL_INT_H
#define PROPDESK_CMD_EVAL_INT_H

#include "cmd_eval_util.h"

/* evaluate --next [--seed N] [--json]: draws a complaint to evaluate. An exit status or
 * CMD_PENDING. */
int cmd_checklist_next(struct shell *sh, struct args *a);

#endif
