/* test_wrap — folding text within a display width: at spaces between words, between Chinese
 * characters by their two columns, never before closing punctuation, never inside a
 * [bracketed] option (no "--s/tdin"), a word wider than the line cut at a character, the
 * first line's used columns and the next lines' indent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"
#include "wrap.h"

static void test_wrap_is(const char *s, size_t width, size_t first, const char *indent,
                         const char *want, size_t want_lines)
{
	struct buf out;
	size_t lines;
	const char *p, *nl;

	buf_init(&out);
	lines = wrap_text(&out, s, strlen(s), width, first, indent);
	assert_string_equal(buf_cstr(&out), want);
	assert_int_equal(lines, want_lines);
	/* Every line within the width. */
	for (p = buf_cstr(&out); *p != '\0'; p = nl + 1) {
		size_t used = p == buf_cstr(&out) ? first : 0;

		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (width > 0 && used + utf8_width(p, (size_t)(nl - p)) > width)
			fail_msg("line `%.*s` is wider than %zu", (int)(nl - p), p, width);
		if (*nl == '\0')
			break;
	}
	buf_free(&out);
}

static void test_wrap_words(void **state)
{
	(void)state;
	test_wrap_is("", 10, 0, NULL, "", 1);
	test_wrap_is("short", 10, 0, NULL, "short", 1);
	test_wrap_is("one two three four", 9, 0, NULL, "one two\nthree\nfour", 3);
	test_wrap_is("one two three four", 0, 0, NULL, "one two three four", 1);
	/* The first line's columns used, the next lines indented. */
	test_wrap_is("List promises, most urgent first", 20, 8, "    ",
	             "List\n    promises, most\n    urgent first", 3);
	/* A [bracketed] option is never cut at its space or inside. */
	test_wrap_is("unit import [--dry-run] [--ignore-unknown] [--stdin]", 30, 0, "  ",
	             "unit import [--dry-run]\n  [--ignore-unknown] [--stdin]", 2);
	test_wrap_is("promise list [--limit N] [--json]", 20, 0, NULL,
	             "promise list\n[--limit N] [--json]", 2);
	/* An option wider than a line: broken at its spaces. */
	test_wrap_is("x [--due YYYY-MM-DD HH:MM]", 16, 0, "  ", "x [--due\n  YYYY-MM-DD\n  HH:MM]", 3);
	/* Longer than a line: cut at a character. */
	test_wrap_is("abcdefghijkl", 5, 0, NULL, "abcde\nfghij\nkl", 3);
	test_wrap_is("x abcdefghijkl", 5, 0, "", "x\nabcde\nfghij\nkl", 4);
}

static void test_wrap_chinese(void **state)
{
	(void)state;
	/* Two columns a character, a break between any two. */
	test_wrap_is("按紧急程度列出承诺", 8, 0, NULL, "按紧急程\n度列出承\n诺", 3);
	/* Never before closing punctuation: it stays with the character before it. */
	test_wrap_is("列出承诺，默认自己", 8, 0, NULL, "列出承\n诺，默认\n自己", 3);
	/* Nor after opening punctuation: it goes with what follows. */
	test_wrap_is("修改密码（exec 模式）。", 12, 0, NULL, "修改密码\n（exec 模\n式）。", 3);
	/* Mixed: a Latin word after Chinese needs no space to break before it. */
	test_wrap_is("用 --offset 查看", 10, 0, NULL, "用\n--offset\n查看", 3);
	/* A wide character never split over the width. */
	test_wrap_is("一二三", 3, 0, NULL, "一\n二\n三", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wrap_words),
	    cmocka_unit_test(test_wrap_chinese),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
