/* libFuzzer target for reading recordings back (recording text and search read asciicast
 * files from disk, which anyone who can write the disk may have changed): the input is split
 * into lines, each parsed as an event; an event's data is always valid UTF-8, and its text
 * (fed in two pieces split where the first byte says) never holds ESC nor a control
 * character but newline and tab. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cast.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct cast_text ct;
	struct buf ev, text;
	size_t pos = 0, i;

	buf_init(&ev);
	buf_init(&text);
	cast_text_init(&ct);
	while (pos < size) {
		const char *nl = memchr(s + pos, '\n', size - pos);
		size_t len = nl != NULL ? (size_t)(nl - (s + pos)) : size - pos;
		double t;
		char code;
		int rc = cast_event_parse(s + pos, len, &t, &code, &ev);

		if (rc < -1 || rc > 1)
			abort();
		if (rc == 1) {
			size_t cut = ev.len > 0 ? (unsigned char)ev.data[0] % (ev.len + 1) : 0;

			if (!utf8_valid(ev.data != NULL ? ev.data : "", ev.len) || !(t >= 0))
				abort();
			if (ev.len > 0) {
				cast_text_feed(&ct, ev.data, cut, &text);
				cast_text_feed(&ct, ev.data + cut, ev.len - cut, &text);
			}
		} else if (ev.len != 0) {
			abort();
		}
		pos += len + 1;
	}
	for (i = 0; i < text.len; i++) {
		unsigned char c = (unsigned char)text.data[i];

		if (c == 0x1B || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
			abort();
	}
	buf_free(&ev);
	buf_free(&text);
	return 0;
}
