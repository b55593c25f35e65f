/* test_suggest — the technique suggestion rules: the real etc/suggest.ini loaded with the real
 * catalogs (elderly caller → dialect and patience, angry → stepback and patience plus the
 * non-verbal measures in person, upset → empathy, fees, noise, repeated complaints, children),
 * deduplication in rule order, reasons in both languages; load errors (unknown code, bad
 * pattern with its offset, unknown field, incomplete rule) through catalog_load; a costly
 * pattern skipped while the other rules still answer; a catalog without suggest.ini. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "suggest.h"
#include "testhost.h"

static struct catalog *test_suggest_catalog(void)
{
	char dir[8192];
	struct catalog *c = NULL;
	char *err = NULL;

	testhost_etc(dir, sizeof dir);
	if (catalog_load(dir, &c, &err) != 0)
		fail_msg("catalog_load(%s): %s", dir, err);
	assert_non_null(c->rules);
	assert_true(suggest_rules_count(c->rules) >= 10);
	return c;
}

/* The suggested codes as "a,b,c". */
static char *test_suggest_codes(const struct catalog *c, const struct suggest_fields *f)
{
	struct suggestion *s = NULL;
	struct buf b;
	size_t n = 0, i, skipped = 99;

	assert_int_equal(suggest_run(c->rules, f, &s, &n, &skipped), 0);
	assert_int_equal(skipped, 0);
	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		buf_puts(&b, s[i].code);
		assert_non_null(s[i].rule);
		assert_true(strlen(suggest_reason(&s[i], "zh")) > 0);
		assert_true(strlen(suggest_reason(&s[i], "en")) > 0);
	}
	free(s);
	return buf_steal(&b);
}

static void test_suggest_expect(const struct catalog *c, const struct suggest_fields *f,
                                const char *want)
{
	char *got = test_suggest_codes(c, f);

	if (strcmp(got, want) != 0)
		fail_msg("suggested \"%s\", expected \"%s\"", got, want);
	free(got);
}

static void test_suggest_handbook_rules(void **state)
{
	struct catalog *c = test_suggest_catalog();
	struct suggest_fields f;

	(void)state;
	/* Elderly caller, by name or in the words. */
	f = (struct suggest_fields){.caller = "王大爷",
	                            .words = "门口路灯坏了",
	                            .mood = "calm",
	                            .relation = "owner",
	                            .channel = "phone",
	                            .category = "repairs"};
	test_suggest_expect(c, &f, "dialect,patience");
	f.caller = "张女士";
	f.words = "我奶奶一个人在家，电梯又坏了";
	test_suggest_expect(c, &f, "dialect,patience,stepback");
	f.words = "我已经退休了，腿脚不方便";
	test_suggest_expect(c, &f, "dialect,patience");
	/* A dialect named by the owner. */
	f.words = "门口路灯坏了";
	f.dialect = "粤语";
	test_suggest_expect(c, &f, "dialect");
	f.dialect = "";
	/* Angry on the phone; angry in person adds the non-verbal measures. */
	f.mood = "angry";
	test_suggest_expect(c, &f, "stepback,patience");
	f.channel = "visit";
	test_suggest_expect(c, &f, "stepback,patience,leave-scene,sit-down,distance");
	f.channel = "onsite";
	test_suggest_expect(c, &f, "stepback,patience,leave-scene,sit-down,distance");
	/* Upset: empathy, and a seat in person. */
	f.mood = "upset";
	test_suggest_expect(c, &f, "empathy,sit-down");
	f.channel = "phone";
	test_suggest_expect(c, &f, "empathy");
	/* Fees: by the words or the category; empathy once, in the first rule's place. */
	f.words = "物业费为什么又涨了";
	test_suggest_expect(c, &f, "empathy,persuade,stepback");
	f.mood = "calm";
	f.words = "违约金太高";
	test_suggest_expect(c, &f, "persuade,empathy");
	f.words = "想问一下";
	f.category = "fees";
	test_suggest_expect(c, &f, "persuade,empathy");
	/* Noise. */
	f.category = "noise";
	f.words = "楼上装修声太大";
	test_suggest_expect(c, &f, "empathy,smalltalk");
	/* Repeated complaints. */
	f.category = "repairs";
	f.words = "上周报修的水管还是没人来修";
	test_suggest_expect(c, &f, "stepback");
	f.words = "这是第三次打电话了";
	test_suggest_expect(c, &f, "stepback");
	/* Children. */
	f.words = "孩子要上学，早上电梯总是停";
	test_suggest_expect(c, &f, "interests");
	/* Nothing special: nothing suggested. */
	f.words = "地下车库车位被占用";
	f.category = "parking";
	test_suggest_expect(c, &f, "");
	/* English words, caseless. */
	f.caller = "Mr Lee";
	f.words = "My GRANDMA can't sleep, the NOISE at night";
	test_suggest_expect(c, &f, "dialect,patience,empathy,smalltalk");
	/* NULL fields are empty. */
	memset(&f, 0, sizeof f);
	test_suggest_expect(c, &f, "");
	catalog_unref(c);
}

