/* telnetsrv — the telnet listener: libtelnet over uv_tcp, a login through lineedit prompts and
 * auth on the thread pool, then a session.
 *
 * A connection goes LOGIN (prompts) -> AUTH (password being checked) -> SESSION, and from any
 * of them to ENDING (output flushed, FIN sent, waiting for the client to close, bounded by a
 * deadline) and CLOSED (handles closing; freed in the last close callback, where the session
 * is detached). Input decoded by libtelnet is queued in c->in and taken by the login or the
 * session as they can; reading stops while that queue is full. Output is escaped by libtelnet
 * into c->wq and handed to uv_write; at most limits->output_hwm bytes are in flight per connection,
 * and more session output is taken only when write completions bring it below. */
#include "telnetsrv.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libtelnet.h>
#include <sodium.h>
#include <stddef.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "buf.h"
#include "log.h"
#include "net_host.h"
#include "store.h"
#include "store_account.h"
#include "telnet_login.h"
#include "telnet_proto.h"

#define TELNETSRV_READ_SIZE 4096
/* Decoded input waiting for the login or the session: reading stops above this. */
#define TELNETSRV_IN_MAX (16 * 1024)
#define TELNETSRV_LOGIN_TRIES 3
/* How long a closing connection may take to flush: on shutdown, and after the shell ended. */
#define TELNETSRV_SHUTDOWN_FLUSH_MS 1000
#define TELNETSRV_CLOSE_FLUSH_MS 5000
#define TELNETSRV_DEFAULT_COLS 80
#define TELNETSRV_DEFAULT_ROWS 24

#define TELNETSRV_MSG_LOCKED "account locked / 账户已锁定，请联系管理员\r\n"
#define TELNETSRV_MSG_ERROR \
	"internal error, please try again later / 内部错误，请稍后再试\r\n"
#define TELNETSRV_MSG_TIMEOUT "\r\nlogin timed out / 登录超时\r\n"
#define TELNETSRV_MSG_TOO_MUCH "\r\ntoo much input before login / 登录前输入过多\r\n"
#define TELNETSRV_MSG_STOPPING "\r\nthe service is stopping / 服务正在停止\r\n"

/* ---------------------------------------------------------------------------------------- */
/* The listener and its connections                                                          */

enum telnetsrv_state {
	TELNETSRV_ST_LOGIN,
	TELNETSRV_ST_AUTH,
	TELNETSRV_ST_SESSION,
	TELNETSRV_ST_ENDING,
	TELNETSRV_ST_CLOSED,
};

struct telnetsrv_conn {
	struct net_conn sc;  /* as the server counts it (admission, limits) */
	struct telnetsrv_conn *prev, *next;
	struct telnetsrv *t;
	uv_tcp_t tcp;
	uv_timer_t timer;       /* login deadline, then the flush deadline when ending */
	uv_shutdown_t shutdown;
	int handles;            /* handles not yet closed */
	enum telnetsrv_state state;
	char id[16];
	char peer[80];          /* "addr:port" */
	char addr[64];
	bool reading;
	bool shutdown_sent;
	bool pumping, pump_again;
	bool logged_in;
	const char *reason;     /* why it closed, for the log */
	struct telnet_proto *proto; /* NULL for a refused connection */
	struct telnet_login *login;
	struct auth_req *auth;
	struct session *session;
	struct buf in;          /* decoded input not yet taken */
	struct buf wq;          /* encoded output not yet given to uv_write */
	struct buf scratch;
	size_t inflight;        /* bytes in uv_write requests */
	size_t preauth;         /* bytes received before login */
	char rbuf[TELNETSRV_READ_SIZE];
};

struct telnetsrv_write {
	uv_write_t req;
	struct telnetsrv_conn *c;
	size_t len;
	char data[];
};

struct telnetsrv {
	const struct net_host *host;
	uv_tcp_t listener;
	bool stopping;
	bool listener_closed;
	int nconns;
	struct telnetsrv_conn *conns;
};

