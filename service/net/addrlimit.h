/* addrlimit — who may log in from where, as pure bookkeeping: connections still logging in per
 * source address (as OpenSSH's MaxStartups, with random early drop), failed logins per
 * (account name, source address) pair that slow and then lock that pair only, address penalty
 * scores that leak away over time, and trusted networks (CIDR lists, IPv4 and IPv6).
 * No I/O and no clock: callers pass the time (milliseconds, any monotonic origin) and, for the
 * early drop, a random value, so every rule is unit-tested (tests/unit/test_addrlimit.c).
 * One thread (the loop). A struct addrlimit owns its entries; strings passed in are copied. */
#ifndef PROPDESK_ADDRLIMIT_H
#define PROPDESK_ADDRLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest address text kept ("1.2.3.4", "2001:db8::1"), as addrlimit_peer_addr makes it. */
#define ADDRLIMIT_ADDR_MAX 64
/* The longest account name kept for a pair; longer names share the truncated key. */
#define ADDRLIMIT_NAME_MAX 128
/* (name, address) pairs remembered at most: past it, new pairs are not tracked (their
 * failures still count towards the address score). */
#define ADDRLIMIT_PAIRS_MAX 100000

/* ---- networks ------------------------------------------------------------------------- */

struct addrlimit_net {
	int family;          /* 4 or 6 */
	int bits;            /* prefix length */
	uint8_t addr[16];    /* network bytes (4 used for IPv4), host bits cleared */
};

/* "10.0.0.0/8", "192.0.2.7" (a /32), "2001:db8::/32", "::1". An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is taken as IPv4. 0, or -1 when it is not one. */
int addrlimit_net_parse(const char *text, struct addrlimit_net *out);
/* A list separated by commas and/or blanks; an empty list is fine. Returns the count with a
 * malloc'd array in *out (NULL when empty; caller frees), or -1 with the first bad word
 * copied into bad (badlen bytes, NUL-terminated) and *out untouched. */
int addrlimit_nets_parse(const char *list, struct addrlimit_net **out, char *bad, size_t badlen);
/* Is the address text (no port) inside one of the networks? False for text that is no
 * address. */
bool addrlimit_nets_match(const struct addrlimit_net *nets, size_t n, const char *addr);

/* ---- connections still logging in ----------------------------------------------------- */

/* start:rate:full as OpenSSH's MaxStartups: below start connections are admitted; from start
 * on a new one is dropped with probability rate % rising linearly to 100 % at full. */
struct addrlimit_startups {
	int start, rate, full;
};

/* "100:30:500" or "500" (start = full: no early drop). 0 or -1 (start <= full, 0..100). */
int addrlimit_startups_parse(const char *text, struct addrlimit_startups *out);
/* Should a new connection be dropped when n are logging in already? rnd is uniform over
 * uint32_t (the caller's random source, injected so that the choice can be tested). */
bool addrlimit_startups_drop(const struct addrlimit_startups *p, unsigned n, uint32_t rnd);

/* Where a connection still logging in stands. When its address is at its limit, a newer one
 * takes the place of the first of them in this order (oldest first within a stage): silent
 * (nothing received; the transport checks first that nothing waits unread), stuck in the key
 * exchange for ADDRLIMIT_EVICT_KEX_MS, failed a login (its answer may be being delayed).
 * Never one logging in (a person may be typing a password). */
enum addrlimit_stage {
	ADDRLIMIT_SILENT = 0,
	ADDRLIMIT_KEX,
	ADDRLIMIT_FAILED,
	ADDRLIMIT_AUTH,
	ADDRLIMIT_LOGGED_IN,
};

#define ADDRLIMIT_EVICT_KEX_MS 10000

/* May a connection in stage since since_ms make room now? */
bool addrlimit_evictable(enum addrlimit_stage stage, int64_t since_ms, int64_t now);
/* Of two evictable connections, should a (stage, since_ms) go before b? */
bool addrlimit_evict_before(enum addrlimit_stage a, int64_t a_since_ms, enum addrlimit_stage b,
			    int64_t b_since_ms);

/* ---- failures and penalties ----------------------------------------------------------- */

struct addrlimit_params {
	int max_failures;       /* failures of one (name, address) pair that lock it; 0 never */
	int64_t lockout_ms;     /* a pair's lock and an address's ban last this long; a pair's
				 * failures are forgotten this long after its last one */
	int64_t fail_delay_ms;  /* the first failure's answer delay, doubled with each one */
	int64_t fail_delay_max_ms;
	int addr_max_failures;  /* address score (rounded up) that bans password logins from it;
				 * 0 never */
	int64_t addr_decay_ms;  /* one failure leaks out of an address's score per this long */
};

