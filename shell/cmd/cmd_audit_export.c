/* cmd_audit_export — audit export: the audit log and its seals, streamed to the client as JSON
 * lines or CSV with every chain field, for re-verification elsewhere
 * (scripts/audit-verify-export.py). The rows are read and formatted on the thread pool, a
 * chunk at a time; the loop only hands each chunk to the client, and asks for the next one
 * once the client has read the last one down (shell_flow.h): a slow reader holds the export
 * back, and the service keeps at most a few chunks of it whatever the log's size. The export
 * ends at the newest event when it began, so an export of a live log ends too.
 * --bundle (exec mode) writes one tar archive instead (POSIX ustar, made here): the export as
 * members audit/000001.jsonl, audit/000002.jsonl, ... (one per chunk, to be read in order),
 * then every recording that a recording.end event in it names, as recordings/DAY/NAME.cast,
 * for the auditors to check on another machine with scripts/audit-verify-export.py. */
#include "cmd_audit_export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "json.h"
#include "shell_flow.h"
#include "shell_int.h"
#include "store.h"
#include "store_auditlog.h"
#include "store_seal.h"

/* Bytes formatted per step on the pool (a chunk may pass it by one event or seal); the next
 * chunk is asked for once at most this much still waits for the client. */
#define CMD_AUDIT_EXPORT_CHUNK (1024 * 1024)
/* At most this many events per step, and the seals read ahead in windows of this many seqs. */
#define CMD_AUDIT_EXPORT_ROWS 20000

/* The CSV columns: an event fills type to hash, a seal type, seq, ts_ms, hash and n to mac. */
static const char cmd_audit_export_csv_head[] =
    "type,seq,ts_ms,account,role,session,peer,transport,action,target,detail,prev_hash,hash,"
    "n,every,interval_s,prev_mac,mac\r\n";

/* A tar block; the most recordings one bundle takes. */
#define CMD_AUDIT_EXPORT_BLOCK 512
#define CMD_AUDIT_EXPORT_RECORDINGS 100000

struct cmd_audit_exporter {
	int64_t after, upto; /* events seq > after, <= upto (the head when the export began) */
	bool started, csv, done;
	/* --bundle: the recordings named so far ("DAY/NAME.cast"), then sent one by one. */
	bool bundle, log_done;
	char *record_dir;
	char **rec;
	size_t nrec, caprec, ri;
	int64_t rec_off, rec_size; /* of rec[ri]: bytes sent, its size (-1: not begun) */
	int members;
	int64_t events, seals;
	/* The seals read ahead: sl[si..nsl) with seq in (seal_lo, seal_hi], none written yet. */
	struct audit_seal *sl;
	size_t nsl, si;
	int64_t seal_hi;
	struct store *ro; /* during a step */
	struct buf chunk; /* made on the pool, sent on the loop */
	int err;
};

static void cmd_audit_exporter_free(struct cmd_audit_exporter *x)
{
	size_t i;

	for (i = 0; i < x->nrec; i++)
		free(x->rec[i]);
	free(x->rec);
	free(x->record_dir);
	free(x->sl);
	buf_free(&x->chunk);
	free(x);
}

static void cmd_audit_export_seal(struct cmd_audit_exporter *x, const struct audit_seal *s)
{
	struct buf *o = &x->chunk;
	struct json j;

	x->seals++;
	if (x->csv) {
		/* account to prev_hash empty */
		buf_printf(o, "seal,%lld,%lld,,,,,,,,,,", (long long)s->seq, (long long)s->ts_ms);
		csv_put(o, s->hash);
		buf_printf(o, ",%lld,%lld,%lld,", (long long)s->n, (long long)s->every,
		           (long long)s->interval_s);
		csv_put(o, s->prev_mac);
		buf_putc(o, ',');
		csv_put(o, s->mac);
		buf_puts(o, "\r\n");
		return;
	}
	json_init(&j, o);
	json_object_begin(&j);
	json_kv_string(&j, "type", "seal");
	json_kv_int(&j, "n", s->n);
	json_kv_int(&j, "seq", s->seq);
	json_kv_int(&j, "ts_ms", s->ts_ms);
	json_kv_int(&j, "every", s->every);
	json_kv_int(&j, "interval_s", s->interval_s);
	json_kv_string(&j, "hash", s->hash);
	json_kv_string(&j, "prev_mac", s->prev_mac);
	json_kv_string(&j, "mac", s->mac);
	json_object_end(&j);
	buf_putc(o, '\n');
}

