/* cmd_complaint_new_int — what the two files of the complaint form share: cmd_complaint_new.c
 * (the steps, the summary and save, starting and resuming) and cmd_complaint_new_fields.c (the
 * fields' values: choices, technique codes, units, promises, due times, and the quiet checks
 * of a resumed draft). */
#ifndef PROPDESK_CMD_COMPLAINT_NEW_INT_H
#define PROPDESK_CMD_COMPLAINT_NEW_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "catalog.h"
#include "form.h"
#include "store_complaint.h"

struct shell;

#define CMD_COMPLAINT_NEW_KIND "complaint"
#define CMD_COMPLAINT_NEW_UNITS_SHOWN 20
#define CMD_COMPLAINT_NEW_CODES_MAX COMPLAINT_TECHNIQUES_MAX

/* The form's own data: the catalog it was started with (one reference), and whether it was
 * resumed from the draft (which it then holds, and takes when saved). */
struct cmd_complaint_new {
	struct catalog *cat;
	bool resumed;
};

/* An enumeration offered in a step: the stored name, its Chinese and English labels. */
struct cmd_complaint_new_choice {
	const char *name, *zh, *en, *zh_alt;
};

/* The catalog the form was started with. */
struct catalog *cmd_complaint_new_fields_cat(struct form *f);

struct draft;
/* Says that the draft d is open in another session (its id), since when; CMD_ERROR. */
int cmd_complaint_new_fields_held_say(struct shell *sh, const struct draft *d);

#define CMD_COMPLAINT_NEW_N(a) (sizeof(a) / sizeof((a)[0]))

extern const struct cmd_complaint_new_choice cmd_complaint_new_fields_channels[3];
extern const struct cmd_complaint_new_choice cmd_complaint_new_fields_moods[3];
extern const struct cmd_complaint_new_choice cmd_complaint_new_fields_relations[4];

/* The fields' helpers, steps and checks (each explained where it is defined). */
bool cmd_complaint_new_fields_caller_check(struct form *f);
bool cmd_complaint_new_fields_category_check(struct form *f);
bool cmd_complaint_new_fields_channel_check(struct form *f);
int cmd_complaint_new_fields_choice_accept(struct form *f, const char *key,
                                           const struct cmd_complaint_new_choice *list, size_t n,
                                           const char *v);
const char *cmd_complaint_new_fields_choice_label(struct shell *sh,
                                                  const struct cmd_complaint_new_choice *list,
                                                  size_t n, const char *name);
void cmd_complaint_new_fields_choices_help(struct shell *sh,
                                           const struct cmd_complaint_new_choice *list, size_t n);
int cmd_complaint_new_fields_codes(struct form *f, const char *v, char out[][40], size_t max,
                                   size_t *n);
bool cmd_complaint_new_fields_dialect_check(struct form *f);
int cmd_complaint_new_fields_due_accept(struct form *f, const char *v);
void cmd_complaint_new_fields_due_help(struct form *f);
bool cmd_complaint_new_fields_due_parse(const char *s, int64_t *ms, char *norm, size_t len);
bool cmd_complaint_new_fields_is(const char *v, const char *a, const char *b, const char *c);
void cmd_complaint_new_fields_join(const struct catalog *c, char codes[][40], size_t n,
                                   enum catalog_kind kind, struct buf *out);
bool cmd_complaint_new_fields_len_ok(struct form *f, const char *v, size_t max);
bool cmd_complaint_new_fields_mood_check(struct form *f);
void cmd_complaint_new_fields_names(struct shell *sh, const struct catalog *c, const char *codes,
                                    struct buf *out);
bool cmd_complaint_new_fields_none(const char *v);
bool cmd_complaint_new_fields_nonverbal_check(struct form *f);
int cmd_complaint_new_fields_npromises(struct form *f);
const char *cmd_complaint_new_fields_or_none(const char *v);
bool cmd_complaint_new_fields_outcome_check(struct form *f);
bool cmd_complaint_new_fields_phone_check(struct form *f);
void cmd_complaint_new_fields_print_clean(struct shell *sh, const char *s);
bool cmd_complaint_new_fields_promise_check(struct form *f);
const char *cmd_complaint_new_fields_promise_get(struct form *f, int i, const char *field);
void cmd_complaint_new_fields_promise_set(struct form *f, int i, const char *field,
                                          const char *value);
void cmd_complaint_new_fields_promises_print(struct form *f);
bool cmd_complaint_new_fields_relation_check(struct form *f);
bool cmd_complaint_new_fields_techniques_check(struct form *f);
void cmd_complaint_new_fields_techniques_help_kind(struct form *f, enum catalog_kind kind);
void cmd_complaint_new_fields_time(int64_t ms, char *out, size_t len);
bool cmd_complaint_new_fields_unit_check(struct form *f);
bool cmd_complaint_new_fields_words_check(struct form *f);

#endif
