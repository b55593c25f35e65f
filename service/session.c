/* session — one logged-in user's session: the shell, its output queues and its host. */
#include "session.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uv.h>

#include "addrlimit.h"
#include "auth.h"
#include "catalog.h"
#include "cmd_groups.h"
#include "config.h"
#include "log.h"
#include "loopwatch.h"
#include "record.h"
#include "shell.h"
#include "shell_flow.h"
#include "store.h"
#include "store_audit.h"
#include "xalloc.h"

/* Input is fed to the shell in slices of this size, so that the output high-water mark is
 * checked between slices and one paste cannot make one session produce unbounded output. */
#define SESSION_FEED_SLICE 1024

/* Work handed to the thread pool on the shell's behalf. */
struct session_async {
	struct session *s;
	shell_async_cb cb;
};

/* A copy of s, "" for NULL. */
static char *session_strdup(const char *s)
{
	return xalloc_strdup(s ? s : "");
}

/* Loop time in ms, as addrlimit counts it. */
static int64_t session_now_ms(const struct session *s)
{
	return (int64_t)uv_now(s->host->loop);
}

/* The command's stdin is read (or the session gone): its room goes back to the budget. */
static void session_stdin_release(struct session *s)
{
	if (!s->stdin_claimed)
		return;
	s->stdin_claimed = false;
	s->host->stdin_release(s->host->arg, &s->stdin_claim);
}

static void session_free(struct session *s)
{
	int i;

	session_stdin_release(s);
	monitor_tap_remove(&s->tap);
	record_close(s->rec);
	shell_free(s->shell);
	for (i = 0; i < 3; i++)
		buf_free(&s->out[i]);
	free(s->transport);
	free(s->peer);
	free(s->user);
	free(s->display);
	free(s->team);
	free(s);
}

void session_ref(struct session *s)
{
	s->refs++;
}

void session_unref(struct session *s)
{
	if (s == NULL)
		return;
	if (--s->refs == 0)
		session_free(s);
}

/* Output written and not yet sent: the shell holds a long output back to it (shell_flow.h). */
static size_t session_host_output_queued(void *ctx)
{
	return session_output_pending(ctx);
}

static void session_host_write(void *ctx, int stream, const char *buf, size_t len)
{
	struct session *s = ctx;

	if (s->detached || len == 0)
		return;
	if (stream != 2 || !s->exec)
		stream = 1;
	buf_append(&s->out[stream], buf, len);
	record_output(s->rec, buf, len);
	monitor_output(&s->tap, buf, len);
	s->ops->kick(s->tctx);
}

/* A secret for the client only: the recording notes that it was withheld. */
static void session_host_write_secret(void *ctx, int stream, const char *buf, size_t len,
				      const char *what)
{
	struct session *s = ctx;

	if (s->detached || len == 0)
		return;
	if (stream != 2 || !s->exec)
		stream = 1;
	buf_append(&s->out[stream], buf, len);
	record_withheld(s->rec, what);
	monitor_withheld(&s->tap, what);
	s->ops->kick(s->tctx);
}

static void session_host_stdin_done(void *ctx)
{
	session_stdin_release(ctx);
}

static void session_host_exit(void *ctx, int status)
{
	struct session *s = ctx;

	if (s->ended)
		return;
	s->ended = true;
	session_stdin_release(s);
	if (!s->detached)
		s->ops->close(s->tctx, status);
}

static void session_async_done(void *arg, int rc, const char *hash)
{
	struct session_async *as = arg;
	struct session *s = as->s;

	if (!s->detached)
		as->cb(s->shell, rc, hash);
	free(as);
	session_unref(s);
}

static struct session_async *session_async_new(struct session *s, shell_async_cb cb)
{
	struct session_async *as = malloc(sizeof *as);

	if (as == NULL)
		return NULL;
	as->s = s;
	as->cb = cb;
	session_ref(s);
	return as;
}

