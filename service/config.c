/* config — the INI configuration, parsed with inih. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "xalloc.h"

struct config_parse {
	struct config *cfg;
	char *err; /* first error: "reason" (inih reports its line) */
	bool catalog_set;
};

static void config_set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xalloc_strdup(v);
}

void config_init_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->state_dir = xalloc_strdup("/var/lib/propdesk");
	cfg->log_level = xalloc_strdup("info");
	cfg->default_lang = xalloc_strdup("zh");
	cfg->catalog_dir = xalloc_strdup("etc");
	cfg->ssh_addr = xalloc_strdup("127.0.0.1");
	cfg->ssh_port = 2222;
	cfg->ssh_kex = xalloc_strdup(CONFIG_SSH_KEX);
	cfg->ssh_ciphers = xalloc_strdup(CONFIG_SSH_CIPHERS);
	cfg->ssh_macs = xalloc_strdup(CONFIG_SSH_MACS);
	cfg->ssh_compression = false;
	cfg->telnet_enabled = false;
	cfg->telnet_addr = xalloc_strdup("127.0.0.1");
	cfg->telnet_port = 2323;
	cfg->auth_timeout_s = 30;
	cfg->max_sessions = 10000;
	cfg->max_sessions_per_account = 0;
	cfg->startups = (struct addrlimit_startups){.start = 100, .rate = 30, .full = 500};
	cfg->max_startups_per_addr = 64;
	cfg->preauth_input_max = 16384;
	cfg->output_hwm = 262144;
	cfg->max_line = 4096;
	cfg->max_stdin = 8u << 20;
	cfg->stdin_budget = (size_t)64 << 20;
	cfg->stdin_wait_s = 30;
	cfg->stdin_waiting = 16;
	cfg->idle_timeout_s = 0;
	cfg->idle_warn_s = 60;
	cfg->stall_warn_ms = 50;
	cfg->keepalive_s = 60;
	cfg->login_max_failures = 5;
	cfg->lockout_s = 900;
	cfg->fail_delay_ms = 500;
	cfg->fail_delay_max_ms = 8000;
	cfg->addr_max_failures = 20;
	cfg->addr_decay_s = 60;
	cfg->hash_opslimit = 2;
	cfg->hash_memlimit = 64u << 20;
	cfg->hash_workers = 1;
	/* The loop's connection waits in the loop thread: every session stalls that long. */
	cfg->db_busy_timeout_ms = 100;
	cfg->db_max_size = 0;
	cfg->db_sync = true;
	cfg->monitor_scope_all = false;
	cfg->monitor_notify = true;
	cfg->monitor_scrollback = (size_t)16 << 10;
	cfg->monitor_watch_buffer = (size_t)64 << 10;
	cfg->record_enabled = true;
	cfg->record_dir = NULL;
	cfg->record_queue_max = 1u << 20;
	cfg->record_max_bytes = (size_t)64 << 20;
	cfg->audit_seal_events = 1000;
	cfg->audit_seal_interval_s = 300;
}

void config_free(struct config *cfg)
{
	free(cfg->path);
	free(cfg->state_dir);
	free(cfg->log_level);
	free(cfg->default_lang);
	free(cfg->catalog_dir);
	free(cfg->ssh_addr);
	free(cfg->ssh_kex);
	free(cfg->ssh_ciphers);
	free(cfg->ssh_macs);
	free(cfg->telnet_addr);
	free(cfg->record_dir);
	free(cfg->trusted);
	for (size_t i = 0; i < cfg->nmonitor_teams; i++) {
		free(cfg->monitor_teams[i].supervisor);
		free(cfg->monitor_teams[i].teams);
	}
	free(cfg->monitor_teams);
	memset(cfg, 0, sizeof *cfg);
}

int config_parse_listen(const char *s, char **addr, int *port)
{
	const char *colon, *host = s;
	size_t hostlen;
	char *end;
	long p;

	if (s == NULL || *s == '\0')
		return -1;
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		host = s + 1;
		hostlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		hostlen = (size_t)(colon - s);
	}
	if (hostlen == 0 || hostlen > 255)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end != '\0' || end == colon + 1 || p < 1 || p > 65535)
		return -1;
	*addr = malloc(hostlen + 1);
	if (*addr == NULL)
		abort();
	memcpy(*addr, host, hostlen);
	(*addr)[hostlen] = '\0';
	*port = (int)p;
	return 0;
}

