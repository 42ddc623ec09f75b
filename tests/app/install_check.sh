#!/usr/bin/env bash
# `cmake --install` into a temporary prefix lays out what a package needs (issue 16), and the desktop entry
# and the AppStream metainfo pass their validators. Usage: install_check.sh BUILD_DIR GUI(ON|OFF)
set -euo pipefail
build=$1
gui=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
expect=(bin/routescope bin/routescope-demo-runner)
if [ "$gui" = ON ]; then
  expect+=(share/applications/routescope.desktop share/icons/hicolor/scalable/apps/routescope.svg
           share/metainfo/io.github.routescope.metainfo.xml)
fi
for f in "${expect[@]}"; do
  [ -e "$prefix/$f" ] || { echo "missing after install: $f"; exit 1; }
done
"$prefix/bin/routescope" --version
if [ "$gui" = ON ]; then
  desktop-file-validate "$prefix/share/applications/routescope.desktop"
  appstreamcli validate --no-net "$prefix/share/metainfo/io.github.routescope.metainfo.xml"
fi
echo "installed: ${expect[*]}"
