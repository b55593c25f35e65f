/* cmd_movein_int — what the move-in commands' two files share (cmd_movein.c: show, list,
 * start, proxy, the table; cmd_movein_step.c: the steps). Loop thread only. */
#ifndef PROPDESK_CMD_MOVEIN_INT_H
#define PROPDESK_CMD_MOVEIN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "buf.h"
#include "cmd_movein_util.h"
#include "movein_rules.h"

struct shell;

/* The lists (cmd_movein_view.c). */
int cmd_movein_view_list(struct shell *sh, struct args *a);
int cmd_movein_view_find(struct shell *sh, struct args *a);
int cmd_movein_view_timeline(struct shell *sh, struct args *a);

/* The guided inspection of unit (cmd_movein_inspect.c): interactive only. */
int cmd_movein_inspect_run(struct shell *sh, const char *unit);

/* The residents (cmd_movein_resident.c): add, edit, remove, history. */
int cmd_movein_resident_run(struct shell *sh, struct args *a);
/* The guided form of movein resident add UNIT at a terminal (cmd_movein_resident_form.c). */
int cmd_movein_resident_form_run(struct shell *sh, const char *unit);
/* The residents as lines, each starting with indent, appended to out. */
struct resident;
void cmd_movein_resident_lines(struct shell *sh, const struct resident *list, size_t n,
                               const char *indent, struct buf *out);

/* The owners (cmd_movein_owner.c): as lines, each starting with indent, appended to out, or
 * as a JSON array; phones and ID numbers masked as cmd_util_sees_phone says. */
struct owner;
struct json;
void cmd_movein_owner_lines(struct shell *sh, const struct owner *list, size_t n,
                            const char *indent, struct buf *out);
void cmd_movein_owner_json(struct shell *sh, struct json *j, const struct owner *list, size_t n);

/* The steps (cmd_movein_step.c). */
int cmd_movein_step_doc(struct shell *sh, struct args *a);
int cmd_movein_step_forms(struct shell *sh, struct args *a);
int cmd_movein_step_pay(struct shell *sh, struct args *a);
int cmd_movein_step_inspect(struct shell *sh, struct args *a);
int cmd_movein_step_defect(struct shell *sh, struct args *a);
int cmd_movein_step_signoff(struct shell *sh, struct args *a);
int cmd_movein_step_review(struct shell *sh, struct args *a);
int cmd_movein_step_keys(struct shell *sh, struct args *a);
int cmd_movein_step_waive(struct shell *sh, struct args *a);

#endif
