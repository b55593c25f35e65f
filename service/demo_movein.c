/* demo_movein — the demo desk's move-ins (see the header). */
#include "demo_movein.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "movein_rules.h"
#include "store.h"
#include "store_movein.h"
#include "store_movein_step.h"
#include "store_owner.h"
#include "store_tx.h"
#include "store_unit.h"

#define DEMO_MOVEIN_UNITS_MAX 2000
/* The new estate moving in: buildings 13-18, 2 entrances, floors 1-20, 4 flats a floor. */
#define DEMO_MOVEIN_ESTATE (6 * 2 * 20 * 4)

static const char *const demo_movein_surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
                                                   "周", "吴", "徐", "孙", "胡", "朱", "高", "林"};
static const char *const demo_movein_given[] = {"建国", "秀英", "伟", "芳", "志强", "海燕",
                                                "玉兰", "文华", "国庆", "淑珍", "磊", "静"};
#define DEMO_MOVEIN_DAY_MS ((int64_t)86400000)
#define DEMO_MOVEIN_NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t demo_movein_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A valid resident ID number (GB 11643) for the n-th owner. */
static void demo_movein_id(uint64_t *rng, char out[19])
{
	static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	unsigned year = 1950 + (unsigned)(demo_movein_next(rng) % 50);
	unsigned month = 1 + (unsigned)(demo_movein_next(rng) % 12);
	unsigned day = 1 + (unsigned)(demo_movein_next(rng) % 28);
	unsigned seq = (unsigned)(demo_movein_next(rng) % 1000);
	int sum = 0, i;

	snprintf(out, 19, "320102%04u%02u%02u%03u", year, month, day, seq);
	for (i = 0; i < 17; i++)
		sum += (out[i] - '0') * weight[i];
	out[17] = check[sum % 11];
	out[18] = '\0';
}

static int demo_movein_fail(FILE *err, int rc, const char *what, const char *unit)
{
	if (err != NULL)
		fprintf(err, "demo seed: move-in of %s: %s: %s\n", unit, what,
		        store_strerror(rc, "en"));
	return rc;
}

/* The record's codes of kind, as the rules list them for housing. */
static size_t demo_movein_codes(const struct movein_rules *r, enum movein_rules_kind kind,
                                unsigned housing, const char **out)
{
	size_t i, n = 0;

	for (i = 0; i < r->n[kind]; i++)
		if (kind != MOVEIN_RULES_DOC || (r->e[kind][i].housing & housing))
			out[n++] = r->e[kind][i].code;
	return n;
}

