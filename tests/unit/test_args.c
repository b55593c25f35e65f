/* test_args — the tokenizer (quoting, escapes, separators, caps, bad bytes) and the option
 * parser (--name, --name VALUE, --name=VALUE, --, required, unknown, duplicate, counts). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "args.h"

static int test_args_split_str(struct args *a, const char *line)
{
	return args_split(a, line, strlen(line), 0);
}

static void test_args_plain_words(void **state)
{
	struct args a;

	(void)state;
	args_init(&a);
	assert_int_equal(test_args_split_str(&a, "  user   add\tbob \r\n"), 0);
	assert_int_equal(a.nwords, 3);
	assert_string_equal(a.words[0], "user");
	assert_string_equal(a.words[1], "add");
	assert_string_equal(a.words[2], "bob");
	assert_int_equal(test_args_split_str(&a, ""), 0);
	assert_int_equal(a.nwords, 0);
	assert_int_equal(test_args_split_str(&a, "   \t "), 0);
	assert_int_equal(a.nwords, 0);
	args_clear(&a);
}

static void test_args_quotes_and_escapes(void **state)
{
	struct args a;

	(void)state;
	args_init(&a);
	assert_int_equal(test_args_split_str(&a, "say 'a b' \"c d\" e\\ f"), 0);
	assert_int_equal(a.nwords, 4);
	assert_string_equal(a.words[1], "a b");
	assert_string_equal(a.words[2], "c d");
	assert_string_equal(a.words[3], "e f");

	/* Adjacent parts join; single quotes keep backslashes; double quotes escape. */
	assert_int_equal(test_args_split_str(&a, "x'1 2'\"3\"4 'a\\b' \"q\\\"q\\\\\" ''"), 0);
	assert_int_equal(a.nwords, 4);
	assert_string_equal(a.words[0], "x1 234");
	assert_string_equal(a.words[1], "a\\b");
	assert_string_equal(a.words[2], "q\"q\\");
	assert_string_equal(a.words[3], "");

	/* Escaped quotes outside quotes. */
	assert_int_equal(test_args_split_str(&a, "it\\'s \\\"x\\\""), 0);
	assert_int_equal(a.nwords, 2);
	assert_string_equal(a.words[0], "it's");
	assert_string_equal(a.words[1], "\"x\"");
	args_clear(&a);
}

static void test_args_errors(void **state)
{
	struct args a;
	struct buf msg;

	(void)state;
	args_init(&a);
	buf_init(&msg);
	assert_int_equal(test_args_split_str(&a, "note 'unterminated"), ARGS_EQUOTE);
	assert_int_equal(a.nwords, 0);
	args_error(&a, ARGS_EQUOTE, "en", &msg);
	assert_string_equal(buf_cstr(&msg), "unterminated quote");
	buf_reset(&msg);
	args_error(&a, ARGS_EQUOTE, "zh", &msg);
	assert_string_equal(buf_cstr(&msg), "引号没有结束");
	assert_int_equal(test_args_split_str(&a, "note \"open"), ARGS_EQUOTE);
	assert_int_equal(test_args_split_str(&a, "note \"open\\\""), ARGS_EQUOTE);
	assert_int_equal(test_args_split_str(&a, "trailing \\"), ARGS_EESCAPE);
	assert_int_equal(test_args_split_str(&a, "bell \a"), ARGS_ECONTROL);
	assert_int_equal(test_args_split_str(&a, "esc \x1b[31m"), ARGS_ECONTROL);
	assert_int_equal(test_args_split_str(&a, "bad \xff\xfe"), ARGS_ECONTROL);
	assert_int_equal(test_args_split_str(&a, "c1 \xc2\x9b"
	                                         "31m"),
	                 ARGS_ECONTROL);
	assert_int_equal(args_split(&a, "a\0b", 3, 0), ARGS_ECONTROL);
	assert_int_equal(args_split(&a, "abcdef", 6, 5), ARGS_ETOOLONG);
	assert_int_equal(args_split(&a, "abcde", 5, 5), 0);
	buf_free(&msg);
	args_clear(&a);
}

static void test_args_word_cap(void **state)
{
	struct args a;
	struct buf line;
	int i;

	(void)state;
	args_init(&a);
	buf_init(&line);
	for (i = 0; i < ARGS_MAX_WORDS; i++)
		buf_puts(&line, "w ");
	assert_int_equal(args_split(&a, line.data, line.len, 0), 0);
	assert_int_equal(a.nwords, ARGS_MAX_WORDS);
	buf_puts(&line, "one-more");
	assert_int_equal(args_split(&a, line.data, line.len, 0), ARGS_ETOOMANY);
	assert_int_equal(a.nwords, 0);
	buf_free(&line);
	args_clear(&a);
}

