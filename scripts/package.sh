#!/usr/bin/env bash
# Builds Steward's release bundles with the Tauri bundler: on Linux a .deb and an AppImage,
# each holding the studio (steward-studio, the window), the `steward` CLI, the icon and a
# desktop entry. Not part of scripts/test.sh: a release build takes about 12 minutes here.
#
#   bash scripts/package.sh                      # .deb, then the AppImage
#   PACKAGE_BUNDLES=deb bash scripts/package.sh  # only the .deb
#
# Output: target/release/bundle/deb/Steward_<version>_amd64.deb and
# target/release/bundle/appimage/Steward_<version>_amd64.AppImage (the paths are printed).
# The bundler makes the .deb itself; the AppImage needs linuxdeploy and its plugins, which the
# bundler downloads from github.com on first use (cached in ~/.cache/tauri): without that
# network the AppImage step fails and says so, and the .deb stands.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export CARGO_INCREMENTAL=0

bundles="${PACKAGE_BUNDLES:-deb appimage}"
triple="$(rustc -vV | sed -n 's/^host: //p')"
# The CLI that drives the bundler, pinned to the tauri crate this workspace builds against.
tauri_version="$(awk '/^name = "tauri"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"
tools="$ROOT/target/package/tools"
out="$ROOT/target/package"

need_desktop_build
need_npm "$ROOT/ui"
# dpkg-shlibdeps reads the binaries' shared libraries into the .deb's Depends.
need_apt dpkg-dev

say "building the UI"
(cd ui && npm run --silent build)
say "building the studio and the CLI (release; the first build takes about 12 minutes)"
cargo build --release -q -p steward-desktop -p steward-cli

# The bundler takes extra binaries as NAME-<target triple> and installs them as NAME, next to
# the studio (/usr/bin in the .deb, usr/bin in the AppImage).
mkdir -p "$out/bin"
cp target/release/steward "$out/bin/steward-$triple"
# The release profile keeps debug info (for benchmarks' profiles); a package does not need it:
# stripped, the installed size falls from about 280 MB to a fraction. The studio is stripped
# in place, where the bundler reads it (cargo still counts it as built).
strip --strip-debug "$out/bin/steward-$triple" target/release/steward-studio

if [ ! -x "$tools/node_modules/.bin/tauri" ] || [ "$("$tools/node_modules/.bin/tauri" --version)" != "tauri-cli $tauri_version" ]; then
  say "installing @tauri-apps/cli $tauri_version (the bundler) into ${tools#"$ROOT"/}"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error --no-save "@tauri-apps/cli@$tauri_version" >/dev/null
fi
tauri="$tools/node_modules/.bin/tauri"

# The .deb's Depends, from the libraries both binaries link (the bundler's own list names only
# WebKitGTK and GTK; the CLI's keyring needs libdbus, for one).
shlib="$(mktemp -d)"
trap 'rm -rf "$shlib"' EXIT
mkdir -p "$shlib/debian"
printf 'Source: steward\n\nPackage: steward\nArchitecture: any\n' >"$shlib/debian/control"
depends="$(cd "$shlib" && dpkg-shlibdeps -O "$ROOT/target/release/steward-studio" "$ROOT/target/release/steward" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies for the binaries" >&2; exit 2; }
depends_json="$(python3 -c 'import json, sys; print(json.dumps({"bundle": {"linux": {"deb": {"depends": [d.strip() for d in sys.argv[1].split(",")]}}}}))' "$depends")"

made=()
for bundle in $bundles; do
  say "bundling: $bundle"
  if (cd src-tauri && "$tauri" bundle --ci --bundles "$bundle" -c tauri.package.conf.json -c "$depends_json"); then
    case "$bundle" in
      deb) made+=("$(ls -t target/release/bundle/deb/*.deb | head -1)") ;;
      appimage) made+=("$(ls -t target/release/bundle/appimage/*.AppImage | head -1)") ;;
      *) made+=("target/release/bundle/$bundle") ;;
    esac
  else
    failed="$bundle"
    if [ "$bundle" = appimage ]; then
      say "the AppImage was not made: the bundler downloads linuxdeploy, its GTK plugin and AppRun from github.com on first use (into ~/.cache/tauri); see its error above. Where github.com cannot be reached, copy those files into ~/.cache/tauri from a machine that can, or build only the .deb (PACKAGE_BUNDLES=deb)"
    fi
    break
  fi
done

for f in "${made[@]}"; do say "made $f ($(du -h "$f" | cut -f1))"; done
[ -z "${failed:-}" ] || { echo "package: the $failed bundle failed" >&2; exit 1; }
