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

#include "addrlimit.h"
#include "log.h"
#include "config.h"
#include "store.h"
#include "store_account.h"
#include "store_audit.h"
#include "xalloc.h"

const struct net_why auth_why_locked = {
    "this account is locked: ask an admin",
    "account locked / 账户已锁定，请联系管理员",
};
const struct net_why auth_why_pair_locked = {
    "too many failed logins for this account from your address: try again later, log in "
    "with your key, or ask an admin (user unlock)",
    "too many failed logins for this account from your address: try again later, log in with "
    "your key, or ask an admin / 该账号从您所在地址登录失败次数过多：请稍后再试、用密钥登录，或请管理员解锁",
};
const struct net_why auth_why_addr_banned = {
    "password logins from your address are paused after many failed attempts: log in with "
    "your key, or ask an admin (ban lift)",
    "password logins from your address are paused after many failed attempts: log in with "
    "your key, or ask an admin / 您所在地址登录失败次数过多，已暂停密码登录：请用密钥登录，或请管理员解除",
};
const struct net_why auth_why_busy = {
    "too many password checks are waiting, try again shortly",
    "too many password checks are waiting, try again shortly / 等待核对的密码过多，请稍后再试",
};

enum auth_job_kind { AUTH_JOB_LOGIN, AUTH_JOB_HASH, AUTH_JOB_VERIFY };

/* Password checks waiting for a worker, at most: beyond it a login is answered "busy" at once
 * instead of queueing without bound (each waiting check holds a client and its password).
 * The queue is kept in order of the (name, address) pair's failures, so that a storm of
 * wrong passwords waits behind everyone else; when it is full, a check of a pair with fewer
 * failures takes the place of the last one. */
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
	int prio;               /* waiting order: the pair's failures (0 for hash and verify) */
	int rc;                 /* worker result */
	struct auth_req *req;   /* AUTH_JOB_LOGIN */
	auth_hash_cb cb;        /* AUTH_JOB_HASH / VERIFY */
	void *arg;
};

