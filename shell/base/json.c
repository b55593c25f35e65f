/* json — streaming JSON writer. */
#include "json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof *j);
	j->out = out;
}

/* Before any value: the comma between siblings (not after a key). */
static void json_value_prefix(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		buf_putc(j->out, ',');
	j->need_comma[j->depth] = true;
}

static void json_open(struct json *j, char c)
{
	json_value_prefix(j);
	buf_putc(j->out, c);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort();
	j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	if (j->depth == 0)
		abort();
	j->depth--;
	buf_putc(j->out, c);
}

void json_object_begin(struct json *j)
{
	json_open(j, '{');
}

void json_object_end(struct json *j)
{
	json_close(j, '}');
}

void json_array_begin(struct json *j)
{
	json_open(j, '[');
}

void json_array_end(struct json *j)
{
	json_close(j, ']');
}

void json_escape(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	buf_putc(out, '"');
	while (i < len) {
		uint32_t cp;
		size_t run = i;
		int n;

		/* Printable ASCII but the quote and the backslash: copied as a run. */
		while (run < len && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			buf_append(out, p + i, run - i);
			i = run;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);

		if (n <= 0) {
			buf_puts(out, "\xef\xbf\xbd");
			i++;
			continue;
		}
		switch (cp) {
		case '"':
			buf_puts(out, "\\\"");
			break;
		case '\\':
			buf_puts(out, "\\\\");
			break;
		case '\n':
			buf_puts(out, "\\n");
			break;
		case '\r':
			buf_puts(out, "\\r");
			break;
		case '\t':
			buf_puts(out, "\\t");
			break;
		case '\b':
			buf_puts(out, "\\b");
			break;
		case '\f':
			buf_puts(out, "\\f");
			break;
		default:
			/* Invisible characters are escaped too: JSON read on a terminal shows
			 * them, and a parser gets them back unchanged. */
			if (cp > 0xFFFF && utf8_is_invisible(cp))
				buf_printf(out, "\\u%04x\\u%04x",
				           (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
				           (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
			else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
			         utf8_is_invisible(cp))
				buf_printf(out, "\\u%04x", (unsigned)cp);
			else
				buf_append(out, p + i, (size_t)n);
			break;
		}
		i += (size_t)n;
	}
	buf_putc(out, '"');
}

void json_key(struct json *j, const char *key)
{
	json_value_prefix(j);
	json_escape(j->out, key, strlen(key));
	buf_putc(j->out, ':');
	j->after_key = true;
}

void json_string_n(struct json *j, const char *s, size_t len)
{
	json_value_prefix(j);
	json_escape(j->out, s, len);
}

void json_string(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_string_n(j, s, strlen(s));
}

void json_int(struct json *j, int64_t v)
{
	json_value_prefix(j);
	buf_printf(j->out, "%" PRId64, v);
}

void json_bool(struct json *j, bool v)
{
	json_value_prefix(j);
	buf_puts(j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
	json_value_prefix(j);
	buf_puts(j->out, "null");
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
