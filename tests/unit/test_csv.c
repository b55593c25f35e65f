/* test_csv — the incremental CSV parser: plain and quoted fields, "" escapes, newlines inside
 * quotes, CRLF / LF / lone CR, a byte order mark at the start (and only there), empty fields
 * and lines, Chinese text; errors with their line and column: invalid UTF-8 (GBK bytes,
 * overlongs, a cut BOM), NUL bytes, a field too long, too many fields, quotes out of place, an
 * unclosed quote, a callback that stops; and the same records (or the same error) whatever
 * the input's split into chunks: every split point, every pair of split points, byte by
 * byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "utf8.h"

#define TEST_CSV_STOP (CSV_ECALLER - 7)

struct test_csv_out {
	struct buf text;   /* "LINE:field|field;" per record, bytes as they are */
	size_t stop_after; /* 0: never; n: the callback fails on record n */
	size_t records;
};

static int test_csv_row(void *arg, const struct csv_row *row)
{
	struct test_csv_out *o = arg;
	size_t i;

	assert_true(row->n >= 1);
	o->records++;
	if (o->stop_after != 0 && o->records == o->stop_after)
		return TEST_CSV_STOP;
	buf_printf(&o->text, "%zu:", row->line);
	for (i = 0; i < row->n; i++) {
		assert_int_equal(strlen(row->field[i]), row->len[i]);
		assert_true(utf8_valid(row->field[i], row->len[i]));
		if (i > 0)
			buf_putc(&o->text, '|');
		buf_append(&o->text, row->field[i], row->len[i]);
	}
	buf_putc(&o->text, ';');
	return 0;
}

struct test_csv_result {
	int rc;
	size_t line, col;
	char text[1024];
};

/* Parses in[0..len) fed as the chunks ending at cuts[0..ncuts) (ascending) and the rest. */
static void test_csv_run_cuts(const char *in, size_t len, size_t max_field, size_t max_fields,
                              const size_t *cuts, size_t ncuts, struct test_csv_result *r)
{
	struct test_csv_out o;
	struct csv *c;
	size_t i, from = 0;
	int rc = 0;

	memset(&o, 0, sizeof o);
	buf_init(&o.text);
	c = csv_new(max_field, max_fields, test_csv_row, &o);
	assert_non_null(c);
	for (i = 0; i <= ncuts && rc == 0; i++) {
		size_t to = i < ncuts ? cuts[i] : len;

		rc = csv_feed(c, in + from, to - from);
		from = to;
	}
	if (rc == 0)
		rc = csv_finish(c);
	r->rc = rc;
	r->line = rc < 0 ? csv_error_line(c) : 0;
	r->col = rc < 0 ? csv_error_column(c) : 0;
	snprintf(r->text, sizeof r->text, "%s", buf_cstr(&o.text));
	csv_free(c);
	buf_free(&o.text);
}

static void test_csv_run(const char *in, size_t len, size_t max_field, size_t max_fields,
                         struct test_csv_result *r)
{
	test_csv_run_cuts(in, len, max_field, max_fields, NULL, 0, r);
}

/* The records of in (NUL-terminated) as text; asserts no error. */
static const char *test_csv_ok(const char *in)
{
	static struct test_csv_result r;

	test_csv_run(in, strlen(in), 1024, 64, &r);
	if (r.rc != 0)
		fail_msg("error %d at line %zu column %zu for \"%s\"", r.rc, r.line, r.col, in);
	return r.text;
}

/* The literal lit (NUL bytes included) fails with rc at line, col. */
#define TEST_CSV_FAILS(lit, ...) test_csv_fails(lit, sizeof(lit) - 1, __VA_ARGS__)
static void test_csv_fails(const char *in, size_t len, size_t max_field, size_t max_fields, int rc,
                           size_t line, size_t col)
{
	struct test_csv_result r;

	test_csv_run(in, len, max_field, max_fields, &r);
	assert_int_equal(r.rc, rc);
	assert_int_equal(r.line, line);
	assert_int_equal(r.col, col);
}

/* Every split of in into two chunks, every split into three, and byte by byte give what the
 * whole input gives (records, or the error and where). */
