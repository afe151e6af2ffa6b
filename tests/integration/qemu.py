#!/usr/bin/env python3
"""Boot the Keel ISO in QEMU without a terminal and drive dom0's serial shell.

Used by the integration tests (tests/integration) and the boot benchmark
(bench/boot); also a command-line launcher for one-off non-interactive runs:

    python3 tests/integration/qemu.py [--entry bare] [--hv-args "dom0_mem=512M"] \\
        --cmd "vmctl info" --cmd "vmctl dmesg"

With data_disk (--data-disk) dom0 gets a data disk as `make run` does
(docs/dom0.md): a virtio disk with the serial keel-data that dom0 mounts at
/var/lib/keel.  Without it (the default) /var/lib/keel is in dom0's RAM.

QEMU runs headless with the serial port on a pipe (-serial stdio), the
hypervisor's debug console (port 0xE9) in a file, and -no-reboot so a guest
reset or panic ends QEMU instead of looping.  Every wait has a bound; on a
failure, callers print tail() for the serial and debugcon logs.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
DEFAULT_ISO = os.path.join(BUILD, "keel.iso")
# QEMU's -accel: multi-threaded TCG by default (one host thread per vCPU).
# KEEL_QEMU_ACCEL overrides it, e.g. "tcg,thread=single" (docs/testing.md,
# "QEMU's multi-threaded TCG").
ACCEL = os.environ.get("KEEL_QEMU_ACCEL", "tcg")
# Single-threaded TCG: for runs of 60+ guests, where multi-threaded TCG
# has been seen to lose dom0's state (docs/testing.md).
ACCEL_SINGLE = "tcg,thread=single"

# dom0's shell prompt (see dom0-tools/initramfs/rootfs/etc/profile).
PROMPT = r"dom0:[^\n]*# "
# Control sequences ash's line editor writes (cursor moves, ESC[6n, ...).
ANSI = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>78])")


class QemuError(Exception):
    pass


def smbios_args(entry, hv_args, dom0_args=""):
    """The -smbios option that picks the GRUB entry, extra hypervisor
    arguments (sku) and extra dom0 kernel arguments (family); see
    dom0-tools/initramfs/grub.cfg.  QEMU escapes a comma by doubling it."""
    opt = "type=1,product=" + ("keel-bare" if entry == "bare" else "keel")
    if entry != "bare" and hv_args.strip():
        opt += ",sku=" + hv_args.strip().replace(",", ",,")
    if dom0_args.strip():
        opt += ",family=" + dom0_args.strip().replace(",", ",,")
    return ["-smbios", opt]


SIZE_RX = re.compile(r"^\d+[KMG]?$")


def data_disk_args(path, cache="writeback"):
    """The QEMU options of dom0's data disk at path (as mk/run-qemu.sh)."""
    return ["-drive", "file=" + path.replace(",", ",,") +
            f",if=none,id=keeldata,format=raw,cache={cache}",
            "-device", "virtio-blk-pci,drive=keeldata,serial=keel-data"]


