/* cmd_complaint_view — complaints read: complaint show, list (filters, paging, a bounded
 * count) and search (substring and bounded PCRE2), each list on the thread pool. Part of the
 * complaint group (its table is in cmd_complaint.c). */
#include "cmd_complaint_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cmd.h"
#include "cmd_page.h"
#include "cmd_util.h"
#include "json.h"
#include "rx.h"
#include "rx_literal.h"
#include "shell_int.h"
#include "store.h"
#include "store_complaint.h"
#include "table.h"
#include "utf8.h"

#define CMD_COMPLAINT_LIST_MAX 1000 /* --limit */
#define CMD_COMPLAINT_WORDS_COLS 20 /* the words column of a list */

/* ==== complaint show ====================================================================== */

/* Appends text (untrusted, multi-line) with every line indented by two spaces. */
static void cmd_complaint_indent(struct buf *out, const char *text)
{
	struct buf clean;
	const char *p, *nl;

	buf_init(&clean);
	if (text != NULL)
		utf8_sanitize(&clean, text, strlen(text), UTF8_KEEP_NEWLINES);
	for (p = buf_cstr(&clean); *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		buf_puts(out, "  ");
		if (nl == NULL) {
			buf_puts(out, p);
			buf_putc(out, '\n');
			break;
		}
		buf_append(out, p, (size_t)(nl - p));
		buf_putc(out, '\n');
	}
	buf_free(&clean);
}

/* A table of a section of complaint show, indented like the section's other lines. */
static void cmd_complaint_table_indented(const struct shell *sh, const struct table *t,
                                         struct buf *out)
{
	size_t cols = cmd_page_width(sh);
	struct buf b;

	buf_init(&b);
	table_render_fit(t, cols > 2 ? cols - 2 : cols, &b); /* within the width once indented */
	cmd_complaint_indent(out, buf_cstr(&b));
	buf_free(&b);
}

static void cmd_complaint_field(struct buf *out, const char *label, const char *value)
{
	buf_puts(out, label);
	shell_clean(out, value != NULL ? value : "-");
	buf_putc(out, '\n');
}

static void cmd_complaint_json_summary(const struct shell *sh, struct json *j,
                                       const struct complaint *c, const struct catalog *cat)
{
	struct buf phone;
	size_t i;

	buf_init(&phone);
	cmd_util_phone(c->phone, cmd_util_sees_phone(sh, c->agent, c->assignee), &phone);
	json_kv_string(j, "number", c->number);
	json_kv_string(j, "unit", c->unit);
	json_kv_bool(j, "unit_verified", c->unit_verified);
	json_kv_string(j, "caller", c->caller);
	json_kv_string(j, "relation", store_complaint_relation_name(c->relation));
	json_kv_string(j, "phone", c->phone != NULL ? buf_cstr(&phone) : NULL);
	json_kv_string(j, "channel", store_complaint_channel_name(c->channel));
	json_kv_string(j, "category", c->category);
	json_kv_string(j, "category_name", cmd_util_category_name(sh, cat, c->category));
	json_kv_string(j, "words", c->words);
	json_kv_string(j, "mood", store_complaint_mood_name(c->mood));
	json_kv_string(j, "dialect", c->dialect);
	json_kv_string(j, "outcome", c->outcome);
	json_kv_string(j, "status", store_complaint_status_name(c->status));
	json_kv_string(j, "agent", c->agent);
	json_kv_string(j, "assignee", c->assignee);
	json_kv_int(j, "created_ms", c->created_ms);
	json_kv_int(j, "updated_ms", c->updated_ms);
	json_kv_int(j, "resolved_ms", c->resolved_ms);
	json_key(j, "techniques");
	json_array_begin(j);
	for (i = 0; i < c->ntechniques; i++)
		json_string(j, c->techniques[i]);
	json_array_end(j);
	json_kv_int(j, "open_promises", c->open_promises);
	json_kv_int(j, "next_due_ms", c->next_due_ms);
	buf_free(&phone);
}

