"""What packaging/ makes: the desktop entry, the AppStream metainfo, the icons,
the wheel (its contents, and installed in a fresh environment) and, when
MARGINALIA_BUILD_BUNDLE=1, the standalone PyInstaller bundle."""

from __future__ import annotations

import configparser
import json
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
@pytest.fixture(scope="session")
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


def _requirements_of(wheel: Path) -> list[str]:
    """The wheel's own Requires-Dist lines that apply without any extra."""
    from packaging.requirements import Requirement

    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(name).decode("utf-8")
    found = []
    for line in metadata.splitlines():
        if line.startswith("Requires-Dist:"):
            requirement = Requirement(line.split(":", 1)[1].strip())
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                found.append(str(requirement))
    return found


def dependency_closure(requirements: list[str]) -> set[str]:
    """The distributions (canonical names) that installing ``requirements``
    brings, read from what this environment has installed."""
    import importlib.metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    todo = [Requirement(r) for r in requirements]
    seen: set[tuple[str, frozenset]] = set()
    names: set[str] = set()
    while todo:
        requirement = todo.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        dist = importlib.metadata.distribution(requirement.name)
        names.add(key[0])
        for line in dist.requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in (requirement.extras or {""})):
                sub.marker = None
                todo.append(sub)
    return names


def _link_distributions(names: set[str], into: Path) -> None:
    """Make ``into`` a folder that holds exactly these installed distributions
    (links to their top-level packages, modules and metadata)."""
    import importlib.metadata

    from packaging.utils import canonicalize_name

    into.mkdir()
    for dist in importlib.metadata.distributions():
        if canonicalize_name(dist.metadata["Name"]) not in names:
            continue
        for top in {f.parts[0] for f in dist.files or () if f.parts and f.parts[0] not in ("..", "__pycache__")}:
            if top.endswith(".pth") or (into / top).exists():
                continue
            (into / top).symlink_to(dist.locate_file(top))


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> dict:
    """The wheel installed WITHOUT extras in a fresh virtual environment, once
    per test session. The environment sees only the distributions that the
    wheel's own requirements bring (linked from the test environment, so
    nothing is downloaded): an import of anything else fails there as on a
    user's machine."""
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    requirements = _requirements_of(wheel)
    assert not any("extra" in r for r in requirements)
    dependencies = root / "dependencies"
    _link_distributions(dependency_closure(requirements), dependencies)
    (site / "zz_dependencies.pth").write_text(f"{dependencies}\n")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
         "--disable-pip-version-check", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    home = root / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home))
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"),
                     ("XDG_CACHE_HOME", "cache")):
        (home / sub).mkdir(parents=True)
        env[var] = str(home / sub)
    return dict(venv=venv, site=site, program=venv / "bin" / "marginalia", env=env, dependencies=dependencies)


def test_the_fresh_environment_lacks_what_the_wheel_does_not_require(installed):
    """The check below can fail: a test-only library is not importable there."""
    python = installed["venv"] / "bin" / "python"
    for module, expected in (("pytest", False), ("jsonschema", False), ("openpyxl", True), ("desktop_app", True)):
        run = subprocess.run([str(python), "-c", f"import {module}"], env=installed["env"], capture_output=True,
                             text=True, timeout=120)
        assert (run.returncode == 0) == expected, (module, run.stderr)


def test_every_runtime_import_is_a_declared_dependency():
    """Each library that desktop_app imports is installed by [project] dependencies (no extra)."""
    import ast
    import importlib.metadata

    from packaging.utils import canonicalize_name

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    installs = dependency_closure(declared)
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for path in (ROOT / "desktop_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "desktop_app":
                    continue
                dists = {canonicalize_name(d) for d in providers.get(top, [])}
                if not dists & installs:
                    missing.setdefault(top, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"imported but not installed by [project] dependencies: {missing}"


def test_wheel_installed_in_a_fresh_environment_passes_its_self_test(installed, tmp_path):
    site = installed["site"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(installed["program"]), "--self-test"], cwd=elsewhere, env=installed["env"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    packaged = site / "desktop_app" / "_data"
    assert f"sample articles found in {packaged / 'seeds'}" in run.stdout, run.stdout
    assert f"resources found in {packaged / 'resources'}" in run.stdout, run.stdout
    from desktop_app.core.exchange import FORMATS

    for fmt in FORMATS:
        assert f"exported to {fmt}" in run.stdout, run.stdout
    assert "main window built" in run.stdout


def test_wheel_without_extras_runs_every_export_and_import(installed, tmp_path):
    """A plain install imports Markdown, text and HTML files, writes every export
    format and reads W3C annotations back."""
    from desktop_app.core.exchange import FORMATS

    def marginalia(*args: str, db: Path) -> subprocess.CompletedProcess:
        run = subprocess.run([str(installed["program"]), "--db", str(db), *args], cwd=tmp_path,
                             env=installed["env"], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, (args, run.stdout + run.stderr)
        assert "Traceback" not in run.stderr and "unexpected error" not in run.stderr, run.stderr
        return run

    db = tmp_path / "plain.db"
    (tmp_path / "a.md").write_text("# Markdown source\n\nThe *first* passage 🎬 about pay.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Plain text source: the second passage.\n", encoding="utf-8")
    (tmp_path / "c.html").write_text("<html><head><title>HTML source</title></head><body><p>The third "
                                     "passage, in HTML.</p></body></html>", encoding="utf-8")
    marginalia("import", str(tmp_path / "a.md"), str(tmp_path / "b.txt"), str(tmp_path / "c.html"), db=db)
    docs = marginalia("docs", "--json", db=db)
    titles = {d["title"]: d["id"] for d in json.loads(docs.stdout)}
    assert {"Markdown source", "HTML source"} <= set(titles), titles
    marginalia("claim", "add", str(titles["Markdown source"]), "--quote", "passage 🎬 about pay", "--note",
               "=1+1", db=db)
    marginalia("claim", "add", str(titles["HTML source"]), "--quote", "third passage", db=db)
    for fmt, (_module, _function, kind, suffix, _what) in FORMATS.items():
        target = tmp_path / f"out-{fmt}{suffix}"
        marginalia("export", "--format", fmt, "-o", str(target), db=db)
        assert target.stat().st_size > 0, fmt
        if kind == "binary":
            assert zipfile.is_zipfile(target), fmt
    other = tmp_path / "other.db"
    marginalia("import", str(tmp_path / "a.md"), str(tmp_path / "c.html"), db=other)
    run = marginalia("import-annotations", str(tmp_path / "out-w3c.jsonld"), "--json", db=other)
    assert json.loads(run.stdout)["imported"] == 2, run.stdout


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
