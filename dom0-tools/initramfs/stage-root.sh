#!/bin/sh
# Stage dom0's root file system: busybox with its applet links, the files in
# rootfs/, keel.ko and the dom0 tools.  Usage: stage-root.sh ROOT TOOLS SKEL
set -eu
root=$1 tools=$2 skel=$3

rm -rf "$root"
mkdir -p "$root"
for d in bin sbin usr/bin usr/sbin lib/modules etc proc sys dev tmp run root var; do
	mkdir -p "$root/$d"
done
cp -a "$skel"/. "$root"/

cp /bin/busybox "$root/bin/busybox"
busybox --list-full | while read -r applet; do
	case "$applet" in
	linuxrc|bin/busybox) continue ;;
	esac
	[ -e "$root/$applet" ] || [ -L "$root/$applet" ] && continue
	mkdir -p "$root/$(dirname "$applet")"
	ln -s /bin/busybox "$root/$applet"
done

# The kernel's built-in initramfs has /dev/console already; add it when we
# can, for kernels without one.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

install -m 0644 "$tools/module/keel.ko" "$root/lib/modules/keel.ko"
install -m 0755 "$tools/bin/vmctl" "$root/usr/sbin/vmctl"
install -m 0755 "$tools/bin/keel-selftest" "$root/usr/bin/keel-selftest"
install -m 0755 "$tools/bin/keel-bench" "$root/usr/bin/keel-bench"
install -m 0755 "$tools/bin/keel-selftest-dom" "$root/usr/bin/keel-selftest-dom"
