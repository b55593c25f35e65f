/* movein_rules — etc/movein.ini parsed with inih (ini_parse_string), each error naming its
 * file and line. Calls buf (base). */
#include "movein_rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "buf.h"
#include "utf8.h"

#define MOVEIN_RULES_FILE_MAX ((size_t)1 << 20)
#define MOVEIN_RULES_TEXT_MAX 128

static const char *const movein_rules_kinds[MOVEIN_RULES_NKINDS] = {"document", "form", "fee",
                                                                    "item"};

struct movein_rules_parse {
	struct movein_rules *r;
	struct movein_rules_entry *cur; /* the section being read, or NULL */
	enum movein_rules_kind kind;    /* its kind */
	char section[160];              /* its header as inih gave it */
	char *err;
};

static void movein_rules_entry_clear(struct movein_rules_entry *e)
{
	free(e->code);
	free(e->zh);
	free(e->en);
	memset(e, 0, sizeof *e);
}

void movein_rules_free(struct movein_rules *r)
{
	size_t k, i;

	if (r == NULL)
		return;
	for (k = 0; k < MOVEIN_RULES_NKINDS; k++) {
		for (i = 0; i < r->n[k]; i++)
			movein_rules_entry_clear(&r->e[k][i]);
		free(r->e[k]);
	}
	free(r);
}

static bool movein_rules_code_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 32)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

/* "12", "12.5", "12.50" yuan into fen; false otherwise. */
static bool movein_rules_money(const char *s, int64_t *fen)
{
	int64_t yuan = 0, cents = 0;
	size_t i = 0, d = 0;

	if (s[0] < '0' || s[0] > '9')
		return false;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		yuan = yuan * 10 + (s[i] - '0');
		if (yuan > MOVEIN_RULES_RATE_MAX)
			return false;
	}
	if (s[i] == '.') {
		for (i++; s[i] >= '0' && s[i] <= '9' && d < 2; i++, d++)
			cents = cents * 10 + (s[i] - '0');
		if (d == 0)
			return false;
		if (d == 1)
			cents *= 10;
	}
	if (s[i] != '\0')
		return false;
	*fen = yuan * 100 + cents;
	return true;
}

static int movein_rules_section(struct movein_rules_parse *p, const char *section)
{
	char kind[16], code[64];
	const char *sp = strchr(section, ' ');
	struct movein_rules_entry *list;
	size_t k, len, i;

	p->cur = NULL;
	if (sp == NULL || (size_t)(sp - section) >= sizeof kind || strlen(sp + 1) >= sizeof code)
		return buf_first_error(&p->err,
		                       "section [%s]: expected [KIND CODE], KIND one of document, "
		                       "form, fee, item",
		                       section);
	len = (size_t)(sp - section);
	memcpy(kind, section, len);
	kind[len] = '\0';
	snprintf(code, sizeof code, "%s", sp + 1);
	for (k = 0; k < MOVEIN_RULES_NKINDS; k++)
		if (strcmp(kind, movein_rules_kinds[k]) == 0)
			break;
	if (k == MOVEIN_RULES_NKINDS)
		return buf_first_error(&p->err,
		                       "section [%s]: unknown kind `%s` (document, form, fee or item)",
		                       section, kind);
	if (!movein_rules_code_ok(code))
		return buf_first_error(&p->err,
		                       "section [%s]: the code must be 1-32 of a-z, 0-9, _ and -",
		                       section);
	for (i = 0; i < p->r->n[k]; i++)
		if (strcmp(p->r->e[k][i].code, code) == 0)
			return buf_first_error(&p->err, "section [%s] is given twice", section);
	if (p->r->n[k] >= MOVEIN_RULES_MAX)
		return buf_first_error(&p->err, "more than %d sections of kind %s",
		                       MOVEIN_RULES_MAX, kind);
	list = realloc(p->r->e[k], (p->r->n[k] + 1) * sizeof *list);
	if (list == NULL)
		abort();
	p->r->e[k] = list;
	p->cur = &list[p->r->n[k]++];
	p->kind = (enum movein_rules_kind)k;
	memset(p->cur, 0, sizeof *p->cur);
	p->cur->code = strdup(code);
	if (p->cur->code == NULL)
		abort();
	p->cur->months = 1;
	p->cur->housing = 0;
	return 1;
}

