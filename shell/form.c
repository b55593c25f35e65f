/* form — guided forms on line prompts, with a draft saved after every step. */
#include "form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "shell_int.h"
#include "xalloc.h"
#include "utf8.h"

#define FORM_HIST_MAX 64
#define FORM_DEFAULT_COLS 60 /* the widest default shown in a prompt */

struct form_kv {
	char *key, *value;
};

struct form {
	struct shell *sh;
	const struct form_spec *spec;
	void *arg;
	size_t cur;
	int hist[FORM_HIST_MAX]; /* the steps answered before, for back */
	size_t nhist;
	struct form_kv kv[FORM_VALUES_MAX];
	size_t nkv;
	struct buf text; /* a multi-line answer being typed */
	size_t text_lines;
	bool confirming; /* asked "discard?" */
};

static void form_ask(struct form *f);

/* --- values ----------------------------------------------------------------------------- */

static struct form_kv *form_find(struct form *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nkv; i++)
		if (strcmp(f->kv[i].key, key) == 0)
			return &f->kv[i];
	return NULL;
}

const char *form_get(struct form *f, const char *key)
{
	struct form_kv *kv = form_find(f, key);

	return kv != NULL ? kv->value : NULL;
}

void form_set(struct form *f, const char *key, const char *value)
{
	struct form_kv *kv = form_find(f, key);

	if (kv != NULL) {
		/* Copied before the old value goes: value may be form_get's answer for key. */
		char *copy = value != NULL ? xalloc_strdup(value) : NULL;

		free(kv->value);
		if (copy != NULL) {
			kv->value = copy;
			return;
		}
		free(kv->key);
		*kv = f->kv[--f->nkv];
		return;
	}
	if (value == NULL)
		return;
	if (f->nkv == FORM_VALUES_MAX)
		abort(); /* the steps decide the keys: a programming error */
	f->kv[f->nkv].key = xalloc_strdup(key);
	f->kv[f->nkv].value = xalloc_strdup(value);
	f->nkv++;
}

struct shell *form_shell(struct form *f)
{
	return f->sh;
}

void *form_arg(struct form *f)
{
	return f->arg;
}

const char *form_current_key(struct form *f)
{
	return f->cur < f->spec->nsteps ? f->spec->steps[f->cur].key : "";
}

int form_step_index(struct form *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->spec->nsteps; i++)
		if (strcmp(f->spec->steps[i].key, key) == 0)
			return (int)i;
	abort();
}

/* --- the draft: a flat JSON object of strings ------------------------------------------- */

static void form_draft_encode(struct form *f, struct buf *out)
{
	struct json j;
	struct buf hist;
	size_t i;

	buf_init(&hist);
	for (i = 0; i < f->nhist; i++)
		buf_printf(&hist, "%s%d", i ? " " : "", f->hist[i]);
	json_init(&j, out);
	json_object_begin(&j);
	json_kv_string(&j, "_step", f->cur < f->spec->nsteps ? f->spec->steps[f->cur].key : "");
	json_kv_string(&j, "_hist", buf_cstr(&hist));
	/* The lines of a multi-line answer typed so far: a dropped connection keeps them. */
	if (f->text_lines > 0)
		json_kv_string(&j, "_text", buf_cstr(&f->text));
	for (i = 0; i < f->nkv; i++)
		json_kv_string(&j, f->kv[i].key, f->kv[i].value);
	json_object_end(&j);
	buf_free(&hist);
}

