/* telnetsrv — the telnet listener (off unless configured): libtelnet over uv_tcp, negotiates
 * ECHO, SGA, NAWS, TTYPE and BINARY, asks for user name and password (checked through auth on the
 * thread pool), then hands the connection to a session as an interactive terminal.
 * Loop thread only. */
#ifndef PROPDESK_TELNETSRV_H
#define PROPDESK_TELNETSRV_H

struct net_host;
struct telnetsrv;

/* host (the server's: admission, auth, sessions) outlives the listener.
 * Listens on addr:port; warns in the log when addr is not loopback. 0 or < 0 (logged). */
int telnetsrv_start(const struct net_host *host, const char *addr, int port,
		    struct telnetsrv **out);
/* Stops accepting, tells and closes every connection, then closes its handles and frees itself
 * when everything is closed. */
void telnetsrv_shutdown(struct telnetsrv *t);
int telnetsrv_connections(const struct telnetsrv *t);

#endif
