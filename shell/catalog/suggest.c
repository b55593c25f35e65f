/* suggest — technique suggestion rules from etc/suggest.ini (inih), matched with rx.h. */
#include "suggest.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rx.h"
#include "xalloc.h"
#include "utf8.h"

#define SUGGEST_RULES_MAX 256
#define SUGGEST_CODES_MAX 16
#define SUGGEST_REASON_MAX 1024

enum suggest_field {
	SUGGEST_WORDS = 1 << 0,
	SUGGEST_MOOD = 1 << 1,
	SUGGEST_RELATION = 1 << 2,
	SUGGEST_DIALECT = 1 << 3,
	SUGGEST_CATEGORY = 1 << 4,
	SUGGEST_CALLER = 1 << 5,
	SUGGEST_CHANNEL = 1 << 6,
};

static const struct {
	const char *name;
	unsigned bit;
} suggest_field_names[] = {
    {"words", SUGGEST_WORDS},     {"mood", SUGGEST_MOOD},         {"relation", SUGGEST_RELATION},
    {"dialect", SUGGEST_DIALECT}, {"category", SUGGEST_CATEGORY}, {"caller", SUGGEST_CALLER},
    {"channel", SUGGEST_CHANNEL},
};

struct suggest_rule {
	char *name;
	unsigned fields, and_fields; /* and_fields 0: no second condition */
	struct rx *rx, *and_rx;
	char *codes[SUGGEST_CODES_MAX];
	size_t ncodes;
	char *reason_zh, *reason_en;
};

struct suggest_rules {
	struct suggest_rule *rules;
	size_t n;
};

struct suggest_parse {
	struct suggest_rules *r;
	char *err;
};

static void suggest_rule_clear(struct suggest_rule *rule)
{
	size_t i;

	free(rule->name);
	rx_free(rule->rx);
	rx_free(rule->and_rx);
	for (i = 0; i < rule->ncodes; i++)
		free(rule->codes[i]);
	free(rule->reason_zh);
	free(rule->reason_en);
}

void suggest_rules_free(struct suggest_rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		suggest_rule_clear(&r->rules[i]);
	free(r->rules);
	free(r);
}

size_t suggest_rules_count(const struct suggest_rules *r)
{
	return r != NULL ? r->n : 0;
}

/* "words,caller" (commas or '|', spaces allowed) into a mask; 0 when a name is unknown. */
static unsigned suggest_fields_parse(const char *value, struct buf *bad)
{
	unsigned mask = 0;
	const char *p = value;

	while (*p != '\0') {
		size_t n, i;
		bool found = false;

		while (*p == ' ' || *p == ',' || *p == '|' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " ,|\t");
		for (i = 0; i < sizeof suggest_field_names / sizeof suggest_field_names[0]; i++) {
			if (strlen(suggest_field_names[i].name) == n &&
			    strncmp(suggest_field_names[i].name, p, n) == 0) {
				mask |= suggest_field_names[i].bit;
				found = true;
			}
		}
		if (!found) {
			buf_append(bad, p, n);
			return 0;
		}
		p += n;
	}
	return mask;
}

static int suggest_set_pattern(struct suggest_parse *p, struct suggest_rule *rule, struct rx **slot,
                               const char *name, const char *value)
{
	char *err = NULL;

	if (*slot != NULL)
		return buf_first_error(&p->err, "[%s] %s given twice", rule->name, name);
	*slot = rx_new(value, RX_CASELESS, &err);
	if (*slot == NULL) {
		buf_first_error(&p->err, "[%s] %s: %s", rule->name, name, err ? err : "invalid");
		free(err);
		return 0;
	}
	return 1;
}

