#!/usr/bin/env bash
# Fuzzing on the stable toolchain with cargo-afl and Debian's AFL++ (docs/fuzzing.md).
#
#   fuzz/afl.sh build                 instrumented build of every target (a full typst build)
#   fuzz/afl.sh run TARGET [SECONDS]  fuzz TARGET from fuzz/corpus/TARGET/ (default 1800 s)
#
# Needs `apt-get install afl++` and `cargo install cargo-afl`. cargo-afl links the runtime it
# finds in its data folder; this script puts Debian's own runtime there, so the instrumented
# targets and Debian's afl-fuzz speak the same protocol version. Everything runs at the lowest
# priority and builds into target/afl, apart from the ordinary build. Not part of .ci/run.
set -euo pipefail
cd "$(dirname "$0")"

runtime=/usr/lib/afl/afl-compiler-rt.o
[ -f "$runtime" ] || { echo "error: $runtime is missing (apt-get install afl++)" >&2; exit 1; }
command -v cargo-afl >/dev/null || { echo "error: cargo-afl is missing (cargo install cargo-afl)" >&2; exit 1; }

version=$(rustc -vV | sed -n 's/^release: //p')
commit=$(rustc -vV | sed -n 's/^commit-hash: //p' | cut -c1-7)
afl_version=$(cargo afl --version 2>/dev/null | awk '{print $NF}')
data="${XDG_DATA_HOME:-$HOME/.local/share}/afl.rs/rustc-$version-$commit/afl.rs-$afl_version"
mkdir -p "$data/afl-llvm" "$data/afl/bin"
cp "$runtime" "$data/afl-llvm/afl-compiler-rt.o"
ln -sf "$(command -v afl-fuzz)" "$data/afl/bin/afl-fuzz"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target/afl}"
# Fuzzing wants many runs more than the fastest code: opt-level 1 halves the build.
export AFL_OPT_LEVEL="${AFL_OPT_LEVEL:-1}"
export RUSTFLAGS="--cfg brief_afl ${RUSTFLAGS:-}"

case "${1:-}" in
  build)
    nice -n 19 cargo afl build --release --no-default-features --features afl
    ;;
  run)
    target="${2:?which target}"
    seconds="${3:-1800}"
    findings="$CARGO_TARGET_DIR/findings/$target"
    mkdir -p "$findings"
    # Inputs beyond 64 KB say nothing a smaller one cannot; -t is per run in ms.
    AFL_MAP_SIZE="${AFL_MAP_SIZE:-8388608}" AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
      nice -n 19 afl-fuzz -V "$seconds" -t 2000 -m none -i "corpus/$target" -o "$findings" \
      -- "$CARGO_TARGET_DIR/release/$target"
    ;;
  *)
    sed -n '2,10p' "$0" >&2
    exit 2
    ;;
esac
