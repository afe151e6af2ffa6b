#!/usr/bin/env python3
"""Guest network traffic (issue 9, guest side), in one boot.

Prints one "PASS: name" or "FAIL: name: why" line per check and a summary;
exits non-zero on any FAIL.  The machine: 2048 MiB, -smp 2, dom0_mem=512M,
keel.noguest, single-threaded TCG (event traffic as heavy as block I/O's:
docs/testing.md, "QEMU's multi-threaded TCG").  Guests: guests/httpd and
guests/netecho (lwIP over netfront), their configs with sed edits.

  keel-netback runs and keelbr0 has 169.254.77.1;
  httpd (ip=169.254.77.11) says "net: eth0 up 169.254.77.11";
  a guest with a malformed ip= says so and powers off;
  dom0 pings it: 20 of 20 answered;
  wget fetches / (the page names the domain and its uptime) and a 1 MiB
  /bytes/ body: its size and md5 are the pattern's (byte i = i % 251);
  a netecho guest without ip= gets a DHCP lease in udhcpd's range, and
  echoes TCP for dom0;
  two guests exchange TCP: a netecho with peer= sends 1 MiB to another
  netecho's echo port and checks the echo byte for byte; then 100 UDP
  datagrams, each echoed (busybox nc in dom0 has no UDP);
  kill -9 of keel-netback: a new one within 15 s, the guest says it
  reconnected, and pings work again;
  network-detach: the guest's interface closes and pings stop;
  network-attach: it connects again and pings work;
  destroy while dom0 pulls a TCP stream from the guest: nothing left, the
  pool's free memory is back to its figure.
"""
import hashlib
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import ACCEL_SINGLE, Qemu  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot, PROMPT  # noqa: E402

LOG = "/var/log/keel/console"
GUEST_BOUND = 120          # seconds for a guest to come up under TCG
HTTPD_IP = "169.254.77.11"
ECHO_A_IP = "169.254.77.12"
ECHO_B_IP = "169.254.77.13"
ONE_MIB = 1 << 20


