/* table — aligned text tables. */
#include "table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "wrap.h"

#define TABLE_MAX_COLS 32

struct table {
	size_t ncols;
	size_t nrows; /* rows including the header */
	size_t cap;
	char **cells; /* nrows * ncols sanitized cells */
	size_t max[TABLE_MAX_COLS];
};

static void *table_xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL)
		abort();
	return p;
}

/* Sanitized (and, with max_cols, cut) copy of s. */
static char *table_cell_copy(const char *s, size_t max_cols)
{
	struct buf b;
	size_t w;

	buf_init(&b);
	utf8_sanitize(&b, s ? s : "", s ? strlen(s) : 0, 0);
	w = utf8_width(buf_cstr(&b), b.len);
	if (max_cols >= 2 && w > max_cols) {
		size_t keep = utf8_prefix_for_width(b.data, b.len, max_cols - 1);

		b.len = keep;
		b.data[keep] = '\0';
		buf_puts(&b, "\xe2\x80\xa6"); /* … */
	}
	buf_cstr(&b);
	return buf_steal(&b);
}

static void table_push_row(struct table *t, const char *const *cells)
{
	size_t i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = table_xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = table_cell_copy(cells[i], t->max[i]);
	t->nrows++;
}

struct table *table_new(size_t ncols, const char *const *headers)
{
	struct table *t;

	if (ncols == 0 || ncols > TABLE_MAX_COLS)
		abort();
	t = calloc(1, sizeof *t);
	if (t == NULL)
		abort();
	t->ncols = ncols;
	table_push_row(t, headers);
	return t;
}

void table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void table_set_max_width(struct table *t, size_t col, size_t max_cols)
{
	size_t r;

	if (col >= t->ncols)
		return;
	t->max[col] = max_cols;
	for (r = 0; r < t->nrows; r++) {
		char **c = &t->cells[r * t->ncols + col];
		char *cut = table_cell_copy(*c, max_cols);

		free(*c);
		*c = cut;
	}
}

void table_add_row(struct table *t, const char *const *cells)
{
	table_push_row(t, cells);
}

size_t table_rows(const struct table *t)
{
	return t->nrows - 1;
}

static void table_spaces(struct buf *out, size_t n)
{
	while (n-- > 0)
		buf_putc(out, ' ');
}

void table_render(const struct table *t, struct buf *out)
{
	size_t width[TABLE_MAX_COLS] = {0};
	size_t r, c, total = 0;

	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t w = utf8_width(s, strlen(s));

			if (w > width[c])
				width[c] = w;
		}
	}
	for (c = 0; c < t->ncols; c++)
		total += width[c] + (c ? 2 : 0);
	for (r = 0; r < t->nrows; r++) {
		size_t last = t->ncols;

		/* Trailing empty cells print nothing (no trailing spaces). */
		while (last > 1 && t->cells[r * t->ncols + last - 1][0] == '\0')
			last--;
		for (c = 0; c < last; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (c > 0)
				buf_puts(out, "  ");
			buf_puts(out, s);
			if (c + 1 < last)
				table_spaces(out, width[c] - utf8_width(s, strlen(s)));
		}
		buf_putc(out, '\n');
		if (r == 0) {
			for (c = 0; c < total; c++)
				buf_putc(out, '-');
			buf_putc(out, '\n');
		}
	}
}

/* Line n (from 0) of folded text: its start and length, or NULL past the last. */
static const char *table_piece_line(const struct buf *b, size_t n, size_t *len)
{
	const char *p = b->data != NULL ? b->data : "";
	const char *nl;

	for (; n > 0; n--) {
		p = strchr(p, '\n');
		if (p == NULL)
			return NULL;
		p++;
	}
	nl = strchr(p, '\n');
	*len = nl != NULL ? (size_t)(nl - p) : strlen(p);
	return p;
}

/* Whether a column's cells fold at words: one of them has a space or a wide character. */
static bool table_column_folds(const struct table *t, size_t c)
{
	size_t r;

	for (r = 1; r < t->nrows; r++) {
		const char *s = t->cells[r * t->ncols + c];

		if (strchr(s, ' ') != NULL || utf8_width(s, strlen(s)) != strlen(s))
			return true;
	}
	return false;
}

