/*
 * Boot-time clocks.  The hypervisor measures the TSC against PIT channel 2
 * (gated through port 0x61, so no interrupt is needed) while it still owns
 * the legacy timers; dom0 drives the PIT, RTC and PIC from then on.
 */
#include <asm/time.h>
#include <asm/x86.h>
#include <keel/console.h>
#include <keel/time.h>
#include <public/shared_info.h>

#define PIT_HZ        1193182u
#define CALIBRATE_MS  10u

uint64_t tsc_khz;
static uint64_t tsc_at_boot;
static uint64_t wc_sec_at_boot;
/* ns = (tsc_delta << shift or >> -shift) * mul >> 32 (shared_info.h). */
static uint32_t tsc_mul;
static int8_t tsc_shift;

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

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	static const unsigned cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212,
					  243, 273, 304, 334 };
	uint64_t days = (uint64_t)(y - 1970) * 365 + cum[(m - 1) % 12] + d - 1;

	/* Leap days in full years since 1970, and this year's if past Feb. */
	for (unsigned yy = 1970; yy < y; yy++)
		days += (yy % 4 == 0 && (yy % 100 != 0 || yy % 400 == 0));
	if (m > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		days++;
	return days;
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
	if (mon >= 1 && mon <= 12 && day >= 1 && day <= 31)
		wc_sec_at_boot = days_since_epoch(year, mon, day) * 86400 +
				 hour * 3600 + min * 60 + sec;
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
	tsc_at_boot = rdtsc();
	/* ratio = 10^6 / kHz ns per tick, as mul/2^32 scaled by 2^shift. */
	{
		uint64_t ratio32 = (1000000ull << 32) / tsc_khz;

		tsc_shift = 0;
		while (ratio32 >= (1ull << 32)) {
			ratio32 >>= 1;
			tsc_shift++;
		}
		tsc_mul = (uint32_t)ratio32;
	}
	rtc_print();
}

uint64_t now_ns(void)
{
	uint64_t delta = rdtsc() - tsc_at_boot;

	/* The same conversion guests use (public/shared_info.h). */
	return (uint64_t)(((unsigned __int128)(delta << tsc_shift) * tsc_mul) >> 32);
}

void wallclock_at_boot(uint64_t *sec, uint32_t *nsec)
{
	*sec = wc_sec_at_boot;
	*nsec = 0;
}

void time_fill_shared_info(struct keel_shared_info *si, unsigned nr_vcpus,
			   uint64_t offset)
{
	for (unsigned i = 0; i < nr_vcpus && i < KEEL_MAX_VCPUS; i++) {
		struct keel_vcpu_time_info *t = &si->vcpu_info[i].time;

		t->version = 1;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		t->tsc_timestamp = tsc_at_boot;
		t->system_time = offset;
		t->tsc_to_system_mul = tsc_mul;
		t->tsc_shift = tsc_shift;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		t->version = 2;
	}
	si->wc_version = 1;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	si->wc_sec = wc_sec_at_boot;
	si->wc_nsec = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	si->wc_version = 2;
}