static int config_int(const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* Sizes accept a K, M or G suffix (powers of 1024). */
static int config_size(const char *v, size_t min, size_t max, size_t *out)
{
	unsigned long long n, mul = 1;
	char *end;

	errno = 0;
	if (*v == '-')
		return -1;
	n = strtoull(v, &end, 10);
	if (errno || end == v)
		return -1;
	if (*end == 'K' || *end == 'k')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ULL * 1024 * 1024, end++;
	if (*end != '\0' || n > (unsigned long long)max / mul || n * mul < min)
		return -1;
	*out = (size_t)(n * mul);
	return 0;
}

/* An algorithm list as OpenSSH writes one: names of [A-Za-z0-9@._-] joined by commas, none
 * empty. (Whether the SSH library knows each name is checked when the listener starts.) */
static bool config_algorithm_list(const char *v)
{
	bool name = false;

	for (; *v != '\0'; v++) {
		if (*v == ',') {
			if (!name)
				return false;
			name = false;
		} else if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
			   (*v >= '0' && *v <= '9') || strchr("@._-", *v) != NULL) {
			name = true;
		} else {
			return false;
		}
	}
	return name;
}

static int config_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

struct config_int_key {
	const char *section, *name;
	size_t offset;
	long min, max;
};

#define CONFIG_INT(s, n, field, lo, hi) { s, n, offsetof(struct config, field), lo, hi }

static const struct config_int_key config_ints[] = {
	CONFIG_INT("service", "stall_warn_ms", stall_warn_ms, 0, 60000),
	CONFIG_INT("limits", "auth_timeout", auth_timeout_s, 1, 3600),
	CONFIG_INT("limits", "max_sessions", max_sessions, 1, 1000000),
	CONFIG_INT("limits", "max_sessions_per_account", max_sessions_per_account, 0, 1000000),
	CONFIG_INT("limits", "max_startups_per_address", max_startups_per_addr, 1, 1000000),
	/* The older name: it counted logged-in sessions too; now only connections logging in. */
	CONFIG_INT("limits", "max_per_address", max_startups_per_addr, 1, 1000000),
	CONFIG_INT("limits", "idle_timeout", idle_timeout_s, 0, 7 * 86400),
	CONFIG_INT("limits", "idle_warn", idle_warn_s, 0, 7 * 86400),
	CONFIG_INT("limits", "keepalive", keepalive_s, 0, 86400),
	CONFIG_INT("limits", "stdin_wait", stdin_wait_s, 1, 3600),
	CONFIG_INT("limits", "stdin_waiting", stdin_waiting, 0, 100000),
	CONFIG_INT("auth", "max_failures", login_max_failures, 1, 1000),
	CONFIG_INT("auth", "lockout", lockout_s, 0, 30 * 86400),
	CONFIG_INT("auth", "fail_delay_ms", fail_delay_ms, 0, 60000),
	CONFIG_INT("auth", "fail_delay_max_ms", fail_delay_max_ms, 0, 600000),
	CONFIG_INT("auth", "address_max_failures", addr_max_failures, 0, 1000000),
	CONFIG_INT("auth", "address_decay", addr_decay_s, 1, 86400),
	CONFIG_INT("auth", "hash_opslimit", hash_opslimit, 1, 20),
	CONFIG_INT("auth", "hash_workers", hash_workers, 1, 64),
	CONFIG_INT("database", "busy_timeout", db_busy_timeout_ms, 0, 60000),
	CONFIG_INT("record", "keep_days", record_keep_days, 0, 36500),
	CONFIG_INT("audit", "seal_events", audit_seal_events, 1, 10000000),
	CONFIG_INT("audit", "seal_interval", audit_seal_interval_s, 1, 86400),
};

struct config_size_key {
	const char *section, *name;
	size_t offset;
	size_t min, max;
};

#define CONFIG_SIZE(s, n, field, lo, hi) { s, n, offsetof(struct config, field), lo, hi }

static const struct config_size_key config_sizes[] = {
	CONFIG_SIZE("limits", "preauth_input_max", preauth_input_max, 1024, 1u << 24),
	CONFIG_SIZE("limits", "output_high_water", output_hwm, 4096, 1u << 30),
	CONFIG_SIZE("limits", "max_line", max_line, 80, 1u << 20),
	CONFIG_SIZE("limits", "max_stdin", max_stdin, 1024, 1u << 30),
	CONFIG_SIZE("limits", "stdin_budget", stdin_budget, 65536, SIZE_MAX),
	CONFIG_SIZE("auth", "hash_memlimit", hash_memlimit, 8192, 1u << 30),
	CONFIG_SIZE("database", "max_size", db_max_size, 0, SIZE_MAX),
	CONFIG_SIZE("monitor", "scrollback", monitor_scrollback, 0, 1u << 20),
	CONFIG_SIZE("monitor", "watch_buffer", monitor_watch_buffer, 4096, 256u << 10),
	CONFIG_SIZE("record", "queue_max", record_queue_max, 4096, 1u << 30),
	CONFIG_SIZE("record", "max_bytes", record_max_bytes, 4096, SIZE_MAX),
};

