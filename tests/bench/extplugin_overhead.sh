#!/usr/bin/env bash
# Issue 3 benchmark: wrk through the same route plain, with ext-plugin-post-resp whose runner plugin
# returns "no change" (demo runner `noop`), and with one that rewrites the body through RespBody
# (demo runner `body` append). Throughput with 50 connections, latency with 1 connection.
# The routes are measured in alternating rounds, and the ratios of each round's own figures summarised
# by their median (a shared machine is noisy: its slow spells last seconds).
# Usage: tests/bench/extplugin_overhead.sh [BUILD_DIR] [DURATION_S] [ROUNDS]
set -euo pipefail
build=${1:-build}
duration=${2:-3}
rounds=${3:-9}
routescope=$(realpath "$build/bin/routescope")
runner=$(realpath "$build/bin/routescope-demo-runner")
. "$(dirname "$0")/lib.sh"
need_tools
UP=18981 RSP=18083 RSA=18183
start_upstream $UP
start_routescope_with_runner
node="\"upstream\":{\"nodes\":{\"127.0.0.1:$UP\":1}}"
put_route plain "{\"uri\":\"/plain\",$node}" >/dev/null
put_route noop "{\"uri\":\"/noop\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"noop\",\"value\":\"\"}]}},$node}" >/dev/null
put_route body "{\"uri\":\"/body\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"body\",\"value\":\"{\\\"append\\\":\\\"!\\\"}\"}]}},$node}" >/dev/null
sleep 0.5
[ "$(curl -s "http://127.0.0.1:$RSP/body")" = "$(printf 'hello from upstream\n!')" ] || { echo "body route not working:"; curl -si "http://127.0.0.1:$RSP/body"; cat "$work/rs.log"; exit 1; }

ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.3f", v}' <<< "$1"; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
range() { sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f-%.2f", lo, hi}'; }
for r in plain noop body; do wrk -t1 -c50 -d2s "http://127.0.0.1:$RSP/$r" > /dev/null; done # warm-up
# Throughput: the three routes back to back in each round, so a slow spell of the shared machine hits
# all three alike; each round gives its own noop/plain and body/plain ratios.
for round in $(seq "$rounds"); do
  for r in plain noop body; do
    wrk -t1 -c50 -d"${duration}s" "http://127.0.0.1:$RSP/$r" | awk '/Requests\/sec/ {print $2}' >> "$work/$r.rps"
  done
  p=$(tail -1 "$work/plain.rps"); n=$(tail -1 "$work/noop.rps"); b=$(tail -1 "$work/body.rps")
  awk -v p="$p" -v n="$n" 'BEGIN {printf "%.4f\n", n/p}' >> "$work/noop.ratio"
  awk -v p="$p" -v b="$b" 'BEGIN {printf "%.4f\n", b/p}' >> "$work/body.ratio"
  printf 'round %s: plain %s, noop %s (%.2fx), body %s (%.2fx) req/s\n' "$round" "$p" "$n" \
    "$(tail -1 "$work/noop.ratio")" "$b" "$(tail -1 "$work/body.ratio")"
done
# Latency: one connection, the same alternation.
for round in $(seq "$rounds"); do
  for r in plain noop body; do
    ms "$(wrk -t1 -c1 -d"${duration}s" --latency "http://127.0.0.1:$RSP/$r" | awk '$1=="50%" {print $2}')" >> "$work/$r.p50"
    echo >> "$work/$r.p50"
  done
done
declare -A rps p50
for r in plain noop body; do
  rps[$r]=$(median < "$work/$r.rps"); p50[$r]=$(median < "$work/$r.p50")
done
printf 'wrk -t1 -c50 -d%ss (req/s) and -c1 (median latency), routescope serve --workers 1, demo runner; medians of %s rounds\n' "$duration" "$rounds"
printf '%-8s %12s %14s\n' route req/s median_ms
for r in plain noop body; do printf '%-8s %12s %14s\n' "$r" "${rps[$r]}" "${p50[$r]}"; done
printf 'no-change post-resp: %.2fx plain req/s (median of the rounds; rounds %s; target >= 0.70), median +%.0f us (target <= 60 us)\n' \
  "$(median < "$work/noop.ratio")" "$(range < "$work/noop.ratio")" "$(awk -v a="${p50[noop]}" -v b="${p50[plain]}" 'BEGIN {print (a-b)*1000}')"
printf 'body rewrite via RespBody: %.2fx plain req/s (rounds %s), median +%.0f us\n' \
  "$(median < "$work/body.ratio")" "$(range < "$work/body.ratio")" "$(awk -v a="${p50[body]}" -v b="${p50[plain]}" 'BEGIN {print (a-b)*1000}')"
