/* cmd_movein_resident_form — `movein resident add UNIT` at a terminal with no fields given: a
 * guided form, field by field (name, age, sex, occupation, employer, relation, then save),
 * each checked as the options are, `?` for help, `<` back, Ctrl-C to cancel; the draft keeps
 * what was typed so a dropped connection resumes at the same field (cmd_movein_int.h). */
#include "cmd.h"
#include "cmd_movein_int.h"
#include "cmd_util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "shell_int.h"
#include "store.h"
#include "store_draft.h"
#include "store_resident.h"
#include "store_unit.h"

#define CMD_MOVEIN_RESIDENT_FORM_KIND "movein-resident"

struct cmd_movein_resident_form {
	char *unit;
};

static void cmd_movein_resident_form_free(void *arg)
{
	struct cmd_movein_resident_form *rf = arg;

	free(rf->unit);
	free(rf);
}

/* A text field: optional unless required; "-" clears it. */
static int cmd_movein_resident_form_text(struct form *f, const char *key, const char *what,
                                         const char *value, bool required)
{
	struct shell *sh = form_shell(f);

	if (value[0] == '\0' || strcmp(value, "-") == 0) {
		if (required) {
			shell_printf(sh, T(sh, "%s is required.\n", "%s为必填项。\n"), what);
			return FORM_AGAIN;
		}
		form_set(f, key, NULL);
		return FORM_NEXT;
	}
	if (!cmd_util_text_ok(sh, what, value, RESIDENT_TEXT_MAX))
		return FORM_AGAIN;
	form_set(f, key, value);
	return FORM_NEXT;
}

static bool cmd_movein_resident_form_enter(struct form *f)
{
	struct cmd_movein_resident_form *rf = form_arg(f);

	form_set(f, "unit", rf->unit);
	return true;
}

static int cmd_movein_resident_form_name(struct form *f, const char *value)
{
	return cmd_movein_resident_form_text(f, "name", T(form_shell(f), "The name", "姓名"), value,
	                                     true);
}

static int cmd_movein_resident_form_age(struct form *f, const char *value)
{
	struct shell *sh = form_shell(f);
	char *end = NULL;
	long v;

	if (value[0] == '\0' || strcmp(value, "-") == 0) {
		form_set(f, "age", NULL);
		return FORM_NEXT;
	}
	errno = 0;
	v = strtol(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
	    v > RESIDENT_AGE_MAX) {
		shell_printf(sh, T(sh, "The age is a number from 0 to %d (empty: not given).\n",
		                   "年龄为 0 到 %d 的数字（留空：不填）。\n"),
		             RESIDENT_AGE_MAX);
		return FORM_AGAIN;
	}
	form_set(f, "age", value);
	return FORM_NEXT;
}

static void cmd_movein_resident_form_sex_help(struct form *f)
{
	shell_printf(form_shell(f), "%s\n",
	             T(form_shell(f), "male (or m, 男), female (or f, 女), empty: not given",
	               "男（male、m）、女（female、f），留空：不填"));
}

static int cmd_movein_resident_form_sex(struct form *f, const char *value)
{
	if (value[0] == '\0' || strcmp(value, "-") == 0)
		form_set(f, "sex", NULL);
	else if (strcmp(value, "male") == 0 || strcmp(value, "m") == 0 || strcmp(value, "男") == 0)
		form_set(f, "sex", "male");
	else if (strcmp(value, "female") == 0 || strcmp(value, "f") == 0 ||
	         strcmp(value, "女") == 0)
		form_set(f, "sex", "female");
	else {
		cmd_movein_resident_form_sex_help(f);
		return FORM_AGAIN;
	}
	return FORM_NEXT;
}

static int cmd_movein_resident_form_occupation(struct form *f, const char *value)
{
	return cmd_movein_resident_form_text(f, "occupation",
	                                     T(form_shell(f), "The occupation", "职业"), value, false);
}

