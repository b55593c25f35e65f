/* telnet_login — the login prompts of a telnet connection, without a socket. */
#include "telnet_login.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "lineedit.h"
#include "xalloc.h"

/* Longest user name or password line. */
#define TELNET_LOGIN_LINE_MAX 256
#define TELNET_LOGIN_DEFAULT_COLS 80

#define TELNET_LOGIN_PROMPT_USER "login (用户名): "
#define TELNET_LOGIN_PROMPT_PASSWORD "password (密码): "
#define TELNET_LOGIN_MSG_INCORRECT "login incorrect / 用户名或密码错误\r\n"

struct telnet_login {
	struct lineedit *le;
	bool asking_password;
	int failures, max_tries;
	char *user;
	char *password;
};

static void telnet_login_free_secret(char **s)
{
	if (*s == NULL)
		return;
	sodium_memzero(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

struct telnet_login *telnet_login_new(int cols, int max_tries)
{
	struct telnet_login *l = calloc(1, sizeof *l);

	if (l == NULL)
		abort();
	l->le = lineedit_new(TELNET_LOGIN_LINE_MAX, 0);
	if (l->le == NULL)
		abort();
	l->max_tries = max_tries;
	lineedit_set_width(l->le, cols > 0 ? cols : TELNET_LOGIN_DEFAULT_COLS);
	return l;
}

void telnet_login_free(struct telnet_login *l)
{
	if (l == NULL)
		return;
	lineedit_free(l->le);
	telnet_login_free_secret(&l->user);
	telnet_login_free_secret(&l->password);
	free(l);
}

void telnet_login_set_width(struct telnet_login *l, int cols)
{
	if (cols > 0)
		lineedit_set_width(l->le, cols);
}

void telnet_login_start(struct telnet_login *l, struct buf *out)
{
	l->asking_password = false;
	telnet_login_free_secret(&l->user);
	telnet_login_free_secret(&l->password);
	lineedit_start(l->le, TELNET_LOGIN_PROMPT_USER, false, out);
}

enum telnet_login_event telnet_login_feed(struct telnet_login *l, const char *in, size_t len,
                                          size_t *used, struct buf *out)
{
	size_t off = 0, n;
	enum lineedit_event ev;

	while (off < len) {
		ev = lineedit_feed(l->le, in + off, len - off, &n, out);
		off += n;
		if (ev == LINEEDIT_INTERRUPT) {
			telnet_login_start(l, out);
		} else if (ev == LINEEDIT_EOF) {
			*used = off;
			return TELNET_LOGIN_QUIT;
		} else if (ev == LINEEDIT_LINE && !l->asking_password) {
			if (lineedit_line(l->le)[0] == '\0') {
				telnet_login_start(l, out);
				continue;
			}
			l->user = xalloc_strdup(lineedit_line(l->le));
			l->asking_password = true;
			lineedit_start(l->le, TELNET_LOGIN_PROMPT_PASSWORD, true, out);
		} else if (ev == LINEEDIT_LINE) {
			l->password = xalloc_strdup(lineedit_line(l->le));
			/* The editor keeps the finished line until the next start: an empty
			 * secret prompt replaces (and wipes) it. */
			lineedit_start(l->le, "", true, out);
			l->asking_password = false;
			*used = off;
			return TELNET_LOGIN_READY;
		} else if (n == 0) {
			break;
		}
	}
	*used = off;
	return TELNET_LOGIN_MORE;
}

const char *telnet_login_user(const struct telnet_login *l)
{
	return l->user ? l->user : "";
}

const char *telnet_login_password(const struct telnet_login *l)
{
	return l->password ? l->password : "";
}

void telnet_login_wipe(struct telnet_login *l)
{
	telnet_login_free_secret(&l->password);
}

bool telnet_login_failed(struct telnet_login *l, struct buf *out)
{
	telnet_login_wipe(l);
	buf_puts(out, TELNET_LOGIN_MSG_INCORRECT);
	if (++l->failures >= l->max_tries)
		return false;
	telnet_login_start(l, out);
	return true;
}