/* One unit's move-in, taken as far as stage (0: documents part received ... 7: keys). */
static int demo_movein_one(struct store *st, const struct movein_rules *r, const struct unit *u,
                           int stage, uint64_t *rng, FILE *err)
{
	const char *docs[MOVEIN_RULES_MAX], *forms[MOVEIN_RULES_MAX], *fees[MOVEIN_RULES_MAX],
	    *items[MOVEIN_RULES_MAX];
	int64_t due[MOVEIN_RULES_MAX], now = store_now_ms();
	unsigned housing = strcmp(u->housing_type, "commercial") == 0 ? MOVEIN_RULES_COMMERCIAL
	                                                              : MOVEIN_RULES_RESETTLEMENT;
	bool ground = movein_rules_floor(u->code) == 1;
	struct audit_ctx ctx = {"demo-seed", "supervisor", "demo-seed", NULL, "cli"};
	struct movein_plan p;
	size_t i, nf = 0;
	int64_t defect = 0;
	int rc;

	memset(&p, 0, sizeof p);
	p.unit = u->code;
	p.notice_day = "2026-11-01";
	p.ndocs = demo_movein_codes(r, MOVEIN_RULES_DOC, housing, docs);
	p.nforms = demo_movein_codes(r, MOVEIN_RULES_FORM, 0, forms);
	p.nitems = demo_movein_codes(r, MOVEIN_RULES_ITEM, 0, items);
	for (i = 0; i < r->n[MOVEIN_RULES_FEE]; i++) {
		int64_t d = movein_rules_fee_due(&r->e[MOVEIN_RULES_FEE][i], u->area_m2, ground);

		if (d > 0) {
			fees[nf] = r->e[MOVEIN_RULES_FEE][i].code;
			due[nf++] = d;
		}
	}
	p.docs = docs;
	p.forms = forms;
	p.fees = fees;
	p.fee_due = due;
	p.nfees = nf;
	p.items = items;
	rc = store_movein_start(st, &ctx, &p);
	if (rc < 0)
		return demo_movein_fail(err, rc, "start", u->code);
	if (demo_movein_next(rng) % 8 == 0) {
		const char *pdocs[MOVEIN_RULES_MAX];
		size_t np = 0;
		char id[19];

		for (i = 0; i < r->n[MOVEIN_RULES_DOC]; i++)
			if (r->e[MOVEIN_RULES_DOC][i].housing & MOVEIN_RULES_PROXY)
				pdocs[np++] = r->e[MOVEIN_RULES_DOC][i].code;
		demo_movein_id(rng, id);
		rc = store_movein_proxy(st, &ctx, u->code, "陈代办", id, pdocs, np);
		for (i = 0; rc == 0 && i < np && stage > 0; i++)
			rc = store_movein_doc(st, &ctx, u->code, pdocs[i], MOVEIN_DOC_RECEIVED, NULL);
		if (rc < 0)
			return demo_movein_fail(err, rc, "proxy", u->code);
	}
	/* Documents: all received from stage 1 on; before, a few (not the seal), one rejected. */
	for (i = 0; rc == 0 && i < p.ndocs; i++) {
		if (stage > 0 || (i % 2 == 0 && i + 1 < p.ndocs))
			rc = store_movein_doc(st, &ctx, u->code, docs[i], MOVEIN_DOC_RECEIVED, NULL);
		else if (i == 1)
			rc = store_movein_doc(st, &ctx, u->code, docs[i], MOVEIN_DOC_REJECTED,
			                      "复印件不清楚，请带原件");
	}
	if (rc == 0 && stage >= 2)
		rc = store_movein_sign(st, &ctx, u->code, forms, p.nforms);
	else if (rc == 0 && stage == 1)
		rc = store_movein_sign(st, &ctx, u->code, forms, p.nforms > 2 ? 2 : p.nforms);
	for (i = 0; rc == 0 && stage >= 2 && i < nf; i++) {
		char receipt[32];
		int64_t amount = stage >= 3 || i == 0 ? due[i] : due[i] / 2;

		snprintf(receipt, sizeof receipt, "SF%06u", (unsigned)(demo_movein_next(rng) % 1000000));
		rc = store_movein_pay(st, &ctx, u->code, fees[i], amount, receipt);
	}
	if (rc == 0 && stage >= 3) {
		/* The walls have a crack; overdue for some, due next week for others. */
		int64_t deadline = now + (stage == 3 && demo_movein_next(rng) % 2 == 0
		                              ? -3 * DEMO_MOVEIN_DAY_MS
		                              : 7 * DEMO_MOVEIN_DAY_MS);

		rc = store_movein_step_defect_add(st, &ctx, u->code, items[0], "客厅墙面有裂缝",
		                                  "修补并重新粉刷", deadline, &defect);
		if (rc == 0)
			rc = store_movein_step_pass(st, &ctx, u->code, items + 1, p.nitems - 1);
		if (rc == 0 && stage >= 3 && demo_movein_next(rng) % 2 == 0)
			rc = store_movein_step_defect(st, &ctx, defect, MOVEIN_DEFECT_ASSIGN,
			                              "二号施工队", NULL);
	}
	if (rc == 0 && stage >= 4) {
		struct movein_defect d;

		rc = store_movein_step_defect_get(st, defect, &d);
		if (rc == 0 && d.status == MOVEIN_DEFECT_RECORDED)
			rc = store_movein_step_defect(st, &ctx, defect, MOVEIN_DEFECT_ASSIGN,
			                              "二号施工队", NULL);
		store_movein_defect_clear(&d);
		if (rc == 0)
			rc = store_movein_step_defect(st, &ctx, defect, MOVEIN_DEFECT_FIX, NULL, NULL);
		if (rc == 0)
			rc = store_movein_step_defect(st, &ctx, defect, MOVEIN_DEFECT_PASS, NULL, NULL);
	}
	if (rc == 0 && stage >= 5)
		rc = store_movein_step_signoff(st, &ctx, u->code);
	if (rc == 0 && stage >= 6)
		rc = store_movein_step_review(st, &ctx, u->code);
	if (rc == 0 && stage >= 7)
		rc = store_movein_step_keys(st, &ctx, u->code, 4, "入户门:2,信箱:1,单元门禁卡:1",
		                            u->owner_name ? u->owner_name : "业主", "YS-2026-001");
	if (rc < 0)
		return demo_movein_fail(err, rc, "a step", u->code);
	return 0;
}

