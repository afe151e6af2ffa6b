#!/bin/sh
# Boot the Keel ISO in QEMU with the serial console on this terminal.
# Usage: [DATA_IMG=FILE] mk/run-qemu.sh ISO MEM SMP "HV_ARGS" [bare]
#   HV_ARGS is appended to the hypervisor's command line (dom0_mem=768M ...);
#   a fifth argument "bare" boots the same dom0 kernel without the hypervisor;
#   $DOM0_ARGS, if set, is appended to dom0's kernel command line.
# GRUB reads both from SMBIOS strings (see dom0-tools/initramfs/grub.cfg), so
# neither needs a rebuilt ISO.  The hypervisor's debug console (port 0xE9)
# goes to hv-debug.log beside the ISO.  For scripted, non-interactive boots
# use tests/integration/qemu.py instead.  $KEEL_QEMU_ACCEL, if set, replaces
# QEMU's -accel tcg (e.g. tcg,thread=single; see docs/testing.md).
# $DATA_IMG, if set, is dom0's data disk: a raw image attached as a virtio
# disk with the serial keel-data, which dom0 mounts at /var/lib/keel
# (docs/dom0.md); $DATA_CACHE is its QEMU cache mode (default writeback).
set -eu
iso=${1:?usage: run-qemu.sh ISO MEM SMP HV_ARGS [bare]}
mem=${2:-2048}
smp=${3:-2}
hv_args=${4:-}
entry=${5:-keel}
qemu=${QEMU:-qemu-system-x86_64}
accel=${KEEL_QEMU_ACCEL:-tcg}

[ -f "$iso" ] || { echo "run-qemu: $iso not found: run 'make iso'" >&2; exit 1; }
debuglog=$(dirname "$iso")/hv-debug.log

if [ "$entry" = bare ]; then
	smbios="type=1,product=keel-bare"
else
	smbios="type=1,product=keel"
	# QEMU's option syntax escapes a comma by doubling it.
	[ -n "$hv_args" ] && smbios="$smbios,sku=$(printf '%s' "$hv_args" | sed 's/,/,,/g')"
fi

[ -n "${DOM0_ARGS:-}" ] && smbios="$smbios,family=$(printf '%s' "$DOM0_ARGS" | sed 's/,/,,/g')"

# dom0's data disk; the set -- keeps a path with blanks one argument.
set --
data_msg="no data disk"
if [ -n "${DATA_IMG:-}" ]; then
	[ -f "$DATA_IMG" ] || { echo "run-qemu: $DATA_IMG not found (make creates it; DATA_IMG= boots without)" >&2; exit 1; }
	file=$(printf '%s' "$DATA_IMG" | sed 's/,/,,/g')
	set -- -drive "file=$file,if=none,id=keeldata,format=raw,cache=${DATA_CACHE:-writeback}" \
		-device virtio-blk-pci,drive=keeldata,serial=keel-data
	data_msg="data disk $DATA_IMG"
fi

echo "run-qemu: $entry, ${mem} MiB, $smp CPUs, -accel $accel${hv_args:+, hypervisor args: $hv_args}, $data_msg; Ctrl-a x quits QEMU, Ctrl-a c toggles its monitor; hypervisor debug log: $debuglog"
exec "$qemu" -machine pc -cpu max -accel "$accel" -smp "$smp" -m "$mem" -nographic \
	-cdrom "$iso" -boot d \
	-debugcon "file:$debuglog" -global isa-debugcon.iobase=0xe9 \
	-smbios "$smbios" "$@"