static void test_suggest_reasons(void **state)
{
	struct catalog *c = test_suggest_catalog();
	struct suggest_fields f = {.caller = "李奶奶", .mood = "angry", .channel = "visit"};
	struct suggestion *s = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(suggest_run(c->rules, &f, &s, &n, NULL), 0);
	assert_int_equal(n, 6); /* dialect patience stepback leave-scene sit-down distance */
	assert_string_equal(s[0].code, "dialect");
	assert_string_equal(s[0].rule, "elderly-caller");
	assert_non_null(strstr(suggest_reason(&s[0], "zh"), "老年"));
	assert_non_null(strstr(suggest_reason(&s[0], "en"), "elderly"));
	/* A continued English reason is joined with a space. */
	assert_non_null(strstr(suggest_reason(&s[0], "en"), "slow down and listen"));
	assert_string_equal(s[2].code, "stepback");
	assert_string_equal(s[2].rule, "angry");
	assert_string_equal(s[3].code, "leave-scene");
	assert_non_null(strstr(suggest_reason(&s[3], "zh"), "1.5 米"));
	free(s);
	catalog_unref(c);
}

/* A temporary catalog directory: the real techniques and categories and the given rules. */
struct test_suggest_dir {
	char path[64];
};

static void test_suggest_dir_make(struct test_suggest_dir *d, const char *rules)
{
	char etc[8192];

	assert_int_equal(testhost_tmpdir_make(d->path, sizeof d->path, "test_suggest"), 0);
	testhost_etc(etc, sizeof etc);
	testhost_file_copy(etc, d->path, "techniques.ini");
	testhost_file_copy(etc, d->path, "categories.ini");
	if (rules != NULL)
		testhost_file_write(d->path, "suggest.ini", rules);
}

static void test_suggest_dir_remove(struct test_suggest_dir *d)
{
	testhost_tmpdir_remove(d->path);
}

/* catalog_load of rules must fail with a message containing want. */
static void test_suggest_bad(const char *rules, const char *want)
{
	struct test_suggest_dir d;
	struct catalog *c = NULL;
	char *err = NULL;

	test_suggest_dir_make(&d, rules);
	assert_int_equal(catalog_load(d.path, &c, &err), -1);
	assert_null(c);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	free(err);
	test_suggest_dir_remove(&d);
}

#define TEST_SUGGEST_TAIL "suggest = empathy\nreason_zh = 理由\nreason_en = why\n"

