# Shared by the backend daemons' Makefiles (drivers/back/<class>/): flags,
# the libraries a libkeelback daemon links, and how to build them.  A
# Makefile sets O (its output directory) and includes this file.
TOP   ?= $(abspath ../../..)
BUILD ?= $(TOP)/build

CC      ?= cc
CFLAGS  ?= -O2 -g
XCFLAGS := $(CFLAGS) -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -MMD -MP \
           -I$(TOP)/hypervisor/include -I$(TOP)/dom0-tools/include \
           -I$(TOP)/xenstore/client -I$(TOP)/xenstore/common \
           -I$(TOP)/drivers/back/lib

KEELBACK := $(BUILD)/drivers/back/lib/libkeelback.a
LIBKXS   := $(BUILD)/xenstore/libkxs.a
KEELCTL  := $(BUILD)/dom0-tools/lib/libkeelctl.a
BACKEND_LIBS := $(KEELBACK) $(LIBKXS) $(KEELCTL)

.PHONY: FORCE
.DEFAULT_GOAL := all

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(XCFLAGS) -c $< -o $@

$(KEELBACK): FORCE
	$(MAKE) --no-print-directory -C $(TOP)/drivers/back/lib
$(LIBKXS): FORCE
	$(MAKE) --no-print-directory -C $(TOP)/xenstore $(LIBKXS)
$(KEELCTL): FORCE
	$(MAKE) --no-print-directory -C $(TOP)/dom0-tools $(KEELCTL)
