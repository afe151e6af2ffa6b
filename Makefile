# Keel: a Xen-style split-driver hypervisor.  See README.md.
#
#   make run     build everything and boot it in QEMU (serial on this terminal;
#                dom0's data disk: DATA_IMG, DATA_SIZE=2G, see mk/config.mk)
#   make run-pair  two hosts, A (this terminal) and B, linked for migration
#                (docs/migration.md); make console-b attaches to B's console
#   make check   build everything and run every test
#   make bench   run the benchmarks (docs/benchmarks.md)
#   make fuzz    long fuzzing (FUZZ_SECONDS per harness, default 600): the
#                store's and the hypercalls' (docs/testing.md)
#   make fuzz-qemu  the fuzz guest in QEMU: FUZZ_QEMU_COUNT hypercalls
#                (default 10^6; FUZZ_SEED=N replays a run)
#
# Each component builds in its own directory's Makefile into $(BUILD); this
# file only orders them.  Packages come from mk/deps.sh.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
include $(TOP)/mk/config.mk
export TOP BUILD DOM0_KVER

PUBINC := $(TOP)/hypervisor/include
export PUBINC

ISO := $(BUILD)/keel.iso

.PHONY: all deps hypervisor dom0-tools xenstore guests dom0-kernel initramfs iso \
        run run-pair console-b check unit-check integration-check bench fuzz fuzz-qemu clean help

all: iso

help:
	@sed -n 's/^#   //p' Makefile

# Installs what is missing; a quick dpkg query when everything is there.
# A stamp keyed on the script and the pinned kernel avoids even that.
DEPS_STAMP := $(BUILD)/.deps-$(DOM0_KVER)
deps: $(DEPS_STAMP)
$(DEPS_STAMP): mk/deps.sh mk/config.mk
	@mkdir -p $(BUILD)
	sh mk/deps.sh $(DOM0_KVER)
	@touch $@

hypervisor: deps
	$(MAKE) -C hypervisor

dom0-tools: deps
	$(MAKE) -C dom0-tools

xenstore: deps
	$(MAKE) -C xenstore

guests: deps
	$(MAKE) -C guests

dom0-kernel: deps
	$(MAKE) -C dom0-tools/initramfs kernel

initramfs: dom0-tools xenstore guests dom0-kernel
	$(MAKE) -C dom0-tools/initramfs initramfs

iso: hypervisor initramfs
	$(MAKE) -C dom0-tools/initramfs iso

# The data disk is made once (sparse) and kept; DATA_IMG= runs without it.
run: iso $(DATA_IMG)
	DATA_IMG="$(DATA_IMG)" DATA_CACHE="$(DATA_CACHE)" \
	  sh mk/run-qemu.sh $(ISO) $(MEM) $(SMP) "$(HV_ARGS)"

# Two hosts for migration (mk/run-pair.sh, docs/migration.md): A's serial
# console here, B's on $(PAIR_DIR)/hostb.sock, both stop when A's ends.
PAIR_DIR ?= $(BUILD)/run-pair
run-pair: iso
	sh mk/run-pair.sh $(ISO) $(MEM) $(SMP) "$(HV_ARGS)" $(PAIR_DIR)

# Attaches this terminal to host B's serial console; Ctrl-] detaches
# (B keeps running).
console-b:
	@test -S $(PAIR_DIR)/hostb.sock || { echo "console-b: no $(PAIR_DIR)/hostb.sock: is 'make run-pair' running?" >&2; exit 1; }
	@echo "console-b: host B's serial console; Ctrl-] detaches"
	socat -,raw,echo=0,escape=0x1d UNIX-CONNECT:$(PAIR_DIR)/hostb.sock

ifneq ($(DATA_IMG),)
$(DATA_IMG):
	@mkdir -p $(dir $@)
	truncate -s $(DATA_SIZE) $@.tmp && mv $@.tmp $@
	@echo "run: made dom0's data disk $@ ($(DATA_SIZE), sparse; dom0 formats it on first boot)"
endif

unit-check: deps
	$(MAKE) -C tests unit

integration-check: iso
	$(MAKE) -C tests integration

check: all
	$(MAKE) -C tests check

bench: all
	$(MAKE) -C bench

# FUZZ_SECONDS=N per harness (default 600): the store's, then the
# hypervisor's hypercall fuzzers (tests/system/hvfuzz, docs/testing.md).
fuzz: deps
	$(MAKE) -C xenstore fuzz
	$(MAKE) -C tests/system/hvfuzz fuzz

# The in-QEMU fuzz run (tests/integration/test_fuzz.py) with more calls:
# 10^6 by default, about half an hour under TCG; FUZZ_SEED=N replays one.
FUZZ_QEMU_COUNT ?= 1000000
FUZZ_SEED ?= 0
fuzz-qemu: all
	cd tests/integration && KEEL_FUZZ_COUNT=$(FUZZ_QEMU_COUNT) \
		KEEL_FUZZ_SEED=$(FUZZ_SEED) BUILD=$(BUILD) \
		timeout 7200 python3 test_fuzz.py

# Keeps dom0's data disk (guest images live on it): rm it yourself.
clean:
	@if [ -d $(BUILD) ]; then \
	  find $(BUILD) -mindepth 1 -maxdepth 1 ! -name $(notdir $(DATA_IMG)) -exec rm -rf {} +; fi
