/* record — asciicast v2 session recordings: the asynchronous file sink, on the encoder of
 * record_enc.c. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <uv.h>

#include "log.h"
#include "xalloc.h"

/* --- the file sink ----------------------------------------------------------------------- */

/* Output is encoded in slices of this size, so one huge write still fits the queue. */
#define RECORD_SLICE 65536
/* Output that comes while a write is in flight is gathered into one event, as long as it
 * comes within this many microseconds of the first of it. */
#define RECORD_MERGE_US 10000
/* Names tried when ID-ACCOUNT.cast exists already. */
#define RECORD_NAME_TRIES 100

enum record_state {
	RECORD_OPENING, /* creating the directories and the file */
	RECORD_OPEN,    /* writing */
	RECORD_FAILED,  /* an error was logged: nothing more is written */
};

struct record {
	uv_loop_t *loop;
	struct record_enc enc;
	enum record_state state;
	char sid[16];
	char *dir, *daydir, *path;
	size_t path_stem;     /* length of path without ".cast" */
	int attempt;          /* name collisions so far: ID-ACCOUNT-N.cast */
	uint64_t start_ns;    /* uv_hrtime at the start */
	size_t queue_max;     /* bytes queued at most */
	uv_fs_t req;          /* at most one request in flight */
	bool busy;            /* req is in flight */
	bool closing;         /* record_close was called: free when the queue is written */
	uv_file fd;           /* open only while there is something to write, else -1 */
	struct buf queue;     /* encoded events waiting for the write in flight */
	struct buf inflight;  /* being written, from inflight_off */
	size_t inflight_off;
	struct buf raw;       /* output not encoded yet (at most RECORD_SLICE bytes) */
	uint64_t raw_us;      /* the time of its first byte */
	struct buf scratch;   /* raw's event, before it is admitted to the queue */
	bool in_gap;          /* output is being dropped */
	uint64_t gap_bytes;   /* dropped in the current gap */
	uint64_t dropped;     /* dropped in all gaps */
	unsigned gaps;
	bool gap_logged;
	struct record_enc_sizes sizes; /* the window sizes written and waiting */
	uv_timer_t timer;     /* writes a waiting size when its time comes */
	bool timer_closed;    /* its close callback ran (r may be freed) */
	size_t max_bytes;     /* the file's cap */
	size_t bytes;         /* admitted to the queue so far (the file's size when written) */
	bool full;            /* the cap was reached: the closing marker is written, no more */
	crypto_generichash_state hash; /* over every byte written, in order */
	uint64_t written;
	char *account;
	void (*finished)(void *arg, const char *session_id, const char *account,
	                 const char *file, uint64_t bytes, const char *hash);
	void *finished_arg;
};

static void record_pump(struct record *r);
static void record_commit(struct record *r);
static void record_timer_cb(uv_timer_t *t);
static int record_open(struct record *r, bool next);

static uint64_t record_now_us(const struct record *r)
{
	return (uv_hrtime() - r->start_ns) / 1000;
}

static void record_free(struct record *r)
{
	if (r->dropped > 0)
		log_warn(r->sid, "recording %s misses %" PRIu64 " bytes of output in %u gap(s)",
			 r->path, r->dropped, r->gaps);
	if (r->finished != NULL && r->state == RECORD_OPEN && r->path != NULL) {
		unsigned char h[crypto_generichash_BYTES];
		char hex[2 * crypto_generichash_BYTES + 1];
		size_t dl = strlen(r->dir);
		const char *file = strncmp(r->path, r->dir, dl) == 0 && r->path[dl] == '/'
					   ? r->path + dl + 1 : r->path;

		crypto_generichash_final(&r->hash, h, sizeof h);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		r->finished(r->finished_arg, r->sid, r->account, file, r->written, hex);
	}
	free(r->account);
	buf_free(&r->queue);
	buf_free(&r->inflight);
	buf_free(&r->raw);
	buf_free(&r->scratch);
	free(r->dir);
	free(r->daydir);
	free(r->path);
	free(r);
}

