/* checklist — the quality checklist parsed from text with inih (a reader over memory that
 * counts lines and refuses long ones and NUL bytes), and its scoring rule. */
#include "checklist.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"
#include "xalloc.h"

#define CHECKLIST_LINE_MAX 200   /* inih's line buffer: longer lines continue indented */
#define CHECKLIST_TEXTS_MAX 2048 /* bytes of an item's text or guidance, joined */

enum checklist_kind { CHECKLIST_KIND_HEAD, CHECKLIST_KIND_SECTION, CHECKLIST_KIND_ITEM };

struct checklist_seen {
	size_t line;    /* of its [..] line */
	char *section;  /* an item's section code, until resolved */
	unsigned given; /* bit per setting given */
};

struct checklist_parse {
	struct checklist *c;
	const char *name;
	const char *text;
	size_t len, pos;
	size_t line;         /* lines read */
	size_t section_line; /* the last [..] line read */
	bool new_section;    /* a [..] line was read since the last setting */
	bool after_setting;
	char *err;
	size_t err_line;
	bool head_seen;
	size_t head_line;
	unsigned head_given;
	struct checklist_seen *sseen, *iseen; /* per section, per item */
};

/* Settings, one bit each, to refuse one given twice. */
enum {
	CL_NAME_ZH = 1u << 0,
	CL_NAME_EN = 1u << 1,
	CL_PASS = 1u << 2,
	CL_DISPUTE = 1u << 3,
	CL_SECTION = 1u << 4,
	CL_SCALE = 1u << 5,
	CL_WEIGHT = 1u << 6,
	CL_CRITICAL = 1u << 7,
	CL_NA = 1u << 8,
	CL_SCOPE = 1u << 9,
	CL_LINK = 1u << 10,
	CL_TEXT_ZH = 1u << 11,
	CL_TEXT_EN = 1u << 12,
};

