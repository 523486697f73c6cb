#!/usr/bin/env bash
# Run a built bundle the way a double-click does and fail if it does not work:
# no terminal (stdin from /dev/null), working directory /, a fresh HOME (so the default
# data folder is new and empty), a minimal environment, a virtual screen with OpenGL.
#
#   bash packaging/package_test.sh [dist/neural-explorer]
#
# 1. `--self-test`: resources, MLP to 100 % in a child process, a shipped recurrent net,
#    a few Kuzushiji batches, the OpenGL 3-D view; must exit 0.
# 2. the window itself: starts, shows its tabs and quits (EXPLORER_STARTUP_PROBE=quit).
# 3. nothing was written outside the data folder (Mesa/fontconfig caches under ~/.cache
#    are the system libraries' own and allowed).
# 4. `--cli` answers, and the `.desktop` install works in the fresh HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=$(cd "${1:-dist/neural-explorer}" && pwd)
exe=$bundle/$(basename "$bundle")
[ -x "$exe" ] || { echo "error: no executable $exe (build it: make package)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "error: xvfb-run is missing (make system-packages)" >&2; exit 1; }

home=$(mktemp -d /tmp/neural-explorer-home.XXXXXX)
trap 'rm -rf "$home"' EXIT
data=$home/.local/share/NeuralDynamicsExplorer
marker=$home/.started
touch "$marker"
sleep 1  # mtime granularity: anything written from now on is newer than the marker

# What a desktop session passes to a launched app, and nothing from this shell
# (no PYTHONPATH, no venv, no QT_QPA_PLATFORM).
launch() {
  (cd / && env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@" </dev/null)
}
XVFB=(xvfb-run -a -s "-screen 0 1280x1024x24 +extension GLX +render -noreset")

echo "== self-test ($exe --self-test, cwd /, HOME=$home)"
if ! launch "${XVFB[@]}" timeout 300 "$exe" --self-test > "$home/selftest.out" 2>&1; then
  cat "$home/selftest.out"
  echo "error: the bundle's self-test failed (log: $data/logs/explorer.log)" >&2
  [ -f "$data/logs/explorer.log" ] && tail -30 "$data/logs/explorer.log" >&2
  exit 1
fi
grep -v -e "^QStandardPaths" "$home/selftest.out"
grep -q "ok  3-D view .*red pixels" "$home/selftest.out" || { echo "error: the 3-D view was not drawn" >&2; exit 1; }

echo "== window (starts, shows the tabs, quits)"
if ! launch EXPLORER_STARTUP_PROBE=quit "${XVFB[@]}" timeout 180 "$exe" > "$home/gui.out" 2>&1; then
  cat "$home/gui.out"
  echo "error: the window did not start (log: $data/logs/explorer.log)" >&2
  exit 1
fi
grep -q "startup ready" "$home/gui.out" || { cat "$home/gui.out"; echo "error: the tabs never got ready" >&2; exit 1; }
grep "^startup " "$home/gui.out"

echo "== command line ($exe --cli)"
launch "$exe" --cli mlp evaluate --reference --json > "$home/cli.out" 2>&1 \
  || { cat "$home/cli.out"; echo "error: --cli failed" >&2; exit 1; }
grep -q '"accuracy"' "$home/cli.out" || { cat "$home/cli.out"; echo "error: --cli printed no result" >&2; exit 1; }
echo "ok: $(head -c 120 "$home/cli.out")"

echo "== files written outside the data folder"
stray=$(find "$home" -newer "$marker" -type f -not -path "$data/*" -not -path "$home/.cache/*" \
        -not -name '*.out' | head -5)
stray_root=$(find / -maxdepth 1 -newer "$marker" -type f 2>/dev/null | head -5)
if [ -n "$stray$stray_root" ]; then
  echo "error: the bundle wrote outside its data folder: $stray $stray_root" >&2
  exit 1
fi
echo "ok: only under $data ($(find "$data" -type f | wc -l) files)"

echo "== desktop integration (fresh HOME)"
HOME=$home bash "$bundle/install-desktop.sh" "$bundle"
grep -q "^Exec=\"$exe\"$" "$home/.local/share/applications/neural-explorer.desktop" \
  || { echo "error: .desktop Exec is not the absolute path" >&2; exit 1; }
test -f "$home/.local/share/icons/hicolor/256x256/apps/neural-explorer.png"
echo "package test passed: $bundle"
