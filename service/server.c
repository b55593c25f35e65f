/* server — the daemon's shared state on the one loop, and its life cycle. */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addrlimit.h"
#include "auth.h"
#include "catalog.h"
#include "checklist.h"
#include "log.h"
#include "session.h"
#include "sshsrv.h"
#include "store.h"
#include "store_report.h"
#include "store_audit.h"
#include "store_draft.h"
#include "store_eval.h"
#include "store_schema.h"
#include "store_seal.h"
#include "retention.h"
#include "telnetsrv.h"
#include "xalloc.h"

/* How long a graceful stop may take before the loop is stopped anyway. */
#define SERVER_STOP_GRACE_MS 5000

const struct net_why server_why_busy = {
    "the service is busy with other logins, try again shortly",
    "the service is busy with other logins, try again shortly / 服务正忙于处理其他登录，请稍后再试",
};
const struct net_why server_why_per_addr = {
    "too many connections from your address are logging in, try again shortly",
    "too many connections from your address are logging in, try again shortly / "
    "您所在地址正在登录的连接过多，请稍后再试",
};
const struct net_why server_why_stopping = {
    "the service is stopping",
    "the service is stopping / 服务正在停止",
};
const struct net_why server_why_evicted = {
    "closed to make room for a newer login from your address",
    "closed to make room for a newer login from your address / 为您所在地址的新登录腾出位置，连接已关闭",
};
const struct net_why server_why_full = {
    "the service holds as many sessions as it may (max_sessions), try again later",
    "the service holds as many sessions as it may (max_sessions), try again later / "
    "服务的会话数已满，请稍后再试",
};
const struct net_why server_why_account = {
    "this account has as many sessions open as it may (max_sessions_per_account): "
    "close one first",
    "this account has as many sessions open as it may (max_sessions_per_account): close one "
    "first / 该账号打开的会话数已达上限，请先关闭一个",
};

/* How often addrlimit forgets what has run out. */
#define SERVER_LIMITS_GC_MS 10000

static int64_t server_now_ms(const struct server *srv)
{
	return (int64_t)uv_now(srv->loop);
}

static bool server_addr_trusted(const struct server *srv, const char *addr)
{
	return addrlimit_nets_match(srv->cfg.trusted, srv->cfg.ntrusted, addr);
}

static void server_limits_params(const struct config *cfg, struct addrlimit_params *p)
{
	memset(p, 0, sizeof *p);
	p->max_failures = cfg->login_max_failures;
	p->lockout_ms = (int64_t)cfg->lockout_s * 1000;
	p->fail_delay_ms = cfg->fail_delay_ms;
	p->fail_delay_max_ms = cfg->fail_delay_max_ms;
	p->addr_max_failures = cfg->addr_max_failures;
	p->addr_decay_ms = (int64_t)cfg->addr_decay_s * 1000;
}

/* The monitoring policy, from the running configuration; its team lists point into cfg, in
 * an array the caller frees (p->teams) once the monitor has copied them. */
static void server_monitor_policy(const struct config *cfg, struct monitor_policy *p)
{
	struct monitor_scope *teams = NULL;
	size_t i;

	memset(p, 0, sizeof *p);
	if (cfg->nmonitor_teams > 0) {
		teams = xalloc_calloc(cfg->nmonitor_teams, sizeof *teams);
		for (i = 0; i < cfg->nmonitor_teams; i++) {
			teams[i].supervisor = cfg->monitor_teams[i].supervisor;
			teams[i].teams = cfg->monitor_teams[i].teams;
		}
	}
	p->teams = teams;
	p->nteams = cfg->nmonitor_teams;
	p->scope_all = cfg->monitor_scope_all;
	p->notify = cfg->monitor_notify;
	p->scrollback = cfg->monitor_scrollback;
	p->watch_buffer = cfg->monitor_watch_buffer;
}

/* The settings the transports follow, from the running configuration. */
static void server_net_limits(struct server *srv)
{
	srv->net_limits.auth_timeout_s = srv->cfg.auth_timeout_s;
	srv->net_limits.preauth_input_max = srv->cfg.preauth_input_max;
	srv->net_limits.output_hwm = srv->cfg.output_hwm;
	srv->net_limits.idle_timeout_s = srv->cfg.idle_timeout_s;
	srv->net_limits.keepalive_s = srv->cfg.keepalive_s;
}

/* The connection from addr that gives its place to a newer one (addrlimit's rule), or NULL. */
static struct net_conn *server_conn_victim(struct server *srv, const char *addr)
{
	struct net_conn *sc, *best = NULL;
	int64_t now = server_now_ms(srv);

