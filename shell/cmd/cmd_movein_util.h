/* cmd_movein_util — the move-in commands' shared helpers (cmd_movein_util.c): the rules of the
 * current catalog, names and labels in the session language, money, the unit code check, the
 * error of a change and what is still missing. Used by the move-in group's files and by the
 * unit group (a unit's stage and housing type). Loop thread only. */
#ifndef PROPDESK_CMD_MOVEIN_UTIL_H
#define PROPDESK_CMD_MOVEIN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A row named by its number ("12" or "#12", as the lists show it) into *id: CMD_OK, or
 * CMD_USAGE with why (English, Chinese) told. */
int cmd_movein_util_number(struct shell *sh, const char *s, const char *why_en,
                           const char *why_zh, int64_t *id);

#endif
