/* args — tokenizer and option parser for `group verb ARGS --options`. */
#include "args.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void args_init(struct args *a)
{
	memset(a, 0, sizeof *a);
}

void args_clear(struct args *a)
{
	free(a->store);
	args_init(a);
}

/* Length of the separator at s (ASCII whitespace or U+3000), 0 when s is no separator. */
static size_t args_separator(const unsigned char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r'))
		return 1;
	if (len >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

/* 0 when line is valid UTF-8 with no control characters but tab, CR and LF. */
static int args_check_bytes(const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);

		if (n <= 0)
			return ARGS_ECONTROL;
		if (cp == '\t' || cp == '\n' || cp == '\r')
			;
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return ARGS_ECONTROL;
		i += (size_t)n;
	}
	return 0;
}

int args_split(struct args *a, const char *line, size_t len, size_t max_len)
{
	const unsigned char *s = (const unsigned char *)line;
	char *o;
	size_t i = 0;
	int rc;

	args_clear(a);
	if (max_len > 0 && len > max_len)
		return ARGS_ETOOLONG;
	rc = args_check_bytes(line, len);
	if (rc < 0)
		return rc;
	a->store = malloc(len + 2);
	if (a->store == NULL)
		abort();
	o = a->store;
	for (;;) {
		size_t sep;

		while (i < len && (sep = args_separator(s + i, len - i)) > 0)
			i += sep;
		if (i >= len)
			break;
		if (a->nwords == ARGS_MAX_WORDS) {
			rc = ARGS_ETOOMANY;
			goto fail;
		}
		a->words[a->nwords++] = o;
		/* One word: until an unquoted separator. */
		while (i < len && args_separator(s + i, len - i) == 0) {
			unsigned char c = s[i];

			if (c == '\\') {
				if (i + 1 >= len) {
					rc = ARGS_EESCAPE;
					goto fail;
				}
				*o++ = (char)s[i + 1];
				i += 2;
			} else if (c == '\'') {
				i++;
				while (i < len && s[i] != '\'')
					*o++ = (char)s[i++];
				if (i >= len) {
					rc = ARGS_EQUOTE;
					goto fail;
				}
				i++;
			} else if (c == '"') {
				i++;
				while (i < len && s[i] != '"') {
					if (s[i] == '\\' && i + 1 < len)
						i++;
					*o++ = (char)s[i++];
				}
				if (i >= len) {
					rc = ARGS_EQUOTE;
					goto fail;
				}
				i++;
			} else {
				*o++ = (char)c;
				i++;
			}
		}
		*o++ = '\0';
	}
	return 0;
fail:
	args_clear(a);
	return rc;
}

static const struct args_opt *args_spec_find(const struct args_opt *spec, const char *name,
                                             size_t n)
{
	for (; spec != NULL && spec->name != NULL; spec++)
		if (strlen(spec->name) == n && memcmp(spec->name, name, n) == 0)
			return spec;
	return NULL;
}

int args_parse(struct args *a, size_t first, const struct args_opt *spec, size_t min_pos,
               size_t max_pos)
{
	bool opts_done = false;
	size_t i;

	a->first = first;
	a->npos = 0;
	a->nopts = 0;
	a->bad = NULL;
	for (i = first; i < a->nwords; i++) {
		const char *w = a->words[i];
		const struct args_opt *o;
		const char *eq, *value = NULL;
		size_t j, n;

		if (!opts_done && strcmp(w, "--") == 0) {
			opts_done = true;
			continue;
		}
		if (opts_done || strncmp(w, "--", 2) != 0) {
			if (a->npos >= max_pos) {
				a->bad = w;
				return ARGS_EMANY;
			}
			a->pos[a->npos++] = w;
			continue;
		}
		eq = strchr(w + 2, '=');
		n = eq ? (size_t)(eq - (w + 2)) : strlen(w + 2);
		o = args_spec_find(spec, w + 2, n);
		if (o == NULL) {
			a->bad = w;
			return ARGS_EUNKNOWN;
		}
		for (j = 0; j < a->nopts; j++) {
			if (a->opts[j].name == o->name) {
				a->bad = o->name;
				return ARGS_EDUP;
			}
		}
		if (o->flags & ARGS_VALUE) {
			if (eq != NULL) {
				value = eq + 1;
			} else if (i + 1 < a->nwords && strncmp(a->words[i + 1], "--", 2) != 0) {
				value = a->words[++i];
			} else {
				a->bad = o->name;
				return ARGS_EMISSING;
			}
		} else if (eq != NULL) {
			a->bad = o->name;
			return ARGS_ENOVALUE;
		}
		a->opts[a->nopts].name = o->name;
		a->opts[a->nopts].value = value;
		a->nopts++;
	}
	if (a->npos < min_pos)
		return ARGS_EFEW;
	for (; spec != NULL && spec->name != NULL; spec++) {
		if ((spec->flags & ARGS_REQUIRED) && !args_has(a, spec->name)) {
			a->bad = spec->name;
			return ARGS_EREQUIRED;
		}
	}
	return 0;
}

