/* monitor — the sessions' taps, the watches between them, and their audit. */
#include "monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "role.h"
#include "store_audit.h"
#include "utf8.h"
#include "xalloc.h"

struct monitor_watch {
	struct monitor_watch *next; /* in the target's list */
	struct monitor_tap *watcher, *target;
	int64_t start_ms;
	uint64_t mirrored, skipped; /* bytes */
	unsigned skips;             /* times it fell behind */
	bool skipping;
	uint64_t skipping_bytes;    /* skipped since it fell behind this time */
};

static void monitor_teams_free(struct monitor *m)
{
	size_t i;

	for (i = 0; i < m->nteams; i++) {
		free(m->teams[i].supervisor);
		free(m->teams[i].teams);
	}
	free(m->teams);
	m->teams = NULL;
	m->nteams = 0;
}

/* The policy, with a copy of its team lists of our own. */
static void monitor_policy_copy(struct monitor *m, const struct monitor_policy *p)
{
	size_t i;

	monitor_teams_free(m);
	m->policy = *p;
	if (p->nteams > 0) {
		m->teams = xalloc_calloc(p->nteams, sizeof *m->teams);
		for (i = 0; i < p->nteams; i++) {
			m->teams[i].supervisor = xalloc_strdup(p->teams[i].supervisor);
			m->teams[i].teams = xalloc_strdup(p->teams[i].teams);
		}
		m->nteams = p->nteams;
	}
	m->policy.teams = m->teams;
	m->policy.nteams = m->nteams;
}

void monitor_init(struct monitor *m, struct store *store, const struct monitor_policy *p,
		  int64_t (*now_ms)(void))
{
	memset(m, 0, sizeof *m);
	m->store = store;
	monitor_policy_copy(m, p);
	m->now_ms = now_ms;
}

void monitor_set_policy(struct monitor *m, const struct monitor_policy *p)
{
	struct monitor_tap *t;

	monitor_policy_copy(m, p);
	for (t = m->taps; t != NULL; t = t->next)
		if (t->nwatchers > 0)
			t->ops->watched(t->owner, p->notify ? t->nwatchers : 0);
}

void monitor_close(struct monitor *m)
{
	while (m->taps != NULL)
		monitor_tap_remove(m->taps);
	monitor_teams_free(m);
}

/* Is team one of the comma-separated names of list? */
static bool monitor_list_has(const char *list, const char *team)
{
	size_t n = strlen(team);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, team, n) == 0)
			return true;
		p = end != NULL ? end + 1 : NULL;
	}
	return false;
}

bool monitor_in_scope(const struct monitor *m, const struct monitor_tap *actor, const char *team)
{
	size_t i;

	if (actor->role == ROLE_ADMIN)
		return true;
	if (actor->role != ROLE_SUPERVISOR)
		return false;
	if (m->policy.scope_all)
		return true;
	if (team == NULL || team[0] == '\0')
		return false;
	if (strcmp(team, actor->account) == 0)
		return true;
	for (i = 0; i < m->nteams; i++)
		if (strcmp(m->teams[i].supervisor, actor->account) == 0)
			return monitor_list_has(m->teams[i].teams, team);
	return false;
}

/* The name of a tap for another person's screen: "display (account)", sanitized. */
static void monitor_name(const struct monitor_tap *t, struct buf *out)
{
	if (t->display[0] != '\0' && strcmp(t->display, t->account) != 0) {
		utf8_sanitize(out, t->display, strlen(t->display), 0);
		buf_puts(out, " (");
		utf8_sanitize(out, t->account, strlen(t->account), 0);
		buf_putc(out, ')');
	} else {
		utf8_sanitize(out, t->account, strlen(t->account), 0);
	}
}

void monitor_tap_add(struct monitor *m, struct monitor_tap *t, const struct monitor_tap_params *p,
		     const struct monitor_tap_ops *ops, void *owner)
{
	memset(t, 0, sizeof *t);
	t->m = m;
	t->ops = ops;
	t->owner = owner;
	snprintf(t->id, sizeof t->id, "%s", p->id != NULL ? p->id : "");
	t->account = xalloc_strdup(p->account != NULL ? p->account : "");
	t->display = xalloc_strdup(p->display != NULL ? p->display : "");
	t->team = xalloc_strdup(p->team != NULL ? p->team : "");
	t->transport = xalloc_strdup(p->transport != NULL ? p->transport : "");
	t->peer = xalloc_strdup(p->peer != NULL ? p->peer : "");
	t->role = p->role;
	t->exec = p->exec;
	t->login_ms = p->login_ms;
	t->cols = p->cols;
	t->rows = p->rows;
	/* The scrollback is allocated with the first output. */
	t->ring_cap = p->exec ? 0 : m->policy.scrollback;
	t->next = m->taps;
	if (m->taps != NULL)
		m->taps->prev = t;
	m->taps = t;
	m->ntaps++;
}

