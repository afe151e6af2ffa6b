#!/bin/sh
# Run test suites (directories with a `check` target), keep going after a
# failure, and print one closing line: "N passed, N failed".
# Usage: run-suites.sh LOGDIR SUITE_DIR...
set -u
logs=$1; shift
mkdir -p "$logs"
cd "$(dirname "$0")"
failed_suites=""
for d in "$@"; do
	name=$(echo "$d" | tr / -)
	echo "=== suite $d"
	make --no-print-directory -C "$d" check >"$logs/$name.log" 2>&1
	rc=$?
	cat "$logs/$name.log"
	if [ $rc -ne 0 ]; then
		failed_suites="$failed_suites $d"
		echo "=== suite $d FAILED (exit $rc)"
	fi
done
python3 summarize.py "$logs" $failed_suites
