/* table — text tables aligned in display columns (a CJK character takes two), for the shell's
 * list output. Every cell is passed through utf8_sanitize (newlines and tabs become spaces),
 * so database text can be given as is. Pure; any thread. A table owns copies of its cells. */
#ifndef PROPDESK_TABLE_H
#define PROPDESK_TABLE_H

#include <stddef.h>

#include "buf.h"

struct table;

/* A table with ncols columns (1..32) and the given headers (ncols strings). */
struct table *table_new(size_t ncols, const char *const *headers);
/* NULL does nothing. */
void table_free(struct table *t);
/* Caps a column at max_cols display columns (>= 2): longer cells are cut and end in "…". */
void table_set_max_width(struct table *t, size_t col, size_t max_cols);
/* Adds a row of ncols cells (NULL cells print as empty). */
void table_add_row(struct table *t, const char *const *cells);
size_t table_rows(const struct table *t);
/* Appends the header, a rule and the rows, each line ending in "\n", columns separated by two
 * spaces, no trailing spaces. */
void table_render(const struct table *t, struct buf *out);
/* The same within cols display columns (0: no limit, as table_render): when the table is
 * wider, its widest columns are narrowed (down to 6 columns) and their cells folded at word
 * boundaries (wrap.h) over as many lines as the row needs, each line's cells still in their
 * columns. */
void table_render_fit(const struct table *t, size_t cols, struct buf *out);

#endif
