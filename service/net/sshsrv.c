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
 * This file is the connection's life cycle, the drive, accepting and refusing, and the
 * listener; authentication and the host key are sshsrv_auth.c, the channel's callbacks
 * sshsrv_chan.c, and what they share sshsrv_int.h. */
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

static char sshsrv_scratch[SSHSRV_WRITE_CHUNK];

static void sshsrv_conn_drive(struct sshsrv_conn *c);
static void sshsrv_maybe_finish(struct sshsrv *s);

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

uint64_t sshsrv_conn_now(const struct sshsrv_conn *c)
{
	return uv_now(c->owner->host->loop);
}

static void sshsrv_conn_close_cb(uv_handle_t *h)
{
	struct sshsrv_conn *c = h->data;
	struct sshsrv *s = c->owner;

	if (--c->handles > 0)
		return;
	free(c);
	s->nalloc--;
	sshsrv_maybe_finish(s);
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

static void sshsrv_conn_teardown(struct sshsrv_conn *c)
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
	if (ssh_get_fd(c->ssh) != SSH_INVALID_SOCKET)
		ssh_disconnect(c->ssh);
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
static void sshsrv_conn_kick(struct sshsrv_conn *c)
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
static void sshsrv_conn_begin_close(struct sshsrv_conn *c, int status)
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
		if (c->ident_checked && c->sc.stage == NET_CONN_SILENT) {
			/* Logged once it speaks: a flood of silent connections is not logged one
			 * by one (see net_host log_refused). */
			log_info(c->id, "ssh connection from %s", c->peer);
			c->owner->host->stage(c->owner->host->arg, &c->sc, NET_CONN_KEX);
		}
		rc = ssh_handle_key_exchange(c->ssh);
		if (rc == SSH_ERROR) {
			sshsrv_conn_fail(c, "key exchange failed: %s", ssh_get_error(c->ssh));
			return;
		}
		if (rc != SSH_OK)
			break;
		c->phase = SSHSRV_AUTH;
		c->owner->host->stage(c->owner->host->arg, &c->sc, NET_CONN_AUTH);
		/* fall through - a userauth request may have come in the same read */
	case SSHSRV_AUTH:
		sshsrv_auth_drain(c);
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

static void sshsrv_conn_drive(struct sshsrv_conn *c)
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
		                 (int)(sshsrv_auth_timeout_ms(cfg) / 1000));
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

void sshsrv_conn_ka_timer_cb(uv_timer_t *t)
{
	struct sshsrv_conn *c = t->data;

	if (c->torn || c->closing)
		return;
	c->want_keepalive = true;
	sshsrv_conn_drive(c);
}

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
	struct sshsrv_refused *r;
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
	if (s->nrefused >= SSHSRV_REFUSED_LINGER_MAX || s->stopping ||
	    (r = calloc(1, sizeof *r)) == NULL) {
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
	uv_timer_start(&r->timer, sshsrv_refused_timer_cb, SSHSRV_REFUSED_LINGER_MS, 0);
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
	uv_timer_start(&c->timer, sshsrv_conn_timer_cb, sshsrv_auth_timeout_ms(host->limits), 0);
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

int sshsrv_start(const struct net_host *host, const char *addr, int port, const char *hostkey_path,
                 struct sshsrv **out)
{
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
	s->lfd = -1;
	if (sshsrv_auth_hostkey_load(hostkey_path, &key) < 0)
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
