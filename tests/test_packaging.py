"""What packaging/ makes: the desktop entry, the AppStream metainfo, the icons,
the wheel (its contents, and installed in a fresh environment) and, when
MARGINALIA_BUILD_BUNDLE=1, the standalone PyInstaller bundle."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys
import sysconfig
import time
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from desktop_app import __version__

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
DESKTOP = PACKAGING / "marginalia.desktop"
METAINFO = PACKAGING / "io.marginalia.Marginalia.metainfo.xml"
SIZES = (16, 32, 48, 64, 128, 256, 512)


# ------------------------------------------------------------ desktop entry
def test_desktop_entry_has_the_required_keys():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Marginalia"
    assert entry["Exec"].split()[0] == "marginalia"
    assert entry["Icon"] == "marginalia"  # the hicolor icons' name
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    assert entry["Comment"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (desktop-file-utils; setup.sh --test installs it)")
def test_desktop_entry_validates():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout + result.stderr


# ------------------------------------------------------------------ metainfo
def test_metainfo_is_complete_and_has_this_version():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == "io.marginalia.Marginalia"
    assert root.findtext("name") == "Marginalia"
    assert root.findtext("summary")
    assert root.findtext("metadata_license") and root.findtext("project_license") == "MIT"
    assert root.find("description/p") is not None
    launchable = root.find("launchable")
    assert launchable.get("type") == "desktop-id" and launchable.text == DESKTOP.name
    assert root.findtext("provides/binary") == "marginalia"
    assert root.find("content_rating") is not None
    assert root.findtext("developer/name") == "Marginalia developers"
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == __version__, "add a <release> for the new version"
    assert all(r.get("date") for r in releases)


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli is not installed (appstream; setup.sh --test installs it)")
def test_metainfo_validates_with_appstreamcli():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------- icons
def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_icons_exist_at_every_size():
    assert (ICONS / "marginalia.svg").is_file()
    for size in SIZES:
        png = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "marginalia.png"
        assert _png_size(png) == (size, size)
    ico = (ICONS / "marginalia.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 4
    icns = (ICONS / "marginalia.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    total = sum(p.stat().st_size for p in ICONS.rglob("marginalia.*"))
    assert total < 300_000


# ------------------------------------------------------------- pyproject
def test_every_package_is_listed_for_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "desktop_app").rglob("__init__.py")}
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert config["package-dir"] == {"desktop_app._data.seeds": "seeds", "desktop_app._data.resources": "resources"}


# ---------------------------------------------------------------------- wheel
@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the files a clean checkout has."""
    src = tmp_path_factory.mktemp("checkout")
    for name in ("desktop_app", "seeds", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (found,) = out.glob("marginalia-*.whl")
    return found


def test_wheel_holds_the_seeds_resources_and_migrations(wheel):
    assert wheel.name.startswith(f"marginalia-{__version__}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    for seed in (ROOT / "seeds").glob("*.md"):
        assert f"desktop_app/_data/seeds/{seed.name}" in names
    assert "desktop_app/_data/resources/icons/marginalia.svg" in names
    assert "desktop_app/_data/resources/icons/tag.svg" in names
    for size in SIZES:
        assert f"desktop_app/_data/resources/icons/hicolor/{size}x{size}/apps/marginalia.png" in names
    for script in (ROOT / "desktop_app" / "core" / "store" / "migrations").rglob("*.py"):
        assert "/".join(script.relative_to(ROOT).parts) in names
    assert "desktop_app/py.typed" in names
    assert not any("screenshot" in n or n.startswith(("tests/", "seeds/", "resources/")) for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "marginalia = desktop_app.__main__:main" in zipfile.ZipFile(wheel).read(metadata).decode()


def test_wheel_installed_in_a_fresh_environment_passes_its_self_test(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies come from the test environment (no download); the app from the wheel.
    (site / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
         "--disable-pip-version-check", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    run = subprocess.run([str(venv / "bin" / "marginalia"), "--self-test"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    packaged = site / "desktop_app" / "_data"
    assert f"sample articles found in {packaged / 'seeds'}" in run.stdout, run.stdout
    assert f"resources found in {packaged / 'resources'}" in run.stdout, run.stdout
    assert "main window built" in run.stdout


# --------------------------------------------------------------------- bundle
@pytest.mark.slow
@pytest.mark.packaging
@pytest.mark.skipif(
    os.environ.get("MARGINALIA_BUILD_BUNDLE") != "1" and os.environ.get("CI") != "true",
    reason="builds the PyInstaller bundle (a minute or two, 300 MB): runs in CI, or set MARGINALIA_BUILD_BUNDLE=1",
)
@pytest.mark.timeout(1800)
def test_bundle_builds_and_passes_its_self_test(user_dirs, pg_url):
    started = time.monotonic()
    build = subprocess.run(["bash", str(PACKAGING / "build.sh")], cwd=ROOT, capture_output=True, text=True,
                           timeout=1800)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    print(f"bundle built in {time.monotonic() - started:.0f} s")
    program = ROOT / "dist" / "marginalia" / "marginalia"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    version = subprocess.run([str(program), "--version"], env=env, capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and version.stdout.strip() == f"Marginalia {__version__}", version.stderr
    before = sorted(p for p in user_dirs.rglob("*") if p.is_file())
    check = subprocess.run([str(program), "--self-test"], env=env, cwd=user_dirs, capture_output=True, text=True,
                           timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "_internal/desktop_app/_data/seeds" in check.stdout  # the bundled seeds, not the checkout's
    assert "main window built on the offscreen platform" in check.stdout
    assert sorted(p for p in user_dirs.rglob("*") if p.is_file()) == before
    # The bundle carries the PostgreSQL driver: it opens (and creates) a team database.
    team = subprocess.run([str(program), "--db", pg_url, "docs"], env=env, cwd=user_dirs, capture_output=True,
                          text=True, timeout=300)
    assert team.returncode == 0, team.stdout + team.stderr
    assert team.stdout.count("Netflix") == 2
