/* cmd_movein_view — the move-in lists (cmd_movein_int.h): movein list by stage or of the
 * overdue defects, movein find (by unit, owner's name, phone or ID number), movein timeline.
 * Lists read on the thread pool. */
#include "cmd.h"
#include "cmd_movein_int.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "json.h"
#include "rx.h"
#include "shell_int.h"
#include "store.h"
#include "store_movein.h"
#include "store_movein_step.h"
#include "store_unit.h"
#include "table.h"

#define CMD_MOVEIN_VIEW_LIST_MAX 1000

/* ---- movein list ------------------------------------------------------------------------- */

struct cmd_movein_view_lister {
	struct cmd_util_job job;
	int stage; /* -1: the overdue defects */
	size_t limit, offset;
	bool json;
	int64_t now;
	struct movein *list;
	struct movein_defect *defects;
	size_t n; /* rows read: the page and one more when more follow */
};

static int cmd_movein_view_list_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_movein_view_lister *l = (struct cmd_movein_view_lister *)job;

	if (l->stage < 0)
		return store_movein_step_overdue(st, l->now, cmd_page_fetch(l->limit), l->offset,
		                                 &l->defects, &l->n);
	return store_movein_list(st, l->stage, cmd_page_fetch(l->limit), l->offset, &l->list,
	                         &l->n);
}

static void cmd_movein_view_list_free(struct cmd_util_job *job)
{
	struct cmd_movein_view_lister *l = (struct cmd_movein_view_lister *)job;

	if (l->stage < 0)
		store_movein_defect_list_free(l->defects, l->n);
	else
		store_movein_list_free(l->list, l->n);
	free(l);
}

static void cmd_movein_view_list_overdue(struct shell *sh, const struct movein_rules *r,
                                    const struct cmd_movein_view_lister *l, size_t n,
                                    struct buf *out)
{
	const char *en[] = {"DEFECT", "UNIT", "ITEM", "STATUS", "DEADLINE", "ASSIGNED TO", "DEFECT"};
	const char *zh[] = {"编号", "单元", "项目", "状态", "期限", "整改方", "问题"};
	struct table *t = table_new(7, shell_is_zh(sh) ? zh : en);
	size_t i;

	table_set_max_width(t, 6, 30);
	for (i = 0; i < n; i++) {
		const struct movein_defect *d = &l->defects[i];
		char id[24], when[32];
		const char *cells[7];

		snprintf(id, sizeof id, "#%lld", (long long)d->id);
		cmd_util_time(d->deadline_ms, false, when, sizeof when);
		cells[0] = id;
		cells[1] = d->unit;
		cells[2] = cmd_movein_util_name(sh, r, MOVEIN_RULES_ITEM, d->item);
		cells[3] = cmd_movein_util_defect_label(sh, d->status);
		cells[4] = when;
		cells[5] = d->assignee != NULL ? d->assignee : "-";
		cells[6] = d->description;
		table_add_row(t, cells);
	}
	table_render_fit(t, cmd_page_width(sh), out);
	table_free(t);
}