/* An account name in a team list: 1..64 bytes, no space, comma, control byte or '='. */
static bool config_team_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 64)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == ',' || c == '=' || c == 0x7f)
			return false;
	}
	return true;
}

/* [monitor] teams.SUPERVISOR = TEAM, TEAM (a later line for the same supervisor replaces
 * the earlier one). 0, or -1 with the first bad name in bad. */
static int config_team_scope(struct config *cfg, const char *supervisor, const char *value,
			     char *bad, size_t badlen)
{
	struct buf list;
	const char *p = value;
	size_t i;

	bad[0] = '\0';
	if (!config_team_name_ok(supervisor, strlen(supervisor))) {
		snprintf(bad, badlen, "%s", supervisor);
		return -1;
	}
	buf_init(&list);
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!config_team_name_ok(p, len)) {
			snprintf(bad, badlen, "%.*s", (int)(len < 64 ? len : 64), p);
			buf_free(&list);
			return -1;
		}
		if (list.len > 0)
			buf_putc(&list, ',');
		buf_append(&list, p, len);
		if (end == NULL)
			break;
		p = end + 1;
		if (*p == '\0') {
			buf_free(&list);
			return -1; /* a trailing comma: an empty name */
		}
	}
	if (list.len == 0) {
		buf_free(&list);
		return -1;
	}
	for (i = 0; i < cfg->nmonitor_teams; i++)
		if (strcmp(cfg->monitor_teams[i].supervisor, supervisor) == 0)
			break;
	if (i == cfg->nmonitor_teams) {
		struct config_team_scope *v =
		    realloc(cfg->monitor_teams, (i + 1) * sizeof *cfg->monitor_teams);

		if (v == NULL)
			abort();
		cfg->monitor_teams = v;
		cfg->monitor_teams[i].supervisor = xalloc_strdup(supervisor);
		cfg->monitor_teams[i].teams = NULL;
		cfg->nmonitor_teams++;
	}
	free(cfg->monitor_teams[i].teams);
	cfg->monitor_teams[i].teams = xalloc_strdup(buf_cstr(&list));
	buf_free(&list);
	return 0;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct config_parse *p = user;
	struct config *cfg = p->cfg;
	size_t i;
	long n;

	if (!strcmp(section, "service") && !strcmp(name, "state_dir")) {
		if (*value == '\0')
			return buf_first_error(&p->err, "[%s] %s must not be empty", section, name);
		config_set_str(&cfg->state_dir, value);
		return 1;
	}
	if (!strcmp(section, "service") && !strcmp(name, "catalog_dir")) {
		if (*value == '\0')
			return buf_first_error(&p->err, "[%s] %s must not be empty", section, name);
		config_set_str(&cfg->catalog_dir, value);
		p->catalog_set = true;
		return 1;
	}
	if (!strcmp(section, "service") && !strcmp(name, "log_level")) {
		if (!strcmp(value, "debug") || !strcmp(value, "info") || !strcmp(value, "warn") ||
		    !strcmp(value, "error")) {
			config_set_str(&cfg->log_level, value);
			return 1;
		}
		return buf_first_error(
		    &p->err, "log_level must be debug, info, warn or error, not \"%s\"", value);
	}
	if (!strcmp(section, "service") && !strcmp(name, "default_lang")) {
		if (strcmp(value, "zh") && strcmp(value, "en"))
			return buf_first_error(&p->err, "default_lang must be zh or en, not \"%s\"",
			                       value);
		config_set_str(&cfg->default_lang, value);
		return 1;
	}
	if ((!strcmp(section, "ssh") || !strcmp(section, "telnet")) && !strcmp(name, "listen")) {
		char *addr;
		int port;

		if (config_parse_listen(value, &addr, &port) < 0)
			return buf_first_error(&p->err,
			                       "[%s] listen must be ADDRESS:PORT, not \"%s\"",
			                       section, value);
		if (!strcmp(section, "ssh")) {
			free(cfg->ssh_addr);
			cfg->ssh_addr = addr;
			cfg->ssh_port = port;
		} else {
			free(cfg->telnet_addr);
			cfg->telnet_addr = addr;
			cfg->telnet_port = port;
		}
		return 1;
	}
	if (!strcmp(section, "ssh") && (!strcmp(name, "kex_algorithms") ||
					!strcmp(name, "ciphers") || !strcmp(name, "macs"))) {
		char **dst = !strcmp(name, "ciphers") ? &cfg->ssh_ciphers
			     : !strcmp(name, "macs")  ? &cfg->ssh_macs
						      : &cfg->ssh_kex;

		if (!config_algorithm_list(value))
			return buf_first_error(&p->err,
			                       "[ssh] %s must be a comma-separated list of algorithm "
			                       "names, not \"%s\"",
			                       name, value);
		config_set_str(dst, value);
		return 1;
	}
	if (!strcmp(section, "ssh") && !strcmp(name, "compression")) {
		if (config_bool(value, &cfg->ssh_compression) < 0)
			return buf_first_error(
			    &p->err, "[ssh] compression must be true or false, not \"%s\"", value);
		return 1;
	}
	if (!strcmp(section, "database") && !strcmp(name, "synchronous")) {
		if (strcmp(value, "full") && strcmp(value, "normal"))
			return buf_first_error(
			    &p->err, "[database] synchronous must be full or normal, not \"%s\"",
			    value);
		cfg->db_sync = !strcmp(value, "full");
		return 1;
	}
	if (!strcmp(section, "telnet") && !strcmp(name, "enabled")) {
		if (config_bool(value, &cfg->telnet_enabled) < 0)
			return buf_first_error(
			    &p->err, "[telnet] enabled must be true or false, not \"%s\"", value);
		return 1;
	}
	if (!strcmp(section, "monitor") && !strcmp(name, "scope")) {
		if (strcmp(value, "team") != 0 && strcmp(value, "all") != 0)
			return buf_first_error(&p->err,
					       "scope must be team (supervisors act on their own "
					       "team's sessions) or all, not \"%s\"",
					       value);
		cfg->monitor_scope_all = strcmp(value, "all") == 0;
		return 1;
	}
	if (!strcmp(section, "monitor") && !strncmp(name, "teams.", 6)) {
		char bad[80];

		if (config_team_scope(cfg, name + 6, value, bad, sizeof bad) < 0)
			return buf_first_error(&p->err,
					       "%s must name accounts whose teams that supervisor "
					       "also acts on, comma-separated (teams.sup1 = sup2, "
					       "night)%s%s%s",
					       name, bad[0] != '\0' ? ": \"" : "", bad,
					       bad[0] != '\0' ? "\" is not an account name" : "");
		return 1;
	}
	if (!strcmp(section, "monitor") && !strcmp(name, "notify")) {
		if (config_bool(value, &cfg->monitor_notify) < 0)
			return buf_first_error(&p->err, "notify must be true or false, not \"%s\"",
					       value);
		return 1;
	}
	if (!strcmp(section, "record") && !strcmp(name, "enabled")) {
		if (config_bool(value, &cfg->record_enabled) < 0)
			return buf_first_error(
			    &p->err, "[record] enabled must be true or false, not \"%s\"", value);
		return 1;
	}
	if (!strcmp(section, "record") && !strcmp(name, "dir")) {
		if (*value == '\0')
			return buf_first_error(&p->err, "[%s] %s must not be empty", section, name);
		config_set_str(&cfg->record_dir, value);
		return 1;
	}
	if (!strcmp(section, "limits") && !strcmp(name, "max_startups")) {
		if (addrlimit_startups_parse(value, &cfg->startups) < 0)
			return buf_first_error(
			    &p->err,
			    "max_startups must be START:RATE:FULL (e.g. 100:30:500: "
			    "from START connections logging in, drop RATE %% of new "
			    "ones, rising to all at FULL) or one number, not \"%s\"",
			    value);
		return 1;
	}
	if (!strcmp(section, "auth") && !strcmp(name, "trusted_networks")) {
		struct addrlimit_net *nets = NULL;
		char bad[64];
		int count = addrlimit_nets_parse(value, &nets, bad, sizeof bad);

		if (count < 0)
			return buf_first_error(&p->err,
			                       "trusted_networks: \"%s\" is not an address or "
			                       "ADDRESS/BITS network (IPv4 or IPv6)",
			                       bad);
		free(cfg->trusted);
		cfg->trusted = nets;
		cfg->ntrusted = (size_t)count;
		return 1;
	}
	for (i = 0; i < sizeof config_ints / sizeof config_ints[0]; i++) {
		const struct config_int_key *k = &config_ints[i];

		if (strcmp(section, k->section) || strcmp(name, k->name))
			continue;
		if (config_int(value, k->min, k->max, &n) < 0) {
			char range[64];

			snprintf(range, sizeof range, "%ld..%ld", k->min, k->max);
			return buf_first_error(&p->err, "%s must be a whole number in %s", name,
			                       range);
		}
		*(int *)(void *)((char *)cfg + k->offset) = (int)n;
		return 1;
	}
	for (i = 0; i < sizeof config_sizes / sizeof config_sizes[0]; i++) {
		const struct config_size_key *k = &config_sizes[i];

		if (strcmp(section, k->section) || strcmp(name, k->name))
			continue;
		if (config_size(value, k->min, k->max, (size_t *)(void *)((char *)cfg + k->offset)) < 0)
			return buf_first_error(
			    &p->err,
			    "%s must be a size in bytes (K, M, G allowed) in range, "
			    "not \"%s\"",
			    name, value);
		return 1;
	}
	return buf_first_error(&p->err, "unknown setting \"%s\" in section [%s]", name, section);
}

