/* lineedit — a UTF-8 and display-width aware single-line editor (a pure state machine).
 *
 * The line is always valid UTF-8 without control characters and the cursor (pos) always sits
 * on a character boundary. A "character" for the cursor is a code point followed by the
 * zero-width code points (combining marks, ZWJ...) after it, so the cursor never lands between
 * a letter and its accent. When the text is wider than the terminal the visible window scrolls
 * horizontally by whole characters, so a wide (two-column) character is never split. */
#include "lineedit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define LINEEDIT_DEFAULT_COLS 80
#define LINEEDIT_MAX_COMPLETIONS 1000
#define LINEEDIT_SEQ_MAX 16 /* parameter bytes kept of a CSI/SS3 sequence */
#define LINEEDIT_STR_MAX 512 /* bytes of an OSC/DCS/APC/PM/SOS string swallowed at most */
#define LINEEDIT_PREALLOC_MAX 65536

enum lineedit_state {
	LINEEDIT_ST_GROUND,
	LINEEDIT_ST_ESC, /* after ESC */
	LINEEDIT_ST_CSI, /* ESC [ ... */
	LINEEDIT_ST_SS3, /* ESC O ... */
	LINEEDIT_ST_STR, /* ESC ] (OSC), ESC P (DCS), ESC _, ESC ^, ESC X: a control string */
	LINEEDIT_ST_STR_ESC, /* ESC inside a control string: ESC \ (ST) ends it */
};

struct lineedit_completions {
	char **words;
	size_t n;
	size_t cap;
};

struct lineedit {
	size_t max_bytes;
	size_t history_max;
	int cols;
	lineedit_complete_fn complete_fn;
	void *complete_arg;

	struct buf line;
	size_t pos;    /* cursor, byte offset */
	size_t scroll; /* byte offset of the first visible character */
	char *prompt;
	size_t prompt_cols;
	bool secret;
	bool editing;  /* between lineedit_start and the end of the line */
	bool last_tab; /* the previous key was an ambiguous Tab */

	char **history; /* oldest first */
	size_t history_len;
	size_t history_pos; /* history_len: the line being typed */
	char *saved;        /* the line being typed while browsing the history */

	enum lineedit_state state;
	unsigned char pend[4]; /* start of a UTF-8 character split across feeds */
	size_t npend;
	char seq[LINEEDIT_SEQ_MAX];
	size_t nseq;
	bool seq_overflow;
	size_t nstr;   /* bytes of the control string swallowed so far */
	bool str_c2;   /* the last byte of the control string was 0xC2 (C1 ST is C2 9C) */
	bool after_cr; /* swallow an LF or NUL right after CR */
	bool paste;    /* inside a bracketed paste */
	bool belled;   /* the bell rang during this lineedit_feed call */
	bool full;     /* an insertion was refused (the line is full): the ones that follow in
			* the same feed or bracketed paste are refused too, until another key, so
			* a paste is cut at a character, never spliced */
	size_t refused; /* characters refused so (since the last lineedit_take_report) */
	size_t joined;  /* line breaks of pasted text joined into the line (likewise) */
	bool paste_cr;  /* the last pasted character was CR (an LF after it is the same break) */
};

static void lineedit_wipe(struct lineedit *le)
{
	if (le->line.data != NULL)
		explicit_bzero(le->line.data, le->line.cap);
	buf_reset(&le->line);
}

struct lineedit *lineedit_new(size_t max_bytes, size_t history_max)
{
	struct lineedit *le = calloc(1, sizeof(*le));
	size_t pre;

	if (le == NULL)
		abort();
	le->max_bytes = max_bytes;
	le->history_max = history_max;
	le->cols = LINEEDIT_DEFAULT_COLS;
	buf_init(&le->line);
	/* Reserve the whole line up front (when reasonable) so a secret never gets copied around
	 * by realloc and left behind in freed memory. */
	pre = max_bytes < LINEEDIT_PREALLOC_MAX ? max_bytes : LINEEDIT_PREALLOC_MAX;
	while (le->line.len < pre) {
		static const char zeros[256];
		size_t n = pre - le->line.len < sizeof(zeros) ? pre - le->line.len : sizeof(zeros);

		buf_append(&le->line, zeros, n);
	}
	buf_reset(&le->line);
	buf_append(&le->line, "", 0); /* data is never NULL from here on */
	le->prompt = strdup("");
	if (le->prompt == NULL)
		abort();
	return le;
}

