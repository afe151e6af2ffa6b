#!/bin/sh
# Copy the shared libraries (and the dynamic loader) that the ELF programs
# under ROOT need, at the paths ldd resolves them to on this build machine.
# Usage: copy-libs.sh ROOT
set -eu
root=$1
find "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" -type f 2>/dev/null |
while read -r f; do
	head -c 4 "$f" | grep -q 'ELF' || continue
	# Static programs (busybox) make ldd fail: nothing to copy.
	ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
done | sort -u | while read -r lib; do
	[ -e "$root$lib" ] && continue
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
