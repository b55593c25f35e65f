/* test_table — tables aligned in display columns (CJK takes two), cells sanitized, long cells
 * cut at a display width with "…", no trailing spaces. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "table.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_cjk_alignment),
	    cmocka_unit_test(test_table_sanitize_and_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
