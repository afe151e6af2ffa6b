#!/usr/bin/env python3
"""Writes the man pages of vmctl (1), kxs (1) and xenstored (8) from the
programs' own help texts, so that the pages and `--help` cannot disagree:
the help texts in the sources are the one source.

usage: gen_man.py BUILD OUTDIR     (BUILD: the build directory with
       dom0-tools/bin/vmctl, xenstore/kxs and xenstore/xenstored)

The pages are committed in docs/man/ and installed in dom0 under
/usr/share/man; tests/unit/man checks that the committed ones are what
this script makes of the current programs.
"""
import os
import re
import subprocess
import sys

EXIT = ("0 success; 1 failure (the command was understood but could not be "
        "done, or a check it makes failed); 2 a usage error (unknown command "
        "or option, a missing, extra or malformed argument).")
DOCS = "/usr/share/doc/keel"


def run(*argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    return p.stdout


def esc(text):
    """roff-safe text: backslashes doubled, lines starting with . or ' guarded."""
    text = text.replace("\\", "\\e")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def verbatim(text):
    return ".nf\n" + esc(text.rstrip("\n")) + "\n.fi\n"


def page(name, section, summary, synopsis, sections):
    out = [f'.TH {name.upper()} {section} "" "Keel" "Keel manual"\n',
           ".SH NAME\n", f"{name} \\- {esc(summary)}\n",
           ".SH SYNOPSIS\n", verbatim(synopsis)]
    for title, body in sections:
        out.append(f".SH {title}\n")
        out.append(body)
    return "".join(out)


def vmctl_page(build):
    exe = os.path.join(build, "dom0-tools", "bin", "vmctl")
    usage = run(exe, "--help")
    cmds = re.findall(r"^  (\S+)\s+(.*)$", usage, re.M)
    body = []
    for cmd, _ in cmds:
        text = run(exe, "help", cmd)
        first, _, rest = text.partition("\n")
        body.append(".TP\n" + f".B {esc(first.replace('usage: ', ''))}\n" +
                    verbatim(rest.strip("\n")))
    return page("vmctl", 1, "control the Keel hypervisor from dom0",
                usage.split("\n")[0].replace("usage: ", ""),
                [("DESCRIPTION", verbatim(usage.split("\n", 1)[1])),
                 ("COMMANDS", "".join(body)),
                 ("EXIT STATUS", esc(EXIT) + "\n"),
                 ("SEE ALSO", f"kxs(1), xenstored(8), {DOCS}/dom0.md, "
                  f"{DOCS}/config.md\n")])


def kxs_page(build):
    usage = run(os.path.join(build, "xenstore", "kxs"), "--help")
    return page("kxs", 1, "read and change the Keel configuration store",
                usage.split("\n")[0].replace("usage: ", ""),
                [("COMMANDS", verbatim(usage.split("\n", 1)[1])),
                 ("EXIT STATUS", esc(EXIT) + "\n"),
                 ("SEE ALSO", f"vmctl(1), xenstored(8), {DOCS}/store.md\n")])


def xenstored_page(build):
    usage = run(os.path.join(build, "xenstore", "xenstored"), "--help")
    syn, _, rest = usage.partition("\nquota")
    return page("xenstored", 8, "the Keel configuration store daemon",
                syn.replace("usage: ", ""),
                [("OPTIONS", verbatim("quota" + rest)),
                 ("EXIT STATUS", esc(EXIT) + "\n"),
                 ("SEE ALSO", f"kxs(1), vmctl(1), {DOCS}/store.md\n")])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    build, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    for fname, fn in (("vmctl.1", vmctl_page), ("kxs.1", kxs_page),
                      ("xenstored.8", xenstored_page)):
        with open(os.path.join(outdir, fname), "w") as f:
            f.write(fn(build))


if __name__ == "__main__":
    main()
