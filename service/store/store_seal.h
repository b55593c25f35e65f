/* store_seal — forward-secure sealing of the audit log, and its verification. Every N events
 * (inside the transaction that reaches N) or every interval (store_seal_now, from a timer) the
 * head of the hash chain (seq, hash) is sealed with HMAC-SHA-256 under the current sealing key
 * K(n) into the table audit_seals; once that commits the key ratchets to K(n+1) = H(K(n)) in
 * the key state file (0600, outside the database, rewritten and synced) and K(n) is wiped, so
 * a key stolen later cannot reseal what was sealed before. The auditors keep K(0), which
 * `propdeskd audit init-key` made (store_seal_init), and with it prove every seal.
 * The sealer belongs to the writing connection (loop thread); verification runs on any
 * connection (a read-only one on the thread pool), in steps. Paths are borrowed. */
#ifndef PROPDESK_STORE_SEAL_H
#define PROPDESK_STORE_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_seal.h"
#include "store.h"

/* Told of each seal once it is committed (for the log output); s is valid during the call.
 * err is 0, or < 0 when the ratcheted key could not be written (then said in why). */
typedef void (*store_seal_log_fn)(void *arg, const struct audit_seal *s, int err,
                                  const char *why);

/* Sets sealing up: a new random K(0), seal #0 over the current head (with an audit event
 * "audit.seal.init" by ctx), then K(1) in the key state file at path (created 0600; it must
 * not exist). k0 gets K(0), for the auditors. 0, -EEXIST (the file exists), STORE_EEXIST
 * (the database is sealed already) or < 0. */
int store_seal_init(struct store *st, const char *path, const struct audit_ctx *ctx,
                    int64_t every, int64_t interval_s, struct audit_seal_key *k0);
/* Attaches the sealer to st with the key state at path: a seal every `every` events (at the
 * commit that reaches them) and, through store_seal_now, every interval_s. A state left
 * behind by a crash between a seal's commit and the key's rewrite is moved forward.
 * 0; STORE_ENOENT when path does not exist (sealing not set up); STORE_ESTATE when the
 * database has no seal #0 (the key file is another desk's); < 0. */
int store_seal_attach(struct store *st, const char *path, int64_t every, int64_t interval_s,
                      store_seal_log_fn log, void *arg);
/* A new policy for the attached sealer (a reload): the next seal follows it. */
void store_seal_set_policy(struct store *st, int64_t every, int64_t interval_s);
/* Seals the head now if events came after the last seal (its own transaction). 0 (also when
 * nothing was due), STORE_ENOENT without a sealer, or < 0. */
int store_seal_now(struct store *st);
/* The key state file of st's sealer (borrowed), or NULL when none is attached. */
const char *store_seal_path(const struct store *st);
/* Wipes the key and detaches; also done by store_close. */
void store_seal_detach(struct store *st);

/* Reads a key file (the state or the auditors' copy): 0, -ENOENT, -EINVAL (not a key file),
 * -EFBIG, or -errno. */
int store_seal_key_read(const char *path, struct audit_seal_key *out);
/* Writes k to path atomically (a temporary file 0600, synced, renamed, the directory synced);
 * excl: fails with -EEXIST if path exists. 0 or -errno. */
int store_seal_key_write(const char *path, const struct audit_seal_key *k, bool excl);

/* What verification found. */
enum store_seal_fault {
	STORE_SEAL_OK = 0,
	STORE_SEAL_ALTERED,   /* an event's fields no longer give its hash */
	STORE_SEAL_INSERTED,  /* an event not chained by the one after it */
	STORE_SEAL_DELETED,   /* an event missing (a gap, or chained to an event not there) */
	STORE_SEAL_REORDERED, /* two events swapped */
	STORE_SEAL_TRUNCATED, /* events or seals removed from the end */
	STORE_SEAL_REBUILT,   /* a seal does not match the chain: the chain was recomputed */
	STORE_SEAL_FORGED,    /* a seal's MAC is not K(n)'s: resealed with another key, or the
			       * wrong key */
	STORE_SEAL_MISSING,   /* a seal is missing */
	STORE_SEAL_UNSEALED,  /* the tail should have been sealed by now */
	STORE_SEAL_KEYSTATE,  /* the key state file is not K(m) of the auditors' key */
};
/* "altered", "inserted", ... */
const char *store_seal_fault_name(int fault);

/* A verification in steps. The caller zeroes it and sets the inputs, calls
 * store_seal_verify_begin once and store_seal_verify_step until done (each step on any
 * connection to the same database; the log's head is taken at begin, so a log still being
 * written is verified up to there), then store_seal_verify_clear. */
struct store_seal_verify {
	/* inputs */
	int64_t from_seq;              /* first event checked (0 or 1: all); the chain before it is
				        * taken as stored */
	bool have_key;                 /* key: the auditors' K(i), i <= every seal checked */
	struct audit_seal_key key;
	bool have_state;               /* state: the daemon's current key, read before begin */
	struct audit_seal_key state;
	int64_t now_ms;
	/* progress */
	int64_t head_seq, next_seq, checked, total;
	size_t nseals, seals_checked;
	bool done;
	/* the result, when done */
	int fault;             /* enum store_seal_fault */
	int64_t bad_seq;       /* the first broken event (0: none or not an event's) */
	int64_t bad_seal;      /* the seal concerned, or -1 */
	char detail[256];      /* in English, for the log and --json */
	int64_t sealed_seq;    /* the last event covered by a seal (0: none) */
	int64_t unsealed;      /* events after it */
	/* inside */
	struct audit_seal *seals;
	size_t si;
	char prev[AUDIT_HASH_HEX + 1], prev2[AUDIT_HASH_HEX + 1];
	bool have_prev2;
	int64_t first_late; /* the first event since the last seal passed that is later than the
			     * next seal (0: none): sealed events replaced after a truncation */
};
int store_seal_verify_begin(struct store *st, struct store_seal_verify *v);
/* Checks up to max_rows more events (and the seals they reach). 0 or < 0 (a database error). */
int store_seal_verify_step(struct store *st, struct store_seal_verify *v, int64_t max_rows);
void store_seal_verify_clear(struct store_seal_verify *v);

/* Seals with n >= from_n, by n, at most limit (for export): *out malloc'd (free). */
int store_seal_list(struct store *st, int64_t after_seq, int64_t upto_seq, size_t limit,
                    struct audit_seal **out, size_t *n);

#endif