	for (sc = srv->conns; sc != NULL; sc = sc->next) {
		if (sc->evicted || sc->evict == NULL || strcmp(sc->addr, addr) != 0 ||
		    !addrlimit_evictable((enum addrlimit_stage)sc->stage, (int64_t)sc->stage_ms, now))
			continue;
		if (best == NULL ||
		    addrlimit_evict_before((enum addrlimit_stage)sc->stage, (int64_t)sc->stage_ms,
					   (enum addrlimit_stage)best->stage, (int64_t)best->stage_ms))
			best = sc;
	}
	return best;
}

static int server_conn_admit(void *arg, struct net_conn *sc, const char *addr,
			     const struct net_why **why)
{
	struct server *srv = arg;
	unsigned total = addrlimit_startups_total(srv->limits);

	if (srv->stopping) {
		*why = &server_why_stopping;
		return -EAGAIN;
	}
	if (addrlimit_startups_drop(&srv->cfg.startups, total, randombytes_random())) {
		*why = &server_why_busy;
		return -EAGAIN;
	}
	snprintf(sc->addr, sizeof sc->addr, "%s", addr);
	sc->trusted = server_addr_trusted(srv, addr);
	/* A trusted network is one site's floor: only the overall limit applies to it. */
	if (!sc->trusted &&
	    addrlimit_startups(srv->limits, addr) >= (unsigned)srv->cfg.max_startups_per_addr) {
		struct net_conn *victim;

		for (;;) {
			victim = server_conn_victim(srv, addr);
			if (victim == NULL) {
				*why = &server_why_per_addr;
				return -EMFILE;
			}
			/* false: it turned out to have spoken (and moved on); look again. */
			victim->evicted = true;
			if (victim->evict(victim, &server_why_evicted))
				break;
			victim->evicted = false;
		}
	}
	sc->stage = NET_CONN_SILENT;
	sc->stage_ms = uv_now(srv->loop);
	sc->admitted = true;
	sc->prev = NULL;
	sc->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = sc;
	srv->conns = sc;
	srv->nconns++;
	addrlimit_startup_begin(srv->limits, addr);
	return 0;
}

static void server_conn_stage(void *arg, struct net_conn *sc, enum net_conn_stage stage)
{
	struct server *srv = arg;
	if (!sc->admitted || sc->stage == NET_CONN_LOGGED_IN || stage == NET_CONN_LOGGED_IN ||
	    stage == sc->stage)
		return;
	/* Forward only, but a failure after AUTH is news, and AUTH again after a failure is not. */
	if (stage < sc->stage && stage != NET_CONN_FAILED)
		return;
	sc->stage = stage;
	sc->stage_ms = uv_now(srv->loop);
}

static int server_login_check(void *arg, const char *account, const struct net_why **why)
{
	struct server *srv = arg;
	const struct net_conn *sc;
	int n = 0;

	if (srv->nlogged >= (size_t)srv->cfg.max_sessions) {
		*why = &server_why_full;
		return -EUSERS;
	}
	if (srv->cfg.max_sessions_per_account <= 0)
		return 0;
	for (sc = srv->conns; sc != NULL; sc = sc->next)
		if (sc->stage == NET_CONN_LOGGED_IN && strcmp(sc->account, account) == 0)
			n++;
	if (n >= srv->cfg.max_sessions_per_account) {
		*why = &server_why_account;
		return -EDQUOT;
	}
	return 0;
}

static void server_conn_login(void *arg, struct net_conn *sc, const char *account)
{
	struct server *srv = arg;

	if (!sc->admitted || sc->stage == NET_CONN_LOGGED_IN)
		return;
	addrlimit_startup_end(srv->limits, sc->addr, server_now_ms(srv));
	sc->stage = NET_CONN_LOGGED_IN;
	sc->stage_ms = uv_now(srv->loop);
	sc->account = xalloc_strdup(account);
	srv->nlogged++;
}

static void server_conn_release(void *arg, struct net_conn *sc)
{
	struct server *srv = arg;
	if (!sc->admitted)
		return;
	sc->admitted = false;
	if (sc->stage == NET_CONN_LOGGED_IN)
		srv->nlogged--;
	else
		addrlimit_startup_end(srv->limits, sc->addr, server_now_ms(srv));
	if (sc->prev != NULL)
		sc->prev->next = sc->next;
	else
		srv->conns = sc->next;
	if (sc->next != NULL)
		sc->next->prev = sc->prev;
	sc->prev = sc->next = NULL;
	srv->nconns--;
	free(sc->account);
	sc->account = NULL;
}

/* How often idle sessions are looked for (the warning comes at most this late). */
#define SERVER_IDLE_CHECK_MS 1000

