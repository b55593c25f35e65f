/* cmd_eval — what `evaluate` (cmd_eval.c) gives the files above it: resuming a scoring from
 * its draft (the offer at login, cmd_eval_offer.c). Loop thread only. */
#ifndef PROPDESK_CMD_EVAL_H
#define PROPDESK_CMD_EVAL_H

struct shell;

/* Starts the form again for what a draft of draft_kind ("evaluation" or "calibration")
 * scored, target as the draft names it ("C-...", "AGENT YYYY-MM" or "session ID"): the
 * form resumes from the draft when the checklist in force is the one it was begun with.
 * Strings borrowed. CMD_PENDING, or an exit status (the error printed). */
int cmd_eval_resume(struct shell *sh, const char *draft_kind, const char *target);

#endif