int demo_movein_start_units(struct store *st, const struct movein_rules *r,
                            const struct unit *units, size_t n, size_t every, uint64_t seed,
                            size_t *started, FILE *err)
{
	uint64_t rng = seed ^ 0x6d6f7665696eULL;
	size_t i;
	int rc = 0;

	if (every == 0)
		return STORE_EINVAL;
	for (i = 0; i < n && rc == 0; i += every) {
		if (units[i].housing_type == NULL || units[i].area_m2 <= 0)
			continue;
		rc = demo_movein_one(st, r, &units[i], (int)(*started % 8), &rng, err);
		if (rc == 0)
			(*started)++;
	}
	return rc;
}

/* The new estate's units, with their owners, into the register. */
static int demo_movein_estate(struct store *st, uint64_t *rng, FILE *err)
{
	struct audit_ctx ctx = {"demo-seed", "admin", "demo-seed", NULL, "cli"};
	struct unit_import_result res;
	struct unit *u = calloc(DEMO_MOVEIN_ESTATE, sizeof *u);
	size_t i;
	int rc;

	if (u == NULL)
		abort();
	for (i = 0; i < DEMO_MOVEIN_ESTATE; i++) {
		char code[32], building[8], name[32], phone[16];

		snprintf(code, sizeof code, "%zu-%zu-%zu%02zu", 13 + i / 160, 1 + i / 80 % 2,
		         1 + i / 4 % 20, 1 + i % 4);
		snprintf(building, sizeof building, "%zu", 13 + i / 160);
		snprintf(name, sizeof name, "%s%s",
		         demo_movein_surnames[demo_movein_next(rng) % DEMO_MOVEIN_NELEM(demo_movein_surnames)],
		         demo_movein_given[demo_movein_next(rng) % DEMO_MOVEIN_NELEM(demo_movein_given)]);
		snprintf(phone, sizeof phone, "13%09llu",
		         (unsigned long long)(demo_movein_next(rng) % 1000000000ULL));
		u[i].code = strdup(code);
		u[i].building = strdup(building);
		u[i].owner_name = strdup(name);
		u[i].owner_phone = strdup(phone);
		u[i].area_m2 = 70 + (double)(demo_movein_next(rng) % 70);
		if (u[i].code == NULL || u[i].building == NULL || u[i].owner_name == NULL ||
		    u[i].owner_phone == NULL)
			abort();
	}
	rc = store_unit_import(st, &ctx, u, DEMO_MOVEIN_ESTATE,
	                       UNIT_IMPORT_BUILDING | UNIT_IMPORT_OWNER_NAME |
	                           UNIT_IMPORT_OWNER_PHONE | UNIT_IMPORT_AREA,
	                       false, &res);
	if (rc < 0)
		demo_movein_fail(err, rc, "the new estate", u[res.bad].code);
	store_unit_list_free(u, DEMO_MOVEIN_ESTATE);
	return rc;
}

/* A second owner (a spouse, with a phone of their own) on one unit in seven, and one owner in
 * fifty also the owner of the next unit. */
