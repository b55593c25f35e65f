/* cmd_report — supervisors' reports, computed on the thread pool with a read-only store:
 * report techniques (per communication technique, or per technique and agent: complaints,
 * share resolved, median time to resolve, reopen and escalation rates, promises kept on time)
 * and report promises (open and overdue promises by agent). */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_names.h"
#include "cmd_page.h"
#include "cmd_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_complaint.h"
#include "store_report.h"
#include "table.h"
#include "xalloc.h"

#define CMD_REPORT_PROMISES_SCAN 100000 /* open promises read for report promises */
#define CMD_REPORT_OVERDUE_MAX 1000     /* --limit of the overdue list */
#define CMD_REPORT_OVERDUE_DEFAULT 50

static void cmd_report_pct(double v, char *out, size_t len)
{
	snprintf(out, len, "%.0f%%", v * 100.0);
}

/* ==== report techniques =================================================================== */

struct cmd_report_tech {
	struct cmd_util_job job;
	int64_t since_ms, until_ms;
	char *category;
	bool by_agent, json;
	struct technique_stat *rows;
	size_t n;
};

static int cmd_report_tech_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_report_tech *r = (struct cmd_report_tech *)job;

	return store_report_techniques(st, 0, r->since_ms, r->until_ms, r->category, r->by_agent,
	                               &r->rows, &r->n);
}

static void cmd_report_tech_json(const struct cmd_report_tech *r, struct cmd_names *names,
                                 struct store *st, struct buf *out)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	json_object_begin(&j);
	json_kv_int(&j, "since_ms", r->since_ms);
	json_kv_int(&j, "until_ms", r->until_ms);
	json_kv_string(&j, "category", r->category);
	json_kv_bool(&j, "by_agent", r->by_agent);
	json_key(&j, "rows");
	json_array_begin(&j);
	for (i = 0; i < r->n; i++) {
		const struct technique_stat *s = &r->rows[i];

		json_object_begin(&j);
		json_kv_string(&j, "technique", s->technique);
		if (r->by_agent) {
			json_kv_string(&j, "agent", s->agent);
			json_kv_string(&j, "display", cmd_names_display(names, st, s->agent));
		}
		json_kv_int(&j, "complaints", s->complaints);
		json_kv_int(&j, "resolved", s->resolved);
		json_kv_int(&j, "reopened", s->reopened);
		json_kv_int(&j, "escalated", s->escalated);
		cmd_util_json_double(&j, "resolved_share", s->resolved_share);
		cmd_util_json_double(&j, "reopen_rate", s->reopen_rate);
		cmd_util_json_double(&j, "escalation_rate", s->escalation_rate);
		json_kv_int(&j, "median_resolve_ms", s->median_resolve_ms);
		json_kv_int(&j, "promises_due", s->promises_due);
		json_kv_int(&j, "promises_kept_on_time", s->promises_kept_on_time);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_putc(out, '\n');
}

static void cmd_report_tech_text(struct shell *sh, const struct cmd_report_tech *r,
                                 struct cmd_names *names, struct buf *out)
{
	const char *hdr_en[] = {"TECHNIQUE", "AGENT",    "COMPLAINTS", "RESOLVED",
	                        "MEDIAN",    "REOPENED", "ESCALATED",  "PROMISES ON TIME"};
	const char *hdr_zh[] = {"沟通方法",     "客服",   "投诉数", "解决率",
	                        "解决中位时长", "重开率", "升级率", "承诺按时兑现"};
	const char *const *hdr = shell_is_zh(sh) ? hdr_zh : hdr_en;
	const char *h[8];
	struct catalog *cat = cmd_util_catalog(sh);
	char since[32], until[32];
	struct table *t;
	size_t i, k, ncols = r->by_agent ? 8 : 7;