void lineedit_free(struct lineedit *le)
{
	size_t i;

	if (le == NULL)
		return;
	lineedit_wipe(le);
	buf_free(&le->line);
	for (i = 0; i < le->history_len; i++)
		free(le->history[i]);
	free(le->history);
	free(le->saved);
	free(le->prompt);
	free(le);
}

void lineedit_set_width(struct lineedit *le, int cols)
{
	le->cols = cols > 0 ? cols : LINEEDIT_DEFAULT_COLS;
}

static void lineedit_draw(struct lineedit *le, struct buf *out);
static size_t lineedit_cols(const struct lineedit *le, size_t from, size_t to);

void lineedit_resize(struct lineedit *le, int cols, struct buf *out)
{
	int old = le->cols;
	size_t col;

	lineedit_set_width(le, cols);
	if (!le->editing || le->cols == old)
		return;
	/* Where the cursor was drawn: the line was drawn on one row of the old width. */
	col = le->prompt_cols + (le->secret ? 0 : lineedit_cols(le, le->scroll, le->pos));
	/* A terminal that reflows its lines (tmux, VTE, kitty, Windows Terminal) has wrapped a
	 * line longer than the new width onto the rows below its start, with the cursor col /
	 * cols rows down: go back up to the start, and clear what the wrapped line left. */
	if (le->cols < old && col >= (size_t)le->cols)
		buf_printf(out, "\x1b[%zuA", col / (size_t)le->cols);
	buf_puts(out, "\r\x1b[J");
	lineedit_draw(le, out);
}

void lineedit_set_completer(struct lineedit *le, lineedit_complete_fn fn, void *arg)
{
	le->complete_fn = fn;
	le->complete_arg = arg;
}

void lineedit_completion_add(struct lineedit_completions *c, const char *word)
{
	struct buf b;

	if (word == NULL || c->n >= LINEEDIT_MAX_COMPLETIONS)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->words = realloc(c->words, c->cap * sizeof(*c->words));
		if (c->words == NULL)
			abort();
	}
	buf_init(&b);
	utf8_sanitize(&b, word, strlen(word), 0);
	c->words[c->n++] = buf_steal(&b);
}

/* --- characters and widths ---------------------------------------------------------------- */

static uint32_t lineedit_cp_at(const struct lineedit *le, size_t i, size_t *n)
{
	uint32_t cp = 0;
	int r = utf8_decode((const unsigned char *)le->line.data + i, le->line.len - i, &cp);

	*n = r > 0 ? (size_t)r : 1;
	return cp;
}

/* End of the character starting at i (its zero-width followers included). */
static size_t lineedit_next(const struct lineedit *le, size_t i)
{
	size_t n;

	if (i >= le->line.len)
		return le->line.len;
	lineedit_cp_at(le, i, &n);
	i += n;
	while (i < le->line.len) {
		uint32_t cp = lineedit_cp_at(le, i, &n);

		if (utf8_cpwidth(cp) != 0)
			break;
		i += n;
	}
	return i;
}

/* Start of the character that ends at i. */
static size_t lineedit_prev(const struct lineedit *le, size_t i)
{
	const unsigned char *s = (const unsigned char *)le->line.data;

	while (i > 0) {
		size_t n;

		i--;
		while (i > 0 && (s[i] & 0xC0) == 0x80)
			i--;
		if (utf8_cpwidth(lineedit_cp_at(le, i, &n)) != 0)
			break;
	}
	return i;
}

static size_t lineedit_cols(const struct lineedit *le, size_t from, size_t to)
{
	return utf8_width(le->line.data + from, to - from);
}

/* Columns available for the text: the prompt and one column for the cursor at the end are
 * kept free (at least two, so a wide character always fits). */
static size_t lineedit_text_cols(const struct lineedit *le)
{
	size_t cols = (size_t)le->cols;

	if (cols < le->prompt_cols + 3)
		return 2;
	return cols - le->prompt_cols - 1;
}

/* --- drawing ---------------------------------------------------------------------------- */

