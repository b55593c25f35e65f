/* store_seal — the sealer on the writing connection, the key state file, and verification of
 * the chain and its seals (see the header). Calls store.c, store_tx.c and audit_seal.c; it is
 * called back by store_tx.c (before and after each commit) through the hooks in struct
 * store. */
#include "store_seal.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "store_audit.h"
#include "store_int.h"
#include "store_tx.h"

static const char store_seal_zero_mac[AUDIT_SEAL_MAC_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

#define STORE_SEAL_COLS "n, seq, ts_ms, every, interval_s, hash, prev_mac, mac"

static const char store_seal_sql_head[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
static const char store_seal_sql_last[] =
    "SELECT " STORE_SEAL_COLS " FROM audit_seals ORDER BY n DESC LIMIT 1";
static const char store_seal_sql_insert[] =
    "INSERT INTO audit_seals (" STORE_SEAL_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char store_seal_sql_all[] =
    "SELECT " STORE_SEAL_COLS " FROM audit_seals ORDER BY n";
static const char store_seal_sql_range[] =
    "SELECT " STORE_SEAL_COLS " FROM audit_seals WHERE seq > ?1 AND seq <= ?2 ORDER BY n"
    " LIMIT ?3";
static const char store_seal_sql_events[] =
    "SELECT seq, ts_ms, account, role, session, peer, transport, action, target, detail,"
    " prev_hash, hash FROM audit WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3";

/* The sealer of a writing connection. */
struct store_seal {
	struct audit_seal_key key; /* K(key.index): the next seal's key */
	char *path;
	int64_t every, interval_s;
	bool force;   /* store_seal_now: seal at this commit whatever the count */
	bool pending; /* a seal was written in the open transaction */
	int write_rc; /* the last rewrite of the key state: 0 or -errno */
	struct audit_seal made;
	store_seal_log_fn log;
	void *log_arg;
};

/* ---- key files -------------------------------------------------------------------------- */

int store_seal_key_read(const char *path, struct audit_seal_key *out)
{
	char buf[AUDIT_SEAL_KEY_FILE_MAX + 1];
	ssize_t r;
	size_t len = 0;
	int fd, rc;

	memset(out, 0, sizeof *out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof buf && (r = read(fd, buf + len, sizeof buf - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			close(fd);
			sodium_memzero(buf, sizeof buf);
			return rc;
		}
		len += (size_t)r;
	}
	close(fd);
	if (len > AUDIT_SEAL_KEY_FILE_MAX)
		rc = -EFBIG;
	else
		rc = audit_seal_key_parse(buf, len, out);
	sodium_memzero(buf, sizeof buf);
	return rc;
}

/* fsync of the directory holding path, so that a rename survives a power loss. */
static int store_seal_sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

int store_seal_key_write(const char *path, const struct audit_seal_key *k, bool excl)
{
	char text[AUDIT_SEAL_KEY_FILE_MAX], tmp[4096 + 8];
	size_t len, off = 0;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	if (excl && access(path, F_OK) == 0)
		return -EEXIST;
	len = audit_seal_key_format(k, text, sizeof text);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		sodium_memzero(text, sizeof text);
		return -errno;
	}
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = w < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)w;
	}
	sodium_memzero(text, sizeof text);
	if (rc == 0 && fchmod(fd, 0600) != 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && excl && link(tmp, path) != 0)
		rc = -errno;
	else if (rc == 0 && !excl && rename(tmp, path) != 0)
		rc = -errno;
	if (excl || rc != 0)
		unlink(tmp);
	if (rc == 0)
		rc = store_seal_sync_dir(path);
	return rc;
}

/* ---- reading seals ---------------------------------------------------------------------- */

static void store_seal_col_hex(sqlite3_stmt *s, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	snprintf(out, cap, "%s", t != NULL ? (const char *)t : "");
}

static void store_seal_fill(sqlite3_stmt *s, struct audit_seal *out)
{
	memset(out, 0, sizeof *out);
	out->n = sqlite3_column_int64(s, 0);
	out->seq = sqlite3_column_int64(s, 1);
	out->ts_ms = sqlite3_column_int64(s, 2);
	out->every = sqlite3_column_int64(s, 3);
	out->interval_s = sqlite3_column_int64(s, 4);
	store_seal_col_hex(s, 5, out->hash, sizeof out->hash);
	store_seal_col_hex(s, 6, out->prev_mac, sizeof out->prev_mac);
	store_seal_col_hex(s, 7, out->mac, sizeof out->mac);
}

/* The last seal by n: 1 with *out, 0 when there is none, < 0. */
static int store_seal_last(struct store *st, struct audit_seal *out)
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, store_seal_sql_last, &s);

	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		store_seal_fill(s, out);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