static void server_idle_timer_cb(uv_timer_t *t)
{
	struct server *srv = t->data;
	struct session *s, *next;
	uint64_t now = uv_now(srv->loop);

	if (srv->cfg.idle_timeout_s <= 0 || srv->cfg.idle_warn_s <= 0)
		return;
	for (s = srv->sessions; s != NULL; s = next) {
		next = s->next;
		session_idle_check(s, now, srv->cfg.idle_timeout_s, srv->cfg.idle_warn_s);
	}
}

static void server_limits_timer_cb(uv_timer_t *t)
{
	struct server *srv = t->data;

	addrlimit_expire(srv->limits, server_now_ms(srv));
}

/* Logs how many refusals went unlogged, if any. */
static void server_refused_summary(struct server *srv)
{
	if (srv->refused_unlogged == 0)
		return;
	log_warn(NULL, "%u more connections refused (not logged one by one)",
		 srv->refused_unlogged);
	srv->refused_unlogged = 0;
}

static void server_log_refused(void *arg, const char *id, const char *transport,
			       const char *peer, const char *why)
{
	struct server *srv = arg;
	uint64_t now = uv_now(srv->loop);

	if (now - srv->refused_window_ms >= 1000) {
		server_refused_summary(srv);
		srv->refused_window_ms = now;
		srv->refused_logged = 0;
	}
	if (srv->refused_logged < SERVER_REFUSED_LOG_BURST) {
		srv->refused_logged++;
		log_warn(id, "%s connection from %s refused: %s", transport, peer, why);
		return;
	}
	srv->refused_unlogged++;
}

static void server_new_id(void *arg, char out[16])
{
	struct server *srv = arg;
	snprintf(out, 16, "s%06llx%04x", (unsigned long long)(++srv->next_id & 0xffffff),
		 (unsigned)(randombytes_random() & 0xffff));
}

static void server_session_add(void *arg, struct session *s)
{
	struct server *srv = arg;
	s->prev = NULL;
	s->next = srv->sessions;
	if (srv->sessions)
		srv->sessions->prev = s;
	srv->sessions = s;
	srv->nsessions++;
}

static void server_session_remove(void *arg, struct session *s)
{
	struct server *srv = arg;
	if (s->prev)
		s->prev->next = s->next;
	else if (srv->sessions == s)
		srv->sessions = s->next;
	else
		return; /* not registered */
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	srv->nsessions--;
}

/* Caps the database at [database] max_size on the writing connection (0: no cap); the only
 * connection that grows the file is the loop's. */
/* --- exec stdin under the budget ------------------------------------------------------- */

static void server_stdin_timer_cb(uv_timer_t *t);

static struct session *server_claim_session(struct budget_claim *c)
{
	return (struct session *)(void *)((char *)c - offsetof(struct session, stdin_claim));
}

static void server_stdin_granted_cb(void *arg, struct budget_claim *c)
{
	(void)arg;
	session_stdin_granted(server_claim_session(c));
}

static void server_stdin_expired_cb(void *arg, struct budget_claim *c)
{
	(void)arg;
	session_stdin_expired(server_claim_session(c));
}

/* Sets the timer for the first deadline in the line (stops it when nobody waits). */
static void server_stdin_arm(struct server *srv, uint64_t next)
{
	uint64_t now = uv_now(srv->loop);

	if (srv->stopping || uv_is_closing((uv_handle_t *)&srv->stdin_timer))
		return;
	if (next == 0) {
		uv_timer_stop(&srv->stdin_timer);
		return;
	}
	uv_timer_start(&srv->stdin_timer, server_stdin_timer_cb, next > now ? next - now : 0, 0);
}

static void server_stdin_timer_cb(uv_timer_t *t)
{
	struct server *srv = t->data;

	server_stdin_arm(srv, budget_expire(&srv->stdin_budget, uv_now(srv->loop),
					    server_stdin_expired_cb, server_stdin_granted_cb, srv));
}

static enum budget_answer server_stdin_claim(void *arg, struct budget_claim *c, size_t want)
{
	struct server *srv = arg;
	uint64_t now = uv_now(srv->loop);
	enum budget_answer a = budget_claim(&srv->stdin_budget, c, want, now,
					    (uint64_t)srv->cfg.stdin_wait_s * 1000);

	if (a == BUDGET_WAITING && !uv_is_active((uv_handle_t *)&srv->stdin_timer))
		server_stdin_arm(srv, c->deadline);
	return a;
}

static void server_stdin_release(void *arg, struct budget_claim *c)
{
	struct server *srv = arg;
	budget_release(&srv->stdin_budget, c, server_stdin_granted_cb, srv);
	if (srv->stdin_budget.nwaiting == 0 && !srv->stopping &&
	    !uv_is_closing((uv_handle_t *)&srv->stdin_timer))
		uv_timer_stop(&srv->stdin_timer);
}

