/* table — aligned text tables. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

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