static void telnetsrv_conn_pump(struct telnetsrv_conn *c);
static void telnetsrv_conn_close(struct telnetsrv_conn *c, const char *reason);
static void telnetsrv_conn_read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *b);
static void telnetsrv_conn_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b);

static void telnetsrv_maybe_free(struct telnetsrv *t)
{
	if (!t->stopping || !t->listener_closed || t->conns != NULL)
		return;
	t->host->gone(t->host->arg, t);
	log_info(NULL, "telnet listener stopped");
	free(t);
}

/* --- output ---------------------------------------------------------------------------- */

static void telnetsrv_conn_write_cb(uv_write_t *req, int status)
{
	struct telnetsrv_write *w = (struct telnetsrv_write *)req;
	struct telnetsrv_conn *c = w->c;

	c->inflight -= w->len;
	free(w);
	if (c->state == TELNETSRV_ST_CLOSED)
		return;
	if (status < 0) {
		telnetsrv_conn_close(c, uv_strerror(status));
		return;
	}
	telnetsrv_conn_pump(c);
}

/* Hands c->wq to uv_write. */
static void telnetsrv_conn_flush(struct telnetsrv_conn *c)
{
	struct telnetsrv_write *w;
	uv_buf_t b;
	int rc;

	if (c->wq.len == 0 || c->state == TELNETSRV_ST_CLOSED || c->shutdown_sent)
		return;
	w = malloc(sizeof *w + c->wq.len);
	if (w == NULL)
		abort();
	w->c = c;
	w->len = c->wq.len;
	memcpy(w->data, c->wq.data, c->wq.len);
	buf_reset(&c->wq);
	b = uv_buf_init(w->data, (unsigned)w->len);
	rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, telnetsrv_conn_write_cb);
	if (rc < 0) {
		free(w);
		telnetsrv_conn_close(c, uv_strerror(rc));
		return;
	}
	c->inflight += w->len;
}

/* Application text for the client (escaped by libtelnet). */
static void telnetsrv_conn_send(struct telnetsrv_conn *c, const char *data, size_t len)
{
	if (c->proto != NULL)
		telnet_proto_send(c->proto, data, len);
	else
		buf_append(&c->wq, data, len);
}

static void telnetsrv_conn_send_scratch(struct telnetsrv_conn *c)
{
	telnetsrv_conn_send(c, c->scratch.data, c->scratch.len);
	buf_reset(&c->scratch);
}

static size_t telnetsrv_conn_room(const struct telnetsrv_conn *c)
{
	size_t used = c->inflight + c->wq.len;
	size_t hwm = c->t->host->limits->output_hwm;

	return used < hwm ? hwm - used : 0;
}

/* Takes session output while the bytes in flight stay below the high-water mark. */
static bool telnetsrv_conn_take_output(struct telnetsrv_conn *c)
{
	bool took = false;
	int stream;

	for (stream = 1; stream <= 2; stream++) {
		const char *p;
		size_t len, room;

		while (c->session != NULL && !c->shutdown_sent &&
		       (room = telnetsrv_conn_room(c)) > 0) {
			p = c->t->host->session->output(c->session, stream, &len);
			if (p == NULL || len == 0)
				break;
			if (len > room)
				len = room;
			telnetsrv_conn_send(c, p, len);
			c->t->host->session->output_consume(c->session, stream, len);
			telnetsrv_conn_flush(c);
			took = true;
			if (c->state == TELNETSRV_ST_CLOSED)
				return took;
		}
	}
	return took;
}

/* --- login ----------------------------------------------------------------------------- */

static void telnetsrv_conn_end(struct telnetsrv_conn *c, const char *msg, uint64_t deadline_ms,
			       const char *reason);

static void telnetsrv_conn_session_kick(void *transport)
{
	struct telnetsrv_conn *c = transport;

	if (c->state == TELNETSRV_ST_SESSION || c->state == TELNETSRV_ST_ENDING)
		telnetsrv_conn_pump(c);
}

