#!/usr/bin/env python3
"""Block devices and the backend SDK (issue 8), in one boot.

Prints one "PASS: name" or "FAIL: name: why" line per check and a summary;
exits non-zero on any FAIL.  The machine: 2048 MiB, -smp 2, dom0_mem=512M,
keel.noguest, a fresh data disk (dom0 mounts it at /var/lib/keel), on
single-threaded TCG: with dom0 and a guest exchanging events as fast as
block I/O makes them, QEMU 7.2's multi-threaded TCG has been seen to lose
dom0's state (docs/testing.md, "QEMU's multi-threaded TCG").

  the data disk is mounted; keel-blkback runs (started at boot);
  the SDK example: keel-helloback serves guests/hellodev (its 7 checks);
  a bad disk line is refused with file:line:key and creates nothing;
  a guest writes a pattern and flushes, is destroyed, dom0 finds the
  pattern in the image file, a new guest verifies it;
  two guests on two images at once;
  two cow guests on one base: each reads its own writes and the base
  through, the base file is unchanged;
  kill -9 of keel-blkback during a write loop: every write acknowledged
  before the kill is in the file, the daemon is back within 10 s, the
  frontend reconnects, the loop finishes, and the data verifies;
  detach and re-attach while idle; block-list (text and JSON);
  destroy with I/O in flight: nothing left dying, free memory at least
  what it was before and at most what it was at boot;
  the hostile frontend (guests/blkhostile) gets the documented answers
  while a well-behaved guest's I/O goes on; poweroff.
Then the same data disk boots again and a new guest verifies what the last
guest of the first boot wrote.
"""
import json
import os
import re
import shutil
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import ACCEL_SINGLE, Qemu  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot, PROMPT  # noqa: E402

LOG = "/var/log/keel/console"
DISKS = "/var/lib/keel/disks"
GUEST_BOUND = 180          # seconds for a guest's whole command under TCG
MUL = 0x9E3779B97F4A7C15   # guests/disk/pattern.h


def pattern_sector(seed, sector):
    """The 512 bytes guests/disk writes to `sector` for `seed`."""
    mix = (seed * MUL) & (2**64 - 1)
    return b"".join(struct.pack("<Q", ((sector << 6) | w) ^ mix)
                    for w in range(64))


class Blk:
    def __init__(self, b):
        self.b = b

    def check(self, name, fn):
        """b.check, with a failed dom0 command (AssertionError) failing only
        this check."""
        def guarded():
            try:
                return fn()
            except AssertionError as e:
                return False, str(e)
        return self.b.check(name, guarded)

    def run(self, cmd, timeout=60):
        return self.b.run(cmd, timeout)

    def must(self, cmd, timeout=60):
        st, out = self.run(cmd, timeout)
        if st != 0:
            raise AssertionError(f"'{cmd}': status {st}: {out[-400:]!r}")
        return out

    def cfg(self, name, cmdline, disks, memory=32):
        """Writes /tmp/NAME.cfg: guests/disk.cfg with this name, command
        line and disk lines."""
        lines = ", ".join(f'"{d}"' for d in disks)
        self.must(f"sed -e 's/^name = .*/name = \"{name}\"/' "
                  f"-e 's/^cmdline = .*/cmdline = \"{cmdline}\"/' "
                  f"-e 's/^memory = .*/memory = {memory}/' "
                  f"-e 's/^maxmem = .*/maxmem = {memory}/' "
                  f"-e 's|^disk = .*|disk = [ {lines} ]|' "
                  f"guests/disk.cfg > /tmp/{name}.cfg")
        return f"/tmp/{name}.cfg"

    def create(self, name, cmdline, disks, memory=32):
        cfg = self.cfg(name, cmdline, disks, memory)
        self.must(f"rm -f {LOG}/{name}.log; vmctl create {cfg}", 120)

    def wait_log(self, name, pattern, bound=GUEST_BOUND):
        """Waits (bounded) for an egrep pattern in NAME's console log;
        returns (found, the log's tail)."""
        deadline = time.monotonic() + bound
        while True:
            st, _ = self.run(f"grep -Eq '{pattern}' {LOG}/{name}.log", 20)
            if st == 0:
                return True, ""
            if time.monotonic() > deadline:
                _, tail = self.run(f"tail -8 {LOG}/{name}.log; "
                                   "tail -5 /var/log/keel-blkback.log", 20)
                return False, f"no /{pattern}/ after {bound}s: {tail[-600:]!r}"
            time.sleep(1)

    def destroy(self, name):
        self.must(f"vmctl destroy {name}", 60)

    def sectors_hold(self, image, seed, sectors):
        """Reads the given sectors of image in dom0 (hexdump) and compares
        them with the pattern (seed None: zeros); returns (ok, why)."""
        for s in sectors:
            out = self.must(f"dd if={image} bs=512 skip={s} count=1 2>/dev/null"
                            f" | hexdump -v -e '16/1 \"%02x\" \"\\n\"'")
            got = bytes.fromhex("".join(out.split()))
            want = bytes(512) if seed is None else pattern_sector(seed, s)
            if got != want:
                return False, f"sector {s} of {image}: {got[:16].hex()}..."
        return True, ""

    def free_memory(self):
        return json.loads(self.must("vmctl info --json"))["free_memory"]

    def settled_free_memory(self, bound=30):
        """The pool's free memory once two readings a second apart agree
        (a domain destroyed just before may still be giving pages back)."""
        deadline = time.monotonic() + bound
        last = self.free_memory()
        while time.monotonic() < deadline:
            time.sleep(1)
            now = self.free_memory()
            if now == last:
                return now
            last = now
        raise AssertionError(f"free memory still changing after {bound}s")

    def blkback_pid(self):
        st, out = self.run("pidof keel-blkback")
        return out.split()[0] if st == 0 and out.split() else None


