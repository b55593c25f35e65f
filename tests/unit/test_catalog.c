/* test_catalog — the catalogs of etc/ (shell/catalog/catalog.c): the real techniques.ini and
 * categories.ini loaded (counts, kinds, file order, Chinese and English names, guidance joined
 * from continuation lines, lookups by code); malformed files refused with "FILE:LINE: reason"
 * (a code given twice, a missing name, bad code characters, an unknown setting, a bad kind,
 * text that is not UTF-8, a syntax error) and the first error the one reported; reference
 * counting (catalog_ref / catalog_unref), also across the commands that borrow the host's
 * catalog. */
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
#include "testhost.h"

static struct catalog *test_catalog_etc(void)
{
	char dir[8192];
	struct catalog *c = NULL;
	char *err = NULL;

	testhost_etc(dir, sizeof dir);
	if (catalog_load(dir, &c, &err) != 0)
		fail_msg("catalog_load(%s): %s", dir, err);
	assert_null(err);
	assert_non_null(c);
	return c;
}

static void test_catalog_real_files(void **state)
{
	static const char *const codes[] = {"persuade",  "empathy",  "dialect",  "smalltalk",
	                                    "interests", "stepback", "patience", "leave-scene",
	                                    "sit-down",  "distance"};
	static const char *const cats[] = {"repairs",    "noise",   "fees",     "security",
	                                   "sanitation", "parking", "greening", "neighbours",
	                                   "decoration", "other"};
	struct catalog *c = test_catalog_etc();
	const struct catalog_item *it;
	size_t i, verbal = 0, nonverbal = 0;

	(void)state;
	assert_int_equal(c->refs, 1);
	/* Every section, in file order. */
	assert_int_equal(c->ntechniques, 10);
	assert_int_equal(c->ncategories, 10);
	for (i = 0; i < 10; i++) {
		assert_string_equal(c->techniques[i].code, codes[i]);
		assert_string_equal(c->categories[i].code, cats[i]);
		assert_int_equal(c->categories[i].kind, CATALOG_CATEGORY);
		assert_true(strlen(c->techniques[i].name_zh) > 0);
		assert_true(strlen(c->techniques[i].name_en) > 0);
		assert_true(strlen(c->techniques[i].guidance_zh) > 0);
		assert_true(strlen(c->techniques[i].guidance_en) > 0);
		/* Categories have no guidance: "" rather than NULL. */
		assert_string_equal(c->categories[i].guidance_zh, "");
		assert_string_equal(c->categories[i].guidance_en, "");
		if (c->techniques[i].kind == CATALOG_VERBAL)
			verbal++;
		else if (c->techniques[i].kind == CATALOG_NONVERBAL)
			nonverbal++;
	}
	assert_int_equal(verbal, 7);
	assert_int_equal(nonverbal, 3);

	/* Lookups by exact code, names in each language (anything but "zh": English). */
	it = catalog_technique(c, "empathy");
	assert_non_null(it);
	assert_ptr_equal(it, &c->techniques[1]);
	assert_int_equal(it->kind, CATALOG_VERBAL);
	assert_string_equal(catalog_name(it, "zh"), "换位思考法");
	assert_string_equal(catalog_name(it, "en"), "Put yourself in their place");
	assert_string_equal(catalog_name(it, NULL), "Put yourself in their place");
	assert_string_equal(catalog_name(it, "fr"), "Put yourself in their place");
	it = catalog_technique(c, "sit-down");
	assert_non_null(it);
	assert_int_equal(it->kind, CATALOG_NONVERBAL);
	assert_string_equal(catalog_name(it, "zh"), "请业主坐下");
	assert_string_equal(catalog_guidance(it, "zh"),
	                    "请业主坐下谈，坐姿能使人情绪放松、语气缓和；可奉上一杯茶水。");
	assert_string_equal(catalog_guidance(it, "en"),
	                    "Ask the owner to sit down: sitting relaxes people and softens their "
	                    "tone. Offer a cup of tea.");
	/* Continuation lines: Chinese joined as they are, English with a space. */
	it = catalog_technique(c, "persuade");
	assert_non_null(it);
	assert_non_null(strstr(catalog_guidance(it, "zh"), "此法单独使用往往收效甚微，宜与"));
	assert_non_null(strstr(catalog_guidance(it, "en"), "Used alone it rarely works: combine"));
	assert_null(strstr(catalog_guidance(it, "en"), "  "));
	it = catalog_category(c, "repairs");
	assert_non_null(it);
	assert_string_equal(catalog_name(it, "zh"), "报修");
	assert_string_equal(catalog_name(it, "en"), "Repairs");
	it = catalog_category(c, "neighbours");
	assert_non_null(it);
	assert_string_equal(catalog_name(it, "zh"), "邻里纠纷");
	/* Unknown codes, codes of the other list, case and NULL: none. */
	assert_null(catalog_technique(c, "shouting"));
	assert_null(catalog_technique(c, "Empathy"));
	assert_null(catalog_technique(c, "empath"));
	assert_null(catalog_technique(c, "repairs"));
	assert_null(catalog_category(c, "empathy"));
	assert_null(catalog_technique(c, NULL));
	assert_null(catalog_category(c, NULL));
	/* The real etc/ has suggestion rules too. */
	assert_non_null(c->rules);
	catalog_unref(c);
}

