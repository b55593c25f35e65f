/* xalloc — allocation that cannot fail: out of memory aborts (the service cannot go on
 * safely without memory, and every caller checking for it is code no test reaches). */
#ifndef PROPDESK_XALLOC_H
#define PROPDESK_XALLOC_H

#include <stddef.h>

/* A copy of s; NULL for NULL. */
char *xalloc_strdup(const char *s);
/* At most n bytes of s, terminated. */
char *xalloc_strndup(const char *s, size_t n);
/* n zeroed objects of size bytes (n * size checked for overflow). */
void *xalloc_calloc(size_t n, size_t size);

#endif
