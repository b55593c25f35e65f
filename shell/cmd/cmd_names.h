/* cmd_names — accounts named in a report, shown with their display names beside
 * ("agent1 (王小明)", and "display" in JSON). A small cache, filled as a report names accounts
 * (one indexed read of the store per account named). Loop thread, or the pool thread of a job
 * with its own store; the strings returned are the cache's until cmd_names_clear. */
#ifndef PROPDESK_CMD_NAMES_H
#define PROPDESK_CMD_NAMES_H

#include <stddef.h>

struct store;

struct cmd_names {
	struct cmd_names_entry {
		char *name, *display, *label;
	} *v;
	size_t n, cap;
};

void cmd_names_init(struct cmd_names *c);
void cmd_names_clear(struct cmd_names *c);
/* The display name of account name, or NULL (none set, no such account, name NULL). */
const char *cmd_names_display(struct cmd_names *c, struct store *st, const char *name);
/* "name (display)", or name alone without a display name (or one that is the name); NULL for
 * NULL. */
const char *cmd_names_label(struct cmd_names *c, struct store *st, const char *name);

#endif
