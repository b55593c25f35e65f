/* cmd_recording — the auditors' view of the session recordings: recording list (each
 * interactive session's asciicast v2 file under the recordings directory, newest first),
 * recording export SESSION (the file as it is, on stdout in exec mode, for `asciinema play`
 * on the auditor's machine), recording text SESSION (what the terminal showed, as text) and
 * recording search PATTERN (the lines found, with the session and the second). All read the
 * disk on the thread pool and are audited. */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_page.h"
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

#include "cast.h"
#include "json.h"
#include "rx.h"
#include "shell_int.h"
#include "table.h"
#include "utf8.h"

#define CMD_RECORDING_ROLES (ROLE_AUDITOR | ROLE_ADMIN)
#define CMD_RECORDING_LIST_DEFAULT 50
#define CMD_RECORDING_LIST_MAX 1000
#define CMD_RECORDING_OFFSET_MAX 100000 /* --offset: files skipped (held while listing) */
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

/* The path of session's recording (newest day first): 0 with *found, or -errno. */
static int cmd_recording_find(const char *dir, const char *session, char *path, size_t cap,
                              bool *found)
{
	char **days = NULL;
	size_t ndays = 0, i;
	int err = cmd_recording_days(dir, "", "", &days, &ndays);

	*found = false;
	for (i = 0; i < ndays && !*found; i++) {
		char daypath[2100];
		struct dirent *de;
		DIR *d;

		snprintf(daypath, sizeof daypath, "%.2048s/%.10s", dir, days[i]);
		d = opendir(daypath);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			struct cmd_recording_file f;

			if (cmd_recording_parse_name(de->d_name, &f) && strcmp(f.session, session) == 0 &&
			    (size_t)snprintf(path, cap, "%.2048s/%.127s", daypath, f.name) < cap) {
				*found = true;
				break;
			}
		}
		closedir(d);
	}
	cmd_recording_days_free(days, ndays);
	return err;
}

/* ==== recording list ================================================================= */

struct cmd_recording_lister {
	struct cmd_util_job job;
	char *dir;
	char since[11], until[11];
	char *account, *session;
	size_t limit, offset; /* the page (the default filled in) */
	bool json;
	struct cmd_recording_file *files; /* from the newest: those before the page, the page and
	                                   * one more when more follow */
	size_t n;
	int err;
};