static void lineedit_scroll_fix(struct lineedit *le)
{
	size_t avail = lineedit_text_cols(le);
	size_t w;

	if (le->scroll > le->pos)
		le->scroll = le->pos;
	w = lineedit_cols(le, le->scroll, le->pos);
	while (w > avail) {
		size_t next = lineedit_next(le, le->scroll);

		w -= lineedit_cols(le, le->scroll, next);
		le->scroll = next;
	}
	/* Scroll back to the left while the rest of the line still fits. */
	w = lineedit_cols(le, le->scroll, le->line.len);
	while (le->scroll > 0) {
		size_t prev = lineedit_prev(le, le->scroll);
		size_t pw = lineedit_cols(le, prev, le->scroll);

		if (w + pw > avail)
			break;
		w += pw;
		le->scroll = prev;
	}
}

static void lineedit_draw(struct lineedit *le, struct buf *out)
{
	size_t vis, col;

	buf_putc(out, '\r');
	buf_puts(out, le->prompt);
	if (le->secret) {
		buf_puts(out, "\x1b[K");
		return;
	}
	lineedit_scroll_fix(le);
	vis = utf8_prefix_for_width(le->line.data + le->scroll, le->line.len - le->scroll,
	                            lineedit_text_cols(le));
	utf8_show(out, le->line.data + le->scroll, vis);
	buf_puts(out, "\x1b[K\r");
	col = le->prompt_cols + lineedit_cols(le, le->scroll, le->pos);
	if (col > 0)
		buf_printf(out, "\x1b[%zuC", col);
}

static void lineedit_refresh(struct lineedit *le, struct buf *out)
{
	if (!le->secret)
		lineedit_draw(le, out);
}

/* Rings the bell at most once per lineedit_feed call: a paste running past max_bytes refuses
 * every further character, and one bell says so. */
static void lineedit_bell(struct lineedit *le, struct buf *out)
{
	if (le->belled)
		return;
	le->belled = true;
	buf_putc(out, '\a');
}

/* --- editing ---------------------------------------------------------------------------- */

static void lineedit_delete(struct lineedit *le, size_t from, size_t to)
{
	char *d = le->line.data;

	if (to <= from)
		return;
	memmove(d + from, d + to, le->line.len - to);
	le->line.len -= to - from;
	explicit_bzero(d + le->line.len, to - from);
	d[le->line.len] = '\0';
	if (le->pos > to)
		le->pos -= to - from;
	else if (le->pos > from)
		le->pos = from;
}

/* Replaces [from, to) by text; false (nothing changed) when the line would grow too long. */
static bool lineedit_replace(struct lineedit *le, size_t from, size_t to, const char *text,
                             size_t n)
{
	size_t old = le->line.len;
	size_t tail = old - to;

	if (old - (to - from) + n > le->max_bytes)
		return false;
	if (n > to - from) {
		size_t grow = n - (to - from);

		buf_append(&le->line, text, grow); /* makes room; overwritten below */
		memmove(le->line.data + from + n, le->line.data + to, tail);
	} else {
		memmove(le->line.data + from + n, le->line.data + to, tail);
		le->line.len = from + n + tail;
		explicit_bzero(le->line.data + le->line.len, old - le->line.len);
		le->line.data[le->line.len] = '\0';
	}
	memcpy(le->line.data + from, text, n);
	le->pos = from + n;
	return true;
}

static void lineedit_insert(struct lineedit *le, uint32_t cp, struct buf *out)
{
	char enc[4];
	size_t n;
	int w = utf8_cpwidth(cp);

	/* Invisible characters (bidi controls, zero-width ones) are kept and shown as <U+XXXX>:
	 * nothing typed is dropped silently, and the command that gets them says why it refuses
	 * them. */
	if (w < 0)
		return;
	if (w == 0 && le->pos == 0)
		return; /* a combining mark needs a character to combine with */
	n = (size_t)utf8_encode(cp, enc);
	if (le->full || !lineedit_replace(le, le->pos, le->pos, enc, n)) {
		le->full = true;
		le->refused++;
		lineedit_bell(le, out);
		return;
	}
	if (le->secret)
		return;
	if (w > 0 && le->pos == le->line.len && le->scroll <= le->pos &&
	    lineedit_cols(le, le->scroll, le->pos) <= lineedit_text_cols(le)) {
		utf8_show(out, enc, n); /* appended at the end and still fits: just echo it */
		return;
	}
	lineedit_refresh(le, out);
}

/* Length of the longest prefix of text (valid UTF-8) of at most max bytes: whole characters. */
static size_t lineedit_fit(const char *text, size_t max)
{
	size_t len = strlen(text), i = 0;

	while (i < len) {
		uint32_t cp;
		int r = utf8_decode((const unsigned char *)text + i, len - i, &cp);

		if (r <= 0 || i + (size_t)r > max)
			break;
		i += (size_t)r;
	}
	return i;
}

