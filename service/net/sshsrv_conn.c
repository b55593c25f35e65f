/* sshsrv_conn — one SSH connection: its life cycle (fail, tear down, the kick queue), its
 * authentication (the messages libssh queues before the channel is open: a password is checked
 * by auth off the loop while later messages are parked, a public key at once) and the drive
 * (pump, then the session's work: input, output, closing). The listener is sshsrv.c. */
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

static char sshsrv_scratch[SSHSRV_WRITE_CHUNK];

static void sshsrv_conn_auth_message(struct sshsrv_conn *c, ssh_message msg);

/* libssh 0.10 marks these message accessors deprecated in favour of server callbacks, which
 * cannot keep a message across a thread-pool check (see the notes); they are what works. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static const char *sshsrv_msg_password(ssh_message msg)
{
	return ssh_message_auth_password(msg);
}

static ssh_key sshsrv_msg_pubkey(ssh_message msg)
{
	return ssh_message_auth_pubkey(msg);
}

static enum ssh_publickey_state_e sshsrv_msg_pubkey_state(ssh_message msg)
{
	return ssh_message_auth_publickey_state(msg);
}
#pragma GCC diagnostic pop

/* ---- connection life cycle ------------------------------------------------------------ */

/* Marks the connection for teardown; the first reason given is the one logged. */
void sshsrv_conn_fail(struct sshsrv_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->dead) {
		va_start(ap, fmt);
		vsnprintf(c->why, sizeof c->why, fmt, ap);
		va_end(ap);
	}
	c->dead = true;
}

/* Ends a connection whose client has not closed its channel: what was sent last (a notice,
 * the channel's close) may still wait in the client's buffers. An SSH disconnect message would
 * make OpenSSH's client exit as soon as it reads it, before it shows that output (a client
 * slow to read, under load, lost the service's stop notice so). A reset would drop it from
 * the client's socket: so what the client sent is read away first, the connection is
 * half-closed, and the socket closed without a disconnect message; the client reads the rest
 * and then the end of the stream. */
static void sshsrv_conn_close_quietly(struct sshsrv_conn *c)
{
	char sink[4096];
	int fd = ssh_get_fd(c->ssh), i;

	for (i = 0; i < 64 && recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; i++)
		;
	shutdown(fd, SHUT_WR);
	ssh_silent_disconnect(c->ssh);
}

static void sshsrv_conn_close_cb(uv_handle_t *h)
{
	struct sshsrv_conn *c = h->data;
	struct sshsrv *s = c->owner;

	if (--c->handles > 0)
		return;
	free(c);
	s->nalloc--;
	s->finish(s);
}

/* Unlinks c from the kick queue. When it is not there, sshsrv_kick_cb holds it in the batch it
 * is running: its link is left alone (the batch skips torn connections). */
static void sshsrv_kick_remove(struct sshsrv *s, struct sshsrv_conn *c)
{
	struct sshsrv_conn **pp, *prev = NULL;

	for (pp = &s->kick_head; *pp != NULL; pp = &(*pp)->kick_next) {
		if (*pp == c) {
			*pp = c->kick_next;
			if (s->kick_tail == c)
				s->kick_tail = prev;
			c->kick_next = NULL;
			c->kick_queued = false;
			return;
		}
		prev = *pp;
	}
}

