/* sshsrv_auth — the SSH listener's authentication: the messages libssh queues for us before
 * the channel is open (a password is checked by auth off the loop while later messages are
 * parked; a public key at once), and the host key. */
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

/* libssh 0.10 marks these message accessors deprecated in favour of server callbacks, which
 * cannot keep a message across a thread-pool check (see the notes); they are what works. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static const char *sshsrv_auth_msg_password(ssh_message msg)
{
	return ssh_message_auth_password(msg);
}

static ssh_key sshsrv_auth_msg_pubkey(ssh_message msg)
{
	return ssh_message_auth_pubkey(msg);
}

static enum ssh_publickey_state_e sshsrv_auth_msg_pubkey_state(ssh_message msg)
{
	return ssh_message_auth_publickey_state(msg);
}
#pragma GCC diagnostic pop

/* ---- authentication --------------------------------------------------------------------- */

static void sshsrv_auth_audit_ctx(const struct sshsrv_conn *c, const char *user,
                                  struct audit_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->account = user;
	ctx->session = c->id;
	ctx->peer = c->peer;
	ctx->transport = "ssh";
}

uint64_t sshsrv_auth_timeout_ms(const struct net_limits *cfg)
{
	return (uint64_t)(cfg->auth_timeout_s > 0 ? cfg->auth_timeout_s : 30) * 1000;
}

static void sshsrv_auth_failed(struct sshsrv_conn *c)
{
	if (++c->failures >= SSHSRV_MAX_AUTH_FAILURES)
		sshsrv_conn_fail(c, "too many authentication failures (%d)", c->failures);
}

/* A login whose key or password was right but that the service could not check or record (no
 * login goes unaudited: a full disk or a locked database refuses it): the client is told so in
 * the disconnect message (OpenSSH prints it), rather than left to think its key or password
 * was wrong and try again. The request gets no "failure" answer: on one, a client with no other
 * method to try gives up with "permission denied" before it reads the disconnect. */
static void sshsrv_auth_error(struct sshsrv_conn *c)
{
	ssh_session_set_disconnect_message(c->ssh,
	                                   "the service could not record this login just now "
	                                   "(disk full or database locked?): try again later");
	sshsrv_conn_fail(c, "login not completed: the service could not record it");
}

/* The client is in: takes the account (acct is left empty), registers the server callbacks for
 * the channel, and switches the timers from the authentication deadline to idle/keepalive. */
static void sshsrv_auth_authenticated(struct sshsrv_conn *c, struct account *acct)
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
	uv_timer_start(&c->timer, sshsrv_conn_timer_cb, sshsrv_auth_timeout_ms(cfg), 0);
}

static void sshsrv_auth_start_keepalive(struct sshsrv_conn *c)
{
	int ka = c->owner->host->limits->keepalive_s;

	if (ka > 0)
		uv_timer_start(&c->ka_timer, sshsrv_conn_ka_timer_cb, (uint64_t)ka * 1000,
		               (uint64_t)ka * 1000);
}

/* A login refused whatever the client tries next on this connection (a lock, a ban, no room):
 * the reason goes in the disconnect message, which OpenSSH prints; no "failure" answer, as in
 * sshsrv_auth_error. */
static void sshsrv_auth_refused(struct sshsrv_conn *c, const struct net_why *why)
{
	ssh_session_set_disconnect_message(c->ssh, why->en);
	sshsrv_conn_fail(c, "login refused: %s", why->en);
}

static void sshsrv_auth_password_cb(void *arg, enum net_auth_result r, struct account *acct,
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
		sshsrv_auth_authenticated(c, acct);
		sshsrv_auth_start_keepalive(c);
	} else if (r == NET_AUTH_ERROR) {
		sshsrv_auth_error(c); /* no "failure" answer: the client would stop there */
	} else if ((r == NET_AUTH_LOCKED || r == NET_AUTH_REFUSED) && why != NULL) {
		sshsrv_auth_refused(c, why);
	} else {
		ssh_message_reply_default(msg);
		c->owner->host->stage(c->owner->host->arg, &c->sc, NET_CONN_FAILED);
		sshsrv_auth_failed(c);
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
			sshsrv_auth_message(c, m);
		}
	}
	if (!c->dead)
		sshsrv_conn_pump(c);
	sshsrv_conn_leave(c);
}