static void test_suggest_load_errors(void **state)
{
	(void)state;
	test_suggest_bad(
	    "[r1]\nfield = words\npattern = x\nsuggest = empathy,hug\nreason_zh = 理由\n"
	    "reason_en = why\n",
	    "[r1] suggests \"hug\", which is not in the techniques catalog");
	test_suggest_bad("[r1]\nfield = words\npattern = 漏水(\n" TEST_SUGGEST_TAIL,
	                 "suggest.ini:3: [r1] pattern: at offset 3: missing closing parenthesis");
	test_suggest_bad("[r1]\nfield = words,feelings\npattern = x\n" TEST_SUGGEST_TAIL,
	                 "suggest.ini:2: [r1] field: unknown field \"feelings\"");
	test_suggest_bad("[r1]\nfield = words\npattern = x\nsuggest = empathy\nreason_zh = 理由\n",
	                 "[r1] needs field, pattern, suggest, reason_zh and reason_en");
	test_suggest_bad("[r1]\nfield = words\npattern = x\nand_field = mood\n" TEST_SUGGEST_TAIL,
	                 "[r1] and_field and and_pattern go together");
	test_suggest_bad("[r1]\nfield = words\npattern = x\ncolour = red\n" TEST_SUGGEST_TAIL,
	                 "suggest.ini:4: [r1]: unknown setting \"colour\"");
	test_suggest_bad("[r1]\nfield = words\npattern = x\npattern = y\n" TEST_SUGGEST_TAIL,
	                 "suggest.ini:4: [r1] pattern given twice");
	test_suggest_bad("field = words\n", "a setting outside a [rule] section");
	test_suggest_bad("[r1]\nfield = words\npattern = x\nsuggest = , ,\n",
	                 "[r1] suggest is empty");
}

static void test_suggest_costly_rule_skipped(void **state)
{
	struct test_suggest_dir d;
	struct catalog *c = NULL;
	struct suggestion *s = NULL;
	struct suggest_fields f = {0};
	char *err = NULL, words[64];
	size_t n = 0, skipped = 0;

	(void)state;
	test_suggest_dir_make(&d,
	                      "[costly]\nfield = words\npattern = (a+)+$\nsuggest = stepback\n"
	                      "reason_zh = 甲\nreason_en = a\n"
	                      "[cheap]\nfield = words\npattern = a\nsuggest = empathy,stepback\n"
	                      "reason_zh = 乙\nreason_en = b\n");
	assert_int_equal(catalog_load(d.path, &c, &err), 0);
	assert_int_equal(suggest_rules_count(c->rules), 2);
	memset(words, 'a', 30);
	strcpy(words + 30, "b");
	f.words = words;
	assert_int_equal(suggest_run(c->rules, &f, &s, &n, &skipped), 0);
	assert_int_equal(skipped, 1);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].code, "empathy");
	assert_string_equal(s[1].code, "stepback");
	assert_string_equal(s[1].rule, "cheap");
	free(s);
	/* Without the costly subject the first rule gives stepback its reason. */
	f.words = "aaa";
	assert_int_equal(suggest_run(c->rules, &f, &s, &n, &skipped), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].code, "stepback");
	assert_string_equal(suggest_reason(&s[0], "zh"), "甲");
	free(s);
	catalog_unref(c);
	test_suggest_dir_remove(&d);
}

static void test_suggest_no_rules_file(void **state)
{
	struct test_suggest_dir d;
	struct catalog *c = NULL;
	struct suggestion *s = NULL;
	struct suggest_fields f = {.words = "老人", .mood = "angry"};
	char *err = NULL;
	size_t n = 7;

	(void)state;
	test_suggest_dir_make(&d, NULL);
	assert_int_equal(catalog_load(d.path, &c, &err), 0);
	assert_null(c->rules);
	assert_int_equal(suggest_rules_count(c->rules), 0);
	assert_int_equal(suggest_run(c->rules, &f, &s, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(s);
	catalog_unref(c);
	assert_int_equal(suggest_run(NULL, &f, &s, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(s);
	test_suggest_dir_remove(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_suggest_handbook_rules),
	    cmocka_unit_test(test_suggest_reasons),
	    cmocka_unit_test(test_suggest_load_errors),
	    cmocka_unit_test(test_suggest_costly_rule_skipped),
	    cmocka_unit_test(test_suggest_no_rules_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