def sdk_example(s, b, k):
    def hello():
        k.must("(keel-helloback > /tmp/helloback.log 2>&1 &)")
        k.must(f"rm -f {LOG}/hellodev.log; vmctl create guests/hellodev.cfg", 60)
        d = k.must("vmctl list | awk '$2==\"hellodev\"{print $1}'").strip()
        fe, be = f"/local/domain/{d}/device/hello/0", f"/local/domain/0/backend/hello/{d}/0"
        # the frontend's directory first; the backend's state key last
        k.must(f"xenstore-write {fe}/backend {be} {fe}/backend-id 0 {fe}/state 1"
               f" && kxs chmod -r {fe} n{d} r0")
        k.must(f"xenstore-write {be}/frontend {fe} {be}/frontend-id {d} "
               f"{be}/online 1 {be}/increment 5 {be}/state 1 && kxs chmod -r {be} n0 r{d}")
        ok, why = k.wait_log("hellodev", r"^hellodev: [0-9]+ passed, [0-9]+ failed", 90)
        _, out = k.run(f"grep -E '^(PASS|FAIL|hellodev:)' {LOG}/hellodev.log")
        k.destroy("hellodev")
        k.run("kill $(pidof keel-helloback)")
        return ok and "hellodev: 7 passed, 0 failed" in out, why or out[-500:]
    k.check("sdk_example_hello_device", hello)


