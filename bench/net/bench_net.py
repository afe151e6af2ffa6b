#!/usr/bin/env python3
"""Network benchmark (make bench; issue 9), in one QEMU boot.

-smp 2 (dom0 on pCPU0, the guest on pCPU1), 2048 MiB, dom0_mem=512M,
keel.noguest.  Two peers of dom0, measured the same way with the same
client (keel-bench-net) RUNS (default 3) times:

  guest     guests/netecho (lwIP over netfront) at 169.254.77.12, through
            its tap in keelbr0 and keel-netback;
  baseline  a veth pair, one end in a network namespace of dom0 at
            169.254.78.2 running `keel-bench-net serve` (the same services
            on the same ports): the cost of the Linux stack alone.

Measures: TCP guest -> dom0 (tcp-get: dom0 reads NET_MIB MiB from tcp 19,
the pattern checked), TCP dom0 -> guest (tcp-put to tcp 9, timed to the
sink's close), UDP 64-byte echoes per second (udp-rate, 32 in flight, 5
s), and the ping round trip (median of 20).  Reports medians and
guest/baseline ratios (for the ping, guest/baseline: lower is better),
and how busy dom0's CPU was during each TCP run (/proc/stat); the
guest's own idle time per run is in netecho's "source"/"sink" lines.
QEMU's accelerator is single-threaded TCG, as the network tests use
(docs/testing.md); NET_ACCEL overrides it.  Every wait is bounded.
"""
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "integration"))
from qemu import ACCEL_SINGLE, BUILD, PROMPT, Qemu  # noqa: E402

RUNS = int(os.environ.get("NET_RUNS", "3"))
NET_MIB = int(os.environ.get("NET_MIB", "64"))
ACCEL = os.environ.get("NET_ACCEL", ACCEL_SINGLE)
LOG = "/var/log/keel/console"
GUEST_IP = "169.254.77.12"
PEER_IP = "169.254.78.2"
PINGS = 20


class BenchError(Exception):
    pass


def must(vm, cmd, timeout=60):
    st, out = vm.run(cmd, timeout)
    if st != 0:
        raise BenchError(f"'{cmd}' failed with status {st}:\n{out}")
    return out


def bench_value(out, name):
    m = re.search(rf"^BENCH {name} ([0-9.]+)$", out, re.M)
    if not m:
        raise BenchError(f"no BENCH {name} in:\n{out}")
    return float(m.group(1))


def ping_median(vm, ip):
    out = must(vm, f"ping -c {PINGS} -i 0.2 {ip} 2>/dev/null || ping -c {PINGS} {ip}",
               PINGS * 3 + 30)
    times = [float(t) for t in re.findall(r"time=([0-9.]+) ms", out)]
    if len(times) < PINGS // 2:
        raise BenchError(f"too few ping answers:\n{out}")
    return statistics.median(times)


def ticks(vm):
    """(keel-netback's utime+stime, dom0's total ticks) from /proc."""
    out = must(vm, "cat /proc/$(pidof keel-netback)/stat; head -1 /proc/stat")
    lines = out.strip().splitlines()
    nb = lines[0].rsplit(")", 1)[1].split()
    cpu = [int(v) for v in lines[1].split()[1:9]]
    return int(nb[11]) + int(nb[12]), sum(cpu)


def measure(vm, ip, guest):
    nbytes = NET_MIB << 20
    bound = 900
    r = {}
    for test, cmd in (("get", "tcp-get"), ("put", "tcp-put")):
        t0 = ticks(vm) if guest else None
        out = must(vm, f"keel-bench-net {cmd} {ip} {nbytes}", bound)
        r[f"tcp_{test}_MBps"] = bench_value(out, f"tcp_{test}_MBps")
        r[f"{test}_dom0_busy_pct"] = bench_value(out, "dom0_busy_pct")
        if guest:
            t1 = ticks(vm)
            # keel-netback's own share of dom0's CPU during the run (its
            # system calls and grant-copy ioctls included; the bridge
            # and dom0's TCP stack not).
            r[f"{test}_netback_pct"] = 100.0 * (t1[0] - t0[0]) / max(1, t1[1] - t0[1])
    r["udp_pps"] = bench_value(must(vm, f"keel-bench-net udp-rate {ip} 5", 60), "udp_pps")
    r["ping_ms"] = ping_median(vm, ip)
    return r


