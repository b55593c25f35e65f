/* Unit tests of addrlimit: trusted networks (CIDR, IPv4 and IPv6), OpenSSH-style early drop
 * with an injected random source, connections logging in per address, failures that slow and
 * lock one (name, address) pair only, address scores that leak away and ban, and the admin's
 * unlock and lift. Time is passed in, so every rule is checked without waiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addrlimit.h"

#define SEC 1000LL
#define MIN (60 * SEC)

static const struct addrlimit_params test_params = {
    .max_failures = 5,
    .lockout_ms = 15 * MIN,
    .fail_delay_ms = 500,
    .fail_delay_max_ms = 8000,
    .addr_max_failures = 20,
    .addr_decay_ms = 60 * SEC,
};

/* ---- networks ------------------------------------------------------------------------- */

static void test_addrlimit_net_parse_forms(void **state)
{
	struct addrlimit_net n;

	(void)state;
	assert_int_equal(addrlimit_net_parse("10.1.2.3/8", &n), 0);
	assert_int_equal(n.family, 4);
	assert_int_equal(n.bits, 8);
	assert_int_equal(n.addr[0], 10);
	assert_int_equal(n.addr[1], 0); /* host bits cleared */
	assert_int_equal(addrlimit_net_parse("192.0.2.7", &n), 0);
	assert_int_equal(n.bits, 32);
	assert_int_equal(addrlimit_net_parse("2001:db8::/32", &n), 0);
	assert_int_equal(n.family, 6);
	assert_int_equal(n.bits, 32);
	assert_int_equal(addrlimit_net_parse("::1", &n), 0);
	assert_int_equal(n.bits, 128);
	/* An IPv4-mapped network is the IPv4 one. */
	assert_int_equal(addrlimit_net_parse("::ffff:10.0.0.0/104", &n), 0);
	assert_int_equal(n.family, 4);
	assert_int_equal(n.bits, 8);
	assert_int_equal(addrlimit_net_parse("10.0.0.0/33", &n), -1);
	assert_int_equal(addrlimit_net_parse("2001:db8::/129", &n), -1);
	assert_int_equal(addrlimit_net_parse("10.0.0.0/", &n), -1);
	assert_int_equal(addrlimit_net_parse("10.0.0.0/x", &n), -1);
	assert_int_equal(addrlimit_net_parse("10.0.0", &n), -1);
	assert_int_equal(addrlimit_net_parse("example.com", &n), -1);
	assert_int_equal(addrlimit_net_parse("", &n), -1);
	assert_int_equal(addrlimit_net_parse("/8", &n), -1);
}

static void test_addrlimit_nets_match_v4_v6(void **state)
{
	struct addrlimit_net *nets = NULL;
	char bad[64] = "";
	int n;

	(void)state;
	n = addrlimit_nets_parse(" 10.0.0.0/8,192.0.2.7  2001:db8:1::/48,\t::1 ", &nets, bad,
				 sizeof bad);
	assert_int_equal(n, 4);
	assert_true(addrlimit_nets_match(nets, 4, "10.200.3.4"));
	assert_false(addrlimit_nets_match(nets, 4, "11.0.0.1"));
	assert_true(addrlimit_nets_match(nets, 4, "192.0.2.7"));
	assert_false(addrlimit_nets_match(nets, 4, "192.0.2.8"));
	assert_true(addrlimit_nets_match(nets, 4, "2001:db8:1:ffff::9"));
	assert_false(addrlimit_nets_match(nets, 4, "2001:db8:2::9"));
	assert_true(addrlimit_nets_match(nets, 4, "::1"));
	/* An IPv4-mapped client address matches the IPv4 network. */
	assert_true(addrlimit_nets_match(nets, 4, "::ffff:10.9.9.9"));
	/* No cross-family match, and text that is no address matches nothing. */
	assert_false(addrlimit_nets_match(nets, 4, "::a00:1"));
	assert_false(addrlimit_nets_match(nets, 4, "-"));
	assert_false(addrlimit_nets_match(nets, 4, NULL));
	free(nets);

	/* The whole internet, both families. */
	nets = NULL;
	n = addrlimit_nets_parse("0.0.0.0/0 ::/0", &nets, bad, sizeof bad);
	assert_int_equal(n, 2);
	assert_true(addrlimit_nets_match(nets, 2, "203.0.113.1"));
	assert_true(addrlimit_nets_match(nets, 2, "2001:db8::1"));
	free(nets);

	nets = NULL;
	assert_int_equal(addrlimit_nets_parse("", &nets, bad, sizeof bad), 0);
	assert_null(nets);
	assert_false(addrlimit_nets_match(nets, 0, "10.0.0.1"));
	assert_int_equal(addrlimit_nets_parse("10.0.0.0/8, 300.1.1.1, ::1", &nets, bad, sizeof bad),
			 -1);
	assert_string_equal(bad, "300.1.1.1");
	assert_null(nets);
}