static int session_host_pwhash(void *ctx, const char *password, shell_async_cb cb)
{
	struct session *s = ctx;
	struct session_async *as = session_async_new(s, cb);
	int rc;

	if (as == NULL)
		return -ENOMEM;
	rc = auth_hash(s->host->auth, password, session_async_done, as);
	if (rc < 0) {
		free(as);
		session_unref(s);
	}
	return rc;
}

static int session_host_pwverify(void *ctx, const char *hash, const char *password,
				 shell_async_cb cb)
{
	struct session *s = ctx;
	struct session_async *as = session_async_new(s, cb);
	int rc;

	if (as == NULL)
		return -ENOMEM;
	rc = auth_verify(s->host->auth, hash, password, session_async_done, as);
	if (rc < 0) {
		free(as);
		session_unref(s);
	}
	return rc;
}

/* A job for the thread pool on the shell's behalf, with its own read-only connection. */
struct session_work {
	uv_work_t work;
	struct session *s;
	char *db_path;
	int busy_timeout_ms;
	shell_work_fn fn;
	shell_work_done_fn done;
	void *arg;
	int rc;
};

/* Reads for the shell (reports, lists, searches) run below the loop's priority: with both
 * cores busy with them, the loop thread still gets one, and every other session's keystrokes
 * go on at once. Nice is per thread on Linux; the pool's threads are lowered on first use. */
#define SESSION_POOL_NICE 5

static void session_pool_lower(void)
{
	static _Thread_local bool lowered;
	id_t tid;
	int now;

	if (lowered)
		return;
	lowered = true;
	tid = (id_t)syscall(SYS_gettid);
	errno = 0;
	now = getpriority(PRIO_PROCESS, tid);
	if (errno == 0 && now < SESSION_POOL_NICE)
		setpriority(PRIO_PROCESS, tid, SESSION_POOL_NICE); /* this thread only */
}

static void session_work_cb(uv_work_t *w)
{
	struct session_work *j = w->data;
	struct store *ro = NULL;

	session_pool_lower();
	j->rc = store_open(j->db_path, STORE_READONLY, j->busy_timeout_ms, &ro);
	if (j->rc == 0)
		j->rc = j->fn(ro, j->arg);
	store_close(ro);
}

/* Names this session's work for the loop's busy-time watch: the account and the command its
 * shell ran last (what a long turn was most likely spent on). */
static void session_note(struct session *s)
{
	const char *cmd = s->shell != NULL ? shell_last_command(s->shell) : NULL;
	char what[LOOPWATCH_WHAT_MAX];

	snprintf(what, sizeof what, "%s: %s", s->user, cmd != NULL ? cmd : "typing");
	loopwatch_note(s->host->watch, what);
}

static void session_work_after_cb(uv_work_t *w, int status)
{
	struct session_work *j = w->data;
	struct session *s = j->s;

	j->done(s->detached ? NULL : s->shell, j->arg, status == 0 ? j->rc : -ECANCELED);
	if (!s->detached)
		session_note(s);
	free(j->db_path);
	free(j);
	session_unref(s);
}

static int session_host_work(void *ctx, shell_work_fn fn, shell_work_done_fn done, void *arg)
{
	struct session *s = ctx;
	struct session_work *j = calloc(1, sizeof *j);

	if (j == NULL)
		return -ENOMEM;
	j->work.data = j;
	j->s = s;
	j->db_path = session_strdup(s->host->db_path);
	j->busy_timeout_ms = s->host->cfg->db_busy_timeout_ms;
	j->fn = fn;
	j->done = done;
	j->arg = arg;
	session_ref(s);
	if (uv_queue_work(s->host->loop, &j->work, session_work_cb, session_work_after_cb) != 0) {
		free(j->db_path);
		free(j);
		session_unref(s);
		return -ENOMEM;
	}
	return 0;
}