/* Writes every seal with seq <= upto not written yet (each right after the event it seals),
 * reading them ahead a window at a time: 0 or < 0. */
static int cmd_audit_export_seals_upto(struct cmd_audit_exporter *x, int64_t upto)
{
	for (;;) {
		int64_t hi;
		int rc;

		while (x->si < x->nsl && x->sl[x->si].seq <= upto)
			cmd_audit_export_seal(x, &x->sl[x->si++]);
		if (x->si < x->nsl || x->seal_hi >= upto)
			return 0;
		hi = (upto > x->seal_hi ? upto : x->seal_hi) + CMD_AUDIT_EXPORT_ROWS;
		if (hi > x->upto)
			hi = x->upto;
		if (hi < upto)
			hi = upto;
		free(x->sl);
		x->sl = NULL;
		x->nsl = x->si = 0;
		rc = store_seal_list(x->ro, x->seal_hi, hi, (size_t)(hi - x->seal_hi) * 2 + 16, &x->sl,
		                     &x->nsl);
		if (rc < 0)
			return rc;
		x->seal_hi = hi;
	}
}

/* ---- --bundle: a tar archive ---------------------------------------------------------- */

/* A ustar header for a regular file name of size bytes at out (a block). */
static void cmd_audit_export_tar_header(char *out, const char *name, int64_t size)
{
	unsigned sum = 0;
	size_t i, len = strlen(name);

	memset(out, 0, CMD_AUDIT_EXPORT_BLOCK);
	memcpy(out, name, len < 100 ? len : 99); /* names here are short (bundle_name) */
	snprintf(out + 100, 8, "%07o", 0644);
	snprintf(out + 108, 8, "%07o", 0);
	snprintf(out + 116, 8, "%07o", 0);
	snprintf(out + 124, 12, "%011llo", (unsigned long long)size);
	snprintf(out + 136, 12, "%011llo", (unsigned long long)(store_now_ms() / 1000));
	memset(out + 148, ' ', 8);
	out[156] = '0';
	memcpy(out + 257, "ustar", 6);
	memcpy(out + 263, "00", 2);
	memcpy(out + 265, "propdesk", 8);
	memcpy(out + 297, "propdesk", 8);
	for (i = 0; i < CMD_AUDIT_EXPORT_BLOCK; i++)
		sum += (unsigned char)out[i];
	snprintf(out + 148, 8, "%06o", sum);
	out[155] = ' ';
}

/* Zeros after n bytes of a member, up to the end of its last block. */
static void cmd_audit_export_tar_pad(struct buf *o, int64_t n)
{
	static const char zero[CMD_AUDIT_EXPORT_BLOCK];

	if (n % CMD_AUDIT_EXPORT_BLOCK != 0)
		buf_append(o, zero, (size_t)(CMD_AUDIT_EXPORT_BLOCK - n % CMD_AUDIT_EXPORT_BLOCK));
}

/* The chunk made so far (after its reserved first block) becomes member audit/NNNNNN.jsonl. */
static void cmd_audit_export_tar_chunk(struct cmd_audit_exporter *x)
{
	char name[32];
	int64_t n = (int64_t)x->chunk.len - CMD_AUDIT_EXPORT_BLOCK;

	snprintf(name, sizeof name, "audit/%06d.jsonl", ++x->members);
	cmd_audit_export_tar_header(x->chunk.data, name, n);
	cmd_audit_export_tar_pad(&x->chunk, n);
}

/* A recording.end event's file ("file=DAY/NAME.cast bytes=N blake2b=HEX"), kept for the
 * bundle; a name that could leave the recordings directory is not. */
static void cmd_audit_export_bundle_name(struct cmd_audit_exporter *x, const char *d)
{
	const char *sp;
	size_t len;
	char *name;

	if (d == NULL || strncmp(d, "file=", 5) != 0 || (sp = strchr(d + 5, ' ')) == NULL)
		return;
	len = (size_t)(sp - d - 5);
	/* "recordings/" and the name fit a ustar name (DAY/NAME.cast is 40 or so) */
	if (len == 0 || len > 80 || x->nrec >= CMD_AUDIT_EXPORT_RECORDINGS)
		return;
	name = strndup(d + 5, len);
	if (name == NULL)
		abort();
	if (strstr(name, "..") != NULL || name[0] == '/' || strchr(name, '\\') != NULL) {
		free(name);
		return;
	}
	if (x->nrec == x->caprec) {
		x->caprec = x->caprec ? x->caprec * 2 : 64;
		x->rec = realloc(x->rec, x->caprec * sizeof *x->rec);
		if (x->rec == NULL)
			abort();
	}
	x->rec[x->nrec++] = name;
}

