/* auth — password and key checks, slowed and locked out after failures. */
#include "auth.h"

#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "log.h"
#include "server.h"
#include "store.h"
#include "store_account.h"
#include "store_audit.h"

enum auth_job_kind { AUTH_JOB_LOGIN, AUTH_JOB_HASH, AUTH_JOB_VERIFY };

/* Password checks waiting for a worker, at most: beyond it a login is answered "busy" at once
 * instead of queueing without bound (each waiting check holds a client and its password). */
#define AUTH_WAIT_MAX 64

struct auth_job {
	struct auth_job *next;  /* in the auth's wait queue, then in the hashers' queues */
	struct auth *a;
	enum auth_job_kind kind;
	char *password;         /* wiped before free */
	size_t password_len;
	char *hash;             /* for verify; NULL: verify against the dummy hash */
	int opslimit;
	size_t memlimit;
	char out[crypto_pwhash_STRBYTES];
	int rc;                 /* worker result */
	struct auth_req *req;   /* AUTH_JOB_LOGIN */
	auth_hash_cb cb;        /* AUTH_JOB_HASH / VERIFY */
	void *arg;
};

struct auth_req {
	struct auth *a;
	char *user;
	char *session, *peer, *transport;
	auth_cb cb;
	void *arg;
	struct account acct;
	bool have_acct;
	struct auth_job *job;   /* while the check is queued or running */
	uv_timer_t delay;
	enum auth_result result;
	bool cancelled;
	bool finished;
};

/* The hashers: threads of their own, not libuv's pool. An argon2id check takes a core for a
 * tenth of a second; on the pool, a storm of them kept the pool's threads from being scheduled,
 * and the loop, handing any other work to the pool, waited in pthread_cond_signal for them
 * (glibc's condition variables make a signaller wait for earlier waiters to wake), so every
 * agent's keystrokes waited too. Hashers run at a lower priority (nice AUTH_HASHER_NICE: the
 * loop and the pool win the cores at once), and nothing the loop does waits for them: jobs go
 * in under a mutex held for a list operation, a semaphore wakes a hasher, and results come
 * back through a uv_async. */
#define AUTH_HASHERS_MAX 8
#define AUTH_HASHER_NICE 10

struct auth {
	struct server *srv;
	int running;            /* jobs handed to the hashers */
	int waiting;            /* jobs in the wait queue */
	struct auth_job *wait_head, *wait_tail;
	char dummy_hash[crypto_pwhash_STRBYTES];
	uv_thread_t hashers[AUTH_HASHERS_MAX];
	int nhashers;
	uv_mutex_t lock;        /* todo, done and stop */
	uv_sem_t wake;          /* one post per job, and one per hasher to stop */
	struct auth_job *todo_head, *todo_tail; /* for the hashers, in order */
	struct auth_job *done;  /* checked, for the loop (any order) */
	bool stop;
	uv_async_t done_async;  /* referenced while jobs are out */
	bool async_open;
};

static char *auth_strdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		abort();
	return p;
}

int auth_hash_sync(const char *password, int opslimit, size_t memlimit, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	if (crypto_pwhash_str(out, password, strlen(password), (unsigned long long)opslimit,
			      memlimit) != 0)
		return -1;
	return 0;
}

static void auth_job_work(struct auth_job *j);
static void auth_job_done(struct auth_job *j);
static void auth_job_free(struct auth_job *j);

static void auth_hasher_main(void *arg)
{
	struct auth *a = arg;
	id_t tid = (id_t)syscall(SYS_gettid);
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, tid);
	if (errno == 0 && now < AUTH_HASHER_NICE)
		setpriority(PRIO_PROCESS, tid, AUTH_HASHER_NICE); /* this thread only (Linux) */
	for (;;) {
		struct auth_job *j;

		uv_sem_wait(&a->wake);
		uv_mutex_lock(&a->lock);
		if (a->stop) {
			uv_mutex_unlock(&a->lock);
			return;
		}
		j = a->todo_head;
		if (j != NULL) {
			a->todo_head = j->next;
			if (a->todo_head == NULL)
				a->todo_tail = NULL;
		}
		uv_mutex_unlock(&a->lock);
		if (j == NULL)
			continue;
		auth_job_work(j);
		uv_mutex_lock(&a->lock);
		j->next = a->done;
		a->done = j;
		uv_mutex_unlock(&a->lock);
		uv_async_send(&a->done_async);
	}
}