static void cmd_complaint_json_promise(struct json *j, const struct promise *p)
{
	json_kv_int(j, "id", p->id);
	json_kv_string(j, "number", p->number);
	json_kv_string(j, "unit", p->unit);
	json_kv_string(j, "agent", p->agent);
	json_kv_string(j, "what", p->what);
	json_kv_int(j, "due_ms", p->due_ms);
	json_kv_string(j, "status", store_promise_status_name(p->status));
	json_kv_int(j, "created_ms", p->created_ms);
	json_kv_int(j, "closed_ms", p->closed_ms);
	json_kv_string(j, "note", p->note);
}

static void cmd_complaint_show_json(const struct shell *sh, const struct complaint *c,
                                    const struct catalog *cat, struct buf *out)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	json_object_begin(&j);
	cmd_complaint_json_summary(sh, &j, c, cat);
	json_key(&j, "promises");
	json_array_begin(&j);
	for (i = 0; i < c->npromises; i++) {
		json_object_begin(&j);
		cmd_complaint_json_promise(&j, &c->promises[i]);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "notes");
	json_array_begin(&j);
	for (i = 0; i < c->nnotes; i++) {
		json_object_begin(&j);
		json_kv_int(&j, "id", c->notes[i].id);
		json_kv_string(&j, "author", c->notes[i].author);
		json_kv_int(&j, "ts_ms", c->notes[i].ts_ms);
		json_kv_string(&j, "text", c->notes[i].text);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "history");
	json_array_begin(&j);
	for (i = 0; i < c->nhistory; i++) {
		json_object_begin(&j);
		json_kv_int(&j, "id", c->history[i].id);
		json_kv_int(&j, "ts_ms", c->history[i].ts_ms);
		json_kv_string(&j, "account", c->history[i].account);
		json_kv_string(&j, "action", c->history[i].action);
		json_kv_string(&j, "detail", c->history[i].detail);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "handovers");
	json_array_begin(&j);
	for (i = 0; i < c->nhandovers; i++) {
		json_object_begin(&j);
		json_kv_int(&j, "id", c->handovers[i].id);
		json_kv_string(&j, "from", c->handovers[i].from);
		json_kv_string(&j, "to", c->handovers[i].to);
		json_kv_int(&j, "ts_ms", c->handovers[i].ts_ms);
		json_kv_string(&j, "note", c->handovers[i].note);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_putc(out, '\n');
}

static void cmd_complaint_show_promises(const struct shell *sh, const struct complaint *c,
                                        struct buf *out)
{
	const char *hdr_en[] = {"ID", "DUE", "STATUS", "AGENT", "PROMISE", "NOTE"};
	const char *hdr_zh[] = {"编号", "期限", "状态", "客服", "承诺内容", "备注"};
	struct table *t = table_new(6, shell_is_zh(sh) ? hdr_zh : hdr_en);
	int64_t now = store_now_ms();
	size_t i;

	table_set_max_width(t, 4, 40);
	table_set_max_width(t, 5, 30);
	for (i = 0; i < c->npromises; i++) {
		const struct promise *p = &c->promises[i];
		char id[24], due[32];
		const char *cells[6];

		snprintf(id, sizeof id, "#%lld", (long long)p->id);
		cmd_util_time(p->due_ms, true, due, sizeof due);
		cells[0] = id;
		cells[1] = due;
		cells[2] = cmd_util_promise_state(sh, p->status, p->due_ms, now);
		cells[3] = p->agent;
		cells[4] = p->what;
		cells[5] = p->note;
		table_add_row(t, cells);
	}
	cmd_complaint_table_indented(sh, t, out);
	table_free(t);
}


/* A history row's action in the session language (the code in JSON). */
static const char *cmd_complaint_history_action(const struct shell *sh, const char *action)
{
	static const struct {
		const char *code, *en, *zh;
	} names[] = {
	    {"created", "taken", "登记"},
	    {"note", "note", "备注"},
	    {"tag", "techniques", "沟通方法"},
	    {"assign", "assigned", "转派"},
	    {"escalate", "escalated", "升级"},
	    {"resolve", "resolved", "解决"},
	    {"reopen", "reopened", "重开"},
	    {"promise.add", "promise made", "作出承诺"},
	    {"promise.kept", "promise kept", "承诺兑现"},
	    {"promise.withdrawn", "promise withdrawn", "承诺撤回"},
	};
	size_t i;

	for (i = 0; action != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(action, names[i].code) == 0)
			return T(sh, names[i].en, names[i].zh);
	return action != NULL ? action : "";
}

