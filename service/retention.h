/* retention — the recordings kept [record] keep_days: a daily job (and one two seconds after the
 * start) deletes the day directories older than that on the thread pool, and writes what it
 * removed to the audit trail ("recording.retention", detail "before=DAY files=N bytes=B"), so
 * that `audit verify` knows those recordings were removed by the rule, not by hand.
 * Loop thread only. Strings passed in are copied. */
#ifndef PROPDESK_RETENTION_H
#define PROPDESK_RETENTION_H

#include <uv.h>

struct store;
struct retention;

/* keep_days 0: keeps everything (nothing is started; NULL returned). */
struct retention *retention_start(uv_loop_t *loop, struct store *st, const char *dir,
				  int keep_days);
/* A reload: the new rule applies from the next run. */
void retention_set(struct retention *r, const char *dir, int keep_days);
/* Stops the timer; the structure is freed once a run in flight has come back. NULL: nothing. */
void retention_stop(struct retention *r);
/* The cut-off day of keep_days before now_s (local time): "YYYY-MM-DD" into out[11]. */
void retention_cutoff(long long now_s, int keep_days, char out[11]);

#endif
