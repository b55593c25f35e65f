/* config — the daemon's INI configuration (etc/propdesk.conf), parsed with inih.
 * Loop thread (or main before the loop). A struct config owns all its strings. */
#ifndef PROPDESK_CONFIG_H
#define PROPDESK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "addrlimit.h"

/* The SSH algorithms offered by default: none that ssh-audit flags (no NIST curves, no
 * encrypt-and-MAC), strict key exchange kept (the SSH library adds it). */
#define CONFIG_SSH_KEX                                                                         \
	"curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group18-sha512,"        \
	"diffie-hellman-group16-sha512"
#define CONFIG_SSH_CIPHERS                                                                     \
	"chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,"         \
	"aes256-ctr,aes192-ctr,aes128-ctr"
#define CONFIG_SSH_MACS "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com"

struct config {
	char *path;       /* the file read */
	char *state_dir;  /* [service] state_dir (relative paths: to the config file's directory) */
	char *log_level;  /* [service] log_level */
	char *default_lang; /* [service] default_lang: zh | en */
	int stall_warn_ms;  /* [service] stall_warn_ms: log a loop turn busy this long (50; 0 off) */
	char *catalog_dir;  /* [service] catalog_dir: techniques.ini, categories.ini (default: the
			     * config file's directory; "etc" without a config file) */

	char *ssh_addr;   /* [ssh] listen = ADDR:PORT, default 127.0.0.1:2222 */
	int ssh_port;
	char *ssh_kex;        /* [ssh] kex_algorithms (curve25519 and the DH groups 16 and 18) */
	char *ssh_ciphers;    /* [ssh] ciphers (ChaCha20-Poly1305, AES-GCM, AES-CTR) */
	char *ssh_macs;       /* [ssh] macs (the encrypt-then-MAC SHA-2 ones) */
	bool ssh_compression; /* [ssh] compression: offer zlib@openssh.com (false: each session
			       * that asks for it would keep zlib state of its own) */
	bool telnet_enabled; /* [telnet] enabled, default false */
	char *telnet_addr;   /* [telnet] listen, default 127.0.0.1:2323 */
	int telnet_port;

	int auth_timeout_s;     /* [limits] auth_timeout, seconds to authenticate (30) */
	int max_sessions;       /* [limits] max_sessions, logged-in sessions overall (10000) */
	int max_sessions_per_account; /* [limits] max_sessions_per_account, 0 = no cap (0) */
	struct addrlimit_startups startups; /* [limits] max_startups = start:rate:full, connections
					     * still logging in overall (100:30:500) */
	int max_startups_per_addr; /* [limits] max_startups_per_address (64); the older name
				    * max_per_address is read as this */
	size_t preauth_input_max; /* [limits] preauth_input_max, bytes before login (16384) */
	size_t output_hwm;      /* [limits] output_high_water, bytes queued per session (262144) */
	size_t max_line;        /* [limits] max_line, bytes per input line (4096) */
	size_t max_stdin;       /* [limits] max_stdin, the most exec stdin any one command keeps
				 * (each has its own lower maximum too) (8 MiB) */
	size_t stdin_budget;    /* [limits] stdin_budget, exec stdin all sessions hold at once:
				 * each command's maximum is reserved while it reads (64 MiB) */
	int stdin_wait_s;       /* [limits] stdin_wait, seconds a command waits for room in the
				 * budget (its input not read meanwhile) before it is refused (30) */
	int stdin_waiting;      /* [limits] stdin_waiting, commands that may wait so at once;
				 * more are refused at once (each waiting one may leave up to its
				 * channel window, about 1.25 MB, with the SSH library) (16) */
	int idle_timeout_s;     /* [limits] idle_timeout, 0 = none (0) */
	int idle_warn_s;        /* [limits] idle_warn: a terminal session is warned this many
				 * seconds before idle_timeout logs it out (60; 0: no warning) */
	int keepalive_s;        /* [limits] keepalive interval (60) */

