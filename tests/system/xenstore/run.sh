#!/bin/sh
# System tests of xenstored: starts the daemon on a temporary socket and
# database and drives it with kxs, Debian's stock xenstore-* clients and
# helpers.  One "PASS: name" / "FAIL: name" line per check; exit status 1
# if any failed.  Every wait is bounded.
# Environment: XSD KXS STRESS DIRRACE (binaries), OUT (directory for logs).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/xs-system.XXXXXX)
SOCK=$T/sock
DB=$T/tdb
DPID=
BGPIDS=
fails=0

cleanup() {
	for p in $DPID $BGPIDS; do kill -9 "$p" 2>/dev/null; done
	mkdir -p "$OUT" && cp "$T"/*.log "$OUT"/ 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# wait_until TENTHS CMD...: runs CMD every 0.1 s until it succeeds.
wait_until() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# Every client call is bounded: a daemon that stops answering fails the
# check instead of hanging the suite.
k() { timeout 20 "$KXS" -s "$SOCK" "$@"; }
stock() { cmd=$1; shift; XENSTORED_PATH=$SOCK timeout 10 "xenstore-$cmd" "$@"; }

# running PID: true while our child PID has not exited (a zombie has).
running() {
	_state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$_state" ] && [ "$_state" != Z ]
}

# reap TENTHS PID: waits up to TENTHS/10 s for our child PID to exit and
# returns its exit status.  One still running then is killed, reaped and
# reported: status 124, as timeout(1) would.
reap() {
	_left=$1
	while [ "$_left" -gt 0 ] && running "$2"; do
		sleep 0.1
		_left=$((_left - 1))
	done
	if running "$2"; then
		echo "pid $2 still running after $(($1 / 10)) s: killed"
		kill -9 "$2" 2>/dev/null
		wait "$2" 2>/dev/null
		return 124
	fi
	wait "$2"
}

start_daemon() {
	"$XSD" -F --db "$DB" --socket "$SOCK" --log-level debug ${MODE:-} "$@" \
		>>"$T/xenstored.log" 2>&1 &
	DPID=$!
	wait_until 50 k read /
}

# stop_daemon [SIGNAL]: stops our daemon by PID and reaps it (within 10 s,
# else it is killed and the call fails).
stop_daemon() {
	kill "-${1:-TERM}" "$DPID" 2>/dev/null
	reap 100 "$DPID"
	_rc=$?
	DPID=
	[ "$_rc" -ne 124 ]
}

expect_eq() {
	[ "$1" = "$2" ] && return 0
	echo "expected '$2', got '$1'"
	return 1
}

lines_at_least() { [ "$(wc -l <"$1")" -ge "$2" ]; }

check() {
	name=$1; shift
	if "$@" >"$T/$name.out" 2>&1; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		sed 's/^/    /' "$T/$name.out" | tail -20
		fails=$((fails + 1))
	fi
}

t_kxs_basic() {
	k write /kb/a 1 /kb/b two || return 1
	expect_eq "$(k read /kb/a)" 1 || return 1
	expect_eq "$(k list /kb | tr '\n' ' ')" "a b " || return 1
	k mkdir /kb/dir/sub || return 1
	k exists /kb/dir/sub || return 1
	k rm /kb/dir || return 1
	k exists /kb/dir && return 1
	k ls /kb | grep -q '^b = "two"$' || return 1
	k chmod /kb/a r0 b5 || return 1
	k ls -p /kb | grep -q 'a = "1"  (r0, b5)' || return 1
	k dump --json /kb >"$T/dump.json" || return 1
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["node"]["children"]; \
sys.exit(0 if c["b"]["value"] == "two" and c["a"]["perms"] == ["r0", "b5"] \
else "dump: %r" % c)' "$T/dump.json"
}

t_stock_read_write() {
	stock write /st/x hello /st/y world || return 1
	expect_eq "$(stock read /st/x)" hello || return 1
	expect_eq "$(k read /st/y)" world || return 1
	k write /st/z fromkxs || return 1
	expect_eq "$(stock read /st/z)" fromkxs || return 1
	stock exists /st/x || return 1
	stock exists /st/nope && return 1
	stock read /st/nope && return 1
	return 0
}

t_stock_ls_list_rm() {
	stock write /sl/a/b 1 /sl/c 2 || return 1
	stock ls /sl >"$T/ls.txt" || return 1
	grep -q '^a = ""' "$T/ls.txt" && grep -q '^ b = "1"' "$T/ls.txt" &&
		grep -q '^c = "2"' "$T/ls.txt" || { cat "$T/ls.txt"; return 1; }
	expect_eq "$(stock list /sl | tr '\n' ' ')" "a c " || return 1
	stock rm /sl/a || return 1
	k exists /sl/a/b && return 1
	expect_eq "$(stock list /sl)" c
}

t_stock_chmod() {
	stock write /sc/n v || return 1
	stock chmod /sc/n n0 r3 w4 || return 1
	stock ls -p /sc | grep -q 'n = "v".*(n0,r3,w4)' || {
		stock ls -p /sc; return 1; }
	expect_eq "$(k --as 3 read /sc/n)" v || return 1
	k --as 4 read /sc/n && return 1
	k --as 4 write /sc/n changed || return 1
	expect_eq "$(stock read /sc/n)" changed
}

t_stock_watch() {
	XENSTORED_PATH=$SOCK timeout 10 xenstore-watch -n 3 /sw >"$T/sw.txt" 2>&1 &
	wp=$!
	BGPIDS="$BGPIDS $wp"
	wait_until 50 lines_at_least "$T/sw.txt" 1 || return 1
	k write /sw/a 1 || return 1
	stock write /sw/b 2 || return 1
	reap 150 "$wp" || return 1
	expect_eq "$(tr '\n' ' ' <"$T/sw.txt")" "/sw /sw/a /sw/b "
}

t_kxs_watch() {
	k watch -n 3 -T 10 /kw >"$T/kw.txt" 2>&1 &
	wp=$!
	BGPIDS="$BGPIDS $wp"
	wait_until 50 lines_at_least "$T/kw.txt" 1 || return 1
	stock write /kw/x 1 || return 1
	stock rm /kw || return 1
	reap 250 "$wp" || return 1
	expect_eq "$(tr '\n' ' ' <"$T/kw.txt")" "/kw /kw /kw/x /kw /kw /kw "
}

t_large_directory() {
	i=0
	while [ $i -lt 250 ]; do
		set -- "$@" "/big/a-fairly-long-child-name-$i" "$i"
		i=$((i + 1))
	done
	k write "$@" || return 1
	expect_eq "$(stock list /big | wc -l)" 250 || return 1
	expect_eq "$(k list /big | wc -l)" 250
}

t_permissions_and_quota() {
	k mkdir /local/domain/5 || return 1
	k chmod /local/domain/5 n5 || return 1
	k --as 5 write data/x mine || return 1
	expect_eq "$(k read /local/domain/5/data/x)" mine || return 1
	k --as 6 read /local/domain/5/data/x 2>"$T/perm.err" && return 1
	grep -q 'Permission denied' "$T/perm.err" || return 1
	big=$(python3 -c 'print("x" * 3000)')
	k --as 5 write data/big "$big" 2>"$T/quota.err" && return 1
	grep -q 'No space left' "$T/quota.err" || return 1
	k write /dom0-may "$big"
}

t_concurrent_increments() {
	"$STRESS" incr "$SOCK" /counter 8 50 || return 1
	expect_eq "$(k read /counter)" 400 || return 1
	expect_eq "$(k read /counter_mirror)" 400
}

t_malformed_input() {
	python3 "$HERE/malformed.py" "$SOCK" || return 1
	kill -0 "$DPID" || return 1
	expect_eq "$(k read /st/x)" hello
}

t_kill_restart_durability() {
	k write /dur/a committed || return 1
	k chmod /dur/a r0 b7 || return 1
	"$STRESS" hold "$SOCK" /dur/uncommitted nope >"$T/hold.txt" 2>&1 &
	hp=$!
	BGPIDS="$BGPIDS $hp"
	wait_until 50 grep -q held "$T/hold.txt" || return 1
	"$STRESS" incr-log "$SOCK" /dur/n 1000000 >"$T/incr.txt" 2>&1 &
	ip=$!
	BGPIDS="$BGPIDS $ip"
	wait_until 100 lines_at_least "$T/incr.txt" 50 || return 1
	stop_daemon KILL || return 1
	# The incrementer loses its connection with the daemon and exits.
	reap 100 "$ip"
	[ $? -ne 124 ] || return 1
	kill "$hp" 2>/dev/null
	reap 100 "$hp"
	[ $? -ne 124 ] || return 1
	last=$(tail -n 1 "$T/incr.txt")
	start_daemon || return 1
	expect_eq "$(k read /dur/a)" committed || return 1
	k ls -p /dur | grep -q 'a = "committed"  (r0, b7)' || return 1
	k exists /dur/uncommitted && return 1
	n=$(k read /dur/n) || return 1
	m=$(k read /dur/n_mirror) || return 1
	echo "last acknowledged $last, stored $n"
	expect_eq "$n" "$m" || return 1
	[ "$n" -ge "$last" ] && [ "$n" -le $((last + 1)) ] || return 1
	expect_eq "$(k read /st/x)" hello
}

t_rundir_and_sigterm() {
	mkdir -p "$T/run"
	XENSTORED_RUNDIR=$T/run "$XSD" -F --memory >>"$T/xenstored2.log" 2>&1 &
	p2=$!
	BGPIDS="$BGPIDS $p2"
	wait_until 50 test -S "$T/run/socket" || return 1
	XENSTORED_RUNDIR=$T/run timeout 10 xenstore-write /r 1 || return 1
	expect_eq "$(XENSTORED_RUNDIR=$T/run timeout 10 xenstore-read /r)" 1 ||
		return 1
	kill -TERM "$p2"
	reap 100 "$p2" || return 1
	test -S "$T/run/socket" && return 1
	return 0
}

# Debian's xenstore-control (xen-utils) against our CONTROL commands.
XCTL=$(ls /usr/lib/xen-*/bin/xenstore-control 2>/dev/null | head -n 1)
xctl() { XENSTORED_PATH=$SOCK timeout 10 "$XCTL" "$@"; }

