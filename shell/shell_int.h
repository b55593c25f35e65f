/* shell_int — the internals of struct shell shared by shell.c, cmd.c and the cmd_*.c command
 * files: output helpers (language, stream choice, newline translation, sanitizing), prompts
 * for a line, asynchronous password hashing, and the end of a command.
 * Loop thread only. The shell owns everything in it; handlers borrow. */
#ifndef PROPDESK_SHELL_INT_H
#define PROPDESK_SHELL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "buf.h"
#include "audit_ctx.h"
#include "cmd.h"
#include "shell.h"

struct cmd_entry;
struct lineedit;

/* Continuation after shell_read_line: line is the text typed (NUL-terminated, wiped after
 * the call for secret prompts), or NULL when the user cancelled (Ctrl-C, Ctrl-D). */
typedef void (*shell_line_fn)(struct shell *sh, const char *line);

/* A command that takes the terminal's keys itself (watch): keys gets every byte typed while
 * it runs; end runs when the host ends it from outside (shell_watch_ended) with why, and must
 * end the command (shell_cmd_done). */
typedef void (*shell_keys_fn)(struct shell *sh, const char *buf, size_t len);
typedef void (*shell_keys_end_fn)(struct shell *sh, const char *why);

#define SHELL_OP_SLOTS 4

struct shell {
	struct shell_host host;
	struct shell_user user; /* strings owned */
	struct shell_opts opts; /* strings owned */
	char lang[3];           /* "zh" or "en" */
	bool interactive;
	bool in_login;     /* the login hooks are running (the prompt comes after them) */
	size_t login_next; /* the next login hook to run */
	bool started;
	bool exited; /* host->exit was called: nothing more happens */
	struct lineedit *le;
	bool running;       /* a command is running (possibly pending) */
	bool async_pending; /* a pwhash/pwverify callback is outstanding */
	shell_async_cb async_next;
	shell_line_fn line_next; /* a command is waiting for a line */
	struct buf queue;        /* interactive input received while busy (capped) */
	size_t queue_max;
	struct buf in; /* exec mode: stdin */
	bool in_eof, in_over, in_wait;
	const struct cmd_entry *cmd; /* the command being run */
	char last_cmd[64];           /* the words of the command run last ("": none yet) */
	struct args args;            /* its words */
	char *op[SHELL_OP_SLOTS];    /* a command's scratch strings, wiped when it ends */
	/* Durable acknowledgement (host.sync): a turn (input, a callback) that changed the store
	 * holds its output from the change on until the host has synced the database's log. */
	uint64_t turn_base;  /* the store's change count when this turn began */
	bool sync_pending;   /* a host.sync is outstanding: output and input are held */
	struct buf held;     /* output held meanwhile: records of shell_hold_put */
	bool exit_deferred;  /* shell_quit came while output was held: exit after it */
	int exit_status;
	bool exit_done;      /* host.exit was called */
	void (*ack_resume)(struct shell *sh); /* feeds the input queued meanwhile (shell.c) */
	void *state;                 /* a running command's own state (a guided form) or NULL, */
	void (*state_free)(void *);  /* freed with this when the command ends or the shell goes */
	struct buf tmp;
	shell_keys_fn keys_next;     /* a command takes the keys (shell_take_keys) */
	shell_keys_end_fn keys_end;
	const char *step;            /* the running form's step (its static key), or NULL */
	bool watched;                /* someone watches this session (the prompt says so) */
	bool at_prompt;              /* the line being edited is the command prompt's */
	/* A long output waiting for its reader (shell_flow.h). */
	shell_work_done_fn flow_next;
	void *flow_arg;
	size_t flow_below;
};

/* The session language. */
bool shell_is_zh(const struct shell *sh);
#define T(sh, en, zh) (shell_is_zh(sh) ? (zh) : (en))

