/*
 * kxs: command-line client of the configuration store.
 *
 *   kxs [-s SOCKET] [--as DOMID] COMMAND ARGS...
 *   xenstore-COMMAND ARGS...          (the same, through a symlink)
 *
 * Commands: read, write, exists, list, ls, rm, mkdir, chmod, watch, dump.
 * Exit status: 0 success, 1 a store error (printed), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kxs.h"
#include "kxs_json.h"

#define TX_RETRIES 100

struct cli {
	struct kxs *h;
	const char *prog;
};

static int fail(const struct cli *c, const char *what, const char *path,
		int rc)
{
	fprintf(stderr, "%s: %s %s: %s\n", c->prog, what, path ? path : "",
		strerror(-rc));
	return 1;
}

static int cmd_read(struct cli *c, int argc, char **argv)
{
	char *val;
	size_t len;
	int i, rc;

	for (i = 0; i < argc; i++) {
		rc = kxs_read(c->h, 0, argv[i], &val, &len);
		if (rc)
			return fail(c, "read", argv[i], rc);
		fwrite(val, 1, len, stdout);
		putchar('\n');
		free(val);
	}
	return 0;
}

static int cmd_exists(struct cli *c, int argc, char **argv)
{
	char *val;
	size_t len;
	int i, rc;

	for (i = 0; i < argc; i++) {
		rc = kxs_read(c->h, 0, argv[i], &val, &len);
		if (rc)
			return 1;
		free(val);
	}
	return 0;
}

/* Runs @fn(args) inside a transaction, retrying while it loses races. */
static int in_txn(struct cli *c, int (*fn)(struct cli *, uint32_t, int,
					   char **),
		  int argc, char **argv)
{
	uint32_t tx;
	int tries, rc = -EAGAIN;

	for (tries = 0; tries < TX_RETRIES && rc == -EAGAIN; tries++) {
		rc = kxs_tx_start(c->h, &tx);
		if (rc)
			return rc;
		rc = fn(c, tx, argc, argv);
		if (rc) {
			kxs_tx_end(c->h, tx, false);
			return rc;
		}
		rc = kxs_tx_end(c->h, tx, true);
	}
	return rc;
}

static int do_write(struct cli *c, uint32_t tx, int argc, char **argv)
{
	int i, rc;

	for (i = 0; i + 1 < argc; i += 2) {
		rc = kxs_write(c->h, tx, argv[i], argv[i + 1],
			       strlen(argv[i + 1]));
		if (rc)
			return rc;
	}
	return 0;
}

static int cmd_write(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc == 0 || argc % 2)
		return 2;
	rc = in_txn(c, do_write, argc, argv);
	return rc ? fail(c, "write", argv[0], rc) : 0;
}

