/* test_table — tables aligned in display columns (CJK takes two), cells sanitized, long cells
 * cut at a display width with "…", no trailing spaces. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "table.h"
#include "utf8.h"

static void test_table_cjk_alignment(void **state)
{
	static const char *const hdr[] = {"账号", "姓名", "ROLE"};
	static const char *const r1[] = {"wangxm", "王小明", "agent"};
	static const char *const r2[] = {"li", "Li Lei", NULL};
	struct table *t = table_new(3, hdr);
	struct buf out;

	(void)state;
	buf_init(&out);
	table_add_row(t, r1);
	table_add_row(t, r2);
	assert_int_equal(table_rows(t), 2);
	table_render(t, &out);
	assert_string_equal(out.data, "账号    姓名    ROLE\n"
	                              "---------------------\n"
	                              "wangxm  王小明  agent\n"
	                              "li      Li Lei\n");
	table_free(t);
	table_free(NULL);
	buf_free(&out);
}

static void test_table_sanitize_and_cut(void **state)
{
	static const char *const hdr[] = {"A", "B"};
	static const char *const r1[] = {"x\x1b[31mred\x1b[0m\n2", "物业客服台管理"};
	struct table *t = table_new(2, hdr);
	struct buf out;

	(void)state;
	buf_init(&out);
	table_add_row(t, r1);
	table_set_max_width(t, 1, 7);
	table_render(t, &out);
	assert_null(strchr(out.data, '\x1b'));
	assert_string_equal(out.data, "A       B\n"
	                              "---------------\n"
	                              "xred 2  物业客…\n");
	table_free(t);
	buf_free(&out);
}

/* Within a width: the widest columns narrowed, their cells folded at words over more lines,
 * each line's cells in their columns; no line wider than the width. */
static void test_table_fit_width(void **state)
{
	static const char *const hdr[] = {"NUMBER", "UNIT", "WORDS"};
	static const char *const r1[] = {"C-1", "3-2-1201", "the light on the stairs is broken again"};
	static const char *const r2[] = {"C-2", "5-1-301", "楼道灯坏了很久，晚上看不见路"};
	struct table *t = table_new(3, hdr);
	struct buf out;
	const char *p, *nl;

	(void)state;
	table_add_row(t, r1);
	table_add_row(t, r2);
	buf_init(&out);
	/* Wide enough, or no width: as table_render. */
	table_render_fit(t, 0, &out);
	assert_non_null(strstr(buf_cstr(&out), "C-1     3-2-1201  the light on the stairs is broken again\n"));
	buf_reset(&out);
	table_render_fit(t, 100, &out);
	assert_non_null(strstr(buf_cstr(&out), "C-1     3-2-1201  the light on the stairs is broken again\n"));
	buf_reset(&out);
	table_render_fit(t, 40, &out);
	assert_string_equal(buf_cstr(&out),
	                    "NUMBER  UNIT      WORDS\n"
	                    "----------------------------------------\n"
	                    "C-1     3-2-1201  the light on the\n"
	                    "                  stairs is broken again\n"
	                    "C-2     5-1-301   楼道灯坏了很久，晚上看\n"
	                    "                  不见路\n");
	for (p = buf_cstr(&out); *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_true(utf8_width(p, (size_t)(nl - p)) <= 40);
	}
	/* Narrower than the codes and a folded text need: each row a record, folded between its
	 * cells and at the words of a long one, codes never cut. */
	buf_reset(&out);
	table_render_fit(t, 24, &out);
	for (p = buf_cstr(&out); *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_true(utf8_width(p, (size_t)(nl - p)) <= 24);
	}
	assert_string_equal(buf_cstr(&out), "NUMBER  UNIT  WORDS\n"
	                                    "------------------------\n"
	                                    "C-1  3-2-1201\n"
	                                    "  the light on the\n"
	                                    "  stairs is broken again\n"
	                                    "C-2  5-1-301\n"
	                                    "  楼道灯坏了很久，晚上看\n"
	                                    "  不见路\n");
	buf_free(&out);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_cjk_alignment),
	    cmocka_unit_test(test_table_sanitize_and_cut),
	    cmocka_unit_test(test_table_fit_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
