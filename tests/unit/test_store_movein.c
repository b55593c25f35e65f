/* test_store_movein — the move-in state machine in the store (store_movein*.c) on a real
 * database: every illegal step refused with STORE_ESTATE (and nothing written: not logged,
 * not audited), the gaps in step order and the stage they give, a waiver taking one gap out,
 * the defect's life with every transition that is not allowed, nothing but the keys after the
 * review, values refused (STORE_EINVAL), and the log and audit of each change. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_movein.h"
#include "store_movein_step.h"
#include "store_unit.h"
#include "testhost.h"

static const char *const test_sm_docs[] = {"notice", "id_card"};
static const char *const test_sm_forms[] = {"handbook"};
static const char *const test_sm_fees[] = {"maintenance"};
static const int64_t test_sm_due[] = {10000};
static const char *const test_sm_items[] = {"walls", "gas"};

static struct testhost *test_sm_open(void)
{
	struct testhost *th = testhost_new("test_store_movein");
	struct movein_plan p;
	struct unit u;

	assert_non_null(th);
	memset(&u, 0, sizeof u);
	u.code = "1-1-301";
	u.area_m2 = 50;
	u.housing_type = "commercial";
	u.owner_id = "320102198001011238";
	assert_int_equal(store_unit_add(th->st, &testhost_setup_ctx, &u), 0);
	u.code = "1-1-302";
	u.housing_type = NULL;
	u.owner_id = NULL;
	assert_int_equal(store_unit_add(th->st, &testhost_setup_ctx, &u), 0);
	memset(&p, 0, sizeof p);
	p.unit = "1-1-301";
	p.docs = test_sm_docs;
	p.ndocs = 2;
	p.forms = test_sm_forms;
	p.nforms = 1;
	p.fees = test_sm_fees;
	p.fee_due = test_sm_due;
	p.nfees = 1;
	p.items = test_sm_items;
	p.nitems = 2;
	assert_int_equal(store_movein_start(th->st, &testhost_setup_ctx, &p), 0);
	assert_int_equal(store_movein_start(th->st, &testhost_setup_ctx, &p), STORE_EEXIST);
	p.unit = "1-1-302"; /* no housing type */
	assert_int_equal(store_movein_start(th->st, &testhost_setup_ctx, &p), STORE_EINVAL);
	p.unit = "1-1-399";
	assert_int_equal(store_movein_start(th->st, &testhost_setup_ctx, &p), STORE_ENOENT);
	return th;
}

static int test_sm_stage(struct testhost *th)
{
	struct movein m;
	int stage;

	assert_int_equal(store_movein_get(th->st, "1-1-301", &m), 0);
	stage = m.stage;
	assert_int_equal(stage, store_movein_stage_of(&m));
	store_movein_clear(&m);
	return stage;
}

/* rc is STORE_ESTATE and wrote nothing. */
static void test_sm_refused(struct testhost *th, int rc, size_t log_before)
{
	struct movein_event *ev = NULL;
	size_t n = 0;

	assert_int_equal(rc, STORE_ESTATE);
	assert_int_equal(store_movein_log(th->st, "1-1-301", 1000, &ev, &n), 0);
	assert_int_equal(n, log_before);
	store_movein_log_free(ev, n);
}

static size_t test_sm_log(struct testhost *th)
{
	struct movein_event *ev = NULL;
	size_t n = 0;

	assert_int_equal(store_movein_log(th->st, "1-1-301", 1000, &ev, &n), 0);
	store_movein_log_free(ev, n);
	return n;
}

