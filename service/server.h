/* server — the daemon's shared state on the one loop: config, the writing store, the
 * listeners, the live sessions and the per-address connection and failure counts.
 * Loop thread only. */
#ifndef PROPDESK_SERVER_H
#define PROPDESK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "budget.h"
#include "config.h"
#include "loopwatch.h"

struct store;
struct session;
struct sshsrv;
struct telnetsrv;
struct auth;
struct catalog;

/* Per remote address (without port): open connections and recent failed logins. */
struct server_addr {
	struct server_addr *next;
	char addr[64];
	int conns;
	int failures;          /* failed logins since the last success or expiry */
	uint64_t last_failure_ms;  /* loop time of the last failure */
	uint64_t refused_until_ms; /* loop time until which new connections are refused */
};

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
	size_t nconns;          /* accepted connections, before and after login */
	struct server_addr *addrs;
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

/* Admission of a new connection from addr ("1.2.3.4", no port). 0, or -EAGAIN (too many
 * connections overall), -EMFILE (too many from this address), -EACCES (this address is
 * refused for a while after too many failed logins). On 0 the caller must call
 * server_conn_release once when the connection ends. */
int server_conn_admit(struct server *srv, const char *addr);
void server_conn_release(struct server *srv, const char *addr);
/* A failed / successful login from addr: counts towards refusing the address. */
void server_addr_failed(struct server *srv, const char *addr);
void server_addr_succeeded(struct server *srv, const char *addr);
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
