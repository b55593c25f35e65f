/* Unit tests for shell/base/lineedit.c. What the user sees is checked with a tiny one-row terminal
 * model (test_lineedit_term) that interprets the editor's output like xterm does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lineedit.h"
#include "utf8.h"

/* --- a one-row terminal ------------------------------------------------------------------ */

#define TEST_LINEEDIT_TERM_MAX 200

struct test_lineedit_term {
	int cols;
	int x;
	char cell[TEST_LINEEDIT_TERM_MAX][16]; /* UTF-8 of the character in each cell; "" empty or
	                                        * the right half of a wide character */
	int lines;                             /* "\r\n" seen */
	int bells;
	bool overflow;    /* something was written past the last column */
	struct buf below; /* rows scrolled off (completion lists) */
};

static void test_lineedit_term_init(struct test_lineedit_term *t, int cols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	buf_init(&t->below);
}

static void test_lineedit_term_clear_from(struct test_lineedit_term *t, int x)
{
	for (; x < t->cols; x++)
		t->cell[x][0] = '\0';
}

/* The row as text (trailing empty cells dropped). */
static const char *test_lineedit_term_row(const struct test_lineedit_term *t)
{
	static char row[TEST_LINEEDIT_TERM_MAX * 16];
	int x, last = -1;

	row[0] = '\0';
	for (x = 0; x < t->cols; x++)
		if (t->cell[x][0] != '\0')
			last = x;
	for (x = 0; x <= last; x++) {
		if (t->cell[x][0] == '\0' &&
		    (x == 0 || utf8_width(t->cell[x - 1], strlen(t->cell[x - 1])) != 2))
			strcat(row, " ");
		else
			strcat(row, t->cell[x]);
	}
	return row;
}

static void test_lineedit_term_feed(struct test_lineedit_term *t, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		int r, w;

		if (c == '\r') {
			t->x = 0;
			i++;
		} else if (c == '\n') {
			buf_puts(&t->below, test_lineedit_term_row(t));
			buf_putc(&t->below, '\n');
			test_lineedit_term_clear_from(t, 0);
			t->lines++;
			i++;
		} else if (c == '\a') {
			t->bells++;
			i++;
		} else if (c == 0x1b) {
			/* ESC [ params final */
			size_t j = i + 1;
			int n = 0;

			assert_true(j < len && s[j] == '[');
			j++;
			while (j < len && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) {
				n = s[j] == ';' ? 0 : n * 10 + (s[j] - '0');
				j++;
			}
			assert_true(j < len);
			switch (s[j]) {
			case 'K':
				test_lineedit_term_clear_from(t, t->x);
				break;
			case 'C':
				t->x += n ? n : 1;
				if (t->x > t->cols - 1)
					t->x = t->cols - 1;
				break;
			case 'J':
				test_lineedit_term_clear_from(t, 0);
				break;
			case 'H':
				t->x = 0;
				break;
			case 'm':
				break;
			default:
				fail_msg("unexpected escape sequence final %c", s[j]);
			}
			i = j + 1;
		} else {
			r = utf8_decode((const unsigned char *)s + i, len - i, &cp);
			assert_true(r > 0);
			w = utf8_cpwidth(cp);
			assert_true(w >= 0);
			if (w == 0) {
				if (t->x > 0)
					strncat(t->cell[t->x - 1], s + i, (size_t)r);
			} else if (t->x + w > t->cols) {
				t->overflow = true;
			} else {
				memcpy(t->cell[t->x], s + i, (size_t)r);
				t->cell[t->x][r] = '\0';
				if (w == 2)
					t->cell[t->x + 1][0] = '\0';
				t->x += w;
				if (t->x == t->cols) {
					t->overflow = true; /* would wrap at the next character */
					t->x = t->cols - 1;
				}
			}
			i += (size_t)r;
		}
	}
}

/* --- fixture ---------------------------------------------------------------------------- */

struct test_lineedit_fx {
	struct lineedit *le;
	struct buf out;
	struct test_lineedit_term term;
};

/* Passes the output so far to the terminal model and empties it. */
static void test_lineedit_fx_flush(struct test_lineedit_fx *t)
{
	test_lineedit_term_feed(&t->term, t->out.data ? t->out.data : "", t->out.len);
	buf_reset(&t->out);
}

static struct test_lineedit_fx *test_lineedit_fx_new(size_t max_bytes, int cols, const char *prompt,
                                                     bool secret)
{
	struct test_lineedit_fx *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->le = lineedit_new(max_bytes, 50);
	buf_init(&t->out);
	test_lineedit_term_init(&t->term, cols);
	lineedit_set_width(t->le, cols);
	lineedit_start(t->le, prompt, secret, &t->out);
	test_lineedit_fx_flush(t);
	return t;
}

static void test_lineedit_fx_free(struct test_lineedit_fx *t)
{
	lineedit_free(t->le);
	buf_free(&t->out);
	buf_free(&t->term.below);
	free(t);
}

/* Feeds len bytes; expects all of them consumed unless an event happens. */
static enum lineedit_event test_lineedit_fx_feedn(struct test_lineedit_fx *t, const char *s,
                                                  size_t len, size_t *used)
{
	size_t u = 0;
	enum lineedit_event ev = lineedit_feed(t->le, s, len, &u, &t->out);

	if (ev == LINEEDIT_MORE)
		assert_int_equal(u, len);
	else
		assert_true(u >= 1 && u <= len);
	if (used)
		*used = u;
	test_lineedit_fx_flush(t);
	return ev;
}