static int cmd_movein_view_list_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_movein_view_lister *l = (struct cmd_movein_view_lister *)job;
	struct cmd_page pg;
	struct catalog *c;
	struct buf out;
	struct json j;
	size_t i;

	if (rc < 0)
		return shell_store_error(sh, rc);
	/* Not counted: "more" from one row past the page. */
	cmd_page_init(&pg, l->offset, l->limit, l->n, -1, false);
	c = cmd_util_catalog(sh);
	buf_init(&out);
	if (l->json) {
		json_init(&j, &out);
		cmd_page_json_begin(&j, &pg);
		for (i = 0; i < pg.n; i++) {
			json_object_begin(&j);
			if (l->stage < 0) {
				const struct movein_defect *d = &l->defects[i];

				json_kv_int(&j, "id", d->id);
				json_kv_string(&j, "unit", d->unit);
				json_kv_string(&j, "item", d->item);
				json_kv_string(&j, "status",
				               store_movein_defect_status_name(d->status));
				json_kv_int(&j, "deadline_ms", d->deadline_ms);
				json_kv_string(&j, "assignee", d->assignee);
				json_kv_string(&j, "description", d->description);
			} else {
				json_kv_string(&j, "unit", l->list[i].unit);
				json_kv_string(&j, "housing_type", l->list[i].housing);
				json_kv_string(&j, "stage", store_movein_stage_name(l->list[i].stage));
				json_kv_int(&j, "updated_ms", l->list[i].updated_ms);
			}
			json_object_end(&j);
		}
		cmd_page_json_end(&j);
		buf_putc(&out, '\n');
	} else if (l->n == 0) {
		buf_printf(&out, "%s\n",
		           l->stage < 0 ? T(sh, "No overdue defects.", "没有逾期的整改项。")
		                        : T(sh, "No move-ins at that stage.", "没有处于该阶段的入伙。"));
	} else if (l->stage < 0) {
		cmd_movein_view_list_overdue(sh, c != NULL ? c->movein : NULL, l, pg.n, &out);
		cmd_page_more(sh, &pg, &out);
	} else {
		const char *en[] = {"UNIT", "HOUSING", "STAGE", "UPDATED"};
		const char *zh[] = {"单元", "类型", "进度", "更新时间"};
		struct table *t = table_new(4, shell_is_zh(sh) ? zh : en);

		for (i = 0; i < pg.n; i++) {
			char when[32];
			const char *cells[4];

			cmd_util_time(l->list[i].updated_ms, true, when, sizeof when);
			cells[0] = l->list[i].unit;
			cells[1] = cmd_movein_util_housing_label(sh, l->list[i].housing);
			cells[2] = cmd_movein_util_stage_label(sh, l->list[i].stage);
			cells[3] = when;
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		cmd_page_more(sh, &pg, &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	catalog_unref(c);
	return CMD_OK;
}

int cmd_movein_view_list(struct shell *sh, struct args *a)
{
	const char *stage = args_get(a, "stage");
	bool overdue = args_has(a, "overdue-defects");
	struct cmd_movein_view_lister *l;
	size_t limit, offset;
	int rc, s = -1;

	if ((stage == NULL) == !overdue) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "give one of --stage STAGE (documents, forms, fees, inspection, "
		               "signoff, review, keys, done) or --overdue-defects",
		               "请指定 --stage 阶段（documents、forms、fees、inspection、signoff、"
		               "review、keys、done）或 --overdue-defects 之一"));
		return CMD_USAGE;
	}
	if (stage != NULL && (s = store_movein_stage_parse(stage)) < 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, stage);
		shell_errorf(sh,
		             T(sh,
		               "no stage `%s` (documents, forms, fees, inspection, signoff, review, "
		               "keys, done)",
		               "没有阶段 `%s`（documents、forms、fees、inspection、signoff、review、"
		               "keys、done）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_MOVEIN_VIEW_LIST_MAX, &limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), SIZE_MAX / 2, &offset);
	if (rc != CMD_OK)
		return rc;
	l = calloc(1, sizeof *l);
	if (l == NULL)
		abort();
	l->job.run = cmd_movein_view_list_run;
	l->job.finish = cmd_movein_view_list_finish;
	l->job.free = cmd_movein_view_list_free;
	l->stage = s;
	l->limit = limit;
	l->offset = offset;
	l->json = args_has(a, "json");
	l->now = store_now_ms();
	return cmd_util_job(sh, &l->job, true);
}

/* ---- movein timeline ------------------------------------------------------------------------ */

/* The move-in's log and the unit's complaints and promises, merged in time order, oldest
 * first, a page of limit from offset: read on the thread pool, the first offset + limit of
 * each (so the merge has what the page needs), and how many there are in all. */
#define CMD_MOVEIN_VIEW_TIMELINE_LIMIT 200
#define CMD_MOVEIN_VIEW_TIMELINE_MAX 1000
#define CMD_MOVEIN_VIEW_TIMELINE_OFFSET_MAX 1000000
struct cmd_movein_view_timeliner {
	struct cmd_util_job job;
	char *unit;
	bool json;
	size_t limit, offset;
	int64_t total;
	struct movein_event *ev; /* oldest first */
	size_t nev;
	struct unit_event *uev; /* the oldest, newest first */
	size_t nuev;
};

static int cmd_movein_view_timeline_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_movein_view_timeliner *t = (struct cmd_movein_view_timeliner *)job;
	size_t want = t->offset + t->limit, take;
	int64_t logged = 0, history = 0;
	int rc = store_movein_log_count(st, t->unit, &logged);

	if (rc == 0)
		rc = store_unit_history_count(st, t->unit, &history);
	if (rc < 0)
		return rc;
	t->total = logged + history;
	if (logged > 0)
		rc = store_movein_log(st, t->unit, want, &t->ev, &t->nev);
	take = (size_t)history < want ? (size_t)history : want;
	if (rc == 0 && take > 0)
		rc = store_unit_history(st, t->unit, take, (size_t)history - take, &t->uev, &t->nuev);
	return rc;
}

