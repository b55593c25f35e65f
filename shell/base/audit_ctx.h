/* audit_ctx — who does a change, as its audit event records it: the shell fills it in for
 * the account of a session, and the store writes it into the event (store_audit.h). */
#ifndef PROPDESK_AUDIT_CTX_H
#define PROPDESK_AUDIT_CTX_H

/* Who does a change: written into its audit event. Any field may be NULL. */
struct audit_ctx {
	const char *account;
	const char *role;
	const char *session;
	const char *peer;
	const char *transport; /* "ssh", "telnet", "cli" */
};

#endif