	int login_max_failures; /* [auth] max_failures of one (account, address) pair before
				 * that pair is locked out (5) */
	int lockout_s;          /* [auth] lockout seconds, of a pair and of an address (900) */
	int fail_delay_ms;      /* [auth] first failure delay, doubled per failure (500) */
	int fail_delay_max_ms;  /* [auth] cap (8000) */
	int addr_max_failures;  /* [auth] address score at which password logins from that
				 * address are refused for lockout seconds (20) */
	int addr_decay_s;       /* [auth] address_decay: one failure leaks out of an address's
				 * score every this many seconds (60) */
	struct addrlimit_net *trusted; /* [auth] trusted_networks (owned; NULL when none) */
	size_t ntrusted;
	int hash_opslimit;      /* [auth] argon2id opslimit (libsodium INTERACTIVE = 2) */
	size_t hash_memlimit;   /* [auth] argon2id memlimit bytes (64 MiB) */
	int hash_workers;       /* [auth] password checks in flight at once (1) */

	int db_busy_timeout_ms; /* [database] busy_timeout, ms a write waits for another writer
				 * (100); the loop thread waits that long, so keep it short */
	bool db_sync;           /* [database] synchronous: full (true: a change is on disk when it
				 * is acknowledged) or normal (survives a killed process, not a
				 * power loss) (full) */
	size_t db_max_size;     /* [database] max_size, bytes the database may grow to (its WAL
				 * not counted); 0 = unlimited (0) */

	bool monitor_scope_all;   /* [monitor] scope = team | all: whose sessions supervisors
				   * watch, whisper to and end: their team's (accounts made with
				   * --team NAME) or every one (team) */
	struct config_team_scope *monitor_teams; /* [monitor] teams.SUPERVISOR = TEAM, TEAM:
						  * the teams a supervisor acts on beyond
						  * their own (owned; NULL when none) */
	size_t nmonitor_teams;
	bool monitor_notify;      /* [monitor] notify: the agent is told when watched (true) */
	size_t monitor_scrollback; /* [monitor] scrollback, bytes of each terminal's recent output
				    * shown to a watcher joining (16K; 0: none) */
	size_t monitor_watch_buffer; /* [monitor] watch_buffer, bytes queued for one watcher
				      * before it skips ahead (64K, at most 256K) */

	bool record_enabled;    /* [record] enabled: interactive sessions are recorded (true) */
	char *record_dir;       /* [record] dir for the recordings (relative paths: to the config
				 * file's directory); NULL: <state_dir>/recordings */
	size_t record_queue_max; /* [record] queue_max, bytes of a recording kept in memory while
				  * the disk catches up; past it output is left out, the gap marked
				  * (1 MiB) */
	size_t record_max_bytes; /* [record] max_bytes, the size a recording may reach; there it
				  * ends with a marker and a warning is logged (64 MiB) */
	int record_keep_days;    /* [record] keep_days: recordings older than this many days are
				  * deleted by a daily job, audited (0: kept for ever) */

	int audit_seal_events;   /* [audit] seal_events: the audit log's head is sealed once this
				  * many events came since the last seal (1000) */
	int audit_seal_interval_s; /* [audit] seal_interval: and at least this often, in seconds,
				    * when any came (300) */
};

/* [monitor] teams.SUPERVISOR = TEAM, TEAM: a supervisor's scope widened to other teams (a
 * team is named after its supervisor's account: accounts made with --team NAME). */
struct config_team_scope {
	char *supervisor; /* the supervisor's account */
	char *teams;      /* the team names, comma-separated without spaces ("sup2,night") */
};

/* Loads path (defaults first, then the file). On error returns -1 and sets *err to a malloc'd
 * "FILE:LINE: reason" (caller frees). */
int config_load(const char *path, struct config *cfg, char **err);
void config_init_defaults(struct config *cfg);
void config_free(struct config *cfg);
/* Parses "ADDR:PORT" ("[v6]:PORT" too) into a malloc'd *addr and *port. 0 or -1. */
int config_parse_listen(const char *s, char **addr, int *port);
/* Creates the state directory (and its missing parents) mode 0700, or takes an existing one
 * away from group and others (it holds the database and the host key): 0, or -1 with why in
 * err. *tightened is set when an existing directory's mode was changed (may be NULL). */
int config_make_state_dir(const struct config *cfg, bool *tightened, char *err, size_t errlen);
/* Joins the state dir and a file name into a malloc'd path. */
char *config_state_path(const struct config *cfg, const char *name);
/* The audit log's sealing key state (<state_dir>/audit-seal.key), malloc'd. */
char *config_audit_key_path(const struct config *cfg);
/* The recordings directory ([record] dir or <state_dir>/recordings), malloc'd. */
char *config_record_dir(const struct config *cfg);

#endif
