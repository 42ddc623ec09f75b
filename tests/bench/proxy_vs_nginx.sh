#!/usr/bin/env bash
# Issue 2 benchmark: wrk through nginx (Debian, 1 worker, reverse proxy with upstream keep-alive) and
# through `routescope serve --workers 1`, both in front of the same nginx `return 200` upstream.
# nginx is configured as APISIX's generated nginx.conf proxies a route (apisix/cli/ngx_tpl.lua and its
# defaults): the Host as sent, X-Real-IP, X-Forwarded-For/-Proto/-Host/-Port, upstream keep-alive of 320
# connections for 1000 requests each; so both send the upstream the same bytes and do the same work.
# The two are measured in alternating rounds and the medians compared, so that a noisy shared machine
# does not decide the ratio. Beside requests/s it reports the CPU time each proxy and the upstream spent
# per request, which tells where a difference comes from: on a 2-core machine the proxy, the upstream and
# wrk share the cores, and a proxy that makes the upstream wake more often slows the whole run without
# costing more itself. PIN=1 pins both proxies to CPU 0, the upstream and wrk to CPU 1.
# Usage: [PIN=1] tests/bench/proxy_vs_nginx.sh [BUILD_DIR] [DURATION_S] [CONNECTIONS] [ROUNDS]
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
ngx_worker=$(pgrep -P "$(cat "$work/proxy.pid")" | head -1)
up_worker=$(pgrep -P "$(cat "$work/upstream.pid")" | head -1)
load=()
if [ "${PIN:-0}" = 1 ]; then
  taskset -a -p -c 0 "$rs_pid" > /dev/null; taskset -p -c 0 "$ngx_worker" > /dev/null
  taskset -p -c 1 "$up_worker" > /dev/null; load=(taskset -c 1)
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system, all threads
measure() { # name url proxy_pid -> "rps p99_ms proxy_us_per_request upstream_us_per_request"
  "${load[@]}" wrk -t1 -c"$conns" -d2s "$2" > /dev/null # warm-up
  local p0 u0 p1 u1
  p0=$(cpu_ticks "$3"); u0=$(cpu_ticks "$up_worker")
  "${load[@]}" wrk -t1 -c"$conns" -d"${duration}s" --latency "$2" > "$work/$1.wrk"
  p1=$(cpu_ticks "$3"); u1=$(cpu_ticks "$up_worker")
  awk -v p=$((p1 - p0)) -v u=$((u1 - u0)) -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n = $1} /Requests\/sec/ {rps = $2}
    $1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v = v / 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)}
                 else if (v ~ /s$/) {sub(/s/, "", v); v = v * 1000}; p99 = v}
    END {printf "%s %s %.1f %.1f\n", rps, p99, p * 1e6 / hz / n, u * 1e6 / hz / n}' "$work/$1.wrk"
}
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
: > "$work/nginx.runs"; : > "$work/routescope.runs"
for round in $(seq "$rounds"); do
  measure nginx "http://127.0.0.1:$NGX/x" "$ngx_worker" >> "$work/nginx.runs"
  measure routescope "http://127.0.0.1:$RSP/x" "$rs_pid" >> "$work/routescope.runs"
  printf 'round %s: nginx %s, routescope %s (req/s p99_ms proxy_cpu_us upstream_cpu_us)\n' "$round" \
    "$(tail -1 "$work/nginx.runs")" "$(tail -1 "$work/routescope.runs")"
done
n_rps=$(cut -d' ' -f1 "$work/nginx.runs" | median); n_p99=$(cut -d' ' -f2 "$work/nginx.runs" | median)
r_rps=$(cut -d' ' -f1 "$work/routescope.runs" | median); r_p99=$(cut -d' ' -f2 "$work/routescope.runs" | median)
n_cpu=$(cut -d' ' -f3 "$work/nginx.runs" | median); n_up=$(cut -d' ' -f4 "$work/nginx.runs" | median)
r_cpu=$(cut -d' ' -f3 "$work/routescope.runs" | median); r_up=$(cut -d' ' -f4 "$work/routescope.runs" | median)
rss=$(awk '/VmRSS/ {print $2/1024}' /proc/$rs_pid/status)
printf 'wrk -t1 -c%s -d%ss, one worker each, same upstream; medians of %s rounds%s\n' "$conns" "$duration" \
  "$rounds" "$([ ${#load[@]} -gt 0 ] && echo '; proxies on CPU 0, upstream and wrk on CPU 1')"
printf '%-12s %12s %10s %22s %25s\n' target req/s p99_ms 'proxy CPU us/request' 'upstream CPU us/request'
printf '%-12s %12s %10s %22s %25s\n' nginx "$n_rps" "$n_p99" "$n_cpu" "$n_up" routescope "$r_rps" "$r_p99" "$r_cpu" "$r_up"
awk -v a="$r_rps" -v b="$n_rps" -v c="$r_p99" -v d="$n_p99" 'BEGIN {
  printf "ratio: requests/s %.2fx nginx (target >= 1.00), p99 %.2fx nginx (target <= 1.10)\n", a/b, c/d }'
awk -v a="$r_cpu" -v b="$n_cpu" -v c="$r_up" -v d="$n_up" 'BEGIN {
  printf "CPU per request: proxy %.2fx nginx'"'"'s, upstream %.2fx what it spends behind nginx\n", a/b, c/d }'
printf 'routescope resident memory after the run: %.0f MiB\n' "$rss"