/* ---- early drop ----------------------------------------------------------------------- */

static void test_addrlimit_startups_parse(void **state)
{
	struct addrlimit_startups s;

	(void)state;
	assert_int_equal(addrlimit_startups_parse("100:30:500", &s), 0);
	assert_int_equal(s.start, 100);
	assert_int_equal(s.rate, 30);
	assert_int_equal(s.full, 500);
	assert_int_equal(addrlimit_startups_parse("64", &s), 0);
	assert_int_equal(s.start, 64);
	assert_int_equal(s.full, 64);
	assert_int_equal(addrlimit_startups_parse("10:101:100", &s), -1);
	assert_int_equal(addrlimit_startups_parse("100:30:50", &s), -1);
	assert_int_equal(addrlimit_startups_parse("0:30:50", &s), -1);
	assert_int_equal(addrlimit_startups_parse("10:30", &s), -1);
	assert_int_equal(addrlimit_startups_parse("10:30:100:1", &s), -1);
	assert_int_equal(addrlimit_startups_parse("-1", &s), -1);
	assert_int_equal(addrlimit_startups_parse("", &s), -1);
	assert_int_equal(addrlimit_startups_parse("ten", &s), -1);
}

/* Drops out of 100 evenly spread random values. */
static int test_addrlimit_drops(const struct addrlimit_startups *s, unsigned n)
{
	int i, dropped = 0;

	for (i = 0; i < 100; i++) {
		uint32_t rnd = (uint32_t)(((uint64_t)i << 32) / 100 + 1);

		dropped += addrlimit_startups_drop(s, n, rnd);
	}
	return dropped;
}

static void test_addrlimit_early_drop_deterministic(void **state)
{
	struct addrlimit_startups s = {.start = 10, .rate = 30, .full = 100};

	(void)state;
	/* Below start: never; at full and past it: always, whatever the random value. */
	assert_false(addrlimit_startups_drop(&s, 9, 0));
	assert_false(addrlimit_startups_drop(&s, 9, UINT32_MAX));
	assert_true(addrlimit_startups_drop(&s, 100, 0));
	assert_true(addrlimit_startups_drop(&s, 1000, UINT32_MAX));
	/* At start: rate %; halfway: 30 + 70/2 = 65 %; just below full: 99 %. */
	assert_int_equal(test_addrlimit_drops(&s, 10), 30);
	assert_int_equal(test_addrlimit_drops(&s, 55), 65);
	assert_int_equal(test_addrlimit_drops(&s, 99), 99);
	/* A low random value drops first, a high one last. */
	assert_true(addrlimit_startups_drop(&s, 10, 0));
	assert_false(addrlimit_startups_drop(&s, 10, UINT32_MAX));
	/* start = full: a hard limit. */
	s = (struct addrlimit_startups){.start = 5, .rate = 100, .full = 5};
	assert_int_equal(test_addrlimit_drops(&s, 4), 0);
	assert_int_equal(test_addrlimit_drops(&s, 5), 100);
}

/* ---- connections logging in ----------------------------------------------------------- */

