#!/usr/bin/env python3
"""Count the verdicts of the suites that ran and print the closing line,
"N passed, N failed, N skipped".

Usage: summarize.py LOGDIR SUITE=STATUS...  (STATUS: the suite's exit
status; 124: stopped at its time limit).  Only the named suites are read,
from LOGDIR/SUITE.log.  A log contributes Check's summary lines ("NN%:
Checks: C, Failures: F, Errors: E") and lines starting with "PASS:",
"FAIL:" or "SKIP:".  A suite counts as one more failure when it timed out,
when it exited non-zero without a failed verdict (a crash, a build error),
or when it gave no verdict at all (a suite that ran nothing passed nothing).
Exit status: 0 only when nothing failed and something passed.
"""
import os
import re
import sys

CHECK = re.compile(r"^\d+%: Checks: (\d+), Failures: (\d+), Errors: (\d+)")
TIMED_OUT = 124   # timeout(1)'s status


def count(path):
    """(passed, failed, skipped) in the log at path."""
    passed = failed = skipped = 0
    with open(path, errors="replace") as f:
        for line in f:
            m = CHECK.match(line)
            if m:
                c, fl, e = map(int, m.groups())
                passed += c - fl - e
                failed += fl + e
            elif line.startswith("PASS:"):
                passed += 1
            elif line.startswith("FAIL:"):
                failed += 1
            elif line.startswith("SKIP:"):
                skipped += 1
    return passed, failed, skipped


def main():
    logdir, runs = sys.argv[1], sys.argv[2:]
    passed = failed = skipped = 0
    for run in runs:
        suite, _, status = run.rpartition("=")
        status = int(status)
        try:
            p, f, s = count(os.path.join(logdir, suite + ".log"))
        except OSError as e:
            print(f"suite {suite}: no log ({e.strerror}): counted as one failure")
            p, f, s = 0, 1, 0
        if status == TIMED_OUT:
            print(f"suite {suite} timed out: counted as one more failure")
            f += 1
        elif status != 0 and f == 0:
            print(f"suite {suite} exited {status} without a failed check: "
                  "counted as one failure")
            f = 1
        elif p + f == 0:
            print(f"suite {suite} gave no verdict: counted as one failure")
            f = 1
        print(f"# suite {suite}: {p} pass, {f} fail, {s} skip")
        passed += p
        failed += f
        skipped += s
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
