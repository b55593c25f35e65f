/* record_check — a strict RFC 8259 JSON checker for the recording tests (test_record,
 * fuzz_record): validates one line as one JSON value, rejecting raw control characters, DEL
 * and invalid UTF-8 in strings, bad escapes and lone surrogates, and decodes an asciicast event
 * [time, "type", "data"]. Header-only (static functions); any thread. */
#ifndef PROPDESK_RECORD_CHECK_H
#define PROPDESK_RECORD_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

#define RECORD_CHECK_MAX_DEPTH 64

struct record_check {
	const unsigned char *p, *end;
	int depth;
};

static void record_check_ws(struct record_check *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int record_check_hex4(struct record_check *c, uint32_t *v)
{
	int i;

	if (c->end - c->p < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		unsigned char h = *c->p++;

		*v <<= 4;
		if (h >= '0' && h <= '9')
			*v |= (uint32_t)(h - '0');
		else if (h >= 'a' && h <= 'f')
			*v |= (uint32_t)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			*v |= (uint32_t)(h - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* A string at c->p (the opening quote); its decoded UTF-8 is appended to out when not NULL. */
static int record_check_string(struct record_check *c, struct buf *out)
{
	if (c->p >= c->end || *c->p != '"')
		return -1;
	c->p++;
	while (c->p < c->end) {
		unsigned char ch = *c->p;
		uint32_t cp;
		char enc[4];
		int n;

		if (ch == '"') {
			c->p++;
			return 0;
		}
		if (ch < 0x20 || ch == 0x7f)
			return -1; /* raw control character or DEL */
		if (ch != '\\') {
			n = utf8_decode(c->p, (size_t)(c->end - c->p), &cp);
			if (n <= 0)
				return -1;
			if (out != NULL)
				buf_append(out, c->p, (size_t)n);
			c->p += n;
			continue;
		}
		if (++c->p >= c->end)
			return -1;
		ch = *c->p++;
		switch (ch) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (record_check_hex4(c, &cp) < 0)
				return -1;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return -1; /* lone low surrogate */
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				uint32_t lo;

				if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
					return -1;
				c->p += 2;
				if (record_check_hex4(c, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			break;
		default:
			return -1;
		}
		n = utf8_encode(cp, enc);
		if (out != NULL)
			buf_append(out, enc, (size_t)n);
	}
	return -1;
}

static int record_check_digits(struct record_check *c)
{
	const unsigned char *start = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > start ? 0 : -1;
}

static int record_check_number(struct record_check *c, double *num)
{
	const unsigned char *start = c->p;
	char tmp[64];

	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (record_check_digits(c) < 0)
		return -1;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (record_check_digits(c) < 0)
			return -1;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (record_check_digits(c) < 0)
			return -1;
	}
	if (num != NULL) {
		size_t n = (size_t)(c->p - start);

		if (n >= sizeof tmp)
			n = sizeof tmp - 1;
		memcpy(tmp, start, n);
		tmp[n] = '\0';
		*num = strtod(tmp, NULL);
	}
	return 0;
}

static int record_check_literal(struct record_check *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

static int record_check_value(struct record_check *c);

static int record_check_container(struct record_check *c, unsigned char close, bool object)
{
	c->p++;
	if (++c->depth > RECORD_CHECK_MAX_DEPTH)
		return -1;
	record_check_ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	for (;;) {
		if (object) {
			if (record_check_string(c, NULL) < 0)
				return -1;
			record_check_ws(c);
			if (c->p >= c->end || *c->p != ':')
				return -1;
			c->p++;
			record_check_ws(c);
		}
		if (record_check_value(c) < 0)
			return -1;
		record_check_ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == close) {
			c->p++;
			c->depth--;
			return 0;
		}
		if (*c->p != ',')
			return -1;
		c->p++;
		record_check_ws(c);
	}
}

static int record_check_value(struct record_check *c)
{
	if (c->p >= c->end)
		return -1;
	switch (*c->p) {
	case '{': return record_check_container(c, '}', true);
	case '[': return record_check_container(c, ']', false);
	case '"': return record_check_string(c, NULL);
	case 't': return record_check_literal(c, "true");
	case 'f': return record_check_literal(c, "false");
	case 'n': return record_check_literal(c, "null");
	default: return record_check_number(c, NULL);
	}
}

/* 0 when line[0..len) is exactly one JSON value (whitespace around allowed) and valid UTF-8. */
static int record_check_json(const char *line, size_t len)
{
	const unsigned char *u = (const unsigned char *)line;
	struct record_check c = { u, u + len, 0 };

	if (!utf8_valid(line, len))
		return -1;
	record_check_ws(&c);
	if (record_check_value(&c) < 0)
		return -1;
	record_check_ws(&c);
	return c.p == c.end ? 0 : -1;
}

/* 0 when line[0..len) is a valid asciicast v2 event [time, "type", "data"]: sets *t, and
 * appends the decoded type and data to type and data. */
static int record_check_event(const char *line, size_t len, double *t, struct buf *type,
			      struct buf *data)
{
	const unsigned char *u = (const unsigned char *)line;
	struct record_check c = { u, u + len, 0 };

	if (record_check_json(line, len) < 0)
		return -1;
	record_check_ws(&c);
	if (c.p >= c.end || *c.p++ != '[')
		return -1;
	record_check_ws(&c);
	if (record_check_number(&c, t) < 0 || *t < 0)
		return -1;
	record_check_ws(&c);
	if (c.p >= c.end || *c.p++ != ',')
		return -1;
	record_check_ws(&c);
	if (record_check_string(&c, type) < 0)
		return -1;
	record_check_ws(&c);
	if (c.p >= c.end || *c.p++ != ',')
		return -1;
	record_check_ws(&c);
	if (record_check_string(&c, data) < 0)
		return -1;
	record_check_ws(&c);
	if (c.p >= c.end || *c.p++ != ']')
		return -1;
	record_check_ws(&c);
	return c.p == c.end ? 0 : -1;
}

/* What the recording must show for the byte stream in[0..len): the same text with each byte
 * that cannot start a valid sequence replaced by U+FFFD, and an incomplete sequence at the very
 * end replaced by one U+FFFD. */
static void record_check_expected(const char *in, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		int n = utf8_decode(p + i, len - i, &cp);

		if (n > 0) {
			buf_append(out, p + i, (size_t)n);
			i += (size_t)n;
		} else {
			buf_puts(out, "\xef\xbf\xbd");
			if (n == 0)
				break;
			i++;
		}
	}
}

#endif
