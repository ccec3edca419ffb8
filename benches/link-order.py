#!/usr/bin/env python3
"""Writes src/link-order.txt, the order in which the linker lays out the functions of the
`brief` binary (build.rs hands it to LLD as `--symbol-ordering-file`): every function that
typical commands run, the most run first, so that the code a command needs sits on a few
megabytes of pages instead of being spread over all 28 MB of the program's code. The
kernel maps code 64 KB at a time around each page a command first touches, and at exit
unmaps all of it: both cost time on every run (docs/benchmarks.md, "Code laid out by use").

    cargo build --release && python3 benches/link-order.py

It runs the commands below under valgrind's callgrind (which counts the instructions each
function runs, on every thread), keeps the functions the binary has (per `nm`), and orders
them by instructions, most first. A function it does not list goes after them, where the
linker puts it anyway; a name the binary no longer has (a dependency or the compiler
changed) is ignored. Run it again after upgrading typst or the Rust toolchain; the test
`link_order_names_the_binary_s_functions` says when most names have gone stale.
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "brief")
OUT = os.path.join(ROOT, "src", "link-order.txt")


def commands(work):
    """The commands profiled, each as arguments to the binary (run in `work`)."""
    briefs = os.path.join(ROOT, "briefs")
    example = os.path.join(briefs, "canada-korea-defence-2025.yaml")
    out = os.path.join(work, "out.pdf")
    listed = [
        ["build", example, "-o", out],
        ["check", example],
        ["build", example, "--format", "png,svg", "-o", os.path.join(work, "p.pdf")],
        ["handout", example, "-o", os.path.join(work, "handout.pdf")],
        ["build", example, "--per-participant", "--out-dir", os.path.join(work, "copies")],
        ["build", example, "--per-participant", "--merged", "-o", os.path.join(work, "m.pdf")],
    ]
    for name in sorted(os.listdir(briefs)):
        if name.endswith(".yaml") and name != os.path.basename(example):
            listed.append(["build", os.path.join(briefs, name), "-o", out])
    return listed


def costs(callgrind_out):
    """Instructions run by each function (its own, not its callees'), by mangled name."""
    names = {}
    cost = collections.Counter()
    current = None
    skip_next = False
    with open(callgrind_out, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
            if m:
                kind, number, name = m.groups()
                if name:
                    names[number] = name.strip()
                if kind == "fn":
                    current = names.get(number)
                continue
            if line.startswith("calls="):
                # The line after a call gives the call's inclusive cost: not this function's.
                skip_next = True
                continue
            if not line or not (line[0].isdigit() or line[0] in "+-*"):
                continue
            if skip_next:
                skip_next = False
                continue
            fields = line.split()
            if current and len(fields) >= 2 and fields[1].isdigit():
                cost[current] += int(fields[1])
    return cost


def functions_in(binary):
    """The names of the binary's functions."""
    listing = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    return {p[2] for p in (l.split() for l in listing.splitlines()) if len(p) == 3 and p[1] in "tT"}


def main():
    if not os.path.exists(BINARY):
        sys.exit("build the binary first: cargo build --release")
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed (apt-get install valgrind)")
    total = collections.Counter()
    with tempfile.TemporaryDirectory() as work:
        for args in commands(work):
            out = os.path.join(work, "callgrind.out")
            subprocess.run(
                ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}",
                 BINARY, *args],
                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            run = costs(out)
            print(f"{sum(run.values()) / 1e6:8.1f}M instructions, {len(run):5} functions: "
                  f"{' '.join(os.path.basename(a) for a in args[:2])}")
            total.update(run)
            os.remove(out)
    known = functions_in(BINARY)
    ordered = sorted((n for n in total if n in known and total[n] > 0), key=lambda n: (-total[n], n))
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(ordered) + "\n")
    print(f"{len(ordered)} functions written to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
