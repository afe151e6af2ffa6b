/*
 * Block devices in the toolstack: the disk checks against real files in a
 * temporary directory and against other guests' devices in the fake store,
 * every key and permission keel_vbd_add() writes, removal on destroy, and
 * vmctl's block commands (a fake backend and frontend move the states from
 * the sleep hook).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "tests.h"
#include "builder.h"
#include "fake_store.h"
#include "vbd.h"

static char dir[256], raw[300], raw2[300], base[300], link_[300];
static struct keel_store st;
static struct fake_hv fake;
static char *out, *err;
static char msg[KEEL_VBD_MSG_MAX];

#define FE "/local/domain/3/device/vbd/51712"
#define BE "/local/domain/0/backend/vbd/3/51712"

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/keel-vbd-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(raw, sizeof(raw), "%s/g1.img", dir);
	snprintf(raw2, sizeof(raw2), "%s/g2.img", dir);
	snprintf(base, sizeof(base), "%s/base.img", dir);
	snprintf(link_, sizeof(link_), "%s/link.img", dir);
	touch(raw);
	touch(raw2);
	touch(base);
	ck_assert_int_eq(symlink(raw, link_), 0);
	fs_reset();
	fake_store(&st);
	/* domain 3 'g1' has no disk yet; domain 7 'other' is alive */
	fs_put("/local/domain/3/name", "g1");
	fs_put("/local/domain/7/name", "other");
	memset(&fake, 0, sizeof(fake));
	fake.fill = fake_full_hv;
	fake.log = "";
	out = err = NULL;
	test_open_store = open_fake_store;
}

