#!/usr/bin/env python3
"""Two hosts linked for migration, and migration between them
(docs/migration.md).

Prints one "PASS: name", "FAIL: name: why" or "SKIP: name: why" line per
check and a summary; exits non-zero on any FAIL.  One boot of a host pair
(qemu.py's Pair, as `make run-pair` links them: 2048 MiB each,
dom0_mem=512M, keel.noguest):
  both dom0s reach their prompt; each has its link address and pings the
  other's; the shared directory is the same on both; both hold the pair's
  key; keel-migrated listens on port 8002 of the link address only;
  `vmctl migrate-check` passes both ways; a wrong key is refused, and the
  receiver logs the refusal; an offer of a name the target runs already,
  or of a guest bigger than the target's free memory, is refused before
  anything is sent, and the guest keeps running.
With the migration engine and the counter guest in the build (else SKIP):
  counter migrated live A -> B -> A (back with --with-storage: no disk,
  but the stream through the framed relay): its count never resets nor goes
  back, its memory checksum holds, its console log goes on on the
  target, the source frees all its memory and `vmctl list` shows it on
  the target only; then the link cut mid-migration (the receiver killed):
  the guest runs on at the source, the target frees everything; Ctrl-C
  (SIGINT) during a migration: the same; and both pools are back at their
  figures.
Every wait is bounded; a failure prints both hosts' log tails.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import PAIR_ADDR, PROMPT, Pair, QemuError  # noqa: E402
from test_boot import BOOT_TIMEOUT, wait_boot  # noqa: E402

A_ADDR, B_ADDR = PAIR_ADDR["a"], PAIR_ADDR["b"]
MIGRATE_BOUND = int(os.environ.get("KEEL_MIGRATE_BOUND", "240"))
COUNTER_LOG = "/var/log/keel/console/counter.log"
COUNTER_RX = re.compile(r"^counter (\d+)\s*$", re.M)


class Suite:
    def __init__(self, pair):
        self.pair = pair
        self.passed = self.failed = self.skipped = 0
        self.broken = None

    def verdict(self, ok, name, why=""):
        if ok:
            print(f"PASS: {name}", flush=True)
            self.passed += 1
            return True
        why = str(why).replace("\n", "\n    | ")
        print(f"FAIL: {name}: {why}", flush=True)
        self.failed += 1
        print(self.pair.tail(), flush=True)
        return False

    def skip(self, name, why):
        print(f"SKIP: {name}: {why}", flush=True)
        self.skipped += 1

    def check(self, name, fn):
        """Runs fn() -> (ok, why); after a QEMU failure, later checks
        fail at once as not run."""
        if self.broken:
            return self.verdict(False, name, f"not run: {self.broken}")
        try:
            ok, why = fn()
        except QemuError as e:
            self.broken = f"{name} failed ({e})"
            return self.verdict(False, name, str(e))
        return self.verdict(ok, name, why)


def run(q, cmd, timeout=60):
    return q.run(cmd, timeout)


def free_kib(q):
    """The hypervisor's free memory in KiB (vmctl info --json)."""
    st, out = run(q, "vmctl info --json")
    m = re.search(r'"free_memory":\s*(\d+)', out)
    if st != 0 or not m:
        raise QemuError(f"vmctl info --json: status {st}: {out[-200:]!r}")
    return int(m.group(1)) // 1024


def domains(q):
    """The names in `vmctl list`."""
    st, out = run(q, "vmctl list --json")
    if st != 0:
        raise QemuError(f"vmctl list --json: status {st}: {out[-200:]!r}")
    return re.findall(r'"name":\s*"([^"]*)"', out)


def log_lines(q):
    """How many lines the counter's console log on q has (0: none)."""
    st, out = run(q, f"cat {COUNTER_LOG} 2>/dev/null | wc -l")
    return int(out.strip() or 0)


def set_hot(q, on):
    """counter's data/hot key: "1" makes it rewrite its memory as fast as
    it can (guests/counter), so that a migration takes many rounds."""
    st, out = run(q, "vmctl list --json")
    m = re.search(r'"id":\s*(\d+),\s*"name":\s*"counter"', out)
    if not m:
        raise QemuError(f"no counter in {out[-300:]!r}")
    st, out = run(q, f"xenstore-write /local/domain/{m.group(1)}/data/hot {1 if on else 0}")
    if st != 0:
        raise QemuError(f"xenstore-write data/hot: {out!r}")