static int do_rm(struct cli *c, uint32_t tx, int argc, char **argv)
{
	int i, rc;

	for (i = 0; i < argc; i++) {
		rc = kxs_rm(c->h, tx, argv[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmd_rm(struct cli *c, int argc, char **argv)
{
	int rc = in_txn(c, do_rm, argc, argv);

	return rc ? fail(c, "rm", argv[0], rc) : 0;
}

static int do_mkdir(struct cli *c, uint32_t tx, int argc, char **argv)
{
	int i, rc;

	for (i = 0; i < argc; i++) {
		rc = kxs_mkdir(c->h, tx, argv[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmd_mkdir(struct cli *c, int argc, char **argv)
{
	int rc = in_txn(c, do_mkdir, argc, argv);

	return rc ? fail(c, "mkdir", argv[0], rc) : 0;
}

static int cmd_list(struct cli *c, int argc, char **argv)
{
	char *names, *p;
	size_t len;
	int rc;

	if (argc != 1)
		return 2;
	rc = kxs_directory(c->h, 0, argv[0], &names, &len);
	if (rc)
		return fail(c, "list", argv[0], rc);
	for (p = names; p < names + len; p += strlen(p) + 1)
		puts(p);
	free(names);
	return 0;
}

static char *child_path(const char *path, const char *name)
{
	size_t n = strlen(path) + strlen(name) + 2;
	char *cp = malloc(n);

	if (cp)
		snprintf(cp, n, "%s/%s", strcmp(path, "/") ? path : "", name);
	return cp;
}

/* One line per node: "<indent>name = \"value\"" ([perms] with -p). */
static int ls_tree(struct cli *c, const char *path, int depth, bool perms)
{
	char *names, *p, *val, *cp, *pm;
	size_t len, vlen, plen;
	int rc = kxs_directory(c->h, 0, path, &names, &len);

	if (rc)
		return rc;
	for (p = names; p < names + len && rc == 0; p += strlen(p) + 1) {
		cp = child_path(path, p);
		if (!cp) {
			rc = -ENOMEM;
			break;
		}
		if (kxs_read(c->h, 0, cp, &val, &vlen) == 0) {
			printf("%*s%s = \"%.*s\"", depth, "", p, (int)vlen, val);
			free(val);
			if (perms && kxs_get_perms(c->h, 0, cp, &pm, &plen) == 0) {
				char *q;

				printf("  (");
				for (q = pm; q < pm + plen; q += strlen(q) + 1)
					printf("%s%s", q == pm ? "" : ", ", q);
				printf(")");
				free(pm);
			}
			putchar('\n');
			rc = ls_tree(c, cp, depth + 1, perms);
			if (rc == -ENOENT || rc == -EACCES)
				rc = 0;
		}
		free(cp);
	}
	free(names);
	return rc;
}

static int cmd_ls(struct cli *c, int argc, char **argv)
{
	bool perms = argc > 0 && strcmp(argv[0], "-p") == 0;
	const char *path;
	int rc;

	if (perms) {
		argc--;
		argv++;
	}
	path = argc ? argv[0] : "/";
	rc = ls_tree(c, path, 0, perms);
	return rc ? fail(c, "ls", path, rc) : 0;
}

static int chmod_one(struct cli *c, uint32_t tx, const char *path,
		     int nperms, char **perms, bool recurse)
{
	char *names, *p, *cp;
	size_t len;
	int rc = kxs_set_perms(c->h, tx, path, (const char *const *)perms,
			       (unsigned)nperms);

	if (rc || !recurse)
		return rc;
	rc = kxs_directory(c->h, tx, path, &names, &len);
	if (rc)
		return rc;
	for (p = names; p < names + len && rc == 0; p += strlen(p) + 1) {
		cp = child_path(path, p);
		rc = cp ? chmod_one(c, tx, cp, nperms, perms, true) : -ENOMEM;
		free(cp);
	}
	free(names);
	return rc;
}

static bool chmod_recursive;

static int do_chmod(struct cli *c, uint32_t tx, int argc, char **argv)
{
	return chmod_one(c, tx, argv[0], argc - 1, argv + 1, chmod_recursive);
}

static int cmd_chmod(struct cli *c, int argc, char **argv)
{
	int rc;

	if (argc > 0 && strcmp(argv[0], "-r") == 0) {
		chmod_recursive = true;
		argc--;
		argv++;
	}
	if (argc < 2)
		return 2;
	rc = in_txn(c, do_chmod, argc, argv);
	return rc ? fail(c, "chmod", argv[0], rc) : 0;
}

/* watch [-n COUNT] [-T SECONDS] PATH...: prints "path token" per event. */
static int cmd_watch(struct cli *c, int argc, char **argv)
{
	long count = -1, secs = -1;
	char *path, *token;
	int i = 0, rc;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			count = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-T") == 0)
			secs = strtol(argv[i + 1], NULL, 10);
		else
			return 2;
	}
	if (i >= argc)
		return 2;
	for (; i < argc; i++) {
		rc = kxs_watch(c->h, argv[i], argv[i]);
		if (rc)
			return fail(c, "watch", argv[i], rc);
	}
	while (count != 0) {
		rc = kxs_read_watch(c->h, secs < 0 ? -1 : (int)secs * 1000,
				    &path, &token);
		if (rc == -ETIMEDOUT)
			return 0;
		if (rc)
			return fail(c, "watch", NULL, rc);
		printf("%s %s\n", path, token);
		fflush(stdout);
		free(path);
		free(token);
		if (count > 0)
			count--;
	}
	return 0;
}

static int cmd_dump(struct cli *c, int argc, char **argv)
{
	const char *path = "/";
	int i, rc;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--json") != 0)
			path = argv[i];
	rc = kxs_json_dump(c->h, path, stdout);
	if (rc == 0)
		putchar('\n');
	return rc ? fail(c, "dump", path, rc) : 0;
}

static const struct {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	int min_args;
	const char *usage;
} cmds[] = {
	{ "read", cmd_read, 1, "read PATH..." },
	{ "write", cmd_write, 2, "write PATH VALUE [PATH VALUE]..." },
	{ "exists", cmd_exists, 1, "exists PATH..." },
	{ "list", cmd_list, 1, "list PATH" },
	{ "ls", cmd_ls, 0, "ls [-p] [PATH]" },
	{ "rm", cmd_rm, 1, "rm PATH..." },
	{ "mkdir", cmd_mkdir, 1, "mkdir PATH..." },
	{ "chmod", cmd_chmod, 2, "chmod [-r] PATH PERM..." },
	{ "watch", cmd_watch, 1, "watch [-n COUNT] [-T SECONDS] PATH..." },
	{ "dump", cmd_dump, 0, "dump [--json] [PATH]" },
};

static int usage(FILE *f)
{
	unsigned i;

	fprintf(f, "usage: kxs [-s SOCKET] [--as DOMID] COMMAND ARGS...\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s\n", cmds[i].usage);
	return 2;
}

static int run(struct cli *c, const char *cmd, int argc, char **argv)
{
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmds[i].name, cmd) != 0)
			continue;
		if (argc < cmds[i].min_args)
			return usage(stderr);
		rc = cmds[i].fn(c, argc, argv);
		return rc == 2 ? usage(stderr) : rc;
	}
	fprintf(stderr, "%s: unknown command %s\n", c->prog, cmd);
	return usage(stderr);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "as", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *base = strrchr(argv[0], '/'), *sock = NULL, *cmd = NULL;
	struct cli c = { NULL, "kxs" };
	long as = -1;
	int ch, rc;

	base = base ? base + 1 : argv[0];
	if (strncmp(base, "xenstore-", 9) == 0) {
		cmd = base + 9;
		c.prog = base;
	}
	while ((ch = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': sock = optarg; break;
		case 'a': as = strtol(optarg, NULL, 10); break;
		case 'h': usage(stdout); return 0;
		default: return usage(stderr);
		}
	}
	if (!cmd) {
		if (optind >= argc)
			return usage(stderr);
		cmd = argv[optind++];
	}
	rc = kxs_open(sock, NULL, &c.h);
	if (rc)
		return fail(&c, "connect", sock ? sock : "", rc);
	if (as >= 0 && (rc = kxs_restrict(c.h, (uint32_t)as)) != 0)
		rc = fail(&c, "restrict", NULL, rc);
	else
		rc = run(&c, cmd, argc - optind, argv + optind);
	kxs_close(c.h);
	return rc;
}