static void lineedit_set_text(struct lineedit *le, const char *text, struct buf *out)
{
	size_t n = lineedit_fit(text, le->max_bytes);

	lineedit_wipe(le);
	buf_append(&le->line, text, n);
	le->pos = le->line.len;
	le->scroll = 0;
	lineedit_refresh(le, out);
}

static void lineedit_history_move(struct lineedit *le, bool up, struct buf *out)
{
	if (le->secret)
		return;
	if (up) {
		if (le->history_pos == 0)
			return;
		if (le->history_pos == le->history_len) {
			free(le->saved);
			le->saved = strdup(buf_cstr(&le->line));
			if (le->saved == NULL)
				abort();
		}
		le->history_pos--;
		lineedit_set_text(le, le->history[le->history_pos], out);
	} else {
		if (le->history_pos >= le->history_len)
			return;
		le->history_pos++;
		if (le->history_pos == le->history_len) {
			lineedit_set_text(le, le->saved ? le->saved : "", out);
			free(le->saved);
			le->saved = NULL;
		} else {
			lineedit_set_text(le, le->history[le->history_pos], out);
		}
	}
}

static size_t lineedit_word_left(const struct lineedit *le, size_t i)
{
	const char *d = le->line.data;

	while (i > 0 && d[i - 1] == ' ')
		i--;
	while (i > 0 && d[i - 1] != ' ')
		i--;
	return i;
}

static size_t lineedit_word_right(const struct lineedit *le, size_t i)
{
	const char *d = le->line.data;

	while (i < le->line.len && d[i] == ' ')
		i++;
	while (i < le->line.len && d[i] != ' ')
		i++;
	return i;
}

static void lineedit_move(struct lineedit *le, size_t pos, struct buf *out)
{
	if (pos == le->pos)
		return;
	le->pos = pos;
	lineedit_refresh(le, out);
}

/* --- completion ------------------------------------------------------------------------- */

static void lineedit_completions_free(struct lineedit_completions *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->words[i]);
	free(c->words);
}

static void lineedit_list(struct lineedit *le, const struct lineedit_completions *c,
                          struct buf *out)
{
	size_t maxw = 0, colw, ncols, nrows, r, k;

	for (k = 0; k < c->n; k++) {
		size_t w = utf8_width(c->words[k], strlen(c->words[k]));

		if (w > maxw)
			maxw = w;
	}
	colw = maxw + 2;
	ncols = (size_t)le->cols / colw;
	if (ncols == 0)
		ncols = 1;
	nrows = (c->n + ncols - 1) / ncols;
	buf_puts(out, "\r\n");
	for (r = 0; r < nrows; r++) {
		for (k = r; k < c->n; k += nrows) {
			buf_puts(out, c->words[k]);
			if (k + nrows < c->n) {
				size_t w = utf8_width(c->words[k], strlen(c->words[k]));

				for (; w < colw; w++)
					buf_putc(out, ' ');
			}
		}
		buf_puts(out, "\r\n");
	}
	lineedit_draw(le, out);
}

static void lineedit_complete(struct lineedit *le, bool again, struct buf *out)
{
	struct lineedit_completions c = {NULL, 0, 0};
	size_t ws, wlen;
	char *before;

	if (le->complete_fn == NULL || le->secret) {
		lineedit_bell(le, out);
		return;
	}
	/* Only the word being typed: back up over the word, not over spaces before it. */
	ws = le->pos;
	while (ws > 0 && le->line.data[ws - 1] != ' ')
		ws--;
	wlen = le->pos - ws;
	before = strndup(le->line.data, le->pos);
	if (before == NULL)
		abort();
	le->complete_fn(le->complete_arg, before, le->pos, &c);
	free(before);

	if (c.n == 0) {
		lineedit_bell(le, out);
	} else if (c.n == 1) {
		size_t n = strlen(c.words[0]);
		char *w = malloc(n + 2);

		if (w == NULL)
			abort();
		memcpy(w, c.words[0], n);
		w[n] = ' ';
		w[n + 1] = '\0';
		if (lineedit_replace(le, ws, le->pos, w, n + 1))
			lineedit_refresh(le, out);
		else
			lineedit_bell(le, out);
		free(w);
	} else {
		size_t lcp = strlen(c.words[0]), k;

		for (k = 1; k < c.n; k++) {
			size_t j = 0;

			while (j < lcp && c.words[k][j] == c.words[0][j])
				j++;
			lcp = j;
		}
		while (lcp > 0 && ((unsigned char)c.words[0][lcp] & 0xC0) == 0x80)
			lcp--; /* do not split a character */
		if (lcp > wlen ||
		    (lcp == wlen && memcmp(c.words[0], le->line.data + ws, lcp) != 0)) {
			if (lineedit_replace(le, ws, le->pos, c.words[0], lcp))
				lineedit_refresh(le, out);
			lineedit_bell(le, out);
		} else if (again) {
			lineedit_list(le, &c, out);
		} else {
			lineedit_bell(le, out);
		}
		le->last_tab = true;
	}
	lineedit_completions_free(&c);
}

