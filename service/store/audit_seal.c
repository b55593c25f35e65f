/* audit_seal — keys, ratchet, seal MACs and the key file's text (see the header). */
#include "audit_seal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

static const char audit_seal_tag[] = "propdesk.seal.v1";
static const char audit_seal_ratchet_tag[] = "propdesk.seal.ratchet.v1";
static const char audit_seal_file_magic[] = "propdesk-audit-seal-key v1";

void audit_seal_ratchet(unsigned char key[AUDIT_SEAL_KEY_BYTES])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, AUDIT_SEAL_KEY_BYTES);
	crypto_generichash_update(&h, (const unsigned char *)audit_seal_ratchet_tag,
	                          sizeof audit_seal_ratchet_tag - 1);
	crypto_generichash_update(&h, key, AUDIT_SEAL_KEY_BYTES);
	crypto_generichash_final(&h, key, AUDIT_SEAL_KEY_BYTES);
	sodium_memzero(&h, sizeof h);
}

void audit_seal_ratchet_to(struct audit_seal_key *k, int64_t index)
{
	while (k->index < index) {
		audit_seal_ratchet(k->key);
		k->index++;
	}
}

static void audit_seal_put_u64(crypto_auth_hmacsha256_state *h, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_auth_hmacsha256_update(h, b, sizeof b);
}

static void audit_seal_put_str(crypto_auth_hmacsha256_state *h, const char *s)
{
	size_t len = strlen(s);

	audit_seal_put_u64(h, (uint64_t)len);
	crypto_auth_hmacsha256_update(h, (const unsigned char *)s, len);
}

static int audit_seal_mac_bin(const unsigned char key[AUDIT_SEAL_KEY_BYTES],
                              const struct audit_seal *s,
                              unsigned char out[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state h;

	if (sodium_init() < 0)
		return -ENOMEM;
	crypto_auth_hmacsha256_init(&h, key, AUDIT_SEAL_KEY_BYTES);
	audit_seal_put_str(&h, audit_seal_tag);
	audit_seal_put_u64(&h, (uint64_t)s->n);
	audit_seal_put_u64(&h, (uint64_t)s->seq);
	audit_seal_put_u64(&h, (uint64_t)s->ts_ms);
	audit_seal_put_u64(&h, (uint64_t)s->every);
	audit_seal_put_u64(&h, (uint64_t)s->interval_s);
	audit_seal_put_str(&h, s->hash);
	audit_seal_put_str(&h, s->prev_mac);
	crypto_auth_hmacsha256_final(&h, out);
	sodium_memzero(&h, sizeof h);
	return 0;
}

int audit_seal_mac(const unsigned char key[AUDIT_SEAL_KEY_BYTES], const struct audit_seal *s,
                   char hex[AUDIT_SEAL_MAC_HEX + 1])
{
	unsigned char out[crypto_auth_hmacsha256_BYTES];
	int rc = audit_seal_mac_bin(key, s, out);

	if (rc < 0)
		return rc;
	sodium_bin2hex(hex, AUDIT_SEAL_MAC_HEX + 1, out, sizeof out);
	return 0;
}

int audit_seal_check(const unsigned char key[AUDIT_SEAL_KEY_BYTES], const struct audit_seal *s)
{
	unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	size_t n = 0;

	if (audit_seal_mac_bin(key, s, want) < 0)
		return 0;
	if (strlen(s->mac) != AUDIT_SEAL_MAC_HEX ||
	    sodium_hex2bin(got, sizeof got, s->mac, AUDIT_SEAL_MAC_HEX, NULL, &n, NULL) != 0 ||
	    n != sizeof got)
		return 0;
	return sodium_memcmp(want, got, sizeof got) == 0;
}

size_t audit_seal_key_format(const struct audit_seal_key *k, char *out, size_t cap)
{
	char hex[AUDIT_SEAL_KEY_BYTES * 2 + 1];
	int n;

	sodium_bin2hex(hex, sizeof hex, k->key, sizeof k->key);
	n = snprintf(out, cap, "%s\nindex %lld\nkey %s\n", audit_seal_file_magic,
	             (long long)k->index, hex);
	sodium_memzero(hex, sizeof hex);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* The next line of text[*pos..len) into line (at most cap - 1 bytes, no NUL inside): false
 * when there is none, it is too long or holds a NUL. */
static bool audit_seal_line(const char *text, size_t len, size_t *pos, char *line, size_t cap)
{
	size_t i = *pos, n = 0;

	if (i >= len)
		return false;
	while (i < len && text[i] != '\n') {
		if (text[i] == '\0' || n + 1 >= cap)
			return false;
		line[n++] = text[i++];
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	*pos = i < len ? i + 1 : i;
	return true;
}

int audit_seal_key_parse(const char *text, size_t len, struct audit_seal_key *out)
{
	char line[160];
	size_t pos = 0, n = 0;
	long long index = 0;
	int rc = -EINVAL, used = 0;

	memset(out, 0, sizeof *out);
	if (len > AUDIT_SEAL_KEY_FILE_MAX)
		return -EINVAL;
	if (!audit_seal_line(text, len, &pos, line, sizeof line) ||
	    strcmp(line, audit_seal_file_magic) != 0)
		goto out;
	if (!audit_seal_line(text, len, &pos, line, sizeof line) ||
	    strncmp(line, "index ", 6) != 0 ||
	    sscanf(line, "index %18lld%n", &index, &used) != 1 || (size_t)used != strlen(line) ||
	    index < 0 || line[6] < '0' || line[6] > '9')
		goto out;
	if (!audit_seal_line(text, len, &pos, line, sizeof line) || strncmp(line, "key ", 4) != 0 ||
	    strlen(line + 4) != AUDIT_SEAL_KEY_BYTES * 2)
		goto out;
	for (size_t i = 4; line[i] != '\0'; i++)
		if (!((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f')))
			goto out;
	if (sodium_hex2bin(out->key, sizeof out->key, line + 4, AUDIT_SEAL_KEY_BYTES * 2, NULL,
	                   &n, NULL) != 0 ||
	    n != sizeof out->key)
		goto out;
	/* Nothing after the three lines but an empty end. */
	while (pos < len && (text[pos] == '\n' || text[pos] == '\r'))
		pos++;
	if (pos != len)
		goto out;
	out->index = index;
	rc = 0;
out:
	sodium_memzero(line, sizeof line);
	if (rc < 0)
		sodium_memzero(out, sizeof *out);
	return rc;
}