static void telnetsrv_conn_session_close(void *transport, int status)
{
	struct telnetsrv_conn *c = transport;

	(void)status;
	telnetsrv_conn_end(c, NULL, TELNETSRV_CLOSE_FLUSH_MS, "session ended");
}

static const struct net_session_ops telnetsrv_session_ops = {
	.kick = telnetsrv_conn_session_kick,
	.close = telnetsrv_conn_session_close,
};

static void telnetsrv_conn_login_ok(struct telnetsrv_conn *c, const struct account *acct)
{
	struct net_session_params p;
	const char *term = telnet_proto_term(c->proto);
	int cols, rows;

	telnet_proto_size(c->proto, &cols, &rows);
	memset(&p, 0, sizeof p);
	p.id = c->id;
	p.transport = "telnet";
	p.peer = c->peer;
	p.env_lang = NULL;
	p.term = term ? term : "unknown";
	p.cols = cols > 0 ? cols : TELNETSRV_DEFAULT_COLS;
	p.rows = rows > 0 ? rows : TELNETSRV_DEFAULT_ROWS;
	p.pty = true;
	p.exec = NULL;
	p.account = acct;
	p.ops = &telnetsrv_session_ops;
	p.transport_ctx = c;
	c->session = c->t->host->session->create(c->t->host->session_host, &p);
	if (c->session == NULL) {
		log_error(c->id, "telnet: cannot create a session for %s", acct->name);
		telnetsrv_conn_end(c, TELNETSRV_MSG_ERROR, TELNETSRV_CLOSE_FLUSH_MS,
				   "session not created");
		return;
	}
	telnet_login_free(c->login);
	c->login = NULL;
	uv_timer_stop(&c->timer);
	c->state = TELNETSRV_ST_SESSION;
	c->logged_in = true;
	log_info(c->id, "telnet session of %s from %s (term %s, %dx%d)", acct->name, c->peer,
		 p.term, p.cols, p.rows);
	c->t->host->session->start(c->session);
}

/* Ends the connection with the reason on one line. */
static void telnetsrv_conn_end_why(struct telnetsrv_conn *c, const struct net_why *why,
				   uint64_t deadline_ms, const char *reason)
{
	char line[512];

	snprintf(line, sizeof line, "%s\r\n", why->both);
	telnetsrv_conn_end(c, line, deadline_ms, reason);
}

static void telnetsrv_conn_auth_cb(void *arg, enum net_auth_result r, struct account *acct,
				   const struct net_why *why)
{
	struct telnetsrv_conn *c = arg;

	c->auth = NULL;
	if (c->state != TELNETSRV_ST_AUTH)
		return;
	switch (r) {
	case NET_AUTH_OK:
		c->t->host->login(c->t->host->arg, &c->sc, acct->name);
		telnetsrv_conn_login_ok(c, acct);
		break;
	case NET_AUTH_FAIL:
		c->t->host->stage(c->t->host->arg, &c->sc, NET_CONN_FAILED);
		if (telnet_login_failed(c->login, &c->scratch)) {
			c->state = TELNETSRV_ST_LOGIN;
			telnetsrv_conn_send_scratch(c);
		} else {
			telnetsrv_conn_send_scratch(c);
			telnetsrv_conn_end(c, NULL, TELNETSRV_CLOSE_FLUSH_MS,
					   "too many failed logins");
		}
		break;
	case NET_AUTH_LOCKED:
	case NET_AUTH_REFUSED:
		if (why != NULL)
			telnetsrv_conn_end_why(c, why, TELNETSRV_CLOSE_FLUSH_MS, why->en);
		else
			telnetsrv_conn_end(c, TELNETSRV_MSG_LOCKED, TELNETSRV_CLOSE_FLUSH_MS,
					   "account locked");
		break;
	default:
		telnetsrv_conn_end(c, TELNETSRV_MSG_ERROR, TELNETSRV_CLOSE_FLUSH_MS, "auth error");
		break;
	}
	telnetsrv_conn_pump(c);
}