/* --- keys ------------------------------------------------------------------------------- */

static enum lineedit_event lineedit_finish(struct lineedit *le, enum lineedit_event ev,
                                           struct buf *out)
{
	if (ev == LINEEDIT_INTERRUPT) {
		lineedit_wipe(le);
		le->pos = 0;
		buf_puts(out, "^C\r\n");
	} else {
		/* A line scrolled to show its end is left on the screen (and in the scrollback)
		 * from its start: the command as it begins, cut at the width. */
		if (le->scroll > 0 && !le->secret) {
			le->pos = 0;
			lineedit_draw(le, out);
		}
		buf_puts(out, "\r\n");
	}
	le->editing = false;
	le->last_tab = false;
	free(le->saved);
	le->saved = NULL;
	return ev;
}

static enum lineedit_event lineedit_control(struct lineedit *le, uint32_t c, struct buf *out)
{
	bool again = le->last_tab;

	le->last_tab = false;
	le->full = false; /* another key: typing may go on where there is room */
	switch (c) {
	case 0x01: /* Ctrl-A */
		lineedit_move(le, 0, out);
		break;
	case 0x02: /* Ctrl-B */
		lineedit_move(le, lineedit_prev(le, le->pos), out);
		break;
	case 0x03: /* Ctrl-C */
		return lineedit_finish(le, LINEEDIT_INTERRUPT, out);
	case 0x04: /* Ctrl-D */
		if (le->line.len == 0)
			return lineedit_finish(le, LINEEDIT_EOF, out);
		if (le->pos < le->line.len) {
			lineedit_delete(le, le->pos, lineedit_next(le, le->pos));
			lineedit_refresh(le, out);
		}
		break;
	case 0x05: /* Ctrl-E */
		lineedit_move(le, le->line.len, out);
		break;
	case 0x06: /* Ctrl-F */
		lineedit_move(le, lineedit_next(le, le->pos), out);
		break;
	case 0x08: /* Ctrl-H */
	case 0x7F: /* Backspace */
		if (le->pos > 0) {
			lineedit_delete(le, lineedit_prev(le, le->pos), le->pos);
			lineedit_refresh(le, out);
		}
		break;
	case 0x09: /* Tab */
		lineedit_complete(le, again, out);
		break;
	case 0x0D: /* CR */
		le->after_cr = true;
		return lineedit_finish(le, LINEEDIT_LINE, out);
	case 0x0A: /* LF */
		return lineedit_finish(le, LINEEDIT_LINE, out);
	case 0x0B: /* Ctrl-K */
		if (le->pos < le->line.len) {
			lineedit_delete(le, le->pos, le->line.len);
			lineedit_refresh(le, out);
		}
		break;
	case 0x0C: /* Ctrl-L */
		buf_puts(out, "\x1b[H\x1b[2J");
		lineedit_draw(le, out);
		break;
	case 0x0E: /* Ctrl-N */
		lineedit_history_move(le, false, out);
		break;
	case 0x10: /* Ctrl-P */
		lineedit_history_move(le, true, out);
		break;
	case 0x15: /* Ctrl-U */
		if (le->pos > 0) {
			lineedit_delete(le, 0, le->pos);
			lineedit_refresh(le, out);
		}
		break;
	case 0x17: /* Ctrl-W */
		if (le->pos > 0) {
			lineedit_delete(le, lineedit_word_left(le, le->pos), le->pos);
			lineedit_refresh(le, out);
		}
		break;
	default: /* other controls are ignored */
		break;
	}
	return LINEEDIT_MORE;
}

