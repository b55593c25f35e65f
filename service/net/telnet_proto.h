/* telnet_proto — the telnet protocol of one connection (libtelnet), without a socket: bytes from
 * the socket in, decoded data, window size and terminal type out; bytes for the socket through
 * ops->send. Used by the listener (telnetsrv), the unit tests and the fuzzer. Any thread, one
 * object per connection. */
#ifndef PROPDESK_TELNET_PROTO_H
#define PROPDESK_TELNET_PROTO_H

#include <stddef.h>

struct telnet_proto;
struct telnet_proto_ops {
	void (*send)(void *arg, const char *data, size_t len); /* bytes for the socket */
	void (*data)(void *arg, const char *data, size_t len); /* the user's input */
	void (*resize)(void *arg, int cols, int rows);         /* NAWS */
	void (*error)(void *arg, const char *msg);             /* protocol error: close */
};
/* Sends the opening negotiation (WILL ECHO, WILL SGA, DO SGA, DO NAWS, DO TTYPE, and BINARY
 * both ways for UTF-8) through ops->send before returning. Out of memory aborts. */
struct telnet_proto *telnet_proto_new(const struct telnet_proto_ops *ops, void *arg);
void telnet_proto_free(struct telnet_proto *p);
void telnet_proto_recv(struct telnet_proto *p, const char *data, size_t len);
/* Sends application bytes (0xFF escaped as IAC IAC). */
void telnet_proto_send(struct telnet_proto *p, const char *data, size_t len);
/* The first terminal type the client reported (lower case), or NULL. Borrowed. */
const char *telnet_proto_term(const struct telnet_proto *p);
/* The window size from NAWS, or 0 when the client has not told. */
void telnet_proto_size(const struct telnet_proto *p, int *cols, int *rows);

#endif
