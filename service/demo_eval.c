/* demo_eval — the demo desk's quality evaluations (see the header). */
#include "demo_eval.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "role.h"
#include "store.h"
#include "store_account.h"
#include "store_complaint.h"
#include "store_eval.h"
#include "store_tx.h"

#define DEMO_EVAL_PAGE 1000
#define DEMO_EVAL_HOUR_MS (3600LL * 1000)
#define DEMO_EVAL_SUPERVISORS_MAX 64

struct demo_eval {
	struct store *st;
	const struct checklist *cl;
	uint64_t rng;
	int64_t version;
	char hash[EVAL_HASH_HEX + 1];
	char *supervisors[DEMO_EVAL_SUPERVISORS_MAX];
	size_t nsupervisors;
	int64_t now;
	struct demo_eval_stats stats;
};

static uint64_t demo_eval_next(struct demo_eval *d)
{
	d->rng ^= d->rng << 13;
	d->rng ^= d->rng >> 7;
	d->rng ^= d->rng << 17;
	return d->rng;
}

static bool demo_eval_chance(struct demo_eval *d, unsigned percent)
{
	return demo_eval_next(d) % 100 < percent;
}

/* An agent's own level, 0 (weak) to 3 (strong), the same every time. */
static unsigned demo_eval_level(const char *agent)
{
	unsigned h = 5381;

	for (; *agent != '\0'; agent++)
		h = h * 33 + (unsigned char)*agent;
	return h % 4;
}

static const char *const demo_eval_remarks[] = {
    "语气有些生硬",           "没有先回应业主的情绪",     "承诺的时间不够明确",
    "解释收费标准时不够清楚", "转交维修部后没有及时跟进", "业主重复提问时略显急躁",
};

/* An answer for it by an agent of level (a critical item fails rarely). */
static int demo_eval_answer(struct demo_eval *d, const struct checklist_item *it, unsigned level)
{
	if (it->na && demo_eval_chance(d, 6))
		return CHECKLIST_NA;
	if (it->scale == CHECKLIST_YESNO) {
		unsigned fail = it->critical ? 5 - level : 16 - 3 * level;

		return demo_eval_chance(d, fail) ? 0 : 1;
	}
	{
		int v = (int)(2 + level / 2 + demo_eval_next(d) % 3 + (level == 3 ? 1 : 0));

		return v > 5 ? 5 : v;
	}
}

/* Scores complaint c (taken by its agent) by a supervisor (or, self, by the agent) at t. */
static int demo_eval_one(struct demo_eval *d, const struct complaint *c, bool self, int64_t t,
                         int64_t *id, int *answers)
{
	struct eval_item_in items[CHECKLIST_ITEMS_MAX];
	unsigned level = demo_eval_level(c->agent) + (self ? 1 : 0);
	struct audit_ctx ctx = {.session = "demo-seed", .transport = "cli"};
	struct checklist_score s;
	struct eval_new in;
	size_t i, n = 0;

	for (i = 0; i < d->cl->nitems; i++)
		answers[i] = d->cl->items[i].scope == CHECKLIST_COMPLAINT
		                 ? demo_eval_answer(d, &d->cl->items[i], level > 3 ? 3 : level)
		                 : CHECKLIST_NA;
	checklist_score(d->cl, CHECKLIST_COMPLAINT, answers, &s);
	if (s.possible == 0)
		return 0;
	for (i = 0; i < d->cl->nitems; i++) {
		const struct checklist_item *it = &d->cl->items[i];

		if (it->scope != CHECKLIST_COMPLAINT)
			continue;
		items[n].item = it->code;
		items[n].answer = answers[i];
		items[n].points = checklist_points(it, answers[i]);
		items[n].weight = it->weight;
		items[n].critical = it->critical;
		items[n].failed = checklist_fails(it, answers[i]);
		items[n].comment =
		    answers[i] != CHECKLIST_NA && items[n].points < 3
		        ? demo_eval_remarks[demo_eval_next(d) % (sizeof demo_eval_remarks /
		                                                 sizeof demo_eval_remarks[0])]
		        : NULL;
		n++;
	}
	memset(&in, 0, sizeof in);
	in.kind = self ? EVAL_SELF : EVAL_SUPERVISOR;
	in.number = c->number;
	in.agent = c->agent;
	in.version = d->version;
	in.hash = d->hash;
	in.totals.earned = s.earned;
	in.totals.possible = s.possible;
	in.totals.critical_failed = s.critical_failed;
	in.totals.passed = s.passed;
	in.items = items;
	in.nitems = n;
	ctx.account = self ? c->agent : d->supervisors[demo_eval_next(d) % d->nsupervisors];
	ctx.role = self ? "agent" : "supervisor";
	store_complaint_set_clock(d->st, t);
	return store_eval_add(d->st, &ctx, &in, id);
}

/* The agent's answer to evaluation id: acknowledged, or one item disputed (the weakest), and
 * the dispute answered or not. */
