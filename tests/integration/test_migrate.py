#!/usr/bin/env python3
"""Save and restore on one host (docs/migration.md), one boot.

Prints one "PASS: name" or "FAIL: name: why" line per check and a summary;
exits non-zero on any FAIL.  The ISO boots (keel, 2048 MiB, dom0_mem=512M,
keel.noguest); guests/counter.cfg runs the `counter` guest, which prints
"counter N" once a second and checks half its memory:
  save stops it (gone from `vmctl list`), restore brings it back: its
  counter goes on from where it was (never reset, never back), its memory
  checksum holds, its console log goes on in the same file, a store key
  written before the save is back, and `vmctl shutdown` works on it (its
  watches were registered again); a corrupt file and a truncated one are
  refused with nothing left behind (free memory and the domain list as
  before); a restore of a name that runs is refused; a live save while
  the guest rewrites its memory as fast as it can (its data/hot key)
  shows rounds with dirty pages and says how it ended; after the last destroy
  the pool's free memory is what it was before the first create.
Every wait is a bounded poll of a condition.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import Qemu, QemuError  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot, PROMPT  # noqa: E402

LOG = "/var/log/keel/console/counter.log"
BOUND = int(os.environ.get("KEEL_MIGRATE_BOUND", "60"))


def main():
    s = Suite()
    vm = Qemu("migrate", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest")
    b = Boot(s, vm)
    state = {}

    def ok(cmd, timeout=120):
        st, out = b.run(cmd, timeout)
        if st != 0:
            raise QemuError(f"`{cmd}` failed with status {st}: {out[-300:]!r}")
        return out

    def free_bytes():
        return json.loads(ok("vmctl info --json"))["free_memory"]

    def stable_free():
        """Free memory once a destroyed domain's last pages are back (dom0's
        daemons unmap its rings shortly after): two equal reads 1 s apart."""
        last = [free_bytes()]

        def same():
            time.sleep(1)
            f = free_bytes()
            if f == last[0]:
                return True
            last[0] = f
            return False
        wait_until("free memory settles", same, 30)
        return last[0]

    def counters():
        """The N of every "counter N" line in the guest's console log."""
        st, out = b.run(f"grep -a '^counter [0-9]*' {LOG} 2>/dev/null | tr -d '\\r'", 30)
        return [int(m) for m in re.findall(r"^counter (\d+)\s*$", out, re.M)]

    def wait_until(what, fn, bound=BOUND):
        deadline = time.monotonic() + bound
        while True:
            v = fn()
            if v:
                return v
            if time.monotonic() > deadline:
                raise QemuError(f"{what}: not within {bound}s")
            time.sleep(1)

    def domid_of(name):
        out = ok("vmctl list --json")
        for d in json.loads(out):
            if d.get("name") == name:
                return d["id"]
        return None

    def names():
        return [d.get("name") for d in json.loads(ok("vmctl list --json"))]

    def log_text():
        st, out = b.run(f"tr -d '\\r' < {LOG}", 30)
        return out

    try:
        vm.start()
        b.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))

        def create():
            state["free0"] = free_bytes()
            out = ok("vmctl create guests/counter.cfg", 90)
            wait_until("counter 3 in its log", lambda: max(counters() or [0]) >= 3)
            state["id"] = domid_of("counter")
            ok(f"xenstore-write /local/domain/{state['id']}/data/mark before-save")
            return "Started domain counter" in out, out[-200:]
        b.check("counter_runs", create)

        def save():
            st, out = b.run("vmctl save counter /root/counter.sav", 180)
            state["last"] = max(counters() or [0])
            if st != 0 or "Saved domain counter" not in out:
                return False, f"status {st}: {out[-300:]!r}"
            if "counter" in names():
                return False, "counter still listed after save"
            return True, ""
        b.check("save_stops_the_guest", save)

        def restore():
            st, out = b.run("vmctl restore /root/counter.sav", 180)
            if st != 0 or "Restored domain counter" not in out:
                return False, f"status {st}: {out[-300:]!r}"
            state["id"] = domid_of("counter")
            want = state["last"] + 3
            wait_until(f"counter {want} after restore",
                       lambda: max(counters() or [0]) >= want)
            return True, ""
        b.check("restore_continues", restore)

        def counter_never_resets():
            c = counters()
            bad = [(a, b2) for a, b2 in zip(c, c[1:]) if b2 != a + 1]
            return (not bad and c and c[0] == 1,
                    f"counter sequence breaks at {bad[:3]} (of {len(c)} lines)")
        b.check("counter_never_resets_or_goes_back", counter_never_resets)

        def memory_holds():
            t = log_text()
            return ("memory FAILED" not in t and "time went backwards" not in t
                    and "resume: restored" in t), t[-400:]
        b.check("memory_checksum_holds_and_guest_resumed", memory_holds)

        def log_continues():
            t = log_text()
            # the lines before the save and after the restore are in one file
            return (f"counter {state['last']}\n" in t and
                    f"counter {state['last'] + 1}\n" in t), t[-300:]
        b.check("console_log_continues", log_continues)

        def store_back():
            out = ok(f"xenstore-read /local/domain/{state['id']}/data/mark")
            return out.strip() == "before-save", repr(out)
        b.check("store_keys_back", store_back)

        def refuse_running():
            st, out = b.run("vmctl restore /root/counter.sav", 60)
            return (st == 1 and "runs here already" in out and
                    names().count("counter") == 1), f"status {st}: {out[-300:]!r}"
        b.check("restore_of_running_name_refused", refuse_running)

        def refuse_bad_files():
            # a fresh save (the guest goes on from it below), and three
            # spoilt copies of it: a flipped byte, cut short, wrong magic
            st, out = b.run("vmctl save counter /root/c2.sav", 180)
            if st != 0:
                return False, f"save: status {st}: {out[-300:]!r}"
            ok("cp /root/c2.sav /root/bad.sav && "
               "printf 'XXXX' | dd of=/root/bad.sav bs=1 seek=300000 conv=notrunc 2>/dev/null && "
               "head -c 200000 /root/c2.sav > /root/trunc.sav && "
               "printf 'NOTKEEL!' > /root/magic.sav && "
               "tail -c +9 /root/c2.sav | head -c 100000 >> /root/magic.sav")
            # the saved domain is gone for good (not even dying: dom0's
            # daemons unmap its rings a little after the destroy)
            end = time.monotonic() + 20
            while len(json.loads(ok("vmctl list --json"))) > 1 and time.monotonic() < end:
                time.sleep(1)
            free = stable_free()
            before = names()
            msgs = []
            for f, want in (("bad", "corrupt"), ("trunc", "ends early"),
                            ("magic", "wrong magic")):
                st, out = b.run(f"vmctl restore /root/{f}.sav", 120)
                if st != 1 or want not in out:
                    msgs.append(f"{f}: status {st}: {out[-200:]!r}")
                if names() != before:
                    msgs.append(f"{f}: domains {names()} after, {before} before")
            after = free_bytes()
            # (more is fine: a page of the saved domain dom0 still held
            # may come back meanwhile; less is a leak)
            if after < free:
                msgs.append(f"free memory {free} -> {after}")
            out = ok("vmctl restore /root/c2.sav", 180)
            state["id"] = domid_of("counter")
            return not msgs, "; ".join(msgs)
        b.check("corrupt_truncated_and_foreign_files_refused_nothing_left", refuse_bad_files)

        def live_save():
            # the guest rewrites its memory as fast as it can meanwhile
            before = max(counters() or [0])
            ok(f"xenstore-write /local/domain/{state['id']}/data/hot 1")
            # the guest reads data/hot at the top of each one-second loop:
            # two more counter lines mean a loop began after the write
            wait_until("two counter lines after hot=1",
                       lambda: max(counters() or [0]) >= before + 2)
            st, out = b.run("vmctl save counter /root/live.sav --live --max-downtime 20", 240)
            rounds = re.findall(r"^round (\d+)[^:]*: \d+ pages sent, (\d+) dirty", out, re.M)
            if st != 0 or "Saved domain counter" not in out:
                return False, f"status {st}: {out[-400:]!r}"
            last = max(counters() or [0])
            st, out2 = b.run("vmctl restore /root/live.sav", 180)
            if st != 0:
                return False, f"restore: status {st}: {out2[-300:]!r}"
            state["id"] = domid_of("counter")
            ok(f"xenstore-write /local/domain/{state['id']}/data/hot 0")
            wait_until(f"counter {last + 2} after live restore",
                       lambda: max(counters() or [0]) >= last + 2)
            print("# live save: " + " | ".join(l for l in out.splitlines()
                                                if l.startswith(("round", "Saved"))),
                  flush=True)
            how = re.search(r"rounds?, (converged|auto-converge|forced-stop);", out)
            return (len(rounds) >= 2 and any(int(d) > 0 for _, d in rounds) and how is not None,
                    f"rounds {rounds}, how {how and how.group(1)}: {out[-400:]!r}")
        b.check("live_save_shows_rounds_and_restores", live_save)

        b.check("counter_still_never_resets_and_memory_holds",
                lambda: (counter_never_resets()[0] and memory_holds()[0],
                         counter_never_resets()[1]))

        def shutdown_works():
            st, out = b.run("vmctl shutdown counter --wait 60", 90)
            if st != 0:
                return False, f"status {st}: {out[-300:]!r}"
            wait_until("counter gone after shutdown", lambda: "counter" not in names(), 30)
            return True, ""
        b.check("vmctl_shutdown_after_restore", shutdown_works)

        def pool_back():
            wait_until("free memory back",
                       lambda: free_bytes() == state["free0"], 30)
            return True, ""
        b.check("pool_figure_back_after_destroy", pool_back)
    except QemuError as e:
        s.verdict(False, "migrate_boot", str(e), vm)
    finally:
        vm.stop()
    print(f"migrate: {s.passed} passed, {s.failed} failed", flush=True)
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
