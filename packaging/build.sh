#!/usr/bin/env bash
# Build a double-clickable folder bundle with PyInstaller, plus a .desktop entry.
set -euo pipefail
cd "$(dirname "$0")/.."
make .venv/.installed >/dev/null
.venv/bin/python -m pip install --quiet "pyinstaller>=6.10"
.venv/bin/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/neural-explorer.spec
cp packaging/neural-explorer.desktop dist/neural-explorer/
echo "built dist/neural-explorer/neural-explorer"
