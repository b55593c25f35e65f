/* testhost — the unit tests' shared fixture and shell host: a temporary directory with a real
 * migrated store (and catalogs, if loaded), accounts added with real argon2id hashes, and one
 * shell at a time run against an in-process host that captures its output per stream, counts
 * its exits, and queues password hashing and thread-pool work until the test drains them (run
 * later, in order, as the loop would). Test thread only (cmocka: failures are assertions).
 * The test owns the testhost (testhost_new / testhost_free); the testhost owns its store, its
 * catalog, its current shell and the captured output. */
#ifndef PROPDESK_TESTHOST_H
#define PROPDESK_TESTHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "role.h"
#include "shell.h"
#include "store.h"

#define TESTHOST_QMAX 8

/* Which optional callbacks the host gives a shell (testhost_start's caps). */
enum testhost_caps {
	TESTHOST_PWHASH = 1 << 0,  /* pwhash and pwverify: real argon2id, delivered on drain */
	TESTHOST_WORK = 1 << 1,    /* the thread pool: fn and done run on drain */
	TESTHOST_CATALOG = 1 << 2, /* the catalog callback: answers th->cat */
	TESTHOST_BANS = 1 << 3,    /* bans, ban_lift, unlock: over th->bans */
	TESTHOST_SYNC = 1 << 4,    /* sync: queued, done with th->sync_rc on drain */
	TESTHOST_MONITOR = 1 << 5, /* live monitoring: over th->sessions, actions in th->mon */
};

#define TESTHOST_SESSIONS_MAX 8

/* A live session the test host pretends the service holds (see shell_monitor). */
struct testhost_session {
	char id[16];
	char account[32];
	char team[32];
	unsigned role;
	bool exec;
	int cols, rows;
	char doing[64];
};

#define TESTHOST_BANS_MAX 8

/* A login penalty the test host pretends the service holds (see shell_host.bans). */
struct testhost_ban {
	char addr[64];
	char account[32]; /* "": the address's penalty */
	int failures;
	bool blocked;
	int64_t left_s;
};

/* Queued host work: password work (cb set) or pool work (fn and done set). */
struct testhost_job {
	shell_async_cb cb;
	int rc;
	char hash[crypto_pwhash_STRBYTES];
	shell_work_fn fn;
	shell_work_done_fn done;
	void *arg;
	bool sync; /* a host.sync: done(sh, arg, th->sync_rc) */
};

struct testhost {
	/* The fixture. */
	char dir[64];            /* the temporary directory, removed (with its files) on free */
	char path[128];          /* dir/propdesk.db */
	struct store *st;        /* read-write, migrated; the store shells are given (a test may
	                          * swap in another one for a while, and must put it back) */
	struct catalog *catalog; /* from testhost_load_catalog, or NULL; owned */
	/* The current shell (NULL before the first start) and what the host saw of it; reset by
	 * every start and by testhost_stop. */
	struct shell *sh;
	struct catalog *cat; /* what the catalog callback answers (borrowed; start sets it to
	                      * catalog, a test may set it to NULL: "none loaded") */
	struct buf out[3];   /* [0] everything written, [1] stream 1, [2] stream 2; the test may
	                      * read and reset them */
	struct buf secret;   /* what came through write_secret (the secrets, one per line) */
	struct buf withheld; /* and its what labels, one per line */
	bool exited;
	int status;
	int exits;
	struct testhost_job q[TESTHOST_QMAX];
	size_t nq;  /* jobs queued, not yet drained */
	size_t ran; /* pool jobs run */
	size_t syncs; /* host.sync calls (TESTHOST_SYNC) */
	int sync_rc;  /* what they report (0; -EIO: the disk failed); kept across starts */
	/* The service's login penalties (TESTHOST_BANS); the test fills them, lift and unlock
	 * remove what they lift. Kept across starts. */
	struct testhost_ban bans[TESTHOST_BANS_MAX];
	size_t nbans;
	int lifts, unlocks; /* calls */
	/* The service's live sessions (TESTHOST_MONITOR); the test fills them. What the shell
	 * asked the monitor to do, one line each: "whisper ID TEXT", "notice ID TEXT", "kick ID
	 * REASON", "watch ID", "unwatch". Kept across starts. */
	struct testhost_session sessions[TESTHOST_SESSIONS_MAX];
	size_t nsessions;
	bool scope_all;      /* [monitor] scope = all */
	const char *scope_teams; /* teams.CALLER: "team,team" (borrowed), NULL none */
	char watching[16];   /* the session the shell watches, "" none */
	char whisperer[16];  /* the one to reply to, "" none */
	struct buf mon;
};

/* The audit context of the fixture's own changes (account "setup", role admin, "cli"). */
extern const struct audit_ctx testhost_setup_ctx;
/* Shell options to copy and adjust: session "s-test" from 127.0.0.1:40000 over ssh, 100x30,
 * lines and exec stdin up to 4096 bytes; interactive, no LANG, no colour. */