struct auth_req {
	struct auth *a;
	char *user;
	char *session, *peer, *transport;
	char addr[64];          /* the source address, no port */
	bool trusted;           /* from a trusted network */
	struct net_conn *sc; /* the connection, or NULL (then no session limits) */
	const struct net_why *why;
	net_auth_cb cb;
	void *arg;
	struct account acct;
	bool have_acct;
	struct auth_job *job;   /* while the check is queued or running */
	uv_timer_t delay;
	enum net_auth_result result;
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
	struct auth_host host;
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

int auth_new(const struct auth_host *host, struct auth **out)
{
	struct auth *a = calloc(1, sizeof *a);
	unsigned char junk[24];
	char pw[sizeof junk * 2 + 1];
	int i, n;

	if (a == NULL)
		return -ENOMEM;
	a->host = *host;
	/* Unknown accounts are checked against this hash, so that their answer takes as long
	 * as a real one and does not tell which names exist. */
	randombytes_buf(junk, sizeof junk);
	sodium_bin2hex(pw, sizeof pw, junk, sizeof junk);
	if (auth_hash_sync(pw, host->cfg->hash_opslimit, host->cfg->hash_memlimit, a->dummy_hash,
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
	n = host->cfg->hash_workers < AUTH_HASHERS_MAX ? host->cfg->hash_workers : AUTH_HASHERS_MAX;
	for (i = 0; i < (n > 0 ? n : 1); i++) {
		if (uv_thread_create(&a->hashers[i], auth_hasher_main, a) != 0)
			break;
		a->nhashers++;
	}
	if (a->nhashers == 0 || uv_async_init(host->loop, &a->done_async, auth_done_cb) != 0) {
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

/* Into the wait queue, after every job with the same or a lower prio. */
static void auth_wait_insert(struct auth *a, struct auth_job *j)
{
	struct auth_job **pp = &a->wait_head;

	while (*pp != NULL && (*pp)->prio <= j->prio)
		pp = &(*pp)->next;
	j->next = *pp;
	*pp = j;
	if (j->next == NULL)
		a->wait_tail = j;
	a->waiting++;
}

/* Takes j out of the wait queue (it is there). */
static void auth_wait_remove(struct auth *a, struct auth_job *j)
{
	struct auth_job **pp, *prev = NULL;

	for (pp = &a->wait_head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			if (a->wait_tail == j)
				a->wait_tail = prev;
			j->next = NULL;
			a->waiting--;
			return;
		}
		prev = *pp;
	}
}

/* Queue the job, or start it when fewer than hash_workers are running: each argon2id check
 * uses its memory limit and a core, so the pool never takes both cores from the loop. */
static void auth_job_start(struct auth *a, struct auth_job *j)
{
	if (a->running < a->host.cfg->hash_workers) {
		auth_job_submit(a, j);
		return;
	}
	auth_wait_insert(a, j);
}

static void auth_job_next(struct auth *a)
{
	while (a->wait_head != NULL && a->running < a->host.cfg->hash_workers) {
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
	j->opslimit = a->host.cfg->hash_opslimit;
	j->memlimit = a->host.cfg->hash_memlimit;
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
		r->cb(r->arg, r->result, r->result == NET_AUTH_OK ? &r->acct : NULL,
		      r->result == NET_AUTH_LOCKED || r->result == NET_AUTH_REFUSED ? r->why
		                                                                    : NULL);
	auth_req_release(r);
}

static void auth_req_delay_cb(uv_timer_t *t)
{
	auth_req_finish(t->data);
}

/* Answers after delay_ms (a timer, so nothing waits on the loop). */
static void auth_req_answer(struct auth_req *r, enum net_auth_result result,
			    const struct net_why *why, int64_t delay_ms)
{
	r->result = result;
	r->why = why;
	/* While the answer waits, the connection is one that has failed: it may make room. */
	if (r->sc != NULL && result != NET_AUTH_OK)
		r->a->host.conn_stage(r->a->host.arg, r->sc, NET_CONN_FAILED);
	uv_timer_start(&r->delay, auth_req_delay_cb, delay_ms > 0 ? (uint64_t)delay_ms : 0, 0);
}

static int64_t auth_now(const struct auth *a)
{
	return (int64_t)uv_now(a->host.loop);
}

/* A wrong password, or any password for a name that has no account (checked against the
 * dummy hash all the same): the same bookkeeping and the same delay for both, from the
 * (name, address) pair. */
static void auth_login_failed(struct auth_req *r)
{
	struct auth *a = r->a;
	struct addrlimit_fail f;
	struct audit_ctx ctx;
	char detail[160];
	int rc;

	auth_req_ctx(r, &ctx);
	addrlimit_failed(a->host.limits, r->user, r->addr, r->trusted, auth_now(a), &f);
	if (r->have_acct) {
		/* Counted on the account for `user list`; it locks nothing by itself. */
		rc = store_account_login_failed(a->host.store, &ctx, r->user, "wrong password", 0,
						0, NULL);
		if (rc < 0)
			log_error(r->session, "failed login of %s not recorded: %s", r->user,
				  store_strerror(rc, "en"));
		log_info(r->session, "login failed for %s from %s (%d from this address)%s",
			 r->user, r->peer, f.failures, f.pair_locked ? ", locked out" : "");
	} else {
		store_audit(a->host.store, &ctx, "login.fail", r->user, "unknown account");
		log_info(r->session, "login failed for unknown account from %s (%d from this address)%s",
			 r->peer, f.failures, f.pair_locked ? ", locked out" : "");
	}
	if (f.pair_locked) {
		snprintf(detail, sizeof detail,
			 "locked out from %s for %d s after %d failures (other addresses and key "
			 "logins unaffected)", r->addr, a->host.cfg->lockout_s, f.failures);
		store_audit(a->host.store, &ctx, "login.lockout", r->user, detail);
	}
	if (f.addr_banned) {
		struct audit_ctx actx = {.peer = r->peer, .transport = r->transport};

		snprintf(detail, sizeof detail,
			 "password logins refused for %d s: penalty %d (failed logins, one forgiven "
			 "every %d s); key logins unaffected", a->host.cfg->lockout_s, f.addr_score,
			 a->host.cfg->addr_decay_s);
		log_warn(NULL, "address %s: password logins refused for %d s after failed logins "
			 "(penalty %d)", r->addr, a->host.cfg->lockout_s, f.addr_score);
		store_audit(a->host.store, &actx, "login.addr_refused", r->addr, detail);
	}
	if (f.pair_locked)
		auth_req_answer(r, NET_AUTH_LOCKED, &auth_why_pair_locked, f.delay_ms);
	else
		auth_req_answer(r, NET_AUTH_FAIL, NULL, f.delay_ms);
}

static void auth_login_result(struct auth_req *r, int match)
{
	struct auth *a = r->a;
	const struct net_why *why = NULL;
	struct audit_ctx ctx;
	int rc;

	auth_req_ctx(r, &ctx);
	if (match < 0) {
		r->result = NET_AUTH_ERROR;
		auth_req_finish(r);
		return;
	}
	if (!r->have_acct || !match) {
		auth_login_failed(r);
		return;
	}
	if (r->sc != NULL && a->host.login_check(a->host.arg, r->user, &why) < 0) {
		store_audit(a->host.store, &ctx, "login.refused", r->user, why->en);
		log_info(r->session, "login of %s from %s refused: %s", r->user, r->peer, why->en);
		auth_req_answer(r, NET_AUTH_REFUSED, why, 0);
		return;
	}
	rc = store_account_login_ok(a->host.store, &ctx, r->user);
	if (rc < 0) {
		/* The login could not be recorded (disk full, database locked): an unaudited
		 * login is not allowed. */
		log_error(r->session, "login of %s not recorded: %s", r->user,
			  store_strerror(rc, "en"));
		r->result = NET_AUTH_ERROR;
		auth_req_finish(r);
		return;
	}
	/* Its own failures from here were typos: they leave the address's score. */
	addrlimit_succeeded(a->host.limits, r->user, r->addr, auth_now(a));
	log_info(r->session, "login %s (%s) by password from %s", r->user,
		 role_name(r->acct.role), r->peer);
	r->result = NET_AUTH_OK;
	auth_req_finish(r);
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

/* "Busy": too many checks wait. Audited; answered after the first failure delay. */
static void auth_req_busy(struct auth_req *r)
{
	struct audit_ctx actx;

	auth_req_ctx(r, &actx);
	store_audit(r->a->host.store, &actx, "login.busy", r->user,
		    "too many password checks waiting");
	log_warn(r->session, "password check for %s from %s refused: %d checks waiting", r->user,
		 r->peer, r->a->waiting);
	auth_req_answer(r, NET_AUTH_REFUSED, &auth_why_busy, r->a->host.cfg->fail_delay_ms);
}

/* Room in a full wait queue for a check of prio: the last waiting login check, when its pair
 * has had more failures, is answered "busy". False when there is no such room. */
static bool auth_wait_make_room(struct auth *a, int prio)
{
	struct auth_job *last = a->wait_tail;
	struct auth_req *r;

	if (last == NULL || last->kind != AUTH_JOB_LOGIN || last->prio <= prio)
		return false;
	auth_wait_remove(a, last);
	r = last->req;
	r->job = NULL;
	auth_job_free(last);
	auth_req_busy(r);
	return true;
}

struct auth_req *auth_password(struct auth *a, const struct audit_ctx *ctx,
			       struct net_conn *sc, const char *user,
			       const char *password, net_auth_cb cb, void *arg)
{
	struct auth_req *r = calloc(1, sizeof *r);
	struct audit_ctx actx;
	int64_t now = auth_now(a), left = 0;
	char detail[160];
	int rc, failures;

	if (r == NULL)
		return NULL;
	r->a = a;
	r->user = xalloc_strdup(user);
	r->session = xalloc_strdup(ctx->session);
	r->peer = xalloc_strdup(ctx->peer ? ctx->peer : "-");
	r->transport = xalloc_strdup(ctx->transport);
	r->cb = cb;
	r->arg = arg;
	if (sc != NULL) {
		snprintf(r->addr, sizeof r->addr, "%s", sc->addr);
		r->trusted = sc->trusted;
		r->sc = sc;
	} else {
		addrlimit_peer_addr(r->peer, r->addr);
		r->trusted = addrlimit_nets_match(a->host.cfg->trusted, a->host.cfg->ntrusted,
						  r->addr);
	}
	uv_timer_init(a->host.loop, &r->delay);
	r->delay.data = r;

	rc = store_account_get(a->host.store, user, &r->acct);
	if (rc == 0) {
		r->have_acct = true;
	} else if (rc != STORE_ENOENT) {
		log_error(r->session, "account lookup failed: %s", store_strerror(rc, "en"));
		r->result = NET_AUTH_ERROR;
		uv_timer_start(&r->delay, auth_req_delay_cb, 0, 0);
		return r;
	}
	/* From here on the same steps for any name, whether an account has it or not. */
	failures = addrlimit_pair_failures(a->host.limits, user, r->addr, now);
	auth_req_ctx(r, &actx);
	if (r->have_acct && r->acct.locked) {
		store_audit(a->host.store, &actx, "login.refused", user, "account locked");
		log_info(r->session, "login refused for %s from %s: account locked", user, r->peer);
		auth_req_answer(r, NET_AUTH_LOCKED, &auth_why_locked,
				addrlimit_delay_ms(a->host.limits, failures + 1));
		return r;
	}
	if (addrlimit_pair_locked(a->host.limits, user, r->addr, now, &left)) {
		snprintf(detail, sizeof detail, "locked out from %s for %lld s more", r->addr,
			 (long long)(left + 999) / 1000);
		store_audit(a->host.store, &actx, "login.refused", user, detail);
		log_info(r->session, "login refused for %s from %s: %s", user, r->peer, detail);
		auth_req_answer(r, NET_AUTH_LOCKED, &auth_why_pair_locked,
				addrlimit_delay_ms(a->host.limits, failures));
		return r;
	}
	if (!r->trusted && addrlimit_addr_banned(a->host.limits, r->addr, now, &left)) {
		snprintf(detail, sizeof detail,
			 "password logins from %s refused for %lld s more after failed logins",
			 r->addr, (long long)(left + 999) / 1000);
		store_audit(a->host.store, &actx, "login.refused", user, detail);
		log_info(r->session, "login refused for %s from %s: %s", user, r->peer, detail);
		auth_req_answer(r, NET_AUTH_REFUSED, &auth_why_addr_banned,
				addrlimit_delay_ms(a->host.limits, failures + 1));
		return r;
	}
	if (a->waiting >= AUTH_WAIT_MAX && !auth_wait_make_room(a, failures)) {
		auth_req_busy(r);
		return r;
	}
	r->job = auth_job_new(a, AUTH_JOB_LOGIN, password);
	if (r->job == NULL) {
		auth_req_release(r);
		return NULL;
	}
	r->job->req = r;
	r->job->prio = failures;
	if (r->have_acct && r->acct.pwhash != NULL)
		r->job->hash = xalloc_strdup(r->acct.pwhash);
	auth_job_start(a, r->job);
	return r;
}

void auth_cancel(struct auth_req *r)
{
	struct auth *a;
	struct auth_job *it;

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
	for (it = a->wait_head; it != NULL; it = it->next) {
		if (it == r->job) {
			auth_wait_remove(a, it);
			auth_job_free(it);
			r->job = NULL;
			auth_req_release(r);
			return;
		}
	}
	/* With a hasher: its answer, when it comes back, frees the request. */
}

enum net_auth_result auth_pubkey(struct auth *a, const struct audit_ctx *ctx,
			     const struct net_conn *sc, const char *user, const char *keytype,
			     const char *blob, bool final, struct account *acct,
			     const struct net_why **why)
{
	struct account_key *keys = NULL;
	struct account found;
	struct audit_ctx actx = *ctx;
	size_t n = 0, i;
	bool match = false;
	int rc;

	memset(&found, 0, sizeof found);
	if (store_account_get(a->host.store, user, &found) < 0)
		return NET_AUTH_FAIL;
	actx.account = user;
	actx.role = role_name(found.role);
	/* Only an admin's lock stops a key: failed passwords (anyone's) do not. */
	if (found.locked) {
		if (final)
			store_audit(a->host.store, &actx, "login.refused", user, "account locked");
		store_account_clear(&found);
		*why = &auth_why_locked;
		return NET_AUTH_LOCKED;
	}
	if (store_account_keys(a->host.store, user, &keys, &n) < 0) {
		store_account_clear(&found);
		return NET_AUTH_ERROR;
	}
	for (i = 0; i < n && !match; i++)
		match = strcmp(keys[i].keytype, keytype) == 0 && strcmp(keys[i].blob, blob) == 0;
	store_account_keys_free(keys, n);
	if (!match) {
		store_account_clear(&found);
		return NET_AUTH_FAIL;
	}
	if (final) {
		if (sc != NULL && a->host.login_check(a->host.arg, user, why) < 0) {
			store_audit(a->host.store, &actx, "login.refused", user, (*why)->en);
			log_info(ctx->session, "login of %s from %s refused: %s", user,
				 ctx->peer ? ctx->peer : "-", (*why)->en);
			store_account_clear(&found);
			return NET_AUTH_REFUSED;
		}
		rc = store_account_login_ok(a->host.store, &actx, user);
		if (rc < 0) {
			log_error(ctx->session, "login of %s not recorded: %s", user,
				  store_strerror(rc, "en"));
			store_account_clear(&found);
			return NET_AUTH_ERROR;
		}
		log_info(ctx->session, "login %s (%s) by key %s from %s", user,
			 role_name(found.role), keytype, ctx->peer ? ctx->peer : "-");
		*acct = found;
		return NET_AUTH_OK;
	}
	store_account_clear(&found);
	return NET_AUTH_OK;
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
		j->hash = xalloc_strdup(hash);
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
