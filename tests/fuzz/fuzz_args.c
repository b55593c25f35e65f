/* libFuzzer target for the command-line tokenizer and option parser (exec-mode command lines
 * come straight from the network): whatever comes in, args_split either fails cleanly or gives
 * at most ARGS_MAX_WORDS valid UTF-8 words; quoting those words with args_quote and splitting
 * again gives the same words back; args_parse and args_error never misbehave. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "buf.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct args_opt fuzz_args_spec[] = {
    {"role", ARGS_VALUE | ARGS_REQUIRED},
    {"display", ARGS_VALUE},
    {"json", 0},
    {"password-stdin", 0},
    {NULL, 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct args a, b;
	struct buf line, msg;
	size_t i, first;
	int rc;

	args_init(&a);
	args_init(&b);
	buf_init(&line);
	buf_init(&msg);
	rc = args_split(&a, (const char *)data, size, 4096);
	if (rc < 0) {
		if (a.nwords != 0)
			abort();
		args_error(&a, rc, "zh", &msg);
		if (!utf8_valid(msg.data, msg.len))
			abort();
		goto out;
	}
	if (size > 4096 || a.nwords > ARGS_MAX_WORDS)
		abort();
	for (i = 0; i < a.nwords; i++) {
		if (!utf8_valid(a.words[i], strlen(a.words[i])))
			abort();
		if (i)
			buf_putc(&line, ' ');
		args_quote(&line, a.words[i]);
	}
	if (args_split(&b, buf_cstr(&line), line.len, 0) != 0 || b.nwords != a.nwords)
		abort();
	for (i = 0; i < a.nwords; i++)
		if (strcmp(a.words[i], b.words[i]) != 0)
			abort();
	first = size > 0 ? data[0] % 3 : 0;
	if (first > a.nwords)
		first = a.nwords;
	rc = args_parse(&a, first, fuzz_args_spec, 1, 3);
	if (rc < 0) {
		args_error(&a, rc, "en", &msg);
		if (!utf8_valid(msg.data, msg.len) || memchr(msg.data, 0x1b, msg.len) != NULL)
			abort();
	} else {
		if (a.npos < 1 || a.npos > 3 || !args_has(&a, "role"))
			abort();
		if (args_get(&a, "role") == NULL)
			abort();
	}
out:
	buf_free(&line);
	buf_free(&msg);
	args_clear(&a);
	args_clear(&b);
	return 0;
}
