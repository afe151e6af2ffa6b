#!/bin/sh
# Fetch and unpack lwIP, the guests' TCP/IP stack, from Debian's source
# package at the pinned version (docs/network.md, "Guest side").
#
# Usage: mk/lwip.sh OUTDIR VERSION
#   OUTDIR/src/      the unpacked source tree (lwip-<upstream>/)
#   OUTDIR/.stamp-VERSION  written once the tree is complete
#
# The deb-src entries are derived from the machine's own apt sources
# (/etc/apt/sources.list.d/*.sources and /etc/apt/sources.list: the same
# archives with Types: deb-src) into a private apt state under OUTDIR, so
# the machine's apt configuration is left as it is and no host name is
# written here.  Needs dpkg-dev (dpkg-source), installed by mk/deps.sh.
# Idempotent: a present stamp makes it exit at once.
set -eu
out=${1:?usage: lwip.sh OUTDIR VERSION}
ver=${2:?usage: lwip.sh OUTDIR VERSION}
stamp="$out/.stamp-$ver"
[ -f "$stamp" ] && exit 0

mkdir -p "$out"
out=$(cd "$out" && pwd)
apt="$out/apt"
rm -rf "$apt" "$out/src"
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$out/src"

# deb822 files: every stanza whose Types has "deb" gets Types: deb-src.
# Stanzas of disabled files (not ending in .sources) are not read.
n=0
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	sed -e 's/^Types:.*/Types: deb-src/' "$f" > "$apt/sources.list.d/src$n.sources"
done
# One-line style: "deb URI SUITE COMPONENTS" -> "deb-src ...".
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	sed -n -e 's/^deb \(.*\)/deb-src \1/p' "$f" > "$apt/sources.list.d/src$n.list"
done
if [ "$n" = 0 ]; then
	echo "lwip.sh: no apt sources found under /etc/apt to derive deb-src entries from" >&2
	exit 1
fi

aptopt="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/sources.list.d
 -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache
 -o Dir::State::Status=/var/lib/dpkg/status -o APT::Sandbox::User=root"

echo "lwip: fetching Debian source package lwip=$ver" >&2
# shellcheck disable=SC2086
apt-get $aptopt -qq update 2>"$apt/update.err" || {
	cat "$apt/update.err" >&2
	echo "lwip.sh: apt-get update (deb-src) failed" >&2
	exit 1
}
# Sources that failed to update (other archives) only warn; lwip must be found.
# shellcheck disable=SC2086
( cd "$out/src" && apt-get $aptopt -qq --download-only source "lwip=$ver" ) || {
	echo "lwip.sh: apt-get source lwip=$ver failed (is the version still in the archive?" >&2
	echo "lwip.sh: 'apt-cache showsrc lwip' with deb-src entries lists what there is)" >&2
	exit 1
}
dsc=$(ls "$out/src"/lwip_*.dsc | head -n 1)
# apt-get checked every file's hash against the archive's signed index;
# --no-check only skips the uploader's own signature on the .dsc, whose
# key is not in the machine's keyrings.
( cd "$out/src" && dpkg-source --no-check -x "$(basename "$dsc")" lwip >/dev/null )
if [ ! -f "$out/src/lwip/src/core/tcp.c" ]; then
	echo "lwip.sh: $dsc did not unpack to a tree with src/core/tcp.c" >&2
	exit 1
fi
touch "$stamp"
echo "lwip: unpacked in $out/src/lwip" >&2
