"""``marginalia`` with no command opens the window on the database: as a real
process, on the offscreen platform and on a real X server (Xvfb)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _launch(db: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )


def _wait_for(condition, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _run_window(db: Path, env: dict, log: Path) -> str:
    proc = _launch(db, env)
    try:
        opened = _wait_for(lambda: log.exists() and "window shown" in log.read_text() and db.exists())
        # the store opens behind the window; once attached, the window must stay up
        attached = _wait_for(lambda: "database attached" in log.read_text() or proc.poll() is not None)
        alive = proc.poll() is None
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    err_text = err.decode("utf-8", "replace")
    assert opened, err_text
    assert attached and alive, err_text
    assert "Traceback" not in err_text
    return log.read_text()


def test_marginalia_opens_the_window_on_a_new_database(tmp_path, user_dirs):
    db = tmp_path / "library.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    text = _run_window(db, env, user_dirs / "state" / "Marginalia" / "log" / "marginalia.log")
    assert "window shown (Qt platform offscreen)" in text
    assert "created database" in text


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (packaging/setup.sh --test installs it)")
def test_marginalia_runs_on_a_real_x_server(tmp_path, user_dirs):
    display = ":%d" % (90 + os.getpid() % 500)
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: Path(f"/tmp/.X11-unix/X{display[1:]}").exists(), 15)
        env = dict(os.environ, DISPLAY=display)
        env.pop("QT_QPA_PLATFORM", None)
        env.pop("WAYLAND_DISPLAY", None)
        text = _run_window(tmp_path / "x.db", env, user_dirs / "state" / "Marginalia" / "log" / "marginalia.log")
        assert "window shown (Qt platform xcb)" in text
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=15)
