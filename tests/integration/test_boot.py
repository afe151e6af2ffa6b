#!/usr/bin/env python3
"""Boot tests: GRUB -> Keel -> dom0, and the same dom0 bare.

Prints one "PASS: name" or "FAIL: name: why" line per check and exits
non-zero if anything failed.  Three boots of the one ISO:
  keel      2048 MiB, dom0_mem=512M: banner, shell, module, vmctl, selftest,
            a denied access to hypervisor memory, dmesg, rmmod, poweroff
  keel-mem  1536 MiB, dom0_mem=384M: memory figures follow -m and dom0_mem
  bare      no hypervisor: dom0 still boots, keel.ko refuses clearly, reboot
Every wait is bounded; a failed check prints the serial and debugcon tails.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import PROMPT, Qemu, QemuError  # noqa: E402

MIB = 1 << 20
BANNER = r"^Keel hypervisor \d+\.\d+"
BOOT_TIMEOUT = int(os.environ.get("KEEL_BOOT_TIMEOUT", "150"))
# physinfo's hypervisor_memory is whatever is neither dom0's nor free: the
# hypervisor's own (its image, heap, frame bitmap, tables: ~7 MiB on
# 2 GiB) plus the guests' pages.  Less the guests, it stays under this;
# pages that went missing would show up here.
HV_OWN_MAX = 12 * MIB
# dom0's MemTotal is its RAM less what Linux keeps out of it (its image,
# struct pages, early reservations): 456 MiB of 512 seen; at most this less.
DOM0_RESERVED_MAX = 64 * MIB


class Suite:
    def __init__(self):
        self.passed = self.failed = 0

    def verdict(self, ok, name, why="", vm=None):
        if ok:
            print(f"PASS: {name}", flush=True)
            self.passed += 1
            return True
        # A multi-line why goes on indented lines: never a verdict line.
        why = str(why).replace("\n", "\n    | ")
        print(f"FAIL: {name}: {why}", flush=True)
        self.failed += 1
        if vm is not None:
            print(vm.tail(), flush=True)
        return False


class Boot:
    """One QEMU run whose checks stop being attempted after it breaks."""

    def __init__(self, suite, vm):
        self.s = suite
        self.vm = vm
        self.broken = None

    def check(self, name, fn):
        if self.broken:
            return self.s.verdict(False, name, f"not run: {self.broken}")
        try:
            ok, why = fn()
        except QemuError as e:
            self.broken = f"{name} failed ({e})"
            return self.s.verdict(False, name, str(e), self.vm)
        return self.s.verdict(ok, name, why, None if ok else self.vm)

    def run(self, cmd, timeout=60):
        return self.vm.run(cmd, timeout)

    def program(self, name, cmd, timeout, prefix):
        """Runs a dom0 test program and counts each of its PASS/FAIL lines
        once, as prefix/check.  Its summary ("...: N passed, N failed") and
        exit status are checked against those lines but not counted again:
        only a mismatch (a crash, a missing summary, no verdict) adds a FAIL
        named `name`."""
        if self.broken:
            return self.s.verdict(False, name, f"not run: {self.broken}")
        try:
            st, out = self.vm.run(cmd, timeout)
        except QemuError as e:
            self.broken = f"{name} failed ({e})"
            return self.s.verdict(False, name, str(e), self.vm)
        lines = re.findall(r"^(PASS|FAIL): (\S+)(.*)$", out, re.M)
        for verdict, check, rest in lines:
            self.s.verdict(verdict == "PASS", f"{prefix}/{check}", rest.strip())
        npass = sum(v == "PASS" for v, _, _ in lines)
        nfail = len(lines) - npass
        m = re.search(r"^\S+: (\d+) passed, (\d+) failed$", out, re.M)
        if not lines:
            why = "no PASS/FAIL line"
        elif not m:
            why = "no summary line"
        elif (int(m.group(1)), int(m.group(2))) != (npass, nfail):
            why = f"summary {m.group(0)!r} but {npass} PASS and {nfail} FAIL lines"
        elif (st == 0) != (nfail == 0):
            why = f"exit status {st} with {nfail} failed"
        else:
            return True
        return self.s.verdict(False, name, f"{why}; status {st}: {out[-300:]!r}",
                              self.vm)


# Signs that a boot cannot reach the prompt: fail at once instead of
# waiting out the whole bound.
DEAD_END = (r"(error: file `[^']*' not found|Failed to boot both default"
            r"|Kernel panic - not syncing|\*\*\* PANIC on CPU)")


def wait_boot(vm, pattern, timeout):
    """Waits for pattern, failing early when GRUB, Linux or the hypervisor
    report that the boot is dead."""
    m = vm.wait_for(rf"(?P<want>{pattern})|(?P<dead>{DEAD_END})", timeout)
    if m.group("dead"):
        raise QemuError(f"boot failed: {m.group('dead')!r}")
    return m


def dom0_reserved_above_ram(iomem):
    """The first "Reserved" range in /proc/iomem that starts above dom0's
    highest System RAM below 4 GiB: memory the hypervisor kept for itself
    or its guest pool (marked reserved in dom0's e820)."""
    ram_end, reserved = 0, []
    for line in iomem.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) : (.*)$", line.strip())
        if not m:
            continue
        lo, hi, what = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
        if hi >= 1 << 32:
            continue
        if what == "System RAM":
            ram_end = max(ram_end, hi)
        elif what == "Reserved":
            reserved.append((lo, hi))
    for lo, hi in reserved:
        if lo > ram_end:
            return lo
    return None


