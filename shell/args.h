/* args — the command-line grammar shared by the interactive shell and exec mode: a tokenizer
 * (whitespace separated words, '...' and "..." quoting, backslash escapes) and an option parser
 * (--name, --name VALUE, --name=VALUE, -- ends options) driven by a per-command option spec.
 * Pure; any thread. A struct args owns its words (args_clear frees them); every pointer it
 * hands out points into it and is valid until args_clear or the next args_split. */
#ifndef PROPDESK_ARGS_H
#define PROPDESK_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define ARGS_MAX_WORDS 64

/* Errors (negative). args_error formats them with the word they are about. */
enum {
	ARGS_ETOOLONG = -1,  /* the line is longer than allowed */
	ARGS_ETOOMANY = -2,  /* more than ARGS_MAX_WORDS words */
	ARGS_EQUOTE = -3,    /* unterminated quote */
	ARGS_EESCAPE = -4,   /* backslash at the end of the line */
	ARGS_ECONTROL = -5,  /* invalid UTF-8 or a control character */
	ARGS_EUNKNOWN = -6,  /* unknown option (bad: the word) */
	ARGS_EMISSING = -7,  /* option needs a value (bad: the option name) */
	ARGS_ENOVALUE = -8,  /* option takes no value but got one (bad: the option name) */
	ARGS_EDUP = -9,      /* option given twice (bad: the option name) */
	ARGS_EFEW = -10,     /* too few positional arguments */
	ARGS_EMANY = -11,    /* too many positional arguments (bad: the first extra one) */
	ARGS_EREQUIRED = -12 /* a required option is missing (bad: the option name) */
};

/* Option spec flags. */
#define ARGS_VALUE 0x1    /* takes a value: --name VALUE or --name=VALUE */
#define ARGS_REQUIRED 0x2 /* must be given */

/* One option a command accepts; a spec is an array ended by { NULL, 0 }. */
struct args_opt {
	const char *name; /* without the leading "--" */
	unsigned flags;
};

struct args_value {
	const char *name;  /* the spec's name */
	const char *value; /* NULL for a flag */
};

struct args {
	char *store; /* the words' bytes, NUL separated (owned) */
	size_t nwords;
	const char *words[ARGS_MAX_WORDS];
	/* Filled by args_parse: */
	size_t first; /* index of the first word after the command words */
	size_t npos;
	const char *pos[ARGS_MAX_WORDS];
	size_t nopts;
	struct args_value opts[ARGS_MAX_WORDS];
	const char *bad; /* the word or option name the last error is about, or NULL */
};

void args_init(struct args *a);
/* Frees the words; a is left empty and reusable. */
void args_clear(struct args *a);
/* Splits line[0..len) into words. max_len: longest line accepted (0: no limit). The line must
 * be valid UTF-8 without control characters other than tab, CR and LF (which, like space and
 * U+3000 IDEOGRAPHIC SPACE, separate words). Returns 0 or an ARGS_E* error (a is then empty). */
int args_split(struct args *a, const char *line, size_t len, size_t max_len);
/* Parses words[first..] against spec (NULL: no options): options anywhere until "--",
 * the rest positional. Returns 0 or an ARGS_E* error (a->bad says which word/option). */
int args_parse(struct args *a, size_t first, const struct args_opt *spec, size_t min_pos,
               size_t max_pos);
/* After args_parse: was option name given? */
bool args_has(const struct args *a, const char *name);
/* After args_parse: the value of option name, or NULL. */
const char *args_get(const struct args *a, const char *name);
/* Appends the message for err (with a->bad) in lang ("zh" or "en") to out, no newline. */
void args_error(const struct args *a, int err, const char *lang, struct buf *out);
/* Appends w to out quoted so that args_split gives w back (unquoted when that is safe). */
void args_quote(struct buf *out, const char *w);

#endif
