/* demo — a reproducible demo desk written through the store API, backdated. */
#include "demo.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "store_report.h"
#include "store_account.h"
#include "store_complaint.h"
#include "store_tx.h"
#include "store_unit.h"
#include "xalloc.h"

#define DEMO_DAYS 120
#define DEMO_MIN_MS (60LL * 1000)
#define DEMO_HOUR_MS (60 * DEMO_MIN_MS)
#define DEMO_BATCH 2000
#define DEMO_DAY_MS (24 * DEMO_HOUR_MS)
#define DEMO_UNITS 48
#define DEMO_NAMES_MAX 16

struct demo {
	struct store *st;
	uint64_t rng;
	int64_t now;
	char *agents[DEMO_NAMES_MAX];
	size_t nagents;
	char *supervisors[DEMO_NAMES_MAX];
	size_t nsupervisors;
	char units[DEMO_UNITS][32];
	char owners[DEMO_UNITS][32];
	char phones[DEMO_UNITS][16];
	struct demo_stats stats;
	FILE *err;
};

/* splitmix64: small, good enough, the same everywhere. */
static uint64_t demo_next(struct demo *d)
{
	uint64_t z = (d->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0..n-1 */
static size_t demo_below(struct demo *d, size_t n)
{
	return n > 0 ? (size_t)(demo_next(d) % n) : 0;
}

/* true with probability percent/100 */
static bool demo_chance(struct demo *d, unsigned percent)
{
	return demo_below(d, 100) < percent;
}

static int64_t demo_between(struct demo *d, int64_t lo, int64_t hi)
{
	return hi > lo ? lo + (int64_t)(demo_next(d) % (uint64_t)(hi - lo)) : lo;
}

#define DEMO_PICK(d, a) ((a)[demo_below((d), sizeof(a) / sizeof((a)[0]))])

static const char *const demo_surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄",
                                            "赵", "周", "吴", "徐", "孙", "马", "朱",
                                            "胡", "郭", "何", "林", "罗", "高"};
static const char *const demo_given[] = {"建国", "秀英", "志强", "桂兰", "海燕", "伟",   "芳",
                                         "敏",   "静",   "丽华", "国庆", "玉兰", "晓东", "春梅",
                                         "德明", "淑珍", "俊杰", "雪梅", "永红", "文博"};
static const char *const demo_titles[] = {"先生", "女士", "大爷", "阿姨", "奶奶", "老师"};

/* ---- what owners say, by category --------------------------------------------------------- */

struct demo_category {
	const char *code;
	unsigned weight;
	const char *const *words;
	size_t nwords;
	const char *const *techniques; /* what tends to be used */
	size_t ntechniques;
};

static const char *const demo_w_repairs[] = {
    "卫生间漏水，楼上住户不在家",
    "厨房下水道堵了，水漫到客厅",
    "电梯又坏了，家里老人上下楼很不方便",
    "楼道灯坏了一个星期没人修，晚上孩子上学回来很黑",
    "外墙渗水，卧室墙面发霉",
    "单元门禁坏了，刷卡打不开",
    "暖气不热，家里只有十五度",
    "报修的水管还是没人来修，已经打了三次电话",
};
static const char *const demo_w_noise[] = {
    "楼上每天晚上十一点以后还在装修，吵得睡不着",
    "广场舞音响太大声，家里有老人需要休息",
    "隔壁装修声从早上七点就开始",
    "小区门口商铺半夜搬货噪音很大",
    "楼下空调外机噪音太大，已经反映过多次",
};
static const char *const demo_w_fees[] = {
    "物业费为什么又涨了，服务没有变好", "车位管理费收费标准不清楚",   "交费后收据一直没拿到",
    "违约金太不合理，我只是晚交了几天", "电梯费和公摊电费账单对不上",
};
static const char *const demo_w_security[] = {
    "小区门口保安不登记陌生人，晚上很不安全",
    "电动车在楼道里充电，太危险了",
    "家门口的监控坏了，快递被人拿走了",
    "单元门总是开着，外卖员随便进出",
};
static const char *const demo_w_sanitation[] = {
    "垃圾桶两天没清理，味道很大",
    "楼道里堆满了杂物，保洁不管",
    "地下车库积水发臭",
    "小区里狗粪没人清理，孩子在那里玩",
};
static const char *const demo_w_parking[] = {
    "地下车库车位被占用",
    "我的车位被别人长期停车，找了几次还是没解决",
    "小区里乱停车，消防通道被堵",
    "访客车辆进不来，门岗态度很差",
};
static const char *const demo_w_greening[] = {
    "楼下的树太高挡住了阳光，家里很暗",
    "草坪打药没有提前通知，孩子差点接触",
    "绿化带被改成了停车位",
};
static const char *const demo_w_neighbours[] = {
    "邻居在公共走廊堆放杂物，说了也不听",
    "对门养的狗天天叫，晚上睡不好",
    "楼上往下扔垃圾，砸到了我家阳台",
    "隔壁邻居的空调冷凝水滴到我家窗台",
};
static const char *const demo_w_decoration[] = {
    "楼上装修把我家天花板震裂了",
    "装修垃圾堆在楼道一个星期没清走",
    "邻居装修拆了承重墙，物业为什么不管",
};
static const char *const demo_w_other[] = {
    "快递柜经常满，包裹只能放在门口",
    "小区公告栏的通知没有及时更新",
    "想咨询一下入住手续和需要的材料",
};

static const char *const demo_t_repairs[] = {"persuade", "empathy", "patience", "stepback"};
static const char *const demo_t_noise[] = {"empathy", "smalltalk", "persuade", "patience"};
static const char *const demo_t_fees[] = {"persuade", "empathy", "stepback"};
static const char *const demo_t_security[] = {"empathy", "persuade", "patience"};
static const char *const demo_t_sanitation[] = {"empathy", "smalltalk", "patience"};
static const char *const demo_t_parking[] = {"persuade", "stepback", "empathy"};
static const char *const demo_t_greening[] = {"smalltalk", "interests", "persuade"};
static const char *const demo_t_neighbours[] = {"empathy", "interests", "stepback", "persuade"};
static const char *const demo_t_decoration[] = {"persuade", "patience", "empathy"};
static const char *const demo_t_other[] = {"smalltalk", "persuade"};

#define DEMO_CAT(code, w, words, tech)                                                             \
	{                                                                                          \
		code, w, words, sizeof(words) / sizeof((words)[0]), tech,                          \
		    sizeof(tech) / sizeof((tech)[0])                                               \
	}

static const struct demo_category demo_categories[] = {
    DEMO_CAT("repairs", 30, demo_w_repairs, demo_t_repairs),
    DEMO_CAT("noise", 14, demo_w_noise, demo_t_noise),
    DEMO_CAT("fees", 12, demo_w_fees, demo_t_fees),
    DEMO_CAT("security", 8, demo_w_security, demo_t_security),
    DEMO_CAT("sanitation", 8, demo_w_sanitation, demo_t_sanitation),
    DEMO_CAT("parking", 10, demo_w_parking, demo_t_parking),
    DEMO_CAT("greening", 4, demo_w_greening, demo_t_greening),
    DEMO_CAT("neighbours", 7, demo_w_neighbours, demo_t_neighbours),
    DEMO_CAT("decoration", 5, demo_w_decoration, demo_t_decoration),
    DEMO_CAT("other", 2, demo_w_other, demo_t_other),
};

static const char *const demo_tails[] = {
    "",
    "",
    "",
    "",
    "希望尽快处理。",
    "已经不是第一次反映了。",
    "请给个明确的答复。",
    "我家老人身体不好，经不起折腾。",
    "再不解决我就打12345了。",
    "麻烦你们上点心。",
};

static const char *const demo_notes[] = {
    "已电话联系业主，约定明天上午上门查看。",
    "维修工已到场，初步判断需要更换配件。",
    "已联系相关住户，对方表示会配合。",
    "业主情绪已平复，同意等待处理结果。",
    "已向工程部报单，等待排期。",
    "回访业主，业主表示基本满意。",
};

static const char *const demo_promise_texts[] = {
    "明天上午派维修工上门查看", "三天内给出处理方案",   "本周内联系相关住户协调",
    "两天内清理完毕并回电",     "下周一前答复收费依据", "今天下班前回电告知进度",
};

static const char *const demo_outcomes[] = {
    "已维修完毕，业主验收满意。",         "已协调相关住户，问题解决，业主表示理解。",
    "已向业主解释收费依据，业主接受。",   "已清理完毕，回访业主无异议。",
    "已安排专人处理，业主认可处理结果。",
};

static const char *const demo_reopen_reasons[] = {
    "业主反映问题再次出现。",
    "业主对处理结果不满意，要求重新处理。",
};

static const char *const demo_escalate_reasons[] = {
    "业主情绪激动，要求主管出面。",
    "涉及多个部门，需主管协调。",
    "业主扬言投诉到12345，请主管跟进。",
};

static const char *const demo_handover_notes[] = {
    "业主情绪较激动，已承诺尽快答复；不要再提之前的收费争议。",
    "本人轮休，交由同事跟进；业主上午不方便接电话。",
    "业主是老人，说话慢一点，已答应派人上门。",
};

static const char *const demo_measures[] = {"sit-down", "leave-scene", "distance"};

static const char *const demo_dialects[] = {"粤语", "四川话", "上海话", "闽南话", "东北话"};

/* ---- helpers ---------------------------------------------------------------------------- */

static void demo_ctx(const char *who, const char *role, struct audit_ctx *ctx)
{
	ctx->account = who;
	ctx->role = role;
	ctx->session = "demo-seed";
	ctx->peer = "-";
	ctx->transport = "cli";
}

static int demo_fail(struct demo *d, int rc, const char *what)
{
	if (d->err != NULL)
		fprintf(d->err, "demo seed: %s: %s\n", what, store_strerror(rc, "en"));
	return rc;
}

static int demo_accounts(struct demo *d)
{
	struct account *list = NULL;
	size_t n = 0, i;
	int rc = store_account_list(d->st, &list, &n);

	if (rc < 0)
		return demo_fail(d, rc, "listing accounts");
	for (i = 0; i < n; i++) {
		if (list[i].locked)
			continue;
		if (list[i].role == ROLE_AGENT && d->nagents < DEMO_NAMES_MAX)
			d->agents[d->nagents++] = xalloc_strdup(list[i].name);
		else if (list[i].role == ROLE_SUPERVISOR && d->nsupervisors < DEMO_NAMES_MAX)
			d->supervisors[d->nsupervisors++] = xalloc_strdup(list[i].name);
	}
	store_account_list_free(list, n);
	if (d->nagents == 0) {
		if (d->err != NULL)
			fprintf(d->err, "demo seed: no agent account: create the agents first\n");
		return STORE_ENOENT;
	}
	return 0;
}

static void demo_person(struct demo *d, char *out, size_t len, bool title)
{
	/* One draw after the other: the order of a call's arguments is unspecified. */
	const char *surname = DEMO_PICK(d, demo_surnames);
	const char *rest = title ? DEMO_PICK(d, demo_titles) : DEMO_PICK(d, demo_given);

	snprintf(out, len, "%s%s", surname, rest);
}

static void demo_phone(struct demo *d, char *out, size_t len)
{
	static const char second[] = "3456789";

	snprintf(out, len, "1%c%09llu", second[demo_below(d, 7)],
	         (unsigned long long)(demo_next(d) % 1000000000ULL));
}

static int demo_units(struct demo *d)
{
	struct audit_ctx ctx;
	size_t i, j;
	int rc;

	demo_ctx("demo-seed", "admin", &ctx);
	for (i = 0; i < DEMO_UNITS; i++) {
		struct unit u;
		char building[8];

		/* building-entrance-room: 1..12, 1..2, floors 2..18, two flats a floor */
		do {
			size_t floor = 2 + demo_below(d, 17);
			size_t flat = 1 + demo_below(d, 2);

			snprintf(d->units[i], sizeof d->units[i], "%zu-%zu-%zu%02zu", 1 + i % 12,
			         1 + (i / 12) % 2, floor, flat);
			for (j = 0; j < i; j++)
				if (strcmp(d->units[j], d->units[i]) == 0)
					break;
		} while (j < i);
		demo_person(d, d->owners[i], sizeof d->owners[i], false);
		demo_phone(d, d->phones[i], sizeof d->phones[i]);
		snprintf(building, sizeof building, "%zu", 1 + i % 12);
		memset(&u, 0, sizeof u);
		u.code = d->units[i];
		u.building = building;
		u.owner_name = d->owners[i];
		u.owner_phone = d->phones[i];
		u.area_m2 = 60 + (double)demo_below(d, 80) + (double)demo_below(d, 10) / 10;
		rc = store_unit_add(d->st, &ctx, &u);
		if (rc < 0)
			return demo_fail(d, rc, "adding a unit");
		d->stats.units++;
	}
	return 0;
}

static const struct demo_category *demo_category(struct demo *d)
{
	unsigned total = 0, k;
	size_t i;

	for (i = 0; i < sizeof demo_categories / sizeof demo_categories[0]; i++)
		total += demo_categories[i].weight;
	k = (unsigned)demo_below(d, total);
	for (i = 0; i < sizeof demo_categories / sizeof demo_categories[0]; i++) {
		if (k < demo_categories[i].weight)
			return &demo_categories[i];
		k -= demo_categories[i].weight;
	}
	return &demo_categories[0];
}

static int demo_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* A time of day in office hours (8:00-20:00) on the day of t. */
static int64_t demo_office_hours(struct demo *d, int64_t t)
{
	time_t secs = (time_t)(t / 1000);
	struct tm tm;

	if (localtime_r(&secs, &tm) == NULL)
		return t;
	tm.tm_hour = 8 + (int)demo_below(d, 12);
	tm.tm_min = (int)demo_below(d, 60);
	tm.tm_sec = (int)demo_below(d, 60);
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* One complaint with its life since created. */
struct demo_life {
	char number[COMPLAINT_NUMBER_MAX];
	const char *agent;    /* who took it */
	const char *assignee; /* who has it now */
	int64_t t;            /* the time of its last change */
	int64_t promise_ids[2];
	int64_t promise_due[2];
	size_t npromises;
	int effect; /* how well the techniques fit: -2..+3 */
};

/* Moves the clock forward by lo..hi; false when that is past now (nothing more happens). */
static bool demo_advance(struct demo *d, struct demo_life *l, int64_t lo, int64_t hi)
{
	int64_t t = l->t + demo_between(d, lo, hi);

	if (t >= d->now - DEMO_MIN_MS)
		return false;
	l->t = t;
	store_complaint_set_clock(d->st, t);
	return true;
}

static int demo_note(struct demo *d, struct demo_life *l)
{
	struct audit_ctx ctx;
	int rc;

	if (!demo_advance(d, l, 10 * DEMO_MIN_MS, 6 * DEMO_HOUR_MS))
		return 0;
	demo_ctx(l->assignee, "agent", &ctx);
	rc = store_complaint_note(d->st, &ctx, l->number, DEMO_PICK(d, demo_notes));
	if (rc == 0)
		d->stats.notes++;
	return rc;
}

static int demo_handover(struct demo *d, struct demo_life *l)
{
	struct audit_ctx ctx;
	const char *to;
	int rc;

	if (d->nagents < 2 || !demo_advance(d, l, DEMO_HOUR_MS, 2 * DEMO_DAY_MS))
		return 0;
	do
		to = d->agents[demo_below(d, d->nagents)];
	while (strcmp(to, l->assignee) == 0);
	demo_ctx(l->assignee, "agent", &ctx);
	rc = store_complaint_assign(d->st, &ctx, l->number, to, DEMO_PICK(d, demo_handover_notes));
	if (rc == 0) {
		l->assignee = to;
		d->stats.handovers++;
	}
	return rc;
}

static int demo_escalate(struct demo *d, struct demo_life *l)
{
	struct audit_ctx ctx;
	const char *to =
	    d->nsupervisors > 0 ? d->supervisors[demo_below(d, d->nsupervisors)] : NULL;
	int rc;

	if (!demo_advance(d, l, 2 * DEMO_HOUR_MS, 2 * DEMO_DAY_MS))
		return 0;
	demo_ctx(l->assignee, "agent", &ctx);
	rc = store_complaint_escalate(d->st, &ctx, l->number, to,
	                              DEMO_PICK(d, demo_escalate_reasons));
	if (rc == 0) {
		if (to != NULL)
			l->assignee = to;
		d->stats.escalations++;
	}
	return rc;
}

/* Closes the promises: kept on time, late, withdrawn, or (when due has passed and luck is
 * bad) left open and overdue. Returns 0 with *all_closed. */
static int demo_promises(struct demo *d, struct demo_life *l, bool *all_closed)
{
	struct audit_ctx ctx;
	size_t i;
	int rc;

	*all_closed = true;
	for (i = 0; i < l->npromises; i++) {
		int64_t due = l->promise_due[i];
		unsigned roll = (unsigned)demo_below(d, 100);
		int64_t when;

		demo_ctx(l->assignee, "agent", &ctx);
		if (roll < 8) {
			/* withdrawn with a reason */
			if (!demo_advance(d, l, DEMO_HOUR_MS, DEMO_DAY_MS)) {
				*all_closed = false;
				continue;
			}
			rc = store_promise_withdraw(d->st, &ctx, l->promise_ids[i],
			                            "业主改变主意，不再需要上门。");
			if (rc < 0)
				return rc;
			d->stats.promises_withdrawn++;
			continue;
		}
		if ((int)roll < 8 + 62 + 4 * l->effect)
			when = due - demo_between(d, 0, 20 * DEMO_HOUR_MS); /* on time */
		else if (roll < 88)
			when = due + demo_between(d, 2 * DEMO_HOUR_MS, 3 * DEMO_DAY_MS); /* late */
		else
			when = d->now + DEMO_DAY_MS; /* never: open, overdue when due has passed */
		if (when <= l->t)
			when = l->t + demo_between(d, 10 * DEMO_MIN_MS, 2 * DEMO_HOUR_MS);
		if (when >= d->now - DEMO_MIN_MS) {
			*all_closed = false;
			continue;
		}
		l->t = when;
		store_complaint_set_clock(d->st, when);
		rc = store_promise_done(d->st, &ctx, l->promise_ids[i],
		                        demo_chance(d, 50) ? "已按承诺完成。" : NULL);
		if (rc < 0)
			return rc;
		d->stats.promises_kept++;
		if (when > due)
			d->stats.promises_late++;
	}
	return 0;
}

static int demo_resolve(struct demo *d, struct demo_life *l)
{
	struct audit_ctx ctx;
	int rc;

	if (!demo_advance(d, l, DEMO_HOUR_MS, 5 * DEMO_DAY_MS))
		return 0;
	demo_ctx(l->assignee, "agent", &ctx);
	rc = store_complaint_resolve(d->st, &ctx, l->number, DEMO_PICK(d, demo_outcomes));
	if (rc == 0)
		d->stats.resolutions++;
	return rc == 0 ? 1 : rc;
}

static int demo_reopen(struct demo *d, struct demo_life *l)
{
	struct audit_ctx ctx;
	int rc;

	if (!demo_advance(d, l, DEMO_DAY_MS, 6 * DEMO_DAY_MS))
		return 0;
	demo_ctx(l->assignee, "agent", &ctx);
	rc = store_complaint_reopen(d->st, &ctx, l->number, DEMO_PICK(d, demo_reopen_reasons));
	if (rc == 0)
		d->stats.reopenings++;
	return rc == 0 ? 1 : rc;
}

/* How well a set of techniques tends to work for a mood (drives resolution, reopening and
 * escalation, so that `report techniques` has something to say). */
static int demo_effect(const char *const *codes, size_t n, enum complaint_mood mood)
{
	int e = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(codes[i], "empathy"))
			e += 2;
		else if (!strcmp(codes[i], "patience") || !strcmp(codes[i], "stepback"))
			e += mood == COMPLAINT_MOOD_ANGRY ? 2 : 1;
		else if (!strcmp(codes[i], "smalltalk") || !strcmp(codes[i], "interests") ||
		         !strcmp(codes[i], "dialect"))
			e += 1;
		else if (!strcmp(codes[i], "persuade") && n == 1)
			e -= 2; /* rarely works alone */
	}
	return e > 3 ? 3 : e;
}