def memory_split(b, info, qemu_mib, dom0_mib):
    """None if vmctl info's figures fit -m and dom0_mem: dom0 exactly,
    total within 16 MiB below -m (firmware ranges), total = dom0 +
    hypervisor + free exactly, and the hypervisor's share less the guests'
    pages (vmctl list) under HV_OWN_MAX.  Else why not."""
    total, dom0 = info["total_memory"], info["dom0_memory"]
    hv, free = info["hypervisor_memory"], info["free_memory"]
    st, out = b.run("vmctl list --json")
    if st != 0:
        return f"vmctl list: status {st}: {out!r}"
    guests = sum(d["memory"] for d in json.loads(out) if d["name"] != "Domain-0")
    if dom0 != dom0_mib * MIB:
        return f"dom0 has {dom0} bytes, not {dom0_mib} MiB: {info}"
    if not (qemu_mib - 16) * MIB <= total <= qemu_mib * MIB:
        return f"total {total} bytes is not within 16 MiB below -m {qemu_mib}: {info}"
    if dom0 + hv + free != total:
        return f"dom0 + hypervisor + free = {dom0 + hv + free}, total {total}: {info}"
    if not 0 < hv - guests <= HV_OWN_MAX or free <= 0:
        return (f"hypervisor memory {hv} less the guests' {guests} is not within "
                f"0..{HV_OWN_MAX} bytes (free {free}): {info}")
    return None


def keel_boot(s):
    vm = Qemu("boot-keel", mem=2048, smp=2, hv_args="dom0_mem=512M")
    b = Boot(s, vm)
    info = {}
    try:
        vm.start()
        b.check("hypervisor_banner",
                lambda: (bool(wait_boot(vm, BANNER, 60)), ""))
        b.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))

        def module_loaded():
            st, out = b.run("grep -q '^keel ' /proc/modules")
            if st != 0:
                return False, f"keel is not in /proc/modules (status {st}): {out!r}"
            st, out = b.run("ls -l /dev/keel/privcmd")
            ok = st == 0 and re.search(r"^crw-------\s", out, re.M)
            return bool(ok), f"status {st}: {out!r}"
        b.check("module_loaded_device_0600", module_loaded)

        def info_json():
            st, out = b.run("vmctl info --json")
            if st != 0:
                return False, f"status {st}: {out!r}"
            info.update(json.loads(out))
            return True, ""
        b.check("vmctl_info_json", info_json)

        def memory_figures():
            if not info:
                return False, "no vmctl info"
            why = memory_split(b, info, 2048, 512)
            if why:
                return False, why
            return info["nr_cpus"] == 2, f"nr_cpus {info['nr_cpus']}"
        b.check("vmctl_info_memory_matches_dom0_mem_and_qemu_m", memory_figures)

        def info_text():
            st, out = b.run("vmctl info")
            ok = (st == 0 and re.search(r"^dom0 memory\s+512 MiB$", out, re.M)
                  and re.search(r"^hypervisor\s+Keel \d+\.\d+", out, re.M)
                  and re.search(r"^build id\s+[0-9a-f]+", out, re.M))
            return bool(ok), f"status {st}: {out!r}"
        b.check("vmctl_info_text", info_text)

        def meminfo():
            st, out = b.run("grep MemTotal /proc/meminfo")
            m = re.search(r"MemTotal:\s+(\d+) kB", out)
            total = int(m.group(1)) * 1024 if m else 0
            ok = st == 0 and 512 * MIB - DOM0_RESERVED_MAX <= total <= 512 * MIB
            return ok, (f"status {st}: {out.strip()!r}, expected "
                        f"{(512 * MIB - DOM0_RESERVED_MAX) // 1024}..{512 * MIB // 1024} kB")
        b.check("dom0_meminfo_within_dom0_mem", meminfo)

        b.program("keel_selftest", "keel-selftest", 120, "selftest")

        addr = {}

        def devmem_denied():
            st, out = b.run("cat /proc/iomem")
            a = dom0_reserved_above_ram(out)
            if a is None:
                return False, f"no Reserved range above dom0's RAM in {out!r}"
            addr["gpa"] = a
            st, out = b.run(f"busybox devmem {a:#x} 32")
            return st in (128 + 11, 128 + 7), f"devmem {a:#x}: status {st}: {out!r}"
        b.check("devmem_hypervisor_memory_faults", devmem_denied)

        dmesg = {}

        def npt_logged():
            st, out = b.run("vmctl dmesg", 60)
            dmesg["text"] = out
            m = re.search(r"npt: dom0 denied access to .*gpa (0x[0-9a-f]+)", out)
            ok = st == 0 and m and int(m.group(1), 16) == addr.get("gpa")
            return bool(ok), f"status {st}; no npt line for {addr}: {out[-500:]!r}"
        b.check("hypervisor_logs_denied_access", npt_logged)

        def alive_after():
            st, out = b.run("vmctl info >/dev/null && echo still-alive")
            return st == 0 and "still-alive" in out, f"status {st}: {out!r}"
        b.check("dom0_and_hypercalls_work_after_fault", alive_after)

        b.check("vmctl_dmesg_has_banner",
                lambda: (bool(re.search(BANNER, dmesg.get("text", ""), re.M)),
                         "no banner in vmctl dmesg"))
        b.check("hv_args_reach_hypervisor",
                lambda: ("dom0_mem=512M" in dmesg.get("text", ""),
                         "dom0_mem=512M not in the hypervisor log"))

        def vmctl_errors():
            st, out = b.run("vmctl frobnicate 2>&1")
            st2, out2 = b.run("vmctl info --bogus 2>&1")
            # 2: a usage error, as kxs and xenstored (docs/dom0.md)
            ok = (st == 2 and "unknown command 'frobnicate'" in out and
                  st2 == 2 and "unknown option '--bogus'" in out2)
            return ok, f"{st} {out!r} / {st2} {out2!r}"
        b.check("vmctl_usage_errors", vmctl_errors)

        def unload_reload():
            # The dom0 daemons (xenstored, keel-consoled, keel-domd) hold the
            # devices open: stop them first, as an administrator would.
            b.run("for p in /proc/[0-9]*; do ls -l $p/fd 2>/dev/null | "
                  "grep -q ' /dev/keel/' && kill ${p#/proc/}; done; i=0; "
                  "while [ $i -lt 50 ] && ! grep -q '^keel [0-9]* 0 ' /proc/modules; "
                  "do usleep 100000; i=$((i+1)); done")
            st, out = b.run("rmmod keel && test ! -e /dev/keel/privcmd && "
                            "insmod /lib/modules/keel.ko && test -c /dev/keel/privcmd "
                            "&& vmctl info >/dev/null && echo reloaded")
            return st == 0 and "reloaded" in out, f"status {st}: {out!r}"
        b.check("module_unload_reload", unload_reload)

        def poweroff():
            vm.send("poweroff")
            return vm.wait_exit(60), "QEMU still running 60 s after poweroff"
        b.check("poweroff_ends_qemu", poweroff)
    except QemuError as e:
        s.verdict(False, "keel_boot", str(e), vm)
    finally:
        vm.stop()


