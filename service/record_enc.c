/* record_enc — the asciicast v2 encoder and the window sizes a recording keeps: pure, no I/O. */
#include "record_enc.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

/* --- the encoder ------------------------------------------------------------------------- */

void record_enc_init(struct record_enc *e)
{
	memset(e, 0, sizeof *e);
}

/* The event's time: never before the previous event's. */
static uint64_t record_enc_time(struct record_enc *e, uint64_t t_us)
{
	if (t_us < e->last_us)
		t_us = e->last_us;
	e->last_us = t_us;
	return t_us;
}

static void record_enc_begin(struct record_enc *e, uint64_t t_us, const char *type, struct buf *out)
{
	t_us = record_enc_time(e, t_us);
	buf_printf(out, "[%" PRIu64 ".%06" PRIu64 ", \"%s\", ", t_us / 1000000, t_us % 1000000,
	           type);
}

static void record_enc_kv(struct buf *out, const char *key, const char *value)
{
	json_escape(out, key, strlen(key));
	buf_puts(out, ": ");
	json_escape(out, value, strlen(value));
}

void record_enc_header(struct buf *out, const struct record_header *h)
{
	int cols = h->cols > 0 ? h->cols : 80, rows = h->rows > 0 ? h->rows : 24;
	bool comma = false;

	buf_printf(out,
	           "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %" PRId64
	           ", \"env\": {",
	           cols, rows, h->timestamp);
	if (h->term != NULL) {
		record_enc_kv(out, "TERM", h->term);
		comma = true;
	}
	if (h->lang != NULL) {
		if (comma)
			buf_puts(out, ", ");
		record_enc_kv(out, "LANG", h->lang);
	}
	buf_putc(out, '}');
	if (h->title != NULL) {
		buf_puts(out, ", ");
		record_enc_kv(out, "title", h->title);
	}
	buf_puts(out, "}\n");
}

/* Bytes at the end of p[0..len) that start a valid but incomplete UTF-8 sequence (0..3).
 * A lead byte is never part of an earlier sequence, so a decoder reading the whole stream
 * reaches it as the start of a sequence. */
static size_t record_enc_incomplete(const unsigned char *p, size_t len)
{
	size_t k;
	uint32_t cp;

	for (k = 1; k <= 3 && k <= len; k++) {
		unsigned char c = p[len - k];

		if (c >= 0x80 && c <= 0xBF)
			continue; /* a continuation byte: look further back */
		return utf8_decode(p + len - k, k, &cp) == 0 ? k : 0;
	}
	return 0;
}

static void record_enc_emit(struct record_enc *e, uint64_t t_us, const unsigned char *p, size_t n,
                            struct buf *out)
{
	record_enc_begin(e, t_us, "o", out);
	json_escape(out, (const char *)p, n);
	buf_puts(out, "]\n");
}

/* Escapes p[0..len) into one "o" event, holding back an incomplete sequence at its end. */
static void record_enc_chunk(struct record_enc *e, uint64_t t_us, const unsigned char *p,
                             size_t len, struct buf *out)
{
	size_t keep = record_enc_incomplete(p, len);

	if (keep < len)
		record_enc_emit(e, t_us, p, len - keep, out);
	memcpy(e->held, p + len - keep, keep);
	e->nheld = keep;
}

void record_enc_output(struct record_enc *e, uint64_t t_us, const char *data, size_t len,
                       struct buf *out)
{
	struct buf joined;

	if (len == 0)
		return;
	if (e->nheld == 0) {
		record_enc_chunk(e, t_us, (const unsigned char *)data, len, out);
		return;
	}
	/* A sequence was split by the chunk before: decode the held bytes and this chunk as one
	 * stream (rare, so the copy does not matter). */
	buf_init(&joined);
	buf_append(&joined, e->held, e->nheld);
	buf_append(&joined, data, len);
	record_enc_chunk(e, t_us, (const unsigned char *)joined.data, joined.len, out);
	buf_free(&joined);
}

void record_enc_resize(struct record_enc *e, uint64_t t_us, int cols, int rows, struct buf *out)
{
	record_enc_begin(e, t_us, "r", out);
	buf_printf(out, "\"%dx%d\"]\n", cols, rows);
}

void record_enc_marker(struct record_enc *e, uint64_t t_us, const char *label, struct buf *out)
{
	record_enc_begin(e, t_us, "m", out);
	json_escape(out, label, strlen(label));
	buf_puts(out, "]\n");
}

void record_enc_flush(struct record_enc *e, uint64_t t_us, struct buf *out)
{
	static const unsigned char replacement[] = {0xEF, 0xBF, 0xBD};

	if (e->nheld == 0)
		return;
	e->nheld = 0;
	record_enc_emit(e, t_us, replacement, sizeof replacement, out);
}

/* --- window sizes ------------------------------------------------------------------------ */

void record_enc_sizes_init(struct record_enc_sizes *z, int cols, int rows)
{
	memset(z, 0, sizeof *z);
	z->cols = z->want_cols = cols > 0 ? cols : 80;
	z->rows = z->want_rows = rows > 0 ? rows : 24;
}

void record_enc_sizes_want(struct record_enc_sizes *z, int cols, int rows)
{
	z->want_cols = cols;
	z->want_rows = rows;
}

bool record_enc_sizes_take(struct record_enc_sizes *z, uint64_t t_us, uint64_t *wait_us)
{
	*wait_us = 0;
	if (z->want_cols == z->cols && z->want_rows == z->rows)
		return false; /* no change (or changed back before its time came) */
	if (z->written && t_us < z->last_us + RECORD_ENC_RESIZE_GAP_US) {
		*wait_us = z->last_us + RECORD_ENC_RESIZE_GAP_US - t_us;
		return false;
	}
	z->cols = z->want_cols;
	z->rows = z->want_rows;
	z->last_us = t_us;
	z->written = true;
	return true;
}
