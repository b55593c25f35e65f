/* Unit tests for the socket-free layers of the telnet listener: the telnet protocol
 * (service/telnet_proto.c: opening negotiation, refusals, NAWS, TTYPE, IAC escaping, IAC IP)
 * and the login prompts (service/telnet_login.c). No loop, server or session is involved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libtelnet.h>

#include "buf.h"
#include "telnet_login.h"
#include "telnet_proto.h"

#define T_IAC 255
#define T_DONT 254
#define T_DO 253
#define T_WONT 252
#define T_WILL 251
#define T_SB 250
#define T_SE 240

struct test_telnetsrv_peer {
	struct buf sent;  /* bytes for the socket */
	struct buf data;  /* decoded input */
	int resizes, cols, rows;
	int errors;
};

static void test_telnetsrv_send(void *arg, const char *d, size_t len)
{
	buf_append(&((struct test_telnetsrv_peer *)arg)->sent, d, len);
}

static void test_telnetsrv_data(void *arg, const char *d, size_t len)
{
	buf_append(&((struct test_telnetsrv_peer *)arg)->data, d, len);
}

static void test_telnetsrv_resize(void *arg, int cols, int rows)
{
	struct test_telnetsrv_peer *p = arg;

	p->resizes++;
	p->cols = cols;
	p->rows = rows;
}

static void test_telnetsrv_error(void *arg, const char *msg)
{
	(void)msg;
	((struct test_telnetsrv_peer *)arg)->errors++;
}

static const struct telnet_proto_ops test_telnetsrv_ops = {
	.send = test_telnetsrv_send,
	.data = test_telnetsrv_data,
	.resize = test_telnetsrv_resize,
	.error = test_telnetsrv_error,
};

static bool test_telnetsrv_has(const struct buf *b, const unsigned char *seq, size_t n)
{
	size_t i;

	for (i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, seq, n) == 0)
			return true;
	return false;
}

static struct telnet_proto *test_telnetsrv_open(struct test_telnetsrv_peer *peer)
{
	memset(peer, 0, sizeof *peer);
	buf_init(&peer->sent);
	buf_init(&peer->data);
	return telnet_proto_new(&test_telnetsrv_ops, peer);
}

static void test_telnetsrv_close(struct telnet_proto *p, struct test_telnetsrv_peer *peer)
{
	telnet_proto_free(p);
	buf_free(&peer->sent);
	buf_free(&peer->data);
}

static void test_telnetsrv_recv(struct telnet_proto *p, const unsigned char *b, size_t n)
{
	telnet_proto_recv(p, (const char *)b, n);
}

static void test_telnetsrv_opening_negotiation(void **state)
{
	static const unsigned char want[] = {
		T_IAC, T_WILL, TELNET_TELOPT_ECHO, T_IAC, T_WILL, TELNET_TELOPT_SGA,
		T_IAC, T_DO, TELNET_TELOPT_SGA,    T_IAC, T_DO, TELNET_TELOPT_NAWS,
		T_IAC, T_DO, TELNET_TELOPT_TTYPE,  T_IAC, T_WILL, TELNET_TELOPT_BINARY,
		T_IAC, T_DO, TELNET_TELOPT_BINARY,
	};
	struct test_telnetsrv_peer peer;
	struct telnet_proto *p = test_telnetsrv_open(&peer);
	const char *term;
	int cols, rows;

	(void)state;
	assert_int_equal(peer.sent.len, sizeof want);
	assert_memory_equal(peer.sent.data, want, sizeof want);
	term = telnet_proto_term(p);
	assert_null(term);
	telnet_proto_size(p, &cols, &rows);
	assert_int_equal(cols, 0);
	assert_int_equal(rows, 0);
	test_telnetsrv_close(p, &peer);
}

static void test_telnetsrv_unknown_options_refused(void **state)
{
	static const unsigned char in[] = { T_IAC, T_DO, 39, T_IAC, T_WILL, 39, T_IAC, T_DO, 86 };
	static const unsigned char wont39[] = { T_IAC, T_WONT, 39 };
	static const unsigned char dont39[] = { T_IAC, T_DONT, 39 };
	static const unsigned char wont86[] = { T_IAC, T_WONT, 86 };
	struct test_telnetsrv_peer peer;
	struct telnet_proto *p = test_telnetsrv_open(&peer);

	(void)state;
	buf_reset(&peer.sent);
	test_telnetsrv_recv(p, in, sizeof in);
	assert_true(test_telnetsrv_has(&peer.sent, wont39, sizeof wont39));
	assert_true(test_telnetsrv_has(&peer.sent, dont39, sizeof dont39));
	assert_true(test_telnetsrv_has(&peer.sent, wont86, sizeof wont86));
	assert_int_equal(peer.data.len, 0);
	assert_int_equal(peer.errors, 0);
	test_telnetsrv_close(p, &peer);
}

