/* libFuzzer target for the audit key file's parser (an auditor's key comes on an SSH client's
 * stdin with `audit verify --key-stdin`, the key state from a file): any bytes give a key or
 * -EINVAL, never a crash; a key it accepts formats back to text that parses to the same key,
 * and that text is what was given, but for \r before a newline and empty lines at the end. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit_seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_seal_key k, back;
	char text[AUDIT_SEAL_KEY_FILE_MAX];
	size_t len;
	int rc = audit_seal_key_parse((const char *)data, size, &k);

	if (rc != 0 && rc != -EINVAL)
		abort();
	if (rc != 0)
		return 0;
	if (k.index < 0)
		abort();
	len = audit_seal_key_format(&k, text, sizeof text);
	if (len == 0 || len > size + 1)
		abort();
	if (audit_seal_key_parse(text, len, &back) != 0 || back.index != k.index ||
	    memcmp(back.key, k.key, sizeof k.key) != 0)
		abort();
	/* Seals made and checked under it agree. */
	{
		struct audit_seal s;

		memset(&s, 0, sizeof s);
		s.n = k.index;
		memset(s.hash, 'a', AUDIT_HASH_HEX);
		memset(s.prev_mac, '0', AUDIT_SEAL_MAC_HEX);
		if (audit_seal_mac(k.key, &s, s.mac) != 0 || !audit_seal_check(k.key, &s))
			abort();
		audit_seal_ratchet(back.key);
		if (audit_seal_check(back.key, &s))
			abort();
	}
	return 0;
}
