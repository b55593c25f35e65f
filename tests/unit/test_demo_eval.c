/* test_demo_eval — the demo desk's evaluations (service/demo_eval.c) and the quality report on
 * them: a third of the complaints scored against the shipped checklist, by the supervisor, some
 * self-checked, acknowledged, disputed and answered; every score recomputes the same from the
 * pinned version; `report quality` by agent, week and item lists every agent (with the display
 * name), the weeks and the items, with the pass rates the agents' levels make; the audit chain
 * intact. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "demo.h"
#include "demo_eval.h"
#include "store.h"
#include "store_audit.h"
#include "store_eval.h"
#include "testhost.h"

static void test_demo_eval_exec(struct testhost *th, const char *name, const char *cmd)
{
	struct shell_opts o = testhost_opts;

	o.env_lang = "en_US.UTF-8";
	assert_int_equal(testhost_exec(th, name, TESTHOST_WORK | TESTHOST_CATALOG, &o, cmd, NULL), 0);
}

static void test_demo_eval_seeded(void **state)
{
	static const char *const names[] = {"agent1", "agent2", "agent3", "supervisor1"};
	static const char *const displays[] = {"王小明", "李小红", "张小刚", NULL};
	struct testhost *th = testhost_new("test_demo_eval");
	struct demo_eval_stats es;
	struct evaluation *list = NULL;
	struct eval_filter f;
	char etc[8192], cmd[64];
	int64_t checked = 0, bad = -1;
	size_t n = 0, i;

	(void)state;
	assert_non_null(th);
	testhost_etc(etc, sizeof etc);
	assert_int_equal(testhost_load_catalog(th, etc), 0);
	for (i = 0; i < 4; i++)
		testhost_account_add(th, names[i], displays[i], i < 3 ? ROLE_AGENT : ROLE_SUPERVISOR,
		                     "en", NULL);
	assert_int_equal(demo_seed(th->st, 300, DEMO_DEFAULT_SEED, 0, NULL, stderr), 0);
	assert_int_equal(
	    demo_eval_seed(th->st, th->catalog->checklist, 35, DEMO_DEFAULT_SEED, &es, stderr), 0);
	assert_true(es.evaluations > 60 && es.evaluations < 140);
	assert_true(es.self > 0 && es.acked > 0 && es.disputed > 0 && es.answered > 0);
	assert_true(es.answered <= es.disputed);

	/* Every score recomputes the same from its pinned version. */
	memset(&f, 0, sizeof f);
	f.kind = -1;
	f.status = -1;
	f.limit = 1000;
	assert_int_equal(store_eval_list(th->st, &f, &list, &n), 0);
	assert_int_equal(n, es.evaluations + es.self);
	for (i = 0; i < n; i += 7) {
		snprintf(cmd, sizeof cmd, "evaluation show %lld --json", (long long)list[i].id);
		test_demo_eval_exec(th, "supervisor1", cmd);
		testhost_has(th, 1, "\"recomputed_matches\":true");
	}
	store_eval_list_free(list, n);

	/* Each agent by name and display name. */
	test_demo_eval_exec(th, "supervisor1", "report quality --by agent");
	for (i = 0; i < 3; i++) {
		snprintf(cmd, sizeof cmd, "\n%s (%s) ", names[i], displays[i]);
		testhost_has(th, 1, cmd);
	}
	test_demo_eval_exec(th, "supervisor1", "report quality --by agent --json");
	testhost_has(th, 1, "{\"key\":\"agent1\",\"display\":\"王小明\",\"count\":");
	test_demo_eval_exec(th, "supervisor1", "report quality --by week --agent agent2 --json");
	testhost_has(th, 1, "\"agent\":\"agent2\",\"display\":\"李小红\",\"rows\":[");
	test_demo_eval_exec(th, "supervisor1", "report quality --by week --json");
	testhost_has(th, 1, "\"key\":\"20");
	test_demo_eval_exec(th, "supervisor1", "report quality --by item");
	testhost_has(th, 1, "weakest items first");
	testhost_has(th, 1, "honesty");
	testhost_lacks(th, 1, "character"); /* a period's item, never scored on a complaint */
	test_demo_eval_exec(th, "supervisor1", "evaluation list --status disputed --json");
	testhost_has(th, 1, "\"status\":\"disputed\"");
	assert_int_equal(store_audit_verify(th->st, &checked, &bad), 0);
	testhost_free(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_eval_seeded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
