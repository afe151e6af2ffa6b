/*
 * common/console.c with stub arch hooks: the console= and loglvl= parsers,
 * printk's levels and sinks, the log ring dom0 reads, and panic.  Each
 * test runs in its own process (harness_run forces fork mode), so the
 * file's static state starts fresh.
 */
#include "harness.h"

#include <setjmp.h>

#include <keel/console.h>
#include <keel/arch.h>
#include <keel/errno.h>

/* --- stub arch hooks: record what the console did --- */

static char com1[4096], e9[4096], calls[256];
static size_t ncom1, ne9;
static jmp_buf halted;

void arch_com1_putc(char c)
{
	if (ncom1 < sizeof(com1) - 1)
		com1[ncom1++] = c;
}

void arch_e9_putc(char c)
{
	if (ne9 < sizeof(e9) - 1)
		e9[ne9++] = c;
}

void arch_stop_other_cpus(void)
{
	strcat(calls, "stop;");
}

void arch_dump_stack(void)
{
	strcat(calls, "dump;");
}

unsigned arch_cpu_id(void)
{
	return 3;
}

void arch_halt(void)
{
	strcat(calls, "halt;");
	longjmp(halted, 1);
}

void *arch_phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static void setup(void)
{
	memset(com1, 0, sizeof(com1));
	memset(e9, 0, sizeof(e9));
	calls[0] = '\0';
	ncom1 = ne9 = 0;
	console_set_level(LOG_INFO);
	console_set_sinks(CONSOLE_SINK_COM1 | CONSOLE_SINK_E9);
}

/* The ring's write position: a cursor from the future is moved there. */
static uint64_t ring_head(void)
{
	uint64_t pos = UINT64_MAX, lost;
	char c;

	ck_assert_uint_eq(console_ring_read(&pos, &lost, &c, 1), 0);
	return pos;
}

/* Everything written to the ring since `pos`, as a string. */
static char ringbuf[70000];
static const char *ring_since(uint64_t pos)
{
	uint64_t lost = 0;
	size_t n = console_ring_read(&pos, &lost, ringbuf, sizeof(ringbuf) - 1);

	ck_assert_uint_eq(lost, 0);
	ringbuf[n] = '\0';
	return ringbuf;
}

/* --- loglvl= --- */

static const char *const level_names[] = { "error", "warn", "info", "debug" };

START_TEST(level_by_name)
{
	enum log_level l = 99;

	ck_assert_int_eq(console_parse_level(level_names[_i], &l), 0);
	ck_assert_int_eq(l, _i);
}
END_TEST

START_TEST(level_by_digit)
{
	char s[2] = { (char)('0' + _i), '\0' };
	enum log_level l = 99;

	ck_assert_int_eq(console_parse_level(s, &l), 0);
	ck_assert_int_eq(l, _i);
}
END_TEST

static const char *const bad_levels[] = {
	"4", "", "debugx", "deb", "ERROR", "-1", "01", " 1",
};

START_TEST(level_rejected)
{
	enum log_level l = 99;

	ck_assert_int_eq(console_parse_level(bad_levels[_i], &l), -EINVAL);
	ck_assert_int_eq(l, 99);
}
END_TEST

/* --- console= --- */

static const struct {
	const char *s;
	unsigned v;
} good_sinks[] = {
	{ "com1", CONSOLE_SINK_COM1 },
	{ "e9", CONSOLE_SINK_E9 },
	{ "com1,e9", CONSOLE_SINK_COM1 | CONSOLE_SINK_E9 },
	{ "e9,com1", CONSOLE_SINK_COM1 | CONSOLE_SINK_E9 },
	{ "none", 0 },
	{ "none,e9", CONSOLE_SINK_E9 },
};

START_TEST(sinks_accepted)
{
	unsigned v = 0xdead;

	ck_assert_int_eq(console_parse_sinks(good_sinks[_i].s, &v), 0);
	ck_assert_msg(v == good_sinks[_i].v, "%s gave %#x", good_sinks[_i].s, v);
}
END_TEST

static const char *const bad_sinks[] = {
	"com", "com1x", "com1,bogus", ",com1", "com1,,e9", "COM1", "e9 ",
	"", "com1,",
};

START_TEST(sinks_rejected)
{
	unsigned v = 0xdead;

	ck_assert_msg(console_parse_sinks(bad_sinks[_i], &v) == -EINVAL, "%s",
		      bad_sinks[_i]);
	ck_assert_uint_eq(v, 0xdead);
}
END_TEST

/* --- printk --- */

START_TEST(printk_goes_to_ring)
{
	uint64_t pos = ring_head();

	printk(LOG_INFO, "hello %d\n", 42);
	ck_assert_str_eq(ring_since(pos), "hello 42\n");
}
END_TEST

START_TEST(new_data_is_reported_once_per_printk_burst)
{
	console_take_new_data();
	ck_assert(!console_take_new_data());
	printk(LOG_INFO, "one\n");
	printk(LOG_INFO, "two\n");
	ck_assert(console_take_new_data());
	ck_assert(!console_take_new_data());
}
END_TEST

