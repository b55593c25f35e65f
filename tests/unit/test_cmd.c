/* test_cmd — the command table is complete (roles, usage, help in both languages, handler),
 * lookup (exact, unique prefix, ambiguous, group without verb), help generated from the table
 * per role, and completion of command words and options per role. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_groups.h"
#include "utf8.h"

static void test_cmd_every_entry_complete(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(cmd_count(&cmd_registry) > 0);
	for (i = 0; i < cmd_count(&cmd_registry); i++) {
		const struct cmd_entry *e = cmd_at(&cmd_registry, i);
		struct buf name;

		assert_non_null(e->verb);
		assert_true(e->roles != 0);
		assert_true((e->roles & ~(unsigned)ROLES_ALL) == 0);
		assert_non_null(e->usage);
		assert_non_null(e->help_en);
		assert_non_null(e->help_zh);
		assert_true(strlen(e->help_en) > 0);
		assert_true(strlen(e->help_zh) > 0);
		assert_true(utf8_valid(e->help_zh, strlen(e->help_zh)));
		assert_non_null(e->handler);
		assert_true(e->min_args <= e->max_args);
		assert_true(e->flags & CMD_AUDIT);
		/* A command that reads stdin says how much; one that does not, nothing. */
		if ((e->flags & CMD_STDIN) || e->stdin_opt != NULL)
			assert_true(e->stdin_max >= 1024);
		else
			assert_int_equal(e->stdin_max, 0);
		/* The usage starts with the command's words. */
		buf_init(&name);
		cmd_name(e, &name);
		assert_int_equal(strncmp(e->usage, name.data, name.len), 0);
		/* No duplicates; a single word never names a group, but for "who" (sessions) and
		 * "who watches me", whose verb is looked up only when spelt out in full. */
		for (j = 0; j < cmd_count(&cmd_registry); j++) {
			const struct cmd_entry *f = cmd_at(&cmd_registry, j);

			if (i == j)
				continue;
			if (e->group == NULL && f->group == NULL)
				assert_string_not_equal(e->verb, f->verb);
			if (e->group && f->group && strcmp(e->group, f->group) == 0)
				assert_string_not_equal(e->verb, f->verb);
			if (e->group == NULL && f->group != NULL && strcmp(e->verb, "who") != 0)
				assert_string_not_equal(e->verb, f->group);
		}
		/* The stdin option exists in the spec. */
		if (e->stdin_opt != NULL) {
			const struct args_opt *o;
			bool found = false;

			for (o = e->opts; o && o->name; o++)
				if (strcmp(o->name, e->stdin_opt) == 0)
					found = true;
			assert_true(found);
		}
		buf_free(&name);
	}
}

static void test_cmd_roles(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < cmd_count(&cmd_registry); i++) {
		const struct cmd_entry *e = cmd_at(&cmd_registry, i);

		if (e->group != NULL && strcmp(e->group, "user") == 0)
			assert_int_equal(e->roles, ROLE_ADMIN);
	}
	/* The session group's single words are everyone's. */
	for (i = 0; i < cmd_session_group.n; i++)
		assert_int_equal(cmd_session_group.entries[i].roles, ROLES_ALL);
}

static int test_cmd_lookup_str(const char *line, const struct cmd_entry **e, size_t *used,
                               struct buf *cand)
{
	static struct args a;
	int rc;

	args_init(&a);
	assert_int_equal(args_split(&a, line, strlen(line), 0), 0);
	rc = cmd_lookup(&cmd_registry, a.words, a.nwords, ROLES_ALL, e, used, cand);
	args_clear(&a);
	return rc;
}

