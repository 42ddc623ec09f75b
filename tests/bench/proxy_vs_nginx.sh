#!/usr/bin/env bash
# Issue 2 benchmark: wrk through nginx (Debian, 1 worker, reverse proxy with upstream keep-alive) and
# through `routescope serve --workers 1`, both in front of the same nginx `return 200` upstream.
# nginx is configured as APISIX's generated nginx.conf proxies a route (apisix/cli/ngx_tpl.lua and its
# defaults): the Host as sent, X-Real-IP, X-Forwarded-For/-Proto/-Host/-Port, upstream keep-alive of 320
# connections for 1000 requests each; so both send the upstream the same bytes and do the same work.
# The two are measured in alternating rounds and the medians compared, so that a noisy shared machine
# does not decide the ratio.
# Usage: tests/bench/proxy_vs_nginx.sh [BUILD_DIR] [DURATION_S] [CONNECTIONS] [ROUNDS]
set -euo pipefail
build=${1:-build}
duration=${2:-10}
conns=${3:-50}
rounds=${4:-3}
routescope=$(realpath "$build/bin/routescope")
. "$(dirname "$0")/lib.sh"
need_tools
UP=18980 NGX=18081 RSP=18082 RSA=18182
start_upstream $UP
cat > "$work/proxy.conf" <<CONF
worker_processes 1; daemon on; pid $work/proxy.pid; error_log $work/proxy.err;
events { worker_connections 4096; }
http { access_log off; charset utf-8; # as APISIX's nginx.conf
  upstream backend { server 127.0.0.1:$UP; keepalive 320; keepalive_requests 1000; keepalive_timeout 60s; }
  server { listen 127.0.0.1:$NGX; keepalive_requests 1000000;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$http_host; proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host; proxy_set_header X-Forwarded-Port \$server_port; } } }
CONF
nginx -c "$work/proxy.conf" -p "$work"
start_routescope_beside_nginx

measure() { # name url -> "rps p99_ms"
  wrk -t1 -c"$conns" -d2s "$2" > /dev/null # warm-up
  wrk -t1 -c"$conns" -d"${duration}s" --latency "$2" > "$work/$1.wrk"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.wrk")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$work/$1.wrk")
  echo "$rps $p99"
}
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
: > "$work/nginx.runs"; : > "$work/routescope.runs"
for round in $(seq "$rounds"); do
  measure nginx "http://127.0.0.1:$NGX/x" >> "$work/nginx.runs"
  measure routescope "http://127.0.0.1:$RSP/x" >> "$work/routescope.runs"
  printf 'round %s: nginx %s, routescope %s (req/s p99_ms)\n' "$round" "$(tail -1 "$work/nginx.runs")" \
    "$(tail -1 "$work/routescope.runs")"
done
n_rps=$(cut -d' ' -f1 "$work/nginx.runs" | median); n_p99=$(cut -d' ' -f2 "$work/nginx.runs" | median)
r_rps=$(cut -d' ' -f1 "$work/routescope.runs" | median); r_p99=$(cut -d' ' -f2 "$work/routescope.runs" | median)
rss=$(awk '/VmRSS/ {print $2/1024}' /proc/$rs_pid/status)
printf 'wrk -t1 -c%s -d%ss, one worker each, same upstream; medians of %s rounds\n' "$conns" "$duration" "$rounds"
printf '%-12s %12s %10s\n' target req/s p99_ms
printf '%-12s %12s %10s\n' nginx "$n_rps" "$n_p99" routescope "$r_rps" "$r_p99"
awk -v a="$r_rps" -v b="$n_rps" -v c="$r_p99" -v d="$n_p99" 'BEGIN {
  printf "ratio: requests/s %.2fx nginx (target >= 1.00), p99 %.2fx nginx (target <= 1.10)\n", a/b, c/d }'
printf 'routescope resident memory after the run: %.0f MiB\n' "$rss"
