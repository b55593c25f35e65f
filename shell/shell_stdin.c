/* shell_stdin — exec mode's stdin as the command reads it: taken whole, line by line, given
 * back early, and how much the prepared command may keep. Reads struct shell's fields and
 * calls the host only (shell_int.h). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "cmd.h"
#include "shell.h"
#include "shell_int.h"

void shell_stdin_done(struct shell *sh)
{
	if (sh->interactive)
		return;
	if (sh->in.data != NULL)
		sodium_memzero(sh->in.data, sh->in.cap);
	buf_free(&sh->in);
	if (sh->host.stdin_done != NULL)
		sh->host.stdin_done(sh->host.ctx);
}

const char *shell_stdin(struct shell *sh, size_t *len)
{
	*len = sh->in.len;
	return buf_cstr(&sh->in);
}

bool shell_stdin_line(struct shell *sh, size_t *pos, struct buf *out)
{
	const char *s = buf_cstr(&sh->in);
	const char *nl;
	size_t end;

	buf_reset(out);
	if (*pos >= sh->in.len)
		return false;
	nl = memchr(s + *pos, '\n', sh->in.len - *pos);
	end = nl ? (size_t)(nl - s) : sh->in.len;
	buf_append(out, s + *pos, end - *pos);
	if (out->len > 0 && out->data[out->len - 1] == '\r')
		out->data[--out->len] = '\0';
	*pos = nl ? end + 1 : end;
	return true;
}

/* The most stdin the prepared command keeps: its own maximum, capped by max_stdin. */
size_t shell_stdin_cap(const struct shell *sh)
{
	size_t max = sh->cmd != NULL ? sh->cmd->stdin_max : 0;

	return max > 0 && max < sh->opts.max_stdin ? max : sh->opts.max_stdin;
}

size_t shell_stdin_wanted(const struct shell *sh)
{
	if (sh->interactive || sh->exited || !sh->in_wait || sh->in_eof || sh->in_over)
		return 0;
	return shell_stdin_cap(sh);
}
