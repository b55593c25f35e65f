/* cmd_movein_int — what the move-in commands' two files share (cmd_movein.c: show, list,
 * start, proxy, the table; cmd_movein_step.c: the steps). Loop thread only. */
#ifndef PROPDESK_CMD_MOVEIN_INT_H
#define PROPDESK_CMD_MOVEIN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "buf.h"
#include "movein_rules.h"

struct shell;
struct catalog;
struct movein;

/* The move-in rules of the current catalog (*ref holds the catalog: catalog_unref), or NULL
 * (told: no etc/movein.ini) when there are none. */
const struct movein_rules *cmd_movein_util_rules(struct shell *sh, struct catalog **ref);
/* A document's, form's, fee's or item's name in the session language; the code when the rules
 * (may be NULL) lack it. */
const char *cmd_movein_util_name(const struct shell *sh, const struct movein_rules *r,
                            enum movein_rules_kind kind, const char *code);
/* "¥1,234.50". */
void cmd_movein_util_money(int64_t fen, struct buf *out);
/* A unit code typed: false (told) when it is not one. */
bool cmd_movein_util_unit_ok(struct shell *sh, const char *unit);
/* Reports the error of a change to unit's move-in (a record not started, already reviewed,
 * an unknown entry, ...). Returns the exit status. */
int cmd_movein_util_error(struct shell *sh, const char *unit, int rc);
/* What is still missing of m (waived ones marked), in the session language, one line per
 * step, each line starting with indent; nothing when all is done. */
void cmd_movein_util_gaps(struct shell *sh, const struct movein_rules *r, const struct movein *m,
                     const char *indent, struct buf *out);
/* Codes typed (words): each must be one of the rules' of kind; false (told) otherwise. */
bool cmd_movein_util_codes_ok(struct shell *sh, const struct movein_rules *r,
                         enum movein_rules_kind kind, const char *const *codes, size_t n);

/* Labels in the session language: a stage (enum movein_stage), a housing type as stored. */
const char *cmd_movein_util_stage_label(const struct shell *sh, int stage);
const char *cmd_movein_util_housing_label(const struct shell *sh, const char *type);
const char *cmd_movein_util_defect_label(const struct shell *sh, int status); /* 登记 ... */

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