static int movein_rules_handler(void *user, const char *section, const char *name,
                                const char *value)
{
	struct movein_rules_parse *p = user;
	enum movein_rules_kind kind;
	int64_t fen;

	if (p->err != NULL)
		return 1;
	if (strcmp(section, p->section) != 0 || p->cur == NULL) {
		snprintf(p->section, sizeof p->section, "%s", section);
		if (section[0] == '\0')
			return buf_first_error(&p->err, "`%s` before the first [KIND CODE] section",
			                       name);
		if (movein_rules_section(p, section) == 0)
			return 0;
	}
	kind = p->kind;
	if (strcmp(name, "zh") == 0 || strcmp(name, "en") == 0) {
		char **slot = name[0] == 'z' ? &p->cur->zh : &p->cur->en;

		if (*slot != NULL)
			return buf_first_error(&p->err, "`%s` is given twice in [%s]", name, section);
		if (value[0] == '\0' || strlen(value) > MOVEIN_RULES_TEXT_MAX ||
		    !utf8_valid(value, strlen(value)))
			return buf_first_error(&p->err, "`%s`: 1-%d bytes of UTF-8 text", name,
			                       MOVEIN_RULES_TEXT_MAX);
		*slot = strdup(value);
		if (*slot == NULL)
			abort();
		return 1;
	}
	if (kind == MOVEIN_RULES_DOC && strcmp(name, "housing") == 0) {
		if (strcmp(value, "commercial") == 0)
			p->cur->housing = MOVEIN_RULES_COMMERCIAL;
		else if (strcmp(value, "resettlement") == 0)
			p->cur->housing = MOVEIN_RULES_RESETTLEMENT;
		else if (strcmp(value, "all") == 0)
			p->cur->housing = MOVEIN_RULES_COMMERCIAL | MOVEIN_RULES_RESETTLEMENT;
		else if (strcmp(value, "proxy") == 0)
			p->cur->housing = MOVEIN_RULES_PROXY;
		else
			return buf_first_error(&p->err,
			                       "housing = `%s`: one of commercial, resettlement, all, "
			                       "proxy",
			                       value);
		return 1;
	}
	if (kind == MOVEIN_RULES_FEE) {
		int64_t *slot = strcmp(name, "per_m2") == 0         ? &p->cur->per_m2_fen
		                : strcmp(name, "per_m2_month") == 0 ? &p->cur->per_m2_month_fen
		                : strcmp(name, "per_month") == 0    ? &p->cur->per_month_fen
		                                                    : NULL;

		if (slot != NULL) {
			if (!movein_rules_money(value, &fen))
				return buf_first_error(&p->err,
				                       "%s = `%s`: an amount in yuan, at most 2 "
				                       "decimals and %d",
				                       name, value, MOVEIN_RULES_RATE_MAX);
			*slot = fen;
			return 1;
		}
		if (strcmp(name, "months") == 0) {
			char *end = NULL;
			long v;

			errno = 0;
			v = strtol(value, &end, 10);
			if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
			    v < 1 || v > 120)
				return buf_first_error(&p->err, "months = `%s`: 1 to 120", value);
			p->cur->months = (int)v;
			return 1;
		}
		if (strcmp(name, "ground_floor_exempt") == 0) {
			if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
				return buf_first_error(&p->err,
				                       "ground_floor_exempt = `%s`: yes or no", value);
			p->cur->ground_exempt = value[0] == 'y';
			return 1;
		}
	}
	return buf_first_error(&p->err, "unknown setting `%s` in [%s]", name, section);
}

/* What every entry needs, once the file is read: "[section] reason" or NULL. */
static char *movein_rules_check(const struct movein_rules *r, int *line)
{
	size_t k, i;
	char *err = NULL;

	for (k = 0; k < MOVEIN_RULES_NKINDS; k++) {
		for (i = 0; i < r->n[k]; i++) {
			const struct movein_rules_entry *e = &r->e[k][i];

			*line = e->line;
			if (e->zh == NULL || e->en == NULL) {
				buf_first_error(&err, "[%s %s] needs zh = and en =",
				                movein_rules_kinds[k], e->code);
				return err;
			}
			if (k == MOVEIN_RULES_DOC && e->housing == 0) {
				buf_first_error(&err, "[document %s] needs housing =", e->code);
				return err;
			}
			if (k == MOVEIN_RULES_FEE && e->per_m2_fen == 0 &&
			    e->per_m2_month_fen == 0 && e->per_month_fen == 0) {
				buf_first_error(&err,
				                "[fee %s] needs a rate (per_m2, per_m2_month or "
				                "per_month)",
				                e->code);
				return err;
			}
		}
	}
	return NULL;
}

/* The line of each section, found in text (inih does not tell the handler). */
static void movein_rules_lines(struct movein_rules *r, const char *text)
{
	size_t k, i;

	for (k = 0; k < MOVEIN_RULES_NKINDS; k++) {
		for (i = 0; i < r->n[k]; i++) {
			char head[96];
			const char *at, *p;
			int line = 1;

			snprintf(head, sizeof head, "[%s %s]", movein_rules_kinds[k],
			         r->e[k][i].code);
			at = strstr(text, head);
			if (at == NULL)
				continue;
			for (p = text; p < at; p++)
				if (*p == '\n')
					line++;
			r->e[k][i].line = line;
		}
	}
}

