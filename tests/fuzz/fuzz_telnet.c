/* fuzz_telnet — random bytes from a telnet client through the listener's protocol layer
 * (libtelnet with telnetsrv's event handling: negotiation, NAWS, TTYPE, IAC IP) and its login
 * prompts (lineedit), exactly as a connection runs them but without a socket. Every password
 * is answered "incorrect" (auth is not part of this target), so the retry path runs too.
 * The first input byte sets the read size, so escape and subnegotiation sequences get split
 * across reads. Checks what the rest of the daemon relies on: user names are valid UTF-8
 * without control characters, the terminal name is a plain lower-case word and the window
 * size stays within bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "telnet_login.h"
#include "telnet_proto.h"
#include "utf8.h"

struct fuzz_telnet {
	struct telnet_proto *proto;
	struct telnet_login *login;
	struct buf wire;   /* bytes that would go to the socket */
	struct buf screen; /* login output before escaping */
	bool closed;
	bool logged_out;   /* too many failures: the login is over */
};

static void fuzz_telnet_check_user(const char *user)
{
	size_t i, len = strlen(user);

	if (!utf8_valid(user, len))
		abort();
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)user[i];

		if (ch < 0x20 || ch == 0x7f)
			abort();
	}
}

static void fuzz_telnet_send(void *arg, const char *data, size_t len)
{
	struct fuzz_telnet *f = arg;

	buf_append(&f->wire, data, len);
	if (f->wire.len > 1 << 20)
		buf_reset(&f->wire);
}

static void fuzz_telnet_data(void *arg, const char *data, size_t len)
{
	struct fuzz_telnet *f = arg;
	size_t used;

	while (len > 0 && !f->closed && !f->logged_out) {
		enum telnet_login_event ev =
			telnet_login_feed(f->login, data, len, &used, &f->screen);

		if (used > len)
			abort();
		data += used;
		len -= used;
		if (ev == TELNET_LOGIN_READY) {
			fuzz_telnet_check_user(telnet_login_user(f->login));
			(void)telnet_login_password(f->login);
			telnet_login_wipe(f->login);
			if (!telnet_login_failed(f->login, &f->screen))
				f->logged_out = true;
		} else if (ev == TELNET_LOGIN_QUIT) {
			f->closed = true;
		} else if (used == 0) {
			break;
		}
	}
	telnet_proto_send(f->proto, f->screen.data, f->screen.len);
	buf_reset(&f->screen);
}

static void fuzz_telnet_resize(void *arg, int cols, int rows)
{
	struct fuzz_telnet *f = arg;

	if (cols < 0 || cols > 1000 || rows < 0 || rows > 1000)
		abort();
	telnet_login_set_width(f->login, cols);
}

static void fuzz_telnet_error(void *arg, const char *msg)
{
	struct fuzz_telnet *f = arg;

	(void)msg;
	f->closed = true;
}

static const struct telnet_proto_ops fuzz_telnet_ops = {
	.send = fuzz_telnet_send,
	.data = fuzz_telnet_data,
	.resize = fuzz_telnet_resize,
	.error = fuzz_telnet_error,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_telnet f;
	size_t chunk, off = 0;
	const char *term;
	int cols, rows;

	if (size == 0)
		return 0;
	memset(&f, 0, sizeof f);
	buf_init(&f.wire);
	buf_init(&f.screen);
	f.login = telnet_login_new(80, 3);
	telnet_login_start(f.login, &f.screen);
	f.proto = telnet_proto_new(&fuzz_telnet_ops, &f);
	telnet_proto_send(f.proto, f.screen.data, f.screen.len);
	buf_reset(&f.screen);

	chunk = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	while (off < size && !f.closed) {
		size_t n = size - off < chunk ? size - off : chunk;

		telnet_proto_recv(f.proto, (const char *)data + off, n);
		off += n;
	}

	term = telnet_proto_term(f.proto);
	if (term != NULL) {
		size_t i;

		if (term[0] == '\0' || strlen(term) > 63)
			abort();
		for (i = 0; term[i] != '\0'; i++)
			if (term[i] >= 'A' && term[i] <= 'Z')
				abort();
	}
	telnet_proto_size(f.proto, &cols, &rows);
	if (cols < 0 || cols > 1000 || rows < 0 || rows > 1000)
		abort();

	telnet_proto_free(f.proto);
	telnet_login_free(f.login);
	buf_free(&f.wire);
	buf_free(&f.screen);
	return 0;
}