static void test_addrlimit_startups_counted_per_address(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		addrlimit_startup_begin(al, "192.0.2.1");
	addrlimit_startup_begin(al, "2001:db8::1");
	assert_int_equal(addrlimit_startups(al, "192.0.2.1"), 3);
	assert_int_equal(addrlimit_startups(al, "2001:db8::1"), 1);
	assert_int_equal(addrlimit_startups(al, "192.0.2.2"), 0);
	assert_int_equal(addrlimit_startups_total(al), 4);
	addrlimit_startup_end(al, "192.0.2.1", 0);
	addrlimit_startup_end(al, "2001:db8::1", 0);
	addrlimit_startup_end(al, "2001:db8::1", 0); /* one too many: ignored */
	assert_int_equal(addrlimit_startups(al, "192.0.2.1"), 2);
	assert_int_equal(addrlimit_startups_total(al), 2);
	/* An address with nothing left is forgotten. */
	assert_int_equal(addrlimit_naddrs(al), 1);
	addrlimit_startup_end(al, "192.0.2.1", 0);
	addrlimit_startup_end(al, "192.0.2.1", 0);
	assert_int_equal(addrlimit_naddrs(al), 0);
	assert_int_equal(addrlimit_startups_total(al), 0);
	addrlimit_free(al);
}

/* Which connection makes room: silent ones at once, stuck key exchanges after 10 s, failed
 * logins at once, oldest first within a stage; never one logging in or logged in. */
static void test_addrlimit_eviction_order(void **state)
{
	(void)state;
	assert_true(addrlimit_evictable(ADDRLIMIT_SILENT, 1000, 1000));
	assert_false(addrlimit_evictable(ADDRLIMIT_KEX, 1000, 1000 + 9999));
	assert_true(addrlimit_evictable(ADDRLIMIT_KEX, 1000, 1000 + 10000));
	assert_true(addrlimit_evictable(ADDRLIMIT_FAILED, 1000, 1000));
	assert_false(addrlimit_evictable(ADDRLIMIT_AUTH, 0, 3600 * SEC));
	assert_false(addrlimit_evictable(ADDRLIMIT_LOGGED_IN, 0, 3600 * SEC));
	/* Silent before stuck before failed, whatever their ages; the oldest within one. */
	assert_true(addrlimit_evict_before(ADDRLIMIT_SILENT, 900, ADDRLIMIT_KEX, 100));
	assert_true(addrlimit_evict_before(ADDRLIMIT_KEX, 900, ADDRLIMIT_FAILED, 100));
	assert_false(addrlimit_evict_before(ADDRLIMIT_FAILED, 100, ADDRLIMIT_SILENT, 900));
	assert_true(addrlimit_evict_before(ADDRLIMIT_SILENT, 100, ADDRLIMIT_SILENT, 900));
	assert_false(addrlimit_evict_before(ADDRLIMIT_SILENT, 900, ADDRLIMIT_SILENT, 100));
}

/* ---- failures ------------------------------------------------------------------------- */

static void test_addrlimit_delay_doubles_and_caps(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);

	(void)state;
	assert_int_equal(addrlimit_delay_ms(al, 0), 500);
	assert_int_equal(addrlimit_delay_ms(al, 1), 500);
	assert_int_equal(addrlimit_delay_ms(al, 2), 1000);
	assert_int_equal(addrlimit_delay_ms(al, 4), 4000);
	assert_int_equal(addrlimit_delay_ms(al, 5), 8000);
	assert_int_equal(addrlimit_delay_ms(al, 50), 8000);
	addrlimit_free(al);
}

static void test_addrlimit_pair_locked_only_for_its_address(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	struct addrlimit_fail f;
	int64_t now = 1000, left = 0;
	int i;

	(void)state;
	for (i = 1; i <= 5; i++) {
		addrlimit_failed(al, "agent2", "198.51.100.9", false, now, &f);
		assert_int_equal(f.failures, i);
		assert_int_equal(f.delay_ms, addrlimit_delay_ms(al, i));
		assert_int_equal(f.pair_locked, i == 5);
		now += SEC;
	}
	assert_int_equal(addrlimit_addr_score(al, "198.51.100.9", now), 5);
	/* Checks that were in flight when it locked: counted on the pair, not on the address. */
	addrlimit_failed(al, "agent2", "198.51.100.9", false, now, &f);
	assert_false(f.pair_locked);
	assert_int_equal(f.failures, 6);
	assert_int_equal(addrlimit_addr_score(al, "198.51.100.9", now), 5);
	assert_true(addrlimit_pair_locked(al, "agent2", "198.51.100.9", now, &left));
	assert_true(left > 14 * MIN && left <= 15 * MIN);
	/* The same account from another address, another account from the same one: free. */
	assert_false(addrlimit_pair_locked(al, "agent2", "198.51.100.10", now, NULL));
	assert_false(addrlimit_pair_locked(al, "agent3", "198.51.100.9", now, NULL));
	assert_int_equal(addrlimit_pair_failures(al, "agent3", "198.51.100.9", now), 0);
	/* The lock ends after lockout, and the pair is forgotten with it. */
	now += 15 * MIN;
	assert_false(addrlimit_pair_locked(al, "agent2", "198.51.100.9", now, NULL));
	assert_int_equal(addrlimit_pair_failures(al, "agent2", "198.51.100.9", now), 0);
	addrlimit_free(al);
}

