#!/usr/bin/env bash
# Build the double-clickable folder bundle with PyInstaller, then run it the way a
# double-click would (packaging/package_test.sh) and fail if it does not start.
#
#   bash packaging/build.sh          # dist/neural-explorer/      (torch 2.14.1 + torchvision, CUDA)
#   bash packaging/build.sh --cpu    # dist/neural-explorer-cpu/  (torch 2.13.0+cpu, no torchvision)
#   bash packaging/build.sh --venv-only [--cpu]   # only make the clean build venv
#
# The bundle is built from a clean venv under build/ made from pyproject.toml's
# dependencies plus the `package` extra, never from the dev .venv (which holds
# pytest, pygments, ruff… that PyInstaller would sweep in).
set -euo pipefail
cd "$(dirname "$0")/.."

variant=gpu
venv_only=0
for arg in "$@"; do
  case "$arg" in
    --cpu) variant=cpu ;;
    --venv-only) venv_only=1 ;;
    *) echo "error: unknown argument $arg (use --cpu, --venv-only)" >&2; exit 2 ;;
  esac
done

PY=${PY:-$(command -v python3.11 || command -v python3)}
venv=build/venv-$variant
name=neural-explorer
[ "$variant" = cpu ] && name=neural-explorer-cpu
start=$(date +%s)

# 1. The clean build venv, rebuilt when pyproject.toml or the requirement list changes.
mkdir -p build
reqs=build/requirements-$variant.txt
"$PY" packaging/requirements.py $([ "$variant" = cpu ] && echo --cpu) > "$reqs.new"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$reqs.new" "$venv/.requirements"; then
  echo "making the build venv $venv (this downloads torch: several minutes)"
  rm -rf "$venv"
  "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --progress-bar off -r "$reqs.new"
  cp "$reqs.new" "$venv/.requirements"
fi
rm -f "$reqs.new"
echo "build venv ready: $venv ($(du -sh "$venv/" | cut -f1))"  # venv/ : also through a symlink
[ "$venv_only" = 1 ] && exit 0

# 2. Icons for the Windows/macOS specs (skipped quietly when already up to date).
"$venv/bin/python" packaging/make_icons.py build/icons

# 3. The bundle.
EXPLORER_BUNDLE_VARIANT=$variant EXPLORER_BUNDLE_NAME=$name \
  "$venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath dist --workpath "build/pyinstaller-$variant" packaging/neural-explorer.spec
cp packaging/neural-explorer.desktop packaging/install-desktop.sh "dist/$name/"
ln -sf "$name" "dist/$name/neural-explorer-cli"  # the same program, as the command line
cp build/icons/neural-explorer.png "dist/$name/"
built=$(date +%s)

size=$(du -sh "dist/$name" | cut -f1)
files=$(find "dist/$name" -type f | wc -l)
echo "built dist/$name/$name: $size, $files files, $((built - start)) s"

# 4. Run it as a double-click would; a bundle that cannot start fails the build.
bash packaging/package_test.sh "dist/$name"
{
  echo "variant=$variant size=$size files=$files build_s=$((built - start)) test_s=$(( $(date +%s) - built ))"
} | tee "build/package-$variant.txt"