static int cmd_recording_list_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_recording_lister *l = (struct cmd_recording_lister *)job;
	char **days = NULL, path[4096];
	size_t ndays = 0, i, cap = 0, seen = 0;
	size_t want = l->offset + cmd_page_fetch(l->limit);

	(void)st;
	l->err = cmd_recording_days(l->dir, l->since, l->until, &days, &ndays);
	for (i = 0; i < ndays && l->n < want && seen < CMD_RECORDING_FILES_MAX; i++) {
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
		for (k = 0; k < nday && l->n < want; k++) {
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
	struct cmd_recording_file *files = l->files + (l->n < l->offset ? l->n : l->offset);
	struct cmd_page pg;
	struct buf out;
	size_t i;

	(void)rc;
	if (l->err < 0) {
		shell_errorf(sh, T(sh, "the recordings cannot be read: %s", "无法读取录像：%s"),
		             strerror(-l->err));
		return CMD_ERROR;
	}
	/* Not counted (that would read every day's directory): "more" from one file past. */
	cmd_page_init(&pg, l->offset, l->limit, l->n > l->offset ? l->n - l->offset : 0, -1,
	              false);
	buf_init(&out);
	if (l->json) {
		struct json j;

		json_init(&j, &out);
		cmd_page_json_begin(&j, &pg);
		for (i = 0; i < pg.n; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "session", files[i].session);
			json_kv_string(&j, "account", files[i].account);
			json_kv_string(&j, "day", files[i].day);
			json_kv_string(&j, "file", files[i].name);
			json_kv_int(&j, "bytes", files[i].bytes);
			json_kv_int(&j, "modified_ms", files[i].mtime_ms);
			json_object_end(&j);
		}
		cmd_page_json_end(&j);
		buf_putc(&out, '\n');
	} else if (pg.n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No recordings.", "没有录像。"));
	} else {
		const char *hdr_en[] = {"SESSION", "ACCOUNT", "DAY", "LAST WRITTEN", "BYTES"};
		const char *hdr_zh[] = {"会话", "账号", "日期", "最后写入", "字节"};
		struct table *t = table_new(5, shell_is_zh(sh) ? hdr_zh : hdr_en);

		for (i = 0; i < pg.n; i++) {
			char when[40], bytes[24];
			const char *cells[5];

			cmd_util_time(files[i].mtime_ms, true, when, sizeof when);
			snprintf(bytes, sizeof bytes, "%lld", (long long)files[i].bytes);
			cells[0] = files[i].session;
			cells[1] = files[i].account;
			cells[2] = files[i].day;
			cells[3] = when;
			cells[4] = bytes;
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		cmd_page_more(sh, &pg, &out);
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
	size_t limit, offset;
	int64_t ms;
	int rc;

	if (dir == NULL)
		return CMD_ERROR;
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_RECORDING_LIST_MAX, &limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), CMD_RECORDING_OFFSET_MAX,
		                           &offset);
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
	l->offset = offset;
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
		x->err = cmd_recording_find(x->dir, x->session, x->path, sizeof x->path, &x->found);
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


/* ==== recording text / search ======================================================== */

/* Text of a recording kept for `recording text`, and bytes of recordings read by one search. */
#define CMD_RECORDING_TEXT_MAX ((size_t)8 << 20)
#define CMD_RECORDING_SEARCH_BYTES ((int64_t)1 << 30)
#define CMD_RECORDING_SEARCH_FILES 5000
#define CMD_RECORDING_HITS_DEFAULT 50
#define CMD_RECORDING_HITS_MAX 500
#define CMD_RECORDING_HIT_TEXT 160

/* Reads path's events in order: each "o" event's text (from `from` seconds on) is fed to
 * each(arg, t, text, len); stops when each returns false. *bytes gets the bytes read. 0, or
 * -errno. A line that does not parse is skipped. */
static int cmd_recording_walk(const char *path, double from,
                              bool (*each)(void *arg, double t, const char *text, size_t len),
                              void *arg, int64_t *bytes)
{
	struct cast_text ct;
	struct buf data, text;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	*bytes = 0;
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return -ENOMEM;
	}
	cast_text_init(&ct);
	buf_init(&data);
	buf_init(&text);
	while ((n = getline(&line, &cap, f)) > 0) {
		double t;
		char code;

		*bytes += n;
		if ((size_t)n > CAST_LINE_MAX ||
		    cast_event_parse(line, (size_t)n, &t, &code, &data) != 1 || code != 'o')
			continue;
		buf_reset(&text);
		cast_text_feed(&ct, data.data, data.len, &text);
		if (t >= from && text.len > 0 && !each(arg, t, text.data, text.len))
			break;
	}
	free(line);
	fclose(f);
	buf_free(&data);
	buf_free(&text);
	return 0;
}

struct cmd_recording_texter {
	struct cmd_util_job job;
	char *dir;
	char session[33];
	char path[4096];
	double from;
	bool found, cut;
	int err;
	struct buf text;
};

static bool cmd_recording_text_each(void *arg, double t, const char *text, size_t len)
{
	struct cmd_recording_texter *x = arg;

	(void)t;
	if (x->text.len + len > CMD_RECORDING_TEXT_MAX) {
		x->cut = true;
		return false;
	}
	buf_append(&x->text, text, len);
	return true;
}

static int cmd_recording_text_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_recording_texter *x = (struct cmd_recording_texter *)job;
	int64_t bytes;

	(void)st;
	x->err = cmd_recording_find(x->dir, x->session, x->path, sizeof x->path, &x->found);
	if (x->found)
		x->err = cmd_recording_walk(x->path, x->from, cmd_recording_text_each, x, &bytes);
	return 0;
}