/* A history row's detail for the screen: "due=<epoch ms>" as a local date and time, and the
 * stored keys (unit=, category=, assignee=, promises=, techniques=) and "(unverified)" in the
 * session language; the rest as it is (JSON keeps the detail as stored). */
static void cmd_complaint_history_detail(const struct shell *sh, const char *detail,
                                         struct buf *out)
{
	static const struct {
		const char *key, *en, *zh;
	} keys[] = {
	    {"unit=", "unit ", "单元 "},
	    {"category=", "category ", "类别 "},
	    {"assignee=", "assignee ", "处理人 "},
	    {"promises=", "promises ", "承诺 "},
	    {"techniques=", "techniques ", "沟通方法 "},
	    {"due=", "due ", "期限 "},
	};
	const char *p = detail != NULL ? detail : "";

	while (*p != '\0') {
		size_t k, n = strcspn(p, " :");
		bool done = false;

		for (k = 0; !done && k < sizeof keys / sizeof keys[0]; k++) {
			size_t kl = strlen(keys[k].key);
			char *end = NULL;
			long long ms;
			char when[32];

			if (n <= kl || strncmp(p, keys[k].key, kl) != 0)
				continue;
			buf_puts(out, T(sh, keys[k].en, keys[k].zh));
			if (strcmp(keys[k].key, "due=") == 0) {
				ms = strtoll(p + kl, &end, 10);
				if (end == p + n && ms > 0) {
					cmd_util_time(ms, true, when, sizeof when);
					buf_puts(out, when);
				} else {
					buf_append(out, p + kl, n - kl);
				}
			} else {
				buf_append(out, p + kl, n - kl);
			}
			done = true;
		}
		if (!done && n == strlen("(unverified)") && strncmp(p, "(unverified)", n) == 0)
			buf_puts(out, T(sh, "(unverified)", "（未核实）"));
		else if (!done)
			buf_append(out, p, n);
		p += n;
		if (*p != '\0') {
			buf_putc(out, *p);
			p++;
		}
		/* After "#12 agent due=...: ", the rest is free text: as it is. */
		if (p[-1] == ':') {
			buf_puts(out, p);
			break;
		}
	}
	buf_puts(out, "");
}
static void cmd_complaint_show_text(const struct shell *sh, const struct complaint *c,
                                    const struct catalog *cat, struct buf *out)
{
	char created[32], updated[32], resolved[32], ts[32];
	struct buf phone, line;
	size_t i;

	buf_init(&phone);
	buf_init(&line);
	cmd_util_time(c->created_ms, true, created, sizeof created);
	cmd_util_time(c->updated_ms, true, updated, sizeof updated);
	cmd_util_time(c->resolved_ms, true, resolved, sizeof resolved);
	cmd_util_phone(c->phone, cmd_util_sees_phone(sh, c->agent, c->assignee), &phone);

	buf_printf(out, "%s %s  [%s]\n", T(sh, "Complaint", "投诉"), c->number,
	           cmd_util_status_label(sh, c->status));
	buf_printf(&line, "%s%s", c->unit,
	           c->unit_verified ? "" : T(sh, " (unverified)", "（未核实）"));
	cmd_complaint_field(out, T(sh, "  unit:      ", "  单元：    "), buf_cstr(&line));
	buf_reset(&line);
	buf_printf(&line, T(sh, "%s (%s)", "%s（%s）"),
	           cmd_util_category_name(sh, cat, c->category), c->category);
	cmd_complaint_field(out, T(sh, "  category:  ", "  类别：    "), buf_cstr(&line));
	buf_reset(&line);
	buf_printf(&line, T(sh, "%s (%s)", "%s（%s）"), c->caller,
	           cmd_complaint_relation_label(sh, c->relation));
	cmd_complaint_field(out, T(sh, "  caller:    ", "  来电人：  "), buf_cstr(&line));
	cmd_complaint_field(out, T(sh, "  phone:     ", "  电话：    "),
	                    c->phone != NULL ? buf_cstr(&phone) : NULL);
	cmd_complaint_field(out, T(sh, "  channel:   ", "  渠道：    "),
	                    cmd_complaint_channel_label(sh, c->channel));
	cmd_complaint_field(out, T(sh, "  mood:      ", "  情绪：    "),
	                    cmd_complaint_mood_label(sh, c->mood));
	cmd_complaint_field(out, T(sh, "  dialect:   ", "  方言：    "), c->dialect);
	cmd_complaint_field(out, T(sh, "  taken by:  ", "  受理人：  "), c->agent);
	cmd_complaint_field(out, T(sh, "  assignee:  ", "  负责人：  "), c->assignee);
	cmd_complaint_field(out, T(sh, "  created:   ", "  创建：    "), created);
	cmd_complaint_field(out, T(sh, "  updated:   ", "  更新：    "), updated);
	if (c->resolved_ms > 0)
		cmd_complaint_field(out, T(sh, "  resolved:  ", "  解决：    "), resolved);

	buf_printf(out, "\n%s\n", T(sh, "The owner's words:", "业主原话："));
	cmd_complaint_indent(out, c->words);
	if (c->outcome != NULL) {
		buf_printf(out, "\n%s\n", T(sh, "Outcome:", "处理结果："));
		cmd_complaint_indent(out, c->outcome);
	}

	buf_printf(out, "\n%s\n", T(sh, "Techniques:", "沟通方法："));
	for (i = 0; i < c->ntechniques; i++) {
		const struct catalog_item *it =
		    cat != NULL ? catalog_technique(cat, c->techniques[i]) : NULL;

		buf_puts(out, "  ");
		shell_clean(out, c->techniques[i]);
		buf_puts(out, "  ");
		if (it == NULL)
			buf_puts(out, T(sh, "(no longer in the catalog)", "（已不在目录中）"));
		else
			shell_clean(out, catalog_name(it, sh->lang));
		if (it != NULL && it->kind == CATALOG_NONVERBAL)
			buf_puts(out, T(sh, " (non-verbal)", "（非语言）"));
		buf_putc(out, '\n');
	}
	if (c->ntechniques == 0)
		buf_printf(out, "  %s\n", T(sh, "(none)", "（无）"));

	buf_printf(out, "\n%s\n", T(sh, "Promises:", "承诺："));
	if (c->npromises == 0)
		buf_printf(out, "  %s\n", T(sh, "(none)", "（无）"));
	else
		cmd_complaint_show_promises(sh, c, out);

	buf_printf(out, "\n%s\n", T(sh, "Notes:", "备注："));
	if (c->nnotes == 0)
		buf_printf(out, "  %s\n", T(sh, "(none)", "（无）"));
	for (i = 0; i < c->nnotes; i++) {
		cmd_util_time(c->notes[i].ts_ms, true, ts, sizeof ts);
		buf_printf(out, "  %s  ", ts);
		shell_clean(out, c->notes[i].author ? c->notes[i].author : "-");
		buf_puts(out, ":\n");
		buf_puts(out, "  ");
		cmd_complaint_indent(out, c->notes[i].text);
	}

	buf_printf(out, "\n%s\n", T(sh, "Handovers:", "交接："));
	if (c->nhandovers == 0)
		buf_printf(out, "  %s\n", T(sh, "(none)", "（无）"));
	for (i = 0; i < c->nhandovers; i++) {
		cmd_util_time(c->handovers[i].ts_ms, true, ts, sizeof ts);
		buf_printf(out, "  %s  ", ts);
		shell_clean(out, c->handovers[i].from ? c->handovers[i].from : "-");
		buf_puts(out, " -> ");
		shell_clean(out, c->handovers[i].to);
		buf_puts(out, ":\n  ");
		cmd_complaint_indent(out, c->handovers[i].note);
	}

	buf_printf(out, "\n%s\n", T(sh, "History:", "历史："));
	{
		const char *hdr_en[] = {"TIME", "BY", "ACTION", "DETAIL"};
		const char *hdr_zh[] = {"时间", "操作人", "动作", "详情"};
		struct table *t = table_new(4, shell_is_zh(sh) ? hdr_zh : hdr_en);

		table_set_max_width(t, 3, 60);
		for (i = 0; i < c->nhistory; i++) {
			const char *cells[4];
			struct buf detail;

			buf_init(&detail);
			cmd_complaint_history_detail(sh, c->history[i].detail, &detail);
			cmd_util_time(c->history[i].ts_ms, true, ts, sizeof ts);
			cells[0] = ts;
			cells[1] = c->history[i].account;
			cells[2] = cmd_complaint_history_action(sh, c->history[i].action);
			cells[3] = buf_cstr(&detail);
			table_add_row(t, cells);
			buf_free(&detail);
		}
		cmd_complaint_table_indented(sh, t, out);
		table_free(t);
	}
	buf_free(&phone);
	buf_free(&line);
}