START_TEST(dropped_printk_is_no_new_data)
{
	console_take_new_data();
	console_set_level(LOG_WARN);
	pr_info("info\n");
	ck_assert(!console_take_new_data());
}
END_TEST

START_TEST(printk_above_level_dropped)
{
	uint64_t pos = ring_head();

	console_set_level(LOG_WARN);
	pr_info("info\n");
	pr_debug("debug\n");
	ck_assert_str_eq(ring_since(pos), "");
	ck_assert_uint_eq(ncom1, 0);
	ck_assert_uint_eq(ne9, 0);
}
END_TEST

START_TEST(printk_at_and_below_level_kept)
{
	uint64_t pos = ring_head();

	console_set_level(LOG_WARN);
	pr_warn("w;");
	pr_err("e;");
	ck_assert_str_eq(ring_since(pos), "w;e;");
}
END_TEST

START_TEST(printk_debug_level_shows_all)
{
	uint64_t pos = ring_head();

	console_set_level(LOG_DEBUG);
	pr_debug("d");
	ck_assert_str_eq(ring_since(pos), "d");
}
END_TEST

START_TEST(com1_gets_crlf)
{
	pr_info("a\nb\n");
	ck_assert_str_eq(com1, "a\r\nb\r\n");
}
END_TEST

START_TEST(e9_gets_raw_bytes)
{
	pr_info("a\nb\n");
	ck_assert_str_eq(e9, "a\nb\n");
}
END_TEST

/* Guests' console_io lines: the ring, never the debug port (its cost per
 * byte made one hypercall hold a pCPU for 80 ms under TCG). */
START_TEST(printk_ring_skips_e9)
{
	uint64_t pos = ring_head();

	console_set_sinks(CONSOLE_SINK_E9 | CONSOLE_SINK_COM1);
	printk_ring(LOG_INFO, "(d%u) guest\n", 3);
	ck_assert_str_eq(ring_since(pos), "(d3) guest\n");
	ck_assert_uint_eq(ne9, 0);
	printk_ring(LOG_DEBUG, "not at this level\n");
	ck_assert_str_eq(ring_since(pos), "(d3) guest\n");
}
END_TEST

START_TEST(no_sinks_only_ring)
{
	uint64_t pos = ring_head();

	console_set_sinks(0);
	pr_info("quiet\n");
	ck_assert_uint_eq(ncom1, 0);
	ck_assert_uint_eq(ne9, 0);
	ck_assert_str_eq(ring_since(pos), "quiet\n");
}
END_TEST

START_TEST(e9_only_sink)
{
	console_set_sinks(CONSOLE_SINK_E9);
	pr_info("x");
	ck_assert_uint_eq(ncom1, 0);
	ck_assert_str_eq(e9, "x");
}
END_TEST

START_TEST(handover_stops_com1)
{
	console_handover_com1();
	pr_info("x");
	ck_assert_uint_eq(ncom1, 0);
	ck_assert_str_eq(e9, "x");
}
END_TEST

START_TEST(reclaim_restores_com1)
{
	console_handover_com1();
	console_reclaim_com1();
	pr_info("x");
	ck_assert_str_eq(com1, "x");
}
END_TEST