int movein_rules_parse(const char *name, const char *text, struct movein_rules **out, char **err)
{
	struct movein_rules_parse p;
	struct buf msg;
	char *why;
	int rc, line = 0;

	*out = NULL;
	*err = NULL;
	memset(&p, 0, sizeof p);
	p.r = calloc(1, sizeof *p.r);
	if (p.r == NULL)
		abort();
	buf_init(&msg);
	if (!utf8_valid(text, strlen(text))) {
		buf_printf(&msg, "%s: not UTF-8 text", name);
		goto fail;
	}
	rc = ini_parse_string(text, movein_rules_handler, &p);
	if (p.err != NULL || rc != 0) {
		buf_file_error(&msg, name, rc, p.err,
		               "syntax error (expected [KIND CODE] or name = value)");
		goto fail;
	}
	movein_rules_lines(p.r, text);
	why = movein_rules_check(p.r, &line);
	if (why != NULL) {
		buf_file_error(&msg, name, line, why, NULL);
		free(why);
		goto fail;
	}
	*out = p.r;
	buf_free(&msg);
	return 0;
fail:
	free(p.err);
	movein_rules_free(p.r);
	if (!utf8_valid(buf_cstr(&msg), msg.len)) {
		/* inih cuts long lines: a value quoted may end inside a character. */
		struct buf clean;

		buf_init(&clean);
		utf8_sanitize(&clean, msg.data, msg.len, 0);
		buf_free(&msg);
		msg = clean;
	}
	*err = buf_steal(&msg);
	return -1;
}

int movein_rules_load(const char *path, struct movein_rules **out, char **err)
{
	struct buf text, msg;
	char chunk[4096];
	size_t got;
	FILE *f;
	int rc;

	*out = NULL;
	*err = NULL;
	buf_init(&msg);
	f = fopen(path, "r");
	if (f == NULL) {
		buf_printf(&msg, "%s: cannot open: %s", path, strerror(errno));
		*err = buf_steal(&msg);
		return -1;
	}
	buf_init(&text);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_append(&text, chunk, got);
		if (text.len > MOVEIN_RULES_FILE_MAX)
			break;
	}
	fclose(f);
	if (text.len > MOVEIN_RULES_FILE_MAX || memchr(buf_cstr(&text), '\0', text.len) != NULL) {
		buf_printf(&msg, "%s: not a text file of at most 1 MiB", path);
		buf_free(&text);
		*err = buf_steal(&msg);
		return -1;
	}
	buf_free(&msg);
	rc = movein_rules_parse(path, buf_cstr(&text), out, err);
	buf_free(&text);
	return rc;
}

const struct movein_rules_entry *movein_rules_find(const struct movein_rules *r,
                                                   enum movein_rules_kind kind, const char *code)
{
	size_t i;

	if (r == NULL || code == NULL || (unsigned)kind >= MOVEIN_RULES_NKINDS)
		return NULL;
	for (i = 0; i < r->n[kind]; i++)
		if (strcmp(r->e[kind][i].code, code) == 0)
			return &r->e[kind][i];
	return NULL;
}

const char *movein_rules_name(const struct movein_rules_entry *e, const char *lang)
{
	return lang != NULL && strcmp(lang, "zh") == 0 ? e->zh : e->en;
}

int64_t movein_rules_fee_due(const struct movein_rules_entry *fee, double area_m2, bool ground)
{
	int64_t area_c; /* hundredths of m² */

	if (fee == NULL || (ground && fee->ground_exempt))
		return 0;
	if (!(area_m2 >= 0) || area_m2 > 1e6)
		area_m2 = 0;
	area_c = (int64_t)(area_m2 * 100 + 0.5);
	return (fee->per_m2_fen * area_c + 50) / 100 +
	       (fee->per_m2_month_fen * area_c * fee->months + 50) / 100 +
	       fee->per_month_fen * fee->months;
}

int movein_rules_floor(const char *unit_code)
{
	const char *last = unit_code, *p;
	long room = 0;
	size_t digits = 0;

	if (unit_code == NULL)
		return 0;
	for (p = unit_code; *p != '\0'; p++)
		if (*p == '-')
			last = p + 1;
	for (p = last; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || digits >= 6)
			return 0;
		room = room * 10 + (*p - '0');
		digits++;
	}
	if (digits < 3)
		return 0;
	return (int)(room / 100);
}
