/* shell — the agent's interactive shell (and exec mode) as a pure state machine: it is fed
 * the bytes a client typed and emits bytes through the host. It never touches a socket; its
 * only view of the service is its host interface (host.h) and the store API (store.h).
 * Loop thread only. Strings in shell_user and shell_opts are copied by shell_new. */
#ifndef PROPDESK_SHELL_H
#define PROPDESK_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "role.h"

struct shell_user {
	int64_t id;
	const char *name;
	const char *display;
	enum role role;
	const char *lang; /* account default: "zh" or "en" */
	const char *team;
};

struct cmd_registry;

struct shell_opts {
	const char *session_id;
	const char *peer;      /* "1.2.3.4:5678" */
	const char *transport; /* "ssh", "telnet", "console" */
	const char *env_lang;  /* the client's LANG, if any (zh_* or en_* pick the language) */
	const char *term;      /* TERM, if any */
	int cols, rows;        /* 0 when unknown */
	const char *exec;      /* exec mode: the command line; NULL: interactive */
	const struct cmd_registry *commands; /* the commands and login hooks (static data) */
	bool color;            /* interactive with a terminal: colour and line editing */
	size_t max_line;       /* longest input line (bytes) */
	size_t max_stdin;      /* exec mode: most stdin bytes any command may read (each command
	                        * has its own maximum too: the lower one counts) */
	const char *record_dir; /* the session recordings' directory, for the auditors' recording
	                         * commands (read on the thread pool); NULL: none */
};

struct shell *shell_new(const struct shell_host *host, const struct shell_user *user,
			const struct shell_opts *opts);
/* NULL does nothing. */
void shell_free(struct shell *sh);
/* Interactive: greeting and prompt. Exec: runs the command (or waits for stdin EOF first
 * when the command reads stdin). */
void shell_start(struct shell *sh);
/* Input from the client. */
void shell_feed(struct shell *sh, const char *buf, size_t len);
/* The client closed its input (exec stdin EOF; in interactive mode: quit). */
void shell_eof(struct shell *sh);
void shell_resize(struct shell *sh, int cols, int rows);
/* Exec mode, after shell_start: while the command waits for its stdin, the most bytes it
 * will keep of it (its own maximum, capped by max_stdin), else 0. A host with a budget for
 * all stdin held at once reserves this much before it feeds any. */
size_t shell_stdin_wanted(const struct shell *sh);
/* The host has no room for this command's stdin (shell_stdin_wanted) now: the command is
 * refused with a message saying to try again later, and the shell exits (status 1). */
void shell_stdin_refused(struct shell *sh);
/* Prints a notice above the prompt (broadcast, shutdown), sanitized; from is the sender. */
void shell_notice(struct shell *sh, const char *from, const char *text);
/* Ends the session from outside (a supervisor's kick): the notice as shell_notice, then the
 * shell exits (status 1). */
void shell_kick(struct shell *sh, const char *from, const char *text);
/* The session this shell watches (shell_monitor.watch) has ended, or the host stopped the
 * watch: the watch command ends, saying why. Nothing when the shell is not watching. */
void shell_watch_ended(struct shell *sh, const char *why);
/* Someone watches this session now (watched), or nobody any more, where the site's policy
 * tells the agent: the command prompt shows "[watched]" ("[被监看]") in front while watched,
 * drawn again at once with the line being typed intact. */
void shell_set_watched(struct shell *sh, bool watched);
/* What the session is doing now, into out (n bytes, NUL-terminated): the running command
 * and a guided form's step ("complaint new: techniques"), or "" at the prompt. */
void shell_activity(const struct shell *sh, char *out, size_t n);
/* True while a command takes the keys (watching another session). */
bool shell_taking_keys(const struct shell *sh);
/* True while an asynchronous operation is pending (the host must not free the shell's
 * callbacks' target: it keeps the shell alive until the callback ran). */
bool shell_busy(const struct shell *sh);
/* The name of the command run last ("complaint list"), NULL before the first: for the host's
 * account of what kept the loop busy. */
const char *shell_last_command(const struct shell *sh);
/* The session's current language, "zh" or "en". */
const char *shell_lang(const struct shell *sh);

#endif