static void test_sm_gaps_and_stages(void **state)
{
	const struct audit_ctx *c = &testhost_setup_ctx;
	struct testhost *th = test_sm_open();
	struct movein_gap g[16];
	struct movein m;
	const char *one[1];
	char key[96];
	size_t n;

	(void)state;
	assert_int_equal(store_movein_get(th->st, "1-1-301", &m), 0);
	n = store_movein_gaps(&m, g, 16);
	/* 2 documents, 1 form, 1 fee, 2 items, the sign-off. */
	assert_int_equal(n, 7);
	store_movein_gap_key(&m, &g[0], key, sizeof key);
	assert_string_equal(key, "doc:notice");
	store_movein_gap_key(&m, &g[6], key, sizeof key);
	assert_string_equal(key, "signoff");
	store_movein_clear(&m);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_DOCUMENTS);

	test_sm_refused(th, store_movein_step_review(th->st, c, "1-1-301"), 1);
	test_sm_refused(th, store_movein_step_signoff(th->st, c, "1-1-301"), 1);
	test_sm_refused(th, store_movein_step_keys(th->st, c, "1-1-301", 1, NULL, "x", "K"), 1);

	assert_int_equal(store_movein_doc(th->st, c, "1-1-301", "notice", MOVEIN_DOC_RECEIVED, NULL),
	                 0);
	assert_int_equal(
	    store_movein_doc(th->st, c, "1-1-301", "id_card", MOVEIN_DOC_REJECTED, NULL),
	    STORE_EINVAL); /* a rejection needs its reason */
	assert_int_equal(store_movein_doc(th->st, c, "1-1-301", "seal", MOVEIN_DOC_RECEIVED, NULL),
	                 STORE_ENOENT);
	assert_int_equal(
	    store_movein_doc(th->st, c, "1-1-301", "id_card", MOVEIN_DOC_REJECTED, "过期"), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_DOCUMENTS);
	/* A supervisor waives the ID card: the stage moves on. */
	assert_int_equal(store_movein_step_waive(th->st, c, "1-1-301", "doc:seal", "x"),
	                 STORE_ENOENT);
	assert_int_equal(store_movein_step_waive(th->st, c, "1-1-301", "doc:id_card", "补交中"), 0);
	assert_int_equal(store_movein_step_waive(th->st, c, "1-1-301", "doc:id_card", "again"),
	                 STORE_EEXIST);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_FORMS);
	one[0] = "handbook";
	assert_int_equal(store_movein_sign(th->st, c, "1-1-301", one, 1), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_FEES);
	assert_int_equal(store_movein_pay(th->st, c, "1-1-301", "maintenance", 10001, "R"),
	                 STORE_EINVAL);
	assert_int_equal(store_movein_pay(th->st, c, "1-1-301", "maintenance", 0, "R"), STORE_EINVAL);
	assert_int_equal(store_movein_pay(th->st, c, "1-1-301", "maintenance", 4000, "R 1"),
	                 STORE_EINVAL);
	assert_int_equal(store_movein_pay(th->st, c, "1-1-301", "maintenance", 4000, "R1"), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_FEES);
	assert_int_equal(store_movein_pay(th->st, c, "1-1-301", "maintenance", 6000, "R2"), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_INSPECTION);
	one[0] = "walls";
	assert_int_equal(store_movein_step_pass(th->st, c, "1-1-301", one, 1), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_INSPECTION);
	one[0] = "gas";
	assert_int_equal(store_movein_step_pass(th->st, c, "1-1-301", one, 1), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_SIGNOFF);
	assert_int_equal(store_movein_step_signoff(th->st, c, "1-1-301"), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_REVIEW);
	{
		/* A defect found after the sign-off takes it back. */
		int64_t id = 0;

		assert_int_equal(store_movein_step_defect_add(th->st, c, "1-1-301", "gas", "漏气",
		                                              "更换", store_now_ms() + 1000, &id),
		                 0);
		assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_INSPECTION);
		assert_int_equal(
		    store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_ASSIGN, "燃气公司", NULL), 0);
		assert_int_equal(store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FIX, NULL, NULL),
		                 0);
		assert_int_equal(
		    store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_PASS, NULL, NULL), 0);
		assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_SIGNOFF);
		assert_int_equal(store_movein_step_signoff(th->st, c, "1-1-301"), 0);
	}
	test_sm_refused(th, store_movein_step_keys(th->st, c, "1-1-301", 1, NULL, "x", "K"),
	                test_sm_log(th));
	assert_int_equal(store_movein_step_review(th->st, c, "1-1-301"), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_KEYS);
	/* Nothing but the keys after the review. */
	n = test_sm_log(th);
	test_sm_refused(th, store_movein_doc(th->st, c, "1-1-301", "notice", MOVEIN_DOC_MISSING, NULL),
	                n);
	test_sm_refused(th, store_movein_step_review(th->st, c, "1-1-301"), n);
	test_sm_refused(th, store_movein_step_waive(th->st, c, "1-1-301", "signoff", "x"), n);
	assert_int_equal(store_movein_step_keys(th->st, c, "1-1-301", 0, NULL, "x", "K"), STORE_EINVAL);
	assert_int_equal(store_movein_step_keys(th->st, c, "1-1-301", 2, "入户门:2", "李建国", "K-1"), 0);
	assert_int_equal(test_sm_stage(th), MOVEIN_STAGE_DONE);
	test_sm_refused(th, store_movein_step_keys(th->st, c, "1-1-301", 2, NULL, "x", "K-2"),
	                test_sm_log(th));
	/* Every change audited: start, 2 docs, waiver, sign, 2 payments, 2 passes, sign-off,
	 * a defect's 4 steps, sign-off again, review, keys. */
	assert_int_equal(testhost_audit_count(th->st, "movein.doc", NULL), 2);
	assert_int_equal(testhost_audit_count(th->st, "movein.waive", "doc:id_card"), 1);
	assert_int_equal(testhost_audit_count(th->st, "movein.pay", NULL), 2);
	assert_int_equal(testhost_audit_count(th->st, "movein.pass", NULL), 2);
	assert_int_equal(testhost_audit_count(th->st, "movein.keys", "K-1"), 1);
	assert_int_equal(test_sm_log(th), 17);
	testhost_free(th);
}

