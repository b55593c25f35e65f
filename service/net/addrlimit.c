/* addrlimit — connections logging in, failed-login penalties and trusted networks, as pure
 * bookkeeping (see addrlimit.h). Two chained hash tables: addresses, and (name, address)
 * pairs. */
#include "addrlimit.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A pair's failures are remembered this long when lockout is 0 (delays still grow). */
#define ADDRLIMIT_REMEMBER_DEFAULT_MS (15 * 60 * 1000)

struct addrlimit_addr {
	struct addrlimit_addr *next;
	uint32_t hash;
	char addr[ADDRLIMIT_ADDR_MAX];
	unsigned startups;
	double score;         /* as of score_ms */
	int64_t score_ms;
	int64_t banned_until; /* 0: not banned */
};

struct addrlimit_pair {
	struct addrlimit_pair *next;
	uint32_t hash;
	char name[ADDRLIMIT_NAME_MAX + 1];
	char addr[ADDRLIMIT_ADDR_MAX];
	int failures;
	int scored;      /* failures it added to the address's score */
	bool trusted;    /* from a trusted network: slowed, never locked */
	int64_t last_ms; /* its last failure */
};

struct addrlimit {
	struct addrlimit_params p;
	struct addrlimit_addr **addrs;
	size_t naddr_buckets, naddrs;
	struct addrlimit_pair **pairs;
	size_t npair_buckets, npairs;
	unsigned startups_total;
};

/* ---- networks ------------------------------------------------------------------------- */

/* Address text to bytes: 4 or 6 in *family, IPv4-mapped IPv6 as IPv4. 0 or -1. */
static int addrlimit_addr_bytes(const char *text, int *family, uint8_t out[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	uint8_t b[16];

	if (inet_pton(AF_INET, text, b) == 1) {
		memset(out, 0, 16);
		memcpy(out, b, 4);
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, b) == 1) {
		memset(out, 0, 16);
		if (memcmp(b, mapped, sizeof mapped) == 0) {
			memcpy(out, b + 12, 4);
			*family = 4;
		} else {
			memcpy(out, b, 16);
			*family = 6;
		}
		return 0;
	}
	return -1;
}

static void addrlimit_mask(uint8_t addr[16], int bits)
{
	int i;

	for (i = 0; i < 16; i++) {
		int keep = bits - i * 8;

		if (keep >= 8)
			continue;
		addr[i] = keep <= 0 ? 0 : (uint8_t)(addr[i] & (0xff << (8 - keep)));
	}
}

int addrlimit_net_parse(const char *text, struct addrlimit_net *out)
{
	char host[ADDRLIMIT_ADDR_MAX];
	const char *slash = strchr(text, '/');
	size_t hl = slash != NULL ? (size_t)(slash - text) : strlen(text);
	bool v6text;
	int family, bits, max;

	if (hl == 0 || hl >= sizeof host)
		return -1;
	memcpy(host, text, hl);
	host[hl] = '\0';
	v6text = strchr(host, ':') != NULL;
	if (addrlimit_addr_bytes(host, &family, out->addr) < 0)
		return -1;
	max = family == 4 ? 32 : 128;
	bits = max;
	if (slash != NULL) {
		const char *p = slash + 1;
		long n = 0;

		if (*p == '\0' || strlen(p) > 3)
			return -1;
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p))
				return -1;
			n = n * 10 + (*p - '0');
		}
		/* ::ffff:10.0.0.0/104 is 10.0.0.0/8. */
		if (v6text && family == 4)
			n -= 96;
		if (n < 0 || n > max)
			return -1;
		bits = (int)n;
	}
	out->family = family;
	out->bits = bits;
	addrlimit_mask(out->addr, bits);
	return 0;
}

int addrlimit_nets_parse(const char *list, struct addrlimit_net **out, char *bad, size_t badlen)
{
	struct addrlimit_net *nets = NULL, net;
	const char *p = list;
	int n = 0;

	while (p != NULL && *p != '\0') {
		char word[ADDRLIMIT_ADDR_MAX + 8];
		size_t len;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, ", \t\r\n");
		if (len < sizeof word) {
			memcpy(word, p, len);
			word[len] = '\0';
		}
		if (len >= sizeof word || addrlimit_net_parse(word, &net) < 0) {
			if (badlen > 0)
				snprintf(bad, badlen, "%.*s", (int)(len < 200 ? len : 200), p);
			free(nets);
			return -1;
		}
		nets = realloc(nets, (size_t)(n + 1) * sizeof *nets);
		if (nets == NULL)
			abort();
		nets[n++] = net;
		p += len;
	}
	*out = nets;
	return n;
}