static void test_csv_all_splits(const char *in, size_t len, size_t max_field, size_t max_fields)
{
	struct test_csv_result whole, r;
	size_t cuts[2], i, j, *all;

	test_csv_run(in, len, max_field, max_fields, &whole);
	for (i = 0; i <= len; i++) {
		cuts[0] = i;
		test_csv_run_cuts(in, len, max_field, max_fields, cuts, 1, &r);
		assert_int_equal(r.rc, whole.rc);
		assert_int_equal(r.line, whole.line);
		assert_int_equal(r.col, whole.col);
		assert_string_equal(r.text, whole.text);
		for (j = i; j <= len; j++) {
			cuts[1] = j;
			test_csv_run_cuts(in, len, max_field, max_fields, cuts, 2, &r);
			assert_int_equal(r.rc, whole.rc);
			assert_int_equal(r.line, whole.line);
			assert_int_equal(r.col, whole.col);
			assert_string_equal(r.text, whole.text);
		}
	}
	all = calloc(len + 1, sizeof *all);
	assert_non_null(all);
	for (i = 0; i < len; i++)
		all[i] = i + 1;
	test_csv_run_cuts(in, len, max_field, max_fields, all, len, &r);
	assert_int_equal(r.rc, whole.rc);
	assert_string_equal(r.text, whole.text);
	free(all);
}

static void test_csv_plain(void **state)
{
	(void)state;
	assert_string_equal(test_csv_ok("a,b\nc,d\n"), "1:a|b;2:c|d;");
	/* No line break after the last record. */
	assert_string_equal(test_csv_ok("a,b\nc,d"), "1:a|b;2:c|d;");
	/* Empty input, and a lone line break. */
	assert_string_equal(test_csv_ok(""), "");
	assert_string_equal(test_csv_ok("\n"), "1:;");
	/* Empty fields and empty lines. */
	assert_string_equal(test_csv_ok(",,\n"), "1:||;");
	assert_string_equal(test_csv_ok("a,\n\nb"), "1:a|;2:;3:b;");
	assert_string_equal(test_csv_ok("a,b,"), "1:a|b|;");
	/* Spaces inside unquoted fields are data. */
	assert_string_equal(test_csv_ok(" a , b \n"), "1: a | b ;");
	/* Chinese. */
	assert_string_equal(test_csv_ok("单元,楼栋,业主\n3栋2单元1201,三栋,张　三\n"),
	                    "1:单元|楼栋|业主;2:3栋2单元1201|三栋|张　三;");
}

static void test_csv_quotes(void **state)
{
	(void)state;
	assert_string_equal(test_csv_ok("\"a,b\",c\n"), "1:a,b|c;");
	assert_string_equal(test_csv_ok("\"say \"\"hi\"\"\",x\n"), "1:say \"hi\"|x;");
	assert_string_equal(test_csv_ok("\"\"\"\"\n"), "1:\";");
	assert_string_equal(test_csv_ok("\"\",\"\"\n"), "1:|;");
	/* A newline inside quotes: the next record starts on line 3. */
	assert_string_equal(test_csv_ok("\"x\ny\",z\nnext\n"), "1:x\ny|z;3:next;");
	assert_string_equal(test_csv_ok("\"a\n\n\nb\"\nc"), "1:a\n\n\nb;5:c;");
	/* Quoted at the end of the input, without a line break. */
	assert_string_equal(test_csv_ok("a,\"b\""), "1:a|b;");
	/* Spaces around a quoted field are dropped (they cannot be data). */
	assert_string_equal(test_csv_ok("  \"a\" , \"b\"\t\n"), "1:a|b;");
	/* A quote not at the start of a field is an error, but a field may contain Chinese
	 * quotes and apostrophes. */
	assert_string_equal(test_csv_ok("“引号”,it's\n"), "1:“引号”|it's;");
}

static void test_csv_line_breaks(void **state)
{
	(void)state;
	assert_string_equal(test_csv_ok("a,b\r\nc\r\n"), "1:a|b;2:c;");
	assert_string_equal(test_csv_ok("a\rb\rc"), "1:a;2:b;3:c;");
	assert_string_equal(test_csv_ok("a\r\rb\n"), "1:a;2:;3:b;");
	assert_string_equal(test_csv_ok("a\n\rb\r\n"), "1:a;2:;3:b;");
	/* CR LF inside quotes is kept as it is and counts as one line. */
	assert_string_equal(test_csv_ok("\"x\r\ny\"\r\nz"), "1:x\r\ny;3:z;");
	assert_string_equal(test_csv_ok("\"x\ry\"\r\nz\r\n"), "1:x\ry;3:z;");
}