static void test_cmd_lookup(void **state)
{
	const struct cmd_entry *e = NULL;
	struct buf cand, name;
	size_t used = 0;

	(void)state;
	buf_init(&cand);
	buf_init(&name);

	assert_int_equal(test_cmd_lookup_str("whoami --json", &e, &used, &cand), 0);
	assert_string_equal(e->verb, "whoami");
	assert_int_equal(used, 1);

	/* Unique prefixes of the word and of the verb. */
	assert_int_equal(test_cmd_lookup_str("whoa", &e, &used, &cand), 0);
	assert_string_equal(e->verb, "whoami");
	/* "who" is a single word (sessions) and heads "who watches me". */
	assert_int_equal(test_cmd_lookup_str("who --json", &e, &used, &cand), 0);
	assert_true(e->group == NULL && strcmp(e->verb, "who") == 0);
	assert_int_equal(test_cmd_lookup_str("who watches me", &e, &used, &cand), 0);
	assert_true(e->group != NULL && strcmp(e->verb, "watches") == 0);
	assert_int_equal(used, 2);
	assert_int_equal(test_cmd_lookup_str("us a bob", &e, &used, &cand), 0);
	cmd_name(e, &name);
	assert_string_equal(name.data, "user add");
	assert_int_equal(used, 2);
	assert_int_equal(test_cmd_lookup_str("user unl x", &e, &used, &cand), 0);
	assert_string_equal(e->verb, "unlock");

	/* Ambiguous verb prefix: the candidates are listed. */
	buf_reset(&cand);
	assert_int_equal(test_cmd_lookup_str("user l", &e, &used, &cand), CMD_EAMBIGUOUS);
	assert_string_equal(buf_cstr(&cand), "list lock");

	/* Group without a verb. */
	buf_reset(&cand);
	assert_int_equal(test_cmd_lookup_str("user", &e, &used, &cand), CMD_ENOVERB);
	assert_non_null(strstr(buf_cstr(&cand), "add"));
	assert_non_null(strstr(buf_cstr(&cand), "passwd"));

	/* Unknown. */
	buf_reset(&cand);
	assert_int_equal(test_cmd_lookup_str("frobnicate", &e, &used, &cand), CMD_EUNKNOWN);
	assert_int_equal(test_cmd_lookup_str("user frob", &e, &used, &cand), CMD_EUNKNOWN);
	assert_int_equal(cmd_lookup(&cmd_registry, NULL, 0, ROLES_ALL, &e, &used, NULL), CMD_EEMPTY);
	/* An empty word is no prefix of everything. */
	assert_int_equal(test_cmd_lookup_str("''", &e, &used, NULL), CMD_EUNKNOWN);

	buf_free(&cand);
	buf_free(&name);
}

static void test_cmd_help_per_role(void **state)
{
	struct buf out;
	const char *w[2] = {"user", "add"};

	(void)state;
	buf_init(&out);
	cmd_help_list(&cmd_registry, ROLE_AGENT, "en", 0, &out);
	assert_non_null(strstr(out.data, "whoami"));
	assert_non_null(strstr(out.data, "passwd"));
	assert_null(strstr(out.data, "user add"));
	buf_reset(&out);
	cmd_help_list(&cmd_registry, ROLE_ADMIN, "zh", 0, &out);
	assert_non_null(strstr(out.data, "user add"));
	assert_non_null(strstr(out.data, "新建账号"));
	assert_non_null(strstr(out.data, "会话"));

	buf_reset(&out);
	assert_int_equal(cmd_help_one(&cmd_registry, w, 2, ROLE_ADMIN, "en", 0, &out), 0);
	assert_non_null(strstr(out.data, "usage: user add NAME --role ROLE"));
	buf_reset(&out);
	assert_int_equal(cmd_help_one(&cmd_registry, w, 1, ROLE_ADMIN, "en", 0, &out), 0);
	assert_non_null(strstr(out.data, "user lock NAME"));
	buf_reset(&out);
	assert_int_equal(cmd_help_one(&cmd_registry, w, 2, ROLE_AGENT, "zh", 0, &out), 0);
	assert_non_null(strstr(out.data, "你的角色不能使用"));
	w[0] = "nothing";
	assert_int_equal(cmd_help_one(&cmd_registry, w, 1, ROLE_ADMIN, "en", 0, &out), CMD_EUNKNOWN);
	buf_free(&out);
}

/* Every line of out within width display columns, and (whole) no [option] cut over two
 * lines. */
