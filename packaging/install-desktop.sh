#!/usr/bin/env bash
# Add the bundle to the desktop's application menu (Linux, this user only):
#   ~/.local/share/applications/neural-explorer.desktop   with an absolute Exec
#   ~/.local/share/icons/hicolor/{256x256,scalable}/apps/neural-explorer.{png,svg}
# Usage: install-desktop.sh [BUNDLE_DIR]   (default: the folder this script is in, i.e.
# run it from inside an unpacked dist/neural-explorer/). --uninstall removes both again.
# Honours XDG_DATA_HOME. Moving the bundle afterwards needs a re-run (Exec is absolute).
set -euo pipefail

uninstall=0
dir=""
for arg in "$@"; do
  case "$arg" in
    --uninstall) uninstall=1 ;;
    -*) echo "error: unknown option $arg (use --uninstall)" >&2; exit 2 ;;
    *) dir=$arg ;;
  esac
done
dir=${dir:-$(dirname "$0")}
data=${XDG_DATA_HOME:-$HOME/.local/share}
desktop=$data/applications/neural-explorer.desktop
png=$data/icons/hicolor/256x256/apps/neural-explorer.png
svg=$data/icons/hicolor/scalable/apps/neural-explorer.svg

refresh() {  # menus and icon caches pick the change up without a new login
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

if [ "$uninstall" = 1 ]; then
  rm -f "$desktop" "$png" "$svg"
  refresh
  echo "removed $desktop and the icons"
  exit 0
fi

dir=$(cd "$dir" 2>/dev/null && pwd) || { echo "error: no folder $dir" >&2; exit 1; }
exe=""
for candidate in "$dir/neural-explorer" "$dir/neural-explorer-cpu"; do
  [ -x "$candidate" ] && { exe=$candidate; break; }
done
[ -n "$exe" ] || { echo "error: $dir holds no neural-explorer executable (build it: make package)" >&2; exit 1; }
template=$dir/neural-explorer.desktop
[ -f "$template" ] || template=$(dirname "$0")/neural-explorer.desktop
[ -f "$template" ] || { echo "error: neural-explorer.desktop not found beside $exe" >&2; exit 1; }

mkdir -p "$(dirname "$desktop")" "$(dirname "$png")" "$(dirname "$svg")"
# The template has one group, [Desktop Entry], so the absolute keys can simply be appended.
# The desktop entry spec wants Exec quoted (spaces) with \ " ` $ escaped inside the quotes.
quoted=$(printf '%s' "$exe" | sed -e 's/[\\"`$]/\\&/g')
grep -v -e '^Exec=' -e '^TryExec=' -e '^Icon=' "$template" > "$desktop.tmp"
printf 'Exec="%s"\nTryExec=%s\nIcon=neural-explorer\n' "$quoted" "$exe" >> "$desktop.tmp"
chmod 644 "$desktop.tmp"
mv -f "$desktop.tmp" "$desktop"
for icon in "$dir/neural-explorer.png" "$dir/_internal/resources/icons/app.svg"; do
  case "$icon" in
    *.png) [ -f "$icon" ] && install -m 644 "$icon" "$png" ;;
    *.svg) [ -f "$icon" ] && install -m 644 "$icon" "$svg" ;;
  esac
done
[ -f "$png" ] || [ -f "$svg" ] || { echo "error: no icon found in $dir" >&2; exit 1; }
refresh
echo "installed $desktop (Exec=$exe) and the icon into $data/icons/hicolor"