/* The head of the chain: (0, genesis) for an empty log. */
static int store_seal_head(struct store *st, int64_t *seq, char hash[AUDIT_HASH_HEX + 1])
{
	sqlite3_stmt *s = NULL;
	int rc = store_stmt(st, store_seal_sql_head, &s);

	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	*seq = 0;
	memcpy(hash, audit_genesis_hash, AUDIT_HASH_HEX + 1);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(s, 0);
		store_seal_col_hex(s, 1, hash, AUDIT_HASH_HEX + 1);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

static int store_seal_collect(struct store *st, sqlite3_stmt *s, struct audit_seal **out,
                              size_t *n)
{
	size_t cap = 0;
	void *list = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (store_grow(&list, &cap, *n, sizeof **out) < 0) {
			store_stmt_done(s);
			free(list);
			return -ENOMEM;
		}
		store_seal_fill(s, (struct audit_seal *)list + *n);
		(*n)++;
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(st, rc);
	store_stmt_done(s);
	if (rc < 0) {
		free(list);
		*n = 0;
		return rc;
	}
	*out = list;
	return 0;
}

int store_seal_list(struct store *st, int64_t after_seq, int64_t upto_seq, size_t limit,
                    struct audit_seal **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = STORE_PREP(st, store_seal_sql_range, &s, STORE_I(after_seq), STORE_I(upto_seq),
	                STORE_I((int64_t)limit));
	if (rc < 0)
		return rc;
	return store_seal_collect(st, s, out, n);
}

/* ---- the sealer -------------------------------------------------------------------------- */

/* Before a commit: seals the head when `every` events came since the last seal (or when
 * forced and any came). */
static int store_seal_pre_cb(struct store *st)
{
	struct store_seal *sl = st->seal;
	struct audit_seal last, s;
	sqlite3_stmt *stmt = NULL;
	int64_t head;
	int rc, have;

	sl->pending = false;
	memset(&s, 0, sizeof s);
	rc = store_seal_head(st, &head, s.hash);
	if (rc < 0)
		return rc;
	have = store_seal_last(st, &last);
	if (have < 0)
		return have;
	if (have) {
		if (head <= last.seq)
			return 0;
		if (!sl->force && head - last.seq < sl->every)
			return 0;
		/* The database is ahead of the key (another writer sealed): catch up. */
		if (last.n >= sl->key.index)
			audit_seal_ratchet_to(&sl->key, last.n + 1);
		memcpy(s.prev_mac, last.mac, sizeof s.prev_mac);
	} else {
		memcpy(s.prev_mac, store_seal_zero_mac, sizeof s.prev_mac);
	}
	s.n = sl->key.index;
	s.seq = head;
	s.ts_ms = store_now_ms();
	s.every = sl->every;
	s.interval_s = sl->interval_s;
	rc = audit_seal_mac(sl->key.key, &s, s.mac);
	if (rc < 0)
		return store_fail_msg(st, rc, "libsodium initialisation failed");
	rc = store_stmt(st, store_seal_sql_insert, &stmt);
	if (rc < 0)
		return rc;
	rc = STORE_BIND(st, stmt, STORE_I(s.n), STORE_I(s.seq), STORE_I(s.ts_ms), STORE_I(s.every),
	                STORE_I(s.interval_s), STORE_T(s.hash), STORE_T(s.prev_mac),
	                STORE_T(s.mac));
	if (rc < 0)
		return rc;
	rc = store_run(st, stmt, NULL);
	if (rc < 0)
		return rc;
	sl->made = s;
	sl->pending = true;
	return 0;
}

/* After the commit (or the rollback): the sealed key is replaced by the next and wiped. */
static void store_seal_post_cb(struct store *st, bool committed)
{
	struct store_seal *sl = st->seal;
	int rc;

	if (!sl->pending)
		return;
	sl->pending = false;
	if (!committed)
		return;
	audit_seal_ratchet_to(&sl->key, sl->made.n + 1);
	rc = store_seal_key_write(sl->path, &sl->key, false);
	sl->write_rc = rc;
	if (sl->log != NULL)
		sl->log(sl->log_arg, &sl->made, rc, rc < 0 ? strerror(-rc) : NULL);
}

const char *store_seal_path(const struct store *st)
{
	return st != NULL && st->seal != NULL ? st->seal->path : NULL;
}

static void store_seal_free_cb(struct store *st)
{
	store_seal_detach(st);
}

void store_seal_detach(struct store *st)
{
	struct store_seal *sl = st != NULL ? st->seal : NULL;

	if (sl == NULL)
		return;
	st->seal = NULL;
	st->seal_pre = NULL;
	st->seal_post = NULL;
	st->seal_free = NULL;
	free(sl->path);
	sodium_memzero(sl, sizeof *sl);
	free(sl);
}

static int store_seal_install(struct store *st, const char *path, const struct audit_seal_key *k,
                              int64_t every, int64_t interval_s, store_seal_log_fn log,
                              void *arg)
{
	struct store_seal *sl = calloc(1, sizeof *sl);

	if (sl == NULL)
		return -ENOMEM;
	sl->path = strdup(path);
	if (sl->path == NULL) {
		free(sl);
		return -ENOMEM;
	}
	sl->key = *k;
	sl->every = every > 0 ? every : 1;
	sl->interval_s = interval_s;
	sl->log = log;
	sl->log_arg = arg;
	store_seal_detach(st);
	st->seal = sl;
	st->seal_pre = store_seal_pre_cb;
	st->seal_post = store_seal_post_cb;
	st->seal_free = store_seal_free_cb;
	return 0;
}

int store_seal_attach(struct store *st, const char *path, int64_t every, int64_t interval_s,
                      store_seal_log_fn log, void *arg)
{
	struct audit_seal_key k;
	struct audit_seal last;
	int rc, have;

	rc = store_seal_key_read(path, &k);
	if (rc == -ENOENT)
		return STORE_ENOENT;
	if (rc < 0)
		return store_fail_msg(st, rc, "the audit key state file cannot be read");
	have = store_seal_last(st, &last);
	if (have <= 0) {
		sodium_memzero(&k, sizeof k);
		return have < 0 ? have
		                : store_fail_msg(st, STORE_ESTATE,
		                                 "the database has no seal #0 for this key");
	}
	/* A crash between a seal's commit and the key's rewrite left the old key: move on. */
	if (last.n >= k.index) {
		audit_seal_ratchet_to(&k, last.n + 1);
		rc = store_seal_key_write(path, &k, false);
		if (rc < 0) {
			sodium_memzero(&k, sizeof k);
			return store_fail_msg(st, rc, "the audit key state file cannot be written");
		}
	}
	(void)chmod(path, 0600);
	rc = store_seal_install(st, path, &k, every, interval_s, log, arg);
	sodium_memzero(&k, sizeof k);
	return rc;
}

void store_seal_set_policy(struct store *st, int64_t every, int64_t interval_s)
{
	if (st->seal == NULL)
		return;
	st->seal->every = every > 0 ? every : 1;
	st->seal->interval_s = interval_s;
}

int store_seal_now(struct store *st)
{
	int rc;

	if (st->seal == NULL)
		return STORE_ENOENT;
	rc = store_tx_begin(st);
	if (rc < 0)
		return rc;
	st->seal->force = true;
	rc = store_tx_end(st, 0);
	if (st->seal != NULL)
		st->seal->force = false;
	return rc;
}

int store_seal_init(struct store *st, const char *path, const struct audit_ctx *ctx,
                    int64_t every, int64_t interval_s, struct audit_seal_key *k0)
{
	struct audit_seal last;
	int rc;

	memset(k0, 0, sizeof *k0);
	rc = store_seal_last(st, &last);
	if (rc != 0)
		return rc < 0 ? rc : store_fail_msg(st, STORE_EEXIST, "the audit log is sealed already");
	if (sodium_init() < 0)
		return -ENOMEM;
	randombytes_buf(k0->key, sizeof k0->key);
	k0->index = 0;
	rc = store_seal_key_write(path, k0, true);
	if (rc < 0) {
		sodium_memzero(k0, sizeof *k0);
		return rc;
	}
	rc = store_seal_install(st, path, k0, every, interval_s, NULL, NULL);
	if (rc == 0) {
		rc = store_tx_begin(st);
		if (rc == 0) {
			st->seal->force = true;
			rc = store_tx_end(st, store_audit_append(st, ctx, store_now_ms(),
			                                         "audit.seal.init", NULL,
			                                         "sealing starts"));
		}
		if (rc == 0 && st->seal->write_rc < 0)
			rc = store_fail_msg(st, st->seal->write_rc, "the key state cannot be written");
		else if (rc == 0 && st->seal->key.index != 1)
			rc = store_fail_msg(st, STORE_EIO, "seal #0 was not written");
	}
	store_seal_detach(st);
	if (rc < 0) {
		unlink(path);
		sodium_memzero(k0, sizeof *k0);
	}
	return rc;
}

/* ---- verification ------------------------------------------------------------------------ */

static const char store_seal_sql_link_at[] = "SELECT prev_hash, hash FROM audit WHERE seq = ?1";
static const char store_seal_sql_ts_at[] = "SELECT ts_ms FROM audit WHERE seq = ?1";

/* Grace past a seal's interval before an unsealed tail counts as left unsealed. */
#define STORE_SEAL_GRACE_MS 60000

const char *store_seal_fault_name(int fault)
{
	static const char *const names[] = {
	    "ok",     "altered", "inserted", "deleted", "reordered", "truncated",
	    "rebuilt", "forged", "missing",  "unsealed", "keystate",
	};

	return fault >= 0 && (size_t)fault < STORE_NELEM(names) ? names[fault] : "unknown";
}

static void store_seal_verify_fail(struct store_seal_verify *v, int fault, int64_t seq,
                                   int64_t seal, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void store_seal_verify_fail(struct store_seal_verify *v, int fault, int64_t seq,
                                   int64_t seal, const char *fmt, ...)
{
	va_list ap;

	v->fault = fault;
	v->bad_seq = seq;
	v->bad_seal = seal;
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof v->detail, fmt, ap);
	va_end(ap);
	v->done = true;
}

/* One text column of a stored value, for a link or a hash; "" for anything else. */
static int store_seal_text_at(struct store *st, const char *sql, int64_t seq, int col,
                              char *out, size_t cap, bool *found)
{
	sqlite3_stmt *s = NULL;
	int rc = STORE_PREP(st, sql, &s, STORE_I(seq));

	*found = false;
	out[0] = '\0';
	if (rc < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found = true;
		store_seal_col_hex(s, col, out, cap);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : store_fail(st, rc);
	}
	store_stmt_done(s);
	return rc;
}

/* Checks seal i; chain_hash is the chain's hash at its seq (NULL: before the stretch
 * verified). */
static void store_seal_verify_seal(struct store_seal_verify *v, size_t i, const char *chain_hash)
{
	const struct audit_seal *s = &v->seals[i], *p = i > 0 ? &v->seals[i - 1] : NULL;
	int64_t first = p != NULL ? p->seq + 1 : 1;

	if (p == NULL && s->n != 0) {
		store_seal_verify_fail(v, STORE_SEAL_MISSING, 1, 0,
		                       "seals #0 to #%lld are missing (the first is #%lld)",
		                       (long long)s->n - 1, (long long)s->n);
		return;
	}
	if (p != NULL && s->n != p->n + 1) {
		store_seal_verify_fail(v, STORE_SEAL_MISSING, first, p->n + 1,
		                       "seals #%lld to #%lld are missing (the log was cut after "
		                       "event %lld and written anew, or seals were deleted)",
		                       (long long)p->n + 1, (long long)s->n - 1, (long long)p->seq);
		return;
	}
	if (strcmp(s->prev_mac, p != NULL ? p->mac : store_seal_zero_mac) != 0 ||
	    (p != NULL && s->seq < p->seq)) {
		store_seal_verify_fail(v, STORE_SEAL_FORGED, first, s->n,
		                       "seal #%lld is not chained to the seal before it",
		                       (long long)s->n);
		return;
	}
	if (chain_hash != NULL && strcmp(s->hash, chain_hash) != 0 && v->first_late != 0) {
		store_seal_verify_fail(v, STORE_SEAL_TRUNCATED, v->first_late, s->n,
		                       "events from %lld on were written after seal #%lld sealed "
		                       "the log up to event %lld: the sealed events were deleted and "
		                       "the log written anew",
		                       (long long)v->first_late, (long long)s->n, (long long)s->seq);
		return;
	}
	if (chain_hash != NULL && strcmp(s->hash, chain_hash) != 0) {
		store_seal_verify_fail(v, STORE_SEAL_REBUILT, first, s->n,
		                       "seal #%lld sealed event %lld with another hash: events %lld to "
		                       "%lld were rewritten and the chain recomputed",
		                       (long long)s->n, (long long)s->seq, (long long)first,
		                       (long long)s->seq);
		return;
	}
	if (v->have_key) {
		/* Each seal after #0 seals at least one more event: a larger number is made up
		 * (and would take that many ratchet steps). */
		if (s->n > v->head_seq + 1) {
			store_seal_verify_fail(v, STORE_SEAL_FORGED, first, s->n,
			                       "seal #%lld cannot exist in a log of %lld events",
			                       (long long)s->n, (long long)v->head_seq);
			return;
		}
		if (s->n < v->key.index) {
			store_seal_verify_fail(v, STORE_SEAL_FORGED, first, s->n,
			                       "the key given is key #%lld, later than seal #%lld: it "
			                       "cannot prove it (give the first key)",
			                       (long long)v->key.index, (long long)s->n);
			return;
		}
		audit_seal_ratchet_to(&v->key, s->n);
		if (!audit_seal_check(v->key.key, s)) {
			store_seal_verify_fail(v, STORE_SEAL_FORGED, first, s->n,
			                       s->n == 0 ? "seal #0 does not verify under the key: it "
			                                   "is the wrong key, or the seal is forged"
			                                 : "seal #%lld does not verify under the key: it "
			                                   "was forged or resealed with another key",
			                       (long long)s->n);
			return;
		}
	}
	v->seals_checked++;
	if (s->seq > v->sealed_seq)
		v->sealed_seq = s->seq;
}

int store_seal_verify_begin(struct store *st, struct store_seal_verify *v)
{
	char head_hash[AUDIT_HASH_HEX + 1];
	sqlite3_stmt *s = NULL;
	bool found;
	int rc;

	v->fault = STORE_SEAL_OK;
	v->bad_seal = -1;
	v->done = false;
	/* The walk reads the whole log: mapped, it is not copied page by page. */
	(void)sqlite3_exec(st->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
	rc = store_seal_head(st, &v->head_seq, head_hash);
	if (rc < 0)
		return rc;
	rc = store_stmt(st, store_seal_sql_all, &s);
	if (rc < 0)
		return rc;
	rc = store_seal_collect(st, s, &v->seals, &v->nseals);
	if (rc < 0)
		return rc;
	if (v->from_seq < 1)
		v->from_seq = 1;
	if (v->from_seq > v->head_seq + 1)
		v->from_seq = v->head_seq + 1;
	memcpy(v->prev, audit_genesis_hash, sizeof v->prev);
	v->have_prev2 = false;
	if (v->from_seq > 1) {
		rc = store_seal_text_at(st, store_seal_sql_link_at, v->from_seq - 1, 1, v->prev,
		                        sizeof v->prev, &found);
		if (rc < 0)
			return rc;
		if (!found) {
			store_seal_verify_fail(v, STORE_SEAL_DELETED, v->from_seq - 1, -1,
			                       "event %lld is missing", (long long)v->from_seq - 1);
			return 0;
		}
	}
	v->next_seq = v->from_seq;
	v->total = v->head_seq - v->from_seq + 1;
	v->si = 0;
	while (!v->done && v->si < v->nseals && v->seals[v->si].seq < v->from_seq) {
		store_seal_verify_seal(v, v->si,
		                       v->seals[v->si].seq == 0 ? audit_genesis_hash : NULL);
		v->si++;
	}
	return 0;
}

/* After the last event: what the seals and the key state say of the end of the log. */
static int store_seal_verify_end(struct store *st, struct store_seal_verify *v)
{
	const struct audit_seal *last = v->nseals > 0 ? &v->seals[v->nseals - 1] : NULL;
	char ts[32];
	bool found;
	int rc;

	v->done = true;
	if (v->si < v->nseals) {
		const struct audit_seal *s = &v->seals[v->si];

		if (s->seq > v->head_seq)
			store_seal_verify_fail(v, STORE_SEAL_TRUNCATED,
			                       v->first_late != 0 ? v->first_late : v->head_seq + 1, s->n,
			                       "seal #%lld sealed the log up to event %lld, but it ends "
			                       "at %lld: events %lld to %lld were deleted",
			                       (long long)s->n, (long long)s->seq,
			                       (long long)v->head_seq, (long long)v->head_seq + 1,
			                       (long long)s->seq);
		else
			store_seal_verify_fail(v, STORE_SEAL_FORGED, s->seq, s->n,
			                       "seal #%lld names event %lld out of order",
			                       (long long)s->n, (long long)s->seq);
		return 0;
	}
	if (v->have_state && v->state.index - 1 > (last != NULL ? last->n : -1)) {
		store_seal_verify_fail(v, STORE_SEAL_TRUNCATED, v->sealed_seq + 1,
		                       last != NULL ? last->n + 1 : 0,
		                       "the sealing key has moved on to #%lld, but the last seal is "
		                       "#%lld: seals and the events after event %lld were removed",
		                       (long long)v->state.index, last != NULL ? (long long)last->n : -1LL,
		                       (long long)v->sealed_seq);
		return 0;
	}
	if (v->have_state && v->have_key) {
		struct audit_seal_key k = v->key;

		if (v->state.index > v->head_seq + 2) {
			store_seal_verify_fail(v, STORE_SEAL_KEYSTATE, 0, v->state.index,
			                       "the service's sealing key claims #%lld, more seals than "
			                       "a log of %lld events can have",
			                       (long long)v->state.index, (long long)v->head_seq);
			return 0;
		}

		if (v->state.index >= k.index)
			audit_seal_ratchet_to(&k, v->state.index);
		if (v->state.index < k.index ||
		    sodium_memcmp(k.key, v->state.key, sizeof k.key) != 0) {
			sodium_memzero(&k, sizeof k);
			store_seal_verify_fail(v, STORE_SEAL_KEYSTATE, 0, v->state.index,
			                       "the service's sealing key is not key #%lld of the key "
			                       "given: the key state was replaced, or this is another "
			                       "desk's key",
			                       (long long)v->state.index);
			return 0;
		}
		sodium_memzero(&k, sizeof k);
	}
	if (v->have_key && v->nseals == 0) {
		store_seal_verify_fail(v, STORE_SEAL_MISSING, 1, 0,
		                       "the log has no seal at all: its seals were removed");
		return 0;
	}
	v->unsealed = v->head_seq - v->sealed_seq;
	if (v->unsealed > 0 && last != NULL && last->interval_s > 0) {
		rc = store_seal_text_at(st, store_seal_sql_ts_at, v->sealed_seq + 1, 0, ts, sizeof ts,
		                        &found);
		if (rc < 0)
			return rc;
		if (found && v->now_ms - strtoll(ts, NULL, 10) >
		                 last->interval_s * 1000 + STORE_SEAL_GRACE_MS)
			store_seal_verify_fail(v, STORE_SEAL_UNSEALED, v->sealed_seq + 1, last->n + 1,
			                       "events %lld to %lld should have been sealed within %lld "
			                       "s and are not: sealing stopped",
			                       (long long)v->sealed_seq + 1, (long long)v->head_seq,
			                       (long long)last->interval_s);
	}
	return 0;
}

/* Column i as hashed text: false when it is neither NULL nor exactly a text without NUL. */
static bool store_seal_col(sqlite3_stmt *s, int i, const char **out)
{
	int type = sqlite3_column_type(s, i);

	*out = NULL;
	if (type == SQLITE_NULL)
		return true;
	if (type != SQLITE_TEXT)
		return false;
	*out = (const char *)sqlite3_column_text(s, i);
	return *out != NULL && strlen(*out) == (size_t)sqlite3_column_bytes(s, i);
}

/* An event whose link to the one before is broken: which attack it looks like. */
static int store_seal_verify_link(struct store *st, struct store_seal_verify *v, int64_t seq,
                                  const char *stored_prev, bool self_ok)
{
	char next_prev[AUDIT_HASH_HEX + 1], next_hash[AUDIT_HASH_HEX + 1];
	bool found;
	int rc;

	if (v->have_prev2 && stored_prev != NULL && strcmp(stored_prev, v->prev2) == 0) {
		store_seal_verify_fail(v, STORE_SEAL_INSERTED, seq - 1, -1,
		                       "event %lld is not chained by the event after it: it was "
		                       "inserted",
		                       (long long)seq - 1);
		return 0;
	}
	rc = store_seal_text_at(st, store_seal_sql_link_at, seq + 1, 0, next_prev, sizeof next_prev,
	                        &found);
	if (rc < 0)
		return rc;
	if (found) {
		rc = store_seal_text_at(st, store_seal_sql_link_at, seq + 1, 1, next_hash,
		                        sizeof next_hash, &found);
		if (rc < 0)
			return rc;
	}
	if (found && stored_prev != NULL && strcmp(next_prev, v->prev) == 0 &&
	    strcmp(next_hash, stored_prev) == 0) {
		store_seal_verify_fail(v, STORE_SEAL_REORDERED, seq, -1,
		                       "events %lld and %lld were swapped", (long long)seq,
		                       (long long)seq + 1);
		return 0;
	}
	if (!self_ok)
		store_seal_verify_fail(v, STORE_SEAL_ALTERED, seq, -1,
		                       "event %lld was altered: its fields no longer give its hash",
		                       (long long)seq);
	else
		store_seal_verify_fail(v, STORE_SEAL_DELETED, seq, -1,
		                       "event %lld is chained to an event that is not in the log: "
		                       "the event before it was deleted or replaced",
		                       (long long)seq);
	return 0;
}

/* Reads the event in the current row of s into r (strings borrowed from s) and hashes it:
 * *self_ok when its fields give its stored hash. 0, or -ENOMEM (libsodium). */
static int store_seal_row(sqlite3_stmt *s, struct audit_record *r, const char **stored_prev,
                          const char **stored_hash, char hash[AUDIT_HASH_HEX + 1], bool *self_ok)
{
	bool ok;

	r->seq = sqlite3_column_int64(s, 0);
	ok = sqlite3_column_type(s, 1) == SQLITE_INTEGER;
	r->ts_ms = sqlite3_column_int64(s, 1);
	ok = store_seal_col(s, 2, &r->account) && ok;
	ok = store_seal_col(s, 3, &r->role) && ok;
	ok = store_seal_col(s, 4, &r->session) && ok;
	ok = store_seal_col(s, 5, &r->peer) && ok;
	ok = store_seal_col(s, 6, &r->transport) && ok;
	ok = store_seal_col(s, 7, &r->action) && ok;
	ok = store_seal_col(s, 8, &r->target) && ok;
	ok = store_seal_col(s, 9, &r->detail) && ok;
	ok = store_seal_col(s, 10, stored_prev) && ok;
	ok = store_seal_col(s, 11, stored_hash) && ok;
	*self_ok = false;
	if (ok && *stored_prev != NULL && *stored_hash != NULL) {
		r->prev_hash = *stored_prev;
		if (audit_hash(r, hash) < 0)
			return -ENOMEM;
		*self_ok = strcmp(hash, *stored_hash) == 0;
	}
	return 0;
}

/* The second half of a step, on a thread of its own with a read connection of its own: it
 * checks only what holds in a log nobody touched (numbers one after another, each event's
 * hash, each link inside the half, the hash of each seal it reaches, no event later than the
 * seal after it). When anything else is found the first thread walks the half again itself,
 * with every check and the names of the attacks. */
struct store_seal_half {
	const struct store_seal_verify *v; /* read only: its seals */
	const char *path;
	int64_t lo, hi;
	size_t si; /* the first seal with seq >= lo */
	bool clean;
	char first_prev[AUDIT_HASH_HEX + 1], last[AUDIT_HASH_HEX + 1],
	    before_last[AUDIT_HASH_HEX + 1];
};

static void *store_seal_half_main(void *arg)
{
	struct store_seal_half *h = arg;
	char hash[AUDIT_HASH_HEX + 1];
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t expect = h->lo;
	size_t si = h->si;
	int rc;

	/* A connection of this thread alone: no mutex, and the file mapped rather than read. */
	h->clean = false;
	if (sqlite3_open_v2(h->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	        SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, store_seal_sql_events, -1, &s, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 1000);
	sqlite3_bind_int64(s, 1, h->lo);
	sqlite3_bind_int64(s, 2, h->hi);
	sqlite3_bind_int64(s, 3, h->hi - h->lo + 1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *stored_prev, *stored_hash;
		struct audit_record r;
		bool self_ok;

		if (store_seal_row(s, &r, &stored_prev, &stored_hash, hash, &self_ok) < 0 ||
		    !self_ok || r.seq != expect)
			break;
		if (r.seq == h->lo)
			memcpy(h->first_prev, stored_prev, sizeof h->first_prev);
		else if (strcmp(stored_prev, h->last) != 0)
			break;
		if (si < h->v->nseals && r.ts_ms > h->v->seals[si].ts_ms)
			break;
		while (si < h->v->nseals && h->v->seals[si].seq == r.seq &&
		       strcmp(h->v->seals[si].hash, hash) == 0)
			si++;
		if (si < h->v->nseals && h->v->seals[si].seq <= r.seq)
			break;
		memcpy(h->before_last, h->last, sizeof h->last);
		memcpy(h->last, hash, sizeof h->last);
		expect++;
	}
	h->clean = rc == SQLITE_DONE && expect == h->hi + 1;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return NULL;
}

static int store_seal_verify_run(struct store *st, struct store_seal_verify *v, int64_t upto,
                                 int64_t max_rows, int64_t *nrows);

/* Events per thread below which a step is not split. */
#define STORE_SEAL_SPLIT_MIN 20000

int store_seal_verify_step(struct store *st, struct store_seal_verify *v, int64_t max_rows)
{
	struct store_seal_half h;
	int64_t end, mid, rows = 0;
	pthread_t th;
	bool split;
	int rc;

	if (v->done)
		return 0;
	if (v->next_seq > v->head_seq)
		return store_seal_verify_end(st, v);
	end = v->head_seq - v->next_seq + 1 > max_rows ? v->next_seq + max_rows - 1 : v->head_seq;
	mid = v->next_seq + (end - v->next_seq + 1) / 2;
	split = end - v->next_seq + 1 >= 2 * STORE_SEAL_SPLIT_MIN &&
	        sqlite3_db_filename(st->db, "main") != NULL;
	if (split) {
		memset(&h, 0, sizeof h);
		h.v = v;
		h.path = sqlite3_db_filename(st->db, "main");
		h.lo = mid;
		h.hi = end;
		h.si = v->si;
		while (h.si < v->nseals && v->seals[h.si].seq < mid)
			h.si++;
		split = pthread_create(&th, NULL, store_seal_half_main, &h) == 0;
	}
	rc = store_seal_verify_run(st, v, split ? mid - 1 : end, max_rows, &rows);
	if (split) {
		pthread_join(th, NULL);
		if (rc == 0 && !v->done && v->next_seq == mid && h.clean &&
		    strcmp(h.first_prev, v->prev) == 0) {
			/* The half is whole: its seals (their hashes matched) are checked here. */
			while (!v->done && v->si < v->nseals && v->seals[v->si].seq <= end) {
				store_seal_verify_seal(v, v->si, v->seals[v->si].hash);
				v->si++;
			}
			v->checked += end - mid + 1;
			v->next_seq = end + 1;
			v->first_late = 0;
			memcpy(v->prev, h.last, sizeof v->prev);
			memcpy(v->prev2, h.before_last, sizeof v->prev2);
			v->have_prev2 = true;
			rows += end - mid + 1;
		} else if (rc == 0 && !v->done && rows > 0) {
			int64_t more = 0;

			rc = store_seal_verify_run(st, v, end, end - v->next_seq + 1, &more);
			rows += more;
		}
	}
	if (rc < 0)
		return rc;
	if (!v->done && (rows == 0 || v->next_seq > v->head_seq))
		return store_seal_verify_end(st, v);
	return 0;
}

/* The walk over events next_seq..upto (at most max_rows), with every check and the seals it
 * reaches; *rows gets the rows read. */
static int store_seal_verify_run(struct store *st, struct store_seal_verify *v, int64_t upto,
                                 int64_t max_rows, int64_t *nrows)
{
	char hash[AUDIT_HASH_HEX + 1];
	sqlite3_stmt *s = NULL;
	int64_t rows = 0;
	int rc;

	*nrows = 0;
	rc = STORE_PREP(st, store_seal_sql_events, &s, STORE_I(v->next_seq), STORE_I(upto),
	                STORE_I(max_rows));
	if (rc < 0)
		return rc;
	while (!v->done && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *stored_prev, *stored_hash;
		struct audit_record r;
		bool self_ok;

		rows++;
		r.seq = sqlite3_column_int64(s, 0);
		if (r.seq != v->next_seq) {
			store_seal_verify_fail(v, STORE_SEAL_DELETED, v->next_seq, -1,
			                       r.seq == v->next_seq + 1
			                           ? "event %lld was deleted"
			                           : "events from %lld to %lld were deleted",
			                       (long long)v->next_seq, (long long)r.seq - 1);
			break;
		}
		if (store_seal_row(s, &r, &stored_prev, &stored_hash, hash, &self_ok) < 0) {
			rc = store_fail_msg(st, -ENOMEM, "libsodium initialisation failed");
			break;
		}
		if (stored_prev == NULL || strcmp(stored_prev, v->prev) != 0) {
			rc = store_seal_verify_link(st, v, r.seq, stored_prev, self_ok);
			if (rc < 0)
				break;
			break;
		}
		if (!self_ok) {
			store_seal_verify_fail(v, STORE_SEAL_ALTERED, r.seq, -1,
			                       "event %lld was altered: its fields no longer give its "
			                       "hash",
			                       (long long)r.seq);
			break;
		}
		memcpy(v->prev2, v->prev, sizeof v->prev2);
		memcpy(v->prev, hash, sizeof v->prev);
		v->have_prev2 = true;
		v->next_seq++;
		v->checked++;
		if (v->first_late == 0 && v->si < v->nseals && r.ts_ms > v->seals[v->si].ts_ms)
			v->first_late = r.seq;
		while (!v->done && v->si < v->nseals && v->seals[v->si].seq == r.seq) {
			store_seal_verify_seal(v, v->si, hash);
			v->si++;
			v->first_late = 0;
		}
		/* A seal naming an event before this one that the walk passed (out of order). */
		if (!v->done && v->si < v->nseals && v->seals[v->si].seq < r.seq) {
			store_seal_verify_fail(v, STORE_SEAL_FORGED, v->seals[v->si].seq,
			                       v->seals[v->si].n, "seal #%lld names event %lld out of order",
			                       (long long)v->seals[v->si].n,
			                       (long long)v->seals[v->si].seq);
		}
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = store_fail(st, rc);
	store_stmt_done(s);
	*nrows = rows;
	return rc;
}

void store_seal_verify_clear(struct store_seal_verify *v)
{
	if (v == NULL)
		return;
	free(v->seals);
	sodium_memzero(v, sizeof *v);
}
