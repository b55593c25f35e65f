/* libFuzzer target for the bounded regex module (patterns are typed by users in `complaint
 * search` and written in etc/suggest.ini): the input is a flag byte, then a pattern and a
 * subject separated by the first NUL byte. Whatever comes in, rx_new either compiles or fails
 * with a message, and rx_match answers 1, 0 or an RX_E* error without crashing or running
 * away (the match limits bound the time libFuzzer measures). The literal rx_literal_required
 * reads from the pattern (what an index is asked for before the pattern runs) is in every
 * subject the pattern matches. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"
#include "rx_literal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_rx_contains(const uint8_t *hay, size_t n, const char *needle, size_t k)
{
	return memmem(hay, n, needle, k) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul;
	char *pattern, *err = NULL, lit[1100];
	size_t lit_len;
	size_t plen;
	unsigned flags;
	struct rx *r;
	int rc;

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? RX_CASELESS : 0;
	data++;
	size--;
	nul = memchr(data, 0, size);
	plen = nul ? (size_t)(nul - data) : size;
	pattern = malloc(plen + 1);
	if (pattern == NULL)
		abort();
	memcpy(pattern, data, plen);
	pattern[plen] = '\0';
	r = rx_new(pattern, flags, &err);
	if (r == NULL) {
		if (err == NULL)
			abort(); /* a refusal always says why */
		free(err);
		free(pattern);
		return 0;
	}
	if (err != NULL)
		abort();
	rc = nul ? rx_match(r, (const char *)nul + 1, size - plen - 1) : rx_match(r, "", 0);
	if (rc != 0 && rc != 1 && rc != RX_ELIMIT && rc != RX_EUTF && rc != RX_ENOMEM)
		abort();
	lit_len = rx_literal_required(pattern, flags, lit, sizeof lit);
	if (lit_len != strlen(lit) || lit_len > plen)
		abort();
	if (rc == 1 && lit_len > 0 &&
	    (nul == NULL ? 1 : !fuzz_rx_contains(nul + 1, size - plen - 1, lit, lit_len)))
		abort(); /* a match without the literal: the index would have missed it */
	/* Used again: the cached match data and JIT stack stay good. */
	rc = rx_match(r, pattern, plen);
	if (rc != 0 && rc != 1 && rc != RX_ELIMIT && rc != RX_EUTF && rc != RX_ENOMEM)
		abort();
	if (rc == 1 && lit_len > 0 &&
	    !fuzz_rx_contains((const uint8_t *)pattern, plen, lit, lit_len))
		abort();
	if (rx_strerror(rc, "zh") == NULL)
		abort();
	rx_free(r);
	free(pattern);
	return 0;
}
