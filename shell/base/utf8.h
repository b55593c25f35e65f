/* utf8 — decoding, display width (East Asian wide characters take two columns) and the
 * sanitizer that every piece of untrusted text passes before it reaches a terminal.
 * Pure functions, any thread. */
#ifndef PROPDESK_UTF8_H
#define PROPDESK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Decodes one code point from s[0..len). Returns the number of bytes (1..4) and sets *cp;
 * 0 when s holds only the start of a valid sequence (more bytes needed, len < needed);
 * -1 when s[0] starts an invalid sequence (overlong, surrogate, > U+10FFFF, bad
 * continuation): the caller skips one byte. */
int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Encodes cp (must be valid) into out; returns 1..4. */
int utf8_encode(uint32_t cp, char out[4]);
/* Columns taken by cp: 0 for combining marks and zero-width characters, 2 for East Asian
 * wide and fullwidth characters (CJK, Hangul, kana, fullwidth forms, most emoji), 1 otherwise,
 * -1 for C0/C1 controls and DEL. */
int utf8_cpwidth(uint32_t cp);
/* Columns taken by s[0..len) as the sanitizer would print it (controls 0, invalid bytes 1). */
size_t utf8_width(const char *s, size_t len);
/* True when s[0..len) is valid UTF-8 with no NUL byte. */
bool utf8_valid(const char *s, size_t len);
/* Byte length of the longest prefix of s (valid UTF-8) that fits in max_cols columns and does
 * not split a character. */
size_t utf8_prefix_for_width(const char *s, size_t len, size_t max_cols);

/* Sanitizer flags. */
#define UTF8_KEEP_NEWLINES 0x1 /* keep \n (as is) and \t (as one space); otherwise both become a space */

/* Appends s[0..len) to out with every escape sequence (ESC followed by CSI, OSC, DCS, SOS, PM,
 * APC strings, or any single ESC x), every other C0 control, DEL and C1 control (U+0080..U+009F)
 * removed, and invalid UTF-8 replaced by U+FFFD. The result is valid UTF-8 with no ESC byte. */
void utf8_sanitize(struct buf *out, const char *s, size_t len, unsigned flags);

#endif
