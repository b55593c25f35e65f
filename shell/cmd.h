/* cmd — the command table, the one dispatcher (look up, check the role, parse the arguments,
 * audit, run), help generated from the table and completion of command words.
 * Loop thread only (it runs inside a shell). The table is static data; nothing here is owned
 * by the caller except where stated. */
#ifndef PROPDESK_CMD_H
#define PROPDESK_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "buf.h"
#include "role.h"

struct shell;

/* Entry flags. */
#define CMD_AUDIT 0x1       /* audited as action "command" with the command's words */
#define CMD_STDIN 0x2       /* exec mode: reads stdin until EOF before running */
#define CMD_INTERACTIVE 0x4 /* needs a terminal (refused in exec mode) */
#define CMD_READONLY 0x8    /* changes nothing: runs (with a warning) even when its audit
			     * event cannot be written, so reads go on while the disk is full */

/* Exit statuses. A handler returns one of them, or CMD_PENDING when it continues later
 * (a prompt or an asynchronous operation) and ends with shell_cmd_done. */
#define CMD_OK 0
#define CMD_ERROR 1
#define CMD_USAGE 2
#define CMD_DENIED 3
#define CMD_NOTFOUND 127
#define CMD_PENDING (-1)
#define CMD_NOTHING (-2) /* cmd_prepare: the line was empty */

typedef int (*cmd_handler)(struct shell *sh, struct args *a);

struct cmd_entry {
	const char *group;           /* NULL for a single-word command (help, whoami...) */
	const char *verb;            /* the verb, or the word of a single-word command */
	unsigned roles;              /* mask of enum role that may run it */
	const struct args_opt *opts; /* NULL: no options */
	size_t min_args, max_args;   /* positional arguments after the command words */
	const char *usage;           /* "user add NAME --role ROLE [...]" */
	const char *help_en;
	const char *help_zh;
	unsigned flags;
	/* Exec mode: when this option is given the command reads stdin like CMD_STDIN (and in
	 * interactive mode the option is refused). NULL: none. */
	const char *stdin_opt;
	cmd_handler handler;
	/* Exec mode, a command that reads stdin: the most bytes it reads (what it can need; the
	 * service's [limits] max_stdin caps it further). More is refused, never cut. */
	size_t stdin_max;
};

/* stdin maxima of the commands that read it. */
#define CMD_STDIN_PASSWORDS ((size_t)16 << 10) /* two lines of passwords (1024 characters) */
#define CMD_STDIN_TEXT ((size_t)64 << 10)      /* a complaint's words, a note */
#define CMD_STDIN_KEYS ((size_t)256 << 10)     /* authorized_keys lines */
#define CMD_STDIN_IMPORT ((size_t)64 << 20)    /* a unit register (UNIT_IMPORT_MAX rows) */

extern const struct cmd_entry cmd_table[];
extern const size_t cmd_table_len;

/* Lookup results (negative). */
#define CMD_EEMPTY (-1)     /* no words */
#define CMD_EUNKNOWN (-2)   /* no such command (group or verb) */
#define CMD_EAMBIGUOUS (-3) /* the word is a prefix of several: candidates lists them */
#define CMD_ENOVERB (-4)    /* a group without a verb: candidates lists its verbs for roles */

/* Finds the command named by words[0] (and words[1] for a group): exact name first, then a
 * unique prefix. Returns 0 with *out and *nused (1 or 2 words), or a CMD_E* error; for
 * CMD_EAMBIGUOUS / CMD_ENOVERB / CMD_EUNKNOWN the candidate words (space separated; for an
 * unknown verb the group's verbs) are appended to candidates (may be NULL). roles filters the
 * verbs listed for CMD_ENOVERB and an unknown verb. */
int cmd_lookup(const char *const *words, size_t nwords, unsigned roles,
               const struct cmd_entry **out, size_t *nused, struct buf *candidates);
/* Appends the command words of e ("user add" or "whoami") to out. */
void cmd_name(const struct cmd_entry *e, struct buf *out);
/* The help text in lang. */
const char *cmd_help_text(const struct cmd_entry *e, const char *lang);

/* Tokenizes line into the shell's args, looks up the command, checks the role (refusal: the
 * message, an audit event "command.denied", CMD_DENIED) and parses the arguments. Prints any
 * error. Returns 0 when the command is ready to run (the shell's current command is set),
 * CMD_NOTHING for an empty line, or an exit status. */