/* A sync of the database's log on the pool, on the shell's behalf (host.sync). */
struct session_sync {
	uv_work_t work;
	struct session *s;
	char *db_path;
	shell_work_done_fn done;
	void *arg;
	int rc;
};

static void session_sync_cb(uv_work_t *w)
{
	struct session_sync *j = w->data;

	j->rc = store_sync_log(j->db_path);
}

static void session_sync_after_cb(uv_work_t *w, int status)
{
	struct session_sync *j = w->data;
	struct session *s = j->s;

	if (j->rc < 0)
		log_error(s->id, "database log %s-wal not synced: %s", j->db_path, strerror(-j->rc));
	j->done(s->detached ? NULL : s->shell, j->arg, status == 0 ? j->rc : -ECANCELED);
	free(j->db_path);
	free(j);
	session_unref(s);
}

static int session_host_sync(void *ctx, shell_work_done_fn done, void *arg)
{
	struct session *s = ctx;
	struct session_sync *j = calloc(1, sizeof *j);

	if (j == NULL)
		return -ENOMEM;
	j->work.data = j;
	j->s = s;
	j->db_path = session_strdup(s->host->db_path);
	j->done = done;
	j->arg = arg;
	session_ref(s);
	if (uv_queue_work(s->host->loop, &j->work, session_sync_cb, session_sync_after_cb) != 0) {
		free(j->db_path);
		free(j);
		session_unref(s);
		return -ENOMEM;
	}
	return 0;
}

static struct catalog *session_host_catalog(void *ctx)
{
	struct session *s = ctx;

	if ((*s->host->catalog) != NULL)
		catalog_ref((*s->host->catalog));
	return (*s->host->catalog);
}

static int session_host_reload(void *ctx)
{
	struct session *s = ctx;

	return s->host->reload(s->host->arg);
}

struct session_ban_each {
	shell_ban_fn each;
	void *arg;
};

static void session_ban_each_cb(void *arg, const struct addrlimit_entry *e)
{
	struct session_ban_each *w = arg;
	struct shell_ban b;

	b.addr = e->addr;
	b.account = e->name;
	b.failures = e->failures;
	b.blocked = e->blocked;
	b.left_s = e->blocked ? (e->left_ms + 999) / 1000 : 0;
	w->each(w->arg, &b);
}

static size_t session_host_bans(void *ctx, shell_ban_fn each, void *arg)
{
	struct session *s = ctx;
	struct session_ban_each w = {each, arg};

	return addrlimit_list(s->host->limits, session_now_ms(s), session_ban_each_cb, &w);
}

static int session_host_ban_lift(void *ctx, const char *addr)
{
	struct session *s = ctx;
	int n = addrlimit_lift(s->host->limits, addr, session_now_ms(s));

	log_info(s->id, "%s lifted the login penalties of %s (%d bans and locks)", s->user,
		 addr != NULL ? addr : "every address", n);
	return n;
}

static int session_host_unlock(void *ctx, const char *name)
{
	struct session *s = ctx;
	int n = addrlimit_unlock_account(s->host->limits, name, session_now_ms(s));

	log_info(s->id, "%s lifted the failed-login locks of %s (%d addresses)", s->user, name, n);
	return n;
}

/* --- live monitoring: the shell's capability and the monitor's ops ---------------------- */

static struct monitor *session_monitor_of(const struct session *s)
{
	return s->host->monitor;
}

static size_t session_mon_list(void *ctx, shell_session_fn each, void *arg)
{
	struct session *s = ctx;

	return monitor_each(session_monitor_of(s), each, arg);
}

static int session_mon_get(void *ctx, const char *id, shell_session_fn each, void *arg)
{
	struct session *s = ctx;
	struct monitor_tap *t = monitor_find(session_monitor_of(s), id);

	if (t == NULL)
		return SHELL_MONITOR_ENOENT;
	monitor_info(t, each, arg);
	return 0;
}

