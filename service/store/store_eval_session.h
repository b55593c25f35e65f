/* store_eval_session — what a recorded session did, as the audit log tells it, for scoring the
 * session (evaluate --session ID): its account, first and last event, the commands it ran and
 * the complaints its changes touched. Reads only, each through the audit log's index by
 * session, so they grow with the session and not with the desk. Same threading as store.h;
 * strings passed in are borrowed; the record returned owns its strings
 * (store_eval_session_clear; NULL does nothing). Errors: 0, STORE_ENOENT when the audit log
 * has no event of that session, or a negative store error. */
#ifndef PROPDESK_STORE_EVAL_SESSION_H
#define PROPDESK_STORE_EVAL_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define EVAL_SESSION_COMMANDS_MAX 200   /* commands loaded (the first ones) */
#define EVAL_SESSION_COMPLAINTS_MAX 100 /* complaints loaded (the first touched) */

struct eval_session_command {
	int64_t ts_ms;
	char *text; /* the command as typed (the audit event's detail) */
	char *name; /* its canonical name */
};

struct eval_session_complaint {
	char *number;
	char *actions; /* the audit actions of the session on it, comma-separated, first first */
	int64_t first_ms;
};

struct eval_session {
	char *account; /* from its login (or its first command); NULL when it logged in no one */
	char *role, *transport, *peer;
	int64_t first_ms, last_ms; /* its first and last audit event */
	int64_t events;            /* audit events of the session */
	int64_t commands_total;
	struct eval_session_command *commands; /* oldest first, at most ..._COMMANDS_MAX */
	size_t ncommands;
	struct eval_session_complaint *complaints; /* by first touch, at most ..._COMPLAINTS_MAX */
	size_t ncomplaints;
};

int store_eval_session_get(struct store *st, const char *session, struct eval_session *out);
void store_eval_session_clear(struct eval_session *s);

#endif