static void cmd_movein_view_timeline_free(struct cmd_util_job *job)
{
	struct cmd_movein_view_timeliner *t = (struct cmd_movein_view_timeliner *)job;

	store_movein_log_free(t->ev, t->nev);
	store_unit_history_free(t->uev, t->nuev);
	free(t->unit);
	free(t);
}

static void cmd_movein_view_timeline_line(struct shell *sh, struct json *j, int64_t ts,
                                          const char *kind, const char *who, const char *what,
                                          const char *detail, struct buf *out)
{
	char when[32];

	if (j != NULL) {
		json_object_begin(j);
		json_kv_int(j, "ts_ms", ts);
		json_kv_string(j, "kind", kind);
		json_kv_string(j, "account", who);
		json_kv_string(j, "action", what);
		json_kv_string(j, "detail", detail);
		json_object_end(j);
		return;
	}
	(void)sh;
	cmd_util_time(ts, true, when, sizeof when);
	buf_printf(out, "%s  %-10s ", when, who != NULL ? who : "-");
	shell_clean(out, what);
	buf_puts(out, "  ");
	shell_clean(out, detail != NULL ? detail : "");
	buf_putc(out, '\n');
}

static int cmd_movein_view_timeline_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_movein_view_timeliner *t = (struct cmd_movein_view_timeliner *)job;
	size_t i = 0, k = t->nuev; /* k: complaints from the oldest (the end) */
	size_t seen = 0, shown = 0;
	struct json j, *jp = NULL;
	struct buf out, d;

	if (rc < 0)
		return shell_store_error(sh, rc);
	buf_init(&out);
	buf_init(&d);
	if (t->json) {
		json_init(&j, &out);
		json_array_begin(&j);
		jp = &j;
	} else if (t->total == 0) {
		buf_printf(&out, "%s\n",
		           T(sh, "No move-in steps or complaints recorded.", "没有入伙记录或投诉。"));
	}
	while ((i < t->nev || k > 0) && shown < t->limit) {
		bool skip = seen++ < t->offset;

		if (k == 0 || (i < t->nev && t->ev[i].ts_ms <= t->uev[k - 1].ts_ms)) {
			if (!skip)
				cmd_movein_view_timeline_line(sh, jp, t->ev[i].ts_ms, "movein",
				                              t->ev[i].account, t->ev[i].action,
				                              t->ev[i].detail, &out);
			i++;
		} else if (skip) {
			k--;
		} else {
			const struct unit_event *e = &t->uev[k - 1];

			buf_reset(&d);
			buf_printf(&d, "%s %s: %s", e->number, e->status, e->text);
			cmd_movein_view_timeline_line(
			    sh, jp, e->ts_ms, e->is_promise ? "promise" : "complaint", e->agent,
			    e->is_promise ? T(sh, "promise", "承诺") : T(sh, "complaint", "投诉"),
			    buf_cstr(&d), &out);
			k--;
		}
		shown += !skip;
	}
	if (jp != NULL) {
		json_array_end(&j);
		buf_putc(&out, '\n');
	} else if ((int64_t)(t->offset + shown) < t->total) {
		buf_printf(&out,
		           T(sh, "(%zu of %lld shown: movein timeline %s --offset %zu for more)\n",
		             "（显示 %zu 条，共 %lld 条；movein timeline %s --offset %zu 查看更多）\n"),
		           shown, (long long)t->total, t->unit, t->offset + shown);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	buf_free(&d);
	return CMD_OK;
}

