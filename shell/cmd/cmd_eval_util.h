/* cmd_eval_util — what the quality checklist's command files share (cmd_eval.c,
 * cmd_evaluation.c, cmd_checklist.c), below them all: the checklist in force pinned as a
 * version, a pinned version parsed again, the numbers and options they all read, and the parts
 * of a complaint a scorer looks at. Loop thread only; functions taking sh print their errors. */
#ifndef PROPDESK_CMD_EVAL_UTIL_H
#define PROPDESK_CMD_EVAL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "store_eval.h"

struct shell;
struct args;
struct checklist;
struct complaint;

/* The checklist in force: the host catalog's checklist, pinned as a version in the store.
 * *out is parsed anew from the pinned text (checklist_free it). CMD_OK or an exit status. */
int cmd_eval_util_current(struct shell *sh, struct checklist **out, int64_t *version,
                          char hash[EVAL_HASH_HEX + 1]);
/* Version version as pinned (0: the latest), parsed (checklist_free it); *v (may be NULL) gets
 * the version's record (store_eval_version_clear it). */
int cmd_eval_util_version(struct shell *sh, int64_t version, struct checklist **out,
                          struct eval_version *v);
/* --since and --until (YYYY-MM-DD, local days), when given. */
int cmd_eval_util_days(struct shell *sh, struct args *a, int64_t *since, int64_t *until);
/* A copy of s (NULL for NULL); aborts when out of memory. */
char *cmd_eval_util_dup(const char *s);
/* "12.3%" of earned / possible. */
void cmd_eval_util_pct(int64_t earned, int64_t possible, char *out, size_t len);
/* "12" or "#12" as an evaluation id. */
int cmd_eval_util_id(struct shell *sh, const char *s, int64_t *id);
/* The parts of complaint c a scorer looks at, appended to out sanitized: all of them
 * (context: the header line, the owner's words, the techniques, the promises, the history), or
 * one (what an item links to). */
void cmd_eval_util_context(struct shell *sh, const struct complaint *c, struct buf *out);
void cmd_eval_util_words(struct shell *sh, const struct complaint *c, struct buf *out);
void cmd_eval_util_techniques(struct shell *sh, const struct complaint *c, struct buf *out);
void cmd_eval_util_promises(struct shell *sh, const struct complaint *c, struct buf *out);
void cmd_eval_util_history(struct shell *sh, const struct complaint *c, struct buf *out);
/* What a scorer of a recorded session looks at (evaluate --session ID): its account, time,
 * the commands it ran and the complaints its changes touched, appended to out sanitized. */
struct eval_session;
void cmd_eval_util_session(struct shell *sh, const char *id, const struct eval_session *s,
                           struct buf *out);
/* text indented by four spaces, line by line, into out. */
void cmd_eval_util_indent(struct buf *out, const char *text);

#endif
