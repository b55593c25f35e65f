/* suggest — the technique suggestion rules of etc/suggest.ini: after the owner's words, the
 * guided complaint form proposes techniques (and non-verbal measures) from PCRE2 patterns over
 * the complaint's fields, each with the handbook's reason ("elderly caller → dialect").
 * Rules are loaded with the catalog (catalog_load) and live as long as it; a loaded rule set is
 * immutable. Loop thread only (the compiled patterns are used by one thread at a time).
 *
 * File format: one section per rule, in the order they are tried:
 *   [elderly]
 *   field = caller,words            ; one or more of words mood relation dialect category
 *                                   ; caller channel (any of them may match)
 *   pattern = 老人|大爷|大妈         ; PCRE2 (UTF, caseless), bounded by rx.h's limits
 *   and_field = channel             ; optional second condition, both must hold
 *   and_pattern = ^(visit|onsite)$
 *   suggest = dialect,patience      ; catalog technique codes (checked at load)
 *   reason_zh = 来电人是老年业主 …
 *   reason_en = The caller is elderly …
 * mood, relation and channel are matched against their stored names (calm, upset, angry;
 * owner, family, tenant, other; phone, visit, onsite), category against its code. */
#ifndef PROPDESK_SUGGEST_H
#define PROPDESK_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

struct suggest_rules;

/* The fields of a complaint being taken; NULL fields are empty. Borrowed. */
struct suggest_fields {
	const char *words;
	const char *mood;
	const char *relation;
	const char *dialect;
	const char *category;
	const char *caller;
	const char *channel;
};

/* One suggested code; strings point into the rules (valid while the catalog holding them is
 * referenced). */
struct suggestion {
	const char *code;
	const char *rule; /* the rule's section name */
	const char *reason_zh, *reason_en;
};

/* Is code a technique that rules may suggest? (the catalog's answer, given to suggest_load). */
typedef bool (*suggest_known_fn)(void *arg, const char *code);

/* Parses path, checking every suggested code with known(arg, code).
 * Returns 0 with *out (owned by the caller: suggest_rules_free), or -1 with *err a malloc'd
 * "FILE:LINE: reason" or "FILE: [rule] reason" (caller frees). */
int suggest_load(const char *path, suggest_known_fn known, void *arg, struct suggest_rules **out,
                 char **err);
/* NULL does nothing. */
void suggest_rules_free(struct suggest_rules *r);
size_t suggest_rules_count(const struct suggest_rules *r);

/* Runs rules (may be NULL: none) over f: *out gets the suggested codes, each once (the first rule
 * suggesting it gives its reason), in rule order then the order within a rule; free *out with
 * free(). A rule whose pattern hits the match limit is skipped (counted in *nskipped, may be
 * NULL). Returns 0 (with *n possibly 0, also when the catalog has no rules) or -ENOMEM. */
int suggest_run(const struct suggest_rules *r, const struct suggest_fields *f,
                struct suggestion **out, size_t *n, size_t *nskipped);
/* The reason in lang ("zh", anything else: English). */
const char *suggest_reason(const struct suggestion *s, const char *lang);

#endif
