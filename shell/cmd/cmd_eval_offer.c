/* cmd_eval_offer — the offer at login of a supervisor's unfinished scoring (a login hook:
 * cmd_registry.c): the draft `evaluate` keeps when the connection drops is named with what it
 * scored and when, and y resumes it where it stopped, n keeps it, d discards it. */
#include "cmd_eval.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_groups.h"
#include "cmd_util.h"
#include "form.h"
#include "shell_int.h"
#include "store_complaint.h"
#include "store_draft.h"

static void cmd_eval_offer_key_cb(void *arg, const char *key, const char *value)
{
	struct buf *b = arg;

	if (!strcmp(key, "number")) {
		buf_reset(b);
		buf_puts(b, value);
	}
}

/* An answer of y (Enter), n or d, in either language. */
static char cmd_eval_offer_answer(const char *line)
{
	static const char *const yes[] = {"", "y", "Y", "yes", "是"};
	static const char *const no[] = {"n", "N", "no", "否"};
	static const char *const discard[] = {"d", "D", "discard", "放弃"};
	char a[32];
	size_t i, n;

	while (*line == ' ')
		line++;
	snprintf(a, sizeof a, "%s", line);
	for (n = strlen(a); n > 0 && a[n - 1] == ' '; n--)
		a[n - 1] = '\0';
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!strcmp(a, yes[i]))
			return 'y';
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if (!strcmp(a, no[i]))
			return 'n';
	for (i = 0; i < sizeof discard / sizeof discard[0]; i++)
		if (!strcmp(a, discard[i]))
			return 'd';
	return '?';
}

/* The answer to the offer: y resumes the scoring, n keeps the draft, d discards it. */
static void cmd_eval_offer_cb(struct shell *sh, const char *line)
{
	char kind[16], target[COMPLAINT_NUMBER_MAX + STORE_NAME_MAX + 80];
	int rc = CMD_OK;

	snprintf(kind, sizeof kind, "%s", sh->op[0] != NULL ? sh->op[0] : "");
	snprintf(target, sizeof target, "%s", sh->op[1] != NULL ? sh->op[1] : "");
	switch (cmd_eval_offer_answer(line)) {
	case 'y':
		rc = cmd_eval_resume(sh, kind, target);
		break;
	case 'n':
		shell_printf(sh,
		             T(sh, "The draft is kept: `evaluate` of %s offers it again.\n",
		               "草稿已保留：再次评估 %s 时可继续。\n"),
		             target);
		break;
	case 'd':
		rc = store_draft_delete(sh->host.store, sh->user.name, kind);
		if (rc < 0 && rc != STORE_ENOENT) {
			rc = shell_store_error(sh, rc);
		} else {
			rc = CMD_OK;
			shell_printf(sh, "%s\n", T(sh, "The draft is discarded.", "草稿已放弃。"));
		}
		break;
	default:
		shell_read_line(sh, T(sh, "Please answer y, n or d: ", "请输入 y、n 或 d："), false,
		                cmd_eval_offer_cb);
		return;
	}
	if (rc != CMD_PENDING)
		shell_cmd_done(sh, rc);
}

int cmd_eval_offer_login(struct shell *sh)
{
	static const char *const kinds[] = {"evaluation", "calibration"};
	struct buf target, p;
	struct draft d;
	char when[32];
	size_t i;
	int rc;

	if (!sh->interactive || sh->running || sh->host.store == NULL ||
	    !(sh->user.role & ROLES_SUPERVISOR))
		return CMD_OK;
	buf_init(&target);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		memset(&d, 0, sizeof d);
		buf_reset(&target);
		if (store_draft_load(sh->host.store, sh->user.name, kinds[i], &d) == 0 &&
		    d.data != NULL &&
		    form_draft_parse(d.data, cmd_eval_offer_key_cb, &target) == 0 && target.len > 0)
			break;
		store_draft_clear(&d);
	}
	if (i == sizeof kinds / sizeof kinds[0]) {
		buf_free(&target);
		return CMD_OK; /* none (or unreadable now): nothing to offer */
	}
	cmd_util_time(d.updated_ms, true, when, sizeof when);
	store_draft_clear(&d);
	shell_op_set(sh, 0, kinds[i]);
	shell_op_set(sh, 1, buf_cstr(&target));
	buf_init(&p);
	shell_clean(&p, buf_cstr(&target));
	shell_printf(sh,
	             i == 1 ? T(sh, "You have an unfinished calibration of %s (saved %s).\n",
	                        "你有一份未完成的校准评分：%s（保存于 %s）。\n")
	                    : T(sh, "You have an unfinished evaluation of %s (saved %s).\n",
	                        "你有一份未完成的评估：%s（保存于 %s）。\n"),
	             buf_cstr(&p), when);
	buf_free(&p);
	buf_free(&target);
	/* The offer runs like a command: input waits for it, and its end shows the prompt. */
	sh->running = true;
	rc = shell_read_line(
	    sh, T(sh, "Resume the scoring? (Y/n/d = discard) ", "继续评分吗？(Y/n/d = 放弃) "),
	    false, cmd_eval_offer_cb);
	return rc;
}
