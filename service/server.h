/* server — the daemon's shared state on the one loop: config, the writing store, the
 * listeners, the live sessions and the per-address connection and failure counts.
 * Loop thread only. */
#ifndef PROPDESK_SERVER_H
#define PROPDESK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "addrlimit.h"
#include "budget.h"
#include "config.h"
#include "loopwatch.h"

struct store;
struct session;
struct sshsrv;
struct telnetsrv;
struct auth;
struct catalog;

/* Where an accepted connection stands. Until SERVER_CONN_LOGGED_IN it counts as logging in
 * (as OpenSSH's MaxStartups), per address and overall; which may make room for a newer one is
 * addrlimit's rule (addrlimit_evictable). */
enum server_conn_stage {
	SERVER_CONN_SILENT = ADDRLIMIT_SILENT, /* nothing received yet */
	SERVER_CONN_KEX = ADDRLIMIT_KEX,       /* the client spoke; SSH key exchange not done */
	SERVER_CONN_FAILED = ADDRLIMIT_FAILED, /* logging in, after a failed attempt */
	SERVER_CONN_AUTH = ADDRLIMIT_AUTH,     /* logging in (a person may be typing a password) */
	SERVER_CONN_LOGGED_IN = ADDRLIMIT_LOGGED_IN,
};

/* Why a connection or login is refused: one line for the client (English first, then
 * Chinese, for telnet), and the English alone (for SSH, whose client shows only ASCII). */
struct server_why {
	const char *en;
	const char *both;
};

/* One accepted connection as the server counts it, embedded in the transport's own struct
 * (sshsrv, telnetsrv). The server links it while admitted; the transport owns the memory. */
struct server_conn {
	struct server_conn *prev, *next;
	char addr[64];
	enum server_conn_stage stage;
	uint64_t stage_ms;   /* loop time it entered its stage */
	bool trusted;        /* from [auth] trusted_networks */
	bool admitted;       /* linked and counted: server_conn_release is owed */
	bool evicted;        /* told to make room (evict called once) */
	char *account;       /* once logged in (owned) */
	/* The server needs this connection's place for a newer one from the same address: close
	 * it soon (the client may be told why) and return true; the transport still calls
	 * server_conn_release later. A SERVER_CONN_SILENT one whose client's first bytes wait
	 * unread has spoken after all: the transport moves it on (server_conn_stage) and returns
	 * false. Never called inside the transport's own calls into the server. */
	bool (*evict)(struct server_conn *sc, const struct server_why *why);
};

extern const struct server_why server_why_busy;     /* max_startups (early drop) */
extern const struct server_why server_why_per_addr; /* max_startups_per_address */
extern const struct server_why server_why_stopping;
extern const struct server_why server_why_evicted;  /* closed to make room */
extern const struct server_why server_why_full;     /* max_sessions */
extern const struct server_why server_why_account;  /* max_sessions_per_account */

struct server {
	uv_loop_t *loop;
	struct config cfg;
	char *config_path;      /* for reload */
	char *db_path;
	struct store *store;    /* the writing connection */
	struct sshsrv *ssh;
	struct telnetsrv *telnet;
	struct auth *auth;
	struct catalog *catalog; /* techniques and categories from cfg.catalog_dir */
	struct session *sessions; /* live sessions (doubly linked through session fields) */
	size_t nsessions;
	struct server_conn *conns; /* admitted connections, before and after login */
	size_t nconns;
	size_t nlogged;         /* of them logged in */
	/* Connections logging in per address, failed-login locks of (account, address) pairs
	 * and address penalties: in memory, kept across reloads (addrlimit.h). */
	struct addrlimit *limits;
	uv_timer_t limits_timer; /* forgets what has run out */
	struct loopwatch watch; /* how long each turn of the loop is busy, and with what */
	uint64_t next_id;
	bool stopping;
	uv_signal_t sigterm, sigint, sighup;
	uv_timer_t stop_timer;
	/* WAL checkpoints run on the thread pool with their own connection, one at a time. */
	uv_timer_t ckpt_timer;
	uv_work_t ckpt_work;
	struct store *ckpt_store;
	bool ckpt_running;
	int ckpt_rc;
	/* The stdin that exec commands hold, all sessions together ([limits] stdin_budget), and
	 * the timer that ends the waits in its line ([limits] stdin_wait). */
	struct budget stdin_budget;
	uv_timer_t stdin_timer;
	/* Refused connections: a few logged each second, the rest counted (server_log_refused). */
	uint64_t refused_window_ms;
	unsigned refused_logged, refused_unlogged;
};

