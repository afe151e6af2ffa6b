/*
 * Block device commands: block-attach, block-detach, block-list and
 * disk-create.  The store directories and the disk spec are the builder's
 * (builder/vbd.h); these commands add the run-time handshake: attach waits
 * for the backend to connect, detach asks both ends to close and waits for
 * the frontend's Closed before removing the directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include <public/io/blkif.h>
#include <public/io/xenbus.h>

#include "vmctl.h"
#include "vbd.h"

#define POLL_MS 100

static int cmd_block_attach(struct vmctl *v, int argc, char **argv);
static int cmd_block_detach(struct vmctl *v, int argc, char **argv);
static int cmd_block_list(struct vmctl *v, int argc, char **argv);
static int cmd_disk_create(struct vmctl *v, int argc, char **argv);

const struct vmctl_cmd vmctl_block_cmds[] = {
	{ "block-attach", "DOMAIN SPEC [--wait SECONDS]",
	  "give a running guest a disk",
	  "SPEC is one disk spec as in a configuration's disk = [ ... ] line:\n"
	  "  \"target=/var/lib/keel/disks/g1.img, vdev=xvdb, access=rw, format=raw\"\n"
	  "  \"format=cow, target=g1.cow, base=base.img, vdev=xvdb\"\n"
	  "keys: target (the image; a cow overlay is created by the backend if\n"
	  "missing), vdev (xvda .. xvdp), access (rw or ro, default rw), format\n"
	  "(raw or cow, default raw), base (cow only).  A relative path is taken\n"
	  "from the current directory.  The image must exist and not be in use\n"
	  "read-write by another guest.  Writes the device's store entries and\n"
	  "waits until keel-blkback has connected it to the guest.\n\n"
	  "  -w, --wait SECONDS  how long to wait for Connected (default 10; 0: do\n"
	  "                      not wait); exit status 1, and the state it is in,\n"
	  "                      if it is not connected by then\n",
	  cmd_block_attach },
	{ "block-detach", "DOMAIN VDEV [--force] [--wait SECONDS]",
	  "take a disk away from a guest",
	  "Asks the backend and the guest to close VDEV (xvda .. xvdp), waits for\n"
	  "the guest's frontend to reach Closed, then removes the device's store\n"
	  "entries.  Requests the guest has not had answered by then fail in the\n"
	  "guest.\n\n"
	  "  -f, --force         remove the entries at once, without asking\n"
	  "  -w, --wait SECONDS  how long to wait for the guest (default 10, 1..3600);\n"
	  "                      exit status 1 if it has not closed by then\n",
	  cmd_block_detach },
	{ "block-list", "DOMAIN [--json]", "list a guest's disks",
	  "One line per disk: vdev, the backend's and the frontend's handshake\n"
	  "state, the image, the mode (rw or ro), its size in 512-byte sectors,\n"
	  "and the requests keel-blkback has served and answered with an error.\n"
	  "A - is a value not written yet.\n\n"
	  "  -j, --json   a JSON array instead (states as numbers and names)\n",
	  cmd_block_list },
	{ "disk-create", "PATH SIZE", "make a new, empty (sparse) raw disk image",
	  "SIZE is a number with a unit K, M or G (no unit: MiB), e.g. 64M or 1G.\n"
	  "The file takes no space until the guest writes to it.  An existing\n"
	  "file is never overwritten.  Guest images usually live in\n"
	  "/var/lib/keel/disks (dom0's data disk).  `qemu-img create -f raw PATH\n"
	  "SIZE` makes the same file.\n",
	  cmd_disk_create },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* ---- parsing ---- */

static int wait_set(struct vmctl *v, const char *cmd, unsigned long lo,
		    const char *arg, unsigned int *wait_s)
{
	if (vmctl_parse_uint(arg, lo, 3600, wait_s)) {
		vmctl_usage_error(v, vmctl_find_cmd(cmd),
				  "%s: --wait: expected seconds %lu..3600, got '%s'",
				  cmd, lo, arg);
		return -EINVAL;
	}
	return 0;
}