static void lineedit_str_start(struct lineedit *le)
{
	le->state = LINEEDIT_ST_STR;
	le->nstr = 0;
	le->str_c2 = false;
}

/* A control string (a terminal's answer, an OSC 52 clipboard write in a paste...) is swallowed
 * whole, never typed into the line: it ends with BEL, ST (ESC \ or C1 ST) or another ESC. A line
 * end or Ctrl-C is never part of one: it cuts the string short and keeps its meaning; so does
 * the LINEEDIT_STR_MAX-th byte, so that a stray ESC ] cannot swallow what is typed after it.
 * False when the byte is not swallowed: it is input again. */
static bool lineedit_str_byte(struct lineedit *le, unsigned char c)
{
	bool c2 = le->str_c2;

	le->str_c2 = false;
	if (c == 0x07 || (c2 && c == 0x9C)) {
		le->state = LINEEDIT_ST_GROUND;
		return true;
	}
	if (c == 0x1B) {
		le->state = LINEEDIT_ST_STR_ESC;
		return true;
	}
	if (c == '\r' || c == '\n' || c == 0x03 || ++le->nstr > LINEEDIT_STR_MAX) {
		le->state = LINEEDIT_ST_GROUND;
		return false;
	}
	le->str_c2 = c == 0xC2;
	return true;
}

/* A complete code point outside escape sequences. */
static enum lineedit_event lineedit_cp(struct lineedit *le, uint32_t cp, struct buf *out)
{
	if (cp == 0x1B) {
		le->state = LINEEDIT_ST_ESC;
		return LINEEDIT_MORE;
	}
	/* C1 controls in their UTF-8 form: DCS, SOS, OSC, PM and APC open a control string (the
	 * others are ignored as single controls). */
	if (cp == 0x90 || cp == 0x98 || cp == 0x9D || cp == 0x9E || cp == 0x9F) {
		lineedit_str_start(le);
		return LINEEDIT_MORE;
	}
	if (le->paste) {
		/* Pasted text is text: only Ctrl-C keeps its meaning. Its line breaks (CR, LF or
		 * CR LF) join its lines with a space, so a paste of several lines stays in the
		 * line (the field) it was pasted into, to be checked before Enter. */
		bool cr = le->paste_cr;

		le->last_tab = false;
		le->paste_cr = cp == '\r';
		if (cp == 0x03) {
			le->paste = false;
			return lineedit_control(le, cp, out);
		}
		if (cp == '\r' || cp == '\n') {
			if (cp == '\n' && cr)
				return LINEEDIT_MORE;
			le->joined++;
			if (le->pos > 0 && le->line.data[le->pos - 1] != ' ')
				lineedit_insert(le, ' ', out);
			return LINEEDIT_MORE;
		}
		lineedit_insert(le, cp == '\t' ? ' ' : cp, out);
		return LINEEDIT_MORE;
	}
	if (cp < 0x20 || cp == 0x7F)
		return lineedit_control(le, cp, out);
	le->last_tab = false;
	lineedit_insert(le, cp, out);
	return LINEEDIT_MORE;
}

static unsigned lineedit_seq_param(const struct lineedit *le, size_t index)
{
	unsigned v = 0;
	size_t i = 0;

	for (; index > 0 && i < le->nseq; i++)
		if (le->seq[i] == ';')
			index--;
	for (; i < le->nseq && le->seq[i] >= '0' && le->seq[i] <= '9'; i++)
		v = v * 10 + (unsigned)(le->seq[i] - '0');
	return v;
}

/* A complete CSI or SS3 sequence: known keys act, anything else is swallowed. */
static enum lineedit_event lineedit_dispatch(struct lineedit *le, char final, struct buf *out)
{
	size_t i;
	bool mod;

