#!/bin/sh
# Boot bootcheck.elf on bare QEMU twice: the default run must pass every
# check and end in the #PF report with shutdown(crash) (isa-debug-exit
# status 7); the "triple" run must pass and end in a triple fault (QEMU
# -no-reboot exits 0).  Usage: run.sh ELF LOGDIR
set -u
elf=$1 logs=$2
mkdir -p "$logs"
fail=0

boot() {  # name append
	timeout 60 qemu-system-x86_64 -machine pc -cpu max -accel tcg -m 64 \
		-display none -no-reboot -monitor none -serial none \
		-device isa-debug-exit,iobase=0xf4,iosize=1 \
		-debugcon "file:$logs/$1.log" -kernel "$elf" -append "$2" \
		>"$logs/$1.qemu" 2>&1
	echo $?
}

expect() {  # log pattern
	if ! grep -q -- "$2" "$1"; then
		echo "bootcheck: FAIL: '$2' missing from $1"; fail=1
	fi
}

rc=$(boot default "")
cat "$logs/default.log"
[ "$rc" = 7 ] || { echo "bootcheck: FAIL: default run exit $rc, expected 7"; fail=1; }
expect "$logs/default.log" "bootcheck: [0-9]* passed, 0 failed"
expect "$logs/default.log" "exception 14 (#PF page fault) at rip 0x"
expect "$logs/default.log" "error code 0x2, cr2 0x8"

rc=$(boot triple "triple")
cat "$logs/triple.log"
[ "$rc" = 0 ] || { echo "bootcheck: FAIL: triple run exit $rc, expected 0"; fail=1; }
expect "$logs/triple.log" "bootcheck: [0-9]* passed, 0 failed"
expect "$logs/triple.log" "triple fault next"
if grep -q "exception" "$logs/triple.log"; then
	echo "bootcheck: FAIL: an exception was handled in the triple run"; fail=1
fi
[ $fail = 0 ] && echo "bootcheck: PASS"
exit $fail
