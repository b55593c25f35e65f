/* telnet_proto — the telnet protocol of a connection (libtelnet), without a socket. */
#include "telnet_proto.h"

#include <ctype.h>
#include <libtelnet.h>
#include <stdlib.h>
#include <string.h>

/* The largest window size taken from NAWS. */
#define TELNET_PROTO_MAX_DIM 1000

struct telnet_proto {
	telnet_t *tn;
	const struct telnet_proto_ops *ops;
	void *arg;
	int cols, rows;
	char term[64];
};

/* What we do and what we let the client do; everything else is refused by libtelnet. */
static const telnet_telopt_t telnet_proto_telopts[] = {
    {TELNET_TELOPT_ECHO, TELNET_WILL, TELNET_DONT}, {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_NAWS, TELNET_WONT, TELNET_DO},   {TELNET_TELOPT_TTYPE, TELNET_WONT, TELNET_DO},
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO}, {-1, 0, 0},
};

static void telnet_proto_naws(struct telnet_proto *p, const char *b, size_t len)
{
	const unsigned char *u = (const unsigned char *)b;
	int cols, rows;

	if (len != 4)
		return;
	cols = u[0] << 8 | u[1];
	rows = u[2] << 8 | u[3];
	/* 0 means "unknown" for that dimension (RFC 1073). */
	if (cols > 0)
		p->cols = cols > TELNET_PROTO_MAX_DIM ? TELNET_PROTO_MAX_DIM : cols;
	if (rows > 0)
		p->rows = rows > TELNET_PROTO_MAX_DIM ? TELNET_PROTO_MAX_DIM : rows;
	if (p->cols > 0 || p->rows > 0)
		p->ops->resize(p->arg, p->cols, p->rows);
}

static void telnet_proto_ttype(struct telnet_proto *p, const char *name)
{
	char term[sizeof p->term];
	size_t n;

	if (p->term[0] != '\0' || name == NULL)
		return;
	for (n = 0; name[n] != '\0'; n++) {
		unsigned char ch = (unsigned char)name[n];

		/* Not a terminal name (or too long for one): ignore it. */
		if (n == sizeof term - 1 ||
		    (!isalnum(ch) && ch != '-' && ch != '_' && ch != '.' && ch != '+'))
			return;
		term[n] = (char)tolower(ch);
	}
	term[n] = '\0';
	memcpy(p->term, term, n + 1);
}

static void telnet_proto_event_cb(telnet_t *tn, telnet_event_t *ev, void *ud)
{
	struct telnet_proto *p = ud;

	switch (ev->type) {
	case TELNET_EV_DATA:
		p->ops->data(p->arg, ev->data.buffer, ev->data.size);
		break;
	case TELNET_EV_SEND:
		p->ops->send(p->arg, ev->data.buffer, ev->data.size);
		break;
	case TELNET_EV_IAC:
		/* Interrupt Process: what Ctrl-C means in the shell. */
		if (ev->iac.cmd == TELNET_IP)
			p->ops->data(p->arg, "\x03", 1);
		break;
	case TELNET_EV_WILL:
		if (ev->neg.telopt == TELNET_TELOPT_TTYPE)
			telnet_ttype_send(tn);
		break;
	case TELNET_EV_SUBNEGOTIATION:
		if (ev->sub.telopt == TELNET_TELOPT_NAWS)
			telnet_proto_naws(p, ev->sub.buffer, ev->sub.size);
		break;
	case TELNET_EV_TTYPE:
		if (ev->ttype.cmd == TELNET_TTYPE_IS)
			telnet_proto_ttype(p, ev->ttype.name);
		break;
	case TELNET_EV_ERROR:
		p->ops->error(p->arg, ev->error.msg);
		break;
	default:
		/* WONT/DO/DONT need nothing more (libtelnet answered them), warnings are
		 * recoverable, and ZMP, MSSP, ENVIRON and compression are refused. */
		break;
	}
}

struct telnet_proto *telnet_proto_new(const struct telnet_proto_ops *ops, void *arg)
{
	struct telnet_proto *p = calloc(1, sizeof *p);

	if (p == NULL)
		abort();
	p->ops = ops;
	p->arg = arg;
	p->tn = telnet_init(telnet_proto_telopts, telnet_proto_event_cb, 0, p);
	if (p->tn == NULL)
		abort();
	telnet_negotiate(p->tn, TELNET_WILL, TELNET_TELOPT_ECHO);
	telnet_negotiate(p->tn, TELNET_WILL, TELNET_TELOPT_SGA);
	telnet_negotiate(p->tn, TELNET_DO, TELNET_TELOPT_SGA);
	telnet_negotiate(p->tn, TELNET_DO, TELNET_TELOPT_NAWS);
	telnet_negotiate(p->tn, TELNET_DO, TELNET_TELOPT_TTYPE);
	/* UTF-8 both ways. Without BINARY the Debian telnet client takes a byte 0x9D (in 九,
	 * for one) for its escape character ^] and drops into its command mode. */
	telnet_negotiate(p->tn, TELNET_WILL, TELNET_TELOPT_BINARY);
	telnet_negotiate(p->tn, TELNET_DO, TELNET_TELOPT_BINARY);
	return p;
}

void telnet_proto_free(struct telnet_proto *p)
{
	if (p == NULL)
		return;
	telnet_free(p->tn);
	free(p);
}

void telnet_proto_recv(struct telnet_proto *p, const char *data, size_t len)
{
	telnet_recv(p->tn, data, len);
}

void telnet_proto_send(struct telnet_proto *p, const char *data, size_t len)
{
	if (len > 0)
		telnet_send(p->tn, data, len);
}

const char *telnet_proto_term(const struct telnet_proto *p)
{
	return p->term[0] != '\0' ? p->term : NULL;
}

void telnet_proto_size(const struct telnet_proto *p, int *cols, int *rows)
{
	*cols = p->cols;
	*rows = p->rows;
}
