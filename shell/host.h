/* host — what the shell is given by whoever runs it: the one interface through which the
 * shell (pure bytes in, bytes out) reaches the rest of the service. Output, exit, password
 * hashing, work on the thread pool, the catalogs, and optional service-wide capabilities
 * (reload, login penalties, live monitoring); an optional capability is NULL when a host has none (the
 * console, the tests, the fuzzers). Hosts: service/session.c (the daemon), service/console.c,
 * tests/unit/testhost.c, tests/fuzz. Loop thread only unless said otherwise. */
#ifndef PROPDESK_HOST_H
#define PROPDESK_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A live session as the monitor shows it (see shell_monitor). Strings are valid during the
 * callback only; untrusted (the shell sanitizes them for display). */
struct shell_session_info {
	const char *id;
	const char *account;
	const char *display;
	unsigned role;         /* enum role */
	const char *team;      /* "" when none */
	const char *transport; /* "ssh", "telnet" */
	const char *peer;
	bool exec;             /* an exec command, not a terminal */
	int64_t login_ms;      /* wall clock, ms since the epoch */
	int64_t idle_ms;       /* since its last input */
	int cols, rows;        /* 0 when unknown */
	const char *doing;     /* "complaint new: techniques", "complaint list", "" at the prompt */
	const char *watching;  /* the session it watches, "" when none */
	size_t watchers;       /* how many watch it */
	size_t queued;         /* output bytes queued for its client, not yet sent */
	int64_t since_ms;      /* for shell_monitor.watchers: when that watch began (wall clock) */
};
typedef void (*shell_session_fn)(void *arg, const struct shell_session_info *si);

/* Errors of the monitor's actions (negative). */
#define SHELL_MONITOR_ENOENT (-2)  /* no such live session */
#define SHELL_MONITOR_ESELF (-3)   /* a session cannot watch itself */
#define SHELL_MONITOR_EBUSY (-4)   /* this session watches one already */
#define SHELL_MONITOR_ENOTTY (-5)  /* the session has no terminal (exec) */
#define SHELL_MONITOR_EPERM (-6)   /* out of the caller's scope */

/* Live monitoring, an optional capability of the daemon (NULL in hosts without live
 * sessions). ctx is shell_host.ctx: the calling session. Scope (who may act on whom) is the
 * shell's to check, from the info and the policy. */
struct shell_monitor {
	/* Calls each for every live session, in no order; returns how many. */
	size_t (*list)(void *ctx, shell_session_fn each, void *arg);
	/* One session's info (id), through each; 0 or SHELL_MONITOR_ENOENT. */
	int (*get)(void *ctx, const char *id, shell_session_fn each, void *arg);
	/* A notice above the prompt of session id (sanitized there): a whisper (the target may
	 * reply to the caller), or a broadcast line; 0 or < 0. */
	int (*whisper)(void *ctx, const char *id, const char *text);
	int (*notice)(void *ctx, const char *id, const char *text);
	/* Ends session id: it is shown reason, then closed. 0 or < 0. */
	int (*kick)(void *ctx, const char *id, const char *reason);
	/* The caller's terminal mirrors session id from now on (its recent output first), until
	 * unwatch or the end of either session; when the target ends first the caller's shell is
	 * told (shell_watch_ended). 0 or < 0. */
	int (*watch)(void *ctx, const char *id);
	void (*unwatch)(void *ctx);
	/* Calls each for every session watching the caller; returns how many. */
	size_t (*watchers)(void *ctx, shell_session_fn each, void *arg);
	/* The session that last whispered to the caller, into out (n bytes); false when none. */
	bool (*whisperer)(void *ctx, char *out, size_t n);
	/* The site's policy ([monitor] in etc/propdesk.conf): may the caller, a supervisor, act
	 * on the sessions of team ("" none) beyond its own team's (scope = all, or team listed in
	 * teams.CALLER)? The host refuses watch and kick out of scope too (SHELL_MONITOR_EPERM). */
	bool (*scope_has)(void *ctx, const char *team);
};

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
	/* Optional: the output bytes written and not yet sent to the client. A host with it calls
	 * shell_flow_drained (shell_flow.h) whenever some of them were sent, so that a long
	 * output goes at its reader's pace. NULL: output is sent at once (or never held). */
	size_t (*output_queued)(void *ctx);
	/* Optional: the exec command has taken what it needs of its stdin (and the shell has
	 * freed it) before it ends: the host may give its room back to a stdin budget now. NULL:
	 * the room goes back when the shell exits. */
	void (*stdin_done)(void *ctx);
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
	/* Optional: makes every change committed so far durable (the database's log synced to
	 * the disk) off the loop, then done(sh, arg, rc) on the loop: rc 0, or < 0 when the disk
	 * failed; sh NULL when the shell is gone. Returns 0, or < 0 (done is not called). While
	 * it runs the shell holds what it would print after a change, and the input that follows,
	 * so nothing is acknowledged before it is on disk. NULL: the host's commits are durable by
	 * themselves (or it promises nothing more). */
	int (*sync)(void *ctx, shell_work_done_fn done, void *arg);
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
	/* Optional: live monitoring (NULL: the host has no live sessions). */
	const struct shell_monitor *monitor;
};

#endif
