/* store_pairs — the tokenizer of the character-pair index behind `complaint search`
 * (store_search.h): an SQLite FTS5 tokenizer, "propdesk_pairs", that cuts text into overlapping
 * pairs of characters, so that any substring of two or more characters (Chinese has no spaces
 * between words: "漏水" inside "卫生间漏水") is a phrase of consecutive pairs, and a single
 * character is a prefix query.
 *
 * A document is a complaint's texts joined by STORE_PAIRS_SEP (words, outcome, notes, with a
 * separator after the last). Each character followed by another of the same text gives the pair
 * of both; the last character of a text gives itself alone, which also keeps pairs of different
 * texts from ever standing side by side in a phrase. A query of two or more characters gives
 * only its pairs; a query of one character gives that character (matched as a prefix).
 * Case and bytes are kept: the search is an exact, case-sensitive substring search. How the
 * index is kept up to date: store_search.h and migration 3 in store_schema.c.
 *
 * Bytes that are not valid UTF-8 are taken one at a time (the store never holds them, but the
 * tokenizer is fed whatever a query or an outside writer gives it). Pure functions, any thread. */
#ifndef PROPDESK_STORE_PAIRS_H
#define PROPDESK_STORE_PAIRS_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#define STORE_PAIRS_TOKENIZER "propdesk_pairs"
#define STORE_PAIRS_SEP '\x1f'

/* Called with each token: bytes [start, end) of the text (a token is always a whole run of the
 * text: one or two characters). A nonzero return stops the tokenizer, which returns it. */
typedef int (*store_pairs_token_fn)(void *arg, const char *text, size_t start, size_t end);

/* Cuts text[0, len) into tokens as described above; query selects the query rules. */
int store_pairs_tokenize(const char *text, size_t len, bool query, store_pairs_token_fn fn,
                         void *arg);

/* The FTS5 query that finds text as a substring, written to out (at most outlen bytes with its
 * NUL): the text quoted as one phrase, and a prefix query for a single character. Returns the
 * length, or -1 when it does not fit or text is empty. */
long store_pairs_query(const char *text, char *out, size_t outlen);

/* Registers the tokenizer on a connection (each connection that reads or writes the index
 * needs it). SQLITE_OK or SQLite's error. */
int store_pairs_register(sqlite3 *db);

#endif
