/* shell_ack — durable acknowledgement for the shell: when a turn of the shell (input typed, a
 * callback from the host) changes the store, what the shell would show from that change on
 * (the outcome, the prompt, an exec's exit) is held, and the input that follows waits, until
 * the host says the change is on disk (shell_host.sync). Reads, and turns that change
 * nothing, are never held. Loop thread only; the state lives in struct shell (shell_int.h). */
#ifndef PROPDESK_SHELL_ACK_H
#define PROPDESK_SHELL_ACK_H

#include <stdbool.h>
#include <stddef.h>

struct shell;

/* At shell_new: nothing held; resume feeds the input queued while a sync ran. */
void shell_ack_init(struct shell *sh, void (*resume)(struct shell *sh));
/* At shell_free: what is still held is wiped. */
void shell_ack_clear(struct shell *sh);
/* A turn begins: changes from here on are this turn's. */
void shell_ack_turn(struct shell *sh);
/* What the running command changed so far (its audit event, bookkeeping) acknowledges
 * nothing: its output need not wait for the disk. A command whose screen is not its own from
 * here on (watch) says so before it prints. No effect once something was held. */
void shell_ack_now(struct shell *sh);
/* Output to the host: written now, or held while a change of this turn is not yet on disk.
 * what: non-NULL for a secret (host.write_secret). */
void shell_ack_out(struct shell *sh, int stream, const char *s, size_t len, const char *what);
/* Writes out what is held and wipes it (the host's exit cannot wait any longer). */
void shell_ack_flush(struct shell *sh);
/* At the end of a turn, and after each line within one: when the turn changed the store,
 * asks the host to sync; output and input wait meanwhile. True while a sync is outstanding
 * (then the held output, a deferred exit, and resume follow when it is done). */
bool shell_ack_sync(struct shell *sh);

#endif
