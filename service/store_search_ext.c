/* store_search_ext — the search index's tokenizer as an SQLite extension, for the sqlite3 shell:
 * a database's complaints can only be changed where the tokenizer is known (its triggers keep
 * the index), so an administrator editing one by hand first runs
 *   .load /usr/lib/propdesk/libpropdesk-search
 * The same code as the daemon's (store_search.c, built here against the extension API). */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "store_search.c"

int sqlite3_propdesksearch_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api);

int sqlite3_propdesksearch_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
	int rc;

	SQLITE_EXTENSION_INIT2(api);
	rc = store_search_register(db);
	if (rc != SQLITE_OK && errmsg != NULL)
		*errmsg = sqlite3_mprintf("cannot register the %s tokenizer: %s",
		                          STORE_SEARCH_TOKENIZER, sqlite3_errstr(rc));
	return rc;
}
