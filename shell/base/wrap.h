/* wrap — text folded into lines of a display width at word boundaries: between words at
 * spaces, and between East Asian wide characters (which take two columns and need no space),
 * never before closing punctuation (，。、）and , . ) ] ...), never inside a [bracketed] option
 * of a usage line; a word wider than the line is cut at a character. The text given is shown
 * as is (sanitize it first). Pure; any thread. */
#ifndef PROPDESK_WRAP_H
#define PROPDESK_WRAP_H

#include <stddef.h>

#include "buf.h"

/* Appends s[0..len) (valid UTF-8, no newlines) to out folded to width columns: the first line
 * starts at column first (already used by what precedes it on that line), each next line with
 * "\n" and indent (its width taken from the same line). width 0: no folding. Spaces where a
 * line is broken are dropped. Returns the number of lines. */
size_t wrap_text(struct buf *out, const char *s, size_t len, size_t width, size_t first,
                 const char *indent);

#endif
