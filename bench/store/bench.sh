#!/bin/sh
# Store benchmark: operations per second, median of 5 runs, for each
# workload against three daemons started here: the in-memory baseline
# (--memory), the default crash-durable mode (a log written before each
# reply, no fsync) and --sync (group commit: one fsync per poll round).
# The three run side by side and each repetition visits them in turn, so
# load from elsewhere on the machine falls on all three alike.  A ratio is
# the median of the per-repetition ratios (each mode against the
# in-memory run just before it), which cancels slow changes of the load.
# Environment: XSD, BENCH (binaries), RUN_MS (per run, default 1000),
# BENCH_DIR (where the databases live, default a new /tmp directory).
set -u
RUN_MS=${RUN_MS:-1000}
REPS=${REPS:-7}
T=$(mktemp -d "${BENCH_DIR:-/tmp}/xs-bench.XXXXXX")
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
MODES="memory default sync"

start() {
	cfg=$1; shift
	"$XSD" -F --socket "$T/$cfg.sock" --log-level warn "$@" 2>>"$T/log" &
	PIDS="$PIDS $!"
	n=0
	while ! [ -S "$T/$cfg.sock" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	[ -S "$T/$cfg.sock" ] || { echo "xenstored ($cfg) did not start"; cat "$T/log"; exit 1; }
}

start memory --memory
start default --db "$T/default.tdb"
start sync --db "$T/sync.tdb" --sync

WORKLOADS="pair:1 pair:4 pair:16 tx10:1 tx10:4 tx10:16"
for w in $WORKLOADS; do
	i=0
	while [ $i -lt "$REPS" ]; do
		for cfg in $MODES; do
			r=$("$BENCH" "$T/$cfg.sock" "${w%%:*}" "${w##*:}" "$RUN_MS") || exit 1
			echo "$cfg $w $r $i" >>"$T/results"
		done
		i=$((i + 1))
	done
done

# median CFG WORKLOAD: the median rate; ratio CFG WORKLOAD: the median
# of CFG's rate over the in-memory rate of the same repetition.
median() {
	awk -v c="$1" -v w="$2" '$1==c && $2==w {print $3}' "$T/results" |
		sort -n | sed -n "$(( (REPS + 1) / 2 ))p"
}

ratio() {
	awk -v c="$1" -v w="$2" '$2==w && $1=="memory" {m[$4]=$3}
		$2==w && $1==c {r[$4]=$3}
		END { for (i in r) if (m[i] > 0) printf "%.4f\n", r[i] / m[i] }' \
		"$T/results" | sort -n | sed -n "$(( (REPS + 1) / 2 ))p"
}

printf '%-12s %8s %12s %12s %12s %9s %8s\n' workload clients memory \
	default sync default/m sync/m
for w in $WORKLOADS; do
	m=$(median memory "$w")
	ns=$(median default "$w")
	fs=$(median sync "$w")
	awk -v w="${w%%:*}" -v c="${w##*:}" -v m="$m" -v ns="$ns" -v fs="$fs" \
		-v rd="$(ratio default "$w")" -v rs="$(ratio sync "$w")" \
		'BEGIN { printf "%-12s %8s %12d %12d %12d %9.3f %8.3f\n",
			 w, c, m, ns, fs, rd, rs }'
done
echo "(ops/s: medians of $REPS runs of ${RUN_MS} ms, the modes interleaved; ratios: medians of"
echo " the per-repetition ratios to --memory; pair = WRITE+READ on distinct keys,"
echo " tx10 = a committed transaction of 10 WRITEs; databases in ${BENCH_DIR:-/tmp})"
