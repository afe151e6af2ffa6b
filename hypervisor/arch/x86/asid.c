/*
 * Per-pCPU ASID generations (asm/asid.h; AMD APM vol. 2 sec. 15.16).
 * Pure: the SVM code (svm/guest.c) puts the result in the VMCB.
 */
#include <asm/asid.h>

void asid_pool_init(struct asid_pool *p, uint32_t nasid)
{
	p->gen = 1;
	p->next = 1;
	p->max = nasid > 1 ? nasid - 1 : 1;
	p->flush = false;
}

uint32_t asid_assign(struct asid_pool *p, unsigned cpu, struct asid_hold *h)
{
	if (h->gen == p->gen && h->cpu == cpu)
		return h->asid;
	if (p->next > p->max) {
		p->gen++;
		p->next = 1;
		p->flush = true;
	}
	h->asid = p->next++;
	h->cpu = cpu;
	h->gen = p->gen;
	return h->asid;
}

bool asid_take_flush(struct asid_pool *p)
{
	bool f = p->flush;

	p->flush = false;
	return f;
}