static const char *form_json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int form_json_hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A JSON string at *pp (at its opening quote) into out; *pp moves past it. */
static int form_json_string(const char **pp, struct buf *out)
{
	const char *p = *pp;

	buf_reset(out);
	buf_puts(out, "");
	if (*p++ != '"')
		return -1;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		uint32_t cp, lo;
		char enc[4];
		int n;

		if (c == '\0' || c < 0x20)
			return -1;
		if (c != '\\') {
			buf_putc(out, (char)c);
			p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"':
			buf_putc(out, '"');
			break;
		case '\\':
			buf_putc(out, '\\');
			break;
		case '/':
			buf_putc(out, '/');
			break;
		case 'b':
			buf_putc(out, '\b');
			break;
		case 'f':
			buf_putc(out, '\f');
			break;
		case 'n':
			buf_putc(out, '\n');
			break;
		case 'r':
			buf_putc(out, '\r');
			break;
		case 't':
			buf_putc(out, '\t');
			break;
		case 'u':
			if (form_json_hex4(p + 1, &cp) < 0)
				return -1;
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p[1] != '\\' || p[2] != 'u' || form_json_hex4(p + 3, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return -1;
			}
			n = utf8_encode(cp, enc);
			if (n <= 0)
				return -1;
			buf_append(out, enc, (size_t)n);
			break;
		default:
			return -1;
		}
		p++;
	}
	*pp = p + 1;
	return utf8_valid(out->data, out->len) ? 0 : -1;
}

int form_draft_parse(const char *data, void (*cb)(void *arg, const char *key, const char *value),
                     void *arg)
{
	const char *p = form_json_ws(data != NULL ? data : "");
	struct buf key, value;
	int rc = -1;

	buf_init(&key);
	buf_init(&value);
	if (*p++ != '{')
		goto out;
	p = form_json_ws(p);
	if (*p == '}') {
		rc = form_json_ws(p + 1)[0] == '\0' ? 0 : -1;
		goto out;
	}
	for (;;) {
		if (form_json_string(&p, &key) < 0)
			goto out;
		p = form_json_ws(p);
		if (*p++ != ':')
			goto out;
		p = form_json_ws(p);
		if (form_json_string(&p, &value) < 0)
			goto out;
		if (cb != NULL)
			cb(arg, buf_cstr(&key), buf_cstr(&value));
		p = form_json_ws(p);
		if (*p == ',') {
			p = form_json_ws(p + 1);
			continue;
		}
		if (*p++ != '}')
			goto out;
		rc = form_json_ws(p)[0] == '\0' ? 0 : -1;
		goto out;
	}
out:
	buf_free(&key);
	buf_free(&value);
	return rc;
}

/* Draft keys are taken over as values, except the engine's own. */
struct form_load {
	struct form *f;
	char *step, *hist, *text;
	size_t nvalues;
};

static void form_load_cb(void *arg, const char *key, const char *value)
{
	struct form_load *l = arg;

	if (strcmp(key, "_step") == 0) {
		free(l->step);
		l->step = xalloc_strdup(value);
	} else if (strcmp(key, "_hist") == 0) {
		free(l->hist);
		l->hist = xalloc_strdup(value);
	} else if (strcmp(key, "_text") == 0) {
		free(l->text);
		l->text = xalloc_strdup(value);
	} else if (key[0] != '_' && (form_find(l->f, key) != NULL || l->f->nkv < FORM_VALUES_MAX)) {
		form_set(l->f, key, value);
		l->nvalues++;
	}
}

/* Takes a draft over: values, step and history. -1 when it is unreadable. */
static int form_load(struct form *f, const char *data)
{
	struct form_load l = {.f = f};
	size_t i;
	int rc = form_draft_parse(data, form_load_cb, &l);

	if (rc == 0 && l.step != NULL) {
		for (i = 0; i < f->spec->nsteps; i++)
			if (strcmp(f->spec->steps[i].key, l.step) == 0)
				f->cur = i;
	}
	if (rc == 0 && l.hist != NULL) {
		const char *p = l.hist;

		while (*p != '\0' && f->nhist < FORM_HIST_MAX) {
			char *end;
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			if (v >= 0 && (size_t)v < f->spec->nsteps && (size_t)v != f->cur)
				f->hist[f->nhist++] = (int)v;
			p = end;
		}
	}
	/* Lines typed into a multi-line step before the draft was saved: that step goes on from
	 * them. */
	if (rc == 0 && l.text != NULL && l.text[0] != '\0' && f->cur < f->spec->nsteps &&
	    (f->spec->steps[f->cur].flags & FORM_TEXT) && strlen(l.text) <= FORM_TEXT_MAX) {
		const char *p;

		buf_reset(&f->text);
		buf_puts(&f->text, l.text);
		f->text_lines = 1;
		for (p = l.text; *p != '\0'; p++)
			if (*p == '\n')
				f->text_lines++;
	}
	free(l.step);
	free(l.hist);
	free(l.text);
	return rc;
}

