/* rx_literal — the literal every match of a pattern contains (see the header). One pass over
 * the pattern at the top level: groups and classes are skipped whole (their content is never
 * taken as required), and the longest run of plain characters seen is kept. */
#include "rx_literal.h"

#include <stdbool.h>
#include <string.h>

#include "rx.h"

struct rx_literal_scan {
	const char *p;   /* the pattern */
	size_t n, i;     /* its length, the position */
	size_t run, len; /* the current run: start, length (bytes) */
	size_t last;     /* the start of the run's last character */
	size_t best, best_len;
	bool none; /* no literal can be trusted */
};

static bool rx_literal_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Ends the current run, keeping it when it is the longest. */
static void rx_literal_end_run(struct rx_literal_scan *s)
{
	if (s->len > s->best_len) {
		s->best = s->run;
		s->best_len = s->len;
	}
	s->len = 0;
}

/* Adds the character of nbytes at position at to the run (which must be contiguous in the
 * pattern: an escaped character starts a run of its own). */
static void rx_literal_add(struct rx_literal_scan *s, size_t at, size_t nbytes)
{
	if (s->len > 0 && s->run + s->len != at)
		rx_literal_end_run(s);
	if (s->len == 0)
		s->run = at;
	s->last = at;
	s->len += nbytes;
}

/* The length of the UTF-8 character at i (1 for a stray byte: rx_new refuses bad UTF-8). */
static size_t rx_literal_charlen(const struct rx_literal_scan *s, size_t i)
{
	unsigned char c = (unsigned char)s->p[i];
	size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	size_t j;

	if (i + k > s->n)
		return 1;
	for (j = 1; j < k; j++)
		if (((unsigned char)s->p[i + j] & 0xc0) != 0x80)
			return 1;
	return k;
}

/* Skips a class from its '[' (at s->i): its first ']' (after an optional '^') is a member, a
 * backslash escapes the next byte, [:name:] is one member. */
static void rx_literal_skip_class(struct rx_literal_scan *s)
{
	size_t i = s->i + 1;

	if (i < s->n && s->p[i] == '^')
		i++;
	if (i < s->n && s->p[i] == ']')
		i++;
	while (i < s->n && s->p[i] != ']') {
		if (s->p[i] == '\\' && i + 1 < s->n) {
			if (s->p[i + 1] == 'Q' || s->p[i + 1] == 'E')
				s->none = true;
			i += 2;
		} else if (s->p[i] == '[' && i + 1 < s->n &&
		           (s->p[i + 1] == ':' || s->p[i + 1] == '.' || s->p[i + 1] == '=')) {
			/* [:alpha:] (and [:^alpha:]) only when whole; [. and [= are refused by
			 * PCRE2, but give none here whatever they are. */
			size_t j = i + 2;

			if (s->p[i + 1] != ':') {
				s->none = true;
				s->i = s->n;
				return;
			}
			if (j < s->n && s->p[j] == '^')
				j++;
			while (j < s->n && s->p[j] >= 'a' && s->p[j] <= 'z')
				j++;
			i = j + 1 < s->n && s->p[j] == ':' && s->p[j + 1] == ']' ? j + 2 : i + 1;
		} else {
			i++;
		}
	}
	if (i >= s->n)
		s->none = true; /* unterminated: rx_new refuses it anyway */
	s->i = i + 1;
}

/* Skips a group from its '(' (at s->i) to its ')', over nested groups, classes and escapes. An
 * inline option anywhere ((?i), (?x), ...) changes what the characters mean: none. */
static void rx_literal_skip_group(struct rx_literal_scan *s)
{
	int depth = 0;

	while (s->i < s->n && !s->none) {
		char c = s->p[s->i];

		if (c == '\\') {
			if (s->i + 1 < s->n && s->p[s->i + 1] == 'Q')
				s->none = true;
			s->i += 2;
		} else if (c == '[') {
			rx_literal_skip_class(s);
		} else if (c == '(') {
			if (s->i + 1 < s->n && s->p[s->i + 1] == '?' && s->i + 2 < s->n &&
			    (rx_literal_alnum(s->p[s->i + 2]) || s->p[s->i + 2] == '-' ||
			     s->p[s->i + 2] == '^' || s->p[s->i + 2] == ')' ||
			     s->p[s->i + 2] == '#'))
				s->none = true; /* (?i) (?x-s) (?^), and comments (?#...) */
			if (s->i + 1 < s->n && s->p[s->i + 1] == '*')
				s->none = true; /* (*UTF) (*CR) and other verbs */
			depth++;
			s->i++;
		} else if (c == ')') {
			s->i++;
			if (--depth == 0)
				return;
		} else {
			s->i++;
		}
	}
	s->none = true; /* unbalanced, or nothing to trust */
}

/* Skips what follows a backslash that escapes a letter or digit (at s->i, the backslash):
 * \x{...}, \x41, \p{..}, \pL, \cX, \k<name>, \g{1}, \g-1, \N{U+..}, \o{..}, digits. The
 * letters that take a bracketed argument are only these; what is skipped holds no
 * alternation or group, or nothing is trusted. */
