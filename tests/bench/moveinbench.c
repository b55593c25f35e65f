/* moveinbench — the move-in store over a generated estate (scripts/bench's store section):
 * N units (default 100,000) with owners (Chinese names, phones, ID numbers), three residents
 * a unit, and move-ins at every stage for one unit in five (with defects, some overdue), all
 * written through the store (audited, in batches). Then, on a read-only connection as the
 * thread pool has it: movein find by part of a Chinese name, a phone's tail and an ID
 * fragment (a page of 100), movein show's reads (the record and the residents), the list of a
 * stage and of the overdue defects (a page each). Prints key=value lines, p50 and p99 in ms.
 * usage: propdesk-moveinbench --db PATH [--units N] [--runs N] */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "demo_movein.h"
#include "movein_rules.h"
#include "store.h"
#include "store_movein.h"
#include "store_movein_step.h"
#include "store_resident.h"
#include "store_schema.h"
#include "store_tx.h"
#include "store_unit.h"

#define MOVEINBENCH_BATCH 2000

static const char *const moveinbench_surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵",
                                                   "黄", "周", "吴", "徐", "孙", "胡", "朱",
                                                   "高", "林", "何", "郭", "马", "罗"};
static const char *const moveinbench_given[] = {
    "建国", "秀英", "伟",   "芳",   "娜",   "敏",   "静",   "丽",   "强",   "磊",
    "军",   "洋",   "勇",   "艳",   "杰",   "娟",   "涛",   "明",   "超",   "秀兰",
    "霞",   "平",   "刚",   "桂英", "志强", "海燕", "玉兰", "文华", "国庆", "淑珍"};

static uint64_t moveinbench_rng = 20261204;

