#!/usr/bin/env bash
# Checks a Steward .deb the way a user meets it: installed on a clean Debian 12 (a debootstrap
# chroot, minbase: nothing of Steward's dependencies present), with `dpkg -i` and then
# `apt-get -f install` for the dependencies it names, then `steward --version`, the demo loaded
# by the installed CLI, and the installed studio opened on it under Xvfb, with a screenshot.
#
#   bash scripts/package-check.sh target/release/bundle/deb/Steward_0.1.0_amd64.deb [CHROOT]
#
# Needs root (debootstrap, chroot, mounts) and the Debian archive. CHROOT defaults to
# /var/tmp/steward-deb-check/bookworm; a fresh one is made when it is missing (about 3 minutes),
# and it is copied before each check so the check always starts clean. The screenshot lands in
# artifacts/package/studio-on-demo.png.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb="$(realpath "${1:?usage: package-check.sh FILE.deb [CHROOT]}")"
clean="${2:-/var/tmp/steward-deb-check/bookworm}"
[ "$(id -u)" -eq 0 ] || { echo "package-check: run as root (debootstrap and chroot)" >&2; exit 1; }
[ -f "$deb" ] || { echo "package-check: no file $deb" >&2; exit 1; }

if [ ! -x "$clean/bin/bash" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  mkdir -p "$(dirname "$clean")"
  debootstrap --variant=minbase bookworm "$clean" http://deb.debian.org/debian
fi

box="$(mktemp -d /var/tmp/steward-deb-check.XXXXXX)"
cleanup() {
  set +e
  for m in dev/pts dev proc sys tmp; do umount "$box/root/$m" 2>/dev/null || umount -l "$box/root/$m" 2>/dev/null; done
  # Never delete through a mount that is still there (the host's /dev is bound in).
  if grep -q " $box/" /proc/mounts; then
    echo "package-check: $box still has mounts; left in place" >&2
  else
    rm -rf --one-file-system "$box"
  fi
}
trap cleanup EXIT
cp -a "$clean" "$box/root"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$box/root/$m"; done
mount -t tmpfs tmpfs "$box/root/tmp"
cp /etc/resolv.conf "$box/root/etc/resolv.conf"
cp "$deb" "$box/root/tmp/steward.deb"

in_box() { chroot "$box/root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

echo "== before: is anything of Steward or WebKitGTK installed?"
in_box sh -c 'dpkg -l | grep -E "steward|webkit2gtk|libgtk-3-0" || echo "nothing"'
echo "== dpkg -i (fails for the missing dependencies, as on any clean system)"
in_box dpkg -i /tmp/steward.deb || true
echo "== apt-get -f install"
in_box apt-get update -qq
in_box apt-get -f install -y -qq >/dev/null
in_box dpkg -s steward | sed -n '1,/^Description/p'
echo "== installed files"
in_box dpkg -L steward | grep -E 'bin/|\.desktop$|icons/.*/apps/' | sort
in_box sh -c 'cat /usr/share/applications/*.desktop'
echo "== the CLI"
in_box steward --version
in_box steward --workspace /root/demo demo | tail -3
in_box steward --workspace /root/demo model list | head -5

echo "== the studio under Xvfb (xvfb and imagemagick are the check's tools, not the package's)"
in_box apt-get install -y -qq --no-install-recommends xvfb xauth imagemagick >/dev/null
in_box sh -c '
  Xvfb :57 -screen 0 1280x820x24 >/tmp/xvfb.log 2>&1 &
  xvfb=$!
  sleep 2
  DISPLAY=:57 steward-studio --workspace /root/demo >/tmp/studio.log 2>&1 &
  studio=$!
  sleep 15
  alive=no; kill -0 $studio 2>/dev/null && alive=yes
  DISPLAY=:57 import -window root /tmp/studio.png
  echo "studio still running after 15 s: $alive"; cat /tmp/studio.log
  kill $studio 2>/dev/null; wait $studio 2>/dev/null
  kill $xvfb 2>/dev/null
  [ $alive = yes ]
'
mkdir -p "$ROOT/artifacts/package"
cp "$box/root/tmp/studio.png" "$ROOT/artifacts/package/studio-on-demo.png"
echo "== screenshot: artifacts/package/studio-on-demo.png"
