/* sshsrv — the SSH listener: libssh in non-blocking server mode, each connection's socket
 * driven by a uv_poll on the server's loop (see SSH-ON-LIBUV notes in the design). Handles
 * key exchange, password (checked on the thread pool through auth) and public-key
 * authentication, pty-req, window-change, env LANG, shell and exec (stdin, exit status),
 * keepalives, and hands the channel to a session. Loop thread only. */
#ifndef PROPDESK_SSHSRV_H
#define PROPDESK_SSHSRV_H

struct net_host;
struct sshsrv;

/* host (the server's: admission, auth, sessions) outlives the listener.
 * Loads the host key from hostkey_path, creating an ed25519 key (mode 0600) when missing, and
 * listens on addr:port. 0 or < 0 (logged). */
int sshsrv_start(const struct net_host *host, const char *addr, int port,
		 const char *hostkey_path, struct sshsrv **out);
/* Stops accepting, tells every connection, flushes briefly and closes them all, then closes its
 * own handles; the listener frees itself when everything is closed. */
void sshsrv_shutdown(struct sshsrv *s);
/* Number of open connections (authenticated or not). */
int sshsrv_connections(const struct sshsrv *s);

#endif
