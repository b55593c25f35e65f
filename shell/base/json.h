/* json — a small streaming JSON writer for the --json output of list commands: objects,
 * arrays, strings (UTF-8 kept, control characters, quotes and backslashes escaped, invalid
 * UTF-8 replaced by U+FFFD, so the output never holds a raw control byte), integers, booleans,
 * null. Pure; any thread. A struct json appends to a buf the caller owns. */
#ifndef PROPDESK_JSON_H
#define PROPDESK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define JSON_MAX_DEPTH 32

struct json {
	struct buf *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json *j, struct buf *out);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
/* Inside an object: the next value's key. */
void json_key(struct json *j, const char *key);
/* NULL writes null. */
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t len);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Shorthands for a key and its value. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
/* Appends s[0..len) escaped as a JSON string (with the quotes) to out. */
void json_escape(struct buf *out, const char *s, size_t len);

#endif