static enum lineedit_event test_lineedit_fx_feed(struct test_lineedit_fx *t, const char *s)
{
	return test_lineedit_fx_feedn(t, s, strlen(s), NULL);
}

/* Types s and Enter; returns the finished line. */
static const char *test_lineedit_fx_enter(struct test_lineedit_fx *t, const char *s)
{
	assert_int_equal(test_lineedit_fx_feed(t, s), LINEEDIT_MORE);
	assert_int_equal(test_lineedit_fx_feed(t, "\r"), LINEEDIT_LINE);
	return lineedit_line(t->le);
}

static void test_lineedit_fx_restart(struct test_lineedit_fx *t, const char *prompt)
{
	lineedit_start(t->le, prompt, false, &t->out);
	test_lineedit_fx_flush(t);
}

#define LEFT "\x1b[D"
#define RIGHT "\x1b[C"
#define UP "\x1b[A"
#define DOWN "\x1b[B"

/* --- tests ------------------------------------------------------------------------------ */

static void test_lineedit_cjk_insert(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	assert_int_equal(test_lineedit_fx_feed(t, "报修漏水"), LINEEDIT_MORE);
	assert_string_equal(test_lineedit_term_row(&t->term), "> 报修漏水");
	assert_int_equal(t->term.x, 10);
	assert_string_equal(test_lineedit_fx_enter(t, ""), "报修漏水");
	assert_int_equal(t->term.lines, 1);
	test_lineedit_fx_free(t);
}

static void test_lineedit_backspace_deletes_whole_character(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	test_lineedit_fx_feed(t, "报修漏水\x7f\x7f");
	assert_string_equal(test_lineedit_term_row(&t->term), "> 报修");
	assert_int_equal(t->term.x, 6);
	assert_string_equal(test_lineedit_fx_enter(t, ""), "报修");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "a报\x08"), "a"); /* Ctrl-H */
	test_lineedit_fx_restart(t, "> ");
	/* e + combining acute is one character. */
	assert_string_equal(test_lineedit_fx_enter(t, "xe\xcc\x81\x7f"), "x");
	test_lineedit_fx_free(t);
}

static void test_lineedit_cursor_moves_over_wide_characters(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	test_lineedit_fx_feed(t, "报修");
	test_lineedit_fx_feed(t, LEFT);
	assert_int_equal(t->term.x, 4);
	test_lineedit_fx_feed(t, LEFT);
	assert_int_equal(t->term.x, 2);
	test_lineedit_fx_feed(t, LEFT); /* at the start: stays */
	assert_int_equal(t->term.x, 2);
	test_lineedit_fx_feed(t, RIGHT "a");
	assert_string_equal(test_lineedit_term_row(&t->term), "> 报a修");
	assert_int_equal(t->term.x, 5);
	test_lineedit_fx_feed(t, "\x02\x02"
	                         "b\x06\x06\x06"
	                         "c"); /* Ctrl-B, Ctrl-F */
	assert_string_equal(test_lineedit_term_row(&t->term), "> b报a修c");
	assert_int_equal(t->term.x, 9);
	assert_string_equal(test_lineedit_fx_enter(t, ""), "b报a修c");
	test_lineedit_fx_free(t);
}

static void test_lineedit_ctrl_keys(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	assert_string_equal(test_lineedit_fx_enter(t, "报修 leak\x01X\x05Y"), "X报修 leakY");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "hello world" LEFT LEFT "\x15"),
	                    "ld"); /* Ctrl-U */
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "hello world"
	                                              "\x01" RIGHT "\x0b"),
	                    "h"); /* Ctrl-K */
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "complaint add 漏水  \x17"),
	                    "complaint add ");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "a b\x17\x17\x17"), "");
	test_lineedit_fx_restart(t, "> ");
	/* Ctrl-W before the cursor only; Ctrl-D deletes under the cursor. */
	assert_string_equal(test_lineedit_fx_enter(t, "ab cd" LEFT "\x17"), "ab d");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "报修x\x01\x04"), "修x");
	test_lineedit_fx_restart(t, "> ");
	/* Alt-B / Ctrl-Left move by word. */
	assert_string_equal(test_lineedit_fx_enter(t, "one two\x1b"
	                                              "bX\x1b[1;5D\x1b[1;5DY"),
	                    "Yone Xtwo");
	test_lineedit_fx_free(t);
}

static void test_lineedit_home_end_delete_sequences(void **state)
{
	static const char *const homes[] = {"\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~", "\x01"};
	static const char *const ends[] = {"\x1b[F", "\x1bOF", "\x1b[4~", "\x1b[8~", "\x05"};
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		char in[64];

		snprintf(in, sizeof(in), "报修%sA%sB", homes[i], ends[i]);
		assert_string_equal(test_lineedit_fx_enter(t, in), "A报修B");
		test_lineedit_fx_restart(t, "> ");
	}
	assert_string_equal(test_lineedit_fx_enter(t, "abc\x1b[H\x1b[3~"), "bc");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "abc\x1bOD\x1bOD\x1bOC\x1b[3~"), "ab");
	test_lineedit_fx_free(t);
}

