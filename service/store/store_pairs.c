/* store_pairs — the character-pair tokenizer of the complaint search index (see the header). */
#include "store_pairs.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* The length of the character at text[i] (invalid bytes count alone). */
static size_t store_pairs_charlen(const char *text, size_t len, size_t i)
{
	uint32_t cp;
	int n = utf8_decode((const unsigned char *)text + i, len - i, &cp);

	return n > 0 ? (size_t)n : 1;
}

int store_pairs_tokenize(const char *text, size_t len, bool query, store_pairs_token_fn fn,
                         void *arg)
{
	size_t i = 0, nchars = 0;
	int rc;

	while (i < len) {
		size_t n = store_pairs_charlen(text, len, i), next = i + n;

		nchars++;
		if (text[i] == STORE_PAIRS_SEP && n == 1) {
			i = next;
			continue;
		}
		if (next < len && text[next] != STORE_PAIRS_SEP) {
			rc = fn(arg, text, i, next + store_pairs_charlen(text, len, next));
		} else {
			/* The end of a text. A query of two or more characters is all pairs: its
			 * last character already ends one. */
			if (query && next >= len && nchars > 1)
				break;
			rc = fn(arg, text, i, next);
		}
		if (rc != 0)
			return rc;
		i = next;
	}
	return 0;
}

long store_pairs_query(const char *text, char *out, size_t outlen)
{
	size_t len = strlen(text), o = 0, i;

	if (len == 0)
		return -1;
	if (outlen < 1)
		return -1;
	out[o++] = '"';
	for (i = 0; i < len; i++) {
		if (o + 2 >= outlen)
			return -1;
		out[o++] = text[i];
		if (text[i] == '"')
			out[o++] = '"';
	}
	if (o + 1 >= outlen)
		return -1;
	out[o++] = '"';
	if (store_pairs_charlen(text, len, 0) == len) {
		if (o + 2 >= outlen)
			return -1;
		out[o++] = ' ';
		out[o++] = '*';
	}
	out[o] = '\0';
	return (long)o;
}

/* ---- the FTS5 tokenizer ------------------------------------------------------------------- */

struct store_pairs_emit {
	void *ctx;
	int (*token)(void *ctx, int tflags, const char *token, int ntoken, int start, int end);
};

static int store_pairs_emit(void *arg, const char *text, size_t start, size_t end)
{
	struct store_pairs_emit *e = arg;

	return e->token(e->ctx, 0, text + start, (int)(end - start), (int)start, (int)end);
}

/* Any non-NULL handle will do: the tokenizer has no options and no state. */
static int store_pairs_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)argv;
	if (argc != 0)
		return SQLITE_ERROR;
	*out = (Fts5Tokenizer *)ctx;
	return SQLITE_OK;
}

static void store_pairs_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int store_pairs_fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text,
                                    int len,
                                    int (*token)(void *ctx, int tflags, const char *token,
                                                 int ntoken, int start, int end))
{
	struct store_pairs_emit e = {ctx, token};

	(void)t;
	if (len <= 0 || text == NULL)
		return SQLITE_OK;
	return store_pairs_tokenize(text, (size_t)len, (flags & FTS5_TOKENIZE_QUERY) != 0,
	                            store_pairs_emit, &e);
}

int store_pairs_register(sqlite3 *db)
{
	static fts5_tokenizer tokenizer = {store_pairs_create, store_pairs_delete,
	                                   store_pairs_fts_tokenize};
	static char handle; /* the tokenizer's (stateless) instance */
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	if (api == NULL || api->iVersion < 2)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, STORE_PAIRS_TOKENIZER, &handle, &tokenizer, NULL);
}
