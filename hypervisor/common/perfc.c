/* Event counters.  See keel/perfc.h. */
#include <keel/domain.h>
#include <keel/lib.h>
#include <keel/perfc.h>

static struct keel_perfc counters;

static struct keel_perfc_set *set_of(const struct domain *d)
{
	return d->id == DOMID_DOM0 ? &counters.dom0 : &counters.guests;
}

void perfc_exit(const struct domain *d, unsigned reason)
{
	if (reason >= KEEL_PERFC_EXITS)
		reason = KEEL_PERFC_EXIT_OTHER;
	__atomic_fetch_add(&set_of(d)->exits[reason], 1, __ATOMIC_RELAXED);
}

void perfc_hypercall(const struct domain *d, uint64_t nr)
{
	if (nr < KEEL_PERFC_HYPERCALLS)
		__atomic_fetch_add(&set_of(d)->hypercalls[nr], 1,
				   __ATOMIC_RELAXED);
}

void perfc_read(struct keel_perfc *out)
{
	const uint64_t *src = (const uint64_t *)&counters;
	uint64_t *dst = (uint64_t *)out;
	size_t i;

	for (i = 0; i < sizeof(counters) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}