START_TEST(long_line_truncated)
{
	char msg[700];
	uint64_t pos = ring_head();

	memset(msg, 'm', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	pr_info("%s", msg);
	ck_assert_uint_eq(strlen(ring_since(pos)), 511);
}
END_TEST

/* --- the ring --- */

START_TEST(ring_read_in_pieces)
{
	uint64_t pos = ring_head(), start = pos, lost = 9;
	char b[4];

	pr_info("abcdef");
	ck_assert_uint_eq(console_ring_read(&pos, &lost, b, 4), 4);
	ck_assert_mem_eq(b, "abcd", 4);
	ck_assert_uint_eq(pos, start + 4);
	ck_assert_uint_eq(lost, 0);
	ck_assert_uint_eq(console_ring_read(&pos, &lost, b, 4), 2);
	ck_assert_mem_eq(b, "ef", 2);
	ck_assert_uint_eq(console_ring_read(&pos, &lost, b, 4), 0);
	ck_assert_uint_eq(pos, start + 6);
}
END_TEST

START_TEST(ring_cursor_from_future_restarts_at_head)
{
	uint64_t head, pos, lost = 9;
	char b[8];

	pr_info("abc");
	head = ring_head();
	pos = head + 100;
	ck_assert_uint_eq(console_ring_read(&pos, &lost, b, sizeof(b)), 0);
	ck_assert_uint_eq(pos, head);
	ck_assert_uint_eq(lost, 0);
}
END_TEST

START_TEST(ring_reports_lost_bytes_after_wrap)
{
	uint64_t start = ring_head(), pos = start, lost = 0, head;
	char line[101], b[8];

	console_set_sinks(0);
	/* 700 lines of 100 bytes: 70000 > the 64 KiB ring. */
	for (int i = 0; i < 700; i++) {
		snprintf(line, sizeof(line), "%0100d", i);
		pr_info("%s", line);
	}
	head = ring_head();
	ck_assert_uint_eq(head - start, 70000);
	ck_assert_uint_eq(console_ring_read(&pos, &lost, b, sizeof(b)), 8);
	ck_assert_uint_eq(lost, head - 65536 - start);
	ck_assert_uint_eq(pos, head - 65536 + 8);
	/* Byte 4464 of the output is byte 64 of line 44: a '0'; bytes
	 * 96..99 of line 44 are "0044". */
	ck_assert_mem_eq(b, "00000000", 8);
	pos = start + 44 * 100 + 96;
	lost = 0;
	console_ring_read(&pos, &lost, b, 4);
	ck_assert_uint_eq(lost, 0);
	ck_assert_mem_eq(b, "0044", 4);
}
END_TEST

/* --- panic --- */

START_TEST(panic_writes_com1_even_when_handed_over)
{
	console_set_sinks(0);
	console_handover_com1();
	ck_assert(!console_panicking());
	if (!setjmp(halted))
		panic("boom %d", 42);
	ck_assert(console_panicking());
	ck_assert_str_eq(com1, "\r\n*** PANIC on CPU3: boom 42\r\n"
			       "*** hypervisor stopped\r\n");
}
END_TEST

START_TEST(panic_stops_cpus_dumps_then_halts)
{
	if (!setjmp(halted))
		panic("x");
	ck_assert_str_eq(calls, "stop;dump;halt;");
}
END_TEST

START_TEST(panic_goes_to_ring)
{
	uint64_t pos = ring_head();

	if (!setjmp(halted))
		panic("ring");
	ck_assert_str_eq(ring_since(pos), "\n*** PANIC on CPU3: ring\n"
					  "*** hypervisor stopped\n");
}
END_TEST

START_TEST(second_panic_only_halts)
{
	if (!setjmp(halted))
		panic("first");
	ncom1 = 0;
	calls[0] = '\0';
	if (!setjmp(halted))
		panic("second");
	ck_assert_str_eq(calls, "halt;");
	ck_assert_uint_eq(ncom1, 0);
}
END_TEST

START_TEST(printk_after_panic_reaches_com1)
{
	console_handover_com1();
	if (!setjmp(halted))
		panic("x");
	ncom1 = 0;
	memset(com1, 0, sizeof(com1));
	pr_debug("late\n");
	ck_assert_str_eq(com1, "late\r\n");
}
END_TEST

static Suite *console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *opt = tcase_create("options");
	TCase *pk = tcase_create("printk");
	TCase *ring = tcase_create("ring");
	TCase *pn = tcase_create("panic");

	tcase_add_loop_test(opt, level_by_name, 0, 4);
	tcase_add_loop_test(opt, level_by_digit, 0, 4);
	tcase_add_loop_test(opt, level_rejected, 0,
			    sizeof(bad_levels) / sizeof(bad_levels[0]));
	tcase_add_loop_test(opt, sinks_accepted, 0,
			    sizeof(good_sinks) / sizeof(good_sinks[0]));
	tcase_add_loop_test(opt, sinks_rejected, 0,
			    sizeof(bad_sinks) / sizeof(bad_sinks[0]));
	suite_add_tcase(s, opt);

	tcase_add_checked_fixture(pk, setup, NULL);
	tcase_add_test(pk, printk_goes_to_ring);
	tcase_add_test(pk, new_data_is_reported_once_per_printk_burst);
	tcase_add_test(pk, dropped_printk_is_no_new_data);
	tcase_add_test(pk, printk_above_level_dropped);
	tcase_add_test(pk, printk_at_and_below_level_kept);
	tcase_add_test(pk, printk_debug_level_shows_all);
	tcase_add_test(pk, com1_gets_crlf);
	tcase_add_test(pk, e9_gets_raw_bytes);
	tcase_add_test(pk, no_sinks_only_ring);
	tcase_add_test(pk, e9_only_sink);
	tcase_add_test(pk, printk_ring_skips_e9);
	tcase_add_test(pk, handover_stops_com1);
	tcase_add_test(pk, reclaim_restores_com1);
	tcase_add_test(pk, long_line_truncated);
	suite_add_tcase(s, pk);

	tcase_add_checked_fixture(ring, setup, NULL);
	tcase_add_test(ring, ring_read_in_pieces);
	tcase_add_test(ring, ring_cursor_from_future_restarts_at_head);
	tcase_add_test(ring, ring_reports_lost_bytes_after_wrap);
	suite_add_tcase(s, ring);

	tcase_add_checked_fixture(pn, setup, NULL);
	tcase_add_test(pn, panic_writes_com1_even_when_handed_over);
	tcase_add_test(pn, panic_stops_cpus_dumps_then_halts);
	tcase_add_test(pn, panic_goes_to_ring);
	tcase_add_test(pn, second_panic_only_halts);
	tcase_add_test(pn, printk_after_panic_reaches_com1);
	suite_add_tcase(s, pn);
	return s;
}

HARNESS_MAIN(console_suite)