static int cmd_movein_resident_form_employer(struct form *f, const char *value)
{
	return cmd_movein_resident_form_text(f, "employer", T(form_shell(f), "The employer", "工作单位"),
	                                     value, false);
}

static void cmd_movein_resident_form_relation_help(struct form *f)
{
	shell_printf(form_shell(f), "%s\n",
	             T(form_shell(f), "to the owner, e.g. 本人 (self), 配偶 (spouse), 子女 (child), "
	                              "父母 (parent), 租户 (tenant); empty: not given",
	               "与业主的关系，如 本人、配偶、子女、父母、租户；留空：不填"));
}

static int cmd_movein_resident_form_relation(struct form *f, const char *value)
{
	return cmd_movein_resident_form_text(f, "relation", T(form_shell(f), "The relation", "关系"),
	                                     value, false);
}

static void cmd_movein_resident_form_save_def(struct form *f, struct buf *out)
{
	(void)f;
	buf_puts(out, "y");
}

static bool cmd_movein_resident_form_save_enter(struct form *f)
{
	struct shell *sh = form_shell(f);
	const char *age = form_get(f, "age"), *sex = form_get(f, "sex");
	struct buf line;

	buf_init(&line);
	buf_printf(&line, "%s ", T(sh, "Resident of", "住户，单元"));
	shell_clean(&line, form_get(f, "unit"));
	buf_puts(&line, ": ");
	shell_clean(&line, form_get(f, "name"));
	buf_printf(&line, ", %s %s, %s ", T(sh, "age", "年龄"), age != NULL ? age : "-",
	           sex == NULL ? "-" : strcmp(sex, "male") == 0 ? T(sh, "male", "男")
	                                                          : T(sh, "female", "女"));
	shell_clean(&line, form_get(f, "occupation") != NULL ? form_get(f, "occupation") : "-");
	buf_puts(&line, " / ");
	shell_clean(&line, form_get(f, "employer") != NULL ? form_get(f, "employer") : "-");
	buf_puts(&line, " / ");
	shell_clean(&line, form_get(f, "relation") != NULL ? form_get(f, "relation") : "-");
	buf_putc(&line, '\n');
	shell_write(sh, 1, line.data, line.len);
	buf_free(&line);
	return true;
}

static int cmd_movein_resident_form_save(struct form *f, const char *value)
{
	struct shell *sh = form_shell(f);
	struct cmd_movein_resident_form *rf = form_arg(f);
	struct audit_ctx ctx;
	struct resident r;
	int64_t id = 0;
	int rc;

	if (strcmp(value, "n") == 0 || strcmp(value, "no") == 0 || strcmp(value, "否") == 0) {
		shell_printf(sh, "%s\n", T(sh, "Not registered.", "未登记。"));
		form_end(f, CMD_ERROR, true);
		return FORM_ENDED;
	}
	if (strcmp(value, "y") != 0 && strcmp(value, "yes") != 0 && strcmp(value, "是") != 0) {
		shell_printf(sh, "%s\n", T(sh, "y to register, n not to, < to go back.",
		                           "y 登记，n 不登记，< 返回修改。"));
		return FORM_AGAIN;
	}
	memset(&r, 0, sizeof r);
	r.unit = rf->unit;
	r.name = (char *)form_get(f, "name");
	r.age = form_get(f, "age") != NULL ? atoi(form_get(f, "age")) : -1;
	r.sex = (char *)form_get(f, "sex");
	r.occupation = (char *)form_get(f, "occupation");
	r.employer = (char *)form_get(f, "employer");
	r.relation = (char *)form_get(f, "relation");
	shell_audit_ctx(sh, &ctx);
	rc = store_resident_add(sh->host.store, &ctx, &r, &id);
	if (rc < 0) {
		if (rc == STORE_ENOENT)
			shell_errorf(sh, T(sh, "no unit `%s` in the register", "单元登记表中没有 `%s`"),
			             rf->unit);
		else
			shell_store_error(sh, rc);
		form_end(f, CMD_ERROR, true);
		return FORM_ENDED;
	}
	shell_printf(sh, T(sh, "Resident #%lld registered in %s.\n", "已登记住户 #%lld（单元 %s）。\n"),
	             (long long)id, rf->unit);
	form_end(f, CMD_OK, true);
	return FORM_ENDED;
}