def counts(q, skip=0):
    """The counter's numbers in the console log on q, in order, from line
    skip + 1 on."""
    st, out = run(q, f"tail -n +{skip + 1} {COUNTER_LOG} 2>/dev/null | "
                     "grep -E '^counter ' | tail -n 400", 30)
    return [int(n) for n in COUNTER_RX.findall(out)]


def wait_count(q, above, bound, skip=0):
    """Waits until q's counter log (from line skip + 1) shows a number
    above `above`; returns the last number or None."""
    deadline = time.monotonic() + bound
    while True:
        c = counts(q, skip)
        if c and c[-1] > above:
            return c[-1]
        if time.monotonic() > deadline:
            return None
        time.sleep(1)


def monotonic_counts(c):
    """Why the sequence c is not strictly increasing by ones, or ""."""
    for x, y in zip(c, c[1:]):
        if y != x + 1:
            return f"{x} followed by {y}"
    return ""


def link_checks(s, p):
    a, b = p.a, p.b

    def prompts():
        for q in (a, b):
            wait_boot(q, PROMPT, BOOT_TIMEOUT)
        return True, ""
    s.check("pair_both_dom0s_up", prompts)

    def addresses():
        for q, addr in ((a, A_ADDR), (b, B_ADDR)):
            st, out = run(q, "ip -4 addr show")
            if f"inet {addr}/16" not in out:
                return False, f"{q.name} has no {addr}/16: {out[-300:]!r}"
        return True, ""
    s.check("pair_link_addresses", addresses)

    def pings():
        for q, peer in ((a, B_ADDR), (b, A_ADDR)):
            st, out = run(q, f"ping -c 3 -W 5 {peer}", 60)
            if st != 0 or " 0% packet loss" not in out:
                return False, f"{q.name} -> {peer}: status {st}: {out[-300:]!r}"
        return True, ""
    s.check("pair_ping_both_ways", pings)

    def shared():
        tag = os.urandom(8).hex()
        st, out = run(a, f"echo {tag} > /var/lib/keel/shared/from-a && sync")
        if st != 0:
            return False, f"cannot write on A: {out!r}"
        st, out = run(b, "cat /var/lib/keel/shared/from-a")
        if st != 0 or out.strip() != tag:
            return False, f"B reads {out!r}, A wrote {tag}"
        st, out = run(b, f"echo {tag}b > /var/lib/keel/shared/from-b")
        with open(os.path.join(p.shared, "from-b")) as f:
            host_sees = f.read().strip()
        st, out = run(a, "cat /var/lib/keel/shared/from-b")
        if out.strip() != tag + "b" or host_sees != tag + "b":
            return False, f"A reads {out!r}, the host {host_sees!r}, B wrote {tag}b"
        return True, ""
    s.check("pair_shared_directory", shared)

    def keys():
        for q in (a, b):
            st, out = run(q, "stat -c %a /etc/keel/migration.key; cat /etc/keel/migration.key")
            lines = out.split()
            if st != 0 or lines[:1] != ["600"] or p.key not in lines:
                return False, f"{q.name}: status {st}: {out!r}"
        return True, ""
    s.check("pair_key_in_both_dom0s", keys)

    def listening():
        for q, addr in ((a, A_ADDR), (b, B_ADDR)):
            # Wait (bounded) for the daemon: it starts at the end of boot.
            deadline = time.monotonic() + 30
            while True:
                st, out = run(q, "netstat -ltn | grep ':8002 '")
                if st == 0 or time.monotonic() > deadline:
                    break
                time.sleep(1)
            socks = re.findall(r"(\S+):8002\s", out)
            if socks != [addr]:
                return False, f"{q.name} listens on {socks} (want [{addr!r}] only): {out!r}"
        return True, ""
    s.check("pair_migrated_listens_on_link_only", listening)

    def check_ok():
        for q, peer in ((a, B_ADDR), (b, A_ADDR)):
            st, out = run(q, f"vmctl migrate-check {peer}")
            if st != 0 or "accepted our key" not in out:
                return False, f"{q.name} -> {peer}: status {st}: {out[-300:]!r}"
        st, out = run(b, "grep -c 'key check passed' /var/log/keel-migrated.log")
        if out.strip() != "1":
            return False, f"B's log has {out.strip()} 'key check passed' lines"
        return True, ""
    s.check("pair_migrate_check_passes", check_ok)

    def wrong_key():
        wrong = os.urandom(32).hex()
        st, out = run(a, f"echo {wrong} > /tmp/wrong.key; "
                         f"vmctl migrate-check {B_ADDR} --key /tmp/wrong.key")
        if st != 1 or "authentication failed" not in out:
            return False, f"status {st}: {out[-300:]!r}"
        st, out = run(b, "grep 'refused' /var/log/keel-migrated.log")
        if not re.search(rf"refused {re.escape(A_ADDR)}:\d+: authentication failed "
                         r"\(wrong migration key\?\)", out):
            return False, f"no refusal logged on B: {out[-300:]!r}"
        return True, ""
    s.check("pair_wrong_key_refused_and_logged", wrong_key)

    def name_taken():
        for q in (a, b):
            st, out = run(q, "vmctl create guests/hello.cfg", 90)
            if st != 0:
                return False, f"{q.name}: create hello: status {st}: {out[-300:]!r}"
        st, out = run(a, f"vmctl migrate hello {B_ADDR}", 60)
        if st != 1 or "runs here already" not in out or "keeps running here" not in out:
            return False, f"status {st}: {out[-300:]!r}"
        if "hello" not in domains(a):
            return False, "hello is gone from A"
        run(b, "vmctl destroy hello", 60)
        return True, ""
    s.check("pair_offer_of_running_name_refused", name_taken)

    def no_memory():
        # B's pool filled by a guest of all but a few MiB of it: hello's
        # offer (8 MiB maxmem) no longer fits there.
        free_mib = free_kib(b) // 1024
        for spare in (5, 7, 9):
            mib = free_mib - spare
            run(b, f"sed -e 's/^name = .*/name = \"big\"/' -e 's/^memory = .*/memory = {mib}/' "
                   f"-e 's/^maxmem = .*/maxmem = {mib}/' guests/hello.cfg > /tmp/big.cfg")
            st, out = run(b, "vmctl create /tmp/big.cfg", 300)
            if st == 0:
                break
        else:
            return False, f"cannot fill B's pool ({free_mib} MiB free): {out[-300:]!r}"
        try:
            st, out = run(a, f"vmctl migrate hello {B_ADDR}", 60)
            if st != 1 or "not enough free memory" not in out or \
                    "keeps running here" not in out:
                return False, f"status {st}: {out[-300:]!r}"
            if "hello" not in domains(a) or "hello" in domains(b):
                return False, f"A: {domains(a)}, B: {domains(b)}"
        finally:
            run(b, "vmctl destroy big", 300)
            run(a, "vmctl destroy hello", 60)
        return True, ""
    s.check("pair_offer_refused_without_memory", no_memory)