static void monitor_audit(struct monitor_watch *w, const char *action, const char *detail)
{
	struct monitor_tap *me = w->watcher;
	struct audit_ctx ctx;

	if (me->m->store == NULL)
		return;
	memset(&ctx, 0, sizeof ctx);
	ctx.account = me->account;
	ctx.role = role_name((enum role)me->role);
	ctx.session = me->id;
	ctx.peer = me->peer;
	ctx.transport = me->transport;
	(void)store_audit(me->m->store, &ctx, action, w->target->id, detail);
}

/* Unlinks w from both sides, audits its end and frees it; tells whom tell says. */
static void monitor_watch_end(struct monitor_watch *w, bool tell_watcher, const char *why_en,
			      const char *why_zh)
{
	struct monitor_tap *target = w->target, *watcher = w->watcher;
	struct monitor_watch **pp;
	char detail[256];
	int64_t secs = (target->m->now_ms() - w->start_ms) / 1000;

	for (pp = &target->watchers; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	target->nwatchers--;
	watcher->watching = NULL;
	snprintf(detail, sizeof detail,
		 "watched %s for %lld s: %llu bytes mirrored, %llu skipped (fell behind %u times)",
		 target->account, (long long)(secs > 0 ? secs : 0), (unsigned long long)w->mirrored,
		 (unsigned long long)w->skipped, w->skips);
	monitor_audit(w, "watch.end", detail);
	free(w);
	if (target->m->policy.notify && why_en == NULL) {
		struct buf en, zh;

		target->ops->watched(target->owner, target->nwatchers);
		buf_init(&en);
		buf_init(&zh);
		buf_printf(&en, "%s ", role_label((enum role)watcher->role, "en"));
		monitor_name(watcher, &en);
		buf_puts(&en, " stopped watching your session");
		buf_printf(&zh, "%s ", role_label((enum role)watcher->role, "zh"));
		monitor_name(watcher, &zh);
		buf_puts(&zh, " 已停止查看您的会话");
		target->ops->notice(target->owner, "propdesk", "propdesk", buf_cstr(&en),
				   buf_cstr(&zh));
		buf_free(&en);
		buf_free(&zh);
	}
	if (tell_watcher)
		watcher->ops->watch_ended(watcher->owner, why_en, why_zh);
}

void monitor_tap_remove(struct monitor_tap *t)
{
	struct monitor *m = t->m;

	if (m == NULL)
		return;
	/* Unlinked first: what the other sides are told does not come back to t. */
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		m->taps = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	m->ntaps--;
	if (t->watching != NULL)
		monitor_watch_end(t->watching, false, NULL, NULL);
	while (t->watchers != NULL)
		monitor_watch_end(t->watchers, true, "the watched session has ended",
				  "被查看的会话已结束");
	free(t->ring);
	free(t->account);
	free(t->display);
	free(t->team);
	free(t->transport);
	free(t->peer);
	memset(t, 0, sizeof *t);
}

/* --- output ------------------------------------------------------------------------------ */

static void monitor_ring_add(struct monitor_tap *t, const char *buf, size_t len)
{
	size_t end, first;

	if (t->ring_cap == 0)
		return;
	if (t->ring == NULL)
		t->ring = xalloc_calloc(1, t->ring_cap);
	if (len >= t->ring_cap) {
		memcpy(t->ring, buf + len - t->ring_cap, t->ring_cap);
		t->ring_start = 0;
		t->ring_wrapped = t->ring_wrapped || len > t->ring_cap || t->ring_len > 0;
		t->ring_len = t->ring_cap;
		return;
	}
	if (t->ring_len + len > t->ring_cap) {
		size_t drop = t->ring_len + len - t->ring_cap;

		t->ring_start = (t->ring_start + drop) % t->ring_cap;
		t->ring_len -= drop;
		t->ring_wrapped = true;
	}
	end = (t->ring_start + t->ring_len) % t->ring_cap;
	first = t->ring_cap - end < len ? t->ring_cap - end : len;
	memcpy(t->ring + end, buf, first);
	memcpy(t->ring, buf + first, len - first);
	t->ring_len += len;
}

/* The scrollback as one string, from its first whole line when its front was dropped (so it
 * starts neither inside a character nor inside an escape sequence), at most max bytes (the
 * most recent). */
static void monitor_ring_copy(const struct monitor_tap *t, size_t max, struct buf *out)
{
	struct buf all;
	const char *s, *nl;
	size_t len;

	if (t->ring_len == 0)
		return;
	buf_init(&all);
	len = t->ring_cap - t->ring_start < t->ring_len ? t->ring_cap - t->ring_start
							: t->ring_len;
	buf_append(&all, t->ring + t->ring_start, len);
	buf_append(&all, t->ring, t->ring_len - len);
	s = all.data;
	len = all.len;
	if (len > max) {
		s += len - max;
		len = max;
	}
	if (t->ring_wrapped || len < all.len) {
		nl = memchr(s, '\n', len);
		if (nl != NULL) {
			len -= (size_t)(nl + 1 - s);
			s = nl + 1;
		}
	}
	buf_append(out, s, len);
	buf_free(&all);
}

/* Queues bytes for w's watcher, or skips them when its queue is full. */
static void monitor_watch_send(struct monitor_watch *w, const char *buf, size_t len)
{
	struct monitor_tap *me = w->watcher;
	size_t cap = me->m->policy.watch_buffer;

	if (w->skipping) {
		w->skipped += len;
		w->skipping_bytes += len;
		return;
	}
	if (me->ops->pending(me->owner) + len > cap) {
		w->skipping = true;
		w->skips++;
		w->skipped += len;
		w->skipping_bytes = len;
		return;
	}
	w->mirrored += len;
	me->ops->mirror(me->owner, buf, len);
}

void monitor_output(struct monitor_tap *t, const char *buf, size_t len)
{
	struct monitor_watch *w;

	if (t->m == NULL || t->exec || len == 0)
		return;
	monitor_ring_add(t, buf, len);
	for (w = t->watchers; w != NULL; w = w->next)
		monitor_watch_send(w, buf, len);
}

void monitor_withheld(struct monitor_tap *t, const char *what)
{
	char note[96];

	snprintf(note, sizeof note, "\xe2\x80\xb9withheld: %s\xe2\x80\xba", what);
	monitor_output(t, note, strlen(note));
}

void monitor_drained(struct monitor_tap *t)
{
	struct monitor_watch *w = t->m != NULL ? t->watching : NULL;
	char note[256];
	int n;

	if (w == NULL || !w->skipping ||
	    t->ops->pending(t->owner) > t->m->policy.watch_buffer / 2)
		return;
	w->skipping = false;
	n = snprintf(note, sizeof note,
		     "\r\n\x1b[0m[propdesk] your terminal fell behind: %llu bytes of %s's output "
		     "were skipped / 您的终端跟不上，跳过了 %llu 字节输出\r\n",
		     (unsigned long long)w->skipping_bytes, w->target->account,
		     (unsigned long long)w->skipping_bytes);
	w->skipping_bytes = 0;
	if (n > 0)
		t->ops->mirror(t->owner, note, (size_t)n < sizeof note ? (size_t)n : sizeof note - 1);
}

/* Tells w's watcher when its terminal is smaller than the watched one. */
static void monitor_size_check(struct monitor_watch *w)
{
	struct monitor_tap *me = w->watcher, *them = w->target;
	char en[192], zh[192];

	if (me->cols <= 0 || them->cols <= 0)
		return;
	if (me->cols >= them->cols && (me->rows >= them->rows || me->rows <= 0 || them->rows <= 0))
		return;
	snprintf(en, sizeof en,
		 "your terminal (%dx%d) is smaller than the watched one (%dx%d): lines may wrap; "
		 "its size is not changed",
		 me->cols, me->rows, them->cols, them->rows);
	snprintf(zh, sizeof zh, "您的终端（%dx%d）小于被查看的终端（%dx%d）：显示可能换行；对方终端大小不变",
		 me->cols, me->rows, them->cols, them->rows);
	me->ops->notice(me->owner, "propdesk", "propdesk", en, zh);
}

void monitor_resize(struct monitor_tap *t, int cols, int rows)
{
	struct monitor_watch *w;

	if (t->m == NULL)
		return;
	t->cols = cols;
	t->rows = rows;
	for (w = t->watchers; w != NULL; w = w->next)
		monitor_size_check(w);
	if (t->watching != NULL)
		monitor_size_check(t->watching);
}

/* --- lookups ----------------------------------------------------------------------------- */

struct monitor_tap *monitor_find(struct monitor *m, const char *id)
{
	struct monitor_tap *t;

	for (t = m->taps; t != NULL; t = t->next)
		if (strcmp(t->id, id) == 0)
			return t;
	return NULL;
}

static void monitor_fill(struct monitor_tap *t, struct shell_session_info *si, char *doing,
			 size_t n)
{
	memset(si, 0, sizeof *si);
	doing[0] = '\0';
	si->id = t->id;
	si->account = t->account;
	si->display = t->display;
	si->role = t->role;
	si->team = t->team;
	si->transport = t->transport;
	si->peer = t->peer;
	si->exec = t->exec;
	si->login_ms = t->login_ms;
	si->cols = t->cols;
	si->rows = t->rows;
	si->watching = t->watching != NULL ? t->watching->target->id : "";
	si->watchers = t->nwatchers;
	t->ops->info(t->owner, si, doing, n);
	si->doing = doing;
}

void monitor_info(struct monitor_tap *t, shell_session_fn each, void *arg)
{
	struct shell_session_info si;
	char doing[128];

	monitor_fill(t, &si, doing, sizeof doing);
	each(arg, &si);
}

size_t monitor_each(struct monitor *m, shell_session_fn each, void *arg)
{
	struct monitor_tap *t;
	size_t n = 0;

	for (t = m->taps; t != NULL; t = t->next, n++)
		monitor_info(t, each, arg);
	return n;
}

size_t monitor_watchers(struct monitor_tap *t, shell_session_fn each, void *arg)
{
	struct monitor_watch *w;
	struct shell_session_info si;
	char doing[128];
	size_t n = 0;

	for (w = t->watchers; w != NULL; w = w->next, n++) {
		monitor_fill(w->watcher, &si, doing, sizeof doing);
		si.since_ms = w->start_ms;
		each(arg, &si);
	}
	return n;
}

/* --- watching ---------------------------------------------------------------------------- */

int monitor_watch(struct monitor_tap *watcher, struct monitor_tap *target)
{
	struct monitor_watch *w;
	struct buf replay;
	char detail[160];

	if (watcher == target)
		return SHELL_MONITOR_ESELF;
	if (watcher->watching != NULL)
		return SHELL_MONITOR_EBUSY;
	if (target->exec)
		return SHELL_MONITOR_ENOTTY;
	w = xalloc_calloc(1, sizeof *w);
	w->watcher = watcher;
	w->target = target;
	w->start_ms = watcher->m->now_ms();
	w->next = target->watchers;
	target->watchers = w;
	target->nwatchers++;
	watcher->watching = w;
	snprintf(detail, sizeof detail, "started watching %s (%s)", target->account,
		 watcher->m->policy.notify ? "the agent is told" : "silent, by the site's policy");
	monitor_audit(w, "watch.start", detail);
	/* The recent screen first, so the watcher has context, then everything live. */
	buf_init(&replay);
	monitor_ring_copy(target, watcher->m->policy.watch_buffer / 2, &replay);
	if (replay.len > 0)
		monitor_watch_send(w, replay.data, replay.len);
	buf_free(&replay);
	monitor_size_check(w);
	if (watcher->m->policy.notify) {
		struct buf en, zh;

		target->ops->watched(target->owner, target->nwatchers);
		buf_init(&en);
		buf_init(&zh);
		buf_printf(&en, "%s ", role_label((enum role)watcher->role, "en"));
		monitor_name(watcher, &en);
		buf_puts(&en, " is watching your session (who watches me: lists who)");
		buf_printf(&zh, "%s ", role_label((enum role)watcher->role, "zh"));
		monitor_name(watcher, &zh);
		buf_puts(&zh, " 正在查看您的会话（输入 who watches me 查看）");
		target->ops->notice(target->owner, "propdesk", "propdesk", buf_cstr(&en),
				   buf_cstr(&zh));
		buf_free(&en);
		buf_free(&zh);
	}
	return 0;
}

void monitor_unwatch(struct monitor_tap *watcher)
{
	if (watcher->m != NULL && watcher->watching != NULL)
		monitor_watch_end(watcher->watching, false, NULL, NULL);
}

void monitor_whisper(struct monitor_tap *from, struct monitor_tap *to, const char *text)
{
	struct buf en, zh;

	snprintf(to->whisperer, sizeof to->whisperer, "%s", from->id);
	buf_init(&en);
	buf_init(&zh);
	buf_puts(&en, "whisper from ");
	monitor_name(from, &en);
	buf_puts(&zh, "悄悄话 ");
	monitor_name(from, &zh);
	to->ops->notice(to->owner, buf_cstr(&en), buf_cstr(&zh), text, text);
	buf_free(&en);
	buf_free(&zh);
}
