/* audit_seal — the pure part of the audit log's forward-secure sealing: the sealing key and its
 * ratchet (K(n+1) = BLAKE2b-256(tag || K(n))), the HMAC-SHA-256 of one seal over the head of
 * the chain, and the key file's text form. No I/O; any thread. The store's sealer
 * (store_seal.h) and the offline verifier use it; scripts/audit-verify-export.py is an
 * independent implementation of the same rules. Strings are borrowed for the call. */
#ifndef PROPDESK_AUDIT_SEAL_H
#define PROPDESK_AUDIT_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"

#define AUDIT_SEAL_KEY_BYTES 32
#define AUDIT_SEAL_MAC_HEX 64
/* The largest key file accepted (it is three short lines). */
#define AUDIT_SEAL_KEY_FILE_MAX 4096

/* A sealing key: K(index). */
struct audit_seal_key {
	int64_t index;
	unsigned char key[AUDIT_SEAL_KEY_BYTES];
};

/* One seal: the head (seq, hash) of the chain sealed by key n, chained to the seal before it
 * (prev_mac, 64 '0' for the first). every and interval_s record the policy in force, so that
 * a verifier knows how soon the tail should have been sealed. */
struct audit_seal {
	int64_t n;
	int64_t seq; /* 0: an empty log */
	int64_t ts_ms;
	int64_t every;
	int64_t interval_s;
	char hash[AUDIT_HASH_HEX + 1]; /* the event's hash (audit_genesis_hash for seq 0) */
	char prev_mac[AUDIT_SEAL_MAC_HEX + 1];
	char mac[AUDIT_SEAL_MAC_HEX + 1];
};

/* key = the next key; the old one is overwritten. */
void audit_seal_ratchet(unsigned char key[AUDIT_SEAL_KEY_BYTES]);
/* Moves k forward to index (>= k->index). */
void audit_seal_ratchet_to(struct audit_seal_key *k, int64_t index);
/* hex = HMAC-SHA-256 under key of an unambiguous encoding of s (every field but mac): a
 * version tag, then n, seq, ts_ms, every, interval_s as 8-byte big-endian integers, then hash
 * and prev_mac each as an 8-byte big-endian length and its bytes. 0, or -ENOMEM when
 * libsodium cannot start. */
int audit_seal_mac(const unsigned char key[AUDIT_SEAL_KEY_BYTES], const struct audit_seal *s,
                   char hex[AUDIT_SEAL_MAC_HEX + 1]);
/* True when s->mac is the MAC of s under key (constant time). */
int audit_seal_check(const unsigned char key[AUDIT_SEAL_KEY_BYTES], const struct audit_seal *s);

/* The key file:
 *     propdesk-audit-seal-key v1
 *     index N
 *     key 64-LOWERCASE-HEX
 * (lines end in "\n"; nothing else). out holds at least AUDIT_SEAL_KEY_FILE_MAX bytes;
 * returns the length written. */
size_t audit_seal_key_format(const struct audit_seal_key *k, char *out, size_t cap);
/* Parses a key file's text (untrusted: any bytes, len of them). 0, or -EINVAL. A trailing
 * "\r" on a line and a missing last "\n" are accepted. */
int audit_seal_key_parse(const char *text, size_t len, struct audit_seal_key *out);

#endif