t_snapshot_isolation() {
	"$STRESS" snapshot "$SOCK" /snap
}

t_directory_part_race() {
	"$STRESS" shrink "$SOCK" /race 6 >"$T/shrink.txt" 2>&1 &
	sp=$!
	BGPIDS="$BGPIDS $sp"
	wait_until 50 k exists /race || return 1
	XENSTORED_PATH=$SOCK timeout 30 "$DIRRACE" /race 5 || return 1
	reap 150 "$sp" || return 1
	cat "$T/shrink.txt"
}

t_xenstore_control() {
	[ -x "$XCTL" ] || { echo "xenstore-control not installed (xen-utils)"; return 1; }
	expect_eq "$(xctl check)" OK || return 1
	for c in check log logfile memreport quota quota-soft help; do
		xctl help | grep -q "^$c " || { echo "help lacks $c"; return 1; }
	done
	xctl quota | grep -q '^nodes: 1000$' || return 1
	xctl quota set watches 77 || return 1
	xctl quota | grep -q '^watches: 77$' || return 1
	xctl quota set watches 128 || return 1
	xctl quota-soft set nodes 900 || return 1
	xctl quota-soft | grep -q '^nodes: 900$' || return 1
	xctl memreport | grep -q '^nodes: [0-9]' || return 1
	xctl memreport "$T/memreport.txt" || return 1
	grep -q '^connections: ' "$T/memreport.txt" || return 1
	xctl logfile "$T/trace.txt" || return 1
	xctl log on || return 1
	k write /traced 1 || return 1
	xctl log off || return 1
	grep -q 'WRITE tx [0-9]* /traced' "$T/trace.txt" || return 1
	xctl no-such-command >"$T/xc.err" 2>&1 && return 1
	grep -qi 'not supported' "$T/xc.err" || { cat "$T/xc.err"; return 1; }
	xctl live-update -s >"$T/xc2.err" 2>&1 && return 1
	grep -q 'Function not implemented' "$T/xc2.err" || { cat "$T/xc2.err"; return 1; }
	return 0
}

