/* cmd_page — a list's page, its total and its "more results" marker in JSON and text. */
#include "cmd_page.h"

#include "cmd.h"
#include "json.h"
#include "shell_int.h"

size_t cmd_page_width(const struct shell *sh)
{
	if (!sh->interactive || sh->opts.cols <= 0)
		return 0;
	return sh->opts.cols < 20 ? 20 : (size_t)sh->opts.cols;
}

size_t cmd_page_fetch(size_t limit)
{
	return (limit != 0 ? limit : CMD_PAGE_DEFAULT) + 1;
}

void cmd_page_init(struct cmd_page *p, size_t offset, size_t limit, size_t got, int64_t total,
                   bool exact)
{
	p->offset = offset;
	p->limit = limit != 0 ? limit : CMD_PAGE_DEFAULT;
	p->n = got < p->limit ? got : p->limit;
	p->exact = exact && total >= 0;
	p->total = total;
	p->more = got > p->limit;
	/* A count that says more beyond the page also says so (a page read without the extra row). */
	if (total >= 0 && (int64_t)(offset + p->n) < total && p->n == p->limit)
		p->more = true;
	if (p->exact && p->more && total <= (int64_t)(offset + p->n))
		p->exact = false; /* counted before rows were added: at least what is seen */
	p->next = offset + p->n;
}

void cmd_page_json_begin(struct json *j, const struct cmd_page *p)
{
	json_object_begin(j);
	json_key(j, "total");
	if (p->exact)
		json_int(j, p->total);
	else
		json_null(j);
	if (!p->exact && p->total >= 0)
		json_kv_int(j, "at_least", p->total);
	json_kv_int(j, "offset", (int64_t)p->offset);
	json_kv_int(j, "limit", (int64_t)p->limit);
	json_kv_bool(j, "more", p->more);
	if (p->more)
		json_kv_int(j, "next_offset", (int64_t)p->next);
	json_key(j, "items");
	json_array_begin(j);
}

void cmd_page_json_end(struct json *j)
{
	json_array_end(j);
	json_object_end(j);
}

void cmd_page_more(const struct shell *sh, const struct cmd_page *p, struct buf *out)
{
	size_t next = p->next;

	if (!p->more)
		return;
	if (p->exact)
		buf_printf(out,
		           T(sh, "(%zu of %lld shown; more results: use --offset %zu)\n",
		             "（显示 %zu 条，共 %lld 条；更多结果：用 --offset %zu）\n"),
		           p->n, (long long)p->total, next);
	else if (p->total > (int64_t)next)
		buf_printf(out,
		           T(sh, "(%zu of at least %lld shown; more results: use --offset %zu)\n",
		             "（显示 %zu 条，至少共 %lld 条；更多结果：用 --offset %zu）\n"),
		           p->n, (long long)p->total, next);
	else
		buf_printf(out,
		           T(sh, "(%zu shown; more results: use --offset %zu)\n",
		             "（显示 %zu 条；更多结果：用 --offset %zu）\n"),
		           p->n, next);
}
