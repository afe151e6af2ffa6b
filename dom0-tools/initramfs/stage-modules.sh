#!/bin/sh
# Stage the kernel modules dom0 needs beyond keel.ko -- its data disk
# (virtio_blk) and the file system on it (ext4) -- with every module they
# depend on, from the pinned Debian kernel package, into OUT/lib/modules/KVER
# with a modules.dep for busybox modprobe.
# Usage: stage-modules.sh DEB KVER OUT MODULE...
set -eu
deb=$1 kver=$2 out=$3
shift 3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg -x "$deb" "$tmp/x"
# The package has no modules.dep (its postinst makes it): make one to ask
# modprobe for the load order of each module with its dependencies.
depmod -b "$tmp/x" "$kver"
rm -rf "$out"
mkdir -p "$out/lib/modules/$kver"
for m in "$@"; do
	modprobe -d "$tmp/x" -S "$kver" --show-depends "$m" >"$tmp/deps" ||
		{ echo "stage-modules: $m is not a module of $kver" >&2; exit 1; }
	sed -n 's/^insmod \([^ ]*\).*/\1/p' "$tmp/deps"
done | while read -r ko; do
	rel=${ko#"$tmp/x"}
	[ -e "$out$rel" ] && continue
	mkdir -p "$out$(dirname "$rel")"
	cp "$ko" "$out$rel"
	echo "stage-modules: ${rel#/lib/modules/"$kver"/}"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$tmp/x/lib/modules/$kver/$f" ] && cp "$tmp/x/lib/modules/$kver/$f" "$out/lib/modules/$kver/"
done
depmod -b "$out" "$kver"
