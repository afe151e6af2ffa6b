#!/usr/bin/env python3
"""Count test verdicts in suite logs and print "N passed, N failed".

A log contributes Check's summary lines ("NN%: Checks: C, Failures: F,
Errors: E") and lines starting with "PASS:" or "FAIL:".  A suite named on the
command line after the log directory exited non-zero; if its log holds no
failed verdict, it still counts as one failure (a crash, a build error).
Exit status: 0 only when nothing failed and something passed.
"""
import os
import re
import sys

CHECK = re.compile(r"^\d+%: Checks: (\d+), Failures: (\d+), Errors: (\d+)")


def count(path):
    passed = failed = 0
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
    return passed, failed


def main():
    logdir, bad = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    for name in sorted(os.listdir(logdir)):
        if not name.endswith(".log"):
            continue
        p, f = count(os.path.join(logdir, name))
        suite = name[:-4]
        if suite in [b.replace("/", "-") for b in bad] and f == 0:
            print(f"suite {suite} exited non-zero without a failed check: counted as one failure")
            f = 1
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
