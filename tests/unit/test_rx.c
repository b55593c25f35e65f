/* test_rx — bounded regular expressions: Chinese patterns and subjects (UTF + UCP), caseless
 * matching, a catastrophic pattern answered with RX_ELIMIT quickly, invalid UTF-8 subjects,
 * compile errors naming the offset, the length cap, messages in both languages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rx.h"
#include "rx_literal.h"

static int test_rx_m(const char *pattern, unsigned flags, const char *text)
{
	char *err = NULL;
	struct rx *r = rx_new(pattern, flags, &err);
	int rc;

	assert_non_null(r);
	assert_null(err);
	rc = rx_match(r, text, strlen(text));
	rx_free(r);
	return rc;
}

static void test_rx_chinese(void **state)
{
	(void)state;
	assert_int_equal(test_rx_m("漏水", 0, "卫生间漏水，楼上住户不在家"), 1);
	assert_int_equal(test_rx_m("漏水", 0, "地下车库车位被占用"), 0);
	assert_int_equal(test_rx_m("老人|大爷|大妈|奶奶", 0, "我是楼下的王大爷"), 1);
	/* A dot is one character, not one byte. */
	assert_int_equal(test_rx_m("^卫.间$", 0, "卫生间"), 1);
	assert_int_equal(test_rx_m("^.{3}$", 0, "卫生间"), 1);
	/* UCP: \w and \d know Chinese letters and fullwidth digits. */
	assert_int_equal(test_rx_m("^\\w+$", 0, "物业费"), 1);
	assert_int_equal(test_rx_m("^\\d+$", 0, "１２３"), 1);
	assert_int_equal(test_rx_m("噪音|吵", 0, "晚上楼上太吵了"), 1);
	/* Text with newlines (multi-line words). */
	assert_int_equal(test_rx_m("^第二行", 0, "第一行\n第二行"), 0);
	assert_int_equal(test_rx_m("(?m)^第二行", 0, "第一行\n第二行"), 1);
	/* An empty pattern matches anything; NULL text is the empty text. */
	assert_int_equal(test_rx_m("", 0, "任何"), 1);
}

static void test_rx_caseless(void **state)
{
	(void)state;
	assert_int_equal(test_rx_m("leak", 0, "Water LEAK in the bathroom"), 0);
	assert_int_equal(test_rx_m("leak", RX_CASELESS, "Water LEAK in the bathroom"), 1);
	/* UCP caseless beyond ASCII. */
	assert_int_equal(test_rx_m("straße", RX_CASELESS, "STRASSE STRAßE"), 1);
	assert_int_equal(test_rx_m("ΣΊΣΥΦΟΣ", RX_CASELESS, "σίσυφος"), 1);
}

static int64_t test_rx_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void test_rx_catastrophic(void **state)
{
	char text[64];
	char *err = NULL;
	struct rx *r;
	int64_t t0, us;
	int rc;

	(void)state;
	memset(text, 'a', 30);
	text[30] = 'b';
	text[31] = '\0';
	r = rx_new("(a+)+$", 0, &err);
	assert_non_null(r);
	t0 = test_rx_now_us();
	rc = rx_match(r, text, strlen(text));
	us = test_rx_now_us() - t0;
	assert_int_equal(rc, RX_ELIMIT);
	assert_true(us < 100000);
	/* The same compiled rx goes on answering ordinary subjects. */
	assert_int_equal(rx_match(r, "aaa", 3), 1);
	assert_int_equal(rx_match(r, "", 0), 0);
	rx_free(r);

	/* Nested quantifiers over Chinese text. */
	r = rx_new("(漏+)+$", 0, &err);
	assert_non_null(r);
	{
		char big[200] = "";

		for (int i = 0; i < 30; i++)
			strcat(big, "漏");
		strcat(big, "水");
		t0 = test_rx_now_us();
		assert_int_equal(rx_match(r, big, strlen(big)), RX_ELIMIT);
		assert_true(test_rx_now_us() - t0 < 100000);
	}
	rx_free(r);
}

static void test_rx_bad_utf8(void **state)
{
	struct rx *r;

	(void)state;
	r = rx_new("abc", 0, NULL);
	assert_non_null(r);
	assert_int_equal(rx_match(r, "ab\xff", 3), RX_EUTF);
	assert_int_equal(rx_match(r, "\xe6\xbc", 2), RX_EUTF); /* truncated 漏 */
	assert_int_equal(rx_match(r, "xxabc", 5), 1);
	/* A NUL inside the subject is just a character. */
	assert_int_equal(rx_match(r, "x\0abc", 5), 1);
	assert_int_equal(rx_match(r, NULL, 0), 0);
	rx_free(r);
}

static void test_rx_bad_pattern(void **state)
{
	char *err = NULL;
	char big[1100];

	(void)state;
	assert_null(rx_new("漏水(", 0, &err));
	assert_non_null(err);
	/* The offset is in characters: the end of the 3-character pattern. */
	assert_non_null(strstr(err, "at offset 3"));
	assert_non_null(strstr(err, "missing closing parenthesis"));
	free(err);
	err = NULL;
	/* In Chinese: the common mistakes named in Chinese, the others with PCRE2's words. */
	assert_null(rx_new_lang("漏水(", 0, "zh", &err));
	assert_string_equal(err, "第 3 个字符处：缺少右括号 )");
	free(err);
	err = NULL;
	assert_null(rx_new_lang("[z-a]", 0, "zh", &err));
	assert_non_null(strstr(err, "字符类中的范围顺序颠倒"));
	free(err);
	err = NULL;
	assert_null(rx_new_lang("(?<n>a)(?<n>b)", 0, "zh", &err));
	assert_non_null(strstr(err, "模式有误（PCRE2："));
	free(err);
	err = NULL;
	assert_null(rx_new("a{2,1}", 0, &err));
	assert_non_null(strstr(err, "offset"));
	free(err);
	err = NULL;
	assert_null(rx_new("[z-a]", 0, &err));
	assert_non_null(strstr(err, "at offset"));
	free(err);
	err = NULL;
	/* An invalid UTF-8 pattern is refused too. */
	assert_null(rx_new("ab\xff", 0, &err));
	assert_non_null(err);
	free(err);
	err = NULL;
	/* The length cap. */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_null(rx_new(big, 0, &err));
	assert_non_null(strstr(err, "too long"));
	free(err);
	/* err may be NULL. */
	assert_null(rx_new("(", 0, NULL));
	big[1024] = '\0';
	{
		struct rx *r = rx_new(big, 0, NULL);

		assert_non_null(r);
		rx_free(r);
	}
	rx_free(NULL);
}

