/* xalloc — see xalloc.h. */
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

char *xalloc_strdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		abort();
	return p;
}

char *xalloc_strndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		abort();
	return p;
}

void *xalloc_calloc(size_t n, size_t size)
{
	void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);

	if (p == NULL)
		abort();
	return p;
}
