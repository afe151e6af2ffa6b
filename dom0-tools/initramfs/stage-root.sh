#!/bin/sh
# Stage dom0's root file system: busybox with its applet links, the files in
# rootfs/, keel.ko, the dom0 tools, and for the data disk the kernel modules
# staged in MODS (stage-modules.sh) and e2fsprogs' mke2fs and util-linux's
# blkid from this build machine (copy-libs.sh adds their libraries).
# Usage: stage-root.sh ROOT TOOLS SKEL [MODS]
set -eu
root=$1 tools=$2 skel=$3 mods=${4:-}

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

# The data disk (etc/keel/init.d/S05keel-data): modules, blkid to see
# whether the disk is empty, mke2fs to format it the first time.
if [ -n "$mods" ] && [ -d "$mods/lib/modules" ]; then
	cp -a "$mods/lib/modules/." "$root/lib/modules/"
fi
for f in /usr/sbin/mke2fs /usr/sbin/blkid /sbin/mke2fs /sbin/blkid; do
	[ -x "$f" ] || continue
	rm -f "$root/usr/sbin/$(basename "$f")" "$root/sbin/$(basename "$f")"
	install -m 0755 "$f" "$root/usr/sbin/$(basename "$f")"
done
[ -f /etc/mke2fs.conf ] && install -m 0644 /etc/mke2fs.conf "$root/etc/mke2fs.conf"