/* Logs the first error; the recording stops, the session goes on. */
static void record_fail(struct record *r, const char *what, const char *path, int rc)
{
	if (r->state != RECORD_FAILED)
		log_error(r->sid, "recording stopped, the session goes on unrecorded: %s %s: %s",
			  what, path, uv_strerror(rc));
	r->state = RECORD_FAILED;
	buf_free(&r->queue);
	buf_free(&r->inflight);
	buf_free(&r->raw);
	r->inflight_off = 0;
}

static void record_close_cb(uv_fs_t *req)
{
	struct record *r = req->data;

	uv_fs_req_cleanup(req);
	r->busy = false;
	r->fd = -1;
	record_pump(r);
}

static void record_write_cb(uv_fs_t *req)
{
	struct record *r = req->data;
	ssize_t n = req->result;

	uv_fs_req_cleanup(req);
	r->busy = false;
	if (n < 0) {
		record_fail(r, "cannot write", r->path, (int)n);
	} else {
		crypto_generichash_update(&r->hash,
					  (const unsigned char *)r->inflight.data + r->inflight_off,
					  (size_t)n);
		r->written += (uint64_t)n;
		r->inflight_off += (size_t)n;
		if (r->inflight_off >= r->inflight.len) {
			r->inflight_off = 0;
			buf_reset(&r->inflight);
			/* Give back the memory of a big burst. */
			if (r->inflight.cap > RECORD_SLICE)
				buf_free(&r->inflight);
		}
	}
	record_pump(r);
}

/* The file opened again for the next write (see record_pump). */
static void record_reopen_cb(uv_fs_t *req)
{
	struct record *r = req->data;
	ssize_t fd = req->result;

	uv_fs_req_cleanup(req);
	r->busy = false;
	if (fd < 0)
		record_fail(r, "cannot open", r->path, (int)fd);
	else
		r->fd = (uv_file)fd;
	record_pump(r);
}

static void record_open_cb(uv_fs_t *req)
{
	struct record *r = req->data;
	ssize_t fd = req->result;

	uv_fs_req_cleanup(req);
	r->busy = false;
	if (fd == UV_EEXIST && r->attempt < RECORD_NAME_TRIES && record_open(r, true) == 0)
		return;
	if (fd < 0) {
		record_fail(r, "cannot create", r->path, (int)fd);
	} else {
		r->fd = (uv_file)fd;
		if (r->state == RECORD_OPENING)
			r->state = RECORD_OPEN;
	}
	record_pump(r);
}

/* Creates the file; next: the name with the next number (a session id seen before, after a
 * restart on the same day). 0, or the error from uv_fs_open (logged). */
static int record_open(struct record *r, bool next)
{
	int rc;

	if (next) {
		struct buf b;

		buf_init(&b);
		buf_append(&b, r->path, r->path_stem);
		buf_printf(&b, "-%d.cast", ++r->attempt + 1);
		free(r->path);
		r->path = buf_steal(&b);
	}
	rc = uv_fs_open(r->loop, &r->req, r->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600,
			record_open_cb);
	if (rc == 0) {
		r->busy = true;
		return 0;
	}
	record_fail(r, "cannot create", r->path, rc);
	return rc;
}

static void record_mkday_cb(uv_fs_t *req)
{
	struct record *r = req->data;
	int rc = (int)req->result;

	uv_fs_req_cleanup(req);
	r->busy = false;
	if (rc < 0 && rc != UV_EEXIST) {
		record_fail(r, "cannot create directory", r->daydir, rc);
	} else if (record_open(r, false) == 0) {
		return;
	}
	record_pump(r);
}

static void record_mkdir_cb(uv_fs_t *req)
{
	struct record *r = req->data;
	int rc = (int)req->result;

	uv_fs_req_cleanup(req);
	r->busy = false;
	if (rc < 0 && rc != UV_EEXIST) {
		record_fail(r, "cannot create directory", r->dir, rc);
	} else {
		rc = uv_fs_mkdir(r->loop, &r->req, r->daydir, 0700, record_mkday_cb);
		if (rc == 0) {
			r->busy = true;
			return;
		}
		record_fail(r, "cannot create directory", r->daydir, rc);
	}
	record_pump(r);
}