/* Whether a loaded draft may be resumed: every step before the furthest one it can reach (its
 * step, or one of its back history) passes its check. */
static bool form_resumable(struct form *f)
{
	size_t reach = f->cur, i;

	for (i = 0; i < f->nhist; i++)
		if ((size_t)f->hist[i] > reach)
			reach = (size_t)f->hist[i];
	for (i = 0; i < reach && i < f->spec->nsteps; i++) {
		const struct form_step *s = &f->spec->steps[i];

		if (s->check != NULL && !s->check(f))
			return false;
	}
	return true;
}

/* Forgets a loaded draft: no values, back at the first step. */
static void form_forget(struct form *f)
{
	size_t i;

	for (i = 0; i < f->nkv; i++) {
		free(f->kv[i].key);
		free(f->kv[i].value);
	}
	f->nkv = 0;
	f->nhist = 0;
	f->cur = 0;
	buf_reset(&f->text);
	f->text_lines = 0;
}

static void form_draft_save(struct form *f)
{
	struct shell *sh = f->sh;
	struct buf data;
	int rc;

	buf_init(&data);
	form_draft_encode(f, &data);
	rc = shell_store_ops(sh)->draft_save(sh->host.store, sh->user.name, f->spec->kind,
	                                     sh->opts.session_id, buf_cstr(&data), (int)f->cur);
	if (rc == CMD_STORE_ELSEWHERE)
		shell_errorf(sh, "%s",
		             T(sh,
		               "(not kept as a draft: your draft of this form is open in another "
		               "session)",
		               "（未存为草稿：您这张表单的草稿正在另一个会话中打开）"));
	else if (rc < 0)
		shell_errorf(sh,
		             T(sh, "(the draft could not be saved: %s)", "（草稿未能保存：%s）"),
		             shell_store_strerror(sh, rc));
	buf_free(&data);
}

/* --- the engine --------------------------------------------------------------------------- */

static void form_free(struct form *f)
{
	size_t i;

	if (f == NULL)
		return;
	/* The form is closed (ended, cancelled, or its session gone): its draft, if kept, may be
	 * resumed in another session. */
	if (f->sh->host.store != NULL && f->sh->opts.session_id != NULL)
		(void)shell_store_ops(f->sh)->draft_release(f->sh->host.store, f->sh->user.name,
		                                            f->spec->kind, f->sh->opts.session_id);
	for (i = 0; i < f->nkv; i++) {
		free(f->kv[i].key);
		free(f->kv[i].value);
	}
	buf_free(&f->text);
	if (f->spec->free_arg != NULL)
		f->spec->free_arg(f->arg);
	free(f);
}

static void form_free_cb(void *p)
{
	form_free(p);
}

static struct form *form_of(struct shell *sh)
{
	return sh->state_free == form_free_cb ? sh->state : NULL;
}

void form_end(struct form *f, int status, bool delete_draft)
{
	struct shell *sh = f->sh;

	if (delete_draft) {
		/* Never another session's: that one's form goes on with it. */
		int rc = shell_store_ops(sh)->draft_delete(sh->host.store, sh->user.name,
		                                           f->spec->kind, sh->opts.session_id);

		if (rc < 0)
			shell_errorf(
			    sh,
			    T(sh, "(the draft could not be deleted: %s)", "（草稿未能删除：%s）"),
			    shell_store_strerror(sh, rc));
	}
	/* The shell frees f with the command's state. */
	shell_cmd_done(sh, status);
}

