#!/usr/bin/env python3
"""The README's dom0 command list, run as it stands, and what a new user
meets on the way (issue 13).

One boot as `make run` does it (default guest hello, a fresh data disk at
/var/lib/keel).  The list is read from README.md at run time -- the ```sh
block after "In dom0" -- so the test and the README cannot drift apart.
Each line runs in dom0's shell with its comment cut off and must exit 0
(PASS: readme: LINE); `vmctl console hello` runs on the serial terminal,
types a line to hello (which echoes it) and detaches with Ctrl-]; the
final `poweroff` must end QEMU.  Around the list, on the same boot:
  keel-resize (run by /etc/profile at login) sets the size the terminal
  reports (stty size);
  a console that cannot be reached prints no "[attached" and one hint;
  mem-set refuses 1K and 0 with the guest's range and confirms 6M;
  shutdown of a paused guest says it is paused;
  sched-credit of dom0 is refused as other dom0 refusals are;
  list --json prints cpu_seconds with three decimals, dom0's not 0;
  the docs the help texts cite are in dom0 (/usr/share/doc/keel);
  hello's ticks are in its console log and not in vmctl dmesg;
  httpd says "net: eth0 up 169.254.77.11" before the README pings it;
  hello's console log: a dated line at each start, and "balloon: 4096 KiB"
  once per start.
Prints one "PASS: name" / "FAIL: name: why" line per check and a summary;
exits non-zero on any failure.  About 2 minutes.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import PROMPT, Qemu, QemuError  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
LOG = "/var/log/keel/console/hello.log"
CTRL_RBRACKET = b"\x1d"


def readme_commands(path=os.path.join(TOP, "README.md")):
    """The dom0 command lines of the README: the first ```sh block after
    the paragraph that says "In dom0", comments cut off."""
    with open(path) as f:
        text = f.read()
    at = text.find("In dom0")
    m = re.search(r"```sh\n(.*?)```", text[at:], re.S) if at >= 0 else None
    if not m:
        raise SystemExit("README.md: no ```sh block after 'In dom0'")
    lines = []
    for raw in m.group(1).splitlines():
        cmd = re.sub(r"\s+#\s.*$", "", raw).strip()
        if cmd:
            lines.append(cmd)
    return lines