void sshsrv_conn_teardown(struct sshsrv_conn *c)
{
	struct sshsrv *s = c->owner;
	int i;

	if (c->torn)
		return;
	c->torn = true;
	if (!c->quiet)
		log_info(c->id, "ssh disconnect %s%s%s: %s (%.1f s)", c->peer,
	         c->authenticated ? " user " : "", c->authenticated ? c->acct.name : "",
	         c->why[0] ? c->why : "closed",
	         (double)(sshsrv_conn_now(c) - c->started_ms) / 1000.0);
	if (c->areq != NULL) {
		c->owner->host->auth_cancel(c->areq);
		c->areq = NULL;
	}
	if (c->amsg != NULL) {
		ssh_message_free(c->amsg);
		c->amsg = NULL;
	}
	for (i = 0; i < c->nparked; i++)
		ssh_message_free(c->parked[i]);
	c->nparked = 0;
	if (c->kick_queued)
		sshsrv_kick_remove(s, c);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	s->nconns--;
	if (c->sess != NULL) {
		struct session *sess = c->sess;

		c->sess = NULL;
		c->owner->host->session->detach(sess);
	}
	/* The poll goes first, while the fd is still open; then libssh closes the fd. */
	uv_close((uv_handle_t *)&c->poll, sshsrv_conn_close_cb);
	uv_close((uv_handle_t *)&c->timer, sshsrv_conn_close_cb);
	uv_close((uv_handle_t *)&c->ka_timer, sshsrv_conn_close_cb);
	if (ssh_get_fd(c->ssh) != SSH_INVALID_SOCKET) {
		/* A session's end: the socket stays open, half-closed, until the client closes it
		 * (or a bound), reading what it sends, so that nothing it has not read yet (a
		 * notice, the exit status, the channel's close) is reset away, and no disconnect
		 * message overtakes its last output (OpenSSH's client exits at once on one,
		 * dropping what it had not yet written to the terminal). */
		int keep = c->chan != NULL ? dup(ssh_get_fd(c->ssh)) : -1;

		if (c->chan != NULL && !c->remote_closed)
			sshsrv_conn_close_quietly(c);
		else if (keep >= 0) {
			shutdown(keep, SHUT_WR);
			ssh_silent_disconnect(c->ssh);
		} else
			ssh_disconnect(c->ssh);
		if (keep >= 0)
			c->owner->linger(c->owner, keep);
	}
	ssh_free(c->ssh);
	c->ssh = NULL;
	c->chan = NULL;
	free(c->held);
	c->held = NULL;
	free(c->exec);
	c->exec = NULL;
	store_account_clear(&c->acct);
	s->host->release(s->host->arg, &c->sc);
}

void sshsrv_conn_enter(struct sshsrv_conn *c)
{
	c->busy++;
}

static void sshsrv_conn_poll_cb(uv_poll_t *h, int status, int events);

/* Readable always; writable only while libssh holds unsent bytes, or while there is output, the
 * window is open and the last write was not refused (else an idle session would spin). */
static void sshsrv_conn_rearm(struct sshsrv_conn *c)
{
	int ev = UV_READABLE, rc;

	if (ssh_get_status(c->ssh) & SSH_WRITE_PENDING)
		ev |= UV_WRITABLE;
	else if (c->chan != NULL && c->sess != NULL && !c->close_sent && !c->remote_closed &&
	         !c->write_refused && c->owner->host->session->output_pending(c->sess) > 0 &&
	         ssh_channel_window_size(c->chan) > 0)
		ev |= UV_WRITABLE;
	if (ev == c->events)
		return;
	rc = uv_poll_start(&c->poll, ev, sshsrv_conn_poll_cb);
	if (rc < 0) {
		sshsrv_conn_fail(c, "cannot watch the socket: %s", uv_strerror(rc));
		sshsrv_conn_teardown(c);
		return;
	}
	c->events = ev;
}

void sshsrv_conn_leave(struct sshsrv_conn *c)
{
	if (--c->busy > 0)
		return;
	if (c->dead)
		sshsrv_conn_teardown(c);
	else
		sshsrv_conn_rearm(c);
}

static void sshsrv_kick_cb(uv_idle_t *h);

/* Queues a drive for the next loop iteration: kicks come from session code that may be walking
 * the session list, so the connection is never driven (or torn down) inside the kick. */
void sshsrv_conn_kick(struct sshsrv_conn *c)
{
	struct sshsrv *s = c->owner;

	if (c->torn)
		return;
	if (c->busy > 0) {
		c->kicked = true;
		return;
	}
	if (c->kick_queued)
		return;
	c->kick_queued = true;
	c->kick_next = NULL;
	if (s->kick_tail != NULL)
		s->kick_tail->kick_next = c;
	else
		s->kick_head = c;
	s->kick_tail = c;
	if (!uv_is_active((uv_handle_t *)&s->kick_idle))
		uv_idle_start(&s->kick_idle, sshsrv_kick_cb);
}

static void sshsrv_kick_cb(uv_idle_t *h)
{
	struct sshsrv *s = h->data;
	struct sshsrv_conn *c, *list = s->kick_head;

	/* Only the connections queued so far: drives may queue others for the next round. */
	s->kick_head = s->kick_tail = NULL;
	while (list != NULL) {
		c = list;
		list = c->kick_next;
		c->kick_next = NULL;
		c->kick_queued = false;
		sshsrv_conn_drive(c);
	}
	if (s->kick_head == NULL)
		uv_idle_stop(h);
}

/* Starts the orderly end: output is flushed, then exit status (when >= 0), EOF and close are
 * sent, and the connection lingers briefly for the client's close. */
