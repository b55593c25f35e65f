/* shell_flow — flow control of a command's long output (an export of the whole audit log):
 * the command asks whether the host's queue for the client has room, and when it has not,
 * waits until the client has read it down, so that a slow reader holds the command back
 * instead of growing the service's memory. Loop thread only; the state lives in struct shell
 * (shell_int.h). A host without a queue of its own (shell_host.output_queued NULL) always
 * has room. */
#ifndef PROPDESK_SHELL_FLOW_H
#define PROPDESK_SHELL_FLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"

struct shell;

/* True when at most below bytes of output wait for the client. */
bool shell_flow_room(struct shell *sh, size_t below);
/* Waits for room (shell_flow_room(sh, below)): next(sh, arg, 0) runs on the loop once the
 * host has sent enough, from the host's shell_flow_drained (or at once, inside this call,
 * when there is room already), or next(NULL, arg, -ECANCELED)
 * when the shell ends first (next must still release arg). next continues the command: it
 * starts its next step (shell_work), waits again, or ends it (shell_cmd_done). One wait at a
 * time: returns CMD_PENDING, or CMD_ERROR when a wait is already set (next is not called). */
int shell_flow_wait(struct shell *sh, size_t below, shell_work_done_fn next, void *arg);
/* The host, after some of the queued output was sent: runs the waiting continuation when
 * there is room now. Cheap when nothing waits. */
void shell_flow_drained(struct shell *sh);
/* At shell_free: a waiting continuation gets sh NULL. */
void shell_flow_cancel(struct shell *sh);

#endif