int cmd_complaint_view_show(struct shell *sh, struct args *a)
{
	struct complaint c;
	struct catalog *cat;
	struct buf out;
	int rc;

	rc = cmd_complaint_load(sh, a->pos[0], &c, true);
	if (rc != CMD_OK)
		return rc;
	cat = cmd_util_catalog(sh);
	buf_init(&out);
	if (args_has(a, "json"))
		cmd_complaint_show_json(sh, &c, cat, &out);
	else
		cmd_complaint_show_text(sh, &c, cat, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	catalog_unref(cat);
	store_complaint_clear(&c);
	return CMD_OK;
}

/* ==== complaint list and search =========================================================== */

/* A filter with its own copies of the strings (handed to a pool thread). */
struct cmd_complaint_filter {
	struct complaint_filter f;
	char *s[8]; /* owned copies: mine, agent, assignee, unit, category, technique, and the
		     * codes of a category and a technique typed by name */
};

static void cmd_complaint_filter_clear(struct cmd_complaint_filter *cf)
{
	size_t i;

	for (i = 0; i < sizeof cf->s / sizeof cf->s[0]; i++)
		free(cf->s[i]);
	memset(cf, 0, sizeof *cf);
}

static const char *cmd_complaint_filter_str(struct cmd_complaint_filter *cf, int i, const char *s)
{
	if (s == NULL)
		return NULL;
	cf->s[i] = strdup(s);
	if (cf->s[i] == NULL)
		abort();
	return cf->s[i];
}

/* Builds the filter from the list options; prints the error. */
static int cmd_complaint_filter_parse(struct shell *sh, struct args *a,
                                      struct cmd_complaint_filter *cf)
{
	const char *status = args_get(a, "status");
	const char *names[] = {"agent", "assignee"};
	const char *codes[] = {"category", "technique"};
	size_t limit, offset, i;
	int rc;

	memset(cf, 0, sizeof *cf);
	if (args_has(a, "mine"))
		cf->f.mine = cmd_complaint_filter_str(cf, 0, sh->user.name);
	for (i = 0; i < 2; i++) {
		const char *v = args_get(a, names[i]);

		if (v == NULL)
			continue;
		if (!cmd_util_desk_account(sh, i == 0 ? "--agent " : "--assignee ", v))
			return CMD_USAGE;
		if (i == 0)
			cf->f.agent = cmd_complaint_filter_str(cf, 1, v);
		else
			cf->f.assignee = cmd_complaint_filter_str(cf, 2, v);
	}
	if (args_get(a, "unit") != NULL)
		cf->f.unit = cmd_complaint_filter_str(cf, 3, args_get(a, "unit"));
	for (i = 0; i < 2; i++) {
		const char *v = args_get(a, codes[i]);

		if (v == NULL)
			continue;
		/* A name as the screens show it (报修, 换位思考法) finds its code; old codes
		 * no longer in the catalog still find old complaints. */
		{
			struct catalog *cat = cmd_util_catalog(sh);
			const struct catalog_item *it =
			    cat == NULL ? NULL
			    : i == 0    ? catalog_category_typed(cat, v)
			                : catalog_technique_typed(cat, v);

			if (it != NULL)
				v = cmd_complaint_filter_str(cf, 6 + (int)i, it->code);
			catalog_unref(cat);
		}
		if (!store_code_ok(v)) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, v);
			shell_errorf(sh,
			             T(sh, "--%s: `%s` is not a code (a-z, 0-9, - and _)",
			               "--%s：`%s` 不是有效代码（a-z、0-9、- 和 _）"),
			             codes[i], buf_cstr(&w));
			buf_free(&w);
			return CMD_USAGE;
		}
		if (i == 0)
			cf->f.category = cmd_complaint_filter_str(cf, 4, v);
		else
			cf->f.technique = cmd_complaint_filter_str(cf, 5, v);
	}
	if (status != NULL) {
		char *copy = strdup(status), *save = NULL, *tok;

		if (copy == NULL)
			abort();
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			int st = cmd_util_status_parse(tok);

			if (st < 0) {
				cmd_complaint_bad_enum(
				    sh, "status", tok,
				    "open in_progress resolved escalated reopened");
				free(copy);
				return CMD_USAGE;
			}
			cf->f.status_mask |= COMPLAINT_STATUS_BIT(st);
		}
		free(copy);
		if (cf->f.status_mask == 0)
			return cmd_complaint_bad_enum(
			    sh, "status", status, "open in_progress resolved escalated reopened");
	}
	if (args_get(a, "since") != NULL) {
		rc = cmd_util_parse_day(sh, "since", args_get(a, "since"), false,
		                             &cf->f.since_ms);
		if (rc != CMD_OK)
			return rc;
	}
	if (args_get(a, "until") != NULL) {
		rc = cmd_util_parse_day(sh, "until", args_get(a, "until"), true,
		                             &cf->f.until_ms);
		if (rc != CMD_OK)
			return rc;
	}
	if (cf->f.since_ms > 0 && cf->f.until_ms > 0 && cf->f.until_ms <= cf->f.since_ms) {
		shell_errorf(sh, "%s", T(sh, "--until is before --since", "--until 早于 --since"));
		return CMD_USAGE;
	}
	cf->f.overdue = args_has(a, "overdue");
	rc = cmd_util_parse_count(sh, "limit", args_get(a, "limit"), CMD_COMPLAINT_LIST_MAX,
	                               &limit);
	if (rc == CMD_OK)
		rc = cmd_util_parse_offset(sh, args_get(a, "offset"), 1000000,
		                               &offset);
	if (rc != CMD_OK)
		return rc;
	cf->f.limit = limit;
	cf->f.offset = offset;
	return CMD_OK;
}