static void telnetsrv_conn_auth_start(struct telnetsrv_conn *c)
{
	struct audit_ctx ctx;

	memset(&ctx, 0, sizeof ctx);
	ctx.account = telnet_login_user(c->login);
	ctx.session = c->id;
	ctx.peer = c->peer;
	ctx.transport = "telnet";
	c->state = TELNETSRV_ST_AUTH;
	c->auth =
	    c->t->host->auth_password(c->t->host->auth, &ctx, &c->sc, telnet_login_user(c->login),
	                              telnet_login_password(c->login), telnetsrv_conn_auth_cb, c);
	telnet_login_wipe(c->login);
	if (c->auth == NULL) {
		log_error(c->id, "telnet: out of memory checking a password");
		telnetsrv_conn_end(c, TELNETSRV_MSG_ERROR, TELNETSRV_CLOSE_FLUSH_MS, "auth error");
	}
}

/* Wipes what was consumed from c->in before login: it may hold a password. */
static void telnetsrv_conn_in_consume(struct telnetsrv_conn *c, size_t n)
{
	buf_consume(&c->in, n);
	if (!c->logged_in && c->in.data != NULL)
		sodium_memzero(c->in.data + c->in.len, c->in.cap - c->in.len);
}

/* Gives queued input to the login prompts or the session. True when something was taken. */
static bool telnetsrv_conn_take_input(struct telnetsrv_conn *c)
{
	bool took = false;
	size_t n;

	while (c->in.len > 0) {
		if (c->state == TELNETSRV_ST_LOGIN) {
			enum telnet_login_event ev;

			/* Echo and redraws count against the output bound too. */
			if (telnetsrv_conn_room(c) == 0)
				break;
			ev = telnet_login_feed(c->login, c->in.data, c->in.len, &n, &c->scratch);
			telnetsrv_conn_in_consume(c, n);
			telnetsrv_conn_send_scratch(c);
			took = took || n > 0;
			if (ev == TELNET_LOGIN_READY)
				telnetsrv_conn_auth_start(c);
			else if (ev == TELNET_LOGIN_QUIT)
				telnetsrv_conn_end(c, NULL, TELNETSRV_CLOSE_FLUSH_MS,
						   "quit at login");
			else if (n == 0)
				break;
		} else if (c->state == TELNETSRV_ST_SESSION) {
			n = c->t->host->session->input(c->session, c->in.data, c->in.len);
			if (n == 0)
				break;
			buf_consume(&c->in, n);
			took = true;
		} else {
			break;
		}
	}
	return took;
}

/* --- the pump: input, output, reading and closing --------------------------------------- */

static void telnetsrv_conn_shutdown_cb(uv_shutdown_t *req, int status)
{
	struct telnetsrv_conn *c = req->data;

	if (c->state == TELNETSRV_ST_CLOSED)
		return;
	if (status < 0) {
		telnetsrv_conn_close(c, c->reason);
		return;
	}
	/* Wait for the client to close its side, so that closing never resets data it has not
	 * read yet; the deadline timer bounds the wait. */
	if (uv_read_start((uv_stream_t *)&c->tcp, telnetsrv_conn_alloc_cb,
			  telnetsrv_conn_read_cb) == 0)
		c->reading = true;
	else
		telnetsrv_conn_close(c, c->reason);
}

static void telnetsrv_conn_update_reading(struct telnetsrv_conn *c);

