/* loopwatch — measures how long each turn of the event loop keeps it busy, so that work which
 * blocks every session shows up in the log with what caused it. A turn is busy from the end of
 * one poll to the start of the next, less nothing: libuv's idle-time metric (the time spent
 * waiting in the poll) is subtracted from the wall time between two prepare callbacks.
 * Whoever starts work on the loop names it (loopwatch_note); a turn busy for at least the
 * threshold is logged once, with the last name noted in it. Loop thread only. */
#ifndef PROPDESK_LOOPWATCH_H
#define PROPDESK_LOOPWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#define LOOPWATCH_WHAT_MAX 96

struct loopwatch {
	uv_loop_t *loop;
	uv_prepare_t prepare;
	uint64_t threshold_ns; /* log turns busy this long (0: never) */
	uint64_t last_ns;      /* uv_hrtime at the previous prepare */
	uint64_t last_idle_ns; /* uv_metrics_idle_time then */
	char what[LOOPWATCH_WHAT_MAX]; /* noted in the current turn ("" when nothing was) */
	/* Since start (or loopwatch_reset): the longest busy turn and what it ran. */
	uint64_t longest_ns;
	char longest_what[LOOPWATCH_WHAT_MAX];
	uint64_t stalls; /* turns at or over the threshold */
	bool running;    /* the first turn has begun */
};

/* Before uv_run: the loop must measure its idle time, which is configured here. Returns 0 or
 * a libuv error. threshold_ms 0 measures without logging. */
int loopwatch_start(struct loopwatch *w, uv_loop_t *loop, unsigned threshold_ms);
void loopwatch_set_threshold(struct loopwatch *w, unsigned threshold_ms);
/* Names the work now starting on the loop ("agent1: complaint list"), cut to fit. */
void loopwatch_note(struct loopwatch *w, const char *what);
/* Closes the handle (the loop must run once more to finish the close). */
void loopwatch_stop(struct loopwatch *w);

/* The busy time of a turn from the two readings at its ends (pure; for tests). */
uint64_t loopwatch_busy_ns(uint64_t last_ns, uint64_t last_idle_ns, uint64_t now_ns,
                           uint64_t idle_ns);

#endif
