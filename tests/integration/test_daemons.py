#!/usr/bin/env python3
"""dom0's daemons under keel-supervise (docs/dom0.md, "When a daemon dies").

Prints one "PASS: name" or "FAIL: name: why" line per check and a summary;
exits non-zero on any FAIL.  One boot of the ISO (keel, 2048 MiB,
dom0_mem=512M, keel.noguest), the guest hello running throughout:
  the four daemons run supervised;
  kill -9 of keel-consoled, keel-domd, keel-blkback and xenstored: each is
  back within RESTART_BOUND seconds with a new pid, the supervisor's log
  says how it ended and when it restarts, and what it serves works again
  (hello's console log grows; a guest that crashes is destroyed by its
  on_crash; the block backend serves; the store keeps its data, dom0's
  clients work, keel-consoled and keel-blkback reconnect instead of
  exiting, and a new guest starts);
  a second death soon after the first waits twice as long (back-off);
  with a daemon stopped, the vmctl commands that need it exit 1 naming it
  and the command that starts it, and that command brings it back.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import PROMPT, Qemu  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot  # noqa: E402

RESTART_BOUND = 15
DAEMONS = ("xenstored", "keel-consoled", "keel-domd", "keel-blkback")
SUPLOG = "/var/log/keel-supervise.log"
HELLO_LOG = "/var/log/keel/console/hello.log"
# A crash guest whose on_crash is destroy: keel-domd removes it.
CRASHD = ("printf 'name = \"crashd\"\\nmemory = 4\\n"
          "kernel = \"/usr/lib/keel/guests/crash.elf\"\\n"
          "on_crash = \"destroy\"\\n' > /tmp/crashd.cfg")


class Daemons:
    def __init__(self, b):
        self.b = b

    def pid(self, name):
        st, out = self.b.run(f"cat /run/{name}.pid 2>/dev/null && "
                             f"kill -0 $(cat /run/{name}.pid) && echo alive")
        m = re.match(r"\s*(\d+)\s+alive", out)
        return m.group(1) if st == 0 and m else None

    def wait_new(self, name, old, bound=RESTART_BOUND):
        """The daemon's pid once it runs again under a pid other than old."""
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            new = self.pid(name)
            if new and new != old:
                return new
            time.sleep(0.5)
        return None

    def wait_until(self, cmd, bound=20):
        """Runs cmd until it exits 0 (bounded); (ok, last output)."""
        deadline = time.monotonic() + bound
        while True:
            st, out = self.b.run(cmd, 30)
            if st == 0 or time.monotonic() > deadline:
                return st == 0, out
            time.sleep(1)

    def kill9(self, name, backoff=1):
        """kill -9, then: restarted with a new pid, and the log line."""
        old = self.pid(name)
        if not old:
            return False, f"{name} is not running"
        self.b.run(f"kill -9 {old}")
        t0 = time.monotonic()
        new = self.wait_new(name, old)
        if not new:
            _, log = self.b.run(f"tail -5 {SUPLOG}")
            return False, f"{name} not back within {RESTART_BOUND} s: {log!r}"
        want = (rf"keel-supervise: {name} \(pid {old}\) was killed by signal 9 "
                rf"after \d+ s; restarting in {backoff} s")
        st, log = self.b.run(f"grep 'pid {old})' {SUPLOG}")
        if not re.search(want, log):
            return False, f"no line /{want}/ in {SUPLOG}: {log!r}"
        return True, f"back after {time.monotonic() - t0:.1f} s as pid {new}"


def log_grows(b, path, wait=3):
    _, a = b.run(f"wc -c < {path}")
    time.sleep(wait)
    _, c = b.run(f"wc -c < {path}")
    try:
        return int(c) > int(a), f"{path}: {a.strip()} -> {c.strip()} bytes"
    except ValueError:
        return False, f"{a!r} {c!r}"