/* On the loop: hands back what the hashers checked. */
static void auth_done_cb(uv_async_t *h)
{
	struct auth *a = h->data;
	struct auth_job *list;

	uv_mutex_lock(&a->lock);
	list = a->done;
	a->done = NULL;
	uv_mutex_unlock(&a->lock);
	while (list != NULL) {
		struct auth_job *j = list;

		list = j->next;
		auth_job_done(j);
	}
}

void auth_close(struct auth *a)
{
	if (a == NULL || !a->async_open)
		return;
	a->async_open = false;
	uv_close((uv_handle_t *)&a->done_async, NULL);
}

int auth_new(struct server *srv, struct auth **out)
{
	struct auth *a = calloc(1, sizeof *a);
	unsigned char junk[24];
	char pw[sizeof junk * 2 + 1];
	int i, n;

	if (a == NULL)
		return -ENOMEM;
	a->srv = srv;
	/* Unknown accounts are checked against this hash, so that their answer takes as long
	 * as a real one and does not tell which names exist. */
	randombytes_buf(junk, sizeof junk);
	sodium_bin2hex(pw, sizeof pw, junk, sizeof junk);
	if (auth_hash_sync(pw, srv->cfg.hash_opslimit, srv->cfg.hash_memlimit, a->dummy_hash,
			   sizeof a->dummy_hash) < 0) {
		free(a);
		return -ENOMEM;
	}
	sodium_memzero(pw, sizeof pw);
	if (uv_mutex_init(&a->lock) != 0) {
		free(a);
		return -ENOMEM;
	}
	if (uv_sem_init(&a->wake, 0) != 0) {
		uv_mutex_destroy(&a->lock);
		free(a);
		return -ENOMEM;
	}
	n = srv->cfg.hash_workers < AUTH_HASHERS_MAX ? srv->cfg.hash_workers : AUTH_HASHERS_MAX;
	for (i = 0; i < (n > 0 ? n : 1); i++) {
		if (uv_thread_create(&a->hashers[i], auth_hasher_main, a) != 0)
			break;
		a->nhashers++;
	}
	if (a->nhashers == 0 || uv_async_init(srv->loop, &a->done_async, auth_done_cb) != 0) {
		auth_free(a);
		return -ENOMEM;
	}
	a->done_async.data = a;
	a->async_open = true;
	uv_unref((uv_handle_t *)&a->done_async);
	*out = a;
	return 0;
}

void auth_free(struct auth *a)
{
	int i;

	if (a == NULL)
		return;
	uv_mutex_lock(&a->lock);
	a->stop = true;
	uv_mutex_unlock(&a->lock);
	for (i = 0; i < a->nhashers; i++)
		uv_sem_post(&a->wake);
	for (i = 0; i < a->nhashers; i++)
		uv_thread_join(&a->hashers[i]);
	/* Only a forced stop leaves checks behind: nobody waits for them any more. */
	while (a->todo_head != NULL || a->done != NULL) {
		struct auth_job *j = a->todo_head != NULL ? a->todo_head : a->done;

		if (j == a->todo_head)
			a->todo_head = j->next;
		else
			a->done = j->next;
		auth_job_free(j);
	}
	uv_sem_destroy(&a->wake);
	uv_mutex_destroy(&a->lock);
	free(a);
}

static void auth_job_free(struct auth_job *j)
{
	if (j->password != NULL) {
		sodium_memzero(j->password, j->password_len);
		free(j->password);
	}
	free(j->hash);
	sodium_memzero(j->out, sizeof j->out);
	free(j);
}

/* On a hasher thread. */
static void auth_job_work(struct auth_job *j)
{
	switch (j->kind) {
	case AUTH_JOB_HASH:
		j->rc = crypto_pwhash_str(j->out, j->password, j->password_len,
					  (unsigned long long)j->opslimit, j->memlimit) == 0 ? 0 : -ENOMEM;
		break;
	case AUTH_JOB_LOGIN:
	case AUTH_JOB_VERIFY:
		j->rc = crypto_pwhash_str_verify(j->hash ? j->hash : j->a->dummy_hash, j->password,
						 j->password_len) == 0;
		if (j->hash == NULL)
			j->rc = 0;
		break;
	}
}

