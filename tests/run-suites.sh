#!/bin/sh
# Run test suites (directories with a `check` target), keep going after a
# failure, and print one closing line: "N passed, N failed, N skipped".
# Usage: run-suites.sh LOGDIR SUITE_DIR...
#
# Each suite's output goes to LOGDIR/<suite, / as ->.log.  The logs of
# earlier runs are removed first and only the suites named here are read,
# so a suite removed or renamed since counts nothing.  Each suite is
# stopped after its time limit (suite_limit below; KEEL_SUITE_TIMEOUT
# overrides it for all): a deadlock fails that suite instead of hanging CI.
set -u
logs=$1; shift
mkdir -p "$logs"
rm -f "$logs"/*.log
cd "$(dirname "$0")"

# Seconds a suite may take, building included: the unit and system suites
# need about a minute; integration boots QEMU for a few minutes (each of
# its programs is bounded at 900 s by tests/integration/Makefile).
suite_limit() {
	if [ -n "${KEEL_SUITE_TIMEOUT:-}" ]; then
		echo "$KEEL_SUITE_TIMEOUT"
		return
	fi
	case $1 in
	integration) echo 3600 ;;
	*) echo 900 ;;
	esac
}

results=""
for d in "$@"; do
	name=$(echo "$d" | tr / -)
	limit=$(suite_limit "$d")
	echo "=== suite $d"
	# timeout(1) signals the suite's whole process group (make, its
	# children, QEMU), and SIGKILLs it 30 s later if it is still there.
	timeout -k 30 "$limit" make --no-print-directory -C "$d" check \
		>"$logs/$name.log" 2>&1 </dev/null
	rc=$?
	cat "$logs/$name.log"
	case $rc in
	0) ;;
	124) echo "=== suite $d TIMED OUT after ${limit} s" ;;
	*) echo "=== suite $d FAILED (exit $rc)" ;;
	esac
	results="$results $name=$rc"
done
python3 summarize.py "$logs" $results
