/* telnet_login — the login prompts of one telnet connection, without a socket: user name
 * (echoed) then password (secret), both through a lineedit. Used by the listener (telnetsrv),
 * the unit tests and the fuzzer. Any thread, one object per connection; strings passed in are
 * copied. */
#ifndef PROPDESK_TELNET_LOGIN_H
#define PROPDESK_TELNET_LOGIN_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

struct telnet_login;
enum telnet_login_event {
	TELNET_LOGIN_MORE = 0, /* all input consumed, nothing to do yet */
	TELNET_LOGIN_READY,    /* user and password are set: check them */
	TELNET_LOGIN_QUIT,     /* the user pressed Ctrl-D on an empty prompt */
};
/* max_tries: failed logins allowed on this connection. Out of memory aborts. */
struct telnet_login *telnet_login_new(int cols, int max_tries);
/* Wipes the password. NULL does nothing. */
void telnet_login_free(struct telnet_login *l);
void telnet_login_set_width(struct telnet_login *l, int cols);
/* Draws the user-name prompt into out. */
void telnet_login_start(struct telnet_login *l, struct buf *out);
/* Feeds the user's input; stops at the first event other than MORE, *used tells how much was
 * consumed. Screen output goes to out. */
enum telnet_login_event telnet_login_feed(struct telnet_login *l, const char *in, size_t len,
                                          size_t *used, struct buf *out);
/* After READY: the user name and password (borrowed, until the next feed or wipe). */
const char *telnet_login_user(const struct telnet_login *l);
const char *telnet_login_password(const struct telnet_login *l);
/* Forgets the password (wiped). */
void telnet_login_wipe(struct telnet_login *l);
/* The check failed: prints "login incorrect" into out, then either prompts again (true) or,
 * after max_tries failures, returns false (the caller closes the connection). */
bool telnet_login_failed(struct telnet_login *l, struct buf *out);

#endif
