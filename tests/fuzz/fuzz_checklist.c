/* libFuzzer target for the quality checklist parser (etc/checklist.ini, and the versions the
 * store pinned): any bytes either parse into a checklist whose every item has a valid code,
 * both texts in valid UTF-8, a known section, a weight of 1..10 and a scale, and whose text is
 * the input; or give one error "NAME:LINE: reason" in valid UTF-8 with LINE within the input.
 * Scoring every item at every answer stays within its bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_checklist_score(const struct checklist *c)
{
	int answers[CHECKLIST_ITEMS_MAX];
	struct checklist_score s;
	size_t i;
	int v;

	for (v = -1; v <= 5; v++) {
		for (i = 0; i < c->nitems; i++)
			answers[i] = v;
		checklist_score(c, CHECKLIST_COMPLAINT, answers, &s);
		if (s.earned < 0 || s.earned > s.possible || s.pct_x10 < 0 || s.pct_x10 > 1000)
			abort();
		if (s.possible > 0 && s.answered == 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct checklist *c = NULL;
	char *err = NULL;
	size_t i, lines = 1;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	if (checklist_parse((const char *)data, size, "f.ini", &c, &err) == 0) {
		if (c == NULL || err != NULL || c->len != size ||
		    memcmp(c->text, data, size) != 0 || c->nitems == 0 || c->pass_pct < 0 ||
		    c->pass_pct > 100)
			abort();
		for (i = 0; i < c->nitems; i++) {
			const struct checklist_item *it = &c->items[i];

			if (it->section >= c->nsections || it->weight < 1 ||
			    it->weight > CHECKLIST_WEIGHT_MAX || it->code[0] < 'a' ||
			    it->code[0] > 'z' || !utf8_valid(it->text_zh, strlen(it->text_zh)) ||
			    !utf8_valid(it->text_en, strlen(it->text_en)) ||
			    (it->scale != CHECKLIST_YESNO && it->scale != CHECKLIST_FIVE))
				abort();
		}
		fuzz_checklist_score(c);
		checklist_free(c);
		return 0;
	}
	if (c != NULL || err == NULL || strncmp(err, "f.ini:", 6) != 0 ||
	    !utf8_valid(err, strlen(err)))
		abort();
	if (strtoul(err + 6, NULL, 10) > lines)
		abort();
	free(err);
	return 0;
}
