/* test_record — the asciicast v2 encoder of service/record_enc.c (pure:
 * no loop, no files): Chinese text split at every byte across chunks, escaping of control
 * characters and ESC, U+FFFD for invalid bytes and for a sequence left open at the end,
 * non-decreasing timestamps, resize and marker events, the header. Every line is checked with
 * a strict JSON parser (record_check.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "record_enc.h"

#include "record_check.h"

/* The events of out: checks every line is a valid event; appends the data of the "o" events
 * to text and the other events as "<TYPE:DATA>"; returns the number of events. */
static int test_record_events(const struct buf *out, struct buf *text)
{
	const char *p, *end;
	double last = 0;
	int n = 0;

	if (out->len == 0)
		return 0;
	p = out->data;
	end = out->data + out->len;
	assert_true(out->data[out->len - 1] == '\n');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct buf type, data;
		double t;

		assert_non_null(nl);
		buf_init(&type);
		buf_init(&data);
		assert_int_equal(record_check_event(p, (size_t)(nl - p), &t, &type, &data), 0);
		assert_true(t >= last);
		last = t;
		if (!strcmp(buf_cstr(&type), "o")) {
			/* Each event holds whole characters only. */
			assert_true(data.len > 0);
			assert_true(utf8_valid(data.data, data.len) ||
				    memchr(data.data, 0, data.len) != NULL);
			buf_append(text, data.data, data.len);
		} else {
			buf_printf(text, "<%s:%s>", buf_cstr(&type), buf_cstr(&data));
		}
		buf_free(&type);
		buf_free(&data);
		p = nl + 1;
		n++;
	}
	return n;
}

static const char test_record_zh[] = "业主投诉：楼上卫生间漏水，已派维修工。\r\n🏠 好的\r\n";

static void test_record_every_split_point(void **state)
{
	size_t len = strlen(test_record_zh), i, j;

	(void)state;
	for (i = 0; i <= len; i++) {
		for (j = i; j <= len; j++) {
			struct record_enc e;
			struct buf out, text;

			record_enc_init(&e);
			buf_init(&out);
			buf_init(&text);
			record_enc_output(&e, 1000, test_record_zh, i, &out);
			record_enc_output(&e, 2000, test_record_zh + i, j - i, &out);
			record_enc_output(&e, 3000, test_record_zh + j, len - j, &out);
			record_enc_flush(&e, 4000, &out);
			test_record_events(&out, &text);
			assert_int_equal(text.len, len);
			assert_memory_equal(text.data, test_record_zh, len);
			/* No replacement character anywhere: nothing was split. */
			assert_null(strstr(out.data, "\xef\xbf\xbd"));
			buf_free(&out);
			buf_free(&text);
		}
	}
}

static void test_record_byte_by_byte(void **state)
{
	size_t len = strlen(test_record_zh), i;
	struct record_enc e;
	struct buf out, text;
	int events;

	(void)state;
	record_enc_init(&e);
	buf_init(&out);
	buf_init(&text);
	for (i = 0; i < len; i++)
		record_enc_output(&e, i, test_record_zh + i, 1, &out);
	record_enc_flush(&e, len, &out);
	events = test_record_events(&out, &text);
	assert_string_equal(buf_cstr(&text), test_record_zh);
	/* One event per character: 27 characters (the house emoji is one 4-byte character). */
	assert_int_equal(events, 27);
	buf_free(&out);
	buf_free(&text);
}

static void test_record_controls_escaped(void **state)
{
	static const char in[] = "\x1b[31m红色\x1b[0m\a\b\f\x7f\"q\"\\path\t\r\n\x01\x1f";
	struct record_enc e;
	struct buf out, text;
	size_t i;

	(void)state;
	record_enc_init(&e);
	buf_init(&out);
	buf_init(&text);
	record_enc_output(&e, 1500000, in, sizeof in - 1, &out);
	/* The event line holds no raw control character at all. */
	for (i = 0; i + 1 < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];

		assert_true(c >= 0x20 && c != 0x7f);
	}
	assert_non_null(strstr(out.data, "[1.500000, \"o\", \"\\u001b[31m红色\\u001b[0m\\u0007\\b\\f"
					 "\\u007f\\\"q\\\"\\\\path\\t\\r\\n\\u0001\\u001f\"]\n"));
	test_record_events(&out, &text);
	assert_int_equal(text.len, sizeof in - 1);
	assert_memory_equal(text.data, in, sizeof in - 1);
	buf_reset(&out);
	buf_reset(&text);
	/* A NUL byte is data too. */
	record_enc_output(&e, 1600000, "a\0b", 3, &out);
	assert_string_equal(out.data, "[1.600000, \"o\", \"a\\u0000b\"]\n");
	buf_free(&out);
	buf_free(&text);
}

