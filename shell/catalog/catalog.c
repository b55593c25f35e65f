/* catalog — techniques, categories and suggestion rules from etc/, parsed with inih. */
#include "catalog.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "checklist.h"
#include "movein_rules.h"
#include "suggest.h"
#include "xalloc.h"
#include "utf8.h"

/* What the parse knows of each item beyond the item itself. */
struct catalog_seen {
	size_t line; /* of its [code] line */
	bool kind;   /* kind = ... given */
};

struct catalog_parse {
	struct catalog_item **items;
	size_t *n;
	bool techniques; /* the file holds techniques (kind = ...) or categories */
	char *err;
	size_t err_line; /* the line of err when it is not the line inih reports, or 0 */
	/* The lines as inih reads them (catalog_read_line), to know where each section starts:
	 * inih hands over settings only, and a second [code] section of the same code would
	 * otherwise merge into the first. */
	FILE *f;
	size_t line;               /* lines read */
	size_t section_line;       /* the last [code] line read */
	bool new_section;          /* a [code] line was read since the last setting */
	bool after_setting;        /* a setting was read since the last [code] line */
	struct catalog_seen *seen; /* per item */
};

static void catalog_item_clear(struct catalog_item *it)
{
	free(it->code);
	free(it->name_zh);
	free(it->name_en);
	free(it->guidance_zh);
	free(it->guidance_en);
}

static bool catalog_code_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* inih hands an indented continuation line over as the same setting again: long guidance
 * texts are joined (Chinese as is, English with a space). */
static void catalog_append(char **dst, const char *value, const char *sep)
{
	struct buf b;

	if (*dst == NULL) {
		*dst = xalloc_strdup(value);
		return;
	}
	buf_init(&b);
	buf_puts(&b, *dst);
	buf_puts(&b, sep);
	buf_puts(&b, value);
	free(*dst);
	*dst = buf_steal(&b);
}

/* inih's reader: fgets, counting lines as inih does (one per call) and noting the [code]
 * lines the way inih tells them apart (an indented line after a setting continues it). */
static char *catalog_read_line(char *str, int num, void *stream)
{
	struct catalog_parse *p = stream;
	const char *s;

	if (fgets(str, num, p->f) == NULL)
		return NULL;
	p->line++;
	s = str;
	if (p->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '[' && !(s > str && p->after_setting)) {
		p->new_section = true;
		p->after_setting = false;
		p->section_line = p->line;
	}
	return str;
}

static int catalog_handler(void *user, const char *section, const char *name, const char *value)
{
	struct catalog_parse *p = user;
	struct catalog_item *it;
	bool first = p->new_section; /* the first setting of a [code] section */
	size_t i;

	p->new_section = false;
	p->after_setting = true;
	if (!catalog_code_ok(section))
		return buf_first_error(
		    &p->err, "[%s]: a code is a-z, 0-9 and '-', starting with a letter", section);
	if (!utf8_valid(value, strlen(value)))
		return buf_first_error(&p->err, "[%s] %s is not valid UTF-8", section, name);
	for (i = 0; i < *p->n; i++)
		if (strcmp((*p->items)[i].code, section) == 0)
			break;
	if (i < *p->n && first) {
		if (p->err == NULL)
			p->err_line = p->section_line;
		return buf_first_error(&p->err, "[%s]: the code is given twice (first on line %zu)",
		                       section, p->seen[i].line);
	}
	if (i == *p->n) {
		*p->items = realloc(*p->items, (i + 1) * sizeof **p->items);
		p->seen = realloc(p->seen, (i + 1) * sizeof *p->seen);
		if (*p->items == NULL || p->seen == NULL)
			abort();
		it = &(*p->items)[i];
		memset(it, 0, sizeof *it);
		it->code = xalloc_strdup(section);
		it->kind = p->techniques ? CATALOG_VERBAL : CATALOG_CATEGORY;
		p->seen[i].line = first ? p->section_line : p->line;
		p->seen[i].kind = false;
		(*p->n)++;
	}
	it = &(*p->items)[i];
	if ((!strcmp(name, "name_zh") && it->name_zh != NULL) ||
	    (!strcmp(name, "name_en") && it->name_en != NULL) ||
	    (p->techniques && !strcmp(name, "kind") && p->seen[i].kind))
		return buf_first_error(&p->err, "[%s] %s given twice", section, name);
	if (!strcmp(name, "name_zh")) {
		it->name_zh = xalloc_strdup(value);
	} else if (!strcmp(name, "name_en")) {
		it->name_en = xalloc_strdup(value);
	} else if (p->techniques && !strcmp(name, "guidance_zh")) {
		catalog_append(&it->guidance_zh, value, "");
	} else if (p->techniques && !strcmp(name, "guidance_en")) {
		catalog_append(&it->guidance_en, value, " ");
	} else if (p->techniques && !strcmp(name, "kind")) {
		p->seen[i].kind = true;
		if (!strcmp(value, "verbal"))
			it->kind = CATALOG_VERBAL;
		else if (!strcmp(value, "nonverbal"))
			it->kind = CATALOG_NONVERBAL;
		else
			return buf_first_error(&p->err,
			                       "[%s] kind must be verbal or nonverbal, not \"%s\"",
			                       section, value);
	} else {
		return buf_first_error(&p->err, "[%s]: unknown setting \"%s\"", section, name);
	}
	return 1;
}

