/* cmd_util — helpers the command groups share (see cmd_util.c). Those taking sh print their
 * error in the session language. */
#ifndef PROPDESK_CMD_UTIL_H
#define PROPDESK_CMD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct shell;
struct store;
struct catalog;

/* A day on the command line, YYYY-MM-DD in local time: the first millisecond of that day, or
 * (end) of the next day, for inclusive --until. opt names the option in the error. */
int cmd_util_parse_day(struct shell *sh, const char *opt, const char *s, bool end, int64_t *ms);
/* A due time: YYYY-MM-DD (the end of that day, 23:59) or "YYYY-MM-DD HH:MM" (or ...THH:MM). */
int cmd_util_parse_due(struct shell *sh, const char *opt, const char *s, int64_t *ms);
/* --offset: 0..max (0 is the first page); 0 when absent. */
int cmd_util_parse_offset(struct shell *sh, const char *s, size_t max, size_t *out);
/* A count option (--limit): 1..max; 0 when absent. */
int cmd_util_parse_count(struct shell *sh, const char *opt, const char *s, size_t max, size_t *out);
/* A text option or argument (what names it in the errors): not blank, at most max bytes of
 * UTF-8, no control characters but tab and newline (what the store accepts); false (told,
 * saying which character is refused) otherwise. */
bool cmd_util_text_ok(struct shell *sh, const char *what, const char *text, size_t max);
/* "2026-11-26" or "2026-11-26 14:05" in local time ("-" for ms <= 0). */
void cmd_util_time(int64_t ms, bool with_time, char *out, size_t len);
/* A duration in the session language ("35 min", "2.5 h", "3.1 d"). */
void cmd_util_duration(const struct shell *sh, int64_t ms, char *out, size_t len);
/* The one rule for who sees a whole phone number, the store's rule for who may work a
 * complaint (store_complaint_status_may_work): of a complaint taken by agent and assigned to
 * assignee, the creator, the assignee, supervisors and admins; with agent and assignee NULL
 * (a unit's owner), supervisors and admins only. */
bool cmd_util_sees_phone(const struct shell *sh, const char *agent, const char *assignee);
/* Appends account name as "name (display name)", sanitized; "-" for NULL. */
void cmd_util_account_label(struct shell *sh, const char *name, struct buf *out);
/* Tells that a change was refused (STORE_EOWNER) because complaint number, or its promise
 * (promise > 0, made by maker), is another account's work, naming who holds it (account and
 * display name) and who may change it; assign: a reassignment. Returns CMD_ERROR. */
int cmd_util_not_yours(struct shell *sh, const char *number, int64_t promise, const char *maker,
                       bool assign);
/* Appends phone to out, masked as 138****1234 unless whole; NULL appends nothing. */
void cmd_util_phone(const char *phone, bool whole, struct buf *out);
/* Appends a resident ID number to out: whole for those who see a unit owner's whole phone
 * (cmd_util_sees_phone with no complaint), else masked as 320***********1238; NULL: "-". */
void cmd_util_id_number(const struct shell *sh, const char *id, struct buf *out);
/* The current catalog from the host (a reference: catalog_unref), or NULL. */
struct catalog *cmd_util_catalog(struct shell *sh);
/* Names in the session language; the raw code when the catalog (may be NULL) lacks it. */
const char *cmd_util_category_name(const struct shell *sh, const struct catalog *c,
                                   const char *code);
const char *cmd_util_technique_name(const struct shell *sh, const struct catalog *c,
                                    const char *code);
/* Labels in the session language. */
const char *cmd_util_status_label(const struct shell *sh, int status);
const char *cmd_util_promise_label(const struct shell *sh, int status);
/* A complaint status as typed: its code (open, in_progress, ...) in any case or width, or its
 * label in English or Chinese as the screens show it (待处理, in progress). < 0 when none. */
int cmd_util_status_parse(const char *typed);
/* A promise's state as shown: "OVERDUE" for an open one past its due time (now), else its label. */
const char *cmd_util_promise_state(const struct shell *sh, int status, int64_t due_ms, int64_t now);
/* Checks an account name given to a command: it exists and may work complaints (agent,
 * supervisor, admin). Prints why not. */
bool cmd_util_desk_account(struct shell *sh, const char *opt, const char *name);

/* Writes key and v (4 decimals) to j: json.h has integers only. */
struct json;
void cmd_util_json_double(struct json *j, const char *key, double v);

/* Work for the thread pool: run reads (on a read-only store of its own), then finish prints
 * on the loop and returns the exit status, then free releases the job. Work the pool cancels
 * before it ran is reported once by cmd_util_job, without calling finish. */
struct cmd_util_job;
typedef int (*cmd_util_job_run_fn)(struct store *st, struct cmd_util_job *job);
typedef int (*cmd_util_job_finish_fn)(struct shell *sh, struct cmd_util_job *job, int rc);
typedef void (*cmd_util_job_free_fn)(struct cmd_util_job *job);
struct cmd_util_job {
	cmd_util_job_run_fn run;
	cmd_util_job_finish_fn finish;
	cmd_util_job_free_fn free;
};
/* Runs job on the thread pool (the shell is busy meanwhile) and returns CMD_PENDING; when the
 * host has no thread pool, runs it here on the host's store if loop_ok (a bounded read) or
 * refuses it. Either way job is freed. Returns an exit status or CMD_PENDING. */
int cmd_util_job(struct shell *sh, struct cmd_util_job *job, bool loop_ok);

/* Checks a new password (valid UTF-8, 8..1024 characters, not the account name user); prints
 * why not. */
bool cmd_util_password_ok(struct shell *sh, const char *user, const char *pw);

#endif