/* Starts the next request: a write of what is queued, or the final close. Frees r when it is
 * closing and nothing is left to do. The file is open only while there is output to write (a
 * burst of output costs an open, its writes and a close on the thread pool): ten thousand
 * sessions idle at a prompt hold no descriptor for their recordings. */
static void record_pump(struct record *r)
{
	int rc;

	if (r->busy)
		return;
	if (r->state == RECORD_OPEN) {
		record_commit(r);
		if (r->inflight_off >= r->inflight.len && r->queue.len > 0) {
			struct buf t = r->inflight;

			r->inflight = r->queue;
			r->queue = t;
			r->inflight_off = 0;
			buf_reset(&r->queue);
		}
		if (r->inflight_off < r->inflight.len && r->fd < 0) {
			rc = uv_fs_open(r->loop, &r->req, r->path, O_WRONLY | O_APPEND | O_CLOEXEC, 0,
					record_reopen_cb);
			if (rc == 0) {
				r->busy = true;
				return;
			}
			record_fail(r, "cannot open", r->path, rc);
		} else if (r->inflight_off < r->inflight.len) {
			uv_buf_t b = uv_buf_init(r->inflight.data + r->inflight_off,
						 (unsigned)(r->inflight.len - r->inflight_off));

			rc = uv_fs_write(r->loop, &r->req, r->fd, &b, 1, -1, record_write_cb);
			if (rc == 0) {
				r->busy = true;
				return;
			}
			record_fail(r, "cannot write", r->path, rc);
		} else if (r->fd >= 0) {
			/* Everything is written: hold no descriptor while the session is idle. */
			rc = uv_fs_close(r->loop, &r->req, r->fd, record_close_cb);
			if (rc == 0) {
				r->busy = true;
				return;
			}
			r->fd = -1;
		}
	}
	if (r->state == RECORD_OPENING)
		return; /* busy creating; cannot happen while not busy */
	if (r->fd >= 0 && (r->closing || r->state == RECORD_FAILED)) {
		rc = uv_fs_close(r->loop, &r->req, r->fd, record_close_cb);
		if (rc == 0) {
			r->busy = true;
			return;
		}
		r->fd = -1;
	}
	if (r->closing && r->timer_closed)
		record_free(r);
}

/* Keeps only characters that are safe in a file name. */
static void record_name_part(struct buf *b, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < max; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (c == '.' && i > 0))
			buf_putc(b, c);
		else
			buf_putc(b, '_');
	}
	if (i == 0)
		buf_putc(b, '_');
}

struct record *record_new(uv_loop_t *loop, const struct record_params *p)
{
	struct record *r = calloc(1, sizeof *r);
	struct record_header h;
	struct buf name;
	char day[16];
	struct tm tm;
	time_t now = time(NULL);
	int rc;

	if (r == NULL)
		return NULL;
	r->loop = loop;
	r->fd = -1;
	r->state = RECORD_OPENING;
	r->start_ns = uv_hrtime();
	r->queue_max = p->queue_max > 0 ? p->queue_max : RECORD_QUEUE_MAX;
	r->max_bytes = p->max_bytes > 0 ? p->max_bytes : RECORD_MAX_BYTES;
	if (r->max_bytes < RECORD_MIN_BYTES)
		r->max_bytes = RECORD_MIN_BYTES;
	record_enc_sizes_init(&r->sizes, p->cols, p->rows);
	uv_timer_init(loop, &r->timer);
	r->timer.data = r;
	snprintf(r->sid, sizeof r->sid, "%s", p->session_id);
	crypto_generichash_init(&r->hash, NULL, 0, crypto_generichash_BYTES);
	r->finished = p->finished;
	r->finished_arg = p->finished_arg;
	r->account = p->account != NULL ? xalloc_strdup(p->account) : NULL;
	record_enc_init(&r->enc);
	buf_init(&r->queue);
	buf_init(&r->inflight);
	buf_init(&r->raw);
	buf_init(&r->scratch);
	if (localtime_r(&now, &tm) == NULL || strftime(day, sizeof day, "%Y-%m-%d", &tm) == 0)
		snprintf(day, sizeof day, "0000-00-00");
	buf_init(&name);
	buf_puts(&name, p->dir);
	r->dir = buf_steal(&name);
	buf_printf(&name, "%s/%s", p->dir, day);
	r->daydir = buf_steal(&name);
	buf_printf(&name, "%s/", r->daydir);
	record_name_part(&name, p->session_id, 32);
	buf_putc(&name, '-');
	record_name_part(&name, p->account, 64);
	r->path_stem = name.len;
	buf_puts(&name, ".cast");
	r->path = buf_steal(&name);