void sshsrv_conn_begin_close(struct sshsrv_conn *c, int status)
{
	if (c->closing) {
		if (status >= 0 && !c->exit_sent)
			c->exit_status = status;
		return;
	}
	c->closing = true;
	c->exit_status = status;
	uv_timer_start(&c->timer, sshsrv_conn_timer_cb, SSHSRV_FLUSH_STALL_MS, 0);
}

/* ---- session operations ---------------------------------------------------------------- */

static void sshsrv_session_kick(void *transport)
{
	sshsrv_conn_kick(transport);
}

static void sshsrv_session_close(void *transport, int status)
{
	struct sshsrv_conn *c = transport;

	if (c->torn)
		return;
	sshsrv_conn_begin_close(c, status);
	sshsrv_conn_kick(c);
}

static const struct net_session_ops sshsrv_session_ops = {
    .kick = sshsrv_session_kick,
    .close = sshsrv_session_close,
};

/* ---- authentication --------------------------------------------------------------------- */

static void sshsrv_conn_audit_ctx(const struct sshsrv_conn *c, const char *user,
                                  struct audit_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->account = user;
	ctx->session = c->id;
	ctx->peer = c->peer;
	ctx->transport = "ssh";
}

uint64_t sshsrv_conn_auth_timeout_ms(const struct net_limits *cfg)
{
	return (uint64_t)(cfg->auth_timeout_s > 0 ? cfg->auth_timeout_s : 30) * 1000;
}

static void sshsrv_conn_auth_failed(struct sshsrv_conn *c)
{
	if (++c->failures >= SSHSRV_MAX_AUTH_FAILURES)
		sshsrv_conn_fail(c, "too many authentication failures (%d)", c->failures);
}

/* A login whose key or password was right but that the service could not check or record (no
 * login goes unaudited: a full disk or a locked database refuses it): the client is told so in
 * the disconnect message (OpenSSH prints it), rather than left to think its key or password
 * was wrong and try again. The request gets no "failure" answer: on one, a client with no other
 * method to try gives up with "permission denied" before it reads the disconnect. */
static void sshsrv_conn_auth_error(struct sshsrv_conn *c)
{
	ssh_session_set_disconnect_message(c->ssh,
	                                   "the service could not record this login just now "
	                                   "(disk full or database locked?): try again later");
	sshsrv_conn_fail(c, "login not completed: the service could not record it");
}

/* The client is in: takes the account (acct is left empty), registers the server callbacks for
 * the channel, and switches the timers from the authentication deadline to idle/keepalive. */
static void sshsrv_conn_authenticated(struct sshsrv_conn *c, struct account *acct)
{
	const struct net_limits *cfg = c->owner->host->limits;

	c->acct = *acct;
	memset(acct, 0, sizeof *acct);
	c->authenticated = true;
	c->phase = SSHSRV_OPEN;
	memset(&c->scb, 0, sizeof c->scb);
	c->scb.userdata = c;
	c->scb.channel_open_request_session_function = sshsrv_chan_open_cb;
	ssh_callbacks_init(&c->scb);
	if (ssh_set_server_callbacks(c->ssh, &c->scb) != SSH_OK) {
		sshsrv_conn_fail(c, "cannot set the server callbacks");
		return;
	}
	c->last_input_ms = sshsrv_conn_now(c);
	/* From now on the deadline is for starting a shell or a command. */
	uv_timer_start(&c->timer, sshsrv_conn_timer_cb, sshsrv_conn_auth_timeout_ms(cfg), 0);
}

static void sshsrv_conn_ka_timer_cb(uv_timer_t *t);

static void sshsrv_conn_start_keepalive(struct sshsrv_conn *c)
{
	int ka = c->owner->host->limits->keepalive_s;

	if (ka > 0)
		uv_timer_start(&c->ka_timer, sshsrv_conn_ka_timer_cb, (uint64_t)ka * 1000,
		               (uint64_t)ka * 1000);
}

/* A login refused whatever the client tries next on this connection (a lock, a ban, no room):
 * the reason goes in the disconnect message, which OpenSSH prints; no "failure" answer, as in
 * sshsrv_conn_auth_error. */
static void sshsrv_conn_auth_refused(struct sshsrv_conn *c, const struct net_why *why)
{
	ssh_session_set_disconnect_message(c->ssh, why->en);
	sshsrv_conn_fail(c, "login refused: %s", why->en);
}

