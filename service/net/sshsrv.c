/* sshsrv — the SSH listener: libssh in non-blocking server mode, each connection's socket driven
 * by a uv_poll on the server's loop (the recipe in SSH-ON-LIBUV.md).
 *
 * One connection goes through three phases. Key exchange: ssh_handle_key_exchange per event.
 * Authentication: no server callbacks are registered yet, so libssh queues the authentication
 * messages for us; each is taken with ssh_message_get, a password message is kept while auth
 * checks it on the thread pool (further messages are parked), a public key is checked at once.
 * Open: the server callbacks (channel open) and channel callbacks are set, and each event pumps
 * with ssh_execute_message_callbacks. Callbacks only record what happened; the work (starting
 * the session, input the session could not take yet, output, closing) is done after the pump,
 * in one "drive" per event. A busy counter defers teardown until the outermost drive ends.
 *
 * This file is the listener: accepting, refusing with a reason, the host key, start and
 * shutdown. A connection (its life cycle, authentication and drive) is sshsrv_conn.c, the
 * channel's callbacks sshsrv_chan.c, and what they share sshsrv_int.h. */
#include "sshsrv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <uv.h>

#include "log.h"
#include "sshsrv_int.h"
#include "store.h"

static void sshsrv_maybe_finish(struct sshsrv *s);
static void sshsrv_linger(struct sshsrv *s, int fd);

/* ---- accepting ---------------------------------------------------------------------------- */

static void sshsrv_format_peer(const struct sockaddr_storage *ss, char peer[80], char addr[64])
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
		snprintf(peer, 80, "%s:%d", host, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		port = ntohs(in6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof host);
			snprintf(peer, 80, "%s:%d", host, port);
		} else {
			inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
			snprintf(peer, 80, "[%s]:%d", host, port);
		}
	} else {
		snprintf(peer, 80, "unknown:0");
	}
	addrlimit_peer_addr(peer, addr);
}

/* ---- refusing with a reason ------------------------------------------------------------ */

static void sshsrv_refused_close_cb(uv_handle_t *h)
{
	struct sshsrv_refused *r = h->data;
	struct sshsrv *s = r->owner;

	if (--r->handles > 0)
		return;
	close(r->fd);
	free(r);
	s->nalloc--;
	sshsrv_maybe_finish(s);
}

static void sshsrv_refused_close(struct sshsrv_refused *r)
{
	struct sshsrv *s = r->owner;

	if (r->closing)
		return;
	r->closing = true;
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		s->refused = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	s->nrefused--;
	uv_close((uv_handle_t *)&r->poll, sshsrv_refused_close_cb);
	uv_close((uv_handle_t *)&r->timer, sshsrv_refused_close_cb);
}

static void sshsrv_refused_poll_cb(uv_poll_t *h, int status, int events)
{
	struct sshsrv_refused *r = h->data;
	char junk[4096];
	ssize_t n;

	(void)events;
	if (status < 0) {
		sshsrv_refused_close(r);
		return;
	}
	do
		n = recv(r->fd, junk, sizeof junk, MSG_DONTWAIT);
	while (n > 0);
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		sshsrv_refused_close(r);
}

static void sshsrv_refused_timer_cb(uv_timer_t *t)
{
	sshsrv_refused_close(t->data);
}

/* Puts a uint32 in network order. */
static void sshsrv_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Refuses the connection on fd with a reason the client shows: our identification line, then
 * an SSH_MSG_DISCONNECT packet in the clear (RFC 4253 11.1; before the key exchange there is
 * no cipher and no MAC, only the binary packet framing), which OpenSSH prints as "Received
 * disconnect from ...: too many ...". No key exchange is spent on it. Takes fd. */
