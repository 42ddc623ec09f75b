#!/usr/bin/env bash
# Runs the fuzz targets of a ROUTESCOPE_FUZZ build.
#   tests/fuzz/run.sh BUILD SECONDS [TARGET...]   fuzz each target for SECONDS (two at a time), report
#                                                 executions and findings; exit 1 on any finding
#   tests/fuzz/run.sh --replay BUILD TARGET       run the target once over its seeds and regressions (ctest)
# Corpora grow in BUILD/fuzz/corpus/<target>; a crashing input is kept as BUILD/fuzz/findings/<target>-*:
# copy it to tests/fuzz/regressions/<target>/ when fixing it, so that ctest replays it from then on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

inputs() { # the directories that hold the target's seeds and regressions
    local build=$1 target=$2 d
    for d in "$here/seeds/$target" "$build/fuzz/seeds/$target" "$here/regressions/$target"; do
        [ -d "$d" ] && echo "$d"
    done
    return 0
}

if [ "${1:-}" = "--replay" ]; then
    build=$2 target=$3
    mapfile -t dirs < <(inputs "$build" "$target")
    exec "$build/fuzz/fuzz_$target" -runs=0 "${dirs[@]}"
fi

build=${1:?usage: run.sh BUILD SECONDS [TARGET...]} seconds=${2:?seconds per target}
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(request response runner_gateway runner_side adminapi import workspace)
fi
"$build/fuzz/fuzz_seeds" "$build/fuzz/seeds"
rm -rf "$build/fuzz/findings"
mkdir -p "$build/fuzz/findings" "$build/fuzz/logs"

fuzz_one() {
    local target=$1 corpus="$build/fuzz/corpus/$1"
    mkdir -p "$corpus"
    mapfile -t dirs < <(inputs "$build" "$target")
    "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$build/fuzz/findings/$target-" "$corpus" "${dirs[@]}" >"$build/fuzz/logs/$target.log" 2>&1
}

pids=() failed=0
for target in "${targets[@]}"; do
    fuzz_one "$target" & pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done

printf '%-16s %12s %10s %8s  %s\n' target executions exec/s corpus finding
for target in "${targets[@]}"; do
    log="$build/fuzz/logs/$target.log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(find "$build/fuzz/corpus/$target" -type f | wc -l)
    finding=$(ls "$build/fuzz/findings/$target-"* 2>/dev/null | head -1 || true)
    printf '%-16s %12s %10s %8s  %s\n' "$target" "${runs:-?}" "${rate:-?}" "$corpus" "${finding:-none}"
    if [ -n "$finding" ]; then
        grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error' "$log" || true
    fi
done
exit $failed