static void test_lineedit_ctrl_c_and_ctrl_d(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	assert_int_equal(test_lineedit_fx_feed(t, "abc\x03"), LINEEDIT_INTERRUPT);
	assert_string_equal(lineedit_line(t->le), "");
	test_lineedit_fx_restart(t, "> ");
	assert_int_equal(test_lineedit_fx_feed(t, "\x04"), LINEEDIT_EOF);
	test_lineedit_fx_restart(t, "> ");
	/* Ctrl-D on a non-empty line at its end does nothing. */
	assert_string_equal(test_lineedit_fx_enter(t, "x\x04"), "x");
	test_lineedit_fx_free(t);
}

static void test_lineedit_invalid_utf8_and_controls_never_enter(void **state)
{
	static const char in[] = "a\xff"
	                         "b\x80"
	                         "c\xc0\xaf"
	                         "d\xed\xa0\x80"
	                         "e\xf4\x90\x80\x80"
	                         "f\x00\x07\x0f\x11\x12\x13\x14\x16\x18\x19\x1a\x1c\x1d\x1e\x1f"
	                         "g\xc2\x85\xc2\x9b"
	                         "h\xe6\x8a"
	                         "i"
	                         "j";
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	assert_int_equal(test_lineedit_fx_feedn(t, in, sizeof(in) - 1, NULL), LINEEDIT_MORE);
	assert_int_equal(test_lineedit_fx_feed(t, "\r"), LINEEDIT_LINE);
	assert_string_equal(lineedit_line(t->le), "abcdefghij");
	test_lineedit_fx_free(t);
}

/* Invisible characters (a right-to-left override, a zero-width space) are kept in the line and
 * shown as <U+XXXX>, at the start of the line too; the cursor moves over them as over one
 * character, and they never reorder the display. */
static void test_lineedit_invisible_characters_shown(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	test_lineedit_fx_feed(t, "\xe2\x80\xae"
	                         "ab\xe2\x80\x8b"
	                         "c");
	assert_string_equal(test_lineedit_term_row(&t->term), "> <U+202E>ab<U+200B>c");
	assert_int_equal(t->term.x, 2 + 8 + 2 + 8 + 1);
	test_lineedit_fx_feed(t, LEFT LEFT);
	assert_int_equal(t->term.x, 2 + 8 + 2);
	test_lineedit_fx_feed(t, "\x7f"); /* backspace: b */
	assert_string_equal(test_lineedit_term_row(&t->term), "> <U+202E>a<U+200B>c");
	test_lineedit_fx_feed(t, "\x01\x04"); /* Ctrl-A, Ctrl-D: the override */
	assert_string_equal(test_lineedit_term_row(&t->term), "> a<U+200B>c");
	assert_int_equal(t->term.x, 2);
	assert_string_equal(test_lineedit_fx_enter(t, ""), "a\xe2\x80\x8b"
	                                                   "c");
	test_lineedit_fx_free(t);
}

static void test_lineedit_cr_lf_counted_once(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);
	static const char in[] = "ab\r\ncd\r\0ef\ngh\r";
	size_t off = 0, used;

	(void)state;
	assert_int_equal(test_lineedit_fx_feedn(t, in, sizeof(in) - 1, &used), LINEEDIT_LINE);
	assert_int_equal(used, 3);
	assert_string_equal(lineedit_line(t->le), "ab");
	off += used;
	test_lineedit_fx_restart(t, "> ");
	assert_int_equal(test_lineedit_fx_feedn(t, in + off, sizeof(in) - 1 - off, &used),
	                 LINEEDIT_LINE);
	assert_string_equal(lineedit_line(t->le), "cd");
	off += used;
	test_lineedit_fx_restart(t, "> ");
	assert_int_equal(test_lineedit_fx_feedn(t, in + off, sizeof(in) - 1 - off, &used),
	                 LINEEDIT_LINE);
	assert_string_equal(lineedit_line(t->le), "ef");
	off += used;
	test_lineedit_fx_restart(t, "> ");
	assert_int_equal(test_lineedit_fx_feedn(t, in + off, sizeof(in) - 1 - off, &used),
	                 LINEEDIT_LINE);
	assert_string_equal(lineedit_line(t->le), "gh");
	off += used;
	assert_int_equal(off, sizeof(in) - 1);
	/* The LF of a CR LF split across two reads is swallowed too. */
	test_lineedit_fx_restart(t, "> ");
	assert_int_equal(test_lineedit_fx_feed(t, "\n"), LINEEDIT_MORE);
	assert_string_equal(test_lineedit_fx_enter(t, "x"), "x");
	test_lineedit_fx_restart(t, "> ");
	/* Two Enters are two (empty) lines. */
	assert_int_equal(test_lineedit_fx_feed(t, "\n"), LINEEDIT_MORE); /* LF after the CR above */
	assert_int_equal(test_lineedit_fx_feed(t, "\n"), LINEEDIT_LINE);
	assert_string_equal(lineedit_line(t->le), "");
	test_lineedit_fx_free(t);
}

static void test_lineedit_split_utf8_across_feeds(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	test_lineedit_fx_feed(t, "\xe6");
	assert_string_equal(test_lineedit_term_row(&t->term), "> ");
	test_lineedit_fx_feed(t, "\x8a");
	test_lineedit_fx_feed(t, "\xa5\xf0\x9f");
	assert_string_equal(test_lineedit_term_row(&t->term), "> 报");
	test_lineedit_fx_feed(t, "\x98\x80");
	assert_string_equal(test_lineedit_fx_enter(t, ""), "报😀");
	test_lineedit_fx_free(t);
}