static int attach_set(struct vmctl *v, const char *cmd, int opt, const char *arg,
		      void *p)
{
	struct vmctl_block_attach_opts *o = p;

	if (opt != 'w')
		return -EINVAL;
	return wait_set(v, cmd, 0, arg, &o->wait_s);
}

int vmctl_block_attach_parse(struct vmctl *v, int argc, char **argv,
			     struct vmctl_block_attach_opts *o)
{
	static const struct option longopts[] = {
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	char cwd[KEEL_VBD_PATH_MAX / 2], msg[KEEL_VBD_MSG_MAX];
	int first, rc;

	memset(o, 0, sizeof(*o));
	o->wait_s = VMCTL_BLOCK_WAIT_DEFAULT;
	rc = vmctl_getopt(v, "block-attach", argc, argv, ":w:", longopts, attach_set,
			  o, 2, &first);
	if (rc)
		return rc;
	o->domain = argv[first];
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if (keel_vbd_parse(argv[first + 1], strcmp(cwd, "/") ? cwd : "", &o->disk,
			   msg, sizeof(msg))) {
		vmctl_usage_error(v, vmctl_find_cmd("block-attach"),
				  "block-attach: \"%s\": %s", argv[first + 1], msg);
		return -EINVAL;
	}
	return 0;
}

static int detach_set(struct vmctl *v, const char *cmd, int opt, const char *arg,
		      void *p)
{
	struct vmctl_block_detach_opts *o = p;

	switch (opt) {
	case 'f':
		o->force = 1;
		return 0;
	case 'w':
		return wait_set(v, cmd, 1, arg, &o->wait_s);
	}
	return -EINVAL;
}

int vmctl_block_detach_parse(struct vmctl *v, int argc, char **argv,
			     struct vmctl_block_detach_opts *o)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int first, rc;

	memset(o, 0, sizeof(*o));
	o->wait_s = VMCTL_BLOCK_WAIT_DEFAULT;
	rc = vmctl_getopt(v, "block-detach", argc, argv, ":fw:", longopts, detach_set,
			  o, 2, &first);
	if (rc)
		return rc;
	o->domain = argv[first];
	o->vdev = argv[first + 1];
	if (!keel_vbd_vdev_parse(o->vdev, &o->disk)) {
		vmctl_usage_error(v, vmctl_find_cmd("block-detach"),
				  "block-detach: '%s' is not a vdev (xvda .. xvdp)", o->vdev);
		return -EINVAL;
	}
	return 0;
}

int vmctl_block_list_parse(struct vmctl *v, int argc, char **argv,
			   struct vmctl_block_list_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int first, rc;

	memset(o, 0, sizeof(*o));
	rc = vmctl_getopt(v, "block-list", argc, argv, ":j", longopts, vmctl_flag_set,
			  &o->json, 1, &first);
	if (!rc)
		o->domain = argv[first];
	return rc;
}

int vmctl_disk_create_parse(struct vmctl *v, int argc, char **argv,
			    struct vmctl_disk_create_opts *o)
{
	static const struct option longopts[] = { { NULL, 0, NULL, 0 } };
	uint64_t kib;
	int first, rc;

	memset(o, 0, sizeof(*o));
	rc = vmctl_getopt(v, "disk-create", argc, argv, "+:", longopts, vmctl_no_opts,
			  NULL, 2, &first);
	if (rc)
		return rc;
	o->path = argv[first];
	if (!o->path[0]) {
		vmctl_usage_error(v, vmctl_find_cmd("disk-create"),
				  "disk-create: empty PATH");
		return -EINVAL;
	}
	if (vmctl_parse_size_kib(argv[first + 1], &kib)) {
		vmctl_usage_error(v, vmctl_find_cmd("disk-create"),
				  "disk-create: '%s' is not a size (e.g. 64M, 1G; at most 1 TiB)",
				  argv[first + 1]);
		return -EINVAL;
	}
	o->bytes = kib * 1024;
	return 0;
}

/* ---- the store ---- */