static const struct form_step cmd_movein_resident_form_steps[] = {
    {"name", 0, "Name", "姓名", cmd_movein_resident_form_enter, NULL, NULL,
     cmd_movein_resident_form_name, NULL},
    {"age", 0, "Age (empty: not given)", "年龄（留空：不填）", NULL, NULL, NULL,
     cmd_movein_resident_form_age, NULL},
    {"sex", 0, "Sex (male, female)", "性别（男、女）", NULL, NULL,
     cmd_movein_resident_form_sex_help, cmd_movein_resident_form_sex, NULL},
    {"occupation", 0, "Occupation", "职业", NULL, NULL, NULL,
     cmd_movein_resident_form_occupation, NULL},
    {"employer", 0, "Employer", "工作单位", NULL, NULL, NULL, cmd_movein_resident_form_employer,
     NULL},
    {"relation", 0, "Relation to the owner", "与业主关系", NULL, NULL,
     cmd_movein_resident_form_relation_help, cmd_movein_resident_form_relation, NULL},
    {"save", 0, "Register (y/n)", "确认登记（y/n）", cmd_movein_resident_form_save_enter,
     cmd_movein_resident_form_save_def, NULL, cmd_movein_resident_form_save, NULL},
};

static const struct form_spec cmd_movein_resident_form_spec = {
    CMD_MOVEIN_RESIDENT_FORM_KIND,
    "resident",
    "住户登记",
    cmd_movein_resident_form_steps,
    sizeof cmd_movein_resident_form_steps / sizeof cmd_movein_resident_form_steps[0],
    cmd_movein_resident_form_free,
};

struct cmd_movein_resident_form_find {
	const char *unit;
	bool same;
};

static void cmd_movein_resident_form_draft_cb(void *arg, const char *key, const char *value)
{
	struct cmd_movein_resident_form_find *fd = arg;

	if (strcmp(key, "unit") == 0 && strcmp(value, fd->unit) == 0)
		fd->same = true;
}

int cmd_movein_resident_form_run(struct shell *sh, const char *unit)
{
	struct cmd_movein_resident_form_find fd = {unit, false};
	struct cmd_movein_resident_form *rf;
	struct draft d;
	struct unit u;
	int rc;

	rc = store_unit_get(sh->host.store, unit, &u);
	store_unit_clear(&u);
	if (rc == STORE_ENOENT) {
		shell_errorf(sh, T(sh, "no unit `%s` in the register", "单元登记表中没有 `%s`"), unit);
		return CMD_ERROR;
	}
	if (rc < 0)
		return shell_store_error(sh, rc);
	rf = calloc(1, sizeof *rf);
	if (rf == NULL)
		abort();
	rf->unit = strdup(unit);
	if (rf->unit == NULL)
		abort();
	/* A resident of this unit being registered when the connection dropped: resumed. */
	memset(&d, 0, sizeof d);
	if (store_draft_load(sh->host.store, sh->user.name, CMD_MOVEIN_RESIDENT_FORM_KIND, &d) == 0 &&
	    form_draft_parse(d.data, cmd_movein_resident_form_draft_cb, &fd) == 0 && fd.same)
		shell_printf(sh, "%s\n",
		             T(sh, "Resuming the resident's form where it stopped.",
		               "从上次中断处继续登记住户。"));
	rc = form_start(sh, &cmd_movein_resident_form_spec, rf, fd.same ? d.data : NULL);
	store_draft_clear(&d);
	return rc;
}