static void test_lineedit_split_escape_sequences(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	test_lineedit_fx_feed(t, "ab\x1b");
	test_lineedit_fx_feed(t, "[");
	test_lineedit_fx_feed(t, "D");
	test_lineedit_fx_feed(t, "X");
	assert_int_equal(t->term.x, 4);
	/* Unknown sequences, whole or split, leave no trace. */
	test_lineedit_fx_feed(t, "\x1b[15~\x1b[1;5P\x1b[?1049h\x1b[I\x1b[<0;10;5M\x1bO5R\x1b[Z");
	test_lineedit_fx_feed(t, "\x1b[2");
	test_lineedit_fx_feed(t, "4~");
	test_lineedit_fx_feed(t, "\x1bO");
	test_lineedit_fx_feed(t, "P");
	test_lineedit_fx_feed(t, "\x1b[");
	test_lineedit_fx_feed(t, "1;2");
	test_lineedit_fx_feed(t, "0");
	test_lineedit_fx_feed(t, "0;3");
	test_lineedit_fx_feed(t, "q");
	assert_string_equal(test_lineedit_fx_enter(t, ""), "aXb");
	test_lineedit_fx_free(t);
}

/* Control strings (OSC, DCS, APC, PM, SOS; ESC or C1 form), whole or split across feeds, leave
 * no trace: not even their payload enters the line. A line end cuts one short and still ends
 * the line, and a stray ESC ] cannot swallow more than LINEEDIT_STR_MAX bytes. */
static void test_lineedit_control_strings_swallowed(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(4096, 80, "> ", false);
	char big[700];

	(void)state;
	test_lineedit_fx_feed(t, "a\x1b]52;c;YWJj\x07" "b");             /* OSC 52 ended by BEL */
	test_lineedit_fx_feed(t, "\x1b]0;title\x1b\\c");             /* OSC ended by ST */
	test_lineedit_fx_feed(t, "\x1bPq#0;2;0;0;0\x1b\\d");          /* DCS (sixel) */
	test_lineedit_fx_feed(t, "\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\e"); /* APC, PM, SOS */
	test_lineedit_fx_feed(t, "\xc2\x9d" "8;;http://x\xc2\x9c" "f"); /* C1 OSC ... C1 ST */
	test_lineedit_fx_feed(t, "\x1b]11;rgb:");                      /* split across feeds */
	test_lineedit_fx_feed(t, "ffff/ffff/ffff");
	test_lineedit_fx_feed(t, "\x1b");
	test_lineedit_fx_feed(t, "\\g");
	test_lineedit_fx_feed(t, "\x1b]2;x\x1b[Dh");                  /* ended by another ESC */
	assert_string_equal(test_lineedit_fx_enter(t, ""), "abcdefhg");
	/* A line end inside a string ends the line. */
	test_lineedit_fx_restart(t, "> ");
	assert_int_equal(test_lineedit_fx_feed(t, "ij\x1b]52;c;abc\r"), LINEEDIT_LINE);
	assert_string_equal(lineedit_line(t->le), "ij");
	/* A stray ESC ] followed by typing: what comes past the cap is typed again. */
	test_lineedit_fx_restart(t, "> ");
	memset(big, 'k', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	test_lineedit_fx_feed(t, "\x1b]");
	test_lineedit_fx_feed(t, big);
	assert_int_equal(strlen(test_lineedit_fx_enter(t, "")), sizeof big - 1 - 512);
	test_lineedit_fx_free(t);
}

static void test_lineedit_history_up_down_keeps_typed_line(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	lineedit_history_add(t->le, "complaint list");
	lineedit_history_add(t->le, "complaint list"); /* repeat skipped */
	lineedit_history_add(t->le, "");               /* empty skipped */
	lineedit_history_add(t->le, "报修 3号楼");
	test_lineedit_fx_restart(t, "> ");
	test_lineedit_fx_feed(t, "typed");
	test_lineedit_fx_feed(t, UP);
	assert_string_equal(test_lineedit_term_row(&t->term), "> 报修 3号楼");
	test_lineedit_fx_feed(t, UP);
	assert_string_equal(test_lineedit_term_row(&t->term), "> complaint list");
	test_lineedit_fx_feed(t, UP); /* oldest: stays */
	assert_string_equal(test_lineedit_term_row(&t->term), "> complaint list");
	test_lineedit_fx_feed(t, DOWN);
	assert_string_equal(test_lineedit_term_row(&t->term), "> 报修 3号楼");
	test_lineedit_fx_feed(t, "\x1bOB"); /* SS3 down */
	assert_string_equal(test_lineedit_term_row(&t->term), "> typed");
	test_lineedit_fx_feed(t, DOWN); /* newest: stays */
	assert_string_equal(test_lineedit_fx_enter(t, ""), "typed");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "\x10\x10\x0e"), "报修 3号楼"); /* Ctrl-P/N */
	test_lineedit_fx_free(t);
}

static void test_lineedit_history_is_bounded(void **state)
{
	struct lineedit *le = lineedit_new(64, 3);
	struct buf out;
	char line[16];
	int i;
	size_t used;

	(void)state;
	buf_init(&out);
	for (i = 0; i < 10; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		lineedit_history_add(le, line);
	}
	lineedit_start(le, "> ", false, &out);
	assert_int_equal(lineedit_feed(le, UP UP UP UP UP "\r", 16, &used, &out), LINEEDIT_LINE);
	assert_string_equal(lineedit_line(le), "cmd7");
	lineedit_free(le);
	buf_free(&out);
}

