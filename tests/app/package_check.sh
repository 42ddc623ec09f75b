#!/usr/bin/env bash
# The Debian package and the tarball (issue 16): cpack makes both; the .deb declares its library
# dependencies and holds what `cmake --install` lays out; apt could install it here; unpacked, it runs
# `routescope --version`, `--self-test` and a `serve` smoke run (a request through the demo route).
# With --install (tests/run-all.sh, as root on the CI machine): installed for real with apt-get, run from
# /usr/bin, then removed. Usage: package_check.sh BUILD_DIR GUI(ON|OFF) [--install]
set -euo pipefail
build=$(cd "$1" && pwd)
gui=$2
install=${3:-}
work=$(mktemp -d)
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "package_check: $*" >&2; exit 1; }

(cd "$work" && cpack --config "$build/CPackConfig.cmake" > cpack.log 2>&1) || { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/routescope_*_amd64.deb 2>/dev/null | head -1)
tgz=$(ls "$work"/routescope-*-linux-*.tar.gz 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb made"
[ -n "$tgz" ] || fail "no tarball made"
echo "made $(basename "$deb") ($(stat -c %s "$deb") bytes) and $(basename "$tgz") ($(stat -c %s "$tgz") bytes)"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
needed=(libc6 libstdc++6 libqt6core6 libqt6network6 libyaml-cpp0.7)
files=(usr/bin/routescope usr/bin/routescope-demo-runner)
if [ "$gui" = ON ]; then
  needed+=(libqt6widgets6 libqscintilla2-qt6-15 qt6-qpa-plugins)
  files+=(usr/share/applications/routescope.desktop usr/share/icons/hicolor/scalable/apps/routescope.svg
          usr/share/metainfo/io.github.routescope.metainfo.xml)
fi
names=$(tr ',' '\n' <<< "$depends" | sed 's/^ *//; s/ .*//')
for p in "${needed[@]}"; do
  grep -Fxq "$p" <<< "$names" || fail "Depends lacks $p"
done
listing=$(dpkg-deb -c "$deb")
for f in "${files[@]}"; do
  grep -q " \./$f\$" <<< "$listing" || fail "the .deb lacks /$f"
done
tar -tzf "$tgz" | grep -Eq '^routescope-[^/]+/bin/routescope$' || fail "the tarball lacks bin/routescope at its top"
if command -v apt-get > /dev/null; then
  apt-get install -s "$deb" > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get could not install the .deb here"; }
fi

# Runs the installed (or unpacked) binaries: the version, the self-test, and serve with one request.
smoke() {
  local bin=$1
  "$bin/routescope" --version | grep -q '^routescope [0-9]' || fail "$bin/routescope --version"
  "$bin/routescope" --self-test > "$work/self-test.log" 2>&1 || { cat "$work/self-test.log"; fail "$bin/routescope --self-test"; }
  "$bin/routescope" serve --workspace "$work/serve.json" --proxy 127.0.0.1:0 --admin 127.0.0.1:0 --demo-upstream 127.0.0.1:0 \
      > "$work/serve.log" 2>&1 &
  serve_pid=$!
  local proxy=
  for _ in $(seq 100); do
    proxy=$(sed -n 's/^proxy *\(http:[^ ]*\)$/\1/p' "$work/serve.log")
    [ -n "$proxy" ] && grep -q "runner stdout: .*listening" "$work/serve.log" && break
    sleep 0.1
  done
  [ -n "$proxy" ] || { cat "$work/serve.log"; fail "serve did not say where it listens"; }
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "$proxy/demo/smoke")
  [ "$status" = 200 ] || { cat "$work/serve.log"; fail "serve answered $status to /demo/smoke"; }
  kill -TERM "$serve_pid"
  wait "$serve_pid" || fail "serve did not end cleanly on SIGTERM"
  serve_pid=
  rm -f "$work/serve.json"
  echo "ran $bin/routescope: --version, --self-test, serve (/demo/smoke: $status)"
}

dpkg-deb -x "$deb" "$work/root"
smoke "$work/root/usr/bin"
if [ "$install" = --install ]; then
  [ "$(id -u)" = 0 ] || fail "--install needs root"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
  smoke /usr/bin
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq routescope > /dev/null
  echo "installed with apt-get, run from /usr/bin, removed"
fi
