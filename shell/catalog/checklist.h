/* checklist — the service-standard quality checklist (etc/checklist.ini): its sections, its
 * items (Chinese and English text, the handbook's guidance, weight, answer scale, critical or
 * not), its pass mark and dispute window, parsed from text (the file as read, or a version the
 * store pinned); and the one scoring rule, score = Σ(points × weight) / Σ(possible × weight)
 * over the items answered (N/A left out), failed by any critical item that fails.
 * Pure: any thread. A parsed checklist is immutable and owned by whoever parsed it
 * (checklist_free); the strings it hands out are borrowed from it. */
#ifndef PROPDESK_CHECKLIST_H
#define PROPDESK_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECKLIST_TEXT_MAX (256u << 10) /* bytes of a checklist file */
#define CHECKLIST_ITEMS_MAX 64
#define CHECKLIST_SECTIONS_MAX 16
#define CHECKLIST_WEIGHT_MAX 10
#define CHECKLIST_POINTS 5 /* every item is out of 5 points: yes 5, no 0, or its 1-5 score */

enum checklist_scale {
	CHECKLIST_YESNO = 1, /* yes / no (/ N/A) */
	CHECKLIST_FIVE = 2,  /* 1..5 (/ N/A) */
};

/* What an item is scored over: one complaint, or an agent's work over a period. */
enum checklist_scope {
	CHECKLIST_COMPLAINT = 1,
	CHECKLIST_PERIOD = 2,
};

/* What of the complaint is shown with an item, so that its score can be explained. */
enum checklist_link {
	CHECKLIST_LINK_NONE = 0,
	CHECKLIST_LINK_WORDS,      /* the owner's words */
	CHECKLIST_LINK_TECHNIQUES, /* the techniques used */
	CHECKLIST_LINK_PROMISES,   /* the promises made and kept */
	CHECKLIST_LINK_HISTORY,    /* handovers, escalations, notes */
};

/* An answer: CHECKLIST_NA, or 0 (no) / 1 (yes) on the yes/no scale, or 1..5. */
#define CHECKLIST_NA (-1)

struct checklist_section {
	char *code;
	char *name_zh, *name_en;
};

struct checklist_item {
	char *code;     /* [a-z][a-z0-9-]*, at most 32 bytes */
	size_t section; /* index into sections */
	char *text_zh, *text_en;
	char *guide_zh, *guide_en; /* the handbook's words; may be "" */
	enum checklist_scale scale;
	int weight; /* 1..CHECKLIST_WEIGHT_MAX */
	bool critical;
	bool na; /* N/A is allowed */
	enum checklist_scope scope;
	enum checklist_link link;
};

struct checklist {
	char *name_zh, *name_en;
	int pass_pct;     /* 0..100 */
	int dispute_days; /* 0..365: how long after an evaluation its agent may dispute it */
	struct checklist_section *sections;
	size_t nsections;
	struct checklist_item *items; /* in file order, grouped by nothing but the file */
	size_t nitems;
	char *text; /* the text parsed, as given (what a version pins) */
	size_t len;
};

/* Parses text[0..len) (name is what errors call it, "etc/checklist.ini" or "version 3").
 * Returns 0 with *out, or -1 with *err a malloc'd "NAME:LINE: reason" (caller frees). */
int checklist_parse(const char *text, size_t len, const char *name, struct checklist **out,
                    char **err);
/* NULL does nothing. */
void checklist_free(struct checklist *c);

/* The item with that code (NULL when none) and its index (*idx, may be NULL). */
const struct checklist_item *checklist_item(const struct checklist *c, const char *code,
                                            size_t *idx);
/* Texts in lang ("zh" or anything else: English). */
const char *checklist_name(const struct checklist *c, const char *lang);
const char *checklist_section_name(const struct checklist_section *s, const char *lang);
const char *checklist_item_text(const struct checklist_item *it, const char *lang);
const char *checklist_item_guide(const struct checklist_item *it, const char *lang);
/* "yesno" / "1-5"; "complaint" / "period"; "words", "techniques", ... ("" for none). */
const char *checklist_scale_name(enum checklist_scale s);
const char *checklist_scope_name(enum checklist_scope s);
const char *checklist_link_name(enum checklist_link l);

/* Parses an answer as typed for item: y/yes/是/n/no/否 (yes/no scale), 1..5 (1-5 scale),
 * na/n/a/-/不适用 (when N/A is allowed). 0 with *answer, or -1. */
int checklist_answer_parse(const struct checklist_item *it, const char *s, int *answer);
/* The answer as shown: "yes", "no", "N/A", "3" (English), 是/否/不适用 (zh). */
const char *checklist_answer_label(const struct checklist_item *it, int answer, const char *lang,
                                   char *tmp, size_t len);
/* Points of an answer (0..CHECKLIST_POINTS; 0 for N/A) and whether it fails a critical item
 * (no, or 1 on the 1-5 scale). */
int checklist_points(const struct checklist_item *it, int answer);
bool checklist_fails(const struct checklist_item *it, int answer);

/* The score of answers[i] for items[i] (all nitems; CHECKLIST_NA leaves one out; items of
 * another scope than scope are left out too). */
struct checklist_score {
	int64_t earned;   /* Σ points × weight */
	int64_t possible; /* Σ CHECKLIST_POINTS × weight of the items answered */
	int answered;
	int critical_failed; /* critical items that failed */
	int pct_x10;         /* the score in tenths of a percent (rounded), 0 when nothing */
	bool passed;         /* something answered, no critical failure, pct >= pass mark */
};
void checklist_score(const struct checklist *c, enum checklist_scope scope, const int *answers,
                     struct checklist_score *out);
/* Cohen's kappa of two raters' answers a[i] and b[i] (n pairs; each answer, N/A included, a
 * category): (po - pe) / (1 - pe). 0 with *kappa, or -1 when it is undefined (no pairs, or
 * chance agreement 1: both always gave the one same answer; *kappa is then 1 if they agree). */
int checklist_kappa(const int *a, const int *b, size_t n, double *kappa);
/* How many items are of scope. */
size_t checklist_count(const struct checklist *c, enum checklist_scope scope);

#endif