static int server_apply_max_size(struct server *srv)
{
	int rc = store_set_max_size(srv->store, (uint64_t)srv->cfg.db_max_size);

	if (rc < 0) {
		log_error(NULL, "database %s: cannot apply max_size: %s (%s)", srv->db_path,
			  store_strerror(rc, "en"), store_last_error(srv->store));
		return rc;
	}
	if (srv->cfg.db_max_size > 0)
		log_info(NULL, "database %s: at most %zu bytes", srv->db_path,
			 srv->cfg.db_max_size);
	return 0;
}

/* Loads the catalogs named by cfg; on success replaces srv->catalog. */
static int server_load_catalog(struct server *srv, const struct config *cfg)
{
	struct catalog *c;
	char *err = NULL;

	if (catalog_load(cfg->catalog_dir, &c, &err) < 0) {
		log_error(NULL, "catalog: %s", err);
		free(err);
		return -1;
	}
	catalog_unref(srv->catalog);
	srv->catalog = c;
	log_info(NULL, "catalog: %zu techniques, %zu categories from %s", c->ntechniques,
		 c->ncategories, cfg->catalog_dir);
	/* Each content of the quality checklist is a version of its own, pinned as it loads. */
	if (c->checklist != NULL && srv->store != NULL) {
		struct audit_ctx ctx = {.account = "propdeskd", .transport = "cli"};
		char hash[EVAL_HASH_HEX + 1];
		int64_t version = 0;
		bool created = false;
		int rc = store_eval_pin(srv->store, &ctx, c->checklist->text, c->checklist->len,
					&version, hash, &created);

		if (rc < 0)
			log_warn(NULL, "checklist: not pinned: %s", store_strerror(rc, "en"));
		else
			log_info(NULL, "checklist: version %lld%s, sha256 %.16s…", (long long)version,
				 created ? " (new)" : "", hash);
	}
	return 0;
}

static void server_seal_timer_cb(uv_timer_t *t);

int server_reload(struct server *srv)
{
	struct config fresh;
	char *err = NULL;
	int level;

	if (srv->config_path == NULL) {
		log_info(NULL, "reload: running on built-in defaults, nothing to read");
		return 0;
	}
	if (config_load(srv->config_path, &fresh, &err) < 0) {
		log_error(NULL, "reload refused, keeping the running configuration: %s", err);
		free(err);
		config_free(&fresh);
		return -1;
	}
	if (server_load_catalog(srv, &fresh) < 0) {
		log_error(NULL, "reload refused, keeping the running configuration and catalogs");
		config_free(&fresh);
		return -1;
	}
	/* Listen addresses and the state directory need a restart; limits, auth and logging
	 * settings apply to new connections from now on. */
	free(fresh.state_dir);
	fresh.state_dir = srv->cfg.state_dir;
	srv->cfg.state_dir = NULL;
	free(fresh.ssh_addr);
	fresh.ssh_addr = srv->cfg.ssh_addr;
	srv->cfg.ssh_addr = NULL;
	fresh.ssh_port = srv->cfg.ssh_port;
	free(fresh.telnet_addr);
	fresh.telnet_addr = srv->cfg.telnet_addr;
	srv->cfg.telnet_addr = NULL;
	fresh.telnet_port = srv->cfg.telnet_port;
	fresh.telnet_enabled = srv->cfg.telnet_enabled;
	config_free(&srv->cfg);
	srv->cfg = fresh;
	level = log_level_parse(srv->cfg.log_level);
	if (level >= 0)
		log_set_level((enum log_level)level);
	server_net_limits(srv);
	{
		struct monitor_policy mp;

		server_monitor_policy(&srv->cfg, &mp);
		monitor_set_policy(&srv->monitor, &mp);
		free((void *)mp.teams);
	}
	loopwatch_set_threshold(&srv->watch, (unsigned)srv->cfg.stall_warn_ms);
	budget_set_limit(&srv->stdin_budget, srv->cfg.stdin_budget, (size_t)srv->cfg.stdin_waiting,
			 server_stdin_granted_cb, srv);
	if (srv->store != NULL)
		(void)server_apply_max_size(srv); /* logged; the old cap stays on failure */
	/* New thresholds; the counts, locks and bans so far are kept. */
	if (srv->limits != NULL) {
		struct addrlimit_params lp;

		server_limits_params(&srv->cfg, &lp);
		addrlimit_set_params(srv->limits, &lp);
	}
	/* The recordings' retention: from the next run. */
	if (srv->loop != NULL && !srv->stopping) {
		char *dir = config_record_dir(&srv->cfg);

		if (srv->retention == NULL)
			srv->retention = retention_start(srv->loop, srv->store, dir,
							 srv->cfg.record_keep_days);
		else
			retention_set(srv->retention, dir, srv->cfg.record_keep_days);
		free(dir);
	}
	/* The seal policy: the next seal follows it. */
	if (srv->sealing)
		store_seal_set_policy(srv->store, srv->cfg.audit_seal_events,
				      srv->cfg.audit_seal_interval_s);
	if (srv->loop != NULL && !srv->stopping)
		uv_timer_start(&srv->seal_timer, server_seal_timer_cb,
			       (uint64_t)srv->cfg.audit_seal_interval_s * 1000,
			       (uint64_t)srv->cfg.audit_seal_interval_s * 1000);
	log_info(NULL, "configuration reloaded from %s", srv->config_path);
	return 0;
}