static int cmd_recording_text_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_recording_texter *x = (struct cmd_recording_texter *)job;
	struct buf out;

	(void)rc;
	if (!x->found) {
		shell_errorf(sh, T(sh, "no recording of session %s", "没有会话 %s 的录像"), x->session);
		return CMD_ERROR;
	}
	if (x->err < 0) {
		shell_errorf(sh, T(sh, "the recording cannot be read: %s", "无法读取录像：%s"),
		             strerror(-x->err));
		return CMD_ERROR;
	}
	buf_init(&out);
	/* Whatever the file holds, nothing that could act on this terminal reaches it. */
	utf8_sanitize(&out, x->text.data != NULL ? x->text.data : "", x->text.len,
	              UTF8_KEEP_NEWLINES);
	if (out.len > 0 && out.data[out.len - 1] != '\n')
		buf_putc(&out, '\n');
	if (x->cut)
		buf_printf(&out,
		           T(sh, "(cut at %zu MiB: go on with --from SECONDS)\n",
		             "（已在 %zu MiB 处截断：可用 --from 秒数 继续）\n"),
		           CMD_RECORDING_TEXT_MAX >> 20);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_recording_text_free(struct cmd_util_job *job)
{
	struct cmd_recording_texter *x = (struct cmd_recording_texter *)job;

	free(x->dir);
	buf_free(&x->text);
	free(x);
}

/* --from SECONDS: a number >= 0. */
static int cmd_recording_seconds(struct shell *sh, const char *s, double *out)
{
	char *end = NULL;

	*out = 0;
	if (s == NULL)
		return CMD_OK;
	*out = strtod(s, &end);
	if (end == s || *end != '\0' || !(*out >= 0) || *out > 1e9) {
		shell_errorf(sh, "%s", T(sh, "--from: seconds from the start (like 12.5)",
		                         "--from：从开始算起的秒数（如 12.5）"));
		return CMD_USAGE;
	}
	return CMD_OK;
}

static int cmd_recording_text(struct shell *sh, struct args *a)
{
	struct cmd_recording_texter *x;
	const char *dir = cmd_recording_dir(sh);
	double from;
	int rc;

	if (dir == NULL)
		return CMD_ERROR;
	if (!cmd_recording_session_ok(a->pos[0])) {
		shell_errorf(sh, "%s", T(sh, "SESSION: a session id (like s000002fb4e)",
		                         "会话：会话编号（形如 s000002fb4e）"));
		return CMD_USAGE;
	}
	rc = cmd_recording_seconds(sh, args_get(a, "from"), &from);
	if (rc != CMD_OK)
		return rc;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		abort();
	x->job.run = cmd_recording_text_run;
	x->job.finish = cmd_recording_text_finish;
	x->job.free = cmd_recording_text_free;
	x->dir = cmd_recording_dup(dir);
	snprintf(x->session, sizeof x->session, "%s", a->pos[0]);
	x->from = from;
	buf_init(&x->text);
	return cmd_util_job(sh, &x->job, false);
}

struct cmd_recording_hit {
	char session[33], account[65], day[11];
	double t;
	char text[CMD_RECORDING_HIT_TEXT + 8];
};

struct cmd_recording_searcher {
	struct cmd_util_job job;
	char *dir;
	char *account;
	char since[11], until[11];
	struct rx *rx;
	size_t limit;        /* hits collected: those before the page, the page and one more */
	size_t page, offset; /* the page shown (the default filled in) */
	bool json;
	/* the file being read */
	const struct cmd_recording_file *cur;
	struct buf line;
	double line_t;
	/* the results */
	struct cmd_recording_hit *hits;
	size_t n;
	int rx_err;
	int64_t bytes, files;
	bool stopped; /* the byte or file bound was reached */
};