static const struct args_value *args_find(const struct args *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nopts; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			return &a->opts[i];
	return NULL;
}

bool args_has(const struct args *a, const char *name)
{
	return args_find(a, name) != NULL;
}

const char *args_get(const struct args *a, const char *name)
{
	const struct args_value *v = args_find(a, name);

	return v ? v->value : NULL;
}

void args_error(const struct args *a, int err, const char *lang, struct buf *out)
{
	int zh = lang != NULL && strcmp(lang, "zh") == 0;
	struct buf bad;

	buf_init(&bad);
	if (a->bad != NULL)
		utf8_sanitize(&bad, a->bad, strlen(a->bad), 0);
	switch (err) {
	case ARGS_ETOOLONG:
		buf_puts(out, zh ? "命令行太长" : "command line too long");
		break;
	case ARGS_ETOOMANY:
		buf_printf(out, zh ? "词太多（最多 %d 个）" : "too many words (at most %d)",
		           ARGS_MAX_WORDS);
		break;
	case ARGS_EQUOTE:
		buf_puts(out, zh ? "引号没有结束" : "unterminated quote");
		break;
	case ARGS_EESCAPE:
		buf_puts(out, zh ? "行尾的反斜杠后面没有字符" : "backslash at the end of the line");
		break;
	case ARGS_ECONTROL:
		buf_puts(out, zh ? "命令含有无效的 UTF-8 或控制字符"
		                 : "invalid UTF-8 or control character in the command");
		break;
	case ARGS_EUNKNOWN:
		buf_printf(out, zh ? "未知选项 %s" : "unknown option %s", buf_cstr(&bad));
		break;
	case ARGS_EMISSING:
		buf_printf(out, zh ? "选项 --%s 需要一个值" : "option --%s needs a value",
		           buf_cstr(&bad));
		break;
	case ARGS_ENOVALUE:
		buf_printf(out, zh ? "选项 --%s 不带值" : "option --%s takes no value",
		           buf_cstr(&bad));
		break;
	case ARGS_EDUP:
		buf_printf(out, zh ? "选项 --%s 重复" : "option --%s given twice", buf_cstr(&bad));
		break;
	case ARGS_EFEW:
		buf_puts(out, zh ? "缺少参数" : "missing argument");
		break;
	case ARGS_EMANY:
		buf_printf(out, zh ? "多余的参数 %s" : "too many arguments: %s", buf_cstr(&bad));
		break;
	case ARGS_EREQUIRED:
		buf_printf(out, zh ? "缺少选项 --%s" : "missing option --%s", buf_cstr(&bad));
		break;
	default:
		buf_puts(out, zh ? "参数错误" : "invalid arguments");
		break;
	}
	buf_free(&bad);
}

void args_quote(struct buf *out, const char *w)
{
	const char *p;
	bool plain = *w != '\0';

	for (p = w; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\'' ||
		    *p == '"' || *p == '\\') {
			plain = false;
			break;
		}
	}
	if (plain && strstr(w, "\xe3\x80\x80") == NULL) {
		buf_puts(out, w);
		return;
	}
	buf_putc(out, '"');
	for (p = w; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *p);
	}
	buf_putc(out, '"');
}
