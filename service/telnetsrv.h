/* telnetsrv — the telnet listener (off unless configured): libtelnet over uv_tcp, negotiates
 * ECHO, SGA, NAWS, TTYPE and BINARY, asks for user name and password (checked through auth on the
 * thread pool), then hands the connection to a session as an interactive terminal.
 * Loop thread only. */
#ifndef PROPDESK_TELNETSRV_H
#define PROPDESK_TELNETSRV_H

#include <stdbool.h>
#include <stddef.h>

struct server;
struct telnetsrv;
struct buf;

/* Listens on addr:port; warns in the log when addr is not loopback. 0 or < 0 (logged). */
int telnetsrv_start(struct server *srv, const char *addr, int port, struct telnetsrv **out);
/* Stops accepting, tells and closes every connection, then closes its handles and frees itself
 * when everything is closed. */
void telnetsrv_shutdown(struct telnetsrv *t);
int telnetsrv_connections(const struct telnetsrv *t);

/* The two socket-free layers of a connection, used by the listener and by the unit tests and
 * the fuzzer. Any thread, one object per connection; strings passed in are copied. */

/* The telnet protocol (libtelnet): bytes from the socket in, decoded data, window size and
 * terminal type out; bytes for the socket through ops->send. */
struct telnetsrv_proto;
struct telnetsrv_proto_ops {
	void (*send)(void *arg, const char *data, size_t len); /* bytes for the socket */
	void (*data)(void *arg, const char *data, size_t len); /* the user's input */
	void (*resize)(void *arg, int cols, int rows);         /* NAWS */
	void (*error)(void *arg, const char *msg);             /* protocol error: close */
};
/* Sends the opening negotiation (WILL ECHO, WILL SGA, DO SGA, DO NAWS, DO TTYPE, and BINARY
 * both ways for UTF-8) through ops->send before returning. Out of memory aborts. */
struct telnetsrv_proto *telnetsrv_proto_new(const struct telnetsrv_proto_ops *ops, void *arg);
void telnetsrv_proto_free(struct telnetsrv_proto *p);
void telnetsrv_proto_recv(struct telnetsrv_proto *p, const char *data, size_t len);
/* Sends application bytes (0xFF escaped as IAC IAC). */
void telnetsrv_proto_send(struct telnetsrv_proto *p, const char *data, size_t len);
/* The first terminal type the client reported (lower case), or NULL. Borrowed. */
const char *telnetsrv_proto_term(const struct telnetsrv_proto *p);
/* The window size from NAWS, or 0 when the client has not told. */
void telnetsrv_proto_size(const struct telnetsrv_proto *p, int *cols, int *rows);

/* The login prompts: user name (echoed) then password (secret), both through a lineedit. */
struct telnetsrv_login;
enum telnetsrv_login_event {
	TELNETSRV_LOGIN_MORE = 0, /* all input consumed, nothing to do yet */
	TELNETSRV_LOGIN_READY,    /* user and password are set: check them */
	TELNETSRV_LOGIN_QUIT,     /* the user pressed Ctrl-D on an empty prompt */
};
/* max_tries: failed logins allowed on this connection. Out of memory aborts. */
struct telnetsrv_login *telnetsrv_login_new(int cols, int max_tries);
/* Wipes the password. NULL does nothing. */
void telnetsrv_login_free(struct telnetsrv_login *l);
void telnetsrv_login_set_width(struct telnetsrv_login *l, int cols);
/* Draws the user-name prompt into out. */
void telnetsrv_login_start(struct telnetsrv_login *l, struct buf *out);
/* Feeds the user's input; stops at the first event other than MORE, *used tells how much was
 * consumed. Screen output goes to out. */
enum telnetsrv_login_event telnetsrv_login_feed(struct telnetsrv_login *l, const char *in,
						size_t len, size_t *used, struct buf *out);
/* After READY: the user name and password (borrowed, until the next feed or wipe). */
const char *telnetsrv_login_user(const struct telnetsrv_login *l);
const char *telnetsrv_login_password(const struct telnetsrv_login *l);
/* Forgets the password (wiped). */
void telnetsrv_login_wipe(struct telnetsrv_login *l);
/* The check failed: prints "login incorrect" into out, then either prompts again (true) or,
 * after max_tries failures, returns false (the caller closes the connection). */
bool telnetsrv_login_failed(struct telnetsrv_login *l, struct buf *out);

#endif
