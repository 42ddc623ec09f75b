#!/usr/bin/env bash
# Issue 11 benchmark: what an idle keep-alive client connection costs in resident memory, RouteScope
# (`serve --workers 1`) beside nginx (Debian, 1 worker, reverse proxy), both in front of the same nginx
# `return 200` upstream. N connections each make one request and then stay open and silent.
# Usage: tests/bench/idle_connections.sh [BUILD_DIR] [CONNECTIONS]
set -euo pipefail
build=${1:-build}
conns=${2:-2000}
routescope=$(realpath "$build/bin/routescope")
. "$(dirname "$0")/lib.sh"
need_tools
ulimit -n $((conns * 2 + 256))
UP=18990 NGX=18091 RSP=18092 RSA=18192
start_upstream $UP
cat > "$work/proxy.conf" <<CONF
worker_processes 1; daemon on; pid $work/proxy.pid; error_log $work/proxy.err;
worker_rlimit_nofile $((conns * 2 + 256));
events { worker_connections $((conns * 2 + 128)); }
http { access_log off; keepalive_timeout 600s;
  upstream backend { server 127.0.0.1:$UP; keepalive 32; }
  server { listen 127.0.0.1:$NGX;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
nginx -c "$work/proxy.conf" -p "$work"
cat > "$work/ws.json" <<JSON
{"http": {"keepalive_timeout": "600s", "worker_connections": $((conns + 64))}}
JSON
start_routescope_beside_nginx
ngx_worker=$(pgrep -P "$(cat "$work/proxy.pid")" | head -1)

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
measure() { # name port pid -> bytes per idle connection
  local before after
  for _ in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$2/warm"; done
  before=$(rss_kb "$3")
  python3 - "$2" "$conns" "$work/$1.ready" <<'PY' &
import socket, sys, time
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
keep = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /x HTTP/1.1\r\nHost: bench\r\n\r\n")
    got = b""
    while not got.endswith(b"hello from upstream\n"):
        got += s.recv(4096)
    keep.append(s)
open(ready, "w").close()
time.sleep(30)
PY
  local client=$!
  for _ in $(seq 600); do [ -e "$work/$1.ready" ] && break; sleep 0.1; done
  sleep 1
  after=$(rss_kb "$3")
  kill $client; wait $client 2>/dev/null || true
  echo $(( (after - before) * 1024 / conns ))
}
n=$(measure nginx $NGX "$ngx_worker")
r=$(measure routescope $RSP $rs_pid)
printf '%s idle keep-alive connections after one request each, one worker each\n' "$conns"
printf '%-12s %16s\n' target bytes/connection nginx "$n" routescope "$r"
awk -v a="$r" -v b="$n" 'BEGIN { if (b > 0) printf "ratio: %.1fx nginx\n", a/b }'