static void sshsrv_conn_password_cb(void *arg, enum net_auth_result r, struct account *acct,
                                    const struct net_why *why)
{
	struct sshsrv_conn *c = arg;
	ssh_message msg = c->amsg;

	c->areq = NULL;
	c->amsg = NULL;
	sshsrv_conn_enter(c);
	if (r == NET_AUTH_OK) {
		ssh_message_auth_reply_success(msg, 0);
		c->owner->host->login(c->owner->host->arg, &c->sc, acct->name);
		sshsrv_conn_authenticated(c, acct);
		sshsrv_conn_start_keepalive(c);
	} else if (r == NET_AUTH_ERROR) {
		sshsrv_conn_auth_error(c); /* no "failure" answer: the client would stop there */
	} else if ((r == NET_AUTH_LOCKED || r == NET_AUTH_REFUSED) && why != NULL) {
		sshsrv_conn_auth_refused(c, why);
	} else {
		ssh_message_reply_default(msg);
		c->owner->host->stage(c->owner->host->arg, &c->sc, NET_CONN_FAILED);
		sshsrv_conn_auth_failed(c);
	}
	ssh_message_free(msg);
	/* Messages that came while the check ran, in order (after success: answered "no"). */
	while (c->nparked > 0 && c->areq == NULL && !c->dead) {
		ssh_message m = c->parked[0];

		c->nparked--;
		memmove(&c->parked[0], &c->parked[1], (size_t)c->nparked * sizeof c->parked[0]);
		if (c->phase == SSHSRV_OPEN) {
			ssh_message_reply_default(m);
			ssh_message_free(m);
		} else {
			sshsrv_conn_auth_message(c, m);
		}
	}
	if (!c->dead)
		sshsrv_conn_pump(c);
	sshsrv_conn_leave(c);
}

static void sshsrv_conn_auth_password(struct sshsrv_conn *c, ssh_message msg, const char *user)
{
	struct audit_ctx ctx;
	const char *pw = sshsrv_msg_password(msg);

	sshsrv_conn_audit_ctx(c, user, &ctx);
	c->amsg = msg;
	c->areq = c->owner->host->auth_password(c->owner->host->auth, &ctx, &c->sc, user,
	                                        pw ? pw : "", sshsrv_conn_password_cb, c);
	if (c->areq == NULL) {
		c->amsg = NULL;
		ssh_message_reply_default(msg);
		ssh_message_free(msg);
		sshsrv_conn_fail(c, "out of memory");
	}
}