static void test_csv_bom(void **state)
{
	(void)state;
	assert_string_equal(test_csv_ok("\xef\xbb\xbf"
	                                "code,area\n1,2\n"),
	                    "1:code|area;2:1|2;");
	assert_string_equal(test_csv_ok("\xef\xbb\xbf"), "");
	assert_string_equal(test_csv_ok("\xef\xbb\xbf\"q\"\n"), "1:q;");
	/* Only at the very start: later it is a character (U+FEFF) of the field. */
	assert_string_equal(test_csv_ok("a\n\xef\xbb\xbf"
	                                "b\n"),
	                    "1:a;2:\xef\xbb\xbf"
	                    "b;");
	assert_string_equal(test_csv_ok("\xef\xbb\xbf\xef\xbb\xbf"
	                                "x"),
	                    "1:\xef\xbb\xbf"
	                    "x;");
	/* A cut BOM is invalid UTF-8 data. */
	TEST_CSV_FAILS("\xef\xbb", 64, 8, CSV_EUTF8, 1, 1);
	TEST_CSV_FAILS("\xef\xbbx,y\n", 64, 8, CSV_EUTF8, 1, 1);
	TEST_CSV_FAILS("\xef", 64, 8, CSV_EUTF8, 1, 1);
}

static void test_csv_bad_utf8(void **state)
{
	struct test_csv_out o;
	struct csv *c;
	struct buf msg;
	int rc;

	(void)state;
	TEST_CSV_FAILS("ok\nab\xff,c\n", 64, 8, CSV_EUTF8, 2, 1);
	/* "单元" in GBK. */
	TEST_CSV_FAILS("code\n\xb5\xa5\xd4\xaa\n", 64, 8, CSV_EUTF8, 2, 1);
	/* Overlong '/', a surrogate, past U+10FFFF, a cut sequence at the end of a field. */
	TEST_CSV_FAILS("a,\xc0\xaf", 64, 8, CSV_EUTF8, 1, 2);
	TEST_CSV_FAILS("\xed\xa0\x80", 64, 8, CSV_EUTF8, 1, 1);
	TEST_CSV_FAILS("\xf4\x90\x80\x80", 64, 8, CSV_EUTF8, 1, 1);
	TEST_CSV_FAILS("x,y,\xe5\xae,z", 64, 8, CSV_EUTF8, 1, 3);
	/* Inside quotes, on the record's third line. */
	TEST_CSV_FAILS("\"a\nb\n\xff\"\n", 64, 8, CSV_EUTF8, 3, 1);
	/* A NUL byte. */
	TEST_CSV_FAILS("a\nb\0c\n", 64, 8, CSV_ENUL, 2, 1);
	TEST_CSV_FAILS("\"\0\"", 64, 8, CSV_ENUL, 1, 1);

	/* The messages, in both languages, and the error stays. */
	memset(&o, 0, sizeof o);
	buf_init(&o.text);
	buf_init(&msg);
	c = csv_new(64, 8, test_csv_row, &o);
	assert_non_null(c);
	rc = csv_feed(c, "code\n\xb5\xa5\n", 8);
	assert_int_equal(rc, CSV_EUTF8);
	assert_int_equal(csv_feed(c, "more\n", 5), CSV_EUTF8);
	assert_int_equal(csv_finish(c), CSV_EUTF8);
	csv_error(c, rc, "en", &msg);
	assert_string_equal(buf_cstr(&msg),
	                    "line 2, column 1: not valid UTF-8 (a GBK file? save it as UTF-8)");
	buf_reset(&msg);
	csv_error(c, rc, "zh", &msg);
	assert_non_null(strstr(buf_cstr(&msg), "第 2 行第 1 列"));
	assert_non_null(strstr(buf_cstr(&msg), "GBK"));
	assert_string_equal(buf_cstr(&o.text), "1:code;");
	csv_free(c);
	buf_free(&msg);
	buf_free(&o.text);
}

