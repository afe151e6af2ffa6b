/*
 * One guest's console: mapping its ring, binding its event channel,
 * draining its output into the log file, the backlog and the attached
 * clients, and tearing it down.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cons_ring.h"
#include "consoled.h"

#define DRAIN_MAX (64u * 1024)  /* bytes per service call: a chatty guest
				 * cannot keep the loop to itself */

struct cons_guest *guest_find(struct consoled *d, uint16_t domid)
{
	struct cons_guest *g;

	for (g = d->guests; g; g = g->next)
		if (g->domid == domid)
			return g;
	return NULL;
}

struct cons_guest *guest_find_port(struct consoled *d, uint32_t port)
{
	struct cons_guest *g;

	for (g = d->guests; g; g = g->next)
		if (g->connected && g->port == port)
			return g;
	return NULL;
}

/* mkdir -p for the log directory (mode 0750: the logs are dom0's). */
static void make_dir(const char *dir)
{
	char tmp[PATH_MAX];
	size_t i;

	if (strlen(dir) >= sizeof(tmp))
		return;
	strcpy(tmp, dir);
	for (i = 1; tmp[i]; i++) {
		if (tmp[i] == '/') {
			tmp[i] = '\0';
			mkdir(tmp, 0755);
			tmp[i] = '/';
		}
	}
	mkdir(tmp, 0750);
}

static int open_log(struct consoled *d, struct cons_guest *g)
{
	char line[128];
	int n, rc = cons_log_path(d->log_dir, g->name, g->domid, g->log_path,
			       sizeof(g->log_path));

	if (rc)
		return rc;
	make_dir(d->log_dir);
	g->log_fd = open(g->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			 0640);
	if (g->log_fd < 0)
		return -errno;
	/* Each incarnation of the name starts with a dated line. */
	n = cons_log_separator(line, sizeof(line), g->name, g->domid, time(NULL));
	if (n > 0 && write(g->log_fd, line, (size_t)n) != n)
		cd_log(d, KEEL_LOG_WARN, "dom%u: cannot write to %s: %s", g->domid,
		       g->log_path, strerror(errno));
	return 0;
}

int guest_connect(struct consoled *d, uint16_t domid, uint64_t gfn,
		  uint32_t remote_port, const char *name)
{
	struct cons_guest *g = calloc(1, sizeof(*g));
	long port;
	int rc;

	if (!g)
		return -ENOMEM;
	g->domid = domid;
	g->log_fd = -1;
	g->seen = true;
	if (name && strlen(name) <= CONS_NAME_MAX)
		strcpy(g->name, name);
	g->next = d->guests;
	d->guests = g;

	rc = open_log(d, g);
	if (rc) {
		cd_log(d, KEEL_LOG_ERROR, "dom%u: cannot open log %s: %s",
		       domid, g->log_path, strerror(-rc));
		goto err;
	}
	g->ring = keel_map_foreign(d->ctl, domid, &gfn, 1,
				   PROT_READ | PROT_WRITE);
	if (!g->ring) {
		rc = -errno;
		cd_log(d, KEEL_LOG_ERROR, "dom%u: cannot map console ring gfn %llu: %s",
		       domid, (unsigned long long)gfn, strerror(-rc));
		goto err_close_log;
	}
	port = keel_evtchn_bind_interdomain(d->ev, domid, remote_port);
	if (port < 0) {
		rc = (int)port;
		cd_log(d, KEEL_LOG_ERROR, "dom%u: cannot bind console port %u: %s",
		       domid, remote_port, strerror(-rc));
		goto err_unmap_ring;
	}
	g->port = (uint32_t)port;
	g->connected = true;
	cd_log(d, KEEL_LOG_INFO,
	       "dom%u (%s): console ring gfn %llu port %u -> local %u, log %s",
	       domid, g->name[0] ? g->name : "?", (unsigned long long)gfn,
	       remote_port, g->port, g->log_path);
	guest_service(d, g);   /* output written before we were bound */
	return 0;

err_unmap_ring:
	keel_unmap_foreign(d->ctl, g->ring, 1);
	g->ring = NULL;
err_close_log:
	close(g->log_fd);
	g->log_fd = -1;
err:
	return rc;   /* the entry stays, unconnected, so it is not retried */
}

void guest_disconnect(struct consoled *d, struct cons_guest *g)
{
	struct cons_guest **pp;

	clients_drop_guest(d, g->domid);
	if (g->connected) {
		keel_evtchn_unbind(d->ev, g->port);
		keel_unmap_foreign(d->ctl, g->ring, 1);
		cd_log(d, KEEL_LOG_INFO, "dom%u: console disconnected", g->domid);
	}
	if (g->log_fd >= 0)
		close(g->log_fd);
	for (pp = &d->guests; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	free(g);
}

static void mark_broken(struct consoled *d, struct cons_guest *g)
{
	g->broken = true;
	cd_log(d, KEEL_LOG_WARN,
	       "dom%u: console ring indices are corrupt: console marked broken",
	       g->domid);
	clients_drop_guest(d, g->domid);
}

/* Writes all of @buf to the log; a failing log is reported, not fatal. */
static void log_write(struct consoled *d, struct cons_guest *g,
		      const char *buf, size_t len)
{
	ssize_t n;

	while (len && g->log_fd >= 0) {
		n = write(g->log_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cd_log(d, KEEL_LOG_WARN, "dom%u: writing %s: %s",
			       g->domid, g->log_path, strerror(errno));
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

void guest_service(struct consoled *d, struct cons_guest *g)
{
	char buf[4096];
	size_t total = 0;
	bool moved = false;
	ssize_t n;

	if (!g->connected || g->broken)
		return;
	while (total < DRAIN_MAX) {
		n = cons_ring_take_output(g->ring, buf, sizeof(buf));
		if (n < 0) {
			mark_broken(d, g);
			return;
		}
		if (n == 0)
			break;
		moved = true;
		total += (size_t)n;
		log_write(d, g, buf, (size_t)n);
		cons_backlog_append(&g->backlog, buf, (size_t)n);
		clients_broadcast(d, g->domid, buf, (size_t)n);
	}
	if (clients_feed_guest(d, g))
		moved = true;
	if (g->broken)
		return;
	if (moved)
		keel_evtchn_notify(d->ev, g->port);
}