struct addrlimit;

struct addrlimit *addrlimit_new(const struct addrlimit_params *p);
/* New parameters (a reload); the counts, locks and bans are kept. */
void addrlimit_set_params(struct addrlimit *al, const struct addrlimit_params *p);
/* NULL does nothing. */
void addrlimit_free(struct addrlimit *al);

/* Connections from addr still logging in, and overall. */
unsigned addrlimit_startups(const struct addrlimit *al, const char *addr);
unsigned addrlimit_startups_total(const struct addrlimit *al);
/* A connection from addr starts / stops logging in (logged in, or closed). */
void addrlimit_startup_begin(struct addrlimit *al, const char *addr);
void addrlimit_startup_end(struct addrlimit *al, const char *addr, int64_t now);

/* The answer delay of a pair's nth failure: fail_delay_ms * 2^(n-1), at most
 * fail_delay_max_ms (n <= 1: fail_delay_ms). */
int64_t addrlimit_delay_ms(const struct addrlimit *al, int n);
/* The pair's failures remembered now (0 when none), and whether it is locked (with the time
 * left). The same for any name, whether or not an account has it. */
int addrlimit_pair_failures(struct addrlimit *al, const char *name, const char *addr,
			    int64_t now);
bool addrlimit_pair_locked(struct addrlimit *al, const char *name, const char *addr, int64_t now,
			   int64_t *left_ms);

struct addrlimit_fail {
	int failures;          /* the pair's, this one included */
	int64_t delay_ms;      /* answer it after this long */
	bool pair_locked;      /* this failure locked the pair */
	bool addr_banned;      /* this failure banned the address */
	int addr_score;        /* the address's score after it (failures not yet forgiven,
				* rounded up) */
};

/* A failed password check of name from addr. trusted: the address is on a trusted network:
 * the failure slows its pair but never locks it and adds nothing to the address's score. A
 * failure of a pair already locked (checked while it locked) adds nothing to the score either:
 * a storm on one account is contained by its pair's lock. */
void addrlimit_failed(struct addrlimit *al, const char *name, const char *addr, bool trusted,
		      int64_t now, struct addrlimit_fail *out);
/* A right password: the pair is forgotten, and the failures it had added to the address's
 * score are taken back out (the typos of someone who then logged in; others' failures stay). */
void addrlimit_succeeded(struct addrlimit *al, const char *name, const char *addr, int64_t now);
/* Are password logins from addr banned now (with the time left)? */
bool addrlimit_addr_banned(struct addrlimit *al, const char *addr, int64_t now, int64_t *left_ms);
/* The address's penalty score now: failures not yet forgiven, rounded up (a failure being
 * forgiven still counts); the address is banned when it reaches addr_max_failures. */
int addrlimit_addr_score(struct addrlimit *al, const char *addr, int64_t now);

/* ---- admin ----------------------------------------------------------------------------- */

/* Forgets name's failures and locks from every address (and takes the failures they added out
 * of those addresses' scores, as a success would); returns how many pairs were locked. */
int addrlimit_unlock_account(struct addrlimit *al, const char *name, int64_t now);
/* Lifts addr's penalty (score and ban) and the locks of every pair at addr; addr NULL: of
 * every address. Returns how many bans and locks were lifted. */
int addrlimit_lift(struct addrlimit *al, const char *addr, int64_t now);

struct addrlimit_entry {
	const char *addr;
	const char *name;  /* NULL for an address's penalty, else the pair's account name */
	int failures;      /* the pair's failures, or the address's score */
	bool blocked;      /* the pair is locked / the address is banned */
	int64_t left_ms;   /* while blocked: time left */
};

/* Calls each (entries valid during the call) for every address with a score or a ban, then
 * every pair with failures, in no particular order; returns how many. Forgets what has run out
 * first. */
typedef void (*addrlimit_each_fn)(void *arg, const struct addrlimit_entry *e);
size_t addrlimit_list(struct addrlimit *al, int64_t now, addrlimit_each_fn each, void *arg);
/* Forgets what has run out (decayed scores, old failures, addresses with nothing left). */
void addrlimit_expire(struct addrlimit *al, int64_t now);
/* Entries held (addresses, pairs), for tests and the log. */
size_t addrlimit_naddrs(const struct addrlimit *al);
size_t addrlimit_npairs(const struct addrlimit *al);

/* Splits "host:port" / "[v6]:port" peer text into the address part ("-" for NULL). */
void addrlimit_peer_addr(const char *peer, char out[64]);

#endif