static void test_telnetsrv_naws(void **state)
{
	/* 255 columns arrive as IAC IAC; 5000 rows are clamped. Split across reads. */
	static const unsigned char a[] = { T_IAC, T_WILL, TELNET_TELOPT_NAWS, T_IAC, T_SB,
					   TELNET_TELOPT_NAWS, 0, T_IAC };
	static const unsigned char b[] = { T_IAC, 0x13, 0x88, T_IAC, T_SE };
	static const unsigned char zero_rows[] = { T_IAC, T_SB, TELNET_TELOPT_NAWS, 0, 100, 0, 0,
						   T_IAC, T_SE };
	static const unsigned char short_sb[] = { T_IAC, T_SB, TELNET_TELOPT_NAWS, 0, 100, T_IAC,
						  T_SE };
	struct test_telnetsrv_peer peer;
	struct telnet_proto *p = test_telnetsrv_open(&peer);
	int cols, rows;

	(void)state;
	test_telnetsrv_recv(p, a, sizeof a);
	assert_int_equal(peer.resizes, 0);
	test_telnetsrv_recv(p, b, sizeof b);
	assert_int_equal(peer.resizes, 1);
	assert_int_equal(peer.cols, 255);
	assert_int_equal(peer.rows, 1000);
	/* 0 means unknown: that dimension is kept. */
	test_telnetsrv_recv(p, zero_rows, sizeof zero_rows);
	assert_int_equal(peer.resizes, 2);
	assert_int_equal(peer.cols, 100);
	assert_int_equal(peer.rows, 1000);
	test_telnetsrv_recv(p, short_sb, sizeof short_sb);
	assert_int_equal(peer.resizes, 2);
	telnet_proto_size(p, &cols, &rows);
	assert_int_equal(cols, 100);
	assert_int_equal(rows, 1000);
	assert_int_equal(peer.data.len, 0);
	test_telnetsrv_close(p, &peer);
}

static void test_telnetsrv_ttype(void **state)
{
	static const unsigned char will[] = { T_IAC, T_WILL, TELNET_TELOPT_TTYPE };
	static const unsigned char send[] = { T_IAC, T_SB, TELNET_TELOPT_TTYPE, 1, T_IAC, T_SE };
	static const unsigned char bad[] = { T_IAC, T_SB, TELNET_TELOPT_TTYPE, 0, 'x', '\x1b', '[',
					     T_IAC, T_SE };
	static const unsigned char is[] = { T_IAC, T_SB, TELNET_TELOPT_TTYPE, 0, 'X', 'T', 'E', 'R',
					    'M', '-', '2', '5', '6', 'C', 'O', 'L', 'O', 'R',
					    T_IAC, T_SE };
	static const unsigned char again[] = { T_IAC, T_SB, TELNET_TELOPT_TTYPE, 0, 'v', 't',
					       T_IAC, T_SE };
	struct test_telnetsrv_peer peer;
	struct telnet_proto *p = test_telnetsrv_open(&peer);

	(void)state;
	buf_reset(&peer.sent);
	test_telnetsrv_recv(p, will, sizeof will);
	assert_true(test_telnetsrv_has(&peer.sent, send, sizeof send));
	test_telnetsrv_recv(p, bad, sizeof bad);
	assert_null(telnet_proto_term(p));
	test_telnetsrv_recv(p, is, sizeof is);
	assert_string_equal(telnet_proto_term(p), "xterm-256color");
	test_telnetsrv_recv(p, again, sizeof again);
	assert_string_equal(telnet_proto_term(p), "xterm-256color");
	test_telnetsrv_close(p, &peer);
}

static void test_telnetsrv_data_and_escaping(void **state)
{
	static const unsigned char in[] = { 'a', T_IAC, T_IAC, 'b', T_IAC, TELNET_IP, '\r', 0 };
	static const unsigned char want_in[] = { 'a', 0xff, 'b', 0x03, '\r', 0 };
	static const unsigned char out[] = { 'x', 0xff, 'y' };
	static const unsigned char want_out[] = { 'x', T_IAC, T_IAC, 'y' };
	struct test_telnetsrv_peer peer;
	struct telnet_proto *p = test_telnetsrv_open(&peer);

	(void)state;
	test_telnetsrv_recv(p, in, sizeof in);
	assert_int_equal(peer.data.len, sizeof want_in);
	assert_memory_equal(peer.data.data, want_in, sizeof want_in);
	buf_reset(&peer.sent);
	telnet_proto_send(p, (const char *)out, sizeof out);
	assert_int_equal(peer.sent.len, sizeof want_out);
	assert_memory_equal(peer.sent.data, want_out, sizeof want_out);
	telnet_proto_send(p, "", 0);
	assert_int_equal(peer.sent.len, sizeof want_out);
	test_telnetsrv_close(p, &peer);
}