/* The delay comes from the (name, address) pair alone: a name that has no account and one
 * that has get the same answer after the same failures, whatever else the address did. */
static void test_addrlimit_same_delay_known_and_unknown_names(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	struct addrlimit_fail fa, fb;
	int64_t now = 5000;
	int i;

	(void)state;
	/* Noise first: another name fails from the same address. */
	for (i = 0; i < 6; i++)
		addrlimit_failed(al, "someone", "203.0.113.5", false, now, &fa);
	for (i = 1; i <= 4; i++) {
		addrlimit_failed(al, "agent2", "203.0.113.5", false, now, &fa);
		addrlimit_failed(al, "nosuch4", "203.0.113.5", false, now, &fb);
		assert_int_equal(fa.failures, fb.failures);
		assert_int_equal(fa.delay_ms, fb.delay_ms);
		now += 100;
	}
	addrlimit_free(al);
}

static void test_addrlimit_success_forgets_pair_keeps_others_score(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	struct addrlimit_fail f;
	int64_t now = 0;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		addrlimit_failed(al, "agent1", "192.0.2.1", false, now, &f); /* typos */
	for (i = 0; i < 4; i++)
		addrlimit_failed(al, "agent9", "192.0.2.1", false, now, &f); /* guesses */
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.1", now), 7);
	/* agent1 gets it right: its own typos are taken back, the guesses stay. */
	addrlimit_succeeded(al, "agent1", "192.0.2.1", now);
	assert_int_equal(addrlimit_pair_failures(al, "agent1", "192.0.2.1", now), 0);
	assert_int_equal(addrlimit_pair_failures(al, "agent9", "192.0.2.1", now), 4);
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.1", now), 4);
	/* A second success of agent1 takes nothing more back. */
	addrlimit_succeeded(al, "agent1", "192.0.2.1", now);
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.1", now), 4);
	addrlimit_free(al);
}

static void test_addrlimit_address_score_decays_and_bans(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	struct addrlimit_fail f;
	int64_t now = 0, left = 0;
	char name[16];
	int i;

	(void)state;
	/* Guesses across many names: no pair locks, but the address's score rises. */
	for (i = 0; i < 19; i++) {
		snprintf(name, sizeof name, "user%d", i);
		addrlimit_failed(al, name, "192.0.2.66", false, now, &f);
		assert_false(f.addr_banned);
	}
	assert_int_equal(f.addr_score, 19);
	assert_false(addrlimit_addr_banned(al, "192.0.2.66", now, NULL));
	/* It leaks one failure a minute: ten minutes later it is at 9. */
	now += 10 * MIN;
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.66", now), 9);
	/* Back up to 20: banned for lockout, once. */
	for (i = 0; i < 11; i++) {
		snprintf(name, sizeof name, "more%d", i);
		addrlimit_failed(al, name, "192.0.2.66", false, now, &f);
		assert_int_equal(f.addr_banned, i == 10);
	}
	assert_true(addrlimit_addr_banned(al, "192.0.2.66", now + MIN, &left));
	assert_int_equal(left, 14 * MIN);
	assert_false(addrlimit_addr_banned(al, "192.0.2.67", now, NULL));
	/* The ban runs out; by then the score has leaked down to 5. */
	now += 15 * MIN;
	assert_false(addrlimit_addr_banned(al, "192.0.2.66", now, NULL));
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.66", now), 5);
	/* After long enough nothing is left of it. */
	now += 60 * MIN;
	addrlimit_expire(al, now);
	assert_int_equal(addrlimit_naddrs(al), 0);
	assert_int_equal(addrlimit_npairs(al), 0);
	addrlimit_free(al);
}

