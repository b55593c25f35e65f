/* cmd_registry — the command groups of the desk, one line each, in the order help lists them,
 * and the login hooks in the order they run. A new group: its file, one line here. */
#include "cmd_groups.h"
#include "cmd_store.h"

static const struct cmd_group *const cmd_registry_groups[] = {
    &cmd_session_group,       &cmd_user_group,      &cmd_ban_group,     &cmd_config_group,
    &cmd_complaint_new_group, &cmd_complaint_group, &cmd_promise_group, &cmd_technique_group,
    &cmd_unit_group,          &cmd_movein_group,    &cmd_movein_owner_group,
    &cmd_report_group,        &cmd_monitor_group,
    &cmd_eval_group,          &cmd_evaluation_group, &cmd_checklist_group, &cmd_audit_group,
    &cmd_recording_group,
};

static const cmd_login_hook cmd_registry_login[] = {
    cmd_promise_login_notice,      /* overdue promises first */
    cmd_evaluation_login_notice,   /* new evaluations of the agent's work */
    cmd_complaint_new_draft_offer, /* then a draft to resume, which asks */
    cmd_eval_offer_login,          /* and an unfinished scoring, which asks */
};

const struct cmd_registry cmd_registry = {
    cmd_registry_groups,
    sizeof cmd_registry_groups / sizeof cmd_registry_groups[0],
    cmd_registry_login,
    sizeof cmd_registry_login / sizeof cmd_registry_login[0],
    &cmd_store_ops,
};
