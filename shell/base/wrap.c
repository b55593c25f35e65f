/* wrap — folding text at word boundaries within a display width. */
#include "wrap.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* Bytes of the character at s (at least 1) and its code point. */
static size_t wrap_char(const char *s, size_t len, uint32_t *cp)
{
	int r = utf8_decode((const unsigned char *)s, len, cp);

	if (r <= 0) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	return (size_t)r;
}

/* Characters a line never starts with: closing punctuation, Chinese and ASCII. */
static bool wrap_no_break_before(uint32_t cp)
{
	static const uint32_t closing[] = {',', '.', ';', ':', '!', '?', ')', ']', '}',
	                                   0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1B, 0xFF1A,
	                                   0xFF01, 0xFF1F, 0xFF09, 0x300D, 0x300F, 0x300B,
	                                   0x3009, 0x3011, 0x2026, 0x201D, 0x2019};
	size_t i;

	for (i = 0; i < sizeof closing / sizeof closing[0]; i++)
		if (closing[i] == cp)
			return true;
	return false;
}

/* Opening punctuation, which a line never ends with. */
static bool wrap_opening(uint32_t cp)
{
	return cp == 0xFF08 || cp == 0x300C || cp == 0x300E || cp == 0x300A || cp == 0x3008 ||
	       cp == 0x3010 || cp == 0x201C || cp == 0x2018;
}

/* The end of the unit that starts at i (not a space): a word of narrow characters (with
 * brackets, a [bracketed] option whole, spaces and all), or one wide character; with the
 * closing punctuation that follows either. */
static size_t wrap_unit_end(const char *s, size_t len, size_t i, bool brackets)
{
	uint32_t cp;
	size_t n = wrap_char(s + i, len - i, &cp);
	int depth = 0;

	if (utf8_cpwidth(cp) == 2) {
		i += n;
		/* Opening punctuation stays with what follows it. */
		if (wrap_opening(cp) && i < len && s[i] != ' ')
			return wrap_unit_end(s, len, i, brackets);
	} else {
		while (i < len) {
			n = wrap_char(s + i, len - i, &cp);
			if (cp == '[' && brackets)
				depth++;
			else if (cp == ']' && depth > 0)
				depth--;
			if ((cp == ' ' && depth == 0) || (utf8_cpwidth(cp) == 2 && !wrap_no_break_before(cp)))
				break;
			i += n;
		}
	}
	while (i < len) {
		n = wrap_char(s + i, len - i, &cp);
		if (!wrap_no_break_before(cp))
			break;
		i += n;
	}
	return i;
}

/* A new line, with its indent. */
static void wrap_newline(struct buf *out, const char *indent)
{
	buf_putc(out, '\n');
	if (indent != NULL)
		buf_puts(out, indent);
}

size_t wrap_text(struct buf *out, const char *s, size_t len, size_t width, size_t first,
                 const char *indent)
{
	size_t indent_cols = indent != NULL ? utf8_width(indent, strlen(indent)) : 0;
	size_t col = first, lines = 1, i = 0, spaces = 0;
	bool line_empty = true; /* nothing of s on this line yet */

	if (width == 0) {
		buf_append(out, s, len);
		return 1;
	}
	while (i < len) {
		size_t end, uw;

		if (s[i] == ' ') {
			spaces++;
			i++;
			continue;
		}
		end = wrap_unit_end(s, len, i, true);
		uw = utf8_width(s + i, end - i);
		/* An option wider than a line: broken at its spaces after all. */
		if (uw + indent_cols > width && memchr(s + i, ' ', end - i) != NULL) {
			end = wrap_unit_end(s, len, i, false);
			uw = utf8_width(s + i, end - i);
		}
		if (!line_empty && col + spaces + uw > width) {
			wrap_newline(out, indent);
			col = indent_cols;
			lines++;
			line_empty = true;
		}
		/* Spaces between words are kept as typed; where a line breaks, dropped. */
		if (!line_empty)
			for (; spaces > 0; spaces--, col++)
				buf_putc(out, ' ');
		spaces = 0;
		/* A unit wider than a line of its own: cut at a character, over as many lines. */
		while (col + uw > width) {
			size_t room = width > col ? width - col : 0;
			size_t keep = utf8_prefix_for_width(s + i, end - i, room);
			uint32_t cp;

			if (keep == 0)
				keep = wrap_char(s + i, end - i, &cp); /* not one fits: one anyway */
			buf_append(out, s + i, keep);
			if (i + keep == end) {
				col += utf8_width(s + i, keep);
				uw = 0;
				i = end;
				break;
			}
			i += keep;
			wrap_newline(out, indent);
			col = indent_cols;
			lines++;
			uw = utf8_width(s + i, end - i);
		}
		buf_append(out, s + i, end - i);
		col += uw;
		line_empty = false;
		i = end;
	}
	return lines;
}