/* DIR/KEY as a number; -1 if it is missing or not one. */
static long long read_num(struct keel_store *st, const char *dir, const char *key)
{
	char path[160], *val, *end;
	long long n;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (st->ops->read(st->ctx, path, &val))
		return -1;
	errno = 0;
	n = strtoll(val, &end, 10);
	if (errno || end == val || *end || n < 0)
		n = -1;
	free(val);
	return n;
}

static void read_str(struct keel_store *st, const char *dir, const char *key,
		     char *buf, size_t size)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (keel_store_read_str(st, path, buf, size))
		buf[0] = '\0';
}

/* 1 if the store has the directory (or key) at path. */
static int exists(struct keel_store *st, const char *path)
{
	char *val;

	if (st->ops->read(st->ctx, path, &val))
		return 0;
	free(val);
	return 1;
}

void vmctl_vbd_row_read(struct keel_store *st, uint16_t domid, uint32_t devid,
			struct vmctl_vbd_row *r)
{
	char be[96], fe[96];

	memset(r, 0, sizeof(*r));
	r->devid = devid;
	if (keel_vbd_devid_name(devid, r->vdev, sizeof(r->vdev)))
		snprintf(r->vdev, sizeof(r->vdev), "%u", devid);
	keel_vbd_backend_path(be, sizeof(be), domid, devid);
	keel_vbd_frontend_path(fe, sizeof(fe), domid, devid);
	r->be_state = (int)read_num(st, be, "state");
	r->fe_state = (int)read_num(st, fe, "state");
	read_str(st, be, "params", r->image, sizeof(r->image));
	read_str(st, be, "base", r->base, sizeof(r->base));
	read_str(st, be, "type", r->type, sizeof(r->type));
	read_str(st, be, "mode", r->mode, sizeof(r->mode));
	read_str(st, be, "hotplug-error", r->error, sizeof(r->error));
	r->sectors = read_num(st, be, "sectors");
	r->requests = read_num(st, be, "keel-requests");
	r->errors = read_num(st, be, "keel-errors");
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Adds the numeric children of path to ids (once each). */
static void collect_ids(struct keel_store *st, const char *path, uint32_t *ids,
			size_t *n, size_t max)
{
	char *names, *p, *end;
	size_t len, i;

	if (st->ops->directory(st->ctx, path, &names, &len))
		return;
	for (p = names; p < names + len; p += strlen(p) + 1) {
		unsigned long id = strtoul(p, &end, 10);

		if (!*p || *end || id > UINT32_MAX)
			continue;
		for (i = 0; i < *n && ids[i] != id; i++)
			;
		if (i == *n && *n < max)
			ids[(*n)++] = (uint32_t)id;
	}
	free(names);
}

/*
 * The devices of domid: every devid with a backend or a frontend
 * directory, sorted.  Returns how many (at most max).
 */
size_t vmctl_vbd_ids(struct keel_store *st, uint16_t domid, uint32_t *ids, size_t max)
{
	char path[96];
	size_t n = 0;

	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", domid);
	collect_ids(st, path, ids, &n, max);
	snprintf(path, sizeof(path), "/local/domain/%u/device/vbd", domid);
	collect_ids(st, path, ids, &n, max);
	qsort(ids, n, sizeof(*ids), cmp_u32);
	return n;
}

/* ---- block-list output ---- */

static const char *state_word(int state, char *buf, size_t size)
{
	if (state < 0)
		return "-";
	snprintf(buf, size, "%s", keel_vbd_state_name(state));
	return buf;
}

static const char *num_word(long long n, char *buf, size_t size)
{
	if (n < 0)
		return "-";
	snprintf(buf, size, "%lld", n);
	return buf;
}

static const char *mode_word(const struct vmctl_vbd_row *r)
{
	if (!r->mode[0])
		return "-";
	return strcmp(r->mode, "r") ? "rw" : "ro";
}

void vmctl_block_list_print(FILE *out, const struct vmctl_vbd_row *rows, size_t n)
{
	char bs[16], fs[16], sec[24], req[24], errs[24];
	size_t i;

	fprintf(out, "%-5s %-13s %-13s %-4s %12s %10s %7s  %s\n", "vdev", "backend",
		"frontend", "mode", "sectors", "requests", "errors", "image");
	for (i = 0; i < n; i++) {
		const struct vmctl_vbd_row *r = &rows[i];

		fprintf(out, "%-5s %-13s %-13s %-4s %12s %10s %7s  %s", r->vdev,
			state_word(r->be_state, bs, sizeof(bs)),
			state_word(r->fe_state, fs, sizeof(fs)), mode_word(r),
			num_word(r->sectors, sec, sizeof(sec)),
			num_word(r->requests, req, sizeof(req)),
			num_word(r->errors, errs, sizeof(errs)),
			r->image[0] ? r->image : "-");
		if (!strcmp(r->type, "cow"))
			fprintf(out, " (cow over %s)", r->base);
		if (r->error[0])
			fprintf(out, "  [error: %s]", r->error);
		fputc('\n', out);
	}
}

static int json_opt_int(yajl_gen g, const char *k, long long v)
{
	if (v >= 0)
		return vmctl_json_int(g, k, (uint64_t)v);
	if (vmctl_json_key(g, k))
		return -ENOMEM;
	return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -ENOMEM;
}

static int json_state(yajl_gen g, const char *k, const char *kname, int state)
{
	if (json_opt_int(g, k, state))
		return -ENOMEM;
	if (state < 0)
		return json_opt_int(g, kname, -1);
	return vmctl_json_str(g, kname, keel_vbd_state_name(state));
}

static int json_row(yajl_gen g, const void *p)
{
	const struct vmctl_vbd_row *r = p;

	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    vmctl_json_str(g, "vdev", r->vdev) ||
	    vmctl_json_int(g, "devid", r->devid) ||
	    json_state(g, "backend_state", "backend_state_name", r->be_state) ||
	    json_state(g, "frontend_state", "frontend_state_name", r->fe_state) ||
	    vmctl_json_str(g, "image", r->image) ||
	    vmctl_json_str(g, "format", r->type) ||
	    (!strcmp(r->type, "cow") && vmctl_json_str(g, "base", r->base)) ||
	    vmctl_json_str(g, "mode", r->mode[0] ? mode_word(r) : "") ||
	    json_opt_int(g, "sectors", r->sectors) ||
	    json_opt_int(g, "requests", r->requests) ||
	    json_opt_int(g, "errors", r->errors) ||
	    (r->error[0] && vmctl_json_str(g, "hotplug_error", r->error)) ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok)
		return -ENOMEM;
	return 0;
}

