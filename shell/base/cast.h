/* cast — reading asciicast v2 recordings (the service writes them, record_enc.h): one event
 * line `[TIME, "CODE", "DATA"]` parsed and its JSON string decoded, and terminal output turned
 * into the plain text it showed (escape sequences removed), for `replay --text` and `recording
 * search`. The files are read back from disk, so every byte is untrusted. Pure; any thread.
 * Strings are borrowed; what is written goes to the caller's buffers. */
#ifndef PROPDESK_CAST_H
#define PROPDESK_CAST_H

#include <stddef.h>

#include "buf.h"

/* Longest event line accepted (the recorder writes at most 64 KiB of output per event). */
#define CAST_LINE_MAX ((size_t)1 << 20)

/* One line of a recording: 1 for an event (*t its time in seconds, *code its kind: 'o', 'r',
 * 'm', 'i'; out gets DATA decoded, valid UTF-8 without NUL: \u0000 or a lone surrogate gives
 * U+FFFD), 0 for a line that is not an event (the header object, an empty line), -1 for a
 * malformed one. out is reset first. */
int cast_event_parse(const char *line, size_t len, double *t, char *code, struct buf *out);

/* The text a terminal showed, from its output in pieces: escape sequences (CSI, OSC, DCS and
 * the two-byte ones) are removed even when split across pieces, "\r\n" and "\r" become "\n",
 * other control characters but tab are dropped. */
struct cast_text {
	int state; /* where an escape sequence being skipped is */
};
void cast_text_init(struct cast_text *ct);
/* Appends the text of data[0..len) to out. */
void cast_text_feed(struct cast_text *ct, const char *data, size_t len, struct buf *out);

#endif
