# Project-wide pins and defaults. This is the one place that names the Debian
# kernel used for dom0 and the headers its module is built against.

# Debian 12 kernel ABI for dom0: linux-image-$(DOM0_KVER)-unsigned and
# linux-headers-$(DOM0_KVER) must be the same NN.  When Debian's archive moves
# on and drops this NN, bump it here (mk/deps.sh says so when it happens).
DOM0_KVER ?= 6.1.0-56-amd64

# lwIP, the guests' TCP/IP stack: Debian's source package at this version,
# fetched and unpacked into $(BUILD)/lwip by mk/lwip.sh (docs/network.md).
LWIP_DEB_VERSION ?= 2.1.3+dfsg1-2

# QEMU host defaults; override on the command line: make run MEM=4096 SMP=4
MEM      ?= 2048
SMP      ?= 2
HV_ARGS  ?=
QEMU     ?= qemu-system-x86_64
QEMU_MACHINE ?= -machine pc -cpu max -accel tcg

# dom0's data disk for `make run` (docs/dom0.md): a host image file QEMU
# attaches as a virtio disk, mounted in dom0 at /var/lib/keel.  Created
# sparse, DATA_SIZE big, when missing; kept across runs (delete it to start
# afresh).  DATA_IMG= (empty) boots without it.  DATA_CACHE is QEMU's cache=.
DATA_IMG   ?= $(BUILD)/dom0-data.img
DATA_SIZE  ?= 2G
DATA_CACHE ?= writeback

BUILD    ?= $(TOP)/build