static int session_mon_whisper(void *ctx, const char *id, const char *text)
{
	struct session *s = ctx;
	struct monitor_tap *t = monitor_find(session_monitor_of(s), id);

	if (t == NULL)
		return SHELL_MONITOR_ENOENT;
	monitor_whisper(&s->tap, t, text);
	return 0;
}

static int session_mon_notice(void *ctx, const char *id, const char *text)
{
	struct session *s = ctx;
	struct monitor_tap *t = monitor_find(session_monitor_of(s), id);
	struct session *to;
	char from[64];

	if (t == NULL)
		return SHELL_MONITOR_ENOENT;
	to = t->owner;
	snprintf(from, sizeof from, "%s", s->user);
	session_notice(to, from, text);
	return 0;
}

static int session_mon_kick(void *ctx, const char *id, const char *reason)
{
	struct session *s = ctx;
	struct monitor_tap *t = monitor_find(session_monitor_of(s), id);
	struct session *to;
	char text[1200];

	if (t == NULL)
		return SHELL_MONITOR_ENOENT;
	to = t->owner;
	if (to->detached || to->ended)
		return SHELL_MONITOR_ENOENT;
	if (!monitor_in_scope(session_monitor_of(s), &s->tap, t->team))
		return SHELL_MONITOR_EPERM;
	if (strcmp(shell_lang(to->shell), "zh") == 0)
		snprintf(text, sizeof text, "您的会话已被 %s 结束：%s", s->user, reason);
	else
		snprintf(text, sizeof text, "your session was ended by %s: %s", s->user, reason);
	log_info(to->id, "session of %s ended by %s: %s", to->user, s->user, reason);
	session_ref(to);
	shell_kick(to->shell, "propdesk", text);
	session_unref(to);
	return 0;
}

static int session_mon_watch(void *ctx, const char *id)
{
	struct session *s = ctx;
	struct monitor_tap *t = monitor_find(session_monitor_of(s), id);

	if (t == NULL)
		return SHELL_MONITOR_ENOENT;
	if (!monitor_in_scope(session_monitor_of(s), &s->tap, t->team))
		return SHELL_MONITOR_EPERM;
	return monitor_watch(&s->tap, t);
}

static void session_mon_unwatch(void *ctx)
{
	struct session *s = ctx;

	monitor_unwatch(&s->tap);
}

static size_t session_mon_watchers(void *ctx, shell_session_fn each, void *arg)
{
	struct session *s = ctx;

	return monitor_watchers(&s->tap, each, arg);
}

static bool session_mon_whisperer(void *ctx, char *out, size_t n)
{
	struct session *s = ctx;

	if (s->tap.whisperer[0] == '\0')
		return false;
	snprintf(out, n, "%s", s->tap.whisperer);
	return true;
}

static bool session_mon_scope_has(void *ctx, const char *team)
{
	struct session *s = ctx;

	return monitor_in_scope(session_monitor_of(s), &s->tap, team);
}

static const struct shell_monitor session_shell_monitor = {
    .list = session_mon_list,
    .get = session_mon_get,
    .whisper = session_mon_whisper,
    .notice = session_mon_notice,
    .kick = session_mon_kick,
    .watch = session_mon_watch,
    .unwatch = session_mon_unwatch,
    .watchers = session_mon_watchers,
    .whisperer = session_mon_whisperer,
    .scope_has = session_mon_scope_has,
};

/* The monitor's side: this session as a watcher, and as the one watched. */
static void session_tap_mirror(void *owner, const char *buf, size_t len)
{
	struct session *s = owner;

	if (s->detached || s->ended || len == 0)
		return;
	buf_append(&s->out[1], buf, len);
	/* The watcher's recording holds what its terminal showed: the mirror too, so replaying
	 * a supervisor's session shows what they saw. */
	record_output(s->rec, buf, len);
	s->ops->kick(s->tctx);
}

static size_t session_tap_pending(void *owner)
{
	return session_output_pending(owner);
}