static void telnetsrv_conn_pump(struct telnetsrv_conn *c)
{
	bool again;

	if (c->state == TELNETSRV_ST_CLOSED)
		return;
	if (c->pumping) {
		c->pump_again = true;
		return;
	}
	c->pumping = true;
	do {
		c->pump_again = false;
		again = telnetsrv_conn_take_input(c);
		if (c->state == TELNETSRV_ST_CLOSED)
			break;
		again = telnetsrv_conn_take_output(c) || again;
		if (c->state == TELNETSRV_ST_CLOSED)
			break;
		telnetsrv_conn_flush(c);
	} while ((again || c->pump_again) && c->state != TELNETSRV_ST_CLOSED &&
		 (c->in.len > 0 || c->pump_again));
	c->pumping = false;
	if (c->state == TELNETSRV_ST_CLOSED)
		return;
	telnetsrv_conn_update_reading(c);
	if (c->state == TELNETSRV_ST_ENDING && !c->shutdown_sent && c->wq.len == 0 &&
	    (c->session == NULL || c->t->host->session->output_pending(c->session) == 0)) {
		int rc;

		c->shutdown.data = c;
		rc = uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, telnetsrv_conn_shutdown_cb);
		if (rc < 0)
			telnetsrv_conn_close(c, c->reason);
		else
			c->shutdown_sent = true;
	}
}

/* --- closing --------------------------------------------------------------------------- */

static void telnetsrv_conn_free(struct telnetsrv_conn *c)
{
	struct telnetsrv *t = c->t;

	if (c->session != NULL) {
		c->t->host->session->detach(c->session);
		c->session = NULL;
	}
	/* A refused connection was logged (or counted) by the host (log_refused). */
	if (c->sc.admitted) {
		log_info(c->id, "telnet disconnect %s (%s)", c->peer,
			 c->reason ? c->reason : "closed");
		t->host->release(t->host->arg, &c->sc);
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		t->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	t->nconns--;
	telnet_proto_free(c->proto);
	telnet_login_free(c->login);
	if (c->in.data != NULL)
		sodium_memzero(c->in.data, c->in.cap);
	buf_free(&c->in);
	buf_free(&c->wq);
	buf_free(&c->scratch);
	sodium_memzero(c->rbuf, sizeof c->rbuf);
	free(c);
	telnetsrv_maybe_free(t);
}

static void telnetsrv_conn_close_cb(uv_handle_t *h)
{
	struct telnetsrv_conn *c = h->data;

	if (--c->handles == 0)
		telnetsrv_conn_free(c);
}

/* Closes now (no flush). The connection is freed, and its session detached, from the last
 * close callback, so this is safe from inside any callback, the session's included. */
static void telnetsrv_conn_close(struct telnetsrv_conn *c, const char *reason)
{
	if (c->state == TELNETSRV_ST_CLOSED)
		return;
	if (c->reason == NULL)
		c->reason = reason;
	c->state = TELNETSRV_ST_CLOSED;
	if (c->auth != NULL) {
		c->t->host->auth_cancel(c->auth);
		c->auth = NULL;
	}
	if (c->shutdown_sent) {
		/* Our side is flushed and half-closed, but the client has not closed its own (slow
		 * to read, under load): read away what it sent, so that closing sends no reset,
		 * which would drop our last lines from its socket before it read them. */
		uv_os_fd_t fd;
		char sink[4096];
		int i;

		if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0)
			for (i = 0; i < 64 && recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; i++)
				;
	}
	uv_close((uv_handle_t *)&c->tcp, telnetsrv_conn_close_cb);
	uv_close((uv_handle_t *)&c->timer, telnetsrv_conn_close_cb);
}

static void telnetsrv_conn_deadline_cb(uv_timer_t *timer)
{
	struct telnetsrv_conn *c = timer->data;

	if (c->state == TELNETSRV_ST_LOGIN || c->state == TELNETSRV_ST_AUTH) {
		log_info(c->id, "telnet login timed out for %s", c->peer);
		telnetsrv_conn_end(c, TELNETSRV_MSG_TIMEOUT, TELNETSRV_CLOSE_FLUSH_MS,
				   "login timed out");
		return;
	}
	telnetsrv_conn_close(c, c->reason ? c->reason : "flush timed out");
}

