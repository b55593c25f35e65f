/* cmd_eval_int — what the files of the quality checklist's commands share: cmd_eval.c (the
 * scoring form of `evaluate` and `checklist self`, and its exec form on stdin) and
 * cmd_evaluation.c (`evaluation ...`, the login notice) and cmd_checklist.c (`checklist show`,
 * `report quality`). Loop thread only. */
#ifndef PROPDESK_CMD_EVAL_INT_H
#define PROPDESK_CMD_EVAL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "store_eval.h"

struct shell;
struct checklist;
struct complaint;

/* The checklist in force: the host catalog's checklist, pinned as a version in the store.
 * *out is parsed anew from the pinned text (checklist_free it). Prints why not. CMD_OK or an
 * exit status. */
int cmd_eval_current(struct shell *sh, struct checklist **out, int64_t *version,
                     char hash[EVAL_HASH_HEX + 1]);
/* Version version as pinned (0: the latest), parsed (checklist_free it); *v (may be NULL) gets
 * the version's record (store_eval_version_clear it). Prints why not. */
int cmd_eval_version(struct shell *sh, int64_t version, struct checklist **out,
                     struct eval_version *v);
/* --since and --until (YYYY-MM-DD, local days), when given; prints why not. */
struct args;
int cmd_eval_days(struct shell *sh, struct args *a, int64_t *since, int64_t *until);
/* A copy of s (NULL for NULL); aborts when out of memory. */
char *cmd_eval_dup(const char *s);
/* evaluate --next [--seed N] [--json] (cmd_checklist.c): draws a complaint to evaluate. */
int cmd_checklist_next(struct shell *sh, struct args *a);
/* "12.3%" of earned / possible. */
void cmd_eval_pct(int64_t earned, int64_t possible, char *out, size_t len);
/* "12" or "#12" as an evaluation id; prints the error. */
int cmd_eval_id(struct shell *sh, const char *s, int64_t *id);
/* Appends the parts of complaint c a scorer looks at (the owner's words, the techniques, the
 * promises, the history) to out, sanitized. */
void cmd_eval_context(struct shell *sh, const struct complaint *c, struct buf *out);

#endif
