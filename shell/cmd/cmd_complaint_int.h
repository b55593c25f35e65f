/* cmd_complaint_int — what the two files of the complaint group share: cmd_complaint.c (its
 * changes and its table) and cmd_complaint_view.c (show, list, search). */
#ifndef PROPDESK_CMD_COMPLAINT_INT_H
#define PROPDESK_CMD_COMPLAINT_INT_H

#include <stdbool.h>

#include "args.h"
#include "store_complaint.h"

struct shell;

/* Labels of a complaint's relation, channel and mood in the session language. */
const char *cmd_complaint_relation_label(const struct shell *sh, int r);
const char *cmd_complaint_channel_label(const struct shell *sh, int c);
const char *cmd_complaint_mood_label(const struct shell *sh, int m);
/* Prints that --opt does not take value, listing the choices; CMD_USAGE. */
int cmd_complaint_bad_enum(struct shell *sh, const char *opt, const char *value,
                           const char *choices);
/* Reads the complaint numbered as typed ("c-20261126-0042" is fine) into *c (full: with notes,
 * history, handovers and promises; complaint_clear it); prints why not. CMD_OK or an exit
 * status. */
int cmd_complaint_load(struct shell *sh, const char *typed, struct complaint *c, bool full);

/* Handlers: cmd_complaint_view.c */
int cmd_complaint_view_show(struct shell *sh, struct args *a);
int cmd_complaint_view_list(struct shell *sh, struct args *a);
int cmd_complaint_view_search(struct shell *sh, struct args *a);

#endif
