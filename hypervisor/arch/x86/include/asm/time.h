/* Boot-time clocks: TSC calibration against the PIT, the RTC, delays. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <keel/types.h>

extern uint64_t tsc_khz;

/* Calibrate the TSC, read the RTC, mask the 8259.  Before dom0 starts:
 * afterwards the PIT, RTC and PIC are dom0's. */
void time_init(void);
void udelay(uint64_t us);

#endif
