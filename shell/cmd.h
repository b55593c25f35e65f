/* cmd — the one dispatcher (look up, check the role, parse the arguments, audit, run) over the
 * command groups of a registry, help generated from their tables and completion of command
 * words. Loop thread only (it runs inside a shell). Tables are static data; nothing here is
 * owned by the caller except where stated. */
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
#define CMD_NOTHING (-2) /* a command line was empty */

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

/* A command group's verbs: each cmd_<group>.c defines one (cmd_groups.h declares them). */
struct cmd_group {
	const struct cmd_entry *entries;
	size_t n;
	/* Optional: the heading of the group's section in help, in English and Chinese (NULL:
	 * the group's word). Groups sharing a word share the first one's heading. */
	const char *title_en, *title_zh;
};

/* At an interactive login, after the greeting, each hook in turn may show a notice or ask a
 * question: it returns CMD_PENDING when it asked (the answer ends like a command, with
 * shell_cmd_done, and the next hook runs after it), CMD_OK otherwise. */
typedef int (*cmd_login_hook)(struct shell *sh);

/* What the shell's core (the dispatcher, forms, the acknowledgement) asks of the store, which
 * it does not include: the registry's implementation (cmd_store.c) calls the store for it.
 * st is the host's store (shell_host.store). Errors are negative store errors. */
struct audit_ctx;
struct store;
struct cmd_store_ops {
	/* Appends an audit event (action, target, detail) in a transaction of its own. */
	int (*audit)(struct store *st, const struct audit_ctx *ctx, const char *action,
	             const char *target, const char *detail);
	/* How many rows the connection has changed since it was opened (store_changes). */
	uint64_t (*changes)(struct store *st);
	/* The text of a store error in lang ("zh" or "en"). */
	const char *(*strerror)(int err, const char *lang);
	/* Saves (replacing) account's draft of a form of kind, at step, claiming it for session
	 * (NULL: no claim): CMD_STORE_ELSEWHERE, and nothing saved, while another session has
	 * it open. Deletes it unless another session has it open (none, or another's, is not
	 * an error). */
	int (*draft_save)(struct store *st, const char *account, const char *kind,
	                  const char *session, const char *data, int step);
	int (*draft_delete)(struct store *st, const char *account, const char *kind,
	                    const char *session);
	/* Releases session's claim on the draft (the draft stays), so another may resume it. */
	int (*draft_release)(struct store *st, const char *account, const char *kind,
	                     const char *session);
};
#define CMD_STORE_ELSEWHERE 1 /* draft_save: the draft is open in another session */

/* The commands a shell offers, in the order help lists them (single-word commands first, as
 * the session group), its login hooks and the store's operations the core needs. One registry
 * lists them all (cmd_registry.c); the host hands it to the shell (shell_opts.commands). */
struct cmd_registry {
	const struct cmd_group *const *groups;
	size_t ngroups;
	const cmd_login_hook *login;
	size_t nlogin;
	const struct cmd_store_ops *store;
};

/* Every entry of the registry, in order: i from 0 to cmd_count(r) - 1. */
size_t cmd_count(const struct cmd_registry *r);
const struct cmd_entry *cmd_at(const struct cmd_registry *r, size_t i);

/* Options several groups share. */
extern const struct args_opt cmd_opts_json[];   /* --json */
extern const struct args_opt cmd_opts_reason[]; /* --reason TEXT (required) */

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
int cmd_lookup(const struct cmd_registry *r, const char *const *words, size_t nwords,
               unsigned roles, const struct cmd_entry **out, size_t *nused,
               struct buf *candidates);
/* Resolves the first word of a command line: the exact first word, or the one first word
 * that word prefixes. 0 with *first, or a CMD_E* error (candidates as cmd_lookup). */
int cmd_lookup_first(const struct cmd_registry *r, const char *word, const char **first,
                     struct buf *candidates);
/* Appends the command words of e ("user add" or "whoami") to out. */
void cmd_name(const struct cmd_entry *e, struct buf *out);
/* The help text in lang. */
const char *cmd_help_text(const struct cmd_entry *e, const char *lang);

/* help (all commands the role may run, grouped) and help CMD, appended to out in lang, folded
 * at word boundaries within width display columns (0: not folded, for scripts). */
void cmd_help_list(const struct cmd_registry *r, unsigned roles, const char *lang, size_t width,
                   struct buf *out);
/* Returns 0, or a CMD_E* lookup error (nothing appended). */
int cmd_help_one(const struct cmd_registry *r, const char *const *words, size_t nwords,
                 unsigned roles, const char *lang, size_t width, struct buf *out);

/* Tab completion for role from the text before the cursor: calls add for each candidate that
 * completes the word being typed (group or single word, verb, or --option of the command).
 * The word passed to add is valid during the call only. */
typedef void (*cmd_complete_add)(void *arg, const char *word);
void cmd_complete(const struct cmd_registry *r, unsigned roles, const char *line, size_t len,
                  cmd_complete_add add, void *arg);

#endif
