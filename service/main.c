/* main — propdeskd's command line: serve, check-config, db migrate, user add, demo seed. */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "catalog.h"
#include "demo.h"
#include "demo_eval.h"
#include "demo_movein.h"
#include "log.h"
#include "movein_rules.h"
#include "server.h"
#include "store.h"
#include "store_account.h"
#include "store_schema.h"
#include "store_seal.h"
#include "xalloc.h"

#define MAIN_DEFAULT_CONFIG "etc/propdesk.conf"
#define MAIN_PASSWORD_MAX 1024

static const char main_usage[] =
	"usage: propdeskd COMMAND [OPTIONS]\n"
	"\n"
	"The customer-service desk of a property-management company, served over SSH (and\n"
	"telnet where enabled).\n"
	"\n"
	"Commands:\n"
	"  serve                 run the service in the foreground (SIGTERM/SIGINT stop it\n"
	"                        gracefully, SIGHUP reloads the configuration)\n"
	"  check-config          validate the configuration and exit (non-zero with FILE:LINE:\n"
	"                        reason on error)\n"
	"  db migrate            create or upgrade the database in the state directory\n"
	"  demo seed [--complaints N]\n"
	"                        fill a new demo database (after its agent accounts are made)\n"
	"                        with a unit register and N (default 300) complaints over the\n"
	"                        last four months; reproducible\n"
	"  user add NAME --role agent|supervisor|auditor|admin\n"
	"                        create an account (offline; the service may be running)\n"
	"  audit init-key [--out FILE]\n"
	"                        set up the sealing of the audit log: makes its first key,\n"
	"                        seals the log so far, keeps the next key in\n"
	"                        STATE_DIR/audit-seal.key (0600), and prints the first key once\n"
	"                        (or writes it to FILE, created 0600) for the auditors to keep\n"
	"                        off this machine; a running service starts sealing within\n"
	"                        [audit] seal_interval\n"
	"\n"
	"Options for every command:\n"
	"  --config FILE         configuration file (default " MAIN_DEFAULT_CONFIG ")\n"
	"  --state-dir DIR       state directory (database, host key), overriding the config\n"
	"  -h, --help            this text\n"
	"  --version             print the version\n"
	"\n"
	"serve:\n"
	"  --ssh-listen ADDR:PORT     SSH address (default 127.0.0.1:2222)\n"
	"  --telnet-listen ADDR:PORT  enable telnet on this address (off by default)\n"
	"\n"
	"user add:\n"
	"  --role ROLE           agent, supervisor, auditor or admin (required)\n"
	"  --display TEXT        display name (e.g. 王小明)\n"
	"  --lang zh|en          default language (default zh)\n"
	"  --team SUPERVISOR     the supervising account\n"
	"  --password-stdin      read the password from the first line of standard input\n"
	"                        (without it, and without --key, a random password is printed)\n"
	"  --key FILE            add the OpenSSH public key in FILE (one \"TYPE BASE64 [COMMENT]\"\n"
	"                        line)\n";

enum {
	OPT_CONFIG = 1000,
	OPT_STATE_DIR,
	OPT_SSH_LISTEN,
	OPT_TELNET_LISTEN,
	OPT_ROLE,
	OPT_DISPLAY,
	OPT_LANG,
	OPT_TEAM,
	OPT_PASSWORD_STDIN,
	OPT_KEY,
	OPT_VERSION,
	OPT_COMPLAINTS,
	OPT_OUT,
};

struct main_opts {
	const char *config;
	bool config_given;
	const char *state_dir;
	const char *ssh_listen;
	const char *telnet_listen;
	const char *role;
	const char *display;
	const char *lang;
	const char *team;
	bool password_stdin;
	const char *key;
	const char *complaints;
	const char *out;
};

static int main_load_config(const struct main_opts *o, struct config *cfg)
{
	char *err = NULL;

	if (!o->config_given && access(o->config, R_OK) != 0) {
		config_init_defaults(cfg);
	} else if (config_load(o->config, cfg, &err) < 0) {
		fprintf(stderr, "propdeskd: %s\n", err);
		free(err);
		config_free(cfg);
		return -1;
	}
	if (o->state_dir != NULL) {
		free(cfg->state_dir);
		cfg->state_dir = xalloc_strdup(o->state_dir);
	}
	return 0;
}