def main():
    cmds = readme_commands()
    s = Suite()
    vm = Qemu("readme", mem=2048, smp=2, data_disk="256M")
    b = Boot(s, vm)
    try:
        vm.start()
        b.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))

        def hello_running():
            deadline = time.monotonic() + 60
            while True:
                st, out = b.run("vmctl list")
                if re.search(r"^\s*\d+\s+hello\s+(running|blocked)", out, re.M):
                    return True, ""
                if time.monotonic() > deadline:
                    return False, f"no running default guest: {out[-300:]!r}"
                time.sleep(2)
        b.check("default_guest_hello_runs", hello_running)

        def terminal_size():
            # The harness strips escape sequences from what it reads, so
            # it answers keel-resize's question (ESC [ 6 n) blind, as a
            # terminal 132 columns wide would.
            _, before = b.run("stty size")
            _, prof = b.run("grep -c keel-resize /etc/profile")
            # Answer only once the shell has run the line (its first
            # command's output is there): until then the shell's own line
            # editor would read the answer as keys.  keel-resize then finds
            # it in the tty's buffer, whether it comes before or after its
            # question.
            vm.send('echo @@RS""; keel-resize; echo; stty size')
            vm.wait_for(r"^@@RS\n", 20)
            vm.proc.stdin.write(b"\x1b[40;132R")
            vm.proc.stdin.flush()
            # A whole line (the echo ends keel-resize's cursor moves; a
            # bare $ would match the end of output read so far).
            m = vm.wait_for(r"^(\d+ \d+)\n", 20)
            vm.wait_for(PROMPT, 20)
            was = re.search(r"^(\d+) (\d+)$", before, re.M)
            b.run("stty rows %s cols %s" % (was.groups() if was else ("0", "0")))
            return (prof.strip() not in ("", "0") and m.group(1) == "40 132",
                    f"/etc/profile runs it: {prof.strip()}; stty size {m.group(1)!r}")
        b.check("login_sets_terminal_size", terminal_size)

        def console_unreachable():
            # On the serial terminal (a tty): the banner must not show.
            st, out = b.run("KEEL_CONSOLE_SOCK=/nonexistent vmctl console hello")
            hint = ("cannot attach to the console of 'hello'" in out and
                    "is keel-consoled running? (/var/log/keel-consoled.log)" in out)
            return (st == 1 and hint and "[attached" not in out,
                    f"status {st}: {out.strip()[-300:]!r}")
        b.check("console_failure_no_banner_one_hint", console_unreachable)

        def mem_set_bounds():
            for size in ("1K", "0"):
                st, out = b.run(f"vmctl mem-set hello {size}")
                if st != 1 or "outside what 'hello' may have: 4096..8192 KiB" not in out:
                    return False, f"mem-set {size}: status {st}: {out.strip()!r}"
            return True, ""
        b.check("mem_set_refuses_below_minimum_with_range", mem_set_bounds)

        def sched_dom0():
            st, out = b.run("vmctl sched-credit 0")
            return (st == 1 and "domain 0 is dom0, the control domain; refused" in out,
                    f"status {st}: {out.strip()!r}")
        b.check("sched_credit_dom0_refused", sched_dom0)

        def help_docs_exist():
            st, out = b.run("for c in $(vmctl --help | awk '/^  [a-z]/ {print $1}'); do "
                            "vmctl help $c; done; vmctl --help; keel-blkback --help; "
                            "keel-netback --help")
            paths = sorted(set(re.findall(r"/usr/share/doc/keel/[A-Za-z0-9_.-]+\.md", out)))
            if not paths or re.search(r"(^|[ (])docs/\S+\.md", out, re.M):
                return False, f"cited: {paths}; {out[-300:]!r}"
            st, out = b.run("ls " + " ".join(paths))
            return st == 0, f"{paths}: {out.strip()[-300:]!r}"
        b.check("help_texts_cite_docs_dom0_has", help_docs_exist)

        def dmesg_quiet():
            # hello ticks once a second into its console log, not the
            # hypervisor's ring; its first lines (before its console
            # ring was up) are in both.
            deadline = time.monotonic() + 30       # a few ticks first
            while True:
                _, ticks = b.run(f"grep -c '^tick' {LOG}")
                if ticks.strip().isdigit() and int(ticks) >= 3 or \
                        time.monotonic() > deadline:
                    break
                time.sleep(1)
            st, out = b.run("vmctl dmesg | grep -cE '^[(]d[0-9]+[)] tick'")
            _, first = b.run("vmctl dmesg | grep -c 'keel guest kernel: domain'")
            return (out.strip() == "0" and ticks.strip() not in ("", "0") and
                    first.strip() not in ("", "0"),
                    f"{out.strip()} tick lines in vmctl dmesg, {ticks.strip()} in "
                    f"{LOG}, {first.strip()} kernel greetings in dmesg")
        b.check("dmesg_without_guest_ticks", dmesg_quiet)

        def cpu_seconds():
            st, out = b.run("vmctl list --json")
            vals = re.findall(r'"cpu_seconds": ([0-9.eE+-]+)', out)
            bad = [v for v in vals if not re.fullmatch(r"\d+\.\d{3}", v)]
            # dom0 (first) has used some CPU by now: not the 0.0 of before
            return (st == 0 and len(vals) >= 2 and not bad and float(vals[0]) > 0,
                    f"status {st}, cpu_seconds {vals}")
        b.check("list_json_cpu_seconds_rounded", cpu_seconds)

        def console_session():
            """The README's console line on the serial terminal: the
            banner, the backlog, a typed line echoed by hello, Ctrl-]."""
            vm.send("vmctl console hello")
            vm.wait_for(r"\[attached to hello \(domain \d+\); Ctrl-\] detaches\]", 30)
            vm.wait_for(r"tick \d+", 30)
            vm.proc.stdin.write(b"keel-echo-42\r")
            vm.proc.stdin.flush()
            m = vm.wait_for(r"hello: read 'keel-echo-42'", 30)
            vm.proc.stdin.write(CTRL_RBRACKET)
            vm.proc.stdin.flush()
            vm.wait_for(r"\[detached\]", 30)
            vm.wait_for(PROMPT, 30)
            return bool(m), ""

        for cmd in cmds:
            name = f"readme: {cmd}"
            if cmd.startswith("vmctl console "):
                b.check(name, console_session)
                continue
            if cmd.startswith("vmctl block-detach disk"):
                def disk_idles():
                    # As the README says: after 'disk: write ok' in its log.
                    deadline = time.monotonic() + 90
                    while True:
                        st, out = b.run("grep '^disk: write' /var/log/keel/console/disk.log")
                        if st == 0:
                            return "disk: write ok" in out, out.strip()[-200:]
                        if time.monotonic() > deadline:
                            return False, "no 'disk: write' line within 90 s"
                        time.sleep(1)
                b.check("disk_guest_wrote_before_detach", disk_idles)
            if cmd.startswith("ping -c 3 169.254.77.11"):
                def httpd_up():
                    # As the README says: once 'net: eth0 up' is in its log.
                    deadline = time.monotonic() + 120
                    while True:
                        st, out = b.run("grep '^net: eth0 up' "
                                        "/var/log/keel/console/httpd.log")
                        if st == 0:
                            return "169.254.77.11" in out, out.strip()[-200:]
                        if time.monotonic() > deadline:
                            return False, "no 'net: eth0 up' line within 120 s"
                        time.sleep(1)
                b.check("httpd_guest_up_before_ping", httpd_up)
            if cmd == "vmctl destroy hello":
                def paused_shutdown():
                    b.run("vmctl pause hello")
                    st, out = b.run("vmctl shutdown hello --wait 5", 30)
                    return (st == 1 and "'hello' (id" in out and "is paused" in out,
                            f"status {st}: {out.strip()!r}")
                # destroy, next in the README, takes the paused guest away.
                b.check("shutdown_of_paused_guest_says_paused", paused_shutdown)
            if cmd == "poweroff":
                def hello_log():
                    st, out = b.run(f"cat {LOG}", 30)
                    starts = re.split(r"^==== \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: "
                                      r"hello \(domain \d+\) started ====$", out, flags=re.M)
                    runs = starts[1:]
                    counts = [r.count("balloon: 4096 KiB") for r in runs]
                    return (st == 0 and len(runs) >= 2 and all(c == 1 for c in counts),
                            f"{len(runs)} dated start lines, 'balloon: 4096 KiB' "
                            f"per start: {counts}")
                b.check("console_log_dated_starts_balloon_once", hello_log)

                def powers_off():
                    vm.send(cmd)
                    return vm.wait_exit(90), "QEMU still running 90 s after poweroff"
                b.check(name, powers_off)
                continue
            if cmd == "vmctl mem-set hello 6M":
                def mem_set():
                    st, out = b.run(cmd, 60)
                    return (st == 0 and re.search(r"hello \(id \d+\): memory 6144 KiB", out),
                            f"status {st}: {out.strip()[-300:]!r}")
                b.check(name, mem_set)
                continue

            def line(cmd=cmd):
                st, out = b.run(cmd, 120)
                return st == 0, f"status {st}: {out.strip()[-400:]!r}"
            b.check(name, line)
    except QemuError as e:
        s.verdict(False, "readme_boot", str(e), vm)
    finally:
        vm.stop()
    print(f"readme tests: {s.passed} passed, {s.failed} failed")
    return 1 if s.failed or not s.passed else 0


if __name__ == "__main__":
    sys.exit(main())