static int suggest_set_codes(struct suggest_parse *p, struct suggest_rule *rule, const char *value)
{
	const char *s = value;

	if (rule->ncodes > 0)
		return buf_first_error(&p->err, "[%s] suggest given twice", rule->name);
	while (*s != '\0') {
		size_t n;

		while (*s == ' ' || *s == ',' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		n = strcspn(s, " ,\t");
		if (rule->ncodes == SUGGEST_CODES_MAX)
			return buf_first_error(&p->err, "[%s] suggest: at most %d codes",
			                       rule->name, SUGGEST_CODES_MAX);
		rule->codes[rule->ncodes] = strndup(s, n);
		if (rule->codes[rule->ncodes] == NULL)
			abort();
		rule->ncodes++;
		s += n;
	}
	if (rule->ncodes == 0)
		return buf_first_error(&p->err, "[%s] suggest is empty", rule->name);
	return 1;
}

static int suggest_set_text(struct suggest_parse *p, struct suggest_rule *rule, char **slot,
                            const char *name, const char *value)
{
	size_t len = strlen(value);

	if (*slot != NULL) {
		/* An indented continuation line (inih hands it over as the same key). */
		struct buf b;

		buf_init(&b);
		buf_puts(&b, *slot);
		if (strcmp(name, "reason_en") == 0)
			buf_putc(&b, ' ');
		buf_puts(&b, value);
		free(*slot);
		*slot = buf_steal(&b);
		len = strlen(*slot);
	} else {
		*slot = xalloc_strdup(value);
	}
	if (len > SUGGEST_REASON_MAX)
		return buf_first_error(&p->err, "[%s] %s is longer than %d bytes", rule->name, name,
		                       SUGGEST_REASON_MAX);
	return 1;
}

static int suggest_handler(void *user, const char *section, const char *name, const char *value)
{
	struct suggest_parse *p = user;
	struct suggest_rules *r = p->r;
	struct suggest_rule *rule = NULL;
	size_t i;

	if (p->err != NULL)
		return 0;
	if (section[0] == '\0')
		return buf_first_error(&p->err, "a setting outside a [rule] section");
	if (!utf8_valid(value, strlen(value)))
		return buf_first_error(&p->err, "[%s] %s is not valid UTF-8", section, name);
	for (i = 0; i < r->n; i++)
		if (strcmp(r->rules[i].name, section) == 0)
			rule = &r->rules[i];
	if (rule == NULL) {
		if (r->n == SUGGEST_RULES_MAX)
			return buf_first_error(&p->err, "more than %d rules", SUGGEST_RULES_MAX);
		r->rules = realloc(r->rules, (r->n + 1) * sizeof *r->rules);
		if (r->rules == NULL)
			abort();
		rule = &r->rules[r->n++];
		memset(rule, 0, sizeof *rule);
		rule->name = xalloc_strdup(section);
	}
	if (!strcmp(name, "field") || !strcmp(name, "and_field")) {
		unsigned *slot = name[0] == 'f' ? &rule->fields : &rule->and_fields;
		struct buf bad;

		if (*slot != 0)
			return buf_first_error(&p->err, "[%s] %s given twice", section, name);
		buf_init(&bad);
		*slot = suggest_fields_parse(value, &bad);
		if (*slot == 0) {
			buf_first_error(
			    &p->err,
			    "[%s] %s: unknown field \"%s\" (words, mood, relation, dialect, "
			    "category, caller, channel)",
			    section, name, buf_cstr(&bad));
			buf_free(&bad);
			return 0;
		}
		buf_free(&bad);
		return 1;
	}
	if (!strcmp(name, "pattern"))
		return suggest_set_pattern(p, rule, &rule->rx, name, value);
	if (!strcmp(name, "and_pattern"))
		return suggest_set_pattern(p, rule, &rule->and_rx, name, value);
	if (!strcmp(name, "suggest"))
		return suggest_set_codes(p, rule, value);
	if (!strcmp(name, "reason_zh"))
		return suggest_set_text(p, rule, &rule->reason_zh, name, value);
	if (!strcmp(name, "reason_en"))
		return suggest_set_text(p, rule, &rule->reason_en, name, value);
	return buf_first_error(&p->err, "[%s]: unknown setting \"%s\"", section, name);
}

/* After parsing: every rule complete, every code known. */
static int suggest_check(const struct suggest_rules *r, suggest_known_fn known, void *arg,
                         struct buf *msg)
{
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		const struct suggest_rule *rule = &r->rules[i];

		if (rule->fields == 0 || rule->rx == NULL || rule->ncodes == 0 ||
		    rule->reason_zh == NULL || rule->reason_en == NULL) {
			buf_printf(msg,
			           "[%s] needs field, pattern, suggest, reason_zh and reason_en",
			           rule->name);
			return -1;
		}
		if ((rule->and_fields != 0) != (rule->and_rx != NULL)) {
			buf_printf(msg, "[%s] and_field and and_pattern go together", rule->name);
			return -1;
		}
		for (j = 0; j < rule->ncodes; j++) {
			if (known == NULL || !known(arg, rule->codes[j])) {
				buf_printf(msg,
				           "[%s] suggests \"%s\", which is not in the techniques "
				           "catalog",
				           rule->name, rule->codes[j]);
				return -1;
			}
		}
	}
	return 0;
}