static void sshsrv_refuse(struct sshsrv *s, int fd, const struct net_why *why)
{
	static const char ident[] = "SSH-2.0-propdesk\r\n";
	unsigned char pkt[512];
	size_t dlen = strlen(why->en), payload, pad, len;
	ssize_t w;

	if (dlen > 256)
		dlen = 256;
	/* byte SSH_MSG_DISCONNECT, uint32 reason, string description, string language */
	payload = 1 + 4 + 4 + dlen + 4;
	pad = 8 - (4 + 1 + payload) % 8;
	if (pad < 4)
		pad += 8;
	len = 4 + 1 + payload + pad;
	memcpy(pkt, ident, sizeof ident - 1);
	{
		unsigned char *p = pkt + sizeof ident - 1;

		sshsrv_put32(p, (uint32_t)(1 + payload + pad));
		p[4] = (unsigned char)pad;
		p[5] = 1; /* SSH_MSG_DISCONNECT */
		sshsrv_put32(p + 6, 12); /* SSH2_DISCONNECT_TOO_MANY_CONNECTIONS */
		sshsrv_put32(p + 10, (uint32_t)dlen);
		memcpy(p + 14, why->en, dlen);
		sshsrv_put32(p + 14 + dlen, 0); /* no language tag */
		memset(p + 18 + dlen, 0, pad);
	}
	len += sizeof ident - 1;
	w = send(fd, pkt, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	(void)w; /* a fresh socket's buffer takes half a kilobyte; if not, the client loses it */
	shutdown(fd, SHUT_WR);
	if (s->stopping) {
		close(fd);
		return;
	}
	sshsrv_linger(s, fd);
}

static void sshsrv_linger(struct sshsrv *s, int fd)
{
	struct sshsrv_refused *r;

	if (s->nrefused >= SSHSRV_REFUSED_LINGER_MAX || (r = calloc(1, sizeof *r)) == NULL) {
		close(fd);
		return;
	}
	r->owner = s;
	r->fd = fd;
	if (uv_poll_init(s->host->loop, &r->poll, fd) < 0) {
		free(r);
		close(fd);
		return;
	}
	uv_timer_init(s->host->loop, &r->timer);
	r->poll.data = r->timer.data = r;
	r->handles = 2;
	r->next = s->refused;
	if (s->refused != NULL)
		s->refused->prev = r;
	s->refused = r;
	s->nrefused++;
	s->nalloc++;
	uv_poll_start(&r->poll, UV_READABLE, sshsrv_refused_poll_cb);
	uv_timer_start(&r->timer, sshsrv_refused_timer_cb,
	               s->stopping ? SSHSRV_STOP_LINGER_MS : SSHSRV_REFUSED_LINGER_MS, 0);
}

/* The server wants this connection's place for a newer one from its address. */
static bool sshsrv_conn_evict_cb(struct net_conn *sc, const struct net_why *why)
{
	struct sshsrv_conn *c =
	    (struct sshsrv_conn *)(void *)((char *)sc - offsetof(struct sshsrv_conn, sc));
	char first;

	if (c->torn)
		return true;
	if (sc->stage == NET_CONN_SILENT && recv(c->fd, &first, 1, MSG_PEEK | MSG_DONTWAIT) > 0) {
		/* Its first bytes are here, not read yet: it has spoken. */
		c->owner->host->stage(c->owner->host->arg, sc, NET_CONN_KEX);
		sshsrv_conn_kick(c);
		return false;
	}
	c->owner->host->log_refused(c->owner->host->arg, c->id, "ssh", c->peer, why->en);
	if (c->phase != SSHSRV_KEX)
		ssh_session_set_disconnect_message(c->ssh, why->en);
	sshsrv_conn_fail(c, "evicted: %s", why->en);
	c->quiet = true;
	if (c->busy == 0)
		sshsrv_conn_teardown(c);
	return true;
}

static void sshsrv_conn_new(struct sshsrv *s, int fd, const struct sockaddr_storage *ss)
{
	const struct net_host *host = s->host;
	const struct net_why *why = NULL;
	struct sshsrv_conn *c;
	char id[16], peer[80], addr[64];
	int one = 1, rc;
	ssh_session ssh;
	const char *comp;

	host->new_id(host->arg, id);
	sshsrv_format_peer(ss, peer, addr);
	if (s->stopping) {
		close(fd);
		return;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		log_error(id, "ssh connection from %s dropped: out of memory", peer);
		close(fd);
		return;
	}
	c->sc.evict = sshsrv_conn_evict_cb;
	rc = host->admit(host->arg, &c->sc, addr, &why);
	if (rc < 0) {
		host->log_refused(host->arg, id, "ssh", peer, why->en);
		free(c);
		sshsrv_refuse(s, fd, why);
		return;
	}
	ssh = ssh_new();
	if (ssh == NULL) {
		log_error(id, "ssh connection from %s dropped: out of memory", peer);
		host->release(host->arg, &c->sc);
		free(c);
		close(fd);
		return;
	}
	if (ssh_bind_accept_fd(s->bind, ssh, fd) != SSH_OK) {
		log_error(id, "ssh connection from %s dropped: %s", peer, ssh_get_error(s->bind));
		/* Past a point libssh owns the fd and ssh_free closes it. */
		if (ssh_get_fd(ssh) != fd)
			close(fd);
		ssh_free(ssh);
		host->release(host->arg, &c->sc);
		free(c);
		return;
	}
	/* Compression is a session's own option (the bind has none), set before the key
	 * exchange starts: without it, no session keeps zlib state. */
	comp = s->compression ? "zlib@openssh.com,none" : "none";
	ssh_options_set(ssh, SSH_OPTIONS_COMPRESSION_C_S, comp);
	ssh_options_set(ssh, SSH_OPTIONS_COMPRESSION_S_C, comp);
	ssh_set_blocking(ssh, 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	/* Before the first key-exchange call: a userauth packet can come in the same read. No
	 * server callbacks yet, so that libssh queues the authentication messages for us. */
	ssh_set_auth_methods(ssh, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY);
	ssh_set_counters(ssh, &c->scount, &c->rcount);
	rc = uv_poll_init(host->loop, &c->poll, fd);
	if (rc < 0) {
		log_error(id, "ssh connection from %s dropped: %s", peer, uv_strerror(rc));
		ssh_free(ssh);
		host->release(host->arg, &c->sc);
		free(c);
		return;
	}
	c->owner = s;
	c->ssh = ssh;
	c->fd = fd;
	c->exit_status = -1;
	memcpy(c->id, id, sizeof c->id);
	memcpy(c->peer, peer, sizeof c->peer);
	memcpy(c->addr, addr, sizeof c->addr);
	c->started_ms = uv_now(host->loop);
	c->poll.data = c;
	uv_timer_init(host->loop, &c->timer);
	uv_timer_init(host->loop, &c->ka_timer);
	c->timer.data = c->ka_timer.data = c;
	c->handles = 3;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	s->nalloc++;
	uv_timer_start(&c->timer, sshsrv_conn_timer_cb, sshsrv_conn_auth_timeout_ms(host->limits), 0);
	/* The first drive sends our banner. */
	sshsrv_conn_drive(c);
}

static void sshsrv_accept_cb(uv_poll_t *h, int status, int events);

static void sshsrv_retry_cb(uv_timer_t *t)
{
	struct sshsrv *s = t->data;

	if (!s->stopping)
		uv_poll_start(&s->lpoll, UV_READABLE, sshsrv_accept_cb);
}

static void sshsrv_accept_cb(uv_poll_t *h, int status, int events)
{
	struct sshsrv *s = h->data;
	struct sockaddr_storage ss;
	socklen_t sl;
	int i, fd;

	(void)events;
	if (status < 0) {
		log_warn(NULL, "ssh listener: %s", uv_strerror(status));
		return;
	}
	for (i = 0; i < SSHSRV_ACCEPT_BURST && !s->stopping; i++) {
		sl = sizeof ss;
		memset(&ss, 0, sizeof ss);
		fd = accept4(s->lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* Out of descriptors or memory: the connection stays in the backlog and the
			 * poll would fire at once again; pause instead of spinning. */
			log_warn(NULL, "ssh accept: %s; pausing the listener", strerror(errno));
			uv_poll_stop(&s->lpoll);
			uv_timer_start(&s->retry_timer, sshsrv_retry_cb, SSHSRV_ACCEPT_RETRY_MS, 0);
			return;
		}
		sshsrv_conn_new(s, fd, &ss);
	}
}

/* ---- the host key ------------------------------------------------------------------------ */

static int sshsrv_hostkey_generate(const char *path)
{
	ssh_key key = NULL;
	size_t n = strlen(path) + 5;
	char *tmp = malloc(n);
	int fd, rc = -1;

	if (tmp == NULL)
		return -1;
	snprintf(tmp, n, "%s.tmp", path);
	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
		log_error(NULL, "cannot generate an ed25519 host key");
		goto out;
	}
	/* Created 0600 first: ssh_pki_export_privkey_file opens with fopen, whose mode follows
	 * the umask; an existing file keeps its mode. Renamed into place once complete. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error(NULL, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	close(fd);
	if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, tmp) != SSH_OK) {
		log_error(NULL, "cannot write the host key to %s", tmp);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		log_error(NULL, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	log_info(NULL, "generated a new ed25519 host key in %s", path);
	rc = 0;
out:
	ssh_key_free(key);
	free(tmp);
	return rc;
}

static int sshsrv_hostkey_load(const char *path, ssh_key *out)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp = NULL;
	struct stat st;
	ssh_key key = NULL;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			log_error(NULL, "host key %s: %s", path, strerror(errno));
			return -1;
		}
		if (sshsrv_hostkey_generate(path) < 0)
			return -1;
	} else if (st.st_mode & 077) {
		log_warn(NULL, "host key %s is accessible by other users (mode %03o)", path,
		         (unsigned)(st.st_mode & 0777));
	}
	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) != SSH_OK) {
		log_error(NULL, "cannot read the host key %s", path);
		return -1;
	}
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0)
		fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	log_info(NULL, "ssh host key %s: %s %s", path, ssh_key_type_to_char(ssh_key_type(key)),
	         fp ? fp : "(no fingerprint)");
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	*out = key;
	return 0;
}

/* ---- the listener --------------------------------------------------------------------------- */

static int sshsrv_listen(const char *addr, int port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16];
	int fd = -1, one = 1, rc, err = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(portstr, sizeof portstr, "%d", port);
	rc = getaddrinfo(addr, portstr, &hints, &res);
	if (rc != 0) {
		log_error(NULL, "ssh listen %s:%d: %s", addr, port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		            ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 511) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		log_error(NULL, "ssh listen %s:%d: %s", addr, port, strerror(err));
	return fd;
}

static void sshsrv_free(struct sshsrv *s)
{
	if (s->host != NULL)
		s->host->gone(s->host->arg, s);
	ssh_bind_free(s->bind);
	free(s);
}

static void sshsrv_handle_close_cb(uv_handle_t *h)
{
	struct sshsrv *s = h->data;

	if (--s->handles == 0)
		sshsrv_free(s);
}

/* Frees the listener once it is stopping and its last connection struct has gone. */
static void sshsrv_maybe_finish(struct sshsrv *s)
{
	if (!s->stopping || s->nalloc > 0 || s->finishing)
		return;
	s->finishing = true;
	uv_close((uv_handle_t *)&s->retry_timer, sshsrv_handle_close_cb);
	uv_close((uv_handle_t *)&s->stop_timer, sshsrv_handle_close_cb);
	uv_close((uv_handle_t *)&s->kick_idle, sshsrv_handle_close_cb);
}

/* Sets one of the bind's algorithm lists; the library refuses names it does not know. */
static int sshsrv_bind_algos(struct sshsrv *s, enum ssh_bind_options_e c_s,
			     enum ssh_bind_options_e s_c, const char *list, const char *setting)
{
	if (list == NULL)
		return 0;
	if (ssh_bind_options_set(s->bind, c_s, list) != SSH_OK ||
	    (s_c != c_s && ssh_bind_options_set(s->bind, s_c, list) != SSH_OK)) {
		log_error(NULL, "[ssh] %s = %s: %s", setting, list, ssh_get_error(s->bind));
		return -1;
	}
	return 0;
}

int sshsrv_start(const struct net_host *host, const struct sshsrv_opts *opts, struct sshsrv **out)
{
	const char *addr = opts->addr, *hostkey_path = opts->hostkey_path;
	int port = opts->port;
	struct sshsrv *s;
	ssh_key key = NULL;
	bool no = false;
	int rc;

	s = calloc(1, sizeof *s);
	if (s == NULL) {
		log_error(NULL, "out of memory");
		return -ENOMEM;
	}
	s->host = host;
	s->finish = sshsrv_maybe_finish;
	s->linger = sshsrv_linger;
	s->lfd = -1;
	if (sshsrv_hostkey_load(hostkey_path, &key) < 0)
		goto fail;
	s->bind = ssh_bind_new();
	if (s->bind == NULL) {
		ssh_key_free(key);
		log_error(NULL, "out of memory");
		goto fail;
	}
	/* No system-wide libssh server configuration: this service's settings are its own. */
	ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no);
	if (ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_IMPORT_KEY, key) != SSH_OK) {
		log_error(NULL, "host key %s: %s", hostkey_path, ssh_get_error(s->bind));
		ssh_key_free(key);
		goto fail;
	}
	/* The bind owns the key now. */
	ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_BANNER, SSHSRV_BANNER);
	if (sshsrv_bind_algos(s, SSH_BIND_OPTIONS_KEY_EXCHANGE, SSH_BIND_OPTIONS_KEY_EXCHANGE,
			      opts->kex, "kex_algorithms") < 0 ||
	    sshsrv_bind_algos(s, SSH_BIND_OPTIONS_CIPHERS_C_S, SSH_BIND_OPTIONS_CIPHERS_S_C,
			      opts->ciphers, "ciphers") < 0 ||
	    sshsrv_bind_algos(s, SSH_BIND_OPTIONS_HMAC_C_S, SSH_BIND_OPTIONS_HMAC_S_C, opts->macs,
			      "macs") < 0)
		goto fail;
	s->compression = opts->compression;
	s->lfd = sshsrv_listen(addr, port);
	if (s->lfd < 0)
		goto fail;
	rc = uv_poll_init(host->loop, &s->lpoll, s->lfd);
	if (rc < 0) {
		log_error(NULL, "ssh listener: %s", uv_strerror(rc));
		goto fail;
	}
	s->lpoll.data = s;
	uv_timer_init(host->loop, &s->retry_timer);
	uv_timer_init(host->loop, &s->stop_timer);
	uv_idle_init(host->loop, &s->kick_idle);
	s->retry_timer.data = s->stop_timer.data = s->kick_idle.data = s;
	s->handles = 4;
	uv_poll_start(&s->lpoll, UV_READABLE, sshsrv_accept_cb);
	log_info(NULL, "ssh listening on %s:%d", addr, port);
	*out = s;
	return 0;

