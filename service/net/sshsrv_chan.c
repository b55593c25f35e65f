/* sshsrv_chan — the SSH listener's channel callbacks: they only record what happened (data,
 * EOF, close, pty, window size, shell or exec, environment); the drive (sshsrv_conn.c) does the
 * work. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <uv.h>

#include "log.h"
#include "sshsrv_int.h"
#include "store.h"

/* ---- channel callbacks (record, do the work in the drive) ------------------------------ */

static int sshsrv_chan_data_cb(ssh_session ssh, ssh_channel ch, void *data, uint32_t len,
                               int is_stderr, void *ud)
{
	struct sshsrv_conn *c = ud;
	size_t n;

	(void)ssh;
	(void)ch;
	if (is_stderr)
		return (int)len; /* clients have no stderr to send; drop it */
	c->last_input_ms = sshsrv_conn_now(c);
	if (c->dead || c->closing || (c->sess != NULL && c->owner->host->session->ended(c->sess))) {
		c->in_left = 0;
		return (int)len; /* nobody will read it */
	}
	if (c->sess == NULL || c->held_off < c->held_len) {
		/* Not yet (before shell/exec, or older input still waits): libssh keeps it. */
		c->in_left = len;
		c->kicked = true;
		return 0;
	}
	n = c->owner->host->session->input(c->sess, data, len);
	c->in_left = len - n;
	if (c->in_left > 0)
		c->kicked = true;
	return (int)n;
}

static void sshsrv_chan_eof_cb(ssh_session ssh, ssh_channel ch, void *ud)
{
	struct sshsrv_conn *c = ud;

	(void)ssh;
	(void)ch;
	c->eof_in = true;
	c->kicked = true;
}

static void sshsrv_chan_close_cb(ssh_session ssh, ssh_channel ch, void *ud)
{
	struct sshsrv_conn *c = ud;

	(void)ssh;
	(void)ch;
	c->remote_closed = true;
	c->kicked = true;
}

static void sshsrv_chan_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int sshsrv_chan_pty_cb(ssh_session ssh, ssh_channel ch, const char *term, int cols, int rows,
                              int pxw, int pxh, void *ud)
{
	struct sshsrv_conn *c = ud;

	(void)ssh;
	(void)ch;
	(void)pxw;
	(void)pxh;
	if (c->sess != NULL || c->start_req || c->closing)
		return -1;
	c->pty = true;
	sshsrv_chan_copy(c->term, sizeof c->term, term);
	c->cols = cols;
	c->rows = rows;
	return 0;
}

static int sshsrv_chan_winch_cb(ssh_session ssh, ssh_channel ch, int cols, int rows, int pxw,
                                int pxh, void *ud)
{
	struct sshsrv_conn *c = ud;

	(void)ssh;
	(void)ch;
	(void)pxw;
	(void)pxh;
	c->cols = cols;
	c->rows = rows;
	c->last_input_ms = sshsrv_conn_now(c);
	if (c->sess != NULL && !c->closing)
		c->owner->host->session->resize(c->sess, cols, rows);
	return 0;
}

static int sshsrv_chan_shell_cb(ssh_session ssh, ssh_channel ch, void *ud)
{
	struct sshsrv_conn *c = ud;

	(void)ssh;
	(void)ch;
	if (c->sess != NULL || c->start_req || c->closing)
		return 1;
	c->start_req = true;
	c->kicked = true;
	return 0;
}

static int sshsrv_chan_exec_cb(ssh_session ssh, ssh_channel ch, const char *command, void *ud)
{
	struct sshsrv_conn *c = ud;

	(void)ssh;
	(void)ch;
	if (c->sess != NULL || c->start_req || c->closing || command == NULL ||
	    strlen(command) > SSHSRV_MAX_EXEC)
		return 1;
	c->exec = strdup(command);
	if (c->exec == NULL)
		return 1;
	c->start_req = true;
	c->kicked = true;
	return 0;
}

static int sshsrv_chan_env_cb(ssh_session ssh, ssh_channel ch, const char *name, const char *value,
                              void *ud)
{
	struct sshsrv_conn *c = ud;
	char *dst;

	(void)ssh;
	(void)ch;
	if (c->sess != NULL || c->start_req || name == NULL || value == NULL)
		return 1;
	if (strcmp(name, "LANG") == 0)
		dst = c->lang;
	else if (strcmp(name, "LC_ALL") == 0)
		dst = c->lc_all;
	else
		return 1;
	if (strlen(value) >= sizeof c->lang)
		return 1;
	sshsrv_chan_copy(dst, sizeof c->lang, value);
	return 0;
}

/* One session channel per connection; others are refused (the client is told "failed"). */
ssh_channel sshsrv_chan_open_cb(ssh_session ssh, void *ud)
{
	struct sshsrv_conn *c = ud;
	ssh_channel ch;

	if (c->chan != NULL || c->closing || c->dead)
		return NULL;
	ch = ssh_channel_new(ssh);
	if (ch == NULL)
		return NULL;
	memset(&c->ccb, 0, sizeof c->ccb);
	c->ccb.userdata = c;
	c->ccb.channel_data_function = sshsrv_chan_data_cb;
	c->ccb.channel_eof_function = sshsrv_chan_eof_cb;
	c->ccb.channel_close_function = sshsrv_chan_close_cb;
	c->ccb.channel_pty_request_function = sshsrv_chan_pty_cb;
	c->ccb.channel_pty_window_change_function = sshsrv_chan_winch_cb;
	c->ccb.channel_shell_request_function = sshsrv_chan_shell_cb;
	c->ccb.channel_exec_request_function = sshsrv_chan_exec_cb;
	c->ccb.channel_env_request_function = sshsrv_chan_env_cb;
	ssh_callbacks_init(&c->ccb);
	if (ssh_set_channel_callbacks(ch, &c->ccb) != SSH_OK) {
		ssh_channel_free(ch);
		return NULL;
	}
	c->chan = ch;
	return ch;
}
