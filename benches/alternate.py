#!/usr/bin/env python3
"""Alternates runs of one command under several environments, to compare two binaries side by
side on a noisy machine, and prints each one's median wall and CPU time (user + system, from
wait4), its peak memory, its ratio to the first, and the median of the rounds' ratios (each
round runs every environment once, in a shuffled order) with a 95% interval (bootstrap): a
change whose interval excludes 1.000 is more than the machine's noise.

    python3 benches/alternate.py RUNS ENV [ENV ...] -- COMMAND [ARG ...]

Each ENV is `NAME=VALUE;NAME=VALUE` (or `-` for none), set for the command; the command
usually reads the binary from one of them, such as a script ending in `exec "$BIN" build ...`,
or names it as `$BIN` among the command's words (quoted for the shell), which runs it directly:

    python3 benches/alternate.py 40 "BIN=/tmp/old/brief" "BIN=target/release/brief" -- ./build.sh
    python3 benches/alternate.py 300 "BIN=/tmp/old/brief" "BIN=target/release/brief" -- \
        '$BIN' check --quiet briefs/canada-korea-defence-2025.yaml
"""
import os
import random
import statistics
import string
import subprocess
import sys
import time


def main(args):
    runs = int(args.pop(0))
    split = args.index("--")
    envs, command = args[:split], args[split + 1:]
    wall = {e: [] for e in envs}
    cpu = {e: [] for e in envs}
    peak = {e: [] for e in envs}
    for _ in range(runs):
        for e in random.sample(envs, len(envs)):
            env = dict(os.environ)
            if e != "-":
                for pair in e.split(";"):
                    name, value = pair.split("=", 1)
                    env[name] = value
            # `$NAME` in the command's words is that environment's value, so a binary can be
            # named without a shell in between (whose start-up would blur a 3 ms command).
            words = [string.Template(word).safe_substitute(env) for word in command]
            started = time.perf_counter()
            child = subprocess.Popen(words, env=env, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            wall[e].append(time.perf_counter() - started)
            if status != 0:
                sys.exit(f"{command} failed under {e}")
            cpu[e].append(usage.ru_utime + usage.ru_stime)
            peak[e].append(usage.ru_maxrss / 1024)
    base = statistics.median(wall[envs[0]])
    for e in envs:
        m = statistics.median(wall[e])
        pairs = [a / b for a, b in zip(wall[e], wall[envs[0]])]
        resampled = sorted(
            statistics.median(random.choices(pairs, k=len(pairs))) for _ in range(1000)
        )
        print(
            f"{e:60s} wall {m * 1000:8.1f} ms  cpu {statistics.median(cpu[e]) * 1000:8.1f} ms"
            f"  ratio {m / base:.3f}  pairs {statistics.median(pairs):.3f}"
            f" [{resampled[25]:.3f}, {resampled[974]:.3f}]  peak {max(peak[e]):.1f} MiB"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
