/* libFuzzer target for the move-in rules parser (etc/movein.ini, edited by a company's staff):
 * any bytes either parse into a rule set whose every entry has a code, both names and, for a
 * document, who brings it, or give one error "NAME:LINE: reason" in valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "movein_rules.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct movein_rules *r = NULL;
	char *text, *err = NULL;
	size_t k, i;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (movein_rules_parse("fuzz.ini", text, &r, &err) == 0) {
		if (r == NULL || err != NULL)
			abort();
		for (k = 0; k < MOVEIN_RULES_NKINDS; k++)
			for (i = 0; i < r->n[k]; i++) {
				const struct movein_rules_entry *e = &r->e[k][i];

				if (e->code == NULL || e->zh == NULL || e->en == NULL ||
				    (k == MOVEIN_RULES_DOC && e->housing == 0) ||
				    movein_rules_find(r, (enum movein_rules_kind)k, e->code) == NULL)
					abort();
				if (k == MOVEIN_RULES_FEE && movein_rules_fee_due(e, 123.45, false) < 0)
					abort();
			}
		movein_rules_free(r);
	} else {
		if (r != NULL || err == NULL || strncmp(err, "fuzz.ini", 8) != 0 ||
		    !utf8_valid(err, strlen(err)))
			abort();
		free(err);
	}
	free(text);
	return 0;
}
