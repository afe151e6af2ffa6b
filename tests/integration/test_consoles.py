#!/usr/bin/env python3
"""Console backend tests: keel-consoled logs each guest's console.

Prints one "PASS: name", "FAIL: name: why" or "SKIP: name: why" line per
check and a summary; exits non-zero on any FAIL (a SKIP is not a pass: with
nothing but skips the exit status is 1 too).  One boot of the ISO (keel,
2048 MiB, dom0_mem=512M, keel.noguest so that no default guest runs):
  keel-consoled is running and listening on /run/keel/console.sock;
  `vmctl create guests/hello.cfg` leads to /var/log/keel/console/hello.log
  holding "hello from hello" within CONSOLE_BOUND seconds, mode 0640;
  the log keeps growing (ticks); `vmctl console hello` (when vmctl has it)
  replays the backlog; after `vmctl destroy hello` the daemon disconnects.
Checks that need `vmctl create` report SKIP when vmctl has no such command.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import Qemu, QemuError  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot, PROMPT  # noqa: E402

CONSOLE_BOUND = int(os.environ.get("KEEL_CONSOLE_BOUND", "30"))
LOG = "/var/log/keel/console/hello.log"


class Suite2(Suite):
    def __init__(self):
        super().__init__()
        self.skipped = 0

    def skip(self, name, why):
        print(f"SKIP: {name}: {why}", flush=True)
        self.skipped += 1


def poll_file(b, path, pattern, bound):
    """Waits up to bound seconds for pattern in path (in dom0)."""
    deadline = time.monotonic() + bound
    while True:
        st, out = b.run(f"grep -c '{pattern}' {path} 2>/dev/null", 20)
        if st == 0 and out.strip() not in ("", "0"):
            return True, ""
        if time.monotonic() > deadline:
            st, out = b.run(f"ls -l /var/log/keel/console; tail -5 /var/log/keel-consoled.log", 20)
            return False, f"no {pattern!r} in {path} after {bound}s: {out[-400:]!r}"
        time.sleep(1)


def console_boot(s):
    vm = Qemu("consoles", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest")
    b = Boot(s, vm)
    try:
        vm.start()
        b.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))

        def daemon_running():
            st, out = b.run("test -S /run/keel/console.sock && "
                            "kill -0 $(cat /run/keel-consoled.pid) && "
                            "cat /var/log/keel-consoled.log")
            return st == 0 and "serving consoles" in out, f"status {st}: {out[-300:]!r}"
        b.check("consoled_running", daemon_running)

        if b.broken:
            return
        st, out = b.run("vmctl help create >/dev/null 2>&1; echo have=$?")
        if "have=0" not in out:
            for name in ("hello_log_has_greeting", "hello_log_mode_0640",
                         "hello_log_grows", "vmctl_console_backlog",
                         "destroy_disconnects"):
                s.skip(name, "vmctl has no create command yet (domain builder missing)")
            return

        hello = {}

        def create():
            st, out = b.run("vmctl create guests/hello.cfg", 90)
            m = re.search(r"\(id (\d+)\)", out)
            if m:
                hello["id"] = int(m.group(1))
            return st == 0 and bool(m), f"status {st}, no id: {out[-400:]!r}"
        if not b.check("vmctl_create_hello", create):
            return

        b.check("hello_log_has_greeting",
                lambda: poll_file(b, LOG, "hello from hello", CONSOLE_BOUND))

        def mode():
            st, out = b.run(f"stat -c %a {LOG}")
            return out.strip() == "640", f"mode {out.strip()!r}"
        b.check("hello_log_mode_0640", mode)

        def grows():
            _, a = b.run(f"wc -c < {LOG}")
            time.sleep(3)
            _, c = b.run(f"wc -c < {LOG}")
            try:
                return int(c) > int(a), f"{a.strip()} -> {c.strip()} bytes"
            except ValueError:
                return False, f"{a!r} {c!r}"
        b.check("hello_log_grows", grows)

        st, out = b.run("vmctl help console >/dev/null 2>&1; echo have=$?")
        if "have=0" not in out:
            s.skip("vmctl_console_backlog", "vmctl has no console command")
        else:
            def backlog():
                # stdin is not a tty: end of input detaches after the
                # backlog, with status 0 (timeout's 124 would mean it hung).
                st, out = b.run("timeout 10 vmctl console hello </dev/null "
                                ">/tmp/backlog 2>&1", 30)
                _, text = b.run("head -c 16384 /tmp/backlog", 30)
                return (st == 0 and "hello from hello" in text,
                        f"vmctl console status {st}: {text[-300:]!r}")
            b.check("vmctl_console_backlog", backlog)

        def destroy():
            # hello's own line: "domN: console disconnected".
            line = f"dom{hello['id']}: console disconnected$"

            def disconnects():
                """How many times the log has the line; -1 if grep failed."""
                st, out = b.run(f"grep -c '{line}' /var/log/keel-consoled.log")
                ok = st in (0, 1) and out.strip().isdigit()
                return int(out) if ok else -1
            before = disconnects()
            if before < 0:
                return False, "cannot read /var/log/keel-consoled.log"
            st, out = b.run("vmctl destroy hello", 60)
            if st != 0:
                return False, f"destroy status {st}: {out[-300:]!r}"
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                n = disconnects()
                if n < 0:
                    return False, "cannot read /var/log/keel-consoled.log"
                if n > before:
                    return True, ""
                time.sleep(1)
            _, out = b.run("tail -5 /var/log/keel-consoled.log")
            return False, f"no {line!r} logged ({before} before): {out[-300:]!r}"
        b.check("destroy_disconnects", destroy)
    except QemuError as e:
        s.verdict(False, "consoles_boot", str(e), vm)
    finally:
        vm.stop()


def main():
    s = Suite2()
    console_boot(s)
    print(f"console tests: {s.passed} passed, {s.failed} failed, {s.skipped} skipped")
    return 1 if s.failed or not s.passed or s.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