def pattern(n):
    """guests/lwip/net_pattern.h: byte i is i % 251."""
    period = bytes(range(251))
    return (period * (n // 251 + 1))[:n]


class Net:
    def __init__(self, b):
        self.b = b

    def check(self, name, fn):
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

    def create(self, name, prog, cmdline, vif):
        """/tmp/NAME.cfg from guests/PROG.cfg with this name, command line
        and vif line (None: no vif line); then vmctl create."""
        vif_sed = (f"-e 's|^vif = .*|vif = [ \"{vif}\" ]|' " if vif is not None
                   else "-e '/^vif = /d' ")
        self.must(f"sed -e 's/^name = .*/name = \"{name}\"/' "
                  f"-e 's/^cmdline = .*/cmdline = \"{cmdline}\"/' {vif_sed}"
                  f"guests/{prog}.cfg > /tmp/{name}.cfg")
        self.must(f"rm -f {LOG}/{name}.log; vmctl create /tmp/{name}.cfg", 120)

    def wait_log(self, name, regex, bound=GUEST_BOUND):
        """Waits (bounded) for an egrep pattern in NAME's console log;
        returns (found, the matching line or the log's tail)."""
        deadline = time.monotonic() + bound
        while True:
            st, out = self.run(f"grep -E '{regex}' {LOG}/{name}.log | tail -1", 20)
            if st == 0 and out.strip():
                return True, out.strip()
            if time.monotonic() > deadline:
                _, tail = self.run(f"tail -8 {LOG}/{name}.log; "
                                   "tail -4 /var/log/keel-netback.log", 20)
                return False, f"no /{regex}/ after {bound}s: {tail[-700:]!r}"
            time.sleep(1)

    def ping(self, ip, count, deadline_s=None):
        """busybox ping: (received, transmitted, output)."""
        w = f"-w {deadline_s} " if deadline_s else ""
        _, out = self.run(f"ping -c {count} {w}-W 2 {ip}", count * 3 + 30)
        m = re.search(r"(\d+) packets transmitted, (\d+) packets received", out)
        if not m:
            return 0, 0, out
        return int(m.group(2)), int(m.group(1)), out

    def ping_until(self, ip, bound):
        """Pings once a second until one is answered: True, or False
        after bound seconds."""
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            st, _ = self.run(f"ping -c 1 -W 2 {ip} >/dev/null", 20)
            if st == 0:
                return True
            time.sleep(1)
        return False

    def free_memory(self):
        return json.loads(self.must("vmctl info --json"))["free_memory"]

    def settled_free_memory(self, bound=30):
        deadline = time.monotonic() + bound
        last = self.free_memory()
        while time.monotonic() < deadline:
            time.sleep(1)
            now = self.free_memory()
            if now == last:
                return now
            last = now
        raise AssertionError(f"free memory still changing after {bound}s")

    def netback_pid(self):
        st, out = self.run("pidof keel-netback")
        return out.split()[0] if st == 0 and out.split() else None


def traffic_checks(s, b, n):
    def bridge():
        pid = n.netback_pid()
        st, out = n.run("ip -4 addr show keelbr0")
        return pid is not None and "169.254.77.1/24" in out, f"pid {pid}: {out}"
    n.check("netback_and_bridge_up", bridge)

    def httpd_up():
        n.create("web", "httpd", f"ip={HTTPD_IP}", f"bridge=keelbr0, ip={HTTPD_IP}")
        ok, line = n.wait_log("web", rf"^net: eth0 up {HTTPD_IP}$")
        if not ok:
            return False, line
        return n.wait_log("web", r"^httpd: serving")
    n.check("httpd_guest_has_its_address", httpd_up)

    def bad_ip_refused():
        n.create("badip", "httpd", "ip=999.1.2.3", None)
        ok, line = n.wait_log("badip", r"^net: ip= is not an IPv4 address", 60)
        if not ok:
            return False, line
        ok, why = n.wait_log("badip", r"^guest_main returned -22: powering off", 30)
        deadline = time.monotonic() + 30
        while " badip " in n.must("vmctl list") and time.monotonic() < deadline:
            time.sleep(1)
        listed = n.must("vmctl list")
        return ok and " badip " not in listed, why or listed[-200:]
    n.check("bad_ip_on_cmdline_refused_clearly", bad_ip_refused)

    def ping20():
        got, sent, out = n.ping(HTTPD_IP, 20)
        return got == 20 and sent == 20 and " 0% packet loss" in out, out[-300:]
    n.check("dom0_pings_guest_20_of_20", ping20)

    def page():
        out = n.must(f"wget -q -O - http://{HTTPD_IP}/", 60)
        return ("Keel guest web" in out and re.search(r"uptime \d+\.\d{3} s", out)
                is not None), out[-400:]
    n.check("wget_page_names_domain_and_uptime", page)

    def one_mib():
        n.must(f"rm -f /tmp/b; wget -q -O /tmp/b http://{HTTPD_IP}/bytes/{ONE_MIB}", 300)
        size = n.must("wc -c < /tmp/b").strip()
        md5 = n.must("md5sum /tmp/b").split()[0]
        want = hashlib.md5(pattern(ONE_MIB)).hexdigest()
        return size == str(ONE_MIB) and md5 == want, f"size {size}, md5 {md5} (want {want})"
    n.check("wget_1mib_body_intact", one_mib)

    def not_found():
        st, out = n.run(f"wget -q -O - http://{HTTPD_IP}/nope; echo rc=$?", 60)
        return "rc=0" not in out and "404" in out + n.must(f"tail -3 {LOG}/web.log"), out
    n.check("unknown_path_is_404", not_found)

    def dhcp_and_echo():
        n.create("echoa", "netecho", "", "bridge=keelbr0")
        ok, line = n.wait_log("echoa", r"^net: eth0 up 169\.254\.77\.")
        if not ok:
            return False, line
        m = re.search(r"up (169\.254\.77\.(\d+))", line)
        ip, last = m.group(1), int(m.group(2))
        if not 100 <= last <= 200:
            return False, f"lease {ip} outside udhcpd's range: {line}"
        ok, why = n.wait_log("echoa", r"^netecho: .*udp echo 7")
        if not ok:
            return False, why
        # busybox nc has no UDP: the guests check UDP echo between them
        tcp = n.must(f"echo tcp-hello | nc -w 3 {ip} 7", 30)
        return "tcp-hello" in tcp, f"{ip}: tcp {tcp!r}"
    n.check("dhcp_lease_and_tcp_echo", dhcp_and_echo)

    def guest_to_guest():
        n.create("echob", "netecho", f"ip={ECHO_A_IP}", f"bridge=keelbr0, ip={ECHO_A_IP}")
        ok, why = n.wait_log("echob", rf"^net: eth0 up {ECHO_A_IP}$")
        if not ok:
            return False, why
        n.create("echoc", "netecho", f"ip={ECHO_B_IP} peer={ECHO_A_IP}",
                 f"bridge=keelbr0, ip={ECHO_B_IP}")
        ok, line = n.wait_log("echoc", rf"^netecho: peer {ECHO_A_IP}: (PASS|FAIL)", 240)
        return ok and f"PASS {ONE_MIB} bytes" in line, line
    n.check("two_guests_exchange_tcp", guest_to_guest)

    def guest_to_guest_udp():
        ok, line = n.wait_log("echoc", rf"^netecho: peer {ECHO_A_IP}: udp (PASS|FAIL)", 120)
        n.run("vmctl destroy echoc; vmctl destroy echob", 60)
        return ok and "udp PASS 100 datagrams" in line, line
    n.check("two_guests_exchange_udp", guest_to_guest_udp)

    def netback_restart():
        old = n.netback_pid()
        if not old:
            return False, "no keel-netback"
        n.must(f"kill -9 {old}")
        deadline = time.monotonic() + 15
        new = None
        while time.monotonic() < deadline:
            new = n.netback_pid()
            if new and new != old:
                break
            time.sleep(0.5)
        if not new or new == old:
            return False, f"keel-netback not restarted within 15 s (old {old}, now {new})"
        ok, why = n.wait_log("web", r"^netfront: vif0: connected.*\(reconnected\)", 60)
        if not ok:
            return False, why
        if not n.ping_until(HTTPD_IP, 60):
            return False, "no ping answered within 60 s of the reconnect"
        got, sent, out = n.ping(HTTPD_IP, 5)
        return got == 5, out[-300:]
    n.check("netback_killed_restarted_guest_reconnects", netback_restart)

    def detach_attach():
        n.must("vmctl network-detach web 0", 60)
        ok, why = n.wait_log("web", r"^netfront: vif0: closed", 30)
        if not ok:
            return False, why
        got, _, out = n.ping(HTTPD_IP, 3)
        if got:
            return False, f"pings answered after detach: {out[-200:]}"
        n.must(f"vmctl network-attach web 'bridge=keelbr0, ip={HTTPD_IP}' --wait 60", 90)
        if not n.ping_until(HTTPD_IP, 60):
            _, tail = n.run(f"tail -5 {LOG}/web.log")
            return False, f"no ping after re-attach: {tail[-400:]!r}"
        out = n.must(f"wget -q -O - http://{HTTPD_IP}/", 60)
        return "Keel guest web" in out, out[-200:]
    n.check("detach_then_reattach", detach_attach)

    def destroy_with_traffic():
        n.run("vmctl destroy echoa", 60)
        free0 = n.settled_free_memory()
        n.create("flow", "netecho", f"ip={ECHO_A_IP}", f"bridge=keelbr0, ip={ECHO_A_IP}")
        ok, why = n.wait_log("flow", r"^netecho: .*udp echo 7")
        if not ok:
            return False, why
        n.must(f"(nc {ECHO_A_IP} 19 > /dev/null 2>&1 &); (ping -q -c 1000 -i 0.01 "
               f"{ECHO_A_IP} > /dev/null 2>&1 &)")
        time.sleep(3)   # let the stream run: it is the destroy's load
        st, out = n.run("cat /sys/class/net/vif*/statistics/rx_bytes", 20)
        n.must("vmctl destroy flow", 60)
        listed = n.must("vmctl list")
        free1 = n.settled_free_memory()
        n.run("killall -q nc ping; true")
        return (" flow " not in listed and free1 >= free0,
                f"free before {free0}, after {free1}; taps rx {out.split()}; {listed[-200:]}")
    n.check("destroy_with_traffic_returns_memory", destroy_with_traffic)


def main():
    s = Suite()
    vm = Qemu("net_traffic", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest", accel=ACCEL_SINGLE)
    b = Boot(s, vm)
    n = Net(b)
    try:
        vm.start()
        n.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))
        if not b.broken:
            n.must("cd /root")
            traffic_checks(s, b, n)

            def poweroff():
                vm.send("poweroff")
                return vm.wait_exit(90), "QEMU still running 90 s after poweroff"
            n.check("poweroff_ends_the_machine", poweroff)
    finally:
        vm.stop()
    print(f"test_net_traffic: {s.passed} passed, {s.failed} failed", flush=True)
    return s


if __name__ == "__main__":
    sys.exit(1 if main().failed else 0)