def daemons_boot(s):
    vm = Qemu("daemons", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest")
    b = Boot(s, vm)
    d = Daemons(b)
    try:
        vm.start()
        b.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))

        def supervised():
            st, out = b.run("keel-supervise status " + " ".join(DAEMONS))
            n = len(re.findall(r"^\S+ running \(pid \d+\)$", out, re.M))
            return st == 0 and n == len(DAEMONS), f"status {st}: {out!r}"
        b.check("all_daemons_supervised", supervised)

        def hello():
            st, out = b.run("vmctl create guests/hello.cfg", 90)
            if st != 0:
                return False, f"status {st}: {out[-300:]!r}"
            return d.wait_until(f"grep -q 'hello from hello' {HELLO_LOG}", 30)
        b.check("hello_running", hello)

        # -- keel-consoled
        b.check("consoled_killed_restarted", lambda: d.kill9("keel-consoled"))
        b.check("consoled_restarted_serves_hello",
                lambda: log_grows(b, HELLO_LOG))

        # -- keel-domd: killed, back, and it acts on a crash; then again
        # right away: the second wait is doubled.
        b.check("domd_killed_restarted", lambda: d.kill9("keel-domd"))

        def domd_acts():
            b.run(CRASHD)
            st, out = b.run("vmctl create /tmp/crashd.cfg", 60)
            if st != 0:
                return False, f"create status {st}: {out[-300:]!r}"
            return d.wait_until("! vmctl list | grep -qw crashd", 20)
        b.check("domd_restarted_destroys_crashed_guest", domd_acts)
        b.check("domd_second_death_backs_off",
                lambda: d.kill9("keel-domd", backoff=2))

        # -- keel-blkback
        b.check("blkback_killed_restarted", lambda: d.kill9("keel-blkback"))

        def blkback_serves():
            return d.wait_until("tail -3 /var/log/keel-blkback.log | "
                                "grep -q 'serving vbd devices'", 10)
        b.check("blkback_restarted_serving", blkback_serves)

        # -- xenstored: the database is kept; dom0's clients work again.
        def store_restart():
            ok, why = (b.run("kxs write /keel-test/kept yes")[0] == 0, "kxs write")
            if not ok:
                return False, why
            return d.kill9("xenstored")
        clients = {n: d.pid(n) for n in ("keel-consoled", "keel-blkback")}
        b.check("xenstored_killed_restarted", store_restart)

        def store_kept():
            st, out = b.run("kxs read /keel-test/kept && vmctl list")
            return (st == 0 and out.startswith("yes") and "hello" in out,
                    f"status {st}: {out[-300:]!r}")
        b.check("store_restarted_keeps_data_vmctl_works", store_kept)

        def reconnects(name):
            def check():
                if d.pid(name) != clients[name]:
                    return False, f"{name} was restarted: it did not reconnect"
                return d.wait_until(f"tail -5 /var/log/{name}.log | "
                                    "grep -q 'connected to the store again'", 10)
            return check
        b.check("consoled_reconnects_to_store", reconnects("keel-consoled"))
        b.check("blkback_reconnects_to_store", reconnects("keel-blkback"))

        def new_guest():
            b.run("vmctl destroy hello", 60)
            st, out = b.run("vmctl create guests/hello.cfg", 90)
            if st != 0:
                return False, f"create status {st}: {out[-300:]!r}"
            ok, why = d.wait_until(
                f"tail -c 2000 {HELLO_LOG} | grep -q 'hello from hello'", 30)
            if not ok:
                return False, f"no greeting from the new hello: {why[-200:]!r}"
            return d.wait_until("pidof keel-blkback >/dev/null", RESTART_BOUND)
        b.check("guest_created_after_store_restart", new_guest)

        # -- hints: each command that needs a stopped daemon names it.
        def hint(name, script, cmd, also=""):
            def check():
                b.run(f"/etc/keel/init.d/{script} stop")
                ok, _ = d.wait_until(f"! kill -0 $(cat /run/{name}.pid 2>/dev/null) 2>/dev/null", 10)
                if not ok:
                    return False, f"{name} did not stop"
                st, out = b.run(cmd + " 2>&1", 60)
                msg = (f"{name} is not running" in out and
                       f"'/etc/keel/init.d/{script} start'" in out and also in out)
                b.run(f"/etc/keel/init.d/{script} start", 30)
                back = d.wait_new(name, None)
                return (st == 1 and msg and bool(back),
                        f"status {st}, restarted {back}: {out[-400:]!r}")
            return check
        b.check("hint_consoled_down",
                hint("keel-consoled", "S15keel-consoled", "vmctl console hello </dev/null"))
        b.check("hint_xenstored_down",
                hint("xenstored", "S10xenstored", "vmctl create guests/hello.cfg",
                     "cannot connect to the store"))
        b.check("hint_blkback_down",
                hint("keel-blkback", "S30keel-blkback",
                     "vmctl block-attach hello target=/tmp/x.img,vdev=xvda"))

        def domd_hint():
            b.run("/etc/keel/init.d/S20keel-domd stop")
            b.run("vmctl create /tmp/crashd.cfg", 60)
            ok, why = d.wait_until("vmctl list | grep -w crashd | grep -q crashed", 20)
            if not ok:
                return False, f"crashd not listed crashed: {why[-300:]!r}"
            st, out = b.run("vmctl create /tmp/crashd.cfg 2>&1", 60)
            msg = ("keel-domd is not running" in out and
                   "'/etc/keel/init.d/S20keel-domd start'" in out)
            b.run("/etc/keel/init.d/S20keel-domd start")
            gone, _ = d.wait_until("! vmctl list | grep -qw crashd", 20)
            return (st == 1 and msg and gone,
                    f"status {st}, crashd destroyed after start: {gone}: {out[-400:]!r}")
        b.check("hint_domd_down_guest_stays_listed", domd_hint)
    finally:
        vm.stop()


def main():
    s = Suite()
    daemons_boot(s)
    print(f"daemon tests: {s.passed} passed, {s.failed} failed")
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
