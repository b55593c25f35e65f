/* form — a guided form on the shell's line prompts (shell_read_line): a list of steps, each
 * with a prompt, a default, `?` for its choices or help, validation with an explanation, and
 * multi-line text ended by a line with a single ".". `<` or `back` returns to the previous
 * step; Ctrl-C (or Ctrl-D) asks before discarding. After every completed step the values are
 * saved as the account's draft (store_draft_save, the form's kind) so a dropped connection
 * loses at most the step being typed; form_start resumes from such a draft.
 * Loop thread only. The form runs as the shell's current command: it is owned by the shell
 * (freed when the command ends or the shell is freed) and ends the command itself. */
#ifndef PROPDESK_FORM_H
#define PROPDESK_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct shell;
struct form;

/* Step flags. */
#define FORM_TEXT 0x1 /* multi-line text ended by a line with a single "." */

/* What a step's accept returns: a step index to go to (>= 0), or: */
#define FORM_NEXT (-1)  /* the following step */
#define FORM_AGAIN (-2) /* ask the same step again (accept printed why) */
#define FORM_ENDED (-3) /* the step ended the form with form_end: touch nothing more */

#define FORM_TEXT_MAX 8192 /* bytes of a multi-line answer */
#define FORM_VALUES_MAX 128

struct form_step {
	const char *key; /* names the step in the draft; also the value the default comes from */
	unsigned flags;
	const char *prompt_en, *prompt_zh; /* "Unit", "单元号": the engine adds the default */
	/* Optional: runs each time the step comes up, before its prompt (it may print); false
	 * skips the step (it counts as done, the draft is saved). */
	bool (*enter)(struct form *f);
	/* Optional: the default into out when the step has no value yet (left empty: none). An
	 * answer given before (resume, back) is the default otherwise. */
	void (*def)(struct form *f, struct buf *out);
	/* Optional: `?` prints the choices or help. */
	void (*help)(struct form *f);
	/* Checks the answer (the default when the line was empty, "" when there is none) and
	 * stores values with form_set. Returns where to go next (see above). */
	int (*accept)(struct form *f, const char *value);
	/* Optional: whether the values this step's accept stores are there (when required) and
	 * valid by the step's own rules, printing nothing; it may refresh values derived from
	 * them. A resumed draft is checked with it (see form_start). */
	bool (*check)(struct form *f);
};

struct form_spec {
	const char *kind;              /* the draft's kind: "complaint" */
	const char *what_en, *what_zh; /* "complaint", "投诉": in "discard this complaint?" */
	const struct form_step *steps;
	size_t nsteps;
	/* Frees the form's arg (NULL: nothing to free). Called once, when the form is freed. */
	void (*free_arg)(void *arg);
};

/* Starts spec as the running command of sh (interactive). data: a draft saved by a form of
 * this spec (NULL: a new form) — its values and step are taken over. A draft that does not
 * parse, or whose saved step (or a step of its back history) lies past a step whose check
 * fails, is unreadable: the form starts afresh, saying so, and the draft is replaced when the
 * new form saves its first step. arg is the form's own (released by spec->free_arg, also when
 * this call fails). Returns CMD_PENDING, or prints why and returns CMD_ERROR. */
int form_start(struct shell *sh, const struct form_spec *spec, void *arg, const char *data);

struct shell *form_shell(struct form *f);
void *form_arg(struct form *f);
/* The key of the step being asked: its enter, def, help and accept run for it (steps built at
 * run time, one per checklist item, tell themselves apart by it). */
const char *form_current_key(struct form *f);
/* A value (NULL when not set). Borrowed until it is set again. */
const char *form_get(struct form *f, const char *key);
/* Sets (copies) or, with value NULL, removes a value. At most FORM_VALUES_MAX keys. */
void form_set(struct form *f, const char *key, const char *value);
/* The index of the step with this key (the steps of a form are fixed: use it for jumps);
 * aborts when there is none (a programming error). */
int form_step_index(struct form *f, const char *key);
/* Ends the form and the command with status, deleting the draft when delete_draft. f is
 * freed: return FORM_ENDED right after. */
void form_end(struct form *f, int status, bool delete_draft);

/* The draft encoding (a flat JSON object of strings, "_step" naming the step to resume at):
 * exposed for tests. Returns 0, or -1 when data is not such an object. */
int form_draft_parse(const char *data, void (*cb)(void *arg, const char *key, const char *value),
                     void *arg);

#endif