static int catalog_file(const char *dir, const char *file, bool techniques,
                        struct catalog_item **items, size_t *n, char **err)
{
	struct catalog_parse p = {.items = items, .n = n, .techniques = techniques};
	struct buf path, msg;
	size_t i;
	FILE *f;
	int rc;

	buf_init(&path);
	buf_init(&msg);
	buf_printf(&path, "%s/%s", dir, file);
	f = fopen(buf_cstr(&path), "r");
	if (f == NULL) {
		buf_printf(&msg, "%s: cannot open: %s", buf_cstr(&path), strerror(errno));
		goto fail;
	}
	p.f = f;
	rc = ini_parse_stream(catalog_read_line, &p, catalog_handler, &p);
	fclose(f);
	if (p.err != NULL || rc != 0) {
		if (p.err != NULL && p.err_line > 0)
			rc = (int)p.err_line;
		buf_printf(&msg, "%s:%d: %s", buf_cstr(&path), rc,
		           p.err ? p.err : "syntax error (expected [code] or name = value)");
		free(p.err);
		goto fail;
	}
	if (*n == 0) {
		buf_printf(&msg, "%s: no entries", buf_cstr(&path));
		goto fail;
	}
	for (i = 0; i < *n; i++) {
		struct catalog_item *it = &(*items)[i];

		if (it->name_zh == NULL || it->name_en == NULL) {
			buf_printf(&msg, "%s:%zu: [%s] needs name_zh and name_en", buf_cstr(&path),
			           p.seen[i].line, it->code);
			goto fail;
		}
		if (it->guidance_zh == NULL)
			it->guidance_zh = xalloc_strdup("");
		if (it->guidance_en == NULL)
			it->guidance_en = xalloc_strdup("");
	}
	free(p.seen);
	buf_free(&path);
	return 0;
fail:
	*err = buf_steal(&msg);
	free(p.seen);
	buf_free(&path);
	return -1;
}

static bool catalog_known_cb(void *arg, const char *code)
{
	return catalog_technique(arg, code) != NULL;
}

/* DIR/suggest.ini, when there is one, into c->rules. */
static int catalog_rules(const char *dir, struct catalog *c, char **err)
{
	struct buf path;
	int rc = 0;

	buf_init(&path);
	buf_printf(&path, "%s/suggest.ini", dir);
	if (access(buf_cstr(&path), F_OK) == 0)
		rc = suggest_load(buf_cstr(&path), catalog_known_cb, c, &c->rules, err);
	buf_free(&path);
	return rc;
}

/* DIR/checklist.ini, when there is one, into c->checklist. */
static int catalog_checklist(const char *dir, struct catalog *c, char **err)
{
	struct buf path, text, msg;
	char chunk[4096];
	size_t n;
	FILE *f;
	int rc = 0;

	buf_init(&path);
	buf_init(&text);
	buf_init(&msg);
	buf_printf(&path, "%s/checklist.ini", dir);
	f = fopen(buf_cstr(&path), "r");
	if (f == NULL) {
		if (errno != ENOENT) {
			buf_printf(&msg, "%s: cannot open: %s", buf_cstr(&path), strerror(errno));
			*err = buf_steal(&msg);
			rc = -1;
		}
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len <= CHECKLIST_TEXT_MAX)
		buf_append(&text, chunk, n);
	if (ferror(f)) {
		buf_printf(&msg, "%s: cannot read: %s", buf_cstr(&path), strerror(errno));
		*err = buf_steal(&msg);
		rc = -1;
	} else {
		rc = checklist_parse(text.data != NULL ? text.data : "", text.len,
		                     buf_cstr(&path), &c->checklist, err);
	}
	fclose(f);
out:
	buf_free(&path);
	buf_free(&text);
	buf_free(&msg);
	return rc;
}

