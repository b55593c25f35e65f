/* audit — BLAKE2b-256 hash chain over audit events. */
#include "audit.h"

#include <errno.h>
#include <string.h>

#include <sodium.h>

/* Changing the encoding means changing this tag (and keeping the old one for old events). */
static const char audit_tag[] = "propdesk.audit.v1";

const char audit_genesis_hash[AUDIT_HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void audit_put_u64(crypto_generichash_state *h, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_generichash_update(h, b, sizeof b);
}

static void audit_put_str(crypto_generichash_state *h, const char *s)
{
	unsigned char present = s != NULL;
	size_t len;

	crypto_generichash_update(h, &present, 1);
	if (s == NULL)
		return;
	len = strlen(s);
	audit_put_u64(h, (uint64_t)len);
	crypto_generichash_update(h, (const unsigned char *)s, len);
}

int audit_hash(const struct audit_record *r, char hex[AUDIT_HASH_HEX + 1])
{
	crypto_generichash_state h;
	unsigned char out[AUDIT_HASH_HEX / 2];

	if (sodium_init() < 0)
		return -ENOMEM;
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	audit_put_str(&h, audit_tag);
	audit_put_u64(&h, (uint64_t)r->seq);
	audit_put_u64(&h, (uint64_t)r->ts_ms);
	audit_put_str(&h, r->account);
	audit_put_str(&h, r->role);
	audit_put_str(&h, r->session);
	audit_put_str(&h, r->peer);
	audit_put_str(&h, r->transport);
	audit_put_str(&h, r->action);
	audit_put_str(&h, r->target);
	audit_put_str(&h, r->detail);
	audit_put_str(&h, r->prev_hash);
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(hex, AUDIT_HASH_HEX + 1, out, sizeof out);
	return 0;
}