def have_engine(s, a):
    """Why the engine checks cannot run here, or ""."""
    st, out = run(a, "test -f guests/counter.cfg && echo yes")
    if "yes" not in out:
        return "no guests/counter.cfg in dom0 (the counter guest is not in this build)"
    st, out = run(a, "grep -c 'has no migration stream engine' /usr/sbin/vmctl")
    if out.strip() not in ("", "0"):
        return "vmctl has the stand-in instead of the migration engine"
    return ""


def migrate(s, src, dst, dst_addr, name_prefix, opts=""):
    """Migrates counter live from src to dst with every check on the way."""
    before = {}

    def run_it():
        last = wait_count(src, 0, 60)
        if last is None:
            return False, f"no 'counter N' on {src.name} before the move"
        before["dst_lines"] = log_lines(dst)
        st, out = run(src, f"vmctl migrate counter {dst_addr} {opts}", MIGRATE_BOUND)
        before["out"] = out
        if st != 0 or f"'counter' is running on {dst_addr}" not in out:
            return False, f"status {st}: {out[-600:]!r}"
        for key in ("total time", "downtime", "rounds", "pages sent", "bytes sent",
                    "stop rule"):
            if key not in out:
                return False, f"no {key!r} in the report: {out[-600:]!r}"
        return True, ""
    if not s.check(f"{name_prefix}_migrate_live", run_it):
        return False

    def continues():
        # The source's last line before the move; the target's log (from
        # where it was) must go on from there: one line shown twice at
        # most (the console ring re-read), none lost beyond two.
        src_last = counts(src)[-1]
        skip = before["dst_lines"]
        if wait_count(dst, src_last, 30, skip) is None:
            st, t = run(dst, f"tail -n +{skip + 1} {COUNTER_LOG} | tail -8; vmctl list")
            return False, f"{dst.name}: no count above {src_last} in {COUNTER_LOG}: {t!r}"
        c = counts(dst, skip)
        if not src_last <= c[0] <= src_last + 3:
            return False, (f"{src.name} counted up to {src_last}, {dst.name} goes on "
                           f"with {c[:5]}")
        why = monotonic_counts(c)
        return (not why, why)
    s.check(f"{name_prefix}_counter_goes_on", continues)

    def checksum():
        st, out = run(dst, f"grep -c 'memory FAILED' {COUNTER_LOG}")
        if out.strip() == "0":
            return True, ""
        st, ctx = run(dst, f"grep -B4 -A2 'memory FAILED' {COUNTER_LOG} | head -20")
        return False, f"{out.strip()} 'memory FAILED' lines: {ctx!r}; the report: {before['out'][-500:]!r}"
    s.check(f"{name_prefix}_memory_checksum_holds", checksum)

    def where():
        on_src, on_dst = domains(src), domains(dst)
        if "counter" in on_src or "counter" not in on_dst:
            return False, f"{src.name}: {on_src}, {dst.name}: {on_dst}"
        return True, ""
    s.check(f"{name_prefix}_listed_on_target_only", where)
    return True


