/* sshsrv — the SSH listener: libssh in non-blocking server mode, each connection's socket
 * driven by a uv_poll on the server's loop (see SSH-ON-LIBUV notes in the design). Handles
 * key exchange, password (checked on the thread pool through auth) and public-key
 * authentication, pty-req, window-change, env LANG, shell and exec (stdin, exit status),
 * keepalives, and hands the channel to a session. Loop thread only. */
#ifndef PROPDESK_SSHSRV_H
#define PROPDESK_SSHSRV_H

#include <stdbool.h>

struct net_host;
struct sshsrv;

/* Where and how the listener serves (strings borrowed during sshsrv_start). */
struct sshsrv_opts {
	const char *addr;
	int port;
	const char *hostkey_path;
	/* Algorithms offered, comma-separated as in OpenSSH (NULL: the library's defaults). */
	const char *kex, *ciphers, *macs;
	bool compression; /* offer zlib@openssh.com */
};

/* The identification string sent to clients: the protocol and a neutral name, no library
 * or version. */
#define SSHSRV_BANNER "propdesk"

/* host (the server's: admission, auth, sessions) outlives the listener.
 * Loads the host key from opts->hostkey_path, creating an ed25519 key (mode 0600) when
 * missing, and listens on opts->addr:port. 0 or < 0 (logged: an unknown algorithm names the
 * setting). */
int sshsrv_start(const struct net_host *host, const struct sshsrv_opts *opts,
		 struct sshsrv **out);
/* Stops accepting, tells every connection, flushes briefly and closes them all, then closes its
 * own handles; the listener frees itself when everything is closed. */
void sshsrv_shutdown(struct sshsrv *s);
/* Number of open connections (authenticated or not). */
int sshsrv_connections(const struct sshsrv *s);

#endif
