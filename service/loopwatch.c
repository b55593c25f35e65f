/* loopwatch — see loopwatch.h. */
#include "loopwatch.h"

#include <string.h>

#include "log.h"

uint64_t loopwatch_busy_ns(uint64_t last_ns, uint64_t last_idle_ns, uint64_t now_ns,
                           uint64_t idle_ns)
{
	uint64_t wall = now_ns > last_ns ? now_ns - last_ns : 0;
	uint64_t idle = idle_ns > last_idle_ns ? idle_ns - last_idle_ns : 0;

	return wall > idle ? wall - idle : 0;
}

static void loopwatch_prepare_cb(uv_prepare_t *h)
{
	struct loopwatch *w = h->data;
	uint64_t now = uv_hrtime(), idle = uv_metrics_idle_time(w->loop);
	uint64_t busy = loopwatch_busy_ns(w->last_ns, w->last_idle_ns, now, idle);
	const char *what = w->what[0] != '\0' ? w->what : "the service";

	if (!w->running) {
		/* The first turn: its start is the service's start-up, not a turn. */
		w->running = true;
		busy = 0;
	}
	if (busy > w->longest_ns) {
		w->longest_ns = busy;
		memcpy(w->longest_what, what, strlen(what) + 1);
	}
	if (w->threshold_ns != 0 && busy >= w->threshold_ns) {
		w->stalls++;
		log_warn(NULL, "loop stall: %llu ms busy in one turn (%s); longest since start %llu ms",
		         (unsigned long long)(busy / 1000000), what,
		         (unsigned long long)(w->longest_ns / 1000000));
	}
	w->what[0] = '\0';
	/* Read again: the log line above is part of the next turn's work, not this one's. */
	w->last_ns = uv_hrtime();
	w->last_idle_ns = uv_metrics_idle_time(w->loop);
}

int loopwatch_start(struct loopwatch *w, uv_loop_t *loop, unsigned threshold_ms)
{
	int rc;

	memset(w, 0, sizeof *w);
	w->loop = loop;
	loopwatch_set_threshold(w, threshold_ms);
	rc = uv_loop_configure(loop, UV_METRICS_IDLE_TIME);
	if (rc != 0)
		return rc;
	rc = uv_prepare_init(loop, &w->prepare);
	if (rc != 0)
		return rc;
	w->prepare.data = w;
	w->last_ns = uv_hrtime();
	w->last_idle_ns = uv_metrics_idle_time(loop);
	rc = uv_prepare_start(&w->prepare, loopwatch_prepare_cb);
	/* The watch must not keep the loop alive on its own. */
	uv_unref((uv_handle_t *)&w->prepare);
	return rc;
}

void loopwatch_set_threshold(struct loopwatch *w, unsigned threshold_ms)
{
	w->threshold_ns = (uint64_t)threshold_ms * 1000000u;
}

void loopwatch_note(struct loopwatch *w, const char *what)
{
	size_t n = strlen(what);

	if (n >= sizeof w->what) {
		n = sizeof w->what - 1;
		/* Cut at a character boundary: what may be Chinese. */
		while (n > 0 && ((unsigned char)what[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(w->what, what, n);
	w->what[n] = '\0';
}

void loopwatch_stop(struct loopwatch *w)
{
	if (w->loop != NULL && !uv_is_closing((uv_handle_t *)&w->prepare))
		uv_close((uv_handle_t *)&w->prepare, NULL);
}