	for (i = 0, k = 0; i < 8; i++)
		if (i != 1 || r->by_agent)
			h[k++] = hdr[i];
	t = table_new(ncols, h);
	cmd_util_time(r->since_ms, false, since, sizeof since);
	/* until_ms is the midnight after the last day: show the last day itself. */
	cmd_util_time(r->until_ms > 0 ? r->until_ms - 1 : 0, false, until, sizeof until);
	buf_printf(out, T(sh, "Techniques report, %s to %s", "沟通方法报表：%s 至 %s"),
	           r->since_ms > 0 ? since : T(sh, "the start", "最早"),
	           r->until_ms > 0 ? until : T(sh, "now", "现在"));
	if (r->category != NULL) {
		buf_printf(out, "%s", T(sh, ", category ", "，类别："));
		shell_clean(out, cmd_util_category_name(sh, cat, r->category));
	}
	buf_putc(out, '\n');
	for (i = 0; i < r->n; i++) {
		const struct technique_stat *s = &r->rows[i];
		char name[160], resolved[48], median[48], reopen[16], esc[16], kept[48];
		const char *cells[8];

		snprintf(name, sizeof name, "%s %s", s->technique,
		         cmd_util_technique_name(sh, cat, s->technique) == s->technique
		             ? T(sh, "(not in the catalog)", "（不在目录中）")
		             : cmd_util_technique_name(sh, cat, s->technique));
		cmd_report_pct(s->resolved_share, resolved, sizeof resolved);
		cmd_util_duration(sh, s->median_resolve_ms, median, sizeof median);
		cmd_report_pct(s->reopen_rate, reopen, sizeof reopen);
		cmd_report_pct(s->escalation_rate, esc, sizeof esc);
		if (s->promises_due > 0)
			snprintf(kept, sizeof kept, "%lld/%lld (%.0f%%)",
			         (long long)s->promises_kept_on_time, (long long)s->promises_due,
			         100.0 * (double)s->promises_kept_on_time /
			             (double)s->promises_due);
		else
			snprintf(kept, sizeof kept, "-");
		k = 0;
		cells[k++] = name;
		if (r->by_agent)
			cells[k++] = cmd_names_label(names, sh->host.store, s->agent);
		{
			char count[24];

			snprintf(count, sizeof count, "%lld", (long long)s->complaints);
			cells[k++] = count;
			cells[k++] = resolved;
			cells[k++] = median;
			cells[k++] = reopen;
			cells[k++] = esc;
			cells[k++] = kept;
			table_add_row(t, cells);
		}
	}
	if (r->n == 0)
		buf_printf(out, "%s\n",
		           T(sh, "No complaints in that period.", "该时段内没有投诉。"));
	else
		table_render_fit(t, cmd_page_width(sh), out);
	table_free(t);
	catalog_unref(cat);
}

static int cmd_report_tech_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_report_tech *r = (struct cmd_report_tech *)job;
	struct cmd_names names;
	struct buf out;

	if (rc < 0)
		return shell_store_error(sh, rc);
	/* The agents' display names: one indexed read per agent of the report. */
	cmd_names_init(&names);
	buf_init(&out);
	if (r->json)
		cmd_report_tech_json(r, &names, sh->host.store, &out);
	else
		cmd_report_tech_text(sh, r, &names, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	cmd_names_clear(&names);
	return CMD_OK;
}

static void cmd_report_tech_free(struct cmd_util_job *job)
{
	struct cmd_report_tech *r = (struct cmd_report_tech *)job;

	free(r->category);
	store_report_free(r->rows, r->n);
	free(r);
}