static void session_tap_notice(void *owner, const char *from_en, const char *from_zh,
			       const char *en, const char *zh)
{
	session_notice_lang(owner, from_en, from_zh, en, zh);
}

static void session_tap_kick(void *owner, const char *from, const char *text)
{
	struct session *s = owner;

	if (s->detached || s->ended)
		return;
	session_ref(s);
	shell_kick(s->shell, from, text);
	session_unref(s);
}

static void session_tap_info(void *owner, struct shell_session_info *si, char *doing, size_t n)
{
	struct session *s = owner;

	si->idle_ms = (int64_t)(uv_now(s->host->loop) - s->input_ms);
	si->cols = s->cols;
	si->rows = s->rows;
	si->queued = session_output_pending(s);
	if (s->exec)
		snprintf(doing, n, "exec: %s", shell_last_command(s->shell) != NULL
						   ? shell_last_command(s->shell) : "");
	else
		shell_activity(s->shell, doing, n);
}

static void session_tap_watched(void *owner, size_t nwatchers)
{
	struct session *s = owner;

	if (s->detached || s->ended)
		return;
	shell_set_watched(s->shell, nwatchers > 0);
}

static void session_tap_watch_ended(void *owner, const char *en, const char *zh)
{
	struct session *s = owner;

	if (s->detached || s->ended)
		return;
	session_ref(s);
	shell_watch_ended(s->shell, strcmp(shell_lang(s->shell), "zh") == 0 ? zh : en);
	session_unref(s);
}

static const struct monitor_tap_ops session_tap_ops = {
    .mirror = session_tap_mirror,
    .pending = session_tap_pending,
    .notice = session_tap_notice,
    .kick = session_tap_kick,
    .info = session_tap_info,
    .watched = session_tap_watched,
    .watch_ended = session_tap_watch_ended,
};


/* A finished recording's size and hash go into the audit trail ("recording.end"), so that
 * `audit verify` finds a recording changed or removed since. */
static void session_record_finished(void *arg, const char *session_id, const char *account,
				    const char *file, uint64_t bytes, const char *hash)
{
	const struct session_host *sh = arg;
	struct audit_ctx ctx;
	char detail[400];
	int rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.account = account;
	ctx.session = session_id;
	snprintf(detail, sizeof detail, "file=%s bytes=%" PRIu64 " blake2b=%s", file, bytes, hash);
	rc = store_audit(sh->store, &ctx, "recording.end", session_id, detail);
	if (rc < 0)
		log_error(session_id, "the recording %s could not be audited: %s", file,
			  store_strerror(rc, "en"));
}

/* Interactive sessions are recorded as the user's terminal shows them (record.h). */
static void session_record_start(struct session *s, const struct net_session_params *p)
{
	struct record_params rp;
	char title[128];
	char *dir;

	if (s->exec || !s->host->cfg->record_enabled)
		return;
	dir = config_record_dir(s->host->cfg);
	snprintf(title, sizeof title, "%s@propdesk %s", s->user, s->id);
	memset(&rp, 0, sizeof rp);
	rp.dir = dir;
	rp.session_id = s->id;
	rp.account = s->user;
	rp.cols = p->cols;
	rp.rows = p->rows;
	rp.term = p->term;
	/* The client's LANG, else the locale of the language the session speaks. */
	rp.lang = p->env_lang != NULL ? p->env_lang
		  : !strcmp(shell_lang(s->shell), "zh") ? "zh_CN.UTF-8" : "en_US.UTF-8";
	rp.title = title;
	rp.queue_max = s->host->cfg->record_queue_max;
	rp.max_bytes = s->host->cfg->record_max_bytes;
	rp.finished = session_record_finished;
	rp.finished_arg = (void *)s->host;
	s->rec = record_new(s->host->loop, &rp);
	free(dir);
}