static int server_reload_cb(void *arg)
{
	return server_reload(arg);
}

/* A transport has freed itself. */
static void server_transport_gone(void *arg, const void *transport)
{
	struct server *srv = arg;

	if ((const void *)srv->ssh == transport)
		srv->ssh = NULL;
	if ((const void *)srv->telnet == transport)
		srv->telnet = NULL;
}

/* What the transports do with their sessions. */
static const struct net_session_fns server_session_fns = {
	.create = session_new,
	.start = session_start,
	.input = session_input,
	.eof = session_eof,
	.resize = session_resize,
	.output = session_output,
	.output_consume = session_output_consume,
	.output_pending = session_output_pending,
	.can_take_input = session_can_take_input,
	.ended = session_ended,
	.notice = session_notice,
	.detach = session_detach,
};

/* What the lower layers are given: auth, the sessions and the transports. */
static void server_hosts_init(struct server *srv, struct auth_host *ah)
{
	memset(ah, 0, sizeof *ah);
	ah->loop = srv->loop;
	ah->store = srv->store;
	ah->cfg = &srv->cfg;
	ah->limits = srv->limits;
	ah->arg = srv;
	ah->login_check = server_login_check;
	ah->conn_stage = server_conn_stage;

	srv->session_host.loop = srv->loop;
	srv->session_host.cfg = &srv->cfg;
	srv->session_host.db_path = srv->db_path;
	srv->session_host.store = srv->store;
	srv->session_host.limits = srv->limits;
	srv->session_host.watch = &srv->watch;
	srv->session_host.stdin_budget = &srv->stdin_budget;
	srv->session_host.catalog = &srv->catalog;
	srv->session_host.monitor = &srv->monitor;
	srv->session_host.arg = srv;
	srv->session_host.add = server_session_add;
	srv->session_host.remove = server_session_remove;
	srv->session_host.reload = server_reload_cb;
	srv->session_host.stdin_claim = server_stdin_claim;
	srv->session_host.stdin_release = server_stdin_release;

	server_net_limits(srv);
	srv->net.loop = srv->loop;
	srv->net.limits = &srv->net_limits;
	srv->net.auth_password = auth_password;
	srv->net.auth_cancel = auth_cancel;
	srv->net.auth_pubkey = auth_pubkey;
	srv->net.session = &server_session_fns;
	srv->net.session_host = &srv->session_host;
	srv->net.arg = srv;
	srv->net.admit = server_conn_admit;
	srv->net.stage = server_conn_stage;
	srv->net.login = server_conn_login;
	srv->net.release = server_conn_release;
	srv->net.log_refused = server_log_refused;
	srv->net.new_id = server_new_id;
	srv->net.gone = server_transport_gone;
}

/* How often the WAL is checkpointed off the loop. */
#define SERVER_CKPT_INTERVAL_MS 1000

static void server_ckpt_work_cb(uv_work_t *w)
{
	struct server *srv = w->data;

	/* The medians' snapshot, when a new one is due (once in 64 hours), off the loop. */
	if (store_report_snapshot(srv->ckpt_store) < 0)
		log_warn(NULL, "the report's medians snapshot not taken: %s",
		         store_last_error(srv->ckpt_store));
	srv->ckpt_rc = store_checkpoint(srv->ckpt_store, NULL, NULL);
}

static void server_ckpt_after_cb(uv_work_t *w, int status)
{
	struct server *srv = w->data;

	srv->ckpt_running = false;
	if (status == 0 && srv->ckpt_rc < 0 && srv->ckpt_rc != STORE_EBUSY)
		log_warn(NULL, "WAL checkpoint failed: %s", store_strerror(srv->ckpt_rc, "en"));
}

static void server_ckpt_timer_cb(uv_timer_t *t)
{
	struct server *srv = t->data;

	if (srv->ckpt_running || srv->ckpt_store == NULL)
		return;
	srv->ckpt_running = true;
	srv->ckpt_work.data = srv;
	uv_queue_work(srv->loop, &srv->ckpt_work, server_ckpt_work_cb, server_ckpt_after_cb);
}

