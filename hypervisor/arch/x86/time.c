/*
 * Boot-time clocks.  The hypervisor measures the TSC against PIT channel 2
 * (gated through port 0x61, so no interrupt is needed) while it still owns
 * the legacy timers; dom0 drives the PIT, RTC and PIC from then on.
 */
#include <asm/time.h>
#include <asm/x86.h>
#include <keel/console.h>

#define PIT_HZ        1193182u
#define CALIBRATE_MS  10u

uint64_t tsc_khz;

static uint64_t pit_calibrate_tsc(void)
{
	uint32_t latch = PIT_HZ / (1000 / CALIBRATE_MS);
	uint64_t t0, t1;
	long spins = 0;

	/* Gate high, speaker off; channel 2, lobyte/hibyte, mode 0. */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20)) {
		if (++spins > 50000000)
			return 0;
	}
	t1 = rdtsc();
	return (t1 - t0) / CALIBRATE_MS;
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_khz / 1000;

	while (rdtsc() < end)
		cpu_relax();
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

static void rtc_print(void)
{
	uint8_t b;
	bool bin;
	unsigned sec, min, hour, day, mon, year;

	for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
		cpu_relax();	/* update in progress */
	b = cmos(0x0b);
	bin = b & 0x04;
	sec = bcd(cmos(0x00), bin);
	min = bcd(cmos(0x02), bin);
	hour = bcd(cmos(0x04) & 0x7f, bin);
	day = bcd(cmos(0x07), bin);
	mon = bcd(cmos(0x08), bin);
	year = bcd(cmos(0x09), bin) + 100 * bcd(cmos(0x32), bin);
	if (year < 1970)
		year += 2000;
	pr_info("time: RTC reads %04u-%02u-%02u %02u:%02u:%02u\n",
		year, mon, day, hour, min, sec);
}

void time_init(void)
{
	/* Mask both 8259s: the hypervisor takes no legacy interrupts, and
	 * dom0 programs the PIC again when it boots. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	tsc_khz = pit_calibrate_tsc();
	if (!tsc_khz) {
		pr_warn("time: PIT calibration timed out; assuming a 1 GHz TSC\n");
		tsc_khz = 1000000;
	}
	pr_info("time: TSC runs at %lu.%03lu MHz\n", tsc_khz / 1000,
		tsc_khz % 1000);
	rtc_print();
}