static void demo_words_of(struct demo *d, const struct demo_category *cat, char *words,
                          size_t len)
{
	const char *head = cat->words[demo_below(d, cat->nwords)];
	const char *tail = demo_chance(d, 40) ? DEMO_PICK(d, demo_tails) : "";

	snprintf(words, len, "%s%s%s", head, tail[0] != '\0' ? "，" : "", tail);
}

void demo_words(uint64_t n, char *words, size_t len, const char **category)
{
	struct demo d = {.rng = n * 0x2545f4914f6cdd1dULL};
	const struct demo_category *cat = demo_category(&d);

	demo_words_of(&d, cat, words, len);
	*category = cat->code;
}

static int demo_complaint(struct demo *d, int64_t created)
{
	const struct demo_category *cat = demo_category(d);
	const char *codes[6];
	struct promise_new promises[2];
	struct complaint_new in;
	struct demo_life l;
	struct audit_ctx ctx;
	char words[512], caller[64], phone[16], dialect[16];
	size_t u = demo_below(d, DEMO_UNITS), n = 0, i, k;
	unsigned roll;
	bool closed;
	int rc;

	memset(&in, 0, sizeof in);
	memset(&l, 0, sizeof l);
	demo_words_of(d, cat, words, sizeof words);
	roll = (unsigned)demo_below(d, 100);
	in.relation = roll < 65   ? COMPLAINT_REL_OWNER
	              : roll < 85 ? COMPLAINT_REL_FAMILY
	              : roll < 97 ? COMPLAINT_REL_TENANT
	                          : COMPLAINT_REL_OTHER;
	if (in.relation == COMPLAINT_REL_OWNER)
		snprintf(caller, sizeof caller, "%s", d->owners[u]);
	else
		demo_person(d, caller, sizeof caller, true);
	if (in.relation == COMPLAINT_REL_OWNER && demo_chance(d, 80))
		snprintf(phone, sizeof phone, "%s", d->phones[u]);
	else if (demo_chance(d, 85))
		demo_phone(d, phone, sizeof phone);
	else
		phone[0] = '\0';
	roll = (unsigned)demo_below(d, 100);
	in.channel = roll < 70   ? COMPLAINT_CH_PHONE
	             : roll < 90 ? COMPLAINT_CH_VISIT
	                         : COMPLAINT_CH_ONSITE;
	roll = (unsigned)demo_below(d, 100);
	in.mood = roll < 45   ? COMPLAINT_MOOD_CALM
	          : roll < 80 ? COMPLAINT_MOOD_UPSET
	                      : COMPLAINT_MOOD_ANGRY;
	dialect[0] = '\0';
	if (demo_chance(d, 8))
		snprintf(dialect, sizeof dialect, "%s", DEMO_PICK(d, demo_dialects));
	/* Techniques: one or two of the category's usual ones, the mood's, now and then a
	 * dialect or a non-verbal measure in person. */
	codes[n++] = cat->techniques[demo_below(d, cat->ntechniques)];
	if (demo_chance(d, 55)) {
		const char *c2 = cat->techniques[demo_below(d, cat->ntechniques)];

		if (strcmp(c2, codes[0]) != 0)
			codes[n++] = c2;
	}
	if (in.mood == COMPLAINT_MOOD_ANGRY && demo_chance(d, 60))
		codes[n++] = demo_chance(d, 50) ? "stepback" : "patience";
	if (dialect[0] != '\0' && demo_chance(d, 70))
		codes[n++] = "dialect";
	if (in.channel != COMPLAINT_CH_PHONE && in.mood != COMPLAINT_MOOD_CALM &&
	    demo_chance(d, 50))
		codes[n++] = DEMO_PICK(d, demo_measures);
	for (i = 0, k = 0; i < n; i++) { /* drop repeats */
		size_t j;

		for (j = 0; j < k && strcmp(codes[j], codes[i]) != 0; j++)
			;
		if (j == k)
			codes[k++] = codes[i];
	}
	n = k;
	l.agent = d->agents[demo_below(d, d->nagents)];
	l.assignee = l.agent;
	l.t = created;
	l.effect = demo_effect(codes, n, in.mood);
	/* Promises made while taking it: half of them, due in 1-5 days at 18:00-ish. */
	memset(promises, 0, sizeof promises);
	if (demo_chance(d, 50)) {
		l.npromises = demo_chance(d, 20) ? 2 : 1;
		for (i = 0; i < l.npromises; i++) {
			promises[i].what = demo_promise_texts[(demo_below(d, 6) + i) % 6];
			promises[i].due_ms =
			    created + demo_between(d, 6 * DEMO_HOUR_MS, 5 * DEMO_DAY_MS);
			l.promise_due[i] = promises[i].due_ms;
		}
	}
	in.unit = d->units[u];
	in.caller = caller;
	in.phone = phone;
	in.category = cat->code;
	in.words = words;
	in.dialect = dialect;
	in.agent = l.agent;
	in.techniques = codes;
	in.ntechniques = n;
	in.promises = promises;
	in.npromises = l.npromises;
	demo_ctx(l.agent, "agent", &ctx);
	store_complaint_set_clock(d->st, created);
	rc = store_complaint_add(d->st, &ctx, &in, l.number);
	if (rc < 0)
		return demo_fail(d, rc, "adding a complaint");
	d->stats.complaints++;
	d->stats.promises += l.npromises;
	/* The promise ids: the newest promises of this complaint. */
	if (l.npromises > 0) {
		struct complaint c;

		rc = store_complaint_get(d->st, l.number, &c, true);
		if (rc < 0) {
			store_complaint_clear(&c);
			return demo_fail(d, rc, "reading a complaint");
		}
		for (i = 0; i < c.npromises && i < 2; i++)
			l.promise_ids[i] = c.promises[i].id;
		store_complaint_clear(&c);
	}

	/* Its life. */
	if (demo_chance(d, 55) && (rc = demo_note(d, &l)) < 0)
		return demo_fail(d, rc, "adding a note");
	if (demo_chance(d, 10) && (rc = demo_handover(d, &l)) < 0)
		return demo_fail(d, rc, "handing over");
	if (demo_chance(d, in.mood == COMPLAINT_MOOD_ANGRY ? (unsigned)(25 - 3 * l.effect) : 4) &&
	    (rc = demo_escalate(d, &l)) < 0)
		return demo_fail(d, rc, "escalating");
	rc = demo_promises(d, &l, &closed);
	if (rc < 0)
		return demo_fail(d, rc, "closing promises");
	if (!closed || !demo_chance(d, (unsigned)(70 + 6 * l.effect)))
		return 0;
	if (demo_chance(d, 30) && (rc = demo_note(d, &l)) < 0)
		return demo_fail(d, rc, "adding a note");
	rc = demo_resolve(d, &l);
	if (rc < 0)
		return demo_fail(d, rc, "resolving");
	if (rc == 0 || !demo_chance(d, (unsigned)(14 - 3 * l.effect)))
		return 0;
	rc = demo_reopen(d, &l);
	if (rc < 0)
		return demo_fail(d, rc, "reopening");
	if (rc == 1 && demo_chance(d, 60) && (rc = demo_resolve(d, &l)) < 0)
		return demo_fail(d, rc, "resolving again");
	return 0;
}

