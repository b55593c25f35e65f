/* shell — the agent's interactive shell (and exec mode) as a pure state machine: it is fed
 * the bytes a client typed and emits bytes through the host. It never touches a socket; its
 * only view of the service is the host interface below and the store API (store.h).
 * Loop thread only. Strings in shell_user and shell_opts are copied by shell_new. */
#ifndef PROPDESK_SHELL_H
#define PROPDESK_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "role.h"

struct store;
struct shell;
struct catalog;

/* Completion of an asynchronous host operation. For pwhash: rc 0 and hash (borrowed, valid
 * during the call) or rc < 0. For pwverify: rc 1 match, 0 no match, < 0 error. */
typedef void (*shell_async_cb)(struct shell *sh, int rc, const char *hash);

/* Work off the loop (see shell_host.work): fn runs on a pool thread with a read-only store of
 * its own and returns a status; done runs later on the loop with that status, and with sh NULL
 * when the shell is gone meanwhile (done must still release arg). */
typedef int (*shell_work_fn)(struct store *ro, void *arg);
typedef void (*shell_work_done_fn)(struct shell *sh, void *arg, int rc);

/* A failed-login block the service keeps (see shell_host.bans): an address's penalty, or an
 * (account, address) pair's failures. Strings are valid during the callback only. */
struct shell_ban {
	const char *addr;
	const char *account; /* NULL: the address's penalty */
	int failures;        /* the pair's failures, or the address's penalty score */
	bool blocked;        /* the pair is locked out / password logins from the address are
			      * refused */
	int64_t left_s;      /* while blocked: seconds left */
};
typedef void (*shell_ban_fn)(void *arg, const struct shell_ban *b);

struct shell_host {
	void *ctx;
	struct store *store;
	/* Output: stream 1 is the terminal (or exec stdout), 2 is exec stderr (in interactive
	 * mode the shell writes everything to 1). */
	void (*write)(void *ctx, int stream, const char *buf, size_t len);
	/* Optional: output that is a secret (a generated password, never a newline in it). The
	 * client gets buf as from write; copies of the session's output (its recording) must not
	 * keep it, and note instead that something was withheld: what names it ("password").
	 * NULL: the shell writes secrets through write (a host that keeps no copies). */
	void (*write_secret)(void *ctx, int stream, const char *buf, size_t len, const char *what);
	/* The shell is finished (quit, Ctrl-D, exec command done); status is the exit status.
	 * Called once; the host frees the shell later, never inside this call. */
	void (*exit)(void *ctx, int status);
	/* argon2id hash of password, computed off the loop; cb is called later on the loop
	 * (never inside this call) unless the shell is freed first. Returns 0 or < 0 (cb not called). */
	int (*pwhash)(void *ctx, const char *password, shell_async_cb cb);
	/* Checks password against an argon2id hash, off the loop, as above. */
	int (*pwverify)(void *ctx, const char *hash, const char *password, shell_async_cb cb);
	/* Runs fn on the thread pool (slow reads: regex search over every complaint, reports),
	 * then done on the loop. Returns 0, or < 0 (neither is called). */
	int (*work)(void *ctx, shell_work_fn fn, shell_work_done_fn done, void *arg);
	/* The current catalogs (techniques, categories), with a reference the caller drops with
	 * catalog_unref; NULL when none is loaded. A reload swaps in a new one for later calls. */
	struct catalog *(*catalog)(void *ctx);
	/* Optional: service-wide actions (NULL when the host has none). */
	int (*reload)(void *ctx); /* config reload: 0 or < 0 */
	/* Optional (NULL when the host keeps no login penalties): calls each for every address
	 * penalty and every (account, address) pair with failures, in no order; returns how
	 * many. */
	size_t (*bans)(void *ctx, shell_ban_fn each, void *arg);
	/* Lifts addr's penalty and the locks of every pair at addr (addr NULL: everything);
	 * returns how many bans and locks were lifted. */
	int (*ban_lift)(void *ctx, const char *addr);
	/* Forgets the failed logins of account name from every address; returns how many of
	 * them had locked it out. */
	int (*unlock)(void *ctx, const char *name);
};

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
/* True while an asynchronous operation is pending (the host must not free the shell's
 * callbacks' target: it keeps the shell alive until the callback ran). */
bool shell_busy(const struct shell *sh);
/* The name of the command run last ("complaint list"), NULL before the first: for the host's
 * account of what kept the loop busy. */
const char *shell_last_command(const struct shell *sh);
/* The session's current language, "zh" or "en". */
const char *shell_lang(const struct shell *sh);

#endif