static const struct form_step *form_step(struct form *f)
{
	return &f->spec->steps[f->cur];
}

static const char *form_prompt_text(struct form *f, const struct form_step *s)
{
	return T(f->sh, s->prompt_en, s->prompt_zh);
}

static void form_line_cb(struct shell *sh, const char *line);

/* The default of the current step: its earlier answer, or the step's own default. */
static void form_default(struct form *f, struct buf *out)
{
	const struct form_step *s = form_step(f);
	const char *v = form_get(f, s->key);

	buf_reset(out);
	buf_puts(out, "");
	if (v != NULL)
		buf_puts(out, v);
	else if (s->def != NULL)
		s->def(f, out);
}

static void form_prompt(struct form *f)
{
	struct shell *sh = f->sh;
	const struct form_step *s = form_step(f);
	struct buf p, def;

	sh->step = s->key; /* what the session is doing now, for the monitor */
	buf_init(&p);
	buf_init(&def);
	if (s->flags & FORM_TEXT) {
		if (f->text_lines == 0) {
			form_default(f, &def);
			shell_printf(sh, "%s%s\n", form_prompt_text(f, s),
			             T(sh, " (end with a line holding a single \".\")",
			               "（以只含一个 \".\" 的一行结束）"));
			if (def.len > 0) {
				struct buf clean;

				buf_init(&clean);
				shell_clean(&clean, buf_cstr(&def));
				shell_printf(sh,
				             T(sh, "Now: %s\n(a single \".\" keeps it)\n",
				               "当前内容：%s\n（直接输入 \".\" 保留）\n"),
				             buf_cstr(&clean));
				buf_free(&clean);
			}
		}
		shell_read_line(sh, "  > ", false, form_line_cb);
		buf_free(&p);
		buf_free(&def);
		return;
	}
	form_default(f, &def);
	buf_puts(&p, form_prompt_text(f, s));
	if (def.len > 0) {
		struct buf clean;
		size_t cut;

		buf_init(&clean);
		shell_clean(&clean, buf_cstr(&def));
		cut = utf8_prefix_for_width(clean.data, clean.len, FORM_DEFAULT_COLS);
		buf_puts(&p, " [");
		buf_append(&p, clean.data, cut);
		if (cut < clean.len)
			buf_puts(&p, "…");
		buf_putc(&p, ']');
		buf_free(&clean);
	}
	buf_puts(&p, T(sh, ": ", "："));
	shell_read_line(sh, buf_cstr(&p), false, form_line_cb);
	buf_free(&p);
	buf_free(&def);
}

/* Shows the current step, skipping those whose enter says so. */
static void form_ask(struct form *f)
{
	for (;;) {
		const struct form_step *s;

		if (f->cur >= f->spec->nsteps) {
			/* The last step always ends the form; running off the end is a bug in a
			 * spec, not something a user can cause. */
			abort();
		}
		s = form_step(f);
		if (s->enter == NULL || s->enter(f))
			break;
		f->cur++;
		form_draft_save(f);
	}
	form_prompt(f);
}

static bool form_is(const char *line, const char *a, const char *b)
{
	return strcmp(line, a) == 0 || (b != NULL && strcmp(line, b) == 0);
}

