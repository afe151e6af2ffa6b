/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the parts of keel.ko.  Each device the module
 * offers (privcmd now; event channels and memory mappings later) is one .c
 * file with an init/exit pair called from keel_main.c once the hypervisor
 * has been found and its ABI accepted.
 */
#ifndef KEEL_DOM0_KEEL_H
#define KEEL_DOM0_KEEL_H

#define pr_fmt(fmt) "keel: " fmt

int keel_privcmd_init(void);
void keel_privcmd_exit(void);

#endif
