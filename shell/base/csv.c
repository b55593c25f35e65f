/* csv — an incremental RFC 4180 CSV parser (see csv.h). One byte at a time through a small
 * state machine, so that a chunk may end anywhere; the fields of the record being read are
 * kept NUL-separated in one buffer bounded by max_field * max_fields. */
#include "csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define CSV_MAX_FIELDS_LIMIT 4096

enum csv_state {
	CSV_S_FIELD,    /* at the start of a field */
	CSV_S_UNQUOTED, /* inside an unquoted field */
	CSV_S_QUOTED,   /* inside a quoted field */
	CSV_S_QUOTE,    /* a quote inside a quoted field: the closing one, or the first of "" */
	CSV_S_AFTER     /* spaces after the closing quote */
};

static const unsigned char csv_bom[3] = {0xef, 0xbb, 0xbf};

struct csv {
	size_t max_field, max_fields;
	csv_row_fn fn;
	void *arg;
	enum csv_state state;
	int err;           /* sticky error, 0 */
	unsigned bom;      /* bytes of a BOM matched at the start; 3 once decided */
	bool started;      /* some byte (after any BOM) was seen */
	size_t line;       /* the current physical line */
	bool nl_pending;   /* the last byte ended a line: the next one is on the next line */
	bool prev_cr;      /* the last byte was CR (CR LF is one line break) */
	bool skip_lf;      /* a record ended on CR: a LF right after belongs to it */
	bool in_record;    /* a byte of the current record was read */
	bool spaces_only;  /* unquoted: the field so far is spaces and tabs only */
	size_t rec_line;   /* the line the current record started on */
	size_t quote_line; /* the line of the open quote */
	size_t err_line, err_col;
	struct buf rec;    /* the current record's fields, each NUL-terminated */
	size_t flen;       /* bytes of the field being read (at the end of rec) */
	size_t nfields;    /* completed fields of the current record */
	size_t *start;     /* [max_fields] offset of each completed field in rec */
	size_t *lens;      /* [max_fields] */
	const char **ptrs; /* [max_fields] */
};

struct csv *csv_new(size_t max_field, size_t max_fields, csv_row_fn fn, void *arg)
{
	struct csv *c;

	if (max_field == 0 || max_field > SIZE_MAX / 8 || max_fields == 0 ||
	    max_fields > CSV_MAX_FIELDS_LIMIT || fn == NULL)
		return NULL;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->start = calloc(max_fields, sizeof *c->start);
	c->lens = calloc(max_fields, sizeof *c->lens);
	c->ptrs = calloc(max_fields, sizeof *c->ptrs);
	if (c->start == NULL || c->lens == NULL || c->ptrs == NULL) {
		csv_free(c);
		return NULL;
	}
	c->max_field = max_field;
	c->max_fields = max_fields;
	c->fn = fn;
	c->arg = arg;
	c->state = CSV_S_FIELD;
	c->line = 1;
	buf_init(&c->rec);
	return c;
}

void csv_free(struct csv *c)
{
	if (c == NULL)
		return;
	buf_free(&c->rec);
	free(c->start);
	free(c->lens);
	free(c->ptrs);
	free(c);
}

static int csv_fail(struct csv *c, int err, size_t col)
{
	c->err = err;
	c->err_line = c->line;
	c->err_col = col;
	return err;
}

static int csv_append(struct csv *c, char ch)
{
	if (c->flen >= c->max_field)
		return csv_fail(c, CSV_ETOOLONG, c->nfields + 1);
	buf_putc(&c->rec, ch);
	c->flen++;
	return 0;
}

/* The field being read is complete: checked, recorded, NUL-terminated. */
static int csv_end_field(struct csv *c)
{
	size_t start = c->rec.len - c->flen;
	const char *f = c->rec.data != NULL ? c->rec.data + start : "";

	if (c->nfields >= c->max_fields)
		return csv_fail(c, CSV_EFIELDS, c->nfields + 1);
	if (c->flen > 0 && memchr(f, '\0', c->flen) != NULL)
		return csv_fail(c, CSV_ENUL, c->nfields + 1);
	if (!utf8_valid(f, c->flen))
		return csv_fail(c, CSV_EUTF8, c->nfields + 1);
	c->start[c->nfields] = start;
	c->lens[c->nfields] = c->flen;
	c->nfields++;
	buf_putc(&c->rec, '\0');
	c->flen = 0;
	c->state = CSV_S_FIELD;
	return 0;
}