/* Makes a relative *dir relative to the directory of the config file at path. */
static void config_relative(const char *path, char **dir)
{
	const char *slash = strrchr(path, '/');
	struct buf m;

	if ((*dir)[0] == '/')
		return;
	buf_init(&m);
	if (slash != NULL)
		buf_append(&m, path, (size_t)(slash - path) + 1);
	if (strcmp(*dir, ".") != 0 || slash == NULL)
		buf_puts(&m, *dir);
	else
		m.data[--m.len] = '\0';
	free(*dir);
	*dir = buf_steal(&m);
}

int config_load(const char *path, struct config *cfg, char **err)
{
	struct config_parse p = { .cfg = cfg };
	struct buf m;
	FILE *f;
	int rc;

	config_init_defaults(cfg);
	cfg->path = xalloc_strdup(path);
	*err = NULL;
	f = fopen(path, "r");
	if (f == NULL) {
		buf_init(&m);
		buf_printf(&m, "%s: cannot open: %s", path, strerror(errno));
		*err = buf_steal(&m);
		return -1;
	}
	rc = ini_parse_file(f, config_handler, &p);
	fclose(f);
	if (p.err != NULL || rc != 0) {
		buf_init(&m);
		buf_file_error(&m, path, rc, p.err,
			       "syntax error (expected [section] or name = value)");
		free(p.err);
		*err = buf_steal(&m);
		return -1;
	}
	if (!p.catalog_set) {
		/* The catalogs live beside the config file unless it says otherwise. */
		free(cfg->catalog_dir);
		cfg->catalog_dir = xalloc_strdup(".");
	}
	config_relative(path, &cfg->state_dir);
	config_relative(path, &cfg->catalog_dir);
	if (cfg->record_dir != NULL)
		config_relative(path, &cfg->record_dir);
	return 0;
}