class Qemu:
    def __init__(self, name, iso=DEFAULT_ISO, entry="keel", mem=2048, smp=2,
                 hv_args="", dom0_args="", logdir=None, qemu="qemu-system-x86_64",
                 extra=None, accel=None, data_disk=None, data_copy=True,
                 data_cache="writeback"):
        """data_disk: None (the default: no data disk), a size such as
        "256M" (a new, empty sparse image NAME.data.img in the log
        directory, which dom0 formats at boot), or the path of an image:
        with data_copy (the default) a per-test copy of it is used, without
        it the file itself (e.g. to see data survive a second boot).
        self.data_img is the file QEMU uses, or None."""
        self.name = name
        self.logdir = logdir or os.path.join(BUILD, "tests", "integration")
        os.makedirs(self.logdir, exist_ok=True)
        self.data_img = self._data_disk(data_disk, data_copy)
        if self.data_img:
            extra = data_disk_args(self.data_img, data_cache) + (extra or [])
        self.serial_log = os.path.join(self.logdir, name + ".serial.log")
        self.debugcon_log = os.path.join(self.logdir, name + ".debugcon.log")
        self.cmdline = [
            qemu, "-machine", "pc", "-cpu", "max", "-accel", accel or ACCEL,
            "-smp", str(smp), "-m", str(mem),
            "-display", "none", "-no-reboot", "-nic", "none",
            "-serial", "stdio", "-monitor", "none",
            "-cdrom", iso, "-boot", "d",
            "-debugcon", "file:" + self.debugcon_log,
            "-global", "isa-debugcon.iobase=0xe9",
        ] + smbios_args(entry, hv_args, dom0_args) + (extra or [])
        self.iso = iso
        self.proc = None
        self.text = ""        # serial output so far, CR/LF normalised
        self.pos = 0          # where the next wait_for() starts looking
        self.cond = threading.Condition()
        self.eof = False
        self.seq = 0
        self.started = None

    def _data_disk(self, spec, copy):
        if spec is None:
            return None
        img = os.path.join(self.logdir, self.name + ".data.img")
        if os.path.exists(str(spec)):
            if not copy:
                return os.path.abspath(spec)
            # A sparse copy: cp keeps the holes of a mostly empty image.
            subprocess.run(["cp", "--sparse=always", str(spec), img], check=True)
            return img
        if not SIZE_RX.match(str(spec)):
            raise QemuError(f"data_disk {spec!r}: neither an image file nor a size like 256M")
        if os.path.exists(img):
            os.unlink(img)
        subprocess.run(["truncate", "-s", str(spec), img], check=True)
        return img

    # -- process -------------------------------------------------------
    def start(self):
        if not os.path.exists(self.iso):
            raise QemuError(f"{self.iso} does not exist: run 'make iso' first")
        self.log = open(self.serial_log, "w", errors="replace")
        if os.path.exists(self.debugcon_log):
            os.unlink(self.debugcon_log)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.cmdline, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def _read(self):
        pending_cr = False
        while True:
            data = os.read(self.proc.stdout.fileno(), 4096)
            if not data:
                break
            s = data.decode("utf-8", errors="replace")
            if pending_cr:
                s = "\r" + s
            pending_cr = s.endswith("\r")
            if pending_cr:
                s = s[:-1]
            s = s.replace("\r\n", "\n").replace("\r", "")
            s = ANSI.sub("", s)
            self.log.write(s)
            self.log.flush()
            with self.cond:
                self.text += s
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def elapsed(self):
        return time.monotonic() - self.started

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout):
        """Waits for QEMU to end by itself; returns True if it did."""
        try:
            self.proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stop(self):
        if self.alive():
            self.proc.terminate()
            if not self.wait_exit(10):
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        if getattr(self, "reader", None):
            self.reader.join(5)
        if getattr(self, "log", None):
            self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- serial --------------------------------------------------------
    def wait_for(self, pattern, timeout):
        """Waits until pattern (a regex, MULTILINE) appears in the serial
        output after the last match; returns the match.  Raises QemuError
        on timeout or when QEMU exits first."""
        rx = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.text, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise QemuError(f"timeout after {timeout}s waiting for /{pattern}/")
                if self.eof:
                    raise QemuError(f"QEMU exited while waiting for /{pattern}/"
                                    f" (status {self.proc.poll()})")
                self.cond.wait(min(left, 1.0))

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def run(self, cmd, timeout=60):
        """Runs a shell command line in dom0; returns (status, output).
        Markers printed before and after delimit the output: the quotes
        keep the echoed command line itself from matching them."""
        self.seq += 1
        tag = f"{self.seq}x{os.getpid()}"
        self.send(f'echo @@B{tag}""; {cmd}; echo @@E{tag}"":$?')
        self.wait_for(rf"^@@B{tag}\n", timeout)
        start = self.pos
        # Not anchored at a line start: output need not end in a newline.
        # Anchored at the line's end by its newline, not by $, which also
        # matches where the serial stream has delivered only the first
        # digits so far (a status of 139 was once read as 1).
        m = self.wait_for(rf"@@E{tag}:(\d+)\n", timeout)
        out = self.text[start:m.start()]
        self.wait_for(PROMPT, 10)
        return int(m.group(1)), out

    def tail(self, n=60):
        """The last n lines of the serial and debugcon logs, for failures.
        Every line is indented: the logs hold test programs' own "PASS:"
        lines, which the runner must not count again (tests/summarize.py
        reads only lines that start with a verdict)."""
        parts = [f"--- last {n} lines of serial log ({self.serial_log}):"]
        parts += self.text.splitlines()[-n:]
        try:
            with open(self.debugcon_log, errors="replace") as f:
                dl = f.read().splitlines()
            parts.append(f"--- last {n} lines of debugcon log ({self.debugcon_log}):")
            parts += dl[-n:]
        except OSError:
            parts.append("--- no debugcon log")
        return indent("\n".join(parts))


# The migration link of a host pair, as mk/run-pair.sh sets it up
# (docs/migration.md, "Two hosts").
PAIR_ADDR = {"a": "169.254.99.1", "b": "169.254.99.2"}
PAIR_MAC = {"a": "52:54:00:6b:6d:01", "b": "52:54:00:6b:6d:02"}