static void server_seal_log_cb(void *arg, const struct audit_seal *s, int err, const char *why)
{
	(void)arg;
	log_info(NULL, "audit seal #%lld: events up to %lld, hash %s, mac %s", (long long)s->n,
		 (long long)s->seq, s->hash, s->mac);
	if (err < 0)
		log_error(NULL, "audit seal #%lld: the next key could not be written: %s",
			  (long long)s->n, why != NULL ? why : "?");
}

/* Attaches the sealer when the key state exists (also later: after `propdeskd audit
 * init-key` on a running service) and seals what came since the last seal. */
static void server_seal(struct server *srv, bool quiet)
{
	int rc;

	if (!srv->sealing) {
		rc = store_seal_attach(srv->store, srv->seal_path, srv->cfg.audit_seal_events,
				       srv->cfg.audit_seal_interval_s, server_seal_log_cb, srv);
		if (rc == STORE_ENOENT) {
			if (!quiet)
				log_warn(NULL, "the audit log is not sealed: %s does not exist (run "
					 "propdeskd audit init-key)", srv->seal_path);
			return;
		}
		if (rc < 0) {
			if (!quiet)
				log_error(NULL, "the audit log cannot be sealed: %s: %s",
					  srv->seal_path, store_last_error(srv->store));
			return;
		}
		srv->sealing = true;
		log_info(NULL, "audit log sealed every %d events or %d s, key state %s",
			 srv->cfg.audit_seal_events, srv->cfg.audit_seal_interval_s,
			 srv->seal_path);
	}
	rc = store_seal_now(srv->store);
	if (rc < 0)
		log_error(NULL, "audit seal failed: %s", store_strerror(rc, "en"));
}

static void server_seal_timer_cb(uv_timer_t *t)
{
	server_seal(t->data, true);
}

static void server_stop_timer_cb(uv_timer_t *t)
{
	struct server *srv = t->data;

	log_warn(NULL, "sessions still open after %d ms: stopping anyway", SERVER_STOP_GRACE_MS);
	uv_stop(srv->loop);
}

void server_shutdown(struct server *srv)
{
	struct session *s;

	if (srv->stopping)
		return;
	srv->stopping = true;
	server_refused_summary(srv);
	log_info(NULL, "stopping: %zu sessions open", srv->nsessions);
	for (s = srv->sessions; s != NULL; s = s->next)
		session_notice_lang(s, "propdesk", "propdesk",
				    "the service is stopping; your work is saved.",
				    "服务正在停止，您的工作已保存。");
	if (srv->ssh)
		sshsrv_shutdown(srv->ssh);
	if (srv->telnet)
		telnetsrv_shutdown(srv->telnet);
	uv_close((uv_handle_t *)&srv->sigterm, NULL);
	uv_close((uv_handle_t *)&srv->sigint, NULL);
	uv_close((uv_handle_t *)&srv->sighup, NULL);
	uv_close((uv_handle_t *)&srv->ckpt_timer, NULL);
	uv_close((uv_handle_t *)&srv->seal_timer, NULL);
	retention_stop(srv->retention);
	srv->retention = NULL;
	uv_close((uv_handle_t *)&srv->limits_timer, NULL);
	uv_close((uv_handle_t *)&srv->idle_timer, NULL);
	uv_close((uv_handle_t *)&srv->stdin_timer, NULL);
	uv_timer_start(&srv->stop_timer, server_stop_timer_cb, SERVER_STOP_GRACE_MS, 0);
	uv_unref((uv_handle_t *)&srv->stop_timer);
}

static void server_signal_cb(uv_signal_t *h, int signum)
{
	struct server *srv = h->data;

	if (signum == SIGHUP) {
		server_reload(srv);
		return;
	}
	log_info(NULL, "signal %d received", signum);
	server_shutdown(srv);
}

static int server_mkdir(const struct config *cfg)
{
	char err[512];
	bool tightened;

	if (config_make_state_dir(cfg, &tightened, err, sizeof err) < 0) {
		log_error(NULL, "%s", err);
		return -1;
	}
	if (tightened)
		log_warn(NULL, "state directory %s was open to others: now mode 0700",
		         cfg->state_dir);
	return 0;
}

