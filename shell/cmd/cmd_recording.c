/* cmd_recording — the auditors' view of the session recordings: recording list (each
 * interactive session's asciicast v2 file under the recordings directory, newest first) and
 * recording export SESSION (the file as it is, on stdout in exec mode, for `asciinema play`
 * on the auditor's machine). Both read the disk on the thread pool and are audited. */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "shell_int.h"
#include "table.h"

#define CMD_RECORDING_ROLES (ROLE_AUDITOR | ROLE_ADMIN)
#define CMD_RECORDING_LIST_DEFAULT 50
#define CMD_RECORDING_LIST_MAX 1000
/* Days and files looked at by one listing (a desk keeps months of days). */
#define CMD_RECORDING_DAYS_MAX 3660
#define CMD_RECORDING_FILES_MAX 200000
/* Bytes of a recording read and written per step of an export. */
#define CMD_RECORDING_CHUNK ((size_t)1 << 20)

struct cmd_recording_file {
	char day[11];
	char session[33];
	char account[65];
	char name[128];
	int64_t bytes;
	int64_t mtime_ms;
};

/* "2026-12-04": a day directory's name. */
static bool cmd_recording_day_ok(const char *s)
{
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	return s[10] == '\0';
}

/* A session id as the service makes them: 1..32 of [a-z0-9]. */
static bool cmd_recording_session_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 32)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* "ID-ACCOUNT.cast" or "ID-ACCOUNT-N.cast" into f; false for any other name. */
static bool cmd_recording_parse_name(const char *name, struct cmd_recording_file *f)
{
	const char *dash = strchr(name, '-');
	size_t n = strlen(name), idlen, acclen;

	if (dash == NULL || n < 6 || strcmp(name + n - 5, ".cast") != 0 || n >= sizeof f->name)
		return false;
	idlen = (size_t)(dash - name);
	acclen = n - 5 - idlen - 1;
	if (idlen == 0 || idlen >= sizeof f->session || acclen == 0 || acclen >= sizeof f->account)
		return false;
	memcpy(f->session, name, idlen);
	f->session[idlen] = '\0';
	if (!cmd_recording_session_ok(f->session))
		return false;
	memcpy(f->account, dash + 1, acclen);
	f->account[acclen] = '\0';
	snprintf(f->name, sizeof f->name, "%s", name);
	return true;
}

static int cmd_recording_cmp_day_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

static int cmd_recording_cmp_file_desc(const void *a, const void *b)
{
	const struct cmd_recording_file *x = a, *y = b;
	int c = strcmp(y->day, x->day);

	if (c != 0)
		return c;
	return x->mtime_ms < y->mtime_ms ? 1 : x->mtime_ms > y->mtime_ms ? -1 : 0;
}

/* The day directories of dir, newest first, within [since, until] ("" : no bound). */
static int cmd_recording_days(const char *dir, const char *since, const char *until,
                              char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) != NULL && *n < CMD_RECORDING_DAYS_MAX) {
		if (!cmd_recording_day_ok(de->d_name) || (since[0] && strcmp(de->d_name, since) < 0) ||
		    (until[0] && strcmp(de->d_name, until) > 0))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = realloc(*out, cap * sizeof **out);
			if (*out == NULL)
				abort();
		}
		(*out)[(*n)++] = strdup(de->d_name);
		if ((*out)[*n - 1] == NULL)
			abort();
	}
	closedir(d);
	if (*n > 0)
		qsort(*out, *n, sizeof **out, cmd_recording_cmp_day_desc);
	return 0;
}

static void cmd_recording_days_free(char **days, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(days[i]);
	free(days);
}

/* ==== recording list ================================================================= */

struct cmd_recording_lister {
	struct cmd_util_job job;
	char *dir;
	char since[11], until[11];
	char *account, *session;
	size_t limit;
	bool json;
	struct cmd_recording_file *files;
	size_t n;
	int err;
};