def baseline_setup(vm):
    """The veth peer in its own network namespace, serving."""
    must(vm, "modprobe veth")
    must(vm, "(unshare -n sh -c 'echo $$ > /tmp/ns.pid; exec sleep 100000' "
             "> /dev/null 2>&1 &)")
    deadline = time.monotonic() + 10
    while vm.run("test -s /tmp/ns.pid")[0] != 0:
        if time.monotonic() > deadline:
            raise BenchError("the namespace's process did not start")
        time.sleep(0.5)
    # busybox's ip ignores "peer name": the peer is whichever interface
    # kbv0's iflink names.
    must(vm, "ip link add kbv0 type veth peer name kbv1")
    must(vm, "P=$(for d in /sys/class/net/*; do [ \"$(cat $d/ifindex)\" = "
             "\"$(cat /sys/class/net/kbv0/iflink)\" ] && basename $d; done); "
             "echo $P > /tmp/ns.peer; test -n \"$P\"")
    must(vm, "NS=$(cat /tmp/ns.pid); P=$(cat /tmp/ns.peer); ip link set $P netns $NS && "
             "ip addr add 169.254.78.1/24 dev kbv0 && ip link set kbv0 up && "
             f"nsenter -t $NS -n sh -c \"ip addr add {PEER_IP}/24 dev $P && "
             "ip link set $P up && ip link set lo up\"")
    must(vm, "(nsenter -t $(cat /tmp/ns.pid) -n keel-bench-net serve "
             "> /tmp/serve.log 2>&1 &)")


def guest_setup(vm):
    must(vm, f"sed -e 's/^cmdline = .*/cmdline = \"ip={GUEST_IP}\"/' "
             f"-e 's|^vif = .*|vif = [ \"bridge=keelbr0, ip={GUEST_IP}\" ]|' "
             f"guests/netecho.cfg > /tmp/netecho.cfg; rm -f {LOG}/netecho.log; "
             "vmctl create /tmp/netecho.cfg", 120)
    deadline = time.monotonic() + 180
    while vm.run(f"grep -q 'udp echo 7' {LOG}/netecho.log")[0] != 0:
        if time.monotonic() > deadline:
            _, out = vm.run(f"tail -5 {LOG}/netecho.log")
            raise BenchError(f"netecho not up:\n{out}")
        time.sleep(1)


def main():
    vm = Qemu("bench-net", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest", accel=ACCEL,
              logdir=os.path.join(BUILD, "bench", "net"))
    runs = []
    try:
        vm.start()
        vm.wait_for(PROMPT, 300)
        must(vm, "cd /root")
        baseline_setup(vm)
        guest_setup(vm)
        for i in range(RUNS):
            r = {f"base_{k}": v for k, v in measure(vm, PEER_IP, False).items()}
            r.update({f"guest_{k}": v for k, v in measure(vm, GUEST_IP, True).items()})
            runs.append(r)
            print(f"  run {i + 1}/{RUNS}: " +
                  ", ".join(f"{k} {v:.2f}" for k, v in sorted(r.items())), flush=True)
        _, stats = vm.run("vmctl network-list netecho", 30)
        print(stats.strip())
        # netfront's counters after each sink/source run: frames per event
        # each way tell how well notifications are batched.
        _, lines = vm.run(f"grep -E '^(netecho: (sink|source)|net: eth0 rx)' "
                          f"{LOG}/netecho.log | tail -4", 30)
        print(lines.strip())
    except Exception as e:
        print(f"bench failed: {e}\n{vm.tail()}", flush=True)
        return 1
    finally:
        vm.stop()
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"\nnetwork, median of {RUNS} runs ({NET_MIB} MiB TCP each way, 64-byte "
          f"UDP echoes for 5 s, {PINGS} pings; QEMU -machine pc -cpu max "
          f"-smp 2 -m 2048 -accel {ACCEL}):")
    print(f"  {'test':<14} {'guest':>10} {'baseline':>10} {'guest/base':>11}")
    for test, label in (("tcp_get_MBps", "MB/s, guest -> dom0"),
                        ("tcp_put_MBps", "MB/s, dom0 -> guest"),
                        ("udp_pps", "64-byte echoes/s"),
                        ("ping_ms", "ms, median round trip")):
        g, b = med[f"guest_{test}"], med[f"base_{test}"]
        print(f"  {test:<14} {g:>10.2f} {b:>10.2f} {g / b:>11.2f}   ({label})")
    for test, label in (("get_dom0_busy_pct", "dom0's CPU busy during tcp-get"),
                        ("put_dom0_busy_pct", "dom0's CPU busy during tcp-put")):
        print(f"  {test:<18} {med['guest_' + test]:>6.0f} {med['base_' + test]:>10.0f}"
              f"               ({label}, %)")
    for test in ("get_netback_pct", "put_netback_pct"):
        print(f"  {test:<18} {med['guest_' + test]:>6.0f}"
              f"                          (keel-netback's share of dom0's CPU, %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
