#!/usr/bin/env python3
"""The store in dom0 under QEMU: libxenstore write+read pairs per second
(keel-xs-pairs, Debian's libxenstore as Xen's own figure was measured),
with the hypervisor (entry keel) and without it (entry bare: the same
kernel and initramfs), for xenstored in its default, --sync and --memory
modes.

    python3 bench/store/dom0_pairs.py [--seconds 5] [--rounds 3]
        [--data-disk IMG --variant LABEL=COMMAND]...

For each variant the supervised xenstored is stopped and COMMAND started
on the standard socket (the default variants run /usr/sbin/xenstored).
Each run reports:
  pairs/s      wall-clock rate inside dom0 (what a user sees; it moves
               with the load on the host)
  host us/pair QEMU's own CPU time (utime+stime of the process) per pair:
               what one pair costs to emulate, much steadier under load
  exits/pair   dom0's VM exits and hypercalls during the run, from the
               hypervisor's counters (vmctl exit-stats; keel entry only),
               minus what the two vmctl calls themselves cost
Medians over the rounds; runs are interleaved keel/bare per round so load
falls on both.  Method and results: docs/benchmarks.md, "The store in
dom0".
"""
import argparse
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
from qemu import PROMPT, Qemu  # noqa: E402

DEFAULT_VARIANTS = [
    ("default", "/usr/sbin/xenstored -F --db /tmp/xsm/tdb"),
    ("sync", "/usr/sbin/xenstored -F --db /tmp/xsm/tdb --sync"),
    ("memory", "/usr/sbin/xenstored -F --memory"),
]
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def counters(vm):
    """dom0's exit total and hypercall total, or None without keel."""
    st, out = vm.run("vmctl exit-stats 2>/dev/null")
    if st != 0:
        return None
    ex = hc = 0
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] == "exit" and f[1] == "total":
            ex = int(f[2])
        elif len(f) >= 3 and f[0] == "hypercall":
            hc += int(f[2])
    return ex, hc


def measure(vm, cmd, seconds):
    vm.run("/etc/keel/init.d/S10xenstored stop >/dev/null 2>&1; "
           "rm -rf /tmp/xsm; mkdir -p /tmp/xsm; "
           "rm -f /var/run/xenstored/socket", 30)
    vm.run(f"({cmd} >/tmp/xsm.log 2>&1 &); i=0; "
           "while ! [ -S /var/run/xenstored/socket ] && [ $i -lt 50 ]; do "
           "usleep 100000; i=$((i+1)); done", 30)
    # what reading the counters costs (vmctl's own CPUID exits...)
    c0 = counters(vm)
    c1 = counters(vm)
    cpu0 = cpu_seconds(vm.proc.pid)
    st, out = vm.run(f"keel-xs-pairs {seconds}", seconds + 60)
    cpu1 = cpu_seconds(vm.proc.pid)
    c2 = counters(vm)
    vm.run("kill $(pidof xenstored) 2>/dev/null; sleep 1", 30)
    m = re.search(r"pairs (\d+) seconds ([\d.]+) pairs/s (\d+)", out)
    if st != 0 or not m:
        raise RuntimeError(f"keel-xs-pairs: status {st}: {out!r}")
    pairs = int(m.group(1))
    r = {"rate": int(m.group(3)), "us": (cpu1 - cpu0) * 1e6 / pairs}
    if c0 and c1 and c2:
        own = [c1[i] - c0[i] for i in range(2)]
        r["exits"] = max(0, c2[0] - c1[0] - own[0]) / pairs
        r["hcalls"] = max(0, c2[1] - c1[1] - own[1]) / pairs
    return r


def boot(entry, data_disk):
    if entry == "keel":
        vm = Qemu("store-dom0-keel", hv_args="dom0_mem=512M",
                  dom0_args="keel.noguest", data_disk=data_disk)
    else:
        vm = Qemu("store-dom0-bare", entry="bare", mem=512,
                  data_disk=data_disk)
    vm.start()
    vm.wait_for(PROMPT, 300)
    return vm


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--data-disk", default=None)
    ap.add_argument("--variant", action="append", default=[],
                    help="LABEL=COMMAND (repeatable; replaces the defaults)")
    a = ap.parse_args()
    variants = [tuple(v.split("=", 1)) for v in a.variant] or DEFAULT_VARIANTS
    res = {}
    vms = {}
    try:
        for entry in ("keel", "bare"):
            vms[entry] = boot(entry, a.data_disk)
        for _ in range(a.rounds):
            for label, cmd in variants:
                for entry, vm in vms.items():
                    r = measure(vm, cmd, a.seconds)
                    res.setdefault((label, entry), []).append(r)
                    print(f"# {label:10} {entry:5} {r}", flush=True)
    finally:
        for vm in vms.values():
            vm.stop()
    print(f"{'daemon':12} {'keel pairs/s':>12} {'bare pairs/s':>12} "
          f"{'keel us/pair':>12} {'bare us/pair':>12} {'us ratio':>8} "
          f"{'exits/pair':>10} {'hcalls/pair':>11}")
    for label, _ in variants:
        k, b = res[(label, "keel")], res[(label, "bare")]
        med = lambda rs, key: statistics.median(r[key] for r in rs if key in r)  # noqa: E731
        ex = med(k, "exits") if any("exits" in r for r in k) else float("nan")
        hc = med(k, "hcalls") if any("hcalls" in r for r in k) else float("nan")
        print(f"{label:12} {med(k, 'rate'):12.0f} {med(b, 'rate'):12.0f} "
              f"{med(k, 'us'):12.0f} {med(b, 'us'):12.0f} "
              f"{med(k, 'us') / med(b, 'us'):8.2f} {ex:10.3f} {hc:11.3f}")
    print(f"(medians of {a.rounds} runs of {a.seconds} s; QEMU -cpu max TCG, "
          "keel: 2 vCPUs 2048 MiB dom0_mem=512M; bare: 512 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