int vmctl_block_list_json(const struct vmctl_vbd_row *rows, size_t n, char **json)
{
	return vmctl_json_array(rows, n, sizeof(*rows), json_row, json);
}

/* ---- commands ---- */

/* Resolves a guest (not dom0) and connects the store; NULL after saying why. */
static struct keel_store *guest_store(struct vmctl *v, const char *cmd,
				      const char *dom, uint16_t *id, char *name,
				      size_t size)
{
	if (vmctl_resolve(v, dom, id, name, size) || vmctl_not_dom0(v, cmd, *id))
		return NULL;
	if (!name[0])
		snprintf(name, size, "%s", dom);
	return vmctl_store(v);
}

/* The vdevs domid has, as "xvda xvdb" (or "none"), for messages. */
static void vdev_names(struct keel_store *st, uint16_t domid, char *buf, size_t size)
{
	uint32_t ids[KEEL_VBD_MAX * 2];
	size_t n = vmctl_vbd_ids(st, domid, ids, KEEL_VBD_MAX * 2), i, off = 0;
	char vdev[8];

	snprintf(buf, size, "none");
	for (i = 0; i < n && off < size; i++) {
		if (keel_vbd_devid_name(ids[i], vdev, sizeof(vdev)))
			snprintf(vdev, sizeof(vdev), "%u", ids[i]);
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? " " : "", vdev);
	}
}