bool addrlimit_nets_match(const struct addrlimit_net *nets, size_t n, const char *addr)
{
	uint8_t b[16];
	int family;
	size_t i;

	if (n == 0 || addr == NULL || addrlimit_addr_bytes(addr, &family, b) < 0)
		return false;
	for (i = 0; i < n; i++) {
		uint8_t m[16];

		if (nets[i].family != family)
			continue;
		memcpy(m, b, 16);
		addrlimit_mask(m, nets[i].bits);
		if (memcmp(m, nets[i].addr, 16) == 0)
			return true;
	}
	return false;
}

/* ---- early drop ----------------------------------------------------------------------- */

static int addrlimit_number(const char **p, long max, long *out)
{
	long n = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		n = n * 10 + (**p - '0');
		if (n > max)
			return -1;
		(*p)++;
	}
	*out = n;
	return 0;
}

int addrlimit_startups_parse(const char *text, struct addrlimit_startups *out)
{
	const char *p = text;
	long start, rate, full;

	if (addrlimit_number(&p, 1000000, &start) < 0)
		return -1;
	if (*p == '\0') {
		if (start < 1)
			return -1;
		out->start = out->full = (int)start;
		out->rate = 100;
		return 0;
	}
	if (*p++ != ':' || addrlimit_number(&p, 100, &rate) < 0 || *p++ != ':' ||
	    addrlimit_number(&p, 1000000, &full) < 0 || *p != '\0')
		return -1;
	if (start < 1 || full < start)
		return -1;
	out->start = (int)start;
	out->rate = (int)rate;
	out->full = (int)full;
	return 0;
}

bool addrlimit_startups_drop(const struct addrlimit_startups *p, unsigned n, uint32_t rnd)
{
	uint64_t pct, roll;

	if (n >= (unsigned)p->full)
		return true;
	if (n < (unsigned)p->start)
		return false;
	pct = (uint64_t)p->rate +
	      (uint64_t)(100 - p->rate) * (n - (unsigned)p->start) / (unsigned)(p->full - p->start);
	roll = ((uint64_t)rnd * 100) >> 32; /* 0..99, uniform */
	return roll < pct;
}

/* ---- making room ---------------------------------------------------------------------- */

bool addrlimit_evictable(enum addrlimit_stage stage, int64_t since_ms, int64_t now)
{
	switch (stage) {
	case ADDRLIMIT_SILENT:
	case ADDRLIMIT_FAILED:
		return true;
	case ADDRLIMIT_KEX:
		return now - since_ms >= ADDRLIMIT_EVICT_KEX_MS;
	default:
		return false;
	}
}

bool addrlimit_evict_before(enum addrlimit_stage a, int64_t a_since_ms, enum addrlimit_stage b,
			    int64_t b_since_ms)
{
	return a < b || (a == b && a_since_ms < b_since_ms);
}

/* ---- tables --------------------------------------------------------------------------- */

static uint32_t addrlimit_hash(const char *a, const char *b)
{
	uint32_t h = 2166136261u;

	for (; *a; a++)
		h = (h ^ (uint8_t)*a) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (; b != NULL && *b; b++)
		h = (h ^ (uint8_t)*b) * 16777619u;
	return h;
}

static void *addrlimit_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		abort();
	return p;
}

struct addrlimit *addrlimit_new(const struct addrlimit_params *p)
{
	struct addrlimit *al = addrlimit_calloc(1, sizeof *al);

	al->p = *p;
	al->naddr_buckets = 64;
	al->addrs = addrlimit_calloc(al->naddr_buckets, sizeof *al->addrs);
	al->npair_buckets = 64;
	al->pairs = addrlimit_calloc(al->npair_buckets, sizeof *al->pairs);
	return al;
}

void addrlimit_set_params(struct addrlimit *al, const struct addrlimit_params *p)
{
	al->p = *p;
}