def free_udp_ports(n):
    """n UDP ports on 127.0.0.1 that were free a moment ago."""
    import socket
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
    try:
        for x in socks:
            x.bind(("127.0.0.1", 0))
        return [x.getsockname()[1] for x in socks]
    finally:
        for x in socks:
            x.close()


def pair_host_args(host, lport, rport, key, shared):
    """QEMU options linking host ("a" or "b") to its peer: a virtio NIC on
    QEMU's UDP socket network on 127.0.0.1 (own port lport, the peer's
    rport), the key by fw_cfg, the shared directory by virtio-9p."""
    esc = lambda p: p.replace(",", ",,")  # noqa: E731
    return ["-netdev", f"socket,id=mig,udp=127.0.0.1:{rport},localaddr=127.0.0.1:{lport}",
            "-device", f"virtio-net-pci,netdev=mig,mac={PAIR_MAC[host]}",
            "-fw_cfg", f"name=opt/keel/migration.key,file={esc(key)}",
            "-fsdev", f"local,id=keelshared,path={esc(shared)},security_model=none",
            "-device", "virtio-9p-pci,fsdev=keelshared,mount_tag=keelshared"]


def pair_dom0_args(host):
    """dom0's command line keys that S06keel-migration reads."""
    return f"keel.migration={PAIR_ADDR[host]} keel.migration_mac={PAIR_MAC[host]}"


class Pair:
    """Two hosts, pair.a and pair.b (Qemu objects named NAME-a, NAME-b),
    linked as `make run-pair` links them: the migration NICs, a fresh key
    (self.key, 64 hex digits, also in the file self.key_file) and the
    shared directory self.shared (a new empty one per run).  Keyword
    arguments go to both Qemu objects (mem, smp, hv_args, dom0_args,
    data_disk, ...)."""

    def __init__(self, name, logdir=None, dom0_args="", **kw):
        self.name = name
        logdir = logdir or os.path.join(BUILD, "tests", "integration")
        self.dir = os.path.join(logdir, name + ".pair")
        self.shared = os.path.join(self.dir, "shared")
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.shared)
        self.key = os.urandom(32).hex()
        self.key_file = os.path.join(self.dir, "migration.key")
        with open(os.open(self.key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(self.key + "\n")
        pa, pb = free_udp_ports(2)
        more = kw.pop("extra", None) or []
        hosts = {}
        for h, lp, rp in (("a", pa, pb), ("b", pb, pa)):
            extra = pair_host_args(h, lp, rp, self.key_file, self.shared) + more
            hosts[h] = Qemu(f"{name}-{h}", logdir=logdir, extra=extra,
                            dom0_args=(pair_dom0_args(h) + " " + dom0_args).strip(),
                            **kw)
        self.a, self.b = hosts["a"], hosts["b"]

    def start(self):
        self.a.start()
        self.b.start()
        return self

    def stop(self):
        for q in (self.a, self.b):
            q.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def tail(self, n=40):
        return self.a.tail(n) + "\n" + self.b.tail(n)


def indent(text):
    """text with every line indented, so that no line of it starts with a
    verdict ("PASS:", "FAIL:", "SKIP:") that the runner would count."""
    return "\n".join("    | " + line for line in text.splitlines())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iso", default=DEFAULT_ISO)
    ap.add_argument("--entry", choices=["keel", "bare"], default="keel")
    ap.add_argument("--mem", type=int, default=2048)
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--hv-args", default="")
    ap.add_argument("--dom0-args", default="",
                    help="appended to dom0's kernel command line")
    ap.add_argument("--data-disk", default=None,
                    help="dom0's data disk: a size (a new empty image, e.g. 256M) "
                         "or an image file (used itself, not copied)")
    ap.add_argument("--boot-timeout", type=int, default=120)
    ap.add_argument("--cmd", action="append", default=[],
                    help="a dom0 shell command (repeatable)")
    ap.add_argument("--name", default="manual")
    a = ap.parse_args()
    q = Qemu(a.name, iso=a.iso, entry=a.entry, mem=a.mem, smp=a.smp,
             hv_args=a.hv_args, dom0_args=a.dom0_args, data_disk=a.data_disk,
             data_copy=False)
    rc = 0
    try:
        q.start()
        q.wait_for(PROMPT, a.boot_timeout)
        print(f"# dom0 prompt after {q.elapsed():.1f}s")
        for c in a.cmd:
            st, out = q.run(c)
            print(f"$ {c}\n{out}# exit status {st}")
    except QemuError as e:
        print(f"qemu.py: {e}\n{q.tail()}", file=sys.stderr)
        rc = 1
    finally:
        q.stop()
    return rc


if __name__ == "__main__":
    sys.exit(main())
