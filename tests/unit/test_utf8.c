/* Unit tests for shell/utf8.c: strict decoding, display widths, the sanitizer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

static int test_utf8_dec(const char *s, size_t len, uint32_t *cp)
{
	return utf8_decode((const unsigned char *)s, len, cp);
}

/* Full-width ASCII and the ideographic space fold to ASCII; the rest is kept as it is. */
static void test_utf8_fold_width(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	utf8_fold_width(&b, "Ｃ－２０２６１２０４－０００１", strlen("Ｃ－２０２６１２０４－０００１"));
	assert_string_equal(b.data, "C-20261204-0001");
	buf_reset(&b);
	utf8_fold_width(&b, "＃１８７　报修ａｚ～！", strlen("＃１８７　报修ａｚ～！"));
	assert_string_equal(b.data, "#187 报修az~!");
	buf_reset(&b);
	utf8_fold_width(&b, "\xef\xbc", 2); /* a cut sequence is kept as bytes */
	assert_int_equal(b.len, 2);
	buf_reset(&b);
	assert_string_equal(utf8_fold_trim(&b, "　ＮＯＩＳＥ "), "NOISE");
	buf_reset(&b);
	assert_string_equal(utf8_fold_trim(&b, "   "), "");
	buf_free(&b);
}

static void test_utf8_decode_valid(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(test_utf8_dec("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(test_utf8_dec("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(test_utf8_dec("报", 3, &cp), 3);
	assert_int_equal(cp, 0x62A5);
	assert_int_equal(test_utf8_dec("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(test_utf8_dec("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	assert_int_equal(test_utf8_dec("\xee\x80\x80", 3, &cp), 3); /* U+E000 after surrogates */
	assert_int_equal(cp, 0xE000);
}

static void test_utf8_decode_rejects_invalid(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(test_utf8_dec("\xc0\x80", 2, &cp), -1);         /* overlong NUL */
	assert_int_equal(test_utf8_dec("\xc1\xbf", 2, &cp), -1);         /* overlong */
	assert_int_equal(test_utf8_dec("\xe0\x80\xaf", 3, &cp), -1);     /* overlong 3-byte */
	assert_int_equal(test_utf8_dec("\xf0\x80\x80\xaf", 4, &cp), -1); /* overlong 4-byte */
	assert_int_equal(test_utf8_dec("\xed\xa0\x80", 3, &cp), -1);     /* U+D800 */
	assert_int_equal(test_utf8_dec("\xed\xbf\xbf", 3, &cp), -1);     /* U+DFFF */
	assert_int_equal(test_utf8_dec("\xf4\x90\x80\x80", 4, &cp), -1); /* U+110000 */
	assert_int_equal(test_utf8_dec("\xf5\x80\x80\x80", 4, &cp), -1);
	assert_int_equal(test_utf8_dec("\xff", 1, &cp), -1);
	assert_int_equal(test_utf8_dec("\x80", 1, &cp), -1);         /* lone continuation */
	assert_int_equal(test_utf8_dec("\xe6\x41\xa5", 3, &cp), -1); /* bad continuation */
	assert_int_equal(test_utf8_dec("\xe6\x8a\x41", 3, &cp), -1);
}

static void test_utf8_decode_incomplete(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(test_utf8_dec("", 0, &cp), 0);
	assert_int_equal(test_utf8_dec("\xe6", 1, &cp), 0);
	assert_int_equal(test_utf8_dec("\xe6\x8a", 2, &cp), 0);
	assert_int_equal(test_utf8_dec("\xf0\x9f\x98", 3, &cp), 0);
	/* A prefix that can only become invalid is rejected at once. */
	assert_int_equal(test_utf8_dec("\xe0\x80", 2, &cp), -1);
	assert_int_equal(test_utf8_dec("\xed\xa0", 2, &cp), -1);
	assert_int_equal(test_utf8_dec("\xf4\x90", 2, &cp), -1);
}

static void test_utf8_encode_roundtrip(void **state)
{
	static const uint32_t cps[] = {0x1,    0x7F,   0x80,   0x7FF,   0x800,   0x62A5,  0xD7FF,
	                               0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		char enc[4];
		uint32_t back = 0;
		int n = utf8_encode(cps[i], enc);

		assert_in_range(n, 1, 4);
		assert_int_equal(test_utf8_dec(enc, (size_t)n, &back), n);
		assert_int_equal(back, cps[i]);
	}
}

static void test_utf8_cpwidth_wide(void **state)
{
	(void)state;
	assert_int_equal(utf8_cpwidth(0x62A5), 2); /* 报 CJK unified */
	assert_int_equal(utf8_cpwidth(0x4E00), 2);
	assert_int_equal(utf8_cpwidth(0x9FFF), 2);
	assert_int_equal(utf8_cpwidth(0x3400), 2);  /* extension A */
	assert_int_equal(utf8_cpwidth(0x20000), 2); /* extension B */
	assert_int_equal(utf8_cpwidth(0x2A700), 2); /* extension C */
	assert_int_equal(utf8_cpwidth(0x30000), 2); /* extension G */
	assert_int_equal(utf8_cpwidth(0xF900), 2);  /* compatibility ideographs */
	assert_int_equal(utf8_cpwidth(0x3000), 2);  /* ideographic space */
	assert_int_equal(utf8_cpwidth(0x3002), 2);  /* 。 */
	assert_int_equal(utf8_cpwidth(0x300C), 2);  /* 「 */
	assert_int_equal(utf8_cpwidth(0x303F), 2);
	assert_int_equal(utf8_cpwidth(0x3042), 2); /* あ */
	assert_int_equal(utf8_cpwidth(0x30A2), 2); /* ア */
	assert_int_equal(utf8_cpwidth(0xAC00), 2); /* 가 */
	assert_int_equal(utf8_cpwidth(0xD7A3), 2);
	assert_int_equal(utf8_cpwidth(0x1100), 2); /* Hangul choseong */
	assert_int_equal(utf8_cpwidth(0xFF01), 2); /* ！ */
	assert_int_equal(utf8_cpwidth(0xFF0C), 2); /* ， */
	assert_int_equal(utf8_cpwidth(0xFF60), 2);
	assert_int_equal(utf8_cpwidth(0xFFE0), 2);
	assert_int_equal(utf8_cpwidth(0xFFE6), 2);
	assert_int_equal(utf8_cpwidth(0x1F300), 2); /* emoji */
	assert_int_equal(utf8_cpwidth(0x1F600), 2);
	assert_int_equal(utf8_cpwidth(0x1F64F), 2);
	assert_int_equal(utf8_cpwidth(0x1F914), 2);
	assert_int_equal(utf8_cpwidth(0x1F9FF), 2);
}

static void test_utf8_cpwidth_narrow_zero_control(void **state)
{
	(void)state;
	assert_int_equal(utf8_cpwidth('a'), 1);
	assert_int_equal(utf8_cpwidth(' '), 1);
	assert_int_equal(utf8_cpwidth(0xA0), 1);
	assert_int_equal(utf8_cpwidth(0xE9), 1);   /* é */
	assert_int_equal(utf8_cpwidth(0x0416), 1); /* Cyrillic */
	assert_int_equal(utf8_cpwidth(0xFF61), 1); /* halfwidth katakana punctuation */
	assert_int_equal(utf8_cpwidth(0xFF71), 1); /* halfwidth ｱ */
	assert_int_equal(utf8_cpwidth(0xFFFD), 1);
	assert_int_equal(utf8_cpwidth(0x0300), 0); /* combining grave */
	assert_int_equal(utf8_cpwidth(0x0301), 0);
	assert_int_equal(utf8_cpwidth(0x036F), 0);
	assert_int_equal(utf8_cpwidth(0xFE0F), 0); /* variation selector */
	/* Invisible characters take the columns of their shown form, <U+200B>. */
	assert_int_equal(utf8_cpwidth(0x200B), 8); /* ZWSP */
	assert_int_equal(utf8_cpwidth(0x200D), 8); /* ZWJ */
	assert_int_equal(utf8_cpwidth(0xFEFF), 8); /* BOM */
	assert_int_equal(utf8_cpwidth(0x202E), 8);
	assert_int_equal(utf8_cpwidth(0xE0041), 9); /* <U+E0041> */
	assert_int_equal(utf8_cpwidth(0x3099), 0);  /* combining kana voiced mark */
	assert_int_equal(utf8_cpwidth(0x1160), 0);  /* Hangul medial jamo */
	assert_int_equal(utf8_cpwidth(0x00), -1);
	assert_int_equal(utf8_cpwidth(0x1B), -1);
	assert_int_equal(utf8_cpwidth(0x1F), -1);
	assert_int_equal(utf8_cpwidth(0x7F), -1);
	assert_int_equal(utf8_cpwidth(0x80), -1);
	assert_int_equal(utf8_cpwidth(0x9B), -1);
	assert_int_equal(utf8_cpwidth(0x9F), -1);
}

static void test_utf8_width_mixed_text(void **state)
{
	(void)state;
	assert_int_equal(utf8_width("", 0), 0);
	assert_int_equal(utf8_width("abc", 3), 3);
	assert_int_equal(utf8_width("报修漏水", strlen("报修漏水")), 8);
	assert_int_equal(utf8_width("3号楼漏水 leak", strlen("3号楼漏水 leak")), 14);
	assert_int_equal(utf8_width("e\xcc\x81", 3), 1);         /* e + U+0301 */
	assert_int_equal(utf8_width("ｱｲｳ", strlen("ｱｲｳ")), 3);   /* halfwidth kana */
	assert_int_equal(utf8_width("ＡＢ", strlen("ＡＢ")), 4); /* fullwidth */
	assert_int_equal(utf8_width("\xf0\x9f\x98\x80!", 5), 3);
	/* Colour escapes take no column, controls none, invalid bytes one each. */
	assert_int_equal(utf8_width("\x1b[1;32m报修\x1b[0m> ", strlen("\x1b[1;32m报修\x1b[0m> ")),
	                 6);
	assert_int_equal(utf8_width("a\tb\r\n", 5), 2);
	assert_int_equal(utf8_width("a\xff\xfe", 3), 3);
	assert_int_equal(utf8_width("\xe6\x8a", 2), 1); /* truncated character */
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("报修 ok", strlen("报修 ok")));
	assert_false(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("\xe6\x8a", 2));
	assert_false(utf8_valid("\xc0\x80", 2));
	assert_false(utf8_valid("\xed\xa0\x80", 3));
}

static void test_utf8_prefix_for_width(void **state)
{
	const char *s = "报修漏水";

	(void)state;
	assert_int_equal(utf8_prefix_for_width(s, 12, 8), 12);
	assert_int_equal(utf8_prefix_for_width(s, 12, 5), 6); /* never half a character */
	assert_int_equal(utf8_prefix_for_width(s, 12, 4), 6);
	assert_int_equal(utf8_prefix_for_width(s, 12, 1), 0);
	assert_int_equal(utf8_prefix_for_width("a报", 4, 2), 1);
	assert_int_equal(utf8_prefix_for_width("abc", 3, 100), 3);
	/* A combining mark stays with its letter. */
	assert_int_equal(utf8_prefix_for_width("e\xcc\x81x", 4, 1), 3);
}

static void test_utf8_check_clean(const char *s, size_t len, bool newlines)
{
	size_t i = 0;

	assert_true(utf8_valid(s, len));
	while (i < len) {
		uint32_t cp = 0;
		int r = utf8_decode((const unsigned char *)s + i, len - i, &cp);

		assert_true(r > 0);
		assert_true(cp != 0x1B);
		assert_false(cp < 0x20 && !(newlines && cp == '\n'));
		assert_false(cp >= 0x7F && cp <= 0x9F);
		assert_false(utf8_is_invisible(cp));
		i += (size_t)r;
	}
}

static void test_utf8_expect_sanitized(const char *in, size_t len, unsigned flags, const char *want)
{
	struct buf b;

	buf_init(&b);
	utf8_sanitize(&b, in, len, flags);
	assert_string_equal(buf_cstr(&b), want);
	test_utf8_check_clean(b.data, b.len, flags & UTF8_KEEP_NEWLINES);
	buf_free(&b);
}

#define SAN(in, flags, want) test_utf8_expect_sanitized(in, sizeof(in) - 1, flags, want)

static void test_utf8_sanitize_keeps_chinese(void **state)
{
	(void)state;
	SAN("报修：3号楼漏水，请尽快处理。", 0, "报修：3号楼漏水，请尽快处理。");
	SAN("ｱ ＡＢ 가 😀 é", 0, "ｱ ＡＢ 가 😀 é");
	SAN("a\nb\tc", UTF8_KEEP_NEWLINES, "a\nb c");
	SAN("a\nb\tc", 0, "a b c");
	SAN("a\r\nb", UTF8_KEEP_NEWLINES, "a\nb");
}

static void test_utf8_sanitize_strips_csi(void **state)
{
	(void)state;
	SAN("\x1b[31m红色\x1b[0m", 0, "红色");
	SAN("\x1b[2J\x1b[H\x1b[?1049hX", 0, "X");
	SAN("a\x1b[38;5;196mb", 0, "ab");
	SAN("\x1b[1 qX", 0, "X"); /* intermediate byte */
	SAN("\xc2\x9b"
	    "31mX",
	    0, "X");           /* 8-bit CSI as U+009B */
	SAN("\x1b[31", 0, ""); /* unterminated at the end */
}

static void test_utf8_sanitize_strips_osc_dcs(void **state)
{
	(void)state;
	SAN("\x1b]0;evil title\x07ok", 0, "ok");
	SAN("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", 0, "link");
	SAN("\x1b]52;c;ZWNobyBoaQ==\x07z", 0, "z"); /* clipboard write */
	SAN("\x1bPq#0;2;0;0;0\x1b\\x", 0, "x");     /* DCS (sixel) */
	SAN("\x1bXsos\x1b\\\x1b^pm\x1b\\\x1b_apc\x1b\\y", 0, "y");
	SAN("\xc2\x9d"
	    "0;t\xc2\x9cz",
	    0, "z");                           /* 8-bit OSC and ST */
	SAN("\xc2\x90qdata\xc2\x9cz", 0, "z"); /* 8-bit DCS */
	SAN("\x1b]0;never ends", 0, "");
	SAN("\x1b]0;t\x1b[31mz", 0, "z"); /* ESC inside OSC starts a new sequence */
}

static void test_utf8_sanitize_strips_other_escapes(void **state)
{
	(void)state;
	SAN("\x1b"
	    "cX",
	    0, "X"); /* RIS */
	SAN("\x1b"
	    "7\x1b"
	    "8X",
	    0, "X");            /* save/restore cursor */
	SAN("\x1b(BX", 0, "X"); /* charset designation */
	SAN("\x1b#8X", 0, "X"); /* DECALN */
	SAN("\x1b\x1b[0mX", 0, "X");
	SAN("X\x1b", 0, "X");
}

static void test_utf8_sanitize_strips_controls(void **state)
{
	(void)state;
	SAN("a\x00"
	    "b\x07"
	    "c\x08"
	    "d\x7f"
	    "e\r",
	    UTF8_KEEP_NEWLINES, "abcde");
	SAN("a\xc2\x85"
	    "b\xc2\x80"
	    "c\xc2\x8d"
	    "d",
	    0, "abcd"); /* C1 code points */
	SAN("a\xc2\x9f"
	    "hidden\xc2\x9c"
	    "b",
	    0, "ab"); /* 8-bit APC string */
	SAN("a\xc2\xa0"
	    "b",
	    0,
	    "a\xc2\xa0"
	    "b"); /* U+00A0 is fine */
}

static void test_utf8_sanitize_replaces_invalid(void **state)
{
	(void)state;
	SAN("a\x9b"
	    "31mb",
	    0,
	    "a\xef\xbf\xbd"
	    "31mb"); /* raw 0x9B is just invalid */
	SAN("\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd");
	SAN("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	SAN("ok\xe6\x8a", 0, "ok\xef\xbf\xbd");
	SAN("\xff报", 0, "\xef\xbf\xbd报");
}

/* The invisible characters: exactly the listed ones, each named in both languages, found
 * with their place, and shown as <U+XXXX> by the sanitizer (widths agree). */
static void test_utf8_invisible_characters(void **state)
{
	static const uint32_t invisible[] = {
	    0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F,  0x2028,  0x2029, 0x202A, 0x202B,
	    0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2064,  0x2066,  0x2067, 0x2068, 0x2069,
	    0x206A, 0x206F, 0xFEFF, 0xFFF9, 0xFFFB, 0xE0001, 0xE0041, 0xE007F};
	static const uint32_t visible[] = {'a',    0x00A0, 0x00AD, 0x061B, 0x061D,  0x180E, 0x200A,
	                                   0x2010, 0x2027, 0x202F, 0x205F, 0x2065,  0x2070, 0x3000,
	                                   0x62A5, 0xFEFE, 0xFFFC, 0xFFFD, 0xE0080, 0x1F600};
	uint32_t cp;
	size_t i, off, nchar;
	struct buf b;

	(void)state;
	for (i = 0; i < sizeof invisible / sizeof invisible[0]; i++) {
		assert_true(utf8_is_invisible(invisible[i]));
		assert_non_null(utf8_invisible_name(invisible[i], false));
		assert_non_null(utf8_invisible_name(invisible[i], true));
	}
	for (i = 0; i < sizeof visible / sizeof visible[0]; i++) {
		assert_false(utf8_is_invisible(visible[i]));
		assert_null(utf8_invisible_name(visible[i], false));
	}
	assert_string_equal(utf8_invisible_name(0x202E, false), "right-to-left override");
	assert_string_equal(utf8_invisible_name(0x202E, true), "从右到左强制符");
	assert_string_equal(utf8_invisible_name(0x200B, false), "zero width space");
	assert_string_equal(utf8_invisible_name(0x200B, true), "零宽空格");

	assert_false(utf8_find_invisible("报修 leak", strlen("报修 leak"), &cp, &off, &nchar));
	assert_true(utf8_find_invisible("报修a\xe2\x80\xae"
	                                "b",
	                                11, &cp, &off, &nchar));
	assert_int_equal(cp, 0x202E);
	assert_int_equal(off, 7);
	assert_int_equal(nchar, 4);

	/* Shown, not passed on raw: the sanitizer and utf8_show agree, and so do the widths. */
	SAN("pay \xe2\x80\xae"
	    "gpj.exe",
	    0, "pay <U+202E>gpj.exe");
	SAN("a\xe2\x80\x8b\xef\xbb\xbf"
	    "b\xe2\x80\xa8"
	    "c",
	    UTF8_KEEP_NEWLINES, "a<U+200B><U+FEFF>b<U+2028>c");
	SAN("\xf3\xa0\x81\x81x", 0, "<U+E0041>x");
	buf_init(&b);
	utf8_show(&b,
	          "pay \xe2\x80\xae"
	          "gpj",
	          10);
	assert_string_equal(buf_cstr(&b), "pay <U+202E>gpj");
	assert_int_equal(utf8_width("pay \xe2\x80\xae"
	                            "gpj",
	                            10),
	                 utf8_width(b.data, b.len));
	buf_free(&b);
}

static uint32_t test_utf8_rand_state = 12345;

static uint32_t test_utf8_rand(void)
{
	test_utf8_rand_state = test_utf8_rand_state * 1103515245u + 12345u;
	return test_utf8_rand_state >> 8;
}

static void test_utf8_sanitize_random_bytes_always_clean(void **state)
{
	static const char *const pieces[] = {
	    "\x1b",        "[",        "]",        "P",    "\x07", "\\",  "\xc2\x9b",
	    "\xc2\x9c",    "\xc2\x9d", "报",       "\n",   "\r",   "\t",  "m",
	    "\xe6",        "\x8a",     "\xf0\x9f", "\x00", "\x7f", "1;2", "\xe2\x80\xae",
	    "\xef\xbb\xbf"};
	char in[256];
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t len = 0, want = test_utf8_rand() % 64;
		struct buf b;

		while (len < want) {
			if (test_utf8_rand() % 2) {
				in[len++] = (char)(test_utf8_rand() & 0xFF);
			} else {
				const char *p = pieces[test_utf8_rand() % 22];
				size_t n = p[0] ? strlen(p) : 1;

				memcpy(in + len, p, n);
				len += n;
			}
		}
		buf_init(&b);
		utf8_sanitize(&b, in, len, round % 2 ? UTF8_KEEP_NEWLINES : 0);
		if (b.len > 0)
			test_utf8_check_clean(b.data, b.len, round % 2);
		buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_fold_width),
	    cmocka_unit_test(test_utf8_decode_valid),
	    cmocka_unit_test(test_utf8_decode_rejects_invalid),
	    cmocka_unit_test(test_utf8_decode_incomplete),
	    cmocka_unit_test(test_utf8_encode_roundtrip),
	    cmocka_unit_test(test_utf8_cpwidth_wide),
	    cmocka_unit_test(test_utf8_cpwidth_narrow_zero_control),
	    cmocka_unit_test(test_utf8_width_mixed_text),
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_utf8_prefix_for_width),
	    cmocka_unit_test(test_utf8_sanitize_keeps_chinese),
	    cmocka_unit_test(test_utf8_sanitize_strips_csi),
	    cmocka_unit_test(test_utf8_sanitize_strips_osc_dcs),
	    cmocka_unit_test(test_utf8_sanitize_strips_other_escapes),
	    cmocka_unit_test(test_utf8_sanitize_strips_controls),
	    cmocka_unit_test(test_utf8_sanitize_replaces_invalid),
	    cmocka_unit_test(test_utf8_invisible_characters),
	    cmocka_unit_test(test_utf8_sanitize_random_bytes_always_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
