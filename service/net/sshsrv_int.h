/* sshsrv_int — inside the SSH listener: the connection and listener structs, and what the
 * files call of each other, each only downwards: sshsrv.c (the listener: accepting,
 * refusing, the host key) -> sshsrv_conn.c (a connection: its life cycle, authentication,
 * the drive) -> sshsrv_chan.c (the channel's callbacks). Not for callers of sshsrv.h. Loop
 * thread only. */
#ifndef PROPDESK_SSHSRV_INT_H
#define PROPDESK_SSHSRV_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <uv.h>

#include "net_host.h"
#include "sshsrv.h"
#include "store_account.h"

/* Failed authentication attempts (passwords, keys, probes of unknown keys) on one connection
 * before it is dropped, as OpenSSH's MaxAuthTries. */
#define SSHSRV_MAX_AUTH_FAILURES 6
/* Messages kept while a password check runs; a client that sends more is dropped. */
#define SSHSRV_MAX_PARKED 8
/* Bytes written to one connection per drive, so one fast reader cannot hold the loop. */
#define SSHSRV_WRITE_BUDGET (256 * 1024)
/* Output is copied into a scratch buffer of this size before each ssh_channel_write: the write
 * may run callbacks that append to (and so move) the session's output buffer. */
#define SSHSRV_WRITE_CHUNK (64 * 1024)
/* Connections accepted per listener event. */
#define SSHSRV_ACCEPT_BURST 64
/* After EMFILE and the like, the listener pauses this long instead of spinning. */
#define SSHSRV_ACCEPT_RETRY_MS 100
/* After our channel close: how long to wait for the client's close. */
#define SSHSRV_LINGER_MS 1000
/* While closing: how long output may make no progress before the connection is dropped. */
#define SSHSRV_FLUSH_STALL_MS 15000
/* A refused connection is told why, then kept (reading and dropping what the client sends)
 * until the client closes or this long, so that closing does not reset the reason away
 * before the client reads it; at most this many at once (the rest are closed at once). A
 * session's connection ends the same way (sshsrv->linger). */
#define SSHSRV_REFUSED_LINGER_MS 2000
#define SSHSRV_STOP_LINGER_MS 1000 /* the same while the service stops */
#define SSHSRV_REFUSED_LINGER_MAX 64
/* sshsrv_shutdown closes every connection within this time. */
#define SSHSRV_SHUTDOWN_MS 1000
#define SSHSRV_MAX_EXEC 16384
#define SSHSRV_MAX_USER 128

enum sshsrv_phase {
	SSHSRV_KEX,
	SSHSRV_AUTH,
	SSHSRV_OPEN,
};

struct sshsrv_conn {
	struct net_conn sc;           /* as the server counts it (admission, limits) */
	struct sshsrv_conn *prev, *next; /* the listener's live connections */
	struct sshsrv_conn *kick_next;   /* the listener's kick queue */
	struct sshsrv *owner;
	char id[16];
	char peer[80]; /* "addr:port" / "[v6]:port" */
	char addr[64];
	uint64_t started_ms; /* loop time */
	ssh_session ssh;
	int fd;
	uv_poll_t poll;
	uv_timer_t timer;    /* auth timeout, idle timeout, flush stall or linger */
	uv_timer_t ka_timer; /* keepalive */
	int handles;         /* libuv handles not yet closed */
	int events;          /* the poll mask armed now */
	enum sshsrv_phase phase;
	int busy;  /* drives and callbacks running on this connection */
	bool dead; /* tear down when busy drops to 0 */
	bool torn; /* torn down; waiting for the close callbacks */
	bool kick_queued;
	bool kicked;   /* something happened during a drive: run the work again */
	char why[160]; /* the first reason the connection ends */
	struct ssh_counter_struct scount, rcount;
	bool ident_checked; /* the client's first bytes were seen to start "SSH-" */
	bool quiet;         /* evicted: logged (or counted) by the host, not at teardown */
	struct ssh_server_callbacks_struct scb;
	struct ssh_channel_callbacks_struct ccb;

