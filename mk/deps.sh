#!/bin/sh
# Install the Debian packages the build, `make run` and `make check` need.
# Idempotent: when everything is present it only runs dpkg-query and exits.
# Usage: mk/deps.sh DOM0_KVER
set -eu
kver=${1:?usage: deps.sh DOM0_KVER}

pkgs="build-essential clang libclang-rt-14-dev lld llvm python3 qemu-system-x86 qemu-utils
grub-pc-bin grub-common xorriso mtools busybox-static cpio kmod pkg-config
libtdb-dev tdb-tools libyajl-dev check libsubunit-dev xenstore-utils xen-utils-4.17 e2fsprogs
util-linux dpkg-dev libsodium-dev socat zlib1g-dev
linux-headers-$kver"

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "deps: installing:$missing" >&2
$SUDO apt-get update -qq
if ! apt-cache show "linux-headers-$kver" >/dev/null 2>&1; then
	echo "deps: linux-headers-$kver is no longer in Debian's archive;" >&2
	echo "deps: set DOM0_KVER in mk/config.mk to the NN that linux-headers-amd64 depends on:" >&2
	apt-cache depends linux-headers-amd64 2>/dev/null | sed -n 's/.*Depends: linux-headers-/  /p' >&2
	exit 1
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