static int cmd_report_techniques(struct shell *sh, struct args *a)
{
	const char *since = args_get(a, "since"), *until = args_get(a, "until");
	const char *category = args_get(a, "category"), *by = args_get(a, "by");
	int64_t since_ms = 0, until_ms = 0;
	struct cmd_report_tech *r;
	int rc;

	if (since != NULL &&
	    (rc = cmd_util_parse_day(sh, "since", since, false, &since_ms)) != CMD_OK)
		return rc;
	if (until != NULL &&
	    (rc = cmd_util_parse_day(sh, "until", until, true, &until_ms)) != CMD_OK)
		return rc;
	if (since_ms > 0 && until_ms > 0 && until_ms <= since_ms) {
		shell_errorf(sh, "%s", T(sh, "--until is before --since", "--until 早于 --since"));
		return CMD_USAGE;
	}
	if (by != NULL && strcmp(by, "agent") != 0) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, by);
		shell_errorf(sh,
		             T(sh, "--by: unknown value `%s` (one of: agent)",
		               "--by：未知取值 `%s`（可选：agent）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_USAGE;
	}
	if (category != NULL) {
		struct catalog *cat = cmd_util_catalog(sh);

		/* A code from the catalog, or an old one some complaint still carries. */
		if (!store_code_ok(category) ||
		    (cat != NULL && catalog_category(cat, category) == NULL)) {
			struct complaint_filter f;
			int64_t count = 0;

			memset(&f, 0, sizeof f);
			f.category = category;
			if (!store_code_ok(category) ||
			    store_complaint_count(sh->host.store, &f, &count) < 0 || count == 0) {
				struct buf w, list;
				size_t i;

				buf_init(&w);
				buf_init(&list);
				shell_clean(&w, category);
				for (i = 0; cat != NULL && i < cat->ncategories; i++) {
					if (i > 0)
						buf_putc(&list, ' ');
					buf_puts(&list, cat->categories[i].code);
				}
				shell_errorf(sh,
				             T(sh, "--category: unknown category `%s` (one of: %s)",
				               "--category：未知投诉类别 `%s`（可选：%s）"),
				             buf_cstr(&w), buf_cstr(&list));
				buf_free(&w);
				buf_free(&list);
				catalog_unref(cat);
				return CMD_USAGE;
			}
		}
		catalog_unref(cat);
	}
	r = calloc(1, sizeof *r);
	if (r == NULL)
		abort();
	r->job.run = cmd_report_tech_run;
	r->job.finish = cmd_report_tech_finish;
	r->job.free = cmd_report_tech_free;
	r->since_ms = since_ms;
	r->until_ms = until_ms;
	r->category = xalloc_strdup(category);
	r->by_agent = by != NULL;
	r->json = args_has(a, "json");
	return cmd_util_job(sh, &r->job, true);
}

/* ==== report promises ===================================================================== */

struct cmd_report_agent {
	const char *agent; /* borrowed from the promise list */
	int64_t open, overdue, oldest_due_ms;
};

struct cmd_report_prom {
	struct cmd_util_job job;
	char *agent;
	size_t limit;
	bool json;
	int64_t now_ms;
	struct promise *list; /* open promises, most urgent first */
	size_t n;
};

static int cmd_report_prom_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_report_prom *r = (struct cmd_report_prom *)job;
	struct promise_filter f;

	memset(&f, 0, sizeof f);
	f.agent = r->agent;
	f.open_only = true;
	f.now_ms = r->now_ms;
	f.limit = CMD_REPORT_PROMISES_SCAN;
	return store_promise_list(st, &f, &r->list, &r->n);
}

/* Per-agent counts (agents sorted by most overdue, then name) into *out (caller frees). */
static size_t cmd_report_prom_agents(const struct cmd_report_prom *r, struct cmd_report_agent **out)
{
	struct cmd_report_agent *ag = calloc(r->n + 1, sizeof *ag);
	size_t nag = 0, i, k;

	if (ag == NULL)
		abort();
	for (i = 0; i < r->n; i++) {
		const struct promise *p = &r->list[i];

		for (k = 0; k < nag && strcmp(ag[k].agent, p->agent) != 0; k++)
			;
		if (k == nag)
			ag[nag++].agent = p->agent;
		ag[k].open++;
		if (p->due_ms < r->now_ms) {
			ag[k].overdue++;
			if (ag[k].oldest_due_ms == 0 || p->due_ms < ag[k].oldest_due_ms)
				ag[k].oldest_due_ms = p->due_ms;
		}
	}
	/* Insertion sort: few agents. */
	for (i = 1; i < nag; i++) {
		struct cmd_report_agent x = ag[i];

		for (k = i; k > 0 && (ag[k - 1].overdue < x.overdue ||
		                      (ag[k - 1].overdue == x.overdue &&
		                       strcmp(ag[k - 1].agent, x.agent) > 0));
		     k--)
			ag[k] = ag[k - 1];
		ag[k] = x;
	}
	*out = ag;
	return nag;
}

