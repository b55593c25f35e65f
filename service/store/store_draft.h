/* store_draft — drafts of guided forms: a user's own unsubmitted form (`complaint new`),
 * saved after every step so that it survives a dropped connection, one per account and kind.
 * Not audited: nothing is changed until the form is submitted. Same threading as store.h; a
 * draft returned owns its data (store_draft_clear). Errors: 0 or a negative store error. */
#ifndef PROPDESK_STORE_DRAFT_H
#define PROPDESK_STORE_DRAFT_H

#include <stdint.h>

#include "store.h"

#define DRAFT_DATA_MAX 65536 /* bytes of a draft's data */

struct draft {
	char *data; /* the caller's JSON text */
	int step;
	int64_t updated_ms;
};

void store_draft_clear(struct draft *d);
/* Saves (replacing) account's draft of kind (an ASCII word such as "complaint"). data is
 * UTF-8 text up to DRAFT_DATA_MAX bytes. Not audited. */
int store_draft_save(struct store *st, const char *account, const char *kind, const char *data,
                     int step);
/* STORE_ENOENT when there is none. */
int store_draft_load(struct store *st, const char *account, const char *kind, struct draft *out);
/* STORE_ENOENT when there was none. */
int store_draft_delete(struct store *st, const char *account, const char *kind);

#endif