static int cmd_recording_list_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_recording_lister *l = (struct cmd_recording_lister *)job;
	char **days = NULL, path[4096];
	size_t ndays = 0, i, cap = 0, seen = 0;

	(void)st;
	l->err = cmd_recording_days(l->dir, l->since, l->until, &days, &ndays);
	for (i = 0; i < ndays && l->n < l->limit && seen < CMD_RECORDING_FILES_MAX; i++) {
		struct cmd_recording_file *day_files = NULL;
		size_t nday = 0, dcap = 0, k;
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof path, "%s/%s", l->dir, days[i]);
		d = opendir(path);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL && seen < CMD_RECORDING_FILES_MAX) {
			struct cmd_recording_file f;
			struct stat sb;

			memset(&f, 0, sizeof f);
			if (!cmd_recording_parse_name(de->d_name, &f))
				continue;
			seen++;
			if ((l->account != NULL && strcmp(l->account, f.account) != 0) ||
			    (l->session != NULL && strcmp(l->session, f.session) != 0))
				continue;
			snprintf(f.day, sizeof f.day, "%s", days[i]);
			if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISREG(sb.st_mode))
				continue;
			f.bytes = (int64_t)sb.st_size;
			f.mtime_ms = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
			if (nday == dcap) {
				dcap = dcap ? dcap * 2 : 64;
				day_files = realloc(day_files, dcap * sizeof *day_files);
				if (day_files == NULL)
					abort();
			}
			day_files[nday++] = f;
		}
		closedir(d);
		if (nday > 0)
			qsort(day_files, nday, sizeof *day_files, cmd_recording_cmp_file_desc);
		for (k = 0; k < nday && l->n < l->limit; k++) {
			if (l->n == cap) {
				cap = cap ? cap * 2 : 64;
				l->files = realloc(l->files, cap * sizeof *l->files);
				if (l->files == NULL)
					abort();
			}
			l->files[l->n++] = day_files[k];
		}
		free(day_files);
	}
	cmd_recording_days_free(days, ndays);
	return 0;
}

static int cmd_recording_list_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_recording_lister *l = (struct cmd_recording_lister *)job;
	struct buf out;
	size_t i;

	(void)rc;
	if (l->err < 0) {
		shell_errorf(sh, T(sh, "the recordings cannot be read: %s", "无法读取录像：%s"),
		             strerror(-l->err));
		return CMD_ERROR;
	}
	buf_init(&out);
	if (l->json) {
		struct json j;

		json_init(&j, &out);
		json_array_begin(&j);
		for (i = 0; i < l->n; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "session", l->files[i].session);
			json_kv_string(&j, "account", l->files[i].account);
			json_kv_string(&j, "day", l->files[i].day);
			json_kv_string(&j, "file", l->files[i].name);
			json_kv_int(&j, "bytes", l->files[i].bytes);
			json_kv_int(&j, "modified_ms", l->files[i].mtime_ms);
			json_object_end(&j);
		}
		json_array_end(&j);
		buf_putc(&out, '\n');
	} else if (l->n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No recordings.", "没有录像。"));
	} else {
		const char *hdr_en[] = {"SESSION", "ACCOUNT", "DAY", "LAST WRITTEN", "BYTES"};
		const char *hdr_zh[] = {"会话", "账号", "日期", "最后写入", "字节"};
		struct table *t = table_new(5, shell_is_zh(sh) ? hdr_zh : hdr_en);

		for (i = 0; i < l->n; i++) {
			char when[40], bytes[24];
			const char *cells[5];

			cmd_util_time(l->files[i].mtime_ms, true, when, sizeof when);
			snprintf(bytes, sizeof bytes, "%lld", (long long)l->files[i].bytes);
			cells[0] = l->files[i].session;
			cells[1] = l->files[i].account;
			cells[2] = l->files[i].day;
			cells[3] = when;
			cells[4] = bytes;
			table_add_row(t, cells);
		}
		table_render(t, &out);
		table_free(t);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_recording_list_free(struct cmd_util_job *job)
{
	struct cmd_recording_lister *l = (struct cmd_recording_lister *)job;

	free(l->dir);
	free(l->account);
	free(l->session);
	free(l->files);
	free(l);
}

/* The recordings directory, or an error said (none: CMD_ERROR). */
static const char *cmd_recording_dir(struct shell *sh)
{
	if (sh->opts.record_dir == NULL)
		shell_errorf(sh, "%s",
		             T(sh, "this service keeps no recordings", "此服务没有保存录像"));
	return sh->opts.record_dir;
}

static char *cmd_recording_dup(const char *s)
{
	char *d = s != NULL ? strdup(s) : NULL;

	if (s != NULL && d == NULL)
		abort();
	return d;
}

static int cmd_recording_list(struct shell *sh, struct args *a)
{
	struct cmd_recording_lister *l;
	const char *dir = cmd_recording_dir(sh), *since = args_get(a, "since"),
	           *until = args_get(a, "until"), *session = args_get(a, "session");
	size_t limit;
	int64_t ms;
	int rc;

	if (dir == NULL)
		return CMD_ERROR;
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_RECORDING_LIST_MAX, &limit);
	if (rc != CMD_OK)
		return rc;
	if ((since != NULL && cmd_util_parse_day(sh, "--since", since, false, &ms) != CMD_OK) ||
	    (until != NULL && cmd_util_parse_day(sh, "--until", until, false, &ms) != CMD_OK))
		return CMD_USAGE;
	if (session != NULL && !cmd_recording_session_ok(session)) {
		shell_errorf(sh, "%s", T(sh, "--session: a session id (like s000002fb4e)",
		                         "--session：会话编号（形如 s000002fb4e）"));
		return CMD_USAGE;
	}
	l = calloc(1, sizeof *l);
	if (l == NULL)
		abort();
	l->job.run = cmd_recording_list_run;
	l->job.finish = cmd_recording_list_finish;
	l->job.free = cmd_recording_list_free;
	l->dir = cmd_recording_dup(dir);
	l->account = cmd_recording_dup(args_get(a, "account"));
	l->session = cmd_recording_dup(session);
	snprintf(l->since, sizeof l->since, "%.10s", since != NULL ? since : "");
	snprintf(l->until, sizeof l->until, "%.10s", until != NULL ? until : "");
	l->limit = limit != 0 ? limit : CMD_RECORDING_LIST_DEFAULT;
	l->json = args_has(a, "json");
	return cmd_util_job(sh, &l->job, false);
}

