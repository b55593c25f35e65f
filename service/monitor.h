/* monitor — live monitoring of the desk's sessions: each session's tap on its one output path
 * (a bounded scrollback of what its terminal showed, and the sessions watching it), watches
 * between sessions with a bounded queue each (a watcher that falls behind skips ahead and is
 * told; the watched session never waits), the reply address of whispers, and the audit of
 * every observation (watch.start and watch.end with its length and what was skipped).
 * Loop thread only. A tap is embedded in its owner (a session), linked from monitor_tap_add to
 * monitor_tap_remove; the monitor reaches the owner only through monitor_tap_ops, and never
 * calls an owner's op from inside that owner's own call into the monitor. Strings given are
 * copied. */
#ifndef PROPDESK_MONITOR_H
#define PROPDESK_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

struct store;
struct monitor_watch;

/* teams.SUPERVISOR = TEAM, TEAM: the teams a supervisor acts on beyond their own. */
struct monitor_scope {
	char *supervisor; /* the supervisor's account */
	char *teams;      /* team names, comma-separated without spaces */
};

/* The site's policy ([monitor] in etc/propdesk.conf). */
struct monitor_policy {
	bool scope_all;      /* scope = all: supervisors act on every session (team: their own) */
	const struct monitor_scope *teams; /* borrowed: the monitor keeps a copy */
	size_t nteams;
	bool notify;         /* a watched session is told when a watch starts and stops */
	size_t scrollback;   /* bytes of each terminal session's recent output kept (0: none) */
	size_t watch_buffer; /* bytes queued for one watcher before it skips ahead */
};

#define MONITOR_SCROLLBACK_DEFAULT ((size_t)16 << 10)
#define MONITOR_WATCH_BUFFER_DEFAULT ((size_t)64 << 10)
#define MONITOR_WATCH_BUFFER_MAX ((size_t)256 << 10)

/* What a tap's owner does for the monitor. */
struct monitor_tap_ops {
	/* Queues bytes for the owner's client as they are (a mirror of another terminal),
	 * past its shell and its recording. */
	void (*mirror)(void *owner, const char *buf, size_t len);
	/* Bytes queued for the owner's client, not yet sent. */
	size_t (*pending)(void *owner);
	/* A notice "[from] text" above the owner's prompt, in its language (en or zh). */
	void (*notice)(void *owner, const char *from_en, const char *from_zh, const char *en,
		       const char *zh);
	/* Ends the owner's session: the notice, then the close. */
	void (*kick)(void *owner, const char *from, const char *text);
	/* The live part of the owner's info: idle_ms, cols, rows, doing (into doing, n bytes). */
	void (*info)(void *owner, struct shell_session_info *si, char *doing, size_t n);
	/* How many watch the owner's session now, told when the policy tells the watched (0
	 * also when a reload makes observation silent): its prompt shows it is watched. */
	void (*watched)(void *owner, size_t nwatchers);
	/* The watch the owner runs was ended from the other side, why in its language. */
	void (*watch_ended)(void *owner, const char *en, const char *zh);
};

/* Who a tap is, as given to monitor_tap_add (copied). */
struct monitor_tap_params {
	const char *id, *account, *display, *team, *transport, *peer;
	unsigned role; /* enum role */
	bool exec;
	int64_t login_ms; /* wall clock */
	int cols, rows;
};

struct monitor_tap {
	struct monitor *m;
	struct monitor_tap *prev, *next;
	const struct monitor_tap_ops *ops;
	void *owner;
	char id[16];
	char *account, *display, *team, *transport, *peer;
	unsigned role;
	bool exec;
	int64_t login_ms;
	int cols, rows;
	char *ring;            /* the scrollback: ring_len bytes from ring_start, ring_cap total */
	size_t ring_cap, ring_start, ring_len;
	bool ring_wrapped;     /* bytes have been dropped from its front */
	struct monitor_watch *watchers; /* watching this tap */
	size_t nwatchers;
	struct monitor_watch *watching; /* the watch this tap runs, or NULL */
	char whisperer[16];    /* the session that whispered last, "" none */
};

struct monitor {
	struct store *store;  /* where observations are audited (NULL: not audited, tests) */
	struct monitor_policy policy; /* its teams point to the copy below */
	struct monitor_scope *teams;  /* owned */
	size_t nteams;
	struct monitor_tap *taps;
	size_t ntaps;
	int64_t (*now_ms)(void); /* wall clock */
};

void monitor_init(struct monitor *m, struct store *store, const struct monitor_policy *p,
		  int64_t (*now_ms)(void));
/* A reload: the new policy applies from now on (the scrollback of taps already made keeps
 * its size; watched sessions are told their watchers again, none when it is silent now). */
void monitor_set_policy(struct monitor *m, const struct monitor_policy *p);
/* Every tap must be removed before (the policy's copy is freed). */
void monitor_close(struct monitor *m);

void monitor_tap_add(struct monitor *m, struct monitor_tap *t, const struct monitor_tap_params *p,
		     const struct monitor_tap_ops *ops, void *owner);
/* Ends the watches of and on t (audited; the other sides told), unlinks and frees t's own
 * memory. Nothing for a tap never added or already removed. */
void monitor_tap_remove(struct monitor_tap *t);

/* The owner's terminal output, as its client gets it: kept in the scrollback and copied to
 * each watcher, or skipped for a watcher whose queue holds watch_buffer bytes. */
void monitor_output(struct monitor_tap *t, const char *buf, size_t len);
/* Output the client got and its copies must not (a secret): watchers see what was withheld. */
void monitor_withheld(struct monitor_tap *t, const char *what);
/* The owner's client took output from its queue: a watcher that skipped resumes (told how
 * much it missed) once its queue is half empty. */
void monitor_drained(struct monitor_tap *t);
/* The owner's terminal size changed; watchers with a smaller terminal are told. */
void monitor_resize(struct monitor_tap *t, int cols, int rows);

/* May actor act on (watch, whisper to, end) a session of team ("" none)? Admins on any;
 * supervisors on their own team's (named after them), every one's with scope = all, and the
 * teams the site lists for them (teams.NAME); nobody else. */
bool monitor_in_scope(const struct monitor *m, const struct monitor_tap *actor, const char *team);

/* The live tap named id, or NULL. */
struct monitor_tap *monitor_find(struct monitor *m, const char *id);
/* t's info through each (strings valid during the call). */
void monitor_info(struct monitor_tap *t, shell_session_fn each, void *arg);
size_t monitor_each(struct monitor *m, shell_session_fn each, void *arg);
/* Every watcher of t, with since_ms its watch's start; returns how many. */
size_t monitor_watchers(struct monitor_tap *t, shell_session_fn each, void *arg);

/* watcher starts mirroring target: the scrollback first, then live output. Audited
 * (watch.start); the target is told when the policy says so, and the watcher when its
 * terminal is smaller. 0, SHELL_MONITOR_ESELF, SHELL_MONITOR_EBUSY (watcher watches one
 * already) or SHELL_MONITOR_ENOTTY (target is an exec command). */
int monitor_watch(struct monitor_tap *watcher, struct monitor_tap *target);
/* Ends watcher's watch (audited watch.end; the target told): nothing when none. */
void monitor_unwatch(struct monitor_tap *watcher);
/* A whisper from to: to's owner gets the notice, and may reply to from. */
void monitor_whisper(struct monitor_tap *from, struct monitor_tap *to, const char *text);

#endif
