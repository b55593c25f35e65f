/* net_host — what the transports (sshsrv, telnetsrv) are given by the server that starts them,
 * instead of reaching into it: the loop, the running configuration, auth, the sessions' host,
 * and the admission of connections (per address and overall, as OpenSSH's MaxStartups), the
 * log of refusals and new session ids, as callbacks. Also the connection as it is counted
 * (struct net_conn, embedded in each transport's own) and why one is refused (struct net_why),
 * which auth uses too. Loop thread only. */
#ifndef PROPDESK_NET_HOST_H
#define PROPDESK_NET_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "addrlimit.h"

struct auth;
struct config;
struct session_host;
struct uv_loop_s;

/* Where an accepted connection stands. Until NET_CONN_LOGGED_IN it counts as logging in
 * (as OpenSSH's MaxStartups), per address and overall; which may make room for a newer one is
 * addrlimit's rule (addrlimit_evictable). */
enum net_conn_stage {
	NET_CONN_SILENT = ADDRLIMIT_SILENT, /* nothing received yet */
	NET_CONN_KEX = ADDRLIMIT_KEX,       /* the client spoke; SSH key exchange not done */
	NET_CONN_FAILED = ADDRLIMIT_FAILED, /* logging in, after a failed attempt */
	NET_CONN_AUTH = ADDRLIMIT_AUTH,     /* logging in (a person may be typing a password) */
	NET_CONN_LOGGED_IN = ADDRLIMIT_LOGGED_IN,
};

/* Why a connection or login is refused: one line for the client (English first, then
 * Chinese, for telnet), and the English alone (for SSH, whose client shows only ASCII). */
struct net_why {
	const char *en;
	const char *both;
};

/* One accepted connection as the host counts it, embedded in the transport's own struct
 * (sshsrv, telnetsrv). The host links it while admitted; the transport owns the memory. */
struct net_conn {
	struct net_conn *prev, *next;
	char addr[64];
	enum net_conn_stage stage;
	uint64_t stage_ms;   /* loop time it entered its stage */
	bool trusted;        /* from [auth] trusted_networks */
	bool admitted;       /* linked and counted: release is owed */
	bool evicted;        /* told to make room (evict called once) */
	char *account;       /* once logged in (owned) */
	/* The host needs this connection's place for a newer one from the same address: close
	 * it soon (the client may be told why) and return true; the transport still calls
	 * release later. A NET_CONN_SILENT one whose client's first bytes wait unread has spoken
	 * after all: the transport moves it on (stage) and returns false. Never called inside
	 * the transport's own calls into the host. */
	bool (*evict)(struct net_conn *sc, const struct net_why *why);
};

/* Set up by the server before it starts a transport, and outliving it. */
struct net_host {
	struct uv_loop_s *loop;
	const struct config *cfg;             /* the running configuration (reloads in place) */
	struct auth *auth;
	const struct session_host *sessions;  /* for session_new */
	void *arg;                            /* the callbacks' first argument */
	/* Admission of a new connection from addr ("1.2.3.4", no port) into sc (zeroed by the
	 * caller, evict set). 0, or -EAGAIN (stopping, or too many connections logging in
	 * overall: refused or dropped early) or -EMFILE (too many logging in from this address,
	 * none of them evictable), with *why set. When the address is at its limit, its oldest
	 * connection that is silent, stuck in key exchange (for 10 s) or has failed a login is
	 * evicted to make room. On 0 the caller must call release. */
	int (*admit)(void *arg, struct net_conn *sc, const char *addr, const struct net_why **why);
	/* The connection moved on (it spoke, finished the key exchange, failed a login). */
	void (*stage)(void *arg, struct net_conn *sc, enum net_conn_stage stage);
	/* The connection has logged in as account: it stops counting as logging in. */
	void (*login)(void *arg, struct net_conn *sc, const char *account);
	/* The connection is gone (any stage); nothing when it was not admitted. */
	void (*release)(void *arg, struct net_conn *sc);
	/* Logs "TRANSPORT connection from PEER refused: WHY", a few each second (the rest are
	 * counted and logged in one line). */
	void (*log_refused)(void *arg, const char *id, const char *transport, const char *peer,
			    const char *why);
	/* A new session id ("s" + 6 hex digits of a counter + 4 random hex), into out. */
	void (*new_id)(void *arg, char out[16]);
	/* The transport has freed itself (after its shutdown). */
	void (*gone)(void *arg, const void *transport);
};

#endif
