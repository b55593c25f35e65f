/* test_json — the JSON writer: nesting and commas, string escaping (quotes, backslash, control
 * characters, DEL, C1, U+2028/9), UTF-8 kept as is, invalid UTF-8 replaced, null for NULL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "json.h"

static void test_json_structure(void **state)
{
	struct buf out;
	struct json j;

	(void)state;
	buf_init(&out);
	json_init(&j, &out);
	json_object_begin(&j);
	json_kv_string(&j, "name", "bob");
	json_kv_int(&j, "n", -42);
	json_kv_bool(&j, "ok", true);
	json_kv_string(&j, "team", NULL);
	json_key(&j, "list");
	json_array_begin(&j);
	json_int(&j, 1);
	json_object_begin(&j);
	json_object_end(&j);
	json_array_begin(&j);
	json_array_end(&j);
	json_null(&j);
	json_array_end(&j);
	json_kv_bool(&j, "last", false);
	json_object_end(&j);
	assert_string_equal(out.data, "{\"name\":\"bob\",\"n\":-42,\"ok\":true,\"team\":null,"
	                              "\"list\":[1,{},[],null],\"last\":false}");
	buf_free(&out);
}

static void test_json_escaping(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out);
	json_escape(&out, "a\"b\\c\n\r\t\b\f\x01\x1b[31m\x7f",
	            strlen("a\"b\\c\n\r\t\b\f\x01\x1b[31m\x7f"));
	assert_string_equal(out.data, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001b[31m\\u007f\"");
	buf_reset(&out);
	/* Chinese kept; C1 and line separators escaped; invalid bytes become U+FFFD. */
	json_escape(&out, "王小明\xc2\x9b\xe2\x80\xa8\xff!",
	            strlen("王小明\xc2\x9b\xe2\x80\xa8\xff!"));
	assert_string_equal(out.data, "\"王小明\\u009b\\u2028\xef\xbf\xbd!\"");
	buf_reset(&out);
	/* Invisible characters escaped (a tag character as a surrogate pair); others kept. */
	json_escape(&out,
	            "\xe2\x80\xae"
	            "gpj\xe2\x80\x8b\xef\xbb\xbf\xf3\xa0\x81\x81\xc2\xa0",
	            strlen("\xe2\x80\xae"
	                   "gpj\xe2\x80\x8b\xef\xbb\xbf\xf3\xa0\x81\x81\xc2\xa0"));
	assert_string_equal(out.data, "\"\\u202egpj\\u200b\\ufeff\\udb40\\udc41\xc2\xa0\"");
	buf_reset(&out);
	/* A NUL byte inside a counted string. */
	json_escape(&out, "a\0b", 3);
	assert_string_equal(out.data, "\"a\\u0000b\"");
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_structure),
	    cmocka_unit_test(test_json_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