# kill -9 while 4 processes commit transactions and plain writes, in the
# mode given (default or --sync); after the restart every acknowledged
# write is there and no transaction is half-applied.
kill_writers() {
	mode=$1
	stop_daemon || return 1
	DB=$T/kill-$mode.tdb
	MODE=
	[ "$mode" = sync ] && MODE=--sync
	start_daemon || return 1
	"$STRESS" writers "$SOCK" /kw 4 >"$T/writers-$mode.txt" 2>&1 &
	wp=$!
	BGPIDS="$BGPIDS $wp"
	wait_until 200 lines_at_least "$T/writers-$mode.txt" 400 || return 1
	stop_daemon KILL || return 1
	reap 100 "$wp" || return 1
	start_daemon || return 1
	"$STRESS" verify "$SOCK" /kw 4 "$T/writers-$mode.txt"
}

t_kill_writers_default() { kill_writers default; }
t_kill_writers_sync() { kill_writers sync; }

# A libkxs client lives through a restart: its watch is registered again
# (and fires), an open transaction answers EAGAIN, later calls work.
t_client_reconnect() {
	k watch -n 3 -T 40 /rw >"$T/rw.txt" 2>&1 &
	wp=$!
	BGPIDS="$BGPIDS $wp"
	wait_until 50 lines_at_least "$T/rw.txt" 1 || return 1
	mkfifo "$T/go"
	"$STRESS" tx-across-restart "$SOCK" /rtx <"$T/go" >"$T/rtx.txt" 2>&1 &
	tp=$!
	BGPIDS="$BGPIDS $tp"
	exec 7>"$T/go"
	wait_until 50 grep -q open "$T/rtx.txt" || return 1
	stop_daemon KILL || return 1
	start_daemon || return 1
	echo go >&7
	exec 7>&-
	reap 150 "$tp" || { cat "$T/rtx.txt"; return 1; }
	cat "$T/rtx.txt"
	# the watcher re-registered (a second "/rw"), then sees the change
	wait_until 100 lines_at_least "$T/rw.txt" 2 || return 1
	k write /rw/x 1 || return 1
	reap 300 "$wp" || return 1
	expect_eq "$(tr '\n' ' ' <"$T/rw.txt")" "/rw /rw /rw /rw /rw/x /rw "
}