/* The record is complete (its last field already ended): the callback gets it. */
static int csv_end_record(struct csv *c)
{
	struct csv_row row;
	size_t i;
	int rc;

	for (i = 0; i < c->nfields; i++)
		c->ptrs[i] = c->rec.data + c->start[i];
	row.line = c->rec_line;
	row.n = c->nfields;
	row.field = c->ptrs;
	row.len = c->lens;
	rc = c->fn(c->arg, &row);
	buf_reset(&c->rec);
	c->nfields = 0;
	c->flen = 0;
	c->in_record = false;
	c->state = CSV_S_FIELD;
	if (rc < 0) {
		c->err = rc;
		c->err_line = row.line;
		c->err_col = 0;
		return rc;
	}
	return 0;
}

static int csv_end_line(struct csv *c, char ch)
{
	int rc = csv_end_field(c);

	if (rc == 0)
		rc = csv_end_record(c);
	c->skip_lf = ch == '\r';
	return rc;
}

static bool csv_is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One byte of the input (after the BOM check). */
static int csv_byte(struct csv *c, char ch)
{
	bool skip = c->skip_lf && ch == '\n';
	int rc = 0;

	c->started = true;
	/* Line accounting: CR, LF and CR LF each end one line. */
	if (c->nl_pending && !(ch == '\n' && c->prev_cr)) {
		c->line++;
		c->nl_pending = false;
	}
	if (ch == '\n' || ch == '\r')
		c->nl_pending = true;
	c->prev_cr = ch == '\r';
	c->skip_lf = false;
	if (skip)
		return 0;
	if (!c->in_record) {
		c->in_record = true;
		c->rec_line = c->line;
	}
	switch (c->state) {
	case CSV_S_FIELD:
		if (ch == '"') {
			c->state = CSV_S_QUOTED;
			c->quote_line = c->line;
		} else if (ch == ',') {
			rc = csv_end_field(c);
		} else if (ch == '\r' || ch == '\n') {
			rc = csv_end_line(c, ch);
		} else {
			c->state = CSV_S_UNQUOTED;
			c->spaces_only = csv_is_space(ch);
			rc = csv_append(c, ch);
		}
		break;
	case CSV_S_UNQUOTED:
		if (ch == ',') {
			rc = csv_end_field(c);
		} else if (ch == '\r' || ch == '\n') {
			rc = csv_end_line(c, ch);
		} else if (ch == '"') {
			if (!c->spaces_only)
				return csv_fail(c, CSV_EQUOTE, c->nfields + 1);
			/* `  "quoted"`: the spaces before the quote are dropped. */
			c->rec.len -= c->flen;
			c->rec.data[c->rec.len] = '\0';
			c->flen = 0;
			c->state = CSV_S_QUOTED;
			c->quote_line = c->line;
		} else {
			c->spaces_only = c->spaces_only && csv_is_space(ch);
			rc = csv_append(c, ch);
		}
		break;
	case CSV_S_QUOTED:
		if (ch == '"')
			c->state = CSV_S_QUOTE;
		else
			rc = csv_append(c, ch);
		break;
	case CSV_S_QUOTE:
		if (ch == '"') {
			c->state = CSV_S_QUOTED;
			rc = csv_append(c, ch);
		} else if (ch == ',') {
			rc = csv_end_field(c);
		} else if (ch == '\r' || ch == '\n') {
			rc = csv_end_line(c, ch);
		} else if (csv_is_space(ch)) {
			c->state = CSV_S_AFTER;
		} else {
			return csv_fail(c, CSV_EAFTERQUOTE, c->nfields + 1);
		}
		break;
	case CSV_S_AFTER:
		if (ch == ',')
			rc = csv_end_field(c);
		else if (ch == '\r' || ch == '\n')
			rc = csv_end_line(c, ch);
		else if (!csv_is_space(ch))
			return csv_fail(c, CSV_EAFTERQUOTE, c->nfields + 1);
		break;
	}
	return rc;
}