def engine_checks(s, p):
    a, b = p.a, p.b
    why = have_engine(s, a)
    names = ["counter_created_on_a", "ab_migrate_live", "ab_counter_goes_on", "ab_memory_checksum_holds",
             "ab_listed_on_target_only", "ab_source_frees_memory",
             "ba_migrate_live", "ba_counter_goes_on", "ba_memory_checksum_holds",
             "ba_listed_on_target_only", "cut_link_sender_fails_cleanly",
             "cut_link_guest_runs_on",
             "cut_link_target_frees_everything", "cancel_guest_runs_on_target_frees",
             "cut_link_pools_back"]
    if why:
        for n in names:
            s.skip(n, why)
        return
    pools = {}

    def create():
        pools["a"], pools["b"] = free_kib(a), free_kib(b)
        st, out = run(a, "vmctl create guests/counter.cfg", 120)
        if st != 0:
            return False, f"status {st}: {out[-300:]!r}"
        return wait_count(a, 2, 60) is not None, "counter does not count on A"
    if not s.check("counter_created_on_a", create):
        return
    if not migrate(s, a, b, B_ADDR, "ab"):
        return

    def src_frees():
        # At least the figure before counter: a page of an earlier guest
        # that dom0 still mapped then may have come back since.
        deadline = time.monotonic() + 30
        while True:
            now = free_kib(a)
            if now >= pools["a"] or time.monotonic() > deadline:
                break
            time.sleep(1)
        return now >= pools["a"], f"A: {now} KiB free, {pools['a']} before counter"
    s.check("ab_source_frees_memory", src_frees)
    # Back with --with-storage: counter has no disk, but the stream takes
    # the framed path through the relay, which must find the real
    # stream's END record.
    if not migrate(s, b, a, A_ADDR, "ba", "--with-storage"):
        return

    def cut():
        free_b = free_kib(b)
        # A guest that dirties memory as fast as it can and a switch-over
        # target it cannot meet: the migration goes on for many rounds, so
        # the sender is still sending when it is stopped.
        set_hot(a, True)
        # counter reads data/hot once a second: hot from the tick after next.
        last = counts(a)[-1]
        if wait_count(a, last + 1, 30) is None:
            return False, f"counter stopped on A at {last}"
        # The sender is stopped (SIGSTOP) once its first round is out, the
        # receiver killed, then the sender resumed into the dead link.
        st, out = run(a, ": >/tmp/cut.log; "
                         f"vmctl migrate counter {B_ADDR} --max-downtime 1 >/tmp/cut.log 2>&1 & "
                         "echo $! >/tmp/cut.pid; i=0; "
                         "while ! grep -q '^round 1' /tmp/cut.log && [ $i -lt 1200 ]; do "
                         "usleep 100000; i=$((i+1)); kill -0 $(cat /tmp/cut.pid) || break; done; "
                         "kill -STOP $(cat /tmp/cut.pid); cat /tmp/cut.log", 180)
        if "round 1" not in out:
            return False, f"no first round: {out[-400:]!r}"
        st, out = run(b, "d=$(cat /run/keel-migrated.pid); for p in /proc/[0-9]*; do "
                         "[ \"$(cut -d' ' -f4 $p/stat)\" = \"$d\" ] && kill -TERM ${p#/proc/}; "
                         "done; echo killed")
        st, out = run(a, "kill -CONT $(cat /tmp/cut.pid); "
                         "while kill -0 $(cat /tmp/cut.pid) 2>/dev/null; do usleep 200000; done; "
                         "cat /tmp/cut.log", MIGRATE_BOUND)
        if "keeps running here" not in out:
            return False, f"the sender says: {out[-400:]!r}"
        pools["free_b_before_cut"] = free_b
        return True, ""
    if not s.check("cut_link_sender_fails_cleanly", cut):
        return

    def runs_on():
        last = counts(a)[-1]
        nxt = wait_count(a, last, 30)
        if nxt is None or "counter" not in domains(a):
            st, t = run(a, f"tail -8 {COUNTER_LOG}; vmctl list")
            return False, f"counter stopped on A at {last}: {t!r}"
        return True, ""
    s.check("cut_link_guest_runs_on", runs_on)

    def target_frees():
        deadline = time.monotonic() + 60
        while True:
            names, free = domains(b), free_kib(b)
            if ("counter" not in names and free >= pools["free_b_before_cut"]) or \
                    time.monotonic() > deadline:
                break
            time.sleep(2)
        st, log = run(b, "tail -5 /var/log/keel-migrated.log")
        return ("counter" not in names and free >= pools["free_b_before_cut"],
                f"B: {names}, {free} KiB free, {pools['free_b_before_cut']} before; {log[-300:]!r}")
    s.check("cut_link_target_frees_everything", target_frees)

    def cancel():
        # Ctrl-C: SIGINT to a sender stopped after its first round.
        free_b = free_kib(b)
        st, out = run(a, ": >/tmp/cancel.log; "
                         f"vmctl migrate counter {B_ADDR} --max-downtime 1 >/tmp/cancel.log 2>&1 & "
                         "p=$!; i=0; "
                         "while ! grep -q '^round 1' /tmp/cancel.log && [ $i -lt 1200 ]; do "
                         "usleep 100000; i=$((i+1)); kill -0 $p || break; done; "
                         "kill -STOP $p; kill -INT $p; kill -CONT $p; "
                         "while kill -0 $p 2>/dev/null; do usleep 200000; done; "
                         "cat /tmp/cancel.log", MIGRATE_BOUND)
        if "cancelled; 'counter' keeps running here" not in out:
            return False, f"the sender says: {out[-400:]!r}"
        last = counts(a)[-1]
        if wait_count(a, last, 30) is None or "counter" not in domains(a):
            return False, f"counter does not run on A after the cancel (at {last})"
        deadline = time.monotonic() + 60
        while True:
            names, free = domains(b), free_kib(b)
            if ("counter" not in names and free >= free_b) or time.monotonic() > deadline:
                break
            time.sleep(2)
        return ("counter" not in names and free >= free_b,
                f"B: {names}, {free} KiB free, {free_b} before")
    s.check("cancel_guest_runs_on_target_frees", cancel)

    def pools_back():
        set_hot(a, False)
        run(a, "vmctl destroy counter", 60)
        deadline = time.monotonic() + 30
        while True:
            fa, fb = free_kib(a), free_kib(b)
            if (fa >= pools["a"] and fb >= pools["b"]) or time.monotonic() > deadline:
                break
            time.sleep(1)
        return fa >= pools["a"] and fb >= pools["b"], \
            f"free A {fa} KiB (was {pools['a']}), B {fb} KiB (was {pools['b']})"
    s.check("cut_link_pools_back", pools_back)


def main():
    p = Pair("pair", mem=2048, smp=2, hv_args="dom0_mem=512M", dom0_args="keel.noguest")
    s = Suite(p)
    try:
        p.start()
        link_checks(s, p)
        if not s.broken:
            engine_checks(s, p)
    except QemuError as e:
        s.verdict(False, "pair_boot", str(e))
    finally:
        p.stop()
    print(f"pair tests: {s.passed} passed, {s.failed} failed, {s.skipped} skipped")
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
