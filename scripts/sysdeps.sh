#!/usr/bin/env bash
# Debian/Ubuntu packages OutcomeDesk needs (reference: ../shared/reference/setup.md).
#   sysdeps.sh run   - what the program needs: Qt's libraries, a CJK font
#   sysdeps.sh test  - plus what the tests need: PostgreSQL, Xvfb, poppler (PDF checks)
# As root, missing packages are installed; otherwise the exact apt-get line is printed.
set -euo pipefail
what=${1:-run}
pkgs=(python3-venv libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfreetype6 libfontconfig1 libdbus-1-3
      fonts-wqy-microhei
      xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
      libxcb-render0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0)
if [ "$what" = test ]; then
  pkgs+=(postgresql poppler-utils poppler-data pspp libreoffice-calc-nogui)
fi
command -v dpkg-query >/dev/null || { echo "sysdeps: not a Debian/Ubuntu system; install the equivalents of: ${pkgs[*]}" >&2; exit 0; }
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "sysdeps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "sysdeps: these Debian packages are missing. As root, run:" >&2
  echo "  sudo $line" >&2
  exit 1
fi