/* Trims spaces (ASCII and U+3000) at both ends into out. */
static void form_trim(const char *s, struct buf *out)
{
	size_t len = strlen(s);

	for (;;) {
		if (len > 0 && (s[0] == ' ' || s[0] == '\t')) {
			s++;
			len--;
		} else if (len >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0) {
			s += 3;
			len -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		else if (len >= 3 && memcmp(s + len - 3, "\xe3\x80\x80", 3) == 0)
			len -= 3;
		else
			break;
	}
	buf_reset(out);
	buf_append(out, s, len);
	buf_puts(out, "");
}

static void form_back(struct form *f)
{
	buf_reset(&f->text);
	f->text_lines = 0;
	if (f->nhist == 0) {
		shell_printf(f->sh, "%s\n", T(f->sh, "This is the first step.", "已经是第一步。"));
		form_prompt(f);
		return;
	}
	f->cur = (size_t)f->hist[--f->nhist];
	form_draft_save(f);
	form_ask(f);
}

static void form_help(struct form *f)
{
	const struct form_step *s = form_step(f);

	if (s->help != NULL)
		s->help(f);
	shell_printf(f->sh, "%s\n",
	             T(f->sh, "(Enter takes the value in [brackets]; < goes back; Ctrl-C cancels)",
	               "（直接回车采用 [ ] 中的默认值；< 返回上一步；Ctrl-C 取消）"));
	form_prompt(f);
}

/* The answer to the current step. */
static void form_answer(struct form *f, const char *value)
{
	int next = form_step(f)->accept(f, value);

	if (next == FORM_ENDED)
		return;
	buf_reset(&f->text);
	f->text_lines = 0;
	if (next == FORM_AGAIN) {
		form_prompt(f);
		return;
	}
	if (f->nhist == FORM_HIST_MAX) {
		memmove(f->hist, f->hist + 1, (FORM_HIST_MAX - 1) * sizeof f->hist[0]);
		f->nhist--;
	}
	f->hist[f->nhist++] = (int)f->cur;
	f->cur = next == FORM_NEXT ? f->cur + 1 : (size_t)next;
	form_draft_save(f);
	form_ask(f);
}

/* A line of a multi-line answer. */
static void form_text_line(struct form *f, const char *line)
{
	struct buf def;

	if (strcmp(line, ".") != 0) {
		if (f->text.len + strlen(line) + 1 > FORM_TEXT_MAX) {
			shell_errorf(f->sh,
			             T(f->sh,
			               "too long (at most %d bytes): that line was not taken",
			               "内容过长（最多 %d 字节）：这一行未被录入"),
			             FORM_TEXT_MAX);
		} else {
			if (f->text_lines > 0)
				buf_putc(&f->text, '\n');
			buf_puts(&f->text, line);
			f->text_lines++;
			form_draft_save(f);
		}
		form_prompt(f);
		return;
	}
	/* The end: blank lines around the text do not count. */
	buf_init(&def);
	if (f->text_lines == 0) {
		form_default(f, &def);
	} else {
		size_t start = 0, end = f->text.len;

		while (start < end && (f->text.data[start] == '\n' || f->text.data[start] == ' '))
			start++;
		while (end > start &&
		       (f->text.data[end - 1] == '\n' || f->text.data[end - 1] == ' '))
			end--;
		buf_append(&def, f->text.data + start, end - start);
		buf_puts(&def, "");
	}
	form_answer(f, buf_cstr(&def));
	buf_free(&def);
}

static void form_discard_answer(struct form *f, const char *line)
{
	struct shell *sh = f->sh;
	struct buf a;
	bool yes;

	f->confirming = false;
	buf_init(&a);
	form_trim(line != NULL ? line : "", &a);
	yes = form_is(buf_cstr(&a), "y", "Y") || form_is(buf_cstr(&a), "yes", "是");
	buf_free(&a);
	if (yes) {
		shell_printf(
		    sh, T(sh, "Discarded: nothing was saved.\n", "已放弃，未保存任何内容。\n"));
		form_end(f, CMD_ERROR, true);
		return;
	}
	shell_printf(sh, "%s\n", T(sh, "Continuing.", "继续填写。"));
	form_prompt(f);
}

static void form_line_cb(struct shell *sh, const char *line)
{
	struct form *f = form_of(sh);
	const struct form_step *s;
	struct buf v;

	if (f == NULL)
		return;
	if (f->confirming) {
		form_discard_answer(f, line);
		return;
	}
	if (line == NULL) {
		struct buf p;

		f->confirming = true;
		buf_init(&p);
		if (shell_is_zh(sh))
			buf_printf(&p, "放弃这条%s？(y/N) ",
			           f->spec->what_zh != NULL ? f->spec->what_zh : "记录");
		else
			buf_printf(&p, "discard this %s? (y/N) ",
			           f->spec->what_en != NULL ? f->spec->what_en : "form");
		shell_read_line(sh, buf_cstr(&p), false, form_line_cb);
		buf_free(&p);
		return;
	}
	s = form_step(f);
	buf_init(&v);
	form_trim(line, &v);
	if ((!(s->flags & FORM_TEXT) || f->text_lines == 0) && form_is(buf_cstr(&v), "?", "？")) {
		buf_free(&v);
		form_help(f);
		return;
	}
	if ((!(s->flags & FORM_TEXT) || f->text_lines == 0) &&
	    (form_is(buf_cstr(&v), "<", "back") || strcmp(buf_cstr(&v), "返回") == 0)) {
		buf_free(&v);
		form_back(f);
		return;
	}
	if (s->flags & FORM_TEXT) {
		buf_free(&v);
		form_text_line(f, line);
		return;
	}
	if (v.len == 0)
		form_default(f, &v);
	form_answer(f, buf_cstr(&v));
	buf_free(&v);
}

int form_start(struct shell *sh, const struct form_spec *spec, void *arg, const char *data)
{
	struct form *f;

	if (!sh->interactive || sh->state != NULL || spec->nsteps == 0) {
		if (spec->free_arg != NULL)
			spec->free_arg(arg);
		shell_errorf(sh, "%s",
		             T(sh, "a guided form needs an interactive session",
		               "引导式表单需要交互式会话"));
		return CMD_ERROR;
	}
	f = calloc(1, sizeof *f);
	if (f == NULL)
		abort();
	f->sh = sh;
	f->spec = spec;
	f->arg = arg;
	buf_init(&f->text);
	/* The form is the command's state before a step's check runs (a check may use the
	 * shell, and the form is freed with it). */
	sh->state = f;
	sh->state_free = form_free_cb;
	if (data != NULL && form_load(f, data) < 0) {
		form_forget(f);
		shell_printf(sh, "%s\n",
		             T(sh, "The draft could not be read: starting afresh.",
		               "草稿无法读取，重新开始填写。"));
	} else if (data != NULL && !form_resumable(f)) {
		form_forget(f);
		shell_printf(sh, "%s\n",
		             T(sh,
		               "The saved draft could not be resumed (answers are missing or no "
		               "longer valid): starting afresh.",
		               "保存的草稿无法继续填写（缺少回答或回答已无效），重新开始填写。"));
	}
	if (f->text_lines > 0) {
		struct buf clean;

		/* Resumed in the middle of a multi-line answer: what it holds so far. */
		buf_init(&clean);
		utf8_sanitize(&clean, f->text.data, f->text.len, UTF8_KEEP_NEWLINES);
		shell_printf(sh,
		             T(sh, "Typed so far at this step (%zu line(s)); go on below:\n%s\n",
		               "这一步已输入（%zu 行），请接着输入：\n%s\n"),
		             (size_t)f->text_lines, buf_cstr(&clean));
		buf_free(&clean);
	}
	shell_printf(sh, "%s\n",
	             T(sh,
	               "Enter takes the [default]; ? shows the choices; < goes back; Ctrl-C "
	               "cancels.",
	               "直接回车采用 [默认值]；输入 ? 查看选项；< 返回上一步；Ctrl-C 取消。"));
	form_ask(f);
	return CMD_PENDING;
}
