/* test_checklist — the quality checklist (shell/catalog/checklist.c): the shipped
 * etc/checklist.ini parses with every item the issue names (the six attitudes with honesty and
 * courtesy critical, the four qualities, the competencies over a period), both languages, joined
 * continuation lines; malformed text refused with "NAME:LINE: reason" at the right line;
 * answers parsed per scale; the score Σ(points × weight) / Σ(5 × weight) with N/A left out, a
 * critical failure failing whatever the score, and the pass mark exact. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "checklist.h"
#include "testhost.h"

static struct checklist *test_checklist_ok(const char *text)
{
	struct checklist *c = NULL;
	char *err = NULL;

	if (checklist_parse(text, strlen(text), "t.ini", &c, &err) != 0)
		fail_msg("checklist_parse: %s", err);
	return c;
}

/* The error of parsing text, which must fail. Caller frees. */
static char *test_checklist_err(const char *text)
{
	struct checklist *c = NULL;
	char *err = NULL;

	assert_int_equal(checklist_parse(text, strlen(text), "t.ini", &c, &err), -1);
	assert_null(c);
	assert_non_null(err);
	return err;
}

#define HEAD "[checklist]\nname_zh = 表\nname_en = List\npass = 80\n"
#define SEC "[section s]\nname_zh = 甲\nname_en = A\n"

static void test_checklist_shipped(void **state)
{
	static const char *const codes[] = {
	    "respect",        "warmth",        "honesty",      "courtesy",  "flexibility",
	    "responsibility", "enthusiasm",    "coordination", "knowledge", "patience",
	    "character",      "psychological", "skills"};
	char dir[8192];
	struct catalog *cat = NULL;
	const struct checklist_item *it;
	struct checklist *c;
	char *err = NULL;
	size_t i;

	(void)state;
	testhost_etc(dir, sizeof dir);
	if (catalog_load(dir, &cat, &err) != 0)
		fail_msg("catalog_load: %s", err);
	c = cat->checklist;
	assert_non_null(c);
	assert_int_equal(c->pass_pct, 80);
	assert_int_equal(c->dispute_days, 14);
	assert_int_equal(c->nsections, 3);
	assert_int_equal(c->nitems, sizeof codes / sizeof codes[0]);
	for (i = 0; i < c->nitems; i++) {
		assert_string_equal(c->items[i].code, codes[i]);
		assert_true(strlen(c->items[i].text_zh) > 0);
		assert_true(strlen(c->items[i].text_en) > 0);
		assert_int_equal(c->items[i].scope,
		                 i >= 10 ? CHECKLIST_PERIOD : CHECKLIST_COMPLAINT);
	}
	assert_int_equal(checklist_count(c, CHECKLIST_COMPLAINT), 10);
	assert_int_equal(checklist_count(c, CHECKLIST_PERIOD), 3);
	it = checklist_item(c, "honesty", &i);
	assert_int_equal(i, 2);
	assert_true(it->critical);
	assert_false(it->na);
	assert_int_equal(it->link, CHECKLIST_LINK_PROMISES);
	assert_non_null(strstr(it->text_zh, "说到就要做到"));
	/* Continuation lines: Chinese joined as is, English with a space. */
	assert_non_null(strstr(it->guide_zh, "承诺台账"));
	assert_non_null(strstr(it->text_en, "No promise was made that cannot be kept"));
	assert_true(checklist_item(c, "courtesy", NULL)->critical);
	assert_non_null(strstr(checklist_item(c, "courtesy", NULL)->text_zh, "讽刺"));
	assert_false(checklist_item(c, "respect", NULL)->critical);
	assert_int_equal(checklist_item(c, "patience", NULL)->scale, CHECKLIST_FIVE);
	assert_string_equal(checklist_section_name(&c->sections[0], "zh"), "六种态度");
	/* The text as read is kept, for the store to pin. */
	assert_non_null(strstr(c->text, "[item skills]"));
	assert_int_equal(c->len, strlen(c->text));
	catalog_unref(cat);
}