/* A whole line of text: kept when it matches. False to stop. */
static bool cmd_recording_search_line(struct cmd_recording_searcher *x)
{
	int m;

	if (x->line.len == 0)
		return true;
	m = rx_match(x->rx, x->line.data, x->line.len);
	if (m < 0 && m != RX_EUTF) {
		x->rx_err = m;
		return false;
	}
	if (m == 1) {
		struct cmd_recording_hit *h;
		struct buf clean;

		x->hits = realloc(x->hits, (x->n + 1) * sizeof *x->hits);
		if (x->hits == NULL)
			abort();
		h = &x->hits[x->n++];
		memset(h, 0, sizeof *h);
		snprintf(h->session, sizeof h->session, "%s", x->cur->session);
		snprintf(h->account, sizeof h->account, "%s", x->cur->account);
		snprintf(h->day, sizeof h->day, "%s", x->cur->day);
		/* Rounded down, so that --from that second shows the line. */
		h->t = (double)(int64_t)(x->line_t * 1000) / 1000;
		buf_init(&clean);
		utf8_sanitize(&clean, x->line.data, x->line.len, 0);
		/* Cut at a character boundary. */
		{
			size_t cut = clean.len <= CMD_RECORDING_HIT_TEXT ? clean.len : CMD_RECORDING_HIT_TEXT;

			while (cut > 0 && cut < clean.len && ((unsigned char)clean.data[cut] & 0xC0) == 0x80)
				cut--;
			memcpy(h->text, clean.data, cut);
			h->text[cut] = '\0';
		}
		buf_free(&clean);
	}
	return x->n < x->limit;
}

static bool cmd_recording_search_each(void *arg, double t, const char *text, size_t len)
{
	struct cmd_recording_searcher *x = arg;
	size_t i;

	for (i = 0; i < len; i++) {
		if (x->line.len == 0)
			x->line_t = t;
		if (text[i] == '\n') {
			bool go = cmd_recording_search_line(x);

			buf_reset(&x->line);
			if (!go)
				return false;
		} else if (x->line.len < 4096) {
			buf_putc(&x->line, text[i]);
		}
	}
	return true;
}

static int cmd_recording_search_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_recording_searcher *x = (struct cmd_recording_searcher *)job;
	char **days = NULL, path[4096];
	size_t ndays = 0, i;
	int rc;

	(void)st;
	rc = cmd_recording_days(x->dir, x->since, x->until, &days, &ndays);
	for (i = 0; i < ndays && x->n < x->limit && x->rx_err == 0 && !x->stopped; i++) {
		struct cmd_recording_file *files = NULL;
		size_t nf = 0, fcap = 0, k;
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof path, "%.2048s/%.10s", x->dir, days[i]);
		d = opendir(path);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			struct cmd_recording_file f;
			struct stat sb;

			memset(&f, 0, sizeof f);
			if (!cmd_recording_parse_name(de->d_name, &f) ||
			    (x->account != NULL && strcmp(x->account, f.account) != 0) ||
			    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISREG(sb.st_mode))
				continue;
			snprintf(f.day, sizeof f.day, "%s", days[i]);
			f.bytes = (int64_t)sb.st_size;
			f.mtime_ms = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
			if (nf == fcap) {
				fcap = fcap ? fcap * 2 : 64;
				files = realloc(files, fcap * sizeof *files);
				if (files == NULL)
					abort();
			}
			files[nf++] = f;
		}
		closedir(d);
		if (nf > 0)
			qsort(files, nf, sizeof *files, cmd_recording_cmp_file_desc);
		for (k = 0; k < nf && x->n < x->limit && x->rx_err == 0; k++) {
			char fpath[4096];
			int64_t b = 0;

			if (x->bytes >= CMD_RECORDING_SEARCH_BYTES || x->files >= CMD_RECORDING_SEARCH_FILES) {
				x->stopped = true;
				break;
			}
			snprintf(fpath, sizeof fpath, "%.2048s/%.127s", path, files[k].name);
			x->cur = &files[k];
			buf_reset(&x->line);
			if (cmd_recording_walk(fpath, 0, cmd_recording_search_each, x, &b) == 0 &&
			    x->n < x->limit && x->rx_err == 0)
				(void)cmd_recording_search_line(x); /* the last line */
			x->bytes += b;
			x->files++;
		}
		x->cur = NULL;
		free(files);
	}
	cmd_recording_days_free(days, ndays);
	return rc;
}

