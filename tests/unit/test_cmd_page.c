/* test_cmd_page — the paging every list shares: the page read with one row past it, the total
 * or only "more", the JSON shape ({"total","offset","limit","more","next_offset","items"}) and
 * the "more results: use --offset N" line in both languages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cmd_page.h"
#include "role.h"
#include "shell.h"
#include "json.h"
#include "testhost.h"

static void test_cmd_page_json(const struct cmd_page *p, const char *want)
{
	struct buf out;
	struct json j;

	buf_init(&out);
	json_init(&j, &out);
	cmd_page_json_begin(&j, p);
	json_int(&j, 7);
	cmd_page_json_end(&j);
	assert_string_equal(buf_cstr(&out), want);
	buf_free(&out);
}

static void test_cmd_page_fill(void **state)
{
	struct cmd_page p;

	(void)state;
	assert_int_equal(cmd_page_fetch(0), CMD_PAGE_DEFAULT + 1);
	assert_int_equal(cmd_page_fetch(5), 6);

	/* A counted list: the total, and more while the page ends before it. */
	cmd_page_init(&p, 0, 5, 6, 12, true);
	assert_int_equal(p.n, 5);
	assert_true(p.more);
	assert_int_equal(p.next, 5);
	test_cmd_page_json(&p, "{\"total\":12,\"offset\":0,\"limit\":5,\"more\":true,"
	                       "\"next_offset\":5,\"items\":[7]}");
	cmd_page_init(&p, 10, 5, 2, 12, true);
	assert_int_equal(p.n, 2);
	assert_false(p.more);
	test_cmd_page_json(&p, "{\"total\":12,\"offset\":10,\"limit\":5,\"more\":false,"
	                       "\"items\":[7]}");
	/* The default page. */
	cmd_page_init(&p, 0, 0, 3, -1, false);
	assert_int_equal(p.limit, CMD_PAGE_DEFAULT);
	assert_false(p.more);
	test_cmd_page_json(&p, "{\"total\":null,\"offset\":0,\"limit\":100,\"more\":false,"
	                       "\"items\":[7]}");
	/* Not counted: more from the one row past the page. */
	cmd_page_init(&p, 20, 10, 11, -1, false);
	assert_int_equal(p.n, 10);
	assert_true(p.more);
	assert_int_equal(p.next, 30);
	test_cmd_page_json(&p, "{\"total\":null,\"offset\":20,\"limit\":10,\"more\":true,"
	                       "\"next_offset\":30,\"items\":[7]}");
	/* A count that stopped early: at least. */
	cmd_page_init(&p, 0, 10, 11, 5000, false);
	test_cmd_page_json(&p, "{\"total\":null,\"at_least\":5000,\"offset\":0,\"limit\":10,"
	                       "\"more\":true,\"next_offset\":10,\"items\":[7]}");
	/* Rows added after the count: the total is no longer exact. */
	cmd_page_init(&p, 0, 10, 11, 10, true);
	assert_true(p.more);
	assert_false(p.exact);
}

static void test_cmd_page_more(void **state)
{
	struct testhost *th = testhost_new("test_cmd_page");
	struct shell_opts o = testhost_opts;
	struct cmd_page p;
	struct buf out;

	(void)state;
	assert_non_null(th);
	testhost_account_add(th, "agent1", NULL, ROLE_AGENT, "en", NULL);
	testhost_account_add(th, "agent2", NULL, ROLE_AGENT, "zh", NULL);
	buf_init(&out);
	testhost_start(th, "agent1", 0, &o);
	cmd_page_init(&p, 0, 5, 5, 5, true);
	cmd_page_more(th->sh, &p, &out);
	assert_string_equal(buf_cstr(&out), "");
	cmd_page_init(&p, 5, 5, 6, 12, true);
	cmd_page_more(th->sh, &p, &out);
	assert_string_equal(buf_cstr(&out), "(5 of 12 shown; more results: use --offset 10)\n");
	buf_reset(&out);
	cmd_page_init(&p, 0, 5, 6, -1, false);
	cmd_page_more(th->sh, &p, &out);
	assert_string_equal(buf_cstr(&out), "(5 shown; more results: use --offset 5)\n");
	buf_reset(&out);
	cmd_page_init(&p, 0, 5, 6, 9000, false);
	cmd_page_more(th->sh, &p, &out);
	assert_string_equal(buf_cstr(&out),
	                    "(5 of at least 9000 shown; more results: use --offset 5)\n");
	/* In the user's language. */
	buf_reset(&out);
	testhost_start(th, "agent2", 0, &o);
	cmd_page_init(&p, 5, 5, 6, 12, true);
	cmd_page_more(th->sh, &p, &out);
	assert_string_equal(buf_cstr(&out), "（显示 5 条，共 12 条；更多结果：用 --offset 10）\n");
	buf_reset(&out);
	cmd_page_init(&p, 0, 5, 6, -1, false);
	cmd_page_more(th->sh, &p, &out);
	assert_string_equal(buf_cstr(&out), "（显示 5 条；更多结果：用 --offset 5）\n");
	buf_free(&out);
	testhost_free(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cmd_page_fill),
	    cmocka_unit_test(test_cmd_page_more),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