int cmd_prepare(struct shell *sh, const char *line, size_t len);
/* After cmd_prepare: does the command read stdin (exec mode)? */
bool cmd_wants_stdin(const struct shell *sh);
/* After cmd_prepare, for a command that reads stdin: the most it reads (its stdin_max). */
size_t cmd_stdin_max(const struct shell *sh);
/* Audits and runs the prepared command (when the audit event cannot be written the command
 * does not run: CMD_ERROR). Returns an exit status or CMD_PENDING. */
int cmd_execute(struct shell *sh);

/* help (all commands the role may run, grouped) and help CMD, appended to out in lang. */
void cmd_help_list(unsigned roles, const char *lang, struct buf *out);
/* Returns 0, or a CMD_E* lookup error (nothing appended). */
int cmd_help_one(const char *const *words, size_t nwords, unsigned roles, const char *lang,
                 struct buf *out);

/* Tab completion for role from the text before the cursor: calls add for each candidate that
 * completes the word being typed (group or single word, verb, or --option of the command).
 * The word passed to add is valid during the call only. */
typedef void (*cmd_complete_add)(void *arg, const char *word);
void cmd_complete(unsigned roles, const char *line, size_t len, cmd_complete_add add, void *arg);

/* Handlers: cmd_session.c */
int cmd_session_help(struct shell *sh, struct args *a);
int cmd_session_whoami(struct shell *sh, struct args *a);
int cmd_session_passwd(struct shell *sh, struct args *a);
int cmd_session_lang(struct shell *sh, struct args *a);
int cmd_session_quit(struct shell *sh, struct args *a);
/* Checks a new password (valid UTF-8, 8..1024 characters, not the account name user); prints
 * why not. */
bool cmd_session_password_ok(struct shell *sh, const char *user, const char *pw);
/* Handlers: cmd_user.c */
int cmd_user_add(struct shell *sh, struct args *a);
int cmd_user_list(struct shell *sh, struct args *a);
int cmd_user_lock(struct shell *sh, struct args *a);
int cmd_user_unlock(struct shell *sh, struct args *a);
int cmd_user_role(struct shell *sh, struct args *a);
int cmd_user_key(struct shell *sh, struct args *a);
int cmd_user_passwd(struct shell *sh, struct args *a);
/* Handlers: cmd_config.c */
int cmd_config_reload(struct shell *sh, struct args *a);

/* Handlers: cmd_complaint.c */
int cmd_complaint_add(struct shell *sh, struct args *a);
int cmd_complaint_show(struct shell *sh, struct args *a);
int cmd_complaint_list(struct shell *sh, struct args *a);
int cmd_complaint_search(struct shell *sh, struct args *a);
int cmd_complaint_note(struct shell *sh, struct args *a);
int cmd_complaint_tag(struct shell *sh, struct args *a);
int cmd_complaint_assign(struct shell *sh, struct args *a);
int cmd_complaint_escalate(struct shell *sh, struct args *a);
int cmd_complaint_resolve(struct shell *sh, struct args *a);
int cmd_complaint_reopen(struct shell *sh, struct args *a);
/* Handlers: cmd_complaint_new.c */
int cmd_complaint_new(struct shell *sh, struct args *a);
/* At interactive login (after the greeting): when the account has an unfinished complaint
 * draft, says so and asks whether to resume it; returns CMD_PENDING when it asked (the answer
 * ends like a command, with the prompt), CMD_OK when there was nothing to offer. */
int cmd_complaint_draft_offer(struct shell *sh);
/* Handlers: cmd_promise.c */
int cmd_promise_add(struct shell *sh, struct args *a);
int cmd_promise_list(struct shell *sh, struct args *a);
int cmd_promise_done(struct shell *sh, struct args *a);
int cmd_promise_withdraw(struct shell *sh, struct args *a);
/* At interactive login: lists the user's overdue promises (nothing when none). */
void cmd_promise_login_notice(struct shell *sh);
/* Handlers: cmd_technique.c */
int cmd_technique_list(struct shell *sh, struct args *a);
int cmd_technique_show(struct shell *sh, struct args *a);
/* Handlers: cmd_unit.c */
int cmd_unit_list(struct shell *sh, struct args *a);
int cmd_unit_show(struct shell *sh, struct args *a);
int cmd_unit_history(struct shell *sh, struct args *a);
int cmd_unit_import(struct shell *sh, struct args *a);
/* Handlers: cmd_report.c */
int cmd_report_techniques(struct shell *sh, struct args *a);
int cmd_report_promises(struct shell *sh, struct args *a);