/* Found by fuzz_lineedit: a recalled entry longer than max_bytes was cut inside a character. */
static void test_lineedit_long_history_entry_cut_at_character(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(4, 80, "> ", false);

	(void)state;
	lineedit_history_add(t->le, "报修");
	assert_string_equal(test_lineedit_fx_enter(t, UP), "报");
	test_lineedit_fx_free(t);
}

static void test_lineedit_max_bytes_refused_with_bell(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(5, 80, "> ", false);

	(void)state;
	test_lineedit_fx_feed(t, "abcdef");
	assert_int_equal(t->term.bells, 1);
	assert_string_equal(test_lineedit_fx_enter(t, ""), "abcde");
	test_lineedit_fx_free(t);

	t = test_lineedit_fx_new(7, 80, "> ", false);
	test_lineedit_fx_feed(t, "报修漏"); /* 9 bytes: the third character does not fit */
	assert_int_equal(t->term.bells, 1);
	assert_string_equal(test_lineedit_fx_enter(t, "a"), "报修a");
	test_lineedit_fx_free(t);
}

/* A paste running past max_bytes rings once per input chunk (one lineedit_feed call), not once
 * per refused character; the next chunk may ring again. */
static void test_lineedit_long_paste_rings_once_per_chunk(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(12, 80, "> ", false);
	struct buf paste;
	int i;

	(void)state;
	buf_init(&paste);
	for (i = 0; i < 200; i++)
		buf_puts(&paste, "x");
	test_lineedit_fx_feedn(t, paste.data, paste.len, NULL);
	assert_int_equal(t->term.bells, 1);
	assert_string_equal(lineedit_line(t->le), "xxxxxxxxxxxx");
	assert_string_equal(test_lineedit_fx_enter(t, ""), "xxxxxxxxxxxx");
	test_lineedit_fx_free(t);

	/* A bracketed paste of Chinese text in two chunks: one bell each. */
	t = test_lineedit_fx_new(12, 80, "> ", false);
	buf_reset(&paste);
	buf_puts(&paste, "\x1b[200~");
	for (i = 0; i < 100; i++)
		buf_puts(&paste, "卫生间漏水");
	test_lineedit_fx_feedn(t, paste.data, paste.len, NULL);
	assert_int_equal(t->term.bells, 1);
	assert_string_equal(lineedit_line(t->le), "卫生间漏");
	buf_reset(&paste);
	for (i = 0; i < 100; i++)
		buf_puts(&paste, "楼上");
	buf_puts(&paste, "\x1b[201~");
	test_lineedit_fx_feedn(t, paste.data, paste.len, NULL);
	assert_int_equal(t->term.bells, 2);
	assert_string_equal(lineedit_line(t->le), "卫生间漏");
	/* Typed one key at a time, each refused key still rings. */
	test_lineedit_fx_feed(t, "a");
	test_lineedit_fx_feed(t, "b");
	assert_int_equal(t->term.bells, 4);
	/* Room made by a backspace: what fits goes in, no bell; the rest of the chunk rings once. */
	test_lineedit_fx_feed(t, "\x7f" "ab" "报修报修");
	assert_int_equal(t->term.bells, 5);
	assert_string_equal(test_lineedit_fx_enter(t, ""), "卫生间ab");
	/* Other bells (Tab without a completer) ring once per chunk too. */
	test_lineedit_fx_feed(t, "\t\t\t");
	assert_int_equal(t->term.bells, 6);
	test_lineedit_fx_feed(t, "\t");
	assert_int_equal(t->term.bells, 7);
	buf_free(&paste);
	test_lineedit_fx_free(t);
}

static void test_lineedit_secret_echoes_nothing(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "密码: ", false);

	(void)state;
	lineedit_history_add(t->le, "old");
	lineedit_start(t->le, "密码: ", true, &t->out);
	assert_string_equal(buf_cstr(&t->out), "密码: ");
	test_lineedit_fx_flush(t);
	assert_int_equal(lineedit_feed(t->le,
	                               "s3cr\x7f"
	                               "et密" LEFT UP "\t",
	                               17, NULL, &t->out),
	                 LINEEDIT_MORE);
	assert_false(strstr(buf_cstr(&t->out), "s3c") || strstr(buf_cstr(&t->out), "et") ||
	             strstr(buf_cstr(&t->out), "old") || strstr(buf_cstr(&t->out), "密"));
	assert_true(t->out.len == 0 || strspn(t->out.data, "\a") == t->out.len);
	buf_reset(&t->out);
	assert_int_equal(lineedit_feed(t->le, "\r", 1, NULL, &t->out), LINEEDIT_LINE);
	assert_string_equal(buf_cstr(&t->out), "\r\n");
	assert_string_equal(lineedit_line(t->le), "s3cet密");
	test_lineedit_fx_free(t);
}

static void test_lineedit_complete_cb(void *arg, const char *line, size_t len,
                                      struct lineedit_completions *c)
{
	static const char *const words[] = {"complaint", "compare", "close",      "报修",
	                                    "报表",      "报修单",  "bad\x1b[31m"};
	const char *word = line + len;
	size_t i, wlen;

	*(int *)arg += 1;
	assert_int_equal(strlen(line), len);
	while (word > line && word[-1] != ' ')
		word--;
	wlen = (size_t)(line + len - word);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncmp(words[i], word, wlen) == 0)
			lineedit_completion_add(c, words[i]);
}

