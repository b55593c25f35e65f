/* shell_flow — a command's output held back to the pace of its reader (see the header). */
#include "shell_flow.h"

#include <errno.h>

#include "cmd.h"
#include "shell_int.h"

bool shell_flow_room(struct shell *sh, size_t below)
{
	return sh->host.output_queued == NULL || sh->host.output_queued(sh->host.ctx) <= below;
}

int shell_flow_wait(struct shell *sh, size_t below, shell_work_done_fn next, void *arg)
{
	if (sh->flow_next != NULL)
		return CMD_ERROR;
	sh->flow_next = next;
	sh->flow_arg = arg;
	sh->flow_below = below;
	/* Room already (or a host without a queue): go on now. */
	shell_flow_drained(sh);
	return CMD_PENDING;
}

/* Takes the continuation out before it runs: it may wait again. */
static void shell_flow_fire(struct shell *sh, struct shell *arg_sh, int rc)
{
	shell_work_done_fn next = sh->flow_next;
	void *arg = sh->flow_arg;

	sh->flow_next = NULL;
	sh->flow_arg = NULL;
	next(arg_sh, arg, rc);
}

void shell_flow_drained(struct shell *sh)
{
	if (sh == NULL || sh->flow_next == NULL)
		return;
	if (sh->exited) {
		shell_flow_fire(sh, NULL, -ECANCELED);
		return;
	}
	if (shell_flow_room(sh, sh->flow_below))
		shell_flow_fire(sh, sh, 0);
}

void shell_flow_cancel(struct shell *sh)
{
	if (sh->flow_next != NULL)
		shell_flow_fire(sh, NULL, -ECANCELED);
}