static void rx_literal_skip_escape(struct rx_literal_scan *s)
{
	char e = s->p[s->i + 1];
	size_t i = s->i + 2, j;
	bool braced =
	    e == 'x' || e == 'o' || e == 'p' || e == 'P' || e == 'N' || e == 'g' || e == 'k';

	if (e == 'Q' || e == 'E')
		s->none = true;
	if (i < s->n && braced &&
	    (s->p[i] == '{' || ((e == 'k' || e == 'g') && (s->p[i] == '<' || s->p[i] == '\'')))) {
		char close = s->p[i] == '{' ? '}' : s->p[i] == '<' ? '>' : '\'';
		const char *c = memchr(s->p + i + 1, close, s->n - i - 1);

		j = c != NULL ? (size_t)(c - s->p) + 1 : s->n;
		for (; i < j; i++)
			if (s->p[i] == '|' || s->p[i] == '(' || s->p[i] == ')' || s->p[i] == '[')
				s->none = true;
	} else if (e == 'g') {
		if (i < s->n && (s->p[i] == '+' || s->p[i] == '-'))
			i++;
		while (i < s->n && s->p[i] >= '0' && s->p[i] <= '9')
			i++;
	} else if (e == 'k') {
		s->none = true; /* \k without its name: refused by PCRE2 */
	} else if (e == 'x') {
		size_t k;

		for (k = 0; k < 2 && i < s->n &&
		            strchr("0123456789abcdefABCDEF", s->p[i]) != NULL && s->p[i] != '\0';
		     k++)
			i++;
	} else if (e == 'c' || ((e == 'p' || e == 'P') && i < s->n)) {
		i++;
	} else if (e >= '0' && e <= '9') {
		while (i < s->n && s->p[i] >= '0' && s->p[i] <= '9')
			i++;
	}
	s->i = i > s->n ? s->n : i;
}

/* A quantifier at s->i, if any: true with *zero when it allows no repetition at all. */
static bool rx_literal_quantifier(struct rx_literal_scan *s, bool *zero)
{
	char c = s->i < s->n ? s->p[s->i] : '\0';

	if (c == '*' || c == '?' || c == '+') {
		*zero = c != '+';
		s->i++;
	} else if (c == '{') {
		size_t i = s->i + 1, digits = 0;
		bool min_zero = true;

		while (i < s->n && s->p[i] >= '0' && s->p[i] <= '9') {
			if (s->p[i] != '0')
				min_zero = false;
			i++;
			digits++;
		}
		if (i < s->n && s->p[i] == ',') {
			i++;
			while (i < s->n && s->p[i] >= '0' && s->p[i] <= '9')
				i++;
		}
		if (i >= s->n || s->p[i] != '}' || i == s->i + 1)
			return false; /* not a quantifier: a literal '{' (taken as a break) */
		*zero = digits == 0 || min_zero;
		s->i = i + 1;
	} else {
		return false;
	}
	/* Lazy or possessive. */
	if (s->i < s->n && (s->p[s->i] == '?' || s->p[s->i] == '+'))
		s->i++;
	return true;
}

size_t rx_literal_required(const char *pattern, unsigned flags, char *out, size_t cap)
{
	struct rx_literal_scan s;

	if (cap > 0)
		out[0] = '\0';
	if (pattern == NULL || (flags & RX_CASELESS) != 0)
		return 0;
	memset(&s, 0, sizeof s);
	s.p = pattern;
	s.n = strlen(pattern);
	while (s.i < s.n && !s.none) {
		char c = s.p[s.i];
		size_t at = s.i, k;
		bool literal = false, zero = false;

		if (c == '|') {
			s.none = true; /* every run is optional */
			break;
		} else if (c == '(') {
			rx_literal_end_run(&s);
			rx_literal_skip_group(&s);
		} else if (c == ')') {
			s.none = true; /* unbalanced */
		} else if (c == '[') {
			rx_literal_end_run(&s);
			rx_literal_skip_class(&s);
		} else if (c == '\\') {
			if (s.i + 1 >= s.n) {
				s.none = true;
			} else if (rx_literal_alnum(s.p[s.i + 1])) {
				rx_literal_end_run(&s);
				rx_literal_skip_escape(&s);
			} else if ((unsigned char)s.p[s.i + 1] >= 0x80) {
				rx_literal_end_run(&s); /* an escaped multibyte character */
				s.i += 1 + rx_literal_charlen(&s, s.i + 1);
			} else {
				/* \. \\ \( : the character itself, a run of its own. */
				rx_literal_end_run(&s);
				rx_literal_add(&s, s.i + 1, 1);
				s.i += 2;
				literal = true;
			}
		} else if (c == '.' || c == '^' || c == '$') {
			rx_literal_end_run(&s);
			s.i++;
		} else if (c == '*' || c == '+' || c == '?' || c == '{') {
			/* A quantifier with nothing plain before it (after a group, class, escape
			 * or at the start), or a literal '{': a break. */
			rx_literal_end_run(&s);
			if (!rx_literal_quantifier(&s, &zero))
				s.i++;
		} else {
			k = rx_literal_charlen(&s, s.i);
			rx_literal_add(&s, at, k);
			s.i += k;
			literal = true;
		}
		if (literal && rx_literal_quantifier(&s, &zero)) {
			/* The quantifier binds to the last character: optional, it leaves the run;
			 * repeated, it stays but nothing after it joins the run. */
			if (zero)
				s.len = s.last - s.run;
			rx_literal_end_run(&s);
		}
	}
	if (s.none)
		return 0;
	rx_literal_end_run(&s);
	if (s.best_len == 0 || s.best_len + 1 > cap)
		return 0;
	memcpy(out, s.p + s.best, s.best_len);
	out[s.best_len] = '\0';
	return s.best_len;
}
