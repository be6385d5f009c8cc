#!/usr/bin/env bash
# Builds Marginalia as a standalone program in dist/marginalia/ (PyInstaller,
# one folder), from a clean checkout, then checks the result with its own
# --version and --self-test on Qt's offscreen platform.
#
#   bash packaging/build.sh            # the bundle
#   bash packaging/build.sh --wheel    # also the wheel and sdist, in dist/
#
# The build runs in its own virtual environment (build/venv, made if needed,
# from python3 or $PYTHON) with the app and its "package" extra installed, so
# it never changes .venv. Qt's system libraries must be there: packaging/setup.sh
# installs them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

want_wheel=0
for arg in "$@"; do
  case "$arg" in
    --wheel) want_wheel=1 ;;
    *) echo "build.sh: unknown option '$arg' (use --wheel or nothing)" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
venv=build/venv
if [ ! -x "$venv/bin/python" ]; then
  echo "build.sh: creating the build environment in $venv"
  "$python" -m venv "$venv"
fi
echo "build.sh: installing the app and the packaging tools into $venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check ".[package]"

if [ "$want_wheel" = 1 ]; then
  echo "build.sh: building the wheel and the sdist"
  "$venv/bin/python" -m build --outdir dist .
fi

echo "build.sh: building the bundle"
rm -rf dist/marginalia
"$venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/marginalia.spec

program=dist/marginalia/marginalia
[ -x "$program" ] || { echo "build.sh: $program was not made" >&2; exit 1; }
echo "build.sh: checking $program"
export QT_QPA_PLATFORM=offscreen
"$program" --version
"$program" --self-test
echo "build.sh: done: $(du -sh dist/marginalia | cut -f1) in dist/marginalia/ (run $program)"