/* ---- malformed files ------------------------------------------------------------------------- */

static const char test_catalog_good_tech[] = "[empathy]\nkind = verbal\nname_zh = 换位思考法\n"
                                             "name_en = Put yourself in their place\n";
static const char test_catalog_good_cat[] = "[repairs]\nname_zh = 报修\nname_en = Repairs\n";

/* Loads a directory with these two files (NULL: the file is missing): 0, or -1 with the
 * error, which must then be exactly DIR/want (want starts with the file's name). */
/* What users type finds the item: its code in any case or width, or its name as the screens
 * show it, in Chinese or English; nothing else does. */
static void test_catalog_typed_names_and_codes(void **state)
{
	struct catalog *c = test_catalog_etc();

	(void)state;
	assert_string_equal(catalog_category_typed(c, "repairs")->code, "repairs");
	assert_string_equal(catalog_category_typed(c, "报修")->code, "repairs");
	assert_string_equal(catalog_category_typed(c, " 噪音　")->code, "noise");
	assert_string_equal(catalog_category_typed(c, "ＮＯＩＳＥ")->code, "noise");
	assert_string_equal(catalog_technique_typed(c, "换位思考法")->code, "empathy");
	assert_string_equal(catalog_technique_typed(c, "put yourself in their place")->code,
	                    "empathy");
	assert_string_equal(catalog_technique_typed(c, "Leave-Scene")->code, "leave-scene");
	assert_null(catalog_category_typed(c, "换位思考法")); /* a technique, not a category */
	assert_null(catalog_technique_typed(c, "报修"));
	assert_null(catalog_technique_typed(c, "换位"));
	assert_null(catalog_technique_typed(c, ""));
	assert_null(catalog_technique_typed(c, NULL));
	catalog_unref(c);
}

static void test_catalog_expect(const char *tech, const char *cat, const char *want)
{
	char dir[64], full[512];
	struct catalog *c = NULL;
	char *err = NULL;
	int rc;

	assert_int_equal(testhost_tmpdir_make(dir, sizeof dir, "test_catalog"), 0);
	if (tech != NULL)
		testhost_file_write(dir, "techniques.ini", tech);
	if (cat != NULL)
		testhost_file_write(dir, "categories.ini", cat);
	rc = catalog_load(dir, &c, &err);
	if (want == NULL) {
		if (rc != 0)
			fail_msg("refused: %s", err);
		assert_null(err);
		catalog_unref(c);
	} else {
		snprintf(full, sizeof full, "%s/%s", dir, want);
		if (rc == 0)
			fail_msg("loaded, but expected: %s", full);
		assert_int_equal(rc, -1);
		assert_non_null(err);
		if (strcmp(err, full) != 0)
			fail_msg("error\n  \"%s\"\nexpected\n  \"%s\"", err, full);
		free(err);
	}
	testhost_tmpdir_remove(dir);
}