static void test_lineedit_tab_completion(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);
	int calls = 0;

	(void)state;
	lineedit_set_completer(t->le, test_lineedit_complete_cb, &calls);
	/* One candidate: completed and a space added. */
	assert_string_equal(test_lineedit_fx_enter(t, "x cl\t"), "x close ");
	assert_int_equal(calls, 1);
	test_lineedit_fx_restart(t, "> ");
	/* Several: the longest common prefix; a second Tab lists them below and redraws. */
	test_lineedit_fx_feed(t, "co\t");
	assert_string_equal(test_lineedit_term_row(&t->term), "> comp");
	assert_int_equal(t->term.lines, 1);
	test_lineedit_fx_feed(t, "\t");
	assert_int_equal(t->term.lines, 3); /* the list: one row */
	assert_non_null(strstr(t->term.below.data, "complaint  compare\n"));
	assert_string_equal(test_lineedit_term_row(&t->term), "> comp");
	assert_int_equal(t->term.x, 6);
	assert_string_equal(test_lineedit_fx_enter(t, "l\t"), "complaint ");
	test_lineedit_fx_restart(t, "> ");
	/* Chinese candidates, text after the cursor kept. */
	assert_string_equal(test_lineedit_fx_enter(t, "报 end\x01" RIGHT "\t"), "报 end");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "报修单\x01" RIGHT RIGHT "\t\t"), "报修单");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "a 报修\t单\tx"), "a 报修单 x");
	test_lineedit_fx_restart(t, "> ");
	/* Candidates are sanitized before they enter the line. */
	assert_string_equal(test_lineedit_fx_enter(t, "ba\t"), "bad ");
	test_lineedit_fx_restart(t, "> ");
	/* No candidate: a bell, nothing changes. */
	t->term.bells = 0;
	assert_string_equal(test_lineedit_fx_enter(t, "zz\t"), "zz");
	assert_int_equal(t->term.bells, 1);
	test_lineedit_fx_free(t);
}

static void test_lineedit_horizontal_scroll_keeps_cursor_visible(void **state)
{
	static const char *const cjk[] = {"一", "二", "三", "四", "五", "六", "七", "八",
	                                  "九", "十", "百", "千", "万", "亿", "兆"};
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 20, "> ", false);
	char expect[64];
	int i;

	(void)state;
	for (i = 0; i < 30; i++) {
		char c[2] = {(char)('a' + i % 26), '\0'};

		test_lineedit_fx_feed(t, c);
		assert_false(t->term.overflow);
		assert_true(t->term.x <= 19);
		assert_string_equal(t->term.cell[t->term.x - 1], c);
	}
	test_lineedit_fx_feed(t, "\x01");
	assert_int_equal(t->term.x, 2);
	assert_string_equal(test_lineedit_term_row(&t->term), "> abcdefghijklmnopq");
	test_lineedit_fx_feed(t, "\x05");
	assert_string_equal(test_lineedit_term_row(&t->term), "> nopqrstuvwxyzabcd");
	assert_int_equal(t->term.x, 19);
	test_lineedit_fx_feed(t, "\x15");
	assert_string_equal(test_lineedit_term_row(&t->term), "> ");

	/* Wide characters: never split, the cursor always next to the right character. */
	for (i = 0; i < 15; i++) {
		test_lineedit_fx_feed(t, cjk[i]);
		assert_false(t->term.overflow);
		assert_true(t->term.x <= 19);
		assert_string_equal(t->term.cell[t->term.x - 2], cjk[i]);
	}
	for (i = 14; i >= 0; i--) {
		test_lineedit_fx_feed(t, LEFT);
		assert_false(t->term.overflow);
		assert_string_equal(t->term.cell[t->term.x], cjk[i]);
		assert_true(t->term.x >= 2);
	}
	assert_int_equal(t->term.x, 2);
	snprintf(expect, sizeof(expect), "> 一二三四五六七八");
	assert_string_equal(test_lineedit_term_row(&t->term), expect);
	assert_false(t->term.overflow);
	test_lineedit_fx_feed(t, "\x05");
	assert_string_equal(test_lineedit_term_row(&t->term), "> 八九十百千万亿兆");
	test_lineedit_fx_free(t);
}

static void test_lineedit_prompt_colours_take_no_columns(void **state)
{
	struct test_lineedit_fx *t =
	    test_lineedit_fx_new(256, 80, "\x1b[1;32m客服\x1b[0m> ", false);

	(void)state;
	assert_int_equal(t->term.x, 6);
	test_lineedit_fx_feed(t, "报修" LEFT);
	assert_int_equal(t->term.x, 8);
	assert_string_equal(test_lineedit_term_row(&t->term), "客服> 报修");
	test_lineedit_fx_free(t);
}