static int cmd_report_prom_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_report_prom *r = (struct cmd_report_prom *)job;
	struct cmd_report_agent *ag = NULL;
	size_t nag, i, shown = 0;
	struct cmd_names names;
	struct buf out;

	if (rc < 0)
		return shell_store_error(sh, rc);
	nag = cmd_report_prom_agents(r, &ag);
	cmd_names_init(&names);
	buf_init(&out);
	if (r->json) {
		struct json j;

		json_init(&j, &out);
		json_object_begin(&j);
		json_kv_int(&j, "now_ms", r->now_ms);
		json_key(&j, "agents");
		json_array_begin(&j);
		for (i = 0; i < nag; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "agent", ag[i].agent);
			json_kv_string(&j, "display",
			               cmd_names_display(&names, sh->host.store, ag[i].agent));
			json_kv_int(&j, "open", ag[i].open);
			json_kv_int(&j, "overdue", ag[i].overdue);
			json_kv_int(&j, "oldest_due_ms", ag[i].oldest_due_ms);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_key(&j, "overdue");
		json_array_begin(&j);
		for (i = 0; i < r->n && shown < r->limit; i++) {
			const struct promise *p = &r->list[i];

			if (p->due_ms >= r->now_ms)
				continue;
			json_object_begin(&j);
			json_kv_int(&j, "id", p->id);
			json_kv_string(&j, "agent", p->agent);
			json_kv_string(&j, "display",
			               cmd_names_display(&names, sh->host.store, p->agent));
			json_kv_string(&j, "number", p->number);
			json_kv_string(&j, "unit", p->unit);
			json_kv_string(&j, "what", p->what);
			json_kv_int(&j, "due_ms", p->due_ms);
			json_object_end(&j);
			shown++;
		}
		json_array_end(&j);
		json_object_end(&j);
		buf_putc(&out, '\n');
	} else if (nag == 0) {
		buf_printf(&out, "%s\n", T(sh, "No open promises.", "没有未兑现的承诺。"));
	} else {
		const char *hdr_en[] = {"AGENT", "OPEN", "OVERDUE", "OLDEST OVERDUE"};
		const char *hdr_zh[] = {"客服", "未兑现", "已逾期", "最早逾期期限"};
		const char *ohdr_en[] = {"ID", "DUE", "AGENT", "COMPLAINT", "UNIT", "PROMISE"};
		const char *ohdr_zh[] = {"编号", "期限", "客服", "投诉", "单元", "承诺内容"};
		struct table *t = table_new(4, shell_is_zh(sh) ? hdr_zh : hdr_en);
		struct table *o = table_new(6, shell_is_zh(sh) ? ohdr_zh : ohdr_en);

		for (i = 0; i < nag; i++) {
			char open[24], overdue[24], oldest[32];
			const char *cells[4];

			snprintf(open, sizeof open, "%lld", (long long)ag[i].open);
			snprintf(overdue, sizeof overdue, "%lld", (long long)ag[i].overdue);
			cmd_util_time(ag[i].oldest_due_ms, true, oldest, sizeof oldest);
			cells[0] = cmd_names_label(&names, sh->host.store, ag[i].agent);
			cells[1] = open;
			cells[2] = overdue;
			cells[3] = oldest;
			table_add_row(t, cells);
		}
		buf_printf(&out, "%s\n", T(sh, "Open promises by agent:", "各客服未兑现的承诺："));
		table_render_fit(t, cmd_page_width(sh), &out);
		table_set_max_width(o, 5, 30);
		for (i = 0; i < r->n && shown < r->limit; i++) {
			const struct promise *p = &r->list[i];
			char id[24], due[32];
			const char *cells[6];

			if (p->due_ms >= r->now_ms)
				continue;
			snprintf(id, sizeof id, "#%lld", (long long)p->id);
			cmd_util_time(p->due_ms, true, due, sizeof due);
			cells[0] = id;
			cells[1] = due;
			cells[2] = cmd_names_label(&names, sh->host.store, p->agent);
			cells[3] = p->number;
			cells[4] = p->unit;
			cells[5] = p->what;
			table_add_row(o, cells);
			shown++;
		}
		if (shown > 0) {
			buf_printf(&out, "\n%s\n",
			           T(sh, "Overdue promises, oldest first:",
			             "已逾期的承诺（最早的在前）："));
			table_render_fit(o, cmd_page_width(sh), &out);
		} else {
			buf_printf(&out, "\n%s\n",
			           T(sh, "No overdue promises.", "没有逾期的承诺。"));
		}
		table_free(t);
		table_free(o);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	cmd_names_clear(&names);
	free(ag);
	return CMD_OK;
}