/* One step of the recordings' part: up to a chunk of the next ones, then the end of the
 * archive. A recording that cannot be opened is left out (the verifier names it). */
static int cmd_audit_export_bundle_step(struct cmd_audit_exporter *x)
{
	while (x->chunk.len < CMD_AUDIT_EXPORT_CHUNK && x->ri < x->nrec) {
		char path[4096], name[256];
		struct stat st;
		ssize_t r;
		size_t want;
		int fd;

		snprintf(path, sizeof path, "%s/%s", x->record_dir != NULL ? x->record_dir : "",
		         x->rec[x->ri]);
		fd = x->record_dir != NULL ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			if (fd >= 0)
				close(fd);
			if (x->rec_size >= 0) {
				/* Gone while it was sent: the rest as zeros, the archive stays whole. */
				while (x->rec_off < x->rec_size) {
					buf_putc(&x->chunk, '\0');
					x->rec_off++;
				}
				cmd_audit_export_tar_pad(&x->chunk, x->rec_size);
			}
			x->ri++;
			x->rec_off = 0;
			x->rec_size = -1;
			continue;
		}
		if (x->rec_size < 0) {
			x->rec_size = (int64_t)st.st_size;
			snprintf(name, sizeof name, "recordings/%s", x->rec[x->ri]);
			buf_reserve(&x->chunk, x->chunk.len + CMD_AUDIT_EXPORT_BLOCK + 1);
			cmd_audit_export_tar_header(x->chunk.data + x->chunk.len, name, x->rec_size);
			x->chunk.len += CMD_AUDIT_EXPORT_BLOCK;
			x->chunk.data[x->chunk.len] = '\0';
		}
		want = (size_t)(x->rec_size - x->rec_off);
		if (want > CMD_AUDIT_EXPORT_CHUNK)
			want = CMD_AUDIT_EXPORT_CHUNK;
		buf_reserve(&x->chunk, x->chunk.len + want + 1);
		r = want > 0 ? pread(fd, x->chunk.data + x->chunk.len, want, x->rec_off) : 0;
		close(fd);
		if (r < 0)
			return -errno;
		if (r == 0 && want > 0) {
			/* Shorter than it was: zeros keep the member its announced size. */
			memset(x->chunk.data + x->chunk.len, 0, want);
			r = (ssize_t)want;
		}
		x->chunk.len += (size_t)r;
		x->chunk.data[x->chunk.len] = '\0';
		x->rec_off += r;
		if (x->rec_off >= x->rec_size) {
			cmd_audit_export_tar_pad(&x->chunk, x->rec_size);
			x->ri++;
			x->rec_off = 0;
			x->rec_size = -1;
		}
	}
	if (x->ri >= x->nrec) {
		static const char end[2 * CMD_AUDIT_EXPORT_BLOCK];

		buf_append(&x->chunk, end, sizeof end);
		x->done = true;
	}
	return 0;
}

static int cmd_audit_export_event_cb(void *arg, const struct audit_event *e)
{
	struct cmd_audit_exporter *x = arg;
	struct buf *o = &x->chunk;
	int rc = cmd_audit_export_seals_upto(x, e->seq - 1);

	if (rc < 0)
		return rc;
	x->events++;
	x->after = e->seq;
	if (x->bundle && e->action != NULL && strcmp(e->action, "recording.end") == 0)
		cmd_audit_export_bundle_name(x, e->detail);
	if (x->csv) {
		const char *f[] = {e->account, e->role,   e->session, e->peer,      e->transport,
		                   e->action,  e->target, e->detail,  e->prev_hash, e->hash};
		size_t i;

		buf_printf(o, "event,%lld,%lld", (long long)e->seq, (long long)e->ts_ms);
		for (i = 0; i < sizeof f / sizeof f[0]; i++) {
			buf_putc(o, ',');
			csv_put(o, f[i]);
		}
		buf_puts(o, ",,,,,\r\n");
	} else {
		struct json j;

		json_init(&j, o);
		json_object_begin(&j);
		json_kv_string(&j, "type", "event");
		json_kv_int(&j, "seq", e->seq);
		json_kv_int(&j, "ts_ms", e->ts_ms);
		json_kv_string(&j, "account", e->account);
		json_kv_string(&j, "role", e->role);
		json_kv_string(&j, "session", e->session);
		json_kv_string(&j, "peer", e->peer);
		json_kv_string(&j, "transport", e->transport);
		json_kv_string(&j, "action", e->action);
		json_kv_string(&j, "target", e->target);
		json_kv_string(&j, "detail", e->detail);
		json_kv_string(&j, "prev_hash", e->prev_hash);
		json_kv_string(&j, "hash", e->hash);
		json_object_end(&j);
		buf_putc(o, '\n');
	}
	return o->len >= CMD_AUDIT_EXPORT_CHUNK ? 1 : 0;
}

