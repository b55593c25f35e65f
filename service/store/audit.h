/* audit — the audit log's hash chain: how one event's hash is computed from its fields and the
 * hash of the event before it. Pure (no I/O); any thread. The store uses it when it appends an
 * event and when it verifies the chain; `audit verify` and the export reuse it.
 * All strings are borrowed for the duration of the call. */
#ifndef PROPDESK_AUDIT_H
#define PROPDESK_AUDIT_H

#include <stdint.h>

/* Hex digits of one hash (BLAKE2b-256); buffers hold AUDIT_HASH_HEX + 1 bytes. */
#define AUDIT_HASH_HEX 64

/* prev_hash of the first event: 64 '0'. */
extern const char audit_genesis_hash[AUDIT_HASH_HEX + 1];

/* The hashed fields of one event (every field except the hash itself). Any string may be
 * NULL, and NULL hashes differently from "". */
struct audit_record {
	int64_t seq;
	int64_t ts_ms;
	const char *account, *role, *session, *peer, *transport, *action, *target, *detail;
	const char *prev_hash;
};

/* hex = lowercase hex BLAKE2b-256 over an unambiguous encoding of r: a version tag, then
 * seq and ts_ms as 8-byte big-endian integers, then each string as a presence byte (0 NULL,
 * 1 present) followed, when present, by its length as an 8-byte big-endian integer and its
 * bytes. Returns 0, or -ENOMEM if libsodium cannot be initialised. */
int audit_hash(const struct audit_record *r, char hex[AUDIT_HASH_HEX + 1]);

#endif
