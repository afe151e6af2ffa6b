#!/usr/bin/env python3
"""Live migration benchmark (make bench; docs/benchmarks.md, "Migration").

One boot of a host pair (tests/integration/qemu.py's Pair: two QEMU
machines, 2048 MiB each, dom0_mem=512M, linked by QEMU's UDP socket network
on 127.0.0.1).  In that run:
1. the link's bandwidth: a plain TCP transfer of LINK_MIB MiB from A's dom0
   to B's (keel-bench-tcp, 1 MiB writes, timed until B has read all of
   it), median of 3;
2. for each guest -- idle guests (guests/hello's kernel) of 16, 64 and
   128 MiB, and a 64 MiB guests/counter, which rewrites half its memory
   every second -- MIG_RUNS live migrations, alternately A -> B and B -> A,
   each `vmctl migrate NAME HOST --json`: the medians of total time,
   downtime, rounds and bytes sent, the stop rules seen, and total time /
   (memory / bandwidth): 1.0 would be the guest's memory sent once at the
   speed of a plain TCP transfer.
"""
import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "integration"))
from qemu import PAIR_ADDR, PROMPT, Pair, QemuError  # noqa: E402

RUNS = int(os.environ.get("MIG_RUNS", "3"))
LINK_MIB = int(os.environ.get("LINK_MIB", "64"))
GUESTS = [("idle16", "hello", 16), ("idle64", "hello", 64),
          ("idle128", "hello", 128), ("dirty64", "counter", 64)]


def run(q, cmd, timeout=120):
    st, out = q.run(cmd, timeout)
    if st != 0:
        raise QemuError(f"{q.name}: {cmd!r}: status {st}: {out[-400:]!r}")
    return out


def link_bandwidth(a, b):
    """MiB/s of a plain TCP transfer of LINK_MIB MiB from A's dom0 to B's
    (keel-bench-tcp: 1 MiB writes, timed until B has read it all), median
    of 3."""
    rates = []
    for i in range(3):
        port = 9100 + i
        run(b, f"keel-bench-tcp recv {port} >/tmp/tcp{port}.log 2>&1 & true")
        time.sleep(1)
        out = run(a, f"keel-bench-tcp send {PAIR_ADDR['b']} {port} {LINK_MIB}", 300)
        m = re.search(r"mib_per_s=([\d.]+)", out)
        if not m:
            raise QemuError(f"keel-bench-tcp: {out!r}")
        rates.append(float(m.group(1)))
    return statistics.median(rates), rates


def make_config(q, name, prog, mib):
    """A config NAME.cfg in /tmp from guests/PROG.cfg with mib of memory."""
    run(q, f"sed -e 's/^name = .*/name = \"{name}\"/' "
           f"-e 's/^memory = .*/memory = {mib}/' -e 's/^maxmem = .*/maxmem = {mib}/' "
           f"guests/{prog}.cfg > /tmp/{name}.cfg")


def migrate(src, dst_addr, name):
    st, out = src.run(f"vmctl migrate {name} {dst_addr} --json 2>/tmp/mig.err; "
                      "st=$?; cat /tmp/mig.err >&2; (exit $st)", 600)
    m = re.search(r"\{.*\}", out, re.S)
    if st != 0 or not m:
        raise QemuError(f"migrate {name}: status {st}: {out[-600:]!r}")
    return json.loads(m.group(0))


def main():
    p = Pair("bench-livemig", mem=2048, smp=2, hv_args="dom0_mem=512M",
             dom0_args="keel.noguest")
    results = []
    try:
        p.start()
        for q in (p.a, p.b):
            q.wait_for(PROMPT, 240)
        st, out = p.a.run("grep -c 'has no migration stream engine' /usr/sbin/vmctl")
        if out.strip() not in ("", "0"):
            print("bench_livemig: this build has no migration engine (stand-in): "
                  "nothing to measure", file=sys.stderr)
            return 1
        bw, rates = link_bandwidth(p.a, p.b)
        print(f"link: plain TCP A -> B, {LINK_MIB} MiB: median {bw:.1f} MiB/s "
              f"({', '.join(f'{r:.1f}' for r in rates)})", flush=True)
        for name, prog, mib in GUESTS:
            for q in (p.a, p.b):
                make_config(q, name, prog, mib)
            run(p.a, f"vmctl create /tmp/{name}.cfg", 180)
            time.sleep(3)
            where = [p.a, p.b]
            runs = []
            for i in range(RUNS):
                src, dst = where[i % 2], where[(i + 1) % 2]
                dst_addr = PAIR_ADDR["b" if dst is p.b else "a"]
                r = migrate(src, dst_addr, name)
                runs.append(r)
                print(f"  {name} run {i + 1} ({src.name[-1].upper()} -> "
                      f"{dst.name[-1].upper()}): total {r['total_ms']:.0f} ms, downtime "
                      f"{r['downtime_ms']:.0f} ms, {r['rounds']} rounds, "
                      f"{r['bytes_sent'] / 1048576:.1f} MiB, {r['stop_rule']}", flush=True)
                time.sleep(2)
            holder = where[RUNS % 2]
            run(holder, f"vmctl destroy {name}", 60)
            total = statistics.median(r["total_ms"] for r in runs)
            down = statistics.median(r["downtime_ms"] for r in runs)
            rounds = statistics.median(r["rounds"] for r in runs)
            sent = statistics.median(r["bytes_sent"] for r in runs)
            ideal_ms = mib / bw * 1000
            results.append((name, mib, total, down, rounds, sent,
                            sorted({r["stop_rule"] for r in runs}), total / ideal_ms))
    except QemuError as e:
        print(f"bench_livemig: {e}\n{p.tail()}", file=sys.stderr)
        return 1
    finally:
        p.stop()
    print(f"\nmedians of {RUNS} live migrations; link {bw:.1f} MiB/s (plain TCP, same run)")
    print(f"{'guest':<9} {'MiB':>4} {'total ms':>9} {'downtime ms':>12} {'rounds':>7} "
          f"{'MiB sent':>9} {'total/(mem/bw)':>15}  stop rule")
    for name, mib, total, down, rounds, sent, rules, ratio in results:
        print(f"{name:<9} {mib:>4} {total:>9.0f} {down:>12.0f} {rounds:>7.0f} "
              f"{sent / 1048576:>9.1f} {ratio:>15.2f}  {', '.join(rules)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
