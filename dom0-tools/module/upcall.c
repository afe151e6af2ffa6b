// SPDX-License-Identifier: GPL-2.0
/*
 * dom0's shared-info page and the upcall interrupt.
 *
 * At load the module gives the hypervisor a zeroed page of dom0 RAM as
 * dom0's shared-info page (public/shared_info.h) and a real interrupt
 * vector: when an event becomes pending for dom0 the hypervisor sends a
 * fixed IPI with that vector to CPU0 (DESIGN-BRIEF engineering note 8), so
 * the interrupt arrives through dom0's own IDT and is acknowledged (EOI) by
 * Linux's edge flow handler like any other.
 *
 * The vector comes from the x86 vector domain.  Under reservation mode a
 * vector is only assigned when the interrupt is activated, so it is read
 * from irqd_cfg() after request_irq().
 *
 * The handler follows Xen's 2-level scheme: clear upcall_pending, take
 * pending_sel, and for each pending unmasked port mask it and hand it to
 * the event-channel device (evtchn.c), which queues it for the instance
 * that bound it; the port stays masked until user space unmasks it.
 */
#include "keel.h"

#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/slab.h>
#include <asm/hw_irq.h>
#include <asm/io.h>
#include <asm/irqdomain.h>

#include <public/keel.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/shared_info.h>

#include "hypercall.h"

static struct keel_shared_info *shared_info;
static int upcall_irq = -1;
static unsigned int upcall_vector;

/* Handles every pending, unmasked port of one bitmap word. */
static void upcall_word(struct keel_shared_info *si, unsigned int w)
{
	unsigned long pend = READ_ONCE(si->evtchn_pending[w]) &
			     ~READ_ONCE(si->evtchn_mask[w]);

	while (pend) {
		unsigned int b = __ffs(pend);

		pend &= pend - 1;
		set_bit(b, (unsigned long *)&si->evtchn_mask[w]);
		if (keel_evtchn_deliver(w * 64 + b))
			clear_bit(b, (unsigned long *)&si->evtchn_pending[w]);
	}
}

static irqreturn_t upcall_interrupt(int irq, void *dev_id)
{
	struct keel_shared_info *si = shared_info;
	struct keel_vcpu_info *vi = &si->vcpu_info[0];
	unsigned long sel;

	/*
	 * The hypervisor raises the IPI only when it changes upcall_pending
	 * from 0 to 1, so clear it before looking, and look again if it was
	 * set while we worked.
	 */
	do {
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		sel = xchg((unsigned long *)&vi->evtchn_pending_sel, 0UL);
		while (sel) {
			unsigned int w = __ffs(sel);

			sel &= sel - 1;
			if (w < KEEL_NR_EVTCHN_WORDS)
				upcall_word(si, w);
		}
	} while (READ_ONCE(vi->evtchn_upcall_pending));
	return IRQ_HANDLED;
}

/* Registers (vector) or turns off (0) upcalls; returns 0 or -errno. */
static long set_upcall_vector(unsigned int vector)
{
	struct keel_evtchn_upcall_vector u = { .vector = vector };

	return keel_hypercall_buf(KEEL_HC_event_channel,
				  KEEL_EVTCHNOP_set_upcall_vector, &u,
				  sizeof(u), sizeof(u), 0, 0);
}

static long set_shared_info(u64 gfn)
{
	return keel_hypercall5(KEEL_HC_memory_op, KEEL_MEMOP_set_shared_info,
			       gfn, 0, 0, 0);
}

/*
 * Allocates an interrupt from the x86 vector domain, requests it and
 * returns its (activated) vector in *vector; returns the irq or -errno.
 */
static int upcall_alloc_irq(unsigned int *vector)
{
	struct irq_alloc_info info;
	struct irq_cfg *cfg;
	int irq, rc;

	memset(&info, 0, sizeof(info));
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1, NUMA_NO_NODE,
				      &info, false, NULL);
	if (irq < 0)
		return irq;
	irq_set_handler(irq, handle_edge_irq);
	rc = request_irq(irq, upcall_interrupt, 0, "keel-upcall", NULL);
	if (rc)
		goto err_dispose;
	cfg = irqd_cfg(irq_get_irq_data(irq));
	if (!cfg || cfg->vector < 0x20 || cfg->vector > 0xef) {
		pr_err("upcall irq %d got vector %u, outside 0x20..0xef\n",
		       irq, cfg ? cfg->vector : 0);
		rc = -EIO;
		goto err_free_irq;
	}
	*vector = cfg->vector;
	return irq;

err_free_irq:
	free_irq(irq, NULL);
err_dispose:
	irq_dispose_mapping(irq);
	return rc;
}

/* Sets up the shared-info page and upcalls; returns 0 or -errno. */
int keel_upcall_init(void)
{
	long rc;

	shared_info = (void *)get_zeroed_page(GFP_KERNEL);
	if (!shared_info)
		return -ENOMEM;
	rc = set_shared_info(__pa(shared_info) >> PAGE_SHIFT);
	if (rc) {
		pr_err("hypervisor refused dom0's shared-info page: error %ld\n",
		       rc);
		goto err_free_page;
	}
	rc = upcall_alloc_irq(&upcall_vector);
	if (rc < 0) {
		pr_err("cannot allocate the upcall interrupt: error %ld\n", rc);
		goto err_unset_shared_info;
	}
	upcall_irq = rc;
	rc = set_upcall_vector(upcall_vector);
	if (rc) {
		pr_err("hypervisor refused upcall vector 0x%x: error %ld\n",
		       upcall_vector, rc);
		goto err_free_irq;
	}
	pr_info("upcalls on irq %d, vector 0x%x; shared info at frame 0x%lx\n",
		upcall_irq, upcall_vector, __pa(shared_info) >> PAGE_SHIFT);
	return 0;

err_free_irq:
	free_irq(upcall_irq, NULL);
	irq_dispose_mapping(upcall_irq);
	upcall_irq = -1;
err_unset_shared_info:
	set_shared_info(KEEL_GFN_INVALID);
err_free_page:
	free_page((unsigned long)shared_info);
	shared_info = NULL;
	return (int)rc;
}

/*
 * Turns upcalls off, then waits for a running handler (free_irq), and
 * only then takes the page back from the hypervisor and frees it: after
 * set_shared_info(INVALID) returns the hypervisor writes to it no more.
 */
void keel_upcall_exit(void)
{
	long rc;

	rc = set_upcall_vector(0);
	if (rc)
		pr_warn("cannot turn upcalls off: error %ld\n", rc);
	free_irq(upcall_irq, NULL);
	irq_dispose_mapping(upcall_irq);
	upcall_irq = -1;
	rc = set_shared_info(KEEL_GFN_INVALID);
	if (rc) {
		/* Freeing a page the hypervisor still writes would corrupt
		 * whoever gets it next: leak it instead. */
		pr_err("hypervisor did not release dom0's shared-info page (error %ld); leaking it\n",
		       rc);
		shared_info = NULL;
		return;
	}
	free_page((unsigned long)shared_info);
	shared_info = NULL;
}