/* Helpers shared by the complaint, promise, technique, unit and report commands
 * (cmd_complaint.c). Those taking sh print their error in the session language. */
struct store;
struct catalog;

/* A day on the command line, YYYY-MM-DD in local time: the first millisecond of that day, or
 * (end) of the next day, for inclusive --until. opt names the option in the error. */
int cmd_complaint_parse_day(struct shell *sh, const char *opt, const char *s, bool end,
                            int64_t *ms);
/* A due time: YYYY-MM-DD (the end of that day, 23:59) or "YYYY-MM-DD HH:MM" (or ...THH:MM). */
int cmd_complaint_parse_due(struct shell *sh, const char *opt, const char *s, int64_t *ms);
/* A count option (--limit): 1..max; 0 when absent. */
int cmd_complaint_parse_count(struct shell *sh, const char *opt, const char *s, size_t max,
                              size_t *out);
/* A text option or argument (what names it in the errors): not blank, at most max bytes of
 * UTF-8, no control characters but tab and newline (what the store accepts); false (told,
 * saying which character is refused) otherwise. */
bool cmd_complaint_text_ok(struct shell *sh, const char *what, const char *text, size_t max);
/* "2026-11-26" or "2026-11-26 14:05" in local time ("-" for ms <= 0). */
void cmd_complaint_time(int64_t ms, bool with_time, char *out, size_t len);
/* A duration in the session language ("35 min", "2.5 h", "3.1 d"). */
void cmd_complaint_duration(const struct shell *sh, int64_t ms, char *out, size_t len);
/* May sh see the whole phone of a complaint taken by agent and assigned to assignee (the
 * creator, the assignee, supervisors and admins)? */
bool cmd_complaint_sees_phone(const struct shell *sh, const char *agent, const char *assignee);
/* Appends phone to out, masked as 138****1234 unless whole; NULL appends nothing. */
void cmd_complaint_phone(const char *phone, bool whole, struct buf *out);
/* The current catalog from the host (a reference: catalog_unref), or NULL. */
struct catalog *cmd_complaint_catalog(struct shell *sh);
/* Names in the session language; the raw code when the catalog (may be NULL) lacks it. */
const char *cmd_complaint_category_name(const struct shell *sh, const struct catalog *c,
                                        const char *code);
const char *cmd_complaint_technique_name(const struct shell *sh, const struct catalog *c,
                                         const char *code);
/* Labels in the session language. */
const char *cmd_complaint_status_label(const struct shell *sh, int status);
const char *cmd_complaint_promise_label(const struct shell *sh, int status);
/* A promise's state as shown: "OVERDUE" for an open one past its due time (now), else its label. */
const char *cmd_complaint_promise_state(const struct shell *sh, int status, int64_t due_ms,
                                        int64_t now);
/* Checks an account name given to a command: it exists and may work complaints (agent,
 * supervisor, admin). Prints why not. */
bool cmd_complaint_desk_account(struct shell *sh, const char *opt, const char *name);

/* Writes key and v (4 decimals) to j: json.h has integers only. */
struct json;
void cmd_complaint_json_double(struct json *j, const char *key, double v);

/* Work for the thread pool: run reads (on a read-only store of its own), then finish prints
 * on the loop and returns the exit status, then free releases the job. */
struct cmd_job;
typedef int (*cmd_job_run_fn)(struct store *st, struct cmd_job *job);
typedef int (*cmd_job_finish_fn)(struct shell *sh, struct cmd_job *job, int rc);
typedef void (*cmd_job_free_fn)(struct cmd_job *job);
struct cmd_job {
	cmd_job_run_fn run;
	cmd_job_finish_fn finish;
	cmd_job_free_fn free;
};
/* Runs job on the thread pool (the shell is busy meanwhile) and returns CMD_PENDING; when the
 * host has no thread pool, runs it here on the host's store if loop_ok (a bounded read) or
 * refuses it. Either way job is freed. Returns an exit status or CMD_PENDING. */
int cmd_complaint_job(struct shell *sh, struct cmd_job *job, bool loop_ok);

#endif
