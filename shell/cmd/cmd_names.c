/* cmd_names — account names with their display names, for reports. */
#include "cmd_names.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store.h"
#include "store_account.h"
#include "xalloc.h"

void cmd_names_init(struct cmd_names *c)
{
	memset(c, 0, sizeof *c);
}

void cmd_names_clear(struct cmd_names *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].display);
		free(c->v[i].label);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

static struct cmd_names_entry *cmd_names_get(struct cmd_names *c, struct store *st,
                                             const char *name)
{
	struct cmd_names_entry *e;
	struct account a;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		if (c->v == NULL)
			abort();
	}
	e = &c->v[c->n++];
	memset(e, 0, sizeof *e);
	e->name = xalloc_strdup(name);
	memset(&a, 0, sizeof a);
	/* An account since removed (or a read that failed) keeps its name alone. */
	if (st != NULL && store_account_get(st, name, &a) == 0 && a.display != NULL &&
	    a.display[0] != '\0' && strcmp(a.display, name) != 0)
		e->display = xalloc_strdup(a.display);
	store_account_clear(&a);
	if (e->display != NULL) {
		struct buf b;

		buf_init(&b);
		buf_printf(&b, "%s (%s)", name, e->display);
		e->label = xalloc_strdup(buf_cstr(&b));
		buf_free(&b);
	} else {
		e->label = xalloc_strdup(name);
	}
	return e;
}

const char *cmd_names_display(struct cmd_names *c, struct store *st, const char *name)
{
	return name != NULL ? cmd_names_get(c, st, name)->display : NULL;
}

const char *cmd_names_label(struct cmd_names *c, struct store *st, const char *name)
{
	return name != NULL ? cmd_names_get(c, st, name)->label : NULL;
}
