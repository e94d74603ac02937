"""Real-browser journeys: Playwright drives the system's Chromium against the real app.

Each test gets a fresh data folder and its own server (werkzeug, threaded, on a free port of
127.0.0.1) with the generation worker running. Generation uses the builtin backend, slowed
down so that a person (and a test) can watch the progress bar move.

Chromium comes from the system (`/usr/bin/chromium`, or `EASEL_CHROMIUM`); Playwright's own
browsers are never downloaded. Without Chromium the tests skip on a developer machine, but
fail when `CI=true`.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from gate import Gate
from tests.conftest import make_app

HERE = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Seconds slept before each progress report of the builtin backend (see SlowedBuiltin).
STEP_DELAY = 0.4


def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e is a browser journey: mark it `e2e`."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def chromium_path() -> str:
    return os.environ.get("EASEL_CHROMIUM") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options plus the system Chromium and flags for containers."""
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        reason = (
            f"Chromium not found at {path}: install it (apt-get install chromium) "
            "or point EASEL_CHROMIUM at a Chromium binary"
        )
        if in_ci():
            pytest.fail(f"CI=true and the browser tests cannot run. {reason}", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


class SlowedBuiltin:
    """The builtin backend, slowed down so a job takes a few seconds.

    The real builtin draws in ~100 ms, too fast to see a progress bar that polls every second.
    This wrapper has the same interface and sleeps before passing on each progress report.
    """

    def __init__(self, delay: float = STEP_DELAY):
        from imagegen.builtin import BuiltinBackend

        self.inner = BuiltinBackend()
        self.name = self.inner.name
        self.delay = delay

    def styles(self):
        return self.inner.styles()

    def generate(self, request, progress):
        def slowed(fraction):
            time.sleep(self.delay)
            progress(fraction)

        return self.inner.generate(request, slowed)


@pytest.fixture
def easel_app(tmp_path):
    """The app on a fresh data folder, with its worker running the slowed builtin."""
    app = make_app(tmp_path / "data", BACKEND=SlowedBuiltin())
    worker = app.extensions["easel_worker"]
    worker.start()
    yield app
    worker.stop()


@pytest.fixture
def base_url(easel_app):
    """Serve the app on a free port of 127.0.0.1 in a daemon thread, behind the gate as `python app.py`
    serves it (requests take turns and share one SQLite connection); yield its URL."""
    server = make_server("127.0.0.1", 0, Gate(1).wrap(easel_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="easel-e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def browser_context_args(pytestconfig, base_url, _pw_artifacts_folder):
    """Per test, since base_url is: relative URLs in page.goto() go to this test's server.

    (pytest-playwright's own fixture is session-scoped and cannot depend on a per-test URL.)
    """
    args = {"base_url": base_url, "viewport": {"width": 1280, "height": 800}, "locale": "en-US"}
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        args["record_video_dir"] = _pw_artifacts_folder.name
    return args


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot into $EASEL_SCREENSHOTS, only when it is set."""
    folder = os.environ.get("EASEL_SCREENSHOTS")

    def take(page, name: str) -> None:
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret makes Playwright inject a <style>, which the app's
        # Content-Security-Policy (style-src 'self') blocks and the tests report as an error.
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True, caret="initial")

    return take
