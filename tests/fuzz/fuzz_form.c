/* libFuzzer target for the guided form (shell/form.c) as an agent drives it: the real
 * `complaint new` form (shell/cmd/cmd_complaint_new.c, the real catalogs of etc/) in an interactive
 * shell against an in-memory store, fed arbitrary keystrokes in chunks: answers in any
 * language and encoding, `?`, `<`, Ctrl-C and the discard question, Ctrl-D, multi-line text,
 * escape sequences. Optionally a draft (arbitrary bytes) is left in the store first, so the
 * login offers to resume it and the draft parser reads it.
 * Input: [DRAFT NUL] FLAGS KEYSTROKES. Without a NUL there is no draft and "complaint new" is
 * typed first. FLAGS: bit 0 English, bit 1 colour prompt, bits 2-4 the terminal width.
 * Checks: no crash, no leak; exit called at most once and no output after it; every output
 * is valid UTF-8 with no C1 controls, no C0 controls but CR, LF, BEL and tab, and escape
 * sequences only of the few forms the shell itself writes (colours, erase line, cursor
 * right, clear screen), so nothing from the input reaches the terminal raw; every key the
 * draft parser reports is valid UTF-8; after every chunk the saved draft (if any) parses as
 * the form's flat JSON object with a "_step", and, when the run did not start from a planted
 * draft, holds only valid UTF-8 without control characters but newline and tab (what the line
 * editor lets through); a complaint saved by the form holds clean text too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "catalog.h"
#include "cmd_groups.h"
#include "form.h"
#include "shell.h"
#include "store.h"
#include "store_account.h"
#include "store_complaint.h"
#include "store_draft.h"
#include "store_schema.h"
#include "utf8.h"

#ifndef FUZZ_FORM_ETC
#error "FUZZ_FORM_ETC (the catalogs directory) must be defined"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FORM_USER "agent1"
#define FUZZ_FORM_KIND "complaint"
#define FUZZ_FORM_RESET_RUNS 1000 /* a fresh store now and then: the audit trail grows */

struct fuzz_form_host {
	struct shell *sh;
	int exits;
};

static struct store *fuzz_form_store;
static struct catalog *fuzz_form_catalog;
static unsigned long fuzz_form_runs;

/* Is out[i..] one of the sequences the shell and line editor write? Returns its length, or 0.
 * ESC [ K, ESC [ n C, ESC [ n A (up, redrawing a line after a resize), ESC [ H, ESC [ J,
 * ESC [ 2 J, ESC [ n;n...m, and bracketed paste on and off (ESC [ ? 2004 h / l). */
static size_t fuzz_form_known_escape(const char *s, size_t len)
{
	size_t j = 2, digits = 0;

	if (len >= 8 && (memcmp(s, "\x1b[?2004h", 8) == 0 || memcmp(s, "\x1b[?2004l", 8) == 0))
		return 8;
	if (len < 3 || s[0] != 0x1b || s[1] != '[')
		return 0;
	while (j < len && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) {
		j++;
		digits++;
	}
	if (j == len || digits > 12)
		return 0;
	switch (s[j]) {
	case 'K':
	case 'H':
		return digits == 0 ? j + 1 : 0;
	case 'J':
		return digits == 0 || (digits == 1 && s[2] == '2') ? j + 1 : 0;
	case 'A':
	case 'C':
	case 'm':
		return j + 1;
	default:
		return 0;
	}
}

static void fuzz_form_check_output(const char *buf, size_t len)
{
	size_t i = 0;

	if (!utf8_valid(buf, len))
		abort();
	while (i < len) {
		unsigned char c = (unsigned char)buf[i];
		uint32_t cp = 0;
		int r;

		if (c == 0x1b) {
			size_t n = fuzz_form_known_escape(buf + i, len - i);

			if (n == 0)
				abort(); /* an escape sequence the shell does not write */
			i += n;
			continue;
		}
		r = utf8_decode((const unsigned char *)buf + i, len - i, &cp);
		if (r <= 0)
			abort();
		if ((cp < 0x20 && cp != '\r' && cp != '\n' && cp != '\a' && cp != '\t') ||
		    (cp >= 0x7f && cp <= 0x9f))
			abort();
		i += (size_t)r;
	}
}

