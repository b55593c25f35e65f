/* role — names of the roles. */
#include "role.h"

#include <string.h>

const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_AGENT: return "agent";
	case ROLE_SUPERVISOR: return "supervisor";
	case ROLE_AUDITOR: return "auditor";
	case ROLE_ADMIN: return "admin";
	default: return NULL;
	}
}

enum role role_parse(const char *s)
{
	static const enum role all[] = { ROLE_AGENT, ROLE_SUPERVISOR, ROLE_AUDITOR, ROLE_ADMIN };
	size_t i;

	if (s == NULL)
		return ROLE_NONE;
	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, role_name(all[i])) == 0)
			return all[i];
	return ROLE_NONE;
}

const char *role_label(enum role r, const char *lang)
{
	int zh = lang != NULL && strcmp(lang, "zh") == 0;

	switch (r) {
	case ROLE_AGENT: return zh ? "客服" : "agent";
	case ROLE_SUPERVISOR: return zh ? "主管" : "supervisor";
	case ROLE_AUDITOR: return zh ? "审计" : "auditor";
	case ROLE_ADMIN: return zh ? "管理员" : "admin";
	default: return "?";
	}
}
