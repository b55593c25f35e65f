/* libFuzzer target for the CSV parser (unit import reads CSV from an SSH client's stdin): the
 * first two bytes pick the limits and the seed of the chunk sizes, the rest is the CSV, fed in
 * random chunks (1 byte up to all of it). Every record it returns has 1..max_fields fields,
 * each valid UTF-8 without NUL and at most max_field bytes, on a line that never goes back;
 * the records (or the error, its line and column) are exactly those of the same input fed
 * whole; error messages are valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_csv_run {
	size_t max_field, max_fields;
	size_t last_line;
	struct buf text; /* the records, each field length-prefixed */
};

static int fuzz_csv_row(void *arg, const struct csv_row *row)
{
	struct fuzz_csv_run *r = arg;
	size_t i;

	if (row->n < 1 || row->n > r->max_fields || row->line < 1 || row->line < r->last_line)
		abort();
	r->last_line = row->line;
	buf_printf(&r->text, "%zu:%zu", row->line, row->n);
	for (i = 0; i < row->n; i++) {
		if (row->len[i] > r->max_field || strlen(row->field[i]) != row->len[i] ||
		    !utf8_valid(row->field[i], row->len[i]))
			abort();
		buf_printf(&r->text, ":%zu:", row->len[i]);
		buf_append(&r->text, row->field[i], row->len[i]);
	}
	buf_putc(&r->text, '\n');
	return 0;
}

/* xorshift32: the chunk sizes. */
static uint32_t fuzz_csv_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Parses in[0..len): chunked with seed (0: whole). Returns the status; r and *line, *col. */
static int fuzz_csv_parse(const char *in, size_t len, uint32_t seed, struct fuzz_csv_run *r,
                          size_t *line, size_t *col)
{
	struct csv *c = csv_new(r->max_field, r->max_fields, fuzz_csv_row, r);
	struct buf msg;
	size_t pos = 0;
	int rc = 0;

	if (c == NULL)
		abort();
	while (pos < len && rc == 0) {
		size_t n = len - pos;

		if (seed != 0) {
			uint32_t k = fuzz_csv_next(&seed);

			/* Mostly tiny chunks, sometimes big ones. */
			n = (k & 3) == 0 ? (size_t)(k >> 2) % (len - pos) + 1
			                 : (size_t)(k >> 2) % 4 + 1;
			if (n > len - pos)
				n = len - pos;
		}
		rc = csv_feed(c, in + pos, n);
		pos += n;
	}
	if (rc == 0)
		rc = csv_finish(c);
	*line = *col = 0;
	if (rc < 0) {
		if (rc > CSV_EQUOTE || rc < CSV_ENUL)
			abort();
		*line = csv_error_line(c);
		*col = csv_error_column(c);
		if (*line < 1 || *col < 1 || *col > r->max_fields + 1)
			abort();
		buf_init(&msg);
		csv_error(c, rc, (*line & 1) ? "zh" : "en", &msg);
		if (!utf8_valid(msg.data, msg.len))
			abort();
		buf_free(&msg);
		/* The error stays. */
		if (csv_feed(c, "x", 1) != rc || csv_finish(c) != rc)
			abort();
	}
	csv_free(c);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_csv_run whole, chunked;
	size_t line1, col1, line2, col2;
	uint32_t seed;
	int rc1, rc2;

	if (size < 2)
		return 0;
	memset(&whole, 0, sizeof whole);
	whole.max_field = 1 + data[0] % 48;
	whole.max_fields = 1 + data[1] % 12;
	chunked = whole;
	buf_init(&whole.text);
	buf_init(&chunked.text);
	seed = ((uint32_t)data[0] << 8 | data[1]) * 2654435761u | 1;
	rc1 = fuzz_csv_parse((const char *)data + 2, size - 2, 0, &whole, &line1, &col1);
	rc2 = fuzz_csv_parse((const char *)data + 2, size - 2, seed, &chunked, &line2, &col2);
	if (rc1 != rc2 || line1 != line2 || col1 != col2 || whole.text.len != chunked.text.len ||
	    (whole.text.len > 0 && memcmp(whole.text.data, chunked.text.data, whole.text.len) != 0))
		abort();
	buf_free(&whole.text);
	buf_free(&chunked.text);
	return 0;
}