/* Ends the connection gracefully: msg (may be NULL) and the session's output are flushed, then
 * FIN; closed for good once the client closes too or after deadline_ms. */
static void telnetsrv_conn_end(struct telnetsrv_conn *c, const char *msg, uint64_t deadline_ms,
			       const char *reason)
{
	if (c->state == TELNETSRV_ST_ENDING || c->state == TELNETSRV_ST_CLOSED)
		return;
	c->reason = reason;
	if (c->auth != NULL) {
		c->t->host->auth_cancel(c->auth);
		c->auth = NULL;
	}
	c->state = TELNETSRV_ST_ENDING;
	if (c->reading) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = false;
	}
	telnetsrv_conn_in_consume(c, c->in.len);
	if (msg != NULL)
		telnetsrv_conn_send(c, msg, strlen(msg));
	uv_timer_start(&c->timer, telnetsrv_conn_deadline_cb, deadline_ms, 0);
	telnetsrv_conn_pump(c);
}

/* --- input ----------------------------------------------------------------------------- */

static void telnetsrv_conn_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct telnetsrv_conn *c = h->data;

	(void)suggested;
	*b = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void telnetsrv_conn_update_reading(struct telnetsrv_conn *c)
{
	bool want = (c->state == TELNETSRV_ST_LOGIN || c->state == TELNETSRV_ST_AUTH ||
		     c->state == TELNETSRV_ST_SESSION) &&
		    c->in.len < TELNETSRV_IN_MAX;

	if (want && !c->reading) {
		if (uv_read_start((uv_stream_t *)&c->tcp, telnetsrv_conn_alloc_cb,
				  telnetsrv_conn_read_cb) < 0) {
			telnetsrv_conn_close(c, "read failed");
			return;
		}
		c->reading = true;
	} else if (!want && c->reading && c->state != TELNETSRV_ST_ENDING) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = false;
	}
}

static void telnetsrv_conn_read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	struct telnetsrv_conn *c = s->data;

	(void)b;
	if (nread < 0) {
		telnetsrv_conn_close(c, nread == UV_EOF ? "client closed"
						       : uv_strerror((int)nread));
		return;
	}
	if (nread == 0 || c->state == TELNETSRV_ST_ENDING || c->state == TELNETSRV_ST_CLOSED)
		return; /* after our FIN: only waiting for the client's */
	if (!c->logged_in) {
		/* It spoke: a login dialogue (a person typing), no longer evictable as silent. */
		c->t->host->stage(c->t->host->arg, &c->sc, NET_CONN_AUTH);
		c->preauth += (size_t)nread;
		if (c->preauth > c->t->host->limits->preauth_input_max) {
			log_info(c->id, "telnet: %zu bytes before login from %s", c->preauth,
				 c->peer);
			telnetsrv_conn_end(c, TELNETSRV_MSG_TOO_MUCH, TELNETSRV_CLOSE_FLUSH_MS,
					   "too much input before login");
			return;
		}
	}
	telnet_proto_recv(c->proto, c->rbuf, (size_t)nread);
	if (!c->logged_in)
		sodium_memzero(c->rbuf, (size_t)nread);
	telnetsrv_conn_pump(c);
}

/* --- protocol callbacks ---------------------------------------------------------------- */

static void telnetsrv_conn_proto_send(void *arg, const char *data, size_t len)
{
	struct telnetsrv_conn *c = arg;

	buf_append(&c->wq, data, len);
}

static void telnetsrv_conn_proto_data(void *arg, const char *data, size_t len)
{
	struct telnetsrv_conn *c = arg;

	if (c->state == TELNETSRV_ST_LOGIN || c->state == TELNETSRV_ST_AUTH ||
	    c->state == TELNETSRV_ST_SESSION)
		buf_append(&c->in, data, len);
}