static void test_csv_limits(void **state)
{
	struct test_csv_result r;
	struct test_csv_out o;
	struct csv *c;
	struct buf msg;

	(void)state;
	/* max_field bytes is fine, one more is not, quoted or not, counted in bytes. */
	test_csv_run("12345678\n", 9, 8, 4, &r);
	assert_int_equal(r.rc, 0);
	TEST_CSV_FAILS("ok\na,123456789\n", 8, 4, CSV_ETOOLONG, 2, 2);
	TEST_CSV_FAILS("\"1234\n5678x\"", 8, 4, CSV_ETOOLONG, 2, 1);
	TEST_CSV_FAILS("单元单元", 8, 4, CSV_ETOOLONG, 1, 1);
	test_csv_run("\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\n", 19, 8, 4, &r); /* 8 quotes */
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.text, "1:\"\"\"\"\"\"\"\";");
	/* max_fields fields is fine, one more is not. */
	test_csv_run("a,b,c\n", 6, 8, 3, &r);
	assert_int_equal(r.rc, 0);
	TEST_CSV_FAILS("a,b,c\nd,e,f,g\n", 8, 3, CSV_EFIELDS, 2, 4);
	TEST_CSV_FAILS(",,,", 8, 3, CSV_EFIELDS, 1, 4);

	/* Limits out of range. */
	memset(&o, 0, sizeof o);
	assert_null(csv_new(0, 4, test_csv_row, &o));
	assert_null(csv_new(8, 0, test_csv_row, &o));
	assert_null(csv_new(8, 100000, test_csv_row, &o));
	assert_null(csv_new(8, 4, NULL, &o));

	buf_init(&o.text);
	buf_init(&msg);
	c = csv_new(8, 3, test_csv_row, &o);
	assert_int_equal(csv_feed(c, "a,b,c\n1,123456789", 17), CSV_ETOOLONG);
	csv_error(c, CSV_ETOOLONG, "en", &msg);
	assert_string_equal(buf_cstr(&msg), "line 2, column 2: field longer than 8 bytes");
	csv_free(c);
	buf_free(&msg);
	buf_free(&o.text);
}

static void test_csv_quote_errors(void **state)
{
	struct test_csv_out o;
	struct csv *c;
	struct buf msg;

	(void)state;
	TEST_CSV_FAILS("a\"b\n", 64, 8, CSV_EQUOTE, 1, 1);
	TEST_CSV_FAILS("x,y\nok,a \"b\"\n", 64, 8, CSV_EQUOTE, 2, 2);
	TEST_CSV_FAILS("\"a\"b\n", 64, 8, CSV_EAFTERQUOTE, 1, 1);
	TEST_CSV_FAILS("\"a\" b\n", 64, 8, CSV_EAFTERQUOTE, 1, 1);
	TEST_CSV_FAILS("\"abc", 64, 8, CSV_EOPENQUOTE, 1, 1);
	TEST_CSV_FAILS("x\n\"abc\n\ndef", 64, 8, CSV_EOPENQUOTE, 4, 1);

	memset(&o, 0, sizeof o);
	buf_init(&o.text);
	buf_init(&msg);
	c = csv_new(64, 8, test_csv_row, &o);
	assert_int_equal(csv_feed(c, "x\na,\"abc\n\ndef", 13), 0);
	assert_int_equal(csv_finish(c), CSV_EOPENQUOTE);
	csv_error(c, CSV_EOPENQUOTE, "en", &msg);
	assert_string_equal(buf_cstr(&msg),
	                    "line 4, column 2: the quoted field opened on line 2 is never closed");
	assert_string_equal(buf_cstr(&o.text), "1:x;");
	csv_free(c);
	buf_free(&msg);
	buf_free(&o.text);
}

