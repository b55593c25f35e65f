/* buf — a growable byte buffer for terminal output and text assembly.
 * Any thread; a buf belongs to whoever embeds it. Out of memory aborts.
 * data is always NUL-terminated after a call that changes it (data may be NULL while cap == 0). */
#ifndef PROPDESK_BUF_H
#define PROPDESK_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
/* Frees the memory; b is left empty and reusable. */
void buf_free(struct buf *b);
/* Empties b but keeps its memory. */
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
/* Makes the capacity at least cap bytes (no doubling past it): for a buffer whose most is
 * known, so that it never holds twice that. */
void buf_reserve(struct buf *b, size_t cap);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Drops the first n bytes (n > len drops all). */
void buf_consume(struct buf *b, size_t n);
/* Returns a NUL-terminated string ("" when empty); owned by b. */
const char *buf_cstr(struct buf *b);
/* Returns the contents as a malloc'd NUL-terminated string owned by the caller; b is left empty. */
char *buf_steal(struct buf *b);

/* The errors of the INI parsers (catalog, suggestion rules, configuration), in one form. */
/* Keeps the first error of a parse: sets *err to the formatted, malloc'd message unless one
 * is set already. Returns 0, inih's value for "stop", so that the parser reports the line. */
int buf_first_error(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends "FILE:LINE: reason" (fallback when reason is NULL) to out. */
void buf_file_error(struct buf *out, const char *file, int line, const char *reason,
                    const char *fallback);

#endif