static void test_args_chinese(void **state)
{
	struct args a;

	(void)state;
	args_init(&a);
	/* U+3000 IDEOGRAPHIC SPACE separates like a space, quoted it is kept. */
	assert_int_equal(test_args_split_str(&a, "complaint note 漏水\xe3\x80\x80已处理 "
	                                         "'三楼\xe3\x80\x80东' --display \"张 三\""),
	                 0);
	assert_int_equal(a.nwords, 7);
	assert_string_equal(a.words[2], "漏水");
	assert_string_equal(a.words[3], "已处理");
	assert_string_equal(a.words[4], "三楼\xe3\x80\x80东");
	assert_string_equal(a.words[6], "张 三");
	/* A backslash before a multibyte character escapes the whole character. */
	assert_int_equal(test_args_split_str(&a, "\\中文"), 0);
	assert_string_equal(a.words[0], "中文");
	args_clear(&a);
}

static const struct args_opt test_args_spec[] = {
    {"role", ARGS_VALUE | ARGS_REQUIRED},
    {"display", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static void test_args_options(void **state)
{
	struct args a;

	(void)state;
	args_init(&a);
	assert_int_equal(test_args_split_str(&a, "user add bob --role agent --display=张三 --json"),
	                 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), 0);
	assert_int_equal(a.npos, 1);
	assert_string_equal(a.pos[0], "bob");
	assert_string_equal(args_get(&a, "role"), "agent");
	assert_string_equal(args_get(&a, "display"), "张三");
	assert_true(args_has(&a, "json"));
	assert_null(args_get(&a, "json"));
	assert_false(args_has(&a, "nothing"));

	/* Options before positionals; an empty value with =; -- ends options. */
	assert_int_equal(test_args_split_str(&a, "user add --role= --json -- --bob"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), 0);
	assert_string_equal(args_get(&a, "role"), "");
	assert_string_equal(a.pos[0], "--bob");

	/* A single dash word and negative numbers are positional. */
	assert_int_equal(test_args_split_str(&a, "x - -5 --role r"), 0);
	assert_int_equal(args_parse(&a, 1, test_args_spec, 0, 5), 0);
	assert_int_equal(a.npos, 2);
	assert_string_equal(a.pos[0], "-");
	assert_string_equal(a.pos[1], "-5");
	args_clear(&a);
}

static void test_args_option_errors(void **state)
{
	struct args a;
	struct buf msg;

	(void)state;
	args_init(&a);
	buf_init(&msg);

	assert_int_equal(test_args_split_str(&a, "user add bob --role agent --colour"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), ARGS_EUNKNOWN);
	args_error(&a, ARGS_EUNKNOWN, "en", &msg);
	assert_string_equal(buf_cstr(&msg), "unknown option --colour");

	assert_int_equal(test_args_split_str(&a, "user add bob --role"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), ARGS_EMISSING);
	buf_reset(&msg);
	args_error(&a, ARGS_EMISSING, "zh", &msg);
	assert_string_equal(buf_cstr(&msg), "选项 --role 需要一个值");

	assert_int_equal(test_args_split_str(&a, "user add bob --role --json"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), ARGS_EMISSING);

	assert_int_equal(test_args_split_str(&a, "user add bob --role a --json=yes"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), ARGS_ENOVALUE);
	assert_string_equal(a.bad, "json");

	assert_int_equal(test_args_split_str(&a, "user add bob --role a --role b"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), ARGS_EDUP);

	assert_int_equal(test_args_split_str(&a, "user add --role a"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), ARGS_EFEW);

	assert_int_equal(test_args_split_str(&a, "user add bob alice --role a"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), ARGS_EMANY);
	assert_string_equal(a.bad, "alice");

	assert_int_equal(test_args_split_str(&a, "user add bob"), 0);
	assert_int_equal(args_parse(&a, 2, test_args_spec, 1, 1), ARGS_EREQUIRED);
	buf_reset(&msg);
	args_error(&a, ARGS_EREQUIRED, "en", &msg);
	assert_string_equal(buf_cstr(&msg), "missing option --role");

	/* No spec: every --word is unknown. */
	assert_int_equal(test_args_split_str(&a, "quit --now"), 0);
	assert_int_equal(args_parse(&a, 1, NULL, 0, 0), ARGS_EUNKNOWN);

	buf_free(&msg);
	args_clear(&a);
}

static void test_args_quote_round_trip(void **state)
{
	static const char *const words[] = {"plain",
	                                    "two words",
	                                    "it's",
	                                    "say \"hi\"",
	                                    "back\\slash",
	                                    "",
	                                    "中文\xe3\x80\x80空格",
	                                    "tab\there"};
	struct args a;
	struct buf line;
	size_t i;

	(void)state;
	args_init(&a);
	buf_init(&line);
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (i)
			buf_putc(&line, ' ');
		args_quote(&line, words[i]);
	}
	assert_int_equal(args_split(&a, line.data, line.len, 0), 0);
	assert_int_equal(a.nwords, sizeof words / sizeof words[0]);
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		assert_string_equal(a.words[i], words[i]);
	buf_free(&line);
	args_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_args_plain_words),
	    cmocka_unit_test(test_args_quotes_and_escapes),
	    cmocka_unit_test(test_args_errors),
	    cmocka_unit_test(test_args_word_cap),
	    cmocka_unit_test(test_args_chinese),
	    cmocka_unit_test(test_args_options),
	    cmocka_unit_test(test_args_option_errors),
	    cmocka_unit_test(test_args_quote_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