static int cmd_block_attach(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_block_attach_opts o;
	struct vmctl_vbd_row r;
	struct keel_store *st;
	char name[64], msg[KEEL_VBD_MSG_MAX], be[96], fe[96];
	unsigned int waited_ms, bad;
	uint16_t id;
	int rc;

	if (vmctl_block_attach_parse(v, argc, argv, &o) ||
	    vmctl_daemon_down(v, "keel-blkback"))
		return VMCTL_FAIL;
	st = guest_store(v, "block-attach", o.domain, &id, name, sizeof(name));
	if (!st)
		return VMCTL_FAIL;
	keel_vbd_backend_path(be, sizeof(be), id, o.disk.devid);
	keel_vbd_frontend_path(fe, sizeof(fe), id, o.disk.devid);
	if (exists(st, be) || exists(st, fe)) {
		vmctl_err(v, "block-attach: '%s' (id %u) has a disk %s already", name, id,
			  o.disk.vdev);
		return VMCTL_FAIL;
	}
	rc = keel_vbd_check(st, id, &o.disk, 1, &bad, msg, sizeof(msg));
	if (rc) {
		vmctl_err(v, "block-attach: %s", msg);
		return VMCTL_FAIL;
	}
	rc = keel_vbd_add(st, id, &o.disk);
	if (rc) {
		vmctl_err(v, "block-attach: cannot write the store entries of %s: %s",
			  o.disk.vdev, strerror(-rc));
		return VMCTL_FAIL;
	}
	for (waited_ms = 0;; waited_ms += POLL_MS) {
		vmctl_vbd_row_read(st, id, o.disk.devid, &r);
		if (r.be_state == KEEL_XBS_CONNECTED) {
			char sec[24];

			fprintf(v->out, "%s attached to %s (id %u): Connected, %s sectors\n",
				o.disk.vdev, name, id, num_word(r.sectors, sec, sizeof(sec)));
			break;
		}
		if (r.error[0]) {
			vmctl_err(v, "block-attach: keel-blkback cannot open %s: %s",
				  o.disk.target, r.error);
			goto err_stuck;
		}
		if (waited_ms >= o.wait_s * 1000u) {
			if (!o.wait_s) {
				fprintf(v->out, "%s attached to %s (id %u); not waiting for it to connect\n",
					o.disk.vdev, name, id);
				return VMCTL_OK;
			}
			vmctl_err(v, "block-attach: %s of '%s' (id %u) is not connected after %u s: backend %s (%d), frontend %s (%d)%s",
				  o.disk.vdev, name, id, o.wait_s,
				  keel_vbd_state_name(r.be_state), r.be_state,
				  keel_vbd_state_name(r.fe_state), r.fe_state,
				  r.be_state == KEEL_XBS_INITIALISING
				  ? "; is keel-blkback running?" : "");
			goto err_stuck;
		}
		v->sleep_ms(POLL_MS);
	}
	return VMCTL_OK;

err_stuck:
	vmctl_err(v, "block-attach: its entries stay; 'vmctl block-detach %s %s --force' removes them",
		  name, o.disk.vdev);
	return VMCTL_FAIL;
}

/* A frontend with nothing to give back: Closed, never started, or gone. */
static int frontend_done(int state)
{
	return state < 0 || state == KEEL_XBS_UNKNOWN ||
	       state == KEEL_XBS_INITIALISING || state == KEEL_XBS_CLOSED;
}