/* A partial BOM turned out not to be one: its bytes are data. */
static int csv_bom_replay(struct csv *c)
{
	unsigned i, n = c->bom;
	int rc = 0;

	c->bom = 3;
	for (i = 0; i < n && rc == 0; i++)
		rc = csv_byte(c, (char)csv_bom[i]);
	return rc;
}

int csv_feed(struct csv *c, const char *data, size_t len)
{
	size_t i;
	int rc;

	if (c->err != 0)
		return c->err;
	for (i = 0; i < len; i++) {
		if (c->bom < 3) {
			if ((unsigned char)data[i] == csv_bom[c->bom]) {
				c->bom++;
				continue;
			}
			rc = csv_bom_replay(c);
			if (rc < 0)
				return rc;
		}
		rc = csv_byte(c, data[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int csv_finish(struct csv *c)
{
	int rc;

	if (c->err != 0)
		return c->err;
	if (c->bom > 0 && c->bom < 3) {
		rc = csv_bom_replay(c);
		if (rc < 0)
			return rc;
	}
	c->bom = 3;
	if (!c->in_record)
		return 0;
	if (c->state == CSV_S_QUOTED) {
		c->err = CSV_EOPENQUOTE;
		c->err_line = c->line;
		c->err_col = c->nfields + 1;
		return c->err;
	}
	rc = csv_end_field(c);
	if (rc == 0)
		rc = csv_end_record(c);
	return rc;
}

size_t csv_error_line(const struct csv *c)
{
	return c->err_line;
}

size_t csv_error_column(const struct csv *c)
{
	return c->err_col;
}

void csv_error(const struct csv *c, int err, const char *lang, struct buf *out)
{
	bool zh = lang != NULL && strcmp(lang, "zh") == 0;

	if (c->err_col > 0)
		buf_printf(out, zh ? "第 %zu 行第 %zu 列：" : "line %zu, column %zu: ", c->err_line,
		           c->err_col);
	else
		buf_printf(out, zh ? "第 %zu 行：" : "line %zu: ", c->err_line);
	switch (err) {
	case CSV_EQUOTE:
		buf_puts(out,
		         zh ? "未加引号的字段中有引号（请给整个字段加引号，并把其中的引号写成两个："
		              "\"a\"\"b\"）"
		            : "a quote inside an unquoted field (quote the whole field and double "
		              "the quote: \"a\"\"b\")");
		break;
	case CSV_EAFTERQUOTE:
		buf_puts(out, zh ? "右引号后面只能是逗号或换行"
		                 : "only a comma or a line break may follow a closing quote");
		break;
	case CSV_EOPENQUOTE:
		buf_printf(out,
		           zh ? "第 %zu 行开始的带引号字段没有结束（缺少右引号）"
		              : "the quoted field opened on line %zu is never closed",
		           c->quote_line);
		break;
	case CSV_ETOOLONG:
		buf_printf(out, zh ? "字段超过 %zu 字节" : "field longer than %zu bytes",
		           c->max_field);
		break;
	case CSV_EFIELDS:
		buf_printf(out, zh ? "一行超过 %zu 个字段" : "more than %zu fields in a record",
		           c->max_fields);
		break;
	case CSV_EUTF8:
		buf_puts(out, zh ? "不是有效的 UTF-8 文本（文件可能是 GBK 编码：请另存为 UTF-8）"
		                 : "not valid UTF-8 (a GBK file? save it as UTF-8)");
		break;
	case CSV_ENUL:
		buf_puts(out, zh ? "字段中有 NUL 字节（二进制数据？）"
		                 : "a NUL byte in a field (binary data?)");
		break;
	default:
		buf_printf(out, zh ? "读取中止（错误 %d）" : "reading stopped (error %d)", err);
		break;
	}
}

void csv_put_n(struct buf *out, const char *s, size_t len)
{
	const char *q;

	buf_putc(out, '"');
	while ((q = memchr(s, '"', len)) != NULL) {
		buf_append(out, s, (size_t)(q - s) + 1);
		buf_putc(out, '"');
		len -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	buf_append(out, s, len);
	buf_putc(out, '"');
}

void csv_put(struct buf *out, const char *s)
{
	if (s != NULL)
		csv_put_n(out, s, strlen(s));
}
