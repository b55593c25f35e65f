/* record — session recordings in asciicast v2 (the events are record_enc.h's): a file sink on
 * the libuv loop (loop thread only) that writes one file per session asynchronously through a
 * bounded queue. */
#ifndef PROPDESK_RECORD_H
#define PROPDESK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "record_enc.h"

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
	/* Optional: called once on the loop when the recording is finished (every byte written
	 * and the file closed; not for a recording that failed), with the session id, the
	 * account, the file's path relative to dir, its size and its BLAKE2b-256 in hex, so that
	 * the audit trail can hold what the file must be. Strings are valid during the call. */
	void (*finished)(void *arg, const char *session_id, const char *account,
	                 const char *file, uint64_t bytes, const char *hash);
	void *finished_arg;
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
/* The terminal was resized: written as record_enc_sizes says (a real change, rate-limited,
 * the last size kept; sizes outside 1..RECORD_SIZE_MAX are ignored). */
#define RECORD_SIZE_MAX 10000
void record_resize(struct record *r, int cols, int rows);
/* The session ended: the queue is written out, the file closed and r freed when done (the
 * loop keeps running until then). r must not be used afterwards. NULL does nothing. */
void record_close(struct record *r);
/* The file's path (owned by r), for logs and tests. */
const char *record_path(const struct record *r);

#endif