static void auth_job_submit(struct auth *a, struct auth_job *j)
{
	if (a->running++ == 0)
		uv_ref((uv_handle_t *)&a->done_async); /* the loop waits for the answer */
	j->next = NULL;
	uv_mutex_lock(&a->lock);
	if (a->todo_tail != NULL)
		a->todo_tail->next = j;
	else
		a->todo_head = j;
	a->todo_tail = j;
	uv_mutex_unlock(&a->lock);
	uv_sem_post(&a->wake);
}

/* Queue the job, or start it when fewer than hash_workers are running: each argon2id check
 * uses its memory limit and a core, so the pool never takes both cores from the loop. */
static void auth_job_start(struct auth *a, struct auth_job *j)
{
	if (a->running < a->srv->cfg.hash_workers) {
		auth_job_submit(a, j);
		return;
	}
	j->next = NULL;
	if (a->wait_tail)
		a->wait_tail->next = j;
	else
		a->wait_head = j;
	a->wait_tail = j;
	a->waiting++;
}

static void auth_job_next(struct auth *a)
{
	while (a->wait_head != NULL && a->running < a->srv->cfg.hash_workers) {
		struct auth_job *j = a->wait_head;

		a->wait_head = j->next;
		if (a->wait_head == NULL)
			a->wait_tail = NULL;
		a->waiting--;
		auth_job_submit(a, j);
	}
}

static struct auth_job *auth_job_new(struct auth *a, enum auth_job_kind kind, const char *password)
{
	struct auth_job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	j->a = a;
	j->kind = kind;
	j->password_len = strlen(password);
	j->password = malloc(j->password_len + 1);
	if (j->password == NULL) {
		free(j);
		return NULL;
	}
	memcpy(j->password, password, j->password_len + 1);
	j->opslimit = a->srv->cfg.hash_opslimit;
	j->memlimit = a->srv->cfg.hash_memlimit;
	return j;
}

static void auth_req_close_cb(uv_handle_t *h)
{
	struct auth_req *r = h->data;

	store_account_clear(&r->acct);
	free(r->user);
	free(r->session);
	free(r->peer);
	free(r->transport);
	free(r);
}

static void auth_req_release(struct auth_req *r)
{
	uv_close((uv_handle_t *)&r->delay, auth_req_close_cb);
}

static void auth_req_ctx(const struct auth_req *r, struct audit_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->account = r->user;
	ctx->session = r->session;
	ctx->peer = r->peer;
	ctx->transport = r->transport;
	if (r->have_acct)
		ctx->role = role_name(r->acct.role);
}

static void auth_req_finish(struct auth_req *r)
{
	r->finished = true;
	if (!r->cancelled)
		r->cb(r->arg, r->result, r->result == AUTH_OK ? &r->acct : NULL);
	auth_req_release(r);
}

static void auth_req_delay_cb(uv_timer_t *t)
{
	auth_req_finish(t->data);
}

/* A failure is answered only after a delay that doubles with each consecutive failure of
 * the account (or the address, for unknown names): a timer, so nothing waits on the loop. */
static void auth_req_fail(struct auth_req *r, enum auth_result result, int failures)
{
	const struct config *cfg = &r->a->srv->cfg;
	uint64_t delay = (uint64_t)cfg->fail_delay_ms;
	char addr[64];
	int i;

	server_peer_addr(r->peer, addr);
	server_addr_failed(r->a->srv, addr);
	for (i = 1; i < failures && delay < (uint64_t)cfg->fail_delay_max_ms; i++)
		delay *= 2;
	if (delay > (uint64_t)cfg->fail_delay_max_ms)
		delay = (uint64_t)cfg->fail_delay_max_ms;
	r->result = result;
	uv_timer_start(&r->delay, auth_req_delay_cb, delay, 0);
}

static int auth_addr_failures(struct auth *a, const char *peer)
{
	struct server_addr *sa;
	char addr[64];

	server_peer_addr(peer, addr);
	for (sa = a->srv->addrs; sa != NULL; sa = sa->next)
		if (strcmp(sa->addr, addr) == 0)
			return sa->failures + 1;
	return 1;
}