static void telnetsrv_conn_proto_resize(void *arg, int cols, int rows)
{
	struct telnetsrv_conn *c = arg;

	if (c->login != NULL)
		telnet_login_set_width(c->login, cols);
	if (c->session != NULL && c->state == TELNETSRV_ST_SESSION)
		c->t->host->session->resize(c->session, cols > 0 ? cols : TELNETSRV_DEFAULT_COLS,
			       rows > 0 ? rows : TELNETSRV_DEFAULT_ROWS);
}

static void telnetsrv_conn_proto_error(void *arg, const char *msg)
{
	struct telnetsrv_conn *c = arg;

	log_info(c->id, "telnet protocol error from %s: %s", c->peer, msg);
	telnetsrv_conn_close(c, "protocol error");
}

static const struct telnet_proto_ops telnetsrv_conn_proto_ops = {
	.send = telnetsrv_conn_proto_send,
	.data = telnetsrv_conn_proto_data,
	.resize = telnetsrv_conn_proto_resize,
	.error = telnetsrv_conn_proto_error,
};

/* --- accepting ------------------------------------------------------------------------- */

static void telnetsrv_peer_name(uv_tcp_t *tcp, char *out, size_t outlen)
{
	struct sockaddr_storage ss;
	int len = sizeof ss;
	char host[64];

	snprintf(out, outlen, "-");
	if (uv_tcp_getpeername(tcp, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;

		if (uv_ip4_name(sin, host, sizeof host) == 0)
			snprintf(out, outlen, "%s:%d", host, ntohs(sin->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;

		if (uv_ip6_name(sin6, host, sizeof host) == 0)
			snprintf(out, outlen, "[%s]:%d", host, ntohs(sin6->sin6_port));
	}
}

/* The server wants this connection's place for a newer one from its address. */
static bool telnetsrv_conn_evict_cb(struct net_conn *sc, const struct net_why *why)
{
	struct telnetsrv_conn *c =
		(struct telnetsrv_conn *)(void *)((char *)sc - offsetof(struct telnetsrv_conn, sc));
	uv_os_fd_t fd;
	char first;

	if (sc->stage == NET_CONN_SILENT && uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 &&
	    recv(fd, &first, 1, MSG_PEEK | MSG_DONTWAIT) > 0) {
		/* Its first bytes are here, not read yet: it has spoken. */
		c->t->host->stage(c->t->host->arg, sc, NET_CONN_AUTH);
		return false;
	}
	c->t->host->log_refused(c->t->host->arg, c->id, "telnet", c->peer, why->en);
	telnetsrv_conn_end_why(c, why, TELNETSRV_SHUTDOWN_FLUSH_MS, "evicted");
	return true;
}

static void telnetsrv_connection_cb(uv_stream_t *listener, int status)
{
	struct telnetsrv *t = listener->data;
	const struct net_host *host = t->host;
	const struct net_why *why = NULL;
	struct telnetsrv_conn *c;
	int rc;

	if (status < 0) {
		log_warn(NULL, "telnet accept: %s", uv_strerror(status));
		return;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL)
		abort();
	c->t = t;
	buf_init(&c->in);
	buf_init(&c->wq);
	buf_init(&c->scratch);
	uv_tcp_init(host->loop, &c->tcp);
	uv_timer_init(host->loop, &c->timer);
	c->tcp.data = c->timer.data = c;
	c->handles = 2;
	c->state = TELNETSRV_ST_LOGIN;
	c->next = t->conns;
	if (t->conns)
		t->conns->prev = c;
	t->conns = c;
	t->nconns++;
	host->new_id(host->arg, c->id);
	rc = uv_accept(listener, (uv_stream_t *)&c->tcp);
	if (rc < 0) {
		log_warn(NULL, "telnet accept: %s", uv_strerror(rc));
		telnetsrv_conn_close(c, "accept failed");
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	telnetsrv_peer_name(&c->tcp, c->peer, sizeof c->peer);
	addrlimit_peer_addr(c->peer, c->addr);
	c->sc.evict = telnetsrv_conn_evict_cb;
	rc = host->admit(host->arg, &c->sc, c->addr, &why);
	if (rc < 0) {
		host->log_refused(host->arg, c->id, "telnet", c->peer, why->en);
		telnetsrv_conn_end_why(c, why, TELNETSRV_SHUTDOWN_FLUSH_MS, "refused");
		return;
	}
	log_info(c->id, "telnet connection from %s", c->peer);
	c->proto = telnet_proto_new(&telnetsrv_conn_proto_ops, c);
	c->login = telnet_login_new(TELNETSRV_DEFAULT_COLS, TELNETSRV_LOGIN_TRIES);
	telnet_login_start(c->login, &c->scratch);
	telnetsrv_conn_send_scratch(c);
	uv_timer_start(&c->timer, telnetsrv_conn_deadline_cb,
		       (uint64_t)host->limits->auth_timeout_s * 1000, 0);
	telnetsrv_conn_pump(c);
}

/* --- the listener ---------------------------------------------------------------------- */

static void telnetsrv_listener_close_cb(uv_handle_t *h)
{
	struct telnetsrv *t = h->data;

	t->listener_closed = true;
	telnetsrv_maybe_free(t);
}

static int telnetsrv_addr(const char *addr, int port, struct sockaddr_storage *ss, bool *loopback)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (uv_ip4_addr(addr, port, sin) == 0) {
		*loopback = (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
		return 0;
	}
	if (uv_ip6_addr(addr, port, sin6) == 0) {
		*loopback = IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
		return 0;
	}
	return -EINVAL;
}

int telnetsrv_start(const struct net_host *host, const char *addr, int port, struct telnetsrv **out)
{
	struct sockaddr_storage ss;
	struct telnetsrv *t;
	bool loopback = false;
	int rc;

	if (addr == NULL || telnetsrv_addr(addr, port, &ss, &loopback) < 0) {
		log_error(NULL, "telnet: listen address \"%s\" is not an IP address",
			  addr ? addr : "");
		return -EINVAL;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL)
		abort();
	t->host = host;
	uv_tcp_init(host->loop, &t->listener);
	t->listener.data = t;
	rc = uv_tcp_bind(&t->listener, (const struct sockaddr *)&ss, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&t->listener, 128, telnetsrv_connection_cb);
	if (rc < 0) {
		log_error(NULL, "telnet: cannot listen on %s:%d: %s", addr, port, uv_strerror(rc));
		t->stopping = true;
		uv_close((uv_handle_t *)&t->listener, telnetsrv_listener_close_cb);
		return rc;
	}
	if (!loopback)
		log_warn(NULL, "telnet listens on %s:%d, not a loopback address: user names and "
			 "passwords cross the network in clear text", addr, port);
	else
		log_info(NULL, "telnet listening on %s:%d", addr, port);
	*out = t;
	return 0;
}

void telnetsrv_shutdown(struct telnetsrv *t)
{
	struct telnetsrv_conn *c, *next;

	if (t == NULL || t->stopping)
		return;
	t->stopping = true;
	uv_close((uv_handle_t *)&t->listener, telnetsrv_listener_close_cb);
	for (c = t->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == TELNETSRV_ST_ENDING) {
			/* Already flushing: keep it within the shutdown bound. */
			uv_timer_start(&c->timer, telnetsrv_conn_deadline_cb,
				       TELNETSRV_SHUTDOWN_FLUSH_MS, 0);
			continue;
		}
		/* Sessions got the server's notice; the login prompts get ours. */
		telnetsrv_conn_end(c, c->session == NULL ? TELNETSRV_MSG_STOPPING : NULL,
				   TELNETSRV_SHUTDOWN_FLUSH_MS, "service stopping");
	}
}

int telnetsrv_connections(const struct telnetsrv *t)
{
	return t ? t->nconns : 0;
}