int config_make_state_dir(const struct config *cfg, bool *tightened, char *err, size_t errlen)
{
	const char *dir = cfg->state_dir;
	char path[PATH_MAX];
	struct stat sb;
	size_t i, len = strlen(dir);

	if (tightened != NULL)
		*tightened = false;
	if (len == 0 || len >= sizeof path) {
		snprintf(err, errlen, "state directory \"%s\": bad path", dir);
		return -1;
	}
	memcpy(path, dir, len + 1);
	/* Each missing component, parents first. */
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create state directory %s: %s", path,
			         strerror(errno));
			return -1;
		}
		path[i] = i < len ? '/' : '\0';
	}
	if (stat(dir, &sb) < 0) {
		snprintf(err, errlen, "state directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "state directory %s: not a directory", dir);
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		if (chmod(dir, sb.st_mode & 0700) < 0) {
			snprintf(err, errlen, "state directory %s is open to others and cannot be "
			         "closed: %s", dir, strerror(errno));
			return -1;
		}
		if (tightened != NULL)
			*tightened = true;
	}
	return 0;
}

char *config_state_path(const struct config *cfg, const char *name)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s/%s", cfg->state_dir, name);
	return buf_steal(&b);
}

char *config_record_dir(const struct config *cfg)
{
	if (cfg->record_dir != NULL)
		return xalloc_strdup(cfg->record_dir);
	return config_state_path(cfg, "recordings");
}

char *config_audit_key_path(const struct config *cfg)
{
	return config_state_path(cfg, "audit-seal.key");
}
