/* test_movein_rules — etc/movein.ini's parser: the real file, fee computation in fen (area
 * rounding, months, the ground-floor exemption), floors from unit codes, and bad input refused
 * with its file and line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "movein_rules.h"
#include "testhost.h"

static void test_mr_expect_error(const char *text, const char *want)
{
	struct movein_rules *r = NULL;
	char *err = NULL;

	assert_int_equal(movein_rules_parse("m.ini", text, &r, &err), -1);
	assert_null(r);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	free(err);
}

static void test_mr_real_file(void **state)
{
	const struct movein_rules_entry *e;
	struct movein_rules *r = NULL;
	char etc[4096], path[4200], *err = NULL;

	(void)state;
	testhost_etc(etc, sizeof etc);
	snprintf(path, sizeof path, "%s/movein.ini", etc);
	assert_int_equal(movein_rules_load(path, &r, &err), 0);
	assert_null(err);
	assert_int_equal(r->n[MOVEIN_RULES_DOC], 9);
	assert_int_equal(r->n[MOVEIN_RULES_FORM], 5);
	assert_int_equal(r->n[MOVEIN_RULES_FEE], 4);
	assert_true(r->n[MOVEIN_RULES_ITEM] >= 7);
	e = movein_rules_find(r, MOVEIN_RULES_DOC, "settlement");
	assert_non_null(e);
	assert_int_equal(e->housing, MOVEIN_RULES_RESETTLEMENT);
	assert_string_equal(movein_rules_name(e, "zh"), "政府安置清单");
	assert_string_equal(movein_rules_name(e, "en"), "government settlement list");
	e = movein_rules_find(r, MOVEIN_RULES_DOC, "id_card");
	assert_int_equal(e->housing, MOVEIN_RULES_COMMERCIAL | MOVEIN_RULES_RESETTLEMENT);
	/* 98.5 m²: maintenance 30.00/m² = 2955.00; property 2.50/m²/month x 3 = 738.75;
	 * elevator 0.30 x 3 = 88.65 (none on the ground floor); garbage 10.00 x 3 = 30.00. */
	assert_int_equal(movein_rules_fee_due(movein_rules_find(r, MOVEIN_RULES_FEE, "maintenance"),
	                                      98.5, false),
	                 295500);
	assert_int_equal(movein_rules_fee_due(movein_rules_find(r, MOVEIN_RULES_FEE, "property"), 98.5,
	                                      false),
	                 73875);
	assert_int_equal(movein_rules_fee_due(movein_rules_find(r, MOVEIN_RULES_FEE, "elevator"), 98.5,
	                                      false),
	                 8865);
	assert_int_equal(movein_rules_fee_due(movein_rules_find(r, MOVEIN_RULES_FEE, "elevator"), 98.5,
	                                      true),
	                 0);
	assert_int_equal(movein_rules_fee_due(movein_rules_find(r, MOVEIN_RULES_FEE, "garbage"), 98.5,
	                                      true),
	                 3000);
	assert_null(movein_rules_find(r, MOVEIN_RULES_FEE, "nope"));
	movein_rules_free(r);
}

static void test_mr_fee_rounding(void **state)
{
	struct movein_rules *r = NULL;
	char *err = NULL;

	(void)state;
	assert_int_equal(movein_rules_parse("m.ini",
	                                    "[fee a]\nzh = 甲\nen = a\nper_m2 = 0.33\n"
	                                    "[fee b]\nzh = 乙\nen = b\nper_m2_month = 1.5\nmonths = 12\n",
	                                    &r, &err),
	                 0);
	/* 89.99 m² x 0.33 = 29.6967 yuan: 2970 fen. */
	assert_int_equal(movein_rules_fee_due(&r->e[MOVEIN_RULES_FEE][0], 89.99, false), 2970);
	/* 1.50 x 89.99 x 12 = 1619.82 */
	assert_int_equal(movein_rules_fee_due(&r->e[MOVEIN_RULES_FEE][1], 89.99, false), 161982);
	movein_rules_free(r);
}

static void test_mr_floor(void **state)
{
	(void)state;
	assert_int_equal(movein_rules_floor("3-2-1201"), 12);
	assert_int_equal(movein_rules_floor("3-2-101"), 1);
	assert_int_equal(movein_rules_floor("12"), 0);
	assert_int_equal(movein_rules_floor("3栋2单元"), 0);
	assert_int_equal(movein_rules_floor(NULL), 0);
}

static void test_mr_errors(void **state)
{
	(void)state;
	test_mr_expect_error("[fee x]\nzh = a\nen = b\nper_m2 = 1.234\n", "m.ini:4: per_m2");
	test_mr_expect_error("[fee x]\nzh = a\nen = b\n", "m.ini:1: [fee x] needs a rate");
	test_mr_expect_error("; c\n[room x]\nzh = a\n", "m.ini:3: section [room x]: unknown kind");
	test_mr_expect_error("[document X]\nzh = a\n", "m.ini:2:");
	test_mr_expect_error("[document a]\nzh = a\nen = b\nhousing = villa\n",
	                     "m.ini:4: housing = `villa`");
	test_mr_expect_error("[document a]\nzh = a\nen = b\n", "[document a] needs housing");
	test_mr_expect_error("[item a]\nzh = a\n", "m.ini:1: [item a] needs zh = and en =");
	test_mr_expect_error("[item a]\nzh = a\nen = b\ncolour = red\n",
	                     "m.ini:4: unknown setting `colour`");
	test_mr_expect_error("zh = a\n", "m.ini:1: `zh` before the first");
	test_mr_expect_error("[item a\nzh = a\n", "m.ini:1:");
	test_mr_expect_error("[fee x]\nzh = a\nen = b\nper_month = 1\nmonths = 0\n",
	                     "m.ini:5: months");
	test_mr_expect_error("[item a]\nzh = a\nen = b\n[form b]\nzh = c\nen = d\n[item a]\nzh = e\n",
	                     "m.ini:8: section [item a] is given twice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mr_real_file),
	    cmocka_unit_test(test_mr_fee_rounding),
	    cmocka_unit_test(test_mr_floor),
	    cmocka_unit_test(test_mr_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