/* --- login ------------------------------------------------------------------------------ */

static enum telnet_login_event test_telnetsrv_feed(struct telnet_login *l, const char *s,
						       size_t *used, struct buf *out)
{
	return telnet_login_feed(l, s, strlen(s), used, out);
}

static void test_telnetsrv_login_ok(void **state)
{
	static const char in[] = "al\x7f\x7f\xe5\xbc\xa0\r\0s3cret\r\0whoami\r";
	struct telnet_login *l = telnet_login_new(80, 3);
	struct buf out;
	size_t used;

	(void)state;
	buf_init(&out);
	telnet_login_start(l, &out);
	assert_string_equal(buf_cstr(&out), "login (用户名): ");
	buf_reset(&out);
	assert_int_equal(telnet_login_feed(l, in, sizeof in - 1, &used, &out),
			 TELNET_LOGIN_READY);
	assert_string_equal(telnet_login_user(l), "张");
	assert_string_equal(telnet_login_password(l), "s3cret");
	/* The password was neither echoed nor consumed past its line end. */
	assert_null(strstr(buf_cstr(&out), "s3cret"));
	assert_non_null(strstr(buf_cstr(&out), "password (密码): "));
	assert_int_equal(in[used], '\0'); /* the NUL of CR NUL: swallowed by the next feed */
	assert_memory_equal(in + used + 1, "whoami\r", 7);
	telnet_login_wipe(l);
	assert_string_equal(telnet_login_password(l), "");
	buf_free(&out);
	telnet_login_free(l);
}

static void test_telnetsrv_login_retries(void **state)
{
	struct telnet_login *l = telnet_login_new(80, 3);
	struct buf out;
	size_t used;
	int i;

	(void)state;
	buf_init(&out);
	telnet_login_start(l, &out);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(test_telnetsrv_feed(l, "bob\r\n", &used, &out),
				 TELNET_LOGIN_MORE);
		assert_int_equal(test_telnetsrv_feed(l, "pw\r\n", &used, &out),
				 TELNET_LOGIN_READY);
		assert_string_equal(telnet_login_user(l), "bob");
		buf_reset(&out);
		assert_int_equal(telnet_login_failed(l, &out), i < 3);
		assert_non_null(strstr(buf_cstr(&out), "login incorrect / 用户名或密码错误"));
		assert_int_equal(strstr(buf_cstr(&out), "login (用户名)") != NULL, i < 3);
	}
	buf_free(&out);
	telnet_login_free(l);
}

static void test_telnetsrv_login_keys(void **state)
{
	struct telnet_login *l = telnet_login_new(80, 3);
	struct buf out;
	size_t used;

	(void)state;
	buf_init(&out);
	telnet_login_start(l, &out);
	/* An empty name asks again; Ctrl-C at the password prompt starts over. */
	assert_int_equal(test_telnetsrv_feed(l, "\r\n", &used, &out), TELNET_LOGIN_MORE);
	assert_int_equal(test_telnetsrv_feed(l, "carol\rpw\x03", &used, &out),
			 TELNET_LOGIN_MORE);
	buf_reset(&out);
	assert_int_equal(test_telnetsrv_feed(l, "dave\r", &used, &out), TELNET_LOGIN_MORE);
	assert_non_null(strstr(buf_cstr(&out), "password"));
	/* The LF of the CR LF comes in the next read: swallowed, not an empty password. */
	assert_int_equal(test_telnetsrv_feed(l, "\n", &used, &out), TELNET_LOGIN_MORE);
	assert_int_equal(test_telnetsrv_feed(l, "x\r", &used, &out), TELNET_LOGIN_READY);
	assert_string_equal(telnet_login_user(l), "dave");
	assert_string_equal(telnet_login_password(l), "x");
	assert_true(telnet_login_failed(l, &out));
	/* Ctrl-D on an empty prompt quits. */
	assert_int_equal(test_telnetsrv_feed(l, "\x04rest", &used, &out), TELNET_LOGIN_QUIT);
	assert_int_equal(used, 1);
	buf_free(&out);
	telnet_login_free(l);
	telnet_login_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_telnetsrv_opening_negotiation),
		cmocka_unit_test(test_telnetsrv_unknown_options_refused),
		cmocka_unit_test(test_telnetsrv_naws),
		cmocka_unit_test(test_telnetsrv_ttype),
		cmocka_unit_test(test_telnetsrv_data_and_escaping),
		cmocka_unit_test(test_telnetsrv_login_ok),
		cmocka_unit_test(test_telnetsrv_login_retries),
		cmocka_unit_test(test_telnetsrv_login_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