static void cmd_report_prom_free(struct cmd_util_job *job)
{
	struct cmd_report_prom *r = (struct cmd_report_prom *)job;

	free(r->agent);
	store_promise_list_free(r->list, r->n);
	free(r);
}

static int cmd_report_promises(struct shell *sh, struct args *a)
{
	const char *agent = args_get(a, "agent");
	struct cmd_report_prom *r;
	size_t limit;
	int rc;

	if (agent != NULL && !cmd_util_desk_account(sh, "--agent ", agent))
		return CMD_USAGE;
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_REPORT_OVERDUE_MAX,
	                               &limit);
	if (rc != CMD_OK)
		return rc;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		abort();
	r->job.run = cmd_report_prom_run;
	r->job.finish = cmd_report_prom_finish;
	r->job.free = cmd_report_prom_free;
	r->agent = xalloc_strdup(agent);
	r->limit = limit ? limit : CMD_REPORT_OVERDUE_DEFAULT;
	r->json = args_has(a, "json");
	r->now_ms = store_now_ms();
	return cmd_util_job(sh, &r->job, true);
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_report_techniques[] = {
    {"since", ARGS_VALUE}, {"until", ARGS_VALUE}, {"category", ARGS_VALUE},
    {"by", ARGS_VALUE},    {"json", 0},           {NULL, 0},
};

static const struct args_opt cmd_opts_report_promises[] = {
    {"agent", ARGS_VALUE},
    {"limit", ARGS_VALUE},
    {"json", 0},
    {NULL, 0},
};

static const struct cmd_entry cmd_report_entries[] = {
    {"report", "techniques", ROLES_SUPERVISOR, cmd_opts_report_techniques, 0, 0,
     "report techniques [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--category C] "
     "[--by agent] [--json]",
     "Per technique (and agent with --by agent): complaints, share resolved, median time to "
     "resolve, reopen and escalation rates, promises kept on time.",
     "按沟通方法（加 --by agent 则再按客服）统计：投诉数、解决率、解决时长中位数、重开率、升级率、"
     "承诺按时兑现情况。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_report_techniques, 0},
    {"report", "promises", ROLES_SUPERVISOR, cmd_opts_report_promises, 0, 0,
     "report promises [--agent A] [--limit N] [--json]",
     "Open and overdue promises by agent, and the overdue ones oldest first.",
     "按客服统计未兑现和已逾期的承诺，并列出逾期承诺（最早的在前）。", CMD_AUDIT | CMD_READONLY,
     NULL, cmd_report_promises, 0},
};

const struct cmd_group cmd_report_group = {cmd_report_entries, sizeof cmd_report_entries / sizeof cmd_report_entries[0],
                                           "Reports", "报表"};