static void sshsrv_conn_auth_pubkey(struct sshsrv_conn *c, ssh_message msg, const char *user)
{
	enum ssh_publickey_state_e state = sshsrv_msg_pubkey_state(msg);
	ssh_key key = sshsrv_msg_pubkey(msg);
	struct account acct;
	struct audit_ctx ctx;
	enum net_auth_result r = NET_AUTH_FAIL;
	const struct net_why *why = NULL;
	const char *keytype = NULL;
	char *b64 = NULL;

	memset(&acct, 0, sizeof acct);
	sshsrv_conn_audit_ctx(c, user, &ctx);
	if (key != NULL) {
		keytype = ssh_key_type_to_char(ssh_key_type(key));
		if (keytype == NULL || ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
			b64 = NULL;
	}
	if (b64 == NULL) {
		ssh_message_reply_default(msg);
		sshsrv_conn_auth_failed(c);
	} else if (state == SSH_PUBLICKEY_STATE_NONE) {
		/* A probe: "would this key do?" */
		r = c->owner->host->auth_pubkey(c->owner->host->auth, &ctx, &c->sc, user, keytype,
		                                b64, false, &acct, &why);
		if (r == NET_AUTH_OK) {
			ssh_message_auth_reply_pk_ok_simple(msg);
		} else {
			log_debug(c->id, "ssh key %s offered for %s: not accepted", keytype, user);
			ssh_message_reply_default(msg);
			sshsrv_conn_auth_failed(c);
		}
	} else if (state == SSH_PUBLICKEY_STATE_VALID) {
		r = c->owner->host->auth_pubkey(c->owner->host->auth, &ctx, &c->sc, user, keytype,
		                                b64, true, &acct, &why);
		if (r == NET_AUTH_OK) {
			ssh_message_auth_reply_success(msg, 0);
			c->owner->host->login(c->owner->host->arg, &c->sc, acct.name);
			sshsrv_conn_authenticated(c, &acct);
			sshsrv_conn_start_keepalive(c);
		} else {
			log_info(c->id, "ssh key %s refused for %s from %s%s", keytype, user,
			         c->peer, r == NET_AUTH_LOCKED ? " (account locked)" : "");
			if (r == NET_AUTH_ERROR) {
				sshsrv_conn_auth_error(c); /* no "failure" answer, see there */
			} else if (r == NET_AUTH_REFUSED && why != NULL) {
				sshsrv_conn_auth_refused(c, why);
			} else {
				ssh_message_reply_default(msg);
				sshsrv_conn_auth_failed(c);
			}
		}
	} else {
		log_info(c->id, "ssh key %s for %s from %s: bad signature", keytype, user, c->peer);
		ssh_message_reply_default(msg);
		sshsrv_conn_auth_failed(c);
	}
	store_account_clear(&acct);
	ssh_string_free_char(b64);
	ssh_message_free(msg);
}

/* Handles one message of the authentication phase; takes msg. */
static void sshsrv_conn_auth_message(struct sshsrv_conn *c, ssh_message msg)
{
	const char *user, *svc;

	switch (ssh_message_type(msg)) {
	case SSH_REQUEST_SERVICE:
		svc = ssh_message_service_service(msg);
		if (svc != NULL && strcmp(svc, "ssh-userauth") == 0)
			ssh_message_service_reply_success(msg);
		else
			sshsrv_conn_fail(c, "unknown service requested");
		ssh_message_free(msg);
		return;
	case SSH_REQUEST_AUTH:
		break;
	default:
		ssh_message_reply_default(msg);
		ssh_message_free(msg);
		return;
	}
	user = ssh_message_auth_user(msg);
	if (user == NULL || user[0] == '\0' || strlen(user) > SSHSRV_MAX_USER) {
		ssh_message_reply_default(msg);
		ssh_message_free(msg);
		sshsrv_conn_auth_failed(c);
		return;
	}
	switch (ssh_message_subtype(msg)) {
	case SSH_AUTH_METHOD_PASSWORD:
		sshsrv_conn_auth_password(c, msg, user);
		return;
	case SSH_AUTH_METHOD_PUBLICKEY:
		sshsrv_conn_auth_pubkey(c, msg, user);
		return;
	default:
		/* "none" (the client asking which methods work) and the rest: the list. */
		ssh_message_reply_default(msg);
		ssh_message_free(msg);
		return;
	}
}

/* Takes every queued authentication message; with a password check in flight they are parked. */
static void sshsrv_conn_auth_drain(struct sshsrv_conn *c)
{
	size_t cap = c->owner->host->limits->preauth_input_max;
	ssh_message msg;

	while (!c->dead && c->phase == SSHSRV_AUTH) {
		if (c->scount.in_bytes > cap) {
			sshsrv_conn_fail(c, "more than %zu bytes before login", cap);
			return;
		}
		msg = ssh_message_get(c->ssh);
		if (msg == NULL)
			return;
		if (c->areq != NULL) {
			if (c->nparked == SSHSRV_MAX_PARKED) {
				ssh_message_free(msg);
				sshsrv_conn_fail(c, "too many requests during a password check");
				return;
			}
			c->parked[c->nparked++] = msg;
			continue;
		}
		sshsrv_conn_auth_message(c, msg);
	}
}

/* ---- the drive ---------------------------------------------------------------------------- */

static void sshsrv_conn_check_closed(struct sshsrv_conn *c)
{
	int st;

	if (c->dead)
		return;
	st = ssh_get_status(c->ssh);
	if (ssh_get_fd(c->ssh) == SSH_INVALID_SOCKET || !ssh_is_connected(c->ssh) ||
	    (st & (SSH_CLOSED | SSH_CLOSED_ERROR))) {
		const char *err = ssh_get_error(c->ssh);

		if (!(st & SSH_CLOSED_ERROR) || err == NULL || err[0] == '\0')
			sshsrv_conn_fail(c, "closed by the client");
		else if (strncmp(err, "Received SSH_MSG_DISCONNECT", 27) == 0)
			sshsrv_conn_fail(c, "disconnected by the client");
		else
			sshsrv_conn_fail(c, "connection lost: %s", err);
	}
}

static void sshsrv_conn_start_session(struct sshsrv_conn *c)
{
	struct net_session_params p;

	c->start_req = false;
	memset(&p, 0, sizeof p);
	p.id = c->id;
	p.transport = "ssh";
	p.peer = c->peer;
	p.env_lang = c->lc_all[0] ? c->lc_all : c->lang[0] ? c->lang : NULL;
	p.term = c->pty && c->term[0] ? c->term : NULL;
	p.cols = c->cols > 0 ? c->cols : 80;
	p.rows = c->rows > 0 ? c->rows : 24;
	p.pty = c->pty;
	p.exec = c->exec;
	p.account = &c->acct;
	p.ops = &sshsrv_session_ops;
	p.transport_ctx = c;
	c->sess = c->owner->host->session->create(c->owner->host->session_host, &p);
	if (c->sess == NULL) {
		sshsrv_conn_fail(c, "cannot create the session");
		return;
	}
	uv_timer_stop(&c->timer);
	c->last_input_ms = sshsrv_conn_now(c);
	if (c->owner->host->limits->idle_timeout_s > 0)
		uv_timer_start(&c->timer, sshsrv_conn_timer_cb,
		               (uint64_t)c->owner->host->limits->idle_timeout_s * 1000, 0);
	c->owner->host->session->start(c->sess);
}

/* Writes queued output: never more than the window, at most *budget bytes, nothing while libssh
 * still holds unsent bytes (its buffer has no cap). */
static void sshsrv_conn_output(struct sshsrv_conn *c, size_t *budget)
{
	int stream;

	if (c->chan == NULL || c->close_sent || c->remote_closed)
		return;
	for (stream = 1; stream <= 2; stream++) {
		while (*budget > 0 && !c->dead && c->sess != NULL) {
			const char *p;
			size_t len, n;
			uint32_t win;
			int w;

			p = c->owner->host->session->output(c->sess, stream, &len);
			if (len == 0)
				break;
			if (ssh_get_status(c->ssh) & SSH_WRITE_PENDING)
				return;
			win = ssh_channel_window_size(c->chan);
			if (win == 0) {
				c->write_refused = true;
				return;
			}
			n = len;
			if (n > win)
				n = win;
			if (n > *budget)
				n = *budget;
			if (n > sizeof sshsrv_scratch)
				n = sizeof sshsrv_scratch;
			memcpy(sshsrv_scratch, p, n);
			if (stream == 1)
				w = ssh_channel_write(c->chan, sshsrv_scratch, (uint32_t)n);
			else
				w = ssh_channel_write_stderr(c->chan, sshsrv_scratch, (uint32_t)n);
			if (w < 0) {
				sshsrv_conn_fail(c, "write failed: %s", ssh_get_error(c->ssh));
				return;
			}
			if (w == 0) {
				/* Window closed or a rekey in progress: wait for readable. */
				c->write_refused = true;
				return;
			}
			if (c->sess == NULL)
				return;
			c->owner->host->session->output_consume(c->sess, stream, (size_t)w);
			*budget -= (size_t)w;
			if (c->closing && !c->close_sent)
				uv_timer_start(&c->timer, sshsrv_conn_timer_cb,
				               SSHSRV_FLUSH_STALL_MS, 0);
		}
	}
}

/* Offers the session the input it could not take before: first what was taken out of libssh,
 * then (all of) what libssh still holds. Taking all of it keeps the memory bounded: each read
 * re-opens the channel window to libssh's full size. */
static void sshsrv_conn_input(struct sshsrv_conn *c)
{
	int r;

	while (!c->dead && c->sess != NULL && !c->closing) {
		if (c->held_off < c->held_len) {
			c->held_off += c->owner->host->session->input(
			    c->sess, c->held + c->held_off, c->held_len - c->held_off);
			if (c->held_off < c->held_len)
				return;
			free(c->held);
			c->held = NULL;
			c->held_len = c->held_off = 0;
			continue;
		}
		if (c->in_left == 0 || c->chan == NULL ||
		    !c->owner->host->session->can_take_input(c->sess))
			return;
		c->held = malloc(c->in_left);
		if (c->held == NULL) {
			sshsrv_conn_fail(c, "out of memory");
			return;
		}
		r = ssh_channel_read_timeout(c->chan, c->held, (uint32_t)c->in_left, 0, 0);
		if (r <= 0) {
			free(c->held);
			c->held = NULL;
			c->in_left = 0;
			return;
		}
		c->in_left = (size_t)r < c->in_left ? c->in_left - (size_t)r : 0;
		c->held_len = (size_t)r;
		c->held_off = 0;
	}
}

static void sshsrv_conn_deliver_eof(struct sshsrv_conn *c)
{
	if (!c->eof_in || c->eof_done || c->sess == NULL || c->closing)
		return;
	if (c->held_off < c->held_len || c->in_left > 0)
		return;
	c->eof_done = true;
	c->owner->host->session->eof(c->sess);
}

static void sshsrv_conn_close_step(struct sshsrv_conn *c)
{
	int rc;

	if (c->chan == NULL) {
		sshsrv_conn_fail(c, c->owner->stopping ? "service stopping" : "closed");
		return;
	}
	if (!c->close_sent) {
		if (!c->remote_closed && c->sess != NULL &&
		    c->owner->host->session->output_pending(c->sess) > 0)
			return; /* still flushing */
		if (ssh_get_status(c->ssh) & SSH_WRITE_PENDING)
			return;
		if (c->exit_status >= 0 && !c->exit_sent && !c->remote_closed) {
			c->exit_sent = true;
			if (ssh_channel_request_send_exit_status(c->chan, c->exit_status) ==
			    SSH_ERROR) {
				sshsrv_conn_fail(c, "cannot send the exit status: %s",
				                 ssh_get_error(c->ssh));
				return;
			}
		}
		rc = ssh_channel_close(c->chan);
		if (rc == SSH_ERROR) {
			sshsrv_conn_fail(c, "cannot close the channel: %s", ssh_get_error(c->ssh));
			return;
		}
		if (rc != SSH_OK)
			return; /* SSH_AGAIN: EOF still being flushed, close on the next drive */
		c->close_sent = true;
		uv_timer_start(&c->timer, sshsrv_conn_timer_cb, SSHSRV_LINGER_MS, 0);
	}
	if (c->remote_closed && !(ssh_get_status(c->ssh) & SSH_WRITE_PENDING))
		sshsrv_conn_fail(c, "%s", c->owner->stopping ? "service stopping" : "closed");
}

/* The work after a pump, authenticated connections only. */
static void sshsrv_conn_work(struct sshsrv_conn *c)
{
	size_t budget = SSHSRV_WRITE_BUDGET;
	int round;

	for (round = 0; round < 4 && !c->dead; round++) {
		c->kicked = false;
		if (c->remote_closed && !c->closing) {
			/* The client closed the channel: nobody will read the session. */
			sshsrv_conn_begin_close(c, -1);
		}
		if (c->start_req && c->sess == NULL && !c->closing)
			sshsrv_conn_start_session(c);
		if (c->sess != NULL && !c->dead) {
			sshsrv_conn_output(c, &budget);
			sshsrv_conn_input(c);
			sshsrv_conn_output(c, &budget);
			sshsrv_conn_deliver_eof(c);
		}
		if (c->closing && !c->dead)
			sshsrv_conn_close_step(c);
		if (!c->kicked)
			break;
	}
}

static void sshsrv_conn_quickack(struct sshsrv_conn *c)
{
	int one = 1;

	/* Not sticky: the kernel drops back to delayed ACKs, so set it before each pump. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

/* A client must open with its identification string, "SSH-2.0-..." (RFC 4253 4.2: only the
 * server may send other lines first). libssh waits for a whole first line, so a peer that sends
 * a few bytes of anything else without a newline would hold its slot until the authentication
 * timeout: look at the first bytes before libssh reads them and drop such a peer at once.
 * False when the connection was failed. */
static bool sshsrv_conn_ident_ok(struct sshsrv_conn *c)
{
	static const char ident[] = "SSH-";
	char first[sizeof ident - 1];
	ssize_t n;

	if (c->ident_checked)
		return true;
	if (c->scount.in_bytes > 0) {
		/* libssh has read already (we were not called first): it judges the line. */
		c->ident_checked = true;
		return true;
	}
	n = recv(c->fd, first, sizeof first, MSG_PEEK | MSG_DONTWAIT);
	if (n <= 0)
		return true; /* nothing yet, or EOF / an error that libssh will report */
	if (memcmp(first, ident, (size_t)n) != 0) {
		sshsrv_conn_fail(c, "not an SSH client: it did not start with \"SSH-\"");
		return false;
	}
	c->ident_checked = true;
	return true;
}

/* A connection that has sent its identification is no longer silent: it is in the key
 * exchange, and logged (a flood of silent connections is not logged one by one, see net_host
 * log_refused). */
static void sshsrv_conn_spoke(struct sshsrv_conn *c)
{
	if (c->ident_checked && c->sc.stage == NET_CONN_SILENT) {
		log_info(c->id, "ssh connection from %s", c->peer);
		c->owner->host->stage(c->owner->host->arg, &c->sc, NET_CONN_KEX);
	}
}

/* One pump and the work after it; the caller holds the busy count. */
void sshsrv_conn_pump(struct sshsrv_conn *c)
{
	int rc;

	c->write_refused = false;
	if (ssh_get_fd(c->ssh) == SSH_INVALID_SOCKET) {
		sshsrv_conn_check_closed(c);
		return;
	}
	sshsrv_conn_quickack(c);
	if (c->want_keepalive) {
		c->want_keepalive = false;
		if (c->phase == SSHSRV_OPEN && !(ssh_get_status(c->ssh) & SSH_WRITE_PENDING))
			ssh_send_ignore(c->ssh, "");
	}
	switch (c->phase) {
	case SSHSRV_KEX:
		if (!sshsrv_conn_ident_ok(c))
			return;
		sshsrv_conn_spoke(c);
		rc = ssh_handle_key_exchange(c->ssh);
		if (rc == SSH_ERROR) {
			sshsrv_conn_fail(c, "key exchange failed: %s", ssh_get_error(c->ssh));
			return;
		}
		/* The banner may have arrived after the peek and been read by libssh just now:
		 * then the client has spoken, though no more may come to show it. */
		if (!c->ident_checked && c->scount.in_bytes > 0)
			c->ident_checked = true;
		sshsrv_conn_spoke(c);
		if (rc != SSH_OK)
			break;
		c->phase = SSHSRV_AUTH;
		c->owner->host->stage(c->owner->host->arg, &c->sc, NET_CONN_AUTH);
		/* fall through - a userauth request may have come in the same read */
	case SSHSRV_AUTH:
		sshsrv_conn_auth_drain(c);
		break;
	case SSHSRV_OPEN:
		ssh_execute_message_callbacks(c->ssh);
		break;
	}
	sshsrv_conn_check_closed(c);
	if (!c->dead && c->phase != SSHSRV_OPEN &&
	    c->scount.in_bytes > c->owner->host->limits->preauth_input_max)
		sshsrv_conn_fail(c, "more than %zu bytes before login",
		                 c->owner->host->limits->preauth_input_max);
	if (!c->dead && c->phase == SSHSRV_OPEN) {
		sshsrv_conn_work(c);
		sshsrv_conn_check_closed(c);
	}
}

void sshsrv_conn_drive(struct sshsrv_conn *c)
{
	if (c->torn)
		return;
	sshsrv_conn_enter(c);
	if (!c->dead)
		sshsrv_conn_pump(c);
	sshsrv_conn_leave(c);
}

static void sshsrv_conn_poll_cb(uv_poll_t *h, int status, int events)
{
	struct sshsrv_conn *c = h->data;

	(void)events;
	if (status < 0) {
		/* EPOLLERR (libuv says EBADF), e.g. a reset: libuv has stopped the handle. One pump
		 * lets libssh read the socket's own error for the log. */
		c->events = 0;
		sshsrv_conn_enter(c);
		if (!c->dead)
			sshsrv_conn_pump(c);
		sshsrv_conn_fail(c, "socket error");
		sshsrv_conn_leave(c);
		return;
	}
	sshsrv_conn_drive(c);
}

void sshsrv_conn_timer_cb(uv_timer_t *t)
{
	struct sshsrv_conn *c = t->data;
	const struct net_limits *cfg = c->owner->host->limits;
	uint64_t now, idle_ms, quiet;

	if (c->torn)
		return;
	sshsrv_conn_enter(c);
	if (c->phase != SSHSRV_OPEN) {
		sshsrv_conn_fail(c, "not authenticated within %d s", cfg->auth_timeout_s);
	} else if (c->close_sent) {
		sshsrv_conn_fail(c, "%s", c->owner->stopping ? "service stopping" : "closed");
	} else if (c->closing) {
		sshsrv_conn_fail(c, "output not taken for %d s", SSHSRV_FLUSH_STALL_MS / 1000);
	} else if (c->sess == NULL) {
		sshsrv_conn_fail(c, "no shell or command within %d s of login",
		                 (int)(sshsrv_conn_auth_timeout_ms(cfg) / 1000));
	} else if (cfg->idle_timeout_s > 0) {
		now = sshsrv_conn_now(c);
		idle_ms = (uint64_t)cfg->idle_timeout_s * 1000;
		quiet = now - c->last_input_ms;
		if (quiet < idle_ms) {
			uv_timer_start(&c->timer, sshsrv_conn_timer_cb, idle_ms - quiet, 0);
		} else {
			log_info(c->id, "ssh idle for %d s: closing", cfg->idle_timeout_s);
			if (c->sess != NULL)
				c->owner->host->session->notice(c->sess, "propdesk",
				               "idle for too long: disconnecting. "
				               "空闲时间过长，连接已断开。");
			sshsrv_conn_begin_close(c, -1);
			if (!c->dead)
				sshsrv_conn_pump(c);
		}
	}
	sshsrv_conn_leave(c);
}

static void sshsrv_conn_ka_timer_cb(uv_timer_t *t)
{
	struct sshsrv_conn *c = t->data;

	if (c->torn || c->closing)
		return;
	c->want_keepalive = true;
	sshsrv_conn_drive(c);
}