static void auth_login_result(struct auth_req *r, int match)
{
	struct auth *a = r->a;
	struct audit_ctx ctx;
	bool locked_out = false;
	char addr[64];
	int rc;

	auth_req_ctx(r, &ctx);
	if (match < 0) {
		r->result = AUTH_ERROR;
		auth_req_finish(r);
		return;
	}
	if (!r->have_acct) {
		store_audit(a->srv->store, &ctx, "login.fail", r->user, "unknown account");
		log_info(r->session, "login failed for unknown account from %s", r->peer);
		auth_req_fail(r, AUTH_FAIL, auth_addr_failures(a, r->peer));
		return;
	}
	if (match) {
		rc = store_account_login_ok(a->srv->store, &ctx, r->user);
		if (rc < 0) {
			/* The login could not be recorded (disk full, database locked): an
			 * unaudited login is not allowed. */
			log_error(r->session, "login of %s not recorded: %s", r->user,
				  store_strerror(rc, "en"));
			r->result = AUTH_ERROR;
			auth_req_finish(r);
			return;
		}
		server_peer_addr(r->peer, addr);
		server_addr_succeeded(a->srv, addr);
		log_info(r->session, "login %s (%s) by password from %s", r->user,
			 role_name(r->acct.role), r->peer);
		r->result = AUTH_OK;
		auth_req_finish(r);
		return;
	}
	rc = store_account_login_failed(a->srv->store, &ctx, r->user, "wrong password",
	                                a->srv->cfg.login_max_failures, a->srv->cfg.lockout_s,
	                                &locked_out);
	if (rc < 0)
		log_error(r->session, "failed login of %s not recorded: %s", r->user,
			  store_strerror(rc, "en"));
	log_info(r->session, "login failed for %s from %s (%d in a row)%s", r->user, r->peer,
		 r->acct.failed + 1, locked_out ? ", account locked out" : "");
	auth_req_fail(r, locked_out ? AUTH_LOCKED : AUTH_FAIL, r->acct.failed + 1);
}

static void auth_job_done(struct auth_job *j)
{
	struct auth *a = j->a;

	if (--a->running == 0)
		uv_unref((uv_handle_t *)&a->done_async);
	if (j->kind == AUTH_JOB_LOGIN) {
		struct auth_req *r = j->req;

		r->job = NULL;
		if (r->cancelled)
			auth_req_release(r);
		else
			auth_login_result(r, j->rc);
	} else if (j->kind == AUTH_JOB_HASH) {
		j->cb(j->arg, j->rc, j->rc == 0 ? j->out : NULL);
	} else {
		j->cb(j->arg, j->rc, NULL);
	}
	auth_job_free(j);
	auth_job_next(a);
}

struct auth_req *auth_password(struct auth *a, const struct audit_ctx *ctx, const char *user,
			       const char *password, auth_cb cb, void *arg)
{
	struct auth_req *r = calloc(1, sizeof *r);
	int64_t now = (int64_t)time(NULL);
	struct audit_ctx actx;
	int rc;

	if (r == NULL)
		return NULL;
	r->a = a;
	r->user = auth_strdup(user);
	r->session = auth_strdup(ctx->session);
	r->peer = auth_strdup(ctx->peer ? ctx->peer : "-");
	r->transport = auth_strdup(ctx->transport);
	r->cb = cb;
	r->arg = arg;
	uv_timer_init(a->srv->loop, &r->delay);
	r->delay.data = r;

	rc = store_account_get(a->srv->store, user, &r->acct);
	if (rc == 0) {
		r->have_acct = true;
		if (r->acct.locked || r->acct.locked_until > now) {
			auth_req_ctx(r, &actx);
			store_audit(a->srv->store, &actx, "login.refused", user,
				    r->acct.locked ? "account locked" : "account locked out");
			log_info(r->session, "login refused for %s from %s: account %s", user,
				 r->peer, r->acct.locked ? "locked" : "locked out");
			auth_req_fail(r, AUTH_LOCKED, r->acct.failed);
			return r;
		}
	} else if (rc != STORE_ENOENT) {
		log_error(r->session, "account lookup failed: %s", store_strerror(rc, "en"));
		r->result = AUTH_ERROR;
		uv_timer_start(&r->delay, auth_req_delay_cb, 0, 0);
		return r;
	}
	if (a->waiting >= AUTH_WAIT_MAX) {
		auth_req_ctx(r, &actx);
		store_audit(a->srv->store, &actx, "login.busy", user, "too many password checks waiting");
		log_warn(r->session, "password check for %s from %s refused: %d checks waiting", user,
			 r->peer, a->waiting);
		r->result = AUTH_ERROR;
		uv_timer_start(&r->delay, auth_req_delay_cb, (uint64_t)a->srv->cfg.fail_delay_ms, 0);
		return r;
	}
	r->job = auth_job_new(a, AUTH_JOB_LOGIN, password);
	if (r->job == NULL) {
		auth_req_release(r);
		return NULL;
	}
	r->job->req = r;
	if (r->have_acct && r->acct.pwhash != NULL)
		r->job->hash = auth_strdup(r->acct.pwhash);
	auth_job_start(a, r->job);
	return r;
}