/* Renders complaints as a table or (json) an array. */
static void cmd_complaint_render(struct shell *sh, const struct complaint *list,
                                 const struct cmd_page *pg, bool json, struct buf *out)
{
	size_t n = pg->n;
	struct catalog *cat = cmd_util_catalog(sh);
	size_t i;

	if (json) {
		struct json j;

		json_init(&j, out);
		cmd_page_json_begin(&j, pg);
		for (i = 0; i < n; i++) {
			json_object_begin(&j);
			cmd_complaint_json_summary(sh, &j, &list[i], cat);
			json_object_end(&j);
		}
		cmd_page_json_end(&j);
		buf_putc(out, '\n');
	} else {
		const char *hdr_en[] = {"NUMBER", "DATE",  "UNIT", "CATEGORY",
		                        "STATUS", "AGENT", "WORDS"};
		const char *hdr_zh[] = {"编号", "日期", "单元", "类别", "状态", "客服", "业主原话"};
		struct table *t = table_new(7, shell_is_zh(sh) ? hdr_zh : hdr_en);
		int64_t now = store_now_ms();

		table_set_max_width(t, 2, 16);
		table_set_max_width(t, 5, 24);
		table_set_max_width(t, 6, CMD_COMPLAINT_WORDS_COLS);
		for (i = 0; i < n; i++) {
			const struct complaint *c = &list[i];
			char date[32], status[80], agent[80];
			const char *cells[7];

			cmd_util_time(c->created_ms, false, date, sizeof date);
			snprintf(status, sizeof status, "%s%s",
			         cmd_util_status_label(sh, c->status),
			         c->next_due_ms > 0 && c->next_due_ms < now
			             ? T(sh, " (overdue)", "（承诺逾期）")
			             : "");
			if (strcmp(c->agent, c->assignee) == 0)
				snprintf(agent, sizeof agent, "%s", c->agent);
			else
				snprintf(agent, sizeof agent, "%s→%s", c->agent, c->assignee);
			cells[0] = c->number;
			cells[1] = date;
			cells[2] = c->unit;
			cells[3] = cmd_util_category_name(sh, cat, c->category);
			cells[4] = status;
			cells[5] = agent;
			cells[6] = c->words;
			table_add_row(t, cells);
		}
		table_render_fit(t, cmd_page_width(sh), out);
		table_free(t);
		cmd_page_more(sh, pg, out);
	}
	catalog_unref(cat);
}