static void sshsrv_auth_password(struct sshsrv_conn *c, ssh_message msg, const char *user)
{
	struct audit_ctx ctx;
	const char *pw = sshsrv_auth_msg_password(msg);

	sshsrv_auth_audit_ctx(c, user, &ctx);
	c->amsg = msg;
	c->areq = c->owner->host->auth_password(c->owner->host->auth, &ctx, &c->sc, user,
	                                        pw ? pw : "", sshsrv_auth_password_cb, c);
	if (c->areq == NULL) {
		c->amsg = NULL;
		ssh_message_reply_default(msg);
		ssh_message_free(msg);
		sshsrv_conn_fail(c, "out of memory");
	}
}

static void sshsrv_auth_pubkey(struct sshsrv_conn *c, ssh_message msg, const char *user)
{
	enum ssh_publickey_state_e state = sshsrv_auth_msg_pubkey_state(msg);
	ssh_key key = sshsrv_auth_msg_pubkey(msg);
	struct account acct;
	struct audit_ctx ctx;
	enum net_auth_result r = NET_AUTH_FAIL;
	const struct net_why *why = NULL;
	const char *keytype = NULL;
	char *b64 = NULL;

	memset(&acct, 0, sizeof acct);
	sshsrv_auth_audit_ctx(c, user, &ctx);
	if (key != NULL) {
		keytype = ssh_key_type_to_char(ssh_key_type(key));
		if (keytype == NULL || ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
			b64 = NULL;
	}
	if (b64 == NULL) {
		ssh_message_reply_default(msg);
		sshsrv_auth_failed(c);
	} else if (state == SSH_PUBLICKEY_STATE_NONE) {
		/* A probe: "would this key do?" */
		r = c->owner->host->auth_pubkey(c->owner->host->auth, &ctx, &c->sc, user, keytype,
		                                b64, false, &acct, &why);
		if (r == NET_AUTH_OK) {
			ssh_message_auth_reply_pk_ok_simple(msg);
		} else {
			log_debug(c->id, "ssh key %s offered for %s: not accepted", keytype, user);
			ssh_message_reply_default(msg);
			sshsrv_auth_failed(c);
		}
	} else if (state == SSH_PUBLICKEY_STATE_VALID) {
		r = c->owner->host->auth_pubkey(c->owner->host->auth, &ctx, &c->sc, user, keytype,
		                                b64, true, &acct, &why);
		if (r == NET_AUTH_OK) {
			ssh_message_auth_reply_success(msg, 0);
			c->owner->host->login(c->owner->host->arg, &c->sc, acct.name);
			sshsrv_auth_authenticated(c, &acct);
			sshsrv_auth_start_keepalive(c);
		} else {
			log_info(c->id, "ssh key %s refused for %s from %s%s", keytype, user,
			         c->peer, r == NET_AUTH_LOCKED ? " (account locked)" : "");
			if (r == NET_AUTH_ERROR) {
				sshsrv_auth_error(c); /* no "failure" answer, see there */
			} else if (r == NET_AUTH_REFUSED && why != NULL) {
				sshsrv_auth_refused(c, why);
			} else {
				ssh_message_reply_default(msg);
				sshsrv_auth_failed(c);
			}
		}
	} else {
		log_info(c->id, "ssh key %s for %s from %s: bad signature", keytype, user, c->peer);
		ssh_message_reply_default(msg);
		sshsrv_auth_failed(c);
	}
	store_account_clear(&acct);
	ssh_string_free_char(b64);
	ssh_message_free(msg);
}

/* Handles one message of the authentication phase; takes msg. */
void sshsrv_auth_message(struct sshsrv_conn *c, ssh_message msg)
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
		sshsrv_auth_failed(c);
		return;
	}
	switch (ssh_message_subtype(msg)) {
	case SSH_AUTH_METHOD_PASSWORD:
		sshsrv_auth_password(c, msg, user);
		return;
	case SSH_AUTH_METHOD_PUBLICKEY:
		sshsrv_auth_pubkey(c, msg, user);
		return;
	default:
		/* "none" (the client asking which methods work) and the rest: the list. */
		ssh_message_reply_default(msg);
		ssh_message_free(msg);
		return;
	}
}

/* Takes every queued authentication message; with a password check in flight they are parked. */
void sshsrv_auth_drain(struct sshsrv_conn *c)
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
		sshsrv_auth_message(c, msg);
	}
}

/* ---- the host key ------------------------------------------------------------------------ */

static int sshsrv_auth_hostkey_generate(const char *path)
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

int sshsrv_auth_hostkey_load(const char *path, ssh_key *out)
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
		if (sshsrv_auth_hostkey_generate(path) < 0)
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