fail:
	if (s->lfd >= 0)
		close(s->lfd);
	ssh_bind_free(s->bind);
	free(s);
	return -1;
}

static void sshsrv_stop_timer_cb(uv_timer_t *t)
{
	struct sshsrv *s = t->data;
	struct sshsrv_conn *c, *next;

	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		sshsrv_conn_enter(c);
		sshsrv_conn_fail(c, "service stopping (output not flushed in time)");
		sshsrv_conn_leave(c);
	}
}

void sshsrv_shutdown(struct sshsrv *s)
{
	struct sshsrv_conn *c, *next;

	if (s == NULL || s->stopping)
		return;
	s->stopping = true;
	log_info(NULL, "ssh listener stopping: %d connections open", s->nconns);
	/* uv_close unregisters the fd from epoll while it is still open; then it is closed. */
	uv_close((uv_handle_t *)&s->lpoll, sshsrv_handle_close_cb);
	close(s->lfd);
	s->lfd = -1;
	uv_timer_stop(&s->retry_timer);
	while (s->refused != NULL)
		sshsrv_refused_close(s->refused);
	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (c->sess == NULL)
			sshsrv_conn_fail(c, "service stopping");
		else
			/* What is queued (the notice included) is flushed, then the channel closes.
			 */
			sshsrv_conn_begin_close(c, -1);
		if (c->busy > 0) {
			/* Called from inside this connection's drive: it finishes the job. */
			c->kicked = true;
			continue;
		}
		sshsrv_conn_enter(c);
		if (!c->dead)
			sshsrv_conn_pump(c);
		sshsrv_conn_leave(c);
	}
	if (s->nconns > 0)
		uv_timer_start(&s->stop_timer, sshsrv_stop_timer_cb, SSHSRV_SHUTDOWN_MS, 0);
	sshsrv_maybe_finish(s);
}

int sshsrv_connections(const struct sshsrv *s)
{
	return s != NULL ? s->nconns : 0;
}
