/* libFuzzer target for utf8_sanitize (and utf8_width / utf8_prefix_for_width on its output):
 * whatever comes in, what goes out is valid UTF-8 with no ESC, no C0 control except \n (only
 * with UTF8_KEEP_NEWLINES), no DEL, no C1 control and no invisible character (shown as
 * <U+XXXX>), and sanitizing twice changes nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_sanitize_check(const struct buf *b, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)b->data;
	size_t i = 0;

	if (b->len == 0)
		return;
	if (!utf8_valid(b->data, b->len))
		abort();
	while (i < b->len) {
		uint32_t cp = 0;
		int r = utf8_decode(p + i, b->len - i, &cp);

		if (r <= 0)
			abort();
		if (cp == 0x1B || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || utf8_is_invisible(cp))
			abort();
		if (cp < 0x20 && !(cp == '\n' && (flags & UTF8_KEEP_NEWLINES)))
			abort();
		i += (size_t)r;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned all_flags[] = {0, UTF8_KEEP_NEWLINES};
	size_t k;

	for (k = 0; k < 2; k++) {
		struct buf once, twice;
		size_t cols, n;

		buf_init(&once);
		buf_init(&twice);
		utf8_sanitize(&once, (const char *)data, size, all_flags[k]);
		fuzz_sanitize_check(&once, all_flags[k]);
		utf8_sanitize(&twice, once.data, once.len, all_flags[k]);
		if (once.len != twice.len || (once.len && memcmp(once.data, twice.data, once.len)))
			abort();
		/* Width of clean text: a prefix cut to any width ends on a character boundary. */
		cols = utf8_width(once.data, once.len);
		if (utf8_width((const char *)data, size) > 4 * size) /* <U+061C>: 8 for 2 bytes */
			abort();
		n = utf8_prefix_for_width(once.data, once.len, cols / 2);
		if (n > once.len || !utf8_valid(once.data, n) ||
		    utf8_width(once.data, n) > cols / 2)
			abort();
		buf_free(&once);
		buf_free(&twice);
	}
	return 0;
}