static void test_checklist_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"", "t.ini:1: no [checklist] section"},
	    {HEAD SEC, "no [item CODE] sections"},
	    {"[checklist]\nname_zh = 表\n", "t.ini:1: [checklist] needs name_zh, name_en and pass"},
	    {HEAD "pass = 70\n", "t.ini:5: [checklist] pass given twice"},
	    {"[checklist]\npass = 101\n", "t.ini:2: [checklist] pass is a percentage"},
	    {HEAD SEC "[item a]\nsection = s\ntext_zh = 甲\ntext_en = A\nscale = yesno\n",
	     "t.ini:8: [item a] needs section, text_zh, text_en, scale and weight"},
	    {HEAD SEC
	     "[item a]\nsection = t\ntext_zh = 甲\ntext_en = A\nscale = yesno\nweight = 1\n",
	     "t.ini:8: [item a]: no [section t]"},
	    {HEAD SEC "[item a]\nscale = 1-10\n", "t.ini:9: [item a] scale is yesno or 1-5"},
	    {HEAD SEC "[item a]\nweight = 11\n", "t.ini:9: [item a] weight is 1 to 10"},
	    {HEAD SEC "[item a]\ncritical = maybe\n", "t.ini:9: [item a] critical is yes or no"},
	    {HEAD SEC "[item a]\nlink = phone\n", "t.ini:9: [item a] link is none"},
	    {HEAD SEC "[item a]\ncolour = red\n", "t.ini:9: [item a]: unknown setting \"colour\""},
	    {HEAD SEC "[item A]\nweight = 1\n", "t.ini:8: [item A]: a code is a-z"},
	    {HEAD SEC "[item a]\nweight = 1\n[item a]\nweight = 2\n",
	     "t.ini:10: [item a]: the code is given twice (first on line 8)"},
	    {HEAD "[other]\nx = 1\n", "t.ini:5: [other]: sections are"},
	    {HEAD "name_en\n", "t.ini:5: syntax error"},
	    {HEAD SEC "[item a]\ntext_en = \xff\n", "t.ini:9: [item a] text_en is not valid UTF-8"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = test_checklist_err(cases[i].text);

		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, cases[i].want);
		free(err);
	}
}

static void test_checklist_long_line_and_nul(void **state)
{
	struct checklist *c = NULL;
	char text[600], *err = NULL;
	static const char nul[] = HEAD "x = a\0b\n";

	(void)state;
	snprintf(text, sizeof text, "%s[section s]\nname_zh = %0250d\n", HEAD, 1);
	err = test_checklist_err(text);
	assert_non_null(strstr(err, "t.ini:6: the line is longer than 200 bytes"));
	free(err);
	/* A NUL byte inside: reported at its line, not read past. */
	assert_int_equal(checklist_parse(nul, sizeof nul - 1, "t.ini", &c, &err), -1);
	assert_non_null(strstr(err, "t.ini:5: a NUL byte"));
	free(err);
}

static const char test_checklist_small[] =
    HEAD SEC "[item a]\nsection = s\ntext_zh = 甲\ntext_en = A\nscale = yesno\nweight = 2\n"
             "[item b]\nsection = s\ntext_zh = 乙\ntext_en = B\nscale = 1-5\nweight = 1\n"
             "[item c]\nsection = s\ntext_zh = 丙\ntext_en = C\nscale = yesno\nweight = 3\n"
             "critical = yes\nna = no\n"
             "[item d]\nsection = s\ntext_zh = 丁\ntext_en = D\nscale = 1-5\nweight = 1\n"
             "scope = period\n";

