/* rx_literal — a literal that every match of a regular expression contains, read from the
 * pattern (PCRE2 syntax, as rx.h compiles it) so that a search can ask an index for the texts
 * holding it before running the pattern on them. Conservative: a run of plain characters
 * counts only when nothing makes it optional — alternation anywhere at the top level gives
 * none, and a group, class, escape of a letter or digit, dot, anchor or quantifier ends a run
 * (a quantifier that allows zero takes its character off). Patterns with inline options,
 * \Q...\E quoting, or RX_CASELESS give none. Pure; any thread; strings are borrowed. */
#ifndef PROPDESK_RX_LITERAL_H
#define PROPDESK_RX_LITERAL_H

#include <stddef.h>

/* The longest literal (bytes of UTF-8) that every match of pattern contains, copied into out
 * (cap bytes with its NUL): its length, or 0 when there is none (or it does not fit, out[0]
 * is then ""). flags as for rx_new (RX_CASELESS). */
size_t rx_literal_required(const char *pattern, unsigned flags, char *out, size_t cap);

#endif
