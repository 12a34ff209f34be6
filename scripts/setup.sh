#!/usr/bin/env bash
# Installs what Comptoir needs on a fresh Debian machine (idempotent).
#   scripts/setup.sh          packages for building and running the app
#   scripts/setup.sh --test   also what the tests need (WebKitWebDriver, tauri-driver, xdotool
#                             for the native dialogs, python3-gi + GTK 3 for the drag source)
set -euo pipefail
source "$(dirname "$0")/env.sh"

packages=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
          libayatana-appindicator3-dev librsvg2-dev libxdo-dev xvfb xauth dbus-x11)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(webkit2gtk-driver imagemagick xdotool python3 python3-gi gir1.2-gtk-3.0)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 2; }
command -v npm >/dev/null || { echo "Node.js 20+ and npm are required" >&2; exit 2; }

echo "==> UI dependencies (npm ci)"
# The lock pins every version. Where the registry serves no other platforms'
# optional packages (rollup's, esbuild's), npm writes a lock that `npm ci`
# calls out of sync; `npm install` then installs the same pinned versions.
(cd "$REPO_ROOT/ui" && { npm ci --ignore-scripts --no-audit --no-fund --loglevel=silent 2>/dev/null \
  || npm install --ignore-scripts --no-audit --no-fund --loglevel=error; })

if [[ "${1:-}" == "--test" ]] && ! command -v tauri-driver >/dev/null; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked
fi