void auth_cancel(struct auth_req *r)
{
	struct auth *a;
	struct auth_job **pp;

	if (r == NULL || r->cancelled || r->finished)
		return;
	a = r->a;
	r->cancelled = true;
	if (r->job == NULL) {
		/* Waiting on the failure delay. */
		uv_timer_stop(&r->delay);
		auth_req_release(r);
		return;
	}
	for (pp = &a->wait_head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r->job) {
			struct auth_job *prev = NULL, *it;

			*pp = r->job->next;
			a->waiting--;
			a->wait_tail = NULL;
			for (it = a->wait_head; it != NULL; it = it->next)
				prev = it;
			a->wait_tail = prev;
			auth_job_free(r->job);
			r->job = NULL;
			auth_req_release(r);
			return;
		}
	}
	/* With a hasher: its answer, when it comes back, frees the request. */
}

enum auth_result auth_pubkey(struct auth *a, const struct audit_ctx *ctx, const char *user,
			     const char *keytype, const char *blob, bool final,
			     struct account *acct)
{
	struct account_key *keys = NULL;
	struct account found;
	struct audit_ctx actx = *ctx;
	size_t n = 0, i;
	bool match = false;
	int rc;

	memset(&found, 0, sizeof found);
	if (store_account_get(a->srv->store, user, &found) < 0)
		return AUTH_FAIL;
	actx.account = user;
	actx.role = role_name(found.role);
	if (found.locked || found.locked_until > (int64_t)time(NULL)) {
		if (final)
			store_audit(a->srv->store, &actx, "login.refused", user, "account locked");
		store_account_clear(&found);
		return AUTH_LOCKED;
	}
	if (store_account_keys(a->srv->store, user, &keys, &n) < 0) {
		store_account_clear(&found);
		return AUTH_ERROR;
	}
	for (i = 0; i < n && !match; i++)
		match = strcmp(keys[i].keytype, keytype) == 0 && strcmp(keys[i].blob, blob) == 0;
	store_account_keys_free(keys, n);
	if (!match) {
		store_account_clear(&found);
		return AUTH_FAIL;
	}
	if (final) {
		char addr[64];

		rc = store_account_login_ok(a->srv->store, &actx, user);
		if (rc < 0) {
			log_error(ctx->session, "login of %s not recorded: %s", user,
				  store_strerror(rc, "en"));
			store_account_clear(&found);
			return AUTH_ERROR;
		}
		server_peer_addr(ctx->peer ? ctx->peer : "-", addr);
		server_addr_succeeded(a->srv, addr);
		log_info(ctx->session, "login %s (%s) by key %s from %s", user,
			 role_name(found.role), keytype, ctx->peer ? ctx->peer : "-");
		*acct = found;
		return AUTH_OK;
	}
	store_account_clear(&found);
	return AUTH_OK;
}

static int auth_async(struct auth *a, enum auth_job_kind kind, const char *hash,
		      const char *password, auth_hash_cb cb, void *arg)
{
	struct auth_job *j = auth_job_new(a, kind, password);

	if (j == NULL)
		return -ENOMEM;
	j->cb = cb;
	j->arg = arg;
	if (hash != NULL)
		j->hash = auth_strdup(hash);
	auth_job_start(a, j);
	return 0;
}

int auth_hash(struct auth *a, const char *password, auth_hash_cb cb, void *arg)
{
	return auth_async(a, AUTH_JOB_HASH, NULL, password, cb, arg);
}

int auth_verify(struct auth *a, const char *hash, const char *password, auth_hash_cb cb,
		void *arg)
{
	if (hash == NULL)
		return -EINVAL;
	return auth_async(a, AUTH_JOB_VERIFY, hash, password, cb, arg);
}
