/* net_host — what the transports (sshsrv, telnetsrv) are given by the server that starts them,
 * instead of reaching into it: the loop, the settings they follow, the login checks (auth),
 * the sessions' functions and host, and as callbacks the admission of connections (per
 * address and overall, as OpenSSH's MaxStartups), the log of refusals and new session ids.
 * Also the connection as it is counted (struct net_conn, embedded in each transport's own)
 * and why one is refused (struct net_why), which auth uses too. Loop thread only. */
#ifndef PROPDESK_NET_HOST_H
#define PROPDESK_NET_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addrlimit.h"

struct account;
struct audit_ctx;
struct auth;
struct auth_req;
struct session;
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

/* --- logins (auth.c answers them) --------------------------------------------------------- */

enum net_auth_result {
	NET_AUTH_OK = 0,
	NET_AUTH_FAIL = 1,    /* wrong user or password/key */
	NET_AUTH_LOCKED = 2,  /* account locked by an admin, or this (account, address) pair
			       * locked out after failures: why says which */
	NET_AUTH_REFUSED = 3, /* not let in now, whatever the password: the address's password
			       * logins are banned, too many checks wait, or no session is free */
	NET_AUTH_ERROR = -1,  /* internal failure (logged) */
};

/* acct: on NET_AUTH_OK the account (the callee may take its strings; auth clears what is left
 * after the call); NULL otherwise. why: for NET_AUTH_LOCKED and NET_AUTH_REFUSED, else NULL. */
typedef void (*net_auth_cb)(void *arg, enum net_auth_result r, struct account *acct,
			    const struct net_why *why);

/* --- sessions (session.c) ------------------------------------------------------------------ */

struct net_session_ops {
	/* Output is waiting (session_output): write it when the client can take it. */
	void (*kick)(void *transport);
	/* The shell has ended with this exit status: flush the output, send the status (exec),
	 * close the channel/connection. The transport still calls session_detach afterwards. */
	void (*close)(void *transport, int status);
};

struct net_session_params {
	const char *id;        /* session id (net_host new_id) */
	const char *transport; /* "ssh" / "telnet" */
	const char *peer;      /* "addr:port" */
	const char *env_lang;  /* client LANG or NULL */
	const char *term;      /* TERM or NULL */
	int cols, rows;
	bool pty;              /* a terminal was requested (line editing, colour, CRLF) */
	const char *exec;      /* exec command or NULL for a shell */
	const struct account *account; /* copied */
	const struct net_session_ops *ops;
	void *transport_ctx;
};

/* What a transport does with its session (session.h says what each does). */
struct net_session_fns {
	struct session *(*create)(const struct session_host *host,
				  const struct net_session_params *p);
	void (*start)(struct session *s);
	size_t (*input)(struct session *s, const char *buf, size_t len);
	void (*eof)(struct session *s);
	void (*resize)(struct session *s, int cols, int rows);
	const char *(*output)(struct session *s, int stream, size_t *len);
	void (*output_consume)(struct session *s, int stream, size_t n);
	size_t (*output_pending)(const struct session *s);
	bool (*can_take_input)(const struct session *s);
	bool (*ended)(const struct session *s);
	void (*notice)(struct session *s, const char *from, const char *text);
	void (*detach)(struct session *s);
};

/* The settings the transports follow, kept by the server in step with the running
 * configuration (a reload changes them for new connections and timers). */
struct net_limits {
	int auth_timeout_s;       /* [limits] auth_timeout: seconds to log in */
	size_t preauth_input_max; /* [limits] preauth_input_max: bytes before login */
	size_t output_hwm;        /* [limits] output_high_water: bytes queued per session */
	int idle_timeout_s;       /* [limits] idle_timeout, 0 = none */
	int keepalive_s;          /* [limits] keepalive interval, 0 = none */
};

/* Set up by the server before it starts a transport, and outliving it. */
struct net_host {
	struct uv_loop_s *loop;
	const struct net_limits *limits;
	/* Logins: auth.h says what each does. */
	struct auth *auth;
	struct auth_req *(*auth_password)(struct auth *a, const struct audit_ctx *ctx,
					  struct net_conn *sc, const char *user,
					  const char *password, net_auth_cb cb, void *arg);
	void (*auth_cancel)(struct auth_req *r);
	enum net_auth_result (*auth_pubkey)(struct auth *a, const struct audit_ctx *ctx,
					    const struct net_conn *sc, const char *user,
					    const char *keytype, const char *blob, bool final,
					    struct account *acct, const struct net_why **why);
	/* Sessions: created with session_host. */
	const struct net_session_fns *session;
	const struct session_host *session_host;
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