static void cmd_audit_export_header(struct cmd_audit_exporter *x)
{
	struct json j;

	if (x->csv) {
		buf_puts(&x->chunk, cmd_audit_export_csv_head);
		/* account to target empty, detail, prev_hash to mac empty */
		buf_printf(&x->chunk, "header,%lld,%lld,,,,,,,,\"propdesk-audit-export 1\",,,,,,,\r\n",
		           (long long)(x->after + 1), (long long)store_now_ms());
		return;
	}
	json_init(&j, &x->chunk);
	json_object_begin(&j);
	json_kv_string(&j, "type", "header");
	json_kv_string(&j, "format", "propdesk-audit-export");
	json_kv_int(&j, "version", 1);
	json_kv_int(&j, "from", x->after + 1);
	json_kv_int(&j, "exported_ms", store_now_ms());
	json_object_end(&j);
	buf_putc(&x->chunk, '\n');
}

static void cmd_audit_export_end(struct cmd_audit_exporter *x)
{
	struct json j;

	if (x->csv) {
		/* seq: the events; ts_ms to hash empty; n: the seals; every to mac empty */
		buf_printf(&x->chunk, "end,%lld,,,,,,,,,,,,%lld,,,,\r\n", (long long)x->events,
		           (long long)x->seals);
		return;
	}
	json_init(&j, &x->chunk);
	json_object_begin(&j);
	json_kv_string(&j, "type", "end");
	json_kv_int(&j, "events", x->events);
	json_kv_int(&j, "seals", x->seals);
	json_object_end(&j);
	buf_putc(&x->chunk, '\n');
}

/* One step on the pool: the next chunk (the header first, the end line last). */
static int cmd_audit_export_run(struct store *ro, void *arg)
{
	struct cmd_audit_exporter *x = arg;
	struct auditlog_filter f;
	int64_t before;
	int rc;

	buf_reset(&x->chunk);
	if (x->log_done)
		return cmd_audit_export_bundle_step(x);
	if (x->bundle) {
		/* The member's header goes here once its size is known. */
		buf_reserve(&x->chunk, CMD_AUDIT_EXPORT_BLOCK + 1);
		memset(x->chunk.data, 0, CMD_AUDIT_EXPORT_BLOCK);
		x->chunk.len = CMD_AUDIT_EXPORT_BLOCK;
		x->chunk.data[x->chunk.len] = '\0';
	}
	x->ro = ro;
	if (!x->started) {
		int64_t head;

		rc = store_auditlog_head(ro, &head);
		if (rc < 0)
			return rc;
		if (x->upto > head)
			x->upto = head;
		x->started = true;
		cmd_audit_export_header(x);
	}
	memset(&f, 0, sizeof f);
	f.after_seq = x->after;
	f.before_seq = x->upto + 1;
	f.limit = CMD_AUDIT_EXPORT_ROWS;
	before = x->events;
	rc = x->after < x->upto ? store_auditlog_each(ro, &f, cmd_audit_export_event_cb, x) : 0;
	if (rc < 0)
		return rc;
	if (x->chunk.len < CMD_AUDIT_EXPORT_CHUNK &&
	    (x->events - before < CMD_AUDIT_EXPORT_ROWS || x->after >= x->upto)) {
		/* The last event up to the head: its seals, then the end line. */
		rc = cmd_audit_export_seals_upto(x, x->upto);
		if (rc < 0)
			return rc;
		cmd_audit_export_end(x);
		x->done = !x->bundle;
		x->log_done = x->bundle;
	} else {
		rc = cmd_audit_export_seals_upto(x, x->after);
		if (rc < 0)
			return rc;
	}
	x->ro = NULL;
	if (x->bundle)
		cmd_audit_export_tar_chunk(x);
	return 0;
}

static void cmd_audit_export_done(struct shell *sh, void *arg, int rc);

