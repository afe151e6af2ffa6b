#!/usr/bin/env python3
"""Send malformed messages to the store at argv[1]; exit 0 if each gets the
expected error reply or disconnect (and nothing else happens), else print
what differed and exit 1.  No bare assert: those vanish under python3 -O."""
import os
import socket
import struct
import sys

HDR = struct.Struct("=IIII")
ERROR = 16


def expect(ok, what):
    """Fail the run (exit 1) with what, unless ok."""
    if not ok:
        print(f"malformed.py: {what}", file=sys.stderr)
        sys.exit(1)


def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return buf
        buf += chunk
    return buf


def reply(s):
    h = recv_exact(s, HDR.size)
    if len(h) < HDR.size:
        return None
    t, rid, tx, ln = HDR.unpack(h)
    return t, rid, tx, recv_exact(s, ln)


def expect_error(s, typ, rid, payload, name):
    s.sendall(HDR.pack(typ, rid, 0, len(payload)) + payload)
    r = reply(s)
    want = (ERROR, rid, 0, name.encode() + b"\0")
    expect(r == want, f"type {typ}: reply {r}, expected {want}")


def main(path):
    s = conn(path)
    expect_error(s, 2, 1, b"/abc", "EINVAL")          # no terminator
    expect_error(s, 999, 2, b"/\0", "ENOSYS")         # unknown type (Xen)
    expect_error(s, 15, 3, b"/\0t\0", "ENOSYS")       # event as request
    expect_error(s, 2, 4, b"", "EINVAL")              # empty READ
    expect_error(s, 4, 5, b"/only\0", "EINVAL")       # WATCH, no token
    expect_error(s, 2, 6, b"/a//b\0", "EINVAL")       # bad path
    expect_error(s, 7, 7, b"T\0", "ENOENT")           # no transaction 0
    # the connection still works after errors
    s.sendall(HDR.pack(10, 8, 0, 2) + b"3\0")
    r = reply(s)
    expect(r == (10, 8, 0, b"/local/domain/3\0"), f"GET_DOMAIN_PATH after errors: {r}")
    # an impossible length: the daemon hangs up on this client only
    s.sendall(HDR.pack(2, 9, 0, 100000))
    r = recv_exact(s, 1)
    expect(r == b"", f"an impossible length got {r!r}, not a hang-up")
    # random bytes on another connection
    g = conn(path)
    try:
        g.sendall(os.urandom(65536))
    except (BrokenPipeError, ConnectionResetError):
        pass
    g.close()
    # the store still answers
    t = conn(path)
    t.sendall(HDR.pack(2, 10, 0, 2) + b"/\0")
    r = reply(t)
    expect(r is not None and r[0] == 2 and r[1] == 10, f"READ / afterwards: {r}")
    print("malformed input handled")


if __name__ == "__main__":
    main(sys.argv[1])