/* ==== recording export =============================================================== */

struct cmd_recording_exporter {
	char *dir;
	char session[33];
	char path[4096]; /* found by the first step */
	int64_t off;
	bool found, eof;
	int err;
	char *chunk;
	size_t len;
};

static void cmd_recording_exporter_free(struct cmd_recording_exporter *x)
{
	free(x->dir);
	free(x->chunk);
	free(x);
}

/* Finds SESSION's recording (newest day first), then reads the next chunk of it. */
static int cmd_recording_export_run(struct store *st, void *arg)
{
	struct cmd_recording_exporter *x = arg;
	ssize_t r;
	int fd;

	(void)st;
	if (!x->found) {
		char **days = NULL;
		size_t ndays = 0, i;

		x->err = cmd_recording_days(x->dir, "", "", &days, &ndays);
		for (i = 0; i < ndays && !x->found; i++) {
			char daypath[2100];
			struct dirent *de;
			DIR *d;

			snprintf(daypath, sizeof daypath, "%.2048s/%.10s", x->dir, days[i]);
			d = opendir(daypath);
			if (d == NULL)
				continue;
			while ((de = readdir(d)) != NULL) {
				struct cmd_recording_file f;

				if (cmd_recording_parse_name(de->d_name, &f) &&
				    strcmp(f.session, x->session) == 0) {
					if ((size_t)snprintf(x->path, sizeof x->path, "%.2048s/%.127s", daypath,
					                     f.name) >= sizeof x->path)
						continue;
					x->found = true;
					break;
				}
			}
			closedir(d);
		}
		cmd_recording_days_free(days, ndays);
		if (!x->found)
			return 0;
	}
	fd = open(x->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		x->err = -errno;
		return 0;
	}
	if (x->chunk == NULL) {
		x->chunk = malloc(CMD_RECORDING_CHUNK);
		if (x->chunk == NULL)
			abort();
	}
	r = pread(fd, x->chunk, CMD_RECORDING_CHUNK, x->off);
	if (r < 0)
		x->err = -errno;
	close(fd);
	x->len = r > 0 ? (size_t)r : 0;
	x->off += (int64_t)x->len;
	x->eof = r >= 0 && (size_t)r < CMD_RECORDING_CHUNK;
	return 0;
}

