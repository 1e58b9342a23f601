#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (CMake preset "fuzz": clang, ASan, UBSan) and runs each one for
# SECONDS (default 30) on a copy of its seed corpus. Fails if any target finds a crash.
# Usage: scripts/fuzz.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-30}"

./scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

out="$PWD/build-fuzz/fuzz-out"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# UBSan findings already stop the run (-fno-sanitize-recover), and the stack shows where.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

failed=""
for entry in fuzz_http_request:http fuzz_multipart:multipart; do
    target="${entry%%:*}"
    corpus="$work/$target"
    mkdir -p "$corpus" "$out/$target"
    # A copy, so the run's new inputs never land in the source tree.
    cp fuzz/corpus/"${entry#*:}"/* "$corpus"/
    log="$out/$target.log"
    echo "== $target: ${seconds}s, log $log"
    if "build-fuzz/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$out/$target/" "$corpus" >"$log" 2>&1; then
        grep -E 'cov: ' "$log" | tail -n 1
        grep -E '^Done |^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$log" || true
    else
        tail -n 60 "$log"
        echo "== $target FAILED; the input is in $out/$target/"
        failed="$failed $target"
    fi
done

[ -z "$failed" ] || { echo "fuzz.sh: crashes in:$failed"; exit 1; }
echo "fuzz.sh: no crash in ${seconds}s per target"