static void test_rx_strerror(void **state)
{
	(void)state;
	assert_non_null(strstr(rx_strerror(RX_ELIMIT, "en"), "too costly"));
	assert_non_null(strstr(rx_strerror(RX_ELIMIT, "zh"), "过于复杂"));
	assert_non_null(strstr(rx_strerror(RX_EUTF, "en"), "UTF-8"));
	assert_non_null(strstr(rx_strerror(RX_EPATTERN, "zh"), "无效"));
	assert_non_null(rx_strerror(RX_ENOMEM, NULL));
	assert_non_null(rx_strerror(-99, "en"));
}

/* The literal every match contains: the longest plain run that nothing makes optional. */
static void test_rx_literal(void **state)
{
	static const struct {
		const char *pattern, *want;
	} cases[] = {
	    {"卫生间漏水", "卫生间漏水"},
	    {"漏水.*三天", "漏水"}, /* the longest of two required runs */
	    {"楼上.*装修公司", "装修公司"},
	    {"(漏|渗)水", "水"}, /* a group is skipped, what follows it is required */
	    {"漏水|渗水", ""},   /* alternation at the top: nothing is required */
	    {"a(b|c)d|e", ""},
	    {"电[钻锤]声", "电"}, /* a class ends a run; 电 and 声 are each one character */
	    {"abc?d", "ab"},      /* ? takes c off */
	    {"abc*", "ab"},
	    {"abc{0,2}x", "ab"},
	    {"abc{,2}x", "ab"},
	    {"abc+d", "abc"}, /* c at least once, then a new run */
	    {"abc{2}d", "abc"},
	    {"abcd漏?水", "abcd"}, /* a multibyte character taken off whole */
	    {"x\\.y", ".y"},       /* an escaped dot is plain, and a run of its own */
	    {"a\\\\dx", "\\dx"},   /* so is an escaped backslash: \\ then dx */
	    {"1\\.5 元", ".5 元"}, /* \. is a dot, and a run of its own */
	    {"\\d+号楼", "号楼"},
	    {"^C-2026\\d{4}$", "C-2026"},
	    {"\\x{6f0f}水", "水"},
	    {"\\p{Han}+装修", "装修"},
	    {"a{xy", "xy"},   /* a '{' that is no quantifier: a break */
	    {"(?i)漏水", ""}, /* inline options change the meaning */
	    {"漏水(?x) a", ""},
	    {"(?#注释)漏水", ""},
	    {"\\Q漏水\\E", ""},
	    {"(*UTF)漏水", ""},
	    {"(?:楼上)装修", "装修"},
	    {"(?<=楼上)装修", "装修"},
	    {"[(|)]漏水", "漏水"}, /* what is in a class is not alternation */
	    {"[]|]漏水", "漏水"},
	    {"[[:alpha:]|]漏水", "漏水"},
	    {"a.b", "a"},
	    {"x\\z{a|b}cd", ""},  /* \z takes no braces: the | is alternation */
	    {"(a)\\g-1bc", "bc"}, /* a relative back reference is no literal */
	    {"[[:]|ab]cd", ""},   /* [: that is no POSIX class: the class ends at ] */
	    {"[[:alpha:]]cd", "cd"},
	    {"([[.a.]])bc", ""}, /* [. in a class in a group: nothing trusted, and done */
	    {"", ""},
	    {".*", ""},
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = rx_literal_required(cases[i].pattern, 0, out, sizeof out);

		if (strcmp(out, cases[i].want) != 0 || n != strlen(cases[i].want))
			fail_msg("pattern %s: literal \"%s\", want \"%s\"", cases[i].pattern, out,
			         cases[i].want);
	}
	/* Caseless: none; too small a buffer: none. */
	assert_int_equal(rx_literal_required("漏水", RX_CASELESS, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(rx_literal_required("漏水", 0, out, 4), 0);
	assert_int_equal(rx_literal_required("漏水", 0, out, 7), 6);
	/* What the patterns match contains their literal. */
	assert_int_equal(test_rx_m("(漏|渗)水", 0, "卫生间渗水"), 1);
	assert_int_equal(test_rx_m("abc{0,2}x", 0, "abx"), 1);
	assert_int_equal(test_rx_m("abc{,2}x", 0, "abx") + test_rx_m("abc{,2}x", 0, "abc{,2}x"), 1);
	assert_int_equal(test_rx_m("1\\.5 元", 0, "单价 1.5 元"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rx_chinese),      cmocka_unit_test(test_rx_caseless),
	    cmocka_unit_test(test_rx_catastrophic), cmocka_unit_test(test_rx_bad_utf8),
	    cmocka_unit_test(test_rx_bad_pattern),  cmocka_unit_test(test_rx_strerror),
	    cmocka_unit_test(test_rx_literal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
