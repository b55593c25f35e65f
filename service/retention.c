/* retention — deleting recordings past [record] keep_days, audited (see the header). */
#include "retention.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "store_audit.h"

#define RETENTION_FIRST_MS 2000
#define RETENTION_EVERY_MS (24 * 3600 * 1000)

struct retention {
	uv_loop_t *loop;
	struct store *st;
	uv_timer_t timer;
	uv_work_t work;
	bool running, stopping, timer_closed;
	char *dir;
	int keep_days;
	/* one run */
	char *run_dir;
	char cutoff[11];
	long long files, bytes;
	int err;
};

void retention_cutoff(long long now_s, int keep_days, char out[11])
{
	time_t t = (time_t)(now_s - (long long)keep_days * 86400);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "0000-00-00");
}

static bool retention_day_ok(const char *s)
{
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	return s[10] == '\0';
}

/* On the pool: removes every DAY directory before the cut-off (its regular files, then it). */
static void retention_work_cb(uv_work_t *w)
{
	struct retention *r = w->data;
	struct dirent *de;
	DIR *d = opendir(r->run_dir);

	r->files = r->bytes = 0;
	r->err = 0;
	if (d == NULL) {
		r->err = errno == ENOENT ? 0 : -errno;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct dirent *fe;
		DIR *day;
		int dfd;

		if (!retention_day_ok(de->d_name) || strcmp(de->d_name, r->cutoff) >= 0)
			continue;
		dfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0 || (day = fdopendir(dfd)) == NULL) {
			if (dfd >= 0)
				close(dfd);
			r->err = -errno;
			continue;
		}
		while ((fe = readdir(day)) != NULL) {
			struct stat sb;

			if (fstatat(dfd, fe->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISREG(sb.st_mode))
				continue;
			if (unlinkat(dfd, fe->d_name, 0) == 0) {
				r->files++;
				r->bytes += (long long)sb.st_size;
			} else {
				r->err = -errno;
			}
		}
		closedir(day);
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) != 0 && errno != ENOTEMPTY)
			r->err = -errno;
	}
	closedir(d);
}

static void retention_free(struct retention *r)
{
	free(r->dir);
	free(r->run_dir);
	free(r);
}

static void retention_after_cb(uv_work_t *w, int status)
{
	struct retention *r = w->data;
	static const struct audit_ctx ctx = {.role = "admin", .transport = "service"};
	char detail[96];
	int rc;

	r->running = false;
	if (status == 0 && r->files > 0 && !r->stopping) {
		snprintf(detail, sizeof detail, "before=%s files=%lld bytes=%lld", r->cutoff, r->files,
		         r->bytes);
		rc = store_audit(r->st, &ctx, "recording.retention", NULL, detail);
		log_info(NULL, "recordings before %s removed ([record] keep_days %d): %lld files, "
			 "%lld bytes%s", r->cutoff, r->keep_days, r->files, r->bytes,
			 rc < 0 ? " (not audited: the database refused)" : "");
	}
	if (r->err < 0)
		log_warn(NULL, "recordings retention: %s", strerror(-r->err));
	if (r->stopping && r->timer_closed)
		retention_free(r);
}

static void retention_timer_cb(uv_timer_t *t)
{
	struct retention *r = t->data;

	if (r->running || r->keep_days <= 0)
		return;
	free(r->run_dir);
	r->run_dir = strdup(r->dir);
	if (r->run_dir == NULL)
		return;
	retention_cutoff((long long)time(NULL), r->keep_days, r->cutoff);
	r->running = true;
	r->work.data = r;
	if (uv_queue_work(r->loop, &r->work, retention_work_cb, retention_after_cb) != 0)
		r->running = false;
}

struct retention *retention_start(uv_loop_t *loop, struct store *st, const char *dir,
				  int keep_days)
{
	struct retention *r;

	if (keep_days <= 0 || dir == NULL)
		return NULL;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	r->loop = loop;
	r->st = st;
	r->dir = strdup(dir);
	r->keep_days = keep_days;
	if (r->dir == NULL) {
		free(r);
		return NULL;
	}
	uv_timer_init(loop, &r->timer);
	r->timer.data = r;
	uv_timer_start(&r->timer, retention_timer_cb, RETENTION_FIRST_MS, RETENTION_EVERY_MS);
	uv_unref((uv_handle_t *)&r->timer);
	return r;
}

void retention_set(struct retention *r, const char *dir, int keep_days)
{
	char *d;

	if (r == NULL || dir == NULL || (d = strdup(dir)) == NULL)
		return;
	free(r->dir);
	r->dir = d;
	r->keep_days = keep_days;
}

static void retention_close_cb(uv_handle_t *h)
{
	struct retention *r = h->data;

	r->timer_closed = true;
	if (!r->running)
		retention_free(r);
}

void retention_stop(struct retention *r)
{
	if (r == NULL)
		return;
	r->stopping = true;
	uv_close((uv_handle_t *)&r->timer, retention_close_cb);
}