/* complaint list: a job for the thread pool (the page and its count read as many rows as the
 * filter needs: thousands on a large desk). */
struct cmd_complaint_lister {
	struct cmd_util_job job;
	struct cmd_complaint_filter cf;
	bool json;
	struct complaint *list;
	size_t n;           /* rows read: the page and one more when more follow */
	size_t limit;       /* of the page (--limit; 0: the default) */
	int64_t total, cap; /* matches counted, up to cap */
	bool exact;         /* false: the count stopped (at cap or the budget): at least total */
};

/* The count under a page stops this far past it, or after this much work (SQLite steps: about
 * five milliseconds, so that a page with its count stays within 20 ms at a million
 * complaints), and says "of at least ..." beyond. */
#define CMD_COMPLAINT_COUNT_AHEAD 10000
#define CMD_COMPLAINT_COUNT_BUDGET 500000

static int cmd_complaint_list_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_complaint_lister *l = (struct cmd_complaint_lister *)job;
	int rc = store_complaint_list(st, &l->cf.f, &l->list, &l->n);

	if (rc == 0)
		rc = store_complaint_count_max(st, &l->cf.f, l->cap, CMD_COMPLAINT_COUNT_BUDGET,
		                               &l->total, &l->exact);
	return rc;
}

static int cmd_complaint_list_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_complaint_lister *l = (struct cmd_complaint_lister *)job;
	struct cmd_page pg;
	struct buf out;

	if (rc < 0)
		return shell_store_error(sh, rc);
	cmd_page_init(&pg, l->cf.f.offset, l->limit, l->n, l->total, l->exact);
	buf_init(&out);
	if (!l->json && l->n == 0)
		buf_printf(&out, "%s\n", T(sh, "No complaints match.", "没有符合条件的投诉。"));
	else
		cmd_complaint_render(sh, l->list, &pg, l->json, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_complaint_list_free(struct cmd_util_job *job)
{
	struct cmd_complaint_lister *l = (struct cmd_complaint_lister *)job;

	cmd_complaint_filter_clear(&l->cf);
	store_complaint_list_free(l->list, l->n);
	free(l);
}

int cmd_complaint_view_list(struct shell *sh, struct args *a)
{
	struct cmd_complaint_lister *l = calloc(1, sizeof *l);
	int rc;

	if (l == NULL)
		abort();
	l->job.run = cmd_complaint_list_run;
	l->job.finish = cmd_complaint_list_finish;
	l->job.free = cmd_complaint_list_free;
	l->json = args_has(a, "json");
	rc = cmd_complaint_filter_parse(sh, a, &l->cf);
	if (rc != CMD_OK) {
		cmd_complaint_list_free(&l->job);
		return rc;
	}
	l->limit = l->cf.f.limit;
	l->cf.f.limit = cmd_page_fetch(l->limit);
	l->cap = (int64_t)(l->cf.f.offset + l->cf.f.limit) + CMD_COMPLAINT_COUNT_AHEAD;
	/* Without workers (the console, tests) it runs here: bounded by the page and the cap. */
	return cmd_util_job(sh, &l->job, true);
}

/* complaint search: a job for the thread pool. */
struct cmd_complaint_search {
	struct cmd_util_job job;
	struct cmd_complaint_filter cf;
	char *text;    /* substring search, or */
	struct rx *rx; /* a regex, compiled on the loop, used only by the pool thread */
	int rx_err;    /* the regex's error that stopped the search */
	char literal[1032]; /* what every match of the regex contains ("": nothing known) */
	bool json;
	struct complaint *list;
	size_t n;     /* rows read: the page and one more when more follow */
	size_t limit; /* of the page (--limit; 0: the default) */
};

static int cmd_complaint_search_match(void *arg, const char *text, size_t len)
{
	struct cmd_complaint_search *s = arg;
	int rc = rx_match(s->rx, text, len);

	if (rc < 0)
		s->rx_err = rc;
	return rc < 0 ? (rc == RX_ENOMEM ? -ENOMEM : -EDOM) : rc;
}

static int cmd_complaint_search_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_complaint_search *s = (struct cmd_complaint_search *)job;

	if (s->rx != NULL)
		return store_complaint_search_match(st, cmd_complaint_search_match, s, s->literal,
		                                    &s->cf.f, &s->list, &s->n);
	return store_complaint_search_text(st, s->text, &s->cf.f, &s->list, &s->n);
}