void addrlimit_free(struct addrlimit *al)
{
	size_t i;

	if (al == NULL)
		return;
	for (i = 0; i < al->naddr_buckets; i++)
		while (al->addrs[i] != NULL) {
			struct addrlimit_addr *a = al->addrs[i];

			al->addrs[i] = a->next;
			free(a);
		}
	for (i = 0; i < al->npair_buckets; i++)
		while (al->pairs[i] != NULL) {
			struct addrlimit_pair *p = al->pairs[i];

			al->pairs[i] = p->next;
			free(p);
		}
	free(al->addrs);
	free(al->pairs);
	free(al);
}

static void addrlimit_grow_addrs(struct addrlimit *al)
{
	size_t n = al->naddr_buckets * 2, i;
	struct addrlimit_addr **t = addrlimit_calloc(n, sizeof *t);

	for (i = 0; i < al->naddr_buckets; i++)
		while (al->addrs[i] != NULL) {
			struct addrlimit_addr *a = al->addrs[i];

			al->addrs[i] = a->next;
			a->next = t[a->hash & (n - 1)];
			t[a->hash & (n - 1)] = a;
		}
	free(al->addrs);
	al->addrs = t;
	al->naddr_buckets = n;
}

static void addrlimit_grow_pairs(struct addrlimit *al)
{
	size_t n = al->npair_buckets * 2, i;
	struct addrlimit_pair **t = addrlimit_calloc(n, sizeof *t);

	for (i = 0; i < al->npair_buckets; i++)
		while (al->pairs[i] != NULL) {
			struct addrlimit_pair *p = al->pairs[i];

			al->pairs[i] = p->next;
			p->next = t[p->hash & (n - 1)];
			t[p->hash & (n - 1)] = p;
		}
	free(al->pairs);
	al->pairs = t;
	al->npair_buckets = n;
}

static struct addrlimit_addr *addrlimit_addr_get(const struct addrlimit *al, const char *addr)
{
	uint32_t h = addrlimit_hash(addr, NULL);
	struct addrlimit_addr *a;

	for (a = al->addrs[h & (al->naddr_buckets - 1)]; a != NULL; a = a->next)
		if (a->hash == h && strcmp(a->addr, addr) == 0)
			return a;
	return NULL;
}

static struct addrlimit_addr *addrlimit_addr_make(struct addrlimit *al, const char *addr,
						   int64_t now)
{
	struct addrlimit_addr *a = addrlimit_addr_get(al, addr);
	size_t b;

	if (a != NULL)
		return a;
	if (al->naddrs >= al->naddr_buckets)
		addrlimit_grow_addrs(al);
	a = addrlimit_calloc(1, sizeof *a);
	snprintf(a->addr, sizeof a->addr, "%s", addr);
	a->hash = addrlimit_hash(a->addr, NULL);
	a->score_ms = now;
	b = a->hash & (al->naddr_buckets - 1);
	a->next = al->addrs[b];
	al->addrs[b] = a;
	al->naddrs++;
	return a;
}

static void addrlimit_addr_remove(struct addrlimit *al, struct addrlimit_addr *a)
{
	struct addrlimit_addr **pp = &al->addrs[a->hash & (al->naddr_buckets - 1)];

	for (; *pp != NULL; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			free(a);
			al->naddrs--;
			return;
		}
}

/* Brings the score up to now: it leaks one failure per addr_decay_ms. */
static void addrlimit_addr_decay(const struct addrlimit *al, struct addrlimit_addr *a,
				 int64_t now)
{
	if (now > a->score_ms && al->p.addr_decay_ms > 0) {
		a->score -= (double)(now - a->score_ms) / (double)al->p.addr_decay_ms;
		if (a->score < 0)
			a->score = 0;
	}
	if (now > a->score_ms)
		a->score_ms = now;
	if (a->banned_until != 0 && a->banned_until <= now)
		a->banned_until = 0;
}

/* The failures not yet forgiven: the score rounded up (one leaking away still counts). */
static int addrlimit_score_count(double score)
{
	int n = (int)score;

	return score > (double)n ? n + 1 : n;
}

/* Nothing left worth keeping about the address? Then it goes. */
static bool addrlimit_addr_gc(struct addrlimit *al, struct addrlimit_addr *a, int64_t now)
{
	addrlimit_addr_decay(al, a, now);
	if (a->startups > 0 || a->banned_until != 0 || a->score > 0)
		return false;
	addrlimit_addr_remove(al, a);
	return true;
}

