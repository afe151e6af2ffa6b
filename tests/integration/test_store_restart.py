#!/usr/bin/env python3
"""The store restarted with guests connected (docs/store.md, "Restart").

Prints one "PASS: name" or "FAIL: name: why" line per check and a summary;
exits non-zero on any FAIL.  One boot of the ISO (keel, 2048 MiB,
dom0_mem=512M, keel.noguest): two guests (hello, hello2) run, a console
is attached to hello (`vmctl console`), and a dom0 libkxs client (kxs
watch) watches a key.  Then kill -9 of xenstored, and:
  within RESTART_BOUND (10) seconds `vmctl list` works and lists both;
  the guests' store keys are there;
  the store says it reconnected both guests' rings;
  a guest's own write after the restart reaches dom0 (`vmctl mem-set`:
  the guest's balloon watch fires and it writes memory/actual back);
  the attached console keeps receiving hello's output, keel-consoled
  kept its pid (it did not exit) and reconnected;
  the dom0 client's watch fires again (re-registered by libkxs);
  `vmctl shutdown hello2` works (the guest's shutdown watch);
  `vmctl create` works, and its console log (keel-consoled's watch on the
  store) shows the new guest.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import PROMPT, Qemu  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot  # noqa: E402

RESTART_BOUND = 10
XSLOG = "/var/log/xenstored.log"
CONS = "/var/log/keel/console"


def wait_until(b, cmd, bound):
    """Runs cmd until it exits 0 (bounded); (ok, last output)."""
    deadline = time.monotonic() + bound
    while True:
        st, out = b.run(cmd, 30)
        if st == 0 or time.monotonic() > deadline:
            return st == 0, out
        time.sleep(0.5)


def pid_of(b, name):
    st, out = b.run(f"cat /run/{name}.pid 2>/dev/null && "
                    f"kill -0 $(cat /run/{name}.pid) && echo alive")
    m = re.match(r"\s*(\d+)\s+alive", out)
    return m.group(1) if st == 0 and m else None


def size(b, path):
    _, out = b.run(f"wc -c < {path} 2>/dev/null || echo 0")
    try:
        return int(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0


def store_restart_boot(s):
    vm = Qemu("store_restart", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest")
    b = Boot(s, vm)
    ids = {}
    try:
        vm.start()
        b.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))

        def two_guests():
            b.run("sed 's/^name = \"hello\"/name = \"hello2\"/' "
                  "guests/hello.cfg > /tmp/hello2.cfg")
            for name, cfg in (("hello", "guests/hello.cfg"),
                              ("hello2", "/tmp/hello2.cfg")):
                st, out = b.run(f"vmctl create {cfg}", 90)
                m = re.search(r"\(id (\d+)\)", out)
                if st != 0 or not m:
                    return False, f"create {name}: status {st}: {out[-300:]!r}"
                ids[name] = m.group(1)
                ok, why = wait_until(
                    b, f"grep -q 'hello from {name}' {CONS}/{name}.log", 30)
                if not ok:
                    return False, f"{name} did not greet: {why[-200:]!r}"
            return True, f"ids {ids}"
        b.check("two_guests_running", two_guests)

        def attach():
            # a console client that stays attached (its stdin stays open)
            b.run("(sleep 600 | vmctl console hello > /tmp/cons.txt 2>&1 &)")
            b.run("(kxs watch -T 600 /keel-test/w > /tmp/w.txt 2>&1 &)")
            ok, why = wait_until(b, "grep -q tick /tmp/cons.txt && "
                                 "grep -q '^/keel-test/w ' /tmp/w.txt", 20)
            return ok, why[-200:]
        b.check("console_and_watch_attached", attach)
        consoled = pid_of(b, "keel-consoled")

        timing = {}

        def kill_store():
            old = pid_of(b, "xenstored")
            if not old:
                return False, "xenstored is not running"
            b.run("kxs write /keel-test/before yes")
            b.run(f"kill -9 {old}")
            t0 = time.monotonic()
            # vmctl list answers without the store too (names missing,
            # and a hint on stderr): wait until it names both guests
            ok, out = wait_until(b, "vmctl list 2>&1 | grep -qw hello2 && "
                                 "vmctl list 2>&1", RESTART_BOUND + 5)
            timing["list"] = time.monotonic() - t0
            if not ok:
                return False, f"vmctl list failing: {out[-300:]!r}"
            if timing["list"] > RESTART_BOUND:
                return False, f"vmctl list back after {timing['list']:.1f} s"
            if "not running" in out or not re.search(r"\bhello\b", out):
                return False, f"guests not listed: {out!r}"
            new = pid_of(b, "xenstored")
            return (bool(new) and new != old,
                    f"vmctl list after {timing['list']:.1f} s; pid {old} -> {new}")
        b.check("vmctl_list_within_10s", kill_store)

        def keys_kept():
            cmd = "kxs read /keel-test/before"
            for name, i in ids.items():
                cmd += f" /local/domain/{i}/data/hello /local/domain/{i}/name"
            st, out = b.run(cmd)
            want = ["yes"] + [v for n in ids for v in (f"hi from {n}", n)]
            got = out.strip().splitlines()
            return st == 0 and got == want, f"status {st}: {got!r}"
        b.check("guest_keys_kept", keys_kept)

        def rings_reconnected():
            ok, out = wait_until(
                b, f"grep -c 'reconnected after the restart' {XSLOG}", 5)
            n = int(out.strip().splitlines()[-1]) if ok else 0
            _, tail = b.run(f"grep -E 'restart:|reconnected|forgotten' {XSLOG} | tail -4")
            return n >= 2, tail[-400:]
        b.check("store_reconnected_guest_rings", rings_reconnected)

        def guest_writes():
            st, out = b.run(f"vmctl mem-set hello 6M --wait 30", 60)
            _, actual = b.run(f"kxs read /local/domain/{ids['hello']}/memory/actual")
            return (st == 0 and actual.strip() == "6144",
                    f"status {st}: {out[-200:]!r}, actual {actual.strip()!r}")
        b.check("guest_write_after_restart_reaches_dom0", guest_writes)

        def console_lives():
            if pid_of(b, "keel-consoled") != consoled:
                return False, "keel-consoled has a new pid: it exited"
            a = size(b, "/tmp/cons.txt")
            ok, _ = wait_until(b, f"test $(wc -c < /tmp/cons.txt) -gt {a}", 10)
            _, log = b.run("tail -3 /var/log/keel-consoled.log")
            return ok, f"attached console {'grows' if ok else 'stalled'}: {log[-300:]!r}"
        b.check("console_attached_survives_consoled_stays", console_lives)

        def watch_fires():
            b.run("kxs write /keel-test/w/after restart")
            ok, out = wait_until(b, "grep -q '^/keel-test/w/after ' /tmp/w.txt", 10)
            _, txt = b.run("cat /tmp/w.txt")
            return ok, txt[-300:]
        b.check("dom0_client_watch_fires_again", watch_fires)

        def shutdown():
            st, out = b.run("vmctl shutdown hello2 --wait 30", 60)
            ok, _ = wait_until(b, "! vmctl list | grep -qw hello2", 20)
            return st == 0 and ok, f"status {st}: {out[-300:]!r}"
        b.check("vmctl_shutdown_after_restart", shutdown)

        def create():
            b.run("sed 's/^name = \"hello\"/name = \"hello3\"/' "
                  "guests/hello.cfg > /tmp/hello3.cfg")
            st, out = b.run("vmctl create /tmp/hello3.cfg", 90)
            if st != 0:
                return False, f"status {st}: {out[-300:]!r}"
            return wait_until(b, f"grep -q 'hello from hello3' {CONS}/hello3.log", 30)
        b.check("vmctl_create_after_restart", create)
    finally:
        vm.stop()


def main():
    s = Suite()
    store_restart_boot(s)
    print(f"store restart tests: {s.passed} passed, {s.failed} failed")
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