static int demo_eval_follow(struct demo_eval *d, const struct complaint *c, int64_t id,
                            int *answers, int64_t t)
{
	struct audit_ctx agent = {.account = c->agent, .role = "agent", .session = "demo-seed"};
	struct audit_ctx sup = {.role = "supervisor", .session = "demo-seed"};
	struct checklist_score s;
	struct eval_answer ans;
	size_t i, weakest = 0;
	int worst = 99, rc;

	if (t + 3 * 24 * DEMO_EVAL_HOUR_MS > d->now)
		return 0; /* too recent: still new */
	for (i = 0; i < d->cl->nitems; i++) {
		int p = checklist_points(&d->cl->items[i], answers[i]);

		if (d->cl->items[i].scope == CHECKLIST_COMPLAINT && answers[i] != CHECKLIST_NA &&
		    p < worst) {
			worst = p;
			weakest = i;
		}
	}
	store_complaint_set_clock(d->st, t + 20 * DEMO_EVAL_HOUR_MS);
	if (worst < 3 && demo_eval_chance(d, 40)) {
		const struct checklist_item *it = &d->cl->items[weakest];
		int proposed = it->scale == CHECKLIST_YESNO ? 1 : 4;

		rc = store_eval_dispute(
		    d->st, &agent, id, it->code, "当时业主情绪激动，我已尽力安抚，请复核录音", true,
		    proposed, (int64_t)d->cl->dispute_days * 24 * DEMO_EVAL_HOUR_MS, NULL);
		if (rc < 0)
			return rc;
		d->stats.disputed++;
		if (demo_eval_chance(d, 40))
			return 0; /* still open */
		sup.account = d->supervisors[demo_eval_next(d) % d->nsupervisors];
		memset(&ans, 0, sizeof ans);
		ans.item = it->code;
		ans.resolution = demo_eval_chance(d, 50) ? EVAL_ACCEPT : EVAL_KEEP;
		if (ans.resolution == EVAL_ACCEPT)
			answers[weakest] = proposed;
		checklist_score(d->cl, CHECKLIST_COMPLAINT, answers, &s);
		ans.answer = answers[weakest];
		ans.points = checklist_points(it, answers[weakest]);
		ans.failed = checklist_fails(it, answers[weakest]);
		ans.totals.earned = s.earned;
		ans.totals.possible = s.possible;
		ans.totals.critical_failed = s.critical_failed;
		ans.totals.passed = s.passed;
		ans.comment = ans.resolution == EVAL_ACCEPT ? "已复核录音，同意调整"
		                                            : "已复核录音，维持原评分";
		store_complaint_set_clock(d->st, t + 44 * DEMO_EVAL_HOUR_MS);
		rc = store_eval_answer(d->st, &sup, id, &ans);
		if (rc < 0)
			return rc;
		d->stats.answered++;
	}
	if (demo_eval_chance(d, 80)) {
		rc = store_eval_ack(d->st, &agent, id);
		if (rc < 0 && rc != STORE_ESTATE)
			return rc;
		if (rc == 0)
			d->stats.acked++;
	}
	return 0;
}

static int demo_eval_supervisors(struct demo_eval *d)
{
	struct account *list = NULL;
	size_t n = 0, i;
	int rc = store_account_list(d->st, &list, &n);

	for (i = 0; rc == 0 && i < n && d->nsupervisors < DEMO_EVAL_SUPERVISORS_MAX; i++)
		if (list[i].role == ROLE_SUPERVISOR) {
			d->supervisors[d->nsupervisors] = strdup(list[i].name);
			if (d->supervisors[d->nsupervisors++] == NULL)
				abort();
		}
	store_account_list_free(list, n);
	if (rc == 0 && d->nsupervisors == 0)
		rc = STORE_ENOENT;
	return rc;
}

int demo_eval_seed(struct store *st, const struct checklist *cl, unsigned percent, uint64_t seed,
                   struct demo_eval_stats *stats, FILE *err)
{
	struct audit_ctx ctx = {.account = "demo-seed", .session = "demo-seed", .transport = "cli"};
	struct demo_eval *d = calloc(1, sizeof *d);
	struct complaint_filter f;
	int answers[CHECKLIST_ITEMS_MAX];
	size_t i;
	bool nobody;
	int rc;

	if (d == NULL)
		abort();
	d->st = st;
	d->cl = cl;
	d->rng = seed | 1;
	d->now = store_now_ms();
	rc = demo_eval_supervisors(d);
	nobody = rc == STORE_ENOENT; /* no supervisor to score with: said by the caller */
	if (rc == 0)
		rc = store_eval_pin(st, &ctx, cl->text, cl->len, &d->version, d->hash, NULL);
	memset(&f, 0, sizeof f);
	f.limit = DEMO_EVAL_PAGE;
	while (rc == 0) {
		struct complaint *list = NULL;
		size_t n = 0;

		rc = store_complaint_list(st, &f, &list, &n);
		if (rc == 0)
			rc = store_tx_batch_begin(st);
		for (i = 0; rc == 0 && i < n; i++) {
			int64_t t = list[i].created_ms +
			            (int64_t)(4 + demo_eval_next(d) % 60) * DEMO_EVAL_HOUR_MS,
			        id = 0;

			if (t >= d->now || !demo_eval_chance(d, percent))
				continue;
			if (demo_eval_chance(d, 20)) {
				rc = demo_eval_one(d, &list[i], true, t - 2 * DEMO_EVAL_HOUR_MS,
				                   NULL, answers);
				d->stats.self++;
			}
			if (rc == 0)
				rc = demo_eval_one(d, &list[i], false, t, &id, answers);
			if (rc == 0 && id > 0) {
				d->stats.evaluations++;
				rc = demo_eval_follow(d, &list[i], id, answers, t);
			}
		}
		if (n > 0 || rc < 0)
			rc = store_tx_batch_end(st, rc);
		store_complaint_list_free(list, n);
		if (n < DEMO_EVAL_PAGE)
			break;
		f.offset += n;
	}
	store_complaint_set_clock(st, 0);
	if (rc < 0 && !nobody && err != NULL)
		fprintf(err, "demo seed: evaluations: %s\n", store_strerror(rc, "en"));
	if (rc == 0 && stats != NULL)
		*stats = d->stats;
	for (i = 0; i < d->nsupervisors; i++)
		free(d->supervisors[i]);
	free(d);
	return rc;
}