/* Writes to stream 1 (stdout / the terminal). In interactive mode "\n" becomes "\r\n". */
void shell_write(struct shell *sh, int stream, const char *s, size_t len);
void shell_printf(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes a secret s (no newline in it) to stream 1 through host.write_secret: the user sees
 * it, the session's recording only "withheld: what". */
void shell_write_secret(struct shell *sh, const char *s, const char *what);
/* An error message: stream 2 in exec mode, 1 in interactive mode; a newline is added. */
void shell_errorf(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s (untrusted: from the database or another user) sanitized to out. NULL: "". */
void shell_clean(struct buf *out, const char *s);

/* Text with an invisible or direction-changing character (utf8_is_invisible) is refused on
 * input, saying which: shell_invisible_why appends to out, in the session language, "holds an
 * invisible character, U+202E (right-to-left override), at character N: ..." for cp, the
 * nchar-th character. shell_text_visible returns true when s[0..len) has none; otherwise it
 * prints "WHAT holds ..." as an error and returns false. */
void shell_invisible_why(const struct shell *sh, uint32_t cp, size_t nchar, struct buf *out);
bool shell_text_visible(struct shell *sh, const char *what, const char *s, size_t len);

/* The audit context of this session (strings borrowed from sh). */
void shell_audit_ctx(const struct shell *sh, struct audit_ctx *ctx);
/* The store's operations the core uses, from the registry (never NULL). */
const struct cmd_store_ops *shell_store_ops(const struct shell *sh);
/* The text of store error err in the session language. */
const char *shell_store_strerror(const struct shell *sh, int err);
/* The host's store's change count (0 without a store). */
uint64_t shell_store_changes(const struct shell *sh);
/* Prints store error err in the session language and returns CMD_ERROR. */
int shell_store_error(struct shell *sh, int err);

/* Exec mode: stdin read by a CMD_STDIN command (NUL-terminated; *len bytes). */
const char *shell_stdin(struct shell *sh, size_t *len);
/* Exec mode: the most stdin the prepared command keeps (its own maximum, capped by
 * max_stdin). */
size_t shell_stdin_cap(const struct shell *sh);
/* Exec mode: the command is done with its stdin though it goes on (a long import): the shell
 * frees it and the host's stdin budget gets its room back. shell_stdin gives "" after it. */
void shell_stdin_done(struct shell *sh);
/* Takes the next line of stdin (without "\n" / "\r\n") into out; false at the end. *pos is
 * the caller's cursor, start at 0. */
bool shell_stdin_line(struct shell *sh, size_t *pos, struct buf *out);

/* Interactive: asks for a line with prompt (secret: no echo, no history) and returns
 * CMD_PENDING; next runs when the line is entered. */
int shell_read_line(struct shell *sh, const char *prompt, bool secret, shell_line_fn next);
/* Hash / verify a password off the loop. Returns CMD_PENDING (next runs later with the
 * result), or prints an error and returns CMD_ERROR (next is never called). */
int shell_pwhash(struct shell *sh, const char *password, shell_async_cb next);
int shell_pwverify(struct shell *sh, const char *hash, const char *password, shell_async_cb next);
/* Runs fn(ro_store, arg) on the thread pool through host.work; the shell is busy (input
 * queued) until done(sh, arg, rc) runs on the loop, where done ends the command (usually with
 * shell_cmd_done). done gets sh NULL when the session went away or the shell has exited
 * (it must still release arg). Returns CMD_PENDING, or prints an error and returns CMD_ERROR
 * (neither fn nor done is called: the caller still owns arg). */
int shell_work(struct shell *sh, shell_work_fn fn, shell_work_done_fn done, void *arg);
/* Interactive: the running command takes every key typed from now on (keys), until it ends
 * (shell_cmd_done); end as shell_keys_end_fn. Returns CMD_PENDING. */
int shell_take_keys(struct shell *sh, shell_keys_fn keys, shell_keys_end_fn end);
/* Ends the running command (after CMD_PENDING) with an exit status. */
void shell_cmd_done(struct shell *sh, int status);
/* The shell is finished: host->exit(status) once. */
void shell_quit(struct shell *sh, int status);
/* Command scratch: slot i gets a copy of s (the old value is wiped and freed). */
void shell_op_set(struct shell *sh, int i, const char *s);
/* Switches the session language ("zh" or "en"). */
void shell_set_lang(struct shell *sh, const char *lang);

#endif
