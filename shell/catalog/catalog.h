/* catalog — the company's editable catalogs in etc/: communication techniques (with the
 * handbook's guidance) and complaint categories, loaded from INI files at start and on reload.
 * A loaded catalog is immutable; the service swaps in a new one on reload and frees the old
 * one only when no command still uses it (reference counted). Loop thread only. */
#ifndef PROPDESK_CATALOG_H
#define PROPDESK_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

enum catalog_kind {
	CATALOG_VERBAL = 1,    /* a communication technique */
	CATALOG_NONVERBAL = 2, /* a non-verbal measure */
	CATALOG_CATEGORY = 3,  /* a complaint category */
};

struct suggest_rules;
struct checklist;
struct movein_rules;

struct catalog_item {
	char *code;     /* ASCII: [a-z][a-z0-9-]* */
	enum catalog_kind kind;
	char *name_zh, *name_en;
	char *guidance_zh, *guidance_en; /* may be "" */
};

struct catalog {
	int refs;
	struct catalog_item *techniques; /* verbal and non-verbal, in file order */
	size_t ntechniques;
	struct catalog_item *categories;
	size_t ncategories;
	struct suggest_rules *rules; /* from suggest.ini (suggest.h); NULL when there is none */
	struct checklist *checklist; /* from checklist.ini (checklist.h); NULL when none */
	struct movein_rules *movein; /* from movein.ini (movein_rules.h); NULL when there is none */
};

/* Loads DIR/techniques.ini, DIR/categories.ini and, when the file exists, the technique
 * suggestion rules of DIR/suggest.ini (suggest.h; their codes are checked against the
 * techniques), the quality checklist of DIR/checklist.ini (checklist.h) and the move-in
 * procedure of DIR/movein.ini (movein_rules.h). Returns 0 with *out (one reference), or -1
 * with *err a malloc'd "FILE:LINE: reason" (caller frees). */
int catalog_load(const char *dir, struct catalog **out, char **err);
void catalog_ref(struct catalog *c);
/* Drops a reference; frees at zero. NULL does nothing. */
void catalog_unref(struct catalog *c);
/* Lookups by exact code; NULL when unknown. */
const struct catalog_item *catalog_technique(const struct catalog *c, const char *code);
const struct catalog_item *catalog_category(const struct catalog *c, const char *code);
/* Lookups by what a user typed: the code (any case, full-width forms too) or the name in
 * Chinese or English, as the screens show it; NULL when nothing matches. */
const struct catalog_item *catalog_technique_typed(const struct catalog *c, const char *typed);
const struct catalog_item *catalog_category_typed(const struct catalog *c, const char *typed);
/* The item's name / guidance in lang ("zh" or anything else: English). */
const char *catalog_name(const struct catalog_item *it, const char *lang);
const char *catalog_guidance(const struct catalog_item *it, const char *lang);

#endif