	le->last_tab = false;
	if (le->seq_overflow)
		return LINEEDIT_MORE;
	for (i = 0; i < le->nseq; i++)
		if (!(le->seq[i] >= '0' && le->seq[i] <= '9') && le->seq[i] != ';')
			return LINEEDIT_MORE; /* private markers and intermediates: not a key */
	if (le->paste) {
		if (le->state == LINEEDIT_ST_CSI && final == '~' &&
		    lineedit_seq_param(le, 0) == 201) {
			le->paste = false;
			le->full = false;
		}
		return LINEEDIT_MORE;
	}
	le->full = false;
	/* ESC [ 1 ; 5 C (Ctrl-Right) and similar: modifier 3 (Alt) or 5 (Ctrl) moves by word. */
	mod = lineedit_seq_param(le, 1) == 3 || lineedit_seq_param(le, 1) == 5;
	switch (final) {
	case 'A':
		lineedit_history_move(le, true, out);
		break;
	case 'B':
		lineedit_history_move(le, false, out);
		break;
	case 'C':
		lineedit_move(
		    le, mod ? lineedit_word_right(le, le->pos) : lineedit_next(le, le->pos), out);
		break;
	case 'D':
		lineedit_move(
		    le, mod ? lineedit_word_left(le, le->pos) : lineedit_prev(le, le->pos), out);
		break;
	case 'H':
		lineedit_move(le, 0, out);
		break;
	case 'F':
		lineedit_move(le, le->line.len, out);
		break;
	case '~':
		if (le->state != LINEEDIT_ST_CSI)
			break;
		switch (lineedit_seq_param(le, 0)) {
		case 1:
		case 7:
			lineedit_move(le, 0, out);
			break;
		case 4:
		case 8:
			lineedit_move(le, le->line.len, out);
			break;
		case 3:
			if (le->pos < le->line.len) {
				lineedit_delete(le, le->pos, lineedit_next(le, le->pos));
				lineedit_refresh(le, out);
			}
			break;
		case 200:
			le->paste = true;
			le->paste_cr = false;
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return LINEEDIT_MORE;
}

static enum lineedit_event lineedit_ground(struct lineedit *le, unsigned char c, struct buf *out)
{
	uint32_t cp;
	int r;

	if (le->after_cr) {
		le->after_cr = false;
		if (le->npend == 0 && (c == '\n' || c == '\0'))
			return LINEEDIT_MORE;
	}
	le->pend[le->npend++] = c;
	r = utf8_decode(le->pend, le->npend, &cp);
	if (r < 0 && le->npend > 1) {
		/* The new byte broke the pending sequence: drop the sequence, retry the byte. */
		le->pend[0] = c;
		le->npend = 1;
		r = utf8_decode(le->pend, le->npend, &cp);
	}
	if (r == 0)
		return LINEEDIT_MORE;
	le->npend = 0;
	if (r < 0)
		return LINEEDIT_MORE;
	return lineedit_cp(le, cp, out);
}

static enum lineedit_event lineedit_byte(struct lineedit *le, unsigned char c, struct buf *out)
{
	switch (le->state) {
	case LINEEDIT_ST_ESC:
		if (c == '[' || c == 'O') {
			le->state = c == '[' ? LINEEDIT_ST_CSI : LINEEDIT_ST_SS3;
			le->nseq = 0;
			le->seq_overflow = false;
			return LINEEDIT_MORE;
		}
		if (c == 0x1B)
			return LINEEDIT_MORE;
		if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') {
			lineedit_str_start(le);
			return LINEEDIT_MORE;
		}
		if (c >= 0x20 && c <= 0x7E) {
			/* Alt-key: Alt-B / Alt-F move by word, the others are ignored. */
			le->state = LINEEDIT_ST_GROUND;
			le->last_tab = false;
			if (!le->paste && c == 'b')
				lineedit_move(le, lineedit_word_left(le, le->pos), out);
			else if (!le->paste && c == 'f')
				lineedit_move(le, lineedit_word_right(le, le->pos), out);
			return LINEEDIT_MORE;
		}
		le->state = LINEEDIT_ST_GROUND;
		return lineedit_ground(le, c, out);
	case LINEEDIT_ST_CSI:
	case LINEEDIT_ST_SS3:
		if (c >= 0x20 && c <= 0x3F) {
			if (le->nseq < sizeof(le->seq))
				le->seq[le->nseq++] = (char)c;
			else
				le->seq_overflow = true;
			return LINEEDIT_MORE;
		}
		if (c >= 0x40 && c <= 0x7E) {
			enum lineedit_event ev = lineedit_dispatch(le, (char)c, out);

			le->state = LINEEDIT_ST_GROUND;
			return ev;
		}
		if (c == 0x1B) {
			le->state = LINEEDIT_ST_ESC;
			return LINEEDIT_MORE;
		}
		le->state = LINEEDIT_ST_GROUND; /* malformed: the byte is input again */
		return lineedit_ground(le, c, out);
	case LINEEDIT_ST_STR:
		if (lineedit_str_byte(le, c))
			return LINEEDIT_MORE;
		return lineedit_ground(le, c, out);
	case LINEEDIT_ST_STR_ESC:
		if (c == '\\') {
			le->state = LINEEDIT_ST_GROUND; /* ST */
			return LINEEDIT_MORE;
		}
		/* The string ended at this ESC, which begins a sequence of its own. */
		le->state = LINEEDIT_ST_ESC;
		return lineedit_byte(le, c, out);
	case LINEEDIT_ST_GROUND:
		break;
	}
	return lineedit_ground(le, c, out);
}

/* --- public entry points ---------------------------------------------------------------- */

void lineedit_start(struct lineedit *le, const char *prompt, bool secret, struct buf *out)
{
	char *p = strdup(prompt ? prompt : "");

	if (p == NULL)
		abort();
	free(le->prompt);
	le->prompt = p;
	le->prompt_cols = utf8_width(p, strlen(p));
	le->secret = secret;
	lineedit_wipe(le);
	le->pos = 0;
	le->scroll = 0;
	le->editing = true;
	le->last_tab = false;
	le->history_pos = le->history_len;
	free(le->saved);
	le->saved = NULL;
	buf_puts(out, p);
}

enum lineedit_event lineedit_feed(struct lineedit *le, const char *in, size_t len, size_t *used,
                                  struct buf *out)
{
	enum lineedit_event ev = LINEEDIT_MORE;
	size_t i = 0;

