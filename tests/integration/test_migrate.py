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
Devices (docs/migration.md, "Devices"): the `disk` guest rewriting its
disk pass after pass (60 passes over 1 MiB, write + flush per 8 KiB) (with a vif) is saved mid-loop and restored: its
blkfront reconnects, the loop goes on to its end, a new guest then reads
back the last pass (no acknowledged write lost), and the restored disk and
vif backend directories hold what was saved; the `httpd` guest, saved and
restored, answers ping and HTTP again and its log shows the gratuitous
ARP; a live save while dom0 pings it, restored, answers again.
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

        # ---- devices: a disk and a vif move with the guest --------------
        def glog(name):
            st, out = b.run(f"tr -d '\\r' < /var/log/keel/console/{name}.log", 30)
            return out

        def make_cfg(name, prog, cmdline, extra):
            ok(f"sed -e 's/^name = .*/name = \"{name}\"/' "
               f"-e 's/^cmdline = .*/cmdline = \"{cmdline}\"/' "
               f"-e '/^disk = /d' -e '/^vif = /d' guests/{prog}.cfg > /tmp/{name}.cfg && "
               f"printf '%s\\n' {extra} >> /tmp/{name}.cfg && "
               f"rm -f /var/log/keel/console/{name}.log")

        img = "/var/lib/keel/disks/mig.img"

        def disk_moves():
            # the disk guest rewrites 4096 sectors pass after pass (write +
            # flush per chunk of 64, each acknowledged chunk logged); a
            # vif rides along (its backend directory must come back)
            # (dom0's /root is in RAM: the earlier saves go)
            ok("rm -f /root/*.sav")
            ok(f"mkdir -p /var/lib/keel/disks && rm -f {img} && vmctl disk-create {img} 16M")
            make_cfg("dm", "disk", "loop 0 2048 7 60 16",
                     f"'disk = [ \"target={img}, vdev=xvda, access=rw\" ]' "
                     "'vif = [ \"bridge=keelbr0, ip=169.254.77.21\" ]'")
            ok("vmctl create /tmp/dm.cfg", 120)
            wait_until("dm: pass 2 acknowledged",
                       lambda: re.search(r"loop acked up to sector \d+ pass 2", glog("dm")))
            old = domid_of("dm")
            mac = ok(f"xenstore-read /local/domain/0/backend/vif/{old}/0/mac").strip()
            st, out = b.run("vmctl save dm /root/dm.sav", 180)
            if st != 0:
                return False, f"save: status {st}: {out[-300:]!r}"
            st, out = b.run("vmctl restore /root/dm.sav", 180)
            if st != 0:
                return False, f"restore: status {st}: {out[-300:]!r}"
            new = domid_of("dm")
            state["dm"] = new
            ok("rm -f /root/dm.sav")
            try:
                wait_until("dm: blkfront connected again",
                           lambda: re.search(r"blkfront: xvda: connected",
                                             glog("dm").split("resume: restored", 1)[-1]), 90)
                wait_until("dm: loop done or failed",
                           lambda: re.search(r"disk: loop (done|FAILED)", glog("dm")), 300)
            except QemuError as e:
                return False, f"{e}: log tail {glog('dm')[-600:]!r}"
            t = glog("dm")
            after = t.split("resume: restored", 1)[-1]
            be = f"/local/domain/0/backend/vbd/{new}/51712"
            params = ok(f"xenstore-read {be}/params").strip()
            mac2 = ok(f"xenstore-read /local/domain/0/backend/vif/{new}/0/mac").strip()
            bstate = ok(f"xenstore-read {be}/state").strip()
            return ("resume: restored" in t and "disk: loop done" in t and
                    "FAILED" not in t and
                    "blkfront: xvda: resumed" in after and
                    re.search(r"blkfront: xvda: connected", after) is not None and
                    re.search(r"loop acked up to sector \d+ pass", after) is not None and
                    params == img and mac2 == mac and bstate == "4"), \
                f"ids {old}->{new}, params {params!r}, mac {mac!r}->{mac2!r}, " \
                f"backend state {bstate!r}; log tail {t[-600:]!r}"
        b.check("disk_and_vif_move_writes_go_on_across_restore", disk_moves)

        def disk_holds():
            # every acknowledged write is on the disk: the last pass's
            # pattern (seed 7) reads back in a new guest
            ok("vmctl destroy dm", 60)
            wait_until("dm gone", lambda: "dm" not in names(), 30)
            make_cfg("dv", "disk", "verify 0 2048 7",
                     f"'disk = [ \"target={img}, vdev=xvda, access=ro\" ]'")
            ok("vmctl create /tmp/dv.cfg", 120)
            wait_until("dv: verify result",
                       lambda: re.search(r"disk: verify (ok|FAILED)", glog("dv")), 120)
            t = glog("dv")
            ok("vmctl destroy dv", 60)
            return "disk: verify ok 2048 sectors" in t, t[-300:]
        b.check("no_acknowledged_write_lost", disk_holds)

        web_ip = "169.254.77.11"

        def ping_ok(n=3):
            st, out = b.run(f"ping -c {n} -W 2 {web_ip}", n * 3 + 20)
            m = re.search(r"(\d+) packets received", out)
            return m is not None and int(m.group(1)) > 0, out[-200:]

        def web_moves():
            make_cfg("web", "httpd", f"ip={web_ip}",
                     f"'vif = [ \"bridge=keelbr0, ip={web_ip}\" ]'")
            ok("vmctl create /tmp/web.cfg", 120)
            wait_until("web: eth0 up", lambda: "net: eth0 up" in glog("web"))
            wait_until("web answers pings", lambda: ping_ok(1)[0])
            st, out = b.run("vmctl save web /root/web.sav", 180)
            if st != 0:
                return False, f"save: status {st}: {out[-300:]!r}"
            st, out = b.run("vmctl restore /root/web.sav", 180)
            ok("rm -f /root/web.sav")
            if st != 0:
                return False, f"restore: status {st}: {out[-300:]!r}"
            try:
                wait_until("web answers pings after restore", lambda: ping_ok(1)[0])
            except QemuError as e:
                return False, f"{e}: log tail {glog('web')[-600:]!r}"
            page = ok(f"wget -q -O - http://{web_ip}/", 60)
            after = glog("web").split("resume: restored", 1)[-1]
            return ("web" in page and "netfront: vif0: resumed" in after and
                    "net: eth0 gratuitous ARP" in after), \
                f"page {page[:120]!r}; log after resume {after[-500:]!r}"
        b.check("httpd_after_restore_answers_ping_and_http_gratuitous_arp", web_moves)

        def web_live():
            # dom0 pings it all through a live save; restored, it answers
            ok(f"rm -f /tmp/ping.out; (ping -i 0.2 -c 150 -W 1 {web_ip} > /tmp/ping.out 2>&1 &)")
            st, out = b.run("vmctl save web /root/web-live.sav --live", 240)
            if st != 0:
                return False, f"live save: status {st}: {out[-300:]!r}"
            before = ok("grep -c 'bytes from' /tmp/ping.out || true").strip()
            st, out = b.run("vmctl restore /root/web-live.sav", 180)
            ok("rm -f /root/web-live.sav")
            if st != 0:
                return False, f"restore: status {st}: {out[-300:]!r}"
            wait_until("web answers pings after the live restore", lambda: ping_ok(1)[0])
            page = ok(f"wget -q -O - http://{web_ip}/", 60)
            ok("vmctl destroy web", 60)
            return (int(before or 0) > 0 and "web" in page), \
                f"{before} replies during the save; page {page[:120]!r}"
        b.check("httpd_live_save_while_pinged", web_live)
    except QemuError as e:
        s.verdict(False, "migrate_boot", str(e), vm)
    finally:
        vm.stop()
    print(f"migrate: {s.passed} passed, {s.failed} failed", flush=True)
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
