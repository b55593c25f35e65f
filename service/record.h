/* record — session recordings in asciicast v2: a header line, then one JSON array per event
 * ([seconds, "o", "output"], [seconds, "r", "COLSxROWS"], [seconds, "m", "gap label"]).
 * Two layers: record_enc_* is a pure encoder (no I/O, any thread) that turns output chunks into
 * event lines that are always valid JSON and valid UTF-8, never splitting a UTF-8 sequence
 * across two events; record_new/record_* is a file sink on the libuv loop (loop thread only)
 * that writes one file per session asynchronously through a bounded queue. */
#ifndef PROPDESK_RECORD_H
#define PROPDESK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* --- the encoder ------------------------------------------------------------------------- */

/* The start of a UTF-8 sequence that ended a chunk is held back (at most 3 bytes) and joined
 * with the next chunk. Timestamps are microseconds since the start of the recording; an event
 * never gets a smaller time than the one before it. Embedded in its owner; nothing to free. */
struct record_enc {
	unsigned char held[4];
	size_t nheld;
	uint64_t last_us;
};

struct record_header {
	int cols, rows;         /* the terminal's size (0 or less: 80x24) */
	int64_t timestamp;      /* unix seconds of the start */
	const char *term;       /* TERM, or NULL */
	const char *lang;       /* LANG, or NULL */
	const char *title;      /* or NULL */
};

void record_enc_init(struct record_enc *e);
/* Appends the header line (with its "\n") to out. Strings are escaped like event data. */
void record_enc_header(struct buf *out, const struct record_header *h);
/* Appends an "o" event for data[0..len), joined with the bytes held from the chunk before;
 * the incomplete sequence that ends it is held back. Appends nothing when no complete
 * character is left to write. JSON escapes quotes, backslashes, every control character and
 * DEL; bytes that can never be valid UTF-8 become U+FFFD (one per byte). */
void record_enc_output(struct record_enc *e, uint64_t t_us, const char *data, size_t len,
		       struct buf *out);
/* Appends an "r" event "COLSxROWS". Held bytes stay held. */
void record_enc_resize(struct record_enc *e, uint64_t t_us, int cols, int rows, struct buf *out);
/* Appends an "m" (marker) event with label (escaped). Held bytes stay held. */
void record_enc_marker(struct record_enc *e, uint64_t t_us, const char *label, struct buf *out);
/* End of the output (or of a stretch of it): a held incomplete sequence is written as one
 * U+FFFD in an "o" event; nothing when none is held. */
void record_enc_flush(struct record_enc *e, uint64_t t_us, struct buf *out);

/* Window sizes as a recording keeps them: only real changes, at most one "r" event per
 * RECORD_RESIZE_GAP_US, and always the last size asked for (a change that comes too soon
 * waits for its time; a flood of changes is one event when it ends). Pure; embedded in its
 * owner. */
#define RECORD_RESIZE_GAP_US 250000u
struct record_sizes {
	int cols, rows;           /* the size the recording shows (the header's, then the last "r") */
	int want_cols, want_rows; /* the size asked for last */
	uint64_t last_us;         /* the time of the last "r" written */
	bool written;             /* an "r" was written */
};

/* Starts at the header's size (0 or less: 80x24, as the header says). */
void record_sizes_init(struct record_sizes *z, int cols, int rows);
/* A window change at t_us to cols x rows. */
void record_sizes_want(struct record_sizes *z, int cols, int rows);
/* At t_us: true when an "r" event for z->cols x z->rows is to be written now (z is updated
 * as written). False when nothing is to be written: *wait_us is 0 when nothing waits, else
 * how long until the waiting size may be written (call again then). */
bool record_sizes_take(struct record_sizes *z, uint64_t t_us, uint64_t *wait_us);

/* --- the file sink ----------------------------------------------------------------------- */

/* Bytes of encoded events a recording may queue in memory while the disk catches up (the
 * default of record_params.queue_max); past that, output is dropped from the recording and the
 * gap is marked with an "m" event. */
#define RECORD_QUEUE_MAX (1u << 20)
/* The size a recording file may reach (the default of record_params.max_bytes): there it ends
 * with an "m" event saying so, the rest of the session is not recorded, and a warning is
 * logged. */
#define RECORD_MAX_BYTES ((size_t)64 << 20)

struct record;
struct uv_loop_s;

struct record_params {
	const char *dir;        /* recordings directory (created 0700 if missing) */
	const char *session_id; /* e.g. "s00000ba95b" */
	const char *account;    /* account name (characters outside [A-Za-z0-9._-] become _) */
	int cols, rows;
	const char *term, *lang;
	const char *title;
	size_t queue_max;       /* 0: RECORD_QUEUE_MAX */
	size_t max_bytes;       /* 0: RECORD_MAX_BYTES; at least RECORD_MIN_BYTES */
};
#define RECORD_MIN_BYTES 4096u

/* Starts a recording: DIR/YYYY-MM-DD/ID-ACCOUNT.cast (local date of the start, file mode
 * 0600, directories 0700). The directories and the file are created asynchronously; output
 * is queued meanwhile. Returns NULL only when out of memory. Errors later (permission, disk
 * full) are logged once, and the recording stops while the session goes on. */
struct record *record_new(struct uv_loop_s *loop, const struct record_params *p);
/* The session's terminal received data[0..len). */
void record_output(struct record *r, const char *data, size_t len);
/* The session's terminal received a secret (a password): the recording gets the text
 * "[withheld: WHAT]" in its place, never the secret. */
void record_withheld(struct record *r, const char *what);
/* The terminal was resized: written as record_sizes says (a real change, rate-limited,
 * the last size kept; sizes outside 1..RECORD_SIZE_MAX are ignored). */
#define RECORD_SIZE_MAX 10000
void record_resize(struct record *r, int cols, int rows);
/* The session ended: the queue is written out, the file closed and r freed when done (the
 * loop keeps running until then). r must not be used afterwards. NULL does nothing. */
void record_close(struct record *r);
/* The file's path (owned by r), for logs and tests. */
const char *record_path(const struct record *r);

#endif