/* A failure partly forgiven still counts as one, so that failures spread over seconds reach
 * the limit all the same. */
static void test_addrlimit_score_rounds_up(void **state)
{
	struct addrlimit_params p = test_params;
	struct addrlimit *al;
	struct addrlimit_fail f;
	int i;

	(void)state;
	p.addr_max_failures = 3;
	al = addrlimit_new(&p);
	for (i = 0; i < 3; i++)
		addrlimit_failed(al, "x", "192.0.2.9", false, (int64_t)i * 5 * SEC, &f);
	assert_true(f.addr_banned); /* 3 - 10/60 leaked: still 3 */
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.9", 10 * SEC), 3);
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.9", 70 * SEC), 2);
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.9", 130 * SEC), 1);
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.9", 190 * SEC), 0);
	addrlimit_free(al);
}

static void test_addrlimit_trusted_slowed_never_locked(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	struct addrlimit_fail f;
	int i;

	(void)state;
	for (i = 1; i <= 30; i++) {
		addrlimit_failed(al, "agent2", "10.1.1.1", true, 0, &f);
		assert_false(f.pair_locked);
		assert_false(f.addr_banned);
	}
	assert_int_equal(f.delay_ms, 8000); /* slowed all the same */
	assert_false(addrlimit_pair_locked(al, "agent2", "10.1.1.1", 0, NULL));
	assert_false(addrlimit_addr_banned(al, "10.1.1.1", 0, NULL));
	assert_int_equal(addrlimit_addr_score(al, "10.1.1.1", 0), 0);
	addrlimit_free(al);
}

/* ---- admin ----------------------------------------------------------------------------- */

struct test_addrlimit_seen {
	int addrs, pairs, blocked;
	char last_addr[64];
};

static void test_addrlimit_each(void *arg, const struct addrlimit_entry *e)
{
	struct test_addrlimit_seen *s = arg;

	if (e->name == NULL)
		s->addrs++;
	else
		s->pairs++;
	if (e->blocked) {
		s->blocked++;
		assert_true(e->left_ms > 0);
	}
	snprintf(s->last_addr, sizeof s->last_addr, "%s", e->addr);
}

static void test_addrlimit_unlock_lift_and_list(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	struct test_addrlimit_seen seen;
	struct addrlimit_fail f;
	char name[16];
	int i;

	(void)state;
	/* agent2 locked from two addresses, agent3 from one; 192.0.2.66 banned. */
	for (i = 0; i < 5; i++) {
		addrlimit_failed(al, "agent2", "192.0.2.1", false, 0, &f);
		addrlimit_failed(al, "agent2", "192.0.2.2", false, 0, &f);
		addrlimit_failed(al, "agent3", "192.0.2.1", false, 0, &f);
	}
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "u%d", i);
		addrlimit_failed(al, name, "192.0.2.66", false, 0, &f);
	}
	memset(&seen, 0, sizeof seen);
	assert_int_equal(addrlimit_list(al, SEC, test_addrlimit_each, &seen), 3 + 3 + 20);
	assert_int_equal(seen.addrs, 3);
	assert_int_equal(seen.pairs, 23);
	assert_int_equal(seen.blocked, 3 + 1); /* three pairs and one address */

	/* user unlock agent2: both of its locks, from every address; agent3 stays locked. */
	assert_int_equal(addrlimit_unlock_account(al, "agent2", SEC), 2);
	assert_false(addrlimit_pair_locked(al, "agent2", "192.0.2.1", SEC, NULL));
	assert_false(addrlimit_pair_locked(al, "agent2", "192.0.2.2", SEC, NULL));
	assert_true(addrlimit_pair_locked(al, "agent3", "192.0.2.1", SEC, NULL));
	assert_int_equal(addrlimit_unlock_account(al, "agent2", SEC), 0);
	/* ... and its failures left the scores: 192.0.2.2 had only agent2's. */
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.2", SEC), 0);
	/* agent3's 5, a second's worth leaked: still 5 not yet forgiven. */
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.1", SEC), 5);

	/* ban lift ADDRESS: its ban and the locks of its pairs. */
	assert_int_equal(addrlimit_lift(al, "192.0.2.66", SEC), 1);
	assert_false(addrlimit_addr_banned(al, "192.0.2.66", SEC, NULL));
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.66", SEC), 0);
	assert_int_equal(addrlimit_pair_failures(al, "u3", "192.0.2.66", SEC), 0);
	assert_true(addrlimit_pair_locked(al, "agent3", "192.0.2.1", SEC, NULL));
	assert_int_equal(addrlimit_lift(al, "192.0.2.99", SEC), 0);
	/* ban lift all. */
	assert_int_equal(addrlimit_lift(al, NULL, SEC), 1);
	assert_int_equal(addrlimit_addr_score(al, "192.0.2.1", SEC), 0);
	assert_false(addrlimit_pair_locked(al, "agent3", "192.0.2.1", SEC, NULL));
	memset(&seen, 0, sizeof seen);
	assert_int_equal(addrlimit_list(al, SEC, test_addrlimit_each, &seen), 0);
	addrlimit_free(al);
}