	memset(&h, 0, sizeof h);
	h.cols = p->cols;
	h.rows = p->rows;
	h.timestamp = (int64_t)now;
	h.term = p->term;
	h.lang = p->lang;
	h.title = p->title;
	record_enc_header(&r->queue, &h);
	r->bytes = r->queue.len;

	r->req.data = r;
	rc = uv_fs_mkdir(loop, &r->req, r->dir, 0700, record_mkdir_cb);
	if (rc == 0)
		r->busy = true;
	else
		record_fail(r, "cannot create directory", r->dir, rc);
	return r;
}

static size_t record_queued(const struct record *r)
{
	return r->queue.len + (r->inflight.len - r->inflight_off) + r->raw.len;
}

/* Room kept under the cap for the closing marker. */
#define RECORD_END_RESERVE 256

/* The cap is reached: the closing marker, a warning, and nothing more from now on (what is
 * queued is still written, and the file closed as usual). */
static void record_full(struct record *r)
{
	char label[128];
	size_t before = r->queue.len;

	buf_reset(&r->raw);
	r->enc.nheld = 0;
	snprintf(label, sizeof label,
		 "recording stopped: it reached its limit of %zu bytes ([record] max_bytes)",
		 r->max_bytes);
	record_enc_marker(&r->enc, record_now_us(r), label, &r->queue);
	r->bytes += r->queue.len - before;
	r->full = true;
	uv_timer_stop(&r->timer);
	log_warn(r->sid, "recording %s reached its limit of %zu bytes: the rest of the session "
		 "is not recorded", r->path, r->max_bytes);
}

/* The event(s) just appended to the queue from offset before: kept when they fit under the
 * cap (true); else taken back, the recording ends with its closing marker (false). */
static bool record_admit(struct record *r, size_t before)
{
	size_t n = r->queue.len - before;

	if (r->bytes + n + RECORD_END_RESERVE <= r->max_bytes) {
		r->bytes += n;
		return true;
	}
	r->queue.len = before;
	if (r->queue.data != NULL)
		r->queue.data[before] = '\0';
	record_full(r);
	return false;
}

/* Ends a gap: the marker says how much is missing. */
static void record_gap_end(struct record *r, uint64_t t_us)
{
	char label[96];
	size_t before = r->queue.len;

	snprintf(label, sizeof label, "gap: %" PRIu64 " bytes of output not recorded",
		 r->gap_bytes);
	record_enc_marker(&r->enc, t_us, label, &r->queue);
	r->in_gap = false;
	r->gap_bytes = 0;
	(void)record_admit(r, before);
}

/* Encodes the gathered output into one event and admits it to the queue, or, when the queue
 * is full (the disk does not keep up), drops it and the sequence it left open. */
static void record_commit(struct record *r)
{
	size_t n = r->raw.len, before;

	if (n == 0 || r->full)
		return;
	buf_reset(&r->scratch);
	record_enc_output(&r->enc, r->raw_us, r->raw.data, n, &r->scratch);
	buf_reset(&r->raw);
	if (record_queued(r) + r->scratch.len > r->queue_max) {
		if (!r->in_gap) {
			r->in_gap = true;
			r->gaps++;
		}
		r->gap_bytes += n + r->enc.nheld;
		r->dropped += n + r->enc.nheld;
		r->enc.nheld = 0;
		if (!r->gap_logged) {
			r->gap_logged = true;
			log_warn(r->sid, "recording %s falls behind the disk: output is dropped "
				 "from it, and the gaps are marked", r->path);
		}
	} else {
		if (r->in_gap)
			record_gap_end(r, r->raw_us);
		if (!r->full) {
			before = r->queue.len;
			buf_append(&r->queue, r->scratch.data, r->scratch.len);
			(void)record_admit(r, before);
		}
	}
	if (r->scratch.cap > 2 * RECORD_SLICE)
		buf_free(&r->scratch);
}