/* Admission of a new connection from addr ("1.2.3.4", no port) into sc (zeroed by the caller,
 * evict set). 0, or -EAGAIN (stopping, or too many connections logging in overall: refused
 * or dropped early, as OpenSSH's MaxStartups) or -EMFILE (too many logging in from this
 * address, none of them evictable), with *why set. When the address is at its limit, its
 * oldest connection that is silent, stuck in key exchange (for 10 s) or has failed a login is
 * evicted to make room. On 0 the caller must call server_conn_release. */
int server_conn_admit(struct server *srv, struct server_conn *sc, const char *addr,
		      const struct server_why **why);
/* The connection moved on (it spoke, finished the key exchange, failed a login). */
void server_conn_stage(struct server *srv, struct server_conn *sc, enum server_conn_stage stage);
/* May account log in on this connection now (max_sessions, max_sessions_per_account)? 0, or
 * -EUSERS / -EDQUOT with *why set. */
int server_login_check(struct server *srv, const char *account, const struct server_why **why);
/* The connection has logged in as account: it stops counting as logging in. */
void server_conn_login(struct server *srv, struct server_conn *sc, const char *account);
/* The connection is gone (any stage); nothing when it was not admitted. */
void server_conn_release(struct server *srv, struct server_conn *sc);
/* Is addr on [auth] trusted_networks? */
bool server_addr_trusted(const struct server *srv, const char *addr);
/* Loop time in ms, as addrlimit counts it. */
int64_t server_now_ms(const struct server *srv);

/* Logs "TRANSPORT connection from PEER refused: WHY". A flood of refusals must not flood the
 * log: past SERVER_REFUSED_LOG_BURST lines in a second the rest are only counted, and the count
 * is logged in one line with the next second's first refusal (or at shutdown). */
#define SERVER_REFUSED_LOG_BURST 10
void server_log_refused(struct server *srv, const char *id, const char *transport,
			const char *peer, const char *why);
/* A new session id ("s" + 6 hex digits of a counter + 4 random hex), into out. */
void server_new_id(struct server *srv, char out[16]);
/* Splits "host:port" / "[v6]:port" peer text into the address part. */
void server_peer_addr(const char *peer, char out[64]);

/* Registers / unregisters a live session (session.c calls these). */
void server_session_add(struct server *srv, struct session *s);
void server_session_remove(struct server *srv, struct session *s);

/* Exec stdin under the service-wide budget: a session claims what its command may keep
 * (c is embedded in the session). BUDGET_GRANTED: now. BUDGET_WAITING: the claim waits in
 * line, and the session is told later, session_stdin_granted or (after [limits] stdin_wait
 * seconds) session_stdin_expired. BUDGET_REFUSED: the line is full ([limits] stdin_waiting).
 * Release once the command is done (or the session gone): that also grants the claims
 * waiting behind. */
enum budget_answer server_stdin_claim(struct server *srv, struct budget_claim *c, size_t want);
void server_stdin_release(struct server *srv, struct budget_claim *c);

/* Re-reads the config file (listen addresses are not changed) and the catalogs. 0 or -1
 * (logged; the running configuration and catalogs are kept). */
int server_reload(struct server *srv);
/* Graceful stop: listeners stop accepting, every session gets a notice and is closed. */
void server_shutdown(struct server *srv);

/* Runs the service until it is stopped. Returns the process exit status. */
int server_run(const char *config_path, const char *state_dir_override, const char *ssh_listen,
	       const char *telnet_listen);

#endif
