#!/bin/sh
# Store benchmark: operations per second, median of 5 runs, for each
# workload against three daemons started here: the in-memory baseline
# (--memory), the default crash-durable mode (a log written before each
# reply, no fsync) and --sync (group commit: one fsync per poll round).
# Ratios are against the in-memory baseline of the same run.
# Environment: XSD, BENCH (binaries), RUN_MS (per run, default 1000).
set -u
RUN_MS=${RUN_MS:-1000}
T=$(mktemp -d /tmp/xs-bench.XXXXXX)
DPID=
trap '[ -n "$DPID" ] && kill "$DPID" 2>/dev/null; rm -rf "$T"' EXIT

start() {
	rm -f "$T/sock" "$T/tdb" "$T"/tdb.*
	"$XSD" -F --socket "$T/sock" --log-level warn "$@" 2>>"$T/log" &
	DPID=$!
	n=0
	while ! [ -S "$T/sock" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	[ -S "$T/sock" ] || { echo "xenstored did not start"; cat "$T/log"; exit 1; }
}

stop() {
	kill "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=
}

median5() {
	i=0
	while [ $i -lt 5 ]; do
		"$BENCH" "$T/sock" "$1" "$2" "$RUN_MS" || exit 1
		i=$((i + 1))
	done | sort -n | sed -n 3p
}

WORKLOADS="pair:1 pair:4 pair:16 tx10:1 tx10:4 tx10:16"
for cfg in memory default sync; do
	case $cfg in
	memory)  start --memory ;;
	default) start --db "$T/tdb" ;;
	sync)    start --db "$T/tdb" --sync ;;
	esac
	for w in $WORKLOADS; do
		m=$(median5 "${w%%:*}" "${w##*:}")
		echo "$cfg $w $m" >>"$T/results"
	done
	stop
done

printf '%-12s %8s %12s %12s %12s %9s %8s\n' workload clients memory \
	default sync default/m sync/m
for w in $WORKLOADS; do
	m=$(awk -v w="$w" '$1=="memory" && $2==w {print $3}' "$T/results")
	ns=$(awk -v w="$w" '$1=="default" && $2==w {print $3}' "$T/results")
	fs=$(awk -v w="$w" '$1=="sync" && $2==w {print $3}' "$T/results")
	awk -v w="${w%%:*}" -v c="${w##*:}" -v m="$m" -v ns="$ns" -v fs="$fs" \
		'BEGIN { printf "%-12s %8s %12d %12d %12d %9.3f %8.3f\n",
			 w, c, m, ns, fs, ns / m, fs / m }'
done
echo "(ops/s, median of 5 runs of ${RUN_MS} ms; pair = WRITE+READ on distinct keys,"
echo " tx10 = a committed transaction of 10 WRITEs; ratios vs the in-memory store)"