/* The client has room for another chunk: make it on the pool. */
static void cmd_audit_export_next(struct shell *sh, void *arg, int rc)
{
	struct cmd_audit_exporter *x = arg;

	if (sh == NULL || rc < 0) {
		cmd_audit_exporter_free(x);
		return;
	}
	if (shell_work(sh, cmd_audit_export_run, cmd_audit_export_done, x) != CMD_PENDING) {
		cmd_audit_exporter_free(x);
		shell_cmd_done(sh, CMD_ERROR);
	}
}

static void cmd_audit_export_done(struct shell *sh, void *arg, int rc)
{
	struct cmd_audit_exporter *x = arg;

	if (sh == NULL) {
		cmd_audit_exporter_free(x);
		return;
	}
	if (rc < 0) {
		rc = shell_store_error(sh, rc);
		cmd_audit_exporter_free(x);
		shell_cmd_done(sh, rc);
		return;
	}
	shell_write(sh, 1, x->chunk.data, x->chunk.len);
	buf_reset(&x->chunk);
	if (x->done) {
		cmd_audit_exporter_free(x);
		shell_cmd_done(sh, CMD_OK);
		return;
	}
	/* The next chunk is made while this one is sent: at most about two wait at a time. */
	if (shell_flow_wait(sh, CMD_AUDIT_EXPORT_CHUNK, cmd_audit_export_next, x) != CMD_PENDING) {
		cmd_audit_exporter_free(x);
		shell_cmd_done(sh, CMD_ERROR);
	}
}

/* A positive event number for opt ("12"); prints the error. */
static int cmd_audit_export_seq(struct shell *sh, const char *opt, const char *s, int64_t *seq)
{
	char *end = NULL;
	long long v;

	errno = 0;
	v = s[0] >= '0' && s[0] <= '9' ? strtoll(s, &end, 10) : 0;
	if (end == NULL || *end != '\0' || errno != 0 || v <= 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, s);
		shell_errorf(sh,
		             T(sh, "%s: `%s` is not an event number (1, 2, ...: audit list shows them)",
		               "%s：`%s` 不是事件编号（1、2……，可用 audit list 查看）"),
		             opt, buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	*seq = v;
	return CMD_OK;
}

int cmd_audit_export(struct shell *sh, struct args *a)
{
	struct cmd_audit_exporter *x;
	const char *format = args_get(a, "format");
	int64_t from = 1, to = INT64_MAX;
	bool csv = format != NULL && strcmp(format, "csv") == 0;
	bool bundle = args_has(a, "bundle");
	int rc;

	if (format != NULL && !csv && strcmp(format, "jsonl") != 0) {
		shell_errorf(sh, "%s", T(sh, "--format: jsonl or csv", "--format：jsonl 或 csv"));
		return CMD_USAGE;
	}
	if (bundle && (csv || sh->interactive)) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "audit export --bundle writes an archive (tar) to stdout, without "
		               "--format: run it in exec mode (ssh ... audit export --bundle > "
		               "audit-bundle.tar)",
		               "audit export --bundle 把归档（tar）写到标准输出，不带 --format：请在 exec "
		               "模式下运行（ssh ... audit export --bundle > audit-bundle.tar）"));
		return CMD_USAGE;
	}
	if (csv && sh->interactive) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "audit export --format csv writes a file to stdout: run it in exec mode "
		               "(ssh ... audit export --format csv > audit.csv)",
		               "audit export --format csv 把文件写到标准输出：请在 exec 模式下运行（ssh "
		               "... audit export --format csv > audit.csv）"));
		return CMD_USAGE;
	}
	if (args_get(a, "from") != NULL &&
	    (rc = cmd_audit_export_seq(sh, "--from", args_get(a, "from"), &from)) != CMD_OK)
		return rc;
	if (args_get(a, "to") != NULL &&
	    (rc = cmd_audit_export_seq(sh, "--to", args_get(a, "to"), &to)) != CMD_OK)
		return rc;
	if (to < from) {
		shell_errorf(sh, "%s", T(sh, "--to is before --from", "--to 早于 --from"));
		return CMD_USAGE;
	}
	x = calloc(1, sizeof *x);
	if (x == NULL)
		abort();
	x->csv = csv;
	x->bundle = bundle;
	x->rec_size = -1;
	x->record_dir = sh->opts.record_dir != NULL ? strdup(sh->opts.record_dir) : NULL;
	x->after = from - 1;
	x->upto = to;
	/* The seal over the event before the first (or over the empty log) anchors the export. */
	x->seal_hi = from - 2;
	buf_init(&x->chunk);
	rc = shell_work(sh, cmd_audit_export_run, cmd_audit_export_done, x);
	if (rc != CMD_PENDING)
		cmd_audit_exporter_free(x);
	return rc;
}
