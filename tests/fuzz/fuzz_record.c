/* libFuzzer target for the recording encoder (service/record_enc.c, pure:
 * no loop, no files): everything a session's shell writes to the terminal, which includes
 * whatever text users and the database put there, becomes asciicast events. The first two
 * bytes seed the chunk sizes (1 byte up to all of it), the times (sometimes going back) and
 * resize / marker events between chunks; the rest is the output. Checks: every line is one
 * valid JSON value in valid UTF-8 (record_check.h, strict), every event is [time, type, data]
 * with times that never decrease, and the "o" data put together equals the input with only
 * the bytes that can never be valid UTF-8 (and a sequence left open at the end) replaced by
 * U+FFFD. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record_enc.h"
#include "utf8.h"

#include "../unit/record_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* xorshift32: the chunk sizes and events. */
static uint32_t fuzz_record_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Checks out's lines; appends the "o" data to text. */
static void fuzz_record_check(const struct buf *out, struct buf *text)
{
	const char *p, *end;
	double last = 0;

	if (out->len == 0)
		return;
	p = out->data;
	end = out->data + out->len;
	if (out->data[out->len - 1] != '\n')
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct buf type, d;
		double t;

		buf_init(&type);
		buf_init(&d);
		if (nl == NULL || record_check_event(p, (size_t)(nl - p), &t, &type, &d) < 0 ||
		    t < last)
			abort();
		last = t;
		if (!strcmp(buf_cstr(&type), "o")) {
			if (d.len == 0)
				abort();
			buf_append(text, d.data, d.len);
		} else if (strcmp(buf_cstr(&type), "r") && strcmp(buf_cstr(&type), "m")) {
			abort();
		}
		buf_free(&type);
		buf_free(&d);
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record_enc e;
	struct buf out, text, want;
	uint32_t seed;
	uint64_t t = 0;
	size_t off = 0;
	const char *in;
	size_t len;

	if (size < 2)
		return 0;
	seed = ((uint32_t)data[0] << 8 | data[1]) * 2654435761u + 1;
	in = (const char *)data + 2;
	len = size - 2;
	record_enc_init(&e);
	buf_init(&out);
	buf_init(&text);
	buf_init(&want);
	while (off < len) {
		uint32_t r = fuzz_record_next(&seed);
		size_t n = 1 + r % (len - off);

		if (r & 0x10000)
			n = 1 + (r >> 20) % 4; /* small chunks split sequences often */
		if (n > len - off)
			n = len - off;
		/* Time mostly moves on, sometimes back (the encoder must not follow it). */
		if (r & 0x20000)
			t = t > 1000 ? t - 1000 : 0;
		else
			t += (r >> 8) & 0xfff;
		record_enc_output(&e, t, in + off, n, &out);
		off += n;
		if ((r & 0x7000000) == 0x1000000)
			record_enc_resize(&e, t, (int)(r & 0xff), (int)((r >> 4) & 0x7f), &out);
		else if ((r & 0x7000000) == 0x2000000) {
			/* A label from the chunk's own bytes (escaped like output). */
			char label[17];
			size_t k = n < 16 ? n : 16;

			memcpy(label, in + off - n, k);
			label[k] = '\0';
			record_enc_marker(&e, t, label, &out);
		}
	}
	record_enc_flush(&e, t, &out);
	fuzz_record_check(&out, &text);
	record_check_expected(in, len, &want);
	if (text.len != want.len || (want.len > 0 && memcmp(text.data, want.data, want.len) != 0))
		abort();
	buf_free(&out);
	buf_free(&text);
	buf_free(&want);
	return 0;
}
