/* movein_rules — the move-in procedure of etc/movein.ini: the documents required by housing
 * type (and of a proxy), the forms signed for, the fees with their rates, and the house
 * inspection list (the file's own comments give the format). Loaded with the catalog
 * (catalog_load) and living as long as it; immutable once loaded. Any thread may read a
 * loaded set. The caller owns what *_parse / *_load return (movein_rules_free). */
#ifndef PROPDESK_MOVEIN_RULES_H
#define PROPDESK_MOVEIN_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum movein_rules_kind {
	MOVEIN_RULES_DOC = 0,
	MOVEIN_RULES_FORM = 1,
	MOVEIN_RULES_FEE = 2,
	MOVEIN_RULES_ITEM = 3,
	MOVEIN_RULES_NKINDS = 4
};

/* Who must bring a document (bits). */
#define MOVEIN_RULES_COMMERCIAL 0x1
#define MOVEIN_RULES_RESETTLEMENT 0x2
#define MOVEIN_RULES_PROXY 0x4

#define MOVEIN_RULES_MAX 64         /* entries of one kind */
#define MOVEIN_RULES_RATE_MAX 1000000 /* yuan in one rate */

struct movein_rules_entry {
	char *code; /* [a-z0-9_-], 1..32 */
	char *zh, *en;
	unsigned housing;         /* documents: MOVEIN_RULES_* bits */
	int64_t per_m2_fen;       /* fees: once per m² */
	int64_t per_m2_month_fen; /* fees: per m² and month */
	int64_t per_month_fen;    /* fees: per month */
	int months;               /* fees: 1.. (default 1) */
	bool ground_exempt;       /* fees: not charged on the ground floor */
	int line;                 /* where its section starts */
};

struct movein_rules {
	struct movein_rules_entry *e[MOVEIN_RULES_NKINDS];
	size_t n[MOVEIN_RULES_NKINDS];
};

/* Parses text (NUL-terminated; name is the file's name in errors). Returns 0 with *out, or -1
 * with *err a malloc'd "NAME:LINE: reason" (caller frees). */
int movein_rules_parse(const char *name, const char *text, struct movein_rules **out, char **err);
/* Reads and parses path (as movein_rules_parse). */
int movein_rules_load(const char *path, struct movein_rules **out, char **err);
/* NULL does nothing. */
void movein_rules_free(struct movein_rules *r);
/* The entry of kind with code, or NULL (r may be NULL). */
const struct movein_rules_entry *movein_rules_find(const struct movein_rules *r,
                                                   enum movein_rules_kind kind, const char *code);
/* The entry's name in lang ("zh", else English). */
const char *movein_rules_name(const struct movein_rules_entry *e, const char *lang);
/* The amount due (fen) of fee for a unit of area_m2 on the ground floor or not: rates times the
 * area in hundredths of m², rounded to the nearest fen; 0 when exempt. */
int64_t movein_rules_fee_due(const struct movein_rules_entry *fee, double area_m2, bool ground);
/* The floor of a unit code's last part ("3-2-1201": 12, "3-2-101": 1): the number without its
 * last two digits; 0 when it is not a number of 3 digits or more. */
int movein_rules_floor(const char *unit_code);

#endif