t_no_sync_is_deprecated_alias() {
	"$XSD" -F --no-sync --db "$T/alias.tdb" --socket "$T/alias.sock" \
		>"$T/alias.log" 2>&1 &
	ap=$!
	BGPIDS="$BGPIDS $ap"
	wait_until 50 test -S "$T/alias.sock" || return 1
	timeout 10 "$KXS" -s "$T/alias.sock" write /a 1 || return 1
	kill -TERM "$ap"
	reap 100 "$ap" || return 1
	grep -q 'deprecated' "$T/alias.log"
}

start_daemon || { echo "FAIL: daemon_start"; cat "$T/xenstored.log"; exit 1; }
echo "PASS: daemon_start"
check kxs_basic t_kxs_basic
check stock_read_write t_stock_read_write
check stock_ls_list_rm t_stock_ls_list_rm
check stock_chmod t_stock_chmod
check stock_watch t_stock_watch
check kxs_watch t_kxs_watch
check large_directory t_large_directory
check permissions_and_quota t_permissions_and_quota
check concurrent_increments t_concurrent_increments
check malformed_input t_malformed_input
check kill_restart_durability t_kill_restart_durability
check rundir_and_sigterm t_rundir_and_sigterm
check snapshot_isolation t_snapshot_isolation
check directory_part_race t_directory_part_race
check xenstore_control t_xenstore_control
check client_reconnect t_client_reconnect
check no_sync_is_deprecated_alias t_no_sync_is_deprecated_alias
check kill_writers_default t_kill_writers_default
check kill_writers_sync t_kill_writers_sync
check daemon_stops_on_sigterm stop_daemon TERM
[ "$fails" -eq 0 ]
