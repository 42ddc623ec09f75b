#!/usr/bin/env bash
# The whole test run (README, .ci/run): the build with the window and its ctest; then the GUI-off build
# with clang, AddressSanitizer and UndefinedBehaviorSanitizer (every test again under them) and the fuzz
# targets, each fuzzed for FUZZ_SECONDS (60 unless set). `--quick`: the first build only.
# Each stage prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${FUZZ_SECONDS:-60}
start=$SECONDS
stage() { echo "== $1 ($((SECONDS - start)) s so far)"; }

stage "build (RelWithDebInfo, with the window) and ctest"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
ctest --test-dir build --output-on-failure
[ "${1:-}" = "--quick" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  stage "the Debian package installed with apt-get, run and removed"
  tests/app/package_check.sh build ON --install
fi

stage "build without the window, clang + ASan + UBSan + libFuzzer"
CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROUTESCOPE_GUI=OFF \
    -DROUTESCOPE_SANITIZE=address,undefined -DROUTESCOPE_FUZZ=ON
cmake --build build-sanitize
stage "ctest under the sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-sanitize --output-on-failure -j2
stage "fuzzing, ${fuzz_seconds} s per target"
tests/fuzz/run.sh build-sanitize "$fuzz_seconds"
stage "done"
