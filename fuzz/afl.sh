#!/usr/bin/env bash
# Fuzzing on the stable toolchain with cargo-afl and the AFL++ it builds (docs/fuzzing.md).
#
#   fuzz/afl.sh setup                 build cargo-afl's own AFL++ (once per toolchain)
#   fuzz/afl.sh build                 instrumented build of every target (a full typst build)
#   fuzz/afl.sh run TARGET [SECONDS]  fuzz TARGET from fuzz/corpus/TARGET/ (default 1800 s)
#   fuzz/afl.sh stats TARGET          executions, corpus, crashes and hangs of the last run
#
# Needs `cargo install cargo-afl` (and clang, make for the setup). The instrumented targets
# link the runtime of the AFL++ that cargo-afl builds from its bundled source, and `cargo afl
# fuzz` runs that same AFL++'s afl-fuzz, so both speak one fork-server protocol (a Debian
# afl-fuzz of another version aborts with "Unable to request new process from fork server").
# Everything runs at the lowest priority and builds into target/afl, apart from the ordinary
# build. Not part of .ci/run.
set -euo pipefail
cd "$(dirname "$0")"

command -v cargo-afl >/dev/null || { echo "error: cargo-afl is missing (cargo install cargo-afl)" >&2; exit 1; }

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target/afl}"
# Fuzzing wants many runs more than the fastest code: opt-level 1 halves the build.
export AFL_OPT_LEVEL="${AFL_OPT_LEVEL:-1}"
export RUSTFLAGS="--cfg brief_afl ${RUSTFLAGS:-}"

findings_of() { echo "$CARGO_TARGET_DIR/findings/$1"; }

case "${1:-}" in
  setup)
    nice -n 19 cargo afl config --build --force
    ;;
  build)
    nice -n 19 cargo afl build --release --no-default-features --features afl
    ;;
  run)
    target="${2:?which target}"
    seconds="${3:-1800}"
    findings=$(findings_of "$target")
    mkdir -p "$findings"
    # The seeds up to 8 KB: the corpus's big cases (20,000 list markers, 50,000 `*`) take
    # hundreds of milliseconds a run instrumented, and mutating them stalls the fuzzer; they
    # stay in the corpus `cargo test` replays. A second run with the same findings folder
    # resumes it (-i -).
    input="$findings/seeds"
    rm -rf "$input" && mkdir -p "$input"
    find "corpus/$target" -type f -size -8193c -exec cp {} "$input/" \;
    [ -f "$findings/default/fuzzer_stats" ] && input=-
    # -t is per run in ms; the map size is what the instrumented targets report.
    AFL_MAP_SIZE="${AFL_MAP_SIZE:-8388608}" AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
      AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_AUTORESUME=1 \
      nice -n 19 cargo afl fuzz -V "$seconds" -t 2000 -m none -i "$input" -o "$findings" \
      -- "$CARGO_TARGET_DIR/release/$target"
    ;;
  stats)
    target="${2:?which target}"
    stats="$(findings_of "$target")/default/fuzzer_stats"
    [ -f "$stats" ] || { echo "error: no run of $target yet ($stats)" >&2; exit 1; }
    grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|stability|bitmap_cvg) ' "$stats"
    ;;
  *)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