def keel_mem_boot(s):
    vm = Qemu("boot-keel-mem", mem=1536, smp=2, hv_args="dom0_mem=384M")
    b = Boot(s, vm)
    try:
        vm.start()
        b.check("mem1536_dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))

        def figures():
            st, out = b.run("vmctl info --json")
            if st != 0:
                return False, f"status {st}: {out!r}"
            why = memory_split(b, json.loads(out), 1536, 384)
            return not why, why
        b.check("mem1536_vmctl_info_memory", figures)
        b.check("mem1536_reboot_ends_qemu_with_no_reboot",
                lambda: (vm.send("reboot") or vm.wait_exit(60), "QEMU still running"))
    except QemuError as e:
        s.verdict(False, "keel_mem_boot", str(e), vm)
    finally:
        vm.stop()


def bare_boot(s):
    vm = Qemu("boot-bare", entry="bare", mem=1024, smp=2)
    b = Boot(s, vm)
    try:
        vm.start()
        b.check("bare_dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))
        b.check("bare_no_hypervisor_banner",
                lambda: (not re.search(BANNER, vm.text, re.M), "banner on a bare boot"))

        def refused():
            st, out = b.run("dmesg | grep 'keel:'; lsmod | grep -c '^keel ' ; "
                            "test -e /dev/keel/privcmd && echo device-present")
            ok = ("no Keel hypervisor found" in out and "device-present" not in out
                  and re.search(r"^0$", out, re.M))
            return bool(ok), f"{out!r}"
        b.check("bare_module_refuses_clearly", refused)

        def vmctl_fails():
            st, out = b.run("vmctl info 2>&1")
            ok = st == 1 and "cannot open /dev/keel/privcmd" in out and \
                "is the keel module loaded" in out
            return ok, f"status {st}: {out!r}"
        b.check("bare_vmctl_says_no_device", vmctl_fails)

        def poweroff():
            vm.send("poweroff")
            return vm.wait_exit(60), "QEMU still running 60 s after poweroff"
        b.check("bare_poweroff_ends_qemu", poweroff)
    except QemuError as e:
        s.verdict(False, "bare_boot", str(e), vm)
    finally:
        vm.stop()


def main():
    s = Suite()
    for boot in (keel_boot, keel_mem_boot, bare_boot):
        boot(s)
    print(f"boot tests: {s.passed} passed, {s.failed} failed")
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
