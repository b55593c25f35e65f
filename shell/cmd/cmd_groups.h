/* cmd_groups — the command groups and login hooks that the registry (cmd_registry.c) lists.
 * Each group's table is defined at the end of its own file, cmd_<group>.c. */
#ifndef PROPDESK_CMD_GROUPS_H
#define PROPDESK_CMD_GROUPS_H

#include "cmd.h"

extern const struct cmd_group cmd_session_group;       /* help whoami passwd lang quit */
extern const struct cmd_group cmd_user_group;          /* user ... (admin) */
extern const struct cmd_group cmd_ban_group;           /* ban list lift (admin) */
extern const struct cmd_group cmd_config_group;        /* config reload */
extern const struct cmd_group cmd_complaint_new_group; /* complaint new (the form) */
extern const struct cmd_group cmd_complaint_group;     /* complaint add show list ... */
extern const struct cmd_group cmd_promise_group;       /* promise ... */
extern const struct cmd_group cmd_technique_group;     /* technique list show */
extern const struct cmd_group cmd_unit_group;          /* unit ... */
extern const struct cmd_group cmd_movein_group;        /* movein ... (入伙) */
extern const struct cmd_group cmd_movein_owner_group;  /* movein owner (入伙业主) */
extern const struct cmd_group cmd_report_group;        /* report ... (supervisors) */
extern const struct cmd_group cmd_monitor_group;       /* sessions who watch whisper reply
							* broadcast kick */
extern const struct cmd_group cmd_eval_group;          /* evaluate, checklist self (the form) */
extern const struct cmd_group cmd_evaluation_group;    /* evaluation ... */
extern const struct cmd_group cmd_checklist_group;     /* checklist show, report quality */
extern const struct cmd_group cmd_audit_group;         /* audit ... (auditors) */
extern const struct cmd_group cmd_recording_group;     /* recording ... (auditors) */

/* Login hooks (cmd_login_hook). */
/* The account's overdue promises, listed (nothing when none). CMD_OK. */
int cmd_promise_login_notice(struct shell *sh);
/* The agent's new (unacknowledged) evaluations, listed (nothing when none). CMD_OK. */
int cmd_evaluation_login_notice(struct shell *sh);
/* An unfinished complaint draft: says so and asks whether to resume it (CMD_PENDING), or
 * CMD_OK when there is nothing to offer. */
int cmd_complaint_new_draft_offer(struct shell *sh);
/* A supervisor's unfinished scoring (evaluate): says so and asks whether to resume it
 * (CMD_PENDING), or CMD_OK when there is nothing to offer. */
int cmd_eval_offer_login(struct shell *sh);

/* The registry of this program's shell: every group above, in help order. */
extern const struct cmd_registry cmd_registry;

#endif
