/* cmd_audit — the auditors' review of the audit log: audit verify (the hash chain and its
 * seals, with the auditors' key on stdin, in steps on the thread pool with progress), audit
 * list (filters, pages, --json), audit show, audit export (JSON lines a third party re-verifies
 * with scripts/audit-verify-export.py). Every one of them is itself audited (CMD_AUDIT), and a
 * verification's result is an event of its own. */
#include "cmd.h"
#include "cmd_audit_export.h"
#include "cmd_groups.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "json.h"
#include "rx.h"
#include "shell_int.h"
#include "store.h"
#include "store_auditlog.h"
#include "store_seal.h"
#include "table.h"

/* The auditors, and admins. */
#define CMD_AUDIT_ROLES (ROLE_AUDITOR | ROLE_ADMIN)
#define CMD_AUDIT_LIST_DEFAULT 50
#define CMD_AUDIT_LIST_MAX 1000
/* Events verified in one step on the pool (about half a second): progress between steps. */
#define CMD_AUDIT_VERIFY_STEP 500000
/* audit list --grep: events read per page, and at most this many per command (then it says
 * where to go on). */
#define CMD_AUDIT_GREP_PAGE 2000
#define CMD_AUDIT_GREP_SCAN 2000000

/* A positive event number ("12"); prints the error. */
static int cmd_audit_seq(struct shell *sh, const char *what, const char *s, int64_t *seq)
{
	char *end = NULL;
	long long v;

	errno = 0;
	v = s != NULL ? strtoll(s, &end, 10) : 0;
	if (s == NULL || s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v <= 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, s);
		shell_errorf(sh,
		             T(sh, "%s: `%s` is not an event number (1, 2, ...: audit list shows them)",
		               "%s：`%s` 不是事件编号（1、2……，可用 audit list 查看）"),
		             what, buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	*seq = v;
	return CMD_OK;
}

/* ==== audit verify =================================================================== */

/* After the chain: each finished recording against the size and hash its "recording.end"
 * event holds. */
enum { CMD_AUDIT_REC_OK, CMD_AUDIT_REC_ALTERED, CMD_AUDIT_REC_MISSING };

struct cmd_audit_verifier {
	struct store_seal_verify v;
	char *state_path; /* the service's key state, or NULL */
	char *record_dir; /* the recordings, or NULL */
	bool started, json, state_missing;
	int64_t t0_ms;
	/* the recordings' phase */
	bool rec_done;
	int64_t rec_after; /* events with seq > this read next */
	int64_t rec_checked, rec_retired;
	bool rec_started;
	char rec_cutoff[11]; /* recordings of days before it were removed by retention */
	int rec_fault;
	int64_t rec_seq;
	char rec_session[40], rec_file[200];
};

static void cmd_audit_verifier_free(struct cmd_audit_verifier *vr)
{
	store_seal_verify_clear(&vr->v);
	free(vr->state_path);
	free(vr->record_dir);
	free(vr);
}

/* "file=DAY/NAME.cast bytes=N blake2b=HEX" from a recording.end event: false when it is not
 * that (a file name that could leave the recordings directory is not). */
static bool cmd_audit_rec_detail(const char *d, char *file, size_t cap, unsigned long long *bytes,
                                 char hash[65])
{
	const char *sp;
	int used = 0;

	if (d == NULL || strncmp(d, "file=", 5) != 0 || (sp = strchr(d + 5, ' ')) == NULL ||
	    (size_t)(sp - d - 5) >= cap || sp == d + 5)
		return false;
	memcpy(file, d + 5, (size_t)(sp - d - 5));
	file[sp - d - 5] = '\0';
	if (strstr(file, "..") != NULL || file[0] == '/' || strchr(file, '\\') != NULL)
		return false;
	if (sscanf(sp, " bytes=%llu blake2b=%64[0-9a-f]%n", bytes, hash, &used) != 2 ||
	    sp[used] != '\0' || strlen(hash) != 64)
		return false;
	return true;
}

/* The BLAKE2b-256 (hex) and size of a file: 0, or -errno. */
static int cmd_audit_file_hash(const char *path, char hex[65], unsigned long long *bytes)
{
	crypto_generichash_state h;
	unsigned char out[32];
	char *chunk;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = 0;

	*bytes = 0;
	if (fd < 0)
		return -errno;
	chunk = malloc((size_t)1 << 20);
	if (chunk == NULL)
		abort();
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	while ((r = read(fd, chunk, (size_t)1 << 20)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		crypto_generichash_update(&h, (unsigned char *)chunk, (size_t)r);
		*bytes += (unsigned long long)r;
	}
	close(fd);
	free(chunk);
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(hex, 65, out, sizeof out);
	return rc;
}

/* One step of the recordings' phase: up to 100 recordings. */
static int cmd_audit_verify_recordings(struct store *ro, struct cmd_audit_verifier *vr)
{
	struct auditlog_filter f;
	struct audit_event *list = NULL;
	size_t n = 0, i;
	int rc;

	if (!vr->rec_started) {
		/* The latest retention run: recordings before its day went by the rule. */
		vr->rec_started = true;
		memset(&f, 0, sizeof f);
		f.action = "recording.retention";
		f.limit = 1;
		rc = store_auditlog_list(ro, &f, &list, &n);
		if (rc < 0)
			return rc;
		if (n == 1 && list[0].detail != NULL && strncmp(list[0].detail, "before=", 7) == 0)
			snprintf(vr->rec_cutoff, sizeof vr->rec_cutoff, "%.10s", list[0].detail + 7);
		store_audit_list_free(list, n);
		list = NULL;
		n = 0;
	}
	memset(&f, 0, sizeof f);
	f.action = "recording.end";
	f.after_seq = vr->rec_after > vr->v.from_seq - 1 ? vr->rec_after : vr->v.from_seq - 1;
	f.before_seq = vr->v.head_seq + 1;
	f.limit = 100;
	f.oldest_first = 1;
	rc = store_auditlog_list(ro, &f, &list, &n);
	if (rc < 0)
		return rc;
	for (i = 0; i < n && vr->rec_fault == CMD_AUDIT_REC_OK; i++) {
		char file[160], want[65], got[65], path[4096];
		unsigned long long want_bytes, got_bytes;

		vr->rec_after = list[i].seq;
		if (!cmd_audit_rec_detail(list[i].detail, file, sizeof file, &want_bytes, want))
			continue;
		snprintf(path, sizeof path, "%s/%s", vr->record_dir, file);
		rc = cmd_audit_file_hash(path, got, &got_bytes);
		if (rc == -ENOENT && vr->rec_cutoff[0] != '\0' && strlen(file) > 10 &&
		    strncmp(file, vr->rec_cutoff, 10) < 0) {
			vr->rec_retired++; /* removed by [record] keep_days, audited */
		} else if (rc < 0 || got_bytes != want_bytes || strcmp(got, want) != 0) {
			vr->rec_fault = rc == -ENOENT ? CMD_AUDIT_REC_MISSING : CMD_AUDIT_REC_ALTERED;
			vr->rec_seq = list[i].seq;
			snprintf(vr->rec_session, sizeof vr->rec_session, "%s",
			         list[i].target != NULL ? list[i].target : "?");
			snprintf(vr->rec_file, sizeof vr->rec_file, "%s", file);
		} else {
			vr->rec_checked++;
		}
	}
	if (n < f.limit || vr->rec_fault != CMD_AUDIT_REC_OK)
		vr->rec_done = true;
	store_audit_list_free(list, n);
	return 0;
}

static int cmd_audit_verify_run(struct store *ro, void *arg)
{
	struct cmd_audit_verifier *vr = arg;
	int rc;

	if (!vr->started) {
		vr->started = true;
		/* The key state first: seals made after this are in the snapshot below. */
		if (vr->state_path != NULL) {
			rc = store_seal_key_read(vr->state_path, &vr->v.state);
			vr->v.have_state = rc == 0;
			vr->state_missing = rc < 0;
		}
		rc = store_seal_verify_begin(ro, &vr->v);
		if (rc < 0)
			return rc;
	}
	if (vr->v.done)
		return cmd_audit_verify_recordings(ro, vr);
	return store_seal_verify_step(ro, &vr->v, CMD_AUDIT_VERIFY_STEP);
}

/* The fault in the session language. */
static void cmd_audit_fault_text(struct shell *sh, const struct store_seal_verify *v,
                                 struct buf *out)
{
	long long seq = (long long)v->bad_seq, seal = (long long)v->bad_seal;

	switch (v->fault) {
	case STORE_SEAL_ALTERED:
		buf_printf(out, T(sh, "event %lld was altered", "事件 %lld 被篡改（内容与其哈希不符）"),
		           seq);
		break;
	case STORE_SEAL_INSERTED:
		buf_printf(out, T(sh, "event %lld was inserted", "事件 %lld 是被插入的"), seq);
		break;
	case STORE_SEAL_DELETED:
		buf_printf(out, T(sh, "an event was deleted at %lld", "事件 %lld 处有事件被删除"),
		           seq);
		break;
	case STORE_SEAL_REORDERED:
		buf_printf(out, T(sh, "events %lld and %lld were swapped", "事件 %lld 与 %lld 被调换"),
		           seq, seq + 1);
		break;
	case STORE_SEAL_TRUNCATED:
		buf_printf(out,
		           T(sh, "the log was truncated: events from %lld on were removed",
		             "日志被截断：事件 %lld 起被删除"),
		           seq);
		break;
	case STORE_SEAL_REBUILT:
		buf_printf(out,
		           T(sh, "the chain from event %lld on was rewritten (seal #%lld disagrees)",
		             "事件 %lld 起的哈希链被重写（与封印 #%lld 不符）"),
		           seq, seal);
		break;
	case STORE_SEAL_FORGED:
		buf_printf(out,
		           T(sh,
		             "seal #%lld is forged or resealed with another key, or the key is wrong "
		             "(events from %lld)",
		             "封印 #%lld 是伪造的或用其他密钥重新封印，或密钥不对（事件 %lld 起）"),
		           seal, seq);
		break;
	case STORE_SEAL_MISSING:
		buf_printf(out, T(sh, "seal #%lld is missing (events from %lld)",
		                  "封印 #%lld 缺失（事件 %lld 起）"),
		           seal, seq);
		break;
	case STORE_SEAL_UNSEALED:
		buf_printf(out,
		           T(sh, "events from %lld should have been sealed and are not",
		             "事件 %lld 起本应封印却未封印"),
		           seq);
		break;
	case STORE_SEAL_KEYSTATE:
		buf_printf(out,
		           T(sh, "the service's sealing key #%lld is not derived from this key",
		             "服务当前的封印密钥 #%lld 不是由此密钥推出的"),
		           seal);
		break;
	default:
		buf_puts(out, "?");
	}
}

static void cmd_audit_verify_json(const struct cmd_audit_verifier *vr, struct buf *out)
{
	const struct store_seal_verify *v = &vr->v;
	struct json j;

	json_init(&j, out);
	json_object_begin(&j);
	json_kv_bool(&j, "ok", v->fault == STORE_SEAL_OK && vr->rec_fault == CMD_AUDIT_REC_OK);
	json_kv_string(&j, "fault", store_seal_fault_name(v->fault));
	json_kv_int(&j, "bad_seq", v->bad_seq);
	json_kv_int(&j, "bad_seal", v->bad_seal);
	json_kv_string(&j, "detail", v->fault == STORE_SEAL_OK ? NULL : v->detail);
	json_kv_int(&j, "from", v->from_seq);
	json_kv_int(&j, "head", v->head_seq);
	json_kv_int(&j, "events_checked", v->checked);
	json_kv_int(&j, "seals", (int64_t)v->nseals);
	json_kv_int(&j, "seals_checked", (int64_t)v->seals_checked);
	json_kv_bool(&j, "key", v->have_key);
	json_kv_bool(&j, "key_state", v->have_state);
	json_kv_int(&j, "sealed_to", v->sealed_seq);
	json_kv_int(&j, "unsealed", v->unsealed);
	json_kv_int(&j, "recordings_checked", vr->rec_checked);
	json_kv_int(&j, "recordings_retired", vr->rec_retired);
	json_kv_string(&j, "recording_fault",
	               vr->rec_fault == CMD_AUDIT_REC_MISSING   ? "deleted"
	               : vr->rec_fault == CMD_AUDIT_REC_ALTERED ? "changed"
	                                                        : NULL);
	json_kv_string(&j, "recording_session", vr->rec_fault ? vr->rec_session : NULL);
	json_kv_int(&j, "ms", store_now_ms() - vr->t0_ms);
	json_object_end(&j);
	buf_putc(out, '\n');
}

static void cmd_audit_verify_done(struct shell *sh, void *arg, int rc)
{
	struct cmd_audit_verifier *vr = arg;
	const struct store_seal_verify *v = &vr->v;
	struct audit_ctx ctx;
	char detail[320];
	struct buf out;
	int status;

	if (sh == NULL) {
		cmd_audit_verifier_free(vr);
		return;
	}
	if (rc < 0) {
		status = shell_store_error(sh, rc);
		cmd_audit_verifier_free(vr);
		shell_cmd_done(sh, status);
		return;
	}
	if (v->done && v->fault == STORE_SEAL_OK && vr->record_dir != NULL && !vr->rec_done) {
		/* The recordings next. */
		if (shell_work(sh, cmd_audit_verify_run, cmd_audit_verify_done, vr) != CMD_PENDING) {
			cmd_audit_verifier_free(vr);
			shell_cmd_done(sh, CMD_ERROR);
		}
		return;
	}
	if (!v->done) {
		/* Progress, then the next step. */
		shell_printf(sh,
		             T(sh, "verifying: %lld of %lld events (%d%%)...\n",
		               "校验中：%lld / %lld 个事件（%d%%）……\n"),
		             (long long)v->checked, (long long)v->total,
		             v->total > 0 ? (int)(v->checked * 100 / v->total) : 100);
		if (shell_work(sh, cmd_audit_verify_run, cmd_audit_verify_done, vr) != CMD_PENDING) {
			cmd_audit_verifier_free(vr);
			shell_cmd_done(sh, CMD_ERROR);
		}
		return;
	}
	buf_init(&out);
	if (vr->json) {
		cmd_audit_verify_json(vr, &out);
	} else if (v->fault == STORE_SEAL_OK && vr->rec_fault != CMD_AUDIT_REC_OK) {
		buf_puts(&out, T(sh, "Audit log OK, but a recording is BROKEN: ",
		                 "审计日志完好，但录像已被破坏："));
		buf_printf(&out,
		           vr->rec_fault == CMD_AUDIT_REC_MISSING
		               ? T(sh, "the recording of session %s (%s, event %lld) was deleted\n",
		                   "会话 %s 的录像（%s，事件 %lld）被删除\n")
		               : T(sh, "the recording of session %s (%s, event %lld) was changed\n",
		                   "会话 %s 的录像（%s，事件 %lld）被改动\n"),
		           vr->rec_session, vr->rec_file, (long long)vr->rec_seq);
	} else if (v->fault == STORE_SEAL_OK) {
		buf_printf(&out,
		           T(sh, "Audit log OK: %lld events checked (%lld to %lld), %zu seals",
		             "审计日志完好：已校验 %lld 个事件（%lld 至 %lld），%zu 个封印"),
		           (long long)v->checked, (long long)v->from_seq, (long long)v->head_seq,
		           v->seals_checked);
		if (v->have_key)
			buf_printf(&out,
			           T(sh, " proven with the key: authentic up to event %lld",
			             "经密钥证实：事件 %lld 及以前真实可信"),
			           (long long)v->sealed_seq);
		else
			buf_printf(&out, "%s",
			           T(sh, " consistent (give the key with --key-stdin to prove them)",
			             "前后一致（用 --key-stdin 提供密钥可证实其真实性）"));
		buf_puts(&out, T(sh, ".\n", "。\n"));
		if (vr->record_dir != NULL)
			buf_printf(&out,
			           T(sh, "%lld recordings match their audit events.\n",
			             "%lld 个录像与其审计事件相符。\n"),
			           (long long)vr->rec_checked);
		if (vr->rec_retired > 0)
			buf_printf(&out,
			           T(sh, "%lld older recordings were removed by the retention rule.\n",
			             "%lld 个较早的录像已按保留期限删除。\n"),
			           (long long)vr->rec_retired);
		if (v->unsealed > 0)
			buf_printf(&out,
			           T(sh, "%lld events after the last seal are not sealed yet.\n",
			             "最后一个封印之后的 %lld 个事件尚未封印。\n"),
			           (long long)v->unsealed);
		if (v->nseals == 0)
			buf_puts(&out, T(sh,
			                 "The log is not sealed: run `propdeskd audit init-key` on the "
			                 "server.\n",
			                 "日志尚未封印：请在服务器上运行 `propdeskd audit init-key`。\n"));
		if (vr->state_missing)
			buf_puts(&out, T(sh, "The service has no sealing key state.\n",
			                 "服务没有封印密钥状态文件。\n"));
	} else {
		buf_puts(&out, T(sh, "Audit log BROKEN: ", "审计日志已被破坏："));
		cmd_audit_fault_text(sh, v, &out);
		buf_printf(&out, "\n  %s\n", v->detail);
	}
	if (v->fault == STORE_SEAL_OK && vr->rec_fault != CMD_AUDIT_REC_OK)
		snprintf(detail, sizeof detail, "recording %s at=%lld session=%s",
		         vr->rec_fault == CMD_AUDIT_REC_MISSING ? "deleted" : "changed",
		         (long long)vr->rec_seq, vr->rec_session);
	else if (v->fault == STORE_SEAL_OK)
		snprintf(detail, sizeof detail, "ok events=%lld from=%lld seals=%zu key=%s "
		         "recordings=%lld",
		         (long long)v->checked, (long long)v->from_seq, v->seals_checked,
		         v->have_key ? "yes" : "no", (long long)vr->rec_checked);
	else
		snprintf(detail, sizeof detail, "%s at=%lld seal=%lld key=%s",
		         store_seal_fault_name(v->fault), (long long)v->bad_seq, (long long)v->bad_seal,
		         v->have_key ? "yes" : "no");
	shell_audit_ctx(sh, &ctx);
	rc = store_audit(sh->host.store, &ctx, "audit.verify", NULL, detail);
	status = v->fault == STORE_SEAL_OK && vr->rec_fault == CMD_AUDIT_REC_OK ? CMD_OK : CMD_ERROR;
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	if (rc < 0)
		status = shell_store_error(sh, rc);
	cmd_audit_verifier_free(vr);
	shell_cmd_done(sh, status);
}

static int cmd_audit_verify(struct shell *sh, struct args *a)
{
	struct cmd_audit_verifier *vr;
	const char *path;
	int64_t from = 1;
	int rc;

	if (args_get(a, "from") != NULL) {
		rc = cmd_audit_seq(sh, "--from", args_get(a, "from"), &from);
		if (rc != CMD_OK)
			return rc;
	}
	vr = calloc(1, sizeof *vr);
	if (vr == NULL)
		abort();
	vr->v.from_seq = from;
	vr->json = args_has(a, "json");
	vr->t0_ms = store_now_ms();
	vr->v.now_ms = vr->t0_ms;
	if (args_has(a, "key-stdin")) {
		size_t len;
		const char *text = shell_stdin(sh, &len);

		if (audit_seal_key_parse(text, len, &vr->v.key) < 0) {
			shell_errorf(sh, "%s",
			             T(sh,
			               "--key-stdin: stdin is not an audit key file (the one "
			               "`propdeskd audit init-key` gave)",
			               "--key-stdin：标准输入不是审计密钥文件（即 `propdeskd audit "
			               "init-key` 给出的文件）"));
			cmd_audit_verifier_free(vr);
			return CMD_USAGE;
		}
		vr->v.have_key = true;
	}
	if (sh->opts.record_dir != NULL) {
		vr->record_dir = strdup(sh->opts.record_dir);
		if (vr->record_dir == NULL)
			abort();
	}
	path = store_seal_path(sh->host.store);
	if (path != NULL) {
		vr->state_path = strdup(path);
		if (vr->state_path == NULL)
			abort();
	}
	rc = shell_work(sh, cmd_audit_verify_run, cmd_audit_verify_done, vr);
	if (rc != CMD_PENDING)
		cmd_audit_verifier_free(vr);
	return rc;
}

/* ==== audit list / show ============================================================== */

struct cmd_audit_lister {
	struct cmd_util_job job;
	struct auditlog_filter f;
	char *strs[5]; /* the filter's strings, owned */
	bool json;
	int64_t show_seq; /* audit show: this event */
	struct rx *grep;  /* --grep: kept events match it (in account, action, target, detail) */
	int grep_rc;      /* < 0: the pattern failed on an event (RX_E*) */
	int64_t scanned_to; /* --grep stopped after CMD_AUDIT_GREP_SCAN events: the last read */
	struct audit_event *list;
	size_t n;     /* events read: the page and one more when more follow */
	size_t limit; /* of the page */
	struct audit_event one;
};

/* The text --grep searches: the event's account, action, target and detail, one a line. */
static int cmd_audit_grep_match(struct rx *r, const struct audit_event *e, struct buf *b)
{
	buf_reset(b);
	buf_printf(b, "%s\n%s\n%s\n%s", e->account != NULL ? e->account : "",
	           e->action != NULL ? e->action : "", e->target != NULL ? e->target : "",
	           e->detail != NULL ? e->detail : "");
	return rx_match(r, b->data, b->len);
}

/* Pages newest first through the log, keeping the events that match, until the page is full
 * or CMD_AUDIT_GREP_SCAN were read. */
static int cmd_audit_grep_run(struct store *st, struct cmd_audit_lister *l)
{
	struct auditlog_filter f = l->f;
	size_t cap = 0, want = l->f.limit;
	int64_t scanned = 0;
	struct buf b;
	int rc = 0;

	buf_init(&b);
	f.limit = CMD_AUDIT_GREP_PAGE;
	while (l->n < want) {
		struct audit_event *page = NULL;
		size_t np = 0, i;

		rc = store_auditlog_list(st, &f, &page, &np);
		if (rc < 0)
			break;
		for (i = 0; i < np; i++) {
			int m = l->n < want ? cmd_audit_grep_match(l->grep, &page[i], &b) : 0;

			if (m < 0) {
				l->grep_rc = m;
				break;
			}
			if (m == 1) {
				if (l->n == cap) {
					cap = cap == 0 ? 64 : cap * 2;
					l->list = realloc(l->list, cap * sizeof *l->list);
					if (l->list == NULL)
						abort();
				}
				l->list[l->n++] = page[i];
				memset(&page[i], 0, sizeof page[i]);
			}
		}
		scanned += (int64_t)np;
		if (np > 0)
			f.before_seq = page[np - 1].seq;
		store_audit_list_free(page, np);
		if (l->grep_rc < 0 || np < CMD_AUDIT_GREP_PAGE)
			break;
		if (scanned >= CMD_AUDIT_GREP_SCAN && l->n < want) {
			l->scanned_to = f.before_seq;
			break;
		}
	}
	buf_free(&b);
	return rc;
}

static void cmd_audit_event_json(struct json *j, const struct audit_event *e)
{
	json_object_begin(j);
	json_kv_int(j, "seq", e->seq);
	json_kv_int(j, "ts_ms", e->ts_ms);
	json_kv_string(j, "account", e->account);
	json_kv_string(j, "role", e->role);
	json_kv_string(j, "session", e->session);
	json_kv_string(j, "peer", e->peer);
	json_kv_string(j, "transport", e->transport);
	json_kv_string(j, "action", e->action);
	json_kv_string(j, "target", e->target);
	json_kv_string(j, "detail", e->detail);
	json_kv_string(j, "prev_hash", e->prev_hash);
	json_kv_string(j, "hash", e->hash);
	json_object_end(j);
}

static int cmd_audit_list_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_audit_lister *l = (struct cmd_audit_lister *)job;

	if (l->show_seq > 0)
		return store_auditlog_get(st, l->show_seq, &l->one);
	if (l->grep != NULL)
		return cmd_audit_grep_run(st, l);
	return store_auditlog_list(st, &l->f, &l->list, &l->n);
}

static void cmd_audit_table(struct shell *sh, const struct audit_event *list, size_t n,
                            struct buf *out)
{
	const char *hdr_en[] = {"SEQ", "TIME", "ACCOUNT", "ROLE", "ACTION", "TARGET", "DETAIL"};
	const char *hdr_zh[] = {"序号", "时间", "账号", "角色", "动作", "对象", "详情"};
	struct table *t = table_new(7, shell_is_zh(sh) ? hdr_zh : hdr_en);
	size_t i;

	table_set_max_width(t, 5, 20);
	table_set_max_width(t, 6, 40);
	for (i = 0; i < n; i++) {
		char seq[24], when[40];
		const char *cells[7];

		snprintf(seq, sizeof seq, "%lld", (long long)list[i].seq);
		cmd_util_time(list[i].ts_ms, true, when, sizeof when);
		cells[0] = seq;
		cells[1] = when;
		cells[2] = list[i].account;
		cells[3] = list[i].role;
		cells[4] = list[i].action;
		cells[5] = list[i].target;
		cells[6] = list[i].detail;
		table_add_row(t, cells);
	}
	table_render_fit(t, cmd_page_width(sh), out);
	table_free(t);
}

static int cmd_audit_list_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_audit_lister *l = (struct cmd_audit_lister *)job;
	bool more = l->n > l->limit; /* one event past the page was read */
	size_t shown = more ? l->limit : l->n;
	struct buf out;
	struct json j;

	if (rc == STORE_ENOENT && l->show_seq > 0) {
		shell_errorf(sh, T(sh, "no event %lld", "没有事件 %lld"), (long long)l->show_seq);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	if (l->grep_rc < 0) {
		shell_errorf(sh, "--grep: %s", rx_strerror(l->grep_rc, shell_lang(sh)));
		return CMD_ERROR;
	}
	buf_init(&out);
	if (l->show_seq > 0 && l->json) {
		json_init(&j, &out);
		cmd_audit_event_json(&j, &l->one);
		buf_putc(&out, '\n');
	} else if (l->show_seq > 0) {
		const struct audit_event *e = &l->one;
		char when[40];
		const char *const names[] = {"account", "role", "session", "peer", "transport",
		                             "action", "target", "detail", "prev_hash", "hash"};
		const char *const names_zh[] = {"账号", "角色", "会话", "来源", "方式",
		                                "动作", "对象", "详情", "前一哈希", "哈希"};
		const char *vals[] = {e->account, e->role,   e->session, e->peer,      e->transport,
		                      e->action,  e->target, e->detail,  e->prev_hash, e->hash};
		size_t i;

		cmd_util_time(e->ts_ms, true, when, sizeof when);
		buf_printf(&out, T(sh, "event %lld at %s (%lld ms)\n", "事件 %lld，时间 %s（%lld 毫秒）\n"),
		           (long long)e->seq, when, (long long)e->ts_ms);
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			buf_printf(&out, "  %-10s ", shell_is_zh(sh) ? names_zh[i] : names[i]);
			shell_clean(&out, vals[i] != NULL ? vals[i] : "-");
			buf_putc(&out, '\n');
		}
	} else if (l->json) {
		size_t i;

		/* Pages go by sequence, newest first: the next one is --before next_before. The
		 * log is not counted (it is the longest table). */
		json_init(&j, &out);
		json_object_begin(&j);
		json_key(&j, "total");
		json_null(&j);
		json_kv_int(&j, "limit", (int64_t)l->limit);
		json_kv_bool(&j, "more", more || l->scanned_to > 0);
		if (more)
			json_kv_int(&j, "next_before", l->list[shown - 1].seq);
		else if (l->scanned_to > 0)
			json_kv_int(&j, "next_before", l->scanned_to);
		json_key(&j, "items");
		json_array_begin(&j);
		for (i = 0; i < shown; i++)
			cmd_audit_event_json(&j, &l->list[i]);
		json_array_end(&j);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else if (l->n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No events.", "没有事件。"));
	} else {
		cmd_audit_table(sh, l->list, shown, &out);
		if (more)
			buf_printf(&out,
			           T(sh,
			             "(%zu shown; more results: use --before %lld with the same "
			             "filters)\n",
			             "（显示 %zu 条；更多结果：同样的条件加 --before %lld）\n"),
			           shown, (long long)l->list[shown - 1].seq);
	}
	if (l->scanned_to > 0 && !l->json)
		buf_printf(&out,
		           T(sh,
		             "(--grep read %d events and stopped: go on with --before %lld)\n",
		             "（--grep 已读 %d 个事件后停止：可加 --before %lld 继续）\n"),
		           CMD_AUDIT_GREP_SCAN, (long long)l->scanned_to);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_audit_list_free(struct cmd_util_job *job)
{
	struct cmd_audit_lister *l = (struct cmd_audit_lister *)job;
	size_t i;

	store_audit_list_free(l->list, l->n);
	store_audit_event_clear(&l->one);
	rx_free(l->grep);
	for (i = 0; i < sizeof l->strs / sizeof l->strs[0]; i++)
		free(l->strs[i]);
	free(l);
}

static struct cmd_audit_lister *cmd_audit_lister_new(struct args *a)
{
	struct cmd_audit_lister *l = calloc(1, sizeof *l);

	if (l == NULL)
		abort();
	l->job.run = cmd_audit_list_run;
	l->job.finish = cmd_audit_list_finish;
	l->job.free = cmd_audit_list_free;
	l->json = args_has(a, "json");
	return l;
}

/* A copy of option name's value (NULL when absent), kept in l for the pool thread. */
static const char *cmd_audit_opt(struct cmd_audit_lister *l, struct args *a, size_t slot,
                                 const char *name)
{
	const char *v = args_get(a, name);

	if (v == NULL)
		return NULL;
	l->strs[slot] = strdup(v);
	if (l->strs[slot] == NULL)
		abort();
	return l->strs[slot];
}

static int cmd_audit_list(struct shell *sh, struct args *a)
{
	struct cmd_audit_lister *l;
	size_t limit;
	int64_t before = 0;
	int rc;

	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_AUDIT_LIST_MAX, &limit);
	if (rc != CMD_OK)
		return rc;
	if (args_get(a, "before") != NULL) {
		rc = cmd_audit_seq(sh, "--before", args_get(a, "before"), &before);
		if (rc != CMD_OK)
			return rc;
	}
	if (args_get(a, "role") != NULL && role_parse(args_get(a, "role")) == ROLE_NONE) {
		shell_errorf(sh, "%s",
		             T(sh, "--role: agent, supervisor, auditor or admin",
		               "--role：agent、supervisor、auditor 或 admin"));
		return CMD_USAGE;
	}
	l = cmd_audit_lister_new(a);
	l->limit = limit != 0 ? limit : CMD_AUDIT_LIST_DEFAULT;
	l->f.limit = l->limit + 1; /* one past the page: whether more follow */
	l->f.before_seq = before;
	if (args_get(a, "since") != NULL &&
	    cmd_util_parse_day(sh, "--since", args_get(a, "since"), false, &l->f.since_ms) != CMD_OK)
		goto usage;
	if (args_get(a, "until") != NULL &&
	    cmd_util_parse_day(sh, "--until", args_get(a, "until"), true, &l->f.until_ms) != CMD_OK)
		goto usage;
	l->f.account = cmd_audit_opt(l, a, 0, "account");
	l->f.role = cmd_audit_opt(l, a, 1, "role");
	l->f.action = cmd_audit_opt(l, a, 2, "action");
	l->f.target = cmd_audit_opt(l, a, 3, "target");
	l->f.session = cmd_audit_opt(l, a, 4, "session");
	if (args_get(a, "grep") != NULL) {
		char *err = NULL;

		l->grep = rx_new(args_get(a, "grep"), 0, &err);
		if (l->grep == NULL) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, err);
			shell_errorf(sh, "--grep: %s", buf_cstr(&w));
			buf_free(&w);
			free(err);
			goto usage;
		}
	}
	/* A --grep reads the log until its page is full: never on the loop. */
	return cmd_util_job(sh, &l->job, l->grep == NULL);