static int checklist_error(struct checklist_parse *p, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int checklist_error(struct checklist_parse *p, size_t line, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	if (p->err != NULL)
		return 0;
	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p->err = buf_steal(&b);
	p->err_line = line;
	return 0;
}

/* inih's reader over memory: one line per call, as inih counts them. */
static char *checklist_read(char *str, int num, void *stream)
{
	struct checklist_parse *p = stream;
	const char *line, *nl, *s;
	size_t n, keep;

	if (p->pos >= p->len)
		return NULL;
	line = p->text + p->pos;
	nl = memchr(line, '\n', p->len - p->pos);
	n = nl != NULL ? (size_t)(nl - line) + 1 : p->len - p->pos;
	p->pos += n;
	p->line++;
	if (memchr(line, '\0', n) != NULL)
		checklist_error(p, p->line, "a NUL byte (is this a text file?)");
	keep = n;
	if (keep > (size_t)num - 1 || keep > CHECKLIST_LINE_MAX + 1) {
		checklist_error(p, p->line,
		                "the line is longer than %d bytes: continue a long text on an "
		                "indented line",
		                CHECKLIST_LINE_MAX);
		keep = 0;
	}
	memcpy(str, line, keep);
	str[keep] = '\0';
	if (memchr(str, '\0', keep) != NULL)
		keep = 0;
	str[keep] = '\0';
	s = str;
	if (p->line == 1 && keep >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
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

static bool checklist_code_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* Joins a continued text (Chinese as is, English with a space). */
static int checklist_append(struct checklist_parse *p, char **dst, const char *value,
                            const char *sep)
{
	struct buf b;

	if (*dst != NULL && strlen(*dst) + strlen(value) + 1 > CHECKLIST_TEXTS_MAX)
		return checklist_error(p, p->line, "the text is longer than %d bytes",
		                       CHECKLIST_TEXTS_MAX);
	buf_init(&b);
	if (*dst != NULL) {
		buf_puts(&b, *dst);
		buf_puts(&b, sep);
	}
	buf_puts(&b, value);
	free(*dst);
	*dst = buf_steal(&b);
	return 1;
}

/* An integer in lo..hi, written in decimal digits. */
static bool checklist_int(const char *s, int lo, int hi, int *out)
{
	long v = 0;
	size_t i;

	if (s[0] == '\0' || strlen(s) > 4)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

static int checklist_bool(const char *s)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

/* Marks setting bit of *given; refuses it given twice (a continuation of a text is the same
 * setting again: cont says that is fine). */
static bool checklist_once(struct checklist_parse *p, unsigned *given, unsigned bit,
                           const char *section, const char *name, bool cont)
{
	if ((*given & bit) && !cont) {
		checklist_error(p, p->line, "[%s] %s given twice", section, name);
		return false;
	}
	*given |= bit;
	return true;
}

static int checklist_head(struct checklist_parse *p, const char *name, const char *value)
{
	struct checklist *c = p->c;
	const char *sec = "checklist";

	if (!strcmp(name, "name_zh")) {
		if (!checklist_once(p, &p->head_given, CL_NAME_ZH, sec, name, false))
			return 0;
		c->name_zh = xalloc_strdup(value);
	} else if (!strcmp(name, "name_en")) {
		if (!checklist_once(p, &p->head_given, CL_NAME_EN, sec, name, false))
			return 0;
		c->name_en = xalloc_strdup(value);
	} else if (!strcmp(name, "pass")) {
		if (!checklist_once(p, &p->head_given, CL_PASS, sec, name, false))
			return 0;
		if (!checklist_int(value, 0, 100, &c->pass_pct))
			return checklist_error(
			    p, p->line, "[checklist] pass is a percentage, 0 to 100, not \"%s\"",
			    value);
	} else if (!strcmp(name, "dispute_days")) {
		if (!checklist_once(p, &p->head_given, CL_DISPUTE, sec, name, false))
			return 0;
		if (!checklist_int(value, 0, 365, &c->dispute_days))
			return checklist_error(
			    p, p->line, "[checklist] dispute_days is 0 to 365 days, not \"%s\"",
			    value);
	} else {
		return checklist_error(p, p->line, "[checklist]: unknown setting \"%s\"", name);
	}
	return 1;
}

static int checklist_section_set(struct checklist_parse *p, size_t i, const char *section,
                                 const char *name, const char *value)
{
	struct checklist_section *s = &p->c->sections[i];
	unsigned *given = &p->sseen[i].given;

	if (!strcmp(name, "name_zh")) {
		if (!checklist_once(p, given, CL_NAME_ZH, section, name, false))
			return 0;
		s->name_zh = xalloc_strdup(value);
	} else if (!strcmp(name, "name_en")) {
		if (!checklist_once(p, given, CL_NAME_EN, section, name, false))
			return 0;
		s->name_en = xalloc_strdup(value);
	} else {
		return checklist_error(p, p->line, "[%s]: unknown setting \"%s\"", section, name);
	}
	return 1;
}

static int checklist_item_set(struct checklist_parse *p, size_t i, const char *section,
                              const char *name, const char *value, bool first)
{
	struct checklist_item *it = &p->c->items[i];
	struct checklist_seen *seen = &p->iseen[i];
	int b;

	(void)first;
	if (!strcmp(name, "section")) {
		if (!checklist_once(p, &seen->given, CL_SECTION, section, name, false))
			return 0;
		seen->section = xalloc_strdup(value);
	} else if (!strcmp(name, "text_zh")) {
		checklist_once(p, &seen->given, CL_TEXT_ZH, section, name, true);
		return checklist_append(p, &it->text_zh, value, "");
	} else if (!strcmp(name, "text_en")) {
		checklist_once(p, &seen->given, CL_TEXT_EN, section, name, true);
		return checklist_append(p, &it->text_en, value, " ");
	} else if (!strcmp(name, "guide_zh")) {
		return checklist_append(p, &it->guide_zh, value, "");
	} else if (!strcmp(name, "guide_en")) {
		return checklist_append(p, &it->guide_en, value, " ");
	} else if (!strcmp(name, "scale")) {
		if (!checklist_once(p, &seen->given, CL_SCALE, section, name, false))
			return 0;
		if (!strcmp(value, "yesno"))
			it->scale = CHECKLIST_YESNO;
		else if (!strcmp(value, "1-5"))
			it->scale = CHECKLIST_FIVE;
		else
			return checklist_error(p, p->line, "[%s] scale is yesno or 1-5, not \"%s\"",
			                       section, value);
	} else if (!strcmp(name, "weight")) {
		if (!checklist_once(p, &seen->given, CL_WEIGHT, section, name, false))
			return 0;
		if (!checklist_int(value, 1, CHECKLIST_WEIGHT_MAX, &it->weight))
			return checklist_error(p, p->line, "[%s] weight is 1 to %d, not \"%s\"",
			                       section, CHECKLIST_WEIGHT_MAX, value);
	} else if (!strcmp(name, "critical") || !strcmp(name, "na")) {
		bool crit = !strcmp(name, "critical");

		if (!checklist_once(p, &seen->given, crit ? CL_CRITICAL : CL_NA, section, name,
		                    false))
			return 0;
		b = checklist_bool(value);
		if (b < 0)
			return checklist_error(p, p->line, "[%s] %s is yes or no, not \"%s\"",
			                       section, name, value);
		if (crit)
			it->critical = b == 1;
		else
			it->na = b == 1;
	} else if (!strcmp(name, "scope")) {
		if (!checklist_once(p, &seen->given, CL_SCOPE, section, name, false))
			return 0;
		if (!strcmp(value, "complaint"))
			it->scope = CHECKLIST_COMPLAINT;
		else if (!strcmp(value, "period"))
			it->scope = CHECKLIST_PERIOD;
		else
			return checklist_error(p, p->line,
			                       "[%s] scope is complaint or period, not \"%s\"",
			                       section, value);
	} else if (!strcmp(name, "link")) {
		static const enum checklist_link links[] = {
		    CHECKLIST_LINK_NONE,     CHECKLIST_LINK_WORDS,   CHECKLIST_LINK_TECHNIQUES,
		    CHECKLIST_LINK_PROMISES, CHECKLIST_LINK_HISTORY,
		};
		size_t k;

		if (!checklist_once(p, &seen->given, CL_LINK, section, name, false))
			return 0;
		for (k = 0; k < sizeof links / sizeof links[0]; k++)
			if (!strcmp(value, k == 0 ? "none" : checklist_link_name(links[k])))
				break;
		if (k == sizeof links / sizeof links[0])
			return checklist_error(p, p->line,
			                       "[%s] link is none, words, techniques, promises or "
			                       "history, not \"%s\"",
			                       section, value);
		it->link = links[k];
	} else {
		return checklist_error(p, p->line, "[%s]: unknown setting \"%s\"", section, name);
	}
	return 1;
}

/* Adds an element of size sz to *list (n elements), zeroed; and one to *seen. */
static void *checklist_grow(void *list, size_t n, size_t sz)
{
	void *p = realloc(list, (n + 1) * sz);

	if (p == NULL)
		abort();
	memset((char *)p + n * sz, 0, sz);
	return p;
}

static int checklist_handler(void *user, const char *section, const char *name, const char *value)
{
	struct checklist_parse *p = user;
	struct checklist *c = p->c;
	bool first = p->new_section;
	enum checklist_kind kind;
	const char *code = NULL;
	size_t i, n;

	p->new_section = false;
	p->after_setting = true;
	if (p->err != NULL)
		return 0;
	/* Errors quote them: text that is not UTF-8 is never echoed. */
	if (!utf8_valid(section, strlen(section)))
		return checklist_error(p, p->section_line, "a [section] name is not valid UTF-8");
	if (!utf8_valid(name, strlen(name)))
		return checklist_error(p, p->line, "[%s]: a setting's name is not valid UTF-8",
		                       section);
	if (!utf8_valid(value, strlen(value)))
		return checklist_error(p, p->line, "[%s] %s is not valid UTF-8", section, name);
	if (!strcmp(section, "checklist")) {
		kind = CHECKLIST_KIND_HEAD;
	} else if (!strncmp(section, "section ", 8)) {
		kind = CHECKLIST_KIND_SECTION;
		code = section + 8;
	} else if (!strncmp(section, "item ", 5)) {
		kind = CHECKLIST_KIND_ITEM;
		code = section + 5;
	} else {
		return checklist_error(p, p->section_line,
		                       "[%s]: sections are [checklist], [section CODE] and [item "
		                       "CODE]",
		                       section);
	}
	if (kind == CHECKLIST_KIND_HEAD) {
		if (first && p->head_seen)
			return checklist_error(p, p->section_line,
			                       "[checklist] is given twice (first on line %zu)",
			                       p->head_line);
		if (!p->head_seen) {
			p->head_seen = true;
			p->head_line = first ? p->section_line : p->line;
		}
		return checklist_head(p, name, value);
	}
	if (!checklist_code_ok(code))
		return checklist_error(p, p->section_line,
		                       "[%s]: a code is a-z, 0-9 and '-', starting with a letter "
		                       "(at most 32)",
		                       section);
	n = kind == CHECKLIST_KIND_SECTION ? c->nsections : c->nitems;
	for (i = 0; i < n; i++)
		if (!strcmp(kind == CHECKLIST_KIND_SECTION ? c->sections[i].code : c->items[i].code,
		            code))
			break;
	if (i < n && first)
		return checklist_error(
		    p, p->section_line, "[%s]: the code is given twice (first on line %zu)",
		    section, kind == CHECKLIST_KIND_SECTION ? p->sseen[i].line : p->iseen[i].line);
	if (i == n) {
		if (kind == CHECKLIST_KIND_SECTION) {
			if (n == CHECKLIST_SECTIONS_MAX)
				return checklist_error(p, p->section_line, "more than %d sections",
				                       CHECKLIST_SECTIONS_MAX);
			c->sections = checklist_grow(c->sections, n, sizeof *c->sections);
			p->sseen = checklist_grow(p->sseen, n, sizeof *p->sseen);
			c->sections[n].code = xalloc_strdup(code);
			p->sseen[n].line = first ? p->section_line : p->line;
			c->nsections++;
		} else {
			if (n == CHECKLIST_ITEMS_MAX)
				return checklist_error(p, p->section_line, "more than %d items",
				                       CHECKLIST_ITEMS_MAX);
			c->items = checklist_grow(c->items, n, sizeof *c->items);
			p->iseen = checklist_grow(p->iseen, n, sizeof *p->iseen);
			c->items[n].code = xalloc_strdup(code);
			c->items[n].na = true;
			c->items[n].scope = CHECKLIST_COMPLAINT;
			p->iseen[n].line = first ? p->section_line : p->line;
			c->nitems++;
		}
	}
	if (kind == CHECKLIST_KIND_SECTION)
		return checklist_section_set(p, i, section, name, value);
	return checklist_item_set(p, i, section, name, value, first);
}

/* What a parsed checklist must have, checked once it is read. */
static int checklist_complete(struct checklist_parse *p)
{
	struct checklist *c = p->c;
	size_t i, j;

	if (!p->head_seen)
		return checklist_error(p, 1, "no [checklist] section (name_zh, name_en, pass)");
	if (c->name_zh == NULL || c->name_en == NULL || !(p->head_given & CL_PASS))
		return checklist_error(p, p->head_line,
		                       "[checklist] needs name_zh, name_en and pass");
	if (!(p->head_given & CL_DISPUTE))
		c->dispute_days = 14;
	for (i = 0; i < c->nsections; i++)
		if (c->sections[i].name_zh == NULL || c->sections[i].name_en == NULL)
			return checklist_error(p, p->sseen[i].line,
			                       "[section %s] needs name_zh and name_en",
			                       c->sections[i].code);
	if (c->nitems == 0)
		return checklist_error(p, p->line > 0 ? p->line : 1, "no [item CODE] sections");
	for (i = 0; i < c->nitems; i++) {
		struct checklist_item *it = &c->items[i];
		struct checklist_seen *s = &p->iseen[i];

		if (s->section == NULL || it->text_zh == NULL || it->text_en == NULL ||
		    it->scale == 0 || it->weight == 0)
			return checklist_error(
			    p, s->line,
			    "[item %s] needs section, text_zh, text_en, scale and "
			    "weight",
			    it->code);
		for (j = 0; j < c->nsections; j++)
			if (!strcmp(c->sections[j].code, s->section))
				break;
		if (j == c->nsections)
			return checklist_error(
			    p, s->line, "[item %s]: no [section %s] (sections: %zu declared)",
			    it->code, s->section, c->nsections);
		it->section = j;
		if (it->guide_zh == NULL)
			it->guide_zh = xalloc_strdup("");
		if (it->guide_en == NULL)
			it->guide_en = xalloc_strdup("");
	}
	return 1;
}

static void checklist_seen_free(struct checklist_seen *s, size_t n)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		free(s[i].section);
	free(s);
}

int checklist_parse(const char *text, size_t len, const char *name, struct checklist **out,
                    char **err)
{
	struct checklist_parse p;
	struct checklist *c;
	struct buf msg;
	int rc;

	*out = NULL;
	*err = NULL;
	buf_init(&msg);
	if (len > CHECKLIST_TEXT_MAX) {
		buf_printf(&msg, "%s: larger than %u bytes", name, CHECKLIST_TEXT_MAX);
		*err = buf_steal(&msg);
		return -1;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL)
		abort();
	memset(&p, 0, sizeof p);
	p.c = c;
	p.name = name;
	p.text = text;
	p.len = len;
	rc = ini_parse_stream(checklist_read, &p, checklist_handler, &p);
	if (p.err == NULL && rc == 0)
		checklist_complete(&p);
	if (rc != 0 && (p.err == NULL || (size_t)rc < p.err_line)) {
		free(p.err);
		p.err = xalloc_strdup("syntax error (expected [section], name = value or an "
		                      "indented continuation)");
		p.err_line = (size_t)rc;
	}
	if (p.err != NULL) {
		buf_printf(&msg, "%s:%zu: %s", name, p.err_line, p.err);
		*err = buf_steal(&msg);
		free(p.err);
		checklist_seen_free(p.sseen, c->nsections);
		checklist_seen_free(p.iseen, c->nitems);
		checklist_free(c);
		return -1;
	}
	checklist_seen_free(p.sseen, c->nsections);
	checklist_seen_free(p.iseen, c->nitems);
	c->text = malloc(len + 1);
	if (c->text == NULL)
		abort();
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	c->len = len;
	*out = c;
	buf_free(&msg);
	return 0;
}

void checklist_free(struct checklist *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsections; i++) {
		free(c->sections[i].code);
		free(c->sections[i].name_zh);
		free(c->sections[i].name_en);
	}
	for (i = 0; i < c->nitems; i++) {
		struct checklist_item *it = &c->items[i];

		free(it->code);
		free(it->text_zh);
		free(it->text_en);
		free(it->guide_zh);
		free(it->guide_en);
	}
	free(c->sections);
	free(c->items);
	free(c->name_zh);
	free(c->name_en);
	free(c->text);
	free(c);
}

const struct checklist_item *checklist_item(const struct checklist *c, const char *code,
                                            size_t *idx)
{
	size_t i;

	for (i = 0; code != NULL && i < c->nitems; i++)
		if (!strcmp(c->items[i].code, code)) {
			if (idx != NULL)
				*idx = i;
			return &c->items[i];
		}
	return NULL;
}

static bool checklist_zh(const char *lang)
{
	return lang != NULL && !strcmp(lang, "zh");
}

const char *checklist_name(const struct checklist *c, const char *lang)
{
	return checklist_zh(lang) ? c->name_zh : c->name_en;
}

const char *checklist_section_name(const struct checklist_section *s, const char *lang)
{
	return checklist_zh(lang) ? s->name_zh : s->name_en;
}

const char *checklist_item_text(const struct checklist_item *it, const char *lang)
{
	return checklist_zh(lang) ? it->text_zh : it->text_en;
}

const char *checklist_item_guide(const struct checklist_item *it, const char *lang)
{
	return checklist_zh(lang) ? it->guide_zh : it->guide_en;
}

const char *checklist_scale_name(enum checklist_scale s)
{
	return s == CHECKLIST_FIVE ? "1-5" : "yesno";
}

const char *checklist_scope_name(enum checklist_scope s)
{
	return s == CHECKLIST_PERIOD ? "period" : "complaint";
}

const char *checklist_link_name(enum checklist_link l)
{
	switch (l) {
	case CHECKLIST_LINK_WORDS:
		return "words";
	case CHECKLIST_LINK_TECHNIQUES:
		return "techniques";
	case CHECKLIST_LINK_PROMISES:
		return "promises";
	case CHECKLIST_LINK_HISTORY:
		return "history";
	case CHECKLIST_LINK_NONE:
		break;
	}
	return "";
}

static bool checklist_is(const char *s, const char *const *words)
{
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

int checklist_answer_parse(const struct checklist_item *it, const char *s, int *answer)
{
	static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "是", NULL};
	static const char *const no[] = {"n", "N", "no", "No", "NO", "否", NULL};
	static const char *const na[] = {"na", "NA", "n/a", "N/A", "-", "不适用", NULL};

	if (s == NULL)
		return -1;
	if (checklist_is(s, na)) {
		if (!it->na)
			return -1;
		*answer = CHECKLIST_NA;
		return 0;
	}
	if (it->scale == CHECKLIST_YESNO) {
		if (checklist_is(s, yes)) {
			*answer = 1;
			return 0;
		}
		if (checklist_is(s, no)) {
			*answer = 0;
			return 0;
		}
		return -1;
	}
	if (s[0] >= '1' && s[0] <= '5' && s[1] == '\0') {
		*answer = s[0] - '0';
		return 0;
	}
	return -1;
}

const char *checklist_answer_label(const struct checklist_item *it, int answer, const char *lang,
                                   char *tmp, size_t len)
{
	bool zh = checklist_zh(lang);

	if (answer == CHECKLIST_NA)
		return zh ? "不适用" : "N/A";
	if (it->scale == CHECKLIST_YESNO)
		return answer == 1 ? (zh ? "是" : "yes") : (zh ? "否" : "no");
	snprintf(tmp, len, "%d", answer);
	return tmp;
}

int checklist_points(const struct checklist_item *it, int answer)
{
	if (answer == CHECKLIST_NA)
		return 0;
	if (it->scale == CHECKLIST_YESNO)
		return answer == 1 ? CHECKLIST_POINTS : 0;
	return answer >= 1 && answer <= 5 ? answer : 0;
}

bool checklist_fails(const struct checklist_item *it, int answer)
{
	if (!it->critical || answer == CHECKLIST_NA)
		return false;
	return it->scale == CHECKLIST_YESNO ? answer != 1 : answer <= 1;
}

void checklist_score(const struct checklist *c, enum checklist_scope scope, const int *answers,
                     struct checklist_score *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < c->nitems; i++) {
		const struct checklist_item *it = &c->items[i];

		if (it->scope != scope || answers[i] == CHECKLIST_NA)
			continue;
		out->answered++;
		out->earned += (int64_t)checklist_points(it, answers[i]) * it->weight;
		out->possible += (int64_t)CHECKLIST_POINTS * it->weight;
		if (checklist_fails(it, answers[i]))
			out->critical_failed++;
	}
	if (out->possible > 0)
		out->pct_x10 = (int)((out->earned * 1000 + out->possible / 2) / out->possible);
	out->passed = out->answered > 0 && out->critical_failed == 0 &&
	              out->earned * 100 >= (int64_t)c->pass_pct * out->possible;
}

size_t checklist_count(const struct checklist *c, enum checklist_scope scope)
{
	size_t i, n = 0;

	for (i = 0; i < c->nitems; i++)
		if (c->items[i].scope == scope)
			n++;
	return n;
}

int checklist_kappa(const int *a, const int *b, size_t n, double *kappa)
{
	size_t ca[7] = {0}, cb[7] = {0}, agree = 0, i;
	double po, pe = 0;

	*kappa = 0;
	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		int x = a[i] < -1 || a[i] > 5 ? -1 : a[i], y = b[i] < -1 || b[i] > 5 ? -1 : b[i];

		ca[x + 1]++;
		cb[y + 1]++;
		agree += x == y;
	}
	po = (double)agree / (double)n;
	for (i = 0; i < 7; i++)
		pe += ((double)ca[i] / (double)n) * ((double)cb[i] / (double)n);
	if (pe >= 1.0) {
		*kappa = po >= 1.0 ? 1.0 : 0.0;
		return -1;
	}
	*kappa = (po - pe) / (1.0 - pe);
	return 0;
}