static int main_open_store(const struct config *cfg, struct store **st)
{
	char err[512], *path;
	bool tightened;
	int rc;

	if (config_make_state_dir(cfg, &tightened, err, sizeof err) < 0) {
		fprintf(stderr, "propdeskd: %s\n", err);
		return -1;
	}
	if (tightened)
		fprintf(stderr, "propdeskd: state directory %s was open to others: now mode 0700\n",
		        cfg->state_dir);
	path = config_state_path(cfg, "propdesk.db");
	rc = store_open(path, 0, 5000, st);
	if (rc < 0) {
		fprintf(stderr, "propdeskd: cannot open %s: %s\n", path, store_strerror(rc, "en"));
		free(path);
		return -1;
	}
	rc = store_schema_migrate(*st);
	if (rc < 0) {
		fprintf(stderr, "propdeskd: %s: migration failed: %s\n", path,
			store_strerror(rc, "en"));
		free(path);
		store_close(*st);
		return -1;
	}
	free(path);
	return 0;
}

static int main_check_config(const struct main_opts *o)
{
	struct config cfg;
	char *err = NULL;

	if (config_load(o->config, &cfg, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
		config_free(&cfg);
		return 1;
	}
	printf("%s: ok (ssh %s:%d, telnet %s, state %s)\n", o->config, cfg.ssh_addr, cfg.ssh_port,
	       cfg.telnet_enabled ? "on" : "off", cfg.state_dir);
	config_free(&cfg);
	return 0;
}

static int main_db_migrate(const struct main_opts *o)
{
	struct config cfg;
	struct store *st;
	int v;

	if (main_load_config(o, &cfg) < 0)
		return 1;
	if (main_open_store(&cfg, &st) < 0) {
		config_free(&cfg);
		return 1;
	}
	v = store_schema_version(st);
	printf("database %s/propdesk.db at schema version %d\n", cfg.state_dir, v);
	store_close(st);
	config_free(&cfg);
	return 0;
}

/* demo seed, after the complaints: their quality evaluations (demo_eval.h) against the
 * checklist of the configuration's catalogs, when there is one. */
static int main_demo_evaluations(const struct config *cfg, struct store *st)
{
	struct demo_eval_stats es;
	struct catalog *cat = NULL;
	char *err = NULL;
	int rc;

	if (catalog_load(cfg->catalog_dir, &cat, &err) < 0) {
		fprintf(stderr, "propdeskd: demo seed: no evaluations: %s\n", err);
		free(err);
		return 0;
	}
	if (cat->checklist == NULL) {
		catalog_unref(cat);
		return 0;
	}
	rc = demo_eval_seed(st, cat->checklist, 35, DEMO_DEFAULT_SEED, &es, stderr);
	if (rc == STORE_ENOENT) {
		/* A desk without supervisors (a benchmark's) has nobody to score with. */
		printf("demo: no evaluations: the desk has no supervisor account to score with\n");
		rc = 0;
	} else if (rc == 0)
		printf("demo: %zu evaluations (%zu self-checks, %zu acknowledged, %zu disputed, %zu "
		       "of them answered)\n",
		       es.evaluations, es.self, es.acked, es.disputed, es.answered);
	catalog_unref(cat);
	return rc;
}

/* demo seed: the demo desk's units and complaints (demo.h). */
static int main_demo_seed(const struct main_opts *o)
{
	struct demo_stats ds;
	struct config cfg;
	struct store *st;
	unsigned long n = DEMO_DEFAULT_COMPLAINTS;
	char *end = NULL;
	int rc;

	if (o->complaints != NULL) {
		n = strtoul(o->complaints, &end, 10);
		if (end == o->complaints || *end != '\0' || n > DEMO_MAX_COMPLAINTS) {
			fprintf(stderr, "propdeskd: --complaints: a number from 0 to %d\n",
				DEMO_MAX_COMPLAINTS);
			return 2;
		}
	}
	if (main_load_config(o, &cfg) < 0)
		return 1;
	if (main_open_store(&cfg, &st) < 0) {
		config_free(&cfg);
		return 1;
	}
	rc = demo_seed(st, n, DEMO_DEFAULT_SEED, 0, &ds, stderr);
	if (rc == 0) {
		/* The move-ins, when the catalogs have the move-in procedure (etc/movein.ini). */
		struct movein_rules *r = NULL;
		char path[4096], *err = NULL;
		size_t started = 0;

		snprintf(path, sizeof path, "%s/movein.ini", cfg.catalog_dir);
		if (access(path, F_OK) == 0 && movein_rules_load(path, &r, &err) < 0) {
			fprintf(stderr, "propdeskd: %s\n", err);
			free(err);
			rc = -1;
		} else if (r != NULL) {
			rc = demo_movein_seed(st, r, DEMO_DEFAULT_SEED, &started, stderr);
			if (rc == 0)
				printf("demo: a new estate of 960 units (buildings 13-18); "
				       "%zu move-ins at every stage\n",
				       started);
		}
		movein_rules_free(r);
	}
	if (rc == 0)
		printf("demo: %zu units, %zu complaints (%zu notes, %zu promises: %zu kept, %zu of "
		       "them late, %zu withdrawn; %zu handovers, %zu escalations, %zu resolutions, "
		       "%zu reopenings)\n",
		       ds.units, ds.complaints, ds.notes, ds.promises, ds.promises_kept,
		       ds.promises_late, ds.promises_withdrawn, ds.handovers, ds.escalations,
		       ds.resolutions, ds.reopenings);
	if (rc == 0)
		rc = main_demo_evaluations(&cfg, st);
	store_close(st);
	config_free(&cfg);
	return rc == 0 ? 0 : 1;
}

/* Reads one "TYPE BASE64 [COMMENT]" line from an OpenSSH public key file. */
static int main_read_key(const char *file, char **type, char **blob, char **comment)
{
	char line[16384], *save = NULL, *t, *b, *c;
	unsigned char bin[8192];
	size_t binlen;
	FILE *f = fopen(file, "r");

	if (f == NULL) {
		fprintf(stderr, "propdeskd: cannot read key %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof line, f) == NULL) {
		fclose(f);
		fprintf(stderr, "propdeskd: %s is empty\n", file);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	t = strtok_r(line, " \t", &save);
	b = strtok_r(NULL, " \t", &save);
	c = strtok_r(NULL, "", &save);
	if (t == NULL || b == NULL ||
	    (strncmp(t, "ssh-", 4) != 0 && strncmp(t, "ecdsa-", 6) != 0 &&
	     strncmp(t, "sk-", 3) != 0)) {
		fprintf(stderr, "propdeskd: %s: expected an OpenSSH public key line "
				"\"TYPE BASE64 [COMMENT]\"\n", file);
		return -1;
	}
	if (sodium_base642bin(bin, sizeof bin, b, strlen(b), NULL, &binlen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		fprintf(stderr, "propdeskd: %s: the key is not valid base64\n", file);
		return -1;
	}
	*type = xalloc_strdup(t);
	*blob = xalloc_strdup(b);
	*comment = c ? xalloc_strdup(c) : NULL;
	return 0;
}

static int main_user_add(const struct main_opts *o, const char *name)
{
	struct audit_ctx ctx = { .account = "propdeskd", .role = "admin", .transport = "cli" };
	char password[MAIN_PASSWORD_MAX + 2], hash[crypto_pwhash_STRBYTES];
	char *ktype = NULL, *kblob = NULL, *kcomment = NULL;
	struct account a;
	struct config cfg;
	struct store *st = NULL;
	bool generated = false;
	size_t i;
	int rc, status = 1;

	memset(&a, 0, sizeof a);
	password[0] = '\0';
	if (o->role == NULL || role_parse(o->role) == ROLE_NONE) {
		fprintf(stderr, "propdeskd: user add needs --role agent|supervisor|auditor|admin\n");
		return 2;
	}
	if (strlen(name) < 2 || strlen(name) > 32 || name[0] < 'a' || name[0] > 'z' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(name)) {
		fprintf(stderr, "propdeskd: account names are 2-32 characters: a lower-case letter, "
				"then letters, digits, '_', '.' or '-'\n");
		return 2;
	}
	if (o->lang != NULL && strcmp(o->lang, "zh") != 0 && strcmp(o->lang, "en") != 0) {
		fprintf(stderr, "propdeskd: --lang is zh or en\n");
		return 2;
	}
	if (o->key != NULL && main_read_key(o->key, &ktype, &kblob, &kcomment) < 0)
		return 1;
	if (o->password_stdin) {
		if (fgets(password, sizeof password, stdin) == NULL) {
			fprintf(stderr, "propdeskd: no password on standard input\n");
			goto out;
		}
		password[strcspn(password, "\r\n")] = '\0';
		if (strlen(password) < 8 || strlen(password) > MAIN_PASSWORD_MAX) {
			fprintf(stderr, "propdeskd: the password must be 8 to %d characters\n",
				MAIN_PASSWORD_MAX);
			goto out;
		}
	} else if (o->key == NULL) {
		static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";

		for (i = 0; i < 12; i++)
			password[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
		password[12] = '\0';
		generated = true;
	}
	if (main_load_config(o, &cfg) < 0)
		goto out;
	if (password[0] != '\0' &&
	    auth_hash_sync(password, cfg.hash_opslimit, cfg.hash_memlimit, hash, sizeof hash) < 0) {
		fprintf(stderr, "propdeskd: out of memory hashing the password\n");
		goto out_cfg;
	}
	if (main_open_store(&cfg, &st) < 0)
		goto out_cfg;
	a.name = (char *)name;
	a.display = (char *)(o->display ? o->display : name);
	a.role = role_parse(o->role);
	a.lang = (char *)(o->lang ? o->lang : cfg.default_lang);
	a.team = (char *)o->team;
	a.pwhash = password[0] != '\0' ? hash : NULL;
	rc = store_account_add(st, &ctx, &a);
	if (rc < 0) {
		fprintf(stderr, "propdeskd: cannot add %s: %s\n", name, store_strerror(rc, "en"));
		goto out_store;
	}
	if (ktype != NULL) {
		rc = store_account_key_add(st, &ctx, name, ktype, kblob, kcomment);
		if (rc < 0) {
			fprintf(stderr, "propdeskd: account %s added, but not its key: %s\n", name,
				store_strerror(rc, "en"));
			goto out_store;
		}
	}
	printf("account %s added (%s)", name, o->role);
	if (generated)
		printf(", password: %s", password);
	printf("\n");
	status = 0;
out_store:
	store_close(st);
out_cfg:
	config_free(&cfg);
out:
	sodium_memzero(password, sizeof password);
	sodium_memzero(hash, sizeof hash);
	free(ktype);
	free(kblob);
	free(kcomment);
	return status;
}

/* audit init-key: the first sealing key (store_seal.h), shown once or written to --out. */
static int main_audit_init_key(const struct main_opts *o)
{
	static const struct audit_ctx ctx = { .account = NULL, .role = "admin", .transport = "cli" };
	struct audit_seal_key k0;
	char text[AUDIT_SEAL_KEY_FILE_MAX], *path;
	struct config cfg;
	struct store *st;
	int rc, status = 1;

	if (main_load_config(o, &cfg) < 0)
		return 1;
	if (main_open_store(&cfg, &st) < 0) {
		config_free(&cfg);
		return 1;
	}
	path = config_audit_key_path(&cfg);
	if (o->out != NULL && access(o->out, F_OK) == 0) {
		fprintf(stderr, "propdeskd: %s exists: the first key is written to a new file\n", o->out);
		goto out;
	}
	rc = store_seal_init(st, path, &ctx, cfg.audit_seal_events, cfg.audit_seal_interval_s, &k0);
	if (rc == -EEXIST || rc == STORE_EEXIST) {
		fprintf(stderr, "propdeskd: the audit log is sealed already (%s%s): its first key was "
			"given out then\n", rc == -EEXIST ? "the key state exists: " : "seals in the "
			"database", rc == -EEXIST ? path : "");
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, "propdeskd: audit init-key: %s (%s)\n",
			rc > -1000 ? strerror(-rc) : store_strerror(rc, "en"), store_last_error(st));
		goto out;
	}
	if (o->out != NULL) {
		rc = store_seal_key_write(o->out, &k0, true);
		if (rc < 0) {
			/* The key is not lost: print it rather than leave the auditors without it. */
			fprintf(stderr, "propdeskd: %s: %s; the first key follows instead\n", o->out,
				strerror(-rc));
		} else {
			printf("audit log sealed (seal #0); the first key is in %s (mode 0600): give it "
			       "to the auditors and remove it from this machine; the next key is in %s\n",
			       o->out, path);
			status = 0;
			goto out_key;
		}
	}
	audit_seal_key_format(&k0, text, sizeof text);
	fprintf(stderr, "audit log sealed (seal #0). The first key follows, shown this once: give it "
		"to the auditors (as a file) and keep it off this machine. The next key is in %s.\n",
		path);
	fputs(text, stdout);
	fflush(stdout);
	sodium_memzero(text, sizeof text);
	status = 0;
out_key:
	sodium_memzero(&k0, sizeof k0);
out:
	free(path);
	store_close(st);
	config_free(&cfg);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "ssh-listen", required_argument, NULL, OPT_SSH_LISTEN },
		{ "telnet-listen", required_argument, NULL, OPT_TELNET_LISTEN },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "display", required_argument, NULL, OPT_DISPLAY },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "team", required_argument, NULL, OPT_TEAM },
		{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "complaints", required_argument, NULL, OPT_COMPLAINTS },
		{ "out", required_argument, NULL, OPT_OUT },
		{ NULL, 0, NULL, 0 },
	};
	struct main_opts o = { .config = MAIN_DEFAULT_CONFIG };
	const char *words[3] = { NULL, NULL, NULL };
	int nwords = 0, c;

	if (sodium_init() < 0) {
		fprintf(stderr, "propdeskd: libsodium failed to initialise\n");
		return 1;
	}
	/* Options may come before or after the command words. */
	while ((c = getopt_long(argc, argv, "-h", longopts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (nwords == 3) {
				fprintf(stderr, "propdeskd: unexpected argument \"%s\"\n", optarg);
				return 2;
			}
			words[nwords++] = optarg;
			break;
		case OPT_CONFIG: o.config = optarg; o.config_given = true; break;
		case OPT_STATE_DIR: o.state_dir = optarg; break;
		case OPT_SSH_LISTEN: o.ssh_listen = optarg; break;
		case OPT_TELNET_LISTEN: o.telnet_listen = optarg; break;
		case OPT_ROLE: o.role = optarg; break;
		case OPT_DISPLAY: o.display = optarg; break;
		case OPT_LANG: o.lang = optarg; break;
		case OPT_TEAM: o.team = optarg; break;
		case OPT_PASSWORD_STDIN: o.password_stdin = true; break;
		case OPT_KEY: o.key = optarg; break;
		case 'h': fputs(main_usage, stdout); return 0;
		case OPT_VERSION: printf("propdeskd %s\n", PROPDESK_VERSION); return 0;
		case OPT_COMPLAINTS: o.complaints = optarg; break;
		case OPT_OUT: o.out = optarg; break;
		default:
			fprintf(stderr, "Try 'propdeskd --help'.\n");
			return 2;
		}
	}
	if (nwords == 0) {
		fputs(main_usage, stderr);
		return 2;
	}
	/* The database, its WAL and the host key are for the service alone. */
	umask(077);
	if (!strcmp(words[0], "serve") && nwords == 1) {
		if (!o.config_given && access(o.config, R_OK) != 0) {
			log_warn(NULL, "%s not found: using built-in defaults", o.config);
			return server_run(NULL, o.state_dir, o.ssh_listen, o.telnet_listen);
		}
		return server_run(o.config, o.state_dir, o.ssh_listen, o.telnet_listen);
	}
	if (!strcmp(words[0], "check-config") && nwords == 1)
		return main_check_config(&o);
	if (!strcmp(words[0], "db") && nwords == 2 && !strcmp(words[1], "migrate"))
		return main_db_migrate(&o);
	if (!strcmp(words[0], "demo") && nwords == 2 && !strcmp(words[1], "seed"))
		return main_demo_seed(&o);
	if (!strcmp(words[0], "user") && nwords == 3 && !strcmp(words[1], "add"))
		return main_user_add(&o, words[2]);
	if (!strcmp(words[0], "audit") && nwords == 2 && !strcmp(words[1], "init-key"))
		return main_audit_init_key(&o);
	fprintf(stderr, "propdeskd: unknown command \"%s\". Try 'propdeskd --help'.\n", words[0]);
	return 2;
}
