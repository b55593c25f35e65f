/* store_sortkey — the natural order of unit codes: 2-1-101 before 10-1-101, 3-2-901 before
 * 3-2-1201. A code's sort key is the code with each run of ASCII digits written as the count of
 * its digits (two digits, leading zeros dropped) then the digits, so that a plain byte order of
 * keys is the natural order of codes ("3-2-901" -> "013-012-03901", "3-2-1201" ->
 * "013-012-041201"); codes whose keys are equal ("07" and "7") are ordered by the code.
 * The key is kept in units.sort_key (migration 10) and indexed with the code; the store's SQL
 * computes it with the SQL function "unit_sort_key", registered on every connection.
 * Pure functions, any thread. */
#ifndef PROPDESK_STORE_SORTKEY_H
#define PROPDESK_STORE_SORTKEY_H

#include <stddef.h>

#include <sqlite3.h>

#define STORE_SORTKEY_FUNCTION "unit_sort_key"

/* Writes the sort key of code[0..len) into out (at most cap bytes with the terminating NUL).
 * Returns the key's length; when that is >= cap, out holds a cut key (as snprintf). A key is at
 * most 2 * len + 2 bytes (each run of digits gains two, "7-7" -> "017-017"). */
size_t store_sortkey_of(const char *code, size_t len, char *out, size_t cap);
/* Registers unit_sort_key(TEXT) -> TEXT (NULL for NULL; deterministic) on db. SQLite's code. */
int store_sortkey_register(sqlite3 *db);

#endif
