/*
 * KEEL_HC_console_io: early debugging output from any domain.
 *
 *   arg1 = KEEL_CONSOLEIO_write, arg2 = gpa of the bytes, arg3 = length
 *   (1 .. KEEL_CONSOLEIO_MAX)
 *
 * The bytes go into the hypervisor's log ("vmctl dmesg"), each line tagged
 * with the domain id.  A guest that writes too much is rate-limited (its
 * excess is dropped, and the drop is logged).  Returns the length.
 */
#ifndef KEEL_PUBLIC_CONSOLE_H
#define KEEL_PUBLIC_CONSOLE_H

#define KEEL_CONSOLEIO_write 0
#define KEEL_CONSOLEIO_MAX   1024

#endif
