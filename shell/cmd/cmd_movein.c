/* cmd_movein — the move-in (入伙) desk: movein show UNIT (where the owner stands and what is
 * still missing, at once), movein list (by stage, or the overdue defects), movein start (a
 * record from etc/movein.ini's lists, fees computed from its rates by the unit's area),
 * movein proxy, movein timeline, and the group's table; the steps are in cmd_movein_step.c. */
#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_movein_int.h"
#include "cmd_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "json.h"
#include "shell_int.h"
#include "store.h"
#include "store_movein.h"
#include "store_movein_step.h"
#include "store_owner.h"
#include "store_resident.h"
#include "store_unit.h"
#include "table.h"

static const char *cmd_movein_doc_label(const struct shell *sh, int status)
{
	return status == MOVEIN_DOC_RECEIVED   ? T(sh, "received", "已收")
	       : status == MOVEIN_DOC_REJECTED ? T(sh, "rejected", "退回")
	                                       : T(sh, "missing", "未交");
}

/* ---- movein show ------------------------------------------------------------------------- */

struct cmd_movein_shower {
	struct cmd_util_job job;
	char *unit;
	bool json;
	struct unit u;
	struct movein m;
	int unit_rc, movein_rc;
	struct resident *residents;
	size_t nresidents;
	struct owner *owners;
	size_t nowners;
};

static int cmd_movein_show_run(struct store *st, struct cmd_util_job *job)
{
	struct cmd_movein_shower *w = (struct cmd_movein_shower *)job;

	w->unit_rc = store_unit_get(st, w->unit, &w->u);
	if (w->unit_rc < 0 && w->unit_rc != STORE_ENOENT)
		return w->unit_rc;
	w->movein_rc = store_movein_get(st, w->unit, &w->m);
	if (w->movein_rc < 0 && w->movein_rc != STORE_ENOENT)
		return w->movein_rc;
	if (w->unit_rc == 0) {
		int rc = store_owner_list(st, w->unit, &w->owners, &w->nowners);

		if (rc < 0)
			return rc;
	}
	return store_resident_list(st, w->unit, false, &w->residents, &w->nresidents);
}

static void cmd_movein_show_free(struct cmd_util_job *job)
{
	struct cmd_movein_shower *w = (struct cmd_movein_shower *)job;

	store_unit_clear(&w->u);
	store_movein_clear(&w->m);
	store_resident_list_free(w->residents, w->nresidents);
	store_owner_list_free(w->owners, w->nowners);
	free(w->unit);
	free(w);
}

static void cmd_movein_show_json(struct shell *sh, const struct cmd_movein_shower *w,
                                 struct buf *out)
{
	const struct movein *m = &w->m;
	const struct unit *u = &w->u;
	size_t n = store_movein_gaps(m, NULL, 0), i;
	struct movein_gap *g = calloc(n + 1, sizeof *g);
	struct buf phone, id;
	int64_t now = store_now_ms();
	struct json j;