struct session *session_new(const struct session_host *sh, const struct net_session_params *p)
{
	struct session *s = calloc(1, sizeof *s);
	struct shell_host host;
	struct shell_user user;
	struct shell_opts opts;
	int i;

	if (s == NULL)
		return NULL;
	s->host = sh;
	s->refs = 1;
	snprintf(s->id, sizeof s->id, "%s", p->id);
	s->transport = session_strdup(p->transport);
	s->peer = session_strdup(p->peer);
	s->user = session_strdup(p->account->name);
	s->display = session_strdup(p->account->display ? p->account->display
							 : p->account->name);
	s->team = session_strdup(p->account->team);
	s->role = (int)p->account->role;
	s->cols = p->cols;
	s->rows = p->rows;
	s->input_ms = uv_now(sh->loop);
	s->started_ms = (uint64_t)store_now_ms();
	s->pty = p->pty;
	s->exec = p->exec != NULL;
	s->ops = p->ops;
	s->tctx = p->transport_ctx;
	for (i = 0; i < 3; i++)
		buf_init(&s->out[i]);

	memset(&host, 0, sizeof host);
	host.ctx = s;
	host.store = sh->store;
	host.write = session_host_write;
	host.write_secret = session_host_write_secret;
	host.stdin_done = session_host_stdin_done;
	host.output_queued = session_host_output_queued;
	host.exit = session_host_exit;
	host.pwhash = session_host_pwhash;
	host.pwverify = session_host_pwverify;
	host.reload = session_host_reload;
	host.work = session_host_work;
	/* synchronous = full: acknowledged only once on disk, synced on the pool (the loop's
	 * connection commits without a sync of its own). */
	if (s->host->cfg->db_sync)
		host.sync = session_host_sync;
	host.catalog = session_host_catalog;
	host.bans = session_host_bans;
	host.ban_lift = session_host_ban_lift;
	host.unlock = session_host_unlock;
	host.monitor = sh->monitor != NULL ? &session_shell_monitor : NULL;

	memset(&user, 0, sizeof user);
	user.id = p->account->id;
	user.name = p->account->name;
	user.display = p->account->display ? p->account->display : p->account->name;
	user.role = p->account->role;
	user.lang = p->account->lang ? p->account->lang : sh->cfg->default_lang;
	user.team = p->account->team;

	memset(&opts, 0, sizeof opts);
	opts.session_id = s->id;
	opts.peer = s->peer;
	opts.transport = s->transport;
	opts.env_lang = p->env_lang;
	opts.term = p->term;
	opts.cols = p->cols;
	opts.rows = p->rows;
	opts.exec = p->exec;
	opts.color = p->pty && p->exec == NULL;
	opts.max_line = sh->cfg->max_line;
	opts.commands = &cmd_registry;
	opts.max_stdin = sh->cfg->max_stdin;
	opts.record_dir = config_record_dir(sh->cfg);

	s->shell = shell_new(&host, &user, &opts);
	free((char *)opts.record_dir);
	if (s->shell == NULL) {
		session_free(s);
		return NULL;
	}
	session_record_start(s, p);
	if (sh->monitor != NULL) {
		struct monitor_tap_params tp;

		memset(&tp, 0, sizeof tp);
		tp.id = s->id;
		tp.account = s->user;
		tp.display = s->display;
		tp.team = s->team;
		tp.transport = s->transport;
		tp.peer = s->peer;
		tp.role = (unsigned)s->role;
		tp.exec = s->exec;
		tp.login_ms = (int64_t)s->started_ms;
		tp.cols = s->cols;
		tp.rows = s->rows;
		monitor_tap_add(sh->monitor, &s->tap, &tp, &session_tap_ops, s);
	}
	sh->add(sh->arg, s);
	log_info(s->id, "session %s for %s (%s) from %s%s%s", s->transport, s->user,
		 role_name((enum role)s->role), s->peer, s->exec ? ": exec " : "",
		 s->exec ? p->exec : "");
	return s;
}