static void test_lineedit_bracketed_paste_is_text(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);
	size_t refused = 9, joined = 9;

	(void)state;
	/* Inside a paste, tabs become spaces and keys are not keys... */
	assert_int_equal(test_lineedit_fx_feed(t, "\x1b[200~ab\tc\x01" LEFT "\x7f"
	                                          "d"),
	                 LINEEDIT_MORE);
	/* ...and its line breaks (CR LF, LF, CR) join its lines with one space: a paste of three
	 * lines stays in this line, to be checked before Enter; nothing to report before the
	 * paste is over. */
	assert_int_equal(test_lineedit_fx_feed(t, "\r\n报\n修 \r"), LINEEDIT_MORE);
	assert_false(lineedit_take_report(t->le, &refused, &joined));
	assert_int_equal(test_lineedit_fx_feed(t, "x\x1b[201~"), LINEEDIT_MORE);
	assert_true(lineedit_take_report(t->le, &refused, &joined));
	assert_int_equal(refused, 0);
	assert_int_equal(joined, 3);
	assert_false(lineedit_take_report(t->le, &refused, &joined));
	/* After the paste, keys are keys again. */
	assert_string_equal(test_lineedit_fx_enter(t, "\x01y"), "yab cd 报 修 x");
	test_lineedit_fx_restart(t, "> ");
	/* Ctrl-C inside a paste still interrupts, and ends the paste. */
	assert_int_equal(test_lineedit_fx_feed(t, "\x1b[200~ab\x03"), LINEEDIT_INTERRUPT);
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "b\x01"
	                                              "a"),
	                    "ab");
	test_lineedit_fx_free(t);
}

/* A paste that does not fit is cut at a character and never spliced: once a character is
 * refused, the rest of the paste is (even narrower characters that would fit), and the count
 * of what was refused is reported once the paste is over. Keys typed later are tried anew. */
static void test_lineedit_full_line_cuts_a_paste(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(10, 80, "> ", false);
	size_t refused = 0, joined = 0;

	(void)state;
	/* 中文中 is 9 bytes; 文 does not fit, nor (after it) the digits that would. */
	test_lineedit_fx_feed(t, "\x1b[200~中文中文12\x1b[201~");
	assert_string_equal(lineedit_line(t->le), "中文中");
	assert_true(lineedit_take_report(t->le, &refused, &joined));
	assert_int_equal(refused, 3);
	assert_int_equal(joined, 0);
	assert_int_equal(t->term.bells, 1);
	/* The same without brackets, in one chunk. */
	test_lineedit_fx_feed(t, "\x15");
	test_lineedit_fx_feed(t, "中文中文12");
	assert_string_equal(lineedit_line(t->le), "中文中");
	assert_true(lineedit_take_report(t->le, &refused, &joined));
	assert_int_equal(refused, 3);
	/* A key typed afterwards fits and goes in. */
	test_lineedit_fx_feed(t, "1");
	assert_false(lineedit_take_report(t->le, &refused, &joined));
	assert_string_equal(test_lineedit_fx_enter(t, ""), "中文中1");
	assert_int_equal(lineedit_max_bytes(t->le), 10);
	test_lineedit_fx_free(t);
}

static void test_lineedit_hide_and_redraw(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);

	(void)state;
	test_lineedit_fx_feed(t, "报修" LEFT);
	lineedit_hide(t->le, &t->out);
	test_lineedit_fx_flush(t);
	assert_string_equal(test_lineedit_term_row(&t->term), "");
	assert_int_equal(t->term.x, 0);
	buf_puts(&t->out, "通知\r\n");
	lineedit_redraw(t->le, &t->out);
	test_lineedit_fx_flush(t);
	assert_string_equal(test_lineedit_term_row(&t->term), "> 报修");
	assert_int_equal(t->term.x, 4);
	test_lineedit_fx_feed(t, "\x0c"); /* Ctrl-L */
	assert_string_equal(test_lineedit_term_row(&t->term), "> 报修");
	assert_int_equal(t->term.x, 4);
	test_lineedit_fx_free(t);
}

/* A new width redraws prompt and line at once; after a narrowing, from the row a reflowing
 * terminal moved the line's start to. */
static void test_lineedit_resize_redraws_at_once(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 80, "> ", false);
	struct test_lineedit_term narrow;
	char line[64], want[64];
	int i;

	(void)state;
	for (i = 0; i < 60; i++)
		line[i] = (char)('a' + i % 26);
	line[60] = '\0';
	test_lineedit_fx_feed(t, line);
	assert_int_equal(t->term.x, 62);
	/* 80 -> 40: the cursor (column 62) is a row below the line's start. */
	lineedit_resize(t->le, 40, &t->out);
	assert_int_equal(strncmp(t->out.data, "\x1b[1A\r\x1b[J", 8), 0);
	test_lineedit_term_init(&narrow, 40);
	test_lineedit_term_feed(&narrow, t->out.data + 4, t->out.len - 4);
	assert_false(narrow.overflow);
	assert_int_equal(narrow.x, 39);
	/* The prompt and the end of the line: 37 columns, one kept for the cursor. */
	snprintf(want, sizeof want, "> %s", line + 23);
	assert_string_equal(test_lineedit_term_row(&narrow), want);
	buf_free(&narrow.below);
	buf_reset(&t->out);
	/* Wider: no row to go back up, the whole line again. */
	t->term.cols = 100;
	lineedit_resize(t->le, 100, &t->out);
	assert_int_equal(strncmp(t->out.data, "\r\x1b[J", 4), 0);
	test_lineedit_fx_flush(t);
	assert_string_equal(test_lineedit_term_row(&t->term) + 2, line);
	assert_int_equal(t->term.x, 62);
	/* The same width: nothing drawn. */
	lineedit_resize(t->le, 100, &t->out);
	assert_int_equal(t->out.len, 0);
	/* No line being edited: nothing drawn. */
	assert_int_equal(test_lineedit_fx_feed(t, "\r"), LINEEDIT_LINE);
	lineedit_resize(t->le, 60, &t->out);
	assert_int_equal(t->out.len, 0);
	test_lineedit_fx_free(t);

	/* A password prompt: the prompt again, nothing typed shown. */
	t = test_lineedit_fx_new(256, 80, "Password: ", true);
	test_lineedit_fx_feed(t, "secret");
	lineedit_resize(t->le, 30, &t->out);
	test_lineedit_fx_flush(t);
	assert_string_equal(test_lineedit_term_row(&t->term), "Password: ");
	assert_null(strstr(t->term.below.data != NULL ? t->term.below.data : "", "secret"));
	test_lineedit_fx_free(t);
}