static uint64_t moveinbench_next(void)
{
	uint64_t z = (moveinbench_rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double moveinbench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int moveinbench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void moveinbench_report(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof *v, moveinbench_cmp);
	printf("%s p50_ms=%.2f p99_ms=%.2f max_ms=%.2f runs=%zu\n", what, v[n / 2],
	       v[(size_t)((double)(n - 1) * 0.99)], v[n - 1], n);
}

static void moveinbench_name(char *out, size_t len)
{
	snprintf(out, len, "%s%s",
	         moveinbench_surnames[moveinbench_next() % (sizeof moveinbench_surnames /
	                                                       sizeof moveinbench_surnames[0])],
	         moveinbench_given[moveinbench_next() %
	                           (sizeof moveinbench_given / sizeof moveinbench_given[0])]);
}

static void moveinbench_id(uint64_t n, char out[19])
{
	static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0, i;

	snprintf(out, 19, "3201%02u19%02u%02u%02u%03u", (unsigned)(n % 90 + 1),
	         (unsigned)(50 + n % 50), (unsigned)(1 + n % 12), (unsigned)(1 + n % 28),
	         (unsigned)(n / 7 % 1000));
	for (i = 0; i < 17; i++)
		sum += (out[i] - '0') * weight[i];
	out[17] = check[sum % 11];
	out[18] = '\0';
}

static int moveinbench_fail(int rc, const char *what)
{
	fprintf(stderr, "moveinbench: %s: %s\n", what, store_strerror(rc, "en"));
	return 1;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *etc = "etc";
	struct audit_ctx ctx = {"bench", "admin", "bench", NULL, "cli"};
	struct unit_import_result res;
	struct movein_rules *rules = NULL;
	struct store *st = NULL, *ro = NULL;
	struct unit *units;
	size_t nunits = 100000, i, started = 0;
	int runs = 200, r, rc;
	double t0, *lat;
	char rpath[4096], *err = NULL;
	struct stat sb;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < (size_t)argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--units") && i + 1 < (size_t)argc)
			nunits = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--runs") && i + 1 < (size_t)argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--etc") && i + 1 < (size_t)argc)
			etc = argv[++i];
		else
			path = NULL, i = (size_t)argc;
	}
	if (path == NULL || nunits < 100 || nunits > UNIT_IMPORT_MAX || runs < 1) {
		fprintf(stderr, "usage: propdesk-moveinbench --db PATH [--units N (100..%d)] "
		                "[--runs N] [--etc DIR]\n",
		        UNIT_IMPORT_MAX);
		return 2;
	}
	if (stat(path, &sb) == 0) {
		fprintf(stderr, "moveinbench: %s exists\n", path);
		return 2;
	}
	snprintf(rpath, sizeof rpath, "%s/movein.ini", etc);
	if (movein_rules_load(rpath, &rules, &err) < 0) {
		fprintf(stderr, "moveinbench: %s\n", err);
		return 1;
	}
	rc = store_open(path, 0, 5000, &st);
	if (rc == 0)
		rc = store_schema_migrate(st);
	if (rc != 0)
		return moveinbench_fail(rc, "creating the database");

	/* 1. The estate: one import, then three residents a unit, in batches. */
	t0 = moveinbench_now();
	units = calloc(nunits, sizeof *units);
	if (units == NULL)
		abort();
	for (i = 0; i < nunits; i++) {
		char code[32], name[32], phone[16], id[19];

		/* buildings of 4 entrances of 25 floors of 4 flats */
		snprintf(code, sizeof code, "%zu-%zu-%zu%02zu", 1 + i / 400, 1 + i / 100 % 4,
		         1 + i / 4 % 25, 1 + i % 4);
		moveinbench_name(name, sizeof name);
		snprintf(phone, sizeof phone, "13%09llu", (unsigned long long)(i * 7919 % 1000000000));
		moveinbench_id(i, id);
		units[i].code = strdup(code);
		units[i].owner_name = strdup(name);
		units[i].owner_phone = strdup(phone);
		units[i].owner_id = strdup(id);
		units[i].housing_type = strdup(i % 6 == 5 ? "resettlement" : "commercial");
		units[i].area_m2 = 60 + (double)(i % 90);
	}
	rc = store_unit_import(st, &ctx, units, nunits,
	                       UNIT_IMPORT_OWNER_NAME | UNIT_IMPORT_OWNER_PHONE | UNIT_IMPORT_AREA |
	                           UNIT_IMPORT_HOUSING | UNIT_IMPORT_OWNER_ID,
	                       false, &res);
	if (rc != 0)
		return moveinbench_fail(rc, "importing the units");
	printf("movein import units=%zu ms=%.0f\n", nunits, moveinbench_now() - t0);
	t0 = moveinbench_now();
	for (i = 0; i < nunits && rc == 0;) {
		size_t end = i + MOVEINBENCH_BATCH < nunits ? i + MOVEINBENCH_BATCH : nunits;

		rc = store_tx_batch_begin(st);
		for (; rc == 0 && i < end; i++) {
			int k;

			for (k = 0; rc == 0 && k < 3; k++) {
				struct resident p;
				char name[32];

				memset(&p, 0, sizeof p);
				moveinbench_name(name, sizeof name);
				p.unit = units[i].code;
				p.name = name;
				p.age = (int)(moveinbench_next() % 90);
				p.sex = k % 2 ? "female" : "male";
				p.relation = k == 0 ? "本人" : k == 1 ? "配偶" : "子女";
				rc = store_resident_add(st, &ctx, &p, NULL);
			}
		}
		rc = store_tx_batch_end(st, rc);
	}
	if (rc != 0)
		return moveinbench_fail(rc, "adding residents");
	printf("movein residents=%zu ms=%.0f\n", nunits * 3, moveinbench_now() - t0);
	/* 2. Move-ins at every stage for one unit in five, in batches. */
	t0 = moveinbench_now();
	for (i = 0; i < nunits && rc == 0; i += 2500) {
		size_t len = nunits - i < 2500 ? nunits - i : 2500;

		rc = store_tx_batch_begin(st);
		if (rc == 0)
			rc = demo_movein_start_units(st, rules, units + i, len, 5, 7 + i, &started,
			                             stderr);
		rc = store_tx_batch_end(st, rc);
	}
	if (rc != 0)
		return moveinbench_fail(rc, "starting move-ins");
	printf("movein moveins=%zu ms=%.0f\n", started, moveinbench_now() - t0);

	/* 3. The reads, on a read-only connection of their own. */
	rc = store_open(path, STORE_READONLY, 5000, &ro);
	if (rc != 0)
		return moveinbench_fail(rc, "opening read-only");
	lat = calloc((size_t)runs, sizeof *lat);
	if (lat == NULL)
		abort();
	{
		static const char *const finds[][2] = {
		    {"find_name", "建国"}, {"find_name_rare", "罗淑珍"}, {"find_phone_tail", "7919"},
		    {"find_id_fragment", "19751"}, {"find_unit", "17-3-12"}};
		size_t q;

		for (q = 0; q < sizeof finds / sizeof finds[0]; q++) {
			size_t found = 0;

			for (r = 0; r < runs; r++) {
				struct unit *list = NULL;
				size_t n = 0;
				double s = moveinbench_now();

				rc = store_unit_find(ro, finds[q][1], 100, 0, &list, &n);
				lat[r] = moveinbench_now() - s;
				found = n;
				store_unit_list_free(list, n);
				if (rc != 0)
					return moveinbench_fail(rc, finds[q][0]);
			}
			char what[96];

			snprintf(what, sizeof what, "movein %s text=%s found=%zu", finds[q][0],
			         finds[q][1], found);
			moveinbench_report(what, lat, (size_t)runs);
		}
	}
	for (r = 0; r < runs; r++) {
		struct movein m;
		struct resident *res_list = NULL;
		size_t n = 0;
		const char *code = units[(size_t)r * 5 % nunits].code;
		double s = moveinbench_now();

		rc = store_movein_get(ro, code, &m);
		if (rc == 0 || rc == STORE_ENOENT)
			rc = store_resident_list(ro, code, false, &res_list, &n);
		lat[r] = moveinbench_now() - s;
		store_movein_clear(&m);
		store_resident_list_free(res_list, n);
		if (rc != 0)
			return moveinbench_fail(rc, "show");
	}
	moveinbench_report("movein show", lat, (size_t)runs);
	for (r = 0; r < runs; r++) {
		struct movein *list = NULL;
		size_t n = 0;
		double s = moveinbench_now();

		rc = store_movein_list(ro, r % MOVEIN_NSTAGES, 100, 0, &list, &n);
		lat[r] = moveinbench_now() - s;
		store_movein_list_free(list, n);
		if (rc != 0)
			return moveinbench_fail(rc, "list --stage");
	}
	moveinbench_report("movein list_stage", lat, (size_t)runs);
	for (r = 0; r < runs; r++) {
		struct movein_defect *list = NULL;
		size_t n = 0;
		double s = moveinbench_now();

		rc = store_movein_step_overdue(ro, store_now_ms(), 100, 0, &list, &n);
		lat[r] = moveinbench_now() - s;
		store_movein_defect_list_free(list, n);
		if (rc != 0)
			return moveinbench_fail(rc, "list --overdue-defects");
	}
	moveinbench_report("movein list_overdue", lat, (size_t)runs);
	free(lat);
	store_unit_list_free(units, nunits);
	store_close(ro);
	store_close(st);
	movein_rules_free(rules);
	return 0;
}