static void test_checklist_answers(void **state)
{
	struct checklist *c = test_checklist_ok(test_checklist_small);
	int v = 99;
	char tmp[8];

	(void)state;
	assert_int_equal(checklist_answer_parse(&c->items[0], "y", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(checklist_answer_parse(&c->items[0], "否", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(checklist_answer_parse(&c->items[0], "3", &v), -1);
	assert_int_equal(checklist_answer_parse(&c->items[0], "不适用", &v), 0);
	assert_int_equal(v, CHECKLIST_NA);
	assert_int_equal(checklist_answer_parse(&c->items[1], "4", &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(checklist_answer_parse(&c->items[1], "6", &v), -1);
	assert_int_equal(checklist_answer_parse(&c->items[1], "0", &v), -1);
	assert_int_equal(checklist_answer_parse(&c->items[1], "y", &v), -1);
	/* c allows no N/A. */
	assert_int_equal(checklist_answer_parse(&c->items[2], "na", &v), -1);
	assert_string_equal(checklist_answer_label(&c->items[0], 1, "zh", tmp, sizeof tmp), "是");
	assert_string_equal(checklist_answer_label(&c->items[1], 4, "en", tmp, sizeof tmp), "4");
	checklist_free(c);
}

static void test_checklist_scoring(void **state)
{
	struct checklist *c = test_checklist_ok(test_checklist_small);
	struct checklist_score s;
	int answers[4];

	(void)state;
	/* a yes (5×2), b 3 (3×1), c yes (5×3); d is of the period scope: left out. */
	answers[0] = 1;
	answers[1] = 3;
	answers[2] = 1;
	answers[3] = 1;
	checklist_score(c, CHECKLIST_COMPLAINT, answers, &s);
	assert_int_equal(s.earned, 10 + 3 + 15);
	assert_int_equal(s.possible, 10 + 5 + 15);
	assert_int_equal(s.answered, 3);
	assert_int_equal(s.pct_x10, 933); /* 28 / 30 */
	assert_int_equal(s.critical_failed, 0);
	assert_true(s.passed);
	/* N/A is left out of both sums. */
	answers[1] = CHECKLIST_NA;
	checklist_score(c, CHECKLIST_COMPLAINT, answers, &s);
	assert_int_equal(s.earned, 25);
	assert_int_equal(s.possible, 25);
	assert_int_equal(s.pct_x10, 1000);
	/* A critical failure fails whatever the score. */
	answers[0] = 1;
	answers[1] = 5;
	answers[2] = 0;
	checklist_score(c, CHECKLIST_COMPLAINT, answers, &s);
	assert_int_equal(s.earned, 15);
	assert_int_equal(s.critical_failed, 1);
	assert_false(s.passed);
	/* The pass mark is exact: 24/30 = 80% passes, 23/30 does not. */
	answers[0] = 0; /* 0×2 */
	answers[1] = 4; /* 4×1 */
	answers[2] = 1; /* 5×3 */
	checklist_score(c, CHECKLIST_COMPLAINT, answers, &s);
	assert_int_equal(s.earned, 19);
	assert_false(s.passed);
	answers[0] = 1;
	answers[1] = 1;
	checklist_score(c, CHECKLIST_COMPLAINT, answers, &s);
	assert_int_equal(s.earned, 26);
	assert_true(s.passed);
	/* Nothing answered: no score, not passed. */
	answers[0] = answers[1] = CHECKLIST_NA;
	answers[2] = CHECKLIST_NA;
	checklist_score(c, CHECKLIST_COMPLAINT, answers, &s);
	assert_int_equal(s.possible, 0);
	assert_false(s.passed);
	/* The period scope scores d alone. */
	answers[3] = 4;
	checklist_score(c, CHECKLIST_PERIOD, answers, &s);
	assert_int_equal(s.earned, 4);
	assert_int_equal(s.possible, 5);
	checklist_free(c);
}

static void test_checklist_kappa(void **state)
{
	/* Two raters over 10 items: 7 agreements. pA(yes) = .6, pB(yes) = .5: pe = .3 + .2 = .5,
	 * kappa = (.7 - .5) / .5 = .4. */
	static const int a[] = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
	static const int b[] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 1};
	static const int same[] = {3, 3, 3};
	double k = 0;

	(void)state;
	assert_int_equal(checklist_kappa(a, b, 10, &k), 0);
	assert_true(k > 0.3999 && k < 0.4001);
	assert_int_equal(checklist_kappa(a, a, 10, &k), 0);
	assert_true(k > 0.9999);
	assert_int_equal(checklist_kappa(same, same, 3, &k), -1);
	assert_true(k > 0.9999);
	assert_int_equal(checklist_kappa(a, b, 0, &k), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_checklist_shipped),
	    cmocka_unit_test(test_checklist_errors),
	    cmocka_unit_test(test_checklist_long_line_and_nul),
	    cmocka_unit_test(test_checklist_answers),
	    cmocka_unit_test(test_checklist_scoring),
	    cmocka_unit_test(test_checklist_kappa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