static void addrlimit_pair_key(const char *name, char out[ADDRLIMIT_NAME_MAX + 1])
{
	snprintf(out, ADDRLIMIT_NAME_MAX + 1, "%s", name);
}

static struct addrlimit_pair *addrlimit_pair_get(const struct addrlimit *al, const char *name,
						 const char *addr)
{
	char key[ADDRLIMIT_NAME_MAX + 1];
	uint32_t h;
	struct addrlimit_pair *p;

	addrlimit_pair_key(name, key);
	h = addrlimit_hash(key, addr);
	for (p = al->pairs[h & (al->npair_buckets - 1)]; p != NULL; p = p->next)
		if (p->hash == h && strcmp(p->name, key) == 0 && strcmp(p->addr, addr) == 0)
			return p;
	return NULL;
}

static void addrlimit_pair_remove(struct addrlimit *al, struct addrlimit_pair *p)
{
	struct addrlimit_pair **pp = &al->pairs[p->hash & (al->npair_buckets - 1)];

	for (; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			free(p);
			al->npairs--;
			return;
		}
}

static int64_t addrlimit_remember_ms(const struct addrlimit *al)
{
	return al->p.lockout_ms > 0 ? al->p.lockout_ms : ADDRLIMIT_REMEMBER_DEFAULT_MS;
}

static bool addrlimit_pair_expired(const struct addrlimit *al, const struct addrlimit_pair *p,
				   int64_t now)
{
	return now - p->last_ms >= addrlimit_remember_ms(al);
}

/* The pair as of now: NULL when unknown or forgotten (then removed). */
static struct addrlimit_pair *addrlimit_pair_now(struct addrlimit *al, const char *name,
						 const char *addr, int64_t now)
{
	struct addrlimit_pair *p = addrlimit_pair_get(al, name, addr);

	if (p != NULL && addrlimit_pair_expired(al, p, now)) {
		addrlimit_pair_remove(al, p);
		return NULL;
	}
	return p;
}

static bool addrlimit_pair_is_locked(const struct addrlimit *al, const struct addrlimit_pair *p,
				     int64_t now, int64_t *left_ms)
{
	if (p->trusted || al->p.max_failures <= 0 || al->p.lockout_ms <= 0 ||
	    p->failures < al->p.max_failures)
		return false;
	if (now - p->last_ms >= al->p.lockout_ms)
		return false;
	if (left_ms != NULL)
		*left_ms = p->last_ms + al->p.lockout_ms - now;
	return true;
}

/* ---- connections logging in ----------------------------------------------------------- */

unsigned addrlimit_startups(const struct addrlimit *al, const char *addr)
{
	const struct addrlimit_addr *a = addrlimit_addr_get(al, addr);

	return a != NULL ? a->startups : 0;
}

unsigned addrlimit_startups_total(const struct addrlimit *al)
{
	return al->startups_total;
}

void addrlimit_startup_begin(struct addrlimit *al, const char *addr)
{
	struct addrlimit_addr *a = addrlimit_addr_get(al, addr);

	if (a == NULL)
		a = addrlimit_addr_make(al, addr, 0);
	a->startups++;
	al->startups_total++;
}

void addrlimit_startup_end(struct addrlimit *al, const char *addr, int64_t now)
{
	struct addrlimit_addr *a = addrlimit_addr_get(al, addr);

	if (a == NULL || a->startups == 0)
		return;
	a->startups--;
	al->startups_total--;
	addrlimit_addr_gc(al, a, now);
}

/* ---- failures ------------------------------------------------------------------------- */

int64_t addrlimit_delay_ms(const struct addrlimit *al, int n)
{
	int64_t d = al->p.fail_delay_ms;
	int i;

	for (i = 1; i < n && d < al->p.fail_delay_max_ms; i++)
		d *= 2;
	return d > al->p.fail_delay_max_ms ? al->p.fail_delay_max_ms : d;
}

int addrlimit_pair_failures(struct addrlimit *al, const char *name, const char *addr,
			    int64_t now)
{
	struct addrlimit_pair *p = addrlimit_pair_now(al, name, addr, now);

	return p != NULL ? p->failures : 0;
}

bool addrlimit_pair_locked(struct addrlimit *al, const char *name, const char *addr, int64_t now,
			   int64_t *left_ms)
{
	struct addrlimit_pair *p = addrlimit_pair_now(al, name, addr, now);

	return p != NULL && addrlimit_pair_is_locked(al, p, now, left_ms);
}