static int cmd_block_detach(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_block_detach_opts o;
	struct vmctl_vbd_row r;
	struct keel_store *st;
	char name[64], be[96], fe[96], have[128], path[128];
	unsigned int waited_ms;
	uint32_t devid;
	uint16_t id;
	int rc;

	if (vmctl_block_detach_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	st = guest_store(v, "block-detach", o.domain, &id, name, sizeof(name));
	if (!st)
		return VMCTL_FAIL;
	devid = KEEL_XVD_DEVID(o.disk);
	keel_vbd_backend_path(be, sizeof(be), id, devid);
	keel_vbd_frontend_path(fe, sizeof(fe), id, devid);
	if (!exists(st, be) && !exists(st, fe)) {
		vdev_names(st, id, have, sizeof(have));
		vmctl_err(v, "block-detach: '%s' (id %u) has no disk %s (its disks: %s)",
			  name, id, o.vdev, have);
		return VMCTL_FAIL;
	}
	if (!o.force && exists(st, be)) {
		snprintf(path, sizeof(path), "%s/online", be);
		rc = st->ops->write(st->ctx, path, "0");
		if (!rc) {
			snprintf(path, sizeof(path), "%s/state", be);
			rc = st->ops->write(st->ctx, path, "5");
		}
		if (rc) {
			vmctl_err(v, "block-detach: cannot ask %s's backend to close: %s",
				  o.vdev, strerror(-rc));
			return VMCTL_FAIL;
		}
	}
	for (waited_ms = 0; !o.force; waited_ms += POLL_MS) {
		vmctl_vbd_row_read(st, id, devid, &r);
		if (frontend_done(r.fe_state))
			break;
		if (waited_ms >= o.wait_s * 1000u) {
			vmctl_err(v, "block-detach: the frontend of %s in '%s' (id %u) is still %s (%d) after %u s; 'vmctl block-detach %s %s --force' removes it anyway",
				  o.vdev, name, id, keel_vbd_state_name(r.fe_state),
				  r.fe_state, o.wait_s, name, o.vdev);
			return VMCTL_FAIL;
		}
		v->sleep_ms(POLL_MS);
	}
	rc = keel_vbd_remove(st, id, devid);
	if (rc) {
		vmctl_err(v, "block-detach: cannot remove %s's store entries: %s", o.vdev,
			  strerror(-rc));
		return VMCTL_FAIL;
	}
	fprintf(v->out, "%s detached from %s (id %u)%s\n", o.vdev, name, id,
		o.force ? " (forced)" : "");
	return VMCTL_OK;
}

static int cmd_block_list(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_block_list_opts o;
	struct vmctl_vbd_row *rows;
	struct keel_store *st;
	uint32_t ids[KEEL_VBD_MAX * 2];
	char name[64], *json;
	size_t n, i;
	uint16_t id;
	int rc, ret = VMCTL_OK;

	if (vmctl_block_list_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	if (vmctl_resolve(v, o.domain, &id, name, sizeof(name)))
		return VMCTL_FAIL;
	st = vmctl_store(v);
	if (!st)
		return VMCTL_FAIL;
	n = vmctl_vbd_ids(st, id, ids, KEEL_VBD_MAX * 2);
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		vmctl_err(v, "out of memory");
		return VMCTL_FAIL;
	}
	for (i = 0; i < n; i++)
		vmctl_vbd_row_read(st, id, ids[i], &rows[i]);
	if (!o.json) {
		vmctl_block_list_print(v->out, rows, n);
	} else {
		rc = vmctl_block_list_json(rows, n, &json);
		ret = vmctl_put_json(v, rc, json);
	}
	free(rows);
	return ret;
}

static int cmd_disk_create(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_disk_create_opts o;
	char size[32];
	int fd, e;

	if (vmctl_disk_create_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	/* O_EXCL: never truncate someone's disk, even one made meanwhile. */
	fd = open(o.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		if (e == EEXIST)
			vmctl_err(v, "disk-create: %s exists already; not overwritten", o.path);
		else
			vmctl_err(v, "disk-create: cannot create %s: %s", o.path, strerror(e));
		return VMCTL_FAIL;
	}
	if (ftruncate(fd, (off_t)o.bytes) || fsync(fd)) {
		e = errno;
		close(fd);
		unlink(o.path);
		vmctl_err(v, "disk-create: cannot make %s %" PRIu64 " bytes long: %s",
			  o.path, o.bytes, strerror(e));
		return VMCTL_FAIL;
	}
	if (close(fd)) {
		e = errno;
		unlink(o.path);
		vmctl_err(v, "disk-create: cannot write %s: %s", o.path, strerror(e));
		return VMCTL_FAIL;
	}
	fprintf(v->out, "Created %s: %s sparse raw image (%" PRIu64 " sectors)\n", o.path,
		vmctl_format_mib(size, sizeof(size), o.bytes), o.bytes / 512);
	return VMCTL_OK;
}