/* DIR/movein.ini, when there is one, into c->movein. */
static int catalog_movein(const char *dir, struct catalog *c, char **err)
{
	struct buf path;
	int rc = 0;

	buf_init(&path);
	buf_printf(&path, "%s/movein.ini", dir);
	if (access(buf_cstr(&path), F_OK) == 0)
		rc = movein_rules_load(buf_cstr(&path), &c->movein, err);
	buf_free(&path);
	return rc;
}

int catalog_load(const char *dir, struct catalog **out, char **err)
{
	struct catalog *c = calloc(1, sizeof *c);

	if (c == NULL)
		abort();
	c->refs = 1;
	*err = NULL;
	if (catalog_file(dir, "techniques.ini", true, &c->techniques, &c->ntechniques, err) < 0 ||
	    catalog_file(dir, "categories.ini", false, &c->categories, &c->ncategories, err) < 0) {
		catalog_unref(c);
		return -1;
	}
	if (catalog_rules(dir, c, err) < 0 || catalog_checklist(dir, c, err) < 0 ||
	    catalog_movein(dir, c, err) < 0) {
		catalog_unref(c);
		return -1;
	}
	*out = c;
	return 0;
}

void catalog_ref(struct catalog *c)
{
	c->refs++;
}

void catalog_unref(struct catalog *c)
{
	size_t i;

	if (c == NULL || --c->refs > 0)
		return;
	for (i = 0; i < c->ntechniques; i++)
		catalog_item_clear(&c->techniques[i]);
	for (i = 0; i < c->ncategories; i++)
		catalog_item_clear(&c->categories[i]);
	free(c->techniques);
	free(c->categories);
	suggest_rules_free(c->rules);
	checklist_free(c->checklist);
	movein_rules_free(c->movein);
	free(c);
}

static const struct catalog_item *catalog_find(const struct catalog_item *items, size_t n,
                                               const char *code)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(items[i].code, code) == 0)
			return &items[i];
	return NULL;
}

/* What a user typed for an item: its code in any case or width, or its name in Chinese or
 * English (the English one in any case), spaces at both ends ignored. */
static const struct catalog_item *catalog_find_typed(const struct catalog_item *items, size_t n,
						     const char *typed)
{
	const struct catalog_item *it;
	const char *t;
	struct buf f;
	size_t i;

	if (typed == NULL)
		return NULL;
	it = catalog_find(items, n, typed);
	if (it != NULL)
		return it;
	buf_init(&f);
	t = utf8_fold_trim(&f, typed);
	for (i = 0; it == NULL && i < n; i++)
		if (strcasecmp(items[i].code, t) == 0 || strcmp(items[i].name_zh, t) == 0 ||
		    strcasecmp(items[i].name_en, t) == 0)
			it = &items[i];
	buf_free(&f);
	return it;
}

const struct catalog_item *catalog_technique_typed(const struct catalog *c, const char *typed)
{
	return catalog_find_typed(c->techniques, c->ntechniques, typed);
}

const struct catalog_item *catalog_category_typed(const struct catalog *c, const char *typed)
{
	return catalog_find_typed(c->categories, c->ncategories, typed);
}

const struct catalog_item *catalog_technique(const struct catalog *c, const char *code)
{
	return catalog_find(c->techniques, c->ntechniques, code);
}

const struct catalog_item *catalog_category(const struct catalog *c, const char *code)
{
	return catalog_find(c->categories, c->ncategories, code);
}

const char *catalog_name(const struct catalog_item *it, const char *lang)
{
	return lang != NULL && strcmp(lang, "zh") == 0 ? it->name_zh : it->name_en;
}

const char *catalog_guidance(const struct catalog_item *it, const char *lang)
{
	return lang != NULL && strcmp(lang, "zh") == 0 ? it->guidance_zh : it->guidance_en;
}