	/* authentication */
	struct auth_req *areq; /* password check in flight */
	ssh_message amsg;      /* its message, answered when the check is done */
	ssh_message parked[SSHSRV_MAX_PARKED];
	int nparked;
	int failures;
	struct account acct; /* once authenticated */
	bool authenticated;

	/* the channel */
	ssh_channel chan;
	bool pty;
	char term[64];
	int cols, rows;
	char lang[64], lc_all[64];
	bool start_req; /* shell or exec accepted, the session not created yet */
	char *exec;
	struct session *sess;
	size_t in_left; /* client input left in libssh's channel buffer */
	char *held;     /* input taken from libssh that the session has not taken yet */
	size_t held_len, held_off;
	bool eof_in, eof_done;
	bool remote_closed;
	bool write_refused; /* the window was closed (or a rekey ran) at the last write */
	bool want_keepalive;
	uint64_t last_input_ms;

	/* closing */
	bool closing;
	int exit_status; /* < 0: none to send */
	bool exit_sent;
	bool close_sent;
};

/* A refused connection, lingering briefly after its reason was written. */
struct sshsrv_refused {
	struct sshsrv_refused *prev, *next;
	struct sshsrv *owner;
	int fd;
	uv_poll_t poll;
	uv_timer_t timer;
	int handles;
	bool closing;
};

struct sshsrv {
	const struct net_host *host;
	ssh_bind bind;
	bool compression; /* offer zlib@openssh.com to clients */
	int lfd;
	uv_poll_t lpoll;
	uv_timer_t retry_timer;
	uv_timer_t stop_timer;
	uv_idle_t kick_idle;
	int handles; /* own libuv handles not yet closed */
	bool stopping;
	bool finishing;
	struct sshsrv_conn *conns;
	int nconns; /* live (not torn down) connections */
	int nalloc; /* connection (and refused) structs not yet freed */
	struct sshsrv_refused *refused;
	int nrefused;
	struct sshsrv_conn *kick_head, *kick_tail;
	/* sshsrv.c: closes the listener's own handles once it is stopping and the last
	 * connection is freed (the connections' side calls it, never naming it). */
	void (*finish)(struct sshsrv *s);
	/* Keeps fd, half-closed, reading and dropping what the client sends, until the client
	 * closes or SSHSRV_REFUSED_LINGER_MS (at most SSHSRV_REFUSED_LINGER_MAX at once; the rest
	 * are closed at once), then closes it: so that what was sent last is never reset away
	 * before the client reads it. Takes fd. */
	void (*linger)(struct sshsrv *s, int fd);
};

/* The loop's time in ms. */
static inline uint64_t sshsrv_conn_now(const struct sshsrv_conn *c)
{
	return uv_now(c->owner->host->loop);
}

/* sshsrv_conn.c: a connection's life cycle, its authentication and its drive. */
uint64_t sshsrv_conn_auth_timeout_ms(const struct net_limits *cfg);
void sshsrv_conn_begin_close(struct sshsrv_conn *c, int status);
void sshsrv_conn_drive(struct sshsrv_conn *c);
void sshsrv_conn_enter(struct sshsrv_conn *c);
void sshsrv_conn_fail(struct sshsrv_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sshsrv_conn_kick(struct sshsrv_conn *c);
void sshsrv_conn_leave(struct sshsrv_conn *c);
void sshsrv_conn_pump(struct sshsrv_conn *c);
void sshsrv_conn_teardown(struct sshsrv_conn *c);
void sshsrv_conn_timer_cb(uv_timer_t *t);

/* sshsrv_chan.c: the channel's callbacks (they record what happened; the drive does the
 * work). */
ssh_channel sshsrv_chan_open_cb(ssh_session ssh, void *ud);

#endif