static void test_csv_callback_stops(void **state)
{
	struct test_csv_out o;
	struct csv *c;
	struct buf msg;

	(void)state;
	memset(&o, 0, sizeof o);
	o.stop_after = 2;
	buf_init(&o.text);
	buf_init(&msg);
	c = csv_new(64, 8, test_csv_row, &o);
	assert_int_equal(csv_feed(c, "a\n\"b\nb\"\nc\n", 10), TEST_CSV_STOP);
	assert_int_equal(csv_error_line(c), 2);
	assert_int_equal(csv_error_column(c), 0);
	assert_int_equal(o.records, 2); /* the third record was never delivered */
	assert_int_equal(csv_feed(c, "d\n", 2), TEST_CSV_STOP);
	assert_int_equal(csv_finish(c), TEST_CSV_STOP);
	csv_error(c, TEST_CSV_STOP, "en", &msg);
	assert_string_equal(buf_cstr(&msg), "line 2: reading stopped (error -107)");
	csv_free(c);
	buf_free(&msg);
	buf_free(&o.text);
	csv_free(NULL);
}

static void test_csv_chunks(void **state)
{
	static const char good[] = "\xef\xbb\xbf单元,\"楼栋\",area\r\n"
	                           "3-2-1201,\"三栋, \"\"东\"\"\",89.5\r\n"
	                           "\"多\r\n行\",,\"\"\n"
	                           "\rlast, \"x\" ";
	static const char bad_utf8[] = "a,b\r\n\"c\nd\",e\xe5\xae\n";
	static const char bad_quote[] = "\xef\xbb\xbf"
	                                "a\r\nb,\"c\"d\n";
	static const char open_quote[] = "a\r\n\"b\r\n";
	static const char too_long[] = "ab,\"cd\"\"ef\"\r\n";
	struct test_csv_result r;

	(void)state;
	test_csv_run(good, sizeof good - 1, 64, 8, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.text, "1:单元|楼栋|area;2:3-2-1201|三栋, \"东\"|89.5;"
	                            "3:多\r\n行||;5:;6:last|x;");
	test_csv_all_splits(good, sizeof good - 1, 64, 8);
	test_csv_all_splits(bad_utf8, sizeof bad_utf8 - 1, 64, 8);
	test_csv_all_splits(bad_quote, sizeof bad_quote - 1, 64, 8);
	test_csv_all_splits(open_quote, sizeof open_quote - 1, 64, 8);
	test_csv_all_splits(too_long, sizeof too_long - 1, 4, 8);
	test_csv_all_splits(too_long, sizeof too_long - 1, 8, 1);
	test_csv_all_splits("\xef\xbb", 2, 8, 2);
}

/* Exports: every text quoted, quotes doubled, a NULL as nothing; the parser reads it back. */
static int test_csv_put_cb(void *arg, const struct csv_row *row)
{
	int *seen = arg;

	assert_int_equal(row->n, 4);
	assert_string_equal(row->field[0], "say \"hi\", then");
	assert_string_equal(row->field[1], "");
	assert_string_equal(row->field[2], "");
	assert_string_equal(row->field[3], "多\r\n行\"");
	(*seen)++;
	return 0;
}

static void test_csv_put(void **state)
{
	struct buf out;
	struct csv *c;
	int seen = 0;

	(void)state;
	buf_init(&out);
	csv_put(&out, "say \"hi\", then");
	buf_putc(&out, ',');
	csv_put(&out, NULL);
	buf_putc(&out, ',');
	csv_put(&out, "");
	buf_putc(&out, ',');
	csv_put_n(&out, "多\r\n行\"", strlen("多\r\n行\""));
	buf_puts(&out, "\r\n");
	assert_string_equal(out.data, "\"say \"\"hi\"\", then\",,\"\",\"多\r\n行\"\"\"\r\n");
	c = csv_new(64, 8, test_csv_put_cb, &seen);
	assert_int_equal(csv_feed(c, out.data, out.len), 0);
	assert_int_equal(csv_finish(c), 0);
	assert_int_equal(seen, 1);
	csv_free(c);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_put),
	    cmocka_unit_test(test_csv_plain),        cmocka_unit_test(test_csv_quotes),
	    cmocka_unit_test(test_csv_line_breaks),  cmocka_unit_test(test_csv_bom),
	    cmocka_unit_test(test_csv_bad_utf8),     cmocka_unit_test(test_csv_limits),
	    cmocka_unit_test(test_csv_quote_errors), cmocka_unit_test(test_csv_callback_stops),
	    cmocka_unit_test(test_csv_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