static void test_cmd_help_fits(const char *out, size_t width, bool whole)
{
	const char *p = out, *nl;

	for (; *p != '\0'; p = nl + 1) {
		size_t len, i;
		int depth = 0;

		nl = strchr(p, '\n');
		assert_non_null(nl);
		len = (size_t)(nl - p);
		if (utf8_width(p, len) > width)
			fail_msg("wider than %zu: `%.*s`", width, (int)len, p);
		for (i = 0; i < len; i++)
			depth += p[i] == '[' ? 1 : p[i] == ']' ? -1 : 0;
		if (whole && depth != 0)
			fail_msg("an option cut at the line's end: `%.*s`", (int)len, p);
	}
}

/* Help folded at words within the terminal's width, Chinese by its two columns. */
static void test_cmd_help_folded(void **state)
{
	const char *w[2] = {"unit", "import"};
	const char *g[1] = {"complaint"};
	static const size_t widths[] = {40, 60, 80};
	struct buf out;
	size_t k;

	(void)state;
	buf_init(&out);
	for (k = 0; k < 3; k++) {
		buf_reset(&out);
		cmd_help_list(&cmd_registry, ROLE_ADMIN, "en", widths[k], &out);
		test_cmd_help_fits(buf_cstr(&out), widths[k], widths[k] >= 60);
		buf_reset(&out);
		cmd_help_list(&cmd_registry, ROLE_ADMIN, "zh", widths[k], &out);
		test_cmd_help_fits(buf_cstr(&out), widths[k], widths[k] >= 60);
		buf_reset(&out);
		assert_int_equal(cmd_help_one(&cmd_registry, w, 2, ROLE_ADMIN, "en", widths[k], &out), 0);
		test_cmd_help_fits(buf_cstr(&out), widths[k], widths[k] >= 60);
		assert_non_null(strstr(buf_cstr(&out), "[--dry-run]"));
		buf_reset(&out);
		assert_int_equal(cmd_help_one(&cmd_registry, g, 1, ROLE_ADMIN, "zh", widths[k], &out), 0);
		test_cmd_help_fits(buf_cstr(&out), widths[k], widths[k] >= 60);
	}
	/* Folded lines under the text they go on. */
	buf_reset(&out);
	cmd_help_list(&cmd_registry, ROLE_AGENT, "en", 60, &out);
	assert_non_null(strstr(buf_cstr(&out), "\n                    "));
	buf_free(&out);
}

static void test_cmd_complete_add(void *arg, const char *word)
{
	struct buf *b = arg;

	if (b->len)
		buf_putc(b, ' ');
	buf_puts(b, word);
}

static const char *test_cmd_complete(unsigned roles, const char *line, struct buf *b)
{
	buf_reset(b);
	cmd_complete(&cmd_registry, roles, line, strlen(line), test_cmd_complete_add, b);
	return buf_cstr(b);
}

static void test_cmd_completion(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "", &b),
			    "help whoami passwd lang quit complaint promise technique unit movein who "
			    "reply checklist evaluation");
	/* An agent is offered the unit group but never the admin's user group. */
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "us", &b), "");
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "u", &b), "unit");
	assert_string_equal(test_cmd_complete(ROLE_ADMIN, "u", &b), "user unit");
	assert_string_equal(test_cmd_complete(ROLE_ADMIN, "user l", &b), "list lock");
	assert_string_equal(test_cmd_complete(ROLE_ADMIN, "user ", &b),
	                    "add list lock unlock role key passwd");
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "user ", &b), "");
	assert_string_equal(test_cmd_complete(ROLE_ADMIN, "user add bob --r", &b), "--role");
	assert_string_equal(test_cmd_complete(ROLE_ADMIN, "us ad bob --", &b),
	                    "--role --display --lang --team --password-stdin");
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "who", &b), "whoami who");
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "who w", &b), "watches");
	assert_string_equal(test_cmd_complete(ROLE_SUPERVISOR, "wh", &b), "whoami who whisper");
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "whoami --", &b), "--json");
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "user add bob --", &b), "");
	assert_string_equal(test_cmd_complete(ROLE_AGENT, "'unterminated", &b), "");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cmd_every_entry_complete),
	    cmocka_unit_test(test_cmd_roles),
	    cmocka_unit_test(test_cmd_lookup),
	    cmocka_unit_test(test_cmd_help_per_role),
	    cmocka_unit_test(test_cmd_help_folded),
	    cmocka_unit_test(test_cmd_completion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
