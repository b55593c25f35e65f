/* Unit tests of the configuration parser: defaults, every kind of value, and errors that
 * name the file, the line and the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static char *test_config_write(const char *text)
{
	char tmpl[] = "/tmp/propdesk-config-XXXXXX";
	int fd = mkstemp(tmpl);
	size_t n = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return strdup(tmpl);
}

static void test_config_defaults_when_empty(void **state)
{
	char *path = test_config_write("");
	struct config cfg;
	char *err = NULL;

	(void)state;
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_null(err);
	assert_string_equal(cfg.ssh_addr, "127.0.0.1");
	assert_int_equal(cfg.ssh_port, 2222);
	assert_false(cfg.telnet_enabled);
	assert_int_equal(cfg.telnet_port, 2323);
	assert_int_equal(cfg.login_max_failures, 5);
	assert_int_equal(cfg.output_hwm, 262144);
	assert_int_equal(cfg.db_busy_timeout_ms, 100);
	assert_int_equal(cfg.db_max_size, 0);
	/* Who may connect: a whole floor behind one address is not shut out by default. */
	assert_int_equal(cfg.startups.start, 100);
	assert_int_equal(cfg.startups.rate, 30);
	assert_int_equal(cfg.startups.full, 500);
	assert_int_equal(cfg.max_startups_per_addr, 64);
	assert_int_equal(cfg.max_sessions, 10000);
	assert_int_equal(cfg.max_sessions_per_account, 0);
	assert_int_equal(cfg.addr_max_failures, 20);
	assert_int_equal(cfg.addr_decay_s, 60);
	assert_null(cfg.trusted);
	assert_int_equal(cfg.ntrusted, 0);
	/* Live monitoring: team scope, the agent told, bounded buffers. */
	assert_false(cfg.monitor_scope_all);
	assert_true(cfg.monitor_notify);
	assert_int_equal(cfg.monitor_scrollback, 16384);
	assert_int_equal(cfg.monitor_watch_buffer, 65536);
	assert_int_equal(cfg.idle_timeout_s, 0);
	assert_int_equal(cfg.idle_warn_s, 60);
	config_free(&cfg);
	unlink(path);
	free(path);
}

static void test_config_error(const char *text, int line, const char *reason);

static void test_config_monitor_policy(void **state)
{
	char *path = test_config_write("[monitor]\nscope = all\nnotify = false\n"
				       "scrollback = 0\nwatch_buffer = 256K\n");
	struct config cfg;
	char *err = NULL;

	(void)state;
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_true(cfg.monitor_scope_all);
	assert_false(cfg.monitor_notify);
	assert_int_equal(cfg.monitor_scrollback, 0);
	assert_int_equal(cfg.monitor_watch_buffer, 262144);
	config_free(&cfg);
	unlink(path);
	free(path);
	/* Team lists: a supervisor's scope widened, names trimmed, a later line replacing. */
	path = test_config_write("[monitor]\nteams.sup1 = sup2 , night\nteams.sup3 = x\n"
				 "teams.sup3 = sup1\n");
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_int_equal(cfg.nmonitor_teams, 2);
	assert_string_equal(cfg.monitor_teams[0].supervisor, "sup1");
	assert_string_equal(cfg.monitor_teams[0].teams, "sup2,night");
	assert_string_equal(cfg.monitor_teams[1].supervisor, "sup3");
	assert_string_equal(cfg.monitor_teams[1].teams, "sup1");
	config_free(&cfg);
	unlink(path);
	free(path);
	test_config_error("[monitor]\nteams.sup1 =\n", 2, "comma-separated");
	test_config_error("[monitor]\nteams.sup1 = a,,b\n", 2, "comma-separated");
	test_config_error("[monitor]\nteams.sup1 = a,\n", 2, "comma-separated");
	test_config_error("[monitor]\nteams.sup1 = day shift\n", 2, "\"day shift\" is not");
	test_config_error("[monitor]\nteams. = a\n", 2, "comma-separated");
	test_config_error("[monitor]\nscope = everyone\n", 2, "team");
	test_config_error("[monitor]\nnotify = sometimes\n", 2, "true or false");
	test_config_error("[monitor]\nwatch_buffer = 1M\n", 2, "size");
	test_config_error("[monitor]\nwatch_buffer = 1K\n", 2, "size");
	test_config_error("[monitor]\nscrollback = 2M\n", 2, "size");
}

