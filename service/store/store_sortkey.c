/* store_sortkey — unit codes in their natural order: the sort key and its SQL function. */
#include "store_sortkey.h"

#include <stdlib.h>

static void store_sortkey_put(char *out, size_t cap, size_t *k, char c)
{
	if (*k + 1 < cap)
		out[*k] = c;
	(*k)++;
}

size_t store_sortkey_of(const char *code, size_t len, char *out, size_t cap)
{
	size_t i = 0, k = 0;

	while (i < len) {
		size_t start, end, n;

		if (code[i] < '0' || code[i] > '9') {
			store_sortkey_put(out, cap, &k, code[i++]);
			continue;
		}
		for (end = i; end < len && code[end] >= '0' && code[end] <= '9'; end++)
			;
		/* Leading zeros dropped, one digit kept ("000" is 0). */
		for (start = i; start + 1 < end && code[start] == '0'; start++)
			;
		n = end - start;
		if (n > 99)
			n = 99; /* longer runs than any code's (32 characters) keep their first digits */
		store_sortkey_put(out, cap, &k, (char)('0' + n / 10));
		store_sortkey_put(out, cap, &k, (char)('0' + n % 10));
		for (; start < end; start++)
			store_sortkey_put(out, cap, &k, code[start]);
		i = end;
	}
	if (cap > 0)
		out[k < cap ? k : cap - 1] = '\0';
	return k;
}

static void store_sortkey_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *code;
	char small[256], *out = small;
	size_t len, n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	code = (const char *)sqlite3_value_text(argv[0]);
	len = (size_t)sqlite3_value_bytes(argv[0]);
	if (code == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (2 * len + 3 > sizeof small) {
		out = malloc(2 * len + 3);
		if (out == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	n = store_sortkey_of(code, len, out, 2 * len + 3);
	sqlite3_result_text(ctx, out, (int)n, SQLITE_TRANSIENT);
	if (out != small)
		free(out);
}

int store_sortkey_register(sqlite3 *db)
{
	return sqlite3_create_function(db, STORE_SORTKEY_FUNCTION, 1,
	                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                               store_sortkey_sql, NULL, NULL);
}