static void test_record_invalid_bytes_replaced(void **state)
{
	/* A stray continuation, 0xFF, an overlong "/", a surrogate, a truncated 3-byte sequence
	 * followed by ASCII, and 0xF5. */
	static const char in[] = "a\x80" "b\xff" "c\xc0\xaf" "d\xed\xa0\x80" "e\xe5\xa5" "f\xf5";
	static const char want[] = "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd"
		"d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "e\xef\xbf\xbd\xef\xbf\xbd"
		"f\xef\xbf\xbd";
	size_t len = sizeof in - 1, i;

	(void)state;
	for (i = 0; i <= len; i++) {
		struct record_enc e;
		struct buf out, text, expected;

		record_enc_init(&e);
		buf_init(&out);
		buf_init(&text);
		buf_init(&expected);
		record_enc_output(&e, 10, in, i, &out);
		record_enc_output(&e, 20, in + i, len - i, &out);
		record_enc_flush(&e, 30, &out);
		test_record_events(&out, &text);
		assert_string_equal(buf_cstr(&text), want);
		record_check_expected(in, len, &expected);
		assert_string_equal(buf_cstr(&expected), want);
		buf_free(&out);
		buf_free(&text);
		buf_free(&expected);
	}
}

static void test_record_open_sequence_flushed(void **state)
{
	struct record_enc e;
	struct buf out, text;

	(void)state;
	record_enc_init(&e);
	buf_init(&out);
	buf_init(&text);
	/* "好" is E5 A5 BD: the session ends after two of its bytes. */
	record_enc_output(&e, 5, "ok\xe5", 3, &out);
	record_enc_output(&e, 6, "\xa5", 1, &out);
	assert_int_equal(e.nheld, 2);
	record_enc_flush(&e, 7, &out);
	assert_int_equal(e.nheld, 0);
	assert_int_equal(test_record_events(&out, &text), 2);
	assert_string_equal(buf_cstr(&text), "ok\xef\xbf\xbd");
	/* Flushing again writes nothing. */
	buf_reset(&out);
	record_enc_flush(&e, 8, &out);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	buf_free(&text);
}

static void test_record_time_non_decreasing(void **state)
{
	struct record_enc e;
	struct buf out, text;

	(void)state;
	record_enc_init(&e);
	buf_init(&out);
	buf_init(&text);
	record_enc_output(&e, 2000001, "a", 1, &out);
	record_enc_output(&e, 1000000, "b", 1, &out); /* a clock step back */
	record_enc_resize(&e, 5, 120, 40, &out);
	record_enc_output(&e, 3000000, "c", 1, &out);
	assert_string_equal(out.data, "[2.000001, \"o\", \"a\"]\n"
				      "[2.000001, \"o\", \"b\"]\n"
				      "[2.000001, \"r\", \"120x40\"]\n"
				      "[3.000000, \"o\", \"c\"]\n");
	test_record_events(&out, &text);
	buf_free(&out);
	buf_free(&text);
}

static void test_record_resize_and_marker_keep_held_bytes(void **state)
{
	struct record_enc e;
	struct buf out, text;

	(void)state;
	record_enc_init(&e);
	buf_init(&out);
	buf_init(&text);
	record_enc_output(&e, 1, "x\xe6\xb0", 3, &out);         /* 水 = E6 B0 B4, split */
	record_enc_resize(&e, 2, 80, 25, &out);
	record_enc_marker(&e, 3, "gap: 5 bytes \"lost\"", &out);
	record_enc_output(&e, 4, "\xb4y", 2, &out);
	record_enc_flush(&e, 5, &out);
	assert_int_equal(test_record_events(&out, &text), 4);
	assert_string_equal(buf_cstr(&text), "x<r:80x25><m:gap: 5 bytes \"lost\">水y");
	buf_free(&out);
	buf_free(&text);
}

/* Window sizes: only changes are written, at most one per RECORD_ENC_RESIZE_GAP_US, and the last
 * size asked for always comes out in the end. */