static void test_config_connection_limits_and_trusted_networks(void **state)
{
	char *path = test_config_write("[limits]\nmax_startups = 10:30:100\n"
				       "max_startups_per_address = 8\nmax_sessions = 300\n"
				       "max_sessions_per_account = 2\n"
				       "[auth]\naddress_max_failures = 50\naddress_decay = 30\n"
				       "trusted_networks = 203.0.113.7, 10.0.0.0/8 2001:db8::/32\n");
	struct config cfg;
	char *err = NULL;

	(void)state;
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_int_equal(cfg.startups.start, 10);
	assert_int_equal(cfg.startups.rate, 30);
	assert_int_equal(cfg.startups.full, 100);
	assert_int_equal(cfg.max_startups_per_addr, 8);
	assert_int_equal(cfg.max_sessions, 300);
	assert_int_equal(cfg.max_sessions_per_account, 2);
	assert_int_equal(cfg.addr_max_failures, 50);
	assert_int_equal(cfg.addr_decay_s, 30);
	assert_int_equal(cfg.ntrusted, 3);
	assert_true(addrlimit_nets_match(cfg.trusted, cfg.ntrusted, "203.0.113.7"));
	assert_false(addrlimit_nets_match(cfg.trusted, cfg.ntrusted, "203.0.113.8"));
	assert_true(addrlimit_nets_match(cfg.trusted, cfg.ntrusted, "10.20.30.40"));
	assert_true(addrlimit_nets_match(cfg.trusted, cfg.ntrusted, "2001:db8:5::1"));
	config_free(&cfg);
	unlink(path);
	free(path);

	/* One number: a hard limit without early drop; an empty list trusts nobody. */
	path = test_config_write("[limits]\nmax_startups = 50\n[auth]\ntrusted_networks =\n");
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_int_equal(cfg.startups.start, 50);
	assert_int_equal(cfg.startups.full, 50);
	assert_int_equal(cfg.ntrusted, 0);
	assert_true(cfg.record_max_bytes == (size_t)64 << 20);
	assert_true(cfg.max_stdin == (size_t)8 << 20);
	assert_true(cfg.stdin_budget == (size_t)64 << 20);
	assert_int_equal(cfg.stdin_wait_s, 30);
	assert_int_equal(cfg.stdin_waiting, 16);
	config_free(&cfg);
	unlink(path);
	free(path);
}

static void test_config_values_parsed(void **state)
{
	char *path = test_config_write("; comment\n"
				       "[service]\nstate_dir = /var/tmp/pd\ndefault_lang = en\n"
				       "[ssh]\nlisten = [::1]:2022\n"
				       "[telnet]\nenabled = yes\nlisten = 0.0.0.0:23\n"
				       "[limits]\noutput_high_water = 64K\nmax_stdin = 2M\n"
				       "max_per_address = 3\nstdin_budget = 1G\nstdin_wait = 5\n"
				       "stdin_waiting = 0\n"
				       "[auth]\nhash_memlimit = 16M\nlockout = 60\n"
				       "[database]\nmax_size = 2G\nbusy_timeout = 50\n"
				       "[record]\nmax_bytes = 512K\n");
	struct config cfg;
	char *err = NULL;

	(void)state;
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_string_equal(cfg.state_dir, "/var/tmp/pd");
	assert_string_equal(cfg.default_lang, "en");
	assert_string_equal(cfg.ssh_addr, "::1");
	assert_int_equal(cfg.ssh_port, 2022);
	assert_true(cfg.telnet_enabled);
	assert_string_equal(cfg.telnet_addr, "0.0.0.0");
	assert_int_equal(cfg.telnet_port, 23);
	assert_int_equal(cfg.output_hwm, 65536);
	assert_int_equal(cfg.max_stdin, 2u << 20);
	/* The older name of max_startups_per_address. */
	assert_int_equal(cfg.max_startups_per_addr, 3);
	assert_true(cfg.stdin_budget == (size_t)1 << 30);
	assert_int_equal(cfg.stdin_wait_s, 5);
	assert_int_equal(cfg.stdin_waiting, 0);
	assert_int_equal(cfg.hash_memlimit, 16u << 20);
	assert_int_equal(cfg.lockout_s, 60);
	assert_true(cfg.db_max_size == (size_t)2 << 30);
	assert_int_equal(cfg.db_busy_timeout_ms, 50);
	assert_int_equal(cfg.record_max_bytes, 512u << 10);
	config_free(&cfg);
	unlink(path);
	free(path);
}

