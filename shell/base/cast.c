/* cast — asciicast v2 event lines and the text of terminal output (see the header). */
#include "cast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static size_t cast_skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

static int cast_hex4(const char *s, size_t len, size_t i, uint32_t *v)
{
	size_t k;

	*v = 0;
	if (i + 4 > len)
		return -1;
	for (k = 0; k < 4; k++) {
		char c = s[i + k];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static void cast_put_cp(struct buf *out, uint32_t cp)
{
	char u[4];
	int n;

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	n = utf8_encode(cp, u);
	if (n > 0)
		buf_append(out, u, (size_t)n);
}

/* A JSON string at s[*i] (the opening quote) into out: 0, or -1. */
static int cast_string(const char *s, size_t len, size_t *i, struct buf *out)
{
	size_t p = *i + 1;

	if (*i >= len || s[*i] != '"')
		return -1;
	while (p < len && s[p] != '"') {
		unsigned char c = (unsigned char)s[p];

		if (c < 0x20)
			return -1;
		if (c == '\\') {
			uint32_t cp, lo;

			if (p + 1 >= len)
				return -1;
			switch (s[p + 1]) {
			case '"': buf_putc(out, '"'); p += 2; break;
			case '\\': buf_putc(out, '\\'); p += 2; break;
			case '/': buf_putc(out, '/'); p += 2; break;
			case 'b': buf_putc(out, '\b'); p += 2; break;
			case 'f': buf_putc(out, '\f'); p += 2; break;
			case 'n': buf_putc(out, '\n'); p += 2; break;
			case 'r': buf_putc(out, '\r'); p += 2; break;
			case 't': buf_putc(out, '\t'); p += 2; break;
			case 'u':
				if (cast_hex4(s, len, p + 2, &cp) < 0)
					return -1;
				p += 6;
				if (cp >= 0xD800 && cp <= 0xDBFF && p + 1 < len && s[p] == '\\' &&
				    s[p + 1] == 'u' && cast_hex4(s, len, p + 2, &lo) == 0 &&
				    lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
				cast_put_cp(out, cp);
				break;
			default:
				return -1;
			}
			continue;
		}
		{
			uint32_t cp;
			int n = utf8_decode((const unsigned char *)s + p, len - p, &cp);

			if (n <= 0) {
				cast_put_cp(out, 0xFFFD);
				p++;
			} else {
				buf_append(out, s + p, (size_t)n);
				p += (size_t)n;
			}
		}
	}
	if (p >= len)
		return -1;
	*i = p + 1;
	return 0;
}

int cast_event_parse(const char *line, size_t len, double *t, char *code, struct buf *out)
{
	size_t i, start;
	struct buf kind;
	char num[64];
	char *end;
	int rc = -1;

	buf_reset(out);
	*t = 0;
	*code = 0;
	if (len > CAST_LINE_MAX)
		return -1;
	i = cast_skip_ws(line, len, 0);
	if (i == len || line[i] == '{')
		return 0;
	if (line[i] != '[')
		return -1;
	i = cast_skip_ws(line, len, i + 1);
	start = i;
	while (i < len && ((line[i] >= '0' && line[i] <= '9') || line[i] == '.' || line[i] == 'e' ||
	                   line[i] == 'E' || line[i] == '+' || line[i] == '-'))
		i++;
	if (i == start || i - start >= sizeof num)
		return -1;
	memcpy(num, line + start, i - start);
	num[i - start] = '\0';
	*t = strtod(num, &end);
	if (*end != '\0' || !(*t >= 0) || *t > 1e12)
		return -1;
	i = cast_skip_ws(line, len, i);
	if (i >= len || line[i] != ',')
		return -1;
	i = cast_skip_ws(line, len, i + 1);
	buf_init(&kind);
	if (cast_string(line, len, &i, &kind) < 0 || kind.len != 1)
		goto out;
	*code = kind.data[0];
	i = cast_skip_ws(line, len, i);
	if (i >= len || line[i] != ',')
		goto out;
	i = cast_skip_ws(line, len, i + 1);
	if (cast_string(line, len, &i, out) < 0)
		goto out;
	i = cast_skip_ws(line, len, i);
	if (i >= len || line[i] != ']')
		goto out;
	i = cast_skip_ws(line, len, i + 1);
	rc = i == len ? 1 : -1;
out:
	buf_free(&kind);
	if (rc < 0)
		buf_reset(out);
	return rc;
}

enum {
	CAST_TEXT = 0,
	CAST_ESC,     /* after ESC */
	CAST_CSI,     /* ESC [ ... final byte */
	CAST_STRING,  /* ESC ] / P / X / ^ / _ ... BEL or ESC \ */
	CAST_STR_ESC, /* ESC inside a string */
	CAST_CR,      /* after \r */
};

void cast_text_init(struct cast_text *ct)
{
	ct->state = CAST_TEXT;
}

void cast_text_feed(struct cast_text *ct, const char *data, size_t len, struct buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		switch (ct->state) {
		case CAST_ESC:
			if (c == '[')
				ct->state = CAST_CSI;
			else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
				ct->state = CAST_STRING;
			else if (c >= 0x20 && c < 0x30)
				; /* an intermediate byte: the final one follows */
			else
				ct->state = CAST_TEXT;
			continue;
		case CAST_CSI:
			if (c >= 0x40 && c <= 0x7E)
				ct->state = CAST_TEXT;
			continue;
		case CAST_STRING:
			if (c == 0x07)
				ct->state = CAST_TEXT;
			else if (c == 0x1B)
				ct->state = CAST_STR_ESC;
			continue;
		case CAST_STR_ESC:
			ct->state = c == '\\' ? CAST_TEXT : CAST_STRING;
			continue;
		case CAST_CR:
			ct->state = CAST_TEXT;
			buf_putc(out, '\n');
			if (c == '\n')
				continue;
			break;
		default:
			break;
		}
		if (c == 0x1B)
			ct->state = CAST_ESC;
		else if (c == '\r')
			ct->state = CAST_CR;
		else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7F))
			buf_putc(out, (char)c);
		/* other control characters (BEL, BS...) are dropped */
	}
}
