/* store_auditlog — the audit log as auditors read it: pages of events by filters (account,
 * role, action, target, session, time), newest first, and one event by its number. Reads
 * only; same threading as store.h (the commands run them on the thread pool). Strings in the
 * filter are borrowed; events returned own their strings (store_audit.h). */
#ifndef PROPDESK_STORE_AUDITLOG_H
#define PROPDESK_STORE_AUDITLOG_H

#include <stddef.h>
#include <stdint.h>

#include "store_audit.h"

/* Every field may be NULL / 0 (no condition). */
struct auditlog_filter {
	const char *account, *role, *action, *target, *session;
	int64_t since_ms, until_ms; /* ts_ms >= since, ts_ms < until */
	int64_t before_seq;         /* seq < before (paging back); 0: from the newest */
	int64_t after_seq;          /* seq > after */
	size_t limit;               /* at most this many (required: 1..) */
	int oldest_first;           /* 1: by seq ascending from after_seq (export) */
};

#define STORE_AUDITLOG_PAGE_MAX 10000

int store_auditlog_list(struct store *st, const struct auditlog_filter *f,
                        struct audit_event **out, size_t *n);
/* The same events, oldest first (f->oldest_first is implied), each given to fn without a copy:
 * e and its strings are borrowed, valid during the call only. fn returns 0 to go on, 1 to stop
 * after this event, < 0 to stop with that error. Returns 0 or < 0. */
typedef int (*store_auditlog_fn)(void *arg, const struct audit_event *e);
int store_auditlog_each(struct store *st, const struct auditlog_filter *f, store_auditlog_fn fn,
                        void *arg);
/* The newest event's seq (0: an empty log). */
int store_auditlog_head(struct store *st, int64_t *seq);
/* Event seq: 0 with *out, STORE_ENOENT. */
int store_auditlog_get(struct store *st, int64_t seq, struct audit_event *out);

#endif
