"""Started as its own process by run.py: prints READY when the window is up.

    python bench/probe_startup.py bare            # a bare PySide6 QMainWindow
    python bench/probe_startup.py first-paint DB  # Marginalia's frame, painted (its panes
                                                  # and panels are made right after)
    python bench/probe_startup.py library DB      # ...with the library filled
    python bench/probe_startup.py store-ready DB  # ...and the store opened behind it
    python bench/probe_startup.py project DB      # a large project: prints JSON figures
                                                  # (ready to claim, memory, library filter)
    python bench/probe_startup.py rss DB          # prints the resident memory (MB)
                                                  # once the first document is open,
                                                  # and once its text is all laid out

It runs the same code as ``marginalia`` (make_application, MainWindow, show,
then open_database), on Qt's offscreen platform.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def ready() -> None:
    sys.stdout.write("READY\n")
    sys.stdout.flush()


def resident_mb() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def main() -> None:
    mode = sys.argv[1]
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([])
        window = QMainWindow()
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        ready()
        return
    from pathlib import Path

    from PySide6.QtCore import QEvent

    from desktop_app.qt.app import make_application
    from desktop_app.qt.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.restore_layout()
    window.show()
    app.processEvents()
    if mode == "first-paint":
        # the frame has been painted; its panes and panels are made right after
        assert window.first_painted
        ready()
        return
    if mode == "rss":
        window.open_database(Path(sys.argv[2]))  # builds the panes and panels first
        first = window.documents_model.document_id(0)
        window.open_document(first, window.panes[0])
        for _ in range(20):
            app.processEvents()
        # what the window's event loop does, and processEvents alone does not:
        # delete the document the pane showed before (its idle layout would go on)
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        opened = resident_mb()
        # Qt lays the rest of the text out while the window is idle: wait
        # until the scroll range has not grown for a second (all laid out)
        import time

        bar = window.panes[0].view.verticalScrollBar()
        last, since, give_up = -1, time.monotonic(), time.monotonic() + 120
        while time.monotonic() - since < 1.0 and time.monotonic() < give_up:
            app.processEvents()
            if bar.maximum() != last:
                last, since = bar.maximum(), time.monotonic()
        sys.stdout.write(f"{opened:.1f} {resident_mb():.1f}\n")
        sys.stdout.flush()
        return
    if mode == "project":
        project(app, window, Path(sys.argv[2]))
        return
    if mode == "store-ready":
        window.open_database_in_background(Path(sys.argv[2]))
        while window.store is None:
            app.processEvents()
        app.processEvents()
        ready()
        return
    # as ``marginalia`` does: the library is listed first, the store opens behind
    window.open_database_in_background(Path(sys.argv[2]))
    while window.library.proxy.rowCount() < 2:
        app.processEvents()
    app.processEvents()
    ready()


def project(app, window, db) -> None:
    """Open a project as ``marginalia`` does and time it until the window is
    ready to claim: the store attached, the library listed and the claims
    table showing rows (painted). Then the memory, with the counts loaded,
    and the time of each character typed into the library filter."""
    import json
    import statistics
    import time

    from PySide6.QtCore import QEventLoop, QTimer

    # waits for events instead of spinning (a spinning loop would take the
    # interpreter from the thread opening the store); the timer wakes it
    tick = QTimer(interval=5)
    tick.start()

    def wait() -> None:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    t0 = time.perf_counter()
    window.open_database_in_background(db)
    table = None
    while True:
        wait()
        if window.store is None or window.documents_model is None:
            continue
        table = window.claims_panel.table
        # the store attached, the library listed, the claims table given its model (the sample
        # articles have no claim: its rows are not waited for)
        if window.library.proxy.rowCount() and table.model() is not None and table.model() is window.claims_model:
            break
    table.viewport().repaint()
    window.library.table.viewport().repaint()
    ready = time.perf_counter() - t0
    give_up = time.perf_counter() + 120
    while window.counts_loading() and time.perf_counter() < give_up:
        wait()
    counted = time.perf_counter() - t0
    rss = resident_mb()
    times = []
    for word in ("studio", "zürich", "strike 1"):
        for n in range(1, len(word) + 1):
            t = time.perf_counter()
            window.library.filter.setText(word[:n])
            window.library.table.viewport().repaint()
            times.append(time.perf_counter() - t)
        window.library.filter.clear()
        app.processEvents()
    sys.stdout.write(json.dumps({"ready_s": ready, "counted_s": counted, "rss_mb": rss,
                                 "library_filter_ms": statistics.median(times) * 1000,
                                 "library_filter_worst_ms": max(times) * 1000}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
    os._exit(0)  # the figure is the time to READY; skip teardown
