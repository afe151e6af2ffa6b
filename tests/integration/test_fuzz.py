#!/usr/bin/env python3
"""Hostile guests in QEMU (issue 11): the `fuzz` guest issues 10^5 random
and structure-aware hypercalls from a seed it prints, while two `collude`
guests attack each other's grants, ports and pages, and a well-behaved
guest (`hello`, the witness) keeps ticking.

Afterwards: the hypervisor and dom0 answer, the witness ticked on and is
undisturbed, each hostile guest printed no FAIL line and its summary, and
once every guest is destroyed the free-memory figure is back to what it was
before the first one.  The longest time any hypercall held a pCPU (`vmctl
hv-stats`, reset before the run) is printed; no timing is asserted.

One boot (-smp 2: one guest pCPU that all of them share), about 2-3
minutes.  KEEL_FUZZ_SEED and KEEL_FUZZ_COUNT replay or lengthen a run
(`make fuzz-qemu` runs 10^6).  Prints one PASS/FAIL line per check and a
summary; every wait is bounded.
"""
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import PROMPT, Qemu, QemuError  # noqa: E402

BOOT_TIMEOUT = int(os.environ.get("KEEL_BOOT_TIMEOUT", "150"))
ISO = os.environ.get("KEEL_ISO")
SEED = int(os.environ.get("KEEL_FUZZ_SEED", "0")) or random.randrange(1, 1 << 62)
COUNT = int(os.environ.get("KEEL_FUZZ_COUNT", "100000"))
# 10^5 calls take well under a minute under TCG; the bound scales with COUNT.
FUZZ_TIMEOUT = int(os.environ.get("KEEL_FUZZ_TIMEOUT", str(300 + COUNT // 250)))
LOG = "/var/log/keel/console"


class Failed(Exception):
    pass


class Suite:
    def __init__(self, vm):
        self.vm = vm
        self.passed = self.failed = 0
        self.broken = None

    def check(self, name, fn):
        if self.broken:
            print(f"FAIL: {name}: not run: {self.broken}", flush=True)
            self.failed += 1
            return False
        try:
            why = fn()
            ok = why is None
        except Failed as e:
            ok, why = False, str(e)
        except QemuError as e:
            self.broken = f"{name} broke the boot ({e})"
            ok, why = False, str(e)
        if ok:
            print(f"PASS: {name}", flush=True)
            self.passed += 1
        else:
            why = str(why).replace("\n", "\n    | ")
            print(f"FAIL: {name}: {why}", flush=True)
            self.failed += 1
            print(self.vm.tail(40), flush=True)
        return ok


def main():
    kw = {"iso": ISO} if ISO else {}
    vm = Qemu("fuzz", mem=2048, smp=2, dom0_args="keel.noguest", **kw)
    s = Suite(vm)
    state = {}

    def run(cmd, timeout=60):
        return vm.run(cmd, timeout)

    def ok(cmd, timeout=60):
        st, out = run(cmd, timeout)
        if st != 0:
            raise Failed(f"'{cmd}' exited {st}: {out.strip()[-300:]}")
        return out

    def doms():
        return {d["name"]: d for d in json.loads(ok("vmctl list --json"))}

    def free_bytes():
        return json.loads(ok("vmctl info --json"))["free_memory"]

    def wait_until(what, fn, timeout, step=2.0):
        deadline = time.monotonic() + timeout
        while True:
            v = fn()
            if v:
                return v
            if time.monotonic() > deadline:
                raise Failed(f"timeout after {timeout}s waiting for {what}")
            time.sleep(step)

    def create(src, name, cmdline=None):
        edit = f"-e 's/^cmdline = .*/cmdline = \"{cmdline}\"/'" if cmdline else ""
        ok(f"sed -e 's/^name = .*/name = \"{name}\"/' {edit} "
           f"/root/guests/{src}.cfg > /tmp/{name}.cfg")
        out = ok(f"vmctl create /tmp/{name}.cfg")
        m = re.search(r"\(id (\d+)\)", out)
        if not m:
            raise Failed(f"vmctl create printed no id: {out!r}")
        return int(m.group(1))

    def console(name, pattern):
        _, out = run(f"grep -E '{pattern}' {LOG}/{name}.log | tail -3")
        return out.strip()

    def ticks():
        out = console("witness", "^tick [0-9]+")
        m = re.findall(r"tick (\d+)", out)
        return int(m[-1]) if m else 0

    def summary_of(name, prog):
        """Wait for prog's summary in name's console log; FAIL lines and
        a non-zero failed count are the failure."""
        out = wait_until(f"the {name} summary",
                         lambda: console(name, rf"^{prog}: [0-9]+ passed"),
                         FUZZ_TIMEOUT)
        print(f"# {name}: {out.splitlines()[-1]}", flush=True)
        _, fails = run(f"grep '^FAIL' {LOG}/{name}.log | head -10")
        if fails.strip():
            return f"{name} FAIL lines:\n{fails.strip()}"
        m = re.search(rf"{prog}: (\d+) passed, (\d+) failed", out)
        if not m or m.group(2) != "0" or m.group(1) == "0":
            return f"{name} summary {out!r}"
        return None

    try:
        vm.start()
        vm.wait_for(PROMPT, BOOT_TIMEOUT)
    except QemuError as e:
        print(f"FAIL: boot: {e}\n{vm.tail()}", flush=True)
        vm.stop()
        return 1
    print(f"# dom0 prompt after {vm.elapsed():.1f}s", flush=True)

    def t_start():
        state["free0"] = free_bytes()
        ok("vmctl hv-stats --reset")
        create("hello", "witness")
        wait_until("the witness ticking", lambda: ticks() >= 1, 60)
        a = create("collude-a", "collude-a")
        b = create("collude-b", "collude-b")
        ok(f"kxs write /local/domain/{a}/peer {b}")
        ok(f"kxs write /local/domain/{b}/peer {a}")
        state["ticks0"] = ticks()
        state["t0"] = time.monotonic()
        print(f"# fuzz seed={SEED} count={COUNT} (replay: KEEL_FUZZ_SEED={SEED} "
              f"KEEL_FUZZ_COUNT={COUNT})", flush=True)
        state["fuzz"] = create("fuzz", "fuzz", f"seed={SEED} count={COUNT}")
        out = wait_until("the fuzz guest's seed line",
                         lambda: console("fuzz", "^fuzz: domain"), 60)
        if f"seed={SEED} " not in out:
            return f"the fuzz guest did not take the seed: {out!r}"
        return None
    s.check("a witness, two colluding guests and the fuzz guest start", t_start)

    s.check("the colluding guests print no FAIL line, and their summaries",
            lambda: summary_of("collude-a", "collude") or
            summary_of("collude-b", "collude"))

    def t_fuzz():
        r = summary_of("fuzz", "fuzz")
        out = console("fuzz", "^fuzz: [0-9]+ hypercalls in")
        print(f"# {out}", flush=True)
        if not re.search(rf"^fuzz: {COUNT} hypercalls in \d+ ms, seed={SEED}$",
                         out, re.M):
            return r or f"no line for {COUNT} hypercalls: {out!r}"
        return r
    s.check(f"the fuzz guest makes {COUNT} hypercalls, no FAIL line, its summary",
            t_fuzz)

    def t_witness():
        k1 = ticks()
        took = time.monotonic() - state["t0"]
        print(f"# witness ticked {k1 - state['ticks0']} times in {took:.0f} s",
              flush=True)
        if k1 <= state["ticks0"]:
            return f"the witness stopped ticking ({state['ticks0']} -> {k1})"
        wait_until("another witness tick", lambda: ticks() > k1, 30)
        d = doms()
        if d["witness"]["state"] not in ("running", "blocked"):
            return f"the witness is {d['witness']['state']}"
        for n in ("fuzz", "collude-a", "collude-b"):
            if d.get(n, {}).get("state") not in ("running", "blocked"):
                return f"{n} is {d.get(n, {}).get('state')}: it hurt itself"
        return None
    s.check("the witness ticked on throughout; every guest still runs", t_witness)

    def t_alive():
        info = json.loads(ok("vmctl info --json"))
        if info["nr_cpus"] != 2:
            return f"vmctl info: {info}"
        ok("vmctl dmesg | tail -1")
        out = ok("echo dom0-answers")
        if "dom0-answers" not in out:
            return f"dom0 echoed {out!r}"
        return None
    s.check("the hypervisor and dom0 answer", t_alive)

    def t_free_after():
        for n in list(doms()):
            if n != "Domain-0":
                ok(f"vmctl destroy {n}")
        wait_until("every guest gone", lambda: list(doms()) == ["Domain-0"], 60)
        try:
            wait_until("free memory back",
                       lambda: free_bytes() == state["free0"], 30)
        except Failed:
            f = free_bytes()
            return (f"free memory is {f} bytes, {state['free0'] - f} fewer "
                    f"than before the first guest ({state['free0']})")
        return None
    s.check("after destroying every guest, free memory equals the start",
            t_free_after)

    def t_hold():
        out = ok("vmctl hv-stats")
        for line in out.strip().splitlines()[:8]:
            print(f"#   {line}", flush=True)
        m = re.search(r"^longest hold: .*$", out, re.M)
        if not m:
            return f"vmctl hv-stats printed no longest hold: {out!r}"
        print(f"# {m.group(0)} (goal under TCG: < 10 ms; not asserted)",
              flush=True)
        js = json.loads(ok("vmctl hv-stats --json"))
        if js["longest_hold_ns"] <= 0 or not js["holds"]:
            return f"vmctl hv-stats --json: {js}"
        calls = sum(h["calls"] for h in js["holds"])
        print(f"# {calls} calls timed: {sum(h['over_1ms'] for h in js['holds'])} "
              f"took over 1 ms, {sum(h['over_10ms'] for h in js['holds'])} "
              f"over 10 ms", flush=True)
        guest = [h for h in js["holds"] if h["max_domid"] != 0]
        if guest:
            g = max(guest, key=lambda h: h["max_ns"])
            print(f"# longest hold by a guest's call: {g['max_ns'] / 1e3:.1f} us "
                  f"({g['hypercall']} {g['subop']}, dom{g['max_domid']})",
                  flush=True)
        return None
    s.check("vmctl hv-stats reports the longest hold", t_hold)

    def t_poweroff():
        vm.send("poweroff")
        return None if vm.wait_exit(60) else "QEMU still running 60 s after poweroff"
    s.check("poweroff", t_poweroff)

    vm.stop()
    print(f"fuzz: {s.passed} passed, {s.failed} failed", flush=True)
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
