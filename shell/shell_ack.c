/* shell_ack — durable acknowledgement: output held until the host has synced a change (see
 * shell_ack.h). Reads struct shell's fields only; calls the host and the store (through shell_store_ops). */
#include "shell_ack.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shell_int.h"

/* Whether output now must wait for the host's sync: one is outstanding, or this turn changed
 * the store (its output from the change on acknowledges it). */
static bool shell_ack_holding(struct shell *sh)
{
	if (sh->host.sync == NULL || sh->host.store == NULL)
		return false;
	return sh->sync_pending || shell_store_changes(sh) != sh->turn_base;
}

void shell_ack_init(struct shell *sh, void (*resume)(struct shell *sh))
{
	buf_init(&sh->held);
	sh->ack_resume = resume;
	if (sh->host.store != NULL)
		sh->turn_base = shell_store_changes(sh);
}

void shell_ack_clear(struct shell *sh)
{
	if (sh->held.data != NULL)
		sodium_memzero(sh->held.data, sh->held.cap);
	buf_free(&sh->held);
}

void shell_ack_turn(struct shell *sh)
{
	if (!sh->sync_pending && sh->host.store != NULL)
		sh->turn_base = shell_store_changes(sh);
}

void shell_ack_now(struct shell *sh)
{
	if (!sh->sync_pending && sh->host.store != NULL && sh->held.len == 0)
		sh->turn_base = shell_store_changes(sh);
}

/* Held output: records of [stream][length, 4 bytes][bytes][what of a secret, NUL-terminated;
 * "" for plain output]. */
static void shell_ack_hold(struct shell *sh, int stream, const char *s, size_t len,
			   const char *what)
{
	uint32_t n = (uint32_t)len;

	buf_putc(&sh->held, (char)stream);
	buf_append(&sh->held, (const char *)&n, sizeof n);
	buf_append(&sh->held, s, len);
	buf_puts(&sh->held, what != NULL ? what : "");
	buf_putc(&sh->held, '\0');
}

void shell_ack_out(struct shell *sh, int stream, const char *s, size_t len, const char *what)
{
	if (shell_ack_holding(sh)) {
		shell_ack_hold(sh, stream, s, len, what);
		return;
	}
	if (what != NULL && sh->host.write_secret != NULL)
		sh->host.write_secret(sh->host.ctx, stream, s, len, what);
	else
		sh->host.write(sh->host.ctx, stream, s, len);
}

void shell_ack_flush(struct shell *sh)
{
	size_t pos = 0;

	while (pos + 1 + sizeof(uint32_t) <= sh->held.len) {
		int stream = sh->held.data[pos];
		uint32_t n;
		const char *data, *what;

		memcpy(&n, sh->held.data + pos + 1, sizeof n);
		data = sh->held.data + pos + 1 + sizeof n;
		what = data + n;
		if (*what != '\0' && sh->host.write_secret != NULL)
			sh->host.write_secret(sh->host.ctx, stream, data, n, what);
		else if (n > 0)
			sh->host.write(sh->host.ctx, stream, data, n);
		pos = (size_t)(what - sh->held.data) + strlen(what) + 1;
	}
	if (sh->held.data != NULL)
		sodium_memzero(sh->held.data, sh->held.cap);
	buf_reset(&sh->held);
}

static void shell_ack_synced_cb(struct shell *sh, void *arg, int rc)
{
	(void)arg;
	if (sh == NULL)
		return;
	sh->sync_pending = false;
	shell_ack_flush(sh);
	if (rc < 0) {
		const char *msg = strcmp(sh->lang, "zh") == 0
		                      ? "警告：磁盘未能确认刚才的修改已保存，请用查看命令核对\r\n"
		                      : "warning: the disk did not confirm that the last change was "
		                        "saved; check it with the command that shows it\r\n";

		sh->host.write(sh->host.ctx, sh->interactive ? 1 : 2, msg, strlen(msg));
	}
	if (sh->exit_deferred) {
		sh->exit_deferred = false;
		sh->exit_done = true;
		sh->host.exit(sh->host.ctx, sh->exit_status);
		return;
	}
	shell_ack_turn(sh);
	if (sh->ack_resume != NULL)
		sh->ack_resume(sh);
	shell_ack_sync(sh);
}

bool shell_ack_sync(struct shell *sh)
{
	if (sh->sync_pending)
		return true;
	if (sh->exit_done)
		return false;
	if (!shell_ack_holding(sh))
		return false;
	sh->sync_pending = true;
	if (sh->host.sync(sh->host.ctx, shell_ack_synced_cb, NULL) < 0) {
		/* No pool to sync on: show what happened (it is committed, if not yet synced). */
		sh->sync_pending = false;
		shell_ack_flush(sh);
		shell_ack_turn(sh);
		return false;
	}
	return true;
}