/* A table too wide for cols even with its texts folded: each row as one record, its cells
 * side by side and folded between cells (a cell wider than a line at its words), the lines
 * after a row's first indented by two. */
static void table_render_records(const struct table *t, size_t cols, struct buf *out)
{
	size_t r, c, i;

	for (r = 0; r < t->nrows; r++) {
		size_t col = 0;

		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t w = utf8_width(s, strlen(s));

			if (s[0] == '\0')
				continue;
			if (col > 0 && col + 2 + w > cols) {
				buf_puts(out, "\n  ");
				col = 2;
			} else if (col > 0) {
				buf_puts(out, "  ");
				col += 2;
			}
			if (col + w > cols) {
				struct buf f;
				const char *nl;

				buf_init(&f);
				wrap_text(&f, s, strlen(s), cols, col, "  ");
				buf_append(out, f.data, f.len);
				nl = strrchr(buf_cstr(&f), '\n');
				col = nl != NULL ? utf8_width(nl + 1, strlen(nl + 1))
				                 : col + utf8_width(buf_cstr(&f), f.len);
				buf_free(&f);
			} else {
				buf_puts(out, s);
				col += w;
			}
		}
		buf_putc(out, '\n');
		if (r == 0) {
			for (i = 0; i < cols; i++)
				buf_putc(out, '-');
			buf_putc(out, '\n');
		}
	}
}

/* The narrowest a folding column is made to fit a width. */
#define TABLE_FIT_MIN 8

void table_render_fit(const struct table *t, size_t cols, struct buf *out)
{
	size_t width[TABLE_MAX_COLS] = {0}, floor_w[TABLE_MAX_COLS];
	size_t r, c, total = 0;
	struct buf piece[TABLE_MAX_COLS];

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t w = utf8_width(s, strlen(s));

			if (w > width[c])
				width[c] = w;
		}
	for (c = 0; c < t->ncols; c++)
		total += width[c] + (c ? 2 : 0);
	if (cols == 0 || total <= cols) {
		table_render(t, out);
		return;
	}
	/* Narrow the widest columns that fold (text with spaces or Chinese), a column at a time,
	 * down to TABLE_FIT_MIN; codes, dates and counts are never cut. */
	for (c = 0; c < t->ncols; c++)
		floor_w[c] = table_column_folds(t, c) && width[c] > TABLE_FIT_MIN ? TABLE_FIT_MIN
		                                                                  : width[c];
	while (total > cols) {
		size_t best = t->ncols;

		for (c = 0; c < t->ncols; c++)
			if (width[c] > floor_w[c] && (best == t->ncols || width[c] > width[best]))
				best = c;
		if (best == t->ncols)
			break;
		width[best]--;
		total--;
	}
	if (total > cols) {
		table_render_records(t, cols, out);
		return;
	}
	for (c = 0; c < t->ncols; c++)
		buf_init(&piece[c]);
	for (r = 0; r < t->nrows; r++) {
		size_t last = t->ncols, line, lines = 1;

		while (last > 1 && t->cells[r * t->ncols + last - 1][0] == '\0')
			last--;
		/* Each cell folded at words into its column: a row takes as many lines as its
		 * longest cell. */
		for (c = 0; c < last; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t n;

			buf_reset(&piece[c]);
			n = wrap_text(&piece[c], s, strlen(s), width[c], 0, NULL);
			buf_cstr(&piece[c]);
			if (n > lines)
				lines = n;
		}
		for (line = 0; line < lines; line++) {
			size_t end = last, len;

			/* Cells with nothing on this line at the end of the row print nothing. */
			while (end > 1 && (table_piece_line(&piece[end - 1], line, &len) == NULL ||
			                   len == 0))
				end--;
			for (c = 0; c < end; c++) {
				const char *p = table_piece_line(&piece[c], line, &len);
				size_t w;

				if (p == NULL) {
					p = "";
					len = 0;
				}
				if (c > 0)
					buf_puts(out, "  ");
				buf_append(out, p, len);
				w = utf8_width(p, len);
				if (c + 1 < end && w < width[c])
					table_spaces(out, width[c] - w);
			}
			buf_putc(out, '\n');
		}
		if (r == 0) {
			for (c = 0; c < total; c++)
				buf_putc(out, '-');
			buf_putc(out, '\n');
		}
	}
	for (c = 0; c < t->ncols; c++)
		buf_free(&piece[c]);
}