static void teardown(void)
{
	char cmd[300];

	test_open_store = NULL;
	test_sleep_ms = NULL;
	free(out);
	free(err);
	fs_reset();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A disk from a spec (must parse). */
static struct keel_vbd disk(const char *spec)
{
	struct keel_vbd d;

	ck_assert_msg(keel_vbd_parse(spec, dir, &d, msg, sizeof(msg)) == 0,
		      "%s: %s", spec, msg);
	return d;
}

static char *spec(const char *fmt, const char *a, const char *b)
{
	static char buf[3][700];
	static int i;
	char *s = buf[i++ % 3];

	snprintf(s, 700, fmt, a, b);
	return s;
}

/* Domain 7 uses path as its xvda with mode m ("w" or "r"). */
static void other_uses(const char *path, const char *m)
{
	fs_put("/local/domain/0/backend/vbd/7/51712/params", path);
	fs_put("/local/domain/0/backend/vbd/7/51712/mode", m);
	fs_put("/local/domain/0/backend/vbd/7/51712/type", "raw");
}

static int check1(const struct keel_vbd *d)
{
	unsigned int bad;

	return keel_vbd_check(&st, 3, d, 1, &bad, msg, sizeof(msg));
}

/* ---- the spec ---- */

START_TEST(parse_defaults_and_names)
{
	struct keel_vbd d = disk("target=g1.img,vdev=xvdb");
	unsigned int n;
	char name[8];

	ck_assert_str_eq(d.target, raw);       /* joined to dir */
	ck_assert_int_eq(d.readonly, 0);
	ck_assert_int_eq(d.format, KEEL_VBD_RAW);
	ck_assert_uint_eq(d.devid, 51728);
	ck_assert_int_eq(keel_vbd_vdev_parse("xvdp", &n), 1);
	ck_assert_uint_eq(n, 15);
	ck_assert_int_eq(keel_vbd_vdev_parse("xvdaa", &n), 0);
	ck_assert_int_eq(keel_vbd_vdev_parse("xvd", &n), 0);
	ck_assert_int_eq(keel_vbd_devid_name(51712, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "xvda");
	ck_assert_int_eq(keel_vbd_devid_name(51713, name, sizeof(name)), -EINVAL);
	ck_assert_int_eq(keel_vbd_devid_name(768, name, sizeof(name)), -EINVAL);
	ck_assert_str_eq(keel_vbd_state_name(4), "Connected");
	ck_assert_str_eq(keel_vbd_state_name(6), "Closed");
	ck_assert_str_eq(keel_vbd_state_name(-1), "?");
	ck_assert_str_eq(keel_vbd_state_name(9), "?");
}
END_TEST

/* ---- checks that need files and the store ---- */

START_TEST(check_good_raw_and_cow)
{
	struct keel_vbd d[3];
	unsigned int bad;

	d[0] = disk(spec("target=%s, vdev=xvda", raw, NULL));
	d[1] = disk(spec("format=cow, target=%s/new.cow, base=%s, vdev=xvdb", dir, base));
	d[2] = disk(spec("format=cow, target=%s/new2.cow, base=%s, vdev=xvdc", dir, base));
	ck_assert_int_eq(keel_vbd_check(&st, 3, d, 3, &bad, msg, sizeof(msg)), 0);
	/* two guests on one base, read-only: fine */
	fs_put("/local/domain/0/backend/vbd/7/51712/params", "/elsewhere.cow");
	fs_put("/local/domain/0/backend/vbd/7/51712/type", "cow");
	fs_put("/local/domain/0/backend/vbd/7/51712/base", base);
	ck_assert_msg(keel_vbd_check(&st, 3, d, 3, &bad, msg, sizeof(msg)) == 0, "%s", msg);
}
END_TEST

START_TEST(check_missing_files)
{
	struct keel_vbd d = disk("target=nothere.img, vdev=xvda");
	char expect[600];

	ck_assert_int_eq(check1(&d), -ENOENT);
	snprintf(expect, sizeof(expect), "target=%s/nothere.img: No such file or directory", dir);
	ck_assert_str_eq(msg, expect);

	d = disk("format=cow, target=g.cow, base=nobase.img, vdev=xvda");
	ck_assert_int_eq(check1(&d), -ENOENT);
	snprintf(expect, sizeof(expect), "base=%s/nobase.img: No such file or directory", dir);
	ck_assert_str_eq(msg, expect);

	d = disk("format=cow, target=nodir/g.cow, base=base.img, vdev=xvda");
	ck_assert_int_eq(check1(&d), -ENOENT);
	snprintf(expect, sizeof(expect), "target=%s/nodir/g.cow: its directory %s/nodir does not exist",
		 dir, dir);
	ck_assert_str_eq(msg, expect);

	d = disk(spec("target=%s, vdev=xvda", dir, NULL));
	ck_assert_int_eq(check1(&d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "not a regular file or a block device"));
}
END_TEST

START_TEST(check_same_file_twice)
{
	struct keel_vbd d[2];
	unsigned int bad;

	/* the same file under two names: a symlink */
	d[0] = disk(spec("target=%s, vdev=xvda", raw, NULL));
	d[1] = disk(spec("target=%s, vdev=xvdb, access=ro", link_, NULL));
	ck_assert_int_eq(keel_vbd_check(&st, 3, d, 2, &bad, msg, sizeof(msg)), -EINVAL);
	ck_assert_uint_eq(bad, 1);
	ck_assert_str_eq(msg, spec("%s is used by xvda already", link_, NULL));
	/* a cow base that is another disk's writable image */
	d[1] = disk(spec("format=cow, target=%s/o.cow, base=%s, vdev=xvdb", dir, link_));
	ck_assert_int_eq(keel_vbd_check(&st, 3, d, 2, &bad, msg, sizeof(msg)), -EINVAL);
}
END_TEST

START_TEST(check_in_use_by_another_guest)
{
	struct keel_vbd rw = disk(spec("target=%s, vdev=xvda", raw, NULL));
	struct keel_vbd ro = disk(spec("target=%s, vdev=xvda, access=ro", raw, NULL));

	other_uses(link_, "w");
	ck_assert_int_eq(check1(&rw), -EBUSY);
	ck_assert_str_eq(msg, spec("%s is attached read-write to domain 7 'other'", raw, NULL));
	ck_assert_int_eq(check1(&ro), -EBUSY);
	/* read-only there: another read-only user is fine, a writer is not */
	other_uses(raw, "r");
	ck_assert_int_eq(check1(&ro), 0);
	ck_assert_int_eq(check1(&rw), -EBUSY);
	ck_assert_str_eq(msg, spec("%s is attached read-only to domain 7 'other'", raw, NULL));
	/* a domain's own devices do not count */
	other_uses(raw, "w");
	ck_assert_int_eq(keel_vbd_check(&st, 7, &rw, 1, &(unsigned int){ 0 }, msg,
					sizeof(msg)), 0);
	/* nor does a dead domain's left-over directory */
	st.ops->rm(st.ctx, "/local/domain/7");
	ck_assert_int_eq(check1(&rw), 0);
	/* another file: fine */
	other_uses(raw2, "w");
	fs_put("/local/domain/7/name", "other");
	ck_assert_int_eq(check1(&rw), 0);
}
END_TEST

/* ---- the store directories ---- */

static void assert_keys(int cow)
{
	ck_assert_str_eq(fs_perms(FE), "n3 r0");
	ck_assert_str_eq(fs_get(FE "/backend"), BE);
	ck_assert_str_eq(fs_get(FE "/backend-id"), "0");
	ck_assert_str_eq(fs_get(FE "/state"), "1");
	ck_assert_str_eq(fs_get(FE "/virtual-device"), "51712");
	ck_assert_str_eq(fs_get(FE "/device-type"), "disk");
	ck_assert_str_eq(fs_perms(FE "/state"), "n3 r0");

	ck_assert_str_eq(fs_perms(BE), "n0 r3");
	ck_assert_str_eq(fs_get(BE "/frontend"), FE);
	ck_assert_str_eq(fs_get(BE "/frontend-id"), "3");
	ck_assert_str_eq(fs_get(BE "/online"), "1");
	ck_assert_str_eq(fs_get(BE "/state"), "1");
	ck_assert_str_eq(fs_get(BE "/dev"), "xvda");
	ck_assert_str_eq(fs_get(BE "/type"), cow ? "cow" : "raw");
	ck_assert_str_eq(fs_get(BE "/mode"), cow ? "w" : "r");
	ck_assert_str_eq(fs_perms(BE "/params"), "n0 r3");
	if (cow)
		ck_assert_str_eq(fs_get(BE "/base"), base);
	else
		ck_assert_ptr_null(fs_get(BE "/base"));
}

START_TEST(add_writes_every_key_and_perm)
{
	struct keel_vbd d = disk(spec("target=%s, vdev=xvda, access=ro", raw, NULL));
	int i, state_at = -1, last = -1;

	ck_assert_int_eq(keel_vbd_add(&st, 3, &d), 0);
	assert_keys(0);
	ck_assert_str_eq(fs_get(BE "/params"), raw);
	/* without transactions, the backend's state is written last */
	for (i = 0; i < fs_n; i++) {
		if (!strncmp(fs[i].path, "/local/domain/0/backend/", 24))
			last = i;
		if (!strcmp(fs[i].path, BE "/state"))
			state_at = i;
	}
	ck_assert_int_eq(state_at, last);
	ck_assert_int_eq(fs_tx_started, 0);
}
END_TEST

START_TEST(add_cow_in_a_transaction)
{
	struct keel_vbd d = disk(spec("format=cow, target=%s/g.cow, base=%s, vdev=xvda", dir, base));

	fs_tx = 1;
	fake_store(&st);
	ck_assert_int_eq(keel_vbd_add(&st, 3, &d), 0);
	ck_assert_int_eq(fs_tx_started, 1);
	ck_assert_int_eq(fs_tx_committed, 1);
	assert_keys(1);
	ck_assert_str_eq(fs_get(BE "/params"), spec("%s/g.cow", dir, NULL));
}
END_TEST

START_TEST(add_failure_leaves_nothing)
{
	struct keel_vbd d = disk(spec("target=%s, vdev=xvda", raw, NULL));

	fs_fail_write = 1;
	ck_assert_int_eq(keel_vbd_add(&st, 3, &d), -EACCES);
	fs_fail_write = 0;
	ck_assert_ptr_null(fs_get(FE));
	ck_assert_ptr_null(fs_get(BE));
}
END_TEST

START_TEST(remove_one_and_all)
{
	struct keel_vbd a = disk(spec("target=%s, vdev=xvda", raw, NULL));
	struct keel_vbd b = disk(spec("target=%s, vdev=xvdb", raw2, NULL));

	ck_assert_int_eq(keel_vbd_add(&st, 3, &a), 0);
	ck_assert_int_eq(keel_vbd_add(&st, 3, &b), 0);
	ck_assert_int_eq(keel_vbd_remove(&st, 3, 51728), 0);
	ck_assert_ptr_null(fs_get("/local/domain/0/backend/vbd/3/51728/params"));
	ck_assert_ptr_null(fs_get("/local/domain/3/device/vbd/51728/state"));
	ck_assert_ptr_nonnull(fs_get(BE "/params"));
	ck_assert_int_eq(keel_vbd_remove(&st, 3, 51728), 0);     /* gone: fine */
	other_uses(raw2, "w");
	/* destroy: keel_dom_store_remove takes the backends along */
	ck_assert_int_eq(keel_dom_store_remove(&st, 3), 0);
	ck_assert_ptr_null(fs_get(BE "/params"));
	ck_assert_ptr_null(fs_get(FE "/state"));
	ck_assert_ptr_nonnull(fs_get("/local/domain/0/backend/vbd/7/51712/params"));
	ck_assert_int_eq(keel_vbd_remove_all(&st, 3), 0);
}
END_TEST

/* ---- vmctl ---- */

#define ARGV(...) ((char *[]){ "vmctl", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "vmctl", __VA_ARGS__ }) / sizeof(char *)))
#define RUN(...) run_vmctl(&fake, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &out, &err)

/* What the backend and the frontend do while vmctl sleeps. */
static int sleeps, connect_after, close_after;

static void fake_ends(unsigned int ms)
{
	(void)ms;
	sleeps++;
	if (connect_after >= 0 && sleeps == connect_after) {
		fs_put(BE "/sectors", "131072");
		fs_put(BE "/state", "4");
		fs_put(FE "/state", "4");
	}
	if (close_after >= 0 && sleeps == close_after)
		fs_put(FE "/state", "6");
}

static void attached(const char *be_state, const char *fe_state)
{
	struct keel_vbd d = disk(spec("target=%s, vdev=xvda", raw, NULL));

	ck_assert_int_eq(keel_vbd_add(&st, 3, &d), 0);
	fs_put(BE "/state", be_state);
	fs_put(FE "/state", fe_state);
}

START_TEST(attach_waits_for_connected)
{
	sleeps = 0;
	connect_after = 3;
	close_after = -1;
	test_sleep_ms = fake_ends;
	ck_assert_int_eq(RUN("block-attach", "g1", spec("target=%s,vdev=xvda", raw, NULL)),
			 VMCTL_OK);
	ck_assert_str_eq(out, "xvda attached to g1 (id 3): Connected, 131072 sectors\n");
	ck_assert_int_eq(sleeps, 3);
	ck_assert_str_eq(fs_get(BE "/params"), raw);
}
END_TEST

START_TEST(attach_times_out_saying_the_state)
{
	sleeps = 0;
	connect_after = close_after = -1;
	test_sleep_ms = fake_ends;
	ck_assert_int_eq(RUN("block-attach", "g1", spec("target=%s,vdev=xvda", raw, NULL),
			     "--wait", "2"), VMCTL_FAIL);
	ck_assert_int_eq(sleeps, 20);
	ck_assert_ptr_nonnull(strstr(err, "xvda of 'g1' (id 3) is not connected after 2 s: "
				     "backend Initialising (1), frontend Initialising (1); "
				     "is keel-blkback running?"));
	ck_assert_ptr_nonnull(strstr(err, "'vmctl block-detach g1 xvda --force' removes them"));
	ck_assert_ptr_nonnull(fs_get(BE "/params"));     /* left for detach */
}
END_TEST

START_TEST(attach_reports_hotplug_error)
{
	test_sleep_ms = fake_ends;
	sleeps = 0;
	connect_after = close_after = -1;
	fs_put(BE "/hotplug-error", "Permission denied");   /* as if blkback wrote it */
	ck_assert_int_eq(RUN("block-attach", "g1", spec("target=%s,vdev=xvda", raw, NULL)),
			 VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "keel-blkback cannot open"));
	ck_assert_ptr_nonnull(strstr(err, "Permission denied"));
}
END_TEST

START_TEST(attach_refusals)
{
	ck_assert_int_eq(RUN("block-attach", "g1", "target=/nonexistent.img,vdev=xvda"),
			 VMCTL_FAIL);
	ck_assert_str_eq(err, "vmctl: block-attach: target=/nonexistent.img: No such file or directory\n");
	ck_assert_ptr_null(fs_get(BE "/params"));
	free(out);
	free(err);
	attached("4", "4");
	ck_assert_int_eq(RUN("block-attach", "g1", spec("target=%s,vdev=xvda", raw2, NULL)),
			 VMCTL_FAIL);
	ck_assert_str_eq(err, "vmctl: block-attach: 'g1' (id 3) has a disk xvda already\n");
	free(out);
	free(err);
	ck_assert_int_eq(RUN("block-attach", "nosuch", spec("target=%s,vdev=xvdb", raw2, NULL)),
			 VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "no domain called 'nosuch'"));
	free(out);
	free(err);
	other_uses(raw2, "w");
	ck_assert_int_eq(RUN("block-attach", "g1", spec("target=%s,vdev=xvdb", raw2, NULL)),
			 VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "is attached read-write to domain 7 'other'"));
	ck_assert_ptr_null(fs_get("/local/domain/0/backend/vbd/3/51728/params"));
}
END_TEST