static void fuzz_form_write(void *ctx, int stream, const char *buf, size_t len)
{
	struct fuzz_form_host *h = ctx;

	if (h->exits > 0 || (stream != 1 && stream != 2))
		abort();
	fuzz_form_check_output(buf, len);
}

static void fuzz_form_exit(void *ctx, int status)
{
	struct fuzz_form_host *h = ctx;

	(void)status;
	if (++h->exits > 1)
		abort();
}

static struct catalog *fuzz_form_catalog_cb(void *ctx)
{
	(void)ctx;
	catalog_ref(fuzz_form_catalog);
	return fuzz_form_catalog;
}

/* Text the line editor lets through: valid UTF-8, no control characters but newline / tab. */
static bool fuzz_form_clean(const char *s)
{
	size_t len, i = 0;

	if (s == NULL)
		return true;
	len = strlen(s);
	if (!utf8_valid(s, len))
		return false;
	while (i < len) {
		uint32_t cp = 0;
		int r = utf8_decode((const unsigned char *)s + i, len - i, &cp);

		if (r <= 0 || (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += (size_t)r;
	}
	return true;
}

struct fuzz_form_draft {
	bool clean; /* every value must be clean */
	bool step;  /* "_step" seen */
};

static void fuzz_form_draft_cb(void *arg, const char *key, const char *value)
{
	struct fuzz_form_draft *d = arg;

	if (!utf8_valid(key, strlen(key)) || !utf8_valid(value, strlen(value)))
		abort();
	if (strcmp(key, "_step") == 0)
		d->step = true;
	if (d->clean && (!fuzz_form_clean(key) || !fuzz_form_clean(value)))
		abort();
}

/* The draft the form saved (if any) is the form's encoding, clean unless planted. */
static void fuzz_form_check_draft(bool planted)
{
	struct fuzz_form_draft d = {!planted, false};
	struct draft dr;

	memset(&dr, 0, sizeof dr);
	if (store_draft_load(fuzz_form_store, FUZZ_FORM_USER, FUZZ_FORM_KIND, &dr) == 0) {
		if (!planted) {
			if (form_draft_parse(dr.data, fuzz_form_draft_cb, &d) != 0 || !d.step)
				abort();
		} else {
			/* A planted draft may stay as planted (not resumed yet). */
			(void)form_draft_parse(dr.data, fuzz_form_draft_cb, &d);
		}
	}
	store_draft_clear(&dr);
}

/* The complaints saved during the run (by the form, or commands typed after it) hold clean
 * text. */
static void fuzz_form_check_complaints(int64_t before)
{
	struct complaint_filter f;
	struct complaint *list = NULL;
	int64_t n = 0;
	size_t got = 0, i, k;

	if (store_complaint_count(fuzz_form_store, NULL, &n) != 0 || n < before)
		abort();
	if (n == before)
		return;
	memset(&f, 0, sizeof f);
	f.limit = (size_t)(n - before);
	if (store_complaint_list(fuzz_form_store, &f, &list, &got) != 0 || got != f.limit)
		abort();
	for (k = 0; k < got; k++) {
		struct complaint c;

		memset(&c, 0, sizeof c);
		if (store_complaint_get(fuzz_form_store, list[k].number, &c, true) != 0)
			abort();
		if (!fuzz_form_clean(c.unit) || !fuzz_form_clean(c.caller) ||
		    !fuzz_form_clean(c.words) || !fuzz_form_clean(c.dialect) ||
		    !fuzz_form_clean(c.outcome) || !fuzz_form_clean(c.phone))
			abort();
		for (i = 0; i < c.npromises; i++)
			if (!fuzz_form_clean(c.promises[i].what) || c.promises[i].due_ms <= 0)
				abort();
		store_complaint_clear(&c);
	}
	store_complaint_list_free(list, got);
}

static void fuzz_form_store_open(void)
{
	static const struct audit_ctx ctx = {"fuzz", "admin", "f", "-", "cli"};
	struct account a;

	if (fuzz_form_store != NULL)
		store_close(fuzz_form_store);
	fuzz_form_store = NULL;
	if (store_open(":memory:", 0, 100, &fuzz_form_store) != 0 ||
	    store_schema_migrate(fuzz_form_store) != 0)
		abort();
	memset(&a, 0, sizeof a);
	a.name = FUZZ_FORM_USER;
	a.display = "王客服";
	a.role = ROLE_AGENT;
	a.lang = "zh";
	a.pwhash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
	if (store_account_add(fuzz_form_store, &ctx, &a) != 0)
		abort();
}

static void fuzz_form_init(void)
{
	char *err = NULL;

	if (fuzz_form_catalog == NULL) {
		if (sodium_init() < 0 || catalog_load(FUZZ_FORM_ETC, &fuzz_form_catalog, &err) != 0)
			abort();
	}
	if (fuzz_form_store == NULL || fuzz_form_runs % FUZZ_FORM_RESET_RUNS == 0)
		fuzz_form_store_open();
	fuzz_form_runs++;
}

static void fuzz_form_feed(struct fuzz_form_host *h, const char *s, size_t len, bool planted)
{
	shell_feed(h->sh, s, len);
	fuzz_form_check_draft(planted);
}

static void fuzz_form_run(const char *draft, const uint8_t *data, size_t size)
{
	struct fuzz_form_host h;
	struct shell_host host;
	struct shell_user user = {1, FUZZ_FORM_USER, "王客服", ROLE_AGENT, "zh", NULL};
	struct shell_opts opts;
	unsigned flags = size > 0 ? data[0] : 0;
	int64_t before = 0;
	size_t i = size > 0 ? 1 : 0;

	/* A fresh start: no draft from an earlier input, or the planted one. */
	(void)store_draft_delete(fuzz_form_store, FUZZ_FORM_USER, FUZZ_FORM_KIND);
	if (draft != NULL) {
		struct fuzz_form_draft d = {false, false};

		(void)form_draft_parse(draft, fuzz_form_draft_cb, &d);
		(void)store_draft_save(fuzz_form_store, FUZZ_FORM_USER, FUZZ_FORM_KIND, draft, 0);
	}
	if (store_complaint_count(fuzz_form_store, NULL, &before) != 0)
		abort();
	memset(&h, 0, sizeof h);
	memset(&host, 0, sizeof host);
	host.ctx = &h;
	host.store = fuzz_form_store;
	host.write = fuzz_form_write;
	host.exit = fuzz_form_exit;
	host.catalog = fuzz_form_catalog_cb;
	memset(&opts, 0, sizeof opts);
	opts.session_id = "fuzz";
	opts.peer = "127.0.0.1:1";
	opts.transport = "ssh";
	opts.env_lang = (flags & 1) ? "en_US.UTF-8" : "zh_CN.UTF-8";
	opts.color = (flags & 2) != 0;
	opts.cols = 20 + 10 * (int)((flags >> 2) & 7);
	opts.rows = 24;
	opts.max_line = 512;
	opts.commands = &cmd_registry;
	opts.max_stdin = 512;
	h.sh = shell_new(&host, &user, &opts);
	if (h.sh == NULL)
		abort();
	shell_start(h.sh);
	if (draft == NULL)
		fuzz_form_feed(&h, "complaint new\r", 14, false);
	/* Chunks of 1..16 bytes, as a terminal sends keys and pastes. */
	while (i < size && h.exits == 0) {
		size_t n = 1 + data[i] % 16;

		if (n > size - i)
			n = size - i;
		fuzz_form_feed(&h, (const char *)data + i, n, draft != NULL);
		i += n;
	}
	fuzz_form_check_complaints(before);
	if (h.exits == 0) {
		shell_resize(h.sh, 30, 10);
		shell_notice(h.sh, "fuzz", "通知\x1b[2J");
		shell_eof(h.sh);
	}
	fuzz_form_check_draft(draft != NULL);
	shell_free(h.sh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul;
	char *draft;

	fuzz_form_init();
	nul = memchr(data, 0, size);
	if (nul == NULL) {
		fuzz_form_run(NULL, data, size);
		return 0;
	}
	/* "DRAFT\0FLAGS KEYS": a planted draft. */
	draft = strndup((const char *)data, (size_t)(nul - data));
	if (draft == NULL)
		abort();
	fuzz_form_run(draft, nul + 1, size - (size_t)(nul - data) - 1);
	free(draft);
	return 0;
}