static int cmd_complaint_search_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_complaint_search *s = (struct cmd_complaint_search *)job;
	struct cmd_page pg;
	struct buf out;

	if (s->rx_err < 0) {
		shell_errorf(sh, "%s%s", T(sh, "search stopped: ", "搜索已中止："),
		             rx_strerror(s->rx_err, sh->lang));
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	/* A search is not counted (that would read every match): "more" from one row past. */
	cmd_page_init(&pg, s->cf.f.offset, s->limit, s->n, -1, false);
	buf_init(&out);
	if (!s->json && s->n == 0)
		buf_printf(&out, "%s\n", T(sh, "Nothing found.", "没有找到匹配的投诉。"));
	else
		cmd_complaint_render(sh, s->list, &pg, s->json, &out);
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	return CMD_OK;
}

static void cmd_complaint_search_free(struct cmd_util_job *job)
{
	struct cmd_complaint_search *s = (struct cmd_complaint_search *)job;

	cmd_complaint_filter_clear(&s->cf);
	free(s->text);
	rx_free(s->rx);
	store_complaint_list_free(s->list, s->n);
	free(s);
}

int cmd_complaint_view_search(struct shell *sh, struct args *a)
{
	struct cmd_complaint_search *s;
	const char *pattern = a->pos[0];
	int rc;

	if (pattern[0] == '\0') {
		shell_errorf(sh, "%s",
		             T(sh, "give a text or pattern to search for",
		               "请给出要搜索的文字或正则表达式"));
		return CMD_USAGE;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL)
		abort();
	s->job.run = cmd_complaint_search_run;
	s->job.finish = cmd_complaint_search_finish;
	s->job.free = cmd_complaint_search_free;
	s->json = args_has(a, "json");
	rc = cmd_complaint_filter_parse(sh, a, &s->cf);
	if (rc != CMD_OK) {
		cmd_complaint_search_free(&s->job);
		return rc;
	}
	s->limit = s->cf.f.limit;
	s->cf.f.limit = cmd_page_fetch(s->limit);
	if (args_has(a, "regex")) {
		char *err = NULL;

		s->rx = rx_new_lang(pattern, args_has(a, "caseless") ? RX_CASELESS : 0, sh->lang,
		                    &err);
		if (s->rx == NULL) {
			struct buf w;

			buf_init(&w);
			shell_clean(&w, err != NULL ? err : rx_strerror(RX_EPATTERN, sh->lang));
			shell_errorf(sh, T(sh, "invalid pattern: %s", "正则表达式无效：%s"),
			             buf_cstr(&w));
			buf_free(&w);
			free(err);
			cmd_complaint_search_free(&s->job);
			return CMD_USAGE;
		}
		/* The texts to read are those holding what every match contains; a single ASCII
		 * character is in nearly every text, where the plain scan is cheaper. */
		if (rx_literal_required(pattern, args_has(a, "caseless") ? RX_CASELESS : 0,
		                        s->literal, sizeof s->literal) == 1 &&
		    (unsigned char)s->literal[0] < 0x80)
			s->literal[0] = '\0';
	} else {
		if (args_has(a, "caseless")) {
			shell_errorf(
			    sh, "%s",
			    T(sh, "--caseless goes with --regex (plain text search is exact)",
			      "--caseless 只能与 --regex 一起使用（普通文字搜索区分大小写）"));
			cmd_complaint_search_free(&s->job);
			return CMD_USAGE;
		}
		s->text = strdup(pattern);
		if (s->text == NULL)
			abort();
	}
	/* The regex may scan every complaint: only ever on the thread pool. */
	return cmd_util_job(sh, &s->job, s->rx == NULL);
}