START_TEST(detach_waits_for_closed)
{
	attached("4", "4");
	sleeps = 0;
	connect_after = -1;
	close_after = 2;
	test_sleep_ms = fake_ends;
	ck_assert_int_eq(RUN("block-detach", "g1", "xvda"), VMCTL_OK);
	ck_assert_str_eq(out, "xvda detached from g1 (id 3)\n");
	ck_assert_int_eq(sleeps, 2);
	ck_assert_ptr_null(fs_get(BE "/state"));
	ck_assert_ptr_null(fs_get(FE "/state"));
}
END_TEST

START_TEST(detach_times_out_then_force)
{
	attached("4", "4");
	sleeps = 0;
	connect_after = close_after = -1;
	test_sleep_ms = fake_ends;
	ck_assert_int_eq(RUN("block-detach", "g1", "xvda", "--wait", "1"), VMCTL_FAIL);
	ck_assert_int_eq(sleeps, 10);
	ck_assert_str_eq(fs_get(BE "/online"), "0");
	ck_assert_str_eq(fs_get(BE "/state"), "5");
	ck_assert_ptr_nonnull(strstr(err, "the frontend of xvda in 'g1' (id 3) is still "
				     "Connected (4) after 1 s"));
	free(out);
	free(err);
	ck_assert_int_eq(RUN("block-detach", "g1", "xvda", "--force"), VMCTL_OK);
	ck_assert_str_eq(out, "xvda detached from g1 (id 3) (forced)\n");
	ck_assert_ptr_null(fs_get(BE "/params"));
	ck_assert_ptr_null(fs_get(FE "/backend"));
}
END_TEST