def main():
    s = Suite()
    vm = Qemu("blk", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest", accel=ACCEL_SINGLE, data_disk="512M")
    b = Boot(s, vm)
    k = Blk(b)
    try:
        vm.start()
        k.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))
        if b.broken:
            return s
        k.must("cd /root")
        boot_free = k.settled_free_memory()

        def mounted():
            st, out = k.run("grep ' /var/lib/keel ' /proc/mounts; mkdir -p " + DISKS)
            return st == 0 and " ext4 " in out, out
        k.check("data_disk_mounted_ext4", mounted)
        k.check("blkback_running",
                lambda: (k.blkback_pid() is not None, "no keel-blkback process"))
        sdk_example(s, b, k)

        def bad_line():
            k.must(f"rm -f {DISKS}/nope.img")
            cfg = k.cfg("bad", "", [f"target={DISKS}/nope.img, vdev=xvda"])
            st, out = k.run(f"vmctl create {cfg}; echo rc=$?", 60)
            listed = k.must("vmctl list")
            return ("rc=1" in out and re.search(r"/tmp/bad\.cfg:\d+", out) is not None
                    and " bad " not in listed), out[-300:]
        k.check("bad_disk_line_refused", bad_line)

        img1, img2 = f"{DISKS}/g1.img", f"{DISKS}/g2.img"

        def write_destroy_check():
            k.must(f"rm -f {img1} {img2}; vmctl disk-create {img1} 64M && "
                   f"vmctl disk-create {img2} 64M")
            k.create("w1", "write 0 2048 7", [f"target={img1}, vdev=xvda, access=rw, format=raw"])
            ok, why = k.wait_log("w1", r"^disk: write ok 2048 sectors")
            if not ok:
                return False, why
            k.destroy("w1")
            return k.sectors_hold(img1, 7, [0, 1, 1023, 2047])
        k.check("guest_write_is_in_the_image", write_destroy_check)

        def boot_log_shows_disk():
            st, out = k.run(f"grep -iE 'sectors' {LOG}/w1.log | head -3")
            return st == 0 and "131072" in out, out
        k.check("boot_log_shows_the_disk", boot_log_shows_disk)

        def verify_new_guest():
            k.create("v1", "verify 0 2048 7", [f"target={img1}, vdev=xvda"])
            ok, why = k.wait_log("v1", r"^disk: verify (ok|FAILED)")
            _, out = k.run(f"grep '^disk: verify' {LOG}/v1.log")
            k.destroy("v1")
            return ok and "verify ok 2048 sectors" in out, why or out
        k.check("new_guest_verifies_the_pattern", verify_new_guest)

        def two_at_once():
            k.create("a1", "write 100 4096 3", [f"target={img1}, vdev=xvda"])
            k.create("a2", "write 100 4096 4", [f"target={img2}, vdev=xvda"])
            r1 = k.wait_log("a1", r"^disk: write ok 4096 sectors")
            r2 = k.wait_log("a2", r"^disk: write ok 4096 sectors")
            k.destroy("a1")
            k.destroy("a2")
            if not (r1[0] and r2[0]):
                return False, r1[1] + r2[1]
            ok1 = k.sectors_hold(img1, 3, [100, 4195])
            ok2 = k.sectors_hold(img2, 4, [100, 4195])
            return ok1[0] and ok2[0], ok1[1] + ok2[1]
        k.check("two_guests_two_images_at_once", two_at_once)

        def discard():
            k.create("d1", "discard 100 2048", [f"target={img2}, vdev=xvda"])
            ok, why = k.wait_log("d1", r"^disk: discard (ok|FAILED)")
            _, out = k.run(f"grep -E '^(blkfront|disk: discard)' {LOG}/d1.log")
            k.destroy("d1")
            if not ok or "discard ok 2048 sectors" not in out or "discard yes" not in out:
                return False, why or out
            zero = k.sectors_hold(img2, None, [100, 1000, 2147])
            kept = k.sectors_hold(img2, 4, [2148, 4195])
            return zero[0] and kept[0], zero[1] + kept[1]
        k.check("discard_zeroes_only_its_range", discard)

        def same_image_twice_refused():
            k.create("h1", "", [f"target={img1}, vdev=xvda"])
            cfg = k.cfg("h2", "", [f"target={img1}, vdev=xvda"])
            st, out = k.run(f"vmctl create {cfg}; echo rc=$?", 60)
            k.destroy("h1")
            return "rc=1" in out, out[-300:]
        k.check("image_in_use_rw_refused", same_image_twice_refused)

        base = f"{DISKS}/base.img"

        def cow_pair():
            k.must(f"rm -f {base} {DISKS}/c1.cow {DISKS}/c2.cow; "
                   f"vmctl disk-create {base} 32M")
            k.create("mkbase", "write 0 4096 9", [f"target={base}, vdev=xvda"])
            ok, why = k.wait_log("mkbase", r"^disk: write ok 4096 sectors")
            k.destroy("mkbase")
            if not ok:
                return False, why
            before = k.must(f"md5sum {base}").split()[0]
            k.create("c1", "write 0 1024 11",
                     [f"format=cow, target={DISKS}/c1.cow, base={base}, vdev=xvda"])
            k.create("c2", "write 512 1024 12",
                     [f"format=cow, target={DISKS}/c2.cow, base={base}, vdev=xvda"])
            r1 = k.wait_log("c1", r"^disk: write ok 1024 sectors")
            r2 = k.wait_log("c2", r"^disk: write ok 1024 sectors")
            k.destroy("c1")
            k.destroy("c2")
            if not (r1[0] and r2[0]):
                return False, r1[1] + r2[1]
            # each overlay: its own writes, and the base where it wrote nothing
            checks = [("k1", "c1", "verify 0 1024 11"), ("k2", "c1", "verify 1024 3072 9"),
                      ("k3", "c2", "verify 512 1024 12"), ("k4", "c2", "verify 0 512 9")]
            for name, ov, cmd in checks:
                k.create(name, cmd,
                         [f"format=cow, target={DISKS}/{ov}.cow, base={base}, vdev=xvda"])
                ok, why = k.wait_log(name, r"^disk: verify (ok|FAILED)")
                _, out = k.run(f"grep '^disk: verify' {LOG}/{name}.log")
                k.destroy(name)
                if not ok or "verify ok" not in out:
                    return False, f"{ov} {cmd}: {why or out}"
            after = k.must(f"md5sum {base}").split()[0]
            return before == after, f"base changed: {before} -> {after}"
        k.check("cow_guests_share_an_unchanged_base", cow_pair)

        def restart_midway():
            img = f"{DISKS}/loop.img"
            k.must(f"rm -f {img}; vmctl disk-create {img} 16M")
            # 6 passes of 64 flushed chunks; pass p writes seed 21 + 6 - p
            k.create("loop", "loop 0 8192 21 6 128", [f"target={img}, vdev=xvda"])
            ok, why = k.wait_log("loop", r"^disk: loop acked up to sector [0-9]+ pass 1", 120)
            if not ok:
                return False, why
            old = k.blkback_pid()
            k.must(f"kill -9 {old}")
            out = k.must(f"grep -E '^disk: loop acked' {LOG}/loop.log | tail -1")
            m = re.search(r"acked up to sector (\d+) pass (\d+)", out)
            acked, npass = int(m.group(1)), int(m.group(2))
            # With the backend dead, what it acknowledged is in the file:
            # sectors 0..acked hold pass npass's seed (docs/guests.md).
            held = k.sectors_hold(img, 21 + 6 - npass, sorted({0, acked // 2, acked}))
            if not held[0]:
                return False, f"acknowledged write lost (pass {npass}): " + held[1]
            deadline = time.monotonic() + 10
            new = None
            while time.monotonic() < deadline:
                new = k.blkback_pid()
                if new and new != old:
                    break
                time.sleep(0.5)
            if not new or new == old:
                return False, "keel-blkback not restarted within 10 s"
            ok, why = k.wait_log("loop", r"^disk: loop done", 240)
            k.destroy("loop")
            if not ok:
                return False, why
            k.create("loopv", "verify 0 8192 21", [f"target={img}, vdev=xvda"])
            ok, why = k.wait_log("loopv", r"^disk: verify (ok|FAILED)")
            _, out = k.run(f"grep '^disk: verify' {LOG}/loopv.log")
            k.destroy("loopv")
            return ok and "verify ok 8192 sectors" in out, why or out
        k.check("blkback_killed_midway_guest_reconnects", restart_midway)

        def detach_attach():
            k.create("idle", "", [f"target={img2}, vdev=xvda"])
            ok, why = k.wait_log("idle", r"sectors", 60)
            if not ok:
                return False, why
            st, out = k.run("vmctl block-detach idle xvda; echo rc=$?", 60)
            if "rc=0" not in out:
                return False, "detach: " + out
            lst = k.must("vmctl block-list idle")
            if "xvda" in lst:
                return False, "still listed after detach: " + lst
            st, out = k.run(f"vmctl block-attach idle 'target={img2}, vdev=xvda'; echo rc=$?", 60)
            if "rc=0" not in out:
                return False, "attach: " + out
            js = json.loads(k.must("vmctl block-list idle --json"))
            k.destroy("idle")
            text = json.dumps(js)
            return "xvda" in text and "Connected" in text, text[:400]
        k.check("detach_and_reattach_while_idle", detach_attach)

        def destroy_in_flight():
            free0 = k.settled_free_memory()
            k.create("busyio", "loop 0 8192 5 50 128", [f"target={img2}, vdev=xvda"])
            ok, why = k.wait_log("busyio", r"^disk: loop acked", 120)
            if not ok:
                return False, why
            k.destroy("busyio")
            # Nothing lost (at least the figure before), nothing freed
            # twice (at most the figure at boot, before any guest: the
            # hypervisor keeps a page from the first guest on and may
            # give it back at a later destroy).
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                lst = k.must("vmctl list")
                free = k.free_memory()
                if "busyio" not in lst and free0 <= free <= boot_free:
                    return True, ""
                time.sleep(1)
            return False, (f"left: {lst!r}, free {free}, before {free0}, "
                           f"at boot {boot_free}")
        k.check("destroy_with_io_in_flight_returns_everything", destroy_in_flight)

        def hostile():
            k.must(f"rm -f {DISKS}/blkhostile.img; "
                   f"vmctl disk-create {DISKS}/blkhostile.img 16M")
            k.create("good", "loop 0 2048 31 5 128", [f"target={img1}, vdev=xvda"])
            k.must(f"rm -f {LOG}/blkhostile.log; vmctl create guests/blkhostile.cfg", 60)
            ok, why = k.wait_log("blkhostile", r"^blkhostile: [0-9]+ passed", 240)
            _, out = k.run(f"grep -E '^(PASS|FAIL|blkhostile:)' {LOG}/blkhostile.log")
            good, gwhy = k.wait_log("good", r"^disk: loop done", 240)
            k.destroy("blkhostile")
            k.destroy("good")
            alive = k.blkback_pid() is not None
            return (ok and good and alive and "FAIL" not in out
                    and re.search(r"blkhostile: \d+ passed, 0 failed", out) is not None), \
                (why + gwhy + out)[-800:]
        k.check("hostile_frontend_answered_others_unharmed", hostile)
        # The end of a `make run`: poweroff in dom0 ends QEMU.
        def poweroff():
            vm.send("poweroff")
            return vm.wait_exit(90), "QEMU still running 90 s after poweroff"
        k.check("poweroff_ends_the_machine", poweroff)
    finally:
        vm.stop()
    if not b.broken and vm.data_img:
        second_boot(s, vm.data_img)
    return s


def second_boot(s, data_img):
    """The data disk of the first boot, booted again: what the hostile
    check's good guest wrote last (its loop's final pass, seed 31) is still
    there and a new guest verifies it."""
    vm = Qemu("blk-again", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest", accel=ACCEL_SINGLE, data_disk=data_img,
              data_copy=False)
    b = Boot(s, vm)
    k = Blk(b)
    try:
        vm.start()
        k.check("second_boot_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))
        if b.broken:
            return

        def survives():
            k.must("cd /root")
            k.create("again", "verify 0 2048 31",
                     ["target=/var/lib/keel/disks/g1.img, vdev=xvda"])
            ok, why = k.wait_log("again", r"^disk: verify (ok|FAILED)")
            _, out = k.run(f"grep '^disk: verify' {LOG}/again.log")
            return ok and "verify ok 2048 sectors" in out, why or out
        k.check("guest_data_survives_a_restart_of_the_machine", survives)
    finally:
        vm.stop()


if __name__ == "__main__":
    if shutil.which("qemu-system-x86_64") is None:
        print("FAIL: qemu: qemu-system-x86_64 not installed")
        sys.exit(1)
    suite = main()
    print(f"block tests: {suite.passed} passed, {suite.failed} failed", flush=True)
    sys.exit(1 if suite.failed else 0)
