/* cmd — the one dispatcher over the command groups of a registry. */
#include "cmd.h"

#include <string.h>

#include "utf8.h"
#include "wrap.h"

const struct args_opt cmd_opts_json[] = {
    {"json", 0},
    {NULL, 0},
};

const struct args_opt cmd_opts_reason[] = {
    {"reason", ARGS_VALUE | ARGS_REQUIRED},
    {NULL, 0},
};

size_t cmd_count(const struct cmd_registry *r)
{
	size_t i, n = 0;

	for (i = 0; r != NULL && i < r->ngroups; i++)
		n += r->groups[i]->n;
	return n;
}

const struct cmd_entry *cmd_at(const struct cmd_registry *r, size_t i)
{
	size_t g;

	for (g = 0; g < r->ngroups; g++) {
		if (i < r->groups[g]->n)
			return &r->groups[g]->entries[i];
		i -= r->groups[g]->n;
	}
	return NULL;
}

/* The first word of an entry: its group, or the word of a single-word command. */
static const char *cmd_first_word(const struct cmd_entry *e)
{
	return e->group ? e->group : e->verb;
}

static bool cmd_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Appends word to a space separated list unless it is already there. */
static void cmd_list_add(struct buf *list, const char *word)
{
	const char *p;
	size_t n = strlen(word);

	if (list == NULL)
		return;
	for (p = buf_cstr(list); (p = strstr(p, word)) != NULL; p += n) {
		if ((p == list->data || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return;
	}
	if (list->len > 0)
		buf_putc(list, ' ');
	buf_puts(list, word);
}

int cmd_lookup_first(const struct cmd_registry *r, const char *word, const char **first,
                     struct buf *candidates)
{
	const char *found = NULL;
	size_t i, matches = 0;
	struct buf names;

	for (i = 0; i < cmd_count(r); i++) {
		if (strcmp(cmd_first_word(cmd_at(r, i)), word) == 0) {
			*first = cmd_first_word(cmd_at(r, i));
			return 0;
		}
	}
	buf_init(&names);
	for (i = 0; i < cmd_count(r); i++) {
		const char *w = cmd_first_word(cmd_at(r, i));

		if (word[0] != '\0' && cmd_has_prefix(w, word) &&
		    (found == NULL || strcmp(found, w))) {
			size_t before = names.len;

			cmd_list_add(&names, w);
			if (names.len != before) {
				matches++;
				found = w;
			}
		}
	}
	if (matches == 1) {
		buf_free(&names);
		*first = found;
		return 0;
	}
	if (matches > 1 && candidates != NULL)
		buf_puts(candidates, buf_cstr(&names));
	buf_free(&names);
	return matches > 1 ? CMD_EAMBIGUOUS : CMD_EUNKNOWN;
}

int cmd_lookup(const struct cmd_registry *r, const char *const *words, size_t nwords,
               unsigned roles,
               const struct cmd_entry **out, size_t *nused, struct buf *candidates)
{
	const struct cmd_entry *found = NULL;
	const char *first;
	size_t i, matches = 0;
	int rc;

	if (nwords == 0)
		return CMD_EEMPTY;
	rc = cmd_lookup_first(r, words[0], &first, candidates);
	if (rc < 0)
		return rc;
	/* A single word may also head a group of its own ("who" and "who watches"): the
	 * group's verb, spelt out, wins over the single word's arguments. */
	for (i = 0; nwords >= 2 && i < cmd_count(r); i++) {
		const struct cmd_entry *e = cmd_at(r, i);

		if (e->group && strcmp(e->group, first) == 0 && strcmp(e->verb, words[1]) == 0) {
			*out = e;
			*nused = 2;
			return 0;
		}
	}
	for (i = 0; i < cmd_count(r); i++) {
		if (cmd_at(r, i)->group == NULL && strcmp(cmd_at(r, i)->verb, first) == 0) {
			*out = cmd_at(r, i);
			*nused = 1;
			return 0;
		}
	}
	/* A group: its verb. */
	if (nwords < 2) {
		for (i = 0; i < cmd_count(r); i++)
			if (cmd_at(r, i)->group && strcmp(cmd_at(r, i)->group, first) == 0 &&
			    (cmd_at(r, i)->roles & roles))
				cmd_list_add(candidates, cmd_at(r, i)->verb);
		return CMD_ENOVERB;
	}
	for (i = 0; i < cmd_count(r); i++) {
		const struct cmd_entry *e = cmd_at(r, i);

		if (e->group && strcmp(e->group, first) == 0 && strcmp(e->verb, words[1]) == 0) {
			*out = e;
			*nused = 2;
			return 0;
		}
	}
	for (i = 0; i < cmd_count(r); i++) {
		const struct cmd_entry *e = cmd_at(r, i);

		if (e->group && strcmp(e->group, first) == 0 && words[1][0] != '\0' &&
		    cmd_has_prefix(e->verb, words[1])) {
			matches++;
			found = e;
		}
	}
	if (matches == 1) {
		*out = found;
		*nused = 2;
		return 0;
	}
	for (i = 0; i < cmd_count(r); i++) {
		const struct cmd_entry *e = cmd_at(r, i);

		if (e->group == NULL || strcmp(e->group, first) != 0)
			continue;
		if (matches > 1 ? cmd_has_prefix(e->verb, words[1]) : (e->roles & roles) != 0)
			cmd_list_add(candidates, e->verb);
	}
	return matches > 1 ? CMD_EAMBIGUOUS : CMD_EUNKNOWN;
}

void cmd_name(const struct cmd_entry *e, struct buf *out)
{
	if (e->group) {
		buf_puts(out, e->group);
		buf_putc(out, ' ');
	}
	buf_puts(out, e->verb);
}

const char *cmd_help_text(const struct cmd_entry *e, const char *lang)
{
	return lang != NULL && strcmp(lang, "zh") == 0 ? e->help_zh : e->help_en;
}

/* The label of a help section, at its first entry e: its group's title in lang, else the
 * group's word, or "session" for single words. */
static const char *cmd_section_label(const struct cmd_registry *r, const struct cmd_entry *e,
                                     const char *lang)
{
	bool zh = lang != NULL && strcmp(lang, "zh") == 0;
	size_t i;

	for (i = 0; i < r->ngroups; i++) {
		const struct cmd_group *g = r->groups[i];

		if (e < g->entries || e >= g->entries + g->n)
			continue;
		if (zh && g->title_zh != NULL)
			return g->title_zh;
		if (!zh && g->title_en != NULL)
			return g->title_en;
	}
	if (e->group != NULL)
		return e->group;
	return zh ? "会话" : "session";
}

/* Appends text folded within width: its first line from column first, the next ones
 * indented by indent spaces; then a newline. */
static void cmd_help_fold(struct buf *out, const char *text, size_t width, size_t first,
                          size_t indent)
{
	char pad[64];

	if (indent >= sizeof pad)
		indent = sizeof pad - 1;
	memset(pad, ' ', indent);
	pad[indent] = '\0';
	wrap_text(out, text, strlen(text), width, first, pad);
	buf_putc(out, '\n');
}

void cmd_help_list(const struct cmd_registry *r, unsigned roles, const char *lang, size_t width,
                   struct buf *out)
{
	bool zh = lang != NULL && strcmp(lang, "zh") == 0;
	size_t i, j, name_cols = 0, indent;

	for (i = 0; i < cmd_count(r); i++) {
		struct buf n;

		if (!(cmd_at(r, i)->roles & roles))
			continue;
		buf_init(&n);
		cmd_name(cmd_at(r, i), &n);
		if (n.len > name_cols)
			name_cols = n.len;
		buf_free(&n);
	}
	/* The text beside the names, folded under itself; on a narrow screen, under the name. */
	indent = 2 + name_cols + 2;
	if (width > 0 && indent + 24 > width)
		indent = 6;
	cmd_help_fold(out,
	              zh ? "可用命令（help 命令 查看详细用法）：" : "Commands you may run (help COMMAND for details):",
	              width, 0, 0);
	for (i = 0; i < cmd_count(r); i++) {
		const struct cmd_entry *e = cmd_at(r, i);
		bool seen = false;

		/* Each section once, at the first entry of its group. */
		for (j = 0; j < i; j++) {
			const char *a = cmd_at(r, j)->group, *b = e->group;

			if ((a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0))
				seen = true;
		}
		if (seen)
			continue;
		for (j = i; j < cmd_count(r); j++) {
			const struct cmd_entry *f = cmd_at(r, j);
			const char *a = f->group, *b = e->group;
			struct buf n;

			if (!((a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0)))
				continue;
			if (!(f->roles & roles))
				continue;
			if (!seen) {
				buf_printf(out, "\n%s\n", cmd_section_label(r, e, lang));
				seen = true;
			}
			buf_init(&n);
			cmd_name(f, &n);
			if (indent == 6) {
				buf_printf(out, "  %s\n      ", buf_cstr(&n));
			} else {
				buf_printf(out, "  %-*s  ", (int)name_cols, buf_cstr(&n));
			}
			cmd_help_fold(out, cmd_help_text(f, lang), width, indent, indent);
			buf_free(&n);
		}
	}
}

int cmd_help_one(const struct cmd_registry *r, const char *const *words, size_t nwords,
                 unsigned roles, const char *lang, size_t width, struct buf *out)
{
	bool zh = lang != NULL && strcmp(lang, "zh") == 0;
	const struct cmd_entry *e;
	size_t used, i;
	int rc;

	rc = cmd_lookup(r, words, nwords, roles, &e, &used, NULL);
	if (rc == CMD_ENOVERB) {
		const char *first;
		bool any = false;

		/* help GROUP: the usage of each verb the role may run. */
		cmd_lookup_first(r, words[0], &first, NULL);
		for (i = 0; i < cmd_count(r); i++) {
			e = cmd_at(r, i);
			if (e->group == NULL || strcmp(e->group, first) != 0 || !(e->roles & roles))
				continue;
			cmd_help_fold(out, e->usage, width, 0, 2);
			buf_puts(out, "    ");
			cmd_help_fold(out, cmd_help_text(e, lang), width, 4, 4);
			any = true;
		}
		if (!any)
			buf_printf(out,
			           zh ? "%s：你的角色不能使用这组命令\n"
			              : "%s: your role may not run these commands\n",
			           first);
		return 0;
	}
	if (rc < 0)
		return rc;
	buf_puts(out, zh ? "用法：" : "usage: ");
	cmd_help_fold(out, e->usage, width, zh ? 6 : 7, zh ? 6 : 7);
	cmd_help_fold(out, cmd_help_text(e, lang), width, 0, 0);
	if (!(e->roles & roles))
		buf_puts(out, zh ? "（你的角色不能使用这个命令）\n"
		                 : "(your role may not run this command)\n");
	return 0;
}

void cmd_complete(const struct cmd_registry *r, unsigned roles, const char *line, size_t len,
                  cmd_complete_add add, void *arg)
{
	struct args a;
	const char *word;
	size_t nfull, i;
	bool trailing_space;

	args_init(&a);
	if (args_split(&a, line, len, 0) < 0)
		return;
	trailing_space = len == 0 || line[len - 1] == ' ' || line[len - 1] == '\t';
	nfull = trailing_space ? a.nwords : (a.nwords > 0 ? a.nwords - 1 : 0);
	word = trailing_space || a.nwords == 0 ? "" : a.words[a.nwords - 1];
	if (nfull == 0) {
		/* First word: groups and single words with at least one allowed command. */
		for (i = 0; i < cmd_count(r); i++) {
			const char *w = cmd_first_word(cmd_at(r, i));
			size_t j;
			bool dup = false;

			if (!(cmd_at(r, i)->roles & roles) || !cmd_has_prefix(w, word))
				continue;
			for (j = 0; j < i; j++)
				if ((cmd_at(r, j)->roles & roles) &&
				    strcmp(cmd_first_word(cmd_at(r, j)), w) == 0)
					dup = true;
			if (!dup)
				add(arg, w);
		}
	} else {
		const struct cmd_entry *e;
		size_t used;
		const char *first;

		if (nfull == 1 && cmd_lookup_first(r, a.words[0], &first, NULL) == 0) {
			for (i = 0; i < cmd_count(r); i++) {
				const struct cmd_entry *f = cmd_at(r, i);

				if (f->group && strcmp(f->group, first) == 0 &&
				    (f->roles & roles) && cmd_has_prefix(f->verb, word))
					add(arg, f->verb);
			}
		}
		/* Options of a known command. */
		if (strncmp(word, "--", 2) == 0 &&
		    cmd_lookup(r, a.words, nfull, roles, &e, &used, NULL) == 0 && (e->roles & roles) &&
		    e->opts != NULL) {
			const struct args_opt *o;

			for (o = e->opts; o->name != NULL; o++) {
				struct buf b;

				buf_init(&b);
				buf_printf(&b, "--%s", o->name);
				if (cmd_has_prefix(b.data, word))
					add(arg, b.data);
				buf_free(&b);
			}
		}
	}
	args_clear(&a);
}