static int cmd_recording_search_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_recording_searcher *x = (struct cmd_recording_searcher *)job;
	const struct cmd_recording_hit *hits;
	struct cmd_page pg;
	struct buf out;
	size_t i;

	if (rc < 0) {
		shell_errorf(sh, T(sh, "the recordings cannot be read: %s", "无法读取录像：%s"),
		             strerror(-rc));
		return CMD_ERROR;
	}
	if (x->rx_err < 0) {
		shell_errorf(sh, "%s", rx_strerror(x->rx_err, shell_lang(sh)));
		return CMD_ERROR;
	}
	/* Not counted (that would read every recording): "more" from one hit past the page. */
	hits = x->hits + (x->n < x->offset ? x->n : x->offset);
	cmd_page_init(&pg, x->offset, x->page, x->n > x->offset ? x->n - x->offset : 0, -1, false);
	buf_init(&out);
	if (x->json) {
		struct json j;

		json_init(&j, &out);
		cmd_page_json_begin(&j, &pg);
		for (i = 0; i < pg.n; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "session", hits[i].session);
			json_kv_string(&j, "account", hits[i].account);
			json_kv_string(&j, "day", hits[i].day);
			cmd_util_json_double(&j, "at_s", hits[i].t);
			json_kv_string(&j, "text", hits[i].text);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_kv_bool(&j, "stopped", x->stopped); /* the bound of what one search reads */
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else if (pg.n == 0) {
		buf_printf(&out, "%s\n", T(sh, "Not found in the recordings.", "录像中没有找到。"));
	} else {
		const char *hdr_en[] = {"SESSION", "ACCOUNT", "DAY", "AT (s)", "TEXT"};
		const char *hdr_zh[] = {"会话", "账号", "日期", "时刻（秒）", "内容"};
		struct table *t = table_new(5, shell_is_zh(sh) ? hdr_zh : hdr_en);

		table_set_max_width(t, 4, 60);
		for (i = 0; i < pg.n; i++) {
			char at[32];
			const char *cells[5];

			snprintf(at, sizeof at, "%.1f", (double)(int64_t)(hits[i].t * 10) / 10);
			cells[0] = hits[i].session;
			cells[1] = hits[i].account;
			cells[2] = hits[i].day;
			cells[3] = at;
			cells[4] = hits[i].text;
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		cmd_page_more(sh, &pg, &out);
		buf_puts(&out, T(sh, "(recording text SESSION --from SECONDS shows it from there)\n",
		                 "（recording text 会话 --from 秒数 从该处显示）\n"));
	}
	if (x->stopped && !x->json)
		buf_printf(&out,
		           T(sh, "(stopped after %lld recordings, %lld MiB: narrow with --account, "
		                 "--since, --until)\n",
		             "（读了 %lld 个录像、%lld MiB 后停止：可用 --account、--since、--until "
		             "缩小范围）\n"),
		           (long long)x->files, (long long)(x->bytes >> 20));
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_recording_search_free(struct cmd_util_job *job)
{
	struct cmd_recording_searcher *x = (struct cmd_recording_searcher *)job;

	free(x->dir);
	free(x->account);
	rx_free(x->rx);
	buf_free(&x->line);
	free(x->hits);
	free(x);
}

static int cmd_recording_search(struct shell *sh, struct args *a)
{
	struct cmd_recording_searcher *x;
	const char *dir = cmd_recording_dir(sh), *since = args_get(a, "since"),
	           *until = args_get(a, "until");
	char *err = NULL;
	size_t limit, offset;
	int64_t ms;
	int rc;

	if (dir == NULL)
		return CMD_ERROR;
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_RECORDING_HITS_MAX, &limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), CMD_RECORDING_OFFSET_MAX,
		                           &offset);
	if (rc != CMD_OK)
		return rc;
	if ((since != NULL && cmd_util_parse_day(sh, "--since", since, false, &ms) != CMD_OK) ||
	    (until != NULL && cmd_util_parse_day(sh, "--until", until, false, &ms) != CMD_OK))
		return CMD_USAGE;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		abort();
	x->job.run = cmd_recording_search_run;
	x->job.finish = cmd_recording_search_finish;
	x->job.free = cmd_recording_search_free;
	x->rx = rx_new(a->pos[0], 0, &err);
	if (x->rx == NULL) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, err);
		shell_errorf(sh, "%s", buf_cstr(&w));
		buf_free(&w);
		free(err);
		free(x);
		return CMD_USAGE;
	}
	x->dir = cmd_recording_dup(dir);
	x->account = cmd_recording_dup(args_get(a, "account"));
	snprintf(x->since, sizeof x->since, "%.10s", since != NULL ? since : "");
	snprintf(x->until, sizeof x->until, "%.10s", until != NULL ? until : "");
	x->page = limit != 0 ? limit : CMD_RECORDING_HITS_DEFAULT;
	x->offset = offset;
	x->limit = offset + cmd_page_fetch(x->page);
	x->json = args_has(a, "json");
	buf_init(&x->line);
	return cmd_util_job(sh, &x->job, false);
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_recording_list[] = {
    {"account", ARGS_VALUE}, {"session", ARGS_VALUE}, {"since", ARGS_VALUE},
    {"until", ARGS_VALUE},   {"limit", ARGS_VALUE},   {"offset", ARGS_VALUE},
    {"json", 0},             {NULL, 0},
};