extern const struct shell_opts testhost_opts;

/* ---- temporary directories and files ------------------------------------------------------ */

/* Makes a new directory /tmp/NAME.XXXXXX into dir (cap bytes). Returns 0 or -1. */
int testhost_tmpdir_make(char *dir, size_t cap, const char *name);
/* Removes dir and the files in it (not subdirectories). */
void testhost_tmpdir_remove(const char *dir);
/* Writes text to dir/name (asserts). */
void testhost_file_write(const char *dir, const char *name, const char *text);
/* Copies from_dir/name to to_dir/name (asserts). */
void testhost_file_copy(const char *from_dir, const char *to_dir, const char *name);
/* The source tree's etc/ (found from this file's path, relative to the build directory where
 * the test executable lives) into out. */
void testhost_etc(char *out, size_t cap);

/* Today plus days (local time) as YYYY-MM-DD into out. */
void testhost_day(int days, char *out, size_t len);

/* ---- the fixture ---------------------------------------------------------------------------- */

/* A new fixture in /tmp/NAME.XXXXXX with a migrated database; NULL on failure. */
struct testhost *testhost_new(const char *name);
/* Stops the shell, drops the catalog, closes the store, removes the directory. NULL: nothing. */
void testhost_free(struct testhost *th);
/* Adds an account through th->st (asserts); display, lang may be NULL; password NULL: none. */
void testhost_account_add(struct testhost *th, const char *name, const char *display,
                          enum role role, const char *lang, const char *password);
/* Loads th->catalog from dir (NULL: th->dir). Returns 0, or -1 with the error on stderr. */
int testhost_load_catalog(struct testhost *th, const char *dir);

/* Adds a pretend login penalty (account NULL: the address's). */
void testhost_ban_add(struct testhost *th, const char *addr, const char *account, int failures,
                      bool blocked, int64_t left_s);

/* Adds a pretend live session (TESTHOST_MONITOR). */
void testhost_session_add(struct testhost *th, const char *id, const char *account,
			  const char *team, enum role role, bool exec);

/* How many audit events in st have this action (and, if detail is not NULL, a detail
 * containing it). */
size_t testhost_audit_count(struct store *st, const char *action, const char *detail);

/* ---- the shell ------------------------------------------------------------------------------ */

/* Stops the current shell, as a dropped connection would: queued pool work completes with the
 * shell gone, queued password work is dropped; then frees the shell and the output. */
void testhost_stop(struct testhost *th);
/* Stops the current shell and starts a new one for the account name (looked up in th->st),
 * with the host callbacks caps and the options opts. Returns th->sh. */
struct shell *testhost_start(struct testhost *th, const char *name, unsigned caps,
                             const struct shell_opts *opts);
/* The same for a user given whole (no account lookup). */
struct shell *testhost_start_user(struct testhost *th, const struct shell_user *user, unsigned caps,
                                  const struct shell_opts *opts);
/* Runs cmd in exec mode as name (opts with exec set to cmd), feeds in (NULL: nothing) and EOF,
 * drains until no work is left; asserts the shell exited once. Returns its exit status. */
int testhost_exec(struct testhost *th, const char *name, unsigned caps,
                  const struct shell_opts *opts, const char *cmd, const char *in);
/* Feeds the bytes of s (a line ends with "\r") to the shell. */
void testhost_feed(struct testhost *th, const char *s);
/* Clears the output, feeds s, returns what it wrote (both streams). */
const char *testhost_type(struct testhost *th, const char *s);
/* The output on stream (0: both), NUL-terminated, owned by th. */
const char *testhost_out(struct testhost *th, int stream);
/* Clears the output of every stream. */
void testhost_clear(struct testhost *th);
/* Runs the queued jobs in order (asserting the shell is busy for each), and any they queue;
 * gone: as if the session went away meanwhile (pool work completes with the shell NULL,
 * password work is dropped). Returns how many jobs it took off the queue. */
size_t testhost_drain(struct testhost *th, bool gone);

/* Fails the test, showing the output, unless out contains want (or, _not, lacks it). */
#define testhost_expect(out, want)                                                                 \
	do {                                                                                       \
		const char *testhost_o_ = (out);                                                   \
		if (strstr(testhost_o_, (want)) == NULL)                                           \
			fail_msg("output lacks \"%s\":\n%s", (want), testhost_o_);                 \
	} while (0)
#define testhost_expect_not(out, unwanted)                                                         \
	do {                                                                                       \
		const char *testhost_o_ = (out);                                                   \
		if (strstr(testhost_o_, (unwanted)) != NULL)                                       \
			fail_msg("output has \"%s\":\n%s", (unwanted), testhost_o_);               \
	} while (0)
/* The same on the current shell's output on stream. */
#define testhost_has(th, stream, want) testhost_expect(testhost_out((th), (stream)), (want))
#define testhost_lacks(th, stream, unwanted)                                                       \
	testhost_expect_not(testhost_out((th), (stream)), (unwanted))

#endif
