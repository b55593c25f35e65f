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
/* Columns taken by cp as this program shows it: 0 for combining marks and zero-width
 * characters, 2 for East Asian wide and fullwidth characters (CJK, Hangul, kana, fullwidth
 * forms, most emoji), 8 or 9 for the invisible characters (shown as "<U+202E>" or "<U+E0041>",
 * see utf8_is_invisible), 1 otherwise, -1 for C0/C1 controls and DEL. */
int utf8_cpwidth(uint32_t cp);

/* Characters that change how text is displayed without being seen, so that what a screen
 * shows is not what is stored: the bidirectional controls (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069), zero-width characters (U+200B-U+200D, U+2060, U+FEFF), the
 * invisible operators (U+2061-U+2064), the deprecated format characters (U+206A-U+206F), the
 * line and paragraph separators (U+2028, U+2029), the interlinear annotation characters
 * (U+FFF9-U+FFFB) and the tag characters (U+E0000-U+E007F). Text with one is refused on input
 * (the store's text checks) and shows it as "<U+XXXX>" (the sanitizer, the line editor). */
bool utf8_is_invisible(uint32_t cp);
/* The name of an invisible character in English ("right-to-left override") or Chinese
 * ("从右到左强制符"); NULL when cp is not one. Static strings. */
const char *utf8_invisible_name(uint32_t cp, bool zh);
/* The first invisible character in s[0..len) (valid UTF-8): true, with its code point, its
 * byte offset and its number (1 for the first character of s); false when there is none. */
bool utf8_find_invisible(const char *s, size_t len, uint32_t *cp, size_t *off, size_t *nchar);
/* Appends s[0..len) (valid UTF-8 without controls, such as the line editor's line) to out
 * with each invisible character shown as "<U+XXXX>". */
void utf8_show(struct buf *out, const char *s, size_t len);
/* Columns taken by s[0..len) as the sanitizer would print it (controls 0, invalid bytes 1). */
size_t utf8_width(const char *s, size_t len);
/* True when s[0..len) is valid UTF-8 with no NUL byte. */
bool utf8_valid(const char *s, size_t len);
/* Byte length of the longest prefix of s (valid UTF-8) that fits in max_cols columns and does
 * not split a character. */
size_t utf8_prefix_for_width(const char *s, size_t len, size_t max_cols);

/* Appends s[0..len) to out with the full-width forms of ASCII (U+FF01..U+FF5E: Ｃ, ＃, －, ０)
 * as ASCII and the ideographic space (U+3000) as a space, the rest as it is: what a code or a
 * number typed with a Chinese input method still means. */
void utf8_fold_width(struct buf *out, const char *s, size_t len);
/* The same for the whole of s, with the spaces at both ends (after folding) left out: what a
 * code or a name typed means. Returns out's text. */
const char *utf8_fold_trim(struct buf *out, const char *s);

/* Sanitizer flags. */
#define UTF8_KEEP_NEWLINES 0x1 /* keep \n (as is) and \t (as one space); otherwise both become a space */

/* Appends s[0..len) to out with every escape sequence (ESC followed by CSI, OSC, DCS, SOS, PM,
 * APC strings, or any single ESC x), every other C0 control, DEL and C1 control (U+0080..U+009F)
 * removed, invalid UTF-8 replaced by U+FFFD and each invisible character (utf8_is_invisible)
 * shown as "<U+XXXX>". The result is valid UTF-8 with no ESC byte and no invisible character. */
void utf8_sanitize(struct buf *out, const char *s, size_t len, unsigned flags);

#endif