static void cmd_recording_export_done(struct shell *sh, void *arg, int rc)
{
	struct cmd_recording_exporter *x = arg;

	(void)rc;
	if (sh == NULL) {
		cmd_recording_exporter_free(x);
		return;
	}
	if (x->err < 0 || !x->found) {
		if (!x->found && x->err == 0)
			shell_errorf(sh, T(sh, "no recording of session %s", "没有会话 %s 的录像"),
			             x->session);
		else
			shell_errorf(sh, T(sh, "the recording cannot be read: %s", "无法读取录像：%s"),
			             strerror(-x->err));
		cmd_recording_exporter_free(x);
		shell_cmd_done(sh, CMD_ERROR);
		return;
	}
	/* The file as it is: asciicast v2 is JSON lines, its text escaped. */
	shell_write(sh, 1, x->chunk, x->len);
	if (x->eof) {
		cmd_recording_exporter_free(x);
		shell_cmd_done(sh, CMD_OK);
		return;
	}
	if (shell_work(sh, cmd_recording_export_run, cmd_recording_export_done, x) != CMD_PENDING) {
		cmd_recording_exporter_free(x);
		shell_cmd_done(sh, CMD_ERROR);
	}
}

static int cmd_recording_export(struct shell *sh, struct args *a)
{
	struct cmd_recording_exporter *x;
	const char *dir = cmd_recording_dir(sh);
	int rc;

	if (dir == NULL)
		return CMD_ERROR;
	if (sh->interactive) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "recording export writes the file to stdout: run it in exec mode (ssh "
		               "... recording export SESSION > SESSION.cast)",
		               "recording export 把文件写到标准输出：请在 exec 模式下运行（ssh ... "
		               "recording export 会话 > 会话.cast）"));
		return CMD_USAGE;
	}
	if (!cmd_recording_session_ok(a->pos[0])) {
		shell_errorf(sh, "%s", T(sh, "SESSION: a session id (like s000002fb4e)",
		                         "会话：会话编号（形如 s000002fb4e）"));
		return CMD_USAGE;
	}
	x = calloc(1, sizeof *x);
	if (x == NULL)
		abort();
	x->dir = cmd_recording_dup(dir);
	snprintf(x->session, sizeof x->session, "%s", a->pos[0]);
	rc = shell_work(sh, cmd_recording_export_run, cmd_recording_export_done, x);
	if (rc != CMD_PENDING)
		cmd_recording_exporter_free(x);
	return rc;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_recording_list[] = {
    {"account", ARGS_VALUE}, {"session", ARGS_VALUE}, {"since", ARGS_VALUE},
    {"until", ARGS_VALUE},   {"limit", ARGS_VALUE},   {"json", 0},
    {NULL, 0},
};

static const struct cmd_entry cmd_recording_entries[] = {
    {"recording", "list", CMD_RECORDING_ROLES, cmd_opts_recording_list, 0, 0,
     "recording list [--account A] [--session ID] [--since YYYY-MM-DD] [--until YYYY-MM-DD] "
     "[--limit N] [--json]",
     "List the recordings of interactive sessions, newest first (50 unless --limit).",
     "按时间倒序列出交互会话的录像（默认 50 条，可用 --limit）。", CMD_AUDIT | CMD_READONLY,
     NULL, cmd_recording_list, 0},
    {"recording", "export", CMD_RECORDING_ROLES, NULL, 1, 1, "recording export SESSION",
     "Write a session's recording (asciicast v2, as `asciinema play` and `asciinema cat` take "
     "it) to stdout, in exec mode: ssh ... recording export SESSION > SESSION.cast.",
     "把一个会话的录像（asciicast v2，可直接用 `asciinema play` / `asciinema cat` 播放）写到标准"
     "输出，须在 exec 模式下：ssh ... recording export 会话 > 会话.cast。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_recording_export, 0},
};

const struct cmd_group cmd_recording_group = {
    cmd_recording_entries, sizeof cmd_recording_entries / sizeof cmd_recording_entries[0]};
