#!/usr/bin/env python3
"""Save and restore of a 64 MiB guest, beside plain I/O of the same bytes.

One boot (keel, 2048 MiB, dom0_mem=512M, keel.noguest, a fresh 1 GiB data
disk at /var/lib/keel).  A `counter64` guest (guests/counter.cfg with
memory = maxmem = 64) runs; then MIG_RUNS times (default 3):
  save     `vmctl save counter64 /var/lib/keel/m.sav` (suspend, write,
           fsync, destroy), wall time in dom0;
  restore  page cache dropped, `vmctl restore /var/lib/keel/m.sav`;
  write    `dd` of as many bytes as the save file from /dev/zero to
           /var/lib/keel/b.img with conv=fsync;
  read     page cache dropped, `dd` of it to /dev/null.
Prints the medians, MiB/s and the ratios save/write and restore/read
(how much the stream costs above the disk).  Under TCG the figures say
little about hardware; the ratios are what to read.
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "integration"))
from qemu import PROMPT, Qemu, QemuError  # noqa: E402

RUNS = int(os.environ.get("MIG_RUNS", "3"))


def timed(vm, cmd, timeout=300):
    """Runs cmd in dom0; its wall time in seconds (dom0's clock)."""
    # busybox's date has no %N: /proc/uptime, in hundredths of a second
    st, out = vm.run(f"t0=$(cut -d' ' -f1 /proc/uptime); {cmd}; rc=$?; "
                     f"echo t0=$t0 t1=$(cut -d' ' -f1 /proc/uptime) rc=$rc", timeout)
    m = re.search(r"t0=([\d.]+) t1=([\d.]+) rc=(\d+)", out)
    if st != 0 or not m or m.group(3) != "0":
        raise QemuError(f"`{cmd}` failed: {out[-400:]!r}")
    return float(m.group(2)) - float(m.group(1)), out


def main():
    vm = Qemu("bench-migrate", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest", data_disk="1G",
              logdir=os.path.join(os.environ.get("BUILD", "build"), "bench", "migrate"))
    res = {"save": [], "restore": [], "write": [], "read": []}
    try:
        vm.start()
        vm.wait_for(PROMPT, 240)
        st, out = vm.run("sed -e 's/^name = .*/name = \"counter64\"/' "
                         "-e 's/^memory = .*/memory = 64/' -e 's/^maxmem = .*/maxmem = 64/' "
                         "guests/counter.cfg > /root/counter64.cfg && "
                         "vmctl create /root/counter64.cfg", 120)
        if st != 0:
            raise QemuError(f"create: {out!r}")
        size = 0
        for i in range(RUNS):
            vm.run("sleep 3")   # a few ticks: its memory is written
            t, out = timed(vm, "rm -f /var/lib/keel/m.sav; vmctl save counter64 /var/lib/keel/m.sav")
            res["save"].append(t)
            st, out = vm.run("stat -c %s /var/lib/keel/m.sav")
            size = int(out.strip().splitlines()[-1])
            vm.run("sync; echo 3 > /proc/sys/vm/drop_caches")
            t, _ = timed(vm, "vmctl restore /var/lib/keel/m.sav")
            res["restore"].append(t)
            mib = (size + (1 << 20) - 1) >> 20
            t, _ = timed(vm, f"dd if=/dev/zero of=/var/lib/keel/b.img bs=1M count={mib} "
                             "conv=fsync 2>/dev/null")
            res["write"].append(t)
            vm.run("sync; echo 3 > /proc/sys/vm/drop_caches")
            t, _ = timed(vm, "dd if=/var/lib/keel/b.img of=/dev/null bs=1M 2>/dev/null")
            res["read"].append(t)
            print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1]:.3f} s" for k, v in res.items()),
                  flush=True)
        st, out = vm.run("tr -d '\\r' < /var/log/keel/console/counter64.log | grep -c 'memory FAILED'")
        failed = out.strip().splitlines()[-1] if out.strip() else "?"
    except QemuError as e:
        print(f"bench-migrate failed: {e}", file=sys.stderr)
        print(vm.tail(), file=sys.stderr)
        return 1
    finally:
        vm.stop()
    med = {k: statistics.median(v) for k, v in res.items()}
    mib = size / 1048576
    print(f"guest 64 MiB, save file {mib:.1f} MiB, medians of {RUNS}:")
    for k in ("save", "write", "restore", "read"):
        print(f"  {k:8s} {med[k]:7.3f} s  {mib / med[k]:7.1f} MiB/s")
    print(f"  save/write {med['save'] / med['write']:.2f}  "
          f"restore/read {med['restore'] / med['read']:.2f}  "
          f"(counter's memory check failures: {failed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