START_TEST(detach_never_connected_frontend)
{
	attached("2", "1");   /* a guest without blkfront */
	test_sleep_ms = fake_ends;
	sleeps = 0;
	connect_after = close_after = -1;
	ck_assert_int_eq(RUN("block-detach", "g1", "xvda"), VMCTL_OK);
	ck_assert_int_eq(sleeps, 0);
	ck_assert_ptr_null(fs_get(BE "/params"));
}
END_TEST

START_TEST(detach_unknown_vdev)
{
	attached("4", "4");
	ck_assert_int_eq(RUN("block-detach", "g1", "xvdc"), VMCTL_FAIL);
	ck_assert_str_eq(err, "vmctl: block-detach: 'g1' (id 3) has no disk xvdc (its disks: xvda)\n");
	ck_assert_ptr_nonnull(fs_get(BE "/params"));
}
END_TEST

START_TEST(list_text_and_json)
{
	char ebuf[128];
	yajl_val t, a;

	attached("4", "4");
	fs_put(BE "/sectors", "131072");
	fs_put(BE "/keel-requests", "42");
	fs_put(BE "/keel-errors", "1");
	fs_put("/local/domain/3/device/vbd/51728/state", "1");   /* frontend only */
	ck_assert_int_eq(RUN("block-list", "g1"), VMCTL_OK);
	ck_assert_ptr_nonnull(strstr(out, "vdev  backend       frontend      mode      sectors   requests  errors  image\n"));
	ck_assert_ptr_nonnull(strstr(out, spec("xvda  Connected     Connected     rw         131072         42       1  %s\n", raw, NULL)));
	ck_assert_ptr_nonnull(strstr(out, "xvdb  -             Initialising  -               -          -       -  -\n"));
	free(out);
	free(err);
	ck_assert_int_eq(RUN("block-list", "g1", "--json"), VMCTL_OK);
	t = yajl_tree_parse(out, ebuf, sizeof(ebuf));
	ck_assert_ptr_nonnull(t);
	ck_assert(YAJL_IS_ARRAY(t));
	ck_assert_uint_eq(t->u.array.len, 2);
	a = t->u.array.values[0];
	ck_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(a, (const char *[]){ "vdev", NULL },
						       yajl_t_string)), "xvda");
	ck_assert_int_eq(YAJL_GET_INTEGER(yajl_tree_get(a, (const char *[]){ "backend_state", NULL },
							yajl_t_number)), 4);
	ck_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(a, (const char *[]){ "frontend_state_name", NULL },
						       yajl_t_string)), "Connected");
	ck_assert_int_eq(YAJL_GET_INTEGER(yajl_tree_get(a, (const char *[]){ "requests", NULL },
							yajl_t_number)), 42);
	ck_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(a, (const char *[]){ "mode", NULL },
						       yajl_t_string)), "rw");
	a = t->u.array.values[1];
	ck_assert(YAJL_IS_NULL(yajl_tree_get(a, (const char *[]){ "sectors", NULL }, yajl_t_any)));
	ck_assert(YAJL_IS_NULL(yajl_tree_get(a, (const char *[]){ "backend_state", NULL }, yajl_t_any)));
	yajl_tree_free(t);
}
END_TEST