int demo_seed(struct store *st, size_t ncomplaints, uint64_t seed, int64_t now_ms,
              struct demo_stats *stats, FILE *err)
{
	struct demo *d = calloc(1, sizeof *d);
	int64_t units = 0, complaints = 0, *times = NULL;
	size_t i;
	int rc;

	if (d == NULL)
		abort();
	d->st = st;
	d->rng = seed;
	d->now = now_ms > 0 ? now_ms : store_now_ms();
	d->err = err;
	if (ncomplaints > DEMO_MAX_COMPLAINTS) {
		rc = STORE_EINVAL;
		goto out;
	}
	rc = store_unit_count(st, &units);
	if (rc == 0)
		rc = store_complaint_count(st, NULL, &complaints);
	if (rc < 0) {
		demo_fail(d, rc, "reading the database");
		goto out;
	}
	if (units > 0 || complaints > 0) {
		if (err != NULL)
			fprintf(err, "demo seed: the database already has units or complaints\n");
		rc = STORE_EEXIST;
		goto out;
	}
	rc = demo_accounts(d);
	if (rc == 0)
		rc = demo_units(d);
	if (rc < 0)
		goto out;
	/* Creation times over the last DEMO_DAYS days, in office hours, oldest first (so the
	 * numbers of a day follow the clock). */
	times = calloc(ncomplaints + 1, sizeof *times);
	if (times == NULL)
		abort();
	for (i = 0; i < ncomplaints; i++) {
		int64_t t;

		do
			t = demo_office_hours(d,
			                      d->now - demo_between(d, 0, DEMO_DAYS * DEMO_DAY_MS));
		while (t >= d->now - DEMO_HOUR_MS);
		times[i] = t;
	}
	qsort(times, ncomplaints, sizeof *times, demo_cmp_i64);
	/* In batches: one commit (one fsync) per DEMO_BATCH complaints instead of one per change,
	 * so a desk of a million takes minutes. Each change is still audited. */
	for (i = 0; i < ncomplaints && rc == 0;) {
		size_t end = i + DEMO_BATCH < ncomplaints ? i + DEMO_BATCH : ncomplaints;
		int crc;

		rc = store_tx_batch_begin(st);
		if (rc < 0) {
			demo_fail(d, rc, "starting a batch");
			break;
		}
		for (; i < end && rc == 0; i++)
			rc = demo_complaint(d, times[i]);
		crc = store_tx_batch_end(st, rc);
		if (rc == 0 && crc < 0)
			demo_fail(d, crc, "committing a batch");
		rc = crc;
		if (rc == 0 && err != NULL && ncomplaints >= 10 * DEMO_BATCH &&
		    (i == ncomplaints || i / DEMO_BATCH % (ncomplaints / DEMO_BATCH / 10) == 0))
			fprintf(err, "demo seed: %zu of %zu complaints\n", i, ncomplaints);
	}
	/* The report's medians read the snapshots of the times to resolve: take them now, as
	 * the daemon would within a second of starting. */
	if (rc == 0 && (rc = store_report_snapshot(st)) < 0)
		demo_fail(d, rc, "taking the report's medians snapshots");
out:
	store_complaint_set_clock(st, 0);
	if (rc == 0 && stats != NULL)
		*stats = d->stats;
	for (i = 0; i < d->nagents; i++)
		free(d->agents[i]);
	for (i = 0; i < d->nsupervisors; i++)
		free(d->supervisors[i]);
	free(times);
	free(d);
	return rc;
}