/* A lift keeps the count of connections still logging in. */
static void test_addrlimit_lift_keeps_startups(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	struct addrlimit_fail f;
	int i;

	(void)state;
	addrlimit_startup_begin(al, "192.0.2.1");
	for (i = 0; i < 5; i++)
		addrlimit_failed(al, "x", "192.0.2.1", false, 0, &f);
	for (i = 0; i < 15; i++) {
		char name[16];

		snprintf(name, sizeof name, "y%d", i);
		addrlimit_failed(al, name, "192.0.2.1", false, 0, &f);
	}
	assert_true(addrlimit_addr_banned(al, "192.0.2.1", 0, NULL));
	assert_int_equal(addrlimit_lift(al, NULL, 0), 2); /* the ban and x's lock */
	assert_int_equal(addrlimit_startups(al, "192.0.2.1"), 1);
	addrlimit_startup_end(al, "192.0.2.1", 0);
	assert_int_equal(addrlimit_naddrs(al), 0);
	addrlimit_free(al);
}

/* Parameters change on reload; what was counted stays. */
static void test_addrlimit_reload_keeps_state(void **state)
{
	struct addrlimit *al = addrlimit_new(&test_params);
	struct addrlimit_params p = test_params;
	struct addrlimit_fail f;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		addrlimit_failed(al, "agent2", "192.0.2.1", false, 0, &f);
	assert_false(addrlimit_pair_locked(al, "agent2", "192.0.2.1", 0, NULL));
	p.max_failures = 3;
	addrlimit_set_params(al, &p);
	assert_true(addrlimit_pair_locked(al, "agent2", "192.0.2.1", 0, NULL));
	assert_int_equal(addrlimit_pair_failures(al, "agent2", "192.0.2.1", 0), 3);
	addrlimit_free(al);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_addrlimit_net_parse_forms),
	    cmocka_unit_test(test_addrlimit_nets_match_v4_v6),
	    cmocka_unit_test(test_addrlimit_startups_parse),
	    cmocka_unit_test(test_addrlimit_early_drop_deterministic),
	    cmocka_unit_test(test_addrlimit_startups_counted_per_address),
	    cmocka_unit_test(test_addrlimit_eviction_order),
	    cmocka_unit_test(test_addrlimit_delay_doubles_and_caps),
	    cmocka_unit_test(test_addrlimit_pair_locked_only_for_its_address),
	    cmocka_unit_test(test_addrlimit_same_delay_known_and_unknown_names),
	    cmocka_unit_test(test_addrlimit_success_forgets_pair_keeps_others_score),
	    cmocka_unit_test(test_addrlimit_address_score_decays_and_bans),
	    cmocka_unit_test(test_addrlimit_score_rounds_up),
	    cmocka_unit_test(test_addrlimit_trusted_slowed_never_locked),
	    cmocka_unit_test(test_addrlimit_unlock_lift_and_list),
	    cmocka_unit_test(test_addrlimit_lift_keeps_startups),
	    cmocka_unit_test(test_addrlimit_reload_keeps_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
