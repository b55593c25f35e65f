/* lineedit — a UTF-8 and display-width aware line editor as a pure state machine: bytes from
 * the terminal in, bytes for the terminal out (appended to a caller's buf). Single-line with
 * horizontal scrolling when the text is wider than the terminal. One editor per session; not
 * thread-safe. The editor owns its line and history; strings passed in are copied. */
#ifndef PROPDESK_LINEEDIT_H
#define PROPDESK_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct lineedit;
struct lineedit_completions;

enum lineedit_event {
	LINEEDIT_MORE = 0,   /* all input consumed, line not finished */
	LINEEDIT_LINE,       /* Enter: lineedit_line() holds the finished line */
	LINEEDIT_INTERRUPT,  /* Ctrl-C: the line was dropped */
	LINEEDIT_EOF,        /* Ctrl-D on an empty line */
};

/* Called on Tab with the text before the cursor; adds candidates for the word being typed
 * (the text after the last space) with lineedit_completion_add. */
typedef void (*lineedit_complete_fn)(void *arg, const char *line, size_t len,
				     struct lineedit_completions *c);

/* max_bytes: longest line accepted (further input is refused with a bell, at most one per
 * lineedit_feed call; once a character is refused, every one after it in the same feed or
 * bracketed paste is, until another key, so pasted text is cut at a character, never spliced).
 * history_max: lines of history kept. */
struct lineedit *lineedit_new(size_t max_bytes, size_t history_max);
void lineedit_free(struct lineedit *le);
void lineedit_set_width(struct lineedit *le, int cols);
/* The terminal's new width: while a line is edited, draws the prompt and the line again at
 * once into out (after a narrowing, from the row where a reflowing terminal has moved the
 * line's start). */
void lineedit_resize(struct lineedit *le, int cols, struct buf *out);
void lineedit_set_completer(struct lineedit *le, lineedit_complete_fn fn, void *arg);
/* word: the whole word that replaces the word being typed. */
void lineedit_completion_add(struct lineedit_completions *c, const char *word);

/* Starts a new empty line and draws prompt (which may hold colour escapes: only its visible
 * characters count for the width). secret: echo nothing and keep out of history. */
void lineedit_start(struct lineedit *le, const char *prompt, bool secret, struct buf *out);
/* Feeds terminal input. Stops at the first event other than LINEEDIT_MORE; *used tells how
 * many bytes were consumed so the caller can act on the event and feed the rest.
 * Editing keys: printable UTF-8 inserts; Left/Right, Home/End (and Ctrl-A/E), Ctrl-B/F,
 * Backspace/Ctrl-H (whole character), Delete/Ctrl-D (non-empty line), Ctrl-U, Ctrl-K, Ctrl-W,
 * Up/Down and Ctrl-P/N history, Tab completion, Ctrl-L redraw, Ctrl-C interrupt, Ctrl-D on an
 * empty line EOF, CR, LF, CR LF and CR NUL all end a line once. Invalid UTF-8, unknown escape
 * sequences and other control characters never enter the line. */
enum lineedit_event lineedit_feed(struct lineedit *le, const char *in, size_t len, size_t *used,
				  struct buf *out);
/* What the caller should tell the user after a feed: how many characters were refused because
 * the line was full, and how many line breaks of pasted text (bracketed paste, ESC [ 200 ~ ...
 * ESC [ 201 ~) were joined into the line with a space instead of ending it. True (and the
 * counts reset) when either is not zero and no paste is still coming in. */
bool lineedit_take_report(struct lineedit *le, size_t *refused, size_t *joined);
/* The max_bytes it was made with. */
size_t lineedit_max_bytes(const struct lineedit *le);
/* The finished line (valid UTF-8, no control characters) after LINEEDIT_LINE, until the next
 * lineedit_start. */
const char *lineedit_line(const struct lineedit *le);
/* Adds a line to the history (empty lines and repeats of the last entry are skipped). */
void lineedit_history_add(struct lineedit *le, const char *line);
/* Clears the line being edited from the screen (to print something above it)... */
void lineedit_hide(struct lineedit *le, struct buf *out);
/* ...and draws prompt and line again. */
void lineedit_redraw(struct lineedit *le, struct buf *out);
/* Replaces the prompt of the line being edited (or of the next lineedit_feed's restart) and,
 * while a line is being edited, draws prompt and line again: the text and the cursor's place
 * in it are kept. */
void lineedit_set_prompt(struct lineedit *le, const char *prompt, struct buf *out);

#endif