static void test_sm_defect_life(void **state)
{
	const struct audit_ctx *c = &testhost_setup_ctx;
	struct testhost *th = test_sm_open();
	struct movein_defect d, *late = NULL;
	const char *one[1] = {"walls"};
	int64_t id = 0, now = store_now_ms();
	size_t n = 0, log;

	(void)state;
	assert_int_equal(store_movein_step_defect_add(th->st, c, "1-1-301", "roof", "漏", "修",
	                                              now + 1000, &id),
	                 STORE_ENOENT);
	assert_int_equal(
	    store_movein_step_defect_add(th->st, c, "1-1-301", "walls", "裂", "补", 0, &id),
	    STORE_EINVAL);
	assert_int_equal(store_movein_step_defect_add(th->st, c, "1-1-301", "walls", "墙面开裂",
	                                              "修补", now - 1000, &id),
	                 0);
	assert_true(id > 0);
	/* The item cannot pass while its defect is open. */
	log = test_sm_log(th);
	test_sm_refused(th, store_movein_step_pass(th->st, c, "1-1-301", one, 1), log);
	/* recorded: only assign. */
	test_sm_refused(th, store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FIX, NULL, NULL),
	                log);
	test_sm_refused(th, store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_PASS, NULL, NULL),
	                log);
	test_sm_refused(th, store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FAIL, NULL, NULL),
	                log);
	assert_int_equal(store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_ASSIGN, NULL, NULL),
	                 STORE_EINVAL);
	assert_int_equal(
	    store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_ASSIGN, "一队", NULL), 0);
	/* assigned: reassign or fix. */
	log = test_sm_log(th);
	test_sm_refused(th, store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_PASS, NULL, NULL),
	                log);
	test_sm_refused(th, store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FAIL, NULL, NULL),
	                log);
	assert_int_equal(
	    store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_ASSIGN, "二队", NULL), 0);
	assert_int_equal(store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FIX, NULL, "补好"), 0);
	/* rectified: re-inspect only. */
	log = test_sm_log(th);
	test_sm_refused(th, store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FIX, NULL, NULL),
	                log);
	test_sm_refused(th,
	                store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_ASSIGN, "三队", NULL),
	                log);
	assert_int_equal(store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FAIL, NULL, "仍裂"),
	                 0);
	assert_int_equal(store_movein_step_defect_get(th->st, id, &d), 0);
	assert_int_equal(d.status, MOVEIN_DEFECT_ASSIGNED);
	assert_int_equal(d.fails, 1);
	assert_string_equal(d.assignee, "二队");
	store_movein_defect_clear(&d);
	/* Overdue while open. */
	assert_int_equal(store_movein_step_overdue(th->st, now, 10, 0, &late, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(late[0].id, id);
	assert_string_equal(late[0].unit, "1-1-301");
	store_movein_defect_list_free(late, n);
	assert_int_equal(store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FIX, NULL, NULL), 0);
	assert_int_equal(store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_PASS, NULL, NULL), 0);
	/* closed: nothing more. */
	log = test_sm_log(th);
	test_sm_refused(th,
	                store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_ASSIGN, "x", NULL), log);
	test_sm_refused(th, store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_FIX, NULL, NULL),
	                log);
	test_sm_refused(th, store_movein_step_defect(th->st, c, id, MOVEIN_DEFECT_PASS, NULL, NULL),
	                log);
	assert_int_equal(store_movein_step_overdue(th->st, now, 10, 0, &late, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_movein_step_defect(th->st, c, 999, MOVEIN_DEFECT_FIX, NULL, NULL),
	                 STORE_ENOENT);
	assert_int_equal(testhost_audit_count(th->st, "movein.reinspect-fail", "仍裂"), 1);
	testhost_free(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sm_gaps_and_stages),
	    cmocka_unit_test(test_sm_defect_life),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