static void test_catalog_malformed(void **state)
{
	(void)state;
	/* The two good files load (the fixture itself is right). */
	test_catalog_expect(test_catalog_good_tech, test_catalog_good_cat, NULL);

	/* A code given twice: the second section is refused, at its header's line. */
	test_catalog_expect(
	    "[empathy]\nname_zh = 甲\nname_en = A\n"
	    "[dialect]\nname_zh = 乙\nname_en = B\n"
	    "[empathy]\nname_zh = 丙\nname_en = C\n",
	    test_catalog_good_cat,
	    "techniques.ini:7: [empathy]: the code is given twice (first on line 1)");
	/* Also when the two sections follow each other. */
	test_catalog_expect(
	    test_catalog_good_tech, "[repairs]\nname_zh = 报修\n[repairs]\nname_en = Repairs\n",
	    "categories.ini:3: [repairs]: the code is given twice (first on line 1)");
	/* A byte-order mark before the first section does not move its line. */
	test_catalog_expect(
	    "\xef\xbb\xbf[empathy]\nname_zh = 甲\nname_en = A\n[empathy]\n"
	    "kind = verbal\n",
	    test_catalog_good_cat,
	    "techniques.ini:4: [empathy]: the code is given twice (first on line 1)");
	/* A setting given twice in one section. */
	test_catalog_expect(
	    "[empathy]\nkind = verbal\nname_zh = 甲\nname_en = A\nkind = nonverbal\n",
	    test_catalog_good_cat, "techniques.ini:5: [empathy] kind given twice");
	test_catalog_expect("[empathy]\nname_zh = 甲\nname_en = A\nname_zh = 乙\n",
	                    test_catalog_good_cat,
	                    "techniques.ini:4: [empathy] name_zh given twice");
	/* A missing name: the line of the section. */
	test_catalog_expect(
	    test_catalog_good_tech,
	    "[repairs]\nname_zh = 报修\nname_en = Repairs\n\n[noise]\nname_zh = 噪音\n",
	    "categories.ini:5: [noise] needs name_zh and name_en");
	test_catalog_expect("; comment\n[empathy]\nkind = verbal\nname_en = Empathy\n",
	                    test_catalog_good_cat,
	                    "techniques.ini:2: [empathy] needs name_zh and name_en");
	/* Bad code characters: upper case, '_', a leading digit, a space, too long. */
	test_catalog_expect("[Empathy]\nname_zh = 甲\nname_en = A\n", test_catalog_good_cat,
	                    "techniques.ini:2: [Empathy]: a code is a-z, 0-9 and '-', starting "
	                    "with a letter");
	test_catalog_expect(test_catalog_good_tech,
	                    "[road_works]\nname_zh = 修路\nname_en = Road\n",
	                    "categories.ini:2: [road_works]: a code is a-z, 0-9 and '-', starting "
	                    "with a letter");
	test_catalog_expect(test_catalog_good_tech, "[9lives]\nname_zh = 猫\nname_en = Cat\n",
	                    "categories.ini:2: [9lives]: a code is a-z, 0-9 and '-', starting "
	                    "with a letter");
	test_catalog_expect(test_catalog_good_tech, "[pest control]\nname_zh = 虫\nname_en = Pe\n",
	                    "categories.ini:2: [pest control]: a code is a-z, 0-9 and '-', "
	                    "starting with a letter");
	test_catalog_expect(
	    test_catalog_good_tech,
	    "[abcdefghijklmnopqrstuvwxyz0123456]\nname_zh = 长\nname_en = Long\n",
	    "categories.ini:2: [abcdefghijklmnopqrstuvwxyz0123456]: a code is a-z, 0-9 and '-', "
	    "starting with a letter");
	/* 32 characters is the longest code. */
	test_catalog_expect(test_catalog_good_tech,
	                    "[abcdefghijklmnopqrstuvwxyz012345]\nname_zh = 长\nname_en = Long\n",
	                    NULL);
	/* A setting outside a section has no code. */
	test_catalog_expect(test_catalog_good_tech, "name_zh = 报修\n",
	                    "categories.ini:1: []: a code is a-z, 0-9 and '-', starting with a "
	                    "letter");
	/* Unknown settings, and settings of techniques in the categories. */
	test_catalog_expect("[empathy]\nkind = verbal\ncolour = red\nname_zh = 甲\nname_en = A\n",
	                    test_catalog_good_cat,
	                    "techniques.ini:3: [empathy]: unknown setting \"colour\"");
	test_catalog_expect(test_catalog_good_tech,
	                    "[repairs]\nname_zh = 报修\nname_en = Repairs\nguidance_zh = 快修\n",
	                    "categories.ini:4: [repairs]: unknown setting \"guidance_zh\"");
	test_catalog_expect(test_catalog_good_tech,
	                    "[repairs]\nkind = verbal\nname_zh = 报修\nname_en = Repairs\n",
	                    "categories.ini:2: [repairs]: unknown setting \"kind\"");
	/* A kind that is neither. */
	test_catalog_expect("[empathy]\nkind = loud\nname_zh = 甲\nname_en = A\n",
	                    test_catalog_good_cat,
	                    "techniques.ini:2: [empathy] kind must be verbal or nonverbal, not "
	                    "\"loud\"");
	/* Text that is not UTF-8 (GBK for 报修). */
	test_catalog_expect(test_catalog_good_tech, "[repairs]\nname_zh = \xb1\xa8\xd0\xde\n",
	                    "categories.ini:2: [repairs] name_zh is not valid UTF-8");
	/* A line that is neither a section nor a setting. */
	test_catalog_expect(test_catalog_good_tech, "[repairs]\nname_zh = 报修\nname_en\n",
	                    "categories.ini:3: syntax error (expected [code] or name = value)");
	/* The first error is the one reported. */
	test_catalog_expect("[empathy]\nname_zh = 甲\ncolour = red\nkind = loud\nname_en = A\n",
	                    test_catalog_good_cat,
	                    "techniques.ini:3: [empathy]: unknown setting \"colour\"");
	/* No entries, no file. */
	test_catalog_expect("; nothing yet\n", test_catalog_good_cat, "techniques.ini: no entries");
	test_catalog_expect(test_catalog_good_tech, NULL,
	                    "categories.ini: cannot open: No such file or directory");
}