static void test_record_sizes_changes_only_rate_limited(void **state)
{
	const uint64_t gap = RECORD_ENC_RESIZE_GAP_US;
	struct record_enc_sizes z;
	uint64_t wait, t;
	int i, written = 0;

	(void)state;
	record_enc_sizes_init(&z, 0, 0);
	assert_int_equal(z.cols, 80);
	assert_int_equal(z.rows, 24);
	/* The same size again and again: nothing to write, nothing waits. */
	for (i = 0; i < 1000; i++) {
		record_enc_sizes_want(&z, 80, 24);
		assert_false(record_enc_sizes_take(&z, (uint64_t)i, &wait));
		assert_int_equal(wait, 0);
	}
	/* The first real change is written at once. */
	record_enc_sizes_want(&z, 100, 30);
	assert_true(record_enc_sizes_take(&z, 1000, &wait));
	assert_int_equal(z.cols, 100);
	assert_int_equal(z.rows, 30);
	/* A change too soon waits for its time... */
	record_enc_sizes_want(&z, 101, 30);
	assert_false(record_enc_sizes_take(&z, 1000 + gap / 2, &wait));
	assert_int_equal(wait, gap - gap / 2);
	/* ...and a change back to the written size before then is nothing at all. */
	record_enc_sizes_want(&z, 100, 30);
	assert_false(record_enc_sizes_take(&z, 1000 + gap - 1, &wait));
	assert_int_equal(wait, 0);
	/* A flood of changes for 10 s, one every 100 us: at most one event per gap, the last
	 * size kept once the flood ends. */
	for (t = 2000000; t < 12000000; t += 100) {
		record_enc_sizes_want(&z, 60 + (int)(t / 100 % 50), 20 + (int)(t / 100 % 7));
		if (record_enc_sizes_take(&z, t, &wait))
			written++;
	}
	assert_true(written <= (int)(10000000 / gap) + 1);
	assert_true(written >= (int)(10000000 / gap) - 1);
	record_enc_sizes_want(&z, 132, 43);
	t = z.last_us + 1;
	assert_false(record_enc_sizes_take(&z, t, &wait));
	assert_int_equal(wait, gap - 1);
	assert_true(record_enc_sizes_take(&z, t + wait, &wait));
	assert_int_equal(z.cols, 132);
	assert_int_equal(z.rows, 43);
	assert_false(record_enc_sizes_take(&z, t + 10 * gap, &wait));
	assert_int_equal(wait, 0);
}

static void test_record_header(void **state)
{
	struct record_header h = {
		.cols = 100, .rows = 30, .timestamp = 1795000000,
		.term = "xterm-256color", .lang = "zh_CN.UTF-8",
		.title = "agent1@propdesk s00000ba95b",
	};
	struct buf out;

	(void)state;
	buf_init(&out);
	record_enc_header(&out, &h);
	assert_string_equal(out.data,
			    "{\"version\": 2, \"width\": 100, \"height\": 30, "
			    "\"timestamp\": 1795000000, "
			    "\"env\": {\"TERM\": \"xterm-256color\", \"LANG\": \"zh_CN.UTF-8\"}, "
			    "\"title\": \"agent1@propdesk s00000ba95b\"}\n");
	assert_int_equal(record_check_json(out.data, out.len - 1), 0);
	/* Unknown size, no TERM, a hostile TERM escaped, no title. */
	buf_reset(&out);
	h.cols = 0;
	h.rows = -1;
	h.term = "vt\x1b]0;pwn\a\xff\"";
	h.lang = NULL;
	h.title = NULL;
	record_enc_header(&out, &h);
	assert_string_equal(out.data,
			    "{\"version\": 2, \"width\": 80, \"height\": 24, "
			    "\"timestamp\": 1795000000, "
			    "\"env\": {\"TERM\": \"vt\\u001b]0;pwn\\u0007\xef\xbf\xbd\\\"\"}}\n");
	assert_int_equal(record_check_json(out.data, out.len - 1), 0);
	buf_reset(&out);
	h.term = NULL;
	record_enc_header(&out, &h);
	assert_int_equal(record_check_json(out.data, out.len - 1), 0);
	assert_non_null(strstr(out.data, "\"env\": {}"));
	buf_free(&out);
}

/* The checker itself rejects what a recording must never contain. */
static void test_record_checker_strict(void **state)
{
	static const char *bad[] = {
		"[1, \"o\", \"a\x1b\"]", "[1, \"o\", \"\xff\"]", "[1, \"o\", \"\\ud800\"]",
		"[1, \"o\", \"\\x41\"]", "[1, \"o\", \"a\"", "[01, \"o\", \"a\"]",
		"[1, \"o\" \"a\"]",
		"[1, \"o\", \"a\"] x", "{\"a\": }", "[1, \"o\", \"\x7f\"]",
	};
	static const char good[] = "[0.25, \"o\", \"\\ud83c\\udfe0\\u0000\\/\"]";
	struct buf type, data;
	double t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(record_check_json(bad[i], strlen(bad[i])), -1);
	buf_init(&type);
	buf_init(&data);
	assert_int_equal(record_check_event(good, strlen(good), &t, &type, &data), 0);
	assert_true(t == 0.25);
	assert_int_equal(data.len, 6);
	assert_memory_equal(data.data, "🏠\0/", 6);
	buf_free(&type);
	buf_free(&data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_every_split_point),
		cmocka_unit_test(test_record_byte_by_byte),
		cmocka_unit_test(test_record_controls_escaped),
		cmocka_unit_test(test_record_invalid_bytes_replaced),
		cmocka_unit_test(test_record_open_sequence_flushed),
		cmocka_unit_test(test_record_time_non_decreasing),
		cmocka_unit_test(test_record_resize_and_marker_keep_held_bytes),
		cmocka_unit_test(test_record_sizes_changes_only_rate_limited),
		cmocka_unit_test(test_record_header),
		cmocka_unit_test(test_record_checker_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