	if (len > 0 && !le->editing) {
		/* Input after a finished line without lineedit_start: start again, same prompt. */
		char *prompt = le->prompt;

		le->prompt = NULL;
		lineedit_start(le, prompt, le->secret, out);
		free(prompt);
	}
	le->belled = false;
	/* What does not fit is refused up to the end of this chunk of input (a paste without
	 * brackets arrives in one) or of the bracketed paste; keys typed later are tried anew. */
	if (!le->paste)
		le->full = false;
	while (i < len && ev == LINEEDIT_MORE)
		ev = lineedit_byte(le, (unsigned char)in[i++], out);
	if (used != NULL)
		*used = i;
	return ev;
}

bool lineedit_take_report(struct lineedit *le, size_t *refused, size_t *joined)
{
	if (le->paste || (le->refused == 0 && le->joined == 0))
		return false;
	*refused = le->refused;
	*joined = le->joined;
	le->refused = le->joined = 0;
	return true;
}

size_t lineedit_max_bytes(const struct lineedit *le)
{
	return le->max_bytes;
}

const char *lineedit_line(const struct lineedit *le)
{
	return le->line.data ? le->line.data : "";
}

void lineedit_history_add(struct lineedit *le, const char *line)
{
	struct buf b;
	bool at_end;
	char *s;

	if (line == NULL || le->history_max == 0)
		return;
	buf_init(&b);
	utf8_sanitize(&b, line, strlen(line), 0);
	if (b.len == 0 ||
	    (le->history_len > 0 && strcmp(le->history[le->history_len - 1], b.data) == 0)) {
		buf_free(&b);
		return;
	}
	s = buf_steal(&b);
	at_end = le->history_pos >= le->history_len;
	if (le->history_len == le->history_max) {
		/* Full: drop the oldest entry. */
		free(le->history[0]);
		memmove(le->history, le->history + 1, (le->history_len - 1) * sizeof(*le->history));
		le->history_len--;
		if (le->history_pos > 0)
			le->history_pos--;
	} else {
		le->history = realloc(le->history, (le->history_len + 1) * sizeof(*le->history));
		if (le->history == NULL)
			abort();
	}
	le->history[le->history_len++] = s;
	if (at_end)
		le->history_pos = le->history_len;
}

void lineedit_hide(struct lineedit *le, struct buf *out)
{
	if (le->editing)
		buf_puts(out, "\r\x1b[K");
}

void lineedit_redraw(struct lineedit *le, struct buf *out)
{
	if (le->editing)
		lineedit_draw(le, out);
}

void lineedit_set_prompt(struct lineedit *le, const char *prompt, struct buf *out)
{
	char *p = strdup(prompt ? prompt : "");

	if (p == NULL)
		abort();
	free(le->prompt);
	le->prompt = p;
	le->prompt_cols = utf8_width(p, strlen(p));
	if (le->editing) {
		/* A shorter prompt leaves the old one's tail: the line is cleared first. */
		buf_puts(out, "\r\x1b[K");
		lineedit_draw(le, out);
	}
}