/* Exec: a command that reads stdin claims room for all it may keep before any is read. */
static void session_stdin_claim(struct session *s)
{
	size_t want = s->exec && !s->ended ? shell_stdin_wanted(s->shell) : 0;
	struct budget *b = s->host->stdin_budget;

	if (want == 0)
		return;
	switch (s->host->stdin_claim(s->host->arg, &s->stdin_claim, want)) {
	case BUDGET_GRANTED:
		s->stdin_claimed = true;
		return;
	case BUDGET_REFUSED:
		log_warn(s->id, "stdin of %s's command refused: no room in [limits] stdin_budget "
			 "(%zu of %zu in use) and %zu commands waiting already", s->user, b->used,
			 b->limit, b->nwaiting);
		shell_stdin_refused(s->shell);
		return;
	case BUDGET_WAITING:
		break;
	}
	s->stdin_claimed = true;
	s->stdin_wait_ms = uv_now(s->host->loop);
	log_info(s->id, "stdin of %s's command waits for room: %zu bytes wanted, %zu of %zu in use, "
		 "%zu waiting", s->user, s->stdin_claim.want, b->used, b->limit, b->nwaiting);
}

void session_stdin_granted(struct session *s)
{
	log_info(s->id, "stdin room granted after %llu ms",
		 (unsigned long long)(uv_now(s->host->loop) - s->stdin_wait_ms));
	if (!s->detached && !s->ended)
		s->ops->kick(s->tctx);
}

void session_stdin_expired(struct session *s)
{
	s->stdin_claimed = false;
	log_warn(s->id, "stdin of %s's command refused: no room in [limits] stdin_budget for "
		 "%d s", s->user, s->host->cfg->stdin_wait_s);
	if (s->detached || s->ended)
		return;
	session_ref(s);
	shell_stdin_refused(s->shell);
	session_unref(s);
}

void session_start(struct session *s)
{
	session_ref(s);
	shell_start(s->shell);
	session_stdin_claim(s);
	loopwatch_note(s->host->watch, s->user); /* the login: greeting and notices */
	session_unref(s);
}

bool session_ended(const struct session *s)
{
	return s->ended;
}

bool session_can_take_input(const struct session *s)
{
	return !s->detached && !s->ended && !s->stdin_claim.waiting &&
	       session_output_pending(s) < s->host->cfg->output_hwm;
}

size_t session_input(struct session *s, const char *buf, size_t len)
{
	size_t used = 0;

	session_ref(s);
	s->input_ms = uv_now(s->host->loop);
	s->idle_warned = false;
	while (used < len && session_can_take_input(s)) {
		size_t n = len - used;

		if (n > SESSION_FEED_SLICE)
			n = SESSION_FEED_SLICE;
		shell_feed(s->shell, buf + used, n);
		used += n;
	}
	session_note(s);
	/* Input after the shell ended is consumed and dropped. */
	if (s->ended || s->detached)
		used = len;
	session_unref(s);
	return used;
}

void session_eof(struct session *s)
{
	if (s->detached || s->ended)
		return;
	session_ref(s);
	shell_eof(s->shell);
	session_unref(s);
}

void session_resize(struct session *s, int cols, int rows)
{
	if (s->detached || s->ended)
		return;
	session_ref(s);
	s->cols = cols;
	s->rows = rows;
	record_resize(s->rec, cols, rows);
	shell_resize(s->shell, cols, rows);
	monitor_resize(&s->tap, cols, rows);
	session_unref(s);
}

const char *session_output(struct session *s, int stream, size_t *len)
{
	if (stream != 2)
		stream = 1;
	*len = s->out[stream].len - s->out_off[stream];
	return s->out[stream].data + s->out_off[stream];
}