int suggest_load(const char *path, suggest_known_fn known, void *arg, struct suggest_rules **out,
                 char **err)
{
	struct suggest_parse p = {0};
	struct buf msg, detail;
	FILE *f;
	int rc;

	*out = NULL;
	*err = NULL;
	buf_init(&msg);
	buf_init(&detail);
	p.r = calloc(1, sizeof *p.r);
	if (p.r == NULL)
		abort();
	f = fopen(path, "r");
	if (f == NULL) {
		buf_printf(&msg, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	rc = ini_parse_file(f, suggest_handler, &p);
	fclose(f);
	if (p.err != NULL || rc != 0) {
		buf_file_error(&msg, path, rc, p.err,
		               "syntax error (expected [rule] or name = value)");
		goto fail;
	}
	if (suggest_check(p.r, known, arg, &detail) < 0) {
		buf_printf(&msg, "%s: %s", path, buf_cstr(&detail));
		goto fail;
	}
	buf_free(&detail);
	*out = p.r;
	return 0;
fail:
	free(p.err);
	buf_free(&detail);
	suggest_rules_free(p.r);
	*err = buf_steal(&msg);
	return -1;
}

static const char *suggest_field_text(const struct suggest_fields *f, unsigned bit)
{
	const char *s = NULL;

	switch (bit) {
	case SUGGEST_WORDS:
		s = f->words;
		break;
	case SUGGEST_MOOD:
		s = f->mood;
		break;
	case SUGGEST_RELATION:
		s = f->relation;
		break;
	case SUGGEST_DIALECT:
		s = f->dialect;
		break;
	case SUGGEST_CATEGORY:
		s = f->category;
		break;
	case SUGGEST_CALLER:
		s = f->caller;
		break;
	case SUGGEST_CHANNEL:
		s = f->channel;
		break;
	default:
		break;
	}
	return s != NULL ? s : "";
}

/* 1 when any field in mask matches rx, 0 when none, RX_ELIMIT when a match was cut short. */
static int suggest_match(struct rx *rx, unsigned mask, const struct suggest_fields *f)
{
	size_t i;
	int limited = 0;

	for (i = 0; i < sizeof suggest_field_names / sizeof suggest_field_names[0]; i++) {
		const char *s;
		int rc;

		if (!(mask & suggest_field_names[i].bit))
			continue;
		s = suggest_field_text(f, suggest_field_names[i].bit);
		rc = rx_match(rx, s, strlen(s));
		if (rc == 1)
			return 1;
		if (rc == RX_ELIMIT || rc == RX_ENOMEM)
			limited = RX_ELIMIT;
	}
	return limited;
}

int suggest_run(const struct suggest_rules *r, const struct suggest_fields *f,
                struct suggestion **out, size_t *n, size_t *nskipped)
{
	struct suggestion *list = NULL;
	size_t count = 0, cap = 0, skipped = 0, i, j, k;

	*out = NULL;
	*n = 0;
	for (i = 0; r != NULL && i < r->n; i++) {
		const struct suggest_rule *rule = &r->rules[i];
		int rc = suggest_match(rule->rx, rule->fields, f);

		if (rc == 1 && rule->and_rx != NULL)
			rc = suggest_match(rule->and_rx, rule->and_fields, f);
		if (rc == RX_ELIMIT)
			skipped++;
		if (rc != 1)
			continue;
		for (j = 0; j < rule->ncodes; j++) {
			for (k = 0; k < count; k++)
				if (strcmp(list[k].code, rule->codes[j]) == 0)
					break;
			if (k < count)
				continue;
			if (count == cap) {
				struct suggestion *grown;

				cap = cap ? cap * 2 : 8;
				grown = realloc(list, cap * sizeof *list);
				if (grown == NULL) {
					free(list);
					return -ENOMEM;
				}
				list = grown;
			}
			list[count].code = rule->codes[j];
			list[count].rule = rule->name;
			list[count].reason_zh = rule->reason_zh;
			list[count].reason_en = rule->reason_en;
			count++;
		}
	}
	if (nskipped != NULL)
		*nskipped = skipped;
	*out = list;
	*n = count;
	return 0;
}

const char *suggest_reason(const struct suggestion *s, const char *lang)
{
	return lang != NULL && strcmp(lang, "zh") == 0 ? s->reason_zh : s->reason_en;
}
