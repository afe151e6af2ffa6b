#!/usr/bin/env python3
"""Block benchmark (make bench; issue 8), in one QEMU boot.

-smp 2 (dom0 on pCPU0, the guest on pCPU1), 2048 MiB, dom0_mem=512M,
keel.noguest, a fresh data disk (virtio, ext4 at /var/lib/keel).  On one
raw image of BENCH_MIB + 64 MiB, RUNS (default 3) times:

1. dom0 natively (keel-bench-blk, O_DIRECT on the image file): sequential
   write and read of BENCH_MIB MiB in 1 MiB requests, then 4 KiB random
   reads for 10 s -- the baseline;
2. the guest (guests/disk `bench BENCH_MIB`): the same through blkfront,
   keel-blkback and the same file, after dom0's page cache is dropped.

Reports the medians and the guest/dom0 ratios.  QEMU's accelerator is
single-threaded TCG (the block tests' reason, docs/testing.md), so both
sides share one host thread the same way.  Every wait is bounded.
"""
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "integration"))
from qemu import ACCEL_SINGLE, BUILD, PROMPT, Qemu  # noqa: E402

RUNS = int(os.environ.get("BLK_RUNS", "3"))
BENCH_MIB = int(os.environ.get("BLK_MIB", "256"))
ACCEL = os.environ.get("BLK_ACCEL", ACCEL_SINGLE)
IMG = "/var/lib/keel/disks/bench.img"
LOG = "/var/log/keel/console"


class BenchError(Exception):
    pass


def must(vm, cmd, timeout=60):
    st, out = vm.run(cmd, timeout)
    if st != 0:
        raise BenchError(f"'{cmd}' failed with status {st}:\n{out}")
    return out


def dom0_run(vm):
    res = {}
    for test, arg in (("seqwrite", BENCH_MIB), ("seqread", BENCH_MIB), ("randread", 10)):
        must(vm, "sync; echo 3 > /proc/sys/vm/drop_caches")
        out = must(vm, f"keel-bench-blk {test} {IMG} {arg}", 900)
        for m in re.finditer(r"^BENCH (\S+) ([0-9.]+)$", out, re.M):
            res[m.group(1)] = float(m.group(2))
    return res


def guest_run(vm, i):
    must(vm, "sync; echo 3 > /proc/sys/vm/drop_caches")
    name = f"bench{i}"
    must(vm, f"sed -e 's/^name = .*/name = \"{name}\"/' "
             f"-e 's/^cmdline = .*/cmdline = \"bench {BENCH_MIB}\"/' "
             f"-e 's|^disk = .*|disk = [ \"target={IMG}, vdev=xvda\" ]|' "
             f"guests/disk.cfg > /tmp/{name}.cfg; rm -f {LOG}/{name}.log; "
             f"vmctl create /tmp/{name}.cfg", 120)
    deadline = time.monotonic() + 1500
    while True:
        st, out = vm.run(f"grep '^disk: bench' {LOG}/{name}.log", 30)
        if "randread" in out or "FAILED" in out or "error" in out:
            break
        if time.monotonic() > deadline:
            raise BenchError(f"guest bench did not finish:\n{out}")
        time.sleep(5)
    must(vm, f"vmctl destroy {name}", 60)
    res = {}
    for m in re.finditer(r"^disk: bench (\S+) ([0-9.]+) (MB/s|IOPS)", out, re.M):
        key = f"guest_{m.group(1)}_" + ("mbs" if m.group(3) == "MB/s" else "iops")
        res[key] = float(m.group(2))
    if len(res) < 3:
        raise BenchError(f"guest bench output not understood:\n{out}")
    return res


def main():
    vm = Qemu("bench-blk", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest", accel=ACCEL,
              data_disk=f"{BENCH_MIB + 512}M",
              logdir=os.path.join(BUILD, "bench", "block"))
    runs = []
    try:
        vm.start()
        vm.wait_for(PROMPT, 300)
        must(vm, "cd /root")
        must(vm, f"rm -f {IMG}; vmctl disk-create {IMG} {BENCH_MIB + 64}M")
        for i in range(RUNS):
            r = dom0_run(vm)
            r.update(guest_run(vm, i))
            runs.append(r)
            print(f"  run {i + 1}/{RUNS}: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(r.items())),
                  flush=True)
    except Exception as e:
        print(f"bench failed: {e}\n{vm.tail()}", flush=True)
        return 1
    finally:
        vm.stop()
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"\nblock I/O, median of {RUNS} runs ({BENCH_MIB} MiB sequential, "
          f"4 KiB random reads for 10 s; QEMU -accel {ACCEL}):")
    print(f"  {'test':<12} {'guest':>10} {'dom0':>10} {'guest/dom0':>11}")
    for test, unit in (("seqwrite", "mbs"), ("seqread", "mbs"), ("randread", "iops")):
        g, d = med[f"guest_{test}_{unit}"], med[f"dom0_{test}_{unit}"]
        label = "MB/s" if unit == "mbs" else "IOPS"
        print(f"  {test:<12} {g:>10.1f} {d:>10.1f} {g / d:>11.2f}   ({label})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