void record_output(struct record *r, const char *data, size_t len)
{
	uint64_t t_us;
	size_t off, n;

	if (r == NULL || r->state == RECORD_FAILED || r->full || len == 0)
		return;
	t_us = record_now_us(r);
	for (off = 0; off < len && !r->full; off += n) {
		n = len - off < RECORD_SLICE ? len - off : RECORD_SLICE;
		if (r->raw.len > 0 &&
		    (t_us - r->raw_us > RECORD_MERGE_US || r->raw.len + n > RECORD_SLICE))
			record_commit(r);
		if (r->full)
			break;
		if (r->raw.len == 0)
			r->raw_us = t_us;
		buf_append(&r->raw, data + off, n);
	}
	record_pump(r);
}

void record_withheld(struct record *r, const char *what)
{
	char text[80];
	int n = snprintf(text, sizeof text, "[withheld: %s]", what != NULL ? what : "secret");

	if (n > 0)
		record_output(r, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

/* Writes the size record_enc_sizes lets through now, or waits for its time on the timer. */
static void record_enc_sizes_flush(struct record *r)
{
	uint64_t t_us, wait_us;
	size_t before;

	if (r->state == RECORD_FAILED || r->full)
		return;
	t_us = record_now_us(r);
	if (!record_enc_sizes_take(&r->sizes, t_us, &wait_us)) {
		if (wait_us > 0 && !uv_is_active((uv_handle_t *)&r->timer))
			uv_timer_start(&r->timer, record_timer_cb, (wait_us + 999) / 1000, 0);
		return;
	}
	record_commit(r);
	if (r->full || r->in_gap || record_queued(r) > r->queue_max)
		return;
	before = r->queue.len;
	record_enc_resize(&r->enc, t_us, r->sizes.cols, r->sizes.rows, &r->queue);
	if (record_admit(r, before))
		record_pump(r);
}

static void record_timer_cb(uv_timer_t *t)
{
	record_enc_sizes_flush(t->data);
}

void record_resize(struct record *r, int cols, int rows)
{
	if (r == NULL || r->state == RECORD_FAILED || r->full || r->closing)
		return;
	if (cols < 1 || rows < 1 || cols > RECORD_SIZE_MAX || rows > RECORD_SIZE_MAX)
		return;
	record_enc_sizes_want(&r->sizes, cols, rows);
	record_enc_sizes_flush(r);
}

static void record_timer_close_cb(uv_handle_t *h)
{
	struct record *r = h->data;

	r->timer_closed = true;
	record_pump(r);
}

void record_close(struct record *r)
{
	uint64_t t_us;
	size_t before;

	if (r == NULL)
		return;
	if (r->state != RECORD_FAILED && !r->full) {
		/* A size still waiting for its time is the last one: it is kept. */
		record_commit(r);
		if (!r->full && !r->in_gap &&
		    (r->sizes.want_cols != r->sizes.cols || r->sizes.want_rows != r->sizes.rows)) {
			r->sizes.cols = r->sizes.want_cols;
			r->sizes.rows = r->sizes.want_rows;
			before = r->queue.len;
			record_enc_resize(&r->enc, record_now_us(r), r->sizes.cols, r->sizes.rows,
					  &r->queue);
			(void)record_admit(r, before);
		}
	}
	r->closing = true;
	uv_timer_stop(&r->timer);
	uv_close((uv_handle_t *)&r->timer, record_timer_close_cb);
	if (r->state != RECORD_FAILED && !r->full) {
		t_us = record_now_us(r);
		if (r->in_gap)
			record_gap_end(r, t_us);
		if (!r->full) {
			before = r->queue.len;
			record_enc_flush(&r->enc, t_us, &r->queue);
			(void)record_admit(r, before);
		}
	}
	record_pump(r);
}

const char *record_path(const struct record *r)
{
	return r->path;
}

