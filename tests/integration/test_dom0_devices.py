#!/usr/bin/env python3
"""dom0 device tests: keel.ko's event-channel, foreign-mapping and grant
devices and libkeelctl's domain API, exercised from a booted dom0.

One boot (2048 MiB, dom0_mem=512M).  Runs keel-selftest-dom (domains,
memory, foreign mappings, dying-until-released, VIRQ_DOM_EXC, the
event-channel loopback that proves the real-IPI upcall path) and turns each
of its PASS/FAIL lines into a verdict here (its summary and exit status are
checked against them, not counted again); then checks the devices' modes,
the upcall interrupt in /proc/interrupts, and that the module unloads and
reloads cleanly with the loopback still working afterwards.  Prints one
"PASS: name" or "FAIL: name: why" line per check and exits non-zero if
anything failed; a failure prints the serial and debugcon tails.
Environment: KEEL_ISO picks another ISO (default $BUILD/keel.iso).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import DEFAULT_ISO, PROMPT, Qemu, QemuError  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot  # noqa: E402

ISO = os.environ.get("KEEL_ISO", DEFAULT_ISO)


def dom0_devices_boot(s):
    vm = Qemu("dom0-devices", iso=ISO, mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest")
    b = Boot(s, vm)
    try:
        vm.start()
        b.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))

        def devices():
            st, out = b.run("ls -l /dev/keel/")
            ok = st == 0 and all(
                re.search(rf"^crw-------\s.*\s{d}$", out, re.M)
                for d in ("privcmd", "evtchn", "gntdev"))
            return ok, f"status {st}: {out!r}"
        b.check("devices_present_0600", devices)

        def upcall_irq():
            st, out = b.run("grep keel-upcall /proc/interrupts; "
                            "dmesg | grep 'keel: upcalls on'")
            m = re.search(r"upcalls on irq \d+, vector (0x[0-9a-f]+)", out)
            ok = (st == 0 and m and 0x20 <= int(m.group(1), 16) <= 0xef
                  and "keel-upcall" in out)
            return bool(ok), f"status {st}: {out!r}"
        b.check("upcall_vector_allocated_and_registered", upcall_irq)

        def stop_daemons():
            # The dom0 daemons (xenstored, keel-consoled, keel-domd) hold
            # the devices open and keel-domd owns VIRQ_DOM_EXC: stop them so
            # the selftest can bind it and the module can be unloaded.
            # (busybox here has no fuser: look through /proc/*/fd.)
            st, out = b.run(
                "for p in /proc/[0-9]*; do ls -l $p/fd 2>/dev/null | "
                "grep -q ' /dev/keel/' && kill ${p#/proc/}; done; i=0; "
                "while [ $i -lt 50 ] && ! grep -q '^keel [0-9]* 0 ' /proc/modules; "
                "do usleep 100000; i=$((i+1)); done; grep '^keel ' /proc/modules")
            m = re.search(r"^keel \d+ (\d+)", out, re.M)
            return bool(m and m.group(1) == "0"), f"status {st}: {out!r}"
        b.check("stop_dom0_daemons_module_unused", stop_daemons)

        b.program("keel_selftest_dom", "keel-selftest-dom", 240, "selftest-dom")

        def upcalls_counted():
            st, out = b.run("grep keel-upcall /proc/interrupts")
            m = re.search(r"^\s*\d+:\s+(\d+)", out, re.M)
            return bool(m and int(m.group(1)) > 0), f"{out!r}"
        b.check("upcall_interrupts_counted", upcalls_counted)

        def unload_reload():
            st, out = b.run("rmmod keel && test ! -e /dev/keel/evtchn && "
                            "! grep -q keel-upcall /proc/interrupts && "
                            "insmod /lib/modules/keel.ko && "
                            "test -c /dev/keel/evtchn && echo reloaded")
            return st == 0 and "reloaded" in out, f"status {st}: {out!r}"
        b.check("module_unload_reload", unload_reload)

        b.program("evtchn_loopback_after_reload", "keel-selftest-dom evtchn", 120,
                  "after-reload")

        def twice():
            st, out = b.run("rmmod keel && insmod /lib/modules/keel.ko && "
                            "keel-selftest-dom >/dev/null && echo again-ok", 240)
            return st == 0 and "again-ok" in out, f"status {st}: {out[-400:]!r}"
        b.check("second_reload_full_selftest", twice)

        def no_oops():
            st, out = b.run("dmesg | grep -E 'BUG|Oops|WARNING|No irq handler|"
                            "unmap_foreign|refused|leaking' ; echo end")
            bad = [l for l in out.splitlines() if l.strip() and l.strip() != "end"]
            return not bad, f"{bad!r}"
        b.check("dmesg_clean", no_oops)

        def poweroff():
            vm.send("poweroff")
            return vm.wait_exit(60), "QEMU still running 60 s after poweroff"
        b.check("poweroff_ends_qemu", poweroff)
    except QemuError as e:
        s.verdict(False, "dom0_devices_boot", str(e), vm)
    finally:
        vm.stop()


def main():
    s = Suite()
    dom0_devices_boot(s)
    print(f"dom0 device tests: {s.passed} passed, {s.failed} failed")
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