int cmd_movein_view_timeline(struct shell *sh, struct args *a)
{
	struct cmd_movein_view_timeliner *t;

	if (!cmd_movein_util_unit_ok(sh, a->pos[0]))
		return CMD_USAGE;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		abort();
	t->job.run = cmd_movein_view_timeline_run;
	t->job.finish = cmd_movein_view_timeline_finish;
	t->job.free = cmd_movein_view_timeline_free;
	t->json = args_has(a, "json");
	t->limit = CMD_MOVEIN_VIEW_TIMELINE_LIMIT;
	if (cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_MOVEIN_VIEW_TIMELINE_MAX,
	                         &t->limit) != CMD_OK ||
	    cmd_util_parse_offset(sh, args_get(a, "offset"), CMD_MOVEIN_VIEW_TIMELINE_OFFSET_MAX,
	                          &t->offset) != CMD_OK) {
		free(t);
		return CMD_USAGE;
	}
	if (t->limit == 0)
		t->limit = CMD_MOVEIN_VIEW_TIMELINE_LIMIT;
	t->unit = strdup(a->pos[0]);
	if (t->unit == NULL)
		abort();
	return cmd_util_job(sh, &t->job, true);
}

/* ---- movein find ---------------------------------------------------------------------------- */

struct cmd_movein_view_finder {
	struct cmd_util_job job;
	char *text;
	struct rx *rx; /* --regex: used by the pool thread only while the job runs */
	size_t limit, offset;
	bool json;
	struct unit *units;
	int *stages; /* per unit: enum movein_stage, -1 none */
	size_t n;
};

static int cmd_movein_view_find_match(void *arg, const char *text, size_t len)
{
	int rc = rx_match(arg, text, len);

	return rc == RX_EUTF ? 0 : rc;
}

static int cmd_movein_view_find_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_movein_view_finder *f = (struct cmd_movein_view_finder *)job;
	size_t i;
	size_t fetch = cmd_page_fetch(f->limit);
	int rc = f->rx != NULL ? store_unit_find_match(st, cmd_movein_view_find_match, f->rx,
	                                               fetch, f->offset, &f->units, &f->n)
	                       : store_unit_find(st, f->text, fetch, f->offset, &f->units, &f->n);

	if (rc < 0)
		return rc;
	f->stages = calloc(f->n + 1, sizeof *f->stages);
	if (f->stages == NULL)
		abort();
	for (i = 0; i < f->n; i++) {
		struct movein m;
		int grc = store_movein_get(st, f->units[i].code, &m);

		f->stages[i] = grc == 0 ? m.stage : -1;
		store_movein_clear(&m);
		if (grc < 0 && grc != STORE_ENOENT)
			return grc;
	}
	return 0;
}

static void cmd_movein_view_find_free(struct cmd_util_job *job)
{
	struct cmd_movein_view_finder *f = (struct cmd_movein_view_finder *)job;

	store_unit_list_free(f->units, f->n);
	free(f->stages);
	free(f->text);
	rx_free(f->rx);
	free(f);
}

