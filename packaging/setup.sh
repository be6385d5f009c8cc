#!/usr/bin/env bash
# Installs what Marginalia needs on a Debian machine, skipping what is there:
# Qt's system libraries (and Xvfb, a window manager and PostgreSQL for the test suite), then a virtual
# environment in .venv with the app (and, with --test, the test tools).
#
#   bash packaging/setup.sh          # the app
#   bash packaging/setup.sh --test   # the app and everything the tests use
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    *) echo "setup.sh: unknown option '$arg' (use --test or nothing)" >&2; exit 2 ;;
  esac
done

# Qt's runtime libraries; the xcb ones are for a real window.
packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          libglib2.0-0 fonts-dejavu-core
          libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
          libxcb-xkb1 libxcb-xfixes0 libx11-xcb1)
if [ "$want_test" = 1 ]; then
  packages+=(xvfb xauth desktop-file-utils appstream)  # the last two check packaging/ files
  packages+=(openbox xdotool x11-utils)  # a window manager, input events and xprop for the real-window test
  packages+=(postgresql)  # the tests start their own throwaway server (tests/pgserver.py)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup.sh: these system packages are missing and this user cannot install them: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup.sh: installing system packages: ${missing[*]}"
  echo "setup.sh: updating the package lists first"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup.sh: making the virtual environment in .venv"
  "$python" -m venv .venv
fi
extra=""
[ "$want_test" = 1 ] && extra="[test]"
if [ "$want_test" = 1 ]; then
  echo "setup.sh: installing Marginalia and the test tools into .venv (a minute or two the first time)"
else
  echo "setup.sh: installing Marginalia into .venv (a minute or two the first time)"
fi
# pip skips what is already installed at a suitable version.
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"
echo "setup.sh: done"
