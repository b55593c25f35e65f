/* role — the four roles and the masks the command table uses. Pure; any thread. */
#ifndef PROPDESK_ROLE_H
#define PROPDESK_ROLE_H

enum role {
	ROLE_NONE = 0,
	ROLE_AGENT = 1 << 0,
	ROLE_SUPERVISOR = 1 << 1,
	ROLE_AUDITOR = 1 << 2,
	ROLE_ADMIN = 1 << 3,
};

#define ROLES_ALL (ROLE_AGENT | ROLE_SUPERVISOR | ROLE_AUDITOR | ROLE_ADMIN)
/* "agent+": the desk's own work. */
#define ROLES_DESK (ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN)
#define ROLES_SUPERVISOR (ROLE_SUPERVISOR | ROLE_ADMIN)
#define ROLES_AUDIT (ROLE_AUDITOR | ROLE_SUPERVISOR | ROLE_ADMIN)

/* "agent", "supervisor", "auditor", "admin"; NULL for an unknown role. */
const char *role_name(enum role r);
/* ROLE_NONE when s names no role. */
enum role role_parse(const char *s);
/* The role's name in the given language ("zh" or "en"): 客服, 主管, 审计, 管理员. */
const char *role_label(enum role r, const char *lang);

#endif
