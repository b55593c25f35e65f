/* cmd_page — the paging every list shares: a page of rows, its total (or only whether more
 * follow, where a count would read the desk), in JSON as
 *   {"total":N,"offset":O,"limit":L,"more":B,"next_offset":K,"items":[...]}
 * ("total" null when not counted; "at_least" beside it when a count stopped early;
 * "next_offset" only when more follow), and as
 * the line under a table, in the session language ("more results: use --offset N").
 * Loop thread (pure but for the session language); nothing to free. */
#ifndef PROPDESK_CMD_PAGE_H
#define PROPDESK_CMD_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct shell;
struct json;

#define CMD_PAGE_DEFAULT 100 /* rows of a page when --limit is not given */

struct cmd_page {
	size_t offset; /* of the first row shown */
	size_t limit;  /* rows asked for (the default filled in) */
	size_t n;      /* rows shown: at most limit */
	int64_t total; /* rows in all (exact), or at least this many (!exact), or -1: not counted */
	bool exact;
	bool more;   /* rows follow this page */
	size_t next; /* the --offset of the next page: offset + n (set it where rows were read
	              * but left out of the page, e.g. what the reader may not see) */
};

/* The width lists and help are drawn in: the terminal's columns in an interactive session
 * (at least 20), 0 (not folded) in exec mode, for scripts. */
size_t cmd_page_width(const struct shell *sh);
/* The limit a page is read with: limit (0: CMD_PAGE_DEFAULT) and one more row, whose presence
 * says that more follow. */
size_t cmd_page_fetch(size_t limit);
/* Fills p for a page read from offset with limit (0: the default) that gave got rows (read
 * with cmd_page_fetch(limit)) and counted total (-1: not counted; exact as above). */
void cmd_page_init(struct cmd_page *p, size_t offset, size_t limit, size_t got, int64_t total,
                   bool exact);
/* Opens the page's object and its "items" array (json_init done by the caller), and closes
 * them. */
void cmd_page_json_begin(struct json *j, const struct cmd_page *p);
void cmd_page_json_end(struct json *j);
/* Appends the line under a table when more rows follow (nothing otherwise):
 * "(100 of 1234 shown; more results: use --offset 100)". */
void cmd_page_more(const struct shell *sh, const struct cmd_page *p, struct buf *out);

#endif