void addrlimit_failed(struct addrlimit *al, const char *name, const char *addr, bool trusted,
		      int64_t now, struct addrlimit_fail *out)
{
	struct addrlimit_pair *p = addrlimit_pair_now(al, name, addr, now);
	struct addrlimit_addr *a = NULL;
	bool was_locked = false;

	memset(out, 0, sizeof *out);
	if (p == NULL && al->npairs < ADDRLIMIT_PAIRS_MAX) {
		size_t b;

		if (al->npairs >= al->npair_buckets)
			addrlimit_grow_pairs(al);
		p = addrlimit_calloc(1, sizeof *p);
		addrlimit_pair_key(name, p->name);
		snprintf(p->addr, sizeof p->addr, "%s", addr);
		p->hash = addrlimit_hash(p->name, p->addr);
		b = p->hash & (al->npair_buckets - 1);
		p->next = al->pairs[b];
		al->pairs[b] = p;
		al->npairs++;
	}
	if (p != NULL) {
		was_locked = addrlimit_pair_is_locked(al, p, now, NULL);
		if (p->failures < 1000000)
			p->failures++;
		p->last_ms = now;
		p->trusted = trusted; /* a trusted network's pair is slowed, never locked */
		out->failures = p->failures;
		out->pair_locked = !was_locked && addrlimit_pair_is_locked(al, p, now, NULL);
	} else {
		out->failures = 1;
	}
	out->delay_ms = addrlimit_delay_ms(al, out->failures);
	/* A trusted network is never penalised; nor is a guess at a pair that locked while it
	 * was being checked: that pair is contained already, the address needs no more. */
	if (trusted || was_locked)
		return;
	a = addrlimit_addr_make(al, addr, now);
	addrlimit_addr_decay(al, a, now);
	a->score += 1;
	if (p != NULL)
		p->scored++;
	out->addr_score = addrlimit_score_count(a->score);
	if (al->p.addr_max_failures > 0 && al->p.lockout_ms > 0 && a->banned_until == 0 &&
	    out->addr_score >= al->p.addr_max_failures) {
		a->banned_until = now + al->p.lockout_ms;
		out->addr_banned = true;
	}
}

void addrlimit_succeeded(struct addrlimit *al, const char *name, const char *addr, int64_t now)
{
	struct addrlimit_pair *p = addrlimit_pair_now(al, name, addr, now);
	struct addrlimit_addr *a;

	if (p == NULL)
		return;
	a = addrlimit_addr_get(al, addr);
	if (a != NULL) {
		addrlimit_addr_decay(al, a, now);
		a->score -= p->scored;
		if (a->score < 0)
			a->score = 0;
		addrlimit_addr_gc(al, a, now);
	}
	addrlimit_pair_remove(al, p);
}

bool addrlimit_addr_banned(struct addrlimit *al, const char *addr, int64_t now, int64_t *left_ms)
{
	struct addrlimit_addr *a = addrlimit_addr_get(al, addr);

	if (a == NULL)
		return false;
	addrlimit_addr_decay(al, a, now);
	if (a->banned_until == 0)
		return false;
	if (left_ms != NULL)
		*left_ms = a->banned_until - now;
	return true;
}

int addrlimit_addr_score(struct addrlimit *al, const char *addr, int64_t now)
{
	struct addrlimit_addr *a = addrlimit_addr_get(al, addr);

	if (a == NULL)
		return 0;
	addrlimit_addr_decay(al, a, now);
	return addrlimit_score_count(a->score);
}

/* ---- admin ----------------------------------------------------------------------------- */

int addrlimit_unlock_account(struct addrlimit *al, const char *name, int64_t now)
{
	char key[ADDRLIMIT_NAME_MAX + 1];
	size_t i;
	int n = 0;

	addrlimit_pair_key(name, key);
	for (i = 0; i < al->npair_buckets; i++) {
		struct addrlimit_pair **pp = &al->pairs[i];

		while (*pp != NULL) {
			struct addrlimit_pair *p = *pp;
			struct addrlimit_addr *a;

			if (strcmp(p->name, key) != 0) {
				pp = &p->next;
				continue;
			}
			if (addrlimit_pair_is_locked(al, p, now, NULL))
				n++;
			/* An admin vouches for them: its failures leave the address's score. */
			a = addrlimit_addr_get(al, p->addr);
			if (a != NULL) {
				addrlimit_addr_decay(al, a, now);
				a->score = a->score > p->scored ? a->score - p->scored : 0;
			}
			*pp = p->next;
			free(p);
			al->npairs--;
		}
	}
	return n;
}