	if (g == NULL)
		abort();
	store_movein_gaps(m, g, n);
	buf_init(&phone);
	buf_init(&id);
	cmd_util_phone(u->owner_phone, cmd_util_sees_phone(sh, NULL, NULL), &phone);
	if (u->owner_id != NULL)
		cmd_util_id_number(sh, u->owner_id, &id);
	json_init(&j, out);
	json_object_begin(&j);
	json_kv_string(&j, "unit", u->code);
	json_kv_string(&j, "owner_name", u->owner_name);
	json_kv_string(&j, "owner_phone", u->owner_phone != NULL ? buf_cstr(&phone) : NULL);
	json_kv_string(&j, "owner_id", u->owner_id != NULL ? buf_cstr(&id) : NULL);
	cmd_util_json_double(&j, "area_m2", u->area_m2);
	json_kv_string(&j, "housing_type", w->movein_rc == 0 ? m->housing : u->housing_type);
	json_kv_bool(&j, "started", w->movein_rc == 0);
	json_key(&j, "owners");
	cmd_movein_owner_json(sh, &j, w->owners, w->nowners);
	json_key(&j, "residents");
	json_array_begin(&j);
	for (i = 0; i < w->nresidents; i++) {
		const struct resident *r = &w->residents[i];

		json_object_begin(&j);
		json_kv_int(&j, "id", r->id);
		json_kv_string(&j, "name", r->name);
		json_kv_int(&j, "age", r->age);
		json_kv_string(&j, "sex", r->sex);
		json_kv_string(&j, "occupation", r->occupation);
		json_kv_string(&j, "employer", r->employer);
		json_kv_string(&j, "relation", r->relation);
		json_object_end(&j);
	}
	json_array_end(&j);
	if (w->movein_rc == 0) {
		buf_reset(&id);
		if (m->proxy_id != NULL)
			cmd_util_id_number(sh, m->proxy_id, &id);
		json_kv_string(&j, "stage", store_movein_stage_name(m->stage));
		json_kv_string(&j, "notice_day", m->notice_day);
		json_kv_string(&j, "proxy_name", m->proxy_name);
		json_kv_string(&j, "proxy_id", m->proxy_id != NULL ? buf_cstr(&id) : NULL);
		json_key(&j, "documents");
		json_array_begin(&j);
		for (i = 0; i < m->ndocs; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "code", m->docs[i].code);
			json_kv_string(&j, "status", store_movein_doc_status_name(m->docs[i].status));
			json_kv_string(&j, "reason", m->docs[i].reason);
			json_kv_string(&j, "by", m->docs[i].account);
			json_kv_int(&j, "ts_ms", m->docs[i].ts_ms);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_key(&j, "forms");
		json_array_begin(&j);
		for (i = 0; i < m->nforms; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "code", m->forms[i].code);
			json_kv_bool(&j, "signed", m->forms[i].signed_ms > 0);
			json_kv_int(&j, "signed_ms", m->forms[i].signed_ms);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_key(&j, "fees");
		json_array_begin(&j);
		for (i = 0; i < m->nfees; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "code", m->fees[i].code);
			json_kv_int(&j, "due_fen", m->fees[i].due_fen);
			json_kv_int(&j, "paid_fen", m->fees[i].paid_fen);
			json_kv_string(&j, "receipt", m->fees[i].receipt);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_key(&j, "inspection");
		json_array_begin(&j);
		for (i = 0; i < m->nitems; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "code", m->items[i].code);
			json_kv_string(&j, "result",
			               store_movein_item_result_name(m->items[i].result));
			json_object_end(&j);
		}
		json_array_end(&j);
		json_key(&j, "defects");
		json_array_begin(&j);
		for (i = 0; i < m->ndefects; i++) {
			const struct movein_defect *d = &m->defects[i];

			json_object_begin(&j);
			json_kv_int(&j, "id", d->id);
			json_kv_string(&j, "item", d->item);
			json_kv_string(&j, "description", d->description);
			json_kv_string(&j, "requirement", d->requirement);
			json_kv_int(&j, "deadline_ms", d->deadline_ms);
			json_kv_string(&j, "status", store_movein_defect_status_name(d->status));
			json_kv_string(&j, "assignee", d->assignee);
			json_kv_int(&j, "reinspections_failed", d->fails);
			json_kv_bool(&j, "overdue",
			             d->status != MOVEIN_DEFECT_CLOSED && d->deadline_ms < now);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_kv_int(&j, "signoff_ms", m->signoff_ms);
		json_kv_string(&j, "reviewed_by", m->reviewed_by);
		json_kv_int(&j, "reviewed_ms", m->reviewed_ms);
		json_kv_int(&j, "keys_count", m->keys_count);
		json_kv_string(&j, "keys_kinds", m->keys_kinds);
		json_kv_string(&j, "keys_to", m->keys_to);
		json_kv_string(&j, "keys_receipt", m->keys_receipt);
		json_kv_int(&j, "keys_ms", m->keys_ms);
		json_key(&j, "missing");
		json_array_begin(&j);
		for (i = 0; i < n; i++) {
			char key[96];

			if (g[i].waived)
				continue;
			store_movein_gap_key(m, &g[i], key, sizeof key);
			json_string(&j, key);
		}
		json_array_end(&j);
		json_key(&j, "waivers");
		json_array_begin(&j);
		for (i = 0; i < m->nwaivers; i++) {
			json_object_begin(&j);
			json_kv_string(&j, "what", m->waivers[i].what);
			json_kv_string(&j, "reason", m->waivers[i].reason);
			json_kv_string(&j, "by", m->waivers[i].account);
			json_kv_int(&j, "ts_ms", m->waivers[i].ts_ms);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_object_end(&j);
	buf_putc(out, '\n');
	buf_free(&phone);
	buf_free(&id);
	free(g);
}

static const char *cmd_movein_mark(bool done)
{
	return done ? "✓" : "✗";
}

static void cmd_movein_show_text(struct shell *sh, const struct movein_rules *r,
                                 const struct cmd_movein_shower *w, struct buf *out)
{
	const struct movein *m = &w->m;
	const struct unit *u = &w->u;
	int64_t now = store_now_ms(), due = 0, paid = 0;
	bool docs_ok = true, forms_ok = true, fees_ok = true, insp_ok = true;
	char when[32];
	size_t i;

	buf_printf(out, "%s ", T(sh, "Unit", "单元"));
	shell_clean(out, u->code);
	buf_printf(out, "  %s", cmd_movein_util_housing_label(sh, w->movein_rc == 0 ? m->housing
	                                                                         : u->housing_type));
	if (u->area_m2 > 0)
		buf_printf(out, "  %.2f m²", u->area_m2);
	buf_putc(out, '\n');
	if (w->nowners == 0) {
		buf_printf(out, "  %s-\n", T(sh, "owner: ", "业主："));
	}
	/* Every owner, in order: name, phones, ID number (masked unless whole). */
	for (i = 0; i < w->nowners; i++) {
		const struct owner *o = &w->owners[i];
		size_t k;

		buf_printf(out, "  %s", T(sh, "owner: ", "业主："));
		shell_clean(out, o->name != NULL ? o->name : "-");
		buf_puts(out, "  ");
		for (k = 0; k < o->nphones; k++) {
			if (k > 0)
				buf_puts(out, ", ");
			cmd_util_phone(o->phones[k], cmd_util_sees_phone(sh, NULL, NULL), out);
		}
		if (o->nphones == 0)
			buf_putc(out, '-');
		buf_printf(out, "  %s", T(sh, "ID ", "身份证 "));
		cmd_util_id_number(sh, o->id_number, out);
		buf_printf(out, "  #%lld\n", (long long)o->id);
	}
	if (w->movein_rc != 0) {
		buf_printf(out,
		           T(sh, "  No move-in record yet: movein start %s begins one.\n",
		             "  尚无入伙记录：movein start %s 开始办理。\n"),
		           u->code);
		return;
	}
	if (m->proxy_name != NULL) {
		buf_printf(out, "  %s", T(sh, "proxy: ", "代理人："));
		shell_clean(out, m->proxy_name);
		buf_printf(out, "  %s", T(sh, "ID ", "身份证 "));
		cmd_util_id_number(sh, m->proxy_id, out);
		buf_putc(out, '\n');
	}
	buf_printf(out, T(sh, "  stage: %s", "  进度：%s"), cmd_movein_util_stage_label(sh, m->stage));
	if (m->notice_day != NULL)
		buf_printf(out, T(sh, "  (notice of %s)", "（入伙通知 %s）"), m->notice_day);
	buf_putc(out, '\n');

	for (i = 0; i < m->ndocs; i++)
		docs_ok &= m->docs[i].status == MOVEIN_DOC_RECEIVED;
	for (i = 0; i < m->nforms; i++)
		forms_ok &= m->forms[i].signed_ms > 0;
	for (i = 0; i < m->nfees; i++) {
		due += m->fees[i].due_fen;
		paid += m->fees[i].paid_fen;
	}
	fees_ok = paid >= due;
	for (i = 0; i < m->nitems; i++)
		insp_ok &= m->items[i].result != MOVEIN_ITEM_PENDING;
	for (i = 0; i < m->ndefects; i++)
		insp_ok &= m->defects[i].status == MOVEIN_DEFECT_CLOSED;

	buf_printf(out, "  %s %s", cmd_movein_mark(docs_ok), T(sh, "documents:", "资料："));
	for (i = 0; i < m->ndocs; i++) {
		buf_printf(out, "%s%s ", i ? T(sh, ", ", "、") : " ",
		           cmd_movein_mark(m->docs[i].status == MOVEIN_DOC_RECEIVED));
		shell_clean(out, cmd_movein_util_name(sh, r, MOVEIN_RULES_DOC, m->docs[i].code));
		if (m->docs[i].status != MOVEIN_DOC_RECEIVED)
			buf_printf(out, "(%s)", cmd_movein_doc_label(sh, m->docs[i].status));
	}
	buf_printf(out, "\n  %s %s", cmd_movein_mark(forms_ok), T(sh, "forms:", "表格："));
	for (i = 0; i < m->nforms; i++) {
		buf_printf(out, "%s%s ", i ? T(sh, ", ", "、") : " ",
		           cmd_movein_mark(m->forms[i].signed_ms > 0));
		shell_clean(out, cmd_movein_util_name(sh, r, MOVEIN_RULES_FORM, m->forms[i].code));
	}
	buf_printf(out, "\n  %s %s ", cmd_movein_mark(fees_ok), T(sh, "fees: paid", "费用：已付"));
	cmd_movein_util_money(paid, out);
	buf_puts(out, T(sh, " of ", " / 应付 "));
	cmd_movein_util_money(due, out);
	buf_putc(out, '\n');
	for (i = 0; i < m->nfees; i++) {
		const struct movein_fee *f = &m->fees[i];

		buf_printf(out, "      %s ", cmd_movein_mark(f->paid_fen >= f->due_fen));
		shell_clean(out, cmd_movein_util_name(sh, r, MOVEIN_RULES_FEE, f->code));
		buf_puts(out, T(sh, "  due ", "  应付 "));
		cmd_movein_util_money(f->due_fen, out);
		buf_puts(out, T(sh, "  paid ", "  已付 "));
		cmd_movein_util_money(f->paid_fen, out);
		if (f->receipt != NULL) {
			buf_puts(out, T(sh, "  receipt ", "  收据 "));
			shell_clean(out, f->receipt);
		}
		buf_putc(out, '\n');
	}
	buf_printf(out, "  %s %s", cmd_movein_mark(insp_ok), T(sh, "inspection:", "验房："));
	for (i = 0; i < m->nitems; i++) {
		const char *mark = m->items[i].result == MOVEIN_ITEM_PASS     ? "✓"
		                   : m->items[i].result == MOVEIN_ITEM_DEFECT ? "!"
		                                                              : "·";

		buf_printf(out, "%s%s ", i ? T(sh, ", ", "、") : " ", mark);
		shell_clean(out, cmd_movein_util_name(sh, r, MOVEIN_RULES_ITEM, m->items[i].code));
	}
	buf_putc(out, '\n');
	for (i = 0; i < m->ndefects; i++) {
		const struct movein_defect *d = &m->defects[i];
		bool late = d->status != MOVEIN_DEFECT_CLOSED && d->deadline_ms < now;

		cmd_util_time(d->deadline_ms, false, when, sizeof when);
		buf_printf(out, "      #%lld %s ", (long long)d->id,
		           cmd_movein_util_defect_label(sh, d->status));
		shell_clean(out, cmd_movein_util_name(sh, r, MOVEIN_RULES_ITEM, d->item));
		buf_puts(out, T(sh, ": ", "："));
		shell_clean(out, d->description);
		buf_printf(out, T(sh, "  by %s%s", "  期限 %s%s"), when,
		           late ? T(sh, " OVERDUE", " 已逾期") : "");
		if (d->assignee != NULL) {
			buf_puts(out, T(sh, "  to ", "  整改方 "));
			shell_clean(out, d->assignee);
		}
		buf_putc(out, '\n');
	}
	cmd_util_time(m->signoff_ms, true, when, sizeof when);
	buf_printf(out, "  %s %s%s\n", cmd_movein_mark(m->signoff_ms > 0),
	           T(sh, "owner's sign-off ", "业主签字确认 "), when);
	cmd_util_time(m->reviewed_ms, true, when, sizeof when);
	buf_printf(out, "  %s %s%s ", cmd_movein_mark(m->reviewed_ms > 0),
	           T(sh, "manager's review ", "经理审核 "), when);
	shell_clean(out, m->reviewed_by != NULL ? m->reviewed_by : "");
	cmd_util_time(m->keys_ms, true, when, sizeof when);
	buf_printf(out, "\n  %s %s%s", cmd_movein_mark(m->keys_ms > 0), T(sh, "keys ", "钥匙 "),
	           when);
	if (m->keys_ms > 0) {
		buf_printf(out, T(sh, "  %d", "  %d 把"), m->keys_count);
		if (m->keys_kinds != NULL) {
			buf_puts(out, " (");
			shell_clean(out, m->keys_kinds);
			buf_putc(out, ')');
		}
		buf_puts(out, T(sh, " to ", "，交给 "));
		shell_clean(out, m->keys_to);
		buf_puts(out, T(sh, ", receipt ", "，收据 "));
		shell_clean(out, m->keys_receipt);
	}
	buf_putc(out, '\n');
	if (store_movein_gaps(m, NULL, 0) > 0) {
		buf_printf(out, "%s\n", T(sh, "  Still missing:", "  还缺："));
		cmd_movein_util_gaps(sh, r, m, "    ", out);
	}
	for (i = 0; i < m->nwaivers; i++) {
		buf_printf(out, T(sh, "  waived by %s: %s (", "  %s 豁免：%s（"),
		           m->waivers[i].account != NULL ? m->waivers[i].account : "-",
		           m->waivers[i].what);
		shell_clean(out, m->waivers[i].reason);
		buf_puts(out, T(sh, ")\n", "）\n"));
	}
}

static int cmd_movein_show_finish(struct shell *sh, struct cmd_util_job *job, int rc)
{
	struct cmd_movein_shower *w = (struct cmd_movein_shower *)job;
	struct catalog *c = cmd_util_catalog(sh);
	struct buf out, clean;

	if (rc < 0) {
		catalog_unref(c);
		return shell_store_error(sh, rc);
	}
	if (w->unit_rc == STORE_ENOENT) {
		catalog_unref(c);
		buf_init(&clean);
		shell_clean(&clean, w->unit);
		shell_errorf(sh,
		             T(sh, "no unit `%s` in the register (unit list shows them)",
		               "单元登记表中没有 `%s`（可用 unit list 查看）"),
		             buf_cstr(&clean));
		buf_free(&clean);
		return CMD_ERROR;
	}
	buf_init(&out);
	if (w->json) {
		cmd_movein_show_json(sh, w, &out);
	} else {
		cmd_movein_show_text(sh, c != NULL ? c->movein : NULL, w, &out);
		buf_printf(&out, T(sh, "  residents: %zu\n", "  住户：%zu 人\n"), w->nresidents);
		cmd_movein_resident_lines(sh, w->residents, w->nresidents, "    ", &out);
	}
	shell_write(sh, 1, out.data, out.len);
	buf_free(&out);
	catalog_unref(c);
	return CMD_OK;
}

static int cmd_movein_show(struct shell *sh, struct args *a)
{
	struct cmd_movein_shower *w;

	if (!cmd_movein_util_unit_ok(sh, a->pos[0]))
		return CMD_USAGE;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		abort();
	w->job.run = cmd_movein_show_run;
	w->job.finish = cmd_movein_show_finish;
	w->job.free = cmd_movein_show_free;
	w->json = args_has(a, "json");
	w->unit = strdup(a->pos[0]);
	if (w->unit == NULL)
		abort();
	return cmd_util_job(sh, &w->job, true);
}

/* ---- movein start, proxy ------------------------------------------------------------------ */

static int cmd_movein_start(struct shell *sh, struct args *a)
{
	const char *docs[MOVEIN_RULES_MAX], *forms[MOVEIN_RULES_MAX], *fees[MOVEIN_RULES_MAX],
	    *items[MOVEIN_RULES_MAX];
	const char *unit = a->pos[0], *notice = args_get(a, "notice");
	int64_t due[MOVEIN_RULES_MAX], total = 0;
	const struct movein_rules *r;
	struct movein_plan p;
	struct audit_ctx ctx;
	struct catalog *c;
	struct buf msg;
	unsigned housing;
	struct unit u;
	bool ground;
	size_t i;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	if (notice != NULL) {
		int64_t ms;

		if (cmd_util_parse_day(sh, "--notice", notice, false, &ms) != CMD_OK)
			return CMD_USAGE;
	}
	rc = store_unit_get(sh->host.store, unit, &u);
	if (rc == STORE_ENOENT) {
		struct buf w;

		buf_init(&w);
		shell_clean(&w, unit);
		shell_errorf(sh,
		             T(sh, "no unit `%s` in the register (unit import adds units)",
		               "单元登记表中没有 `%s`（可用 unit import 导入）"),
		             buf_cstr(&w));
		buf_free(&w);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	if (u.housing_type == NULL || u.area_m2 <= 0) {
		shell_errorf(sh,
		             T(sh,
		               "unit %s needs its housing type and floor area in the register first "
		               "(unit import with housing_type and area_m2): the documents and fees "
		               "depend on them",
		               "单元 %s 需先在登记表中登记房屋类型和面积（unit import 的 housing_type "
		               "和 area_m2 列）：所需资料和费用取决于它们"),
		             u.code);
		store_unit_clear(&u);
		return CMD_ERROR;
	}
	r = cmd_movein_util_rules(sh, &c);
	if (r == NULL) {
		store_unit_clear(&u);
		return CMD_ERROR;
	}
	housing = strcmp(u.housing_type, "commercial") == 0 ? MOVEIN_RULES_COMMERCIAL
	                                                    : MOVEIN_RULES_RESETTLEMENT;
	ground = movein_rules_floor(u.code) == 1;
	memset(&p, 0, sizeof p);
	p.unit = u.code;
	p.notice_day = notice;
	for (i = 0; i < r->n[MOVEIN_RULES_DOC]; i++)
		if (r->e[MOVEIN_RULES_DOC][i].housing & housing)
			docs[p.ndocs++] = r->e[MOVEIN_RULES_DOC][i].code;
	for (i = 0; i < r->n[MOVEIN_RULES_FORM]; i++)
		forms[p.nforms++] = r->e[MOVEIN_RULES_FORM][i].code;
	for (i = 0; i < r->n[MOVEIN_RULES_FEE]; i++) {
		int64_t d = movein_rules_fee_due(&r->e[MOVEIN_RULES_FEE][i], u.area_m2, ground);

		if (d == 0)
			continue; /* exempt */
		fees[p.nfees] = r->e[MOVEIN_RULES_FEE][i].code;
		due[p.nfees++] = d;
		total += d;
	}
	for (i = 0; i < r->n[MOVEIN_RULES_ITEM]; i++)
		items[p.nitems++] = r->e[MOVEIN_RULES_ITEM][i].code;
	p.docs = docs;
	p.forms = forms;
	p.fees = fees;
	p.fee_due = due;
	p.items = items;
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_start(sh->host.store, &ctx, &p);
	if (rc == STORE_EEXIST) {
		shell_errorf(sh,
		             T(sh, "the move-in of %s is already started (movein show %s)",
		               "单元 %s 的入伙已开始办理（movein show %s）"),
		             u.code, u.code);
		rc = CMD_ERROR;
	} else if (rc < 0) {
		rc = shell_store_error(sh, rc);
	} else {
		buf_init(&msg);
		buf_printf(&msg,
		           T(sh,
		             "Move-in of %s started: %zu documents, %zu forms, %zu fees (", "单元 %s 开始办理入伙：资料 %zu 项，表格 %zu 份，费用 %zu 项（"),
		           u.code, p.ndocs, p.nforms, p.nfees);
		cmd_movein_util_money(total, &msg);
		buf_printf(&msg, T(sh, " due), %zu inspection items.\n", " 应付），验房 %zu 项。\n"),
		           p.nitems);
		shell_write(sh, 1, msg.data, msg.len);
		buf_free(&msg);
		rc = CMD_OK;
	}
	catalog_unref(c);
	store_unit_clear(&u);
	return rc;
}

/* The documents only a proxy brings, from the rules: into docs (MOVEIN_RULES_MAX). */
static size_t cmd_movein_proxy_docs(const struct movein_rules *r, const char **docs)
{
	size_t i, n = 0;

	for (i = 0; i < r->n[MOVEIN_RULES_DOC]; i++)
		if (r->e[MOVEIN_RULES_DOC][i].housing & MOVEIN_RULES_PROXY)
			docs[n++] = r->e[MOVEIN_RULES_DOC][i].code;
	return n;
}

static int cmd_movein_unproxy(struct shell *sh, const char *unit)
{
	const char *docs[MOVEIN_RULES_MAX];
	const struct movein_rules *r;
	struct audit_ctx ctx;
	struct catalog *c;
	struct movein m;
	size_t n;
	int rc;

	rc = store_movein_get(sh->host.store, unit, &m);
	if (rc == 0 && m.proxy_name == NULL && m.reviewed_ms == 0) {
		store_movein_clear(&m);
		shell_errorf(sh, T(sh, "unit %s has no proxy to remove", "单元 %s 没有登记代理人"), unit);
		return CMD_ERROR;
	}
	store_movein_clear(&m);
	r = cmd_movein_util_rules(sh, &c);
	if (r == NULL)
		return CMD_ERROR;
	n = cmd_movein_proxy_docs(r, docs);
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_step_unproxy(sh->host.store, &ctx, unit, docs, n);
	catalog_unref(c);
	if (rc < 0)
		return cmd_movein_util_error(sh, unit, rc);
	shell_printf(sh,
	             T(sh, "Proxy removed from %s; the documents a proxy brings are no longer "
	                   "required.\n",
	               "已撤销单元 %s 的代理人；代理人资料不再需要。\n"),
	             unit);
	return CMD_OK;
}

static int cmd_movein_proxy(struct shell *sh, struct args *a)
{
	const char *unit = a->pos[0], *name = args_get(a, "name"), *id = args_get(a, "id");
	const char *docs[MOVEIN_RULES_MAX];
	const struct movein_rules *r;
	struct audit_ctx ctx;
	struct catalog *c;
	size_t n;
	int rc;

	if (!cmd_movein_util_unit_ok(sh, unit))
		return CMD_USAGE;
	if (args_has(a, "remove")) {
		if (name != NULL || id != NULL) {
			shell_errorf(sh, "%s",
			             T(sh, "--remove takes no --name or --id",
			               "--remove 不能与 --name 或 --id 同用"));
			return CMD_USAGE;
		}
		return cmd_movein_unproxy(sh, unit);
	}
	if (name == NULL || id == NULL) {
		shell_errorf(sh, "%s",
		             T(sh, "a proxy needs --name and --id (or --remove to withdraw one)",
		               "登记代理人须提供 --name 和 --id（撤销代理人用 --remove）"));
		return CMD_USAGE;
	}
	if (!cmd_util_text_ok(sh, "--name", name, MOVEIN_NAME_MAX))
		return CMD_USAGE;
	if (!store_unit_id_ok(id)) {
		shell_errorf(sh, "%s",
		             T(sh,
		               "--id is not a resident ID number (18 characters, the last a check "
		               "digit 0-9 or X)",
		               "--id 不是有效的居民身份证号（18 位，最后一位是校验码 0-9 或 X）"));
		return CMD_USAGE;
	}
	r = cmd_movein_util_rules(sh, &c);
	if (r == NULL)
		return CMD_ERROR;
	n = cmd_movein_proxy_docs(r, docs);
	shell_audit_ctx(sh, &ctx);
	rc = store_movein_proxy(sh->host.store, &ctx, unit, name, id, docs, n);
	catalog_unref(c);
	if (rc < 0)
		return cmd_movein_util_error(sh, unit, rc);
	shell_printf(sh,
	             T(sh, "Proxy recorded for %s; %zu more documents required of them.\n",
	               "已登记单元 %s 的代理人；需另交资料 %zu 项。\n"),
	             unit, n);
	return CMD_OK;
}

/* ==== the commands (the group registry lists this table: cmd_registry.c) ============ */

static const struct args_opt cmd_opts_movein_list[] = {
    {"stage", ARGS_VALUE}, {"overdue-defects", 0}, {"limit", ARGS_VALUE},
    {"offset", ARGS_VALUE}, {"json", 0},           {NULL, 0},
};
static const struct args_opt cmd_opts_movein_find[] = {
    {"regex", 0}, {"caseless", 0}, {"limit", ARGS_VALUE}, {"offset", ARGS_VALUE}, {"json", 0},
    {NULL, 0}};
static const struct args_opt cmd_opts_movein_resident[] = {
    {"name", ARGS_VALUE},     {"age", ARGS_VALUE},     {"sex", ARGS_VALUE},
    {"occupation", ARGS_VALUE}, {"employer", ARGS_VALUE}, {"relation", ARGS_VALUE},
    {"reason", ARGS_VALUE},   {"all", 0},              {"json", 0},
    {NULL, 0}};
static const struct args_opt cmd_opts_movein_timeline[] = {
    {"limit", ARGS_VALUE}, {"offset", ARGS_VALUE}, {"json", 0}, {NULL, 0}};
static const struct args_opt cmd_opts_movein_start[] = {{"notice", ARGS_VALUE}, {NULL, 0}};
static const struct args_opt cmd_opts_movein_proxy[] = {
    {"name", ARGS_VALUE}, {"id", ARGS_VALUE}, {"remove", 0}, {NULL, 0}};
static const struct args_opt cmd_opts_movein_reason[] = {{"reason", ARGS_VALUE}, {NULL, 0}};
static const struct args_opt cmd_opts_movein_pay[] = {{"receipt", ARGS_VALUE | ARGS_REQUIRED},
                                                      {NULL, 0}};
static const struct args_opt cmd_opts_movein_defect[] = {
    {"text", ARGS_VALUE}, {"fix", ARGS_VALUE}, {"deadline", ARGS_VALUE},
    {"to", ARGS_VALUE},   {"note", ARGS_VALUE}, {NULL, 0}};
static const struct args_opt cmd_opts_movein_keys[] = {{"count", ARGS_VALUE},
                                                       {"kinds", ARGS_VALUE},
                                                       {"to", ARGS_VALUE | ARGS_REQUIRED},
                                                       {"receipt", ARGS_VALUE | ARGS_REQUIRED},
                                                       {NULL, 0}};

static const struct cmd_entry cmd_movein_entries[] = {
    {"movein", "show", ROLES_DESK, cmd_opts_json, 1, 1, "movein show UNIT [--json]",
     "Where the owner of a unit stands in the move-in: the owner, housing type, proxy, each "
     "step with ✓/✗, fees due and paid, defects with their deadlines (overdue ones marked), "
     "and what is still missing.",
     "查看单元入伙进度：业主、房屋类型、代理人、每一步的完成情况（✓/✗）、应付和已付费用、整改项及期限"
     "（逾期标出），以及还缺什么。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_movein_show, 0},
    {"movein", "list", ROLES_DESK, cmd_opts_movein_list, 0, 0,
     "movein list --stage STAGE | --overdue-defects [--limit N] [--offset N] [--json]",
     "List the move-ins at a stage (documents, forms, fees, inspection, signoff, review, keys, "
     "done), or the defects past their deadline, earliest first.",
     "列出处于某阶段（documents、forms、fees、inspection、signoff、review、keys、done）的入伙，"
     "或已过期限的整改项（最早的在前）。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_movein_view_list, 0},
    {"movein", "start", ROLES_DESK, cmd_opts_movein_start, 1, 1,
     "movein start UNIT [--notice YYYY-MM-DD]",
     "Begin a unit's move-in: the documents its housing type requires, the forms, the fees "
     "computed from etc/movein.ini's rates by its floor area, and the inspection list.",
     "开始办理单元入伙：按房屋类型所需资料、待签表格、按面积和 etc/movein.ini 费率计算的费用，"
     "以及验房项目。",
     CMD_AUDIT, NULL, cmd_movein_start, 0},
    {"movein", "proxy", ROLES_DESK, cmd_opts_movein_proxy, 1, 1,
     "movein proxy UNIT --name NAME --id IDNUMBER | --remove",
     "A proxy comes for the owner: their name and ID number; the power of attorney and the "
     "proxy's ID become required documents. --remove withdraws the proxy (before the "
     "review), and those documents with them.",
     "业主委托他人办理：登记代理人姓名和身份证号；授权委托书和代理人身份证成为必交资料。"
     "--remove 撤销代理人（审核前），这些资料随之不再需要。",
     CMD_AUDIT, NULL, cmd_movein_proxy, 0},
    {"movein", "doc", ROLES_DESK, cmd_opts_movein_reason, 3, 3,
     "movein doc UNIT receive|reject|missing DOC [--reason TEXT]",
     "Record a document received, rejected (--reason required) or missing again.",
     "登记资料已收、退回（须 --reason 说明原因）或重新标为未交。", CMD_AUDIT, NULL,
     cmd_movein_step_doc, 0},
    {"movein", "forms", ROLES_DESK, NULL, 3, 40, "movein forms UNIT sign FORM...",
     "Record the owner's signature for forms (handbook, inspection, decoration, warranty, "
     "covenant).",
     "登记业主已签收的表格（业主手册、验房表、装修申请表、质量保证书、公共契约）。", CMD_AUDIT,
     NULL, cmd_movein_step_forms, 0},
    {"movein", "pay", ROLES_DESK, cmd_opts_movein_pay, 3, 3,
     "movein pay UNIT FEE AMOUNT --receipt NO",
     "Record a payment on a fee (AMOUNT in yuan, e.g. 2955 or 738.75; not more than is due) "
     "with its receipt number.",
     "登记一笔缴费（金额单位为元，如 2955 或 738.75，不能超过应付）及收据号。", CMD_AUDIT, NULL,
     cmd_movein_step_pay, 0},
    {"movein", "inspect", ROLES_DESK, NULL, 1, 40, "movein inspect UNIT [pass ITEM...|all]",
     "The house inspection: alone, a guided form through the inspection list, item by item "
     "(pass, defect with its requirement and deadline, skip), resumed after a dropped "
     "connection; with pass, the items passed (all: every item not yet inspected and without "
     "a defect), as exec mode needs.",
     "验房：单独使用时为引导式表单，逐项检查（合格、问题及整改要求和期限、跳过），断线后可继续；"
     "带 pass 时直接登记合格项目（all：所有尚未检查且无问题的项目），适用于 exec 模式。",
     CMD_AUDIT, NULL, cmd_movein_step_inspect, 0},
    {"movein", "defect", ROLES_DESK, cmd_opts_movein_defect, 2, 3,
     "movein defect add UNIT ITEM --text TEXT --fix TEXT --deadline YYYY-MM-DD | "
     "movein defect assign ID --to TEAM | movein defect fix ID [--note TEXT] | "
     "movein defect reinspect ID pass|fail [--note TEXT]",
     "A defect found in the inspection and its life: recorded (登记), assigned to a contractor "
     "or team (指派), rectified (整改), re-inspected (复验: pass closes it, fail sends it back to "
     "the team).",
     "验房发现的问题及其处理：登记 → 指派（给施工单位或班组）→ 整改 → 复验（合格即关闭，不合格退回"
     "整改）。",
     CMD_AUDIT, NULL, cmd_movein_step_defect, 0},
    {"movein", "signoff", ROLES_DESK, NULL, 1, 1, "movein signoff UNIT",
     "The owner signs off the inspection: every item inspected and every defect closed (or "
     "waived).",
     "业主签字确认验房结果：所有项目已检查，所有整改项已关闭（或已豁免）。", CMD_AUDIT, NULL,
     cmd_movein_step_signoff, 0},
    {"movein", "review", ROLES_SUPERVISOR, NULL, 1, 1, "movein review UNIT",
     "The manager's review: only when nothing is missing (but what is waived); refused with "
     "the list of what is.",
     "经理审核：只有在没有缺项（已豁免的除外）时才能通过；否则列出所缺内容。", CMD_AUDIT, NULL,
     cmd_movein_step_review, 0},
    {"movein", "keys", ROLES_DESK, cmd_opts_movein_keys, 1, 1,
     "movein keys UNIT --count N | --kinds KIND:N,... --to NAME --receipt NO",
     "Hand the keys over, after the review: how many (of each kind, e.g. --kinds "
     "入户门:2,信箱:1), to whom, the key receipt number.",
     "审核通过后交付钥匙：数量（可按种类，如 --kinds 入户门:2,信箱:1）、领取人、钥匙签收单号。", CMD_AUDIT, NULL, cmd_movein_step_keys, 0},
    {"movein", "waive", ROLES_SUPERVISOR, cmd_opts_reason, 2, 2,
     "movein waive UNIT WHAT --reason TEXT",
     "Waive one missing item (as movein show --json lists it: doc:seal, defect:12, ...) with "
     "a reason; shown on the unit and audited.",
     "豁免一项缺项（写法同 movein show --json 的 missing：doc:seal、defect:12 等），须说明原因；"
     "在单元上显示并审计。",
     CMD_AUDIT, NULL, cmd_movein_step_waive, 0},
    {"movein", "find", ROLES_DESK, cmd_opts_movein_find, 1, 1,
     "movein find TEXT|PATTERN [--regex [--caseless]] [--limit N] [--offset N] [--json]",
     "Find units by part of the unit code, the owner's name (Chinese too), phone or ID "
     "number (or, with --regex, a PCRE2 pattern over them, with match limits), with where "
     "each move-in stands.",
     "按单元编号、业主姓名、电话或身份证号的一部分查找单元（或用 --regex 以 PCRE2 模式匹配，有匹配上限），"
     "并显示入伙进度。",
     CMD_AUDIT | CMD_READONLY, NULL, cmd_movein_view_find, 0},
    {"movein", "resident", ROLES_DESK, cmd_opts_movein_resident, 2, 2,
     "movein resident add UNIT --name NAME [--age N] [--sex male|female] [--occupation T] "
     "[--employer T] [--relation T] | edit ID [same options] | remove ID --reason TEXT | "
     "history ID | list UNIT [--all] [--json]",
     "The residents of a unit (如有变更，请及时通知): register (at a terminal with no options, a "
     "guided form field by field), change, remove (moved out, kept in the history), and each "
     "one's history of changes.",
     "单元住户（如有变更，请及时通知）：登记（在终端上不带选项时为逐项引导式表单）、修改、删除（迁出，"
     "历史保留），以及每位住户的变更历史。",
     CMD_AUDIT, NULL, cmd_movein_resident_run, 0},
    {"movein", "timeline", ROLES_DESK, cmd_opts_movein_timeline, 1, 1,
     "movein timeline UNIT [--limit N] [--offset N] [--json]",
     "Every step of a unit's move-in (its defects' too) and its complaints and promises, "
     "oldest first, with who recorded each: for the agent on a call. A page of 200 (--limit "
     "up to 1000), --offset for the next; the text says how many there are in all.",
     "按时间顺序列出单元入伙的每一步（含整改项）及其投诉和承诺，并注明经办人：供通话中查看。每页 200 条"
     "（--limit 最多 1000），用 --offset 翻页；文本末尾注明总条数。", CMD_AUDIT | CMD_READONLY, NULL,
     cmd_movein_view_timeline, 0},
};

const struct cmd_group cmd_movein_group = {cmd_movein_entries, sizeof cmd_movein_entries /
                                                                   sizeof cmd_movein_entries[0],
                                           "Move-in", "入伙"};