static const struct args_opt cmd_opts_recording_text[] = {
    {"from", ARGS_VALUE},
    {NULL, 0},
};

static const struct args_opt cmd_opts_recording_search[] = {
    {"account", ARGS_VALUE}, {"since", ARGS_VALUE},  {"until", ARGS_VALUE},
    {"limit", ARGS_VALUE},   {"offset", ARGS_VALUE}, {"json", 0}, {NULL, 0},
};

static const struct cmd_entry cmd_recording_entries[] = {
    {"recording", "list", CMD_RECORDING_ROLES, cmd_opts_recording_list, 0, 0,
     "recording list [--account A] [--session ID] [--since YYYY-MM-DD] [--until YYYY-MM-DD] "
     "[--limit N] [--offset N] [--json]",
     "List the recordings of interactive sessions, newest first (50 unless --limit).",
     "按时间倒序列出交互会话的录像（默认 50 条，可用 --limit）。", CMD_AUDIT | CMD_READONLY,
     NULL, cmd_recording_list, 0},
    {"recording", "export", CMD_RECORDING_ROLES, NULL, 1, 1, "recording export SESSION",
     "Write a session's recording (asciicast v2, as `asciinema play` and `asciinema cat` take "
     "it) to stdout, in exec mode: ssh ... recording export SESSION > SESSION.cast.",
     "把一个会话的录像（asciicast v2，可直接用 `asciinema play` / `asciinema cat` 播放）写到标准"
     "输出，须在 exec 模式下：ssh ... recording export 会话 > 会话.cast。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_recording_export, 0},
    {"recording", "text", CMD_RECORDING_ROLES, cmd_opts_recording_text, 1, 1,
     "recording text SESSION [--from SECONDS]",
     "Show what a session's terminal showed, as plain text (escape sequences removed), from "
     "the start or from SECONDS on.",
     "以纯文本（去掉转义序列）显示一个会话终端上显示过的内容，从开头或从第 SECONDS 秒起。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_recording_text, 0},
    {"recording", "search", CMD_RECORDING_ROLES, cmd_opts_recording_search, 1, 1,
     "recording search PATTERN [--account A] [--since YYYY-MM-DD] [--until YYYY-MM-DD] "
     "[--limit N] [--offset N] [--json]",
     "Search the text of the recordings (PCRE2, bounded; newest first, at most 1 GiB read): "
     "each line found with its session and the second it was shown, for recording text "
     "--from.",
     "在录像的文字中搜索（PCRE2，有上限；从新到旧，最多读 1 GiB）：给出每一行所在的会话和显示的秒数，"
     "可用 recording text --from 跳到那里。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_recording_search, 0},
};

const struct cmd_group cmd_recording_group = {
    cmd_recording_entries, sizeof cmd_recording_entries / sizeof cmd_recording_entries[0],
					  "Session recordings", "会话录像"};