static int cmd_movein_view_find_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_movein_view_finder *f = (struct cmd_movein_view_finder *)job;
	bool whole = cmd_util_sees_phone(sh, NULL, NULL);
	struct cmd_page pg;
	struct buf out, phone, id;
	size_t i;

	if (rc == RX_ELIMIT || rc == RX_ENOMEM) {
		shell_errorf(sh, "%s", rx_strerror(rc, shell_lang(sh)));
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	/* Not counted (a regex reads every unit): "more" from one row past the page. */
	cmd_page_init(&pg, f->offset, f->limit, f->n, -1, false);
	buf_init(&out);
	buf_init(&phone);
	buf_init(&id);
	if (f->json) {
		struct json j;

		json_init(&j, &out);
		cmd_page_json_begin(&j, &pg);
		for (i = 0; i < pg.n; i++) {
			const struct unit *u = &f->units[i];

			buf_reset(&phone);
			buf_reset(&id);
			cmd_util_phone(u->owner_phone, whole, &phone);
			cmd_util_id_number(sh, u->owner_id, &id);
			json_object_begin(&j);
			json_kv_string(&j, "unit", u->code);
			json_kv_string(&j, "owner_name", u->owner_name);
			json_kv_string(&j, "owner_phone", u->owner_phone ? buf_cstr(&phone) : NULL);
			json_kv_string(&j, "owner_id", u->owner_id ? buf_cstr(&id) : NULL);
			json_kv_string(&j, "housing_type", u->housing_type);
			json_kv_string(&j, "movein_stage", f->stages[i] >= 0
			                                       ? store_movein_stage_name(f->stages[i])
			                                       : NULL);
			json_object_end(&j);
		}
		cmd_page_json_end(&j);
		buf_putc(&out, '\n');
	} else if (f->n == 0) {
		buf_printf(&out, "%s\n", T(sh, "No unit found.", "没有找到单元。"));
	} else {
		const char *en[] = {"UNIT", "OWNER", "PHONE", "ID NUMBER", "HOUSING", "MOVE-IN"};
		const char *zh[] = {"单元", "业主", "电话", "身份证号", "类型", "入伙进度"};
		struct table *t = table_new(6, shell_is_zh(sh) ? zh : en);

		for (i = 0; i < pg.n; i++) {
			const struct unit *u = &f->units[i];
			const char *cells[6];
			struct buf p2, i2;

			buf_init(&p2);
			buf_init(&i2);
			if (u->owner_phone != NULL)
				cmd_util_phone(u->owner_phone, whole, &p2);
			else
				buf_putc(&p2, '-');
			cmd_util_id_number(sh, u->owner_id, &i2);
			cells[0] = u->code;
			cells[1] = u->owner_name != NULL ? u->owner_name : "-";
			cells[2] = buf_cstr(&p2);
			cells[3] = buf_cstr(&i2);
			cells[4] = cmd_movein_util_housing_label(sh, u->housing_type);
			cells[5] = f->stages[i] >= 0 ? cmd_movein_util_stage_label(sh, f->stages[i])
			                             : T(sh, "not started", "未开始");
			table_add_row(t, cells);
			buf_free(&p2);
			buf_free(&i2);
		}
		table_render_fit(t, cmd_page_width(sh), &out);
		table_free(t);
		cmd_page_more(sh, &pg, &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	buf_free(&phone);
	buf_free(&id);
	return CMD_OK;
}

int cmd_movein_view_find(struct shell *sh, struct args *a)
{
	struct cmd_movein_view_finder *f;
	size_t limit, offset;
	int rc;

	if (!cmd_util_text_ok(sh, T(sh, "the text", "查找内容"), a->pos[0], UNIT_TEXT_MAX))
		return CMD_USAGE;
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_MOVEIN_VIEW_LIST_MAX,
	                          &limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), SIZE_MAX / 2, &offset);
	if (rc != CMD_OK)
		return rc;
	f = calloc(1, sizeof *f);
	if (f == NULL)
		abort();
	f->job.run = cmd_movein_view_find_run;
	f->job.finish = cmd_movein_view_find_finish;
	f->job.free = cmd_movein_view_find_free;
	f->text = strdup(a->pos[0]);
	if (f->text == NULL)
		abort();
	if (args_has(a, "regex")) {
		char *err = NULL;

		f->rx = rx_new(a->pos[0], args_has(a, "caseless") ? RX_CASELESS : 0, &err);
		if (f->rx == NULL) {
			shell_errorf(sh, "%s", err != NULL ? err : rx_strerror(RX_EPATTERN, shell_lang(sh)));
			free(err);
			cmd_movein_view_find_free(&f->job);
			return CMD_USAGE;
		}
	}
	f->limit = limit;
	f->offset = offset;
	f->json = args_has(a, "json");
	/* Reads every unit of the register: on the pool only. */
	return cmd_util_job(sh, &f->job, false);
}
