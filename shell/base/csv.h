/* csv — an incremental RFC 4180 CSV parser for imports (unit import), and the quoting of
 * fields for exports (audit export --format csv): fed arbitrary byte
 * chunks, it calls back once per record with its fields. Quoted fields ("a,b", "say ""hi""",
 * newlines inside quotes), CRLF, LF or a lone CR between records, a UTF-8 byte order mark at
 * the very start skipped. Lenient only where it cannot change a value: spaces before an
 * opening quote and after a closing quote are dropped. Every field is checked to be valid
 * UTF-8 without NUL bytes and at most max_field bytes long; a record has at most max_fields
 * fields. Errors name the line (physical line, 1-based) and the column (field, 1-based).
 * Pure; any thread, one thread at a time per parser. The parser owns its buffers; the row
 * passed to the callback (fields and their array) is valid during the call only. */
#ifndef PROPDESK_CSV_H
#define PROPDESK_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Errors (negative). A callback's own negative code is passed through unchanged: use codes
 * below CSV_ECALLER for it. After an error the parser stops: every later call returns it. */
enum {
	CSV_EQUOTE = -1,      /* a quote inside an unquoted field */
	CSV_EAFTERQUOTE = -2, /* something other than a separator after a closing quote */
	CSV_EOPENQUOTE = -3,  /* the input ended inside a quoted field */
	CSV_ETOOLONG = -4,    /* a field longer than max_field bytes */
	CSV_EFIELDS = -5,     /* a record with more than max_fields fields */
	CSV_EUTF8 = -6,       /* a field that is not valid UTF-8 */
	CSV_ENUL = -7,        /* a field holding a NUL byte */
	CSV_ECALLER = -100    /* callbacks' own codes are below this */
};

/* One record. field[i] is NUL-terminated, len[i] bytes, valid UTF-8; n >= 1 (an empty line
 * is a record of one empty field). line: the line the record starts on. */
struct csv_row {
	size_t line;
	size_t n;
	const char *const *field;
	const size_t *len;
};

/* Called for each record, in order. Returns 0 to go on, or a negative code (below
 * CSV_ECALLER) that stops the parser and is returned by csv_feed / csv_finish. */
typedef int (*csv_row_fn)(void *arg, const struct csv_row *row);

struct csv;

/* A parser with the given limits (max_field >= 1 bytes, 1 <= max_fields <= 4096); NULL when
 * the limits are out of range or memory ran out. */
struct csv *csv_new(size_t max_field, size_t max_fields, csv_row_fn fn, void *arg);
/* NULL does nothing. */
void csv_free(struct csv *c);
/* Parses data[0..len) (any split of the input: a chunk may end anywhere, even inside a
 * character or between CR and LF). Returns 0 or an error. */
int csv_feed(struct csv *c, const char *data, size_t len);
/* The end of the input: the last record (when it has no line break after it) is delivered;
 * an open quoted field is an error. Returns 0 or an error. Call it once. */
int csv_finish(struct csv *c);
/* Where the last error happened: the line, and the column (0 when it is about a whole record,
 * e.g. a callback's error). */
size_t csv_error_line(const struct csv *c);
size_t csv_error_column(const struct csv *c);
/* Appends "line N, column M: what" for err (a CSV_E* code; any other code gets a generic
 * text) in lang ("zh" or "en") to out, no newline. */
void csv_error(const struct csv *c, int err, const char *lang, struct buf *out);

/* Writing (exports): appends one field to out, quoted as RFC 4180 says (say "hi" becomes
 * "say ""hi"""), and quoted always, so that an empty text ("") differs from a NULL, which is
 * written as nothing at all. The caller writes the commas and the CRLF between records. */
void csv_put(struct buf *out, const char *s);
void csv_put_n(struct buf *out, const char *s, size_t len);

#endif
