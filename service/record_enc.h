/* record_enc — session recordings in asciicast v2: a header line, then one JSON array per event
 * ([seconds, "o", "output"], [seconds, "r", "COLSxROWS"], [seconds, "m", "gap label"]).
 * A pure encoder (no I/O, any thread) that turns output chunks into event lines that are always
 * valid JSON and valid UTF-8, never splitting a UTF-8 sequence across two events, and the
 * window sizes a recording keeps. The file sink is record.h. */
#ifndef PROPDESK_RECORD_ENC_H
#define PROPDESK_RECORD_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The start of a UTF-8 sequence that ended a chunk is held back (at most 3 bytes) and joined
 * with the next chunk. Timestamps are microseconds since the start of the recording; an event
 * never gets a smaller time than the one before it. Embedded in its owner; nothing to free. */
struct record_enc {
	unsigned char held[4];
	size_t nheld;
	uint64_t last_us;
};

struct record_header {
	int cols, rows;    /* the terminal's size (0 or less: 80x24) */
	int64_t timestamp; /* unix seconds of the start */
	const char *term;  /* TERM, or NULL */
	const char *lang;  /* LANG, or NULL */
	const char *title; /* or NULL */
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
 * RECORD_ENC_RESIZE_GAP_US, and always the last size asked for (a change that comes too soon
 * waits for its time; a flood of changes is one event when it ends). Pure; embedded in its
 * owner. */
#define RECORD_ENC_RESIZE_GAP_US 250000u
struct record_enc_sizes {
	int cols, rows; /* the size the recording shows (the header's, then the last "r") */
	int want_cols, want_rows; /* the size asked for last */
	uint64_t last_us;         /* the time of the last "r" written */
	bool written;             /* an "r" was written */
};

/* Starts at the header's size (0 or less: 80x24, as the header says). */
void record_enc_sizes_init(struct record_enc_sizes *z, int cols, int rows);
/* A window change at t_us to cols x rows. */
void record_enc_sizes_want(struct record_enc_sizes *z, int cols, int rows);
/* At t_us: true when an "r" event for z->cols x z->rows is to be written now (z is updated
 * as written). False when nothing is to be written: *wait_us is 0 when nothing waits, else
 * how long until the waiting size may be written (call again then). */
bool record_enc_sizes_take(struct record_enc_sizes *z, uint64_t t_us, uint64_t *wait_us);

#endif