static void test_config_relative_state_dir(void **state)
{
	char *path = test_config_write("[service]\nstate_dir = state\n");
	struct config cfg;
	char *err = NULL;

	(void)state;
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_string_equal(cfg.state_dir, "/tmp/state");
	config_free(&cfg);
	unlink(path);
	free(path);
}

static void test_config_error(const char *text, int line, const char *reason)
{
	char *path = test_config_write(text);
	struct config cfg;
	char *err = NULL, want[512];

	assert_int_equal(config_load(path, &cfg, &err), -1);
	assert_non_null(err);
	snprintf(want, sizeof want, "%s:%d: ", path, line);
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, reason) == NULL)
		fail_msg("error \"%s\" does not start with \"%s\" and mention \"%s\"", err, want,
			 reason);
	free(err);
	config_free(&cfg);
	unlink(path);
	free(path);
}

static void test_config_errors_name_file_line_reason(void **state)
{
	(void)state;
	test_config_error("[ssh]\nlisten = 2222\n", 2, "ADDRESS:PORT");
	test_config_error("[ssh]\nlisten = 127.0.0.1:99999\n", 2, "ADDRESS:PORT");
	test_config_error("\n\n[limits]\nmax_sessions = lots\n", 4, "whole number");
	test_config_error("[limits]\nmax_sessions = 0\n", 2, "whole number");
	test_config_error("[limits]\noutput_high_water = 12Q\n", 2, "size");
	test_config_error("[limits]\nstdin_wait = 0\n", 2, "whole number");
	test_config_error("[limits]\nstdin_budget = 1K\n", 2, "size");
	test_config_error("[record]\nmax_bytes = 1K\n", 2, "size");
	test_config_error("[auth]\nfoo = 1\n", 2, "unknown setting \"foo\"");
	test_config_error("[telnet]\nenabled = perhaps\n", 2, "true or false");
	test_config_error("[service]\ndefault_lang = fr\n", 2, "zh or en");
	test_config_error("[service\n", 1, "syntax");
	test_config_error("[database]\nmax_size = -1\n", 2, "size");
	test_config_error("[database]\nmax_size = 10T\n", 2, "size");
	test_config_error("[limits]\nmax_startups = 100:30\n", 2, "START:RATE:FULL");
	test_config_error("[limits]\nmax_startups = 100:30:50\n", 2, "START:RATE:FULL");
	test_config_error("[limits]\nmax_startups = 10:120:50\n", 2, "START:RATE:FULL");
	test_config_error("[limits]\nmax_startups_per_address = 0\n", 2, "whole number");
	test_config_error("[limits]\nmax_sessions_per_account = -1\n", 2, "whole number");
	test_config_error("[auth]\naddress_decay = 0\n", 2, "whole number");
	test_config_error("\n[auth]\ntrusted_networks = 10.0.0.0/8, 10.0.0.300\n", 3,
			  "\"10.0.0.300\" is not an address");
	test_config_error("[auth]\ntrusted_networks = 2001:db8::/200\n", 2, "2001:db8::/200");
}

static void test_config_missing_file(void **state)
{
	struct config cfg;
	char *err = NULL;

	(void)state;
	assert_int_equal(config_load("/nonexistent/propdesk.conf", &cfg, &err), -1);
	assert_non_null(strstr(err, "/nonexistent/propdesk.conf: cannot open"));
	free(err);
	config_free(&cfg);
}

static void test_config_parse_listen_forms(void **state)
{
	char *addr = NULL;
	int port = 0;

	(void)state;
	assert_int_equal(config_parse_listen("10.0.0.1:22", &addr, &port), 0);
	assert_string_equal(addr, "10.0.0.1");
	assert_int_equal(port, 22);
	free(addr);
	assert_int_equal(config_parse_listen("[fe80::1]:2222", &addr, &port), 0);
	assert_string_equal(addr, "fe80::1");
	free(addr);
	assert_int_equal(config_parse_listen(":22", &addr, &port), -1);
	assert_int_equal(config_parse_listen("host:", &addr, &port), -1);
	assert_int_equal(config_parse_listen("host:0", &addr, &port), -1);
	assert_int_equal(config_parse_listen("[::1]2222", &addr, &port), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults_when_empty),
		cmocka_unit_test(test_config_values_parsed),
		cmocka_unit_test(test_config_connection_limits_and_trusted_networks),
		cmocka_unit_test(test_config_relative_state_dir),
		cmocka_unit_test(test_config_errors_name_file_line_reason),
		cmocka_unit_test(test_config_missing_file),
		cmocka_unit_test(test_config_parse_listen_forms),
		cmocka_unit_test(test_config_monitor_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
