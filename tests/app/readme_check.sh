#!/usr/bin/env bash
# The README's "Try it" and "Your own runner" commands, run as a user pastes them (issue 16): `build/bin/routescope serve` on its
# default ports and default workspace (in a scratch HOME), the admin key read from that workspace, the
# Admin API calls and the requests through the proxy, each of which must succeed; then what the README
# says they show is checked in their output. The two commands at the README's top are .ci/run's.
# Usage: readme_check.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
readme="$(cd "$(dirname "$0")/../.." && pwd)/README.md"
work=$(mktemp -d)
runner_pid=
cleanup() {
  [ -f "$work/serve.pid" ] && kill "$(cat "$work/serve.pid")" 2>/dev/null || true
  [ -n "$runner_pid" ] && kill "$runner_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "readme_check: $*" >&2
  for log in out serve; do [ -f "$work/$log.log" ] && { echo "--- $log.log" >&2; tail -40 "$work/$log.log" >&2; }; done
  exit 1
}

for port in 9080 9180 1980; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use here; the README's commands use RouteScope's default ports"
  fi
done

# Every indented line of the "Try it" section, in order: its command blocks.
awk '/^## /{on = ($0 == "## Try it")} on && /^    /{print substr($0, 5)}' "$readme" > "$work/commands.sh"
grep -q '^build/bin/routescope serve' "$work/commands.sh" || fail "no 'build/bin/routescope serve' in the README's Try it"
grep -q '^curl ' "$work/commands.sh" || fail "no curl command in the README's Try it"

# serve runs in the background here (the README's reader runs it in a terminal of its own); curl fails on
# an HTTP error and keeps what it printed.
{
  echo 'set -euo pipefail'
  echo 'curl() { command curl --fail-with-body -sS --max-time 10 "$@" >> "$work/out.log"; echo >> "$work/out.log"; }'
  echo 'wait_ready() {'
  echo '  for _ in $(seq 100); do'
  echo '    [ -f "$HOME/.local/share/RouteScope/routescope/default.routescope.json" ] && grep -q "^proxy" "$work/serve.log" && return 0'
  echo '    kill -0 "$(cat "$work/serve.pid")" 2>/dev/null || return 1'
  echo '    sleep 0.1'
  echo '  done'
  echo '  return 1'
  echo '}'
  sed -E 's|^build/bin/routescope serve([^#]*)(#.*)?$|"$build/bin/routescope" serve \1 > "$work/serve.log" 2>\&1 \& echo $! > "$work/serve.pid"; wait_ready|' "$work/commands.sh"
} > "$work/script.sh"

export HOME="$work/home" build work
mkdir -p "$HOME"
unset XDG_DATA_HOME XDG_CONFIG_HOME ROUTESCOPE_ADMIN_KEY
bash "$work/script.sh" || fail "a README command failed"

out=$(cat "$work/out.log")
expect() { grep -qF -- "$1" <<< "$out" || fail "the README says the output shows '$1'; it does not"; }
expect 'HTTP/1.1 201'                                # the route is created
expect '"uri":"/index.html"'                         # the demo upstream echoes the request
# A command's comment that shows headers ("# name: value, name: value") is what its output must hold.
shown=0
while IFS= read -r header; do
  expect "$header"
  shown=$((shown + 1))
done < <(sed -nE 's/^curl [^#]*# *([A-Za-z0-9-]+: .*)$/\1/p' "$work/commands.sh" | sed 's/, \([A-Za-z0-9-]*: \)/\n\1/g')
[ "$shown" -ge 2 ] || fail "the README's Try it shows no headers to check (the docs' ext-plugin-A example)"
[ "$(grep -c '^HTTP/1.1 200' <<< "$out")" -ge 3 ] || fail "fewer 200 answers than the README's commands expect"
echo "readme_check: $(grep -c '^curl ' "$work/commands.sh") curl commands of the README's Try it ran as written"
kill "$(cat "$work/serve.pid")"
while kill -0 "$(cat "$work/serve.pid")" 2>/dev/null; do sleep 0.1; done
rm "$work/serve.pid"

# "Your own runner": each official runner's command line is taken as written (split as APISIX's
# ext-plugin.cmd is: the runner it names is not installed here, so it only has to be started as said) ...
awk '/^## /{on = ($0 == "## Your own runner")} on && /^    /{print substr($0, 5)}' "$readme" > "$work/runner.sh"
commands=0
while IFS= read -r cmd; do
  "$build/bin/routescope" serve --runner-cmd "$cmd" --proxy 127.0.0.1:0 --admin 127.0.0.1:0 --demo-upstream off > "$work/runner-cmd.log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -q "^runner  *$cmd\$" "$work/runner-cmd.log" && break; sleep 0.1; done
  kill "$pid"; wait "$pid" || true
  grep -q "^runner  *$cmd\$" "$work/runner-cmd.log" || { cat "$work/runner-cmd.log" >&2; fail "serve did not take --runner-cmd '$cmd' as the README gives it"; }
  commands=$((commands + 1))
done < <(sed -nE "s/^build\/bin\/routescope serve --runner-cmd '([^']*)'$/\1/p" "$work/runner.sh")
[ "$commands" -ge 3 ] || fail "the README gives fewer than three runner commands (Go, Java, Python)"
# ... and the socket workflow runs for real, with the demo runner in the place of the Go runner.
sock="$work/runner.sock"
started=$(sed -nE 's|^APISIX_LISTEN_ADDRESS=unix:/tmp/runner.sock /path/to/go-runner run$|x|p' "$work/runner.sh")
[ "$started" = x ] || fail "the README's runner started by hand is not 'APISIX_LISTEN_ADDRESS=unix:/tmp/runner.sock /path/to/go-runner run'"
grep -qx 'build/bin/routescope serve --runner-socket /tmp/runner.sock' "$work/runner.sh" || fail "the README's --runner-socket line changed"
APISIX_LISTEN_ADDRESS="unix:$sock" "$build/bin/routescope-demo-runner" > "$work/runner.log" 2>&1 &
runner_pid=$!
"$build/bin/routescope" serve --runner-socket "$sock" > "$work/serve.log" 2>&1 &
echo $! > "$work/serve.pid"
for _ in $(seq 100); do grep -q "^proxy" "$work/serve.log" && [ -S "$sock" ] && break; sleep 0.1; done
answer=$(command curl -sS -i --max-time 10 http://127.0.0.1:9080/index.html) || fail "no answer through --runner-socket"
kill "$runner_pid" 2>/dev/null || true
grep -qF 'x-ext-plugin-a: executed' <<< "$answer" || { echo "$answer" >&2; fail "a runner started by hand did not run route 1's ext-plugin-A"; }
echo "readme_check: $commands runner commands taken as written; a runner on --runner-socket served route 1"