usage:
	cmd_audit_list_free(&l->job);
	return CMD_USAGE;
}

static int cmd_audit_show(struct shell *sh, struct args *a)
{
	struct cmd_audit_lister *l;
	int64_t seq;
	int rc = cmd_audit_seq(sh, T(sh, "event", "事件"), a->pos[0], &seq);

	if (rc != CMD_OK)
		return rc;
	l = cmd_audit_lister_new(a);
	l->show_seq = seq;
	return cmd_util_job(sh, &l->job, true);
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_audit_verify[] = {
    {"from", ARGS_VALUE}, {"key-stdin", 0}, {"json", 0}, {NULL, 0},
};

static const struct args_opt cmd_opts_audit_list[] = {
    {"account", ARGS_VALUE}, {"role", ARGS_VALUE},  {"action", ARGS_VALUE},
    {"target", ARGS_VALUE},  {"session", ARGS_VALUE}, {"since", ARGS_VALUE},
    {"until", ARGS_VALUE},   {"before", ARGS_VALUE}, {"limit", ARGS_VALUE},
    {"grep", ARGS_VALUE},    {"json", 0},            {NULL, 0},
};

static const struct args_opt cmd_opts_audit_export[] = {
    {"format", ARGS_VALUE}, {"from", ARGS_VALUE}, {"to", ARGS_VALUE}, {"bundle", 0},
    {NULL, 0},
};

static const struct cmd_entry cmd_audit_entries[] = {
    {"audit", "verify", CMD_AUDIT_ROLES, cmd_opts_audit_verify, 0, 0,
     "audit verify [--from SEQ] [--key-stdin] [--json]",
     "Verify the audit log: its hash chain and every seal, reporting OK with the counts or the "
     "first broken event and what was done to it (altered, inserted, deleted, reordered, "
     "truncated, rebuilt, resealed). With --key-stdin (exec mode: ssh ... audit verify "
     "--key-stdin < audit.key) the auditors' first key proves each sealed stretch authentic.",
     "校验审计日志：哈希链和每个封印；完好时给出数量，否则指出第一个被破坏的事件及其方式（篡改、插入、"
     "删除、调换、截断、重算、重新封印）。加 --key-stdin（exec 模式：ssh ... audit verify "
     "--key-stdin < audit.key）用审计员保管的第一把密钥证实每段封印的真实性。",
     CMD_AUDIT | CMD_READONLY, "key-stdin", cmd_audit_verify, 4096},
    {"audit", "list", CMD_AUDIT_ROLES, cmd_opts_audit_list, 0, 0,
     "audit list [--account A] [--role R] [--action X] [--target T] [--session S] "
     "[--since YYYY-MM-DD] [--until YYYY-MM-DD] [--grep PCRE2] [--before SEQ] [--limit N] "
     "[--json]",
     "List audit events, newest first (50 unless --limit, at most 1000); --before SEQ gives "
     "the page before that event; --grep keeps those whose account, action, target or detail "
     "match the pattern (bounded; it reads at most 2,000,000 events per command).",
     "按时间倒序列出审计事件（默认 50 条，--limit 最多 1000）；--before 序号 翻到该事件之前的一页；"
     "--grep 只保留账号、动作、对象或详情匹配该模式的事件（有上限：每次最多读 2,000,000 个事件）。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_audit_list, 0},
    {"audit", "show", CMD_AUDIT_ROLES, cmd_opts_json, 1, 1, "audit show SEQ [--json]",
     "Show one audit event with its chain fields.", "显示一个审计事件及其哈希链字段。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_audit_show, 0},
    {"audit", "export", CMD_AUDIT_ROLES, cmd_opts_audit_export, 0, 0,
     "audit export [--format jsonl|csv | --bundle] [--from SEQ] [--to SEQ]",
     "Write the audit log and its seals with every chain field, as JSON lines (a header, the "
     "events and seals in order, an end line) or as CSV (exec mode), to stdout at the "
     "reader's pace, for re-verification elsewhere with scripts/audit-verify-export.py and "
     "the key. --bundle (exec mode) writes one tar archive: the JSON lines and every "
     "recording their events name.",
     "输出审计日志及其封印（含全部哈希链字段），格式为 JSON Lines（首行、按序的事件和封印、结尾行）"
     "或 CSV（exec 模式），按读取方的速度写到标准输出，可在别处用 "
     "scripts/audit-verify-export.py 和密钥重新校验。--bundle（exec 模式）输出一个 tar 归档："
     "JSON Lines 及其事件提到的所有录像。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_audit_export, 0},
};

const struct cmd_group cmd_audit_group = {cmd_audit_entries,
                                          sizeof cmd_audit_entries / sizeof cmd_audit_entries[0],
					  "Audit log", "审计日志"};
