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
};

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

#endif