static int demo_movein_owners(struct store *st, const struct unit *list, size_t n, uint64_t seed,
                              FILE *err)
{
	struct audit_ctx ctx = {"demo-seed", "agent", "demo-seed", NULL, "cli"};
	uint64_t rng = seed ^ 0x6f776e657273ULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (i % 7 == 2) {
			char name[32], phone[16], id[19];
			int64_t owner;
			bool linked;

			snprintf(name, sizeof name, "%s%s",
			         demo_movein_surnames[demo_movein_next(&rng) %
			                              DEMO_MOVEIN_NELEM(demo_movein_surnames)],
			         demo_movein_given[demo_movein_next(&rng) %
			                           DEMO_MOVEIN_NELEM(demo_movein_given)]);
			snprintf(phone, sizeof phone, "15%09llu",
			         (unsigned long long)(demo_movein_next(&rng) % 1000000000ULL));
			demo_movein_id(&rng, id);
			rc = store_owner_add(st, &ctx, list[i].code, name, id, phone, &owner, &linked);
			if (rc == STORE_EEXIST)
				rc = 0; /* the ID number drawn is this unit's owner's */
		} else if (i % 50 == 10 && i + 1 < n) {
			struct owner *o = NULL;
			size_t no = 0;

			rc = store_owner_list(st, list[i].code, &o, &no);
			if (rc == 0 && no > 0)
				rc = store_owner_link(st, &ctx, list[i + 1].code, o[0].id);
			if (rc == STORE_EEXIST)
				rc = 0;
			store_owner_list_free(o, no);
		}
	}
	if (rc < 0)
		return demo_movein_fail(err, rc, "the owners", list[i - 1].code);
	return 0;
}

int demo_movein_seed(struct store *st, const struct movein_rules *r, uint64_t seed,
                     size_t *started, FILE *err)
{
	struct audit_ctx ctx = {"demo-seed", "admin", "demo-seed", NULL, "cli"};
	struct unit_import_result res;
	struct unit *list = NULL;
	char (*ids)[19] = NULL;
	uint64_t rng = seed ^ 0x6d6f7665696eULL;
	size_t n = 0, i;
	int rc, brc;

	*started = 0;
	rc = store_tx_batch_begin(st);
	if (rc < 0)
		return rc;
	rc = demo_movein_estate(st, &rng, err);
	if (rc == 0)
		rc = store_unit_list(st, DEMO_MOVEIN_UNITS_MAX, 0, &list, &n);
	if (rc < 0 || n == 0)
		goto out;
	ids = calloc(n, sizeof *ids);
	if (ids == NULL)
		abort();
	for (i = 0; i < n; i++) {
		demo_movein_id(&rng, ids[i]);
		free(list[i].housing_type);
		list[i].housing_type = strdup(i % 6 == 5 ? "resettlement" : "commercial");
		free(list[i].owner_id);
		list[i].owner_id = strdup(ids[i]);
		if (list[i].housing_type == NULL || list[i].owner_id == NULL)
			abort();
	}
	rc = store_unit_import(st, &ctx, list, n, UNIT_IMPORT_HOUSING | UNIT_IMPORT_OWNER_ID, false,
	                       &res);
	if (rc < 0) {
		demo_movein_fail(err, rc, "housing types", list[res.bad].code);
		goto out;
	}
	rc = demo_movein_owners(st, list, n, seed, err);
	if (rc < 0)
		goto out;
	/* Three units in four move in, at stages spread over the whole procedure. */
	for (i = 0; i < n && rc == 0; i++) {
		if (i % 4 == 3 || list[i].area_m2 <= 0)
			continue;
		rc = demo_movein_one(st, r, &list[i], (int)(*started % 8), &rng, err);
		if (rc == 0)
			(*started)++;
	}
	if (rc == 0 && *started > 2) {
		/* A supervisor lets one owner have the keys before the seal is brought. */
		for (i = 0; i < n; i++) {
			struct movein m;
			int grc = store_movein_get(st, list[i].code, &m);

			if (grc == 0 && m.stage == MOVEIN_STAGE_DOCUMENTS &&
			    strcmp(m.housing, "commercial") == 0) {
				struct audit_ctx sup = {"demo-seed", "supervisor", "demo-seed", NULL,
				                        "cli"};

				store_movein_clear(&m);
				rc = store_movein_step_waive(st, &sup, list[i].code, "doc:seal",
				                             "印章遗失，业主承诺下周补交");
				if (rc == STORE_ENOENT)
					rc = 0; /* the seal was received */
				break;
			}
			store_movein_clear(&m);
		}
	}
out:
	brc = store_tx_batch_end(st, rc);
	if (rc == 0)
		rc = brc;
	free(ids);
	store_unit_list_free(list, n);
	return rc;
}