/* Continuation lines: an indented line after a setting continues it, even when it looks like
 * a section; guidance may span lines; a BOM is skipped. */
static void test_catalog_continuation(void **state)
{
	char dir[64];
	struct catalog *c = NULL;
	const struct catalog_item *it;
	char *err = NULL;

	(void)state;
	assert_int_equal(testhost_tmpdir_make(dir, sizeof dir, "test_catalog"), 0);
	testhost_file_write(dir, "techniques.ini",
	                    "\xef\xbb\xbf; the handbook\n[empathy]\nkind = verbal\nname_zh = 甲\n"
	                    "name_en = A\nguidance_en = see\n  [the handbook]\n  chapter 2\n"
	                    "guidance_zh = 第一行\n  第二行\n\n[dialect]\nkind = nonverbal\n"
	                    "name_zh = 乙\nname_en = B\n");
	testhost_file_write(dir, "categories.ini", test_catalog_good_cat);
	if (catalog_load(dir, &c, &err) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(c->ntechniques, 2);
	it = catalog_technique(c, "empathy");
	assert_non_null(it);
	assert_string_equal(catalog_guidance(it, "en"), "see [the handbook] chapter 2");
	assert_string_equal(catalog_guidance(it, "zh"), "第一行第二行");
	it = catalog_technique(c, "dialect");
	assert_non_null(it);
	assert_int_equal(it->kind, CATALOG_NONVERBAL);
	assert_string_equal(catalog_guidance(it, "en"), "");
	catalog_unref(c);
	testhost_tmpdir_remove(dir);
}

/* ---- reference counting ---------------------------------------------------------------------- */

static void test_catalog_refs(void **state)
{
	struct catalog *c = test_catalog_etc();
	const struct catalog_item *it;

	(void)state;
	catalog_unref(NULL); /* nothing */
	assert_int_equal(c->refs, 1);
	catalog_ref(c);
	catalog_ref(c);
	assert_int_equal(c->refs, 3);
	catalog_unref(c);
	assert_int_equal(c->refs, 2);
	/* As on reload: the service drops its reference while a command still holds one; the
	 * catalog stays whole until the last reference goes (ASan would see a use after free). */
	catalog_unref(c);
	assert_int_equal(c->refs, 1);
	it = catalog_technique(c, "dialect");
	assert_non_null(it);
	assert_string_equal(catalog_name(it, "zh"), "入乡随俗法");
	catalog_unref(c);
}

/* Every command that borrows the host's catalog gives its reference back. */
static void test_catalog_refs_commands(void **state)
{
	static const char *const cmds[] = {
	    "technique list",
	    "technique show empathy",
	    "technique show nothing",
	    "unit history 1-1-101",
	    "report techniques",
	    "report techniques --category repairs",
	    "report techniques --category nothing",
	    "complaint list",
	    "complaint add --unit 1-1-101 --category repairs --technique empathy 漏水",
	    "complaint add --unit 1-1-101 --category plumbing --technique empathy 漏水",
	    "complaint list",
	    "unit history 1-1-101",
	    "report techniques --by agent",
	};
	struct testhost *th = testhost_new("test_catalog");
	struct shell_opts opts = testhost_opts;
	char etc[8192];
	size_t i;

	(void)state;
	assert_non_null(th);
	testhost_account_add(th, "sup1", "主管", ROLE_SUPERVISOR, "zh", NULL);
	testhost_etc(etc, sizeof etc);
	assert_int_equal(testhost_load_catalog(th, etc), 0);
	assert_int_equal(th->catalog->refs, 1);
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		testhost_exec(th, "sup1", TESTHOST_CATALOG | TESTHOST_WORK, &opts, cmds[i], NULL);
		if (th->catalog->refs != 1)
			fail_msg("after `%s`: %d references", cmds[i], th->catalog->refs);
	}
	/* The commands did run against the catalog. */
	testhost_exec(th, "sup1", TESTHOST_CATALOG | TESTHOST_WORK, &opts, "report techniques",
	              NULL);
	testhost_has(th, 1, "换位思考法");
	testhost_stop(th);
	assert_int_equal(th->catalog->refs, 1);
	testhost_free(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalog_real_files),
	    cmocka_unit_test(test_catalog_typed_names_and_codes),    cmocka_unit_test(test_catalog_malformed),
	    cmocka_unit_test(test_catalog_continuation),  cmocka_unit_test(test_catalog_refs),
	    cmocka_unit_test(test_catalog_refs_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
