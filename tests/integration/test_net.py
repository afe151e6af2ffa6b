#!/usr/bin/env python3
"""Network devices, dom0's side (issue 9): keel-netback, the bridge, the
toolstack's vif lines and commands, and the hostile frontend, in one boot.

Prints one "PASS: name" or "FAIL: name: why" line per check and a summary;
exits non-zero on any FAIL.  The machine: 2048 MiB, -smp 2, dom0_mem=512M,
keel.noguest, single-threaded TCG, no NIC (-nic none).

  keelbr0 is up with 169.254.77.1/24, udhcpd and keel-netback run;
  bad vif lines are refused with FILE:LINE: vif: and create nothing;
  network-attach / network-list (text and JSON) / network-detach on a
  running guest: its tap vif<domid>.0 comes and goes in keelbr0;
  a guest's vif lines give it taps; destroy removes taps and store keys;
  guests/nethostile beside another nethostile that holds its vif 0
  connected: every hostile case gets its answer (its PASS lines), each is
  counted by reason in network-list, frames dom0 sends a guest that never
  posts buffers are dropped as rx-no-buffer, the neighbour's vif stays
  Connected, keel-netback stays up;
  a netfront guest (guests/httpd, ip= from its vif line) answers ping,
  and keeps answering while nethostile runs beside it;
  kill -9 of keel-netback: keel-supervise starts it again, it makes the
  taps again, offers the vifs again (InitWait), the netfront guest
  reconnects on fresh rings and answers ping again.
Traffic through a real stack (ping, wget, two guests) is
tests/integration/test_net_traffic.py's.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import ACCEL_SINGLE, Qemu  # noqa: E402
from test_boot import BOOT_TIMEOUT, Boot, Suite, wait_boot, PROMPT  # noqa: E402

LOG = "/var/log/keel/console"
GUEST_BOUND = 240


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

    def wait(self, what, fn, bound):
        """Polls fn() (true when done) once a second, at most bound s."""
        deadline = time.monotonic() + bound
        while not fn():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not after {bound} s")
            time.sleep(1)

    def domid(self, name):
        out = self.must("vmctl list")
        for line in out.splitlines():
            f = line.split()
            if len(f) > 1 and f[1] == name:
                return int(f[0])
        raise AssertionError(f"no domain {name} in {out!r}")

    def vifs(self, name):
        return json.loads(self.must(f"vmctl network-list {name} --json"))

    def netback_pid(self):
        st, out = self.run("cat /run/keel-netback.pid")
        return int(out.split()[0]) if st == 0 and out.split() else None

    def has_link(self, dev):
        st, _ = self.run(f"test -d /sys/class/net/{dev}/brport")
        return st == 0

    def wait_log(self, name, pattern, bound=GUEST_BOUND):
        self.wait(f"/{pattern}/ in {name}'s console log",
                  lambda: self.run(f"grep -Eq '{pattern}' {LOG}/{name}.log", 20)[0] == 0,
                  bound)

    def hostile_cfg(self, name, cmdline):
        self.must(f"sed -e 's/^name = .*/name = \"{name}\"/' "
                  f"-e 's/^cmdline = .*/cmdline = \"{cmdline}\"/' "
                  f"-e 's/00:16:3e:4e:00:5/00:16:3e:4f:00:5/g' "
                  f"-e 's/169.254.77.50/169.254.77.52/' "
                  f"guests/nethostile.cfg > /tmp/{name}.cfg")
        return f"/tmp/{name}.cfg"


BAD_VIFS = [
    ("mac=zz:16:3e:00:00:01", r"vif: mac: 'zz:16:3e:00:00:01' is not"),
    ("mac=01:16:3e:00:00:01", r"vif: mac: .* multicast"),
    ("mac=00:16:3e:00:00:01, mac=00:16:3e:00:00:02", r"vif: mac given twice"),
    ("colour=blue", r"vif: unknown key 'colour'"),
    ("ip=169.254.300.1", r"vif: ip: '169.254.300.1' is not an IPv4 address"),
    ("rate=fast", r"vif: rate: expected RATE/s"),
    ("bridge=a-bridge-name-too-long", r"vif: bridge: .* is not an interface name"),
    ("ip=169.254.77.11,,rate=1Mb/s", r"vif: empty item"),
]


def main():
    s = Suite()
    vm = Qemu("net", mem=2048, smp=2, hv_args="dom0_mem=512M",
              dom0_args="keel.noguest", accel=ACCEL_SINGLE)
    b = Boot(s, vm)
    k = Net(b)
    try:
        vm.start()
        k.check("dom0_shell_prompt",
                lambda: (bool(wait_boot(vm, PROMPT, BOOT_TIMEOUT)), ""))
        if b.broken:
            return s
        k.must("cd /root")

        def bridge():
            out = k.must("ip -4 addr show dev keelbr0; ls /sys/class/net/keelbr0/bridge"
                         " >/dev/null && echo is-a-bridge")
            return ("inet 169.254.77.1/24" in out and "is-a-bridge" in out
                    and ",UP," in out), out[-400:]
        k.check("bridge_keelbr0_up_with_address", bridge)

        def daemons():
            out = k.must("keel-supervise status keel-udhcpd keel-netback; "
                         "grep -c . /etc/udhcpd.conf; ps")
            return ("keel-udhcpd running" in out and "keel-netback running" in out
                    and "udhcpd -f /etc/udhcpd.conf" in out), out[-600:]
        k.check("udhcpd_and_netback_running", daemons)

        def bad_lines():
            bad = []
            for i, (spec, want) in enumerate(BAD_VIFS):
                k.must(f"sed -e 's/^name = .*/name = \"badvif{i}\"/' "
                       f"-e '/^vif = /,/]$/d' guests/nethostile.cfg > /tmp/badvif{i}.cfg && "
                       f"printf 'vif = [ \"{spec}\" ]\\n' >> /tmp/badvif{i}.cfg")
                st, out = k.run(f"vmctl create /tmp/badvif{i}.cfg; echo rc=$?", 60)
                line = k.must(f"grep -n '^vif' /tmp/badvif{i}.cfg | cut -d: -f1").strip()
                if ("rc=1" not in out or
                        not re.search(rf"/tmp/badvif{i}\.cfg:{line}: {want}", out)):
                    bad.append(f"{spec!r}: {out[-200:]!r}")
            listed = k.must("vmctl list")
            stray = k.run("ls /sys/class/net | grep '^vif'")[1].strip()
            return not bad and "badvif" not in listed and not stray, \
                "; ".join(bad)[-700:] + listed[-200:] + stray
        k.check("bad_vif_lines_refused_nothing_created", bad_lines)

        k.must("sed -e 's/^name = .*/name = \"plain\"/' -e 's/^cap = .*/cap = 5/' "
               "guests/busy.cfg > /tmp/plain.cfg && vmctl create /tmp/plain.cfg", 120)
        plain = k.domid("plain")

        def attach_list_detach():
            out = k.must('vmctl network-attach plain "ip=169.254.77.60, rate=10Mb/s" '
                         "--wait 0")
            tap = f"vif{plain}.0"
            k.wait(f"{tap} in keelbr0", lambda: k.has_link(tap), 30)
            k.wait("backend InitWait",
                   lambda: k.vifs("plain")[0]["backend_state"] == 2, 30)
            text = k.must("vmctl network-list plain")
            v = k.vifs("plain")[0]
            mac = v["mac"]
            ok = (v["index"] == 0 and mac.startswith("00:16:3e:")
                  and v["ip"] == "169.254.77.60" and v["tap"] == tap
                  and v["rate"] == "62500,50000" and v["bridge"] == "keelbr0"
                  and mac in text and tap in text and "InitWait" in text)
            # the same spec again: index 1, another MAC
            k.must('vmctl network-attach plain "" --wait 0')
            two = k.vifs("plain")
            ok = ok and len(two) == 2 and two[1]["mac"] != mac
            k.must(f"vmctl network-detach plain {mac}")
            k.must("vmctl network-detach plain 1")
            k.wait(f"{tap} gone", lambda: not k.has_link(tap), 30)
            gone = k.vifs("plain") == []
            st, err = k.run("vmctl network-detach plain 5")
            # a bridge that does not exist: refused by keel-netback, said so
            st2, err2 = k.run('vmctl network-attach plain "bridge=nobr0" --wait 20', 60)
            k.must("vmctl network-detach plain 0 --force")
            return (ok and gone and st == 1 and "no interface 5" in err
                    and st2 == 1 and "no such bridge" in err2
                    and not k.has_link(tap)), \
                f"{out} {text} {two} {err} {err2}"[-800:]
        k.check("network_attach_list_detach", attach_list_detach)

        def destroy_cleans():
            k.must('vmctl network-attach plain "mac=00:16:3e:00:aa:01" --wait 0')
            tap = f"vif{plain}.0"
            k.wait(f"{tap} in keelbr0", lambda: k.has_link(tap), 30)
            k.must("vmctl destroy plain")
            k.wait(f"{tap} gone", lambda: not k.has_link(tap), 30)
            st, out = k.run(f"xenstore-ls /local/domain/0/backend/vif/{plain}")
            return st != 0, out[-300:]
        k.check("destroy_removes_taps_and_keys", destroy_cleans)

        def neighbour_up():
            k.must(f"rm -f {LOG}/httpd.log; vmctl create guests/httpd.cfg", 120)
            k.wait_log("httpd", r"net: eth0 up 169\.254\.77\.11")
            st, out = k.run("ping -c 5 -W 5 169.254.77.11", 60)
            return st == 0 and " 0% packet loss" in out, out[-300:]
        k.check("netfront_guest_answers_ping", neighbour_up)

        def hostile():
            k.must(f"rm -f {LOG}/nethostile.log {LOG}/holder.log")
            # the well-behaved neighbour is pinged all along
            k.must("(ping -c 40 -i 0.25 -W 10 169.254.77.11 > /tmp/nb-ping.log 2>&1 &)")
            k.must(f"vmctl create {k.hostile_cfg('holder', 'wait-flood')}", 120)
            holder = k.domid("holder")
            k.wait_log("holder", r"waiting for dom0")
            k.must("vmctl create guests/nethostile.cfg", 120)
            hid = k.domid("nethostile")
            k.wait_log("nethostile", r"^nethostile: [0-9]+ passed")
            log = k.must(f"grep -E '^(PASS|FAIL|nethostile:)' {LOG}/nethostile.log")
            # the holder's vif 0 went on; now dom0 sends it what it never reads
            hv = k.vifs("holder")
            k.must("arp -i keelbr0 -s 169.254.77.52 00:16:3e:4f:00:50")
            k.run("ping -c 10 -i 0.2 -s 20000 -W 1 169.254.77.52", 60)
            time.sleep(2)   # keel-stats is written once a second
            k.wait("holder's rx-no-buffer drops counted",
                   lambda: k.vifs("holder")[0]["drops"]["rx-no-buffer"] > 0, 20)
            nv = k.vifs("nethostile")
            d = nv[0]["drops"]
            counted = (d["bad-request"] >= 6 and d["too-many-slots"] >= 1
                       and d["grant-copy"] >= 3 and d["mac-spoof"] >= 1
                       and d["ip-spoof"] >= 1 and d["arp-spoof"] >= 2
                       and d["rx-grant-copy"] >= 1 and nv[0]["rx_packets"] >= 3
                       and nv[0]["tx_packets"] >= 2000)
            errors = ("endless tx chain" in nv[0].get("hotplug_error", "")
                      and "request-rx-copy" in nv[1].get("hotplug_error", "")
                      and "broken tx ring" in nv[2].get("hotplug_error", ""))
            alive = k.netback_pid() is not None
            holder_ok = hv[0]["backend_state"] == 4
            k.wait("the neighbour's pings done",
                   lambda: "packet loss" in k.run("cat /tmp/nb-ping.log")[1], 60)
            ping = k.must("tail -3 /tmp/nb-ping.log")
            neighbour = (" 0% packet loss" in ping
                         and k.vifs("httpd")[0]["backend_state"] == 4)
            k.must(f"xenstore-write /local/domain/{holder}/data/go 1")
            k.wait_log("holder", r"^nethostile: [0-9]+ passed")
            hlog = k.must(f"grep -E '^nethostile:' {LOG}/holder.log")
            k.must("vmctl destroy nethostile; vmctl destroy holder")
            gone = k.run(f"ls /sys/class/net | grep -E '^vif({hid}|{holder})\\.'")[1]
            return (counted and errors and alive and holder_ok and neighbour
                    and re.search(r"nethostile: \d+ passed, 0 failed", log)
                    and re.search(r"nethostile: \d+ passed, 0 failed", hlog)
                    and not gone.strip()), \
                (f"{log[-500:]} holder {hlog} {json.dumps(nv)[:900]} "
                 f"{hv[0]['backend_state']} neighbour: {ping}")
        k.check("hostile_frontend_counted_neighbour_unharmed", hostile)

        def restart():
            k.run("vmctl destroy holder; vmctl destroy nethostile", 60)
            k.must(f"rm -f {LOG}/holder.log")
            k.must(f"vmctl create {k.hostile_cfg('holder', 'wait-flood')}", 120)
            holder = k.domid("holder")
            k.wait_log("holder", r"waiting for dom0")
            tap = f"vif{holder}.0"
            pid = k.netback_pid()
            k.must(f"kill -9 {pid}")
            k.wait("a new keel-netback",
                   lambda: k.netback_pid() not in (None, pid), 30)
            k.wait(f"{tap} back in keelbr0", lambda: k.has_link(tap), 30)
            k.wait("vif 0 offered again (InitWait)",
                   lambda: k.vifs("holder")[0]["backend_state"] == 2, 30)
            log = k.must("tail -20 /var/log/keel-netback.log")
            # the netfront guest made fresh rings and is served again
            k.wait("httpd's vif Connected again",
                   lambda: k.vifs("httpd")[0]["backend_state"] == 4, 60)
            st, ping = k.run("ping -c 5 -W 5 169.254.77.11", 60)
            k.must("vmctl destroy holder; vmctl destroy httpd")
            return ("ring from before" in log and st == 0
                    and " 0% packet loss" in ping), (log + ping)[-800:]
        k.check("kill_9_netback_restarted_guest_reconnects", restart)

        def poweroff():
            vm.send("poweroff")
            return vm.wait_exit(90), "QEMU still running 90 s after poweroff"
        k.check("poweroff_ends_the_machine", poweroff)
    finally:
        vm.stop()
    return s


if __name__ == "__main__":
    suite = main()
    print(f"test_net: {suite.passed} passed, {suite.failed} failed", flush=True)
    sys.exit(1 if suite.failed else 0)
