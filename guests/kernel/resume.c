/*
 * Resume hooks: what must be done again in a restored domain, after the
 * suspend call returned 0 and the store watches were registered again
 * (shutdown.c, docs/migration.md).  The split drivers register here: a
 * restored domain's backends are new ones (another host, or the same
 * host's daemons for a new domain id), so each frontend finds its
 * backend again through the store and redoes the handshake.  The hooks
 * run in main context, in registration order.
 */
#include "kernel.h"

#define RESUME_MAX_HOOKS 8

static struct {
	resume_fn fn;
	void *arg;
} hooks[RESUME_MAX_HOOKS];
static unsigned int nr_hooks;

int resume_register(resume_fn fn, void *arg)
{
	if (!fn)
		return -KEEL_EINVAL;
	for (unsigned int i = 0; i < nr_hooks; i++)
		if (hooks[i].fn == fn && hooks[i].arg == arg)
			return 0;
	if (nr_hooks >= RESUME_MAX_HOOKS)
		return -KEEL_ENOSPC;
	hooks[nr_hooks].fn = fn;
	hooks[nr_hooks].arg = arg;
	nr_hooks++;
	return 0;
}

void resume_run(void)
{
	for (unsigned int i = 0; i < nr_hooks; i++)
		hooks[i].fn(hooks[i].arg);
}
