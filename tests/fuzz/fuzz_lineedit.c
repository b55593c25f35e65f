/* libFuzzer target for the line editor: random bytes fed in random chunk sizes, with random
 * terminal widths, line limits and secret lines. Checks that every finished line is valid
 * UTF-8 without control characters and within max_bytes, that no character has a negative
 * width, and that the output is valid UTF-8 whose cursor moves stay on the screen.
 * Input: byte 0 terminal width, byte 1 max_bytes, byte 2 flags, then chunks of
 * (length byte, bytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lineedit.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_LINEEDIT_PROMPT "\x1b[1;32m客服\x1b[0m> " /* 6 columns */

static void fuzz_lineedit_complete(void *arg, const char *line, size_t len,
                                   struct lineedit_completions *c)
{
	static const char *const words[] = {
	    "complaint", "compare",   "报修",     "报修单",
	    "",          "x\x1b[2Jy", "\xff\xfe", "e\xcc\x81t\xcc\x81"};
	size_t i;

	(void)arg;
	if (!utf8_valid(line, len) || strlen(line) != len)
		abort();
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (len % 3 != 0 || i % 2 == 0)
			lineedit_completion_add(c, words[i]);
}

static void fuzz_lineedit_check_line(const char *line, size_t max_bytes)
{
	size_t len = strlen(line), i = 0;
	long cols = 0;

	if (len > max_bytes || !utf8_valid(line, len))
		abort();
	while (i < len) {
		uint32_t cp = 0;
		int r = utf8_decode((const unsigned char *)line + i, len - i, &cp);
		int w;

		if (r <= 0)
			abort();
		w = utf8_cpwidth(cp);
		if (w < 0)
			abort(); /* a control character */
		cols += w;
		i += (size_t)r;
	}
	if (cols < 0 || (size_t)cols != utf8_width(line, len))
		abort();
}

/* The output: valid UTF-8 and every "ESC [ n C" within the screen. */
static void fuzz_lineedit_check_output(const struct buf *out, int cols)
{
	size_t i;

	if (out->len == 0)
		return;
	if (!utf8_valid(out->data, out->len))
		abort();
	for (i = 0; i + 2 < out->len; i++) {
		if (out->data[i] == 0x1b && out->data[i + 1] == '[') {
			size_t j = i + 2;
			long n = 0;

			while (j < out->len && out->data[j] >= '0' && out->data[j] <= '9' &&
			       n < 100000)
				n = n * 10 + (out->data[j++] - '0');
			if (j < out->len && out->data[j] == 'C' && n >= cols)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lineedit *le;
	struct buf out;
	size_t max_bytes, i = 3, lines = 0;
	int cols;
	unsigned flags;
	size_t used;

	if (size < 3)
		return 0;
	cols = 9 + data[0] % 120;
	max_bytes = (size_t)data[1] * 4;
	flags = data[2];
	le = lineedit_new(max_bytes, 8);
	buf_init(&out);
	lineedit_set_width(le, cols);
	if (flags & 1)
		lineedit_set_completer(le, fuzz_lineedit_complete, NULL);
	lineedit_history_add(le, "complaint list --status open");
	lineedit_history_add(le, "报修 3号楼 漏水\x1b[31m");
	lineedit_start(le, FUZZ_LINEEDIT_PROMPT, flags & 2, &out);

	while (i < size) {
		size_t chunk = 1 + data[i++] % 16, off = 0;

		if (chunk > size - i)
			chunk = size - i;
		while (off < chunk) {
			enum lineedit_event ev;

			used = 0;
			ev = lineedit_feed(le, (const char *)data + i + off, chunk - off, &used,
			                   &out);
			if (used == 0 || used > chunk - off)
				abort();
			off += used;
			fuzz_lineedit_check_output(&out, cols);
			buf_reset(&out);
			if (ev != LINEEDIT_MORE) {
				fuzz_lineedit_check_line(lineedit_line(le), max_bytes);
				if (ev == LINEEDIT_LINE)
					lineedit_history_add(le, lineedit_line(le));
				lines++;
				cols = 9 + (int)((lines * 37 + data[0]) % 120);
				lineedit_set_width(le, cols);
				lineedit_start(le, FUZZ_LINEEDIT_PROMPT, (flags >> 2) & lines & 1,
				               &out);
				if (lines % 4 == 0) {
					lineedit_hide(le, &out);
					lineedit_redraw(le, &out);
				}
			}
		}
		i += chunk;
	}
	/* Ctrl-C ends whatever is being typed, from any input state (a bracketed paste whose end
	 * never came included: its line breaks join, they do not end it); then CR ends a line. */
	if (lineedit_feed(le, "\x03", 1, &used, &out) != LINEEDIT_INTERRUPT)
		abort();
	fuzz_lineedit_check_output(&out, cols);
	buf_reset(&out);
	lineedit_start(le, FUZZ_LINEEDIT_PROMPT, false, &out);
	if (lineedit_feed(le, "\r", 1, &used, &out) != LINEEDIT_LINE)
		abort();
	fuzz_lineedit_check_line(lineedit_line(le), max_bytes);
	fuzz_lineedit_check_output(&out, cols);
	lineedit_free(le);
	buf_free(&out);
	return 0;
}
