#!/usr/bin/env bash
# Builds an installable .deb offline from the same build as everything else:
#   scripts/package-deb.sh            → artifacts/comptoir_<version>_<arch>.deb
# It holds the desktop app (/usr/bin/comptoir-app), the CLI (/usr/bin/comptoir),
# a desktop entry and icons; it depends on the WebKitGTK runtime Debian ships.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$REPO_ROOT/scripts/build.sh"
version=$(grep -m1 '^version' "$REPO_ROOT/Cargo.toml" | cut -d'"' -f2)
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -Dm755 "$APP_BIN" "$root/usr/bin/comptoir-app"
install -Dm755 "$CLI_BIN" "$root/usr/bin/comptoir"
install -Dm644 "$REPO_ROOT/src-tauri/icons/128x128.png" "$root/usr/share/icons/hicolor/128x128/apps/comptoir.png"
install -Dm644 "$REPO_ROOT/src-tauri/icons/32x32.png" "$root/usr/share/icons/hicolor/32x32/apps/comptoir.png"
install -Dm644 /dev/stdin "$root/usr/share/applications/comptoir.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Comptoir
Comment=Turns the store's workbooks into live answers
Exec=comptoir-app
Icon=comptoir
Categories=Office;Finance;
DESKTOP
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: comptoir
Version: $version
Architecture: $arch
Maintainer: Comptoir <dev@comptoir.app>
Depends: libwebkit2gtk-4.1-0, libgtk-3-0
Section: office
Priority: optional
Description: Turns a store's Excel workbooks into live answers
 Offline desktop app and CLI: imports products, stock, clients and invoices
 from workbooks into one DuckDB file and shows winners, losers, stock at risk
 and client tiers.
CONTROL
mkdir -p "$REPO_ROOT/artifacts"
out="$REPO_ROOT/artifacts/comptoir_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$out" >/dev/null
echo "$out"