START_TEST(disk_create_sparse_and_exclusive)
{
	char path[400];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/new.img", dir);
	ck_assert_int_eq(RUN("disk-create", path, "64M"), VMCTL_OK);
	ck_assert_ptr_nonnull(strstr(out, "64 MiB sparse raw image (131072 sectors)"));
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_size, 64 << 20);
	ck_assert_int_lt(sb.st_blocks, 64);          /* sparse */
	free(out);
	free(err);
	ck_assert_int_eq(RUN("disk-create", raw, "1G"), VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "exists already; not overwritten"));
	ck_assert_int_eq(stat(raw, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);             /* untouched */
	free(out);
	free(err);
	snprintf(path, sizeof(path), "%s/nodir/x.img", dir);
	ck_assert_int_eq(RUN("disk-create", path, "1G"), VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
}
END_TEST

/* Argument errors: each is refused before the store is touched. */
static const struct {
	const char *argv[6];
	const char *error;
} bad_args[] = {
	{ { "block-attach", "g1" }, "block-attach: missing argument" },
	{ { "block-attach", "g1", "target=/x,vdev=xvda", "extra" },
	  "block-attach: unexpected argument 'extra'" },
	{ { "block-attach", "g1", "target=/x" },
	  "block-attach: \"target=/x\": no vdev= (xvda .. xvdp)" },
	{ { "block-attach", "g1", "target=/x,vdev=xvda,colour=red" },
	  "block-attach: \"target=/x,vdev=xvda,colour=red\": unknown key 'colour'" },
	{ { "block-attach", "g1", "target=/x,vdev=xvda", "--wait", "x" },
	  "block-attach: --wait: expected seconds 0..3600, got 'x'" },
	{ { "block-attach", "g1", "target=/x,vdev=xvda", "--force" },
	  "block-attach: unknown option '--force'" },
	{ { "block-detach", "g1" }, "block-detach: missing argument" },
	{ { "block-detach", "g1", "sda" },
	  "block-detach: 'sda' is not a vdev (xvda .. xvdp)" },
	{ { "block-detach", "g1", "xvda", "--wait", "0" },
	  "block-detach: --wait: expected seconds 1..3600, got '0'" },
	{ { "block-detach", "g1", "xvda", "--now" },
	  "block-detach: unknown option '--now'" },
	{ { "block-list" }, "block-list: missing argument" },
	{ { "block-list", "g1", "--yaml" }, "block-list: unknown option '--yaml'" },
	{ { "disk-create", "/tmp/x.img" }, "disk-create: missing argument" },
	{ { "disk-create", "/tmp/x.img", "lots" },
	  "disk-create: 'lots' is not a size (e.g. 64M, 1G; at most 1 TiB)" },
	{ { "disk-create", "/tmp/x.img", "0M" },
	  "disk-create: '0M' is not a size" },
	{ { "disk-create", "/tmp/x.img", "2T" },
	  "disk-create: '2T' is not a size" },
	{ { "disk-create", "", "1G" }, "disk-create: empty PATH" },
};

START_TEST(argument_errors)
{
	size_t i = (size_t)_i;
	char *argv[8] = { "vmctl" };
	int argc = 1;

	while (argc < 7 && bad_args[i].argv[argc - 1]) {
		argv[argc] = (char *)bad_args[i].argv[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	ck_assert_int_eq(run_vmctl(&fake, argc, argv, &out, &err), VMCTL_USAGE);
	ck_assert_msg(strstr(err, bad_args[i].error), "bad_args[%zu]: got '%s'", i, err);
	ck_assert_msg(strstr(err, "usage: vmctl "), "bad_args[%zu]: no usage", i);
	ck_assert_int_eq(fake.calls, 0);
	ck_assert_int_eq(fs_n, 2);      /* the two names of setup() */
}
END_TEST

START_TEST(help_for_each)
{
	static const char *const cmds[] = { "block-attach", "block-detach", "block-list",
					    "disk-create" };

	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(RUN("help", (char *)cmds[i]), VMCTL_OK);
		ck_assert_ptr_nonnull(strstr(out, "usage: vmctl "));
		ck_assert_ptr_nonnull(strstr(out, cmds[i]));
		free(out);
		free(err);
	}
	out = err = NULL;
}
END_TEST

Suite *vbd_suite(void)
{
	Suite *s = suite_create("vbd");
	TCase *tc = tcase_create("builder");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parse_defaults_and_names);
	tcase_add_test(tc, check_good_raw_and_cow);
	tcase_add_test(tc, check_missing_files);
	tcase_add_test(tc, check_same_file_twice);
	tcase_add_test(tc, check_in_use_by_another_guest);
	tcase_add_test(tc, add_writes_every_key_and_perm);
	tcase_add_test(tc, add_cow_in_a_transaction);
	tcase_add_test(tc, add_failure_leaves_nothing);
	tcase_add_test(tc, remove_one_and_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("vmctl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, attach_waits_for_connected);
	tcase_add_test(tc, attach_times_out_saying_the_state);
	tcase_add_test(tc, attach_reports_hotplug_error);
	tcase_add_test(tc, attach_refusals);
	tcase_add_test(tc, detach_waits_for_closed);
	tcase_add_test(tc, detach_times_out_then_force);
	tcase_add_test(tc, detach_never_connected_frontend);
	tcase_add_test(tc, detach_unknown_vdev);
	tcase_add_test(tc, list_text_and_json);
	tcase_add_test(tc, disk_create_sparse_and_exclusive);
	tcase_add_loop_test(tc, argument_errors, 0,
			    (int)(sizeof(bad_args) / sizeof(bad_args[0])));
	tcase_add_test(tc, help_for_each);
	suite_add_tcase(s, tc);
	return s;
}