void session_output_consume(struct session *s, int stream, size_t n)
{
	struct buf *b;

	if (stream != 2)
		stream = 1;
	b = &s->out[stream];

	s->out_off[stream] += n;
	if (s->out_off[stream] >= b->len) {
		s->out_off[stream] = 0;
		buf_reset(b);
		/* Give back the memory of a big burst once it has been sent. */
		if (b->cap > 65536)
			buf_free(b);
	} else if (s->out_off[stream] >= 65536 && s->out_off[stream] * 2 >= b->len) {
		/* What was sent is moved out once it is at least half of the queue. */
		buf_consume(b, s->out_off[stream]);
		s->out_off[stream] = 0;
	}
	monitor_drained(&s->tap);
	/* A long output waiting for room goes on (it may write: the transport reads the queue
	 * afresh after each consume). */
	if (!s->detached && s->shell != NULL) {
		session_ref(s);
		shell_flow_drained(s->shell);
		session_unref(s);
	}
}

size_t session_output_pending(const struct session *s)
{
	return s->out[1].len - s->out_off[1] + s->out[2].len - s->out_off[2];
}

void session_notice(struct session *s, const char *from, const char *text)
{
	if (s->detached || s->ended)
		return;
	session_ref(s);
	shell_notice(s->shell, from, text);
	session_unref(s);
}

void session_notice_lang(struct session *s, const char *from_en, const char *from_zh,
			 const char *en, const char *zh)
{
	bool zhl;

	if (s->detached || s->ended)
		return;
	zhl = strcmp(shell_lang(s->shell), "zh") == 0;
	session_notice(s, zhl ? from_zh : from_en, zhl ? zh : en);
}

void session_idle_check(struct session *s, uint64_t now, int timeout_s, int warn_s)
{
	uint64_t warn_at, idle;
	int left;
	char text[256];

	if (s->exec || s->ended || s->detached || s->idle_warned || timeout_s <= 0 || warn_s <= 0)
		return;
	warn_at = (uint64_t)(timeout_s > warn_s ? timeout_s - warn_s : timeout_s / 2) * 1000;
	idle = now - s->input_ms;
	if (idle < warn_at)
		return;
	s->idle_warned = true;
	left = timeout_s - (int)(idle / 1000);
	if (left < 1)
		left = 1;
	if (strcmp(shell_lang(s->shell), "zh") == 0)
		snprintf(text, sizeof text,
			 "您已空闲 %d 秒：若无输入，%d 秒后将自动退出（未完成的投诉草稿会保留）",
			 (int)(idle / 1000), left);
	else
		snprintf(text, sizeof text,
			 "idle for %d s: you will be logged out in %d s unless you type something "
			 "(an unfinished complaint's draft is kept)",
			 (int)(idle / 1000), left);
	log_info(s->id, "%s idle for %d s: warned", s->user, (int)(idle / 1000));
	session_notice(s, "propdesk", text);
}

void session_detach(struct session *s)
{
	struct audit_ctx ctx;
	uint64_t secs;
	char detail[64];

	if (s->detached)
		return;
	s->detached = true;
	/* Its watches end (audited, the other sides told); a watcher going never touches the
	 * session it watched beyond a notice. */
	monitor_tap_remove(&s->tap);
	s->host->remove(s->host->arg, s);
	secs = ((uint64_t)store_now_ms() - s->started_ms) / 1000;
	snprintf(detail, sizeof detail, "after %llu s%s", (unsigned long long)secs,
		 s->ended ? "" : ", connection dropped");
	memset(&ctx, 0, sizeof ctx);
	ctx.account = s->user;
	ctx.role = role_name((enum role)s->role);
	ctx.session = s->id;
	ctx.peer = s->peer;
	ctx.transport = s->transport;
	if (!s->exec)
		store_audit(s->host->store, &ctx, "logout", s->user, detail);
	session_stdin_release(s);
	record_close(s->rec);
	s->rec = NULL;
	log_info(s->id, "session of %s ended %s", s->user, detail);
	session_unref(s);
}