int server_run(const char *config_path, const char *state_dir_override, const char *ssh_listen,
	       const char *telnet_listen)
{
	struct server srv;
	char *err = NULL, *hostkey = NULL;
	struct sshsrv_opts sshopts;
	int rc, status = 1;

	memset(&srv, 0, sizeof srv);
	if (config_path != NULL) {
		if (config_load(config_path, &srv.cfg, &err) < 0) {
			log_error(NULL, "%s", err);
			free(err);
			config_free(&srv.cfg);
			return 1;
		}
		srv.config_path = xalloc_strdup(config_path);
	} else {
		config_init_defaults(&srv.cfg);
	}
	if (state_dir_override != NULL) {
		free(srv.cfg.state_dir);
		srv.cfg.state_dir = xalloc_strdup(state_dir_override);
	}
	if (ssh_listen != NULL) {
		free(srv.cfg.ssh_addr);
		if (config_parse_listen(ssh_listen, &srv.cfg.ssh_addr, &srv.cfg.ssh_port) < 0) {
			log_error(NULL, "--ssh-listen: expected ADDRESS:PORT, got \"%s\"", ssh_listen);
			srv.cfg.ssh_addr = NULL;
			goto out;
		}
	}
	if (telnet_listen != NULL) {
		free(srv.cfg.telnet_addr);
		if (config_parse_listen(telnet_listen, &srv.cfg.telnet_addr,
					&srv.cfg.telnet_port) < 0) {
			log_error(NULL, "--telnet-listen: expected ADDRESS:PORT, got \"%s\"",
				  telnet_listen);
			srv.cfg.telnet_addr = NULL;
			goto out;
		}
		srv.cfg.telnet_enabled = true;
	}
	rc = log_level_parse(srv.cfg.log_level);
	log_set_level(rc >= 0 ? (enum log_level)rc : LOG_INFO);
	if (server_mkdir(&srv.cfg) < 0)
		goto out;
	srv.db_path = config_state_path(&srv.cfg, "propdesk.db");
	/* The loop never waits for the disk: its connection commits without a sync, and with
	 * synchronous = full each session's shell has the log synced on the pool before it shows
	 * the outcome (host.sync in session.c). */
	rc = store_open(srv.db_path, STORE_NOSYNC, srv.cfg.db_busy_timeout_ms, &srv.store);
	if (rc < 0) {
		log_error(NULL, "cannot open database %s: %s", srv.db_path, store_strerror(rc, "en"));
		goto out;
	}
	rc = store_schema_migrate(srv.store);
	if (rc < 0) {
		log_error(NULL, "database %s: migration failed: %s", srv.db_path,
			  store_strerror(rc, "en"));
		goto out;
	}
	/* No session outlives the daemon: drafts left open by the last run are free again. */
	rc = store_draft_release_all(srv.store);
	if (rc < 0)
		log_warn(NULL, "database %s: drafts' sessions not released: %s", srv.db_path,
			 store_strerror(rc, "en"));
	rc = server_apply_max_size(&srv);
	if (rc < 0)
		goto out;
	/* Each automatic checkpoint would fsync the database on the loop: the loop's connection
	 * leaves them to a connection of their own on the thread pool. */
	rc = store_set_autocheckpoint(srv.store, 0);
	if (rc == 0)
		rc = store_open(srv.db_path, 0, 1000, &srv.ckpt_store);
	if (rc < 0) {
		log_error(NULL, "database %s: %s", srv.db_path, store_strerror(rc, "en"));
		goto out;
	}
	if (server_load_catalog(&srv, &srv.cfg) < 0)
		goto out;
	srv.seal_path = config_audit_key_path(&srv.cfg);
	server_seal(&srv, false);
	srv.loop = uv_default_loop();
	if (loopwatch_start(&srv.watch, srv.loop, (unsigned)srv.cfg.stall_warn_ms) != 0) {
		log_error(NULL, "the loop's busy-time watch did not start");
		goto out;
	}
	{
		struct addrlimit_params lp;

		server_limits_params(&srv.cfg, &lp);
		srv.limits = addrlimit_new(&lp);
	}
	{
		struct monitor_policy mp;

		server_monitor_policy(&srv.cfg, &mp);
		monitor_init(&srv.monitor, srv.store, &mp, store_now_ms);
		free((void *)mp.teams);
	}
	{
		struct auth_host ah;

		server_hosts_init(&srv, &ah);
		if (auth_new(&ah, &srv.auth) < 0) {
			log_error(NULL, "out of memory");
			goto out;
		}
		srv.session_host.auth = srv.net.auth = srv.auth;
	}
	uv_signal_init(srv.loop, &srv.sigterm);
	uv_signal_init(srv.loop, &srv.sigint);
	uv_signal_init(srv.loop, &srv.sighup);
	uv_timer_init(srv.loop, &srv.stop_timer);
	uv_timer_init(srv.loop, &srv.ckpt_timer);
	uv_timer_init(srv.loop, &srv.seal_timer);
	srv.seal_timer.data = &srv;
	uv_timer_init(srv.loop, &srv.limits_timer);
	uv_timer_init(srv.loop, &srv.idle_timer);
	srv.idle_timer.data = &srv;
	uv_timer_init(srv.loop, &srv.stdin_timer);
	srv.stdin_timer.data = &srv;
	budget_init(&srv.stdin_budget, srv.cfg.stdin_budget, (size_t)srv.cfg.stdin_waiting);
	srv.sigterm.data = srv.sigint.data = srv.sighup.data = srv.stop_timer.data = &srv;
	srv.ckpt_timer.data = srv.limits_timer.data = &srv;
	uv_timer_start(&srv.limits_timer, server_limits_timer_cb, SERVER_LIMITS_GC_MS,
		       SERVER_LIMITS_GC_MS);
	uv_timer_start(&srv.idle_timer, server_idle_timer_cb, SERVER_IDLE_CHECK_MS,
		       SERVER_IDLE_CHECK_MS);
	uv_timer_start(&srv.ckpt_timer, server_ckpt_timer_cb, SERVER_CKPT_INTERVAL_MS,
		       SERVER_CKPT_INTERVAL_MS);
	{
		char *dir = config_record_dir(&srv.cfg);

		srv.retention = retention_start(srv.loop, srv.store, dir, srv.cfg.record_keep_days);
		free(dir);
	}
	uv_timer_start(&srv.seal_timer, server_seal_timer_cb,
		       (uint64_t)srv.cfg.audit_seal_interval_s * 1000,
		       (uint64_t)srv.cfg.audit_seal_interval_s * 1000);
	uv_signal_start(&srv.sigterm, server_signal_cb, SIGTERM);
	uv_signal_start(&srv.sigint, server_signal_cb, SIGINT);
	uv_signal_start(&srv.sighup, server_signal_cb, SIGHUP);
	signal(SIGPIPE, SIG_IGN);

	hostkey = config_state_path(&srv.cfg, "ssh_host_ed25519_key");
	sshopts = (struct sshsrv_opts){.addr = srv.cfg.ssh_addr,
				       .port = srv.cfg.ssh_port,
				       .hostkey_path = hostkey,
				       .kex = srv.cfg.ssh_kex,
				       .ciphers = srv.cfg.ssh_ciphers,
				       .macs = srv.cfg.ssh_macs,
				       .compression = srv.cfg.ssh_compression};
	if (sshsrv_start(&srv.net, &sshopts, &srv.ssh) < 0)
		goto out_loop;
	if (srv.cfg.telnet_enabled &&
	    telnetsrv_start(&srv.net, srv.cfg.telnet_addr, srv.cfg.telnet_port, &srv.telnet) < 0)
		goto out_loop;
	log_info(NULL, "propdesk serving: ssh %s:%d%s, state %s", srv.cfg.ssh_addr,
		 srv.cfg.ssh_port, srv.cfg.telnet_enabled ? ", telnet on" : "", srv.cfg.state_dir);
	uv_run(srv.loop, UV_RUN_DEFAULT);
	log_info(NULL, "stopped; the longest turn of the loop was %llu ms (%s), %llu at or over %d ms",
		 (unsigned long long)(srv.watch.longest_ns / 1000000),
		 srv.watch.longest_what[0] != '\0' ? srv.watch.longest_what : "nothing",
		 (unsigned long long)srv.watch.stalls, srv.cfg.stall_warn_ms);
	status = 0;
	goto out_close;

out_loop:
	server_shutdown(&srv);
	uv_run(srv.loop, UV_RUN_DEFAULT);
out_close:
	if (!uv_is_closing((uv_handle_t *)&srv.stop_timer))
		uv_close((uv_handle_t *)&srv.stop_timer, NULL);
	auth_close(srv.auth);
	loopwatch_stop(&srv.watch);
	uv_run(srv.loop, UV_RUN_NOWAIT);
	if (uv_loop_close(srv.loop) != 0)
		log_warn(NULL, "handles still open at exit");
out:
	monitor_close(&srv.monitor);
	auth_free(srv.auth);
	catalog_unref(srv.catalog);
	/* A checkpoint still running (only after a forced stop) keeps its connection. */
	if (!srv.ckpt_running) {
		if (srv.ckpt_store != NULL)
			store_checkpoint(srv.ckpt_store, NULL, NULL);
		store_close(srv.ckpt_store);
	}
	/* The tail is sealed as the service stops. */
	if (srv.sealing)
		server_seal(&srv, false);
	store_close(srv.store);
	free(srv.seal_path);
	addrlimit_free(srv.limits);
	free(hostkey);
	free(srv.db_path);
	free(srv.config_path);
	config_free(&srv.cfg);
	return status;
}
