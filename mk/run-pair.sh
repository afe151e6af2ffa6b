#!/bin/sh
# Boot two Keel hosts, A and B, from the same ISO, linked for migration
# (docs/migration.md, "Two hosts").  Host A's serial console is this
# terminal (as with `make run`); host B's is the Unix socket
# $DIR/hostb.sock (`make console-b` attaches to it; everything B prints
# is also appended to $DIR/hostb.serial.log).  Leaving A's console
# (Ctrl-a x) or its poweroff stops B too.
#
# Usage: mk/run-pair.sh ISO MEM SMP "HV_ARGS" DIR
#   DIR (build/run-pair) holds the per-pair files: the migration key, the
#   shared image directory (shared/), each host's data disk (a-data.img,
#   b-data.img, made sparse on first use; PAIR_DATA_SIZE, default 2G;
#   PAIR_DATA=0 boots without them) and the debug logs.
#
# What links the hosts (all of it on this machine only):
#   - a NIC each (virtio-net), joined by QEMU's socket network over UDP on
#     127.0.0.1 (two free ports picked here); the dom0s put 169.254.99.1
#     (A) and 169.254.99.2 (B) on it: dom0's kernel command line carries
#     keel.migration=ADDR and keel.migration_mac=MAC, read by
#     /etc/keel/init.d/S06keel-migration.
#   - the shared key, 32 random bytes in hex, made afresh for every run
#     (not in the ISO): handed to both dom0s by QEMU's fw_cfg as
#     opt/keel/migration.key; dom0 copies it to /etc/keel/migration.key.
#   - the shared directory DIR/shared, by virtio-9p (mount tag keelshared),
#     mounted in each dom0 at /var/lib/keel/shared.
# $DOM0_ARGS is appended to both dom0s' command lines; $KEEL_QEMU_ACCEL as
# in run-qemu.sh.
set -eu
iso=${1:?usage: run-pair.sh ISO MEM SMP HV_ARGS DIR}
mem=${2:-2048}
smp=${3:-2}
hv_args=${4:-}
dir=${5:?usage: run-pair.sh ISO MEM SMP HV_ARGS DIR}
qemu=${QEMU:-qemu-system-x86_64}
accel=${KEEL_QEMU_ACCEL:-tcg}

[ -f "$iso" ] || { echo "run-pair: $iso not found: run 'make iso'" >&2; exit 1; }
mkdir -p "$dir/shared"
dir=$(cd "$dir" && pwd)
sock=$dir/hostb.sock

# A fresh key per run, readable only by us: 32 bytes from the kernel's
# generator, as 64 hex digits.
key=$dir/migration.key
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$key.tmp" && echo >>"$key.tmp")
mv "$key.tmp" "$key"

# Two free UDP ports on 127.0.0.1, one per end of the link.
ports=$(python3 -c '
import socket
s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
port_a=${ports% *}
port_b=${ports#* }

esc() { printf '%s' "$1" | sed 's/,/,,/g'; }

# The QEMU arguments of one host, ONE PER LINE (the callers split on
# newlines only, so the command-line strings keep their blanks).
#   $1 host letter (a, b)  $2 dom0 address  $3 MAC  $4 own port  $5 peer's
host_args() {
	h=$1 addr=$2 mac=$3 lport=$4 rport=$5
	smbios="type=1,product=keel"
	[ -n "$hv_args" ] && smbios="$smbios,sku=$(esc "$hv_args")"
	d0="keel.migration=$addr keel.migration_mac=$mac${DOM0_ARGS:+ $DOM0_ARGS}"
	smbios="$smbios,family=$(esc "$d0")"
	printf '%s\n' -machine pc -cpu max -accel "$accel" -smp "$smp" -m "$mem" \
		-cdrom "$iso" -boot d \
		-debugcon "file:$(esc "$dir/host$h-debug.log")" -global isa-debugcon.iobase=0xe9 \
		-smbios "$smbios" \
		-netdev "socket,id=mig,udp=127.0.0.1:$rport,localaddr=127.0.0.1:$lport" \
		-device "virtio-net-pci,netdev=mig,mac=$mac" \
		-fw_cfg "name=opt/keel/migration.key,file=$(esc "$key")" \
		-fsdev "local,id=keelshared,path=$(esc "$dir/shared"),security_model=none" \
		-device virtio-9p-pci,fsdev=keelshared,mount_tag=keelshared
	if [ "${PAIR_DATA:-1}" != 0 ]; then
		img=$dir/$h-data.img
		[ -f "$img" ] || truncate -s "${PAIR_DATA_SIZE:-2G}" "$img"
		printf '%s\n' -drive "file=$(esc "$img"),if=none,id=keeldata,format=raw,cache=writeback" \
			-device virtio-blk-pci,drive=keeldata,serial=keel-data
	fi
}

# Paths with a newline would break the one-per-line lists.
case "$dir$iso" in
*"
"*) echo "run-pair: paths with a newline are not supported" >&2; exit 1 ;;
esac
nl='
'
IFS=$nl
set -f

rm -f "$sock"
# shellcheck disable=SC2046
"$qemu" $(host_args b 169.254.99.2 52:54:00:6b:6d:02 "$port_b" "$port_a") \
	-display none -monitor none \
	-chardev "socket,id=ser0,path=$sock,server=on,wait=off,logfile=$dir/hostb.serial.log,logappend=on" \
	-serial chardev:ser0 -pidfile "$dir/hostb.pid" </dev/null >"$dir/hostb.qemu.log" 2>&1 &
pid_b=$!
stop_b() {
	kill "$pid_b" 2>/dev/null && wait "$pid_b" 2>/dev/null
	rm -f "$sock" "$dir/hostb.pid"
}
trap stop_b EXIT
trap 'exit 130' INT TERM HUP

echo "run-pair: host A on this terminal (Ctrl-a x quits both), host B (pid $pid_b) on $sock: 'make console-b' attaches"
echo "run-pair: link 169.254.99.1 <-> 169.254.99.2 (UDP 127.0.0.1:$port_a <-> :$port_b); shared directory $dir/shared; key $key"
# shellcheck disable=SC2046
rc=0
"$qemu" $(host_args a 169.254.99.1 52:54:00:6b:6d:01 "$port_a" "$port_b") -nographic || rc=$?
echo "run-pair: host A ended; stopping host B"
exit $rc