/* A submitted line scrolled to its end is left on the screen from its start. */
static void test_lineedit_submitted_line_left_from_its_start(void **state)
{
	struct test_lineedit_fx *t = test_lineedit_fx_new(256, 20, "> ", false);

	(void)state;
	assert_string_equal(test_lineedit_fx_enter(t, "complaint search 楼道灯坏了很久"),
	                    "complaint search 楼道灯坏了很久");
	assert_string_equal(t->term.below.data, "> complaint search \n");
	test_lineedit_fx_restart(t, "> ");
	assert_string_equal(test_lineedit_fx_enter(t, "short"), "short");
	assert_string_equal(t->term.below.data, "> complaint search \n> short\n");
	test_lineedit_fx_free(t);
}

static uint32_t test_lineedit_rand_state = 777;

static uint32_t test_lineedit_rand(void)
{
	test_lineedit_rand_state = test_lineedit_rand_state * 1103515245u + 12345u;
	return test_lineedit_rand_state >> 8;
}

static void test_lineedit_random_input_keeps_line_clean(void **state)
{
	static const char *const pieces[] = {
	    "\x1b", "[",    "O",    "A",         "B",
	    "C",    "D",    "~",    "3",         "200",
	    "201",  "报",   "\xe6", "\x8a",      "\r",
	    "\n",   "\t",   "\x7f", "\x17",      "\x15",
	    "\x0b", "\x01", "\x05", "e\xcc\x81", "\xf0\x9f\x98\x80",
	    "x",    " ",    "\x00"};
	struct lineedit *le = lineedit_new(40, 5);
	struct buf out;
	int round, calls = 0;

	(void)state;
	buf_init(&out);
	lineedit_set_completer(le, test_lineedit_complete_cb, &calls);
	lineedit_start(le, "> ", false, &out);
	for (round = 0; round < 20000; round++) {
		const char *p = pieces[test_lineedit_rand() % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t len = p[0] ? strlen(p) : 1, off = 0;

		while (off < len) {
			size_t used = 0;
			enum lineedit_event ev;

			ev = lineedit_feed(le, p + off, len - off, &used, &out);
			off += used;
			if (ev != LINEEDIT_MORE) {
				const char *line = lineedit_line(le);
				size_t i;

				assert_true(utf8_valid(line, strlen(line)));
				for (i = 0; line[i]; i++)
					assert_false((unsigned char)line[i] < 0x20 ||
					             line[i] == 0x7f);
				assert_true(strlen(line) <= 40);
				lineedit_history_add(le, line);
				lineedit_set_width(le, 5 + (int)(test_lineedit_rand() % 60));
				lineedit_start(le, "> ", test_lineedit_rand() % 8 == 0, &out);
			}
		}
		buf_reset(&out);
	}
	lineedit_free(le);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lineedit_cjk_insert),
	    cmocka_unit_test(test_lineedit_backspace_deletes_whole_character),
	    cmocka_unit_test(test_lineedit_cursor_moves_over_wide_characters),
	    cmocka_unit_test(test_lineedit_ctrl_keys),
	    cmocka_unit_test(test_lineedit_home_end_delete_sequences),
	    cmocka_unit_test(test_lineedit_ctrl_c_and_ctrl_d),
	    cmocka_unit_test(test_lineedit_invalid_utf8_and_controls_never_enter),
	    cmocka_unit_test(test_lineedit_invisible_characters_shown),
	    cmocka_unit_test(test_lineedit_cr_lf_counted_once),
	    cmocka_unit_test(test_lineedit_split_utf8_across_feeds),
	    cmocka_unit_test(test_lineedit_split_escape_sequences),
	    cmocka_unit_test(test_lineedit_control_strings_swallowed),
	    cmocka_unit_test(test_lineedit_history_up_down_keeps_typed_line),
	    cmocka_unit_test(test_lineedit_history_is_bounded),
	    cmocka_unit_test(test_lineedit_long_history_entry_cut_at_character),
	    cmocka_unit_test(test_lineedit_max_bytes_refused_with_bell),
	    cmocka_unit_test(test_lineedit_long_paste_rings_once_per_chunk),
	    cmocka_unit_test(test_lineedit_secret_echoes_nothing),
	    cmocka_unit_test(test_lineedit_tab_completion),
	    cmocka_unit_test(test_lineedit_horizontal_scroll_keeps_cursor_visible),
	    cmocka_unit_test(test_lineedit_prompt_colours_take_no_columns),
	    cmocka_unit_test(test_lineedit_bracketed_paste_is_text),
	    cmocka_unit_test(test_lineedit_full_line_cuts_a_paste),
	    cmocka_unit_test(test_lineedit_hide_and_redraw),
	    cmocka_unit_test(test_lineedit_resize_redraws_at_once),
	    cmocka_unit_test(test_lineedit_submitted_line_left_from_its_start),
	    cmocka_unit_test(test_lineedit_random_input_keeps_line_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
