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
#include "monitor.h"
#include "net_host.h"
#include "session.h"

struct store;
struct session;
struct sshsrv;
struct telnetsrv;
struct auth;
struct catalog;

extern const struct net_why server_why_busy;     /* max_startups (early drop) */
extern const struct net_why server_why_per_addr; /* max_startups_per_address */
extern const struct net_why server_why_stopping;
extern const struct net_why server_why_evicted;  /* closed to make room */
extern const struct net_why server_why_full;     /* max_sessions */
extern const struct net_why server_why_account;  /* max_sessions_per_account */

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
	/* What the server gives the transports and the sessions (set up before they start). */
	struct net_host net;
	struct net_limits net_limits; /* from cfg, at start and on each reload */
	struct session_host session_host;
	struct session *sessions; /* live sessions (doubly linked through session fields) */
	size_t nsessions;
	struct net_conn *conns; /* admitted connections, before and after login */
	size_t nconns;
	size_t nlogged;         /* of them logged in */
	/* Connections logging in per address, failed-login locks of (account, address) pairs
	 * and address penalties: in memory, kept across reloads (addrlimit.h). */
	struct addrlimit *limits;
	uv_timer_t limits_timer; /* forgets what has run out */
	uv_timer_t idle_timer;   /* warns idle sessions before idle_timeout logs them out */
	struct loopwatch watch; /* how long each turn of the loop is busy, and with what */
	struct monitor monitor; /* live sessions' taps and the watches between them */
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
	/* The audit log's sealer on the writing connection (store_seal.h): its key state file,
	 * and the timer that seals at least every [audit] seal_interval. */
	char *seal_path;
	bool sealing;
	uv_timer_t seal_timer;
	/* Recordings past [record] keep_days are deleted daily (retention.h); NULL: kept. */
	struct retention *retention;
	/* The stdin that exec commands hold, all sessions together ([limits] stdin_budget), and
	 * the timer that ends the waits in its line ([limits] stdin_wait). */
	struct budget stdin_budget;
	uv_timer_t stdin_timer;
	/* Refused connections: a few logged each second, the rest counted (log_refused). */
	uint64_t refused_window_ms;
	unsigned refused_logged, refused_unlogged;
};

/* Logs a refused connection at most SERVER_REFUSED_LOG_BURST times a second; the rest are
 * only counted, and the count is logged in one line with the next second's first refusal (or
 * at shutdown). */
#define SERVER_REFUSED_LOG_BURST 10

/* Re-reads the config file (listen addresses are not changed) and the catalogs. 0 or -1
 * (logged; the running configuration and catalogs are kept). */
int server_reload(struct server *srv);
/* Graceful stop: listeners stop accepting, every session gets a notice and is closed. */
void server_shutdown(struct server *srv);

/* Runs the service until it is stopped. Returns the process exit status. */
int server_run(const char *config_path, const char *state_dir_override, const char *ssh_listen,
	       const char *telnet_listen);

#endif
