/* session — one logged-in user's session, whatever the transport: owns the shell, its output
 * queues (stdout and, in exec mode, stderr) with a high-water mark, and implements the shell's
 * host interface. Transports feed it input and drain its output.
 * Loop thread only. Reference counted: the transport holds one reference from session_new until
 * session_detach; thread pool work holds one while it runs. Freed when the last one goes. */
#ifndef PROPDESK_SESSION_H
#define PROPDESK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "buf.h"
#include "monitor.h"
#include "net_host.h"

struct account;
struct addrlimit;
struct auth;
struct catalog;
struct config;
struct loopwatch;
struct record;
struct session;
struct shell;
struct store;
struct uv_loop_s;

/* What sessions are given by the server that makes them, instead of reaching into it. Set up
 * once, before the first session, and outliving them all. */
struct session_host {
	struct uv_loop_s *loop;         /* and its clock */
	const struct config *cfg;       /* the running configuration (reloads in place) */
	const char *db_path;            /* for read-only stores on the thread pool */
	struct store *store;            /* the writing connection */
	struct auth *auth;              /* password hashing off the loop */
	struct addrlimit *limits;       /* bans and locks, for the admin commands */
	struct loopwatch *watch;        /* what the loop is busy with */
	struct budget *stdin_budget;    /* exec stdin, all sessions together */
	struct catalog *const *catalog; /* the current catalogs (replaced on reload) */
	struct monitor *monitor;        /* live monitoring: every session has a tap in it */
	void *arg;                      /* the callbacks' first argument */
	/* Registers / unregisters a live session. */
	void (*add)(void *arg, struct session *s);
	void (*remove)(void *arg, struct session *s);
	/* Re-reads the configuration and catalogs: 0 or -1 (logged; the running ones kept). */
	int (*reload)(void *arg);
	/* Exec stdin under the service-wide budget: a session claims what its command may keep
	 * (c is embedded in the session). BUDGET_GRANTED: now. BUDGET_WAITING: the claim waits
	 * in line, and the session is told later, session_stdin_granted or (after [limits]
	 * stdin_wait seconds) session_stdin_expired. BUDGET_REFUSED: the line is full
	 * ([limits] stdin_waiting). Release once the command is done (or the session gone): that
	 * also grants the claims waiting behind. */
	enum budget_answer (*stdin_claim)(void *arg, struct budget_claim *c, size_t want);
	void (*stdin_release)(void *arg, struct budget_claim *c);
};

struct session {
	struct session *prev, *next; /* server's list */
	const struct session_host *host;
	int refs;
	char id[16];
	char *transport;
	char *peer;
	char *user;
	char *display;
	char *team;
	int role;
	int cols, rows;       /* the client's terminal (0: unknown) */
	uint64_t input_ms;    /* loop time of the last input (or the start) */
	bool idle_warned;     /* told it will be logged out for idleness (input clears it) */
	struct monitor_tap tap; /* its output as the monitor sees it (watchers, scrollback) */
	uint64_t started_ms;  /* wall clock */
	bool pty;
	bool exec;
	bool ended;           /* the shell has exited */
	bool detached;        /* the transport is gone */
	struct shell *shell;
	const struct net_session_ops *ops;
	void *tctx;
	struct buf out[3];    /* [1] stdout, [2] stderr; [0] unused */
	size_t out_off[3];    /* bytes of each already sent (moved out now and then, not at
			       * every write: a long output is not copied again for each) */
	struct record *rec;   /* the recording of an interactive session, or NULL */
	/* Exec: the room its command's stdin has in the service-wide budget (session_host); while
	 * the claim waits in line the session takes no input. */
	struct budget_claim stdin_claim;
	bool stdin_claimed;   /* the claim holds or waits: release it */
	uint64_t stdin_wait_ms; /* loop time it started waiting */
};

/* Creates the session (one reference, the transport's) and registers it (host->add). */
struct session *session_new(const struct session_host *host, const struct net_session_params *p);
/* Greets and prompts, or runs the exec command. */
void session_start(struct session *s);
/* Feeds client input to the shell. Returns the bytes accepted: fewer than len (possibly 0)
 * while the output queue is above the high-water mark; the transport keeps the rest and
 * offers it again after draining output. */
size_t session_input(struct session *s, const char *buf, size_t len);
/* The client sent EOF. */
void session_eof(struct session *s);
void session_resize(struct session *s, int cols, int rows);
/* Queued output of a stream (1 stdout, 2 stderr): pointer and length, then consume what was
 * written. */
const char *session_output(struct session *s, int stream, size_t *len);
void session_output_consume(struct session *s, int stream, size_t n);
/* Bytes queued on both streams. */
size_t session_output_pending(const struct session *s);
/* True when session_input would accept input now. */
bool session_can_take_input(const struct session *s);
/* The shell has exited. */
bool session_ended(const struct session *s);
/* A notice printed above the prompt (broadcast, shutdown). */
void session_notice(struct session *s, const char *from, const char *text);
/* The same in the session's own language: en or zh (and from_en or from_zh). */
void session_notice_lang(struct session *s, const char *from_en, const char *from_zh,
			 const char *en, const char *zh);
/* Idle policy: a terminal session without input for timeout_s - warn_s seconds (now: loop
 * time) is told once that it will be logged out (the transport closes it at timeout_s). */
void session_idle_check(struct session *s, uint64_t now, int timeout_s, int warn_s);
/* The stdin budget (session_host stdin_claim): the session's waiting claim was granted (its
 * input is read from now on), or waited too long (the command is refused). */
void session_stdin_granted(struct session *s);
void session_stdin_expired(struct session *s);
/* The transport is gone (connection closed or dropped): audits the logout, unregisters,
 * drops the transport's reference. No ops are called after this. */
void session_detach(struct session *s);
void session_ref(struct session *s);
void session_unref(struct session *s);

#endif
