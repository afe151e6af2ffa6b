// SPDX-License-Identifier: GPL-2.0
/*
 * keel.ko: dom0's door to the Keel hypervisor.
 *
 * Loading finds the hypervisor by its CPUID signature, asks for its ABI
 * version with the null hypercall, and only when it speaks our ABI registers
 * the devices.  On any other machine (bare metal, another hypervisor, an
 * older or newer Keel) the load fails with a message saying why, and no
 * device appears: VMMCALL is never executed unless the signature matched,
 * because on a CPU without a hypervisor it raises #UD.
 */
#include "keel.h"

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <asm/io.h>
#include <asm/processor.h>

#include <public/keel.h>
#include <public/version.h>

#include "hypercall.h"

static bool keel_signature_present(void)
{
	unsigned int eax, ebx, ecx, edx;
	char sig[13];

	cpuid(KEEL_CPUID_BASE, &eax, &ebx, &ecx, &edx);
	if (ebx == KEEL_CPUID_SIG_EBX && ecx == KEEL_CPUID_SIG_ECX &&
	    edx == KEEL_CPUID_SIG_EDX)
		return true;

	/* Say what we did see: "TCGTCGTCGTCG", "KVMKVMKVM" or garbage. */
	memcpy(sig + 0, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	sig[12] = '\0';
	pr_err("no Keel hypervisor found: CPUID leaf 0x%x signature is \"%*pE\", not \"KeelKeelKeel\"; not running under Keel?\n",
	       KEEL_CPUID_BASE, 12, sig);
	return false;
}

/* Returns 0 when the running hypervisor speaks our ABI, else -ENODEV. */
static int keel_check_abi(void)
{
	long v = keel_hypercall1(KEEL_HC_version, KEEL_VERSION_ABI);

	if (v < 0) {
		pr_err("hypervisor refused the version hypercall: error %ld\n", v);
		return -ENODEV;
	}
	if (KEEL_ABI_VERSION_MAJOR(v) != KEEL_ABI_MAJOR ||
	    KEEL_ABI_VERSION_MINOR(v) < KEEL_ABI_MINOR) {
		pr_err("hypervisor ABI %u.%u is not compatible with this module's ABI %u.%u (need the same major and a minor >= ours)\n",
		       KEEL_ABI_VERSION_MAJOR(v), KEEL_ABI_VERSION_MINOR(v),
		       KEEL_ABI_MAJOR, KEEL_ABI_MINOR);
		return -ENODEV;
	}
	pr_info("Keel hypervisor found, ABI %u.%u\n",
		KEEL_ABI_VERSION_MAJOR(v), KEEL_ABI_VERSION_MINOR(v));
	return 0;
}

long keel_hypercall_buf(unsigned long nr, unsigned long a1, void *buf,
			size_t len, unsigned long a3, unsigned long a4,
			unsigned long a5)
{
	void *kbuf = kmemdup(buf, len, GFP_KERNEL);
	long rc;

	if (!kbuf)
		return -ENOMEM;
	rc = keel_hypercall5(nr, a1, __pa(kbuf), a3, a4, a5);
	memcpy(buf, kbuf, len);
	kfree(kbuf);
	return rc;
}

/*
 * Upcalls first: the event-channel device needs them.  Each later step
 * undoes the earlier ones when it fails.
 */
static int __init keel_init(void)
{
	int rc;

	if (!keel_signature_present())
		return -ENODEV;
	rc = keel_check_abi();
	if (rc)
		return rc;
	rc = keel_upcall_init();
	if (rc)
		return rc;
	rc = keel_privcmd_init();
	if (rc) {
		pr_err("cannot register /dev/keel/privcmd: error %d\n", rc);
		goto err_upcall_exit;
	}
	rc = keel_evtchn_init();
	if (rc) {
		pr_err("cannot register /dev/keel/evtchn: error %d\n", rc);
		goto err_privcmd_exit;
	}
	rc = keel_gntdev_init();
	if (rc) {
		pr_err("cannot register /dev/keel/gntdev: error %d\n", rc);
		goto err_evtchn_exit;
	}
	return 0;

err_evtchn_exit:
	keel_evtchn_exit();
err_privcmd_exit:
	keel_privcmd_exit();
err_upcall_exit:
	keel_upcall_exit();
	return rc;
}

/* No file of ours is open (each holds a module reference), so no port is
 * bound and no mapping exists any more. */
static void __exit keel_exit(void)
{
	keel_gntdev_exit();
	keel_evtchn_exit();
	keel_privcmd_exit();
	keel_upcall_exit();
}

module_init(keel_init);
module_exit(keel_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Keel hypervisor dom0 interface (/dev/keel/privcmd, evtchn, gntdev)");