int addrlimit_lift(struct addrlimit *al, const char *addr, int64_t now)
{
	size_t i;
	int n = 0;

	for (i = 0; i < al->naddr_buckets; i++) {
		struct addrlimit_addr *a, *next;

		for (a = al->addrs[i]; a != NULL; a = next) {
			next = a->next;
			if (addr != NULL && strcmp(a->addr, addr) != 0)
				continue;
			if (a->banned_until > now)
				n++;
			a->banned_until = 0;
			a->score = 0;
			if (a->startups == 0)
				addrlimit_addr_remove(al, a);
		}
	}
	for (i = 0; i < al->npair_buckets; i++) {
		struct addrlimit_pair **pp = &al->pairs[i];

		while (*pp != NULL) {
			struct addrlimit_pair *p = *pp;

			if (addr != NULL && strcmp(p->addr, addr) != 0) {
				pp = &p->next;
				continue;
			}
			if (addrlimit_pair_is_locked(al, p, now, NULL))
				n++;
			*pp = p->next;
			free(p);
			al->npairs--;
		}
	}
	return n;
}

void addrlimit_expire(struct addrlimit *al, int64_t now)
{
	size_t i;

	for (i = 0; i < al->npair_buckets; i++) {
		struct addrlimit_pair **pp = &al->pairs[i];

		while (*pp != NULL) {
			struct addrlimit_pair *p = *pp;

			if (!addrlimit_pair_expired(al, p, now)) {
				pp = &p->next;
				continue;
			}
			*pp = p->next;
			free(p);
			al->npairs--;
		}
	}
	for (i = 0; i < al->naddr_buckets; i++) {
		struct addrlimit_addr *a, *next;

		for (a = al->addrs[i]; a != NULL; a = next) {
			next = a->next;
			addrlimit_addr_gc(al, a, now);
		}
	}
}

size_t addrlimit_list(struct addrlimit *al, int64_t now, addrlimit_each_fn each, void *arg)
{
	struct addrlimit_entry e;
	size_t i, n = 0;

	addrlimit_expire(al, now);
	for (i = 0; i < al->naddr_buckets; i++) {
		const struct addrlimit_addr *a;

		for (a = al->addrs[i]; a != NULL; a = a->next) {
			if (a->score <= 0 && a->banned_until == 0)
				continue;
			memset(&e, 0, sizeof e);
			e.addr = a->addr;
			e.failures = addrlimit_score_count(a->score);
			e.blocked = a->banned_until != 0;
			e.left_ms = e.blocked ? a->banned_until - now : 0;
			each(arg, &e);
			n++;
		}
	}
	for (i = 0; i < al->npair_buckets; i++) {
		const struct addrlimit_pair *p;

		for (p = al->pairs[i]; p != NULL; p = p->next) {
			memset(&e, 0, sizeof e);
			e.addr = p->addr;
			e.name = p->name;
			e.failures = p->failures;
			e.blocked = addrlimit_pair_is_locked(al, p, now, &e.left_ms);
			each(arg, &e);
			n++;
		}
	}
	return n;
}

size_t addrlimit_naddrs(const struct addrlimit *al)
{
	return al->naddrs;
}

size_t addrlimit_npairs(const struct addrlimit *al)
{
	return al->npairs;
}

void addrlimit_peer_addr(const char *peer, char out[64])
{
	const char *colon;
	size_t n;

	if (peer == NULL) {
		snprintf(out, 64, "-");
		return;
	}
	if (peer[0] == '[') {
		const char *close = strchr(peer, ']');

		n = close ? (size_t)(close - peer - 1) : strlen(peer + 1);
		if (n > 63)
			n = 63;
		memcpy(out, peer + 1, n);
		out[n] = '\0';
		return;
	}
	colon = strrchr(peer, ':');
	/* Plain IPv4 "a.b.c.d:port"; an IPv6 text without brackets has several colons. */
	if (colon != NULL && strchr(peer, ':') == colon)
		n = (size_t)(colon - peer);
	else
		n = strlen(peer);
	if (n > 63)
		n = 63;
	memcpy(out, peer, n);
	out[n] = '\0';
}
