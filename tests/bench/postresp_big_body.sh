#!/usr/bin/env bash
# Issue 12 benchmark: a big body through ext-plugin-post-resp whose runner plugin changes nothing
# (demo runner `noop`) beside the plain route, both in front of nginx serving the same file: transfer
# rate (curl, alternating rounds, medians) and the engine's resident memory growth while it streams.
# Usage: tests/bench/postresp_big_body.sh [BUILD_DIR] [MEGABYTES] [ROUNDS]
set -euo pipefail
build=${1:-build}
mb=${2:-200}
rounds=${3:-3}
routescope=$(realpath "$build/bin/routescope")
runner=$(realpath "$build/bin/routescope-demo-runner")
. "$(dirname "$0")/lib.sh"
need_tools
UP=18982 RSP=18084 RSA=18184
mkdir -p "$work/files"
head -c $((mb * 1024 * 1024)) /dev/zero > "$work/files/big"
chmod 755 "$work" "$work/files"; chmod 644 "$work/files/big" # nginx workers read it as nobody
cat > "$work/files.conf" <<CONF
worker_processes 1; daemon on; pid $work/files.pid; error_log $work/files.err;
events { worker_connections 1024; }
http { access_log off; sendfile on;
  server { listen 127.0.0.1:$UP; location / { root $work/files; } } }
CONF
nginx -c "$work/files.conf" -p "$work"
start_routescope_with_runner
node="\"upstream\":{\"nodes\":{\"127.0.0.1:$UP\":1}}"
put_route plain "{\"uri\":\"/big\",$node}" >/dev/null
put_route post "{\"uri\":\"/viapost\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"noop\",\"value\":\"\"}]}},$node}" >/dev/null
ln -s big "$work/files/viapost" # the same file, under the post-resp route's path
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$rs_pid/status"; }
measure() { # url -> "bytes_per_s peak_growth_mib"
  local before peak r pid out
  before=$(rss); peak=$before
  curl -s -o /dev/null -w '%{speed_download} %{size_download}' "$1" > "$work/curl.out" & pid=$!
  while kill -0 $pid 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.02; done
  wait $pid
  out=$(cat "$work/curl.out")
  [ "${out#* }" = "$((mb * 1024 * 1024))" ] || { echo "short download from $1: $out" >&2; curl -s "$1" | head -c 300 >&2; exit 1; }
  echo "${out% *} $((peak - before))"
}
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
: > "$work/plain.runs"; : > "$work/post.runs"
for round in $(seq "$rounds"); do
  measure "http://127.0.0.1:$RSP/big" >> "$work/plain.runs"
  measure "http://127.0.0.1:$RSP/viapost" >> "$work/post.runs"
  printf 'round %s: plain %s, post-resp %s (bytes/s, RSS growth MiB)\n' "$round" "$(tail -1 "$work/plain.runs")" "$(tail -1 "$work/post.runs")"
done
p=$(cut -d' ' -f1 "$work/plain.runs" | median); q=$(cut -d' ' -f1 "$work/post.runs" | median)
g=$(cut -d' ' -f2 "$work/post.runs" | sort -g | tail -1)
printf '%s MB body, curl, one worker; medians of %s rounds\n' "$mb" "$rounds"
awk -v a="$q" -v b="$p" -v g="$g" 'BEGIN {
  printf "plain %.0f MB/s, no-change post-resp %.0f MB/s: %.2fx (target >= 0.90); post-resp RSS growth at most %s MiB (target < 32)\n", b/1e6, a/1e6, a/b, g }'
